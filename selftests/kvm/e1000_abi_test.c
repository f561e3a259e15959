// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/kvm-e1000 ioctl ABI from the host side: every field of
 * KVM_E1000_CREATE is validated with the errno the uapi header documents,
 * and the device fd's ioctls behave.  No guest code runs here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#include "kselftest_harness.h"
#include "e1000_test.h"

/* A descriptor number no test leaves open. */
#define CLOSED_FD	999

FIXTURE(abi) {
	int kvm_fd;
	int vm_fd;
	int ctl_fd;
	struct kvm_e1000_create args;
};

static int open_vm(int *kvm_fd)
{
	int vm_fd;

	*kvm_fd = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	TEST_ASSERT(*kvm_fd >= 0, "open(/dev/kvm): %s", strerror(errno));
	vm_fd = ioctl(*kvm_fd, KVM_CREATE_VM, 0);
	TEST_ASSERT(vm_fd >= 0, "KVM_CREATE_VM: %s", strerror(errno));
	return vm_fd;
}

FIXTURE_SETUP(abi)
{
	self->vm_fd = open_vm(&self->kvm_fd);
	self->ctl_fd = e1000_open_ctl();
	e1000_create_args_init(&self->args, self->vm_fd);
}

FIXTURE_TEARDOWN(abi)
{
	close(self->ctl_fd);
	close(self->vm_fd);
	close(self->kvm_fd);
}

/* 0 if CREATE succeeded (the device is closed again), else its errno. */
static int create_errno(int ctl_fd, const struct kvm_e1000_create *args)
{
	int fd = e1000_create(ctl_fd, args);

	if (fd < 0)
		return -fd;
	close(fd);
	return 0;
}

static int ioctl_errno(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? errno : 0;
}

TEST_F(abi, api_version)
{
	ASSERT_EQ(KVM_E1000_API_VERSION,
		  ioctl(self->ctl_fd, KVM_E1000_GET_API_VERSION, 0));
}

TEST_F(abi, create_defaults)
{
	struct kvm_e1000_stats st;
	int fd = e1000_create(self->ctl_fd, &self->args);

	ASSERT_LE(0, fd);
	/* The ABI promises O_CLOEXEC. */
	ASSERT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	e1000_get_stats(fd, &st);
	EXPECT_EQ(0, st.mmio_reads);
	EXPECT_EQ(0, st.mmio_writes);
	EXPECT_EQ(0, st.mmio_unknown);
	EXPECT_EQ(0, st.mmio_bad_access);
	EXPECT_EQ(0, st.tx_frames);
	EXPECT_EQ(0, st.rx_frames);
	EXPECT_EQ(0, st.irqs);
	EXPECT_EQ(0, st.dma_errors);
	EXPECT_EQ(0, st.desc_errors);
	close(fd);
}

TEST_F(abi, vm_fd_not_open)
{
	self->args.vm_fd = -1;
	EXPECT_EQ(EBADF, create_errno(self->ctl_fd, &self->args));
	self->args.vm_fd = -2;
	EXPECT_EQ(EBADF, create_errno(self->ctl_fd, &self->args));
	self->args.vm_fd = CLOSED_FD;
	EXPECT_EQ(EBADF, create_errno(self->ctl_fd, &self->args));
}

TEST_F(abi, vm_fd_not_a_vm)
{
	FILE *regular = tmpfile();
	int null_fd = open("/dev/null", O_RDWR);
	int efd = eventfd(0, 0);
	int vcpu_fd = ioctl(self->vm_fd, KVM_CREATE_VCPU, 0);
	int dev_fd = e1000_create(self->ctl_fd, &self->args);

	ASSERT_NE(NULL, regular);
	ASSERT_LE(0, null_fd);
	ASSERT_LE(0, efd);
	ASSERT_LE(0, vcpu_fd);
	ASSERT_LE(0, dev_fd);

	self->args.vm_fd = fileno(regular);
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.vm_fd = null_fd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.vm_fd = efd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	/* KVM's other fds: the system fd, a vCPU, and our own fds. */
	self->args.vm_fd = self->kvm_fd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.vm_fd = vcpu_fd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.vm_fd = self->ctl_fd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.vm_fd = dev_fd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));

	close(dev_fd);
	close(vcpu_fd);
	close(efd);
	close(null_fd);
	fclose(regular);
}

TEST_F(abi, tap_fd_checked)
{
	int null_fd = open("/dev/null", O_RDWR);
	int efd = eventfd(0, 0);

	ASSERT_LE(0, null_fd);
	ASSERT_LE(0, efd);
	self->args.tap_fd = null_fd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.tap_fd = efd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.tap_fd = self->vm_fd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.tap_fd = CLOSED_FD;
	EXPECT_EQ(EBADF, create_errno(self->ctl_fd, &self->args));
	self->args.tap_fd = -2;
	EXPECT_EQ(EBADF, create_errno(self->ctl_fd, &self->args));
	close(efd);
	close(null_fd);
}

/* A tun fd with @flags (0: never attached), its vnet header size @hdr_sz. */
static int open_tun(short flags, int hdr_sz)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	struct ifreq ifr;

	TEST_ASSERT(fd >= 0, "open(/dev/net/tun): %s", strerror(errno));
	if (!flags)
		return fd;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = flags;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "e1kc%%d");
	TEST_ASSERT(!ioctl(fd, TUNSETIFF, &ifr), "TUNSETIFF: %s",
		    strerror(errno));
	if (hdr_sz)
		TEST_ASSERT(!ioctl(fd, TUNSETVNETHDRSZ, &hdr_sz),
			    "TUNSETVNETHDRSZ: %s", strerror(errno));
	return fd;
}

/*
 * Only a tap whose frames carry exactly the header the device writes:
 * IFF_TAP | IFF_VNET_HDR, 10 bytes.  Anything else would shift every frame
 * on the wire.  (IFF_NO_PI cannot be checked: TUNGETIFF reports
 * IFF_NOFILTER in the same bit.)
 */
TEST_F(abi, tap_kind_checked)
{
	static const struct { short flags; int hdr_sz; } bad[] = {
		{ 0, 0 },					/* unattached */
		{ IFF_TUN | IFF_NO_PI | IFF_VNET_HDR, 0 },	/* L3 */
		{ IFF_TAP | IFF_NO_PI, 0 },			/* no header */
		{ IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, 12 },	/* mergeable */
	};
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		fd = open_tun(bad[i].flags, bad[i].hdr_sz);
		self->args.tap_fd = fd;
		EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args)) {
			TH_LOG("tun #%zu accepted", i);
		}
		close(fd);
	}
	fd = open_tun(IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, 10);
	self->args.tap_fd = fd;
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
	close(fd);
}

TEST_F(abi, tap_accepted)
{
	char name[IFNAMSIZ];
	int tap = e1000_open_tap(name, sizeof(name));

	self->args.tap_fd = tap;
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
	close(tap);
}

TEST_F(abi, irqfd_pairs)
{
	int irqfd = eventfd(0, EFD_CLOEXEC);
	int resamplefd = eventfd(0, EFD_CLOEXEC);
	int null_fd = open("/dev/null", O_RDWR);

	ASSERT_LE(0, irqfd);
	ASSERT_LE(0, resamplefd);
	ASSERT_LE(0, null_fd);

	/* Level interrupts need both halves, or neither. */
	self->args.irqfd = irqfd;
	self->args.resamplefd = KVM_E1000_NO_FD;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.irqfd = KVM_E1000_NO_FD;
	self->args.resamplefd = resamplefd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));

	/* Both must be eventfds. */
	self->args.irqfd = null_fd;
	self->args.resamplefd = resamplefd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.irqfd = irqfd;
	self->args.resamplefd = null_fd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.irqfd = self->vm_fd;
	self->args.resamplefd = resamplefd;
	EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args));
	self->args.irqfd = CLOSED_FD;
	EXPECT_EQ(EBADF, create_errno(self->ctl_fd, &self->args));

	self->args.irqfd = irqfd;
	self->args.resamplefd = resamplefd;
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));

	close(null_fd);
	close(resamplefd);
	close(irqfd);
}

TEST_F(abi, flags_reserved)
{
	int bit;

	for (bit = 0; bit < 32; bit++) {
		self->args.flags = 1U << bit;
		EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args)) {
			TH_LOG("flags bit %d accepted", bit);
		}
	}
}

/* Both models are created; any other number is refused. */
TEST_F(abi, model)
{
	static const unsigned int bad[] = { 2, 3, 0x80, 0x100, 0xffff };
	size_t i;

	self->args.model = KVM_E1000_MODEL_82540EM;
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
	self->args.model = KVM_E1000_MODEL_82545EM;
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		self->args.model = bad[i];
		EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args)) {
			TH_LOG("model %#x accepted", bad[i]);
		}
	}
}

TEST_F(abi, reserved_bytes)
{
	size_t i;

	for (i = 0; i < sizeof(self->args.reserved); i++) {
		self->args.reserved[i] = 0x80;
		EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args)) {
			TH_LOG("reserved[%zu] != 0 accepted", i);
		}
		self->args.reserved[i] = 0;
	}
	/* And the untouched struct still works. */
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
}

TEST_F(abi, bar_alignment)
{
	static const uint64_t bad[] = {
		0x1000, 0x10000, E1000_BAR0_GPA + 0x1000,
		E1000_BAR0_GPA + 0x10000, E1000_BAR0_GPA + 4,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		self->args.bar0_gpa = bad[i];
		EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args)) {
			TH_LOG("BAR0 at 0x%lx accepted", (unsigned long)bad[i]);
		}
	}
	self->args.bar0_gpa = E1000_BAR0_GPA + KVM_E1000_BAR0_SIZE;
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
	self->args.bar0_gpa = KVM_E1000_BAR0_UNMAPPED;
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
}

TEST_F(abi, bar_conflicts_in_one_vm)
{
	uint64_t gpa;
	int a, b;

	a = e1000_create(self->ctl_fd, &self->args);
	ASSERT_LE(0, a);
	/* The same window twice is refused... */
	EXPECT_EQ(EEXIST, create_errno(self->ctl_fd, &self->args));
	/* ...the adjacent one is not. */
	self->args.bar0_gpa = E1000_BAR0_GPA + KVM_E1000_BAR0_SIZE;
	b = e1000_create(self->ctl_fd, &self->args);
	ASSERT_LE(0, b);

	/* Moving onto the other device is refused, and B stays usable. */
	gpa = E1000_BAR0_GPA;
	EXPECT_EQ(EEXIST, ioctl_errno(b, KVM_E1000_SET_BAR0, &gpa));
	gpa = E1000_BAR0_GPA + 2 * KVM_E1000_BAR0_SIZE;
	EXPECT_EQ(0, ioctl_errno(b, KVM_E1000_SET_BAR0, &gpa));

	/* Closing A frees its window. */
	close(a);
	gpa = E1000_BAR0_GPA;
	EXPECT_EQ(0, ioctl_errno(b, KVM_E1000_SET_BAR0, &gpa));
	/* And now B holds it: a new device there conflicts with B. */
	self->args.bar0_gpa = E1000_BAR0_GPA;
	EXPECT_EQ(EEXIST, create_errno(self->ctl_fd, &self->args));
	close(b);
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
}

TEST_F(abi, unmapped_bars_never_conflict)
{
	int a, b;

	self->args.bar0_gpa = KVM_E1000_BAR0_UNMAPPED;
	a = e1000_create(self->ctl_fd, &self->args);
	ASSERT_LE(0, a);
	b = e1000_create(self->ctl_fd, &self->args);
	ASSERT_LE(0, b);
	close(b);
	close(a);
}

TEST_F(abi, same_bar_in_two_vms)
{
	int kvm2, vm2, a, b;

	vm2 = open_vm(&kvm2);
	a = e1000_create(self->ctl_fd, &self->args);
	ASSERT_LE(0, a);
	self->args.vm_fd = vm2;
	b = e1000_create(self->ctl_fd, &self->args);
	ASSERT_LE(0, b);
	close(b);
	close(a);
	close(vm2);
	close(kvm2);
}

TEST_F(abi, mac_multicast_refused)
{
	static const uint8_t bad[][6] = {
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },	/* IPv4 multicast */
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },	/* IPv6 multicast */
		{ 0x03, 0x00, 0x00, 0x00, 0x00, 0x00 },	/* local + group */
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },	/* broadcast */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memcpy(self->args.mac, bad[i], 6);
		EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args)) {
			TH_LOG("multicast MAC #%zu accepted", i);
		}
	}
	/* A globally administered unicast address is fine. */
	memcpy(self->args.mac, "\x00\x1b\x21\x01\x02\x03", 6);
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
}

TEST_F(abi, sidecore_checked)
{
	static const int32_t bad[] = { -2, INT_MIN, INT_MAX, 4096 };
	int32_t cpu;
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		self->args.sidecore = bad[i];
		EXPECT_EQ(EINVAL, create_errno(self->ctl_fd, &self->args)) {
			TH_LOG("sidecore %d accepted", bad[i]);
		}
	}

	self->args.sidecore = KVM_E1000_NO_SIDECORE;
	fd = e1000_create(self->ctl_fd, &self->args);
	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cpu = bad[i];
		EXPECT_EQ(EINVAL, ioctl_errno(fd, KVM_E1000_SET_SIDECORE, &cpu));
	}
	cpu = KVM_E1000_NO_SIDECORE;
	EXPECT_EQ(0, ioctl_errno(fd, KVM_E1000_SET_SIDECORE, &cpu));
	close(fd);
}

/* A VM fd that reached another process attaches nothing to that VM. */
TEST_F(abi, vm_of_another_process)
{
	int status, fd;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The child inherited the VM fd, not the VM's mm. */
		_exit(create_errno(self->ctl_fd, &self->args));
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EPERM, WEXITSTATUS(status));
	/* The VM's own process still can. */
	fd = e1000_create(self->ctl_fd, &self->args);
	EXPECT_LE(0, fd);
	close(fd);
}

/* A sidecore only on a CPU the caller may run on itself. */
TEST_F(abi, sidecore_outside_affinity)
{
	cpu_set_t all, one;
	int32_t cpu;
	int fd;

	ASSERT_EQ(0, sched_getaffinity(0, sizeof(all), &all));
	if (CPU_COUNT(&all) < 2)
		SKIP(return, "needs two CPUs");
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));

	self->args.sidecore = 1;
	EXPECT_EQ(EPERM, create_errno(self->ctl_fd, &self->args));
	self->args.sidecore = 0;
	fd = e1000_create(self->ctl_fd, &self->args);
	EXPECT_LE(0, fd);
	cpu = 1;
	EXPECT_EQ(EPERM, ioctl_errno(fd, KVM_E1000_SET_SIDECORE, &cpu));

	ASSERT_EQ(0, sched_setaffinity(0, sizeof(all), &all));
	EXPECT_EQ(0, ioctl_errno(fd, KVM_E1000_SET_SIDECORE, &cpu));
	close(fd);
}

/* Device creation is bounded per VM and on the host: ENOSPC beyond. */
TEST_F(abi, device_limits)
{
	unsigned int per_vm = e1000_param_get("max_devices_per_vm");
	unsigned int total = e1000_param_get("max_devices");
	int kvm2, vm2, a, b, c;

	/* Unmapped BARs: two devices of one VM never overlap. */
	self->args.bar0_gpa = KVM_E1000_BAR0_UNMAPPED;
	e1000_param_set("max_devices_per_vm", 2);
	a = e1000_create(self->ctl_fd, &self->args);
	b = e1000_create(self->ctl_fd, &self->args);
	EXPECT_LE(0, a);
	EXPECT_LE(0, b);
	EXPECT_EQ(ENOSPC, create_errno(self->ctl_fd, &self->args));
	/* A closed device frees its place. */
	close(b);
	b = e1000_create(self->ctl_fd, &self->args);
	EXPECT_LE(0, b);

	/* Another VM has places of its own, until the host is full. */
	vm2 = open_vm(&kvm2);
	e1000_param_set("max_devices", 3);
	self->args.vm_fd = vm2;
	c = e1000_create(self->ctl_fd, &self->args);
	EXPECT_LE(0, c);
	EXPECT_EQ(ENOSPC, create_errno(self->ctl_fd, &self->args));

	e1000_param_set("max_devices_per_vm", per_vm);
	e1000_param_set("max_devices", total);
	EXPECT_EQ(0, create_errno(self->ctl_fd, &self->args));
	close(c);
	close(b);
	close(a);
	close(vm2);
	close(kvm2);
}

TEST_F(abi, set_bar0_checked)
{
	int fd = e1000_create(self->ctl_fd, &self->args);
	uint64_t gpa;

	ASSERT_LE(0, fd);
	gpa = E1000_BAR0_GPA + 0x1000;
	EXPECT_EQ(EINVAL, ioctl_errno(fd, KVM_E1000_SET_BAR0, &gpa));
	gpa = KVM_E1000_BAR0_UNMAPPED;
	EXPECT_EQ(0, ioctl_errno(fd, KVM_E1000_SET_BAR0, &gpa));
	/* Unmapping twice is harmless. */
	EXPECT_EQ(0, ioctl_errno(fd, KVM_E1000_SET_BAR0, &gpa));
	gpa = E1000_BAR0_ALT_GPA;
	EXPECT_EQ(0, ioctl_errno(fd, KVM_E1000_SET_BAR0, &gpa));
	/* Moving to where it already is, too. */
	EXPECT_EQ(0, ioctl_errno(fd, KVM_E1000_SET_BAR0, &gpa));
	close(fd);
}

TEST_F(abi, unknown_ioctls)
{
	int fd = e1000_create(self->ctl_fd, &self->args);
	struct kvm_e1000_stats st;

	ASSERT_LE(0, fd);
	EXPECT_EQ(ENOTTY, ioctl_errno(self->ctl_fd, _IO(KVM_E1000_IO, 0x7f), NULL));
	EXPECT_EQ(ENOTTY, ioctl_errno(fd, _IO(KVM_E1000_IO, 0x7f), NULL));
	/* Each fd answers only its own ioctls. */
	EXPECT_EQ(ENOTTY, ioctl_errno(self->ctl_fd, KVM_E1000_GET_STATS, &st));
	EXPECT_EQ(ENOTTY, ioctl_errno(fd, KVM_E1000_CREATE, &self->args));
	/* Another subsystem's ioctl number. */
	EXPECT_EQ(ENOTTY, ioctl_errno(self->ctl_fd, KVM_GET_API_VERSION, NULL));
	close(fd);
}

TEST_F(abi, bad_pointers)
{
	int fd = e1000_create(self->ctl_fd, &self->args);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EFAULT, ioctl_errno(self->ctl_fd, KVM_E1000_CREATE, NULL));
	EXPECT_EQ(EFAULT, ioctl_errno(fd, KVM_E1000_GET_STATS, NULL));
	EXPECT_EQ(EFAULT, ioctl_errno(fd, KVM_E1000_SET_BAR0, NULL));
	EXPECT_EQ(EFAULT, ioctl_errno(fd, KVM_E1000_SET_SIDECORE, NULL));
	close(fd);
}

TEST_F(abi, reset_ioctl_counted)
{
	int fd = e1000_create(self->ctl_fd, &self->args);
	struct kvm_e1000_stats before, after;

	ASSERT_LE(0, fd);
	e1000_get_stats(fd, &before);
	ASSERT_EQ(0, ioctl(fd, KVM_E1000_RESET, 0));
	e1000_get_stats(fd, &after);
	EXPECT_EQ(before.resets + 1, after.resets);
	close(fd);
}

TEST_HARNESS_MAIN
