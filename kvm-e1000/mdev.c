// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO mediated-device route: stock QEMU's vfio-pci (and so libvirt)
 * drives kvm-e1000 without knowing anything about it.
 *
 * The module is an mdev parent with one type per model, "82540EM" and
 * "82545EM"; the type fixes the part the guest sees.  Each mdev is a
 * vfio_device (vfio_dev.c: regions, mmap, ioctls, open and close) whose one
 * interrupt is INTx (vfio_irq.c).  This file is the parent, its type, the
 * bindings and the sysfs files.
 *
 * What QEMU cannot pass, the tap, the sidecore and the MAC, comes before
 * the open through KVM_E1000_MDEV_BIND on /dev/kvm-e1000, and reads back
 * under the mdev's kvm-e1000/ sysfs directory.
 */
#include <linux/etherdevice.h>
#include <linux/file.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/uuid.h>
#include <linux/vfio.h>

#include "mdev.h"

#define E1000_MDEV_MAX		64

static LIST_HEAD(mdevs);
static DEFINE_MUTEX(mdevs_lock);

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
	if (strnlen(a->uuid, sizeof(a->uuid)) != KVM_E1000_UUID_LEN ||
	    memchr_inv(a->uuid + KVM_E1000_UUID_LEN, 0,
		       sizeof(a->uuid) - KVM_E1000_UUID_LEN) ||
	    guid_parse(a->uuid, uuid))
		return -EINVAL;
	return kvm_e1000_check_sidecore(a->sidecore, true);
}

/* Under m->lock, with no VMM on the device: take @tap over. */
static void bind(struct e1000_mdev *m, const struct kvm_e1000_mdev_bind *a,
		 struct file **tap, const char *tap_name, long tap_offload)
{
	swap(m->tap, *tap);
	strscpy(m->tap_name, tap_name, sizeof(m->tap_name));
	m->tap_offload = tap_offload;
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
	char tap_name[IFNAMSIZ] = "";
	struct file *tap;
	long tap_offload;
	guid_t uuid;
	int ret;

	ret = check_bind(a, &uuid);
	if (ret)
		return ret;
	tap = kvm_e1000_tap_fget(a->tap_fd, tap_name, &tap_offload);
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
			bind(m, a, &tap, tap_name, tap_offload);
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

/* The tap's interface name when it was bound (a rename is not followed). */
static ssize_t tap_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct e1000_mdev *m = dev_to_mdev(dev);
	ssize_t n;

	mutex_lock(&m->lock);
	n = sysfs_emit(buf, "%s\n", m->tap_name);
	mutex_unlock(&m->lock);
	return n;
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

	mutex_lock(&m->lock);
	if (m->e)
		kvm_e1000_get_stats(m->e, &st);
	else
		st = m->last;
	mutex_unlock(&m->lock);
	return kvm_e1000_stats_emit(buf, &st);
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

/* A type of the parent: the model its devices are. */
struct e1000_mdev_type {
	struct mdev_type type;
	enum e1000_model model;
};

static enum e1000_model type_model(struct mdev_type *mtype)
{
	return container_of(mtype, struct e1000_mdev_type, type)->model;
}

static int e1000_mdev_probe(struct mdev_device *mdev)
{
	struct e1000_mdev *m;
	int ret;

	m = vfio_alloc_device(e1000_mdev, vdev, &mdev->dev,
			      &e1000_mdev_vfio_ops);
	if (IS_ERR(m))
		return PTR_ERR(m);
	/* Before it is registered: nothing reads it meanwhile. */
	m->model = type_model(mdev->type);
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
	return sysfs_emit(buf, "Intel %s (e1000) emulated in the host kernel\n",
			  e1000_model_desc(type_model(mtype))->name);
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

/*
 * sysfs shows a type as "<parent class>-<sysfs_name>": kvm-e1000-82540EM,
 * kvm-e1000-82545EM.
 */
static struct e1000_mdev_type e1000_types[] = {
	{
		.type = {
			.sysfs_name = "82540EM",
			.pretty_name = "Intel 82540EM Gigabit Ethernet (kvm-e1000)",
		},
		.model = E1000_MODEL_82540EM,
	},
	{
		.type = {
			.sysfs_name = "82545EM",
			.pretty_name = "Intel 82545EM Gigabit Ethernet (kvm-e1000)",
		},
		.model = E1000_MODEL_82545EM,
	},
};

static struct mdev_type *mdev_types[] = {
	&e1000_types[0].type,
	&e1000_types[1].type,
};

static struct class parent_class = { .name = KVM_E1000_NAME };
static struct device *parent_dev;
static struct mdev_parent parent;

int kvm_e1000_mdev_init(void)
{
	int ret;

	ret = e1000_mdev_put_wq_init();
	if (ret)
		return ret;
	ret = e1000_db_fs_init();
	if (ret)
		goto err_wq;
	ret = mdev_register_driver(&e1000_mdev_driver);
	if (ret)
		goto err_fs;
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
err_fs:
	e1000_db_fs_exit();
err_wq:
	e1000_mdev_put_wq_exit();
	return ret;
}

/* Removes every mdev; none is open (an open one pins the module). */
void kvm_e1000_mdev_exit(void)
{
	mdev_unregister_parent(&parent);
	device_unregister(parent_dev);
	class_unregister(&parent_class);
	mdev_unregister_driver(&e1000_mdev_driver);
	e1000_db_fs_exit();
	e1000_mdev_put_wq_exit();
}
