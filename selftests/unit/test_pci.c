// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the 82540EM's PCI configuration space (pci.c): identity,
 * read-only fields, BAR sizing, decoding, RW1C status bits, INTx masking,
 * power states; and the INTx output the glue derives from the core's line,
 * COMMAND.Interrupt Disable and VFIO's mask (intx.h).
 */
#include <linux/pci_regs.h>

#include "intx.h"
#include "test.h"

static struct e1000_pci P;
/* The device's INTx line, as config reads are told it. */
static bool line;

static u32 cr(u32 off, u32 len)
{
	return e1000_pci_read(&P, off, len, line);
}

static unsigned int cw(u32 off, u32 len, u32 val)
{
	return e1000_pci_write(&P, off, len, val);
}

static void test_pci_identity(void)
{
	e1000_pci_init(&P, E1000_MODEL_82540EM);
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

	e1000_pci_init(&P, E1000_MODEL_82540EM);
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
	/* COMMAND keeps only what the function implements. */
	cw(PCI_COMMAND, 2, 0xffff);
	EXPECT_EQ(cr(PCI_COMMAND, 2), 0x0557);
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230);
}

/*
 * PCI 2.3 INTx masking, as Linux probes it at enumeration
 * (pci_intx_mask_broken(): toggle, read back, restore; the whole word must
 * read back as written) and as uio_pci_generic drives it (a byte write to
 * COMMAND's high byte).
 */
static void test_pci_intx_disable(void)
{
	u16 orig, toggle;

	e1000_pci_init(&P, E1000_MODEL_82540EM);
	EXPECT(!e1000_pci_intx_disabled(&P));
	cw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	orig = cr(PCI_COMMAND, 2);
	toggle = orig ^ PCI_COMMAND_INTX_DISABLE;
	cw(PCI_COMMAND, 2, toggle);
	EXPECT_EQ(cr(PCI_COMMAND, 2), toggle);
	EXPECT(e1000_pci_intx_disabled(&P));
	cw(PCI_COMMAND, 2, orig);
	EXPECT_EQ(cr(PCI_COMMAND, 2), orig);
	EXPECT(!e1000_pci_intx_disabled(&P));
	/* The high byte alone, as uio-howto's example unmasks. */
	cw(PCI_COMMAND + 1, 1, PCI_COMMAND_INTX_DISABLE >> 8);
	EXPECT(e1000_pci_intx_disabled(&P));
	EXPECT_EQ(cr(PCI_COMMAND, 2), PCI_COMMAND_INTX_DISABLE |
		  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	cw(PCI_COMMAND + 1, 1, 0);
	EXPECT(!e1000_pci_intx_disabled(&P));
	/* Decoding is not affected by it. */
	cw(PCI_BASE_ADDRESS_0, 4, 0xfebc0000);
	cw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	EXPECT_EQ(e1000_pci_mem_base(&P), 0xfebc0000);
	/* A function-level reset of the model leaves config space alone. */
	e1000_pci_init(&P, E1000_MODEL_82540EM);
	EXPECT(!e1000_pci_intx_disabled(&P));
}

/*
 * STATUS.Interrupt Status is the device's line, live, whatever Interrupt
 * Disable says; software can neither set nor clear it.
 */
static void test_pci_interrupt_status(void)
{
	e1000_pci_init(&P, E1000_MODEL_82540EM);
	line = false;
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230);
	line = true;
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230 | PCI_STATUS_INTERRUPT);
	EXPECT_EQ(cr(PCI_STATUS, 1), 0x30 | PCI_STATUS_INTERRUPT);
	EXPECT_EQ(cr(PCI_STATUS + 1, 1), 0x02);
	/* The dword at COMMAND, as pci_check_and_mask_intx() reads it. */
	EXPECT_EQ(cr(PCI_COMMAND, 4), (0x0230u | PCI_STATUS_INTERRUPT) << 16);
	cw(PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
	EXPECT_EQ(cr(PCI_COMMAND, 4), (0x0230u | PCI_STATUS_INTERRUPT) << 16 |
		  PCI_COMMAND_INTX_DISABLE);
	/* Writing 1 neither clears it (it is not RW1C) nor stores it. */
	cw(PCI_STATUS, 2, 0xffff);
	EXPECT(cr(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	line = false;
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230);
	EXPECT_EQ(P.cfg[PCI_STATUS] & PCI_STATUS_INTERRUPT, 0);
}

/*
 * The glue's INTx output over the real core and config space: the irqfd
 * scheme (irq.c) signals when the core's line rises, and at every resample
 * (the guest's EOI) or VFIO unmask that finds the output up.  Here each
 * step counts the signals irq.c would send.
 */
static struct e1000_intx X;
static unsigned int signals;

static bool dev_line(void)
{
	return e1000_core_irq_line(&F.core);
}

/* A config write, then what vfio_dev.c does after it. */
static void guest_cfg_write(u32 off, u32 len, u32 val)
{
	cw(off, len, val);
	if (e1000_intx_hold(&X, E1000_INTX_HOLD_DISABLE,
			    e1000_pci_intx_disabled(&P), dev_line()))
		signals++;
}

/* A register write, then kvm_e1000_irq_set() if the core moved its line. */
static void guest_reg_write(u32 off, u32 val)
{
	unsigned int calls = F.irq_calls;

	wr(off, val);
	if (F.irq_calls != calls && e1000_intx_out(&X, F.line))
		signals++;
}

/* The guest's EOI of whatever was signalled: KVM resamples. */
static void resample(void)
{
	if (e1000_intx_out(&X, dev_line()))
		signals++;
}

static void test_intx_masking(void)
{
	int i;

	e1000_pci_init(&P, E1000_MODEL_82540EM);
	X.holds = 0;
	signals = 0;
	guest_cfg_write(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	/* An LSC the guest enabled and fired: one interrupt. */
	guest_reg_write(E1000_IMS, E1000_ICR_LSC);
	guest_reg_write(E1000_ICS, E1000_ICR_LSC);
	EXPECT_EQ(signals, 1);
	/* uio_pci_generic's handler: IS set, so it sets Interrupt Disable. */
	line = dev_line();
	EXPECT(cr(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	guest_cfg_write(PCI_COMMAND, 2, PCI_COMMAND_MEMORY |
			PCI_COMMAND_INTX_DISABLE);
	EXPECT_EQ(signals, 1);
	/* Its EOI, and any number after it: the held output stays down. */
	for (i = 0; i < 1000; i++)
		resample();
	EXPECT_EQ(signals, 1);
	/* The cause is still there, and STATUS still says so. */
	EXPECT(dev_line());
	EXPECT(cr(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
	/* New causes while held raise nothing either. */
	guest_reg_write(E1000_IMS, E1000_ICR_RXT0);
	guest_reg_write(E1000_ICS, E1000_ICR_RXT0);
	EXPECT_EQ(signals, 1);
	/* Unmasked with the cause pending: the line rises again, once. */
	guest_cfg_write(PCI_COMMAND + 1, 1, 0);
	EXPECT_EQ(signals, 2);
	/* Rewriting COMMAND with the bit still clear is no new edge. */
	guest_cfg_write(PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	EXPECT_EQ(signals, 2);
	/* Unmasked and still pending, an EOI re-raises: level semantics. */
	resample();
	EXPECT_EQ(signals, 3);
	/* The driver reads ICR: the line drops, an EOI raises nothing. */
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_LSC | E1000_ICR_RXT0);
	EXPECT(!dev_line());
	resample();
	EXPECT_EQ(signals, 3);
	line = dev_line();
	EXPECT_EQ(cr(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	/* A cause that comes and goes while held is never seen. */
	guest_cfg_write(PCI_COMMAND + 1, 1, PCI_COMMAND_INTX_DISABLE >> 8);
	guest_reg_write(E1000_ICS, E1000_ICR_LSC);
	rd(E1000_ICR);
	guest_cfg_write(PCI_COMMAND + 1, 1, 0);
	EXPECT_EQ(signals, 3);
	/* VFIO's mask and Interrupt Disable add up: both must go. */
	guest_reg_write(E1000_ICS, E1000_ICR_LSC);
	EXPECT_EQ(signals, 4);
	EXPECT(!e1000_intx_hold(&X, E1000_INTX_HOLD_VFIO, true, dev_line()));
	guest_cfg_write(PCI_COMMAND + 1, 1, PCI_COMMAND_INTX_DISABLE >> 8);
	EXPECT(!e1000_intx_hold(&X, E1000_INTX_HOLD_VFIO, false, dev_line()));
	resample();
	EXPECT_EQ(signals, 4);
	guest_cfg_write(PCI_COMMAND + 1, 1, 0);
	EXPECT_EQ(signals, 5);
	/* A driver polling with IMS clear never sees its line at all. */
	guest_reg_write(E1000_IMC, 0xFFFFFFFF);
	EXPECT(!dev_line());
	for (i = 0; i < 1000; i++) {
		guest_reg_write(E1000_ICS, E1000_ICR_TXDW);
		resample();
	}
	EXPECT_EQ(signals, 5);
	line = false;
}

static void test_pci_bar_sizing(void)
{
	int i;

	e1000_pci_init(&P, E1000_MODEL_82540EM);
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
	e1000_pci_init(&P, E1000_MODEL_82540EM);
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
	e1000_pci_init(&P, E1000_MODEL_82540EM);
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

	e1000_pci_init(&P, E1000_MODEL_82540EM);
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
	e1000_pci_init(&P, E1000_MODEL_82540EM);
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

/* Walk the capability list as Linux's pci_find_capability() does. */
static u32 cap_walk(u8 *ids, u32 max)
{
	u32 pos = cr(PCI_CAPABILITY_LIST, 1), n = 0;

	if (!(cr(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	while (pos && n < max) {
		/* Capabilities live above the header, dword aligned. */
		EXPECT(pos >= 0x40 && !(pos & 3));
		ids[n++] = cr(pos + PCI_CAP_LIST_ID, 1);
		pos = cr(pos + PCI_CAP_LIST_NEXT, 1);
	}
	EXPECT_EQ(pos, 0);	/* the list ends within max entries */
	return n;
}

static void test_pci_identity_82545em(void)
{
	u8 caps[8];

	e1000_pci_init(&P, E1000_MODEL_82545EM);
	EXPECT_EQ(cr(PCI_VENDOR_ID, 4), 0x100F8086);
	EXPECT_EQ(cr(PCI_CLASS_REVISION, 4), 0x02000001);
	/* PRO/1000 MT Server Adapter. */
	EXPECT_EQ(cr(PCI_SUBSYSTEM_VENDOR_ID, 4), 0x10018086);
	/* The rest of the header is the 82540EM's. */
	EXPECT_EQ(cr(PCI_STATUS, 2), 0x0230);
	EXPECT_EQ(cr(PCI_HEADER_TYPE, 1), 0);
	EXPECT_EQ(cr(PCI_INTERRUPT_PIN, 1), 1);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_0, 4), 0);
	EXPECT_EQ(cr(PCI_BASE_ADDRESS_2, 4), 1);
	/* PM at DCh, then PCI-X at E4h, then the end. */
	EXPECT_EQ(cap_walk(caps, 8), 2);
	EXPECT_EQ(caps[0], PCI_CAP_ID_PM);
	EXPECT_EQ(caps[1], PCI_CAP_ID_PCIX);
	EXPECT_EQ(cr(E1000_PCI_PM_CAP + PCI_CAP_LIST_NEXT, 1),
		  E1000_PCI_PCIX_CAP);
}

static void test_pci_caps_82540em(void)
{
	u8 caps[8];

	e1000_pci_init(&P, E1000_MODEL_82540EM);
	EXPECT_EQ(cap_walk(caps, 8), 1);
	EXPECT_EQ(caps[0], PCI_CAP_ID_PM);
	/* No PCI-X: where the 82545EM has it, nothing. */
	EXPECT_EQ(cr(E1000_PCI_PCIX_CAP, 4), 0);
	EXPECT_EQ(cr(E1000_PCI_PCIX_CAP + PCI_X_STATUS, 4), 0);
	EXPECT_EQ(cw(E1000_PCI_PCIX_CAP, 4, 0xffffffff), 0);
	EXPECT_EQ(cr(E1000_PCI_PCIX_CAP, 4), 0);
}

static void test_pci_pcix(void)
{
	const u32 cmd = E1000_PCI_PCIX_CAP + PCI_X_CMD;
	const u32 st = E1000_PCI_PCIX_CAP + PCI_X_STATUS;
	u32 status;

	e1000_pci_init(&P, E1000_MODEL_82545EM);
	/* PCI-X 1.0, reset: 512-byte reads, one split transaction. */
	EXPECT_EQ(cr(cmd, 2), 0);
	EXPECT_EQ(PCI_X_CMD_VERSION(cr(cmd, 2)), 0);
	status = cr(st, 4);
	EXPECT(status & PCI_X_STATUS_64BIT);
	EXPECT(status & PCI_X_STATUS_133MHZ);
	/* Not 266/533: Linux then looks for no extended config space. */
	EXPECT_EQ(status & (PCI_X_STATUS_266MHZ | PCI_X_STATUS_533MHZ), 0);
	EXPECT_EQ(status & PCI_X_STATUS_COMPLEX, 0);
	EXPECT_EQ((status & PCI_X_STATUS_MAX_READ) >> 21, 2);	/* 2 KiB */
	EXPECT_EQ(status & (PCI_X_STATUS_SPL_DISC | PCI_X_STATUS_UNX_SPL |
			    PCI_X_STATUS_SPL_ERR), 0);
	/* Bus FFh, device 1Fh, function 0: never captured in a PCI slot. */
	EXPECT_EQ(status & 0xffff, 0xfff8);

	/* Command: the defined fields stick, reserved bits read 0. */
	cw(cmd, 2, 0xffff);
	EXPECT_EQ(cr(cmd, 2), PCI_X_CMD_DPERR_E | PCI_X_CMD_ERO |
		  PCI_X_CMD_MAX_READ | PCI_X_CMD_MAX_SPLIT);
	/* The way Linux's pcix_set_mmrbc() writes it: a word, 2 KiB. */
	cw(cmd, 2, (cr(cmd, 2) & ~PCI_X_CMD_MAX_READ) | PCI_X_CMD_READ_2K);
	EXPECT_EQ(cr(cmd, 2) & PCI_X_CMD_MAX_READ, PCI_X_CMD_READ_2K);
	cw(cmd, 2, 0);
	EXPECT_EQ(cr(cmd, 2), 0);
	/* A dword write at the header touches neither ID nor next. */
	cw(E1000_PCI_PCIX_CAP, 4, 0xffffffff);
	EXPECT_EQ(cr(E1000_PCI_PCIX_CAP, 2), PCI_CAP_ID_PCIX);
	cw(cmd, 2, 0);

	/* Status: read-only but for its RW1C error bits. */
	cw(st, 4, 0xffffffff);
	EXPECT_EQ(cr(st, 4), status);
	cw(st, 4, 0);
	EXPECT_EQ(cr(st, 4), status);
	P.cfg[st + 2] |= (PCI_X_STATUS_SPL_DISC | PCI_X_STATUS_UNX_SPL) >> 16;
	P.cfg[st + 3] |= PCI_X_STATUS_SPL_ERR >> 24;
	cw(st, 4, PCI_X_STATUS_UNX_SPL);
	EXPECT_EQ(cr(st, 4), status | PCI_X_STATUS_SPL_DISC |
		  PCI_X_STATUS_SPL_ERR);
	cw(st, 4, PCI_X_STATUS_SPL_DISC | PCI_X_STATUS_SPL_ERR);
	EXPECT_EQ(cr(st, 4), status);
}

/* Every dword outside the writable registers keeps its value. */
static void test_pci_read_only_82545em(void)
{
	u8 before[E1000_PCI_CFG_SIZE];
	u32 off;

	e1000_pci_init(&P, E1000_MODEL_82545EM);
	memcpy(before, P.cfg, sizeof(before));
	for (off = 0; off < E1000_PCI_CFG_SIZE; off += 4) {
		if (off == PCI_COMMAND || off == PCI_CACHE_LINE_SIZE ||
		    off == PCI_BASE_ADDRESS_0 || off == PCI_BASE_ADDRESS_2 ||
		    off == PCI_INTERRUPT_LINE ||
		    off == E1000_PCI_PM_CAP + PCI_PM_CTRL ||
		    off == E1000_PCI_PCIX_CAP)
			continue;
		cw(off, 4, 0xffffffff);
		cw(off, 4, 0);
	}
	EXPECT(!memcmp(before, P.cfg, sizeof(before)));
}

/*
 * A migration destination takes the source's configuration space: what
 * software wrote comes over, a read-only byte that differs (another
 * model, another device) or a power state the function lacks refuses the
 * whole of it.
 */
static void test_pci_restore(void)
{
	const u32 pm_ctrl = E1000_PCI_PM_CAP + PCI_PM_CTRL;
	u8 src[E1000_PCI_CFG_SIZE], bad[E1000_PCI_CFG_SIZE];
	u8 before[E1000_PCI_CFG_SIZE];

	e1000_pci_init(&P, E1000_MODEL_82540EM);
	cw(PCI_BASE_ADDRESS_0, 4, 0xfebc0000);
	cw(PCI_BASE_ADDRESS_2, 4, 0xc000);
	cw(PCI_INTERRUPT_LINE, 1, 11);
	cw(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO |
	   PCI_COMMAND_MASTER);
	memcpy(src, P.cfg, sizeof(src));

	/* Another device ID: refused, the destination unchanged. */
	e1000_pci_init(&P, E1000_MODEL_82540EM);
	memcpy(before, P.cfg, sizeof(before));
	memcpy(bad, src, sizeof(bad));
	bad[PCI_DEVICE_ID] ^= 1;
	EXPECT(!e1000_pci_restore(&P, bad));
	EXPECT(!memcmp(before, P.cfg, sizeof(before)));
	/* D2, which the function does not have: refused. */
	memcpy(bad, src, sizeof(bad));
	bad[pm_ctrl] |= 2;
	EXPECT(!e1000_pci_restore(&P, bad));
	EXPECT(!memcmp(before, P.cfg, sizeof(before)));
	/* Another model's space: refused. */
	e1000_pci_init(&P, E1000_MODEL_82545EM);
	EXPECT(!e1000_pci_restore(&P, src));

	/* The source's own: the windows decode where the guest put them. */
	e1000_pci_init(&P, E1000_MODEL_82540EM);
	EXPECT(e1000_pci_restore(&P, src));
	EXPECT(!memcmp(src, P.cfg, sizeof(src)));
	EXPECT_EQ(e1000_pci_mem_base(&P), 0xfebc0000);
	EXPECT_EQ(e1000_pci_io_base(&P), 0xc000);
	EXPECT(e1000_pci_bus_master(&P));
	EXPECT_EQ(cr(PCI_INTERRUPT_LINE, 1), 11);
}

const struct test pci_tests[] = {
	{ "PCI identity of the 82540EM", test_pci_identity },
	{ "PCI read-only fields", test_pci_read_only },
	{ "PCI COMMAND.Interrupt Disable is writable", test_pci_intx_disable },
	{ "PCI STATUS.Interrupt Status is the live line",
	  test_pci_interrupt_status },
	{ "INTx output: Interrupt Disable holds, resample never storms",
	  test_intx_masking },
	{ "PCI BAR sizing and assignment", test_pci_bar_sizing },
	{ "PCI decoding follows COMMAND and the BARs", test_pci_decoding },
	{ "PCI STATUS error bits are RW1C", test_pci_status_w1c },
	{ "PCI power management D0/D3hot", test_pci_power },
	{ "PCI misaligned and out-of-range accesses", test_pci_bad_access },
	{ "PCI identity and capabilities of the 82545EM",
	  test_pci_identity_82545em },
	{ "PCI capabilities of the 82540EM: PM only", test_pci_caps_82540em },
	{ "PCI-X command and status of the 82545EM", test_pci_pcix },
	{ "PCI read-only fields of the 82545EM", test_pci_read_only_82545em },
	{ "PCI configuration restored from a migration, or refused whole",
	  test_pci_restore },
};

const unsigned int n_pci_tests = ARRAY_SIZE(pci_tests);
