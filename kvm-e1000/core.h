/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The 82540EM device model: plain C behind a narrow platform interface.
 *
 * The same sources build into the kernel module and into userspace (unit
 * tests, fuzzer).  The core never sleeps, never allocates and never touches
 * host memory directly: guest memory, the frame backend, the interrupt line
 * and timers are reached only through struct e1000_platform.  The caller
 * serialises all calls into one core (the module holds a spinlock).
 */
#ifndef KVM_E1000_CORE_H
#define KVM_E1000_CORE_H

#include "compat.h"
#include "e1000_hw.h"

/* The registers the model stores live in the first 24 KiB of BAR0. */
#define E1000_REG_SPACE		0x6000
#define E1000_NREGS		(E1000_REG_SPACE / 4)

/* Events the core hands to the platform's kick(): work for the data path. */
#define E1000_KICK_TX		0x1	/* TDT moved or TCTL.EN set */
#define E1000_KICK_RX		0x2	/* RDT moved or RCTL.EN set: buffers */

/* Interrupt-moderation timers (armed through the platform). */
enum e1000_timer {
	E1000_TIMER_ITR,	/* ITR: minimum gap between interrupts */
	E1000_TIMER_TIDV,	/* TX interrupt delay */
	E1000_TIMER_TADV,	/* TX absolute interrupt delay */
	E1000_TIMER_RDTR,	/* RX delay timer */
	E1000_TIMER_RADV,	/* RX absolute interrupt delay */
	E1000_NTIMERS,
};

/* Result of a DMA access through the platform. */
#define E1000_DMA_OK		0
#define E1000_DMA_FAULT		(-1)	/* address not in guest RAM */

struct e1000_platform {
	/* Copy guest-physical memory; E1000_DMA_FAULT if any byte is not RAM. */
	int (*dma_read)(void *opaque, u64 gpa, void *buf, u32 len);
	int (*dma_write)(void *opaque, u64 gpa, const void *buf, u32 len);
	/* The INTx line changed level (true: ICR & IMS != 0). */
	void (*set_irq)(void *opaque, bool level);
	/* A doorbell: E1000_KICK_* bits.  Must not process rings inline. */
	void (*kick)(void *opaque, unsigned int events);
	/* Monotonic time in nanoseconds. */
	u64 (*now_ns)(void *opaque);
	/* (Re)arm a one-shot timer @delay_ns from now; 0 cancels it. */
	void (*timer_arm)(void *opaque, enum e1000_timer timer, u64 delay_ns);
};

/* Counters the core keeps; the module adds its own (MMIO size errors...). */
struct e1000_core_counters {
	u64 mmio_reads;
	u64 mmio_writes;
	u64 mmio_unknown;
	u64 irqs;
	u64 resets;
};

/* Microwire EEPROM bit-bang state (EECD.SK/CS/DI/DO). */
struct e1000_eecd_state {
	u16 bits_in;		/* bits clocked in since CS rose */
	u32 shift_in;		/* opcode and address being clocked in */
	u16 shift_out;		/* word being clocked out on DO */
	u8 out_bits;		/* bits of shift_out left */
	bool reading;		/* READ opcode and address complete */
	bool prev_sk;		/* SK level at the last write, for edges */
};

#define E1000_EEPROM_WORDS	64
#define E1000_PHY_REGS		32

struct e1000_core {
	const struct e1000_platform *plat;
	void *opaque;

	u32 regs[E1000_NREGS];		/* indexed by BAR offset / 4 */
	u16 eeprom[E1000_EEPROM_WORDS];
	u16 phy[E1000_PHY_REGS];
	struct e1000_eecd_state eecd;
	u8 mac_addr[6];
	bool irq_level;			/* last level given to set_irq */
	/*
	 * ICR causes held back by the delay timers (TIDV/TADV for TXDW,
	 * RDTR/RADV for RXT0): the data path sets them and arms the timer,
	 * e1000_core_timer_expired() raises them.
	 */
	u32 delayed_causes;
	u32 ioaddr;			/* I/O BAR: register IODATA reaches */

	struct e1000_core_counters cnt;
};

/* Fill the EEPROM from @mac and reset; the platform may be called. */
void e1000_core_init(struct e1000_core *core, const struct e1000_platform *plat,
		     void *opaque, const u8 mac[6]);
/* Power-on/function-level reset: registers, PHY, EEPROM state machine. */
void e1000_core_reset(struct e1000_core *core);

/*
 * One aligned 32-bit access at BAR offset @off (off < KVM_E1000_BAR0_SIZE,
 * off % 4 == 0).  Offsets that hold no register read as 0 and drop writes
 * (counted in cnt.mmio_unknown).
 */
u32 e1000_core_read(struct e1000_core *core, u32 off);
void e1000_core_write(struct e1000_core *core, u32 off, u32 val);

/*
 * The I/O BAR (BAR2): IOADDR (port offset 0) selects a BAR0 register,
 * IODATA (offset 4) reads or writes it.  The Linux e1000 driver issues
 * CTRL.RST this way on the 82540, so a device without the I/O BAR misses
 * its resets.  Other offsets (of E1000_IO_SIZE) read 0, ignore writes.
 */
u32 e1000_core_io_read(struct e1000_core *core, u32 port);
void e1000_core_io_write(struct e1000_core *core, u32 port, u32 val);

/* A moderation timer armed through the platform expired. */
void e1000_core_timer_expired(struct e1000_core *core, enum e1000_timer timer);

/* Current INTx level: ICR & IMS != 0. */
static inline bool e1000_core_irq_pending(const struct e1000_core *core)
{
	return (core->regs[E1000_ICR >> 2] & core->regs[E1000_IMS >> 2]) != 0;
}

/* Set cause bits in ICR (as the hardware does) and update the line. */
void e1000_core_raise(struct e1000_core *core, u32 causes);

/* Loopback the Linux self-test uses: RCTL.LBM or PHY control loopback. */
bool e1000_core_loopback(const struct e1000_core *core);

#endif /* KVM_E1000_CORE_H */
