// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's descriptor of /dev/namedshm.
 *
 * It is opened on first use and cached in dev_fd for the life of the
 * process: opening a region by name is then a single ioctl().  dev_fd goes
 * from -1 to a descriptor exactly once per winner of a compare-exchange;
 * it never goes back to -1, and a descriptor that lost a race is closed by
 * the thread that opened it, so racing first uses do not leak.
 *
 * The application may close the cached descriptor behind our back, and the
 * number may then be reused for one of its own files.  The ioctl() then
 * fails with EBADF, or (for a reused number) usually with ENOTTY, since no
 * other driver knows the namedshm commands; some drivers say EINVAL.  So
 * whenever the ioctl() fails with an error other than the everyday results
 * of an open (ENOENT, EEXIST, EACCES), the descriptor is checked: if it is
 * no longer the character device NAMEDSHM_LIB_DEVICE_PATH names, the stale
 * number is replaced by a fresh descriptor with a compare-exchange and the
 * ioctl() is retried once.  The stale number is never closed: it is not
 * ours any more.  The check costs two system calls on rare error paths
 * only; success costs one ioctl().
 *
 * A genuine error from the device is returned as it is, except ENOTTY (the
 * device does not know the command), which becomes ENODEV.  It must not
 * cause a reopen, or every such call would leak a descriptor.
 *
 * ABA: a reopen right after the application closed number N would often
 * get N again, and a second thread still holding stale N would then
 * replace (and leak) that good descriptor.  A fresh descriptor is therefore
 * moved off the stale number before it is published.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static _Atomic int dev_fd = -1;

/* Open the device; the result is never numbered @avoid. */
static int dev_open(int avoid)
{
	struct stat st;
	int fd, moved;

	fd = open(NAMEDSHM_LIB_DEVICE_PATH, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		/* No node, no driver behind the node: module not loaded. */
		if (errno == ENOENT || errno == ENXIO || errno == ENODEV ||
		    errno == ENOTDIR)
			errno = ENODEV;
		return -1;
	}
	if (fstat(fd, &st) || !S_ISCHR(st.st_mode)) {
		close(fd);
		errno = ENODEV;
		return -1;
	}
	if (fd == avoid) {
		/* Failure (EMFILE) only brings back the unlikely ABA leak. */
		moved = fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
		if (moved >= 0) {
			close(fd);
			fd = moved;
		}
	}
	return fd;
}

/*
 * Replace @stale (-1 on first use) in dev_fd by a fresh descriptor.
 * Returns the descriptor now cached, ours or a racing thread's.
 */
static int dev_install(int stale)
{
	int fd = dev_open(stale);
	int cur = stale;

	if (fd < 0)
		return -1;
	if (atomic_compare_exchange_strong_explicit(&dev_fd, &cur, fd,
						    memory_order_acq_rel,
						    memory_order_acquire))
		return fd;
	/* Another thread installed one first; ours was never seen. */
	close(fd);
	return cur;
}

/* Is @fd still the device node (so that its error is genuine)? */
static bool dev_is_device(int fd)
{
	struct stat a, b;

	return !fstat(fd, &a) && S_ISCHR(a.st_mode) &&
	       !stat(NAMEDSHM_LIB_DEVICE_PATH, &b) && S_ISCHR(b.st_mode) &&
	       a.st_rdev == b.st_rdev;
}

long namedshm__dev_ioctl(unsigned long cmd, void *arg)
{
	int fd = atomic_load_explicit(&dev_fd, memory_order_acquire);
	long ret;
	int err;

	if (fd < 0) {
		fd = dev_install(-1);
		if (fd < 0)
			return -1;
	}
	ret = ioctl(fd, cmd, arg);
	if (ret >= 0)
		return ret;
	err = errno;
	/* Everyday answers, waits' included: no need to check the device. */
	if (err == ENOENT || err == EEXIST || err == EACCES ||
	    err == ETIMEDOUT || err == EINTR || err == EPROTOTYPE)
		return ret;
	/*
	 * Still the device: the error is the device's answer (EBADF too: a
	 * bad backing_fd).  Otherwise the descriptor went stale: reopen.
	 */
	if (dev_is_device(fd)) {
		errno = err == ENOTTY ? ENODEV : err;
		return -1;
	}

	fd = dev_install(fd);
	if (fd < 0)
		return -1;
	ret = ioctl(fd, cmd, arg);
	if (ret < 0 && errno == ENOTTY)
		errno = ENODEV;
	return ret;
}
