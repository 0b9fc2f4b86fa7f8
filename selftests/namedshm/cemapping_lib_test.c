// SPDX-License-Identifier: GPL-2.0
/*
 * libnamedshm's CE layer and native API against the real module: the
 * issue 16 cases that need the module (the host checks in
 * userspace/tests/ce_host_check.c cover the rest).
 *
 *   handle_storm          eight threads creating, opening, duplicating
 *                         and closing mapping handles while the handle
 *                         table grows (a use-after-free before)
 *   setuid_ignores_env    NAMEDSHM_CE_MODE cannot widen the objects of a
 *                         set-user-ID program
 *   dup_in_other_ipc_ns   a read-only DuplicateHandle after unshare()
 *                         refers to the source's object, not the name's
 *   backing_fd_not_stdin  namedshm_open_ex() never maps stdin
 *   failed_create_keeps_file_size, existing_name_keeps_file_size,
 *   created_grows_file    CreateFileMapping grows a file only for an
 *                         object it created
 *   open_with_backing_fd  namedshm_open_with() maps the given file
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cemapping.h>
#include <namedshm.h>

#include "../kselftest_harness.h"
#include "namedshm_util.h"

#define STORM_THREADS 8
#define STORM_ITERS 250 /* per thread, 4 handles each: 8,000 in all */

struct storm_arg {
	int id;
	pthread_barrier_t *barrier;
	long bad;
};

static void *storm_thread(void *p)
{
	struct storm_arg *a = p;
	HANDLE *h = calloc(4 * STORM_ITERS, sizeof(*h));
	char name[64];

	if (!h) {
		a->bad = -1;
		return NULL;
	}
	pthread_barrier_wait(a->barrier);
	for (int i = 0; i < STORM_ITERS; i++) {
		HANDLE *s = &h[4 * i];

		snprintf(name, sizeof(name), "storm-%d-%d-%d", (int)getpid(),
			 a->id, i % 16);
		s[0] = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
					  PAGE_READWRITE, 0, 4096, name);
		s[1] = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
		s[2] = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
					  PAGE_READONLY, 0, 4096, NULL);
		if (!s[0] || !s[1] || !s[2] ||
		    !DuplicateHandle(GetCurrentProcess(), s[0],
				     GetCurrentProcess(), &s[3], FILE_MAP_READ,
				     FALSE, 0))
			a->bad++;
		if (i % 5 == 2 && s[1]) {
			if (!CloseHandle(s[1]))
				a->bad++;
			s[1] = NULL;
		}
	}
	for (int i = 0; i < 4 * STORM_ITERS; i++) {
		if (h[i] && !CloseHandle(h[i]))
			a->bad++;
		if (h[i] && CloseHandle(h[i]))
			a->bad++;
	}
	free(h);
	return NULL;
}

/* Eight threads of 1,000 handles: minutes under KASAN in emulation. */
FIXTURE(storm)
{
	int unused;
};

FIXTURE_SETUP(storm)
{
}

FIXTURE_TEARDOWN(storm)
{
}

TEST_F_TIMEOUT(storm, handle_storm, 300)
{
	struct storm_arg a[STORM_THREADS];
	pthread_t t[STORM_THREADS];
	pthread_barrier_t barrier;
	struct rlimit rl = { 12000, 12000 };
	char name[64];

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	for (int round = 0; round < 3; round++) {
		pthread_barrier_init(&barrier, NULL, STORM_THREADS);
		for (int i = 0; i < STORM_THREADS; i++) {
			a[i] = (struct storm_arg){ i, &barrier, 0 };
			ASSERT_EQ(0, pthread_create(&t[i], NULL, storm_thread,
						    &a[i]));
		}
		for (int i = 0; i < STORM_THREADS; i++) {
			pthread_join(t[i], NULL);
			EXPECT_EQ(0, a[i].bad) TH_LOG("thread %d", i);
		}
		pthread_barrier_destroy(&barrier);
	}
	/* Every handle was closed: the names are gone. */
	snprintf(name, sizeof(name), "storm-%d-0-0", (int)getpid());
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
}

/* A copy of this program, set-user-ID root, in the VM's /tmp. */
#define SUID_COPY "/tmp/cemapping_lib_test.suid"

static int print_object_mode(const char *name)
{
	struct namedshm_stat st;
	HANDLE h;
	int fd;

	h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
			       4096, name);
	if (!h)
		return 10;
	fd = namedshm_open(name, O_RDONLY, 0, 0);
	if (fd < 0 || namedshm_stat(fd, &st))
		return 11;
	printf("%04o %s\n", (unsigned int)st.mode,
	       getuid() != geteuid() ? "secure" : "plain");
	return 0;
}

TEST(setuid_ignores_env)
{
	char buf[64] = "";
	int in, out, p[2], status;
	ssize_t n;
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root");
	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	out = open(SUID_COPY, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	ASSERT_LE(0, in);
	ASSERT_LE(0, out);
	for (;;) {
		char b[65536];
		ssize_t r = read(in, b, sizeof(b));

		if (r <= 0)
			break;
		ASSERT_EQ(r, write(out, b, (size_t)r));
	}
	close(in);
	close(out);
	ASSERT_EQ(0, chown(SUID_COPY, 0, 0));
	ASSERT_EQ(0, chmod(SUID_COPY, 04755));
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(p[1], 1);
		setenv("NAMEDSHM_CE_MODE", "0666", 1);
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(3);
		execl(SUID_COPY, SUID_COPY, "--print-object-mode",
		      nsh_name("suid"), (char *)NULL);
		_exit(4);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	unlink(SUID_COPY);
	buf[n > 0 ? n : 0] = '\0';
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
	TH_LOG("status %#x", status);
	/* It ran set-user-ID (else /tmp is nosuid and the test says nothing). */
	ASSERT_NE(NULL, strstr(buf, "secure")) TH_LOG("output: %s", buf);
	EXPECT_EQ(0600, strtol(buf, NULL, 8)) TH_LOG("output: %s", buf);
}

TEST(dup_in_other_ipc_ns)
{
	const char *name = nsh_name("ns");
	HANDLE outer, inner, dup;
	char *v;

	outer = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
				   0, 4096, name);
	ASSERT_NE(NULL, outer);
	v = MapViewOfFile(outer, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, v);
	strcpy(v, "outer");
	ASSERT_TRUE(UnmapViewOfFile(v));

	/* The harness runs each test in its own process: unshare freely. */
	if (unshare(CLONE_NEWIPC))
		SKIP(return, "unshare(CLONE_NEWIPC): %s", strerror(errno));
	/* The same name, another object, in the new namespace. */
	inner = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
				   0, 4096, name);
	ASSERT_NE(NULL, inner);
	ASSERT_EQ(ERROR_SUCCESS, GetLastError());
	v = MapViewOfFile(inner, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, v);
	strcpy(v, "inner");
	ASSERT_TRUE(UnmapViewOfFile(v));

	/* Fewer rights: a new read-only descriptor, of the source's object. */
	ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), outer,
				    GetCurrentProcess(), &dup, FILE_MAP_READ,
				    FALSE, 0));
	v = MapViewOfFile(dup, FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, v);
	EXPECT_STREQ("outer", v);
	ASSERT_TRUE(UnmapViewOfFile(v));
	EXPECT_EQ(NULL, MapViewOfFile(dup, FILE_MAP_WRITE, 0, 0, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_TRUE(CloseHandle(dup));
	EXPECT_TRUE(CloseHandle(inner));
	EXPECT_TRUE(CloseHandle(outer));
}

TEST(backing_fd_not_stdin)
{
	char path[] = "/tmp/stdin-XXXXXX";
	int saved, file, fd;

	file = mkstemp(path);
	ASSERT_LE(0, file);
	unlink(path);
	ASSERT_EQ(0, ftruncate(file, 4096));
	/* stdin is a regular file open for writing: mappable. */
	saved = dup(0);
	ASSERT_LE(0, saved);
	ASSERT_EQ(0, dup2(file, 0));
	errno = 0;
	fd = namedshm_open_ex(nsh_name("stdin"), strlen(nsh_name("stdin")),
			      NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_WRITE |
				      NAMEDSHM_OPEN_BACKING_FD,
			      0600, 4096, NULL);
	dup2(saved, 0);
	close(saved);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EINVAL, errno);
	if (fd >= 0)
		close(fd);
	close(file);
}

TEST(open_with_backing_fd)
{
	char path[] = "/tmp/with-XXXXXX";
	int file, fd;
	char *p;

	file = mkstemp(path);
	ASSERT_LE(0, file);
	unlink(path);
	ASSERT_EQ(0, ftruncate(file, 8192));
	ASSERT_EQ(5, pwrite(file, "file", 5, 4096));

	NAMEDSHM_OPTS(namedshm_open_opts, o,
		      .flags = NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_WRITE |
			       NAMEDSHM_OPEN_BACKING_FD,
		      .mode = 0600, .size = 8192, .backing_fd = file);

	fd = namedshm_open_with(nsh_name("with"), strlen(nsh_name("with")),
				&o);
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(errno));
	EXPECT_EQ(1, o.created);
	EXPECT_EQ(8192, o.real_size);
	p = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_STREQ("file", p + 4096);
	munmap(p, 8192);
	close(fd);
	close(file);
}

static off_t size_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : st.st_size;
}

TEST(failed_create_keeps_file_size)
{
	char path[64];
	HANDLE f, m;
	int mfd;

	/* A memfd that can still get seals: the module refuses it (EBUSY). */
	mfd = memfd_create("grow", MFD_ALLOW_SEALING);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, 1 << 20));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, 0, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 2 << 20,
			       nsh_name("grow"));
	EXPECT_EQ(NULL, m);
	EXPECT_EQ(1 << 20, size_of(mfd));
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 1, 0x10000, NULL);
	EXPECT_EQ(NULL, m);
	EXPECT_EQ(1 << 20, size_of(mfd));
	EXPECT_TRUE(CloseHandle(f));
	close(mfd);
}

TEST(existing_name_keeps_file_size)
{
	char path[] = "/tmp/grow-XXXXXX";
	HANDLE f, m, e;
	int fd;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 1 << 20));
	e = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
			       4096, nsh_name("grow-e"));
	ASSERT_NE(NULL, e);
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, 0, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 2 << 20,
			       nsh_name("grow-e"));
	ASSERT_NE(NULL, m);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(1 << 20, size_of(fd));
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(CloseHandle(e));
	EXPECT_TRUE(CloseHandle(f));
	unlink(path);
	close(fd);
}

TEST(created_grows_file)
{
	char path[] = "/tmp/grow-XXXXXX";
	HANDLE f, m;
	char *v;
	int fd;

	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, 1 << 20));
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, 0, NULL);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 2 << 20,
			       nsh_name("grow-c"));
	ASSERT_NE(NULL, m);
	EXPECT_EQ(ERROR_SUCCESS, GetLastError());
	EXPECT_EQ(2 << 20, size_of(fd));
	v = MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0);
	ASSERT_NE(NULL, v);
	v[(2 << 20) - 1] = 'z'; /* past the old end: no SIGBUS */
	EXPECT_TRUE(UnmapViewOfFile(v));
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(CloseHandle(f));
	unlink(path);
	close(fd);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--print-object-mode"))
		return print_object_mode(argv[2]);
	return test_harness_run(argc, argv);
}
