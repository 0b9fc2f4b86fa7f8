// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Share modes of CreateFileForMapping and of file-backed mapping objects,
 * translated to the native registrations of userspace/sharemode.c (see
 * PORTING.md, "Share modes").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sharemode.h"


bool ce_share_mode_valid(DWORD share)
{
	return !(share &
		 ~(DWORD)(FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE));
}

DWORD ce_share_register(int fd, DWORD access, DWORD share)
{
	unsigned int a = 0;

	if (access & GENERIC_READ)
		a |= NAMEDSHM_SHARE_ACCESS_READ;
	if (access & GENERIC_WRITE)
		a |= NAMEDSHM_SHARE_ACCESS_WRITE;
	/* FILE_SHARE_* and NAMEDSHM_SHARE_* have the same values. */
	if (!namedshm_share_lock(fd, a, (unsigned int)share))
		return ERROR_SUCCESS;
	if (errno == ETXTBSY)
		return ERROR_SHARING_VIOLATION;
	if (errno == ENOLCK)
		return ERROR_NOT_ENOUGH_MEMORY;
	return ce_error_from_errno(errno);
}

/* @fd itself as the fallback, if that does not give too much. */
static int fallback(int fd, bool writable)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -1;
	if (!writable && (fl & O_ACCMODE) != O_RDONLY) {
		errno = EACCES;
		return -1;
	}
	return fd;
}

int ce_share_mapping_fd(int fd, bool writable)
{
	char path[64];
	struct stat a, b;
	int nfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NOCTTY);
	if (nfd < 0)
		return fallback(fd, writable);
	/* The same file (and /proc is the real one)? */
	if (fstat(fd, &a) || fstat(nfd, &b) || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino || !S_ISREG(b.st_mode)) {
		close(nfd);
		return fallback(fd, writable);
	}
	/*
	 * A read-write object demands FILE_SHARE_WRITE of later opens and
	 * restricts nothing else.  It is registered without a check, as on
	 * Windows, where the section is made from a handle that already
	 * passed one.
	 */
	if (writable && namedshm_share_mark_mapping(nfd) < 0) {
		close(nfd);
		return fallback(fd, writable);
	}
	return nfd;
}
