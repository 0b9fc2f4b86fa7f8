// SPDX-License-Identifier: GPL-2.0
/*
 * cemapping_sec_table: the SEC_* flags of CreateFileMapping, row for row
 * as Windows answers them.  The rows are those of the sec_flag_tests
 * table of Wine's test_CreateFileMapping (dlls/kernel32/tests/virtual.c),
 * which holds on Windows: a pagefile-backed object (file 0), a normal
 * file (file 1) and an executable image (file 2).  Each row is created
 * with PAGE_READWRITE (PAGE_READONLY for file 2) and a size of 4 KiB.
 *
 * Windows maps PE images; this layer has none, so the two rows where
 * Windows accepts SEC_IMAGE on a real image (37 and 39) fail here with
 * ERROR_BAD_EXE_FORMAT, as Windows does for any file that is not an
 * image (rows 8 and 27).  Every other row's answer is Windows'.  The
 * "image" of file 2 is a read-only regular file.
 */
#include "ce_test.h"

struct sec_row {
	int file;
	DWORD flags;
	DWORD error; /* 0: succeeds, GetLastError() 0 */
};

static const struct sec_row sec_rows[] = {
	/* pagefile-backed */
	{ 0, SEC_RESERVE, 0 }, /* 0 */
	{ 0, SEC_RESERVE | SEC_NOCACHE, 0 },
	{ 0, SEC_RESERVE | SEC_LARGE_PAGES, ERROR_INVALID_PARAMETER },
	{ 0, SEC_RESERVE | SEC_WRITECOMBINE, 0 },
	{ 0, SEC_COMMIT, 0 },
	{ 0, SEC_COMMIT | SEC_NOCACHE, 0 }, /* 5 */
	{ 0, SEC_COMMIT | SEC_WRITECOMBINE, 0 },
	{ 0, SEC_RESERVE | SEC_COMMIT, ERROR_INVALID_PARAMETER },
	{ 0, SEC_IMAGE, ERROR_BAD_EXE_FORMAT },
	{ 0, SEC_IMAGE | SEC_RESERVE, ERROR_INVALID_PARAMETER },
	{ 0, SEC_IMAGE | SEC_COMMIT, ERROR_INVALID_PARAMETER }, /* 10 */
	{ 0, SEC_NOCACHE, ERROR_INVALID_PARAMETER },
	{ 0, SEC_LARGE_PAGES, ERROR_INVALID_PARAMETER },
	{ 0, SEC_WRITECOMBINE, ERROR_INVALID_PARAMETER },
	{ 0, SEC_FILE, ERROR_INVALID_PARAMETER },
	{ 0, SEC_FILE | SEC_RESERVE, ERROR_INVALID_PARAMETER }, /* 15 */
	{ 0, SEC_FILE | SEC_COMMIT, ERROR_INVALID_PARAMETER },
	{ 0, 0, 0 },
	/* a normal file */
	{ 1, SEC_RESERVE, 0 },
	{ 1, SEC_RESERVE | SEC_NOCACHE, 0 },
	{ 1, SEC_RESERVE | SEC_LARGE_PAGES, ERROR_INVALID_PARAMETER }, /* 20 */
	{ 1, SEC_RESERVE | SEC_WRITECOMBINE, 0 },
	{ 1, SEC_COMMIT, 0 },
	{ 1, SEC_COMMIT | SEC_NOCACHE, 0 },
	{ 1, SEC_COMMIT | SEC_LARGE_PAGES, ERROR_INVALID_PARAMETER },
	{ 1, SEC_COMMIT | SEC_WRITECOMBINE, 0 }, /* 25 */
	{ 1, SEC_RESERVE | SEC_COMMIT, ERROR_INVALID_PARAMETER },
	{ 1, SEC_IMAGE, ERROR_BAD_EXE_FORMAT },
	{ 1, SEC_IMAGE | SEC_RESERVE, ERROR_INVALID_PARAMETER },
	{ 1, SEC_IMAGE | SEC_COMMIT, ERROR_INVALID_PARAMETER },
	{ 1, SEC_NOCACHE, ERROR_INVALID_PARAMETER }, /* 30 */
	{ 1, SEC_LARGE_PAGES, ERROR_INVALID_PARAMETER },
	{ 1, SEC_WRITECOMBINE, ERROR_INVALID_PARAMETER },
	{ 1, SEC_FILE, ERROR_INVALID_PARAMETER },
	{ 1, SEC_FILE | SEC_RESERVE, ERROR_INVALID_PARAMETER },
	{ 1, SEC_FILE | SEC_COMMIT, ERROR_INVALID_PARAMETER }, /* 35 */
	{ 1, 0, 0 },
	/* an executable image on Windows; not an image here (see above) */
	{ 2, SEC_IMAGE, ERROR_BAD_EXE_FORMAT },
	{ 2, SEC_IMAGE | SEC_FILE, ERROR_INVALID_PARAMETER },
	{ 2, SEC_IMAGE | SEC_NOCACHE, ERROR_BAD_EXE_FORMAT },
	{ 2, SEC_IMAGE | SEC_LARGE_PAGES, ERROR_INVALID_PARAMETER }, /* 40 */
	{ 2, SEC_IMAGE | SEC_WRITECOMBINE, ERROR_INVALID_PARAMETER },
	{ 2, SEC_IMAGE | SEC_RESERVE, ERROR_INVALID_PARAMETER },
	{ 2, SEC_IMAGE | SEC_COMMIT, ERROR_INVALID_PARAMETER },
};

static HANDLE open_file(const char *dir, const char *base, DWORD access)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, base);
	return CreateFileForMappingA(path, access, FILE_SHARE_READ, NULL,
				     OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
}

TEST_F(ce, wine_sec_flag_table)
{
	const char *name = uname_("sectable");
	HANDLE file[3], h, m;
	size_t i;

	file[0] = PAGEFILE;
	file[1] = open_file(self->dir, "normal", GENERIC_READ | GENERIC_WRITE);
	ASSERT_NE(INVALID_HANDLE_VALUE, file[1]);
	/* 8 KiB, as Wine's test makes it. */
	m = CreateFileMappingA(file[1], NULL, PAGE_READWRITE, 0, 0x2000, NULL);
	ASSERT_NE(NULL, m);
	ASSERT_TRUE(CloseHandle(m));
	file[2] = open_file(self->dir, "image", GENERIC_READ);
	ASSERT_NE(INVALID_HANDLE_VALUE, file[2]);

	for (i = 0; i < sizeof(sec_rows) / sizeof(sec_rows[0]); i++) {
		const struct sec_row *r = &sec_rows[i];
		DWORD perm = r->file == 2 ? PAGE_READONLY : PAGE_READWRITE;

		SetLastError(0xdeadbeef);
		h = CreateFileMappingA(file[r->file], NULL, r->flags | perm, 0,
				       0x1000, name);
		if (r->error) {
			EXPECT_EQ(NULL, h) TH_LOG("row %zu succeeded", i);
			EXPECT_EQ(r->error, GetLastError())
				TH_LOG("row %zu: error %u", i, GetLastError());
		} else {
			EXPECT_NE(NULL, h)
				TH_LOG("row %zu: error %u", i, GetLastError());
			EXPECT_EQ(0, GetLastError())
				TH_LOG("row %zu: error %u", i, GetLastError());
		}
		if (h)
			EXPECT_TRUE(CloseHandle(h));
		/* Nothing is left behind by a refused row. */
		EXPECT_EQ(0, nsh_listing(NULL, NULL)) TH_LOG("row %zu", i);
	}
	EXPECT_TRUE(CloseHandle(file[1]));
	EXPECT_TRUE(CloseHandle(file[2]));
}

/* SEC_IMAGE_NO_EXECUTE is SEC_IMAGE | SEC_NOCACHE: 193 for non-images. */
TEST_F(ce, sec_image_no_execute_is_not_an_image)
{
	HANDLE f;

	ASSERT_EQ(SEC_IMAGE | SEC_NOCACHE, SEC_IMAGE_NO_EXECUTE);
	SetLastError(0);
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL,
					   PAGE_READONLY | SEC_IMAGE_NO_EXECUTE,
					   0, PAGE, uname_("noexec")));
	EXPECT_EQ(ERROR_BAD_EXE_FORMAT, GetLastError());
	f = open_file(self->dir, "noexec", GENERIC_READ | GENERIC_WRITE);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	SetLastError(0);
	EXPECT_EQ(NULL, CreateFileMappingA(f, NULL,
					   PAGE_READONLY | SEC_IMAGE_NO_EXECUTE,
					   0, PAGE, NULL));
	EXPECT_EQ(ERROR_BAD_EXE_FORMAT, GetLastError());
	/* ... and 87 with SEC_COMMIT, like SEC_IMAGE. */
	EXPECT_EQ(NULL, CreateFileMappingA(f, NULL,
					   PAGE_READONLY | SEC_IMAGE_NO_EXECUTE |
						   SEC_COMMIT,
					   0, PAGE, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_TRUE(CloseHandle(f));
}

/* SEC_COMMIT | SEC_LARGE_PAGES on a pagefile-backed object works. */
TEST_F(ce, large_pages_only_committed_pagefile_backed)
{
	HANDLE h = CreateFileMappingA(PAGEFILE, NULL,
				      PAGE_READWRITE | SEC_COMMIT |
					      SEC_LARGE_PAGES,
				      0, 2 << 20, uname_("large"));
	char *p;

	ASSERT_NE(NULL, h);
	p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	p[0] = 1;
	p[(2 << 20) - 1] = 2;
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_TRUE(CloseHandle(h));
}
