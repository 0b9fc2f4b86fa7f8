// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * native-reader NAME REPLY: open the region NAME by name (creating it
 * only if it does not exist, to show which happened), read the writer's
 * message and answer with REPLY.
 * native-reader --open-only NAME: only report whether NAME exists.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <namedshm.h>

#include "native-board.h"

int main(int argc, char **argv)
{
	struct namedshm_result res;
	struct board *b;
	int fd;

	if (argc == 3 && !strcmp(argv[1], "--open-only")) {
		fd = namedshm_open(argv[2], O_RDONLY, 0, 0);
		if (fd < 0) {
			printf("reader[%d]: open \"%s\": %s\n", (int)getpid(),
			       argv[2], strerror(errno));
			return errno == ENOENT ? 0 : 1;
		}
		printf("reader[%d]: \"%s\" exists\n", (int)getpid(), argv[2]);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: %s NAME REPLY | --open-only NAME\n",
			argv[0]);
		return 2;
	}
	fd = namedshm_open_ex(argv[1], strlen(argv[1]),
			      NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_WRITE, 0600,
			      BOARD_SIZE, &res);
	if (fd < 0) {
		fprintf(stderr, "reader: namedshm_open_ex(%s): %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	printf("reader[%d]: %s region \"%s\", %llu bytes\n", (int)getpid(),
	       res.created ? "created a NEW" : "opened the EXISTING", argv[1],
	       (unsigned long long)res.size);
	b = mmap(NULL, BOARD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (b == MAP_FAILED) {
		perror("reader: mmap");
		return 1;
	}
	if (!atomic_load(&b->posted)) {
		printf("reader[%d]: nothing posted\n", (int)getpid());
		return 1;
	}
	printf("reader[%d]: read \"%s\" at %p (another address, same memory)\n",
	       (int)getpid(), b->text, (void *)b);
	snprintf(b->reply, sizeof(b->reply), "%s", argv[2]);
	atomic_store(&b->answered, 1);
	munmap(b, BOARD_SIZE);
	close(fd);
	return 0;
}
