// SPDX-License-Identifier: GPL-2.0
/*
 * Where BAR0 is: KVM_E1000_SET_BAR0 moves the window on the VM's MMIO bus
 * (accesses at the old place then exit to userspace, at the new one they
 * stay in the kernel), KVM_E1000_BAR0_UNMAPPED takes it off, and devices in
 * one VM or in two VMs keep their state apart.
 */
#include "kselftest_harness.h"
#include "e1000_test.h"

/* Read STATUS at @gpa: the device's value, or the pattern of userspace. */
static uint32_t status_at(uint64_t gpa)
{
	return e1000_rd(gpa, E1000_STATUS);
}

static void guest_move(uint64_t bar, uint64_t alt)
{
	uint32_t status = status_at(bar), v;

	GUEST_ASSERT_1(status != E1000_USERSPACE_PATTERN, status);
	e1000_wr(bar, E1000_RDTR, 0x77);
	GUEST_SYNC(1);		/* host moves BAR0 to @alt */

	v = status_at(bar);
	GUEST_ASSERT_1(v == E1000_USERSPACE_PATTERN, v);
	v = status_at(alt);
	GUEST_ASSERT_2(v == status, v, status);
	/* The registers moved with the window. */
	v = e1000_rd(alt, E1000_RDTR);
	GUEST_ASSERT_1(v == 0x77, v);
	GUEST_SYNC(2);		/* host unmaps BAR0 */

	v = status_at(alt);
	GUEST_ASSERT_1(v == E1000_USERSPACE_PATTERN, v);
	v = status_at(bar);
	GUEST_ASSERT_1(v == E1000_USERSPACE_PATTERN, v);
	GUEST_SYNC(3);		/* host maps it back at @bar */

	v = e1000_rd(bar, E1000_RDTR);
	GUEST_ASSERT_1(v == 0x77, v);
	GUEST_DONE();
}

static void set_bar0(struct __test_metadata *_metadata, int dev_fd,
		     uint64_t gpa)
{
	ASSERT_EQ(0, ioctl(dev_fd, KVM_E1000_SET_BAR0, &gpa));
}

TEST(set_bar0_moves_window)
{
	struct e1000_vm t;
	struct ucall uc;

	e1000_vm_init(&t, guest_move);
	e1000_vm_map(&t, E1000_BAR0_ALT_GPA);
	vcpu_args_set(t.vcpu, 2, E1000_BAR0_GPA, E1000_BAR0_ALT_GPA);

	e1000_expect_sync(&t, 1);
	ASSERT_EQ(0, t.mmio_exits);
	set_bar0(_metadata, t.dev_fd, E1000_BAR0_ALT_GPA);

	e1000_expect_sync(&t, 2);
	/* Exactly the one read at the old address reached userspace. */
	ASSERT_EQ(1, t.mmio_exits);
	ASSERT_EQ(E1000_BAR0_GPA + E1000_STATUS, t.last_mmio_addr);
	set_bar0(_metadata, t.dev_fd, KVM_E1000_BAR0_UNMAPPED);

	e1000_expect_sync(&t, 3);
	ASSERT_EQ(3, t.mmio_exits);
	set_bar0(_metadata, t.dev_fd, E1000_BAR0_GPA);

	ASSERT_EQ(UCALL_DONE, e1000_vcpu_run(&t, &uc));
	ASSERT_EQ(3, t.mmio_exits);
	e1000_vm_free(&t);
}

static void guest_unmapped_first(uint64_t bar)
{
	uint32_t v = status_at(bar);

	GUEST_ASSERT_1(v == E1000_USERSPACE_PATTERN, v);
	GUEST_SYNC(1);		/* host maps BAR0 */
	v = status_at(bar);
	GUEST_ASSERT_1(v != E1000_USERSPACE_PATTERN, v);
	GUEST_DONE();
}

TEST(created_unmapped_then_mapped)
{
	struct kvm_e1000_create args;
	struct e1000_vm t;
	struct ucall uc;

	e1000_create_args_init(&args, -1);
	args.bar0_gpa = KVM_E1000_BAR0_UNMAPPED;
	e1000_vm_init_args(&t, guest_unmapped_first, &args);
	e1000_vm_map(&t, E1000_BAR0_GPA);
	vcpu_args_set(t.vcpu, 1, E1000_BAR0_GPA);

	e1000_expect_sync(&t, 1);
	ASSERT_EQ(1, t.mmio_exits);
	set_bar0(_metadata, t.dev_fd, E1000_BAR0_GPA);
	ASSERT_EQ(UCALL_DONE, e1000_vcpu_run(&t, &uc));
	ASSERT_EQ(1, t.mmio_exits);
	e1000_vm_free(&t);
}

/* Two NICs in one guest: each answers its own window with its own state. */
static void guest_two_devices(uint64_t a, uint64_t b)
{
	uint32_t v;

	v = e1000_rd(a, E1000_RAL(0));
	GUEST_ASSERT_1(v == 0x105e0002, v);
	v = e1000_rd(b, E1000_RAL(0));
	GUEST_ASSERT_1(v == 0x115e0002, v);
	e1000_wr(a, E1000_RDTR, 0x111);
	e1000_wr(b, E1000_RDTR, 0x222);
	v = e1000_rd(a, E1000_RDTR);
	GUEST_ASSERT_1(v == 0x111, v);
	v = e1000_rd(b, E1000_RDTR);
	GUEST_ASSERT_1(v == 0x222, v);
	GUEST_DONE();
}

TEST(two_devices_in_one_vm)
{
	struct kvm_e1000_create args;
	struct kvm_e1000_stats sa, sb;
	struct e1000_vm t;
	uint64_t b_gpa = E1000_BAR0_GPA + KVM_E1000_BAR0_SIZE;
	int b;

	e1000_vm_init(&t, guest_two_devices);
	e1000_vm_map(&t, b_gpa);
	e1000_create_args_init(&args, t.vm->fd);
	args.bar0_gpa = b_gpa;
	args.mac[3] = 0x11;	/* 02:00:5e:11:00:01 */
	b = e1000_create(t.ctl_fd, &args);
	ASSERT_LE(0, b);
	vcpu_args_set(t.vcpu, 2, E1000_BAR0_GPA, b_gpa);

	e1000_run_to_done(&t);
	e1000_get_stats(t.dev_fd, &sa);
	e1000_get_stats(b, &sb);
	EXPECT_EQ(2, sa.mmio_reads);
	EXPECT_EQ(1, sa.mmio_writes);
	EXPECT_EQ(2, sb.mmio_reads);
	EXPECT_EQ(1, sb.mmio_writes);
	close(b);
	e1000_vm_free(&t);
}

static void guest_write_rdtr(uint64_t bar, uint64_t val)
{
	uint32_t v = e1000_rd(bar, E1000_RDTR);

	/* Each VM's device starts from reset, whatever the other VM did. */
	GUEST_ASSERT_1(v == 0, v);
	e1000_wr(bar, E1000_RDTR, val);
	v = e1000_rd(bar, E1000_RDTR);
	GUEST_ASSERT_1(v == val, v);
	GUEST_DONE();
}

TEST(same_bar_in_two_vms_is_isolated)
{
	struct e1000_vm a, b;

	e1000_vm_init(&a, guest_write_rdtr);
	e1000_vm_init(&b, guest_write_rdtr);
	vcpu_args_set(a.vcpu, 2, E1000_BAR0_GPA, 0x1111);
	vcpu_args_set(b.vcpu, 2, E1000_BAR0_GPA, 0x2222);
	e1000_run_to_done(&a);
	e1000_run_to_done(&b);
	e1000_vm_free(&b);
	e1000_vm_free(&a);
}

TEST_HARNESS_MAIN
