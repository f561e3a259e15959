// SPDX-License-Identifier: GPL-2.0
/*
 * The INTx line, over a KVM irqfd registered with KVM_IRQFD_FLAG_RESAMPLE.
 *
 * Signalling the trigger eventfd asserts the guest's GSI.  KVM deasserts it
 * when the guest acknowledges the interrupt (EOI) and signals the resample
 * eventfd; if ICR & IMS is still non-zero we assert it again.  That gives
 * level semantics without an unexported kvm_set_irq(), exactly as VFIO does
 * for INTx of assigned devices.  Through VFIO (vfio_irq.c) the same two
 * eventfds are the INTx trigger and unmask eventfds of VFIO_DEVICE_SET_IRQS,
 * and the line can also be held low: by VFIO's INTx mask, as vfio-pci's
 * can, by the guest's PCI COMMAND.Interrupt Disable, and while migration
 * has the device stopped.  intx.h combines the core's line with those
 * holds; every signal below goes through it.
 */
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/version.h>

#include "glue.h"

/* vfs_poll() hands us only the poll_table: carry the device beside it. */
struct kvm_e1000_poll {
	poll_table pt;
	struct kvm_e1000 *e;
};

static void trigger(struct kvm_e1000 *e)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
	eventfd_signal(e->irq.trigger);
#else
	eventfd_signal(e->irq.trigger, 1);
#endif
}

/* Under e->lock: assert the guest's GSI (if anyone listens). */
static void signal_line(struct kvm_e1000 *e)
{
	if (!e->irq.trigger)
		return;
	e->cnt.irqs++;
	trigger(e);
}

/* Under e->lock: is the output up now? */
static bool output_up(struct kvm_e1000 *e)
{
	return e1000_intx_out(&e->irq.intx, e1000_core_irq_line(&e->core));
}

/* Called by the core, under e->lock, when ICR & IMS changes between 0 and !0. */
void kvm_e1000_irq_set(struct kvm_e1000 *e, bool level)
{
	if (e1000_intx_out(&e->irq.intx, level))
		signal_line(e);
}

/*
 * After the guest's EOI: signal the output again if it is still up.  A
 * held output stays quiet, so a cause the guest leaves pending behind
 * Interrupt Disable (or a VFIO mask) costs one EOI, not a storm.
 */
static void reassert(struct kvm_e1000 *e)
{
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	if (output_up(e))
		signal_line(e);
	spin_unlock_irqrestore(&e->lock, flags);
}

/* The device's line as the core drives it, for PCI STATUS.Interrupt Status. */
bool kvm_e1000_irq_line(struct kvm_e1000 *e)
{
	unsigned long flags;
	bool line;

	spin_lock_irqsave(&e->lock, flags);
	line = e1000_core_irq_line(&e->core);
	spin_unlock_irqrestore(&e->lock, flags);
	return line;
}

/*
 * The resample eventfd was signalled from KVM's EOI path, which is itself
 * inside eventfd_signal(): signalling another eventfd from here would trip
 * eventfd's recursion check, so the re-raise runs from a work item.
 */
static void resample_work(struct work_struct *work)
{
	reassert(container_of(work, struct kvm_e1000, irq.resample_work));
}

static int resample_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			   int sync, void *key)
{
	struct kvm_e1000 *e = container_of(wait, struct kvm_e1000,
					   irq.resample_wait);
	__poll_t events = key_to_poll(key);
	u64 cnt;

	if (events & EPOLLIN) {
		eventfd_ctx_do_read(e->irq.resample, &cnt);
		schedule_work(&e->irq.resample_work);
	}
	/* EPOLLHUP: userspace closed it; our context reference keeps it valid. */
	return 0;
}

static void resample_queue(struct file *file, wait_queue_head_t *wqh,
			   poll_table *pt)
{
	struct kvm_e1000 *e = container_of(pt, struct kvm_e1000_poll, pt)->e;

	add_wait_queue(wqh, &e->irq.resample_wait);
}

/* A reference on the eventfd behind @fd; -EBADF, or -EINVAL if not one. */
struct file *kvm_e1000_eventfd_fget(int fd)
{
	struct file *file = fget(fd);
	struct eventfd_ctx *ctx;

	if (!file)
		return ERR_PTR(-EBADF);
	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx)) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	eventfd_ctx_put(ctx);
	return file;
}

void kvm_e1000_irq_init(struct kvm_e1000 *e)
{
	INIT_WORK(&e->irq.resample_work, resample_work);
	init_waitqueue_func_entry(&e->irq.resample_wait, resample_wakeup);
}

/*
 * Replace the trigger eventfd with the one of @file (a reference taken
 * over; NULL: no interrupts).  A line already up is signalled at once, or
 * the guest would never see it rise.
 */
void kvm_e1000_irq_set_trigger(struct kvm_e1000 *e, struct file *file)
{
	struct eventfd_ctx *ctx = file ? eventfd_ctx_fileget(file) : NULL;
	struct eventfd_ctx *old;
	unsigned long flags;

	if (file)
		fput(file);
	spin_lock_irqsave(&e->lock, flags);
	old = e->irq.trigger;
	e->irq.trigger = ctx;
	if (ctx && e1000_core_irq_line(&e->core))
		kvm_e1000_irq_set(e, true);
	spin_unlock_irqrestore(&e->lock, flags);
	if (old)
		eventfd_ctx_put(old);
}

/* Is @file the trigger's eventfd?  As resample it would re-raise itself. */
bool kvm_e1000_irq_is_trigger(struct kvm_e1000 *e, struct file *file)
{
	struct eventfd_ctx *ctx = eventfd_ctx_fileget(file);
	bool same = ctx == READ_ONCE(e->irq.trigger);

	eventfd_ctx_put(ctx);
	return same;
}

/* Replace the resample (VFIO: unmask) eventfd, as the trigger above. */
void kvm_e1000_irq_set_resample(struct kvm_e1000 *e, struct file *file)
{
	struct kvm_e1000_poll poll = { .e = e };
	__poll_t events;
	u64 cnt;

	if (e->irq.resample) {
		/* No new wakeups once off the wait queue; drain the last one. */
		eventfd_ctx_remove_wait_queue(e->irq.resample,
					      &e->irq.resample_wait, &cnt);
		cancel_work_sync(&e->irq.resample_work);
		eventfd_ctx_put(e->irq.resample);
		e->irq.resample = NULL;
	}
	if (!file)
		return;
	e->irq.resample = eventfd_ctx_fileget(file);
	init_poll_funcptr(&poll.pt, resample_queue);
	events = vfs_poll(file, &poll.pt);
	fput(file);
	if (events & EPOLLIN)
		schedule_work(&e->irq.resample_work);
}

/*
 * VFIO's MASK/UNMASK of INTx.  An unmask is also VFIO's resample (QEMU's
 * userspace INTx path lowers its line at the EOI and unmasks), so an
 * output still up is signalled again, as vfio-pci does.
 */
void kvm_e1000_irq_mask(struct kvm_e1000 *e, bool masked)
{
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	e1000_intx_hold(&e->irq.intx, E1000_INTX_HOLD_VFIO, masked,
			e1000_core_irq_line(&e->core));
	if (!masked && output_up(e))
		signal_line(e);
	spin_unlock_irqrestore(&e->lock, flags);
}

/* Turn @hold on or off; a pending cause that lets through is signalled. */
static void set_hold(struct kvm_e1000 *e, unsigned int hold, bool on)
{
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	if (e1000_intx_hold(&e->irq.intx, hold, on,
			    e1000_core_irq_line(&e->core)))
		signal_line(e);
	spin_unlock_irqrestore(&e->lock, flags);
}

/*
 * PCI COMMAND.Interrupt Disable, after every configuration write.  Only a
 * change that lets a pending cause through signals: rewriting COMMAND
 * with the bit clear must not raise a spurious interrupt.
 */
void kvm_e1000_irq_disable(struct kvm_e1000 *e, bool disabled)
{
	set_hold(e, E1000_INTX_HOLD_DISABLE, disabled);
}

/*
 * Migration's STOP: nothing the guest can see may change, so the output is
 * held low while the device is stopped, and a cause that came up meanwhile
 * (a moderation timer, a register the VMM wrote, a loaded state) is
 * signalled when it runs again.
 */
void kvm_e1000_irq_stop(struct kvm_e1000 *e, bool stopped)
{
	set_hold(e, E1000_INTX_HOLD_STOP, stopped);
}

/* VFIO's loopback trigger (DATA_BOOL): signal the trigger once. */
void kvm_e1000_irq_fire(struct kvm_e1000 *e)
{
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	if (e->irq.trigger)
		trigger(e);
	spin_unlock_irqrestore(&e->lock, flags);
}

void kvm_e1000_irq_release(struct kvm_e1000 *e)
{
	kvm_e1000_irq_set_resample(e, NULL);
	kvm_e1000_irq_set_trigger(e, NULL);
}
