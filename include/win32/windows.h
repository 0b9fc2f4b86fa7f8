/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * windows.h - namedshm's opt-in Win32 include directory.
 *
 * Programs whose only Windows dependencies are named file mappings (and
 * CE's CreateFileForMapping), the Win32 basics around them and <tchar.h>
 * build unchanged on Linux with
 *
 *     cc prog.c $(pkg-config --cflags --libs namedshm-win32)
 *
 * (add -DUNICODE -fshort-wchar for UNICODE builds with L"" literals).
 * userspace/PORTING.md lists exactly what is here and what is not.
 *
 * _WIN32 is not defined (NAMEDSHM_WIN32 is): see <winnt.h>.
 */
#ifndef NAMEDSHM_WIN32_WINDOWS_H
#define NAMEDSHM_WIN32_WINDOWS_H

/*
 * Windows code carries #pragma comment(lib, ...), #pragma warning(...)
 * and the like, which GCC does not know: do not let them fail -Werror.
 */
#pragma GCC diagnostic ignored "-Wunknown-pragmas"

/* The C headers <windows.h> brings along on Windows. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "windef.h" /* winnt.h, basetsd.h, <cemapping.h> */
#include "winbase.h"
#include "winerror.h"
#include "wide.h"
#ifdef UNICODE
#include "wmain.h"
#endif
/* The named synchronization objects (events, mutexes, semaphores) will be
 * declared here too once the layer has them. */

#endif /* NAMEDSHM_WIN32_WINDOWS_H */
