// SPDX-License-Identifier: GPL-2.0
/*
 * KVM's io-bus registration, which distribution kernels do not export.
 *
 * kvm_io_bus_register_dev() and kvm_io_bus_unregister_dev() are how in-kernel
 * devices (ioeventfd, coalesced MMIO, the PIT) get onto a VM's MMIO bus; no
 * exported function does the same.  We resolve the two once, at load time:
 * a kprobe registered on a symbol name tells that symbol's address (kprobes
 * look names up in kallsyms, module symbols included).  Everything that
 * depends on that trick lives here.
 */
#include <linux/kprobes.h>
#include <linux/module.h>
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#endif

#include "glue.h"

typedef int (*io_bus_register_t)(struct kvm *kvm, enum kvm_bus bus_idx,
				 gpa_t addr, int len,
				 struct kvm_io_device *dev);
typedef int (*io_bus_unregister_t)(struct kvm *kvm, enum kvm_bus bus_idx,
				   struct kvm_io_device *dev);

static io_bus_register_t io_bus_register;
static io_bus_unregister_t io_bus_unregister;

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

/* The entry point of @name, or 0. */
static unsigned long lookup(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long addr;

	if (register_kprobe(&kp))
		return 0;
	addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
#ifdef CONFIG_X86_KERNEL_IBT
	/* Kprobes sit after a function's ENDBR (or its sealing NOP). */
	if (is_endbr(*(u32 *)(addr - ENDBR_INSN_SIZE)))
		addr -= ENDBR_INSN_SIZE;
#endif
	return addr;
}

static unsigned long resolve(const char *name)
{
	unsigned long addr = lookup(name);

	if (!addr) {
		pr_err(KVM_E1000_NAME ": cannot load: %s not found (is kvm loaded? kprobes enabled?)\n",
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
	io_bus_register = (io_bus_register_t)resolve("kvm_io_bus_register_dev");
	io_bus_unregister = (io_bus_unregister_t)resolve("kvm_io_bus_unregister_dev");
	if (!io_bus_register || !io_bus_unregister)
		return -ENOENT;
	return 0;
}

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
