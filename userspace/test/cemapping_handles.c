// SPDX-License-Identifier: GPL-2.0
/*
 * cemapping_handles: tests of the CE / Win32 layer (include/cemapping.h),
 * handles: bad, stale and forged handles, inheritance,
 * DuplicateHandle, CloseHandle races.
 */
#include "ce_test.h"

TEST_F(ce, close_handle_bad_handles_touch_nothing)
{
	const char *name = uname_("forged");
	int fd, kfd, ro, rw;
	HANDLE h, g;
	char *p;

	h = create_rw(name, PAGE);
	ASSERT_NE(NULL, h);
	p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	strcpy(p, "still here");
	kfd = kernel_handles(name, NULL, NULL);
	ASSERT_LE(0, kfd);
	fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);

	SetLastError(0);
	EXPECT_FALSE(CloseHandle(NULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());

	/* Forged HANDLEs equal to live descriptor numbers. */
	for (int i = 0; i < 64; i++) {
		SetLastError(0);
		EXPECT_FALSE(CloseHandle((HANDLE)(intptr_t)i));
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
		EXPECT_EQ(NULL, MapViewOfFile((HANDLE)(intptr_t)i,
					      FILE_MAP_READ, 0, 0, 0));
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	}
	EXPECT_TRUE(fd_open(fd));
	EXPECT_TRUE(fd_open(kfd));

	/* Near misses of the real value. */
	g = (HANDLE)((uintptr_t)h ^ 1);
	EXPECT_FALSE(CloseHandle(g));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	g = (HANDLE)((uintptr_t)h + 1);
	EXPECT_FALSE(CloseHandle(g));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	g = (HANDLE)((uintptr_t)h << 4);
	EXPECT_FALSE(CloseHandle(g));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(CloseHandle((HANDLE)(uintptr_t)0x123456789abcULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());

	/* The object is untouched. */
	kernel_handles(name, &ro, &rw);
	EXPECT_EQ(1, rw);
	EXPECT_STREQ("still here", p);
	g = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
	ASSERT_NE(NULL, g);
	EXPECT_TRUE(CloseHandle(g));

	/* A closed handle. */
	EXPECT_TRUE(CloseHandle(h));
	SetLastError(0);
	EXPECT_FALSE(CloseHandle(h));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(NULL, MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(fd_open(kfd));
	EXPECT_TRUE(fd_open(fd));

	/* Closing the process pseudo handle does nothing, as on Windows. */
	EXPECT_TRUE(CloseHandle(GetCurrentProcess()));

	EXPECT_TRUE(UnmapViewOfFile(p));
	close(fd);
}

TEST_F_TIMEOUT(ce, stale_handle_stays_invalid_after_slot_reuse, 120)
{
	HANDLE old, cur;
	char *p;
	int i;

	old = create_rw(uname_("reuse1"), PAGE);
	ASSERT_NE(NULL, old);
	EXPECT_TRUE(CloseHandle(old));
	/* Enough creates to reuse every free slot, the old one included. */
	for (i = 0; i < 200; i++) {
		cur = create_rw(NULL, PAGE);
		ASSERT_NE(NULL, cur);
		EXPECT_NE(old, cur);
		EXPECT_FALSE(CloseHandle(old));
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
		EXPECT_EQ(NULL, MapViewOfFile(old, FILE_MAP_READ, 0, 0, 0));
		EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
		p = MapViewOfFile(cur, FILE_MAP_WRITE, 0, 0, 0);
		ASSERT_NE(NULL, p);
		EXPECT_TRUE(UnmapViewOfFile(p));
		EXPECT_TRUE(CloseHandle(cur));
	}
}

TEST_F(ce, handles_never_alias_descriptors)
{
	HANDLE h[32];
	int i, j;

	for (i = 0; i < 32; i++) {
		h[i] = create_rw(NULL, PAGE);
		ASSERT_NE(NULL, h[i]);
		ASSERT_NE(INVALID_HANDLE_VALUE, h[i]);
		/* No HANDLE is a plausible descriptor number. */
		EXPECT_LT(65535, (uintptr_t)h[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(h[j], h[i]);
	}
	for (i = 0; i < 32; i++)
		EXPECT_TRUE(CloseHandle(h[i]));
}

TEST_F(ce, file_and_mapping_handles_are_not_interchangeable)
{
	char path[128];
	HANDLE f, m, m2;

	snprintf(path, sizeof(path), "%s/kinds", self->dir);
	ASSERT_EQ(0, write_file(path, PAGE, 3));
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	m = create_rw(NULL, PAGE);
	ASSERT_NE(NULL, m);

	/* A file handle where a mapping handle is needed. */
	EXPECT_EQ(NULL, MapViewOfFile(f, FILE_MAP_READ, 0, 0, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* A mapping handle where a file handle is needed. */
	EXPECT_EQ(NULL, CreateFileMappingA(m, NULL, PAGE_READWRITE, 0, 0,
					   NULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* NULL is not "no file". */
	EXPECT_EQ(NULL, CreateFileMappingA(NULL, NULL, PAGE_READWRITE, 0,
					   PAGE, NULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());

	m2 = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
	ASSERT_NE(NULL, m2);
	EXPECT_TRUE(CloseHandle(m2));
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(CloseHandle(f));
}

static int inherit_child(const char *name, bool expect, bool wait)
{
	char *argv[] = { "self",	 "--child", "inherit", (char *)name,
			 expect ? "1" : "0", wait ? "wait" : "nowait", NULL };

	return run_self(argv);
}

TEST_F(ce, security_attributes_decide_inheritance)
{
	const char *name = uname_("inherit");
	SECURITY_ATTRIBUTES sa = { sizeof(sa), NULL, TRUE };
	SECURITY_ATTRIBUTES nsa = { sizeof(nsa), (void *)&nsa, FALSE };
	char *argv[] = { "self", "--child", "inherit", (char *)name, "1",
			 "wait", NULL };
	struct child c;
	HANDLE h, o;

	/* NULL attributes: not inherited. */
	h = create_rw(name, PAGE);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(0, inherit_child(name, false, false));
	CloseHandle(h);

	/* bInheritHandle FALSE (the descriptor is ignored): not inherited. */
	h = CreateFileMappingA(PAGEFILE, &nsa, PAGE_READWRITE, 0, PAGE, name);
	ASSERT_NE(NULL, h);
	EXPECT_EQ(0, inherit_child(name, false, false));
	CloseHandle(h);

	/* bInheritHandle TRUE: the handle survives exec ... */
	h = CreateFileMappingA(PAGEFILE, &sa, PAGE_READWRITE, 0, PAGE, name);
	ASSERT_NE(NULL, h);
	ASSERT_EQ(0, spawn_self(&c, argv));
	ASSERT_TRUE(child_ready(&c));
	/* ... and keeps the object alive after our last handle. */
	EXPECT_TRUE(CloseHandle(h));
	o = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
	EXPECT_NE(NULL, o);
	if (o)
		CloseHandle(o);
	EXPECT_EQ(0, child_finish(&c));
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());

	/* OpenFileMapping's bInheritHandle. */
	h = create_rw(name, PAGE);
	ASSERT_NE(NULL, h);
	o = OpenFileMappingA(FILE_MAP_READ, TRUE, name);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(0, inherit_child(name, true, false));
	CloseHandle(o);
	EXPECT_EQ(0, inherit_child(name, false, false));
	CloseHandle(h);
}

/* ---- DuplicateHandle ----------------------------------------------------- */

TEST_F(ce, duplicate_handle)
{
	const char *name = uname_("dup");
	HANDLE h, d, r, x, u;
	char *p;
	int nro, nrw;

	h = create_rw(name, PAGE);
	ASSERT_NE(NULL, h);

	/* Same access; the duplicate outlives the source. */
	ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(),
				    &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
	EXPECT_NE(h, d);
	p = MapViewOfFile(d, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	strcpy(p, "dup");
	EXPECT_TRUE(UnmapViewOfFile(p));

	/* Fewer rights: a read-only kernel handle. */
	ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(),
				    &r, FILE_MAP_READ, FALSE, 0));
	EXPECT_EQ(NULL, MapViewOfFile(r, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	p = MapViewOfFile(r, FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_STREQ("dup", p);
	EXPECT_TRUE(UnmapViewOfFile(p));
	kernel_handles(name, &nro, &nrw);
	EXPECT_EQ(1, nro);

	/* More rights than the source. */
	SetLastError(0);
	EXPECT_FALSE(DuplicateHandle(GetCurrentProcess(), r,
				     GetCurrentProcess(), &x, FILE_MAP_WRITE,
				     FALSE, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());

	/* Close the source. */
	ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(),
				    &x, 0, FALSE,
				    DUPLICATE_SAME_ACCESS |
					    DUPLICATE_CLOSE_SOURCE));
	EXPECT_FALSE(CloseHandle(h));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	p = MapViewOfFile(x, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(UnmapViewOfFile(p));

	/* Bad process handles and bad sources. */
	EXPECT_FALSE(DuplicateHandle(NULL, x, GetCurrentProcess(), &h, 0,
				     FALSE, DUPLICATE_SAME_ACCESS));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(DuplicateHandle(GetCurrentProcess(), x, x, &h, 0, FALSE,
				     DUPLICATE_SAME_ACCESS));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(DuplicateHandle(GetCurrentProcess(), (HANDLE)3,
				     GetCurrentProcess(), &h, 0, FALSE,
				     DUPLICATE_SAME_ACCESS));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(DuplicateHandle(GetCurrentProcess(), x,
				     GetCurrentProcess(), NULL, 0, FALSE,
				     DUPLICATE_SAME_ACCESS));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());

	EXPECT_TRUE(CloseHandle(x));
	EXPECT_TRUE(CloseHandle(r));
	EXPECT_EQ(1, nsh_listing(name, NULL));

	/* Unnamed objects too (the layer refuses the write views). */
	u = create_rw(NULL, PAGE);
	ASSERT_NE(NULL, u);
	ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), u, GetCurrentProcess(),
				    &r, FILE_MAP_READ, FALSE,
				    DUPLICATE_CLOSE_SOURCE));
	EXPECT_EQ(NULL, MapViewOfFile(r, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	p = MapViewOfFile(r, FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, p);
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_TRUE(CloseHandle(r));
	/* No target: only closes the source. */
	EXPECT_TRUE(DuplicateHandle(GetCurrentProcess(), d, NULL, NULL, 0,
				    FALSE, DUPLICATE_CLOSE_SOURCE));
	EXPECT_FALSE(CloseHandle(d));
	EXPECT_EQ(0, nsh_listing(name, NULL));
}

struct race {
	_Atomic(HANDLE) h;
	atomic_int stop;
	atomic_int bad;
	atomic_int mapped;
	atomic_int invalid;
};

/* Maps whatever handle is published; it must be the right object. */
static void *race_mapper(void *arg)
{
	struct race *r = arg;

	while (!atomic_load(&r->stop)) {
		HANDLE h = atomic_load(&r->h);
		char *p;

		if (!h)
			continue;
		p = MapViewOfFile(h, FILE_MAP_READ, 0, 0, 0);
		if (p) {
			if (strcmp(p, "magic"))
				atomic_fetch_add(&r->bad, 1);
			atomic_fetch_add(&r->mapped, 1);
			if (!UnmapViewOfFile(p))
				atomic_fetch_add(&r->bad, 1);
		} else if (GetLastError() == ERROR_INVALID_HANDLE) {
			atomic_fetch_add(&r->invalid, 1);
		} else {
			atomic_fetch_add(&r->bad, 1);
		}
	}
	return NULL;
}

/* Closes descriptor-like HANDLEs: must never succeed. */
static void *race_forger(void *arg)
{
	struct race *r = arg;
	intptr_t i = 0;

	while (!atomic_load(&r->stop)) {
		if (CloseHandle((HANDLE)(i++ % 1024)) ||
		    GetLastError() != ERROR_INVALID_HANDLE)
			atomic_fetch_add(&r->bad, 1);
	}
	return NULL;
}

TEST_F_TIMEOUT(ce, close_races_with_map_and_forged_closes, 120)
{
	struct race r = { 0 };
	pthread_t th[3];
	char *w, *decoy, *dp;
	HANDLE h, other, d;
	int i;

	/* An unrelated object whose descriptor may be reused meanwhile. */
	other = create_rw(NULL, PAGE);
	ASSERT_NE(NULL, other);
	decoy = MapViewOfFile(other, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, decoy);
	strcpy(decoy, "decoy");

	ASSERT_EQ(0, pthread_create(&th[0], NULL, race_mapper, &r));
	ASSERT_EQ(0, pthread_create(&th[1], NULL, race_mapper, &r));
	ASSERT_EQ(0, pthread_create(&th[2], NULL, race_forger, &r));
	for (i = 0; i < 300; i++) {
		h = create_rw(NULL, PAGE);
		ASSERT_NE(NULL, h);
		w = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
		ASSERT_NE(NULL, w);
		strcpy(w, "magic");
		ASSERT_TRUE(UnmapViewOfFile(w));
		atomic_store(&r.h, h);
		sched_yield();
		EXPECT_TRUE(CloseHandle(h));
		/* A decoy object may now get the same descriptor number. */
		d = create_rw(NULL, PAGE);
		ASSERT_NE(NULL, d);
		dp = MapViewOfFile(d, FILE_MAP_WRITE, 0, 0, 0);
		ASSERT_NE(NULL, dp);
		strcpy(dp, "decoy");
		UnmapViewOfFile(dp);
		sched_yield();
		CloseHandle(d);
	}
	atomic_store(&r.stop, 1);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, atomic_load(&r.bad));
	EXPECT_LT(0, atomic_load(&r.invalid));
	TH_LOG("%d views mapped, %d closed handles refused",
	       atomic_load(&r.mapped), atomic_load(&r.invalid));
	EXPECT_STREQ("decoy", decoy);
	EXPECT_TRUE(UnmapViewOfFile(decoy));
	EXPECT_TRUE(CloseHandle(other));
}

static void *close_once_thread(void *arg)
{
	struct thread_arg *t = arg;

	pthread_barrier_wait(t->barrier);
	t->fails = CloseHandle(t->h) ? 1 : 0; /* counts successes here */
	t->err = GetLastError();
	return NULL;
}

TEST_F_TIMEOUT(ce, concurrent_close_of_one_handle_succeeds_once, 120)
{
	struct thread_arg args[NTHREADS];
	pthread_t th[NTHREADS];
	pthread_barrier_t barrier;
	int round, i, ok;

	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (round = 0; round < 30; round++) {
		HANDLE h = create_rw(NULL, PAGE);

		ASSERT_NE(NULL, h);
		for (i = 0; i < NTHREADS; i++) {
			args[i] = (struct thread_arg){ .barrier = &barrier,
						       .h = h };
			ASSERT_EQ(0, pthread_create(&th[i], NULL,
						    close_once_thread,
						    &args[i]));
		}
		ok = 0;
		for (i = 0; i < NTHREADS; i++) {
			pthread_join(th[i], NULL);
			if (args[i].fails)
				ok++;
			else
				EXPECT_EQ(ERROR_INVALID_HANDLE, args[i].err);
		}
		EXPECT_EQ(1, ok);
	}
	pthread_barrier_destroy(&barrier);
}
