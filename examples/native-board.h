/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The layout two example programs agree on for their shared "board". */
#ifndef NATIVE_BOARD_H
#define NATIVE_BOARD_H

#include <stdatomic.h>
#include <stdint.h>

struct board {
	atomic_uint posted;	/* writer: 1 when text is there */
	atomic_uint answered;	/* reader: 1 when reply is there */
	char text[256];
	char reply[256];
};

#define BOARD_SIZE 4096

#endif
