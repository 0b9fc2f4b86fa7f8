// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CE layer: CreateFileForMapping, CE's way to open a file that
 * CreateFileMapping then maps.
 *
 * The path is a Linux path, used as it is (A: UTF-8 bytes; W: converted
 * from UTF-16, an unpaired surrogate fails with ERROR_INVALID_PARAMETER).
 * dwShareMode is Windows' (FILE_SHARE_READ, _WRITE, _DELETE; other bits
 * fail with 87): a conflicting open fails with ERROR_SHARING_VIOLATION
 * (32), checked before the file is truncated (sharemode.c).  Every open
 * is of a readable description, which holds the share registration (so
 * GENERIC_WRITE alone needs read permission too, as access 0 always did).
 * dwFlagsAndAttributes and hTemplateFile are ignored.  New files get mode
 * 0666 minus the umask, as open(2) gives them.  The handle is never
 * inherited across exec (the security attributes must be NULL).
 *
 * Dispositions and their results:
 *   CREATE_NEW         new file; an existing one fails with 80
 *   CREATE_ALWAYS      new file (0), or the existing one truncated (183)
 *   OPEN_EXISTING      the existing file; missing fails with 2
 *   OPEN_ALWAYS        the existing file (183), or a new one (0)
 *   TRUNCATE_EXISTING  the existing file truncated (needs GENERIC_WRITE,
 *                      else 87); missing fails with 2
 * A missing directory on the way fails with 3, missing permission or a
 * directory with 5.  Only regular files can be opened (others: 5).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ce_internal.h"
#include "sharemode.h"

/* ENOENT: the file is missing (2), or a directory on the way (3)? */
static DWORD missing(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct stat st;
	char *dir;
	int ret;

	if (!slash)
		return ERROR_FILE_NOT_FOUND; /* the current directory exists */
	if (slash == path)
		return ERROR_FILE_NOT_FOUND; /* "/" exists */
	dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return ERROR_NOT_ENOUGH_MEMORY;
	ret = stat(dir, &st);
	free(dir);
	if (ret || !S_ISDIR(st.st_mode))
		return ERROR_PATH_NOT_FOUND;
	return ERROR_FILE_NOT_FOUND;
}

static DWORD open_error(const char *path, int err)
{
	if (err == ENOENT)
		return missing(path);
	return ce_error(CE_ERR_FILE_OPEN, err);
}

static HANDLE create_file_guarded(const char *path, DWORD access, DWORD share,
				  LPSECURITY_ATTRIBUTES sa, DWORD disposition)
{
	/* Truncation waits for the share check: open without O_TRUNC. */
	bool trunc = disposition == TRUNCATE_EXISTING ||
		     disposition == CREATE_ALWAYS;
	DWORD err;
	int base = O_CLOEXEC | O_NOCTTY | O_NONBLOCK, fd = -1, tries;
	unsigned int rights = 0;
	bool existed = false;
	struct stat st;
	HANDLE h;

	if (sa || (access & ~(GENERIC_READ | GENERIC_WRITE)) ||
	    !ce_share_mode_valid(share) ||
	    disposition < CREATE_NEW || disposition > TRUNCATE_EXISTING ||
	    (disposition == TRUNCATE_EXISTING && !(access & GENERIC_WRITE))) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return INVALID_HANDLE_VALUE;
	}
	if (!*path) {
		ce_set_error(ERROR_PATH_NOT_FOUND);
		return INVALID_HANDLE_VALUE;
	}
	if (access & GENERIC_READ)
		rights |= CE_R;
	if (access & GENERIC_WRITE)
		rights |= CE_W;
	/*
	 * Access 0 (query only) still opens for reading here, and write
	 * access for reading and writing: the share registration is a read
	 * lock.  A truncating disposition opens for writing (O_TRUNC needs
	 * write permission anyway) and truncates after the share check.
	 */
	if ((rights & CE_W) || trunc)
		base |= O_RDWR;
	else
		base |= O_RDONLY;

	switch (disposition) {
	case CREATE_NEW:
		fd = open(path, base | O_CREAT | O_EXCL, 0666);
		break;
	case OPEN_EXISTING:
		fd = open(path, base);
		break;
	case TRUNCATE_EXISTING:
		fd = open(path, base);
		break;
	case CREATE_ALWAYS:
	case OPEN_ALWAYS:
		/* Tell "created" from "existed"; the file may come and go. */
		for (tries = 0; tries < 100; tries++) {
			fd = open(path, base | O_CREAT | O_EXCL, 0666);
			if (fd >= 0 || errno != EEXIST)
				break;
			fd = open(path, base);
			if (fd >= 0) {
				existed = true;
				break;
			}
			if (errno != ENOENT)
				break;
		}
		break;
	}
	if (fd < 0) {
		ce_set_error(open_error(path, errno));
		return INVALID_HANDLE_VALUE;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		ce_set_error(ERROR_ACCESS_DENIED);
		return INVALID_HANDLE_VALUE;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	err = ce_share_register(fd, access, share);
	if (!err && trunc && (existed || disposition == TRUNCATE_EXISTING) &&
	    ftruncate(fd, 0))
		err = open_error(path, errno);
	if (err) {
		close(fd); /* and with it the registration */
		ce_set_error(err);
		return INVALID_HANDLE_VALUE;
	}

	h = ce_handle_add(CE_KIND_FILE, fd, rights, false, 0);
	if (!h) {
		close(fd);
		return INVALID_HANDLE_VALUE;
	}
	ce_set_error(existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
	return h;
}

/* From open() to the handle table under the fork guard (ce_handles.c). */
static HANDLE create_file(const char *path, DWORD access, DWORD share,
			  LPSECURITY_ATTRIBUTES sa, DWORD disposition)
{
	HANDLE h;

	ce_fork_guard_enter();
	h = create_file_guarded(path, access, share, sa, disposition);
	ce_fork_guard_leave();
	return h;
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateFileForMappingA(
	LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
	LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
	DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
	(void)dwFlagsAndAttributes;
	(void)hTemplateFile;
	if (!lpFileName) {
		ce_set_error(ERROR_PATH_NOT_FOUND);
		return INVALID_HANDLE_VALUE;
	}
	return create_file(lpFileName, dwDesiredAccess, dwShareMode,
			   lpSecurityAttributes, dwCreationDisposition);
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateFileForMappingW(
	LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
	LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
	DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
	size_t units;
	char *path;
	HANDLE h;

	(void)dwFlagsAndAttributes;
	(void)hTemplateFile;
	if (!lpFileName) {
		ce_set_error(ERROR_PATH_NOT_FOUND);
		return INVALID_HANDLE_VALUE;
	}
	units = ce_utf16_len(lpFileName);
	if (units > (SIZE_MAX - 1) / 3 || !(path = malloc(3 * units + 1))) {
		ce_set_error(ERROR_NOT_ENOUGH_MEMORY);
		return INVALID_HANDLE_VALUE;
	}
	if (ce_utf16_to_utf8(lpFileName, units, path) < 0) {
		free(path);
		ce_set_error(ERROR_INVALID_PARAMETER);
		return INVALID_HANDLE_VALUE;
	}
	h = create_file(path, dwDesiredAccess, dwShareMode,
			lpSecurityAttributes, dwCreationDisposition);
	free(path);
	return h;
}
