/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared helpers of the kvm-e1000 KVM selftests.
 *
 * Host side (e1000_test.c): open /dev/kvm-e1000, create a device bound to a
 * selftest VM with BAR0 mapped into the guest's page tables, run the vCPU
 * while counting exits that reach userspace, read the device's counters.
 *
 * Guest side (e1000_guest.c): register accessors and the driver-style
 * sequences (EERD, Microwire EEPROM, MDIC) that the guest code of several
 * tests shares.  They run inside the VM, so they call nothing from libc.
 */
#ifndef SELFTEST_E1000_TEST_H
#define SELFTEST_E1000_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_net.h>

#include "kvm_util.h"
#include "processor.h"

#include <uapi/linux/kvm_e1000.h>

/* The model's own register map (kvm-e1000/e1000_hw.h), as the manual names it. */
#include "e1000_hw.h"

#define E1000_DEV_PATH		"/dev/kvm-e1000"
#define E1000_MODULE_NAME	"kvm_e1000"

/* Where the tests place BAR0 (guest-physical == guest-virtual). */
#define E1000_BAR0_GPA		0xc0000000ULL
#define E1000_BAR0_ALT_GPA	0xd0000000ULL
#define E1000_BAR0_PAGES	(KVM_E1000_BAR0_SIZE / 4096)

/* What userspace answers to a BAR0 read that exits to it. */
#define E1000_USERSPACE_PATTERN	0x55aa55aaU

/* A VM with one vCPU and one kvm-e1000 device. */
struct e1000_vm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	int ctl_fd;		/* /dev/kvm-e1000 */
	int dev_fd;		/* the device */
	uint64_t bar0;
	unsigned long mmio_exits;	/* KVM_EXIT_MMIO seen by userspace */
	uint64_t last_mmio_addr;
};

/* Host side */
int e1000_open_ctl(void);
void e1000_create_args_init(struct kvm_e1000_create *args, int vm_fd);
int e1000_create(int ctl_fd, const struct kvm_e1000_create *args);
void e1000_vm_init(struct e1000_vm *t, void *guest_code);
void e1000_vm_init_args(struct e1000_vm *t, void *guest_code,
			struct kvm_e1000_create *args);
void e1000_vm_map(struct e1000_vm *t, uint64_t gpa);
void e1000_vm_free(struct e1000_vm *t);
uint64_t e1000_vcpu_run(struct e1000_vm *t, struct ucall *uc);
void e1000_expect_sync(struct e1000_vm *t, uint64_t stage);
void e1000_run_to_done(struct e1000_vm *t);
void e1000_get_stats(int dev_fd, struct kvm_e1000_stats *st);

int e1000_module_refcnt(void);
/* The module's unsigned parameter @name, read or written in sysfs. */
unsigned int e1000_param_get(const char *name);
void e1000_param_set(const char *name, unsigned int v);
bool e1000_vm_debugfs_exists(pid_t pid, int vm_fd);
bool e1000_wait_teardown(int refcnt, pid_t pid, int vm_fd);
int e1000_open_tap(char *name, size_t len);

/* Guest side */
static inline uint32_t e1000_rd(uint64_t bar, uint32_t off)
{
	return READ_ONCE(*(uint32_t *)(bar + off));
}

static inline void e1000_wr(uint64_t bar, uint32_t off, uint32_t val)
{
	WRITE_ONCE(*(uint32_t *)(bar + off), val);
}

uint16_t e1000_guest_eerd(uint64_t bar, uint32_t word);
uint16_t e1000_guest_microwire(uint64_t bar, uint32_t word);
uint32_t e1000_guest_mdic(uint64_t bar, uint32_t op, uint32_t phy,
			  uint32_t reg, uint16_t data);
uint16_t e1000_guest_phy_read(uint64_t bar, uint32_t reg);
void e1000_guest_phy_write(uint64_t bar, uint32_t reg, uint16_t data);
void e1000_guest_reset(uint64_t bar);

/*
 * Data-path tests (e1000_dp_*): a device with a tap backend, its DMA memory
 * in a memslot of its own mapped guest-virtual == guest-physical, and the
 * host's view of the tap through a packet socket bound to the tap's
 * interface.  The module holds the tap fd as a VMM would (vhost-net style):
 * what the guest transmits enters the host stack on that interface, and
 * what the host stack sends out of it is what the guest receives, so the
 * test sees and injects frames where the host's stack does.
 */
#define E1000_DMA_GPA		0x80000000ULL
#define E1000_DMA_SIZE		(8ULL << 20)
#define E1000_DMA_SLOT		10
/* Fixed places in the DMA region. */
#define E1000_DMA_TX_RING	(E1000_DMA_GPA + 0x0000)	/* <= 256 desc */
#define E1000_DMA_RX_RING	(E1000_DMA_GPA + 0x1000)	/* <= 256 desc */
#define E1000_DMA_SHARED	(E1000_DMA_GPA + 0x2000)	/* struct e1000_shared */
#define E1000_DMA_TX_BUF	(E1000_DMA_GPA + 0x10000)	/* 2 MiB */
#define E1000_DMA_RX_BUF	(E1000_DMA_GPA + 0x210000)	/* 4 MiB */
#define E1000_DMA_SCRATCH	(E1000_DMA_GPA + 0x610000)	/* the rest */

/* In-kernel IOAPIC and local APIC, as the guest sees them. */
#define E1000_IOAPIC_GPA	0xfec00000ULL
#define E1000_TEST_GSI		20	/* an IOAPIC-only pin: no PIC routing */
#define E1000_TEST_VECTOR	0x40

/* GUEST_SYNC stage that asks the host to sleep arg us, then resume. */
#define E1000_SYNC_DELAY	0xde1a7ULL

/* What the handler does with an interrupt (e1000_shared.irq_mode). */
enum e1000_irq_mode {
	E1000_IRQ_READ_ICR,	/* read ICR (acknowledge), then EOI */
	E1000_IRQ_EOI_ONLY,	/* EOI without reading ICR, irq_eoi_only times */
};

/* One page both sides see; guest view at E1000_DMA_SHARED. */
struct e1000_shared {
	uint64_t arg[32];		/* host to guest */
	uint64_t ret[32];		/* guest to host */
	volatile uint64_t irqs;		/* interrupts the handler took */
	volatile uint32_t irq_icr;	/* ICR bits it read, ORed */
	volatile uint32_t irq_last_icr;
	volatile uint32_t irq_mode;
	volatile uint32_t irq_eoi_only;	/* EOI_ONLY: then read ICR again */
	volatile uint64_t irq_icr_reads;
};

struct e1000_dp_opts {
	int sidecore;		/* KVM_E1000_NO_SIDECORE: a worker */
	bool irq;		/* irqfd + resamplefd on E1000_TEST_GSI */
	bool tap_csum;		/* TUNSETOFFLOAD(TUN_F_CSUM) */
	int mtu;		/* of the tap; 0: leave 1500 */
};

struct e1000_dp {
	struct e1000_vm t;
	int tap_fd;
	char tap_name[16];
	int ifindex;
	int pkt_fd;		/* AF_PACKET on the tap, PACKET_VNET_HDR */
	int irqfd, resamplefd;
	uint8_t mac[6];
	uint8_t *dma;		/* host view of the DMA region */
	struct e1000_shared *sh;
};

/* A frame seen on the tap: its virtio-net header and 802.1Q tag. */
struct e1000_rx_info {
	struct virtio_net_hdr vnet;
	bool vlan;
	uint16_t tci;
	uint16_t tpid;
};

/* Bring tap @name up (@mtu 0: as it is); its ifindex. */
int e1000_tap_up(const char *name, int mtu);
/* A packet socket on @ifindex with virtio-net headers: what the tap saw. */
int e1000_packet_open(int ifindex);
void e1000_dp_opts_init(struct e1000_dp_opts *o);
void e1000_dp_init(struct e1000_dp *d, void *guest_code,
		   const struct e1000_dp_opts *o);
void e1000_dp_free(struct e1000_dp *d);
/* A pthread body: run @dp's vCPU until the guest is done. */
void *e1000_vcpu_thread(void *dp);
/* Is CPU @cpu online (may it be a sidecore)? */
bool e1000_have_cpu(int cpu);
/*
 * What bounds on the host's CPU time per frame are multiplied by: 8 on a
 * debug kernel (lockdep, KASAN: every lock and access of the tap path is
 * checked; a tap frame took up to 526 us there), else 1.  Counts, bytes
 * and shares are never scaled.
 */
unsigned int e1000_cost_scale(void);
/*
 * This thread onto CPU 0, off the sidecore's CPU, as a deployment pins
 * its vCPUs; after creating the devices: only a caller that may run on a
 * CPU may name it as a sidecore.
 */
void e1000_pin_off_sidecore(void);
void e1000_dp_enable_irq(struct e1000_dp *d, void (*handler)(struct ex_regs *));
void e1000_dp_start(struct e1000_dp *d, void *guest_code);
void e1000_dp_expect_frame(struct e1000_dp *d, struct e1000_rx_info *info,
			   void *buf, size_t cap, const void *want, size_t len);
void e1000_dp_expect_quiet(struct e1000_dp *d, int ms);
int e1000_dp_recv(struct e1000_dp *d, struct e1000_rx_info *info, void *buf,
		  size_t cap, int timeout_ms);
void e1000_dp_send(struct e1000_dp *d, const struct virtio_net_hdr *h,
		   const void *frame, size_t len);
int e1000_dp_drain(struct e1000_dp *d);
void *e1000_dp_hva(struct e1000_dp *d, uint64_t gpa);
void e1000_dp_stats(struct e1000_dp *d, struct kvm_e1000_stats *st,
		    size_t off, uint64_t want);
#define E1000_DP_STATS(d, st, field, want) \
	e1000_dp_stats(d, st, offsetof(struct kvm_e1000_stats, field), want)

/* Frames the tests build: IPv4 on link-local addresses. */
#define E1000_IP_SRC		0xa9fe0a01U	/* 169.254.10.1 */
#define E1000_IP_DST		0xa9fe0a02U	/* 169.254.10.2 */
#define E1000_ETH_HDR		14
#define E1000_IP_HDR		20
#define E1000_TCP_HDR		20
#define E1000_UDP_HDR		8
#define E1000_L4_OFF		(E1000_ETH_HDR + E1000_IP_HDR)
#define E1000_IP6_HDR		40
#define E1000_L4_OFF6		(E1000_ETH_HDR + E1000_IP6_HDR)

size_t e1000_build_ip4(uint8_t *f, const uint8_t *dst, const uint8_t *src,
		       uint8_t proto, size_t payload_len, uint32_t seed);
uint16_t e1000_csum(const void *buf, size_t len, uint32_t sum);
uint32_t e1000_csum_partial(const void *buf, size_t len, uint32_t sum);
uint32_t e1000_pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4_len);
bool e1000_ip4_csum_ok(const uint8_t *f);
bool e1000_l4_csum_ok(const uint8_t *f, size_t len);
void e1000_vnet_complete(uint8_t *f, size_t len, uint16_t start, uint16_t off);
void e1000_pattern(uint8_t *p, size_t len, uint32_t seed);
size_t e1000_build_ip6(uint8_t *f, const uint8_t *dst, const uint8_t *src,
		       size_t payload_len, uint32_t seed);
uint32_t e1000_pseudo6(const uint8_t *ip, uint8_t proto, uint32_t l4_len);
bool e1000_l4_csum6_ok(const uint8_t *f, size_t len);
void e1000_sh(const char *fmt, ...);

/* Guest side: a descriptor ring as a driver keeps it. */
struct e1000_gring {
	uint64_t bar;
	uint64_t base;		/* guest-physical == guest-virtual */
	uint32_t size;		/* descriptors */
	uint32_t tail;		/* next to fill (TX) / give (RX) */
	uint32_t next;		/* next to complete */
};

static inline void *e1000_gdesc(struct e1000_gring *r, uint32_t i)
{
	return (void *)(r->base + (uint64_t)(i % r->size) * E1000_DESC_SIZE);
}

void e1000_guest_delay(uint64_t us);
void e1000_guest_link_up(uint64_t bar);
void e1000_guest_tx_setup(struct e1000_gring *r, uint64_t bar, uint64_t base,
			  uint32_t size);
void e1000_guest_tx_legacy(struct e1000_gring *r, uint64_t addr, uint16_t len,
			   uint8_t cmd, uint8_t css, uint8_t cso,
			   uint16_t special);
void e1000_guest_tx_context(struct e1000_gring *r, const struct e1000_context_desc *c,
			    uint32_t tucmd, uint32_t paylen);
void e1000_guest_tx_data(struct e1000_gring *r, uint64_t addr, uint32_t len,
			 uint32_t dcmd, uint8_t popts, uint16_t special);
void e1000_guest_tx_kick(struct e1000_gring *r);
bool e1000_guest_tx_wait(struct e1000_gring *r, uint32_t ms);
void e1000_guest_rx_setup(struct e1000_gring *r, uint64_t bar, uint64_t base,
			  uint32_t size, uint64_t bufs, uint32_t bufsize,
			  uint32_t rctl);
struct e1000_rx_desc *e1000_guest_rx_wait(struct e1000_gring *r, uint32_t ms);
void e1000_guest_rx_give(struct e1000_gring *r, uint64_t bufs, uint32_t bufsize);
void e1000_guest_irq_handler(struct ex_regs *regs);
void e1000_guest_irq_setup(void);
bool e1000_guest_wait_irqs(uint64_t n, uint32_t ms);

#endif /* SELFTEST_E1000_TEST_H */
