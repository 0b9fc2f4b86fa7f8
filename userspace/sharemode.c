// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Windows share modes, held by the kernel as open-file-description locks.
 * See include/namedshm_share.h for the contract and PORTING.md ("Share
 * modes") for the design.
 *
 * Layout: six bytes from NAMEDSHM_SHARE_LOCK_BASE, near the top of the
 * offset range, where no program's data and few programs' locks are:
 *
 *	base + 0, 1, 2	the holder has read, write, delete access
 *	base + 3, 4, 5	the holder denies read, write, delete (its share
 *			mode lacks FILE_SHARE_READ, _WRITE, _DELETE)
 *	base + 6	a read-write mapping object of the file exists
 *
 * A registration is a shared read lock (F_OFD_SETLK, F_RDLCK) on each byte
 * that applies.  Read locks never conflict with each other, so any number
 * of holders can mark the same byte; F_OFD_GETLK with F_WRLCK on a byte
 * reports whether any other description marks it (a description's own
 * locks never conflict with it).  A new open (access A, share S)
 * conflicts if a byte "denies x" is marked for an x in A, or a byte "has
 * x" for an x not in S.  A read-write mapping object (or a view of one)
 * marks only base + 6: as on Windows it demands FILE_SHARE_WRITE of every
 * later open, even one with access 0 (Wine's test_file_sharing), and
 * otherwise restricts nothing.
 *
 * Atomicity without a gate.  A gate would be an exclusive lock, which
 * needs a writable descriptor that read-only openers do not have.
 * Instead an open registers first and checks afterwards: of two
 * conflicting opens, the one that checks later sees the other's locks,
 * so they never both succeed.  Both may see each other; then each drops
 * its locks, checks again without them, and retries after a random
 * back-off while the conflict was only such a race.  A conflict that is
 * still there in three such checks is a sharing violation.
 */
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64 /* off_t reaches the lock bytes on 32-bit too */
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "namedshm_share.h"

_Static_assert(sizeof(off_t) == 8, "the lock bytes need a 64-bit off_t");

#define SHARE_BYTES 7
#define MAPPED_WRITE 6
#define HAS(bit) (bit)	    /* bit: 0 read, 1 write, 2 delete */
#define DENIES(bit) (3 + (bit))

/* Retries of a registration that ran into a race, and confirmations. */
#define SHARE_ATTEMPTS 24
#define SHARE_CONFIRM 3

static int lock_op(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = {
		.l_type = type,
		.l_whence = SEEK_SET,
		.l_start = NAMEDSHM_SHARE_LOCK_BASE + start,
		.l_len = len,
		.l_pid = 0, /* required for F_OFD_* */
	};

	if (fcntl(fd, cmd, &fl) < 0)
		return -1;
	if (cmd == F_OFD_GETLK)
		return fl.l_type != F_UNLCK;
	return 0;
}

/* Does any other description mark byte @b?  1, 0, or -errno. */
static int marked(int fd, int b)
{
	int r = lock_op(fd, F_OFD_GETLK, F_WRLCK, b, 1);

	return r < 0 ? -errno : r;
}

/* 0: compatible with everything registered; ETXTBSY; another errno. */
static int check(int fd, unsigned int access, unsigned int share)
{
	int bit, r;

	if (!(share & NAMEDSHM_SHARE_WRITE)) {
		r = marked(fd, MAPPED_WRITE);
		if (r)
			return r < 0 ? -r : ETXTBSY;
	}
	if (!access)
		return 0;
	for (bit = 0; bit < 3; bit++) {
		if (access & (1U << bit)) {
			r = marked(fd, DENIES(bit));
			if (r)
				return r < 0 ? -r : ETXTBSY;
		}
		if (!(share & (1U << bit))) {
			r = marked(fd, HAS(bit));
			if (r)
				return r < 0 ? -r : ETXTBSY;
		}
	}
	return 0;
}

/* Mark the bytes of (access, share): 0, ETXTBSY (a foreign write lock). */
static int mark(int fd, unsigned int access, unsigned int share)
{
	int bit;

	for (bit = 0; bit < 3; bit++) {
		int b = -1;

		if (access & (1U << bit))
			b = HAS(bit);
		if (b >= 0 && lock_op(fd, F_OFD_SETLK, F_RDLCK, b, 1) < 0)
			return errno == EAGAIN || errno == EACCES ? ETXTBSY :
								    errno;
		if (!(share & (1U << bit)) &&
		    lock_op(fd, F_OFD_SETLK, F_RDLCK, DENIES(bit), 1) < 0)
			return errno == EAGAIN || errno == EACCES ? ETXTBSY :
								    errno;
	}
	return 0;
}

static void unmark(int fd)
{
	int saved = errno;

	lock_op(fd, F_OFD_SETLK, F_UNLCK, 0, SHARE_BYTES);
	errno = saved;
}

/* Sleep a random time below 25 us << @attempt, at most about 2 ms. */
static void back_off(int fd, int attempt)
{
	struct timespec now, ts = { 0, 0 };
	unsigned long x, cap = 25000UL << (attempt < 7 ? attempt : 7);

	clock_gettime(CLOCK_MONOTONIC, &now);
	x = (unsigned long)now.tv_nsec ^ ((unsigned long)getpid() << 16) ^
	    (unsigned long)fd * 2654435761UL;
	x ^= x >> 13;
	x *= 0x9E3779B1UL;
	x ^= x >> 15;
	ts.tv_nsec = (long)(x % cap);
	nanosleep(&ts, NULL);
}

static int valid(int fd, unsigned int access, unsigned int share)
{
	struct stat st;

	if ((access & ~7U) || (share & ~NAMEDSHM_SHARE_ALL))
		return EINVAL;
	if (fstat(fd, &st))
		return errno;
	if (!S_ISREG(st.st_mode))
		return EINVAL;
	return 0;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

NAMEDSHM_EXPORT int namedshm_share_check(int fd, unsigned int access,
					 unsigned int share)
{
	int err = valid(fd, access, share);

	if (!err)
		err = check(fd, access, share);
	return err ? fail(err) : 0;
}

NAMEDSHM_EXPORT int namedshm_share_unlock(int fd)
{
	/* (An O_PATH descriptor fails with EBADF here.) */
	if (lock_op(fd, F_OFD_SETLK, F_UNLCK, 0, SHARE_BYTES) < 0)
		return -1;
	return 0;
}

NAMEDSHM_EXPORT int namedshm_share_lock(int fd, unsigned int access,
					unsigned int share)
{
	int attempt, confirmed = 0, err = valid(fd, access, share);

	if (err)
		return fail(err);
	if (!access) /* nothing to register; only a mapping can conflict */
		return check(fd, access, share) ? fail(ETXTBSY) : 0;
	for (attempt = 0;; attempt++) {
		err = mark(fd, access, share);
		if (!err)
			err = check(fd, access, share);
		if (!err)
			return 0;
		unmark(fd);
		if (err != ETXTBSY || attempt + 1 >= SHARE_ATTEMPTS)
			return fail(err);
		/* A holder, or another open racing with this one? */
		err = check(fd, access, share);
		if (err && err != ETXTBSY)
			return fail(err);
		if (err && ++confirmed >= SHARE_CONFIRM)
			return fail(ETXTBSY);
		back_off(fd, attempt);
	}
}

/* Mark @fd as a read-write mapping object's description (base + 6). */
int namedshm_share_mark_mapping(int fd)
{
	return lock_op(fd, F_OFD_SETLK, F_RDLCK, MAPPED_WRITE, 1);
}
