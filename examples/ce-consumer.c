// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ce-consumer: waits on the named event "Local\CeFrameReady", then reads
 * the latest frame of "Local\CeFrames" under the named mutex
 * "Local\CeFramesLock".  If the producer died holding the mutex, the wait
 * returns WAIT_ABANDONED: the consumer now owns the lock, finds the frame
 * torn, repairs the buffer and carries on.  Ends after the frame marked
 * done.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include "ce-frames.h"

int main(void)
{
	HANDLE map, lock, ready;
	DWORD last = 0, w;
	FRAME *f;

	map = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
				FRAMES_SIZE, FRAMES_MAP);
	lock = CreateMutex(NULL, FALSE, FRAMES_LOCK);
	ready = CreateEvent(NULL, FALSE, FALSE, FRAMES_READY);
	if (!map || !lock || !ready) {
		fprintf(stderr, "consumer: create failed, error %u\n",
			GetLastError());
		return 1;
	}
	f = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	if (!f)
		return 1;
	for (;;) {
		/* A new frame, or (every second) a look at the lock. */
		w = WaitForSingleObject(ready, 1000);
		if (w == WAIT_FAILED)
			return 1;
		w = WaitForSingleObject(lock, 5000);
		if (w == WAIT_TIMEOUT) {
			printf("consumer: the lock is still held\n");
			continue;
		}
		if (w == WAIT_ABANDONED) {
			printf("consumer: WAIT_ABANDONED: the producer died "
			       "holding the lock; I own it now\n");
			fflush(stdout);
			if (f->check != frame_check(f)) {
				printf("consumer: frame %u is torn: dropped\n",
				       f->seq);
				memset(f, 0, sizeof(*f));
			}
		} else if (w != WAIT_OBJECT_0) {
			return 1;
		}
		if (f->seq && f->seq != last && f->check == frame_check(f)) {
			printf("consumer: got \"%s\"\n", f->text);
			fflush(stdout);
			last = f->seq;
		}
		if (f->done && f->check == frame_check(f)) {
			ReleaseMutex(lock);
			break;
		}
		ReleaseMutex(lock);
	}
	printf("consumer: done after frame %u\n", last);
	UnmapViewOfFile(f);
	CloseHandle(ready);
	CloseHandle(lock);
	CloseHandle(map);
	return 0;
}
