// SPDX-License-Identifier: GPL-2.0
/*
 * libnamedshm's native API against the real module: errno mapping,
 * argument checks, namedshm_stat(), the cached device descriptor.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include <namedshm.h>

#include "namedshm_util.h"

TEST(open_create_exist_and_errnos)
{
	long page = sysconf(_SC_PAGESIZE);
	struct namedshm_result res;
	struct namedshm_limits lim;
	struct namedshm_stat st;
	uint64_t big;
	int a, b, ro;
	char *p;

	a = namedshm_open("lib-a", O_RDWR | O_CREAT | O_EXCL, 0640, 10);
	ASSERT_LE(0, a) TH_LOG("namedshm_open: %s", strerror(errno));
	EXPECT_EQ(FD_CLOEXEC, fcntl(a, F_GETFD) & FD_CLOEXEC);
	errno = 0;
	EXPECT_EQ(-1, namedshm_open("lib-a", O_RDWR | O_CREAT | O_EXCL, 0640,
				    10));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, namedshm_open("lib-missing", O_RDWR, 0, 0));
	EXPECT_EQ(ENOENT, errno);

	b = namedshm_open_ex("lib-a", 5, NAMEDSHM_OPEN_CREATE, 0600, 99 * page,
			     &res);
	ASSERT_LE(0, b);
	EXPECT_EQ(0, res.created);
	EXPECT_EQ(page, res.size);

	ASSERT_EQ(0, namedshm_stat(b, &st));
	EXPECT_EQ(page, st.size);
	EXPECT_EQ(2, st.handles);
	EXPECT_EQ(0640, st.mode);
	EXPECT_EQ(geteuid(), st.uid);
	EXPECT_EQ(5, st.name_len);
	EXPECT_STREQ("lib-a", st.name);
	EXPECT_EQ(NAMEDSHM_ACCESS_READ, st.access);

	/* A read-only handle maps read-only. */
	ro = namedshm_open("lib-a", O_RDONLY, 0, 0);
	ASSERT_LE(0, ro);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, page, PROT_READ | PROT_WRITE,
				   MAP_SHARED, ro, 0));
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'L';
	munmap(p, page);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ('L', p[0]);
	munmap(p, page);
	close(a);
	close(b);
	close(ro);
	EXPECT_EQ(-1, namedshm_open("lib-a", O_RDONLY, 0, 0));
	EXPECT_EQ(ENOENT, errno);

	/* Size limits and commit come back as documented. */
	EXPECT_EQ(-1, namedshm_open("lib-big", O_RDWR | O_CREAT, 0600,
				    UINT64_MAX));
	EXPECT_EQ(EFBIG, errno);
	/* Past memory and swap (and within a 32-bit kernel's 4 GiB). */
	EXPECT_EQ(0, namedshm_device_info(&lim));
	big = 256ULL << 30;
	if (big > lim.max_region_size)
		big = lim.max_region_size & ~(uint64_t)(page - 1);
	EXPECT_EQ(-1, namedshm_open("lib-big", O_RDWR | O_CREAT, 0600, big));
	EXPECT_EQ(ENOMEM, errno);
}

TEST(argument_checks)
{
	char name[NAMEDSHM_NAME_MAX + 2];
	struct namedshm_stat st;
	int fd;

	EXPECT_EQ(-1, namedshm_open("x", O_WRONLY | O_CREAT, 0600, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_open("x", O_RDWR | O_CREAT | O_TRUNC, 0600, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_open("x", O_RDWR | O_EXCL, 0600, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_open("x", O_RDWR | O_CREAT, 01777, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_open("x", O_RDWR | O_CREAT, 0600, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_open("", O_RDWR | O_CREAT, 0600, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_open(NULL, O_RDWR, 0600, 1));
	EXPECT_EQ(EINVAL, errno);
	memset(name, 'z', sizeof(name));
	name[NAMEDSHM_NAME_MAX + 1] = '\0';
	EXPECT_EQ(-1, namedshm_open(name, O_RDWR | O_CREAT, 0600, 1));
	EXPECT_EQ(ENAMETOOLONG, errno);
	name[NAMEDSHM_NAME_MAX] = '\0';
	fd = namedshm_open(name, O_RDWR | O_CREAT, 0600, 1);
	EXPECT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-1, namedshm_open_ex("a\0b", 3, NAMEDSHM_OPEN_CREATE, 0600,
				       1, NULL));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_stat(0, NULL));
	EXPECT_EQ(EFAULT, errno);
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	EXPECT_EQ(-1, namedshm_stat(fd, &st));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
	EXPECT_EQ(-1, namedshm_stat(fd, &st));
	EXPECT_EQ(EBADF, errno);
}

TEST(unnamed_and_device_info)
{
	struct namedshm_limits lim;
	struct namedshm_stat st;
	int fd;

	ASSERT_EQ(0, namedshm_device_info(&lim));
	EXPECT_EQ(NAMEDSHM_ABI_VERSION, lim.abi_version);
	EXPECT_EQ(NAMEDSHM_NAME_MAX, lim.name_max);
	EXPECT_EQ(0, lim.regions);
	fd = namedshm_open(NULL, O_RDWR | O_CREAT, 0600, 1);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, namedshm_stat(fd, &st));
	EXPECT_EQ(0, st.name_len);
	EXPECT_STREQ("", st.name);
	ASSERT_EQ(0, namedshm_device_info(&lim));
	EXPECT_EQ(1, lim.regions);
	close(fd);
	EXPECT_STREQ(NAMEDSHM_VERSION_STRING, namedshm_version());
}

static void *first_use(void *arg)
{
	int fd = namedshm_open(arg, O_RDWR | O_CREAT, 0600, 1);

	return (void *)(long)fd;
}

TEST(first_use_from_many_threads_opens_the_device_once)
{
	pthread_t t[8];
	char names[8][16];
	int before = nsh_count_fds(), i;
	void *ret;

	for (i = 0; i < 8; i++) {
		snprintf(names[i], sizeof(names[i]), "lib-t%d", i);
		ASSERT_EQ(0, pthread_create(&t[i], NULL, first_use, names[i]));
	}
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0, pthread_join(t[i], &ret));
		EXPECT_LE(0, (long)ret);
		close((int)(long)ret);
	}
	/* Only the library's device descriptor remains. */
	EXPECT_EQ(before + 1, nsh_count_fds());
}

TEST(survives_the_application_closing_its_descriptor)
{
	int fd, before, i;

	fd = namedshm_open("lib-c", O_RDWR | O_CREAT, 0600, 1);
	ASSERT_LE(0, fd);
	close(fd);
	/* Close everything but stdio, the library's descriptor included. */
	before = nsh_count_fds();
	for (i = 3; i < 64; i++)
		close(i);
	ASSERT_LT(nsh_count_fds(), before);
	/* Reuse the number for something else. */
	ASSERT_LE(0, open("/dev/null", O_RDWR | O_CLOEXEC));
	fd = namedshm_open("lib-c", O_RDWR | O_CREAT, 0600, 1);
	ASSERT_LE(0, fd) TH_LOG("after close: %s", strerror(errno));
	close(fd);
	EXPECT_EQ(-1, namedshm_open("lib-c", O_RDWR, 0, 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST(missing_device_is_enodev)
{
	ASSERT_EQ(0, rename(NAMEDSHM_DEVICE_PATH, "/dev/namedshm.moved"));
	errno = 0;
	EXPECT_EQ(-1, namedshm_open("lib-d", O_RDWR | O_CREAT, 0600, 1));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, rename("/dev/namedshm.moved", NAMEDSHM_DEVICE_PATH));
}

TEST(fchmod_and_fchown)
{
	struct namedshm_limits lim;
	struct namedshm_stat st;
	int fd, other, status;
	pid_t pid;

	fd = namedshm_open("lib-perm", O_RDWR | O_CREAT, 0600, 1);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, namedshm_fchmod(fd, 0640));
	ASSERT_EQ(0, namedshm_stat(fd, &st));
	EXPECT_EQ(0640, st.mode);
	EXPECT_EQ(-1, namedshm_fchmod(fd, 01640));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, namedshm_fchown(fd, 1000, (gid_t)-1));
	ASSERT_EQ(0, namedshm_stat(fd, &st));
	EXPECT_EQ(1000, st.uid);
	EXPECT_EQ(0, st.gid);
	EXPECT_EQ(0, namedshm_fchown(fd, (uid_t)-1, (gid_t)-1));

	/* Another user may neither chmod nor chown it. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setresgid(1001, 1001, 1001) || setresuid(1001, 1001, 1001))
			_exit(100);
		if (namedshm_fchmod(fd, 0666) != -1 || errno != EPERM)
			_exit(1);
		if (namedshm_fchown(fd, 1001, 1001) != -1 || errno != EPERM)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);

	other = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	EXPECT_EQ(-1, namedshm_fchmod(other, 0600));
	EXPECT_EQ(ENOTTY, errno);
	close(other);
	close(fd);

	ASSERT_EQ(0, namedshm_device_info(&lim));
	EXPECT_NE(0, lim.max_regions);
	EXPECT_NE(0, lim.max_user_regions);
	EXPECT_LE(lim.max_user_regions, lim.max_regions);
}

/*
 * Last (tests run in the order they are defined): every test above ran in
 * a child that has exited, so every handle is closed; no region may be
 * left alive or listed.
 */
TEST(nothing_left_behind)
{
	EXPECT_EQ(0, nsh_live_regions());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

TEST_HARNESS_MAIN
