// SPDX-License-Identifier: GPL-2.0
/*
 * Host side of the data-path selftests: a device with a tap backend, its
 * DMA memory, a packet socket on the tap's interface to see and inject
 * frames with their virtio-net headers, real INTx through the in-kernel
 * IOAPIC, and an independent Internet checksum (RFC 1071) to judge what
 * the device produced.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#include "e1000_test.h"
#include "apic.h"

#define TEST_MAC	{ 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 }

void e1000_dp_opts_init(struct e1000_dp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sidecore = KVM_E1000_NO_SIDECORE;
}

/* Keep the host's own traffic (IPv6 RS, DAD, MLD) off the guest's wire. */
static void tap_quiet(const char *name)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return;		/* no IPv6 in this kernel: nothing to silence */
	TEST_ASSERT(write(fd, "1", 1) == 1, "%s: %s", path, strerror(errno));
	close(fd);
}

int e1000_tap_up(const char *name, int mtu)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	int ifindex;

	TEST_ASSERT(s >= 0, "socket(AF_INET): %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (mtu) {
		ifr.ifr_mtu = mtu;
		TEST_ASSERT(!ioctl(s, SIOCSIFMTU, &ifr), "SIOCSIFMTU: %s",
			    strerror(errno));
	}
	TEST_ASSERT(!ioctl(s, SIOCGIFFLAGS, &ifr), "SIOCGIFFLAGS: %s",
		    strerror(errno));
	ifr.ifr_flags |= IFF_UP;
	TEST_ASSERT(!ioctl(s, SIOCSIFFLAGS, &ifr), "SIOCSIFFLAGS: %s",
		    strerror(errno));
	close(s);
	ifindex = if_nametoindex(name);
	TEST_ASSERT(ifindex > 0, "if_nametoindex(%s)", name);
	return ifindex;
}

int e1000_packet_open(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int fd, one = 1, buf = 32 << 20;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	TEST_ASSERT(fd >= 0, "socket(AF_PACKET): %s", strerror(errno));
	TEST_ASSERT(!setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one,
				sizeof(one)), "PACKET_VNET_HDR: %s",
		    strerror(errno));
	TEST_ASSERT(!setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one,
				sizeof(one)), "PACKET_AUXDATA: %s",
		    strerror(errno));
	/* Whole bursts wait here while the vCPU runs: no drops. */
	TEST_ASSERT(!setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf,
				sizeof(buf)), "SO_RCVBUFFORCE: %s",
		    strerror(errno));
	TEST_ASSERT(!bind(fd, (struct sockaddr *)&sll, sizeof(sll)),
		    "bind(AF_PACKET): %s", strerror(errno));
	return fd;
}

static void dp_irqfd(struct e1000_dp *d)
{
	struct kvm_irqfd irqfd;

	d->irqfd = eventfd(0, EFD_CLOEXEC);
	d->resamplefd = eventfd(0, EFD_CLOEXEC);
	TEST_ASSERT(d->irqfd >= 0 && d->resamplefd >= 0, "eventfd: %s",
		    strerror(errno));
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = d->irqfd;
	irqfd.gsi = E1000_TEST_GSI;
	irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
	irqfd.resamplefd = d->resamplefd;
	vm_ioctl(d->t.vm, KVM_IRQFD, &irqfd);
}

/*
 * The 6.1 library starts guest code with a 16-byte aligned RSP, where the
 * ABI has a call's return address (RSP % 16 == 8): GCC's aligned SSE
 * stores to the stack would fault.  Start as if called.
 */
static void guest_stack_fixup(struct kvm_vcpu *vcpu)
{
	struct kvm_regs regs;

	vcpu_regs_get(vcpu, &regs);
	if (!(regs.rsp & 0xf)) {
		regs.rsp -= 8;
		vcpu_regs_set(vcpu, &regs);
	}
}

void e1000_dp_init(struct e1000_dp *d, void *guest_code,
		   const struct e1000_dp_opts *o)
{
	static const uint8_t mac[6] = TEST_MAC;
	struct kvm_e1000_create args;
	unsigned int tun_off = TUN_F_CSUM;
	struct e1000_vm *t = &d->t;

	memset(d, 0, sizeof(*d));
	d->irqfd = -1;
	d->resamplefd = -1;
	memcpy(d->mac, mac, sizeof(mac));

	/* The selftest library's VMs have the in-kernel irqchip already. */
	t->vm = vm_create_with_one_vcpu(&t->vcpu, guest_code);
	vm_userspace_mem_region_add(t->vm, VM_MEM_SRC_ANONYMOUS, E1000_DMA_GPA,
				    E1000_DMA_SLOT, E1000_DMA_SIZE / 4096, 0);
	virt_map(t->vm, E1000_DMA_GPA, E1000_DMA_GPA, E1000_DMA_SIZE / 4096);
	d->dma = addr_gpa2hva(t->vm, E1000_DMA_GPA);
	d->sh = addr_gpa2hva(t->vm, E1000_DMA_SHARED);
	memset(d->dma, 0, E1000_DMA_SIZE);

	d->tap_fd = e1000_open_tap(d->tap_name, sizeof(d->tap_name));
	if (o->tap_csum)
		TEST_ASSERT(!ioctl(d->tap_fd, TUNSETOFFLOAD, tun_off),
			    "TUNSETOFFLOAD: %s", strerror(errno));
	tap_quiet(d->tap_name);
	d->ifindex = e1000_tap_up(d->tap_name, o->mtu);
	d->pkt_fd = e1000_packet_open(d->ifindex);
	if (o->irq)
		dp_irqfd(d);

	t->ctl_fd = e1000_open_ctl();
	e1000_create_args_init(&args, t->vm->fd);
	args.tap_fd = d->tap_fd;
	args.irqfd = d->irqfd;
	args.resamplefd = d->resamplefd;
	args.sidecore = o->sidecore;
	memcpy(args.mac, d->mac, sizeof(d->mac));
	t->bar0 = args.bar0_gpa;
	e1000_vm_map(t, t->bar0);
	t->dev_fd = e1000_create(t->ctl_fd, &args);
	TEST_ASSERT(t->dev_fd >= 0, "KVM_E1000_CREATE: %s",
		    strerror(-t->dev_fd));
	vcpu_args_set(t->vcpu, 1, t->bar0);
	guest_stack_fixup(t->vcpu);
}

/* Interrupts for real: IDT, the handler, the LAPIC and IOAPIC pages. */
void e1000_dp_enable_irq(struct e1000_dp *d, void (*handler)(struct ex_regs *))
{
	vm_init_descriptor_tables(d->t.vm);
	vcpu_init_descriptor_tables(d->t.vcpu);
	vm_install_exception_handler(d->t.vm, E1000_TEST_VECTOR,
				     handler ? handler : e1000_guest_irq_handler);
	virt_pg_map(d->t.vm, APIC_DEFAULT_GPA, APIC_DEFAULT_GPA);
	virt_pg_map(d->t.vm, E1000_IOAPIC_GPA, E1000_IOAPIC_GPA);
}

void *e1000_vcpu_thread(void *dp)
{
	struct e1000_dp *d = dp;
	struct ucall uc;

	while (e1000_vcpu_run(&d->t, &uc) != UCALL_DONE)
		;
	return NULL;
}

bool e1000_have_cpu(int cpu)
{
	return sysconf(_SC_NPROCESSORS_ONLN) > cpu;
}

unsigned int e1000_cost_scale(void)
{
	static int scale;

	if (!scale)
		scale = access("/proc/lockdep_stats", F_OK) ? 1 : 8;
	return scale;
}

void e1000_pin_off_sidecore(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

void e1000_dp_free(struct e1000_dp *d)
{
	e1000_vm_free(&d->t);
	close(d->pkt_fd);
	close(d->tap_fd);
	if (d->irqfd >= 0)
		close(d->irqfd);
	if (d->resamplefd >= 0)
		close(d->resamplefd);
}

void *e1000_dp_hva(struct e1000_dp *d, uint64_t gpa)
{
	TEST_ASSERT(gpa >= E1000_DMA_GPA && gpa < E1000_DMA_GPA + E1000_DMA_SIZE,
		    "0x%lx outside the DMA region", (unsigned long)gpa);
	return d->dma + (gpa - E1000_DMA_GPA);
}

/*
 * The next frame the guest sent (the host stack received on the tap), up
 * to @timeout_ms; 0 if none.  Frames the host itself sends out of the tap
 * (PACKET_OUTGOING) are skipped.
 */
int e1000_dp_recv(struct e1000_dp *d, struct e1000_rx_info *info, void *buf,
		  size_t cap, int timeout_ms)
{
	struct pollfd p = { .fd = d->pkt_fd, .events = POLLIN };
	union {
		struct cmsghdr c;
		char b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctl;
	struct sockaddr_ll sll;
	struct iovec iov[2];
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	for (;;) {
		if (poll(&p, 1, timeout_ms) != 1)
			return 0;
		memset(info, 0, sizeof(*info));
		iov[0].iov_base = &info->vnet;
		iov[0].iov_len = sizeof(info->vnet);
		iov[1].iov_base = buf;
		iov[1].iov_len = cap;
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &sll;
		msg.msg_namelen = sizeof(sll);
		msg.msg_iov = iov;
		msg.msg_iovlen = 2;
		msg.msg_control = &ctl;
		msg.msg_controllen = sizeof(ctl);
		n = recvmsg(d->pkt_fd, &msg, MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			continue;
		TEST_ASSERT(n >= (ssize_t)sizeof(info->vnet), "recvmsg: %s",
			    n < 0 ? strerror(errno) : "short");
		TEST_ASSERT(!(msg.msg_flags & MSG_TRUNC),
			    "frame longer than %zu bytes", cap);
		if (sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			struct tpacket_auxdata aux;

			if (c->cmsg_level != SOL_PACKET ||
			    c->cmsg_type != PACKET_AUXDATA)
				continue;
			memcpy(&aux, CMSG_DATA(c), sizeof(aux));
			if (aux.tp_status & TP_STATUS_VLAN_VALID) {
				info->vlan = true;
				info->tci = aux.tp_vlan_tci;
				info->tpid = aux.tp_status &
					     TP_STATUS_VLAN_TPID_VALID ?
					     aux.tp_vlan_tpid : ETH_P_8021Q;
			}
		}
		return n - sizeof(info->vnet);
	}
}

/* Read and count what is queued on the tap now. */
int e1000_dp_drain(struct e1000_dp *d)
{
	static uint8_t buf[65536 + 256];
	struct e1000_rx_info info;
	int n = 0;

	while (e1000_dp_recv(d, &info, buf, sizeof(buf), 0) > 0)
		n++;
	return n;
}

/* Send @frame out of the tap, toward the guest, with virtio-net header @h. */
void e1000_dp_send(struct e1000_dp *d, const struct virtio_net_hdr *h,
		   const void *frame, size_t len)
{
	static const struct virtio_net_hdr none;
	struct iovec iov[2] = {
		{ .iov_base = (void *)(h ? h : &none), .iov_len = sizeof(none) },
		{ .iov_base = (void *)frame, .iov_len = len },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n = sendmsg(d->pkt_fd, &msg, 0);

	TEST_ASSERT(n == (ssize_t)(sizeof(none) + len), "sendmsg(%zu): %s",
		    len, n < 0 ? strerror(errno) : "short");
}

/* ---- Frames and checksums, independent of the module's offload.c ---- */

void e1000_pattern(uint8_t *p, size_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761U + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245U + 12345U;
		p[i] = x >> 16;
	}
}

uint32_t e1000_csum_partial(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *b = buf;
	uint64_t acc = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		acc += (uint32_t)b[len - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return acc;
}

/* The complemented Internet checksum of @buf over a running @sum. */
uint16_t e1000_csum(const void *buf, size_t len, uint32_t sum)
{
	return ~e1000_csum_partial(buf, len, sum) & 0xffff;
}

/* IPv4 pseudo-header: addresses, protocol and the L4 length. */
uint32_t e1000_pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4_len)
{
	uint32_t sum = e1000_csum_partial(ip + 12, 8, 0);

	return e1000_csum_partial(NULL, 0, sum + proto + (l4_len & 0xffff) +
				  (l4_len >> 16));
}

bool e1000_ip4_csum_ok(const uint8_t *f)
{
	const uint8_t *ip = f + E1000_ETH_HDR;

	return e1000_csum(ip, (ip[0] & 0xf) * 4, 0) == 0;
}

/* TCP or UDP checksum of an IPv4 frame (no VLAN tag), over its IP length. */
bool e1000_l4_csum_ok(const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + E1000_ETH_HDR;
	uint32_t ihl = (ip[0] & 0xf) * 4;
	uint32_t l4_len = (ip[2] << 8 | ip[3]) - ihl;

	if (E1000_ETH_HDR + ihl + l4_len > len)
		return false;
	return e1000_csum(ip + ihl, l4_len, e1000_pseudo(ip, ip[9], l4_len)) == 0;
}

/* What a virtio-net NEEDS_CSUM consumer does with the frame. */
void e1000_vnet_complete(uint8_t *f, size_t len, uint16_t start, uint16_t off)
{
	uint16_t sum = e1000_csum(f + start, len - start, 0);

	f[start + off] = sum >> 8;
	f[start + off + 1] = sum & 0xff;
}

/* Ports 40000 -> 5201, a TCP or UDP header and a patterned payload. */
static void put_l4(uint8_t *l4, uint8_t proto, size_t payload_len,
		   uint32_t seed)
{
	size_t l4h = proto == IPPROTO_TCP ? E1000_TCP_HDR : E1000_UDP_HDR;

	l4[0] = 0x9c;			/* ports 40000 -> 5201 */
	l4[1] = 0x40;
	l4[2] = 0x14;
	l4[3] = 0x51;
	if (proto == IPPROTO_TCP) {
		*(uint32_t *)(l4 + 4) = htonl(0x10000000 + seed);
		*(uint32_t *)(l4 + 8) = htonl(0x20000000);
		l4[12] = 5 << 4;
		l4[13] = 0x18;		/* PSH | ACK */
		l4[14] = 0xff;
		l4[15] = 0xff;
	} else {
		l4[4] = (l4h + payload_len) >> 8;
		l4[5] = (l4h + payload_len) & 0xff;
	}
	e1000_pattern(l4 + l4h, payload_len, seed);
}

/*
 * An Ethernet + IPv4 + TCP/UDP frame with a patterned payload, checksums
 * left to the caller: IP checksum 0, L4 checksum 0.  Returns its length.
 */
size_t e1000_build_ip4(uint8_t *f, const uint8_t *dst, const uint8_t *src,
		       uint8_t proto, size_t payload_len, uint32_t seed)
{
	size_t l4h = proto == IPPROTO_TCP ? E1000_TCP_HDR : E1000_UDP_HDR;
	size_t tot = E1000_IP_HDR + l4h + payload_len;
	uint8_t *ip = f + E1000_ETH_HDR, *l4 = ip + E1000_IP_HDR;

	memset(f, 0, E1000_L4_OFF + l4h);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[2] = tot >> 8;
	ip[3] = tot & 0xff;
	ip[4] = seed >> 8;
	ip[5] = seed & 0xff;
	ip[6] = 0x40;			/* DF */
	ip[8] = 64;
	ip[9] = proto;
	*(uint32_t *)(ip + 12) = htonl(E1000_IP_SRC);
	*(uint32_t *)(ip + 16) = htonl(E1000_IP_DST);
	put_l4(l4, proto, payload_len, seed);
	return E1000_L4_OFF + l4h + payload_len;
}

/*
 * The device's counters once the field at @off reaches @want (up to 2 s):
 * the data path publishes them after the descriptors the guest already saw.
 */
void e1000_dp_stats(struct e1000_dp *d, struct kvm_e1000_stats *st,
		    size_t off, uint64_t want)
{
	int i;

	for (i = 0; i < 200; i++) {
		e1000_get_stats(d->t.dev_fd, st);
		if (*(uint64_t *)((char *)st + off) >= want)
			return;
		usleep(10000);
	}
}

/*
 * An Ethernet + IPv6 + TCP frame from fe80::1 to fe80::2, payload
 * patterned, TCP checksum 0.  Returns its length.
 */
size_t e1000_build_ip6(uint8_t *f, const uint8_t *dst, const uint8_t *src,
		       size_t payload_len, uint32_t seed)
{
	size_t plen = E1000_TCP_HDR + payload_len;
	uint8_t *ip = f + E1000_ETH_HDR;

	memset(f, 0, E1000_L4_OFF6 + E1000_TCP_HDR);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	ip[4] = plen >> 8;
	ip[5] = plen & 0xff;
	ip[6] = IPPROTO_TCP;
	ip[7] = 64;
	ip[8] = 0xfe;
	ip[9] = 0x80;
	ip[23] = 1;
	ip[24] = 0xfe;
	ip[25] = 0x80;
	ip[39] = 2;
	put_l4(ip + E1000_IP6_HDR, IPPROTO_TCP, payload_len, seed);
	return E1000_L4_OFF6 + E1000_TCP_HDR + payload_len;
}

/* IPv6 pseudo-header (RFC 8200 8.1): addresses, L4 length, next header. */
uint32_t e1000_pseudo6(const uint8_t *ip, uint8_t proto, uint32_t l4_len)
{
	uint32_t sum = e1000_csum_partial(ip + 8, 32, 0);

	return e1000_csum_partial(NULL, 0, sum + proto + (l4_len & 0xffff) +
				  (l4_len >> 16));
}

/* TCP checksum of an IPv6 frame without extension headers. */
bool e1000_l4_csum6_ok(const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + E1000_ETH_HDR;
	uint32_t l4_len = ip[4] << 8 | ip[5];

	if (E1000_L4_OFF6 + l4_len > len)
		return false;
	return e1000_csum(ip + E1000_IP6_HDR, l4_len,
			  e1000_pseudo6(ip, ip[6], l4_len)) == 0;
}

/* Run a shell command of the testbed (ip, tc, ethtool); it must succeed. */
void e1000_sh(const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ret = system(cmd);
	TEST_ASSERT(ret == 0, "'%s' exited %d", cmd, ret);
}

/* A data-path VM with the default options. */
void e1000_dp_start(struct e1000_dp *d, void *guest_code)
{
	struct e1000_dp_opts o;

	e1000_dp_opts_init(&o);
	e1000_dp_init(d, guest_code, &o);
}

/* The next frame on the tap is @want, @len bytes; read into @buf. */
void e1000_dp_expect_frame(struct e1000_dp *d, struct e1000_rx_info *info,
			   void *buf, size_t cap, const void *want, size_t len)
{
	int n = e1000_dp_recv(d, info, buf, cap, 3000);

	TEST_ASSERT(n > 0, "no frame on the tap");
	TEST_ASSERT((size_t)n == len, "frame of %d bytes, expected %zu", n,
		    len);
	TEST_ASSERT(!memcmp(buf, want, len), "frame bytes differ");
}

/* No frame on the tap for @ms. */
void e1000_dp_expect_quiet(struct e1000_dp *d, int ms)
{
	struct e1000_rx_info info;
	uint8_t buf[65536 + 512];
	int n = e1000_dp_recv(d, &info, buf, sizeof(buf), ms);

	TEST_ASSERT(n == 0, "unexpected frame of %d bytes on the tap", n);
}
