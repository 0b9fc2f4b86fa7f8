// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection sweep (needs CONFIG_FAULT_INJECTION_DEBUG_FS with
 * FAILSLAB and FAIL_PAGE_ALLOC): for create, open, mmap and the other
 * allocating operations, fail the 1st, 2nd, ... Nth allocation in turn
 * (/proc/thread-self/fail-nth) until the call succeeds without a fault.
 * Every failing step must return a clean error and leave the table as it
 * was: no region, no name, no count changed.  kmemleak, run by the test VM
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

enum op {
	CREATE, OPEN, CREATE_UNNAMED, CREATE_FILE, MMAP, CREATE_MUTEX, TOKEN,
	WAIT, NR_OPS
};

static const char *const op_names[NR_OPS] = {
	"create a named region", "open an existing region",
	"create an unnamed region", "create a file-backed region",
	"mmap a handle", "create an owned named mutex", "make an owner token",
	"wait on a mutex",
};

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
			else if (op != WAIT)
				close((int)ret);
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
	if (dev < 0 || existing_fd < 0 || file_fd < 0 || token_fd < 0 ||
	    mutex_fd < 0 || ftruncate(file_fd, page))
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
	close(token_fd);
	close(dev);
	/* With every handle closed, nothing the sweeps made may remain. */
	sites = nsh_live_regions();
	ksft_test_result(sites == 0 && nsh_listing(NULL, NULL) == 0,
			 "nothing left alive after the sweeps (%d regions)\n",
			 sites);
	ksft_finished();
}
