// SPDX-License-Identifier: GPL-2.0
/*
 * Isolation between devices that share a sidecore.  Device A's TX buffer
 * lies in a memslot backed by a userfaultfd region whose faults nobody
 * resolves for a while, as in postcopy migration: the thread serving A
 * waits in that fault.  Device B, of another VM on the same sidecore CPU,
 * must keep its transmit rate meanwhile and close promptly; once the fault
 * is resolved, A's frame goes out whole.  A device blocked that way must
 * close promptly itself (sidecore or worker of its own), and so must its
 * VMM when killed, though nobody ever resolves the fault.  And a reset or
 * an engine turned off meanwhile returns only once that round is over:
 * no DMA after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/userfaultfd.h>

#include "kselftest_harness.h"
#include "e1000_test.h"

#define SH		((struct e1000_shared *)E1000_DMA_SHARED)
#define RING		256
#define BUFSZ		2048
#define TXBUF(i)	(E1000_DMA_TX_BUF + (uint64_t)(i) * BUFSZ)
#define FRAME_LEN	60
#define BURST		32
#define SIDECORE	1
#define LEG_CMD		(E1000_TXD_CMD_EOP_B | E1000_TXD_CMD_IFCS_B | \
			 E1000_TXD_CMD_RS_B)

/* A's slow memory: a memslot of its own, faults left to the test. */
#define UFFD_GPA	0x90000000ULL
#define UFFD_SLOT	11
#define UFFD_SIZE	(16 * 4096)

#define WARMUP_MS	500
#define BASE_MS		3000	/* B's rate before A blocks */
#define BLOCKED_MS	3000	/* and while A is blocked */
#define WINDOW_MS	100
#define MAX_WINDOWS	(BLOCKED_MS / WINDOW_MS)
#define MIN_FRAMES	100	/* B sends at least this many meanwhile */
#define CLOSE_MS	2000	/* a close returns within */
#define FAULT_MS	10000	/* A's serving thread faults within */
#define WAIT_MS		5000

static const uint8_t peer_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x99 };
static uint8_t page[4096] __aligned(4096);
static uint8_t rxb[2048];

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- B: a guest that transmits until told to stop (arg[1]) ---- */

static bool stop_asked(void)
{
	return READ_ONCE(SH->arg[1]);
}

static void guest_stream(uint64_t bar)
{
	volatile struct e1000_tx_desc *d;
	struct e1000_gring r;
	uint32_t pending = 0;

	e1000_guest_link_up(bar);
	e1000_guest_tx_setup(&r, bar, E1000_DMA_TX_RING, RING);
	while (!stop_asked()) {
		/* Full (one slot kept free): reclaim what DD says is done. */
		while ((r.tail + 1) % RING == r.next && !stop_asked()) {
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
		e1000_guest_tx_legacy(&r, TXBUF(r.tail), FRAME_LEN, LEG_CMD,
				      0, 0, 0);
		if (++pending == BURST) {
			e1000_guest_tx_kick(&r);
			pending = 0;
		}
	}
	GUEST_DONE();
}

static void stream_init(struct e1000_dp *b)
{
	struct e1000_dp_opts o;
	int i;

	e1000_dp_opts_init(&o);
	o.sidecore = SIDECORE;
	e1000_dp_init(b, guest_stream, &o);
	/* Count at the device, not through a packet socket's copies. */
	close(b->pkt_fd);
	b->pkt_fd = -1;
	for (i = 0; i < RING; i++)
		e1000_build_ip4(e1000_dp_hva(b, TXBUF(i)), peer_mac, b->mac,
				IPPROTO_UDP, FRAME_LEN - E1000_L4_OFF -
				E1000_UDP_HDR, i);
}

static uint64_t frames_sent(struct e1000_dp *d)
{
	struct kvm_e1000_stats st;

	e1000_get_stats(d->t.dev_fd, &st);
	return st.tx_frames + st.tx_dropped;
}

struct rate {
	uint64_t frames;
	double per_s;		/* the median of WINDOW_MS windows */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * B's rate over @ms.  The median of short windows: the L1 this runs in is
 * itself a process on a shared host, whose bursts of load would otherwise
 * decide the result.
 */
static struct rate measure(struct e1000_dp *d, int ms)
{
	double w[MAX_WINDOWS], t0, t1;
	int i, n = ms / WINDOW_MS;
	uint64_t c0, c1;
	struct rate r = { 0 };

	TEST_ASSERT(n > 0 && n <= MAX_WINDOWS, "%d windows", n);
	c0 = frames_sent(d);
	t0 = now();
	for (i = 0; i < n; i++) {
		usleep(WINDOW_MS * 1000);
		c1 = frames_sent(d);
		t1 = now();
		w[i] = (c1 - c0) / (t1 - t0);
		r.frames += c1 - c0;
		c0 = c1;
		t0 = t1;
	}
	qsort(w, n, sizeof(w[0]), cmp_double);
	r.per_s = w[n / 2];
	return r;
}

/* B up to speed: its vCPU's first exits and faults are behind it. */
static void warm_up(struct e1000_dp *d)
{
	double end = now() + WAIT_MS / 1000.0;

	while (!frames_sent(d) && now() < end)
		usleep(10000);
	usleep(WARMUP_MS * 1000);
}

/* ---- A: frames whose buffers are behind a userfaultfd ---- */

#define SLOW_PAGE(i)	(UFFD_GPA + (uint64_t)(i) * 4096)

/* arg[2] frames of arg[0] bytes, one per page of slow memory, one by one. */
static void guest_slow_frames(uint64_t bar)
{
	struct e1000_gring r;
	uint64_t i;

	e1000_guest_link_up(bar);
	e1000_guest_tx_setup(&r, bar, E1000_DMA_TX_RING, 16);
	for (i = 0; i < SH->arg[2]; i++) {
		e1000_guest_tx_legacy(&r, SLOW_PAGE(i), SH->arg[0], LEG_CMD,
				      0, 0, 0);
		e1000_guest_tx_kick(&r);
		GUEST_SYNC(i + 1);
		GUEST_ASSERT_2(e1000_guest_tx_wait(&r, WAIT_MS), i,
			       e1000_rd(bar, E1000_TDH));
	}
	GUEST_DONE();
}

struct slow_mem {
	int uffd;
	uint8_t *mem;
};

/*
 * Anonymous memory nobody has touched, registered for missing-page faults.
 * Not UFFD_USER_MODE_ONLY: the faults to catch are the kernel's, from the
 * thread that serves the device.  False: the kernel has no userfaultfd.
 */
static bool slow_mem_init(struct slow_mem *s)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

	s->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (s->uffd < 0 && errno == ENOSYS)
		return false;
	TEST_ASSERT(s->uffd >= 0, "userfaultfd: %s", strerror(errno));
	s->mem = mmap(NULL, UFFD_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(s->mem != MAP_FAILED, "mmap: %s", strerror(errno));
	TEST_ASSERT(!ioctl(s->uffd, UFFDIO_API, &api), "UFFDIO_API: %s",
		    strerror(errno));
	reg.range.start = (uintptr_t)s->mem;
	reg.range.len = UFFD_SIZE;
	TEST_ASSERT(!ioctl(s->uffd, UFFDIO_REGISTER, &reg),
		    "UFFDIO_REGISTER: %s", strerror(errno));
	return true;
}

static void slow_mem_map(struct slow_mem *s, struct e1000_dp *d)
{
	struct kvm_userspace_memory_region r = {
		.slot = UFFD_SLOT,
		.guest_phys_addr = UFFD_GPA,
		.memory_size = UFFD_SIZE,
		.userspace_addr = (uintptr_t)s->mem,
	};

	vm_ioctl(d->t.vm, KVM_SET_USER_MEMORY_REGION, &r);
}

/* A fault on the page at @addr reported on @fd within @ms? */
static bool wait_fault(int fd, const void *addr, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double end = now() + ms / 1000.0;
	struct uffd_msg msg;

	while (poll(&p, 1, (end - now()) * 1000) == 1) {
		TEST_ASSERT(read(fd, &msg, sizeof(msg)) == sizeof(msg),
			    "read(uffd): %s", strerror(errno));
		TEST_ASSERT(msg.event == UFFD_EVENT_PAGEFAULT, "uffd event %u",
			    msg.event);
		if ((msg.arg.pagefault.address & ~4095ULL) == (uintptr_t)addr)
			return true;
	}
	return false;
}

/* Resolve the fault at @mem: the frame's bytes arrive, as in postcopy. */
static int resolve(int fd, uint8_t *mem)
{
	struct uffdio_copy c = {
		.dst = (uintptr_t)mem,
		.src = (uintptr_t)page,
		.len = sizeof(page),
	};

	return ioctl(fd, UFFDIO_COPY, &c) && errno != EEXIST ? -errno : 0;
}

/* A, its guest running @code, to send @frames frames from slow memory. */
static void slow_init_code(struct e1000_dp *a, struct slow_mem *s,
			   int sidecore, int frames, void *code)
{
	struct e1000_dp_opts o;

	e1000_dp_opts_init(&o);
	o.sidecore = sidecore;
	e1000_dp_init(a, code, &o);
	slow_mem_map(s, a);
	a->sh->arg[0] = e1000_build_ip4(page, peer_mac, a->mac, IPPROTO_UDP,
					200, 7);
	a->sh->arg[2] = frames;
}

static void slow_init(struct e1000_dp *a, struct slow_mem *s, int sidecore,
		      int frames)
{
	slow_init_code(a, s, sidecore, frames, guest_slow_frames);
}

/* A's guest queues its frame, kicks and stops. */
static void blocked_init(struct e1000_dp *a, struct slow_mem *s, int sidecore)
{
	slow_init(a, s, sidecore, 1);
	e1000_pin_off_sidecore();
	e1000_expect_sync(&a->t, 1);
}

/* ---- Closing a device fd from another thread, with a deadline ---- */

struct closer {
	pthread_t th;
	int fd;
	bool done;
	double took;
};

static void *close_fn(void *arg)
{
	struct closer *c = arg;
	double t0 = now();

	close(c->fd);
	c->took = now() - t0;
	WRITE_ONCE(c->done, true);
	return NULL;
}

/* Start closing @fd; true if that returned within @ms. */
static bool close_within(struct closer *c, int fd, int ms)
{
	double end = now() + ms / 1000.0;

	c->fd = fd;
	WRITE_ONCE(c->done, false);
	TEST_ASSERT(!pthread_create(&c->th, NULL, close_fn, c),
		    "pthread_create");
	while (!READ_ONCE(c->done) && now() < end)
		usleep(1000);
	return READ_ONCE(c->done);
}

FIXTURE(sidecore) {
	struct slow_mem s;
	bool ready;		/* not skipped: this harness runs the test anyway */
};

FIXTURE_SETUP(sidecore)
{
	if (!e1000_have_cpu(SIDECORE))
		SKIP(return, "needs CPU %d", SIDECORE);
	if (!slow_mem_init(&self->s))
		SKIP(return, "no userfaultfd in this kernel");
	self->ready = true;
}

FIXTURE_TEARDOWN(sidecore)
{
	if (self->ready) {
		close(self->s.uffd);
		munmap(self->s.mem, UFFD_SIZE);
	}
}

/* ---- B keeps its rate and closes while A waits for its memory ---- */

/* A's next frame out, whole. */
static void expect_slow_frame(struct e1000_dp *a)
{
	struct e1000_rx_info info;
	int n = e1000_dp_recv(a, &info, rxb, sizeof(rxb), WAIT_MS);

	TEST_ASSERT(n == (int)a->sh->arg[0], "A's frame: %d bytes", n);
	TEST_ASSERT(!memcmp(rxb, page, n), "A's frame: bytes differ");
}

/*
 * B's rate is measured before A blocks, while A is blocked and after A's
 * fault is resolved: the bracket makes up for a host whose speed drifts.
 * A blocks again on its second frame for B's close.
 */
TEST_F_TIMEOUT(sidecore, neighbour_keeps_rate_while_blocked, 300)
{
	static struct e1000_dp a, b;
	struct rate before, blocked, after;
	struct kvm_e1000_stats st;
	uint8_t *mem = self->s.mem;
	struct closer c;
	double normal;
	bool closed;
	pthread_t vb;

	if (!self->ready)
		return;

	/* A first: its packet socket sees no frame of B before its bind. */
	slow_init(&a, &self->s, SIDECORE, 2);
	stream_init(&b);
	e1000_pin_off_sidecore();
	ASSERT_EQ(0, pthread_create(&vb, NULL, e1000_vcpu_thread, &b));
	warm_up(&b);
	before = measure(&b, BASE_MS);
	ASSERT_LT(0, before.frames);

	/* A's ring kicked: the sidecore reaches the buffer and waits. */
	e1000_expect_sync(&a.t, 1);
	ASSERT_TRUE(wait_fault(self->s.uffd, mem, FAULT_MS));
	blocked = measure(&b, BLOCKED_MS);
	ASSERT_EQ(0, resolve(self->s.uffd, mem));
	expect_slow_frame(&a);
	after = measure(&b, BASE_MS);
	normal = before.per_s < after.per_s ? before.per_s : after.per_s;
	TH_LOG("B: %.0f frames/s before, %.0f while A waited (%lu frames in %d ms), %.0f after",
	       before.per_s, blocked.per_s, (unsigned long)blocked.frames,
	       BLOCKED_MS, after.per_s);

	/* A blocks again; B's guest stops, and B's device goes meanwhile. */
	e1000_expect_sync(&a.t, 2);
	ASSERT_TRUE(wait_fault(self->s.uffd, mem + 4096, FAULT_MS));
	WRITE_ONCE(b.sh->arg[1], 1);
	pthread_join(vb, NULL);
	closed = close_within(&c, b.t.dev_fd, CLOSE_MS);
	b.t.dev_fd = -1;
	ASSERT_EQ(0, resolve(self->s.uffd, mem + 4096));
	pthread_join(c.th, NULL);
	TH_LOG("B's close took %.3f s", c.took);
	e1000_run_to_done(&a.t);
	expect_slow_frame(&a);
	E1000_DP_STATS(&a, &st, tx_frames, 2);
	EXPECT_EQ(2, st.tx_frames);
	EXPECT_EQ(0, st.dma_errors);

	EXPECT_GE(blocked.per_s, normal / 2);
	EXPECT_LE(MIN_FRAMES, blocked.frames);
	EXPECT_TRUE(closed);
	e1000_dp_free(&a);
	e1000_dp_free(&b);
}

/* ---- Receiving into slow memory: the write side of the same path ---- */

/* The guest's side: a receive ring whose buffers are in slow memory. */
static void guest_rx_slow_ring(uint64_t bar, struct e1000_gring *r)
{
	e1000_guest_link_up(bar);
	e1000_guest_rx_setup(r, bar, E1000_DMA_RX_RING, 8, UFFD_GPA, BUFSZ,
			     E1000_RCTL_BAM | E1000_RCTL_SZ_2048 |
			     E1000_RCTL_SECRC);
	GUEST_SYNC(1);
}

static void guest_rx_one(uint64_t bar)
{
	struct e1000_rx_desc *d;
	struct e1000_gring r;

	guest_rx_slow_ring(bar, &r);
	d = e1000_guest_rx_wait(&r, WAIT_MS);
	GUEST_ASSERT(d);
	SH->ret[0] = d->length;
	GUEST_DONE();
}

/*
 * A on the sidecore, its guest running @code up to GUEST_SYNC(1) (its
 * buffers in slow memory), then one frame for it from the tap: built in
 * @f (300 bytes), its length returned.
 */
static size_t slow_rx_start(struct e1000_dp *a, struct slow_mem *s,
			    void *code, uint8_t *f)
{
	struct e1000_dp_opts o;
	size_t len;

	e1000_dp_opts_init(&o);
	o.sidecore = SIDECORE;
	e1000_dp_init(a, code, &o);
	slow_mem_map(s, a);
	e1000_pin_off_sidecore();
	e1000_expect_sync(&a->t, 1);
	len = e1000_build_ip4(f, a->mac, peer_mac, IPPROTO_UDP, 200, 9);
	e1000_dp_send(a, NULL, f, len);
	return len;
}

TEST_F_TIMEOUT(sidecore, receive_into_slow_memory, 120)
{
	static struct e1000_dp a;
	uint8_t f[300];
	size_t len;

	if (!self->ready)
		return;

	len = slow_rx_start(&a, &self->s, guest_rx_one, f);
	ASSERT_TRUE(wait_fault(self->s.uffd, self->s.mem, FAULT_MS));
	memset(page, 0xa5, sizeof(page));
	ASSERT_EQ(0, resolve(self->s.uffd, self->s.mem));
	e1000_run_to_done(&a.t);
	ASSERT_EQ(len, a.sh->ret[0]);
	EXPECT_EQ(0, memcmp(self->s.mem, f, len));
	e1000_dp_free(&a);
}

/*
 * ---- No DMA once the guest took the memory back ----
 *
 * A driver going down resets its function (or turns the engine off) and
 * frees the rings and buffers right after: a real 82540EM does no DMA
 * after its reset.  Here the device's round is held in a fault of slow
 * memory while the guest's write comes; the fault is resolved LATE_MS
 * later.  The write must not return before the round is over: whatever
 * the device writes after it would land in memory the guest has reused
 * (a descriptor's DD bit in a page table, in one end-to-end run).
 */
#define LATE_MS		300

/*
 * arg[3] = arg[4] (the write that takes the memory back); then the status
 * byte the device left (ret[0]) is cleared, and read again (ret[1]) after
 * the host resolved the fault and waited LATE_MS more.
 */
static void take_back(uint64_t bar, volatile uint8_t *status)
{
	e1000_wr(bar, SH->arg[3], SH->arg[4]);
	SH->ret[0] = *status;
	*status = 0;
	GUEST_SYNC(2);
	SH->ret[1] = *status;
	GUEST_DONE();
}

/* One frame from slow memory, then the reset. */
static void guest_tx_then_reset(uint64_t bar)
{
	struct e1000_tx_desc *d;
	struct e1000_gring r;

	e1000_guest_link_up(bar);
	e1000_guest_tx_setup(&r, bar, E1000_DMA_TX_RING, 16);
	d = e1000_gdesc(&r, 0);
	e1000_guest_tx_legacy(&r, SLOW_PAGE(0), SH->arg[0], LEG_CMD, 0, 0, 0);
	e1000_guest_tx_kick(&r);
	GUEST_SYNC(1);
	take_back(bar, &d->status);
}

/* Buffers in slow memory, the frame on its way, then the receiver off. */
static void guest_rx_then_off(uint64_t bar)
{
	struct e1000_gring r;

	guest_rx_slow_ring(bar, &r);
	take_back(bar, &((struct e1000_rx_desc *)e1000_gdesc(&r, 0))->status);
}

struct resolver {
	pthread_t th;
	struct slow_mem *s;
	int ret;
};

static void *resolve_late(void *arg)
{
	struct resolver *r = arg;

	usleep(LATE_MS * 1000);
	r->ret = resolve(r->s->uffd, r->s->mem);
	return NULL;
}

/* @a's guest is at GUEST_SYNC(1), its device's round on its way to the fault. */
static void expect_no_late_dma(struct slow_mem *s, struct e1000_dp *a,
			       const char *what)
{
	struct resolver r = { .s = s };
	double t0;

	TEST_ASSERT(wait_fault(s->uffd, s->mem, FAULT_MS),
		    "no fault on the slow buffer");
	TEST_ASSERT(!pthread_create(&r.th, NULL, resolve_late, &r),
		    "pthread_create");
	t0 = now();
	e1000_expect_sync(&a->t, 2);
	ksft_print_msg("%s returned after %.3f s, DD %s\n", what, now() - t0,
		       a->sh->ret[0] ? "already written" : "not written");
	pthread_join(r.th, NULL);
	TEST_ASSERT(!r.ret, "UFFDIO_COPY: %s", strerror(-r.ret));
	/* A write the round still had to make lands meanwhile. */
	usleep(LATE_MS * 1000);
	e1000_run_to_done(&a->t);
	TEST_ASSERT(!a->sh->ret[1],
		    "the device wrote status 0x%lx after %s had returned",
		    (unsigned long)a->sh->ret[1], what);
}

TEST_F_TIMEOUT(sidecore, reset_waits_for_tx_dma, 120)
{
	static struct e1000_dp a;

	if (!self->ready)
		return;
	slow_init_code(&a, &self->s, KVM_E1000_NO_SIDECORE, 1,
		       guest_tx_then_reset);
	a.sh->arg[3] = E1000_CTRL;
	a.sh->arg[4] = E1000_CTRL_RST;
	e1000_pin_off_sidecore();
	e1000_expect_sync(&a.t, 1);
	expect_no_late_dma(&self->s, &a, "CTRL.RST");
	e1000_dp_free(&a);
}

TEST_F_TIMEOUT(sidecore, rx_off_waits_for_rx_dma, 120)
{
	static struct e1000_dp a;
	uint8_t f[300];

	if (!self->ready)
		return;
	slow_rx_start(&a, &self->s, guest_rx_then_off, f);
	a.sh->arg[3] = E1000_RCTL;
	a.sh->arg[4] = 0;
	expect_no_late_dma(&self->s, &a, "RCTL.EN cleared");
	e1000_dp_free(&a);
}

/* ---- The blocked device itself closes promptly ---- */

static void close_blocked(struct slow_mem *s, int sidecore)
{
	static struct e1000_dp a;
	struct closer c;
	bool closed;

	blocked_init(&a, s, sidecore);
	TEST_ASSERT(wait_fault(s->uffd, s->mem, FAULT_MS),
		    "no fault on A's buffer");
	closed = close_within(&c, a.t.dev_fd, CLOSE_MS);
	a.t.dev_fd = -1;
	/* Let a close that waits for the fault finish, to report it. */
	TEST_ASSERT(!resolve(s->uffd, s->mem), "UFFDIO_COPY: %s",
		    strerror(errno));
	pthread_join(c.th, NULL);
	ksft_print_msg("A's close took %.3f s\n", c.took);
	TEST_ASSERT(closed, "close took %.3f s", c.took);
	e1000_dp_free(&a);
}

TEST_F_TIMEOUT(sidecore, blocked_device_closes_sidecore, 120)
{
	if (!self->ready)
		return;
	close_blocked(&self->s, SIDECORE);
}

TEST_F_TIMEOUT(sidecore, blocked_device_closes_worker, 120)
{
	if (!self->ready)
		return;
	close_blocked(&self->s, KVM_E1000_NO_SIDECORE);
}

/*
 * ---- Its VMM killed, the fault never resolved ----
 *
 * The VMM (a child) has its device wait on its slow memory and is killed;
 * the test holds a copy of the child's userfaultfd, as a postcopy helper
 * would, so the fault stays pending while the VMM's files are closed.
 */
struct vmm_report {
	int uffd;		/* in the child */
	uint8_t *mem;
};

static void vmm_child(int report)
{
	static struct e1000_dp a;
	struct vmm_report r;
	struct slow_mem s;

	/* A child does not inherit the registration: a region of its own. */
	TEST_ASSERT(slow_mem_init(&s), "no userfaultfd");
	blocked_init(&a, &s, SIDECORE);
	TEST_ASSERT(wait_fault(s.uffd, s.mem, FAULT_MS),
		    "no fault on A's buffer");
	r.uffd = s.uffd;
	r.mem = s.mem;
	TEST_ASSERT(write(report, &r, sizeof(r)) == sizeof(r), "write: %s",
		    strerror(errno));
	pause();
}

static bool reaped_within(pid_t pid, int ms)
{
	double end = now() + ms / 1000.0;

	do {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return true;
		usleep(1000);
	} while (now() < end);
	return false;
}

TEST_F_TIMEOUT(sidecore, vmm_killed_while_blocked, 120)
{
	struct vmm_report r;
	int p[2], pidfd, uffd;
	bool exited;
	double t0;
	pid_t pid;

	if (!self->ready)
		return;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		vmm_child(p[1]);
		_exit(0);
	}
	ASSERT_EQ(sizeof(r), read(p[0], &r, sizeof(r)));
	pidfd = syscall(__NR_pidfd_open, pid, 0);
	ASSERT_LE(0, pidfd);
	uffd = syscall(__NR_pidfd_getfd, pidfd, r.uffd, 0);
	ASSERT_LE(0, uffd);
	t0 = now();
	kill(pid, SIGKILL);
	exited = reaped_within(pid, CLOSE_MS);
	TH_LOG("the VMM %s %.3f s after SIGKILL",
	       exited ? "was gone" : "was still there", now() - t0);
	if (!exited) {
		/* Unwedge it, to report rather than hang. */
		resolve(uffd, r.mem);
		waitpid(pid, NULL, 0);
	}
	close(uffd);
	close(pidfd);
	close(p[0]);
	close(p[1]);
	EXPECT_TRUE(exited);
}

/*
 * ---- Memory that is merely not mapped yet ----
 *
 * Guest RAM the VMM never touched, in a memfd: the first access of each
 * page is a fault that does not wait for anybody, but still one the
 * sidecore takes in a thread of its own (no userfaultfd needed, so this
 * also runs where there is none).  TX from such a page, RX into another.
 */
static void guest_first_touch(uint64_t bar)
{
	struct e1000_gring tx, rx;
	struct e1000_rx_desc *d;

	e1000_guest_link_up(bar);
	e1000_guest_tx_setup(&tx, bar, E1000_DMA_TX_RING, 16);
	e1000_guest_rx_setup(&rx, bar, E1000_DMA_RX_RING, 8, SLOW_PAGE(1),
			     BUFSZ, E1000_RCTL_BAM | E1000_RCTL_SZ_2048 |
			     E1000_RCTL_SECRC);
	e1000_guest_tx_legacy(&tx, SLOW_PAGE(0), SH->arg[0], LEG_CMD, 0, 0, 0);
	e1000_guest_tx_kick(&tx);
	GUEST_ASSERT(e1000_guest_tx_wait(&tx, WAIT_MS));
	GUEST_SYNC(1);
	d = e1000_guest_rx_wait(&rx, WAIT_MS);
	GUEST_ASSERT(d);
	SH->ret[0] = d->length;
	GUEST_DONE();
}

/* The sidecore's threads: its poller, spares, any finishing a pass. */
static int sidecore_threads(void)
{
	char cmd[96];
	FILE *f;
	int n;

	snprintf(cmd, sizeof(cmd), "grep -lx 'kvm-e1000-sc/%d' /proc/[0-9]*/comm | wc -l",
		 SIDECORE);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	pclose(f);
	return n;
}

TEST(first_touch_of_guest_memory)
{
	static struct e1000_dp a;
	uint8_t f[300], got[300];
	struct e1000_dp_opts o;
	struct slow_mem s;
	size_t len;
	int fd;

	if (!e1000_have_cpu(SIDECORE))
		SKIP(return, "needs CPU %d", SIDECORE);
	fd = memfd_create("e1000-first-touch", MFD_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, UFFD_SIZE));
	len = e1000_build_ip4(page, peer_mac, peer_mac, IPPROTO_UDP, 200, 11);
	/* The frame goes into the file, not through the mapping. */
	ASSERT_EQ(len, pwrite(fd, page, len, 0));
	s.uffd = -1;
	s.mem = mmap(NULL, UFFD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, s.mem);

	e1000_dp_opts_init(&o);
	o.sidecore = SIDECORE;
	e1000_dp_init(&a, guest_first_touch, &o);
	slow_mem_map(&s, &a);
	a.sh->arg[0] = len;
	e1000_pin_off_sidecore();
	e1000_expect_sync(&a.t, 1);
	expect_slow_frame(&a);
	TH_LOG("%d sidecore threads after the first fault", sidecore_threads());

	len = e1000_build_ip4(f, a.mac, peer_mac, IPPROTO_UDP, 200, 12);
	e1000_dp_send(&a, NULL, f, len);
	e1000_run_to_done(&a.t);
	ASSERT_EQ(len, a.sh->ret[0]);
	ASSERT_EQ(len, pread(fd, got, len, 4096));
	EXPECT_EQ(0, memcmp(got, f, len));
	e1000_dp_free(&a);
	munmap(s.mem, UFFD_SIZE);
	close(fd);
}

TEST_HARNESS_MAIN
