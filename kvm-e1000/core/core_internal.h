/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the device core's sources only (core.c, regs.c, eeprom.c,
 * phy.c and the data path): the register table's shape and the helpers
 * the register handlers call.  Nothing here is API for the kernel glue.
 */
#ifndef KVM_E1000_CORE_INTERNAL_H
#define KVM_E1000_CORE_INTERNAL_H

#include "core.h"

#ifndef __KERNEL__
/* The kernel's min_t/max_t, for the userspace builds of the core. */
#define min_t(type, a, b)	({ type _a = (a), _b = (b); _a < _b ? _a : _b; })
#define max_t(type, a, b)	({ type _a = (a), _b = (b); _a > _b ? _a : _b; })
#endif

/* Register flags. */
#define E1000_REGF_RC		0x01	/* read clears the register */
#define E1000_REGF_W1C		0x02	/* writing 1 clears that bit */
#define E1000_REGF_WO		0x04	/* write-only: reads return 0 */
#define E1000_REGF_STAT		0x08	/* statistics counter (read-only) */
#define E1000_REGF_PASS		0x10	/* a data-path pass snapshots it */

struct e1000_reg_desc;

typedef u32 (*e1000_reg_read_fn)(struct e1000_core *core,
				 const struct e1000_reg_desc *d, u32 idx);
typedef void (*e1000_reg_write_fn)(struct e1000_core *core,
				   const struct e1000_reg_desc *d, u32 idx,
				   u32 val);

/*
 * One register, or an array of @count consecutive dwords that behave alike
 * (MTA, RA, VFTA, a run of statistics counters).  A NULL handler means the
 * default: reads return the stored dword, writes store @wmask bits.
 */
struct e1000_reg_desc {
	u16 off;		/* BAR offset of the first dword */
	u16 count;		/* dwords covered */
	u32 reset;		/* value after reset (every dword) */
	u32 wmask;		/* bits a write stores */
	u32 flags;		/* E1000_REGF_* */
	e1000_reg_read_fn read;
	e1000_reg_write_fn write;
	const char *name;
};

/* regs.c: the table and its offset -> entry map. */
const struct e1000_reg_desc *e1000_core_reg_lookup(u32 off);
const struct e1000_reg_desc *e1000_core_reg_at(unsigned int i);
unsigned int e1000_core_reg_count(void);
void e1000_core_regs_reset(struct e1000_core *core);

/*
 * Under the lock: a register a pass snapshots changed, or the rings moved.
 * Passes in flight read pass_gen without the lock (e1000_pass_stale()).
 */
static inline void e1000_core_pass_changed(struct e1000_core *core)
{
	e1000_db_store(&core->pass_gen, core->pass_gen + 1);
}

/*
 * Under the lock: the guest takes back memory a pass may be writing (see
 * core.h, revoke_gen).  A revocation voids the passes in flight as well.
 */
static inline void e1000_core_revoke(struct e1000_core *core)
{
	core->revoke_gen++;
	e1000_core_pass_changed(core);
}

static inline u32 e1000_reg(const struct e1000_core *core, u32 off)
{
	return core->regs[off >> 2];
}

static inline void e1000_reg_set(struct e1000_core *core, u32 off, u32 val)
{
	core->regs[off >> 2] = val;
}

/* Store the writable bits of @val, keep the others. */
static inline void e1000_reg_store(struct e1000_core *core,
				   const struct e1000_reg_desc *d, u32 idx,
				   u32 val)
{
	core->regs[idx] = (core->regs[idx] & ~d->wmask) | (val & d->wmask);
}

/*
 * Statistics: counters saturate at all-ones rather than wrap, as the
 * 8254x SDM specifies; 64-bit counters are a low/high pair.
 */
void e1000_core_stat_add(struct e1000_core *core, u32 off, u32 n);
void e1000_core_stat_add64(struct e1000_core *core, u32 off_lo, u64 n);

/* IOADDR holds a dword-aligned BAR0 offset. */
#define E1000_IOADDR_MASK	((E1000_MMIO_SIZE - 1) & ~3U)

/* core.c */
/* STATUS as CTRL and the PHY make it. */
u32 e1000_core_status(const struct e1000_core *core);
void e1000_core_update_irq(struct e1000_core *core);
void e1000_core_update_link(struct e1000_core *core);
void e1000_core_mac_reset(struct e1000_core *core);
bool e1000_core_mac_link_up(const struct e1000_core *core);

/*
 * Interrupt delivery for the data path (core.c): raise @causes now, which
 * also delivers any of them the delay timers were holding; or hold @cause
 * for the timer pair @rel/@abs (register values in 1.024 us units): @rel
 * restarts on every call, @abs runs from the first call until delivery.
 * @rel_ticks 0 means no delay.
 */
void e1000_core_raise_now(struct e1000_core *core, u32 causes);
void e1000_core_delay_cause(struct e1000_core *core, u32 cause,
			    enum e1000_timer rel, u32 rel_ticks,
			    enum e1000_timer abs, u32 abs_ticks);
/* Forget the guest's transmit pace (a reset, a restore): all but max_ns. */
void e1000_core_pace_reset(struct e1000_core *core);
/* Frame statistics of a pass: size bins, broadcast and multicast. */
void e1000_pass_count(struct e1000_ring_pass *r, const u8 *dst, u32 len,
		      u32 n);
void e1000_core_stat_bins(struct e1000_core *core, u32 first_bin_off,
			  const struct e1000_ring_pass *r);
/* A ring's register snapshot; false if TDLEN/RDLEN or an index is bad. */
bool e1000_ring_snapshot(struct e1000_core *core, struct e1000_ring_pass *r,
			 u32 bal, u32 bah, u32 len, u32 head, u32 tail);

/* eeprom.c */
void e1000_core_eeprom_init(struct e1000_core *core, const u8 mac[6]);
void e1000_core_eecd_reset(struct e1000_core *core);
u32 e1000_core_eecd_read(struct e1000_core *core,
			 const struct e1000_reg_desc *d, u32 idx);
void e1000_core_eecd_write(struct e1000_core *core,
			   const struct e1000_reg_desc *d, u32 idx, u32 val);
void e1000_core_eerd_write(struct e1000_core *core,
			   const struct e1000_reg_desc *d, u32 idx, u32 val);
bool e1000_core_eeprom_valid(struct e1000_core *core);

/* phy.c */
void e1000_core_phy_reset(struct e1000_core *core);
bool e1000_core_phy_link_up(const struct e1000_core *core);
void e1000_core_mdic_write(struct e1000_core *core,
			   const struct e1000_reg_desc *d, u32 idx, u32 val);
u32 e1000_core_phy_speed(const struct e1000_core *core);
bool e1000_core_phy_full_duplex(const struct e1000_core *core);
void e1000_core_phy_negotiate(struct e1000_core *core);
bool e1000_core_phy_valid(struct e1000_core *core);

/* tx.c: a saved TX state, before a device resumes it (state.c). */
bool e1000_tx_state_valid(const struct e1000_tx_state *tx, const u8 *buf,
			  bool backend_gso);

#endif /* KVM_E1000_CORE_INTERNAL_H */
