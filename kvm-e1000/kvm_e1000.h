/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel glue of kvm-e1000: the device object that binds one device core
 * to a VM, its BAR0 on KVM's MMIO bus, its interrupt line and its backend.
 */
#ifndef KVM_E1000_GLUE_H
#define KVM_E1000_GLUE_H

#include <linux/eventfd.h>
#include <linux/hrtimer.h>
#include <linux/kvm_host.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kvm/iodev.h>
#include <uapi/linux/kvm_e1000.h>

#include "core.h"

#define KVM_E1000_NAME	"kvm-e1000"

/* Interrupt line: an irqfd with a resample fd, as VFIO does for INTx. */
struct kvm_e1000_irq {
	struct eventfd_ctx *trigger;	/* NULL: no interrupts */
	struct eventfd_ctx *resample;
	wait_queue_entry_t resample_wait;
	struct work_struct resample_work;
};

struct kvm_e1000;

/* A moderation timer of the core, backed by an hrtimer. */
struct kvm_e1000_timer {
	struct hrtimer timer;
	struct kvm_e1000 *e;
	enum e1000_timer id;
};

/* Counters kept by the glue, next to the core's own. */
struct kvm_e1000_glue_counters {
	u64 mmio_bad_access;
	u64 dma_errors;
	u64 irqs;
};

struct kvm_e1000 {
	struct kvm *kvm;
	struct list_head node;		/* in kvm_e1000_devices */

	/* BAR0 on KVM's MMIO bus; bar0 and on_bus change only off the bus. */
	struct kvm_io_device iodev;
	u64 bar0;
	bool on_bus;

	struct file *tap;		/* NULL: no backend */
	int sidecore;

	/* Serialises every call into the core: vCPUs, timers, ioctls. */
	spinlock_t lock;
	struct e1000_core core;
	bool dead;			/* being torn down: arm no timer */
	unsigned int doorbells;		/* E1000_KICK_* not yet served */
	struct kvm_e1000_timer timers[E1000_NTIMERS];

	struct kvm_e1000_irq irq;
	struct kvm_e1000_glue_counters cnt;
};

/* dev.c */
int kvm_e1000_create(const struct kvm_e1000_create *args);

/* bar.c */
void kvm_e1000_bar_attach(struct kvm_e1000 *e);
int kvm_e1000_bar_place(struct kvm_e1000 *e, u64 gpa);
void kvm_e1000_bar_detach(struct kvm_e1000 *e);

/* platform.c */
void kvm_e1000_platform_init(struct kvm_e1000 *e, const u8 mac[6]);
void kvm_e1000_platform_stop(struct kvm_e1000 *e);

/* iobus.c: KVM's unexported io-bus registration, resolved at load time. */
int kvm_e1000_iobus_init(void);
int kvm_e1000_iobus_register(struct kvm *kvm, gpa_t addr, int len,
			     struct kvm_io_device *dev);
void kvm_e1000_iobus_unregister(struct kvm *kvm, struct kvm_io_device *dev);

/* irq.c */
int kvm_e1000_irq_init(struct kvm_e1000 *e, int irqfd, int resamplefd);
void kvm_e1000_irq_release(struct kvm_e1000 *e);
void kvm_e1000_irq_set(struct kvm_e1000 *e, bool level);

#endif /* KVM_E1000_GLUE_H */
