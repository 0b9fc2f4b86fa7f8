// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnamedshm: named events, mutexes and semaphores, and waits on them
 * (the native API of <namedshm.h>), and the per-thread owner token that
 * the CE layer shares.
 *
 * The token: the kernel records a mutex's owner as (token, thread).  A
 * thread gets its token, a close-on-exec fd, on its first mutex
 * operation; a pthread key's destructor closes it when the thread
 * ends, which abandons the mutexes the thread still owns.  A dying
 * process closes its tokens in the kernel.  Unlike the rest of the
 * native API, the first mutex operation of a thread therefore calls
 * pthread_once() and pthread_setspecific().
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "internal.h"

static pthread_key_t token_key;
static pthread_once_t token_once = PTHREAD_ONCE_INIT;
static bool token_key_ok;
static _Thread_local int token_fd = -1;

/* Thread exit: closing the token abandons this thread's mutexes. */
static void token_destroy(void *p)
{
	(void)p;
	if (token_fd >= 0) {
		close(token_fd);
		token_fd = -1;
	}
}

static void token_init(void)
{
	token_key_ok = !pthread_key_create(&token_key, token_destroy);
}

int namedshm__token_peek(void)
{
	return token_fd;
}

int namedshm__token(void)
{
	long fd;

	if (token_fd >= 0)
		return token_fd;
	pthread_once(&token_once, token_init);
	if (!token_key_ok) {
		errno = ENOMEM;
		return -1;
	}
	fd = namedshm__dev_ioctl(NAMEDSHM_IOC_TOKEN, NULL);
	if (fd < 0)
		return -1;
	/* Any non-NULL value makes the destructor run. */
	if (pthread_setspecific(token_key, (void *)1)) {
		close((int)fd);
		errno = ENOMEM;
		return -1;
	}
	token_fd = (int)fd;
	return token_fd;
}

static int fail(int err)
{
	errno = err;
	return -1;
}

/* oflag of namedshm_open() to NAMEDSHM_OPEN_* flags, or -1. */
static int open_flags(int oflag, unsigned int *flags)
{
	*flags = 0;
	switch (oflag & O_ACCMODE) {
	case O_RDONLY:
		break;
	case O_RDWR:
		*flags |= NAMEDSHM_OPEN_WRITE;
		break;
	default:
		return fail(EINVAL);
	}
	if (oflag & ~(O_ACCMODE | O_CREAT | O_EXCL | O_CLOEXEC))
		return fail(EINVAL);
	if (oflag & O_CREAT)
		*flags |= NAMEDSHM_OPEN_CREATE;
	if (oflag & O_EXCL)
		*flags |= NAMEDSHM_OPEN_EXCL;
	return 0;
}

static int sync_open(const char *name, int oflag, mode_t mode, uint32_t kind,
		     uint32_t sync_flags, uint32_t count, uint32_t max)
{
	struct namedshm_open a;
	unsigned int flags;
	size_t len = 0;

	if (open_flags(oflag, &flags))
		return -1;
	if (name) {
		len = strnlen(name, NAMEDSHM_NAME_MAX + 1);
		if (!len)
			return fail(EINVAL);
		if (len > NAMEDSHM_NAME_MAX)
			return fail(ENAMETOOLONG);
	} else if (!(flags & NAMEDSHM_OPEN_CREATE)) {
		return fail(EINVAL);
	}
	if (mode & ~0777U)
		return fail(EINVAL);
	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	a.flags = flags;
	a.name = (uintptr_t)name;
	a.name_len = (uint32_t)len;
	a.mode = mode;
	a.kind = kind;
	a.sync_flags = sync_flags;
	a.count = count;
	a.max = max;
	a.token_fd = -1;
	if (sync_flags & NAMEDSHM_SYNC_OWNED) {
		a.token_fd = namedshm__token();
		if (a.token_fd < 0)
			return -1;
	}
	return (int)namedshm__dev_ioctl(NAMEDSHM_IOC_OPEN, &a);
}

NAMEDSHM_EXPORT int namedshm_event_open(const char *name, int oflag,
					mode_t mode, unsigned int flags)
{
	if (flags & ~(NAMEDSHM_SYNC_MANUAL_RESET | NAMEDSHM_SYNC_SIGNALED))
		return fail(EINVAL);
	return sync_open(name, oflag, mode, NAMEDSHM_KIND_EVENT, flags, 0, 0);
}

NAMEDSHM_EXPORT int namedshm_mutex_open(const char *name, int oflag,
					mode_t mode, int owned)
{
	if (owned && !(oflag & O_CREAT))
		return fail(EINVAL);
	return sync_open(name, oflag, mode, NAMEDSHM_KIND_MUTEX,
			 owned ? NAMEDSHM_SYNC_OWNED : 0, 0, 0);
}

NAMEDSHM_EXPORT int namedshm_sem_open(const char *name, int oflag,
				      mode_t mode, unsigned int count,
				      unsigned int max)
{
	if (!(oflag & O_CREAT)) {
		count = 0;
		max = 0;
	}
	return sync_open(name, oflag, mode, NAMEDSHM_KIND_SEMAPHORE, 0, count,
			 max);
}

static int sync_op(int fd, unsigned long cmd, uint32_t count, int token,
		   unsigned int *prev)
{
	struct namedshm_sync_op op;

	memset(&op, 0, sizeof(op));
	op.argsz = sizeof(op);
	op.count = count;
	op.token_fd = token;
	if (ioctl(fd, cmd, &op) < 0)
		return -1;
	if (prev)
		*prev = op.prev;
	return 0;
}

NAMEDSHM_EXPORT int namedshm_event_set(int fd)
{
	return sync_op(fd, NAMEDSHM_IOC_EVENT_SET, 0, -1, NULL);
}

NAMEDSHM_EXPORT int namedshm_event_reset(int fd)
{
	return sync_op(fd, NAMEDSHM_IOC_EVENT_RESET, 0, -1, NULL);
}

NAMEDSHM_EXPORT int namedshm_event_pulse(int fd)
{
	return sync_op(fd, NAMEDSHM_IOC_EVENT_PULSE, 0, -1, NULL);
}

NAMEDSHM_EXPORT int namedshm_sem_post(int fd, unsigned int n,
				      unsigned int *prev)
{
	return sync_op(fd, NAMEDSHM_IOC_SEM_RELEASE, n, -1, prev);
}

NAMEDSHM_EXPORT int namedshm_mutex_unlock(int fd)
{
	int token = namedshm__token_peek();

	/* Without a token this thread never owned anything. */
	if (token < 0) {
		unsigned int prev;

		if (sync_op(fd, NAMEDSHM_IOC_SYNC_READ, 0, -1, &prev))
			return -1;
		return fail(EPERM);
	}
	return sync_op(fd, NAMEDSHM_IOC_MUTEX_RELEASE, 0, token, NULL);
}

NAMEDSHM_EXPORT int namedshm_wait(const int *fds, unsigned int n, int flags,
				  int64_t timeout_ns, unsigned int *index)
{
	struct namedshm_wait w;
	int token;

	if (flags & ~NAMEDSHM_WAIT_ALL)
		return fail(EINVAL);
	/* A token only costs the first wait of a thread: take it always. */
	token = namedshm__token();
	if (token < 0)
		return -1;
	memset(&w, 0, sizeof(w));
	w.argsz = sizeof(w);
	w.flags = (uint32_t)flags;
	w.objs = (uintptr_t)fds;
	w.count = n;
	w.token_fd = token;
	w.timeout = timeout_ns < 0 ? NAMEDSHM_WAIT_INFINITE :
				     (uint64_t)timeout_ns;
	if (namedshm__dev_ioctl(NAMEDSHM_IOC_WAIT, &w) < 0)
		return -1;
	if (index)
		*index = w.index;
	return w.abandoned ? 1 : 0;
}
