// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side helpers of the kvm-e1000 selftests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#include "e1000_test.h"

int e1000_open_ctl(void)
{
	int fd = open(E1000_DEV_PATH, O_RDWR | O_CLOEXEC);

	TEST_ASSERT(fd >= 0, "open(%s): %s (is kvm-e1000 loaded?)",
		    E1000_DEV_PATH, strerror(errno));
	return fd;
}

void e1000_create_args_init(struct kvm_e1000_create *args, int vm_fd)
{
	static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };

	memset(args, 0, sizeof(*args));
	args->vm_fd = vm_fd;
	args->tap_fd = KVM_E1000_NO_FD;
	args->irqfd = KVM_E1000_NO_FD;
	args->resamplefd = KVM_E1000_NO_FD;
	args->bar0_gpa = E1000_BAR0_GPA;
	args->sidecore = KVM_E1000_NO_SIDECORE;
	memcpy(args->mac, mac, sizeof(mac));
}

/* Returns the device fd, or -errno. */
int e1000_create(int ctl_fd, const struct kvm_e1000_create *args)
{
	int fd = ioctl(ctl_fd, KVM_E1000_CREATE, args);

	return fd < 0 ? -errno : fd;
}

void e1000_vm_map(struct e1000_vm *t, uint64_t gpa)
{
	virt_map(t->vm, gpa, gpa, E1000_BAR0_PAGES);
}

void e1000_vm_init_args(struct e1000_vm *t, void *guest_code,
			struct kvm_e1000_create *args)
{
	memset(t, 0, sizeof(*t));
	t->vm = vm_create_with_one_vcpu(&t->vcpu, guest_code);
	t->ctl_fd = e1000_open_ctl();
	args->vm_fd = t->vm->fd;
	t->bar0 = args->bar0_gpa;
	if (t->bar0 != KVM_E1000_BAR0_UNMAPPED)
		e1000_vm_map(t, t->bar0);
	t->dev_fd = e1000_create(t->ctl_fd, args);
	TEST_ASSERT(t->dev_fd >= 0, "KVM_E1000_CREATE: %s",
		    strerror(-t->dev_fd));
	/* Guest code takes BAR0's address as its first argument. */
	vcpu_args_set(t->vcpu, 1, t->bar0);
}

void e1000_vm_init(struct e1000_vm *t, void *guest_code)
{
	struct kvm_e1000_create args;

	e1000_create_args_init(&args, -1);
	e1000_vm_init_args(t, guest_code, &args);
}

void e1000_vm_free(struct e1000_vm *t)
{
	if (t->dev_fd >= 0)
		close(t->dev_fd);
	if (t->ctl_fd >= 0)
		close(t->ctl_fd);
	kvm_vm_free(t->vm);
	t->dev_fd = -1;
	t->ctl_fd = -1;
}

static void e1000_report_guest_assert(struct ucall *uc)
{
	TEST_FAIL("%s at %s:%lu (args 0x%lx 0x%lx 0x%lx 0x%lx)",
		  (const char *)uc->args[GUEST_ERROR_STRING],
		  (const char *)uc->args[GUEST_FILE],
		  (unsigned long)uc->args[GUEST_LINE],
		  (unsigned long)GUEST_ASSERT_ARG(*uc, 0),
		  (unsigned long)GUEST_ASSERT_ARG(*uc, 1),
		  (unsigned long)GUEST_ASSERT_ARG(*uc, 2),
		  (unsigned long)GUEST_ASSERT_ARG(*uc, 3));
}

/*
 * Run the vCPU to its next ucall.  An MMIO exit is counted and answered
 * (reads see E1000_USERSPACE_PATTERN): a BAR0 access that reaches
 * userspace is what the module exists to prevent, so callers check
 * t->mmio_exits, and guests can tell from the pattern where a read went.
 */
uint64_t e1000_vcpu_run(struct e1000_vm *t, struct ucall *uc)
{
	struct kvm_run *run = t->vcpu->run;
	uint64_t cmd;

	for (;;) {
		vcpu_run(t->vcpu);
		if (run->exit_reason == KVM_EXIT_MMIO) {
			t->mmio_exits++;
			t->last_mmio_addr = run->mmio.phys_addr;
			if (!run->mmio.is_write) {
				uint32_t pat = E1000_USERSPACE_PATTERN;

				memset(run->mmio.data, 0,
				       sizeof(run->mmio.data));
				memcpy(run->mmio.data, &pat,
				       run->mmio.len < 4 ? run->mmio.len : 4);
			}
			continue;
		}
		cmd = get_ucall(t->vcpu, uc);
		/* The guest's clock: it waits for the data path. */
		if (cmd == UCALL_SYNC && uc->args[1] == E1000_SYNC_DELAY) {
			usleep(uc->args[2]);
			continue;
		}
		break;
	}

	switch (cmd) {
	case UCALL_ABORT:
		e1000_report_guest_assert(uc);
		break;
	case UCALL_SYNC:
	case UCALL_DONE:
		break;
	default:
		TEST_FAIL("unexpected exit %u (%s), ucall %lu",
			  run->exit_reason, exit_reason_str(run->exit_reason),
			  (unsigned long)cmd);
	}
	return cmd;
}

void e1000_expect_sync(struct e1000_vm *t, uint64_t stage)
{
	struct ucall uc;
	uint64_t cmd = e1000_vcpu_run(t, &uc);

	TEST_ASSERT(cmd == UCALL_SYNC, "expected GUEST_SYNC(%lu), got ucall %lu",
		    (unsigned long)stage, (unsigned long)cmd);
	TEST_ASSERT(uc.args[1] == stage, "expected GUEST_SYNC(%lu), got %lu",
		    (unsigned long)stage, (unsigned long)uc.args[1]);
}

/* Run to GUEST_DONE; no BAR0 access may have exited to userspace. */
void e1000_run_to_done(struct e1000_vm *t)
{
	struct ucall uc;

	while (e1000_vcpu_run(t, &uc) != UCALL_DONE)
		;
	TEST_ASSERT(t->mmio_exits == 0,
		    "%lu MMIO exits reached userspace (last at 0x%lx)",
		    t->mmio_exits, (unsigned long)t->last_mmio_addr);
}

void e1000_get_stats(int dev_fd, struct kvm_e1000_stats *st)
{
	int ret;

	memset(st, 0xff, sizeof(*st));
	ret = ioctl(dev_fd, KVM_E1000_GET_STATS, st);
	TEST_ASSERT(ret == 0, "KVM_E1000_GET_STATS: %s", strerror(errno));
}

/* The module's reference count as sysfs shows it, -1 if unreadable. */
int e1000_module_refcnt(void)
{
	FILE *f = fopen("/sys/module/" E1000_MODULE_NAME "/refcnt", "r");
	int n = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

#define E1000_PARAM_DIR	"/sys/module/" E1000_MODULE_NAME "/parameters/"

unsigned int e1000_param_get(const char *name)
{
	char path[128];
	unsigned int v = 0;
	FILE *f;

	snprintf(path, sizeof(path), E1000_PARAM_DIR "%s", name);
	f = fopen(path, "r");
	TEST_ASSERT(f, "open %s: %s", path, strerror(errno));
	TEST_ASSERT(fscanf(f, "%u", &v) == 1, "read %s", path);
	fclose(f);
	return v;
}

void e1000_param_set(const char *name, unsigned int v)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), E1000_PARAM_DIR "%s", name);
	f = fopen(path, "w");
	TEST_ASSERT(f, "open %s: %s", path, strerror(errno));
	fprintf(f, "%u\n", v);
	TEST_ASSERT(!fclose(f), "write %s: %s", path, strerror(errno));
}

/* KVM names a VM's debugfs directory "<creator pid>-<vm fd>". */
bool e1000_vm_debugfs_exists(pid_t pid, int vm_fd)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/kernel/debug/kvm/%d-%d",
		 (int)pid, vm_fd);
	return stat(path, &st) == 0;
}

/*
 * Wait (up to 5 s: the last references may be dropped from a work item)
 * until the module is back to @refcnt references and the VM is destroyed.
 */
bool e1000_wait_teardown(int refcnt, pid_t pid, int vm_fd)
{
	const struct timespec tick = { .tv_nsec = 10 * 1000 * 1000 };
	int i;

	for (i = 0; i < 500; i++) {
		if (e1000_module_refcnt() == refcnt &&
		    (vm_fd < 0 || !e1000_vm_debugfs_exists(pid, vm_fd)))
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

/* A tap as a VMM opens it for a NIC with offloads; name gets filled in. */
int e1000_open_tap(char *name, size_t len)
{
	struct ifreq ifr;
	int fd, ret;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	TEST_ASSERT(fd >= 0, "open(/dev/net/tun): %s", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "e1kt%%d");
	ret = ioctl(fd, TUNSETIFF, &ifr);
	TEST_ASSERT(ret == 0, "TUNSETIFF: %s", strerror(errno));
	snprintf(name, len, "%s", ifr.ifr_name);
	return fd;
}
