// SPDX-License-Identifier: GPL-2.0
/*
 * The 82540EM device core: register access dispatch, the interrupt line,
 * link state, resets and the moderation timer hook.  Register semantics
 * live in the table (regs.c), the EEPROM in eeprom.c, the PHY in phy.c.
 */
#include "core_internal.h"

/* Causes each delay timer holds back, and the timer it pairs with. */
static const u32 e1000_timer_causes[E1000_NTIMERS] = {
	[E1000_TIMER_ITR] = 0,
	[E1000_TIMER_TIDV] = E1000_ICR_TXDW,
	[E1000_TIMER_TADV] = E1000_ICR_TXDW,
	[E1000_TIMER_RDTR] = E1000_ICR_RXT0,
	[E1000_TIMER_RADV] = E1000_ICR_RXT0,
};

static const enum e1000_timer e1000_timer_pair[E1000_NTIMERS] = {
	[E1000_TIMER_ITR] = E1000_TIMER_ITR,
	[E1000_TIMER_TIDV] = E1000_TIMER_TADV,
	[E1000_TIMER_TADV] = E1000_TIMER_TIDV,
	[E1000_TIMER_RDTR] = E1000_TIMER_RADV,
	[E1000_TIMER_RADV] = E1000_TIMER_RDTR,
};

/*
 * ITR sets a minimum gap of ITR * 256 ns between interrupts: each rise of
 * the line starts the interval, and a cause arriving before it ends waits
 * in ICR until e1000_core_timer_expired(E1000_TIMER_ITR).  The line may
 * drop at any time (ICR read, IMC).
 */
static void itr_start(struct e1000_core *core)
{
	u32 itr = e1000_reg(core, E1000_ITR) & E1000_ITR_INTERVAL_MASK;

	if (!itr)
		return;
	core->itr_hold = true;
	core->plat->timer_arm(core->opaque, E1000_TIMER_ITR,
			      (u64)itr * E1000_ITR_UNIT_NS);
}

/* A held TXDW left the delay timers (tx.c paces the guest from here). */
static void txdw_hold_over(struct e1000_core *core)
{
	core->tx_pace.end_ns = core->plat->now_ns(core->opaque);
}

/* The delay timers stop holding @causes: their timers are cancelled. */
static void release_delayed(struct e1000_core *core, u32 causes)
{
	enum e1000_timer t;

	causes &= core->delayed_causes;
	if (!causes)
		return;
	if (causes & E1000_ICR_TXDW)
		txdw_hold_over(core);
	for (t = E1000_TIMER_TIDV; t < E1000_NTIMERS; t++)
		if (e1000_timer_causes[t] & causes)
			core->plat->timer_arm(core->opaque, t, 0);
	core->delayed_causes &= ~causes;
}

/*
 * The line rises for another cause: with pacing on (tx.c), a TXDW the
 * delay timers hold rises with it, its descriptors being written back,
 * rather than as an interrupt of its own later (a driver cleans its
 * transmit ring on every interrupt, as Linux's does).  Off, TXDW waits
 * for its timers as the manual has it.
 */
static void txdw_ride_along(struct e1000_core *core)
{
	if (!core->tx_pace.max_ns ||
	    !(core->delayed_causes & E1000_ICR_TXDW))
		return;
	release_delayed(core, E1000_ICR_TXDW);
	core->regs[E1000_ICR >> 2] |= E1000_ICR_TXDW;
}

void e1000_core_update_irq(struct e1000_core *core)
{
	bool level = e1000_core_irq_pending(core);

	if (level == core->irq_level || (level && core->itr_hold))
		return;
	core->irq_level = level;
	if (level) {
		txdw_ride_along(core);
		core->cnt.irqs++;
		itr_start(core);
	}
	core->plat->set_irq(core->opaque, level);
}

void e1000_core_raise(struct e1000_core *core, u32 causes)
{
	core->regs[E1000_ICR >> 2] |= causes & E1000_ICR_VALID_MASK;
	e1000_core_update_irq(core);
}

/*
 * With the internal PHY the MAC sees the PHY's link only while software
 * has set CTRL.SLU (8254x SDM, CTRL.SLU); ASDE and LRST matter only for
 * TBI/SerDes parts and are stored, not acted on.
 */
bool e1000_core_mac_link_up(const struct e1000_core *core)
{
	return (e1000_reg(core, E1000_CTRL) & E1000_CTRL_SLU) &&
	       e1000_core_phy_link_up(core);
}

/* STATUS speed bits for CTRL.SPEED when software forces the speed. */
static u32 forced_speed(u32 ctrl)
{
	switch (ctrl & E1000_CTRL_SPD_SEL) {
	case E1000_CTRL_SPD_10:
		return E1000_STATUS_SPEED_10;
	case E1000_CTRL_SPD_100:
		return E1000_STATUS_SPEED_100;
	default:
		return E1000_STATUS_SPEED_1000;
	}
}

u32 e1000_core_status(const struct e1000_core *core)
{
	u32 ctrl = e1000_reg(core, E1000_CTRL);
	u32 phy_speed = e1000_core_phy_speed(core);
	u32 status = 0;
	bool fd;

	status |= ctrl & E1000_CTRL_FRCSPD ? forced_speed(ctrl) : phy_speed;
	fd = ctrl & E1000_CTRL_FRCDPLX ? ctrl & E1000_CTRL_FD :
	     e1000_core_phy_full_duplex(core);
	if (fd)
		status |= E1000_STATUS_FD;
	if (e1000_core_mac_link_up(core)) {
		/* ASDV reports the speed the PHY resolved, SPEED's encoding. */
		status |= E1000_STATUS_LU | (phy_speed << 2);
	}
	return status;
}

/* Recompute STATUS after a CTRL or PHY change; a link change raises LSC. */
void e1000_core_update_link(struct e1000_core *core)
{
	u32 old = e1000_reg(core, E1000_STATUS);
	u32 status = e1000_core_status(core);

	e1000_reg_set(core, E1000_STATUS, status);
	if ((old ^ status) & E1000_STATUS_LU)
		e1000_core_raise(core, E1000_ICR_LSC);
}

/*
 * CTRL.RST: everything but PCI configuration and the PHY returns to its
 * power-on value; the EEPROM's station address is loaded into RAL0/RAH0
 * as the hardware's auto-read does.
 */
void e1000_core_mac_reset(struct e1000_core *core)
{
	const u16 *ee = core->eeprom;
	int t;

	for (t = 0; t < E1000_NTIMERS; t++)
		core->plat->timer_arm(core->opaque, t, 0);
	core->delayed_causes = 0;
	core->itr_hold = false;
	e1000_core_pace_reset(core);
	/* Void the data-path passes in flight: they must publish nothing. */
	core->ring_gen++;
	e1000_core_revoke(core);
	e1000_core_regs_reset(core);
	e1000_core_eecd_reset(core);
	e1000_reg_set(core, E1000_RAL(0),
		      ee[EEPROM_MAC_ADDR_0] | (u32)ee[EEPROM_MAC_ADDR_0 + 1] << 16);
	e1000_reg_set(core, E1000_RAH(0),
		      ee[EEPROM_MAC_ADDR_0 + 2] | E1000_RAH_AV);
	e1000_core_update_link(core);
	e1000_core_update_irq(core);
}

static void e1000_core_do_reset(struct e1000_core *core)
{
	e1000_core_phy_reset(core);
	e1000_core_mac_reset(core);
}

void e1000_core_init(struct e1000_core *core, const struct e1000_platform *plat,
		     void *opaque, const u8 mac[6], enum e1000_model model)
{
	memset(core, 0, sizeof(*core));
	core->plat = plat;
	core->opaque = opaque;
	core->model = e1000_model_desc(model);
	memcpy(core->mac_addr, mac, sizeof(core->mac_addr));
	/* Until told otherwise (a VMM that owns PCI config space may). */
	core->bus_master = true;
	e1000_core_eeprom_init(core, mac);
	e1000_core_do_reset(core);
}

void e1000_core_reset(struct e1000_core *core)
{
	core->cnt.resets++;
	core->ioaddr = 0;
	e1000_core_do_reset(core);
}

void e1000_core_set_bus_master(struct e1000_core *core, bool on)
{
	if (core->bus_master == on)
		return;
	core->bus_master = on;
	if (on)
		e1000_core_pass_changed(core);
	else
		e1000_core_revoke(core);
	if (on)
		core->plat->kick(core->opaque, E1000_KICK_TX | E1000_KICK_RX);
}

u32 e1000_core_read(struct e1000_core *core, u32 off)
{
	const struct e1000_reg_desc *d = e1000_core_reg_lookup(off);
	u32 idx = off >> 2;
	u32 val;

	core->cnt.mmio_reads++;
	if (!d || (d->flags & E1000_REGF_WO))
		return 0;
	if (d->read)
		return d->read(core, d, idx);
	val = core->regs[idx];
	if (d->flags & E1000_REGF_RC)
		core->regs[idx] = 0;
	return val;
}

void e1000_core_write(struct e1000_core *core, u32 off, u32 val)
{
	const struct e1000_reg_desc *d = e1000_core_reg_lookup(off);
	u32 idx = off >> 2;

	core->cnt.mmio_writes++;
	if (!d) {
		core->cnt.mmio_unknown++;
		return;
	}
	if (d->write)
		d->write(core, d, idx, val);
	else if (d->flags & E1000_REGF_W1C)
		core->regs[idx] &= ~(val & d->wmask);
	else
		e1000_reg_store(core, d, idx, val);
	if (d->flags & E1000_REGF_PASS)
		e1000_core_pass_changed(core);
}

u32 e1000_core_io_read(struct e1000_core *core, u32 port)
{
	switch (port) {
	case E1000_IOADDR:
		return core->ioaddr;
	case E1000_IODATA:
		return e1000_core_read(core, core->ioaddr);
	default:
		return 0;
	}
}

void e1000_core_io_write(struct e1000_core *core, u32 port, u32 val)
{
	switch (port) {
	case E1000_IOADDR:
		core->ioaddr = val & E1000_IOADDR_MASK;
		break;
	case E1000_IODATA:
		e1000_core_write(core, core->ioaddr, val);
		break;
	}
}

/*
 * The data path holds TXDW/RXT0 back in delayed_causes while TIDV/TADV
 * or RDTR/RADV run; whichever of a pair expires first delivers them and
 * cancels the other.  ITR's expiry ends the moderation interval: a cause
 * held meanwhile raises the line now (and starts the next interval).
 */
void e1000_core_timer_expired(struct e1000_core *core, enum e1000_timer timer)
{
	u32 causes;

	if ((unsigned int)timer >= E1000_NTIMERS)
		return;
	causes = core->delayed_causes & e1000_timer_causes[timer];
	if (timer != E1000_TIMER_ITR) {
		core->plat->timer_arm(core->opaque, e1000_timer_pair[timer], 0);
		core->delayed_causes &= ~causes;
		if (causes & E1000_ICR_TXDW)
			txdw_hold_over(core);
	} else {
		core->itr_hold = false;
	}
	if (causes)
		e1000_core_raise(core, causes);
	else
		e1000_core_update_irq(core);
}

bool e1000_core_loopback(const struct e1000_core *core)
{
	u32 lbm = e1000_reg(core, E1000_RCTL) & E1000_RCTL_LBM_MASK;

	return lbm == E1000_RCTL_LBM_MAC ||
	       (core->phy[PHY_CTRL] & MII_CR_LOOPBACK);
}

/* Deliver @causes now, with whatever the delay timers held of them. */
void e1000_core_raise_now(struct e1000_core *core, u32 causes)
{
	if (!causes)
		return;
	release_delayed(core, causes);
	e1000_core_raise(core, causes);
}

void e1000_core_pace_reset(struct e1000_core *core)
{
	u64 max_ns = core->tx_pace.max_ns;

	memset(&core->tx_pace, 0, sizeof(core->tx_pace));
	core->tx_pace.max_ns = max_ns;
}

void e1000_core_delay_cause(struct e1000_core *core, u32 cause,
			    enum e1000_timer rel, u32 rel_ticks,
			    enum e1000_timer abs, u32 abs_ticks)
{
	bool running = core->delayed_causes & cause;

	rel_ticks &= E1000_DELAY_MASK;
	abs_ticks &= E1000_DELAY_MASK;
	if (!rel_ticks) {
		e1000_core_raise_now(core, cause);
		return;
	}
	core->delayed_causes |= cause;
	core->plat->timer_arm(core->opaque, rel,
			      (u64)rel_ticks * E1000_DELAY_UNIT_NS);
	/* The absolute timer bounds the latency: it never restarts. */
	if (!running && abs_ticks)
		core->plat->timer_arm(core->opaque, abs,
				      (u64)abs_ticks * E1000_DELAY_UNIT_NS);
}
