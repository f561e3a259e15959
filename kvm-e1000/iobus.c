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
#include <linux/static_call.h>
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#endif

#include "glue.h"

/*
 * Called through static calls, typed from KVM's own declarations (a
 * prototype change breaks our build, not a guest).  A static call site is
 * patched into a direct call to the target: with IBT, objtool seals the
 * ENDBR of functions nothing calls indirectly, as it does these two, and an
 * indirect call through a plain pointer would fault, where a direct call
 * works.  Until resolved, the calls go nowhere (the module does not load).
 */
typedef typeof(kvm_io_bus_register_dev) io_bus_register_fn;
typedef typeof(kvm_io_bus_unregister_dev) io_bus_unregister_fn;

DEFINE_STATIC_CALL_NULL(e1000_io_bus_register, kvm_io_bus_register_dev);
DEFINE_STATIC_CALL_NULL(e1000_io_bus_unregister, kvm_io_bus_unregister_dev);

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
	/*
	 * Kprobes sit after a function's ENDBR (or the NOP that sealed it);
	 * a direct call may enter at either, the start is the true entry.
	 */
	if (is_endbr(*(u32 *)(addr - ENDBR_INSN_SIZE)))
		addr -= ENDBR_INSN_SIZE;
#endif
	return addr;
}

static unsigned long resolve(const char *name)
{
	unsigned long addr = lookup(name);

	if (!addr)
		pr_err(KVM_E1000_NAME ": cannot load: %s not found (is kvm loaded? kprobes enabled?)\n",
		       name);
	return addr;
}

int kvm_e1000_iobus_init(void)
{
	unsigned long reg = resolve("kvm_io_bus_register_dev");
	unsigned long unreg = resolve("kvm_io_bus_unregister_dev");

	if (!reg || !unreg)
		return -ENOENT;
	static_call_update(e1000_io_bus_register,
			   (io_bus_register_fn *)reg);
	static_call_update(e1000_io_bus_unregister,
			   (io_bus_unregister_fn *)unreg);
	return 0;
}

int kvm_e1000_iobus_register(struct kvm *kvm, enum kvm_bus bus, gpa_t addr,
			     int len, struct kvm_io_device *dev)
{
	int ret;

	mutex_lock(&kvm->slots_lock);
	ret = static_call(e1000_io_bus_register)(kvm, bus, addr, len, dev);
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
	static_call(e1000_io_bus_unregister)(kvm, bus, dev);
	mutex_unlock(&kvm->slots_lock);
}
