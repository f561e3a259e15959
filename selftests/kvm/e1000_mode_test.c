// SPDX-License-Identifier: GPL-2.0
/*
 * The threads that serve the rings: the same TX + RX exchange with a
 * per-device worker and with a sidecore (a thread bound to CPU 1), moving
 * the device between the two with KVM_E1000_SET_SIDECORE while frames
 * flow (sequence numbers: nothing lost, duplicated or reordered), and two
 * devices on one sidecore, both served.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "e1000_test.h"

#define SH		((struct e1000_shared *)E1000_DMA_SHARED)
#define RING		256
#define BUFSZ		2048
#define TXBUF(i)	(E1000_DMA_TX_BUF + (uint64_t)(i) * BUFSZ)
#define RXBUF(i)	(E1000_DMA_RX_BUF + (uint64_t)(i) * BUFSZ)
#define SEQ_OFF		(E1000_L4_OFF + E1000_UDP_HDR)
#define FRAME_LEN	(SEQ_OFF + 18)		/* 60: the minimum */
#define BATCH		32
#define BATCHES		12
#define WAIT_MS		3000
#define SIDECORE	1

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x99 };

/*
 * Guest: arg[0] batches of BATCH frames each way.  TX: stamp a sequence
 * number into the host's template, queue, kick, sync (the host reads the
 * batch and sends one back).  RX: take BATCH frames in order, give back.
 */
static void guest_exchange(uint64_t bar)
{
	struct e1000_gring tx, rx;
	struct e1000_rx_desc *d;
	uint32_t b, i, tx_seq = 0, rx_seq = 0, seq;

	e1000_guest_link_up(bar);
	e1000_guest_tx_setup(&tx, bar, E1000_DMA_TX_RING, RING);
	e1000_guest_rx_setup(&rx, bar, E1000_DMA_RX_RING, RING, RXBUF(0),
			     BUFSZ, E1000_RCTL_BAM | E1000_RCTL_SZ_2048 |
			     E1000_RCTL_SECRC);
	for (b = 0; b < SH->arg[0]; b++) {
		GUEST_ASSERT_1(e1000_guest_tx_wait(&tx, WAIT_MS), b);
		for (i = 0; i < BATCH; i++) {
			uint32_t slot = tx.tail;

			*(volatile uint32_t *)(TXBUF(slot) + SEQ_OFF) = tx_seq++;
			e1000_guest_tx_legacy(&tx, TXBUF(slot), FRAME_LEN,
					      E1000_TXD_CMD_EOP_B |
					      E1000_TXD_CMD_IFCS_B |
					      E1000_TXD_CMD_RS_B, 0, 0, 0);
		}
		e1000_guest_tx_kick(&tx);
		GUEST_SYNC(b);
		for (i = 0; i < BATCH; i++) {
			d = e1000_guest_rx_wait(&rx, WAIT_MS);
			GUEST_ASSERT_2(d, b, i);
			GUEST_ASSERT_1(d->length == FRAME_LEN, d->length);
			seq = *(volatile uint32_t *)(d->buffer_addr + SEQ_OFF);
			GUEST_ASSERT_2(seq == rx_seq, seq, rx_seq);
			rx_seq++;
		}
		e1000_guest_rx_give(&rx, RXBUF(0), BUFSZ);
	}
	GUEST_ASSERT(e1000_guest_tx_wait(&tx, WAIT_MS));
	SH->ret[0] = tx_seq;
	SH->ret[1] = rx_seq;
	GUEST_DONE();
}

struct xchg {
	struct e1000_dp d;
	uint32_t tx_seq;	/* next expected from the guest */
	uint32_t rx_seq;	/* next sent to the guest */
};

static void xchg_init(struct xchg *x, int sidecore)
{
	struct e1000_dp_opts o;
	uint32_t i;

	e1000_dp_opts_init(&o);
	o.sidecore = sidecore;
	e1000_dp_init(&x->d, guest_exchange, &o);
	x->tx_seq = 0;
	x->rx_seq = 0;
	for (i = 0; i < RING; i++)
		e1000_build_ip4(e1000_dp_hva(&x->d, TXBUF(i)), peer_mac,
				x->d.mac, IPPROTO_UDP, FRAME_LEN - SEQ_OFF, 0);
	x->d.sh->arg[0] = BATCHES;
}

/* Host: one batch each way; the guest stops at GUEST_SYNC(@b). */
static void xchg_batch(struct xchg *x, uint32_t b)
{
	static uint8_t buf[2048];
	uint8_t f[FRAME_LEN];
	struct e1000_rx_info info;
	uint32_t i, seq;
	int n;

	e1000_expect_sync(&x->d.t, b);
	for (i = 0; i < BATCH; i++) {
		n = e1000_dp_recv(&x->d, &info, buf, sizeof(buf), WAIT_MS);
		TEST_ASSERT(n == FRAME_LEN, "batch %u frame %u: %d bytes", b, i,
			    n);
		memcpy(&seq, buf + SEQ_OFF, sizeof(seq));
		TEST_ASSERT(seq == x->tx_seq, "TX seq %u, expected %u", seq,
			    x->tx_seq);
		x->tx_seq++;
	}
	for (i = 0; i < BATCH; i++) {
		e1000_build_ip4(f, x->d.mac, peer_mac, IPPROTO_UDP,
				FRAME_LEN - SEQ_OFF, 0);
		memcpy(f + SEQ_OFF, &x->rx_seq, sizeof(x->rx_seq));
		x->rx_seq++;
		e1000_dp_send(&x->d, NULL, f, FRAME_LEN);
	}
}

static void xchg_finish(struct xchg *x)
{
	struct kvm_e1000_stats st;
	static uint8_t buf[2048];
	struct e1000_rx_info info;

	e1000_run_to_done(&x->d.t);
	TEST_ASSERT(x->d.sh->ret[0] == BATCHES * BATCH &&
		    x->d.sh->ret[1] == BATCHES * BATCH,
		    "guest sent %lu, received %lu",
		    (unsigned long)x->d.sh->ret[0],
		    (unsigned long)x->d.sh->ret[1]);
	/* No duplicate behind the last expected frame. */
	TEST_ASSERT(!e1000_dp_recv(&x->d, &info, buf, sizeof(buf), 100),
		    "extra frame on the tap");
	E1000_DP_STATS(&x->d, &st, rx_frames, BATCHES * BATCH);
	TEST_ASSERT(st.tx_frames == BATCHES * BATCH &&
		    st.rx_frames == BATCHES * BATCH && !st.tx_dropped &&
		    !st.rx_dropped, "stats: tx %llu rx %llu drops %llu/%llu",
		    st.tx_frames, st.rx_frames, st.tx_dropped, st.rx_dropped);
}

static void run_exchange(int sidecore)
{
	struct xchg x;
	uint32_t b;

	xchg_init(&x, sidecore);
	if (sidecore != KVM_E1000_NO_SIDECORE)
		e1000_pin_off_sidecore();
	for (b = 0; b < BATCHES; b++)
		xchg_batch(&x, b);
	xchg_finish(&x);
	e1000_dp_free(&x.d);
}

TEST(mode_worker_exchange)
{
	run_exchange(KVM_E1000_NO_SIDECORE);
}

TEST(mode_sidecore_exchange)
{
	if (!e1000_have_cpu(SIDECORE))
		SKIP(return, "needs CPU %d", SIDECORE);
	run_exchange(SIDECORE);
}

/* ---- SET_SIDECORE back and forth while frames flow ---- */

struct toggler {
	int dev_fd;
	volatile bool stop;
	unsigned long moves;
	int err;
};

static void *toggle_fn(void *arg)
{
	struct toggler *t = arg;
	int cpu;

	while (!t->stop) {
		cpu = t->moves & 1 ? KVM_E1000_NO_SIDECORE : SIDECORE;
		if (ioctl(t->dev_fd, KVM_E1000_SET_SIDECORE, &cpu)) {
			t->err = errno;
			break;
		}
		t->moves++;
		usleep(300);
	}
	return NULL;
}

TEST(mode_switch_under_traffic)
{
	struct toggler tg = { 0 };
	pthread_t th;
	struct xchg x;
	uint32_t b;

	if (!e1000_have_cpu(SIDECORE))
		SKIP(return, "needs CPU %d", SIDECORE);
	xchg_init(&x, KVM_E1000_NO_SIDECORE);
	tg.dev_fd = x.d.t.dev_fd;
	ASSERT_EQ(0, pthread_create(&th, NULL, toggle_fn, &tg));
	for (b = 0; b < BATCHES; b++)
		xchg_batch(&x, b);
	tg.stop = true;
	pthread_join(th, NULL);
	EXPECT_EQ(0, tg.err);
	xchg_finish(&x);
	TH_LOG("%lu moves between worker and sidecore", tg.moves);
	EXPECT_LE(4, tg.moves);
	e1000_dp_free(&x.d);
}

/* ---- Two devices (two VMs) on one sidecore: both served ---- */

TEST(mode_two_devices_one_sidecore)
{
	static struct xchg a, c;
	uint32_t b;

	if (!e1000_have_cpu(SIDECORE))
		SKIP(return, "needs CPU %d", SIDECORE);
	xchg_init(&a, SIDECORE);
	xchg_init(&c, SIDECORE);
	e1000_pin_off_sidecore();
	/* Interleaved: each batch of one waits while the other's runs. */
	for (b = 0; b < BATCHES; b++) {
		xchg_batch(&a, b);
		xchg_batch(&c, b);
	}
	xchg_finish(&a);
	xchg_finish(&c);
	e1000_dp_free(&a.d);
	e1000_dp_free(&c.d);
}

TEST_HARNESS_MAIN
