// SPDX-License-Identifier: GPL-2.0
/*
 * Isolation, permissions and quotas: who may open what, who may change
 * it, that a read-only handle never yields writable shared memory, the
 * limits, memory cgroup charging, and that names stay out of the kernel
 * log.  Runs as root in the test VM and drops to other users with
 * setresuid()/setresgid() in child processes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "namedshm_util.h"

#define PAGE (sysconf(_SC_PAGESIZE))
#define PARAMS "/sys/module/namedshm/parameters/"

static unsigned long long read_param(const char *name)
{
	char path[128], buf[64] = "";
	int fd;

	snprintf(path, sizeof(path), PARAMS "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ~0ULL;
	if (read(fd, buf, sizeof(buf) - 1) <= 0)
		buf[0] = '\0';
	close(fd);
	return strtoull(buf, NULL, 10);
}

static int set_perm(int fd, uint32_t flags, uint32_t uid, uint32_t gid,
		    uint32_t mode)
{
	struct namedshm_set_perm args = {
		.argsz = sizeof(args),
		.flags = flags,
		.uid = uid,
		.gid = gid,
		.mode = mode,
	};

	return ioctl(fd, NAMEDSHM_IOC_SET_PERM, &args) ? -errno : 0;
}

static int open_only(int dev, const char *name, bool write)
{
	return nsh_open(dev, name, write ? NSH_RW : 0, 0, 0, NULL, NULL);
}

/* Become @uid/@gid with @groups as supplementary groups; no capabilities. */
static int become(uid_t uid, gid_t gid, int ngroups, const gid_t *groups)
{
	if (setgroups(ngroups, groups) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid))
		return -1;
	return 0;
}

/* Run @fn in a child; returns its exit status (0 is success). */
static int in_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn(arg));
	return nsh_wait(pid);
}

FIXTURE(sec)
{
	int dev;
	unsigned long long saved[5];
};

static const char *const limit_names[5] = {
	"max_region_size", "max_regions", "max_total_bytes",
	"max_user_regions", "max_user_bytes",
};

FIXTURE_SETUP(sec)
{
	int i;

	self->dev = nsh_dev();
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, nsh_live_regions());
	for (i = 0; i < 5; i++) {
		self->saved[i] = read_param(limit_names[i]);
		ASSERT_NE(~0ULL, self->saved[i]);
	}
}

FIXTURE_TEARDOWN(sec)
{
	int i;

	syscall(SYS_close_range, 3, ~0U, 0);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(0, nsh_set_param(limit_names[i], self->saved[i]));
	EXPECT_EQ(0, nsh_live_regions());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

/* --- permissions ------------------------------------------------------- */

struct who {
	const char *name;
	uid_t uid;
	gid_t gid;
	int ngroups;
	gid_t groups[2];
	int want_read, want_write; /* 0 or -EACCES */
};

static int try_access(void *arg)
{
	const struct who *w = arg;
	int dev = nsh_dev(), r, wr;

	if (dev < 0 || become(w->uid, w->gid, w->ngroups, w->groups))
		return 100;
	r = open_only(dev, w->name, false);
	wr = open_only(dev, w->name, true);
	if ((r < 0 ? r : 0) != w->want_read)
		return 1;
	if ((wr < 0 ? wr : 0) != w->want_write)
		return 2;
	return 0;
}

TEST_F(sec, mode_bits_give_owner_group_other_exactly_their_due)
{
	const char *name = nsh_name("ugo");
	struct who w = { .name = name };
	int fd;

	/* Owned by uid 1000, group 3000, mode 0640. */
	ASSERT_EQ(0, setegid(3000));
	ASSERT_EQ(0, seteuid(1000));
	fd = nsh_open(self->dev, name, NSH_CREATE, 0640, PAGE, NULL, NULL);
	ASSERT_EQ(0, seteuid(0));
	ASSERT_EQ(0, setegid(0));
	ASSERT_LE(0, fd);

	/* The owner: read and write. */
	w.uid = 1000, w.gid = 1000, w.want_read = 0, w.want_write = 0;
	EXPECT_EQ(0, in_child(try_access, &w));
	/* A member of the group, by supplementary group: read only. */
	w.uid = 1001, w.gid = 1001, w.ngroups = 1, w.groups[0] = 3000;
	w.want_write = -EACCES;
	EXPECT_EQ(0, in_child(try_access, &w));
	/* ...or by primary group. */
	w.ngroups = 0, w.gid = 3000;
	EXPECT_EQ(0, in_child(try_access, &w));
	/* Anyone else: nothing. */
	w.uid = 1002, w.gid = 1002, w.want_read = -EACCES;
	EXPECT_EQ(0, in_child(try_access, &w));

	/* Other bits alone. */
	ASSERT_EQ(0, set_perm(fd, NAMEDSHM_SET_MODE, 0, 0, 0604));
	w.want_read = 0, w.want_write = -EACCES;
	EXPECT_EQ(0, in_child(try_access, &w));
	ASSERT_EQ(0, set_perm(fd, NAMEDSHM_SET_MODE, 0, 0, 0606));
	w.want_write = 0;
	EXPECT_EQ(0, in_child(try_access, &w));
	/* The owner class wins even when it grants less than other. */
	ASSERT_EQ(0, set_perm(fd, NAMEDSHM_SET_MODE, 0, 0, 0066));
	w.uid = 1000, w.gid = 1000;
	w.want_read = -EACCES, w.want_write = -EACCES;
	EXPECT_EQ(0, in_child(try_access, &w));
	close(fd);
}

static int set_perm_as(void *arg)
{
	const struct who *w = arg;
	int dev = nsh_dev(), fd, ret;

	if (dev < 0)
		return 100;
	/* Open as root first: the handle is the way in, not the check. */
	fd = open_only(dev, w->name, false);
	if (fd < 0 || become(w->uid, w->gid, 0, NULL))
		return 101;
	ret = set_perm(fd, NAMEDSHM_SET_MODE, 0, 0, 0666);
	if (ret != w->want_read)
		return 1;
	return 0;
}

TEST_F(sec, only_the_owner_or_cap_ipc_owner_changes_permissions)
{
	const char *name = nsh_name("chmod");
	struct namedshm_region_info info;
	struct who w = { .name = name };
	struct nsh_entry e;
	int fd, held;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	held = open_only(self->dev, name, true);
	ASSERT_LE(0, held);

	/* Root (CAP_IPC_OWNER) gives it to uid 1000, group 1000. */
	ASSERT_EQ(0, set_perm(fd, NAMEDSHM_SET_UID | NAMEDSHM_SET_GID, 1000,
			      1000, 0));
	ASSERT_EQ(0, nsh_region_info(fd, &info, NULL, 0));
	EXPECT_EQ(1000, info.uid);
	EXPECT_EQ(1000, info.gid);
	EXPECT_EQ(0600, info.mode);
	ASSERT_EQ(1, nsh_listing(name, &e));
	EXPECT_EQ(1000, e.uid);

	/* Another user may not change it; the new owner may. */
	w.uid = 1001, w.gid = 1001, w.want_read = -EPERM;
	EXPECT_EQ(0, in_child(set_perm_as, &w));
	w.uid = 1000, w.gid = 1000, w.want_read = 0;
	EXPECT_EQ(0, in_child(set_perm_as, &w));
	ASSERT_EQ(0, nsh_region_info(fd, &info, NULL, 0));
	EXPECT_EQ(0666, info.mode);

	/* Bad values. */
	EXPECT_EQ(-EINVAL, set_perm(fd, NAMEDSHM_SET_MODE, 0, 0, 01000));
	EXPECT_EQ(-EINVAL, set_perm(fd, NAMEDSHM_SET_UID, (uint32_t)-1, 0, 0));
	EXPECT_EQ(-EINVAL, set_perm(fd, NAMEDSHM_SET_GID, 0, (uint32_t)-1, 0));
	EXPECT_EQ(-EINVAL, set_perm(fd, 1U << 7, 0, 0, 0));
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_SET_PERM, &info));
	EXPECT_EQ(ENOTTY, errno);

	/* Handles already open keep their access after a chmod 0. */
	ASSERT_EQ(0, set_perm(fd, NAMEDSHM_SET_MODE, 0, 0, 0));
	EXPECT_NE(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED, held, 0));
	w.uid = 1000, w.gid = 1000, w.want_read = -EACCES;
	w.want_write = -EACCES;
	EXPECT_EQ(0, in_child(try_access, &w));
	close(fd);
	close(held);
}

static int userns_child(void *arg)
{
	const char *name = arg;
	int dev = nsh_dev(), fd;

	if (dev < 0 || become(1000, 1000, 0, NULL))
		return 100;
	/* All capabilities, but in a user namespace of our own... */
	if (unshare(CLONE_NEWUSER))
		return 101;
	/* ...do not reach into the IPC namespace init_user_ns owns. */
	if (open_only(dev, name, false) != -EACCES)
		return 1;
	/* In an IPC namespace that our user namespace owns, they do. */
	if (unshare(CLONE_NEWIPC))
		return 102;
	fd = nsh_open(dev, "userns-own", NSH_CREATE, 0, PAGE, NULL, NULL);
	if (fd < 0)
		return 2;
	if (open_only(dev, "userns-own", true) < 0)
		return 3;
	return 0;
}

TEST_F(sec, cap_ipc_owner_counts_in_the_namespace_owner_only)
{
	const char *name = nsh_name("userns");
	int fd;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, in_child(userns_child, (void *)name));
	close(fd);
}

/* --- read-only handles ----------------------------------------------- */

static sigjmp_buf fault_jmp;

static void fault_handler(int sig)
{
	siglongjmp(fault_jmp, sig);
}

static int try_write(volatile char *p)
{
	struct sigaction sa = { .sa_handler = fault_handler }, old;
	int sig;

	sigaction(SIGSEGV, &sa, &old);
	sig = sigsetjmp(fault_jmp, 1);
	if (!sig)
		*p = 1;
	sigaction(SIGSEGV, &old, NULL);
	return sig;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/*
 * Every path by which the read-only handle @rofd of a 4-page region, all
 * 'd', might give writable shared memory; @view shows the region's real
 * content (a mapping that is not of @rofd) and must still be all 'd' at
 * the end.
 */
static void ro_handle_paths(struct __test_metadata *_metadata, int rofd,
			    const char *view)
{
	char path[64], *ro, *spot, *moved, buf[16];
	struct iovec local, remote;
	int status, mem, pfd[2];
	pid_t pid;

	/* mmap, mprotect. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, rofd, 0));
	EXPECT_EQ(EACCES, errno);
	ro = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, rofd, 0);
	ASSERT_NE(MAP_FAILED, ro);
	EXPECT_EQ(-1, mprotect(ro, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);

	/* mremap: may move, may not grow past the region, never writable. */
	EXPECT_EQ(MAP_FAILED, mremap(ro, 2 * PAGE, 64 * PAGE, MREMAP_MAYMOVE));
	/* Somewhere to move to. */
	spot = mmap(NULL, 2 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		    0);
	ASSERT_NE(MAP_FAILED, spot);
	moved = mremap(ro, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
		       spot);
	ASSERT_NE(MAP_FAILED, moved);
	EXPECT_EQ(-1, mprotect(moved, 2 * PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(SIGSEGV, try_write(moved));

	/* madvise: no hole punching, no write faults, dropping loses nothing. */
	EXPECT_EQ(-1, madvise(moved, PAGE, MADV_REMOVE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, madvise(moved, 2 * PAGE, MADV_POPULATE_WRITE));
	EXPECT_TRUE(errno == EINVAL || errno == EFAULT)
		TH_LOG("MADV_POPULATE_WRITE: %s", strerror(errno));
	EXPECT_EQ(0, madvise(moved, 2 * PAGE, MADV_DONTNEED));
	EXPECT_EQ('d', moved[0]);
	EXPECT_EQ('d', view[0]);

	/* fork: the child's copy is no more writable. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (!mprotect(moved, PAGE, PROT_READ | PROT_WRITE))
			_exit(1);
		_exit(try_write(moved) == SIGSEGV ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);

	/* /proc/self/mem, which can force writes into private mappings. */
	mem = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, mem);
	EXPECT_EQ(-1, pwrite(mem, "X", 1, (off_t)(uintptr_t)moved));
	close(mem);

	/*
	 * process_vm_writev(): get_user_pages() for writing, no force.  A
	 * kernel without CONFIG_CROSS_MEMORY_ATTACH (the debug kernel) has
	 * no such path: ENOSYS.
	 */
	memset(buf, 'X', sizeof(buf));
	local = (struct iovec){ .iov_base = buf, .iov_len = sizeof(buf) };
	remote = (struct iovec){ .iov_base = moved, .iov_len = sizeof(buf) };
	EXPECT_EQ(-1, process_vm_writev(getpid(), &local, 1, &remote, 1, 0));
	EXPECT_TRUE(errno == EFAULT || errno == ENOSYS)
		TH_LOG("process_vm_writev: %s", strerror(errno));

	/* The kernel copying into it: read() from a pipe. */
	ASSERT_EQ(0, pipe2(pfd, O_CLOEXEC));
	ASSERT_EQ(sizeof(buf), write(pfd[1], buf, sizeof(buf)));
	EXPECT_EQ(-1, read(pfd[0], moved + PAGE, sizeof(buf)));
	EXPECT_EQ(EFAULT, errno);
	close(pfd[0]);
	close(pfd[1]);

	/*
	 * remap_file_pages() would map the mapping's file again, past the
	 * handle: a mapping of a read-only open file is not VM_SHARED to
	 * the kernel, so it refuses, and the pages stay read-only.
	 */
	EXPECT_EQ(-1, remap_file_pages(moved, PAGE, 0, 1, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, mprotect(moved, PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(SIGSEGV, try_write(moved));
	EXPECT_EQ('d', moved[1]);

	/* Re-opening the handle through /proc. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", rofd);
	EXPECT_EQ(-1, open(path, O_RDWR | O_CLOEXEC));
	EXPECT_EQ(-1, open(path, O_RDONLY | O_CLOEXEC));

	/* No ioctl changes a handle's access, not even a chmod by root. */
	ASSERT_EQ(0, set_perm(rofd, NAMEDSHM_SET_MODE, 0, 0, 0666));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED, rofd, 0));
	EXPECT_EQ(EACCES, errno);

	/* Not one byte changed. */
	EXPECT_EQ(0, memcmp(view, view + PAGE, PAGE));
	EXPECT_EQ(0, memcmp(view + 2 * PAGE, view + PAGE, PAGE));
	EXPECT_EQ(0, memcmp(view + 3 * PAGE, view + PAGE, PAGE));
	EXPECT_EQ('d', view[4 * PAGE - 1]);
	EXPECT_EQ('d', view[PAGE]);
	munmap(moved, 2 * PAGE);
}

TEST_F(sec, read_only_handle_never_yields_writable_shared_memory)
{
	const char *name = nsh_name("rocap");
	int fd, rofd;
	char *rw;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0644, 4 * PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	rw = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, rw);
	memset(rw, 'd', 4 * PAGE);
	rofd = open_only(self->dev, name, false);
	ASSERT_LE(0, rofd);
	ro_handle_paths(_metadata, rofd, rw);
	munmap(rw, 4 * PAGE);
	close(fd);
	close(rofd);
}

/* The same for a read-only handle of a writable file-backed region... */
TEST_F(sec, read_only_handle_of_file_backed_region_stays_read_only)
{
	const char *name = nsh_name("rofile");
	int file, fd, rofd;
	char *rw;

	file = open("/tmp", O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ftruncate(file, 4 * PAGE));
	fd = nsh_open_backed(self->dev, name, NSH_CREATE, 4 * PAGE, file,
			     sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	rw = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, rw);
	memset(rw, 'd', 4 * PAGE);
	rofd = open_only(self->dev, name, false);
	ASSERT_LE(0, rofd);
	ro_handle_paths(_metadata, rofd, rw);
	munmap(rw, 4 * PAGE);
	close(fd);
	close(rofd);
	close(file);
}

/* ...and for a region whose backing file is open read-only. */
TEST_F(sec, region_of_read_only_file_never_yields_writable_memory)
{
	const char *name = nsh_name("rofile2");
	const char *path = "/tmp/namedshm-rofile";
	int file, fd;
	char *view;

	file = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ftruncate(file, 4 * PAGE));
	view = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, file,
		    0);
	ASSERT_NE(MAP_FAILED, view);
	memset(view, 'd', 4 * PAGE);
	close(file);
	file = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, file);
	/* Even root asking for a writable handle is refused. */
	EXPECT_EQ(-EACCES, nsh_open_backed(self->dev, name, NSH_CREATE,
					   4 * PAGE, file,
					   sizeof(struct namedshm_open)));
	fd = nsh_open_backed(self->dev, name, NAMEDSHM_OPEN_CREATE, 4 * PAGE,
			     file, sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EACCES, open_only(self->dev, name, true));
	ro_handle_paths(_metadata, fd, view);
	munmap(view, 4 * PAGE);
	close(fd);
	close(file);
	unlink(path);
}

/*
 * O_DIRECT reads write into the user buffer with get_user_pages() on
 * filesystems that do direct I/O; tmpfs accepts O_DIRECT from 6.6 on.
 */
TEST_F(sec, read_only_mapping_is_no_o_direct_target)
{
	const char *name = nsh_name("rodirect");
	const char *path = "/tmp/namedshm-direct";
	int fd, rofd, file;
	char *rw, *ro;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0644, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	rw = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, rw);
	memset(rw, 'd', PAGE);
	rofd = open_only(self->dev, name, false);
	ASSERT_LE(0, rofd);
	ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, rofd, 0);
	ASSERT_NE(MAP_FAILED, ro);

	file = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(PAGE, write(file, ro, PAGE));
	close(file);
	file = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (file < 0) {
		int err = errno;

		unlink(path);
		ASSERT_EQ(EINVAL, err);
		SKIP(return, "tmpfs has no O_DIRECT on this kernel");
	}
	EXPECT_EQ(-1, pread(file, ro, PAGE, 0));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ('d', rw[0]);
	EXPECT_EQ('d', rw[PAGE - 1]);
	close(file);
	unlink(path);
	munmap(ro, PAGE);
	munmap(rw, PAGE);
	close(rofd);
	close(fd);
}

/* --- quotas ---------------------------------------------------------- */

TEST_F(sec, limits_are_visible_and_enforced_without_partial_objects)
{
	struct namedshm_device_info di;
	char name[32];
	int fds[8], i, fd, file;

	/* max_regions: the count of live regions, named or not. */
	ASSERT_EQ(0, nsh_set_param("max_regions", 3));
	ASSERT_EQ(0, nsh_device_info(self->dev, &di));
	EXPECT_EQ(3, di.max_regions);
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "quota-%d", i);
		fds[i] = nsh_open(self->dev, i ? name : NULL, NSH_CREATE, 0600,
				  PAGE, NULL, NULL);
		ASSERT_LE(0, fds[i]);
	}
	EXPECT_EQ(-ENOSPC, nsh_open(self->dev, "quota-x", NSH_CREATE, 0600,
				    PAGE, NULL, NULL));
	EXPECT_EQ(3, nsh_live_regions());
	EXPECT_EQ(0, nsh_listing("quota-x", NULL));
	/* Opening an existing region is not creating one. */
	fd = open_only(self->dev, "quota-1", false);
	EXPECT_LE(0, fd);
	close(fd);
	close(fds[0]);
	fds[0] = nsh_open(self->dev, "quota-x", NSH_CREATE, 0600, PAGE, NULL,
			  NULL);
	EXPECT_LE(0, fds[0]);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	ASSERT_EQ(0, nsh_set_param("max_regions", self->saved[1]));

	/* max_total_bytes: the size of anonymous regions. */
	ASSERT_EQ(0, nsh_set_param("max_total_bytes", 4 * PAGE));
	fds[0] = nsh_open(self->dev, "bytes-0", NSH_CREATE, 0600, 3 * PAGE,
			  NULL, NULL);
	ASSERT_LE(0, fds[0]);
	EXPECT_EQ(-ENOSPC, nsh_open(self->dev, "bytes-1", NSH_CREATE, 0600,
				    2 * PAGE, NULL, NULL));
	EXPECT_EQ(-ENOSPC, nsh_open(self->dev, "bytes-1",
				    NSH_CREATE | NAMEDSHM_OPEN_RESERVE, 0600,
				    2 * PAGE, NULL, NULL));
	fds[1] = nsh_open(self->dev, "bytes-1", NSH_CREATE, 0600, PAGE, NULL,
			  NULL);
	ASSERT_LE(0, fds[1]);
	ASSERT_EQ(0, nsh_device_info(self->dev, &di));
	EXPECT_EQ(4 * PAGE, di.committed);
	EXPECT_EQ(4 * PAGE, di.max_total_bytes);
	/* A tmpfs file's memory is shmem too: it counts like a memfd. */
	file = open("/tmp", O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ftruncate(file, 8 * PAGE));
	fds[2] = nsh_open_backed(self->dev, "bytes-file", NSH_CREATE, 8 * PAGE,
				 file, sizeof(struct namedshm_open));
	EXPECT_EQ(-ENOSPC, fds[2]);
	close(fds[0]);
	close(fds[1]);
	close(fds[2]);
	close(file);
	ASSERT_EQ(0, nsh_device_info(self->dev, &di));
	EXPECT_EQ(0, di.committed);
	ASSERT_EQ(0, nsh_set_param("max_total_bytes", 0));

	/* max_region_size moves at run time too. */
	ASSERT_EQ(0, nsh_set_param("max_region_size", 2 * PAGE));
	EXPECT_EQ(-EFBIG, nsh_open(self->dev, "size", NSH_CREATE, 0600,
				   2 * PAGE + 1, NULL, NULL));
	fd = nsh_open(self->dev, "size", NSH_CREATE, 0600, 2 * PAGE, NULL,
		      NULL);
	EXPECT_LE(0, fd);
	close(fd);
}

struct quota_case {
	int dev;
	int created;
	int refused;
};

static int fill_user_quota(void *arg)
{
	struct quota_case *q = arg;
	char name[32];
	int i, fd;

	if (become(1000, 1000, 0, NULL))
		return 100;
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "user-q-%d", i);
		fd = nsh_open(q->dev, name, NSH_CREATE, 0600, PAGE, NULL, NULL);
		if (fd == -ENOSPC)
			break;
		if (fd < 0)
			return 1;
	}
	/* Exactly the quota, and the refusal left nothing behind. */
	if (i != 3 || nsh_listing("user-q-3", NULL) != 0)
		return 2;
	/* Opening someone's existing region is still fine. */
	if (open_only(q->dev, "root-owned", false) < 0)
		return 3;
	/* Module parameters are root's. */
	if (nsh_set_param("max_user_regions", 1000) != -EACCES)
		return 4;
	return 0;
}

static int fill_user_bytes(void *arg)
{
	struct quota_case *q = arg;
	int a, b;

	if (become(1001, 1001, 0, NULL))
		return 100;
	a = nsh_open(q->dev, "ub-a", NSH_CREATE, 0600, 3 * PAGE, NULL, NULL);
	b = nsh_open(q->dev, "ub-b", NSH_CREATE, 0600, 2 * PAGE, NULL, NULL);
	if (a < 0 || b != -ENOSPC)
		return 1;
	b = nsh_open(q->dev, "ub-b", NSH_CREATE, 0600, PAGE, NULL, NULL);
	return b < 0 ? 2 : 0;
}

TEST_F(sec, per_user_limits_apply_to_each_user)
{
	struct quota_case q = { .dev = self->dev };
	int root_fd, more;

	root_fd = nsh_open(self->dev, "root-owned", NSH_CREATE, 0644, PAGE,
			   NULL, NULL);
	ASSERT_LE(0, root_fd);
	ASSERT_EQ(0, nsh_set_param("max_user_regions", 3));
	EXPECT_EQ(0, in_child(fill_user_quota, &q));
	/* Root is another user with a quota of its own. */
	more = nsh_open(self->dev, "root-2", NSH_CREATE, 0600, PAGE, NULL,
			NULL);
	EXPECT_LE(0, more);
	close(more);
	ASSERT_EQ(0, nsh_set_param("max_user_regions", self->saved[3]));

	ASSERT_EQ(0, nsh_set_param("max_user_bytes", 4 * PAGE));
	EXPECT_EQ(0, in_child(fill_user_bytes, &q));
	close(root_fd);
}

/* --- memory cgroups ---------------------------------------------------- */

#define CG "/sys/fs/cgroup"

TEST_F_TIMEOUT(sec, a_small_memcg_stops_its_task_not_the_others, 120)
{
	const char *name = nsh_name("memcg");
	uint64_t big = 64ULL << 20;
	char pid_text[16], *mine, *shared, *tail;
	int fd, fd2, mine_fd, status;
	pid_t pid;

	if (access(CG "/cgroup.controllers", F_OK)) {
		mkdir(CG, 0755);
		ASSERT_EQ(0, mount("cgroup2", CG, "cgroup2", 0, NULL));
	}
	ASSERT_EQ(0, nsh_write_file(CG "/cgroup.subtree_control", "+memory"));
	rmdir(CG "/nshtest");
	ASSERT_EQ(0, mkdir(CG "/nshtest", 0755));
	ASSERT_EQ(0, nsh_write_file(CG "/nshtest/memory.max", "16M"));
	nsh_write_file(CG "/nshtest/memory.swap.max", "0");

	/* Another holder's data, outside the cgroup. */
	mine_fd = nsh_open(self->dev, "memcg-other", NSH_CREATE, 0600, PAGE,
			   NULL, NULL);
	ASSERT_LE(0, mine_fd);
	mine = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mine_fd, 0);
	ASSERT_NE(MAP_FAILED, mine);
	memset(mine, 'k', PAGE);

	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, big, NULL, NULL);
	ASSERT_LE(0, fd);
	shared = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, shared);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		snprintf(pid_text, sizeof(pid_text), "%d", getpid());
		if (nsh_write_file(CG "/nshtest/cgroup.procs", pid_text))
			_exit(10);
		/* Pages it faults are charged to it: 64 MiB > 16 MiB. */
		memset(shared, 'c', big);
		_exit(11);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		TH_LOG("child status %#x", status);

	/* Everyone else keeps their data; the region is intact. */
	EXPECT_EQ('k', mine[0]);
	EXPECT_EQ('k', mine[PAGE - 1]);
	EXPECT_EQ('c', shared[0]);
	/* Still one shared region: a write shows in a new view by name. */
	fd2 = open_only(self->dev, name, false);
	ASSERT_LE(0, fd2);
	tail = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd2, big - PAGE);
	ASSERT_NE(MAP_FAILED, tail);
	shared[big - 1] = 'p';
	EXPECT_EQ('p', tail[PAGE - 1]);
	munmap(tail, PAGE);
	close(fd2);
	munmap(shared, big);
	munmap(mine, PAGE);
	close(fd);
	close(mine_fd);
	EXPECT_EQ(0, rmdir(CG "/nshtest"));
}

/* --- the kernel log ---------------------------------------------------- */

TEST_F(sec, names_never_reach_the_kernel_log)
{
	const char *name = "kmsg-canary-5f3a9c";
	char *log;
	int fd, len;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EEXIST, nsh_open(self->dev, name,
				    NSH_CREATE | NAMEDSHM_OPEN_EXCL, 0600,
				    PAGE, NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open(self->dev, name, NSH_CREATE, 07777, PAGE,
				    NULL, NULL));
	close(fd);

	len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	ASSERT_LT(0, len);
	log = malloc(len + 1);
	ASSERT_NE(NULL, log);
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, len);
	ASSERT_LT(0, len);
	log[len] = '\0';
	/* The log is readable and has our module in it... */
	EXPECT_NE(NULL, strstr(log, "namedshm"));
	/* ...but never a name. */
	EXPECT_EQ(NULL, strstr(log, "kmsg-canary"));
	free(log);
}

TEST_HARNESS_MAIN
