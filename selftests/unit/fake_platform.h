/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake platform for the device core in userspace: guest memory is an
 * array at guest-physical address FAKE_MEM_BASE, and every interrupt line
 * change, kick and timer request is recorded for the tests to inspect.
 */
#ifndef FAKE_PLATFORM_H
#define FAKE_PLATFORM_H

#include "core.h"

#define FAKE_MEM_BASE	0x100000ULL
#define FAKE_MEM_SIZE	0x40000U	/* room for a 64 KiB TSO frame */

/* Frames handed to frame_out, kept for the tests to inspect. */
#define FAKE_FRAMES	64
#define FAKE_FRAME_MAX	(E1000_TX_BUF_SIZE)

struct fake_frame {
	u32 len;
	struct e1000_tx_meta meta;
	u8 *data;			/* FAKE_FRAME_MAX bytes, malloc'd */
};

/* DMA writes, for the fuzzer's ownership checks. */
#define FAKE_WLOG	512

struct fake_wlog {
	u64 gpa;
	u32 len;
};

struct fake {
	struct e1000_core core;
	u8 mem[FAKE_MEM_SIZE];

	bool line;			/* last level set_irq gave */
	unsigned int irq_calls;		/* set_irq calls */
	unsigned int irq_rises;		/* calls that raised the line */
	unsigned int irq_redundant;	/* calls that did not change it */
	unsigned int kick_tx;		/* kicks with E1000_KICK_TX */
	unsigned int kick_rx;		/* kicks with E1000_KICK_RX */
	unsigned int kick_calls;
	unsigned int kick_bad;		/* kicks with no or unknown events */
	u64 now;
	u64 timer[E1000_NTIMERS];	/* last delay armed, 0 = cancelled */
	unsigned int timer_calls;
	unsigned int timer_bad;		/* arm requests for no such timer */
	unsigned int dma_faults;

	u8 tx_buf[E1000_TX_BUF_SIZE];
	struct fake_frame frames[FAKE_FRAMES];
	unsigned int nframes;		/* frames taken (kept up to FAKE_FRAMES) */
	unsigned int frame_calls;	/* frame_out calls, busy ones included */
	int busy_after;			/* BUSY once this many were taken; <0: never */
	/* frame_out_sg (fake_platform_sg only) */
	unsigned int sg_calls;		/* busy and declined ones included */
	unsigned int sg_taken;		/* frames it took */
	unsigned int sg_frags;		/* pieces of the last frame it took */
	bool sg_decline;		/* answer E1000_FRAME_DECLINED */
	struct fake_wlog wlog[FAKE_WLOG];
	unsigned int nwlog;		/* writes (logged up to FAKE_WLOG) */
};

extern const struct e1000_platform fake_platform;
/*
 * The same with frame_out_sg, which reads the payload from mem itself,
 * and a csum of its own (a byte at a time).
 */
extern const struct e1000_platform fake_platform_sg;
/* Calls of its csum (it has no device to count in). */
extern unsigned int fake_csum_calls;
extern const u8 fake_mac[6];

/* Zero @f and initialise its core with fake_mac, a tx_buf, no busy. */
void fake_init(struct fake *f);
/* The same, as another model than the default 82540EM. */
void fake_init_model(struct fake *f, enum e1000_model model);
/* Free what fake_init allocated. */
void fake_fini(struct fake *f);

#endif /* FAKE_PLATFORM_H */
