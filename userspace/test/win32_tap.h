/* SPDX-License-Identifier: GPL-2.0 */
/*
 * win32_tap.h - a few lines of TAP for the tests of the Win32 include
 * directory, which build as C and as C++ (the kselftest harness is C
 * only).  Prints "ok N", "not ok N" and a kselftest "# Totals:" line.
 */
#ifndef WIN32_TAP_H
#define WIN32_TAP_H

#include <stdio.h>

static int tap_count, tap_failed;

static void tap_check(int ok, const char *what, const char *file, int line)
{
	tap_count++;
	if (!ok)
		tap_failed++;
	printf("%sok %d - %s%s(%s:%d)\n", ok ? "" : "not ", tap_count, what,
	       ok ? " " : " FAILED ", file, line);
	fflush(stdout);
}

#define CHECK(cond) tap_check(!!(cond), #cond, __FILE__, __LINE__)

static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       tap_count - tap_failed, tap_failed);
	return tap_failed ? 1 : 0;
}

#endif /* WIN32_TAP_H */
