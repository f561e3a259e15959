// SPDX-License-Identifier: GPL-2.0
/*
 * Serving one device's rings, from its worker or its sidecore: guest TX
 * descriptors to the tap, tap frames into guest RX buffers, and TX frames
 * turned around into RX while the driver's self-test has loopback on.
 *
 * The descriptor engines are the core's (tx.c, rx.c); this file supplies
 * the thread context they need: the VM's mm and memslots for guest memory,
 * the device lock around their begin/end steps, and the policy for a guest
 * that gives no receive buffers.
 */
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/clock.h>
#include <linux/sched/mm.h>
#include <linux/skbuff.h>

#include "glue.h"

/*
 * Work per device per round: bounds latency for the others (fairness).
 * A TX pass also stops after TX_BYTE_BUDGET bytes of guest buffers: 256
 * descriptors of 64 KiB each would otherwise make one guest's pass 16 MiB
 * of copies while its neighbours on a sidecore wait (vhost-net bounds its
 * runs by bytes as well as packets).  A received frame is at most
 * KVM_E1000_RX_FRAME_MAX: RX_BUDGET frames bound that side.
 */
#define TX_BUDGET	256		/* descriptors */
#define TX_BYTE_BUDGET	(512 * 1024)	/* bytes read from guest buffers */
#define RX_BUDGET	KVM_E1000_RXQ_BATCH	/* frames: a batch off the tap */
/*
 * On a sidecore a pass also ends after PASS_NS, whatever it has left: one
 * device's pass is every other device's wait there, and what a frame
 * costs is the host's business, not the guest's (on a debug kernel 256
 * small frames took 96 ms).  TX checks the clock every TX_CHUNK
 * descriptors, RX after every frame.  The bound is for slow hosts: a
 * stock kernel's whole pass takes less, even under nested TCG (256 small
 * frames in about 3 ms), so its passes stay whole, and with them what it
 * costs to switch between two VMs' mms.  A device's own worker keeps its
 * passes whole: nobody waits for them.
 */
#define PASS_NS		(4 * NSEC_PER_MSEC)
#define TX_CHUNK	4		/* descriptors */

/*
 * The 82540EM buffers received frames in its packet buffer (PBA.RXA KB,
 * 48 from reset) while it has no descriptors, and drops them only when
 * the buffer overflows (MPC, ICR.RXO): however slowly a driver hands
 * buffers back (U-Boot's, one at a time), a burst that fits is not lost.
 * So the frame in hand waits for guest buffers with the frames behind it
 * taken off the tap while they fit PBA.RXA (rx_hold()), for as long as
 * that takes.  Once more is queued than fits, or the frame in hand needs
 * more buffers than the whole ring has, the device starts dropping after
 * rx_stall_us, as an 82540EM does once its packet buffer filled at line
 * rate; frames the tap queues meanwhile are what would have overflowed it.
 */
static unsigned int rx_stall_us = 1000;
module_param(rx_stall_us, uint, 0644);
MODULE_PARM_DESC(rx_stall_us, "How long a received frame waits for guest RX buffers before the device drops (us)");

/* See kvm_e1000_db_wants_ring(). */
static unsigned int rx_db_grace_us = 100;
module_param(rx_db_grace_us, uint, 0644);
MODULE_PARM_DESC(rx_db_grace_us, "How long a worker's received frame waits for guest RX buffers before the RX doorbell page faults on the next refill (us)");

/* Fold a pass's worker-private counters into the device's, under e->lock. */
static void fold_counters(struct kvm_e1000 *e)
{
	e->stats.tx_frames += e->acc.tx_frames;
	e->stats.tx_bytes += e->acc.tx_bytes;
	e->stats.tx_dropped += e->acc.tx_dropped;
	e->stats.rx_frames += e->acc.rx_frames;
	e->stats.rx_bytes += e->acc.rx_bytes;
	e->stats.rx_dropped += e->acc.rx_dropped;
	e->stats.dma_errors += e->acc.dma_errors;
	e->stats.tx_backpressure += e->acc.tx_backpressure;
	e->stats.tx_inplace += e->acc.tx_inplace;
	memset(&e->acc, 0, sizeof(e->acc));
}

static void rx_result(struct kvm_e1000 *e, int ret, u32 len)
{
	if (ret == E1000_RX_DONE) {
		e->acc.rx_frames++;
		e->acc.rx_bytes += len;
	}
	/* E1000_RX_ERROR: a DMA fault, counted once, in dma_errors. */
}

static void rx_flush(struct kvm_e1000 *e);

static bool rx_begin(struct kvm_e1000 *e)
{
	unsigned long flags;
	bool ok, reset;

	flags = kvm_e1000_lock(e);
	ok = e1000_rx_begin(&e->core, e->rxp);
	reset = e->rx_resets != e->core.cnt.resets;
	e->rx_resets = e->core.cnt.resets;
	kvm_e1000_unlock(e, flags);
	/* A reset empties the packet buffer: nothing from before it is received. */
	if (reset)
		rx_flush(e);
	return ok;
}

static void rx_end(struct kvm_e1000 *e, bool rx_on)
{
	unsigned long flags;

	flags = kvm_e1000_lock(e);
	if (rx_on)
		e1000_rx_end(&e->core, e->rxp);
	fold_counters(e);
	kvm_e1000_unlock(e, flags);
}

/* The self-test's loopback: the frame TX produced goes to RX, no backend. */
static void loop_frame(struct kvm_e1000 *e, const u8 *frame, u32 len)
{
	static const struct e1000_rx_meta wire;	/* no offload metadata */
	bool rx_on = rx_begin(e);
	int ret;

	if (!rx_on) {
		e->acc.rx_dropped++;
		return;
	}
	ret = e1000_rx_frame(&e->core, e->rxp, frame, len, &wire);
	if (ret == E1000_RX_NO_BUFFERS) {
		e1000_rx_drop(&e->core, e->rxp);
		e->acc.rx_dropped++;
	}
	rx_result(e, ret, len);
	rx_end(e, true);
}

/* When a pass that starts now must end (PASS_NS). */
static u64 pass_deadline(struct kvm_e1000 *e)
{
	/* A move holds the device: stable for the pass. */
	if (e->sidecore == KVM_E1000_NO_SIDECORE)
		return U64_MAX;
	return local_clock() + PASS_NS;
}

/* The descriptors of one pass, in chunks, until a budget or PASS_NS ends it. */
static void tx_run(struct kvm_e1000 *e, struct e1000_tx_pass *p)
{
	u64 deadline = pass_deadline(e);
	u32 left;

	for (left = TX_BUDGET; left > TX_CHUNK; left -= TX_CHUNK) {
		if (!e1000_tx_run(&e->core, p, TX_CHUNK, TX_BYTE_BUDGET) ||
		    local_clock() >= deadline)
			return;
	}
	e1000_tx_run(&e->core, p, left, TX_BYTE_BUDGET);
}

static bool serve_tx(struct kvm_e1000 *e)
{
	struct e1000_tx_pass *p = &e->txp;
	unsigned long flags;
	bool ok;

	flags = kvm_e1000_lock(e);
	ok = e1000_tx_begin(&e->core, p);
	kvm_e1000_unlock(e, flags);
	if (!ok)
		return false;

	tx_run(e, p);
	/* A frame left half gathered in place is copied in: state is whole. */
	e1000_tx_settle(&e->core);
	e->acc.tx_dropped += p->dropped;
	if (p->loop_len)
		loop_frame(e, p->loop_frame, p->loop_len);

	flags = kvm_e1000_lock(e);
	/* Progress, or a pass the guest voided: serve the ring again. */
	ok = e1000_tx_end(&e->core, p);
	fold_counters(e);
	kvm_e1000_unlock(e, flags);
	return ok;
}

/* A frame in the packet buffer, behind the one in hand. */
struct rx_held {
	struct list_head node;
	u32 len;
	struct e1000_rx_meta meta;
	u8 data[];
};

/*
 * No guest buffer for the frame in hand: take the tap's frames into the
 * packet buffer while they fit.  True if a frame is left that does not.
 */
static bool rx_hold(struct kvm_e1000 *e)
{
	struct rx_held *h;
	int len, ret;

	if (!e->sock)
		return false;
	for (;;) {
		len = kvm_e1000_tap_peek(e);
		if (!len)
			return false;
		if (e->rx_held_bytes + len > e->rxp->pb_bytes)
			return true;
		/* No reclaim: a sidecore's other devices would wait for it. */
		h = kmalloc(struct_size(h, data, len),
			    GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN);
		if (!h)
			return true;
		ret = kvm_e1000_tap_recv(e, h->data, len, &h->meta, false);
		if (ret != len) {
			kfree(h);
			if (ret == -EAGAIN)
				return false;
			e->acc.rx_dropped++;	/* as serve_rx() counts it */
			continue;
		}
		h->len = len;
		list_add_tail(&h->node, &e->rx_held);
		e->rx_held_bytes += len;
	}
}

/* The frame in hand went, or is lost: let go of the skb it is in, if any. */
static void rx_hand_clear(struct kvm_e1000 *e)
{
	e->rx_len = 0;
	if (e->rx_skb)
		consume_skb(e->rx_skb);
	e->rx_skb = NULL;
}

/* The frame in hand and the packet buffer, lost (a reset): counted. */
static void rx_flush(struct kvm_e1000 *e)
{
	struct rx_held *h, *next;

	list_for_each_entry_safe(h, next, &e->rx_held, node) {
		list_del(&h->node);
		kfree(h);
		e->acc.rx_dropped++;
	}
	e->rx_held_bytes = 0;
	if (e->rx_len)
		e->acc.rx_dropped++;
	rx_hand_clear(e);
	e->rx_overrun = false;
	e->rx_stall_since = 0;
}

/* The oldest frame of the packet buffer into hand; false if none. */
static bool rx_unhold(struct kvm_e1000 *e)
{
	struct rx_held *h = list_first_entry_or_null(&e->rx_held,
						     struct rx_held, node);

	if (!h)
		return false;
	list_del(&h->node);
	e->rx_held_bytes -= h->len;
	memcpy(e->rx_buf, h->data, h->len);
	e->rx_len = h->len;
	e->rx_meta = h->meta;
	e->rx_gso.ready = false;
	kfree(h);
	return true;
}

/*
 * No guest buffer for the frame in hand, and the packet buffer cannot
 * take what waits behind it.  Wait up to rx_stall_us for the guest (the
 * stall timer wakes us); after that, drop until buffers appear.
 */
static bool rx_overflowing(struct kvm_e1000 *e)
{
	u64 now = ktime_get_ns();

	if (e->rx_overrun)
		return true;
	if (!e->rx_stall_since) {
		e->rx_stall_since = now;
		hrtimer_start(&e->rx_stall_timer,
			      ns_to_ktime((u64)READ_ONCE(rx_stall_us) *
					  NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
		return false;
	}
	e->rx_overrun = now - e->rx_stall_since >=
			(u64)READ_ONCE(rx_stall_us) * NSEC_PER_USEC;
	return e->rx_overrun;
}

/*
 * Offer the frame in hand to the ring.  A GSO frame counts as the
 * segments the guest got; the pass may restart between two of them.
 */
static int rx_offer(struct kvm_e1000 *e, bool *rx_on)
{
	struct e1000_rx_pass *p = e->rxp;
	u32 frames;
	u64 bytes;
	int ret;

	/* A frame left in its skb is GSO: the core refuses it otherwise. */
	if (!e->rx_skb && e->rx_meta.gso_type == E1000_GSO_NONE) {
		ret = e1000_rx_frame(&e->core, p, e->rx_buf, e->rx_len,
				     &e->rx_meta);
		rx_result(e, ret, e->rx_len);
		return ret;
	}
	do {
		frames = p->ring.frames;
		bytes = p->ring.bytes;
		ret = e->rx_skb ?
		      e1000_rx_gso_sg(&e->core, p, &e->rx_sg, &e->rx_meta,
				      &e->rx_gso) :
		      e1000_rx_gso(&e->core, p, e->rx_buf, e->rx_len,
				   &e->rx_meta, &e->rx_gso);
		frames = p->ring.frames - frames;
		e->acc.rx_frames += frames;
		/* The ring counts the FCS of each, as the wire carries it. */
		e->acc.rx_bytes += p->ring.bytes - bytes -
				   (u64)frames * ETH_FCS_LEN;
		if (ret == E1000_RX_STALE) {
			rx_end(e, *rx_on);
			*rx_on = rx_begin(e);
		}
	} while (ret == E1000_RX_STALE && *rx_on);
	return ret;
}

/* Deliver the frame in hand; false when it must wait for guest buffers. */
static bool rx_deliver(struct kvm_e1000 *e, bool *rx_on)
{
	int ret = *rx_on ? rx_offer(e, rx_on) : E1000_RX_STALE;

	if (*rx_on && ret == E1000_RX_NO_BUFFERS) {
		/* All that waits fits the packet buffer: no stall clock. */
		if (!e->rxp->too_big && !rx_hold(e)) {
			e->rx_overrun = false;
			e->rx_stall_since = 0;
			return false;
		}
		if (!rx_overflowing(e))
			return false;
		/* Overrun: dropping goes on until buffers appear. */
		e1000_rx_drop(&e->core, e->rxp);
		e->acc.rx_dropped++;
		rx_hand_clear(e);
		return true;
	}
	/* Receiver off: the frame is lost, as on the wire. */
	if (!*rx_on || ret == E1000_RX_MALFORMED)
		e->acc.rx_dropped++;
	e->rx_overrun = false;
	e->rx_stall_since = 0;
	rx_hand_clear(e);
	return true;
}

/* A frame in hand, in the packet buffer, or queued on the tap? */
static bool rx_pending(struct kvm_e1000 *e)
{
	return e->rx_len || !list_empty(&e->rx_held) ||
	       (e->sock && kvm_e1000_tap_pending(e));
}

static bool tx_pending(struct kvm_e1000 *e)
{
	unsigned long flags;
	bool pending;

	/* The tap is full: its write-space wakeup kicks us (tap.c). */
	if (READ_ONCE(e->tx_blocked))
		return false;
	flags = kvm_e1000_lock(e);
	/* kvm_e1000_lock() pulls the doorbell pages: they ring no doorbell. */
	pending = e1000_tx_pending(&e->core);
	kvm_e1000_unlock(e, flags);
	return pending;
}

static bool serve_rx(struct kvm_e1000 *e)
{
	bool rx_on, progress = false;
	u64 deadline;
	int n, ret;

	/* Nothing in hand and nothing queued: skip the filter snapshot. */
	if (!rx_pending(e))
		return false;
	rx_on = rx_begin(e);

	deadline = pass_deadline(e);
	for (n = 0; n < RX_BUDGET && local_clock() < deadline; n++) {
		if (!e->rx_len)
			rx_unhold(e);
		if (!e->rx_len) {
			if (!e->sock)
				break;
			ret = kvm_e1000_tap_recv(e, e->rx_buf,
						 KVM_E1000_RX_BUF_SIZE,
						 &e->rx_meta, true);
			if (ret == -EAGAIN)
				break;
			progress = true;
			if (ret <= 0) {
				e->acc.rx_dropped++;
				continue;
			}
			e->rx_len = ret;
			e->rx_gso.ready = false;
		}
		/*
		 * A register write that came before the frame (the tap's
		 * queue lock orders the two) applies to it: begin anew.
		 */
		if (e1000_pass_stale(&e->core, &e->rxp->ring)) {
			rx_end(e, rx_on);
			rx_on = rx_begin(e);
		}
		if (!rx_deliver(e, &rx_on))
			break;
		progress = true;
		e->rx_wait_since = 0;
	}

	rx_end(e, rx_on);
	return progress;
}

/*
 * e->dma_seq is odd while a round may touch guest memory.  Only the thread
 * that claimed the device moves it.  Full barriers: a revocation made
 * under the lock (kvm_e1000_dma_fence()) is seen by the begin() that
 * follows the odd store, or its fence sees the odd value; and everything
 * the round wrote to the guest comes before the even one.
 */
static void dma_begin(struct kvm_e1000 *e)
{
	atomic_inc(&e->dma_seq);
	/* Odd before begin() reads the registers: see the fence. */
	smp_mb__after_atomic();
}

static void dma_end(struct kvm_e1000 *e)
{
	atomic_inc_return(&e->dma_seq);
	wake_up_var(&e->dma_seq);
}

/*
 * The guest took memory back from the device (a reset, a ring moved or
 * turned off, bus mastering off: the core's revoke_gen moved), and its
 * driver may free that memory as soon as the access returns.  A round in
 * flight may still write there until it notices, at its next descriptor
 * or frame: wait for it, as a real function's DMA is over once its reset
 * is.  Only for the round in flight: those after it see the new state, so
 * a busy device cannot hold the caller.  Killable: the round may sleep in
 * a fault of guest memory (postcopy) that a dying VMM never resolves.
 */
void kvm_e1000_dma_fence(struct kvm_e1000 *e)
{
	int seq;

	might_sleep();
	/* Orders the revocation, made under the lock, before the load. */
	smp_mb();
	/* Acquire: the round's writes come before the guest's next access. */
	seq = atomic_read_acquire(&e->dma_seq);
	if (!(seq & 1))
		return;
	wait_var_event_killable(&e->dma_seq,
				atomic_read_acquire(&e->dma_seq) != seq);
}

/*
 * One round for one device.  Guest memory is reached through the VM's
 * memslots, which need the VM's mm (adopted here, and only while its
 * process lives) and kvm->srcu.  The last reference to that mm (its VMM
 * exited meanwhile) is dropped in a work item: tearing an address space
 * down here would stall every device of a sidecore.
 */
bool kvm_e1000_serve(struct kvm_e1000 *e)
{
	struct mm_struct *mm = e->kvm->mm;
	unsigned long flags;
	bool progress;
	u64 start;

	/*
	 * Stopped for migration: the rings and the tap wait (claim()'s
	 * acquire orders this after kvm_e1000_pause()'s store).  Idle (a
	 * polling sidecore asks often): don't adopt the mm for it.
	 */
	if (READ_ONCE(e->paused) || (!tx_pending(e) && !rx_pending(e)))
		return false;
	if (!mmget_not_zero(mm))
		return false;
	/*
	 * The pass is charged to the device (serve_ns): a sidecore's time is
	 * accounted to no cgroup, so this is how much of it each VM takes.
	 * The idle check above is not: a polling sidecore makes it for every
	 * device, wanted or not.
	 */
	start = local_clock();
	kthread_use_mm(mm);
	/* Dropped and taken again around a fault that sleeps (platform.c). */
	e->srcu_idx = srcu_read_lock(&e->kvm->srcu);
	dma_begin(e);
	progress = serve_tx(e);
	progress |= serve_rx(e);
	dma_end(e);
	srcu_read_unlock(&e->kvm->srcu, e->srcu_idx);
	kthread_unuse_mm(mm);
	mmput_async(mm);
	/* Only the counter: no need to pull the doorbell pages for it. */
	spin_lock_irqsave(&e->lock, flags);
	e->stats.serve_ns += local_clock() - start;
	spin_unlock_irqrestore(&e->lock, flags);
	return progress;
}

/*
 * A sidecore that goes to sleep polls the doorbell pages no more, so it
 * has them ring: the VMM's mappings are zapped (KVM's MMU notifier drops
 * the guest's entries with them), the guest's next access faults, and the
 * fault handler maps the page again and calls kvm_e1000_db_touched().
 * The device sleeps until that exit, and wakes within microseconds of it.
 * Returns true if newly armed: a store that landed before the zap rang
 * nothing, so the caller looks at the pages once more.  Under claim().
 */
bool kvm_e1000_db_arm(struct kvm_e1000 *e)
{
	struct address_space *mapping = READ_ONCE(e->db_mapping);

	if (!mapping || READ_ONCE(e->db_armed))
		return false;
	WRITE_ONCE(e->db_armed, true);
	/* Armed before the zap: a fault after it sees the flag. */
	smp_mb();
	unmap_mapping_range(mapping, 0, 0, 1);
	return true;
}

/*
 * Before the thread serving @e sleeps: must the guest's next store into
 * the doorbell pages wake it?  A sidecore polls them while it runs, so
 * when it stops, yes.  A worker polls nothing, and its VMM maps only the
 * RX page (db_span): RDT in RAM, the exit the driver's refills cost gone.
 * A refill there matters only while a received frame waits for buffers;
 * otherwise the next frame's own wakeup (the tap) finds the buffers with
 * the pass's first pull.  So a worker has the page ring only then, as
 * vhost asks a virtio guest for a kick only when it ran out of buffers.
 * Even then not at once: ringing costs a zap of the VMM's mapping (and
 * KVM's flush of the guest's TLB) and a fault, where a driver that goes
 * on running usually tells us sooner for free: each trapped access pulls
 * the page, and an RDT that moved kicks us (Linux's e1000 re-enables its
 * interrupts through IMS when it polled its ring dry, and writes TDT for
 * the ACKs it sends).  So the page rings only once a frame has waited
 * rx_db_grace_us, for a driver that polls memory and never traps (U-Boot
 * refills one buffer at a time and polls its descriptors).  Under claim().
 */
bool kvm_e1000_db_wants_ring(struct kvm_e1000 *e)
{
	u64 grace = (u64)READ_ONCE(rx_db_grace_us) * NSEC_PER_USEC;
	u64 now, waited;

	if (e->sidecore != KVM_E1000_NO_SIDECORE)
		return true;
	if (!rx_pending(e)) {
		e->rx_wait_since = 0;
		return false;
	}
	now = local_clock();
	if (!e->rx_wait_since)
		e->rx_wait_since = now;
	waited = now - e->rx_wait_since;
	if (waited >= grace)
		return true;
	hrtimer_start(&e->db_grace_timer, ns_to_ktime(grace - waited),
		      HRTIMER_MODE_REL);
	return false;
}

/* The VMM's mapping faulted a doorbell page in: look at the pages. */
void kvm_e1000_db_touched(struct kvm_e1000 *e)
{
	if (READ_ONCE(e->db_armed) && xchg(&e->db_armed, false))
		kvm_e1000_worker_kick_unlocked(e);
}

static enum hrtimer_restart rx_stall_expired(struct hrtimer *t)
{
	struct kvm_e1000 *e = container_of(t, struct kvm_e1000,
					   rx_stall_timer);

	kvm_e1000_worker_kick_unlocked(e);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart db_grace_expired(struct hrtimer *t)
{
	struct kvm_e1000 *e = container_of(t, struct kvm_e1000,
					   db_grace_timer);

	kvm_e1000_worker_kick_unlocked(e);
	return HRTIMER_NORESTART;
}

int kvm_e1000_datapath_init(struct kvm_e1000 *e)
{
	e->core.tx_buf = kvmalloc(E1000_TX_BUF_SIZE, GFP_KERNEL_ACCOUNT);
	e->rx_buf = kvmalloc(KVM_E1000_RX_BUF_SIZE, GFP_KERNEL_ACCOUNT);
	e->rxp = kvzalloc(sizeof(*e->rxp), GFP_KERNEL_ACCOUNT);
	e->tx_head = (u8 *)__get_free_page(GFP_KERNEL_ACCOUNT);
	e->tx_bvec = kcalloc(KVM_E1000_TX_PAGES + 1, sizeof(*e->tx_bvec),
			     GFP_KERNEL_ACCOUNT);
	INIT_LIST_HEAD(&e->rx_held);
	hrtimer_init(&e->rx_stall_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	e->rx_stall_timer.function = rx_stall_expired;
	hrtimer_init(&e->db_grace_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	e->db_grace_timer.function = db_grace_expired;
	if (!e->core.tx_buf || !e->rx_buf || !e->rxp || !e->tx_head ||
	    !e->tx_bvec)
		return -ENOMEM;
	return 0;
}

#define DB_ORDER	get_order(E1000_DB_SIZE)

/*
 * The doorbell pages: zeroed, split so that the VMM can map each on its
 * own (mdev.c), and contiguous for the mirror of the registers.  Both are
 * offered to a device that a sidecore @polled, the RX page alone to one
 * that has a worker (kvm_e1000_db_wants_ring()).
 */
int kvm_e1000_db_init(struct kvm_e1000 *e, bool polled)
{
	struct page *pages;
	unsigned long flags;
	unsigned int i;

	BUILD_BUG_ON(E1000_DB_SIZE % PAGE_SIZE);
	pages = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO, DB_ORDER);
	if (!pages)
		return -ENOMEM;
	split_page(pages, DB_ORDER);
	for (i = 0; i < ARRAY_SIZE(e->db_pages); i++)
		e->db_pages[i] = pages + i;
	e->db_span = polled ? E1000_DB_SIZE : E1000_DB_RX_SIZE;
	spin_lock_irqsave(&e->lock, flags);
	e1000_db_attach(&e->db, &e->core, page_address(pages));
	spin_unlock_irqrestore(&e->lock, flags);
	return 0;
}

/*
 * The worker is detached and BAR0 is off the bus: nothing runs a pass or
 * calls into the core any more, and no VMM's mapping reaches the doorbell
 * pages (vfio_mmap.c zapped them).
 */
void kvm_e1000_datapath_release(struct kvm_e1000 *e)
{
	unsigned int i;

	e1000_db_attach(&e->db, &e->core, NULL);
	for (i = 0; i < ARRAY_SIZE(e->db_pages); i++)
		if (e->db_pages[i])
			__free_page(e->db_pages[i]);
	hrtimer_cancel(&e->rx_stall_timer);
	hrtimer_cancel(&e->db_grace_timer);
	rx_flush(e);
	kfree(e->tx_bvec);
	free_page((unsigned long)e->tx_head);
	kvfree(e->rxp);
	kvfree(e->rx_buf);
	kvfree(e->core.tx_buf);
}
