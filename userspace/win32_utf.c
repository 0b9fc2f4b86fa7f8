// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnamedshm-win32: UTF-8 <-> UTF-16 conversion, and the UTF-16 argv
 * and envp for wmain (win32_main.c).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "win32_internal.h"

uint32_t w32_utf16_next(const WCHAR *s, size_t n, size_t *i)
{
	uint32_t c = s[(*i)++];

	if (c >= 0xD800 && c <= 0xDBFF) {
		if (*i < n && s[*i] >= 0xDC00 && s[*i] <= 0xDFFF)
			return 0x10000 + ((c - 0xD800) << 10) +
			       (s[(*i)++] - 0xDC00);
		return W32_REPLACEMENT;
	}
	if (c >= 0xDC00 && c <= 0xDFFF)
		return W32_REPLACEMENT;
	return c;
}

uint32_t w32_utf8_next(const char *str, size_t n, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char b = s[*i];
	size_t len, k;
	uint32_t c, min;

	if (b < 0x80) {
		(*i)++;
		return b;
	}
	if (b >= 0xC2 && b <= 0xDF) {
		len = 2, c = b & 0x1F, min = 0x80;
	} else if (b >= 0xE0 && b <= 0xEF) {
		len = 3, c = b & 0x0F, min = 0x800;
	} else if (b >= 0xF0 && b <= 0xF4) {
		len = 4, c = b & 0x07, min = 0x10000;
	} else {
		(*i)++;
		return W32_REPLACEMENT;
	}
	if (*i + len > n) {
		(*i)++;
		return W32_REPLACEMENT;
	}
	for (k = 1; k < len; k++) {
		if ((s[*i + k] & 0xC0) != 0x80) {
			(*i)++;
			return W32_REPLACEMENT;
		}
		c = (c << 6) | (s[*i + k] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		(*i)++;
		return W32_REPLACEMENT;
	}
	*i += len;
	return c;
}

size_t w32_utf8_put(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

size_t w32_utf16_put(uint32_t c, WCHAR *out)
{
	if (c < 0x10000) {
		if (out)
			out[0] = (WCHAR)c;
		return 1;
	}
	if (out) {
		c -= 0x10000;
		out[0] = (WCHAR)(0xD800 + (c >> 10));
		out[1] = (WCHAR)(0xDC00 + (c & 0x3FF));
	}
	return 2;
}

WCHAR *w32_utf8_to_utf16(const char *s, size_t n, size_t *len)
{
	size_t i = 0, units = 0;
	WCHAR *out;

	while (i < n)
		units += w32_utf16_put(w32_utf8_next(s, n, &i), NULL);
	out = malloc((units + 1) * sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0, units = 0; i < n;)
		units += w32_utf16_put(w32_utf8_next(s, n, &i), out + units);
	out[units] = 0;
	if (len)
		*len = units;
	return out;
}

char *w32_utf16_to_utf8(const WCHAR *s, size_t n, size_t *len)
{
	size_t i = 0, o = 0;
	char *out;

	/* At most 3 bytes per unit (a pair makes 4 bytes of 2 units). */
	if (n > (SIZE_MAX - 1) / 3)
		return NULL;
	out = malloc(3 * n + 1);
	if (!out)
		return NULL;
	while (i < n)
		o += w32_utf8_put(w32_utf16_next(s, n, &i), out + o);
	out[o] = '\0';
	if (len)
		*len = o;
	return out;
}

/*
 * For main in libnamedshm-win32main.a: a UTF-16 copy of the NULL-ended
 * string vector @v (argv or envp), or NULL when out of memory.  Lives as
 * long as the process.
 */
NAMEDSHM_EXPORT WCHAR **namedshm_win32_wide_vector(char **v)
{
	size_t n = 0, i;
	WCHAR **w;

	while (v && v[n])
		n++;
	w = calloc(n + 1, sizeof(*w));
	if (!w)
		return NULL;
	for (i = 0; i < n; i++) {
		w[i] = w32_utf8_to_utf16(v[i], strlen(v[i]), NULL);
		if (!w[i])
			return NULL;
	}
	return w;
}
