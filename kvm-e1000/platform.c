// SPDX-License-Identifier: GPL-2.0
/*
 * The device core's platform, in the kernel: guest memory through the VM's
 * memslots, the interrupt line, the clock, the moderation timers and the
 * kernel's CRC-32 and Internet checksum.
 */
#include <linux/crc32.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/uaccess.h>
#include <net/checksum.h>

#include "glue.h"

/*
 * Guest memory goes through KVM's memslots only: an address that is not
 * guest RAM fails there and becomes a device error, never a host access.
 * The data path calls these from its serving thread, with the VM's mm
 * adopted and kvm->srcu held, never under e->lock.
 *
 * A copy runs with page faults disabled: guest RAM in use is mapped, and
 * then nothing sleeps.  A page that is not (never touched, swapped out,
 * behind a userfaultfd, in a slow file) is faulted in first, which takes
 * as long as the VMM's memory does: the serving thread says so before it
 * sleeps (a sidecore goes on polling the other devices from another
 * thread, a detach can cut the fault short: worker.c) and holds nothing
 * meanwhile, not even kvm->srcu, whose grace periods the VM's memslot
 * updates and the device's own teardown wait for.  The memslot is looked
 * up again after.
 *
 * Writes go to the memslots' host mapping directly, as vhost does, and
 * each page written is then set in the VM's dirty log (log_dirty()).
 */

/* Faults in a row before a copy may sleep with kvm->srcu held (below). */
#define FAULT_IN_TRIES	3

/* Where @gpa is mapped, or KVM_HVA_ERR_BAD: not RAM (writable RAM). */
static unsigned long guest_hva(struct kvm *kvm, u64 gpa, bool write)
{
	gfn_t gfn = gpa_to_gfn(gpa);
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gfn);

	if (!slot || (slot->flags & KVM_MEMSLOT_INVALID) ||
	    (write && (slot->flags & KVM_MEM_READONLY)))
		return KVM_HVA_ERR_BAD;
	return __gfn_to_hva_memslot(slot, gfn) + offset_in_page(gpa);
}

/*
 * Bytes left uncopied.  The memslot checked its range when it was set, as
 * for kvm_read_guest(); no hardened-usercopy walk of vmalloc'ed buffers.
 */
static unsigned long copy_piece(void __user *p, void *buf, u32 len,
				bool write)
{
	return write ? __copy_to_user(p, buf, len) :
		       __copy_from_user(buf, p, len);
}

/* Without sleeping: fails where the page is not mapped for the access. */
static unsigned long copy_piece_nowait(void __user *p, void *buf, u32 len,
				       bool write)
{
	unsigned long left;

	pagefault_disable();
	left = write ? __copy_to_user_inatomic(p, buf, len) :
		       __copy_from_user_inatomic(buf, p, len);
	pagefault_enable();
	return left;
}

/*
 * Fault in what the copy needs, without reading or writing a byte of it,
 * and without kvm->srcu.  Nonzero: it could not be (not mapped, or the
 * device's detach cut the wait short).
 */
static size_t fault_in(struct kvm_e1000 *e, unsigned long hva, u32 len,
		       bool write)
{
	char __user *p = (char __user *)hva;
	size_t left;

	if (!kvm_e1000_worker_block_begin(e))
		return len;
	srcu_read_unlock(&e->kvm->srcu, e->srcu_idx);
	left = write ? fault_in_safe_writeable(p, len) :
		       fault_in_readable(p, len);
	e->srcu_idx = srcu_read_lock(&e->kvm->srcu);
	kvm_e1000_worker_block_end(e);
	return left;
}

/*
 * A page the device wrote goes into the VM's dirty log, the bitmap a VMM
 * reads (KVM_GET_DIRTY_LOG) to copy RAM again during live migration, as a
 * vCPU's write would.  mark_page_dirty_in_slot() is meant for vCPUs: on
 * x86 it warns without a running one, for the dirty ring, which has a
 * ring per vCPU and no bitmap.  So the bit is set here, after the write:
 * a log read meanwhile sees it next time, never misses it.  A VM logging
 * into a dirty ring gets no record of device writes (Documentation/abi.md).
 * Under kvm->srcu, so the memslot stays.
 */
static void log_dirty(struct kvm *kvm, u64 gpa)
{
	gfn_t gfn = gpa_to_gfn(gpa);
	struct kvm_memory_slot *slot = gfn_to_memslot(kvm, gfn);

	if (slot && kvm_slot_dirty_track_enabled(slot) && slot->dirty_bitmap)
		set_bit_le(gfn - slot->base_gfn, slot->dirty_bitmap);
}

/*
 * @len bytes within one page of guest memory.  A page reclaimed again
 * between the fault and the copy, several times over, is copied sleeping
 * with kvm->srcu held, as kvm_read_guest() would.
 */
static int copy_page_part(struct kvm_e1000 *e, u64 gpa, void *buf, u32 len,
			  bool write)
{
	unsigned long hva;
	int tries;
	int ret;

	for (tries = 0;; tries++) {
		hva = guest_hva(e->kvm, gpa, write);
		if (kvm_is_error_hva(hva))
			return -EFAULT;
		if (!copy_piece_nowait((void __user *)hva, buf, len, write))
			return 0;
		if (tries == FAULT_IN_TRIES)
			break;
		if (fault_in(e, hva, len, write))
			return -EFAULT;
	}
	if (!kvm_e1000_worker_block_begin(e))
		return -EFAULT;
	ret = copy_piece((void __user *)hva, buf, len, write) ? -EFAULT : 0;
	kvm_e1000_worker_block_end(e);
	return ret;
}

/* A range past 2^64 would go on in guest page 0: not the device's. */
static bool gpa_range_wraps(u64 gpa, u32 len)
{
	return len && gpa + len - 1 < gpa;
}

static int guest_copy(struct kvm_e1000 *e, u64 gpa, void *buf, u32 len,
		      bool write)
{
	u32 chunk;

	if (gpa_range_wraps(gpa, len)) {
		e->acc.dma_errors++;
		return E1000_DMA_FAULT;
	}
	for (; len; gpa += chunk, buf += chunk, len -= chunk) {
		chunk = min_t(u32, len, PAGE_SIZE - offset_in_page(gpa));
		if (copy_page_part(e, gpa, buf, chunk, write)) {
			e->acc.dma_errors++;
			return E1000_DMA_FAULT;
		}
		if (write)
			log_dirty(e->kvm, gpa);
	}
	return E1000_DMA_OK;
}

static int plat_dma_read(void *opaque, u64 gpa, void *buf, u32 len)
{
	return guest_copy(opaque, gpa, buf, len, false);
}

/* guest_copy() only reads @buf when it writes to the guest. */
static int plat_dma_write(void *opaque, u64 gpa, const void *buf, u32 len)
{
	return guest_copy(opaque, gpa, (void *)buf, len, true);
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

/*
 * What the tap made of a frame of @len bytes.  A tap out of send buffer
 * pushes back, as a link partner's XOFF would: the frame stays at the
 * head of the ring and TX waits for write space.  Any other refusal
 * (interface down, a frame the host rejects) is a drop.
 */
static int frame_result(struct kvm_e1000 *e, int ret, u32 len)
{
	if (ret == -EAGAIN) {
		e->acc.tx_backpressure++;
		kvm_e1000_tap_block_tx(e);
		return E1000_FRAME_BUSY;
	}
	if (ret < 0) {
		e->acc.tx_dropped++;
	} else {
		e->acc.tx_frames++;
		e->acc.tx_bytes += len;
	}
	return E1000_FRAME_TAKEN;
}

/* Called by the TX engine in the serving thread, without e->lock. */
static int plat_frame_out(void *opaque, const u8 *frame, u32 len,
			  const struct e1000_tx_meta *meta)
{
	struct kvm_e1000 *e = opaque;
	int ret = e->sock ? kvm_e1000_tap_send(e, frame, len, meta) : -ENOLINK;

	return frame_result(e, ret, len);
}

/*
 * The pages under @len bytes of guest memory at @gpa, each with a
 * reference, into e->tx_bvec after the *@n taken so far.  False if one
 * is not RAM, would need a fault to be reached (which may sleep), is not
 * an ordinary page (get_user_page_fast_only() takes none of those), or
 * does not fit; what was taken is in *@n either way.
 */
static bool tx_pages_get(struct kvm_e1000 *e, u64 gpa, u32 len, u32 *n)
{
	struct page *page;
	unsigned long hva;
	u32 chunk;

	if (gpa_range_wraps(gpa, len))
		return false;
	for (; len; gpa += chunk, len -= chunk) {
		chunk = min_t(u32, len, PAGE_SIZE - offset_in_page(gpa));
		if (*n == KVM_E1000_TX_PAGES)
			return false;
		hva = guest_hva(e->kvm, gpa, false);
		if (kvm_is_error_hva(hva) ||
		    !get_user_page_fast_only(hva, 0, &page))
			return false;
		++*n;
		e->tx_bvec[*n].bv_page = page;
		e->tx_bvec[*n].bv_offset = offset_in_page(hva);
		e->tx_bvec[*n].bv_len = chunk;
	}
	return true;
}

/*
 * A GSO frame's payload goes from guest memory straight into the tap's
 * skb, one copy as in vhost-net: its pages are held while tun copies them
 * (it keeps no reference: no zero-copy), then let go.  A guest that
 * rewrites its buffers meanwhile sends what it wrote: the headers the
 * device checked and the host trusts are the device's own copy.  Anything
 * that cannot be reached at once is declined: the core then copies it
 * with dma_read(), which faults pages in and counts what is not RAM.
 */
static int plat_frame_out_sg(void *opaque, const u8 *hdr, u32 hdr_len,
			     const struct e1000_frag *frags, u32 nfrags,
			     const struct e1000_tx_meta *meta)
{
	struct kvm_e1000 *e = opaque;
	u32 i, n = 0, payload = 0;
	int ret = -E2BIG;

	if (!e->sock)
		return E1000_FRAME_DECLINED;
	for (i = 0; i < nfrags; i++) {
		if (!tx_pages_get(e, frags[i].gpa, frags[i].len, &n))
			break;
		payload += frags[i].len;
	}
	if (i == nfrags)
		ret = kvm_e1000_tap_send_pages(e, hdr, hdr_len, n, payload,
					       meta);
	for (; n; n--)
		put_page(e->tx_bvec[n].bv_page);
	if (ret == -E2BIG)
		return E1000_FRAME_DECLINED;
	if (ret >= 0)
		e->acc.tx_inplace++;
	return frame_result(e, ret, hdr_len + payload);
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

/*
 * The FCS of every received frame: the kernel's table-driven CRC (eight
 * bytes a step) costs a fraction of the core's nibble-wise one.
 */
static u32 plat_crc32(u32 crc, const u8 *data, u32 len)
{
	return crc32_le(crc, data, len);
}

/*
 * The ones' complement sum of received frames: the kernel's csum_partial()
 * (on x86, eight bytes an add-with-carry) costs a fraction of the core's
 * four bytes a step.  It sums the words as they lie in memory; folded and
 * read as a big-endian word, that is the core's view of the same sum.
 */
static u32 plat_csum(u32 sum, const u8 *data, u32 len)
{
	u16 mem = (__force u16)~csum_fold(csum_partial(data, len, 0));
	u64 acc = (u64)sum + be16_to_cpu((__force __be16)mem);

	while (acc >> 16)
		acc = (acc & 0xFFFF) + (acc >> 16);
	return (u32)acc;
}

static const struct e1000_platform kernel_platform = {
	.dma_read = plat_dma_read,
	.dma_write = plat_dma_write,
	.set_irq = plat_set_irq,
	.kick = plat_kick,
	.now_ns = plat_now_ns,
	.timer_arm = plat_timer_arm,
	.frame_out = plat_frame_out,
	.frame_out_sg = plat_frame_out_sg,
	.crc32 = plat_crc32,
	.csum = plat_csum,
};

/*
 * TXDW's delay timers stretch to the guest's pace (core/tx.c,
 * tx_delay_txdw()): the packet timer to this at most, the absolute timer
 * to four times it.  0: TIDV and TADV as the guest set them.  Taken when
 * a device is made; above TX_PACE_MAX_US, that.
 */
#define TX_PACE_MAX_US	10000
static unsigned int tx_pace_max_us = 1000;
module_param(tx_pace_max_us, uint, 0644);
MODULE_PARM_DESC(tx_pace_max_us,
		 "Longest TXDW packet timer at the guest's transmit pace, the absolute timer four times it (us, at most 10000; 0: the guest's TIDV/TADV only)");

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

void kvm_e1000_platform_init(struct kvm_e1000 *e, const u8 mac[6],
			     enum e1000_model model)
{
	int i;

	for (i = 0; i < E1000_NTIMERS; i++) {
		hrtimer_init(&e->timers[i].timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL);
		e->timers[i].timer.function = timer_expired;
		e->timers[i].e = e;
		e->timers[i].id = i;
	}
	e1000_core_init(&e->core, &kernel_platform, e, mac, model);
	e->core.tx_pace.max_ns = (u64)min_t(unsigned int,
					    READ_ONCE(tx_pace_max_us),
					    TX_PACE_MAX_US) * NSEC_PER_USEC;
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
