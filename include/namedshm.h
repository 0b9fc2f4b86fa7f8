/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnamedshm - user-space library for /dev/namedshm: named,
 * handle-counted shared memory regions with the lifetime of Win32 named
 * file-mapping objects.
 *
 * A region is created or opened by name and comes back as a file
 * descriptor, a "handle", that is mmap()ed like any shared memory file.
 * The name exists exactly as long as some handle of the region is open
 * (in any process); mappings keep the memory alive, not the name.  Close a
 * handle with close().
 *
 * Descriptor held by the library
 * ------------------------------
 * On first use the library opens NAMEDSHM_DEVICE_PATH (O_RDWR |
 * O_CLOEXEC) and keeps that descriptor open for the life of the process,
 * so that opening a region by name costs one ioctl().  The descriptor is
 * never closed by the library.  If the application closes it anyway (for
 * example with closefrom() after fork()), or closes it and the number is
 * reused for another file, the next call notices (the ioctl fails and the
 * descriptor is no longer the device), opens the device again and retries
 * once; the application's file that reused the number is left alone.
 * Should the new descriptor be closed too during that retry, the call
 * fails with EBADF.  Applications that close descriptors they do not own
 * while other threads are inside this library may make it leak one
 * descriptor.
 *
 * Thread safety and signals
 * -------------------------
 * All functions are thread-safe.  They take no locks, allocate no memory
 * and only make system calls (open, ioctl, fstat, stat, fcntl, close), so
 * they may also be called from signal handlers and after fork() in a
 * multi-threaded process.  Nothing is ever printed.  On failure they
 * return -1 and set errno as documented; on success errno is unspecified.
 *
 * Error for a missing device
 * --------------------------
 * When NAMEDSHM_DEVICE_PATH does not exist (module not loaded), has no
 * driver behind it, or is not a namedshm device, functions that need the
 * device fail with ENODEV.  This is deliberately distinct from ENOENT,
 * which always means "no region with that name".  EACCES or EPERM from
 * opening the device itself (a restrictive node mode, a device cgroup) are
 * passed through unchanged, as are EMFILE and ENFILE.
 *
 * Link with -lnamedshm (pkg-config: namedshm).  This header includes
 * the kernel interface, include/uapi/linux/namedshm.h in the source tree,
 * installed as <namedshm/linux/namedshm.h> (make install rewrites the
 * #include below to that path).
 */
#ifndef NAMEDSHM_H
#define NAMEDSHM_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "linux/namedshm.h"
#include "namedshm_share.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the library (not of the kernel ABI, NAMEDSHM_ABI_VERSION). */
#define NAMEDSHM_VERSION_MAJOR 2
#define NAMEDSHM_VERSION_MINOR 0
#define NAMEDSHM_VERSION_PATCH 0
#define NAMEDSHM_VERSION_STRING "2.0.0"

/*
 * ABI of the structures below.  struct namedshm_result, namedshm_stat and
 * namedshm_limits are frozen for the life of soname libnamedshm.so.2: they
 * are passed by pointer with no size, so they can neither grow nor shrink
 * (NAMEDSHM_NAME_MAX, which sizes namedshm_stat.name, is part of kernel ABI
 * version 1 and cannot change either).  Whatever needs more room comes as
 * a new function taking a structure whose first member is its size (sz),
 * as struct namedshm_open_opts does since 1.2; a changed namedshm_stat
 * would need soname 3.
 */

/**
 * struct namedshm_result - what namedshm_open_ex() found or made
 * @size:    the region's real size in bytes (a multiple of the page size)
 * @created: 1 if this call created the region, 0 if it already existed
 */
struct namedshm_result {
	uint64_t size;
	int created;
};

/**
 * struct namedshm_stat - what a handle refers to, see namedshm_stat()
 * @size:     size of the region in bytes (a multiple of the page size)
 * @handles:  open handles of the region, in all processes (open file
 *            descriptions: dup(), fork() and fd passing do not count)
 * @access:   NAMEDSHM_ACCESS_READ, plus NAMEDSHM_ACCESS_WRITE for a
 *            read-write handle
 * @uid:      owner (the creator's effective uid), in the caller's user
 *            namespace; the overflow uid if it has no mapping there
 * @gid:      group (the creator's effective gid), likewise
 * @mode:     permission bits (0777 mask)
 * @flags:    NAMEDSHM_REGION_NAMED, NAMEDSHM_REGION_RESERVE (created with
 *            NAMEDSHM_OPEN_RESERVE), NAMEDSHM_REGION_MAPPED (some mapping
 *            of the region exists right now, in any process)
 * @reserved: set to zero; later library versions may return more here
 * @name_len: length of the name in bytes, 0 for an unnamed region
 * @name:     the name, NUL-terminated (names never contain a NUL byte);
 *            the empty string for an unnamed region
 */
struct namedshm_stat {
	uint64_t size;
	uint32_t handles;
	uint32_t access;
	uid_t uid;
	gid_t gid;
	mode_t mode;
	uint32_t flags;
	uint64_t reserved[4];
	size_t name_len;
	char name[NAMEDSHM_NAME_MAX + 1];
};

/**
 * struct namedshm_limits - properties of the running kernel module
 * @abi_version:     NAMEDSHM_ABI_VERSION of the module
 * @name_max:        longest name in bytes the module accepts
 * @page_size:       the kernel's page size; region sizes are rounded up to it
 * @pad:             zero
 * @max_region_size: largest size in bytes a new region may have
 * @regions:         live regions right now, named and unnamed, system-wide
 * @committed:       bytes of all live anonymous regions, system-wide
 * @max_regions:     most live regions in all (creating more: ENOSPC)
 * @max_total_bytes: most bytes of anonymous regions in all, 0: no limit
 * @max_user_regions: most live regions one user may have created
 * @max_user_bytes:  most bytes of anonymous regions one user may have
 *                   created, 0: no limit
 *
 * The limits are the module's parameters (see README.md), which root may
 * change at any time.
 */
struct namedshm_limits {
	uint32_t abi_version;
	uint32_t name_max;
	uint32_t page_size;
	uint32_t pad;
	uint64_t max_region_size;
	uint64_t regions;
	uint64_t committed;
	uint64_t max_regions;
	uint64_t max_total_bytes;
	uint64_t max_user_regions;
	uint64_t max_user_bytes;
};

/**
 * namedshm_open() - create or open a region by name, like shm_open()
 * @name:  NUL-terminated name of 1..NAMEDSHM_NAME_MAX bytes (any bytes
 *         except NUL; '/' has no special meaning), or NULL for a new
 *         unnamed region, which only fd passing or fork() can share
 * @oflag: O_RDONLY or O_RDWR, optionally or'ed with O_CREAT, O_EXCL and
 *         O_CLOEXEC.  O_CREAT creates the region if the name does not
 *         exist; with O_EXCL as well, an existing name is an error.
 *         O_CLOEXEC is accepted and changes nothing: the handle is always
 *         close-on-exec, as with shm_open() (clear FD_CLOEXEC with fcntl()
 *         to pass it across execve()).
 * @mode:  permission bits (0777 mask) of a region this call creates, used
 *         as given: not masked by the umask.  Ignored when the region
 *         exists, but always checked (bits outside 0777: EINVAL).
 *         Access checks use owner/group/other as for System V
 *         shared memory; CAP_IPC_OWNER overrides them.
 * @size:  size in bytes of a region this call creates, rounded up to the
 *         page size by the kernel.  Ignored when the region exists, but
 *         with O_CREAT it is always checked (0: EINVAL, too large: EFBIG).
 *         Query the real size with namedshm_stat() or use
 *         namedshm_open_ex().
 *
 * A new region's memory is zero-filled.  Mapping and access follow the
 * handle's access mode: PROT_WRITE with MAP_SHARED needs O_RDWR.
 *
 * Context: All the EINVAL and ENAMETOOLONG cases below are detected before
 * the device is touched.  When several errors apply, which one is
 * reported is unspecified.
 *
 * Return: a new close-on-exec handle file descriptor, or -1 with errno:
 *
 * * EINVAL - O_WRONLY or O_RDWR|O_WRONLY in @oflag; a flag other than
 *   the ones above in @oflag; O_EXCL without O_CREAT; @mode has bits
 *   outside 0777; @name is NULL without O_CREAT; @name is ""; O_CREAT
 *   with @size 0
 * * ENAMETOOLONG - @name is longer than NAMEDSHM_NAME_MAX bytes
 * * ENOENT - no region has this name and O_CREAT was not given
 * * EEXIST - O_CREAT|O_EXCL and the name exists
 * * EACCES - the region exists and its mode denies the requested access
 * * EFBIG - O_CREAT with @size above the module's max_region_size
 *   (see namedshm_device_info())
 * * ENOMEM - out of memory, or the memory for the region cannot be
 *   committed (overcommit accounting)
 * * EMFILE, ENFILE - descriptor limits (for the handle, or for the
 *   library's device descriptor on first use)
 * * ENODEV - NAMEDSHM_DEVICE_PATH missing or not a namedshm device
 * * EACCES, EPERM - opening NAMEDSHM_DEVICE_PATH itself was refused
 */
int namedshm_open(const char *name, int oflag, mode_t mode, uint64_t size);

/**
 * namedshm_open_ex() - create or open a region, raw kernel interface
 * @name:     the name bytes, not NUL-terminated (@name_len counts them; a
 *            NUL byte among them is EINVAL), or NULL for a new unnamed
 *            region
 * @name_len: length of @name in bytes, 1..NAMEDSHM_NAME_MAX; 0 with a
 *            NULL @name
 * @flags:    NAMEDSHM_OPEN_* from <linux/namedshm.h>, passed to the kernel
 *            unchanged: CREATE, EXCL, WRITE (read-write handle, else
 *            read-only), NOCLOEXEC (the handle survives execve(); without
 *            it the handle is close-on-exec), RESERVE (a new region's
 *            memory is not committed up front, like MAP_NORESERVE),
 *            HUGE.  NAMEDSHM_OPEN_BACKING_FD is EINVAL here: this
 *            function has no descriptor to pass (namedshm_open_with()
 *            has)
 * @mode:     as for namedshm_open()
 * @size:     as for namedshm_open(), checked when NAMEDSHM_OPEN_CREATE is
 *            given
 * @res:      if not NULL, receives the real size of the region and whether
 *            this call created it; untouched on failure
 *
 * Context: Everything but the @flags bits unknown to this library is
 * checked before the device is touched; unknown bits go to the kernel,
 * which refuses the ones it does not know with EINVAL.
 *
 * Return: a new handle file descriptor, or -1 with errno:
 *
 * * EINVAL - @mode has bits outside 0777; NAMEDSHM_OPEN_EXCL without
 *   NAMEDSHM_OPEN_CREATE; NULL @name with a non-zero @name_len or without
 *   NAMEDSHM_OPEN_CREATE; non-NULL @name with @name_len 0; a NUL byte in
 *   the name; NAMEDSHM_OPEN_CREATE with @size 0; a flag the kernel does
 *   not know; NAMEDSHM_OPEN_BACKING_FD (since 1.2: before, descriptor 0
 *   was passed as the backing file)
 * * ENAMETOOLONG - @name_len greater than NAMEDSHM_NAME_MAX
 * * EFAULT - the kernel could not read @name
 * * all the other errors of namedshm_open(), with the same meaning
 */
int namedshm_open_ex(const void *name, size_t name_len, unsigned int flags,
		     mode_t mode, uint64_t size, struct namedshm_result *res);

/**
 * struct namedshm_open_opts - options of namedshm_open_with() (since 1.2)
 * @sz:         sizeof(struct namedshm_open_opts) as the caller knows it.
 *              Members that lie beyond @sz are taken as zero (and outputs
 *              beyond it are not written); bytes beyond the members this
 *              library knows must be zero (E2BIG otherwise), so a program
 *              built against a newer header runs on an older library as
 *              long as it uses no newer option.  Use NAMEDSHM_OPTS().
 * @flags:      NAMEDSHM_OPEN_* from <linux/namedshm.h>: CREATE, EXCL,
 *              WRITE, NOCLOEXEC, RESERVE, HUGE, BACKING_FD
 * @mode:       permission bits of a region this call creates, as for
 *              namedshm_open()
 * @size:       size in bytes of a region this call creates, as for
 *              namedshm_open()
 * @backing_fd: with NAMEDSHM_OPEN_BACKING_FD only: the regular file a
 *              region created by this call maps (see struct
 *              namedshm_open in <linux/namedshm.h>).  The flag with a
 *              negative @backing_fd, or with an @sz that does not cover
 *              it, is EINVAL: descriptor 0 is never taken by default.
 * @created:    out: 1 if this call created the region, 0 if it existed
 * @real_size:  out: the region's real size in bytes
 *
 * The outputs are written on success only.  The members have no interior
 * padding on 64-bit and i386 ABIs; new members are only ever appended.
 */
struct namedshm_open_opts {
	size_t sz;
	unsigned int flags;
	mode_t mode;
	uint64_t size;
	int backing_fd;
	int created;
	uint64_t real_size;
};

/*
 * NAMEDSHM_OPTS(namedshm_open_opts, o, .flags = ..., .size = ...) declares
 * the options variable @NAME of struct TYPE with sz set and every other
 * byte zero (padding included, with GNU C), then the given members.
 * In C++ (where g++ -Wextra warns about the members left out) write
 *   struct namedshm_open_opts o{}; o.sz = sizeof(o); o.flags = ...;
 */
#if defined(__GNUC__) && !defined(__cplusplus)
#define NAMEDSHM_OPTS(TYPE, NAME, ...)                                      \
	struct TYPE NAME = __extension__({                                  \
		memset(&NAME, 0, sizeof(struct TYPE));                      \
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };    \
	})
#else
#define NAMEDSHM_OPTS(TYPE, NAME, ...) \
	struct TYPE NAME = { .sz = sizeof(struct TYPE), __VA_ARGS__ }
#endif

/**
 * namedshm_open_with() - create or open a region, every option (since 1.2)
 * @name:     the name bytes as for namedshm_open_ex(), or NULL (with
 *            @name_len 0) for a new unnamed region
 * @name_len: length of @name in bytes
 * @opts:     the options and outputs, see struct namedshm_open_opts
 *
 * The complete form of namedshm_open_ex(): it also takes a backing file.
 * All the checks of namedshm_open_ex() apply; NAMEDSHM_OPEN_RESERVE,
 * NAMEDSHM_OPEN_HUGE and NAMEDSHM_OPEN_BACKING_FD need
 * NAMEDSHM_OPEN_CREATE (EINVAL, checked by the kernel).
 *
 * Return: a new handle file descriptor, or -1 with errno: those of
 * namedshm_open_ex(), and
 *
 * * EINVAL - @opts is NULL or its @sz is smaller than @flags needs;
 *   NAMEDSHM_OPEN_BACKING_FD with a negative or missing @backing_fd
 * * E2BIG - non-zero bytes past the members this library knows
 * * EBADF, EACCES, EPERM, ENODEV, EBUSY - the backing file was refused
 *   (see struct namedshm_open in <linux/namedshm.h>)
 */
int namedshm_open_with(const void *name, size_t name_len,
		       struct namedshm_open_opts *opts);

/**
 * namedshm_dup() - a new handle to the region of a handle (since 1.2)
 * @fd:    a handle
 * @flags: NAMEDSHM_DUP_WRITE (a read-write handle; @fd must be one),
 *         NAMEDSHM_DUP_NOCLOEXEC (the new handle survives execve())
 *
 * Unlike dup(), the result is a new handle (a new open file description,
 * counted in the region's handles) with its own access, never wider than
 * @fd's.  It always refers to @fd's region, whatever IPC namespace the
 * caller is in now and whatever the region's name resolves to.
 *
 * Return: the new handle, or -1 with errno: EINVAL (unknown @flags),
 * EACCES (NAMEDSHM_DUP_WRITE on a read-only handle), EBADF, ENOTTY (@fd is
 * not a handle, or the module predates NAMEDSHM_IOC_DUP), EMFILE, ENFILE.
 */
int namedshm_dup(int fd, unsigned int flags);

/**
 * namedshm_stat() - describe the region behind a handle
 * @fd: a handle from namedshm_open() or namedshm_open_ex() (or a dup() of
 *      one, or one received over a socket)
 * @st: filled in on success; untouched on failure
 *
 * Return: 0, or -1 with errno:
 *
 * * EBADF - @fd is not an open descriptor (or an O_PATH one)
 * * ENOTTY - @fd is not a namedshm handle (the device descriptor is not
 *   one either).  The library cannot tell a foreign file whose driver
 *   answers unknown ioctls with another error; that error is passed
 *   through.
 * * EFAULT - @st is NULL
 * * EOVERFLOW - the name is longer than NAMEDSHM_NAME_MAX (impossible with
 *   ABI version 1)
 */
int namedshm_stat(int fd, struct namedshm_stat *st);

/**
 * namedshm_device_info() - limits and counters of the kernel module
 * @out: filled in on success; untouched on failure
 *
 * Return: 0, or -1 with errno:
 *
 * * EFAULT - @out is NULL
 * * ENODEV - NAMEDSHM_DEVICE_PATH missing or not a namedshm device
 * * EACCES, EPERM, EMFILE, ENFILE - opening the device failed (first use)
 */
int namedshm_device_info(struct namedshm_limits *out);

/**
 * namedshm_fchmod() - change the permission bits of the region behind a handle
 * @fd:   any handle of the region (read-only ones too)
 * @mode: new permission bits, 0777 mask
 *
 * Only the region's owner, or a process with CAP_IPC_OWNER over the
 * region's IPC namespace, may.  Handles already open keep their access;
 * later opens are checked against the new mode.
 *
 * Return: 0, or -1 with errno: EPERM (not the owner), EINVAL (@mode has
 * bits outside 0777), EBADF, ENOTTY (@fd is not a handle).
 */
int namedshm_fchmod(int fd, mode_t mode);

/**
 * namedshm_fchown() - change the owner and group of the region behind a handle
 * @fd:    any handle of the region
 * @owner: new owner, or (uid_t)-1 to keep it
 * @group: new group, or (gid_t)-1 to keep it
 *
 * The same rights as namedshm_fchmod().  Unlike fchown(), the owner may
 * give the region away (as with System V IPC_SET).
 *
 * Return: 0, or -1 with errno: EPERM, EINVAL (an id without a mapping in
 * the caller's user namespace), EBADF, ENOTTY.
 */
int namedshm_fchown(int fd, uid_t owner, gid_t group);

/**
 * namedshm_version() - version of the library that is running
 *
 * Return: a static string, "MAJOR.MINOR.PATCH" ("1.2.0"); compare with
 * NAMEDSHM_VERSION_STRING to detect a header/library mismatch.  Never
 * fails.
 */
const char *namedshm_version(void);

/*
 * Named events, mutexes and semaphores
 * ------------------------------------
 * Sync objects share the name table with regions (a name that exists as
 * another kind is EPROTOTYPE), live while any handle exists, and are
 * handles (fds, close-on-exec) like regions; close() them.  @name, @oflag
 * (O_RDONLY: may wait only; O_RDWR: may also set/reset/pulse or post;
 * O_CREAT, O_EXCL, O_CLOEXEC) and @mode are as for namedshm_open();
 * the initial state only applies when this call creates the object.
 * Unlike the other functions, the first mutex operation or wait of a
 * thread makes the thread's owner token (pthread_once(),
 * pthread_setspecific()), so call them from threads, not signal handlers.
 *
 * A mutex is owned by a thread.  When the owner thread ends (returns or
 * calls pthread_exit()), or its process dies or execs, while owning it,
 * the mutex is abandoned: the next wait that takes it returns 1.
 */

/* @flags: NAMEDSHM_SYNC_MANUAL_RESET, NAMEDSHM_SYNC_SIGNALED. */
int namedshm_event_open(const char *name, int oflag, mode_t mode,
			unsigned int flags);
/* @owned (needs O_CREAT): a created mutex is owned by the caller. */
int namedshm_mutex_open(const char *name, int oflag, mode_t mode, int owned);
/* With O_CREAT: 0 <= @count <= @max, 1 <= @max <= INT32_MAX (EINVAL). */
int namedshm_sem_open(const char *name, int oflag, mode_t mode,
		      unsigned int count, unsigned int max);

/* 0, or -1 with errno: EPROTOTYPE (not an event), EACCES (O_RDONLY). */
int namedshm_event_set(int fd);
int namedshm_event_reset(int fd);
int namedshm_event_pulse(int fd);
/* Add @n; *@prev gets the count before.  EOVERFLOW past the maximum. */
int namedshm_sem_post(int fd, unsigned int n, unsigned int *prev);
/* Release once (ownership is recursive).  EPERM: not the owner. */
int namedshm_mutex_unlock(int fd);

/**
 * namedshm_wait() - wait for sync objects
 * @fds:        1..NAMEDSHM_WAIT_MAX handles of sync objects
 * @n:          their number
 * @flags:      0 (any one) or NAMEDSHM_WAIT_ALL (all at once, atomically)
 * @timeout_ns: relative timeout, 0 polls, negative waits forever
 * @index:      if not NULL, the index taken (wait-any), or 0 / the index
 *              of an abandoned mutex (wait-all)
 *
 * Return: 0 when satisfied, 1 when satisfied and a mutex taken had been
 * abandoned, or -1 with errno: ETIMEDOUT; EINTR (a signal; finite waits
 * only, and infinite ones whose handler lacks SA_RESTART); EINVAL (counts,
 * flags, the same object twice in a wait-all); EBADF; EPROTOTYPE (a
 * region handle).
 */
int namedshm_wait(const int *fds, unsigned int n, int flags,
		  int64_t timeout_ns, unsigned int *index);

#ifdef __cplusplus
}
#endif

#endif /* NAMEDSHM_H */
