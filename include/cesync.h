/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cesync.h - Win32 / Windows CE named events, mutexes and semaphores on
 * /dev/namedshm.  Included by <cemapping.h> (which defines the types it
 * uses); include that, not this file.
 *
 * The objects share one namespace with file mappings, live while any
 * handle to them exists in any process, and a mutex whose owner thread
 * exits (or whose process dies) while owning it is abandoned: the next
 * wait returns WAIT_ABANDONED_0 + index and owns it.  The behaviour
 * contract is written in userspace/PORTING.md ("Events, mutexes and
 * semaphores") and the section 3 pages (CreateEvent(3), CreateMutex(3),
 * CreateSemaphore(3), WaitForSingleObject(3)).
 *
 * Threads: a thread that owns a mutex must leave through a return from
 * its start routine or pthread_exit() (which run the library's
 * thread-exit hook); a thread ended by a raw exit(2) system call keeps
 * its mutexes until its process exits.
 */
#ifndef CESYNC_H
#define CESYNC_H

#ifndef CEMAPPING_H
#error "include <cemapping.h>, not <cesync.h>"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Wait results and limits ------------------------------------------ */
#ifndef WAIT_OBJECT_0
#define WAIT_OBJECT_0 ((DWORD)0x00000000)
#define WAIT_ABANDONED ((DWORD)0x00000080)
#define WAIT_ABANDONED_0 ((DWORD)0x00000080)
#define WAIT_TIMEOUT ((DWORD)0x00000102)
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)
#endif
#ifndef INFINITE
#define INFINITE 0xFFFFFFFF
#endif
#ifndef MAXIMUM_WAIT_OBJECTS
#define MAXIMUM_WAIT_OBJECTS 64
#endif

/* ---- Access rights ---------------------------------------------------- */
#ifndef SYNCHRONIZE
#define DELETE 0x00010000UL
#define READ_CONTROL 0x00020000UL
#define WRITE_DAC 0x00040000UL
#define WRITE_OWNER 0x00080000UL
#define SYNCHRONIZE 0x00100000UL
#define STANDARD_RIGHTS_REQUIRED 0x000F0000UL
#endif
#ifndef EVENT_MODIFY_STATE
#define EVENT_QUERY_STATE 0x0001
#define EVENT_MODIFY_STATE 0x0002
#define EVENT_ALL_ACCESS 0x1F0003
#define MUTEX_MODIFY_STATE 0x0001
#define MUTEX_ALL_ACCESS 0x1F0001
#define SEMAPHORE_MODIFY_STATE 0x0002
#define SEMAPHORE_ALL_ACCESS 0x1F0003
#endif

/* ---- Create*Ex flags -------------------------------------------------- */
#ifndef CREATE_EVENT_MANUAL_RESET
#define CREATE_EVENT_MANUAL_RESET 0x00000001
#define CREATE_EVENT_INITIAL_SET 0x00000002
#define CREATE_MUTEX_INITIAL_OWNER 0x00000001
#endif

/* ---- Errors ----------------------------------------------------------- */
#ifndef ERROR_NOT_OWNER
#define ERROR_NOT_OWNER 288
#endif
#ifndef ERROR_TOO_MANY_POSTS
#define ERROR_TOO_MANY_POSTS 298
#endif

/* ---- Events ----------------------------------------------------------- */
HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
			   BOOL bManualReset, BOOL bInitialState,
			   LPCSTR lpName);
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
			   BOOL bManualReset, BOOL bInitialState,
			   LPCWSTR lpName);
HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes,
			     LPCSTR lpName, DWORD dwFlags,
			     DWORD dwDesiredAccess);
HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes,
			     LPCWSTR lpName, DWORD dwFlags,
			     DWORD dwDesiredAccess);
HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle,
			 LPCSTR lpName);
HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle,
			 LPCWSTR lpName);
BOOL WINAPI SetEvent(HANDLE hEvent);
BOOL WINAPI ResetEvent(HANDLE hEvent);
BOOL WINAPI PulseEvent(HANDLE hEvent);

/* ---- Mutexes ---------------------------------------------------------- */
HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
			   BOOL bInitialOwner, LPCSTR lpName);
HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
			   BOOL bInitialOwner, LPCWSTR lpName);
HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
			     LPCSTR lpName, DWORD dwFlags,
			     DWORD dwDesiredAccess);
HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
			     LPCWSTR lpName, DWORD dwFlags,
			     DWORD dwDesiredAccess);
HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle,
			 LPCSTR lpName);
HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle,
			 LPCWSTR lpName);
BOOL WINAPI ReleaseMutex(HANDLE hMutex);

/* ---- Semaphores ------------------------------------------------------- */
HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
			       LONG lInitialCount, LONG lMaximumCount,
			       LPCSTR lpName);
HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
			       LONG lInitialCount, LONG lMaximumCount,
			       LPCWSTR lpName);
HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle,
			     LPCSTR lpName);
HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle,
			     LPCWSTR lpName);
BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
			     LONG *lpPreviousCount);

/* ---- Waits ------------------------------------------------------------ */
DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles,
				    BOOL bWaitAll, DWORD dwMilliseconds);

#ifdef UNICODE
#define CreateEvent CreateEventW
#define CreateEventEx CreateEventExW
#define OpenEvent OpenEventW
#define CreateMutex CreateMutexW
#define CreateMutexEx CreateMutexExW
#define OpenMutex OpenMutexW
#define CreateSemaphore CreateSemaphoreW
#define OpenSemaphore OpenSemaphoreW
#else
#define CreateEvent CreateEventA
#define CreateEventEx CreateEventExA
#define OpenEvent OpenEventA
#define CreateMutex CreateMutexA
#define CreateMutexEx CreateMutexExA
#define OpenMutex OpenMutexA
#define CreateSemaphore CreateSemaphoreA
#define OpenSemaphore OpenSemaphoreA
#endif

#ifdef __cplusplus
}
#endif

#endif /* CESYNC_H */
