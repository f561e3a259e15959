// SPDX-License-Identifier: GPL-2.0
/*
 * A short demonstration of kvm-e1000: a guest probes its NIC as a driver
 * would -- MAC address from the EEPROM over EERD, link over MDIC and STATUS
 * -- and the host shows what the guest saw and the device's counters: every
 * register access answered in the kernel, none exited to userspace.
 */
#include <stdio.h>
#include <string.h>

#include "e1000_test.h"

static void guest_probe(uint64_t bar)
{
	uint64_t mac = 0;
	uint16_t phy_status, id1, id2;
	uint32_t status;
	int i;

	for (i = 0; i < 3; i++)
		mac |= (uint64_t)e1000_guest_eerd(bar, i) << (16 * i);
	e1000_wr(bar, E1000_CTRL, e1000_rd(bar, E1000_CTRL) | E1000_CTRL_SLU);
	id1 = e1000_guest_phy_read(bar, PHY_ID1);
	id2 = e1000_guest_phy_read(bar, PHY_ID2);
	phy_status = e1000_guest_phy_read(bar, PHY_STATUS);
	status = e1000_rd(bar, E1000_STATUS);
	GUEST_SYNC_ARGS(1, mac, phy_status, status, (id1 << 16) | id2);
	GUEST_DONE();
}

static const char *speed_name(uint32_t status)
{
	switch ((status & E1000_STATUS_SPEED_MASK) >> 6) {
	case 0:
		return "10 Mb/s";
	case 1:
		return "100 Mb/s";
	default:
		return "1000 Mb/s";
	}
}

int main(void)
{
	struct kvm_e1000_create args;
	struct kvm_e1000_stats st;
	struct e1000_vm t;
	struct ucall uc;
	uint64_t mac;
	uint32_t status, phy;
	int i;

	e1000_create_args_init(&args, -1);
	memcpy(args.mac, "\x02\x00\x5e\xe1\x00\x01", 6);
	e1000_vm_init_args(&t, guest_probe, &args);
	printf("kvm-e1000 demo: device fd %d bound to VM fd %d, BAR0 at 0x%llx\n",
	       t.dev_fd, t.vm->fd, (unsigned long long)t.bar0);

	TEST_ASSERT(e1000_vcpu_run(&t, &uc) == UCALL_SYNC, "guest did not report");
	mac = uc.args[2];
	phy = uc.args[3];
	status = uc.args[4];
	e1000_run_to_done(&t);

	printf("guest read over EERD:  MAC ");
	for (i = 0; i < 6; i++)
		printf("%02x%s", (unsigned int)(mac >> (8 * i)) & 0xff,
		       i < 5 ? ":" : "\n");
	printf("guest read over MDIC:  PHY id %04lx:%04lx, link %s, autoneg %s\n",
	       (unsigned long)(uc.args[5] >> 16),
	       (unsigned long)(uc.args[5] & 0xffff),
	       phy & MII_SR_LINK_STATUS ? "up" : "down",
	       phy & MII_SR_AUTONEG_COMPLETE ? "complete" : "pending");
	printf("guest read STATUS:     link %s, %s, %s duplex\n",
	       status & E1000_STATUS_LU ? "up" : "down", speed_name(status),
	       status & E1000_STATUS_FD ? "full" : "half");

	e1000_get_stats(t.dev_fd, &st);
	printf("device statistics:     %llu register reads, %llu writes,",
	       (unsigned long long)st.mmio_reads,
	       (unsigned long long)st.mmio_writes);
	printf(" %llu to unknown offsets, %llu resets\n",
	       (unsigned long long)st.mmio_unknown,
	       (unsigned long long)st.resets);
	printf("BAR0 exits to userspace: %lu\n", t.mmio_exits);
	e1000_vm_free(&t);
	return t.mmio_exits ? 1 : 0;
}
