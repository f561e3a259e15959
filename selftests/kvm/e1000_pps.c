// SPDX-License-Identifier: GPL-2.0
/*
 * A small transmit benchmark, not a test: the guest sends N minimum-size
 * frames as fast as it can through a 256-descriptor ring, reclaiming
 * descriptors by their DD bit and ringing TDT every BURST frames (as a
 * driver does with xmit_more); the host counts the frames that reach the
 * tap and prints frames per second, with a per-device worker and with a
 * sidecore on CPU 1.
 *
 *   e1000_pps [FRAMES]        (default 100000)
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include "e1000_test.h"

#define SH		((struct e1000_shared *)E1000_DMA_SHARED)
#define RING		256
#define BUFSZ		2048
#define TXBUF(i)	(E1000_DMA_TX_BUF + (uint64_t)(i) * BUFSZ)
#define FRAME_LEN	60
#define BURST		32
#define SIDECORE	1

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x99 };

static void guest_pps(uint64_t bar)
{
	uint64_t n = SH->arg[0], sent = 0;
	volatile struct e1000_tx_desc *d;
	struct e1000_gring r;
	uint32_t pending = 0;

	e1000_guest_link_up(bar);
	e1000_guest_tx_setup(&r, bar, E1000_DMA_TX_RING, RING);
	GUEST_SYNC(1);
	while (sent < n) {
		/* Full (one slot kept free): reclaim what DD says is done. */
		while ((r.tail + 1) % RING == r.next) {
			d = e1000_gdesc(&r, r.next);
			if (d->status & E1000_TXD_STAT_DD) {
				d->status = 0;
				r.next = (r.next + 1) % RING;
			} else if (pending) {
				e1000_guest_tx_kick(&r);
				pending = 0;
			} else {
				cpu_relax();
			}
		}
		e1000_guest_tx_legacy(&r, TXBUF(r.tail), FRAME_LEN,
				      E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_IFCS_B |
				      E1000_TXD_CMD_RS_B, 0, 0, 0);
		sent++;
		if (++pending == BURST) {
			e1000_guest_tx_kick(&r);
			pending = 0;
		}
	}
	e1000_guest_tx_kick(&r);
	GUEST_DONE();
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct counter {
	int dev_fd;
	uint64_t want;
	double first, last;	/* times the count left 0 and reached want */
	uint64_t got;
};

/* Poll the device's tx_frames (frames the tap took) every 100 us. */
static void *count_fn(void *arg)
{
	struct counter *c = arg;
	struct kvm_e1000_stats st;
	double deadline = now() + 120;

	while (now() < deadline) {
		e1000_get_stats(c->dev_fd, &st);
		c->got = st.tx_frames + st.tx_dropped;
		if (c->got && !c->first)
			c->first = now();
		if (c->got >= c->want) {
			c->last = now();
			break;
		}
		usleep(100);
	}
	return NULL;
}

static void run(const char *name, int sidecore, uint64_t frames)
{
	struct counter c = { 0 };
	struct kvm_e1000_stats st;
	struct e1000_dp_opts o;
	struct e1000_dp d;
	pthread_t th;
	double t0;
	int i;

	e1000_dp_opts_init(&o);
	o.sidecore = sidecore;
	e1000_dp_init(&d, guest_pps, &o);
	/*
	 * The vCPU on CPU 0, the sidecore alone on its CPU: after creating the
	 * device, since only a caller that may run on a CPU may name it.
	 */
	if (sidecore != KVM_E1000_NO_SIDECORE)
		e1000_pin_off_sidecore();
	/* Count at the device, not through a packet socket's copies. */
	close(d.pkt_fd);
	d.pkt_fd = -1;
	for (i = 0; i < RING; i++)
		e1000_build_ip4(e1000_dp_hva(&d, TXBUF(i)), peer_mac, d.mac,
				IPPROTO_UDP, FRAME_LEN - E1000_L4_OFF -
				E1000_UDP_HDR, i);
	d.sh->arg[0] = frames;
	e1000_expect_sync(&d.t, 1);
	c.dev_fd = d.t.dev_fd;
	c.want = frames;
	TEST_ASSERT(!pthread_create(&th, NULL, count_fn, &c), "pthread_create");
	t0 = now();
	e1000_run_to_done(&d.t);
	pthread_join(th, NULL);
	e1000_get_stats(d.t.dev_fd, &st);
	if (c.got < frames || c.last <= t0) {
		printf("%-9s only %lu of %lu frames arrived\n", name,
		       (unsigned long)c.got, (unsigned long)frames);
	} else {
		printf("%-9s %lu frames in %.3f s: %.0f frames/s (tap took %llu, dropped %llu)\n",
		       name, (unsigned long)frames, c.last - t0,
		       frames / (c.last - t0), st.tx_frames, st.tx_dropped);
	}
	fflush(stdout);
	e1000_dp_free(&d);
}

int main(int argc, char **argv)
{
	uint64_t frames = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000;
	printf("e1000_pps: %lu frames of %d bytes, %d-descriptor ring, TDT every %d\n",
	       (unsigned long)frames, FRAME_LEN, RING, BURST);
	run("worker", KVM_E1000_NO_SIDECORE, frames);
	if (sysconf(_SC_NPROCESSORS_ONLN) <= SIDECORE) {
		printf("sidecore: skipped, no CPU %d\n", SIDECORE);
		return 0;
	}
	run("sidecore", SIDECORE, frames);
	return 0;
}
