// SPDX-License-Identifier: GPL-2.0
/*
 * cemapping_views: tests of the CE / Win32 layer (include/cemapping.h),
 * views: access modes, rights, offsets, bounds, bases,
 * MapViewOfFileEx, UnmapViewOfFile, FlushViewOfFile.
 */
#include "ce_test.h"

/* ---- views --------------------------------------------------------------- */

TEST_F(ce, view_access_modes)
{
	HANDLE h;
	char *r, *w, *a, *c, *n, *rc;

	h = create_rw(uname_("modes"), PAGE);
	ASSERT_NE(NULL, h);
	w = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	r = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
	a = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	c = MapViewOfFile(h, FILE_MAP_COPY, 0, 0, 0);
	n = MapViewOfFile(h, 0, 0, 0, 0);
	rc = MapViewOfFile(h, FILE_MAP_READ | FILE_MAP_COPY, 0, 0, 0);
	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, r);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, c);
	ASSERT_NE(NULL, n);
	ASSERT_NE(NULL, rc);
	EXPECT_STREQ("rw-s", perms_of(w));
	EXPECT_STREQ("r--s", perms_of(r));
	EXPECT_STREQ("rw-s", perms_of(a));
	EXPECT_STREQ("rw-p", perms_of(c));
	EXPECT_STREQ("---s", perms_of(n));
	EXPECT_STREQ("r--s", perms_of(rc));

	/* Copy-on-write: the copy sees shared data until it writes. */
	strcpy(w, "shared");
	EXPECT_STREQ("shared", c);
	strcpy(c, "private");
	EXPECT_STREQ("shared", w);
	EXPECT_STREQ("shared", r);
	strcpy(w, "later");
	EXPECT_STREQ("private", c);

	/* Views of one object alias each other in one process. */
	EXPECT_NE(w, r);
	a[100] = 'A';
	EXPECT_EQ('A', r[100]);

	UnmapViewOfFile(w);
	UnmapViewOfFile(r);
	UnmapViewOfFile(a);
	UnmapViewOfFile(c);
	UnmapViewOfFile(n);
	UnmapViewOfFile(rc);
	CloseHandle(h);
}

TEST_F(ce, execute_views_are_refused)
{
	HANDLE h, x;
	char *p;

	/*
	 * namedshm's shared memory is never executable (PORTING.md): every
	 * FILE_MAP_EXECUTE view is refused, of any object.
	 */
	h = create_rw(uname_("noexec"), PAGE);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ | FILE_MAP_EXECUTE, 0,
				      0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	x = CreateFileMappingA(PAGEFILE, NULL, PAGE_EXECUTE_READWRITE, 0, PAGE,
			       uname_("exec"));
	ASSERT_NE(NULL, x);
	/* Its handle maps ordinary views ... */
	p = MapViewOfFile(x, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("rw-s", perms_of(p));
	EXPECT_TRUE(UnmapViewOfFile(p));
	/* ... but no executable ones. */
	EXPECT_EQ(NULL, MapViewOfFile(x, FILE_MAP_READ | FILE_MAP_EXECUTE, 0,
				      0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(x, FILE_MAP_ALL_ACCESS | FILE_MAP_EXECUTE,
				      0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	CloseHandle(x);

	/* PAGE_EXECUTE_READ: read views, no write. */
	x = CreateFileMappingA(PAGEFILE, NULL, PAGE_EXECUTE_READ, 0, PAGE,
			       uname_("execro"));
	ASSERT_NE(NULL, x);
	p = MapViewOfFile(x, FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, p) TH_LOG("error %u", GetLastError());
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_EQ(NULL, MapViewOfFile(x, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	CloseHandle(x);
	CloseHandle(h);
}

TEST_F(ce, handle_rights_limit_views)
{
	const char *name = uname_("rights");
	HANDLE rw, ro, ow, orr, oc, oa;
	char *p;

	/* A new PAGE_READONLY object: read rights only. */
	ro = CreateFileMappingA(PAGEFILE, NULL, PAGE_READONLY, 0, PAGE, name);
	ASSERT_NE(NULL, ro);
	EXPECT_EQ(0, GetLastError());
	p = MapViewOfFile(ro, FILE_MAP_READ, 0, 0, 0);
	EXPECT_NE(NULL, p);
	UnmapViewOfFile(p);
	p = MapViewOfFile(ro, FILE_MAP_COPY, 0, 0, 0);
	EXPECT_NE(NULL, p);
	UnmapViewOfFile(p);
	p = MapViewOfFile(ro, 0, 0, 0, 0);
	EXPECT_NE(NULL, p);
	UnmapViewOfFile(p);
	EXPECT_EQ(NULL, MapViewOfFile(ro, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	CloseHandle(ro);

	rw = create_rw(name, PAGE);
	ASSERT_NE(NULL, rw);

	/* OpenFileMapping(FILE_MAP_READ): read rights, read-only kernel fd. */
	orr = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
	ASSERT_NE(NULL, orr);
	EXPECT_EQ(NULL, MapViewOfFile(orr, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	p = MapViewOfFile(orr, FILE_MAP_READ, 0, 0, 0);
	EXPECT_NE(NULL, p);
	UnmapViewOfFile(p);
	do {
		int nro, nrw;

		kernel_handles(name, &nro, &nrw);
		EXPECT_EQ(1, nro);
		EXPECT_EQ(1, nrw);
	} while (0);

	/* OpenFileMapping(FILE_MAP_COPY): read rights. */
	oc = OpenFileMappingA(FILE_MAP_COPY, FALSE, name);
	ASSERT_NE(NULL, oc);
	p = MapViewOfFile(oc, FILE_MAP_READ, 0, 0, 0);
	EXPECT_NE(NULL, p);
	UnmapViewOfFile(p);
	p = MapViewOfFile(oc, FILE_MAP_COPY, 0, 0, 0);
	EXPECT_NE(NULL, p);
	UnmapViewOfFile(p);
	EXPECT_EQ(NULL, MapViewOfFile(oc, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());

	/* OpenFileMapping(FILE_MAP_WRITE): write views, no read views. */
	ow = OpenFileMappingA(FILE_MAP_WRITE, FALSE, name);
	ASSERT_NE(NULL, ow);
	p = MapViewOfFile(ow, FILE_MAP_WRITE, 0, 0, 0);
	EXPECT_NE(NULL, p);
	if (p) {
		p[0] = 'w';
		UnmapViewOfFile(p);
	}
	EXPECT_EQ(NULL, MapViewOfFile(ow, FILE_MAP_READ, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(ow, FILE_MAP_ALL_ACCESS, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());

	/* FILE_MAP_ALL_ACCESS: everything. */
	oa = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
	ASSERT_NE(NULL, oa);
	p = MapViewOfFile(oa, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_EQ('w', p[0]);
	UnmapViewOfFile(p);

	CloseHandle(rw);
	CloseHandle(orr);
	CloseHandle(oc);
	CloseHandle(ow);
	CloseHandle(oa);
}

TEST_F(ce, offsets_must_be_granule_aligned)
{
	HANDLE h;
	char *p, *q;

	h = create_rw(uname_("offset"), 3 * GRAN);
	ASSERT_NE(NULL, h);
	p = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	ASSERT_NE(NULL, p);
	nsh_fill(p, 3 * GRAN, 9);
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 0, PAGE, PAGE));
	EXPECT_EQ(ERROR_MAPPED_ALIGNMENT, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 0, 1, 0));
	EXPECT_EQ(ERROR_MAPPED_ALIGNMENT, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 0, GRAN + PAGE, 0));
	EXPECT_EQ(ERROR_MAPPED_ALIGNMENT, GetLastError());
	q = MapViewOfFile(h, FILE_MAP_READ, 0, GRAN, 0);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(0, memcmp(q, p + GRAN, 2 * GRAN));
	do {
		uintptr_t s, e;

		ASSERT_TRUE(map_info(q, NULL, &s, &e));
		EXPECT_EQ(2 * GRAN, e - s);
	} while (0);
	UnmapViewOfFile(q);
	q = MapViewOfFile(h, FILE_MAP_READ, 0, 2 * GRAN, GRAN);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(0, memcmp(q, p + 2 * GRAN, GRAN));
	UnmapViewOfFile(q);
	UnmapViewOfFile(p);
	CloseHandle(h);
}

TEST_F(ce, view_bounds)
{
	HANDLE h;
	char *p;

	/* 2 GRAN + 1 bytes: 2 GRAN + one page. */
	h = create_rw(uname_("bounds"), 2 * GRAN + 1);
	ASSERT_NE(NULL, h);
	p = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 2 * GRAN + PAGE);
	ASSERT_NE(NULL, p);
	UnmapViewOfFile(p);
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 0, 0,
				      2 * GRAN + PAGE + 1));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 0, GRAN, 2 * GRAN));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	/* bytes 0 from an offset: to the end of the object. */
	p = MapViewOfFile(h, FILE_MAP_READ, 0, 2 * GRAN, 0);
	ASSERT_NE(NULL, p);
	do {
		uintptr_t s, e;

		ASSERT_TRUE(map_info(p, NULL, &s, &e));
		EXPECT_EQ(PAGE, e - s);
	} while (0);
	UnmapViewOfFile(p);
	/* An offset at or past the end. */
	CloseHandle(h);
	h = create_rw(uname_("bounds2"), 2 * GRAN);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 0, 2 * GRAN, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 0, 2 * GRAN, PAGE));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 0, 4 * GRAN, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 1, 0, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	CloseHandle(h);
}

TEST_F(ce, view_bases_are_granule_aligned)
{
	static const size_t sizes[] = { 1, 4096, 5000, 65535, 65536, 65537,
					200000, 3 * 65536 + 1 };
	void *views[64], *junk[64];
	int before, i;
	HANDLE h;

	h = create_rw(uname_("align"), 4 * GRAN);
	ASSERT_NE(NULL, h);
	before = count_maps(NULL);
	for (i = 0; i < 64; i++) {
		size_t len = sizes[i % 8];

		/* Odd-sized anonymous mappings to disturb the layout. */
		junk[i] = mmap(NULL, (size_t)(i % 5 + 1) * PAGE, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, junk[i]);
		views[i] = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0,
					 len > 4 * GRAN ? 0 : len);
		ASSERT_NE(NULL, views[i]);
		EXPECT_EQ(0, (uintptr_t)views[i] % GRAN)
			TH_LOG("view %d at %p", i, views[i]);
		((char *)views[i])[0] = (char)i;
	}
	/* All alias offset 0. */
	EXPECT_EQ(63, ((char *)views[0])[0]);
	for (i = 0; i < 64; i++) {
		EXPECT_TRUE(UnmapViewOfFile(views[i]));
		munmap(junk[i], (size_t)(i % 5 + 1) * PAGE);
	}
	/* Nothing of the reservations is left behind. */
	EXPECT_EQ(before, count_maps(NULL));
	CloseHandle(h);
}

TEST_F(ce, map_view_ex_requested_base)
{
	HANDLE h;
	char *area, *base, *p, *q, *occupant;
	uintptr_t aligned;

	h = create_rw(uname_("ex"), 2 * GRAN);
	ASSERT_NE(NULL, h);

	/* Find a free aligned range: reserve, then release it. */
	area = mmap(NULL, 8 * GRAN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
	ASSERT_NE(MAP_FAILED, area);
	aligned = ((uintptr_t)area + GRAN - 1) & ~(GRAN - 1);
	base = (char *)aligned;
	ASSERT_EQ(0, munmap(area, 8 * GRAN));

	/* Misaligned. */
	EXPECT_EQ(NULL, MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0,
					base + PAGE));
	EXPECT_EQ(ERROR_MAPPED_ALIGNMENT, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0,
					base + GRAN / 2));
	EXPECT_EQ(ERROR_MAPPED_ALIGNMENT, GetLastError());

	/* Free and aligned: exactly there. */
	p = MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, base);
	ASSERT_EQ(base, p);
	strcpy(p, "at base");

	/* Occupied by a view, or partly: 487, the occupant untouched. */
	EXPECT_EQ(NULL, MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0, base));
	EXPECT_EQ(ERROR_INVALID_ADDRESS, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0,
					base + GRAN));
	EXPECT_EQ(ERROR_INVALID_ADDRESS, GetLastError());
	EXPECT_STREQ("at base", p);
	EXPECT_STREQ("rw-s", perms_of(base));

	/* Occupied by something else (anonymous memory). */
	occupant = mmap(base + 4 * GRAN, PAGE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ASSERT_EQ(base + 4 * GRAN, occupant);
	strcpy(occupant, "anon");
	EXPECT_EQ(NULL, MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0,
					base + 4 * GRAN));
	EXPECT_EQ(ERROR_INVALID_ADDRESS, GetLastError());
	/* Its range would run into the occupant. */
	EXPECT_EQ(NULL, MapViewOfFileEx(h, FILE_MAP_WRITE, 0, 0, 0,
					base + 3 * GRAN));
	EXPECT_EQ(ERROR_INVALID_ADDRESS, GetLastError());
	EXPECT_STREQ("anon", occupant);
	EXPECT_STREQ("rw-p", perms_of(occupant));
	/* A free aligned base right before it works for a short view. */
	q = MapViewOfFileEx(h, FILE_MAP_READ, 0, GRAN, GRAN, base + 3 * GRAN);
	ASSERT_EQ(base + 3 * GRAN, q);
	EXPECT_TRUE(UnmapViewOfFile(q));
	munmap(occupant, PAGE);

	/* NULL base: like MapViewOfFile. */
	q = MapViewOfFileEx(h, FILE_MAP_READ, 0, 0, 0, NULL);
	ASSERT_NE(NULL, q);
	EXPECT_EQ(0, (uintptr_t)q % GRAN);
	EXPECT_STREQ("at base", q);
	EXPECT_TRUE(UnmapViewOfFile(q));
	EXPECT_TRUE(UnmapViewOfFile(p));
	CloseHandle(h);
}

TEST_F(ce, unmap_view_takes_any_inner_address)
{
	HANDLE h;
	char *p, *q;
	int local;

	h = create_rw(uname_("unmap"), 3 * PAGE);
	ASSERT_NE(NULL, h);
	p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	q = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	ASSERT_NE(NULL, q);

	/* Not a view. */
	SetLastError(0);
	EXPECT_FALSE(UnmapViewOfFile(NULL));
	EXPECT_EQ(ERROR_INVALID_ADDRESS, GetLastError());
	EXPECT_FALSE(UnmapViewOfFile(&local));
	EXPECT_EQ(ERROR_INVALID_ADDRESS, GetLastError());
	EXPECT_FALSE(UnmapViewOfFile(p + 3 * PAGE));
	EXPECT_EQ(ERROR_INVALID_ADDRESS, GetLastError());
	EXPECT_STREQ("rw-s", perms_of(p));

	/* An inner address unmaps the whole view, and only it. */
	EXPECT_TRUE(UnmapViewOfFile(p + PAGE + 5));
	EXPECT_FALSE(map_info(p, NULL, NULL, NULL));
	EXPECT_FALSE(map_info(p + 2 * PAGE, NULL, NULL, NULL));
	EXPECT_STREQ("rw-s", perms_of(q));
	q[0] = 'q';

	/* Twice. */
	EXPECT_FALSE(UnmapViewOfFile(p));
	EXPECT_EQ(ERROR_INVALID_ADDRESS, GetLastError());
	EXPECT_FALSE(UnmapViewOfFile(p + PAGE + 5));
	EXPECT_EQ(ERROR_INVALID_ADDRESS, GetLastError());

	EXPECT_TRUE(UnmapViewOfFile(q + 3 * PAGE - 1));
	EXPECT_FALSE(map_info(q, NULL, NULL, NULL));
	EXPECT_TRUE(CloseHandle(h));
}

TEST_F(ce, flush_view_of_file)
{
	HANDLE h;
	char *p;
	int local;

	h = create_rw(uname_("flush"), 4 * PAGE);
	ASSERT_NE(NULL, h);
	p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	SetLastError(42);
	EXPECT_TRUE(FlushViewOfFile(p, 0));
	EXPECT_TRUE(FlushViewOfFile(p + PAGE + 3, 10));
	EXPECT_TRUE(FlushViewOfFile(p + 3 * PAGE + 1, 0));
	EXPECT_TRUE(FlushViewOfFile(p, 100 * PAGE)); /* clipped to the view */
	EXPECT_EQ(42, GetLastError());

	EXPECT_FALSE(FlushViewOfFile(&local, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_FALSE(FlushViewOfFile(NULL, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_FALSE(FlushViewOfFile(p + 4 * PAGE, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_FALSE(FlushViewOfFile(p, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_TRUE(CloseHandle(h));
}

static void *view_thread(void *arg)
{
	struct thread_arg *t = arg;
	int i;

	pthread_barrier_wait(t->barrier);
	for (i = 0; i < 200; i++) {
		char *p = MapViewOfFile(t->h, FILE_MAP_WRITE, 0, 0, 0);

		if (!p || (uintptr_t)p % GRAN) {
			t->fails++;
			continue;
		}
		p[t->idx] = (char)i;
		/*
		 * (No second unmap here: another thread's new view may
		 * legitimately get this address as soon as it is free.)
		 */
		if (!FlushViewOfFile(p + 1, 1) || !UnmapViewOfFile(p + 7))
			t->fails++;
	}
	return NULL;
}

TEST_F_TIMEOUT(ce, concurrent_views, 120)
{
	struct thread_arg args[NTHREADS];
	pthread_t th[NTHREADS];
	pthread_barrier_t barrier;
	HANDLE h;
	int i;

	h = create_rw(uname_("views"), 2 * GRAN);
	ASSERT_NE(NULL, h);
	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (i = 0; i < NTHREADS; i++) {
		args[i] = (struct thread_arg){ .barrier = &barrier, .h = h,
					       .idx = i };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, view_thread,
					    &args[i]));
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		EXPECT_EQ(0, args[i].fails);
	}
	pthread_barrier_destroy(&barrier);
	EXPECT_TRUE(CloseHandle(h));
}
