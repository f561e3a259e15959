// SPDX-License-Identifier: GPL-2.0
/*
 * The threads that run the data path.
 *
 * A device is served either by a worker of its own, which sleeps until a
 * doorbell (TDT/RDT write, tap readable, timer) wakes it, or by the sidecore
 * of a reserved CPU: one thread bound to that CPU serves every device
 * assigned to it, round robin with a bounded budget per device, and keeps
 * polling for poll_us after its last progress before it sleeps (vhost's
 * busyloop idea), so a guest streaming frames rarely pays for a wakeup.
 */
#include <linux/cgroup.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>

#include "glue.h"

static unsigned int poll_us = 200;
module_param(poll_us, uint, 0644);
MODULE_PARM_DESC(poll_us, "Sidecore busy-poll time after the last progress (us)");

static unsigned int db_idle_us = 250;
module_param(db_idle_us, uint, 0644);
MODULE_PARM_DESC(db_idle_us, "An idle sidecore's look at its devices' doorbell pages, every (us)");

struct kvm_e1000_worker {
	struct task_struct *task;
	struct mutex lock;		/* devices; held while serving them */
	struct list_head devices;	/* kvm_e1000.worker_node */
	atomic_t pending;		/* a doorbell since the last round */
	bool poll_rings;		/* a device has doorbell pages */
	int cpu;			/* KVM_E1000_NO_SIDECORE: per device */
	unsigned int users;		/* devices attached (under workers_lock) */
};

static DEFINE_MUTEX(workers_lock);	/* sidecores[], attach and detach */
static struct kvm_e1000_worker **sidecores;	/* by CPU, created on demand */

/* Called under e->lock, from any context (vCPU, timer, tap wakeup). */
void kvm_e1000_worker_kick(struct kvm_e1000 *e)
{
	struct kvm_e1000_worker *w = e->worker;

	if (!w)
		return;
	atomic_set(&w->pending, 1);
	wake_up_process(w->task);
}

/* One round over every device: true if any made progress. */
static bool serve_round(struct kvm_e1000_worker *w)
{
	struct kvm_e1000 *e;
	bool progress = false, poll_rings = false;

	mutex_lock(&w->lock);
	list_for_each_entry(e, &w->devices, worker_node) {
		progress |= kvm_e1000_serve(e);
		poll_rings |= kvm_e1000_db_mapped(e);
	}
	w->poll_rings = poll_rings;
	mutex_unlock(&w->lock);
	return progress;
}

/*
 * The scheduler's clock: a clocksource read (an HPET, in some VMs) per
 * poll would cost more than the poll.
 */
static bool keep_polling(struct kvm_e1000_worker *w, u64 last_progress)
{
	return w->cpu != KVM_E1000_NO_SIDECORE &&
	       local_clock() - last_progress < (u64)READ_ONCE(poll_us) * 1000;
}

/*
 * Sleep until kicked.  A device with doorbell pages rings no doorbell for
 * TDT and RDT: while the sidecore serves one, it also wakes every
 * db_idle_us to look at the pages.
 */
static void idle(struct kvm_e1000_worker *w)
{
	ktime_t t;

	if (!w->poll_rings) {
		schedule();
		return;
	}
	t = ns_to_ktime((u64)READ_ONCE(db_idle_us) * NSEC_PER_USEC);
	schedule_hrtimeout_range(&t, 10 * NSEC_PER_USEC, HRTIMER_MODE_REL);
	atomic_set(&w->pending, 1);
}

static int worker_fn(void *data)
{
	struct kvm_e1000_worker *w = data;
	u64 last_progress = 0;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		if (!atomic_xchg(&w->pending, 0) &&
		    !keep_polling(w, last_progress)) {
			idle(w);
			continue;
		}
		__set_current_state(TASK_RUNNING);
		if (serve_round(w)) {
			last_progress = local_clock();
			atomic_set(&w->pending, 1);
		}
		cond_resched();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static struct kvm_e1000_worker *worker_create(int cpu)
{
	struct kvm_e1000_worker *w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	int ret;

	if (!w)
		return ERR_PTR(-ENOMEM);
	mutex_init(&w->lock);
	INIT_LIST_HEAD(&w->devices);
	w->cpu = cpu;
	if (cpu == KVM_E1000_NO_SIDECORE)
		w->task = kthread_create(worker_fn, w, "kvm-e1000");
	else
		w->task = kthread_create_on_cpu(worker_fn, w, cpu,
						"kvm-e1000-sc/%u");
	if (IS_ERR(w->task)) {
		ret = PTR_ERR(w->task);
		goto fail;
	}
	/*
	 * A device's own worker does its VM's work: charge it to the VMM's
	 * cgroups, as vhost does.  A sidecore is shared and, like any
	 * reserved CPU, accounted to no VM.
	 */
	if (cpu == KVM_E1000_NO_SIDECORE) {
		ret = cgroup_attach_task_all(current, w->task);
		if (ret) {
			kthread_stop(w->task);
			goto fail;
		}
	}
	wake_up_process(w->task);
	return w;
fail:
	kfree(w);
	return ERR_PTR(ret);
}

static void worker_destroy(struct kvm_e1000_worker *w)
{
	kthread_stop(w->task);
	kfree(w);
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

static void worker_put(struct kvm_e1000_worker *w)
{
	if (--w->users)
		return;
	if (w->cpu != KVM_E1000_NO_SIDECORE)
		sidecores[w->cpu] = NULL;
	worker_destroy(w);
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

/* Under workers_lock. */
static int attach(struct kvm_e1000 *e, int cpu)
{
	struct kvm_e1000_worker *w = worker_get(cpu);

	if (IS_ERR(w))
		return PTR_ERR(w);
	w->users++;
	mutex_lock(&w->lock);
	list_add_tail(&e->worker_node, &w->devices);
	mutex_unlock(&w->lock);
	set_worker(e, w, cpu);
	kvm_e1000_worker_kick_unlocked(e);
	return 0;
}

/* Under workers_lock.  On return no thread serves @e or is woken for it. */
static void detach(struct kvm_e1000 *e)
{
	struct kvm_e1000_worker *w = e->worker;

	if (!w)
		return;
	set_worker(e, NULL, e->sidecore);
	mutex_lock(&w->lock);		/* waits for a round in progress */
	list_del(&e->worker_node);
	mutex_unlock(&w->lock);
	worker_put(w);
}

/* Serve @e from @cpu's sidecore, or from a worker of its own. */
int kvm_e1000_worker_attach(struct kvm_e1000 *e, int cpu)
{
	int ret;

	mutex_lock(&workers_lock);
	ret = attach(e, cpu);
	mutex_unlock(&workers_lock);
	return ret;
}

void kvm_e1000_worker_detach(struct kvm_e1000 *e)
{
	mutex_lock(&workers_lock);
	detach(e);
	mutex_unlock(&workers_lock);
}

/* KVM_E1000_SET_SIDECORE: move @e; on failure it stays where it was. */
int kvm_e1000_worker_move(struct kvm_e1000 *e, int cpu)
{
	int old_cpu, ret = 0;

	mutex_lock(&workers_lock);
	old_cpu = e->sidecore;
	if (!e->worker || old_cpu != cpu) {
		detach(e);
		ret = attach(e, cpu);
		/* Out of memory or threads: serve it where it was. */
		if (ret && attach(e, old_cpu))
			pr_warn_ratelimited(KVM_E1000_NAME ": device left without a worker\n");
	}
	mutex_unlock(&workers_lock);
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
