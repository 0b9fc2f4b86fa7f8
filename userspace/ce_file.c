// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CE layer: CreateFileForMapping, CE's way to open a file that
 * CreateFileMapping then maps.
 *
 * The path is a Linux path, used as it is (A: UTF-8 bytes; W: converted
 * from UTF-16, an unpaired surrogate fails with ERROR_INVALID_PARAMETER).
 * dwShareMode, dwFlagsAndAttributes and hTemplateFile are ignored: Linux
 * has no share modes.  New files get mode 0666 minus the umask, as
 * open(2) gives them.  The handle is never inherited across exec (the
 * security attributes must be NULL).
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

static HANDLE create_file_guarded(const char *path, DWORD access,
				  LPSECURITY_ATTRIBUTES sa, DWORD disposition)
{
	int base = O_CLOEXEC | O_NOCTTY | O_NONBLOCK, fd = -1, tries;
	unsigned int rights = 0;
	bool existed = false;
	struct stat st;
	HANDLE h;

	if (sa || (access & ~(GENERIC_READ | GENERIC_WRITE)) ||
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
	/* Access 0 (query only) still opens for reading here. */
	if (rights == (CE_R | CE_W))
		base |= O_RDWR;
	else if (rights == CE_W)
		base |= O_WRONLY;
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
		fd = open(path, base | O_TRUNC);
		break;
	case CREATE_ALWAYS:
	case OPEN_ALWAYS:
		/* Tell "created" from "existed"; the file may come and go. */
		for (tries = 0; tries < 100; tries++) {
			fd = open(path, base | O_CREAT | O_EXCL, 0666);
			if (fd >= 0 || errno != EEXIST)
				break;
			fd = open(path, base | (disposition == CREATE_ALWAYS ?
							O_TRUNC : 0));
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

	h = ce_handle_add(CE_KIND_FILE, fd, rights, false, 0);
	if (!h) {
		close(fd);
		return INVALID_HANDLE_VALUE;
	}
	ce_set_error(existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
	return h;
}

/* From open() to the handle table under the fork guard (ce_handles.c). */
static HANDLE create_file(const char *path, DWORD access,
			  LPSECURITY_ATTRIBUTES sa, DWORD disposition)
{
	HANDLE h;

	ce_fork_guard_enter();
	h = create_file_guarded(path, access, sa, disposition);
	ce_fork_guard_leave();
	return h;
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateFileForMappingA(
	LPCSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
	LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
	DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
	(void)dwShareMode;
	(void)dwFlagsAndAttributes;
	(void)hTemplateFile;
	if (!lpFileName) {
		ce_set_error(ERROR_PATH_NOT_FOUND);
		return INVALID_HANDLE_VALUE;
	}
	return create_file(lpFileName, dwDesiredAccess, lpSecurityAttributes,
			   dwCreationDisposition);
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateFileForMappingW(
	LPCWSTR lpFileName, DWORD dwDesiredAccess, DWORD dwShareMode,
	LPSECURITY_ATTRIBUTES lpSecurityAttributes, DWORD dwCreationDisposition,
	DWORD dwFlagsAndAttributes, HANDLE hTemplateFile)
{
	size_t units;
	char *path;
	HANDLE h;

	(void)dwShareMode;
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
	h = create_file(path, dwDesiredAccess, lpSecurityAttributes,
			dwCreationDisposition);
	free(path);
	return h;
}
