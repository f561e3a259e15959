/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Doorbell pages: a transport shim between guest-writable RAM and the
 * device core's register model (doorbell.c).
 *
 * Written against the core's public interface and compat.h only, so the
 * unit tests drive the same code the module runs.
 */
#ifndef KVM_E1000_DOORBELL_H
#define KVM_E1000_DOORBELL_H

#include "core.h"

/* BAR0's ring-register pages, which a VMM may map into the guest as RAM. */
#define E1000_DB_BASE		0x2000
#define E1000_DB_SIZE		0x2000
/* The first of them holds the RX ring's registers, the second the TX ring's. */
#define E1000_DB_RX_SIZE	0x1000
/* The registers of the core's table that live there (doorbell.c). */
#define E1000_DB_NREGS		31

struct e1000_db {
	u32 *page;			/* NULL: BAR0 is all trapped */
	u32 seen[E1000_DB_NREGS];	/* page values when last looked at */
	u64 writes;			/* guest stores applied from the page */
};

/*
 * @page (E1000_DB_SIZE bytes, 4-byte aligned) becomes the guest-visible
 * copy of BAR0 [E1000_DB_BASE, +E1000_DB_SIZE), seeded from @core; NULL
 * goes back to trapped access.
 */
void e1000_db_attach(struct e1000_db *db, const struct e1000_core *core,
		     u32 *page);
/*
 * Pull applies what the guest stored in the page since the last look, as
 * ordered register writes through e1000_core_write(); push publishes what
 * the device changed.  Every section of the glue that calls into the core
 * pulls first and pushes last, under the device lock, so a store the guest
 * made before a trapped access or a reset is applied before it.
 */
void e1000_db_pull(struct e1000_db *db, struct e1000_core *core);
void e1000_db_push(struct e1000_db *db, const struct e1000_core *core);

static inline bool e1000_db_attached(const struct e1000_db *db)
{
	return db->page;
}

/* BAR offset of doorbell register @i (< E1000_DB_NREGS), for the tests. */
u32 e1000_db_reg(unsigned int i);

#endif /* KVM_E1000_DOORBELL_H */
