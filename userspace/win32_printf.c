// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnamedshm-win32: formatted output with Microsoft's rules (wide.h):
 * the *wprintf functions on 16-bit WCHAR formats, wsprintf and
 * _snprintf.  Every function formats into UTF-8 first (vformat below),
 * then writes the bytes to a FILE or converts them to UTF-16.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "win32_internal.h"

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static char *grow(struct sbuf *o, size_t n)
{
	if (o->oom)
		return NULL;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 64;
		char *p;

		while (cap < o->len + n + 1)
			cap *= 2;
		p = realloc(o->p, cap);
		if (!p) {
			o->oom = true;
			return NULL;
		}
		o->p = p;
		o->cap = cap;
	}
	return o->p + o->len;
}

static void put(struct sbuf *o, const char *s, size_t n)
{
	char *d = grow(o, n);

	if (d) {
		memcpy(d, s, n);
		o->len += n;
		o->p[o->len] = '\0';
	}
}

static void pad(struct sbuf *o, size_t n)
{
	char *d = grow(o, n);

	if (d) {
		memset(d, ' ', n);
		o->len += n;
		o->p[o->len] = '\0';
	}
}

/* A string argument: @n bytes of UTF-8 that count as @chars characters. */
static void put_field(struct sbuf *o, const char *s, size_t n, size_t chars,
		      int width, bool left)
{
	size_t fill = width > 0 && (size_t)width > chars ?
			      (size_t)width - chars : 0;

	if (!left)
		pad(o, fill);
	put(o, s, n);
	if (left)
		pad(o, fill);
}

static void put_wide(struct sbuf *o, const WCHAR *s, int prec, int width,
		     bool left)
{
	size_t n = prec >= 0 ? namedshm_wcsnlen(s, (size_t)prec) :
			       namedshm_wcslen(s);
	size_t len;
	char *u = w32_utf16_to_utf8(s, n, &len);

	if (!u) {
		o->oom = true;
		return;
	}
	put_field(o, u, len, n, width, left);
	free(u);
}

static void put_narrow(struct sbuf *o, const char *s, int prec, int width,
		       bool left)
{
	size_t n = prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s);

	put_field(o, s, n, n, width, left);
}

/* One numeric conversion through the C library's snprintf. */
static void put_num(struct sbuf *o, const char *spec, ...)
{
	va_list ap, ap2;
	int n;
	char *d;

	va_start(ap, spec);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, spec, ap);
	if (n >= 0 && (d = grow(o, (size_t)n))) {
		vsnprintf(d, (size_t)n + 1, spec, ap2);
		o->len += (size_t)n;
	} else if (n < 0) {
		o->oom = true;
	}
	va_end(ap2);
	va_end(ap);
}

enum size { SZ_DEF, SZ_HH, SZ_H, SZ_64, SZ_PTR, SZ_MAX, SZ_LD };

/*
 * Format @fmt (UTF-8) into @o.  @wide: the wide functions' meaning of %s
 * and %c (a WCHAR string or character).  Returns 0, or -1 for a bad
 * conversion (%n included) or out of memory.
 */
static int vformat(struct sbuf *o, const char *fmt, bool wide, va_list *ap)
{
	size_t i = 0;

	put(o, "", 0);
	while (fmt[i]) {
		char spec[64], flags[8], conv;
		size_t nf = 0, run;
		int width = -1, prec = -1, sw = 0;
		bool left = false;
		enum size sz = SZ_DEF;

		if (fmt[i] != '%') {
			run = strcspn(fmt + i, "%");
			put(o, fmt + i, run);
			i += run;
			continue;
		}
		i++;
		if (fmt[i] == '%') {
			put(o, "%", 1);
			i++;
			continue;
		}
		while (fmt[i] && strchr("-+ #0", fmt[i])) {
			if (fmt[i] == '-')
				left = true;
			if (nf < sizeof(flags) - 1)
				flags[nf++] = fmt[i];
			i++;
		}
		flags[nf] = '\0';
		if (fmt[i] == '*') {
			width = va_arg(*ap, int);
			if (width < 0) {
				left = true;
				width = width == INT32_MIN ? INT32_MAX : -width;
			}
			i++;
		} else if (fmt[i] >= '0' && fmt[i] <= '9') {
			width = (int)strtol(fmt + i, NULL, 10);
			while (fmt[i] >= '0' && fmt[i] <= '9')
				i++;
		}
		if (fmt[i] == '.') {
			i++;
			if (fmt[i] == '*') {
				prec = va_arg(*ap, int);
				if (prec < 0)
					prec = -1;
				i++;
			} else {
				prec = (int)strtol(fmt + i, NULL, 10);
				while (fmt[i] >= '0' && fmt[i] <= '9')
					i++;
			}
		}
		if (fmt[i] == 'h' && fmt[i + 1] == 'h')
			sz = SZ_HH, i += 2;
		else if (fmt[i] == 'h')
			sz = SZ_H, sw = 'h', i++;
		else if (fmt[i] == 'l' && fmt[i + 1] == 'l')
			sz = SZ_64, i += 2;
		else if (fmt[i] == 'l' || fmt[i] == 'w')
			sw = 'l', i++; /* Windows' long: 32 bits */
		else if (fmt[i] == 'L')
			sz = SZ_LD, i++;
		else if (fmt[i] == 'q')
			sz = SZ_64, i++;
		else if (!strncmp(fmt + i, "I64", 3))
			sz = SZ_64, i += 3;
		else if (!strncmp(fmt + i, "I32", 3))
			i += 3;
		else if (fmt[i] == 'I' || fmt[i] == 'z' || fmt[i] == 't')
			sz = SZ_PTR, i++;
		else if (fmt[i] == 'j')
			sz = SZ_MAX, i++;
		conv = fmt[i];
		if (!conv)
			return -1;
		i++;

		/* The spec for snprintf: flags, width, precision, then size. */
		snprintf(spec, sizeof(spec), "%%%s", flags);
		if (width >= 0)
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
				 "%d", width);
		if (prec >= 0)
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec),
				 ".%d", prec);

		switch (conv) {
		case 'd':
		case 'i': {
			long long v;

			if (sz == SZ_64 || sz == SZ_LD)
				v = va_arg(*ap, long long);
			else if (sz == SZ_PTR)
				v = va_arg(*ap, intptr_t);
			else if (sz == SZ_MAX)
				v = va_arg(*ap, intmax_t);
			else if (sz == SZ_HH)
				v = (signed char)va_arg(*ap, int);
			else if (sz == SZ_H)
				v = (short)va_arg(*ap, int);
			else
				v = va_arg(*ap, int);
			strcat(spec, "lld");
			put_num(o, spec, v);
			break;
		}
		case 'u':
		case 'o':
		case 'x':
		case 'X': {
			unsigned long long v;
			char c[4] = { 'l', 'l', conv, '\0' };

			if (sz == SZ_64 || sz == SZ_LD)
				v = va_arg(*ap, unsigned long long);
			else if (sz == SZ_PTR)
				v = va_arg(*ap, uintptr_t);
			else if (sz == SZ_MAX)
				v = va_arg(*ap, uintmax_t);
			else if (sz == SZ_HH)
				v = (unsigned char)va_arg(*ap, int);
			else if (sz == SZ_H)
				v = (unsigned short)va_arg(*ap, int);
			else
				v = va_arg(*ap, unsigned int);
			strcat(spec, c);
			put_num(o, spec, v);
			break;
		}
		case 'e':
		case 'E':
		case 'f':
		case 'F':
		case 'g':
		case 'G':
		case 'a':
		case 'A': {
			char c[3] = { 'L', conv, '\0' };

			if (sz == SZ_LD) {
				strcat(spec, c);
				put_num(o, spec, va_arg(*ap, long double));
			} else {
				strcat(spec, c + 1);
				put_num(o, spec, va_arg(*ap, double));
			}
			break;
		}
		case 'p': {
			char hex[2 * sizeof(void *) + 1];

			snprintf(hex, sizeof(hex), "%0*" PRIXPTR,
				 (int)(2 * sizeof(void *)),
				 (uintptr_t)va_arg(*ap, void *));
			put_field(o, hex, strlen(hex), strlen(hex), width,
				  left);
			break;
		}
		case 'c':
		case 'C': {
			bool w = sw ? sw == 'l' : (conv == 'c') == wide;
			unsigned int c = (unsigned int)va_arg(*ap, int);
			char u[4];
			size_t n;

			if (w) {
				c &= 0xFFFF;
				if (c >= 0xD800 && c <= 0xDFFF)
					c = W32_REPLACEMENT;
				n = w32_utf8_put(c, u);
			} else {
				u[0] = (char)c;
				n = 1;
			}
			put_field(o, u, n, 1, width, left);
			break;
		}
		case 's':
		case 'S': {
			bool w = sw ? sw == 'l' : (conv == 's') == wide;
			const void *s = va_arg(*ap, const void *);

			if (!s)
				put_narrow(o, "(null)", prec, width, left);
			else if (w)
				put_wide(o, s, prec, width, left);
			else
				put_narrow(o, s, prec, width, left);
			break;
		}
		default: /* %n (disabled, as in Microsoft's library), unknown */
			return -1;
		}
	}
	return o->oom ? -1 : 0;
}

/* Format into a malloc'ed UTF-8 string; NULL on failure (errno set). */
static char *format(const void *fmt, bool wide, va_list ap, size_t *len)
{
	struct sbuf o = { 0 };
	char *f8 = NULL;
	va_list aq;
	int r;

	if (!fmt) {
		errno = EINVAL;
		return NULL;
	}
	if (wide) {
		f8 = w32_utf16_to_utf8(fmt, namedshm_wcslen(fmt), NULL);
		if (!f8) {
			errno = ENOMEM;
			return NULL;
		}
	}
	va_copy(aq, ap);
	r = vformat(&o, wide ? f8 : fmt, wide, &aq);
	va_end(aq);
	free(f8);
	if (r) {
		errno = o.oom ? ENOMEM : EINVAL;
		free(o.p);
		return NULL;
	}
	*len = o.len;
	return o.p;
}

static size_t utf16_units(const char *s, size_t n)
{
	size_t i = 0, units = 0;

	while (i < n)
		units += w32_utf16_put(w32_utf8_next(s, n, &i), NULL);
	return units;
}

NAMEDSHM_EXPORT int namedshm_vfwprintf(FILE *f, const WCHAR *fmt, va_list ap)
{
	size_t len;
	char *s = format(fmt, true, ap, &len);
	int r;

	if (!s)
		return -1;
	r = fwrite(s, 1, len, f) == len ? (int)utf16_units(s, len) : -1;
	free(s);
	return r;
}

NAMEDSHM_EXPORT int namedshm_fwprintf(FILE *f, const WCHAR *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = namedshm_vfwprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

NAMEDSHM_EXPORT int namedshm_vwprintf(const WCHAR *fmt, va_list ap)
{
	return namedshm_vfwprintf(stdout, fmt, ap);
}

NAMEDSHM_EXPORT int namedshm_wprintf(const WCHAR *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = namedshm_vfwprintf(stdout, fmt, ap);
	va_end(ap);
	return r;
}

NAMEDSHM_EXPORT int namedshm_putws(const WCHAR *s)
{
	char *u = w32_utf16_to_utf8(s, namedshm_wcslen(s), NULL);
	int r;

	if (!u)
		return -1;
	r = puts(u) < 0 ? -1 : 0;
	free(u);
	return r;
}

enum cut {
	CUT_ISO,  /* swprintf: terminated, -1 if cut */
	CUT_MS,	  /* _snwprintf: terminator only if room, -1 if cut */
	CUT_WSPR, /* wsprintf: terminated, n - 1 if cut */
};

/*
 * Format to a WCHAR buffer of @n units (SIZE_MAX: unbounded).  Returns
 * the units stored (without the terminator) or -1, as @cut says.
 */
static int to_wbuf(WCHAR *buf, size_t n, enum cut cut, const WCHAR *fmt,
		   va_list ap)
{
	size_t len, units, keep;
	char *s = format(fmt, true, ap, &len);
	WCHAR *w;

	if (!s)
		return -1;
	w = w32_utf8_to_utf16(s, len, &units);
	free(s);
	if (!w) {
		errno = ENOMEM;
		return -1;
	}
	if (units > INT32_MAX) {
		free(w);
		errno = EOVERFLOW;
		return -1;
	}
	if (units < n) {
		memcpy(buf, w, (units + 1) * sizeof(WCHAR));
		free(w);
		return (int)units;
	}
	keep = cut == CUT_MS ? n : n ? n - 1 : 0;
	memcpy(buf, w, keep * sizeof(WCHAR));
	if (cut != CUT_MS && n)
		buf[keep] = 0;
	free(w);
	if (cut == CUT_MS)
		return units == n ? (int)units : -1;
	if (cut == CUT_WSPR)
		return (int)keep;
	return -1;
}

/* The same for a char buffer of @n bytes. */
static int to_buf(char *buf, size_t n, enum cut cut, const char *fmt,
		  va_list ap)
{
	size_t len, keep;
	char *s = format(fmt, false, ap, &len);

	if (!s)
		return -1;
	if (len > INT32_MAX) {
		free(s);
		errno = EOVERFLOW;
		return -1;
	}
	if (len < n) {
		memcpy(buf, s, len + 1);
		free(s);
		return (int)len;
	}
	keep = cut == CUT_MS ? n : n ? n - 1 : 0;
	memcpy(buf, s, keep);
	if (cut != CUT_MS && n)
		buf[keep] = '\0';
	free(s);
	if (cut == CUT_MS)
		return len == n ? (int)len : -1;
	if (cut == CUT_WSPR)
		return (int)keep;
	return -1;
}

#define WSPRINTF_MAX 1024

#define W32_VARIADIC(decl, call)                                           \
	decl                                                               \
	{                                                                  \
		va_list ap;                                                \
		int r;                                                     \
                                                                           \
		va_start(ap, fmt);                                         \
		r = call;                                                  \
		va_end(ap);                                                \
		return r;                                                  \
	}

NAMEDSHM_EXPORT int namedshm_vswprintf(WCHAR *buf, size_t n,
				       const WCHAR *fmt, va_list ap)
{
	return to_wbuf(buf, n, CUT_ISO, fmt, ap);
}

NAMEDSHM_EXPORT int _vsnwprintf(WCHAR *buf, size_t n, const WCHAR *fmt,
				va_list ap)
{
	return to_wbuf(buf, n, CUT_MS, fmt, ap);
}

NAMEDSHM_EXPORT int _vswprintf(WCHAR *buf, const WCHAR *fmt, va_list ap)
{
	return to_wbuf(buf, SIZE_MAX, CUT_ISO, fmt, ap);
}

NAMEDSHM_EXPORT int WINAPI wvsprintfW(LPWSTR buf, LPCWSTR fmt, va_list ap)
{
	return to_wbuf(buf, WSPRINTF_MAX, CUT_WSPR, fmt, ap);
}

NAMEDSHM_EXPORT int WINAPI wvsprintfA(LPSTR buf, LPCSTR fmt, va_list ap)
{
	return to_buf(buf, WSPRINTF_MAX, CUT_WSPR, fmt, ap);
}

NAMEDSHM_EXPORT int _vsnprintf(char *buf, size_t n, const char *fmt,
			       va_list ap)
{
	return to_buf(buf, n, CUT_MS, fmt, ap);
}

W32_VARIADIC(NAMEDSHM_EXPORT int namedshm_swprintf(WCHAR *buf, size_t n,
						   const WCHAR *fmt, ...),
	     to_wbuf(buf, n, CUT_ISO, fmt, ap))
W32_VARIADIC(NAMEDSHM_EXPORT int _snwprintf(WCHAR *buf, size_t n,
					    const WCHAR *fmt, ...),
	     to_wbuf(buf, n, CUT_MS, fmt, ap))
W32_VARIADIC(NAMEDSHM_EXPORT int _swprintf(WCHAR *buf, const WCHAR *fmt, ...),
	     to_wbuf(buf, SIZE_MAX, CUT_ISO, fmt, ap))
W32_VARIADIC(NAMEDSHM_EXPORT int WINAPIV wsprintfW(LPWSTR buf, LPCWSTR fmt,
						   ...),
	     to_wbuf(buf, WSPRINTF_MAX, CUT_WSPR, fmt, ap))
W32_VARIADIC(NAMEDSHM_EXPORT int WINAPIV wsprintfA(LPSTR buf, LPCSTR fmt, ...),
	     to_buf(buf, WSPRINTF_MAX, CUT_WSPR, fmt, ap))
W32_VARIADIC(NAMEDSHM_EXPORT int _snprintf(char *buf, size_t n,
					   const char *fmt, ...),
	     to_buf(buf, n, CUT_MS, fmt, ap))
