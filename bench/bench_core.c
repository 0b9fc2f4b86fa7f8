// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's framework, shared by every benchmark file: the run's
 * parameters, utilities, result rows (the table and its JSON), and
 * interleaved trials.  See bench.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

/* ---- Parameters ------------------------------------------------------- */

struct params P = {
	.reps = 11,
	.n_open = 20000,
	.n_create = 5000,
	.n_map = 10000,
	.b3_large = 100000,
	.b3_cycles = 3,
	.b3_reps = 4,
	.b4_reps = 7,
	.b4_bytes = 256 * MIB,
	.n_lock = 20000,
	.n_pingpong = 2000,
	.n_wake = 300,
	.n_sync_create = 2000,
};

const struct params P_QUICK = {
	.reps = 3,
	.n_open = 2000,
	.n_create = 800,
	.n_map = 2000,
	.b3_large = 100000,
	.b3_cycles = 1,
	.b3_reps = 2,
	.b4_reps = 2,
	.b4_bytes = 256 * MIB,
	.n_lock = 4000,
	.n_pingpong = 300,
	.n_wake = 100,
	.n_sync_create = 400,
	.quick = true,
};

char kernel_release[128];

/* ---- Utilities -------------------------------------------------------- */

double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

void bench_die(const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	fflush(stdout);
	fprintf(stderr, "namedshm_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %d: %s)\n", err, strerror(err));
	exit(1);
}

void progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "[bench %6.1fs] ", bench_now_ns() / 1e9);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double median(const double *v, int n)
{
	double tmp[64];

	if (n <= 0)
		return 0;
	if (n > 64)
		n = 64;
	memcpy(tmp, v, (size_t)n * sizeof(*v));
	qsort(tmp, (size_t)n, sizeof(*tmp), cmp_double);
	return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(val), w;

	if (fd < 0)
		return -1;
	w = write(fd, val, (size_t)len);
	close(fd);
	return w == len ? 0 : -1;
}

/* First line of @path, without the newline, or "" . */
const char *read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return buf;
	if (!fgets(buf, (int)size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

long read_long(const char *path)
{
	char buf[64];

	read_line(path, buf, sizeof(buf));
	return buf[0] ? strtol(buf, NULL, 10) : -1;
}

/* A /proc/meminfo field in kB, -1 if absent. */
long meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "re");
	size_t klen = strlen(key);
	char line[256];
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Busy time of all CPUs, in ns, from /proc/stat (USER_HZ resolution). */
double cpu_busy_ns(void)
{
	unsigned long long u, ni, sy, id, io, irq, sirq, st;
	FILE *f = fopen("/proc/stat", "re");
	int got;

	if (!f)
		return 0;
	got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &u, &ni,
		     &sy, &id, &io, &irq, &sirq, &st);
	fclose(f);
	if (got != 8)
		return 0;
	return (double)(u + ni + sy + irq + sirq + st) * 1e9 /
	       (double)sysconf(_SC_CLK_TCK);
}

/* Let RCU callbacks and deferred fput()s run before a measurement. */
void settle(void)
{
	usleep(500000);
}

/* ---- Results ---------------------------------------------------------- */

static struct row rows[160];
static int nrows;

struct row *add_row(const char *bench, const char *metric,
			   const char *unit, enum better better, double value,
			   const char *baseline, double base, double target,
			   int samples)
{
	struct row *r;

	if (nrows == (int)(sizeof(rows) / sizeof(rows[0])))
		bench_die("too many result rows");
	r = &rows[nrows++];
	memset(r, 0, sizeof(*r));
	snprintf(r->bench, sizeof(r->bench), "%s", bench);
	snprintf(r->metric, sizeof(r->metric), "%s", metric);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	snprintf(r->baseline, sizeof(r->baseline), "%s", baseline);
	r->better = better;
	r->avail = true;
	r->value = value;
	r->base = base;
	r->target = target;
	r->samples = samples;
	return r;
}

static bool row_met(const struct row *r)
{
	double ratio = r->value / r->base;

	return r->better == LOWER ? ratio <= r->target : ratio >= r->target;
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

void print_results(void)
{
	printf("\n%-4s %-58s %12s  %-34s %12s %7s %8s %s\n", "", "metric",
	       "namedshm", "baseline", "value", "ratio", "target", "");
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		char tgt[16] = "", val[24], ratio[16];
		const char *met = "";

		if (!r->avail) {
			snprintf(val, sizeof(val), "n/a");
			snprintf(ratio, sizeof(ratio), "-");
		} else {
			snprintf(val, sizeof(val), "%.4g", r->value);
			snprintf(ratio, sizeof(ratio), "%.3f",
				 r->value / r->base);
		}
		if (r->target) {
			snprintf(tgt, sizeof(tgt), "%s%.2f",
				 r->better == LOWER ? "<=" : ">=", r->target);
			met = !r->avail ? "not available" :
			      row_met(r) ? "met" : "MISSED";
		}
		printf("%-4s %-51s %-6s %12s  %-34.34s %12.4g %7s %8s %s\n",
		       r->bench, r->metric, r->unit, val, r->baseline, r->base,
		       ratio, tgt, met);
		if (r->note[0])
			printf("%-4s   note: %s\n", "", r->note);
	}
	printf("(ratio = namedshm / baseline; %s)\n",
	       "lower is better for ns and bytes, higher for MiB/s, ops/s");

	printf("\nNAMEDSHM_BENCH_JSON_BEGIN\n");
	for (int i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];

		printf("{\"bench\":");
		json_str(r->bench);
		printf(",\"kernel\":");
		json_str(kernel_release);
		printf(",\"metric\":");
		json_str(r->metric);
		printf(",\"unit\":");
		json_str(r->unit);
		printf(",\"lower_is_better\":%s",
		       r->better == LOWER ? "true" : "false");
		if (r->avail)
			printf(",\"namedshm\":%.6g", r->value);
		else
			printf(",\"namedshm\":null");
		printf(",\"baseline\":");
		json_str(r->baseline);
		printf(",\"baseline_value\":%.6g", r->base);
		if (r->avail)
			printf(",\"ratio\":%.4f", r->value / r->base);
		else
			printf(",\"ratio\":null");
		if (r->target) {
			printf(",\"target\":\"%s%.2f\"",
			       r->better == LOWER ? "<=" : ">=", r->target);
			if (r->avail)
				printf(",\"met\":%s",
				       row_met(r) ? "true" : "false");
			else
				printf(",\"met\":null");
		} else {
			printf(",\"target\":null,\"met\":null");
		}
		printf(",\"available\":%s", r->avail ? "true" : "false");
		printf(",\"samples\":%d,\"mode\":\"%s\"", r->samples,
		       P.quick ? "quick" : "full");
		printf(",\"note\":");
		json_str(r->note);
		printf("}\n");
	}
	printf("NAMEDSHM_BENCH_JSON_END\n");
	fflush(stdout);
}

/* ---- Interleaved trials ----------------------------------------------- */

double v_median(const struct variant *v)
{
	return median(v->wall, v->n);
}

/*
 * Busy time of all CPUs per operation, over all timed trials together:
 * /proc/stat counts in 10 ms ticks, too coarse for one trial.  It includes
 * work the operation defers to other CPUs (RCU callbacks, kworkers).
 */
double v_cpu(const struct variant *v)
{
	return v->ops ? v->cpu_ns / v->ops : 0;
}

/*
 * One untimed warm-up per variant, then @reps rounds; round r runs the
 * variants starting at r % nv, so that none always goes first.
 */
void interleave(struct variant *v, int nv, long n, int reps)
{
	long warm = n / 4 ? n / 4 : 1;

	for (int i = 0; i < nv; i++)
		v[i].trial(&v[i], warm);
	for (int r = 0; r < reps; r++) {
		for (int k = 0; k < nv; k++) {
			struct variant *x = &v[(r + k) % nv];
			double c0, c1, w;

			if (x->n == MAX_SAMPLES)
				bench_die("too many samples for %s", x->label);
			c0 = cpu_busy_ns();
			w = x->trial(x, n);
			c1 = cpu_busy_ns();
			x->wall[x->n] = w;
			x->cpu_ns += c1 - c0;
			x->ops += (double)n;
			x->n++;
		}
	}
	for (int i = 0; i < nv; i++)
		progress("  %-44s median %10.0f ns/op (%d samples)",
			 v[i].label, v_median(&v[i]), v[i].n);
}
