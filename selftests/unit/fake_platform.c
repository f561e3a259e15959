// SPDX-License-Identifier: GPL-2.0
/* The recording fake platform of the unit tests. */
#include <stdlib.h>

#include "fake_platform.h"

const u8 fake_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x3f };

static bool in_mem(u64 gpa, u32 len)
{
	return gpa >= FAKE_MEM_BASE && len <= FAKE_MEM_SIZE &&
	       gpa - FAKE_MEM_BASE <= FAKE_MEM_SIZE - len;
}

static int fake_dma_read(void *opaque, u64 gpa, void *buf, u32 len)
{
	struct fake *f = opaque;

	if (!in_mem(gpa, len)) {
		f->dma_faults++;
		return E1000_DMA_FAULT;
	}
	memcpy(buf, f->mem + (gpa - FAKE_MEM_BASE), len);
	return E1000_DMA_OK;
}

static int fake_dma_write(void *opaque, u64 gpa, const void *buf, u32 len)
{
	struct fake *f = opaque;

	if (!in_mem(gpa, len)) {
		f->dma_faults++;
		return E1000_DMA_FAULT;
	}
	memcpy(f->mem + (gpa - FAKE_MEM_BASE), buf, len);
	if (f->nwlog < FAKE_WLOG) {
		f->wlog[f->nwlog].gpa = gpa;
		f->wlog[f->nwlog].len = len;
	}
	f->nwlog++;
	return E1000_DMA_OK;
}

static void fake_set_irq(void *opaque, bool level)
{
	struct fake *f = opaque;

	f->irq_calls++;
	if (level == f->line)
		f->irq_redundant++;
	else if (level)
		f->irq_rises++;
	f->line = level;
}

static void fake_kick(void *opaque, unsigned int events)
{
	struct fake *f = opaque;

	f->kick_calls++;
	if (!events || (events & ~(E1000_KICK_TX | E1000_KICK_RX)))
		f->kick_bad++;
	if (events & E1000_KICK_TX)
		f->kick_tx++;
	if (events & E1000_KICK_RX)
		f->kick_rx++;
}

static u64 fake_now_ns(void *opaque)
{
	struct fake *f = opaque;

	return f->now;
}

static void fake_timer_arm(void *opaque, enum e1000_timer timer, u64 delay)
{
	struct fake *f = opaque;

	f->timer_calls++;
	if ((unsigned int)timer < E1000_NTIMERS)
		f->timer[timer] = delay;
	else
		f->timer_bad++;
}

static bool fake_busy(const struct fake *f)
{
	return f->busy_after >= 0 && f->nframes >= (unsigned int)f->busy_after;
}

/* The next frame's record, or NULL past FAKE_FRAMES. */
static struct fake_frame *fake_record(struct fake *f, u32 len,
				      const struct e1000_tx_meta *meta)
{
	struct fake_frame *fr;

	if (f->nframes >= FAKE_FRAMES || len > FAKE_FRAME_MAX)
		return NULL;
	fr = &f->frames[f->nframes];
	if (!fr->data)
		fr->data = malloc(FAKE_FRAME_MAX);
	fr->len = len;
	fr->meta = *meta;
	return fr->data ? fr : NULL;
}

static int fake_frame_out(void *opaque, const u8 *frame, u32 len,
			  const struct e1000_tx_meta *meta)
{
	struct fake *f = opaque;
	struct fake_frame *fr;

	f->frame_calls++;
	if (fake_busy(f))
		return E1000_FRAME_BUSY;
	fr = fake_record(f, len, meta);
	if (fr)
		memcpy(fr->data, frame, len);
	f->nframes++;
	return E1000_FRAME_TAKEN;
}

/* Reads the pieces from mem when it sends, as the kernel's tap does. */
static int fake_frame_out_sg(void *opaque, const u8 *hdr, u32 hdr_len,
			     const struct e1000_frag *frags, u32 nfrags,
			     const struct e1000_tx_meta *meta)
{
	struct fake *f = opaque;
	struct fake_frame *fr;
	u32 i, len = hdr_len;

	f->sg_calls++;
	if (f->sg_decline)
		return E1000_FRAME_DECLINED;
	for (i = 0; i < nfrags; i++) {
		/* The core copies what is not RAM: that counts the fault. */
		if (!in_mem(frags[i].gpa, frags[i].len))
			return E1000_FRAME_DECLINED;
		len += frags[i].len;
	}
	if (fake_busy(f))
		return E1000_FRAME_BUSY;
	fr = fake_record(f, len, meta);
	if (fr) {
		memcpy(fr->data, hdr, hdr_len);
		for (len = hdr_len, i = 0; i < nfrags; len += frags[i++].len)
			memcpy(fr->data + len,
			       f->mem + (frags[i].gpa - FAKE_MEM_BASE),
			       frags[i].len);
	}
	f->nframes++;
	f->sg_taken++;
	f->sg_frags = nfrags;
	return E1000_FRAME_TAKEN;
}

unsigned int fake_csum_calls;

/* The ones' complement sum the simplest way: byte pairs, then fold. */
static u32 fake_csum(u32 sum, const u8 *data, u32 len)
{
	u64 acc = sum;
	u32 i;

	fake_csum_calls++;
	for (i = 0; i < len; i++)
		acc += i & 1 ? data[i] : (u32)data[i] << 8;
	while (acc >> 16)
		acc = (acc & 0xFFFF) + (acc >> 16);
	return (u32)acc;
}

#define FAKE_OPS					\
	.dma_read = fake_dma_read,			\
	.dma_write = fake_dma_write,			\
	.set_irq = fake_set_irq,			\
	.kick = fake_kick,				\
	.now_ns = fake_now_ns,				\
	.timer_arm = fake_timer_arm,			\
	.frame_out = fake_frame_out

const struct e1000_platform fake_platform = { FAKE_OPS };

const struct e1000_platform fake_platform_sg = {
	FAKE_OPS,
	.frame_out_sg = fake_frame_out_sg,
	.csum = fake_csum,
};

void fake_init(struct fake *f)
{
	fake_init_model(f, E1000_MODEL_82540EM);
}

void fake_init_model(struct fake *f, enum e1000_model model)
{
	struct fake_frame frames[FAKE_FRAMES];

	/* Keep the frame buffers across tests: they are large. */
	memcpy(frames, f->frames, sizeof(frames));
	memset(f, 0, sizeof(*f));
	memcpy(f->frames, frames, sizeof(frames));
	f->busy_after = -1;
	e1000_core_init(&f->core, &fake_platform, f, fake_mac, model);
	f->core.tx_buf = f->tx_buf;
}

void fake_fini(struct fake *f)
{
	unsigned int i;

	for (i = 0; i < FAKE_FRAMES; i++) {
		free(f->frames[i].data);
		f->frames[i].data = NULL;
	}
}
