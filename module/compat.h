/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel versions namedshm builds against
 * (Debian 11's 5.10, Debian 12's 6.1 and 6.12, Debian unstable's 7.2)
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
#include <linux/version.h>

/*
 * Make @vma a mapping of @backing and let its filesystem set it up.
 * call_mmap() was renamed vfs_mmap() in 6.17; vfs_mmap() also handles
 * filesystems that only provide ->mmap_prepare (shmem from about 6.18).
 * vma_set_file() arrived in 5.11; before it, swap the file by hand as it
 * does (take the new reference first, then drop the old one).
 */
static inline int namedshm_mmap_backing(struct file *backing,
					struct vm_area_struct *vma)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
	vma_set_file(vma, backing);
#else
	struct file *old = vma->vm_file;

	vma->vm_file = get_file(backing);
	if (old)
		fput(old);
#endif
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
