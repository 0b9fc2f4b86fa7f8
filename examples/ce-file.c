// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ce-file: a file-backed mapping, CE style.  CreateFileForMapping opens
 * (or creates) PATH, CreateFileMapping maps its first page under the name
 * "CeDemoFile", and the program counts its runs in the file through the
 * view.  Run it twice: the count persists in the file.
 *
 *   ce-file PATH
 *   ce-file --create-new PATH    CREATE_NEW: fails on an existing file
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cemapping.h>

#define MAP_SIZE 4096

static const char *disposition_result(DWORD err)
{
	return err == ERROR_ALREADY_EXISTS ? "opened an existing file (183)" :
					     "created a new file (0)";
}

int main(int argc, char **argv)
{
	DWORD disposition = OPEN_ALWAYS;
	const char *path;
	HANDLE file, map;
	unsigned long runs = 0;
	char *view;

	if (argc == 3 && !strcmp(argv[1], "--create-new")) {
		disposition = CREATE_NEW;
		path = argv[2];
	} else if (argc == 2) {
		path = argv[1];
	} else {
		fprintf(stderr, "usage: %s [--create-new] PATH\n", argv[0]);
		return 2;
	}

	file = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0,
				     NULL, disposition, FILE_ATTRIBUTE_NORMAL,
				     NULL);
	if (file == INVALID_HANDLE_VALUE) {
		printf("ce-file: CreateFileForMapping(%s): error %u%s\n", path,
		       GetLastError(),
		       GetLastError() == ERROR_FILE_EXISTS ?
			       " (ERROR_FILE_EXISTS)" :
			       "");
		return 1;
	}
	printf("ce-file: CreateFileForMapping: %s\n",
	       disposition_result(GetLastError()));

	/* A larger size than the file extends it (writable mapping). */
	map = CreateFileMapping(file, NULL, PAGE_READWRITE, 0, MAP_SIZE,
				TEXT("CeDemoFile"));
	if (!map) {
		printf("ce-file: CreateFileMapping: error %u\n",
		       GetLastError());
		CloseHandle(file);
		return 1;
	}
	/* The object holds the file: the file handle can go now. */
	CloseHandle(file);

	view = MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, 0);
	if (!view) {
		printf("ce-file: MapViewOfFile: error %u\n", GetLastError());
		CloseHandle(map);
		return 1;
	}
	sscanf(view, "ce-file has mapped this file %lu times", &runs);
	runs++;
	ZeroMemory(view, MAP_SIZE);
	snprintf(view, MAP_SIZE, "ce-file has mapped this file %lu times\n",
		 runs);
	if (!FlushViewOfFile(view, 0))
		printf("ce-file: FlushViewOfFile: error %u\n", GetLastError());
	printf("ce-file: wrote \"ce-file has mapped this file %lu times\" "
	       "through the view at %p\n",
	       runs, (void *)view);
	UnmapViewOfFile(view);
	CloseHandle(map);
	return 0;
}
