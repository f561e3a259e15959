// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the 82540EM device core against a recording fake platform.
 * TAP output; the last line is "N passed, M failed".
 */
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <linux/pci_regs.h>

#include "test.h"

struct fake F;
int cur_fail;

void expect_true(int line, const char *what, bool ok)
{
	if (!ok) {
		printf("#   line %d: %s is false\n", line, what);
		cur_fail++;
	}
}

void expect_eq(int line, const char *what, u64 got, u64 want)
{
	if (got != want) {
		printf("#   line %d: %s = 0x%llx, expected 0x%llx\n", line, what,
		       (unsigned long long)got, (unsigned long long)want);
		cur_fail++;
	}
}

u32 rd(u32 off)
{
	return e1000_core_read(&F.core, off);
}

void wr(u32 off, u32 val)
{
	e1000_core_write(&F.core, off, val);
}

static u16 ee_word(int i)
{
	return i == 0 ? fake_mac[0] | fake_mac[1] << 8 :
	       i == 1 ? fake_mac[2] | fake_mac[3] << 8 :
	       fake_mac[4] | fake_mac[5] << 8;
}

/* ---- the table ---- */

static void test_table_map_consistent(void)
{
	unsigned int i, j, off;

	for (i = 1; i < e1000_core_reg_count(); i++) {
		const struct e1000_reg_desc *d = e1000_core_reg_at(i);

		EXPECT(d != NULL);
		if (!d)
			continue;
		EXPECT(d->count >= 1);
		EXPECT(d->off + 4u * d->count <= E1000_REG_SPACE);
		for (j = 0; j < d->count; j++)
			if (e1000_core_reg_lookup(d->off + 4 * j) != d) {
				printf("#   %s+%u not mapped to its entry\n",
				       d->name, j);
				cur_fail++;
			}
	}
	for (off = 0; off < E1000_REG_SPACE; off += 4) {
		const struct e1000_reg_desc *d = e1000_core_reg_lookup(off);

		if (d && (off < d->off || off >= d->off + 4u * d->count)) {
			printf("#   0x%x maps to %s outside it\n", off, d->name);
			cur_fail++;
		}
	}
	EXPECT(e1000_core_reg_lookup(E1000_CTRL + 1) == NULL);
	EXPECT(e1000_core_reg_lookup(E1000_REG_SPACE) == NULL);
}

static void test_descriptor_layout(void)
{
	EXPECT_EQ(sizeof(struct e1000_rx_desc), 16);
	EXPECT_EQ(sizeof(struct e1000_tx_desc), 16);
	EXPECT_EQ(sizeof(struct e1000_context_desc), 16);
	EXPECT_EQ(sizeof(struct e1000_data_desc), 16);
	EXPECT_EQ(offsetof(struct e1000_rx_desc, status), 12);
	EXPECT_EQ(offsetof(struct e1000_rx_desc, special), 14);
	EXPECT_EQ(offsetof(struct e1000_tx_desc, cmd), 11);
	EXPECT_EQ(offsetof(struct e1000_tx_desc, css), 13);
	EXPECT_EQ(offsetof(struct e1000_context_desc, cmd_and_length), 8);
	EXPECT_EQ(offsetof(struct e1000_context_desc, mss), 14);
	EXPECT_EQ(offsetof(struct e1000_data_desc, upper), 12);
}

/* ---- reset ---- */

static void test_reset_values(void)
{
	u32 off;

	EXPECT_EQ(rd(E1000_CTRL), E1000_CTRL_FD | E1000_CTRL_ASDE);
	/* No link until software sets CTRL.SLU; the PHY resolved 1000/full. */
	EXPECT_EQ(rd(E1000_STATUS), E1000_STATUS_FD | E1000_STATUS_SPEED_1000);
	EXPECT_EQ(rd(E1000_EECD), E1000_EECD_PRES | E1000_EECD_DO);
	EXPECT_EQ(rd(E1000_EERD), 0);
	EXPECT_EQ(rd(E1000_CTRL_EXT), 0);
	EXPECT_EQ(rd(E1000_MDIC), 0);
	EXPECT_EQ(rd(E1000_VET), 0x8100);
	EXPECT_EQ(rd(E1000_ICR), 0);
	EXPECT_EQ(rd(E1000_IMS), 0);
	EXPECT_EQ(rd(E1000_RCTL), 0);
	EXPECT_EQ(rd(E1000_TCTL), 0);
	EXPECT_EQ(rd(E1000_TIPG), 0x00602008);
	EXPECT_EQ(rd(E1000_LEDCTL), 0x07068302);
	EXPECT_EQ(rd(E1000_PBA), 0x00100030);
	EXPECT_EQ(rd(E1000_RXDCTL), 0x00010000);
	EXPECT_EQ(rd(E1000_TXDCTL), 0);
	EXPECT_EQ(rd(E1000_RXCSUM), 0x300);
	EXPECT_EQ(rd(E1000_TSPMT), 0x01000400);
	EXPECT_EQ(rd(E1000_RDLEN), 0);
	EXPECT_EQ(rd(E1000_TDT), 0);
	EXPECT_EQ(rd(E1000_RAL(0)), 0x105e0002);
	EXPECT_EQ(rd(E1000_RAH(0)), E1000_RAH_AV | 0x3f20);
	EXPECT_EQ(rd(E1000_RAH(1)), 0);
	for (off = E1000_STATS_BASE; off < E1000_STATS_END; off += 4)
		EXPECT_EQ(rd(off), 0);
	for (off = 0; off < E1000_MTA_ENTRIES; off++)
		EXPECT_EQ(rd(E1000_MTA + 4 * off), 0);
	/* Initialisation is not a guest-visible reset or interrupt. */
	EXPECT_EQ(F.core.cnt.resets, 0);
	EXPECT_EQ(F.irq_calls, 0);
	EXPECT(!F.core.irq_level);
}

static void test_ctrl_rst(void)
{
	wr(E1000_CTRL, E1000_CTRL_SLU);
	wr(E1000_RDLEN, 4096);
	wr(E1000_MTA + 8, 0x1234);
	wr(E1000_RAL(0), 0xdeadbeef);
	wr(E1000_VET, 0x88a8);
	wr(E1000_IMS, E1000_ICR_LSC);
	wr(E1000_ICS, E1000_ICR_TXDW | E1000_ICR_LSC);
	EXPECT(F.line);
	/* The PHY keeps its configuration over a MAC reset. */
	wr(E1000_MDIC, E1000_MDIC_OP_WRITE | 1 << E1000_MDIC_PHY_SHIFT |
	   PHY_AUTONEG_ADV << E1000_MDIC_REG_SHIFT | 0x01e1);
	F.timer[E1000_TIMER_TIDV] = 99;

	wr(E1000_CTRL, rd(E1000_CTRL) | E1000_CTRL_RST);
	EXPECT_EQ(rd(E1000_CTRL), E1000_CTRL_FD | E1000_CTRL_ASDE);
	EXPECT_EQ(rd(E1000_RDLEN), 0);
	EXPECT_EQ(rd(E1000_MTA + 8), 0);
	EXPECT_EQ(rd(E1000_VET), 0x8100);
	EXPECT_EQ(rd(E1000_RAL(0)), 0x105e0002);
	EXPECT_EQ(rd(E1000_IMS), 0);
	EXPECT_EQ(rd(E1000_ICR), 0);
	EXPECT(!F.line);
	EXPECT(!(rd(E1000_STATUS) & E1000_STATUS_LU));
	EXPECT_EQ(F.core.phy[PHY_AUTONEG_ADV], 0x01e1);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 0);
	EXPECT_EQ(F.core.cnt.resets, 1);

	e1000_core_reset(&F.core);
	EXPECT_EQ(F.core.cnt.resets, 2);
	EXPECT_EQ(F.core.phy[PHY_AUTONEG_ADV], 0x0de1);
}

/* ---- register masks ---- */

static void check_mask(u32 off, u32 reset, u32 wmask)
{
	u32 got;

	wr(off, 0xFFFFFFFF);
	got = rd(off);
	if (got != ((reset & ~wmask) | wmask)) {
		printf("#   0x%05x after ~0: 0x%08x, mask 0x%08x\n", off, got,
		       wmask);
		cur_fail++;
	}
	wr(off, 0);
	got = rd(off);
	if (got != (reset & ~wmask)) {
		printf("#   0x%05x after 0: 0x%08x\n", off, got);
		cur_fail++;
	}
}

/* Every register without special semantics: stores exactly wmask. */
static void test_plain_masks(void)
{
	unsigned int i, j, n = 0;

	for (i = 1; i < e1000_core_reg_count(); i++) {
		const struct e1000_reg_desc *d = e1000_core_reg_at(i);

		/*
		 * STATUS is computed from CTRL and the PHY: see test_read_only.
		 * REGF_PASS only tells passes in flight: still plain storage.
		 */
		if (d->read || d->write || (d->flags & ~E1000_REGF_PASS) ||
		    d->off == E1000_STATUS)
			continue;
		for (j = 0; j < d->count; j++, n++)
			check_mask(d->off + 4 * j, d->reset, d->wmask);
	}
	/* Sanity: the walk covered the big arrays. */
	EXPECT(n > 128 + 128);
	EXPECT_EQ(F.kick_calls, 0);
}

static void test_special_masks(void)
{
	int i;

	/* Spot checks of masks the manual gives, independent of the table. */
	check_mask(E1000_RDBAL, 0, 0xFFFFFFF0);
	check_mask(E1000_TDBAL, 0, 0xFFFFFFF0);
	check_mask(E1000_RDLEN, 0, 0x000FFF80);
	check_mask(E1000_TDLEN, 0, 0x000FFF80);
	check_mask(E1000_RDH, 0, 0xFFFF);
	check_mask(E1000_TDH, 0, 0xFFFF);
	check_mask(E1000_FCAH, 0, 0xFFFF);
	check_mask(E1000_TXCW, 0, 0xC000FFFF);
	check_mask(E1000_MTA + 4 * 127, 0, 0xFFFFFFFF);
	check_mask(E1000_VFTA, 0, 0xFFFFFFFF);
	/* Handler-backed registers that still store a mask. */
	check_mask(E1000_RCTL, 0, 0x06DFB3FE);
	check_mask(E1000_TCTL, 0, 0x013FFFFA);
	check_mask(E1000_RDT, 0, 0xFFFF);
	check_mask(E1000_TDT, 0, 0xFFFF);
	check_mask(E1000_RDTR, 0, 0xFFFF);	/* FPD reads 0 */
	check_mask(E1000_TIDV, 0, 0xFFFF);
	check_mask(E1000_CTRL_EXT, 0, 0x0022DFFF);	/* EE_RST self-clears */
	for (i = 0; i < E1000_RAR_ENTRIES; i++) {
		check_mask(E1000_RAL(i), 0, 0xFFFFFFFF);
		check_mask(E1000_RAH(i), 0, 0x8003FFFF);
	}
	/* PBA: the TX share follows the RX share. */
	wr(E1000_PBA, 0x28);
	EXPECT_EQ(rd(E1000_PBA), 0x00180028);
	wr(E1000_PBA, 0xFFFFFFFF);
	EXPECT_EQ(rd(E1000_PBA), 0x0000FFFF);
	/* CTRL: everything but RST is stored. */
	wr(E1000_CTRL, 0xFFFFFFFF & ~E1000_CTRL_RST);
	EXPECT_EQ(rd(E1000_CTRL), 0xD8FC1BE9);
	wr(E1000_CTRL, 0);
	EXPECT_EQ(rd(E1000_CTRL), 0);
	/* EECD: only SK, CS, DI, FWE and REQ are software's. */
	wr(E1000_EECD, 0xFFFFFFFF & ~E1000_EECD_CS);
	EXPECT_EQ(rd(E1000_EECD), 0x75 | E1000_EECD_GNT | E1000_EECD_PRES |
	      E1000_EECD_DO);
	/* TCTL.SWXOFF self-clears. */
	wr(E1000_TCTL, E1000_TCTL_SWXOFF | E1000_TCTL_PSP);
	EXPECT_EQ(rd(E1000_TCTL), E1000_TCTL_PSP);
}

static void test_read_only(void)
{
	static const u32 ro[] = { E1000_STATUS, E1000_RXCW, E1000_WUPL,
				  E1000_WUPM, E1000_WUPM + 124, E1000_TPR,
				  E1000_GORCL, E1000_GORCH, E1000_CRCERRS,
				  E1000_TSCTFC, E1000_WUS };
	unsigned int i;
	u32 before;

	wr(E1000_CTRL, E1000_CTRL_SLU);
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		before = rd(ro[i]);
		wr(ro[i], 0xFFFFFFFF);
		EXPECT_EQ(rd(ro[i]), before);
		wr(ro[i], 0);
		EXPECT_EQ(rd(ro[i]), before);
	}
	EXPECT_EQ(rd(E1000_STATUS), E1000_STATUS_FD | E1000_STATUS_LU |
		  E1000_STATUS_SPEED_1000 | 0x200);
	/* Write-only registers read 0. */
	wr(E1000_IMS, 0x9F);
	EXPECT_EQ(rd(E1000_IMC), 0);
	EXPECT_EQ(rd(E1000_ICS), 0);
	EXPECT_EQ(rd(E1000_IMS), 0x9F);
	EXPECT_EQ(F.core.cnt.mmio_unknown, 0);
}

/* ---- interrupts ---- */

static void test_interrupts(void)
{
	unsigned int calls;

	wr(E1000_ICS, E1000_ICR_TXDW);
	EXPECT(!F.line);
	EXPECT_EQ(F.irq_calls, 0);
	wr(E1000_IMS, E1000_ICR_TXDW);
	EXPECT(F.line);
	EXPECT_EQ(F.irq_rises, 1);
	EXPECT_EQ(F.core.cnt.irqs, 1);
	/* More causes while high: no new edge. */
	wr(E1000_ICS, E1000_ICR_RXT0);
	EXPECT_EQ(F.irq_calls, 1);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXDW | E1000_ICR_RXT0);
	EXPECT(!F.line);
	EXPECT_EQ(F.irq_calls, 2);
	EXPECT_EQ(rd(E1000_ICR), 0);

	/* IMC masks a pending cause: line drops, cause stays. */
	wr(E1000_ICS, E1000_ICR_TXDW);
	EXPECT(F.line);
	wr(E1000_IMC, E1000_ICR_TXDW);
	EXPECT(!F.line);
	EXPECT_EQ(rd(E1000_IMS), 0);
	wr(E1000_IMS, E1000_ICR_TXDW);
	EXPECT(F.line);
	/* Writing 1s to ICR clears those causes. */
	wr(E1000_ICR, E1000_ICR_TXDW);
	EXPECT(!F.line);
	EXPECT_EQ(rd(E1000_ICR), 0);

	/* Reserved bits do not stick; every 82540 cause does. */
	wr(E1000_ICS, 0xFFFFFFFF);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_VALID_MASK);
	wr(E1000_IMS, 0xFFFFFFFF);
	EXPECT_EQ(rd(E1000_IMS), E1000_ICR_VALID_MASK);
	wr(E1000_IMC, 0xFFFFFFFF);

	/* e1000_core_raise is ICS for the data path. */
	calls = F.irq_calls;
	e1000_core_raise(&F.core, E1000_ICR_RXO);
	EXPECT_EQ(F.irq_calls, calls);
	wr(E1000_IMS, E1000_ICR_RXO);
	EXPECT(F.line);
	EXPECT(e1000_core_irq_pending(&F.core));
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_RXO);
	EXPECT(!e1000_core_irq_pending(&F.core));
	EXPECT(!F.line);
}

/* "ISR": an asserted line is serviced after the write that raised it. */
static u32 test_icr;

static void intr_write(u32 off, u32 val)
{
	wr(off, val);
	if (F.line)
		test_icr |= rd(E1000_ICR);
}

/* e1000_intr_test() of the Linux driver, unshared-interrupt flavour. */
static void test_linux_intr_test(void)
{
	u32 mask, i;

	intr_write(E1000_IMC, 0xFFFFFFFF);
	for (i = 0; i < 10; i++) {
		mask = 1 << i;
		test_icr = 0;
		intr_write(E1000_IMC, mask);
		intr_write(E1000_ICS, mask);
		EXPECT(!(test_icr & mask));

		test_icr = 0;
		intr_write(E1000_IMS, mask);
		intr_write(E1000_ICS, mask);
		EXPECT(test_icr & mask);

		test_icr = 0;
		intr_write(E1000_IMC, ~mask & 0x00007FFF);
		intr_write(E1000_ICS, ~mask & 0x00007FFF);
		EXPECT_EQ(test_icr, 0);
	}
	intr_write(E1000_IMC, 0xFFFFFFFF);
	EXPECT(!F.line);
}

/* ---- EEPROM ---- */

static u16 eerd_read(u32 addr)
{
	u32 v;

	wr(E1000_EERD, addr << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
	v = rd(E1000_EERD);
	EXPECT(v & E1000_EERD_DONE);
	EXPECT_EQ((v & E1000_EERD_ADDR_MASK) >> E1000_EERD_ADDR_SHIFT, addr);
	return v >> E1000_EERD_DATA_SHIFT;
}

static void test_eerd(void)
{
	u16 sum = 0;
	int i;

	for (i = 0; i < 3; i++)
		EXPECT_EQ(eerd_read(i), ee_word(i));
	EXPECT_EQ(eerd_read(EEPROM_DEVICE_ID), 0x100E);
	EXPECT_EQ(eerd_read(EEPROM_VENDOR_ID), 0x8086);
	EXPECT_EQ(eerd_read(EEPROM_SUBSYSTEM_VENDOR), 0x8086);
	EXPECT_EQ(eerd_read(EEPROM_INIT_CONTROL1_REG) & 0xC000, 0x4000);
	EXPECT_EQ(eerd_read(EEPROM_INIT_CONTROL2_REG) & 0x3000, 0x3000);
	for (i = 0; i < E1000_EEPROM_WORDS; i++) {
		u16 w = eerd_read(i);

		EXPECT_EQ(w, F.core.eeprom[i]);
		sum += w;
	}
	EXPECT_EQ(sum, EEPROM_SUM);
	/* Without START nothing is read. */
	wr(E1000_EERD, 5 << E1000_EERD_ADDR_SHIFT);
	EXPECT_EQ(rd(E1000_EERD), 5 << E1000_EERD_ADDR_SHIFT);
	/* A 64-word part sees 6 address bits. */
	EXPECT_EQ(eerd_read(64 + EEPROM_DEVICE_ID), 0x100E);
}

/*
 * The image against the 8254x SDM's EEPROM map (5.6), word by word, and
 * against the state the rest of the model has: on hardware that state is
 * loaded from these words, so the two must tell one story.
 */
static void test_eeprom_map(void)
{
	const u16 *ee = F.core.eeprom;
	struct e1000_pci pci;
	u16 icw1 = ee[EEPROM_INIT_CONTROL1_REG];
	u16 icw2 = ee[EEPROM_INIT_CONTROL2_REG];
	u16 sum = 0;
	int i;

	/* 00h-02h: the station address, byte 1 in the low byte of word 0. */
	for (i = 0; i < 3; i++)
		EXPECT_EQ(ee[EEPROM_MAC_ADDR_0 + i], ee_word(i));
	/* 03h: an add-in card: not LOM, no server or client restriction. */
	EXPECT_EQ(ee[EEPROM_COMPAT] & (EEPROM_COMPAT_LOM |
		  EEPROM_COMPAT_SERVER | EEPROM_COMPAT_CLIENT), 0);
	/* 04h: no OEM LED configuration: drivers use their defaults. */
	EXPECT_EQ(ee[EEPROM_ID_LED_SETTINGS], EEPROM_ID_LED_DEFAULTS);
	/* 05h-07h: image version and OEM words, unused. */
	EXPECT_EQ(ee[EEPROM_VERSION], 0);
	EXPECT_EQ(ee[EEPROM_OEM_0], 0);
	EXPECT_EQ(ee[EEPROM_OEM_1], 0);
	/* 08h-09h: a PBA number, not the later parts' pointer marker. */
	EXPECT(ee[EEPROM_PBA_BYTE_1] != 0xFAFA);
	EXPECT(ee[EEPROM_PBA_BYTE_1] != EEPROM_UNPROGRAMMED);
	/* 0Ah: a valid image (01b), which loads the PCI IDs of 0Bh-0Eh. */
	EXPECT_EQ(icw1 & EEPROM_ICW1_SIGNATURE_MASK, EEPROM_ICW1_SIGNATURE);
	EXPECT(icw1 & EEPROM_ICW1_LOAD_SUBSYS_ID);
	EXPECT(icw1 & EEPROM_ICW1_LOAD_DEV_ID);
	/* CTRL's reset value is what ICW1 loads. */
	EXPECT_EQ(!!(icw1 & EEPROM_ICW1_FD), !!(rd(E1000_CTRL) & E1000_CTRL_FD));
	EXPECT_EQ(!!(icw1 & EEPROM_ICW1_ILOS),
		  !!(rd(E1000_CTRL) & E1000_CTRL_ILOS));
	EXPECT_EQ(!!(icw1 & EEPROM_ICW1_LRST),
		  !!(rd(E1000_CTRL) & E1000_CTRL_LRST));
	EXPECT_EQ(icw1 & EEPROM_ICW1_SWDPIO, 0);
	/* Full power management: the PM capability is in config space. */
	EXPECT(icw1 & EEPROM_ICW1_PM);
	/* 0Bh-0Eh agree with what the configuration space reports. */
	e1000_pci_init(&pci, E1000_MODEL_82540EM);
	EXPECT_EQ(ee[EEPROM_SUBSYSTEM_ID],
		  e1000_pci_read(&pci, PCI_SUBSYSTEM_ID, 2, false));
	EXPECT_EQ(ee[EEPROM_SUBSYSTEM_VENDOR],
		  e1000_pci_read(&pci, PCI_SUBSYSTEM_VENDOR_ID, 2, false));
	EXPECT_EQ(ee[EEPROM_DEVICE_ID],
		  e1000_pci_read(&pci, PCI_DEVICE_ID, 2, false));
	EXPECT_EQ(ee[EEPROM_VENDOR_ID],
		  e1000_pci_read(&pci, PCI_VENDOR_ID, 2, false));
	EXPECT_EQ(ee[EEPROM_SUBSYSTEM_ID], 0x001E);	/* PRO/1000 MT Desktop */
	EXPECT_EQ(ee[EEPROM_DEVICE_ID], 0x100E);
	/* 0Fh: the pause abilities the PHY advertises; no TBI autoneg. */
	EXPECT_EQ(!!(icw2 & EEPROM_WORD0F_PAUSE),
		  !!(F.core.phy[PHY_AUTONEG_ADV] & NWAY_AR_PAUSE));
	EXPECT_EQ(!!(icw2 & EEPROM_WORD0F_ASM_DIR),
		  !!(F.core.phy[PHY_AUTONEG_ADV] & NWAY_AR_ASM_DIR));
	EXPECT_EQ(icw2 & EEPROM_WORD0F_ANE, 0);
	/* 10h-1Fh: no second port. */
	for (i = EEPROM_PORT_B_FIRST; i <= EEPROM_PORT_B_LAST; i++)
		EXPECT_EQ(ee[i], 0);
	/* 20h: no software-defined pin used; 22h: no power figures. */
	EXPECT_EQ(ee[EEPROM_SWDEF_PINS_CTRL], 0);
	EXPECT_EQ(ee[EEPROM_POWER], 0);
	/* 24h: no APM wake-up, as WUC.APME is clear at reset. */
	EXPECT_EQ(ee[EEPROM_INIT_CONTROL3_PORT_A] & EEPROM_APME, 0);
	EXPECT_EQ(rd(E1000_WUC) & E1000_WUC_APME, 0);
	/* 30h-3Eh: no boot agent, the words erased. */
	for (i = EEPROM_PXE_FIRST; i <= EEPROM_PXE_LAST; i++)
		EXPECT_EQ(ee[i], EEPROM_UNPROGRAMMED);
	/* 3Fh: all 64 words add up to BABAh. */
	for (i = 0; i < E1000_EEPROM_WORDS; i++)
		sum += ee[i];
	EXPECT_EQ(sum, EEPROM_SUM);
}

/* Another station address changes words 0-2 and the checksum, no other. */
static void test_eeprom_other_mac(void)
{
	static const u8 mac[6] = { 0x02, 0xAB, 0xCD, 0xEF, 0x01, 0x23 };
	struct e1000_core *c = malloc(sizeof(*c));
	u16 sum = 0;
	int i;

	if (!c) {
		EXPECT(c != NULL);
		return;
	}
	e1000_core_init(c, &fake_platform, &F, mac, E1000_MODEL_82540EM);
	EXPECT_EQ(c->eeprom[0], 0xAB02);
	EXPECT_EQ(c->eeprom[1], 0xEFCD);
	EXPECT_EQ(c->eeprom[2], 0x2301);
	for (i = 3; i < EEPROM_CHECKSUM_REG; i++)
		EXPECT_EQ(c->eeprom[i], F.core.eeprom[i]);
	for (i = 0; i < E1000_EEPROM_WORDS; i++)
		sum += c->eeprom[i];
	EXPECT_EQ(sum, EEPROM_SUM);
	free(c);
}

/* The Linux driver's Microwire bit-bang (e1000_hw.c), step for step. */
static void ee_raise_clk(u32 *eecd)
{
	*eecd |= E1000_EECD_SK;
	wr(E1000_EECD, *eecd);
}

static void ee_lower_clk(u32 *eecd)
{
	*eecd &= ~E1000_EECD_SK;
	wr(E1000_EECD, *eecd);
}

static void ee_shift_out(u16 data, u16 count)
{
	u32 eecd = rd(E1000_EECD) & ~E1000_EECD_DO;
	u32 mask = 1u << (count - 1);

	do {
		eecd &= ~E1000_EECD_DI;
		if (data & mask)
			eecd |= E1000_EECD_DI;
		wr(E1000_EECD, eecd);
		ee_raise_clk(&eecd);
		ee_lower_clk(&eecd);
		mask >>= 1;
	} while (mask);
	eecd &= ~E1000_EECD_DI;
	wr(E1000_EECD, eecd);
}

static u16 ee_shift_in(u16 count)
{
	u32 eecd = rd(E1000_EECD) & ~(E1000_EECD_DO | E1000_EECD_DI);
	u16 data = 0;
	u32 i;

	for (i = 0; i < count; i++) {
		data <<= 1;
		ee_raise_clk(&eecd);
		eecd = rd(E1000_EECD) & ~E1000_EECD_DI;
		if (eecd & E1000_EECD_DO)
			data |= 1;
		ee_lower_clk(&eecd);
	}
	return data;
}

static bool ee_acquire(void)
{
	u32 eecd = rd(E1000_EECD) | E1000_EECD_REQ;

	wr(E1000_EECD, eecd);
	eecd = rd(E1000_EECD);
	if (!(eecd & E1000_EECD_GNT))
		return false;
	eecd &= ~(E1000_EECD_DI | E1000_EECD_SK);
	wr(E1000_EECD, eecd);
	eecd |= E1000_EECD_CS;
	wr(E1000_EECD, eecd);
	return true;
}

static void ee_standby(void)
{
	u32 eecd = rd(E1000_EECD);

	eecd &= ~(E1000_EECD_CS | E1000_EECD_SK);
	wr(E1000_EECD, eecd);
	eecd |= E1000_EECD_SK;
	wr(E1000_EECD, eecd);
	eecd |= E1000_EECD_CS;
	wr(E1000_EECD, eecd);
	eecd &= ~E1000_EECD_SK;
	wr(E1000_EECD, eecd);
}

static void ee_release(void)
{
	u32 eecd = rd(E1000_EECD);

	eecd &= ~(E1000_EECD_CS | E1000_EECD_DI);
	wr(E1000_EECD, eecd);
	eecd |= E1000_EECD_SK;
	wr(E1000_EECD, eecd);
	eecd &= ~E1000_EECD_SK;
	wr(E1000_EECD, eecd);
	eecd &= ~E1000_EECD_REQ;
	wr(E1000_EECD, eecd);
}

/* e1000_read_eeprom() for a Microwire part with 6 address bits. */
static bool linux_read_eeprom(u16 offset, u16 words, u16 *data)
{
	u16 i;

	if (!ee_acquire())
		return false;
	for (i = 0; i < words; i++) {
		ee_shift_out(E1000_EEPROM_READ_OPCODE_MICROWIRE, 3);
		ee_shift_out(offset + i, 6);
		data[i] = ee_shift_in(16);
		ee_standby();
	}
	ee_release();
	return true;
}

static void test_eecd_bitbang(void)
{
	u16 words[E1000_EEPROM_WORDS], sum = 0;
	u16 w[3];
	int i;

	/* 64-word part: EECD.SIZE clear, so Linux uses 6 address bits. */
	EXPECT(!(rd(E1000_EECD) & E1000_EECD_SIZE));
	EXPECT(!(rd(E1000_EECD) & E1000_EECD_GNT));
	EXPECT(linux_read_eeprom(0, 3, w));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(w[i], ee_word(i));
	EXPECT(!(rd(E1000_EECD) & E1000_EECD_GNT));

	EXPECT(linux_read_eeprom(0, E1000_EEPROM_WORDS, words));
	for (i = 0; i < E1000_EEPROM_WORDS; i++) {
		EXPECT_EQ(words[i], eerd_read(i));
		sum += words[i];
	}
	EXPECT_EQ(sum, 0xBABA);
	/* One word at a time, as e1000_eeprom_test() does. */
	EXPECT(linux_read_eeprom(EEPROM_DEVICE_ID, 1, w));
	EXPECT_EQ(w[0], 0x100E);
}

/*
 * U-Boot's e1000 driver (drivers/net/e1000.c) marks the EEPROM semaphore
 * present on every part: before each word it sets SWSM.SWESMBI and must
 * read it back, and SW_FW_SYNC must show no owner; then the Linux-style
 * Microwire read.  Without SWSM the semaphore never comes and U-Boot
 * reads the MAC address as 00:00:00:00:00:00.
 */
static bool uboot_semaphore(void)
{
	int timeout = E1000_EEPROM_WORDS + 1;

	while (timeout--) {
		wr(E1000_SWSM, rd(E1000_SWSM) | E1000_SWSM_SWESMBI);
		if (rd(E1000_SWSM) & E1000_SWSM_SWESMBI)
			return true;
	}
	return false;
}

static void test_eeprom_uboot(void)
{
	u16 w[3];
	bool got;
	int i;

	EXPECT_EQ(rd(E1000_SWSM), 0);
	for (i = 0; i < 3; i++) {
		got = uboot_semaphore();
		EXPECT(got);
		if (!got)
			return;
		EXPECT(linux_read_eeprom(i, 1, &w[i]));
		wr(E1000_SWSM, rd(E1000_SWSM) & ~E1000_SWSM_SWESMBI);
		EXPECT_EQ(w[i], ee_word(i));
	}
	EXPECT_EQ(rd(E1000_SWSM), 0);
	/* Only the two semaphore bits are kept; a reset drops them. */
	wr(E1000_SWSM, 0xFFFFFFFF);
	EXPECT_EQ(rd(E1000_SWSM), E1000_SWSM_SMBI | E1000_SWSM_SWESMBI);
	wr(E1000_CTRL, E1000_CTRL_RST);
	EXPECT_EQ(rd(E1000_SWSM), 0);
}

static void test_eecd_protocol(void)
{
	u32 eecd;
	u16 w[2];

	/* Leading zeros before the start bit are ignored. */
	EXPECT(ee_acquire());
	ee_shift_out(0, 2);
	ee_shift_out(E1000_EEPROM_READ_OPCODE_MICROWIRE, 3);
	ee_shift_out(EEPROM_DEVICE_ID, 6);
	/* The dummy bit is low until the first falling edge... */
	w[0] = ee_shift_in(16);
	/* ...and clocking on reads the next word (sequential read). */
	w[1] = ee_shift_in(16);
	EXPECT_EQ(w[0], 0x100E);
	EXPECT_EQ(w[1], 0x8086);
	ee_release();

	/* An erase/write command is ignored and DO idles high (ready). */
	EXPECT(ee_acquire());
	ee_shift_out(0x7, 3);
	ee_shift_out(0, 6);
	ee_shift_out(0, 16);
	eecd = rd(E1000_EECD);
	EXPECT(eecd & E1000_EECD_DO);
	ee_release();
	EXPECT_EQ(eerd_read(0), ee_word(0));

	/* Dropping CS mid-command aborts it. */
	EXPECT(ee_acquire());
	ee_shift_out(E1000_EEPROM_READ_OPCODE_MICROWIRE, 3);
	ee_shift_out(1, 3);
	ee_standby();
	ee_shift_out(E1000_EEPROM_READ_OPCODE_MICROWIRE, 3);
	ee_shift_out(2, 6);
	EXPECT_EQ(ee_shift_in(16), ee_word(2));
	ee_release();

	/* CTRL_EXT.EE_RST restarts the interface and self-clears. */
	EXPECT(ee_acquire());
	ee_shift_out(E1000_EEPROM_READ_OPCODE_MICROWIRE, 3);
	wr(E1000_CTRL_EXT, E1000_CTRL_EXT_EE_RST);
	EXPECT_EQ(rd(E1000_CTRL_EXT), 0);
	ee_shift_out(E1000_EEPROM_READ_OPCODE_MICROWIRE, 3);
	ee_shift_out(1, 6);
	EXPECT_EQ(ee_shift_in(16), ee_word(1));
	ee_release();
}

/* ---- PHY ---- */

static u32 mdic(u32 op, u32 phy, u32 reg, u16 data)
{
	wr(E1000_MDIC, op | phy << E1000_MDIC_PHY_SHIFT |
	   reg << E1000_MDIC_REG_SHIFT | data);
	return rd(E1000_MDIC);
}

static u16 phy_rd(u32 reg)
{
	u32 v = mdic(E1000_MDIC_OP_READ, 1, reg, 0);

	EXPECT(v & E1000_MDIC_READY);
	EXPECT(!(v & E1000_MDIC_ERROR));
	return v & 0xFFFF;
}

static void phy_wr(u32 reg, u16 val)
{
	u32 v = mdic(E1000_MDIC_OP_WRITE, 1, reg, val);

	EXPECT(v & E1000_MDIC_READY);
	EXPECT(!(v & E1000_MDIC_ERROR));
}

static void test_mdic(void)
{
	u32 v;

	EXPECT_EQ(phy_rd(PHY_ID1), 0x0141);
	EXPECT_EQ(phy_rd(PHY_ID2), 0x0C20);
	EXPECT_EQ((u32)phy_rd(PHY_ID1) << 16 | (phy_rd(PHY_ID2) & 0xFFF0),
		  M88E1011_I_PHY_ID);
	EXPECT_EQ(phy_rd(PHY_CTRL), 0x1140);
	EXPECT_EQ(phy_rd(PHY_STATUS), 0x796D);
	EXPECT_EQ(phy_rd(PHY_AUTONEG_ADV), 0x0DE1);
	EXPECT(phy_rd(PHY_LP_ABILITY) & NWAY_LPAR_ACKNOWLEDGE);
	EXPECT_EQ(phy_rd(PHY_1000T_STATUS) & 0x3C00, 0x3C00);
	EXPECT_EQ(phy_rd(M88E1000_PHY_SPEC_STATUS) & 0xEC00, 0xAC00);

	phy_wr(PHY_AUTONEG_ADV, 0x0181);
	EXPECT_EQ(phy_rd(PHY_AUTONEG_ADV), 0x0181);
	phy_wr(M88E1000_PHY_SPEC_CTRL, 0x0808);
	EXPECT_EQ(phy_rd(M88E1000_PHY_SPEC_CTRL), 0x0808);
	/* Read-only registers ignore writes. */
	phy_wr(PHY_ID1, 0);
	phy_wr(PHY_STATUS, 0);
	EXPECT_EQ(phy_rd(PHY_ID1), 0x0141);
	EXPECT_EQ(phy_rd(PHY_STATUS), 0x796D);
	/* RESET and RESTART_AUTO_NEG self-clear. */
	phy_wr(PHY_CTRL, 0x1140 | MII_CR_RESET | MII_CR_RESTART_AUTO_NEG);
	EXPECT_EQ(phy_rd(PHY_CTRL), 0x1140);

	/* Only PHY address 1 answers; bad opcodes fail too. */
	v = mdic(E1000_MDIC_OP_READ, 2, PHY_ID1, 0);
	EXPECT_EQ(v & (E1000_MDIC_READY | E1000_MDIC_ERROR),
		  E1000_MDIC_READY | E1000_MDIC_ERROR);
	v = mdic(E1000_MDIC_OP_WRITE, 0, PHY_CTRL, MII_CR_POWER_DOWN);
	EXPECT(v & E1000_MDIC_ERROR);
	EXPECT_EQ(phy_rd(PHY_CTRL), 0x1140);
	v = mdic(0, 1, PHY_ID1, 0);
	EXPECT(v & E1000_MDIC_ERROR);
	v = mdic(E1000_MDIC_OP_MASK, 1, PHY_ID1, 0);
	EXPECT(v & E1000_MDIC_ERROR);
	/* A later good access clears ERROR. */
	EXPECT_EQ(phy_rd(PHY_ID2), 0x0C20);

	/* MDIC.I raises MDAC on completion. */
	wr(E1000_IMS, E1000_ICR_MDAC);
	EXPECT(!F.line);
	v = mdic(E1000_MDIC_OP_READ | E1000_MDIC_INT_EN, 1, PHY_ID1, 0);
	EXPECT(F.line);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_MDAC);
	EXPECT_EQ(F.core.cnt.mmio_unknown, 0);
}

static void test_link(void)
{
	u32 st;

	wr(E1000_IMS, E1000_ICR_LSC);
	EXPECT(!(rd(E1000_STATUS) & E1000_STATUS_LU));
	/* SLU lets the MAC see the PHY's link: LSC. */
	wr(E1000_CTRL, rd(E1000_CTRL) | E1000_CTRL_SLU);
	st = rd(E1000_STATUS);
	EXPECT_EQ(st & (E1000_STATUS_LU | E1000_STATUS_FD |
			E1000_STATUS_SPEED_MASK),
		  E1000_STATUS_LU | E1000_STATUS_FD | E1000_STATUS_SPEED_1000);
	EXPECT(F.line);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_LSC);

	/* Powering the PHY down drops the link. */
	phy_wr(PHY_CTRL, 0x1140 | MII_CR_POWER_DOWN);
	EXPECT(!(rd(E1000_STATUS) & E1000_STATUS_LU));
	EXPECT(!(phy_rd(PHY_STATUS) & MII_SR_LINK_STATUS));
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_LSC);
	phy_wr(PHY_CTRL, 0x1140);
	EXPECT(rd(E1000_STATUS) & E1000_STATUS_LU);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_LSC);

	/* Advertising only 100/half resolves to that on restart. */
	phy_wr(PHY_1000T_CTRL, 0);
	phy_wr(PHY_AUTONEG_ADV, NWAY_AR_SELECTOR_802_3 | NWAY_AR_100TX_HD_CAPS);
	EXPECT_EQ(rd(E1000_STATUS) & E1000_STATUS_SPEED_MASK,
		  E1000_STATUS_SPEED_1000);
	phy_wr(PHY_CTRL, 0x1140 | MII_CR_RESTART_AUTO_NEG);
	st = rd(E1000_STATUS);
	EXPECT_EQ(st & (E1000_STATUS_FD | E1000_STATUS_SPEED_MASK),
		  E1000_STATUS_SPEED_100);
	/* Nothing in common: no link. */
	phy_wr(PHY_AUTONEG_ADV, NWAY_AR_SELECTOR_802_3);
	phy_wr(PHY_CTRL, 0x1140 | MII_CR_RESTART_AUTO_NEG);
	EXPECT(!(rd(E1000_STATUS) & E1000_STATUS_LU));
	/* Forced 10/full without autonegotiation. */
	phy_wr(PHY_CTRL, MII_CR_FULL_DUPLEX | MII_CR_SPEED_10);
	st = rd(E1000_STATUS);
	EXPECT_EQ(st & (E1000_STATUS_LU | E1000_STATUS_FD |
			E1000_STATUS_SPEED_MASK),
		  E1000_STATUS_LU | E1000_STATUS_FD | E1000_STATUS_SPEED_10);
	EXPECT(!(phy_rd(PHY_STATUS) & MII_SR_AUTONEG_COMPLETE));
	/* The MAC can force its own speed/duplex view. */
	wr(E1000_CTRL, E1000_CTRL_SLU | E1000_CTRL_FRCSPD | E1000_CTRL_FRCDPLX |
	   E1000_CTRL_SPD_100);
	st = rd(E1000_STATUS);
	EXPECT_EQ(st & (E1000_STATUS_LU | E1000_STATUS_FD |
			E1000_STATUS_SPEED_MASK),
		  E1000_STATUS_LU | E1000_STATUS_SPEED_100);

	/* CTRL.PHY_RST holds the link down; release restores defaults. */
	wr(E1000_CTRL, E1000_CTRL_SLU | E1000_CTRL_PHY_RST);
	EXPECT(!(rd(E1000_STATUS) & E1000_STATUS_LU));
	wr(E1000_CTRL, E1000_CTRL_SLU);
	EXPECT(rd(E1000_STATUS) & E1000_STATUS_LU);
	EXPECT_EQ(phy_rd(PHY_CTRL), 0x1140);
	EXPECT_EQ(phy_rd(PHY_AUTONEG_ADV), 0x0DE1);
	EXPECT_EQ(rd(E1000_STATUS) & E1000_STATUS_SPEED_MASK,
		  E1000_STATUS_SPEED_1000);
}

static void test_loopback(void)
{
	EXPECT(!e1000_core_loopback(&F.core));
	wr(E1000_RCTL, E1000_RCTL_LBM_MAC);
	EXPECT(e1000_core_loopback(&F.core));
	wr(E1000_RCTL, E1000_RCTL_LBM_MASK);	/* 11b: reserved, not MAC */
	EXPECT(!e1000_core_loopback(&F.core));
	wr(E1000_RCTL, 0);
	/* e1000_integrated_phy_loopback(): PHY loopback at forced 1000/FD. */
	wr(E1000_CTRL, E1000_CTRL_SLU);
	phy_wr(PHY_CTRL, 0x4140);
	EXPECT(e1000_core_loopback(&F.core));
	wr(E1000_CTRL, E1000_CTRL_FRCSPD | E1000_CTRL_FRCDPLX |
	   E1000_CTRL_SPD_1000 | E1000_CTRL_FD | E1000_CTRL_ILOS |
	   E1000_CTRL_SLU);
	EXPECT_EQ(rd(E1000_STATUS) & (E1000_STATUS_LU | E1000_STATUS_FD |
				      E1000_STATUS_SPEED_MASK),
		  E1000_STATUS_LU | E1000_STATUS_FD | E1000_STATUS_SPEED_1000);
	phy_wr(PHY_CTRL, 0x1140);
	EXPECT(!e1000_core_loopback(&F.core));
}

/* ---- statistics ---- */

static void test_statistics(void)
{
	u32 off;

	for (off = E1000_STATS_BASE; off < E1000_STATS_END; off += 4) {
		if (!e1000_core_reg_lookup(off))
			continue;
		e1000_core_stat_add(&F.core, off, off);
	}
	/* 32-bit counters: read returns the count and clears it. */
	EXPECT_EQ(rd(E1000_CRCERRS), E1000_CRCERRS);
	EXPECT_EQ(rd(E1000_CRCERRS), 0);
	EXPECT_EQ(rd(E1000_TPR), E1000_TPR);
	EXPECT_EQ(rd(E1000_TPR), 0);
	EXPECT_EQ(rd(E1000_TSCTFC), E1000_TSCTFC);
	EXPECT_EQ(rd(E1000_TSCTFC), 0);
	/* 64-bit: reading low keeps the pair, reading high clears both. */
	EXPECT_EQ(rd(E1000_GORCL), E1000_GORCL);
	EXPECT_EQ(rd(E1000_GORCL), E1000_GORCL);
	EXPECT_EQ(rd(E1000_GORCH), E1000_GORCH);
	EXPECT_EQ(rd(E1000_GORCL), 0);
	EXPECT_EQ(rd(E1000_GORCH), 0);
	for (off = E1000_STATS_BASE; off < E1000_STATS_END; off += 4)
		rd(off + 4 * (off == E1000_GORCL || off == E1000_GOTCL ||
			      off == E1000_TORL || off == E1000_TOTL));
	for (off = E1000_STATS_BASE; off < E1000_STATS_END; off += 4)
		EXPECT_EQ(rd(off), 0);

	e1000_core_stat_add64(&F.core, E1000_GOTCL, 0x1FFFFFFF0ULL);
	e1000_core_stat_add64(&F.core, E1000_GOTCL, 0x20);
	EXPECT_EQ(rd(E1000_GOTCL), 0x10);
	EXPECT_EQ(rd(E1000_GOTCH), 2);
	EXPECT_EQ(rd(E1000_GOTCL), 0);
	/* Counters stick at all-ones. */
	e1000_core_stat_add(&F.core, E1000_MPC, 0xFFFFFFF0);
	e1000_core_stat_add(&F.core, E1000_MPC, 0x100);
	EXPECT_EQ(rd(E1000_MPC), 0xFFFFFFFF);
	e1000_core_stat_add64(&F.core, E1000_TORL, ~0ULL);
	e1000_core_stat_add64(&F.core, E1000_TORL, 5);
	EXPECT_EQ(rd(E1000_TORL), 0xFFFFFFFF);
	EXPECT_EQ(rd(E1000_TORH), 0xFFFFFFFF);
	/* Gaps in the block are not registers. */
	EXPECT(e1000_core_reg_lookup(0x4024) == NULL);
	EXPECT(e1000_core_reg_lookup(0x4098) == NULL);
}

/* ---- unknown offsets, counters, kicks ---- */

static void test_unknown_offsets(void)
{
	static const u32 offs[] = { 0x0004, 0x000C, 0x0104, 0x4024, 0x5FFC,
				    E1000_REG_SPACE, E1000_FFMT, E1000_FFVT,
				    0x1FFFC, 0x10000 };
	unsigned int i;
	u64 r = F.core.cnt.mmio_reads, w = F.core.cnt.mmio_writes;

	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		wr(offs[i], 0xFFFFFFFF);
		EXPECT_EQ(rd(offs[i]), 0);
	}
	EXPECT_EQ(F.core.cnt.mmio_unknown, ARRAY_SIZE(offs));
	EXPECT_EQ(F.core.cnt.mmio_reads - r, ARRAY_SIZE(offs));
	EXPECT_EQ(F.core.cnt.mmio_writes - w, ARRAY_SIZE(offs));
	/* Known registers are not "unknown". */
	wr(E1000_FCAL, 1);
	EXPECT_EQ(F.core.cnt.mmio_unknown, ARRAY_SIZE(offs));
	/* Misaligned offsets hold no register either. */
	EXPECT_EQ(rd(E1000_VET + 2), 0);
	wr(E1000_VET + 1, 0);
	EXPECT_EQ(rd(E1000_VET), 0x8100);
	EXPECT_EQ(F.core.cnt.mmio_unknown, ARRAY_SIZE(offs) + 1);
	EXPECT_EQ(F.kick_calls, 0);
}

static void test_kicks(void)
{
	wr(E1000_TDT, 5);
	EXPECT_EQ(F.kick_tx, 1);
	EXPECT_EQ(F.kick_rx, 0);
	wr(E1000_RDT, 7);
	EXPECT_EQ(F.kick_rx, 1);
	EXPECT_EQ(F.kick_tx, 1);
	wr(E1000_TCTL, E1000_TCTL_PSP);
	wr(E1000_RCTL, E1000_RCTL_BAM);
	EXPECT_EQ(F.kick_calls, 2);
	wr(E1000_TCTL, E1000_TCTL_PSP | E1000_TCTL_EN);
	EXPECT_EQ(F.kick_tx, 2);
	wr(E1000_RCTL, E1000_RCTL_BAM | E1000_RCTL_EN);
	EXPECT_EQ(F.kick_rx, 2);
	/* Ring registers other than the tails do not kick. */
	wr(E1000_TDH, 0);
	wr(E1000_RDH, 0);
	wr(E1000_TDLEN, 4096);
	wr(E1000_RDBAL, 0x1000);
	EXPECT_EQ(F.kick_calls, 4);
	EXPECT_EQ(rd(E1000_TDT), 5);
	EXPECT_EQ(rd(E1000_RDT), 7);
}

/*
 * Which writes take memory back from the device (revoke_gen): the ones
 * after which a driver may free rings or buffers.  Filters, tails and an
 * engine left on do not, so they never make a vCPU wait for the data path.
 */
static void test_revocations(void)
{
	struct e1000_core *c = &F.core;
	u32 gen = c->revoke_gen;

#define EXPECT_REVOKED(n) do {				\
		EXPECT_EQ(c->revoke_gen - gen, (n));	\
		gen = c->revoke_gen;			\
	} while (0)

	wr(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM);
	wr(E1000_TCTL, E1000_TCTL_EN);		/* still on */
	wr(E1000_TDT, 3);
	wr(E1000_RDT, 3);
	wr(E1000_MTA, 0xffffffff);
	wr(E1000_RAL(1), 0x12345678);
	wr(E1000_CTRL, E1000_CTRL_SLU);
	EXPECT_REVOKED(0);
	wr(E1000_TCTL, 0);
	EXPECT_REVOKED(1);
	wr(E1000_TCTL, 0);			/* already off */
	EXPECT_REVOKED(0);
	wr(E1000_RCTL, E1000_RCTL_BAM);
	EXPECT_REVOKED(1);
	wr(E1000_TDBAL, 0x2000);
	EXPECT_REVOKED(1);
	wr(E1000_RDLEN, 4096);
	EXPECT_REVOKED(1);
	wr(E1000_CTRL, E1000_CTRL_RST);
	EXPECT_REVOKED(1);
	e1000_core_reset(c);
	EXPECT_REVOKED(1);
	e1000_core_set_bus_master(c, false);
	EXPECT_REVOKED(1);
	e1000_core_set_bus_master(c, true);
	EXPECT_REVOKED(0);
	/* Each revocation also voids the passes in flight. */
	gen = c->pass_gen;
	wr(E1000_TCTL, E1000_TCTL_EN);
	wr(E1000_TCTL, 0);
	EXPECT(c->pass_gen != gen);
#undef EXPECT_REVOKED
}

/* ---- I/O BAR ---- */

static void test_io_bar(void)
{
	/* E1000_WRITE_REG_IO(hw, CTRL, ctrl | E1000_CTRL_RST) */
	wr(E1000_VET, 0x1234);
	e1000_core_io_write(&F.core, E1000_IOADDR, E1000_CTRL);
	EXPECT_EQ(e1000_core_io_read(&F.core, E1000_IOADDR), E1000_CTRL);
	e1000_core_io_write(&F.core, E1000_IODATA,
			    rd(E1000_CTRL) | E1000_CTRL_RST);
	EXPECT_EQ(F.core.cnt.resets, 1);
	EXPECT_EQ(rd(E1000_VET), 0x8100);
	/* IODATA reads go through the register semantics (ICR clears). */
	wr(E1000_ICS, E1000_ICR_TXDW);
	e1000_core_io_write(&F.core, E1000_IOADDR, E1000_ICR);
	EXPECT_EQ(e1000_core_io_read(&F.core, E1000_IODATA), E1000_ICR_TXDW);
	EXPECT_EQ(rd(E1000_ICR), 0);
	/* IOADDR keeps a dword-aligned offset inside BAR0. */
	e1000_core_io_write(&F.core, E1000_IOADDR, 0xFFFFFFFF);
	EXPECT_EQ(e1000_core_io_read(&F.core, E1000_IOADDR), 0x1FFFC);
	EXPECT_EQ(e1000_core_io_read(&F.core, E1000_IODATA), 0);
	/* The rest of the I/O window is inert. */
	e1000_core_io_write(&F.core, 8, 0xFFFFFFFF);
	EXPECT_EQ(e1000_core_io_read(&F.core, 8), 0);
	EXPECT_EQ(e1000_core_io_read(&F.core, E1000_IO_SIZE - 4), 0);
	e1000_core_reset(&F.core);
	EXPECT_EQ(e1000_core_io_read(&F.core, E1000_IOADDR), 0);
}

/* ---- timers ---- */

static void test_timers(void)
{
	wr(E1000_IMS, E1000_ICR_TXDW | E1000_ICR_RXT0);
	/* A TX cause waiting for TIDV/TADV: whichever expires delivers it. */
	F.core.delayed_causes = E1000_ICR_TXDW | E1000_ICR_RXT0;
	F.timer[E1000_TIMER_TADV] = 1000;
	e1000_core_timer_expired(&F.core, E1000_TIMER_TIDV);
	EXPECT(F.line);
	EXPECT_EQ(F.timer[E1000_TIMER_TADV], 0);
	EXPECT_EQ(F.core.delayed_causes, E1000_ICR_RXT0);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXDW);
	/* ITR does not deliver held causes. */
	e1000_core_timer_expired(&F.core, E1000_TIMER_ITR);
	EXPECT(!F.line);
	/* RDTR.FPD flushes the held RX cause now; FPD is not stored. */
	F.timer[E1000_TIMER_RDTR] = 5;
	wr(E1000_RDTR, E1000_RDTR_FPD | 32);
	EXPECT(F.line);
	EXPECT_EQ(rd(E1000_RDTR), 32);
	EXPECT_EQ(F.timer[E1000_TIMER_RDTR], 0);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_RXT0);
	EXPECT_EQ(F.core.delayed_causes, 0);
	/* FPD with nothing held does nothing. */
	wr(E1000_TIDV, E1000_TIDV_FPD);
	EXPECT(!F.line);
	/* Expiry with nothing held and a bogus timer id are harmless. */
	e1000_core_timer_expired(&F.core, E1000_TIMER_RADV);
	e1000_core_timer_expired(&F.core, (enum e1000_timer)42);
	EXPECT(!F.line);
	EXPECT_EQ(rd(E1000_ICR), 0);
}

/* ---- the Linux driver's ethtool register test, verbatim in effect ---- */

/*
 * reg_pattern_test()/reg_set_and_check() of e1000_ethtool.c.  Upstream
 * returns at the first failure; here the first failing register is kept
 * and the walk goes on, which passes and fails on the same models.
 */
static u32 reg_test_failed;

static void fail_reg(u32 reg, u32 got, u32 want)
{
	printf("#   reg test %04X failed: got 0x%08X expected 0x%08X\n",
	       reg, got, want);
	if (!reg_test_failed)
		reg_test_failed = reg;
}

static void pattern(u32 reg, u32 mask, u32 write)
{
	static const u32 test[] = {
		0x5A5A5A5A, 0xA5A5A5A5, 0x00000000, 0xFFFFFFFF
	};
	unsigned int i;
	u32 val;

	for (i = 0; i < ARRAY_SIZE(test); i++) {
		wr(reg, write & test[i]);
		val = rd(reg);
		if (val != (write & test[i] & mask)) {
			fail_reg(reg, val, write & test[i] & mask);
			return;
		}
	}
}

static void set_check(u32 reg, u32 mask, u32 write)
{
	u32 val;

	wr(reg, write & mask);
	val = rd(reg);
	if ((val & mask) != (write & mask))
		fail_reg(reg, val & mask, write & mask);
}

/* e1000_reg_test() for mac_type >= e1000_82543; returns 0 on success. */
static u32 linux_reg_test(void)
{
	u32 value, before, after, toggle = 0xFFFFF833;
	u32 i;

	reg_test_failed = 0;
	before = rd(E1000_STATUS);
	value = rd(E1000_STATUS) & toggle;
	wr(E1000_STATUS, toggle);
	after = rd(E1000_STATUS) & toggle;
	if (value != after)
		return 1;
	wr(E1000_STATUS, before);

	pattern(E1000_FCAL, 0xFFFFFFFF, 0xFFFFFFFF);
	pattern(E1000_FCAH, 0x0000FFFF, 0xFFFFFFFF);
	pattern(E1000_FCT, 0x0000FFFF, 0xFFFFFFFF);
	pattern(E1000_VET, 0x0000FFFF, 0xFFFFFFFF);
	pattern(E1000_RDTR, 0x0000FFFF, 0xFFFFFFFF);
	pattern(E1000_RDBAH, 0xFFFFFFFF, 0xFFFFFFFF);
	pattern(E1000_RDLEN, 0x000FFF80, 0x000FFFFF);
	pattern(E1000_RDH, 0x0000FFFF, 0x0000FFFF);
	pattern(E1000_RDT, 0x0000FFFF, 0x0000FFFF);
	pattern(E1000_FCRTH, 0x0000FFF8, 0x0000FFF8);
	pattern(E1000_FCTTV, 0x0000FFFF, 0x0000FFFF);
	pattern(E1000_TIPG, 0x3FFFFFFF, 0x3FFFFFFF);
	pattern(E1000_TDBAH, 0xFFFFFFFF, 0xFFFFFFFF);
	pattern(E1000_TDLEN, 0x000FFF80, 0x000FFFFF);

	set_check(E1000_RCTL, 0xFFFFFFFF, 0x00000000);
	before = 0x06DFB3FE;
	set_check(E1000_RCTL, before, 0x003FFFFB);
	set_check(E1000_TCTL, 0xFFFFFFFF, 0x00000000);

	set_check(E1000_RCTL, before, 0xFFFFFFFF);
	pattern(E1000_RDBAL, 0xFFFFFFF0, 0xFFFFFFFF);
	pattern(E1000_TXCW, 0xC000FFFF, 0x0000FFFF);
	pattern(E1000_TDBAL, 0xFFFFFFF0, 0xFFFFFFFF);
	pattern(E1000_TIDV, 0x0000FFFF, 0x0000FFFF);
	/* E1000_RAR_ENTRIES is 15 in the Linux driver */
	for (i = 0; i < 15; i++)
		pattern(E1000_RA + (((i << 1) + 1) << 2), 0x8003FFFF,
			0xFFFFFFFF);
	for (i = 0; i < 128; i++)
		pattern(E1000_MTA + (i << 2), 0xFFFFFFFF, 0xFFFFFFFF);
	return reg_test_failed;
}

static void test_linux_reg_test(void)
{
	/* As after probe: link up. */
	wr(E1000_CTRL, E1000_CTRL_SLU);
	EXPECT_EQ(linux_reg_test(), 0);
	/* And again right after a reset, link down. */
	wr(E1000_CTRL, E1000_CTRL_RST);
	EXPECT_EQ(linux_reg_test(), 0);
	EXPECT_EQ(F.core.cnt.mmio_unknown, 0);
}

/* ---- the Linux probe path, condensed ---- */

static void test_linux_probe(void)
{
	u16 w[E1000_EEPROM_WORDS], sum = 0;
	u32 ctrl, st;
	int i;

	/* e1000_reset_hw() */
	wr(E1000_IMC, 0xFFFFFFFF);
	wr(E1000_RCTL, 0);
	wr(E1000_TCTL, E1000_TCTL_PSP);
	ctrl = rd(E1000_CTRL);
	wr(E1000_CTRL, ctrl | E1000_CTRL_RST);
	wr(E1000_MANC, rd(E1000_MANC) & ~E1000_MANC_ARP_EN);
	wr(E1000_IMC, 0xFFFFFFFF);
	rd(E1000_ICR);
	/* e1000_init_eeprom_params(): 64 words; validate the checksum. */
	EXPECT(!(rd(E1000_EECD) & E1000_EECD_SIZE));
	EXPECT(linux_read_eeprom(0, E1000_EEPROM_WORDS, w));
	for (i = 0; i <= EEPROM_CHECKSUM_REG; i++)
		sum += w[i];
	EXPECT_EQ(sum, EEPROM_SUM);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(w[i], ee_word(i));
	/* e1000_setup_copper_link(): SLU, detect the M88, reset, autoneg. */
	ctrl = rd(E1000_CTRL) | E1000_CTRL_SLU;
	ctrl &= ~(E1000_CTRL_FRCSPD | E1000_CTRL_FRCDPLX);
	wr(E1000_CTRL, ctrl);
	EXPECT_EQ((u32)phy_rd(PHY_ID1) << 16 | (phy_rd(PHY_ID2) & 0xFFF0),
		  M88E1011_I_PHY_ID);
	wr(E1000_CTRL, ctrl | E1000_CTRL_PHY_RST);
	wr(E1000_CTRL, ctrl);
	phy_wr(M88E1000_PHY_SPEC_CTRL, phy_rd(M88E1000_PHY_SPEC_CTRL) |
	       M88E1000_PSCR_AUTO_X_MODE);
	phy_wr(PHY_CTRL, phy_rd(PHY_CTRL) | MII_CR_RESET);
	phy_wr(PHY_AUTONEG_ADV, NWAY_AR_SELECTOR_802_3 | 0x1E0 | NWAY_AR_PAUSE |
	       NWAY_AR_ASM_DIR);
	phy_wr(PHY_1000T_CTRL, CR_1000T_FD_CAPS);
	phy_wr(PHY_CTRL, phy_rd(PHY_CTRL) | MII_CR_AUTO_NEG_EN |
	       MII_CR_RESTART_AUTO_NEG);
	/* e1000_check_for_link(): PHY status read twice (latched low). */
	phy_rd(PHY_STATUS);
	EXPECT(phy_rd(PHY_STATUS) & MII_SR_LINK_STATUS);
	EXPECT(phy_rd(PHY_STATUS) & MII_SR_AUTONEG_COMPLETE);
	/* e1000_get_speed_and_duplex() and the ethtool link test. */
	st = rd(E1000_STATUS);
	EXPECT(st & E1000_STATUS_LU);
	EXPECT(st & E1000_STATUS_FD);
	EXPECT_EQ(st & E1000_STATUS_SPEED_MASK, E1000_STATUS_SPEED_1000);
	/* e1000_up(): enable interrupts, fire LSC to start the watchdog. */
	wr(E1000_IMS, E1000_ICR_RXT0 | E1000_ICR_TXDW | E1000_ICR_RXDMT0 |
	   E1000_ICR_RXSEQ | E1000_ICR_LSC);
	EXPECT(F.line);		/* the LSC from setting SLU is still pending */
	EXPECT(rd(E1000_ICR) & E1000_ICR_LSC);
	wr(E1000_ICS, E1000_ICR_LSC);
	EXPECT(F.line);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_LSC);
	EXPECT(!F.line);
	EXPECT_EQ(F.core.cnt.mmio_unknown, 0);
}

/* ---- models ---- */

/*
 * The 82545EM's EEPROM, read as the driver reads it (EERD): its own IDs,
 * board number and server mark, every other word the 82540EM's, a valid
 * checksum, and the IDs the configuration space of the same model shows.
 */
static void test_eeprom_82545em(void)
{
	u16 base[E1000_EEPROM_WORDS];
	struct e1000_pci pci;
	u16 sum = 0;
	int i;

	memcpy(base, F.core.eeprom, sizeof(base));
	fake_init_model(&F, E1000_MODEL_82545EM);
	EXPECT_EQ(eerd_read(EEPROM_DEVICE_ID), 0x100F);
	EXPECT_EQ(eerd_read(EEPROM_SUBSYSTEM_ID), 0x1001);
	EXPECT_EQ(eerd_read(EEPROM_VENDOR_ID), 0x8086);
	EXPECT_EQ(eerd_read(EEPROM_SUBSYSTEM_VENDOR), 0x8086);
	EXPECT_EQ(eerd_read(EEPROM_COMPAT), EEPROM_COMPAT_SERVER);
	EXPECT_EQ(eerd_read(EEPROM_PBA_BYTE_1), 0x0545);
	EXPECT_EQ(eerd_read(EEPROM_PBA_BYTE_2), 0x0000);
	for (i = 0; i < E1000_EEPROM_WORDS; i++) {
		u16 w = eerd_read(i);

		sum += w;
		if (i == EEPROM_COMPAT || i == EEPROM_PBA_BYTE_1 ||
		    i == EEPROM_SUBSYSTEM_ID || i == EEPROM_DEVICE_ID ||
		    i == EEPROM_CHECKSUM_REG)
			continue;
		EXPECT_EQ(w, base[i]);
	}
	EXPECT_EQ(sum, EEPROM_SUM);
	EXPECT(F.core.eeprom[EEPROM_CHECKSUM_REG] !=
	       base[EEPROM_CHECKSUM_REG]);
	e1000_pci_init(&pci, E1000_MODEL_82545EM);
	EXPECT_EQ(F.core.eeprom[EEPROM_DEVICE_ID],
		  e1000_pci_read(&pci, PCI_DEVICE_ID, 2, false));
	EXPECT_EQ(F.core.eeprom[EEPROM_SUBSYSTEM_ID],
		  e1000_pci_read(&pci, PCI_SUBSYSTEM_ID, 2, false));
	EXPECT_EQ(F.core.eeprom[EEPROM_SUBSYSTEM_VENDOR],
		  e1000_pci_read(&pci, PCI_SUBSYSTEM_VENDOR_ID, 2, false));
}

/*
 * Both parts carry the M88E1011-class PHY Linux's e1000_detect_gig_phy()
 * demands of e1000_82540 and e1000_82545 alike; the registers the driver
 * programs for an M88 PHY (e1000_copper_link_mgp_setup()) behave the same.
 */
static void test_phy_82545em(void)
{
	int i;

	for (i = 0; i < E1000_NMODELS; i++) {
		fake_init_model(&F, i);
		EXPECT_EQ(phy_rd(PHY_ID1), 0x0141);
		EXPECT_EQ(phy_rd(PHY_ID2), 0x0C20);
		EXPECT_EQ((u32)phy_rd(PHY_ID1) << 16 |
			  (phy_rd(PHY_ID2) & 0xFFF0), M88E1011_I_PHY_ID);
		/* Read-only, and back after a PHY reset. */
		phy_wr(PHY_ID1, 0);
		phy_wr(PHY_ID2, 0);
		EXPECT_EQ(phy_rd(PHY_ID1), 0x0141);
		phy_wr(PHY_CTRL, phy_rd(PHY_CTRL) | MII_CR_RESET);
		EXPECT_EQ(phy_rd(PHY_ID2), 0x0C20);
		/* Auto MDI-X and CRS on TX, as the driver sets them. */
		phy_wr(M88E1000_PHY_SPEC_CTRL, 0x0868);
		EXPECT_EQ(phy_rd(M88E1000_PHY_SPEC_CTRL), 0x0868);
		phy_wr(M88E1000_EXT_PHY_SPEC_CTRL, 0x0C60 |
		       M88E1000_EPSCR_TX_CLK_25);
		EXPECT_EQ(phy_rd(M88E1000_EXT_PHY_SPEC_CTRL),
			  0x0C60 | M88E1000_EPSCR_TX_CLK_25);
		phy_wr(PHY_CTRL, phy_rd(PHY_CTRL) | MII_CR_RESET);
		EXPECT(phy_rd(PHY_STATUS) & MII_SR_LINK_STATUS);
		/* A conventional PCI slot: drivers see bus type PCI. */
		EXPECT_EQ(rd(E1000_STATUS) & E1000_STATUS_PCIX_MODE, 0);
	}
}

/* The table: each model's IDs, and an unknown one falls back safely. */
static void test_model_table(void)
{
	const struct e1000_model_desc *a = e1000_model_desc(E1000_MODEL_82540EM);
	const struct e1000_model_desc *b = e1000_model_desc(E1000_MODEL_82545EM);

	EXPECT_EQ(a->device_id, 0x100E);
	EXPECT_EQ(a->subsys_id, 0x001E);
	EXPECT(!a->pcix);
	EXPECT_EQ(b->device_id, 0x100F);
	EXPECT_EQ(b->subsys_id, 0x1001);
	EXPECT(b->pcix);
	EXPECT(e1000_model_desc(E1000_NMODELS) == a);
	EXPECT(e1000_model_desc((enum e1000_model)-1) == a);
	/* The default core is the 82540EM. */
	EXPECT(F.core.model == a);
}

/* ---- runner ---- */

static const struct test tests[] = {
	{ "register table and offset map agree", test_table_map_consistent },
	{ "descriptor layouts", test_descriptor_layout },
	{ "reset values", test_reset_values },
	{ "CTRL.RST and e1000_core_reset", test_ctrl_rst },
	{ "writable masks of plain registers", test_plain_masks },
	{ "writable masks of special registers", test_special_masks },
	{ "read-only and write-only registers", test_read_only },
	{ "ICR/ICS/IMS/IMC and the line", test_interrupts },
	{ "Linux e1000_intr_test sequence", test_linux_intr_test },
	{ "EERD reads every word", test_eerd },
	{ "EEPROM image against the 8254x EEPROM map", test_eeprom_map },
	{ "EEPROM image for another station address", test_eeprom_other_mac },
	{ "EECD bit-bang as Linux does it", test_eecd_bitbang },
	{ "EECD Microwire protocol corners", test_eecd_protocol },
	{ "EEPROM read as U-Boot does it: SWSM semaphore, then Microwire", test_eeprom_uboot },
	{ "MDIC and the PHY registers", test_mdic },
	{ "link state, speed and LSC", test_link },
	{ "loopback detection", test_loopback },
	{ "statistics read-to-clear", test_statistics },
	{ "unknown offsets and MMIO counters", test_unknown_offsets },
	{ "kicks on TDT/RDT/TCTL.EN/RCTL.EN", test_kicks },
	{ "writes that take memory back from the device", test_revocations },
	{ "delay timers and FPD", test_timers },
	{ "I/O BAR IOADDR/IODATA", test_io_bar },
	{ "Linux e1000_reg_test", test_linux_reg_test },
	{ "Linux probe sequence", test_linux_probe },
	{ "model table: IDs and fallback", test_model_table },
	{ "82545EM EEPROM words and checksum", test_eeprom_82545em },
	{ "PHY identity and M88 registers on both models", test_phy_82545em },
};

static const struct test *test_at(unsigned int i)
{
	if (i < ARRAY_SIZE(tests))
		return &tests[i];
	i -= ARRAY_SIZE(tests);
	if (i < n_datapath_tests)
		return &datapath_tests[i];
	i -= n_datapath_tests;
	if (i < n_state_tests)
		return &state_tests[i];
	return &pci_tests[i - n_state_tests];
}

int main(void)
{
	unsigned int i, passed = 0, failed = 0;
	unsigned int n = ARRAY_SIZE(tests) + n_datapath_tests + n_state_tests +
			 n_pci_tests;

	printf("TAP version 13\n");
	for (i = 0; i < n; i++) {
		const struct test *t = test_at(i);

		fake_init(&F);
		cur_fail = 0;
		t->fn();
		/* The core calls set_irq only when the level changes. */
		if (F.irq_redundant) {
			printf("#   %u redundant set_irq calls\n",
			       F.irq_redundant);
			cur_fail++;
		}
		if (F.kick_bad || F.timer_bad) {
			printf("#   %u bad kicks, %u bad timer requests\n",
			       F.kick_bad, F.timer_bad);
			cur_fail++;
		}
		if (F.irq_rises != F.core.cnt.irqs) {
			printf("#   irqs counter %llu, rises %u\n",
			       (unsigned long long)F.core.cnt.irqs,
			       F.irq_rises);
			cur_fail++;
		}
		if (cur_fail) {
			failed++;
			printf("not ok %u - %s\n", i + 1, t->name);
		} else {
			passed++;
			printf("ok %u - %s\n", i + 1, t->name);
		}
	}
	fake_fini(&F);
	printf("1..%u\n", n);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
