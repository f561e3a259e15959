// SPDX-License-Identifier: GPL-2.0
/*
 * The 8254x's PCI configuration space (8254x SDM, "PCI Local Bus
 * Interface"): the type 0 header with BAR0 (128 KiB registers), BAR2 (the
 * I/O window onto them), INTA#, the PCI Power Management capability and,
 * on the 82545EM, the PCI-X capability.  IDs come from the model.
 *
 * Plain core code, like the register model: the VFIO glue forwards every
 * config access here and asks afterwards where the BARs decode and whether
 * INTx is disabled, so the rules of the PCI spec (read-only fields, BAR
 * sizing, RW1C status bits, INTx masking, power states) are unit tested in
 * userspace.
 */
#include <linux/pci_regs.h>

#include "core.h"

/*
 * A PCI function with INTx only: no MSI capability (the 82545EM's MSI is
 * not offered; its interrupt is INTx on every route, as the e1000 driver
 * uses it).
 * Software may set I/O, Memory and Bus Master enable, Memory Write and
 * Invalidate, Parity Error Response, SERR# and, as PCI 2.3 defines it,
 * Interrupt Disable.  Generic drivers that own a device from userspace
 * (uio_pci_generic, vfio-pci inside a guest) mask the line with that bit
 * and refuse a function where it does not stick; a driver that never sets
 * it (the e1000 driver) sees no difference.
 */
#define E1000_PCI_CMD_WMASK	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
				 PCI_COMMAND_MASTER | PCI_COMMAND_INVALIDATE | \
				 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | \
				 PCI_COMMAND_INTX_DISABLE)
/* 66 MHz capable, medium DEVSEL# timing, a capability list. */
#define E1000_PCI_STATUS_RESET	(PCI_STATUS_CAP_LIST | PCI_STATUS_66MHZ | \
				 PCI_STATUS_DEVSEL_MEDIUM)
/* The error bits software clears by writing 1. */
#define E1000_PCI_STATUS_W1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
				 PCI_STATUS_REC_TARGET_ABORT | \
				 PCI_STATUS_REC_MASTER_ABORT | \
				 PCI_STATUS_SIG_SYSTEM_ERROR | \
				 PCI_STATUS_DETECTED_PARITY)

/* Network controller, Ethernet (PCI_CLASS_NETWORK_ETHERNET of pci_ids.h). */
#define E1000_PCI_CLASS		0x0200
#define E1000_PCI_MIN_GNT	0xff
#define E1000_PCI_MAX_LAT	0x00

/* Address bits of the BARs: their sizes are the complement, plus one. */
#define E1000_PCI_BAR0_MASK	(~(u32)(E1000_MMIO_SIZE - 1))
#define E1000_PCI_BAR2_MASK	(~(u32)(E1000_IO_SIZE - 1))

/*
 * Power Management (PCI PM 1.1, version 2): PME# from D0, D3hot and
 * D3cold, device-specific initialisation needed; only D0 and D3hot.  No
 * Soft Reset is clear, so D3hot -> D0 resets the function.
 */
#define E1000_PCI_PMC		(2 | PCI_PM_CAP_DSI | PCI_PM_CAP_PME_D0 | \
				 PCI_PM_CAP_PME_D3hot | PCI_PM_CAP_PME_D3cold)
#define E1000_PCI_PM_D0		0
#define E1000_PCI_PM_D3HOT	3

/*
 * PCI-X (PCI-X 1.0 addendum; the 82545EM's, at E4h after PM).  Software
 * may set data parity error recovery, relaxed ordering, the maximum
 * memory read byte count and outstanding split transactions: nothing here
 * crosses a PCI-X bus, so they are stored and have no effect.
 */
#define E1000_PCIX_CMD_WMASK	(PCI_X_CMD_DPERR_E | PCI_X_CMD_ERO | \
				 PCI_X_CMD_MAX_READ | PCI_X_CMD_MAX_SPLIT)
/*
 * A 64-bit, 133 MHz capable simple device that reads up to 2 KiB at a
 * time (Designed MMRBC 2: Linux's e1000 caps MMRBC at 2048 on PCI-X, so
 * it would have nothing to correct), one outstanding split transaction,
 * the smallest cumulative read size, and not PCI-X 266/533 (so Linux
 * looks for no extended configuration space).  The bus, device and
 * function numbers the part captures from PCI-X configuration writes
 * keep their reset values FFh/1Fh/0 in a conventional slot.
 */
#define E1000_PCIX_DESIGNED_MMRBC_2K	2
#define E1000_PCIX_STATUS_RESET	(0xff << 8 | 0x1f << 3 | \
				 PCI_X_STATUS_64BIT | PCI_X_STATUS_133MHZ | \
				 E1000_PCIX_DESIGNED_MMRBC_2K << 21)
/* The error bits software clears by writing 1. */
#define E1000_PCIX_STATUS_W1C	(PCI_X_STATUS_SPL_DISC | PCI_X_STATUS_UNX_SPL | \
				 PCI_X_STATUS_SPL_ERR)

static void put16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static u16 get16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static u32 get32(const u8 *p)
{
	return get16(p) | (u32)get16(p + 2) << 16;
}

static void pcix_init(struct e1000_pci *pci)
{
	u8 *px = pci->cfg + E1000_PCI_PCIX_CAP;

	pci->cfg[E1000_PCI_PM_CAP + PCI_CAP_LIST_NEXT] = E1000_PCI_PCIX_CAP;
	px[PCI_CAP_LIST_ID] = PCI_CAP_ID_PCIX;
	px[PCI_CAP_LIST_NEXT] = 0;
	put32(px + PCI_X_STATUS, E1000_PCIX_STATUS_RESET);
	put16(pci->wmask + E1000_PCI_PCIX_CAP + PCI_X_CMD,
	      E1000_PCIX_CMD_WMASK);
	put32(pci->w1cmask + E1000_PCI_PCIX_CAP + PCI_X_STATUS,
	      E1000_PCIX_STATUS_W1C);
}

void e1000_pci_init(struct e1000_pci *pci, enum e1000_model model)
{
	const struct e1000_model_desc *m = e1000_model_desc(model);
	u8 *c = pci->cfg;
	u8 *pm = c + E1000_PCI_PM_CAP;

	memset(pci, 0, sizeof(*pci));
	put16(c + PCI_VENDOR_ID, E1000_VENDOR_ID_INTEL);
	put16(c + PCI_DEVICE_ID, m->device_id);
	put16(c + PCI_STATUS, E1000_PCI_STATUS_RESET);
	c[PCI_REVISION_ID] = m->revision;
	c[PCI_CLASS_PROG] = 0;
	put16(c + PCI_CLASS_DEVICE, E1000_PCI_CLASS);
	c[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put32(c + PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_SPACE_MEMORY |
	      PCI_BASE_ADDRESS_MEM_TYPE_32);
	put32(c + PCI_BASE_ADDRESS_2, PCI_BASE_ADDRESS_SPACE_IO);
	put16(c + PCI_SUBSYSTEM_VENDOR_ID, E1000_VENDOR_ID_INTEL);
	put16(c + PCI_SUBSYSTEM_ID, m->subsys_id);
	c[PCI_CAPABILITY_LIST] = E1000_PCI_PM_CAP;
	c[PCI_INTERRUPT_PIN] = 1;	/* INTA# */
	c[PCI_MIN_GNT] = E1000_PCI_MIN_GNT;
	c[PCI_MAX_LAT] = E1000_PCI_MAX_LAT;

	pm[PCI_CAP_LIST_ID] = PCI_CAP_ID_PM;
	pm[PCI_CAP_LIST_NEXT] = 0;
	put16(pm + PCI_PM_PMC, E1000_PCI_PMC);

	/* What software may change. */
	put16(pci->wmask + PCI_COMMAND, E1000_PCI_CMD_WMASK);
	pci->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	pci->wmask[PCI_LATENCY_TIMER] = 0xff;
	put32(pci->wmask + PCI_BASE_ADDRESS_0, E1000_PCI_BAR0_MASK);
	put32(pci->wmask + PCI_BASE_ADDRESS_2, E1000_PCI_BAR2_MASK);
	pci->wmask[PCI_INTERRUPT_LINE] = 0xff;
	put16(pci->wmask + E1000_PCI_PM_CAP + PCI_PM_CTRL,
	      PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_ENABLE);
	put16(pci->w1cmask + PCI_STATUS, E1000_PCI_STATUS_W1C);
	put16(pci->w1cmask + E1000_PCI_PM_CAP + PCI_PM_CTRL,
	      PCI_PM_CTRL_PME_STATUS);
	if (m->pcix)
		pcix_init(pci);
}

static u32 pm_state(const struct e1000_pci *pci)
{
	return get16(pci->cfg + E1000_PCI_PM_CAP + PCI_PM_CTRL) &
	       PCI_PM_CTRL_STATE_MASK;
}

static bool access_ok(u32 off, u32 len)
{
	return (len == 1 || len == 2 || len == 4) && !(off & (len - 1)) &&
	       off < E1000_PCI_CFG_SIZE;
}

/*
 * STATUS.Interrupt Status is not stored: it is the device's INTx line as
 * the caller reads it now, before COMMAND.Interrupt Disable gates it (PCI
 * 2.3, 6.2.3), so software that masked the line can still see whether
 * its function is the one asking.
 */
u32 e1000_pci_read(const struct e1000_pci *pci, u32 off, u32 len, bool intx)
{
	u32 val = 0;
	u32 i;

	if (!access_ok(off, len))
		return ~0U;
	for (i = 0; i < len; i++) {
		u8 b = pci->cfg[off + i];

		if (off + i == PCI_STATUS && intx)
			b |= PCI_STATUS_INTERRUPT;
		val |= (u32)b << (8 * i);
	}
	return val;
}

/*
 * D1 and D2 are not supported: a write asking for them leaves the power
 * state as it was (PCI PM 1.1, 5.4.1: "the write is ignored" for the
 * state field).  Leaving D3hot for D0 resets the function.
 */
static unsigned int pm_write(struct e1000_pci *pci, u32 old_state)
{
	u8 *ctrl = pci->cfg + E1000_PCI_PM_CAP + PCI_PM_CTRL;
	u32 state = pm_state(pci);

	if (state != E1000_PCI_PM_D0 && state != E1000_PCI_PM_D3HOT) {
		ctrl[0] = (ctrl[0] & ~PCI_PM_CTRL_STATE_MASK) | old_state;
		return 0;
	}
	if (old_state == E1000_PCI_PM_D3HOT && state == E1000_PCI_PM_D0)
		return E1000_PCI_EV_RESET;
	return 0;
}

unsigned int e1000_pci_write(struct e1000_pci *pci, u32 off, u32 len, u32 val)
{
	u32 old_state = pm_state(pci);
	unsigned int ev = 0;
	u32 i;

	if (!access_ok(off, len))
		return 0;
	for (i = 0; i < len; i++) {
		u32 o = off + i;
		u8 b = val >> (8 * i);

		pci->cfg[o] = (pci->cfg[o] & ~pci->wmask[o]) |
			      (b & pci->wmask[o]);
		pci->cfg[o] &= ~(b & pci->w1cmask[o]);
	}
	if (off < E1000_PCI_PM_CAP + PCI_PM_CTRL + 2 &&
	    off + len > E1000_PCI_PM_CAP + PCI_PM_CTRL)
		ev |= pm_write(pci, old_state);
	return ev;
}

/* Decoding needs the enable bit in COMMAND and the function in D0. */
static bool decodes(const struct e1000_pci *pci, u16 enable)
{
	return (get16(pci->cfg + PCI_COMMAND) & enable) &&
	       pm_state(pci) == E1000_PCI_PM_D0;
}

/*
 * Zero is where firmware leaves a BAR it did not assign (and where QEMU
 * puts them back on reset): nothing decodes there.
 */
static u64 bar_base(const struct e1000_pci *pci, u32 reg, u32 mask, u16 enable)
{
	u32 base = get32(pci->cfg + reg) & mask;

	if (!base || !decodes(pci, enable))
		return E1000_PCI_BAR_OFF;
	return base;
}

u64 e1000_pci_mem_base(const struct e1000_pci *pci)
{
	return bar_base(pci, PCI_BASE_ADDRESS_0, E1000_PCI_BAR0_MASK,
			PCI_COMMAND_MEMORY);
}

u64 e1000_pci_io_base(const struct e1000_pci *pci)
{
	return bar_base(pci, PCI_BASE_ADDRESS_2, E1000_PCI_BAR2_MASK,
			PCI_COMMAND_IO);
}

bool e1000_pci_bus_master(const struct e1000_pci *pci)
{
	return decodes(pci, PCI_COMMAND_MASTER);
}

bool e1000_pci_intx_disabled(const struct e1000_pci *pci)
{
	return get16(pci->cfg + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;
}

bool e1000_pci_restore(struct e1000_pci *pci, const u8 *cfg)
{
	u32 i, state;
	u8 mask;

	for (i = 0; i < E1000_PCI_CFG_SIZE; i++) {
		mask = pci->wmask[i] | pci->w1cmask[i];
		if ((cfg[i] ^ pci->cfg[i]) & ~mask)
			return false;
	}
	state = get16(cfg + E1000_PCI_PM_CAP + PCI_PM_CTRL) &
		PCI_PM_CTRL_STATE_MASK;
	if (state != E1000_PCI_PM_D0 && state != E1000_PCI_PM_D3HOT)
		return false;
	for (i = 0; i < E1000_PCI_CFG_SIZE; i++) {
		mask = pci->wmask[i] | pci->w1cmask[i];
		pci->cfg[i] = (pci->cfg[i] & ~mask) | (cfg[i] & mask);
	}
	return true;
}
