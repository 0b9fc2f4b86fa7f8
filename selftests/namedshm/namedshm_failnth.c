// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection sweep (needs CONFIG_FAULT_INJECTION_DEBUG_FS with
 * FAILSLAB and FAIL_PAGE_ALLOC): for create, open, mmap and the other
 * allocating operations, fail the 1st, 2nd, ... Nth allocation in turn
 * (/proc/thread-self/fail-nth) until the call succeeds without a fault.
 * Every failing step must return a clean error and leave the table as it
 * was: no region, no name, no count changed.  The sync operations are
 * swept too: creating an event, a mutex (owned) and a semaphore, opening
 * an existing event, making an owner token, and waits on one mutex, on
 * two objects (wait-any) and on three of three kinds (wait-all), after
 * each of which the objects must be as they were (a failed wait takes
 * nothing: the mutex stays free, the semaphore keeps its count).  kmemleak, run by the test VM
 * afterwards on the debug kernel, checks that nothing leaked on the way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../kselftest.h"
#include "namedshm_util.h"

#define DBG "/sys/kernel/debug"
#define MAX_STEPS 2000

static long page;
static int nth_fd;

/* Quiet, every allocation eligible, only through fail-nth. */
static int setup(void)
{
	static const char *const attrs[] = { DBG "/failslab",
					     DBG "/fail_page_alloc" };
	char path[128];
	unsigned int i;

	if (access(DBG "/failslab", F_OK))
		mount("debugfs", DBG, "debugfs", 0, NULL);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/verbose", attrs[i]);
		if (nsh_write_file(path, "0"))
			return -1;
		snprintf(path, sizeof(path), "%s/ignore-gfp-wait", attrs[i]);
		if (nsh_write_file(path, "N"))
			return -1;
		/* fail-nth alone decides; probability stays 0. */
		snprintf(path, sizeof(path), "%s/probability", attrs[i]);
		nsh_write_file(path, "0");
	}
	snprintf(path, sizeof(path), "%s/ignore-gfp-highmem", attrs[1]);
	nsh_write_file(path, "N");
	snprintf(path, sizeof(path), "%s/min-order", attrs[1]);
	nsh_write_file(path, "0");
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	return nth_fd < 0 ? -1 : 0;
}

static void arm(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(nth_fd, buf, len, 0) != len)
		ksft_exit_fail_msg("fail-nth: %s\n", strerror(errno));
}

/* Disarm; returns whether the armed fault was injected. */
static int disarm(void)
{
	char buf[16] = "";
	int left;

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		ksft_exit_fail_msg("fail-nth read: %s\n", strerror(errno));
	left = atoi(buf);
	arm(0);
	return left == 0;
}

struct state {
	long regions;
	int listed;
};

static void snapshot(struct state *s)
{
	s->regions = nsh_live_regions();
	s->listed = nsh_listing(NULL, NULL);
}

static int dev;
static int existing_fd, file_fd, token_fd, mutex_fd;
/* For the waits: an unsignaled and a signaled manual-reset event, a
 * semaphore of count 1 (max 1); and a named event to open. */
static int quiet_fd, manual_fd, sem_fd, event_fd;

enum op {
	CREATE, OPEN, CREATE_UNNAMED, CREATE_FILE, MMAP, CREATE_MUTEX, TOKEN,
	WAIT, CREATE_EVENT, CREATE_SEM, OPEN_EVENT, WAIT_ANY2, WAIT_ALL3, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"create a named region", "open an existing region",
	"create an unnamed region", "create a file-backed region",
	"mmap a handle", "create an owned named mutex", "make an owner token",
	"wait on a mutex", "create a named event", "create a named semaphore",
	"open an existing event", "wait for any of an event and a mutex",
	"wait for all of a mutex, a semaphore and an event",
};

/* A sync object: create (with @flags) or open; a handle or -errno. */
static long sync_open(const char *name, uint32_t flags, uint32_t kind,
		      uint32_t sync_flags, uint32_t count, uint32_t max)
{
	struct namedshm_open args = {
		.argsz = sizeof(args),
		.flags = flags,
		.name = (uintptr_t)name,
		.name_len = name ? strlen(name) : 0,
		.mode = 0600,
		.kind = kind,
		.sync_flags = sync_flags,
		.count = count,
		.max = max,
		.token_fd = -1,
	};
	long ret = ioctl(dev, NAMEDSHM_IOC_OPEN, &args);

	return ret < 0 ? -errno : ret;
}

/* Wait for @n of @fds (all, or any) with a poll; the index, or -errno. */
static long wait_objs(int *fds, uint32_t n, bool all)
{
	struct namedshm_wait w = {
		.argsz = sizeof(w),
		.flags = all ? NAMEDSHM_WAIT_ALL : 0,
		.objs = (uintptr_t)fds,
		.count = n,
		.token_fd = token_fd,
	};

	return ioctl(dev, NAMEDSHM_IOC_WAIT, &w) ? -errno : (long)w.index;
}

static long sync_op(int fd, unsigned long cmd, uint32_t count,
		    struct namedshm_sync_op *op)
{
	memset(op, 0, sizeof(*op));
	op->argsz = sizeof(*op);
	op->count = count;
	op->token_fd = token_fd;
	return ioctl(fd, cmd, op) ? -errno : 0;
}

/*
 * After a wait, failed or undone: the mutex free, the semaphore at 1,
 * the manual-reset event still signaled, the other one not.  Returns
 * what is wrong, or NULL.
 */
static const char *sync_state_wrong(void)
{
	struct namedshm_sync_op op;

	if (sync_op(mutex_fd, NAMEDSHM_IOC_SYNC_READ, 0, &op) ||
	    op.state & NAMEDSHM_STATE_OWNED || op.count)
		return "the mutex is owned";
	if (sync_op(sem_fd, NAMEDSHM_IOC_SYNC_READ, 0, &op) || op.count != 1)
		return "the semaphore's count changed";
	if (sync_op(manual_fd, NAMEDSHM_IOC_SYNC_READ, 0, &op) ||
	    !(op.state & NAMEDSHM_STATE_SIGNALED))
		return "the manual-reset event was reset";
	if (sync_op(quiet_fd, NAMEDSHM_IOC_SYNC_READ, 0, &op) ||
	    op.state & NAMEDSHM_STATE_SIGNALED)
		return "the unsignaled event is signaled";
	return NULL;
}

/* Returns >= 0 (a handle, or 0 for mmap) or -errno. */
static long do_op(enum op op, void **map)
{
	struct namedshm_open args = { .argsz = sizeof(args) };
	long ret;

	switch (op) {
	case CREATE:
		return nsh_open(dev, "failnth-new", NSH_CREATE | NAMEDSHM_OPEN_EXCL,
				0600, 4 * page, NULL, NULL);
	case OPEN:
		return nsh_open(dev, "failnth-old", NSH_RW, 0, 0, NULL, NULL);
	case CREATE_UNNAMED:
		return nsh_open(dev, NULL, NSH_CREATE, 0600, 4 * page, NULL,
				NULL);
	case CREATE_FILE:
		args.flags = NSH_CREATE | NAMEDSHM_OPEN_BACKING_FD;
		args.name = (uintptr_t)"failnth-file";
		args.name_len = strlen("failnth-file");
		args.mode = 0600;
		args.size = page;
		args.backing_fd = file_fd;
		ret = ioctl(dev, NAMEDSHM_IOC_OPEN, &args);
		return ret < 0 ? -errno : ret;
	case CREATE_MUTEX:
		args.argsz = sizeof(args);
		args.flags = NSH_CREATE | NAMEDSHM_OPEN_EXCL;
		args.name = (uintptr_t)"failnth-mutex";
		args.name_len = strlen("failnth-mutex");
		args.mode = 0600;
		args.kind = NAMEDSHM_KIND_MUTEX;
		args.sync_flags = NAMEDSHM_SYNC_OWNED;
		args.token_fd = token_fd;
		ret = ioctl(dev, NAMEDSHM_IOC_OPEN, &args);
		return ret < 0 ? -errno : ret;
	case TOKEN:
		ret = ioctl(dev, NAMEDSHM_IOC_TOKEN);
		return ret < 0 ? -errno : ret;
	case WAIT: {
		struct namedshm_wait w = {
			.argsz = sizeof(w),
			.objs = (uintptr_t)&mutex_fd,
			.count = 1,
			.token_fd = token_fd,
		};
		struct namedshm_sync_op op = {
			.argsz = sizeof(op),
			.token_fd = token_fd,
		};

		if (ioctl(dev, NAMEDSHM_IOC_WAIT, &w))
			return -errno;
		if (ioctl(mutex_fd, NAMEDSHM_IOC_MUTEX_RELEASE, &op))
			return -errno;
		*map = NULL;
		return 0;
	}
	case CREATE_EVENT:
		return sync_open("failnth-event", NSH_CREATE | NAMEDSHM_OPEN_EXCL,
				 NAMEDSHM_KIND_EVENT,
				 NAMEDSHM_SYNC_MANUAL_RESET |
					 NAMEDSHM_SYNC_SIGNALED,
				 0, 0);
	case CREATE_SEM:
		return sync_open("failnth-sem", NSH_CREATE | NAMEDSHM_OPEN_EXCL,
				 NAMEDSHM_KIND_SEMAPHORE, 0, 3, 7);
	case OPEN_EVENT:
		return sync_open("failnth-old-event", NSH_RW,
				 NAMEDSHM_KIND_EVENT, 0, 0, 0);
	case WAIT_ANY2: {
		/* The event is not signaled: the mutex (index 1) is taken. */
		int fds[2] = { quiet_fd, mutex_fd };
		struct namedshm_sync_op op;

		ret = wait_objs(fds, 2, false);
		*map = NULL;
		if (ret < 0)
			return ret;
		if (ret != 1)
			return -EPROTO;
		return sync_op(mutex_fd, NAMEDSHM_IOC_MUTEX_RELEASE, 0, &op);
	}
	case WAIT_ALL3: {
		int fds[3] = { mutex_fd, sem_fd, manual_fd };
		struct namedshm_sync_op op;

		ret = wait_objs(fds, 3, true);
		*map = NULL;
		if (ret < 0)
			return ret;
		if (ret != 0)
			return -EPROTO;
		ret = sync_op(mutex_fd, NAMEDSHM_IOC_MUTEX_RELEASE, 0, &op);
		if (!ret)
			ret = sync_op(sem_fd, NAMEDSHM_IOC_SEM_RELEASE, 1, &op);
		return ret;
	}
	case MMAP:
		*map = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED,
			    existing_fd, 0);
		/*
		 * No page is touched here: a failed allocation in a page
		 * fault is the OOM killer's business, not a clean error.
		 */
		return *map == MAP_FAILED ? -errno : 0;
	default:
		return -EINVAL;
	}
}

static int sweep(enum op op)
{
	struct state before, after;
	int n, injected, bad = 0;
	void *map = NULL;
	long ret;

	snapshot(&before);
	for (n = 1; n <= MAX_STEPS; n++) {
		arm(n);
		ret = do_op(op, &map);
		injected = disarm();
		if (ret < 0 && ret != -ENOMEM) {
			ksft_print_msg("%s, fault %d: unexpected error %ld\n",
				       op_names[op], n, ret);
			bad++;
		}
		if (ret >= 0) {
			if (op == MMAP)
				munmap(map, 4 * page);
			else if (op != WAIT && op != WAIT_ANY2 &&
				 op != WAIT_ALL3)
				close((int)ret);
		}
		if (op == WAIT || op == WAIT_ANY2 || op == WAIT_ALL3) {
			const char *wrong = sync_state_wrong();

			if (wrong) {
				ksft_print_msg("%s, fault %d: %s\n",
					       op_names[op], n, wrong);
				bad++;
			}
		}
		snapshot(&after);
		if (after.regions != before.regions ||
		    after.listed != before.listed) {
			ksft_print_msg("%s, fault %d: %ld regions, %d listed; was %ld, %d\n",
				       op_names[op], n, after.regions,
				       after.listed, before.regions,
				       before.listed);
			bad++;
		}
		if (ret >= 0 && !injected) {
			ksft_print_msg("%s: %d allocation sites, each failed cleanly\n",
				       op_names[op], n - 1);
			return bad ? -1 : n - 1;
		}
	}
	ksft_print_msg("%s: still failing after %d steps\n", op_names[op],
		       MAX_STEPS);
	return -1;
}

int main(void)
{
	int op, sites;

	page = sysconf(_SC_PAGESIZE);
	ksft_print_header();
	ksft_set_plan(NR_OPS + 1);
	if (setup())
		ksft_exit_fail_msg("fault injection is not available: %s\n",
				   strerror(errno));
	dev = nsh_dev();
	existing_fd = nsh_open(dev, "failnth-old", NSH_CREATE, 0600, 4 * page,
			       NULL, NULL);
	file_fd = open("/tmp", O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	token_fd = ioctl(dev, NAMEDSHM_IOC_TOKEN);
	{
		struct namedshm_open a = {
			.argsz = sizeof(a),
			.flags = NSH_CREATE,
			.mode = 0600,
			.kind = NAMEDSHM_KIND_MUTEX,
			.token_fd = -1,
		};

		mutex_fd = ioctl(dev, NAMEDSHM_IOC_OPEN, &a);
	}
	quiet_fd = sync_open(NULL, NSH_CREATE, NAMEDSHM_KIND_EVENT, 0, 0, 0);
	manual_fd = sync_open(NULL, NSH_CREATE, NAMEDSHM_KIND_EVENT,
			      NAMEDSHM_SYNC_MANUAL_RESET |
				      NAMEDSHM_SYNC_SIGNALED,
			      0, 0);
	sem_fd = sync_open(NULL, NSH_CREATE, NAMEDSHM_KIND_SEMAPHORE, 0, 1, 1);
	event_fd = sync_open("failnth-old-event", NSH_CREATE,
			     NAMEDSHM_KIND_EVENT, 0, 0, 0);
	if (dev < 0 || existing_fd < 0 || file_fd < 0 || token_fd < 0 ||
	    mutex_fd < 0 || quiet_fd < 0 || manual_fd < 0 || sem_fd < 0 ||
	    event_fd < 0 || ftruncate(file_fd, page))
		ksft_exit_fail_msg("setup: %s\n", strerror(errno));

	for (op = 0; op < NR_OPS; op++) {
		sites = sweep(op);
		/* Every one of these allocates: zero sites would mean no sweep. */
		ksft_test_result(sites > 0, "%s: every injected failure clean\n",
				 op_names[op]);
	}
	close(existing_fd);
	close(file_fd);
	close(mutex_fd);
	close(quiet_fd);
	close(manual_fd);
	close(sem_fd);
	close(event_fd);
	close(token_fd);
	close(dev);
	/* With every handle closed, nothing the sweeps made may remain. */
	sites = nsh_live_regions();
	ksft_test_result(sites == 0 && nsh_listing(NULL, NULL) == 0,
			 "nothing left alive after the sweeps (%d regions)\n",
			 sites);
	ksft_finished();
}
