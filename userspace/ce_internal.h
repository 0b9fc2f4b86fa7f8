/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the CE / Win32 file-mapping layer (include/cemapping.h),
 * shared by userspace/ce_*.c.  Not installed.
 *
 * Files:
 *   ce_handles.c  handle table, CloseHandle, DuplicateHandle,
 *                 GetLastError/SetLastError, GetCurrentProcess, the fork
 *                 guard
 *   ce_mapping.c  CreateFileMapping, OpenFileMapping, object names,
 *                 the kernel open
 *   ce_views.c    MapViewOfFile(Ex), UnmapViewOfFile, FlushViewOfFile,
 *                 GetSystemInfo
 *   ce_file.c     CreateFileForMapping
 *   ce_tables.c   access masks and page protections -> rights, errno ->
 *                 Win32 errors: every translation table
 *   ce_sync.c     events, mutexes, semaphores, WaitFor*Object(s), the
 *                 per-thread owner token
 *
 * The layer reaches the module only through the native API (namedshm.h):
 * namedshm_open_with(), namedshm_dup(), namedshm_stat().
 *
 * Locks, outermost first:
 *   fork guard    a reader-writer lock: every section that makes a
 *                 descriptor and records it in the handle table, or
 *                 unrecords one and closes it, holds it shared; fork()
 *                 holds it exclusively (pthread_atfork), see ce_handles.c.
 *   table lock    ce_handles.c's mutex for the handle table
 *   view lock     ce_views.c's mutex for the view table
 * The table and view locks are never held together, and no system call
 * that can block for long (mmap of a file, msync, open) runs under either,
 * except munmap() in UnmapViewOfFile.  Opening files (CreateFileForMapping)
 * does run under the shared fork guard, which only delays fork().
 */
#ifndef CE_INTERNAL_H
#define CE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cemapping.h"
#include "internal.h"

/* Allocation granularity: offsets and view bases are multiples of it. */
#define CE_GRANULARITY 65536UL

/* Rights of a handle (mapping: what views it may map; file: its mode). */
#define CE_R 1U /* FILE_MAP_READ / GENERIC_READ */
#define CE_W 2U /* FILE_MAP_WRITE / GENERIC_WRITE */
#define CE_X 4U /* FILE_MAP_EXECUTE */
/* Sync objects: CE_W is *_MODIFY_STATE, CE_S SYNCHRONIZE (may wait). */
#define CE_S 8U

/* What a handle refers to. */
enum ce_kind {
	CE_KIND_FREE = 0,
	CE_KIND_MAPPING = 1, /* a namedshm handle fd */
	CE_KIND_FILE = 2,    /* a regular file fd (CreateFileForMapping) */
	CE_KIND_EVENT = 3,   /* namedshm handle fds of sync objects */
	CE_KIND_MUTEX = 4,
	CE_KIND_SEMAPHORE = 5,
};

static inline bool ce_kind_is_sync(enum ce_kind kind)
{
	return kind == CE_KIND_EVENT || kind == CE_KIND_MUTEX ||
	       kind == CE_KIND_SEMAPHORE;
}

/* Rights of a sync handle of @kind opened with @access (ce_sync.c). */
unsigned int ce_sync_rights(enum ce_kind kind, DWORD access);

/* A new read-only (no *_MODIFY_STATE) handle fd to the sync object @fd. */
int ce_sync_dup_readonly(int fd, bool inherit);

/*
 * The name rules of the layer (ce_mapping.c): an A or W name to the
 * kernel name @kname/@klen; @buf holds CE_NAME_BUF bytes.  0 or a Win32
 * error.
 */
#define CE_NAME_BUF (3 * (MAX_PATH - 1) + 1)
DWORD ce_name_a(LPCSTR name, const char **kname, size_t *klen);
DWORD ce_name_w(LPCWSTR name, char *buf, const char **kname, size_t *klen);

/*
 * A handle in use by one call: ce_handle_get() copies the slot and pins
 * it, so that a concurrent CloseHandle() cannot close (and let the system
 * reuse) the descriptor while the call still uses it.  The last of
 * CloseHandle() and ce_handle_put() closes the descriptor.
 */
struct ce_ref {
	uint32_t idx;
	enum ce_kind kind;
	int fd;
	unsigned int rights;
	bool file_backed; /* mapping: the object is backed by a file */
	uint64_t size;	  /* mapping: size of the object in bytes */
};

/* Thread's last error. */
void ce_set_error(DWORD err);

/*
 * Add a handle for @fd.  Returns the HANDLE, or NULL with
 * ERROR_NOT_ENOUGH_MEMORY set (the caller still owns @fd then).
 */
HANDLE ce_handle_add(enum ce_kind kind, int fd, unsigned int rights,
		     bool file_backed, uint64_t size);

/*
 * Pin the handle @h of @kind (CE_KIND_FREE: either kind) and describe it
 * in @ref.  false with ERROR_INVALID_HANDLE set when @h is not a live
 * handle of that kind.
 */
bool ce_handle_get(HANDLE h, enum ce_kind kind, struct ce_ref *ref);
void ce_handle_put(const struct ce_ref *ref);

#ifdef NAMEDSHM_TEST_HOOKS
/* Test builds only (host checks): live slots that hold descriptor @fd. */
unsigned int ce_handle_fd_records(int fd);
#endif

/*
 * Rights of a mapping handle opened with the access mask @access
 * (OpenFileMapping, DuplicateHandle): FILE_MAP_READ or FILE_MAP_COPY give
 * read, FILE_MAP_WRITE write, FILE_MAP_EXECUTE execute; GENERIC_* map to
 * them as for sections.
 */
unsigned int ce_mapping_rights(DWORD access);

/* Rights of a file handle opened with the access mask @access. */
unsigned int ce_file_rights(DWORD access);

/* Rights of flProtect's page protection @page; false if it is not one. */
bool ce_page_rights(DWORD page, unsigned int *rights);

/* What failed, for the few errno values whose Win32 error depends on it. */
enum ce_err_context {
	CE_ERR_DEFAULT = 0, /* the device, mmap(), descriptors */
	CE_ERR_CREATE,	    /* creating an object (ENOSPC: a quota, 8) */
	CE_ERR_FILE_GROW,   /* extending a file (ftruncate) */
	CE_ERR_FILE_OPEN,   /* opening a file (ENOENT is not handled) */
	CE_ERR_VIEW_AT,	    /* mmap() at a requested base */
	CE_ERR_FLUSH,	    /* msync() */
};

/* Win32 error for @err in @ctx (ce_tables.c). */
DWORD ce_error(enum ce_err_context ctx, int err);

/* Win32 error for an errno from the device or from mmap(). */
DWORD ce_error_from_errno(int err);

/*
 * The fork guard: hold it (shared) across making a descriptor and
 * recording it in the handle table, and across unrecording one and
 * closing it, so that fork() never copies a descriptor the child's table
 * does not know.  Nests within a thread.  Cheap: an uncontended rwlock.
 */
void ce_fork_guard_enter(void);
void ce_fork_guard_leave(void);

/* Permission bits of the namedshm regions the layer creates. */
mode_t ce_object_mode(void);

/*
 * Open or create a region through namedshm_open_with(), with the layer's
 * object mode.  @name NULL or @len 0: unnamed.  @backing_fd is used with
 * NAMEDSHM_OPEN_BACKING_FD only.  Returns the handle fd, or -1 with errno;
 * @created (may be NULL) tells whether this call made the region,
 * @real_size (may be NULL) receives its size.
 */
int ce_kernel_open(const char *name, size_t len, unsigned int flags,
		   uint64_t size, int backing_fd, bool *created,
		   uint64_t *real_size);

/*
 * Reopen the regular file behind @fd read-only through /proc/self/fd.
 * Returns the new fd or -1.
 */
int ce_file_reopen_readonly(int fd, bool inherit);

/*
 * Convert @units UTF-16 code units to NUL-terminated UTF-8 in @out, which
 * must hold 3 * @units + 1 bytes.  Returns the byte length, or -1 if the
 * input holds an unpaired surrogate.
 */
ssize_t ce_utf16_to_utf8(const WCHAR *in, size_t units, char *out);

/* Length in code units of a NUL-terminated UTF-16 string. */
size_t ce_utf16_len(const WCHAR *s);

#endif /* CE_INTERNAL_H */
