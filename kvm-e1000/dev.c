// SPDX-License-Identifier: GPL-2.0
/*
 * A device's life: KVM_E1000_CREATE validates everything and binds a new
 * device to a VM; the returned file descriptor carries the device's ioctls;
 * closing it tears the device down.  The device holds its own references
 * (VM, tap, eventfds), so userspace may close those in any order.
 */
#include <linux/anon_inodes.h>
#include <linux/cpumask.h>
#include <linux/etherdevice.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kvm_e1000.h"

static bool all_zero(const u8 *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static int check_sidecore(s32 cpu)
{
	if (cpu == KVM_E1000_NO_SIDECORE)
		return 0;
	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	return 0;
}

static int check_args(const struct kvm_e1000_create *args)
{
	if (args->flags & ~KVM_E1000_CREATE_FLAGS_ALL)
		return -EINVAL;
	if (!all_zero(args->reserved, sizeof(args->reserved)))
		return -EINVAL;
	if (is_multicast_ether_addr(args->mac))
		return -EINVAL;
	return check_sidecore(args->sidecore);
}

static struct kvm *get_vm(int fd)
{
	struct file *file = fget(fd);
	struct kvm *kvm;

	if (!file)
		return ERR_PTR(-EBADF);
	if (!file_is_kvm(file)) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	kvm = file->private_data;
	kvm_get_kvm(kvm);
	fput(file);
	return kvm;
}

/*
 * Undo what kvm_e1000_create() set up, on a partly built device too.  The
 * order matters: no vCPU in the handlers, then no thread serving the rings,
 * then no backend wakeups, then no timers, then the interrupt line.
 */
static void destroy(struct kvm_e1000 *e)
{
	kvm_e1000_bar_detach(e);
	kvm_e1000_worker_detach(e);
	kvm_e1000_tap_detach(e);
	kvm_e1000_platform_stop(e);
	kvm_e1000_datapath_release(e);
	kvm_e1000_irq_release(e);
	kvm_put_kvm(e->kvm);
	kvfree(e);
}

static int e1000_dev_release(struct inode *inode, struct file *file)
{
	destroy(file->private_data);
	return 0;
}

static void get_stats(struct kvm_e1000 *e, struct kvm_e1000_stats *st)
{
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	spin_lock_irqsave(&e->lock, flags);
	st->mmio_reads = e->core.cnt.mmio_reads;
	st->mmio_writes = e->core.cnt.mmio_writes;
	st->mmio_unknown = e->core.cnt.mmio_unknown;
	st->mmio_bad_access = e->cnt.mmio_bad_access;
	st->tx_frames = e->stats.tx_frames;
	st->tx_bytes = e->stats.tx_bytes;
	st->rx_frames = e->stats.rx_frames;
	st->rx_bytes = e->stats.rx_bytes;
	st->tx_dropped = e->stats.tx_dropped;
	st->rx_dropped = e->stats.rx_dropped;
	st->irqs = e->cnt.irqs;
	st->dma_errors = e->stats.dma_errors;
	st->desc_errors = e->stats.desc_errors;
	st->resets = e->core.cnt.resets;
	spin_unlock_irqrestore(&e->lock, flags);
}

static long e1000_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kvm_e1000 *e = file->private_data;
	void __user *argp = (void __user *)arg;
	struct kvm_e1000_stats st;
	unsigned long flags;
	u64 gpa;
	s32 cpu;
	int ret;

	switch (cmd) {
	case KVM_E1000_SET_BAR0:
		if (copy_from_user(&gpa, argp, sizeof(gpa)))
			return -EFAULT;
		return kvm_e1000_bar_place(e, gpa);
	case KVM_E1000_GET_STATS:
		get_stats(e, &st);
		return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
	case KVM_E1000_RESET:
		spin_lock_irqsave(&e->lock, flags);
		e1000_core_reset(&e->core);
		spin_unlock_irqrestore(&e->lock, flags);
		return 0;
	case KVM_E1000_SET_SIDECORE:
		if (copy_from_user(&cpu, argp, sizeof(cpu)))
			return -EFAULT;
		ret = check_sidecore(cpu);
		if (!ret)
			ret = kvm_e1000_worker_move(e, cpu);
		return ret;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations e1000_dev_fops = {
	.owner = THIS_MODULE,
	.release = e1000_dev_release,
	.unlocked_ioctl = e1000_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct kvm_e1000 *alloc_device(const struct kvm_e1000_create *args,
				      struct kvm *kvm)
{
	struct kvm_e1000 *e = kvzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	u8 mac[ETH_ALEN];

	if (!e)
		return NULL;
	e->kvm = kvm;
	e->sidecore = KVM_E1000_NO_SIDECORE;
	spin_lock_init(&e->lock);
	if (all_zero(args->mac, ETH_ALEN))
		eth_random_addr(mac);
	else
		ether_addr_copy(mac, args->mac);
	kvm_e1000_platform_init(e, mac);
	kvm_e1000_bar_attach(e);
	return e;
}

/* Everything that can fail, in the order destroy() undoes it. */
static int setup_device(struct kvm_e1000 *e,
			const struct kvm_e1000_create *args)
{
	int ret;

	ret = kvm_e1000_datapath_init(e);
	if (!ret)
		ret = kvm_e1000_irq_init(e, args->irqfd, args->resamplefd);
	if (!ret)
		ret = kvm_e1000_tap_attach(e, args->tap_fd);
	if (!ret)
		ret = kvm_e1000_worker_attach(e, args->sidecore);
	if (!ret)
		ret = kvm_e1000_bar_place(e, args->bar0_gpa);
	return ret;
}

int kvm_e1000_create(const struct kvm_e1000_create *args)
{
	struct kvm_e1000 *e;
	struct kvm *kvm;
	int ret;

	ret = check_args(args);
	if (ret)
		return ret;
	kvm = get_vm(args->vm_fd);
	if (IS_ERR(kvm))
		return PTR_ERR(kvm);
	e = alloc_device(args, kvm);
	if (!e) {
		kvm_put_kvm(kvm);
		return -ENOMEM;
	}
	ret = setup_device(e, args);
	if (!ret)
		ret = anon_inode_getfd(KVM_E1000_NAME, &e1000_dev_fops, e,
				       O_RDWR | O_CLOEXEC);
	if (ret < 0)
		destroy(e);
	return ret;
}
