// SPDX-License-Identifier: GPL-2.0
/*
 * The 82540EM register table: one entry per register (or run of registers
 * that behave alike), with its reset value, writable bits, flags and
 * optional handlers; and a constant map from BAR offset to entry so that an
 * access costs one array index.  Semantics follow the 8254x SDM, chapter
 * 13 (register descriptions).
 */
#include "core_internal.h"

/* Table slots; 0 in the offset map means "no register here". */
enum e1000_reg_slot {
	R_NONE,
	R_CTRL, R_STATUS, R_EECD, R_EERD, R_CTRL_EXT, R_MDIC,
	R_FCAL, R_FCAH, R_FCT, R_VET,
	R_ICR, R_ITR, R_ICS, R_IMS, R_IMC,
	R_RCTL, R_FCTTV, R_TXCW, R_RXCW, R_TCTL, R_TIPG, R_AIT,
	R_LEDCTL, R_PBA, R_FCRTL, R_FCRTH,
	R_RDFH, R_RDFT, R_RDFHS, R_RDFTS, R_RDFPC,
	R_RDBAL, R_RDBAH, R_RDLEN, R_RDH, R_RDT, R_RDTR, R_RXDCTL, R_RADV,
	R_RSRPD, R_TXDMAC,
	R_TDFH, R_TDFT, R_TDFHS, R_TDFTS, R_TDFPC,
	R_TDBAL, R_TDBAH, R_TDLEN, R_TDH, R_TDT, R_TIDV, R_TXDCTL, R_TADV,
	R_TSPMT,
	/* statistics: runs of plain counters and the 64-bit pairs */
	R_STAT_CRCERRS, R_STAT_COLC, R_STAT_DC, R_STAT_XONRXC,
	R_GORCL, R_GORCH, R_GOTCL, R_GOTCH,
	R_STAT_RNBC, R_TORL, R_TORH, R_TOTL, R_TOTH, R_STAT_TPR,
	R_RXCSUM, R_MTA, R_RA, R_VFTA,
	R_WUC, R_WUFC, R_WUS, R_MANC, R_IPAV,
	R_IP4AT0, R_IP4AT1, R_IP4AT2, R_IP4AT3, R_IP6AT,
	R_WUPL, R_WUPM, R_FFLT0, R_FFLT1, R_FFLT2, R_FFLT3, R_SWSM,
	R_NSLOTS
};

/* Reset values that are not 0 (8254x SDM, register summary). */
#define CTRL_RESET	(E1000_CTRL_FD | E1000_CTRL_ASDE)
#define VET_RESET	0x00008100			/* 802.1Q TPID */
#define TIPG_RESET	0x00602008			/* IPGT 8, R1 8, R2 6 */
#define LEDCTL_RESET	0x07068302
#define PBA_RESET	(E1000_PBA_48K | \
			 ((E1000_PBA_TOTAL_KB - E1000_PBA_48K) << E1000_PBA_TXA_SHIFT))
#define RXDCTL_RESET	0x00010000			/* WTHRESH 1 */
#define TSPMT_RESET	0x01000400
#define RXCSUM_RESET	(E1000_RXCSUM_IPOFL | E1000_RXCSUM_TUOFL)

/* Writable masks. */
#define CTRL_WMASK	0xD8FC1BE9	/* all defined bits but RST */
#define EECD_WMASK	(E1000_EECD_SK | E1000_EECD_CS | E1000_EECD_DI | \
			 E1000_EECD_FWE_MASK | E1000_EECD_REQ)
#define CTRL_EXT_WMASK	((0x0000FFFF & ~E1000_CTRL_EXT_EE_RST) | \
			 E1000_CTRL_EXT_RO_DIS | E1000_CTRL_EXT_VREG_POWER_DOWN)
#define RCTL_WMASK	0x06DFB3FE
#define TCTL_WMASK	0x013FFFFA	/* all defined bits but SWXOFF */
#define FIFO_WMASK	0x00001FFF	/* 8 KB-word packet FIFO pointers */
#define RXDCTL_WMASK	(E1000_RXDCTL_PTHRESH | E1000_RXDCTL_HTHRESH | \
			 E1000_RXDCTL_WTHRESH | E1000_RXDCTL_GRAN)
#define TXDCTL_WMASK	(RXDCTL_WMASK | E1000_TXDCTL_LWTHRESH)
#define WUS_WMASK	0x000F00FF

static void kick(struct e1000_core *core, unsigned int events)
{
	core->plat->kick(core->opaque, events);
}

/* ---- Interrupt registers ---- */

static u32 icr_read(struct e1000_core *core, const struct e1000_reg_desc *d,
		    u32 idx)
{
	u32 val = core->regs[idx];

	/* Reading ICR acknowledges every cause: the line drops. */
	core->regs[idx] = 0;
	e1000_core_update_irq(core);
	return val;
}

static void icr_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		      u32 idx, u32 val)
{
	core->regs[idx] &= ~val;
	e1000_core_update_irq(core);
}

static void ics_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		      u32 idx, u32 val)
{
	e1000_core_raise(core, val);
}

static void ims_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		      u32 idx, u32 val)
{
	core->regs[idx] |= val & d->wmask;
	e1000_core_update_irq(core);
}

static void imc_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		      u32 idx, u32 val)
{
	core->regs[E1000_IMS >> 2] &= ~val;
	e1000_core_update_irq(core);
}

/* ---- Device control ---- */

static void ctrl_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		       u32 idx, u32 val)
{
	u32 old = core->regs[idx];

	if (val & E1000_CTRL_RST) {
		/* The other bits of the write are lost in the reset. */
		core->cnt.resets++;
		e1000_core_mac_reset(core);
		return;
	}
	e1000_reg_store(core, d, idx, val);
	/* Leaving PHY reset brings the PHY up with its defaults. */
	if ((old & E1000_CTRL_PHY_RST) && !(val & E1000_CTRL_PHY_RST))
		e1000_core_phy_reset(core);
	e1000_core_update_link(core);
}

static void ctrl_ext_write(struct e1000_core *core,
			   const struct e1000_reg_desc *d, u32 idx, u32 val)
{
	e1000_reg_store(core, d, idx, val);
	/* EE_RST restarts the EEPROM interface; the bit self-clears. */
	if (val & E1000_CTRL_EXT_EE_RST)
		e1000_core_eecd_reset(core);
}

static void pba_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		      u32 idx, u32 val)
{
	u32 rx = val & E1000_PBA_RXA_MASK;
	u32 tx = rx < E1000_PBA_TOTAL_KB ? E1000_PBA_TOTAL_KB - rx : 0;

	/* The transmit share is what the receive share leaves of 64 KB. */
	core->regs[idx] = rx | (tx << E1000_PBA_TXA_SHIFT);
}

/* ---- Receive and transmit ---- */

/* An enable bit that goes from 1 to 0: the engine's memory goes back. */
static void enable_write(struct e1000_core *core,
			 const struct e1000_reg_desc *d, u32 idx, u32 val,
			 u32 en, u32 kick_what)
{
	bool was_on = core->regs[idx] & en;

	e1000_reg_store(core, d, idx, val);
	if (val & en)
		kick(core, kick_what);
	else if (was_on)
		e1000_core_revoke(core);
}

static void rctl_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		       u32 idx, u32 val)
{
	enable_write(core, d, idx, val, E1000_RCTL_EN, E1000_KICK_RX);
}

static void tctl_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		       u32 idx, u32 val)
{
	enable_write(core, d, idx, val, E1000_TCTL_EN, E1000_KICK_TX);
}

static void rdt_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		      u32 idx, u32 val)
{
	e1000_reg_store(core, d, idx, val);
	kick(core, E1000_KICK_RX);
}

static void tdt_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		      u32 idx, u32 val)
{
	e1000_reg_store(core, d, idx, val);
	kick(core, E1000_KICK_TX);
}

/*
 * A write to a ring's base, length or head moves the ring under a pass in
 * flight: the pass's end() must then publish nothing (see core.h).
 */
static void ring_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		       u32 idx, u32 val)
{
	e1000_reg_store(core, d, idx, val);
	core->ring_gen++;
	e1000_core_revoke(core);
}

/*
 * RDTR.FPD / TIDV.FPD: "flush partial descriptor block" -- deliver the
 * interrupt a delay timer is holding back now.  The bit is not stored.
 */
static void flush_delayed(struct e1000_core *core, u32 cause,
			  enum e1000_timer t1, enum e1000_timer t2)
{
	if (!(core->delayed_causes & cause))
		return;
	core->delayed_causes &= ~cause;
	core->plat->timer_arm(core->opaque, t1, 0);
	core->plat->timer_arm(core->opaque, t2, 0);
	e1000_core_raise(core, cause);
}

static void rdtr_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		       u32 idx, u32 val)
{
	e1000_reg_store(core, d, idx, val);
	if (val & E1000_RDTR_FPD)
		flush_delayed(core, E1000_ICR_RXT0, E1000_TIMER_RDTR,
			      E1000_TIMER_RADV);
}

static void tidv_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		       u32 idx, u32 val)
{
	e1000_reg_store(core, d, idx, val);
	if (val & E1000_TIDV_FPD)
		flush_delayed(core, E1000_ICR_TXDW, E1000_TIMER_TIDV,
			      E1000_TIMER_TADV);
}

/* RAL (even dwords) takes 32 bits, RAH (odd) only AV, AS and 16 bits. */
static void ra_write(struct e1000_core *core, const struct e1000_reg_desc *d,
		     u32 idx, u32 val)
{
	core->regs[idx] = (idx & 1) ? val & E1000_RAH_MASK : val;
}

/* ---- Statistics ---- */

/* Reading the high half of a 64-bit counter clears both halves. */
static u32 stat_hi_read(struct e1000_core *core,
			const struct e1000_reg_desc *d, u32 idx)
{
	u32 val = core->regs[idx];

	core->regs[idx] = 0;
	core->regs[idx - 1] = 0;
	return val;
}

void e1000_core_stat_add(struct e1000_core *core, u32 off, u32 n)
{
	u32 v = core->regs[off >> 2];

	core->regs[off >> 2] = v > 0xFFFFFFFFU - n ? 0xFFFFFFFFU : v + n;
}

void e1000_core_stat_add64(struct e1000_core *core, u32 off_lo, u64 n)
{
	u32 i = off_lo >> 2;
	u64 v = ((u64)core->regs[i + 1] << 32) | core->regs[i];

	v = v > ~0ULL - n ? ~0ULL : v + n;
	core->regs[i] = (u32)v;
	core->regs[i + 1] = (u32)(v >> 32);
}

/* ---- The table ---- */

#define REGN(slot, offset, n, rst, mask, fl, rd, wr)			\
	[R_##slot] = { .off = (offset), .count = (n), .reset = (rst),	\
		       .wmask = (mask), .flags = (fl), .read = (rd),	\
		       .write = (wr), .name = #slot }
#define REG(name, rst, mask, fl, rd, wr)				\
	REGN(name, E1000_##name, 1, rst, mask, fl, rd, wr)
#define PLAIN(name, rst, mask)	REG(name, rst, mask, 0, NULL, NULL)
#define RO(name)		REG(name, 0, 0, 0, NULL, NULL)
#define STATS(name, last)						\
	REGN(STAT_##name, E1000_##name,					\
	     (E1000_##last - E1000_##name) / 4 + 1, 0, 0,		\
	     E1000_REGF_STAT | E1000_REGF_RC, NULL, NULL)
#define STAT_LO(name)		REG(name, 0, 0, E1000_REGF_STAT, NULL, NULL)
#define STAT_HI(name)		REG(name, 0, 0, E1000_REGF_STAT, stat_hi_read, NULL)
#define STRIDE8(name, i, rst, mask)					\
	REGN(name##i, E1000_##name + 8 * (i), 1, rst, mask, 0, NULL, NULL)

static const struct e1000_reg_desc e1000_regs[R_NSLOTS] = {
	REG(CTRL, CTRL_RESET, CTRL_WMASK, E1000_REGF_PASS, NULL, ctrl_write),
	RO(STATUS),
	REG(EECD, 0, EECD_WMASK, 0, e1000_core_eecd_read, e1000_core_eecd_write),
	REG(EERD, 0, E1000_EERD_ADDR_MASK, 0, NULL, e1000_core_eerd_write),
	REG(CTRL_EXT, 0, CTRL_EXT_WMASK, 0, NULL, ctrl_ext_write),
	REG(MDIC, 0, 0, 0, NULL, e1000_core_mdic_write),
	PLAIN(FCAL, 0, 0xFFFFFFFF),
	PLAIN(FCAH, 0, 0x0000FFFF),
	PLAIN(FCT, 0, 0x0000FFFF),
	REG(VET, VET_RESET, 0x0000FFFF, E1000_REGF_PASS, NULL, NULL),
	REG(ICR, 0, 0, 0, icr_read, icr_write),
	PLAIN(ITR, 0, 0x0000FFFF),
	REG(ICS, 0, 0, E1000_REGF_WO, NULL, ics_write),
	REG(IMS, 0, E1000_ICR_VALID_MASK, 0, NULL, ims_write),
	REG(IMC, 0, 0, E1000_REGF_WO, NULL, imc_write),
	REG(RCTL, 0, RCTL_WMASK, E1000_REGF_PASS, NULL, rctl_write),
	PLAIN(FCTTV, 0, 0x0000FFFF),
	PLAIN(TXCW, 0, E1000_TXCW_ANE | E1000_TXCW_TXC | E1000_TXCW_CW_MASK),
	RO(RXCW),
	REG(TCTL, 0, TCTL_WMASK, E1000_REGF_PASS, NULL, tctl_write),
	PLAIN(TIPG, TIPG_RESET, 0x3FFFFFFF),
	PLAIN(AIT, 0, 0x0000FFFF),
	PLAIN(LEDCTL, LEDCTL_RESET, E1000_LEDCTL_MASK),
	REG(PBA, PBA_RESET, E1000_PBA_RXA_MASK, 0, NULL, pba_write),
	PLAIN(FCRTL, 0, E1000_FCRTL_XONE | E1000_FCRTL_RTL_MASK),
	PLAIN(FCRTH, 0, E1000_FCRTH_RTH_MASK),
	PLAIN(RDFH, 0, FIFO_WMASK),
	PLAIN(RDFT, 0, FIFO_WMASK),
	PLAIN(RDFHS, 0, FIFO_WMASK),
	PLAIN(RDFTS, 0, FIFO_WMASK),
	PLAIN(RDFPC, 0, FIFO_WMASK),
	REG(RDBAL, 0, E1000_RDBAL_MASK, 0, NULL, ring_write),
	REG(RDBAH, 0, 0xFFFFFFFF, 0, NULL, ring_write),
	REG(RDLEN, 0, E1000_RDLEN_MASK, 0, NULL, ring_write),
	REG(RDH, 0, E1000_RING_INDEX_MASK, 0, NULL, ring_write),
	REG(RDT, 0, E1000_RING_INDEX_MASK, 0, NULL, rdt_write),
	REG(RDTR, 0, E1000_DELAY_MASK, 0, NULL, rdtr_write),
	PLAIN(RXDCTL, RXDCTL_RESET, RXDCTL_WMASK),
	PLAIN(RADV, 0, E1000_DELAY_MASK),
	PLAIN(RSRPD, 0, 0x00000FFF),
	PLAIN(TXDMAC, 0, 0x00000001),
	PLAIN(TDFH, 0, FIFO_WMASK),
	PLAIN(TDFT, 0, FIFO_WMASK),
	PLAIN(TDFHS, 0, FIFO_WMASK),
	PLAIN(TDFTS, 0, FIFO_WMASK),
	PLAIN(TDFPC, 0, FIFO_WMASK),
	REG(TDBAL, 0, E1000_RDBAL_MASK, 0, NULL, ring_write),
	REG(TDBAH, 0, 0xFFFFFFFF, 0, NULL, ring_write),
	REG(TDLEN, 0, E1000_RDLEN_MASK, 0, NULL, ring_write),
	REG(TDH, 0, E1000_RING_INDEX_MASK, 0, NULL, ring_write),
	REG(TDT, 0, E1000_RING_INDEX_MASK, 0, NULL, tdt_write),
	REG(TIDV, 0, E1000_DELAY_MASK, 0, NULL, tidv_write),
	PLAIN(TXDCTL, 0, TXDCTL_WMASK),
	PLAIN(TADV, 0, E1000_DELAY_MASK),
	PLAIN(TSPMT, TSPMT_RESET, 0xFFFFFFFF),
	STATS(CRCERRS, LATECOL),
	STATS(COLC, COLC),
	STATS(DC, RLEC),
	STATS(XONRXC, GPTC),
	STAT_LO(GORCL),
	STAT_HI(GORCH),
	STAT_LO(GOTCL),
	STAT_HI(GOTCH),
	STATS(RNBC, MGTPTC),
	STAT_LO(TORL),
	STAT_HI(TORH),
	STAT_LO(TOTL),
	STAT_HI(TOTH),
	STATS(TPR, TSCTFC),
	REG(RXCSUM, RXCSUM_RESET, E1000_RXCSUM_PCSS_MASK |
	    E1000_RXCSUM_IPOFL | E1000_RXCSUM_TUOFL, E1000_REGF_PASS, NULL,
	    NULL),
	REGN(MTA, E1000_MTA, E1000_MTA_ENTRIES, 0, 0xFFFFFFFF, E1000_REGF_PASS,
	     NULL, NULL),
	REGN(RA, E1000_RA, 2 * E1000_RAR_ENTRIES, 0, 0xFFFFFFFF,
	     E1000_REGF_PASS, NULL, ra_write),
	REGN(VFTA, E1000_VFTA, E1000_VFTA_ENTRIES, 0, 0xFFFFFFFF,
	     E1000_REGF_PASS, NULL, NULL),
	PLAIN(WUC, 0, E1000_WUC_APME | E1000_WUC_PME_EN |
	      E1000_WUC_PME_STATUS | E1000_WUC_APMPME),
	PLAIN(WUFC, 0, E1000_WUFC_MASK),
	REG(WUS, 0, WUS_WMASK, E1000_REGF_W1C, NULL, NULL),
	PLAIN(MANC, 0, 0xFFFFFFFF),
	PLAIN(IPAV, 0, E1000_IPAV_MASK),
	STRIDE8(IP4AT, 0, 0, 0xFFFFFFFF),
	STRIDE8(IP4AT, 1, 0, 0xFFFFFFFF),
	STRIDE8(IP4AT, 2, 0, 0xFFFFFFFF),
	STRIDE8(IP4AT, 3, 0, 0xFFFFFFFF),
	REGN(IP6AT, E1000_IP6AT, E1000_IP6AT_DWORDS, 0, 0xFFFFFFFF, 0, NULL,
	     NULL),
	RO(WUPL),
	REGN(WUPM, E1000_WUPM, E1000_WUPM_DWORDS, 0, 0, 0, NULL, NULL),
	STRIDE8(FFLT, 0, 0, 0x000007FF),
	STRIDE8(FFLT, 1, 0, 0x000007FF),
	STRIDE8(FFLT, 2, 0, 0x000007FF),
	STRIDE8(FFLT, 3, 0, 0x000007FF),
	/* Nothing else takes it: a semaphore software sets is its own. */
	PLAIN(SWSM, 0, E1000_SWSM_SMBI | E1000_SWSM_SWESMBI),
};

/*
 * Offset -> slot.  Built by the compiler from the same constants as the
 * table; the unit tests check that the two agree dword for dword.  Slots
 * are u8 (a slot past 255 would fail the build with -Werror=overflow).
 */
#define AT(name)							\
	[E1000_##name >> 2] = R_##name
#define RUN(name, n)							\
	[E1000_##name / 4 ... E1000_##name / 4 + (n) - 1] = R_##name
#define STATRUN(name, last)						\
	[E1000_##name / 4 ... E1000_##last / 4] = R_STAT_##name
#define AT8(name, i)							\
	[(E1000_##name >> 2) + 2 * (i)] = R_##name##i

static const u8 e1000_reg_map[E1000_NREGS] = {
	AT(CTRL), AT(STATUS), AT(EECD), AT(EERD), AT(CTRL_EXT), AT(MDIC),
	AT(FCAL), AT(FCAH), AT(FCT), AT(VET),
	AT(ICR), AT(ITR), AT(ICS), AT(IMS), AT(IMC),
	AT(RCTL), AT(FCTTV), AT(TXCW), AT(RXCW), AT(TCTL), AT(TIPG), AT(AIT),
	AT(LEDCTL), AT(PBA), AT(FCRTL), AT(FCRTH),
	AT(RDFH), AT(RDFT), AT(RDFHS), AT(RDFTS), AT(RDFPC),
	AT(RDBAL), AT(RDBAH), AT(RDLEN), AT(RDH), AT(RDT), AT(RDTR),
	AT(RXDCTL), AT(RADV), AT(RSRPD), AT(TXDMAC),
	AT(TDFH), AT(TDFT), AT(TDFHS), AT(TDFTS), AT(TDFPC),
	AT(TDBAL), AT(TDBAH), AT(TDLEN), AT(TDH), AT(TDT), AT(TIDV),
	AT(TXDCTL), AT(TADV), AT(TSPMT),
	STATRUN(CRCERRS, LATECOL), STATRUN(COLC, COLC), STATRUN(DC, RLEC),
	STATRUN(XONRXC, GPTC),
	AT(GORCL), AT(GORCH), AT(GOTCL), AT(GOTCH),
	STATRUN(RNBC, MGTPTC),
	AT(TORL), AT(TORH), AT(TOTL), AT(TOTH),
	STATRUN(TPR, TSCTFC),
	AT(RXCSUM),
	RUN(MTA, E1000_MTA_ENTRIES),
	RUN(RA, 2 * E1000_RAR_ENTRIES),
	RUN(VFTA, E1000_VFTA_ENTRIES),
	AT(WUC), AT(WUFC), AT(WUS), AT(MANC), AT(IPAV),
	AT8(IP4AT, 0), AT8(IP4AT, 1), AT8(IP4AT, 2), AT8(IP4AT, 3),
	RUN(IP6AT, E1000_IP6AT_DWORDS),
	AT(WUPL),
	RUN(WUPM, E1000_WUPM_DWORDS),
	AT8(FFLT, 0), AT8(FFLT, 1), AT8(FFLT, 2), AT8(FFLT, 3),
	AT(SWSM),
};

const struct e1000_reg_desc *e1000_core_reg_lookup(u32 off)
{
	u8 slot;

	if (off >= E1000_REG_SPACE || (off & 3))
		return NULL;
	slot = e1000_reg_map[off >> 2];
	return slot ? &e1000_regs[slot] : NULL;
}

/* Table walk for reset and for the tests: slot 1 .. count. */
const struct e1000_reg_desc *e1000_core_reg_at(unsigned int i)
{
	return i > R_NONE && i < R_NSLOTS ? &e1000_regs[i] : NULL;
}

unsigned int e1000_core_reg_count(void)
{
	return R_NSLOTS;
}

void e1000_core_regs_reset(struct e1000_core *core)
{
	unsigned int i, j;

	memset(core->regs, 0, sizeof(core->regs));
	for (i = R_NONE + 1; i < R_NSLOTS; i++) {
		const struct e1000_reg_desc *d = &e1000_regs[i];

		for (j = 0; j < d->count; j++)
			core->regs[(d->off >> 2) + j] = d->reset;
	}
}
