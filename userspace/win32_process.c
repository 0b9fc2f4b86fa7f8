// SPDX-License-Identifier: LGPL-2.1-or-later
/* libnamedshm-win32: GetCurrentProcessId and GetCurrentThreadId. */
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "win32_internal.h"

NAMEDSHM_EXPORT DWORD WINAPI GetCurrentProcessId(void)
{
	return (DWORD)getpid();
}

NAMEDSHM_EXPORT DWORD WINAPI GetCurrentThreadId(void)
{
	return (DWORD)syscall(SYS_gettid);
}
