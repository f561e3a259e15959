// SPDX-License-Identifier: GPL-2.0
/*
 * The internal PHY of the 82540EM and 82545EM, a Marvell 88E1011, reached through MDIC at
 * MDIO address 1.  The cable always has a 10/100/1000, full/half duplex,
 * autonegotiating partner with symmetric and asymmetric pause, so
 * autonegotiation completes the moment it is (re)started: the resolved
 * link is recomputed on every PHY_CTRL write and PHY reset, from what
 * PHY_AUTONEG_ADV and PHY_1000T_CTRL advertise at that moment.
 */
#include "core_internal.h"

#define PHY_CTRL_RESET		(MII_CR_AUTO_NEG_EN | MII_CR_FULL_DUPLEX | \
				 MII_CR_SPEED_1000)
#define PHY_STATUS_CAPS		(MII_SR_EXTENDED_CAPS | MII_SR_AUTONEG_CAPS | \
				 MII_SR_PREAMBLE_SUPPRESS | \
				 MII_SR_EXTENDED_STATUS | MII_SR_10T_HD_CAPS | \
				 MII_SR_10T_FD_CAPS | MII_SR_100X_HD_CAPS | \
				 MII_SR_100X_FD_CAPS)
#define PHY_ADV_10_100		(NWAY_AR_10T_HD_CAPS | NWAY_AR_10T_FD_CAPS | \
				 NWAY_AR_100TX_HD_CAPS | NWAY_AR_100TX_FD_CAPS)
#define PHY_ADV_RESET		(NWAY_AR_SELECTOR_802_3 | PHY_ADV_10_100 | \
				 NWAY_AR_PAUSE | NWAY_AR_ASM_DIR)
/* What the link partner offers. */
#define PHY_LP_RESET		(NWAY_AR_SELECTOR_802_3 | PHY_ADV_10_100 | \
				 NWAY_AR_PAUSE | NWAY_LPAR_ACKNOWLEDGE)
#define PHY_1000T_STATUS_LINK	(SR_1000T_LP_HD_CAPS | SR_1000T_LP_FD_CAPS | \
				 SR_1000T_REMOTE_RX_STATUS | \
				 SR_1000T_LOCAL_RX_STATUS)

struct e1000_phy_reg {
	u16 reset;
	u16 wmask;	/* 0: read-only (or not implemented: reads 0) */
};

static const struct e1000_phy_reg e1000_phy_regs[E1000_PHY_REGS] = {
	[PHY_CTRL]		= { PHY_CTRL_RESET, 0xFFFF },
	[PHY_STATUS]		= { PHY_STATUS_CAPS, 0 },
	/* PHY_ID1, PHY_ID2: read-only, the model's (phy_reset). */
	[PHY_AUTONEG_ADV]	= { PHY_ADV_RESET, 0xBFFF },
	[PHY_NEXT_PAGE_TX]	= { 0x2001, 0xFFFF },
	[PHY_1000T_CTRL]	= { CR_1000T_FD_CAPS | CR_1000T_HD_CAPS, 0xFF00 },
	[PHY_EXT_STATUS]	= { IEEE_ESR_1000T_FD_CAPS |
				    IEEE_ESR_1000T_HD_CAPS, 0 },
	[M88E1000_PHY_SPEC_CTRL] = { M88E1000_PSCR_AUTO_X_MODE | 0x0008, 0xFFFF },
	[M88E1000_INT_ENABLE]	= { 0, 0xFFFF },
	[M88E1000_EXT_PHY_SPEC_CTRL] = { 0x0C60, 0xFFFF },
	[M88E1000_LED_CTRL]	= { 0x4100, 0xFFFF },
	[M88E1000_PHY_PAGE_SELECT] = { 0, 0xFFFF },
	[M88E1000_PHY_GEN_CONTROL] = { 0, 0xFFFF },
};

/* Speed/duplex (M88 PSSR encoding) of a link autonegotiation settles. */
static u16 phy_resolve_autoneg(const u16 *phy, bool *link)
{
	u16 gig = phy[PHY_1000T_CTRL];
	u16 adv = phy[PHY_AUTONEG_ADV];

	*link = true;
	if (gig & CR_1000T_FD_CAPS)
		return M88E1000_PSSR_1000MBS | M88E1000_PSSR_DPLX;
	if (gig & CR_1000T_HD_CAPS)
		return M88E1000_PSSR_1000MBS;
	if (adv & NWAY_AR_100TX_FD_CAPS)
		return M88E1000_PSSR_100MBS | M88E1000_PSSR_DPLX;
	if (adv & NWAY_AR_100TX_HD_CAPS)
		return M88E1000_PSSR_100MBS;
	if (adv & NWAY_AR_10T_FD_CAPS)
		return M88E1000_PSSR_10MBS | M88E1000_PSSR_DPLX;
	if (adv & NWAY_AR_10T_HD_CAPS)
		return M88E1000_PSSR_10MBS;
	/* Nothing in common with the partner: no link. */
	*link = false;
	return 0;
}

static u16 phy_resolve_forced(u16 ctrl)
{
	u16 pssr;

	if (ctrl & MII_CR_SPEED_SELECT_MSB)
		pssr = M88E1000_PSSR_1000MBS;
	else if (ctrl & MII_CR_SPEED_SELECT_LSB)
		pssr = M88E1000_PSSR_100MBS;
	else
		pssr = M88E1000_PSSR_10MBS;
	if (ctrl & MII_CR_FULL_DUPLEX)
		pssr |= M88E1000_PSSR_DPLX;
	return pssr;
}

/* Bring the status registers in line with PHY_CTRL and the partner. */
void e1000_core_phy_negotiate(struct e1000_core *core)
{
	u16 *phy = core->phy;
	u16 ctrl = phy[PHY_CTRL];
	bool an = ctrl & MII_CR_AUTO_NEG_EN;
	bool link = !(ctrl & MII_CR_POWER_DOWN);
	u16 pssr = 0;

	if (link && an)
		pssr = phy_resolve_autoneg(phy, &link);
	else if (link)
		pssr = phy_resolve_forced(ctrl);

	phy[PHY_STATUS] = PHY_STATUS_CAPS;
	phy[PHY_LP_ABILITY] = 0;
	phy[PHY_AUTONEG_EXP] = 0;
	phy[PHY_1000T_STATUS] = 0;
	phy[M88E1000_PHY_SPEC_STATUS] = 0;
	if (!link)
		return;
	phy[PHY_STATUS] |= MII_SR_LINK_STATUS;
	phy[M88E1000_PHY_SPEC_STATUS] = pssr | M88E1000_PSSR_SPD_DPLX_RESOLVED |
					M88E1000_PSSR_LINK;
	if (!an)
		return;
	phy[PHY_STATUS] |= MII_SR_AUTONEG_COMPLETE;
	phy[PHY_LP_ABILITY] = PHY_LP_RESET;
	phy[PHY_AUTONEG_EXP] = NWAY_ER_LP_NWAY_CAPS;
	phy[PHY_1000T_STATUS] = PHY_1000T_STATUS_LINK;
}

void e1000_core_phy_reset(struct e1000_core *core)
{
	int i;

	for (i = 0; i < E1000_PHY_REGS; i++)
		core->phy[i] = e1000_phy_regs[i].reset;
	core->phy[PHY_ID1] = core->model->phy_id >> 16;
	core->phy[PHY_ID2] = core->model->phy_id & 0xFFFF;
	e1000_core_phy_negotiate(core);
}

/* CTRL.PHY_RST holds the PHY in reset: no link while it is set. */
bool e1000_core_phy_link_up(const struct e1000_core *core)
{
	return !(e1000_reg(core, E1000_CTRL) & E1000_CTRL_PHY_RST) &&
	       (core->phy[M88E1000_PHY_SPEC_STATUS] & M88E1000_PSSR_LINK);
}

/* The resolved speed in STATUS.SPEED's encoding. */
u32 e1000_core_phy_speed(const struct e1000_core *core)
{
	switch (core->phy[M88E1000_PHY_SPEC_STATUS] & M88E1000_PSSR_SPEED) {
	case M88E1000_PSSR_1000MBS:
		return E1000_STATUS_SPEED_1000;
	case M88E1000_PSSR_100MBS:
		return E1000_STATUS_SPEED_100;
	default:
		return E1000_STATUS_SPEED_10;
	}
}

bool e1000_core_phy_full_duplex(const struct e1000_core *core)
{
	return core->phy[M88E1000_PHY_SPEC_STATUS] & M88E1000_PSSR_DPLX;
}

static void phy_write(struct e1000_core *core, u32 reg, u16 val)
{
	if (reg == PHY_CTRL) {
		/*
		 * RESET and RESTART_AUTO_NEG self-clear; either, like any
		 * other change here, takes effect at once.
		 */
		core->phy[PHY_CTRL] = val & ~(MII_CR_RESET |
					      MII_CR_RESTART_AUTO_NEG);
		e1000_core_phy_negotiate(core);
		e1000_core_update_link(core);
		return;
	}
	core->phy[reg] = (core->phy[reg] & ~e1000_phy_regs[reg].wmask) |
			 (val & e1000_phy_regs[reg].wmask);
}

/*
 * MDIC: one MDIO transaction per write, complete (READY) before the write
 * returns.  Only the PHY at address 1 answers; other addresses and the
 * undefined opcodes 00b/11b complete with ERROR.  With MDIC.I set, the
 * completion also raises ICR.MDAC.
 */
void e1000_core_mdic_write(struct e1000_core *core,
			   const struct e1000_reg_desc *d, u32 idx, u32 val)
{
	u32 phy_addr = (val & E1000_MDIC_PHY_MASK) >> E1000_MDIC_PHY_SHIFT;
	u32 reg = (val & E1000_MDIC_REG_MASK) >> E1000_MDIC_REG_SHIFT;
	u32 op = val & E1000_MDIC_OP_MASK;
	u32 out = val & ~(E1000_MDIC_READY | E1000_MDIC_ERROR);

	if (phy_addr != E1000_PHY_ADDR ||
	    (op != E1000_MDIC_OP_READ && op != E1000_MDIC_OP_WRITE))
		out |= E1000_MDIC_ERROR;
	else if (op == E1000_MDIC_OP_READ)
		out = (out & ~E1000_MDIC_DATA_MASK) | core->phy[reg];
	else
		phy_write(core, reg, val & E1000_MDIC_DATA_MASK);
	core->regs[idx] = out | E1000_MDIC_READY;
	if (val & E1000_MDIC_INT_EN)
		e1000_core_raise(core, E1000_ICR_MDAC);
}

/*
 * Advertisements that lead autonegotiation to each outcome it has
 * (phy_resolve_autoneg()): 1000 full, 1000 half, 100 full, 100 half, 10
 * full, 10 half, no link.
 */
static const struct { u16 gig, adv; } e1000_phy_outcomes[] = {
	{ CR_1000T_FD_CAPS, 0 },
	{ CR_1000T_HD_CAPS, 0 },
	{ 0, NWAY_AR_100TX_FD_CAPS },
	{ 0, NWAY_AR_100TX_HD_CAPS },
	{ 0, NWAY_AR_10T_FD_CAPS },
	{ 0, NWAY_AR_10T_HD_CAPS },
	{ 0, 0 },
};

/*
 * A PHY register file from a saved state (in @core, a scratch core of the
 * right model): could this PHY have got there?  The IDs are the model's,
 * the read-only registers hold their fixed value, writable ones nothing
 * outside their mask, the self-clearing PHY_CTRL bits are clear, and the
 * status registers are what negotiation made of PHY_CTRL when it was last
 * written: with the advertisements of that moment, which software may
 * have changed since (negotiation reruns only on a PHY_CTRL write), so
 * any outcome of autonegotiation is one this PHY can hold.  Leaves
 * core->phy as it found it.
 */
bool e1000_core_phy_valid(struct e1000_core *core)
{
	u16 saved[E1000_PHY_REGS];
	bool ok = false;
	unsigned int k;
	int i;

	memcpy(saved, core->phy, sizeof(saved));
	if (saved[PHY_CTRL] & (MII_CR_RESET | MII_CR_RESTART_AUTO_NEG))
		return false;
	for (k = 0; k < ARRAY_SIZE(e1000_phy_outcomes) && !ok; k++) {
		e1000_core_phy_reset(core);
		for (i = 0; i < E1000_PHY_REGS; i++)
			core->phy[i] = (core->phy[i] & ~e1000_phy_regs[i].wmask) |
				       (saved[i] & e1000_phy_regs[i].wmask);
		core->phy[PHY_AUTONEG_ADV] = e1000_phy_outcomes[k].adv;
		core->phy[PHY_1000T_CTRL] = e1000_phy_outcomes[k].gig;
		e1000_core_phy_negotiate(core);
		core->phy[PHY_AUTONEG_ADV] = saved[PHY_AUTONEG_ADV];
		core->phy[PHY_1000T_CTRL] = saved[PHY_1000T_CTRL];
		ok = !memcmp(saved, core->phy, sizeof(saved));
	}
	memcpy(core->phy, saved, sizeof(saved));
	return ok;
}
