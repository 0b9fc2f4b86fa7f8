/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the namedshm benchmark's translation units:
 *
 *   bench_core.c      the framework: parameters, utilities, result rows,
 *                     interleaved trials (declared here)
 *   namedshm_bench.c  main(), the setup of the guest, A, B1-B6, M1
 *   bench_ce.c        B6 through the CE layer
 *   bench_sync.c      S1-S4: named sync objects against futexes, pthread
 *                     mutexes, eventfd and POSIX named semaphores
 *   bench_sync_ce.c   S1-S4 through the CE layer
 *
 * The CE layer (cemapping.h) lives in bench_ce.c and bench_sync_ce.c
 * alone, since its Win32 type and macro names should not meet the rest
 * of the program.
 */
#ifndef NAMEDSHM_BENCH_H
#define NAMEDSHM_BENCH_H

#include <stdbool.h>
#include <stddef.h>

#define KIB 1024UL
#define MIB (1024UL * 1024UL)

/* ---- Parameters (bench_core.c) ----------------------------------------- */

struct params {
	int reps;	  /* timed trials per variant (B1, B2, B5, B6, A, S) */
	long n_open;	  /* operations per trial: open+close benches */
	long n_create;	  /* operations per trial: create+destroy benches */
	long n_map;	  /* operations per trial: B6 */
	long b3_large;	  /* live objects in B3's large table and M1 */
	int b3_cycles;	  /* small/large alternations in B3 */
	int b3_reps;	  /* timed trials per variant per B3 phase */
	int b4_reps;	  /* B4 trials per variant */
	size_t b4_bytes;  /* B4 mapping size */
	long n_lock;	  /* operations per trial: S1 */
	long n_pingpong;  /* round trips per trial: S2 */
	long n_wake;	  /* wake-ups per trial: S3 */
	long n_sync_create; /* operations per trial: S4 */
	bool quick;
};

extern struct params P;
extern const struct params P_QUICK;
/* The guest's uname -r, for the JSON rows; set by main's setup. */
extern char kernel_release[128];

/* ---- Utilities ------------------------------------------------------- */

/* Monotonic time in nanoseconds. */
double bench_now_ns(void);

/* Print to stderr and exit(1). */
void bench_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/* A progress line on stderr, with the time. */
void progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

double median(const double *v, int n);
/* Write @val to @path: 0, or -1. */
int write_file(const char *path, const char *val);
/* First line of @path, without the newline, or "". */
const char *read_line(const char *path, char *buf, size_t size);
long read_long(const char *path);
/* A /proc/meminfo field in kB, -1 if absent. */
long meminfo_kb(const char *key);
/* Busy time of all CPUs, in ns, from /proc/stat (USER_HZ resolution). */
double cpu_busy_ns(void);
/* Let RCU callbacks and deferred fput()s run before a measurement. */
void settle(void);

/* ---- Results --------------------------------------------------------- */

enum better { LOWER = -1, HIGHER = 1 };

struct row {
	char bench[8];
	char metric[160];
	char unit[16];
	enum better better;
	bool avail;
	double value;
	char baseline[120];
	double base;
	double target; /* 0: none */
	int samples;
	char note[200];
};

/*
 * One row: namedshm's @value against @baseline's @base (ratio = value /
 * base); @target 0 for none.  The row may be changed (note, avail) until
 * print_results().
 */
struct row *add_row(const char *bench, const char *metric, const char *unit,
		    enum better better, double value, const char *baseline,
		    double base, double target, int samples);
/* The table on stdout, then the JSON rows between their markers. */
void print_results(void);

/* ---- Interleaved trials ---------------------------------------------- */

#define MAX_SAMPLES 32

struct variant {
	const char *label;
	double (*trial)(struct variant *v, long n); /* ns per operation */
	const void *ctx;
	long arg;
	double wall[MAX_SAMPLES]; /* ns/op */
	double cpu_ns;		  /* busy ns of all CPUs, all timed trials */
	double ops;		  /* operations of all timed trials */
	int n;
};

/* A variant: label, trial function, context pointer, integer argument. */
#define V(label_, trial_, ctx_, arg_) \
	{ .label = (label_), .trial = (trial_), .ctx = (ctx_), .arg = (arg_) }

double v_median(const struct variant *v);
/* Busy time of all CPUs per operation, over all timed trials together. */
double v_cpu(const struct variant *v);
/*
 * One untimed warm-up per variant, then @reps rounds; round r runs the
 * variants starting at r % nv, so that none always goes first.
 */
void interleave(struct variant *v, int nv, long n, int reps);

/* ---- B6: the CE layer (bench_ce.c) ----------------------------------- */

/*
 * ce_setup() creates the 64 KiB object NAME through CreateFileMappingA()
 * and keeps its HANDLE; the trials time @n iterations and return
 * nanoseconds per iteration.
 */
void ce_setup(const char *name, size_t size);
void ce_teardown(void);
double ce_trial_map_unmap(long n);
/* MapViewOfFileEx at a fixed, free, 64 KiB-aligned base: one mmap. */
double ce_trial_map_unmap_at_base(long n);

/* ---- S1-S4 (bench_sync.c, bench_sync_ce.c) --------------------------- */

void bench_s1(void);
void bench_s2(void);
void bench_s3(void);
void bench_s4(void);

#endif /* NAMEDSHM_BENCH_H */
