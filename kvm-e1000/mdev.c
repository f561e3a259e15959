// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO mediated-device route: stock QEMU's vfio-pci (and so libvirt)
 * drives kvm-e1000 without knowing anything about it.
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
 * What QEMU cannot pass, the tap, the sidecore and the MAC, comes before
 * the open through KVM_E1000_MDEV_BIND on /dev/kvm-e1000, and reads back
 * under the mdev's kvm-e1000/ sysfs directory.
 */
#include <linux/etherdevice.h>
#include <linux/file.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>
#include <linux/version.h>
#include <linux/vfio.h>

#include "glue.h"

/* Region offsets in the device fd, as vfio-pci lays them out. */
#define REGION_SHIFT		40
#define REGION_OFF_MASK		((1ULL << REGION_SHIFT) - 1)

#define E1000_MDEV_MAX		64

struct e1000_mdev {
	struct vfio_device vdev;
	struct list_head node;		/* in mdevs, under mdevs_lock */

	/* Serialises opens, closes, bindings and every region access. */
	struct mutex lock;
	struct e1000_pci pci;
	struct kvm_e1000 *e;		/* the model, while a VMM has it open */
	u64 mem_at, io_at;		/* where the windows were asked to be */
	bool intx;			/* INTx enabled through SET_IRQS */
	struct kvm_e1000_stats last;	/* counters of the last session */

	/* The binding (KVM_E1000_MDEV_BIND). */
	struct file *tap;
	s32 sidecore;
	bool doorbell_pages;
	u8 mac[ETH_ALEN];
};

static LIST_HEAD(mdevs);
static DEFINE_MUTEX(mdevs_lock);

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

static int config_access(struct e1000_mdev *m, u64 off, u8 *buf, int len,
			 bool write)
{
	__le32 v;

	if (!write) {
		v = cpu_to_le32(e1000_pci_read(&m->pci, off, len));
		memcpy(buf, &v, len);
		return 0;
	}
	v = 0;
	memcpy(&v, buf, len);
	if (e1000_pci_write(&m->pci, off, len, le32_to_cpu(v)) &
	    E1000_PCI_EV_RESET)
		kvm_e1000_reset(m->e);
	sync_windows(m);
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

static ssize_t rw(struct e1000_mdev *m, char __user *ubuf, size_t count,
		  loff_t *ppos, bool write)
{
	unsigned int index = *ppos >> REGION_SHIFT;
	u64 off = *ppos & REGION_OFF_MASK;
	size_t done = 0;
	int ret = 0;

	mutex_lock(&m->lock);
	while (done < count) {
		int len = piece(off + done, count - done);
		u8 buf[4];

		if (write && copy_from_user(buf, ubuf + done, len)) {
			ret = -EFAULT;
			break;
		}
		ret = region_access(m, index, off + done, buf, len, write);
		if (ret)
			break;
		if (!write && copy_to_user(ubuf + done, buf, len)) {
			ret = -EFAULT;
			break;
		}
		done += len;
	}
	mutex_unlock(&m->lock);
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

/* BAR0's doorbell pages as the one sparse mmap area of the region. */
static int add_doorbell_cap(struct vfio_info_cap *caps)
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
	sparse->areas[0].size = E1000_DB_SIZE;
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
	bool mmap;
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
	mmap = info.index == VFIO_PCI_BAR0_REGION_INDEX && m->e &&
	       kvm_e1000_db_mapped(m->e);
	mutex_unlock(&m->lock);
	if (mmap) {
		info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
		ret = add_doorbell_cap(&caps);
		if (!ret)
			ret = put_caps(arg, &info, &caps);
		kfree(caps.buf);
	}
	if (ret)
		return ret;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/*
 * QEMU maps the doorbell area and hands it to KVM as guest memory.  The
 * mapping takes its own references on the pages: they outlive the device
 * model if the VMM keeps the mapping past the device's close.
 */
static int e1000_vfio_mmap(struct vfio_device *vdev,
			   struct vm_area_struct *vma)
{
	struct e1000_mdev *m = to_mdev(vdev);
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	unsigned long i, n = vma_pages(vma);
	int ret = -EINVAL;

	if (off >> REGION_SHIFT != VFIO_PCI_BAR0_REGION_INDEX ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	off &= REGION_OFF_MASK;
	if (off < E1000_DB_BASE || off >= E1000_DB_BASE + E1000_DB_SIZE ||
	    n > (E1000_DB_BASE + E1000_DB_SIZE - off) >> PAGE_SHIFT)
		return -EINVAL;
	mutex_lock(&m->lock);
	if (!m->e || !kvm_e1000_db_mapped(m->e))
		goto out;
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	for (i = 0, ret = 0; i < n && !ret; i++)
		ret = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				     m->e->db_pages[((off - E1000_DB_BASE) >>
						     PAGE_SHIFT) + i]);
out:
	mutex_unlock(&m->lock);
	return ret;
}

static long get_irq_info(void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info.flags = 0;
	info.count = 0;
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX) {
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE;
		info.count = 1;
	}
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/* An eventfd argument: -1 for none (NULL), else a reference on it. */
static struct file *irq_eventfd(const void *data)
{
	s32 fd = *(const s32 *)data;

	if (fd == -1)
		return NULL;
	if (fd < 0)
		return ERR_PTR(-EINVAL);
	return kvm_e1000_eventfd_fget(fd);
}

static void intx_disable(struct e1000_mdev *m)
{
	kvm_e1000_irq_release(m->e);
	kvm_e1000_irq_mask(m->e, false);
	m->intx = false;
}

static int intx_trigger(struct e1000_mdev *m, struct vfio_irq_set *hdr,
			const void *data)
{
	struct file *f;

	if (m->intx && !hdr->count && (hdr->flags & VFIO_IRQ_SET_DATA_NONE)) {
		intx_disable(m);
		return 0;
	}
	if (hdr->start || hdr->count != 1)
		return -EINVAL;
	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		f = irq_eventfd(data);
		if (IS_ERR(f))
			return PTR_ERR(f);
		kvm_e1000_irq_set_trigger(m->e, f);
		m->intx = true;
		return 0;
	}
	if (!m->intx)
		return -EINVAL;
	/* DATA_NONE, or DATA_BOOL true: a loopback interrupt for testing. */
	if ((hdr->flags & VFIO_IRQ_SET_DATA_NONE) || *(const u8 *)data)
		kvm_e1000_irq_fire(m->e);
	return 0;
}

static int intx_mask(struct e1000_mdev *m, struct vfio_irq_set *hdr,
		     const void *data, bool mask)
{
	struct file *f;

	if (!m->intx || hdr->start || hdr->count != 1)
		return -EINVAL;
	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		/* Like vfio-pci: an unmask eventfd yes, a mask eventfd no. */
		if (mask)
			return -ENOTTY;
		f = irq_eventfd(data);
		if (IS_ERR(f))
			return PTR_ERR(f);
		if (kvm_e1000_irq_is_trigger(m->e, f)) {
			fput(f);
			return -EINVAL;
		}
		kvm_e1000_irq_set_resample(m->e, f);
		return 0;
	}
	if ((hdr->flags & VFIO_IRQ_SET_DATA_NONE) || *(const u8 *)data)
		kvm_e1000_irq_mask(m->e, mask);
	return 0;
}

static long set_irqs(struct e1000_mdev *m, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u8 *data = NULL;
	int count, ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	count = hdr.index == VFIO_PCI_INTX_IRQ_INDEX ? 1 : 0;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, count, VFIO_PCI_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	if (hdr.index != VFIO_PCI_INTX_IRQ_INDEX)
		return -EINVAL;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	mutex_lock(&m->lock);
	switch (hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		ret = intx_trigger(m, &hdr, data);
		break;
	case VFIO_IRQ_SET_ACTION_MASK:
		ret = intx_mask(m, &hdr, data, true);
		break;
	case VFIO_IRQ_SET_ACTION_UNMASK:
		ret = intx_mask(m, &hdr, data, false);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&m->lock);
	kfree(data);
	return ret;
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
		return get_irq_info(argp);
	case VFIO_DEVICE_SET_IRQS:
		return set_irqs(m, argp);
	case VFIO_DEVICE_RESET:
		/* Like an FLR: the configuration space stays. */
		kvm_e1000_reset(m->e);
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
	p.sidecore = m->sidecore;
	if (kvm_e1000_check_sidecore(p.sidecore)) {
		dev_warn(vdev->dev, "sidecore CPU %d is offline: using a worker\n",
			 p.sidecore);
		p.sidecore = KVM_E1000_NO_SIDECORE;
	}
	p.doorbell_pages = m->doorbell_pages &&
			   p.sidecore != KVM_E1000_NO_SIDECORE;
	ether_addr_copy(p.mac, m->mac);
	e = kvm_e1000_build(&p);
	if (!IS_ERR(e)) {
		e1000_pci_init(&m->pci);
		m->mem_at = E1000_PCI_BAR_OFF;
		m->io_at = E1000_PCI_BAR_OFF;
		m->intx = false;
		m->e = e;
	}
	mutex_unlock(&m->lock);
	put_kvm_later(p.kvm);
	return PTR_ERR_OR_ZERO(e);
}

/* The device's own reference on the VM is dropped later, see above. */
static void e1000_vfio_close(struct vfio_device *vdev)
{
	struct e1000_mdev *m = to_mdev(vdev);
	struct kvm_e1000 *e;
	struct kvm *kvm;

	mutex_lock(&m->lock);
	e = m->e;
	m->e = NULL;
	kvm_e1000_get_stats(e, &m->last);
	kvm = e->kvm;
	kvm_get_kvm(kvm);
	kvm_e1000_destroy(e);
	mutex_unlock(&m->lock);
	put_kvm_later(kvm);
}

static int e1000_vfio_init(struct vfio_device *vdev)
{
	struct e1000_mdev *m = to_mdev(vdev);

	mutex_init(&m->lock);
	INIT_LIST_HEAD(&m->node);
	m->sidecore = KVM_E1000_NO_SIDECORE;
	eth_random_addr(m->mac);
	return 0;
}

static void e1000_vfio_release(struct vfio_device *vdev)
{
	struct e1000_mdev *m = to_mdev(vdev);

	if (m->tap)
		fput(m->tap);
	mutex_destroy(&m->lock);
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	vfio_free_device(vdev);
#endif
}

static const struct vfio_device_ops e1000_vfio_ops = {
	.name = "kvm-e1000",
	.init = e1000_vfio_init,
	.release = e1000_vfio_release,
	.open_device = e1000_vfio_open,
	.close_device = e1000_vfio_close,
	.read = e1000_vfio_read,
	.write = e1000_vfio_write,
	.ioctl = e1000_vfio_ioctl,
	.mmap = e1000_vfio_mmap,
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

/* ---- KVM_E1000_MDEV_BIND ---- */

static struct e1000_mdev *find_mdev(const guid_t *uuid)
{
	struct e1000_mdev *m;

	list_for_each_entry(m, &mdevs, node)
		if (guid_equal(&to_mdev_device(m->vdev.dev)->uuid, uuid))
			return m;
	return NULL;
}

static int check_bind(const struct kvm_e1000_mdev_bind *a, guid_t *uuid)
{
	if (a->flags & ~KVM_E1000_MDEV_BIND_FLAGS_ALL ||
	    memchr_inv(a->reserved, 0, sizeof(a->reserved)) ||
	    is_multicast_ether_addr(a->mac))
		return -EINVAL;
	/* Only a polling sidecore notices what lands in those pages. */
	if (a->flags & KVM_E1000_MDEV_BIND_DOORBELL_PAGES &&
	    a->sidecore == KVM_E1000_NO_SIDECORE)
		return -EINVAL;
	if (strnlen(a->uuid, sizeof(a->uuid)) != KVM_E1000_UUID_LEN ||
	    memchr_inv(a->uuid + KVM_E1000_UUID_LEN, 0,
		       sizeof(a->uuid) - KVM_E1000_UUID_LEN) ||
	    guid_parse(a->uuid, uuid))
		return -EINVAL;
	return kvm_e1000_check_sidecore(a->sidecore);
}

/* Under m->lock, with no VMM on the device: take @tap over. */
static void bind(struct e1000_mdev *m, const struct kvm_e1000_mdev_bind *a,
		 struct file **tap)
{
	swap(m->tap, *tap);
	m->sidecore = a->sidecore;
	m->doorbell_pages = a->flags & KVM_E1000_MDEV_BIND_DOORBELL_PAGES;
	if (is_zero_ether_addr(a->mac))
		eth_random_addr(m->mac);
	else
		ether_addr_copy(m->mac, a->mac);
}

int kvm_e1000_mdev_bind(const struct kvm_e1000_mdev_bind *a)
{
	struct e1000_mdev *m;
	struct file *tap;
	guid_t uuid;
	int ret;

	ret = check_bind(a, &uuid);
	if (ret)
		return ret;
	tap = kvm_e1000_tap_fget(a->tap_fd);
	if (IS_ERR(tap))
		return PTR_ERR(tap);
	mutex_lock(&mdevs_lock);
	m = find_mdev(&uuid);
	if (!m) {
		ret = -ENOENT;
	} else {
		mutex_lock(&m->lock);
		if (m->e)
			ret = -EBUSY;
		else
			bind(m, a, &tap);
		mutex_unlock(&m->lock);
	}
	mutex_unlock(&mdevs_lock);
	if (tap)
		fput(tap);	/* the one replaced, or the one refused */
	return ret;
}

/* ---- sysfs: /sys/bus/mdev/devices/UUID/kvm-e1000/ ---- */

static struct e1000_mdev *dev_to_mdev(struct device *dev)
{
	return dev_get_drvdata(dev);
}

static ssize_t tap_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct e1000_mdev *m = dev_to_mdev(dev);
	char name[64] = "";
	struct file *tap;

	mutex_lock(&m->lock);
	tap = m->tap ? get_file(m->tap) : NULL;
	mutex_unlock(&m->lock);
	/* tun takes the RTNL to name itself: not under our lock. */
	if (tap) {
		if (kvm_e1000_tap_name(tap, name, sizeof(name)))
			name[0] = 0;
		fput(tap);
	}
	return sysfs_emit(buf, "%s\n", name);
}
static DEVICE_ATTR_RO(tap);

static ssize_t sidecore_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct e1000_mdev *m = dev_to_mdev(dev);
	s32 cpu;

	mutex_lock(&m->lock);
	cpu = m->sidecore;
	mutex_unlock(&m->lock);
	return sysfs_emit(buf, "%d\n", cpu);
}
static DEVICE_ATTR_RO(sidecore);

static ssize_t mac_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct e1000_mdev *m = dev_to_mdev(dev);
	u8 mac[ETH_ALEN];

	mutex_lock(&m->lock);
	ether_addr_copy(mac, m->mac);
	mutex_unlock(&m->lock);
	return sysfs_emit(buf, "%pM\n", mac);
}
static DEVICE_ATTR_RO(mac);

static ssize_t vm_show(struct device *dev, struct device_attribute *attr,
		       char *buf)
{
	struct e1000_mdev *m = dev_to_mdev(dev);
	bool open;

	mutex_lock(&m->lock);
	open = m->e;
	mutex_unlock(&m->lock);
	return sysfs_emit(buf, "%s\n", open ? "attached" : "none");
}
static DEVICE_ATTR_RO(vm);

/* The counters of the open device, or of its last session: "name value". */
static ssize_t stats_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct e1000_mdev *m = dev_to_mdev(dev);
	struct kvm_e1000_stats st;
	int n = 0;

	mutex_lock(&m->lock);
	if (m->e)
		kvm_e1000_get_stats(m->e, &st);
	else
		st = m->last;
	mutex_unlock(&m->lock);
#define STAT(f) (n += sysfs_emit_at(buf, n, "%s %llu\n", #f, \
				    (unsigned long long)st.f))
	STAT(mmio_reads);
	STAT(mmio_writes);
	STAT(mmio_unknown);
	STAT(mmio_bad_access);
	STAT(tx_frames);
	STAT(tx_bytes);
	STAT(rx_frames);
	STAT(rx_bytes);
	STAT(tx_dropped);
	STAT(rx_dropped);
	STAT(irqs);
	STAT(dma_errors);
	STAT(desc_errors);
	STAT(resets);
	STAT(doorbell_writes);
#undef STAT
	return n;
}
static DEVICE_ATTR_RO(stats);

static struct attribute *mdev_attrs[] = {
	&dev_attr_tap.attr,
	&dev_attr_sidecore.attr,
	&dev_attr_mac.attr,
	&dev_attr_vm.attr,
	&dev_attr_stats.attr,
	NULL,
};

static const struct attribute_group mdev_group = {
	.name = KVM_E1000_NAME,
	.attrs = mdev_attrs,
};

static const struct attribute_group *mdev_groups[] = {
	&mdev_group,
	NULL,
};

/* ---- the mdev driver and parent ---- */

static int e1000_mdev_probe(struct mdev_device *mdev)
{
	struct e1000_mdev *m;
	int ret;

	m = vfio_alloc_device(e1000_mdev, vdev, &mdev->dev, &e1000_vfio_ops);
	if (IS_ERR(m))
		return PTR_ERR(m);
	ret = vfio_register_emulated_iommu_dev(&m->vdev);
	if (ret) {
		vfio_put_device(&m->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, m);
	mutex_lock(&mdevs_lock);
	list_add(&m->node, &mdevs);
	mutex_unlock(&mdevs_lock);
	return 0;
}

/* Waits until no VMM has the device open (VFIO asks it to let go). */
static void e1000_mdev_remove(struct mdev_device *mdev)
{
	struct e1000_mdev *m = dev_get_drvdata(&mdev->dev);

	mutex_lock(&mdevs_lock);
	list_del(&m->node);
	mutex_unlock(&mdevs_lock);
	vfio_unregister_group_dev(&m->vdev);
	vfio_put_device(&m->vdev);
}

static ssize_t e1000_mdev_description(struct mdev_type *mtype, char *buf)
{
	return sysfs_emit(buf, "Intel 82540EM (e1000) emulated in the host kernel\n");
}

static struct mdev_driver e1000_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.max_instances = E1000_MDEV_MAX,
	.driver = {
		.name = "kvm-e1000-mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = mdev_groups,
	},
	.probe = e1000_mdev_probe,
	.remove = e1000_mdev_remove,
	.show_description = e1000_mdev_description,
};

/* sysfs shows the type as "<parent class>-82540EM": kvm-e1000-82540EM. */
static struct mdev_type type_82540em = {
	.sysfs_name = "82540EM",
	.pretty_name = "Intel 82540EM Gigabit Ethernet (kvm-e1000)",
};

static struct mdev_type *mdev_types[] = { &type_82540em };

static struct class parent_class = { .name = KVM_E1000_NAME };
static struct device *parent_dev;
static struct mdev_parent parent;

int kvm_e1000_mdev_init(void)
{
	int ret;

	put_wq = alloc_workqueue("kvm-e1000-put", 0, 0);
	if (!put_wq)
		return -ENOMEM;
	ret = mdev_register_driver(&e1000_mdev_driver);
	if (ret)
		goto err_wq;
	ret = class_register(&parent_class);
	if (ret)
		goto err_driver;
	parent_dev = device_create(&parent_class, NULL, MKDEV(0, 0), NULL,
				   KVM_E1000_NAME);
	if (IS_ERR(parent_dev)) {
		ret = PTR_ERR(parent_dev);
		goto err_class;
	}
	ret = mdev_register_parent(&parent, parent_dev, &e1000_mdev_driver,
				   mdev_types, ARRAY_SIZE(mdev_types));
	if (ret)
		goto err_dev;
	return 0;

err_dev:
	device_unregister(parent_dev);
err_class:
	class_unregister(&parent_class);
err_driver:
	mdev_unregister_driver(&e1000_mdev_driver);
err_wq:
	destroy_workqueue(put_wq);
	return ret;
}

/* Removes every mdev; none is open (an open one pins the module). */
void kvm_e1000_mdev_exit(void)
{
	mdev_unregister_parent(&parent);
	device_unregister(parent_dev);
	class_unregister(&parent_class);
	mdev_unregister_driver(&e1000_mdev_driver);
	destroy_workqueue(put_wq);
}
