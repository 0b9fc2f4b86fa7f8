// SPDX-License-Identifier: GPL-2.0
/*
 * cemapping_files: tests of the CE / Win32 layer (include/cemapping.h),
 * file-backed objects: CreateFileForMapping and mappings
 * of files.
 */
#include "ce_test.h"

/* ---- file-backed objects ------------------------------------------------- */

TEST_F(ce, create_file_dispositions)
{
	char path[128], missing_dir[160], through_file[160];
	static const DWORD all[] = { CREATE_NEW, CREATE_ALWAYS, OPEN_EXISTING,
				     OPEN_ALWAYS, TRUNCATE_EXISTING };
	const DWORD rw = GENERIC_READ | GENERIC_WRITE;
	HANDLE f;
	size_t i;

	snprintf(path, sizeof(path), "%s/disp", self->dir);
	snprintf(missing_dir, sizeof(missing_dir), "%s/nodir/file", self->dir);
	snprintf(through_file, sizeof(through_file), "%s/disp/x", self->dir);

	/* Missing file. */
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(path, rw, 0, NULL, OPEN_EXISTING,
					FILE_ATTRIBUTE_NORMAL, NULL));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(path, rw, 0, NULL, TRUNCATE_EXISTING,
					FILE_ATTRIBUTE_NORMAL, NULL));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	EXPECT_EQ(-1, file_size(path));

	/* CREATE_NEW creates: 0. */
	SetLastError(99);
	f = CreateFileForMappingA(path, rw, 0, NULL, CREATE_NEW,
				  FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(0, GetLastError());
	EXPECT_EQ(0, file_size(path));
	EXPECT_TRUE(CloseHandle(f));
	/* ... and fails on an existing file: 80. */
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(path, rw, 0, NULL, CREATE_NEW,
					FILE_ATTRIBUTE_NORMAL, NULL));
	EXPECT_EQ(ERROR_FILE_EXISTS, GetLastError());

	/* OPEN_EXISTING: 0, content kept. */
	ASSERT_EQ(0, write_file(path, 100, 1));
	SetLastError(99);
	f = CreateFileForMappingA(path, GENERIC_READ, 0, NULL, OPEN_EXISTING,
				  FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(0, GetLastError());
	EXPECT_EQ(100, file_size(path));
	EXPECT_TRUE(CloseHandle(f));

	/* OPEN_ALWAYS on an existing file: 183, content kept. */
	f = CreateFileForMappingA(path, rw, 0, NULL, OPEN_ALWAYS,
				  FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(100, file_size(path));
	EXPECT_TRUE(CloseHandle(f));

	/* CREATE_ALWAYS on an existing file: 183, truncated. */
	f = CreateFileForMappingA(path, rw, 0, NULL, CREATE_ALWAYS,
				  FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(0, file_size(path));
	EXPECT_TRUE(CloseHandle(f));

	/* TRUNCATE_EXISTING: 0, truncated. */
	ASSERT_EQ(0, write_file(path, 100, 1));
	SetLastError(99);
	f = CreateFileForMappingA(path, GENERIC_WRITE, 0, NULL,
				  TRUNCATE_EXISTING, FILE_ATTRIBUTE_NORMAL,
				  NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(0, GetLastError());
	EXPECT_EQ(0, file_size(path));
	EXPECT_TRUE(CloseHandle(f));

	/* CREATE_ALWAYS and OPEN_ALWAYS on a missing file: 0. */
	ASSERT_EQ(0, unlink(path));
	SetLastError(99);
	f = CreateFileForMappingA(path, rw, 0, NULL, CREATE_ALWAYS,
				  FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(0, GetLastError());
	EXPECT_TRUE(CloseHandle(f));
	ASSERT_EQ(0, unlink(path));
	SetLastError(99);
	f = CreateFileForMappingA(path, 0, 0, NULL, OPEN_ALWAYS,
				  FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(0, GetLastError());
	EXPECT_EQ(0, file_size(path));
	EXPECT_TRUE(CloseHandle(f));

	/* A missing directory on the way: 3, whatever the disposition. */
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		SetLastError(0);
		EXPECT_EQ(INVALID_HANDLE_VALUE,
			  CreateFileForMappingA(missing_dir, rw, 0, NULL, all[i],
						FILE_ATTRIBUTE_NORMAL, NULL));
		EXPECT_EQ(ERROR_PATH_NOT_FOUND, GetLastError())
			TH_LOG("disposition %u", all[i]);
		SetLastError(0);
		EXPECT_EQ(INVALID_HANDLE_VALUE,
			  CreateFileForMappingA(through_file, rw, 0, NULL,
						all[i], FILE_ATTRIBUTE_NORMAL,
						NULL));
		EXPECT_EQ(ERROR_PATH_NOT_FOUND, GetLastError())
			TH_LOG("disposition %u", all[i]);
	}

	/* A directory is not a file: 5. */
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(self->dir, GENERIC_READ, 0, NULL,
					OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL,
					NULL));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(self->dir, rw, 0, NULL, OPEN_ALWAYS,
					FILE_ATTRIBUTE_NORMAL, NULL));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
}

TEST_F(ce, create_file_bad_parameters)
{
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, FALSE };
	char path[128];

	snprintf(path, sizeof(path), "%s/params", self->dir);
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(path, GENERIC_READ, 0, &sa, OPEN_ALWAYS,
					FILE_ATTRIBUTE_NORMAL, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(path, GENERIC_EXECUTE, 0, NULL,
					OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL,
					NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(path, GENERIC_READ, 0, NULL, 0,
					FILE_ATTRIBUTE_NORMAL, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(path, GENERIC_READ, 0, NULL, 6,
					FILE_ATTRIBUTE_NORMAL, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(path, GENERIC_READ, 0, NULL,
					TRUNCATE_EXISTING,
					FILE_ATTRIBUTE_NORMAL, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA(NULL, GENERIC_READ, 0, NULL,
					OPEN_EXISTING, 0, NULL));
	EXPECT_EQ(ERROR_PATH_NOT_FOUND, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingA("", GENERIC_READ, 0, NULL,
					OPEN_EXISTING, 0, NULL));
	EXPECT_EQ(ERROR_PATH_NOT_FOUND, GetLastError());
	/* None of them created the file. */
	EXPECT_EQ(-1, file_size(path));
	/* Attributes and template are ignored (share modes: see
	 * namedshm_share_test). */
	do {
		HANDLE f = CreateFileForMappingA(
			path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
			NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL,
			(HANDLE)0x1234);

		ASSERT_NE(INVALID_HANDLE_VALUE, f);
		EXPECT_TRUE(CloseHandle(f));
	} while (0);
}

TEST_F(ce, create_file_without_permission_is_access_denied)
{
	char file[128], sub[128], newfile[160];
	pid_t pid;
	int status;

	snprintf(file, sizeof(file), "%s/secret", self->dir);
	snprintf(sub, sizeof(sub), "%s/ro", self->dir);
	snprintf(newfile, sizeof(newfile), "%s/new", sub);
	ASSERT_EQ(0, write_file(file, 10, 1));
	ASSERT_EQ(0, chmod(file, 0600));
	ASSERT_EQ(0, mkdir(sub, 0555));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		HANDLE f;

		/* Root passes permission checks: become nobody. */
		if (geteuid() == 0 && (setgroups(0, NULL) || setgid(65534) ||
				       setuid(65534)))
			_exit(10);
		f = CreateFileForMappingA(file, GENERIC_READ, 0, NULL,
					  OPEN_EXISTING, 0, NULL);
		if (f != INVALID_HANDLE_VALUE ||
		    GetLastError() != ERROR_ACCESS_DENIED)
			_exit(11);
		f = CreateFileForMappingA(file, GENERIC_READ | GENERIC_WRITE, 0,
					  NULL, OPEN_ALWAYS, 0, NULL);
		if (f != INVALID_HANDLE_VALUE ||
		    GetLastError() != ERROR_ACCESS_DENIED)
			_exit(12);
		f = CreateFileForMappingA(newfile, GENERIC_READ, 0, NULL,
					  CREATE_NEW, 0, NULL);
		if (f != INVALID_HANDLE_VALUE ||
		    GetLastError() != ERROR_ACCESS_DENIED)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(ce, create_file_wide_path)
{
	WCHAR wpath[200];
	char path[200];
	size_t i, n;
	HANDLE f;

	/* ".../d\u00e9j\u00e0" in UTF-16; the file gets the UTF-8 name. */
	n = (size_t)snprintf(path, sizeof(path), "%s/d", self->dir);
	for (i = 0; i < n; i++)
		wpath[i] = (WCHAR)path[i];
	memcpy(wpath + n, u"\u00e9j\u00e0", 4 * sizeof(WCHAR));
	strcat(path, "\xc3\xa9j\xc3\xa0");

	SetLastError(9);
	f = CreateFileForMappingW(wpath, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(0, GetLastError());
	EXPECT_EQ(0, file_size(path));
	EXPECT_TRUE(CloseHandle(f));
	f = CreateFileForMappingW(wpath, GENERIC_READ, 0, NULL, OPEN_ALWAYS, 0,
				  NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_TRUE(CloseHandle(f));
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  CreateFileForMappingW(u"/tmp/\xD800", GENERIC_READ, 0, NULL,
					OPEN_ALWAYS, 0, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
}

TEST_F(ce, file_mapping_of_the_whole_file)
{
	char path[128];
	size_t len = 2 * PAGE + 100, rounded = 3 * PAGE;
	HANDLE f, m;
	char *p;

	snprintf(path, sizeof(path), "%s/whole", self->dir);
	ASSERT_EQ(0, write_file(path, len, 17));
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	SetLastError(31);
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(0, GetLastError());
	EXPECT_EQ((off_t)len, file_size(path));

	/* bytes 0: the whole object, i.e. the file, page-rounded. */
	p = MapViewOfFile(m, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	ASSERT_NE(NULL, p);
	do {
		uintptr_t s, e;

		ASSERT_TRUE(map_info(p, NULL, &s, &e));
		EXPECT_EQ(rounded, e - s);
	} while (0);
	EXPECT_TRUE(nsh_check(p, len, 17));
	EXPECT_TRUE(UnmapViewOfFile(p));
	p = MapViewOfFile(m, FILE_MAP_READ, 0, 0, rounded);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_EQ(NULL, MapViewOfFile(m, FILE_MAP_READ, 0, 0, rounded + 1));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(CloseHandle(f));
}

TEST_F(ce, file_mapping_sizes_and_extension)
{
	char path[128], empty[128];
	const char *name = uname_("extend");
	HANDLE f, e, m, m2;
	char *p;

	snprintf(empty, sizeof(empty), "%s/empty", self->dir);
	snprintf(path, sizeof(path), "%s/grow", self->dir);

	/* A zero-length file with size 0: 1006. */
	e = CreateFileForMappingA(empty, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, e);
	EXPECT_EQ(NULL, CreateFileMappingA(e, NULL, PAGE_READWRITE, 0, 0, NULL));
	EXPECT_EQ(ERROR_FILE_INVALID, GetLastError());
	EXPECT_EQ(NULL, CreateFileMappingA(e, NULL, PAGE_READONLY, 0, 0, NULL));
	EXPECT_EQ(ERROR_FILE_INVALID, GetLastError());
	/* With a size, a writable mapping extends it. */
	m = CreateFileMappingA(e, NULL, PAGE_READWRITE, 0, PAGE + 1, NULL);
	ASSERT_NE(NULL, m);
	EXPECT_EQ((off_t)PAGE + 1, file_size(empty));
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(CloseHandle(e));

	ASSERT_EQ(0, write_file(path, 100, 3));
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	/* A read-only mapping cannot extend the file (layer's choice: 8). */
	EXPECT_EQ(NULL, CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 2 * PAGE,
					   name));
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, GetLastError());
	EXPECT_EQ(100, file_size(path));

	/* A writable one does, when it creates the object. */
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 2 * PAGE + 10, name);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(0, GetLastError());
	EXPECT_EQ((off_t)(2 * PAGE + 10), file_size(path));
	p = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(nsh_check(p, 100, 3));
	EXPECT_TRUE(nsh_all_zero(p + 100, 2 * PAGE + 10 - 100));
	p[2 * PAGE + 9] = 'E';

	/* The name exists: size ignored, the file not extended. */
	m2 = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 10 * PAGE, name);
	ASSERT_NE(NULL, m2);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ((off_t)(2 * PAGE + 10), file_size(path));
	EXPECT_EQ(NULL, MapViewOfFile(m2, FILE_MAP_READ, 0, 0, 4 * PAGE));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_TRUE(CloseHandle(m2));
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(CloseHandle(f));
}

TEST_F(ce, file_access_limits_the_mapping)
{
	const DWORD share = FILE_SHARE_READ | FILE_SHARE_WRITE;
	char path[128];
	HANDLE r, w, z, m;
	char *p, *c;

	snprintf(path, sizeof(path), "%s/access", self->dir);
	ASSERT_EQ(0, write_file(path, PAGE, 5));
	/* Three opens at once: each shares reading and writing. */
	r = CreateFileForMappingA(path, GENERIC_READ, share, NULL,
				  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, r);
	w = CreateFileForMappingA(path, GENERIC_WRITE, share, NULL,
				  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, w);
	z = CreateFileForMappingA(path, 0, share, NULL, OPEN_EXISTING,
				  FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, z);

	/* A read-only file cannot back a PAGE_READWRITE object. */
	EXPECT_EQ(NULL, CreateFileMappingA(r, NULL, PAGE_READWRITE, 0, 0,
					   NULL));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	/* Mapping needs read access. */
	EXPECT_EQ(NULL, CreateFileMappingA(w, NULL, PAGE_READWRITE, 0, 0,
					   NULL));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_EQ(NULL, CreateFileMappingA(z, NULL, PAGE_READONLY, 0, 0, NULL));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	/* Files never have execute access here. */
	EXPECT_EQ(NULL, CreateFileMappingA(r, NULL, PAGE_EXECUTE_READ, 0, 0,
					   NULL));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());

	/* PAGE_READONLY works; views are read or copy only. */
	m = CreateFileMappingA(r, NULL, PAGE_READONLY, 0, 0, NULL);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(NULL, MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	p = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(nsh_check(p, PAGE, 5));
	c = MapViewOfFile(m, FILE_MAP_COPY, 0, 0, 0);
	ASSERT_NE(NULL, c);
	c[0] = (char)~c[0];
	EXPECT_TRUE(nsh_check(p, PAGE, 5));
	EXPECT_TRUE(UnmapViewOfFile(c));
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(file_holds(path, 0, PAGE, 5));

	EXPECT_TRUE(CloseHandle(r));
	EXPECT_TRUE(CloseHandle(w));
	EXPECT_TRUE(CloseHandle(z));
}

TEST_F(ce, readonly_object_over_a_writable_file_stays_readonly)
{
	const char *name = uname_("roobj");
	char path[128];
	HANDLE f, m, m2, o;
	int nro, nrw;

	snprintf(path, sizeof(path), "%s/roobj", self->dir);
	ASSERT_EQ(0, write_file(path, PAGE, 8));
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	m = CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, name);
	ASSERT_NE(NULL, m);

	/* Others asking for write get handles that cannot map for write. */
	m2 = create_rw(name, PAGE);
	ASSERT_NE(NULL, m2);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(m2, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(NULL, MapViewOfFile(o, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	do {
		char *p = MapViewOfFile(o, FILE_MAP_READ, 0, 0, 0);

		ASSERT_NE(NULL, p);
		EXPECT_TRUE(nsh_check(p, PAGE, 8));
		EXPECT_TRUE(UnmapViewOfFile(p));
	} while (0);
	kernel_handles(name, &nro, &nrw);
	EXPECT_EQ(3, nro);
	EXPECT_EQ(0, nrw);
	EXPECT_TRUE(CloseHandle(o));
	EXPECT_TRUE(CloseHandle(m2));
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(CloseHandle(f));
}

TEST_F(ce, file_data_persists_after_every_handle)
{
	char path[128];
	HANDLE f, m;
	char *p;

	snprintf(path, sizeof(path), "%s/persist", self->dir);
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 3 * PAGE, NULL);
	ASSERT_NE(NULL, m);
	/* The file handle may go: the object holds the file. */
	EXPECT_TRUE(CloseHandle(f));
	p = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(CloseHandle(m));
	nsh_fill(p, 3 * PAGE, 21);
	EXPECT_TRUE(FlushViewOfFile(p + PAGE, PAGE));
	EXPECT_TRUE(file_holds(path, PAGE, PAGE, 21 + (unsigned int)PAGE * 7));
	EXPECT_TRUE(FlushViewOfFile(p, 0));
	EXPECT_TRUE(UnmapViewOfFile(p));
	/* Nothing of ours is left; the data is in the file. */
	EXPECT_EQ((off_t)(3 * PAGE), file_size(path));
	EXPECT_TRUE(file_holds(path, 0, 3 * PAGE, 21));
}

TEST_F(ce, named_file_object_reached_from_another_process)
{
	const char *name = uname_("fileshare");
	char *argv[] = { "self", "--child", "fileshare", (char *)name, NULL };
	char path[128];
	HANDLE f, m;
	char *p;

	snprintf(path, sizeof(path), "%s/shared", self->dir);
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	EXPECT_EQ(0, GetLastError());
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 2 * PAGE, name);
	ASSERT_NE(NULL, m);
	EXPECT_TRUE(CloseHandle(f));
	p = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	nsh_fill(p, PAGE, 61);

	/* The child opens it by name, checks our data, writes its own. */
	EXPECT_EQ(0, run_self(argv));
	EXPECT_TRUE(nsh_check(p + PAGE, PAGE, 62));
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	EXPECT_TRUE(file_holds(path, 0, PAGE, 61));
	EXPECT_TRUE(file_holds(path, PAGE, PAGE, 62));
}

TEST_F(ce, file_handles_duplicate)
{
	char path[128];
	HANDLE f, d, r, m;

	snprintf(path, sizeof(path), "%s/dupfile", self->dir);
	ASSERT_EQ(0, write_file(path, PAGE, 4));
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(),
				    &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
	ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(),
				    &r, GENERIC_READ, FALSE,
				    DUPLICATE_CLOSE_SOURCE));
	EXPECT_FALSE(CloseHandle(f));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* The read-only duplicate cannot back a writable object. */
	EXPECT_EQ(NULL, CreateFileMappingA(r, NULL, PAGE_READWRITE, 0, 0,
					   NULL));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	m = CreateFileMappingA(d, NULL, PAGE_READWRITE, 0, 0, NULL);
	ASSERT_NE(NULL, m);
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(CloseHandle(d));
	EXPECT_TRUE(CloseHandle(r));
}

/* ---- children ------------------------------------------------------------ */

/* ---- the module's limits ---------------------------------------------------- */

TEST_F(ce, module_limits_are_not_enough_memory)
{
	struct namedshm_limits lim;
	unsigned long long saved;
	HANDLE a, b;

	ASSERT_EQ(0, namedshm_device_info(&lim));
	saved = lim.max_regions;
	ASSERT_EQ(0, nsh_set_param("max_regions", 1));
	a = create_rw("LimitA", PAGE);
	EXPECT_NE(NULL, a);
	SetLastError(0);
	b = create_rw("LimitB", PAGE);
	EXPECT_EQ(NULL, b);
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, GetLastError());
	/* The name was not left behind. */
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, "LimitB"));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	EXPECT_EQ(0, nsh_set_param("max_regions", saved));
	if (a)
		EXPECT_TRUE(CloseHandle(a));
	if (b)
		CloseHandle(b);
}

/* ---- who may open what this process creates ------------------------------ */

/* In a child as uid 1001: open @name with @access; returns GetLastError. */
static int open_as_other_user(const char *name, DWORD access)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		HANDLE h;

		if (setgroups(0, NULL) || setresgid(1001, 1001, 1001) ||
		    setresuid(1001, 1001, 1001))
			_exit(200);
		h = OpenFileMappingA(access, FALSE, name);
		_exit(h ? 0 : (int)GetLastError());
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Run a child with NAMEDSHM_CE_MODE=@env that creates @name. */
static int create_with_env(const char *env, const char *name,
			   const char *expect)
{
	char var[64];
	char *argv[] = { "self", "--child", "envmode", (char *)name,
			 (char *)expect, NULL };
	char *envp[] = { var, NULL };
	int status;
	pid_t pid;

	snprintf(var, sizeof(var), "NAMEDSHM_CE_MODE=%s", env);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execve("/proc/self/exe", argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

TEST_F(ce, objects_are_for_the_creator_unless_widened)
{
	struct nsh_entry e;
	HANDLE h, w;

	/* By default: the creating user only. */
	h = create_rw("Local\\ModeDefault", PAGE);
	ASSERT_NE(NULL, h);
	ASSERT_EQ(1, nsh_listing("ModeDefault", &e));
	EXPECT_EQ(0600, e.mode);
	EXPECT_EQ(ERROR_ACCESS_DENIED,
		  open_as_other_user("ModeDefault", FILE_MAP_READ));

	/* Widened for this process by the call. */
	EXPECT_EQ(0600, namedshm_ce_object_mode(0666));
	w = create_rw("ModeWide", PAGE);
	ASSERT_NE(NULL, w);
	ASSERT_EQ(1, nsh_listing("ModeWide", &e));
	EXPECT_EQ(0666, e.mode);
	EXPECT_EQ(0, open_as_other_user("ModeWide", FILE_MAP_ALL_ACCESS));
	/* Objects created before keep their mode. */
	EXPECT_EQ(ERROR_ACCESS_DENIED,
		  open_as_other_user("ModeDefault", FILE_MAP_READ));
	EXPECT_EQ(-1, namedshm_ce_object_mode(01000));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_ce_object_mode(-2));
	EXPECT_EQ(0666, namedshm_ce_object_mode(-1));
	EXPECT_EQ(0666, namedshm_ce_object_mode(0600));
	EXPECT_TRUE(CloseHandle(h));
	EXPECT_TRUE(CloseHandle(w));

	/* Or by the environment; nonsense there changes nothing. */
	EXPECT_EQ(0, create_with_env("0640", "ModeEnv", "640"));
	EXPECT_EQ(0, create_with_env("0999", "ModeEnv", "600"));
	EXPECT_EQ(0, create_with_env("1777", "ModeEnv", "600"));
	EXPECT_EQ(0, create_with_env("", "ModeEnv", "600"));
}

/*
 * dwFlagsAndAttributes: every FILE_ATTRIBUTE_*, FILE_FLAG_* and SECURITY_*
 * value of Windows and CE is accepted (and ignored), alone and all
 * together, and the file maps as usual.
 */
TEST_F(ce, create_file_accepts_every_flag_and_attribute)
{
	static const DWORD values[] = {
		FILE_ATTRIBUTE_READONLY,
		FILE_ATTRIBUTE_HIDDEN,
		FILE_ATTRIBUTE_SYSTEM,
		FILE_ATTRIBUTE_DIRECTORY,
		FILE_ATTRIBUTE_ARCHIVE,
		FILE_ATTRIBUTE_DEVICE,
		FILE_ATTRIBUTE_NORMAL,
		FILE_ATTRIBUTE_TEMPORARY,
		FILE_ATTRIBUTE_SPARSE_FILE,
		FILE_ATTRIBUTE_REPARSE_POINT,
		FILE_ATTRIBUTE_COMPRESSED,
		FILE_ATTRIBUTE_OFFLINE,
		FILE_ATTRIBUTE_NOT_CONTENT_INDEXED,
		FILE_ATTRIBUTE_ENCRYPTED,
		FILE_ATTRIBUTE_INTEGRITY_STREAM,
		FILE_ATTRIBUTE_VIRTUAL,
		FILE_ATTRIBUTE_NO_SCRUB_DATA,
		FILE_ATTRIBUTE_EA,
		FILE_ATTRIBUTE_RECALL_ON_OPEN,
		FILE_ATTRIBUTE_PINNED,
		FILE_ATTRIBUTE_UNPINNED,
		FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS,
		FILE_ATTRIBUTE_INROM,
		FILE_ATTRIBUTE_ROMSTATICREF,
		FILE_ATTRIBUTE_ROMMODULE,
		FILE_FLAG_WRITE_THROUGH,
		FILE_FLAG_OVERLAPPED,
		FILE_FLAG_NO_BUFFERING,
		FILE_FLAG_RANDOM_ACCESS,
		FILE_FLAG_SEQUENTIAL_SCAN,
		FILE_FLAG_DELETE_ON_CLOSE,
		FILE_FLAG_BACKUP_SEMANTICS,
		FILE_FLAG_POSIX_SEMANTICS,
		FILE_FLAG_SESSION_AWARE,
		FILE_FLAG_OPEN_REPARSE_POINT,
		FILE_FLAG_OPEN_NO_RECALL,
		FILE_FLAG_FIRST_PIPE_INSTANCE,
		FILE_FLAG_OPEN_REQUIRING_OPLOCK,
		SECURITY_SQOS_PRESENT | SECURITY_IDENTIFICATION,
		SECURITY_SQOS_PRESENT | SECURITY_IMPERSONATION,
		SECURITY_SQOS_PRESENT | SECURITY_DELEGATION,
		SECURITY_SQOS_PRESENT | SECURITY_CONTEXT_TRACKING |
			SECURITY_EFFECTIVE_ONLY,
		0xFFFFFFFF, /* all of them together */
	};
	char path[128];
	size_t i;

	ASSERT_EQ(0x10000000, FILE_FLAG_RANDOM_ACCESS);
	ASSERT_EQ(0x80000000U, FILE_FLAG_WRITE_THROUGH);
	ASSERT_EQ(0x04000000, FILE_FLAG_DELETE_ON_CLOSE);
	snprintf(path, sizeof(path), "%s/flags", self->dir);
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		HANDLE f, m;
		char *p;

		SetLastError(0xdeadbeef);
		f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0,
					  NULL, OPEN_ALWAYS, values[i], NULL);
		ASSERT_NE(INVALID_HANDLE_VALUE, f) TH_LOG("0x%x: error %u",
							  values[i],
							  GetLastError());
		EXPECT_EQ(i ? ERROR_ALREADY_EXISTS : 0, GetLastError())
			TH_LOG("0x%x", values[i]);
		m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, PAGE, NULL);
		ASSERT_NE(NULL, m) TH_LOG("0x%x: error %u", values[i],
					  GetLastError());
		p = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
		ASSERT_NE(NULL, p);
		p[0] = (char)i;
		EXPECT_TRUE(UnmapViewOfFile(p));
		EXPECT_TRUE(CloseHandle(m));
		EXPECT_TRUE(CloseHandle(f));
	}
	/* The flags were ignored: DELETE_ON_CLOSE deleted nothing. */
	EXPECT_EQ((off_t)PAGE, file_size(path));
}
