// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnamedshm native API: open regions by name, describe handles, query
 * the device.  See include/namedshm.h for the contract of each function.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"

static_assert(NAMEDSHM_NAME_MAX < UINT32_MAX, "name_len is a __u32");
static_assert(sizeof(struct namedshm_open) % 8 == 0, "uapi layout");
static_assert(sizeof(off_t) == 8, "build with -D_FILE_OFFSET_BITS=64");

static int fail(int err)
{
	errno = err;
	return -1;
}

/* Checks shared by the open calls, then the ioctl. */
static int open_region(const void *name, size_t len, unsigned int flags,
		       mode_t mode, uint64_t size, int backing_fd,
		       struct namedshm_result *res)
{
	struct namedshm_open args;
	long fd;

	/* The same checks as the kernel, in roughly its order. */
	if (mode & ~(mode_t)0777)
		return fail(EINVAL);
	if ((flags & NAMEDSHM_OPEN_EXCL) && !(flags & NAMEDSHM_OPEN_CREATE))
		return fail(EINVAL);
	/* Never let an unset descriptor (0: stdin) become the backing file. */
	if ((flags & NAMEDSHM_OPEN_BACKING_FD) && backing_fd < 0)
		return fail(EINVAL);
	if (!name) {
		if (len || !(flags & NAMEDSHM_OPEN_CREATE))
			return fail(EINVAL);
	} else if (!len) {
		return fail(EINVAL);
	} else if (len > NAMEDSHM_NAME_MAX) {
		return fail(ENAMETOOLONG);
	} else if (memchr(name, '\0', len)) {
		return fail(EINVAL);
	}
	if ((flags & NAMEDSHM_OPEN_CREATE) && !size)
		return fail(EINVAL);

	memset(&args, 0, sizeof(args));
	args.argsz = sizeof(args);
	args.flags = flags;
	args.name = (uintptr_t)name;
	args.name_len = (uint32_t)len;
	args.mode = (uint32_t)mode;
	args.size = size;
	if (flags & NAMEDSHM_OPEN_BACKING_FD)
		args.backing_fd = (uint32_t)backing_fd;

	fd = namedshm__dev_ioctl(NAMEDSHM_IOC_OPEN, &args);
	if (fd < 0)
		return -1;
	if (res) {
		res->size = args.size;
		res->created = args.status == NAMEDSHM_STATUS_CREATED;
	}
	return (int)fd;
}

NAMEDSHM_EXPORT int namedshm_open(const char *name, int oflag, mode_t mode,
				  uint64_t size)
{
	unsigned int flags = 0;
	size_t len = 0;

	switch (oflag & O_ACCMODE) {
	case O_RDONLY:
		break;
	case O_RDWR:
		flags |= NAMEDSHM_OPEN_WRITE;
		break;
	default: /* O_WRONLY: shared memory cannot be write-only */
		return fail(EINVAL);
	}
	/* O_CLOEXEC is accepted: the handle is close-on-exec anyway. */
	if (oflag & ~(O_ACCMODE | O_CREAT | O_EXCL | O_CLOEXEC))
		return fail(EINVAL);
	if (oflag & O_CREAT)
		flags |= NAMEDSHM_OPEN_CREATE;
	if (oflag & O_EXCL)
		flags |= NAMEDSHM_OPEN_EXCL;

	/* "" gives a non-NULL name of length 0: EINVAL, not unnamed. */
	if (name)
		len = strnlen(name, NAMEDSHM_NAME_MAX + 1);
	return open_region(name, len, flags, mode, size, -1, NULL);
}

NAMEDSHM_EXPORT int namedshm_open_ex(const void *name, size_t name_len,
				     unsigned int flags, mode_t mode,
				     uint64_t size,
				     struct namedshm_result *res)
{
	/* No descriptor to pass: see namedshm_open_with(). */
	if (flags & NAMEDSHM_OPEN_BACKING_FD)
		return fail(EINVAL);
	return open_region(name, name_len, flags, mode, size, -1, res);
}

/* End of member @m of struct namedshm_open_opts. */
#define OPTS_END(m)                                   \
	(offsetof(struct namedshm_open_opts, m) +     \
	 sizeof(((struct namedshm_open_opts *)0)->m))
/* Does the caller's @sz cover member @m? */
#define OPTS_HAS(o, m) ((o)->sz >= OPTS_END(m))
#define OPTS_GET(o, m, dflt) (OPTS_HAS(o, m) ? (o)->m : (dflt))

NAMEDSHM_EXPORT int namedshm_open_with(const void *name, size_t name_len,
				       struct namedshm_open_opts *opts)
{
	const size_t known = OPTS_END(real_size);
	struct namedshm_result res;
	unsigned int flags;
	int fd;

	if (!opts || !OPTS_HAS(opts, flags))
		return fail(EINVAL);
	/* A newer caller's options this library does not know must be 0. */
	if (opts->sz > known) {
		const unsigned char *p = (const unsigned char *)opts;

		for (size_t i = known; i < opts->sz; i++)
			if (p[i])
				return fail(E2BIG);
	}
	flags = opts->flags;
	if ((flags & NAMEDSHM_OPEN_BACKING_FD) && !OPTS_HAS(opts, backing_fd))
		return fail(EINVAL);
	fd = open_region(name, name_len, flags, OPTS_GET(opts, mode, 0),
			 OPTS_GET(opts, size, 0),
			 OPTS_GET(opts, backing_fd, -1), &res);
	if (fd < 0)
		return -1;
	if (OPTS_HAS(opts, created))
		opts->created = res.created;
	if (OPTS_HAS(opts, real_size))
		opts->real_size = res.size;
	return fd;
}

NAMEDSHM_EXPORT int namedshm_dup(int fd, unsigned int flags)
{
	struct namedshm_dup args;

	if (flags & ~(unsigned int)NAMEDSHM_DUP_FLAGS_MASK)
		return fail(EINVAL);
	memset(&args, 0, sizeof(args));
	args.argsz = sizeof(args);
	args.flags = flags;
	return ioctl(fd, NAMEDSHM_IOC_DUP, &args);
}

NAMEDSHM_EXPORT int namedshm_stat(int fd, struct namedshm_stat *st)
{
	struct namedshm_region_info info;
	char name[NAMEDSHM_NAME_MAX + 1];

	if (!st)
		return fail(EFAULT);

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	info.name = (uintptr_t)name;
	info.name_len = NAMEDSHM_NAME_MAX;
	if (ioctl(fd, NAMEDSHM_IOC_REGION_INFO, &info) < 0)
		return -1;
	if (info.name_len > NAMEDSHM_NAME_MAX)
		return fail(EOVERFLOW);

	memset(st, 0, offsetof(struct namedshm_stat, name));
	st->size = info.size;
	st->handles = info.handles;
	st->access = info.access;
	st->uid = info.uid;
	st->gid = info.gid;
	st->mode = info.mode;
	st->flags = info.flags;
	st->name_len = info.name_len;
	memcpy(st->name, name, info.name_len);
	st->name[info.name_len] = '\0';
	return 0;
}

NAMEDSHM_EXPORT int namedshm_device_info(struct namedshm_limits *out)
{
	struct namedshm_device_info info;

	if (!out)
		return fail(EFAULT);

	memset(&info, 0, sizeof(info));
	info.argsz = sizeof(info);
	if (namedshm__dev_ioctl(NAMEDSHM_IOC_DEVICE_INFO, &info) < 0)
		return -1;

	memset(out, 0, sizeof(*out));
	out->abi_version = info.abi_version;
	out->name_max = info.name_max;
	out->page_size = info.page_size;
	out->max_region_size = info.max_region_size;
	out->regions = info.regions;
	out->committed = info.committed;
	out->max_regions = info.max_regions;
	out->max_total_bytes = info.max_total_bytes;
	out->max_user_regions = info.max_user_regions;
	out->max_user_bytes = info.max_user_bytes;
	return 0;
}

static int set_perm(int fd, uint32_t flags, uid_t uid, gid_t gid,
		    mode_t mode)
{
	struct namedshm_set_perm args;

	memset(&args, 0, sizeof(args));
	args.argsz = sizeof(args);
	args.flags = flags;
	args.uid = (uint32_t)uid;
	args.gid = (uint32_t)gid;
	args.mode = (uint32_t)mode;
	if (!flags)
		return 0;
	return ioctl(fd, NAMEDSHM_IOC_SET_PERM, &args) ? -1 : 0;
}

NAMEDSHM_EXPORT int namedshm_fchmod(int fd, mode_t mode)
{
	if (mode & ~(mode_t)0777)
		return fail(EINVAL);
	return set_perm(fd, NAMEDSHM_SET_MODE, 0, 0, mode);
}

NAMEDSHM_EXPORT int namedshm_fchown(int fd, uid_t owner, gid_t group)
{
	uint32_t flags = 0;

	if (owner != (uid_t)-1)
		flags |= NAMEDSHM_SET_UID;
	if (group != (gid_t)-1)
		flags |= NAMEDSHM_SET_GID;
	/* Like fchown(fd, -1, -1): a valid no-op, but fd must be a handle. */
	if (!flags) {
		struct namedshm_stat st;

		return namedshm_stat(fd, &st);
	}
	return set_perm(fd, flags, owner, group, 0);
}

NAMEDSHM_EXPORT const char *namedshm_version(void)
{
	return NAMEDSHM_VERSION_STRING;
}
