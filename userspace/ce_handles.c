// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CE layer: the handle table, CloseHandle, DuplicateHandle,
 * GetLastError / SetLastError and GetCurrentProcess.
 *
 * A HANDLE never is a descriptor number.  It encodes a slot of the table
 * and the slot's generation:
 *
 *	HANDLE = ((index + 1) << CE_GEN_BITS) | generation
 *
 * with 32 generation bits on 64-bit systems (16 on 32-bit ones) and a
 * generation that is never 0.  So a HANDLE is never NULL, never
 * INVALID_HANDLE_VALUE (the index never reaches the top bit), never below
 * 1 << CE_GEN_BITS (so no descriptor number is ever a valid HANDLE), and
 * a closed HANDLE stays invalid after its slot is reused: closing bumps
 * the generation.  Free slots are reused in FIFO order, which spreads the
 * reuse of any one slot as much as possible.
 *
 * Each slot records the kind (mapping or file), the descriptor, the
 * handle's rights and, for mappings, the object's size.  A call that uses
 * a handle pins its slot (users) for the time it uses the descriptor; a
 * CloseHandle() meanwhile makes the HANDLE invalid at once and leaves the
 * closing of the descriptor to the last user, so a descriptor number is
 * never reused by the system while a call of this layer still uses it.
 *
 * fork(): the table is locked across fork() (pthread_atfork), so the
 * child gets a consistent copy; the child's slots are those of the parent,
 * with the same (inherited) descriptors.
 *
 * The fork guard.  A consistent table is not enough: a descriptor made by
 * one thread (the kernel open, open(), dup) but not yet recorded when
 * another thread forks, or unrecorded by CloseHandle() but not yet closed,
 * reaches the child as a descriptor no HANDLE names.  Nothing in the child
 * ever closes it, and for a mapping it keeps the region, and its name,
 * alive after the parent's last CloseHandle(), for as long as the child
 * lives.  O_CLOEXEC does not help: fork() without exec is common.  Closing
 * strays in the child is impossible (the child cannot tell a stray from
 * the application's own descriptors), and creating every descriptor with
 * the table lock held would serialise all opens and put blocking system
 * calls under the table lock.  So every make-and-record and
 * unrecord-and-close section holds a reader-writer lock shared (threads
 * do not wait for each other), and the fork handlers take it exclusively:
 * fork() waits for the sections in flight to finish and no new one starts
 * until the child exists.  Writers are preferred, so a storm of handle
 * calls cannot starve fork(); sections therefore never nest the lock
 * itself (a per-thread depth counts nesting).  The cost is one
 * uncontended rwlock round trip per call, and a fork() that waits for an
 * open() in progress (CreateFileForMapping on a slow file system).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ce_internal.h"

#define CE_GEN_BITS (UINTPTR_MAX > 0xffffffffU ? 32 : 16)
#define CE_GEN_MASK ((((uintptr_t)1) << CE_GEN_BITS) - 1)
/* index + 1 stays below the top bit of a HANDLE, and sane. */
#define CE_MAX_SLOTS \
	((uint32_t)((UINTPTR_MAX >> (CE_GEN_BITS + 1)) < (1U << 24) ? \
			    (UINTPTR_MAX >> (CE_GEN_BITS + 1)) - 1 :   \
			    (1U << 24)))

enum ce_state { CE_SLOT_FREE, CE_SLOT_LIVE, CE_SLOT_CLOSING };

struct ce_slot {
	uint32_t gen;
	uint8_t state;
	uint8_t kind;
	bool file_backed;
	unsigned int rights;
	unsigned int users;
	int fd;
	uint64_t size;
	uint32_t next_free; /* index + 1 of the next free slot, 0: none */
};

static pthread_rwlock_t fork_guard =
	PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP;
static _Thread_local unsigned int fork_guard_depth;
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static struct ce_slot *slots;
static uint32_t nr_slots, cap_slots;
static uint32_t free_head, free_tail; /* index + 1, 0: empty */

static _Thread_local DWORD last_error;

void ce_set_error(DWORD err)
{
	last_error = err;
}

NAMEDSHM_EXPORT DWORD WINAPI GetLastError(void)
{
	return last_error;
}

NAMEDSHM_EXPORT void WINAPI SetLastError(DWORD dwErrCode)
{
	last_error = dwErrCode;
}

NAMEDSHM_EXPORT HANDLE WINAPI GetCurrentProcess(void)
{
	return (HANDLE)(LONG_PTR)-1;
}

static void atfork_prepare(void)
{
	/* Outermost first: no descriptor is between made and recorded. */
	pthread_rwlock_wrlock(&fork_guard);
	pthread_mutex_lock(&table_lock);
}

static void atfork_parent(void)
{
	pthread_mutex_unlock(&table_lock);
	pthread_rwlock_unlock(&fork_guard);
}

static void free_slot_locked(uint32_t idx);

static void fork_guard_init(void)
{
	pthread_rwlockattr_t attr;

	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(
		&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&fork_guard, &attr);
	pthread_rwlockattr_destroy(&attr);
}

static void atfork_child(void)
{
	uint32_t i;

	/* The threads that pinned slots do not exist in the child. */
	for (i = 0; i < nr_slots; i++) {
		slots[i].users = 0;
		if (slots[i].state == CE_SLOT_CLOSING) {
			close(slots[i].fd);
			free_slot_locked(i);
		}
	}
	pthread_mutex_unlock(&table_lock);
	/*
	 * Not pthread_rwlock_unlock(): glibc knows the write owner by its
	 * thread id, which is not this thread's in the child, and would take
	 * the unlock for a reader's, leaving the guard write-locked (every
	 * guarded call in the child would then hang).  The child has one
	 * thread and nobody else holds the guard: start it afresh.
	 */
	fork_guard_init();
	fork_guard_depth = 0;
}

static void table_init(void)
{
	pthread_atfork(atfork_prepare, atfork_parent, atfork_child);
}

static void lock_table(void)
{
	pthread_once(&table_once, table_init);
	pthread_mutex_lock(&table_lock);
}

static void unlock_table(void)
{
	pthread_mutex_unlock(&table_lock);
}

void ce_fork_guard_enter(void)
{
	if (fork_guard_depth++)
		return;
	/* The fork handlers must exist before the first guarded section. */
	pthread_once(&table_once, table_init);
	pthread_rwlock_rdlock(&fork_guard);
}

void ce_fork_guard_leave(void)
{
	if (!--fork_guard_depth)
		pthread_rwlock_unlock(&fork_guard);
}

static HANDLE encode(uint32_t idx, uint32_t gen)
{
	return (HANDLE)((((uintptr_t)idx + 1) << CE_GEN_BITS) | gen);
}

/* The live slot @h names, or NULL; table locked. */
static struct ce_slot *lookup_locked(HANDLE h, uint32_t *idx_out)
{
	uintptr_t v = (uintptr_t)h;
	uintptr_t idx1 = v >> CE_GEN_BITS;
	struct ce_slot *s;

	if (!idx1 || idx1 > nr_slots)
		return NULL;
	s = &slots[idx1 - 1];
	if (s->state != CE_SLOT_LIVE || s->gen != (v & CE_GEN_MASK))
		return NULL;
	*idx_out = (uint32_t)(idx1 - 1);
	return s;
}

/* Slot @idx becomes free; its generation was bumped already. */
static void free_slot_locked(uint32_t idx)
{
	struct ce_slot *s = &slots[idx];

	s->state = CE_SLOT_FREE;
	s->kind = CE_KIND_FREE;
	s->fd = -1;
	s->users = 0;
	s->next_free = 0;
	if (free_tail)
		slots[free_tail - 1].next_free = idx + 1;
	else
		free_head = idx + 1;
	free_tail = idx + 1;
}

static void bump_gen(struct ce_slot *s)
{
	s->gen = (uint32_t)((s->gen + 1) & CE_GEN_MASK);
	if (!s->gen)
		s->gen = 1;
}

HANDLE ce_handle_add(enum ce_kind kind, int fd, unsigned int rights,
		     bool file_backed, uint64_t size)
{
	struct ce_slot *s;
	uint32_t idx;
	HANDLE h;

	lock_table();
	if (free_head) {
		idx = free_head - 1;
		free_head = slots[idx].next_free;
		if (!free_head)
			free_tail = 0;
	} else {
		if (nr_slots == cap_slots) {
			uint32_t ncap = cap_slots ? cap_slots * 2 : 64;
			struct ce_slot *n;

			if (ncap > CE_MAX_SLOTS)
				ncap = CE_MAX_SLOTS;
			n = ncap > cap_slots ?
				    realloc(slots, ncap * sizeof(*slots)) :
				    NULL;
			if (!n) {
				unlock_table();
				ce_set_error(ERROR_NOT_ENOUGH_MEMORY);
				return NULL;
			}
			slots = n;
			cap_slots = ncap;
		}
		idx = nr_slots++;
		slots[idx].gen = 1;
	}
	s = &slots[idx];
	s->state = CE_SLOT_LIVE;
	s->kind = (uint8_t)kind;
	s->file_backed = file_backed;
	s->rights = rights;
	s->users = 0;
	s->fd = fd;
	s->size = size;
	s->next_free = 0;
	/*
	 * Encode under the lock: once it is dropped, another thread's add
	 * may realloc() slots, and s would point into freed memory.
	 */
	h = encode(idx, s->gen);
	unlock_table();
	return h;
}

#ifdef NAMEDSHM_TEST_HOOKS
/* Test builds only: how many live slots hold descriptor @fd. */
unsigned int ce_handle_fd_records(int fd)
{
	unsigned int n = 0;

	lock_table();
	for (uint32_t i = 0; i < nr_slots; i++)
		n += slots[i].state == CE_SLOT_LIVE && slots[i].fd == fd;
	unlock_table();
	return n;
}
#endif

bool ce_handle_get(HANDLE h, enum ce_kind kind, struct ce_ref *ref)
{
	struct ce_slot *s;
	uint32_t idx;

	lock_table();
	s = lookup_locked(h, &idx);
	if (!s || (kind != CE_KIND_FREE && s->kind != kind)) {
		unlock_table();
		ce_set_error(ERROR_INVALID_HANDLE);
		return false;
	}
	s->users++;
	ref->idx = idx;
	ref->kind = (enum ce_kind)s->kind;
	ref->fd = s->fd;
	ref->rights = s->rights;
	ref->file_backed = s->file_backed;
	ref->size = s->size;
	unlock_table();
	return true;
}

void ce_handle_put(const struct ce_ref *ref)
{
	struct ce_slot *s;
	int fd = -1;

	ce_fork_guard_enter(); /* we may be the last user: unrecord, close */
	lock_table();
	s = &slots[ref->idx];
	if (!--s->users && s->state == CE_SLOT_CLOSING) {
		fd = s->fd;
		free_slot_locked(ref->idx);
	}
	unlock_table();
	if (fd >= 0)
		close(fd);
	ce_fork_guard_leave();
}

/* Invalidate @h; the descriptor is closed now or by the last user. */
static bool handle_close(HANDLE h)
{
	struct ce_slot *s;
	uint32_t idx;
	int fd = -1;

	ce_fork_guard_enter();
	lock_table();
	s = lookup_locked(h, &idx);
	if (!s) {
		unlock_table();
		ce_fork_guard_leave();
		return false;
	}
	bump_gen(s);
	if (s->users) {
		s->state = CE_SLOT_CLOSING;
	} else {
		fd = s->fd;
		free_slot_locked(idx);
	}
	unlock_table();
	if (fd >= 0)
		close(fd);
	ce_fork_guard_leave();
	return true;
}

NAMEDSHM_EXPORT BOOL WINAPI CloseHandle(HANDLE hObject)
{
	/* Closing the current-process pseudo handle does nothing. */
	if (hObject == GetCurrentProcess())
		return TRUE;
	if (!handle_close(hObject)) {
		ce_set_error(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	return TRUE;
}

static int dup_fd(int fd, bool inherit)
{
	return fcntl(fd, inherit ? F_DUPFD : F_DUPFD_CLOEXEC, 0);
}

NAMEDSHM_EXPORT BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle,
					    HANDLE hSourceHandle,
					    HANDLE hTargetProcessHandle,
					    LPHANDLE lpTargetHandle,
					    DWORD dwDesiredAccess,
					    BOOL bInheritHandle,
					    DWORD dwOptions)
{
	const DWORD known = DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS |
			    0x4 /* DUPLICATE_SAME_ATTRIBUTES */;
	bool close_src = dwOptions & DUPLICATE_CLOSE_SOURCE;
	struct ce_ref ref;
	unsigned int rights;
	DWORD err = 0;
	HANDLE h;
	int fd = -1;

	if (hSourceProcessHandle != GetCurrentProcess() ||
	    (lpTargetHandle && hTargetProcessHandle != GetCurrentProcess())) {
		ce_set_error(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	if (dwOptions & ~known) {
		ce_set_error(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	if (!ce_handle_get(hSourceHandle, CE_KIND_FREE, &ref))
		return FALSE;
	ce_fork_guard_enter(); /* from the new descriptor to its slot */

	if (!lpTargetHandle) {
		/* Only useful to close the source handle. */
		ce_handle_put(&ref);
		if (close_src)
			handle_close(hSourceHandle);
		ce_fork_guard_leave();
		if (!close_src) {
			ce_set_error(ERROR_INVALID_PARAMETER);
			return FALSE;
		}
		return TRUE;
	}

	if (dwOptions & DUPLICATE_SAME_ACCESS)
		rights = ref.rights;
	else if (ce_kind_is_sync(ref.kind))
		rights = ce_sync_rights(ref.kind, dwDesiredAccess);
	else if (ref.kind == CE_KIND_MAPPING)
		rights = ce_mapping_rights(dwDesiredAccess);
	else
		rights = ce_file_rights(dwDesiredAccess);

	if (rights & ~ref.rights) {
		err = ERROR_ACCESS_DENIED;
	} else if ((ref.rights & CE_W) && !(rights & CE_W)) {
		/*
		 * Fewer rights: a read-only descriptor where possible.  A
		 * mapping's comes from the handle itself (NAMEDSHM_IOC_DUP), not
		 * from its name, which may name another region in the caller's
		 * IPC namespace of now, or none.  A module without the ioctl
		 * (ENOTTY) gets a shared descriptor; the layer still refuses
		 * write views.
		 */
		if (ce_kind_is_sync(ref.kind))
			fd = ce_sync_dup_readonly(ref.fd, bInheritHandle);
		else if (ref.kind == CE_KIND_MAPPING)
			fd = namedshm_dup(ref.fd, bInheritHandle ?
							  NAMEDSHM_DUP_NOCLOEXEC :
							  0);
		else
			/*
			 * A file handle shares its description: that holds
			 * the share registration (sharemode.h).  The rights
			 * are the layer's, and CreateFileMapping never hands
			 * this descriptor to the kernel.
			 */
			fd = -1;
		if (fd < 0)
			fd = dup_fd(ref.fd, bInheritHandle);
		if (fd < 0)
			err = ce_error_from_errno(errno);
	} else {
		fd = dup_fd(ref.fd, bInheritHandle);
		if (fd < 0)
			err = ce_error_from_errno(errno);
	}

	if (!err) {
		h = ce_handle_add(ref.kind, fd, rights, ref.file_backed,
				  ref.size);
		if (h) {
			*lpTargetHandle = h;
		} else {
			close(fd);
			err = ERROR_NOT_ENOUGH_MEMORY;
		}
	}
	ce_handle_put(&ref);
	/* The source is closed even when the duplication failed. */
	if (close_src)
		handle_close(hSourceHandle);
	ce_fork_guard_leave();
	if (err) {
		ce_set_error(err);
		return FALSE;
	}
	return TRUE;
}
