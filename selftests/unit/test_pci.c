// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the 82540EM's PCI configuration space (pci.c): identity,
 * read-only fields, BAR sizing, decoding, RW1C status bits, power states.
 */
#include <linux/pci_regs.h>

#include "test.h"

static struct e1000_pci P;

static u32 cr(u32 off, u32 len)
{
	return e1000_pci_read(&P, off, len);
}

static unsigned int cw(u32 off, u32 len, u32 val)
{
	return e1000_pci_write(&P, off, len, val);
}

static void test_pci_identity(void)
{
	e1000_pci_init(&P);
	EXPECT_EQ(cr(PCI_VENDOR_ID, 4), 0x100E8086);
	EXPECT_EQ(cr(PCI_VENDOR_ID, 2), 0x8086);
	EXPECT_EQ(cr(PCI_DEVICE_ID, 2), 0x100E);
	EXPECT_EQ(cr(PCI_DEVICE_ID + 1, 1), 0x10);
	EXPECT_EQ(cr(PCI_CLASS_REVISION, 4), 0x02000002);
	EXPECT_EQ(cr(PCI_HEADER_TYPE, 1), 0);
	EXPECT_EQ(cr(PCI_SUBSYSTEM_VENDOR_ID, 4), 0x001E8086);
	EXPECT_EQ(cr(PCI_COMMAND, 2), 0);
	/* Capability list, 66 MHz, medium DEVSEL#. */
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230);
	EXPECT_EQ(cr(PCI_CAPABILITY_LIST, 1), 0xdc);
	EXPECT_EQ(cr(PCI_INTERRUPT_PIN, 1), 1);
	EXPECT_EQ(cr(PCI_MIN_GNT, 1), 0xff);
	EXPECT_EQ(cr(PCI_ROM_ADDRESS, 4), 0);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_0, 4), 0);	/* memory, 32-bit */
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_2, 4), 1);	/* I/O space */
}

/* Everything a driver may not change stays as it was. */
static void test_pci_read_only(void)
{
	u8 before[E1000_PCI_CFG_SIZE];
	u32 off;

	e1000_pci_init(&P);
	memcpy(before, P.cfg, sizeof(before));
	for (off = 0; off < E1000_PCI_CFG_SIZE; off += 4) {
		if (off == PCI_COMMAND || off == PCI_CACHE_LINE_SIZE ||
		    off == PCI_BASE_ADDRESS_0 || off == PCI_BASE_ADDRESS_2 ||
		    off == PCI_INTERRUPT_LINE ||
		    off == E1000_PCI_PM_CAP + PCI_PM_CTRL)
			continue;
		cw(off, 4, 0xffffffff);
		EXPECT_EQ(cr(off, 4), before[off] | before[off + 1] << 8 |
		      before[off + 2] << 16 | (u32)before[off + 3] << 24);
	}
	/* Within writable dwords the read-only bytes hold too. */
	cw(PCI_INTERRUPT_LINE, 4, 0xffffffff);
	EXPECT_EQ(cr(PCI_INTERRUPT_LINE, 4), 0x00ff01ff);
	cw(PCI_CACHE_LINE_SIZE, 4, 0xffffffff);
	EXPECT_EQ(cr(PCI_CACHE_LINE_SIZE, 4), 0x0000ffff);
	/* COMMAND keeps only what the 82540EM implements; no INTx Disable. */
	cw(PCI_COMMAND, 2, 0xffff);
	EXPECT_EQ(cr(PCI_COMMAND, 2), 0x0157);
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230);
}

static void test_pci_bar_sizing(void)
{
	int i;

	e1000_pci_init(&P);
	for (i = 0; i < 6; i++)
		cw(PCI_BASE_ADDRESS_0 + 4 * i, 4, 0xffffffff);
	cw(PCI_ROM_ADDRESS, 4, 0xffffffff);
	/* 128 KiB memory, 32-bit, not prefetchable. */
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_0, 4), 0xfffe0000);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_1, 4), 0);
	/* 64 bytes of I/O. */
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_2, 4), 0xffffffc1);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_3, 4), 0);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_4, 4), 0);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_5, 4), 0);
	EXPECT_EQ(cr(PCI_ROM_ADDRESS, 4), 0);
	/* Assignment: low address bits below the size read as zero. */
	cw(PCI_BASE_ADDRESS_0, 4, 0xfebd1234);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_0, 4), 0xfebc0000);
	cw(PCI_BASE_ADDRESS_2, 4, 0xc07f);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_2, 4), 0xc041);
	/* Word writes, as some firmware does. */
	cw(PCI_BASE_ADDRESS_0 + 2, 2, 0xfe80);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_0, 4), 0xfe800000);
	cw(PCI_BASE_ADDRESS_0, 1, 0xff);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_0, 4), 0xfe800000);
}

static void test_pci_decoding(void)
{
	e1000_pci_init(&P);
	cw(PCI_BASE_ADDRESS_0, 4, 0xfebc0000);
	cw(PCI_BASE_ADDRESS_2, 4, 0xc000);
	EXPECT_EQ(e1000_pci_mem_base(&P), E1000_PCI_BAR_OFF);
	EXPECT_EQ(e1000_pci_io_base(&P), E1000_PCI_BAR_OFF);
	cw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	EXPECT_EQ(e1000_pci_mem_base(&P), 0xfebc0000);
	EXPECT_EQ(e1000_pci_io_base(&P), E1000_PCI_BAR_OFF);
	cw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	EXPECT_EQ(e1000_pci_io_base(&P), 0xc000);
	/* The BAR moves while decoding. */
	cw(PCI_BASE_ADDRESS_0, 4, 0xfe000000);
	EXPECT_EQ(e1000_pci_mem_base(&P), 0xfe000000);
	/* An unassigned BAR decodes nowhere. */
	cw(PCI_BASE_ADDRESS_2, 4, 0);
	EXPECT_EQ(e1000_pci_io_base(&P), E1000_PCI_BAR_OFF);
	cw(PCI_COMMAND, 2, 0);
	EXPECT_EQ(e1000_pci_mem_base(&P), E1000_PCI_BAR_OFF);
	/* A byte write to COMMAND's high byte leaves the enables alone. */
	cw(PCI_COMMAND, 1, PCI_COMMAND_MEMORY);
	cw(PCI_COMMAND + 1, 1, 0x01);
	EXPECT_EQ(cr(PCI_COMMAND, 2), PCI_COMMAND_SERR | PCI_COMMAND_MEMORY);
	EXPECT_EQ(e1000_pci_mem_base(&P), 0xfe000000);
}

static void test_pci_status_w1c(void)
{
	e1000_pci_init(&P);
	P.cfg[PCI_STATUS + 1] |= (PCI_STATUS_REC_MASTER_ABORT |
				  PCI_STATUS_DETECTED_PARITY) >> 8;
	/* Writing 0 and the read-only bits changes nothing. */
	cw(PCI_STATUS, 2, 0x06ff);
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230 | PCI_STATUS_REC_MASTER_ABORT |
		  PCI_STATUS_DETECTED_PARITY);
	cw(PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT);
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230 | PCI_STATUS_DETECTED_PARITY);
	/* A dword write to COMMAND does not clear STATUS by accident... */
	cw(PCI_COMMAND, 4, PCI_COMMAND_MEMORY);
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230 | PCI_STATUS_DETECTED_PARITY);
	/* ...but one with the bit set does, as on the hardware. */
	cw(PCI_COMMAND, 4, PCI_COMMAND_MEMORY |
	   (u32)PCI_STATUS_DETECTED_PARITY << 16);
	EXPECT_EQ(cr(PCI_COMMAND, 4), 0x02300000 | PCI_COMMAND_MEMORY);
}

static void test_pci_power(void)
{
	const u32 pm = E1000_PCI_PM_CAP;

	e1000_pci_init(&P);
	/* The capability chain: PM, version 2, then the end. */
	EXPECT_EQ(cr(pm, 1), PCI_CAP_ID_PM);
	EXPECT_EQ(cr(pm + PCI_CAP_LIST_NEXT, 1), 0);
	EXPECT_EQ(cr(pm + PCI_PM_PMC, 2), 0xc822);
	EXPECT_EQ(cr(pm + PCI_PM_CTRL, 2), 0);
	cw(PCI_BASE_ADDRESS_0, 4, 0xfebc0000);
	cw(PCI_BASE_ADDRESS_2, 4, 0xc000);
	cw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	/* D3hot: only configuration cycles are answered. */
	EXPECT_EQ(cw(pm + PCI_PM_CTRL, 2, 3), 0);
	EXPECT_EQ(cr(pm + PCI_PM_CTRL, 2), 3);
	EXPECT_EQ(e1000_pci_mem_base(&P), E1000_PCI_BAR_OFF);
	EXPECT_EQ(e1000_pci_io_base(&P), E1000_PCI_BAR_OFF);
	/* D1/D2 are not supported: the state stays D3hot. */
	EXPECT_EQ(cw(pm + PCI_PM_CTRL, 2, 1), 0);
	EXPECT_EQ(cr(pm + PCI_PM_CTRL, 2), 3);
	/* Back to D0: No_Soft_Reset is clear, so the function resets. */
	EXPECT_EQ(cw(pm + PCI_PM_CTRL, 2, 0), E1000_PCI_EV_RESET);
	EXPECT_EQ(e1000_pci_mem_base(&P), 0xfebc0000);
	EXPECT_EQ(cw(pm + PCI_PM_CTRL, 2, 0), 0);
	/* PME_En is writable, PME_Status is RW1C, Data_Select read-only. */
	P.cfg[pm + PCI_PM_CTRL + 1] |= PCI_PM_CTRL_PME_STATUS >> 8;
	cw(pm + PCI_PM_CTRL, 2, PCI_PM_CTRL_PME_ENABLE |
	   PCI_PM_CTRL_DATA_SEL_MASK | PCI_PM_CTRL_NO_SOFT_RESET);
	EXPECT_EQ(cr(pm + PCI_PM_CTRL, 2), PCI_PM_CTRL_PME_ENABLE |
		  PCI_PM_CTRL_PME_STATUS);
	cw(pm + PCI_PM_CTRL, 2, PCI_PM_CTRL_PME_STATUS);
	EXPECT_EQ(cr(pm + PCI_PM_CTRL, 2), 0);
	/* A byte write to the state field also counts. */
	cw(pm + PCI_PM_CTRL, 1, 3);
	EXPECT_EQ(cw(pm + PCI_PM_CTRL, 1, 0), E1000_PCI_EV_RESET);
}

static void test_pci_bad_access(void)
{
	e1000_pci_init(&P);
	EXPECT_EQ(cr(PCI_VENDOR_ID + 1, 2), 0xffffffff);
	EXPECT_EQ(cr(PCI_VENDOR_ID + 2, 4), 0xffffffff);
	EXPECT_EQ(cr(PCI_VENDOR_ID, 3), 0xffffffff);
	EXPECT_EQ(cr(E1000_PCI_CFG_SIZE, 1), 0xffffffff);
	EXPECT_EQ(cw(PCI_COMMAND + 1, 2, 0xffff), 0);
	EXPECT_EQ(cr(PCI_COMMAND, 2), 0);
	EXPECT_EQ(cw(E1000_PCI_CFG_SIZE - 2, 4, 0xffffffff), 0);
	EXPECT_EQ(cr(E1000_PCI_CFG_SIZE - 4, 4), 0);
	EXPECT_EQ(cw(0x1000, 4, 0xffffffff), 0);
}

const struct test pci_tests[] = {
	{ "PCI identity of the 82540EM", test_pci_identity },
	{ "PCI read-only fields", test_pci_read_only },
	{ "PCI BAR sizing and assignment", test_pci_bar_sizing },
	{ "PCI decoding follows COMMAND and the BARs", test_pci_decoding },
	{ "PCI STATUS error bits are RW1C", test_pci_status_w1c },
	{ "PCI power management D0/D3hot", test_pci_power },
	{ "PCI misaligned and out-of-range accesses", test_pci_bad_access },
};

const unsigned int n_pci_tests = ARRAY_SIZE(pci_tests);
