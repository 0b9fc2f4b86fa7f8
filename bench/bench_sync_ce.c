// SPDX-License-Identifier: GPL-2.0
/*
 * S1-S4 through the CE layer of libnamedshm (cesync.h): the operations
 * that bench_sync.c times, behind plain C functions so that the Win32
 * names stay in this file.  Every function dies on a failure.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <stdlib.h>

#include <cemapping.h>

#include "bench.h"
#include "bench_sync.h"

static void ce_die(const char *what)
{
	bench_die("%s: error %u", what, (unsigned int)GetLastError());
}

/* ---- S1: WaitForSingleObject + ReleaseMutex ---------------------------- */

struct ce_mutex {
	HANDLE h;
};

struct ce_mutex *ce_mutex_new(const char *name)
{
	struct ce_mutex *m = calloc(1, sizeof(*m));

	if (!m)
		bench_die("calloc");
	m->h = CreateMutexA(NULL, FALSE, name);
	if (!m->h)
		ce_die("CreateMutexA");
	return m;
}

void ce_mutex_free(struct ce_mutex *m)
{
	if (!CloseHandle(m->h))
		ce_die("CloseHandle(mutex)");
	free(m);
}

double ce_trial_mutex(struct ce_mutex *m, long n)
{
	HANDLE h = m->h;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (WaitForSingleObject(h, INFINITE) != WAIT_OBJECT_0)
			ce_die("WaitForSingleObject(mutex)");
		if (!ReleaseMutex(h))
			ce_die("ReleaseMutex");
	}
	return (bench_now_ns() - t0) / (double)n;
}

/* ---- S2 and S3: sets of auto-reset events ------------------------------ */

struct ce_events {
	unsigned int n;
	HANDLE h[MAXIMUM_WAIT_OBJECTS];
};

struct ce_events *ce_events_new(unsigned int n, const char *prefix)
{
	struct ce_events *e = calloc(1, sizeof(*e));

	if (!e || n > MAXIMUM_WAIT_OBJECTS)
		bench_die("ce_events_new(%u)", n);
	e->n = n;
	for (unsigned int i = 0; i < n; i++) {
		char name[96];

		snprintf(name, sizeof(name), "%s.%u", prefix, i);
		e->h[i] = CreateEventA(NULL, FALSE, FALSE, name);
		if (!e->h[i])
			ce_die("CreateEventA");
	}
	return e;
}

void ce_events_free(struct ce_events *e)
{
	for (unsigned int i = 0; i < e->n; i++)
		if (!CloseHandle(e->h[i]))
			ce_die("CloseHandle(event)");
	free(e);
}

void ce_event_set(struct ce_events *e, unsigned int i)
{
	if (!SetEvent(e->h[i]))
		ce_die("SetEvent");
}

void ce_event_wait_one(struct ce_events *e, unsigned int i)
{
	if (WaitForSingleObject(e->h[i], INFINITE) != WAIT_OBJECT_0)
		ce_die("WaitForSingleObject(event)");
}

/* Wait-any on all the events; the index taken must be @expect. */
void ce_event_wait_any(struct ce_events *e, unsigned int expect)
{
	DWORD r = WaitForMultipleObjects(e->n, e->h, FALSE, INFINITE);

	if (r != WAIT_OBJECT_0 + expect)
		bench_die("WaitForMultipleObjects: %u, expected %u, error %u",
			  (unsigned int)r, expect,
			  (unsigned int)GetLastError());
}

/* ---- S4: CreateEventA of a new name + CloseHandle ---------------------- */

double ce_trial_event_create(const char *name, long n)
{
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		HANDLE h = CreateEventA(NULL, FALSE, FALSE, name);

		if (!h || GetLastError() == ERROR_ALREADY_EXISTS)
			ce_die("CreateEventA (new name)");
		if (!CloseHandle(h))
			ce_die("CloseHandle(event)");
	}
	return (bench_now_ns() - t0) / (double)n;
}
