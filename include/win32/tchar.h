/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tchar.h - Microsoft's generic-text routines: the _t names are the
 * char functions in ANSI builds and WCHAR ones in UNICODE builds (UNICODE
 * or _UNICODE defined; either defines the other here).  In UNICODE
 * builds they never use glibc's 32-bit wchar_t functions (see <wide.h>).
 * Part of namedshm's opt-in Win32 include directory (PORTING.md).
 *
 * _tmain is main in ANSI builds.  In UNICODE builds it is wmain, called
 * with argv and envp converted from UTF-8 to UTF-16 (see wmain.h).
 */
#ifndef NAMEDSHM_WIN32_TCHAR_H
#define NAMEDSHM_WIN32_TCHAR_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "winnt.h"
#include "wide.h"

#define _TEXT(s) TEXT(s)
#define __T(s) TEXT(s)
typedef TCHAR _TCHAR;
typedef TCHAR _TSCHAR;
#ifdef UNICODE
typedef WCHAR _TUCHAR;
typedef WCHAR _TXCHAR;
typedef wint_t _TINT;
#define _TEOF WEOF
#else
typedef unsigned char _TUCHAR;
typedef char _TXCHAR;
typedef int _TINT;
#define _TEOF EOF
#endif

#ifdef UNICODE
#include "wmain.h"
#define _tmain wmain

#define _tprintf namedshm_wprintf
#define _vtprintf namedshm_vwprintf
#define _ftprintf namedshm_fwprintf
#define _vftprintf namedshm_vfwprintf
#define _stprintf _swprintf
#define _vstprintf _vswprintf
#define _sntprintf _snwprintf
#define _vsntprintf _vsnwprintf
#define _putts namedshm_putws

#define _tcslen namedshm_wcslen
#define _tcsnlen namedshm_wcsnlen
#define _tcscpy namedshm_wcscpy
#define _tcsncpy namedshm_wcsncpy
#define _tcscat namedshm_wcscat
#define _tcsncat namedshm_wcsncat
#define _tcscmp namedshm_wcscmp
#define _tcsncmp namedshm_wcsncmp
#define _tcsicmp _wcsicmp
#define _tcsnicmp _wcsnicmp
#define _tcschr namedshm_wcschr
#define _tcsrchr namedshm_wcsrchr
#define _tcsstr namedshm_wcsstr
#define _tcsdup _wcsdup
#define _tcstol namedshm_wcstol
#define _tcstoul namedshm_wcstoul
#define _tcstoi64 namedshm_wcstoll
#define _tcstoui64 namedshm_wcstoull
#define _ttoi _wtoi
#define _tstoi _wtoi
#define _ttol _wtol
#define _tstol _wtol
#define _ttoi64 _wtoi64
#define _tfopen _wfopen

#define _istdigit(c) iswdigit((wint_t)(c))
#define _istxdigit(c) iswxdigit((wint_t)(c))
#define _istspace(c) iswspace((wint_t)(c))
#define _istalpha(c) iswalpha((wint_t)(c))
#define _istalnum(c) iswalnum((wint_t)(c))
#define _istupper(c) iswupper((wint_t)(c))
#define _istlower(c) iswlower((wint_t)(c))
#define _istprint(c) iswprint((wint_t)(c))
#define _istpunct(c) iswpunct((wint_t)(c))
#define _totupper(c) ((WCHAR)towupper((wint_t)(c)))
#define _totlower(c) ((WCHAR)towlower((wint_t)(c)))

#else /* ANSI */

#define _tmain main

#define _tprintf printf
#define _vtprintf vprintf
#define _ftprintf fprintf
#define _vftprintf vfprintf
#define _stprintf sprintf
#define _vstprintf vsprintf
#define _sntprintf _snprintf
#define _vsntprintf _vsnprintf
#define _putts puts

#define _tcslen strlen
#define _tcsnlen strnlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcsncat strncat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcsicmp strcasecmp
#define _tcsnicmp strncasecmp
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcsdup strdup
#define _tcstol strtol
#define _tcstoul strtoul
#define _tcstoi64 strtoll
#define _tcstoui64 strtoull
#define _ttoi atoi
#define _tstoi atoi
#define _ttol atol
#define _tstol atol
#define _ttoi64 atoll
#define _tfopen fopen

#define _istdigit(c) isdigit((unsigned char)(c))
#define _istxdigit(c) isxdigit((unsigned char)(c))
#define _istspace(c) isspace((unsigned char)(c))
#define _istalpha(c) isalpha((unsigned char)(c))
#define _istalnum(c) isalnum((unsigned char)(c))
#define _istupper(c) isupper((unsigned char)(c))
#define _istlower(c) islower((unsigned char)(c))
#define _istprint(c) isprint((unsigned char)(c))
#define _istpunct(c) ispunct((unsigned char)(c))
#define _totupper(c) toupper((unsigned char)(c))
#define _totlower(c) tolower((unsigned char)(c))

#endif

#endif /* NAMEDSHM_WIN32_TCHAR_H */
