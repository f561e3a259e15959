// SPDX-License-Identifier: GPL-2.0
/*
 * INTx of a kvm-e1000 mdev, its one interrupt, through VFIO's ioctls:
 * VFIO_DEVICE_SET_IRQS's trigger and unmask eventfds become the irqfd and
 * resample eventfds of irq.c, and the line masks as vfio-pci's does.
 * e1000_mdev_set_irqs() holds the mdev's lock while it changes the line.
 *
 * And the device request, as vfio-pci offers it: an eventfd the VMM hands
 * in on VFIO_PCI_REQ_IRQ_INDEX, which we signal when the mdev is being
 * removed while open, so that QEMU unplugs the device from its guest and
 * closes it instead of leaving the removal waiting for ever.
 */
#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vfio.h>

#include "mdev.h"

long e1000_mdev_get_irq_info(void __user *arg)
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
	} else if (info.index == VFIO_PCI_REQ_IRQ_INDEX) {
		info.flags = VFIO_IRQ_INFO_EVENTFD;
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

static void signal_ctx(struct eventfd_ctx *ctx)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/* Under m->lock. */
void e1000_mdev_req_release(struct e1000_mdev *m)
{
	if (m->req)
		eventfd_ctx_put(m->req);
	m->req = NULL;
}

/* VFIO_PCI_REQ_IRQ_INDEX, ACTION_TRIGGER only (as vfio-pci). */
static int req_trigger(struct e1000_mdev *m, struct vfio_irq_set *hdr,
		       const void *data)
{
	struct eventfd_ctx *ctx;
	s32 fd;

	if ((hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) !=
	    VFIO_IRQ_SET_ACTION_TRIGGER)
		return -EINVAL;
	if (!hdr->count && (hdr->flags & VFIO_IRQ_SET_DATA_NONE)) {
		e1000_mdev_req_release(m);
		return 0;
	}
	if (hdr->start || hdr->count != 1)
		return -EINVAL;
	if (!(hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD)) {
		/* DATA_NONE, or DATA_BOOL true: signal it, for testing. */
		if (m->req &&
		    ((hdr->flags & VFIO_IRQ_SET_DATA_NONE) || *(const u8 *)data))
			signal_ctx(m->req);
		return 0;
	}
	fd = *(const s32 *)data;
	if (fd == -1) {
		e1000_mdev_req_release(m);
		return 0;
	}
	if (fd < 0)
		return -EINVAL;
	ctx = eventfd_ctx_fdget(fd);
	if (IS_ERR(ctx))
		return PTR_ERR(ctx);
	e1000_mdev_req_release(m);
	m->req = ctx;
	return 0;
}

/*
 * The mdev is being removed while a VMM has it open (VFIO calls this
 * until the VMM lets go, @count counting the calls): ask it through the
 * request eventfd, as vfio-pci does.
 */
void e1000_mdev_request(struct e1000_mdev *m, unsigned int count)
{
	struct device *dev = m->vdev.dev;

	mutex_lock(&m->lock);
	if (m->req) {
		if (!(count % 10))
			dev_notice_ratelimited(dev, "asking the VMM to release the device (%u)\n",
					       count);
		signal_ctx(m->req);
	} else if (!count) {
		dev_notice(dev, "no device request channel registered: removal waits until the VMM closes the device\n");
	}
	mutex_unlock(&m->lock);
}

long e1000_mdev_set_irqs(struct e1000_mdev *m, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	u8 *data = NULL;
	int count, ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	count = hdr.index == VFIO_PCI_INTX_IRQ_INDEX ||
		hdr.index == VFIO_PCI_REQ_IRQ_INDEX ? 1 : 0;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, count, VFIO_PCI_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	if (!count)
		return -EINVAL;
	if (data_size) {
		data = memdup_user(arg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	mutex_lock(&m->lock);
	if (hdr.index == VFIO_PCI_REQ_IRQ_INDEX) {
		ret = req_trigger(m, &hdr, data);
		goto out;
	}
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
out:
	mutex_unlock(&m->lock);
	kfree(data);
	return ret;
}
