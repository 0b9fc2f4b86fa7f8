// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CE layer: the translation tables, all in one place.
 *
 *   access masks -> handle rights    (OpenFileMapping, DuplicateHandle,
 *                                     CreateFileForMapping)
 *   page protection -> handle rights (CreateFileMapping's flProtect)
 *   errno -> Win32 error             (one common table, plus a few rows
 *                                     that differ by what failed)
 *
 * Everything else in the layer looks its answers up here.
 */
#include <errno.h>

#include "ce_internal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct ce_access_row {
	DWORD bits;	     /* any of these bits ... */
	unsigned int rights; /* ... grants these rights */
};

/* Sections.  0x8 is SECTION_MAP_EXECUTE, part of FILE_MAP_ALL_ACCESS. */
static const struct ce_access_row mapping_access[] = {
	{ GENERIC_READ | GENERIC_ALL | FILE_MAP_READ | FILE_MAP_COPY, CE_R },
	{ GENERIC_WRITE | GENERIC_ALL | FILE_MAP_WRITE, CE_W },
	{ GENERIC_EXECUTE | GENERIC_ALL | FILE_MAP_EXECUTE | 0x8, CE_X },
};

/* Files.  0x1 is FILE_READ_DATA, 0x2 FILE_WRITE_DATA. */
static const struct ce_access_row file_access[] = {
	{ GENERIC_READ | GENERIC_ALL | 0x1, CE_R },
	{ GENERIC_WRITE | GENERIC_ALL | 0x2, CE_W },
};

static unsigned int access_rights(const struct ce_access_row *t, size_t n,
				  DWORD access)
{
	unsigned int r = 0;

	for (size_t i = 0; i < n; i++)
		if (access & t[i].bits)
			r |= t[i].rights;
	return r;
}

unsigned int ce_mapping_rights(DWORD access)
{
	return access_rights(mapping_access, ARRAY_SIZE(mapping_access),
			     access);
}

unsigned int ce_file_rights(DWORD access)
{
	return access_rights(file_access, ARRAY_SIZE(file_access), access);
}

/* The one page protection of flProtect's low byte, and its rights. */
static const struct {
	DWORD page;
	unsigned int rights;
} page_rights[] = {
	{ PAGE_READONLY, CE_R },
	{ PAGE_WRITECOPY, CE_R },
	{ PAGE_READWRITE, CE_R | CE_W },
	{ PAGE_EXECUTE_READ, CE_R | CE_X },
	{ PAGE_EXECUTE_WRITECOPY, CE_R | CE_X },
	{ PAGE_EXECUTE_READWRITE, CE_R | CE_W | CE_X },
	/* NOACCESS, EXECUTE, 0 or several: not in the table (87). */
};

bool ce_page_rights(DWORD page, unsigned int *rights)
{
	for (size_t i = 0; i < ARRAY_SIZE(page_rights); i++) {
		if (page_rights[i].page == page) {
			*rights = page_rights[i].rights;
			return true;
		}
	}
	return false;
}

struct ce_errno_row {
	int err;
	DWORD win;
};

/* Every context: the device, mmap(), files, descriptors. */
static const struct ce_errno_row errors_common[] = {
	{ 0, ERROR_SUCCESS },
	{ ENOMEM, ERROR_NOT_ENOUGH_MEMORY },
	{ EFBIG, ERROR_NOT_ENOUGH_MEMORY }, /* above max_region_size */
	{ EOVERFLOW, ERROR_NOT_ENOUGH_MEMORY },
	{ EACCES, ERROR_ACCESS_DENIED },
	{ EPERM, ERROR_ACCESS_DENIED },
	{ EROFS, ERROR_ACCESS_DENIED },
	{ ENOENT, ERROR_FILE_NOT_FOUND },
	{ EEXIST, ERROR_ALREADY_EXISTS },
	{ EMFILE, ERROR_TOO_MANY_OPEN_FILES },
	{ ENFILE, ERROR_TOO_MANY_OPEN_FILES },
	/* module not loaded, or a file that cannot be mapped */
	{ ENODEV, ERROR_NOT_SUPPORTED },
	{ ENOTTY, ERROR_NOT_SUPPORTED },
	{ ENXIO, ERROR_NOT_SUPPORTED },
	{ EBADF, ERROR_INVALID_HANDLE },
	{ EPROTOTYPE, ERROR_INVALID_HANDLE }, /* the name is another kind */
	{ EINVAL, ERROR_INVALID_PARAMETER },
	{ E2BIG, ERROR_INVALID_PARAMETER },
	{ ENAMETOOLONG, ERROR_FILENAME_EXCED_RANGE },
	{ ENOSPC, ERROR_DISK_FULL },
	{ EDQUOT, ERROR_DISK_FULL },
	{ EIO, ERROR_IO_DEVICE },
	{ ETXTBSY, ERROR_SHARING_VIOLATION },
};

/*
 * Creating an object: the module's ENOSPC is a quota (max_regions,
 * max_user_bytes and the like), i.e. the commitment cannot be made, as
 * Windows says when the pagefile cannot back a section.
 */
static const struct ce_errno_row errors_create[] = {
	{ ENOSPC, ERROR_NOT_ENOUGH_MEMORY },
};

/* Extending a file (ftruncate) for a file-backed object. */
static const struct ce_errno_row errors_file_grow[] = {
	{ EFBIG, ERROR_DISK_FULL },
	{ EOVERFLOW, ERROR_DISK_FULL },
	{ ETXTBSY, ERROR_ACCESS_DENIED },
};

/* Opening a file (CreateFileForMapping); ENOENT needs the path (2 or 3). */
static const struct ce_errno_row errors_file_open[] = {
	{ ENOTDIR, ERROR_PATH_NOT_FOUND },
	{ ELOOP, ERROR_PATH_NOT_FOUND },
	{ EEXIST, ERROR_FILE_EXISTS },
	{ EISDIR, ERROR_ACCESS_DENIED },
	{ ENXIO, ERROR_ACCESS_DENIED },
	{ ENODEV, ERROR_ACCESS_DENIED },
};

/* mmap() at a requested base (MapViewOfFileEx): occupied or unusable. */
static const struct ce_errno_row errors_view_at[] = {
	{ EEXIST, ERROR_INVALID_ADDRESS },
	{ ENOMEM, ERROR_INVALID_ADDRESS },
	{ EINVAL, ERROR_INVALID_ADDRESS },
};

/* msync() (FlushViewOfFile): ENOMEM is an unmapped range. */
static const struct ce_errno_row errors_flush[] = {
	{ ENOMEM, ERROR_INVALID_ADDRESS },
};

static const struct {
	const struct ce_errno_row *rows;
	size_t n;
} errors_by_context[] = {
	[CE_ERR_DEFAULT] = { NULL, 0 },
	[CE_ERR_CREATE] = { errors_create, ARRAY_SIZE(errors_create) },
	[CE_ERR_FILE_GROW] = { errors_file_grow,
			       ARRAY_SIZE(errors_file_grow) },
	[CE_ERR_FILE_OPEN] = { errors_file_open,
			       ARRAY_SIZE(errors_file_open) },
	[CE_ERR_VIEW_AT] = { errors_view_at, ARRAY_SIZE(errors_view_at) },
	[CE_ERR_FLUSH] = { errors_flush, ARRAY_SIZE(errors_flush) },
};

static bool lookup(const struct ce_errno_row *t, size_t n, int err,
		   DWORD *win)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].err == err) {
			*win = t[i].win;
			return true;
		}
	}
	return false;
}

DWORD ce_error(enum ce_err_context ctx, int err)
{
	DWORD win;

	if ((size_t)ctx < ARRAY_SIZE(errors_by_context) &&
	    lookup(errors_by_context[ctx].rows, errors_by_context[ctx].n, err,
		   &win))
		return win;
	if (lookup(errors_common, ARRAY_SIZE(errors_common), err, &win))
		return win;
	return ERROR_GEN_FAILURE;
}

DWORD ce_error_from_errno(int err)
{
	return ce_error(CE_ERR_DEFAULT, err);
}
