// SPDX-License-Identifier: GPL-2.0
/*
 * What the devices of one VM share: the lock that places their register
 * windows on that VM's io buses, the list their overlap checks walk, and
 * the count the per-VM limit bounds.
 *
 * Placement registers on KVM's buses, which waits for SRCU grace periods
 * under kvm->slots_lock; a guest that rewrites its BARs in a loop makes us
 * do that often.  With a lock per VM, that VM's guest slows only its own
 * control path: the global vms_lock is held just to find a VM's entry and
 * count devices, never across anything that sleeps on KVM.
 */
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "glue.h"

static unsigned int max_devices = 256;
module_param(max_devices, uint, 0644);
MODULE_PARM_DESC(max_devices, "Devices on the host at most (creation fails with ENOSPC beyond)");

static unsigned int max_devices_per_vm = 16;
module_param(max_devices_per_vm, uint, 0644);
MODULE_PARM_DESC(max_devices_per_vm, "Devices of one VM at most (ENOSPC beyond)");

static LIST_HEAD(vms);			/* struct kvm_e1000_vm.node */
static DEFINE_MUTEX(vms_lock);		/* vms, every count */
static unsigned int ndevices;		/* on the host */

/* Under vms_lock.  @kvm is pinned by the caller's device. */
static struct kvm_e1000_vm *vm_find(struct kvm *kvm)
{
	struct kvm_e1000_vm *vm;

	list_for_each_entry(vm, &vms, node)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

static struct kvm_e1000_vm *vm_new(struct kvm *kvm)
{
	struct kvm_e1000_vm *vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);

	if (!vm)
		return NULL;
	vm->kvm = kvm;
	mutex_init(&vm->lock);
	INIT_LIST_HEAD(&vm->devices);
	list_add(&vm->node, &vms);
	return vm;
}

/*
 * Count @e against the limits and make it one of its VM's devices:
 * -ENOSPC past max_devices or max_devices_per_vm (a limit of 0 refuses
 * every new device).
 */
int kvm_e1000_vm_join(struct kvm_e1000 *e)
{
	struct kvm_e1000_vm *vm;
	int ret = 0;

	mutex_lock(&vms_lock);
	vm = vm_find(e->kvm);
	if (ndevices >= READ_ONCE(max_devices) ||
	    (vm ? vm->ndevices : 0) >= READ_ONCE(max_devices_per_vm)) {
		ret = -ENOSPC;
		goto out;
	}
	if (!vm)
		vm = vm_new(e->kvm);
	if (!vm) {
		ret = -ENOMEM;
		goto out;
	}
	vm->ndevices++;
	ndevices++;
	mutex_lock(&vm->lock);
	list_add(&e->vm_node, &vm->devices);
	mutex_unlock(&vm->lock);
	e->vm = vm;
out:
	mutex_unlock(&vms_lock);
	return ret;
}

/* After kvm_e1000_bar_detach(): the device's windows are off the buses. */
void kvm_e1000_vm_leave(struct kvm_e1000 *e)
{
	struct kvm_e1000_vm *vm = e->vm;

	if (!vm)
		return;
	mutex_lock(&vms_lock);
	mutex_lock(&vm->lock);
	list_del(&e->vm_node);
	mutex_unlock(&vm->lock);
	ndevices--;
	if (!--vm->ndevices) {
		list_del(&vm->node);
		mutex_destroy(&vm->lock);
		kfree(vm);
	}
	mutex_unlock(&vms_lock);
	e->vm = NULL;
}
