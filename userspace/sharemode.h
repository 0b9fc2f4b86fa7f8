/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Share modes of the CE layer (userspace/sharemode.c), on top of the
 * native namedshm_share_*() registrations.  Not installed.
 */
#ifndef NAMEDSHM_SHAREMODE_H
#define NAMEDSHM_SHAREMODE_H

#include <stdbool.h>

#include "ce_internal.h"

/*
 * CreateFileForMapping: check @share (FILE_SHARE_* bits) and register
 * @access (0, GENERIC_READ, GENERIC_WRITE or both) with it on @fd, a
 * readable description of the file.  Returns 0, ERROR_SHARING_VIOLATION
 * or another Win32 error; on failure @fd holds no registration.
 */
DWORD ce_share_register(int fd, DWORD access, DWORD share);

/* false if @share has bits other than FILE_SHARE_READ/WRITE/DELETE. */
bool ce_share_mode_valid(DWORD share);

/*
 * The description a file-backed mapping object hands to the kernel as its
 * backing file, made from the file handle's descriptor @fd.  The region
 * keeps it (through its window) for as long as the object or any view of
 * it lives, so it carries exactly what Windows says a mapping holds: a
 * @writable (PAGE_READWRITE) object a "has write access, shares all"
 * registration, a read-only or copy-on-write one nothing.  It is always a
 * new description (never @fd's, whose registration ends with the file
 * handle), opened read-write or read-only to match @writable.  If that
 * fails (no /proc, permissions changed since the open), returns @fd
 * itself: the object then keeps the file handle's registration, which is
 * stricter than Windows, never looser - unless @fd is writable and
 * @writable false: then -1 with errno (a read-only object never gets a
 * writable backing).
 */
int ce_share_mapping_fd(int fd, bool writable);

#endif /* NAMEDSHM_SHAREMODE_H */
