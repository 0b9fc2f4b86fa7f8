/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * winnt.h - the basic types and macros of Windows' winnt.h, Microsoft's
 * compiler keywords as GCC attributes, and the Interlocked functions.
 * Part of namedshm's opt-in Win32 include directory (PORTING.md).
 *
 * _WIN32 is NOT defined: code that tests it would take Windows-only
 * paths (other headers, other APIs).  NAMEDSHM_WIN32 is defined instead.
 */
#ifndef NAMEDSHM_WIN32_WINNT_H
#define NAMEDSHM_WIN32_WINNT_H

#define NAMEDSHM_WIN32 1

#if defined(_UNICODE) && !defined(UNICODE)
#define UNICODE
#endif
#if defined(UNICODE) && !defined(_UNICODE)
#define _UNICODE
#endif

#include "sal.h"
#include "basetsd.h" /* and <cemapping.h> */

/* ---- Microsoft compiler keywords ---------------------------------------
 * One calling convention on Linux: the conventions are nothing.
 * __declspec(x) becomes the GCC attribute of the same meaning, or nothing.
 */
#define __cdecl
#define __stdcall
#define __fastcall
#define __thiscall
#define __vectorcall
#define _cdecl
#define _stdcall
#define __w64
#define __ptr32
#define __ptr64
#define __unaligned
#define __inline inline
#define __forceinline inline __attribute__((__always_inline__))
#define FORCEINLINE __forceinline
#define NTAPI
#define WINAPIV
#define STDAPI_(t) t
#define CONST const
#define __int8 char
#define __int16 short
#define __int32 int
#define __int64 long long

#define __declspec(x) __NAMEDSHM_DECLSPEC_##x
#define __NAMEDSHM_DECLSPEC_dllexport __attribute__((__visibility__("default")))
#define __NAMEDSHM_DECLSPEC_dllimport
#define __NAMEDSHM_DECLSPEC_noreturn __attribute__((__noreturn__))
#define __NAMEDSHM_DECLSPEC_noinline __attribute__((__noinline__))
#define __NAMEDSHM_DECLSPEC_nothrow __attribute__((__nothrow__))
#define __NAMEDSHM_DECLSPEC_deprecated __attribute__((__deprecated__))
#define __NAMEDSHM_DECLSPEC_selectany __attribute__((__weak__))
#define __NAMEDSHM_DECLSPEC_thread __thread
#define __NAMEDSHM_DECLSPEC_align(n) __attribute__((__aligned__(n)))
#define __NAMEDSHM_DECLSPEC_novtable
#define __NAMEDSHM_DECLSPEC_noalias
#define __NAMEDSHM_DECLSPEC_restrict
#define __NAMEDSHM_DECLSPEC_naked __attribute__((__naked__))
#define DECLSPEC_NORETURN __declspec(noreturn)
#define DECLSPEC_ALIGN(n) __declspec(align(n))
#define DECLSPEC_NOINLINE __declspec(noinline)
#define DECLSPEC_SELECTANY __declspec(selectany)

/* ---- Types -------------------------------------------------------------- */
#ifndef VOID
#define VOID void
#endif
typedef short SHORT, *PSHORT;
typedef unsigned short USHORT, *PUSHORT;
typedef int INT, *PINT, *LPINT;
typedef UINT *PUINT;
typedef unsigned char UCHAR, *PUCHAR;
typedef CHAR *PCHAR, *LPCH, *PCH;
typedef WCHAR *PWCHAR, *LPWCH, *PWCH;
typedef const WCHAR *LPCWCH, *PCWCH;
typedef const CHAR *LPCCH, *PCCH;
typedef BYTE BOOLEAN, *PBOOLEAN;
typedef BYTE *PBYTE, *LPBYTE;
typedef WORD *PWORD, *LPWORD;
typedef LONG *PLONG, *LPLONG;
typedef ULONG *PULONG;
typedef int64_t LONGLONG, *PLONGLONG;
typedef uint64_t ULONGLONG, *PULONGLONG;
typedef uint64_t DWORDLONG, *PDWORDLONG;
typedef float FLOAT, *PFLOAT;
typedef double DOUBLE;
typedef LONG HRESULT;
typedef DWORD LCID;
typedef WORD LANGID;
typedef DWORD ACCESS_MASK;
typedef TCHAR *PTCHAR;
typedef TCHAR TBYTE, *PTBYTE;

typedef union _LARGE_INTEGER {
	__CEMAPPING_EXTENSION struct {
		DWORD LowPart;
		LONG HighPart;
	};
	struct {
		DWORD LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
	__CEMAPPING_EXTENSION struct {
		DWORD LowPart;
		DWORD HighPart;
	};
	struct {
		DWORD LowPart;
		DWORD HighPart;
	} u;
	ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

/* ---- Macros -------------------------------------------------------------- */
#define UNREFERENCED_PARAMETER(p) ((void)(p))
#define DBG_UNREFERENCED_PARAMETER(p) ((void)(p))
#define UNREFERENCED_LOCAL_VARIABLE(v) ((void)(v))
#ifdef __cplusplus
#define ARRAYSIZE(a) (sizeof(a) / sizeof((a)[0]))
#else
/* Fails to compile for a pointer, like Windows' C++ form does. */
#define ARRAYSIZE(a)                                                       \
	(sizeof(a) / sizeof((a)[0]) +                                      \
	 0 * sizeof(struct {                                               \
		 int __nshm_not_an_array : __builtin_types_compatible_p(   \
			 __typeof__(a), __typeof__(&(a)[0])) ? -1 : 1;     \
	 }))
#endif
#define _ARRAYSIZE(a) ARRAYSIZE(a)
#define RTL_NUMBER_OF(a) ARRAYSIZE(a)
#define FIELD_OFFSET(type, field) offsetof(type, field)
#define MAXCHAR 0x7f
#define MAXSHORT 0x7fff
#define MAXLONG 0x7fffffff
#define MAXBYTE 0xff
#define MAXWORD 0xffff
#define MAXDWORD 0xffffffffU
#define MAXLONGLONG INT64_MAX

#include "interlocked.h"

#endif /* NAMEDSHM_WIN32_WINNT_H */
