// SPDX-License-Identifier: GPL-2.0
/*
 * tb_probe: a module used only by the testbed's self-test.  It proves that
 * the testbed really catches what it promises to: warn=1 makes the load
 * WARN (a real splat, so the kernel log check must fail the run), pin=1
 * keeps a reference on the module (so rmmod must fail), hang_secs=N parks
 * a kthread in uninterruptible sleep for N seconds (so the hung task
 * detector must report it), leak=1 loses an allocation (so kmemleak, on
 * the debug kernel, must report it and the run fail).
 */
#include <linux/bug.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN once at load time");

static bool pin;
module_param(pin, bool, 0444);
MODULE_PARM_DESC(pin, "hold a reference on the module so it cannot be unloaded");

static unsigned int hang_secs;
module_param(hang_secs, uint, 0444);
MODULE_PARM_DESC(hang_secs, "seconds a kthread spends in uninterruptible sleep");

static bool leak;
module_param(leak, bool, 0444);
MODULE_PARM_DESC(leak, "lose 32 allocations of 128 bytes at load time");

static struct task_struct *hang_thread;

static int tb_probe_hang(void *unused)
{
	/* kthread_stop() wakes this sleep early, so unloading never waits. */
	schedule_timeout_uninterruptible((long)hang_secs * HZ);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static int __init tb_probe_init(void)
{
	unsigned int i;

	WARN(warn, "tb_probe: warning requested by the testbed self-test\n");
	/* The reference is never dropped: that is the point of pin=1. */
	if (pin)
		__module_get(THIS_MODULE);
	/*
	 * Many, each written (so not optimised away) and then lost.  kmemleak
	 * scans task stacks, where stale copies of the last few pointers may
	 * linger in the frames kmalloc() used; the earlier ones are gone.
	 * Zeroed: a slab object keeps the free pointer to the next one, so
	 * one referenced object would otherwise hold the whole chain.
	 */
	for (i = 0; leak && i < 32; i++) {
		u32 *lost = kzalloc(128, GFP_KERNEL);

		if (lost)
			WRITE_ONCE(*lost, i);
	}
	if (hang_secs) {
		hang_thread = kthread_run(tb_probe_hang, NULL, "tb_probe_hang");
		if (IS_ERR(hang_thread))
			return PTR_ERR(hang_thread);
	}
	return 0;
}

static void __exit tb_probe_exit(void)
{
	if (hang_thread)
		kthread_stop(hang_thread);
}

module_init(tb_probe_init);
module_exit(tb_probe_exit);
MODULE_DESCRIPTION("kvm-e1000 testbed self-test probe");
MODULE_LICENSE("GPL");
