// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CE layer: views (MapViewOfFile, MapViewOfFileEx, UnmapViewOfFile,
 * FlushViewOfFile) and GetSystemInfo.
 *
 * The layer records every view it maps in a table sorted by base address
 * (base, page-rounded length, access), so that UnmapViewOfFile() and
 * FlushViewOfFile() accept any address inside a view and refuse every
 * other address.
 *
 * Alignment: view bases are multiples of the allocation granularity
 * (64 KiB).  The module places every mapping of a handle on such a
 * boundary itself, so a plain mmap() normally gives an aligned view in one
 * call.  If it does not (an older module), the layer reserves an inaccessible
 * anonymous area one granule larger than the view, maps the view with
 * MAP_FIXED at the first aligned address inside it and unmaps the rest of
 * the reservation on both sides.  The reservation is the calling
 * thread's own, so nothing else can be mapped in it meanwhile.  With a
 * requested base, MAP_FIXED_NOREPLACE maps exactly there or fails.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ce_internal.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

struct ce_view {
	uintptr_t base;
	size_t len;	    /* page-rounded */
	DWORD access;	    /* the FILE_MAP_* it was mapped with */
	bool file_backed;
};

static pthread_mutex_t view_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t view_once = PTHREAD_ONCE_INIT;
static struct ce_view *views;
static size_t nr_views, cap_views;

static void atfork_prepare(void)
{
	pthread_mutex_lock(&view_lock);
}

static void atfork_release(void)
{
	pthread_mutex_unlock(&view_lock);
}

static void views_init(void)
{
	pthread_atfork(atfork_prepare, atfork_release, atfork_release);
}

static void lock_views(void)
{
	pthread_once(&view_once, views_init);
	pthread_mutex_lock(&view_lock);
}

static void unlock_views(void)
{
	pthread_mutex_unlock(&view_lock);
}

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static uintptr_t granularity(void)
{
	size_t p = page_size();

	return p > CE_GRANULARITY ? p : CE_GRANULARITY;
}

/* Index of the first view whose base is above @addr; views locked. */
static size_t upper_bound(uintptr_t addr)
{
	size_t lo = 0, hi = nr_views;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (views[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Index of the view containing @addr, or -1; views locked. */
static ssize_t find_view(uintptr_t addr)
{
	size_t i = upper_bound(addr);

	if (i && addr - views[i - 1].base < views[i - 1].len)
		return (ssize_t)(i - 1);
	return -1;
}

static void remove_view(size_t i)
{
	memmove(&views[i], &views[i + 1], (nr_views - i - 1) * sizeof(*views));
	nr_views--;
}

/* Record a new view; false if out of memory. */
static bool add_view(const struct ce_view *v)
{
	size_t i;

	lock_views();
	/*
	 * The kernel just gave us [base, base + len): any recorded view
	 * overlapping it was unmapped behind our back (munmap()).
	 */
	i = upper_bound(v->base + v->len - 1);
	while (i && views[i - 1].base + views[i - 1].len > v->base)
		remove_view(--i);
	if (nr_views == cap_views) {
		size_t ncap = cap_views ? cap_views * 2 : 32;
		struct ce_view *n = realloc(views, ncap * sizeof(*views));

		if (!n) {
			unlock_views();
			return false;
		}
		views = n;
		cap_views = ncap;
	}
	memmove(&views[i + 1], &views[i], (nr_views - i) * sizeof(*views));
	views[i] = *v;
	nr_views++;
	unlock_views();
	return true;
}

/* Map at the first granule-aligned address of a private reservation. */
static void *map_aligned(size_t len, int prot, int flags, int fd, off_t off)
{
	uintptr_t gran = granularity();
	size_t rlen = len + gran - page_size();
	uintptr_t r, aligned, end;
	void *p;

	if (rlen < len) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	/* The module aligns handle mappings: one call is enough. */
	p = mmap(NULL, len, prot, flags, fd, off);
	if (p == MAP_FAILED || !((uintptr_t)p & (gran - 1)))
		return p;
	munmap(p, len);

	p = mmap(NULL, rlen, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return MAP_FAILED;
	r = (uintptr_t)p;
	aligned = (r + gran - 1) & ~(gran - 1);
	p = mmap((void *)aligned, len, prot, flags | MAP_FIXED, fd, off);
	if (p == MAP_FAILED) {
		int err = errno;

		munmap((void *)r, rlen);
		errno = err;
		return MAP_FAILED;
	}
	end = aligned + len;
	if (aligned > r)
		munmap((void *)r, aligned - r);
	if (r + rlen > end)
		munmap((void *)end, r + rlen - end);
	return p;
}

NAMEDSHM_EXPORT LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject,
					      DWORD dwDesiredAccess,
					      DWORD dwFileOffsetHigh,
					      DWORD dwFileOffsetLow,
					      SIZE_T dwNumberOfBytesToMap,
					      LPVOID lpBaseAddress)
{
	uint64_t off = ((uint64_t)dwFileOffsetHigh << 32) | dwFileOffsetLow;
	DWORD kind = dwDesiredAccess & (FILE_MAP_COPY | FILE_MAP_WRITE |
					FILE_MAP_READ);
	unsigned int need = 0;
	int prot, flags = MAP_SHARED;
	struct ce_view v;
	struct ce_ref ref;
	uint64_t len;
	size_t plen, pg = page_size();
	DWORD err = 0;
	void *p;

	if (!ce_handle_get(hFileMappingObject, CE_KIND_MAPPING, &ref))
		return NULL;

	/* Protection of the view and the handle rights it needs. */
	if (kind == FILE_MAP_COPY) {
		prot = PROT_READ | PROT_WRITE;
		flags = MAP_PRIVATE;
		need = CE_R;
	} else if (kind & FILE_MAP_WRITE) {
		prot = PROT_READ | PROT_WRITE;
		need = CE_W | ((kind & FILE_MAP_READ) ? CE_R : 0);
	} else if (kind & FILE_MAP_READ) {
		prot = PROT_READ;
		need = CE_R;
	} else {
		prot = PROT_NONE;
	}
	if (dwDesiredAccess & FILE_MAP_EXECUTE) {
		prot |= PROT_EXEC;
		need |= CE_X;
	}
	if (need & ~ref.rights) {
		err = ERROR_ACCESS_DENIED;
		goto out;
	}

	if (off % granularity()) {
		err = ERROR_MAPPED_ALIGNMENT;
		goto out;
	}
	if (off >= ref.size) {
		err = ERROR_INVALID_PARAMETER;
		goto out;
	}
	if (!dwNumberOfBytesToMap)
		len = ref.size - off;
	else if (dwNumberOfBytesToMap > ref.size - off)
		len = 0;
	else
		len = dwNumberOfBytesToMap;
	if (!len) {
		err = ERROR_ACCESS_DENIED; /* past the end of the object */
		goto out;
	}
	if (len > SIZE_MAX - pg) {
		/* More than the address space holds (32-bit): as Windows. */
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	plen = ((size_t)len + pg - 1) & ~(pg - 1);

	if (lpBaseAddress) {
		if ((uintptr_t)lpBaseAddress % granularity()) {
			err = ERROR_MAPPED_ALIGNMENT;
			goto out;
		}
		p = mmap(lpBaseAddress, plen, prot, flags | MAP_FIXED_NOREPLACE,
			 ref.fd, (off_t)off);
		if (p != MAP_FAILED && p != lpBaseAddress) {
			/* A kernel without MAP_FIXED_NOREPLACE put it elsewhere. */
			munmap(p, plen);
			err = ERROR_INVALID_ADDRESS;
			goto out;
		}
		if (p == MAP_FAILED) {
			/* Occupied (EEXIST) or not a usable address at all. */
			err = ce_error(CE_ERR_VIEW_AT, errno);
			goto out;
		}
	} else {
		p = map_aligned(plen, prot, flags, ref.fd, (off_t)off);
		if (p == MAP_FAILED) {
			err = ce_error_from_errno(errno);
			goto out;
		}
	}

	v.base = (uintptr_t)p;
	v.len = plen;
	v.access = dwDesiredAccess;
	v.file_backed = ref.file_backed;
	if (!add_view(&v)) {
		munmap(p, plen);
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	ce_handle_put(&ref);
	return p;

out:
	ce_handle_put(&ref);
	ce_set_error(err);
	return NULL;
}

NAMEDSHM_EXPORT LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject,
					    DWORD dwDesiredAccess,
					    DWORD dwFileOffsetHigh,
					    DWORD dwFileOffsetLow,
					    SIZE_T dwNumberOfBytesToMap)
{
	return MapViewOfFileEx(hFileMappingObject, dwDesiredAccess,
			       dwFileOffsetHigh, dwFileOffsetLow,
			       dwNumberOfBytesToMap, NULL);
}

NAMEDSHM_EXPORT BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress)
{
	ssize_t i;

	lock_views();
	i = find_view((uintptr_t)lpBaseAddress);
	if (i < 0) {
		unlock_views();
		ce_set_error(ERROR_INVALID_ADDRESS);
		return FALSE;
	}
	/* Under the lock: nobody can map and record this range meanwhile. */
	munmap((void *)views[i].base, views[i].len);
	remove_view((size_t)i);
	unlock_views();
	return TRUE;
}

NAMEDSHM_EXPORT BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress,
					    SIZE_T dwNumberOfBytesToFlush)
{
	uintptr_t addr = (uintptr_t)lpBaseAddress, start, end, vend;
	size_t pg = page_size();
	ssize_t i;

	lock_views();
	i = find_view(addr);
	if (i < 0) {
		unlock_views();
		ce_set_error(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	vend = views[i].base + views[i].len;
	unlock_views();

	/* 0, or a count past the view: up to the end of the view. */
	if (!dwNumberOfBytesToFlush || dwNumberOfBytesToFlush > vend - addr)
		end = vend;
	else
		end = addr + dwNumberOfBytesToFlush;
	start = addr & ~(uintptr_t)(pg - 1);
	/*
	 * Not under the lock: msync() can take long.  Should another thread
	 * unmap the view meanwhile, msync() fails (ENOMEM) or flushes
	 * whatever is mapped there now, which is harmless.
	 */
	if (msync((void *)start, end - start, MS_SYNC)) {
		ce_set_error(ce_error(CE_ERR_FLUSH, errno));
		return FALSE;
	}
	return TRUE;
}

static DWORD count_cpus(DWORD_PTR *mask)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	DWORD i;

	if (n < 1)
		n = 1;
	*mask = 0;
	for (i = 0; i < (DWORD)n && i < 8 * sizeof(DWORD_PTR); i++)
		*mask |= (DWORD_PTR)1 << i;
	return (DWORD)n;
}

NAMEDSHM_EXPORT void WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo)
{
	SYSTEM_INFO si;

	if (!lpSystemInfo)
		return;
	memset(&si, 0, sizeof(si));
#if defined(__x86_64__)
	si.wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
	si.dwProcessorType = PROCESSOR_AMD_X8664;
#elif defined(__i386__)
	si.wProcessorArchitecture = PROCESSOR_ARCHITECTURE_INTEL;
	si.dwProcessorType = PROCESSOR_INTEL_PENTIUM;
#elif defined(__aarch64__)
	si.wProcessorArchitecture = PROCESSOR_ARCHITECTURE_ARM64;
#elif defined(__arm__)
	si.wProcessorArchitecture = PROCESSOR_ARCHITECTURE_ARM;
#else
	si.wProcessorArchitecture = PROCESSOR_ARCHITECTURE_UNKNOWN;
#endif
	si.dwPageSize = (DWORD)page_size();
	si.dwAllocationGranularity = (DWORD)granularity();
	/* The lowest and highest addresses a view can get. */
	si.lpMinimumApplicationAddress = (LPVOID)granularity();
#if UINTPTR_MAX > 0xffffffffU
	si.lpMaximumApplicationAddress =
		(LPVOID)((((uintptr_t)1) << 47) - granularity() - 1);
#else
	si.lpMaximumApplicationAddress =
		(LPVOID)(uintptr_t)(0xC0000000U - granularity() - 1);
#endif
	si.dwNumberOfProcessors = count_cpus(&si.dwActiveProcessorMask);
	*lpSystemInfo = si;
}
