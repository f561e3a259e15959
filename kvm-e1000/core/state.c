// SPDX-License-Identifier: GPL-2.0
/*
 * Device state for migration: the core as a blob and back (core.h says
 * what is in it and what is not).
 *
 * Layout, version 1, every field little-endian, no padding but the
 * explicit zero bytes:
 *
 *   header (32 bytes)
 *     u32 magic (E1000_STATE_MAGIC)   u16 version     u16 header size (32)
 *     u32 length of the whole blob     u16 model       u16 flags (0)
 *     u32 CRC-32 of the whole blob, this field taken as 0
 *     12 zero bytes
 *   registers: E1000_NREGS u32, by BAR offset / 4
 *   EEPROM: 64 u16           PHY: 32 u16
 *   Microwire: u16 bits_in, u16 shift_out, u32 shift_in, u8 out_bits,
 *     u8 reading, u8 prev_sk, u8 0
 *   station address: 6 bytes, u16 0
 *   interrupts: u8 irq_level, u8 itr_hold, u8 bus_master, u8 0,
 *     u32 delayed_causes, u32 ioaddr
 *   counters: 7 u64, in struct e1000_core_counters' order
 *   TX context: u8 ipcss, ipcso, tucss, tucso; u16 ipcse, tucse;
 *     u32 paylen; u16 mss; u8 hdr_len; u8 TX_CTX_* flags
 *   TX frame: u32 len; u8 popts; u8 TX_FRAME_* flags; u16 vlan; u32 seg;
 *     u32 out_off; u32 out_len; u32 tx_buf bytes that follow
 *   tx_buf: E1000_TX_BUF_SIZE bytes while a frame is in progress, else none
 *
 * A new field or a changed meaning is a new version: a loader refuses
 * versions it does not know rather than guess.
 */
#include "core_internal.h"
#include "offload.h"

#define HDR_SIZE		32
#define HDR_CSUM_OFF		16

/* TX context flags (TUCMD bits the context keeps). */
#define TX_CTX_TSE		0x01
#define TX_CTX_IP4		0x02
#define TX_CTX_TCP		0x04
#define TX_CTX_ALL		0x07

/* TX frame flags. */
#define TX_FRAME_IN_FRAME	0x01
#define TX_FRAME_VLE		0x02
#define TX_FRAME_TSE		0x04
#define TX_FRAME_BAD		0x08
#define TX_FRAME_READY		0x10
#define TX_FRAME_LOOP		0x20
#define TX_FRAME_SOFT_TSO	0x40
#define TX_FRAME_PARTIAL	0x80

#define NCOUNTERS		7

/* What follows the header; core.h's E1000_STATE_FIXED_SIZE must agree. */
#define BODY_SIZE		(E1000_NREGS * 4 + E1000_EEPROM_WORDS * 2 + \
				 E1000_PHY_REGS * 2 + 12 + 8 + 12 + \
				 NCOUNTERS * 8 + 16 + 24)

static_assert(HDR_SIZE + BODY_SIZE == E1000_STATE_FIXED_SIZE,
	      "E1000_STATE_FIXED_SIZE is the fixed part's size");
static_assert(sizeof(struct e1000_core_counters) == NCOUNTERS * 8,
	      "a new counter is a new state version");

/* ---- Byte order ---- */

struct cursor {
	u8 *w;			/* writing */
	const u8 *r;		/* reading */
	u32 off;
};

static void put8(struct cursor *c, u8 v)
{
	c->w[c->off++] = v;
}

static void put16(struct cursor *c, u16 v)
{
	put8(c, v & 0xFF);
	put8(c, v >> 8);
}

static void put32(struct cursor *c, u32 v)
{
	put16(c, v & 0xFFFF);
	put16(c, v >> 16);
}

static void put64(struct cursor *c, u64 v)
{
	put32(c, (u32)v);
	put32(c, (u32)(v >> 32));
}

static u8 get8(struct cursor *c)
{
	return c->r[c->off++];
}

static u16 get16(struct cursor *c)
{
	u16 v = get8(c);

	return v | (u16)get8(c) << 8;
}

static u32 get32(struct cursor *c)
{
	u32 v = get16(c);

	return v | (u32)get16(c) << 16;
}

static u64 get64(struct cursor *c)
{
	u64 v = get32(c);

	return v | (u64)get32(c) << 32;
}

static u32 le32_at(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static u16 le16_at(const u8 *p)
{
	return p[0] | p[1] << 8;
}

/* CRC-32 of the blob with its checksum field taken as zero. */
static u32 blob_csum(const u8 *b, u32 len)
{
	static const u8 zero[4];
	u32 crc = E1000_CRC_INIT;

	crc = e1000_crc32(crc, b, HDR_CSUM_OFF);
	crc = e1000_crc32(crc, zero, sizeof(zero));
	crc = e1000_crc32(crc, b + HDR_CSUM_OFF + 4,
			  len - HDR_CSUM_OFF - 4);
	return ~crc;
}

static unsigned int model_index(const struct e1000_core *core)
{
	unsigned int m;

	for (m = 0; m < E1000_NMODELS; m++)
		if (e1000_model_desc(m) == core->model)
			break;
	return m;
}

/* ---- Save ---- */

static bool tx_buf_saved(const struct e1000_core *core)
{
	return core->tx.in_frame && core->tx_buf;
}

u32 e1000_state_size(const struct e1000_core *core)
{
	return E1000_STATE_FIXED_SIZE +
	       (tx_buf_saved(core) ? E1000_TX_BUF_SIZE : 0);
}

static void save_tx(struct cursor *c, const struct e1000_tx_state *tx,
		    u32 buf_len)
{
	put8(c, tx->ipcss);
	put8(c, tx->ipcso);
	put8(c, tx->tucss);
	put8(c, tx->tucso);
	put16(c, tx->ipcse);
	put16(c, tx->tucse);
	put32(c, tx->paylen);
	put16(c, tx->mss);
	put8(c, tx->hdr_len);
	put8(c, (tx->tse ? TX_CTX_TSE : 0) | (tx->ip4 ? TX_CTX_IP4 : 0) |
		(tx->tcp ? TX_CTX_TCP : 0));
	put32(c, tx->len);
	put8(c, tx->popts);
	put8(c, (tx->in_frame ? TX_FRAME_IN_FRAME : 0) |
		(tx->vle ? TX_FRAME_VLE : 0) |
		(tx->frame_tse ? TX_FRAME_TSE : 0) |
		(tx->bad ? TX_FRAME_BAD : 0) |
		(tx->ready ? TX_FRAME_READY : 0) |
		(tx->loop ? TX_FRAME_LOOP : 0) |
		(tx->soft_tso ? TX_FRAME_SOFT_TSO : 0) |
		(tx->partial ? TX_FRAME_PARTIAL : 0));
	put16(c, tx->vlan);
	put32(c, tx->seg);
	put32(c, tx->out_off);
	put32(c, tx->out_len);
	put32(c, buf_len);
}

int e1000_core_save(const struct e1000_core *core, void *buf, u32 len)
{
	const struct e1000_core_counters *n = &core->cnt;
	const struct e1000_eecd_state *st = &core->eecd;
	u32 size = e1000_state_size(core), buf_len, i;
	struct cursor c = { .w = buf };

	if (len < size)
		return -E1000_STATE_ESPACE;
	/* A pass is gathering a frame in place: tx_buf is not whole. */
	if (core->txdefer.on)
		return -E1000_STATE_ETX;
	buf_len = size - E1000_STATE_FIXED_SIZE;

	put32(&c, E1000_STATE_MAGIC);
	put16(&c, E1000_STATE_VERSION);
	put16(&c, HDR_SIZE);
	put32(&c, size);
	put16(&c, model_index(core));
	put16(&c, 0);
	put32(&c, 0);				/* checksum, below */
	while (c.off < HDR_SIZE)
		put8(&c, 0);

	for (i = 0; i < E1000_NREGS; i++)
		put32(&c, core->regs[i]);
	for (i = 0; i < E1000_EEPROM_WORDS; i++)
		put16(&c, core->eeprom[i]);
	for (i = 0; i < E1000_PHY_REGS; i++)
		put16(&c, core->phy[i]);

	put16(&c, st->bits_in);
	put16(&c, st->shift_out);
	put32(&c, st->shift_in);
	put8(&c, st->out_bits);
	put8(&c, st->reading);
	put8(&c, st->prev_sk);
	put8(&c, 0);

	for (i = 0; i < sizeof(core->mac_addr); i++)
		put8(&c, core->mac_addr[i]);
	put16(&c, 0);

	put8(&c, core->irq_level);
	put8(&c, core->itr_hold);
	put8(&c, core->bus_master);
	put8(&c, 0);
	put32(&c, core->delayed_causes);
	put32(&c, core->ioaddr);

	put64(&c, n->mmio_reads);
	put64(&c, n->mmio_writes);
	put64(&c, n->mmio_unknown);
	put64(&c, n->irqs);
	put64(&c, n->resets);
	put64(&c, n->desc_errors);
	put64(&c, n->tx_dropped);

	save_tx(&c, &core->tx, buf_len);
	if (buf_len)
		memcpy(c.w + c.off, core->tx_buf, buf_len);

	c.off = HDR_CSUM_OFF;
	put32(&c, blob_csum(buf, size));
	return size;
}

/* ---- Load ---- */

/*
 * A scratch core's platform: validation runs the model's own code on the
 * scratch copy, which must reach nothing outside it.
 */
static int noop_dma(void *opaque, u64 gpa, void *buf, u32 len)
{
	return E1000_DMA_FAULT;
}

static int noop_dma_write(void *opaque, u64 gpa, const void *buf, u32 len)
{
	return E1000_DMA_FAULT;
}

static void noop_irq(void *opaque, bool level)
{
}

static void noop_kick(void *opaque, unsigned int events)
{
}

static u64 noop_now(void *opaque)
{
	return 0;
}

static void noop_timer(void *opaque, enum e1000_timer t, u64 delay_ns)
{
}

static int noop_frame(void *opaque, const u8 *frame, u32 len,
		      const struct e1000_tx_meta *meta)
{
	return E1000_FRAME_TAKEN;
}

static const struct e1000_platform scratch_platform = {
	.dma_read = noop_dma,
	.dma_write = noop_dma_write,
	.set_irq = noop_irq,
	.kick = noop_kick,
	.now_ns = noop_now,
	.timer_arm = noop_timer,
	.frame_out = noop_frame,
};

static int check_header(const struct e1000_core *core, const u8 *b, u32 len)
{
	u32 i;

	if (len < HDR_SIZE)
		return -E1000_STATE_ESHORT;
	if (le32_at(b) != E1000_STATE_MAGIC)
		return -E1000_STATE_EMAGIC;
	if (le16_at(b + 4) != E1000_STATE_VERSION ||
	    le16_at(b + 6) != HDR_SIZE)
		return -E1000_STATE_EVERSION;
	if (le32_at(b + E1000_STATE_LEN_OFF) > len)
		return -E1000_STATE_ESHORT;
	if (le32_at(b + E1000_STATE_LEN_OFF) != len ||
	    (len != E1000_STATE_FIXED_SIZE && len != E1000_STATE_MAX_SIZE))
		return -E1000_STATE_ELENGTH;
	if (le16_at(b + 14))
		return -E1000_STATE_EHEADER;
	for (i = HDR_CSUM_OFF + 4; i < HDR_SIZE; i++)
		if (b[i])
			return -E1000_STATE_EHEADER;
	if (le32_at(b + HDR_CSUM_OFF) != blob_csum(b, len))
		return -E1000_STATE_ECSUM;
	if (le16_at(b + 12) >= E1000_NMODELS ||
	    e1000_model_desc(le16_at(b + 12)) != core->model)
		return -E1000_STATE_EMODEL;
	return 0;
}

/* PBA's transmit share is what the receive share leaves (pba_write()). */
static u32 pba_of(u32 rx)
{
	u32 tx = rx < E1000_PBA_TOTAL_KB ? E1000_PBA_TOTAL_KB - rx : 0;

	return rx | tx << E1000_PBA_TXA_SHIFT;
}

/*
 * Could register dword @i hold @v?  What the table's write rules let it
 * store: bits outside a register's writable mask keep their reset value,
 * save for registers that handlers or the device set (their own rules),
 * counters (any value) and STATUS (checked against CTRL and the PHY once
 * those are known).  Dwords that hold no register are 0.
 */
static bool reg_valid(const struct e1000_core *s, u32 i, u32 v)
{
	const struct e1000_reg_desc *d = e1000_core_reg_lookup(i * 4);
	u32 addr;

	if (!d)
		return !v;
	if (d->flags & E1000_REGF_STAT)
		return true;
	switch (d->off) {
	case E1000_STATUS:
		return true;
	case E1000_ICR:
		return !(v & ~E1000_ICR_VALID_MASK);
	case E1000_MDIC:
		/* Every transaction completes at once (mdic_write()). */
		return !v || (v & E1000_MDIC_READY);
	case E1000_EERD:
		addr = (v & E1000_EERD_ADDR_MASK) >> E1000_EERD_ADDR_SHIFT;
		if (!(v & E1000_EERD_DONE))
			return !(v & ~E1000_EERD_ADDR_MASK);
		return v == ((u32)s->eeprom[addr % E1000_EEPROM_WORDS] <<
			     E1000_EERD_DATA_SHIFT |
			     addr << E1000_EERD_ADDR_SHIFT | E1000_EERD_DONE);
	case E1000_PBA:
		return v == pba_of(v & E1000_PBA_RXA_MASK);
	case E1000_RA:
		/* RAL any, RAH only AV, AS and the address's last bytes. */
		return !((i - (E1000_RA >> 2)) & 1) || !(v & ~E1000_RAH_MASK);
	default:
		return (v & ~d->wmask) == (d->reset & ~d->wmask);
	}
}

/* A flag byte of the layout: 0 or 1. */
static bool get_bool(struct cursor *c, bool *ok)
{
	u8 v = get8(c);

	*ok &= v <= 1;
	return v;
}

static int load_tx(struct cursor *c, struct e1000_tx_state *tx,
		   u32 *buf_len)
{
	u8 f;

	tx->ipcss = get8(c);
	tx->ipcso = get8(c);
	tx->tucss = get8(c);
	tx->tucso = get8(c);
	tx->ipcse = get16(c);
	tx->tucse = get16(c);
	tx->paylen = get32(c);
	tx->mss = get16(c);
	tx->hdr_len = get8(c);
	f = get8(c);
	if (f & ~TX_CTX_ALL)
		return -E1000_STATE_ETX;
	tx->tse = f & TX_CTX_TSE;
	tx->ip4 = f & TX_CTX_IP4;
	tx->tcp = f & TX_CTX_TCP;
	tx->len = get32(c);
	tx->popts = get8(c);
	f = get8(c);
	tx->in_frame = f & TX_FRAME_IN_FRAME;
	tx->vle = f & TX_FRAME_VLE;
	tx->frame_tse = f & TX_FRAME_TSE;
	tx->bad = f & TX_FRAME_BAD;
	tx->ready = f & TX_FRAME_READY;
	tx->loop = f & TX_FRAME_LOOP;
	tx->soft_tso = f & TX_FRAME_SOFT_TSO;
	tx->partial = f & TX_FRAME_PARTIAL;
	tx->vlan = get16(c);
	tx->seg = get32(c);
	tx->out_off = get32(c);
	tx->out_len = get32(c);
	*buf_len = get32(c);
	return 0;
}

/* Decode the body into @s; only per-field checks here. */
static int decode(struct cursor *c, struct e1000_core *s, u32 *buf_len)
{
	struct e1000_eecd_state *st = &s->eecd;
	struct e1000_core_counters *n = &s->cnt;
	bool ok = true;
	u32 i;

	for (i = 0; i < E1000_NREGS; i++)
		s->regs[i] = get32(c);
	for (i = 0; i < E1000_EEPROM_WORDS; i++)
		s->eeprom[i] = get16(c);
	for (i = 0; i < E1000_PHY_REGS; i++)
		s->phy[i] = get16(c);

	st->bits_in = get16(c);
	st->shift_out = get16(c);
	st->shift_in = get32(c);
	st->out_bits = get8(c);
	st->reading = get_bool(c, &ok);
	st->prev_sk = get_bool(c, &ok);
	if (!ok || get8(c))
		return -E1000_STATE_EEEPROM;

	for (i = 0; i < sizeof(s->mac_addr); i++)
		s->mac_addr[i] = get8(c);
	if (get16(c))
		return -E1000_STATE_EEEPROM;

	s->irq_level = get_bool(c, &ok);
	s->itr_hold = get_bool(c, &ok);
	s->bus_master = get_bool(c, &ok);
	if (!ok || get8(c))
		return -E1000_STATE_EINTR;
	s->delayed_causes = get32(c);
	s->ioaddr = get32(c);

	n->mmio_reads = get64(c);
	n->mmio_writes = get64(c);
	n->mmio_unknown = get64(c);
	n->irqs = get64(c);
	n->resets = get64(c);
	n->desc_errors = get64(c);
	n->tx_dropped = get64(c);

	return load_tx(c, &s->tx, buf_len);
}

/* Checks across fields, on the decoded scratch core. */
static int validate(struct e1000_core *s, const u8 *tx_buf)
{
	bool pending = e1000_core_irq_pending(s);
	u32 i;

	/* EERD's rule reads the image: the EEPROM first. */
	if (!e1000_core_eeprom_valid(s))
		return -E1000_STATE_EEEPROM;
	for (i = 0; i < E1000_NREGS; i++)
		if (!reg_valid(s, i, s->regs[i]))
			return -E1000_STATE_EREG;
	if (!e1000_core_phy_valid(s))
		return -E1000_STATE_EPHY;
	if (e1000_reg(s, E1000_STATUS) != e1000_core_status(s))
		return -E1000_STATE_EREG;
	/*
	 * The line is up only with a cause unmasked, and follows ICR & IMS
	 * except while an ITR interval holds a new rise back.
	 */
	if ((s->irq_level && !pending) ||
	    (!s->itr_hold && s->irq_level != pending) ||
	    (s->delayed_causes & ~(E1000_ICR_TXDW | E1000_ICR_RXT0)) ||
	    (s->ioaddr & ~E1000_IOADDR_MASK))
		return -E1000_STATE_EINTR;
	if (!e1000_tx_state_valid(&s->tx, tx_buf, s->backend_gso))
		return -E1000_STATE_ETX;
	return 0;
}

/* Timers that ran at save time run again, from their full interval. */
static void rearm(struct e1000_core *core, u32 delayed)
{
	u32 itr = e1000_reg(core, E1000_ITR) & E1000_ITR_INTERVAL_MASK;

	if (delayed & E1000_ICR_TXDW)
		e1000_core_delay_cause(core, E1000_ICR_TXDW, E1000_TIMER_TIDV,
				       e1000_reg(core, E1000_TIDV),
				       E1000_TIMER_TADV,
				       e1000_reg(core, E1000_TADV));
	if (delayed & E1000_ICR_RXT0)
		e1000_core_delay_cause(core, E1000_ICR_RXT0, E1000_TIMER_RDTR,
				       e1000_reg(core, E1000_RDTR),
				       E1000_TIMER_RADV,
				       e1000_reg(core, E1000_RADV));
	if (!core->itr_hold)
		return;
	if (itr)
		core->plat->timer_arm(core->opaque, E1000_TIMER_ITR,
				      (u64)itr * E1000_ITR_UNIT_NS);
	else
		e1000_core_timer_expired(core, E1000_TIMER_ITR);
}

/* Everything checked: @core becomes @s.  Nothing here may fail. */
static void commit(struct e1000_core *core, const struct e1000_core *s,
		   const u8 *tx_buf)
{
	bool old_level = core->irq_level;
	int t;

	for (t = 0; t < E1000_NTIMERS; t++)
		core->plat->timer_arm(core->opaque, t, 0);
	memcpy(core->regs, s->regs, sizeof(core->regs));
	memcpy(core->eeprom, s->eeprom, sizeof(core->eeprom));
	memcpy(core->phy, s->phy, sizeof(core->phy));
	core->eecd = s->eecd;
	memcpy(core->mac_addr, s->mac_addr, sizeof(core->mac_addr));
	core->irq_level = s->irq_level;
	core->itr_hold = s->itr_hold;
	core->delayed_causes = 0;
	e1000_core_pace_reset(core);
	core->ioaddr = s->ioaddr;
	core->bus_master = s->bus_master;
	core->cnt = s->cnt;
	memset(core->refused, 0, sizeof(core->refused));
	/* Whatever a pass had snapshot of the old device is void. */
	core->ring_gen++;
	e1000_core_pass_changed(core);
	core->tx = s->tx;
	core->tx.gen = core->ring_gen;
	core->txdefer.on = false;
	core->txdefer.n = 0;
	core->txdefer.bytes = 0;
	if (tx_buf)
		memcpy(core->tx_buf, tx_buf, E1000_TX_BUF_SIZE);

	if (core->irq_level != old_level)
		core->plat->set_irq(core->opaque, core->irq_level);
	rearm(core, s->delayed_causes);
	core->plat->kick(core->opaque, E1000_KICK_TX | E1000_KICK_RX);
}

/*
 * Decodes and checks the whole blob into @scratch; sets *@tx_buf to the
 * frame in progress in @buf, if any.  @core is only read.
 */
static int check_blob(const struct e1000_core *core,
		      struct e1000_core *scratch, const void *buf, u32 len,
		      const u8 **tx_buf)
{
	struct cursor c = { .r = buf, .off = HDR_SIZE };
	u32 buf_len;
	int ret;

	ret = check_header(core, buf, len);
	if (ret)
		return ret;

	memset(scratch, 0, sizeof(*scratch));
	scratch->plat = &scratch_platform;
	scratch->model = core->model;
	scratch->backend_gso = core->backend_gso;
	ret = decode(&c, scratch, &buf_len);
	if (ret)
		return ret;
	/* A whole tx_buf exactly when a frame is in progress. */
	if (buf_len != len - c.off ||
	    buf_len != (scratch->tx.in_frame ? E1000_TX_BUF_SIZE : 0) ||
	    (buf_len && !core->tx_buf))
		return -E1000_STATE_ETX;
	*tx_buf = buf_len ? c.r + c.off : NULL;
	return validate(scratch, *tx_buf);
}

int e1000_core_check(const struct e1000_core *core,
		     struct e1000_core *scratch, const void *buf, u32 len)
{
	const u8 *tx_buf;

	return check_blob(core, scratch, buf, len, &tx_buf);
}

int e1000_core_load(struct e1000_core *core, struct e1000_core *scratch,
		    const void *buf, u32 len)
{
	const u8 *tx_buf;
	int ret;

	ret = check_blob(core, scratch, buf, len, &tx_buf);
	if (ret)
		return ret;
	commit(core, scratch, tx_buf);
	return 0;
}

u32 e1000_state_declared_len(const void *buf, u32 len)
{
	return len < E1000_STATE_LEN_OFF + 4 ?
		0 : le32_at((const u8 *)buf + E1000_STATE_LEN_OFF);
}

const char *e1000_state_strerror(int err)
{
	static const char *const names[] = {
		[0] = "ok",
		[E1000_STATE_ESPACE] = "buffer too small",
		[E1000_STATE_ESHORT] = "truncated",
		[E1000_STATE_EMAGIC] = "bad magic",
		[E1000_STATE_EVERSION] = "unknown version",
		[E1000_STATE_ELENGTH] = "bad length",
		[E1000_STATE_EHEADER] = "reserved header field set",
		[E1000_STATE_ECSUM] = "checksum mismatch",
		[E1000_STATE_EMODEL] = "other model",
		[E1000_STATE_EREG] = "bad register value",
		[E1000_STATE_EEEPROM] = "bad EEPROM state",
		[E1000_STATE_EPHY] = "bad PHY state",
		[E1000_STATE_EINTR] = "bad interrupt state",
		[E1000_STATE_ETX] = "bad TX state",
	};
	unsigned int i = err < 0 ? -err : err;

	return i < ARRAY_SIZE(names) ? names[i] : "unknown error";
}
