// SPDX-License-Identifier: GPL-2.0
/*
 * B6: MapViewOfFile + UnmapViewOfFile through the CE layer of libnamedshm.
 * The raw mmap + munmap comparison is in namedshm_bench.c, on a native
 * handle of the same object.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdio.h>
#include <sys/mman.h>

#include <cemapping.h>

#include "bench.h"

static HANDLE ce_map;
static size_t ce_size;
static void *ce_base;

void ce_setup(const char *name, size_t size)
{
	ce_map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE,
				    0, (DWORD)size, name);
	if (!ce_map)
		bench_die("CreateFileMappingA(%s): error %u", name,
			  (unsigned int)GetLastError());
	ce_size = size;

	/*
	 * A base for MapViewOfFileEx: a free 64 KiB-aligned address, found
	 * by mapping and unmapping a larger anonymous area once.
	 */
	void *p = mmap(NULL, size + (1 << 16), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		bench_die("mmap for a base address failed");
	munmap(p, size + (1 << 16));
	ce_base = (void *)(((unsigned long)p + 0xffff) & ~0xffffUL);
}

void ce_teardown(void)
{
	if (ce_map && !CloseHandle(ce_map))
		bench_die("CloseHandle: error %u", (unsigned int)GetLastError());
	ce_map = NULL;
}

double ce_trial_map_unmap(long n)
{
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		void *p = MapViewOfFile(ce_map, FILE_MAP_WRITE, 0, 0, ce_size);

		if (!p)
			bench_die("MapViewOfFile: error %u",
				  (unsigned int)GetLastError());
		if (!UnmapViewOfFile(p))
			bench_die("UnmapViewOfFile: error %u",
				  (unsigned int)GetLastError());
	}
	return (bench_now_ns() - t0) / (double)n;
}

double ce_trial_map_unmap_at_base(long n)
{
	double t0 = bench_now_ns();

	for (long i = 0; i < n; i++) {
		void *p = MapViewOfFileEx(ce_map, FILE_MAP_WRITE, 0, 0, ce_size,
					  ce_base);

		if (p != ce_base)
			bench_die("MapViewOfFileEx at %p: %p, error %u",
				  ce_base, p, (unsigned int)GetLastError());
		if (!UnmapViewOfFile(p))
			bench_die("UnmapViewOfFile: error %u",
				  (unsigned int)GetLastError());
	}
	return (bench_now_ns() - t0) / (double)n;
}
