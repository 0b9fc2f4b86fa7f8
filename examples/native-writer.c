// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * native-writer NAME MESSAGE: create (or open) the region NAME with
 * libnamedshm, post MESSAGE on it and wait for a reader's answer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <namedshm.h>

#include "native-board.h"

int main(int argc, char **argv)
{
	struct namedshm_result res;
	struct board *b;
	int fd, i;

	if (argc != 3) {
		fprintf(stderr, "usage: %s NAME MESSAGE\n", argv[0]);
		return 2;
	}
	fd = namedshm_open_ex(argv[1], strlen(argv[1]),
			      NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_WRITE, 0600,
			      BOARD_SIZE, &res);
	if (fd < 0) {
		fprintf(stderr, "writer: namedshm_open_ex(%s): %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	printf("writer[%d]: %s region \"%s\", %llu bytes, handle fd %d\n",
	       (int)getpid(), res.created ? "created" : "opened existing",
	       argv[1], (unsigned long long)res.size, fd);
	b = mmap(NULL, BOARD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (b == MAP_FAILED) {
		perror("writer: mmap");
		return 1;
	}
	snprintf(b->text, sizeof(b->text), "%s", argv[2]);
	atomic_store(&b->posted, 1);
	printf("writer[%d]: posted \"%s\" at %p\n", (int)getpid(), b->text,
	       (void *)b);
	fflush(stdout);

	for (i = 0; i < 3000 && !atomic_load(&b->answered); i++)
		nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
	if (!atomic_load(&b->answered)) {
		fprintf(stderr, "writer: no answer within 30 s\n");
		return 1;
	}
	printf("writer[%d]: the reader answered \"%s\"\n", (int)getpid(),
	       b->reply);
	munmap(b, BOARD_SIZE);
	close(fd);
	printf("writer[%d]: closed its handle\n", (int)getpid());
	return 0;
}
