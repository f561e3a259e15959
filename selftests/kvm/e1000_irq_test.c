// SPDX-License-Identifier: GPL-2.0
/*
 * The INTx line as the module drives it: the irqfd is signalled when
 * ICR & IMS becomes non-zero, and again on a resample (the guest's EOI)
 * while the cause is still pending.  The eventfds are not registered with
 * KVM here, so the test itself sees each signal.
 */
#include <errno.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "e1000_test.h"

/* Wait up to @ms for the irqfd; consume and return its count (0: none). */
static uint64_t irq_wait(int irqfd, int ms)
{
	struct pollfd p = { .fd = irqfd, .events = POLLIN };
	uint64_t cnt = 0;

	if (poll(&p, 1, ms) != 1)
		return 0;
	TEST_ASSERT(read(irqfd, &cnt, sizeof(cnt)) == sizeof(cnt),
		    "read(irqfd): %s", strerror(errno));
	return cnt;
}

static void resample(int resamplefd)
{
	uint64_t one = 1;

	TEST_ASSERT(write(resamplefd, &one, sizeof(one)) == sizeof(one),
		    "write(resamplefd): %s", strerror(errno));
}

static void guest_irq(uint64_t bar)
{
	uint32_t icr;

	e1000_wr(bar, E1000_IMC, 0xffffffff);
	e1000_rd(bar, E1000_ICR);
	e1000_wr(bar, E1000_IMS, E1000_ICR_LSC);
	GUEST_SYNC(1);		/* masked in, nothing pending: line low */

	e1000_wr(bar, E1000_ICS, E1000_ICR_LSC);
	GUEST_SYNC(2);		/* line high */

	icr = e1000_rd(bar, E1000_ICR);
	GUEST_ASSERT_1(icr == E1000_ICR_LSC, icr);
	GUEST_SYNC(3);		/* acknowledged: line low */

	e1000_wr(bar, E1000_ICS, E1000_ICR_RXT0);
	GUEST_SYNC(4);		/* pending but masked: line low */

	e1000_wr(bar, E1000_IMS, E1000_ICR_RXT0);
	GUEST_SYNC(5);		/* unmasking a pending cause: line high */

	e1000_wr(bar, E1000_IMC, E1000_ICR_RXT0);
	GUEST_SYNC(6);		/* masked again: line low */

	icr = e1000_rd(bar, E1000_ICR);
	GUEST_ASSERT_1(icr == E1000_ICR_RXT0, icr);
	GUEST_DONE();
}

TEST(intx_level_and_resample)
{
	struct kvm_e1000_create args;
	struct kvm_e1000_stats s1, s2;
	int irqfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	int resamplefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	struct e1000_vm t;

	ASSERT_LE(0, irqfd);
	ASSERT_LE(0, resamplefd);
	e1000_create_args_init(&args, -1);
	args.irqfd = irqfd;
	args.resamplefd = resamplefd;
	e1000_vm_init_args(&t, guest_irq, &args);

	e1000_expect_sync(&t, 1);
	EXPECT_EQ(0, irq_wait(irqfd, 200));
	e1000_get_stats(t.dev_fd, &s1);

	e1000_expect_sync(&t, 2);
	EXPECT_LE(1, irq_wait(irqfd, 2000));
	e1000_get_stats(t.dev_fd, &s2);
	EXPECT_LE(1, s2.irqs - s1.irqs);
	/* EOI while the cause is still pending: raised again. */
	resample(resamplefd);
	EXPECT_LE(1, irq_wait(irqfd, 2000));

	e1000_expect_sync(&t, 3);
	resample(resamplefd);
	EXPECT_EQ(0, irq_wait(irqfd, 200));

	e1000_expect_sync(&t, 4);
	EXPECT_EQ(0, irq_wait(irqfd, 200));

	e1000_expect_sync(&t, 5);
	EXPECT_LE(1, irq_wait(irqfd, 2000));

	e1000_expect_sync(&t, 6);
	resample(resamplefd);
	EXPECT_EQ(0, irq_wait(irqfd, 200));

	e1000_run_to_done(&t);
	e1000_vm_free(&t);
	close(resamplefd);
	close(irqfd);
}

/* Without an irqfd the device still keeps ICR; nothing is signalled. */
static void guest_no_irqfd(uint64_t bar)
{
	uint32_t icr;

	e1000_wr(bar, E1000_IMS, E1000_ICR_LSC);
	e1000_wr(bar, E1000_ICS, E1000_ICR_LSC);
	icr = e1000_rd(bar, E1000_ICR);
	GUEST_ASSERT_1(icr == E1000_ICR_LSC, icr);
	GUEST_DONE();
}

TEST(no_irqfd)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_no_irqfd);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

TEST_HARNESS_MAIN
