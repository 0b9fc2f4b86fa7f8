/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cemapping.h - Win32 / Windows CE named file-mapping API on Linux.
 *
 * A Windows CE program that shares memory through named file mappings
 * ports to Linux by replacing  #include <windows.h>  with
 * #include <cemapping.h>  and linking with -lnamedshm.  The behaviour
 * follows the contract in namedshm(7) (man/namedshm.7, section "WIN32
 * FILE-MAPPING SEMANTICS"); userspace/PORTING.md lists what differs from
 * Windows CE and from desktop Windows.
 *
 * Types have the sizes Windows gives them (DWORD is 32 bits, WCHAR is 16
 * bits, HANDLE is a pointer).  Constants have Windows' values.  WCHAR is
 * wchar_t when the compiler's wchar_t has 16 bits (-fshort-wchar), so
 * that L"x" and L'x' are WCHAR literals as on Windows; otherwise it is
 * char16_t and the literals are u"x" and u'x'.  The unsuffixed function
 * names follow UNICODE as <windows.h> does: define UNICODE before
 * including this header to get the ...W functions, TCHAR = WCHAR and
 * TEXT("x") = a WCHAR literal.
 *
 * Every function is thread-safe.  GetLastError() is per thread.
 */
#ifndef CEMAPPING_H
#define CEMAPPING_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifndef __cplusplus
#include <uchar.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Calling convention: Linux has one. ------------------------------- */
#define WINAPI
#define APIENTRY
#define CALLBACK

/* ---- Basic types ------------------------------------------------------- */
typedef int BOOL;
typedef unsigned char BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef int32_t LONG;
typedef uint32_t ULONG;
typedef unsigned int UINT;
typedef uint64_t DWORD64;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef intptr_t LONG_PTR;
typedef size_t SIZE_T;
typedef void *HANDLE;
typedef HANDLE *PHANDLE, *LPHANDLE;
typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef DWORD *PDWORD, *LPDWORD;
typedef BOOL *PBOOL, *LPBOOL;
typedef char CHAR;
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
/* -fshort-wchar: wchar_t is Windows' 16-bit WCHAR. */
typedef wchar_t WCHAR;
#define __CEMAPPING_WTEXT(s) L##s
#else
typedef char16_t WCHAR;
#define __CEMAPPING_WTEXT(s) u##s
#endif
typedef CHAR *PSTR, *LPSTR;
typedef const CHAR *PCSTR, *LPCSTR;
typedef WCHAR *PWSTR, *LPWSTR;
typedef const WCHAR *PCWSTR, *LPCWSTR;

#ifdef UNICODE
typedef WCHAR TCHAR;
#define __CEMAPPING_TEXT(s) __CEMAPPING_WTEXT(s)
#else
typedef CHAR TCHAR;
#define __CEMAPPING_TEXT(s) s
#endif
typedef TCHAR *PTSTR, *LPTSTR;
typedef const TCHAR *PCTSTR, *LPCTSTR;
#define TEXT(s) __CEMAPPING_TEXT(s)
#ifndef _T
#define _T(s) __CEMAPPING_TEXT(s)
#endif

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#define MAX_PATH 260

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

/* ---- Structures -------------------------------------------------------- */
typedef struct _SECURITY_ATTRIBUTES {
	DWORD nLength;
	LPVOID lpSecurityDescriptor; /* ignored: see PORTING.md */
	BOOL bInheritHandle;	     /* TRUE: the handle survives exec */
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

#if defined(__GNUC__) || defined(__clang__)
#define __CEMAPPING_EXTENSION __extension__
#else
#define __CEMAPPING_EXTENSION
#endif

typedef struct _SYSTEM_INFO {
	__CEMAPPING_EXTENSION union {
		DWORD dwOemId;
		__CEMAPPING_EXTENSION struct {
			WORD wProcessorArchitecture;
			WORD wReserved;
		};
	};
	DWORD dwPageSize;
	LPVOID lpMinimumApplicationAddress;
	LPVOID lpMaximumApplicationAddress;
	DWORD_PTR dwActiveProcessorMask;
	DWORD dwNumberOfProcessors;
	DWORD dwProcessorType;
	DWORD dwAllocationGranularity;
	WORD wProcessorLevel;
	WORD wProcessorRevision;
} SYSTEM_INFO, *LPSYSTEM_INFO;

#define PROCESSOR_ARCHITECTURE_INTEL 0
#define PROCESSOR_ARCHITECTURE_ARM 5
#define PROCESSOR_ARCHITECTURE_AMD64 9
#define PROCESSOR_ARCHITECTURE_ARM64 12
#define PROCESSOR_ARCHITECTURE_UNKNOWN 0xFFFF
#define PROCESSOR_INTEL_386 386
#define PROCESSOR_INTEL_486 486
#define PROCESSOR_INTEL_PENTIUM 586
#define PROCESSOR_AMD_X8664 8664

/* ---- Memory helpers ---------------------------------------------------- */
#define CopyMemory(dst, src, len) memcpy((dst), (src), (len))
#define MoveMemory(dst, src, len) memmove((dst), (src), (len))
#define FillMemory(dst, len, fill) memset((dst), (fill), (len))
#define ZeroMemory(dst, len) memset((dst), 0, (len))

/* ---- Error codes (GetLastError) ---------------------------------------- */
#define ERROR_SUCCESS 0
#define NO_ERROR 0
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_PATH_NOT_FOUND 3
#define ERROR_TOO_MANY_OPEN_FILES 4
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_GEN_FAILURE 31
#define ERROR_SHARING_VIOLATION 32
#define ERROR_NOT_SUPPORTED 50
#define ERROR_FILE_EXISTS 80
#define ERROR_INVALID_PARAMETER 87
#define ERROR_DISK_FULL 112
#define ERROR_INVALID_NAME 123
#define ERROR_ALREADY_EXISTS 183
#define ERROR_BAD_EXE_FORMAT 193
#define ERROR_FILENAME_EXCED_RANGE 206
#define ERROR_INVALID_ADDRESS 487
#define ERROR_FILE_INVALID 1006
#define ERROR_IO_DEVICE 1117
#define ERROR_MAPPED_ALIGNMENT 1132

/* ---- CreateFileMapping flProtect: one page protection ... -------------- */
#define PAGE_NOACCESS 0x01
#define PAGE_READONLY 0x02
#define PAGE_READWRITE 0x04
#define PAGE_WRITECOPY 0x08
#define PAGE_EXECUTE 0x10
#define PAGE_EXECUTE_READ 0x20
#define PAGE_EXECUTE_READWRITE 0x40
#define PAGE_EXECUTE_WRITECOPY 0x80

/* ... or'ed with section attributes */
#define SEC_FILE 0x800000
#define SEC_IMAGE 0x1000000
#define SEC_RESERVE 0x4000000
#define SEC_COMMIT 0x8000000
#define SEC_NOCACHE 0x10000000
#define SEC_WRITECOMBINE 0x40000000
#define SEC_LARGE_PAGES 0x80000000U
/* SEC_IMAGE | SEC_NOCACHE: fails with 193 like SEC_IMAGE (no images here) */
#define SEC_IMAGE_NO_EXECUTE 0x11000000

/* ---- Access rights: MapViewOfFile, OpenFileMapping, DuplicateHandle ----- */
#define FILE_MAP_COPY 0x0001
#define FILE_MAP_WRITE 0x0002
#define FILE_MAP_READ 0x0004
#define FILE_MAP_EXECUTE 0x0020
#define FILE_MAP_ALL_ACCESS 0xF001F

#define GENERIC_READ 0x80000000U
#define GENERIC_WRITE 0x40000000U
#define GENERIC_EXECUTE 0x20000000U
#define GENERIC_ALL 0x10000000U

/* ---- CreateFileForMapping ---------------------------------------------- */
#define FILE_SHARE_READ 0x00000001
#define FILE_SHARE_WRITE 0x00000002
#define FILE_SHARE_DELETE 0x00000004

#define CREATE_NEW 1
#define CREATE_ALWAYS 2
#define OPEN_EXISTING 3
#define OPEN_ALWAYS 4
#define TRUNCATE_EXISTING 5

/*
 * dwFlagsAndAttributes: every FILE_ATTRIBUTE_*, FILE_FLAG_* and SECURITY_*
 * value of Windows and CE is accepted and ignored (PORTING.md).
 */
#define FILE_ATTRIBUTE_READONLY 0x00000001
#define FILE_ATTRIBUTE_HIDDEN 0x00000002
#define FILE_ATTRIBUTE_SYSTEM 0x00000004
#define FILE_ATTRIBUTE_DIRECTORY 0x00000010
#define FILE_ATTRIBUTE_ARCHIVE 0x00000020
#define FILE_ATTRIBUTE_DEVICE 0x00000040
#define FILE_ATTRIBUTE_NORMAL 0x00000080
#define FILE_ATTRIBUTE_TEMPORARY 0x00000100
#define FILE_ATTRIBUTE_SPARSE_FILE 0x00000200
#define FILE_ATTRIBUTE_REPARSE_POINT 0x00000400
#define FILE_ATTRIBUTE_COMPRESSED 0x00000800
#define FILE_ATTRIBUTE_OFFLINE 0x00001000
#define FILE_ATTRIBUTE_NOT_CONTENT_INDEXED 0x00002000
#define FILE_ATTRIBUTE_ENCRYPTED 0x00004000
#define FILE_ATTRIBUTE_INTEGRITY_STREAM 0x00008000
#define FILE_ATTRIBUTE_VIRTUAL 0x00010000
#define FILE_ATTRIBUTE_NO_SCRUB_DATA 0x00020000
#define FILE_ATTRIBUTE_EA 0x00040000
#define FILE_ATTRIBUTE_RECALL_ON_OPEN 0x00040000
#define FILE_ATTRIBUTE_PINNED 0x00080000
#define FILE_ATTRIBUTE_UNPINNED 0x00100000
#define FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS 0x00400000
/* Windows CE */
#define FILE_ATTRIBUTE_INROM 0x00000040
#define FILE_ATTRIBUTE_ROMSTATICREF 0x00001000
#define FILE_ATTRIBUTE_ROMMODULE 0x00002000

#define FILE_FLAG_WRITE_THROUGH 0x80000000U
#define FILE_FLAG_OVERLAPPED 0x40000000
#define FILE_FLAG_NO_BUFFERING 0x20000000
#define FILE_FLAG_RANDOM_ACCESS 0x10000000
#define FILE_FLAG_SEQUENTIAL_SCAN 0x08000000
#define FILE_FLAG_DELETE_ON_CLOSE 0x04000000
#define FILE_FLAG_BACKUP_SEMANTICS 0x02000000
#define FILE_FLAG_POSIX_SEMANTICS 0x01000000
#define FILE_FLAG_SESSION_AWARE 0x00800000
#define FILE_FLAG_OPEN_REPARSE_POINT 0x00200000
#define FILE_FLAG_OPEN_NO_RECALL 0x00100000
#define FILE_FLAG_FIRST_PIPE_INSTANCE 0x00080000
#define FILE_FLAG_OPEN_REQUIRING_OPLOCK 0x00040000

#define SECURITY_ANONYMOUS 0x00000000
#define SECURITY_IDENTIFICATION 0x00010000
#define SECURITY_IMPERSONATION 0x00020000
#define SECURITY_DELEGATION 0x00030000
#define SECURITY_CONTEXT_TRACKING 0x00040000
#define SECURITY_EFFECTIVE_ONLY 0x00080000
#define SECURITY_SQOS_PRESENT 0x00100000

/* ---- DuplicateHandle dwOptions ----------------------------------------- */
#define DUPLICATE_CLOSE_SOURCE 0x00000001
#define DUPLICATE_SAME_ACCESS 0x00000002

/* ---- Functions ----------------------------------------------------------
 *
 * The A functions take UTF-8 names and paths; the W functions take UTF-16
 * (char16_t) ones.  Failure returns NULL (mappings, views) or FALSE, with
 * the reason in GetLastError(); CreateFileForMapping returns
 * INVALID_HANDLE_VALUE on failure.
 */

/*
 * hFile: INVALID_HANDLE_VALUE for memory backed by the system ("paging
 * file"), or a handle from CreateFileForMapping.  lpName: NULL for an
 * unnamed object; "Local\" and "Global\" prefixes name the same object as
 * the bare name.  Success sets GetLastError() to 0 (created) or
 * ERROR_ALREADY_EXISTS (a new handle to the existing object).
 */
HANDLE WINAPI CreateFileMappingA(HANDLE hFile,
				 LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
				 DWORD flProtect, DWORD dwMaximumSizeHigh,
				 DWORD dwMaximumSizeLow, LPCSTR lpName);
HANDLE WINAPI CreateFileMappingW(HANDLE hFile,
				 LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
				 DWORD flProtect, DWORD dwMaximumSizeHigh,
				 DWORD dwMaximumSizeLow, LPCWSTR lpName);

HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle,
			       LPCSTR lpName);
HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle,
			       LPCWSTR lpName);

LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
			    DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
			    SIZE_T dwNumberOfBytesToMap);
LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject,
			      DWORD dwDesiredAccess, DWORD dwFileOffsetHigh,
			      DWORD dwFileOffsetLow,
			      SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress);
BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress);
BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress,
			    SIZE_T dwNumberOfBytesToFlush);

BOOL WINAPI CloseHandle(HANDLE hObject);
BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
			    HANDLE hTargetProcessHandle,
			    LPHANDLE lpTargetHandle, DWORD dwDesiredAccess,
			    BOOL bInheritHandle, DWORD dwOptions);
/* The pseudo handle of the calling process, (HANDLE)-1 as on Windows. */
HANDLE WINAPI GetCurrentProcess(void);

DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);

HANDLE WINAPI CreateFileForMappingA(LPCSTR lpFileName, DWORD dwDesiredAccess,
				    DWORD dwShareMode,
				    LPSECURITY_ATTRIBUTES lpSecurityAttributes,
				    DWORD dwCreationDisposition,
				    DWORD dwFlagsAndAttributes,
				    HANDLE hTemplateFile);
HANDLE WINAPI CreateFileForMappingW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
				    DWORD dwShareMode,
				    LPSECURITY_ATTRIBUTES lpSecurityAttributes,
				    DWORD dwCreationDisposition,
				    DWORD dwFlagsAndAttributes,
				    HANDLE hTemplateFile);

/*
 * namedshm extension, not Win32: who may open the objects this process
 * creates.  Like Windows' default security, the layer gives access to the
 * creating user only: permission bits 0600.  Cooperating programs of
 * different users widen that, for the whole process, either with this call
 * or by starting with the environment variable NAMEDSHM_CE_MODE set to an
 * octal mode (e.g. NAMEDSHM_CE_MODE=0660; a value that is not an octal
 * number within 0777 is ignored).  The call wins over the variable.
 * The variable is read with secure_getenv(): a set-user-ID or
 * set-group-ID program ignores it, so that its caller cannot widen the
 * objects it creates.
 *
 * @mode: new permission bits (0777 mask) for objects created from now on,
 *        or -1 to change nothing.
 * Returns the previous mode, or -1 with errno EINVAL for a bad @mode.
 * Objects created earlier keep their mode (namedshm_fchmod() changes it).
 */
int namedshm_ce_object_mode(int mode);

#ifdef UNICODE
#define CreateFileMapping CreateFileMappingW
#define OpenFileMapping OpenFileMappingW
#define CreateFileForMapping CreateFileForMappingW
#else
#define CreateFileMapping CreateFileMappingA
#define OpenFileMapping OpenFileMappingA
#define CreateFileForMapping CreateFileForMappingA
#endif

#ifdef __cplusplus
}
#endif

/* Named events, mutexes, semaphores and waits. */
#include "cesync.h"

#endif /* CEMAPPING_H */
