// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests for /dev/namedshm: names, handles, lifetime, mappings,
 * permissions, limits, bad input and concurrency.
 *
 * Every test runs in its own process (the harness forks) with a fixture
 * that checks, before and after, that no region is alive: the teardown
 * closes every descriptor the test left open and then requires the module
 * to count zero live regions and /proc/namedshm to list nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/fs.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "namedshm_util.h"

#define PAGE (sysconf(_SC_PAGESIZE))

FIXTURE(ns)
{
	int dev;
};

FIXTURE_SETUP(ns)
{
	self->dev = nsh_dev();
	ASSERT_LE(0, self->dev) TH_LOG("open %s: %s", NAMEDSHM_DEVICE_PATH,
				       strerror(errno));
	ASSERT_EQ(0, nsh_live_regions());
	ASSERT_EQ(0, nsh_listing(NULL, NULL));
}

FIXTURE_TEARDOWN(ns)
{
	/* Whatever the test left open goes; then nothing may remain. */
	syscall(SYS_close_range, 3, ~0U, 0);
	EXPECT_EQ(0, nsh_live_regions());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

static int open_only(int dev, const char *name)
{
	return nsh_open(dev, name, 0, 0, 0, NULL, NULL);
}

TEST_F(ns, create_then_open_reports_existing)
{
	const char *name = nsh_name("exist");
	uint32_t st = 0;
	uint64_t size;
	int a, b, c, fl;
	struct namedshm_region_info info;

	size = 5000;
	a = nsh_open(self->dev, name, NSH_CREATE, 0600, size, &st, &size);
	ASSERT_LE(0, a);
	EXPECT_EQ(NAMEDSHM_STATUS_CREATED, st);
	EXPECT_EQ(2 * PAGE, size);

	/* The requested size is ignored for an existing name. */
	size = 100 * PAGE;
	b = nsh_open(self->dev, name, NSH_CREATE, 0600, size, &st, &size);
	ASSERT_LE(0, b);
	EXPECT_EQ(NAMEDSHM_STATUS_EXISTED, st);
	EXPECT_EQ(2 * PAGE, size);

	c = nsh_open(self->dev, name, 0, 0, 0, &st, &size);
	ASSERT_LE(0, c);
	EXPECT_EQ(NAMEDSHM_STATUS_EXISTED, st);
	EXPECT_EQ(2 * PAGE, size);

	/* Each open is its own open file description. */
	EXPECT_NE(a, b);
	fl = fcntl(b, F_GETFL);
	ASSERT_EQ(0, fcntl(a, F_SETFL, fcntl(a, F_GETFL) | O_NONBLOCK));
	EXPECT_EQ(fl, fcntl(b, F_GETFL));

	ASSERT_EQ(0, nsh_region_info(c, &info, NULL, 0));
	EXPECT_EQ(3, info.handles);
	EXPECT_EQ(2 * PAGE, info.size);
	EXPECT_EQ(NAMEDSHM_REGION_NAMED | NAMEDSHM_REGION_WRITABLE, info.flags);
	EXPECT_EQ(NAMEDSHM_ACCESS_READ, info.access);
	EXPECT_EQ(strlen(name), info.name_len);

	/* Exclusive create of an existing name, open of a missing one. */
	EXPECT_EQ(-EEXIST, nsh_open(self->dev, name,
				    NSH_CREATE | NAMEDSHM_OPEN_EXCL, 0600,
				    PAGE, NULL, NULL));
	EXPECT_EQ(-ENOENT, open_only(self->dev, nsh_name("missing")));
	close(a);
	close(b);
	close(c);
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));
}

TEST_F(ns, views_alias_one_region)
{
	const char *name = nsh_name("alias");
	int a, b;
	char *p, *q, *r;

	a = nsh_open(self->dev, name, NSH_CREATE, 0600, 3 * PAGE, NULL, NULL);
	ASSERT_LE(0, a);
	b = nsh_open(self->dev, name, NSH_RW, 0, 0, NULL, NULL);
	ASSERT_LE(0, b);

	p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
	ASSERT_NE(MAP_FAILED, p);
	q = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
	ASSERT_NE(MAP_FAILED, q);
	/* A view at an offset. */
	r = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, b, 2 * PAGE);
	ASSERT_NE(MAP_FAILED, r);
	EXPECT_NE(p, q);
	EXPECT_TRUE(nsh_all_zero(p, 3 * PAGE));

	nsh_fill(p, 3 * PAGE, 11);
	EXPECT_TRUE(nsh_check(q, 3 * PAGE, 11));
	EXPECT_EQ(0, memcmp(r, p + 2 * PAGE, PAGE));
	q[5] = 'x';
	EXPECT_EQ('x', p[5]);
	munmap(p, 3 * PAGE);
	munmap(q, 3 * PAGE);
	munmap(r, PAGE);
}

/* Child side of the fork+exec tests: argv = self --child MODE NAME [FD]. */
static int child_main(int argc, char **argv)
{
	int dev, fd;
	char *p;

	if (argc < 4)
		return 90;
	dev = nsh_dev();
	if (dev < 0)
		return 91;

	if (!strcmp(argv[2], "open")) {
		uint32_t st = 0;
		uint64_t size = 0;

		/* Open by name, check the parent's data, answer. */
		fd = nsh_open(dev, argv[3], NSH_CREATE, 0600, 1, &st, &size);
		if (fd < 0)
			return 92;
		if (st != NAMEDSHM_STATUS_EXISTED || size != 4 * (uint64_t)PAGE)
			return 93;
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return 94;
		if (!nsh_check(p, PAGE, 42))
			return 95;
		nsh_fill(p + PAGE, PAGE, 43);
		return 0;
	}
	if (!strcmp(argv[2], "inherit") && argc == 5) {
		/* The handle came through execve(): map it. */
		fd = atoi(argv[4]);
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return 96;
		if (!nsh_check(p, PAGE, 44))
			return 97;
		nsh_fill(p, PAGE, 45);
		return 0;
	}
	if (!strcmp(argv[2], "closed") && argc == 5) {
		/* A close-on-exec handle must not have come through. */
		fd = atoi(argv[4]);
		return fcntl(fd, F_GETFD) == -1 && errno == EBADF ? 0 : 98;
	}
	return 99;
}

static int run_self(char *const argv[])
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	return nsh_wait(pid);
}

TEST_F(ns, two_unrelated_processes_share_by_name)
{
	char name[128];
	int fd;
	char *p;

	snprintf(name, sizeof(name), "%s", nsh_name("exec"));
	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, 4 * PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	nsh_fill(p, PAGE, 42);

	/* The child gets only the name: the handle is close-on-exec. */
	EXPECT_EQ(0, run_self((char *[]){ "self", "--child", "open", name,
					   NULL }));
	EXPECT_TRUE(nsh_check(p + PAGE, PAGE, 43));
	munmap(p, 4 * PAGE);
	close(fd);
}

TEST_F(ns, handles_are_close_on_exec_unless_asked)
{
	char name[128], num[16];
	int fd, keep;
	char *p;

	snprintf(name, sizeof(name), "%s", nsh_name("cloexec"));
	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	snprintf(num, sizeof(num), "%d", fd);
	EXPECT_EQ(0, run_self((char *[]){ "self", "--child", "closed", name,
					   num, NULL }));

	keep = nsh_open(self->dev, name, NSH_RW | NAMEDSHM_OPEN_NOCLOEXEC, 0,
			0, NULL, NULL);
	ASSERT_LE(0, keep);
	EXPECT_EQ(0, fcntl(keep, F_GETFD) & FD_CLOEXEC);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	nsh_fill(p, PAGE, 44);
	snprintf(num, sizeof(num), "%d", keep);
	EXPECT_EQ(0, run_self((char *[]){ "self", "--child", "inherit", name,
					   num, NULL }));
	EXPECT_TRUE(nsh_check(p, PAGE, 45));
	munmap(p, PAGE);
}

TEST_F(ns, name_dies_with_last_handle_mapping_survives)
{
	const char *name = nsh_name("die");
	struct nsh_entry e;
	uint32_t st = 0;
	int fd, fd2;
	char *old, *old2, *fresh;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, 2 * PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	old = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, old);
	/* A second view, to see writes through the first one arrive. */
	old2 = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, old2);
	nsh_fill(old, 2 * PAGE, 7);
	ASSERT_EQ(1, nsh_listing(name, &e));
	EXPECT_EQ(1, e.mapped);

	ASSERT_EQ(0, close(fd));
	/* The name is gone at once, although a mapping remains. */
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));
	EXPECT_EQ(0, nsh_listing(name, NULL));
	EXPECT_EQ(0, nsh_live_regions());
	/* The mapping keeps its data and stays writable, and shared. */
	EXPECT_TRUE(nsh_check(old, 2 * PAGE, 7));
	old[0] = 'A';
	EXPECT_EQ('A', old2[0]);

	/* The same name now makes a fresh, zero-filled, unaliased region. */
	fd2 = nsh_open(self->dev, name, NSH_CREATE, 0600, 2 * PAGE, &st, NULL);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(NAMEDSHM_STATUS_CREATED, st);
	fresh = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2,
		     0);
	ASSERT_NE(MAP_FAILED, fresh);
	EXPECT_TRUE(nsh_all_zero(fresh, 2 * PAGE));
	nsh_fill(fresh, 2 * PAGE, 99);
	EXPECT_EQ('A', old[0]);
	EXPECT_TRUE(nsh_check(old + 1, 2 * PAGE - 1, 7 + 7));
	EXPECT_TRUE(nsh_check(fresh, 2 * PAGE, 99));
	EXPECT_EQ('A', old2[0]);
	munmap(old2, PAGE);
	munmap(old, 2 * PAGE);
	munmap(fresh, 2 * PAGE);
	close(fd2);
}

TEST_F(ns, dup_and_fork_share_one_handle)
{
	const char *name = nsh_name("fork");
	int fd, d, go[2], status;
	pid_t pid;
	char c;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	d = dup(fd);
	ASSERT_LE(0, d);
	close(fd);
	/* The dup keeps the handle, so the name. */
	fd = open_only(self->dev, name);
	ASSERT_LE(0, fd);
	close(fd);

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(go[1]);
		/* Hold the inherited handle until told to exit. */
		_exit(read(go[0], &c, 1) == 0 ? 0 : 1);
	}
	close(go[0]);
	close(d);
	/* The child's inherited descriptor still holds the handle. */
	fd = open_only(self->dev, name);
	EXPECT_LE(0, fd);
	if (fd >= 0)
		close(fd);
	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));
}

static int send_fd(int sock, int fd)
{
	char data = 'f';
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char data;
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

TEST_F(ns, scm_rights_passes_the_handle)
{
	const char *name = nsh_name("scm");
	int sv[2], fd, got;
	char *p;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	nsh_fill(p, PAGE, 5);
	munmap(p, PAGE);
	ASSERT_EQ(0, send_fd(sv[0], fd));
	close(fd);
	/* In flight, the handle still holds the name. */
	fd = open_only(self->dev, name);
	ASSERT_LE(0, fd);
	close(fd);
	got = recv_fd(sv[1]);
	ASSERT_LE(0, got);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, got, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_TRUE(nsh_check(p, PAGE, 5));
	munmap(p, PAGE);
	close(got);
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));
	close(sv[0]);
	close(sv[1]);
}

TEST_F(ns, unnamed_regions_are_never_in_the_table)
{
	struct namedshm_region_info info;
	uint32_t st = 0;
	uint64_t size = PAGE;
	int a, b, status;
	char *p;
	pid_t pid;

	a = nsh_open(self->dev, NULL, NSH_CREATE, 0600, size, &st, &size);
	ASSERT_LE(0, a);
	EXPECT_EQ(NAMEDSHM_STATUS_CREATED, st);
	b = nsh_open(self->dev, NULL, NSH_CREATE, 0600, size, &st, NULL);
	ASSERT_LE(0, b);
	EXPECT_EQ(NAMEDSHM_STATUS_CREATED, st);
	EXPECT_EQ(2, nsh_live_regions());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
	ASSERT_EQ(0, nsh_region_info(a, &info, NULL, 0));
	EXPECT_EQ(0, info.flags & NAMEDSHM_REGION_NAMED);
	EXPECT_EQ(0, info.name_len);
	EXPECT_EQ(1, info.handles);

	/* Shared with a child through fork. */
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, a, 0);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			       a, 0);

		if (q == MAP_FAILED)
			_exit(1);
		nsh_fill(q, PAGE, 77);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, status);
	EXPECT_TRUE(nsh_check(p, PAGE, 77));
	munmap(p, PAGE);
	close(a);
	close(b);
	EXPECT_EQ(0, nsh_live_regions());
}

/* Catch the fault of a write that must fail. */
static sigjmp_buf fault_jmp;

static void fault_handler(int sig)
{
	siglongjmp(fault_jmp, sig);
}

static int try_write(volatile char *p)
{
	struct sigaction sa = { .sa_handler = fault_handler }, old_segv,
			 old_bus;
	int sig;

	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	sig = sigsetjmp(fault_jmp, 1);
	if (!sig)
		*p = 1;
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return sig;
}

TEST_F(ns, read_only_handle_cannot_write)
{
	const char *name = nsh_name("ro");
	struct namedshm_region_info info;
	int rw, ro;
	char *w, *r, *priv;

	rw = nsh_open(self->dev, name, NSH_CREATE, 0600, 2 * PAGE, NULL, NULL);
	ASSERT_LE(0, rw);
	ro = open_only(self->dev, name);
	ASSERT_LE(0, ro);
	ASSERT_EQ(0, nsh_region_info(ro, &info, NULL, 0));
	EXPECT_EQ(NAMEDSHM_ACCESS_READ, info.access);
	ASSERT_EQ(0, nsh_region_info(rw, &info, NULL, 0));
	EXPECT_EQ(NAMEDSHM_ACCESS_READ | NAMEDSHM_ACCESS_WRITE, info.access);

	w = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, rw, 0);
	ASSERT_NE(MAP_FAILED, w);
	nsh_fill(w, 2 * PAGE, 3);

	/* No writable shared mapping of a read-only handle, now or later. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED, ro, 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_WRITE, MAP_SHARED, ro, 0));
	EXPECT_EQ(EACCES, errno);
	r = mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, ro, 0);
	ASSERT_NE(MAP_FAILED, r);
	EXPECT_TRUE(nsh_check(r, 2 * PAGE, 3));
	EXPECT_EQ(-1, mprotect(r, 2 * PAGE, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(SIGSEGV, try_write(r));

	/* A private copy-on-write view is allowed and stays private. */
	priv = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	ASSERT_NE(MAP_FAILED, priv);
	EXPECT_EQ(0, try_write(priv));
	EXPECT_EQ(1, priv[0]);
	EXPECT_TRUE(nsh_check(w, PAGE, 3));
	EXPECT_TRUE(nsh_check(r, PAGE, 3));

	/* The read-only view follows the writer. */
	w[PAGE + 1] = 'z';
	EXPECT_EQ('z', r[PAGE + 1]);
	munmap(w, 2 * PAGE);
	munmap(r, 2 * PAGE);
	munmap(priv, PAGE);
}

TEST_F(ns, private_mapping_is_copy_on_write)
{
	const char *name = nsh_name("cow");
	int fd;
	char *shared, *priv;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, 2 * PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	shared = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		      0);
	ASSERT_NE(MAP_FAILED, shared);
	nsh_fill(shared, 2 * PAGE, 21);
	priv = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	ASSERT_NE(MAP_FAILED, priv);
	EXPECT_TRUE(nsh_check(priv, 2 * PAGE, 21));

	/* Private writes stay private... */
	memset(priv, 0x55, PAGE);
	EXPECT_TRUE(nsh_check(shared, 2 * PAGE, 21));
	/* ...untouched private pages still see the region... */
	shared[PAGE + 3] = 'q';
	EXPECT_EQ('q', priv[PAGE + 3]);
	/* ...and written ones no longer do. */
	shared[3] = 'r';
	EXPECT_EQ(0x55, priv[3]);
	munmap(shared, 2 * PAGE);
	munmap(priv, 2 * PAGE);
}

TEST_F(ns, size_rules)
{
	const char *name = nsh_name("size");
	struct namedshm_device_info di;
	uint64_t size;
	int fd;
	char *p;

	ASSERT_EQ(0, nsh_device_info(self->dev, &di));
	EXPECT_EQ(NAMEDSHM_ABI_VERSION, di.abi_version);
	EXPECT_EQ(NAMEDSHM_NAME_MAX, di.name_max);
	EXPECT_EQ(PAGE, di.page_size);
	EXPECT_EQ(0, di.regions);
	EXPECT_EQ(0, di.committed);
	EXPECT_NE(0, di.max_regions);
	EXPECT_NE(0, di.max_user_regions);

	EXPECT_EQ(-EINVAL, nsh_open(self->dev, name, NSH_CREATE, 0600, 0, NULL,
				    NULL));
	EXPECT_EQ(-EFBIG, nsh_open(self->dev, name, NSH_CREATE, 0600,
				   di.max_region_size + 1, NULL, NULL));
	EXPECT_EQ(-EFBIG, nsh_open(self->dev, name, NSH_CREATE, 0600,
				   UINT64_MAX, NULL, NULL));
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));

	size = 1;
	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, size, NULL, &size);
	ASSERT_LE(0, fd);
	EXPECT_EQ(PAGE, size);
	ASSERT_EQ(0, nsh_device_info(self->dev, &di));
	EXPECT_EQ(1, di.regions);
	EXPECT_EQ(PAGE, di.committed);

	/* Mappings must lie inside the region. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * PAGE, PROT_READ, MAP_SHARED, fd,
				   0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd,
				   PAGE));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd,
				   16 * PAGE));
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[PAGE - 1] = 1;
	munmap(p, PAGE);
	close(fd);
}

TEST_F(ns, commit_is_charged_up_front_unless_reserved)
{
	const char *name = nsh_name("commit");
	/*
	 * Far more than the guest's memory and swap, within the size limit
	 * (a 32-bit kernel's is 4 GiB), and a mapping of as much of it as a
	 * 32-bit process can hold.
	 */
	uint64_t huge = 256ULL << 30;
	struct namedshm_device_info di;
	size_t maplen;
	long before, after;
	int fd;
	char *p;

	ASSERT_EQ(0, nsh_device_info(self->dev, &di));
	if (huge > di.max_region_size)
		huge = di.max_region_size & ~(uint64_t)(PAGE - 1);
	maplen = sizeof(void *) < 8 ? 1UL << 30 : huge;
	EXPECT_EQ(-ENOMEM, nsh_open(self->dev, name, NSH_CREATE, 0600, huge,
				    NULL, NULL));
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));

	fd = nsh_open(self->dev, name, NSH_CREATE | NAMEDSHM_OPEN_RESERVE, 0600,
		      huge, NULL, NULL);
	ASSERT_LE(0, fd);
	p = mmap(NULL, maplen, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_NORESERVE, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	/*
	 * Only touched pages cost memory: two pages, at both ends, grow
	 * Shmem by two pages (and a little slack), not by the region.
	 */
	before = nsh_meminfo_kb("Shmem");
	ASSERT_LE(0, before);
	p[0] = 1;
	p[maplen - 1] = 2;
	after = nsh_meminfo_kb("Shmem");
	EXPECT_LE(before + 2 * PAGE / 1024, after);
	EXPECT_GT(before + 1024, after)
		TH_LOG("Shmem grew from %ld to %ld kB", before, after);
	munmap(p, maplen);
	close(fd);
	/* And they go with the region. */
	after = nsh_meminfo_kb("Shmem");
	EXPECT_GT(before + 2 * PAGE / 1024, after)
		TH_LOG("Shmem %ld kB after the region went, %ld before",
		       after, before);
}

TEST_F(ns, names_are_bytes_with_limits)
{
	char name[NAMEDSHM_NAME_MAX + 2];
	char odd[] = "sp ace\ttab\nnl\\bs\xff";
	struct namedshm_region_info info;
	char back[NAMEDSHM_NAME_MAX + 1];
	struct nsh_entry e;
	int fd, fd2;

	memset(name, 'n', sizeof(name));
	/* The longest name works, one byte more does not. */
	fd = nsh_open_len(self->dev, name, NAMEDSHM_NAME_MAX, NSH_CREATE, 0600,
			  PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nsh_region_info(fd, &info, back, sizeof(back)));
	EXPECT_EQ(NAMEDSHM_NAME_MAX, info.name_len);
	EXPECT_EQ(0, memcmp(back, name, NAMEDSHM_NAME_MAX));
	/* Too small a buffer: length reported, nothing copied. */
	memset(back, 0, sizeof(back));
	ASSERT_EQ(0, nsh_region_info(fd, &info, back, 10));
	EXPECT_EQ(NAMEDSHM_NAME_MAX, info.name_len);
	EXPECT_EQ(0, back[0]);
	close(fd);
	EXPECT_EQ(-ENAMETOOLONG,
		  nsh_open_len(self->dev, name, NAMEDSHM_NAME_MAX + 1,
			       NSH_CREATE, 0600, PAGE, NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open_len(self->dev, name, 0, NSH_CREATE, 0600,
					PAGE, NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open_len(self->dev, "a\0b", 3, NSH_CREATE, 0600,
					PAGE, NULL, NULL));

	/* Names are case-sensitive bytes; the listing escapes odd ones. */
	fd = nsh_open(self->dev, "CaseName", NSH_CREATE, 0600, PAGE, NULL,
		      NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ENOENT, open_only(self->dev, "casename"));
	EXPECT_EQ(1, nsh_listing("CaseName", NULL));
	close(fd);
	fd = nsh_open(self->dev, odd, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	fd2 = open_only(self->dev, odd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(1, nsh_listing("sp\\040ace\\011tab\\012nl\\134bs\\377", &e));
	EXPECT_EQ(2, e.handles);
	close(fd);
	close(fd2);
}

TEST_F(ns, bad_input_gets_clean_errors)
{
	struct namedshm_open args;
	struct namedshm_region_info info;
	struct {
		struct namedshm_open o;
		uint64_t extra;
	} big;
	char *page, c = 0;
	int fd;

	/* Unknown commands. */
	EXPECT_EQ(-1, ioctl(self->dev, _IO(NAMEDSHM_IOC_MAGIC, 0x7f), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_REGION_INFO, &info));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->dev, TCGETS, &info));
	EXPECT_EQ(ENOTTY, errno);

	/* Bad pointers. */
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_OPEN, NULL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_OPEN, (void *)16));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_OPEN,
			    (void *)0xffffffff81000000UL));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_DEVICE_INFO, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-EFAULT, nsh_open_len(self->dev, (void *)8, 5, NSH_CREATE,
					0600, PAGE, NULL, NULL));
	/* The last page of the address space: the kernel's, everywhere. */
	EXPECT_EQ(-EFAULT, nsh_open_len(self->dev, (void *)(uintptr_t)-PAGE,
					5, NSH_CREATE, 0600, PAGE, NULL,
					NULL));

	/* The output struct sits on a read-only page: EFAULT, no handle. */
	page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	memset(&args, 0, sizeof(args));
	args.argsz = sizeof(args);
	args.flags = NSH_CREATE;
	args.name = (uintptr_t)"efault-out";
	args.name_len = strlen("efault-out");
	args.mode = 0600;
	args.size = PAGE;
	memcpy(page, &args, sizeof(args));
	ASSERT_EQ(0, mprotect(page, PAGE, PROT_READ));
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_OPEN, page));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, nsh_live_regions());
	munmap(page, PAGE);

	/* Flags, padding, mode, combinations. */
	EXPECT_EQ(-EINVAL, nsh_open(self->dev, "x", NSH_CREATE | (1U << 31),
				    0600, PAGE, NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open(self->dev, "x", NSH_CREATE | (1U << 7),
				    0600, PAGE, NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open(self->dev, "x", NSH_CREATE, 01000, PAGE,
				    NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open(self->dev, "x", NAMEDSHM_OPEN_EXCL, 0600,
				    PAGE, NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open(self->dev, "x", NAMEDSHM_OPEN_RESERVE, 0600,
				    PAGE, NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open(self->dev, "x", NAMEDSHM_OPEN_HUGE, 0600,
				    PAGE, NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open_len(self->dev, NULL, 0, NSH_RW, 0600, PAGE,
					NULL, NULL));
	EXPECT_EQ(-EINVAL, nsh_open_len(self->dev, NULL, 4, NSH_CREATE, 0600,
					PAGE, NULL, NULL));
	memset(&args, 0, sizeof(args));
	args.argsz = sizeof(args);
	args.flags = NSH_CREATE;
	args.name = (uintptr_t)"x";
	args.name_len = 1;
	args.size = PAGE;
	args.pad = 1;
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_OPEN, &args));
	EXPECT_EQ(EINVAL, errno);

	/* argsz: too small, too large, unknown non-zero tail, zero tail. */
	args.pad = 0;
	args.argsz = 8;
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_OPEN, &args));
	EXPECT_EQ(EINVAL, errno);
	args.argsz = 1U << 20;
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_OPEN, &args));
	EXPECT_EQ(E2BIG, errno);
	big.o = args;
	big.o.argsz = sizeof(big);
	big.extra = 1;
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_OPEN, &big));
	EXPECT_EQ(E2BIG, errno);
	big.extra = 0;
	fd = ioctl(self->dev, NAMEDSHM_IOC_OPEN, &big);
	ASSERT_LE(0, fd);
	EXPECT_EQ(NAMEDSHM_STATUS_CREATED, big.o.status);
	EXPECT_EQ(0, big.extra);

	/* Handle ioctls. */
	EXPECT_EQ(-1, ioctl(fd, NAMEDSHM_IOC_OPEN, &args));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, NAMEDSHM_IOC_REGION_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.reserved = 1;
	EXPECT_EQ(-1, ioctl(fd, NAMEDSHM_IOC_REGION_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.name = 8;
	info.name_len = 100;
	EXPECT_EQ(-1, ioctl(fd, NAMEDSHM_IOC_REGION_INFO, &info));
	EXPECT_EQ(EFAULT, errno);

	/* Handles are not files with contents. */
	EXPECT_EQ(-1, read(fd, &c, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(fd, &c, 1));
	EXPECT_EQ(EINVAL, errno);
	close(fd);
}

struct race {
	int dev;
	int threads;
	char name[160];
	pthread_barrier_t barrier;
	atomic_int created, existed, failed;
	int fds[64];
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	static atomic_int next;
	int me = atomic_fetch_add(&next, 1) % r->threads;
	uint32_t st = 0;
	int fd;

	pthread_barrier_wait(&r->barrier);
	fd = nsh_open(r->dev, r->name, NSH_CREATE, 0600, PAGE, &st, NULL);
	r->fds[me] = fd;
	if (fd < 0)
		atomic_fetch_add(&r->failed, 1);
	else if (st == NAMEDSHM_STATUS_CREATED)
		atomic_fetch_add(&r->created, 1);
	else if (st == NAMEDSHM_STATUS_EXISTED)
		atomic_fetch_add(&r->existed, 1);
	else
		atomic_fetch_add(&r->failed, 1);
	return NULL;
}

/* The lowest descriptor number not in use. */
static int lowest_free_fd(void)
{
	int fd = dup(0);

	if (fd >= 0)
		close(fd);
	return fd;
}

/*
 * Out of descriptors, for the process (EMFILE) or for the system
 * (ENFILE): create, open and unnamed create fail with exactly that errno
 * and leave nothing behind.
 */
TEST_F(ns, descriptor_limits_give_emfile_and_enfile)
{
	const char *name = nsh_name("nofile");
	char fresh[160], max_before[32] = "";
	struct nsh_entry e;
	int fd, mx, code;
	pid_t pid;

	snprintf(fresh, sizeof(fresh), "%s-new", name);
	fd = nsh_open(self->dev, name, NSH_CREATE, 0666, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);

	/* EMFILE: RLIMIT_NOFILE at the lowest free descriptor. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int dev = nsh_dev(), free_fd = lowest_free_fd(), fail = 0;
		struct rlimit rl = { free_fd, free_fd };

		if (dev < 0 || free_fd < 0 || setrlimit(RLIMIT_NOFILE, &rl))
			_exit(100);
		if (nsh_open(dev, fresh, NSH_CREATE, 0600, PAGE, NULL, NULL) !=
		    -EMFILE)
			fail |= 1;
		if (nsh_open(dev, name, NSH_RW, 0, 0, NULL, NULL) != -EMFILE)
			fail |= 2;
		if (nsh_open(dev, NULL, NSH_CREATE, 0600, PAGE, NULL, NULL) !=
		    -EMFILE)
			fail |= 4;
		_exit(fail);
	}
	EXPECT_EQ(0, nsh_wait(pid));
	EXPECT_EQ(-ENOENT, open_only(self->dev, fresh));
	EXPECT_EQ(1, nsh_live_regions());
	ASSERT_EQ(1, nsh_listing(name, &e));
	EXPECT_EQ(1, e.handles);

	/*
	 * ENFILE: fs.file-max at 0 stops every file allocation of tasks
	 * without CAP_SYS_ADMIN; the child drops to another user.
	 */
	mx = open("/proc/sys/fs/file-max", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, mx);
	ASSERT_LT(0, read(mx, max_before, sizeof(max_before) - 1));
	close(mx);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int dev = nsh_dev(), fail = 0;

		if (dev < 0 || setresuid(1000, 1000, 1000))
			_exit(100);
		if (nsh_write_file("/proc/sys/fs/file-max", "0") != -EACCES)
			fail |= 64; /* not privileged any more */
		/* The parent lowers the limit and lets the child go on. */
		raise(SIGSTOP);
		if (nsh_open(dev, fresh, NSH_CREATE, 0600, PAGE, NULL, NULL) !=
		    -ENFILE)
			fail |= 1;
		if (nsh_open(dev, name, NSH_RW, 0, 0, NULL, NULL) != -ENFILE)
			fail |= 2;
		if (nsh_open(dev, NULL, NSH_CREATE, 0600, PAGE, NULL, NULL) !=
		    -ENFILE)
			fail |= 4;
		_exit(fail);
	}
	ASSERT_EQ(pid, waitpid(pid, &code, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(code));
	ASSERT_EQ(0, nsh_write_file("/proc/sys/fs/file-max", "0"));
	kill(pid, SIGCONT);
	code = nsh_wait(pid);
	/* Restore before any assertion can end the test. */
	ASSERT_EQ(0, nsh_write_file("/proc/sys/fs/file-max", max_before));
	EXPECT_EQ(0, code);
	EXPECT_EQ(-ENOENT, open_only(self->dev, fresh));
	EXPECT_EQ(1, nsh_live_regions());
	ASSERT_EQ(1, nsh_listing(name, &e));
	EXPECT_EQ(1, e.handles);
	close(fd);
}

/* A swap file's blocks belong to swap: never a writable region. */
TEST_F(ns, swap_file_backing_is_never_writable)
{
	const char *name = nsh_name("swap");
	const char *path = "/tmp/namedshm-swapfile";
	unsigned int pages = 16, *hdr;
	char *page0;
	int file, fd, err;

	file = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ftruncate(file, pages * PAGE));
	/* mkswap by hand: version 1, last page, the signature. */
	page0 = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, file, 0);
	ASSERT_NE(MAP_FAILED, page0);
	hdr = (unsigned int *)(page0 + 1024);
	hdr[0] = 1;
	hdr[1] = pages - 1;
	memcpy(page0 + PAGE - 10, "SWAPSPACE2", 10);
	munmap(page0, PAGE);
	if (swapon(path, 0)) {
		err = errno;
		close(file);
		unlink(path);
		/* No CONFIG_SWAP, or a filesystem that cannot hold swap. */
		ASSERT_TRUE(err == ENOSYS || err == EINVAL || err == EPERM)
			TH_LOG("swapon: %s", strerror(err));
		SKIP(return, "no swap file possible here: swapon on /tmp: %s",
		     strerror(err));
	}
	/* @file was opened for writing before it became a swap file. */
	EXPECT_EQ(-EPERM, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					  file, sizeof(struct namedshm_open)));
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));
	fd = nsh_open_backed(self->dev, name, NAMEDSHM_OPEN_CREATE, PAGE, file,
			     sizeof(struct namedshm_open));
	EXPECT_LE(0, fd);
	EXPECT_EQ(-EACCES, nsh_open(self->dev, name, NSH_RW, 0, 0, NULL,
				    NULL));
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(0, swapoff(path));
	close(file);
	unlink(path);
}

TEST_F_TIMEOUT(ns, concurrent_create_has_one_creator, 300)
{
	enum { THREADS = 8, ROUNDS = 200 };
	struct race r = { .dev = self->dev, .threads = THREADS };
	pthread_t tid[THREADS];
	struct namedshm_region_info info;
	int round, i, bad_rounds = 0;
	char *p;

	for (round = 0; round < ROUNDS; round++) {
		snprintf(r.name, sizeof(r.name), "%s-%d", nsh_name("race"),
			 round);
		atomic_store(&r.created, 0);
		atomic_store(&r.existed, 0);
		atomic_store(&r.failed, 0);
		ASSERT_EQ(0, pthread_barrier_init(&r.barrier, NULL, THREADS));
		for (i = 0; i < THREADS; i++)
			ASSERT_EQ(0, pthread_create(&tid[i], NULL, race_thread,
						    &r));
		for (i = 0; i < THREADS; i++)
			pthread_join(tid[i], NULL);
		pthread_barrier_destroy(&r.barrier);

		if (atomic_load(&r.created) != 1 ||
		    atomic_load(&r.existed) != THREADS - 1 ||
		    atomic_load(&r.failed)) {
			TH_LOG("round %d: created %d existed %d failed %d",
			       round, atomic_load(&r.created),
			       atomic_load(&r.existed), atomic_load(&r.failed));
			bad_rounds++;
		}
		/* All handles reach one region. */
		ASSERT_LE(0, r.fds[0]);
		ASSERT_EQ(0, nsh_region_info(r.fds[0], &info, NULL, 0));
		EXPECT_EQ(THREADS, info.handles);
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 r.fds[0], 0);
		ASSERT_NE(MAP_FAILED, p);
		p[0] = (char)round;
		for (i = 1; i < THREADS; i++) {
			char *q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED,
				       r.fds[i], 0);

			ASSERT_NE(MAP_FAILED, q);
			EXPECT_EQ((char)round, q[0]);
			munmap(q, PAGE);
		}
		munmap(p, PAGE);
		for (i = 0; i < THREADS; i++)
			close(r.fds[i]);
		EXPECT_EQ(-ENOENT, open_only(self->dev, r.name));
	}
	EXPECT_EQ(0, bad_rounds);
}

/* Concurrent create, open and close of a few names from many threads. */
struct churn {
	int dev;
	char names[4][160];
	atomic_int errors;
};

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	unsigned int seed = (unsigned int)(uintptr_t)pthread_self();
	int i;

	for (i = 0; i < 2000; i++) {
		const char *name = c->names[rand_r(&seed) % 4];
		uint32_t st;
		int fd = nsh_open(c->dev, name, NSH_CREATE, 0600, PAGE, &st,
				  NULL);

		if (fd < 0) {
			atomic_fetch_add(&c->errors, 1);
			continue;
		}
		if (rand_r(&seed) % 2) {
			char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				       MAP_SHARED, fd, 0);

			if (p == MAP_FAILED)
				atomic_fetch_add(&c->errors, 1);
			else
				munmap(p, PAGE);
		}
		close(fd);
	}
	return NULL;
}

TEST_F_TIMEOUT(ns, concurrent_churn_leaves_nothing, 300)
{
	struct churn c = { .dev = self->dev };
	pthread_t tid[8];
	int i;

	for (i = 0; i < 4; i++)
		snprintf(c.names[i], sizeof(c.names[i]), "%s-%d",
			 nsh_name("churn"), i);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, churn_thread, &c));
	for (i = 0; i < 8; i++)
		pthread_join(tid[i], NULL);
	EXPECT_EQ(0, atomic_load(&c.errors));
	EXPECT_EQ(0, nsh_live_regions());
}

TEST_F(ns, permissions_follow_owner_group_other)
{
	const char *name = nsh_name("perm");
	int fd;
	pid_t pid;

	/* Created by root: 0640, group 0. */
	fd = nsh_open(self->dev, name, NSH_CREATE, 0640, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int dev = nsh_dev(), fail = 0, h;

		/* Another user in another group: no access at all. */
		if (setresgid(2000, 2000, 2000) || setgroups(0, NULL) ||
		    setresuid(1000, 1000, 1000))
			_exit(100);
		if (open_only(dev, name) != -EACCES)
			fail |= 1;
		if (nsh_open(dev, name, NSH_RW, 0, 0, NULL, NULL) != -EACCES)
			fail |= 2;
		if (nsh_open(dev, name, NSH_CREATE, 0666, PAGE, NULL, NULL) !=
		    -EACCES)
			fail |= 4;
		/* Its own region, 0600: the owner may do anything. */
		h = nsh_open(dev, "perm-child", NSH_CREATE, 0600, PAGE, NULL,
			     NULL);
		if (h < 0)
			fail |= 8;
		_exit(fail);
	}
	EXPECT_EQ(0, nsh_wait(pid));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int dev = nsh_dev(), fail = 0, h;

		/* A member of group 0: read (0640 gives the group r--). */
		if (setresgid(0, 0, 0) || setresuid(1000, 1000, 1000))
			_exit(100);
		h = open_only(dev, name);
		if (h < 0)
			fail |= 1;
		if (nsh_open(dev, name, NSH_RW, 0, 0, NULL, NULL) != -EACCES)
			fail |= 2;
		_exit(fail);
	}
	EXPECT_EQ(0, nsh_wait(pid));
	close(fd);

	/* Owned by uid 1000 with mode 0: root still gets in (CAP_IPC_OWNER). */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int go[2], dev, h;
		pid_t owner;
		char c;

		if (pipe(go))
			_exit(100);
		owner = fork();
		if (!owner) {
			dev = nsh_dev();
			if (setresuid(1000, 1000, 1000))
				_exit(1);
			h = nsh_open(dev, name, NSH_CREATE, 0, PAGE, NULL,
				     NULL);
			if (h < 0)
				_exit(2);
			/* The owner itself is refused by mode 0 too. */
			if (open_only(dev, name) != -EACCES)
				_exit(3);
			if (write(go[1], "r", 1) != 1)
				_exit(4);
			pause();
			_exit(0);
		}
		if (read(go[0], &c, 1) != 1)
			_exit(101);
		dev = nsh_dev();
		h = nsh_open(dev, name, NSH_RW, 0, 0, NULL, NULL);
		kill(owner, SIGKILL);
		waitpid(owner, NULL, 0);
		_exit(h >= 0 ? 0 : 102);
	}
	EXPECT_EQ(0, nsh_wait(pid));
}

TEST_F(ns, listing_and_fdinfo_describe_regions)
{
	const char *name = nsh_name("list");
	struct nsh_entry e;
	char path[64], buf[4096], *p;
	int fd, fd2, d, ufd;
	ssize_t n;
	FILE *f;
	bool seen = false;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0640, 2 * PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, nsh_listing(name, &e));
	EXPECT_EQ(2 * PAGE, e.size);
	EXPECT_EQ(1, e.handles);
	EXPECT_EQ(0, e.mapped);
	EXPECT_EQ(geteuid(), e.uid);
	EXPECT_EQ(getegid(), e.gid);
	EXPECT_EQ(0640, e.mode);

	d = dup(fd);
	fd2 = open_only(self->dev, name);
	ASSERT_LE(0, fd2);
	ufd = nsh_open(self->dev, NULL, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, ufd);
	ASSERT_EQ(1, nsh_listing(name, &e));
	EXPECT_EQ(2, e.handles);
	/* Unnamed regions are not listed. */
	EXPECT_EQ(1, nsh_listing(NULL, NULL));

	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd2, PAGE);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(1, nsh_listing(name, &e));
	EXPECT_EQ(1, e.mapped);

	/* /proc/PID/maps names the region. */
	f = fopen("/proc/self/maps", "re");
	ASSERT_NE(NULL, f);
	while (fgets(buf, sizeof(buf), f)) {
		unsigned long start;

		if (sscanf(buf, "%lx-", &start) == 1 &&
		    start == (unsigned long)p) {
			seen = strstr(buf, "namedshm:") &&
			       strstr(buf, name);
			buf[strcspn(buf, "\n")] = '\0';
			TH_LOG("maps: %s", buf);
		}
	}
	fclose(f);
	EXPECT_TRUE(seen);

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd2);
	f = fopen(path, "re");
	ASSERT_NE(NULL, f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	ASSERT_LT(0, n);
	buf[n] = 0;
	EXPECT_NE(NULL, strstr(buf, "namedshm-name:\t"));
	EXPECT_NE(NULL, strstr(buf, name));
	snprintf(path, sizeof(path), "namedshm-size:\t%ld\n", 2 * PAGE);
	EXPECT_NE(NULL, strstr(buf, path));
	EXPECT_NE(NULL, strstr(buf, "namedshm-access:\tr\n"));
	EXPECT_NE(NULL, strstr(buf, "namedshm-handles:\t2\n"));

	close(fd);
	close(d);
	close(fd2);
	EXPECT_EQ(0, nsh_listing(name, NULL));
	munmap(p, PAGE);
	close(ufd);
}

TEST_F(ns, many_regions_listed_and_gone)
{
	enum { N = 3000 };
	static int fds[N];
	struct rlimit rl = { N + 64, N + 64 };
	char name[128];
	int i;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));

	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "many-%d", i);
		fds[i] = nsh_open(self->dev, name, NSH_CREATE, 0600, PAGE,
				  NULL, NULL);
		ASSERT_LE(0, fds[i]);
	}
	/* The listing walks every bucket, across read() calls. */
	EXPECT_EQ(N, nsh_listing(NULL, NULL));
	EXPECT_EQ(1, nsh_listing("many-0", NULL));
	EXPECT_EQ(1, nsh_listing("many-2999", NULL));
	EXPECT_EQ(N, nsh_live_regions());
	for (i = 0; i < N; i++)
		close(fds[i]);
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

TEST_F(ns, file_backed_regions_map_the_file)
{
	const char *name = nsh_name("file");
	const char *path = "/tmp/namedshm-file-test";
	struct namedshm_region_info info;
	char buf[64];
	int file, fd, fd2;
	char *p, *q;

	file = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ftruncate(file, 2 * PAGE));
	ASSERT_EQ(5, pwrite(file, "disk!", 5, PAGE));

	fd = nsh_open_backed(self->dev, name, NSH_CREATE, 2 * PAGE, file,
			     sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	/* The region holds the file: our descriptor can go. */
	close(file);
	ASSERT_EQ(0, nsh_region_info(fd, &info, NULL, 0));
	EXPECT_EQ(NAMEDSHM_REGION_NAMED | NAMEDSHM_REGION_FILE |
			  NAMEDSHM_REGION_WRITABLE, info.flags);
	EXPECT_EQ(2 * PAGE, info.size);

	/* Another handle by name, a view: the file's data, both ways. */
	fd2 = nsh_open(self->dev, name, NSH_RW, 0, 0, NULL, NULL);
	ASSERT_LE(0, fd2);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, memcmp(p + PAGE, "disk!", 5));
	memcpy(p, "view!", 5);
	q = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(0, memcmp(q, "view!", 5));
	EXPECT_EQ(0, msync(p, 2 * PAGE, MS_SYNC));
	munmap(p, 2 * PAGE);
	munmap(q, PAGE);
	close(fd);
	close(fd2);
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));

	/* Written through the view, it is in the file after everything. */
	file = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, file);
	ASSERT_EQ(5, pread(file, buf, 5, 0));
	EXPECT_EQ(0, memcmp(buf, "view!", 5));
	close(file);
	unlink(path);
}

TEST_F(ns, file_backed_regions_respect_the_file_mode)
{
	const char *name = nsh_name("rofile");
	const char *path = "/tmp/namedshm-rofile-test";
	struct namedshm_region_info info;
	int file, fd, pfd[2];
	char *p;

	file = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ftruncate(file, PAGE));
	close(file);

	/* Read-only file: no read-write region, now or later. */
	file = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, file);
	EXPECT_EQ(-EACCES, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					   file, sizeof(struct namedshm_open)));
	fd = nsh_open_backed(self->dev, name, NAMEDSHM_OPEN_CREATE, PAGE, file,
			     sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nsh_region_info(fd, &info, NULL, 0));
	EXPECT_EQ(NAMEDSHM_REGION_NAMED | NAMEDSHM_REGION_FILE, info.flags);
	/* Even root (CAP_IPC_OWNER) gets no writable handle. */
	EXPECT_EQ(-EACCES, nsh_open(self->dev, name, NSH_RW, 0, 0, NULL, NULL));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0));
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, PAGE);
	close(fd);
	close(file);

	/* Write-only file: not readable, refused. */
	file = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, file);
	EXPECT_EQ(-EACCES, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					   file, sizeof(struct namedshm_open)));
	close(file);

	/* Not regular files, bad descriptors, bad combinations. */
	ASSERT_EQ(0, pipe(pfd));
	EXPECT_EQ(-ENODEV, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					   pfd[0], sizeof(struct namedshm_open)));
	close(pfd[0]);
	close(pfd[1]);
	file = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, file);
	EXPECT_EQ(-ENODEV, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					   file, sizeof(struct namedshm_open)));
	EXPECT_EQ(-ENODEV, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					   self->dev,
					   sizeof(struct namedshm_open)));
	close(file);
	file = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT_LE(0, file);
	EXPECT_EQ(-ENODEV, nsh_open_backed(self->dev, name, NAMEDSHM_OPEN_CREATE,
					   PAGE, file,
					   sizeof(struct namedshm_open)));
	close(file);
	EXPECT_EQ(-EBADF, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					  999, sizeof(struct namedshm_open)));
	file = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, file);
	EXPECT_EQ(-EINVAL, nsh_open_backed(self->dev, name, NSH_RW, PAGE, file,
					   sizeof(struct namedshm_open)));
	EXPECT_EQ(-EINVAL, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					   file, NAMEDSHM_OPEN_SIZE_VER0));
	close(file);
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));
	unlink(path);
}

TEST_F(ns, file_backing_cannot_bypass_memfd_seals)
{
	const char *name = nsh_name("sealed");
	struct namedshm_region_info info;
	unsigned int seals[] = { F_SEAL_WRITE, F_SEAL_FUTURE_WRITE };
	int mfd, fd, i;
	char *p;

	/* A memfd that could still be sealed later: refused. */
	mfd = memfd_create("sealable", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, PAGE));
	EXPECT_EQ(-EBUSY, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					  mfd, sizeof(struct namedshm_open)));
	close(mfd);

	for (i = 0; i < 2; i++) {
		mfd = memfd_create("sealed", MFD_ALLOW_SEALING | MFD_CLOEXEC);
		ASSERT_LE(0, mfd);
		ASSERT_EQ(0, ftruncate(mfd, PAGE));
		ASSERT_EQ(0, fcntl(mfd, F_ADD_SEALS, seals[i] | F_SEAL_SEAL));
		/* Write-sealed: no writable region, handle or mapping. */
		EXPECT_EQ(-EPERM, nsh_open_backed(self->dev, name, NSH_CREATE,
						  PAGE, mfd,
						  sizeof(struct namedshm_open)));
		fd = nsh_open_backed(self->dev, name, NAMEDSHM_OPEN_CREATE,
				     PAGE, mfd, sizeof(struct namedshm_open));
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, nsh_region_info(fd, &info, NULL, 0));
		EXPECT_EQ(0, info.flags & NAMEDSHM_REGION_WRITABLE);
		EXPECT_EQ(-EACCES, nsh_open(self->dev, name, NSH_RW, 0, 0,
					    NULL, NULL));
		EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					   MAP_SHARED, fd, 0));
		/* Mapped read-only, it stays so. */
		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_WRITE));
		EXPECT_EQ(EACCES, errno);
		munmap(p, PAGE);
		close(fd);
		close(mfd);
	}

	/* A memfd without sealing is as good as a tmpfs file. */
	mfd = memfd_create("plain", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, PAGE));
	fd = nsh_open_backed(self->dev, name, NSH_CREATE, PAGE, mfd,
			     sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 1;
	munmap(p, PAGE);
	close(fd);
	close(mfd);
}

TEST_F(ns, append_only_backing_files_are_never_written)
{
	const char *name = nsh_name("append");
	const char *path = "/tmp/namedshm-append";
	int file, fd, flags = FS_APPEND_FL;

	/* An append-only file: its content may only grow, never change. */
	file = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ftruncate(file, PAGE));
	if (ioctl(file, FS_IOC_SETFLAGS, &flags)) {
		int err = errno;

		/* tmpfs without file attributes here: none can exist. */
		close(file);
		unlink(path);
		ASSERT_TRUE(err == ENOTTY || err == EOPNOTSUPP);
		SKIP(return, "tmpfs has no file attributes on this kernel (%s): no append-only file to try",
		     strerror(err));
	}
	close(file);
	file = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	ASSERT_LE(0, file);
	EXPECT_EQ(-EPERM, nsh_open_backed(self->dev, name, NSH_CREATE, PAGE,
					  file, sizeof(struct namedshm_open)));
	fd = nsh_open_backed(self->dev, name, NAMEDSHM_OPEN_CREATE, PAGE, file,
			     sizeof(struct namedshm_open));
	EXPECT_LE(0, fd);
	EXPECT_EQ(-EACCES, nsh_open(self->dev, name, NSH_RW, 0, 0, NULL,
				    NULL));
	close(fd);
	close(file);
	flags = 0;
	file = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, ioctl(file, FS_IOC_SETFLAGS, &flags));
	close(file);
	unlink(path);
}

TEST_F(ns, hugetlbfs_backing_files_are_refused)
{
	const char *name = nsh_name("hugetlb");
	int file;

	/* hugetlbfs: its mmap trusts an alignment only it can establish. */
	file = memfd_create("huge", MFD_HUGETLB | MFD_CLOEXEC);
	if (file < 0) {
		int err = errno;

		/* This kernel has no hugetlbfs: nothing such can be passed. */
		ASSERT_TRUE(err == EINVAL || err == ENOSYS);
		SKIP(return, "no hugetlbfs on this kernel (%s)",
		     strerror(err));
	}
	EXPECT_EQ(-ENODEV, nsh_open_backed(self->dev, name,
					   NAMEDSHM_OPEN_CREATE, PAGE, file,
					   sizeof(struct namedshm_open)));
	EXPECT_EQ(-ENOENT, open_only(self->dev, name));
	close(file);
}

TEST_F(ns, shared_memory_is_never_executable)
{
	const char *name = nsh_name("noexec");
	int fd;
	char *p;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, 4 * PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_EXEC,
				   MAP_SHARED, fd, 0));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_EXEC,
				   MAP_PRIVATE, fd, 0));
	EXPECT_EQ(EPERM, errno);
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	/*
	 * remap_file_pages() maps the mapping's own file again, past the
	 * handle: the region's file lives on a noexec mount, so that copy
	 * cannot become executable either.
	 */
	nsh_fill(p + 2 * PAGE, PAGE, 23);
	ASSERT_EQ(0, remap_file_pages(p, PAGE, 0, 2, 0))
		TH_LOG("remap_file_pages: %s", strerror(errno));
	/* It did remap: the first page now shows the region's third. */
	EXPECT_TRUE(nsh_check(p, PAGE, 23));
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	munmap(p, 4 * PAGE);
	close(fd);
}

TEST_F(ns, ipc_namespaces_have_their_own_names)
{
	const char *name = nsh_name("ipcns");
	struct nsh_entry e;
	int sv[2], fd, got, status;
	char *p, *q;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'P';

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		uint32_t st = 0;
		char listing[4096], line[160];
		ssize_t n;
		int h, pre;
		char *c;

		/* A listing opened before: it stays the parent's namespace's. */
		pre = open("/proc/namedshm", O_RDONLY | O_CLOEXEC);
		if (pre < 0)
			_exit(9);
		if (unshare(CLONE_NEWIPC))
			_exit(10);
		/* The parent's name does not exist here... */
		if (open_only(self->dev, name) != -ENOENT)
			_exit(11);
		if (nsh_listing(NULL, NULL) != 0)
			_exit(12);
		/* ...and the same name is a region of its own. */
		h = nsh_open(self->dev, name, NSH_CREATE, 0600, 2 * PAGE, &st,
			     NULL);
		if (h < 0 || st != NAMEDSHM_STATUS_CREATED)
			_exit(13);
		n = read(pre, listing, sizeof(listing) - 1);
		if (n <= 0)
			_exit(17);
		listing[n] = '\0';
		snprintf(line, sizeof(line), "\n%ld 1 1 ", PAGE);
		if (!strstr(listing, line) || !strstr(listing, name))
			_exit(18);
		snprintf(line, sizeof(line), "\n%ld ", 2 * PAGE);
		if (strstr(listing, line))
			_exit(19);
		close(pre);
		c = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, h, 0);
		if (c == MAP_FAILED || c[0] != 0)
			_exit(14);
		c[0] = 'C';
		if (nsh_listing(name, NULL) != 1 || nsh_listing(NULL, NULL) != 1)
			_exit(15);
		/* A descriptor is a capability: it crosses namespaces. */
		if (send_fd(sv[1], h))
			_exit(16);
		/* Exiting ends the namespace: its last task is gone. */
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status) TH_LOG("child failed at step %d",
				    WEXITSTATUS(status));
	got = recv_fd(sv[0]);
	ASSERT_LE(0, got);
	q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, got, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ('C', q[0]);
	EXPECT_EQ('P', p[0]);
	/* Only our own region is listed here; both are alive. */
	ASSERT_EQ(1, nsh_listing(name, &e));
	EXPECT_EQ(1, e.handles);
	EXPECT_EQ(1, nsh_listing(NULL, NULL));
	EXPECT_EQ(2, nsh_live_regions());
	close(got);
	EXPECT_EQ(1, nsh_live_regions());
	EXPECT_EQ('C', q[0]);
	close(fd);
	munmap(p, PAGE);
	munmap(q, PAGE);
	close(sv[0]);
	close(sv[1]);
}

TEST_F(ns, mappings_start_on_64k_or_2m_boundaries)
{
	const char *name = nsh_name("align");
	size_t big = 4 << 20;
	void *p[8];
	int fd, i;

	/*
	 * A 32-bit process gets no forced alignment: in its small address
	 * space, 64 KiB or 2 MiB steps would leave mmap randomisation 1 to 4
	 * bits (as mainline decided for THP alignment, CVE-2024-26621).
	 * Eight mappings all aligned by chance: 1 in 2^32.
	 */
	bool wide = sizeof(void *) == 8;
	int aligned = 0;

	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, big, NULL, NULL);
	ASSERT_LE(0, fd);
	/* Small ones: the 64 KiB Win32 allocation granularity. */
	for (i = 0; i < 8; i++) {
		p[i] = mmap(NULL, (i + 1) * PAGE,
			    i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			    i % 3 ? MAP_SHARED : MAP_PRIVATE, fd, 0);
		ASSERT_NE(MAP_FAILED, p[i]);
		if (wide)
			EXPECT_EQ(0, (uintptr_t)p[i] & 0xffff);
		aligned += !((uintptr_t)p[i] & 0xffff);
	}
	if (!wide)
		EXPECT_GT(8, aligned) TH_LOG("32-bit: all 8 on 64 KiB");
	for (i = 0; i < 8; i++)
		munmap(p[i], (i + 1) * PAGE);
	/* Large ones: a PMD boundary, so huge pages can back them. */
	for (i = 0; i < 4 && wide; i++) {
		p[i] = mmap(NULL, big, PROT_READ, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, p[i]);
		EXPECT_EQ(0, (uintptr_t)p[i] & ((2 << 20) - 1));
	}
	for (i = 0; i < 4 && wide; i++)
		munmap(p[i], big);
	close(fd);
}

/* Sum of one smaps field over the mapping that contains @addr, in kB. */
static long smaps_field(void *addr, const char *field)
{
	char line[512];
	unsigned long start, end;
	bool in = false;
	long v = -1;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = (uintptr_t)addr >= start && (uintptr_t)addr < end;
			continue;
		}
		if (in && !strncmp(line, field, strlen(field)))
			v = atol(line + strlen(field));
	}
	fclose(f);
	return v;
}

/*
 * Where to map @size bytes on a 2 MiB boundary.  The module aligns the
 * mappings of 64-bit processes itself; a 32-bit process (no forced
 * alignment, see mappings_start_on_64k_or_2m_boundaries) asks with a
 * hint at a free aligned address.
 */
static void *huge_hint(size_t size)
{
	const uintptr_t pmd = 2 << 20;
	uintptr_t a;
	void *q;

	if (sizeof(void *) == 8)
		return NULL;
	q = mmap(NULL, size + pmd, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (q == MAP_FAILED)
		return NULL;
	munmap(q, size + pmd);
	a = ((uintptr_t)q + pmd - 1) & ~(pmd - 1);
	return (void *)a;
}

TEST_F(ns, huge_regions_get_huge_pages)
{
	const char *name = nsh_name("huge");
	struct namedshm_region_info info;
	size_t size = 8 << 20;
	int fd, file;
	char *p;

	fd = nsh_open(self->dev, name, NSH_CREATE | NAMEDSHM_OPEN_HUGE, 0600,
		      size, NULL, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nsh_region_info(fd, &info, NULL, 0));
	/* Both test kernels have transparent huge pages. */
	ASSERT_EQ(NAMEDSHM_REGION_HUGE, info.flags & NAMEDSHM_REGION_HUGE);
	p = mmap(huge_hint(size), size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, (uintptr_t)p & ((2 << 20) - 1));
	memset(p, 7, size);
	EXPECT_LE(2048, smaps_field(p, "ShmemPmdMapped:"))
		TH_LOG("ShmemPmdMapped %ld kB",
		       smaps_field(p, "ShmemPmdMapped:"));
	EXPECT_EQ(7, p[size - 1]);
	munmap(p, size);
	close(fd);

	/* An ordinary region does not. */
	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, size, NULL, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nsh_region_info(fd, &info, NULL, 0));
	EXPECT_EQ(0, info.flags & NAMEDSHM_REGION_HUGE);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 7, size);
	EXPECT_EQ(0, smaps_field(p, "ShmemPmdMapped:"));
	munmap(p, size);
	close(fd);

	/* Huge pages are for anonymous regions only. */
	file = open("/tmp", O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	ASSERT_LE(0, file);
	EXPECT_EQ(-EINVAL, nsh_open_backed(self->dev, name,
					   NSH_CREATE | NAMEDSHM_OPEN_HUGE,
					   PAGE, file,
					   sizeof(struct namedshm_open)));
	close(file);
}

TEST_F(ns, memory_goes_with_the_last_handle_and_mapping)
{
	const char *name = nsh_name("memfree");
	size_t size = 32 << 20;
	long base, used;
	int fd;
	char *p;

	base = nsh_meminfo_kb("Shmem");
	ASSERT_LT(0, base);
	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, size, NULL, NULL);
	ASSERT_LE(0, fd);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 1, size);
	/* Other shmem users may shrink a little meanwhile: 256 kB slack. */
	used = nsh_meminfo_kb("Shmem") - base;
	EXPECT_LE((long)(size >> 10) - 256, used);

	/* The mapping alone keeps it... */
	close(fd);
	EXPECT_LE((long)(size >> 10) - 256, nsh_meminfo_kb("Shmem") - base);
	EXPECT_EQ(1, p[size - 1]);
	/* ...and the moment it goes, so does the memory. */
	munmap(p, size);
	EXPECT_GE(64, nsh_meminfo_kb("Shmem") - base);

	/* The handle alone keeps it too. */
	fd = nsh_open(self->dev, name, NSH_CREATE, 0600, size, NULL, NULL);
	ASSERT_LE(0, fd);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 2, size);
	munmap(p, size);
	EXPECT_LE((long)(size >> 10) - 256, nsh_meminfo_kb("Shmem") - base);
	close(fd);
	EXPECT_GE(64, nsh_meminfo_kb("Shmem") - base);
}

static off_t file_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? -1 : st.st_size;
}

TEST_F(ns, grow_extends_the_backing_file_on_create_only)
{
	const char *name = nsh_name("grow");
	int mfd, ro, fd, fd2;
	char path[64];
	char *p;

	mfd = memfd_create("grow", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, 100));
	/* Larger than the file: EINVAL without GROW. */
	EXPECT_EQ(-EINVAL, nsh_open_backed(self->dev, name, NSH_CREATE,
					   4 * PAGE, mfd,
					   sizeof(struct namedshm_open)));
	EXPECT_EQ(100, file_size(mfd));
	/* A read-only descriptor cannot grow it: EPERM, file unchanged. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EPERM, nsh_open_backed(self->dev, name,
					  NAMEDSHM_OPEN_CREATE |
						  NAMEDSHM_OPEN_GROW,
					  4 * PAGE, ro,
					  sizeof(struct namedshm_open)));
	EXPECT_EQ(100, file_size(mfd));
	close(ro);

	/* The create extends it to the size asked, exactly. */
	fd = nsh_open_backed(self->dev, name,
			     NSH_CREATE | NAMEDSHM_OPEN_GROW, 4 * PAGE - 10,
			     mfd, sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	EXPECT_EQ(4 * PAGE - 10, file_size(mfd));
	/* Every page of the region is backed: no SIGBUS at its end. */
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[4 * PAGE - 11] = 'x';
	munmap(p, 4 * PAGE);
	/* Opening the existing name leaves the file alone... */
	ASSERT_EQ(0, ftruncate(mfd, PAGE));
	fd2 = nsh_open_backed(self->dev, name,
			      NSH_CREATE | NAMEDSHM_OPEN_GROW, 8 * PAGE, mfd,
			      sizeof(struct namedshm_open));
	ASSERT_LE(0, fd2);
	EXPECT_EQ(PAGE, file_size(mfd));
	close(fd2);
	close(fd);

	/* ...and GROW never shrinks: a file already long enough stays. */
	ASSERT_EQ(0, ftruncate(mfd, 16 * PAGE));
	fd = nsh_open_backed(self->dev, name,
			     NSH_CREATE | NAMEDSHM_OPEN_GROW, 4 * PAGE, mfd,
			     sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	EXPECT_EQ(16 * PAGE, file_size(mfd));
	close(fd);
	close(mfd);

	/* A file sealed against growing: fallocate(2)'s EPERM. */
	mfd = memfd_create("nogrow", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, PAGE));
	ASSERT_EQ(0, fcntl(mfd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SEAL));
	EXPECT_EQ(-EPERM, nsh_open_backed(self->dev, name,
					  NSH_CREATE | NAMEDSHM_OPEN_GROW,
					  2 * PAGE, mfd,
					  sizeof(struct namedshm_open)));
	EXPECT_EQ(PAGE, file_size(mfd));
	close(mfd);
}

struct grow_arg {
	int dev, file;
	const char *name;
	uint64_t size;
	atomic_int *go;
	int ret;
};

static void *grow_racer(void *p)
{
	struct grow_arg *a = p;

	while (!atomic_load(a->go))
		;
	a->ret = nsh_open_backed(a->dev, a->name,
				 NSH_CREATE | NAMEDSHM_OPEN_GROW, a->size,
				 a->file, sizeof(struct namedshm_open));
	return NULL;
}

/*
 * Two creates growing one file to different sizes at once: whatever the
 * order, the file ends at least as long as the larger region, which its
 * creator may already be using.  (A truncate to the size each create
 * asked for, after sampling i_size, could cut the larger one back.)
 */
TEST_F_TIMEOUT(ns, grow_races_never_shrink_the_file, 120)
{
	struct grow_arg a[2];
	pthread_t th[2];
	atomic_int go;
	int mfd, i, n;

	/* nsh_name() returns one buffer: each racer needs a name of its own. */
	char na[128], nb[128];

	snprintf(na, sizeof(na), "%s", nsh_name("growA"));
	snprintf(nb, sizeof(nb), "%s", nsh_name("growB"));
	mfd = memfd_create("growrace", MFD_CLOEXEC);
	ASSERT_LE(0, mfd);
	for (n = 0; n < 300; n++) {
		ASSERT_EQ(0, ftruncate(mfd, 0));
		atomic_store(&go, 0);
		a[0] = (struct grow_arg){ self->dev, mfd, na, 64 * PAGE, &go,
					  0 };
		a[1] = (struct grow_arg){ self->dev, mfd, nb, PAGE, &go, 0 };
		for (i = 0; i < 2; i++)
			ASSERT_EQ(0, pthread_create(&th[i], NULL, grow_racer,
						    &a[i]));
		atomic_store(&go, 1);
		for (i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		ASSERT_LE(0, a[0].ret);
		ASSERT_LE(0, a[1].ret);
		ASSERT_LE(64 * PAGE, file_size(mfd)) TH_LOG("round %d", n);
		close(a[0].ret);
		close(a[1].ret);
	}
	close(mfd);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--child"))
		return child_main(argc, argv);
	return test_harness_run(argc, argv);
}
