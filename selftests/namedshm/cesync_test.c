// SPDX-License-Identifier: GPL-2.0
/*
 * Selftests for the Win32 sync layer of libnamedshm (<cemapping.h>,
 * <cesync.h>): events, mutexes, semaphores and waits, checked against
 * the contract (Microsoft's documentation, Wine's kernel32 sync tests).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "cemapping.h"
#include "namedshm.h"
#include "namedshm_util.h"

static char self_exe[4096];

FIXTURE(ce)
{
	int unused;
};

FIXTURE_SETUP(ce)
{
	ASSERT_EQ(0, nsh_live_regions());
}

FIXTURE_TEARDOWN(ce)
{
	EXPECT_EQ(0, nsh_live_regions());
}

TEST_F(ce, create_open_names_and_kinds)
{
	HANDLE e, e2, m, s, f;
	char16_t wname[200];
	char local[200], name[128];
	size_t i;

	/* nsh_name() reuses its buffer: keep a copy. */
	snprintf(name, sizeof(name), "%s", nsh_name("ce-kinds"));

	SetLastError(77);
	e = CreateEventA(NULL, TRUE, FALSE, name);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(0, GetLastError());
	/* Existing, same kind: 183, its state kept. */
	e2 = CreateEventA(NULL, FALSE, TRUE, name);
	ASSERT_NE(NULL, e2);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(e2, 0));
	CloseHandle(e2);
	/* Another kind by that name: NULL, 6, whichever call. */
	SetLastError(0);
	EXPECT_EQ(NULL, CreateMutexA(NULL, FALSE, name));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(NULL, CreateSemaphoreA(NULL, 0, 1, name));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(NULL, OpenMutexA(SYNCHRONIZE, FALSE, name));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(NULL, CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
					   PAGE_READWRITE, 0, 4096, name));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* Open: missing 2, NULL name 87, access 0 is 5. */
	EXPECT_EQ(NULL, OpenEventA(SYNCHRONIZE, FALSE, nsh_name("missing")));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	EXPECT_EQ(NULL, OpenEventA(SYNCHRONIZE, FALSE, NULL));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(NULL, OpenEventA(0, FALSE, name));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	/* Local\ names the same object; W names too. */
	snprintf(local, sizeof(local), "Local\\%s", name);
	e2 = OpenEventA(EVENT_ALL_ACCESS, FALSE, local);
	ASSERT_NE(NULL, e2);
	CloseHandle(e2);
	for (i = 0; name[i]; i++)
		wname[i] = (char16_t)name[i];
	wname[i] = 0;
	e2 = OpenEventW(SYNCHRONIZE, FALSE, wname);
	ASSERT_NE(NULL, e2);
	CloseHandle(e2);
	/* The mapping of a name held by an event cannot be made, and back. */
	CloseHandle(e);
	EXPECT_EQ(NULL, OpenEventA(SYNCHRONIZE, FALSE, name));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	f = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
			       4096, name);
	ASSERT_NE(NULL, f);
	EXPECT_EQ(NULL, CreateEventA(NULL, TRUE, FALSE, name));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* A mapping handle is not waitable, nor an event. */
	EXPECT_EQ(WAIT_FAILED, WaitForSingleObject(f, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(SetEvent(f));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	CloseHandle(f);
	/* Unnamed objects never collide. */
	m = CreateMutexA(NULL, FALSE, NULL);
	s = CreateSemaphoreA(NULL, 1, 1, NULL);
	ASSERT_NE(NULL, m);
	ASSERT_NE(NULL, s);
	EXPECT_EQ(0, GetLastError());
	CloseHandle(m);
	CloseHandle(s);
}

TEST_F(ce, bad_and_closed_handles)
{
	HANDLE e = CreateEventA(NULL, TRUE, TRUE, NULL), m, v[2];
	LONG prev = 42;

	ASSERT_NE(NULL, e);
	EXPECT_TRUE(CloseHandle(e));
	EXPECT_EQ(WAIT_FAILED, WaitForSingleObject(e, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(SetEvent(e));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(SetEvent(NULL));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(ReleaseSemaphore((HANDLE)(uintptr_t)0x1234567, 1, &prev));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_EQ(42, prev);
	EXPECT_FALSE(CloseHandle(e));
	/* The pseudo handle: a single wait times out, elsewhere it is 6. */
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(INVALID_HANDLE_VALUE, 10));
	EXPECT_FALSE(SetEvent(INVALID_HANDLE_VALUE));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	e = CreateEventA(NULL, TRUE, TRUE, NULL);
	v[0] = e;
	v[1] = INVALID_HANDLE_VALUE;
	EXPECT_EQ(WAIT_FAILED, WaitForMultipleObjects(2, v, FALSE, 0));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* Counts: 1..64. */
	EXPECT_EQ(WAIT_FAILED, WaitForMultipleObjects(0, v, FALSE, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(WAIT_FAILED,
		  WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, v, FALSE, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	/* Wrong kind for the call. */
	m = CreateMutexA(NULL, FALSE, NULL);
	EXPECT_FALSE(SetEvent(m));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	EXPECT_FALSE(ReleaseMutex(e));
	EXPECT_EQ(ERROR_INVALID_HANDLE, GetLastError());
	/* The same object twice: wait-any fine, wait-all 87. */
	v[0] = e;
	EXPECT_TRUE(DuplicateHandle(GetCurrentProcess(), e,
				    GetCurrentProcess(), &v[1], 0, FALSE,
				    DUPLICATE_SAME_ACCESS));
	EXPECT_EQ(WAIT_OBJECT_0, WaitForMultipleObjects(2, v, FALSE, 0));
	EXPECT_EQ(WAIT_FAILED, WaitForMultipleObjects(2, v, TRUE, 0));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	CloseHandle(v[1]);
	CloseHandle(m);
	CloseHandle(e);
}

TEST_F(ce, access_rights)
{
	const char *name = nsh_name("ce-access");
	HANDLE e, o, d, s, so;

	e = CreateEventA(NULL, TRUE, FALSE, name);
	ASSERT_NE(NULL, e);
	o = OpenEventA(SYNCHRONIZE, FALSE, name);
	ASSERT_NE(NULL, o);
	EXPECT_FALSE(SetEvent(o));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(o, 0));
	CloseHandle(o);
	o = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(SetEvent(o));
	EXPECT_EQ(WAIT_FAILED, WaitForSingleObject(o, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	/* DuplicateHandle may reduce rights, never widen them. */
	EXPECT_FALSE(DuplicateHandle(GetCurrentProcess(), o,
				     GetCurrentProcess(), &d,
				     EVENT_ALL_ACCESS, FALSE, 0));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	CloseHandle(o);
	EXPECT_TRUE(DuplicateHandle(GetCurrentProcess(), e,
				    GetCurrentProcess(), &d, SYNCHRONIZE,
				    FALSE, 0));
	EXPECT_FALSE(ResetEvent(d));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(d, 0));
	CloseHandle(d);
	/* DUPLICATE_CLOSE_SOURCE; the object lives on in the copy. */
	EXPECT_TRUE(DuplicateHandle(GetCurrentProcess(), e,
				    GetCurrentProcess(), &d, 0, FALSE,
				    DUPLICATE_SAME_ACCESS |
					    DUPLICATE_CLOSE_SOURCE));
	EXPECT_EQ(WAIT_FAILED, WaitForSingleObject(e, 0));
	EXPECT_TRUE(ResetEvent(d));
	CloseHandle(d);
	EXPECT_EQ(NULL, OpenEventA(SYNCHRONIZE, FALSE, name));

	s = CreateSemaphoreA(NULL, 0, 2, name);
	ASSERT_NE(NULL, s);
	so = OpenSemaphoreA(SYNCHRONIZE, FALSE, name);
	ASSERT_NE(NULL, so);
	EXPECT_FALSE(ReleaseSemaphore(so, 1, NULL));
	EXPECT_EQ(ERROR_ACCESS_DENIED, GetLastError());
	CloseHandle(so);
	CloseHandle(s);
}

TEST_F(ce, events)
{
	HANDLE m = CreateEventA(NULL, TRUE, FALSE, NULL);
	HANDLE a = CreateEventExA(NULL, NULL, CREATE_EVENT_INITIAL_SET,
				  EVENT_ALL_ACCESS);

	ASSERT_NE(NULL, m);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(a, 0));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(a, 0));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(a, 30));
	EXPECT_TRUE(SetEvent(m));
	SetLastError(1234);
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(m, INFINITE));
	EXPECT_EQ(1234, GetLastError()); /* a successful wait leaves it */
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(m, 0));
	EXPECT_TRUE(ResetEvent(m));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(m, 0));
	EXPECT_TRUE(PulseEvent(m));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(m, 0));
	EXPECT_EQ(NULL, CreateEventExA(NULL, NULL, 0x4, EVENT_ALL_ACCESS));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	CloseHandle(a);
	CloseHandle(m);
}

struct ev_waiter {
	HANDLE h;
	DWORD ms;
	atomic_int *woken;
};

static void *ev_wait(void *p)
{
	struct ev_waiter *w = p;

	if (WaitForSingleObject(w->h, w->ms) == WAIT_OBJECT_0)
		atomic_fetch_add(w->woken, 1);
	return NULL;
}

static void run_waiters(HANDLE h, DWORD ms, BOOL (*fn)(HANDLE), int n,
			atomic_int *woken)
{
	struct ev_waiter w[16];
	pthread_t th[16];
	int i;

	for (i = 0; i < n; i++) {
		w[i] = (struct ev_waiter){ h, ms, woken };
		pthread_create(&th[i], NULL, ev_wait, &w[i]);
	}
	usleep(200000);
	fn(h);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

TEST_F(ce, many_waiters_and_pulse)
{
	HANDLE m = CreateEventA(NULL, TRUE, FALSE, NULL);
	HANDLE a = CreateEventA(NULL, FALSE, FALSE, NULL);
	atomic_int woken = 0;

	run_waiters(m, INFINITE, SetEvent, 10, &woken);
	EXPECT_EQ(10, atomic_load(&woken));
	ResetEvent(m);
	atomic_store(&woken, 0);
	run_waiters(m, 2000, PulseEvent, 10, &woken);
	EXPECT_EQ(10, atomic_load(&woken));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(m, 0));
	atomic_store(&woken, 0);
	run_waiters(a, 500, SetEvent, 10, &woken);
	EXPECT_EQ(1, atomic_load(&woken));
	atomic_store(&woken, 0);
	run_waiters(a, 500, PulseEvent, 10, &woken);
	EXPECT_EQ(1, atomic_load(&woken));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(a, 0));
	CloseHandle(a);
	CloseHandle(m);
}

TEST_F(ce, semaphores)
{
	HANDLE s;
	LONG prev = 99;

	EXPECT_EQ(NULL, CreateSemaphoreA(NULL, 2, 1, nsh_name("sem-bad")));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(NULL, CreateSemaphoreA(NULL, -1, 1, NULL));
	EXPECT_EQ(NULL, CreateSemaphoreA(NULL, 0, 0, NULL));
	EXPECT_EQ(NULL, OpenSemaphoreA(SYNCHRONIZE, FALSE,
				       nsh_name("sem-bad")));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
	s = CreateSemaphoreA(NULL, 1, 3, NULL);
	ASSERT_NE(NULL, s);
	EXPECT_TRUE(ReleaseSemaphore(s, 2, &prev));
	EXPECT_EQ(1, prev);
	prev = 99;
	EXPECT_FALSE(ReleaseSemaphore(s, 1, &prev));
	EXPECT_EQ(ERROR_TOO_MANY_POSTS, GetLastError());
	EXPECT_EQ(99, prev);
	EXPECT_FALSE(ReleaseSemaphore(s, 0, &prev));
	EXPECT_EQ(ERROR_INVALID_PARAMETER, GetLastError());
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(s, 0));
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(s, 0));
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(s, 0));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(s, 0));
	CloseHandle(s);
}

static void *not_owner(void *p)
{
	HANDLE m = p;

	/* Another thread: not the owner. */
	if (ReleaseMutex(m) || GetLastError() != ERROR_NOT_OWNER)
		return (void *)1;
	if (WaitForSingleObject(m, 20) != WAIT_TIMEOUT)
		return (void *)2;
	return NULL;
}

TEST_F(ce, mutex_recursion_and_owner)
{
	HANDLE m = CreateMutexA(NULL, TRUE, nsh_name("ce-mutex")), m2;
	pthread_t th;
	void *res;

	ASSERT_NE(NULL, m);
	/* bInitialOwner on an existing mutex gives no ownership. */
	m2 = CreateMutexA(NULL, TRUE, nsh_name("ce-mutex"));
	ASSERT_NE(NULL, m2);
	EXPECT_EQ(ERROR_ALREADY_EXISTS, GetLastError());
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(m, 0));
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(m2, 0));
	pthread_create(&th, NULL, not_owner, m);
	pthread_join(th, &res);
	EXPECT_EQ(NULL, res);
	EXPECT_TRUE(ReleaseMutex(m));
	EXPECT_TRUE(ReleaseMutex(m2));
	EXPECT_TRUE(ReleaseMutex(m));
	EXPECT_FALSE(ReleaseMutex(m));
	EXPECT_EQ(ERROR_NOT_OWNER, GetLastError());
	CloseHandle(m2);
	CloseHandle(m);
}

static void *take_and_leave(void *p)
{
	return (void *)(uintptr_t)WaitForSingleObject(p, 0);
}

TEST_F(ce, thread_exit_abandons)
{
	HANDLE m = CreateMutexA(NULL, FALSE, NULL);
	pthread_t th;
	void *res;

	ASSERT_NE(NULL, m);
	pthread_create(&th, NULL, take_and_leave, m);
	pthread_join(th, &res);
	EXPECT_EQ(WAIT_OBJECT_0, (DWORD)(uintptr_t)res);
	EXPECT_EQ(WAIT_ABANDONED_0, WaitForSingleObject(m, 0));
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(m, 0)); /* once */
	EXPECT_TRUE(ReleaseMutex(m));
	EXPECT_TRUE(ReleaseMutex(m));
	EXPECT_FALSE(ReleaseMutex(m));
	CloseHandle(m);
}

/* The exec()ed child: hold the named mutex, report, wait to be killed. */
static int child_main(const char *name, const char *what)
{
	HANDLE m, e;

	if (!strcmp(what, "hold")) {
		m = OpenMutexA(SYNCHRONIZE, FALSE, name);
		if (!m || WaitForSingleObject(m, INFINITE) != WAIT_OBJECT_0)
			return 1;
		e = OpenEventA(EVENT_MODIFY_STATE, FALSE, "ce-sync-ready");
		if (!e || !SetEvent(e))
			return 2;
		for (;;)
			pause();
	}
	/* "signal": set the named event and leave. */
	e = OpenEventA(EVENT_MODIFY_STATE, FALSE, name);
	return e && SetEvent(e) ? 0 : 3;
}

static pid_t spawn(const char *name, const char *what)
{
	pid_t pid = fork();

	if (!pid) {
		execl(self_exe, self_exe, "--ce-child", name, what, NULL);
		_exit(127);
	}
	return pid;
}

TEST_F(ce, cross_process_by_name_and_sigkill)
{
	const char *name = nsh_name("ce-xproc");
	HANDLE m, ready, e, v[2];
	int st;
	pid_t pid;

	ASSERT_LT(0, readlink("/proc/self/exe", self_exe,
			      sizeof(self_exe) - 1));
	e = CreateEventA(NULL, FALSE, FALSE, name);
	ASSERT_NE(NULL, e);
	pid = spawn(name, "signal");
	EXPECT_EQ(WAIT_OBJECT_0, WaitForSingleObject(e, 10000));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	CloseHandle(e);

	m = CreateMutexA(NULL, FALSE, name);
	ready = CreateEventA(NULL, FALSE, FALSE, "ce-sync-ready");
	ASSERT_NE(NULL, m);
	ASSERT_NE(NULL, ready);
	pid = spawn(name, "hold");
	ASSERT_EQ(WAIT_OBJECT_0, WaitForSingleObject(ready, 10000));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(m, 50));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	/* Abandoned before waitpid() returned; in a multi-wait: + index. */
	v[0] = ready;
	v[1] = m;
	EXPECT_EQ(WAIT_ABANDONED_0 + 1, WaitForMultipleObjects(2, v, FALSE, 0));
	EXPECT_TRUE(ReleaseMutex(m));
	CloseHandle(ready);
	CloseHandle(m);
}

TEST_F(ce, wait_all_mixed_kinds)
{
	HANDLE e = CreateEventA(NULL, FALSE, TRUE, NULL);
	HANDLE s = CreateSemaphoreA(NULL, 0, 1, NULL);
	HANDLE m = CreateMutexA(NULL, FALSE, NULL);
	HANDLE v[3] = { e, s, m };

	EXPECT_EQ(WAIT_TIMEOUT, WaitForMultipleObjects(3, v, TRUE, 0));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForMultipleObjects(3, v, TRUE, 30));
	/* Nothing was consumed. */
	EXPECT_EQ(WAIT_OBJECT_0, WaitForMultipleObjects(3, v, FALSE, 0));
	EXPECT_TRUE(SetEvent(e));
	EXPECT_TRUE(ReleaseSemaphore(s, 1, NULL));
	EXPECT_EQ(WAIT_OBJECT_0, WaitForMultipleObjects(3, v, TRUE, 0));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(e, 0));
	EXPECT_EQ(WAIT_TIMEOUT, WaitForSingleObject(s, 0));
	EXPECT_TRUE(ReleaseMutex(m));
	/* Wait-any: the lowest signaled index. */
	EXPECT_TRUE(ReleaseSemaphore(s, 1, NULL));
	EXPECT_EQ(WAIT_OBJECT_0 + 1, WaitForMultipleObjects(3, v, FALSE, 0));
	EXPECT_EQ(WAIT_OBJECT_0 + 2, WaitForMultipleObjects(3, v, FALSE, 0));
	EXPECT_TRUE(ReleaseMutex(m));
	CloseHandle(e);
	CloseHandle(s);
	CloseHandle(m);
}

TEST_F(ce, sixty_four_handles)
{
	HANDLE v[MAXIMUM_WAIT_OBJECTS];
	int i;

	for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++) {
		v[i] = CreateEventA(NULL, TRUE, i == 63, NULL);
		ASSERT_NE(NULL, v[i]);
	}
	EXPECT_EQ(WAIT_OBJECT_0 + 63,
		  WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, v, FALSE, 0));
	EXPECT_EQ(WAIT_TIMEOUT,
		  WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, v, TRUE, 0));
	for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
		SetEvent(v[i]);
	EXPECT_EQ(WAIT_OBJECT_0,
		  WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, v, TRUE, 0));
	for (i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
		CloseHandle(v[i]);
}

static void *native_hold(void *p)
{
	unsigned int idx;

	return (void *)(intptr_t)namedshm_wait(p, 1, 0, 0, &idx);
}

/* The native API of <namedshm.h> on the same objects. */
TEST_F(ce, native_api)
{
	const char *name = nsh_name("native");
	int e, e2, m, s, v[3];
	unsigned int idx = 9, prev = 9;
	pthread_t th;
	void *res;

	e = namedshm_event_open(name, O_RDWR | O_CREAT, 0600, 0);
	ASSERT_LE(0, e);
	e2 = namedshm_event_open(name, O_RDONLY, 0, 0);
	ASSERT_LE(0, e2);
	EXPECT_EQ(-1, namedshm_mutex_open(name, O_RDWR, 0, 0));
	EXPECT_EQ(EPROTOTYPE, errno);
	EXPECT_EQ(-1, namedshm_event_set(e2));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, namedshm_wait(&e2, 1, 0, 0, NULL));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(0, namedshm_event_set(e));
	EXPECT_EQ(0, namedshm_wait(&e2, 1, 0, 1000000, &idx));
	EXPECT_EQ(0, idx);
	EXPECT_EQ(-1, namedshm_wait(&e2, 1, 0, 0, NULL)); /* auto-reset */

	s = namedshm_sem_open(NULL, O_RDWR | O_CREAT, 0600, 0, 2);
	ASSERT_LE(0, s);
	EXPECT_EQ(0, namedshm_sem_post(s, 2, &prev));
	EXPECT_EQ(0, prev);
	EXPECT_EQ(-1, namedshm_sem_post(s, 1, &prev));
	EXPECT_EQ(EOVERFLOW, errno);

	m = namedshm_mutex_open(NULL, O_RDWR | O_CREAT, 0600, 0);
	ASSERT_LE(0, m);
	pthread_create(&th, NULL, native_hold, &m);
	pthread_join(th, &res);
	EXPECT_EQ(0, (int)(intptr_t)res);
	EXPECT_EQ(-1, namedshm_mutex_unlock(m));
	EXPECT_EQ(EPERM, errno);
	v[0] = e;
	v[1] = s;
	v[2] = m;
	EXPECT_EQ(0, namedshm_event_set(e));
	/* Wait-all: abandoned mutex at index 2. */
	EXPECT_EQ(1, namedshm_wait(v, 3, NAMEDSHM_WAIT_ALL, -1, &idx));
	EXPECT_EQ(2, idx);
	EXPECT_EQ(0, namedshm_mutex_unlock(m));
	close(m);
	close(s);
	close(e2);
	close(e);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--ce-child"))
		return child_main(argv[2], argv[3]);
	return test_harness_run(argc, argv);
}
