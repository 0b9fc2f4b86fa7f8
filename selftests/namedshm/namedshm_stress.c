// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: several processes times several threads, for a given time, do
 * random create / open / map / write / verify / unmap / close / dup /
 * fork / exec / exit over a small set of names, while a killer SIGKILLs
 * random children at random points.
 *
 * Invariant: every region starts with a header naming the name it was
 * created for, and holds slots written under a per-slot sequence count;
 * a slot whose count is even holds data derived from (name, count) with a
 * checksum.  A reader that finds a stable even slot whose data or checksum
 * does not match, or a header that names another name, has found lost or
 * mixed-up data.  Killed writers leave odd slots, which nobody reads or
 * writes again; they never corrupt even ones.
 *
 * Alongside, the same threads create and open named events, mutexes and
 * semaphores over a few shared names, set / reset / pulse events, release
 * semaphores, wait-any and wait-all with timeouts of at most 3 ms over
 * mixed kinds, hold what they got for a moment (the killer strikes
 * mid-hold) and release it; now and then a thread takes a mutex and
 * leaves with it (closes its owner token, as thread exit does).  What the
 * objects promise is checked as it happens:
 * - a wait reports "abandoned" only on a mutex, and, per mutex name, no
 *   more often than owners died or left holding it (every thread marks,
 *   in shared memory, the mutexes it may hold; the parent counts the
 *   marks of every child it kills);
 * - a few mutexes, held open by the parent for the whole run, are
 *   exclusive: whoever takes one without "abandoned" finds nobody inside;
 * - a semaphore held open by the parent is never held by more than its
 *   maximum, and releases of what was taken never overflow; no semaphore
 *   ever reads or releases past its maximum;
 * - no wait succeeds on nothing: an event nobody can set and a semaphore
 *   nobody can release (read-only handles: EACCES) never satisfy a wait,
 *   alone, in a wait-any or a wait-all; a timed-out wait lasted its
 *   timeout; a wait that succeeds reports a valid index;
 * - recursion and ownership: a thread re-takes its own mutex at once, the
 *   recursion count reads back, a release of a mutex it does not own is
 *   EPERM, a wait-all naming one object twice is EINVAL;
 * - every ioctl fails only with an errno the uapi documents for that
 *   situation (descriptor and memory exhaustion aside, nothing else).
 *
 * At quiescence: no region or sync object is alive, the listing is empty,
 * Shmem in /proc/meminfo is back to its baseline, and the module unloads
 * (and is loaded again from $NAMEDSHM_KO).
 *
 * usage: namedshm_stress [-d SECONDS] [-p PROCS] [-t THREADS] [-s SEED]
 * SECONDS defaults to $NAMEDSHM_STRESS_SECONDS, else 20.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "namedshm_util.h"

#define NAMES 6
#define REGION_PAGES 4
#define SLOT_WORDS 14
#define MAGIC 0x4e53484dU /* "NSHM" */
#define BUSY 1U

/* Sync objects: names that come and go, and some the parent holds. */
#define SYNC_NAMES 3 /* per kind, created and destroyed by the workers */
#define AMUTEXES 2 /* mutexes the parent holds open: exclusion checked */
#define MUTEX_IDS (AMUTEXES + SYNC_NAMES)
#define ASEM_MAX 2 /* the semaphore the parent holds open */
#define MAX_PROCS 64
#define MAX_THREADS 16
#define WAIT_OBJS 4
#define MAX_TIMEOUT_NS 3000000

struct slot {
	_Atomic uint64_t seq;
	uint64_t sum;
	uint64_t data[SLOT_WORDS];
};

struct header {
	_Atomic uint32_t magic;
	uint32_t name_id;
	uint64_t pad[15];
};

static long page;
static size_t region_size;
static unsigned int nslots;
static int dev;
static time_t deadline;
static const char *self_exe = "/proc/self/exe";

/* Shared across all processes: counters of what happened. */
struct stats {
	_Atomic unsigned long ops, creates, opens, maps, writes, verifies;
	_Atomic unsigned long forks, execs, kills, corrupt, errors;
	/* Sync objects. */
	_Atomic unsigned long sync_rounds, sync_creates, sync_opens, signals;
	_Atomic unsigned long waits, waits_all, wait_ok, wait_timeout;
	_Atomic unsigned long recursions, releases, left_holding, violations;
	_Atomic unsigned long abandoned_seen;
	/* Per mutex id: abandonments reported, and owners that died holding. */
	_Atomic unsigned long observed[MUTEX_IDS], possible[MUTEX_IDS];
	/* Per thread of each child: the mutex ids it may hold (bits). */
	_Atomic uint32_t mask[MAX_PROCS][MAX_THREADS];
	/* The parent's mutexes: 1 while someone is inside. */
	_Atomic int inside[AMUTEXES];
	/* The parent's semaphore: units held, in all and by each child. */
	_Atomic int sem_inside;
	_Atomic int sem_held[MAX_PROCS];
};
static struct stats *st;

static void note_error(const char *what, int err)
{
	atomic_fetch_add(&st->errors, 1);
	fprintf(stderr, "# error: %s: %d (pid %d)\n", what, err, getpid());
}

static void name_of(unsigned int id, char *buf, size_t len)
{
	snprintf(buf, len, "stress-%u", id);
}

static uint64_t word(unsigned int name_id, uint64_t seq, unsigned int i)
{
	uint64_t x = ((uint64_t)name_id << 48) ^ (seq * 0x9e3779b97f4a7c15ULL) ^
		     i;

	x ^= x >> 31;
	return x * 0xbf58476d1ce4e5b9ULL;
}

static uint64_t checksum(const uint64_t *d)
{
	uint64_t s = 0;
	unsigned int i;

	for (i = 0; i < SLOT_WORDS; i++)
		s = (s ^ d[i]) * 0x100000001b3ULL;
	return s;
}

static struct slot *slots(void *base)
{
	return (struct slot *)((char *)base + sizeof(struct header));
}

/* Make sure the header is there; returns false if it names another. */
static bool check_header(void *base, unsigned int name_id)
{
	struct header *h = base;
	uint32_t m = atomic_load(&h->magic);

	if (m == 0) {
		uint32_t zero = 0;

		if (atomic_compare_exchange_strong(&h->magic, &zero, BUSY)) {
			h->name_id = name_id;
			atomic_store(&h->magic, MAGIC);
			return true;
		}
		m = atomic_load(&h->magic);
	}
	/* BUSY: a creator is writing it (or was killed doing so). */
	if (m == BUSY)
		return true;
	return m == MAGIC && h->name_id == name_id;
}

static void write_slot(void *base, unsigned int name_id, unsigned int i)
{
	struct slot *s = &slots(base)[i];
	uint64_t seq = atomic_load(&s->seq), next;
	unsigned int w;

	/*
	 * Claim: even -> odd.  A slot left odd by a killed writer stays so:
	 * nobody can tell a dead writer from a slow one.
	 */
	if ((seq & 1) ||
	    !atomic_compare_exchange_strong(&s->seq, &seq, seq + 1))
		return;
	next = seq + 2;
	for (w = 0; w < SLOT_WORDS; w++)
		s->data[w] = word(name_id, next, w);
	s->sum = checksum(s->data);
	atomic_store(&s->seq, next);
	atomic_fetch_add(&st->writes, 1);
}

static bool verify_slot(void *base, unsigned int name_id, unsigned int i)
{
	struct slot *s = &slots(base)[i];
	uint64_t d[SLOT_WORDS], sum, a, b;
	unsigned int w;

	a = atomic_load(&s->seq);
	if (a & 1)
		return true;
	memcpy(d, s->data, sizeof(d));
	sum = s->sum;
	atomic_thread_fence(memory_order_acquire);
	b = atomic_load(&s->seq);
	if (a != b || a == 0)
		return true; /* changing, or never written */
	if (sum != checksum(d))
		return false;
	for (w = 0; w < SLOT_WORDS; w++)
		if (d[w] != word(name_id, a, w))
			return false;
	return true;
}

static void corrupt(const char *what, unsigned int name_id)
{
	atomic_fetch_add(&st->corrupt, 1);
	fprintf(stderr, "# CORRUPT: %s (name %u, pid %d)\n", what, name_id,
		getpid());
}

/* One round of random work on one name. */
static void one_op(unsigned int *seed)
{
	unsigned int id = rand_r(seed) % NAMES, i, n;
	char name[32];
	uint32_t status = 0;
	void *p;
	int fd, fd2;

	name_of(id, name, sizeof(name));
	atomic_fetch_add(&st->ops, 1);
	fd = nsh_open(dev, name, NSH_CREATE, 0600, region_size, &status, NULL);
	if (fd < 0) {
		/* EMFILE and ENOMEM are the environment, not a bug. */
		if (fd != -EMFILE && fd != -ENOMEM)
			note_error("open", -fd);
		return;
	}
	atomic_fetch_add(status == NAMEDSHM_STATUS_CREATED ? &st->creates :
							     &st->opens,
			 1);
	if (rand_r(seed) % 4 == 0) {
		/* Work through a dup; the original goes first. */
		fd2 = dup(fd);
		close(fd);
		fd = fd2;
		if (fd < 0)
			return;
	}
	p = mmap(NULL, region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		note_error("mmap", errno);
		close(fd);
		return;
	}
	atomic_fetch_add(&st->maps, 1);
	/* Sometimes close the handle first: the mapping must keep working. */
	if (rand_r(seed) % 2) {
		close(fd);
		fd = -1;
	}
	if (!check_header(p, id))
		corrupt("header names another region", id);
	n = 1 + rand_r(seed) % 8;
	for (i = 0; i < n; i++)
		write_slot(p, id, rand_r(seed) % nslots);
	for (i = 0; i < nslots; i++)
		if (!verify_slot(p, id, i))
			corrupt("slot data does not match its name and count",
				id);
	atomic_fetch_add(&st->verifies, 1);
	munmap(p, region_size);
	if (fd >= 0)
		close(fd);
}

/*
 * Sync objects.  Each object a round may use is one of these; the
 * parent's (anchored) objects exist for the whole run.
 */
enum { O_EVENT, O_MUTEX = O_EVENT + SYNC_NAMES,
       O_SEM = O_MUTEX + SYNC_NAMES, O_AMUTEX = O_SEM + SYNC_NAMES,
       O_ASEM = O_AMUTEX + AMUTEXES, O_NEVER_EVENT, O_NEVER_SEM, NR_OBJS };

static uint32_t obj_kind(int o)
{
	if (o < O_MUTEX || o == O_NEVER_EVENT)
		return NAMEDSHM_KIND_EVENT;
	if (o < O_SEM || (o >= O_AMUTEX && o < O_ASEM))
		return NAMEDSHM_KIND_MUTEX;
	return NAMEDSHM_KIND_SEMAPHORE;
}

static bool obj_anchored(int o)
{
	return o >= O_AMUTEX;
}

/* The parent's objects that nobody can signal. */
static bool obj_never(int o)
{
	return o == O_NEVER_EVENT || o == O_NEVER_SEM;
}

/* Mutex id (index of observed[], possible[]): the parent's first. */
static int mutex_id(int o)
{
	return o >= O_AMUTEX ? o - O_AMUTEX : AMUTEXES + o - O_MUTEX;
}

/* Every creator of a semaphore name gives the same maximum. */
static uint32_t sem_max(int o)
{
	if (o == O_ASEM)
		return ASEM_MAX;
	if (o == O_NEVER_SEM)
		return 1;
	return 2 + (uint32_t)(o - O_SEM);
}

static void obj_name(int o, char *buf, size_t len)
{
	if (o < O_MUTEX)
		snprintf(buf, len, "stress-event-%d", o - O_EVENT);
	else if (o < O_SEM)
		snprintf(buf, len, "stress-mutex-%d", o - O_MUTEX);
	else if (o < O_AMUTEX)
		snprintf(buf, len, "stress-sem-%d", o - O_SEM);
	else if (o < O_ASEM)
		snprintf(buf, len, "stress-held-mutex-%d", o - O_AMUTEX);
	else if (o == O_ASEM)
		snprintf(buf, len, "stress-held-sem");
	else if (o == O_NEVER_EVENT)
		snprintf(buf, len, "stress-never-event");
	else
		snprintf(buf, len, "stress-never-sem");
}

static void violation(const char *what, int o)
{
	char name[64] = "-";

	if (o >= 0)
		obj_name(o, name, sizeof(name));
	atomic_fetch_add(&st->violations, 1);
	fprintf(stderr, "# SYNC VIOLATION: %s (%s, pid %d)\n", what, name,
		getpid());
}

/*
 * A failure must have an errno the uapi documents for it here: ENOMEM
 * always, EMFILE and ENFILE for a call that makes a descriptor, and
 * @also (0: nothing more).  Anything else is noted.
 */
static void check_errno(const char *what, int err, bool makes_fd, int also)
{
	if (err == ENOMEM || (makes_fd && (err == EMFILE || err == ENFILE)) ||
	    (also && err == also))
		return;
	note_error(what, err);
}

/* One worker thread's sync state. */
struct tctx {
	unsigned int seed;
	int slot, tidx;
	int token;
};

static int sync_ioctl(int fd, unsigned long cmd, uint32_t count, int token,
		      struct namedshm_sync_op *op)
{
	memset(op, 0, sizeof(*op));
	op->argsz = sizeof(*op);
	op->count = count;
	op->token_fd = token;
	return ioctl(fd, cmd, op) ? -errno : 0;
}

/* Open (or create) object @o; a handle, or -errno (noted if unexpected). */
static int sync_open(struct tctx *c, int o, bool *write, bool owned,
		     uint32_t *status)
{
	uint32_t kind = obj_kind(o);
	struct namedshm_open a = {
		.argsz = sizeof(a),
		.mode = 0600,
		.kind = kind,
		.token_fd = -1,
	};
	char name[64];
	int fd, also = 0;

	obj_name(o, name, sizeof(name));
	a.name = (uintptr_t)name;
	a.name_len = strlen(name);
	if (obj_never(o)) {
		/* Read-only: nobody but the parent could signal them. */
		*write = false;
	} else if (obj_anchored(o)) {
		*write = o == O_ASEM || rand_r(&c->seed) % 2;
	} else {
		*write = rand_r(&c->seed) % 4 != 0;
		if (rand_r(&c->seed) % 8) {
			a.flags |= NAMEDSHM_OPEN_CREATE;
		} else {
			/* Open only: the name may be gone. */
			also = ENOENT;
		}
	}
	if (*write)
		a.flags |= NAMEDSHM_OPEN_WRITE;
	if (a.flags & NAMEDSHM_OPEN_CREATE) {
		switch (kind) {
		case NAMEDSHM_KIND_EVENT:
			a.sync_flags = rand_r(&c->seed) %
				       (NAMEDSHM_SYNC_MANUAL_RESET |
					NAMEDSHM_SYNC_SIGNALED | 1);
			break;
		case NAMEDSHM_KIND_MUTEX:
			if (owned) {
				a.sync_flags = NAMEDSHM_SYNC_OWNED;
				a.token_fd = c->token;
			}
			break;
		default:
			a.max = sem_max(o);
			a.count = rand_r(&c->seed) % (a.max + 1);
			break;
		}
	}
	fd = ioctl(dev, NAMEDSHM_IOC_OPEN, &a);
	if (fd < 0) {
		fd = -errno;
		check_errno("sync open", -fd, true, also);
		return fd;
	}
	if (a.status == NAMEDSHM_STATUS_CREATED) {
		atomic_fetch_add(&st->sync_creates, 1);
		if (obj_anchored(o))
			violation("open without CREATE created", o);
	} else if (a.status == NAMEDSHM_STATUS_EXISTED) {
		atomic_fetch_add(&st->sync_opens, 1);
	} else {
		violation("open: no status", o);
	}
	*status = a.status;
	return fd;
}

/* Read an object's state and check what can be checked of it. */
static void sync_read_check(int fd, int o, uint32_t own)
{
	struct namedshm_sync_op op;
	int ret = sync_ioctl(fd, NAMEDSHM_IOC_SYNC_READ, 0, -1, &op);

	if (ret) {
		note_error("SYNC_READ", -ret);
		return;
	}
	switch (obj_kind(o)) {
	case NAMEDSHM_KIND_SEMAPHORE:
		if (op.max != sem_max(o))
			violation("semaphore maximum reads back wrong", o);
		if (op.count > op.max)
			violation("semaphore count above its maximum", o);
		if (!!op.count != !!(op.state & NAMEDSHM_STATE_SIGNALED))
			violation("semaphore state disagrees with count", o);
		break;
	case NAMEDSHM_KIND_MUTEX:
		/* Only this thread can change a mutex it owns. */
		if (own && (!(op.state & NAMEDSHM_STATE_OWNED) ||
			    op.count != own))
			violation("own mutex: state or recursion count wrong",
				  o);
		break;
	}
	if (obj_never(o) && (op.state & NAMEDSHM_STATE_SIGNALED || op.count))
		violation("an object nobody signals is signaled", o);
}

/* Set, reset, pulse an event or release a semaphore through @fd. */
static void sync_signal(struct tctx *c, int fd, int o, bool write)
{
	static const unsigned long event_cmds[] = {
		NAMEDSHM_IOC_EVENT_SET, NAMEDSHM_IOC_EVENT_RESET,
		NAMEDSHM_IOC_EVENT_PULSE,
	};
	struct namedshm_sync_op op;
	uint32_t n;
	int ret;

	switch (obj_kind(o)) {
	case NAMEDSHM_KIND_EVENT:
		ret = sync_ioctl(fd, event_cmds[rand_r(&c->seed) % 3], 0, -1,
				 &op);
		if (!write) {
			if (ret != -EACCES)
				violation("event changed through a read-only handle",
					  o);
			return;
		}
		if (ret)
			note_error("EVENT_SET/RESET/PULSE", -ret);
		else if (op.prev > 1)
			violation("event: previous state not 0 or 1", o);
		atomic_fetch_add(&st->signals, 1);
		return;
	case NAMEDSHM_KIND_SEMAPHORE:
		/* Never the parent's counted one: its units are tracked. */
		if (o == O_ASEM)
			return;
		n = 1 + rand_r(&c->seed) % 2;
		ret = sync_ioctl(fd, NAMEDSHM_IOC_SEM_RELEASE, n, -1, &op);
		if (!write) {
			if (ret != -EACCES)
				violation("semaphore released through a read-only handle",
					  o);
			return;
		}
		if (ret == -EOVERFLOW)
			return; /* would pass the maximum: refused */
		if (ret)
			note_error("SEM_RELEASE", -ret);
		else if (op.prev + n > sem_max(o))
			violation("semaphore released past its maximum", o);
		atomic_fetch_add(&st->signals, 1);
		return;
	}
}

/* Waits on @fds; -errno, 0 with the index and abandoned flag. */
static int sync_wait(struct tctx *c, const int *fds, int n, bool all,
		     uint64_t timeout, uint32_t *index, bool *abandoned)
{
	struct namedshm_wait w = {
		.argsz = sizeof(w),
		.flags = all ? NAMEDSHM_WAIT_ALL : 0,
		.objs = (uintptr_t)fds,
		.count = (uint32_t)n,
		.token_fd = c->token,
		.timeout = timeout,
		.index = ~0U,
		.abandoned = ~0U,
	};
	struct timespec t0, t1;
	uint64_t took;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (ioctl(dev, NAMEDSHM_IOC_WAIT, &w)) {
		int err = errno;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		took = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ULL +
		       (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
		if (err == ETIMEDOUT && took < timeout)
			violation("wait timed out before its timeout", -1);
		return -err;
	}
	if (w.index >= (uint32_t)n || w.abandoned > 1)
		violation("wait: index or abandoned out of range", -1);
	*index = w.index;
	*abandoned = w.abandoned;
	return 0;
}

/* This thread took mutex @o (first level): is anybody else inside? */
static void mutex_enter(int o, bool abandoned)
{
	int was;

	if (!obj_anchored(o))
		return;
	was = atomic_exchange(&st->inside[mutex_id(o)], 1);
	if (was && !abandoned)
		violation("two owners of one mutex at once", o);
}

static void mutex_leave(int o)
{
	if (obj_anchored(o))
		atomic_store(&st->inside[mutex_id(o)], 0);
}

/* The parent's semaphore: a unit was taken by this child. */
static void sem_enter(struct tctx *c)
{
	atomic_fetch_add(&st->sem_held[c->slot], 1);
	if (atomic_fetch_add(&st->sem_inside, 1) + 1 > ASEM_MAX)
		violation("semaphore held by more than its maximum", O_ASEM);
}

/* ... and given back through @fd. */
static void sem_leave(struct tctx *c, int fd)
{
	struct namedshm_sync_op op;
	int ret;

	/* In this order: a kill anywhere here never overstates. */
	atomic_fetch_sub(&st->sem_inside, 1);
	atomic_fetch_sub(&st->sem_held[c->slot], 1);
	ret = sync_ioctl(fd, NAMEDSHM_IOC_SEM_RELEASE, 1, -1, &op);
	if (ret == -EOVERFLOW)
		violation("giving back a unit taken overflows", O_ASEM);
	else if (ret)
		note_error("SEM_RELEASE of a taken unit", -ret);
	else if (op.prev + 1 > ASEM_MAX)
		violation("semaphore count above its maximum", O_ASEM);
}

/* A thread that takes a mutex and leaves holding it (closes its token). */
static void *leave_holding(void *arg)
{
	struct tctx c = *(struct tctx *)arg;
	int o, fd, m;
	uint32_t index, status;
	bool write, abandoned;

	c.token = ioctl(dev, NAMEDSHM_IOC_TOKEN);
	if (c.token < 0) {
		check_errno("TOKEN", errno, true, 0);
		return NULL;
	}
	o = rand_r(&c.seed) % 2 ? O_AMUTEX + rand_r(&c.seed) % AMUTEXES :
				  O_MUTEX + rand_r(&c.seed) % SYNC_NAMES;
	m = mutex_id(o);
	fd = sync_open(&c, o, &write, false, &status);
	if (fd >= 0) {
		/* Counted before: a kill may strike right after the wait. */
		atomic_fetch_add(&st->possible[m], 1);
		if (!sync_wait(&c, &fd, 1, false, MAX_TIMEOUT_NS, &index,
			       &abandoned)) {
			if (abandoned)
				atomic_fetch_add(&st->observed[m], 1);
			mutex_enter(o, abandoned);
			atomic_fetch_add(&st->left_holding, 1);
		}
		close(fd);
	}
	/* Thread exit: the token's close abandons the mutex. */
	close(c.token);
	return NULL;
}

/*
 * One round: open up to WAIT_OBJS objects (a name twice now and then),
 * signal some, wait for any or all, hold, release, close.
 */
static void sync_round(struct tctx *c)
{
	_Atomic uint32_t *mask = &st->mask[c->slot][c->tidx];
	int objs[WAIT_OBJS], fds[WAIT_OBJS], n, i, j, ret;
	uint32_t own[MUTEX_IDS] = { 0 }, sem_taken[WAIT_OBJS] = { 0 };
	bool write[WAIT_OBJS], all, dup = false, never = false, abandoned;
	uint32_t bits = 0, status, index;
	struct namedshm_sync_op op;
	uint64_t timeout;

	atomic_fetch_add(&st->sync_rounds, 1);
	if (rand_r(&c->seed) % 40 == 0) {
		struct tctx h = *c;
		pthread_t t;

		h.seed = rand_r(&c->seed);
		if (!pthread_create(&t, NULL, leave_holding, &h))
			pthread_join(t, NULL);
		return;
	}
	n = 1 + rand_r(&c->seed) % WAIT_OBJS;
	for (i = 0; i < n; i++) {
		objs[i] = rand_r(&c->seed) % NR_OBJS;
		for (j = 0; j < i; j++)
			dup |= objs[j] == objs[i];
		never |= obj_never(objs[i]);
		if (obj_kind(objs[i]) == NAMEDSHM_KIND_MUTEX)
			bits |= 1U << mutex_id(objs[i]);
	}
	/* Before anything can be taken: the killer's accounting. */
	atomic_fetch_or(mask, bits);

	for (i = 0; i < n; i++) {
		int o = objs[i];
		bool owned = obj_kind(o) == NAMEDSHM_KIND_MUTEX &&
			     !obj_anchored(o) && rand_r(&c->seed) % 4 == 0;

		fds[i] = sync_open(c, o, &write[i], owned, &status);
		if (fds[i] < 0) {
			n = i; /* give back what the others got */
			goto release;
		}
		if (!owned)
			continue;
		if (status == NAMEDSHM_STATUS_CREATED) {
			own[mutex_id(o)] = 1; /* created owned by us */
		} else if (!own[mutex_id(o)] &&
			   sync_ioctl(fds[i], NAMEDSHM_IOC_MUTEX_RELEASE, 0,
				      c->token, &op) != -EPERM) {
			/* An existing one is not ours for asking. */
			violation("mutex opened with OWNED is owned", o);
		}
	}
	for (i = 0; i < n; i++) {
		if (rand_r(&c->seed) % 2)
			sync_signal(c, fds[i], objs[i], write[i]);
		if (rand_r(&c->seed) % 4 == 0)
			sync_read_check(fds[i], objs[i],
					obj_kind(objs[i]) == NAMEDSHM_KIND_MUTEX ?
						own[mutex_id(objs[i])] : 0);
	}

	all = n > 1 && rand_r(&c->seed) % 3 == 0;
	timeout = rand_r(&c->seed) % 4 ? rand_r(&c->seed) % MAX_TIMEOUT_NS : 0;
	atomic_fetch_add(all ? &st->waits_all : &st->waits, 1);
	ret = sync_wait(c, fds, n, all, timeout, &index, &abandoned);
	if (all && dup) {
		if (ret != -EINVAL)
			violation("wait-all naming one object twice not EINVAL",
				  objs[0]);
		goto release;
	}
	if (ret == -ETIMEDOUT) {
		atomic_fetch_add(&st->wait_timeout, 1);
		goto release;
	}
	if (ret) {
		check_errno("WAIT", -ret, false, 0);
		goto release;
	}
	atomic_fetch_add(&st->wait_ok, 1);
	if (index >= (uint32_t)n)
		goto release; /* noted */
	if (abandoned) {
		int o = objs[index];

		if (obj_kind(o) != NAMEDSHM_KIND_MUTEX) {
			violation("abandoned reported on an object not a mutex",
				  o);
		} else {
			atomic_fetch_add(&st->observed[mutex_id(o)], 1);
			atomic_fetch_add(&st->abandoned_seen, 1);
			if (own[mutex_id(o)])
				violation("own mutex reported abandoned", o);
		}
	}
	if (all && never)
		violation("wait-all succeeded with an object nobody signals",
			  -1);
	if (all && !abandoned && index)
		violation("wait-all: index not 0 without abandonment", -1);
	for (i = 0; i < n; i++) {
		int o = objs[i];

		if (!all && (uint32_t)i != index)
			continue;
		/* In a wait-any, a name twice is one object: take it once. */
		for (j = 0; !all && j < i; j++)
			if (objs[j] == o)
				violation("wait-any: not the lowest index", o);
		if (obj_never(o))
			violation("wait succeeded on an object nobody signals",
				  o);
		switch (obj_kind(o)) {
		case NAMEDSHM_KIND_MUTEX:
			if (!own[mutex_id(o)]++)
				mutex_enter(o, abandoned);
			break;
		case NAMEDSHM_KIND_SEMAPHORE:
			sem_taken[i]++;
			if (o == O_ASEM)
				sem_enter(c);
			break;
		}
	}
	/* Recursion: a mutex this thread owns, taken again at once. */
	for (i = 0; i < n; i++) {
		int o = objs[i];

		if (obj_kind(o) != NAMEDSHM_KIND_MUTEX || !own[mutex_id(o)] ||
		    rand_r(&c->seed) % 2)
			continue;
		ret = sync_wait(c, &fds[i], 1, false, 0, &index, &abandoned);
		if (ret || abandoned)
			violation("own mutex not taken again at once", o);
		else
			own[mutex_id(o)]++;
		atomic_fetch_add(&st->recursions, 1);
		sync_read_check(fds[i], o, own[mutex_id(o)]);
		break;
	}
	/* Hold it a moment: the killer may strike now. */
	usleep(rand_r(&c->seed) % 2000);

release:
	for (i = 0; i < n; i++) {
		int o = objs[i];
		uint32_t *k;

		switch (obj_kind(o)) {
		case NAMEDSHM_KIND_MUTEX:
			k = &own[mutex_id(o)];
			while (*k) {
				if (*k == 1)
					mutex_leave(o);
				ret = sync_ioctl(fds[i],
						 NAMEDSHM_IOC_MUTEX_RELEASE, 0,
						 c->token, &op);
				if (ret)
					note_error("MUTEX_RELEASE of an owned mutex",
						   -ret);
				else if (op.prev != *k)
					violation("mutex release: recursion count wrong",
						  o);
				(*k)--;
				atomic_fetch_add(&st->releases, 1);
				if (ret)
					break;
			}
			*k = 0;
			/* Not ours any more: a release is EPERM. */
			if (rand_r(&c->seed) % 4 == 0 &&
			    sync_ioctl(fds[i], NAMEDSHM_IOC_MUTEX_RELEASE, 0,
				       c->token, &op) != -EPERM)
				violation("release of a mutex not owned: not EPERM",
					  o);
			break;
		case NAMEDSHM_KIND_SEMAPHORE:
			while (sem_taken[i]) {
				sem_taken[i]--;
				if (o == O_ASEM) {
					sem_leave(c, fds[i]);
				} else if (write[i] && rand_r(&c->seed) % 4) {
					ret = sync_ioctl(fds[i],
							 NAMEDSHM_IOC_SEM_RELEASE,
							 1, -1, &op);
					if (ret && ret != -EOVERFLOW)
						note_error("SEM_RELEASE", -ret);
					else if (!ret &&
						 op.prev + 1 > sem_max(o))
						violation("semaphore released past its maximum",
							  o);
				}
			}
			break;
		}
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	atomic_fetch_and(mask, ~bits);
}

static void *worker(void *arg)
{
	struct tctx *c = arg;

	c->token = ioctl(dev, NAMEDSHM_IOC_TOKEN);
	if (c->token < 0)
		check_errno("TOKEN", errno, true, 0);
	while (time(NULL) < deadline) {
		if (c->token < 0 || rand_r(&c->seed) % 2) {
			one_op(&c->seed);
			continue;
		}
		sync_round(c);
		/* A new token now and then: closing one holding nothing. */
		if (rand_r(&c->seed) % 64 == 0) {
			close(c->token);
			c->token = ioctl(dev, NAMEDSHM_IOC_TOKEN);
			if (c->token < 0)
				check_errno("TOKEN", errno, true, 0);
		}
	}
	if (c->token >= 0)
		close(c->token);
	return NULL;
}

/* A child process: threads of random work, then sometimes fork or exec. */
static void child(int slot, unsigned int seed, int threads, bool may_spawn)
{
	struct tctx ctx[MAX_THREADS];
	pthread_t tid[MAX_THREADS];
	int i, fd;
	char name[32];
	void *p;

	for (i = 0; i < threads; i++) {
		ctx[i] = (struct tctx){ .seed = seed * 31 + i, .slot = slot,
					.tidx = i, .token = -1 };
		pthread_create(&tid[i], NULL, worker, &ctx[i]);
	}

	/* Meanwhile, hold a handle and mapping across fork and exec. */
	while (may_spawn && time(NULL) < deadline) {
		unsigned int r = rand_r(&seed) % 3, id = rand_r(&seed) % NAMES;
		pid_t pid;

		name_of(id, name, sizeof(name));
		fd = nsh_open(dev, name, NSH_CREATE | NAMEDSHM_OPEN_NOCLOEXEC,
			      0600, region_size, NULL, NULL);
		if (fd < 0)
			continue;
		p = mmap(NULL, region_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if (p == MAP_FAILED)
			note_error("mmap before fork", errno);
		pid = fork();
		if (pid == 0) {
			char fdstr[16], seedstr[16];

			if (r == 0) {
				/* Exec: the handle comes along, the map not. */
				snprintf(fdstr, sizeof(fdstr), "%d", fd);
				snprintf(seedstr, sizeof(seedstr), "%u", seed);
				atomic_fetch_add(&st->execs, 1);
				execl(self_exe, "namedshm_stress", "--exec-child",
				      fdstr, seedstr, NULL);
				_exit(127);
			}
			/* Fork: write through the inherited map and exit. */
			if (p == MAP_FAILED)
				_exit(0); /* noted above */
			if (!check_header(p, id)) {
				corrupt("header names another region (forked child)",
					id);
				_exit(0);
			}
			write_slot(p, id, rand_r(&seed) % nslots);
			_exit(0);
		}
		if (pid > 0) {
			int status;

			atomic_fetch_add(&st->forks, 1);
			if (waitpid(pid, &status, 0) == pid &&
			    (!WIFEXITED(status) || WEXITSTATUS(status)))
				note_error("fork/exec child exit status", status);
		}
		if (p != MAP_FAILED)
			munmap(p, region_size);
		close(fd);
	}
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
}

/* After exec: map the inherited handle, check it, do a little, exit. */
static int exec_child(int argc, char **argv)
{
	struct namedshm_region_info info;
	char name[NAMEDSHM_NAME_MAX + 1];
	unsigned int id, i;
	int fd = atoi(argv[2]);
	void *p;

	if (argc < 4)
		return 2;
	if (nsh_region_info(fd, &info, name, sizeof(name) - 1))
		return 3;
	name[info.name_len] = '\0';
	if (sscanf(name, "stress-%u", &id) != 1)
		return 4;
	p = mmap(NULL, info.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 5;
	if (!check_header(p, id))
		return 6;
	for (i = 0; i < nslots; i++)
		if (!verify_slot(p, id, i))
			return 7;
	write_slot(p, id, atoi(argv[3]) % nslots);
	return 0;
}

/*
 * The parent's objects: created before the children, held to the end.
 * Returns false if one cannot be made.
 */
static int anchors[NR_OBJS];

static bool make_anchors(void)
{
	int o;

	for (o = 0; o < NR_OBJS; o++) {
		struct namedshm_open a = {
			.argsz = sizeof(a),
			.flags = NSH_CREATE | NAMEDSHM_OPEN_EXCL,
			.mode = 0600,
			.kind = obj_kind(o),
			.token_fd = -1,
		};
		char name[64];

		anchors[o] = -1;
		if (!obj_anchored(o))
			continue;
		obj_name(o, name, sizeof(name));
		a.name = (uintptr_t)name;
		a.name_len = strlen(name);
		if (a.kind == NAMEDSHM_KIND_SEMAPHORE) {
			a.max = sem_max(o);
			a.count = o == O_ASEM ? a.max : 0;
		}
		anchors[o] = ioctl(dev, NAMEDSHM_IOC_OPEN, &a);
		if (anchors[o] < 0)
			return false;
	}
	return true;
}

/*
 * The child in @slot is gone (killed, or exited): every mutex one of its
 * threads may have held may be abandoned now, and the units of the
 * parent's semaphore it held are given back on its behalf.
 */
static void child_gone(int slot)
{
	struct namedshm_sync_op op;
	uint32_t bits;
	int t, m, held, ret;

	for (t = 0; t < MAX_THREADS; t++) {
		bits = atomic_exchange(&st->mask[slot][t], 0);
		for (m = 0; m < MUTEX_IDS; m++)
			if (bits & (1U << m))
				atomic_fetch_add(&st->possible[m], 1);
	}
	held = atomic_exchange(&st->sem_held[slot], 0);
	if (held <= 0)
		return;
	/* First the count of holders, then the units: never overstated. */
	atomic_fetch_sub(&st->sem_inside, held);
	ret = sync_ioctl(anchors[O_ASEM], NAMEDSHM_IOC_SEM_RELEASE,
			 (uint32_t)held, -1, &op);
	if (ret == -EOVERFLOW)
		violation("giving back a dead child's units overflows", O_ASEM);
	else if (ret)
		note_error("SEM_RELEASE for a dead child", -ret);
}

/* With every child gone: the state the parent's objects must be in. */
static void check_anchors(void)
{
	struct namedshm_sync_op op;
	int o, m;

	for (m = 0; m < MUTEX_IDS; m++)
		if (st->observed[m] > st->possible[m]) {
			fprintf(stderr, "# mutex id %d: %lu abandonments reported, owners died or left holding it %lu times\n",
				m, st->observed[m], st->possible[m]);
			violation("abandoned reported with no owner gone", -1);
		}
	for (o = O_AMUTEX; o < NR_OBJS; o++) {
		if (sync_ioctl(anchors[o], NAMEDSHM_IOC_SYNC_READ, 0, -1,
			       &op)) {
			note_error("SYNC_READ", errno);
			continue;
		}
		if (obj_kind(o) == NAMEDSHM_KIND_MUTEX &&
		    op.state & NAMEDSHM_STATE_OWNED)
			violation("a mutex is owned with every owner gone", o);
		if (obj_kind(o) == NAMEDSHM_KIND_SEMAPHORE &&
		    op.count > op.max)
			violation("semaphore count above its maximum", o);
		if (obj_never(o) &&
		    (op.state & NAMEDSHM_STATE_SIGNALED || op.count))
			violation("an object nobody signals is signaled", o);
	}
	for (o = 0; o < NR_OBJS; o++)
		if (anchors[o] >= 0)
			close(anchors[o]);
}

static int reload_module(void)
{
	const char *ko = getenv("NAMEDSHM_KO");
	int fd, ret;

	if (syscall(SYS_delete_module, "namedshm", O_NONBLOCK))
		return -1;
	fd = open(ko ? ko : "/lib/modules/namedshm.ko", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -2;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret ? -3 : 0;
}

int main(int argc, char **argv)
{
	int duration = 20, procs = 4, threads = 3, opt, i, status;
	unsigned int seed = (unsigned int)time(NULL);
	const char *env = getenv("NAMEDSHM_STRESS_SECONDS");
	long shmem_before, shmem_after = -1;
	pid_t pids[MAX_PROCS];
	int live;

	page = sysconf(_SC_PAGESIZE);
	/* Orphans of killed children come back to us, to be waited for. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	region_size = REGION_PAGES * page;
	nslots = (region_size - sizeof(struct header)) / sizeof(struct slot);

	if (argc >= 2 && !strcmp(argv[1], "--exec-child")) {
		static struct stats mine;

		/* The shared counters did not survive execve(). */
		st = &mine;
		dev = nsh_dev();
		return dev < 0 ? 1 : exec_child(argc, argv);
	}
	if (env)
		duration = atoi(env);
	while ((opt = getopt(argc, argv, "d:p:t:s:")) != -1) {
		switch (opt) {
		case 'd':
			duration = atoi(optarg);
			break;
		case 'p':
			procs = atoi(optarg);
			break;
		case 't':
			threads = atoi(optarg);
			break;
		case 's':
			seed = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-d S] [-p N] [-t N] [-s SEED]\n",
				argv[0]);
			return 2;
		}
	}
	if (procs < 1 || procs > MAX_PROCS || threads < 1 ||
	    threads > MAX_THREADS)
		return 2;

	ksft_print_header();
	ksft_set_plan(5);
	ksft_print_msg("seed %u, %d s, %d processes x %d threads\n", seed,
		       duration, procs, threads);

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	dev = nsh_dev();
	if (st == MAP_FAILED || dev < 0)
		ksft_exit_fail_msg("setup: %s\n", strerror(errno));
	if (!make_anchors())
		ksft_exit_fail_msg("sync objects: %s\n", strerror(errno));
	/* After mapping st: that page is ours until the end. */
	memset(st, 0, sizeof(*st));
	shmem_before = nsh_meminfo_kb("Shmem");
	srand(seed);
	deadline = time(NULL) + duration;

	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			child(i, seed + i * 7919, threads, true);
			_exit(0);
		}
	}
	/* The killer: SIGKILL a random child now and then, and replace it. */
	while (time(NULL) < deadline) {
		usleep(200000 + rand() % 300000);
		i = rand() % procs;
		if (pids[i] > 0 && !kill(pids[i], SIGKILL)) {
			waitpid(pids[i], NULL, 0);
			atomic_fetch_add(&st->kills, 1);
			child_gone(i);
			pids[i] = fork();
			if (pids[i] == 0) {
				child(i, seed + (unsigned int)rand(), threads,
				      true);
				_exit(0);
			}
		}
	}
	for (i = 0; i < procs; i++) {
		if (pids[i] <= 0)
			continue;
		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			note_error("child exit status", status);
		child_gone(i);
	}
	/* Grandchildren whose parent was killed: exec'ed ones must pass. */
	while ((i = wait(&status)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			note_error("orphan exit status", status);
	check_anchors();
	close(dev);

	ksft_print_msg("ops %lu, creates %lu, opens %lu, maps %lu, writes %lu, verifies %lu, forks %lu, execs %lu, kills %lu, errors %lu\n",
		       st->ops, st->creates, st->opens, st->maps, st->writes,
		       st->verifies, st->forks, st->execs, st->kills,
		       st->errors);
	ksft_test_result(st->corrupt == 0 && st->ops > 100 && st->writes,
			 "no lost or mixed-up data (%lu corruptions)\n",
			 st->corrupt);
	ksft_test_result(st->errors == 0, "no unexpected errors (%lu)\n",
			 st->errors);
	ksft_print_msg("sync: rounds %lu, creates %lu, opens %lu, signals %lu, waits %lu any + %lu all: %lu satisfied, %lu timed out; recursions %lu, mutex releases %lu, threads left holding %lu, abandoned seen %lu\n",
		       st->sync_rounds, st->sync_creates, st->sync_opens,
		       st->signals, st->waits, st->waits_all, st->wait_ok,
		       st->wait_timeout, st->recursions, st->releases,
		       st->left_holding, st->abandoned_seen);
	ksft_test_result(st->violations == 0 && st->wait_ok &&
				 st->wait_timeout && st->releases,
			 "sync objects: waits, counts, ownership and abandonment as promised (%lu violations)\n",
			 st->violations);

	live = (int)nsh_live_regions();
	ksft_test_result(live == 0 && nsh_listing(NULL, NULL) == 0,
			 "quiescent: no region or sync object alive (%d), listing empty\n",
			 live);
	/* Freed pages may take a moment (deferred fput): poll briefly. */
	for (i = 0; i < 50; i++) {
		shmem_after = nsh_meminfo_kb("Shmem");
		if (shmem_after <= shmem_before)
			break;
		usleep(100000);
	}
	ksft_print_msg("Shmem before %ld kB, after %ld kB\n", shmem_before,
		       shmem_after);
	ksft_test_result(shmem_after <= shmem_before && reload_module() == 0,
			 "shmem back to baseline, module unloads and reloads\n");
	ksft_finished();
}
