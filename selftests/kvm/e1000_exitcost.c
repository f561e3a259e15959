// SPDX-License-Identifier: GPL-2.0
/*
 * What one VM exit costs on this host, a benchmark for `make bench`, not a
 * test.  The guest repeats one kind of access N times between two syncs;
 * the host times each batch, in wall time and in the CPU time of the vCPU
 * thread (the guest's time and KVM's handling both run there):
 *
 *   ram     a load from guest RAM: the loop alone, no exit
 *   cpuid   an exit KVM answers without decoding an instruction
 *   status  a STATUS read: an MMIO exit that KVM decodes and kvm-e1000
 *           answers on KVM's io bus
 *   irq     the accesses of Linux's e1000 for each interrupt: ICR read,
 *           IMC write, STATUS read (flush), IMS write, STATUS read
 *   pages   a load from each of WS_PAGES pages: a working set, no exit
 *   pages_status
 *           the same loads, then a STATUS read: what an exit costs a
 *           guest whose code touches more than one page, when the exit
 *           leaves its TLB cold (nested TCG's softmmu TLB does not
 *           survive a world switch; real hardware's may, tagged by ASID)
 *
 * Every MMIO access must reach the device: its mmio_reads and mmio_writes
 * counters are checked against the count.  One line per kind:
 *
 *   exitcost: KIND OPS ops, WALL ns wall, CPU ns cpu per op
 *
 *   e1000_exitcost [OPS]        (default 20000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "e1000_test.h"

#define SH		((struct e1000_shared *)E1000_DMA_SHARED)
#define RAM_WORD	((volatile uint32_t *)E1000_DMA_SCRATCH)
/* The pages kinds' working set: 512 KiB of the scratch area. */
#define WS_PAGES	128
#define WS_PAGE		4096

enum { K_RAM = 1, K_CPUID, K_STATUS, K_IRQ, K_PAGES, K_PAGES_STATUS, K_NR };

static const char *const kind_name[K_NR] = {
	[K_RAM] = "ram", [K_CPUID] = "cpuid", [K_STATUS] = "status",
	[K_IRQ] = "irq", [K_PAGES] = "pages", [K_PAGES_STATUS] = "pages_status",
};

/* Device accesses each op of a kind makes: reads, writes. */
static const unsigned int kind_mmio[K_NR][2] = {
	[K_STATUS] = { 1, 0 }, [K_IRQ] = { 3, 2 }, [K_PAGES_STATUS] = { 1, 0 },
};

static void guest_pages(void)
{
	volatile uint8_t *p = (volatile uint8_t *)E1000_DMA_SCRATCH;
	unsigned int j;

	for (j = 0; j < WS_PAGES; j++)
		(void)p[j * WS_PAGE];
}

static void guest_irq_path(uint64_t bar)
{
	e1000_rd(bar, E1000_ICR);
	e1000_wr(bar, E1000_IMC, ~0u);
	e1000_rd(bar, E1000_STATUS);
	e1000_wr(bar, E1000_IMS, 0);	/* enables nothing: IMS |= 0 */
	e1000_rd(bar, E1000_STATUS);
}

static void guest_cost(uint64_t bar)
{
	uint64_t n = SH->arg[0], i;
	uint32_t a, b, c, d;

	/* A sync before each batch: the host's clock runs between two. */
	GUEST_SYNC(K_RAM);
	for (i = 0; i < n; i++)
		(void)*RAM_WORD;
	GUEST_SYNC(K_CPUID);
	for (i = 0; i < n; i++)
		cpuid(0, &a, &b, &c, &d);
	GUEST_SYNC(K_STATUS);
	for (i = 0; i < n; i++)
		e1000_rd(bar, E1000_STATUS);
	GUEST_SYNC(K_IRQ);
	for (i = 0; i < n; i++)
		guest_irq_path(bar);
	GUEST_SYNC(K_PAGES);
	for (i = 0; i < n; i++)
		guest_pages();
	GUEST_SYNC(K_PAGES_STATUS);
	for (i = 0; i < n; i++) {
		guest_pages();
		e1000_rd(bar, E1000_STATUS);
	}
	GUEST_DONE();
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000;
	uint64_t w0, c0, w, c, reads, writes;
	struct kvm_e1000_stats st;
	struct e1000_dp_opts o;
	struct e1000_dp d;
	int k;

	TEST_ASSERT(n > 0, "OPS must be positive");
	e1000_dp_opts_init(&o);
	e1000_dp_init(&d, guest_cost, &o);
	d.sh->arg[0] = n;
	e1000_expect_sync(&d.t, K_RAM);
	e1000_get_stats(d.t.dev_fd, &st);
	for (k = K_RAM; k < K_NR; k++) {
		reads = st.mmio_reads;
		writes = st.mmio_writes;
		/* From here to the next sync: batch k, and one sync's exit. */
		w0 = clock_ns(CLOCK_MONOTONIC);
		c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		if (k + 1 == K_NR)
			e1000_run_to_done(&d.t);
		else
			e1000_expect_sync(&d.t, k + 1);
		w = clock_ns(CLOCK_MONOTONIC) - w0;
		c = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
		e1000_get_stats(d.t.dev_fd, &st);
		TEST_ASSERT(st.mmio_reads - reads == n * kind_mmio[k][0] &&
			    st.mmio_writes - writes == n * kind_mmio[k][1],
			    "%s: %llu reads and %llu writes reached the device, not %lu and %lu",
			    kind_name[k], st.mmio_reads - reads, st.mmio_writes - writes,
			    (unsigned long)(n * kind_mmio[k][0]),
			    (unsigned long)(n * kind_mmio[k][1]));
		printf("exitcost: %s %lu ops, %lu ns wall, %lu ns cpu per op\n",
		       kind_name[k], (unsigned long)n, (unsigned long)(w / n),
		       (unsigned long)(c / n));
	}
	e1000_dp_free(&d);
	return 0;
}
