/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ce_test.h - what the tests of the CE / Win32 file-mapping layer
 * (include/cemapping.h) share: helpers, the child-process protocol, the
 * leak-checking fixture and main.  Each cemapping_*.c includes it once
 * and holds the tests of one area (names, handles, sections, views,
 * files, basics).
 *
 * Every test runs in its own process (the harness forks) with a fixture
 * that checks, before and after, that nothing leaks: no region alive, no
 * descriptor left open by the layer, no view left mapped.  Tests that need
 * a second, unrelated process fork and exec /proc/self/exe --child MODE,
 * and pass it names only; every program answers every MODE.
 */
#ifndef CE_TEST_H
#define CE_TEST_H

/* Each test program uses some of the helpers. */
#pragma GCC diagnostic ignored "-Wunused-function"

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
#include "namedshm_util.h" /* selftests/namedshm: /proc and ioctl readers */

#define PAGE ((size_t)sysconf(_SC_PAGESIZE))
#define GRAN ((size_t)65536)
#define PAGEFILE INVALID_HANDLE_VALUE

/* The module's largest region (4 GiB less a page on a 32-bit kernel). */
static inline uint64_t ce_max_region(void)
{
	struct namedshm_limits l;

	return namedshm_device_info(&l) ? 0 : l.max_region_size;
}

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
		unsigned long ls, le;

		if (sscanf(line, "%lx-%lx %4s", &ls, &le, p) != 3)
			continue;
		s = ls;
		e = le;
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
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	int status;

	/*
	 * A child that does not wait for "go" may have exited and closed
	 * its end already: EPIPE then, not a SIGPIPE that kills the test.
	 */
	sigaction(SIGPIPE, &ign, &old);
	if (write(c->to, "g", 1) != 1) {
		/* It exited already: still reap it below. */
	}
	sigaction(SIGPIPE, &old, NULL);
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

#endif /* CE_TEST_H */
