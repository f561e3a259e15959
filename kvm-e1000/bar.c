// SPDX-License-Identifier: GPL-2.0
/*
 * BAR0 on KVM's MMIO bus and BAR2 on its port I/O bus: the access handlers
 * of the two register windows and where they sit in the guest's spaces.
 *
 * The handlers run in the vCPU thread, inside KVM's exit path.  They only
 * update register state through the core (which may kick the data path);
 * no frame is ever processed here.  A write that takes memory back from
 * the device (a reset, an engine turned off) waits for the data path's
 * round in flight before it returns (kvm_e1000_dma_fence()).
 */
#include "glue.h"

static struct kvm_e1000 *to_e1000(struct kvm_io_device *dev)
{
	return container_of(dev, struct kvm_e1000, bar0.dev);
}

static struct kvm_e1000 *io_to_e1000(struct kvm_io_device *dev)
{
	return container_of(dev, struct kvm_e1000, bar2.dev);
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
	u64 off = addr - e->bar0.base;
	unsigned long flags;
	__le32 v[2] = { 0, 0 };

	if (off >= KVM_E1000_BAR0_SIZE || len > KVM_E1000_BAR0_SIZE - off)
		return -EOPNOTSUPP;

	flags = kvm_e1000_lock(e);
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
	kvm_e1000_unlock(e, flags);
	return 0;
}

static int bar0_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
		      gpa_t addr, int len, const void *val)
{
	struct kvm_e1000 *e = to_e1000(dev);
	u64 off = addr - e->bar0.base;
	unsigned long flags;
	bool revoked;
	__le32 v[2];
	u32 gen;

	if (off >= KVM_E1000_BAR0_SIZE || len > KVM_E1000_BAR0_SIZE - off)
		return -EOPNOTSUPP;

	flags = kvm_e1000_lock(e);
	gen = e->core.revoke_gen;
	if ((len == 4 || len == 8) && IS_ALIGNED(off, len)) {
		memcpy(v, val, len);
		e1000_core_write(&e->core, off, le32_to_cpu(v[0]));
		if (len == 8)
			e1000_core_write(&e->core, off + 4, le32_to_cpu(v[1]));
	} else {
		e->cnt.mmio_bad_access++;
	}
	/*
	 * With TDT in RAM nothing rings when frames are queued.  A trapped
	 * write (the interrupt handler's IMC and IMS, every NAPI round) is
	 * when the driver has most likely queued some: look now.
	 */
	if (kvm_e1000_db_mapped(e))
		kvm_e1000_worker_kick(e);
	revoked = e->core.revoke_gen != gen;
	kvm_e1000_unlock(e, flags);
	/* A reset, say: the driver may free its rings once this returns. */
	if (revoked)
		kvm_e1000_dma_fence(e);
	return 0;
}

static const struct kvm_io_device_ops bar0_ops = {
	.read = bar0_read,
	.write = bar0_write,
};

/*
 * BAR2: IOADDR and IODATA are 32-bit ports; the Linux driver uses only
 * aligned doubleword in/out there.  Anything else is counted as a bad
 * access, reads 0 and drops writes.
 */
static int bar2_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
		     gpa_t addr, int len, void *val)
{
	struct kvm_e1000 *e = io_to_e1000(dev);
	u64 off = addr - e->bar2.base;
	unsigned long flags;
	__le32 v = 0;

	if (off >= E1000_IO_SIZE || len > E1000_IO_SIZE - off)
		return -EOPNOTSUPP;
	flags = kvm_e1000_lock(e);
	if (len == 4 && IS_ALIGNED(off, 4))
		v = cpu_to_le32(e1000_core_io_read(&e->core, off));
	else
		e->cnt.mmio_bad_access++;
	kvm_e1000_unlock(e, flags);
	memcpy(val, &v, min_t(int, len, sizeof(v)));
	return 0;
}

static int bar2_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
		      gpa_t addr, int len, const void *val)
{
	struct kvm_e1000 *e = io_to_e1000(dev);
	u64 off = addr - e->bar2.base;
	unsigned long flags;
	bool revoked;
	__le32 v;
	u32 gen;

	if (off >= E1000_IO_SIZE || len > E1000_IO_SIZE - off)
		return -EOPNOTSUPP;
	flags = kvm_e1000_lock(e);
	gen = e->core.revoke_gen;
	if (len == 4 && IS_ALIGNED(off, 4)) {
		memcpy(&v, val, 4);
		e1000_core_io_write(&e->core, off, le32_to_cpu(v));
	} else {
		e->cnt.mmio_bad_access++;
	}
	revoked = e->core.revoke_gen != gen;
	kvm_e1000_unlock(e, flags);
	if (revoked)
		kvm_e1000_dma_fence(e);
	return 0;
}

static const struct kvm_io_device_ops bar2_ops = {
	.read = bar2_read,
	.write = bar2_write,
};

/*
 * The slow path: an access the VMM saw itself (a VFIO region read or
 * write), at offset @off of BAR0 or BAR2.  The handlers work on offsets
 * from the window's base, wherever it is (unsigned arithmetic wraps for an
 * unmapped one).
 */
int kvm_e1000_bar_access(struct kvm_e1000 *e, bool io, u64 off, void *val,
			 int len, bool write)
{
	u64 size = io ? E1000_IO_SIZE : KVM_E1000_BAR0_SIZE;
	struct kvm_e1000_window *w = io ? &e->bar2 : &e->bar0;
	u64 addr;

	if (off >= size || len > size - off)
		return -EINVAL;
	/* The base moves only under the VM's lock; other VMs never wait. */
	mutex_lock(&e->vm->lock);
	addr = w->base + off;
	if (io && write)
		bar2_write(NULL, &w->dev, addr, len, val);
	else if (io)
		bar2_read(NULL, &w->dev, addr, len, val);
	else if (write)
		bar0_write(NULL, &w->dev, addr, len, val);
	else
		bar0_read(NULL, &w->dev, addr, len, val);
	mutex_unlock(&e->vm->lock);
	return 0;
}

static bool overlaps(u64 a, u64 b, u64 size)
{
	return a < b + size && b < a + size;
}

/*
 * Guest RAM wins over the io bus: a BAR there would never see an access.
 * The device's own doorbell pages are RAM inside BAR0 on purpose (the VMM
 * maps them there once the BAR decodes, which on a migration destination
 * is before the window is placed): they do not count.
 */
static bool hits_ram(struct kvm_e1000 *e, u64 gpa)
{
	gfn_t gfn = gpa_to_gfn(gpa);
	gfn_t end = gpa_to_gfn(gpa + KVM_E1000_BAR0_SIZE);
	gfn_t db = gpa_to_gfn(gpa + E1000_DB_BASE);
	gfn_t db_end = gpa_to_gfn(gpa + E1000_DB_BASE + e->db_span);
	bool own_db = kvm_e1000_db_mapped(e);
	bool ram = false;
	int idx;

	idx = srcu_read_lock(&e->kvm->srcu);
	for (; gfn < end && !ram; gfn++) {
		if (own_db && gfn >= db && gfn < db_end)
			continue;
		ram = kvm_is_visible_gfn(e->kvm, gfn);
	}
	srcu_read_unlock(&e->kvm->srcu, idx);
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
	list_for_each_entry(other, &e->vm->devices, vm_node) {
		if (other != e && other->bar0.on_bus &&
		    overlaps(other->bar0.base, gpa, KVM_E1000_BAR0_SIZE))
			return -EEXIST;
	}
	if (hits_ram(e, gpa))
		return -EEXIST;
	return 0;
}

static int check_io(struct kvm_e1000 *e, u64 port)
{
	struct kvm_e1000 *other;

	if (port == KVM_E1000_BAR0_UNMAPPED)
		return 0;
	if (!IS_ALIGNED(port, E1000_IO_SIZE) || port > 0x10000 - E1000_IO_SIZE)
		return -EINVAL;
	list_for_each_entry(other, &e->vm->devices, vm_node) {
		if (other != e && other->bar2.on_bus &&
		    overlaps(other->bar2.base, port, E1000_IO_SIZE))
			return -EEXIST;
	}
	return 0;
}

/* Move window @w to @base on @bus (or take it off); under e->vm->lock. */
static int place(struct kvm_e1000 *e, struct kvm_e1000_window *w,
		 enum kvm_bus bus, u64 base, int len)
{
	int ret;

	if (w->on_bus) {
		kvm_e1000_iobus_unregister(e->kvm, bus, &w->dev);
		w->on_bus = false;
	}
	w->base = base;
	if (base == KVM_E1000_BAR0_UNMAPPED)
		return 0;
	ret = kvm_e1000_iobus_register(e->kvm, bus, base, len, &w->dev);
	if (ret) {
		w->base = KVM_E1000_BAR0_UNMAPPED;
		return ret;
	}
	w->on_bus = true;
	return 0;
}

/* Put BAR0 at @gpa (or take it off the bus); the device keeps its state. */
int kvm_e1000_bar_place(struct kvm_e1000 *e, u64 gpa)
{
	int ret;

	mutex_lock(&e->vm->lock);
	ret = check_bar(e, gpa);
	if (!ret)
		ret = place(e, &e->bar0, KVM_MMIO_BUS, gpa, KVM_E1000_BAR0_SIZE);
	mutex_unlock(&e->vm->lock);
	return ret;
}

/* Put BAR2 at I/O port @port (or, with KVM_E1000_BAR0_UNMAPPED, nowhere). */
int kvm_e1000_bar2_place(struct kvm_e1000 *e, u64 port)
{
	int ret;

	mutex_lock(&e->vm->lock);
	ret = check_io(e, port);
	if (!ret)
		ret = place(e, &e->bar2, KVM_PIO_BUS, port, E1000_IO_SIZE);
	mutex_unlock(&e->vm->lock);
	return ret;
}

void kvm_e1000_bar_attach(struct kvm_e1000 *e)
{
	kvm_iodevice_init(&e->bar0.dev, &bar0_ops);
	kvm_iodevice_init(&e->bar2.dev, &bar2_ops);
	e->bar0.base = KVM_E1000_BAR0_UNMAPPED;
	e->bar2.base = KVM_E1000_BAR0_UNMAPPED;
}

/*
 * On return no vCPU is, or will again be, in this device's handlers.  A
 * device that never joined its VM (creation failed early) has no window.
 */
void kvm_e1000_bar_detach(struct kvm_e1000 *e)
{
	if (!e->vm)
		return;
	mutex_lock(&e->vm->lock);
	place(e, &e->bar0, KVM_MMIO_BUS, KVM_E1000_BAR0_UNMAPPED, 0);
	place(e, &e->bar2, KVM_PIO_BUS, KVM_E1000_BAR0_UNMAPPED, 0);
	mutex_unlock(&e->vm->lock);
}
