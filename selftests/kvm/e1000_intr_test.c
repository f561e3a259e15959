// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts delivered for real: the device's irqfd and resamplefd are a
 * KVM_IRQFD (KVM_IRQFD_FLAG_RESAMPLE) on an IOAPIC pin of the VM's
 * in-kernel irqchip; the guest programs that pin's redirection entry
 * (level, a vector), enables its xAPIC and takes the interrupt in an IDT
 * handler that reads ICR and EOIs, as the Linux driver's ISR does.
 */
#include <string.h>
#include <netinet/in.h>

#include "kselftest_harness.h"
#include "e1000_test.h"

#define SH		((struct e1000_shared *)E1000_DMA_SHARED)
#define WAIT_MS		3000
#define QUIET_US	30000		/* long enough for a stray interrupt */
#define RING		16

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x99 };

static void dp_start_irq(struct e1000_dp *d, void *guest)
{
	struct e1000_dp_opts o;

	e1000_dp_opts_init(&o);
	o.irq = true;
	e1000_dp_init(d, guest, &o);
	e1000_dp_enable_irq(d, NULL);
}

/* Guest: nothing is pending or masked in; interrupts on. */
static void guest_irq_init(uint64_t bar)
{
	SH->irq_mode = E1000_IRQ_READ_ICR;
	e1000_wr(bar, E1000_IMC, ~0U);
	e1000_rd(bar, E1000_ICR);
	e1000_guest_irq_setup();
}

/* ---- A transmit's TXDW reaches the handler ---- */

static void guest_txdw(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_guest_tx_setup(&r, bar, E1000_DMA_TX_RING, RING);
	guest_irq_init(bar);
	e1000_wr(bar, E1000_TIDV, 0);
	e1000_wr(bar, E1000_IMS, E1000_ICR_TXDW);
	GUEST_ASSERT_1(SH->irqs == 0, SH->irqs);
	e1000_guest_tx_legacy(&r, E1000_DMA_TX_BUF, SH->arg[0],
			      E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_IFCS_B |
			      E1000_TXD_CMD_RS_B, 0, 0, 0);
	e1000_guest_tx_kick(&r);
	GUEST_ASSERT_1(e1000_guest_wait_irqs(1, WAIT_MS), SH->irqs);
	GUEST_ASSERT_1(SH->irq_icr & E1000_ICR_TXDW, SH->irq_icr);
	/* Acknowledged: no second interrupt. */
	e1000_guest_delay(QUIET_US);
	GUEST_ASSERT_1(SH->irqs == 1, SH->irqs);
	GUEST_DONE();
}

TEST(intr_txdw)
{
	struct kvm_e1000_stats st;
	struct e1000_rx_info info;
	static uint8_t buf[2048];
	struct e1000_dp d;
	size_t len;

	dp_start_irq(&d, guest_txdw);
	len = e1000_build_ip4(e1000_dp_hva(&d, E1000_DMA_TX_BUF), peer_mac,
			      d.mac, IPPROTO_UDP, 100, 1);
	d.sh->arg[0] = len;
	e1000_run_to_done(&d.t);
	EXPECT_EQ(len, e1000_dp_recv(&d, &info, buf, sizeof(buf), WAIT_MS));
	e1000_get_stats(d.t.dev_fd, &st);
	EXPECT_LE(1, st.irqs);
	e1000_dp_free(&d);
}

/* ---- Level: an EOI without an ICR read brings the interrupt back ---- */

#define EOI_ONLY	3

static void guest_level(uint64_t bar)
{
	guest_irq_init(bar);
	SH->irq_eoi_only = EOI_ONLY;
	SH->irq_mode = E1000_IRQ_EOI_ONLY;
	e1000_wr(bar, E1000_IMS, E1000_ICR_TXDW);
	e1000_wr(bar, E1000_ICS, E1000_ICR_TXDW);
	/* EOI_ONLY handlings, then the one that reads ICR. */
	GUEST_ASSERT_1(e1000_guest_wait_irqs(EOI_ONLY + 1, WAIT_MS), SH->irqs);
	e1000_guest_delay(QUIET_US);
	GUEST_ASSERT_1(SH->irqs == EOI_ONLY + 1, SH->irqs);
	GUEST_ASSERT_1(SH->irq_icr_reads == 1, SH->irq_icr_reads);
	GUEST_ASSERT_1(SH->irq_last_icr == E1000_ICR_TXDW, SH->irq_last_icr);
	GUEST_DONE();
}

TEST(intr_level_refires_until_icr_read)
{
	struct e1000_dp d;

	dp_start_irq(&d, guest_level);
	e1000_run_to_done(&d.t);
	e1000_dp_free(&d);
}

/* ---- IMS/IMC ---- */

static void guest_mask(uint64_t bar)
{
	guest_irq_init(bar);
	/* Masked: the cause waits in ICR, the line stays low. */
	e1000_wr(bar, E1000_ICS, E1000_ICR_TXDW);
	e1000_guest_delay(QUIET_US);
	GUEST_ASSERT_1(SH->irqs == 0, SH->irqs);
	/* Unmasking a pending cause interrupts. */
	e1000_wr(bar, E1000_IMS, E1000_ICR_TXDW);
	GUEST_ASSERT_1(e1000_guest_wait_irqs(1, WAIT_MS), SH->irqs);
	GUEST_ASSERT_1(SH->irq_last_icr == E1000_ICR_TXDW, SH->irq_last_icr);
	/* Another cause, unmasked: interrupts; a masked one does not. */
	e1000_wr(bar, E1000_IMS, E1000_ICR_RXT0);
	e1000_wr(bar, E1000_IMC, E1000_ICR_TXDW);
	e1000_wr(bar, E1000_ICS, E1000_ICR_TXDW);
	e1000_guest_delay(QUIET_US);
	GUEST_ASSERT_1(SH->irqs == 1, SH->irqs);
	e1000_wr(bar, E1000_ICS, E1000_ICR_RXT0);
	GUEST_ASSERT_1(e1000_guest_wait_irqs(2, WAIT_MS), SH->irqs);
	/* The ISR's ICR read returns (and clears) masked causes too. */
	GUEST_ASSERT_1(SH->irq_last_icr == (E1000_ICR_TXDW | E1000_ICR_RXT0),
		       SH->irq_last_icr);
	e1000_guest_delay(QUIET_US);
	GUEST_ASSERT_1(SH->irqs == 2, SH->irqs);
	GUEST_ASSERT_1(e1000_rd(bar, E1000_IMS) == E1000_ICR_RXT0,
		       e1000_rd(bar, E1000_IMS));
	GUEST_DONE();
}

TEST(intr_ims_imc)
{
	struct e1000_dp d;

	dp_start_irq(&d, guest_mask);
	e1000_run_to_done(&d.t);
	e1000_dp_free(&d);
}

/* ---- ITR: many causes, few interrupts, none lost ---- */

#define ITR_CAUSES	20
#define ITR_GAP_US	1000
#define ITR_MAX		0xffff		/* 65535 * 256 ns: 16.8 ms */
#define ITR_INTERVAL_US	(ITR_MAX * 256 / 1000)
#define ITR_TSC_KHZ	0		/* arg[]: the guest's TSC rate */

/* @n causes @gap_us apart; returns the interrupts taken meanwhile. */
static uint64_t guest_causes(uint64_t bar, uint32_t n, uint32_t cause)
{
	uint64_t before = SH->irqs;
	uint32_t i;

	for (i = 0; i < n; i++) {
		e1000_wr(bar, E1000_ICS, cause);
		e1000_guest_delay(ITR_GAP_US);
	}
	return SH->irqs - before;
}

static void guest_itr(uint64_t bar)
{
	uint64_t n, t0, us;
	uint32_t i;

	guest_irq_init(bar);
	e1000_wr(bar, E1000_IMS, E1000_ICR_TXDW | E1000_ICR_RXT0);
	/* No moderation: every cause is an interrupt of its own. */
	e1000_wr(bar, E1000_ITR, 0);
	guest_causes(bar, ITR_CAUSES, E1000_ICR_TXDW);
	e1000_guest_delay(QUIET_US);
	n = SH->irqs;
	SH->ret[2] = n;
	GUEST_ASSERT_1(n >= ITR_CAUSES * 3 / 4, n);

	e1000_wr(bar, E1000_ITR, ITR_MAX);
	SH->irqs = 0;
	SH->irq_icr = 0;
	t0 = rdtsc();
	n = guest_causes(bar, ITR_CAUSES, E1000_ICR_TXDW);
	us = (rdtsc() - t0) * 1000 / SH->arg[ITR_TSC_KHZ];
	SH->ret[0] = n;
	SH->ret[3] = us;
	/*
	 * One interrupt per ITR interval the loop took (its 1 ms gaps
	 * stretch on a loaded host), plus the first: never one per cause.
	 */
	GUEST_ASSERT_2(n >= 1 && n <= us / ITR_INTERVAL_US + 2 &&
		       n < ITR_CAUSES, n, us);
	/* The last cause is held, not lost: it comes when ITR runs out. */
	e1000_wr(bar, E1000_ICS, E1000_ICR_RXT0);
	for (i = 0; i < WAIT_MS && !(SH->irq_icr & E1000_ICR_RXT0); i++)
		e1000_guest_delay(1000);
	GUEST_ASSERT_1(SH->irq_icr & E1000_ICR_RXT0, SH->irq_icr);
	SH->ret[1] = SH->irqs;
	GUEST_DONE();
}

TEST(intr_itr_moderation)
{
	struct e1000_dp d;

	dp_start_irq(&d, guest_itr);
	d.sh->arg[ITR_TSC_KHZ] = __vcpu_ioctl(d.t.vcpu, KVM_GET_TSC_KHZ, NULL);
	ASSERT_LT(0, d.sh->arg[ITR_TSC_KHZ]);
	e1000_run_to_done(&d.t);
	TH_LOG("%d causes %d us apart: %lu interrupts without ITR, %lu with ITR %#x over %lu us",
	       ITR_CAUSES, ITR_GAP_US, (unsigned long)d.sh->ret[2],
	       (unsigned long)d.sh->ret[0], ITR_MAX,
	       (unsigned long)d.sh->ret[3]);
	e1000_dp_free(&d);
}

TEST_HARNESS_MAIN
