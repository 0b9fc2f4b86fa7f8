// SPDX-License-Identifier: GPL-2.0
/*
 * Module unload rules: refused while a handle, a mapping, a path of one or
 * the device is open (lifetime rule 5: a mapping's file is the module's
 * window), allowed once the last of them is gone.  Reloads the module from $NAMEDSHM_KO at the end,
 * so it must run last and as root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "namedshm_util.h"

static int unload(void)
{
	return syscall(SYS_delete_module, "namedshm", O_NONBLOCK);
}

static int reload(void)
{
	const char *ko = getenv("NAMEDSHM_KO");
	int fd, ret;

	if (!ko)
		ko = "/lib/modules/namedshm.ko";
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret;
}

TEST(unload_waits_for_handles_and_mappings)
{
	long page = sysconf(_SC_PAGESIZE);
	int dev, fd, i, opath;
	uint32_t st = 0;
	char *p, *p2, *q;
	char path[96];

	dev = nsh_dev();
	ASSERT_LE(0, dev);
	fd = nsh_open(dev, "unload", NSH_CREATE, 0600, 4 * page, NULL, NULL);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < 4 * page; i++)
		p[i] = (char)(i * 3);
	/* A second view of the same memory, to see later writes arrive. */
	p2 = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p2);

	/* The open device alone pins the module... */
	close(fd);
	EXPECT_EQ(-1, unload());
	EXPECT_EQ(EWOULDBLOCK, errno);
	/* ...and so does a handle alone. */
	fd = nsh_open(dev, "unload2", NSH_CREATE, 0600, page, NULL, NULL);
	ASSERT_LE(0, fd);
	close(dev);
	EXPECT_EQ(-1, unload());
	EXPECT_EQ(EWOULDBLOCK, errno);
	close(fd);

	/*
	 * Nothing but a mapping left: no region is alive, none is listed
	 * (nsh_live_regions() opens and closes the device itself), but the
	 * mapping pins the module...
	 */
	EXPECT_EQ(0, nsh_live_regions());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
	EXPECT_EQ(-1, unload());
	EXPECT_EQ(EWOULDBLOCK, errno);
	for (i = 0; i < 4 * page; i++)
		if (p[i] != (char)(i * 3))
			break;
	EXPECT_EQ(4 * page, i);
	/* ...and is still shared memory: writes reach the other view. */
	p[1] = 'w';
	EXPECT_EQ('w', p2[1]);
	/* A remap of the mapping's own file runs module code: still here. */
	EXPECT_EQ(0, remap_file_pages(p, page, 0, 3, 0));
	EXPECT_EQ((char)(3 * page * 3), p[0]);
	/*
	 * A path of a mapping (an O_PATH open of its map_files entry, root
	 * only) pins it too, after the mapping itself is gone: the end of
	 * its close() runs module code.
	 */
	snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
		 (unsigned long)p2, (unsigned long)p2 + page);
	opath = open(path, O_PATH | O_CLOEXEC);
	ASSERT_LE(0, opath) TH_LOG("%s: %s", path, strerror(errno));
	munmap(p, 4 * page);
	munmap(p2, page);
	EXPECT_EQ(-1, unload());
	EXPECT_EQ(EWOULDBLOCK, errno);
	close(opath);
	ASSERT_EQ(0, unload()) TH_LOG("delete_module: %s", strerror(errno));
	EXPECT_EQ(-1, access(NAMEDSHM_DEVICE_PATH, F_OK));
	EXPECT_EQ(-1, access("/proc/namedshm", F_OK));

	/* Loaded again: the old name is long gone, nothing aliases. */
	ASSERT_EQ(0, reload()) TH_LOG("finit_module: %s", strerror(errno));
	dev = nsh_dev();
	ASSERT_LE(0, dev);
	fd = nsh_open(dev, "unload", NSH_CREATE, 0600, 4 * page, &st, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(NAMEDSHM_STATUS_CREATED, st);
	q = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	for (i = 0; i < 4 * page; i++)
		if (q[i])
			break;
	EXPECT_EQ(4 * page, i);
	munmap(q, 4 * page);
	close(fd);
	close(dev);
	EXPECT_EQ(0, nsh_live_regions());
}

/*
 * A holder: creates or opens "cycle", maps it and writes @mark at offset
 * @mark; handle holders keep their handle, the other keeps only its
 * mapping.  It reports on @ready; the mapping holder then waits on @go and
 * checks that every holder's mark is still there.
 */
static void holder(int keep_handle, int ready, int go, char mark)
{
	long page = sysconf(_SC_PAGESIZE);
	int dev = nsh_dev(), fd;
	char c, *p;

	fd = nsh_open(dev, "cycle", NSH_CREATE, 0600, page, NULL, NULL);
	close(dev);
	if (fd < 0)
		_exit(1);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		_exit(2);
	p[(int)mark] = mark;
	if (!keep_handle)
		close(fd);
	if (write(ready, "r", 1) != 1)
		_exit(3);
	if (keep_handle)
		pause(); /* until SIGKILL */
	if (read(go, &c, 1) != 1)
		_exit(4);
	_exit(p['a'] == 'a' && p['b'] == 'b' && p['c'] == 'c' ? 0 : 5);
}

FIXTURE(cycles) {
	int unused;
};

FIXTURE_SETUP(cycles)
{
}

FIXTURE_TEARDOWN(cycles)
{
}

TEST_F_TIMEOUT(cycles, unload_cycles_under_use, 300)
{
	int cycle, i, status, ready[2], go[2];
	pid_t pid[3];
	char c;

	for (cycle = 0; cycle < 5; cycle++) {
		ASSERT_EQ(0, pipe(ready));
		ASSERT_EQ(0, pipe(go));
		/* Two handle holders, then one that keeps only a mapping. */
		for (i = 0; i < 3; i++) {
			pid[i] = fork();
			ASSERT_LE(0, pid[i]);
			if (!pid[i])
				holder(i < 2, ready[1], go[0], (char)('a' + i));
			ASSERT_EQ(1, read(ready[0], &c, 1));
		}
		/* Handles exist: refused. */
		EXPECT_EQ(-1, unload());
		EXPECT_EQ(EWOULDBLOCK, errno);
		/* The handle holders die where they stand... */
		for (i = 0; i < 2; i++) {
			kill(pid[i], SIGKILL);
			ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		}
		/*
		 * ...which releases their handles: nothing is left alive,
		 * but the survivor's mapping still pins the module.
		 */
		EXPECT_EQ(0, nsh_live_regions());
		EXPECT_EQ(0, nsh_listing(NULL, NULL));
		EXPECT_EQ(-1, unload());
		EXPECT_EQ(EWOULDBLOCK, errno);
		/* The survivor's mapping kept every mark; then it exits. */
		ASSERT_EQ(1, write(go[1], "g", 1));
		ASSERT_EQ(pid[2], waitpid(pid[2], &status, 0));
		EXPECT_EQ(0, status) TH_LOG("cycle %d: survivor %#x", cycle,
					    status);
		/* Nothing of the region is left: the module may go. */
		ASSERT_EQ(0, unload()) TH_LOG("cycle %d: %s", cycle,
					      strerror(errno));
		ASSERT_EQ(0, reload()) TH_LOG("cycle %d: %s", cycle,
					      strerror(errno));
		EXPECT_EQ(0, nsh_live_regions());
		close(ready[0]);
		close(ready[1]);
		close(go[0]);
		close(go[1]);
	}
}

TEST_HARNESS_MAIN
