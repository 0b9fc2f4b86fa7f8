// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host checks of libnamedshm that need no kernel module: argument checks
 * (which must not touch the device), the error for a missing device, and
 * namedshm_stat() on descriptors that are not handles.
 *
 * Built twice by `make check`:
 *   host_check         against libnamedshm.so; on a host without
 *                      /dev/namedshm it also checks ENODEV everywhere.
 *   host_check_fakedev the library sources built with /dev/null as the
 *                      device (HOST_CHECK_FAKEDEV): every ioctl gets a
 *                      genuine ENOTTY, which tests the descriptor cache:
 *                      first-use races, the application closing the cached
 *                      descriptor or reusing its number.
 *
 * The functional tests with the module loaded are the selftests' job.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "namedshm.h"

#define MAXFD 1024

static int failures;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__,     \
				__LINE__, #cond);                          \
			failures++;                                        \
		}                                                          \
	} while (0)

/* @call must fail with -1 and errno @err. */
#define CHECK_ERR(call, err)                                               \
	do {                                                               \
		errno = 0;                                                 \
		long ret_ = (call);                                        \
		int errno_ = errno;                                        \
		if (ret_ != -1 || errno_ != (err)) {                       \
			fprintf(stderr,                                    \
				"%s:%d: FAIL: %s = %ld, errno %d (%s); "   \
				"want -1, %s\n",                           \
				__FILE__, __LINE__, #call, ret_, errno_,   \
				strerror(errno_), #err);                   \
			failures++;                                        \
			if (ret_ >= 0 && ret_ < MAXFD)                     \
				close((int)ret_);                          \
		}                                                          \
	} while (0)

static bool fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

static int count_fds(void)
{
	int n = 0;

	for (int fd = 0; fd < MAXFD; fd++)
		n += fd_open(fd);
	return n;
}

static void check_arguments(void)
{
	char longname[NAMEDSHM_NAME_MAX + 2];
	char nul_inside[] = { 'a', '\0', 'b' };
	int before = count_fds();

	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';

	/* namedshm_open(): access mode */
	CHECK_ERR(namedshm_open("a", O_WRONLY, 0, 0), EINVAL);
	CHECK_ERR(namedshm_open("a", O_WRONLY | O_CREAT, 0600, 4096), EINVAL);
	CHECK_ERR(namedshm_open("a", O_RDWR | O_WRONLY, 0, 0), EINVAL);
	/* other flags */
	CHECK_ERR(namedshm_open("a", O_RDWR | O_TRUNC, 0, 0), EINVAL);
	CHECK_ERR(namedshm_open("a", O_RDWR | O_NONBLOCK, 0, 0), EINVAL);
	CHECK_ERR(namedshm_open("a", O_RDWR | O_NOFOLLOW, 0, 0), EINVAL);
	CHECK_ERR(namedshm_open("a", O_RDWR | O_EXCL, 0, 0), EINVAL);
	/* mode */
	CHECK_ERR(namedshm_open("a", O_RDWR | O_CREAT, 01600, 4096), EINVAL);
	CHECK_ERR(namedshm_open("a", O_RDWR | O_CREAT, S_IFREG | 0600, 4096),
		  EINVAL);
	CHECK_ERR(namedshm_open("a", O_RDWR, 04000, 0), EINVAL);
	/* name */
	CHECK_ERR(namedshm_open(NULL, O_RDWR, 0600, 4096), EINVAL);
	CHECK_ERR(namedshm_open(NULL, O_RDONLY | O_EXCL, 0600, 4096), EINVAL);
	CHECK_ERR(namedshm_open("", O_RDWR | O_CREAT, 0600, 4096), EINVAL);
	CHECK_ERR(namedshm_open("", O_RDONLY, 0, 0), EINVAL);
	CHECK_ERR(namedshm_open(longname, O_RDWR | O_CREAT, 0600, 4096),
		  ENAMETOOLONG);
	CHECK_ERR(namedshm_open(longname, O_RDONLY, 0, 0), ENAMETOOLONG);
	/* size */
	CHECK_ERR(namedshm_open("a", O_RDWR | O_CREAT, 0600, 0), EINVAL);
	CHECK_ERR(namedshm_open(NULL, O_RDWR | O_CREAT, 0600, 0), EINVAL);

	/* namedshm_open_ex() */
	CHECK_ERR(namedshm_open_ex(NULL, 1, NAMEDSHM_OPEN_CREATE, 0600, 4096,
				   NULL),
		  EINVAL);
	CHECK_ERR(namedshm_open_ex(NULL, 0, NAMEDSHM_OPEN_WRITE, 0600, 4096,
				   NULL),
		  EINVAL);
	CHECK_ERR(namedshm_open_ex("a", 0, NAMEDSHM_OPEN_CREATE, 0600, 4096,
				   NULL),
		  EINVAL);
	CHECK_ERR(namedshm_open_ex(nul_inside, sizeof(nul_inside),
				   NAMEDSHM_OPEN_CREATE, 0600, 4096, NULL),
		  EINVAL);
	CHECK_ERR(namedshm_open_ex("\0", 1, NAMEDSHM_OPEN_CREATE, 0600, 4096,
				   NULL),
		  EINVAL);
	CHECK_ERR(namedshm_open_ex(longname, NAMEDSHM_NAME_MAX + 1,
				   NAMEDSHM_OPEN_CREATE, 0600, 4096, NULL),
		  ENAMETOOLONG);
	CHECK_ERR(namedshm_open_ex("a", (size_t)NAMEDSHM_NAME_MAX + 100000, 0,
				   0, 0, NULL),
		  ENAMETOOLONG);
#if SIZE_MAX > UINT32_MAX
	CHECK_ERR(namedshm_open_ex("a", (size_t)1 << 40, 0, 0, 0, NULL),
		  ENAMETOOLONG);
#endif
	CHECK_ERR(namedshm_open_ex("a", 1, NAMEDSHM_OPEN_EXCL, 0, 0, NULL),
		  EINVAL);
	CHECK_ERR(namedshm_open_ex("a", 1, NAMEDSHM_OPEN_CREATE, 0200000, 4096,
				   NULL),
		  EINVAL);
	CHECK_ERR(namedshm_open_ex("a", 1, NAMEDSHM_OPEN_CREATE, 0600, 0,
				   NULL),
		  EINVAL);

	/* NULL result pointers */
	CHECK_ERR(namedshm_stat(0, NULL), EFAULT);
	CHECK_ERR(namedshm_device_info(NULL), EFAULT);

	/* None of this may open the device. */
	CHECK(count_fds() == before);
}

static void check_stat_foreign(void)
{
	struct namedshm_stat st;
	int p[2], fd;
	char tmpl[] = "/tmp/namedshm-host-check-XXXXXX";

	memset(&st, 0x5a, sizeof(st));
	CHECK_ERR(namedshm_stat(-1, &st), EBADF);
	CHECK_ERR(namedshm_stat(MAXFD + 7, &st), EBADF);

	CHECK(pipe(p) == 0);
	CHECK_ERR(namedshm_stat(p[0], &st), ENOTTY);
	close(p[1]);
	CHECK_ERR(namedshm_stat(p[1], &st), EBADF);
	close(p[0]);

	fd = open("/dev/null", O_RDWR);
	CHECK(fd >= 0);
	CHECK_ERR(namedshm_stat(fd, &st), ENOTTY);
	close(fd);

	fd = mkstemp(tmpl);
	CHECK(fd >= 0);
	unlink(tmpl);
	CHECK_ERR(namedshm_stat(fd, &st), ENOTTY);
	close(fd);

	fd = open("/", O_PATH);
	CHECK(fd >= 0);
	CHECK_ERR(namedshm_stat(fd, &st), EBADF);
	close(fd);

	/* Untouched on failure. */
	CHECK(st.size == 0x5a5a5a5a5a5a5a5aULL && st.name[0] == 0x5a);
}

#ifndef HOST_CHECK_FAKEDEV
/* libnamedshm.so as installed, on whatever this host has. */
static void check_device(void)
{
	struct namedshm_limits lim;
	struct namedshm_result res = { 1234, 5678 };
	int before;

	if (access(NAMEDSHM_DEVICE_PATH, F_OK) == 0) {
		/* A VM with the module loaded: only a sanity check. */
		CHECK(namedshm_device_info(&lim) == 0);
		CHECK(lim.abi_version == NAMEDSHM_ABI_VERSION);
		CHECK(lim.name_max == NAMEDSHM_NAME_MAX);
		printf("host_check: %s present, abi %u, page size %u\n",
		       NAMEDSHM_DEVICE_PATH, lim.abi_version, lim.page_size);
		/* Not silently: say what this run could not check. */
		printf("host_check: SKIP: the missing-device (ENODEV) checks need a host without %s\n",
		       NAMEDSHM_DEVICE_PATH);
		return;
	}

	/* No module: ENODEV, never ENOENT, and no descriptor left open. */
	before = count_fds();
	CHECK_ERR(namedshm_device_info(&lim), ENODEV);
	CHECK_ERR(namedshm_open("host-check", O_RDONLY, 0, 0), ENODEV);
	CHECK_ERR(namedshm_open("host-check", O_RDWR | O_CREAT, 0600, 4096),
		  ENODEV);
	CHECK_ERR(namedshm_open(NULL, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
				0600, 1),
		  ENODEV);
	{
		char maxname[NAMEDSHM_NAME_MAX + 1];

		memset(maxname, 'm', NAMEDSHM_NAME_MAX);
		maxname[NAMEDSHM_NAME_MAX] = '\0';
		CHECK_ERR(namedshm_open(maxname, O_RDONLY, 0, 0), ENODEV);
	}
	CHECK_ERR(namedshm_open_ex("\xff\x01/x", 4,
				   NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_RESERVE,
				   0644, 1, &res),
		  ENODEV);
	/* Unknown flags go to the kernel: past the library's checks. */
	CHECK_ERR(namedshm_open_ex("a", 1, 1U << 30, 0, 0, &res), ENODEV);
	CHECK(res.size == 1234 && res.created == 5678);
	CHECK(count_fds() == before);
}
#else
/* The descriptor cache, with /dev/null standing in for the device. */
#define DEV "/dev/null"

/* Is @fd the character device at @path? */
static bool fd_is(int fd, const char *path)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat(path, &b) && S_ISCHR(a.st_mode) &&
	       a.st_rdev == b.st_rdev;
}

/* Descriptors of @path open now that were not in @before. */
static int new_fds_of(const bool *before, const char *path, int *last)
{
	int n = 0;

	for (int fd = 0; fd < MAXFD; fd++) {
		if (!before[fd] && fd_is(fd, path)) {
			n++;
			if (last)
				*last = fd;
		}
	}
	return n;
}

static void snapshot(bool *open_fds)
{
	for (int fd = 0; fd < MAXFD; fd++)
		open_fds[fd] = fd_open(fd);
}

static pthread_barrier_t barrier;

static void *racer(void *arg)
{
	struct namedshm_limits lim;

	(void)arg;
	pthread_barrier_wait(&barrier);
	if (namedshm_device_info(&lim) != -1 || errno != ENODEV)
		return (void *)1;
	return NULL;
}

/* In a fresh child: many threads make the first call at once. */
static int first_use_race(void)
{
	enum { THREADS = 16 };
	pthread_t t[THREADS];
	bool before[MAXFD];
	int bad = 0;

	snapshot(before);
	pthread_barrier_init(&barrier, NULL, THREADS);
	for (int i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, racer, NULL);
	for (int i = 0; i < THREADS; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += r != NULL;
	}
	/* Exactly one cached descriptor, the losers' closed. */
	return bad || new_fds_of(before, DEV, NULL) != 1;
}

static void check_device(void)
{
	struct namedshm_limits lim;
	struct stat st;
	bool before[MAXFD];
	int cached, cached2, cached3, zero, p[2];

	/* Racing first uses, each in a fresh process. */
	for (int i = 0; i < 50; i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0)
			_exit(first_use_race());
		CHECK(pid > 0 && waitpid(pid, &status, 0) == pid &&
		      WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}

	snapshot(before);
	/* First use: the device answers ENOTTY, reported as ENODEV. */
	CHECK_ERR(namedshm_device_info(&lim), ENODEV);
	CHECK(new_fds_of(before, DEV, &cached) == 1);
	CHECK((fcntl(cached, F_GETFD) & FD_CLOEXEC) != 0);
	CHECK((fcntl(cached, F_GETFL) & O_ACCMODE) == O_RDWR);
	/* A genuine ENOTTY must not reopen (that would leak each time). */
	CHECK_ERR(namedshm_open("a", O_RDWR | O_CREAT, 0600, 1), ENODEV);
	CHECK_ERR(namedshm_device_info(&lim), ENODEV);
	CHECK(new_fds_of(before, DEV, NULL) == 1 && fd_open(cached));

	/* The application closes it: EBADF, reopen on another number. */
	close(cached);
	CHECK_ERR(namedshm_device_info(&lim), ENODEV);
	CHECK(new_fds_of(before, DEV, &cached2) == 1);
	CHECK(cached2 != cached && !fd_open(cached));

	/* ... and reuses the number for /dev/zero: ENOTTY, not the device. */
	close(cached2);
	zero = open("/dev/zero", O_RDONLY);
	CHECK(zero >= 0);
	if (zero != cached2) {
		CHECK(dup2(zero, cached2) == cached2);
		close(zero);
		zero = cached2;
	}
	CHECK_ERR(namedshm_open("b", O_RDONLY, 0, 0), ENODEV);
	CHECK(new_fds_of(before, DEV, &cached3) == 1);
	CHECK(cached3 != zero && fd_is(zero, "/dev/zero"));

	/* ... or for a pipe. */
	CHECK(pipe(p) == 0);
	CHECK(dup2(p[0], cached3) == cached3);
	CHECK_ERR(namedshm_device_info(&lim), ENODEV);
	CHECK(new_fds_of(before, DEV, NULL) == 1);
	CHECK(!fstat(cached3, &st) && S_ISFIFO(st.st_mode));
	close(cached3);
	close(p[0]);
	close(p[1]);
	close(zero);

	/* ... or for a driver that answers EINVAL to unknown ioctls. */
	CHECK(new_fds_of(before, DEV, &cached) == 1);
	zero = open("/dev/urandom", O_RDONLY);
	CHECK(zero >= 0 && dup2(zero, cached) == cached);
	close(zero);
	CHECK_ERR(namedshm_device_info(&lim), ENODEV);
	CHECK(new_fds_of(before, DEV, &cached2) == 1 && cached2 != cached);
	CHECK(fd_is(cached, "/dev/urandom"));
	close(cached);

	/* Still one cached descriptor after all that. */
	CHECK(new_fds_of(before, DEV, NULL) == 1);
}
#endif

int main(void)
{
	CHECK(strcmp(namedshm_version(), NAMEDSHM_VERSION_STRING) == 0);
	check_arguments();
	check_stat_foreign();
	check_device();
	check_arguments(); /* again, with the device descriptor cached */

	if (failures) {
		fprintf(stderr, "host_check: %d failure(s)\n", failures);
		return 1;
	}
	printf("host_check%s: ok\n",
#ifdef HOST_CHECK_FAKEDEV
	       " (fake device)"
#else
	       ""
#endif
	);
	return 0;
}
