// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests for the sync objects of /dev/namedshm: named events, mutexes
 * and semaphores, their one namespace with mappings, their lifetime, owner
 * tokens and abandonment, wait-any and wait-all.  Raw ioctls only.
 *
 * Each test runs in its own process; the fixture checks that nothing is
 * left alive afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "namedshm_util.h"

#define MS 1000000ULL

static int sync_open(int dev, const char *name, uint32_t kind,
		     uint32_t flags, uint32_t sync_flags, uint32_t count,
		     uint32_t max, int token, uint32_t *status)
{
	struct namedshm_open a = {
		.argsz = sizeof(a),
		.flags = flags,
		.name = (uintptr_t)name,
		.name_len = name ? strlen(name) : 0,
		.mode = 0600,
		.status = 0xdeadbeef,
		.kind = kind,
		.sync_flags = sync_flags,
		.count = count,
		.max = max,
		.token_fd = token,
	};
	int fd = ioctl(dev, NAMEDSHM_IOC_OPEN, &a);

	if (fd < 0)
		return -errno;
	if (status)
		*status = a.status;
	return fd;
}

static int event_new(int dev, const char *name, bool manual, bool set)
{
	return sync_open(dev, name, NAMEDSHM_KIND_EVENT, NSH_CREATE,
			 (manual ? NAMEDSHM_SYNC_MANUAL_RESET : 0) |
				 (set ? NAMEDSHM_SYNC_SIGNALED : 0),
			 0, 0, -1, NULL);
}

static int sem_new(int dev, const char *name, uint32_t count, uint32_t max)
{
	return sync_open(dev, name, NAMEDSHM_KIND_SEMAPHORE, NSH_CREATE, 0,
			 count, max, -1, NULL);
}

static int mutex_new(int dev, const char *name, int owner_token)
{
	return sync_open(dev, name, NAMEDSHM_KIND_MUTEX, NSH_CREATE,
			 owner_token >= 0 ? NAMEDSHM_SYNC_OWNED : 0, 0, 0,
			 owner_token, NULL);
}

static int token_new(int dev)
{
	int fd = ioctl(dev, NAMEDSHM_IOC_TOKEN);

	return fd < 0 ? -errno : fd;
}

/* 0 with *index, *abandoned; or -errno. */
static int wait_objs(int dev, const int *fds, uint32_t n, bool all,
		     uint64_t timeout, int token, uint32_t *index,
		     uint32_t *abandoned)
{
	struct namedshm_wait w = {
		.argsz = sizeof(w),
		.flags = all ? NAMEDSHM_WAIT_ALL : 0,
		.objs = (uintptr_t)fds,
		.count = n,
		.token_fd = token,
		.timeout = timeout,
		.index = 0xdeadbeef,
		.abandoned = 0xdeadbeef,
	};

	if (ioctl(dev, NAMEDSHM_IOC_WAIT, &w))
		return -errno;
	if (index)
		*index = w.index;
	if (abandoned)
		*abandoned = w.abandoned;
	return 0;
}

static int wait1(int dev, int fd, uint64_t timeout, int token,
		 uint32_t *abandoned)
{
	return wait_objs(dev, &fd, 1, false, timeout, token, NULL, abandoned);
}

/* A sync ioctl; 0 or -errno, *prev and the rest through @op. */
static int sync_op(int fd, unsigned long cmd, uint32_t count, int token,
		   struct namedshm_sync_op *out)
{
	struct namedshm_sync_op op = {
		.argsz = sizeof(op),
		.count = count,
		.token_fd = token,
		.prev = 0xdeadbeef,
	};

	if (ioctl(fd, cmd, &op))
		return -errno;
	if (out)
		*out = op;
	return 0;
}

static int op_prev(int fd, unsigned long cmd, uint32_t count, int token)
{
	struct namedshm_sync_op op = { 0 };
	int ret = sync_op(fd, cmd, count, token, &op);

	return ret ? ret : (int)op.prev;
}

static uint32_t sync_state(int fd)
{
	struct namedshm_sync_op op = { 0 };

	if (sync_op(fd, NAMEDSHM_IOC_SYNC_READ, 0, -1, &op))
		return 0xffffffff;
	return op.state;
}

FIXTURE(sync)
{
	int dev;
};

FIXTURE_SETUP(sync)
{
	ASSERT_EQ(0, nsh_live_regions());
	self->dev = nsh_dev();
	ASSERT_LE(0, self->dev);
}

FIXTURE_TEARDOWN(sync)
{
	/* Whatever the test left open goes; then nothing may remain. */
	syscall(SYS_close_range, 3, ~0U, 0);
	EXPECT_EQ(0, nsh_live_regions());
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
}

TEST_F(sync, one_namespace_for_all_kinds)
{
	const char *name = nsh_name("kinds");
	uint32_t status;
	int m, e, fd;

	m = nsh_open(self->dev, name, NSH_CREATE, 0600, 4096, NULL, NULL);
	ASSERT_LE(0, m);
	/* Each other kind by that name: EPROTOTYPE, created or opened. */
	EXPECT_EQ(-EPROTOTYPE, event_new(self->dev, name, false, false));
	EXPECT_EQ(-EPROTOTYPE, sem_new(self->dev, name, 0, 1));
	EXPECT_EQ(-EPROTOTYPE, mutex_new(self->dev, name, -1));
	EXPECT_EQ(-EPROTOTYPE,
		  sync_open(self->dev, name, NAMEDSHM_KIND_EVENT, NSH_RW, 0, 0,
			    0, -1, NULL));
	close(m);

	e = event_new(self->dev, name, true, false);
	ASSERT_LE(0, e);
	EXPECT_EQ(-EPROTOTYPE, nsh_open(self->dev, name, NSH_CREATE, 0600,
					4096, NULL, NULL));
	EXPECT_EQ(-EPROTOTYPE, nsh_open(self->dev, name, NSH_RW, 0, 0, NULL,
					NULL));
	EXPECT_EQ(-EPROTOTYPE, mutex_new(self->dev, name, -1));
	/* Same kind: the existing object; its initial state is kept. */
	fd = sync_open(self->dev, name, NAMEDSHM_KIND_EVENT, NSH_CREATE,
		       NAMEDSHM_SYNC_SIGNALED, 0, 0, -1, &status);
	ASSERT_LE(0, fd);
	EXPECT_EQ(NAMEDSHM_STATUS_EXISTED, status);
	EXPECT_EQ(NAMEDSHM_STATE_MANUAL_RESET, sync_state(fd));
	/* Sync handles have no memory. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(EINVAL, errno);
	/* A mapping handle is not a sync object. */
	m = nsh_open(self->dev, NULL, NSH_CREATE, 0600, 4096, NULL, NULL);
	ASSERT_LE(0, m);
	EXPECT_EQ(-EPROTOTYPE, op_prev(m, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	EXPECT_EQ(-EPROTOTYPE, wait1(self->dev, m, 0, -1, NULL));
	EXPECT_EQ(-EPROTOTYPE, op_prev(e, NAMEDSHM_IOC_SEM_RELEASE, 1, -1));
	close(m);
	close(fd);
	close(e);
}

TEST_F(sync, lifetime_is_the_handles)
{
	const char *name = nsh_name("life");
	struct nsh_entry ent;
	char esc[128];
	pid_t pid;
	int e, st;

	e = event_new(self->dev, name, false, false);
	ASSERT_LE(0, e);
	snprintf(esc, sizeof(esc), "%s", name);
	ASSERT_EQ(1, nsh_listing(esc, &ent));
	EXPECT_STREQ("event", ent.kind);
	EXPECT_EQ(1, nsh_live_regions());
	/* A child opens it by name, then dies of SIGKILL holding it. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = sync_open(self->dev, name, NAMEDSHM_KIND_EVENT, NSH_RW,
				   0, 0, 0, -1, NULL);

		if (fd < 0)
			_exit(1);
		raise(SIGKILL);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
	ASSERT_EQ(1, nsh_listing(esc, &ent));
	EXPECT_EQ(1, ent.handles);
	close(e);
	/* The last handle took the name. */
	EXPECT_EQ(-ENOENT, sync_open(self->dev, name, NAMEDSHM_KIND_EVENT,
				     NSH_RW, 0, 0, 0, -1, NULL));
}

TEST_F(sync, bad_arguments)
{
	const char *name = nsh_name("bad");
	int t, fd, m, ro, bad = 999, two[2];

	/* Semaphores: 0 <= initial <= max, max > 0; no name left behind. */
	EXPECT_EQ(-EINVAL, sem_new(self->dev, name, 0, 0));
	EXPECT_EQ(-EINVAL, sem_new(self->dev, name, 3, 2));
	EXPECT_EQ(-EINVAL, sem_new(self->dev, name, 0, 0x80000000u));
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
	/* Unknown kind, flags of another kind, sizes, padding. */
	EXPECT_EQ(-EINVAL, sync_open(self->dev, name, 4, NSH_CREATE, 0, 0, 0,
				     -1, NULL));
	EXPECT_EQ(-EINVAL, sync_open(self->dev, name, NAMEDSHM_KIND_EVENT,
				     NSH_CREATE, NAMEDSHM_SYNC_OWNED, 0, 0, -1,
				     NULL));
	EXPECT_EQ(-EINVAL, sync_open(self->dev, name, NAMEDSHM_KIND_EVENT,
				     NSH_CREATE | NAMEDSHM_OPEN_HUGE, 0, 0, 0,
				     -1, NULL));
	EXPECT_EQ(-EINVAL, sync_open(self->dev, name, NAMEDSHM_KIND_MAPPING,
				     NSH_CREATE, NAMEDSHM_SYNC_SIGNALED, 0, 0,
				     -1, NULL));
	/* Initial owner needs a token. */
	EXPECT_EQ(-EBADF, mutex_new(self->dev, name, 1000));
	EXPECT_EQ(-EINVAL, mutex_new(self->dev, name, self->dev));
	/* Open of a missing name. */
	EXPECT_EQ(-ENOENT, sync_open(self->dev, name, NAMEDSHM_KIND_MUTEX,
				     NSH_RW, 0, 0, 0, -1, NULL));

	/* Waits: counts, fds, the mutex token. */
	fd = event_new(self->dev, NULL, true, true);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EINVAL, wait_objs(self->dev, &fd, 0, false, 0, -1, NULL,
				     NULL));
	EXPECT_EQ(-EINVAL, wait_objs(self->dev, &fd, 65, false, 0, -1, NULL,
				     NULL));
	EXPECT_EQ(-EBADF, wait_objs(self->dev, &bad, 1, false, 0, -1, NULL,
				    NULL));
	EXPECT_EQ(-EBADF, wait_objs(self->dev, &self->dev, 1, false, 0, -1,
				    NULL, NULL));
	m = mutex_new(self->dev, NULL, -1);
	ASSERT_LE(0, m);
	EXPECT_EQ(-EINVAL, wait1(self->dev, m, 0, -1, NULL));
	/* The same object twice: fine in wait-any, EINVAL in wait-all. */
	two[0] = fd;
	two[1] = dup(fd);
	EXPECT_EQ(0, wait_objs(self->dev, two, 2, false, 0, -1, NULL, NULL));
	EXPECT_EQ(-EINVAL, wait_objs(self->dev, two, 2, true, 0, -1, NULL,
				     NULL));
	close(two[1]);
	/* Read-only handles wait but do not modify; ReleaseMutex is free. */
	t = token_new(self->dev);
	ASSERT_LE(0, t);
	ro = sync_open(self->dev, NULL, NAMEDSHM_KIND_SEMAPHORE,
		       NAMEDSHM_OPEN_CREATE, 0, 1, 5, -1, NULL);
	ASSERT_LE(0, ro);
	EXPECT_EQ(-EACCES, op_prev(ro, NAMEDSHM_IOC_SEM_RELEASE, 1, -1));
	EXPECT_EQ(0, wait1(self->dev, ro, 0, -1, NULL));
	close(ro);
	/* count is SEM_RELEASE's input only. */
	EXPECT_EQ(-EINVAL, op_prev(fd, NAMEDSHM_IOC_EVENT_SET, 1, -1));
	EXPECT_EQ(-EINVAL, op_prev(fd, NAMEDSHM_IOC_SYNC_READ, 1, -1));
	EXPECT_EQ(-EINVAL, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 1, t));
	close(m);
	close(t);
	close(fd);
}

TEST_F(sync, event_manual_and_auto)
{
	uint32_t idx = 7;
	int a, m, b, c, v[3];

	m = event_new(self->dev, NULL, true, false);
	a = event_new(self->dev, NULL, false, false);
	ASSERT_LE(0, m);
	ASSERT_LE(0, a);
	EXPECT_EQ(-ETIMEDOUT, wait1(self->dev, m, 0, -1, NULL));
	EXPECT_EQ(-ETIMEDOUT, wait1(self->dev, a, 20 * MS, -1, NULL));
	EXPECT_EQ(0, op_prev(m, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	EXPECT_EQ(1, op_prev(m, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	EXPECT_EQ(0, wait1(self->dev, m, 0, -1, NULL));
	EXPECT_EQ(0, wait1(self->dev, m, 0, -1, NULL)); /* stays set */
	EXPECT_EQ(1, op_prev(m, NAMEDSHM_IOC_EVENT_RESET, 0, -1));
	EXPECT_EQ(-ETIMEDOUT, wait1(self->dev, m, 0, -1, NULL));

	EXPECT_EQ(0, op_prev(a, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	EXPECT_EQ(0, wait1(self->dev, a, 0, -1, NULL));
	EXPECT_EQ(-ETIMEDOUT, wait1(self->dev, a, 0, -1, NULL)); /* reset */

	/* PulseEvent with no waiter leaves it non-signaled. */
	EXPECT_EQ(0, op_prev(m, NAMEDSHM_IOC_EVENT_PULSE, 0, -1));
	EXPECT_EQ(-ETIMEDOUT, wait1(self->dev, m, 0, -1, NULL));
	EXPECT_EQ(0, op_prev(a, NAMEDSHM_IOC_EVENT_PULSE, 0, -1));
	EXPECT_EQ(-ETIMEDOUT, wait1(self->dev, a, 0, -1, NULL));

	/* Wait-any: lowest signaled index, only that one consumed. */
	b = event_new(self->dev, NULL, false, true);
	c = event_new(self->dev, NULL, false, true);
	ASSERT_LE(0, b);
	ASSERT_LE(0, c);
	v[0] = m;
	v[1] = b;
	v[2] = c;
	EXPECT_EQ(0, wait_objs(self->dev, v, 3, false, 0, -1, &idx, NULL));
	EXPECT_EQ(1, idx);
	EXPECT_EQ(0, sync_state(b));
	EXPECT_EQ(NAMEDSHM_STATE_SIGNALED, sync_state(c));
	close(b);
	close(c);
	close(a);
	close(m);
}

struct waiter_arg {
	int dev;
	int fd;
	uint64_t timeout;
	int ret;
	atomic_int *woken;
};

static void *waiter(void *p)
{
	struct waiter_arg *w = p;

	w->ret = wait1(w->dev, w->fd, w->timeout, -1, NULL);
	if (!w->ret)
		atomic_fetch_add(w->woken, 1);
	return NULL;
}

/* Start @n waiters on @fd, give them time to block. */
static void start_waiters(pthread_t *th, struct waiter_arg *w, int n, int dev,
			  int fd, uint64_t timeout, atomic_int *woken)
{
	int i;

	for (i = 0; i < n; i++) {
		w[i] = (struct waiter_arg){ dev, fd, timeout, 1, woken };
		pthread_create(&th[i], NULL, waiter, &w[i]);
	}
	usleep(200000);
}

TEST_F(sync, many_waiters_manual_all_auto_one)
{
	struct waiter_arg w[8];
	pthread_t th[8];
	atomic_int woken = 0;
	int m, a, i;

	m = event_new(self->dev, NULL, true, false);
	a = event_new(self->dev, NULL, false, false);
	ASSERT_LE(0, m);
	ASSERT_LE(0, a);

	start_waiters(th, w, 8, self->dev, m, NAMEDSHM_WAIT_INFINITE, &woken);
	EXPECT_EQ(0, atomic_load(&woken));
	EXPECT_EQ(0, op_prev(m, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(8, atomic_load(&woken));

	/* Auto-reset: each set wakes exactly one. */
	atomic_store(&woken, 0);
	start_waiters(th, w, 8, self->dev, a, 2000 * MS, &woken);
	EXPECT_EQ(0, op_prev(a, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	usleep(200000);
	EXPECT_EQ(1, atomic_load(&woken));
	EXPECT_EQ(0, sync_state(a)); /* consumed */
	EXPECT_EQ(0, op_prev(a, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	usleep(200000);
	EXPECT_EQ(2, atomic_load(&woken));
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(2, atomic_load(&woken));
	close(a);
	close(m);
}

TEST_F(sync, pulse_wakes_current_waiters)
{
	struct waiter_arg w[4];
	pthread_t th[4];
	atomic_int woken = 0;
	int m, a, i;

	m = event_new(self->dev, NULL, true, false);
	a = event_new(self->dev, NULL, false, false);
	ASSERT_LE(0, m);
	ASSERT_LE(0, a);
	start_waiters(th, w, 4, self->dev, m, 3000 * MS, &woken);
	EXPECT_EQ(0, op_prev(m, NAMEDSHM_IOC_EVENT_PULSE, 0, -1));
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(4, atomic_load(&woken));
	EXPECT_EQ(NAMEDSHM_STATE_MANUAL_RESET, sync_state(m));

	atomic_store(&woken, 0);
	start_waiters(th, w, 4, self->dev, a, 1000 * MS, &woken);
	EXPECT_EQ(0, op_prev(a, NAMEDSHM_IOC_EVENT_PULSE, 0, -1));
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(1, atomic_load(&woken));
	EXPECT_EQ(0, sync_state(a));
	close(a);
	close(m);
}

TEST_F(sync, semaphore_counts)
{
	struct waiter_arg w[4];
	struct namedshm_sync_op op = { 0 };
	pthread_t th[4];
	atomic_int woken = 0;
	int s, i;

	s = sem_new(self->dev, NULL, 2, 3);
	ASSERT_LE(0, s);
	EXPECT_EQ(0, wait1(self->dev, s, 0, -1, NULL));
	EXPECT_EQ(0, wait1(self->dev, s, 0, -1, NULL));
	EXPECT_EQ(-ETIMEDOUT, wait1(self->dev, s, 0, -1, NULL));
	EXPECT_EQ(0, op_prev(s, NAMEDSHM_IOC_SEM_RELEASE, 2, -1));
	/* Past the maximum: EOVERFLOW, nothing changes. */
	EXPECT_EQ(-EOVERFLOW, op_prev(s, NAMEDSHM_IOC_SEM_RELEASE, 2, -1));
	EXPECT_EQ(0, sync_op(s, NAMEDSHM_IOC_SYNC_READ, 0, -1, &op));
	EXPECT_EQ(2, op.count);
	EXPECT_EQ(3, op.max);
	EXPECT_EQ(-EINVAL, op_prev(s, NAMEDSHM_IOC_SEM_RELEASE, 0, -1));
	EXPECT_EQ(2, op_prev(s, NAMEDSHM_IOC_SEM_RELEASE, 1, -1));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, wait1(self->dev, s, 0, -1, NULL));

	/* A release of n wakes at most n. */
	start_waiters(th, w, 4, self->dev, s, 1000 * MS, &woken);
	EXPECT_EQ(0, op_prev(s, NAMEDSHM_IOC_SEM_RELEASE, 2, -1));
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(2, atomic_load(&woken));
	close(s);
}

TEST_F(sync, mutex_recursion_and_ownership)
{
	struct namedshm_sync_op op = { 0 };
	int t, t2, m, ro;
	uint32_t ab = 7;

	t = token_new(self->dev);
	t2 = token_new(self->dev);
	ASSERT_LE(0, t);
	ASSERT_LE(0, t2);
	m = mutex_new(self->dev, nsh_name("rec"), t);
	ASSERT_LE(0, m);
	EXPECT_EQ(NAMEDSHM_STATE_OWNED, sync_state(m));
	EXPECT_EQ(0, wait1(self->dev, m, 0, t, &ab));
	EXPECT_EQ(0, ab);
	EXPECT_EQ(0, sync_op(m, NAMEDSHM_IOC_SYNC_READ, 0, -1, &op));
	EXPECT_EQ(2, op.count);
	/* Another token is not the owner. */
	EXPECT_EQ(-ETIMEDOUT, wait1(self->dev, m, 10 * MS, t2, NULL));
	EXPECT_EQ(-EPERM, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t2));
	EXPECT_EQ(-EINVAL, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, m));
	EXPECT_EQ(2, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	EXPECT_EQ(1, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	EXPECT_EQ(-EPERM, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	EXPECT_EQ(NAMEDSHM_STATE_SIGNALED, sync_state(m));
	EXPECT_EQ(0, wait1(self->dev, m, 0, t2, NULL));
	/* Closing the handle does not release it; the token owns it. */
	EXPECT_EQ(-EPERM, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	EXPECT_EQ(1, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t2));
	/* Read-only handles release too (no access needed). */
	ro = sync_open(self->dev, nsh_name("rec"), NAMEDSHM_KIND_MUTEX, 0, 0,
		       0, 0, -1, NULL);
	ASSERT_LE(0, ro);
	EXPECT_EQ(0, wait1(self->dev, ro, 0, t, NULL));
	EXPECT_EQ(1, op_prev(ro, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	close(ro);
	close(m);
	close(t);
	close(t2);
}

struct thread_hold {
	int dev, m;
	int ret;
};

static void *hold_and_exit(void *p)
{
	struct thread_hold *h = p;
	int t = token_new(h->dev);

	h->ret = t < 0 ? t : wait1(h->dev, h->m, 0, t, NULL);
	/* The library's TLS destructor does this at thread exit. */
	close(t);
	return NULL;
}

TEST_F(sync, thread_exit_abandons)
{
	struct thread_hold h;
	pthread_t th;
	uint32_t ab = 7;
	int t, m;

	t = token_new(self->dev);
	ASSERT_LE(0, t);
	m = mutex_new(self->dev, NULL, -1);
	ASSERT_LE(0, m);
	h = (struct thread_hold){ self->dev, m, 1 };
	pthread_create(&th, NULL, hold_and_exit, &h);
	pthread_join(th, NULL);
	ASSERT_EQ(0, h.ret);
	EXPECT_EQ(NAMEDSHM_STATE_SIGNALED | NAMEDSHM_STATE_ABANDONED,
		  sync_state(m));
	EXPECT_EQ(0, wait1(self->dev, m, 0, t, &ab));
	EXPECT_EQ(1, ab);
	/* Reported once; the new owner holds it with a count of 1. */
	EXPECT_EQ(0, wait1(self->dev, m, 0, t, &ab));
	EXPECT_EQ(0, ab);
	EXPECT_EQ(2, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	EXPECT_EQ(1, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	close(m);
	close(t);
}

/* exec()ed by the SIGKILL test: take the mutex by name, say so, sleep. */
static int child_main(const char *name, int ready_fd)
{
	int dev = nsh_dev(), t, m;

	t = token_new(dev);
	m = sync_open(dev, name, NAMEDSHM_KIND_MUTEX, NSH_RW, 0, 0, 0, -1,
		      NULL);
	if (t < 0 || m < 0 || wait1(dev, m, NAMEDSHM_WAIT_INFINITE, t, NULL))
		return 1;
	if (write(ready_fd, "x", 1) != 1)
		return 1;
	for (;;)
		pause();
}

static char self_exe[4096];

TEST_F(sync, sigkill_of_owner_abandons)
{
	const char *name = nsh_name("kill");
	char fdbuf[16], c;
	int pipefd[2], t, m, st;
	uint32_t ab = 7;
	pid_t pid;

	ASSERT_LT(0, readlink("/proc/self/exe", self_exe,
			      sizeof(self_exe) - 1));
	t = token_new(self->dev);
	m = mutex_new(self->dev, name, -1);
	ASSERT_LE(0, t);
	ASSERT_LE(0, m);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		snprintf(fdbuf, sizeof(fdbuf), "%d", pipefd[1]);
		execl(self_exe, self_exe, "--sync-child", name, fdbuf, NULL);
		_exit(127);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	EXPECT_EQ(NAMEDSHM_STATE_OWNED, sync_state(m));
	EXPECT_EQ(-ETIMEDOUT, wait1(self->dev, m, 0, t, NULL));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	/* Deterministic: abandoned before waitpid() returned. */
	EXPECT_EQ(NAMEDSHM_STATE_SIGNALED | NAMEDSHM_STATE_ABANDONED,
		  sync_state(m));
	EXPECT_EQ(0, wait1(self->dev, m, 0, t, &ab));
	EXPECT_EQ(1, ab);
	EXPECT_EQ(1, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	close(pipefd[0]);
	close(m);
	close(t);
}

struct blocked_arg {
	int dev, m, ret;
	uint32_t ab;
};

static void *blocked_waiter(void *p)
{
	struct blocked_arg *b = p;
	int t = token_new(b->dev);

	b->ret = wait1(b->dev, b->m, 5000 * MS, t, &b->ab);
	if (!b->ret)
		op_prev(b->m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t);
	close(t);
	return NULL;
}

TEST_F(sync, blocked_waiter_sees_abandoned)
{
	struct blocked_arg b;
	pthread_t th;
	pid_t pid;
	int m, st;

	m = mutex_new(self->dev, NULL, -1);
	ASSERT_LE(0, m);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int t = token_new(self->dev);

		if (wait1(self->dev, m, 0, t, NULL))
			_exit(1);
		usleep(400000);
		_exit(0); /* dies holding it, the token closed by exit */
	}
	usleep(200000);
	b = (struct blocked_arg){ self->dev, m, 1, 7 };
	pthread_create(&th, NULL, blocked_waiter, &b);
	pthread_join(th, NULL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, b.ret);
	EXPECT_EQ(1, b.ab);
	close(m);
}

TEST_F(sync, forked_child_close_abandons_nothing)
{
	int t, m, st;
	pid_t pid;

	t = token_new(self->dev);
	ASSERT_LE(0, t);
	m = mutex_new(self->dev, NULL, t);
	ASSERT_LE(0, m);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(t);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(NAMEDSHM_STATE_OWNED, sync_state(m));
	EXPECT_EQ(1, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	close(m);
	close(t);
}

TEST_F(sync, wait_all_is_atomic)
{
	int e, s, m, t, v[3];
	uint32_t idx = 7, ab = 7;

	t = token_new(self->dev);
	e = event_new(self->dev, NULL, false, true);
	s = sem_new(self->dev, NULL, 0, 2);
	m = mutex_new(self->dev, NULL, -1);
	ASSERT_LE(0, t);
	ASSERT_LE(0, e);
	ASSERT_LE(0, s);
	ASSERT_LE(0, m);
	v[0] = e;
	v[1] = s;
	v[2] = m;
	/* The semaphore is 0: nothing is taken, not even the event. */
	EXPECT_EQ(-ETIMEDOUT, wait_objs(self->dev, v, 3, true, 0, t, NULL,
					NULL));
	EXPECT_EQ(-ETIMEDOUT, wait_objs(self->dev, v, 3, true, 30 * MS, t,
					NULL, NULL));
	EXPECT_EQ(NAMEDSHM_STATE_SIGNALED, sync_state(e));
	EXPECT_EQ(NAMEDSHM_STATE_SIGNALED, sync_state(m));
	EXPECT_EQ(0, op_prev(s, NAMEDSHM_IOC_SEM_RELEASE, 1, -1));
	EXPECT_EQ(0, wait_objs(self->dev, v, 3, true, 0, t, &idx, &ab));
	EXPECT_EQ(0, idx);
	EXPECT_EQ(0, ab);
	EXPECT_EQ(0, sync_state(e));
	EXPECT_EQ(0, sync_state(s));
	EXPECT_EQ(NAMEDSHM_STATE_OWNED, sync_state(m));
	EXPECT_EQ(1, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	close(m);
	close(s);
	close(e);
	close(t);
}

struct all_arg {
	int dev, *v, n, t, ret;
};

static void *all_waiter(void *p)
{
	struct all_arg *a = p;

	a->ret = wait_objs(a->dev, a->v, a->n, true, 3000 * MS, a->t, NULL,
			   NULL);
	return NULL;
}

TEST_F(sync, wait_all_blocks_until_all)
{
	struct all_arg a;
	pthread_t th;
	int e1, e2, v[2];

	e1 = event_new(self->dev, NULL, false, false);
	e2 = event_new(self->dev, NULL, false, false);
	ASSERT_LE(0, e1);
	ASSERT_LE(0, e2);
	v[0] = e1;
	v[1] = e2;
	a = (struct all_arg){ self->dev, v, 2, -1, 1 };
	pthread_create(&th, NULL, all_waiter, &a);
	usleep(100000);
	EXPECT_EQ(0, op_prev(e1, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	usleep(100000);
	EXPECT_EQ(1, a.ret); /* still waiting, e1 not consumed */
	EXPECT_EQ(NAMEDSHM_STATE_SIGNALED, sync_state(e1));
	/* Closing a handle does not end the wait. */
	EXPECT_EQ(0, close(e2) ? errno : 0);
	pthread_join(th, NULL);
	EXPECT_EQ(-ETIMEDOUT, a.ret);
	close(e1);
}

static void on_alarm(int sig)
{
}

TEST_F(sync, waits_are_interruptible_and_leak_nothing)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int e, st;
	pid_t pid;

	e = event_new(self->dev, NULL, true, false);
	ASSERT_LE(0, e);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	/* A finite wait ends with EINTR; no SA_RESTART for infinite. */
	EXPECT_EQ(-EINTR, wait1(self->dev, e, 5000 * MS, -1, NULL));
	alarm(1);
	EXPECT_EQ(-EINTR, wait1(self->dev, e, NAMEDSHM_WAIT_INFINITE, -1,
				NULL));
	/* A waiter killed while blocked leaves nothing behind. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		wait1(self->dev, e, NAMEDSHM_WAIT_INFINITE, -1, NULL);
		_exit(0);
	}
	usleep(200000);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
	EXPECT_EQ(0, op_prev(e, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	close(e);
}

struct timed_waiter {
	int dev, fd;
	uint64_t timeout;
	int ret;
	atomic_int tid;
};

static void *timed_wait(void *p)
{
	struct timed_waiter *w = p;

	atomic_store(&w->tid, (int)syscall(SYS_gettid));
	w->ret = wait1(w->dev, w->fd, w->timeout, -1, NULL);
	return NULL;
}

/* Wait (up to 5 s) until thread @tid sleeps (state S in its stat). */
static bool thread_sleeps(int tid)
{
	char path[64], buf[256], *p;
	int i, fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	for (i = 0; i < 500; i++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return false;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * A wait holds the object, not a handle: closing the last handle while a
 * wait is blocked removes the name at once (Open fails, Create makes a
 * new object), and the wait goes on until its timeout.
 */
TEST_F(sync, blocked_wait_does_not_keep_the_name)
{
	const char *name = nsh_name("waitname");
	struct timed_waiter w;
	uint32_t status = 0;
	pthread_t th;
	int e, e2;

	e = event_new(self->dev, name, true, false);
	ASSERT_LE(0, e);
	/* A descriptor number the new event below will not reuse. */
	e2 = fcntl(e, F_DUPFD_CLOEXEC, 100);
	ASSERT_LE(100, e2);
	close(e);
	e = e2;
	w = (struct timed_waiter){ self->dev, e, 1500 * MS, 1, 0 };
	ASSERT_EQ(0, pthread_create(&th, NULL, timed_wait, &w));
	while (!atomic_load(&w.tid))
		usleep(1000);
	/* Blocked in the wait (the first sleep of a fresh thread). */
	ASSERT_TRUE(thread_sleeps(atomic_load(&w.tid)));
	close(e);
	EXPECT_EQ(-ENOENT, sync_open(self->dev, name, NAMEDSHM_KIND_EVENT,
				     NSH_RW, 0, 0, 0, -1, NULL));
	EXPECT_EQ(0, nsh_listing(NULL, NULL));
	/* A create of the name is a new object: setting it wakes no one. */
	e2 = sync_open(self->dev, name, NAMEDSHM_KIND_EVENT, NSH_CREATE,
		       NAMEDSHM_SYNC_MANUAL_RESET, 0, 0, -1, &status);
	ASSERT_LE(0, e2);
	EXPECT_EQ(NAMEDSHM_STATUS_CREATED, status);
	EXPECT_EQ(0, op_prev(e2, NAMEDSHM_IOC_EVENT_SET, 0, -1));
	pthread_join(th, NULL);
	EXPECT_EQ(-ETIMEDOUT, w.ret);
	close(e2);
}

/*
 * A fork() that fails after copying the descriptor table closes the
 * copy (with current = the parent): the parent's mutexes stay its own.
 * clone(CLONE_PIDFD) with an unwritable pidfd pointer fails that way,
 * with EFAULT, after the table is copied.
 */
TEST_F(sync, failed_fork_abandons_nothing)
{
	int t, m;
	long ret;

	t = token_new(self->dev);
	ASSERT_LE(0, t);
	m = mutex_new(self->dev, NULL, t);
	ASSERT_LE(0, m);
	ret = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, (int *)8, 0, 0);
	if (ret == 0)
		_exit(0);
	ASSERT_EQ(-1, ret) TH_LOG("clone unexpectedly made child %ld", ret);
	ASSERT_EQ(EFAULT, errno);
	EXPECT_EQ(NAMEDSHM_STATE_OWNED, sync_state(m));
	EXPECT_EQ(1, op_prev(m, NAMEDSHM_IOC_MUTEX_RELEASE, 0, t));
	close(m);
	close(t);
}

/*
 * A wait whose result cannot be written back fails before it consumes
 * anything: the semaphore keeps its count.
 */
TEST_F(sync, unwritable_wait_argument_consumes_nothing)
{
	struct namedshm_sync_op op = { 0 };
	struct namedshm_wait *w;
	int s;

	s = sem_new(self->dev, NULL, 1, 1);
	ASSERT_LE(0, s);
	w = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, w);
	*(int *)(w + 1) = s;
	*w = (struct namedshm_wait){
		.argsz = sizeof(*w),
		.objs = (uintptr_t)(w + 1),
		.count = 1,
		.token_fd = -1,
	};
	ASSERT_EQ(0, mprotect(w, getpagesize(), PROT_READ));
	EXPECT_EQ(-1, ioctl(self->dev, NAMEDSHM_IOC_WAIT, w));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(0, sync_op(s, NAMEDSHM_IOC_SYNC_READ, 0, -1, &op));
	EXPECT_EQ(1, op.count);
	munmap(w, getpagesize());
	close(s);
}

TEST_F(sync, fdinfo_and_info_show_kind)
{
	struct namedshm_region_info info;
	char path[64], buf[1024];
	ssize_t n;
	int s, fd;

	s = sem_new(self->dev, nsh_name("info"), 1, 4);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, nsh_region_info(s, &info, NULL, 0));
	EXPECT_EQ(NAMEDSHM_KIND_SEMAPHORE, info.kind);
	EXPECT_EQ(0, info.size);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", s);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = 0;
	EXPECT_NE(NULL, strstr(buf, "namedshm-kind:\tsemaphore"));
	EXPECT_NE(NULL, strstr(buf, "namedshm-state:\tsignaled"));
	EXPECT_NE(NULL, strstr(buf, "namedshm-count:\t1"));
	close(fd);
	close(s);
}

TEST_F(sync, quota_counts_objects)
{
	int a, b;

	ASSERT_EQ(0, nsh_set_param("max_regions", 1));
	a = event_new(self->dev, NULL, false, false);
	b = event_new(self->dev, NULL, false, false);
	nsh_set_param("max_regions", 1UL << 20);
	EXPECT_LE(0, a);
	EXPECT_EQ(-ENOSPC, b);
	close(a);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--sync-child"))
		return child_main(argv[2], atoi(argv[3]));
	return test_harness_run(argc, argv);
}
