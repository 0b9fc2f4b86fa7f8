// SPDX-License-Identifier: GPL-2.0
/*
 * cemapping_sections: tests of the CE / Win32 layer (include/cemapping.h),
 * sizes, page protections and SEC_* attributes (Wine's
 * SEC_* table is cemapping_sec_table.c).
 */
#include "ce_test.h"

/* ---- size, protection, attributes -------------------------------------- */

TEST_F(ce, pagefile_size_zero_fails)
{
	SetLastError(0);
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0, 0,
					   uname_("zero")));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0, 0,
					   NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

TEST_F(ce, size_is_rounded_up_to_the_page_size)
{
	HANDLE h;
	char *p;

	h = create_rw(NULL, 1);
	ASSERT_NE(NULL, h);
	p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, PAGE);
	ASSERT_NE(NULL, p);
	p[PAGE - 1] = 1;
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, PAGE + 1));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	/* bytes 0: the whole (rounded) object. */
	p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(1, p[PAGE - 1]);
	do {
		uintptr_t s, e;

		ASSERT_TRUE(map_info(p, NULL, &s, &e));
		EXPECT_EQ((uintptr_t)p, s);
		EXPECT_EQ(PAGE, e - s);
	} while (0);
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_TRUE(CloseHandle(h));
}

TEST_F(ce, size_is_64_bits_high_low)
{
	HANDLE h;
	char *p;

	/* 4 GiB + 64 KiB, reserved (not committed). */
	if (ce_max_region() < (4ULL << 30) + GRAN)
		SKIP(return, "the kernel's largest region is %llu bytes (a 32-bit kernel)",
		     (unsigned long long)ce_max_region());
	h = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE | SEC_RESERVE, 1,
			       GRAN, NULL);
	ASSERT_NE(NULL, h) TH_LOG("error %u", GetLastError());
	/* The last 64 KiB, at offset 4 GiB. */
	p = MapViewOfFile(h, FILE_MAP_WRITE, 1, 0, 0);
	ASSERT_NE(NULL, p) TH_LOG("error %u", GetLastError());
	do {
		uintptr_t s, e;

		ASSERT_TRUE(map_info(p, NULL, &s, &e));
		EXPECT_EQ(GRAN, e - s);
	} while (0);
	p[GRAN - 1] = 'e';
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_WRITE, 1, 0, GRAN + 1));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	/* At and past the end. */
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_WRITE, 1, GRAN, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_WRITE, 2, 0, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_TRUE(CloseHandle(h));
}

TEST_F(ce, page_protections_accepted_and_refused)
{
	static const DWORD good[] = {
		PAGE_READONLY,	       PAGE_READWRITE,	       PAGE_WRITECOPY,
		PAGE_EXECUTE_READ,     PAGE_EXECUTE_READWRITE,
		PAGE_EXECUTE_WRITECOPY,
	};
	static const DWORD bad[] = {
		0,
		PAGE_NOACCESS,
		PAGE_EXECUTE,
		PAGE_READONLY | PAGE_READWRITE,
		PAGE_READWRITE | PAGE_WRITECOPY,
		PAGE_READWRITE | PAGE_EXECUTE_READ,
		PAGE_NOACCESS | PAGE_READONLY,
		PAGE_READWRITE | 0x100 /* PAGE_GUARD */,
		SEC_COMMIT,
	};
	size_t i;
	HANDLE h;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		SetLastError(55);
		h = CreateFileMappingA(PAGEFILE, NULL, good[i], 0, PAGE,
				       uname_("prot"));
		EXPECT_NE(NULL, h) TH_LOG("0x%x", good[i]);
		EXPECT_EQ(0, GetLastError());
		if (h)
			CloseHandle(h);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SetLastError(0);
		EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL, bad[i], 0,
						   PAGE, uname_("badprot")))
			TH_LOG("0x%x", bad[i]);
		EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError())
			TH_LOG("0x%x", bad[i]);
	}
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

/* The namedshm flags of the region behind the layer's handle for @name. */
static uint32_t region_flags_of(const char *name)
{
	struct namedshm_stat st;
	int fd = kernel_handles(name, NULL, NULL);

	if (fd < 0 || namedshm_stat(fd, &st))
		return 0xffffffff;
	return st.flags;
}

TEST_F(ce, section_attributes)
{
	static const DWORD bad[] = {
		SEC_RESERVE | SEC_COMMIT, SEC_FILE, SEC_NOCACHE,
		SEC_WRITECOMBINE,	  SEC_NOCACHE | SEC_WRITECOMBINE | SEC_COMMIT,
	};
	const char *name = uname_("sec");
	size_t i;
	HANDLE h;

	/* No SEC_ flag and SEC_COMMIT: committed. */
	h = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0, PAGE, name);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(0, region_flags_of(name) & NAMEDSHM_REGION_RESERVE);
	CloseHandle(h);
	h = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE | SEC_COMMIT, 0,
			       PAGE, name);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(0, region_flags_of(name) & NAMEDSHM_REGION_RESERVE);
	CloseHandle(h);
	/* SEC_RESERVE: no up-front commit. */
	h = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE | SEC_RESERVE, 0,
			       PAGE, name);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(NAMEDSHM_REGION_RESERVE,
		  region_flags_of(name) & NAMEDSHM_REGION_RESERVE);
	CloseHandle(h);
	/* Modifiers with SEC_COMMIT, and SEC_LARGE_PAGES, are accepted. */
	h = CreateFileMappingA(PAGEFILE, NULL,
			       PAGE_READWRITE | SEC_COMMIT | SEC_NOCACHE, 0,
			       PAGE, name);
	EXPECT_NE(NULL, h);
	CloseHandle(h);
	h = CreateFileMappingA(PAGEFILE, NULL,
			       PAGE_READWRITE | SEC_COMMIT | SEC_LARGE_PAGES, 0,
			       PAGE, name);
	EXPECT_NE(NULL, h);
	CloseHandle(h);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SetLastError(0);
		EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL,
						   PAGE_READWRITE | bad[i], 0,
						   PAGE, name))
			TH_LOG("0x%x", bad[i]);
		EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError())
			TH_LOG("0x%x", bad[i]);
	}
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL,
					   PAGE_READONLY | SEC_IMAGE, 0, PAGE,
					   name));
	EXPECT_EQ(ERROR_BAD_EXE_FORMAT, GetLastError());
	/* SEC_IMAGE with SEC_COMMIT is a bad parameter (87), as on Windows */
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL,
					   PAGE_READONLY | SEC_IMAGE |
						   SEC_COMMIT,
					   0, PAGE, name));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

TEST_F(ce, commit_failure_is_not_enough_memory)
{
	/*
	 * 512 GiB (a 32-bit kernel's largest region, 4 GiB less a page,
	 * there) cannot be committed in the test machine ...
	 */
	uint64_t huge = 512ULL << 30;
	DWORD hi, lo;
	HANDLE h;

	if (huge > ce_max_region())
		huge = ce_max_region() & ~(uint64_t)(PAGE - 1);
	hi = (DWORD)(huge >> 32);
	lo = (DWORD)huge;
	SetLastError(0);
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL,
					   PAGE_READWRITE | SEC_COMMIT, hi, lo,
					   uname_("huge")));
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, GetLastError());
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, hi,
					   lo, uname_("huge")));
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, GetLastError());
	/* ... but reserved, it is fine. */
	h = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE | SEC_RESERVE,
			       hi, lo, uname_("huge"));
	ASSERT_NE(NULL, h) TH_LOG("error %u", GetLastError());
	EXPECT_EQ(0, GetLastError());
	EXPECT_TRUE(CloseHandle(h));
	/* Beyond the module's largest region (EFBIG): 8 as well. */
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL,
					   PAGE_READWRITE | SEC_RESERVE,
					   0xFFFFFFFF, 0, uname_("huge")));
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, GetLastError());
}
