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

#include "glue.h"

static bool all_zero(const u8 *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* A sidecore CPU that exists and is online (or none). */
static int sidecore_valid(s32 cpu)
{
	if (cpu == KVM_E1000_NO_SIDECORE)
		return 0;
	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_online(cpu))
		return -EINVAL;
	return 0;
}

/*
 * A sidecore takes a whole CPU: the caller who names one (CREATE,
 * SET_SIDECORE, MDEV_BIND) may name only a CPU it may run on itself (its
 * affinity and cpuset), so a VMM confined to some CPUs cannot claim
 * another tenant's.  @caller false: the device is being built from a
 * binding checked then (a VFIO open, by a VMM that may well be pinned
 * away from the reserved CPU), so only that it is still online.
 */
int kvm_e1000_check_sidecore(s32 cpu, bool caller)
{
	int ret = sidecore_valid(cpu);

	if (ret || !caller || cpu == KVM_E1000_NO_SIDECORE)
		return ret;
	if (!cpumask_test_cpu(cpu, current->cpus_ptr))
		return -EPERM;
	return 0;
}

/* The core's model for an ABI model number, or -EINVAL. */
int kvm_e1000_model(u32 abi_model, enum e1000_model *model)
{
	switch (abi_model) {
	case KVM_E1000_MODEL_82540EM:
		*model = E1000_MODEL_82540EM;
		return 0;
	case KVM_E1000_MODEL_82545EM:
		*model = E1000_MODEL_82545EM;
		return 0;
	default:
		return -EINVAL;
	}
}

static int check_args(const struct kvm_e1000_create *args)
{
	enum e1000_model model;

	if (args->flags & ~KVM_E1000_CREATE_FLAGS_ALL)
		return -EINVAL;
	if (kvm_e1000_model(args->model, &model))
		return -EINVAL;
	if (!all_zero(args->reserved, sizeof(args->reserved)))
		return -EINVAL;
	if (is_multicast_ether_addr(args->mac))
		return -EINVAL;
	return kvm_e1000_check_sidecore(args->sidecore, true);
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
	/* A VM fd leaked to another process attaches nothing to that VM. */
	if (kvm->mm != current->mm) {
		fput(file);
		return ERR_PTR(-EPERM);
	}
	kvm_get_kvm(kvm);
	fput(file);
	return kvm;
}

/*
 * Undo what kvm_e1000_build() set up, on a partly built device too.  The
 * order matters: no vCPU in the handlers, then no thread serving the rings,
 * then no backend wakeups, then no timers, then the interrupt line.
 */
void kvm_e1000_destroy(struct kvm_e1000 *e)
{
	kvm_e1000_bar_detach(e);
	kvm_e1000_vm_leave(e);
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
	kvm_e1000_tap_offload_give(file->private_data);
	kvm_e1000_destroy(file->private_data);
	return 0;
}

static long e1000_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kvm_e1000 *e = file->private_data;
	void __user *argp = (void __user *)arg;
	struct kvm_e1000_stats st;
	u64 gpa;
	s32 cpu;
	u32 on;
	int ret;

	switch (cmd) {
	case KVM_E1000_SET_BAR0:
		if (copy_from_user(&gpa, argp, sizeof(gpa)))
			return -EFAULT;
		return kvm_e1000_bar_place(e, gpa);
	case KVM_E1000_GET_STATS:
		kvm_e1000_get_stats(e, &st);
		return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
	case KVM_E1000_RESET:
		kvm_e1000_reset(e);
		return 0;
	case KVM_E1000_SET_BUS_MASTER:
		if (copy_from_user(&on, argp, sizeof(on)))
			return -EFAULT;
		if (on > 1)
			return -EINVAL;
		kvm_e1000_set_bus_master(e, on);
		return 0;
	case KVM_E1000_SET_SIDECORE:
		if (copy_from_user(&cpu, argp, sizeof(cpu)))
			return -EFAULT;
		ret = kvm_e1000_check_sidecore(cpu, true);
		if (!ret)
			ret = kvm_e1000_worker_move(e, cpu);
		return ret;
	case KVM_E1000_GET_STATE:
		return kvm_e1000_get_state(e, argp);
	case KVM_E1000_SET_STATE:
		return kvm_e1000_set_state(e, argp);
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

/* Function-level reset of the device model (CTRL.RST's effect and more). */
void kvm_e1000_reset(struct kvm_e1000 *e)
{
	unsigned long flags;

	flags = kvm_e1000_lock(e);
	e1000_core_reset(&e->core);
	kvm_e1000_unlock(e, flags);
	/* Nothing of the data path's writes to the guest comes after it. */
	kvm_e1000_dma_fence(e);
}

/* The guest's Bus Master Enable and power state, from PCI config space. */
void kvm_e1000_set_bus_master(struct kvm_e1000 *e, bool on)
{
	unsigned long flags = kvm_e1000_lock(e);
	u32 gen = e->core.revoke_gen;
	bool revoked;

	e1000_core_set_bus_master(&e->core, on);
	revoked = e->core.revoke_gen != gen;
	kvm_e1000_unlock(e, flags);
	/* Off: no DMA once the config write that turned it off returns. */
	if (revoked)
		kvm_e1000_dma_fence(e);
}

/* Drop the references of @p that no device took over. */
static void put_params(struct kvm_e1000_params *p)
{
	if (p->tap)
		fput(p->tap);
	if (p->trigger)
		fput(p->trigger);
	if (p->resample)
		fput(p->resample);
	kvm_put_kvm(p->kvm);
}

static struct kvm_e1000 *alloc_device(const struct kvm_e1000_params *p)
{
	struct kvm_e1000 *e = kvzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	u8 mac[ETH_ALEN];

	if (!e)
		return NULL;
	e->kvm = p->kvm;
	e->sidecore = KVM_E1000_NO_SIDECORE;
	spin_lock_init(&e->lock);
	if (all_zero(p->mac, ETH_ALEN))
		eth_random_addr(mac);
	else
		ether_addr_copy(mac, p->mac);
	kvm_e1000_platform_init(e, mac, p->model);
	kvm_e1000_irq_init(e);
	kvm_e1000_bar_attach(e);
	return e;
}

/*
 * The one way a device comes to life, for KVM_E1000_CREATE and for a VFIO
 * mediated device being opened alike: @p's references (VM, tap, eventfds)
 * pass to the device, or are dropped on failure.  Everything that can fail
 * comes in the order kvm_e1000_destroy() undoes it.
 */
struct kvm_e1000 *kvm_e1000_build(struct kvm_e1000_params *p)
{
	struct kvm_e1000 *e = alloc_device(p);
	int ret;

	if (!e) {
		put_params(p);
		return ERR_PTR(-ENOMEM);
	}
	kvm_e1000_irq_set_trigger(e, p->trigger);
	kvm_e1000_irq_set_resample(e, p->resample);
	kvm_e1000_tap_attach(e, p->tap);
	/* First: kvm_e1000_datapath_release() undoes a failed one too. */
	ret = kvm_e1000_datapath_init(e);
	if (!ret && p->doorbell_pages)
		ret = kvm_e1000_db_init(e, p->sidecore != KVM_E1000_NO_SIDECORE);
	if (!ret)
		ret = kvm_e1000_vm_join(e);
	if (!ret)
		ret = kvm_e1000_worker_attach(e, p->sidecore);
	if (!ret)
		ret = kvm_e1000_bar_place(e, p->bar0);
	if (ret) {
		kvm_e1000_destroy(e);
		return ERR_PTR(ret);
	}
	return e;
}

/* Resolve KVM_E1000_CREATE's file descriptors, in the documented order. */
static int get_params(const struct kvm_e1000_create *args,
		      struct kvm_e1000_params *p)
{
	struct file *f;

	memset(p, 0, sizeof(*p));
	p->kvm = get_vm(args->vm_fd);
	if (IS_ERR(p->kvm))
		return PTR_ERR(p->kvm);
	f = ERR_PTR(-EINVAL);
	/* Both interrupt eventfds, or neither. */
	if (args->irqfd == KVM_E1000_NO_FD ? args->resamplefd != KVM_E1000_NO_FD :
	    args->resamplefd == KVM_E1000_NO_FD)
		goto fail;
	if (args->irqfd != KVM_E1000_NO_FD) {
		f = kvm_e1000_eventfd_fget(args->irqfd);
		if (IS_ERR(f))
			goto fail;
		p->trigger = f;
		f = kvm_e1000_eventfd_fget(args->resamplefd);
		if (IS_ERR(f))
			goto fail;
		p->resample = f;
		/* One eventfd for both would re-raise itself for ever. */
		f = ERR_PTR(-EINVAL);
		if (p->trigger == p->resample)
			goto fail;
	}
	f = kvm_e1000_tap_fget(args->tap_fd, NULL, &p->tap_offload);
	if (IS_ERR(f))
		goto fail;
	p->tap = f;
	p->bar0 = args->bar0_gpa;
	p->sidecore = args->sidecore;
	ether_addr_copy(p->mac, args->mac);
	/* check_args() accepted it. */
	kvm_e1000_model(args->model, &p->model);
	return 0;
fail:
	put_params(p);
	return PTR_ERR(f);
}

int kvm_e1000_create(const struct kvm_e1000_create *args)
{
	struct kvm_e1000_params p;
	struct kvm_e1000 *e;
	int ret;

	ret = check_args(args);
	if (!ret)
		ret = get_params(args, &p);
	if (ret)
		return ret;
	e = kvm_e1000_build(&p);
	if (IS_ERR(e))
		return PTR_ERR(e);
	/* Before the fd exists: its release gives the offloads back. */
	kvm_e1000_tap_offload_take(e, p.tap_offload);
	ret = anon_inode_getfd(KVM_E1000_NAME, &e1000_dev_fops, e,
			       O_RDWR | O_CLOEXEC);
	if (ret < 0) {
		kvm_e1000_tap_offload_give(e);
		kvm_e1000_destroy(e);
	}
	return ret;
}
