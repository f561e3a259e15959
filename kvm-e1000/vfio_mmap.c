// SPDX-License-Identifier: GPL-2.0
/*
 * The doorbell pages as a VMM maps them (the VFIO sparse mmap of BAR0).
 *
 * A mapping must never outlive the pages behind it, and the pages belong
 * to one open of the device: they are freed when the VMM closes it, and
 * the next open brings new ones.  So the pages are not inserted at mmap
 * time, which would let the mapping keep them (and every store the guest
 * makes into them) after the device is gone.  Instead, as vfio-pci does
 * for BARs, a fault handler fills the mapping from the device that is
 * open right now, and it is zapped (KVM's MMU notifier follows) before
 * the pages are freed.  A mapping belongs to the open it was made for:
 * once that open ends it gets SIGBUS, even after the next open.  The next
 * open may be another VM's, and a mapping its VMM kept must not store
 * into that VM's ring registers (a ring base and tail are the DMA the
 * device does in that VM's memory); the next open's VMM maps anew.
 *
 * The device also zaps the mapping while it is open, to hear of the
 * guest's next doorbell (kvm_e1000_db_arm()).  So the mapping is a
 * VM_MIXEDMAP of ordinary pages, not a VM_PFNMAP: KVM reaches ordinary
 * pages through get_user_pages(), which faults them in again until it
 * holds one, where for a VM_PFNMAP a zap between its fault and its second
 * page table walk fails the vCPU's KVM_RUN with EFAULT (seen: the guest
 * paused with an internal error while its driver probed).
 *
 * Zapping needs an address space that holds only this device's mappings.
 * On 6.1 every VFIO device file shares the anonymous inode's one, so each
 * mdev gets an inode of its own on a private pseudo filesystem (as aio
 * does for its rings), and each mmap moves its mapping onto a new file of
 * that inode.  That file, not the VFIO device file, is what a mapping
 * holds: it keeps this module loaded (its fops) and the small state below
 * alive, but not the device open.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>
#include <linux/slab.h>
#include <linux/version.h>

#include "mdev.h"

/* statfs magic of the pseudo filesystem: "e1000 doorbell". */
#define E1000_DB_FS_MAGIC	0xe100db00
#define E1000_DB_NPAGES		(E1000_DB_SIZE / PAGE_SIZE)

/* What a mapping reaches: the pages of the open device, or none. */
struct e1000_db_map {
	struct kref ref;		/* the mdev's, and each file's */
	struct mutex lock;		/* taken under the faulting mm's lock */
	struct kvm_e1000 *e;		/* the open device, NULL while closed */
	u64 open_gen;			/* which open: one more for each */
	struct page *pages[E1000_DB_NPAGES];
};

/* A mapping's file: the state it reaches and the open it was made for. */
struct e1000_db_file {
	struct e1000_db_map *map;
	u64 open_gen;
};

/* Under map->lock: the pages the open device offers (its db_span). */
static pgoff_t db_offered(const struct e1000_db_map *map)
{
	return map->e ? map->e->db_span >> PAGE_SHIFT : 0;
}

static struct vfsmount *db_mnt;

static vm_fault_t db_fault(struct vm_fault *vmf)
{
	struct e1000_db_file *f = vmf->vma->vm_file->private_data;
	struct e1000_db_map *map = f->map;
	/* vm_pgoff is still the VFIO offset: BAR0 is region 0, at 0. */
	pgoff_t i = vmf->pgoff - (E1000_DB_BASE >> PAGE_SHIFT);
	vm_fault_t ret = VM_FAULT_SIGBUS;
	int err;

	mutex_lock(&map->lock);
	/* Only the open it was made for, and only the pages it offers. */
	if (f->open_gen == map->open_gen && i < db_offered(map)) {
		/* A normal, refcounted entry (not pte_special): see above. */
		err = vm_insert_page(vmf->vma, vmf->address, map->pages[i]);
		/* -EBUSY: a racing fault mapped it first. */
		ret = !err || err == -EBUSY ? VM_FAULT_NOPAGE :
		      err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
		/* A sidecore that sleeps zapped the pages to hear of this. */
		kvm_e1000_db_touched(map->e);
	}
	mutex_unlock(&map->lock);
	return ret;
}

static const struct vm_operations_struct db_vm_ops = {
	.fault = db_fault,
};

static void db_map_free(struct kref *ref)
{
	struct e1000_db_map *map = container_of(ref, struct e1000_db_map, ref);

	mutex_destroy(&map->lock);
	kfree(map);
}

static int db_release(struct inode *inode, struct file *file)
{
	struct e1000_db_file *f = file->private_data;

	kref_put(&f->map->ref, db_map_free);
	kfree(f);
	return 0;
}

/* A mapping's file: never installed in a table, only mapped. */
static const struct file_operations db_fops = {
	.owner = THIS_MODULE,
	.release = db_release,
};

/* The mdev's inode for its mappings; its state is shared by their files. */
struct inode *e1000_db_inode_new(void)
{
	struct e1000_db_map *map;
	struct inode *inode;

	map = kzalloc(sizeof(*map), GFP_KERNEL_ACCOUNT);
	if (!map)
		return ERR_PTR(-ENOMEM);
	mutex_init(&map->lock);
	kref_init(&map->ref);
	inode = alloc_anon_inode(db_mnt->mnt_sb);
	if (IS_ERR(inode)) {
		kref_put(&map->ref, db_map_free);
		return inode;
	}
	inode->i_private = map;
	return inode;
}

/* The mdev goes; mappings that outlive it keep the state they point to. */
void e1000_db_inode_put(struct inode *inode)
{
	struct e1000_db_map *map = inode->i_private;

	e1000_db_inode_set(inode, NULL);
	iput(inode);
	kref_put(&map->ref, db_map_free);
}

/*
 * Publish the open device's doorbell pages, or none (@e NULL): every page
 * table entry that points at the old ones is gone when this returns, so
 * they may be freed.  A fault that raced with us either inserted before
 * we took the lock (and is zapped here) or sees the new state.  The
 * device zaps the mappings itself to hear of the guest's next access
 * (kvm_e1000_db_arm()).
 */
void e1000_db_inode_set(struct inode *inode, struct kvm_e1000 *e)
{
	struct e1000_db_map *map = inode->i_private;
	unsigned int i;

	mutex_lock(&map->lock);
	map->e = e;
	/* Mappings made before belong to an open that ended (above). */
	if (e)
		map->open_gen++;
	for (i = 0; i < E1000_DB_NPAGES; i++)
		map->pages[i] = e ? e->db_pages[i] : NULL;
	if (e) {
		WRITE_ONCE(e->db_mapping, inode->i_mapping);
		/*
		 * A sidecore that went to sleep before it knew the mapping
		 * armed nothing: a round now, and it arms before it sleeps.
		 */
		kvm_e1000_worker_kick_unlocked(e);
	}
	mutex_unlock(&map->lock);
	if (!e)
		unmap_mapping_range(inode->i_mapping, 0, 0, true);
}

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/*
 * @vma covers doorbell pages only (the caller checked): move it onto
 * @inode, for the open device.  Refused (-EINVAL) unless that device
 * offers every page it covers (a worker's, the RX page only); one that
 * closes right after leaves a mapping that gets SIGBUS, as above.
 */
int e1000_db_inode_mmap(struct inode *inode, struct vm_area_struct *vma)
{
	struct e1000_db_map *map = inode->i_private;
	pgoff_t end = vma->vm_pgoff - (E1000_DB_BASE >> PAGE_SHIFT) +
		      vma_pages(vma);
	struct e1000_db_file *f;
	struct file *file;
	bool offered;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	mutex_lock(&map->lock);
	offered = end <= db_offered(map);
	f->open_gen = map->open_gen;
	mutex_unlock(&map->lock);
	if (!offered) {
		kfree(f);
		return -EINVAL;
	}
	/* Dropped when the file goes, after its last mapping (fops_put). */
	__module_get(THIS_MODULE);
	ihold(inode);
	file = alloc_file_pseudo(inode, db_mnt, "[kvm-e1000-doorbell]",
				 O_RDWR, &db_fops);
	if (IS_ERR(file)) {
		iput(inode);
		module_put(THIS_MODULE);
		kfree(f);
		return PTR_ERR(file);
	}
	kref_get(&map->ref);
	f->map = map;
	file->private_data = f;
	vma_set_file(vma, file);
	fput(file);		/* the mapping holds it now */
	vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &db_vm_ops;
	return 0;
}

static int db_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, E1000_DB_FS_MAGIC) ? 0 : -ENOMEM;
}

static struct file_system_type db_fs_type = {
	.name = "kvm_e1000_db",
	.init_fs_context = db_init_fs_context,
	.kill_sb = kill_anon_super,
};

int e1000_db_fs_init(void)
{
	db_mnt = kern_mount(&db_fs_type);
	return PTR_ERR_OR_ZERO(db_mnt);
}

/* Every inode is gone: each mdev's went with it, a mapping pins us. */
void e1000_db_fs_exit(void)
{
	kern_unmount(db_mnt);
}
