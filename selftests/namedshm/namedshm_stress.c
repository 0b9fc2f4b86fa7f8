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
 * At quiescence: no region is alive, the listing is empty, Shmem in
 * /proc/meminfo is back to its baseline, and the module unloads (and is
 * loaded again from $NAMEDSHM_KO).
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

static void *worker(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (time(NULL) < deadline)
		one_op(&seed);
	return NULL;
}

/* A child process: threads of random work, then sometimes fork or exec. */
static void child(unsigned int seed, int threads, bool may_spawn)
{
	pthread_t tid[16];
	int i, fd;
	char name[32];
	void *p;

	for (i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, worker,
			       (void *)(uintptr_t)(seed * 31 + i));

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
	pid_t pids[64];
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
	if (procs < 1 || procs > 64 || threads < 1 || threads > 16)
		return 2;

	ksft_print_header();
	ksft_set_plan(4);
	ksft_print_msg("seed %u, %d s, %d processes x %d threads\n", seed,
		       duration, procs, threads);

	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	dev = nsh_dev();
	if (st == MAP_FAILED || dev < 0)
		ksft_exit_fail_msg("setup: %s\n", strerror(errno));
	/* After mapping st: that page is ours until the end. */
	memset(st, 0, sizeof(*st));
	shmem_before = nsh_meminfo_kb("Shmem");
	srand(seed);
	deadline = time(NULL) + duration;

	for (i = 0; i < procs; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			child(seed + i * 7919, threads, true);
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
			pids[i] = fork();
			if (pids[i] == 0) {
				child(seed + (unsigned int)rand(), threads,
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
	}
	/* Grandchildren whose parent was killed: exec'ed ones must pass. */
	while ((i = wait(&status)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			note_error("orphan exit status", status);
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

	live = (int)nsh_live_regions();
	ksft_test_result(live == 0 && nsh_listing(NULL, NULL) == 0,
			 "quiescent: no region alive (%d), listing empty\n",
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
