/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnamedshm: Windows share modes for files, held by the kernel.
 * Included by <namedshm.h>; not meant to be included on its own.
 *
 * Windows lets every open of a file name the access it wants and the
 * sharing it allows; an open that conflicts with the opens already there
 * fails (ERROR_SHARING_VIOLATION).  CreateFileForMapping (<cemapping.h>)
 * follows that rule, and these functions give native programs the same
 * registrations, so that native and CE opens see each other.
 *
 * The rule.  A registration is an access (read, write, delete) and a
 * share mode (the accesses others may have).  A new registration on a
 * file - the same device and inode, whatever path or mount namespace
 * reached it - succeeds only if, against every registration already
 * there on another open file description, the existing access is in the
 * new share mode and the new access is in the existing share mode.  An
 * access of 0 registers nothing and conflicts with no other open.  (The
 * CE layer's read-write mapping objects also register: they demand
 * NAMEDSHM_SHARE_WRITE of every later registration, access 0 included,
 * as Windows' sections do.)
 *
 * Where it lives.  A registration is a set of open-file-description
 * locks (F_OFD_SETLK, shared read locks) on single bytes at the very top
 * of the file's offset range, NAMEDSHM_SHARE_LOCK_BASE and the 6 bytes
 * after it: "has read / write / delete access", "denies read / write /
 * delete" and "a read-write mapping object exists".  The kernel holds
 * them, for every user and namespace that can reach the inode, and drops
 * them when the last descriptor of the open
 * file description is closed - by close(), or by the death of the
 * process - so a crashed holder never leaves a file locked.  dup(),
 * fork() and SCM_RIGHTS share the description and so the registration.
 *
 * Limits.  The rule binds the opens that register through this library,
 * not a process that just calls open(2): Linux has no mandatory share
 * modes (Wine and Samba have the same limit).  A whole-file POSIX or OFD
 * lock (l_len = 0) that another program holds on the same file covers
 * these bytes: a whole-file write lock makes every registration that
 * needs a lock or a check fail with ETXTBSY while it is held, a whole-file
 * read lock may do so for registrations that check for it, and while a
 * registration exists a whole-file write lock (F_SETLK, lockf(F_TLOCK, 0)
 * from 0) fails with EAGAIN (F_SETLKW waits).  flock(2) locks are a
 * separate kind and do not interact (except on NFS, which emulates them
 * with byte-range locks).
 *
 * The functions are thread-safe and async-signal-safe (they only call
 * fcntl(), clock_gettime() and nanosleep()).
 */
#ifndef NAMEDSHM_SHARE_H
#define NAMEDSHM_SHARE_H

#ifdef __cplusplus
extern "C" {
#endif

/* The access a registration records (what the opener does with the file). */
#define NAMEDSHM_SHARE_ACCESS_READ 0x1U
#define NAMEDSHM_SHARE_ACCESS_WRITE 0x2U
#define NAMEDSHM_SHARE_ACCESS_DELETE 0x4U

/* The sharing it allows; the values of Windows' FILE_SHARE_*. */
#define NAMEDSHM_SHARE_READ 0x1U
#define NAMEDSHM_SHARE_WRITE 0x2U
#define NAMEDSHM_SHARE_DELETE 0x4U
#define NAMEDSHM_SHARE_ALL 0x7U

/* First byte of the registration locks (7 bytes: ..._BASE + 0 .. + 6). */
#define NAMEDSHM_SHARE_LOCK_BASE 0x7fffffffffffff00LL

/**
 * namedshm_share_lock() - register an access and share mode for a file
 * @fd:     an open descriptor of a regular file, opened for reading
 *          (O_RDONLY or O_RDWR: the registration is a set of read locks)
 * @access: NAMEDSHM_SHARE_ACCESS_* the holder of @fd uses, or 0
 * @share:  NAMEDSHM_SHARE_* the holder allows others, 0 for none
 *
 * The registration belongs to @fd's open file description and lasts until
 * namedshm_share_unlock() or the last close of that description (process
 * death included).  Registering again on the same description adds to
 * what it holds; a description never conflicts with itself.  With
 * @access 0 nothing is registered: the call only checks (see above).
 *
 * Concurrent conflicting registrations never both succeed; when two race
 * the library backs off and retries, so that one of them normally wins.
 *
 * Return: 0, or -1 with errno:
 *
 * * ETXTBSY - sharing violation: the registration conflicts with one on
 *   another description of the same file (ERROR_SHARING_VIOLATION)
 * * EINVAL - unknown bits in @access or @share; @fd is not a regular file
 * * EBADF - @fd is not open, is an O_PATH descriptor, or is not open for
 *   reading
 * * ENOLCK - the kernel's lock table is full; other errors of fcntl()
 *   locking (a filesystem without locks) are passed through
 *
 * On failure the description holds no registration (one it held before
 * the call is dropped as well).
 */
int namedshm_share_lock(int fd, unsigned int access, unsigned int share);

/**
 * namedshm_share_check() - would a registration succeed right now?
 * @fd, @access, @share: as for namedshm_share_lock()
 *
 * Tests without registering; the answer may be stale at once.  Useful
 * for a descriptor opened for writing only, which cannot hold a
 * registration.
 *
 * Return: 0 (no conflict), or -1 with errno: ETXTBSY (a conflict),
 * EINVAL, EBADF, or another fcntl() error.
 */
int namedshm_share_check(int fd, unsigned int access, unsigned int share);

/**
 * namedshm_share_unlock() - drop the registration of a description
 * @fd: a descriptor of the description
 *
 * Return: 0 (also when nothing was registered), or -1 with errno EBADF.
 */
int namedshm_share_unlock(int fd);

#ifdef __cplusplus
}
#endif

#endif /* NAMEDSHM_SHARE_H */
