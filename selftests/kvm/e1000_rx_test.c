// SPDX-License-Identifier: GPL-2.0
/*
 * Receive, end to end: the host sends frames out of the tap's interface
 * (with a virtio-net header), the device's data path writes them into the
 * buffers the guest gave it, and the guest checks descriptors as a driver
 * does (8254x SDM 3.2): length, DD/EOP, checksum status per RXCSUM, VLAN
 * stripping, address filtering, long frames, a full ring (MPC, RXO,
 * nothing written outside head..tail), and the host's TCP GSO frames cut
 * into the ring, with the tap's offloads taken and given back.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "kselftest_harness.h"
#include "e1000_test.h"

#define SH		((struct e1000_shared *)E1000_DMA_SHARED)
#define BUFSZ		2048
#define RXBUF(i)	(E1000_DMA_RX_BUF + (uint64_t)(i) * BUFSZ)
#define RING		32
#define WAIT_MS		3000
#define RCTL_BASE	(E1000_RCTL_BAM | E1000_RCTL_SZ_2048 | E1000_RCTL_SECRC)

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x99 };
static const uint8_t other_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x42 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Descriptor results the guest hands back, one ret[] slot per frame. */
static inline uint64_t desc_word(const struct e1000_rx_desc *d)
{
	return (uint64_t)d->length | (uint64_t)d->status << 16 |
	       (uint64_t)d->errors << 24 | (uint64_t)d->special << 32;
}

#define W_LEN(w)	((uint16_t)(w))
#define W_STATUS(w)	((uint8_t)((w) >> 16))
#define W_ERRORS(w)	((uint8_t)((w) >> 24))
#define W_SPECIAL(w)	((uint16_t)((w) >> 32))

static void dp_start(struct e1000_dp *d, void *guest, bool csum, int mtu)
{
	struct e1000_dp_opts o;

	e1000_dp_opts_init(&o);
	o.tap_csum = csum;
	o.mtu = mtu;
	e1000_dp_init(d, guest, &o);
}

/* Checksums filled in, as a sender without offload does. */
static void fill_csums(uint8_t *f, size_t len)
{
	uint8_t *ip = f + E1000_ETH_HDR, proto = ip[9];
	uint8_t *c = f + E1000_L4_OFF + (proto == IPPROTO_TCP ? 16 : 6);
	uint16_t s;

	ip[10] = 0;
	ip[11] = 0;
	s = e1000_csum(ip, E1000_IP_HDR, 0);
	ip[10] = s >> 8;
	ip[11] = s & 0xff;
	c[0] = 0;
	c[1] = 0;
	s = e1000_csum(f + E1000_L4_OFF, len - E1000_L4_OFF,
		       e1000_pseudo(ip, proto, len - E1000_L4_OFF));
	c[0] = s >> 8;
	c[1] = s & 0xff;
}

static size_t frame_to(uint8_t *f, const uint8_t *dst, uint8_t proto,
		       size_t payload, uint32_t seed)
{
	size_t len = e1000_build_ip4(f, dst, peer_mac, proto, payload, seed);

	fill_csums(f, len);
	return len;
}

/* Guest: the next descriptor's results; it must come. */
static uint64_t guest_next(struct e1000_gring *r)
{
	struct e1000_rx_desc *d = e1000_guest_rx_wait(r, WAIT_MS);

	GUEST_ASSERT_1(d, r->next);
	return desc_word(d);
}

/* Guest: receive arg[0] frames, report each descriptor in ret[]. */
static void guest_receive_n(struct e1000_gring *r, uint32_t n)
{
	struct e1000_rx_desc *d;
	uint32_t i;

	for (i = 0; i < n; i++) {
		d = e1000_guest_rx_wait(r, WAIT_MS);
		GUEST_ASSERT_1(d, i);
		SH->ret[i] = desc_word(d);
	}
}

/* ---- Plain frames: bytes, length, DD | EOP ---- */

static void guest_basic(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_wr(bar, E1000_RXCSUM, 0);
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, RING, RXBUF(0), BUFSZ,
			     RCTL_BASE);
	GUEST_SYNC(1);
	guest_receive_n(&r, SH->arg[0]);
	/* Nothing more came. */
	GUEST_ASSERT(!e1000_guest_rx_wait(&r, 50));
	GUEST_ASSERT_1(e1000_rd(bar, E1000_RDH) == SH->arg[0],
		       e1000_rd(bar, E1000_RDH));
	GUEST_DONE();
}

TEST(rx_basic)
{
	static const size_t pay[] = { 18, 200, 1472, 4 };
	uint8_t f[4][1600];
	struct kvm_e1000_stats st;
	size_t len[4], want;
	struct e1000_dp d;
	uint8_t *buf;
	int i;

	dp_start(&d, guest_basic, false, 0);
	e1000_expect_sync(&d.t, 1);
	for (i = 0; i < 4; i++) {
		len[i] = frame_to(f[i], d.mac, IPPROTO_UDP, pay[i], i);
		e1000_dp_send(&d, NULL, f[i], len[i]);
	}
	d.sh->arg[0] = 4;
	e1000_run_to_done(&d.t);
	for (i = 0; i < 4; i++) {
		uint64_t w = d.sh->ret[i];

		/* A short frame arrives padded to the minimum, as on a wire. */
		want = len[i] < 60 ? 60 : len[i];
		EXPECT_EQ(want, W_LEN(w));
		EXPECT_EQ(E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP |
			  E1000_RXD_STAT_IXSM, W_STATUS(w));
		EXPECT_EQ(0, W_ERRORS(w));
		buf = e1000_dp_hva(&d, RXBUF(i));
		EXPECT_EQ(0, memcmp(buf, f[i], len[i]));
		if (want > len[i]) {
			static const uint8_t zero[60];

			EXPECT_EQ(0, memcmp(buf + len[i], zero, want - len[i]));
		}
	}
	E1000_DP_STATS(&d, &st, rx_frames, 4);
	EXPECT_EQ(4, st.rx_frames);
	EXPECT_EQ(0, st.rx_dropped);
	e1000_dp_free(&d);
}

/* ---- Checksum status per RXCSUM; NEEDS_CSUM completed in memory ---- */

static void guest_csum(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_wr(bar, E1000_RXCSUM, E1000_RXCSUM_IPOFL | E1000_RXCSUM_TUOFL);
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, RING, RXBUF(0), BUFSZ,
			     RCTL_BASE);
	GUEST_SYNC(1);
	guest_receive_n(&r, SH->arg[0]);
	GUEST_DONE();
}

enum { CS_TCP_OK, CS_UDP_OK, CS_TCP_BAD, CS_IP_BAD, CS_PARTIAL, CS_N };

TEST(rx_checksum)
{
	struct virtio_net_hdr partial = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.csum_start = E1000_L4_OFF,
		.csum_offset = 16,
	};
	uint8_t f[CS_N][1600], *buf;
	size_t len[CS_N];
	struct e1000_dp d;
	uint32_t sum;
	int i;

	dp_start(&d, guest_csum, true, 0);
	e1000_expect_sync(&d.t, 1);
	len[CS_TCP_OK] = frame_to(f[CS_TCP_OK], d.mac, IPPROTO_TCP, 300, 1);
	len[CS_UDP_OK] = frame_to(f[CS_UDP_OK], d.mac, IPPROTO_UDP, 301, 2);
	len[CS_TCP_BAD] = frame_to(f[CS_TCP_BAD], d.mac, IPPROTO_TCP, 302, 3);
	f[CS_TCP_BAD][len[CS_TCP_BAD] - 1] ^= 0x5a;
	len[CS_IP_BAD] = frame_to(f[CS_IP_BAD], d.mac, IPPROTO_TCP, 303, 4);
	f[CS_IP_BAD][E1000_ETH_HDR + 10] ^= 0x01;
	/* The host stack's offload: the field holds the pseudo-header sum. */
	len[CS_PARTIAL] = frame_to(f[CS_PARTIAL], d.mac, IPPROTO_TCP, 777, 5);
	sum = e1000_pseudo(f[CS_PARTIAL] + E1000_ETH_HDR, IPPROTO_TCP,
			   len[CS_PARTIAL] - E1000_L4_OFF);
	f[CS_PARTIAL][E1000_L4_OFF + 16] = sum >> 8;
	f[CS_PARTIAL][E1000_L4_OFF + 17] = sum & 0xff;
	for (i = 0; i < CS_N; i++)
		e1000_dp_send(&d, i == CS_PARTIAL ? &partial : NULL, f[i],
			      len[i]);
	d.sh->arg[0] = CS_N;
	e1000_run_to_done(&d.t);

	for (i = 0; i < CS_N; i++) {
		uint64_t w = d.sh->ret[i];
		uint8_t err = i == CS_TCP_BAD ? E1000_RXD_ERR_TCPE :
			      i == CS_IP_BAD ? E1000_RXD_ERR_IPE : 0;

		EXPECT_EQ(len[i], W_LEN(w));
		EXPECT_EQ(E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP |
			  E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS,
			  W_STATUS(w)) TH_LOG("frame %d", i);
		EXPECT_EQ(err, W_ERRORS(w)) TH_LOG("frame %d", i);
		buf = e1000_dp_hva(&d, RXBUF(i));
		if (i != CS_PARTIAL)
			EXPECT_EQ(0, memcmp(buf, f[i], len[i]));
	}
	/* Completed in guest memory: the sum verifies, the rest unchanged. */
	buf = e1000_dp_hva(&d, RXBUF(CS_PARTIAL));
	EXPECT_TRUE(e1000_l4_csum_ok(buf, len[CS_PARTIAL]));
	EXPECT_EQ(0, memcmp(buf, f[CS_PARTIAL], E1000_L4_OFF + 16));
	EXPECT_EQ(0, memcmp(buf + E1000_L4_OFF + 18, f[CS_PARTIAL] +
			    E1000_L4_OFF + 18,
			    len[CS_PARTIAL] - E1000_L4_OFF - 18));
	e1000_dp_free(&d);
}

/* ---- VLAN: stripped into the descriptor with CTRL.VME ---- */

#define TEST_TCI	0x6abc		/* priority 3, VID 0xabc */

static void guest_vlan(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, RING, RXBUF(0), BUFSZ,
			     RCTL_BASE);
	GUEST_SYNC(1);
	guest_receive_n(&r, 1);
	e1000_wr(bar, E1000_CTRL, e1000_rd(bar, E1000_CTRL) | E1000_CTRL_VME);
	GUEST_SYNC(2);
	SH->ret[1] = guest_next(&r);
	GUEST_DONE();
}

TEST(rx_vlan_strip)
{
	uint8_t plain[200], tagged[204];
	struct e1000_dp d;
	size_t len;
	uint64_t w;

	dp_start(&d, guest_vlan, false, 0);
	len = frame_to(plain, d.mac, IPPROTO_UDP, 200 - 42, 9);
	memcpy(tagged, plain, 12);
	tagged[12] = 0x81;
	tagged[13] = 0x00;
	tagged[14] = TEST_TCI >> 8;
	tagged[15] = TEST_TCI & 0xff;
	memcpy(tagged + 16, plain + 12, len - 12);

	/* VME clear: the tag stays in the frame. */
	e1000_expect_sync(&d.t, 1);
	e1000_dp_send(&d, NULL, tagged, len + 4);
	e1000_expect_sync(&d.t, 2);
	w = d.sh->ret[0];
	EXPECT_EQ(len + 4, W_LEN(w));
	EXPECT_EQ(0, W_STATUS(w) & E1000_RXD_STAT_VP);
	EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(0)), tagged, len + 4));

	/* VME set: stripped, the tag in the special field, VP. */
	e1000_dp_send(&d, NULL, tagged, len + 4);
	e1000_run_to_done(&d.t);
	w = d.sh->ret[1];
	EXPECT_EQ(len, W_LEN(w));
	EXPECT_EQ(E1000_RXD_STAT_VP, W_STATUS(w) & E1000_RXD_STAT_VP);
	EXPECT_EQ(TEST_TCI, W_SPECIAL(w));
	EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(1)), plain, len));
	e1000_dp_free(&d);
}

/* ---- Address filters: RAL/RAH, BAM, UPE ---- */

/* Each frame carries its identity in the IP ID field. */
static uint16_t frame_id(struct e1000_dp *d, uint32_t slot)
{
	uint8_t *f = e1000_dp_hva(d, RXBUF(slot));

	return f[E1000_ETH_HDR + 4] << 8 | f[E1000_ETH_HDR + 5];
}

static void guest_filter(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	/* Stage 1: exact match only. */
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, RING, RXBUF(0), BUFSZ,
			     E1000_RCTL_SZ_2048 | E1000_RCTL_SECRC);
	GUEST_SYNC(1);
	guest_receive_n(&r, 1);
	GUEST_ASSERT(!e1000_guest_rx_wait(&r, 50));
	/* Stage 2: broadcasts too. */
	e1000_wr(bar, E1000_RCTL, e1000_rd(bar, E1000_RCTL) | E1000_RCTL_BAM);
	GUEST_SYNC(2);
	SH->ret[1] = guest_next(&r);
	GUEST_ASSERT(!e1000_guest_rx_wait(&r, 50));
	/* Stage 3: every unicast. */
	e1000_wr(bar, E1000_RCTL, e1000_rd(bar, E1000_RCTL) | E1000_RCTL_UPE);
	GUEST_SYNC(3);
	SH->ret[2] = guest_next(&r);
	GUEST_DONE();
}

TEST(rx_address_filter)
{
	uint8_t to_other[100], to_bcast[100], to_us[100];
	struct kvm_e1000_stats st;
	struct e1000_dp d;
	size_t l;

	dp_start(&d, guest_filter, false, 0);
	l = frame_to(to_other, other_mac, IPPROTO_UDP, 58, 0x0a);
	frame_to(to_bcast, bcast, IPPROTO_UDP, 58, 0x0b);
	frame_to(to_us, d.mac, IPPROTO_UDP, 58, 0x0c);

	e1000_expect_sync(&d.t, 1);
	e1000_dp_send(&d, NULL, to_other, l);
	e1000_dp_send(&d, NULL, to_bcast, l);
	e1000_dp_send(&d, NULL, to_us, l);
	e1000_expect_sync(&d.t, 2);
	EXPECT_EQ(0x0c, frame_id(&d, 0));

	e1000_dp_send(&d, NULL, to_other, l);
	e1000_dp_send(&d, NULL, to_bcast, l);
	e1000_expect_sync(&d.t, 3);
	EXPECT_EQ(E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP,
		  W_STATUS(d.sh->ret[1]) &
		  (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP));
	EXPECT_EQ(0x0b, frame_id(&d, 1));

	e1000_dp_send(&d, NULL, to_other, l);
	e1000_run_to_done(&d.t);
	EXPECT_EQ(0x0a, frame_id(&d, 2));
	E1000_DP_STATS(&d, &st, rx_frames, 3);
	EXPECT_EQ(3, st.rx_frames);
	e1000_dp_free(&d);
}

/* ---- A long frame over several descriptors (RCTL.LPE) ---- */

#define LONG_LEN	5000

static void guest_long(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, RING, RXBUF(0), BUFSZ,
			     RCTL_BASE | E1000_RCTL_LPE);
	GUEST_SYNC(1);
	guest_receive_n(&r, 3);
	/* Without LPE the same frame is too long: dropped, the next one not. */
	e1000_wr(bar, E1000_RCTL, e1000_rd(bar, E1000_RCTL) & ~E1000_RCTL_LPE);
	GUEST_SYNC(2);
	SH->ret[3] = guest_next(&r);
	GUEST_ASSERT(!e1000_guest_rx_wait(&r, 50));
	GUEST_DONE();
}

TEST(rx_long_frame)
{
	static uint8_t f[LONG_LEN], small[100];
	struct e1000_dp d;
	size_t len, sl, off = 0;
	int i;

	dp_start(&d, guest_long, false, 9000);
	len = frame_to(f, d.mac, IPPROTO_UDP, LONG_LEN - 42, 0x77);
	ASSERT_EQ(LONG_LEN, len);
	sl = frame_to(small, d.mac, IPPROTO_UDP, 58, 0x78);
	e1000_expect_sync(&d.t, 1);
	e1000_dp_send(&d, NULL, f, len);
	e1000_expect_sync(&d.t, 2);
	for (i = 0; i < 3; i++) {
		uint64_t w = d.sh->ret[i];
		size_t n = i < 2 ? BUFSZ : LONG_LEN - 2 * BUFSZ;

		EXPECT_EQ(n, W_LEN(w));
		EXPECT_EQ(E1000_RXD_STAT_DD | (i == 2 ? E1000_RXD_STAT_EOP : 0),
			  W_STATUS(w) & (E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP));
		EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(i)), f + off, n));
		off += n;
	}
	e1000_dp_send(&d, NULL, f, len);
	e1000_dp_send(&d, NULL, small, sl);
	e1000_run_to_done(&d.t);
	EXPECT_EQ(sl, W_LEN(d.sh->ret[3]));
	EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(3)), small, sl));
	e1000_dp_free(&d);
}

/*
 * ---- A full ring: the packet buffer holds, then drops (MPC, RXO) ----
 *
 * The guest makes the packet buffer's receive share 1 KB (PBA.RXA): the
 * frame the ring has no room for and nine of 106 bytes behind it wait;
 * what comes after overflows, and the device drops the oldest until all
 * that waits fits again.  Nothing is written outside head..tail; once
 * buffers come back, the ten that waited arrive in order.
 */

#define FULL_RING	16
#define FULL_GIVEN	4		/* descriptors 0..3 */
#define FULL_PBA_KB	1
#define FULL_LEN	106		/* UDP, 64 bytes of payload */
#define FULL_HELD	(1 + FULL_PBA_KB * 1024 / FULL_LEN)
#define FULL_DROPPED	6
#define FULL_SENT	(FULL_GIVEN + FULL_HELD + FULL_DROPPED)
#define FULL_RET_HELD	12		/* ret[] of the frames that waited */
#define CANARY		0xa5

static void guest_full(uint64_t bar)
{
	struct e1000_gring r;
	uint32_t i, icr, mpc = 0;

	e1000_guest_link_up(bar);
	e1000_wr(bar, E1000_IMC, ~0U);
	e1000_wr(bar, E1000_PBA, FULL_PBA_KB);
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, FULL_RING, RXBUF(0),
			     BUFSZ, RCTL_BASE);
	r.tail = FULL_GIVEN;
	e1000_wr(bar, E1000_RDT, r.tail);
	e1000_rd(bar, E1000_ICR);
	e1000_rd(bar, E1000_MPC);
	GUEST_SYNC(1);		/* the host paints the canaries, sends */
	guest_receive_n(&r, FULL_GIVEN);
	/* MPC is clear-on-read: accumulate until every drop is counted. */
	for (i = 0; i < WAIT_MS * 10 && mpc < FULL_DROPPED; i++) {
		mpc += e1000_rd(bar, E1000_MPC);
		if (mpc < FULL_DROPPED)
			e1000_guest_delay(100);
	}
	SH->ret[8] = mpc;
	icr = e1000_rd(bar, E1000_ICR);
	SH->ret[9] = icr;
	GUEST_ASSERT_1(e1000_rd(bar, E1000_RDH) == FULL_GIVEN,
		       e1000_rd(bar, E1000_RDH));
	GUEST_SYNC(2);		/* the host checks the canaries */
	/* Buffers again: what waited comes first, in order. */
	e1000_guest_rx_give(&r, RXBUF(0), BUFSZ);
	for (i = 0; i < FULL_HELD; i++)
		SH->ret[FULL_RET_HELD + i] = guest_next(&r);
	SH->ret[10] = e1000_rd(bar, E1000_MPC);
	GUEST_DONE();
}

TEST(rx_ring_full)
{
	uint8_t f[FULL_SENT][128], canary[BUFSZ];
	struct kvm_e1000_stats st;
	struct e1000_dp d;
	size_t len = 0;
	int i;

	dp_start(&d, guest_full, false, 0);
	e1000_expect_sync(&d.t, 1);
	memset(canary, CANARY, sizeof(canary));
	for (i = FULL_GIVEN; i < FULL_RING; i++) {
		memset(e1000_dp_hva(&d, E1000_DMA_RX_RING + i * 16), CANARY, 16);
		memset(e1000_dp_hva(&d, RXBUF(i)), CANARY, BUFSZ);
	}
	for (i = 0; i < FULL_SENT; i++) {
		len = frame_to(f[i], d.mac, IPPROTO_UDP, 64, 0x100 + i);
		ASSERT_EQ(FULL_LEN, len);
		e1000_dp_send(&d, NULL, f[i], len);
	}
	e1000_expect_sync(&d.t, 2);
	for (i = 0; i < FULL_GIVEN; i++) {
		EXPECT_EQ(len, W_LEN(d.sh->ret[i]));
		EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(i)), f[i], len));
	}
	EXPECT_EQ(FULL_DROPPED, d.sh->ret[8]);
	EXPECT_EQ(E1000_ICR_RXO, d.sh->ret[9] & E1000_ICR_RXO);
	for (i = FULL_GIVEN; i < FULL_RING; i++) {
		EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, E1000_DMA_RX_RING + i * 16),
				    canary, 16)) TH_LOG("descriptor %d", i);
		EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(i)), canary, BUFSZ))
			TH_LOG("buffer %d", i);
	}
	E1000_DP_STATS(&d, &st, rx_dropped, FULL_DROPPED);
	EXPECT_EQ(FULL_GIVEN, st.rx_frames);
	EXPECT_EQ(FULL_DROPPED, st.rx_dropped);

	e1000_run_to_done(&d.t);
	/* The newest FULL_HELD frames waited: the oldest were dropped. */
	for (i = 0; i < FULL_HELD; i++) {
		EXPECT_EQ(len, W_LEN(d.sh->ret[FULL_RET_HELD + i]));
		EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(FULL_GIVEN + i)),
				    f[FULL_SENT - FULL_HELD + i], len))
			TH_LOG("frame %d after the buffers came back", i);
	}
	EXPECT_EQ(0, d.sh->ret[10]);
	E1000_DP_STATS(&d, &st, rx_frames, FULL_GIVEN + FULL_HELD);
	EXPECT_EQ(FULL_GIVEN + FULL_HELD, st.rx_frames);
	EXPECT_EQ(FULL_DROPPED, st.rx_dropped);
	e1000_dp_free(&d);
}

/*
 * ---- One buffer at a time, slowly: a burst waits, none lost ----
 *
 * U-Boot's driver gives the ring one buffer at a time and the next only
 * after it handled the frame; a TFTP window is a burst.  The 82540EM's
 * packet buffer holds what fits, however long the driver takes: the guest
 * here takes 20 ms a frame, and every frame of the burst arrives, in
 * order, with no drop counted.
 */

#define ONE_RING	8
#define ONE_BURST	8
#define ONE_PAUSE_US	20000

static void guest_one_at_a_time(uint64_t bar)
{
	struct e1000_gring r;
	uint32_t i;

	e1000_guest_link_up(bar);
	e1000_wr(bar, E1000_IMC, ~0U);
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, ONE_RING, RXBUF(0),
			     BUFSZ, RCTL_BASE);
	r.tail = 1;
	e1000_wr(bar, E1000_RDT, r.tail);
	e1000_rd(bar, E1000_MPC);
	GUEST_SYNC(1);		/* the host sends the burst */
	for (i = 0; i < ONE_BURST; i++) {
		SH->ret[i] = guest_next(&r);
		/* Handled slowly, then the next buffer, as U-Boot does. */
		e1000_guest_delay(ONE_PAUSE_US);
		r.tail = (r.tail + 1) % ONE_RING;
		e1000_wr(bar, E1000_RDT, r.tail);
	}
	SH->ret[ONE_BURST] = e1000_rd(bar, E1000_MPC);
	GUEST_DONE();
}

TEST(rx_one_buffer_at_a_time)
{
	uint8_t f[ONE_BURST][1600];
	struct kvm_e1000_stats st;
	struct e1000_dp d;
	size_t len = 0;
	int i;

	dp_start(&d, guest_one_at_a_time, false, 0);
	e1000_expect_sync(&d.t, 1);
	for (i = 0; i < ONE_BURST; i++) {
		len = frame_to(f[i], d.mac, IPPROTO_UDP, 1400, 0x300 + i);
		e1000_dp_send(&d, NULL, f[i], len);
	}
	e1000_run_to_done(&d.t);
	for (i = 0; i < ONE_BURST; i++) {
		EXPECT_EQ(len, W_LEN(d.sh->ret[i])) TH_LOG("frame %d", i);
		EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(i % ONE_RING)), f[i],
				    len)) TH_LOG("frame %d", i);
	}
	EXPECT_EQ(0, d.sh->ret[ONE_BURST]);
	E1000_DP_STATS(&d, &st, rx_frames, ONE_BURST);
	EXPECT_EQ(ONE_BURST, st.rx_frames);
	EXPECT_EQ(0, st.rx_dropped);
	e1000_dp_free(&d);
}

/*
 * ---- Frames taken off the tap but not received go back to it ----
 *
 * The device takes the tap's frames a batch at a time.  With no guest
 * buffer, the frame in hand and the packet buffer keep what fits, and the
 * rest of the batch waits with them (rx_stall_us is long here, so the
 * device does not start dropping).  When the device goes, the tap's next
 * reader gets every frame after those it kept, in order: none lost.
 */

#define BACK_SENT	100
#define BACK_PBA_KB	2
#define BACK_PAYLOAD	400
#define BACK_LEN	(E1000_L4_OFF + E1000_UDP_HDR + BACK_PAYLOAD)
#define BACK_KEPT	(1 + BACK_PBA_KB * 1024 / BACK_LEN)
#define BACK_STALL_US	30000000

static void guest_no_buffers(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_wr(bar, E1000_IMC, ~0U);
	e1000_wr(bar, E1000_PBA, BACK_PBA_KB);
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, RING, RXBUF(0),
			     BUFSZ, RCTL_BASE);
	e1000_wr(bar, E1000_RDT, 0);
	GUEST_SYNC(1);		/* the host sends, then ends the VM */
	GUEST_DONE();
}

/* The next frame a reader of the tap gets, up to a second; its length. */
static ssize_t tap_read(int fd, uint8_t *buf, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	struct virtio_net_hdr h;
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = buf, .iov_len = cap },
	};
	ssize_t n;

	if (poll(&p, 1, 1000) != 1)
		return 0;
	n = readv(fd, iov, 2);
	return n < (ssize_t)sizeof(h) ? -1 : n - (ssize_t)sizeof(h);
}

TEST(rx_batch_given_back)
{
	unsigned int stall = e1000_param_get("rx_stall_us");
	uint8_t f[BACK_SENT][BACK_LEN], got[BUFSZ];
	struct kvm_e1000_stats st;
	struct e1000_dp d;
	ssize_t n;
	int i;

	e1000_param_set("rx_stall_us", BACK_STALL_US);
	dp_start(&d, guest_no_buffers, false, 0);
	e1000_expect_sync(&d.t, 1);
	for (i = 0; i < BACK_SENT; i++) {
		ASSERT_EQ(BACK_LEN, frame_to(f[i], d.mac, IPPROTO_UDP,
					     BACK_PAYLOAD, 0x500 + i));
		e1000_dp_send(&d, NULL, f[i], BACK_LEN);
	}
	/* The device takes what it keeps, and a batch behind it. */
	usleep(300000);
	e1000_get_stats(d.t.dev_fd, &st);
	EXPECT_EQ(0, st.rx_frames);
	EXPECT_EQ(0, st.rx_dropped);

	e1000_vm_free(&d.t);
	d.t.vm = NULL;
	for (i = BACK_KEPT; i < BACK_SENT; i++) {
		n = tap_read(d.tap_fd, got, sizeof(got));
		EXPECT_EQ(BACK_LEN, n) TH_LOG("frame %d", i);
		EXPECT_EQ(0, memcmp(got, f[i], BACK_LEN)) TH_LOG("frame %d", i);
		if (n != BACK_LEN || memcmp(got, f[i], BACK_LEN))
			break;
	}
	EXPECT_EQ(0, tap_read(d.tap_fd, got, sizeof(got)));
	e1000_param_set("rx_stall_us", stall);
	e1000_dp_free(&d);
}

/* ---- Bus mastering off: no DMA at all, frames lost and counted ---- */

#define NOBM_SENT	4
#define NOBM_CANARY	0xa5

static void guest_no_bus_master(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_wr(bar, E1000_RXCSUM, 0);
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, RING, RXBUF(0), BUFSZ,
			     RCTL_BASE);
	GUEST_SYNC(1);		/* the host clears BME and sends */
	GUEST_SYNC(2);		/* the host has checked guest memory */
	SH->ret[0] = e1000_rd(bar, E1000_RDH);
	GUEST_SYNC(3);		/* BME again: the next frame comes */
	SH->ret[1] = guest_next(&r);
	GUEST_DONE();
}

TEST(rx_no_bus_master)
{
	uint8_t f[1600], canary[BUFSZ], ring[NOBM_SENT * 16];
	struct kvm_e1000_stats st;
	struct e1000_dp d;
	uint32_t on = 0;
	size_t len = 0;
	int i;

	dp_start(&d, guest_no_bus_master, false, 0);
	e1000_expect_sync(&d.t, 1);
	ASSERT_EQ(0, ioctl(d.t.dev_fd, KVM_E1000_SET_BUS_MASTER, &on));
	/* The descriptors as the guest gave them; the buffers painted. */
	memcpy(ring, e1000_dp_hva(&d, E1000_DMA_RX_RING), sizeof(ring));
	memset(canary, NOBM_CANARY, sizeof(canary));
	for (i = 0; i < NOBM_SENT; i++)
		memset(e1000_dp_hva(&d, RXBUF(i)), NOBM_CANARY, BUFSZ);
	for (i = 0; i < NOBM_SENT; i++) {
		len = frame_to(f, d.mac, IPPROTO_UDP, 200, 0x200 + i);
		e1000_dp_send(&d, NULL, f, len);
	}
	E1000_DP_STATS(&d, &st, rx_dropped, NOBM_SENT);
	EXPECT_EQ(NOBM_SENT, st.rx_dropped);
	EXPECT_EQ(0, st.rx_frames);
	EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, E1000_DMA_RX_RING), ring,
			    sizeof(ring)));
	for (i = 0; i < NOBM_SENT; i++) {
		EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(i)), canary, BUFSZ))
			TH_LOG("buffer %d", i);
	}
	e1000_expect_sync(&d.t, 2);
	e1000_expect_sync(&d.t, 3);
	EXPECT_EQ(0, d.sh->ret[0]);	/* RDH did not move */
	/* Bad values are refused. */
	on = 2;
	EXPECT_EQ(-1, ioctl(d.t.dev_fd, KVM_E1000_SET_BUS_MASTER, &on));
	EXPECT_EQ(EINVAL, errno);
	on = 1;
	ASSERT_EQ(0, ioctl(d.t.dev_fd, KVM_E1000_SET_BUS_MASTER, &on));
	len = frame_to(f, d.mac, IPPROTO_UDP, 300, 0x300);
	e1000_dp_send(&d, NULL, f, len);
	e1000_run_to_done(&d.t);
	EXPECT_EQ(len, W_LEN(d.sh->ret[1]));
	EXPECT_EQ(0, memcmp(e1000_dp_hva(&d, RXBUF(0)), f, len));
	e1000_dp_free(&d);
}

/*
 * ---- GSO: the host's own TCP hands the tap 64 KiB frames ----
 *
 * A frame sent from a packet socket carries SKB_GSO_DODGY, which a tap
 * does not take as GSO (no NETIF_F_GSO_ROBUST): the host would cut it
 * itself.  So the host's TCP talks to a fake peer here: the test answers
 * the SYN (read from the guest's ring) with a SYN-ACK written into the
 * tap, and the host sends its first window as GSO frames, which the
 * device cuts into the ring.  The guest only gives buffers; the host
 * reads them.
 */
#define GSO_RING	256
#define GSO_SEND	60000
#define GSO_MSS		1460		/* what the SYN-ACK offers */
#define HOST_IP		0xa9fe0a02U	/* E1000_IP_DST: the tap's address */

static void guest_gso(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_wr(bar, E1000_RXCSUM, E1000_RXCSUM_IPOFL | E1000_RXCSUM_TUOFL);
	e1000_guest_rx_setup(&r, bar, E1000_DMA_RX_RING, GSO_RING, RXBUF(0),
			     BUFSZ, RCTL_BASE);
	GUEST_SYNC(1);
	GUEST_DONE();
}

static bool tap_tso(const char *name)
{
	struct ethtool_value v = { .cmd = ETHTOOL_GTSO };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = (void *)&v;
	TEST_ASSERT(s >= 0 && !ioctl(s, SIOCETHTOOL, &ifr),
		    "ETHTOOL_GTSO: %s", strerror(errno));
	close(s);
	return v.data;
}

/* The tap gets HOST_IP/24; the guest's address resolves to its MAC. */
static void gso_addresses(struct e1000_dp *d)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in *sin;
	struct arpreq arp;
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", d->tap_name);
	sin = (struct sockaddr_in *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(HOST_IP);
	TEST_ASSERT(!ioctl(s, SIOCSIFADDR, &ifr), "SIOCSIFADDR: %s",
		    strerror(errno));
	sin->sin_addr.s_addr = htonl(0xffffff00);
	TEST_ASSERT(!ioctl(s, SIOCSIFNETMASK, &ifr), "SIOCSIFNETMASK: %s",
		    strerror(errno));
	memset(&arp, 0, sizeof(arp));
	sin = (struct sockaddr_in *)&arp.arp_pa;
	sin->sin_family = AF_INET;
	sin->sin_addr.s_addr = htonl(E1000_IP_SRC);
	arp.arp_ha.sa_family = ARPHRD_ETHER;
	memcpy(arp.arp_ha.sa_data, d->mac, 6);
	arp.arp_flags = ATF_COM | ATF_PERM;
	snprintf(arp.arp_dev, sizeof(arp.arp_dev), "%s", d->tap_name);
	TEST_ASSERT(!ioctl(s, SIOCSARP, &arp), "SIOCSARP: %s",
		    strerror(errno));
	close(s);
}

static uint64_t tap_tx_packets(const char *name)
{
	char path[96];
	unsigned long long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/tx_packets",
		 name);
	f = fopen(path, "r");
	TEST_ASSERT(f && fscanf(f, "%llu", &n) == 1, "%s", path);
	fclose(f);
	return n;
}

/* Descriptor @i once the device completed it, waiting up to WAIT_MS. */
static struct e1000_rx_desc *gso_desc(struct e1000_dp *d, int i)
{
	volatile struct e1000_rx_desc *rd =
		e1000_dp_hva(d, E1000_DMA_RX_RING + i * 16);
	int ms;

	for (ms = 0; ms < WAIT_MS && !(rd->status & E1000_RXD_STAT_DD); ms++)
		usleep(1000);
	return rd->status & E1000_RXD_STAT_DD ? (void *)rd : NULL;
}

/* The fake peer's SYN-ACK to @syn, offering GSO_MSS, into the tap. */
static void gso_syn_ack(struct e1000_dp *d, const uint8_t *syn)
{
	static const uint8_t mss[4] = { 2, 4, GSO_MSS >> 8, GSO_MSS & 0xff };
	uint8_t f[128], vnet[sizeof(struct virtio_net_hdr)] = { 0 }, *th;
	struct iovec iov[2] = {
		{ .iov_base = vnet, .iov_len = sizeof(vnet) },
		{ .iov_base = f },
	};
	size_t len = e1000_build_ip4(f, syn + 6, d->mac, IPPROTO_TCP,
				     sizeof(mss), 0);

	th = f + E1000_L4_OFF;
	memcpy(th + 2, syn + E1000_L4_OFF, 2);		/* to its port */
	*(uint32_t *)(th + 4) = htonl(0x1000);
	*(uint32_t *)(th + 8) = htonl(ntohl(*(uint32_t *)(syn + E1000_L4_OFF +
							    4)) + 1);
	th[12] = 6 << 4;
	th[13] = 0x12;					/* SYN | ACK */
	memcpy(th + E1000_TCP_HDR, mss, sizeof(mss));
	fill_csums(f, len);
	iov[1].iov_len = len;
	TEST_ASSERT(writev(d->tap_fd, iov, 2) == (ssize_t)(sizeof(vnet) + len),
		    "write to the tap: %s", strerror(errno));
}

TEST(rx_gso_tcp)
{
	static uint8_t data[GSO_SEND];
	struct sockaddr_in peer = {
		.sin_family = AF_INET,
		.sin_port = htons(40000),	/* e1000_build_ip4's source */
		.sin_addr.s_addr = htonl(E1000_IP_SRC),
	};
	uint32_t isn, seq, got = 0, segs = 0, frames;
	struct pollfd pfd;
	ssize_t sent;
	struct e1000_rx_desc *rd;
	struct e1000_dp d;
	uint64_t tx0;
	uint8_t *f;
	int sk, i;

	dp_start(&d, guest_gso, true, 0);
	e1000_expect_sync(&d.t, 1);
	/* Bound: the device took TSO for the tap. */
	ASSERT_TRUE(tap_tso(d.tap_name));
	gso_addresses(&d);
	tx0 = tap_tx_packets(d.tap_name);

	sk = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, sk);
	ASSERT_EQ(-1, connect(sk, (struct sockaddr *)&peer, sizeof(peer)));
	ASSERT_EQ(EINPROGRESS, errno);
	rd = gso_desc(&d, 0);
	ASSERT_TRUE(rd != NULL);
	f = e1000_dp_hva(&d, RXBUF(0));
	ASSERT_EQ(0x02, f[E1000_L4_OFF + 13]);		/* SYN */
	isn = ntohl(*(uint32_t *)(f + E1000_L4_OFF + 4));
	gso_syn_ack(&d, f);
	pfd.fd = sk;
	pfd.events = POLLOUT;
	ASSERT_EQ(1, poll(&pfd, 1, WAIT_MS));
	e1000_pattern(data, sizeof(data), 77);
	/* A small host (the debug kernel's) may queue less than all of it. */
	sent = send(sk, data, sizeof(data), 0);
	ASSERT_LE(10 * GSO_MSS, sent) TH_LOG("send: %s", strerror(errno));

	/* The first window (the initial cwnd), in segments, in order. */
	seq = isn + 1;
	for (i = 1; i < GSO_RING - 1 && got < 10 * GSO_MSS; i++) {
		uint32_t len, pay;

		rd = gso_desc(&d, i);
		if (!rd)
			break;
		f = e1000_dp_hva(&d, RXBUF(i));
		len = rd->length;
		pay = len - E1000_L4_OFF - 20;
		if (len <= 60 || f[E1000_ETH_HDR + 9] != IPPROTO_TCP)
			continue;			/* the handshake's ACK */
		EXPECT_EQ(E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP |
			  E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS,
			  rd->status) TH_LOG("descriptor %d", i);
		EXPECT_EQ(0, rd->errors);
		EXPECT_GE(1514, len);
		EXPECT_TRUE(e1000_ip4_csum_ok(f)) TH_LOG("descriptor %d", i);
		EXPECT_TRUE(e1000_l4_csum_ok(f, len)) TH_LOG("descriptor %d", i);
		ASSERT_EQ(seq, ntohl(*(uint32_t *)(f + E1000_L4_OFF + 4)));
		EXPECT_EQ(0, memcmp(f + E1000_L4_OFF + 20, data + seq - isn - 1,
				    pay)) TH_LOG("descriptor %d", i);
		seq += pay;
		got += pay;
		segs++;
	}
	/* The tap handed fewer frames (SYN, ACK, GSO) than the guest got. */
	frames = tap_tx_packets(d.tap_name) - tx0;
	TH_LOG("%u bytes in %u segments from %u tap frames", got, segs, frames);
	EXPECT_LE(10 * GSO_MSS, got);
	EXPECT_GT(segs, frames - 2);
	close(sk);
	e1000_run_to_done(&d.t);
	/* Closing the device gives the tap back its checksum offload only. */
	close(d.t.dev_fd);
	d.t.dev_fd = -1;
	EXPECT_FALSE(tap_tso(d.tap_name));
	e1000_dp_free(&d);
}

/*
 * ---- What the device writes is in the VM's dirty log ----
 *
 * A VMM migrating the VM live copies again each page the dirty log
 * names: the pages of received frames and of the descriptors written back
 * must be there, though no vCPU wrote them, and nothing else.
 */
#define DIRTY_SENT	5
#define DIRTY_PAGES	(E1000_DMA_SIZE / 4096)

static bool page_dirty(const uint64_t *log, uint64_t gpa)
{
	uint64_t n = (gpa - E1000_DMA_GPA) / 4096;

	return log[n / 64] >> (n % 64) & 1;
}

static void mark(uint64_t *want, uint64_t gpa, size_t len)
{
	uint64_t n;

	for (n = (gpa - E1000_DMA_GPA) / 4096;
	     n <= (gpa + len - 1 - E1000_DMA_GPA) / 4096; n++)
		want[n / 64] |= 1ULL << (n % 64);
}

TEST(rx_dirty_log)
{
	uint64_t log[DIRTY_PAGES / 64], want[DIRTY_PAGES / 64] = { 0 };
	struct kvm_e1000_stats st;
	uint8_t f[1600];
	struct e1000_dp d;
	size_t len;
	int i;

	dp_start(&d, guest_basic, false, 0);
	e1000_expect_sync(&d.t, 1);
	/* Logging on; the first read takes what the set-up dirtied. */
	vm_mem_region_set_flags(d.t.vm, E1000_DMA_SLOT, KVM_MEM_LOG_DIRTY_PAGES);
	kvm_vm_get_dirty_log(d.t.vm, E1000_DMA_SLOT, log);
	mark(want, E1000_DMA_RX_RING, DIRTY_SENT * 16);
	for (i = 0; i < DIRTY_SENT; i++) {
		len = frame_to(f, d.mac, IPPROTO_UDP, 1400, 0x400 + i);
		e1000_dp_send(&d, NULL, f, len);
		mark(want, RXBUF(i), len);
	}
	E1000_DP_STATS(&d, &st, rx_frames, DIRTY_SENT);
	ASSERT_EQ(DIRTY_SENT, st.rx_frames);
	/* The vCPU waits in GUEST_SYNC(1): only the device wrote since. */
	kvm_vm_get_dirty_log(d.t.vm, E1000_DMA_SLOT, log);
	EXPECT_TRUE(page_dirty(log, E1000_DMA_RX_RING));
	/* Braced: the harness's TH_LOG hook follows the EXPECT statement. */
	for (i = 0; i < DIRTY_SENT; i++) {
		EXPECT_TRUE(page_dirty(log, RXBUF(i))) TH_LOG("buffer %d", i);
	}
	EXPECT_EQ(0, memcmp(log, want, sizeof(log)));
	/* Read: the next read is clean, until the device writes again. */
	kvm_vm_get_dirty_log(d.t.vm, E1000_DMA_SLOT, log);
	EXPECT_FALSE(page_dirty(log, E1000_DMA_RX_RING));
	d.sh->arg[0] = DIRTY_SENT;
	e1000_run_to_done(&d.t);
	for (i = 0; i < DIRTY_SENT; i++)
		EXPECT_EQ(1442, W_LEN(d.sh->ret[i]));
	e1000_dp_free(&d);
}

TEST_HARNESS_MAIN
