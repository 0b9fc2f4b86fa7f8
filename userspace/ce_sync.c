// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CE layer: named events, mutexes and semaphores, WaitForSingleObject and
 * WaitForMultipleObjects (include/cesync.h), on the sync objects of
 * /dev/namedshm.
 *
 * The kernel keeps every object's state, its name and its waiters; this
 * file translates.  A handle is a slot of the handle table (ce_handles.c)
 * holding the object's handle fd, its kind and its rights: CE_S
 * (SYNCHRONIZE: may wait) and CE_W (*_MODIFY_STATE).  The kernel checks
 * CE_W again through the fd's access mode.
 *
 * Owner tokens: the kernel records a mutex's owner as (token, thread);
 * the thread's token is the native API's (sync.c): made on the thread's
 * first mutex operation, closed at thread exit, which abandons what the
 * thread still owns.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "ce_internal.h"

/* The thread's owner token is shared with the native API (sync.c). */
static int token_get(void)
{
	return namedshm__token();
}

static DWORD sync_error(int err)
{
	/* A name that is another kind of object. */
	if (err == EPROTOTYPE)
		return ERROR_INVALID_HANDLE;
	return ce_error_from_errno(err);
}

static enum ce_kind ce_kind_of(uint32_t kind)
{
	switch (kind) {
	case NAMEDSHM_KIND_EVENT:
		return CE_KIND_EVENT;
	case NAMEDSHM_KIND_MUTEX:
		return CE_KIND_MUTEX;
	default:
		return CE_KIND_SEMAPHORE;
	}
}

unsigned int ce_sync_rights(enum ce_kind kind, DWORD access)
{
	DWORD modify = kind == CE_KIND_MUTEX ? MUTEX_MODIFY_STATE :
		       kind == CE_KIND_EVENT ? EVENT_MODIFY_STATE :
					       SEMAPHORE_MODIFY_STATE;
	unsigned int r = 0;

	if (access & (SYNCHRONIZE | GENERIC_EXECUTE | GENERIC_ALL))
		r |= CE_S;
	if (access & (modify | GENERIC_WRITE | GENERIC_ALL))
		r |= CE_W;
	return r;
}

int ce_sync_dup_readonly(int fd, bool inherit)
{
	struct namedshm_dup d = {
		.argsz = sizeof(d),
		.flags = inherit ? NAMEDSHM_DUP_NOCLOEXEC : 0,
	};

	return ioctl(fd, NAMEDSHM_IOC_DUP, &d);
}

/*
 * Create (@create) or open the sync object @kname of @kind.  The other
 * arguments are those of NAMEDSHM_IOC_OPEN.  Sets GetLastError() to 0 or
 * ERROR_ALREADY_EXISTS on success, as Win32 does.
 */
static HANDLE sync_open(uint32_t kind, bool create, const char *kname,
			size_t klen, unsigned int rights, bool inherit,
			uint32_t sync_flags, uint32_t count, uint32_t max)
{
	struct namedshm_open a;
	HANDLE h;
	long fd;

	memset(&a, 0, sizeof(a));
	a.argsz = sizeof(a);
	a.flags = (create ? NAMEDSHM_OPEN_CREATE : 0) |
		  ((rights & CE_W) ? NAMEDSHM_OPEN_WRITE : 0) |
		  (inherit ? NAMEDSHM_OPEN_NOCLOEXEC : 0);
	a.name = klen ? (uintptr_t)kname : 0;
	a.name_len = (uint32_t)klen;
	a.mode = (uint32_t)ce_object_mode();
	a.kind = kind;
	a.sync_flags = sync_flags;
	a.count = count;
	a.max = max;
	a.token_fd = -1;
	if (sync_flags & NAMEDSHM_SYNC_OWNED) {
		a.token_fd = token_get();
		if (a.token_fd < 0) {
			ce_set_error(sync_error(errno));
			return NULL;
		}
	}
	fd = namedshm__dev_ioctl(NAMEDSHM_IOC_OPEN, &a);
	if (fd < 0) {
		/* A create past a quota is 8, as for file mappings. */
		ce_set_error(ce_error(create ? CE_ERR_CREATE : CE_ERR_DEFAULT,
				      errno));
		return NULL;
	}
	h = ce_handle_add(ce_kind_of(kind), (int)fd, rights, false, 0);
	if (!h) {
		close((int)fd);
		return NULL;
	}
	ce_set_error(a.status == NAMEDSHM_STATUS_CREATED ?
			     ERROR_SUCCESS :
			     ERROR_ALREADY_EXISTS);
	return h;
}

/* The A/W name of a Create call (NULL: unnamed); false with the error. */
static bool create_name_a(LPCSTR name, const char **kname, size_t *klen)
{
	DWORD err;

	*kname = NULL;
	*klen = 0;
	if (!name)
		return true;
	err = ce_name_a(name, kname, klen);
	if (err)
		ce_set_error(err);
	return !err;
}

static bool create_name_w(LPCWSTR name, char *buf, const char **kname,
			  size_t *klen)
{
	DWORD err;

	*kname = NULL;
	*klen = 0;
	if (!name)
		return true;
	err = ce_name_w(name, buf, kname, klen);
	if (err)
		ce_set_error(err);
	return !err;
}

/* Open*: NULL name 87, access 0 is 5, a missing name 2. */
static HANDLE sync_open_existing(uint32_t kind, DWORD access, BOOL inherit,
				 const char *kname, size_t klen)
{
	unsigned int rights = ce_sync_rights(ce_kind_of(kind), access);
	HANDLE h;

	if (!access) {
		ce_set_error(ERROR_ACCESS_DENIED);
		return NULL;
	}
	if (!klen) {
		ce_set_error(ERROR_FILE_NOT_FOUND);
		return NULL;
	}
	h = sync_open(kind, false, kname, klen, rights, inherit, 0, 0, 0);
	if (h)
		ce_set_error(ERROR_SUCCESS);
	return h;
}

static bool inherit_of(LPSECURITY_ATTRIBUTES sa)
{
	return sa && sa->bInheritHandle;
}

#define CE_ALL (CE_S | CE_W)

static uint32_t event_flags(BOOL manual, BOOL initial)
{
	return (manual ? NAMEDSHM_SYNC_MANUAL_RESET : 0) |
	       (initial ? NAMEDSHM_SYNC_SIGNALED : 0);
}

/* ---- Events ------------------------------------------------------------ */

NAMEDSHM_EXPORT HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES sa,
					   BOOL bManualReset,
					   BOOL bInitialState, LPCSTR lpName)
{
	const char *kname;
	size_t klen;

	if (!create_name_a(lpName, &kname, &klen))
		return NULL;
	return sync_open(NAMEDSHM_KIND_EVENT, true, kname, klen, CE_ALL,
			 inherit_of(sa), event_flags(bManualReset, bInitialState),
			 0, 0);
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES sa,
					   BOOL bManualReset,
					   BOOL bInitialState, LPCWSTR lpName)
{
	char buf[CE_NAME_BUF];
	const char *kname;
	size_t klen;

	if (!create_name_w(lpName, buf, &kname, &klen))
		return NULL;
	return sync_open(NAMEDSHM_KIND_EVENT, true, kname, klen, CE_ALL,
			 inherit_of(sa), event_flags(bManualReset, bInitialState),
			 0, 0);
}

#define CE_EVENT_EX_FLAGS (CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET)

NAMEDSHM_EXPORT HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES sa,
					     LPCSTR lpName, DWORD dwFlags,
					     DWORD dwDesiredAccess)
{
	const char *kname;
	size_t klen;

	if (dwFlags & ~(DWORD)CE_EVENT_EX_FLAGS) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (!create_name_a(lpName, &kname, &klen))
		return NULL;
	return sync_open(NAMEDSHM_KIND_EVENT, true, kname, klen,
			 ce_sync_rights(CE_KIND_EVENT, dwDesiredAccess),
			 inherit_of(sa),
			 event_flags(dwFlags & CREATE_EVENT_MANUAL_RESET,
				     dwFlags & CREATE_EVENT_INITIAL_SET),
			 0, 0);
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES sa,
					     LPCWSTR lpName, DWORD dwFlags,
					     DWORD dwDesiredAccess)
{
	char buf[CE_NAME_BUF];
	const char *kname;
	size_t klen;

	if (dwFlags & ~(DWORD)CE_EVENT_EX_FLAGS) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (!create_name_w(lpName, buf, &kname, &klen))
		return NULL;
	return sync_open(NAMEDSHM_KIND_EVENT, true, kname, klen,
			 ce_sync_rights(CE_KIND_EVENT, dwDesiredAccess),
			 inherit_of(sa),
			 event_flags(dwFlags & CREATE_EVENT_MANUAL_RESET,
				     dwFlags & CREATE_EVENT_INITIAL_SET),
			 0, 0);
}

/* OpenEventA/W, OpenMutexA/W, OpenSemaphoreA/W. */
#define CE_OPEN_FUNCS(Name, kind)                                          \
	NAMEDSHM_EXPORT HANDLE WINAPI Open##Name##A(                       \
		DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName) \
	{                                                                  \
		const char *kname;                                         \
		size_t klen;                                               \
		DWORD err;                                                 \
                                                                           \
		if (!lpName) {                                             \
			ce_set_error(ERROR_INVALID_PARAMETER);             \
			return NULL;                                       \
		}                                                          \
		err = ce_name_a(lpName, &kname, &klen);                    \
		if (err) {                                                 \
			ce_set_error(err);                                 \
			return NULL;                                       \
		}                                                          \
		return sync_open_existing(kind, dwDesiredAccess,           \
					  bInheritHandle, kname, klen);    \
	}                                                                  \
	NAMEDSHM_EXPORT HANDLE WINAPI Open##Name##W(                       \
		DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName) \
	{                                                                  \
		char buf[CE_NAME_BUF];                                     \
		const char *kname;                                         \
		size_t klen;                                               \
		DWORD err;                                                 \
                                                                           \
		if (!lpName) {                                             \
			ce_set_error(ERROR_INVALID_PARAMETER);             \
			return NULL;                                       \
		}                                                          \
		err = ce_name_w(lpName, buf, &kname, &klen);               \
		if (err) {                                                 \
			ce_set_error(err);                                 \
			return NULL;                                       \
		}                                                          \
		return sync_open_existing(kind, dwDesiredAccess,           \
					  bInheritHandle, kname, klen);    \
	}

CE_OPEN_FUNCS(Event, NAMEDSHM_KIND_EVENT)
CE_OPEN_FUNCS(Mutex, NAMEDSHM_KIND_MUTEX)
CE_OPEN_FUNCS(Semaphore, NAMEDSHM_KIND_SEMAPHORE)

/*
 * A state-changing ioctl on @h of @kind; @need: rights it needs.  TRUE,
 * or FALSE with the error.  @op receives the kernel's answer.
 */
static BOOL sync_call(HANDLE h, enum ce_kind kind, unsigned int need,
		      unsigned long cmd, struct namedshm_sync_op *op)
{
	struct ce_ref ref;
	int ret, err;

	if (!ce_handle_get(h, kind, &ref))
		return FALSE;
	if (need & ~ref.rights) {
		ce_handle_put(&ref);
		ce_set_error(ERROR_ACCESS_DENIED);
		return FALSE;
	}
	op->argsz = sizeof(*op);
	ret = ioctl(ref.fd, cmd, op);
	err = errno;
	ce_handle_put(&ref);
	if (ret) {
		ce_set_error(err == EPERM ? ERROR_NOT_OWNER :
			     err == EOVERFLOW ? ERROR_TOO_MANY_POSTS :
						sync_error(err));
		return FALSE;
	}
	return TRUE;
}

NAMEDSHM_EXPORT BOOL WINAPI SetEvent(HANDLE hEvent)
{
	struct namedshm_sync_op op = { 0 };

	return sync_call(hEvent, CE_KIND_EVENT, CE_W, NAMEDSHM_IOC_EVENT_SET,
			 &op);
}

NAMEDSHM_EXPORT BOOL WINAPI ResetEvent(HANDLE hEvent)
{
	struct namedshm_sync_op op = { 0 };

	return sync_call(hEvent, CE_KIND_EVENT, CE_W,
			 NAMEDSHM_IOC_EVENT_RESET, &op);
}

NAMEDSHM_EXPORT BOOL WINAPI PulseEvent(HANDLE hEvent)
{
	struct namedshm_sync_op op = { 0 };

	return sync_call(hEvent, CE_KIND_EVENT, CE_W,
			 NAMEDSHM_IOC_EVENT_PULSE, &op);
}

/* ---- Mutexes ----------------------------------------------------------- */

static HANDLE create_mutex(LPSECURITY_ATTRIBUTES sa, bool owner,
			   const char *kname, size_t klen, unsigned int rights)
{
	return sync_open(NAMEDSHM_KIND_MUTEX, true, kname, klen, rights,
			 inherit_of(sa), owner ? NAMEDSHM_SYNC_OWNED : 0, 0, 0);
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES sa,
					   BOOL bInitialOwner, LPCSTR lpName)
{
	const char *kname;
	size_t klen;

	if (!create_name_a(lpName, &kname, &klen))
		return NULL;
	return create_mutex(sa, bInitialOwner, kname, klen, CE_ALL);
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES sa,
					   BOOL bInitialOwner, LPCWSTR lpName)
{
	char buf[CE_NAME_BUF];
	const char *kname;
	size_t klen;

	if (!create_name_w(lpName, buf, &kname, &klen))
		return NULL;
	return create_mutex(sa, bInitialOwner, kname, klen, CE_ALL);
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES sa,
					     LPCSTR lpName, DWORD dwFlags,
					     DWORD dwDesiredAccess)
{
	const char *kname;
	size_t klen;

	if (dwFlags & ~(DWORD)CREATE_MUTEX_INITIAL_OWNER) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (!create_name_a(lpName, &kname, &klen))
		return NULL;
	return create_mutex(sa, dwFlags & CREATE_MUTEX_INITIAL_OWNER, kname,
			    klen, ce_sync_rights(CE_KIND_MUTEX,
						 dwDesiredAccess));
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES sa,
					     LPCWSTR lpName, DWORD dwFlags,
					     DWORD dwDesiredAccess)
{
	char buf[CE_NAME_BUF];
	const char *kname;
	size_t klen;

	if (dwFlags & ~(DWORD)CREATE_MUTEX_INITIAL_OWNER) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (!create_name_w(lpName, buf, &kname, &klen))
		return NULL;
	return create_mutex(sa, dwFlags & CREATE_MUTEX_INITIAL_OWNER, kname,
			    klen, ce_sync_rights(CE_KIND_MUTEX,
						 dwDesiredAccess));
}

/* Needs no access right; only the owner thread may release. */
NAMEDSHM_EXPORT BOOL WINAPI ReleaseMutex(HANDLE hMutex)
{
	struct namedshm_sync_op op = { 0 };

	op.token_fd = namedshm__token_peek();
	if (op.token_fd < 0) {
		/* No token: this thread never owned anything. */
		struct ce_ref ref;

		if (!ce_handle_get(hMutex, CE_KIND_MUTEX, &ref))
			return FALSE;
		ce_handle_put(&ref);
		ce_set_error(ERROR_NOT_OWNER);
		return FALSE;
	}
	return sync_call(hMutex, CE_KIND_MUTEX, 0, NAMEDSHM_IOC_MUTEX_RELEASE,
			 &op);
}

/* ---- Semaphores -------------------------------------------------------- */

static HANDLE create_semaphore(LPSECURITY_ATTRIBUTES sa, LONG initial,
			       LONG max, const char *kname, size_t klen)
{
	if (initial < 0 || max <= 0 || initial > max) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	return sync_open(NAMEDSHM_KIND_SEMAPHORE, true, kname, klen, CE_ALL,
			 inherit_of(sa), 0, (uint32_t)initial, (uint32_t)max);
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES sa,
					       LONG lInitialCount,
					       LONG lMaximumCount,
					       LPCSTR lpName)
{
	const char *kname;
	size_t klen;

	if (!create_name_a(lpName, &kname, &klen))
		return NULL;
	return create_semaphore(sa, lInitialCount, lMaximumCount, kname,
				klen);
}

NAMEDSHM_EXPORT HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES sa,
					       LONG lInitialCount,
					       LONG lMaximumCount,
					       LPCWSTR lpName)
{
	char buf[CE_NAME_BUF];
	const char *kname;
	size_t klen;

	if (!create_name_w(lpName, buf, &kname, &klen))
		return NULL;
	return create_semaphore(sa, lInitialCount, lMaximumCount, kname,
				klen);
}

NAMEDSHM_EXPORT BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore,
					     LONG lReleaseCount,
					     LONG *lpPreviousCount)
{
	struct namedshm_sync_op op = { 0 };

	if (lReleaseCount <= 0) {
		/* Still a bad handle first, as Windows checks it first. */
		struct ce_ref ref;

		if (!ce_handle_get(hSemaphore, CE_KIND_SEMAPHORE, &ref))
			return FALSE;
		ce_handle_put(&ref);
		ce_set_error(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	op.count = (uint32_t)lReleaseCount;
	if (!sync_call(hSemaphore, CE_KIND_SEMAPHORE, CE_W,
		       NAMEDSHM_IOC_SEM_RELEASE, &op))
		return FALSE;
	if (lpPreviousCount)
		*lpPreviousCount = (LONG)op.prev;
	return TRUE;
}

/* ---- Waits ------------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The current-process pseudo handle is signaled only when it exits. */
static DWORD wait_self(DWORD ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	if (ms == INFINITE) {
		for (;;)
			pause();
	}
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return WAIT_TIMEOUT;
}

static DWORD wait_objects(DWORD n, const HANDLE *handles, BOOL all, DWORD ms)
{
	struct ce_ref refs[MAXIMUM_WAIT_OBJECTS];
	int32_t fds[MAXIMUM_WAIT_OBJECTS];
	struct namedshm_wait w;
	uint64_t deadline = 0;
	bool mutex = false;
	DWORD i, got = 0, err = 0, ret = WAIT_FAILED;
	long r;

	for (i = 0; i < n; i++) {
		if (handles[i] == GetCurrentProcess() ||
		    !ce_handle_get(handles[i], CE_KIND_FREE, &refs[i])) {
			err = ERROR_INVALID_HANDLE;
			break;
		}
		got++;
		if (!ce_kind_is_sync(refs[i].kind)) {
			err = ERROR_INVALID_HANDLE;
			break;
		}
		if (!(refs[i].rights & CE_S)) {
			err = ERROR_ACCESS_DENIED;
			break;
		}
		if (refs[i].kind == CE_KIND_MUTEX)
			mutex = true;
		fds[i] = refs[i].fd;
	}
	memset(&w, 0, sizeof(w));
	w.argsz = sizeof(w);
	w.flags = all ? NAMEDSHM_WAIT_ALL : 0;
	w.objs = (uintptr_t)fds;
	w.count = n;
	w.token_fd = -1;
	if (!err && mutex) {
		w.token_fd = token_get();
		if (w.token_fd < 0)
			err = sync_error(errno);
	}
	if (ms != INFINITE)
		deadline = now_ns() + (uint64_t)ms * 1000000ULL;
	while (!err) {
		if (ms == INFINITE) {
			w.timeout = NAMEDSHM_WAIT_INFINITE;
		} else {
			uint64_t t = now_ns();

			w.timeout = t < deadline ? deadline - t : 0;
		}
		r = namedshm__dev_ioctl(NAMEDSHM_IOC_WAIT, &w);
		if (!r) {
			ret = (w.abandoned ? WAIT_ABANDONED_0 : WAIT_OBJECT_0) +
			      w.index;
			break;
		}
		if (errno == ETIMEDOUT) {
			ret = WAIT_TIMEOUT;
			break;
		}
		/* Win32 waits are not ended by signals: wait on. */
		if (errno != EINTR)
			err = sync_error(errno);
	}
	for (i = 0; i < got; i++)
		ce_handle_put(&refs[i]);
	/* A successful wait leaves the last error alone. */
	if (err)
		ce_set_error(err);
	return err ? WAIT_FAILED : ret;
}

NAMEDSHM_EXPORT DWORD WINAPI WaitForSingleObject(HANDLE hHandle,
						 DWORD dwMilliseconds)
{
	if (hHandle == GetCurrentProcess())
		return wait_self(dwMilliseconds);
	return wait_objects(1, &hHandle, FALSE, dwMilliseconds);
}

NAMEDSHM_EXPORT DWORD WINAPI WaitForMultipleObjects(DWORD nCount,
						    const HANDLE *lpHandles,
						    BOOL bWaitAll,
						    DWORD dwMilliseconds)
{
	if (!nCount || nCount > MAXIMUM_WAIT_OBJECTS || !lpHandles) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return WAIT_FAILED;
	}
	return wait_objects(nCount, lpHandles, bWaitAll, dwMilliseconds);
}
