// SPDX-License-Identifier: GPL-2.0
/*
 * The INTx line, over a KVM irqfd registered with KVM_IRQFD_FLAG_RESAMPLE.
 *
 * Signalling the trigger eventfd asserts the guest's GSI.  KVM deasserts it
 * when the guest acknowledges the interrupt (EOI) and signals the resample
 * eventfd; if ICR & IMS is still non-zero we assert it again.  That gives
 * level semantics without an unexported kvm_set_irq(), exactly as VFIO does
 * for INTx of assigned devices.
 */
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/version.h>

#include "kvm_e1000.h"

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

/* Called by the core, under e->lock, when ICR & IMS changes between 0 and !0. */
void kvm_e1000_irq_set(struct kvm_e1000 *e, bool level)
{
	if (!level || !e->irq.trigger)
		return;
	e->cnt.irqs++;
	trigger(e);
}

/*
 * The resample eventfd was signalled from KVM's EOI path, which is itself
 * inside eventfd_signal(): signalling another eventfd from here would trip
 * eventfd's recursion check, so the re-raise runs from a work item.
 */
static void resample_work(struct work_struct *work)
{
	struct kvm_e1000 *e = container_of(work, struct kvm_e1000,
					   irq.resample_work);
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	if (e1000_core_irq_line(&e->core))
		kvm_e1000_irq_set(e, true);
	spin_unlock_irqrestore(&e->lock, flags);
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

static struct eventfd_ctx *get_eventfd(int fd, struct file **filep)
{
	struct eventfd_ctx *ctx;
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);
	ctx = eventfd_ctx_fileget(file);
	if (IS_ERR(ctx)) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	*filep = file;
	return ctx;
}

int kvm_e1000_irq_init(struct kvm_e1000 *e, int irqfd, int resamplefd)
{
	struct kvm_e1000_poll poll = { .e = e };
	struct file *tfile, *rfile;
	__poll_t events;

	INIT_WORK(&e->irq.resample_work, resample_work);
	if (irqfd == KVM_E1000_NO_FD && resamplefd == KVM_E1000_NO_FD)
		return 0;
	if (irqfd == KVM_E1000_NO_FD || resamplefd == KVM_E1000_NO_FD)
		return -EINVAL;

	e->irq.trigger = get_eventfd(irqfd, &tfile);
	if (IS_ERR(e->irq.trigger)) {
		int ret = PTR_ERR(e->irq.trigger);

		e->irq.trigger = NULL;
		return ret;
	}
	fput(tfile);

	e->irq.resample = get_eventfd(resamplefd, &rfile);
	if (IS_ERR(e->irq.resample)) {
		int ret = PTR_ERR(e->irq.resample);

		e->irq.resample = NULL;
		eventfd_ctx_put(e->irq.trigger);
		e->irq.trigger = NULL;
		return ret;
	}

	init_waitqueue_func_entry(&e->irq.resample_wait, resample_wakeup);
	init_poll_funcptr(&poll.pt, resample_queue);
	events = vfs_poll(rfile, &poll.pt);
	fput(rfile);
	if (events & EPOLLIN)
		schedule_work(&e->irq.resample_work);
	return 0;
}

void kvm_e1000_irq_release(struct kvm_e1000 *e)
{
	u64 cnt;

	if (!e->irq.trigger)
		return;
	/* No new wakeups once off the wait queue; then drain the last one. */
	eventfd_ctx_remove_wait_queue(e->irq.resample, &e->irq.resample_wait,
				      &cnt);
	cancel_work_sync(&e->irq.resample_work);
	eventfd_ctx_put(e->irq.resample);
	eventfd_ctx_put(e->irq.trigger);
	e->irq.resample = NULL;
	e->irq.trigger = NULL;
}
