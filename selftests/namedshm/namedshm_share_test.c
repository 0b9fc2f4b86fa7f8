// SPDX-License-Identifier: GPL-2.0
/*
 * Share modes of CreateFileForMapping (<cemapping.h>) and of the native
 * namedshm_share_*() API: Windows' access x sharing matrix row by row,
 * in one process and across two, mapping objects and views, a SIGKILLed
 * holder, other users and namespaces, the lock bytes left behind.
 *
 * The expected results come from the rule as Windows states it (and as
 * Wine's dlls/kernel32/tests/file.c test_file_sharing checks it on
 * Windows), written here independently of the library: a new open
 * succeeds iff, against every open already there, its access is allowed
 * by the existing share mode and the existing access by its share mode;
 * an open with access 0 takes part in neither direction.  Once the file
 * handle is closed, a PAGE_READONLY or PAGE_WRITECOPY object restricts
 * nothing, a PAGE_READWRITE one demands FILE_SHARE_WRITE of every open.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cemapping.h>
#include <namedshm.h>

#include "../kselftest_harness.h"

#define RW (GENERIC_READ | GENERIC_WRITE)
#define SH_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

static const DWORD accesses[] = { 0, GENERIC_READ, GENERIC_WRITE, RW };
#define NR_ACCESS 4
#define NR_SHARE 8 /* every combination of the three FILE_SHARE_* bits */

/* Windows' rule, independently of the library. */
static bool compatible(DWORD a1, DWORD s1, DWORD a2, DWORD s2)
{
	if (!a1 || !a2)
		return true;
	if ((a1 & GENERIC_READ) && !(s2 & FILE_SHARE_READ))
		return false;
	if ((a1 & GENERIC_WRITE) && !(s2 & FILE_SHARE_WRITE))
		return false;
	if ((a2 & GENERIC_READ) && !(s1 & FILE_SHARE_READ))
		return false;
	if ((a2 & GENERIC_WRITE) && !(s1 & FILE_SHARE_WRITE))
		return false;
	return true;
}

/* After CloseHandle of the file: what a mapping object of @prot allows. */
static bool map_compatible(DWORD prot, DWORD s2)
{
	return prot != PAGE_READWRITE || (s2 & FILE_SHARE_WRITE);
}

static const char *acc_name(DWORD a)
{
	return a == RW ? "RW" : a == GENERIC_READ ? "R" :
	       a == GENERIC_WRITE ? "W" : "0";
}

static HANDLE cffm(const char *path, DWORD access, DWORD share, DWORD disp)
{
	return CreateFileForMappingA(path, access, share, NULL, disp,
				     FILE_ATTRIBUTE_NORMAL, NULL);
}

static int make_file(const char *path, size_t len)
{
	char buf[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	size_t done = 0;

	if (fd < 0)
		return -1;
	memset(buf, 'x', sizeof(buf));
	while (done < len) {
		size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);

		if (write(fd, buf, n) != (ssize_t)n) {
			close(fd);
			return -1;
		}
		done += n;
	}
	fchmod(fd, 0666);
	close(fd);
	return 0;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/* Lines of /proc/locks in the registration bytes (any file). */
static int share_locks(void)
{
	char line[256], base[32];
	FILE *f = fopen("/proc/locks", "re");
	int n = 0;

	if (!f)
		return -1;
	/* All 7 bytes share every digit but the last. */
	snprintf(base, sizeof(base), " %lld", NAMEDSHM_SHARE_LOCK_BASE / 10);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, base))
			n++;
	fclose(f);
	return n;
}

static int count_fds(void)
{
	char path[64];
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (!access(path, F_OK))
			n++;
	}
	return n;
}

/*
 * Try every (access, share) column against what is there; returns the
 * number of wrong results and logs each.
 */
static int columns(struct __test_metadata *_metadata, const char *path,
		   const char *row, bool (*want)(DWORD a2, DWORD s2,
						 const void *ctx),
		   const void *ctx)
{
	int a2, s2, wrong = 0;

	for (a2 = 0; a2 < NR_ACCESS; a2++) {
		for (s2 = 0; s2 < NR_SHARE; s2++) {
			DWORD acc = accesses[a2], err;
			bool ok = want(acc, (DWORD)s2, ctx);
			HANDLE h;

			SetLastError(0xdeadbeef);
			h = cffm(path, acc, (DWORD)s2, OPEN_EXISTING);
			err = GetLastError();
			if (ok && (h == INVALID_HANDLE_VALUE || err)) {
				TH_LOG("%s, then %s/%d: failed with %u", row,
				       acc_name(acc), s2, err);
				wrong++;
			} else if (!ok && (h != INVALID_HANDLE_VALUE ||
					   err != ERROR_SHARING_VIOLATION)) {
				TH_LOG("%s, then %s/%d: %s, error %u", row,
				       acc_name(acc), s2,
				       h == INVALID_HANDLE_VALUE ?
					       "refused" : "opened", err);
				wrong++;
			}
			if (h != INVALID_HANDLE_VALUE)
				CloseHandle(h);
		}
	}
	return wrong;
}

struct row {
	DWORD access, share;
};

static bool want_row(DWORD a2, DWORD s2, const void *ctx)
{
	const struct row *r = ctx;

	return compatible(r->access, r->share, a2, s2);
}

static bool want_all(DWORD a2, DWORD s2, const void *ctx)
{
	(void)a2;
	(void)s2;
	(void)ctx;
	return true;
}

static bool want_map(DWORD a2, DWORD s2, const void *ctx)
{
	(void)a2;
	return map_compatible(*(const DWORD *)ctx, s2);
}

/* A child that holds an open until told to go; -1 if it could not. */
struct holder {
	pid_t pid;
	int to, from;
};

static int hold(struct holder *c, const char *path, DWORD access,
		DWORD share, int (*setup)(void))
{
	int in[2], out[2];
	char ok;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -1;
	c->pid = fork();
	if (c->pid < 0)
		return -1;
	if (!c->pid) {
		HANDLE h;
		char r = 'n';

		if (setup && setup()) {
			r = 's';
		} else {
			h = cffm(path, access, share, OPEN_EXISTING);
			if (h != INVALID_HANDLE_VALUE)
				r = 'y';
		}
		if (write(out[1], &r, 1) != 1)
			_exit(2);
		/* Hold until the parent writes or goes away. */
		if (read(in[0], &r, 1) < 0)
			_exit(2);
		_exit(0);
	}
	close(in[0]);
	close(out[1]);
	c->to = in[1];
	c->from = out[0];
	if (read(c->from, &ok, 1) != 1)
		return -1;
	return ok == 'y' ? 0 : ok == 's' ? 1 : -1;
}

static int release(struct holder *c, bool kill9)
{
	int status = -1;

	if (kill9)
		kill(c->pid, SIGKILL);
	else if (write(c->to, "x", 1) != 1)
		return -1;
	close(c->to);
	close(c->from);
	if (waitpid(c->pid, &status, 0) != c->pid)
		return -1;
	return status;
}

FIXTURE(share)
{
	char dir[64];
	char path[96];
	int fds;
};

FIXTURE_SETUP(share)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/share-%d", (int)getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	ASSERT_EQ(0, chmod(self->dir, 0777));
	snprintf(self->path, sizeof(self->path), "%s/file", self->dir);
	ASSERT_EQ(0, make_file(self->path, 3 * 4096 + 10));
	/* Nothing of an earlier test (or program) is still registered. */
	ASSERT_EQ(0, share_locks());
	self->fds = count_fds();
}

FIXTURE_TEARDOWN(share)
{
	char cmd[128];

	/* Every handle closed, and no registration left behind. */
	EXPECT_EQ(self->fds, count_fds());
	EXPECT_EQ(0, share_locks());
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

/* ---- the matrix, one test per row ---------------------------------------- */

FIXTURE(matrix)
{
	char dir[64];
	char path[96];
	int fds;
};

FIXTURE_VARIANT(matrix)
{
	DWORD access;
	DWORD share;
};

#define ROW(a, an, s, sn)                        \
	FIXTURE_VARIANT_ADD(matrix, an##_##sn) \
	{                                        \
		.access = a, .share = s,         \
	}
#define ROWS(a, an)                                                     \
	ROW(a, an, 0, none);                                            \
	ROW(a, an, FILE_SHARE_READ, r);                                 \
	ROW(a, an, FILE_SHARE_WRITE, w);                                \
	ROW(a, an, FILE_SHARE_READ | FILE_SHARE_WRITE, rw);             \
	ROW(a, an, FILE_SHARE_DELETE, d);                               \
	ROW(a, an, FILE_SHARE_READ | FILE_SHARE_DELETE, rd);            \
	ROW(a, an, FILE_SHARE_WRITE | FILE_SHARE_DELETE, wd);           \
	ROW(a, an, SH_ALL, rwd)

ROWS(0, noaccess);
ROWS(GENERIC_READ, read);
ROWS(GENERIC_WRITE, write);
ROWS(RW, readwrite);

FIXTURE_SETUP(matrix)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/sharem-%d",
		 (int)getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	snprintf(self->path, sizeof(self->path), "%s/file", self->dir);
	ASSERT_EQ(0, make_file(self->path, 100));
	ASSERT_EQ(0, share_locks());
	self->fds = count_fds();
}

FIXTURE_TEARDOWN(matrix)
{
	char cmd[128];

	EXPECT_EQ(self->fds, count_fds());
	EXPECT_EQ(0, share_locks());
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

/*
 * The row (access, share) opened first, then all 32 columns: in this
 * process, then with the first open held by another process, and once
 * the first open is closed everything opens.
 */
TEST_F(matrix, row)
{
	struct row r = { variant->access, variant->share };
	struct holder c;
	char name[32];
	HANDLE h;

	snprintf(name, sizeof(name), "%s/%u", acc_name(r.access), r.share);
	SetLastError(0xdeadbeef);
	h = cffm(self->path, r.access, r.share, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_EQ(0, GetLastError());
	EXPECT_EQ(0, columns(_metadata, self->path, name, want_row, &r));
	EXPECT_TRUE(CloseHandle(h));
	EXPECT_EQ(0, columns(_metadata, self->path, name, want_all, NULL));

	/* The same row with the first open in another process. */
	ASSERT_EQ(0, hold(&c, self->path, r.access, r.share, NULL));
	EXPECT_EQ(0, columns(_metadata, self->path, name, want_row, &r));
	EXPECT_EQ(0, release(&c, false));
	EXPECT_EQ(0, columns(_metadata, self->path, name, want_all, NULL));
}

/* ---- mapping objects and views (need the module) -------------------------- */

FIXTURE(mapping)
{
	char dir[64];
	char path[96];
	int fds;
};

FIXTURE_VARIANT(mapping)
{
	DWORD prot;
};

FIXTURE_VARIANT_ADD(mapping, readonly)
{
	.prot = PAGE_READONLY,
};

FIXTURE_VARIANT_ADD(mapping, writecopy)
{
	.prot = PAGE_WRITECOPY,
};

FIXTURE_VARIANT_ADD(mapping, readwrite)
{
	.prot = PAGE_READWRITE,
};

FIXTURE_SETUP(mapping)
{
	struct namedshm_limits lim;

	if (namedshm_device_info(&lim))
		SKIP(return, "no namedshm device: %s", strerror(errno));
	snprintf(self->dir, sizeof(self->dir), "/tmp/sharep-%d",
		 (int)getpid());
	ASSERT_EQ(0, mkdir(self->dir, 0755));
	snprintf(self->path, sizeof(self->path), "%s/file", self->dir);
	ASSERT_EQ(0, make_file(self->path, 3 * 4096 + 10));
	ASSERT_EQ(0, share_locks());
	self->fds = count_fds();
}

FIXTURE_TEARDOWN(mapping)
{
	char cmd[128];

	if (!self->dir[0])
		return;
	EXPECT_EQ(self->fds, count_fds());
	EXPECT_EQ(0, share_locks());
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	if (system(cmd))
		TH_LOG("cannot remove %s", self->dir);
}

/*
 * Wine's mapping rows: the file opened read-write and exclusive, an
 * object made of it, the file handle closed; then every column.  The
 * object's own creation never conflicts with its file handle.
 */
TEST_F(mapping, after_file_handle_closed)
{
	DWORD prot = variant->prot;
	HANDLE f, m;

	if (!self->dir[0])
		SKIP(return, "no namedshm device");

	f = cffm(self->path, RW, 0, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	m = CreateFileMappingA(f, NULL, prot, 0, 0, NULL);
	ASSERT_NE(NULL, m) TH_LOG("error %u", GetLastError());
	/* While the file handle lives, it decides (exclusive: all fail). */
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_READ, SH_ALL, OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	EXPECT_TRUE(CloseHandle(f));
	EXPECT_EQ(0, columns(_metadata, self->path, "mapping", want_map,
			     &prot));
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_EQ(0, columns(_metadata, self->path, "closed mapping",
			     want_all, NULL));
}

/*
 * A view outlives both handles: a view of a read-write object still
 * demands FILE_SHARE_WRITE (for every view of it, also a read-only one:
 * the view keeps the whole object, as on Wine); of a read-only object
 * nothing.  Unmapping the last view frees the file.
 */
TEST_F(mapping, view_after_both_handles_closed)
{
	DWORD prot = variant->prot;
	HANDLE f, m, h;
	char *p;

	if (!self->dir[0])
		SKIP(return, "no namedshm device");

	f = cffm(self->path, RW, FILE_SHARE_READ, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	m = CreateFileMappingA(f, NULL, prot, 0, 0, NULL);
	ASSERT_NE(NULL, m);
	p = MapViewOfFile(m, prot == PAGE_READWRITE ? FILE_MAP_WRITE :
			  prot == PAGE_WRITECOPY ? FILE_MAP_COPY :
						   FILE_MAP_READ, 0, 0, 0);
	ASSERT_NE(NULL, p);
	if (prot != PAGE_READONLY)
		p[0] = 'v';
	EXPECT_TRUE(CloseHandle(m));
	EXPECT_TRUE(CloseHandle(f));
	EXPECT_EQ(0, columns(_metadata, self->path, "view", want_map, &prot));
	/* A second process sees the same. */
	h = cffm(self->path, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
	EXPECT_EQ(prot == PAGE_READWRITE, h == INVALID_HANDLE_VALUE);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	EXPECT_TRUE(UnmapViewOfFile(p));
	EXPECT_EQ(0, columns(_metadata, self->path, "unmapped", want_all,
			     NULL));
}

/* A named object keeps its registration while another process holds it. */
TEST_F(mapping, named_object_in_another_process)
{
	DWORD prot = variant->prot;
	char name[64];
	HANDLE f, m, o, h;
	int sync[2], st;
	pid_t pid;
	char c;

	if (!self->dir[0])
		SKIP(return, "no namedshm device");

	snprintf(name, sizeof(name), "share-test-%d", (int)getpid());
	f = cffm(self->path, RW, 0, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, f);
	m = CreateFileMappingA(f, NULL, prot, 0, 0, name);
	ASSERT_NE(NULL, m);
	ASSERT_TRUE(CloseHandle(f));
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* A handle of its own, then the parent's handle goes. */
		o = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
		c = o ? 'y' : 'n';
		if (write(sync[1], &c, 1) != 1)
			_exit(2);
		for (;;)
			pause(); /* until SIGKILLed */
	}
	ASSERT_EQ(1, read(sync[0], &c, 1));
	ASSERT_EQ('y', c);
	EXPECT_TRUE(CloseHandle(m));
	h = cffm(self->path, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
	EXPECT_EQ(prot == PAGE_READWRITE, h == INVALID_HANDLE_VALUE);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
	/* The child dies (SIGKILL): the object, and its registration, go. */
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	close(sync[0]);
	close(sync[1]);
	h = cffm(self->path, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
	EXPECT_NE(INVALID_HANDLE_VALUE, h);
	if (h != INVALID_HANDLE_VALUE)
		CloseHandle(h);
}

/* ---- CE's one-writer rule, processes, death -------------------------------- */

TEST_F(share, second_writer_refused_until_first_closes)
{
	struct holder c;
	HANDLE h;

	/* Exclusive write in another process: a second writer gets 32. */
	ASSERT_EQ(0, hold(&c, self->path, GENERIC_WRITE, 0, NULL));
	SetLastError(0);
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_WRITE, SH_ALL, OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, RW, SH_ALL, OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	/* Access 0 still opens. */
	h = cffm(self->path, 0, 0, OPEN_EXISTING);
	EXPECT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_TRUE(CloseHandle(h));
	/* The first closes (exits normally): the second writer gets in. */
	EXPECT_EQ(0, release(&c, false));
	h = cffm(self->path, GENERIC_WRITE, 0, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_EQ(0, GetLastError());
	EXPECT_TRUE(CloseHandle(h));
}

TEST_F(share, sigkilled_writer_releases_its_registration)
{
	struct holder c;
	HANDLE h;
	int st;

	/* CE's case: the first writer shares reading, not writing. */
	ASSERT_EQ(0, hold(&c, self->path, RW, FILE_SHARE_READ, NULL));
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_WRITE, SH_ALL, OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	h = cffm(self->path, GENERIC_READ, SH_ALL, OPEN_EXISTING);
	EXPECT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_TRUE(CloseHandle(h));
	EXPECT_LT(0, share_locks());
	st = release(&c, true);
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	EXPECT_EQ(0, share_locks());
	h = cffm(self->path, GENERIC_WRITE, 0, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_TRUE(CloseHandle(h));
}

/* Wine's last case: RW sharing read, then a reader must share write. */
TEST_F(share, reader_must_share_write_with_a_writer)
{
	HANDLE h, h2;

	h = cffm(self->path, RW, FILE_SHARE_READ, OPEN_ALWAYS);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_READ, FILE_SHARE_READ,
		       OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	h2 = cffm(self->path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE,
		  OPEN_EXISTING);
	EXPECT_NE(INVALID_HANDLE_VALUE, h2);
	EXPECT_TRUE(CloseHandle(h));
	EXPECT_TRUE(CloseHandle(h2));
}

static uid_t nobody = 65534;

static int become_nobody(void)
{
	return setgid(nobody) || setuid(nobody);
}

/* The registration binds another user's opens too, both ways. */
TEST_F(share, across_users)
{
	struct holder c;
	HANDLE h;
	pid_t pid;
	int r;

	if (geteuid())
		SKIP(return, "needs root to switch users");
	/* Another user (nobody) holds it exclusively: root gets 32. */
	ASSERT_EQ(0, hold(&c, self->path, GENERIC_READ, 0, become_nobody));
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_READ, SH_ALL, OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	EXPECT_EQ(0, release(&c, false));

	/* And root's registration binds nobody. */
	h = cffm(self->path, GENERIC_READ, 0, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		HANDLE x;

		if (become_nobody())
			_exit(3);
		x = cffm(self->path, GENERIC_READ, SH_ALL, OPEN_EXISTING);
		if (x != INVALID_HANDLE_VALUE)
			_exit(1);
		_exit(GetLastError() == ERROR_SHARING_VIOLATION ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &r, 0));
	EXPECT_TRUE(WIFEXITED(r) && WEXITSTATUS(r) == 0)
		TH_LOG("child status %#x", r);
	EXPECT_TRUE(CloseHandle(h));
}

/* In new user and mount namespaces, through a bind mount. */
static const char *ns_dir;

static int enter_namespaces(void)
{
	char target[128];

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return -1;
	/* Reach the file by another path in a mount of our own. */
	snprintf(target, sizeof(target), "%s/sub", ns_dir);
	return mount(ns_dir, target, NULL, MS_BIND | MS_REC, NULL);
}

TEST_F(share, across_namespaces)
{
	char sub[128], subpath[160];
	struct holder c;
	HANDLE h;
	int r;

	snprintf(sub, sizeof(sub), "%s/sub", self->dir);
	ASSERT_EQ(0, mkdir(sub, 0755));
	snprintf(subpath, sizeof(subpath), "%s/sub/file", self->dir);
	ns_dir = self->dir;
	r = hold(&c, subpath, RW, 0, enter_namespaces);
	if (r == 1) {
		release(&c, true);
		SKIP(return, "cannot make user and mount namespaces");
	}
	ASSERT_EQ(0, r);
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_READ, SH_ALL, OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	EXPECT_EQ(0, release(&c, false));
	h = cffm(self->path, GENERIC_READ, 0, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_TRUE(CloseHandle(h));
}

/* Hard links and symlinks reach the same file, and the same registration. */
TEST_F(share, same_inode_by_other_paths)
{
	char hard[128], soft[128];
	HANDLE h;

	snprintf(hard, sizeof(hard), "%s/hard", self->dir);
	snprintf(soft, sizeof(soft), "%s/soft", self->dir);
	ASSERT_EQ(0, link(self->path, hard));
	ASSERT_EQ(0, symlink(self->path, soft));
	h = cffm(hard, GENERIC_WRITE, FILE_SHARE_READ, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(soft, GENERIC_WRITE, SH_ALL, OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_READ, FILE_SHARE_READ,
		       OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	EXPECT_TRUE(CloseHandle(h));
}

/* A refused open changes nothing: no truncation; CREATE_NEW still 80. */
TEST_F(share, refused_open_truncates_nothing)
{
	off_t size = file_size(self->path);
	HANDLE h;

	h = cffm(self->path, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_WRITE, SH_ALL, CREATE_ALWAYS));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, RW, SH_ALL, TRUNCATE_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	EXPECT_EQ(size, file_size(self->path));
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, RW, SH_ALL, CREATE_NEW));
	EXPECT_EQ(ERROR_FILE_EXISTS, GetLastError());
	/* A compatible truncating open does truncate. */
	EXPECT_TRUE(CloseHandle(h));
	h = cffm(self->path, GENERIC_READ, SH_ALL, CREATE_ALWAYS);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(0, file_size(self->path));
	EXPECT_TRUE(CloseHandle(h));
}

/* Bad share bits: 87; FILE_SHARE_DELETE accepted (no open has DELETE). */
TEST_F(share, share_mode_parameters)
{
	HANDLE h, h2;

	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_READ, 8, OPEN_EXISTING));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_READ, 0x80000000U, OPEN_EXISTING));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	h = cffm(self->path, RW, FILE_SHARE_DELETE, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	h2 = cffm(self->path, 0, FILE_SHARE_DELETE, OPEN_EXISTING);
	EXPECT_NE(INVALID_HANDLE_VALUE, h2);
	EXPECT_TRUE(CloseHandle(h2));
	EXPECT_TRUE(CloseHandle(h));
}

/* A duplicate keeps the registration after the original is closed. */
TEST_F(share, duplicate_keeps_the_registration)
{
	HANDLE h, d, x;

	h = cffm(self->path, RW, 0, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	/* Fewer rights, and one with the same rights. */
	ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), h,
				    GetCurrentProcess(), &d, GENERIC_READ,
				    FALSE, 0));
	EXPECT_TRUE(CloseHandle(h));
	x = cffm(self->path, GENERIC_READ, SH_ALL, OPEN_EXISTING);
	EXPECT_EQ(INVALID_HANDLE_VALUE, x);
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	EXPECT_TRUE(CloseHandle(d));
	x = cffm(self->path, GENERIC_READ, 0, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, x);
	EXPECT_TRUE(CloseHandle(x));
}

/* ---- the native API --------------------------------------------------------- */

TEST_F(share, native_api)
{
	int a = open(self->path, O_RDONLY | O_CLOEXEC);
	int b = open(self->path, O_RDWR | O_CLOEXEC);
	int w = open(self->path, O_WRONLY | O_CLOEXEC);
	int p = open(self->path, O_PATH | O_CLOEXEC);
	HANDLE h;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_LE(0, w);
	ASSERT_LE(0, p);
	/* Errors. */
	EXPECT_EQ(-1, namedshm_share_lock(a, 8, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_share_lock(a, NAMEDSHM_SHARE_ACCESS_READ, 8));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, namedshm_share_lock(-1, NAMEDSHM_SHARE_ACCESS_READ, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, namedshm_share_lock(p, NAMEDSHM_SHARE_ACCESS_READ, 0));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, namedshm_share_lock(w, NAMEDSHM_SHARE_ACCESS_WRITE, 0));
	EXPECT_EQ(EBADF, errno);
	/* The access is declared: a read-only descriptor may claim write. */
	EXPECT_EQ(0, namedshm_share_lock(a, NAMEDSHM_SHARE_ACCESS_READ |
						    NAMEDSHM_SHARE_ACCESS_WRITE,
					 0));
	EXPECT_EQ(0, namedshm_share_unlock(a));
	do {
		int dirfd = open(self->dir, O_RDONLY | O_CLOEXEC);

		EXPECT_EQ(-1, namedshm_share_lock(dirfd,
						  NAMEDSHM_SHARE_ACCESS_READ,
						  0));
		EXPECT_EQ(EINVAL, errno);
		close(dirfd);
	} while (0);

	/* Native and CE registrations see each other. */
	ASSERT_EQ(0, namedshm_share_lock(a, NAMEDSHM_SHARE_ACCESS_READ,
					 NAMEDSHM_SHARE_READ));
	EXPECT_EQ(-1, namedshm_share_lock(b, NAMEDSHM_SHARE_ACCESS_WRITE,
					  NAMEDSHM_SHARE_ALL));
	EXPECT_EQ(ETXTBSY, errno);
	EXPECT_EQ(-1, namedshm_share_check(w, NAMEDSHM_SHARE_ACCESS_WRITE,
					   NAMEDSHM_SHARE_ALL));
	EXPECT_EQ(ETXTBSY, errno);
	EXPECT_EQ(0, namedshm_share_check(w, NAMEDSHM_SHARE_ACCESS_READ,
					  NAMEDSHM_SHARE_ALL));
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_WRITE, SH_ALL, OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	h = cffm(self->path, GENERIC_READ, FILE_SHARE_READ, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_EQ(0, namedshm_share_unlock(a));
	EXPECT_EQ(-1, namedshm_share_lock(b, NAMEDSHM_SHARE_ACCESS_WRITE,
					  NAMEDSHM_SHARE_ALL));
	EXPECT_EQ(ETXTBSY, errno);
	EXPECT_TRUE(CloseHandle(h));
	EXPECT_EQ(0, namedshm_share_lock(b, NAMEDSHM_SHARE_ACCESS_WRITE,
					 NAMEDSHM_SHARE_READ));
	/* A dup shares the description: no conflict with itself. */
	do {
		int d = dup(b);

		EXPECT_EQ(0, namedshm_share_lock(d, NAMEDSHM_SHARE_ACCESS_WRITE,
						 0));
		close(b);
		/* d still holds it. */
		EXPECT_EQ(-1, namedshm_share_check(a, NAMEDSHM_SHARE_ACCESS_READ,
						   NAMEDSHM_SHARE_READ));
		EXPECT_EQ(ETXTBSY, errno);
		close(d);
	} while (0);
	/* Delete access and FILE_SHARE_DELETE. */
	EXPECT_EQ(0, namedshm_share_lock(a, NAMEDSHM_SHARE_ACCESS_DELETE,
					 NAMEDSHM_SHARE_READ |
						 NAMEDSHM_SHARE_WRITE));
	EXPECT_EQ(-1, namedshm_share_check(w, NAMEDSHM_SHARE_ACCESS_WRITE,
					   NAMEDSHM_SHARE_READ |
						   NAMEDSHM_SHARE_WRITE));
	EXPECT_EQ(ETXTBSY, errno);
	EXPECT_EQ(0, namedshm_share_check(w, NAMEDSHM_SHARE_ACCESS_WRITE,
					  NAMEDSHM_SHARE_ALL));
	EXPECT_EQ(-1, namedshm_share_check(w, NAMEDSHM_SHARE_ACCESS_DELETE,
					   NAMEDSHM_SHARE_ALL));
	EXPECT_EQ(ETXTBSY, errno);
	EXPECT_EQ(0, namedshm_share_unlock(a));
	EXPECT_EQ(0, namedshm_share_unlock(a)); /* nothing held: fine */
	close(a);
	close(w);
	close(p);
}

/* ---- whole-file locks of other programs (documented interaction) ---------- */

TEST_F(share, whole_file_write_lock_of_another_program)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(self->path, O_RDWR | O_CLOEXEC);
	HANDLE h;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fcntl(fd, F_OFD_SETLK, &fl));
	/* Opens that register or check are refused while it is held... */
	EXPECT_EQ(INVALID_HANDLE_VALUE,
		  cffm(self->path, GENERIC_READ, SH_ALL, OPEN_EXISTING));
	EXPECT_EQ(ERROR_SHARING_VIOLATION, GetLastError());
	/* ... access 0 with FILE_SHARE_WRITE checks nothing. */
	h = cffm(self->path, 0, FILE_SHARE_WRITE, OPEN_EXISTING);
	EXPECT_NE(INVALID_HANDLE_VALUE, h);
	EXPECT_TRUE(CloseHandle(h));
	fl.l_type = F_UNLCK;
	ASSERT_EQ(0, fcntl(fd, F_OFD_SETLK, &fl));
	/* While a registration exists, the whole-file write lock fails. */
	h = cffm(self->path, GENERIC_READ, SH_ALL, OPEN_EXISTING);
	ASSERT_NE(INVALID_HANDLE_VALUE, h);
	fl.l_type = F_WRLCK;
	EXPECT_EQ(-1, fcntl(fd, F_OFD_SETLK, &fl));
	EXPECT_EQ(EAGAIN, errno);
	/* A lock on the data bytes only does not interact. */
	fl.l_len = 4096;
	EXPECT_EQ(0, fcntl(fd, F_OFD_SETLK, &fl));
	EXPECT_TRUE(CloseHandle(h));
	close(fd);
}

/* ---- races: two conflicting opens never both succeed ------------------------ */

struct racer {
	const char *path;
	pthread_barrier_t *bar;
	atomic_int *wins;
	int rounds;
	int errors;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	int i;

	for (i = 0; i < r->rounds; i++) {
		HANDLE h;

		pthread_barrier_wait(r->bar);
		h = cffm(r->path, GENERIC_WRITE, FILE_SHARE_READ,
			 OPEN_EXISTING);
		if (h != INVALID_HANDLE_VALUE)
			atomic_fetch_add(&r->wins[i], 1);
		else if (GetLastError() != ERROR_SHARING_VIOLATION)
			r->errors++;
		/* Both have tried before either closes. */
		pthread_barrier_wait(r->bar);
		if (h != INVALID_HANDLE_VALUE)
			CloseHandle(h);
	}
	return NULL;
}

/* 300 s: the KASAN kernel under TCG, with the cores shared, needed more than 30. */
TEST_F_TIMEOUT(share, racing_writers, 300)
{
	enum { ROUNDS = 1000 };
	static atomic_int wins[ROUNDS];
	pthread_barrier_t bar;
	struct racer r[2];
	pthread_t t[2];
	int i, none = 0, both = 0;

	ASSERT_EQ(0, pthread_barrier_init(&bar, NULL, 2));
	for (i = 0; i < 2; i++) {
		r[i] = (struct racer){ self->path, &bar, wins, ROUNDS, 0 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, race, &r[i]));
	}
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < ROUNDS; i++) {
		none += wins[i] == 0;
		both += wins[i] == 2;
	}
	EXPECT_EQ(0, both);
	EXPECT_EQ(0, r[0].errors + r[1].errors);
	/* The back-off lets one of them win nearly always. */
	EXPECT_GT(ROUNDS / 20, none) TH_LOG("%d rounds without a winner", none);
	pthread_barrier_destroy(&bar);
}

TEST_HARNESS_MAIN
