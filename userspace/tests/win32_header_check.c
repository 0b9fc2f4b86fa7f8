// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Compile-only check of the Win32 include directory (include/win32):
 * `make -C userspace check-header` builds it as C11 and C++11, ANSI,
 * UNICODE and UNICODE with -fshort-wchar, under -Wpedantic.
 */
#include <windows.h>
#include <tchar.h>

#include <basetsd.h>
#include <sal.h>
#include <winbase.h>
#include <windef.h>
#include <winerror.h>
#include <winnt.h>

#ifdef _WIN32
#error "_WIN32 must stay undefined"
#endif
#ifndef NAMEDSHM_WIN32
#error "NAMEDSHM_WIN32 is not defined"
#endif

static LONG counter;

int check_header(_In_ int argc, _TCHAR *argv[]);
int check_header(int argc, _TCHAR *argv[])
{
	TCHAR buf[32];
	LARGE_INTEGER li;

	UNREFERENCED_PARAMETER(argv);
	InterlockedIncrement(&counter);
	QueryPerformanceCounter(&li);
	Sleep(0);
	_stprintf(buf, TEXT("%d"), argc);
	return (int)_tcslen(buf) + MAKELONG(1, 0) + (int)ARRAYSIZE(buf);
}
