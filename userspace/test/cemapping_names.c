// SPDX-License-Identifier: GPL-2.0
/*
 * cemapping_names: tests of the CE / Win32 layer (include/cemapping.h),
 * names and existence: creating, opening, the Local and Global
 * prefixes, MAX_PATH, UTF-16 names, lifetime of names, sharing by name.
 */
#include "ce_test.h"

/* ---- names and existence ---------------------------------------------- */

TEST_F(ce, create_new_clears_stale_last_error)
{
	HANDLE h, u;

	SetLastError(12345);
	h = create_rw(uname_("stale"), 4096);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(ERROR_SUCCESS, GetLastError());

	/* Unnamed objects too. */
	SetLastError(ERROR_ALREADY_EXISTS);
	u = create_rw(NULL, 4096);
	ASSERT_NE(NULL, u);
	EXPECT_EQ(ERROR_SUCCESS, GetLastError());
	EXPECT_TRUE(CloseHandle(u));
	EXPECT_TRUE(CloseHandle(h));
}

TEST_F(ce, create_existing_returns_new_handle_183_keeps_size)
{
	const char *name = uname_("exist");
	HANDLE a, b;
	char *p, *q;

	a = create_rw(name, 3 * PAGE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, GetLastError());

	/* The size arguments are ignored for an existing name. */
	b = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0, 100 * PAGE,
			       name);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_NE(a, b);
	EXPECT_EQ(NULL, MapViewOfFile(b, FILE_MAP_READ, 0, 0, 4 * PAGE));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());

	/* The same object: two views alias one memory. */
	p = MapViewOfFile(a, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	ASSERT_NE(NULL, p);
	q = MapViewOfFile(b, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	ASSERT_NE(NULL, q);
	EXPECT_NE(p, q);
	EXPECT_TRUE(nsh_all_zero(p, 3 * PAGE));
	nsh_fill(p, 3 * PAGE, 1);
	EXPECT_TRUE(nsh_check(q, 3 * PAGE, 1));
	q[10] = 'q';
	EXPECT_EQ('q', p[10]);

	/* Two kernel handles: each Create is its own handle. */
	EXPECT_LE(0, kernel_handles(name, NULL, NULL));
	do {
		int ro, rw;

		kernel_handles(name, &ro, &rw);
		EXPECT_EQ(0, ro);
		EXPECT_EQ(2, rw);
	} while (0);
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_TRUE(UnmapViewOfFile(q));
	EXPECT_TRUE(CloseHandle(a));
	EXPECT_TRUE(CloseHandle(b));
}

TEST_F(ce, readonly_recreate_gives_readonly_handle)
{
	const char *name = uname_("rorecreate");
	HANDLE rw, ro, wc;
	char *w, *r, *c;
	int nro, nrw;

	rw = create_rw(name, PAGE);
	ASSERT_NE(NULL, rw);
	w = MapViewOfFile(rw, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, w);
	strcpy(w, "written");

	ro = CreateFileMappingA(PAGEFILE, NULL, PAGE_READONLY, 0, PAGE, name);
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(ro, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(ro, FILE_MAP_ALL_ACCESS, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	r = MapViewOfFile(ro, FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, r);
	EXPECT_STREQ("written", r);
	EXPECT_STREQ("r--s", perms_of(r));

	/* PAGE_WRITECOPY gives read rights as well. */
	wc = CreateFileMappingA(PAGEFILE, NULL, PAGE_WRITECOPY, 0, PAGE, name);
	ASSERT_NE(NULL, wc);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(wc, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	c = MapViewOfFile(wc, FILE_MAP_COPY, 0, 0, 0);
	ASSERT_NE(NULL, c);
	EXPECT_STREQ("written", c);

	/* The kernel enforces it too: both new handles are read-only. */
	kernel_handles(name, &nro, &nrw);
	EXPECT_EQ(2, nro);
	EXPECT_EQ(1, nrw);

	EXPECT_TRUE(UnmapViewOfFile(w));
	EXPECT_TRUE(UnmapViewOfFile(r));
	EXPECT_TRUE(UnmapViewOfFile(c));
	EXPECT_TRUE(CloseHandle(rw));
	EXPECT_TRUE(CloseHandle(ro));
	EXPECT_TRUE(CloseHandle(wc));
}

TEST_F(ce, names_are_case_sensitive)
{
	char upper[64], lower[64];
	HANDLE a, b;
	char *p, *q;

	snprintf(upper, sizeof(upper), "CE-Case-%d", (int)getpid());
	snprintf(lower, sizeof(lower), "ce-case-%d", (int)getpid());
	a = create_rw(upper, PAGE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, GetLastError());
	b = create_rw(lower, PAGE);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0, GetLastError());
	p = MapViewOfFile(a, FILE_MAP_WRITE, 0, 0, 0);
	q = MapViewOfFile(b, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	p[0] = 1;
	EXPECT_EQ(0, q[0]);
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, "CE-CASE-x"));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	UnmapViewOfFile(p);
	UnmapViewOfFile(q);
	CloseHandle(a);
	CloseHandle(b);
}

TEST_F(ce, open_missing_null_and_empty_names)
{
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE,
					 uname_("missing")));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	EXPECT_EQ(NULL, OpenFileMappingW(FILE_MAP_READ, FALSE, u"ce-missing"));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	SetLastError(0);
	EXPECT_EQ(NULL, OpenFileMappingW(FILE_MAP_ALL_ACCESS, FALSE, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	/* No object has the empty name. */
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, ""));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
}

TEST_F(ce, unnamed_objects_are_always_new)
{
	HANDLE a, b, c;
	char *p, *q, *r;

	SetLastError(ERROR_ALREADY_EXISTS);
	a = create_rw(NULL, PAGE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, GetLastError());
	b = create_rw(NULL, PAGE);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0, GetLastError());
	/* "" is unnamed as well. */
	c = create_rw("", PAGE);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, GetLastError());
	p = MapViewOfFile(a, FILE_MAP_WRITE, 0, 0, 0);
	q = MapViewOfFile(b, FILE_MAP_WRITE, 0, 0, 0);
	r = MapViewOfFile(c, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	ASSERT_NE(NULL, r);
	p[0] = 'a';
	EXPECT_EQ(0, q[0]);
	EXPECT_EQ(0, r[0]);
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
	UnmapViewOfFile(p);
	UnmapViewOfFile(q);
	UnmapViewOfFile(r);
	CloseHandle(a);
	CloseHandle(b);
	CloseHandle(c);
}

TEST_F(ce, local_and_global_prefixes_name_the_bare_object)
{
	char bare[128], local[160], global[160];
	HANDLE a, b, c, d;
	char *p, *q;

	snprintf(bare, sizeof(bare), "%s", uname_("prefix"));
	snprintf(local, sizeof(local), "Local\\%s", bare);
	snprintf(global, sizeof(global), "Global\\%s", bare);

	a = create_rw(local, PAGE);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, GetLastError());
	/* The kernel knows it by the bare name only. */
	EXPECT_EQ(1, nsh_listing(bare, NULL));
	EXPECT_EQ(1, nsh_listing(NULL, NULL));

	b = create_rw(bare, PAGE);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	c = create_rw(global, PAGE);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	d = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, global);
	ASSERT_NE(NULL, d);

	p = MapViewOfFile(a, FILE_MAP_WRITE, 0, 0, 0);
	q = MapViewOfFile(d, FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	strcpy(p, "one object");
	EXPECT_STREQ("one object", q);
	UnmapViewOfFile(p);
	UnmapViewOfFile(q);
	CloseHandle(a);
	CloseHandle(b);
	CloseHandle(c);
	CloseHandle(d);
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, local));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
}

TEST_F(ce, other_directories_fail_with_path_not_found)
{
	static const char *const bad[] = {
		"Foo\\X",     "\\X",	       "local\\X", "LOCAL\\X",
		"global\\X",  "Session\\1\\X", "Local\\A\\B",
		"Global\\Local\\X",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		SetLastError(0);
		EXPECT_EQ(NULL, create_rw(bad[i], PAGE)) TH_LOG("%s", bad[i]);
		EXPECT_EQ(ERROR_PATH_NOT_FOUND, GetLastError())
			TH_LOG("%s", bad[i]);
		SetLastError(0);
		EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, bad[i]));
		EXPECT_EQ(ERROR_PATH_NOT_FOUND, GetLastError())
			TH_LOG("%s", bad[i]);
	}
	EXPECT_EQ(NULL, CreateFileMappingW(PAGEFILE, NULL, PAGE_READWRITE, 0,
					   PAGE, u"Foo\\X"));
	EXPECT_EQ(ERROR_PATH_NOT_FOUND, GetLastError());
	/* A prefix and nothing else is not a name. */
	EXPECT_EQ(NULL, create_rw("Local\\", PAGE));
	EXPECT_EQ(ERROR_INVALID_NAME, GetLastError());
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, "Global\\"));
	EXPECT_EQ(ERROR_INVALID_NAME, GetLastError());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

TEST_F(ce, name_length_limit_is_max_path)
{
	char name[400];
	WCHAR wname[400];
	char utf8[1200];
	HANDLE h, o;
	size_t i;

	/* 259 characters + terminator fit MAX_PATH. */
	memset(name, 'n', sizeof(name));
	snprintf(name, 16, "ce-%d-", (int)getpid());
	name[strlen(name)] = 'n';
	name[259] = '\0';
	h = create_rw(name, PAGE);
	ASSERT_NE(NULL, h) TH_LOG("error %u", GetLastError());
	EXPECT_EQ(0, GetLastError());
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
	ASSERT_NE(NULL, o);
	CloseHandle(o);
	CloseHandle(h);

	/* 260 and more do not. */
	name[259] = 'n';
	name[260] = '\0';
	EXPECT_EQ(NULL, create_rw(name, PAGE));
	EXPECT_EQ(ERROR_FILENAME_EXCED_RANGE, GetLastError());
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_FILENAME_EXCED_RANGE, GetLastError());
	name[260] = 'n';
	name[399] = '\0';
	EXPECT_EQ(NULL, create_rw(name, PAGE));
	EXPECT_EQ(ERROR_FILENAME_EXCED_RANGE, GetLastError());

	/* The prefix counts: "Local\" + 253 = 259 works, + 254 does not. */
	memcpy(name, "Local\\", 6);
	name[259] = '\0';
	h = create_rw(name, PAGE);
	ASSERT_NE(NULL, h);
	CloseHandle(h);
	name[259] = 'n';
	name[260] = '\0';
	EXPECT_EQ(NULL, create_rw(name, PAGE));
	EXPECT_EQ(ERROR_FILENAME_EXCED_RANGE, GetLastError());

	/* W: UTF-16 code units count, not bytes. */
	for (i = 0; i < 259; i++)
		wname[i] = 0xE9; /* e acute: two bytes in UTF-8 */
	wname[0] = 'c';
	wname[1] = (WCHAR)('0' + getpid() % 10);
	wname[259] = 0;
	h = CreateFileMappingW(PAGEFILE, NULL, PAGE_READWRITE, 0, PAGE, wname);
	ASSERT_NE(NULL, h) TH_LOG("error %u", GetLastError());
	EXPECT_EQ(0, GetLastError());
	o = OpenFileMappingW(FILE_MAP_READ, FALSE, wname);
	ASSERT_NE(NULL, o);
	/* The same name in UTF-8 is 516 bytes: too long for the A call. */
	utf8[0] = 'c';
	utf8[1] = (char)('0' + getpid() % 10);
	for (i = 2; i < 259; i++) {
		utf8[2 + 2 * (i - 2)] = (char)0xC3;
		utf8[3 + 2 * (i - 2)] = (char)0xA9;
	}
	utf8[2 + 2 * 257] = '\0';
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, utf8));
	EXPECT_EQ(ERROR_FILENAME_EXCED_RANGE, GetLastError());
	CloseHandle(o);
	CloseHandle(h);
	wname[259] = 0xE9;
	wname[260] = 0;
	EXPECT_EQ(NULL, CreateFileMappingW(PAGEFILE, NULL, PAGE_READWRITE, 0,
					   PAGE, wname));
	EXPECT_EQ(ERROR_FILENAME_EXCED_RANGE, GetLastError());
	EXPECT_EQ(NULL, OpenFileMappingW(FILE_MAP_READ, FALSE, wname));
	EXPECT_EQ(ERROR_FILENAME_EXCED_RANGE, GetLastError());
}

TEST_F(ce, wide_names_are_utf16)
{
	WCHAR wname[64];
	char aname[64];
	const WCHAR tail[] = u"-caf\u00e9-\U0001F600";
	HANDLE w, a;
	char *p, *q;
	size_t i, n;

	/* u"ce-PID-café-😀" and its UTF-8 spelling. */
	n = (size_t)snprintf(aname, sizeof(aname), "ce-%d", (int)getpid());
	for (i = 0; i < n; i++)
		wname[i] = (WCHAR)aname[i];
	memcpy(wname + n, tail, sizeof(tail));
	strcat(aname, "-caf\xc3\xa9-\xf0\x9f\x98\x80");

	w = CreateFileMappingW(PAGEFILE, NULL, PAGE_READWRITE, 0, PAGE, wname);
	ASSERT_NE(NULL, w);
	EXPECT_EQ(0, GetLastError());
	EXPECT_EQ(1, nsh_listing(escaped(aname), NULL));
	a = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0, PAGE, aname);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	p = MapViewOfFile(w, FILE_MAP_WRITE, 0, 0, 0);
	q = MapViewOfFile(a, FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);
	strcpy(p, "wide");
	EXPECT_STREQ("wide", q);
	UnmapViewOfFile(p);
	UnmapViewOfFile(q);
	CloseHandle(a);
	a = OpenFileMappingW(FILE_MAP_READ, FALSE, wname);
	ASSERT_NE(NULL, a);
	CloseHandle(a);
	CloseHandle(w);

	/* Unpaired surrogates have no UTF-8 form. */
	EXPECT_EQ(NULL, CreateFileMappingW(PAGEFILE, NULL, PAGE_READWRITE, 0,
					   PAGE, u"bad\xD800x"));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(NULL, CreateFileMappingW(PAGEFILE, NULL, PAGE_READWRITE, 0,
					   PAGE, u"bad\xDC00"));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(NULL, OpenFileMappingW(FILE_MAP_READ, FALSE, u"bad\xD800"));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
}

/* ---- lifetime ------------------------------------------------------------ */

TEST_F(ce, object_lives_while_any_handle_is_open)
{
	const char *name = uname_("lives");
	HANDLE a, b, c;

	a = create_rw(name, PAGE);
	ASSERT_NE(NULL, a);
	b = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
	ASSERT_NE(NULL, b);
	c = create_rw(name, PAGE);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_NE(a, b);
	EXPECT_NE(b, c);
	EXPECT_NE(a, c);

	EXPECT_TRUE(CloseHandle(a));
	EXPECT_EQ(1, nsh_listing(name, NULL));
	EXPECT_TRUE(CloseHandle(c));
	a = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
	ASSERT_NE(NULL, a);
	EXPECT_TRUE(CloseHandle(a));
	EXPECT_TRUE(CloseHandle(b));
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
}

TEST_F(ce, last_close_removes_the_name_views_survive)
{
	const char *name = uname_("lastclose");
	HANDLE h, fresh;
	char *old, *nv;

	h = create_rw(name, 2 * PAGE);
	ASSERT_NE(NULL, h);
	old = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	ASSERT_NE(NULL, old);
	nsh_fill(old, 2 * PAGE, 5);

	/* CloseHandle succeeds while a view exists. */
	EXPECT_TRUE(CloseHandle(h));
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	EXPECT_EQ(0, nsh_listing(name, NULL));

	/* The view still works. */
	EXPECT_TRUE(nsh_check(old, 2 * PAGE, 5));
	old[0] = 'z';

	/* The name now makes a fresh, zero-filled object. */
	SetLastError(77);
	fresh = create_rw(name, 2 * PAGE);
	ASSERT_NE(NULL, fresh);
	EXPECT_EQ(0, GetLastError());
	nv = MapViewOfFile(fresh, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	ASSERT_NE(NULL, nv);
	EXPECT_TRUE(nsh_all_zero(nv, 2 * PAGE));
	nv[1] = 'n';
	EXPECT_NE('n', old[1]);
	EXPECT_EQ('z', old[0]);
	EXPECT_TRUE(UnmapViewOfFile(nv));
	EXPECT_TRUE(UnmapViewOfFile(old));
	EXPECT_TRUE(CloseHandle(fresh));
}

/* ---- two processes ------------------------------------------------------- */

TEST_F(ce, two_processes_share_an_object_by_name)
{
	const char *name = uname_("twoproc");
	char *argv[] = { "self", "--child", "share", (char *)name, NULL };
	struct child c;
	HANDLE h, o;
	char *p;

	h = create_rw(name, 4 * PAGE);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(0, GetLastError());
	p = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	ASSERT_NE(NULL, p);
	nsh_fill(p, PAGE, 42);

	/* The child gets the NAME, calls CreateFileMapping with it: 183. */
	ASSERT_EQ(0, spawn_self(&c, argv));
	ASSERT_TRUE(child_ready(&c)) TH_LOG("child failed early");
	EXPECT_TRUE(nsh_check(p + PAGE, PAGE, 43));

	/* Our handle closed: the child's keeps the object and name. */
	EXPECT_TRUE(CloseHandle(h));
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(CloseHandle(o));

	/* Both closed: gone. */
	EXPECT_EQ(0, child_finish(&c));
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	/* Our view keeps the memory. */
	EXPECT_TRUE(nsh_check(p, PAGE, 42));
	EXPECT_TRUE(nsh_check(p + PAGE, PAGE, 43));
	EXPECT_TRUE(UnmapViewOfFile(p));
}

TEST_F(ce, child_creates_parent_opens)
{
	const char *name = uname_("childfirst");
	char *argv[] = { "self", "--child", "create", (char *)name, NULL };
	struct child c;
	HANDLE h;
	char *p;

	ASSERT_EQ(0, spawn_self(&c, argv));
	ASSERT_TRUE(child_ready(&c));
	h = create_rw(name, PAGE);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	p = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(nsh_check(p, 2 * PAGE, 77));
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_TRUE(CloseHandle(h));
	EXPECT_EQ(0, child_finish(&c));
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
}

static void *create_thread(void *arg)
{
	struct thread_arg *t = arg;
	DWORD *p;

	pthread_barrier_wait(t->barrier);
	t->h = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0, PAGE,
				  t->name);
	t->err = GetLastError();
	if (!t->h)
		return NULL;
	p = MapViewOfFile(t->h, FILE_MAP_WRITE, 0, 0, 0);
	if (!p) {
		t->fails++;
		return NULL;
	}
	p[t->idx] = 100 + (DWORD)t->idx;
	pthread_barrier_wait(t->barrier);
	for (int i = 0; i < NTHREADS; i++)
		if (p[i] != 100 + (DWORD)i)
			t->fails++;
	if (!UnmapViewOfFile(p))
		t->fails++;
	return NULL;
}

TEST_F_TIMEOUT(ce, concurrent_create_of_one_name, 120)
{
	struct thread_arg args[NTHREADS];
	pthread_t th[NTHREADS];
	pthread_barrier_t barrier;
	int round, i, j, created;

	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (round = 0; round < 20; round++) {
		char name[64];

		snprintf(name, sizeof(name), "ce-race-%d-%d", (int)getpid(),
			 round);
		for (i = 0; i < NTHREADS; i++) {
			args[i] = (struct thread_arg){ .barrier = &barrier,
						       .name = name,
						       .idx = i };
			ASSERT_EQ(0, pthread_create(&th[i], NULL, create_thread,
						    &args[i]));
		}
		created = 0;
		for (i = 0; i < NTHREADS; i++) {
			pthread_join(th[i], NULL);
			ASSERT_NE(NULL, args[i].h);
			EXPECT_EQ(0, args[i].fails);
			if (args[i].err == ERROR_SUCCESS)
				created++;
			else
				EXPECT_EQ(ERROR_ALREADY_EXISTS, args[i].err);
			for (j = 0; j < i; j++)
				EXPECT_NE(args[j].h, args[i].h);
		}
		EXPECT_EQ(1, created);
		for (i = 0; i < NTHREADS; i++)
			EXPECT_TRUE(CloseHandle(args[i].h));
		EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
		EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	}
	pthread_barrier_destroy(&barrier);
}
