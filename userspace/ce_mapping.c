// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CE layer: CreateFileMapping and OpenFileMapping, object names, and the
 * kernel open of a namedshm region.
 *
 * Names.  lpName is checked in this order:
 *   1. MAX_PATH: a name that does not fit a MAX_PATH buffer with its
 *      terminator, i.e. of 260 characters or more, fails with
 *      ERROR_FILENAME_EXCED_RANGE (206); 259 characters work.
 *      Characters are UTF-16 code units for the W functions and bytes
 *      for the A functions (so an A name of 259 bytes works, whatever
 *      characters they encode, and one of 260 bytes does not).  The
 *      whole lpName counts, prefix included.
 *   2. W names are converted to UTF-8; an unpaired surrogate fails with
 *      ERROR_INVALID_PARAMETER (87).  A names are used as they are.
 *   3. A leading "Local\" or "Global\" (exactly so: case-sensitive, like
 *      the names) is removed: one session, so both name the same object
 *      as the bare name.
 *   4. Any backslash left (a directory other than Local or Global, as in
 *      "Foo\X", "\X", "local\X" or "Local\A\B") fails with
 *      ERROR_PATH_NOT_FOUND (3).
 *   5. A prefix with nothing after it ("Local\") fails with
 *      ERROR_INVALID_NAME (123).  The empty name "" is an unnamed object
 *      for CreateFileMapping and a missing one (2) for OpenFileMapping.
 * What is left is the kernel name, so "Local\X", "Global\X" and "X" are
 * one namedshm region called "X".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ce_internal.h"
#include "sharemode.h"

/* Longest name in bytes after UTF-8 conversion, with the terminator. */

/*
 * The permission bits of every region the layer creates: the creating
 * user only.  This is the one place to change them.
 */
/* -1 until first use, then the mode objects are created with. */
static _Atomic int object_mode = -1;

/*
 * secure_getenv(): in a set-user-ID or set-group-ID program (or one with
 * file capabilities) the variable comes from the caller, who must not
 * widen the objects the program creates.  It is ignored there.
 */
static int initial_object_mode(void)
{
	const char *env = secure_getenv("NAMEDSHM_CE_MODE");
	char *end;
	long v;

	if (env && *env) {
		errno = 0;
		v = strtol(env, &end, 8);
		if (!errno && !*end && v >= 0 && v <= 0777)
			return (int)v;
	}
	return 0600;
}

mode_t ce_object_mode(void)
{
	int mode = atomic_load(&object_mode), unset = -1;

	if (mode >= 0)
		return (mode_t)mode;
	mode = initial_object_mode();
	/* A concurrent namedshm_ce_object_mode() call wins. */
	if (!atomic_compare_exchange_strong(&object_mode, &unset, mode))
		mode = unset;
	return (mode_t)mode;
}

NAMEDSHM_EXPORT int namedshm_ce_object_mode(int mode)
{
	int old;

	if (mode < -1 || mode > 0777) {
		errno = EINVAL;
		return -1;
	}
	old = (int)ce_object_mode();
	if (mode >= 0)
		old = atomic_exchange(&object_mode, mode);
	return old;
}

size_t ce_utf16_len(const WCHAR *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

ssize_t ce_utf16_to_utf8(const WCHAR *in, size_t units, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < units; i++) {
		uint32_t c = in[i];

		if (c >= 0xD800 && c <= 0xDBFF) {
			if (i + 1 >= units || in[i + 1] < 0xDC00 ||
			    in[i + 1] > 0xDFFF)
				return -1;
			c = 0x10000 + ((c - 0xD800) << 10) + (in[i + 1] - 0xDC00);
			i++;
		} else if (c >= 0xDC00 && c <= 0xDFFF) {
			return -1;
		}
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xC0 | (c >> 6));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else if (c < 0x10000) {
			out[o++] = (char)(0xE0 | (c >> 12));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[o++] = (char)(0xF0 | (c >> 18));
			out[o++] = (char)(0x80 | ((c >> 12) & 0x3F));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[o] = '\0';
	return (ssize_t)o;
}

/*
 * Steps 3-5 of the name rules on a UTF-8 name of @len bytes.  Returns 0
 * and the kernel name in @kname/@klen (klen 0: the empty name), or a
 * Win32 error.
 */
static DWORD kernel_name(const char *name, size_t len, const char **kname,
			 size_t *klen)
{
	static const char local[] = "Local\\", global[] = "Global\\";
	size_t skip = 0;

	if (len >= sizeof(local) - 1 &&
	    !memcmp(name, local, sizeof(local) - 1))
		skip = sizeof(local) - 1;
	else if (len >= sizeof(global) - 1 &&
		 !memcmp(name, global, sizeof(global) - 1))
		skip = sizeof(global) - 1;
	if (memchr(name + skip, '\\', len - skip))
		return ERROR_PATH_NOT_FOUND;
	if (skip && len == skip)
		return ERROR_INVALID_NAME;
	*kname = name + skip;
	*klen = len - skip;
	return 0;
}

/* An A name: steps 1 and 3-5. */
static DWORD name_a(LPCSTR name, const char **kname, size_t *klen)
{
	size_t len = strnlen(name, MAX_PATH);

	if (len + 1 > MAX_PATH)
		return ERROR_FILENAME_EXCED_RANGE;
	return kernel_name(name, len, kname, klen);
}

/* A W name: steps 1-5; @buf holds CE_NAME_BUF bytes. */
static DWORD name_w(LPCWSTR name, char *buf, const char **kname,
		    size_t *klen)
{
	size_t units = 0;
	ssize_t len;

	while (units < MAX_PATH && name[units])
		units++;
	if (units + 1 > MAX_PATH)
		return ERROR_FILENAME_EXCED_RANGE;
	len = ce_utf16_to_utf8(name, units, buf);
	if (len < 0)
		return ERROR_INVALID_PARAMETER;
	return kernel_name(buf, (size_t)len, kname, klen);
}

int ce_kernel_open(const char *name, size_t len, unsigned int flags,
		   uint64_t size, int backing_fd, bool *created,
		   uint64_t *real_size)
{
	NAMEDSHM_OPTS(namedshm_open_opts, opts, .flags = flags,
		      .mode = ce_object_mode(), .size = size,
		      .backing_fd = backing_fd);
	int fd;

	fd = namedshm_open_with(len ? name : NULL, len, &opts);
	if (fd < 0)
		return -1;
	if (created)
		*created = opts.created;
	if (real_size)
		*real_size = opts.real_size;
	return fd;
}

/* NAMEDSHM_REGION_* flags of the region behind @fd, or 0 on error. */
static uint32_t region_flags(int fd)
{
	struct namedshm_stat st;

	if (namedshm_stat(fd, &st))
		return 0;
	return st.flags;
}

int ce_file_reopen_readonly(int fd, bool inherit)
{
	char path[64];
	struct stat a, b;
	int nfd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nfd = open(path, O_RDONLY | O_NOCTTY | (inherit ? 0 : O_CLOEXEC));
	if (nfd < 0)
		return -1;
	/* Make sure it is the same file (and /proc is the real one). */
	if (fstat(fd, &a) || fstat(nfd, &b) || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino || !S_ISREG(b.st_mode)) {
		close(nfd);
		errno = EBADF;
		return -1;
	}
	return nfd;
}

/*
 * flProtect: one page protection plus section attributes, for a
 * pagefile-backed object or (@file) a file-backed one.  Returns 0 and the
 * handle's rights and whether SEC_RESERVE and SEC_LARGE_PAGES were given,
 * or a Win32 error.  The SEC_* rules are Windows', row for row of Wine's
 * test_CreateFileMapping table (userspace/test/ce_sec_flags.c):
 *   - SEC_IMAGE (also SEC_IMAGE_NO_EXECUTE = SEC_IMAGE | SEC_NOCACHE) with
 *     SEC_RESERVE, SEC_COMMIT, SEC_FILE, SEC_LARGE_PAGES or
 *     SEC_WRITECOMBINE: 87; otherwise 193, as Windows for anything that is
 *     not an executable image (the layer has no image loader);
 *   - SEC_FILE is never valid in flProtect (87), nor SEC_RESERVE with
 *     SEC_COMMIT;
 *   - SEC_NOCACHE, SEC_WRITECOMBINE and SEC_LARGE_PAGES only with
 *     SEC_RESERVE or SEC_COMMIT, SEC_NOCACHE not with SEC_WRITECOMBINE;
 *   - SEC_LARGE_PAGES only as SEC_COMMIT | SEC_LARGE_PAGES on a
 *     pagefile-backed object (87 with SEC_RESERVE and for files).
 */
static DWORD parse_protect(DWORD prot, bool file, unsigned int *rights,
			   bool *reserve, bool *large)
{
	const DWORD sec_known = SEC_FILE | SEC_IMAGE | SEC_RESERVE |
				SEC_COMMIT | SEC_NOCACHE | SEC_WRITECOMBINE |
				SEC_LARGE_PAGES;
	const DWORD commit = SEC_RESERVE | SEC_COMMIT;
	DWORD page = prot & 0xFF, sec = prot & ~(DWORD)0xFF;

	if (sec & ~sec_known)
		return ERROR_INVALID_PARAMETER; /* PAGE_GUARD and the like */
	if (sec & SEC_IMAGE) {
		if (sec & (commit | SEC_FILE | SEC_LARGE_PAGES |
			   SEC_WRITECOMBINE))
			return ERROR_INVALID_PARAMETER;
		return ERROR_BAD_EXE_FORMAT;
	}
	if (sec & SEC_FILE)
		return ERROR_INVALID_PARAMETER;
	if ((sec & commit) == commit)
		return ERROR_INVALID_PARAMETER;
	if ((sec & (SEC_NOCACHE | SEC_WRITECOMBINE | SEC_LARGE_PAGES)) &&
	    !(sec & commit))
		return ERROR_INVALID_PARAMETER;
	if ((sec & SEC_NOCACHE) && (sec & SEC_WRITECOMBINE))
		return ERROR_INVALID_PARAMETER;
	/* SEC_LARGE_PAGES: huge pages where the kernel has them. */
	*large = sec & SEC_LARGE_PAGES;
	if (*large && (file || (sec & SEC_RESERVE)))
		return ERROR_INVALID_PARAMETER;

	/* NOACCESS, EXECUTE, 0, or several: 87 (table in ce_tables.c). */
	if (!ce_page_rights(page, rights))
		return ERROR_INVALID_PARAMETER;
	*reserve = sec & SEC_RESERVE;
	return 0;
}

/*
 * The kernel refused a write handle (EACCES) to an existing region.  If
 * the region itself can never be written (a file-backed region over a
 * read-only file), Windows hands out the handle and refuses write views
 * later: open it read-only and drop the write right.  A region whose mode
 * denies us is ERROR_ACCESS_DENIED.  Returns the fd, or -1 with errno
 * (ENOENT: the name went away meanwhile, start again).
 */
static int open_existing_readonly(const char *kname, size_t klen,
				  unsigned int kflags, uint64_t *size)
{
	int fd = ce_kernel_open(kname, klen,
				kflags & NAMEDSHM_OPEN_NOCLOEXEC, 0, -1, NULL,
				size);

	if (fd < 0)
		return -1;
	if (region_flags(fd) & NAMEDSHM_REGION_WRITABLE) {
		close(fd);
		errno = EACCES;
		return -1;
	}
	return fd;
}

/* The common part of CreateFileMappingA/W, after the name checks. */
static HANDLE create_mapping_guarded(HANDLE hFile, LPSECURITY_ATTRIBUTES sa,
				     DWORD prot, DWORD size_hi, DWORD size_lo,
				     const char *kname, size_t klen)
{
	uint64_t size = ((uint64_t)size_hi << 32) | size_lo;
	bool inherit = sa && sa->bInheritHandle;
	bool file = hFile != INVALID_HANDLE_VALUE;
	bool grow = false, reserve, large, created = false;
	unsigned int rights, kflags;
	struct ce_ref fref;
	uint64_t real_size = 0;
	int fd = -1, backing = -1, tries;
	DWORD err;
	HANDLE h;

	err = parse_protect(prot, file, &rights, &reserve, &large);
	if (err) {
		ce_set_error(err);
		return NULL;
	}

	if (!file) {
		if (!size) {
			ce_set_error(ERROR_INVALID_PARAMETER);
			return NULL;
		}
	} else {
		struct stat st;

		if (!ce_handle_get(hFile, CE_KIND_FILE, &fref))
			return NULL;
		/* Mapping needs read access; each view right needs its own. */
		if (!(fref.rights & CE_R) || (rights & ~fref.rights)) {
			err = ERROR_ACCESS_DENIED;
			goto out;
		}
		if (fstat(fref.fd, &st)) {
			err = ce_error_from_errno(errno);
			goto out;
		}
		if (!size) {
			if (!st.st_size) {
				err = ERROR_FILE_INVALID;
				goto out;
			}
			size = (uint64_t)st.st_size;
		}
		if (size > (uint64_t)st.st_size) {
			/* Only a writable mapping can extend the file. */
			if (!(rights & CE_W)) {
				err = ERROR_NOT_ENOUGH_MEMORY;
				goto out;
			}
			grow = true;
		}
		/*
		 * The object gets a description of its own, carrying what
		 * the object holds of share modes (sharemode.h); a read-only
		 * object's is read-only, so that the kernel never lets
		 * anyone write it.
		 */
		backing = ce_share_mapping_fd(fref.fd, rights & CE_W);
		if (backing < 0) {
			err = ce_error_from_errno(errno);
			goto out;
		}
	}

	kflags = NAMEDSHM_OPEN_CREATE;
	if (rights & CE_W)
		kflags |= NAMEDSHM_OPEN_WRITE;
	if (inherit)
		kflags |= NAMEDSHM_OPEN_NOCLOEXEC;
	if (reserve && !file)
		kflags |= NAMEDSHM_OPEN_RESERVE;
	if (large && !file)
		kflags |= NAMEDSHM_OPEN_HUGE;
	if (file)
		kflags |= NAMEDSHM_OPEN_BACKING_FD;
	if (grow)
		kflags |= NAMEDSHM_OPEN_GROW;

	/*
	 * The kernel extends the file (NAMEDSHM_OPEN_GROW) only when this
	 * call creates the object, before anyone can map it: a call that
	 * fails, or that opens an existing object, leaves the file alone.
	 */
	for (tries = 0; tries < 100; tries++) {
		fd = ce_kernel_open(kname, klen, kflags, size, backing,
				    &created, &real_size);
		if (fd >= 0)
			break;
		if (errno == EACCES && klen && (kflags & NAMEDSHM_OPEN_WRITE)) {
			fd = open_existing_readonly(kname, klen, kflags,
						    &real_size);
			if (fd >= 0) {
				rights &= ~CE_W;
				break;
			}
			if (errno == ENOENT)
				continue;
		}
		err = ce_error(grow && errno != ENOSPC ? CE_ERR_FILE_GROW :
						       CE_ERR_CREATE,
			       errno);
		goto out;
	}
	if (fd < 0) {
		err = ERROR_GEN_FAILURE; /* the name kept coming and going */
		goto out;
	}
	h = ce_handle_add(CE_KIND_MAPPING, fd, rights,
			  (region_flags(fd) & NAMEDSHM_REGION_FILE) != 0,
			  real_size);
	if (!h) {
		close(fd);
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	if (file) {
		if (backing != fref.fd)
			close(backing);
		ce_handle_put(&fref);
	}
	ce_set_error(created ? ERROR_SUCCESS : ERROR_ALREADY_EXISTS);
	return h;

out:
	if (file) {
		if (backing >= 0 && backing != fref.fd)
			close(backing);
		ce_handle_put(&fref);
	}
	ce_set_error(err);
	return NULL;
}

/*
 * Under the fork guard: the kernel's descriptor, and a read-only backing
 * descriptor while it lives, are never copied by a fork() before the
 * handle table records (or we close) them.
 */
static HANDLE create_mapping(HANDLE hFile, LPSECURITY_ATTRIBUTES sa,
			     DWORD prot, DWORD size_hi, DWORD size_lo,
			     const char *kname, size_t klen)
{
	HANDLE h;

	ce_fork_guard_enter();
	h = create_mapping_guarded(hFile, sa, prot, size_hi, size_lo, kname,
				   klen);
	ce_fork_guard_leave();
	return h;
}

NAMEDSHM_EXPORT HANDLE WINAPI
CreateFileMappingA(HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
		   DWORD flProtect, DWORD dwMaximumSizeHigh,
		   DWORD dwMaximumSizeLow, LPCSTR lpName)
{
	const char *kname = NULL;
	size_t klen = 0;
	DWORD err;

	if (lpName) {
		err = name_a(lpName, &kname, &klen);
		if (err) {
			ce_set_error(err);
			return NULL;
		}
	}
	return create_mapping(hFile, lpFileMappingAttributes, flProtect,
			      dwMaximumSizeHigh, dwMaximumSizeLow, kname,
			      klen);
}

NAMEDSHM_EXPORT HANDLE WINAPI
CreateFileMappingW(HANDLE hFile, LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
		   DWORD flProtect, DWORD dwMaximumSizeHigh,
		   DWORD dwMaximumSizeLow, LPCWSTR lpName)
{
	char buf[CE_NAME_BUF];
	const char *kname = NULL;
	size_t klen = 0;
	DWORD err;

	if (lpName) {
		err = name_w(lpName, buf, &kname, &klen);
		if (err) {
			ce_set_error(err);
			return NULL;
		}
	}
	return create_mapping(hFile, lpFileMappingAttributes, flProtect,
			      dwMaximumSizeHigh, dwMaximumSizeLow, kname,
			      klen);
}

/* The common part of OpenFileMappingA/W, after the name checks. */
static HANDLE open_mapping(DWORD access, BOOL inherit, const char *kname,
			   size_t klen)
{
	unsigned int rights = ce_mapping_rights(access);
	unsigned int kflags = 0;
	uint64_t size = 0;
	HANDLE h;
	int fd;

	if (!klen) {
		ce_set_error(ERROR_FILE_NOT_FOUND);
		return NULL;
	}
	if (rights & CE_W)
		kflags |= NAMEDSHM_OPEN_WRITE;
	if (inherit)
		kflags |= NAMEDSHM_OPEN_NOCLOEXEC;
	ce_fork_guard_enter(); /* from the kernel open to the handle table */
	fd = ce_kernel_open(kname, klen, kflags, 0, -1, NULL, &size);
	if (fd < 0 && errno == EACCES && (kflags & NAMEDSHM_OPEN_WRITE)) {
		/* If it went away meanwhile, it is just missing now (2). */
		fd = open_existing_readonly(kname, klen, kflags, &size);
		if (fd >= 0)
			rights &= ~CE_W;
	}
	if (fd < 0) {
		ce_fork_guard_leave();
		ce_set_error(ce_error_from_errno(errno));
		return NULL;
	}
	h = ce_handle_add(CE_KIND_MAPPING, fd, rights,
			  (region_flags(fd) & NAMEDSHM_REGION_FILE) != 0, size);
	if (!h)
		close(fd);
	ce_fork_guard_leave();
	return h;
}

NAMEDSHM_EXPORT HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess,
					       BOOL bInheritHandle,
					       LPCSTR lpName)
{
	const char *kname;
	size_t klen;
	DWORD err;

	if (!lpName) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	err = name_a(lpName, &kname, &klen);
	if (err) {
		ce_set_error(err);
		return NULL;
	}
	return open_mapping(dwDesiredAccess, bInheritHandle, kname, klen);
}

NAMEDSHM_EXPORT HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess,
					       BOOL bInheritHandle,
					       LPCWSTR lpName)
{
	char buf[CE_NAME_BUF];
	const char *kname;
	size_t klen;
	DWORD err;

	if (!lpName) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	err = name_w(lpName, buf, &kname, &klen);
	if (err) {
		ce_set_error(err);
		return NULL;
	}
	return open_mapping(dwDesiredAccess, bInheritHandle, kname, klen);
}

DWORD ce_name_a(LPCSTR name, const char **kname, size_t *klen)
{
	return name_a(name, kname, klen);
}

DWORD ce_name_w(LPCWSTR name, char *buf, const char **kname, size_t *klen)
{
	return name_w(name, buf, kname, klen);
}
