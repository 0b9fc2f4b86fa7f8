/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the namedshm benchmark's translation units.  The CE layer
 * (cemapping.h) lives in bench_ce.c alone, since its Win32 type and macro
 * names should not meet the rest of the program.
 */
#ifndef NAMEDSHM_BENCH_H
#define NAMEDSHM_BENCH_H

#include <stdbool.h>
#include <stddef.h>

/* Monotonic time in nanoseconds. */
double bench_now_ns(void);

/* Print to stderr and exit(1). */
void bench_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

/*
 * B6: the CE layer.  ce_setup() creates the 64 KiB object NAME through
 * CreateFileMappingA() and keeps its HANDLE; the trials time @n iterations
 * and return nanoseconds per iteration.
 */
void ce_setup(const char *name, size_t size);
void ce_teardown(void);
double ce_trial_map_unmap(long n);
/* MapViewOfFileEx at a fixed, free, 64 KiB-aligned base: one mmap. */
double ce_trial_map_unmap_at_base(long n);

#endif /* NAMEDSHM_BENCH_H */
