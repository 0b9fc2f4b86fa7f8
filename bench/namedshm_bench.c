// SPDX-License-Identifier: GPL-2.0
/*
 * namedshm_bench - namedshm against POSIX shm, memfd and SysV shm, in one
 * guest, on one kernel, in one run.
 *
 * Run as root in the test VM (scripts/bench does that):
 *
 *   namedshm_bench [--quick] [--only LIST]
 *
 * LIST is a comma-separated subset of A,B1,B2,B3,B4,B5,B6,S1,S2,S3,S4 (M1
 * comes with B3).  The framework (rows, trials) is bench_core.c; the sync
 * objects' rows S1-S4 are bench_sync.c and bench_sync_ce.c.  Every
 * comparison is interleaved: each repetition runs every variant once, in
 * an order rotated from one repetition to the next, after one untimed
 * warm-up trial per variant; the figure reported is the median of the
 * timed trials.  The readable table goes to stdout, followed by the
 * same figures as JSON rows, one per line, between the lines
 * NAMEDSHM_BENCH_JSON_BEGIN and NAMEDSHM_BENCH_JSON_END.  Progress goes to
 * stderr.
 *
 * Benchmarks measure; they never fail on a missed target.  The exit status
 * is non-zero only when something could not be run at all.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <namedshm.h>

#include "bench.h"

#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004U
#endif

/* ---- Object helpers --------------------------------------------------- */

static int nshm_create(const char *name, size_t size)
{
	int fd = namedshm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, size);

	if (fd < 0)
		bench_die("namedshm_open(%s, O_CREAT|O_EXCL)", name);
	return fd;
}

static int posix_create(const char *name, size_t size)
{
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);

	if (fd < 0)
		bench_die("shm_open(%s, O_CREAT|O_EXCL)", name);
	if (ftruncate(fd, (off_t)size))
		bench_die("ftruncate %s", name);
	return fd;
}

static int sysv_create(key_t key, size_t size)
{
	int id = shmget(key, size, IPC_CREAT | IPC_EXCL | 0600);

	if (id < 0)
		bench_die("shmget(%#x, IPC_CREAT|IPC_EXCL)", (unsigned int)key);
	return id;
}

static void sysv_remove(int id)
{
	if (shmctl(id, IPC_RMID, NULL))
		bench_die("shmctl IPC_RMID %d", id);
}

#define KEY_B1 0x4e530001
#define KEY_B2 0x4e530002
#define KEY_B3 0x4e540000 /* + index */

/* ---- Open+close trials (B1, A) ---------------------------------------- */

static double t_nshm_open(struct variant *v, long n)
{
	const char *name = v->ctx;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		int fd = namedshm_open(name, O_RDWR, 0, 0);

		if (fd < 0)
			bench_die("namedshm_open(%s)", name);
		close(fd);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_posix_open(struct variant *v, long n)
{
	const char *name = v->ctx;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		int fd = shm_open(name, O_RDWR, 0);

		if (fd < 0)
			bench_die("shm_open(%s)", name);
		close(fd);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_sysv_get(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (shmget((key_t)v->arg, 0, 0600) < 0)
			bench_die("shmget(%#lx)", v->arg);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_getppid(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	(void)v;
	for (long i = 0; i < n; i++)
		(void)getppid();
	return (bench_now_ns() - t0) / (double)n;
}

static double t_devinfo(struct variant *v, long n)
{
	int fd = (int)v->arg;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		struct namedshm_device_info info = { .argsz = sizeof(info) };

		if (ioctl(fd, NAMEDSHM_IOC_DEVICE_INFO, &info))
			bench_die("NAMEDSHM_IOC_DEVICE_INFO");
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_eventfd(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	(void)v;
	for (long i = 0; i < n; i++) {
		int fd = eventfd(0, EFD_CLOEXEC);

		if (fd < 0)
			bench_die("eventfd");
		close(fd);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_devnull(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	(void)v;
	for (long i = 0; i < n; i++) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (fd < 0)
			bench_die("open /dev/null");
		close(fd);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_dup(struct variant *v, long n)
{
	int src = (int)v->arg;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		int fd = dup(src);

		if (fd < 0)
			bench_die("dup");
		close(fd);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_nshm_enoent(struct variant *v, long n)
{
	const char *name = v->ctx;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (namedshm_open(name, O_RDWR, 0, 0) >= 0 || errno != ENOENT)
			bench_die("namedshm_open(%s) should be ENOENT", name);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_posix_enoent(struct variant *v, long n)
{
	const char *name = v->ctx;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		if (shm_open(name, O_RDWR, 0) >= 0 || errno != ENOENT)
			bench_die("shm_open(%s) should be ENOENT", name);
	}
	return (bench_now_ns() - t0) / (double)n;
}

/* ---- Create+destroy trials (B2, A) ------------------------------------ */

#define B2_SIZE (64 * KIB)

static double t_nshm_create(struct variant *v, long n)
{
	const char *name = v->ctx;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		close(nshm_create(name, B2_SIZE));
	return (bench_now_ns() - t0) / (double)n;
}

static double t_nshm_create_unnamed(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	(void)v;
	for (long i = 0; i < n; i++) {
		int fd = namedshm_open(NULL, O_CREAT | O_RDWR, 0600, B2_SIZE);

		if (fd < 0)
			bench_die("namedshm_open(NULL, O_CREAT)");
		close(fd);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_posix_create(struct variant *v, long n)
{
	const char *name = v->ctx;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		close(posix_create(name, B2_SIZE));
		if (shm_unlink(name))
			bench_die("shm_unlink %s", name);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_memfd_create(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		int fd = memfd_create("bench", MFD_CLOEXEC);

		if (fd < 0)
			bench_die("memfd_create");
		if (v->arg && ftruncate(fd, B2_SIZE))
			bench_die("ftruncate memfd");
		close(fd);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_sysv_create(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++)
		sysv_remove(sysv_create((key_t)v->arg, B2_SIZE));
	return (bench_now_ns() - t0) / (double)n;
}

/* ---- A: where the time of an open goes -------------------------------- */

static void bench_analysis(void)
{
	int devfd = open(NAMEDSHM_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	int held = nshm_create("bench/a", 4096);
	int pheld = posix_create("/bench.a", 4096);

	if (devfd < 0)
		bench_die("open %s", NAMEDSHM_DEVICE_PATH);
	close(pheld);
	progress("A: decomposition of an open and of a create");
	struct variant v[] = {
		V("getppid() (syscall floor)", t_getppid, NULL, 0),
		V("ioctl(DEVICE_INFO) on /dev/namedshm", t_devinfo, NULL, devfd),
		V("dup()+close() (fd alloc/free)", t_dup, NULL, devfd),
		V("eventfd()+close() (anon-inode file)", t_eventfd, NULL, 0),
		V("open(/dev/null)+close() (path walk+file)", t_devnull, NULL, 0),
		V("namedshm_open ENOENT (ioctl+name+lookup)", t_nshm_enoent, "bench/missing", 0),
		V("shm_open ENOENT (path walk)", t_posix_enoent, "/bench.missing", 0),
		V("namedshm_open+close existing", t_nshm_open, "bench/a", 0),
		V("shm_open+close existing", t_posix_open, "/bench.a", 0),
	};
	int nv = (int)(sizeof(v) / sizeof(v[0]));

	interleave(v, nv, P.n_open, P.reps);
	for (int i = 0; i < nv; i++) {
		char m[160];

		snprintf(m, sizeof(m), "%s", v[i].label);
		add_row("A", m, "ns/op", LOWER, v_median(&v[i]), "getppid()",
			v_median(&v[0]), 0, v[i].n);
	}

	struct variant c[] = {
		V("memfd_create+close (no size)", t_memfd_create, NULL, 0),
		V("memfd_create+ftruncate+close", t_memfd_create, NULL, 1),
		V("namedshm unnamed create+close", t_nshm_create_unnamed, NULL, 0),
		V("namedshm named create+close", t_nshm_create, "bench/a2", 0),
	};
	int nc = (int)(sizeof(c) / sizeof(c[0]));

	interleave(c, nc, P.n_create, P.reps);
	for (int i = 0; i < nc; i++)
		add_row("A", c[i].label, "ns/op", LOWER, v_median(&c[i]),
			"memfd_create+close", v_median(&c[0]), 0, c[i].n);
	close(held);
	shm_unlink("/bench.a");
	close(devfd);
}

/* ---- B1 --------------------------------------------------------------- */

static void bench_b1(void)
{
	int fd = nshm_create("bench/b1", 64 * KIB);
	int id = sysv_create(KEY_B1, 64 * KIB);

	close(posix_create("/bench.b1", 64 * KIB));
	progress("B1: open an existing object by name + close");
	struct variant v[] = {
		V("namedshm_open+close", t_nshm_open, "bench/b1", 0),
		V("shm_open+close", t_posix_open, "/bench.b1", 0),
		V("shmget(existing key)", t_sysv_get, NULL, KEY_B1),
	};

	interleave(v, 3, P.n_open, P.reps);
	add_row("B1", "open existing by name + close", "ns/op", LOWER,
		v_median(&v[0]), "shm_open+close", v_median(&v[1]), 0.8,
		v[0].n);
	add_row("B1", "open existing by name + close", "ns/op", LOWER,
		v_median(&v[0]), "shmget(existing key), no fd", v_median(&v[2]),
		0, v[0].n);
	add_row("B1", "open+close, CPU time of all CPUs", "cpu-ns/op", LOWER,
		v_cpu(&v[0]), "shm_open+close", v_cpu(&v[1]), 0,
		v[0].n);
	close(fd);
	shm_unlink("/bench.b1");
	sysv_remove(id);
}

/* ---- B2 --------------------------------------------------------------- */

static void bench_b2(void)
{
	progress("B2: create a 64 KiB object + destroy it");
	struct variant v[] = {
		V("namedshm_open(O_CREAT)+close", t_nshm_create, "bench/b2", 0),
		V("shm_open(O_CREAT)+ftruncate+close+shm_unlink", t_posix_create, "/bench.b2", 0),
		V("memfd_create+ftruncate+close", t_memfd_create, NULL, 1),
		V("shmget(IPC_CREAT)+shmctl(IPC_RMID)", t_sysv_create, NULL, KEY_B2),
	};

	interleave(v, 4, P.n_create, P.reps);
	for (int i = 1; i < 4; i++)
		add_row("B2", "create 64 KiB + destroy", "ns/op", LOWER,
			v_median(&v[0]), v[i].label, v_median(&v[i]),
			i == 1 ? 1.0 : 0, v[0].n);
	for (int i = 1; i < 4; i++)
		add_row("B2", "create+destroy, CPU time of all CPUs",
			"cpu-ns/op", LOWER, v_cpu(&v[0]), v[i].label,
			v_cpu(&v[i]), 0, v[0].n);
}

/* ---- B3 and M1 -------------------------------------------------------- */

struct family {
	const char *label;
	long live;
	long cap;
	long cursor;
	char (*names)[32];
	int *h; /* fd (namedshm, posix-with-fd) or SysV id */
	void (*make)(struct family *f, long i);
	void (*kill)(struct family *f, long i);
	void (*use)(struct family *f, long i); /* open+close by name */
};

static void nshm_make(struct family *f, long i)
{
	f->h[i] = nshm_create(f->names[i], 4096);
}

static void nshm_kill(struct family *f, long i)
{
	close(f->h[i]);
}

static void nshm_use(struct family *f, long i)
{
	int fd = namedshm_open(f->names[i], O_RDWR, 0, 0);

	if (fd < 0)
		bench_die("namedshm_open(%s)", f->names[i]);
	close(fd);
}

static void posix_make(struct family *f, long i)
{
	close(posix_create(f->names[i], 4096));
}

static void posixfd_make(struct family *f, long i)
{
	f->h[i] = posix_create(f->names[i], 4096);
}

static void posix_kill(struct family *f, long i)
{
	if (shm_unlink(f->names[i]))
		bench_die("shm_unlink %s", f->names[i]);
}

static void posixfd_kill(struct family *f, long i)
{
	close(f->h[i]);
	posix_kill(f, i);
}

static void posix_use(struct family *f, long i)
{
	int fd = shm_open(f->names[i], O_RDWR, 0);

	if (fd < 0)
		bench_die("shm_open(%s)", f->names[i]);
	close(fd);
}

static void sysv_make(struct family *f, long i)
{
	f->h[i] = sysv_create(KEY_B3 + (key_t)i, 4096);
}

static void sysv_kill(struct family *f, long i)
{
	sysv_remove(f->h[i]);
}

static void sysv_use(struct family *f, long i)
{
	(void)f;
	if (shmget(KEY_B3 + (key_t)i, 0, 0600) < 0)
		bench_die("shmget(%#x)", KEY_B3 + (unsigned int)i);
}

static void family_init(struct family *f, long cap, const char *fmt)
{
	f->cap = cap;
	f->names = calloc((size_t)cap, sizeof(*f->names));
	f->h = calloc((size_t)cap, sizeof(*f->h));
	if (!f->names || !f->h)
		bench_die("out of memory");
	for (long i = 0; i < cap; i++)
		snprintf(f->names[i], sizeof(f->names[i]), fmt, i);
}

static void family_resize(struct family *f, long n)
{
	while (f->live < n)
		f->make(f, f->live++);
	while (f->live > n)
		f->kill(f, --f->live);
	f->cursor = 0;
}

/* Open+close the live objects round-robin. */
static double t_family(struct variant *v, long n)
{
	struct family *f = (struct family *)v->ctx;
	double t0 = bench_now_ns();

	for (long k = 0; k < n; k++) {
		f->use(f, f->cursor);
		if (++f->cursor == f->live)
			f->cursor = 0;
	}
	return (bench_now_ns() - t0) / (double)n;
}

/* Names that do not exist, round-robin: a lookup that walks a whole chain. */
static char missing_names[1000][32];

static double t_nshm_missing(struct variant *v, long n)
{
	double t0 = bench_now_ns();

	(void)v;
	for (long k = 0; k < n; k++) {
		const char *name = missing_names[k % 1000];

		if (namedshm_open(name, O_RDWR, 0, 0) >= 0 || errno != ENOENT)
			bench_die("namedshm_open(%s) should be ENOENT", name);
	}
	return (bench_now_ns() - t0) / (double)n;
}

/* Slab caches: bytes of allocated objects per cache. */
struct slab_ent {
	char name[48];
	double bytes;
};

struct memsnap {
	long slab, sunreclaim, sreclaimable, shmem, vmalloc, memfree;
	struct slab_ent *ents;
	int nents;
};

static void mem_snapshot(struct memsnap *s)
{
	FILE *f;
	char line[512];

	memset(s, 0, sizeof(*s));
	s->slab = meminfo_kb("Slab");
	s->sunreclaim = meminfo_kb("SUnreclaim");
	s->sreclaimable = meminfo_kb("SReclaimable");
	s->shmem = meminfo_kb("Shmem");
	s->vmalloc = meminfo_kb("VmallocUsed");
	s->memfree = meminfo_kb("MemFree");
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return;
	s->ents = calloc(1024, sizeof(*s->ents));
	if (!s->ents)
		bench_die("out of memory");
	while (fgets(line, sizeof(line), f) && s->nents < 1024) {
		char name[48];
		unsigned long active, num, objsize;

		if (line[0] == '#' || !strncmp(line, "slabinfo", 8))
			continue;
		if (sscanf(line, "%47s %lu %lu %lu", name, &active, &num,
			   &objsize) != 4)
			continue;
		snprintf(s->ents[s->nents].name, sizeof(s->ents[0].name), "%s",
			 name);
		s->ents[s->nents].bytes = (double)active * (double)objsize;
		s->nents++;
	}
	fclose(f);
}

static double slab_bytes(const struct memsnap *s, const char *name)
{
	for (int i = 0; i < s->nents; i++)
		if (!strcmp(s->ents[i].name, name))
			return s->ents[i].bytes;
	return 0;
}

struct m1_result {
	bool done;
	long count;
	double slab, sunreclaim, shmem; /* bytes per object */
	char detail[600];
};

/* Grow @f to @n, measuring kernel memory per new object. */
static void m1_grow(struct family *f, long n, struct m1_result *m)
{
	struct memsnap a, b;
	long before = f->live;
	double per;
	struct {
		const char *name;
		double d;
	} top[6] = { { 0 } };

	settle();
	mem_snapshot(&a);
	family_resize(f, n);
	settle();
	mem_snapshot(&b);
	m->done = true;
	m->count = n - before;
	per = 1.0 / (double)m->count;
	m->slab = (double)(b.slab - a.slab) * KIB * per;
	m->sunreclaim = (double)(b.sunreclaim - a.sunreclaim) * KIB * per;
	m->shmem = (double)(b.shmem - a.shmem) * KIB * per;

	for (int i = 0; i < b.nents; i++) {
		double d = b.ents[i].bytes - slab_bytes(&a, b.ents[i].name);

		for (int k = 0; k < 6; k++) {
			if (d > top[k].d) {
				memmove(&top[k + 1], &top[k],
					(size_t)(5 - k) * sizeof(top[0]));
				top[k].name = b.ents[i].name;
				top[k].d = d;
				break;
			}
		}
	}
	size_t off = (size_t)snprintf(m->detail, sizeof(m->detail),
				      "SReclaimable %.0f B, VmallocUsed %.0f B;"
				      " slab objects/object:",
				      (double)(b.sreclaimable - a.sreclaimable) *
					      KIB * per,
				      (double)(b.vmalloc - a.vmalloc) * KIB * per);
	for (int k = 0; k < 6 && top[k].name && off < sizeof(m->detail);
	     k++)
		off += (size_t)snprintf(m->detail + off,
					sizeof(m->detail) - off, " %s %.0f B",
					top[k].name, top[k].d * per);
	progress("  M1 %-22s %6ld objects: Slab %+.0f B/object, SUnreclaim "
		 "%+.0f, Shmem %+.0f; %s",
		 f->label, m->count, m->slab, m->sunreclaim, m->shmem,
		 m->detail);
	free(a.ents);
	free(b.ents);
}

static long sysv_max;

static void bench_b3_m1(void)
{
	const long small = 10;
	long large = P.b3_large;
	long slarge = large < sysv_max ? large : sysv_max;
	struct family nf = { "namedshm", .make = nshm_make, .kill = nshm_kill,
			     .use = nshm_use };
	struct family pf = { "POSIX shm", .make = posix_make,
			     .kill = posix_kill, .use = posix_use };
	struct family sf = { "SysV shm", .make = sysv_make, .kill = sysv_kill,
			     .use = sysv_use };
	struct family qf = { "POSIX shm + open fd", .make = posixfd_make,
			     .kill = posixfd_kill, .use = posix_use };
	struct m1_result mn = { 0 }, mp = { 0 }, ms = { 0 }, mq = { 0 };
	char label[3][64];

	family_init(&nf, large, "bench/b3/%06ld");
	family_init(&pf, large, "/bench.b3.%06ld");
	family_init(&sf, slarge, "%ld");
	family_init(&qf, large, "/bench.b3fd.%06ld");

	progress("B3/M1: open+close round-robin over %ld, then %ld (SysV %ld) "
		 "live objects; %d alternations",
		 small, large, slarge, P.b3_cycles);
	for (int i = 0; i < 1000; i++)
		snprintf(missing_names[i], sizeof(missing_names[i]),
			 "bench/b3/missing/%04d", i);
	/* Object 0 lives throughout: the same name, opened again and again. */
	struct variant vs[] = {
		V("namedshm, 10 live", t_family, &nf, 0),
		V("POSIX, 10 live", t_family, &pf, 0),
		V("SysV, 10 live", t_family, &sf, 0),
		V("namedshm ENOENT, 10 live", t_nshm_missing, NULL, 0),
		V("namedshm one name, 10 live", t_nshm_open, nf.names[0], 0),
	};
	struct variant vl[] = {
		V("namedshm, large", t_family, &nf, 0),
		V("POSIX, large", t_family, &pf, 0),
		V("SysV, large", t_family, &sf, 0),
		V("namedshm ENOENT, large", t_nshm_missing, NULL, 0),
		V("namedshm one name, large", t_nshm_open, nf.names[0], 0),
	};
	const int nvs = (int)(sizeof(vs) / sizeof(vs[0]));

	family_resize(&nf, small);
	family_resize(&pf, small);
	family_resize(&sf, small);
	interleave(vs, nvs, P.n_open, P.b3_reps);
	for (int c = 0; c < P.b3_cycles; c++) {
		progress("  growing to %ld objects", large);
		if (c == 0) {
			m1_grow(&nf, large, &mn);
			m1_grow(&pf, large, &mp);
			m1_grow(&sf, slarge, &ms);
		} else {
			family_resize(&nf, large);
			family_resize(&pf, large);
			family_resize(&sf, slarge);
		}
		interleave(vl, nvs, P.n_open, P.b3_reps);
		progress("  shrinking to %ld objects", small);
		family_resize(&nf, small);
		family_resize(&pf, small);
		family_resize(&sf, small);
		interleave(vs, nvs, P.n_open, P.b3_reps);
	}
	/* M1 only: a POSIX object that also keeps an fd, as a handle does. */
	family_resize(&nf, 0);
	family_resize(&pf, 0);
	family_resize(&sf, 0);
	m1_grow(&qf, large, &mq);
	family_resize(&qf, 0);

	snprintf(label[0], sizeof(label[0]), "namedshm with %ld live objects",
		 small);
	add_row("B3", "open+close, 100000 live namedshm objects", "ns/op",
		LOWER, v_median(&vl[0]), label[0], v_median(&vs[0]), 1.1,
		vl[0].n);
	add_row("B3", "open+close, 100000 live objects each", "ns/op", LOWER,
		v_median(&vl[0]), "shm_open+close, 100000 live",
		v_median(&vl[1]), 0, vl[0].n);
	struct row *r = add_row("B3", "POSIX: open+close 100000 vs 10 live",
				"ns/op", LOWER, v_median(&vl[1]),
				"shm_open+close, 10 live", v_median(&vs[1]), 0,
				vl[1].n);
	snprintf(r->note, sizeof(r->note),
		 "not namedshm: the POSIX ratio, for comparison");
	snprintf(label[1], sizeof(label[1]), "SysV: shmget %ld vs 10 live",
		 slarge);
	r = add_row("B3", label[1], "ns/op", LOWER, v_median(&vl[2]),
		    "shmget, 10 live", v_median(&vs[2]), 0, vl[2].n);
	snprintf(r->note, sizeof(r->note),
		 "not namedshm: the SysV ratio, for comparison%s",
		 slarge < large ? "; SysV limited by kernel.shmmni (IPCMNI)" :
				  "");

	r = add_row("B3", "namedshm lookup of a missing name (ENOENT), large",
		    "ns/op", LOWER, v_median(&vl[3]), "the same, 10 live",
		    v_median(&vs[3]), 0, vl[3].n);
	snprintf(r->note, sizeof(r->note),
		 "walks a whole hash chain: %ld objects in %d buckets",
		 large, 1 << 14);
	r = add_row("B3", "namedshm open+close of one name, large", "ns/op",
		    LOWER, v_median(&vl[4]), "the same, 10 live",
		    v_median(&vs[4]), 0, vl[4].n);
	snprintf(r->note, sizeof(r->note),
		 "one hot name: the table's size without the round-robin "
		 "working set");

	/* M1 */
	r = add_row("M1", "kernel memory per idle object (meminfo Slab)",
		    "bytes", LOWER, mn.slab, "POSIX shm object (no fd)",
		    mp.slab, 1.0, 1);
	snprintf(r->note, sizeof(r->note),
		 "deltas over %ld objects of 4 KiB; a namedshm object "
		 "includes its one open handle",
		 mn.count);
	add_row("M1", "kernel memory per idle object (meminfo Slab)", "bytes",
		LOWER, mn.slab, "POSIX shm object + its open fd", mq.slab, 0,
		1);
	r = add_row("M1", "kernel memory per idle object (meminfo Slab)",
		    "bytes", LOWER, mn.slab, "SysV shm segment", ms.slab, 0, 1);
	if (ms.count < mn.count)
		snprintf(r->note, sizeof(r->note),
			 "SysV measured over %ld segments (kernel.shmmni)",
			 ms.count);
	add_row("M1", "unreclaimable slab per idle object (SUnreclaim)",
		"bytes", LOWER, mn.sunreclaim, "POSIX shm object (no fd)",
		mp.sunreclaim, 0, 1);
	add_row("M1", "unreclaimable slab per idle object (SUnreclaim)",
		"bytes", LOWER, mn.sunreclaim, "SysV shm segment", ms.sunreclaim,
		0, 1);
	/* Shmem is 0 for idle objects; the detail rows carry the slab split. */
	printf("# M1 detail namedshm: Shmem %+.0f B/object; %s\n", mn.shmem,
	       mn.detail);
	printf("# M1 detail POSIX shm: Shmem %+.0f B/object; %s\n", mp.shmem,
	       mp.detail);
	printf("# M1 detail POSIX shm + fd: Shmem %+.0f B/object; %s\n",
	       mq.shmem, mq.detail);
	printf("# M1 detail SysV shm: Shmem %+.0f B/object; %s\n", ms.shmem,
	       ms.detail);
}

/* ---- B4 --------------------------------------------------------------- */

enum b4_kind {
	B4_NSHM,
	B4_MEMFD,
	B4_POSIX,
	B4_NSHM_HUGE,	     /* NAMEDSHM_OPEN_HUGE, when the module has it */
	B4_MEMFD_THP,	     /* shmem_enabled=advise + MADV_HUGEPAGE */
	B4_NSHM_THP,	     /* the same on a namedshm mapping */
	B4_NSHM_THP_ALIGNED, /* ... placed at a 2 MiB-aligned address */
	B4_MEMFD_HUGETLB,    /* MFD_HUGETLB, hugetlb pool */
	B4_NKINDS
};

struct b4_variant {
	const char *label;
	enum b4_kind kind;
	bool avail;
	double first[MAX_SAMPLES];  /* MiB/s */
	double second[MAX_SAMPLES]; /* MiB/s */
	double huge_kb[MAX_SAMPLES]; /* ShmemHugePages/HugePages used */
	double left_kb[MAX_SAMPLES]; /* still allocated right after close */
	double pmd_kb[MAX_SAMPLES];  /* ShmemPmdMapped */
	int aligned;		     /* mappings at 2 MiB-aligned addresses */
	int n;
};

static const char *b4_name(enum b4_kind k)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "%sbench.b4.%d",
		 (k == B4_POSIX) ? "/" : "", (int)k);
	return buf;
}

static bool b4_is_thp(enum b4_kind k)
{
	return k == B4_MEMFD_THP || k == B4_NSHM_THP ||
	       k == B4_NSHM_THP_ALIGNED;
}

static int b4_create(enum b4_kind k)
{
	size_t len = P.b4_bytes;
	int fd;

	switch (k) {
	case B4_NSHM:
	case B4_NSHM_THP:
	case B4_NSHM_THP_ALIGNED:
		return nshm_create(b4_name(k), len);
	case B4_NSHM_HUGE:
#ifdef NAMEDSHM_OPEN_HUGE
	{
		const char *name = b4_name(k);

		fd = namedshm_open_ex(name, strlen(name),
				      NAMEDSHM_OPEN_CREATE |
					      NAMEDSHM_OPEN_EXCL |
					      NAMEDSHM_OPEN_WRITE |
					      NAMEDSHM_OPEN_HUGE,
				      0600, len, NULL);
		if (fd < 0)
			bench_die("namedshm_open_ex(%s, HUGE)", name);
		return fd;
	}
#else
		bench_die("no NAMEDSHM_OPEN_HUGE");
#endif
	case B4_POSIX:
		return posix_create(b4_name(k), len);
	case B4_MEMFD:
	case B4_MEMFD_THP:
	case B4_MEMFD_HUGETLB:
		fd = memfd_create("bench.b4", MFD_CLOEXEC |
			      (k == B4_MEMFD_HUGETLB ? MFD_HUGETLB : 0));
		if (fd < 0)
			bench_die("memfd_create");
		if (ftruncate(fd, (off_t)len))
			bench_die("ftruncate memfd");
		return fd;
	default:
		bench_die("bad kind");
	}
}

/* Open the object again, as a second process does. */
static int b4_reopen(enum b4_kind k, int fd)
{
	int nfd;

	switch (k) {
	case B4_NSHM:
	case B4_NSHM_THP:
	case B4_NSHM_THP_ALIGNED:
	case B4_NSHM_HUGE:
		nfd = namedshm_open(b4_name(k), O_RDWR, 0, 0);
		break;
	case B4_POSIX:
		nfd = shm_open(b4_name(k), O_RDWR, 0);
		break;
	default:
		return fd; /* memfd: inherited across fork() */
	}
	if (nfd < 0)
		bench_die("reopen %s", b4_name(k));
	return nfd;
}

static void *b4_map(enum b4_kind k, int fd)
{
	size_t len = P.b4_bytes;
	void *p;

	if (k == B4_NSHM_THP_ALIGNED) {
		size_t rlen = len + 2 * MIB;
		char *r = mmap(NULL, rlen, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			       0);
		uintptr_t a;

		if (r == MAP_FAILED)
			bench_die("mmap reservation");
		a = ((uintptr_t)r + 2 * MIB - 1) & ~(uintptr_t)(2 * MIB - 1);
		p = mmap((void *)a, len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, 0);
		if (p == MAP_FAILED)
			bench_die("mmap MAP_FIXED");
		if (a > (uintptr_t)r)
			munmap(r, a - (uintptr_t)r);
		if ((uintptr_t)r + rlen > a + len)
			munmap((void *)(a + len), (uintptr_t)r + rlen - a - len);
	} else {
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			bench_die("mmap %zu", len);
	}
	if (b4_is_thp(k) && madvise(p, len, MADV_HUGEPAGE))
		bench_die("madvise(MADV_HUGEPAGE)");
	return p;
}

/* Write one byte to every 4 KiB page; returns MiB/s. */
static double b4_touch(void *p)
{
	volatile char *c = p;
	double t0 = bench_now_ns(), t;

	for (size_t off = 0; off < P.b4_bytes; off += 4096)
		c[off] = 1;
	t = bench_now_ns() - t0;
	return (double)P.b4_bytes / MIB / (t / 1e9);
}

static void b4_trial(struct b4_variant *v)
{
	enum b4_kind k = v->kind;
	int fd, pipefd[2], st;
	long h0, m0, g0, s0;
	void *p;
	double second = 0;
	pid_t pid;

	/* The previous trial's memory may still be on its way out. */
	settle();
	s0 = meminfo_kb("Shmem");
	fd = b4_create(k);
	h0 = meminfo_kb("ShmemHugePages");
	m0 = meminfo_kb("ShmemPmdMapped");
	g0 = meminfo_kb("HugePages_Free");
	p = b4_map(k, fd);

	if (((uintptr_t)p & (2 * MIB - 1)) == 0)
		v->aligned++;
	v->first[v->n] = b4_touch(p);
	if (k == B4_MEMFD_HUGETLB)
		v->huge_kb[v->n] = (double)(g0 - meminfo_kb("HugePages_Free")) *
				   (double)meminfo_kb("Hugepagesize");
	else
		v->huge_kb[v->n] = (double)(meminfo_kb("ShmemHugePages") - h0);
	v->pmd_kb[v->n] = (double)(meminfo_kb("ShmemPmdMapped") - m0);
	munmap(p, P.b4_bytes);

	if (pipe2(pipefd, O_CLOEXEC))
		bench_die("pipe");
	pid = fork();
	if (pid < 0)
		bench_die("fork");
	if (pid == 0) {
		int cfd = b4_reopen(k, fd);
		void *q = b4_map(k, cfd);
		double mibs = b4_touch(q);

		if (write(pipefd[1], &mibs, sizeof(mibs)) != sizeof(mibs))
			_exit(1);
		_exit(0);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &second, sizeof(second)) != sizeof(second))
		bench_die("second process of %s failed", v->label);
	close(pipefd[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		bench_die("second process of %s exited badly", v->label);
	v->second[v->n] = second;

	close(fd);
	if (k == B4_POSIX)
		shm_unlink(b4_name(k));
	if (k == B4_MEMFD_HUGETLB)
		v->left_kb[v->n] = (double)(g0 - meminfo_kb("HugePages_Free")) *
				   (double)meminfo_kb("Hugepagesize");
	else
		v->left_kb[v->n] = (double)(meminfo_kb("Shmem") - s0);
	v->n++;
}

static void bench_b4(void)
{
	const char *thp = "/sys/kernel/mm/transparent_hugepage/shmem_enabled";
	char thp_old[128], *sel, word[32] = "";
	long want = (long)(P.b4_bytes / (2 * MIB)) + 4, old_pool;
	bool have_thp, have_hugetlb;
	struct b4_variant v[B4_NKINDS] = {
		[B4_NSHM] = { "namedshm, 4 KiB pages", B4_NSHM, true },
		[B4_MEMFD] = { "memfd, 4 KiB pages", B4_MEMFD, true },
		[B4_POSIX] = { "shm_open, 4 KiB pages", B4_POSIX, true },
		[B4_NSHM_HUGE] = { "namedshm, NAMEDSHM_OPEN_HUGE",
				   B4_NSHM_HUGE },
		[B4_MEMFD_THP] = { "memfd + MADV_HUGEPAGE (shmem THP)",
				   B4_MEMFD_THP },
		[B4_NSHM_THP] = { "namedshm + MADV_HUGEPAGE (shmem THP)",
				  B4_NSHM_THP },
		[B4_NSHM_THP_ALIGNED] = {
			"namedshm + MADV_HUGEPAGE, 2 MiB-aligned mmap",
			B4_NSHM_THP_ALIGNED },
		[B4_MEMFD_HUGETLB] = { "memfd MFD_HUGETLB (2 MiB hugetlb)",
				       B4_MEMFD_HUGETLB },
	};

#ifdef NAMEDSHM_OPEN_HUGE
	v[B4_NSHM_HUGE].avail = true;
#endif
	/* Shmem THP for MADV_HUGEPAGE mappings only: 4 KiB rows unaffected. */
	read_line(thp, thp_old, sizeof(thp_old));
	sel = strchr(thp_old, '[');
	if (sel)
		sscanf(sel + 1, "%31[^]]", word);
	have_thp = thp_old[0] && !write_file(thp, "advise");
	v[B4_MEMFD_THP].avail = v[B4_NSHM_THP].avail =
		v[B4_NSHM_THP_ALIGNED].avail = have_thp;

	old_pool = read_long("/proc/sys/vm/nr_hugepages");
	if (old_pool >= 0) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%ld", want);
		write_file("/proc/sys/vm/nr_hugepages", buf);
	}
	have_hugetlb = meminfo_kb("HugePages_Free") >= want - 4 &&
		       meminfo_kb("Hugepagesize") == 2048;
	v[B4_MEMFD_HUGETLB].avail = have_hugetlb;

	progress("B4: first touch of a %zu MiB MAP_SHARED mapping, then a "
		 "second process; %d trials; shmem_enabled was [%s], THP %s, "
		 "hugetlb %s",
		 P.b4_bytes / MIB, P.b4_reps, word,
		 have_thp ? "on" : "unavailable",
		 have_hugetlb ? "on" : "unavailable");
	for (int i = 0; i < B4_NKINDS; i++)
		if (v[i].avail)
			b4_trial(&v[i]); /* warm-up */
	for (int i = 0; i < B4_NKINDS; i++)
		v[i].n = v[i].aligned = 0;
	for (int r = 0; r < P.b4_reps; r++)
		for (int k = 0; k < B4_NKINDS; k++) {
			struct b4_variant *x = &v[(r + k) % B4_NKINDS];

			if (x->avail)
				b4_trial(x);
		}
	if (have_thp && word[0])
		write_file(thp, word);
	if (old_pool >= 0) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%ld", old_pool);
		write_file("/proc/sys/vm/nr_hugepages", buf);
	}

	for (int i = 0; i < B4_NKINDS; i++)
		if (v[i].avail)
			progress("  %-46s first %7.0f MiB/s, second %7.0f "
				 "MiB/s; huge %6.0f KiB, PMD-mapped %6.0f KiB,"
				 " %d/%d aligned; %6.0f KiB left right after "
				 "the last close",
				 v[i].label, median(v[i].first, v[i].n),
				 median(v[i].second, v[i].n),
				 median(v[i].huge_kb, v[i].n),
				 median(v[i].pmd_kb, v[i].n), v[i].aligned,
				 v[i].n, median(v[i].left_kb, v[i].n));

	double mf = median(v[B4_MEMFD].first, v[B4_MEMFD].n);
	double ms = median(v[B4_MEMFD].second, v[B4_MEMFD].n);
	struct row *r;


	r = add_row("B4", "first touch, 256 MiB, 4 KiB pages", "MiB/s", HIGHER,
		    median(v[B4_NSHM].first, v[B4_NSHM].n), "memfd", mf, 0.95,
		    v[B4_NSHM].n);
	snprintf(r->note, sizeof(r->note),
		 "memory still allocated right after the last close: "
		 "namedshm %.0f MiB, memfd %.0f MiB, shm_open (after unlink) "
		 "%.0f MiB",
		 median(v[B4_NSHM].left_kb, v[B4_NSHM].n) / KIB,
		 median(v[B4_MEMFD].left_kb, v[B4_MEMFD].n) / KIB,
		 median(v[B4_POSIX].left_kb, v[B4_POSIX].n) / KIB);
	add_row("B4", "first touch, 256 MiB, 4 KiB pages", "MiB/s", HIGHER,
		median(v[B4_NSHM].first, v[B4_NSHM].n), "shm_open",
		median(v[B4_POSIX].first, v[B4_POSIX].n), 0, v[B4_NSHM].n);
	add_row("B4", "second process touches the same pages", "MiB/s",
		HIGHER, median(v[B4_NSHM].second, v[B4_NSHM].n), "memfd", ms,
		0.95, v[B4_NSHM].n);
	add_row("B4", "second process touches the same pages", "MiB/s",
		HIGHER, median(v[B4_NSHM].second, v[B4_NSHM].n), "shm_open",
		median(v[B4_POSIX].second, v[B4_POSIX].n), 0, v[B4_NSHM].n);
	r = add_row("B4", "first touch, namedshm large pages", "MiB/s",
		    HIGHER, median(v[B4_NSHM_HUGE].first, v[B4_NSHM_HUGE].n),
		    "memfd, 4 KiB pages", mf, 1.5, v[B4_NSHM_HUGE].n);
	if (!v[B4_NSHM_HUGE].avail) {
		r->avail = false;
		snprintf(r->note, sizeof(r->note),
			 "not available: the module has no large-page flag "
			 "(no NAMEDSHM_OPEN_HUGE in linux/namedshm.h)");
	}
	for (int k = B4_MEMFD_THP; k < B4_NKINDS; k++) {
		char m[160];

		snprintf(m, sizeof(m), "first touch: %s", v[k].label);
		r = add_row("B4x", m, "MiB/s", HIGHER,
			    median(v[k].first, v[k].n), "memfd, 4 KiB pages",
			    mf, 0, v[k].n);
		if (!v[k].avail) {
			r->avail = false;
			snprintf(r->note, sizeof(r->note),
				 "not available on this kernel/guest");
			continue;
		}
		snprintf(r->note, sizeof(r->note),
			 "reference, not namedshm's own large pages: %.0f MiB "
			 "in huge pages, %.0f MiB PMD-mapped, %d/%d mappings "
			 "2 MiB-aligned",
			 median(v[k].huge_kb, v[k].n) / KIB,
			 median(v[k].pmd_kb, v[k].n) / KIB, v[k].aligned,
			 v[k].n);
		snprintf(m, sizeof(m), "second process: %s", v[k].label);
		add_row("B4x", m, "MiB/s", HIGHER, median(v[k].second, v[k].n),
			"memfd, 4 KiB pages", ms, 0, v[k].n);
	}
}

/* ---- B5 --------------------------------------------------------------- */

struct b5_thread {
	pthread_barrier_t *bar;
	const char *name;
	bool posix;
	long n;
	double t0, t1;
};

static void *b5_worker(void *arg)
{
	struct b5_thread *t = arg;

	pthread_barrier_wait(t->bar);
	t->t0 = bench_now_ns();
	for (long i = 0; i < t->n; i++) {
		int fd = t->posix ? shm_open(t->name, O_RDWR, 0) :
				    namedshm_open(t->name, O_RDWR, 0, 0);

		if (fd < 0)
			bench_die("open %s", t->name);
		close(fd);
	}
	t->t1 = bench_now_ns();
	return NULL;
}

/* arg: threads | posix << 8.  Returns aggregate ns per operation. */
static double t_b5(struct variant *v, long n)
{
	static const char *const nn[] = { "bench/b5/0", "bench/b5/1" };
	static const char *const pn[] = { "/bench.b5.0", "/bench.b5.1" };
	int nt = (int)(v->arg & 0xff);
	bool posix = v->arg >> 8;
	pthread_barrier_t bar;
	pthread_t tid[2];
	struct b5_thread t[2];
	double t0 = 1e300, t1 = 0;

	pthread_barrier_init(&bar, NULL, (unsigned int)nt);
	for (int i = 0; i < nt; i++) {
		t[i] = (struct b5_thread){ .bar = &bar,
					   .name = posix ? pn[i] : nn[i],
					   .posix = posix,
					   .n = n };
		if (pthread_create(&tid[i], NULL, b5_worker, &t[i]))
			bench_die("pthread_create");
	}
	for (int i = 0; i < nt; i++) {
		pthread_join(tid[i], NULL);
		if (t[i].t0 < t0)
			t0 = t[i].t0;
		if (t[i].t1 > t1)
			t1 = t[i].t1;
	}
	pthread_barrier_destroy(&bar);
	return (t1 - t0) / (double)(n * nt);
}

static void bench_b5(void)
{
	int fds[2] = { nshm_create("bench/b5/0", 4096),
		       nshm_create("bench/b5/1", 4096) };

	close(posix_create("/bench.b5.0", 4096));
	close(posix_create("/bench.b5.1", 4096));
	progress("B5: open+close from 1 and from 2 threads, distinct names");
	struct variant v[] = {
		V("namedshm, 1 thread", t_b5, NULL, 1),
		V("namedshm, 2 threads", t_b5, NULL, 2),
		V("shm_open, 1 thread", t_b5, NULL, 1 | 1 << 8),
		V("shm_open, 2 threads", t_b5, NULL, 2 | 1 << 8),
	};

	interleave(v, 4, P.n_open, P.reps);
	add_row("B5", "open+close throughput, 2 threads vs 1", "ops/s", HIGHER,
		1e9 / v_median(&v[1]), "namedshm, 1 thread",
		1e9 / v_median(&v[0]), 1.7, v[1].n);
	struct row *r = add_row("B5", "shm_open: 2 threads vs 1", "ops/s",
				HIGHER, 1e9 / v_median(&v[3]),
				"shm_open, 1 thread", 1e9 / v_median(&v[2]), 0,
				v[3].n);
	snprintf(r->note, sizeof(r->note),
		 "not namedshm: the POSIX scaling on the same guest, for "
		 "comparison");
	add_row("B5", "open+close throughput, 2 threads", "ops/s", HIGHER,
		1e9 / v_median(&v[1]), "shm_open, 2 threads",
		1e9 / v_median(&v[3]), 0, v[1].n);
	close(fds[0]);
	close(fds[1]);
	shm_unlink("/bench.b5.0");
	shm_unlink("/bench.b5.1");
}

/* ---- B6 --------------------------------------------------------------- */

#define B6_SIZE (64 * KIB)

static double t_raw_map(struct variant *v, long n)
{
	int fd = (int)v->arg;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, B6_SIZE, PROT_READ | PROT_WRITE,
			       MAP_SHARED, fd, 0);

		if (p == MAP_FAILED)
			bench_die("mmap");
		munmap(p, B6_SIZE);
	}
	return (bench_now_ns() - t0) / (double)n;
}

/* What MapViewOfFile does for 64 KiB alignment, without the bookkeeping. */
static double t_raw_map_aligned(struct variant *v, long n)
{
	int fd = (int)v->arg;
	const uintptr_t gran = 64 * KIB;
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		size_t rlen = B6_SIZE + gran - 4096;
		char *r = mmap(NULL, rlen, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
			       0);
		uintptr_t a = ((uintptr_t)r + gran - 1) & ~(gran - 1);
		void *p;

		if (r == MAP_FAILED)
			bench_die("mmap");
		p = mmap((void *)a, B6_SIZE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, 0);
		if (p == MAP_FAILED)
			bench_die("mmap MAP_FIXED");
		if (a > (uintptr_t)r)
			munmap(r, a - (uintptr_t)r);
		if ((uintptr_t)r + rlen > a + B6_SIZE)
			munmap((void *)(a + B6_SIZE),
			       (uintptr_t)r + rlen - a - B6_SIZE);
		munmap(p, B6_SIZE);
	}
	return (bench_now_ns() - t0) / (double)n;
}

static double t_ce_map(struct variant *v, long n)
{
	(void)v;
	return ce_trial_map_unmap(n);
}

static double t_ce_map_base(struct variant *v, long n)
{
	(void)v;
	return ce_trial_map_unmap_at_base(n);
}

static void bench_b6(void)
{
	int fd;

	ce_setup("bench.b6", B6_SIZE);
	/* CE names map to kernel names unchanged: the same object. */
	fd = namedshm_open("bench.b6", O_RDWR, 0, 0);
	if (fd < 0)
		bench_die("namedshm_open(bench.b6)");
	progress("B6: map + unmap a 64 KiB view, CE layer vs raw mmap");
	struct variant v[] = {
		V("MapViewOfFile+UnmapViewOfFile", t_ce_map, NULL, 0),
		V("mmap+munmap", t_raw_map, NULL, fd),
		V("mmap reserve+MAP_FIXED+trim, munmap", t_raw_map_aligned, NULL, fd),
		V("MapViewOfFileEx(base)+UnmapViewOfFile", t_ce_map_base, NULL, 0),
	};

	interleave(v, 4, P.n_map, P.reps);
	add_row("B6", "map + unmap a 64 KiB view", "ns/op", LOWER,
		v_median(&v[0]), "mmap+munmap of the same object",
		v_median(&v[1]), 1.1, v[0].n);
	struct row *r = add_row("B6", "64 KiB-aligned mmap by hand (4 syscalls)",
				"ns/op", LOWER, v_median(&v[2]),
				"mmap+munmap of the same object",
				v_median(&v[1]), 0, v[2].n);
	snprintf(r->note, sizeof(r->note),
		 "no CE layer: what 64 KiB alignment costs in system calls");
	r = add_row("B6", "MapViewOfFileEx at a given base + Unmap", "ns/op",
		    LOWER, v_median(&v[3]), "mmap+munmap of the same object",
		    v_median(&v[1]), 0, v[3].n);
	snprintf(r->note, sizeof(r->note),
		 "one MAP_FIXED_NOREPLACE mmap: the CE bookkeeping alone");
	close(fd);
	ce_teardown();
}

/* ---- Setup ------------------------------------------------------------ */

static void prepare(void)
{
	struct rlimit rl = { 300000, 300000 };
	struct utsname u;
	char buf[256];
	long v;

	if (uname(&u))
		bench_die("uname");
	snprintf(kernel_release, sizeof(kernel_release), "%s", u.release);

	/* Every live namedshm object is an open handle: 100,000+ fds. */
	if (read_long("/proc/sys/fs/nr_open") < (long)rl.rlim_max)
		write_file("/proc/sys/fs/nr_open", "1048576");
	if (setrlimit(RLIMIT_NOFILE, &rl))
		bench_die("setrlimit(RLIMIT_NOFILE, %lu)",
			  (unsigned long)rl.rlim_max);

	/* SysV: as many segments as the kernel allows, up to b3_large. */
	snprintf(buf, sizeof(buf), "%ld", P.b3_large + 64);
	if (write_file("/proc/sys/kernel/shmmni", buf))
		write_file("/proc/sys/kernel/shmmni", "32768");
	v = read_long("/proc/sys/kernel/shmmni");
	sysv_max = v - 64 < P.b3_large ? v - 64 : P.b3_large;

	/* The module's own limits must allow the large table. */
	v = read_long("/sys/module/namedshm/parameters/max_user_regions");
	if (v >= 0 && v < P.b3_large + 1000) {
		snprintf(buf, sizeof(buf), "%ld", P.b3_large + 1000);
		write_file("/sys/module/namedshm/parameters/max_user_regions",
			   buf);
	}

	printf("# namedshm_bench (%s mode)\n", P.quick ? "quick" : "full");
	printf("# kernel %s %s, %ld CPUs online, MemTotal %ld kB\n", u.release,
	       u.machine, sysconf(_SC_NPROCESSORS_ONLN),
	       meminfo_kb("MemTotal"));
	printf("# clocksource %s\n",
	       read_line("/sys/devices/system/clocksource/clocksource0/"
			 "current_clocksource",
			 buf, sizeof(buf)));
	printf("# shmem THP %s\n",
	       read_line("/sys/kernel/mm/transparent_hugepage/shmem_enabled",
			 buf, sizeof(buf)));
	printf("# RLIMIT_NOFILE %lu, kernel.shmmni %ld (SysV large table: "
	       "%ld), namedshm max_regions %ld max_user_regions %ld\n",
	       (unsigned long)rl.rlim_cur, read_long("/proc/sys/kernel/shmmni"),
	       sysv_max, read_long("/sys/module/namedshm/parameters/max_regions"),
	       read_long("/sys/module/namedshm/parameters/max_user_regions"));
	printf("# /proc/slabinfo %s\n",
	       access("/proc/slabinfo", R_OK) ? "unreadable" : "readable");
	printf("# trials: %d per variant (B3: %d per phase, %d alternations; "
	       "B4: %d), ops per trial: open %ld, create %ld, map %ld, "
	       "lock %ld, ping-pong %ld, wake %ld, sync create %ld\n",
	       P.reps, P.b3_reps, P.b3_cycles, P.b4_reps, P.n_open, P.n_create,
	       P.n_map, P.n_lock, P.n_pingpong, P.n_wake, P.n_sync_create);
#ifdef NAMEDSHM_OPEN_HUGE
	printf("# NAMEDSHM_OPEN_HUGE: defined\n");
#else
	printf("# NAMEDSHM_OPEN_HUGE: not defined by linux/namedshm.h\n");
#endif
	fflush(stdout);
}

static bool selected(const char *only, const char *what)
{
	size_t len = strlen(what);
	const char *p = only;

	if (!only)
		return true;
	while ((p = strstr(p, what))) {
		if ((p == only || p[-1] == ',') &&
		    (p[len] == ',' || p[len] == '\0'))
			return true;
		p += len;
	}
	return false;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	double t0 = bench_now_ns();

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			P = P_QUICK;
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = argv[++i];
		} else {
			fprintf(stderr,
				"usage: %s [--quick] [--only A,B1,...,B6,S1,...,S4]\n",
				argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	prepare();
	if (selected(only, "B1"))
		bench_b1();
	if (selected(only, "A"))
		bench_analysis();
	if (selected(only, "B2"))
		bench_b2();
	if (selected(only, "B5"))
		bench_b5();
	if (selected(only, "B6"))
		bench_b6();
	if (selected(only, "B3"))
		bench_b3_m1();
	if (selected(only, "B4"))
		bench_b4();
	if (selected(only, "S1"))
		bench_s1();
	if (selected(only, "S2"))
		bench_s2();
	if (selected(only, "S3"))
		bench_s3();
	if (selected(only, "S4"))
		bench_s4();
	progress("done in %.0f s", (bench_now_ns() - t0) / 1e9);
	printf("# run time %.0f s\n", (bench_now_ns() - t0) / 1e9);
	print_results();
	return 0;
}
