// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Compile-only check of include/cemapping.h: valid C11 and C++11, with and
 * without UNICODE, under -Wall -Wextra -Wpedantic -Werror.  Built four
 * ways by `make -C userspace check-header` (C and C++, each with and
 * without -DUNICODE); nothing runs.
 */
#include <cemapping.h>

#ifdef __cplusplus
#include <type_traits>
#define SAME_TYPE(a, b) (std::is_same<a, b>::value)
#define CHECK(cond, msg) static_assert(cond, msg)
#else
#define SAME_TYPE(a, b) \
	_Generic((a *)0, b *: 1, default: 0)
#define CHECK(cond, msg) _Static_assert(cond, msg)
#endif

CHECK(sizeof(BYTE) == 1 && sizeof(WORD) == 2 && sizeof(DWORD) == 4,
      "integer sizes");
CHECK(sizeof(WCHAR) == 2 && SAME_TYPE(WCHAR, char16_t), "WCHAR is char16_t");
CHECK(sizeof(HANDLE) == sizeof(void *), "HANDLE is a pointer");
CHECK(sizeof(SYSTEM_INFO) >= 36, "SYSTEM_INFO");

#ifdef UNICODE
CHECK(SAME_TYPE(TCHAR, WCHAR), "TCHAR follows UNICODE");
CHECK(sizeof(TEXT("ab")) == 3 * sizeof(WCHAR), "TEXT() is u\"\"");
#else
CHECK(SAME_TYPE(TCHAR, CHAR), "TCHAR follows UNICODE");
CHECK(sizeof(TEXT("ab")) == 3, "TEXT() is narrow");
#endif

#ifdef __cplusplus
extern "C" int cemapping_header_check(void);
#else
int cemapping_header_check(void);
#endif

/* Every function, through the names a program uses. */
int cemapping_header_check(void)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
	SYSTEM_INFO si;
	HANDLE h, f, d;
	LPVOID p;
	LPCTSTR name = TEXT("Local\\Check");
	TCHAR buf[MAX_PATH];

	ZeroMemory(buf, sizeof(buf));
	CopyMemory(buf, name, sizeof(TCHAR));
	MoveMemory(buf + 1, buf, sizeof(TCHAR));
	FillMemory(buf + 2, sizeof(TCHAR), 0);
	GetSystemInfo(&si);
	f = CreateFileForMapping(TEXT("/tmp/x"), GENERIC_READ | GENERIC_WRITE,
				 FILE_SHARE_READ, NULL, OPEN_ALWAYS,
				 FILE_ATTRIBUTE_NORMAL, NULL);
	h = CreateFileMapping(f, &sa, PAGE_READWRITE | SEC_COMMIT, 0,
			      si.dwAllocationGranularity, name);
	if (GetLastError() == ERROR_ALREADY_EXISTS)
		SetLastError(ERROR_SUCCESS);
	p = MapViewOfFileEx(h, FILE_MAP_ALL_ACCESS, 0, 0, 0, NULL);
	FlushViewOfFile(p, 0);
	UnmapViewOfFile(p);
	p = MapViewOfFile(OpenFileMapping(FILE_MAP_READ, FALSE, name),
			  FILE_MAP_READ, 0, 0, 0);
	DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0,
			FALSE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE);
	CloseHandle(d);
	CloseHandle(f);
	(void)CreateFileMappingA;
	(void)CreateFileMappingW;
	(void)OpenFileMappingA;
	(void)OpenFileMappingW;
	(void)CreateFileForMappingA;
	(void)CreateFileForMappingW;
	return p != NULL && si.wProcessorArchitecture != 0 &&
	       si.dwOemId != 0 && INVALID_HANDLE_VALUE != NULL;
}
