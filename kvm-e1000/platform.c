// SPDX-License-Identifier: GPL-2.0
/*
 * The device core's platform, in the kernel: guest memory through the VM's
 * memslots, the interrupt line, the clock and the moderation timers.
 */
#include <linux/ktime.h>
#include <linux/uaccess.h>

#include "glue.h"

/*
 * Guest memory goes through KVM's memslots only: an address that is not
 * guest RAM fails there and becomes a device error, never a host access.
 * These may fault pages in and sleep, so the data path calls them from its
 * worker, with the VM's mm adopted and kvm->srcu held, never under e->lock.
 */
static int plat_dma_read(void *opaque, u64 gpa, void *buf, u32 len)
{
	struct kvm_e1000 *e = opaque;

	if (kvm_read_guest(e->kvm, gpa, buf, len)) {
		e->acc.dma_errors++;
		return E1000_DMA_FAULT;
	}
	return E1000_DMA_OK;
}

/*
 * Writes go to the memslots' host mapping directly, as vhost does:
 * kvm_write_guest() would mark the page dirty for a running vCPU, and the
 * worker is none (x86 KVM warns).  Dirty logging for live migration is
 * therefore not covered yet.
 */
static int plat_dma_write(void *opaque, u64 gpa, const void *buf, u32 len)
{
	struct kvm_e1000 *e = opaque;
	unsigned long hva;
	u32 chunk;

	for (; len; gpa += chunk, buf += chunk, len -= chunk) {
		chunk = min_t(u32, len, PAGE_SIZE - offset_in_page(gpa));
		hva = gfn_to_hva(e->kvm, gpa_to_gfn(gpa));
		if (kvm_is_error_hva(hva) ||
		    copy_to_user((void __user *)(hva + offset_in_page(gpa)),
				 buf, chunk)) {
			e->acc.dma_errors++;
			return E1000_DMA_FAULT;
		}
	}
	return E1000_DMA_OK;
}

static void plat_set_irq(void *opaque, bool level)
{
	kvm_e1000_irq_set(opaque, level);
}

/* A doorbell from a register write: wake whoever serves the rings. */
static void plat_kick(void *opaque, unsigned int events)
{
	kvm_e1000_worker_kick(opaque);
}

/* Called by the TX engine in the serving thread, without e->lock. */
static int plat_frame_out(void *opaque, const u8 *frame, u32 len,
			  const struct e1000_tx_meta *meta)
{
	struct kvm_e1000 *e = opaque;

	if (!e->sock || kvm_e1000_tap_send(e, frame, len, meta) < 0) {
		e->acc.tx_dropped++;
	} else {
		e->acc.tx_frames++;
		e->acc.tx_bytes += len;
	}
	return E1000_FRAME_TAKEN;
}

static u64 plat_now_ns(void *opaque)
{
	return ktime_get_ns();
}

/* Called under e->lock: only try to cancel, a running expiry is harmless. */
static void plat_timer_arm(void *opaque, enum e1000_timer timer, u64 ns)
{
	struct kvm_e1000 *e = opaque;
	struct hrtimer *t;

	if (timer >= E1000_NTIMERS)
		return;
	t = &e->timers[timer].timer;
	if (!ns)
		hrtimer_try_to_cancel(t);
	else if (!e->dead)
		hrtimer_start(t, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

static const struct e1000_platform kernel_platform = {
	.dma_read = plat_dma_read,
	.dma_write = plat_dma_write,
	.set_irq = plat_set_irq,
	.kick = plat_kick,
	.now_ns = plat_now_ns,
	.timer_arm = plat_timer_arm,
	.frame_out = plat_frame_out,
};

static enum hrtimer_restart timer_expired(struct hrtimer *t)
{
	struct kvm_e1000_timer *kt = container_of(t, struct kvm_e1000_timer,
						  timer);
	struct kvm_e1000 *e = kt->e;
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	if (!e->dead)
		e1000_core_timer_expired(&e->core, kt->id);
	spin_unlock_irqrestore(&e->lock, flags);
	return HRTIMER_NORESTART;
}

void kvm_e1000_platform_init(struct kvm_e1000 *e, const u8 mac[6])
{
	int i;

	for (i = 0; i < E1000_NTIMERS; i++) {
		hrtimer_init(&e->timers[i].timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL);
		e->timers[i].timer.function = timer_expired;
		e->timers[i].e = e;
		e->timers[i].id = i;
	}
	e1000_core_init(&e->core, &kernel_platform, e, mac);
}

/* After this no timer runs or is armed again. */
void kvm_e1000_platform_stop(struct kvm_e1000 *e)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&e->lock, flags);
	e->dead = true;
	spin_unlock_irqrestore(&e->lock, flags);
	for (i = 0; i < E1000_NTIMERS; i++)
		hrtimer_cancel(&e->timers[i].timer);
}
