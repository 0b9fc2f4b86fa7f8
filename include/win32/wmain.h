/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wmain.h - wmain as an entry point, for UNICODE builds.  Not an SDK
 * header: <tchar.h> and <windows.h> include it in UNICODE builds (define
 * NAMEDSHM_NO_WMAIN to leave it out).
 *
 * Linux starts programs at main.  A program that defines no main but a
 * wmain (int wmain(), int wmain(int, WCHAR **) or int wmain(int, WCHAR **,
 * WCHAR **), in C or C++) gets main from libnamedshm-win32main.a, which
 * pkg-config's namedshm-win32 links: it converts argv and envp from UTF-8
 * to UTF-16 and calls namedshm_wmain_dispatch() below, which calls the
 * program's wmain.  A program that defines main is not affected.
 */
#ifndef NAMEDSHM_WIN32_WMAIN_H
#define NAMEDSHM_WIN32_WMAIN_H

#include "winnt.h"

#ifndef NAMEDSHM_NO_WMAIN
#ifdef __cplusplus
int wmain() __attribute__((__weak__));
int wmain(int, WCHAR **) __attribute__((__weak__));
int wmain(int, WCHAR **, WCHAR **) __attribute__((__weak__));
extern "C" __attribute__((__weak__)) int
namedshm_wmain_dispatch(int argc, WCHAR **argv, WCHAR **envp)
{
	int (*f0)() = wmain;
	int (*f2)(int, WCHAR **) = wmain;
	int (*f3)(int, WCHAR **, WCHAR **) = wmain;

	if (f3)
		return f3(argc, argv, envp);
	if (f2)
		return f2(argc, argv);
	if (f0)
		return f0();
	return 127;
}
#else
/* No prototype: any of the three forms of wmain matches this. */
extern int wmain() __attribute__((__weak__));
int namedshm_wmain_dispatch(int argc, WCHAR **argv, WCHAR **envp);
__attribute__((__weak__)) int
namedshm_wmain_dispatch(int argc, WCHAR **argv, WCHAR **envp)
{
	/* As the C library calls main: all three arguments, whichever form. */
	return wmain ? wmain(argc, argv, envp) : 127;
}
#endif
#endif

#endif /* NAMEDSHM_WIN32_WMAIN_H */
