// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's io-bus registration, which distribution kernels do not export.
 *
 * kvm_io_bus_register_dev() and kvm_io_bus_unregister_dev() are how in-kernel
 * devices (ioeventfd, coalesced MMIO, the PIT) get onto a VM's MMIO bus; no
 * exported function does the same.  We resolve the two once, at load time,
 * through kallsyms_lookup_name(), whose own address a kprobe tells us (it is
 * not exported either).  Everything that depends on that trick lives here.
 */
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#endif

#include "kvm_e1000.h"

typedef int (*io_bus_register_t)(struct kvm *kvm, enum kvm_bus bus_idx,
				 gpa_t addr, int len,
				 struct kvm_io_device *dev);
typedef int (*io_bus_unregister_t)(struct kvm *kvm, enum kvm_bus bus_idx,
				   struct kvm_io_device *dev);
typedef unsigned long (*kallsyms_lookup_name_t)(const char *name);

static io_bus_register_t io_bus_register;
static io_bus_unregister_t io_bus_unregister;

static kallsyms_lookup_name_t find_kallsyms_lookup_name(void)
{
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };
	kallsyms_lookup_name_t fn;

	if (register_kprobe(&kp))
		return NULL;
	fn = (kallsyms_lookup_name_t)kp.addr;
	unregister_kprobe(&kp);
	return fn;
}

/*
 * With IBT, objtool seals the ENDBR of functions that are only ever called
 * directly (it becomes a NOP), and an indirect call to them faults.  Refuse
 * such a target rather than oops on the first device creation.  is_endbr()
 * counts the sealing NOP as an ENDBR, so compare with the real opcode.
 */
static bool callable(unsigned long addr)
{
#ifdef CONFIG_X86_KERNEL_IBT
	if (cpu_feature_enabled(X86_FEATURE_IBT))
		return *(u32 *)addr == gen_endbr();
#endif
	return true;
}

static unsigned long resolve(kallsyms_lookup_name_t lookup, const char *name)
{
	unsigned long addr = lookup(name);

	if (!addr) {
		pr_err(KVM_E1000_NAME ": cannot load: %s not found (is kvm loaded?)\n",
		       name);
		return 0;
	}
	if (!callable(addr)) {
		pr_err(KVM_E1000_NAME ": cannot load: %s is sealed by IBT; boot with ibt=off\n",
		       name);
		return 0;
	}
	return addr;
}

int kvm_e1000_iobus_init(void)
{
	kallsyms_lookup_name_t lookup = find_kallsyms_lookup_name();

	if (!lookup) {
		pr_err(KVM_E1000_NAME ": cannot load: kallsyms_lookup_name unavailable (kprobes disabled?)\n");
		return -ENOENT;
	}
	io_bus_register = (io_bus_register_t)resolve(lookup, "kvm_io_bus_register_dev");
	io_bus_unregister = (io_bus_unregister_t)resolve(lookup, "kvm_io_bus_unregister_dev");
	if (!io_bus_register || !io_bus_unregister)
		return -ENOENT;
	return 0;
}

/* @bus: KVM_MMIO_BUS for a memory BAR, KVM_PIO_BUS for an I/O BAR. */
int kvm_e1000_iobus_register(struct kvm *kvm, enum kvm_bus bus, gpa_t addr,
			     int len, struct kvm_io_device *dev)
{
	int ret;

	mutex_lock(&kvm->slots_lock);
	ret = io_bus_register(kvm, bus, addr, len, dev);
	mutex_unlock(&kvm->slots_lock);
	return ret;
}

/*
 * On return no vCPU is inside the device's handlers: the unregister path
 * waits for an SRCU grace period of kvm->srcu, which every bus dispatch
 * holds.
 */
void kvm_e1000_iobus_unregister(struct kvm *kvm, enum kvm_bus bus,
				struct kvm_io_device *dev)
{
	mutex_lock(&kvm->slots_lock);
	io_bus_unregister(kvm, bus, dev);
	mutex_unlock(&kvm->slots_lock);
}
