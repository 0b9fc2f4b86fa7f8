/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of libnamedshm-win32's basics (include/win32/, win32_*.c):
 * UTF-8 / UTF-16 conversion.  Not installed.
 *
 * The library is built without -fshort-wchar, so WCHAR is char16_t here;
 * a program's 16-bit wchar_t has the same size and representation.
 */
#ifndef WIN32_INTERNAL_H
#define WIN32_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../include/win32/windows.h"

#define W32_REPLACEMENT 0xFFFD

/*
 * The next code point of the UTF-16 string @s of @n units from *@i
 * (advanced past it); an unpaired surrogate gives U+FFFD.
 */
uint32_t w32_utf16_next(const WCHAR *s, size_t n, size_t *i);

/*
 * The next code point of the UTF-8 string @s of @n bytes from *@i
 * (advanced past it); a byte that does not start a valid, shortest
 * sequence gives U+FFFD and advances by one.
 */
uint32_t w32_utf8_next(const char *s, size_t n, size_t *i);

/* UTF-8 of @c into @out (4 bytes of room); returns the length. */
size_t w32_utf8_put(uint32_t c, char *out);

/* UTF-16 units of @c (1 or 2) into @out (2 units of room or NULL). */
size_t w32_utf16_put(uint32_t c, WCHAR *out);

/* The UTF-16 form of @n bytes of UTF-8: malloc'ed and terminated, its
 * length in *@len if not NULL; NULL when out of memory. */
WCHAR *w32_utf8_to_utf16(const char *s, size_t n, size_t *len);

/* The UTF-8 form of @n units of UTF-16: malloc'ed, terminated, length in
 * *@len if not NULL; NULL when out of memory. */
char *w32_utf16_to_utf8(const WCHAR *s, size_t n, size_t *len);

#endif /* WIN32_INTERNAL_H */
