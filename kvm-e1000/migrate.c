// SPDX-License-Identifier: GPL-2.0
/*
 * Device state in and out (KVM_E1000_GET_STATE, KVM_E1000_SET_STATE): the
 * core's blob (core/state.c), taken and given with the device quiesced.
 *
 * Quiesced means: no data-path pass in flight, since a pass owns the
 * core's TX state between its begin() and end() and runs without the
 * device lock; and the lock held, which keeps vCPUs, timers and the tap
 * out of the core.  The worker's hold (worker.c) waits for the device's
 * own pass to end and keeps the next one from starting, as a sidecore
 * move does; the core is then read or written under kvm_e1000_lock(), so
 * the doorbell pages are pulled before and pushed after, as for any
 * register access.
 *
 * What the device holds outside the core is not state: a frame received
 * from the tap and not yet in guest buffers stays where it is (a frame a
 * migration loses, as a wire may), the backend and its offloads are the
 * device's own.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "glue.h"

/* The core's refusals are the ABI's reasons. */
static_assert(KVM_E1000_STATE_ESHORT == E1000_STATE_ESHORT);
static_assert(KVM_E1000_STATE_EVERSION == E1000_STATE_EVERSION);
static_assert(KVM_E1000_STATE_ETX == E1000_STATE_ETX);
static_assert(KVM_E1000_STATE_MAX_SIZE == E1000_STATE_MAX_SIZE);

static bool args_valid(const struct kvm_e1000_state *a)
{
	return !a->flags && !memchr_inv(a->reserved, 0, sizeof(a->reserved));
}

/*
 * The device's state into @buf, E1000_STATE_MAX_SIZE bytes: its length, or
 * -EINTR if waiting for a pass was cut short.
 */
int kvm_e1000_state_save(struct kvm_e1000 *e, void *buf)
{
	unsigned long flags;
	int ret;

	ret = kvm_e1000_worker_quiesce(e);
	if (ret)
		return ret;
	flags = kvm_e1000_lock(e);
	ret = e1000_core_save(&e->core, buf, E1000_STATE_MAX_SIZE);
	kvm_e1000_unlock(e, flags);
	kvm_e1000_worker_resume(e);
	/* The maximum always fits. */
	return WARN_ON_ONCE(ret < 0) ? -EIO : ret;
}

/*
 * The core's load of @buf, or only its check: under the device lock, in
 * scratch memory of the core's size.  0, -ENOMEM, or -EINVAL with the
 * core's refusal in @reason (E1000_STATE_E*, whose numbers are not
 * errnos).
 */
static int core_take(struct kvm_e1000 *e, const void *buf, u32 len,
		     u32 *reason, bool load)
{
	struct e1000_core *scratch;
	unsigned long flags;
	int ret;

	*reason = 0;
	scratch = kvmalloc(sizeof(*scratch), GFP_KERNEL_ACCOUNT);
	if (!scratch)
		return -ENOMEM;
	flags = kvm_e1000_lock(e);
	if (load)
		ret = e1000_core_load(&e->core, scratch, buf, len);
	else
		ret = e1000_core_check(&e->core, scratch, buf, len);
	kvm_e1000_unlock(e, flags);
	kvfree(scratch);
	if (ret < 0) {
		*reason = -ret;
		pr_debug(KVM_E1000_NAME ": device state refused: %s\n",
			 e1000_state_strerror(*reason));
		return -EINVAL;
	}
	return 0;
}

/*
 * @len bytes of state into the device, whole or not at all.  0; -EINTR or
 * -ENOMEM; or -EINVAL, the core's refusal in @reason.
 */
int kvm_e1000_state_load(struct kvm_e1000 *e, const void *buf, u32 len,
			 u32 *reason)
{
	int ret;

	*reason = 0;
	ret = kvm_e1000_worker_quiesce(e);
	if (ret)
		return ret;
	ret = core_take(e, buf, len, reason, true);
	kvm_e1000_worker_resume(e);
	return ret;
}

/*
 * Would kvm_e1000_state_load() take @buf now?  The same returns; nothing
 * changes and nothing waits for the data path: the check reads only what
 * the device was built with (model, backend offloads, its TX buffer).
 */
int kvm_e1000_state_check(struct kvm_e1000 *e, const void *buf, u32 len,
			  u32 *reason)
{
	return core_take(e, buf, len, reason, false);
}

int kvm_e1000_get_state(struct kvm_e1000 *e, void __user *argp)
{
	struct kvm_e1000_state a;
	void *buf;
	int ret;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	if (!args_valid(&a) || a.reason)
		return -EINVAL;
	buf = kvmalloc(E1000_STATE_MAX_SIZE, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	ret = kvm_e1000_state_save(e, buf);
	if (ret < 0)
		goto out;
	if (a.size < ret) {
		a.size = ret;
		ret = copy_to_user(argp, &a, sizeof(a)) ? -EFAULT : -E2BIG;
		goto out;
	}
	a.size = ret;
	ret = 0;
	if (copy_to_user(u64_to_user_ptr(a.data), buf, a.size) ||
	    copy_to_user(argp, &a, sizeof(a)))
		ret = -EFAULT;
out:
	kvfree(buf);
	return ret;
}

int kvm_e1000_set_state(struct kvm_e1000 *e, void __user *argp)
{
	struct kvm_e1000_state a;
	void *buf;
	int ret;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	if (!args_valid(&a))
		return -EINVAL;
	if (a.size > E1000_STATE_MAX_SIZE)
		return -E2BIG;
	buf = kvmalloc(a.size ? a.size : 1, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	ret = -EFAULT;
	if (copy_from_user(buf, u64_to_user_ptr(a.data), a.size))
		goto out;
	ret = kvm_e1000_state_load(e, buf, a.size, &a.reason);
	if (ret && !a.reason)
		goto out;
	if (copy_to_user(argp, &a, sizeof(a)))
		ret = -EFAULT;
	else if (a.reason == E1000_STATE_EVERSION)
		ret = -EPROTONOSUPPORT;
out:
	kvfree(buf);
	return ret;
}

/*
 * Migration's STOP (vfio_mig.c): no pass of the device runs until
 * kvm_e1000_unpause(), so it neither writes guest memory nor takes frames
 * from its tap, which keeps them.  The pass in flight is waited for.
 * Registers stay: the vCPUs are stopped too, and the state is read and
 * written under the lock.  Its INTx output is held low (irq.c), and what
 * came up meanwhile is signalled at the unpause.
 */
int kvm_e1000_pause(struct kvm_e1000 *e)
{
	int ret;

	WRITE_ONCE(e->paused, true);
	ret = kvm_e1000_worker_quiesce(e);
	if (ret) {
		WRITE_ONCE(e->paused, false);
		return ret;
	}
	kvm_e1000_worker_resume(e);
	kvm_e1000_irq_stop(e, true);
	return 0;
}

void kvm_e1000_unpause(struct kvm_e1000 *e)
{
	kvm_e1000_irq_stop(e, false);
	WRITE_ONCE(e->paused, false);
	kvm_e1000_worker_kick_unlocked(e);
}
