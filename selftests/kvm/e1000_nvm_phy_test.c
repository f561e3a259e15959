// SPDX-License-Identifier: GPL-2.0
/*
 * The EEPROM (through EERD and through the Microwire bit-bang interface of
 * EECD) and the PHY (through MDIC), driven from the guest as the Linux e1000
 * driver does at probe time; for each model the device is created as.
 */
#include "kselftest_harness.h"
#include "e1000_test.h"

/* e1000_create_args_init()'s MAC 02:00:5e:10:00:01 as EEPROM words 0-2. */
static const uint16_t test_mac_words[3] = { 0x0002, 0x105e, 0x0100 };

static void guest_eerd_mac(uint64_t bar)
{
	uint16_t w;
	int i;

	for (i = 0; i < 3; i++) {
		w = e1000_guest_eerd(bar, i);
		GUEST_ASSERT_3(w == test_mac_words[i], i, w, test_mac_words[i]);
	}
	GUEST_DONE();
}

TEST(eerd_reads_mac)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_eerd_mac);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

static void guest_checksum(uint64_t bar)
{
	uint16_t sum = 0;
	int i;

	for (i = 0; i <= EEPROM_CHECKSUM_REG; i++)
		sum += e1000_guest_eerd(bar, i);
	GUEST_ASSERT_1(sum == EEPROM_SUM, sum);
	GUEST_DONE();
}

TEST(eeprom_checksum)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_checksum);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

static void guest_microwire(uint64_t bar)
{
	uint32_t eecd = e1000_rd(bar, E1000_EECD);
	uint16_t mw, rd;
	int i;

	GUEST_ASSERT_1(eecd & E1000_EECD_PRES, eecd);
	/* Grant follows request. */
	e1000_wr(bar, E1000_EECD, eecd | E1000_EECD_REQ);
	eecd = e1000_rd(bar, E1000_EECD);
	GUEST_ASSERT_1(eecd & E1000_EECD_GNT, eecd);
	e1000_wr(bar, E1000_EECD, eecd & ~E1000_EECD_REQ);

	/* Every word, bit-banged, equals what EERD returns. */
	for (i = 0; i <= EEPROM_CHECKSUM_REG; i++) {
		mw = e1000_guest_microwire(bar, i);
		rd = e1000_guest_eerd(bar, i);
		GUEST_ASSERT_3(mw == rd, i, mw, rd);
	}
	/* And the first three are the MAC. */
	for (i = 0; i < 3; i++) {
		mw = e1000_guest_microwire(bar, i);
		GUEST_ASSERT_3(mw == test_mac_words[i], i, mw,
			       test_mac_words[i]);
	}
	GUEST_DONE();
}

TEST(microwire_matches_eerd)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_microwire);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

/* Hand the station address, as the EEPROM and RAL0/RAH0 hold it, to the host. */
static void guest_report_mac(uint64_t bar)
{
	uint64_t words = 0;
	int i;

	for (i = 0; i < 3; i++)
		words |= (uint64_t)e1000_guest_eerd(bar, i) << (16 * i);
	GUEST_SYNC_ARGS(1, words, e1000_rd(bar, E1000_RAL(0)),
			e1000_rd(bar, E1000_RAH(0)), 0);
	GUEST_DONE();
}

static uint64_t random_mac_of_new_device(struct __test_metadata *_metadata)
{
	struct kvm_e1000_create args;
	struct e1000_vm t;
	struct ucall uc;
	uint64_t words;

	e1000_create_args_init(&args, -1);
	memset(args.mac, 0, sizeof(args.mac));
	e1000_vm_init_args(&t, guest_report_mac, &args);
	EXPECT_EQ(UCALL_SYNC, e1000_vcpu_run(&t, &uc));
	words = uc.args[2];
	/* RAL0/RAH0 carry the same address, valid. */
	EXPECT_EQ(words & 0xffffffff, uc.args[3]);
	EXPECT_EQ(E1000_RAH_AV | (words >> 32), uc.args[4]);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
	return words;
}

TEST(zero_mac_gets_random_local_unicast)
{
	uint64_t a = random_mac_of_new_device(_metadata);
	uint64_t b = random_mac_of_new_device(_metadata);

	/* Byte 0 is the low byte of word 0: unicast, locally administered. */
	EXPECT_EQ(0, a & 0x01);
	EXPECT_EQ(0x02, a & 0x02);
	EXPECT_NE(0, a >> 8);
	EXPECT_EQ(0, b & 0x01);
	EXPECT_EQ(0x02, b & 0x02);
	/* Random: two devices do not share it (2^-46 to be wrong). */
	EXPECT_NE(a, b);
}

/* ---- PHY ---- */

static void guest_phy(uint64_t bar)
{
	uint16_t val = 0;
	uint32_t mdic;
	int i;

	val = e1000_guest_phy_read(bar, PHY_ID1);
	GUEST_ASSERT_1(val == (M88E1011_I_PHY_ID >> 16), val);
	val = e1000_guest_phy_read(bar, PHY_ID2);
	/* The low nibble is the PHY's revision. */
	GUEST_ASSERT_1((val & 0xfff0) == (M88E1011_I_PHY_ID & 0xffff), val);

	/* Auto-negotiation may take a moment; link and AN end up complete. */
	for (i = 0; i < 10000; i++) {
		val = e1000_guest_phy_read(bar, PHY_STATUS);
		if ((val & MII_SR_LINK_STATUS) && (val & MII_SR_AUTONEG_COMPLETE))
			break;
	}
	GUEST_ASSERT_1(val & MII_SR_LINK_STATUS, val);
	GUEST_ASSERT_1(val & MII_SR_AUTONEG_COMPLETE, val);

	/* A read/write PHY register keeps what is written. */
	e1000_guest_phy_write(bar, PHY_AUTONEG_ADV, 0x0de1);
	val = e1000_guest_phy_read(bar, PHY_AUTONEG_ADV);
	GUEST_ASSERT_1(val == 0x0de1, val);
	e1000_guest_phy_write(bar, PHY_AUTONEG_ADV, 0x01e1);
	val = e1000_guest_phy_read(bar, PHY_AUTONEG_ADV);
	GUEST_ASSERT_1(val == 0x01e1, val);

	/* Only the internal PHY answers; another address is an error. */
	mdic = e1000_guest_mdic(bar, E1000_MDIC_OP_READ, E1000_PHY_ADDR + 1,
				PHY_ID1, 0);
	GUEST_ASSERT_1(mdic & E1000_MDIC_ERROR, mdic);
	GUEST_DONE();
}

TEST(mdic_phy_link_and_id)
{
	struct e1000_vm t;

	e1000_vm_init(&t, guest_phy);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

/* ---- Models ---- */

/* What the guest must find, set by the host before the vCPU runs. */
static uint16_t want_dev_id, want_subsys_id;

/*
 * The words the Linux driver reads at probe, bit-banged as it does (and
 * the checksum over all of them), and the PHY it then looks for.
 */
static void guest_model(uint64_t bar)
{
	uint16_t sum = 0, w;
	int i;

	for (i = 0; i <= EEPROM_CHECKSUM_REG; i++)
		sum += e1000_guest_microwire(bar, i);
	GUEST_ASSERT_1(sum == EEPROM_SUM, sum);
	w = e1000_guest_eerd(bar, EEPROM_DEVICE_ID);
	GUEST_ASSERT_2(w == want_dev_id, w, want_dev_id);
	w = e1000_guest_eerd(bar, EEPROM_SUBSYSTEM_ID);
	GUEST_ASSERT_2(w == want_subsys_id, w, want_subsys_id);
	w = e1000_guest_eerd(bar, EEPROM_VENDOR_ID);
	GUEST_ASSERT_1(w == 0x8086, w);
	w = e1000_guest_phy_read(bar, PHY_ID1);
	GUEST_ASSERT_1(w == (M88E1011_I_PHY_ID >> 16), w);
	w = e1000_guest_phy_read(bar, PHY_ID2);
	GUEST_ASSERT_1((w & 0xfff0) == (M88E1011_I_PHY_ID & 0xffff), w);
	/* The M88 registers e1000_copper_link_mgp_setup() programs. */
	e1000_guest_phy_write(bar, M88E1000_PHY_SPEC_CTRL, 0x0868);
	w = e1000_guest_phy_read(bar, M88E1000_PHY_SPEC_CTRL);
	GUEST_ASSERT_1(w == 0x0868, w);
	/* A conventional PCI slot: the driver sees bus type PCI. */
	GUEST_ASSERT_1(!(e1000_rd(bar, E1000_STATUS) & E1000_STATUS_PCIX_MODE),
		       e1000_rd(bar, E1000_STATUS));
	GUEST_DONE();
}

static void run_model(uint16_t model, uint16_t dev_id, uint16_t subsys_id)
{
	struct kvm_e1000_create args;
	struct e1000_vm t;

	e1000_create_args_init(&args, -1);
	args.model = model;
	e1000_vm_init_args(&t, guest_model, &args);
	want_dev_id = dev_id;
	want_subsys_id = subsys_id;
	sync_global_to_guest(t.vm, want_dev_id);
	sync_global_to_guest(t.vm, want_subsys_id);
	e1000_run_to_done(&t);
	e1000_vm_free(&t);
}

TEST(model_82545em_eeprom_phy)
{
	run_model(KVM_E1000_MODEL_82545EM, 0x100f, 0x1001);
}

TEST(model_82540em_eeprom_phy)
{
	run_model(KVM_E1000_MODEL_82540EM, 0x100e, 0x001e);
}

TEST_HARNESS_MAIN
