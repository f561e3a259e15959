// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-e1000: an Intel 82540EM (e1000) NIC emulated in the host kernel, next
 * to KVM.  This file is the module and its control node, /dev/kvm-e1000.
 */
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "glue.h"

static long ctl_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kvm_e1000_mdev_bind bind;
	struct kvm_e1000_create args;

	switch (cmd) {
	case KVM_E1000_GET_API_VERSION:
		return KVM_E1000_API_VERSION;
	case KVM_E1000_CREATE:
		if (copy_from_user(&args, (void __user *)arg, sizeof(args)))
			return -EFAULT;
		return kvm_e1000_create(&args);
	case KVM_E1000_MDEV_BIND:
		if (copy_from_user(&bind, (void __user *)arg, sizeof(bind)))
			return -EFAULT;
		return kvm_e1000_mdev_bind(&bind);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations ctl_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = ctl_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/* Root-only by default, like /dev/vhost-net: udev rules may open it up. */
static struct miscdevice ctl_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = KVM_E1000_NAME,
	.fops = &ctl_fops,
	.mode = 0600,
};

static int __init kvm_e1000_init(void)
{
	int ret = kvm_e1000_iobus_init();

	if (ret)
		return ret;
	ret = kvm_e1000_workers_init();
	if (ret)
		return ret;
	ret = kvm_e1000_mdev_init();
	if (ret)
		goto err_workers;
	ret = misc_register(&ctl_dev);
	if (ret)
		goto err_mdev;
	return 0;

err_mdev:
	kvm_e1000_mdev_exit();
err_workers:
	kvm_e1000_workers_exit();
	return ret;
}

/*
 * Every device fd and every open mdev holds a module reference: none is
 * left here.  Mediated devices that exist but are closed go with the parent.
 */
static void __exit kvm_e1000_exit(void)
{
	misc_deregister(&ctl_dev);
	kvm_e1000_mdev_exit();
	kvm_e1000_workers_exit();
}

module_init(kvm_e1000_init);
module_exit(kvm_e1000_exit);

MODULE_DESCRIPTION("In-kernel Intel 82540EM (e1000) device model for KVM");
MODULE_LICENSE("GPL");
