/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VFIO mediated-device route shares between its files: mdev.c
 * (the parent, the bindings, sysfs), vfio_dev.c (the VFIO device),
 * vfio_irq.c (INTx) and vfio_mmap.c (the doorbell pages' mappings).
 */
#ifndef KVM_E1000_MDEV_H
#define KVM_E1000_MDEV_H

#include <linux/etherdevice.h>
#include <linux/mutex.h>
#include <linux/vfio.h>

#include "glue.h"

/* One mediated device: its binding and, while a VMM has it open, the model. */
struct e1000_mdev {
	struct vfio_device vdev;
	struct list_head node;		/* in mdev.c's mdevs, under mdevs_lock */

	/* Serialises opens, closes, bindings and every region access. */
	struct mutex lock;
	enum e1000_model model;		/* its mdev type's, for good */
	struct e1000_pci pci;
	struct kvm_e1000 *e;		/* the model, while a VMM has it open */
	u64 mem_at, io_at;		/* where the windows were asked to be */
	bool intx;			/* INTx enabled through SET_IRQS */
	/* VFIO_PCI_REQ_IRQ_INDEX: how we ask the VMM to let go (removal). */
	struct eventfd_ctx *req;
	struct kvm_e1000_stats last;	/* counters of the last session */
	/* Where a VMM's mmaps of the doorbell pages live (vfio_mmap.c). */
	struct inode *db_inode;
	/* VFIO migration (vfio_mig.c): the state and its data file. */
	enum vfio_device_mig_state mig_state;
	struct e1000_mig_file *saving, *resuming;

	/* The binding (KVM_E1000_MDEV_BIND). */
	struct file *tap;
	char tap_name[IFNAMSIZ];	/* the tap's interface, at bind time */
	long tap_offload;		/* and its TUN_F_* offloads, or -1 */
	s32 sidecore;
	bool doorbell_pages;
	u8 mac[ETH_ALEN];
};

/* vfio_dev.c */
extern const struct vfio_device_ops e1000_mdev_vfio_ops;
int e1000_mdev_put_wq_init(void);
void e1000_mdev_put_wq_exit(void);
void e1000_mdev_config_apply(struct e1000_mdev *m);

/* vfio_mmap.c: the doorbell pages' mappings, bound to one open each. */
int e1000_db_fs_init(void);
void e1000_db_fs_exit(void);
struct inode *e1000_db_inode_new(void);
void e1000_db_inode_put(struct inode *inode);
void e1000_db_inode_set(struct inode *inode, struct kvm_e1000 *e);
int e1000_db_inode_mmap(struct inode *inode, struct vm_area_struct *vma);

/* vfio_mig.c: VFIO migration, protocol v2. */
void e1000_mdev_mig_init(struct e1000_mdev *m);
void e1000_mdev_mig_reset(struct e1000_mdev *m, bool resume);

/* vfio_irq.c: VFIO_DEVICE_GET_IRQ_INFO and VFIO_DEVICE_SET_IRQS. */
long e1000_mdev_get_irq_info(void __user *arg);
long e1000_mdev_set_irqs(struct e1000_mdev *m, void __user *arg);
void e1000_mdev_req_release(struct e1000_mdev *m);
void e1000_mdev_request(struct e1000_mdev *m, unsigned int count);

#endif /* KVM_E1000_MDEV_H */
