// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Host checks of the CE layer that need no kernel module (issue 16): the
 * library's sources are built into this program with /dev/null as the
 * device (NAMEDSHM_LIB_DEVICE_PATH) and NAMEDSHM_TEST_HOOKS, so it works
 * with file handles (CreateFileForMapping), which need no module, and may
 * record a regular file as a "mapping" handle to test views.
 *
 *   storm      eight threads adding, duplicating and closing handles at
 *              once while the table grows (run under ASan and TSan too)
 *   fork       fork() while another thread makes and closes handles: the
 *              child must have no descriptor its table does not record
 *   largefile  sizes and offsets past 4 GiB (matters in -m32 builds)
 *   grow       a failed CreateFileMapping leaves the file's size alone
 *   stdin      NAMEDSHM_OPEN_BACKING_FD without a descriptor
 *   opts       namedshm_open_with()'s sz rules
 *   secure     NAMEDSHM_CE_MODE is ignored in a set-user-ID program (only
 *              as root, on a file system without nosuid; else skipped)
 *
 * Usage: ce_host_check [TEST...]   (no argument: all of them)
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ce_internal.h"

/* The storms open one file many times at once: they share it. */
#define SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE)

static int failures;
static char dir[] = "/tmp/ce_host_check.XXXXXX";

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(stderr, "%s:%d: FAIL: %s (last error %u)\n", \
				__FILE__, __LINE__, #cond,                  \
				(unsigned int)GetLastError());              \
			failures++;                                         \
		}                                                           \
	} while (0)

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/*
 * The helpers use the explicit 64-bit calls, so that they work even in a
 * build without _FILE_OFFSET_BITS=64 (to show what the library did then).
 */

/* A sparse file of @size bytes; returns its path in @buf. */
static void make_file(char *buf, size_t len, const char *name, uint64_t size)
{
	int fd;

	path_of(buf, len, name);
	fd = open(buf, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_LARGEFILE,
		  0600);
	if (fd < 0 || ftruncate64(fd, (off64_t)size)) {
		perror(buf);
		exit(2);
	}
	close(fd);
}

static uint64_t file_size(const char *path)
{
	struct stat64 st;

	if (stat64(path, &st))
		return UINT64_MAX;
	return (uint64_t)st.st_size;
}

/* ---- storm ------------------------------------------------------------ */

#define STORM_THREADS 8
/* Per thread: 1,000 slots with the duplicates, fewer if descriptors are. */
static int storm_handles = 500;
static char storm_path[256];
static pthread_barrier_t storm_barrier;

static void *storm_thread(void *arg)
{
	HANDLE *h = calloc(2 * storm_handles, sizeof(*h));
	long bad = 0;

	(void)arg;
	if (!h)
		return (void *)1L;
	pthread_barrier_wait(&storm_barrier);
	/* Grow the table: nothing is closed until the end. */
	for (int i = 0; i < storm_handles; i++) {
		h[2 * i] = CreateFileForMappingA(storm_path,
						 GENERIC_READ | GENERIC_WRITE,
						 SHARE_ALL, NULL, OPEN_EXISTING,
						 0, NULL);
		if (h[2 * i] == INVALID_HANDLE_VALUE) {
			h[2 * i] = NULL;
			bad++;
			continue;
		}
		/* Every other duplicate has fewer rights (a new descriptor). */
		if (!DuplicateHandle(GetCurrentProcess(), h[2 * i],
				     GetCurrentProcess(), &h[2 * i + 1],
				     i % 2 ? GENERIC_READ : 0, FALSE,
				     i % 2 ? 0 : DUPLICATE_SAME_ACCESS)) {
			h[2 * i + 1] = NULL;
			bad++;
		}
		/* Some churn: close and reopen one handle now and then. */
		if (i % 7 == 3 && h[2 * i + 1]) {
			if (!CloseHandle(h[2 * i + 1]))
				bad++;
			h[2 * i + 1] = CreateFileForMappingA(
				storm_path, GENERIC_READ, SHARE_ALL, NULL,
				OPEN_EXISTING, 0, NULL);
			if (h[2 * i + 1] == INVALID_HANDLE_VALUE) {
				h[2 * i + 1] = NULL;
				bad++;
			}
		}
	}
	/* Every handle is still its own and valid: close each once. */
	for (int i = 0; i < 2 * storm_handles; i++) {
		if (h[i] && !CloseHandle(h[i]))
			bad++;
		if (h[i] && CloseHandle(h[i])) /* a second close must fail */
			bad++;
	}
	free(h);
	return (void *)bad;
}

/* One storm in a fresh child process, so that the table starts empty. */
static int storm_once(void)
{
	pthread_t t[STORM_THREADS];
	long bad = 0;

	pthread_barrier_init(&storm_barrier, NULL, STORM_THREADS);
	for (int i = 0; i < STORM_THREADS; i++)
		if (pthread_create(&t[i], NULL, storm_thread, NULL))
			return 2;
	for (int i = 0; i < STORM_THREADS; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += (long)r;
	}
	if (bad)
		fprintf(stderr, "storm: %ld calls failed\n", bad);
	return bad ? 1 : 0;
}

static void test_storm(void)
{
	int rounds = getenv("CE_STORM_ROUNDS") ? atoi(getenv("CE_STORM_ROUNDS")) :
						 10;
	struct rlimit rl;

	make_file(storm_path, sizeof(storm_path), "storm", 65536);
	/* 8,000 descriptors at the peak. */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < 10000) {
		rl.rlim_cur = rl.rlim_max < 10000 ? rl.rlim_max : 10000;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < 10000)
		storm_handles = ((int)rl.rlim_cur - 64) / (2 * STORM_THREADS);
	for (int r = 0; r < rounds; r++) {
		int status;
		pid_t pid = fork();

		if (pid == 0)
			_exit(storm_once());
		CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "storm round %d: status %#x\n", r,
				status);
			failures++;
			break;
		}
	}
}

/* ---- fork --------------------------------------------------------------- */

static char fork_path[256];
static atomic_bool fork_stop;

static void *fork_churn(void *arg)
{
	(void)arg;
	while (!atomic_load(&fork_stop)) {
		HANDLE h = CreateFileForMappingA(fork_path, GENERIC_READ,
						 SHARE_ALL, NULL, OPEN_EXISTING,
						 0, NULL);
		HANDLE d = NULL;

		if (h == INVALID_HANDLE_VALUE)
			continue;
		if (DuplicateHandle(GetCurrentProcess(), h,
				    GetCurrentProcess(), &d, 0, FALSE,
				    DUPLICATE_SAME_ACCESS))
			CloseHandle(d);
		CloseHandle(h);
	}
	return NULL;
}

/* In the child: descriptors of @ino that no live handle records. */
static int strays(ino64_t ino, dev_t dev)
{
	int n = 0, max = (int)sysconf(_SC_OPEN_MAX);

	if (max > 4096 || max < 0)
		max = 4096;
	for (int fd = 0; fd < max; fd++) {
		struct stat64 st;

		if (fstat64(fd, &st) || st.st_ino != ino || st.st_dev != dev)
			continue;
		if (!ce_handle_fd_records(fd))
			n++;
	}
	return n;
}

static void test_fork(void)
{
	int forks = getenv("CE_FORKS") ? atoi(getenv("CE_FORKS")) : 400;
	int bad = 0;
	struct stat64 st;
	pthread_t t[2];

	make_file(fork_path, sizeof(fork_path), "fork", 4096);
	if (stat64(fork_path, &st))
		exit(2);
	atomic_store(&fork_stop, false);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, fork_churn, NULL);
	for (int i = 0; i < forks; i++) {
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			HANDLE h;

			if (strays(st.st_ino, st.st_dev))
				_exit(1);
			/* The child can make and close handles (no hang). */
			alarm(10);
			h = CreateFileForMappingA(fork_path, GENERIC_READ,
						  SHARE_ALL, NULL,
						  OPEN_EXISTING, 0, NULL);
			_exit(h != INVALID_HANDLE_VALUE && CloseHandle(h) ?
				      0 : 2);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid)
			break;
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	atomic_store(&fork_stop, true);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	if (bad)
		fprintf(stderr, "fork: %d of %d children failed (stray "
				"descriptors, or a hang)\n", bad, forks);
	CHECK(bad == 0);
}

/* ---- largefile, grow ---------------------------------------------------- */

static void test_largefile(void)
{
	const uint64_t big = (1ULL << 32) + 65536;
	char path[256], marker[16] = "at 4 GiB";
	HANDLE f, m;
	char *v;
	int fd;

	/* A 3 GiB file opens (32-bit without large-file support: 8). */
	make_file(path, sizeof(path), "3g", 3ULL << 30);
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, 0, NULL);
	CHECK(f != INVALID_HANDLE_VALUE);
	if (f != INVALID_HANDLE_VALUE)
		CHECK(CloseHandle(f));

	/*
	 * A view at offset 4 GiB of a 4 GiB + 64 KiB object sees the bytes
	 * at 4 GiB.  The "object" is a regular file recorded as a mapping
	 * handle: the view code only mmap()s the handle's descriptor.
	 */
	make_file(path, sizeof(path), "4g", big);
	fd = open(path, O_RDWR | O_CLOEXEC | O_LARGEFILE);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(pwrite64(fd, marker, sizeof(marker), (off64_t)(1ULL << 32)) ==
	      (ssize_t)sizeof(marker));
	m = ce_handle_add(CE_KIND_MAPPING, fd, CE_R | CE_W, true, big);
	CHECK(m != NULL);
	if (!m) {
		close(fd);
		return;
	}
	v = MapViewOfFile(m, FILE_MAP_READ, 1, 0, 65536);
	CHECK(v != NULL);
	if (v) {
		CHECK(memcmp(v, marker, sizeof(marker)) == 0);
		CHECK(UnmapViewOfFile(v));
	}
	/* The whole object: more than a 32-bit address space holds. */
	SetLastError(0);
	v = MapViewOfFile(m, FILE_MAP_READ, 0, 0, 0);
	if (sizeof(void *) == 4) {
		CHECK(v == NULL);
		CHECK(GetLastError() == ERROR_NOT_ENOUGH_MEMORY);
	} else {
		CHECK(v != NULL);
		if (v)
			CHECK(memcmp(v + (1ULL << 32), marker,
				     sizeof(marker)) == 0 &&
			      UnmapViewOfFile(v));
	}
	CHECK(CloseHandle(m));
}

static void test_grow(void)
{
	char path[256];
	HANDLE f, m;

	/*
	 * No module here: the kernel open fails (50).  The file must keep
	 * its size: it grew to 4 GiB + 64 KiB before (and a 32-bit build
	 * truncated it to 64 KiB).
	 */
	make_file(path, sizeof(path), "grow", 1 << 20);
	f = CreateFileForMappingA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
				  OPEN_EXISTING, 0, NULL);
	CHECK(f != INVALID_HANDLE_VALUE);
	if (f == INVALID_HANDLE_VALUE)
		return;
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 1, 0x10000, NULL);
	CHECK(m == NULL);
	CHECK(GetLastError() == ERROR_NOT_SUPPORTED);
	CHECK(file_size(path) == 1 << 20);
	m = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 2 << 20, "grow");
	CHECK(m == NULL);
	CHECK(file_size(path) == 1 << 20);
	CHECK(CloseHandle(f));
}

/* ---- stdin, opts -------------------------------------------------------- */

static void test_stdin(void)
{
	int fd;

	/* Checked before the device (which is missing here: ENODEV). */
	errno = 0;
	fd = namedshm_open_ex("stdin", 5,
			      NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_BACKING_FD,
			      0600, 4096, NULL);
	CHECK(fd == -1 && errno == EINVAL);
	errno = 0;
	fd = namedshm_open_ex(NULL, 0,
			      NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_WRITE |
				      NAMEDSHM_OPEN_BACKING_FD,
			      0600, 4096, NULL);
	CHECK(fd == -1 && errno == EINVAL);
}

static void test_opts(void)
{
	struct namedshm_open_opts raw;
	unsigned char big[sizeof(raw) + 16];
	int fd;

	{
		NAMEDSHM_OPTS(namedshm_open_opts, o,
			      .flags = NAMEDSHM_OPEN_CREATE |
				       NAMEDSHM_OPEN_BACKING_FD,
			      .size = 4096, .backing_fd = -1);
		errno = 0;
		fd = namedshm_open_with("o", 1, &o);
		CHECK(fd == -1 && errno == EINVAL);
		CHECK(o.sz == sizeof(o) && o.created == 0 && o.mode == 0);
	}
	/* An sz that does not reach backing_fd: the flag is EINVAL. */
	memset(&raw, 0, sizeof(raw));
	raw.sz = offsetof(struct namedshm_open_opts, backing_fd);
	raw.flags = NAMEDSHM_OPEN_CREATE | NAMEDSHM_OPEN_BACKING_FD;
	raw.size = 4096;
	errno = 0;
	CHECK(namedshm_open_with("o", 1, &raw) == -1 && errno == EINVAL);
	/* Too small for flags, or no options at all. */
	raw.sz = 1;
	errno = 0;
	CHECK(namedshm_open_with("o", 1, &raw) == -1 && errno == EINVAL);
	errno = 0;
	CHECK(namedshm_open_with("o", 1, NULL) == -1 && errno == EINVAL);
	/* A newer caller's unknown option: E2BIG unless it is zero. */
	memset(big, 0, sizeof(big));
	memcpy(big, &raw, sizeof(raw));
	((struct namedshm_open_opts *)(void *)big)->sz = sizeof(big);
	((struct namedshm_open_opts *)(void *)big)->flags = 0;
	big[sizeof(raw) + 3] = 1;
	errno = 0;
	CHECK(namedshm_open_with("o", 1, (void *)big) == -1 && errno == E2BIG);
	big[sizeof(raw) + 3] = 0;
	errno = 0;
	/* All zero: reaches the (missing) device. */
	CHECK(namedshm_open_with("o", 1, (void *)big) == -1 &&
	      errno == ENODEV);
	errno = 0;
	CHECK(namedshm_dup(0, ~0U) == -1 && errno == EINVAL);
}

/* ---- secure ------------------------------------------------------------- */

static void test_secure(const char *self)
{
	char copy[256], buf[32] = "";
	int p[2], status;
	ssize_t n;
	pid_t pid;
	int in, out;

	if (geteuid() != 0) {
		printf("secure: SKIP (needs root to make a set-user-ID copy)\n");
		return;
	}
	/* A set-user-ID root copy of this program, run by "nobody". */
	path_of(copy, sizeof(copy), "suid");
	in = open(self, O_RDONLY | O_CLOEXEC);
	out = open(copy, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	if (in < 0 || out < 0)
		exit(2);
	for (;;) {
		char b[65536];
		ssize_t r = read(in, b, sizeof(b));

		if (r <= 0)
			break;
		if (write(out, b, (size_t)r) != r)
			exit(2);
	}
	close(in);
	close(out);
	if (chown(copy, 0, 0) || chmod(copy, 04755) || chmod(dir, 0755) ||
	    pipe(p))
		exit(2);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		setenv("NAMEDSHM_CE_MODE", "0666", 1);
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(3);
		execl(copy, copy, "--print-object-mode", (char *)NULL);
		_exit(4);
	}
	close(p[1]);
	n = read(p[0], buf, sizeof(buf) - 1);
	close(p[0]);
	waitpid(pid, &status, 0);
	chmod(dir, 0700);
	buf[n > 0 ? n : 0] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		printf("secure: SKIP (the set-user-ID copy did not run: "
		       "status %#x; nosuid?)\n", status);
		return;
	}
	/* Ran set-user-ID? Only then does the mode say anything. */
	if (!strstr(buf, "secure")) {
		printf("secure: SKIP (not set-user-ID: nosuid mount?)\n");
		return;
	}
	if (strtol(buf, NULL, 8) != 0600) {
		fprintf(stderr, "secure: object mode %s, want 0600\n", buf);
		failures++;
	}
}

static int print_object_mode(void)
{
	/* "0600 secure": the mode, and whether this runs set-user-ID. */
	printf("%04o %s\n", (unsigned int)namedshm_ce_object_mode(-1),
	       getuid() != geteuid() ? "secure" : "plain");
	return 0;
}

/* ---- main ----------------------------------------------------------------- */

static bool wanted(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--print-object-mode"))
		return print_object_mode();
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 2;
	}
	if (wanted(argc, argv, "storm"))
		test_storm();
	if (wanted(argc, argv, "fork"))
		test_fork();
	if (wanted(argc, argv, "largefile"))
		test_largefile();
	if (wanted(argc, argv, "grow"))
		test_grow();
	if (wanted(argc, argv, "stdin"))
		test_stdin();
	if (wanted(argc, argv, "opts"))
		test_opts();
	if (wanted(argc, argv, "secure"))
		test_secure("/proc/self/exe");
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", dir);
	}
	printf("ce_host_check (%zu-bit): %s\n", 8 * sizeof(void *),
	       failures ? "FAILED" : "ok");
	return failures ? 1 : 0;
}
