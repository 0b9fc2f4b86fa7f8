/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * winbase.h - the Win32 basics next to file mappings: the file-mapping
 * functions of <cemapping.h>, Sleep, tick counts and performance
 * counters, process and thread ids, and the lstr* string functions.
 * Part of namedshm's opt-in Win32 include directory (PORTING.md);
 * implemented in libnamedshm-win32.
 */
#ifndef NAMEDSHM_WIN32_WINBASE_H
#define NAMEDSHM_WIN32_WINBASE_H

#include "windef.h"
#include "winerror.h"
#include "wide.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef INFINITE
#define INFINITE 0xFFFFFFFF /* also in cesync.h */
#endif

/* ---- Time (win32_time.c) ------------------------------------------------ */
/* Sleep(0) yields; Sleep(INFINITE) never returns.  Signals do not cut a
 * sleep short. */
void WINAPI Sleep(DWORD dwMilliseconds);
/* Milliseconds since boot (CLOCK_BOOTTIME, as Windows counts suspend). */
DWORD WINAPI GetTickCount(void);
ULONGLONG WINAPI GetTickCount64(void);
/* Nanoseconds of CLOCK_MONOTONIC; the frequency is 1,000,000,000.  A NULL
 * argument fails with ERROR_NOACCESS (998). */
BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);

/* ---- Processes and threads (win32_process.c) ---------------------------- */
DWORD WINAPI GetCurrentProcessId(void);
DWORD WINAPI GetCurrentThreadId(void); /* the kernel's thread id */

/* ---- lstr* (win32_lstr.c) -----------------------------------------------
 * A: bytes; W: 16-bit WCHAR strings.  A NULL string is handled as
 * Windows does: lstrlen gives 0, lstrcmp orders it first, and the copying
 * functions return NULL.  lstrcmp/lstrcmpi compare by code unit (ordinal)
 * rather than by the user's locale; lstrcmpi folds case with the C
 * library's towlower().
 */
int WINAPI lstrlenA(LPCSTR lpString);
int WINAPI lstrlenW(LPCWSTR lpString);
LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2);
LPWSTR WINAPI lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2);
LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength);
LPWSTR WINAPI lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2,
			int iMaxLength);
LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2);
LPWSTR WINAPI lstrcatW(LPWSTR lpString1, LPCWSTR lpString2);
int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2);
int WINAPI lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2);
int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2);
int WINAPI lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2);

/* ---- wsprintf (win32_printf.c) ------------------------------------------
 * Windows' wsprintf: at most 1024 characters with the terminator; returns
 * the characters stored without it.  The format rules are those of the
 * wide printf functions in <wide.h>.
 */
int WINAPIV wsprintfA(LPSTR buf, LPCSTR fmt, ...);
int WINAPIV wsprintfW(LPWSTR buf, LPCWSTR fmt, ...);
int WINAPI wvsprintfA(LPSTR buf, LPCSTR fmt, va_list args);
int WINAPI wvsprintfW(LPWSTR buf, LPCWSTR fmt, va_list args);

#ifdef UNICODE
#define lstrlen lstrlenW
#define lstrcpy lstrcpyW
#define lstrcpyn lstrcpynW
#define lstrcat lstrcatW
#define lstrcmp lstrcmpW
#define lstrcmpi lstrcmpiW
#define wsprintf wsprintfW
#define wvsprintf wvsprintfW
#else
#define lstrlen lstrlenA
#define lstrcpy lstrcpyA
#define lstrcpyn lstrcpynA
#define lstrcat lstrcatA
#define lstrcmp lstrcmpA
#define lstrcmpi lstrcmpiA
#define wsprintf wsprintfA
#define wvsprintf wvsprintfA
#endif

#ifdef __cplusplus
}
#endif

#endif /* NAMEDSHM_WIN32_WINBASE_H */
