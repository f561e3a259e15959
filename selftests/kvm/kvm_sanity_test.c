// SPDX-License-Identifier: GPL-2.0
/*
 * Checks the testbed and the selftest plumbing without kvm-e1000: a guest
 * built with the KVM selftest library runs, reports through ucalls, and an
 * access to guest-physical memory that nothing backs exits to userspace as
 * KVM_EXIT_MMIO -- the exit the e1000 tests count to prove the module
 * answers BAR0 in the kernel.
 */
#include "kselftest_harness.h"
#include "e1000_test.h"

static void guest_sync_done(void)
{
	GUEST_SYNC(1);
	GUEST_SYNC(2);
	GUEST_DONE();
}

TEST(guest_runs)
{
	struct e1000_vm t = { .dev_fd = -1, .ctl_fd = -1 };
	struct ucall uc;

	t.vm = vm_create_with_one_vcpu(&t.vcpu, guest_sync_done);
	e1000_expect_sync(&t, 1);
	e1000_expect_sync(&t, 2);
	ASSERT_EQ(UCALL_DONE, e1000_vcpu_run(&t, &uc));
	ASSERT_EQ(0, t.mmio_exits);
	kvm_vm_free(t.vm);
}

static void guest_unbacked(uint64_t gpa)
{
	uint32_t val = READ_ONCE(*(uint32_t *)gpa);

	GUEST_ASSERT_1(val == E1000_USERSPACE_PATTERN, val);
	WRITE_ONCE(*(uint32_t *)(gpa + 8), 0x1234);
	GUEST_DONE();
}

TEST(unbacked_access_exits_to_userspace)
{
	struct e1000_vm t = { .dev_fd = -1, .ctl_fd = -1 };
	struct ucall uc;

	t.vm = vm_create_with_one_vcpu(&t.vcpu, guest_unbacked);
	e1000_vm_map(&t, E1000_BAR0_GPA);
	vcpu_args_set(t.vcpu, 1, E1000_BAR0_GPA);
	ASSERT_EQ(UCALL_DONE, e1000_vcpu_run(&t, &uc));
	ASSERT_EQ(2, t.mmio_exits);
	ASSERT_EQ(E1000_BAR0_GPA + 8, t.last_mmio_addr);
	kvm_vm_free(t.vm);
}

TEST_HARNESS_MAIN
