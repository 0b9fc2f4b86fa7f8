// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnamedshm-win32: string functions on 16-bit WCHAR strings (wide.h).
 * glibc's wcs* functions assume a 32-bit wchar_t and are never used here.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "internal.h"
#include "win32_internal.h"

NAMEDSHM_EXPORT size_t namedshm_wcslen(const WCHAR *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

NAMEDSHM_EXPORT size_t namedshm_wcsnlen(const WCHAR *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

NAMEDSHM_EXPORT WCHAR *namedshm_wcscpy(WCHAR *dst, const WCHAR *src)
{
	return memmove(dst, src, (namedshm_wcslen(src) + 1) * sizeof(WCHAR));
}

/* As strncpy: pads with zeros, no terminator if src is n or longer. */
NAMEDSHM_EXPORT WCHAR *namedshm_wcsncpy(WCHAR *dst, const WCHAR *src,
					size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = 0;
	return dst;
}

NAMEDSHM_EXPORT WCHAR *namedshm_wcscat(WCHAR *dst, const WCHAR *src)
{
	namedshm_wcscpy(dst + namedshm_wcslen(dst), src);
	return dst;
}

NAMEDSHM_EXPORT WCHAR *namedshm_wcsncat(WCHAR *dst, const WCHAR *src,
					size_t n)
{
	WCHAR *d = dst + namedshm_wcslen(dst);
	size_t i;

	for (i = 0; i < n && src[i]; i++)
		d[i] = src[i];
	d[i] = 0;
	return dst;
}

NAMEDSHM_EXPORT int namedshm_wcsncmp(const WCHAR *a, const WCHAR *b,
				     size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
		if (!a[i])
			break;
	}
	return 0;
}

NAMEDSHM_EXPORT int namedshm_wcscmp(const WCHAR *a, const WCHAR *b)
{
	return namedshm_wcsncmp(a, b, SIZE_MAX);
}

static uint32_t fold(WCHAR c)
{
	/* Surrogates are not characters: compare them as they are. */
	if (c >= 0xD800 && c <= 0xDFFF)
		return c;
	return (uint32_t)towlower((wint_t)c);
}

NAMEDSHM_EXPORT int _wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint32_t x = fold(a[i]), y = fold(b[i]);

		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

NAMEDSHM_EXPORT int _wcsicmp(const WCHAR *a, const WCHAR *b)
{
	return _wcsnicmp(a, b, SIZE_MAX);
}

NAMEDSHM_EXPORT WCHAR *namedshm_wcschr(const WCHAR *s, WCHAR c)
{
	for (;; s++) {
		if (*s == c)
			return (WCHAR *)s;
		if (!*s)
			return NULL;
	}
}

NAMEDSHM_EXPORT WCHAR *namedshm_wcsrchr(const WCHAR *s, WCHAR c)
{
	const WCHAR *last = NULL;

	for (;; s++) {
		if (*s == c)
			last = s;
		if (!*s)
			return (WCHAR *)last;
	}
}

NAMEDSHM_EXPORT WCHAR *namedshm_wcsstr(const WCHAR *hay, const WCHAR *needle)
{
	size_t n = namedshm_wcslen(needle);

	for (; *hay; hay++)
		if (!namedshm_wcsncmp(hay, needle, n))
			return (WCHAR *)hay;
	return n ? NULL : (WCHAR *)hay;
}

NAMEDSHM_EXPORT WCHAR *_wcsdup(const WCHAR *s)
{
	size_t sz = (namedshm_wcslen(s) + 1) * sizeof(WCHAR);
	WCHAR *d = malloc(sz);

	return d ? memcpy(d, s, sz) : NULL;
}

/*
 * Number parsing: the digits are ASCII, so the leading part of the
 * string that can be a number is narrowed and parsed by the C library
 * (the same rules, errno ERANGE included); *end then points at the same
 * place in the WCHAR string.
 */
#define NUM_MAX 128

static size_t narrow_number(const WCHAR *s, char *buf)
{
	size_t i = 0;

	/* Leading white space, as the C library skips it. */
	while (s[i] && s[i] < 0x80 && i < NUM_MAX - 1 &&
	       (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))
		buf[i] = (char)s[i], i++;
	while (s[i] && s[i] < 0x80 && i < NUM_MAX - 1 &&
	       (s[i] == '+' || s[i] == '-' || (s[i] >= '0' && s[i] <= '9') ||
		(s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		buf[i] = (char)s[i], i++;
	buf[i] = '\0';
	return i;
}

#define W32_STRTO(name, type, libc)                                        \
	NAMEDSHM_EXPORT type name(const WCHAR *s, WCHAR **end, int base)   \
	{                                                                  \
		char buf[NUM_MAX], *e;                                     \
		type v;                                                    \
                                                                           \
		narrow_number(s, buf);                                     \
		v = libc(buf, &e, base);                                   \
		if (end)                                                   \
			*end = (WCHAR *)s + (e - buf);                     \
		return v;                                                  \
	}

W32_STRTO(namedshm_wcstol, long, strtol)
W32_STRTO(namedshm_wcstoul, unsigned long, strtoul)
W32_STRTO(namedshm_wcstoll, long long, strtoll)
W32_STRTO(namedshm_wcstoull, unsigned long long, strtoull)

/* _wtoi: base 10, out of range clamps to INT_MIN/INT_MAX (as the CRT). */
NAMEDSHM_EXPORT int _wtoi(const WCHAR *s)
{
	long long v = namedshm_wcstoll(s, NULL, 10);

	return v > INT_MAX ? INT_MAX : v < INT_MIN ? INT_MIN : (int)v;
}

/* Windows' long is 32 bits. */
NAMEDSHM_EXPORT long _wtol(const WCHAR *s)
{
	return _wtoi(s);
}

NAMEDSHM_EXPORT long long _wtoi64(const WCHAR *s)
{
	return namedshm_wcstoll(s, NULL, 10);
}

NAMEDSHM_EXPORT FILE *_wfopen(const WCHAR *path, const WCHAR *mode)
{
	char *p = w32_utf16_to_utf8(path, namedshm_wcslen(path), NULL);
	char *m = w32_utf16_to_utf8(mode, namedshm_wcslen(mode), NULL);
	FILE *f = NULL;

	if (p && m)
		f = fopen(p, m);
	else
		errno = ENOMEM;
	free(p);
	free(m);
	return f;
}
