// SPDX-License-Identifier: GPL-2.0
/*
 * Doorbell pages: BAR0's ring registers as guest RAM.
 *
 * The stock driver writes TDT for every frame it queues and RDT for every
 * batch of buffers it refills; trapped, each write is a VM exit.  BAR0's
 * two pages at 0x2000-0x3fff hold nothing but ring registers (bases,
 * lengths, heads, tails, delay timers, FIFO diagnostics, the flow-control
 * thresholds), none of which
 * has a side effect on read.  A VMM may therefore map those pages into the
 * guest as ordinary memory (the VFIO route offers them as a sparse mmap):
 * the guest's accesses then cost no exit at all, and the thread serving
 * the rings, which polls anyway, notices what the guest wrote.
 *
 * This is transport, not device: the core keeps a plain register model
 * and never learns that some of its registers also live in RAM.  The
 * pages are a mirror of the register file, shared with a writer that
 * takes no lock: the guest.  @seen holds, per register, the value the
 * page held when we last looked or wrote.  Pulling applies every register
 * whose page value moved as a guest write, through the register table, so
 * masks, side effects and validation are exactly those of a trapped write.
 * Pushing publishes what the device changed (heads, masked values, reset
 * values) with a compare-and-exchange against @seen: a guest store that
 * lands in between wins and is pulled next time, as it would have been
 * applied after ours on the bus.
 *
 * Offsets in the pages that hold no register read back what the guest
 * wrote there (hardware reads them as 0): they reach nothing.
 */
#include "doorbell.h"

/* Every register of the table inside the doorbell pages, in table order. */
static const u32 db_regs[E1000_DB_NREGS] = {
	E1000_FCRTL, E1000_FCRTH,
	E1000_RDFH, E1000_RDFT, E1000_RDFHS, E1000_RDFTS, E1000_RDFPC,
	E1000_RDBAL, E1000_RDBAH, E1000_RDLEN, E1000_RDH, E1000_RDT,
	E1000_RDTR, E1000_RXDCTL, E1000_RADV, E1000_RSRPD,
	E1000_TXDMAC, E1000_TDFH, E1000_TDFT, E1000_TDFHS, E1000_TDFTS,
	E1000_TDFPC, E1000_TDBAL, E1000_TDBAH, E1000_TDLEN, E1000_TDH,
	E1000_TDT, E1000_TIDV, E1000_TXDCTL, E1000_TADV, E1000_TSPMT,
};

u32 e1000_db_reg(unsigned int i)
{
	return i < E1000_DB_NREGS ? db_regs[i] : 0;
}

static u32 *db_word(const struct e1000_db *db, u32 off)
{
	return &db->page[(off - E1000_DB_BASE) >> 2];
}

void e1000_db_attach(struct e1000_db *db, const struct e1000_core *core,
		     u32 *page)
{
	unsigned int i;

	db->page = page;
	if (!page)
		return;
	memset(page, 0, E1000_DB_SIZE);
	for (i = 0; i < E1000_DB_NREGS; i++) {
		db->seen[i] = e1000_core_peek(core, db_regs[i]);
		e1000_db_store(db_word(db, db_regs[i]), db->seen[i]);
	}
}

void e1000_db_pull(struct e1000_db *db, struct e1000_core *core)
{
	unsigned int i;
	u32 val;

	if (!db->page)
		return;
	for (i = 0; i < E1000_DB_NREGS; i++) {
		val = e1000_db_load(db_word(db, db_regs[i]));
		if (val == db->seen[i])
			continue;
		db->seen[i] = val;
		db->writes++;
		e1000_core_write(core, db_regs[i], val);
	}
}

void e1000_db_push(struct e1000_db *db, const struct e1000_core *core)
{
	unsigned int i;
	u32 want, seen;

	if (!db->page)
		return;
	for (i = 0; i < E1000_DB_NREGS; i++) {
		want = e1000_core_peek(core, db_regs[i]);
		seen = db->seen[i];
		if (want != seen &&
		    e1000_db_cmpxchg(db_word(db, db_regs[i]), seen, want) == seen)
			db->seen[i] = want;
	}
}
