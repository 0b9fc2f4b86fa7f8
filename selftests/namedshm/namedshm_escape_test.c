// SPDX-License-Identifier: GPL-2.0
/*
 * No handle reaches past its region or makes it executable (lifetime rule
 * 3 in module/namedshm.c), whatever the backing: the sequences of the
 * review that found remap_file_pages() mapping the backing file at any
 * offset, each of which succeeded before mappings got a window of their
 * own.  Also: which files may back a region, fstat() on a handle, and the
 * quota and IPC-namespace rules for backed regions.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

#include "../kselftest_harness.h"
#include "namedshm_util.h"

#define PAGE 4096UL
#define FILE_PAGES 256UL
#define SECRET_PAGE 200UL
#define USER_A 1001
#define USER_B 1002

static const char secret[] = "page-200-secret";

static int become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -1;
	return 0;
}

/* Run @fn in a child; its exit status, or 128 + signal. */
static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

enum backing { BACK_FILE, BACK_MEMFD, BACK_ANON };

/* Whether [p, p + len) is mapped (msync() says ENOMEM if not). */
static bool mapped(void *p, size_t len)
{
	return !msync(p, len, MS_ASYNC);
}

/*
 * A refused remap_file_pages() may leave a gap where the mapping was:
 * from 6.12, a MAP_FIXED mmap whose ->mmap fails after the old PTEs are
 * gone cannot restore them.  What must never happen is that the range
 * maps anything but the region.  Map the window's first page there again.
 */
static int remap_refused_then_restore(char *p, int fd)
{
	if (mapped(p, PAGE) && p[0] != 'a')
		return -1; /* still mapped, but not page 0: an escape */
	if (mmap(p, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 0) != p)
		return -2;
	return p[0] == 'a' ? 0 : -3;
}

/*
 * User A's backing: a 1 MiB file, mode 0600, on an exec-allowed tmpfs
 * (/tmp), or a sealed memfd; page 0 holds 'a's and SECRET_PAGE the
 * secret.  Returns the descriptor (A's), or -1.
 */
static int make_backing(enum backing kind, const char *path)
{
	int fd;

	if (kind == BACK_FILE) {
		unlink(path);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	} else {
		fd = memfd_create("escape", MFD_ALLOW_SEALING);
	}
	if (fd < 0 || ftruncate(fd, FILE_PAGES * PAGE))
		return -1;
	if (pwrite(fd, secret, sizeof(secret), SECRET_PAGE * PAGE) !=
	    sizeof(secret))
		return -1;
	for (unsigned long i = 0; i < PAGE; i += 64)
		if (pwrite(fd, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			       "aaaaaaaaaaaaa", 64, i) != 64)
			return -1;
	if (kind == BACK_MEMFD &&
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL))
		return -1;
	return fd;
}

/*
 * User B, who can open the region with write access but not the file:
 * the four sequences of the review.  Exit status: a bit per escape, 0 if
 * every one was refused.
 */
static int attacker(void *arg)
{
	const char *name = arg;
	int dev, fd, escaped = 0;
	char *p, *q;

	if (become(USER_B))
		return 100;
	dev = nsh_dev();
	if (dev < 0)
		return 101;
	fd = nsh_open(dev, name, NSH_RW, 0, 0, NULL, NULL);
	if (fd < 0)
		return 102;
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 103;
	if (p[0] != 'a')
		return 104;

	/* 1: the backing's page 200, read and written. */
	if (!remap_file_pages(p, PAGE, 0, SECRET_PAGE, 0)) {
		escaped |= 1;
		if (!memcmp(p, secret, sizeof(secret)))
			p[0] = 'X';
	} else if (errno != EINVAL) {
		return 105;
	} else if (remap_refused_then_restore(p, fd)) {
		return 106;
	}

	/* 2: a remap inside the window is allowed, exec never. */
	if (remap_file_pages(p, PAGE, 0, 0, 0))
		return 107;
	if (p[0] != 'a')
		return 108;
	if (!mprotect(p, PAGE, PROT_READ | PROT_EXEC))
		escaped |= 2;
	else if (errno != EACCES)
		return 109;

	/* 3: grow past the region, punch a hole into the backing. */
	q = mremap(p, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
	if (q != MAP_FAILED) {
		escaped |= 4;
		p = q;
	}
	if (!madvise(p, PAGE, MADV_REMOVE))
		escaped |= 8;
	if (p[0] != 'a')
		escaped |= 8;
	munmap(p, PAGE);
	close(fd);
	close(dev);
	return escaped;
}

FIXTURE(esc)
{
	int dev;
	int backing;
	char path[64];
};

FIXTURE_VARIANT(esc)
{
	enum backing kind;
};

FIXTURE_VARIANT_ADD(esc, file) { .kind = BACK_FILE };
FIXTURE_VARIANT_ADD(esc, memfd) { .kind = BACK_MEMFD };

FIXTURE_SETUP(esc)
{
	self->dev = nsh_dev();
	ASSERT_LE(0, self->dev);
	ASSERT_EQ(0, nsh_live_regions());
	snprintf(self->path, sizeof(self->path), "/tmp/escape-%d", getpid());
	ASSERT_EQ(0, seteuid(USER_A));
	self->backing = make_backing(variant->kind, self->path);
	ASSERT_EQ(0, seteuid(0));
	ASSERT_LE(0, self->backing);
}

FIXTURE_TEARDOWN(esc)
{
	close(self->backing);
	close(self->dev);
	unlink(self->path);
	EXPECT_EQ(0, nsh_live_regions());
}

/* The review's sequences 1-4: each refused, the backing untouched. */
TEST_F(esc, writable_handle_stays_in_its_window)
{
	struct namedshm_set_perm sp = {
		.argsz = sizeof(sp),
		.flags = NAMEDSHM_SET_MODE,
		.mode = 0666,
	};
	const char *name = nsh_name("escape");
	char buf[sizeof(secret)];
	int fd, status;

	/* A publishes the first page of its file as "X", mode 0666. */
	ASSERT_EQ(0, seteuid(USER_A));
	fd = nsh_open_backed(self->dev, name, NSH_CREATE, PAGE, self->backing,
			     sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, NAMEDSHM_IOC_SET_PERM, &sp));
	ASSERT_EQ(0, seteuid(0));

	status = in_child(attacker, (void *)name);
	EXPECT_EQ(0, status)
	{
		if (status < 16)
			TH_LOG("escapes: remap %d, exec %d, mremap %d, hole %d",
			       !!(status & 1), !!(status & 2), !!(status & 4),
			       !!(status & 8));
		else
			TH_LOG("attacker failed with status %d", status);
	}
	ASSERT_EQ(sizeof(secret),
		  pread(self->backing, buf, sizeof(buf), SECRET_PAGE * PAGE));
	EXPECT_EQ(0, memcmp(buf, secret, sizeof(secret)));
	close(fd);
}

/* The owner of the region is held to the same window. */
TEST_F(esc, creator_stays_in_its_window)
{
	int fd;
	char *p;

	fd = nsh_open_backed(self->dev, NULL, NSH_CREATE, 2 * PAGE,
			     self->backing, sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, remap_file_pages(p, PAGE, 0, 2, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, remap_refused_then_restore(p, fd));
	EXPECT_EQ(0, remap_file_pages(p, PAGE, 0, 1, 0));
	EXPECT_EQ(-1, remap_file_pages(p, 2 * PAGE, 0, 1, 0));
	EXPECT_EQ(EINVAL, errno);
	/* Whatever the refusal left, nothing past the region is mapped. */
	EXPECT_FALSE(mapped(p, PAGE) && mapped(p + PAGE, PAGE) &&
		     p[PAGE] == secret[0]);
	p = mmap(p, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	munmap(p, 2 * PAGE);
	close(fd);
}

/* An anonymous region: the same rules, with nothing past it to reach. */
TEST(anonymous_region_stays_in_its_window)
{
	int dev = nsh_dev(), fd;
	char *p;

	ASSERT_LE(0, dev);
	fd = nsh_open(dev, NULL, NSH_CREATE, 0600, 4 * PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'a';
	p[3 * PAGE] = 'z';
	EXPECT_EQ(-1, remap_file_pages(p, PAGE, 0, 4, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, remap_refused_then_restore(p, fd));
	ASSERT_EQ(0, remap_file_pages(p, PAGE, 0, 3, 0));
	EXPECT_EQ('z', p[0]);
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_EXEC));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(MAP_FAILED, mremap(p, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE));
	munmap(p, 4 * PAGE);
	close(fd);
	close(dev);
	EXPECT_EQ(0, nsh_live_regions());
}

/* VMAs of /proc/self/maps that lie inside [lo, hi). */
static int vmas_in(unsigned long lo, unsigned long hi)
{
	unsigned long start, end;
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &start, &end) == 2 &&
		    start >= lo && end <= hi)
			n++;
	fclose(f);
	return n;
}

/*
 * Map @n adjacent 64 KiB views of @fd, view i at offset i * 64 KiB, and
 * count the VMAs they make.
 */
static int views_vmas(int fd, int n)
{
	const size_t view = 64 << 10;
	char *base;
	int vmas;

	base = mmap(NULL, n * view, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return -1;
	for (int i = 0; i < n; i++)
		if (mmap(base + i * view, view, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, i * view) == MAP_FAILED) {
			munmap(base, n * view);
			return -1;
		}
	vmas = vmas_in((unsigned long)base, (unsigned long)base + n * view);
	munmap(base, n * view);
	return vmas;
}

/*
 * Adjacent views never merge: VM_DONTEXPAND, which keeps mremap() from
 * growing a mapping past its region, is one of the flags that forbid
 * merging, so each view is a VMA of its own and counts against
 * vm.max_map_count, as each view is an object of its own on Windows
 * (SECURITY.md).  The same views of a memfd merge into one.  1,000 views:
 * 10,000 took longer than the harness's 30 s on the debug kernel.
 */
TEST(adjacent_views_are_vmas_of_their_own)
{
	const int n = 1000;
	const off_t size = (off_t)n << 16;
	int dev = nsh_dev(), fd, mfd, vmas;

	ASSERT_LE(0, dev);
	fd = nsh_open(dev, NULL, NSH_CREATE | NAMEDSHM_OPEN_RESERVE, 0600,
		      size, NULL, NULL);
	ASSERT_LE(0, fd);
	vmas = views_vmas(fd, n);
	TH_LOG("%d adjacent 64 KiB views of a region: %d VMAs", n, vmas);
	EXPECT_EQ(n, vmas);
	close(fd);

	mfd = memfd_create("views", 0);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, size));
	vmas = views_vmas(mfd, n);
	TH_LOG("%d adjacent 64 KiB views of a memfd: %d VMAs", n, vmas);
	EXPECT_EQ(1, vmas);
	close(mfd);
	close(dev);
	EXPECT_EQ(0, nsh_live_regions());
}

/* A legacy READ_IMPLIES_EXEC process maps a handle, never executable. */
TEST(read_implies_exec_maps_without_exec)
{
	int dev = nsh_dev(), fd, status;
	pid_t pid;

	ASSERT_LE(0, dev);
	fd = nsh_open(dev, NULL, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		char *p;

		if (personality(PER_LINUX | READ_IMPLIES_EXEC) < 0)
			_exit(1);
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			_exit(2);
		if (!mprotect(p, PAGE, PROT_READ | PROT_EXEC))
			_exit(3);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(fd);
	close(dev);
}

/* memfd_secret(2), or -ENOSYS where the architecture has none. */
static int nsh_memfd_secret(void)
{
#ifdef __NR_memfd_secret
	return (int)syscall(__NR_memfd_secret, 0);
#else
	errno = ENOSYS; /* 32-bit ARM, among others */
	return -1;
#endif
}

/* arm64's <asm/mman.h> and <asm/hwcap.h>, for every architecture. */
#define NSH_PROT_MTE 0x20
#define NSH_HWCAP2_MTE (1UL << 18)

/*
 * arm64 memory tagging: PROT_MTE on a handle's mapping is refused
 * (EINVAL), by mmap() and mprotect() alike (SECURITY.md).  Anonymous
 * shared memory in the same process takes tags: MTE works here.
 */
TEST(mte_tags_are_refused)
{
	struct utsname u;
	int dev, fd;
	char *p;

	if (uname(&u) || strcmp(u.machine, "aarch64") ||
	    !(getauxval(AT_HWCAP2) & NSH_HWCAP2_MTE))
		SKIP(return, "no arm64 memory tagging (MTE) on this machine");
	dev = nsh_dev();
	ASSERT_LE(0, dev);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | NSH_PROT_MTE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, p) TH_LOG("anonymous PROT_MTE: %s",
					strerror(errno));
	munmap(p, PAGE);
	fd = nsh_open(dev, NULL, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | NSH_PROT_MTE, MAP_SHARED,
		 fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, PAGE, PROT_READ | PROT_WRITE | NSH_PROT_MTE));
	EXPECT_EQ(EINVAL, errno);
	munmap(p, PAGE);
	close(fd);
	close(dev);
}

/* Special files that look regular never back a region. */
TEST(special_files_are_refused)
{
	static const char *const paths[] = {
		"/proc/self/status",
		"/sys/kernel/mm/transparent_hugepage/enabled",
		"/sys/kernel/debug/fail_page_alloc/probability",
	};
	int dev = nsh_dev(), fd, tried = 0;
	unsigned int i;
	char path[128];

	ASSERT_LE(0, dev);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fd = open(paths[i], O_RDWR);
		if (fd < 0)
			fd = open(paths[i], O_RDONLY);
		if (fd < 0)
			continue;
		tried++;
		EXPECT_EQ(-ENODEV, nsh_open_backed(dev, NULL,
						   NAMEDSHM_OPEN_CREATE, PAGE,
						   fd, sizeof(struct namedshm_open)))
			TH_LOG("%s", paths[i]);
		close(fd);
	}
	/* A PCI BAR: regular, mappable, and no memory of ours to give. */
	for (i = 0; i < 32; i++) {
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/0000:00:%02x.0/resource0", i);
		fd = open(path, O_RDWR);
		if (fd < 0)
			continue;
		tried++;
		EXPECT_EQ(-ENODEV, nsh_open_backed(dev, NULL,
						   NAMEDSHM_OPEN_CREATE, PAGE,
						   fd, sizeof(struct namedshm_open)))
			TH_LOG("%s", path);
		close(fd);
	}
	/* secretmem: memory that must never be mapped by anyone else. */
	fd = nsh_memfd_secret();
	if (fd >= 0) {
		tried++;
		ASSERT_EQ(0, ftruncate(fd, PAGE));
		EXPECT_EQ(-ENODEV, nsh_open_backed(dev, NULL, NSH_CREATE, PAGE,
						   fd, sizeof(struct namedshm_open)));
		close(fd);
	} else {
		TH_LOG("no memfd_secret: %s", strerror(errno));
	}
	EXPECT_LE(2, tried);
	close(dev);
}

/* A region is never larger than its backing file (rounded to pages). */
TEST(region_fits_its_file)
{
	int dev = nsh_dev(), mfd, fd;

	ASSERT_LE(0, dev);
	mfd = memfd_create("small", 0);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, PAGE + 1));
	EXPECT_EQ(-EINVAL, nsh_open_backed(dev, NULL, NSH_CREATE, 3 * PAGE,
					   mfd, sizeof(struct namedshm_open)));
	fd = nsh_open_backed(dev, NULL, NSH_CREATE, 2 * PAGE, mfd,
			     sizeof(struct namedshm_open));
	EXPECT_LE(0, fd);
	close(fd);
	close(mfd);
	close(dev);
	EXPECT_EQ(0, nsh_live_regions());
}

/* fstat() on a handle shows the region; the inode refuses chmod & co. */
TEST(fstat_shows_the_region)
{
	struct namedshm_set_perm sp = {
		.argsz = sizeof(sp),
		.flags = NAMEDSHM_SET_MODE | NAMEDSHM_SET_UID,
		.uid = 1234,
		.mode = 0640,
	};
	int dev = nsh_dev(), fd, fd2;
	struct stat st, st2;
	char path[64];

	ASSERT_LE(0, dev);
	fd = nsh_open(dev, nsh_name("fstat"), NSH_CREATE, 0604, 3 * PAGE + 1,
		      NULL, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_TRUE(S_ISREG(st.st_mode));
	EXPECT_EQ(0604, st.st_mode & 07777);
	EXPECT_EQ(4 * PAGE, (unsigned long)st.st_size);
	EXPECT_EQ(getuid(), st.st_uid);
	EXPECT_EQ(getgid(), st.st_gid);
	/* Another handle, the same inode; another region, another one. */
	fd2 = nsh_open(dev, nsh_name("fstat"), NSH_RW, 0, 0, NULL, NULL);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, fstat(fd2, &st2));
	EXPECT_EQ(st.st_ino, st2.st_ino);
	EXPECT_EQ(st.st_dev, st2.st_dev);
	close(fd2);
	fd2 = nsh_open(dev, NULL, NSH_CREATE, 0600, PAGE, NULL, NULL);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, fstat(fd2, &st2));
	EXPECT_NE(st.st_ino, st2.st_ino);
	close(fd2);

	ASSERT_EQ(0, ioctl(fd, NAMEDSHM_IOC_SET_PERM, &sp));
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(0640, st.st_mode & 07777);
	EXPECT_EQ(1234, st.st_uid);
	EXPECT_EQ(-1, fchmod(fd, 0666));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ftruncate(fd, PAGE));
	/* Not reopenable by path: handles come from the ioctls only. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	EXPECT_EQ(-1, open(path, O_RDWR));
	EXPECT_EQ(-1, open(path, O_RDONLY));
	close(fd);
	close(dev);
	EXPECT_EQ(0, nsh_live_regions());
}

/*
 * A mapping is the region too: its file (the window) sits on the region's
 * inode, so /proc/PID/map_files shows what fstat() of a handle shows, for
 * as long as the mapping lives, and cannot be opened either.
 */
TEST(a_mapping_shows_the_region)
{
	int dev = nsh_dev(), fd, mfd;
	struct stat st, mst;
	char path[96];
	void *p;

	ASSERT_LE(0, dev);
	mfd = memfd_create("window", 0);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, 8 * PAGE));
	for (int backed = 0; backed < 2; backed++) {
		if (backed)
			fd = nsh_open_backed(dev, NULL, NSH_CREATE, 2 * PAGE,
					     mfd, sizeof(struct namedshm_open));
		else
			fd = nsh_open(dev, nsh_name("mapfiles"), NSH_CREATE,
				      0640, 2 * PAGE, NULL, NULL);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, fstat(fd, &st));
		p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		snprintf(path, sizeof(path), "/proc/self/map_files/%lx-%lx",
			 (unsigned long)p, (unsigned long)p + 2 * PAGE);
		ASSERT_EQ(0, stat(path, &mst)) TH_LOG("%s: %s", path,
						       strerror(errno));
		EXPECT_EQ(st.st_ino, mst.st_ino);
		EXPECT_EQ(st.st_dev, mst.st_dev);
		EXPECT_EQ(2 * PAGE, (unsigned long)mst.st_size);
		/* The last handle goes; the mapping keeps the inode. */
		close(fd);
		ASSERT_EQ(0, stat(path, &mst));
		EXPECT_EQ(st.st_ino, mst.st_ino);
		EXPECT_EQ(st.st_mode, mst.st_mode);
		errno = 0;
		EXPECT_EQ(-1, open(path, O_RDWR));
		EXPECT_EQ(ENXIO, errno);
		ASSERT_EQ(0, munmap(p, 2 * PAGE));
	}
	close(mfd);
	close(dev);
	EXPECT_EQ(0, nsh_live_regions());
}

/* memfd-backed regions are shmem: they count against the byte limits. */
TEST(memfd_regions_are_charged)
{
	struct namedshm_device_info before, after;
	int dev = nsh_dev(), mfd, fd;

	ASSERT_LE(0, dev);
	mfd = memfd_create("charged", 0);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ftruncate(mfd, 16 * PAGE));
	ASSERT_EQ(0, nsh_device_info(dev, &before));
	fd = nsh_open_backed(dev, NULL, NSH_CREATE, 16 * PAGE, mfd,
			     sizeof(struct namedshm_open));
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, nsh_device_info(dev, &after));
	EXPECT_EQ(before.committed + 16 * PAGE, after.committed);
	EXPECT_EQ(before.ns_committed + 16 * PAGE, after.ns_committed);
	close(fd);
	ASSERT_EQ(0, nsh_device_info(dev, &after));
	EXPECT_EQ(before.committed, after.committed);
	close(mfd);
	close(dev);
}

static unsigned long long read_ulong_param(const char *name)
{
	char path[128], buf[64];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/module/namedshm/parameters/%s",
		 name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return ~0ULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ~0ULL;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

/* A full IPC namespace leaves the others room: limits per namespace. */
/* max_regions is restored however the test ends. */
FIXTURE(limits)
{
	unsigned long long saved;
};

FIXTURE_SETUP(limits)
{
	self->saved = read_ulong_param("max_regions");
	ASSERT_NE(~0ULL, self->saved);
}

FIXTURE_TEARDOWN(limits)
{
	EXPECT_EQ(0, nsh_set_param("max_regions", self->saved));
}

TEST_F(limits, hold_per_ipc_namespace)
{
	int dev, fds[3], fd, status, i;
	pid_t pid;

	dev = nsh_dev();
	ASSERT_LE(0, dev);
	ASSERT_EQ(0, nsh_set_param("max_regions", 3));
	for (i = 0; i < 3; i++) {
		fds[i] = nsh_open(dev, NULL, NSH_CREATE, 0600, PAGE, NULL, NULL);
		ASSERT_LE(0, fds[i]);
	}
	EXPECT_EQ(-ENOSPC, nsh_open(dev, NULL, NSH_CREATE, 0600, PAGE, NULL,
				    NULL));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int d, n = 0;

		if (unshare(CLONE_NEWIPC))
			_exit(10);
		d = nsh_dev();
		while (n < 4 && nsh_open(d, NULL, NSH_CREATE, 0600, PAGE, NULL,
					 NULL) >= 0)
			n++;
		/* Three fit in the new namespace, the fourth does not. */
		_exit(n);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(3, WEXITSTATUS(status));
	/* Still full here. */
	fd = nsh_open(dev, NULL, NSH_CREATE, 0600, PAGE, NULL, NULL);
	EXPECT_EQ(-ENOSPC, fd);
	for (i = 0; i < 3; i++)
		close(fds[i]);
	close(dev);
	EXPECT_EQ(0, nsh_live_regions());
}

/* NAMEDSHM_IOC_DUP never widens: a read-only handle gives read-only ones. */
TEST(dup_never_widens_access)
{
	struct namedshm_dup wr = {
		.argsz = sizeof(wr),
		.flags = NAMEDSHM_DUP_WRITE,
	};
	struct namedshm_dup rd = { .argsz = sizeof(rd) };
	int dev = nsh_dev(), fd, ro, d;
	char *p;

	ASSERT_LE(0, dev);
	fd = nsh_open(dev, nsh_name("dup"), NSH_CREATE, 0666, PAGE, NULL, NULL);
	ASSERT_LE(0, fd);
	ro = nsh_open(dev, nsh_name("dup"), 0, 0, 0, NULL, NULL);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-1, ioctl(ro, NAMEDSHM_IOC_DUP, &wr));
	EXPECT_EQ(EACCES, errno);
	/* Without DUP_WRITE even a read-write handle gives a read-only one. */
	d = ioctl(fd, NAMEDSHM_IOC_DUP, &rd);
	ASSERT_LE(0, d);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED, d, 0));
	EXPECT_EQ(EACCES, errno);
	close(d);
	d = ioctl(fd, NAMEDSHM_IOC_DUP, &wr);
	ASSERT_LE(0, d);
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, d, 0);
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, PAGE);
	close(d);
	close(ro);
	close(fd);
	close(dev);
	EXPECT_EQ(0, nsh_live_regions());
}

TEST_HARNESS_MAIN
