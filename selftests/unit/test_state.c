// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the device-state blob (state.c): a busy device saved and
 * loaded into a fresh one behaves exactly as the original would have, and
 * a blob with any field corrupted, truncated or out of range is refused
 * without touching the device that was to take it.
 *
 * The blob's layout is spelled out here again (offsets below), from the
 * format description in state.c, not from its code.
 */
#include "test.h"

/* Offsets in a version 1 blob. */
#define O_MAGIC		0
#define O_VERSION	4
#define O_HDRSIZE	6
#define O_LENGTH	8
#define O_MODEL		12
#define O_FLAGS		14
#define O_CSUM		16
#define O_RESERVED	20
#define O_REGS		32
#define O_REG(off)	(O_REGS + (off))
#define O_EEPROM	(O_REGS + E1000_NREGS * 4)
#define O_PHY		(O_EEPROM + 2 * E1000_EEPROM_WORDS)
#define O_EECD		(O_PHY + 2 * E1000_PHY_REGS)
#define O_MAC		(O_EECD + 12)
#define O_INTR		(O_MAC + 8)
#define O_COUNTERS	(O_INTR + 12)
#define O_TXCTX		(O_COUNTERS + 7 * 8)
#define O_TXFRAME	(O_TXCTX + 16)
#define O_TXBUF		(O_TXFRAME + 24)

static u8 blob[E1000_STATE_MAX_SIZE], blob2[E1000_STATE_MAX_SIZE];
static u8 bad[E1000_STATE_MAX_SIZE];
static u8 mem_copy[FAKE_MEM_SIZE];
static u32 regs_after[E1000_NREGS];
static struct e1000_core scratch, core_before;
static u8 tx_buf_before[E1000_TX_BUF_SIZE];

/* What the original device sent once the backend took frames again. */
#define KEEP_FRAMES	16
static struct {
	u32 len;
	struct e1000_tx_meta meta;
	u8 data[E1000_TX_BUF_SIZE];
} sent[KEEP_FRAMES];
static unsigned int nsent;

static const u8 other_mac[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };

static u32 le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void put_le32(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static void put_le16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

/*
 * CRC-32 (IEEE 802.3, reflected) over the blob with its checksum field as
 * zero, byte-wise from a table built here bit by bit: written apart from
 * the core's.
 */
static u32 crc_table[256];

static u32 ref_csum(const u8 *b, u32 len)
{
	u32 crc = ~0U, i, c;
	int k;

	if (!crc_table[1])
		for (i = 0; i < 256; i++) {
			for (c = i, k = 0; k < 8; k++)
				c = c & 1 ? (c >> 1) ^ 0xEDB88320 : c >> 1;
			crc_table[i] = c;
		}
	for (i = 0; i < len; i++) {
		c = (i >= O_CSUM && i < O_CSUM + 4) ? 0 : b[i];
		crc = (crc >> 8) ^ crc_table[(crc ^ c) & 0xFF];
	}
	return ~crc;
}

static void fix_csum(u8 *b, u32 len)
{
	put_le32(b + O_CSUM, ref_csum(b, len));
}

/* A fresh device of @model (with another station address than F's). */
static void fresh_source(enum e1000_model model)
{
	fake_init_model(&F, model);
}

static void fresh_target(enum e1000_model model)
{
	fake_init_model(&F, model);
	e1000_core_init(&F.core, &fake_platform, &F, other_mac, model);
	F.core.tx_buf = F.tx_buf;
	F.irq_rises = 0;
	F.irq_calls = 0;
	F.line = false;
}

/* Take the counters the blob brought as the fake's own tally. */
static void adopt_counters(void)
{
	F.irq_rises = F.core.cnt.irqs;
}

/*
 * Build a busy device, save it, let it finish its work, then load the
 * blob into a fresh device with the same guest memory: it must save to the
 * same bytes, send the same frames and end with the same registers.
 */
static void round_trip(enum dp_busy what, enum e1000_model model)
{
	u32 len, i, before;
	int ret;

	fresh_source(model);
	dp_busy_device(what);
	before = F.nframes;
	ret = e1000_core_save(&F.core, blob, sizeof(blob));
	EXPECT(ret > 0);
	len = ret;
	EXPECT_EQ(len, e1000_state_size(&F.core));
	EXPECT_EQ(le32(blob + O_CSUM), ref_csum(blob, len));
	EXPECT_EQ(len, F.core.tx.in_frame ? E1000_STATE_MAX_SIZE :
					     E1000_STATE_FIXED_SIZE);
	memcpy(mem_copy, F.mem, sizeof(mem_copy));

	/* The original goes on. */
	F.busy_after = -1;
	if (what == DP_BUSY_GATHER)
		wr(E1000_TDT, 3);
	EXPECT(dp_tx_pass(64));
	/* What it sends from here on. */
	nsent = F.nframes - before;
	EXPECT(nsent > 0 && nsent <= KEEP_FRAMES);
	for (i = 0; i < nsent && i < KEEP_FRAMES; i++) {
		sent[i].len = F.frames[before + i].len;
		sent[i].meta = F.frames[before + i].meta;
		memcpy(sent[i].data, F.frames[before + i].data, sent[i].len);
	}
	memcpy(regs_after, F.core.regs, sizeof(regs_after));

	/* A fresh device takes its place. */
	fresh_target(model);
	memcpy(F.mem, mem_copy, sizeof(mem_copy));
	F.core.backend_gso = what == DP_BUSY_GSO;
	ret = e1000_core_load(&F.core, &scratch, blob, len);
	EXPECT_EQ(ret, 0);
	if (ret)
		printf("#   load: %s\n", e1000_state_strerror(ret));
	adopt_counters();
	EXPECT_EQ(F.line, F.core.irq_level);
	EXPECT(!memcmp(F.core.mac_addr, fake_mac, 6));
	/* The timers that ran are running again. */
	EXPECT(F.timer[E1000_TIMER_RDTR] != 0);
	EXPECT(F.timer[E1000_TIMER_ITR] != 0);
	EXPECT_EQ(F.core.delayed_causes, E1000_ICR_RXT0);
	EXPECT(F.kick_tx && F.kick_rx);
	ret = e1000_core_save(&F.core, blob2, sizeof(blob2));
	EXPECT_EQ(ret, len);
	EXPECT(!memcmp(blob, blob2, len));

	/* It goes on as the original did. */
	if (what == DP_BUSY_GATHER)
		wr(E1000_TDT, 3);
	EXPECT(dp_tx_pass(64));
	EXPECT_EQ(F.nframes, nsent);
	for (i = 0; i < nsent && i < F.nframes; i++) {
		EXPECT_EQ(F.frames[i].len, sent[i].len);
		EXPECT(!memcmp(&F.frames[i].meta, &sent[i].meta,
			       sizeof(sent[i].meta)));
		EXPECT(!memcmp(F.frames[i].data, sent[i].data, sent[i].len));
	}
	for (i = 0; i < E1000_NREGS; i++)
		if (F.core.regs[i] != regs_after[i]) {
			printf("#   register %#x: %#x, original %#x\n", i * 4,
			       F.core.regs[i], regs_after[i]);
			cur_fail++;
		}
}

static void test_state_round_trip(void)
{
	unsigned int w;

	for (w = 0; w < DP_BUSY_COUNT; w++)
		round_trip(w, E1000_MODEL_82540EM);
	round_trip(DP_BUSY_GSO, E1000_MODEL_82545EM);
}

static void snapshot_target(void);

/* An idle device: the fixed part only; EEPROM mid-read, PHY rewritten. */
static void test_state_idle(void)
{
	u32 len, i;
	int ret;

	/* Half a Microwire READ: start bit, opcode, 4 of 6 address bits. */
	wr(E1000_EECD, E1000_EECD_CS);
	for (i = 0; i < 7; i++) {
		u32 di = (0x1b0 >> (8 - i)) & 1 ? E1000_EECD_DI : 0;

		wr(E1000_EECD, E1000_EECD_CS | di);
		wr(E1000_EECD, E1000_EECD_CS | di | E1000_EECD_SK);
	}
	/*
	 * The advertisement changes without a restart: the status registers
	 * keep the outcome of the last negotiation, a state a load accepts.
	 */
	wr(E1000_MDIC, E1000_MDIC_OP_WRITE | E1000_PHY_ADDR <<
	   E1000_MDIC_PHY_SHIFT | PHY_1000T_CTRL << E1000_MDIC_REG_SHIFT);
	wr(E1000_MDIC, E1000_MDIC_OP_WRITE | E1000_PHY_ADDR <<
	   E1000_MDIC_PHY_SHIFT | PHY_AUTONEG_ADV << E1000_MDIC_REG_SHIFT |
	   NWAY_AR_10T_HD_CAPS | NWAY_AR_SELECTOR_802_3);
	wr(E1000_EERD, 5 << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
	e1000_core_io_write(&F.core, E1000_IOADDR, E1000_RCTL);
	ret = e1000_core_save(&F.core, blob, sizeof(blob));
	EXPECT_EQ(ret, E1000_STATE_FIXED_SIZE);
	len = ret;
	EXPECT_EQ(e1000_core_save(&F.core, blob2, len - 1),
		  -E1000_STATE_ESPACE);
	fresh_target(E1000_MODEL_82540EM);
	/* The length is known from the first 12 bytes, not before. */
	EXPECT_EQ(e1000_state_declared_len(blob, 11), 0);
	EXPECT_EQ(e1000_state_declared_len(blob, 12), len);
	/* The check takes the blob and leaves the device as it was. */
	snapshot_target();
	EXPECT_EQ(e1000_core_check(&F.core, &scratch, blob, len), 0);
	EXPECT(!memcmp(&F.core, &core_before, sizeof(core_before)));
	EXPECT_EQ(e1000_core_load(&F.core, &scratch, blob, len), 0);
	adopt_counters();
	EXPECT_EQ(F.core.eecd.bits_in, 7);
	EXPECT_EQ(e1000_core_save(&F.core, blob2, sizeof(blob2)), len);
	EXPECT(!memcmp(blob, blob2, len));
	/* The read goes on where it was: two more address bits. */
	for (i = 7; i < 9; i++) {
		u32 di = (0x1b0 >> (8 - i)) & 1 ? E1000_EECD_DI : 0;

		wr(E1000_EECD, E1000_EECD_CS | di);
		wr(E1000_EECD, E1000_EECD_CS | di | E1000_EECD_SK);
	}
	EXPECT(F.core.eecd.reading);
	EXPECT_EQ(F.core.eecd.shift_out, F.core.eeprom[0x30]);
	EXPECT_EQ(e1000_core_io_read(&F.core, E1000_IOADDR), E1000_RCTL);
}

/* ---- refusals ---- */

static void snapshot_target(void)
{
	core_before = F.core;
	memcpy(tx_buf_before, F.tx_buf, sizeof(tx_buf_before));
	F.timer_calls = 0;
	F.irq_calls = 0;
	F.kick_calls = 0;
}

/*
 * Refused with @want, by the check alone and by a load, and the target
 * exactly as it was.
 */
static bool refused(const u8 *b, u32 len, int want, const char *what)
{
	int checked = e1000_core_check(&F.core, &scratch, b, len);
	int ret = e1000_core_load(&F.core, &scratch, b, len);
	bool same = !memcmp(&F.core, &core_before, sizeof(core_before)) &&
		    !memcmp(F.tx_buf, tx_buf_before, sizeof(tx_buf_before)) &&
		    !F.timer_calls && !F.irq_calls && !F.kick_calls;

	if (ret == want && checked == want && same)
		return true;
	printf("#   %s: got %d (%s), check %d, want %d (%s)%s\n", what, ret,
	       e1000_state_strerror(ret), checked, want,
	       e1000_state_strerror(want), same ? "" : ", target changed");
	cur_fail++;
	return false;
}

static void restore_target(void);

struct corruption {
	const char *what;
	u32 off;
	u8 size;	/* 1, 2 or 4 bytes */
	u32 val;	/* stored little-endian */
	bool xor;	/* val is xor'ed into the field */
	int want;
};

/* Fields of a blob of the busy DP_BUSY_GSO device, each out of range. */
static const struct corruption corruptions[] = {
	{ "magic", O_MAGIC, 4, 1, true, -E1000_STATE_EMAGIC },
	{ "version", O_VERSION, 2, 2, false, -E1000_STATE_EVERSION },
	{ "header size", O_HDRSIZE, 2, 64, false, -E1000_STATE_EVERSION },
	{ "length larger", O_LENGTH, 4, 4, true, -E1000_STATE_ESHORT },
	{ "length smaller", O_LENGTH, 4, 0x100, true, -E1000_STATE_ELENGTH },
	{ "model", O_MODEL, 2, 1, false, -E1000_STATE_EMODEL },
	{ "model out of range", O_MODEL, 2, 7, false, -E1000_STATE_EMODEL },
	{ "flags", O_FLAGS, 2, 1, false, -E1000_STATE_EHEADER },
	{ "reserved", O_RESERVED + 5, 1, 1, false, -E1000_STATE_EHEADER },
	{ "CTRL.RST", O_REG(E1000_CTRL), 4, E1000_CTRL_RST, true,
	  -E1000_STATE_EREG },
	{ "STATUS.LU", O_REG(E1000_STATUS), 4, E1000_STATUS_LU, true,
	  -E1000_STATE_EREG },
	{ "ICR bit 31", O_REG(E1000_ICR), 4, 1U << 31, true,
	  -E1000_STATE_EREG },
	{ "IMS bit 20", O_REG(E1000_IMS), 4, 1U << 20, true,
	  -E1000_STATE_EREG },
	{ "ICS stored", O_REG(E1000_ICS), 4, 1, true, -E1000_STATE_EREG },
	{ "RDLEN not 128-byte", O_REG(E1000_RDLEN), 4, 0x40, true,
	  -E1000_STATE_EREG },
	{ "TDT bit 16", O_REG(E1000_TDT), 4, 1U << 16, true,
	  -E1000_STATE_EREG },
	{ "RDBAL low bits", O_REG(E1000_RDBAL), 4, 0x8, true,
	  -E1000_STATE_EREG },
	{ "RAH reserved bit", O_REG(E1000_RA + 4), 4, 1U << 20, true,
	  -E1000_STATE_EREG },
	{ "PBA shares", O_REG(E1000_PBA), 4, 1U << 16, true,
	  -E1000_STATE_EREG },
	{ "EERD data", O_REG(E1000_EERD), 4, E1000_EERD_DONE | 0x10000, false,
	  -E1000_STATE_EREG },
	{ "MDIC not ready", O_REG(E1000_MDIC), 4, 0x1234, false,
	  -E1000_STATE_EREG },
	{ "RDTR.FPD", O_REG(E1000_RDTR), 4, E1000_RDTR_FPD, true,
	  -E1000_STATE_EREG },
	{ "no register at 0x0c", O_REG(0x000c), 4, 1, false,
	  -E1000_STATE_EREG },
	{ "RO register WUPL", O_REG(E1000_WUPL), 4, 1, false,
	  -E1000_STATE_EREG },
	{ "EEPROM word", O_EEPROM + 2 * 5, 2, 1, true,
	  -E1000_STATE_EEEPROM },
	{ "PHY ID", O_PHY + 2 * PHY_ID1, 2, 1, true, -E1000_STATE_EPHY },
	{ "PHY link status", O_PHY + 2 * PHY_STATUS, 2, MII_SR_LINK_STATUS,
	  true, -E1000_STATE_EPHY },
	{ "PHY_CTRL.RESET", O_PHY + 2 * PHY_CTRL, 2, MII_CR_RESET, true,
	  -E1000_STATE_EPHY },
	{ "PHY register 31", O_PHY + 2 * 31, 2, 1, true, -E1000_STATE_EPHY },
	{ "EECD bits_in", O_EECD, 2, 10, false, -E1000_STATE_EEEPROM },
	{ "EECD shift_out", O_EECD + 2, 2, 1, false, -E1000_STATE_EEEPROM },
	{ "EECD reading", O_EECD + 9, 1, 2, false, -E1000_STATE_EEEPROM },
	{ "EECD prev_sk", O_EECD + 10, 1, 1, false, -E1000_STATE_EEEPROM },
	{ "EECD pad", O_EECD + 11, 1, 1, false, -E1000_STATE_EEEPROM },
	{ "station address", O_MAC + 5, 1, 1, true, -E1000_STATE_EEEPROM },
	{ "irq_level flag", O_INTR, 1, 2, false, -E1000_STATE_EINTR },
	{ "line up, nothing pending", O_REG(E1000_IMS), 4, 0, false,
	  -E1000_STATE_EINTR },
	{ "bus_master flag", O_INTR + 2, 1, 3, false, -E1000_STATE_EINTR },
	{ "delayed cause", O_INTR + 4, 4, E1000_ICR_LSC, true,
	  -E1000_STATE_EINTR },
	{ "IOADDR unaligned", O_INTR + 8, 4, 2, false, -E1000_STATE_EINTR },
	{ "IOADDR past BAR0", O_INTR + 8, 4, 0x20000, false,
	  -E1000_STATE_EINTR },
	{ "TX context flags", O_TXCTX + 15, 1, 0x08, true, -E1000_STATE_ETX },
	{ "TX paylen", O_TXCTX + 8, 4, 1U << 20, true, -E1000_STATE_ETX },
	{ "TX MSS too small", O_TXCTX + 12, 2, 8, false, -E1000_STATE_ETX },
	{ "TX hdr_len", O_TXCTX + 14, 1, 200, false, -E1000_STATE_ETX },
	{ "TX frame length", O_TXFRAME, 4, 0x20000, false, -E1000_STATE_ETX },
	{ "TX ready, no frame", O_TXFRAME + 5, 1, 0x01, true,
	  -E1000_STATE_ETX },
	{ "TX GSO frame re-offered from seg 0", O_TXFRAME + 8, 4, 0, false,
	  -E1000_STATE_ETX },
	{ "TX GSO frame, now soft, past its segments", O_TXFRAME + 8, 4, 99,
	  false, -E1000_STATE_ETX },
	{ "TX out_off", O_TXFRAME + 12, 4, 0x100, false, -E1000_STATE_ETX },
	{ "TX out_len", O_TXFRAME + 16, 4, E1000_TX_BUF_SIZE, false,
	  -E1000_STATE_ETX },
	{ "TX buffer length", O_TXFRAME + 20, 4, 0, false, -E1000_STATE_ETX },
	{ "TX headers in the buffer", O_TXBUF + 4 + 12, 2, 0x0806, false,
	  -E1000_STATE_ETX },
};

static void corrupt(u8 *b, const struct corruption *c)
{
	u32 v = c->val;

	if (c->xor)
		v ^= c->size == 1 ? b[c->off] : c->size == 2 ?
		     (u32)(b[c->off] | b[c->off + 1] << 8) : le32(b + c->off);
	if (c->size == 1)
		b[c->off] = v;
	else if (c->size == 2)
		put_le16(b + c->off, v);
	else
		put_le32(b + c->off, v);
}

static u32 busy_blob(void)
{
	int ret;

	fresh_source(E1000_MODEL_82540EM);
	dp_busy_device(DP_BUSY_GSO);
	ret = e1000_core_save(&F.core, blob, sizeof(blob));
	EXPECT_EQ(ret, E1000_STATE_MAX_SIZE);
	/* A target that has done things of its own, with a GSO backend. */
	fresh_target(E1000_MODEL_82540EM);
	F.core.backend_gso = true;
	wr(E1000_IMS, E1000_ICR_LSC);
	wr(E1000_ICS, E1000_ICR_LSC);
	wr(E1000_RCTL, E1000_RCTL_EN);
	memset(F.tx_buf, 0xc3, sizeof(F.tx_buf));
	snapshot_target();
	return ret;
}

static void test_state_fields_refused(void)
{
	u32 len = busy_blob(), i;
	char what[96];

	/* The blob itself loads: the refusals below are the fields'. */
	memcpy(bad, blob, len);
	EXPECT_EQ(e1000_core_load(&F.core, &scratch, bad, len), 0);
	busy_blob();
	for (i = 0; i < ARRAY_SIZE(corruptions); i++) {
		const struct corruption *c = &corruptions[i];

		memcpy(bad, blob, len);
		corrupt(bad, c);
		/* With the checksum made right: the field check refuses. */
		if (c->off != O_CSUM)
			fix_csum(bad, len);
		refused(bad, len, c->want, c->what);
		restore_target();
	}

	/* Loopback frames are cut here: not as GSO. */
	memcpy(bad, blob, len);
	bad[O_TXFRAME + 5] |= 0x20;
	fix_csum(bad, len);
	refused(bad, len, -E1000_STATE_ETX, "GSO frame on loopback");

	/* The same blob into a device whose backend takes no GSO. */
	F.core.backend_gso = false;
	snapshot_target();
	refused(blob, len, -E1000_STATE_ETX, "GSO frame, no GSO backend");

	/* Into the other model. */
	fresh_target(E1000_MODEL_82545EM);
	snapshot_target();
	refused(blob, len, -E1000_STATE_EMODEL, "82540EM state, 82545EM");

	/* Truncations: the header says more than there is. */
	busy_blob();
	for (i = 0; i < len; i += i < 64 ? 1 : 997) {
		snprintf(what, sizeof(what), "truncated to %u", i);
		refused(blob, i, -E1000_STATE_ESHORT, what);
	}
	/* Trailing bytes the header does not count. */
	memcpy(bad, blob, len);
	put_le32(bad + O_LENGTH, E1000_STATE_FIXED_SIZE);
	fix_csum(bad, E1000_STATE_FIXED_SIZE);
	refused(bad, len, -E1000_STATE_ELENGTH, "trailing bytes");
	/* A length between the two the format has. */
	put_le32(bad + O_LENGTH, len - 1);
	fix_csum(bad, len - 1);
	refused(bad, len - 1, -E1000_STATE_ELENGTH, "odd length");
}

/* The busy device once its TX frame went: the fixed part only. */
static u32 idle_blob(void)
{
	int ret;

	fresh_source(E1000_MODEL_82540EM);
	dp_busy_device(DP_BUSY_GSO);
	F.busy_after = -1;
	EXPECT(dp_tx_pass(64));
	ret = e1000_core_save(&F.core, blob, sizeof(blob));
	EXPECT_EQ(ret, E1000_STATE_FIXED_SIZE);
	fresh_target(E1000_MODEL_82540EM);
	F.core.backend_gso = true;
	wr(E1000_IMS, E1000_ICR_LSC);
	wr(E1000_ICS, E1000_ICR_LSC);
	snapshot_target();
	return ret;
}

static void restore_target(void)
{
	F.core = core_before;
	memcpy(F.tx_buf, tx_buf_before, sizeof(tx_buf_before));
	F.line = F.core.irq_level;
	snapshot_target();
}

/*
 * Bytes flipped across both kinds of blob, the checksum left as it was:
 * refused (by the checksum, or the header before it), target untouched.
 */
static void flip_bytes(u32 len, u32 stride)
{
	u32 i, n = 0, tried = 0;

	memcpy(bad, blob, len);
	for (i = 0; i < len; i += i < 64 ? 1 : stride) {
		bad[i] ^= 0x5a;
		if (e1000_core_load(&F.core, &scratch, bad, len) < 0)
			n++;
		bad[i] ^= 0x5a;
		tried++;
	}
	EXPECT_EQ(n, tried);
	EXPECT(!memcmp(&F.core, &core_before, sizeof(core_before)));
	EXPECT(!F.timer_calls && !F.irq_calls && !F.kick_calls);
}

static void test_state_bytes_flipped(void)
{
	flip_bytes(busy_blob(), 101);
	flip_bytes(idle_blob(), 7);
}

/* Where a field that a load may legitimately act on lies. */
static bool dynamic(u32 i)
{
	return (i >= O_REG(E1000_ICR) && i < O_REG(E1000_ICR) + 4) ||
	       (i >= O_INTR && i < O_TXCTX);
}

/*
 * Every byte of the fixed part (of the dwords holding registers, and a
 * sample of the others) changed, checksum fixed: a load either refuses,
 * target untouched, or takes a state that saves back to the very same
 * bytes: nothing is taken other than as given.  Interrupt causes and the
 * line may move on at once (a delay timer of 0 fires), so those are left
 * out of the comparison.
 */
static void test_state_every_field(void)
{
	static const u8 deltas[] = { 0x01, 0x80, 0xff };
	u32 len = idle_blob(), i, k, j, refusals = 0, taken = 0;

	for (i = O_REGS; i < O_TXBUF; i++) {
		if (i < O_EEPROM && !e1000_core_reg_lookup((i - O_REGS) & ~3U) &&
		    (i - O_REGS) % 256 >= 4)
			continue;
		for (k = 0; k < ARRAY_SIZE(deltas); k++) {
			memcpy(bad, blob, len);
			bad[i] ^= deltas[k];
			fix_csum(bad, len);
			if (e1000_core_load(&F.core, &scratch, bad, len)) {
				if (memcmp(&F.core, &core_before,
					   sizeof(core_before))) {
					printf("#   byte %u: refused, target changed\n",
					       i);
					cur_fail++;
				}
				refusals++;
				continue;
			}
			taken++;
			EXPECT_EQ(e1000_core_save(&F.core, blob2, sizeof(blob2)),
				  len);
			for (j = O_REGS; j < O_TXBUF; j++)
				if (!dynamic(j) && bad[j] != blob2[j])
					break;
			if (j < O_TXBUF) {
				printf("#   byte %u ^ %#x: taken, byte %u saved back otherwise\n",
				       i, deltas[k], j);
				cur_fail++;
			}
			restore_target();
		}
	}
	printf("#   %u corrupted blobs refused, %u legal states taken\n",
	       refusals, taken);
	EXPECT(refusals > 0 && taken > 0);
	restore_target();
}

const struct test state_tests[] = {
	{ "state: busy devices round trip, then run as the original", test_state_round_trip },
	{ "state: idle device, EEPROM mid-read, PHY not renegotiated", test_state_idle },
	{ "state: each field out of range refused, target unchanged", test_state_fields_refused },
	{ "state: bytes flipped refused by the checksum", test_state_bytes_flipped },
	{ "state: any field value taken only as a state saved back alike", test_state_every_field },
};

const unsigned int n_state_tests = ARRAY_SIZE(state_tests);
