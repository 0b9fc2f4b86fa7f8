// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests for the CE / Win32 file-mapping layer of libnamedshm
 * (include/cemapping.h): every rule of win32-mapping-semantics.md with its
 * exact error code, plus the layer's own guarantees (handles are never
 * descriptors, views are known and aligned, thread safety).
 *
 * Every test runs in its own process (the harness forks) with a fixture
 * that checks, before and after, that nothing leaks: no region alive, no
 * descriptor left open by the layer, no view left mapped.  Tests that need
 * a second, unrelated process fork and exec /proc/self/exe --child MODE,
 * and pass it names only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cemapping.h>
#include <namedshm.h>

#include "../kselftest_harness.h"
#include "namedshm_util.h"

#define PAGE ((size_t)sysconf(_SC_PAGESIZE))
#define GRAN ((size_t)65536)
#define PAGEFILE INVALID_HANDLE_VALUE

/* ---- helpers ------------------------------------------------------------ */

static const char *uname_(const char *tag)
{
	static __thread char buf[128];

	snprintf(buf, sizeof(buf), "ce-%s-%d", tag, (int)getpid());
	return buf;
}

/*
 * The /proc/self/maps line containing @addr: its permissions ("rw-s")
 * and range.  false if @addr is not mapped.
 */
static bool map_info(const void *addr, char perms[5], uintptr_t *start,
		     uintptr_t *end)
{
	FILE *f = fopen("/proc/self/maps", "re");
	uintptr_t a = (uintptr_t)addr, s, e;
	char line[512], p[5];
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx %4s", &s, &e, p) != 3)
			continue;
		if (a >= s && a < e) {
			if (perms)
				memcpy(perms, p, 5);
			if (start)
				*start = s;
			if (end)
				*end = e;
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

static const char *perms_of(const void *addr)
{
	static __thread char p[5];

	if (!map_info(addr, p, NULL, NULL))
		return "none";
	return p;
}

/* Lines of /proc/self/maps containing @needle (NULL: all lines). */
static int count_maps(const char *needle)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!needle || strstr(line, needle))
			n++;
	fclose(f);
	return n;
}

/*
 * This process's namedshm handle descriptors for the kernel region
 * @kname: how many are read-only and read-write.  Returns the first one's
 * number, or -1 if there is none.
 */
static int kernel_handles(const char *kname, int *ro, int *rw)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int first = -1;

	if (ro)
		*ro = 0;
	if (rw)
		*rw = 0;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[64], buf[2048], want[512];
		int fd, n, ffd;
		char *acc;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
		ffd = open(path, O_RDONLY | O_CLOEXEC);
		if (ffd < 0)
			continue;
		n = read(ffd, buf, sizeof(buf) - 1);
		close(ffd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		snprintf(want, sizeof(want), "namedshm-name:\t%s\n", kname);
		if (!strstr(buf, want))
			continue;
		acc = strstr(buf, "namedshm-access:\t");
		if (!acc)
			continue;
		acc += strlen("namedshm-access:\t");
		if (!strncmp(acc, "rw", 2)) {
			if (rw)
				(*rw)++;
		} else if (ro) {
			(*ro)++;
		}
		if (first < 0)
			first = fd;
	}
	closedir(d);
	return first;
}

/* @name as /proc/namedshm prints it (octal escapes), in a static buffer. */
static const char *escaped(const char *name)
{
	static __thread char buf[4 * 1024];
	size_t o = 0;

	for (; *name && o + 5 < sizeof(buf); name++) {
		unsigned char c = (unsigned char)*name;

		if (c > ' ' && c < 0x7f && c != '\\')
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, 5, "\\%03o", c);
	}
	buf[o] = '\0';
	return buf;
}

/* Is @fd an open descriptor? */
static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* A HANDLE for a new pagefile-backed read-write object. */
static HANDLE create_rw(const char *name, DWORD size)
{
	return CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0, size,
				  name);
}

/* Write a file of @len bytes of nsh_fill(seed). */
static int write_file(const char *path, size_t len, unsigned int seed)
{
	char *buf = malloc(len ? len : 1);
	int fd, ret = -1;

	if (!buf)
		return -1;
	nsh_fill(buf, len, seed);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, buf, len) == (ssize_t)len)
			ret = 0;
		close(fd);
	}
	free(buf);
	return ret;
}

/* Does the file hold nsh_fill(seed) over [off, off + len)? */
static bool file_holds(const char *path, off_t off, size_t len,
		       unsigned int seed)
{
	char *buf = malloc(len);
	bool ok = false;
	int fd;

	if (!buf)
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ok = pread(fd, buf, len, off) == (ssize_t)len &&
		     nsh_check(buf, len, seed);
		close(fd);
	}
	free(buf);
	return ok;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/* ---- child processes ---------------------------------------------------- */

struct child {
	pid_t pid;
	int to;	  /* its stdin */
	int from; /* its stdout */
};

/* fork + exec /proc/self/exe @argv with pipes on its stdin and stdout. */
static int spawn_self(struct child *c, char *const argv[])
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (!c->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->to = in[1];
	c->from = out[0];
	return 0;
}

/* Wait for the child's "ready" byte; false if it exited instead. */
static bool child_ready(struct child *c)
{
	char b;

	return read(c->from, &b, 1) == 1 && b == 'r';
}

/* Let the child go on, then reap it: its exit code, or 128 + signal. */
static int child_finish(struct child *c)
{
	int status;

	if (write(c->to, "g", 1) != 1) {
		/* It exited already: still reap it below. */
	}
	close(c->to);
	close(c->from);
	if (waitpid(c->pid, &status, 0) != c->pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_self(char *const argv[])
{
	struct child c;

	if (spawn_self(&c, argv))
		return -1;
	return child_finish(&c);
}

/* Child side: tell the parent we are ready, wait until it says go. */
static void child_sync(void)
{
	char b;

	if (write(1, "r", 1) != 1)
		_exit(80);
	if (read(0, &b, 1) != 1)
		_exit(81);
}

/* ---- fixture ------------------------------------------------------------- */

FIXTURE(ce)
{
	int fds;
	char dir[64];
};

FIXTURE_SETUP(ce)
{
	struct namedshm_limits lim;

	/* Opens the library's device descriptor, which stays open. */
	ASSERT_EQ(0, namedshm_device_info(&lim))
		TH_LOG("no namedshm device: %s", strerror(errno));
	ASSERT_EQ(0, nsh_live_regions());
	ASSERT_EQ(0, nsh_listing(NULL, NULL));
	ASSERT_EQ(0, count_maps("namedshm:"));
	snprintf(self->dir, sizeof(self->dir), "/tmp/cemapping-%d",
		 (int)getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	self->fds = nsh_count_fds();
	ASSERT_LT(0, self->fds);
	SetLastError(0);
}

FIXTURE_TEARDOWN(ce)
{
	char cmd[128];

	/* Everything the test opened through the layer was closed ... */
	EXPECT_EQ(self->fds, nsh_count_fds());
	/* ... and every view unmapped. */
	EXPECT_EQ(0, count_maps("namedshm:"));
	EXPECT_EQ(0, count_maps(self->dir));
	syscall(SYS_close_range, 3, ~0U, 0);
	EXPECT_EQ(0, nsh_live_regions());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd)) {
		/* Nothing to do: /tmp is the guest's tmpfs. */
	}
}

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
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL,
					   PAGE_READONLY | SEC_IMAGE |
						   SEC_COMMIT,
					   0, PAGE, name));
	EXPECT_EQ(ERROR_BAD_EXE_FORMAT, GetLastError());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

TEST_F(ce, commit_failure_is_not_enough_memory)
{
	HANDLE h;

	/* 512 GiB cannot be committed in the test machine ... */
	SetLastError(0);
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL,
					   PAGE_READWRITE | SEC_COMMIT, 0x80, 0,
					   uname_("huge")));
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, GetLastError());
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0x80,
					   0, uname_("huge")));
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, GetLastError());
	/* ... but reserved, it is fine. */
	h = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE | SEC_RESERVE,
			       0x80, 0, uname_("huge"));
	ASSERT_NE(NULL, h) TH_LOG("error %u", GetLastError());
	EXPECT_EQ(0, GetLastError());
	EXPECT_TRUE(CloseHandle(h));
	/* Beyond the module's largest region (EFBIG): 8 as well. */
	EXPECT_EQ(NULL, CreateFileMappingA(PAGEFILE, NULL,
					   PAGE_READWRITE | SEC_RESERVE,
					   0xFFFFFFFF, 0, uname_("huge")));
	EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, GetLastError());
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

/* ---- threads ------------------------------------------------------------ */

#define NTHREADS 8

struct thread_arg {
	pthread_barrier_t *barrier;
	const char *name;
	int idx;
	HANDLE h;
	DWORD err;
	int fails;
};

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

/* Child side of the fork+exec tests: argv = self --child MODE NAME ... */
static int child_main(int argc, char **argv)
{
	HANDLE h;
	char *p;

	if (argc < 4)
		return 90;
	if (!strcmp(argv[2], "share")) {
		/* As CE code opens an existing object: CreateFileMapping. */
		SetLastError(0);
		h = CreateFileMappingA(PAGEFILE, NULL, PAGE_READWRITE, 0, 1,
				       argv[3]);
		if (!h)
			return 91;
		if (GetLastError() != ERROR_ALREADY_EXISTS)
			return 92;
		p = MapViewOfFile(h, FILE_MAP_ALL_ACCESS, 0, 0, 0);
		if (!p)
			return 93;
		if (!nsh_check(p, PAGE, 42))
			return 94;
		nsh_fill(p + PAGE, PAGE, 43);
		child_sync();
		if (!UnmapViewOfFile(p) || !CloseHandle(h))
			return 95;
		return 0;
	}
	if (!strcmp(argv[2], "create")) {
		h = create_rw(argv[3], 2 * PAGE);
		if (!h || GetLastError() != 0)
			return 91;
		p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
		if (!p)
			return 92;
		nsh_fill(p, 2 * PAGE, 77);
		if (!UnmapViewOfFile(p))
			return 93;
		child_sync();
		return CloseHandle(h) ? 0 : 94;
	}
	if (!strcmp(argv[2], "fileshare")) {
		h = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, argv[3]);
		if (!h)
			return 91;
		p = MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
		if (!p)
			return 92;
		if (!nsh_check(p, PAGE, 61))
			return 93;
		nsh_fill(p + PAGE, PAGE, 62);
		if (!FlushViewOfFile(p, 0) || !UnmapViewOfFile(p) ||
		    !CloseHandle(h))
			return 94;
		return 0;
	}
	if (!strcmp(argv[2], "envmode") && argc == 5) {
		/* Created under $NAMEDSHM_CE_MODE: check the mode it got. */
		struct nsh_entry e;

		h = create_rw(argv[3], PAGE);
		if (!h)
			return 91;
		if (nsh_listing(argv[3], &e) != 1)
			return 92;
		if (e.mode != strtoul(argv[4], NULL, 8))
			return 93;
		return CloseHandle(h) ? 0 : 94;
	}
	if (!strcmp(argv[2], "inherit") && argc == 6) {
		/* Did a handle of the object come through exec? */
		int found = kernel_handles(argv[3], NULL, NULL) >= 0;

		if (found != (argv[4][0] == '1'))
			return 91;
		if (!strcmp(argv[5], "wait"))
			child_sync();
		return 0;
	}
	return 99;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--child"))
		return child_main(argc, argv);
	return test_harness_run(argc, argv);
}
