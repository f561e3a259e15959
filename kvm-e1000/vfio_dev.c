// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO device of a kvm-e1000 mdev: what a VMM's vfio-pci reaches
 * through the device fd (mdev.c is the route's parent and bindings).
 *
 * The module is an mdev parent with one type, "82540EM".  Each mdev is a
 * vfio_device with an emulated IOMMU (it never does DMA through VFIO: guest
 * memory is reached through KVM's memslots).  Its regions are the PCI
 * configuration space (pci.c), BAR0 and BAR2; its one interrupt is INTx.
 * When a VMM opens it, the device model is built for the VM that VFIO links
 * to the device (QEMU's VFIO-KVM device does that) and is torn down on the
 * last close.  The guest's configuration writes tell us where it put the
 * BARs: we place the register windows on that VM's KVM MMIO and PIO buses,
 * so the guest's accesses never reach QEMU; QEMU's own BAR regions only
 * see accesses the buses did not take (a window that failed to place).
 *
 * The interrupt, through VFIO_DEVICE_SET_IRQS, is vfio_irq.c's.
 */
#include <linux/etherdevice.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vfio.h>

#include "mdev.h"

/* Region offsets in the device fd, as vfio-pci lays them out. */
#define REGION_SHIFT		40
#define REGION_OFF_MASK		((1ULL << REGION_SHIFT) - 1)

/* Where the last VM references go: see close_device(). */
static struct workqueue_struct *put_wq;

struct kvm_put_work {
	struct work_struct work;
	struct kvm *kvm;
};

static struct e1000_mdev *to_mdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct e1000_mdev, vdev);
}

static struct device *mdev_to_dev(struct e1000_mdev *m)
{
	return m->vdev.dev;
}

/* ---- PCI configuration and the BAR windows ---- */

/*
 * Follow the guest's BAR programming with the windows on KVM's buses.  A
 * window that cannot go where the guest put it (over RAM, or over another
 * device's) stays off the bus: QEMU's slow path then serves it.
 */
static void sync_windows(struct e1000_mdev *m)
{
	u64 mem = e1000_pci_mem_base(&m->pci);
	u64 io = e1000_pci_io_base(&m->pci);
	int ret;

	if (mem != m->mem_at) {
		m->mem_at = mem;
		ret = kvm_e1000_bar_place(m->e, mem == E1000_PCI_BAR_OFF ?
					  KVM_E1000_BAR0_UNMAPPED : mem);
		if (ret)
			dev_warn_ratelimited(mdev_to_dev(m),
					     "BAR0 at %#llx stays off KVM's MMIO bus (%d)\n",
					     mem, ret);
	}
	if (io != m->io_at) {
		m->io_at = io;
		ret = kvm_e1000_bar2_place(m->e, io == E1000_PCI_BAR_OFF ?
					   KVM_E1000_BAR0_UNMAPPED : io);
		if (ret)
			dev_warn_ratelimited(mdev_to_dev(m),
					     "BAR2 at %#llx stays off KVM's PIO bus (%d)\n",
					     io, ret);
	}
}

/*
 * What follows from the configuration space as it is now: after every
 * config write, and under m->lock after a migration's load replaced it
 * (vfio_mig.c), the one place a destination learns where the guest put
 * its windows (QEMU writes back COMMAND only, never the BARs).
 */
void e1000_mdev_config_apply(struct e1000_mdev *m)
{
	sync_windows(m);
	/* Bus Master Enable cleared, or D3hot: no DMA until it comes back. */
	kvm_e1000_set_bus_master(m->e, e1000_pci_bus_master(&m->pci));
	kvm_e1000_irq_disable(m->e, e1000_pci_intx_disabled(&m->pci));
}

static int config_access(struct e1000_mdev *m, u64 off, u8 *buf, int len,
			 bool write)
{
	__le32 v;

	if (!write) {
		/* STATUS.Interrupt Status reads the line as it is now. */
		v = cpu_to_le32(e1000_pci_read(&m->pci, off, len,
					       kvm_e1000_irq_line(m->e)));
		memcpy(buf, &v, len);
		return 0;
	}
	v = 0;
	memcpy(&v, buf, len);
	if (e1000_pci_write(&m->pci, off, len, le32_to_cpu(v)) &
	    E1000_PCI_EV_RESET)
		kvm_e1000_reset(m->e);
	e1000_mdev_config_apply(m);
	return 0;
}

static int region_access(struct e1000_mdev *m, unsigned int index, u64 off,
			 u8 *buf, int len, bool write)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (off >= E1000_PCI_CFG_SIZE)
			return -EINVAL;
		return config_access(m, off, buf, len, write);
	case VFIO_PCI_BAR0_REGION_INDEX:
		return kvm_e1000_bar_access(m->e, false, off, buf, len, write);
	case VFIO_PCI_BAR2_REGION_INDEX:
		return kvm_e1000_bar_access(m->e, true, off, buf, len, write);
	default:
		return -EINVAL;
	}
}

/* Split an access into naturally aligned pieces of 4, 2 or 1 bytes. */
static int piece(u64 off, size_t left)
{
	if (left >= 4 && !(off & 3))
		return 4;
	if (left >= 2 && !(off & 1))
		return 2;
	return 1;
}

/* Under m->lock: the bytes of @buf done before the first error, or it. */
static int rw_locked(struct e1000_mdev *m, unsigned int index, u64 off,
		     u8 *buf, int count, bool write)
{
	int done = 0, ret = 0;

	while (done < count) {
		int len = piece(off + done, count - done);

		ret = region_access(m, index, off + done, buf + done, len,
				    write);
		if (ret)
			break;
		done += len;
	}
	return done ?: ret;
}

#define RW_CHUNK	64

/*
 * The user's buffer is copied outside m->lock: a fault on it takes the
 * mm's lock, which mmap holds while it takes m->lock.
 */
static ssize_t rw(struct e1000_mdev *m, char __user *ubuf, size_t count,
		  loff_t *ppos, bool write)
{
	unsigned int index = *ppos >> REGION_SHIFT;
	u64 off = *ppos & REGION_OFF_MASK;
	u8 buf[RW_CHUNK];
	size_t done = 0;
	int ret = 0;

	while (done < count) {
		int n = min_t(size_t, count - done, sizeof(buf));

		if (write && copy_from_user(buf, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		mutex_lock(&m->lock);
		ret = rw_locked(m, index, off + done, buf, n, write);
		mutex_unlock(&m->lock);
		if (ret <= 0)
			break;
		if (!write && copy_to_user(ubuf + done, buf, ret)) {
			ret = -EFAULT;
			break;
		}
		done += ret;
		if (ret < n)
			break;
	}
	if (!done)
		return ret;
	*ppos += done;
	return done;
}

static ssize_t e1000_vfio_read(struct vfio_device *vdev, char __user *buf,
			       size_t count, loff_t *ppos)
{
	return rw(to_mdev(vdev), buf, count, ppos, false);
}

static ssize_t e1000_vfio_write(struct vfio_device *vdev,
				const char __user *buf, size_t count,
				loff_t *ppos)
{
	return rw(to_mdev(vdev), (char __user *)buf, count, ppos, true);
}

/* ---- ioctls ---- */

static long get_device_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static u64 region_size(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return E1000_PCI_CFG_SIZE;
	case VFIO_PCI_BAR0_REGION_INDEX:
		return KVM_E1000_BAR0_SIZE;
	case VFIO_PCI_BAR2_REGION_INDEX:
		return E1000_IO_SIZE;
	default:
		return 0;	/* BAR1, 3-5, ROM, VGA: not implemented */
	}
}

/*
 * BAR0's doorbell pages as the one sparse mmap area of the region: both
 * for a sidecore, the RX page for a worker (kvm_e1000_db_wants_ring()).
 */
static int add_doorbell_cap(struct vfio_info_cap *caps, u32 span)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	size_t size = struct_size(sparse, areas, 1);
	int ret;

	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = 1;
	sparse->areas[0].offset = E1000_DB_BASE;
	sparse->areas[0].size = span;
	ret = vfio_info_add_capability(caps, &sparse->header, size);
	kfree(sparse);
	return ret;
}

/* Capabilities follow the info when they fit, as vfio-pci lays them out. */
static int put_caps(void __user *arg, struct vfio_region_info *info,
		    struct vfio_info_cap *caps)
{
	info->flags |= VFIO_REGION_INFO_FLAG_CAPS;
	if (info->argsz < sizeof(*info) + caps->size) {
		info->argsz = sizeof(*info) + caps->size;
		info->cap_offset = 0;
		return 0;
	}
	vfio_info_cap_shift(caps, sizeof(*info));
	info->cap_offset = sizeof(*info);
	return copy_to_user(arg + sizeof(*info), caps->buf, caps->size) ?
	       -EFAULT : 0;
}

static long get_region_info(struct e1000_mdev *m, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	u32 span = 0;
	int ret = 0;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	info.offset = (u64)info.index << REGION_SHIFT;
	info.size = region_size(info.index);
	info.flags = info.size ? VFIO_REGION_INFO_FLAG_READ |
				 VFIO_REGION_INFO_FLAG_WRITE : 0;
	mutex_lock(&m->lock);
	if (info.index == VFIO_PCI_BAR0_REGION_INDEX && m->e &&
	    kvm_e1000_db_mapped(m->e))
		span = m->e->db_span;
	mutex_unlock(&m->lock);
	if (span) {
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
		ret = add_doorbell_cap(&caps, span);
		if (!ret)
			ret = put_caps(arg, &info, &caps);
		kfree(caps.buf);
	}
	if (ret)
		return ret;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/*
 * QEMU maps the doorbell area and hands it to KVM as guest memory.  The
 * mapping is filled on fault from whichever open of the device is current
 * and zapped when it closes (vfio_mmap.c).  Not under m->lock: mmap runs
 * under the mm's lock, and m->lock is held around KVM's slots_lock (BAR
 * placement), which KVM holds while it copies to user memory (lockdep saw
 * the cycle); the doorbell inode's own lock says whether pages are there.
 */
static int e1000_vfio_mmap(struct vfio_device *vdev,
			   struct vm_area_struct *vma)
{
	struct e1000_mdev *m = to_mdev(vdev);
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned long n = vma_pages(vma);

	if (off >> REGION_SHIFT != VFIO_PCI_BAR0_REGION_INDEX ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	off &= REGION_OFF_MASK;
	if (off < E1000_DB_BASE || off >= E1000_DB_BASE + E1000_DB_SIZE ||
	    n > (E1000_DB_BASE + E1000_DB_SIZE - off) >> PAGE_SHIFT)
		return -EINVAL;
	return e1000_db_inode_mmap(m->db_inode, vma);
}

static long e1000_vfio_ioctl(struct vfio_device *vdev, unsigned int cmd,
			     unsigned long arg)
{
	struct e1000_mdev *m = to_mdev(vdev);
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return get_device_info(argp);
	case VFIO_DEVICE_GET_REGION_INFO:
		return get_region_info(m, argp);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return e1000_mdev_get_irq_info(argp);
	case VFIO_DEVICE_SET_IRQS:
		return e1000_mdev_set_irqs(m, argp);
	case VFIO_DEVICE_RESET:
		/*
		 * Like an FLR: the configuration space stays; RUNNING again,
		 * and only once reset: a stopped device's old rings never run.
		 */
		kvm_e1000_reset(m->e);
		mutex_lock(&m->lock);
		e1000_mdev_mig_reset(m, true);
		mutex_unlock(&m->lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

/* ---- open and close ---- */

static void kvm_put_fn(struct work_struct *work)
{
	struct kvm_put_work *w = container_of(work, struct kvm_put_work, work);

	kvm_put_kvm(w->kvm);
	kfree(w);
}

/*
 * VFIO opens and closes with its group lock held (6.1), and destroying the
 * VM takes that lock (the VFIO-KVM device unlinks the group): a reference
 * that may be the VM's last is dropped from a work item, outside the lock.
 */
static void put_kvm_later(struct kvm *kvm)
{
	struct kvm_put_work *w = kzalloc(sizeof(*w), GFP_KERNEL | __GFP_NOFAIL);

	w->kvm = kvm;
	INIT_WORK(&w->work, kvm_put_fn);
	queue_work(put_wq, &w->work);
}

static int e1000_vfio_open(struct vfio_device *vdev)
{
	struct e1000_mdev *m = to_mdev(vdev);
	struct kvm_e1000_params p = { .bar0 = KVM_E1000_BAR0_UNMAPPED };
	struct kvm_e1000 *e;

	if (!vdev->kvm || !kvm_get_kvm_safe(vdev->kvm)) {
		dev_err(vdev->dev,
			"no KVM VM for this device: kvm-e1000 runs the device in KVM, so open it from a VMM using KVM (QEMU: -enable-kvm)\n");
		return -EINVAL;
	}
	p.kvm = vdev->kvm;
	/* If the build fails, its put of p.kvm must not be the last one. */
	kvm_get_kvm(p.kvm);
	mutex_lock(&m->lock);
	p.tap = m->tap ? get_file(m->tap) : NULL;
	p.tap_offload = m->tap_offload;
	p.sidecore = m->sidecore;
	if (kvm_e1000_check_sidecore(p.sidecore, false)) {
		dev_warn(vdev->dev, "sidecore CPU %d is offline: using a worker\n",
			 p.sidecore);
		p.sidecore = KVM_E1000_NO_SIDECORE;
	}
	p.doorbell_pages = m->doorbell_pages;
	ether_addr_copy(p.mac, m->mac);
	p.model = m->model;
	e = kvm_e1000_build(&p);
	if (!IS_ERR(e)) {
		e1000_pci_init(&m->pci, m->model);
		/* Power-on COMMAND has no Bus Master Enable. */
		kvm_e1000_set_bus_master(e, e1000_pci_bus_master(&m->pci));
		m->mem_at = E1000_PCI_BAR_OFF;
		m->io_at = E1000_PCI_BAR_OFF;
		m->intx = false;
		m->e = e;
		m->mig_state = VFIO_DEVICE_STATE_RUNNING;
		if (kvm_e1000_db_mapped(e))
			e1000_db_inode_set(m->db_inode, e);
	}
	mutex_unlock(&m->lock);
	/*
	 * Outside m->lock, which mmap takes under the mm's lock: tun sets
	 * offloads under the RTNL and copies to user memory under it.  VFIO
	 * runs open and close of one device one at a time: m->e stays.
	 */
	if (!IS_ERR(e))
		kvm_e1000_tap_offload_take(e, p.tap_offload);
	put_kvm_later(p.kvm);
	return PTR_ERR_OR_ZERO(e);
}

/* The device's own reference on the VM is dropped later, see above. */
static void e1000_vfio_close(struct vfio_device *vdev)
{
	struct e1000_mdev *m = to_mdev(vdev);
	struct kvm_e1000 *e;
	struct kvm *kvm;

	kvm_e1000_tap_offload_give(m->e);	/* as in open, outside m->lock */
	mutex_lock(&m->lock);
	e1000_mdev_mig_reset(m, false);
	e = m->e;
	m->e = NULL;
	/* No mapping reaches its doorbell pages once it is destroyed. */
	e1000_db_inode_set(m->db_inode, NULL);
	kvm_e1000_get_stats(e, &m->last);
	e1000_mdev_req_release(m);
	kvm = e->kvm;
	kvm_get_kvm(kvm);
	kvm_e1000_destroy(e);
	mutex_unlock(&m->lock);
	put_kvm_later(kvm);
}

/* Removal of the mdev while open: ask the VMM to let go (vfio_irq.c). */
static void e1000_vfio_request(struct vfio_device *vdev, unsigned int count)
{
	e1000_mdev_request(to_mdev(vdev), count);
}

static int e1000_vfio_init(struct vfio_device *vdev)
{
	struct e1000_mdev *m = to_mdev(vdev);

	m->db_inode = e1000_db_inode_new();
	if (IS_ERR(m->db_inode))
		return PTR_ERR(m->db_inode);
	mutex_init(&m->lock);
	INIT_LIST_HEAD(&m->node);
	m->sidecore = KVM_E1000_NO_SIDECORE;
	eth_random_addr(m->mac);
	e1000_mdev_mig_init(m);
	return 0;
}

static void e1000_vfio_release(struct vfio_device *vdev)
{
	struct e1000_mdev *m = to_mdev(vdev);

	if (m->tap)
		fput(m->tap);
	e1000_db_inode_put(m->db_inode);
	mutex_destroy(&m->lock);
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	vfio_free_device(vdev);
#endif
}

const struct vfio_device_ops e1000_mdev_vfio_ops = {
	.name = "kvm-e1000",
	.init = e1000_vfio_init,
	.release = e1000_vfio_release,
	.open_device = e1000_vfio_open,
	.close_device = e1000_vfio_close,
	.read = e1000_vfio_read,
	.write = e1000_vfio_write,
	.ioctl = e1000_vfio_ioctl,
	.mmap = e1000_vfio_mmap,
	.request = e1000_vfio_request,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	/* Emulated IOMMU under iommufd too: we never DMA through VFIO. */
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
#endif
};

/* put_kvm_later()'s workqueue lives as long as the mdev parent. */
int e1000_mdev_put_wq_init(void)
{
	put_wq = alloc_workqueue("kvm-e1000-put", 0, 0);
	return put_wq ? 0 : -ENOMEM;
}

void e1000_mdev_put_wq_exit(void)
{
	destroy_workqueue(put_wq);
}
