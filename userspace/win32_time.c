// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnamedshm-win32: Sleep, GetTickCount(64), QueryPerformanceCounter and
 * QueryPerformanceFrequency.
 */
#include <errno.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "ce_internal.h"
#include "internal.h"
#include "win32_internal.h"

NAMEDSHM_EXPORT void WINAPI Sleep(DWORD ms)
{
	struct timespec ts;

	if (ms == 0) {
		sched_yield();
		return;
	}
	if (ms == INFINITE) {
		for (;;)
			pause();
	}
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	/* Signals do not end a Windows Sleep early: sleep the rest. */
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

NAMEDSHM_EXPORT ULONGLONG WINAPI GetTickCount64(void)
{
	return clock_ns(CLOCK_BOOTTIME) / 1000000u;
}

NAMEDSHM_EXPORT DWORD WINAPI GetTickCount(void)
{
	return (DWORD)GetTickCount64(); /* wraps after 49.7 days, as Windows */
}

NAMEDSHM_EXPORT BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *count)
{
	if (!count) {
		ce_set_error(ERROR_NOACCESS);
		return FALSE;
	}
	count->QuadPart = (LONGLONG)clock_ns(CLOCK_MONOTONIC);
	return TRUE;
}

NAMEDSHM_EXPORT BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *freq)
{
	if (!freq) {
		ce_set_error(ERROR_NOACCESS);
		return FALSE;
	}
	freq->QuadPart = 1000000000;
	return TRUE;
}
