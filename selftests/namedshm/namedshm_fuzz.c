// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl and mmap fuzzer for /dev/namedshm and its handles: random
 * commands (ours and foreign), flag words, sizes, argsz values, names
 * and pointers (valid, NULL, unmapped, misaligned, straddling into an
 * unmapped page, kernel addresses), random mmap ranges and protections;
 * sync objects too: opens of every kind with random sync_flags, count,
 * max and token_fd, the event, semaphore, mutex and read ioctls on any
 * handle, waits over random descriptor arrays (handles of every kind,
 * tokens, the device, closed and random numbers) with random counts,
 * flags, tokens and timeouts of a few ms, and owner tokens made and
 * closed (abandoning what their mutexes' owners held).
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
#define MAX_TOKENS 8

static uint64_t rng;

static void tick(int sig)
{
	(void)sig;
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
	    C_MMAP, C_MPROTECT, C_MREMAP, C_SYNC_OP, C_WAIT, C_TOKEN,
	    NR_CALLS };

static const char *const call_names[NR_CALLS] = {
	"NAMEDSHM_IOC_OPEN", "NAMEDSHM_IOC_DEVICE_INFO",
	"NAMEDSHM_IOC_REGION_INFO", "NAMEDSHM_IOC_SET_PERM", "any ioctl",
	"mmap", "mprotect", "mremap", "a sync object ioctl",
	"NAMEDSHM_IOC_WAIT", "NAMEDSHM_IOC_TOKEN",
};

/*
 * Sets of errno values (all below 128), as two 64-bit words: 32-bit
 * builds have no __int128.  The E_* lists are comma-separated.
 */
struct eset {
	uint64_t w[2];
};

static struct eset eset_of(const int *list)
{
	struct eset e = { { 0, 0 } };

	for (; *list; list++)
		e.w[*list / 64] |= (uint64_t)1 << (*list % 64);
	return e;
}

#define ESET(...) eset_of((const int[]){ __VA_ARGS__, 0 })
/* The ioctls' argument errors, common to all of them. */
#define E_ARGS EINVAL, EFAULT, E2BIG
/*
 * NAMEDSHM_IOC_OPEN: the README's table, and EPROTOTYPE for a name of
 * another kind (namedshm.h), EDQUOT for GROW on a full filesystem.
 * EBADF also for a token_fd that is not
 * open (documented for backing_fd only; WAIT says EINVAL for any bad
 * token).
 */
#define E_OPEN                                                           \
	E_ARGS, ENOENT, EEXIST, EACCES, ENAMETOOLONG, EFBIG, ENOSPC, ENOMEM, \
		EBADF, ENODEV, EBUSY, EPERM, EMFILE, ENFILE, EPROTOTYPE, EDQUOT
/*
 * The sync object ioctls on a handle (struct namedshm_sync_op): the
 * wrong kind, a read-only handle, past a semaphore's maximum, a mutex not
 * owned; EBADF for a token_fd that is not open (see E_OPEN).
 */
#define E_SYNC_OP E_ARGS, EPROTOTYPE, EACCES, EOVERFLOW, EPERM, EBADF
/* NAMEDSHM_IOC_WAIT (struct namedshm_wait). */
#define E_WAIT E_ARGS, EBADF, EPROTOTYPE, ETIMEDOUT, EINTR, EOVERFLOW, ENOMEM
/* NAMEDSHM_IOC_TOKEN: a new descriptor. */
#define E_TOKEN ENOMEM, EMFILE, ENFILE

static bool errno_documented(enum call c, bool on_device, int err)
{
	struct eset ok;

	if (err <= 0 || err >= 128)
		return false;
	switch (c) {
	case C_OPEN:
		ok = on_device ? ESET(E_OPEN) : ESET(ENOTTY);
		break;
	case C_DEVICE_INFO:
		ok = on_device ? ESET(E_ARGS) : ESET(ENOTTY);
		break;
	case C_REGION_INFO:
		ok = on_device ? ESET(ENOTTY) : ESET(E_ARGS);
		break;
	case C_SET_PERM:
		ok = on_device ? ESET(ENOTTY) : ESET(E_ARGS, EPERM);
		break;
	case C_ANY_IOCTL:
		/* Any of ours (NAMEDSHM_IOC_DUP too), or unknown. */
		ok = ESET(E_OPEN, E_SYNC_OP, E_WAIT, E_TOKEN, ENOTTY);
		break;
	case C_SYNC_OP:
		ok = on_device ? ESET(ENOTTY) : ESET(E_SYNC_OP);
		break;
	case C_WAIT:
		ok = on_device ? ESET(E_WAIT) : ESET(ENOTTY);
		break;
	case C_TOKEN:
		ok = on_device ? ESET(E_TOKEN) : ESET(ENOTTY);
		break;
	case C_MMAP:
		ok = ESET(EINVAL, EACCES, EPERM, ENOMEM, EOVERFLOW);
		break;
	case C_MPROTECT:
		ok = ESET(EINVAL, EACCES, ENOMEM);
		break;
	case C_MREMAP:
		ok = ESET(EINVAL, EFAULT, ENOMEM);
		break;
	default:
		return false;
	}
	return (ok.w[err / 64] >> (err % 64)) & 1;
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
	case 2:
		/* Names mostly of sync objects. */
		len = (unsigned int)snprintf(name, 32, "fuzz-sync-%u",
					     (unsigned int)(next() % 4));
		break;
	default:
		len = (unsigned int)snprintf(name, 32, "fuzz-%u",
					     (unsigned int)(next() % 5));
		break;
	}
	o->name = (uintptr_t)name;
	o->name_len = len;
}

/* Owner tokens made so far (NAMEDSHM_IOC_TOKEN), and the handles. */
static int tokens[MAX_TOKENS], ntokens;
static int *fuzz_handles, *fuzz_nh;

/*
 * A descriptor argument: a token, a handle (of any kind), the device, a
 * number that is not open, -1, 0, or anything.
 */
static int any_fd(int dev)
{
	switch (next() % 8) {
	case 0:
	case 1:
		return ntokens ? tokens[next() % ntokens] : -1;
	case 2:
	case 3:
		return *fuzz_nh ? fuzz_handles[next() % *fuzz_nh] : dev;
	case 4:
		return dev;
	case 5:
		return next() % 2 ? -1 : 0;
	case 6:
		return 1000 + (int)(next() % 24); /* not open */
	default:
		return (int)any_u32();
	}
}

/*
 * A handle of a sync object, found by asking a few random handles their
 * kind (not counted as calls); else any handle, else the device.
 */
static int sync_handle(int dev)
{
	struct namedshm_region_info info;
	int tries, fd;

	if (!*fuzz_nh)
		return dev;
	for (tries = 0; tries < 8; tries++) {
		fd = fuzz_handles[next() % *fuzz_nh];
		if (!nsh_region_info(fd, &info, NULL, 0) &&
		    info.kind != NAMEDSHM_KIND_MAPPING)
			return fd;
	}
	return fd;
}

/* A wait timeout: mostly a poll or up to 3 ms, rarely infinite. */
static uint64_t any_timeout(void)
{
	switch (next() % 16) {
	case 0:
	case 1:
	case 2:
	case 3:
		return 0;
	case 4:
		/* Ended by the SIGALRM tick (EINTR) unless satisfied. */
		return NAMEDSHM_WAIT_INFINITE;
	default:
		return next() % 3000000;
	}
}

int main(int argc, char **argv)
{
	unsigned long calls = 20000, i, ok = 0, failed = 0, undocumented = 0;
	unsigned long fd_errors = 0, bad_results = 0, sync_opened = 0;
	unsigned long ok_by[NR_CALLS] = { 0 }, failed_by[NR_CALLS] = { 0 };
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
	fuzz_handles = handles;
	fuzz_nh = &nh;

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
		unsigned int what = next() % 22;
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
			if (next() % 2) {
				/* A sync object: event, mutex, semaphore. */
				o->kind = next() % 8 ? (uint32_t)(next() % 4) :
						       any_u32();
				o->sync_flags = next() % 4 ?
							(uint32_t)(next() % 8) :
							any_u32();
				o->count = next() % 2 ? 0 :
					   next() % 2 ? (uint32_t)(next() % 4) :
							any_u32();
				o->max = next() % 2 ? (uint32_t)(next() % 4) :
						      any_u32();
				/* Only a semaphore has a count and maximum. */
				if (o->kind != NAMEDSHM_KIND_SEMAPHORE &&
				    next() % 2) {
					o->count = 0;
					o->max = 0;
				}
				o->token_fd = any_fd(dev);
				o->pad3 = next() % 8 ? 0 : any_u32();
				/* Mostly no size, backing or region flags. */
				if (next() % 4) {
					o->size = 0;
					o->backing_fd = 0;
					o->flags &= NAMEDSHM_OPEN_CREATE |
						    NAMEDSHM_OPEN_EXCL |
						    NAMEDSHM_OPEN_WRITE |
						    NAMEDSHM_OPEN_NOCLOEXEC;
				}
			}
			c = C_OPEN;
			ret = ioctl(target, NAMEDSHM_IOC_OPEN,
				    next() % 10 ? (void *)o :
						  (void *)(uintptr_t)any_pointer());
			if (ret >= 0 && o->kind)
				sync_opened++;
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
					   next() % 0x30, next() % 0x400) :
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
		} else if (what != 15 && what < 18) {
			/* An event, semaphore, mutex or read ioctl. */
			static const unsigned long cmds[] = {
				NAMEDSHM_IOC_EVENT_SET,
				NAMEDSHM_IOC_EVENT_RESET,
				NAMEDSHM_IOC_EVENT_PULSE,
				NAMEDSHM_IOC_SEM_RELEASE,
				NAMEDSHM_IOC_MUTEX_RELEASE,
				NAMEDSHM_IOC_SYNC_READ,
			};
			struct namedshm_sync_op *op = (void *)buf;

			op->argsz = any_argsz(sizeof(*op));
			op->flags = next() % 8 ? 0 : any_u32();
			op->count = next() % 2 ? 0 :
				    next() % 2 ? (uint32_t)(1 + next() % 3) :
						 any_u32();
			op->token_fd = any_fd(dev);
			op->pad = next() % 8 ? 0 : any_u32();
			cmd = cmds[next() % 6];
			c = C_SYNC_OP;
			if (next() % 4)
				target = sync_handle(dev);
			ret = ioctl(target, cmd,
				    next() % 10 ? (void *)op :
						  (void *)(uintptr_t)any_pointer());
		} else if (what != 15 && what < 20) {
			/* NAMEDSHM_IOC_WAIT over random descriptors. */
			struct namedshm_wait *w = (void *)buf;
			int32_t *objs = (int32_t *)(buf + 512);
			void *arg;
			uint32_t n = next() % 8 ? 1 + next() % 6 :
				     next() % 2 ? (uint32_t)(next() % 70) :
						  any_u32();

			for (j = 0; j < 70 && (uint32_t)j < n; j++)
				objs[j] = next() % 8 ? sync_handle(dev) :
						       any_fd(dev);
			w->argsz = any_argsz(sizeof(*w));
			w->flags = next() % 2 ? 0 :
				   next() % 2 ? NAMEDSHM_WAIT_ALL : any_u32();
			w->objs = next() % 10 ? (uintptr_t)objs : any_pointer();
			w->count = n;
			w->token_fd = next() % 2 && ntokens ?
					      tokens[next() % ntokens] :
					      any_fd(dev);
			w->timeout = any_timeout();
			w->index = next() % 2 ? 0 : any_u32();
			w->abandoned = next() % 2 ? 0 : any_u32();
			arg = next() % 10 ? (void *)w :
					    (void *)(uintptr_t)any_pointer();
			cmd = NAMEDSHM_IOC_WAIT;
			c = C_WAIT;
			target = next() % 8 ? dev : target;
			ret = ioctl(target, cmd, arg);
			if (!ret && arg == (void *)w &&
			    (w->index >= n || w->abandoned > 1)) {
				ksft_print_msg("call %lu: wait succeeded with index %u of %u, abandoned %u\n",
					       i, w->index, n, w->abandoned);
				bad_results++;
			}
		} else if (what != 15 && what < 21) {
			/* A new owner token (on a handle: ENOTTY). */
			cmd = NAMEDSHM_IOC_TOKEN;
			c = C_TOKEN;
			target = next() % 4 ? dev : target;
			ret = ioctl(target, cmd);
			if (ret >= 0 && target != dev) {
				ksft_print_msg("call %lu: a token from a handle\n",
					       i);
				bad_results++;
			}
			if (ret >= 0) {
				if (ntokens < MAX_TOKENS) {
					tokens[ntokens++] = (int)ret;
				} else {
					j = next() % ntokens;
					/* Abandons what its owners held. */
					close(tokens[j]);
					tokens[j] = (int)ret;
				}
			}
		} else if (what == 21 && ntokens && next() % 2) {
			/* Close a token: housekeeping, not counted. */
			j = next() % ntokens;
			if (close(tokens[j]))
				fd_errors++;
			tokens[j] = tokens[--ntokens];
			continue;
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
			ok_by[c]++;
			continue;
		}
		failed++;
		failed_by[c]++;
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
	for (j = 0; j < ntokens; j++)
		close(tokens[j]);
	for (j = 0; j < NR_CALLS; j++)
		ksft_print_msg("  %s: %lu succeeded, %lu failed\n",
			       call_names[j], ok_by[j], failed_by[j]);
	ksft_print_msg("  (of the opens, %lu of a sync object)\n", sync_opened);
	ksft_print_msg("%lu calls: %lu succeeded, %lu failed (%lu with an undocumented errno); %lu draws; %lu close/dup errors; %lu impossible results\n",
		       calls, ok, failed, undocumented, i, fd_errors,
		       bad_results);
	/*
	 * Most random calls are refused; about 2% succeed (0.5% at least:
	 * the success paths were exercised too).
	 */
	ksft_test_result(ok > calls / 200 && failed > calls / 50 &&
			 !undocumented && !fd_errors && !bad_results,
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
