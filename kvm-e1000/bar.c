// SPDX-License-Identifier: GPL-2.0
/*
 * BAR0 on KVM's MMIO bus: the register window's access handlers and where
 * the window sits in guest-physical space.
 *
 * The handlers run in the vCPU thread, inside KVM's exit path.  They only
 * update register state through the core (which may kick the data path);
 * no frame is ever processed here.
 */
#include "kvm_e1000.h"

static LIST_HEAD(devices);		/* every device, for overlap checks */
static DEFINE_MUTEX(devices_lock);	/* protects devices, ->bar0, ->on_bus */

static struct kvm_e1000 *to_e1000(struct kvm_io_device *dev)
{
	return container_of(dev, struct kvm_e1000, iodev);
}

/*
 * Registers are 32 bits wide.  A read of 1, 2 or 4 bytes within one register
 * reads the register (side effects included, as a PCI read with partial
 * byte enables does); an aligned 8-byte access covers two registers.
 * Anything else is a guest error: counted, reads return 0, writes dropped.
 */
static int bar0_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
		     gpa_t addr, int len, void *val)
{
	struct kvm_e1000 *e = to_e1000(dev);
	u64 off = addr - e->bar0;
	unsigned long flags;
	__le32 v[2] = { 0, 0 };

	if (off >= KVM_E1000_BAR0_SIZE || len > KVM_E1000_BAR0_SIZE - off)
		return -EOPNOTSUPP;

	spin_lock_irqsave(&e->lock, flags);
	if (len == 8 && IS_ALIGNED(off, 8)) {
		v[0] = cpu_to_le32(e1000_core_read(&e->core, off));
		v[1] = cpu_to_le32(e1000_core_read(&e->core, off + 4));
		memcpy(val, v, 8);
	} else if (len <= 4 && (off & 3) + len <= 4) {
		v[0] = cpu_to_le32(e1000_core_read(&e->core, off & ~3ULL));
		memcpy(val, (u8 *)v + (off & 3), len);
	} else {
		e->cnt.mmio_bad_access++;
		memset(val, 0, len);
	}
	spin_unlock_irqrestore(&e->lock, flags);
	return 0;
}

static int bar0_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
		      gpa_t addr, int len, const void *val)
{
	struct kvm_e1000 *e = to_e1000(dev);
	u64 off = addr - e->bar0;
	unsigned long flags;
	__le32 v[2];

	if (off >= KVM_E1000_BAR0_SIZE || len > KVM_E1000_BAR0_SIZE - off)
		return -EOPNOTSUPP;

	spin_lock_irqsave(&e->lock, flags);
	if ((len == 4 || len == 8) && IS_ALIGNED(off, len)) {
		memcpy(v, val, len);
		e1000_core_write(&e->core, off, le32_to_cpu(v[0]));
		if (len == 8)
			e1000_core_write(&e->core, off + 4, le32_to_cpu(v[1]));
	} else {
		e->cnt.mmio_bad_access++;
	}
	spin_unlock_irqrestore(&e->lock, flags);
	return 0;
}

static const struct kvm_io_device_ops bar0_ops = {
	.read = bar0_read,
	.write = bar0_write,
};

static bool overlaps(u64 a, u64 b)
{
	return a < b + KVM_E1000_BAR0_SIZE && b < a + KVM_E1000_BAR0_SIZE;
}

/* Guest RAM wins over the io bus: a BAR there would never see an access. */
static bool hits_ram(struct kvm *kvm, u64 gpa)
{
	gfn_t gfn = gpa_to_gfn(gpa);
	gfn_t end = gpa_to_gfn(gpa + KVM_E1000_BAR0_SIZE);
	bool ram = false;
	int idx;

	idx = srcu_read_lock(&kvm->srcu);
	for (; gfn < end && !ram; gfn++)
		ram = kvm_is_visible_gfn(kvm, gfn);
	srcu_read_unlock(&kvm->srcu, idx);
	return ram;
}

static int check_bar(struct kvm_e1000 *e, u64 gpa)
{
	struct kvm_e1000 *other;

	if (gpa == KVM_E1000_BAR0_UNMAPPED)
		return 0;
	if (!IS_ALIGNED(gpa, KVM_E1000_BAR0_SIZE) ||
	    gpa > U64_MAX - KVM_E1000_BAR0_SIZE)
		return -EINVAL;
	list_for_each_entry(other, &devices, node) {
		if (other != e && other->kvm == e->kvm && other->on_bus &&
		    overlaps(other->bar0, gpa))
			return -EEXIST;
	}
	if (hits_ram(e->kvm, gpa))
		return -EEXIST;
	return 0;
}

/* Put BAR0 at @gpa (or take it off the bus); the device keeps its state. */
int kvm_e1000_bar_place(struct kvm_e1000 *e, u64 gpa)
{
	int ret;

	mutex_lock(&devices_lock);
	ret = check_bar(e, gpa);
	if (ret)
		goto out;
	if (e->on_bus) {
		kvm_e1000_iobus_unregister(e->kvm, &e->iodev);
		e->on_bus = false;
	}
	e->bar0 = gpa;
	if (gpa != KVM_E1000_BAR0_UNMAPPED) {
		ret = kvm_e1000_iobus_register(e->kvm, gpa, KVM_E1000_BAR0_SIZE,
					       &e->iodev);
		if (ret) {
			e->bar0 = KVM_E1000_BAR0_UNMAPPED;
			goto out;
		}
		e->on_bus = true;
	}
out:
	mutex_unlock(&devices_lock);
	return ret;
}

void kvm_e1000_bar_attach(struct kvm_e1000 *e)
{
	kvm_iodevice_init(&e->iodev, &bar0_ops);
	e->bar0 = KVM_E1000_BAR0_UNMAPPED;
	mutex_lock(&devices_lock);
	list_add(&e->node, &devices);
	mutex_unlock(&devices_lock);
}

/* On return no vCPU is, or will again be, in this device's handlers. */
void kvm_e1000_bar_detach(struct kvm_e1000 *e)
{
	mutex_lock(&devices_lock);
	if (e->on_bus)
		kvm_e1000_iobus_unregister(e->kvm, &e->iodev);
	e->on_bus = false;
	list_del(&e->node);
	mutex_unlock(&devices_lock);
}
