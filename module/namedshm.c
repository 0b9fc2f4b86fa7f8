// SPDX-License-Identifier: GPL-2.0
/*
 * namedshm - named, handle-counted shared memory with the lifetime of
 * Win32 named file-mapping objects.
 *
 * /dev/namedshm is a misc device.  NAMEDSHM_IOC_OPEN on it creates or
 * opens a region by name and returns a new file descriptor, a handle.
 * Handles are mmap()ed; the memory is an ordinary shmem file.
 */

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hashtable.h>
#include <linux/hrtimer.h>
#include <linux/ipc_namespace.h>
#include <linux/list_bl.h>
#include <linux/magic.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/pagemap.h>
#include <linux/proc_fs.h>
#include <linux/pseudo_fs.h>
#include <linux/rculist_bl.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/stringhash.h>
#include <linux/uaccess.h>
#include <linux/uidgid.h>
#include <uapi/linux/namedshm.h>

#include "compat.h"

/*
 * Lifetime rules
 * ==============
 *
 * Objects: a region (struct namedshm_region), its name (an entry in
 * namedshm_table), its inode (region->inode, on namedshmfs, our own
 * pseudo filesystem), its handles (files on that inode), its window
 * (region->window, the one file every mapping of the region uses), its
 * mappings (VMAs) and its memory (the backing file: a shmem file, or the
 * regular file given with NAMEDSHM_OPEN_BACKING_FD).
 *
 * 1. Handles.  Every successful NAMEDSHM_IOC_OPEN or NAMEDSHM_IOC_DUP
 *    creates a new handle file, an open file description of its own, and
 *    takes one reference in region->handles.  dup(), fork() and SCM_RIGHTS
 *    share that file and so that reference; the reference is dropped when
 *    the file is released, i.e. when its last descriptor is closed
 *    (namedshm_handle_release()).  Handles are files on region->inode, so
 *    fstat() reports the region's size, owner, group and mode, and an LSM
 *    sees one inode per region.  The inode cannot be opened by path
 *    (/proc/PID/fd): only the ioctls make handles.
 *
 * 2. Name.  Names are per IPC namespace: the table key is the creator's
 *    IPC namespace and the name, so the same name in two namespaces is
 *    two regions, and /proc/namedshm lists the reader's namespace only.
 *    A region holds a reference to its namespace until it is destroyed,
 *    so a handle passed to another namespace keeps working after every
 *    task of the first has gone, and the namespace cannot be freed and
 *    its address reused while a region still carries it as its key.
 *    A named region is in namedshm_table exactly while
 *    region->handles is non-zero.  The final namedshm_region_put() drops
 *    the count to zero and unhashes the region while holding its bucket
 *    lock, so a name is never found with a zero count under that lock, and
 *    lock-free lookups that race with it fail refcount_inc_not_zero() and
 *    see no region (a create then takes the bucket lock and inserts a new
 *    one).  From that moment the name is free: a
 *    create of the same name makes a new region with new, zero-filled
 *    memory that does not alias the old one.
 *
 * 3. Mappings.  mmap() of a handle turns the VMA into a mapping of the
 *    region's window (vma_set_file()), a file on namedshmfs, on the
 *    region's inode, whose f_inode and page cache are the backing file's
 *    (namedshm_window_open()).
 *    Every later path that maps "the mapping's own file" again -
 *    remap_file_pages() and anything else that calls do_mmap() on
 *    vma->vm_file - therefore reaches namedshm_window_mmap(), which
 *    allows only pages inside the region, and a filesystem that is
 *    SB_I_NOEXEC, so no mapping can ever be executable or reach past the
 *    region, whatever the backing file and its mount allow.  A mapping
 *    holds a reference to the window, not to a handle or the region:
 *    mappings survive the last handle and keep their data.  The window's
 *    file operations are this module's, so a mapping pins the module:
 *    unloading waits for the last mapping as well as the last handle.
 *
 * 4. Memory.  The region holds one reference to its window, dropped at
 *    once when the last handle goes; the window's dentry holds the
 *    backing file (struct namedshm_window, its d_fsdata).  It is dropped
 *    by namedshm_d_release(), when __fput() of the window has finished
 *    with the file's f_inode, which is the backing inode.  (So a
 *    privileged process that holds a mapping's path - an O_PATH open of
 *    /proc/PID/map_files/..., CAP_SYS_ADMIN - keeps the memory until it
 *    lets go; it keeps neither the name nor the share-mode registration,
 *    which the window's release drops.)
 *    The memory is freed by shmem (or stays in the backing file) when the
 *    last of the region's and the mappings' references to the window is
 *    gone: memory lives until the last handle AND the last mapping have
 *    gone, and not a moment longer.  The region structure itself is freed
 *    after an RCU grace period, for lock-free readers of the table; they
 *    never dereference region->window (a struct file may be reused at
 *    once), only region->mapping, the backing inode's, which inodes free
 *    after a grace period too.
 *
 * 5. Module.  Handle files, windows (and so mappings), owner tokens and
 *    the open device pin the module (fops.owner).  So does namedshmfs's
 *    superblock (namedshm_fs_type.owner), which lives until the last file
 *    on it is gone: the end of that file's __fput(), which runs after the
 *    file's own module reference is dropped, still calls
 *    namedshm_d_release() and the filesystem's kill_sb.  namedshmfs is
 *    mounted only while something needs it (namedshm_fs_pin()): every
 *    open of the device and every region holds a pin, and every file on
 *    it (and every path of one, such as an O_PATH descriptor) holds the
 *    mount.  Unloading is refused while any of them exists.
 *
 * 6. Kinds.  A table entry is a region of one kind: a mapping (the
 *    above), an event, a mutex or a semaphore.  All kinds share the name
 *    table, so one name is one object of one kind; open or create of a
 *    name that is another kind fails with EPROTOTYPE.  Sync objects
 *    (every kind but mapping) have an inode and handles and are named,
 *    counted, charged (as objects of 0 bytes) and permission-checked
 *    exactly like mappings, by the same code; they have no window and no
 *    memory (region->window and region->mapping are NULL), and mmap() of
 *    their handles is EINVAL.  Their state is region->sync.
 *
 * 7. Waits.  A wait (NAMEDSHM_IOC_WAIT) holds an object reference
 *    (region->refs) on every object it waits on, and a file reference on
 *    the caller's token, to the end, so the objects outlive it: closing a
 *    handle never ends a wait, and an object's waiter list is always
 *    empty when it is freed.  It holds no handle: the last close of a
 *    handle still removes the name at once (rule 2), as in Win32, where
 *    a wait holds the object and not a handle.  The handles together
 *    hold one object reference, dropped with the name.
 *    The wait's own structure (struct namedshm_q) lives on the waiter's
 *    heap, is linked into the objects' waiter lists only under
 *    namedshm_sync_lock, and is unlinked by the waiter itself under that
 *    lock before it is freed; wakers only touch it under the lock.
 *
 * 8. Owner tokens and abandonment.  A mutex is owned by a (token, thread)
 *    pair: struct namedshm_token, the private data of a token file the
 *    library makes for each thread (NAMEDSHM_IOC_TOKEN), and the owner's
 *    global thread and process ids.  An owned mutex is on its token's
 *    owned list.  Every close() of a token descriptor calls
 *    namedshm_token_flush() with current = the closer: it abandons the
 *    mutexes owned through the token by threads of current's process.
 *    That is the thread-exit path (the library's TLS destructor closes
 *    the thread's token), the process-death path (exit_files() closes
 *    every descriptor, before the parent can reap the process, so a
 *    waitpid() that returned sees the mutex abandoned) and the exec path
 *    (tokens are close-on-exec).  A forked child that closes its copy of
 *    the descriptor abandons nothing: its threads own nothing through it.
 *    The token's release (last reference) abandons whatever is still
 *    owned through it by anyone, and frees it.  Destroying a mutex takes
 *    it off its owner's list.  A thread that leaves without closing its
 *    token (a raw exit(2) syscall) keeps its mutexes until the process
 *    exits.  Only a close through the closer's own descriptor table (or
 *    at exit) abandons: a fork() that fails after copying the table
 *    closes the copy with current = the parent, and must not.  Closes
 *    that go through a table not yet installed as the closer's abandon
 *    nothing either (close_range(CLOSE_RANGE_UNSHARE) of a bounded range
 *    in a threaded process; on 5.10, exec of a threaded process with a
 *    token that is not close-on-exec); the token's release still does.
 *
 * Locking
 * =======
 *
 * Five kinds of lock, none ever taken while another is held, so there is
 * no order between them to respect; all but the first are spinlocks,
 * never held across an allocation, a user copy or anything that sleeps:
 *
 * - namedshm_mnt_lock, a mutex, serializes the first pin of namedshmfs
 *   and the last unpin (namedshm_fs_pin()); kern_mount() sleeps under
 *   it, kern_unmount() runs after it;
 * - each bucket of namedshm_table has a bit spinlock (hlist_bl): it
 *   guards insertion and removal of names in that bucket;
 * - namedshm_quota_lock guards the per-user and per-IPC-namespace tables
 *   and their counters, against which the limits are checked;
 * - region->perm_lock guards a region's owner, group and mode (kept in
 *   region->inode, where fstat() reads them);
 * - namedshm_sync_lock, one for the whole module, guards the state of
 *   every sync object (region->sync), every waiter list, every token's
 *   owned list and every queued struct namedshm_q.  One lock makes
 *   wait-all atomic without a lock order between objects (ntsync needs a
 *   per-device wait_all_lock plus per-object locks for that); the cost,
 *   contention between unrelated objects, is a few hundred nanoseconds
 *   of work per operation under the lock.  wake_up_process() is called
 *   under it (it takes only the woken task's scheduler locks).
 *
 * Lookups of existing names take no lock at all: they walk the bucket
 * under rcu_read_lock() and take a handle reference with
 * refcount_inc_not_zero().  Regions are freed with kfree_rcu().
 */

struct namedshm_token;

/*
 * The state of an event, mutex or semaphore (rule 6); all of it guarded
 * by namedshm_sync_lock.
 */
struct namedshm_sync {
	/* Queued waits: struct namedshm_wait_entry.node, oldest first. */
	struct list_head waiters;
	/* Semaphore: count; mutex: recursion count (0: free). */
	u32 count;
	/* Semaphore: maximum count. */
	u32 max;
	/* Event. */
	bool signaled;
	bool manual;
	/* Mutex: the owner left without releasing it, not yet reported. */
	bool abandoned;
	/* Mutex: the owner's token (rule 8), or NULL. */
	struct namedshm_token *owner;
	pid_t owner_tid;
	pid_t owner_tgid;
	/* Mutex: in owner->owned while owned. */
	struct list_head owner_node;
};

struct namedshm_region {
	struct hlist_bl_node node;
	refcount_t handles;
	/* One for all handles, one per queued wait entry (rule 7). */
	refcount_t refs;
	u32 hash;
	/* Table key, with the name: the creator's IPC namespace (counted). */
	struct ipc_namespace *ns;
	/* Ours, for fstat() and LSMs; owner, group and mode live here. */
	struct inode *inode;
	/* The file of every mapping (rule 3). */
	struct file *window;
	/* The backing file's f_mapping, for RCU readers (rule 4). */
	struct address_space *mapping;
	u64 size;
	/* Bytes charged to the quotas (namedshm_charge()). */
	u64 charged;
	/* Charged to this user (the creator) and namespace for its life. */
	struct namedshm_user *user;
	struct namedshm_nsq *nsq;
	spinlock_t perm_lock; /* guards inode's i_uid, i_gid and i_mode */
	u32 flags;
	u32 kind; /* NAMEDSHM_KIND_*, immutable (rule 6) */
	struct namedshm_sync sync; /* kinds other than mapping */
	struct rcu_head rcu;
	u32 name_len;
	char name[];
};

/* A window's private data: what it maps, and how much of it (rule 3). */
struct namedshm_window {
	struct file *backing;
	/*
	 * The caller's file (not ours), kept as it is for as long as the
	 * window lives: its open-file-description locks are the share-mode
	 * registration of the mapping object (userspace/sharemode.c), which
	 * must last as long as the region and its mappings.  NULL for ours.
	 */
	struct file *held;
	pgoff_t pages;
};

#define NAMEDSHM_FS_MAGIC 0x4e53484d /* "NSHM" */

/*
 * namedshmfs: region inodes, handles and windows.  Never mounted in any
 * namespace, noexec and nodev by construction (SB_I_NOEXEC, SB_I_NODEV).
 * namedshm_mnt is set while namedshm_mnt_pins is non-zero (rule 5); it
 * changes only under namedshm_mnt_lock, on the first pin and the last
 * unpin, and a pin holder reads it without the lock.  A kern_mount(), not
 * simple_pin_fs(): an internal mount's mntput() takes no global lock.
 * The last unpin waits for an RCU grace period (kern_unmount()); an open
 * device holds a pin, so that it is paid when the last user goes, not
 * once per object.
 */
static struct file_system_type namedshm_fs_type;
static DEFINE_MUTEX(namedshm_mnt_lock);
static struct vfsmount *namedshm_mnt;
static atomic_t namedshm_mnt_pins = ATOMIC_INIT(0);

static int namedshm_fs_pin(void)
{
	struct vfsmount *mnt;

	/* Fully ordered when it succeeds: namedshm_mnt is seen set. */
	if (atomic_inc_not_zero(&namedshm_mnt_pins))
		return 0;
	mutex_lock(&namedshm_mnt_lock);
	if (atomic_inc_not_zero(&namedshm_mnt_pins)) {
		mutex_unlock(&namedshm_mnt_lock);
		return 0;
	}
	mnt = kern_mount(&namedshm_fs_type);
	if (IS_ERR(mnt)) {
		mutex_unlock(&namedshm_mnt_lock);
		return PTR_ERR(mnt);
	}
	WRITE_ONCE(namedshm_mnt, mnt);
	atomic_set_release(&namedshm_mnt_pins, 1);
	mutex_unlock(&namedshm_mnt_lock);
	return 0;
}

static void namedshm_fs_unpin(void)
{
	struct vfsmount *mnt;

	if (atomic_add_unless(&namedshm_mnt_pins, -1, 1))
		return;
	mutex_lock(&namedshm_mnt_lock);
	if (!atomic_dec_and_test(&namedshm_mnt_pins)) {
		mutex_unlock(&namedshm_mnt_lock);
		return;
	}
	mnt = namedshm_mnt;
	WRITE_ONCE(namedshm_mnt, NULL);
	mutex_unlock(&namedshm_mnt_lock);
	/* Files on it keep it, and the module, until they go (rule 5). */
	kern_unmount(mnt);
}

/* namedshmfs's mount, for a caller that holds a pin. */
static struct vfsmount *namedshm_fs_mnt(void)
{
	return READ_ONCE(namedshm_mnt);
}

/* The region's inode lives on in its files' dentries, if any. */
static void namedshm_region_inode_put(struct namedshm_region *r)
{
	iput(r->inode);
	namedshm_fs_unpin();
}

/*
 * A private tmpfs mount with huge=within_size for NAMEDSHM_OPEN_HUGE
 * regions, or NULL where the kernel has no transparent huge pages.
 */
static struct vfsmount *namedshm_huge_mnt;

/* shmem's file operations: a backing file that has them is shmem. */
static const struct file_operations *namedshm_shmem_fops;

/* The name table, allocated at load time with 1 << hash_bits buckets. */
static unsigned int hash_bits = 17;
module_param(hash_bits, uint, 0444);
MODULE_PARM_DESC(hash_bits,
		 "log2 of the name table's buckets, 10..22, at load time");
static struct hlist_bl_head *namedshm_table;

/*
 * Limits.  Root may change them at run time through
 * /sys/module/namedshm/parameters/; a change applies to later creates.
 * Exceeding a count or byte limit is ENOSPC (as SHMMNI and SHMALL are for
 * shmget()), a region over max_region_size EFBIG.  Bytes count regions
 * whose memory is shmem - anonymous regions and those backed by a memfd
 * or tmpfs file - since that memory exists only while someone uses it;
 * regions of other files commit no memory.  0 means no limit for the
 * byte limits.  max_regions and max_total_bytes hold for each IPC
 * namespace separately (as SysV's shmmni and shmall), so one container
 * cannot use up another's; the per-user limits count a user's regions in
 * every namespace together (a kuid is global).
 */
static unsigned long max_region_size = NAMEDSHM_MAX_REGION_SIZE;
module_param(max_region_size, ulong, 0644);
MODULE_PARM_DESC(max_region_size,
		 "Largest region in bytes; larger creates fail with EFBIG");

static unsigned long max_regions = 1UL << 20;
module_param(max_regions, ulong, 0644);
MODULE_PARM_DESC(max_regions,
		 "Most live regions in each IPC namespace (ENOSPC)");

static unsigned long max_total_bytes;
module_param(max_total_bytes, ulong, 0644);
MODULE_PARM_DESC(max_total_bytes,
		 "Most shmem bytes in each IPC namespace, 0: none (ENOSPC)");

static unsigned long max_user_regions = 1UL << 17;
module_param(max_user_regions, ulong, 0644);
MODULE_PARM_DESC(max_user_regions,
		 "Most live regions created by one user (ENOSPC)");

static unsigned long max_user_bytes;
module_param(max_user_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_bytes,
		 "Most bytes of one user's shmem regions, 0: none (ENOSPC)");

/* What one user's live regions use; in namedshm_users while regions > 0. */
struct namedshm_user {
	struct hlist_node node;
	kuid_t uid;
	unsigned long regions;
	u64 bytes;
};

/* What one IPC namespace's live regions use; in namedshm_nsqs likewise. */
struct namedshm_nsq {
	struct hlist_node node;
	struct ipc_namespace *ns;
	unsigned long regions;
	u64 bytes;
};

static DEFINE_SPINLOCK(namedshm_quota_lock);
static DEFINE_HASHTABLE(namedshm_users, 8);
static DEFINE_HASHTABLE(namedshm_nsqs, 6);
static unsigned long namedshm_nr_regions;
static u64 namedshm_committed;

/* Room left under @limit (0: no limit) when @used is in use. */
static bool namedshm_fits(u64 limit, u64 used, u64 more)
{
	return !limit || (used <= limit && more <= limit - used);
}

/* The quota entries of a user and a namespace, or NULL. */
static struct namedshm_user *namedshm_user_find(kuid_t uid)
{
	struct namedshm_user *u;

	lockdep_assert_held(&namedshm_quota_lock);
	hash_for_each_possible(namedshm_users, u, node, __kuid_val(uid))
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

static struct namedshm_nsq *namedshm_nsq_find(struct ipc_namespace *ns)
{
	struct namedshm_nsq *q;

	lockdep_assert_held(&namedshm_quota_lock);
	hash_for_each_possible(namedshm_nsqs, q, node, (unsigned long)ns)
		if (q->ns == ns)
			return q;
	return NULL;
}

/*
 * Charge region @r (r->charged bytes) to the current user and to r->ns,
 * or fail with ENOSPC leaving nothing charged.  The spare entries are
 * zeroed allocations of the caller, used if the user or the namespace has
 * no entry yet, else freed.
 */
static int namedshm_charge(struct namedshm_region *r,
			   struct namedshm_user *spare_user,
			   struct namedshm_nsq *spare_nsq)
{
	unsigned long lim_regions = READ_ONCE(max_regions);
	unsigned long lim_total = READ_ONCE(max_total_bytes);
	unsigned long lim_user_regions = READ_ONCE(max_user_regions);
	unsigned long lim_user_bytes = READ_ONCE(max_user_bytes);
	kuid_t uid = current_euid();
	struct namedshm_user *u;
	struct namedshm_nsq *q;
	u64 bytes = r->charged;
	int ret = -ENOSPC;

	spin_lock(&namedshm_quota_lock);
	u = namedshm_user_find(uid);
	q = namedshm_nsq_find(r->ns);
	if ((u && (u->regions >= lim_user_regions ||
		   !namedshm_fits(lim_user_bytes, u->bytes, bytes))) ||
	    (q && (q->regions >= lim_regions ||
		   !namedshm_fits(lim_total, q->bytes, bytes))) ||
	    !namedshm_fits(lim_user_bytes, 0, bytes) ||
	    !namedshm_fits(lim_total, 0, bytes) || !lim_regions ||
	    !lim_user_regions)
		goto out;
	if (!u) {
		u = spare_user;
		spare_user = NULL;
		u->uid = uid;
		hash_add(namedshm_users, &u->node, __kuid_val(uid));
	}
	if (!q) {
		q = spare_nsq;
		spare_nsq = NULL;
		q->ns = r->ns;
		hash_add(namedshm_nsqs, &q->node, (unsigned long)r->ns);
	}
	u->regions++;
	u->bytes += bytes;
	q->regions++;
	q->bytes += bytes;
	namedshm_nr_regions++;
	namedshm_committed += bytes;
	r->user = u;
	r->nsq = q;
	ret = 0;
out:
	spin_unlock(&namedshm_quota_lock);
	kfree(spare_user);
	kfree(spare_nsq);
	return ret;
}

static void namedshm_uncharge(struct namedshm_region *r)
{
	struct namedshm_user *u = r->user;
	struct namedshm_nsq *q = r->nsq;
	bool last_user, last_ns;

	spin_lock(&namedshm_quota_lock);
	u->bytes -= r->charged;
	q->bytes -= r->charged;
	namedshm_nr_regions--;
	namedshm_committed -= r->charged;
	last_user = !--u->regions;
	if (last_user)
		hash_del(&u->node);
	last_ns = !--q->regions;
	if (last_ns)
		hash_del(&q->node);
	spin_unlock(&namedshm_quota_lock);
	if (last_user)
		kfree(u);
	if (last_ns)
		kfree(q);
}

static const struct file_operations namedshm_handle_fops;

static struct hlist_bl_head *namedshm_bucket(u32 hash)
{
	return &namedshm_table[hash_32(hash, hash_bits)];
}

static bool namedshm_match(const struct namedshm_region *r,
			   const struct ipc_namespace *ns, u32 hash,
			   const char *name, u32 len)
{
	return r->hash == hash && r->ns == ns && r->name_len == len &&
	       !memcmp(r->name, name, len);
}

/* Find a live region and take a handle reference; RCU or bucket lock. */
static struct namedshm_region *namedshm_find(struct hlist_bl_head *b,
					     const struct ipc_namespace *ns,
					     u32 hash, const char *name,
					     u32 len)
{
	struct namedshm_region *r;
	struct hlist_bl_node *pos;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held() && !hlist_bl_is_locked(b),
			 "table walk needs RCU or the bucket lock");
	hlist_bl_for_each_entry_rcu(r, pos, b, node) {
		if (namedshm_match(r, ns, hash, name, len) &&
		    refcount_inc_not_zero(&r->handles))
			return r;
	}
	return NULL;
}

/* Sync objects (lifetime rules 6-8). */
static DEFINE_SPINLOCK(namedshm_sync_lock);

/* An owner token (rule 8): the private data of a token file. */
struct namedshm_token {
	/* Mutexes owned through this token: namedshm_sync.owner_node. */
	struct list_head owned;
};

/* One object of a queued wait. */
struct namedshm_wait_entry {
	struct list_head node; /* in obj->sync.waiters */
	struct namedshm_q *q;
	struct namedshm_region *obj; /* the wait's reference (rule 7) */
	u32 index;
};

/* A wait in progress (rule 7). */
struct namedshm_q {
	struct task_struct *task;
	/* Who would own a mutex this wait acquires. */
	struct namedshm_token *token;
	pid_t tid;
	pid_t tgid;
	bool all;
	/* -1 while waiting; then the index out, written under the lock. */
	int signaled;
	bool abandoned;
	u32 count;
	struct namedshm_wait_entry entries[];
};

static bool namedshm_is_sync(const struct namedshm_region *r)
{
	return r->kind != NAMEDSHM_KIND_MAPPING;
}

/*
 * Owned by this (token, thread)?  The thread is its global tid and tgid:
 * a tid reused by another process's thread never matches (rule 8).
 */
static bool namedshm_mutex_owned_by(struct namedshm_region *r,
				    struct namedshm_token *token, pid_t tid,
				    pid_t tgid)
{
	lockdep_assert_held(&namedshm_sync_lock);
	return r->sync.owner && r->sync.owner == token &&
	       r->sync.owner_tid == tid && r->sync.owner_tgid == tgid;
}

/* Would a wait of @q on @r succeed now? */
static bool namedshm_sync_ready(struct namedshm_region *r,
				struct namedshm_q *q)
{
	lockdep_assert_held(&namedshm_sync_lock);
	switch (r->kind) {
	case NAMEDSHM_KIND_EVENT:
		return r->sync.signaled;
	case NAMEDSHM_KIND_SEMAPHORE:
		return r->sync.count;
	case NAMEDSHM_KIND_MUTEX:
		if (!r->sync.owner)
			return true;
		return namedshm_mutex_owned_by(r, q->token, q->tid, q->tgid) &&
		       r->sync.count < U32_MAX;
	}
	return false;
}

static void namedshm_mutex_take(struct namedshm_region *r,
				struct namedshm_token *token, pid_t tid,
				pid_t tgid)
{
	lockdep_assert_held(&namedshm_sync_lock);
	r->sync.owner = token;
	r->sync.owner_tid = tid;
	r->sync.owner_tgid = tgid;
	r->sync.count = 1;
	list_add_tail(&r->sync.owner_node, &token->owned);
}

/* Consume @r for @q, which namedshm_sync_ready() allowed; abandoned? */
static bool namedshm_sync_consume(struct namedshm_region *r,
				  struct namedshm_q *q)
{
	bool abandoned = false;

	lockdep_assert_held(&namedshm_sync_lock);
	switch (r->kind) {
	case NAMEDSHM_KIND_EVENT:
		if (!r->sync.manual)
			r->sync.signaled = false;
		break;
	case NAMEDSHM_KIND_SEMAPHORE:
		r->sync.count--;
		break;
	case NAMEDSHM_KIND_MUTEX:
		abandoned = r->sync.abandoned;
		r->sync.abandoned = false;
		if (r->sync.owner)
			r->sync.count++;
		else
			namedshm_mutex_take(r, q->token, q->tid, q->tgid);
		break;
	}
	return abandoned;
}

/* Satisfy @q at @index: the waiter sees it once it runs (rule 7). */
static void namedshm_q_satisfy(struct namedshm_q *q, u32 index,
			       bool abandoned)
{
	lockdep_assert_held(&namedshm_sync_lock);
	q->abandoned = abandoned;
	/* Pairs with smp_load_acquire() in namedshm_wait_sleep(). */
	smp_store_release(&q->signaled, index);
	wake_up_process(q->task);
}

/*
 * Wait-all: take every object of @q, or nothing.  Returns -1, or the
 * index to report: 0, or the first abandoned mutex's (*@abandoned).
 */
static int namedshm_q_try_all(struct namedshm_q *q, bool *abandoned)
{
	int index = -1;
	u32 i;

	lockdep_assert_held(&namedshm_sync_lock);
	for (i = 0; i < q->count; i++)
		if (!namedshm_sync_ready(q->entries[i].obj, q))
			return -1;
	for (i = 0; i < q->count; i++)
		if (namedshm_sync_consume(q->entries[i].obj, q) && index < 0)
			index = i;
	*abandoned = index >= 0;
	return index >= 0 ? index : 0;
}

/*
 * Does @q wait on a mutex its thread owns at the recursion limit?  That
 * wait could never be satisfied (Windows: STATUS_MUTANT_LIMIT_EXCEEDED).
 */
static bool namedshm_q_recursion_full(struct namedshm_q *q)
{
	u32 i;

	lockdep_assert_held(&namedshm_sync_lock);
	for (i = 0; i < q->count; i++) {
		struct namedshm_region *r = q->entries[i].obj;

		if (r->kind == NAMEDSHM_KIND_MUTEX &&
		    namedshm_mutex_owned_by(r, q->token, q->tid, q->tgid) &&
		    r->sync.count == U32_MAX)
			return true;
	}
	return false;
}

/* Wait-any: take the lowest ready object of @q; its index, or -1. */
static int namedshm_q_try_any(struct namedshm_q *q, bool *abandoned)
{
	u32 i;

	lockdep_assert_held(&namedshm_sync_lock);
	for (i = 0; i < q->count; i++) {
		if (namedshm_sync_ready(q->entries[i].obj, q)) {
			*abandoned = namedshm_sync_consume(q->entries[i].obj,
							   q);
			return i;
		}
	}
	return -1;
}

/*
 * @r became (more) signaled: satisfy the queued waits it can, oldest
 * first, as long as it stays signaled.
 */
static void namedshm_sync_wake(struct namedshm_region *r)
{
	struct namedshm_wait_entry *e;

	lockdep_assert_held(&namedshm_sync_lock);
	list_for_each_entry(e, &r->sync.waiters, node) {
		struct namedshm_q *q = e->q;
		bool abandoned;
		int index;

		if (q->signaled != -1)
			continue;
		if (q->all) {
			index = namedshm_q_try_all(q, &abandoned);
			if (index >= 0)
				namedshm_q_satisfy(q, index, abandoned);
		} else if (namedshm_sync_ready(r, q)) {
			namedshm_q_satisfy(q, e->index,
					   namedshm_sync_consume(r, q));
		}
	}
}

/* The owner is gone without releasing @r (rule 8). */
static void namedshm_mutex_abandon(struct namedshm_region *r)
{
	lockdep_assert_held(&namedshm_sync_lock);
	list_del(&r->sync.owner_node);
	r->sync.owner = NULL;
	r->sync.count = 0;
	r->sync.abandoned = true;
	namedshm_sync_wake(r);
}

/* Before the region is freed: off its owner's list (rule 8). */
static void namedshm_sync_destroy(struct namedshm_region *r)
{
	spin_lock(&namedshm_sync_lock);
	WARN_ON_ONCE(!list_empty(&r->sync.waiters));
	if (r->sync.owner)
		list_del(&r->sync.owner_node);
	r->sync.owner = NULL;
	spin_unlock(&namedshm_sync_lock);
}

/*
 * Every close() of a token descriptor (rule 8): abandon what the
 * closing process's threads own through it.
 */
static int namedshm_token_flush(struct file *file, fl_owner_t id)
{
	struct namedshm_token *t = file->private_data;
	struct namedshm_region *r, *tmp;

	/*
	 * Only the closing process's own descriptor table counts: a fork()
	 * that fails after copying the table closes the child's copy with
	 * current = the parent (copy_process() -> exit_files()), and must
	 * abandon nothing.  At exit current->files is already NULL.
	 */
	if (current->files && id != current->files)
		return 0;
	spin_lock(&namedshm_sync_lock);
	list_for_each_entry_safe(r, tmp, &t->owned, sync.owner_node)
		if (r->sync.owner_tgid == current->tgid)
			namedshm_mutex_abandon(r);
	spin_unlock(&namedshm_sync_lock);
	return 0;
}

static int namedshm_token_release(struct inode *inode, struct file *file)
{
	struct namedshm_token *t = file->private_data;
	struct namedshm_region *r, *tmp;

	spin_lock(&namedshm_sync_lock);
	list_for_each_entry_safe(r, tmp, &t->owned, sync.owner_node)
		namedshm_mutex_abandon(r);
	spin_unlock(&namedshm_sync_lock);
	kfree(t);
	return 0;
}

static const struct file_operations namedshm_token_fops = {
	.owner = THIS_MODULE,
	.flush = namedshm_token_flush,
	.release = namedshm_token_release,
};

static long namedshm_ioctl_token(void)
{
	struct namedshm_token *t;
	struct file *file;
	int fd;

	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return -ENOMEM;
	INIT_LIST_HEAD(&t->owned);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		kfree(t);
		return fd;
	}
	file = anon_inode_getfile("namedshm-token", &namedshm_token_fops, t,
				  O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		kfree(t);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}

/* A reference to the token behind @fd, or an error. */
static struct file *namedshm_get_token(int fd)
{
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);
	if (file->f_op != &namedshm_token_fops) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	return file;
}

/* Drop an object reference; the last one frees the region (rule 7). */
static void namedshm_region_unref(struct namedshm_region *r)
{
	if (!refcount_dec_and_test(&r->refs))
		return;
	if (namedshm_is_sync(r))
		namedshm_sync_destroy(r);
	namedshm_region_inode_put(r);
	kfree_rcu(r, rcu);
}

/* The last handle is gone and the name with it (rules 2 and 4). */
static void namedshm_region_destroy(struct namedshm_region *r)
{
	namedshm_uncharge(r);
	/* Lock-free readers only compare r->ns, never dereference it. */
	namedshm_put_ipc_ns(r->ns);
	if (!namedshm_is_sync(r))
		fput(r->window);
	namedshm_region_unref(r);
}

/* Drop a handle reference; the last one removes the name (rule 2). */
static void namedshm_region_put(struct namedshm_region *r)
{
	struct hlist_bl_head *b;

	if (refcount_dec_not_one(&r->handles))
		return;

	if (r->flags & NAMEDSHM_REGION_NAMED) {
		b = namedshm_bucket(r->hash);
		hlist_bl_lock(b);
		if (!refcount_dec_and_test(&r->handles)) {
			hlist_bl_unlock(b);
			return;
		}
		hlist_bl_del_rcu(&r->node);
		hlist_bl_unlock(b);
	} else if (!refcount_dec_and_test(&r->handles)) {
		return;
	}
	namedshm_region_destroy(r);
}

/*
 * Name shown for handles and mappings in /proc/PID/fd and /proc/PID/maps:
 * a bounded, printable copy of the region name.
 */
static void namedshm_file_name(char *buf, size_t bufsz, const char *name,
			       u32 len)
{
	size_t prefix = strscpy(buf, "namedshm:", bufsz);
	size_t i;

	for (i = 0; i < len && prefix + i + 1 < bufsz; i++)
		buf[prefix + i] =
			(name[i] > ' ' && name[i] < 0x7f && name[i] != '/') ?
				name[i] :
				'?';
	buf[prefix + i] = '\0';
}

/*
 * The check every mapping of a region passes, whether it is made from a
 * handle or by remap_file_pages() on an existing mapping (rule 3): pages
 * inside the region only, never executable, never grown by mremap(),
 * never tagged (arm64 PROT_MTE; VM_MTE is 0 elsewhere).  Refused here,
 * before anything is set up: kernels before the late-2024 MTE rework
 * (5.10 before 5.10.231, 6.1 before 6.1.119) check the tag flags only
 * after this hook, and 5.10's error path would then put the handle file
 * that namedshm_handle_mmap() had already swapped for the window.
 */
static int namedshm_window_check(struct vm_area_struct *vma, pgoff_t pages)
{
	if (vma->vm_pgoff >= pages || vma_pages(vma) > pages - vma->vm_pgoff)
		return -EINVAL;
	if (vma->vm_flags & VM_MTE)
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	namedshm_vm_flags_clear(vma, VM_MAYEXEC);
	namedshm_vm_flags_set(vma, VM_DONTEXPAND);
	return 0;
}

/*
 * The backing file sets up the VMA (its vm_ops, shmem's huge pages), then
 * loses VM_MTE_ALLOWED, which older kernels' shmem_mmap() set, so that
 * mprotect(PROT_MTE) is EINVAL on every kernel too (arm64 only;
 * VM_MTE_ALLOWED is 0 elsewhere).  A region's pages are shared with
 * processes that know nothing of tags.
 */
static int namedshm_window_setup(struct namedshm_window *w,
				 struct vm_area_struct *vma)
{
	int ret = namedshm_mmap_backing(w->backing, vma);

	if (!ret)
		namedshm_vm_flags_clear(vma, VM_MTE_ALLOWED);
	return ret;
}

static int namedshm_window_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct namedshm_window *w = file->private_data;
	int ret;

	ret = namedshm_window_check(vma, w->pages);
	if (ret)
		return ret;
	/* vma->vm_file stays the window; the backing sets up the rest. */
	return namedshm_window_setup(w, vma);
}

/* msync(MS_SYNC) and FlushViewOfFile() reach the backing file. */
static int namedshm_window_fsync(struct file *file, loff_t start, loff_t end,
				 int datasync)
{
	struct namedshm_window *w = file->private_data;

	return vfs_fsync_range(w->backing, start, end, datasync);
}

/*
 * The caller's file, and with it the share-mode registration, goes with
 * the window's file; the backing file with its dentry (rule 4).
 */
static int namedshm_window_release(struct inode *inode, struct file *file)
{
	struct namedshm_window *w = file->private_data;

	if (w->held)
		fput(w->held);
	w->held = NULL;
	return 0;
}

/*
 * No fallocate (so no MADV_REMOVE hole punching through a mapping) and no
 * read or write: a window is only ever mapped.
 */
static const struct file_operations namedshm_window_fops = {
	.owner = THIS_MODULE,
	.mmap = namedshm_window_mmap,
	.fsync = namedshm_window_fsync,
	.release = namedshm_window_release,
};

/*
 * The window of a region of @size bytes of @backing (rule 3): a file on
 * namedshmfs that stands for the backing file's inode and page cache, so
 * that the backing filesystem's fault handlers, which look at
 * file_inode(vma->vm_file) and its f_mapping, find their own inode, while
 * every do_mmap() of it comes back to namedshm_window_mmap().
 */
static struct file *namedshm_window_open(struct inode *inode,
					 struct file *backing, bool ours,
					 u64 size, bool writable,
					 const char *fname)
{
	struct namedshm_window *w;
	struct file *win;

	w = kmalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return ERR_PTR(-ENOMEM);
	/*
	 * A caller's file gets a private open, so that the window's writes
	 * are counted and its fsync errors are its own, not the caller's
	 * file's; a shmem file of @ours is taken over as it is.
	 */
	if (ours)
		w->backing = get_file(backing);
	else
		w->backing = dentry_open(&backing->f_path,
					 (writable ? O_RDWR : O_RDONLY) |
						 O_LARGEFILE,
					 current_cred());
	if (IS_ERR(w->backing)) {
		win = ERR_CAST(w->backing);
		kfree(w);
		return win;
	}
	w->held = ours ? NULL : get_file(backing);
	ihold(inode);
	/* alloc_file_pseudo() takes no module reference; fput() drops one. */
	__module_get(THIS_MODULE);
	/* namedshm_mnt: the region holds a pin. */
	win = alloc_file_pseudo(inode, namedshm_fs_mnt(), fname,
				writable ? O_RDWR : O_RDONLY,
				&namedshm_window_fops);
	if (IS_ERR(win)) {
		module_put(THIS_MODULE);
		iput(inode);
		fput(w->backing);
		if (w->held)
			fput(w->held);
		kfree(w);
		return win;
	}
	w->pages = size >> PAGE_SHIFT;
	win->private_data = w;
	win->f_path.dentry->d_fsdata = w;
	win->f_inode = file_inode(backing);
	/*
	 * A read-only file's i_readcount, counted by alloc_file_pseudo() on
	 * the region's inode, moves to the backing inode, which f_inode stays
	 * until the end: __fput() drops it on the inode it read at its start
	 * (5.10) or after ->release() (later kernels), the backing's either
	 * way.  The backing file, and so its inode, outlives that: it is
	 * dropped with the window's dentry, by namedshm_d_release() from the
	 * dput() at the end of __fput(), after every use of f_inode.
	 */
	if ((win->f_mode & (FMODE_READ | FMODE_WRITE)) == FMODE_READ) {
		i_readcount_inc(win->f_inode);
		i_readcount_dec(inode);
	}
	win->f_mapping = backing->f_mapping;
	file_ra_state_init(&win->f_ra, win->f_mapping);
	win->f_wb_err = filemap_sample_wb_err(win->f_mapping);
	return win;
}

/* Region inodes refuse chmod, chown, truncate: see NAMEDSHM_IOC_SET_PERM. */
static int namedshm_region_setattr(NAMEDSHM_IDMAP_ARG struct dentry *dentry,
				   struct iattr *attr)
{
	return -EPERM;
}

static const struct inode_operations namedshm_region_iops = {
	.setattr = namedshm_region_setattr,
};

/*
 * The region's inode, under its handles' and its window's dentries.  Its
 * file operations are the VFS's default, which refuse every open by path.
 * The region holds a pin on namedshmfs for as long as it holds the inode
 * (rule 5).
 */
static int namedshm_region_inode_get(struct namedshm_region *r, umode_t mode)
{
	struct inode *inode;
	int ret;

	ret = namedshm_fs_pin();
	if (ret)
		return ret;
	inode = new_inode(namedshm_fs_mnt()->mnt_sb);
	if (!inode) {
		namedshm_fs_unpin();
		return -ENOMEM;
	}
	inode->i_ino = get_next_ino();
	inode->i_mode = S_IFREG | mode;
	inode->i_uid = current_euid();
	inode->i_gid = current_egid();
	inode->i_op = &namedshm_region_iops;
	i_size_write(inode, r->size);
	namedshm_inode_init_times(inode);
	r->inode = inode;
	return 0;
}

/* A new handle file (rule 1); the caller holds its region reference. */
static struct file *namedshm_handle_file(struct namedshm_region *r, bool write)
{
	char fname[64];
	struct file *file;

	namedshm_file_name(fname, sizeof(fname), r->name, r->name_len);
	ihold(r->inode);
	/* alloc_file_pseudo() takes no module reference; fput() drops one. */
	__module_get(THIS_MODULE);
	file = alloc_file_pseudo(r->inode, namedshm_fs_mnt(), fname,
				 write ? O_RDWR : O_RDONLY,
				 &namedshm_handle_fops);
	if (IS_ERR(file)) {
		module_put(THIS_MODULE);
		iput(r->inode);
		return file;
	}
	file->private_data = r;
	return file;
}

/*
 * Internal open flag, outside NAMEDSHM_OPEN_FLAGS_MASK: the backing file
 * may not be written through the region (namedshm_get_backing()).
 */
#define NAMEDSHM_BACKING_READ_ONLY BIT(31)

/*
 * NAMEDSHM_OPEN_GROW: extend @file to at least @size bytes, never shrink
 * it.  fallocate() of the last byte raises i_size to @size unless it is
 * there already, under the inode lock, so a concurrent grower or writer
 * that went further is never cut back (a truncate to @size would).  It
 * checks the caller's descriptor (open for writing), seals (F_SEAL_GROW),
 * swap files and the LSM.  Files without extents (ext2/ext3 format)
 * cannot preallocate: they are truncated up if still too short, which
 * leaves a window against a concurrent grower.  A full filesystem or a
 * disk quota is EDQUOT: ENOSPC is this module's own quota error.
 */
static int namedshm_grow(struct file *file, loff_t size)
{
	int ret = vfs_fallocate(file, 0, size - 1, 1);

	if (ret == -EOPNOTSUPP) {
		if (i_size_read(file_inode(file)) >= size)
			return 0;
		ret = vfs_truncate(&file->f_path, size);
	}
	return ret == -ENOSPC ? -EDQUOT : ret;
}

/*
 * What every new object (rule 6) has, whatever its kind: the structure,
 * its name and namespace, its charge against the limits (@charged bytes)
 * and its inode, with one handle and one object reference.  Until it is
 * published, namedshm_object_free() undoes it.
 */
static struct namedshm_region *namedshm_object_new(const char *name, u32 len,
						   u32 kind, u32 flags,
						   u64 size, u64 charged,
						   umode_t mode)
{
	struct namedshm_user *spare_user;
	struct namedshm_nsq *spare_nsq;
	struct namedshm_region *r;
	int ret;

	r = kzalloc(struct_size(r, name, len), GFP_KERNEL_ACCOUNT);
	spare_user = kzalloc(sizeof(*spare_user), GFP_KERNEL_ACCOUNT);
	spare_nsq = kzalloc(sizeof(*spare_nsq), GFP_KERNEL_ACCOUNT);
	if (!r || !spare_user || !spare_nsq) {
		kfree(spare_user);
		kfree(spare_nsq);
		kfree(r);
		return ERR_PTR(-ENOMEM);
	}
	spin_lock_init(&r->perm_lock);
	r->kind = kind;
	INIT_LIST_HEAD(&r->sync.waiters);
	INIT_LIST_HEAD(&r->sync.owner_node);
	r->flags = flags;
	if (len)
		r->flags |= NAMEDSHM_REGION_NAMED;
	memcpy(r->name, name, len);
	r->name_len = len;
	r->size = size;
	r->charged = charged;
	r->ns = namedshm_get_ipc_ns();
	r->hash = full_name_hash(r->ns, name, len);

	ret = namedshm_charge(r, spare_user, spare_nsq);
	if (ret)
		goto err_ns;
	ret = namedshm_region_inode_get(r, mode);
	if (ret)
		goto err_uncharge;
	refcount_set(&r->handles, 1);
	refcount_set(&r->refs, 1);
	return r;

err_uncharge:
	namedshm_uncharge(r);
err_ns:
	namedshm_put_ipc_ns(r->ns);
	kfree(r);
	return ERR_PTR(ret);
}

/* A new object that failed before it was published. */
static void namedshm_object_free(struct namedshm_region *r)
{
	namedshm_region_inode_put(r);
	namedshm_uncharge(r);
	namedshm_put_ipc_ns(r->ns);
	kfree(r);
}

/*
 * A new region of @size bytes: anonymous shared memory (a shmem file), or
 * with @backing, that file (the region's window takes its own reference).
 */
static struct namedshm_region *namedshm_region_alloc(const char *name, u32 len,
						     u64 size, u32 open_flags,
						     umode_t mode,
						     struct file *backing)
{
	struct namedshm_region *r;
	struct file *shm = NULL;
	unsigned long vm_flags = 0;
	struct vfsmount *mnt = NULL;
	u64 grow = 0, charged = 0;
	char fname[64];
	bool writable;
	u32 flags;
	int ret;

	/*
	 * Nobody maps past the end of a backing file (SIGBUS): it is long
	 * enough, or this create extends it to the size asked (GROW).
	 */
	if (backing &&
	    size > round_up((u64)i_size_read(file_inode(backing)), PAGE_SIZE)) {
		if (!(open_flags & NAMEDSHM_OPEN_GROW))
			return ERR_PTR(-EINVAL);
		if (open_flags & NAMEDSHM_BACKING_READ_ONLY)
			return ERR_PTR(-EPERM);
		grow = size;
	}
	size = PAGE_ALIGN(size);

	if (backing) {
		flags = NAMEDSHM_REGION_FILE;
		if (!(open_flags & NAMEDSHM_BACKING_READ_ONLY))
			flags |= NAMEDSHM_REGION_WRITABLE;
		/* memfd and tmpfs memory exists only while it is used. */
		if (backing->f_op == namedshm_shmem_fops)
			charged = size;
	} else {
		flags = NAMEDSHM_REGION_WRITABLE;
		charged = size;
	}
	r = namedshm_object_new(name, len, NAMEDSHM_KIND_MAPPING, flags, size,
				charged, mode);
	if (IS_ERR(r))
		return r;

	/* The file stays grown if this create fails later or loses a race. */
	if (grow) {
		ret = namedshm_grow(backing, grow);
		if (ret)
			goto err_free;
	}

	namedshm_file_name(fname, sizeof(fname), name, len);
	if (!backing) {
		if (open_flags & NAMEDSHM_OPEN_RESERVE) {
			vm_flags |= VM_NORESERVE;
			r->flags |= NAMEDSHM_REGION_RESERVE;
		}
		if ((open_flags & NAMEDSHM_OPEN_HUGE) && namedshm_huge_mnt) {
			r->flags |= NAMEDSHM_REGION_HUGE;
			mnt = namedshm_huge_mnt;
		}
		shm = namedshm_shmem_file_setup(mnt, fname, size, vm_flags);
		if (IS_ERR(shm)) {
			ret = PTR_ERR(shm);
			/*
			 * shmem's ENOSPC here means an inode allocation
			 * failed, and ENOSPC is our quota error.
			 */
			if (ret == -ENOSPC)
				ret = -ENOMEM;
			goto err_free;
		}
		backing = shm;
	}

	writable = r->flags & NAMEDSHM_REGION_WRITABLE;
	r->window = namedshm_window_open(r->inode, backing, !!shm, size,
					 writable, fname);
	if (shm)
		fput(shm); /* the window holds it now */
	if (IS_ERR(r->window)) {
		ret = PTR_ERR(r->window);
		goto err_free;
	}
	r->mapping = r->window->f_mapping;
	return r;

err_free:
	namedshm_object_free(r);
	return ERR_PTR(ret);
}

/*
 * A new sync object (rule 6) of @args->kind, in the initial state @args
 * asks for; a mutex created owned is owned by @token and the caller.
 */
static struct namedshm_region *
namedshm_sync_alloc(const char *name, u32 len, umode_t mode,
		    const struct namedshm_open *args,
		    struct namedshm_token *token)
{
	struct namedshm_region *r;

	/* An object of 0 bytes: it counts against the object limits. */
	r = namedshm_object_new(name, len, args->kind,
				NAMEDSHM_REGION_WRITABLE, 0, 0, mode);
	if (IS_ERR(r))
		return r;

	switch (r->kind) {
	case NAMEDSHM_KIND_EVENT:
		r->sync.manual = args->sync_flags & NAMEDSHM_SYNC_MANUAL_RESET;
		r->sync.signaled = args->sync_flags & NAMEDSHM_SYNC_SIGNALED;
		break;
	case NAMEDSHM_KIND_SEMAPHORE:
		r->sync.count = args->count;
		r->sync.max = args->max;
		break;
	case NAMEDSHM_KIND_MUTEX:
		/* Before the name is visible: nobody can take it first. */
		if (token) {
			spin_lock(&namedshm_sync_lock);
			namedshm_mutex_take(r, token, current->pid,
					    current->tgid);
			spin_unlock(&namedshm_sync_lock);
		}
		break;
	}
	return r;
}

/* A new object of any kind for NAMEDSHM_IOC_OPEN. */
static struct namedshm_region *
namedshm_object_alloc(const char *name, u32 len, u32 flags,
		      const struct namedshm_open *args, struct file *backing,
		      struct namedshm_token *token)
{
	if (args->kind != NAMEDSHM_KIND_MAPPING)
		return namedshm_sync_alloc(name, len, args->mode, args, token);
	return namedshm_region_alloc(name, len, args->size, flags, args->mode,
				     backing);
}

/* A consistent snapshot of owner, group and mode. */
static void namedshm_get_perm(struct namedshm_region *r, kuid_t *uid,
			      kgid_t *gid, umode_t *mode)
{
	spin_lock(&r->perm_lock);
	*uid = r->inode->i_uid;
	*gid = r->inode->i_gid;
	*mode = r->inode->i_mode & 0777;
	spin_unlock(&r->perm_lock);
}

/*
 * SysV-style owner/group/other check, CAP_IPC_OWNER overrides.  Nobody
 * gets a writable handle to a region whose backing file is read-only.
 */
static bool namedshm_may_open(struct namedshm_region *r, bool write)
{
	umode_t want = MAY_READ | (write ? MAY_WRITE : 0);
	umode_t granted;
	kuid_t uid;
	kgid_t gid;

	if (write && !(r->flags & NAMEDSHM_REGION_WRITABLE))
		return false;

	namedshm_get_perm(r, &uid, &gid, &granted);

	if (uid_eq(current_euid(), uid))
		granted >>= 6;
	else if (in_group_p(gid))
		granted >>= 3;

	if (!(want & ~granted & 0007))
		return true;
	return ns_capable(r->ns->user_ns, CAP_IPC_OWNER);
}

/*
 * Copy an argument structure that starts with __u32 argsz: argsz must
 * cover at least @minsz, bytes beyond what we know must be zero.
 */
static int namedshm_copy_args(void *karg, size_t ksize, size_t minsz,
			      const void __user *uarg, u32 *argsz)
{
	u32 usize;
	int ret;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < minsz)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, usize);
	if (ret)
		return ret;
	*argsz = usize;
	return 0;
}

static int namedshm_copy_out(void __user *uarg, const void *karg, size_t ksize,
			     u32 argsz)
{
	if (copy_to_user(uarg, karg, min_t(size_t, ksize, argsz)))
		return -EFAULT;
	return 0;
}

static struct namedshm_region *
namedshm_lookup_or_create(const char *name, u32 len, u32 flags,
			  const struct namedshm_open *args,
			  struct file *backing, struct namedshm_token *token,
			  u32 *status)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct namedshm_region *r, *new;
	struct hlist_bl_head *b;
	u32 hash;

	if (!len) {
		*status = NAMEDSHM_STATUS_CREATED;
		return namedshm_object_alloc(name, 0, flags, args, backing,
					     token);
	}

	hash = full_name_hash(ns, name, len);
	b = namedshm_bucket(hash);

	rcu_read_lock();
	r = namedshm_find(b, ns, hash, name, len);
	rcu_read_unlock();
	if (r)
		goto existed;
	if (!(flags & NAMEDSHM_OPEN_CREATE))
		return ERR_PTR(-ENOENT);

	/* Allocate outside the lock; the loser of a race frees its copy. */
	new = namedshm_object_alloc(name, len, flags, args, backing, token);
	if (IS_ERR(new)) {
		/*
		 * Out of quota or memory: the name may have appeared meanwhile,
		 * and opening it costs neither.
		 */
		rcu_read_lock();
		r = namedshm_find(b, ns, hash, name, len);
		rcu_read_unlock();
		if (!r)
			return new;
		goto existed;
	}

	hlist_bl_lock(b);
	r = namedshm_find(b, ns, hash, name, len);
	if (!r)
		hlist_bl_add_head_rcu(&new->node, b);
	hlist_bl_unlock(b);

	if (!r) {
		*status = NAMEDSHM_STATUS_CREATED;
		return new;
	}
	namedshm_region_destroy(new); /* never visible to anyone */
existed:
	*status = NAMEDSHM_STATUS_EXISTED;
	/* One namespace for all kinds (rule 6). */
	if (r->kind != args->kind) {
		namedshm_region_put(r);
		return ERR_PTR(-EPROTOTYPE);
	}
	if (flags & NAMEDSHM_OPEN_EXCL) {
		namedshm_region_put(r);
		return ERR_PTR(-EEXIST);
	}
	if (!namedshm_may_open(r, flags & NAMEDSHM_OPEN_WRITE)) {
		namedshm_region_put(r);
		return ERR_PTR(-EACCES);
	}
	return r;
}

/*
 * Filesystems whose files may back a region.  A window stands for the
 * backing file's inode but is not the file the filesystem opened (rule
 * 3), so only filesystems whose mmap and fault paths need nothing from an
 * open file but its inode and page cache are allowed: shmem (memfd and
 * tmpfs), ext2/3/4, XFS and Btrfs.  FUSE and network filesystems (NFS,
 * CIFS, 9p) keep per-open state in the file and are refused, as are the
 * special files that merely look regular: secretmem, guest_memfd, sysfs
 * and kernfs attributes (PCI BARs), procfs, debugfs, tracefs, hugetlbfs.
 */
static bool namedshm_backing_allowed(struct file *file)
{
	struct inode *inode = file_inode(file);

	if (!S_ISREG(inode->i_mode) || !namedshm_can_mmap(file))
		return false;
	if (file->f_op == namedshm_shmem_fops)
		return true;
	switch (inode->i_sb->s_magic) {
	case EXT4_SUPER_MAGIC:
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
		return true;
	default:
		return false;
	}
}

/*
 * Take a reference to a file that may back a region, and decide once and
 * for all whether the region may be written (*@writable).
 *
 * do_mmap() checks the handle, not this file: everything it would check
 * on the file itself and that can refuse a writable shared mapping is
 * checked here instead, and must not change later.  Hence:
 * - only the filesystems of namedshm_backing_allowed();
 * - a shmem file (memfd, tmpfs) must be sealed against new seals
 *   (F_SEAL_SEAL, which tmpfs files and unsealable memfds always are);
 *   with F_SEAL_WRITE or F_SEAL_FUTURE_WRITE the region is read-only;
 * - an append-only or swap file never backs a writable region.
 */
static struct file *namedshm_get_backing(unsigned int fd, bool write,
					 bool *writable)
{
	struct file *file = fget(fd);
	struct inode *inode;
	int ret = -ENODEV;

	if (!file)
		return ERR_PTR(-EBADF);
	inode = file_inode(file);
	if (!namedshm_backing_allowed(file))
		goto err;
	ret = -EACCES;
	if (!(file->f_mode & FMODE_READ) ||
	    (write && !(file->f_mode & FMODE_WRITE)))
		goto err;

	*writable = file->f_mode & FMODE_WRITE;
	if (file->f_op == namedshm_shmem_fops) {
		unsigned int seals = READ_ONCE(SHMEM_I(inode)->seals);

		ret = -EBUSY;
		if (!(seals & F_SEAL_SEAL))
			goto err;
		if (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
			*writable = false;
	}
	if (IS_APPEND(inode) || IS_SWAPFILE(inode))
		*writable = false;
	ret = -EPERM;
	if (write && !*writable)
		goto err;
	return file;
err:
	fput(file);
	return ERR_PTR(ret);
}

/* The sync fields of NAMEDSHM_IOC_OPEN (zero for a mapping). */
static int namedshm_check_sync_args(const struct namedshm_open *a)
{
	u32 sf = a->sync_flags;

	if (a->pad3 || (sf & ~NAMEDSHM_SYNC_FLAGS_MASK))
		return -EINVAL;
	switch (a->kind) {
	case NAMEDSHM_KIND_MAPPING:
		return (sf || a->count || a->max) ? -EINVAL : 0;
	case NAMEDSHM_KIND_EVENT:
	case NAMEDSHM_KIND_MUTEX:
	case NAMEDSHM_KIND_SEMAPHORE:
		break;
	default:
		return -EINVAL;
	}
	if (a->size || a->backing_fd ||
	    (a->flags & (NAMEDSHM_OPEN_RESERVE | NAMEDSHM_OPEN_HUGE |
			 NAMEDSHM_OPEN_BACKING_FD)))
		return -EINVAL;
	switch (a->kind) {
	case NAMEDSHM_KIND_EVENT:
		if (a->count || a->max || (sf & NAMEDSHM_SYNC_OWNED))
			return -EINVAL;
		break;
	case NAMEDSHM_KIND_MUTEX:
		if (a->count || a->max || (sf & ~NAMEDSHM_SYNC_OWNED))
			return -EINVAL;
		/* Only a create can make the caller the owner. */
		if ((sf & NAMEDSHM_SYNC_OWNED) &&
		    !(a->flags & NAMEDSHM_OPEN_CREATE))
			return -EINVAL;
		break;
	case NAMEDSHM_KIND_SEMAPHORE:
		if (sf)
			return -EINVAL;
		/* Checked even when the name exists, as Win32 does. */
		if (a->flags & NAMEDSHM_OPEN_CREATE) {
			if (!a->max || a->max > S32_MAX || a->count > a->max)
				return -EINVAL;
		} else if (a->count || a->max) {
			return -EINVAL;
		}
		break;
	}
	return 0;
}

static long namedshm_ioctl_open(void __user *uarg)
{
	struct namedshm_open args;
	struct namedshm_region *r;
	struct file *file, *backing = NULL, *token = NULL;
	bool write, cloexec, backing_writable = false;
	char *name = NULL;
	u32 argsz, flags;
	int fd, ret;

	ret = namedshm_copy_args(&args, sizeof(args), NAMEDSHM_OPEN_SIZE_VER0,
				 uarg, &argsz);
	if (ret)
		return ret;

	if (args.flags & ~NAMEDSHM_OPEN_FLAGS_MASK || args.pad || args.pad2 ||
	    args.mode & ~0777U)
		return -EINVAL;
	/* Flags that only mean something to a create need CREATE. */
	if ((args.flags & (NAMEDSHM_OPEN_EXCL | NAMEDSHM_OPEN_RESERVE |
			   NAMEDSHM_OPEN_HUGE)) &&
	    !(args.flags & NAMEDSHM_OPEN_CREATE))
		return -EINVAL;
	if ((args.flags & NAMEDSHM_OPEN_BACKING_FD) &&
	    (!(args.flags & NAMEDSHM_OPEN_CREATE) ||
	     argsz < NAMEDSHM_OPEN_SIZE_VER1 ||
	     (args.flags & NAMEDSHM_OPEN_HUGE)))
		return -EINVAL;
	if ((args.flags & NAMEDSHM_OPEN_GROW) &&
	    !(args.flags & NAMEDSHM_OPEN_BACKING_FD))
		return -EINVAL;
	ret = namedshm_check_sync_args(&args);
	if (ret)
		return ret;

	if (!args.name) {
		/* Unnamed: always a new region, reachable by fd passing only. */
		if (args.name_len || !(args.flags & NAMEDSHM_OPEN_CREATE))
			return -EINVAL;
	} else if (!args.name_len) {
		return -EINVAL;
	} else if (args.name_len > NAMEDSHM_NAME_MAX) {
		return -ENAMETOOLONG;
	}

	if ((args.flags & NAMEDSHM_OPEN_CREATE) &&
	    args.kind == NAMEDSHM_KIND_MAPPING) {
		if (!args.size)
			return -EINVAL;
		if (args.size > READ_ONCE(max_region_size) ||
		    args.size > MAX_LFS_FILESIZE - PAGE_SIZE)
			return -EFBIG;
	}

	if (args.name) {
		name = memdup_user(u64_to_user_ptr(args.name), args.name_len);
		if (IS_ERR(name))
			return PTR_ERR(name);
		if (memchr(name, '\0', args.name_len)) {
			ret = -EINVAL;
			goto out_free_name;
		}
	}

	write = args.flags & NAMEDSHM_OPEN_WRITE;
	if (args.flags & NAMEDSHM_OPEN_BACKING_FD) {
		backing = namedshm_get_backing(args.backing_fd, write,
					       &backing_writable);
		if (IS_ERR(backing)) {
			ret = PTR_ERR(backing);
			backing = NULL;
			goto out_free_name;
		}
	}

	if (args.sync_flags & NAMEDSHM_SYNC_OWNED) {
		token = namedshm_get_token(args.token_fd);
		if (IS_ERR(token)) {
			ret = PTR_ERR(token);
			token = NULL;
			goto out_free_name;
		}
	}

	cloexec = !(args.flags & NAMEDSHM_OPEN_NOCLOEXEC);
	fd = get_unused_fd_flags(cloexec ? O_CLOEXEC : 0);
	if (fd < 0) {
		ret = fd;
		goto out_free_name;
	}

	flags = args.flags;
	if (backing && !backing_writable)
		flags |= NAMEDSHM_BACKING_READ_ONLY;
	r = namedshm_lookup_or_create(name, args.name_len, flags, &args,
				      backing,
				      token ? token->private_data : NULL,
				      &args.status);
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
		goto out_put_fd;
	}

	file = namedshm_handle_file(r, write);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		namedshm_region_put(r);
		goto out_put_fd;
	}

	args.size = r->size;
	ret = namedshm_copy_out(uarg, &args, sizeof(args), argsz);
	if (ret) {
		fput(file);
		goto out_put_fd;
	}

	if (backing)
		fput(backing);
	if (token)
		fput(token);
	kfree(name);
	fd_install(fd, file);
	return fd;

out_put_fd:
	put_unused_fd(fd);
out_free_name:
	if (backing)
		fput(backing);
	if (token)
		fput(token);
	kfree(name);
	return ret;
}

static long namedshm_ioctl_device_info(void __user *uarg)
{
	struct namedshm_device_info info;
	struct namedshm_nsq *q;
	u32 argsz;
	int ret;

	ret = namedshm_copy_args(&info, sizeof(info),
				 offsetofend(struct namedshm_device_info,
					     max_user_bytes),
				 uarg, &argsz);
	if (ret)
		return ret;

	memset(&info, 0, sizeof(info));
	info.argsz = argsz;
	info.abi_version = NAMEDSHM_ABI_VERSION;
	info.name_max = NAMEDSHM_NAME_MAX;
	info.page_size = PAGE_SIZE;
	info.max_region_size = READ_ONCE(max_region_size);
	spin_lock(&namedshm_quota_lock);
	info.regions = namedshm_nr_regions;
	info.committed = namedshm_committed;
	q = namedshm_nsq_find(current->nsproxy->ipc_ns);
	if (q) {
		info.ns_regions = q->regions;
		info.ns_committed = q->bytes;
	}
	spin_unlock(&namedshm_quota_lock);
	info.max_regions = READ_ONCE(max_regions);
	info.max_total_bytes = READ_ONCE(max_total_bytes);
	info.max_user_regions = READ_ONCE(max_user_regions);
	info.max_user_bytes = READ_ONCE(max_user_bytes);
	return namedshm_copy_out(uarg, &info, sizeof(info), argsz);
}

/*
 * Sleep until @q is satisfied, a signal comes or @timeout (absolute,
 * CLOCK_MONOTONIC; NULL: never) passes.  ntsync's loop, less the clocks.
 */
static int namedshm_wait_sleep(struct namedshm_q *q, ktime_t *timeout)
{
	int ret = 0;

	do {
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		/* Pairs with smp_store_release() in namedshm_q_satisfy(). */
		if (smp_load_acquire(&q->signaled) != -1) {
			ret = 0;
			break;
		}
		ret = schedule_hrtimeout_range_clock(timeout, 0,
						     HRTIMER_MODE_ABS,
						     CLOCK_MONOTONIC);
	} while (ret < 0);
	__set_current_state(TASK_RUNNING);
	/* The timer expired: the caller reads q->signaled under the lock. */
	return ret ? ret : -ETIMEDOUT;
}

/*
 * Take a reference to the object of each handle of @fds into @q (rule
 * 7): sync objects only.  Returns whether a mutex is among them, or an
 * error.
 */
static int namedshm_wait_get(struct namedshm_q *q, const s32 *fds)
{
	bool mutex = false;
	u32 i, j;

	for (i = 0; i < q->count; i++) {
		struct file *file = fget(fds[i]);
		struct namedshm_region *r;

		if (!file)
			return -EBADF;
		if (file->f_op != &namedshm_handle_fops) {
			fput(file);
			return -EBADF;
		}
		r = file->private_data;
		if (!namedshm_is_sync(r)) {
			fput(file);
			return -EPROTOTYPE;
		}
		/*
		 * The object, not the handle: its name goes with the last
		 * handle, the wait or not (rule 7).  The handle we hold
		 * keeps r->refs above zero until we have our own.  If the
		 * descriptor was closed meanwhile, ours is the last file
		 * reference, and its release would wait for our return:
		 * treat it as closed.
		 */
		if (file_count(file) == 1) {
			fput(file);
			return -EBADF;
		}
		refcount_inc(&r->refs);
		fput(file);
		q->entries[i].obj = r;
		q->entries[i].q = q;
		q->entries[i].index = i;
		if (r->kind == NAMEDSHM_KIND_MUTEX)
			mutex = true;
		/* One object twice cannot be taken "all at once". */
		for (j = 0; q->all && j < i; j++)
			if (q->entries[j].obj == r)
				return -EINVAL;
	}
	return mutex;
}

static void namedshm_wait_put(struct namedshm_q *q)
{
	u32 i;

	for (i = 0; i < q->count; i++)
		if (q->entries[i].obj)
			namedshm_region_unref(q->entries[i].obj);
}

static long namedshm_ioctl_wait(void __user *uarg)
{
	s32 fds[NAMEDSHM_WAIT_MAX];
	struct file *token = NULL;
	struct namedshm_wait args;
	ktime_t timeout, *tp = NULL;
	struct namedshm_q *q;
	bool abandoned = false;
	int index, ret;
	u32 argsz, i;

	ret = namedshm_copy_args(&args, sizeof(args),
				 offsetofend(struct namedshm_wait, abandoned),
				 uarg, &argsz);
	if (ret)
		return ret;
	if (args.flags & ~NAMEDSHM_WAIT_FLAGS_MASK || !args.count ||
	    args.count > NAMEDSHM_WAIT_MAX)
		return -EINVAL;
	if (args.timeout != NAMEDSHM_WAIT_INFINITE) {
		timeout = ktime_add_safe(ktime_get(),
					 ns_to_ktime(min_t(u64, args.timeout,
							   KTIME_MAX)));
		tp = &timeout;
	}
	if (copy_from_user(fds, u64_to_user_ptr(args.objs),
			   args.count * sizeof(fds[0])))
		return -EFAULT;

	q = kzalloc(struct_size(q, entries, args.count), GFP_KERNEL_ACCOUNT);
	if (!q)
		return -ENOMEM;
	q->task = current;
	q->tid = current->pid;
	q->tgid = current->tgid;
	q->all = args.flags & NAMEDSHM_WAIT_ALL;
	q->signaled = -1;
	q->count = args.count;

	ret = namedshm_wait_get(q, fds);
	if (ret < 0)
		goto out;
	if (ret) {
		/* A mutex is owned by a token: the caller must name one. */
		token = namedshm_get_token(args.token_fd);
		if (IS_ERR(token)) {
			ret = -EINVAL;
			token = NULL;
			goto out;
		}
		q->token = token->private_data;
	}

	/*
	 * Fault the result in now: once an object is consumed (a mutex
	 * owned, a count taken) the caller must learn which.
	 */
	ret = namedshm_copy_out(uarg, &args, sizeof(args), argsz);
	if (ret)
		goto out;

	spin_lock(&namedshm_sync_lock);
	index = q->all ? namedshm_q_try_all(q, &abandoned) :
			 namedshm_q_try_any(q, &abandoned);
	if (index < 0 && namedshm_q_recursion_full(q)) {
		/* Its own mutex at the recursion limit: it never succeeds. */
		ret = -EOVERFLOW;
	} else if (index < 0 && (!tp || args.timeout)) {
		for (i = 0; i < q->count; i++)
			list_add_tail(&q->entries[i].node,
				      &q->entries[i].obj->sync.waiters);
		spin_unlock(&namedshm_sync_lock);

		ret = namedshm_wait_sleep(q, tp);

		spin_lock(&namedshm_sync_lock);
		for (i = 0; i < q->count; i++)
			list_del(&q->entries[i].node);
		/* Satisfied wins over a signal or a timeout that raced. */
		index = q->signaled;
		abandoned = q->abandoned;
	}
	spin_unlock(&namedshm_sync_lock);

	if (index >= 0) {
		args.index = index;
		args.abandoned = abandoned;
		ret = namedshm_copy_out(uarg, &args, sizeof(args), argsz);
	} else if (ret == -ERESTARTSYS && tp) {
		/* A restart would begin the relative timeout anew. */
		ret = -EINTR;
	} else if (ret >= 0) {
		ret = -ETIMEDOUT;
	}
out:
	if (token)
		fput(token);
	namedshm_wait_put(q);
	kfree(q);
	return ret;
}

/* Ignore the size bits of the command: argsz carries the size. */
#define NAMEDSHM_IOC_BASE(cmd) ((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

static long namedshm_dev_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (NAMEDSHM_IOC_BASE(cmd)) {
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_OPEN):
		return namedshm_ioctl_open(uarg);
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_DEVICE_INFO):
		return namedshm_ioctl_device_info(uarg);
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_TOKEN):
		return namedshm_ioctl_token();
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_WAIT):
		return namedshm_ioctl_wait(uarg);
	default:
		return -ENOTTY;
	}
}

static long namedshm_region_info(struct file *file, void __user *uarg)
{
	struct namedshm_region *r = file->private_data;
	struct namedshm_region_info info;
	u32 argsz, bufsz;
	umode_t mode;
	kuid_t uid;
	kgid_t gid;
	u64 buf;
	int ret;

	ret = namedshm_copy_args(&info, sizeof(info),
				 offsetofend(struct namedshm_region_info,
					     reserved),
				 uarg, &argsz);
	if (ret)
		return ret;
	if (info.flags || info.kind || info.pad || info.reserved)
		return -EINVAL;

	buf = info.name;
	bufsz = info.name_len;
	memset(&info, 0, sizeof(info));
	info.argsz = argsz;
	info.flags = r->flags;
	info.kind = r->kind;
	if (r->mapping && mapping_mapped(r->mapping))
		info.flags |= NAMEDSHM_REGION_MAPPED;
	info.size = r->size;
	info.handles = refcount_read(&r->handles);
	info.access = NAMEDSHM_ACCESS_READ;
	if (file->f_mode & FMODE_WRITE)
		info.access |= NAMEDSHM_ACCESS_WRITE;
	namedshm_get_perm(r, &uid, &gid, &mode);
	info.mode = mode;
	info.uid = from_kuid_munged(current_user_ns(), uid);
	info.gid = from_kgid_munged(current_user_ns(), gid);
	info.name = buf;
	info.name_len = r->name_len;

	/* The name is immutable and the handle pins the region: no lock. */
	if (buf && r->name_len && r->name_len <= bufsz &&
	    copy_to_user(u64_to_user_ptr(buf), r->name, r->name_len))
		return -EFAULT;
	return namedshm_copy_out(uarg, &info, sizeof(info), argsz);
}

/*
 * Change owner, group or mode.  Allowed to the owner and to holders of
 * CAP_IPC_OWNER over the region's IPC namespace, through any handle: the
 * handle's own access does not change, only later opens see the result.
 */
static long namedshm_set_perm(struct file *file, void __user *uarg)
{
	struct namedshm_region *r = file->private_data;
	struct namedshm_set_perm args;
	kuid_t uid = INVALID_UID;
	kgid_t gid = INVALID_GID;
	kuid_t cur_uid;
	kgid_t cur_gid;
	umode_t cur_mode;
	bool owner;
	u32 argsz;
	int ret;

	ret = namedshm_copy_args(&args, sizeof(args),
				 offsetofend(struct namedshm_set_perm, pad),
				 uarg, &argsz);
	if (ret)
		return ret;
	if (args.flags & ~NAMEDSHM_SET_PERM_MASK || args.pad)
		return -EINVAL;
	if (args.flags & NAMEDSHM_SET_UID) {
		uid = make_kuid(current_user_ns(), args.uid);
		if (!uid_valid(uid))
			return -EINVAL;
	}
	if (args.flags & NAMEDSHM_SET_GID) {
		gid = make_kgid(current_user_ns(), args.gid);
		if (!gid_valid(gid))
			return -EINVAL;
	}
	if ((args.flags & NAMEDSHM_SET_MODE) && (args.mode & ~0777U))
		return -EINVAL;

	/*
	 * The owner needs no privilege; others need CAP_IPC_OWNER, asked only
	 * then (ns_capable() audits and marks the task) and outside the lock.
	 * A change of owner racing with this may let the old owner's change
	 * through: the same as had it come first.
	 */
	namedshm_get_perm(r, &cur_uid, &cur_gid, &cur_mode);
	owner = uid_eq(current_euid(), cur_uid);
	if (!owner && !ns_capable(r->ns->user_ns, CAP_IPC_OWNER))
		return -EPERM;
	spin_lock(&r->perm_lock);
	if (args.flags & NAMEDSHM_SET_UID)
		r->inode->i_uid = uid;
	if (args.flags & NAMEDSHM_SET_GID)
		r->inode->i_gid = gid;
	if (args.flags & NAMEDSHM_SET_MODE)
		r->inode->i_mode = S_IFREG | args.mode;
	spin_unlock(&r->perm_lock);
	namedshm_inode_touch_ctime(r->inode);
	return 0;
}

/*
 * A new handle to @file's region, never wider than @file (lifetime rule
 * 1: it is a handle like any other and counts in region->handles).
 */
static long namedshm_dup(struct file *file, void __user *uarg)
{
	struct namedshm_region *r = file->private_data;
	struct namedshm_dup args;
	struct file *new;
	bool write, cloexec;
	u32 argsz;
	int fd;

	fd = namedshm_copy_args(&args, sizeof(args),
				offsetofend(struct namedshm_dup, flags), uarg,
				&argsz);
	if (fd)
		return fd;
	if (args.flags & ~NAMEDSHM_DUP_FLAGS_MASK)
		return -EINVAL;
	write = args.flags & NAMEDSHM_DUP_WRITE;
	if (write && !(file->f_mode & FMODE_WRITE))
		return -EACCES;

	cloexec = !(args.flags & NAMEDSHM_DUP_NOCLOEXEC);
	fd = get_unused_fd_flags(cloexec ? O_CLOEXEC : 0);
	if (fd < 0)
		return fd;
	/* @file pins the region: its count is non-zero. */
	refcount_inc(&r->handles);
	new = namedshm_handle_file(r, write);
	if (IS_ERR(new)) {
		namedshm_region_put(r);
		put_unused_fd(fd);
		return PTR_ERR(new);
	}
	fd_install(fd, new);
	return fd;
}

/* The NAMEDSHM_STATE_* of @r. */
static u32 namedshm_sync_state(struct namedshm_region *r)
{
	u32 state = 0;

	lockdep_assert_held(&namedshm_sync_lock);
	switch (r->kind) {
	case NAMEDSHM_KIND_EVENT:
		if (r->sync.signaled)
			state |= NAMEDSHM_STATE_SIGNALED;
		if (r->sync.manual)
			state |= NAMEDSHM_STATE_MANUAL_RESET;
		break;
	case NAMEDSHM_KIND_SEMAPHORE:
		if (r->sync.count)
			state |= NAMEDSHM_STATE_SIGNALED;
		break;
	case NAMEDSHM_KIND_MUTEX:
		if (r->sync.owner)
			state |= NAMEDSHM_STATE_OWNED;
		else
			state |= NAMEDSHM_STATE_SIGNALED;
		if (r->sync.abandoned)
			state |= NAMEDSHM_STATE_ABANDONED;
		break;
	}
	return state;
}

/* The event, semaphore and mutex ioctls on a handle (struct namedshm_sync_op). */
static long namedshm_sync_op(struct file *file, unsigned int cmd,
			     void __user *uarg)
{
	struct namedshm_region *r = file->private_data;
	struct file *token = NULL;
	struct namedshm_sync_op op;
	u32 argsz, kind;
	bool write;
	int ret;

	ret = namedshm_copy_args(&op, sizeof(op),
				 offsetofend(struct namedshm_sync_op, pad), uarg,
				 &argsz);
	if (ret)
		return ret;
	if (op.flags || op.pad)
		return -EINVAL;

	switch (cmd) {
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_EVENT_SET):
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_EVENT_RESET):
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_EVENT_PULSE):
		kind = NAMEDSHM_KIND_EVENT;
		write = true;
		break;
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_SEM_RELEASE):
		kind = NAMEDSHM_KIND_SEMAPHORE;
		write = true;
		if (!op.count)
			return -EINVAL;
		break;
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_MUTEX_RELEASE):
		kind = NAMEDSHM_KIND_MUTEX;
		write = false;
		break;
	default: /* NAMEDSHM_IOC_SYNC_READ */
		kind = r->kind;
		write = false;
		break;
	}
	if (r->kind != kind || !namedshm_is_sync(r))
		return -EPROTOTYPE;
	/* count is an input of NAMEDSHM_IOC_SEM_RELEASE only. */
	if (op.count && cmd != NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_SEM_RELEASE))
		return -EINVAL;
	if (write && !(file->f_mode & FMODE_WRITE))
		return -EACCES;
	if (cmd == NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_MUTEX_RELEASE)) {
		token = namedshm_get_token(op.token_fd);
		if (IS_ERR(token))
			return PTR_ERR(token);
	}

	ret = 0;
	spin_lock(&namedshm_sync_lock);
	switch (cmd) {
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_EVENT_SET):
		op.prev = r->sync.signaled;
		r->sync.signaled = true;
		namedshm_sync_wake(r);
		break;
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_EVENT_RESET):
		op.prev = r->sync.signaled;
		r->sync.signaled = false;
		break;
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_EVENT_PULSE):
		/* Wake who waits now (all, or one if auto-reset), then reset. */
		op.prev = r->sync.signaled;
		r->sync.signaled = true;
		namedshm_sync_wake(r);
		r->sync.signaled = false;
		break;
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_SEM_RELEASE):
		if (op.count > r->sync.max - r->sync.count) {
			ret = -EOVERFLOW;
			break;
		}
		op.prev = r->sync.count;
		r->sync.count += op.count;
		namedshm_sync_wake(r);
		break;
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_MUTEX_RELEASE):
		if (!namedshm_mutex_owned_by(r, token->private_data,
					     current->pid, current->tgid)) {
			ret = -EPERM;
			break;
		}
		op.prev = r->sync.count;
		if (!--r->sync.count) {
			list_del(&r->sync.owner_node);
			r->sync.owner = NULL;
			namedshm_sync_wake(r);
		}
		break;
	default:
		op.count = r->sync.count;
		op.max = r->sync.max;
		op.prev = 0;
		break;
	}
	op.state = namedshm_sync_state(r);
	spin_unlock(&namedshm_sync_lock);
	if (token)
		fput(token);
	if (ret)
		return ret;
	return namedshm_copy_out(uarg, &op, sizeof(op), argsz);
}

static long namedshm_handle_ioctl(struct file *file, unsigned int cmd,
				  unsigned long arg)
{
	switch (NAMEDSHM_IOC_BASE(cmd)) {
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_EVENT_SET):
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_EVENT_RESET):
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_EVENT_PULSE):
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_SEM_RELEASE):
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_MUTEX_RELEASE):
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_SYNC_READ):
		return namedshm_sync_op(file, NAMEDSHM_IOC_BASE(cmd),
					(void __user *)arg);
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_DUP):
		return namedshm_dup(file, (void __user *)arg);
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_REGION_INFO):
		return namedshm_region_info(file, (void __user *)arg);
	case NAMEDSHM_IOC_BASE(NAMEDSHM_IOC_SET_PERM):
		return namedshm_set_perm(file, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

/*
 * ->mmap, not the ->mmap_prepare of 6.17 and later: that hook's gain is a
 * merge tried with the VMA's final file and flags, and a view never
 * merges (VM_DONTEXPAND); and a window must call backing filesystems that
 * have only ->mmap, which vfs_mmap() can and an ->mmap_prepare hook
 * cannot, as for the kernel's own stacking files (SysV shm, overlayfs).
 */
static int namedshm_handle_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct namedshm_region *r = file->private_data;
	struct file *window = r->window;
	struct namedshm_window *w;
	int ret;

	if (namedshm_is_sync(r))
		return -EINVAL; /* rule 6: no memory */
	/*
	 * do_mmap() already refused PROT_WRITE shared mappings of a read-only
	 * handle and cleared VM_MAYWRITE (and VM_SHARED, so such a mapping
	 * can never be remapped), so mprotect() cannot add it later; what it
	 * would have checked on a backing file, the region checked once at
	 * creation (namedshm_get_backing()).  From here on the VMA belongs to
	 * the window (lifetime rule 3), which checks it again.
	 */
	ret = namedshm_window_check(vma, r->size >> PAGE_SHIFT);
	if (ret)
		return ret;
	w = window->private_data;
	ret = namedshm_window_setup(w, vma);
	/*
	 * Last, so that a failure leaves vm_file as do_mmap() set it (before
	 * 5.11 its error path puts the file it passed, not vma->vm_file).
	 * Nothing can merge with the VMA before this: VM_DONTEXPAND is set
	 * only in this hook, so do_mmap()'s flags never match an old VMA's.
	 */
	if (!ret)
		namedshm_vma_set_file(vma, window);
	return ret;
}

/*
 * Mappings of a handle start on a 64 KiB boundary, the allocation
 * granularity Win32 views have, so the CE layer maps a view with one
 * mmap(); and on a PMD boundary when they are that large, so that huge
 * pages can back them.  A fixed or hinted address is left alone.
 */
#define NAMEDSHM_VIEW_ALIGN (64UL << 10)

static unsigned long namedshm_get_unmapped_area(struct file *file,
						unsigned long addr,
						unsigned long len,
						unsigned long pgoff,
						unsigned long flags)
{
	unsigned long align = len >= PMD_SIZE ? PMD_SIZE : NAMEDSHM_VIEW_ALIGN;
	struct namedshm_region *r = file->private_data;
	unsigned long ret;

	if (namedshm_is_sync(r))
		return -EINVAL; /* rule 6: no memory */
	if ((flags & MAP_FIXED) || addr || len > TASK_SIZE - align ||
	    namedshm_no_forced_align())
		return namedshm_mm_get_unmapped_area(file, addr, len, pgoff,
						     flags);
	ret = namedshm_mm_get_unmapped_area(file, 0, len + align, pgoff, flags);
	if (IS_ERR_VALUE(ret))
		return namedshm_mm_get_unmapped_area(file, 0, len, pgoff,
						     flags);
	/*
	 * [ret, ret + len + align) is free: a start in it whose distance to
	 * the file offset is a multiple of align fits (huge pages need the
	 * address and the offset to agree; Win32 views are at multiples of
	 * 64 KiB, so their addresses come out aligned).
	 */
	return ret + (((pgoff << PAGE_SHIFT) - ret) & (align - 1));
}

static int namedshm_handle_release(struct inode *inode, struct file *file)
{
	namedshm_region_put(file->private_data);
	return 0;
}

/* Names are arbitrary bytes: print graphic bytes, octal-escape the rest. */
static void namedshm_seq_name(struct seq_file *m, const char *name, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		unsigned char c = name[i];

		if (c > ' ' && c < 0x7f && c != '\\')
			seq_putc(m, c);
		else
			seq_printf(m, "\\%03o", c);
	}
}

static const char *namedshm_kind_name(u32 kind)
{
	static const char *const names[] = {
		[NAMEDSHM_KIND_MAPPING] = "mapping",
		[NAMEDSHM_KIND_EVENT] = "event",
		[NAMEDSHM_KIND_MUTEX] = "mutex",
		[NAMEDSHM_KIND_SEMAPHORE] = "semaphore",
	};

	return kind < ARRAY_SIZE(names) ? names[kind] : "?";
}

static void namedshm_handle_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct namedshm_region *r = file->private_data;

	seq_puts(m, "namedshm-name:\t");
	namedshm_seq_name(m, r->name, r->name_len);
	seq_printf(m, "\nnamedshm-size:\t%llu\n", r->size);
	seq_printf(m, "namedshm-access:\t%s\n",
		   (file->f_mode & FMODE_WRITE) ? "rw" : "r");
	seq_printf(m, "namedshm-handles:\t%u\n", refcount_read(&r->handles));
	seq_printf(m, "namedshm-kind:\t%s\n", namedshm_kind_name(r->kind));
	if (namedshm_is_sync(r)) {
		u32 state, count, max;

		spin_lock(&namedshm_sync_lock);
		state = namedshm_sync_state(r);
		count = r->sync.count;
		max = r->sync.max;
		spin_unlock(&namedshm_sync_lock);
		seq_printf(m, "namedshm-state:\t%s%s%s%s\n",
			   state & NAMEDSHM_STATE_SIGNALED ? "signaled" :
							     "nonsignaled",
			   state & NAMEDSHM_STATE_MANUAL_RESET ? " manual" : "",
			   state & NAMEDSHM_STATE_OWNED ? " owned" : "",
			   state & NAMEDSHM_STATE_ABANDONED ? " abandoned" : "");
		if (r->kind != NAMEDSHM_KIND_EVENT)
			seq_printf(m, "namedshm-count:\t%u\n", count);
		if (r->kind == NAMEDSHM_KIND_SEMAPHORE)
			seq_printf(m, "namedshm-max:\t%u\n", max);
	}
}

static const struct file_operations namedshm_handle_fops = {
	.owner = THIS_MODULE,
	.release = namedshm_handle_release,
	.mmap = namedshm_handle_mmap,
	.get_unmapped_area = namedshm_get_unmapped_area,
	.unlocked_ioctl = namedshm_handle_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = namedshm_handle_show_fdinfo,
};

/* An open device holds a pin, so that namedshmfs is not remounted per object. */
static int namedshm_dev_open(struct inode *inode, struct file *file)
{
	nonseekable_open(inode, file);
	return namedshm_fs_pin();
}

static int namedshm_dev_release(struct inode *inode, struct file *file)
{
	namedshm_fs_unpin();
	return 0;
}

static const struct file_operations namedshm_dev_fops = {
	.owner = THIS_MODULE,
	.open = namedshm_dev_open,
	.release = namedshm_dev_release,
	.unlocked_ioctl = namedshm_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice namedshm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "namedshm",
	.fops = &namedshm_dev_fops,
	.mode = 0666,
};

/* /proc/namedshm lists the names of the IPC namespace of its opener. */
struct namedshm_seq_private {
	struct ipc_namespace *ns;
};

/*
 * /proc/namedshm lists the named regions.  The position encodes the
 * bucket in its high 32 bits and the index within the bucket in the low
 * ones; position 0 is the header line.  Walks run under rcu_read_lock().
 */
static struct namedshm_region *namedshm_seq_at(loff_t *pos)
{
	u64 bucket = ((u64)*pos - 1) >> 32;
	u32 skip = ((u64)*pos - 1) & U32_MAX;

	for (; bucket < (1ULL << hash_bits); bucket++, skip = 0) {
		struct namedshm_region *r;
		struct hlist_bl_node *node;
		u32 idx = 0;

		hlist_bl_for_each_entry_rcu(r, node, &namedshm_table[bucket],
					    node) {
			if (idx++ < skip)
				continue;
			*pos = (bucket << 32) + idx;
			return r;
		}
	}
	*pos = (loff_t)(1ULL << hash_bits) << 32;
	return NULL;
}

static void *namedshm_seq_start(struct seq_file *m, loff_t *pos) __acquires(RCU)
{
	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	return namedshm_seq_at(pos);
}

static void *namedshm_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	if (v == SEQ_START_TOKEN)
		*pos = 1;
	else
		++*pos;
	return namedshm_seq_at(pos);
}

static void namedshm_seq_stop(struct seq_file *m, void *v) __releases(RCU)
{
	rcu_read_unlock();
}

static int namedshm_seq_show(struct seq_file *m, void *v)
{
	struct namedshm_region *r = v;
	unsigned int handles;
	umode_t mode;
	kuid_t uid;
	kgid_t gid;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "size handles mapped uid gid mode kind name\n");
		return 0;
	}
	/* Each IPC namespace sees its own names only: the opener's. */
	if (r->ns != ((struct namedshm_seq_private *)m->private)->ns)
		return 0;
	handles = refcount_read(&r->handles);
	if (!handles)
		return 0; /* being removed */
	namedshm_get_perm(r, &uid, &gid, &mode);
	seq_printf(m, "%llu %u %d %u %u %04o %s ", r->size, handles,
		   r->mapping && mapping_mapped(r->mapping) ? 1 : 0,
		   from_kuid_munged(seq_user_ns(m), uid),
		   from_kgid_munged(seq_user_ns(m), gid), mode,
		   namedshm_kind_name(r->kind));
	namedshm_seq_name(m, r->name, r->name_len);
	seq_putc(m, '\n');
	return 0;
}

static const struct seq_operations namedshm_seq_ops = {
	.start = namedshm_seq_start,
	.next = namedshm_seq_next,
	.stop = namedshm_seq_stop,
	.show = namedshm_seq_show,
};

static int namedshm_proc_open(struct inode *inode, struct file *file)
{
	struct namedshm_seq_private *p;

	p = __seq_open_private(file, &namedshm_seq_ops, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->ns = namedshm_get_ipc_ns();
	return 0;
}

static int namedshm_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct namedshm_seq_private *p = m->private;

	namedshm_put_ipc_ns(p->ns);
	return seq_release_private(inode, file);
}

static const struct proc_ops namedshm_proc_ops = {
	.proc_open = namedshm_proc_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = namedshm_proc_release,
};

/*
 * Names in /proc/PID/fd and /proc/PID/maps, as the VFS gives every pseudo
 * file without dentry operations of its own: "/NAME (deleted)".
 */
static char *namedshm_d_dname(struct dentry *dentry, char *buf, int buflen)
{
	static const char deleted[] = " (deleted)";
	int len = 1 + dentry->d_name.len + sizeof(deleted);
	char *p;

	if (len > buflen)
		return ERR_PTR(-ENAMETOOLONG);
	p = buf + buflen - len;
	p[0] = '/';
	memcpy(p + 1, dentry->d_name.name, dentry->d_name.len);
	memcpy(p + 1 + dentry->d_name.len, deleted, sizeof(deleted));
	return p;
}

/*
 * The end of a window (rule 4): its dentry goes at the end of __fput(),
 * after the last use of the file's f_inode, the backing inode; only now
 * may the backing file go.  Other dentries have no d_fsdata.
 */
static void namedshm_d_release(struct dentry *dentry)
{
	struct namedshm_window *w = dentry->d_fsdata;

	if (!w)
		return;
	fput(w->backing);
	kfree(w);
}

static const struct dentry_operations namedshm_dops = {
	.d_dname = namedshm_d_dname,
	.d_release = namedshm_d_release,
};

static int namedshm_init_fs_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, NAMEDSHM_FS_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->dops = &namedshm_dops;
	/* Whoever mounts it first, its superblock is init_user_ns's. */
	fc->global = true;
	/* Rule 3: nothing on it is ever executable or a device. */
	fc->s_iflags |= SB_I_NOEXEC | SB_I_NODEV;
	return 0;
}

/* Mounted by namedshm_fs_pin(); .owner: rule 5. */
static struct file_system_type namedshm_fs_type = {
	.name = "namedshmfs",
	.owner = THIS_MODULE,
	.init_fs_context = namedshm_init_fs_context,
	.kill_sb = kill_anon_super,
};

/* Learn shmem's file operations from a file of our own. */
static int __init namedshm_probe_shmem(void)
{
	struct file *probe;

	probe = namedshm_shmem_file_setup(NULL, "namedshm-probe", PAGE_SIZE,
					  VM_NORESERVE);
	if (IS_ERR(probe))
		return PTR_ERR(probe);
	namedshm_shmem_fops = probe->f_op;
	fput(probe);
	return 0;
}

/* Best effort: without it, huge regions use normal pages. */
static void __init namedshm_mount_huge(void)
{
	struct file_system_type *type;
	char options[] = "huge=within_size";
	struct vfsmount *mnt;

	if (!IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE))
		return;
	type = get_fs_type("tmpfs");
	if (!type)
		return;
	mnt = vfs_kern_mount(type, SB_KERNMOUNT, type->name, options);
	module_put(type->owner); /* put_filesystem(), not exported */
	if (!IS_ERR(mnt))
		namedshm_huge_mnt = mnt;
}

static int __init namedshm_init(void)
{
	int ret;

	if (hash_bits < 10 || hash_bits > 22)
		return -EINVAL;
	/* Empty hlist_bl heads are all-zero. */
	namedshm_table =
		kvcalloc(1UL << hash_bits, sizeof(*namedshm_table), GFP_KERNEL);
	if (!namedshm_table)
		return -ENOMEM;
	ret = namedshm_probe_shmem();
	if (ret)
		goto err_free_table;
	namedshm_mount_huge();
	ret = -ENOMEM;
	if (!proc_create("namedshm", 0444, NULL, &namedshm_proc_ops))
		goto err_mounts;
	ret = misc_register(&namedshm_misc);
	if (ret)
		goto err_proc;
	return 0;

err_proc:
	remove_proc_entry("namedshm", NULL);
err_mounts:
	if (namedshm_huge_mnt)
		kern_unmount(namedshm_huge_mnt);
err_free_table:
	kvfree(namedshm_table);
	return ret;
}

static void __exit namedshm_exit(void)
{
	/*
	 * No handle, window or open device is left (each pins the module,
	 * and so does namedshmfs while it is mounted, rule 5), so the table
	 * is empty and namedshmfs is gone.
	 */
	misc_deregister(&namedshm_misc);
	remove_proc_entry("namedshm", NULL);
	if (namedshm_huge_mnt)
		kern_unmount(namedshm_huge_mnt);
	kvfree(namedshm_table);
}

module_init(namedshm_init);
module_exit(namedshm_exit);

MODULE_DESCRIPTION("Named, handle-counted shared memory with Win32 lifetime");
MODULE_AUTHOR("namedshm developers");
MODULE_LICENSE("GPL");
