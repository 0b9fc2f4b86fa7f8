// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ce-reader: the other half of ce-writer.  As CE code does, it "opens"
 * the board by calling CreateFileMapping with its name and checks
 * GetLastError() for ERROR_ALREADY_EXISTS; then it reads the writer's
 * message and answers.
 *
 *   ce-reader REPLY
 *   ce-reader --open-only    only report whether the board exists
 */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <cemapping.h>

/* Shared with ce-writer.c: the layout of the board both programs map. */
#define BOARD_NAME TEXT("Local\\CeDemoBoard")
#define BOARD_SIZE 4096
typedef struct {
	atomic_uint posted;   /* writer: 1 when text is there */
	atomic_uint answered; /* reader: 1 when reply is there */
	CHAR text[256];
	CHAR reply[256];
} BOARD;

int main(int argc, char **argv)
{
	HANDLE map;
	BOARD *b;

	if (argc == 2 && !strcmp(argv[1], "--open-only")) {
		map = OpenFileMapping(FILE_MAP_READ, FALSE, BOARD_NAME);
		if (!map) {
			printf("reader: OpenFileMapping: error %u%s\n",
			       GetLastError(),
			       GetLastError() == ERROR_FILE_NOT_FOUND ?
				       " (ERROR_FILE_NOT_FOUND)" :
				       "");
			return GetLastError() == ERROR_FILE_NOT_FOUND ? 3 : 1;
		}
		printf("reader: the board exists\n");
		CloseHandle(map);
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: %s REPLY | --open-only\n", argv[0]);
		return 2;
	}
	map = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
				BOARD_SIZE, BOARD_NAME);
	if (!map) {
		fprintf(stderr, "reader: CreateFileMapping failed, error %u\n",
			GetLastError());
		return 1;
	}
	printf("reader: CreateFileMapping: GetLastError %u%s\n",
	       GetLastError(),
	       GetLastError() == ERROR_ALREADY_EXISTS ?
		       " (ERROR_ALREADY_EXISTS: the writer's object)" :
		       " (a NEW object: no writer)");
	b = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	if (!b) {
		fprintf(stderr, "reader: MapViewOfFile failed, error %u\n",
			GetLastError());
		CloseHandle(map);
		return 1;
	}
	if (!atomic_load(&b->posted)) {
		printf("reader: nothing posted\n");
		UnmapViewOfFile(b);
		CloseHandle(map);
		return 1;
	}
	printf("reader: read \"%s\" in its view at %p\n", b->text, (void *)b);
	snprintf(b->reply, sizeof(b->reply), "%s", argv[1]);
	atomic_store(&b->answered, 1);
	UnmapViewOfFile(b);
	CloseHandle(map);
	printf("reader: answered and closed its handle\n");
	return 0;
}
