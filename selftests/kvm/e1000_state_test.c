// SPDX-License-Identifier: GPL-2.0
/*
 * Device state through the raw ABI (KVM_E1000_GET_STATE, _SET_STATE), as a
 * VMM migrating a guest uses it: a guest configures its device and leaves
 * a frame half handed over (the device has gathered its first buffer and
 * waits for the rest); the state is saved, a second VM gets the same guest
 * memory and a new device, which first refuses corrupted blobs without
 * changing, then takes the good one.  The second guest finds its registers
 * as the first left them, hands over the rest of the frame and a new one,
 * and both leave through the second device's tap, byte for byte.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <netinet/in.h>

#include "kselftest_harness.h"
#include "e1000_test.h"

#define SH		((struct e1000_shared *)E1000_DMA_SHARED)
#define TXBUF(i)	(E1000_DMA_TX_BUF + (uint64_t)(i) * 0x1000)
#define LEG_CMD		(E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_IFCS_B | \
			 E1000_TXD_CMD_RS_B)
#define RING		16
#define WAIT_MS		3000
/* The half-sent frame: its first buffer, then the rest. */
#define SPLIT		100

/* Registers the first guest sets and the second finds. */
#define T_ITR		1000
#define T_RDTR		32
#define T_MTA5		0xdeadbeefU
#define T_IMS		(E1000_ICR_TXDW | E1000_ICR_RXT0)

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x99 };
static uint8_t rxb[65536 + 512];
static uint8_t blob[KVM_E1000_STATE_MAX_SIZE], again[KVM_E1000_STATE_MAX_SIZE];
static uint8_t bad[KVM_E1000_STATE_MAX_SIZE], before[KVM_E1000_STATE_MAX_SIZE];

static void guest_src(uint64_t bar)
{
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_wr(bar, E1000_ITR, T_ITR);
	e1000_wr(bar, E1000_RDTR, T_RDTR);
	e1000_wr(bar, E1000_MTA + 5 * 4, T_MTA5);
	e1000_wr(bar, E1000_IMS, T_IMS);
	e1000_guest_tx_setup(&r, bar, E1000_DMA_TX_RING, RING);
	/* Frame 0, whole. */
	e1000_guest_tx_legacy(&r, TXBUF(0), SH->arg[0], LEG_CMD, 0, 0, 0);
	e1000_guest_tx_kick(&r);
	GUEST_ASSERT(e1000_guest_tx_wait(&r, WAIT_MS));
	/*
	 * Frame 1: its first buffer handed over and taken, its second
	 * written but not handed over yet.
	 */
	e1000_guest_tx_legacy(&r, TXBUF(1), SPLIT, E1000_TXD_CMD_IFCS_B,
			      0, 0, 0);
	e1000_guest_tx_kick(&r);
	GUEST_ASSERT(e1000_guest_tx_wait(&r, WAIT_MS));
	e1000_guest_tx_legacy(&r, TXBUF(1) + SPLIT, SH->arg[1] - SPLIT,
			      LEG_CMD, 0, 0, 0);
	GUEST_DONE();
}

static void guest_dst(uint64_t bar)
{
	struct e1000_gring r = {
		.bar = bar, .base = E1000_DMA_TX_RING, .size = RING,
	};

	/* The device as the first guest left it. */
	GUEST_ASSERT_1(e1000_rd(bar, E1000_ITR) == T_ITR,
		       e1000_rd(bar, E1000_ITR));
	GUEST_ASSERT_1(e1000_rd(bar, E1000_RDTR) == T_RDTR,
		       e1000_rd(bar, E1000_RDTR));
	GUEST_ASSERT_1(e1000_rd(bar, E1000_MTA + 5 * 4) == T_MTA5,
		       e1000_rd(bar, E1000_MTA + 5 * 4));
	GUEST_ASSERT_1(e1000_rd(bar, E1000_IMS) == T_IMS,
		       e1000_rd(bar, E1000_IMS));
	GUEST_ASSERT(e1000_rd(bar, E1000_STATUS) & E1000_STATUS_LU);
	GUEST_ASSERT_1(e1000_rd(bar, E1000_TDLEN) == RING * E1000_DESC_SIZE,
		       e1000_rd(bar, E1000_TDLEN));
	r.tail = e1000_rd(bar, E1000_TDT);
	GUEST_ASSERT_1(r.tail == 2 && e1000_rd(bar, E1000_TDH) == 2, r.tail);
	/* The rest of frame 1 (its descriptor is in memory), and frame 2. */
	r.tail = 3;
	e1000_guest_tx_legacy(&r, TXBUF(2), SH->arg[2], LEG_CMD, 0, 0, 0);
	e1000_guest_tx_kick(&r);
	GUEST_ASSERT_1(e1000_guest_tx_wait(&r, WAIT_MS),
		       e1000_rd(bar, E1000_TDH));
	GUEST_DONE();
}

static int get_state(int fd, void *buf, uint32_t *size)
{
	struct kvm_e1000_state s = { .size = *size, .data = (uintptr_t)buf };
	int ret = ioctl(fd, KVM_E1000_GET_STATE, &s);

	*size = s.size;
	return ret ? -errno : 0;
}

/* 0, or -errno with the reason the device gave. */
static int set_state(int fd, const void *buf, uint32_t size,
		     uint32_t *reason)
{
	struct kvm_e1000_state s = { .size = size, .data = (uintptr_t)buf };
	int ret = ioctl(fd, KVM_E1000_SET_STATE, &s);

	*reason = s.reason;
	return ret ? -errno : 0;
}

static void expect_rx(struct e1000_dp *d, const uint8_t *want, size_t len)
{
	struct e1000_rx_info info;

	e1000_dp_expect_frame(d, &info, rxb, sizeof(rxb), want, len);
}

/* The target's state is still @before, byte for byte. */
static void expect_unchanged(int fd, uint32_t len)
{
	uint32_t size = sizeof(again);

	TEST_ASSERT(!get_state(fd, again, &size), "GET_STATE");
	TEST_ASSERT(size == len && !memcmp(again, before, len),
		    "a refused blob changed the device");
}

/* CRC-32 (IEEE 802.3, reflected), bit by bit, as the blob's header uses. */
static uint32_t crc32_ieee(const uint8_t *p, size_t len)
{
	uint32_t crc = ~0U;
	int k;

	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
	}
	return ~crc;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

TEST(state_migrate)
{
	struct kvm_e1000_stats st;
	struct e1000_dp src, dst;
	uint32_t len, size, reason, blen;
	size_t l0, l1, l2;
	uint8_t *f1;

	/* The first VM: configured, a frame sent, the next half handed over. */
	e1000_dp_start(&src, guest_src);
	l0 = e1000_build_ip4(e1000_dp_hva(&src, TXBUF(0)), peer_mac, src.mac,
			     IPPROTO_UDP, 300, 1);
	l1 = e1000_build_ip4(e1000_dp_hva(&src, TXBUF(1)), peer_mac, src.mac,
			     IPPROTO_UDP, 700, 2);
	l2 = e1000_build_ip4(e1000_dp_hva(&src, TXBUF(2)), peer_mac, src.mac,
			     IPPROTO_UDP, 200, 3);
	src.sh->arg[0] = l0;
	src.sh->arg[1] = l1;
	src.sh->arg[2] = l2;
	e1000_run_to_done(&src.t);
	expect_rx(&src, e1000_dp_hva(&src, TXBUF(0)), l0);
	e1000_dp_expect_quiet(&src, 200);

	/* Save: asking with no room says how much it takes. */
	size = 0;
	ASSERT_EQ(-E2BIG, get_state(src.t.dev_fd, blob, &size));
	/* A frame in progress: the state carries its gathered bytes. */
	ASSERT_EQ(KVM_E1000_STATE_MAX_SIZE, size);
	ASSERT_EQ(0, get_state(src.t.dev_fd, blob, &size));
	len = size;
	TH_LOG("device state: %u bytes", len);

	/* The second VM: the same guest memory, a device of its own. */
	e1000_dp_start(&dst, guest_dst);
	memcpy(dst.dma, src.dma, E1000_DMA_SIZE);
	size = sizeof(before);
	ASSERT_EQ(0, get_state(dst.t.dev_fd, before, &size));
	blen = size;

	/* Refused, each with its reason, the device unchanged. */
	memcpy(bad, blob, len);
	bad[len / 2] ^= 0x40;
	EXPECT_EQ(-EINVAL, set_state(dst.t.dev_fd, bad, len, &reason));
	EXPECT_EQ(KVM_E1000_STATE_ECSUM, reason);
	expect_unchanged(dst.t.dev_fd, blen);
	EXPECT_EQ(-EINVAL, set_state(dst.t.dev_fd, blob, len - 1, &reason));
	EXPECT_EQ(KVM_E1000_STATE_ESHORT, reason);
	expect_unchanged(dst.t.dev_fd, blen);
	memcpy(bad, blob, len);
	bad[4] = 2;		/* version */
	EXPECT_EQ(-EPROTONOSUPPORT,
		  set_state(dst.t.dev_fd, bad, len, &reason));
	EXPECT_EQ(KVM_E1000_STATE_EVERSION, reason);
	expect_unchanged(dst.t.dev_fd, blen);
	EXPECT_EQ(-E2BIG, set_state(dst.t.dev_fd, blob,
				    KVM_E1000_STATE_MAX_SIZE + 1, &reason));
	EXPECT_EQ(-EFAULT, set_state(dst.t.dev_fd, NULL, len, &reason));
	expect_unchanged(dst.t.dev_fd, blen);
	/*
	 * A register the device cannot hold, with a right checksum (CRC-32
	 * of the blob, its field at 16 as zero): refused for that field.
	 */
	memcpy(bad, blob, len);
	bad[32 + E1000_CTRL + 3] |= E1000_CTRL_RST >> 24;
	put_le32(bad + 16, 0);
	put_le32(bad + 16, crc32_ieee(bad, len));
	EXPECT_EQ(-EINVAL, set_state(dst.t.dev_fd, bad, len, &reason));
	EXPECT_EQ(KVM_E1000_STATE_EREG, reason);
	expect_unchanged(dst.t.dev_fd, blen);

	/* The good one: the device is the first one, byte for byte. */
	ASSERT_EQ(0, set_state(dst.t.dev_fd, blob, len, &reason));
	EXPECT_EQ(0, reason);
	size = sizeof(again);
	ASSERT_EQ(0, get_state(dst.t.dev_fd, again, &size));
	ASSERT_EQ(len, size);
	EXPECT_EQ(0, memcmp(blob, again, len));

	/* It goes on: the rest of frame 1, then frame 2. */
	e1000_run_to_done(&dst.t);
	f1 = e1000_dp_hva(&src, TXBUF(1));
	expect_rx(&dst, f1, l1);
	expect_rx(&dst, e1000_dp_hva(&src, TXBUF(2)), l2);
	e1000_dp_expect_quiet(&dst, 200);
	E1000_DP_STATS(&dst, &st, tx_frames, 2);
	EXPECT_EQ(2, st.tx_frames);
	/* The first device sent nothing more. */
	e1000_dp_expect_quiet(&src, 200);
	e1000_dp_free(&dst);
	e1000_dp_free(&src);
}

/* ---- Saved while the guest transmits ---- */

#define TRAFFIC_FRAMES	300
#define TRAFFIC_SAVES	40

/* Frames in two buffers each, as fast as the device takes them. */
static void guest_traffic(uint64_t bar)
{
	struct e1000_gring r;
	uint32_t i;

	e1000_guest_link_up(bar);
	e1000_guest_tx_setup(&r, bar, E1000_DMA_TX_RING, RING);
	for (i = 0; i < TRAFFIC_FRAMES; i++) {
		/*
		 * Each buffer handed over on its own: a state taken between
		 * the two passes has the frame half gathered.
		 */
		e1000_guest_tx_legacy(&r, TXBUF(i % 8), SPLIT,
				      E1000_TXD_CMD_IFCS_B, 0, 0, 0);
		e1000_guest_tx_kick(&r);
		e1000_guest_tx_legacy(&r, TXBUF(i % 8) + SPLIT,
				      SH->arg[0] - SPLIT, LEG_CMD, 0, 0, 0);
		e1000_guest_tx_kick(&r);
		GUEST_ASSERT_1(e1000_guest_tx_wait(&r, WAIT_MS), i);
	}
	GUEST_DONE();
}

/*
 * Each state taken while a pass may be running is a consistent one: a
 * second device takes every one of them, whatever the pass was doing.
 */
static void traffic(struct __test_metadata *_metadata, int sidecore)
{
	struct kvm_e1000_stats st;
	struct e1000_dp_opts o;
	struct e1000_dp src, dst;
	uint32_t size, reason, frames = 0, i;
	pthread_t vcpu;
	size_t len;

	e1000_dp_opts_init(&o);
	o.sidecore = sidecore;
	e1000_dp_init(&src, guest_traffic, &o);
	e1000_dp_init(&dst, guest_dst, &o);
	if (sidecore != KVM_E1000_NO_SIDECORE)
		e1000_pin_off_sidecore();
	for (i = 0; i < 8; i++)
		len = e1000_build_ip4(e1000_dp_hva(&src, TXBUF(i)), peer_mac,
				      src.mac, IPPROTO_UDP, 400, i);
	src.sh->arg[0] = len;
	ASSERT_EQ(0, pthread_create(&vcpu, NULL, e1000_vcpu_thread, &src));
	for (i = 0; i < TRAFFIC_SAVES; i++) {
		size = sizeof(blob);
		ASSERT_EQ(0, get_state(src.t.dev_fd, blob, &size));
		frames += size == KVM_E1000_STATE_MAX_SIZE;
		ASSERT_EQ(0, set_state(dst.t.dev_fd, blob, size, &reason));
		ASSERT_EQ(0, reason);
		usleep(2000);
	}
	ASSERT_EQ(0, pthread_join(vcpu, NULL));
	TH_LOG("%u states taken in traffic, %u with a frame in progress",
	       TRAFFIC_SAVES, frames);
	/* Pausing the data path lost nothing. */
	E1000_DP_STATS(&src, &st, tx_frames, TRAFFIC_FRAMES);
	EXPECT_EQ(TRAFFIC_FRAMES, st.tx_frames);
	EXPECT_EQ(0, st.tx_dropped);
	e1000_dp_free(&dst);
	e1000_dp_free(&src);
}

TEST(state_under_traffic_worker)
{
	traffic(_metadata, KVM_E1000_NO_SIDECORE);
}

TEST(state_under_traffic_sidecore)
{
	if (!e1000_have_cpu(1))
		SKIP(return, "no CPU 1 for a sidecore");
	traffic(_metadata, 1);
}

/* Bad arguments: reserved fields, flags. */
TEST(state_args)
{
	struct kvm_e1000_state s = { .size = sizeof(blob),
				     .data = (uintptr_t)blob };
	struct e1000_dp d;

	e1000_dp_start(&d, guest_dst);
	s.flags = 1;
	EXPECT_EQ(-1, ioctl(d.t.dev_fd, KVM_E1000_GET_STATE, &s));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(d.t.dev_fd, KVM_E1000_SET_STATE, &s));
	EXPECT_EQ(EINVAL, errno);
	s.flags = 0;
	s.reserved[4] = 1;
	EXPECT_EQ(-1, ioctl(d.t.dev_fd, KVM_E1000_GET_STATE, &s));
	EXPECT_EQ(EINVAL, errno);
	s.reserved[4] = 0;
	/* An idle device: the fixed part only; it loads into itself. */
	EXPECT_EQ(0, ioctl(d.t.dev_fd, KVM_E1000_GET_STATE, &s));
	EXPECT_GT(s.size, 32);
	EXPECT_LT(s.size, KVM_E1000_STATE_MAX_SIZE);
	EXPECT_EQ(0, ioctl(d.t.dev_fd, KVM_E1000_SET_STATE, &s));
	EXPECT_EQ(0, s.reason);
	e1000_dp_free(&d);
}

TEST_HARNESS_MAIN
