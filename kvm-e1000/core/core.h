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

/*
 * Offloads of a transmitted frame, in virtio-net header terms, so that the
 * backend passes them to the host stack instead of doing them here.
 */
#define E1000_TXM_NEEDS_CSUM	0x1	/* fill the L4 checksum: csum_* */

enum e1000_gso_type {
	E1000_GSO_NONE,
	E1000_GSO_TCPV4,
	E1000_GSO_TCPV6,
};

struct e1000_tx_meta {
	u8 flags;		/* E1000_TXM_* */
	u8 gso_type;		/* enum e1000_gso_type */
	u16 hdr_len;		/* Ethernet + IP + L4 header bytes */
	u16 gso_size;		/* MSS */
	u16 csum_start;		/* from the frame's start */
	u16 csum_offset;	/* from csum_start */
};

/* What the backend says of a received frame (virtio-net header flags). */
#define E1000_RXM_DATA_VALID	0x1	/* the host verified the L4 checksum */
#define E1000_RXM_NEEDS_CSUM	0x2	/* L4 checksum partial: csum_* */

struct e1000_rx_meta {
	u8 flags;		/* E1000_RXM_* */
	u8 gso_type;		/* enum e1000_gso_type */
	u16 gso_size;		/* MSS of a GSO frame */
	u16 csum_start;
	u16 csum_offset;
};

/*
 * Headers a GSO frame may have: Ethernet, one VLAN tag, IPv4 with options
 * (60 bytes at most; IPv6 without extension headers is 40) and TCP with
 * options (60).
 */
#define E1000_RX_GSO_HDR_MAX	(14 + 4 + 60 + 60)

/*
 * A GSO frame in hand (e1000_rx_gso()), delivered to the guest segment by
 * segment, across passes when the ring fills.  Zeroed for each new frame.
 */
struct e1000_rx_gso {
	bool ready;		/* headers checked and saved in @hdr */
	bool ip4;
	u16 ip_off, tcp_off, hdr_len;
	u32 seg;		/* the next segment to deliver */
	u8 hdr[E1000_RX_GSO_HDR_MAX];	/* as received: each segment's start */
	u8 seg_hdr[E1000_RX_GSO_HDR_MAX];	/* the segment's own */
};

/*
 * A frame from the backend in the pieces it keeps it in (an skb's head
 * and page fragments): segmented from there, with no copy in between.
 */
#define E1000_RX_SG_MAX		20
struct e1000_rx_sg {
	u32 len;			/* all pieces' bytes */
	u32 n;				/* pieces */
	const u8 *p[E1000_RX_SG_MAX];
	u32 len_of[E1000_RX_SG_MAX];
};

/*
 * A piece of a transmitted frame left in guest memory, for a platform
 * whose backend reads it there (e1000_platform.frame_out_sg).
 */
struct e1000_frag {
	u64 gpa;
	u32 len;
};

/* Result of a DMA access through the platform. */
#define E1000_DMA_OK		0
#define E1000_DMA_FAULT		(-1)	/* address not in guest RAM */

/* CRC-32 (IEEE 802.3, reflected) of @len bytes, continuing from @crc. */
typedef u32 (*e1000_crc32_fn)(u32 crc, const u8 *data, u32 len);

/*
 * The Internet checksum's ones' complement sum of @len bytes taken as
 * big-endian 16-bit words from @data, added to @sum and folded to 16 bits
 * (e1000_csum_add()).
 */
typedef u32 (*e1000_csum_fn)(u32 sum, const u8 *data, u32 len);

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
	/*
	 * Hand one frame to the backend; called by e1000_tx_run() only, outside
	 * the caller's lock.  @meta asks for checksum completion or GSO (only
	 * when e1000_core.backend_gso is set).  Returns E1000_FRAME_TAKEN (sent,
	 * or dropped and counted by the backend) or E1000_FRAME_BUSY: the
	 * backend is full, the engine stops and offers the frame again later.
	 */
	int (*frame_out)(void *opaque, const u8 *frame, u32 len,
			 const struct e1000_tx_meta *meta);
	/*
	 * Optional: the same for a GSO frame whose first @hdr_len bytes are
	 * at @hdr and whose payload is still in guest memory (@frags, in
	 * order), read from there by the backend: one copy of the payload
	 * instead of two.  Besides TAKEN and BUSY it may answer
	 * E1000_FRAME_DECLINED (that memory cannot be reached without
	 * sleeping, or at all): the engine then reads it with dma_read(),
	 * which counts a fault, and calls frame_out().
	 */
	int (*frame_out_sg)(void *opaque, const u8 *hdr, u32 hdr_len,
			    const struct e1000_frag *frags, u32 nfrags,
			    const struct e1000_tx_meta *meta);
	/*
	 * Optional: a faster CRC-32 than the core's own (e1000_crc32(): same
	 * polynomial, reflected, no inversion), for the FCS of every frame
	 * received with RCTL.SECRC clear, which Linux's e1000 driver asks for.
	 */
	e1000_crc32_fn crc32;
	/*
	 * Optional: a faster ones' complement sum than the core's own
	 * (e1000_csum_add()), for the TCP checksum of every segment cut
	 * from a received GSO frame and the L4 sums received frames are
	 * completed or checked with: like the CRC, it runs over nearly
	 * every byte received.
	 */
	e1000_csum_fn csum;
};

#define E1000_FRAME_TAKEN	0
#define E1000_FRAME_BUSY	1
#define E1000_FRAME_DECLINED	2	/* frame_out_sg() only */

/*
 * The part being emulated (model.c).  The glue maps its ABI's model
 * numbers onto these; 82540EM is the default.
 */
enum e1000_model {
	E1000_MODEL_82540EM,
	E1000_MODEL_82545EM,
	E1000_NMODELS,
};

/* What tells one model from another to software. */
struct e1000_model_desc {
	const char *name;
	u16 device_id;		/* PCI device ID (vendor: Intel) */
	u16 subsys_id;		/* PCI subsystem ID (vendor: Intel) */
	u8 revision;		/* PCI revision ID */
	u16 compat;		/* EEPROM word 03h: EEPROM_COMPAT_* */
	u16 pba[2];		/* EEPROM words 08h-09h: board number */
	u32 phy_id;		/* PHY_ID1 << 16 | PHY_ID2 */
	bool pcix;		/* a PCI-X capability after PM's */
};

/* Any value: one past the table gives the default model's description. */
const struct e1000_model_desc *e1000_model_desc(enum e1000_model model);

/* Counters the core keeps; the module adds its own (MMIO size errors...). */
struct e1000_core_counters {
	u64 mmio_reads;
	u64 mmio_writes;
	u64 mmio_unknown;
	u64 irqs;
	u64 resets;
	/*
	 * Guest errors the engines find, each counted once: a malformed
	 * descriptor, or ring registers that make no ring (counted when the
	 * guest writes them, not on every pass that finds them still so).
	 * DMA faults are the platform's to count.
	 */
	u64 desc_errors;
	u64 tx_dropped;		/* frames the TX engine could not send */
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

/*
 * TX engine state that outlives one pass: the offload context and the frame
 * being gathered from several data descriptors.
 */
#define E1000_TX_BUF_SIZE	(65536 + 4096)	/* a 64 KiB TSO frame + headers */

struct e1000_tx_state {
	/* Offload context (context descriptor). */
	u8 ipcss, ipcso, tucss, tucso;
	u16 ipcse, tucse;
	u32 paylen;		/* TSO payload bytes */
	u16 mss;
	u8 hdr_len;
	bool tse, ip4, tcp;	/* TUCMD */
	/* Frame in progress. */
	u32 len;		/* bytes gathered into tx_buf */
	u8 popts;		/* POPTS of the first data descriptor */
	bool in_frame;
	bool vle;		/* insert the VLAN tag of @vlan */
	u16 vlan;
	u32 gen;		/* ring_gen the frame belongs to */
	bool frame_tse;		/* DCMD.TSE of the first data descriptor */
	bool bad;		/* too long or DMA fault: drop at EOP */
	/*
	 * A finished frame the backend refused (E1000_FRAME_BUSY) or, in
	 * loopback, the next TSO segment: offered again at the EOP
	 * descriptor, which stays unconsumed until then.
	 */
	bool ready;
	/*
	 * The path the ready frame took, kept until it is all sent: to the
	 * RX engine (loopback) or the backend, segmented here or as GSO.
	 * A guest that toggles loopback in between changes the next frame.
	 */
	bool loop;
	bool soft_tso;
	u32 seg;		/* next TSO segment to send */
	bool partial;		/* non-TSO L4 checksum left to the backend */
	u32 out_off, out_len;	/* a ready non-TSO frame in tx_buf */
};

/*
 * The payload of the TSO frame being gathered, while it stays in guest
 * memory (tx.c, "One copy"): only its headers are in tx_buf.  Never
 * outlives a pass (e1000_tx_settle()), so never part of the saved state.
 * A frame of more pieces than E1000_TX_FRAGS is copied after all; Linux
 * gives a 64 KiB frame in at most about 35 (4 KiB per descriptor).
 */
#define E1000_TX_FRAGS		48

struct e1000_tx_defer {
	bool on;		/* this frame's payload is in @frag */
	u8 hdr_len;		/* header bytes in tx_buf: the context's then */
	u32 n;
	u32 bytes;		/* payload bytes in @frag */
	struct e1000_frag frag[E1000_TX_FRAGS];
};

#define E1000_EEPROM_WORDS	64
#define E1000_PHY_REGS		32

/*
 * TXDW's moderation at the guest's pace (tx.c, tx_delay_txdw()).  A
 * heuristic of the running device: not saved, cleared by a reset and a
 * restore, all but @max_ns.
 */
struct e1000_tx_pace {
	/*
	 * The longest packet timer it stretches TIDV to (TADV: four of
	 * them); 0: TIDV and TADV act as the guest set them, TXDW waits for
	 * them as the manual has it.  Set by the platform.
	 */
	u64 max_ns;
	u64 last_ns;	/* the last pass that completed descriptors ended */
	u64 end_ns;	/* the last hold of TXDW ended */
	u64 gap_ns;	/* the guest's mean gap between such passes */
	u32 held;	/* descriptors completed under the hold running */
};

struct e1000_core {
	const struct e1000_platform *plat;
	void *opaque;
	const struct e1000_model_desc *model;

	u32 regs[E1000_NREGS];		/* indexed by BAR offset / 4 */
	u16 eeprom[E1000_EEPROM_WORDS];
	u16 phy[E1000_PHY_REGS];
	struct e1000_eecd_state eecd;
	u8 mac_addr[6];
	bool irq_level;			/* last level given to set_irq */
	bool itr_hold;			/* ITR interval running: no new rise */
	/*
	 * ICR causes held back by the delay timers (TIDV/TADV for TXDW,
	 * RDTR/RADV for RXT0): the data path sets them and arms the timer,
	 * e1000_core_timer_expired() raises them.
	 */
	u32 delayed_causes;
	struct e1000_tx_pace tx_pace;	/* TXDW's moderation (tx.c) */
	u32 ioaddr;			/* I/O BAR: register IODATA reaches */

	/* Data path. */
	u32 ring_gen;			/* bumped by resets and ring rewrites */
	/*
	 * Bumped with ring_gen and by any write to a register a pass
	 * snapshots (E1000_REGF_PASS) or to bus mastering: a pass in flight
	 * that sees it move stops and begins anew (e1000_pass_stale()).
	 */
	u32 pass_gen;
	/*
	 * Bumped when memory a pass may be writing stops being the device's
	 * to write: a reset, a ring moved, the receiver or the transmitter
	 * turned off, bus mastering off.  A driver frees its rings and
	 * buffers right after such a write, so the access that made it
	 * returns only once the pass in flight is over (the platform waits
	 * when it sees this move: e1000_core_revoke()).
	 */
	u32 revoke_gen;
	/* The last ring registers refused, per ring: counted once (ring.c). */
	struct e1000_ring_refusal {
		u32 set, gen, len, head, tail;
	} refused[2];
	/*
	 * The function may master the bus: PCI COMMAND.BME set and power
	 * state D0.  Off, the engines do no DMA at all (frames that arrive
	 * are dropped and counted).  PCI state, so CTRL.RST keeps it.
	 */
	bool bus_master;
	bool backend_gso;		/* backend takes TSO as GSO metadata */
	u8 *tx_buf;			/* E1000_TX_BUF_SIZE, from the platform */
	struct e1000_tx_state tx;	/* owned by the pass in progress */
	struct e1000_tx_defer txdefer;	/* likewise */

	struct e1000_core_counters cnt;
};

/*
 * Become @model, fill the EEPROM from @mac and reset; the platform may be
 * called.
 */
void e1000_core_init(struct e1000_core *core, const struct e1000_platform *plat,
		     void *opaque, const u8 mac[6], enum e1000_model model);
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
 * The value register @off holds, without the side effects of a read (no
 * clear-on-read, no EEPROM or PHY cycle; @off < E1000_REG_SPACE, aligned):
 * for a transport that mirrors registers, never for the guest.
 */
static inline u32 e1000_core_peek(const struct e1000_core *core, u32 off)
{
	return core->regs[off >> 2];
}

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

/*
 * The level the core last gave set_irq(): ICR & IMS != 0, except that while
 * an ITR interval runs a new cause is held in ICR without raising the line.
 * The glue's resample handler must re-assert from this, not from
 * e1000_core_irq_pending(), or it would bypass interrupt moderation.
 */
static inline bool e1000_core_irq_line(const struct e1000_core *core)
{
	return core->irq_level;
}

/*
 * Bus mastering allowed (COMMAND.BME and D0) or not.  Turning it on kicks
 * both rings: they resume where the guest left them.
 */
void e1000_core_set_bus_master(struct e1000_core *core, bool on);

/* Set cause bits in ICR (as the hardware does) and update the line. */
void e1000_core_raise(struct e1000_core *core, u32 causes);

/* Loopback the Linux self-test uses: RCTL.LBM or PHY control loopback. */
bool e1000_core_loopback(const struct e1000_core *core);

/*
 * The data path.  Descriptor engines touch guest memory, which may sleep in
 * the kernel, so each pass over a ring has three steps: begin() snapshots
 * the ring registers under the caller's lock, run()/frame() do the DMA
 * without it, end() publishes the new head, statistics and interrupt causes
 * under the lock again.  Only one pass per ring runs at a time (one worker
 * per device).  A reset or a rewrite of the ring registers during a pass
 * voids it: end() then publishes nothing.
 */
/* Frame size bins of the statistics: 64, 65-127, ..., 1024-1522 bytes. */
#define E1000_SIZE_BINS		6

struct e1000_ring_pass {
	u64 base;		/* guest-physical address of descriptor 0 */
	u32 size;		/* descriptors in the ring */
	u32 head;		/* next descriptor the device owns */
	u32 tail;		/* first descriptor the device does not own */
	u32 gen;		/* core->ring_gen at begin() */
	u32 pass_gen;		/* core->pass_gen at begin() */
	u32 causes;		/* ICR causes for end() to raise (or delay) */
	u32 frames;		/* statistics for end() */
	u64 bytes;
	u32 errors;		/* malformed descriptors */
	u32 delayed;		/* causes for end() to hold by delay timers */
	u32 bcast, mcast;	/* frames to broadcast / multicast addresses */
	u32 bins[E1000_SIZE_BINS];	/* frames by size, PRC64..PRC1522 */
};

struct e1000_tx_pass {
	struct e1000_ring_pass ring;
	u32 tctl;
	u32 ctrl, vet;		/* VLAN insertion: CTRL.VME and the TPID */
	bool loopback;		/* frames go to the RX engine, not the backend */
	u32 loop_len;		/* after run(): a looped frame is in loop_frame */
	const u8 *loop_frame;
	u32 dropped;		/* frames not delivered */
	u32 tso;		/* TSO frames sent (TSCTC) */
	u32 tso_fail;		/* TSO frames refused (TSCTFC) */
	u32 read;		/* bytes of guest buffers read: run()'s budget */
	u32 start;		/* ring.head at begin() */
	bool stale;		/* run() stopped: the guest changed the snapshot */
};

#define E1000_RA_ENTRIES	16
#define E1000_MTA_ENTRIES	128
#define E1000_VFTA_ENTRIES	128

struct e1000_rx_pass {
	struct e1000_ring_pass ring;
	u32 rctl, rxcsum, ctrl, vet;	/* snapshots of the filter registers */
	u32 ra[2 * E1000_RA_ENTRIES];
	u32 mta[E1000_MTA_ENTRIES];
	u32 vfta[E1000_VFTA_ENTRIES];
	u32 missed;		/* frames dropped for want of descriptors */
	u32 filtered;		/* frames the address filters refused */
	u32 oversize;		/* frames longer than RCTL.LPE allows (ROC) */
	u32 malformed;		/* GSO frames refused */
	/* The packet buffer's receive share (PBA.RXA), in bytes. */
	u32 pb_bytes;
	/* The last E1000_RX_NO_BUFFERS: more buffers than the ring has. */
	bool too_big;
	e1000_csum_fn csum;	/* the platform's, or e1000_csum_add() */
};

/*
 * Without the lock, between frames or descriptors: did the guest change the
 * pass's snapshot (RCTL, filters, CTRL, ring registers, a reset, bus
 * mastering)?  Then the pass must end before it touches guest memory again:
 * a frame received after a register write obeys that write, and nothing is
 * written to a ring the guest has moved or reset.
 */
static inline bool e1000_pass_stale(const struct e1000_core *core,
				    const struct e1000_ring_pass *r)
{
	return e1000_db_load(&core->pass_gen) != r->pass_gen;
}

/* Results of e1000_rx_frame(). */
#define E1000_RX_DONE		0	/* written to guest buffers */
#define E1000_RX_FILTERED	1	/* not for us, dropped */
#define E1000_RX_NO_BUFFERS	2	/* not enough descriptors: frame kept */
#define E1000_RX_ERROR		3	/* bad descriptor or DMA fault: dropped */
#define E1000_RX_MALFORMED	4	/* GSO metadata or headers refused */
#define E1000_RX_STALE		5	/* e1000_rx_gso(): end the pass, resume */

/* Under the lock: might a TX pass find work?  (tx_begin() decides.) */
static inline bool e1000_tx_pending(const struct e1000_core *core)
{
	return (core->regs[E1000_TCTL >> 2] & E1000_TCTL_EN) &&
	       core->bus_master &&
	       core->regs[E1000_TDH >> 2] != core->regs[E1000_TDT >> 2];
}

/* Under the lock.  false: nothing to do (ring disabled, empty or invalid). */
bool e1000_tx_begin(struct e1000_core *core, struct e1000_tx_pass *p);
/*
 * Without the lock: process up to @budget descriptors, and stop early once
 * @bytes of guest buffers have been read (a descriptor may carry 64 KiB:
 * the descriptor count alone lets one pass copy 16 MiB).  True if only
 * @budget stopped it: another run may continue the pass (the caller's own
 * bounds, such as time, are checked between runs; @bytes counts the whole
 * pass).  False if the ring is empty, a frame was looped, the backend
 * refused a frame, the guest changed the snapshot or @bytes were read.
 */
bool e1000_tx_run(struct e1000_core *core, struct e1000_tx_pass *p,
		  u32 budget, u32 bytes);
/*
 * Without the lock, after the pass's last run: a frame still being
 * gathered gets the payload it left in guest memory copied into tx_buf,
 * so that between passes the device state is whole (e1000_core_save()
 * refuses it otherwise).  A no-op unless the platform has frame_out_sg.
 */
void e1000_tx_settle(struct e1000_core *core);
/*
 * Under the lock.  true: serve the ring again now.  The pass moved it (a
 * budget may have cut it short), looped a frame, or stopped because the
 * guest rewrote what begin() read: the TDT doorbell that asked for this
 * pass may have come before that write, and no other doorbell may follow
 * (a driver whose queue waits for this very frame writes TDT no more).
 */
bool e1000_tx_end(struct e1000_core *core, struct e1000_tx_pass *p);

bool e1000_rx_begin(struct e1000_core *core, struct e1000_rx_pass *p);
/* Without the lock: does the ring have a free descriptor at all? */
bool e1000_rx_has_buffers(const struct e1000_rx_pass *p);
int e1000_rx_frame(struct e1000_core *core, struct e1000_rx_pass *p,
		   const u8 *frame, u32 len, const struct e1000_rx_meta *meta);
/*
 * A TCP GSO frame (@meta->gso_type): cut into segments of gso_size, each
 * with its IP and TCP checksums, and received like e1000_rx_frame().
 * @frame is left as it is.  Returns
 * E1000_RX_DONE once every segment went (delivered, filtered or with a
 * DMA error), E1000_RX_MALFORMED (nothing delivered, p->malformed), or,
 * with the rest kept in @g for the next call, E1000_RX_NO_BUFFERS or
 * E1000_RX_STALE (the guest changed the pass's registers: end it, begin
 * again).
 */
int e1000_rx_gso(struct e1000_core *core, struct e1000_rx_pass *p,
		 const u8 *frame, u32 len, const struct e1000_rx_meta *meta,
		 struct e1000_rx_gso *g);
/*
 * The same for a frame in pieces: each segment's headers are built apart
 * and its payload goes from the pieces straight into the guest's buffers.
 * The pieces must stay put until E1000_RX_DONE or E1000_RX_MALFORMED.
 */
int e1000_rx_gso_sg(struct e1000_core *core, struct e1000_rx_pass *p,
		    const struct e1000_rx_sg *sg,
		    const struct e1000_rx_meta *meta, struct e1000_rx_gso *g);
/* Count a frame the device had to drop for want of buffers (MPC, RXO). */
void e1000_rx_drop(struct e1000_core *core, struct e1000_rx_pass *p);
void e1000_rx_end(struct e1000_core *core, struct e1000_rx_pass *p);

/*
 * PCI configuration space (pci.c): the conventional 256-byte header with
 * the Power Management capability and, on the 82545EM, PCI-X's.  Accesses
 * are 1, 2 or 4 bytes, naturally aligned; others read all ones and drop
 * writes.
 */
#define E1000_PCI_CFG_SIZE	256
#define E1000_PCI_PM_CAP	0xdc		/* Power Management capability */
#define E1000_PCI_PCIX_CAP	0xe4		/* PCI-X (82545EM) */
#define E1000_PCI_BAR_OFF	(~0ULL)		/* BAR not decoding */

/* Events of e1000_pci_write() for the caller to act on. */
#define E1000_PCI_EV_RESET	0x1	/* D3hot -> D0: reset the function */

struct e1000_pci {
	u8 cfg[E1000_PCI_CFG_SIZE];	/* what software reads */
	u8 wmask[E1000_PCI_CFG_SIZE];	/* bits software may write */
	u8 w1cmask[E1000_PCI_CFG_SIZE];	/* bits cleared by writing 1 */
};

void e1000_pci_init(struct e1000_pci *pci, enum e1000_model model);
/*
 * @intx: the device's INTx line now (e1000_core_irq_line()), which
 * STATUS.Interrupt Status reports whatever COMMAND.Interrupt Disable says.
 */
u32 e1000_pci_read(const struct e1000_pci *pci, u32 off, u32 len, bool intx);
/* Returns E1000_PCI_EV_* bits. */
unsigned int e1000_pci_write(struct e1000_pci *pci, u32 off, u32 len, u32 val);
/*
 * Where BAR0 (memory) and BAR2 (I/O) decode now, or E1000_PCI_BAR_OFF
 * (decoding disabled in COMMAND, not in D0, or the BAR unassigned).
 * Callers re-check after every write.
 */
u64 e1000_pci_mem_base(const struct e1000_pci *pci);
u64 e1000_pci_io_base(const struct e1000_pci *pci);
/* COMMAND.BME set and the function in D0: it may do DMA. */
bool e1000_pci_bus_master(const struct e1000_pci *pci);
/*
 * COMMAND.Interrupt Disable: the function must not assert INTx, whatever
 * its line; callers re-check after every write.
 */
bool e1000_pci_intx_disabled(const struct e1000_pci *pci);
/*
 * Migration: take @cfg (E1000_PCI_CFG_SIZE bytes saved from a function of
 * the same model) as this function's configuration space.  Only bytes
 * software could have written are taken; every other byte must already
 * match, and the power state must be one the function has.  False:
 * refused, @pci unchanged.  No event is replayed (a D3hot -> D0 reset
 * happened on the source, if at all).
 */
bool e1000_pci_restore(struct e1000_pci *pci, const u8 *cfg);

/*
 * Device state for migration (state.c): a versioned blob in a fixed
 * little-endian layout, independent of how struct e1000_core is laid out,
 * holding everything of the device that lives across calls: the register
 * file, EEPROM image and Microwire state, PHY registers, the interrupt
 * state (line, ITR interval, causes the delay timers hold), the I/O BAR's
 * IOADDR, bus mastering, the core's counters, the TX offload context and a
 * TX frame in progress with its gathered bytes.  Ring positions are the
 * TDH/TDT/RDH/RDT registers.
 *
 * Not in it, because it lives outside the core: PCI configuration space
 * (struct e1000_pci, the VFIO route's), a received frame the glue holds
 * (lost as on a wire), the backend and its offloads.  Timers are not
 * saved as deadlines: a loaded device re-arms each that was running with
 * its full interval, so a held interrupt comes at most one interval late.
 *
 * Both calls need the device quiesced: no data-path pass between begin()
 * and end() (its TX state belongs to the pass), and the caller's lock.
 */
#define E1000_STATE_MAGIC	0x5331454BU	/* "KE1S" in memory order */
#define E1000_STATE_VERSION	1
#define E1000_STATE_LEN_OFF	8	/* u32: the whole blob's length */
/* The largest blob: the fixed part and a whole tx_buf. */
#define E1000_STATE_FIXED_SIZE	24928
#define E1000_STATE_MAX_SIZE	(E1000_STATE_FIXED_SIZE + E1000_TX_BUF_SIZE)

/* Why a blob was refused (negative returns of save and load). */
enum e1000_state_error {
	E1000_STATE_ESPACE = 1,	/* save: the buffer is too small */
	E1000_STATE_ESHORT,	/* shorter than its header, or its length */
	E1000_STATE_EMAGIC,	/* not a device state */
	E1000_STATE_EVERSION,	/* a layout this core does not know */
	E1000_STATE_ELENGTH,	/* length field and buffer disagree */
	E1000_STATE_EHEADER,	/* reserved header field or flag set */
	E1000_STATE_ECSUM,	/* checksum mismatch */
	E1000_STATE_EMODEL,	/* another model than the device's */
	E1000_STATE_EREG,	/* a register value the device cannot hold */
	E1000_STATE_EEEPROM,	/* EEPROM image or Microwire state */
	E1000_STATE_EPHY,	/* PHY registers */
	E1000_STATE_EINTR,	/* interrupt state, IOADDR, a flag byte */
	E1000_STATE_ETX,	/* TX context or frame in progress */
};

/* Bytes e1000_core_save() needs now (E1000_STATE_MAX_SIZE at most). */
u32 e1000_state_size(const struct e1000_core *core);
/*
 * Returns the blob's length, -E1000_STATE_ESPACE, or -E1000_STATE_ETX in
 * the middle of a TX pass (between e1000_tx_run() and e1000_tx_settle()).
 */
int e1000_core_save(const struct e1000_core *core, void *buf, u32 len);
/*
 * The blob is untrusted: every field is checked against what this device
 * can hold, in @scratch (any memory the size of a core; left undefined),
 * and only a blob found good in full changes @core.  Returns 0 or
 * -E1000_STATE_*; on an error @core is untouched.  The model must be
 * @core's; the station address becomes the blob's.
 */
int e1000_core_load(struct e1000_core *core, struct e1000_core *scratch,
		    const void *buf, u32 len);
/*
 * The same checks, and nothing changed: whether e1000_core_load() would
 * take @buf now (a VMM learns of a bad blob when it hands over its last
 * byte, not later, when a refusal could no longer fail the migration).
 */
int e1000_core_check(const struct e1000_core *core,
		     struct e1000_core *scratch, const void *buf, u32 len);
/*
 * The length a blob's header claims, or 0 while fewer than
 * E1000_STATE_LEN_OFF + 4 of its bytes are in @buf: a writer knows when
 * the last one came.  Unchecked: load and check judge it.
 */
u32 e1000_state_declared_len(const void *buf, u32 len);
/* A short name for an error of save or load, for logs and tests. */
const char *e1000_state_strerror(int err);

#endif /* KVM_E1000_CORE_H */
