/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wide.h - wide-character (16-bit WCHAR) string and formatted-output
 * routines of Microsoft's C library, for <tchar.h> in UNICODE builds and
 * for programs that call them by name.  Not an SDK header: <windows.h>
 * and <tchar.h> include it.  Implemented in libnamedshm-win32
 * (win32_wcs.c, win32_printf.c).
 *
 * glibc's wcs* and wprintf functions work on its 32-bit wchar_t and must
 * never see 16-bit strings.  The namedshm_wcs* functions below take WCHAR
 * strings whether WCHAR is char16_t or (-fshort-wchar) wchar_t.  Under
 * -fshort-wchar, where a program's own calls to wcslen() & co. would
 * reach glibc with 16-bit strings, the standard names are redirected to
 * them (see the end of this file).
 *
 * Formatted output (the *wprintf functions here, wsprintf, and the tchar
 * routines in UNICODE builds) follows Microsoft's rules:
 *   - %s and %c take a WCHAR string / character in the wide functions and
 *     a char one in the narrow ones; %S and %C the other width; %hs, %hc
 *     are always narrow and %ls, %lc, %ws, %wc always wide;
 *   - l, w and I32 sizes are 32 bits (Windows' long), ll, I64 and L (on
 *     integers) 64 bits, I, z and t pointer-sized; h, hh as in C;
 *   - NULL strings print as "(null)"; %p prints 2*sizeof(void *) upper-
 *     case hex digits; %n is refused (the call fails, -1).
 * Strings are converted to UTF-8 on output to a FILE (an unpaired
 * surrogate becomes U+FFFD), and back to UTF-16 for the WCHAR buffers (a
 * byte that is not UTF-8 becomes U+FFFD).  Width and precision count
 * WCHARs for wide strings and bytes for narrow ones.
 */
#ifndef NAMEDSHM_WIN32_WIDE_H
#define NAMEDSHM_WIN32_WIDE_H

#include <stdarg.h>
#include <stdio.h>
#include <wctype.h>
#ifdef __cplusplus
#include <cwchar> /* before the redirections below, never after them */
#else
#include <wchar.h>
#endif

#include "winnt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- 16-bit string functions --------------------------------------------- */
size_t namedshm_wcslen(const WCHAR *s);
size_t namedshm_wcsnlen(const WCHAR *s, size_t max);
WCHAR *namedshm_wcscpy(WCHAR *dst, const WCHAR *src);
WCHAR *namedshm_wcsncpy(WCHAR *dst, const WCHAR *src, size_t n);
WCHAR *namedshm_wcscat(WCHAR *dst, const WCHAR *src);
WCHAR *namedshm_wcsncat(WCHAR *dst, const WCHAR *src, size_t n);
int namedshm_wcscmp(const WCHAR *a, const WCHAR *b);
int namedshm_wcsncmp(const WCHAR *a, const WCHAR *b, size_t n);
WCHAR *namedshm_wcschr(const WCHAR *s, WCHAR c);
WCHAR *namedshm_wcsrchr(const WCHAR *s, WCHAR c);
WCHAR *namedshm_wcsstr(const WCHAR *hay, const WCHAR *needle);
long namedshm_wcstol(const WCHAR *s, WCHAR **end, int base);
unsigned long namedshm_wcstoul(const WCHAR *s, WCHAR **end, int base);
long long namedshm_wcstoll(const WCHAR *s, WCHAR **end, int base);
unsigned long long namedshm_wcstoull(const WCHAR *s, WCHAR **end, int base);
/* Microsoft's names (no glibc function has them) */
int _wcsicmp(const WCHAR *a, const WCHAR *b);
int _wcsnicmp(const WCHAR *a, const WCHAR *b, size_t n);
WCHAR *_wcsdup(const WCHAR *s); /* free() it */
int _wtoi(const WCHAR *s);
long _wtol(const WCHAR *s);
long long _wtoi64(const WCHAR *s);
FILE *_wfopen(const WCHAR *path, const WCHAR *mode);

/* ---- Wide formatted output ----------------------------------------------
 * To a FILE: the return value counts the WCHARs formatted.
 */
int namedshm_wprintf(const WCHAR *fmt, ...);
int namedshm_vwprintf(const WCHAR *fmt, va_list ap);
int namedshm_fwprintf(FILE *f, const WCHAR *fmt, ...);
int namedshm_vfwprintf(FILE *f, const WCHAR *fmt, va_list ap);
int namedshm_putws(const WCHAR *s); /* _putws: the string and a newline */
/* ISO C swprintf: at most n WCHARs with the terminator; -1 if cut. */
int namedshm_swprintf(WCHAR *buf, size_t n, const WCHAR *fmt, ...);
int namedshm_vswprintf(WCHAR *buf, size_t n, const WCHAR *fmt, va_list ap);
/* Microsoft's: _swprintf has no size; _snwprintf stores at most n WCHARs
 * and adds the terminator only if there is room, returning -1 if the
 * output was cut (n itself if it fit exactly). */
int _swprintf(WCHAR *buf, const WCHAR *fmt, ...);
int _vswprintf(WCHAR *buf, const WCHAR *fmt, va_list ap);
int _snwprintf(WCHAR *buf, size_t n, const WCHAR *fmt, ...);
int _vsnwprintf(WCHAR *buf, size_t n, const WCHAR *fmt, va_list ap);
/* The narrow _snprintf with Microsoft's rules (as _snwprintf). */
int _snprintf(char *buf, size_t n, const char *fmt, ...);
int _vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);

#define _stricmp strcasecmp
#define _strnicmp strncasecmp
#define _strdup strdup
#define stricmp strcasecmp
#define strnicmp strncasecmp
#define _putws namedshm_putws

#ifdef __cplusplus
}
#endif

/*
 * -fshort-wchar: wchar_t is WCHAR, and the standard wide functions must
 * not reach glibc.  (In C++, <cwchar> is included above so that it cannot
 * #undef these later; std::wcslen and the like are not redirected.)
 */
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2 &&              \
	!defined(NAMEDSHM_NO_WCS_REDIRECT)
#define wcslen namedshm_wcslen
#define wcsnlen namedshm_wcsnlen
#define wcscpy namedshm_wcscpy
#define wcsncpy namedshm_wcsncpy
#define wcscat namedshm_wcscat
#define wcsncat namedshm_wcsncat
#define wcscmp namedshm_wcscmp
#define wcsncmp namedshm_wcsncmp
#define wcschr namedshm_wcschr
#define wcsrchr namedshm_wcsrchr
#define wcsstr namedshm_wcsstr
#define wcstol namedshm_wcstol
#define wcstoul namedshm_wcstoul
#define wcstoll namedshm_wcstoll
#define wcstoull namedshm_wcstoull
#define wprintf namedshm_wprintf
#define vwprintf namedshm_vwprintf
#define fwprintf namedshm_fwprintf
#define vfwprintf namedshm_vfwprintf
#define swprintf namedshm_swprintf
#define vswprintf namedshm_vswprintf
#define wcsicmp _wcsicmp
#define wcsdup _wcsdup
#endif

#endif /* NAMEDSHM_WIN32_WIDE_H */
