// SPDX-License-Identifier: GPL-2.0
/*
 * sync_bench: rows S1-S4 of BENCHMARKS.md, the named sync objects against
 * what Linux has.  A static binary for the test guest; not yet driven by
 * scripts/bench (run it by hand: see BENCHMARKS.md).
 *
 * S1 uncontended mutex: WaitForSingleObject + ReleaseMutex, vs a
 *    process-shared robust pthread mutex in shared memory
 * S2 cross-process ping-pong: two auto-reset events, vs two POSIX
 *    process-shared semaphores in shared memory (round trip)
 * S3 semaphore: ReleaseSemaphore(1) + WaitForSingleObject, vs sem_post +
 *    sem_wait
 * S4 wait-all over 64 signaled manual-reset events (no baseline)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cemapping.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void row(const char *id, const char *what, double ns, double base,
		const char *bname)
{
	if (base > 0)
		printf("| %s | %s | %.0f ns/op | %s %.0f ns/op | %.2f |\n", id,
		       what, ns, bname, base, ns / base);
	else
		printf("| %s | %s | %.0f ns/op | - | - |\n", id, what, ns);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	HANDLE m, s, e1, e2, ev[64];
	pthread_mutexattr_t ma;
	pthread_mutex_t *pm;
	double t0, ns, base;
	sem_t *ps;
	long i;
	int k;
	pid_t pid;

	printf("| row | operation | namedshm | baseline | ratio |\n");
	printf("|---|---|---|---|---|\n");

	/* S1 */
	m = CreateMutexA(NULL, FALSE, "bench-s1");
	t0 = now();
	for (i = 0; i < n; i++) {
		WaitForSingleObject(m, INFINITE);
		ReleaseMutex(m);
	}
	ns = (now() - t0) / n;
	pm = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&ma, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(pm, &ma);
	t0 = now();
	for (i = 0; i < n; i++) {
		pthread_mutex_lock(pm);
		pthread_mutex_unlock(pm);
	}
	base = (now() - t0) / n;
	row("S1", "uncontended mutex acquire+release", ns, base,
	    "robust pshared pthread mutex");
	CloseHandle(m);

	/* S2 */
	e1 = CreateEventA(NULL, FALSE, FALSE, "bench-s2-ping");
	e2 = CreateEventA(NULL, FALSE, FALSE, "bench-s2-pong");
	pid = fork();
	if (!pid) {
		for (i = 0; i < n / 10; i++) {
			WaitForSingleObject(e1, INFINITE);
			SetEvent(e2);
		}
		_exit(0);
	}
	t0 = now();
	for (i = 0; i < n / 10; i++) {
		SetEvent(e1);
		WaitForSingleObject(e2, INFINITE);
	}
	ns = (now() - t0) / (n / 10);
	waitpid(pid, NULL, 0);
	ps = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	sem_init(&ps[0], 1, 0);
	sem_init(&ps[1], 1, 0);
	pid = fork();
	if (!pid) {
		for (i = 0; i < n / 10; i++) {
			sem_wait(&ps[0]);
			sem_post(&ps[1]);
		}
		_exit(0);
	}
	t0 = now();
	for (i = 0; i < n / 10; i++) {
		sem_post(&ps[0]);
		sem_wait(&ps[1]);
	}
	base = (now() - t0) / (n / 10);
	waitpid(pid, NULL, 0);
	row("S2", "cross-process ping-pong round trip", ns, base,
	    "pshared POSIX semaphores");
	CloseHandle(e1);
	CloseHandle(e2);

	/* S3 */
	s = CreateSemaphoreA(NULL, 0, 1, "bench-s3");
	t0 = now();
	for (i = 0; i < n; i++) {
		ReleaseSemaphore(s, 1, NULL);
		WaitForSingleObject(s, INFINITE);
	}
	ns = (now() - t0) / n;
	t0 = now();
	for (i = 0; i < n; i++) {
		sem_post(&ps[0]);
		sem_wait(&ps[0]);
	}
	base = (now() - t0) / n;
	row("S3", "semaphore release+wait, uncontended", ns, base,
	    "sem_post+sem_wait");
	CloseHandle(s);

	/* S4 */
	for (k = 0; k < 64; k++)
		ev[k] = CreateEventA(NULL, TRUE, TRUE, NULL);
	t0 = now();
	for (i = 0; i < n / 10; i++)
		WaitForMultipleObjects(64, ev, TRUE, 0);
	ns = (now() - t0) / (n / 10);
	row("S4", "wait-all over 64 signaled events", ns, 0, NULL);
	for (k = 0; k < 64; k++)
		CloseHandle(ev[k]);
	return 0;
}
