// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ce-producer: publishes frames in the named mapping "Local\CeFrames",
 * each under the named mutex "Local\CeFramesLock", and signals the named
 * auto-reset event "Local\CeFrameReady" after each one.
 *
 *   ce-producer FIRST LAST [--hold-at N]
 *
 * With --hold-at N it takes the mutex for frame N, writes half of it and
 * then stops there, holding the lock, for the demo to kill it.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ce-frames.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	HANDLE map, lock, ready;
	DWORD first, last, hold = 0, n;
	FRAME *f;

	if (argc != 3 && !(argc == 5 && !strcmp(argv[3], "--hold-at"))) {
		fprintf(stderr, "usage: %s FIRST LAST [--hold-at N]\n",
			argv[0]);
		return 2;
	}
	first = (DWORD)atoi(argv[1]);
	last = (DWORD)atoi(argv[2]);
	if (argc == 5)
		hold = (DWORD)atoi(argv[4]);
	map = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
				FRAMES_SIZE, FRAMES_MAP);
	lock = CreateMutex(NULL, FALSE, FRAMES_LOCK);
	ready = CreateEvent(NULL, FALSE, FALSE, FRAMES_READY);
	if (!map || !lock || !ready) {
		fprintf(stderr, "producer: create failed, error %u\n",
			GetLastError());
		return 1;
	}
	f = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	if (!f)
		return 1;
	for (n = first; n <= last; n++) {
		DWORD w = WaitForSingleObject(lock, INFINITE);

		if (w == WAIT_ABANDONED)
			printf("producer[%d]: took the lock: WAIT_ABANDONED\n",
			       (int)getpid());
		else if (w != WAIT_OBJECT_0)
			return 1;
		f->seq = n;
		if (n == hold) {
			/* Half a frame, and the lock stays held. */
			printf("producer[%d]: holding the lock mid-frame %u\n",
			       (int)getpid(), n);
			fflush(stdout);
			for (;;)
				pause();
		}
		snprintf(f->text, sizeof(f->text), "frame %u from pid %d", n,
			 (int)getpid());
		f->done = n == last;
		f->check = frame_check(f);
		ReleaseMutex(lock);
		SetEvent(ready);
		printf("producer[%d]: published frame %u\n", (int)getpid(), n);
		fflush(stdout);
		sleep_ms(150);
	}
	UnmapViewOfFile(f);
	CloseHandle(ready);
	CloseHandle(lock);
	CloseHandle(map);
	return 0;
}
