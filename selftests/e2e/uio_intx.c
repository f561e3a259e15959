// SPDX-License-Identifier: GPL-2.0
/*
 * e2e-uio-intx: PCI 2.3 INTx masking seen from inside an L2 guest, the way
 * a userspace driver on uio_pci_generic lives with it.  Built statically on
 * the host into the L2 image (tools/testbed/l2/build-image.sh); run by
 * selftests/e2e/run.sh once uio_pci_generic owns the NIC:
 *
 *   e2e-uio-intx /sys/bus/pci/devices/BDF /dev/uioN
 *
 * BAR0 comes from the device's resource0, the interrupt count from
 * /dev/uioN.  uio_pci_generic's handler masks the line with COMMAND.
 * Interrupt Disable when STATUS.Interrupt Status says the device asks; the
 * program unmasks through the device's config file, as the kernel's
 * uio-howto shows (uio_pci_generic has no irqcontrol: a write to /dev/uioN
 * does nothing there).  Every step checks the count and both bits, and the
 * total at the end must be exact: no storm while masked, no cause lost.
 * Prints one line per step; exits 0 only if every check held.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "compat.h"
#include "e1000_hw.h"

/* An interrupt must arrive within this; nested TCG is slow. */
#define IRQ_WAIT_MS	10000
/* How long a masked or idle line must stay quiet. */
#define QUIET_MS	1000

static volatile u32 *bar;
static int cfg_fd, uio_fd;
static u32 count;		/* interrupts uio reported so far */
static u32 expected;		/* interrupts the steps caused */
static int failures;

static void check(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	if (!ok)
		failures++;
}

static u32 reg_rd(u32 off)
{
	return bar[off / 4];
}

static void reg_wr(u32 off, u32 val)
{
	bar[off / 4] = val;
	/* Posted: a read makes sure the write reached the device. */
	(void)reg_rd(E1000_STATUS);
}

static u16 cfg_rd16(u32 off)
{
	u16 v = 0xffff;

	if (pread(cfg_fd, &v, sizeof(v), off) != sizeof(v))
		perror("config read");
	return le16_to_cpu(v);
}

static void cfg_wr8(u32 off, u8 v)
{
	if (pwrite(cfg_fd, &v, sizeof(v), off) != sizeof(v))
		perror("config write");
}

static int intx_disabled(void)
{
	return !!(cfg_rd16(PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
}

static int intx_status(void)
{
	return !!(cfg_rd16(PCI_STATUS) & PCI_STATUS_INTERRUPT);
}

/* COMMAND.Interrupt Disable through its byte, as uio-howto does. */
static void set_intx_disable(int on)
{
	u8 hi = cfg_rd16(PCI_COMMAND) >> 8;
	u8 bit = PCI_COMMAND_INTX_DISABLE >> 8;

	cfg_wr8(PCI_COMMAND + 1, on ? hi | bit : hi & ~bit);
}

/* Wait up to @ms for uio to report an interrupt; 1 if one came. */
static int wait_irq(int ms)
{
	struct pollfd p = { .fd = uio_fd, .events = POLLIN };
	u32 n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	if (read(uio_fd, &n, sizeof(n)) != sizeof(n)) {
		perror("read uio");
		return 0;
	}
	count = n;
	return 1;
}

/* An interrupt is due: it arrives, once, and leaves the line masked. */
static void expect_irq(const char *why)
{
	char what[160];
	int got = wait_irq(IRQ_WAIT_MS);

	expected++;
	snprintf(what, sizeof(what), "%s: interrupt counted (uio count %u)",
		 why, count);
	check(got, what);
	check(intx_disabled(), "uio_pci_generic's handler set Interrupt Disable");
}

static void expect_quiet(const char *why)
{
	char what[160];

	snprintf(what, sizeof(what), "%s: no interrupt for %d ms", why,
		 QUIET_MS);
	check(!wait_irq(QUIET_MS), what);
}

/* The uio device's count so far, from sysfs: reads of the fd only wait. */
static u32 uio_event_count(const char *node)
{
	const char *name = strrchr(node, '/');
	char path[256];
	unsigned int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/uio/%s/event",
		 name ? name + 1 : node);
	f = fopen(path, "r");
	if (!f || fscanf(f, "%u", &n) != 1)
		perror(path);
	if (f)
		fclose(f);
	return n;
}

static void *map_bar0(const char *dev)
{
	char path[256];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "%s/resource0", dev);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		perror(path);
		return NULL;
	}
	p = mmap(NULL, E1000_MMIO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror("mmap resource0");
		return NULL;
	}
	return p;
}

int main(int argc, char **argv)
{
	char path[256];
	u32 base, icr;
	s32 one = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: %s /sys/bus/pci/devices/BDF /dev/uioN\n",
			argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(path, sizeof(path), "%s/config", argv[1]);
	cfg_fd = open(path, O_RDWR);
	uio_fd = open(argv[2], O_RDWR);
	bar = map_bar0(argv[1]);
	if (cfg_fd < 0 || uio_fd < 0 || !bar) {
		perror("open");
		return 1;
	}

	count = uio_event_count(argv[2]);
	printf("info: uio count %u at start\n", count);

	/* Quiet device, line unmasked: nothing pending, nothing comes. */
	reg_wr(E1000_IMC, ~0U);
	(void)reg_rd(E1000_ICR);
	set_intx_disable(0);
	check(!intx_disabled(), "Interrupt Disable cleared");
	check(!intx_status(), "STATUS.Interrupt Status clear, no cause");
	expect_quiet("idle");
	base = count;

	/* An enabled cause, fired: one interrupt, then the line masked. */
	reg_wr(E1000_IMS, E1000_ICR_LSC);
	reg_wr(E1000_ICS, E1000_ICR_LSC);
	expect_irq("LSC fired");
	check(intx_status(), "STATUS.Interrupt Status set while masked");
	expect_quiet("cause pending, INTx masked");

	/* Unmasked with the cause still pending: it was not lost. */
	set_intx_disable(0);
	expect_irq("unmasked with LSC pending");
	expect_quiet("masked again");

	/* The cause cleared: unmasking brings nothing. */
	icr = reg_rd(E1000_ICR);
	check(icr & E1000_ICR_LSC, "ICR held LSC until read");
	check(!intx_status(), "STATUS.Interrupt Status clear after ICR read");
	set_intx_disable(0);
	expect_quiet("unmasked, nothing pending");

	/* Masked by software first, then a cause: seen in STATUS only. */
	set_intx_disable(1);
	reg_wr(E1000_ICS, E1000_ICR_LSC);
	check(intx_status(), "STATUS.Interrupt Status set behind the mask");
	expect_quiet("software masked, LSC fired");
	set_intx_disable(0);
	expect_irq("software unmasked");

	/* uio_pci_generic has no irqcontrol: the fd cannot unmask. */
	if (write(uio_fd, &one, sizeof(one)) < 0)
		printf("info: write to %s: %s (uio_pci_generic has no irqcontrol)\n",
		       argv[2], strerror(errno));

	/* Leave it as found: causes off and read, line unmasked. */
	reg_wr(E1000_IMC, ~0U);
	(void)reg_rd(E1000_ICR);
	set_intx_disable(0);
	expect_quiet("quiesced");
	check(count - base == expected, "interrupt count exact: no storm, none lost");
	printf("uio-intx: %u interrupts counted, %u expected, %d failure(s)\n",
	       count - base, expected, failures);
	return failures ? 1 : 0;
}
