// SPDX-License-Identifier: GPL-2.0
/*
 * The threads that run the data path.
 *
 * A device is served either by a worker of its own, which sleeps until a
 * doorbell (TDT/RDT write, tap readable, timer) wakes it, or by the sidecore
 * of a reserved CPU: a thread bound to that CPU polls every device assigned
 * to it, round robin with a bounded pass per device and equal shares of
 * its time for the busy ones (see SHARE_NS), and keeps polling for a while
 * after its last progress before it sleeps (vhost's busyloop idea), so a
 * guest streaming frames rarely pays for a wakeup.  How long adapts, as
 * KVM's halt polling does (see adapt()).  Doorbell pages
 * (TDT and RDT in guest RAM) ring nothing while it polls; before it
 * sleeps it has them fault on the guest's next access instead, which
 * wakes it (kvm_e1000_db_arm()).  A device's own worker polls nothing: it
 * has only RDT in RAM, and has it fault only while a received frame waits
 * for guest buffers (kvm_e1000_db_wants_ring()).
 *
 * Isolation on a shared sidecore.  Serving a device touches its guest's
 * memory, which may be slow for as long as its VMM likes: userfaultfd
 * (postcopy migration), swap, a FUSE or NFS backed file.  So nothing one
 * device's pass holds is shared with another device, and the thread that
 * polls never sleeps in a fault:
 *
 *  - The device list is RCU-protected.  A round holds the RCU read lock
 *    between devices only, never during a pass; no lock of the worker is
 *    held across guest memory.
 *  - Each device has its own serving state: a thread claims it for one
 *    pass (SERVE_IDLE -> SERVE_PASS) and releases it after; a move or a
 *    detach holds it (SERVE_HELD), so it waits for that device's pass
 *    alone, and rounds skip the device meanwhile.
 *  - Guest memory is copied with page faults disabled (platform.c).  A page
 *    that is not mapped is faulted in first, without kvm->srcu, after
 *    kvm_e1000_worker_block_begin(): there the polling thread hands the
 *    sidecore to a spare thread bound to the same CPU, which polls the
 *    other devices from then on, while it sleeps in that fault, finishes
 *    that one pass and becomes a spare.  A work item makes a new spare
 *    when none is left.  Slow memory delays its own device only; a
 *    sidecore has a thread per device blocked at most, plus the poller and
 *    a spare.  A fault in memory that is merely not mapped yet (first
 *    touch) costs a wakeup of the spare.
 *  - A detach cuts short a pass that sleeps in a fault: a SIGKILL from the
 *    kernel ends a killable fault (userfaultfd, swap-in, most filesystems)
 *    with an error, and no later access of that pass sleeps.  So closing a
 *    device, or killing its VMM, does not wait for its guest's memory, even
 *    when a userfaultfd that nobody answers outlives the VMM.  A fault that
 *    sleeps uninterruptibly (some network filesystems) is waited for.
 *  - The mm reference a pass takes is dropped with mmput_async(): a VMM that
 *    exited meanwhile is torn down in a work item, not in a sidecore.
 *
 * Accounting: a device's own worker is charged to its VMM's cgroups, as
 * vhost's are.  A sidecore's threads, like the reserved CPU they run on,
 * are charged to no VM, and that includes the one that sleeps in a
 * device's fault and finishes its pass; the pages faulted in are charged
 * to the VM's memory cgroup as any fault's are.  What each device took of
 * a sidecore (or of its worker) is its serve_ns statistic.
 */
#include <linux/cgroup.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "glue.h"

static unsigned int poll_us = 200;
module_param(poll_us, uint, 0644);
MODULE_PARM_DESC(poll_us, "Sidecore busy-poll time after the last progress, at least (us)");

static unsigned int poll_max_us = 2000;
module_param(poll_max_us, uint, 0644);
MODULE_PARM_DESC(poll_max_us,
		 "Sidecore busy-poll time after the last progress, at most: the window grows up to it while work comes back within it (us; poll_us or less: no growth)");

/*
 * kvm_e1000.serving: the state in the low bits and, above them, how many
 * control paths wait to hold the device.  A round does not claim a device
 * somebody waits for, so a busy device cannot starve a detach or a move.
 */
#define SERVE_IDLE	0	/* a round may claim it */
#define SERVE_PASS	1	/* a thread serves it: kvm_e1000.server */
#define SERVE_HELD	2	/* a move or a detach owns it */
#define SERVE_STATE	3
#define SERVE_WAITER	4

/* A thread of a worker: its poller, a spare, or one finishing a pass. */
struct kvm_e1000_thread {
	struct task_struct *task;
	struct kvm_e1000_worker *w;
	struct list_head node;		/* in w->threads */
	struct list_head spare;		/* in w->spares while one */
};

struct kvm_e1000_worker {
	struct list_head devices;	/* RCU: kvm_e1000.worker_node */
	atomic_t pending;		/* a doorbell since the last round */
	bool poll_rings;		/* a device has doorbell pages */
	s64 lift_ns;			/* the next round's extra credit (earn()) */
	u64 poll_ns;			/* the poller's window (adapt()) */
	int cpu;			/* KVM_E1000_NO_SIDECORE: per device */
	unsigned int users;		/* devices attached (under workers_lock) */
	spinlock_t role_lock;		/* poller, spares, threads */
	struct kvm_e1000_thread *poller;	/* NULL: none for now */
	struct list_head spares;
	struct list_head threads;
	struct work_struct refill;	/* a new spare */
};

/* sidecores[], users and the device lists; never held across a pass. */
static DEFINE_MUTEX(workers_lock);
static struct kvm_e1000_worker **sidecores;	/* by CPU, created on demand */

/* Called under e->lock, from any context (vCPU, timer, tap wakeup). */
void kvm_e1000_worker_kick(struct kvm_e1000 *e)
{
	struct kvm_e1000_worker *w = e->worker;
	struct kvm_e1000_thread *t;

	if (!w)
		return;
	atomic_set(&w->pending, 1);
	/* A new poller reads pending after it sees itself promoted. */
	smp_mb();
	t = READ_ONCE(w->poller);
	if (t)
		wake_up_process(t->task);
}

/* ---- Roles: which thread of a worker polls ---- */

/* Under role_lock: @t (or, for now, nobody) polls from here on. */
static void promote(struct kvm_e1000_worker *w, struct kvm_e1000_thread *t)
{
	WRITE_ONCE(w->poller, t);
	if (!t)
		return;
	/* What was kicked while nobody, or a blocked thread, polled. */
	atomic_set(&w->pending, 1);
	wake_up_process(t->task);
}

/* Under role_lock: @t polls if nobody does, else it waits as a spare. */
static void enlist(struct kvm_e1000_worker *w, struct kvm_e1000_thread *t)
{
	if (w->poller)
		list_add(&t->spare, &w->spares);
	else
		promote(w, t);
}

/*
 * @t finished the pass it was blocked in.  The poller skipped that device
 * meanwhile: it takes a look now.
 */
static void rejoin(struct kvm_e1000_worker *w, struct kvm_e1000_thread *t)
{
	spin_lock(&w->role_lock);
	enlist(w, t);
	if (w->poller != t)
		promote(w, w->poller);
	spin_unlock(&w->role_lock);
}

/* The poller @t is about to sleep in a fault: a spare polls instead. */
static void hand_off(struct kvm_e1000_worker *w, struct kvm_e1000_thread *t)
{
	struct kvm_e1000_thread *s;

	spin_lock(&w->role_lock);
	if (w->poller == t) {
		s = list_first_entry_or_null(&w->spares,
					     struct kvm_e1000_thread, spare);
		if (s)
			list_del_init(&s->spare);
		promote(w, s);
		if (list_empty(&w->spares))
			queue_work(system_unbound_wq, &w->refill);
	}
	spin_unlock(&w->role_lock);
}

/*
 * Called by a pass before it sleeps in a fault of @e's guest memory: false
 * if it must not (the device is going away: fail the access instead).
 */
bool kvm_e1000_worker_block_begin(struct kvm_e1000 *e)
{
	struct kvm_e1000_thread *t = e->server;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&e->lock, flags);
	ok = !e->abort;
	e->blocked = ok;
	spin_unlock_irqrestore(&e->lock, flags);
	if (ok && t->w->cpu != KVM_E1000_NO_SIDECORE)
		hand_off(t->w, t);
	return ok;
}

/* The fault is over; a detach may have sent its SIGKILL meanwhile. */
void kvm_e1000_worker_block_end(struct kvm_e1000 *e)
{
	unsigned long flags;
	bool aborted;

	spin_lock_irqsave(&e->lock, flags);
	e->blocked = false;
	aborted = e->abort;
	spin_unlock_irqrestore(&e->lock, flags);
	/* Ours alone: the next device's pass must not see it. */
	if (aborted)
		flush_signals(current);
}

/* ---- Rounds ---- */

/* @e for one pass, unless a thread or a detach has it; under RCU. */
static bool claim(struct kvm_e1000 *e)
{
	return atomic_cmpxchg_acquire(&e->serving, SERVE_IDLE, SERVE_PASS) ==
	       SERVE_IDLE;
}

/* Under RCU, so that @e stays while the round moves on from it. */
static void release(struct kvm_e1000 *e)
{
	/* Fully ordered: a waiter in hold() sees the change or is woken. */
	atomic_sub_return(SERVE_PASS, &e->serving);
	wake_up_var(&e->serving);
}

/*
 * Fairness on a sidecore is in serve time, not in passes: a pass is
 * bounded (datapath.c), but one device's pass may still cost many times
 * another's (64 KiB buffers against 60-byte frames, a fault that sleeps).
 * So each round gives every device SHARE_NS of credit, up to SHARE_NS; a
 * pass is paid from it, and a device whose credit is spent sits rounds
 * out until it is repaid (deficit round robin, in nanoseconds).  Devices
 * that are busy together then get equal time.  The time is never left
 * idle for a debt: a round in which no device worked and some owed lifts
 * every device's credit by what the least indebted one owed (lift_ns), so
 * that one runs in the next round and the others keep their distance.
 * Otherwise a device alone on its sidecore would sit out a round per
 * SHARE_NS of its last pass, rounds that cost real time on a slow kernel
 * (a debug kernel's sidecore idled half of the time).  A device's own
 * worker serves one device: no share to keep.
 */
#define SHARE_NS	(50 * NSEC_PER_USEC)
/* A pass that slept in a fault owes no more than this: it used no CPU. */
#define DEBT_MAX_NS	(20 * NSEC_PER_MSEC)

/* Under claim(): may @e's pass run this round, lifted by @lift? */
static bool earn(struct kvm_e1000_worker *w, struct kvm_e1000 *e, s64 lift)
{
	if (w->cpu == KVM_E1000_NO_SIDECORE)
		return true;
	e->credit_ns = min_t(s64, e->credit_ns + SHARE_NS + lift, SHARE_NS);
	return e->credit_ns > 0;
}

/*
 * One round over every device: true if any made progress, or has work
 * left that waits for its share.  A device stays on the list while its
 * pass runs (detach and move wait for the pass), so the walk goes on from
 * it afterwards.
 */
static bool serve_round(struct kvm_e1000_worker *w, struct kvm_e1000_thread *t)
{
	struct kvm_e1000 *e;
	bool progress = false, worked = false, poll_rings = false;
	s64 lift = READ_ONCE(w->lift_ns), least_debt = S64_MIN;
	u64 start;

	rcu_read_lock();
	list_for_each_entry_rcu(e, &w->devices, worker_node) {
		poll_rings |= kvm_e1000_db_mapped(e);
		if (!claim(e))
			continue;
		if (!earn(w, e, lift)) {
			/* It owes: its work waits, the round goes on. */
			least_debt = max(least_debt, e->credit_ns);
			release(e);
			progress = true;
			continue;
		}
		rcu_read_unlock();
		e->server = t;
		start = local_clock();
		worked |= kvm_e1000_serve(e);
		e->credit_ns = max_t(s64, e->credit_ns -
				     (s64)(local_clock() - start), -DEBT_MAX_NS);
		e->server = NULL;
		rcu_read_lock();
		release(e);
		/* It slept in a fault: another thread polls now. */
		if (READ_ONCE(w->poller) != t)
			break;
	}
	rcu_read_unlock();
	if (READ_ONCE(w->poller) == t) {
		w->poll_rings = poll_rings;
		WRITE_ONCE(w->lift_ns, !worked && least_debt != S64_MIN ?
			   -least_debt : 0);
	}
	return progress || worked;
}

/*
 * Polling for work that may come gives way to any task that wants the
 * CPU (vhost's and KVM's busy polls do the same): a sidecore's CPU is
 * meant to be reserved, but where something else runs there, that task
 * comes first, and the doorbells wake us.  The scheduler's clock: a
 * clocksource read (an HPET, in some VMs) per poll would cost more than
 * the poll.
 */
static bool keep_polling(struct kvm_e1000_worker *w, u64 last_progress)
{
	return w->cpu != KVM_E1000_NO_SIDECORE && single_task_running() &&
	       local_clock() - last_progress < READ_ONCE(w->poll_ns);
}

/*
 * The poll window, after a sleep that ended in work @gap ns after the last
 * progress.  Work that came back within poll_max_us would have been found
 * by a longer poll, without the wakeup (and, with doorbell pages, without
 * the guest's fault that rang it): the window doubles, up to poll_max_us.
 * Work that came later would have been missed by any window we allow, so
 * polling that long was waste: the window halves, down to poll_us.  A
 * stream settles at the longest window, an idle device or a slow request
 * stream at the shortest, and each costs at most poll_max_us of polling
 * per sleep.  Only the poller changes it; a new poller takes it over.
 */
static void adapt(struct kvm_e1000_worker *w, u64 gap)
{
	u64 lo = (u64)READ_ONCE(poll_us) * NSEC_PER_USEC;
	u64 hi = max_t(u64, lo, (u64)READ_ONCE(poll_max_us) * NSEC_PER_USEC);
	u64 win = READ_ONCE(w->poll_ns);

	win = gap <= hi ? win * 2 : win / 2;
	WRITE_ONCE(w->poll_ns, clamp(win, lo, hi));
}

/*
 * Before the thread sleeps: each device with doorbell pages, which ring
 * no doorbell for TDT and RDT, is armed to (kvm_e1000_db_arm()) if it
 * must hear of the guest's next store (kvm_e1000_db_wants_ring()).  True
 * if one was newly armed: what the guest stored before that needs a look.
 */
static bool arm_doorbells(struct kvm_e1000_worker *w)
{
	struct kvm_e1000 *e;
	bool newly = false;

	rcu_read_lock();
	list_for_each_entry_rcu(e, &w->devices, worker_node) {
		if (!kvm_e1000_db_mapped(e) || !claim(e))
			continue;
		rcu_read_unlock();
		if (kvm_e1000_db_wants_ring(e))
			newly |= kvm_e1000_db_arm(e);
		rcu_read_lock();
		release(e);
	}
	rcu_read_unlock();
	return newly;
}

/* Sleep until kicked; called in TASK_INTERRUPTIBLE. */
static void idle(struct kvm_e1000_worker *w, struct kvm_e1000_thread *t)
{
	if (w->poll_rings) {
		/* Arming sleeps (the zap takes the mapping's lock). */
		__set_current_state(TASK_RUNNING);
		if (arm_doorbells(w)) {
			atomic_set(&w->pending, 1);
			return;
		}
		set_current_state(TASK_INTERRUPTIBLE);
		/* A kick while we were running. */
		if (atomic_read(&w->pending) || kthread_should_stop() ||
		    READ_ONCE(w->poller) != t) {
			__set_current_state(TASK_RUNNING);
			return;
		}
	}
	schedule();
}

static int thread_fn(void *data)
{
	struct kvm_e1000_thread *t = data;
	struct kvm_e1000_worker *w = t->w;
	u64 last_progress = 0, now;
	bool slept = false;

	/* A detach's SIGKILL ends a fault we sleep in; only the kernel's. */
	allow_kernel_signal(SIGKILL);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		if (READ_ONCE(w->poller) != t) {
			schedule();		/* a spare */
			continue;
		}
		if (!atomic_xchg(&w->pending, 0) &&
		    !keep_polling(w, last_progress)) {
			idle(w, t);
			slept = w->cpu != KVM_E1000_NO_SIDECORE;
			continue;
		}
		__set_current_state(TASK_RUNNING);
		if (serve_round(w, t)) {
			now = local_clock();
			/* A wakeup that found nothing to do says nothing. */
			if (slept)
				adapt(w, now - last_progress);
			slept = false;
			last_progress = now;
			atomic_set(&w->pending, 1);
		}
		if (READ_ONCE(w->poller) != t)
			rejoin(w, t);
		cond_resched();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/* ---- Threads and workers ---- */

/* A thread of @w, not started; on w->threads until worker_destroy(). */
static struct kvm_e1000_thread *thread_new(struct kvm_e1000_worker *w)
{
	struct kvm_e1000_thread *t = kzalloc(sizeof(*t), GFP_KERNEL);
	struct task_struct *task;

	if (!t)
		return ERR_PTR(-ENOMEM);
	t->w = w;
	INIT_LIST_HEAD(&t->spare);
	if (w->cpu == KVM_E1000_NO_SIDECORE)
		task = kthread_create(thread_fn, t, "kvm-e1000");
	else
		task = kthread_create_on_cpu(thread_fn, t, w->cpu,
					     "kvm-e1000-sc/%u");
	if (IS_ERR(task)) {
		kfree(t);
		return ERR_CAST(task);
	}
	t->task = task;
	spin_lock(&w->role_lock);
	list_add(&t->node, &w->threads);
	spin_unlock(&w->role_lock);
	return t;
}

/* A blocked poller left no spare behind: make one. */
static void refill(struct work_struct *work)
{
	struct kvm_e1000_worker *w = container_of(work, struct kvm_e1000_worker,
						  refill);
	struct kvm_e1000_thread *t = thread_new(w);

	if (IS_ERR(t)) {
		/* The blocked thread polls again once its fault is over. */
		pr_warn_ratelimited(KVM_E1000_NAME ": no spare sidecore thread: %ld\n",
				    PTR_ERR(t));
		return;
	}
	wake_up_process(t->task);
	spin_lock(&w->role_lock);
	enlist(w, t);
	spin_unlock(&w->role_lock);
}

/* After the last device left: no pass runs, no refill is queued again. */
static void worker_destroy(struct kvm_e1000_worker *w)
{
	struct kvm_e1000_thread *t, *next;

	cancel_work_sync(&w->refill);
	list_for_each_entry_safe(t, next, &w->threads, node) {
		kthread_stop(t->task);
		kfree(t);
	}
	kfree(w);
}

/* Per device: one thread.  A sidecore: its poller and a spare. */
static int worker_threads(struct kvm_e1000_worker *w)
{
	struct kvm_e1000_thread *t = thread_new(w), *s;

	if (IS_ERR(t))
		return PTR_ERR(t);
	w->poller = t;
	/*
	 * A device's own worker does its VM's work: charge it to the VMM's
	 * cgroups, as vhost does.  A sidecore is shared and, like any
	 * reserved CPU, accounted to no VM.
	 */
	if (w->cpu == KVM_E1000_NO_SIDECORE)
		return cgroup_attach_task_all(current, t->task);
	/* Ready before the first fault, which then costs a wakeup only. */
	s = thread_new(w);
	if (IS_ERR(s))
		return PTR_ERR(s);
	list_add(&s->spare, &w->spares);
	return 0;
}

static struct kvm_e1000_worker *worker_create(int cpu)
{
	struct kvm_e1000_worker *w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	struct kvm_e1000_thread *t;
	int ret;

	if (!w)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&w->devices);
	INIT_LIST_HEAD(&w->spares);
	INIT_LIST_HEAD(&w->threads);
	spin_lock_init(&w->role_lock);
	INIT_WORK(&w->refill, refill);
	w->cpu = cpu;
	w->poll_ns = (u64)READ_ONCE(poll_us) * NSEC_PER_USEC;
	ret = worker_threads(w);
	if (ret) {
		worker_destroy(w);
		return ERR_PTR(ret);
	}
	list_for_each_entry(t, &w->threads, node)
		wake_up_process(t->task);
	return w;
}

/* The worker that serves @cpu, created if needed; under workers_lock. */
static struct kvm_e1000_worker *worker_get(int cpu)
{
	struct kvm_e1000_worker *w;

	if (cpu == KVM_E1000_NO_SIDECORE)
		return worker_create(cpu);
	w = sidecores[cpu];
	if (!w) {
		w = worker_create(cpu);
		if (IS_ERR(w))
			return w;
		sidecores[cpu] = w;
	}
	return w;
}

static void set_worker(struct kvm_e1000 *e, struct kvm_e1000_worker *w,
		       int cpu)
{
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	e->worker = w;
	e->sidecore = cpu;
	spin_unlock_irqrestore(&e->lock, flags);
}

/* Under workers_lock: @e on @cpu's worker's list. */
static int join(struct kvm_e1000 *e, int cpu)
{
	struct kvm_e1000_worker *w = worker_get(cpu);

	if (IS_ERR(w))
		return PTR_ERR(w);
	w->users++;
	list_add_tail_rcu(&e->worker_node, &w->devices);
	set_worker(e, w, cpu);
	return 0;
}

/*
 * Under workers_lock: @e off its worker's list, and no more kicks for it.
 * Returns the worker if that was its last device, for worker_destroy()
 * once the lock is dropped: it waits for the worker's threads.
 */
static struct kvm_e1000_worker *leave(struct kvm_e1000 *e)
{
	struct kvm_e1000_worker *w = e->worker;

	if (!w)
		return NULL;
	set_worker(e, NULL, e->sidecore);
	list_del_rcu(&e->worker_node);
	if (--w->users)
		return NULL;
	if (w->cpu != KVM_E1000_NO_SIDECORE)
		sidecores[w->cpu] = NULL;
	return w;
}

/* ---- Holding a device: attach, move, detach ---- */

/* wait_var_event()'s condition: take SERVE_HELD, as one waiter less. */
static bool try_hold(struct kvm_e1000 *e)
{
	int v = atomic_read(&e->serving);

	while ((v & SERVE_STATE) == SERVE_IDLE)
		if (atomic_try_cmpxchg_acquire(&e->serving, &v,
					       v - SERVE_WAITER + SERVE_HELD))
			return true;
	return false;
}

/* Wait for @e's own pass (nobody else's) to end, and keep others out. */
static int hold(struct kvm_e1000 *e, bool killable)
{
	atomic_add(SERVE_WAITER, &e->serving);
	if (!killable) {
		wait_var_event(&e->serving, try_hold(e));
		return 0;
	}
	if (!wait_var_event_killable(&e->serving, try_hold(e)))
		return 0;
	atomic_sub(SERVE_WAITER, &e->serving);
	return -EINTR;
}

static void unhold(struct kvm_e1000 *e)
{
	atomic_sub_return(SERVE_HELD, &e->serving);
	wake_up_var(&e->serving);
}

/*
 * Cut short a pass that sleeps in a fault of @e's guest memory, and let no
 * later one sleep: the device is going away, its DMA may fail.
 */
static void abort_pass(struct kvm_e1000 *e)
{
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	e->abort = true;
	if (e->blocked)
		send_sig(SIGKILL, e->server->task, 1);
	spin_unlock_irqrestore(&e->lock, flags);
}

/* Serve @e from @cpu's sidecore, or from a worker of its own. */
int kvm_e1000_worker_attach(struct kvm_e1000 *e, int cpu)
{
	int ret;

	mutex_lock(&workers_lock);
	ret = join(e, cpu);
	mutex_unlock(&workers_lock);
	if (!ret)
		kvm_e1000_worker_kick_unlocked(e);
	return ret;
}

/* On return no thread serves @e, looks at it or is woken for it. */
void kvm_e1000_worker_detach(struct kvm_e1000 *e)
{
	struct kvm_e1000_worker *dead;
	bool joined;

	abort_pass(e);
	hold(e, false);
	mutex_lock(&workers_lock);
	joined = e->worker;
	dead = leave(e);
	mutex_unlock(&workers_lock);
	/* A round may still be at @e, about to find it held. */
	if (joined)
		synchronize_rcu();
	if (dead)
		worker_destroy(dead);
}

/* Under hold(): @e to @cpu's worker; on failure it stays where it was. */
static int relocate(struct kvm_e1000 *e, int cpu,
		    struct kvm_e1000_worker **dead)
{
	int old_cpu = e->sidecore, ret;
	bool joined = e->worker;

	if (joined && old_cpu == cpu)
		return 0;
	mutex_lock(&workers_lock);
	*dead = leave(e);
	mutex_unlock(&workers_lock);
	/* No round may follow @e from its old list into the new one. */
	if (joined)
		synchronize_rcu();
	mutex_lock(&workers_lock);
	ret = join(e, cpu);
	/* Out of memory or threads: serve it where it was. */
	if (ret && join(e, old_cpu))
		pr_warn_ratelimited(KVM_E1000_NAME ": device left without a worker\n");
	mutex_unlock(&workers_lock);
	return ret;
}

/*
 * No pass of @e runs until kvm_e1000_worker_resume(): the one in flight is
 * waited for (killably: it may sleep in a fault of guest memory), and
 * rounds skip the device meanwhile.  For the device state (migrate.c).
 */
int kvm_e1000_worker_quiesce(struct kvm_e1000 *e)
{
	return hold(e, true);
}

/* Passes again, and one now: the state may have changed under them. */
void kvm_e1000_worker_resume(struct kvm_e1000 *e)
{
	unhold(e);
	kvm_e1000_worker_kick_unlocked(e);
}

/* KVM_E1000_SET_SIDECORE: move @e; on failure it stays where it was. */
int kvm_e1000_worker_move(struct kvm_e1000 *e, int cpu)
{
	struct kvm_e1000_worker *dead = NULL;
	int ret;

	/* A pass blocked on the guest's memory: wait for it, killably. */
	ret = hold(e, true);
	if (ret)
		return ret;
	ret = relocate(e, cpu, &dead);
	unhold(e);
	if (dead)
		worker_destroy(dead);
	kvm_e1000_worker_kick_unlocked(e);
	return ret;
}

void kvm_e1000_worker_kick_unlocked(struct kvm_e1000 *e)
{
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	kvm_e1000_worker_kick(e);
	spin_unlock_irqrestore(&e->lock, flags);
}

int kvm_e1000_workers_init(void)
{
	sidecores = kcalloc(nr_cpu_ids, sizeof(*sidecores), GFP_KERNEL);
	return sidecores ? 0 : -ENOMEM;
}

void kvm_e1000_workers_exit(void)
{
	kfree(sidecores);
}
