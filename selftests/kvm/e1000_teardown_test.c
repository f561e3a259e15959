// SPDX-License-Identifier: GPL-2.0
/*
 * Lifetime: the device fd, the VM and vCPU fds, the tap, the eventfds and
 * the /dev/kvm-e1000 fd closed in every order, a process killed while its
 * vCPU hammers BAR0, and an unload attempt while in use.  After each, the
 * module's reference count is back where it started and KVM has destroyed
 * the VM (its debugfs directory is gone): nothing leaked, nothing freed
 * early.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/if.h>

#include "kselftest_harness.h"
#include "e1000_test.h"

struct raw_vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
};

/* A VM made with bare ioctls, so the test decides what closes when. */
static void raw_vm_create(struct raw_vm *r)
{
	r->kvm_fd = open(KVM_DEV_PATH, O_RDWR | O_CLOEXEC);
	TEST_ASSERT(r->kvm_fd >= 0, "open(/dev/kvm): %s", strerror(errno));
	r->vm_fd = ioctl(r->kvm_fd, KVM_CREATE_VM, 0);
	TEST_ASSERT(r->vm_fd >= 0, "KVM_CREATE_VM: %s", strerror(errno));
	r->vcpu_fd = ioctl(r->vm_fd, KVM_CREATE_VCPU, 0);
	TEST_ASSERT(r->vcpu_fd >= 0, "KVM_CREATE_VCPU: %s", strerror(errno));
}

static void raw_vm_close(struct raw_vm *r)
{
	close(r->vcpu_fd);
	close(r->vm_fd);
	close(r->kvm_fd);
}

static int start_refcnt(struct __test_metadata *_metadata)
{
	int n = e1000_module_refcnt();

	/* The module must be loaded, and debugfs there to watch KVM. */
	EXPECT_LE(0, n) {
		TH_LOG("/sys/module/%s/refcnt unreadable", E1000_MODULE_NAME);
	}
	EXPECT_EQ(0, access("/sys/kernel/debug/kvm", F_OK)) {
		TH_LOG("debugfs is not mounted");
	}
	return n;
}

static int create_on(int ctl_fd, int vm_fd)
{
	struct kvm_e1000_create args;
	int fd;

	e1000_create_args_init(&args, vm_fd);
	fd = e1000_create(ctl_fd, &args);
	TEST_ASSERT(fd >= 0, "KVM_E1000_CREATE: %s", strerror(-fd));
	return fd;
}

static bool device_answers(int dev_fd)
{
	struct kvm_e1000_stats st;

	return ioctl(dev_fd, KVM_E1000_GET_STATS, &st) == 0 &&
	       ioctl(dev_fd, KVM_E1000_RESET, 0) == 0;
}

TEST(device_fd_first)
{
	int ref = start_refcnt(_metadata);
	struct raw_vm r;
	int ctl, dev;

	raw_vm_create(&r);
	ctl = e1000_open_ctl();
	dev = create_on(ctl, r.vm_fd);
	EXPECT_LT(ref, e1000_module_refcnt());
	ASSERT_TRUE(e1000_vm_debugfs_exists(getpid(), r.vm_fd));
	close(dev);
	/* The VM lives on without its NIC. */
	ASSERT_TRUE(e1000_vm_debugfs_exists(getpid(), r.vm_fd));
	close(ctl);
	raw_vm_close(&r);
	EXPECT_TRUE(e1000_wait_teardown(ref, getpid(), r.vm_fd));
}

TEST(vm_fd_first)
{
	int ref = start_refcnt(_metadata);
	struct raw_vm r;
	int ctl, dev;

	raw_vm_create(&r);
	ctl = e1000_open_ctl();
	dev = create_on(ctl, r.vm_fd);
	close(ctl);
	raw_vm_close(&r);
	/* The device holds the VM: not destroyed yet, and still answering. */
	usleep(100 * 1000);
	EXPECT_TRUE(e1000_vm_debugfs_exists(getpid(), r.vm_fd));
	EXPECT_TRUE(device_answers(dev));
	close(dev);
	EXPECT_TRUE(e1000_wait_teardown(ref, getpid(), r.vm_fd));
}

TEST(control_fd_first)
{
	int ref = start_refcnt(_metadata);
	struct raw_vm r;
	int ctl, dev;

	raw_vm_create(&r);
	ctl = e1000_open_ctl();
	dev = create_on(ctl, r.vm_fd);
	close(ctl);
	EXPECT_TRUE(device_answers(dev));
	close(dev);
	raw_vm_close(&r);
	EXPECT_TRUE(e1000_wait_teardown(ref, getpid(), r.vm_fd));
}

static bool netdev_exists(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return access(path, F_OK) == 0;
}

TEST(tap_fd_first)
{
	int ref = start_refcnt(_metadata);
	struct kvm_e1000_create args;
	char name[IFNAMSIZ];
	struct raw_vm r;
	int ctl, dev, tap, i;

	raw_vm_create(&r);
	ctl = e1000_open_ctl();
	tap = e1000_open_tap(name, sizeof(name));
	e1000_create_args_init(&args, r.vm_fd);
	args.tap_fd = tap;
	dev = e1000_create(ctl, &args);
	ASSERT_LE(0, dev);
	close(tap);
	/* The device keeps the tap (and its interface) alive. */
	EXPECT_TRUE(netdev_exists(name));
	EXPECT_TRUE(device_answers(dev));
	close(dev);
	close(ctl);
	raw_vm_close(&r);
	EXPECT_TRUE(e1000_wait_teardown(ref, getpid(), r.vm_fd));
	/* Its last reference gone, the tap interface goes too. */
	for (i = 0; i < 100 && netdev_exists(name); i++)
		usleep(20 * 1000);
	EXPECT_FALSE(netdev_exists(name));
}

TEST(eventfds_first)
{
	int ref = start_refcnt(_metadata);
	struct kvm_e1000_create args;
	struct raw_vm r;
	int ctl, dev, irqfd, resamplefd;

	raw_vm_create(&r);
	ctl = e1000_open_ctl();
	irqfd = eventfd(0, EFD_CLOEXEC);
	resamplefd = eventfd(0, EFD_CLOEXEC);
	e1000_create_args_init(&args, r.vm_fd);
	args.irqfd = irqfd;
	args.resamplefd = resamplefd;
	dev = e1000_create(ctl, &args);
	ASSERT_LE(0, dev);
	close(irqfd);
	close(resamplefd);
	EXPECT_TRUE(device_answers(dev));
	raw_vm_close(&r);
	close(ctl);
	close(dev);
	EXPECT_TRUE(e1000_wait_teardown(ref, getpid(), r.vm_fd));
}

TEST(everything_at_once_by_exit)
{
	int ref = start_refcnt(_metadata);
	int pipefd[2], vm_fd = -1, status;
	pid_t child;

	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct raw_vm r;
		int ctl, tap;
		char name[IFNAMSIZ];
		struct kvm_e1000_create args;

		raw_vm_create(&r);
		ctl = e1000_open_ctl();
		tap = e1000_open_tap(name, sizeof(name));
		e1000_create_args_init(&args, r.vm_fd);
		args.tap_fd = tap;
		if (e1000_create(ctl, &args) < 0)
			_exit(1);
		if (write(pipefd[1], &r.vm_fd, sizeof(r.vm_fd)) != sizeof(r.vm_fd))
			_exit(1);
		/* Leave every fd to the kernel's exit path. */
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(vm_fd), read(pipefd[0], &vm_fd, sizeof(vm_fd)));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_TRUE(e1000_wait_teardown(ref, child, vm_fd));
	close(pipefd[0]);
}

/* The guest of the vCPU tests: read STATUS until the device is gone. */
static void guest_spin(uint64_t bar)
{
	uint64_t n = 0;

	while (e1000_rd(bar, E1000_STATUS) != E1000_USERSPACE_PATTERN)
		n++;
	GUEST_SYNC_ARGS(1, n, 0, 0, 0);
	GUEST_DONE();
}

TEST(vcpu_spinning_process_killed)
{
	int ref = start_refcnt(_metadata);
	int pipefd[2], vm_fd = -1, status;
	pid_t child;

	ASSERT_EQ(0, pipe(pipefd));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct e1000_vm t;

		e1000_vm_init(&t, guest_spin);
		if (write(pipefd[1], &t.vm->fd, sizeof(int)) != sizeof(int))
			_exit(1);
		/* Never returns: the guest spins on BAR0 in the kernel. */
		vcpu_run(t.vcpu);
		_exit(2);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(vm_fd), read(pipefd[0], &vm_fd, sizeof(vm_fd)));
	/* Let the vCPU get going. */
	usleep(500 * 1000);
	ASSERT_TRUE(e1000_vm_debugfs_exists(child, vm_fd));
	ASSERT_EQ(0, kill(child, SIGKILL));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	EXPECT_TRUE(e1000_wait_teardown(ref, child, vm_fd));
	close(pipefd[0]);
}

struct spin_ctx {
	struct e1000_vm *t;
	uint64_t cmd;
};

static void *vcpu_thread(void *arg)
{
	struct spin_ctx *c = arg;
	struct ucall uc;

	c->cmd = e1000_vcpu_run(c->t, &uc);
	return NULL;
}

/* Hot-unplug: close the device while its guest is in a BAR0 loop. */
TEST(device_fd_closed_under_running_vcpu)
{
	int ref = start_refcnt(_metadata);
	struct spin_ctx c;
	struct e1000_vm t;
	pthread_t th;
	int vm_fd;

	e1000_vm_init(&t, guest_spin);
	vm_fd = t.vm->fd;
	c.t = &t;
	c.cmd = UCALL_NONE;
	ASSERT_EQ(0, pthread_create(&th, NULL, vcpu_thread, &c));
	usleep(500 * 1000);
	/* All in the kernel so far. */
	EXPECT_EQ(0, t.mmio_exits);
	close(t.dev_fd);
	t.dev_fd = -1;
	/* The next access exits to userspace; the guest sees the pattern. */
	ASSERT_EQ(0, pthread_join(th, NULL));
	EXPECT_EQ(UCALL_SYNC, c.cmd);
	EXPECT_EQ(1, t.mmio_exits);
	e1000_vm_free(&t);
	EXPECT_TRUE(e1000_wait_teardown(ref, getpid(), vm_fd));
}

static int delete_module_nonblock(const char *name)
{
	return syscall(__NR_delete_module, name, O_NONBLOCK) ? errno : 0;
}

/*
 * Unloading while a device or the control fd is open must be refused.
 * Linux 6.1 answers a busy module with EWOULDBLOCK (EAGAIN); older
 * kernels said EBUSY.  The testbed unloads the module at the end.
 */
TEST(unload_refused_while_in_use)
{
	int ref = start_refcnt(_metadata);
	struct raw_vm r;
	int ctl, dev, err;

	raw_vm_create(&r);
	ctl = e1000_open_ctl();
	err = delete_module_nonblock(E1000_MODULE_NAME);
	EXPECT_TRUE(err == EAGAIN || err == EBUSY) {
		TH_LOG("delete_module with the control fd open: %s",
		       strerror(err));
	}
	dev = create_on(ctl, r.vm_fd);
	close(ctl);
	err = delete_module_nonblock(E1000_MODULE_NAME);
	EXPECT_TRUE(err == EAGAIN || err == EBUSY) {
		TH_LOG("delete_module with a device open: %s", strerror(err));
	}
	/* Still loaded and working. */
	EXPECT_LT(ref, e1000_module_refcnt());
	EXPECT_TRUE(device_answers(dev));
	close(dev);
	raw_vm_close(&r);
	EXPECT_TRUE(e1000_wait_teardown(ref, getpid(), r.vm_fd));
}

TEST_HARNESS_MAIN
