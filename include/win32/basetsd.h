/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * basetsd.h - Windows' sized and pointer-sized integer types.
 * Part of namedshm's opt-in Win32 include directory (PORTING.md).
 */
#ifndef NAMEDSHM_WIN32_BASETSD_H
#define NAMEDSHM_WIN32_BASETSD_H

#include <stddef.h>
#include <stdint.h>

#include <cemapping.h> /* LONG_PTR, ULONG_PTR, DWORD_PTR, SIZE_T, DWORD64 */

typedef int8_t INT8, *PINT8;
typedef int16_t INT16, *PINT16;
typedef int32_t INT32, *PINT32;
typedef int64_t INT64, *PINT64;
typedef uint8_t UINT8, *PUINT8;
typedef uint16_t UINT16, *PUINT16;
typedef uint32_t UINT32, *PUINT32;
typedef uint64_t UINT64, *PUINT64;
typedef int32_t LONG32, *PLONG32;
typedef uint32_t ULONG32, *PULONG32;
typedef uint32_t DWORD32, *PDWORD32;
typedef int64_t LONG64, *PLONG64;
typedef uint64_t ULONG64, *PULONG64;
typedef DWORD64 *PDWORD64;

typedef intptr_t INT_PTR, *PINT_PTR;
typedef uintptr_t UINT_PTR, *PUINT_PTR;
typedef LONG_PTR *PLONG_PTR;
typedef ULONG_PTR *PULONG_PTR;
typedef DWORD_PTR *PDWORD_PTR;
typedef intptr_t SSIZE_T, *PSSIZE_T;
typedef SIZE_T *PSIZE_T;
typedef intptr_t SHANDLE_PTR;
typedef uintptr_t HANDLE_PTR;

#define MAXUINT_PTR UINTPTR_MAX
#define MAXINT_PTR INTPTR_MAX
#define MININT_PTR INTPTR_MIN
#define MAXULONG_PTR UINTPTR_MAX
#define MAXLONG_PTR INTPTR_MAX
#define MAXSIZE_T SIZE_MAX
#define MAXSSIZE_T INTPTR_MAX
#define MAXUINT8 UINT8_MAX
#define MAXINT8 INT8_MAX
#define MAXUINT16 UINT16_MAX
#define MAXINT16 INT16_MAX
#define MAXUINT32 UINT32_MAX
#define MAXINT32 INT32_MAX
#define MAXUINT64 UINT64_MAX
#define MAXINT64 INT64_MAX
#define MAXDWORD32 UINT32_MAX
#define MAXDWORD64 UINT64_MAX

#endif /* NAMEDSHM_WIN32_BASETSD_H */
