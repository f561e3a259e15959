// SPDX-License-Identifier: GPL-2.0
/*
 * The 82540EM register file as a guest driver sees it through BAR0: reset,
 * link status, read/write masks, interrupt cause registers, statistics and
 * holes -- all answered in the kernel (no BAR0 exit reaches userspace), and
 * counted by the module as the guest made them.
 */
#include "kselftest_harness.h"
#include "e1000_test.h"

/* e1000_create_args_init()'s MAC, 02:00:5e:10:00:01, as RAL0/RAH0 hold it. */
#define TEST_RAL0		0x105e0002U
#define TEST_RAH0		0x00000100U

/* Read a register once; on a mismatch report offset, value and expectation. */
#define ASSERT_REG(bar, off, expect)					\
	do {								\
		uint32_t __off = (off), __exp = (expect);		\
		uint32_t __got = e1000_rd(bar, __off);			\
									\
		GUEST_ASSERT_3(__got == __exp, __off, __got, __exp);	\
	} while (0)

/* ---- reset ---- */

static void guest_reset(uint64_t bar)
{
	e1000_wr(bar, E1000_RDTR, 0x1234);
	e1000_wr(bar, E1000_TIDV, 0x0456);
	e1000_wr(bar, E1000_IMS, E1000_ICR_LSC | E1000_ICR_RXT0);
	e1000_wr(bar, E1000_RCTL, 0x0000801a);
	e1000_wr(bar, E1000_TDLEN, 0x1000);
	e1000_wr(bar, E1000_RDLEN, 0x1000);
	e1000_wr(bar, E1000_RDBAL, 0x12340000);
	e1000_wr(bar, E1000_TDT, 3);
	e1000_wr(bar, E1000_RAL(0), 0xffffffff);
	e1000_wr(bar, E1000_RAH(0), 0x0000ffff);
	e1000_wr(bar, E1000_ICS, E1000_ICR_TXDW);
	ASSERT_REG(bar, E1000_RDTR, 0x1234);
	GUEST_SYNC(1);

	e1000_guest_reset(bar);
	GUEST_SYNC(2);

	ASSERT_REG(bar, E1000_RDTR, 0);
	ASSERT_REG(bar, E1000_TIDV, 0);
	ASSERT_REG(bar, E1000_IMS, 0);
	ASSERT_REG(bar, E1000_RCTL, 0);
	ASSERT_REG(bar, E1000_TDLEN, 0);
	ASSERT_REG(bar, E1000_RDLEN, 0);
	ASSERT_REG(bar, E1000_RDBAL, 0);
	ASSERT_REG(bar, E1000_TDT, 0);
	ASSERT_REG(bar, E1000_TDH, 0);
	ASSERT_REG(bar, E1000_ICR, 0);
	GUEST_ASSERT_1(!(e1000_rd(bar, E1000_TCTL) & E1000_TCTL_EN),
		       e1000_rd(bar, E1000_TCTL));
	/* The station address is reloaded from the EEPROM. */
	ASSERT_REG(bar, E1000_RAL(0), TEST_RAL0);
	ASSERT_REG(bar, E1000_RAH(0), TEST_RAH0 | E1000_RAH_AV);
	GUEST_DONE();
}

TEST(ctrl_rst_restores_defaults)
{
	struct kvm_e1000_stats before, after;
	struct e1000_vm t;

	e1000_vm_init(&t, guest_reset);
	e1000_expect_sync(&t, 1);
	e1000_get_stats(t.dev_fd, &before);
	e1000_expect_sync(&t, 2);
	e1000_get_stats(t.dev_fd, &after);
	EXPECT_EQ(before.resets + 1, after.resets);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

static void guest_reset_by_host(uint64_t bar)
{
	e1000_wr(bar, E1000_RDTR, 0x4321);
	e1000_wr(bar, E1000_IMS, E1000_ICR_LSC);
	GUEST_SYNC(1);
	ASSERT_REG(bar, E1000_RDTR, 0);
	ASSERT_REG(bar, E1000_IMS, 0);
	ASSERT_REG(bar, E1000_RAH(0), TEST_RAH0 | E1000_RAH_AV);
	GUEST_DONE();
}

TEST(reset_ioctl_resets_registers)
{
	struct kvm_e1000_stats before, after;
	struct e1000_vm t;

	e1000_vm_init(&t, guest_reset_by_host);
	e1000_expect_sync(&t, 1);
	e1000_get_stats(t.dev_fd, &before);
	ASSERT_EQ(0, ioctl(t.dev_fd, KVM_E1000_RESET, 0));
	e1000_get_stats(t.dev_fd, &after);
	EXPECT_EQ(before.resets + 1, after.resets);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

/* ---- STATUS ---- */

static void guest_link_up(uint64_t bar)
{
	uint32_t status;

	e1000_wr(bar, E1000_CTRL, e1000_rd(bar, E1000_CTRL) | E1000_CTRL_SLU);
	status = e1000_rd(bar, E1000_STATUS);
	GUEST_ASSERT_1(status & E1000_STATUS_LU, status);
	GUEST_ASSERT_1(status & E1000_STATUS_FD, status);
	GUEST_ASSERT_1((status & E1000_STATUS_SPEED_MASK) ==
		       E1000_STATUS_SPEED_1000, status);
	GUEST_DONE();
}

TEST(status_link_up_after_slu)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_link_up);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

/* STATUS is read-only: the bits e1000's ethtool test toggles stay put. */
static void guest_status_ro(uint64_t bar)
{
	const uint32_t toggle = 0xFFFFF833;
	uint32_t before = e1000_rd(bar, E1000_STATUS);

	e1000_wr(bar, E1000_STATUS, toggle);
	GUEST_ASSERT_2((e1000_rd(bar, E1000_STATUS) & toggle) ==
		       (before & toggle), before, e1000_rd(bar, E1000_STATUS));
	e1000_wr(bar, E1000_STATUS, ~before);
	GUEST_ASSERT_2((e1000_rd(bar, E1000_STATUS) & toggle) ==
		       (before & toggle), before, e1000_rd(bar, E1000_STATUS));
	GUEST_DONE();
}

TEST(status_read_only)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_status_ro);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

/* ---- read/write masks ---- */

/*
 * Write (@write & pattern) and expect (@write & pattern & @mask) back, for
 * the four patterns of the Linux e1000 ethtool register test.
 */
static void pattern_test(uint64_t bar, uint32_t reg, uint32_t mask,
			 uint32_t write)
{
	static const uint32_t test[] = {
		0x5A5A5A5A, 0xA5A5A5A5, 0x00000000, 0xFFFFFFFF
	};
	uint32_t got;
	int i;

	for (i = 0; i < 4; i++) {
		e1000_wr(bar, reg, write & test[i]);
		got = e1000_rd(bar, reg);
		GUEST_ASSERT_3(got == (write & test[i] & mask), reg, got,
			       write & test[i] & mask);
	}
}

static void set_and_check(uint64_t bar, uint32_t reg, uint32_t mask,
			  uint32_t write)
{
	uint32_t got;

	e1000_wr(bar, reg, write & mask);
	got = e1000_rd(bar, reg);
	GUEST_ASSERT_3((got & mask) == (write & mask), reg, got, write & mask);
}

/* What the Linux driver's offline self-test checks on an 82540. */
static void guest_ethtool_reg_test(uint64_t bar)
{
	int i;

	pattern_test(bar, E1000_FCAL, 0xFFFFFFFF, 0xFFFFFFFF);
	pattern_test(bar, E1000_FCAH, 0x0000FFFF, 0xFFFFFFFF);
	pattern_test(bar, E1000_FCT, 0x0000FFFF, 0xFFFFFFFF);
	pattern_test(bar, E1000_VET, 0x0000FFFF, 0xFFFFFFFF);
	pattern_test(bar, E1000_RDTR, 0x0000FFFF, 0xFFFFFFFF);
	pattern_test(bar, E1000_RDBAH, 0xFFFFFFFF, 0xFFFFFFFF);
	pattern_test(bar, E1000_RDLEN, 0x000FFF80, 0x000FFFFF);
	pattern_test(bar, E1000_RDH, 0x0000FFFF, 0x0000FFFF);
	pattern_test(bar, E1000_RDT, 0x0000FFFF, 0x0000FFFF);
	pattern_test(bar, E1000_FCRTH, 0x0000FFF8, 0x0000FFF8);
	pattern_test(bar, E1000_FCTTV, 0x0000FFFF, 0x0000FFFF);
	pattern_test(bar, E1000_TIPG, 0x3FFFFFFF, 0x3FFFFFFF);
	pattern_test(bar, E1000_TDBAH, 0xFFFFFFFF, 0xFFFFFFFF);
	pattern_test(bar, E1000_TDLEN, 0x000FFF80, 0x000FFFFF);

	set_and_check(bar, E1000_RCTL, 0xFFFFFFFF, 0x00000000);
	set_and_check(bar, E1000_RCTL, 0x06DFB3FE, 0x003FFFFB);
	set_and_check(bar, E1000_TCTL, 0xFFFFFFFF, 0x00000000);
	set_and_check(bar, E1000_RCTL, 0x06DFB3FE, 0xFFFFFFFF);

	pattern_test(bar, E1000_RDBAL, 0xFFFFFFF0, 0xFFFFFFFF);
	pattern_test(bar, E1000_TXCW, 0xC000FFFF, 0x0000FFFF);
	pattern_test(bar, E1000_TDBAL, 0xFFFFFFF0, 0xFFFFFFFF);
	pattern_test(bar, E1000_TIDV, 0x0000FFFF, 0x0000FFFF);
	for (i = 0; i < E1000_RAR_ENTRIES - 1; i++)
		pattern_test(bar, E1000_RAH(i), 0x8003FFFF, 0xFFFFFFFF);
	for (i = 0; i < E1000_MTA_ENTRIES; i++)
		pattern_test(bar, E1000_MTA + 4 * i, 0xFFFFFFFF, 0xFFFFFFFF);

	e1000_guest_reset(bar);
	GUEST_DONE();
}

TEST(ethtool_register_test)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_ethtool_reg_test);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

/* The rest of the implemented read/write registers, from the manual. */
static void guest_more_masks(uint64_t bar)
{
	int i;

	/* Receive addresses: all 16 pairs, AV included. */
	for (i = 0; i < E1000_RAR_ENTRIES; i++) {
		pattern_test(bar, E1000_RAL(i), 0xFFFFFFFF, 0xFFFFFFFF);
		pattern_test(bar, E1000_RAH(i), 0x8003FFFF, 0xFFFFFFFF);
	}
	e1000_wr(bar, E1000_RAH(3), E1000_RAH_AV | 0x1234);
	ASSERT_REG(bar, E1000_RAH(3), E1000_RAH_AV | 0x1234);
	e1000_wr(bar, E1000_RAH(3), 0);
	ASSERT_REG(bar, E1000_RAH(3), 0);

	for (i = 0; i < E1000_VFTA_ENTRIES; i++)
		pattern_test(bar, E1000_VFTA + 4 * i, 0xFFFFFFFF, 0xFFFFFFFF);
	/* Tables are word arrays: neighbours keep their own values. */
	e1000_wr(bar, E1000_MTA + 4, 0x11111111);
	e1000_wr(bar, E1000_MTA + 8, 0x22222222);
	ASSERT_REG(bar, E1000_MTA + 4, 0x11111111);
	ASSERT_REG(bar, E1000_MTA + 8, 0x22222222);

	/* Descriptor base addresses are 16-byte aligned: low bits read 0. */
	e1000_wr(bar, E1000_RDBAL, 0x1234567f);
	ASSERT_REG(bar, E1000_RDBAL, 0x12345670);
	e1000_wr(bar, E1000_TDBAL, 0x8765432f);
	ASSERT_REG(bar, E1000_TDBAL, 0x87654320);
	/* Ring lengths are multiples of 128 bytes, below 1 MiB. */
	e1000_wr(bar, E1000_RDLEN, 0xffffffff);
	ASSERT_REG(bar, E1000_RDLEN, 0x000fff80);
	e1000_wr(bar, E1000_TDLEN, 0x0000107f);
	ASSERT_REG(bar, E1000_TDLEN, 0x00001000);

	/* 16-bit timers. */
	pattern_test(bar, E1000_RADV, 0x0000FFFF, 0x0000FFFF);
	pattern_test(bar, E1000_TADV, 0x0000FFFF, 0x0000FFFF);
	pattern_test(bar, E1000_ITR, 0x0000FFFF, 0x0000FFFF);

	e1000_guest_reset(bar);
	GUEST_DONE();
}

TEST(register_masks)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_more_masks);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

/* ---- interrupt cause and mask registers ---- */

static void guest_icr(uint64_t bar)
{
	const uint32_t two = E1000_ICR_LSC | E1000_ICR_RXT0;

	e1000_wr(bar, E1000_IMC, 0xffffffff);
	e1000_rd(bar, E1000_ICR);
	ASSERT_REG(bar, E1000_ICR, 0);

	/* ICS sets causes; reading ICR returns and clears them. */
	e1000_wr(bar, E1000_ICS, two);
	ASSERT_REG(bar, E1000_ICR, two);
	ASSERT_REG(bar, E1000_ICR, 0);

	/* ICS accumulates. */
	e1000_wr(bar, E1000_ICS, E1000_ICR_LSC);
	e1000_wr(bar, E1000_ICS, E1000_ICR_TXDW);
	ASSERT_REG(bar, E1000_ICR, E1000_ICR_LSC | E1000_ICR_TXDW);

	/* Writing 1 to an ICR bit clears just that bit. */
	e1000_wr(bar, E1000_ICS, two);
	e1000_wr(bar, E1000_ICR, E1000_ICR_LSC);
	ASSERT_REG(bar, E1000_ICR, E1000_ICR_RXT0);

	/* IMS sets mask bits, IMC clears them, neither touches ICR. */
	ASSERT_REG(bar, E1000_IMS, 0);
	e1000_wr(bar, E1000_IMS, E1000_ICR_LSC | E1000_ICR_TXDW);
	ASSERT_REG(bar, E1000_IMS, E1000_ICR_LSC | E1000_ICR_TXDW);
	e1000_wr(bar, E1000_IMS, E1000_ICR_RXT0);
	ASSERT_REG(bar, E1000_IMS, E1000_ICR_LSC | E1000_ICR_TXDW | E1000_ICR_RXT0);
	e1000_wr(bar, E1000_IMC, E1000_ICR_TXDW);
	ASSERT_REG(bar, E1000_IMS, E1000_ICR_LSC | E1000_ICR_RXT0);
	e1000_wr(bar, E1000_IMS, 0);
	ASSERT_REG(bar, E1000_IMS, E1000_ICR_LSC | E1000_ICR_RXT0);
	e1000_wr(bar, E1000_IMC, 0xffffffff);
	ASSERT_REG(bar, E1000_IMS, 0);
	/* IMC is write-only. */
	ASSERT_REG(bar, E1000_IMC, 0);
	ASSERT_REG(bar, E1000_ICR, 0);
	GUEST_DONE();
}

TEST(icr_ics_ims_imc)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_icr);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

/* ---- statistics ---- */

static void guest_stats_zero(uint64_t bar)
{
	uint32_t off;

	for (off = E1000_STATS_BASE; off < E1000_STATS_END; off += 4)
		GUEST_ASSERT_2(e1000_rd(bar, off) == 0, off, e1000_rd(bar, off));
	GUEST_DONE();
}

TEST(statistics_start_at_zero)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_stats_zero);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

#define TX_RING_DESCS	8
#define TX_FRAME_LEN	60

/*
 * Transmit one minimum-size frame (dropped: the device has no tap) and
 * read the transmit counters: they count it once, then read as zero.
 */
static void guest_tx_stats(uint64_t bar, uint64_t ring_gva, uint64_t ring_gpa,
			   uint64_t buf_gpa)
{
	struct e1000_tx_desc *d = (void *)ring_gva;
	uint32_t icr = 0;
	int i;

	d[0].buffer_addr = buf_gpa;
	d[0].length = TX_FRAME_LEN;
	d[0].cmd = E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_IFCS_B | E1000_TXD_CMD_RS_B;
	d[0].status = 0;
	/* The descriptor is in memory before the doorbell. */
	barrier();

	e1000_wr(bar, E1000_IMC, 0xffffffff);
	e1000_rd(bar, E1000_ICR);
	e1000_wr(bar, E1000_TDBAL, (uint32_t)ring_gpa);
	e1000_wr(bar, E1000_TDBAH, ring_gpa >> 32);
	e1000_wr(bar, E1000_TDLEN, TX_RING_DESCS * sizeof(*d));
	e1000_wr(bar, E1000_TDH, 0);
	e1000_wr(bar, E1000_TDT, 0);
	e1000_wr(bar, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
	e1000_wr(bar, E1000_TDT, 1);

	/* The worker transmits asynchronously. */
	for (i = 0; i < 200000 && !(READ_ONCE(d[0].status) & E1000_TXD_STAT_DD); i++)
		icr |= e1000_rd(bar, E1000_ICR);
	GUEST_ASSERT_1(READ_ONCE(d[0].status) & E1000_TXD_STAT_DD,
		       d[0].status);
	/*
	 * The engine writes DD back before it publishes TDH (drivers key on
	 * DD, never on TDH), so TDH may trail DD by a moment.
	 */
	for (i = 0; i < 200000 && e1000_rd(bar, E1000_TDH) != 1; i++)
		icr |= e1000_rd(bar, E1000_ICR);
	ASSERT_REG(bar, E1000_TDH, 1);
	icr |= e1000_rd(bar, E1000_ICR);
	GUEST_ASSERT_1(icr & E1000_ICR_TXDW, icr);

	ASSERT_REG(bar, E1000_TPT, 1);
	ASSERT_REG(bar, E1000_TPT, 0);
	ASSERT_REG(bar, E1000_GPTC, 1);
	ASSERT_REG(bar, E1000_GPTC, 0);
	/* Octet counters include the 4-byte FCS the MAC appends. */
	ASSERT_REG(bar, E1000_GOTCL, TX_FRAME_LEN + 4);
	ASSERT_REG(bar, E1000_GOTCH, 0);
	ASSERT_REG(bar, E1000_GOTCL, 0);
	ASSERT_REG(bar, E1000_TOTL, TX_FRAME_LEN + 4);
	ASSERT_REG(bar, E1000_TOTH, 0);
	ASSERT_REG(bar, E1000_TOTL, 0);
	GUEST_DONE();
}

TEST(tx_statistics_read_to_clear)
{
	struct kvm_e1000_stats st;
	vm_vaddr_t ring, buf;
	struct e1000_vm t;

	e1000_vm_init(&t, guest_tx_stats);
	ring = vm_vaddr_alloc_page(t.vm);
	buf = vm_vaddr_alloc_page(t.vm);
	memset(addr_gva2hva(t.vm, ring), 0, 4096);
	memset(addr_gva2hva(t.vm, buf), 0xab, 4096);
	vcpu_args_set(t.vcpu, 4, t.bar0, ring, addr_gva2gpa(t.vm, ring),
		      addr_gva2gpa(t.vm, buf));
	e1000_run_to_done(&t);
	e1000_get_stats(t.dev_fd, &st);
	/* No tap: the frame was dropped, and counted as such. */
	EXPECT_EQ(1, st.tx_dropped);
	EXPECT_EQ(0, st.dma_errors);
	EXPECT_EQ(0, st.desc_errors);
	e1000_vm_free(&t);
}

/* ---- offsets without a register, and the module's access counters ---- */

static const uint32_t holes[] = { 0x06000, 0x08000, 0x0f000, 0x1fffc };

static void guest_access_counts(uint64_t bar)
{
	int i;

	GUEST_SYNC(1);
	/* 6 reads and 3 writes of real registers. */
	for (i = 0; i < 5; i++)
		e1000_rd(bar, E1000_STATUS);
	e1000_wr(bar, E1000_RDTR, 0x10);
	e1000_wr(bar, E1000_RDTR, 0x20);
	e1000_wr(bar, E1000_RDTR, 0x30);
	ASSERT_REG(bar, E1000_RDTR, 0x30);
	GUEST_SYNC(2);

	/* Writes to holes are dropped... */
	for (i = 0; i < 4; i++)
		e1000_wr(bar, holes[i], 0xffffffff);
	GUEST_SYNC(3);

	/* ...and holes read as zero. */
	for (i = 0; i < 4; i++)
		GUEST_ASSERT_2(e1000_rd(bar, holes[i]) == 0, holes[i],
			       e1000_rd(bar, holes[i]));
	GUEST_DONE();
}

TEST(unknown_offsets_and_access_counts)
{
	struct kvm_e1000_stats s1, s2, s3, s4;
	struct e1000_vm t;

	e1000_vm_init(&t, guest_access_counts);
	e1000_expect_sync(&t, 1);
	e1000_get_stats(t.dev_fd, &s1);
	e1000_expect_sync(&t, 2);
	e1000_get_stats(t.dev_fd, &s2);
	EXPECT_EQ(6, s2.mmio_reads - s1.mmio_reads);
	EXPECT_EQ(3, s2.mmio_writes - s1.mmio_writes);
	EXPECT_EQ(0, s2.mmio_unknown - s1.mmio_unknown);

	e1000_expect_sync(&t, 3);
	e1000_get_stats(t.dev_fd, &s3);
	EXPECT_EQ(4, s3.mmio_unknown - s2.mmio_unknown);
	EXPECT_EQ(0, s3.mmio_reads - s2.mmio_reads);

	e1000_run_to_done(&t);
	e1000_get_stats(t.dev_fd, &s4);
	/* Reads of holes are answered (as zero), not counted as unknown. */
	EXPECT_EQ(4, s4.mmio_reads - s3.mmio_reads);
	EXPECT_EQ(0, s4.mmio_unknown - s3.mmio_unknown);
	EXPECT_EQ(0, s4.mmio_bad_access);
	e1000_vm_free(&t);
}

/* ---- access sizes ---- */

/*
 * An aligned 8-byte access covers a register pair; a 2-byte write or an
 * access straddling two registers is a guest error: dropped, read as 0,
 * and counted in mmio_bad_access.
 */
static void guest_access_sizes(uint64_t bar)
{
	uint64_t q;
	uint32_t v;

	WRITE_ONCE(*(uint64_t *)(bar + E1000_RDBAL), 0x0000000512345670ULL);
	ASSERT_REG(bar, E1000_RDBAL, 0x12345670);
	ASSERT_REG(bar, E1000_RDBAH, 0x5);
	q = READ_ONCE(*(uint64_t *)(bar + E1000_TDBAL));
	GUEST_ASSERT_1(q == 0, q);
	e1000_wr(bar, E1000_TDBAL, 0xabcdef00);
	e1000_wr(bar, E1000_TDBAH, 0x7);
	q = READ_ONCE(*(uint64_t *)(bar + E1000_TDBAL));
	GUEST_ASSERT_1(q == 0x00000007abcdef00ULL, q);
	GUEST_SYNC(1);

	e1000_wr(bar, E1000_RDTR, 0x1111);
	WRITE_ONCE(*(uint16_t *)(bar + E1000_RDTR), 0x2222);
	ASSERT_REG(bar, E1000_RDTR, 0x1111);
	v = READ_ONCE(*(uint32_t *)(bar + E1000_RDTR + 2));
	GUEST_ASSERT_1(v == 0, v);
	GUEST_DONE();
}

TEST(access_sizes)
{
	struct kvm_e1000_stats s1, s2;
	struct e1000_vm t;

	e1000_vm_init(&t, guest_access_sizes);
	e1000_expect_sync(&t, 1);
	e1000_get_stats(t.dev_fd, &s1);
	EXPECT_EQ(0, s1.mmio_bad_access);
	e1000_run_to_done(&t);
	e1000_get_stats(t.dev_fd, &s2);
	EXPECT_EQ(2, s2.mmio_bad_access);
	e1000_vm_free(&t);
}

TEST_HARNESS_MAIN
