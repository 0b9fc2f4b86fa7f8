// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ce-writer: a Windows CE style program, ported by replacing <windows.h>
 * with <cemapping.h>.  It creates the named file mapping "CeDemoBoard"
 * (or opens it, if a reader was first), posts a message in it and waits
 * for a reader's answer.
 *
 *   ce-writer MESSAGE
 *
 * Builds with or without -DUNICODE: names are TCHAR strings.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>
#include <cemapping.h>

/* Shared with ce-reader.c: the layout of the board both programs map. */
#define BOARD_NAME TEXT("Local\\CeDemoBoard")
#define BOARD_SIZE 4096
typedef struct {
	atomic_uint posted;   /* writer: 1 when text is there */
	atomic_uint answered; /* reader: 1 when reply is there */
	CHAR text[256];
	CHAR reply[256];
} BOARD;

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	HANDLE map;
	BOARD *b;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: %s MESSAGE\n", argv[0]);
		return 2;
	}
	map = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
				BOARD_SIZE, BOARD_NAME);
	if (!map) {
		fprintf(stderr, "writer: CreateFileMapping failed, error %u\n",
			GetLastError());
		return 1;
	}
	printf("writer: CreateFileMapping(\"Local\\\\CeDemoBoard\"): %s "
	       "(GetLastError %u)\n",
	       GetLastError() == ERROR_ALREADY_EXISTS ? "opened the existing "
							"object" :
							"created it",
	       GetLastError());
	b = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	if (!b) {
		fprintf(stderr, "writer: MapViewOfFile failed, error %u\n",
			GetLastError());
		CloseHandle(map);
		return 1;
	}
	snprintf(b->text, sizeof(b->text), "%s", argv[1]);
	atomic_store(&b->posted, 1);
	printf("writer: posted \"%s\" in the view at %p\n", b->text,
	       (void *)b);
	fflush(stdout);

	for (i = 0; i < 3000 && !atomic_load(&b->answered); i++)
		sleep_ms(10);
	if (!atomic_load(&b->answered)) {
		fprintf(stderr, "writer: no answer within 30 s\n");
		return 1;
	}
	printf("writer: the reader answered \"%s\"\n", b->reply);
	UnmapViewOfFile(b);
	CloseHandle(map);
	printf("writer: closed its handle\n");
	return 0;
}
