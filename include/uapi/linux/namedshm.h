/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * namedshm: named, handle-counted shared memory regions with Win32
 * file-mapping lifetime.
 *
 * The misc device /dev/namedshm creates or opens regions by name.  Every
 * successful NAMEDSHM_IOC_OPEN returns a new file descriptor, a "handle",
 * as the ioctl's return value.  A region's name exists exactly as long as
 * one of its handles does; mappings keep the memory, not the name.
 *
 * Every argument structure starts with @argsz, which the caller sets to
 * sizeof() of the structure as it knows it (the VFIO convention).  The
 * kernel accepts any argsz of at least the first version's size; bytes the
 * kernel does not know must be zero (E2BIG otherwise), and it writes back
 * at most argsz bytes.  This is how the structures grow.
 *
 * All structures use __u32/__u64 only, have explicit padding and a size
 * that is a multiple of 8, so they have the same layout for 32-bit and
 * 64-bit callers.  Pointers travel as __u64.  Padding, reserved fields and
 * unknown flags must be zero (EINVAL).
 */
#ifndef _UAPI_LINUX_NAMEDSHM_H
#define _UAPI_LINUX_NAMEDSHM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Version of this interface, reported by NAMEDSHM_IOC_DEVICE_INFO. */
/* 1: regions; 2: sync objects (NAMEDSHM_OPEN_SIZE_VER2, TOKEN, WAIT). */
#define NAMEDSHM_ABI_VERSION 2

/* The device node, created by the module with mode 0666. */
#define NAMEDSHM_DEVICE_PATH "/dev/namedshm"

/* Longest name in bytes (no terminator is passed or counted). */
#define NAMEDSHM_NAME_MAX 1023

/* NAMEDSHM_IOC_OPEN flags */
#define NAMEDSHM_OPEN_CREATE (1U << 0) /* create the region if missing */
#define NAMEDSHM_OPEN_EXCL (1U << 1) /* with CREATE: EEXIST if present */
#define NAMEDSHM_OPEN_WRITE (1U << 2) /* read-write handle, else read-only */
#define NAMEDSHM_OPEN_NOCLOEXEC (1U << 3) /* handle survives execve() */
#define NAMEDSHM_OPEN_RESERVE (1U << 4) /* new region: no up-front commit */
#define NAMEDSHM_OPEN_BACKING_FD (1U << 5) /* new region: map backing_fd */
#define NAMEDSHM_OPEN_HUGE (1U << 6) /* new region: huge pages if possible */
#define NAMEDSHM_OPEN_GROW (1U << 7) /* new file region: extend the file */
#define NAMEDSHM_OPEN_FLAGS_MASK                                           \
	(NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_EXCL | NAMEDSHM_OPEN_WRITE | \
	 NAMEDSHM_OPEN_NOCLOEXEC | NAMEDSHM_OPEN_RESERVE |                 \
	 NAMEDSHM_OPEN_BACKING_FD | NAMEDSHM_OPEN_HUGE | NAMEDSHM_OPEN_GROW)

/*
 * struct namedshm_open.kind, struct namedshm_region_info.kind: what a
 * name or handle stands for.  All kinds share one namespace (per IPC
 * namespace); opening or creating a name that exists as another kind
 * fails with EPROTOTYPE ("wrong type"; Win32's ERROR_INVALID_HANDLE), and
 * so does a sync ioctl on a handle of the wrong kind.
 */
#define NAMEDSHM_KIND_MAPPING 0 /* a shared memory region (the default) */
#define NAMEDSHM_KIND_EVENT 1
#define NAMEDSHM_KIND_MUTEX 2
#define NAMEDSHM_KIND_SEMAPHORE 3

/* struct namedshm_open.sync_flags, for a sync object this call creates */
#define NAMEDSHM_SYNC_MANUAL_RESET (1U << 0) /* event: manual-reset */
#define NAMEDSHM_SYNC_SIGNALED (1U << 1) /* event: initially signaled */
#define NAMEDSHM_SYNC_OWNED (1U << 2) /* mutex: owned by the caller's token */
#define NAMEDSHM_SYNC_FLAGS_MASK                                \
	(NAMEDSHM_SYNC_MANUAL_RESET | NAMEDSHM_SYNC_SIGNALED | \
	 NAMEDSHM_SYNC_OWNED)

/* struct namedshm_open.status */
#define NAMEDSHM_STATUS_CREATED 1 /* a new region was created */
#define NAMEDSHM_STATUS_EXISTED 2 /* the name was found: existing region */

/**
 * struct namedshm_open - argument of NAMEDSHM_IOC_OPEN
 * @argsz:    in: sizeof(struct namedshm_open)
 * @flags:    in: NAMEDSHM_OPEN_*
 * @name:     in: pointer to the name bytes, or 0 for an unnamed region
 * @name_len: in: length of the name in bytes (1..NAMEDSHM_NAME_MAX, no NUL
 *            inside), 0 with @name == 0
 * @mode:     in: permission bits (0777 mask) of a region this call creates;
 *            not masked by the umask, ignored when the name exists
 * @size:     in: size in bytes of a region this call creates, rounded up to
 *            the page size; with NAMEDSHM_OPEN_CREATE it is checked (0:
 *            EINVAL, too large: EFBIG) but otherwise ignored when the name
 *            exists.  out: the region's real size
 * @status:   out: NAMEDSHM_STATUS_CREATED or NAMEDSHM_STATUS_EXISTED
 * @pad:      must be zero
 * @backing_fd: in, with NAMEDSHM_OPEN_BACKING_FD (which needs
 *            NAMEDSHM_OPEN_CREATE): a descriptor of a regular file that a
 *            region created by this call maps instead of anonymous shared
 *            memory.  The region holds the file open for its lifetime.
 *            The file must be open for reading (EACCES), and for writing
 *            if NAMEDSHM_OPEN_WRITE is given (EACCES); only regular files
 *            of shmem (memfd, tmpfs), ext2/3/4, XFS and Btrfs may back a
 *            region, anything else is refused with ENODEV; a region
 *            larger than the file rounded up to the page size is EINVAL,
 *            unless NAMEDSHM_OPEN_GROW is given: then a call that creates
 *            the region first extends the file to at least @size bytes
 *            (as fallocate(2) of its last byte through the caller's
 *            descriptor, with fallocate(2)'s errors but EDQUOT for a
 *            full filesystem; never shrinking a file that grew
 *            meanwhile; EPERM for a region that cannot be written),
 *            and a call that opens an existing name leaves the file
 *            alone (but for a create that loses a race for the name or
 *            fails later, which may leave it extended).
 *            A memfd that could still get new seals is
 *            refused with EBUSY (seal it with F_SEAL_SEAL first; files of
 *            tmpfs and memfds made without MFD_ALLOW_SEALING always are).
 *            The region is read-only if the file is not open for writing,
 *            is write-sealed (F_SEAL_WRITE, F_SEAL_FUTURE_WRITE), append-only
 *            or a swap file; NAMEDSHM_OPEN_WRITE on such a file is EPERM,
 *            and nobody ever gets a writable handle to such a region.  The
 *            file is not resized: the caller makes it large enough.  The
 *            descriptor is checked even when the name exists, and then
 *            not used.
 * @pad2:     must be zero
 *
 * NAMEDSHM_OPEN_HUGE asks that a new anonymous region be backed by
 * transparent huge pages: the module keeps a private tmpfs mount with
 * huge=within_size for such regions, and mappings of 2 MiB or more start
 * on a 2 MiB boundary.  Where the kernel has no transparent huge pages the
 * flag is accepted and the region uses normal pages; region info says
 * which (NAMEDSHM_REGION_HUGE).  With NAMEDSHM_OPEN_BACKING_FD it is
 * EINVAL.
 *
 * NAMEDSHM_OPEN_EXCL, NAMEDSHM_OPEN_RESERVE, NAMEDSHM_OPEN_HUGE and
 * NAMEDSHM_OPEN_BACKING_FD only mean something to a create: without
 * NAMEDSHM_OPEN_CREATE they are EINVAL.
 *
 * Mappings of a handle never reach past the region and are never
 * executable: PROT_EXEC is EPERM, mprotect() cannot add it later (EACCES),
 * mremap() cannot grow them, and remap_file_pages() stays inside the
 * region (EINVAL).  A mapping pins the module.  fstat() on a handle
 * reports the region's size, owner, group and mode (S_IFREG).
 *
 * Returns a new handle file descriptor, close-on-exec unless
 * NAMEDSHM_OPEN_NOCLOEXEC is given.
 *
 * @kind:     in: NAMEDSHM_KIND_*; needs NAMEDSHM_OPEN_SIZE_VER2.  For a
 *            sync object (event, mutex, semaphore) @size, @backing_fd and
 *            the region-only flags (RESERVE, HUGE, BACKING_FD) must be 0;
 *            NAMEDSHM_OPEN_WRITE asks for a handle that may change the
 *            object's state (set/reset/pulse an event, release a
 *            semaphore); every handle may wait, and ReleaseMutex needs
 *            no write access.  A name that exists as another kind is
 *            EPROTOTYPE.
 * @sync_flags: in: NAMEDSHM_SYNC_*, for a sync object this call creates;
 *            ignored (but checked) when the name exists, as Win32 ignores
 *            the initial state of an existing object.
 * @count:    in: semaphore: initial count (0..@max); else 0
 * @max:      in: semaphore: maximum count (1..INT32_MAX); else 0
 * @token_fd: in: with NAMEDSHM_SYNC_OWNED, the caller thread's owner
 *            token (NAMEDSHM_IOC_TOKEN); else -1 or 0 (ignored)
 * @pad3:     must be zero
 *
 * Sizes: NAMEDSHM_OPEN_SIZE_VER0 (40, up to @pad) is the first version;
 * @backing_fd needs NAMEDSHM_OPEN_SIZE_VER1 (48), the sync fields
 * NAMEDSHM_OPEN_SIZE_VER2 (72).
 */
struct namedshm_open {
	__u32 argsz;
	__u32 flags;
	__u64 name;
	__u32 name_len;
	__u32 mode;
	__u64 size;
	__u32 status;
	__u32 pad;
	__u32 backing_fd;
	__u32 pad2;
	__u32 kind;
	__u32 sync_flags;
	__u32 count;
	__u32 max;
	__s32 token_fd;
	__u32 pad3;
};

#define NAMEDSHM_OPEN_SIZE_VER0 40
#define NAMEDSHM_OPEN_SIZE_VER1 48
#define NAMEDSHM_OPEN_SIZE_VER2 72

/**
 * struct namedshm_device_info - argument of NAMEDSHM_IOC_DEVICE_INFO
 * @argsz:           in: sizeof(struct namedshm_device_info)
 * @abi_version:     out: NAMEDSHM_ABI_VERSION
 * @name_max:        out: longest name in bytes
 * @page_size:       out: the kernel's page size
 * @max_region_size: out: largest size a region may have, in bytes
 * @regions:         out: live regions, named and unnamed
 * @committed:       out: bytes of all live shmem regions
 * @max_regions:     out: most live regions in one IPC namespace
 * @max_total_bytes: out: most bytes of shmem regions in one IPC namespace,
 *                   0: no limit
 * @max_user_regions: out: most live regions created by one user
 * @max_user_bytes:  out: most bytes of shmem regions created by one
 *                   user, 0: no limit
 * @ns_regions:      out: live regions of the caller's IPC namespace
 * @ns_committed:    out: bytes of the caller's IPC namespace's shmem regions
 *
 * @regions and @committed count every IPC namespace.  @max_regions and
 * @max_total_bytes hold for each IPC namespace separately (compare them
 * with @ns_regions and @ns_committed), the user limits for each user
 * across all namespaces.  Bytes count regions whose memory is shmem:
 * anonymous regions and regions backed by a memfd or a tmpfs file.
 * Creating past a count or byte limit fails with ENOSPC.
 */
struct namedshm_device_info {
	__u32 argsz;
	__u32 abi_version;
	__u32 name_max;
	__u32 page_size;
	__u64 max_region_size;
	__u64 regions;
	__u64 committed;
	__u64 max_regions;
	__u64 max_total_bytes;
	__u64 max_user_regions;
	__u64 max_user_bytes;
	__u64 ns_regions;
	__u64 ns_committed;
};

/* struct namedshm_region_info.flags */
#define NAMEDSHM_REGION_NAMED (1U << 0) /* the region has a name */
#define NAMEDSHM_REGION_RESERVE (1U << 1) /* created without commit */
#define NAMEDSHM_REGION_MAPPED (1U << 2) /* some mapping exists */
#define NAMEDSHM_REGION_FILE (1U << 3) /* backed by a regular file */
#define NAMEDSHM_REGION_WRITABLE (1U << 4) /* read-write handles possible */
#define NAMEDSHM_REGION_HUGE (1U << 5) /* on the huge-page tmpfs mount */

/* struct namedshm_region_info.access */
#define NAMEDSHM_ACCESS_READ (1U << 0)
#define NAMEDSHM_ACCESS_WRITE (1U << 1)

/**
 * struct namedshm_region_info - argument of NAMEDSHM_IOC_REGION_INFO
 * @argsz:    in: sizeof(struct namedshm_region_info)
 * @flags:    out: NAMEDSHM_REGION_*
 * @size:     out: size in bytes
 * @handles:  out: open handles (open file descriptions) of the region
 * @access:   out: NAMEDSHM_ACCESS_* of this handle
 * @uid:      out: owner's user id, in the caller's user namespace
 * @gid:      out: owner's group id, in the caller's user namespace
 * @mode:     out: permission bits
 * @name_len: in: size of the buffer at @name; out: length of the name
 *            (0 for an unnamed region).  The name is copied, without a
 *            terminator, only when it fits; a larger length out says the
 *            buffer was too small.
 * @name:     in: buffer for the name, or 0
 * @kind:     in: must be zero; out: NAMEDSHM_KIND_* (was reserved: older
 *            kernels leave it 0, which is a mapping)
 * @pad:      must be zero
 * @reserved: must be zero
 */
struct namedshm_region_info {
	__u32 argsz;
	__u32 flags;
	__u64 size;
	__u32 handles;
	__u32 access;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 name_len;
	__u64 name;
	__u32 kind;
	__u32 pad;
	__u64 reserved;
};

/* struct namedshm_set_perm.flags: which fields to set */
#define NAMEDSHM_SET_UID (1U << 0)
#define NAMEDSHM_SET_GID (1U << 1)
#define NAMEDSHM_SET_MODE (1U << 2)
#define NAMEDSHM_SET_PERM_MASK \
	(NAMEDSHM_SET_UID | NAMEDSHM_SET_GID | NAMEDSHM_SET_MODE)

/**
 * struct namedshm_set_perm - argument of NAMEDSHM_IOC_SET_PERM
 * @argsz: in: sizeof(struct namedshm_set_perm)
 * @flags: in: NAMEDSHM_SET_*: the fields to change
 * @uid:   in: new owner, in the caller's user namespace (EINVAL if unmapped)
 * @gid:   in: new group, likewise
 * @mode:  in: new permission bits (0777 mask)
 * @pad:   must be zero
 *
 * Only the owner, or a holder of CAP_IPC_OWNER over the region's IPC
 * namespace, may change them (EPERM).  Handles already open keep their
 * access; later opens are checked against the new values.
 */
struct namedshm_set_perm {
	__u32 argsz;
	__u32 flags;
	__u32 uid;
	__u32 gid;
	__u32 mode;
	__u32 pad;
};

/* struct namedshm_dup.flags */
#define NAMEDSHM_DUP_WRITE (1U << 0) /* read-write: needs a read-write handle */
#define NAMEDSHM_DUP_NOCLOEXEC (1U << 1) /* the new handle survives execve() */
#define NAMEDSHM_DUP_FLAGS_MASK (NAMEDSHM_DUP_WRITE | NAMEDSHM_DUP_NOCLOEXEC)

/**
 * struct namedshm_dup - argument of NAMEDSHM_IOC_DUP
 * @argsz: in: sizeof(struct namedshm_dup)
 * @flags: in: NAMEDSHM_DUP_*
 *
 * Returns a new handle (a new open file description, counted in the
 * region's handles) to the region of the handle it is called on, whatever
 * IPC namespace the caller is in now and whether or not the name still
 * resolves to it.  The new handle is read-only unless NAMEDSHM_DUP_WRITE
 * is given, which needs a read-write handle (EACCES otherwise): access is
 * never widened, and the region's mode is not consulted (holding a handle
 * is the right).  Close-on-exec unless NAMEDSHM_DUP_NOCLOEXEC.
 */
struct namedshm_dup {
	__u32 argsz;
	__u32 flags;
};

/* struct namedshm_wait.flags */
#define NAMEDSHM_WAIT_ALL (1U << 0) /* all objects at once, else any one */
#define NAMEDSHM_WAIT_FLAGS_MASK NAMEDSHM_WAIT_ALL

/* Most objects one NAMEDSHM_IOC_WAIT takes (Win32 MAXIMUM_WAIT_OBJECTS). */
#define NAMEDSHM_WAIT_MAX 64

/* struct namedshm_wait.timeout: wait forever */
#define NAMEDSHM_WAIT_INFINITE (~(__u64)0)

/**
 * struct namedshm_wait - argument of NAMEDSHM_IOC_WAIT
 * @argsz:    in: sizeof(struct namedshm_wait)
 * @flags:    in: NAMEDSHM_WAIT_*
 * @objs:     in: pointer to an array of @count __s32 handle descriptors of
 *            sync objects (EBADF: not a handle; EPROTOTYPE: a mapping)
 * @count:    in: 1..NAMEDSHM_WAIT_MAX (EINVAL)
 * @token_fd: in: the calling thread's owner token (NAMEDSHM_IOC_TOKEN);
 *            needed when a mutex is among @objs (EINVAL), else ignored
 * @timeout:  in: relative timeout in nanoseconds, 0 polls,
 *            NAMEDSHM_WAIT_INFINITE waits forever
 * @index:    out: wait-any: the lowest index that was satisfied; wait-all:
 *            0, or the index of an abandoned mutex
 * @abandoned: out: 1 if a mutex acquired by this wait had been abandoned
 *
 * Waits until one object (wait-any) or all objects at once (with
 * NAMEDSHM_WAIT_ALL) are signaled and consumes them: an auto-reset event
 * is reset, a semaphore count taken, a mutex acquired (recursively).
 * Wait-all takes everything at once or nothing; the same object twice
 * in a wait-all is EINVAL.  Returns 0, or ETIMEDOUT (nothing consumed).
 * A signal ends an infinite wait with ERESTARTSYS (restarted as the
 * signal's SA_RESTART says) and a finite one with EINTR, for the caller
 * to wait again with what is left of its timeout.  EOVERFLOW: nothing
 * else is ready and one object is a mutex the caller owns 2^32 - 1
 * times (the wait could never succeed).  EFAULT: the argument cannot be
 * written back (probed before anything is consumed; a thread that unmaps
 * it during the wait loses what the wait consumed).  The wait holds
 * its own references to the objects, not to their handles: closing a
 * handle does not end it, and closing the last handle removes the name
 * at once even while a wait is blocked on the object.
 */
struct namedshm_wait {
	__u32 argsz;
	__u32 flags;
	__u64 objs;
	__u32 count;
	__s32 token_fd;
	__u64 timeout;
	__u32 index;
	__u32 abandoned;
};

/**
 * struct namedshm_sync_op - argument of the sync object ioctls
 * @argsz:    in: sizeof(struct namedshm_sync_op)
 * @flags:    in: must be zero
 * @count:    in: NAMEDSHM_IOC_SEM_RELEASE: how much to add (>= 1);
 *            zero for the others (EINVAL);
 *            out: NAMEDSHM_IOC_SYNC_READ: semaphore count or mutex
 *            recursion count
 * @token_fd: in: NAMEDSHM_IOC_MUTEX_RELEASE: the calling thread's token;
 *            ignored by the others
 * @prev:     out: the previous state: event signaled (0/1), semaphore
 *            count, mutex recursion count before the release
 * @max:      out: NAMEDSHM_IOC_SYNC_READ: semaphore maximum
 * @state:    out: NAMEDSHM_IOC_SYNC_READ: NAMEDSHM_STATE_*
 * @pad:      must be zero
 *
 * On a handle of an event: NAMEDSHM_IOC_EVENT_SET, _RESET, _PULSE (need
 * a write handle: EACCES).  Of a semaphore: NAMEDSHM_IOC_SEM_RELEASE
 * (write handle; EOVERFLOW past the maximum, nothing changed).  Of a
 * mutex: NAMEDSHM_IOC_MUTEX_RELEASE (any handle; EPERM if the caller's
 * thread and token do not own it).  Of any sync object:
 * NAMEDSHM_IOC_SYNC_READ.  Another kind is EPROTOTYPE.
 */
struct namedshm_sync_op {
	__u32 argsz;
	__u32 flags;
	__u32 count;
	__s32 token_fd;
	__u32 prev;
	__u32 max;
	__u32 state;
	__u32 pad;
};

/* struct namedshm_sync_op.state */
#define NAMEDSHM_STATE_SIGNALED (1U << 0) /* a wait would succeed now */
#define NAMEDSHM_STATE_MANUAL_RESET (1U << 1) /* event: manual-reset */
#define NAMEDSHM_STATE_OWNED (1U << 2) /* mutex: has an owner */
#define NAMEDSHM_STATE_ABANDONED (1U << 3) /* mutex: abandoned, unreported */

#define NAMEDSHM_IOC_MAGIC 0xD7

/* On /dev/namedshm: create or open a region; returns a handle fd. */
#define NAMEDSHM_IOC_OPEN _IOWR(NAMEDSHM_IOC_MAGIC, 0x00, struct namedshm_open)
/* On /dev/namedshm: limits and counters. */
#define NAMEDSHM_IOC_DEVICE_INFO \
	_IOWR(NAMEDSHM_IOC_MAGIC, 0x01, struct namedshm_device_info)
/* On a handle: what the handle refers to. */
#define NAMEDSHM_IOC_REGION_INFO \
	_IOWR(NAMEDSHM_IOC_MAGIC, 0x10, struct namedshm_region_info)
/* On a handle: change the region's owner, group or mode. */
#define NAMEDSHM_IOC_SET_PERM \
	_IOW(NAMEDSHM_IOC_MAGIC, 0x11, struct namedshm_set_perm)
/* On a handle: a new handle to the same region; returns its fd. */
#define NAMEDSHM_IOC_DUP _IOW(NAMEDSHM_IOC_MAGIC, 0x12, struct namedshm_dup)
/*
 * On /dev/namedshm: a new owner token for the calling thread; returns its
 * fd (always close-on-exec).  A mutex is owned by a (token, thread) pair.
 * Every close() of a token descriptor - by the thread at its exit, by
 * the kernel when the process dies or execs - abandons the mutexes the
 * closing process's threads own through that token; a forked child's
 * close of an inherited token abandons nothing of its parent's.
 */
#define NAMEDSHM_IOC_TOKEN _IO(NAMEDSHM_IOC_MAGIC, 0x02)
/* On /dev/namedshm: wait for sync objects. */
#define NAMEDSHM_IOC_WAIT _IOWR(NAMEDSHM_IOC_MAGIC, 0x03, struct namedshm_wait)
/* On a sync object's handle: see struct namedshm_sync_op. */
#define NAMEDSHM_IOC_EVENT_SET \
	_IOWR(NAMEDSHM_IOC_MAGIC, 0x20, struct namedshm_sync_op)
#define NAMEDSHM_IOC_EVENT_RESET \
	_IOWR(NAMEDSHM_IOC_MAGIC, 0x21, struct namedshm_sync_op)
#define NAMEDSHM_IOC_EVENT_PULSE \
	_IOWR(NAMEDSHM_IOC_MAGIC, 0x22, struct namedshm_sync_op)
#define NAMEDSHM_IOC_SEM_RELEASE \
	_IOWR(NAMEDSHM_IOC_MAGIC, 0x23, struct namedshm_sync_op)
#define NAMEDSHM_IOC_MUTEX_RELEASE \
	_IOWR(NAMEDSHM_IOC_MAGIC, 0x24, struct namedshm_sync_op)
#define NAMEDSHM_IOC_SYNC_READ \
	_IOWR(NAMEDSHM_IOC_MAGIC, 0x25, struct namedshm_sync_op)

#endif /* _UAPI_LINUX_NAMEDSHM_H */
