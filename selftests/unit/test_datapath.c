// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the data path: TX and RX descriptor engines, offloads and
 * interrupt moderation, against the fake platform's guest memory.  Frames
 * and checksums are built and checked here with a separate, deliberately
 * naive implementation, never with the core's own helpers.
 */
#include "test.h"
#include "offload.h"
#include "core_internal.h"
#include "doorbell.h"

/* Guest memory map, offsets from FAKE_MEM_BASE. */
#define TXR		0x00000		/* TX ring */
#define RXR		0x01000		/* RX ring */
#define TXB		0x02000		/* TX data */
#define RXB		0x20000		/* RX buffers, 2 KiB apart */
#define RXB_STRIDE	0x800
#define GPA(off)	(FAKE_MEM_BASE + (off))
#define MEM(off)	(F.mem + (off))

static const u8 dst_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x3f };
static const u8 src_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const u8 bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* ---- reference checksums and frames ---- */

static u32 ref_add(u32 s, const u8 *p, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		s += (i & 1) ? p[i] : p[i] << 8;
	return s;
}

static u16 ref_fold(u32 s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

static u16 be16(const u8 *p)
{
	return p[0] << 8 | p[1];
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void set16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

/* Pseudo-header sum of an IPv4 (ip6 false) or IPv6 header at @ip. */
static u32 ref_pseudo(const u8 *ip, bool ip6, u8 proto, u32 l4len)
{
	u32 s = ip6 ? ref_add(0, ip + 8, 32) : ref_add(0, ip + 12, 8);

	return s + proto + (l4len >> 16) + (l4len & 0xffff);
}

static bool ref_ip4_ok(const u8 *ip)
{
	return ref_fold(ref_add(0, ip, (ip[0] & 15) * 4)) == 0xffff;
}

/* L4 checksum of a frame whose IP header is at 14. */
static bool ref_l4_ok(const u8 *f, bool ip6)
{
	const u8 *ip = f + 14;
	u32 hl = ip6 ? 40 : (ip[0] & 15) * 4;
	u32 l4len = ip6 ? be16(ip + 4) : be16(ip + 2) - hl;
	u8 proto = ip6 ? ip[6] : ip[9];

	return ref_fold(ref_add(ref_pseudo(ip, ip6, proto, l4len), ip + hl,
				l4len)) == 0xffff;
}

/* How the driver leaves the L4 checksum field. */
enum pre { PRE_NONE, PRE_PARTIAL, PRE_TSO };

struct frame_spec {
	bool ip6, udp;
	u32 pay;
	enum pre pre;
	u8 tcp_flags;
	const u8 *dst;
};

#define HDR4	(14 + 20 + 20)
#define HDR6	(14 + 40 + 20)

/*
 * Ethernet + IPv4/IPv6 + TCP/UDP with a patterned payload.  PRE_NONE
 * gives correct checksums; PRE_PARTIAL leaves the pseudo-header sum in the
 * L4 field (CHECKSUM_PARTIAL); PRE_TSO leaves it without the length and
 * zeroes the IP lengths and checksum, as e1000_tso() of Linux does.
 */
static u32 build(u8 *f, const struct frame_spec *s)
{
	u32 l3 = 14, iph = s->ip6 ? 40 : 20, l4h = s->udp ? 8 : 20;
	u32 l4 = l3 + iph, l4len = l4h + s->pay, len = l4 + l4len, i;
	u8 proto = s->udp ? 17 : 6, *ip = f + l3, *th = f + l4;
	u32 cso = s->udp ? 6 : 16;

	memset(f, 0, l4 + l4h);
	memcpy(f, s->dst ? s->dst : dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	set16(f + 12, s->ip6 ? 0x86dd : 0x0800);
	if (s->ip6) {
		ip[0] = 0x60;
		set16(ip + 4, l4len);
		ip[6] = proto;
		ip[7] = 64;
		for (i = 0; i < 32; i++)
			ip[8 + i] = 0xfe - i;
	} else {
		ip[0] = 0x45;
		set16(ip + 2, iph + l4len);
		set16(ip + 4, 0x1234);
		ip[8] = 64;
		ip[9] = proto;
		memcpy(ip + 12, "\xa9\xfe\x01\x02\xa9\xfe\x03\x04", 8);
		set16(ip + 10, ~ref_fold(ref_add(0, ip, 20)));
	}
	set16(th, 40000);
	set16(th + 2, 5001);
	if (s->udp) {
		set16(th + 4, l4len);
	} else {
		memcpy(th + 4, "\x10\x20\x30\x40", 4);
		th[12] = 5 << 4;
		th[13] = s->tcp_flags;
		set16(th + 14, 65535);
	}
	for (i = 0; i < s->pay; i++)
		f[l4 + l4h + i] = (u8)(i * 7 + i / 251);
	if (s->pre == PRE_NONE) {
		set16(th + cso, ~ref_fold(ref_add(ref_pseudo(ip, s->ip6, proto,
							     l4len), th, l4len)));
	} else if (s->pre == PRE_PARTIAL) {
		set16(th + cso, ref_fold(ref_pseudo(ip, s->ip6, proto, l4len)));
	} else {
		set16(th + cso, ref_fold(ref_pseudo(ip, s->ip6, proto, 0)));
		if (s->ip6) {
			set16(ip + 4, 0);
		} else {
			set16(ip + 2, 0);
			set16(ip + 10, 0);
		}
	}
	return len;
}

/* ---- descriptors ---- */

static void put_legacy(u32 ring, u32 i, u32 buf, u16 len, u8 cmd, u8 css,
		       u8 cso, u16 special)
{
	struct e1000_tx_desc d = {
		.buffer_addr = cpu_to_le64(GPA(buf)), .length = cpu_to_le16(len),
		.cso = cso, .cmd = cmd, .css = css,
		.special = cpu_to_le16(special),
	};

	memcpy(MEM(ring + 16 * i), &d, 16);
}

static void put_ctx(u32 i, u8 ipcss, u8 ipcso, u16 ipcse, u8 tucss, u8 tucso,
		    u32 paylen, u32 tucmd, u8 hdr_len, u16 mss)
{
	struct e1000_context_desc d = {
		.ipcss = ipcss, .ipcso = ipcso, .ipcse = cpu_to_le16(ipcse),
		.tucss = tucss, .tucso = tucso,
		.cmd_and_length = cpu_to_le32(paylen | tucmd |
					      E1000_TXD_CMD_DEXT),
		.hdr_len = hdr_len, .mss = cpu_to_le16(mss),
	};

	memcpy(MEM(TXR + 16 * i), &d, 16);
}

static void put_data(u32 i, u64 gpa, u32 len, u32 dcmd, u8 popts,
		     u16 special)
{
	struct e1000_data_desc d = {
		.buffer_addr = cpu_to_le64(gpa),
		.lower = cpu_to_le32(len | dcmd | E1000_TXD_CMD_DEXT |
				     E1000_TXD_DTYP_D),
		.upper = cpu_to_le32((u32)popts << 8 | (u32)special << 16),
	};

	memcpy(MEM(TXR + 16 * i), &d, 16);
}

static u8 tx_status(u32 i)
{
	return *MEM(TXR + 16 * i + 12);
}

static void tx_setup(u32 ndesc, u32 head)
{
	wr(E1000_CTRL, E1000_CTRL_SLU);
	rd(E1000_ICR);		/* the LSC of link-up */
	wr(E1000_TDBAL, GPA(TXR));
	wr(E1000_TDBAH, 0);
	wr(E1000_TDLEN, ndesc * 16);
	wr(E1000_TDH, head);
	wr(E1000_TDT, head);
	wr(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
}

/* A whole pass: begin, run, end; false if begin had nothing to do. */
static bool tx_pass_bytes(u32 budget, u32 bytes)
{
	struct e1000_tx_pass p;

	if (!e1000_tx_begin(&F.core, &p))
		return false;
	e1000_tx_run(&F.core, &p, budget, bytes);
	e1000_tx_settle(&F.core);
	e1000_tx_end(&F.core, &p);
	return true;
}

static bool tx_pass(u32 budget)
{
	return tx_pass_bytes(budget, ~0U);
}

static const u8 *frame(unsigned int i)
{
	return F.frames[i].data;
}

/* ---- TX ---- */

static void test_tx_legacy(void)
{
	static const u8 want[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	u8 *f = MEM(TXB);
	u32 i;

	tx_setup(8, 0);
	wr(E1000_IMS, E1000_ICR_TXDW | E1000_ICR_TXQE);
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	memcpy(f + 12, want, 36);
	/* 48 bytes in two buffers; RS only on the last. */
	put_legacy(TXR, 0, TXB, 20, 0, 0, 0, 0);
	put_legacy(TXR, 1, TXB + 20, 28, E1000_TXD_CMD_EOP_B |
		   E1000_TXD_CMD_RS_B | E1000_TXD_CMD_IFCS_B, 0, 0, 0);
	wr(E1000_TDT, 2);
	EXPECT(!F.line);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 1);
	EXPECT_EQ(F.frames[0].len, 60);		/* PSP pads 48 to 60 */
	EXPECT(!memcmp(frame(0), f, 48));
	for (i = 48; i < 60; i++)
		EXPECT_EQ(frame(0)[i], 0);
	EXPECT_EQ(F.frames[0].meta.flags, 0);
	EXPECT_EQ(F.frames[0].meta.gso_type, E1000_GSO_NONE);
	EXPECT_EQ(tx_status(0), 0);
	EXPECT_EQ(tx_status(1), E1000_TXD_STAT_DD);
	/* The rest of the descriptor is not rewritten. */
	EXPECT_EQ(le16_to_cpu(*(__le16 *)MEM(TXR + 16 + 8)), 28);
	EXPECT_EQ(rd(E1000_TDH), 2);
	EXPECT(F.line);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXDW | E1000_ICR_TXQE);
	EXPECT_EQ(rd(E1000_GPTC), 1);
	EXPECT_EQ(rd(E1000_TPT), 1);
	EXPECT_EQ(rd(E1000_GOTCL), 64);
	EXPECT_EQ(rd(E1000_PTC64), 1);
	EXPECT_EQ(rd(E1000_TOTL), 64);
	/* Nothing left: begin declines. */
	EXPECT(!tx_pass(64));
	/* Without PSP a short frame stays short. */
	wr(E1000_TCTL, E1000_TCTL_EN);
	put_legacy(TXR, 2, TXB, 48, E1000_TXD_CMD_EOP_B, 0, 0, 0);
	wr(E1000_TDT, 3);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.frames[1].len, 48);
	EXPECT_EQ(tx_status(2), 0);
	/* No RS: TXQE but no TXDW. */
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXQE);
}

static void test_tx_wrap_budget(void)
{
	u32 i;

	tx_setup(8, 5);
	for (i = 0; i < 6; i++) {
		memset(MEM(TXB + 64 * i), 0x10 + i, 64);
		put_legacy(TXR, (5 + i) % 8, TXB + 64 * i, 64,
			   E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_RS_B, 0, 0, 0);
	}
	wr(E1000_TDT, 3);	/* 5,6,7,0,1,2 */
	EXPECT(tx_pass(4));
	EXPECT_EQ(F.nframes, 4);
	EXPECT_EQ(rd(E1000_TDH), 1);
	EXPECT(!(rd(E1000_ICR) & E1000_ICR_TXQE));
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 6);
	EXPECT_EQ(rd(E1000_TDH), 3);
	for (i = 0; i < 6; i++) {
		EXPECT_EQ(frame(i)[0], 0x10 + i);
		EXPECT_EQ(tx_status((5 + i) % 8), E1000_TXD_STAT_DD);
	}
	EXPECT_EQ(tx_status(3), 0);
	EXPECT(rd(E1000_ICR) & E1000_ICR_TXQE);
}

/*
 * The byte budget: a pass stops at the first descriptor after it read that
 * many bytes of buffers, whatever its descriptor budget; a chain cut there
 * goes on in the next pass.
 */
static void test_tx_byte_budget(void)
{
	u32 i;

	tx_setup(8, 0);
	for (i = 0; i < 5; i++) {
		memset(MEM(TXB + 1000 * i), 0x20 + i, 1000);
		put_legacy(TXR, i, TXB + 1000 * i, 1000,
			   i == 1 ? 0 : E1000_TXD_CMD_EOP_B, 0, 0, 0);
	}
	wr(E1000_TDT, 5);	/* frames: 0, 1+2, 3, 4 */
	EXPECT(tx_pass_bytes(64, 1500));
	EXPECT_EQ(rd(E1000_TDH), 2);	/* 2000 bytes read: stop */
	EXPECT_EQ(F.nframes, 1);
	EXPECT(tx_pass_bytes(64, 1));
	EXPECT_EQ(rd(E1000_TDH), 3);	/* at least a descriptor a pass */
	EXPECT_EQ(F.nframes, 2);
	EXPECT_EQ(F.frames[1].len, 2000);
	EXPECT_EQ(frame(1)[999], 0x21);
	EXPECT_EQ(frame(1)[1000], 0x22);
	EXPECT(tx_pass_bytes(64, 2000));
	EXPECT_EQ(rd(E1000_TDH), 5);
	EXPECT_EQ(F.nframes, 4);
}

/*
 * A pass run in chunks (the glue checks its clock between them): a run
 * says it may go on only when its descriptor budget alone stopped it.
 */
static void test_tx_run_in_chunks(void)
{
	struct e1000_tx_pass p;
	u32 i;

	tx_setup(8, 0);
	for (i = 0; i < 6; i++) {
		memset(MEM(TXB + 100 * i), 0x30 + i, 100);
		put_legacy(TXR, i, TXB + 100 * i, 100, E1000_TXD_CMD_EOP_B,
			   0, 0, 0);
	}
	wr(E1000_TDT, 6);
	EXPECT(e1000_tx_begin(&F.core, &p));
	EXPECT(e1000_tx_run(&F.core, &p, 2, ~0U));
	EXPECT_EQ(p.ring.head, 2);
	/* Bytes count over the whole pass: 300 of 350 read, then 400. */
	EXPECT(e1000_tx_run(&F.core, &p, 1, 350));
	EXPECT(!e1000_tx_run(&F.core, &p, 1, 350));
	EXPECT_EQ(p.ring.head, 4);
	/* The backend refuses the next frame: it waits at the head. */
	F.busy_after = 4;
	EXPECT(!e1000_tx_run(&F.core, &p, 2, ~0U));
	EXPECT_EQ(p.ring.head, 4);
	F.busy_after = -1;
	/* The ring runs dry before the budget does. */
	EXPECT(!e1000_tx_run(&F.core, &p, 8, ~0U));
	EXPECT_EQ(p.ring.head, 6);
	e1000_tx_end(&F.core, &p);
	EXPECT_EQ(F.nframes, 6);
	EXPECT_EQ(frame(5)[99], 0x35);
	EXPECT_EQ(rd(E1000_TDH), 6);

	for (i = 0; i < 2; i++)
		put_legacy(TXR, 6 + i, TXB + 100 * i, 100, E1000_TXD_CMD_EOP_B,
			   0, 0, 0);
	wr(E1000_TDT, 0);
	/* Budget and ring end together: nothing left for another run. */
	EXPECT(e1000_tx_begin(&F.core, &p));
	EXPECT(!e1000_tx_run(&F.core, &p, 2, ~0U));
	e1000_tx_end(&F.core, &p);
	EXPECT_EQ(F.nframes, 8);
}

static void test_tx_legacy_ic(void)
{
	struct frame_spec s = { .pay = 100, .pre = PRE_PARTIAL };
	u32 len = build(MEM(TXB), &s);

	tx_setup(8, 0);
	/* CSS at the TCP header, CSO at its checksum field. */
	put_legacy(TXR, 0, TXB, len, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_IC_B,
		   34, 34 + 16, 0);
	wr(E1000_TDT, 1);
	EXPECT(tx_pass(8));
	EXPECT_EQ(F.nframes, 1);
	EXPECT(ref_l4_ok(frame(0), false));
	EXPECT(ref_ip4_ok(frame(0) + 14));
}

/* Context + data descriptors as e1000_tx_csum() of Linux writes them. */
static void csum_frame(struct frame_spec *s, u32 popts)
{
	u32 len = build(MEM(TXB), s), hdr = s->ip6 ? 54 : 34;

	put_ctx(0, 14, 24, hdr - 1, hdr, hdr + (s->udp ? 6 : 16), 0,
		(s->udp ? 0 : E1000_TXD_CMD_TCP) | (s->ip6 ? 0 : E1000_TXD_CMD_IP),
		0, 0);
	put_data(1, GPA(TXB), 30, 0, popts, 0);
	put_data(2, GPA(TXB + 30), len - 30, E1000_TXD_CMD_EOP |
		 E1000_TXD_CMD_RS, 0, 0);
	wr(E1000_TDT, 3);
}

static void test_tx_csum_offload(void)
{
	struct frame_spec s = { .pay = 333, .pre = PRE_PARTIAL };
	const u8 *f;

	/* In software: both sums right; IXSM even recomputes a bad IP sum. */
	tx_setup(8, 0);
	build(MEM(TXB), &s);
	csum_frame(&s, E1000_TXD_POPTS_TXSM | E1000_TXD_POPTS_IXSM);
	set16(MEM(TXB + 24), 0xdead);
	EXPECT(tx_pass(8));
	EXPECT_EQ(F.nframes, 1);
	f = frame(0);
	EXPECT(ref_ip4_ok(f + 14));
	EXPECT(ref_l4_ok(f, false));
	EXPECT_EQ(F.frames[0].meta.flags, 0);
	EXPECT_EQ(tx_status(0), 0);
	EXPECT_EQ(tx_status(2), E1000_TXD_STAT_DD);

	/* UDP over IPv6. */
	s.ip6 = true;
	s.udp = true;
	tx_setup(8, 0);
	csum_frame(&s, E1000_TXD_POPTS_TXSM);
	EXPECT(tx_pass(8));
	EXPECT(ref_l4_ok(frame(1), true));

	/* A GSO backend finishes it: NEEDS_CSUM, field left as the driver's. */
	F.core.backend_gso = true;
	s.ip6 = false;
	s.udp = false;
	tx_setup(8, 0);
	csum_frame(&s, E1000_TXD_POPTS_TXSM);
	EXPECT(tx_pass(8));
	EXPECT_EQ(F.nframes, 3);
	EXPECT_EQ(F.frames[2].meta.flags, E1000_TXM_NEEDS_CSUM);
	EXPECT_EQ(F.frames[2].meta.csum_start, 34);
	EXPECT_EQ(F.frames[2].meta.csum_offset, 16);
	EXPECT_EQ(F.frames[2].meta.gso_type, E1000_GSO_NONE);
	EXPECT(!memcmp(frame(2), MEM(TXB), F.frames[2].len));
}

#define TSO_PAY		64000
#define TSO_MSS		1448

/*
 * A TSO frame as Linux's e1000_tso() lays it out: the header alone, then
 * the payload in pieces of @piece bytes, in a ring of @ring descriptors.
 */
static u32 tso_frame_pieces(bool ip6, u32 pay, u16 mss, u8 flags, u32 piece,
			    u32 ring)
{
	struct frame_spec s = { .ip6 = ip6, .pay = pay, .pre = PRE_TSO,
				.tcp_flags = flags };
	u32 len = build(MEM(TXB), &s), hdr = ip6 ? HDR6 : HDR4;
	u32 l4 = ip6 ? 54 : 34, off, n, i = 1;

	put_ctx(0, 14, 24, ip6 ? 0 : l4 - 1, l4, l4 + 16, len - hdr,
		E1000_TXD_CMD_TSE | E1000_TXD_CMD_TCP |
		(ip6 ? 0 : E1000_TXD_CMD_IP), hdr, mss);
	put_data(i++, GPA(TXB), hdr, E1000_TXD_CMD_TSE, E1000_TXD_POPTS_TXSM |
		 (ip6 ? 0 : E1000_TXD_POPTS_IXSM), 0);
	for (off = hdr; off < len; off += n) {
		n = len - off < piece ? len - off : piece;
		put_data(i++, GPA(TXB + off), n, E1000_TXD_CMD_TSE |
			 (off + n == len ? E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS :
			  0), 0, 0);
	}
	tx_setup(ring, 0);
	wr(E1000_TDT, i);
	return len;
}

/* A 64 KiB TSO frame in 4 KiB pieces, as a driver gives it. */
static u32 tso_frame(bool ip6, u32 pay, u16 mss, u8 flags)
{
	return tso_frame_pieces(ip6, pay, mss, flags, 4096, 32);
}

static void test_tx_tso_gso(void)
{
	u32 len = tso_frame(false, TSO_PAY, TSO_MSS, 0x18), segs;
	const u8 *f, *ip;
	u16 want;

	F.core.backend_gso = true;
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 1);
	EXPECT_EQ(F.frames[0].len, len);
	EXPECT_EQ(F.frames[0].meta.flags, E1000_TXM_NEEDS_CSUM);
	EXPECT_EQ(F.frames[0].meta.gso_type, E1000_GSO_TCPV4);
	EXPECT_EQ(F.frames[0].meta.gso_size, TSO_MSS);
	EXPECT_EQ(F.frames[0].meta.hdr_len, HDR4);
	EXPECT_EQ(F.frames[0].meta.csum_start, 34);
	EXPECT_EQ(F.frames[0].meta.csum_offset, 16);
	f = frame(0);
	ip = f + 14;
	EXPECT_EQ(be16(ip + 2), len - 14);
	EXPECT(ref_ip4_ok(ip));
	/* The pseudo-header sum with the full TCP length, as Linux wants. */
	want = ref_fold(ref_pseudo(ip, false, 6, len - 34));
	EXPECT_EQ(be16(f + 34 + 16), want);
	EXPECT(!memcmp(f + HDR4, MEM(TXB + HDR4), TSO_PAY));
	segs = (TSO_PAY + TSO_MSS - 1) / TSO_MSS;
	EXPECT_EQ(rd(E1000_GPTC), segs);
	EXPECT_EQ(rd(E1000_TSCTC), 1);
	EXPECT_EQ(rd(E1000_GOTCL), TSO_PAY + segs * (HDR4 + 4));
	EXPECT_EQ(rd(E1000_PTC1522), segs - 1);
	EXPECT_EQ(rd(E1000_PTC511), 1);	/* the last: 288 bytes of data */

	/* IPv6: payload length of the whole frame, no IP checksum. */
	len = tso_frame(true, 9000, 1000, 0);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 2);
	f = frame(1);
	EXPECT_EQ(F.frames[1].meta.gso_type, E1000_GSO_TCPV6);
	EXPECT_EQ(F.frames[1].meta.hdr_len, HDR6);
	EXPECT_EQ(F.frames[1].meta.csum_start, 54);
	EXPECT_EQ(be16(f + 14 + 4), len - 54);
	EXPECT_EQ(be16(f + 54 + 16), ref_fold(ref_pseudo(f + 14, true, 6,
							 len - 54)));
}

/* ---- One copy: the payload read by the backend (frame_out_sg) ---- */

/* What a copying platform sent, to hold the one-copy platform against. */
#define REF_FRAMES	2
static struct {
	unsigned int nframes, dma_faults;
	u32 len[REF_FRAMES];
	struct e1000_tx_meta meta[REF_FRAMES];
	u8 data[REF_FRAMES][FAKE_FRAME_MAX];
	u32 tdh, gptc, gotcl, tsctc, tsctfc, dd;
} ref;

static void ref_take(u32 eop)
{
	unsigned int i;

	ref.nframes = F.nframes;
	ref.dma_faults = F.dma_faults;
	for (i = 0; i < F.nframes && i < REF_FRAMES; i++) {
		ref.len[i] = F.frames[i].len;
		ref.meta[i] = F.frames[i].meta;
		memcpy(ref.data[i], frame(i), F.frames[i].len);
	}
	ref.tdh = rd(E1000_TDH);
	ref.gptc = rd(E1000_GPTC);
	ref.gotcl = rd(E1000_GOTCL);
	ref.tsctc = rd(E1000_TSCTC);
	ref.tsctfc = rd(E1000_TSCTFC);
	ref.dd = tx_status(eop);
}

static void ref_expect(u32 eop)
{
	unsigned int i;

	EXPECT_EQ(F.nframes, ref.nframes);
	EXPECT_EQ(F.dma_faults, ref.dma_faults);
	for (i = 0; i < F.nframes && i < REF_FRAMES; i++) {
		EXPECT_EQ(F.frames[i].len, ref.len[i]);
		EXPECT(!memcmp(&F.frames[i].meta, &ref.meta[i],
			       sizeof(ref.meta[i])));
		EXPECT(!memcmp(frame(i), ref.data[i], ref.len[i]));
	}
	EXPECT_EQ(rd(E1000_TDH), ref.tdh);
	EXPECT_EQ(rd(E1000_GPTC), ref.gptc);
	EXPECT_EQ(rd(E1000_GOTCL), ref.gotcl);
	EXPECT_EQ(rd(E1000_TSCTC), ref.tsctc);
	EXPECT_EQ(rd(E1000_TSCTFC), ref.tsctfc);
	EXPECT_EQ(tx_status(eop), ref.dd);
}

/*
 * @setup's ring sent by a copying platform, then by the one-copy one,
 * in passes of @budget descriptors: the same bytes, metadata, counters
 * and write-backs.  Returns with the one-copy device.
 */
static void same_as_copied(u32 (*setup)(void), u32 budget, bool decline)
{
	u32 eop;

	fake_init(&F);
	F.core.backend_gso = true;
	eop = setup();
	while (tx_pass(budget))
		;
	ref_take(eop);
	fake_init(&F);
	F.core.plat = &fake_platform_sg;
	F.core.backend_gso = true;
	F.sg_decline = decline;
	EXPECT_EQ(setup(), eop);
	while (tx_pass(budget))
		;
	ref_expect(eop);
	EXPECT(!F.core.txdefer.on);
}

/* Each returns the EOP descriptor of the frame it puts in the ring. */
static u32 ring_tso4(void)
{
	tso_frame(false, TSO_PAY, TSO_MSS, 0x18);
	return rd(E1000_TDT) - 1;
}

static u32 ring_tso6_vlan(void)
{
	u32 eop;

	tso_frame(true, 9000, 1000, 0);
	eop = rd(E1000_TDT) - 1;
	/* The tag goes into the headers, in front of the payload. */
	put_data(eop, GPA(TXB + HDR6 + 8192), 9000 - 8192, E1000_TXD_CMD_TSE |
		 E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS | E1000_TXD_CMD_VLE, 0,
		 0x0123);
	wr(E1000_CTRL, rd(E1000_CTRL) | E1000_CTRL_VME);
	return eop;
}

/* 60 pieces of 100 bytes: more than the engine keeps in place. */
static u32 ring_many_pieces(void)
{
	tso_frame_pieces(false, 6000, 1000, 0x18, 100, 128);
	return rd(E1000_TDT) - 1;
}

/* The header split over two buffers, the second with payload too. */
static u32 ring_split_header(void)
{
	tso_frame(false, 20000, 1448, 0x18);
	put_data(1, GPA(TXB), 20, E1000_TXD_CMD_TSE, E1000_TXD_POPTS_TXSM |
		 E1000_TXD_POPTS_IXSM, 0);
	put_data(2, GPA(TXB + 20), 4096 + HDR4 - 20, E1000_TXD_CMD_TSE, 0, 0);
	return rd(E1000_TDT) - 1;
}

/* A piece outside RAM: the frame is lost, one DMA fault. */
static u32 ring_piece_fault(void)
{
	tso_frame(false, 20000, 1448, 0x18);
	put_data(3, 0x10, 4096, E1000_TXD_CMD_TSE, 0, 0);
	return rd(E1000_TDT) - 1;
}

/*
 * A context between two pieces gives the frame the header length it
 * needs, longer than the one its first buffer came with.
 */
static u32 ring_context_inside(void)
{
	u32 eop;

	tso_frame(false, 8000, 1000, 0x18);
	eop = rd(E1000_TDT);
	put_ctx(0, 14, 24, 33, 34, 50, 8000, E1000_TXD_CMD_TSE |
		E1000_TXD_CMD_TCP | E1000_TXD_CMD_IP, 20, 1000);
	put_ctx(eop, 14, 24, 33, 34, 50, 8000, E1000_TXD_CMD_TSE |
		E1000_TXD_CMD_TCP | E1000_TXD_CMD_IP, HDR4, 1000);
	/* The EOP moves behind the context. */
	put_data(eop - 1, GPA(TXB + HDR4 + 4096), 8000 - 4096,
		 E1000_TXD_CMD_TSE, 0, 0);
	put_data(eop + 1, GPA(TXB + HDR4 + 8000), 0, E1000_TXD_CMD_TSE |
		 E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0, 0);
	wr(E1000_TDT, eop + 2);
	return eop + 1;
}

static void test_tx_one_copy(void)
{
	same_as_copied(ring_tso4, 64, false);
	EXPECT_EQ(ref.tsctc, 1);
	EXPECT_EQ(ref.gptc, (TSO_PAY + TSO_MSS - 1) / TSO_MSS);
	EXPECT_EQ(F.sg_taken, 1);
	EXPECT_EQ(F.sg_frags, 16);		/* 64,000 bytes in 4 KiB */
	EXPECT_EQ(F.frame_calls, 0);
	EXPECT_EQ(F.nframes, 1);

	same_as_copied(ring_tso6_vlan, 64, false);
	EXPECT_EQ(F.sg_taken, 1);
	EXPECT_EQ(F.frames[0].meta.hdr_len, HDR6 + 4);

	same_as_copied(ring_split_header, 64, false);
	EXPECT_EQ(F.sg_taken, 1);
	EXPECT_EQ(F.sg_frags, 5);

	/* The 49th piece has all of them copied: sent by frame_out(). */
	same_as_copied(ring_many_pieces, 128, false);
	EXPECT_EQ(F.sg_calls, 0);
	EXPECT_EQ(F.nframes, 1);

	same_as_copied(ring_piece_fault, 64, false);
	EXPECT_EQ(F.nframes, 0);
	EXPECT_EQ(F.dma_faults, 1);
	EXPECT_EQ(ref.tsctc, 0);
	EXPECT_EQ(ref.gptc, 0);
	EXPECT_EQ(ref.dd, E1000_TXD_STAT_DD);

	same_as_copied(ring_context_inside, 64, false);
	EXPECT_EQ(F.sg_calls, 0);
	EXPECT_EQ(F.nframes, 1);
	EXPECT_EQ(ref.tsctc, 1);	/* statistics clear when read */
}

/* Declined, busy, cut by the end of a pass: the frame is copied after all. */
static void test_tx_one_copy_fallback(void)
{
	static u8 blob[E1000_STATE_MAX_SIZE];
	struct e1000_tx_pass p;
	u32 eop;

	same_as_copied(ring_tso4, 64, true);
	EXPECT_EQ(F.sg_calls, 1);
	EXPECT_EQ(F.sg_taken, 0);
	EXPECT_EQ(F.frame_calls, 1);

	/* Busy once, then sent by frame_out(). */
	fake_init(&F);
	F.core.plat = &fake_platform_sg;
	F.core.backend_gso = true;
	eop = ring_tso4();
	F.busy_after = 0;
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.sg_calls, 1);
	EXPECT_EQ(F.nframes, 0);
	EXPECT_EQ(rd(E1000_TDH), eop);
	EXPECT(!F.core.txdefer.on);
	F.busy_after = -1;
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.sg_calls, 1);
	ref_expect(eop);	/* ref: ring_tso4 copied, from above */

	/*
	 * A pass ends in the middle of the frame: until it settles, the
	 * state cannot be saved; after, it is whole and the next pass
	 * sends it from tx_buf.
	 */
	fake_init(&F);
	F.core.plat = &fake_platform_sg;
	F.core.backend_gso = true;
	eop = ring_tso4();
	EXPECT(e1000_tx_begin(&F.core, &p));
	EXPECT(e1000_tx_run(&F.core, &p, 6, ~0U));
	EXPECT(F.core.txdefer.on);
	EXPECT_EQ(e1000_core_save(&F.core, blob, sizeof(blob)),
		  -E1000_STATE_ETX);
	e1000_tx_settle(&F.core);
	EXPECT(!F.core.txdefer.on);
	EXPECT(e1000_core_save(&F.core, blob, sizeof(blob)) > 0);
	e1000_tx_end(&F.core, &p);
	while (tx_pass(64))
		;
	EXPECT_EQ(F.sg_calls, 0);
	ref_expect(eop);
}

/* Every segment: lengths, ids, sequence numbers, flags, both checksums. */
static void check_segments(bool ip6, u32 pay, u32 mss, u32 first, u8 flags)
{
	u32 hdr = ip6 ? HDR6 : HDR4, l4 = ip6 ? 54 : 34;
	u32 n = (pay + mss - 1) / mss, i, seglen;
	const u8 *f;

	EXPECT_EQ(F.nframes, first + n);
	for (i = 0; i < n && first + i < FAKE_FRAMES; i++) {
		f = frame(first + i);
		seglen = i + 1 < n ? mss : pay - i * mss;
		if (F.frames[first + i].len != hdr + seglen) {
			EXPECT_EQ(F.frames[first + i].len, hdr + seglen);
			return;
		}
		EXPECT(!memcmp(f, MEM(TXB), 14));
		if (ip6) {
			EXPECT_EQ(be16(f + 18), 20 + seglen);
		} else {
			EXPECT_EQ(be16(f + 16), 40 + seglen);
			EXPECT_EQ(be16(f + 18), 0x1234 + i);
			EXPECT(ref_ip4_ok(f + 14));
		}
		EXPECT_EQ(be32(f + l4 + 4), 0x10203040 + i * mss);
		EXPECT_EQ(f[l4 + 13], i + 1 < n ? flags & ~0x09 : flags);
		EXPECT(ref_l4_ok(f, ip6));
		EXPECT(!memcmp(f + hdr, MEM(TXB + hdr + i * mss), seglen));
	}
}

static void test_tx_tso_soft(void)
{
	u32 segs = (TSO_PAY + TSO_MSS - 1) / TSO_MSS;

	tso_frame(false, TSO_PAY, TSO_MSS, 0x19);	/* FIN PSH ACK */
	EXPECT(tx_pass(64));
	check_segments(false, TSO_PAY, TSO_MSS, 0, 0x19);
	EXPECT_EQ(rd(E1000_GPTC), segs);
	EXPECT_EQ(rd(E1000_TSCTC), 1);
	EXPECT_EQ(F.frames[0].meta.flags, 0);
	EXPECT_EQ(rd(E1000_TDH), rd(E1000_TDT));

	/* IPv6, payload an exact multiple of the MSS. */
	tso_frame(true, 8000, 1000, 0x18);
	EXPECT(tx_pass(64));
	check_segments(true, 8000, 1000, segs, 0x18);
}

/* The context of the TSO frame tso_frame() built, with some fields bent. */
static void bend_ctx(u8 ipcss, u8 tucss, u8 tucso, u32 tucmd, u8 hdr_len,
		     u32 len)
{
	put_ctx(0, ipcss, ipcss + 10, tucss - 1, tucss, tucso, len - hdr_len,
		E1000_TXD_CMD_TSE | tucmd, hdr_len, 1000);
}

/* GSO metadata the headers do not back is never handed to the host. */
static void test_tx_gso_malformed(void)
{
	const u32 ip4 = E1000_TXD_CMD_IP | E1000_TXD_CMD_TCP;
	u32 len, i, big = 69312 - HDR4;

	F.core.backend_gso = true;
	for (i = 0; i < 6; i++) {
		len = tso_frame(false, 3000, 1000, 0);
		switch (i) {
		case 0:	/* "TCPv6" over IPv4 bytes */
			bend_ctx(14, 34, 50, E1000_TXD_CMD_TCP, HDR4, len);
			break;
		case 1:	/* IPCSS 0 */
			bend_ctx(0, 34, 50, ip4, HDR4, len);
			break;
		case 2:	/* header length beyond the TCP header */
			bend_ctx(14, 34, 50, ip4, HDR4 + 4, len);
			break;
		case 3:	/* TUCSO before TUCSS */
			bend_ctx(14, 34, 30, ip4, HDR4, len);
			break;
		case 4:	/* not TCP */
			*MEM(TXB + 14 + 9) = 17;
			break;
		case 5:	/* TCP header where the IP header does not end */
			bend_ctx(14, 38, 54, ip4, HDR4 + 4, len);
			break;
		}
		EXPECT(tx_pass(64));
		EXPECT_EQ(F.nframes, 0);
		EXPECT_EQ(rd(E1000_TSCTFC), 1);
		EXPECT_EQ(F.core.cnt.tx_dropped, i + 1);
	}
	/* 69,312 bytes: an IPv4 total length past 65,535. */
	tso_frame(false, big, 1448, 0);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 0);
	EXPECT_EQ(rd(E1000_TSCTFC), 1);
	/* Segmented here, it is what the hardware makes of it: 48 frames. */
	F.core.backend_gso = false;
	tso_frame(false, big, 1448, 0);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, (big + 1447) / 1448);
	EXPECT_EQ(rd(E1000_TSCTC), 1);
}

/* Zero-length pieces and a chain with no end: each error counted once. */
static void test_tx_counted_once(void)
{
	u32 i;

	tx_setup(16, 0);
	for (i = 0; i < 3; i++)
		put_legacy(TXR, i, TXB, 0, 0, 0, 0, 0);
	put_legacy(TXR, 3, TXB, 60, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_RS_B,
		   0, 0, 0);
	wr(E1000_TDT, 4);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 1);
	EXPECT_EQ(F.frames[0].len, 60);
	EXPECT_EQ(F.core.cnt.desc_errors, 3);
	EXPECT_EQ(F.core.cnt.tx_dropped, 0);

	/* 8000-byte pieces, never an EOP: dropped once it is too long. */
	for (i = 4; i < 16; i++)
		put_legacy(TXR, i, TXB, 8000, 0, 0, 0, 0);
	wr(E1000_TDT, 15);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.core.cnt.tx_dropped, 1);
	wr(E1000_TDT, 0);
	for (i = 0; i < 4; i++)
		put_legacy(TXR, i, TXB, 8000, 0, 0, 0, 0);
	wr(E1000_TDT, 3);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.core.cnt.tx_dropped, 1);
	EXPECT_EQ(F.core.cnt.desc_errors, 3);
	EXPECT_EQ(F.nframes, 1);
}

static void test_tx_vlan_insert(void)
{
	struct frame_spec s = { .pay = 10 };
	u32 len = build(MEM(TXB), &s);

	tx_setup(8, 0);
	wr(E1000_VET, 0x88a8);
	put_legacy(TXR, 0, TXB, len, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_VLE_B,
		   0, 0, 0x2064);
	put_legacy(TXR, 1, TXB, len, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_VLE_B,
		   0, 0, 0x2064);
	wr(E1000_TDT, 1);
	/* VLE without CTRL.VME: no tag. */
	EXPECT(tx_pass(8));
	EXPECT_EQ(F.frames[0].len, len);
	EXPECT(!memcmp(frame(0), MEM(TXB), len));
	wr(E1000_CTRL, E1000_CTRL_SLU | E1000_CTRL_VME);
	wr(E1000_TDT, 2);
	EXPECT(tx_pass(8));
	EXPECT_EQ(F.frames[1].len, len + 4);
	EXPECT(!memcmp(frame(1), MEM(TXB), 12));
	EXPECT_EQ(be16(frame(1) + 12), 0x88a8);
	EXPECT_EQ(be16(frame(1) + 14), 0x2064);
	EXPECT(!memcmp(frame(1) + 16, MEM(TXB + 12), len - 12));

	/* A GSO frame with a tag: offsets move by 4. */
	F.core.backend_gso = true;
	wr(E1000_VET, 0x8100);
	tso_frame(false, 3000, 1000, 0);
	*MEM(TXR + 16 * 2 + 11) |= E1000_TXD_CMD_VLE_B;	/* the EOP one */
	*(__le16 *)MEM(TXR + 16 * 2 + 14) = cpu_to_le16(7);
	wr(E1000_CTRL, E1000_CTRL_SLU | E1000_CTRL_VME);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 3);
	EXPECT_EQ(F.frames[2].meta.hdr_len, HDR4 + 4);
	EXPECT_EQ(F.frames[2].meta.csum_start, 38);
	EXPECT_EQ(be16(frame(2) + 12), 0x8100);
	EXPECT_EQ(be16(frame(2) + 14), 7);
	EXPECT(ref_ip4_ok(frame(2) + 18));
}

static void test_tx_busy(void)
{
	u32 i;

	tx_setup(8, 0);
	for (i = 0; i < 3; i++) {
		memset(MEM(TXB + 100 * i), 0x20 + i, 100);
		put_legacy(TXR, 2 * i, TXB + 100 * i, 50, 0, 0, 0, 0);
		put_legacy(TXR, 2 * i + 1, TXB + 100 * i + 50, 50,
			   E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_RS_B, 0, 0, 0);
	}
	wr(E1000_TDT, 6);
	F.busy_after = 1;
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 1);
	/* Stopped at the second frame's EOP, which is not written back. */
	EXPECT_EQ(rd(E1000_TDH), 3);
	EXPECT_EQ(tx_status(3), 0);
	EXPECT(!(rd(E1000_ICR) & E1000_ICR_TXQE));
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 1);
	F.busy_after = -1;
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 3);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(F.frames[i].len, 100);
		EXPECT_EQ(frame(i)[99], 0x20 + i);
	}
	EXPECT_EQ(rd(E1000_GPTC), 3);
	EXPECT_EQ(tx_status(3), E1000_TXD_STAT_DD);

	/* Busy in the middle of a segmented TSO frame: resumes, no repeats. */
	tso_frame(false, 10000, 1000, 0x18);
	F.busy_after = 3 + 4;
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 7);
	F.busy_after = -1;
	EXPECT(tx_pass(64));
	check_segments(false, 10000, 1000, 3, 0x18);
	EXPECT_EQ(rd(E1000_TSCTC), 1);

	/*
	 * The guest turns the waiting EOP into a context with MSS 0 (found
	 * by the fuzzer: a division by zero).  The checked frame goes out
	 * with the context it was checked against.
	 */
	tso_frame(false, 10000, 1000, 0x18);
	F.busy_after = 13 + 4;
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 17);
	put_ctx(4, 14, 24, 33, 34, 50, 0, E1000_TXD_CMD_TSE, 54, 0);
	F.busy_after = -1;
	EXPECT(tx_pass(64));
	check_segments(false, 10000, 1000, 13, 0x18);
	EXPECT_EQ(rd(E1000_TSCTC), 1);
	EXPECT_EQ(rd(E1000_TDH), 5);
}

static void test_tx_hostile(void)
{
	u32 before;

	/* Bad rings: nothing done, counted. */
	tx_setup(8, 0);
	wr(E1000_TDT, 9);
	EXPECT(!tx_pass(64));
	/* A poller finds it again and again: the guest's error counts once. */
	EXPECT(!tx_pass(64));
	EXPECT_EQ(F.core.cnt.desc_errors, 1);
	wr(E1000_TDLEN, 0);
	wr(E1000_TDT, 1);
	EXPECT(!tx_pass(64));
	EXPECT(!tx_pass(64));
	EXPECT_EQ(F.core.cnt.desc_errors, 2);
	wr(E1000_TCTL, 0);
	EXPECT(!tx_pass(64));

	/* Buffer outside RAM, zero length, longer than the buffer. */
	tx_setup(16, 0);
	put_legacy(TXR, 0, 0, 100, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_RS_B,
		   0, 0, 0);
	*(__le64 *)MEM(TXR) = cpu_to_le64(0xdead0000ULL);
	put_legacy(TXR, 1, TXB, 0, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_RS_B,
		   0, 0, 0);
	put_legacy(TXR, 2, TXB, 40000, 0, 0, 0, 0);
	put_legacy(TXR, 3, TXB, 40000, E1000_TXD_CMD_EOP_B |
		   E1000_TXD_CMD_RS_B, 0, 0, 0);
	/* Checksum offsets beyond the frame: nothing inserted, no overflow. */
	put_legacy(TXR, 4, TXB, 60, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_IC_B,
		   200, 255, 0);
	/* A reserved descriptor type. */
	put_data(5, GPA(TXB), 60, E1000_TXD_CMD_EOP | E1000_TXD_CMD_RS, 0, 0);
	*MEM(TXR + 16 * 5 + 10) |= 0xF0;
	wr(E1000_TDT, 6);
	before = F.core.cnt.desc_errors;
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 1);
	EXPECT(!memcmp(frame(0), MEM(TXB), 60));
	EXPECT_EQ(rd(E1000_TDH), 6);
	EXPECT_EQ(tx_status(0), E1000_TXD_STAT_DD);
	EXPECT_EQ(tx_status(1), E1000_TXD_STAT_DD);
	EXPECT_EQ(tx_status(3), E1000_TXD_STAT_DD);
	EXPECT_EQ(tx_status(5), E1000_TXD_STAT_DD);
	/*
	 * One counter each: the reserved type is a descriptor error, the
	 * empty and the too-long frame are dropped frames, the buffer outside
	 * RAM is the platform's DMA fault (not counted by the core at all).
	 */
	EXPECT_EQ(F.core.cnt.desc_errors - before, 1);
	EXPECT_EQ(F.core.cnt.tx_dropped, 2);
	EXPECT_EQ(F.dma_faults, 1);
	EXPECT_EQ(rd(E1000_GPTC), 1);

	/* TSO with MSS 0, tiny MSS, header longer than the frame. */
	tso_frame(false, 3000, 0, 0);
	EXPECT(tx_pass(64));
	tso_frame(false, 3000, 16, 0);
	EXPECT(tx_pass(64));
	tso_frame(false, 3000, 1000, 0);
	*MEM(TXR + 13) = 255;	/* hdr_len */
	put_data(1, GPA(TXB), 100, E1000_TXD_CMD_TSE | E1000_TXD_CMD_EOP, 0,
		 0);
	wr(E1000_TDT, 2);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 1);
	EXPECT_EQ(rd(E1000_TSCTFC), 3);
	EXPECT_EQ(rd(E1000_TSCTC), 0);

	/* A ring that would run past 2^64 into page 0: refused, not read. */
	tx_setup(8, 0);
	before = F.dma_faults;
	wr(E1000_TDBAH, 0xffffffff);
	wr(E1000_TDBAL, 0xffffffc0);
	wr(E1000_TDT, 6);
	EXPECT(!tx_pass(64));
	EXPECT_EQ(F.dma_faults, before);
	EXPECT_EQ(rd(E1000_TDH), 0);

	/* The descriptor ring itself outside RAM. */
	tx_setup(8, 0);
	wr(E1000_TDBAL, 0xfff00000);
	wr(E1000_TDT, 3);
	EXPECT(tx_pass(64));
	EXPECT_EQ(rd(E1000_TDH), 3);
}

static void test_tx_delay_timers(void)
{
	u32 i;

	tx_setup(8, 0);
	wr(E1000_IMS, E1000_ICR_TXDW);
	wr(E1000_TIDV, 100);
	wr(E1000_TADV, 1000);
	for (i = 0; i < 4; i++)
		put_legacy(TXR, i, TXB, 60, E1000_TXD_CMD_EOP_B |
			   E1000_TXD_CMD_RS_B | E1000_TXD_CMD_IDE_B, 0, 0, 0);
	wr(E1000_TDT, 1);
	EXPECT(tx_pass(8));
	EXPECT(!F.line);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 100 * 1024);
	EXPECT_EQ(F.timer[E1000_TIMER_TADV], 1000 * 1024);
	EXPECT_EQ(F.core.delayed_causes, E1000_ICR_TXDW);
	/* TIDV restarts, TADV keeps running. */
	F.timer[E1000_TIMER_TIDV] = 1;
	F.timer[E1000_TIMER_TADV] = 2;
	wr(E1000_TDT, 2);
	EXPECT(tx_pass(8));
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 100 * 1024);
	EXPECT_EQ(F.timer[E1000_TIMER_TADV], 2);
	e1000_core_timer_expired(&F.core, E1000_TIMER_TADV);
	EXPECT(F.line);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 0);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXDW | E1000_ICR_TXQE);
	/* TIDV 0 with IDE: at once. */
	wr(E1000_TIDV, 0);
	wr(E1000_TDT, 3);
	EXPECT(tx_pass(8));
	EXPECT(F.line);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXDW | E1000_ICR_TXQE);
	/* Without IDE the interrupt is immediate and flushes a held one. */
	wr(E1000_TIDV, 100);
	put_legacy(TXR, 3, TXB, 60, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_RS_B,
		   0, 0, 0);
	F.core.delayed_causes = E1000_ICR_TXDW;
	F.timer[E1000_TIMER_TIDV] = 5;
	wr(E1000_TDT, 4);
	EXPECT(tx_pass(8));
	EXPECT(F.line);
	EXPECT_EQ(F.core.delayed_causes, 0);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 0);
}

/* One descriptor queued at @i with IDE, and its pass, at time @now_us. */
static void tx_paced_one(u32 i, u64 now_us)
{
	put_legacy(TXR, i % 16, TXB, 60, E1000_TXD_CMD_EOP_B |
		   E1000_TXD_CMD_RS_B | E1000_TXD_CMD_IDE_B, 0, 0, 0);
	F.now = now_us * 1000;
	wr(E1000_TDT, (i + 1) % 16);
	EXPECT(tx_pass(16));
}

/* The same, then the held TXDW delivered by its packet timer and read. */
static void tx_paced_acked(u32 i, u64 now_us)
{
	tx_paced_one(i, now_us);
	EXPECT(!F.line);
	e1000_core_timer_expired(&F.core, E1000_TIMER_TIDV);
	EXPECT(F.line);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXDW | E1000_ICR_TXQE);
}

/* The platform's cap on the paced packet timer, as the module's default. */
#define PACE_MAX_NS	1000000

/* A 16-descriptor ring, pacing on, Linux's TIDV and TADV, TXDW enabled. */
static void tx_pace_setup(void)
{
	tx_setup(16, 0);
	F.core.tx_pace.max_ns = PACE_MAX_NS;
	wr(E1000_IMS, E1000_ICR_TXDW);
	wr(E1000_TIDV, 8);
	wr(E1000_TADV, 32);
}

/*
 * tx_pace_setup(), then a guest that queues a frame every 500 us from
 * *@t: 12 passes, each TXDW delivered by its packet timer, then a 13th
 * whose TXDW is held.  Returns the next descriptor; *@t the next time.
 */
static u32 tx_pace_500us(u64 *t)
{
	u32 i;

	tx_pace_setup();
	for (i = 0; i < 12; i++, *t += 500)
		tx_paced_acked(i, *t);
	tx_paced_one(i++, *t);
	*t += 500;
	return i;
}

/*
 * A guest that queues a frame every 500 us: TXDW's packet timer stretches
 * to twice the mean gap and the absolute timer to four packet timers;
 * half a ring completed under one hold interrupts at once; a guest that
 * sends every microsecond gets the timers it set.
 */
static void test_tx_delay_paced(void)
{
	u64 t = 100000;
	u32 i = tx_pace_500us(&t);

	/* A new hold: packet timer twice the gap, absolute four of those. */
	EXPECT(F.timer[E1000_TIMER_TIDV] > 960000 &&
	       F.timer[E1000_TIMER_TIDV] <= 1000000);
	EXPECT_EQ(F.timer[E1000_TIMER_TADV], 4 * F.timer[E1000_TIMER_TIDV]);
	EXPECT_EQ(F.core.delayed_causes, E1000_ICR_TXDW);

	/* The same hold, 8 descriptors (half the ring): at once. */
	for (; i < 24 && !F.line; i++, t += 500)
		tx_paced_one(i, t);
	EXPECT_EQ(i, 20);
	EXPECT(F.line);
	EXPECT_EQ(F.core.delayed_causes, 0);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXDW | E1000_ICR_TXQE);

	/* A frame a microsecond: the mean decays, the guest's timers rule. */
	for (; i < 48; i++, t += 1)
		tx_paced_acked(i, t);
	tx_paced_one(i, t);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 8 * 1024);
	EXPECT_EQ(F.timer[E1000_TIMER_TADV], 32 * 1024);
	F.core.tx_pace.max_ns = 0;
}

/*
 * A guest that sends its next frame 5 us after each TXDW, its buffers
 * back (a socket's small send buffer, a byte queue limit still low): the
 * hold it waits for is not its pace, and the packet timer stays near what
 * it set, where a mean taken from pass to pass climbed to the 1 ms cap.
 * Pacing off: TIDV and TADV as set, whatever the pace.
 */
static void test_tx_delay_gated(void)
{
	u64 t = 100000;
	u32 i;

	tx_pace_setup();
	for (i = 0; i < 40; i++) {
		tx_paced_one(i, t);
		/* The held TXDW goes when its packet timer runs out. */
		t += F.timer[E1000_TIMER_TIDV] / 1000;
		F.now = t * 1000;
		e1000_core_timer_expired(&F.core, E1000_TIMER_TIDV);
		EXPECT(F.line);
		rd(E1000_ICR);
		t += 5;
	}
	tx_paced_one(i++, t);
	EXPECT(F.timer[E1000_TIMER_TIDV] <= 16 * 1024);

	/* Off: a 500 us pace changes nothing. */
	F.core.tx_pace.max_ns = 0;
	for (; i < 60; i++, t += 500)
		tx_paced_acked(i, t);
	tx_paced_one(i, t);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 8 * 1024);
	EXPECT_EQ(F.timer[E1000_TIMER_TADV], 32 * 1024);
}

static void test_tx_voided(void)
{
	struct e1000_tx_pass p;

	tx_setup(8, 0);
	wr(E1000_IMS, E1000_ICR_TXDW | E1000_ICR_TXQE);
	put_legacy(TXR, 0, TXB, 60, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_RS_B,
		   0, 0, 0);
	wr(E1000_TDT, 1);
	EXPECT(e1000_tx_begin(&F.core, &p));
	e1000_tx_run(&F.core, &p, 8, ~0U);
	/* The guest resets the device while the worker runs unlocked. */
	wr(E1000_CTRL, E1000_CTRL_RST);
	e1000_tx_end(&F.core, &p);
	EXPECT_EQ(rd(E1000_TDH), 0);
	EXPECT_EQ(rd(E1000_GPTC), 0);
	EXPECT_EQ(rd(E1000_ICR), 0);
	EXPECT(!F.line);

	/* A rewrite of TDLEN voids it too; a new pass starts clean. */
	tx_setup(8, 0);
	put_legacy(TXR, 0, TXB, 30, 0, 0, 0, 0);
	wr(E1000_TDT, 1);
	EXPECT(e1000_tx_begin(&F.core, &p));
	e1000_tx_run(&F.core, &p, 8, ~0U);
	wr(E1000_TDLEN, 8 * 16);
	e1000_tx_end(&F.core, &p);
	EXPECT_EQ(rd(E1000_TDH), 0);
	/* The half frame of the voided pass is not glued to the next one. */
	wr(E1000_TDH, 1);
	put_legacy(TXR, 1, TXB, 60, E1000_TXD_CMD_EOP_B, 0, 0, 0);
	wr(E1000_TDT, 2);
	EXPECT(tx_pass(8));
	EXPECT_EQ(F.nframes, 2);
	EXPECT_EQ(F.frames[1].len, 60);
}

/* A ring with one 60-byte frame queued, and a pass begun on it. */
static void tx_begin_one(struct e1000_tx_pass *p)
{
	tx_setup(8, 0);
	put_legacy(TXR, 0, TXB, 60, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_RS_B,
		   0, 0, 0);
	wr(E1000_TDT, 1);
	EXPECT(e1000_tx_begin(&F.core, p));
}

/*
 * A pass the guest voids before its first descriptor moves nothing, but
 * the doorbell that started it is still owed: end() asks for another
 * pass.  Linux's e1000 writes MTA and RA (no doorbell) while its queue
 * waits for the frame in hand; a worker that took "nothing moved" for
 * "nothing to do" slept with TDH != TDT for good.
 */
static void test_tx_voided_before_first(void)
{
	struct e1000_tx_pass p;

	tx_begin_one(&p);
	wr(E1000_MTA + 4 * 17, 1 << 5);
	e1000_tx_run(&F.core, &p, 8, ~0U);
	EXPECT(e1000_tx_end(&F.core, &p));
	EXPECT_EQ(F.nframes, 0);
	EXPECT_EQ(rd(E1000_TDH), 0);
	/* The pass asked for goes: the frame leaves, once. */
	EXPECT(e1000_tx_begin(&F.core, &p));
	e1000_tx_run(&F.core, &p, 8, ~0U);
	EXPECT(e1000_tx_end(&F.core, &p));
	EXPECT_EQ(F.nframes, 1);
	EXPECT_EQ(rd(E1000_TDH), 1);
	EXPECT(!e1000_tx_begin(&F.core, &p));

	/* A backend that takes nothing: no pass again (the tap's wakeup is). */
	tx_setup(8, 0);
	wr(E1000_TDT, 1);
	F.busy_after = 0;
	EXPECT(e1000_tx_begin(&F.core, &p));
	e1000_tx_run(&F.core, &p, 8, ~0U);
	EXPECT(!e1000_tx_end(&F.core, &p));
	EXPECT_EQ(rd(E1000_TDH), 0);
	F.busy_after = -1;
}

/*
 * A reset or BME off between two descriptors of a running pass: the rest
 * of the pass touches no guest memory and sends nothing.
 */
static void test_tx_stops_when_stale(void)
{
	struct e1000_tx_pass p;

	tx_begin_one(&p);
	wr(E1000_CTRL, E1000_CTRL_RST);
	e1000_tx_run(&F.core, &p, 8, ~0U);
	e1000_tx_end(&F.core, &p);
	EXPECT_EQ(F.nframes, 0);
	EXPECT_EQ(tx_status(0), 0);

	tx_setup(8, 0);
	wr(E1000_TDT, 1);
	EXPECT(e1000_tx_begin(&F.core, &p));
	e1000_core_set_bus_master(&F.core, false);
	e1000_tx_run(&F.core, &p, 8, ~0U);
	e1000_tx_end(&F.core, &p);
	EXPECT_EQ(F.nframes, 0);
	EXPECT_EQ(tx_status(0), 0);
	EXPECT_EQ(rd(E1000_TDH), 0);
	/* Bus mastering back: the descriptor still waits, and goes. */
	e1000_core_set_bus_master(&F.core, true);
	EXPECT(tx_pass(8));
	EXPECT_EQ(F.nframes, 1);
	EXPECT_EQ(rd(E1000_TDH), 1);
}

/* ---- RX ---- */

static void rx_setup(u32 ndesc, u32 head, u32 tail, u32 rctl)
{
	u32 i;

	wr(E1000_CTRL, E1000_CTRL_SLU);
	rd(E1000_ICR);
	for (i = 0; i < ndesc; i++) {
		struct e1000_rx_desc d = {
			.buffer_addr = cpu_to_le64(GPA(RXB + RXB_STRIDE * i)),
		};

		memcpy(MEM(RXR + 16 * i), &d, 16);
	}
	wr(E1000_RDBAL, GPA(RXR));
	wr(E1000_RDLEN, ndesc * 16);
	wr(E1000_RDH, head);
	wr(E1000_RDT, tail);
	wr(E1000_RCTL, rctl | E1000_RCTL_EN | E1000_RCTL_SECRC);
}

static struct e1000_rx_desc *rxd(u32 i)
{
	return (struct e1000_rx_desc *)MEM(RXR + 16 * i);
}

static const struct e1000_rx_meta no_meta;

/* One frame in its own pass. */
static int rx_one(const u8 *f, u32 len, const struct e1000_rx_meta *m)
{
	struct e1000_rx_pass p;
	int ret;

	if (!e1000_rx_begin(&F.core, &p))
		return -1;
	ret = e1000_rx_frame(&F.core, &p, f, len, m ? m : &no_meta);
	e1000_rx_end(&F.core, &p);
	return ret;
}

static void test_rx_basic(void)
{
	static u8 f[2048];
	struct frame_spec s = { .pay = 200 };
	u32 len = build(f, &s);

	rx_setup(8, 0, 7, E1000_RCTL_BAM);
	wr(E1000_IMS, E1000_ICR_RXT0);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT(!memcmp(MEM(RXB), f, len));
	EXPECT_EQ(le16_to_cpu(rxd(0)->length), len);
	EXPECT_EQ(rxd(0)->status, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP |
		  E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS);
	EXPECT_EQ(rxd(0)->errors, 0);
	EXPECT_EQ(le64_to_cpu(rxd(0)->buffer_addr), GPA(RXB));
	EXPECT_EQ(rxd(1)->status, 0);
	EXPECT_EQ(rd(E1000_RDH), 1);
	EXPECT(F.line);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_RXT0);
	EXPECT_EQ(rd(E1000_GPRC), 1);
	EXPECT_EQ(rd(E1000_TPR), 1);
	EXPECT_EQ(rd(E1000_GORCL), len + 4);
	EXPECT_EQ(rd(E1000_PRC511), 1);
	/* A short frame is padded as the wire would have it. */
	memset(f + 42, 0xee, 20);
	memcpy(f, bcast_mac, 6);
	EXPECT_EQ(rx_one(f, 42, NULL), E1000_RX_DONE);
	EXPECT_EQ(le16_to_cpu(rxd(1)->length), 60);
	EXPECT(!memcmp(MEM(RXB + RXB_STRIDE), f, 42));
	EXPECT_EQ(*MEM(RXB + RXB_STRIDE + 59), 0);
	EXPECT_EQ(rd(E1000_BPRC), 1);
	EXPECT_EQ(rd(E1000_PRC64), 1);
	/* Runts and a disabled receiver. */
	EXPECT_EQ(rx_one(f, 13, NULL), E1000_RX_FILTERED);
	wr(E1000_RCTL, 0);
	EXPECT_EQ(rx_one(f, 60, NULL), -1);
}

/* IEEE 802.3 CRC-32, a bit at a time: independent of the core's table. */
static u32 ref_crc32(const u8 *p, u32 n)
{
	u32 crc = 0xFFFFFFFF;
	int k;

	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1));
	}
	return ~crc;
}

static u32 get_le32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

/* With RCTL.SECRC clear the guest gets the wire's 4 CRC bytes too. */
static void test_rx_fcs(void)
{
	static const u8 check[] = "123456789";
	static u8 f[2048];
	struct frame_spec s = { .pay = 100 };
	u32 len = build(f, &s);

	EXPECT_EQ(ref_crc32(check, 9), 0xCBF43926);	/* the standard check */
	rx_setup(8, 0, 7, E1000_RCTL_BAM);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(le16_to_cpu(rxd(0)->length), len + 4);
	EXPECT(!memcmp(MEM(RXB), f, len));
	EXPECT_EQ(get_le32(MEM(RXB + len)), ref_crc32(f, len));
	/* A short frame: the CRC covers the padding, 64 bytes in all. */
	memset(f + 42, 0, 18);
	memcpy(f, bcast_mac, 6);
	EXPECT_EQ(rx_one(f, 42, NULL), E1000_RX_DONE);
	EXPECT_EQ(le16_to_cpu(rxd(1)->length), 64);
	EXPECT_EQ(get_le32(MEM(RXB + RXB_STRIDE + 60)), ref_crc32(f, 60));
	/* SECRC strips it. */
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_SECRC);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(le16_to_cpu(rxd(2)->length), len);
}

/* A platform CRC that counts the bytes it is given: bit-wise, no inversion. */
static u32 crc_bytes;

static u32 counting_crc32(u32 crc, const u8 *p, u32 n)
{
	int k;

	crc_bytes += n;
	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320 & -(crc & 1));
	}
	return crc;
}

/*
 * The platform's CRC makes the FCS when it has one, and only for a frame
 * that has buffers: one that waits for the guest is offered again, and
 * would pay for its CRC at every offer.
 */
static void test_rx_fcs_platform(void)
{
	static struct e1000_platform plat;
	static u8 f[2048];
	struct frame_spec s = { .pay = 300 };
	u32 len = build(f, &s);

	plat = fake_platform;
	plat.crc32 = counting_crc32;
	F.core.plat = &plat;
	crc_bytes = 0;
	rx_setup(8, 0, 1, E1000_RCTL_BAM);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(crc_bytes, len);
	EXPECT_EQ(le16_to_cpu(rxd(0)->length), len + 4);
	EXPECT_EQ(get_le32(MEM(RXB + len)), ref_crc32(f, len));
	/* The ring is full (head == tail): no CRC for a frame that waits. */
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_NO_BUFFERS);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_NO_BUFFERS);
	EXPECT_EQ(crc_bytes, len);
	wr(E1000_RDT, 2);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(crc_bytes, 2 * len);
	EXPECT_EQ(get_le32(MEM(RXB + RXB_STRIDE + len)), ref_crc32(f, len));
	F.core.plat = &fake_platform;
}

/* MTA bit per the manual: 12 address bits, chosen by MO. */
static u32 ref_mta_hash(const u8 *a, u32 mo)
{
	static const u32 low[4] = { 36, 35, 34, 32 };
	u64 v = 0;
	int i;

	for (i = 5; i >= 0; i--)
		v = v << 8 | a[i];
	return (v >> low[mo]) & 0xfff;
}

static void test_rx_filters(void)
{
	static const u8 other[6] = { 0x02, 0x99, 0x99, 0x99, 0x99, 0x99 };
	static const u8 ra2[6] = { 0x02, 0x42, 0x43, 0x44, 0x45, 0x46 };
	u8 mc[6] = { 0x01, 0x00, 0x5e, 0x7f, 0xa5, 0xc3 };
	u8 f[64] = { 0 };
	u32 mo, h;

	rx_setup(16, 0, 15, 0);
	memcpy(f, other, 6);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_FILTERED);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_UPE);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	/* Another RA entry, and AV cleared. */
	wr(E1000_RCTL, E1000_RCTL_EN);
	wr(E1000_RAL(2), 0x44434202);
	wr(E1000_RAH(2), 0x4645 | E1000_RAH_AV);
	memcpy(f, ra2, 6);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	wr(E1000_RAH(2), 0x4645);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_FILTERED);
	/* Broadcast needs BAM. */
	memcpy(f, bcast_mac, 6);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_FILTERED);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	/* Multicast: the MTA bit for each MO, and MPE. */
	memcpy(f, mc, 6);
	for (mo = 0; mo < 4; mo++) {
		wr(E1000_RCTL, E1000_RCTL_EN | mo << E1000_RCTL_MO_SHIFT);
		h = ref_mta_hash(mc, mo);
		EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_FILTERED);
		wr(E1000_MTA + 4 * (h >> 5), 1u << (h & 31));
		EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
		wr(E1000_MTA + 4 * (h >> 5), ~(1u << (h & 31)));
		EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_FILTERED);
		wr(E1000_MTA + 4 * (h >> 5), 0);
	}
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_MPE);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	/* VLAN filter: tagged frames need their VFTA bit. */
	memcpy(f, dst_mac, 6);
	set16(f + 12, 0x8100);
	set16(f + 14, 0x0123);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_VFE);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_FILTERED);
	wr(E1000_VFTA + 4 * (0x123 >> 5), 1u << (0x123 & 31));
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	EXPECT_EQ(rd(E1000_GPRC), 9);
	EXPECT_EQ(rd(E1000_MPRC), 5);
	EXPECT_EQ(rd(E1000_BPRC), 1);
	EXPECT_EQ(rd(E1000_RDH), 9);
}

static void test_rx_vlan_strip(void)
{
	static u8 f[128];
	u32 i;

	for (i = 0; i < sizeof(f); i++)
		f[i] = i;
	memcpy(f, dst_mac, 6);
	set16(f + 12, 0x88a8);
	set16(f + 14, 0xe005);
	rx_setup(8, 0, 7, 0);
	wr(E1000_VET, 0x88a8);
	/* Without VME the tag stays in the frame. */
	EXPECT_EQ(rx_one(f, 100, NULL), E1000_RX_DONE);
	EXPECT_EQ(le16_to_cpu(rxd(0)->length), 100);
	EXPECT(!(rxd(0)->status & E1000_RXD_STAT_VP));
	EXPECT(!memcmp(MEM(RXB), f, 100));
	wr(E1000_CTRL, E1000_CTRL_SLU | E1000_CTRL_VME);
	EXPECT_EQ(rx_one(f, 100, NULL), E1000_RX_DONE);
	EXPECT_EQ(le16_to_cpu(rxd(1)->length), 96);
	EXPECT(rxd(1)->status & E1000_RXD_STAT_VP);
	EXPECT_EQ(le16_to_cpu(rxd(1)->special), 0xe005);
	EXPECT(!memcmp(MEM(RXB + RXB_STRIDE), f, 12));
	EXPECT(!memcmp(MEM(RXB + RXB_STRIDE + 12), f + 16, 84));
	EXPECT_EQ(rd(E1000_GORCL), 2 * 104);
}

static void test_rx_long_multi(void)
{
	static u8 f[16384];
	u32 i, len = 4000;

	for (i = 0; i < sizeof(f); i++)
		f[i] = i * 13;
	memcpy(f, dst_mac, 6);
	set16(f + 12, 0x0800);		/* not a parsable IPv4 header */
	f[14] = 0;
	rx_setup(8, 2, 1, E1000_RCTL_SZ_1024);
	/* Too long without LPE; the standard limit is 1518 with the FCS. */
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_FILTERED);
	EXPECT_EQ(rx_one(f, 1515, NULL), E1000_RX_FILTERED);
	EXPECT_EQ(rx_one(f, 1514, NULL), E1000_RX_DONE);
	EXPECT_EQ(rd(E1000_ROC), 2);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_SZ_1024 | E1000_RCTL_LPE |
	   E1000_RCTL_SECRC);
	/* 4000 bytes in four 1 KiB buffers, wrapping at the ring's end. */
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	for (i = 0; i < 4; i++) {
		u32 d = (4 + i) % 8, n = i < 3 ? 1024 : len - 3072;

		EXPECT_EQ(le16_to_cpu(rxd(d)->length), n);
		EXPECT_EQ(rxd(d)->status & (E1000_RXD_STAT_DD |
					    E1000_RXD_STAT_EOP),
			  E1000_RXD_STAT_DD | (i == 3 ? E1000_RXD_STAT_EOP : 0));
		EXPECT(!memcmp(MEM(RXB + RXB_STRIDE * d), f + 1024 * i, n));
	}
	EXPECT_EQ(rxd(4)->status, E1000_RXD_STAT_DD);
	EXPECT_EQ(rxd(7)->status, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP |
		  E1000_RXD_STAT_IXSM);
	EXPECT_EQ(rd(E1000_RDH), 0);
	/* BSEX: 16384 * n; the longest frame LPE allows in 4 KiB buffers. */
	rx_setup(8, 0, 3, E1000_RCTL_BSEX | E1000_RCTL_SZ_256 |
		 E1000_RCTL_LPE);
	EXPECT_EQ(rx_one(f, 16381, NULL), E1000_RX_FILTERED);
	EXPECT_EQ(rx_one(f, 16380, NULL), E1000_RX_NO_BUFFERS);
	EXPECT_EQ(rx_one(f, 3 * 4096, NULL), E1000_RX_DONE);
	EXPECT_EQ(le16_to_cpu(rxd(2)->length), 4096);
	EXPECT_EQ(rd(E1000_RDH), 3);
}

static void test_rx_csum(void)
{
	static u8 f[2048];
	struct frame_spec s = { .pay = 301 };
	struct e1000_rx_meta m = { 0 };
	u32 len = build(f, &s);

	rx_setup(16, 0, 15, 0);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(rxd(0)->status & 0xE4, E1000_RXD_STAT_IPCS |
		  E1000_RXD_STAT_TCPCS);
	EXPECT_EQ(rxd(0)->errors, 0);
	/* A bad TCP sum; DATA_VALID trusts the host instead. */
	f[len - 1] ^= 0x40;
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(rxd(1)->errors, E1000_RXD_ERR_TCPE);
	m.flags = E1000_RXM_DATA_VALID;
	EXPECT_EQ(rx_one(f, len, &m), E1000_RX_DONE);
	EXPECT_EQ(rxd(2)->errors, 0);
	EXPECT(rxd(2)->status & E1000_RXD_STAT_TCPCS);
	/* A bad IP header sum. */
	f[len - 1] ^= 0x40;
	f[14 + 8] = 1;
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(rxd(3)->errors, E1000_RXD_ERR_IPE);
	f[14 + 8] = 64;
	/* Offloads off: IXSM. */
	wr(E1000_RXCSUM, 0);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(rxd(4)->status & 0xE4, E1000_RXD_STAT_IXSM);
	/* TUOFL only, UDP over IPv6. */
	wr(E1000_RXCSUM, E1000_RXCSUM_TUOFL);
	s.ip6 = true;
	s.udp = true;
	len = build(f, &s);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(rxd(5)->status & 0xE4, E1000_RXD_STAT_TCPCS);
	EXPECT_EQ(rxd(5)->errors, 0);

	/* NEEDS_CSUM: completed in the guest's copy, reported good. */
	wr(E1000_RXCSUM, E1000_RXCSUM_TUOFL | E1000_RXCSUM_IPOFL);
	s.ip6 = false;
	s.udp = false;
	s.pre = PRE_PARTIAL;
	len = build(f, &s);
	m.flags = E1000_RXM_NEEDS_CSUM;
	m.csum_start = 34;
	m.csum_offset = 16;
	EXPECT(!ref_l4_ok(f, false));
	EXPECT_EQ(rx_one(f, len, &m), E1000_RX_DONE);
	EXPECT(ref_l4_ok(MEM(RXB + 6 * RXB_STRIDE), false));
	EXPECT_EQ(rxd(6)->status & 0xE4, E1000_RXD_STAT_IPCS |
		  E1000_RXD_STAT_TCPCS);
	EXPECT_EQ(rxd(6)->errors, 0);
	/* ...also across two buffers and with the tag stripped. */
	memmove(f + 16, f + 12, len - 12);
	set16(f + 12, 0x8100);
	set16(f + 14, 5);
	len += 4;
	m.csum_start += 4;
	wr(E1000_CTRL, E1000_CTRL_SLU | E1000_CTRL_VME);
	wr(E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_SZ_256);
	EXPECT_EQ(rx_one(f, len, &m), E1000_RX_DONE);
	{
		u8 g[2048];
		u32 i, n = 0;

		for (i = 7; i < 9; i++) {
			memcpy(g + n, MEM(RXB + i * RXB_STRIDE),
			       le16_to_cpu(rxd(i)->length));
			n += le16_to_cpu(rxd(i)->length);
		}
		/* Tag stripped, FCS appended (SECRC is clear here). */
		EXPECT_EQ(n, len - 4 + 4);
		EXPECT(ref_l4_ok(g, false));
	}
	/* Offsets outside the frame are ignored, nothing overruns. */
	m.csum_start = 2000;
	EXPECT_EQ(rx_one(f, len, &m), E1000_RX_DONE);
}

static void test_rx_no_buffers(void)
{
	static u8 f[8000];
	struct e1000_rx_pass p;
	u32 writes;

	memcpy(f, dst_mac, 6);
	rx_setup(8, 6, 0, E1000_RCTL_SZ_1024 | E1000_RCTL_LPE);
	wr(E1000_IMS, E1000_ICR_RXO | E1000_ICR_RXT0);
	EXPECT(e1000_rx_begin(&F.core, &p));
	EXPECT(e1000_rx_has_buffers(&p));
	writes = F.nwlog;
	/* The packet buffer's receive share, 48 KB from reset. */
	EXPECT_EQ(p.pb_bytes, 48 * 1024);
	/* Two free descriptors (6, 7), three needed: nothing written. */
	EXPECT_EQ(e1000_rx_frame(&F.core, &p, f, 2100, &no_meta),
		  E1000_RX_NO_BUFFERS);
	EXPECT_EQ(F.nwlog, writes);
	EXPECT(!p.too_big);
	/* Eight needed: the 8-descriptor ring never has them free at once. */
	EXPECT_EQ(e1000_rx_frame(&F.core, &p, f, 7700, &no_meta),
		  E1000_RX_NO_BUFFERS);
	EXPECT(p.too_big);
	EXPECT_EQ(e1000_rx_frame(&F.core, &p, f, 2100, &no_meta),
		  E1000_RX_NO_BUFFERS);
	EXPECT(!p.too_big);
	EXPECT_EQ(e1000_rx_frame(&F.core, &p, f, 2000, &no_meta),
		  E1000_RX_DONE);
	EXPECT(!e1000_rx_has_buffers(&p));
	EXPECT_EQ(e1000_rx_frame(&F.core, &p, f, 60, &no_meta),
		  E1000_RX_NO_BUFFERS);
	e1000_rx_drop(&F.core, &p);
	e1000_rx_end(&F.core, &p);
	EXPECT_EQ(rd(E1000_RDH), 0);
	EXPECT_EQ(rd(E1000_MPC), 1);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_RXO | E1000_ICR_RXT0 |
		  E1000_ICR_RXDMT0);
	EXPECT_EQ(rxd(0)->status, 0);
	/* A driver's PBA write sizes it. */
	wr(E1000_PBA, 1);
	/* Empty ring: begin works, no buffers. */
	EXPECT(e1000_rx_begin(&F.core, &p));
	EXPECT_EQ(p.pb_bytes, 1024);
	/* However large an RXA it writes: the buffer is 64 KB. */
	wr(E1000_PBA, 0xffff);
	EXPECT(e1000_rx_begin(&F.core, &p));
	EXPECT_EQ(p.pb_bytes, 64 * 1024);
	EXPECT(!e1000_rx_has_buffers(&p));
}

/*
 * A receive buffer or descriptor outside RAM is one DMA error: not one per
 * piece written into the buffer (frame, FCS), nor a second one for the
 * write-back of a descriptor that could not even be read.
 */
static void test_rx_dma_fault(void)
{
	static const u64 outside = 0xdead0000ULL;
	u8 f[100] = { 0 };
	unsigned int before;

	memcpy(f, dst_mac, 6);
	rx_setup(8, 0, 7, 0);
	wr(E1000_RCTL, E1000_RCTL_EN);		/* the FCS appended: 2 pieces */
	*(__le64 *)MEM(RXR) = cpu_to_le64(outside);
	before = F.dma_faults;
	EXPECT_EQ(rx_one(f, sizeof(f), NULL), E1000_RX_ERROR);
	EXPECT_EQ(F.dma_faults - before, 1);
	EXPECT_EQ(rxd(0)->status, E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP |
		  E1000_RXD_STAT_IXSM);
	EXPECT(rxd(0)->errors & E1000_RXD_ERR_RXE);

	wr(E1000_RDBAL, outside);
	wr(E1000_RDH, 0);
	before = F.dma_faults;
	EXPECT_EQ(rx_one(f, sizeof(f), NULL), E1000_RX_ERROR);
	EXPECT_EQ(F.dma_faults - before, 1);
	EXPECT_EQ(rd(E1000_RDH), 1);
}

static void test_rx_timers(void)
{
	u8 f[60] = { 0 };

	memcpy(f, dst_mac, 6);
	rx_setup(16, 0, 15, E1000_RCTL_RDMTS_QUAT);
	wr(E1000_IMS, E1000_ICR_RXT0 | E1000_ICR_RXDMT0);
	wr(E1000_RDTR, 50);
	wr(E1000_RADV, 200);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	EXPECT(!F.line);
	EXPECT_EQ(F.timer[E1000_TIMER_RDTR], 50 * 1024);
	EXPECT_EQ(F.timer[E1000_TIMER_RADV], 200 * 1024);
	F.timer[E1000_TIMER_RADV] = 3;
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	EXPECT_EQ(F.timer[E1000_TIMER_RADV], 3);
	e1000_core_timer_expired(&F.core, E1000_TIMER_RDTR);
	EXPECT(F.line);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_RXT0);
	/* 13 free of 16 is above a quarter; 3 free is not. */
	wr(E1000_RDTR, 0);
	while (rd(E1000_RDH) < 12)
		EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_RXT0 | E1000_ICR_RXDMT0);
	EXPECT_EQ(rd(E1000_RDH), 12);
}

/*
 * A stretched hold of TXDW ends early two more ways: TIDV.FPD flushes it
 * at once, as it does a hold of the guest's own length; and a cause that
 * waits out an ITR interval takes it along when the interval ends.
 */
static void test_tx_pace_flush_itr(void)
{
	u64 t = 100000;
	u32 i = tx_pace_500us(&t);

	EXPECT(F.timer[E1000_TIMER_TIDV] > 8 * 1024);
	wr(E1000_TIDV, 8 | E1000_TIDV_FPD);
	EXPECT(F.line);
	EXPECT_EQ(F.core.delayed_causes, 0);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 0);
	EXPECT_EQ(F.timer[E1000_TIMER_TADV], 0);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXDW | E1000_ICR_TXQE);

	/* ITR's interval runs: LSC waits in ICR, TXDW in its timers. */
	wr(E1000_IMS, E1000_ICR_LSC);
	wr(E1000_ITR, 1000);
	e1000_core_raise(&F.core, E1000_ICR_LSC);
	EXPECT(F.line);
	rd(E1000_ICR);
	tx_paced_one(i++, t);
	e1000_core_raise(&F.core, E1000_ICR_LSC);
	EXPECT(!F.line);
	EXPECT_EQ(F.core.delayed_causes, E1000_ICR_TXDW);
	e1000_core_timer_expired(&F.core, E1000_TIMER_ITR);
	EXPECT(F.line);
	EXPECT_EQ(F.core.delayed_causes, 0);
	EXPECT_EQ(rd(E1000_ICR),
		  E1000_ICR_LSC | E1000_ICR_TXDW | E1000_ICR_TXQE);
	wr(E1000_ITR, 0);
	e1000_core_timer_expired(&F.core, E1000_TIMER_ITR);
	F.core.tx_pace.max_ns = 0;
}

/*
 * A frame received while a delay timer holds TXDW: the receive interrupt
 * carries TXDW along and the held one is gone, timers and all, whether
 * RXT0 goes at once or when RDTR runs out.  Pacing off: TXDW stays held
 * for its own timers.
 */
static void test_rx_carries_txdw(void)
{
	u8 f[60] = { 0 };

	memcpy(f, dst_mac, 6);
	tx_setup(16, 0);
	rx_setup(16, 0, 15, 0);
	F.core.tx_pace.max_ns = PACE_MAX_NS;
	wr(E1000_IMS, E1000_ICR_RXT0 | E1000_ICR_TXDW);
	wr(E1000_TIDV, 8);
	tx_paced_one(0, 1000);
	EXPECT(!F.line);
	EXPECT_EQ(F.core.delayed_causes, E1000_ICR_TXDW);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	EXPECT(F.line);
	EXPECT_EQ(F.core.delayed_causes, 0);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 0);
	EXPECT_EQ(F.timer[E1000_TIMER_TADV], 0);
	EXPECT_EQ(rd(E1000_ICR),
		  E1000_ICR_RXT0 | E1000_ICR_TXDW | E1000_ICR_TXQE);

	/* RDTR holds RXT0 too: both go when it runs out. */
	wr(E1000_RDTR, 50);
	tx_paced_one(1, 2000);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	EXPECT(!F.line);
	EXPECT_EQ(F.core.delayed_causes, E1000_ICR_TXDW | E1000_ICR_RXT0);
	e1000_core_timer_expired(&F.core, E1000_TIMER_RDTR);
	EXPECT(F.line);
	EXPECT_EQ(F.core.delayed_causes, 0);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 0);
	EXPECT_EQ(rd(E1000_ICR),
		  E1000_ICR_RXT0 | E1000_ICR_TXDW | E1000_ICR_TXQE);

	/* Off: RXT0 goes alone, TXDW waits for TIDV. */
	F.core.tx_pace.max_ns = 0;
	wr(E1000_RDTR, 0);
	tx_paced_one(2, 3000);
	EXPECT_EQ(rx_one(f, 60, NULL), E1000_RX_DONE);
	EXPECT(F.line);
	EXPECT_EQ(F.core.delayed_causes, E1000_ICR_TXDW);
	EXPECT_EQ(F.timer[E1000_TIMER_TIDV], 8 * 1024);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_RXT0 | E1000_ICR_TXQE);
}

static void test_rx_voided(void)
{
	struct e1000_rx_pass p;
	u8 f[60] = { 0 };

	memcpy(f, dst_mac, 6);
	rx_setup(8, 0, 7, 0);
	wr(E1000_IMS, E1000_ICR_RXT0);
	EXPECT(e1000_rx_begin(&F.core, &p));
	EXPECT_EQ(e1000_rx_frame(&F.core, &p, f, 60, &no_meta), E1000_RX_DONE);
	wr(E1000_RDH, 0);
	e1000_rx_end(&F.core, &p);
	EXPECT_EQ(rd(E1000_GPRC), 0);
	EXPECT_EQ(rd(E1000_ICR), 0);
	EXPECT(e1000_rx_begin(&F.core, &p));
	e1000_core_reset(&F.core);
	e1000_rx_end(&F.core, &p);
	EXPECT_EQ(rd(E1000_RDH), 0);
}

/* Which writes make a pass in flight stale: exactly what it snapshots. */
static void test_rx_stale(void)
{
	static const u32 pass_regs[] = {
		E1000_RCTL, E1000_CTRL, E1000_VET, E1000_RXCSUM,
		E1000_MTA + 4 * 17, E1000_RA + 8, E1000_RA + 12,
		E1000_VFTA + 4 * 100, E1000_RDBAL, E1000_RDBAH, E1000_RDLEN,
		E1000_RDH, E1000_TCTL,
	};
	static const u32 other_regs[] = {
		E1000_RDT, E1000_TDT, E1000_IMS, E1000_IMC, E1000_ITR,
		E1000_RDTR, E1000_RADV, E1000_LEDCTL,
	};
	struct e1000_rx_pass p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pass_regs); i++) {
		rx_setup(8, 0, 7, E1000_RCTL_LPE);
		EXPECT(e1000_rx_begin(&F.core, &p));
		EXPECT(!e1000_pass_stale(&F.core, &p.ring));
		/* Even the value it holds: a write is a write. */
		wr(pass_regs[i], rd(pass_regs[i]));
		if (!e1000_pass_stale(&F.core, &p.ring))
			printf("  not stale after a write to 0x%05x\n",
			       pass_regs[i]);
		EXPECT(e1000_pass_stale(&F.core, &p.ring));
		e1000_rx_end(&F.core, &p);
	}
	for (i = 0; i < ARRAY_SIZE(other_regs); i++) {
		rx_setup(8, 0, 7, 0);
		EXPECT(e1000_rx_begin(&F.core, &p));
		wr(other_regs[i], rd(other_regs[i]));
		EXPECT(!e1000_pass_stale(&F.core, &p.ring));
		e1000_rx_end(&F.core, &p);
	}
	/* A reset, BME off; and a pass begun with the receiver off. */
	EXPECT(e1000_rx_begin(&F.core, &p));
	e1000_core_reset(&F.core);
	EXPECT(e1000_pass_stale(&F.core, &p.ring));
	rx_setup(8, 0, 7, 0);
	EXPECT(e1000_rx_begin(&F.core, &p));
	e1000_core_set_bus_master(&F.core, false);
	EXPECT(e1000_pass_stale(&F.core, &p.ring));
	e1000_core_set_bus_master(&F.core, true);
	wr(E1000_RCTL, 0);
	EXPECT(!e1000_rx_begin(&F.core, &p));
	wr(E1000_RCTL, E1000_RCTL_EN);
	EXPECT(e1000_pass_stale(&F.core, &p.ring));
}

/* ---- RX of GSO frames from the backend ---- */

/* What fits a 1500-byte MTU over IPv4 / IPv6 headers without options. */
#define GSO_MSS(ip6)	((ip6) ? 1440 : 1448)
#define GSO_RING	64
#define GSO_FLAGS	(0x80 | 0x10 | 0x08 | 0x01)	/* CWR ACK PSH FIN */

/* A 64 KiB TCP frame as the host stack hands it to a tap with TSO on. */
static u32 gso_frame(u8 *f, bool ip6, struct e1000_rx_meta *m)
{
	struct frame_spec s = {
		.ip6 = ip6, .pay = ip6 ? 65000 : 64000, .pre = PRE_PARTIAL,
		.tcp_flags = GSO_FLAGS,
	};
	u32 len = build(f, &s);

	*m = (struct e1000_rx_meta) {
		.flags = E1000_RXM_NEEDS_CSUM,
		.gso_type = ip6 ? E1000_GSO_TCPV6 : E1000_GSO_TCPV4,
		.gso_size = GSO_MSS(ip6),
		.csum_start = ip6 ? 54 : 34,
		.csum_offset = 16,
	};
	return len;
}

/*
 * Descriptors 0.. hold the segments of @orig (a frame from gso_frame()),
 * each checked byte for byte and with checksums summed here.
 */
static void gso_expect(const u8 *orig, u32 len, bool ip6)
{
	u32 hdr = ip6 ? HDR6 : HDR4, pay = len - hdr, mss = GSO_MSS(ip6);
	u32 n = (pay + mss - 1) / mss, i, seg, wire = 0;
	const u8 *oth = orig + (ip6 ? HDR6 : HDR4) - 20;

	for (i = 0; i < n; i++) {
		const u8 *f = MEM(RXB + RXB_STRIDE * i), *ip = f + 14;
		const u8 *th = ip + (ip6 ? 40 : 20);
		u8 flags = 0x10;

		seg = i + 1 < n ? mss : pay - i * mss;
		EXPECT_EQ(le16_to_cpu(rxd(i)->length), hdr + seg);
		EXPECT_EQ(rxd(i)->status, E1000_RXD_STAT_DD |
			  E1000_RXD_STAT_EOP | E1000_RXD_STAT_TCPCS |
			  (ip6 ? 0 : E1000_RXD_STAT_IPCS));
		EXPECT_EQ(rxd(i)->errors, 0);
		EXPECT(!memcmp(f, orig, 14));
		EXPECT(!memcmp(f + hdr, orig + hdr + i * mss, seg));
		if (ip6) {
			EXPECT_EQ(be16(ip + 4), 20 + seg);
		} else {
			EXPECT_EQ(be16(ip + 2), 40 + seg);
			EXPECT_EQ(be16(ip + 4), 0x1234 + i);
			EXPECT(ref_ip4_ok(ip));
		}
		EXPECT_EQ(be32(th + 4), be32(oth + 4) + i * mss);
		EXPECT(!memcmp(th, oth, 4));
		if (i == 0)
			flags |= 0x80;
		if (i + 1 == n)
			flags |= 0x08 | 0x01;
		EXPECT_EQ(th[13], flags);
		EXPECT(ref_l4_ok(f, ip6));
		wire += hdr + seg + 4;
	}
	EXPECT_EQ(rxd(n)->status, 0);
	EXPECT_EQ(rd(E1000_RDH), n);
	EXPECT_EQ(rd(E1000_GPRC), n);
	EXPECT_EQ(rd(E1000_GORCL), wire);
	EXPECT_EQ(rd(E1000_GORCH), 0);	/* clears both */
}

/* A fresh ring of GSO_RING descriptors with @free of them the device's. */
static void gso_ring(u32 free)
{
	wr(E1000_RCTL, 0);
	rx_setup(GSO_RING, 0, free, E1000_RCTL_BAM);
}

/* A GSO frame, from its first segment, into a fresh ring, in one pass. */
static int gso_one(u8 *f, u32 len, const struct e1000_rx_meta *m,
		   struct e1000_rx_pass *p)
{
	struct e1000_rx_gso g = { 0 };
	int ret;

	gso_ring(GSO_RING - 1);
	wr(E1000_IMS, E1000_ICR_RXT0);
	if (!e1000_rx_begin(&F.core, p))
		return -1;
	ret = e1000_rx_gso(&F.core, p, f, len, m, &g);
	e1000_rx_end(&F.core, p);
	return ret;
}

static void test_rx_gso(void)
{
	static u8 f[70000], orig[70000];
	struct e1000_rx_meta m;
	struct e1000_rx_pass p;
	int ip6;
	u32 len;

	for (ip6 = 0; ip6 < 2; ip6++) {
		len = gso_frame(f, ip6, &m);
		memcpy(orig, f, len);
		EXPECT_EQ(gso_one(f, len, &m, &p), E1000_RX_DONE);
		gso_expect(orig, len, ip6);
		/* 45 or 46 of 63 buffers taken: below the RDMTS half too. */
		EXPECT_EQ(rd(E1000_ICR), E1000_ICR_RXT0 | E1000_ICR_RXDMT0);
		/* Without NEEDS_CSUM (a forwarded GRO frame): the same. */
		len = gso_frame(f, ip6, &m);
		m.flags = E1000_RXM_DATA_VALID;
		EXPECT_EQ(gso_one(f, len, &m, &p), E1000_RX_DONE);
		gso_expect(orig, len, ip6);
	}
}

/* A frame in @sg, from its first segment, into a fresh ring with its FCS. */
static int gso_sg_one(const struct e1000_rx_sg *sg,
		      const struct e1000_rx_meta *m, struct e1000_rx_pass *p)
{
	struct e1000_rx_gso g = { 0 };
	int ret;

	memset(MEM(RXB), 0, GSO_RING * RXB_STRIDE);
	gso_ring(GSO_RING - 1);
	wr(E1000_RCTL, rd(E1000_RCTL) & ~E1000_RCTL_SECRC);
	if (!e1000_rx_begin(&F.core, p))
		return -1;
	ret = e1000_rx_gso_sg(&F.core, p, sg, m, &g);
	e1000_rx_end(&F.core, p);
	return ret;
}

/*
 * A GSO frame in pieces (an skb's head and page fragments) reaches the
 * guest exactly as the same frame whole does: buffers with their FCS,
 * descriptors, counters.  The cuts split the headers and fall at odd
 * offsets of the payload, so sums and CRCs carry across pieces at both
 * alignments.  More pieces than the device takes: refused, nothing
 * written.
 */
static void test_rx_gso_pieces(void)
{
	static const u32 cut[] = { 7, 40, 1, 1449, 3, 2896, 511, 1, 5000, 2 };
	static u8 f[70000], want[GSO_RING * RXB_STRIDE];
	static struct e1000_rx_desc want_d[GSO_RING];
	struct e1000_rx_sg sg;
	struct e1000_rx_meta m;
	struct e1000_rx_pass p;
	u32 len, off, gorc, i;
	int ip6;

	rd(E1000_GORCH);	/* from zero */
	for (ip6 = 0; ip6 < 2; ip6++) {
		len = gso_frame(f, ip6, &m);
		sg = (struct e1000_rx_sg) {
			.len = len, .n = 1, .p = { f }, .len_of = { len },
		};
		EXPECT_EQ(gso_sg_one(&sg, &m, &p), E1000_RX_DONE);
		memcpy(want, MEM(RXB), sizeof(want));
		memcpy(want_d, MEM(RXR), sizeof(want_d));
		EXPECT_EQ(rd(E1000_GPRC), ip6 ? 46 : 45);
		gorc = rd(E1000_GORCL);
		rd(E1000_GORCH);	/* clears both */

		for (i = 0, off = 0; i < ARRAY_SIZE(cut); off += cut[i], i++) {
			sg.p[i] = f + off;
			sg.len_of[i] = cut[i];
		}
		sg.p[i] = f + off;
		sg.len_of[i] = len - off;
		sg.n = i + 1;
		EXPECT_EQ(gso_sg_one(&sg, &m, &p), E1000_RX_DONE);
		EXPECT(!memcmp(want, MEM(RXB), sizeof(want)));
		EXPECT(!memcmp(want_d, MEM(RXR), sizeof(want_d)));
		EXPECT_EQ(rd(E1000_GPRC), ip6 ? 46 : 45);
		EXPECT_EQ(rd(E1000_GORCL), gorc);
		rd(E1000_GORCH);
	}
	sg.n = E1000_RX_SG_MAX + 1;
	EXPECT_EQ(gso_sg_one(&sg, &m, &p), E1000_RX_MALFORMED);
	EXPECT_EQ(rd(E1000_RDH), 0);
	EXPECT_EQ(rxd(0)->status, 0);
}

/* The same sums with the platform's own checksum: it is the one used. */
static void test_rx_platform_csum(void)
{
	F.core.plat = &fake_platform_sg;
	fake_csum_calls = 0;
	test_rx_gso();
	/* And in pieces, which sums each piece with it. */
	test_rx_gso_pieces();
	/* Each segment's TCP sum: 45 or 46 a frame, four frames. */
	EXPECT(fake_csum_calls >= 4 * 45);
	fake_init(&F);
	F.core.plat = &fake_platform_sg;
	fake_csum_calls = 0;
	test_rx_csum();
	EXPECT(fake_csum_calls > 0);
}

/* The ring fills mid-frame: the rest waits in @g, then goes in order. */
static void test_rx_gso_resume(void)
{
	static u8 f[70000], orig[70000];
	struct e1000_rx_gso g = { 0 };
	struct e1000_rx_meta m;
	struct e1000_rx_pass p;
	u32 len = gso_frame(f, false, &m);

	memcpy(orig, f, len);
	gso_ring(10);
	EXPECT(e1000_rx_begin(&F.core, &p));
	EXPECT_EQ(e1000_rx_gso(&F.core, &p, f, len, &m, &g),
		  E1000_RX_NO_BUFFERS);
	EXPECT_EQ(g.seg, 10);
	/* More buffers, then a write the pass snapshots: end it first. */
	wr(E1000_RDT, 20);
	wr(E1000_RCTL, rd(E1000_RCTL));
	EXPECT_EQ(e1000_rx_gso(&F.core, &p, f, len, &m, &g), E1000_RX_STALE);
	EXPECT_EQ(g.seg, 10);
	e1000_rx_end(&F.core, &p);
	EXPECT_EQ(rd(E1000_RDH), 10);
	EXPECT_EQ(rxd(10)->status, 0);
	EXPECT(e1000_rx_begin(&F.core, &p));
	EXPECT_EQ(e1000_rx_gso(&F.core, &p, f, len, &m, &g),
		  E1000_RX_NO_BUFFERS);
	EXPECT_EQ(g.seg, 20);
	e1000_rx_end(&F.core, &p);
	wr(E1000_RDT, GSO_RING - 1);
	EXPECT(e1000_rx_begin(&F.core, &p));
	EXPECT_EQ(e1000_rx_gso(&F.core, &p, f, len, &m, &g), E1000_RX_DONE);
	e1000_rx_end(&F.core, &p);
	/* Statistics were read by nobody in between: all segments once. */
	gso_expect(orig, len, false);
	EXPECT_EQ(rd(E1000_MPC), 0);
}

/* What the backend says must match the frame, or nothing is written. */
static void test_rx_gso_malformed(void)
{
	static u8 f[70000];
	struct e1000_rx_meta m;
	struct e1000_rx_pass p;
	unsigned int i;
	u32 len;

	for (i = 0; i < 9; i++) {
		len = gso_frame(f, false, &m);
		switch (i) {
		case 0: m.gso_size = 0; break;
		case 1: m.gso_type = E1000_GSO_TCPV6; break;
		case 2: m.gso_type = 7; break;
		case 3: m.csum_start = 14; break;
		case 4: m.csum_offset = 6; break;
		case 5: f[14 + 20 + 12] = 4 << 4; break;	/* doff 16 */
		case 6: f[14 + 20 + 12] = 15 << 4; len = HDR4 + 40; break;
		case 7: f[14 + 6] = 0x20; break;		/* MF */
		case 8: len = HDR4; break;			/* no payload */
		}
		if (gso_one(f, len, &m, &p) != E1000_RX_MALFORMED)
			printf("  case %u accepted\n", i);
		EXPECT_EQ(p.malformed, 1);
		EXPECT_EQ(rd(E1000_RDH), 0);
		EXPECT_EQ(rxd(0)->status, 0);
		EXPECT_EQ(rd(E1000_GPRC), 0);
	}
	/* A frame for another station: filtered, all segments at once. */
	len = gso_frame(f, false, &m);
	f[0] ^= 0x02;
	EXPECT_EQ(gso_one(f, len, &m, &p), E1000_RX_FILTERED);
	EXPECT_EQ(p.filtered, 45);
	EXPECT_EQ(rd(E1000_RDH), 0);
}

/* ---- loopback, ITR ---- */

static void test_loopback_path(void)
{
	struct e1000_tx_pass p;
	u32 i;

	rx_setup(8, 0, 7, E1000_RCTL_BAM | E1000_RCTL_LBM_MAC);
	tx_setup(8, 0);
	for (i = 0; i < 2; i++) {
		memset(MEM(TXB + 1024 * i), 0xff, 1024);
		memset(MEM(TXB + 1024 * i + 512), 0xa0 + i, 512);
		put_legacy(TXR, i, TXB + 1024 * i, 1024, E1000_TXD_CMD_EOP_B |
			   E1000_TXD_CMD_RS_B, 0, 0, 0);
	}
	wr(E1000_TDT, 2);
	EXPECT(e1000_tx_begin(&F.core, &p));
	EXPECT(p.loopback);
	for (i = 0; i < 2; i++) {
		e1000_tx_run(&F.core, &p, 8, ~0U);
		EXPECT_EQ(p.loop_len, 1024);
		EXPECT_EQ(p.ring.head, i + 1);
		if (p.loop_len)
			EXPECT_EQ(rx_one(p.loop_frame, p.loop_len, NULL),
				  E1000_RX_DONE);
	}
	e1000_tx_run(&F.core, &p, 8, ~0U);
	EXPECT_EQ(p.loop_len, 0);
	e1000_tx_end(&F.core, &p);
	EXPECT_EQ(F.frame_calls, 0);
	EXPECT_EQ(rd(E1000_TDH), 2);
	EXPECT_EQ(rd(E1000_RDH), 2);
	EXPECT_EQ(*MEM(RXB + RXB_STRIDE + 600), 0xa1);
	EXPECT_EQ(rd(E1000_GPTC), 2);
	EXPECT_EQ(rd(E1000_GPRC), 2);
}

/*
 * A TSO frame keeps the path it started on: the guest clearing RCTL.LBM
 * between its segments sends the rest to the RX engine, segmented here,
 * never a stale frame with GSO metadata to the backend.
 */
static void test_tx_tso_loopback_toggle(void)
{
	struct e1000_tx_pass p;
	u32 i;

	F.core.backend_gso = true;
	rx_setup(16, 0, 15, E1000_RCTL_BAM | E1000_RCTL_LBM_MAC);
	tso_frame(false, 3000, 1000, 0);
	for (i = 0; i < 3; i++) {
		EXPECT(e1000_tx_begin(&F.core, &p));
		EXPECT_EQ(p.loopback, i == 0);
		e1000_tx_run(&F.core, &p, 64, ~0U);
		EXPECT_EQ(p.loop_len, HDR4 + 1000);
		if (p.loop_len)
			EXPECT_EQ(rx_one(p.loop_frame, p.loop_len, NULL),
				  E1000_RX_DONE);
		e1000_tx_end(&F.core, &p);
		/* The self-test ends between two segments. */
		if (!i)
			wr(E1000_RCTL, rd(E1000_RCTL) & ~E1000_RCTL_LBM_MAC);
	}
	EXPECT_EQ(F.nframes, 0);
	EXPECT_EQ(rd(E1000_RDH), 3);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(le16_to_cpu(rxd(i)->length), HDR4 + 1000);
		EXPECT_EQ(be16(MEM(RXB + i * RXB_STRIDE) + 14 + 2), 1040);
	}
	EXPECT_EQ(rd(E1000_TDH), rd(E1000_TDT));

	/* The next frame takes the path of its own time: GSO. */
	tso_frame(false, 3000, 1000, 0);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 1);
	EXPECT_EQ(F.frames[0].meta.gso_type, E1000_GSO_TCPV4);
	EXPECT_EQ(F.frames[0].len, HDR4 + 3000);
}

static void test_itr(void)
{
	wr(E1000_IMS, E1000_ICR_TXDW | E1000_ICR_RXT0);
	wr(E1000_ITR, 1000);
	e1000_core_raise(&F.core, E1000_ICR_TXDW);
	EXPECT(F.line);
	EXPECT(e1000_core_irq_line(&F.core));
	EXPECT_EQ(F.timer[E1000_TIMER_ITR], 1000 * 256);
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_TXDW);
	EXPECT(!F.line);
	/* Within the interval: held in ICR, the line stays low. */
	e1000_core_raise(&F.core, E1000_ICR_RXT0);
	EXPECT(!F.line);
	EXPECT(!e1000_core_irq_line(&F.core));
	EXPECT(e1000_core_irq_pending(&F.core));
	e1000_core_timer_expired(&F.core, E1000_TIMER_ITR);
	EXPECT(F.line);
	EXPECT_EQ(F.core.cnt.irqs, 2);
	/* Expiry with nothing pending just ends the interval. */
	EXPECT_EQ(rd(E1000_ICR), E1000_ICR_RXT0);
	e1000_core_timer_expired(&F.core, E1000_TIMER_ITR);
	e1000_core_raise(&F.core, E1000_ICR_TXDW);
	EXPECT(F.line);
	rd(E1000_ICR);
	/* ITR 0: no moderation. */
	wr(E1000_ITR, 0);
	e1000_core_timer_expired(&F.core, E1000_TIMER_ITR);
	e1000_core_raise(&F.core, E1000_ICR_TXDW);
	EXPECT(F.line);
	rd(E1000_ICR);
	e1000_core_raise(&F.core, E1000_ICR_TXDW);
	EXPECT(F.line);
	EXPECT_EQ(F.core.cnt.irqs, 5);
}

/* ---- offload helpers: against the reference ---- */

static void test_offload_helpers(void)
{
	static u8 f[2048];
	struct frame_spec s = { .pay = 999, .tcp_flags = 0x10 };
	struct e1000_pkt pkt;
	u32 len = build(f, &s), i;

	for (i = 0; i < 64; i++)
		EXPECT_EQ(e1000_csum_fold(e1000_csum_add(i, f + i, len - i)),
			  ref_fold(ref_add(i, f + i, len - i)));
	e1000_parse(f, len, 0x8100, &pkt);
	EXPECT(pkt.ip4 && !pkt.ip6 && !pkt.vlan);
	EXPECT_EQ(pkt.l3_off, 14);
	EXPECT_EQ(pkt.l4_off, 34);
	EXPECT_EQ(pkt.l4_len, 20 + 999);
	EXPECT_EQ(pkt.l4_proto, 6);
	/* Truncated, fragmented, IHL too small: no L4. */
	e1000_parse(f, 40, 0x8100, &pkt);
	EXPECT(!pkt.ip4 && !pkt.l4_off);
	set16(f + 14 + 6, 0x2000);
	e1000_parse(f, len, 0x8100, &pkt);
	EXPECT(pkt.ip4 && !pkt.l4_off);
	f[14] = 0x44;
	e1000_parse(f, len, 0x8100, &pkt);
	EXPECT(!pkt.ip4 && !pkt.l3_off);
	s.ip6 = true;
	len = build(f, &s);
	e1000_parse(f, len, 0x8100, &pkt);
	EXPECT(pkt.ip6 && pkt.l4_off == 54 && pkt.l4_len == 1019);
	EXPECT_EQ(ref_fold(e1000_pseudo_sum(f + 14, true, 6)),
		  ref_fold(ref_pseudo(f + 14, true, 6, 0)));
}

/*
 * Bus Master Enable clear (or D3hot): no descriptor fetched, no buffer
 * written, frames that arrive lost; set again, the rings resume as left.
 */
static void test_bus_master_off(void)
{
	static u8 f[128];
	struct frame_spec s = { .pay = 60 };
	u32 len = build(f, &s);
	u8 before[RXB_STRIDE];

	rx_setup(8, 0, 7, E1000_RCTL_BAM);
	tx_setup(8, 0);
	memcpy(MEM(TXB), f, len);
	put_legacy(TXR, 0, TXB, len, E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_RS_B,
		   0, 0, 0);
	memcpy(before, MEM(RXB), sizeof(before));

	e1000_core_set_bus_master(&F.core, false);
	wr(E1000_TDT, 1);
	EXPECT(!e1000_tx_pending(&F.core));
	EXPECT(!tx_pass(64));
	EXPECT_EQ(F.nframes, 0);
	EXPECT_EQ(tx_status(0), 0);
	EXPECT_EQ(rx_one(f, len, NULL), -1);
	EXPECT(!memcmp(MEM(RXB), before, sizeof(before)));
	EXPECT_EQ(rd(E1000_RDH), 0);
	/* A reset is the MAC's, not the bus's: still no DMA after it. */
	wr(E1000_CTRL, E1000_CTRL_RST);
	EXPECT(!F.core.bus_master);

	rx_setup(8, 0, 7, E1000_RCTL_BAM);
	tx_setup(8, 0);
	wr(E1000_TDT, 1);
	F.kick_tx = F.kick_rx = 0;
	e1000_core_set_bus_master(&F.core, true);
	EXPECT_EQ(F.kick_tx, 1);
	EXPECT_EQ(F.kick_rx, 1);
	EXPECT(tx_pass(64));
	EXPECT_EQ(F.nframes, 1);
	EXPECT_EQ(tx_status(0), E1000_TXD_STAT_DD);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT(!memcmp(MEM(RXB), f, len));
}

/* ---- doorbell pages ---- */

static u32 db_page[E1000_DB_SIZE / 4];
static struct e1000_db db;

static u32 *dbw(u32 off)
{
	return &db_page[(off - E1000_DB_BASE) / 4];
}

/*
 * What the glue's kvm_e1000_lock()/kvm_e1000_unlock() do around every
 * section that touches the core: pull the page first, push it last.
 */
static void glue_wr(u32 off, u32 val)
{
	e1000_db_pull(&db, &F.core);
	wr(off, val);
	e1000_db_push(&db, &F.core);
}

static void glue_sync(void)
{
	e1000_db_pull(&db, &F.core);
	e1000_db_push(&db, &F.core);
}

static unsigned int db_index(u32 off)
{
	unsigned int i;

	for (i = 0; e1000_db_reg(i) != off; i++)
		;
	return i;
}

static void test_doorbell_list(void)
{
	unsigned int i = 0;
	u32 off;

	/* Exactly the table's registers in the pages, none with read effects. */
	for (off = E1000_DB_BASE; off < E1000_DB_BASE + E1000_DB_SIZE; off += 4) {
		const struct e1000_reg_desc *d = e1000_core_reg_lookup(off);

		if (!d)
			continue;
		EXPECT_EQ(e1000_db_reg(i), off);
		EXPECT(!d->read);
		EXPECT(!(d->flags & (E1000_REGF_RC | E1000_REGF_W1C |
				     E1000_REGF_WO)));
		i++;
	}
	EXPECT_EQ(i, E1000_DB_NREGS);
}

static void test_doorbell_tx(void)
{
	struct frame_spec s = { .pay = 40 };
	u32 len = build(MEM(TXB), &s), i;

	memset(db_page, 0xAB, sizeof(db_page));
	memset(&db, 0, sizeof(db));
	e1000_db_attach(&db, &F.core, db_page);
	/* Attached: the page mirrors the registers, the rest reads 0. */
	EXPECT_EQ(*dbw(E1000_RXDCTL), rd(E1000_RXDCTL));
	EXPECT_EQ(*dbw(E1000_TSPMT), rd(E1000_TSPMT));
	EXPECT_EQ(*dbw(E1000_TDT + 0x100), 0);

	/* The driver's TX setup, half trapped, half through the page. */
	glue_wr(E1000_CTRL, E1000_CTRL_SLU);
	*dbw(E1000_TDBAL) = GPA(TXR);
	*dbw(E1000_TDLEN) = 8 * 16 + 0x7F;	/* low bits: masked */
	glue_wr(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
	for (i = 0; i < 3; i++)
		put_legacy(TXR, i, TXB, len, E1000_TXD_CMD_EOP_B |
			   E1000_TXD_CMD_RS_B, 0, 0, 0);
	/* Pulled before the TCTL write: applied in bus order. */
	EXPECT_EQ(rd(E1000_TDLEN), 8 * 16);
	*dbw(E1000_TDT) = 3;
	/* Not seen until pulled: a write to RAM exits nowhere. */
	EXPECT_EQ(rd(E1000_TDT), 0);
	glue_sync();
	EXPECT_EQ(rd(E1000_TDT), 3);
	EXPECT_EQ(*dbw(E1000_TDLEN), 8 * 16);	/* the mask, published */
	EXPECT_EQ(db.writes, 3);
	EXPECT(tx_pass(64));
	glue_sync();
	EXPECT_EQ(F.nframes, 3);
	EXPECT(!memcmp(frame(2), MEM(TXB), len));
	EXPECT_EQ(*dbw(E1000_TDH), 3);		/* the head, published */

	/* A guest store racing our push wins and is pulled next. */
	put_legacy(TXR, 3, TXB, len, E1000_TXD_CMD_EOP_B, 0, 0, 0);
	glue_wr(E1000_TDT, 4);		/* the core moves TDT ... */
	EXPECT_EQ(*dbw(E1000_TDT), 4);
	*dbw(E1000_TDT) = 3;		/* ... the guest stores after it */
	db.seen[db_index(E1000_TDT)] = 5;	/* as if our view were stale */
	e1000_db_push(&db, &F.core);
	EXPECT_EQ(*dbw(E1000_TDT), 3);	/* not overwritten */
	e1000_db_pull(&db, &F.core);
	EXPECT_EQ(rd(E1000_TDT), 3);

	/*
	 * A store made before a trapped reset is applied before it, so the
	 * reset wins: nothing the guest wrote earlier survives into the
	 * device that comes out of the reset.
	 */
	*dbw(E1000_TDT) = 2;
	glue_wr(E1000_CTRL, E1000_CTRL_RST);
	EXPECT_EQ(rd(E1000_TDT), 0);
	EXPECT_EQ(*dbw(E1000_TDBAL), 0);
	EXPECT_EQ(*dbw(E1000_TDH), 0);
	EXPECT_EQ(*dbw(E1000_TDT), 0);
	EXPECT_EQ(*dbw(E1000_RXDCTL), rd(E1000_RXDCTL));
	glue_sync();
	EXPECT_EQ(rd(E1000_TDT), 0);
	e1000_db_attach(&db, &F.core, NULL);
	EXPECT(!e1000_db_attached(&db));
}

/* RX buffers given through the page; the head comes back through it. */
static void test_doorbell_rx(void)
{
	u8 f[60];

	memset(&db, 0, sizeof(db));
	e1000_db_attach(&db, &F.core, db_page);
	rx_setup(8, 0, 0, 0);
	glue_sync();
	memset(f, 0x5A, sizeof(f));
	memcpy(f, fake_mac, 6);
	EXPECT_EQ(rx_one(f, sizeof(f), NULL), E1000_RX_NO_BUFFERS);
	*dbw(E1000_RDT) = 4;
	glue_sync();
	EXPECT_EQ(rx_one(f, sizeof(f), NULL), E1000_RX_DONE);
	glue_sync();
	EXPECT_EQ(*dbw(E1000_RDH), 1);
	EXPECT(!memcmp(MEM(RXB), f, sizeof(f)));
	e1000_db_attach(&db, &F.core, NULL);
}

/* ---- A device mid-way, for the state tests (test_state.c) ---- */

bool dp_tx_pass(u32 budget)
{
	return tx_pass(budget);
}

/*
 * Leave F's device busy in one of DP_BUSY_* ways, with an RX ring that
 * took two frames and has room for more, and the TX frame of @what waiting
 * at the head of the ring for the backend or for its remaining buffers.
 */
void dp_busy_device(enum dp_busy what)
{
	static u8 f[1514];
	struct frame_spec s = { .pay = 300 };
	u32 len = build(f, &s), i;

	rx_setup(8, 0, 6, E1000_RCTL_UPE | E1000_RCTL_BAM);
	EXPECT_EQ(rx_one(f, len, NULL), E1000_RX_DONE);
	EXPECT_EQ(rx_one(f, len - 100, NULL), E1000_RX_DONE);
	switch (what) {
	case DP_BUSY_GSO:
		F.core.backend_gso = true;
		tso_frame(false, 20000, 1000, 0x18);
		F.busy_after = 0;
		break;
	case DP_BUSY_SOFT_TSO:
		tso_frame(true, 9000, 1000, 0x19);
		F.busy_after = 4;
		break;
	case DP_BUSY_GATHER:
		tx_setup(8, 0);
		memset(MEM(TXB), 0x5a, 300);
		memcpy(MEM(TXB), f, 14);
		put_legacy(TXR, 0, TXB, 100, 0, 0, 0, 0);
		put_legacy(TXR, 1, TXB + 100, 100, 0, 0, 0, 0);
		put_legacy(TXR, 2, TXB + 200, 100, E1000_TXD_CMD_EOP_B |
			   E1000_TXD_CMD_RS_B | E1000_TXD_CMD_VLE_B, 0, 0,
			   0x0123);
		wr(E1000_CTRL, E1000_CTRL_SLU | E1000_CTRL_VME);
		/* The guest has handed over the first two buffers only. */
		wr(E1000_TDT, 2);
		break;
	case DP_BUSY_VLAN:
		tx_setup(8, 0);
		memcpy(MEM(TXB), f, len);
		put_legacy(TXR, 0, TXB, len, E1000_TXD_CMD_EOP_B |
			   E1000_TXD_CMD_RS_B | E1000_TXD_CMD_VLE_B |
			   E1000_TXD_CMD_IC_B, 34, 50, 0x0456);
		wr(E1000_CTRL, E1000_CTRL_SLU | E1000_CTRL_VME);
		wr(E1000_TDT, 1);
		F.busy_after = 0;
		break;
	case DP_BUSY_COUNT:
		break;
	}
	EXPECT(tx_pass(64));
	/* Interrupt state: causes pending, an ITR interval running. */
	wr(E1000_ITR, 500);
	wr(E1000_IMS, E1000_ICR_RXT0 | E1000_ICR_TXDW | E1000_ICR_LSC);
	for (i = 0; i < 4; i++)
		wr(E1000_MTA + 4 * i, 0x11111111 * (i + 1));
	/* A rise starts an ITR interval; the next RXT0 waits for RDTR. */
	wr(E1000_ICS, E1000_ICR_LSC);
	wr(E1000_RDTR, 20);
	EXPECT_EQ(rx_one(f, len - 200, NULL), E1000_RX_DONE);
}

const struct test datapath_tests[] = {
	{ "TX legacy descriptors, DD only with RS, TXDW/TXQE", test_tx_legacy },
	{ "TX ring wrap-around and budget", test_tx_wrap_budget },
	{ "TX pass bounded by the bytes it reads", test_tx_byte_budget },
	{ "TX pass run in chunks: a run says when the pass may go on", test_tx_run_in_chunks },
	{ "TX legacy IC checksum", test_tx_legacy_ic },
	{ "TX context/data checksum offload", test_tx_csum_offload },
	{ "TX 64 KiB TSO as one GSO frame", test_tx_tso_gso },
	{ "TX one copy: GSO payload read in place, as if copied", test_tx_one_copy },
	{ "TX one copy: declined, busy, cut by a pass: copied after all", test_tx_one_copy_fallback },
	{ "TX 64 KiB TSO segmented in software", test_tx_tso_soft },
	{ "TX TSO keeps its path when loopback ends", test_tx_tso_loopback_toggle },
	{ "TX GSO only with headers that match", test_tx_gso_malformed },
	{ "TX errors counted once, in one counter", test_tx_counted_once },
	{ "TX VLAN insertion", test_tx_vlan_insert },
	{ "TX backend busy: no loss, no repeat", test_tx_busy },
	{ "TX hostile descriptors and rings", test_tx_hostile },
	{ "TX TIDV/TADV delays", test_tx_delay_timers },
	{ "TX TXDW delays at the guest's pace", test_tx_delay_paced },
	{ "TX TXDW pace not stretched by the guest's wait", test_tx_delay_gated },
	{ "TX paced TXDW: TIDV.FPD, and along at ITR's end", test_tx_pace_flush_itr },
	{ "TX pass voided by reset or ring rewrite", test_tx_voided },
	{ "TX pass stops at a reset or BME off", test_tx_stops_when_stale },
	{ "TX pass voided before its first descriptor: served again",
	  test_tx_voided_before_first },
	{ "RX basic frame, padding, statistics", test_rx_basic },
	{ "RX address and VLAN filters", test_rx_filters },
	{ "RX VLAN stripping", test_rx_vlan_strip },
	{ "RX long frames over several buffers", test_rx_long_multi },
	{ "RX checksum status and NEEDS_CSUM", test_rx_csum },
	{ "RX FCS appended unless SECRC", test_rx_fcs },
	{ "RX FCS by the platform's CRC, only once buffers take it", test_rx_fcs_platform },
	{ "RX full ring: NO_BUFFERS, MPC, RXO", test_rx_no_buffers },
	{ "RX buffer or descriptor outside RAM: one DMA error", test_rx_dma_fault },
	{ "RX RDTR/RADV delays, RXDMT0", test_rx_timers },
	{ "RX interrupt carries a held TXDW", test_rx_carries_txdw },
	{ "RX pass voided by ring rewrite or reset", test_rx_voided },
	{ "RX 64 KiB TCPv4/v6 GSO frames segmented into the ring", test_rx_gso },
	{ "RX GSO frame in pieces: the same bytes, FCS and descriptors", test_rx_gso_pieces },
	{ "RX GSO frame resumes where the full ring stopped it", test_rx_gso_resume },
	{ "RX GSO metadata that does not match the frame refused", test_rx_gso_malformed },
	{ "RX checksums with the platform's sum", test_rx_platform_csum },
	{ "a pass goes stale on writes to what it snapshots", test_rx_stale },
	{ "MAC loopback: TX frame into the RX ring", test_loopback_path },
	{ "ITR holds the line", test_itr },
	{ "offload helpers against the reference", test_offload_helpers },
	{ "no DMA without bus mastering; rings resume after", test_bus_master_off },
	{ "doorbell pages hold exactly the ring registers", test_doorbell_list },
	{ "doorbell pages: TX through RAM, masks, races, reset", test_doorbell_tx },
	{ "doorbell pages: RX tail and head through RAM", test_doorbell_rx },
};

const unsigned int n_datapath_tests = ARRAY_SIZE(datapath_tests);
