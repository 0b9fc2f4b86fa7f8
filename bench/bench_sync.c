// SPDX-License-Identifier: GPL-2.0
/*
 * S1-S4: namedshm's named sync objects against what Linux has, on the
 * framework of bench_core.c (interleaved trials, medians, result rows).
 * The CE layer's side is bench_sync_ce.c.
 *
 * S1 uncontended mutex acquire+release: WaitForSingleObject+ReleaseMutex
 *    and namedshm_wait+namedshm_mutex_unlock, against a process-shared
 *    robust pthread mutex (target <= 1.5x).  The floor: one and two
 *    ioctl()s that do nothing on a handle, two on /dev/namedshm, two
 *    getppid()s.
 * S2 cross-process ping-pong round trip with two auto-reset events in
 *    two processes, against the same with two futex words in shared
 *    memory (FUTEX_WAIT/FUTEX_WAKE; target <= 1.2x), two eventfds and two
 *    process-shared POSIX semaphores.
 * S3 signal-to-wake latency of a wait-any on 64 events when the last one
 *    is signaled, against a wait on that one event alone (target <= 2x);
 *    poll() on 64 eventfds against one, and a futex, for reference.
 * S4 create+close of a named event, against sem_open(O_CREAT|O_EXCL) +
 *    sem_close + sem_unlink (target <= 1.0x).
 *
 * S2 runs with both processes on CPU 0, and on CPUs 0 and 1; S3 with the
 * signaller on CPU 0 and the waiter on CPU 1, every variant alike.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <namedshm.h>

#include "bench.h"
#include "bench_sync.h"

#define S3_EVENTS 64

static void *shared_page(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		bench_die("mmap shared");
	return p;
}

static int event_create(const char *name)
{
	int fd = namedshm_event_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, 0);

	if (fd < 0)
		bench_die("namedshm_event_open(%s, O_CREAT|O_EXCL)", name);
	return fd;
}

/*
 * S2 and S3 place the two sides on CPUs (when there are two): whether a
 * wake-up crosses CPUs (an IPI, an idle vCPU waking, under TCG a host
 * thread being scheduled) or is a switch on one CPU changes it
 * severalfold, and left to the scheduler that choice varies from trial to
 * trial.  S2 measures both placements; S3 the cross-CPU one.
 * pin_cpu(-1) undoes it.
 */
static cpu_set_t all_cpus;
static bool pinning;

static void pin_cpu(int cpu)
{
	cpu_set_t one;

	if (!pinning)
		return;
	CPU_ZERO(&one);
	if (cpu >= 0)
		CPU_SET(cpu, &one);
	if (sched_setaffinity(0, sizeof(cpu_set_t), cpu < 0 ? &all_cpus : &one))
		bench_die("sched_setaffinity(%d)", cpu);
}

static void pin_start(void)
{
	if (sched_getaffinity(0, sizeof(all_cpus), &all_cpus))
		bench_die("sched_getaffinity");
	pinning = CPU_ISSET(0, &all_cpus) && CPU_ISSET(1, &all_cpus);
	pin_cpu(0);
}

static void pin_end(void)
{
	pin_cpu(-1);
	pinning = false;
}

/* The range of a variant's trials, for the notes of S2 and S3. */
static void spread_note(struct row *r, const struct variant *a,
			const struct variant *b)
{
	double lo[2] = { 1e300, 1e300 }, hi[2] = { 0, 0 };
	const struct variant *x[2] = { a, b };

	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < x[k]->n; i++) {
			if (x[k]->wall[i] < lo[k])
				lo[k] = x[k]->wall[i];
			if (x[k]->wall[i] > hi[k])
				hi[k] = x[k]->wall[i];
		}
	}
	snprintf(r->note, sizeof(r->note),
		 "trials: namedshm %.0f..%.0f, baseline %.0f..%.0f", lo[0],
		 hi[0], lo[1], hi[1]);
}

/* ---- Futex auto-reset events (the baselines of S2, S3) ----------------- */

static long futex(atomic_uint *word, int op, unsigned int val)
{
	return syscall(SYS_futex, (void *)word, op, val, NULL, NULL, 0);
}

/* Set: publish, then always one FUTEX_WAKE (no waiter tracking). */
static void fev_set(atomic_uint *w)
{
	atomic_store(w, 1);
	if (futex(w, FUTEX_WAKE, 1) < 0)
		bench_die("FUTEX_WAKE");
}

/* Wait and reset: take the 1, else sleep while the word is 0. */
static void fev_wait(atomic_uint *w)
{
	while (!atomic_exchange(w, 0)) {
		if (futex(w, FUTEX_WAIT, 0) < 0 && errno != EAGAIN &&
		    errno != EINTR)
			bench_die("FUTEX_WAIT");
	}
}

/* ---- Signal channels: two events, or their Linux equivalents ----------- */

enum chan_kind { CH_CE, CH_NATIVE, CH_FUTEX, CH_EVENTFD, CH_SEM };

/*
 * @n objects of one kind (S2: 2, the ping and the pong; S3: 64 or 1); all
 * are auto-reset: a wait consumes the signal.
 */
struct chan {
	enum chan_kind kind;
	unsigned int n;
	struct ce_events *ce;
	int fd[S3_EVENTS];	/* CH_NATIVE: event handles; CH_EVENTFD */
	atomic_uint *word;	/* CH_FUTEX: n words in shared memory */
	sem_t *sem;		/* CH_SEM: n semaphores in shared memory */
};

static void chan_init(struct chan *c, enum chan_kind kind, unsigned int n,
		      const char *prefix)
{
	char name[96];

	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->n = n;
	switch (kind) {
	case CH_CE:
		c->ce = ce_events_new(n, prefix);
		break;
	case CH_NATIVE:
		for (unsigned int i = 0; i < n; i++) {
			snprintf(name, sizeof(name), "%s/%u", prefix, i);
			c->fd[i] = event_create(name);
		}
		break;
	case CH_FUTEX:
		c->word = shared_page(4096);
		break;
	case CH_EVENTFD:
		for (unsigned int i = 0; i < n; i++) {
			c->fd[i] = eventfd(0, EFD_CLOEXEC);
			if (c->fd[i] < 0)
				bench_die("eventfd");
		}
		break;
	case CH_SEM:
		c->sem = shared_page(4096);
		for (unsigned int i = 0; i < n; i++)
			if (sem_init(&c->sem[i], 1, 0))
				bench_die("sem_init");
		break;
	}
}

static void chan_destroy(struct chan *c)
{
	switch (c->kind) {
	case CH_CE:
		ce_events_free(c->ce);
		break;
	case CH_NATIVE:
	case CH_EVENTFD:
		for (unsigned int i = 0; i < c->n; i++)
			close(c->fd[i]);
		break;
	case CH_FUTEX:
		munmap(c->word, 4096);
		break;
	case CH_SEM:
		for (unsigned int i = 0; i < c->n; i++)
			sem_destroy(&c->sem[i]);
		munmap(c->sem, 4096);
		break;
	}
}

static void chan_set(struct chan *c, unsigned int i)
{
	static const uint64_t one = 1;

	switch (c->kind) {
	case CH_CE:
		ce_event_set(c->ce, i);
		break;
	case CH_NATIVE:
		if (namedshm_event_set(c->fd[i]))
			bench_die("namedshm_event_set");
		break;
	case CH_FUTEX:
		fev_set(&c->word[i]);
		break;
	case CH_EVENTFD:
		if (write(c->fd[i], &one, sizeof(one)) != sizeof(one))
			bench_die("write eventfd");
		break;
	case CH_SEM:
		if (sem_post(&c->sem[i]))
			bench_die("sem_post");
		break;
	}
}

/* Wait for object @i alone (S2, and S3's single waits). */
static void chan_wait_one(struct chan *c, unsigned int i)
{
	uint64_t v;

	switch (c->kind) {
	case CH_CE:
		ce_event_wait_one(c->ce, i);
		break;
	case CH_NATIVE:
		if (namedshm_wait(&c->fd[i], 1, 0, -1, NULL))
			bench_die("namedshm_wait");
		break;
	case CH_FUTEX:
		fev_wait(&c->word[i]);
		break;
	case CH_EVENTFD:
		if (read(c->fd[i], &v, sizeof(v)) != sizeof(v))
			bench_die("read eventfd");
		break;
	case CH_SEM:
		while (sem_wait(&c->sem[i]))
			if (errno != EINTR)
				bench_die("sem_wait");
		break;
	}
}

/* Wait for any of the n objects; the one taken must be the last. */
static void chan_wait_any(struct chan *c)
{
	unsigned int last = c->n - 1, idx = 0;
	struct pollfd pfd[S3_EVENTS];
	uint64_t v;

	if (c->n == 1) {
		chan_wait_one(c, 0);
		return;
	}
	switch (c->kind) {
	case CH_CE:
		ce_event_wait_any(c->ce, last);
		break;
	case CH_NATIVE:
		if (namedshm_wait(c->fd, c->n, 0, -1, &idx) || idx != last)
			bench_die("namedshm_wait(%u, any): index %u", c->n,
				  idx);
		break;
	case CH_EVENTFD:
		for (unsigned int i = 0; i < c->n; i++)
			pfd[i] = (struct pollfd){ .fd = c->fd[i],
						  .events = POLLIN };
		if (poll(pfd, c->n, -1) != 1 || !(pfd[last].revents & POLLIN))
			bench_die("poll(%u eventfds)", c->n);
		if (read(c->fd[last], &v, sizeof(v)) != sizeof(v))
			bench_die("read eventfd");
		break;
	default:
		bench_die("no wait-any for channel kind %d", c->kind);
	}
}

/* ---- S1: uncontended mutex --------------------------------------------- */

static double t_s1_ce(struct variant *v, long n)
{
	return ce_trial_mutex((struct ce_mutex *)v->ctx, n);
}

static double t_s1_native(struct variant *v, long n)
{
	int fd = (int)v->arg;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (namedshm_wait(&fd, 1, 0, -1, NULL))
			bench_die("namedshm_wait(mutex)");
		if (namedshm_mutex_unlock(fd))
			bench_die("namedshm_mutex_unlock");
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_s1_pthread(struct variant *v, long n)
{
	pthread_mutex_t *m = (pthread_mutex_t *)v->ctx;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (pthread_mutex_lock(m))
			bench_die("pthread_mutex_lock");
		pthread_mutex_unlock(m);
	}
	return (bench_now_ns() - t0) / (double)n;
}

/* The floor: @v->arg = fd << 8 | calls; ioctl(fd, @cmd) @calls times. */
static double floor_ioctl(struct variant *v, long n, unsigned long cmd)
{
	int fd = (int)(v->arg >> 8), calls = (int)(v->arg & 0xff);
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		for (int k = 0; k < calls; k++) {
			struct namedshm_sync_op op = { .argsz = sizeof(op),
						       .token_fd = -1 };
			struct namedshm_device_info info = {
				.argsz = sizeof(info)
			};

			if (ioctl(fd, cmd,
				  cmd == NAMEDSHM_IOC_SYNC_READ ? (void *)&op :
								  (void *)&info))
				bench_die("ioctl %#lx", cmd);
		}
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_s1_sync_read(struct variant *v, long n)
{
	return floor_ioctl(v, n, NAMEDSHM_IOC_SYNC_READ);
}

static double t_s1_devinfo(struct variant *v, long n)
{
	return floor_ioctl(v, n, NAMEDSHM_IOC_DEVICE_INFO);
}

static double t_s1_getppid2(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	(void)v;
	for (long i = 0; i < n; i++) {
		(void)getppid();
		(void)getppid();
	}
	return (bench_now_ns() - t0) / (double)n;
}

void bench_s1(void)
{
	int dev = open(NAMEDSHM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	int fd = namedshm_mutex_open("bench/s1/native",
				     O_CREAT | O_EXCL | O_RDWR, 0600, 0);
	struct ce_mutex *cm = ce_mutex_new("bench.s1.ce");
	pthread_mutex_t *pm = shared_page(4096);
	pthread_mutexattr_t ma;

	if (dev < 0 || fd < 0)
		bench_die("S1 setup");
	pthread_mutexattr_init(&ma);
	if (pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED) ||
	    pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST) ||
	    pthread_mutex_init(pm, &ma))
		bench_die("robust pshared pthread mutex");
	pthread_mutexattr_destroy(&ma);

	progress("S1: uncontended mutex acquire+release, and its floor");
	struct variant v[] = {
		V("WaitForSingleObject+ReleaseMutex", t_s1_ce, cm, 0),
		V("namedshm_wait+namedshm_mutex_unlock", t_s1_native, NULL, fd),
		V("robust pshared pthread mutex", t_s1_pthread, pm, 0),
		V("1 ioctl(SYNC_READ) on the handle", t_s1_sync_read, NULL,
		  (long)fd << 8 | 1),
		V("2 ioctl(SYNC_READ) on the handle", t_s1_sync_read, NULL,
		  (long)fd << 8 | 2),
		V("2 ioctl(DEVICE_INFO) on /dev/namedshm", t_s1_devinfo, NULL,
		  (long)dev << 8 | 2),
		V("2 getppid()", t_s1_getppid2, NULL, 0),
	};
	int nv = (int)(sizeof(v) / sizeof(v[0]));
	struct row *r;
	double pt;

	interleave(v, nv, P.n_lock, P.reps);
	pt = v_median(&v[2]);
	add_row("S1", "mutex acquire+release, CE layer", "ns/op", LOWER,
		v_median(&v[0]), "robust pshared pthread mutex", pt, 1.5,
		v[0].n);
	add_row("S1", "mutex acquire+release, native API", "ns/op", LOWER,
		v_median(&v[1]), "robust pshared pthread mutex", pt, 1.5,
		v[1].n);
	for (int i = 3; i < nv; i++) {
		char m[160];

		snprintf(m, sizeof(m), "floor: %s", v[i].label);
		r = add_row("S1", m, "ns/op", LOWER, v_median(&v[i]),
			    "robust pshared pthread mutex", pt, 0, v[i].n);
		if (i == 3)
			snprintf(r->note, sizeof(r->note),
				 "not namedshm work: the system calls alone "
				 "that an operation in the kernel costs");
	}
	r = add_row("S1", "native acquire+release vs its 2 system calls",
		    "ns/op", LOWER, v_median(&v[1]),
		    "2 ioctl(SYNC_READ) on the handle", v_median(&v[4]), 0,
		    v[1].n);
	snprintf(r->note, sizeof(r->note),
		 "the ratio is what the mutex's own kernel work adds");
	add_row("S1", "CE layer vs native API", "ns/op", LOWER,
		v_median(&v[0]), "namedshm_wait+namedshm_mutex_unlock",
		v_median(&v[1]), 0, v[0].n);

	pthread_mutex_destroy(pm);
	munmap(pm, 4096);
	ce_mutex_free(cm);
	close(fd);
	close(dev);
}

/* ---- S2: cross-process ping-pong --------------------------------------- */

/*
 * A child process answers every ping (object 0) with a pong (object 1);
 * one untimed round trip first, then @n timed.  ns per round trip.  This
 * process is on CPU 0, the child on CPU @v->arg.
 */
static double t_s2(struct variant *v, long n)
{
	struct chan *c = (struct chan *)v->ctx;
	double t0, t1;
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (!pid) {
		pin_cpu((int)v->arg);
		for (long i = 0; i <= n; i++) {
			chan_wait_one(c, 0);
			chan_set(c, 1);
		}
		_exit(0);
	}
	chan_set(c, 0);
	chan_wait_one(c, 1);
	t0 = bench_now_ns();
	for (long i = 0; i < n; i++) {
		chan_set(c, 0);
		chan_wait_one(c, 1);
	}
	t1 = bench_now_ns();
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		bench_die("S2 child: status %#x", status);
	return (t1 - t0) / (double)n;
}

void bench_s2(void)
{
	static const char *const what[5] = {
		"two auto-reset events, CE layer",
		"two auto-reset events, native API",
		"futex ping-pong (FUTEX_WAIT/FUTEX_WAKE)",
		"eventfd ping-pong",
		"pshared POSIX semaphores (sem_t)",
	};
	static const char *const where[2] = { "one CPU", "CPUs 0+1" };
	char labels[10][96];
	struct variant v[10];
	struct chan c[5];
	struct row *r;

	chan_init(&c[0], CH_CE, 2, "bench.s2.ce");
	chan_init(&c[1], CH_NATIVE, 2, "bench/s2/native");
	chan_init(&c[2], CH_FUTEX, 2, NULL);
	chan_init(&c[3], CH_EVENTFD, 2, NULL);
	chan_init(&c[4], CH_SEM, 2, NULL);
	pin_start();
	/* v[5 * cpu + kind]: the child on CPU 0 (with this one), or on 1. */
	for (int cpu = 0; cpu < (pinning ? 2 : 1); cpu++) {
		for (int k = 0; k < 5; k++) {
			int i = 5 * cpu + k;

			snprintf(labels[i], sizeof(labels[i]), "%s, %s",
				 what[k], pinning ? where[cpu] : "unpinned");
			v[i] = (struct variant)V(labels[i], t_s2, &c[k], cpu);
		}
	}
	progress("S2: cross-process ping-pong round trip%s",
		 pinning ? ": both processes on CPU 0, then on CPUs 0 and 1" :
			   "");
	interleave(v, pinning ? 10 : 5, P.n_pingpong, P.reps);
	for (int cpu = 0; cpu < (pinning ? 2 : 1); cpu++) {
		struct variant *x = &v[5 * cpu];
		const char *pl = pinning ? where[cpu] : "unpinned";
		char m[160], b[120];

		for (int i = 0; i < 2; i++) {
			snprintf(m, sizeof(m), "ping-pong round trip, %s, %s",
				 i ? "native API" : "CE layer", pl);
			snprintf(b, sizeof(b), "futex ping-pong, %s", pl);
			r = add_row("S2", m, "ns/op", LOWER, v_median(&x[i]), b,
				    v_median(&x[2]), 1.2, x[i].n);
			spread_note(r, &x[i], &x[2]);
			snprintf(b, sizeof(b), "eventfd ping-pong, %s", pl);
			add_row("S2", m, "ns/op", LOWER, v_median(&x[i]), b,
				v_median(&x[3]), 0, x[i].n);
		}
		snprintf(m, sizeof(m), "eventfd ping-pong, %s", pl);
		snprintf(b, sizeof(b), "futex ping-pong, %s", pl);
		r = add_row("S2", m, "ns/op", LOWER, v_median(&x[3]), b,
			    v_median(&x[2]), 0, x[3].n);
		snprintf(r->note, sizeof(r->note), "not namedshm: reference");
		snprintf(m, sizeof(m), "pshared sem_t ping-pong, %s", pl);
		r = add_row("S2", m, "ns/op", LOWER, v_median(&x[4]), b,
			    v_median(&x[2]), 0, x[4].n);
		snprintf(r->note, sizeof(r->note), "not namedshm: reference");
	}
	pin_end();
	for (int i = 0; i < 5; i++)
		chan_destroy(&c[i]);
}

/* ---- S3: signal-to-wake latency ---------------------------------------- */

struct wake_run {
	struct chan *c;
	long n;
	pid_t tid;
	sem_t ready, ack;
	atomic_llong t_signal; /* ns */
	double *lat;
};

static void *s3_waiter(void *arg)
{
	struct wake_run *w = arg;

	pin_cpu(1);
	w->tid = (pid_t)syscall(SYS_gettid);
	sem_post(&w->ready);
	for (long i = 0; i < w->n; i++) {
		chan_wait_any(w->c);
		w->lat[i] = bench_now_ns() - (double)atomic_load(&w->t_signal);
		sem_post(&w->ack);
	}
	return NULL;
}

/* Until /proc says that thread @tid sleeps ('S'). */
static void wait_until_asleep(pid_t tid)
{
	char path[64], buf[512];

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	for (long tries = 0;; tries++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t len = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		char *p;

		if (fd >= 0)
			close(fd);
		if (len <= 0)
			bench_die("read %s", path);
		buf[len] = '\0';
		p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return;
		if (tries > 10000000)
			bench_die("S3: the waiter never sleeps");
	}
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * A waiter thread waits (wait-any over c->n objects); for each of @n
 * wake-ups this thread waits until the waiter sleeps, notes the time and
 * signals the last object; the waiter notes the time it returns.  The
 * trial's figure is the median signal-to-wake time (a mean would let one
 * host hiccup of the emulator weigh on 100 samples).
 */
static double t_s3(struct variant *v, long n)
{
	struct wake_run w = { .c = (struct chan *)v->ctx, .n = n };
	pthread_t th;
	double m;

	w.lat = calloc((size_t)n, sizeof(double));
	if (!w.lat || sem_init(&w.ready, 0, 0) || sem_init(&w.ack, 0, 0))
		bench_die("S3 setup");
	if (pthread_create(&th, NULL, s3_waiter, &w))
		bench_die("pthread_create");
	while (sem_wait(&w.ready))
		;
	for (long i = 0; i < n; i++) {
		wait_until_asleep(w.tid);
		atomic_store(&w.t_signal, (long long)bench_now_ns());
		chan_set(w.c, w.c->n - 1);
		while (sem_wait(&w.ack))
			;
	}
	pthread_join(th, NULL);
	qsort(w.lat, (size_t)n, sizeof(double), cmp_dbl);
	m = n % 2 ? w.lat[n / 2] : (w.lat[n / 2 - 1] + w.lat[n / 2]) / 2;
	free(w.lat);
	sem_destroy(&w.ready);
	sem_destroy(&w.ack);
	return m;
}

void bench_s3(void)
{
	struct chan c[7];

	chan_init(&c[0], CH_CE, S3_EVENTS, "bench.s3.ce64");
	chan_init(&c[1], CH_CE, 1, "bench.s3.ce1");
	chan_init(&c[2], CH_NATIVE, S3_EVENTS, "bench/s3/n64");
	chan_init(&c[3], CH_NATIVE, 1, "bench/s3/n1");
	chan_init(&c[4], CH_EVENTFD, S3_EVENTS, NULL);
	chan_init(&c[5], CH_EVENTFD, 1, NULL);
	chan_init(&c[6], CH_FUTEX, 1, NULL);
	pin_start();
	progress("S3: signal-to-wake latency, wait-any on 64 vs a single "
		 "wait%s", pinning ? ", signaller on CPU 0, waiter on 1" : "");
	struct variant v[] = {
		V("WaitForMultipleObjects(64, any), last signaled", t_s3, &c[0], 0),
		V("WaitForSingleObject", t_s3, &c[1], 0),
		V("namedshm_wait(64, any), last signaled", t_s3, &c[2], 0),
		V("namedshm_wait(1)", t_s3, &c[3], 0),
		V("poll(64 eventfds), last signaled", t_s3, &c[4], 0),
		V("poll(1 eventfd)", t_s3, &c[5], 0),
		V("FUTEX_WAIT", t_s3, &c[6], 0),
	};
	struct row *r;

	interleave(v, 7, P.n_wake, P.reps);
	r = add_row("S3", "signal-to-wake, wait-any on 64 events, CE layer",
		    "ns", LOWER, v_median(&v[0]), "WaitForSingleObject",
		    v_median(&v[1]), 2.0, v[0].n);
	spread_note(r, &v[0], &v[1]);
	r = add_row("S3", "signal-to-wake, wait-any on 64 events, native API",
		    "ns", LOWER, v_median(&v[2]), "namedshm_wait(1)",
		    v_median(&v[3]), 2.0, v[2].n);
	spread_note(r, &v[2], &v[3]);
	r = add_row("S3", "signal-to-wake, poll() on 64 eventfds", "ns", LOWER,
		    v_median(&v[4]), "poll(1 eventfd)", v_median(&v[5]), 0,
		    v[4].n);
	snprintf(r->note, sizeof(r->note), "not namedshm: reference");
	add_row("S3", "signal-to-wake, single wait, CE layer", "ns", LOWER,
		v_median(&v[1]), "FUTEX_WAIT", v_median(&v[6]), 0, v[1].n);
	add_row("S3", "signal-to-wake, single wait, native API", "ns", LOWER,
		v_median(&v[3]), "FUTEX_WAIT", v_median(&v[6]), 0, v[3].n);
	pin_end();
	for (int i = 0; i < 7; i++)
		chan_destroy(&c[i]);
}

/* ---- S4: create+close of a named event --------------------------------- */

static double t_s4_ce(struct variant *v, long n)
{
	return ce_trial_event_create((const char *)v->ctx, n);
}

static double t_s4_native(struct variant *v, long n)
{
	const char *name = v->ctx;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		close(event_create(name));
	return (bench_now_ns() - t0) / (double)n;
}

static double t_s4_sem(struct variant *v, long n)
{
	const char *name = v->ctx;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 0);

		if (s == SEM_FAILED)
			bench_die("sem_open(%s, O_CREAT|O_EXCL)", name);
		if (sem_close(s) || sem_unlink(name))
			bench_die("sem_close/sem_unlink(%s)", name);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_s4_eventfd(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	(void)v;
	for (long i = 0; i < n; i++) {
		int fd = eventfd(0, EFD_CLOEXEC);

		if (fd < 0)
			bench_die("eventfd");
		close(fd);
	}
	return (bench_now_ns() - t0) / (double)n;
}

void bench_s4(void)
{
	progress("S4: create+close of a named event");
	struct variant v[] = {
		V("CreateEventA(name)+CloseHandle", t_s4_ce, "bench.s4.ce", 0),
		V("namedshm_event_open(O_CREAT|O_EXCL)+close", t_s4_native,
		  "bench/s4/native", 0),
		V("sem_open(O_CREAT|O_EXCL)+sem_close+sem_unlink", t_s4_sem,
		  "/bench.s4", 0),
		V("eventfd()+close() (unnamed)", t_s4_eventfd, NULL, 0),
	};
	struct row *r;

	interleave(v, 4, P.n_sync_create, P.reps);
	add_row("S4", "named event create+close, CE layer", "ns/op", LOWER,
		v_median(&v[0]), v[2].label, v_median(&v[2]), 1.0, v[0].n);
	add_row("S4", "named event create+close, native API", "ns/op", LOWER,
		v_median(&v[1]), v[2].label, v_median(&v[2]), 1.0, v[1].n);
	r = add_row("S4", "named event create+close, native API", "ns/op",
		    LOWER, v_median(&v[1]), v[3].label, v_median(&v[3]), 0,
		    v[1].n);
	snprintf(r->note, sizeof(r->note),
		 "an unnamed anon-inode file: no name, no object table");
}
