// SPDX-License-Identifier: GPL-2.0
/*
 * keypin: holds L1's KVM static keys still while tests run.
 *
 * KVM flips static keys as VMs come and go: a new vCPU's local APIC
 * starts software-disabled (apic_sw_disabled up), the guest enabling it
 * brings the count back down a second later, and the first VM enables
 * SVM on every CPU while the last one disables it again.  Each 0 <-> 1
 * transition rewrites kernel text with int3 patching while the other CPU
 * runs a guest, which is what L0's multi-threaded TCG gets wrong: a CPU
 * keeps executing a stale translation of the patched code and L1 freezes
 * (tools/testbed/README.md).  One idle VM whose vCPU has its APIC
 * software- and hardware-disabled keeps every such count above zero, so
 * the tests' VMs never move a key across 0 and no text is patched for
 * them.  A socket with SO_TIMESTAMP does the same for netstamp_needed_key,
 * which every timestamping ping would flip.  And the kernel's DO_ONCE
 * keys (the hash secrets of TCP and UDP, drawn on first use, after which
 * a work item switches their key off): a TCP connection and a UDP
 * datagram over loopback, IPv4 and IPv6, draw them here, before any vCPU
 * runs, instead of in the tests' first transfer.
 *
 * The vCPU never runs.  keypin prints a line as it starts each stage, so
 * one that never ends is named, and "keypin: holding" once set up; then
 * it sleeps until killed.  Its reader (guest-run.sh) takes the lines
 * from a pipe, not from a file on the run share, which L1 reads back over
 * 9p.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define MSR_IA32_APICBASE	0x1b
#define APIC_DEFAULT_BASE	0xfee00000ULL
#define APICBASE_BSP		(1ULL << 8)

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* One line on stdout, at once: the reader waits for it. */
static void say(const char *what)
{
	printf("keypin: %s\n", what);
	fflush(stdout);
}

/* Loopback cannot lose a datagram or a SYN, but never wait for one. */
static void bounded(int fd)
{
	struct timeval tv = { .tv_sec = 5 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* The APIC off in the MSR: apic_hw_disabled up, for as long as we live. */
static void apic_hw_disable(int vcpu)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry entry;
	} msrs;

	memset(&msrs, 0, sizeof(msrs));
	msrs.hdr.nmsrs = 1;
	msrs.entry.index = MSR_IA32_APICBASE;
	msrs.entry.data = APIC_DEFAULT_BASE | APICBASE_BSP;
	if (ioctl(vcpu, KVM_SET_MSRS, &msrs) != 1)
		die("keypin: KVM_SET_MSRS(APICBASE)");
}

/* A loopback address of @family, port 0 (any). */
static socklen_t loopback(int family, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof(*in);
	}
	in6->sin6_family = AF_INET6;
	in6->sin6_addr = in6addr_loopback;
	return sizeof(*in6);
}

/*
 * One connection (TCP) or one datagram (UDP) of @family over loopback:
 * listen or bind, connect, accept or receive.  A family L1 lacks (no
 * IPv6) is skipped: its keys cannot move in the tests either.
 */
static void loopback_once(int family, int type)
{
	struct sockaddr_storage ss;
	socklen_t len = loopback(family, &ss);
	int srv, cli, acc = -1;
	char byte = 0;

	srv = socket(family, type | SOCK_CLOEXEC, 0);
	if (srv < 0)
		return;
	cli = socket(family, type | SOCK_CLOEXEC, 0);
	bounded(srv);
	if (cli >= 0)
		bounded(cli);
	if (cli >= 0 && !bind(srv, (struct sockaddr *)&ss, len) &&
	    !getsockname(srv, (struct sockaddr *)&ss, &len) &&
	    (type == SOCK_DGRAM || !listen(srv, 1)) &&
	    !connect(cli, (struct sockaddr *)&ss, len)) {
		if (type == SOCK_STREAM)
			acc = accept(srv, NULL, NULL);
		else if (send(cli, &byte, 1, 0) == 1)
			recv(srv, &byte, 1, 0);
	}
	if (acc >= 0)
		close(acc);
	if (cli >= 0)
		close(cli);
	close(srv);
}

int main(void)
{
	int kvm, vm, vcpu, sock, on = 1;

	/* First: the keys go off in a work item, while the VM is made. */
	say("loopback TCP and UDP, IPv4 and IPv6");
	loopback_once(AF_INET, SOCK_STREAM);
	loopback_once(AF_INET6, SOCK_STREAM);
	loopback_once(AF_INET, SOCK_DGRAM);
	loopback_once(AF_INET6, SOCK_DGRAM);

	say("an idle VM");
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("keypin: /dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		die("keypin: KVM_CREATE_VM");
	/* An in-kernel APIC: a vCPU without one moves yet another key. */
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0))
		die("keypin: KVM_CREATE_IRQCHIP");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("keypin: KVM_CREATE_VCPU");
	apic_hw_disable(vcpu);

	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0 ||
	    setsockopt(sock, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)))
		die("keypin: SO_TIMESTAMP");

	/* The DO_ONCE work items above are done by now, or about to be. */
	usleep(300 * 1000);
	say("holding");
	for (;;)
		pause();
}
