/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions namedshm builds against
 * (Debian 11's 5.10, Debian 12's 6.1 and 6.12, Debian unstable's 7.2) and
 * between architectures
 * lives in this file, and nowhere else.
 */
#ifndef _NAMEDSHM_COMPAT_H
#define _NAMEDSHM_COMPAT_H

#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/proc_ns.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/compat.h>
#include <linux/version.h>

#ifndef CONFIG_SHMEM
/* Without it "tmpfs" is ramfs, whose inodes are not shmem inodes. */
#error "namedshm needs CONFIG_SHMEM"
#endif

/*
 * Default largest region: 1 TiB, or on 32-bit kernels (where a module
 * parameter of type ulong cannot hold that) the largest page-aligned
 * unsigned long.
 */
#if BITS_PER_LONG == 64
#define NAMEDSHM_MAX_REGION_SIZE BIT(40)
#else
#define NAMEDSHM_MAX_REGION_SIZE (ULONG_MAX & PAGE_MASK)
#endif

/*
 * Whether to leave a mapping's address to the mm alone: for 32-bit
 * processes, forced 64 KiB or PMD alignment would take most of the few
 * bits of mmap randomisation they have (as mainline decided for THP
 * alignment, CVE-2024-26621).
 */
static inline bool namedshm_no_forced_align(void)
{
	return !IS_ENABLED(CONFIG_64BIT) || in_compat_syscall();
}

/* The first parameter of inode_operations.setattr, with its comma. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define NAMEDSHM_IDMAP_ARG struct mnt_idmap *idmap,
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(5, 12, 0)
#define NAMEDSHM_IDMAP_ARG struct user_namespace *mnt_userns,
#else
#define NAMEDSHM_IDMAP_ARG
#endif

/* Timestamps moved behind accessors in 6.6 and 6.7. */
static inline void namedshm_inode_init_times(struct inode *inode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	simple_inode_init_ts(inode);
#else
	struct timespec64 now = current_time(inode);

	inode->i_atime = now;
	inode->i_mtime = now;
	inode->i_ctime = now;
#endif
}

static inline void namedshm_inode_touch_ctime(struct inode *inode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	inode_set_ctime_current(inode);
#else
	inode->i_ctime = current_time(inode);
#endif
}

/* vma_set_file() arrived in 5.11. */
static inline void namedshm_vma_set_file(struct vm_area_struct *vma,
					 struct file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
	vma_set_file(vma, file);
#else
	get_file(file);
	swap(vma->vm_file, file);
	fput(file);
#endif
}

/*
 * Let @backing's filesystem set up @vma, whose vm_file stays what it is.
 * call_mmap() was renamed vfs_mmap() in 6.17; vfs_mmap() also handles
 * filesystems that only provide ->mmap_prepare (shmem from about 6.18)
 * and leaves vm_file alone.
 */
static inline int namedshm_mmap_backing(struct file *backing,
					struct vm_area_struct *vma)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 17, 0)
	return vfs_mmap(backing, vma);
#else
	return call_mmap(backing, vma);
#endif
}

/* vm_flags became read-only in 6.3, set through vm_flags_set(). */
static inline void namedshm_vm_flags_set(struct vm_area_struct *vma,
					 unsigned long flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * The mm's own choice of a free range.  mm->get_unmapped_area became
 * mm_get_unmapped_area(mm, ...) in 6.10, which lost its mm in 6.19.
 */
static inline unsigned long namedshm_mm_get_unmapped_area(struct file *file,
							  unsigned long addr,
							  unsigned long len,
							  unsigned long pgoff,
							  unsigned long flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 19, 0)
	return mm_get_unmapped_area(file, addr, len, pgoff, flags);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
	return mm_get_unmapped_area(current->mm, file, addr, len, pgoff, flags);
#else
	return current->mm->get_unmapped_area(file, addr, len, pgoff, flags);
#endif
}

static inline void namedshm_vm_flags_clear(struct vm_area_struct *vma,
					   unsigned long flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/* Whether @file can be mmap()ed at all. */
static inline bool namedshm_can_mmap(struct file *file)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
	return file->f_op->mmap || file->f_op->mmap_prepare;
#else
	return file->f_op->mmap;
#endif
}

/*
 * An unlinked shmem file of @size bytes.  Of @vm_flags only VM_NORESERVE
 * (skip the up-front commit accounting) means anything to shmem.  From 7.0
 * shmem_file_setup() takes a vma_flags_t bitmap instead of VM_* bits.
 */
static inline struct file *namedshm_shmem_file_setup(struct vfsmount *mnt,
						     const char *name,
						     loff_t size,
						     unsigned long vm_flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 0, 0)
	vma_flags_t flags = (vm_flags & VM_NORESERVE) ?
				    mk_vma_flags(VMA_NORESERVE_BIT) :
				    EMPTY_VMA_FLAGS;
#else
	unsigned long flags = vm_flags;
#endif

	if (mnt)
		return shmem_file_setup_with_mnt(mnt, name, size, flags);
	return shmem_file_setup(name, size, flags);
}

/*
 * Reference the caller's IPC namespace.  get_ipc_ns() is inline, but
 * put_ipc_ns() is not exported before 6.12: drop the reference through the
 * namespace's own operations, which end in put_ipc_ns() on every version.
 * Process context only (put_ipc_ns() takes mq_lock).
 */
static inline struct ipc_namespace *namedshm_get_ipc_ns(void)
{
	return get_ipc_ns(current->nsproxy->ipc_ns);
}

static inline void namedshm_put_ipc_ns(struct ipc_namespace *ns)
{
#ifdef CONFIG_IPC_NS
	ns->ns.ops->put(&ns->ns);
#endif
}

#endif /* _NAMEDSHM_COMPAT_H */
