// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnamedshm-win32: lstrlen, lstrcpy, lstrcpyn, lstrcat, lstrcmp and
 * lstrcmpi, A and W.  NULL arguments as on Windows: lstrlen(NULL) is 0,
 * the copying functions return NULL, NULL sorts before every string.
 * The comparisons are ordinal (by byte / code unit; lstrcmpi after
 * case folding), not by the user's locale as on Windows.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "win32_internal.h"

NAMEDSHM_EXPORT int WINAPI lstrlenA(LPCSTR s)
{
	return s ? (int)strnlen(s, INT32_MAX) : 0;
}

NAMEDSHM_EXPORT int WINAPI lstrlenW(LPCWSTR s)
{
	return s ? (int)namedshm_wcsnlen(s, INT32_MAX) : 0;
}

NAMEDSHM_EXPORT LPSTR WINAPI lstrcpyA(LPSTR d, LPCSTR s)
{
	if (!d || !s)
		return NULL;
	return memmove(d, s, strlen(s) + 1);
}

NAMEDSHM_EXPORT LPWSTR WINAPI lstrcpyW(LPWSTR d, LPCWSTR s)
{
	if (!d || !s)
		return NULL;
	return namedshm_wcscpy(d, s);
}

/* At most n - 1 characters, always terminated when n > 0. */
NAMEDSHM_EXPORT LPSTR WINAPI lstrcpynA(LPSTR d, LPCSTR s, int n)
{
	int i = 0;

	if (!d || !s)
		return NULL;
	for (; i + 1 < n && s[i]; i++)
		d[i] = s[i];
	if (n > 0)
		d[i] = '\0';
	return d;
}

NAMEDSHM_EXPORT LPWSTR WINAPI lstrcpynW(LPWSTR d, LPCWSTR s, int n)
{
	int i = 0;

	if (!d || !s)
		return NULL;
	for (; i + 1 < n && s[i]; i++)
		d[i] = s[i];
	if (n > 0)
		d[i] = 0;
	return d;
}

NAMEDSHM_EXPORT LPSTR WINAPI lstrcatA(LPSTR d, LPCSTR s)
{
	if (!d || !s)
		return NULL;
	return strcat(d, s);
}

NAMEDSHM_EXPORT LPWSTR WINAPI lstrcatW(LPWSTR d, LPCWSTR s)
{
	if (!d || !s)
		return NULL;
	return namedshm_wcscat(d, s);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

#define NULL_ORDER(a, b)                                                   \
	do {                                                               \
		if (!(a) || !(b))                                          \
			return (a) ? 1 : (b) ? -1 : 0;                     \
	} while (0)

NAMEDSHM_EXPORT int WINAPI lstrcmpA(LPCSTR a, LPCSTR b)
{
	NULL_ORDER(a, b);
	return sign(strcmp(a, b));
}

NAMEDSHM_EXPORT int WINAPI lstrcmpW(LPCWSTR a, LPCWSTR b)
{
	NULL_ORDER(a, b);
	return namedshm_wcscmp(a, b);
}

NAMEDSHM_EXPORT int WINAPI lstrcmpiA(LPCSTR a, LPCSTR b)
{
	NULL_ORDER(a, b);
	return sign(strcasecmp(a, b));
}

NAMEDSHM_EXPORT int WINAPI lstrcmpiW(LPCWSTR a, LPCWSTR b)
{
	NULL_ORDER(a, b);
	return _wcsicmp(a, b);
}
