// SPDX-License-Identifier: GPL-2.0
/*
 * cemapping_basics: tests of the CE / Win32 layer (include/cemapping.h),
 * types and constants, GetSystemInfo, GetLastError.
 */
#include "ce_test.h"

/* ---- the header ----------------------------------------------------------- */

TEST_F(ce, header_types_and_constants)
{
	char a[8], b[8];
	SYSTEM_INFO si;

	_Static_assert(sizeof(BYTE) == 1 && sizeof(WORD) == 2 &&
			       sizeof(DWORD) == 4 && sizeof(WCHAR) == 2 &&
			       sizeof(HANDLE) == sizeof(void *) &&
			       sizeof(SIZE_T) == sizeof(size_t),
		       "Windows type sizes");
	_Static_assert((DWORD)-1 > 0 && (WCHAR)-1 > 0, "unsigned types");
	_Static_assert(sizeof(TEXT("ab")) == 3 && sizeof(TCHAR) == 1,
		       "TEXT() without UNICODE is narrow");
	_Static_assert(sizeof(u"ab") == 3 * sizeof(WCHAR), "char16_t");
	_Static_assert(MAX_PATH == 260, "MAX_PATH");
	_Static_assert(ERROR_SUCCESS == 0 && ERROR_FILE_NOT_FOUND == 2 &&
			       ERROR_PATH_NOT_FOUND == 3 &&
			       ERROR_ACCESS_DENIED == 5 &&
			       ERROR_INVALID_HANDLE == 6 &&
			       ERROR_NOT_ENOUGH_MEMORY == 8 &&
			       ERROR_FILE_EXISTS == 80 &&
			       ERROR_INVALID_PARAMETER == 87 &&
			       ERROR_ALREADY_EXISTS == 183 &&
			       ERROR_BAD_EXE_FORMAT == 193 &&
			       ERROR_FILENAME_EXCED_RANGE == 206 &&
			       ERROR_INVALID_ADDRESS == 487 &&
			       ERROR_FILE_INVALID == 1006 &&
			       ERROR_MAPPED_ALIGNMENT == 1132,
		       "error codes");
	_Static_assert(PAGE_NOACCESS == 0x01 && PAGE_READONLY == 0x02 &&
			       PAGE_READWRITE == 0x04 &&
			       PAGE_WRITECOPY == 0x08 &&
			       PAGE_EXECUTE == 0x10 &&
			       PAGE_EXECUTE_READ == 0x20 &&
			       PAGE_EXECUTE_READWRITE == 0x40 &&
			       PAGE_EXECUTE_WRITECOPY == 0x80,
		       "PAGE_*");
	_Static_assert(SEC_FILE == 0x800000 && SEC_IMAGE == 0x1000000 &&
			       SEC_RESERVE == 0x4000000 &&
			       SEC_COMMIT == 0x8000000 &&
			       SEC_NOCACHE == 0x10000000 &&
			       SEC_WRITECOMBINE == 0x40000000 &&
			       SEC_LARGE_PAGES == 0x80000000U,
		       "SEC_*");
	_Static_assert(FILE_MAP_COPY == 1 && FILE_MAP_WRITE == 2 &&
			       FILE_MAP_READ == 4 && FILE_MAP_EXECUTE == 0x20 &&
			       FILE_MAP_ALL_ACCESS == 0xF001F,
		       "FILE_MAP_*");
	_Static_assert(GENERIC_READ == 0x80000000U &&
			       GENERIC_WRITE == 0x40000000U &&
			       FILE_SHARE_READ == 1 && FILE_SHARE_WRITE == 2 &&
			       CREATE_NEW == 1 && CREATE_ALWAYS == 2 &&
			       OPEN_EXISTING == 3 && OPEN_ALWAYS == 4 &&
			       TRUNCATE_EXISTING == 5 &&
			       FILE_ATTRIBUTE_NORMAL == 0x80 &&
			       DUPLICATE_CLOSE_SOURCE == 1 &&
			       DUPLICATE_SAME_ACCESS == 2,
		       "file constants");
	_Static_assert(offsetof(SYSTEM_INFO, dwPageSize) == 4, "SYSTEM_INFO");

	EXPECT_EQ((uintptr_t)-1, (uintptr_t)INVALID_HANDLE_VALUE);
	EXPECT_EQ(INVALID_HANDLE_VALUE, GetCurrentProcess());
	EXPECT_EQ(1, TRUE);
	EXPECT_EQ(0, FALSE);

	FillMemory(a, sizeof(a), 'x');
	EXPECT_EQ('x', a[7]);
	CopyMemory(b, "1234567", 8);
	MoveMemory(b + 1, b, 4);
	EXPECT_EQ(0, memcmp(b, "1123467", 8));
	ZeroMemory(a, sizeof(a));
	EXPECT_TRUE(nsh_all_zero(a, sizeof(a)));

	/* Without UNICODE the unsuffixed names are the A functions. */
	EXPECT_EQ((void *)CreateFileMappingA, (void *)CreateFileMapping);
	EXPECT_EQ((void *)OpenFileMappingA, (void *)OpenFileMapping);
	EXPECT_EQ((void *)CreateFileForMappingA, (void *)CreateFileForMapping);

	/* The union of SYSTEM_INFO. */
	memset(&si, 0, sizeof(si));
	si.wProcessorArchitecture = 9;
	EXPECT_EQ(9, si.dwOemId & 0xFFFF);
}

TEST_F(ce, get_system_info)
{
	SYSTEM_INFO si;

	memset(&si, 0xa5, sizeof(si));
	GetSystemInfo(&si);
	EXPECT_EQ(PAGE, si.dwPageSize);
	EXPECT_EQ(65536, si.dwAllocationGranularity);
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_ONLN), si.dwNumberOfProcessors);
	EXPECT_LE(1, si.dwNumberOfProcessors);
	EXPECT_EQ(1, si.dwActiveProcessorMask & 1);
	EXPECT_EQ(0, (uintptr_t)si.lpMinimumApplicationAddress % GRAN);
	EXPECT_LT((uintptr_t)si.lpMinimumApplicationAddress,
		  (uintptr_t)si.lpMaximumApplicationAddress);
#ifdef __x86_64__
	EXPECT_EQ(PROCESSOR_ARCHITECTURE_AMD64, si.wProcessorArchitecture);
	EXPECT_EQ(PROCESSOR_AMD_X8664, si.dwProcessorType);
#endif
	/* NULL is ignored rather than a crash. */
	GetSystemInfo(NULL);
}

TEST_F(ce, successful_calls_leave_last_error_alone)
{
	const char *name = uname_("keep");
	HANDLE h, o, d;
	char *p;

	h = create_rw(name, PAGE);
	ASSERT_NE(NULL, h);
	SetLastError(1234);
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
	ASSERT_NE(NULL, o);
	p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(FlushViewOfFile(p, 0));
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_TRUE(DuplicateHandle(GetCurrentProcess(), o, GetCurrentProcess(),
				    &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
	EXPECT_TRUE(CloseHandle(d));
	EXPECT_TRUE(CloseHandle(o));
	EXPECT_TRUE(CloseHandle(h));
	EXPECT_EQ(1234, GetLastError());
}

/* ---- threads ------------------------------------------------------------ */

static void *last_error_thread(void *arg)
{
	struct thread_arg *t = arg;
	int i;

	pthread_barrier_wait(t->barrier);
	for (i = 0; i < 300; i++) {
		switch ((i + t->idx) % 4) {
		case 0:
			if (CloseHandle(NULL) ||
			    GetLastError() != ERROR_INVALID_HANDLE)
				t->fails++;
			break;
		case 1:
			if (OpenFileMappingA(FILE_MAP_READ, FALSE,
					     "ce-thread-missing") ||
			    GetLastError() != ERROR_FILE_NOT_FOUND)
				t->fails++;
			break;
		case 2:
			if (CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0,
					       0, NULL) ||
			    GetLastError() != ERROR_INVALID_PARAMETER)
				t->fails++;
			break;
		case 3:
			SetLastError(1000 + (DWORD)t->idx);
			sched_yield();
			if (GetLastError() != 1000 + (DWORD)t->idx)
				t->fails++;
			break;
		}
	}
	SetLastError(5000 + (DWORD)t->idx);
	pthread_barrier_wait(t->barrier);
	t->err = GetLastError();
	return NULL;
}

TEST_F_TIMEOUT(ce, last_error_is_per_thread, 120)
{
	struct thread_arg args[NTHREADS];
	pthread_t th[NTHREADS];
	pthread_barrier_t barrier;
	int i;

	pthread_barrier_init(&barrier, NULL, NTHREADS);
	SetLastError(777);
	for (i = 0; i < NTHREADS; i++) {
		args[i] = (struct thread_arg){ .barrier = &barrier, .idx = i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, last_error_thread,
					    &args[i]));
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, args[i].fails);
		EXPECT_EQ(5000 + (DWORD)i, args[i].err);
	}
	EXPECT_EQ(777, GetLastError());
	pthread_barrier_destroy(&barrier);
}
