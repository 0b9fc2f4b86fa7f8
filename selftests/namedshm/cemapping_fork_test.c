// SPDX-License-Identifier: GPL-2.0
/*
 * fork() while other threads make and close CE mapping handles (issue 16
 * point 7): the child must hold no namedshm handle descriptor that its
 * copy of the handle table does not record, or it would keep the object,
 * and its name, alive after the parent's last CloseHandle().
 *
 * Built from the library's sources with NAMEDSHM_TEST_HOOKS (see the
 * Makefile), for ce_handle_fd_records().
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ce_internal.h"

#include "../kselftest_harness.h"
#include "namedshm_util.h"

static atomic_bool stop;
static char name[128];

static void *churn(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		HANDLE c, o, d = NULL;

		c = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
				       PAGE_READWRITE, 0, 4096, name);
		o = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, name);
		/* Fewer rights: a new descriptor (NAMEDSHM_IOC_DUP). */
		if (o)
			DuplicateHandle(GetCurrentProcess(), o,
					GetCurrentProcess(), &d, FILE_MAP_READ,
					FALSE, 0);
		if (d)
			CloseHandle(d);
		if (o)
			CloseHandle(o);
		if (c)
			CloseHandle(c);
	}
	return NULL;
}

/* In the child: handle descriptors no live slot records. */
static int strays(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		struct namedshm_stat st;

		if (namedshm_stat(fd, &st))
			continue;
		if (!ce_handle_fd_records(fd))
			n++;
	}
	return n;
}

/* A fixture only for the time limit (TEST() has none to set). */
FIXTURE(churn)
{
	int unused;
};

FIXTURE_SETUP(churn)
{
}

FIXTURE_TEARDOWN(churn)
{
}

/* 300 s: about 20 s on the KASAN kernel under TCG, 30 s was too tight. */
TEST_F_TIMEOUT(churn, fork_during_handle_churn, 300)
{
	int forks = 300, bad = 0;
	pthread_t t[2];

	snprintf(name, sizeof(name), "%s", nsh_name("fork"));
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, churn, NULL));
	for (int i = 0; i < forks; i++) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			HANDLE h;

			if (strays())
				_exit(1);
			/* The child can make and close handles (no hang). */
			alarm(10);
			h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL,
					       PAGE_READWRITE, 0, 4096, NULL);
			_exit(h && CloseHandle(h) ? 0 : 2);
		}
		ASSERT_LE(0, pid);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	atomic_store(&stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	EXPECT_EQ(0, bad)
	TH_LOG("%d of %d children had stray handles or hung", bad, forks);
	/* Everything is closed: the name is gone. */
	EXPECT_EQ(NULL, OpenFileMappingA(FILE_MAP_READ, FALSE, name));
	EXPECT_EQ(ERROR_FILE_NOT_FOUND, GetLastError());
}

TEST_HARNESS_MAIN
