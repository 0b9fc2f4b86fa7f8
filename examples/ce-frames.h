/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by ce-producer.c and ce-consumer.c: the names and the layout of
 * the frame buffer they share.  A frame is valid when its check field
 * matches its sequence number and text (the producer writes it last).
 */
#ifndef CE_FRAMES_H
#define CE_FRAMES_H

#include <cemapping.h>

#define FRAMES_MAP TEXT("Local\\CeFrames")
#define FRAMES_LOCK TEXT("Local\\CeFramesLock")
#define FRAMES_READY TEXT("Local\\CeFrameReady")
#define FRAMES_SIZE 4096

typedef struct {
	DWORD seq;  /* frame number, 0: none yet */
	DWORD done; /* 1: the producer has no more frames */
	CHAR text[64];
	DWORD check; /* frame_check() of the above, written last */
} FRAME;

static inline DWORD frame_check(const FRAME *f)
{
	DWORD h = 2166136261U ^ f->seq;
	int i;

	for (i = 0; i < 64 && f->text[i]; i++)
		h = (h ^ (BYTE)f->text[i]) * 16777619U;
	return h;
}

#endif /* CE_FRAMES_H */
