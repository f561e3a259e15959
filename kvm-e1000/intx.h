/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The INTx output of a device: the line the core drives (ICR & IMS, as
 * e1000_core_irq_line() gives it) held low by whoever may mask it from
 * outside the device model: PCI COMMAND.Interrupt Disable (PCI 2.3), set by
 * the guest through the VFIO route's configuration space, VFIO's own
 * INTx mask (VFIO_IRQ_SET_ACTION_MASK), and migration's STOP, in which
 * nothing the guest sees may change.  The core keeps raising causes in
 * ICR while a hold is on; nothing is lost, and the output comes up again as
 * soon as the last hold goes.
 *
 * irq.c decides from these helpers alone when to signal the irqfd.  They
 * are written against compat.h only, so the unit tests drive the very
 * decisions the module makes.
 */
#ifndef KVM_E1000_INTX_H
#define KVM_E1000_INTX_H

#include "compat.h"

/* What may hold the output low (bits of struct e1000_intx.holds). */
#define E1000_INTX_HOLD_VFIO	0x1	/* VFIO_IRQ_SET_ACTION_MASK */
#define E1000_INTX_HOLD_DISABLE	0x2	/* PCI COMMAND.Interrupt Disable */
#define E1000_INTX_HOLD_STOP	0x4	/* VFIO migration's STOP (migrate.c) */

struct e1000_intx {
	unsigned int holds;	/* E1000_INTX_HOLD_* */
};

/*
 * The level the guest's interrupt controller should see for device line
 * @line.  The irqfd is signalled only while this is true: when the line
 * rises, and at a resample (the guest's EOI) or an unmask that finds it
 * still up.  A held line is never re-signalled, so a guest that polls its
 * device with INTx disabled (or with IMS clear) sees no interrupt at all,
 * however often the resample path runs.
 */
static inline bool e1000_intx_out(const struct e1000_intx *x, bool line)
{
	return line && !x->holds;
}

/*
 * Turn hold @hold on or off.  True when that brought the output up (a
 * cause pending behind the hold is let through): the caller signals it
 * now, or it would wait for an unrelated rise.  Turning a hold on cannot
 * pull an interrupt already signalled back (an irqfd only asserts; KVM
 * lowers the line at the guest's EOI), so the output falls at that EOI and
 * the resample that follows leaves it down, as vfio-pci's INTx masking of
 * an assigned device does.
 */
static inline bool e1000_intx_hold(struct e1000_intx *x, unsigned int hold,
				   bool on, bool line)
{
	bool was = e1000_intx_out(x, line);

	if (on)
		x->holds |= hold;
	else
		x->holds &= ~hold;
	return !was && e1000_intx_out(x, line);
}

#endif /* KVM_E1000_INTX_H */
