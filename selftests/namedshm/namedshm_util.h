/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the namedshm selftests: raw ioctls on /dev/namedshm
 * (the tests talk to the kernel ABI directly, not through libnamedshm),
 * and readers for /proc/namedshm.
 */
#ifndef NAMEDSHM_UTIL_H
#define NAMEDSHM_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/namedshm.h>

#define NSH_RW (NAMEDSHM_OPEN_WRITE)
#define NSH_CREATE (NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_WRITE)

static inline int nsh_dev(void)
{
	return open(NAMEDSHM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

/*
 * Create or open @name (NULL: unnamed).  Returns the handle, or -errno.
 * @status and @size (in: requested, out: real) may be NULL.
 */
static inline int nsh_open_len(int dev, const void *name, uint32_t len,
			       uint32_t flags, uint32_t mode, uint64_t size,
			       uint32_t *status, uint64_t *real_size)
{
	struct namedshm_open args = {
		.argsz = sizeof(args),
		.flags = flags,
		.name = (uintptr_t)name,
		.name_len = len,
		.mode = mode,
		.size = size,
		.status = 0xdeadbeef,
	};
	int fd = ioctl(dev, NAMEDSHM_IOC_OPEN, &args);

	if (fd < 0)
		return -errno;
	if (status)
		*status = args.status;
	if (real_size)
		*real_size = args.size;
	return fd;
}

static inline int nsh_open(int dev, const char *name, uint32_t flags,
			   uint32_t mode, uint64_t size, uint32_t *status,
			   uint64_t *real_size)
{
	return nsh_open_len(dev, name, name ? strlen(name) : 0, flags, mode,
			    size, status, real_size);
}

static inline int nsh_region_info(int fd, struct namedshm_region_info *info,
				  char *name, uint32_t namesz)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->name = (uintptr_t)name;
	info->name_len = namesz;
	return ioctl(fd, NAMEDSHM_IOC_REGION_INFO, info) ? -errno : 0;
}

static inline int nsh_device_info(int dev, struct namedshm_device_info *info)
{
	memset(info, 0xa5, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(dev, NAMEDSHM_IOC_DEVICE_INFO, info) ? -errno : 0;
}

/* Live regions, named or not, as the module counts them; -1 on error. */
static inline long nsh_live_regions(void)
{
	struct namedshm_device_info info;
	int dev = nsh_dev();
	long n = -1;

	if (dev < 0)
		return -1;
	if (!nsh_device_info(dev, &info))
		n = (long)info.regions;
	close(dev);
	return n;
}

struct nsh_entry {
	unsigned long long size;
	unsigned int handles;
	int mapped;
	unsigned int uid, gid, mode;
	char kind[16]; /* mapping, event, mutex, semaphore */
	char name[4 * 1024 + 8]; /* escaped as in the listing */
};

/*
 * Look @escaped_name up in /proc/namedshm.  Returns 1 and fills @e when
 * found, 0 when not, -1 when the listing cannot be read or parsed.
 * With @escaped_name NULL, returns the number of entries.
 */
static inline int nsh_listing(const char *escaped_name, struct nsh_entry *e)
{
	static const char header[] = "size handles mapped uid gid mode kind name\n";
	char line[8192];
	struct nsh_entry tmp;
	int count = 0, found = 0;
	FILE *f = fopen("/proc/namedshm", "re");

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) || strcmp(line, header)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu %u %d %u %u %o %15s %4100s", &tmp.size,
			   &tmp.handles, &tmp.mapped, &tmp.uid, &tmp.gid,
			   &tmp.mode, tmp.kind, tmp.name) != 8) {
			fclose(f);
			return -1;
		}
		count++;
		if (escaped_name && !strcmp(tmp.name, escaped_name)) {
			found = 1;
			if (e)
				*e = tmp;
		}
	}
	fclose(f);
	return escaped_name ? found : count;
}

/*
 * A wait status as one number: the exit status of a child that exited,
 * 128 + the signal of one that was killed (as the shell reports them), so
 * that a child killed by a signal never passes as one that exited 0.
 */
static inline int nsh_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return -1;
}

/* Wait for the child @pid: its nsh_exit_code(), or -1 if waitpid fails. */
static inline int nsh_wait(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return nsh_exit_code(status);
}

/* A name unique to this process and @tag. */
static inline const char *nsh_name(const char *tag)
{
	static __thread char buf[128];

	snprintf(buf, sizeof(buf), "selftest-%s-%d", tag, (int)getpid());
	return buf;
}

/* A byte pattern derived from @seed, to write and to recognise. */
static inline void nsh_fill(void *p, size_t len, unsigned int seed)
{
	unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		c[i] = (unsigned char)(seed + i * 7);
}

static inline bool nsh_check(const void *p, size_t len, unsigned int seed)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i] != (unsigned char)(seed + i * 7))
			return false;
	return true;
}

static inline bool nsh_all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i])
			return false;
	return true;
}

/* Descriptors open in this process. */
static inline int nsh_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

/* Write @value to the file @path (sysfs, procfs, cgroupfs); 0 or -errno. */
static inline int nsh_write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, value, strlen(value)) == (ssize_t)strlen(value) ?
		      0 : -errno;
	close(fd);
	return ret;
}

/* Set the module parameter @name to @value; 0 or -errno. */
static inline int nsh_set_param(const char *name, unsigned long long value)
{
	char path[128], text[32];

	snprintf(path, sizeof(path), "/sys/module/namedshm/parameters/%s",
		 name);
	snprintf(text, sizeof(text), "%llu", value);
	return nsh_write_file(path, text);
}

/* A field of /proc/meminfo in kB, the per-CPU counters folded first. */
static inline long nsh_meminfo_kb(const char *key)
{
	size_t klen = strlen(key);
	char line[256];
	long v = -1;
	FILE *f;

	nsh_write_file("/proc/sys/vm/stat_refresh", "1");
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = atol(line + klen + 1);
	fclose(f);
	return v;
}

/* Create @name backed by the file @backing_fd, with argsz @argsz. */
static inline int nsh_open_backed(int dev, const char *name, uint32_t flags,
				  uint64_t size, int backing_fd, size_t argsz)
{
	struct namedshm_open args = {
		.argsz = (uint32_t)argsz,
		.flags = flags | NAMEDSHM_OPEN_BACKING_FD,
		.name = (uintptr_t)name,
		.name_len = name ? strlen(name) : 0,
		.mode = 0600,
		.size = size,
		.backing_fd = (uint32_t)backing_fd,
	};
	int fd = ioctl(dev, NAMEDSHM_IOC_OPEN, &args);

	return fd < 0 ? -errno : fd;
}

#endif /* NAMEDSHM_UTIL_H */
