/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnamedshm internals shared by the library's source files.  Not
 * installed.  Everything here has hidden visibility (the library is built
 * with -fvisibility=hidden); only NAMEDSHM_EXPORT functions, listed in
 * libnamedshm.map, are part of the ABI.
 */
#ifndef NAMEDSHM_INTERNAL_H
#define NAMEDSHM_INTERNAL_H

#include "namedshm.h"

#define NAMEDSHM_EXPORT __attribute__((visibility("default")))

/*
 * The device node the library opens.  Only the library's own host tests
 * override it (at compile time: no environment variable can redirect the
 * library, which would be a hazard for set-user-ID programs).
 */
#ifndef NAMEDSHM_LIB_DEVICE_PATH
#define NAMEDSHM_LIB_DEVICE_PATH NAMEDSHM_DEVICE_PATH
#endif

/*
 * ioctl() on the library's cached /dev/namedshm descriptor, opening it on
 * first use and reopening it once if the application closed it or reused
 * its number.  Returns what ioctl() returns, or -1 with errno: the
 * device's error, or ENODEV if the device is missing or does not know @cmd.
 */
long namedshm__dev_ioctl(unsigned long cmd, void *arg);

/*
 * Mark @fd as the description of a read-write mapping object of its file
 * (share modes, userspace/sharemode.c); 0 or -1 with errno.
 */
int namedshm_share_mark_mapping(int fd);

/*
 * The calling thread's owner token (sync.c), made on first use and closed
 * at thread exit; -1 with errno.  _peek: the token if the thread has one,
 * else -1, without making one.
 */
int namedshm__token(void);
int namedshm__token_peek(void);

#endif /* NAMEDSHM_INTERNAL_H */
