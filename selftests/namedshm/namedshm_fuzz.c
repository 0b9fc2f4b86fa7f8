// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl and mmap fuzzer for /dev/namedshm and its handles: random
 * commands (ours and foreign), flag words, sizes, argsz values, names
 * and pointers (valid, NULL, unmapped, misaligned, straddling into an
 * unmapped page, kernel addresses), random mmap ranges and protections.
 * The kernel must answer every call with a result or a clean error; the
 * test VM fails the run on any kernel splat.  Afterwards, with every
 * handle closed, no region may be left alive.
 *
 * usage: namedshm_fuzz [-n CALLS] [-s SEED]
 * CALLS defaults to $NAMEDSHM_FUZZ_CALLS, else 20000.  The seed is printed
 * first, so a failing run replays with -s.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "../kselftest.h"
#include "namedshm_util.h"

#define MAX_HANDLES 64

static uint64_t rng;

static void tick(int sig)
{
}

static long page;
static char *buf;	/* a page of arguments, followed by an unmapped page */
static char *hole;	/* an unmapped page */

static uint64_t next(void)
{
	/* splitmix64 */
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t pick(const uint64_t *v, size_t n)
{
	return v[next() % n];
}

static uint64_t any_pointer(void)
{
	static const uint64_t kernel[] = {
		0xffff888000000000ULL, 0xffffffff81000000ULL,
		0xffffc90000000000ULL, 0xfffffffffffff000ULL,
		0x0000800000000000ULL, 8, 1,
	};

	switch (next() % 8) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)hole + next() % page;
	case 2:
		/* Straddles into the unmapped page after buf. */
		return (uintptr_t)buf + page - 1 - next() % 16;
	case 3:
		return pick(kernel, sizeof(kernel) / sizeof(kernel[0]));
	case 4:
		return next();
	default:
		return (uintptr_t)buf + next() % 256;
	}
}

static uint32_t any_u32(void)
{
	static const uint64_t v[] = { 0, 1, 2, 3, 7, 0x3f, 0x40, 0x1ff,
				      0x777, 0x1000, 0x7fffffff, 0x80000000,
				      0xffffffff, NAMEDSHM_NAME_MAX,
				      NAMEDSHM_NAME_MAX + 1 };

	return next() % 3 ? (uint32_t)pick(v, sizeof(v) / sizeof(v[0])) :
			    (uint32_t)next();
}

static uint64_t any_size(void)
{
	static const uint64_t v[] = { 0, 1, 4095, 4096, 4097, 65536,
				      1ULL << 30, 1ULL << 40, (1ULL << 40) + 1,
				      ~0ULL, ~0ULL - 4095, 1ULL << 63 };

	return next() % 4 ? pick(v, sizeof(v) / sizeof(v[0])) : next();
}

static uint32_t any_argsz(uint32_t real)
{
	static const uint64_t v[] = { 0, 4, 8, 39, 40, 47, 48, 56, 64, 4096,
				      4097, 0xffffffff };

	return next() % 2 ? real : (uint32_t)pick(v, sizeof(v) / sizeof(v[0]));
}

/*
 * What each call may fail with, as documented (README, namedshm.h,
 * mmap(2), mprotect(2), mremap(2)); anything else is a bug.
 */
enum call { C_OPEN, C_DEVICE_INFO, C_REGION_INFO, C_SET_PERM, C_ANY_IOCTL,
	    C_MMAP, C_MPROTECT, C_MREMAP, NR_CALLS };

static const char *const call_names[NR_CALLS] = {
	"NAMEDSHM_IOC_OPEN", "NAMEDSHM_IOC_DEVICE_INFO",
	"NAMEDSHM_IOC_REGION_INFO", "NAMEDSHM_IOC_SET_PERM", "any ioctl",
	"mmap", "mprotect", "mremap",
};

/* Sets of errno values (all below 128). */
#define E(x) ((unsigned __int128)1 << (x))
/* The ioctls' argument errors, common to all of them. */
#define E_ARGS (E(EINVAL) | E(EFAULT) | E(E2BIG))
/* NAMEDSHM_IOC_OPEN: the README's table. */
#define E_OPEN (E_ARGS | E(ENOENT) | E(EEXIST) | E(EACCES) |              \
		E(ENAMETOOLONG) | E(EFBIG) | E(ENOSPC) | E(ENOMEM) |        \
		E(EBADF) | E(ENODEV) | E(EBUSY) | E(EPERM) | E(EMFILE) |    \
		E(ENFILE))

static bool errno_documented(enum call c, bool on_device, int err)
{
	unsigned __int128 ok;

	if (err <= 0 || err >= 128)
		return false;
	switch (c) {
	case C_OPEN:
		ok = on_device ? E_OPEN : E(ENOTTY);
		break;
	case C_DEVICE_INFO:
		ok = on_device ? E_ARGS : E(ENOTTY);
		break;
	case C_REGION_INFO:
		ok = on_device ? E(ENOTTY) : E_ARGS;
		break;
	case C_SET_PERM:
		ok = on_device ? E(ENOTTY) : E_ARGS | E(EPERM);
		break;
	case C_ANY_IOCTL:
		/* Any of ours (NAMEDSHM_IOC_DUP too), or unknown. */
		ok = E_OPEN | E(ENOTTY);
		break;
	case C_MMAP:
		ok = E(EINVAL) | E(EACCES) | E(EPERM) | E(ENOMEM) |
		     E(EOVERFLOW);
		break;
	case C_MPROTECT:
		ok = E(EINVAL) | E(EACCES) | E(ENOMEM);
		break;
	case C_MREMAP:
		ok = E(EINVAL) | E(EFAULT) | E(ENOMEM);
		break;
	default:
		return false;
	}
	return (ok & E(err)) != 0;
}

/* A name: mostly one of a few, so that opens find what creates made. */
static void fill_name(struct namedshm_open *o)
{
	char *name = buf + 1024;
	unsigned int len;

	switch (next() % 6) {
	case 0:
		o->name = any_pointer();
		o->name_len = any_u32();
		return;
	case 1:
		/* Random bytes, NULs included now and then. */
		len = 1 + next() % 64;
		for (unsigned int i = 0; i < len; i++)
			name[i] = (char)next();
		break;
	default:
		len = (unsigned int)snprintf(name, 32, "fuzz-%u",
					     (unsigned int)(next() % 5));
		break;
	}
	o->name = (uintptr_t)name;
	o->name_len = len;
}

int main(int argc, char **argv)
{
	unsigned long calls = 20000, i, ok = 0, failed = 0, undocumented = 0;
	unsigned long fd_errors = 0;
	const char *env = getenv("NAMEDSHM_FUZZ_CALLS");
	int handles[MAX_HANDLES], nh = 0, dev, opt, fd, j;
	uint64_t seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	void *maps[16] = { 0 };
	size_t maplen[16] = { 0 };
	long live;

	if (env)
		calls = strtoul(env, NULL, 0);
	while ((opt = getopt(argc, argv, "n:s:")) != -1) {
		if (opt == 'n')
			calls = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 0);
		else
			return 2;
	}
	rng = seed;
	page = sysconf(_SC_PAGESIZE);

	ksft_print_header();
	ksft_set_plan(2);
	ksft_print_msg("seed %llu, %lu calls (replay: namedshm_fuzz -n %lu -s %llu)\n",
		       (unsigned long long)seed, calls, calls,
		       (unsigned long long)seed);

	buf = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	hole = buf + page;
	munmap(hole, page);
	munmap(buf + 2 * page, page);
	dev = nsh_dev();
	if (dev < 0)
		ksft_exit_fail_msg("open: %s\n", strerror(errno));

	/*
	 * A fuzzed NAMEDSHM_IOC_WAIT can find real sync objects and a long
	 * timeout: a tick without SA_RESTART ends any such wait (EINTR).
	 */
	{
		struct sigaction sa = { .sa_handler = tick };
		struct itimerval it = { { 0, 50000 }, { 0, 50000 } };

		sigaction(SIGALRM, &sa, NULL);
		setitimer(ITIMER_REAL, &it, NULL);
	}

	/* Count what was really attempted: some draws find nothing to do. */
	for (i = 0; ok + failed < calls; i++) {
		unsigned int what = next() % 16;
		int target = nh && next() % 2 ? handles[next() % nh] : dev;
		unsigned long cmd = 0;
		enum call c;
		long ret;

		memset(buf, 0, 1024);
		if (what < 6) {
			/* NAMEDSHM_IOC_OPEN, mostly well-formed. */
			struct namedshm_open *o = (void *)buf;

			o->argsz = any_argsz(sizeof(*o));
			o->flags = next() % 3 ? (uint32_t)(next() & 0x7f) :
						any_u32();
			fill_name(o);
			if (next() % 5 == 0) {
				o->name = 0;
				o->name_len = next() % 2 ? 0 : any_u32();
			}
			o->mode = next() % 4 ? 0600 : any_u32();
			o->size = next() % 3 ? 1 + next() % (4 * page) :
					       any_size();
			o->pad = next() % 8 ? 0 : any_u32();
			o->backing_fd = next() % 2 ? (uint32_t)(next() % 8) :
						     any_u32();
			o->pad2 = next() % 8 ? 0 : any_u32();
			c = C_OPEN;
			ret = ioctl(target, NAMEDSHM_IOC_OPEN,
				    next() % 10 ? (void *)o :
						  (void *)(uintptr_t)any_pointer());
			if (ret >= 0) {
				if (nh < MAX_HANDLES) {
					handles[nh++] = (int)ret;
				} else {
					j = next() % nh;
					close(handles[j]);
					handles[j] = (int)ret;
				}
			}
		} else if (what < 8) {
			/* Info and permission ioctls with random contents. */
			static const unsigned long cmds[] = {
				NAMEDSHM_IOC_DEVICE_INFO,
				NAMEDSHM_IOC_REGION_INFO,
				NAMEDSHM_IOC_SET_PERM,
			};
			uint32_t *w = (void *)buf;

			for (j = 0; j < 24; j++)
				w[j] = next() % 3 ? 0 : any_u32();
			w[0] = any_argsz(96);
			if (next() % 2) {
				/* A name buffer for REGION_INFO. */
				uint64_t p = any_pointer();

				memcpy(buf + 40, &p, sizeof(p));
			}
			j = next() % 3;
			cmd = cmds[j];
			c = (enum call)(C_DEVICE_INFO + j);
			ret = ioctl(target, cmd,
				    next() % 8 ? (void *)buf :
						 (void *)(uintptr_t)any_pointer());
		} else if (what < 11) {
			/* Any command at all: ours with odd bits, or foreign. */
			cmd = next() % 2 ?
				      _IOC(next() % 4, NAMEDSHM_IOC_MAGIC,
					   next() % 0x20, next() % 0x400) :
				      (unsigned long)next();
			c = C_ANY_IOCTL;
			ret = ioctl(target, cmd, (void *)(uintptr_t)any_pointer());
		} else if (what < 14) {
			/* mmap a random range of a random handle. */
			int slot = next() % 16;
			size_t len = (1 + next() % 8) * page;
			int prot = (int)(next() % 8);

			if (!nh)
				continue;
			c = C_MMAP;
			if (maps[slot])
				munmap(maps[slot], maplen[slot]);
			maps[slot] = mmap(NULL, len, prot,
					  next() % 2 ? MAP_SHARED : MAP_PRIVATE,
					  handles[next() % nh],
					  (off_t)(next() % 8) * page);
			if (maps[slot] == MAP_FAILED) {
				maps[slot] = NULL;
				ret = -1;
			} else {
				maplen[slot] = len;
				if (prot & PROT_WRITE)
					((volatile char *)maps[slot])[0] = 1;
				else if (prot & PROT_READ)
					(void)((volatile char *)maps[slot])[0];
				ret = 0;
			}
		} else if (what < 15) {
			/* mprotect / mremap an existing mapping. */
			int slot = next() % 16;

			if (!maps[slot])
				continue;
			if (next() % 2) {
				c = C_MPROTECT;
				ret = mprotect(maps[slot], maplen[slot],
					       (int)(next() % 8));
			} else {
				size_t len = (1 + next() % 16) * page;
				void *p;

				c = C_MREMAP;
				p = mremap(maps[slot], maplen[slot], len,
						 MREMAP_MAYMOVE);

				ret = p == MAP_FAILED ? -1 : 0;
				if (p != MAP_FAILED) {
					maps[slot] = p;
					maplen[slot] = len;
				}
			}
		} else {
			/*
			 * Close a handle, or dup one: housekeeping, not calls
			 * of the module that can fail, so not counted.
			 */
			if (!nh)
				continue;
			j = next() % nh;
			if (next() % 2) {
				if (close(handles[j]))
					fd_errors++;
				handles[j] = handles[--nh];
			} else {
				fd = dup(handles[j]);
				if (fd < 0)
					fd_errors++;
				else if (nh < MAX_HANDLES)
					handles[nh++] = fd;
				else
					close(fd);
			}
			continue;
		}
		if (ret >= 0) {
			ok++;
			continue;
		}
		failed++;
		if (!errno_documented(c, target == dev, errno)) {
			if (undocumented++ < 20)
				ksft_print_msg("call %lu: %s (cmd %#lx) on %s: undocumented errno %d (%s)\n",
					       i, call_names[c], cmd,
					       target == dev ? "the device" :
							       "a handle",
					       errno, strerror(errno));
		}
	}

	for (j = 0; j < 16; j++)
		if (maps[j])
			munmap(maps[j], maplen[j]);
	for (j = 0; j < nh; j++)
		close(handles[j]);
	ksft_print_msg("%lu calls: %lu succeeded, %lu failed (%lu with an undocumented errno); %lu draws; %lu close/dup errors\n",
		       calls, ok, failed, undocumented, i, fd_errors);
	/*
	 * Most random calls are refused; about 2% succeed (0.5% at least:
	 * the success paths were exercised too).
	 */
	ksft_test_result(ok > calls / 200 && failed > calls / 50 &&
			 !undocumented && !fd_errors,
			 "successes and failures, each failure with an errno its call documents\n");
	close(dev);
	/* Whatever a random ioctl returned (NAMEDSHM_IOC_DUP: handles). */
	syscall(SYS_close_range, 3, ~0U, 0);
	live = nsh_live_regions();
	ksft_test_result(live == 0 && nsh_listing(NULL, NULL) == 0,
			 "nothing left alive after closing every handle (%ld)\n",
			 live);
	ksft_finished();
}
