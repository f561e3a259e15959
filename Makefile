# SPDX-License-Identifier: GPL-2.0
#
# kvm-e1000 top-level Makefile.
#
#   make              build kvm-e1000.ko against KDIR (default: the running
#                     kernel's build dir, else the testbed's 6.1 headers)
#   make modules      build for both Debian kernels (6.1 and 6.12), W=1
#   make dkms-check   build through Debian's dkms for both kernels
#   make dkms-install install through dkms, with the udev rule (root)
#   make unit         userspace unit tests of the device core (ASan, UBSan)
#   make core-includes  the device core includes no kernel header
#   make fuzz         the libFuzzer target, for FUZZ_SECONDS
#   make selftests    build the KVM selftests that run in the testbed
#   make tool         the kvm-e1000 command-line tool, build/tools/kvm-e1000
#   make testbed-check  run every selftest inside the nested testbed
#   make demo         a stock guest moving traffic through kvm-e1000 (testbed)
#   make e2e          end-to-end tests with real L2 guests (E2E_NICS=...)
#   make bench        benchmark the NIC configs -> Documentation/benchmarks.md
#   make check        all of the above: what CI runs
#   make check-debian13  every KVM selftest and the e2e kvm-e1000 config on
#                     the testbed's debian13 profile (trixie's kernel 6.12
#                     and QEMU 10); part of make check
#   make deps         install the Debian packages all of this needs (root)
#   make debug-check  every KVM selftest on the testbed's debug kernel
#                     (lockdep, KASAN, UBSAN, KFENCE, kmemleak); not in
#                     make check: too slow for CI (tools/testbed/README.md)
#   make module-debug build kvm-e1000.ko against the testbed's debug kernel
#   make debug-deps   the packages building the debug kernel needs (root)

SHELL := /bin/bash
TOP := $(CURDIR)
BUILD := $(TOP)/build

# The Debian kernels we build for and test on.
K61_VER := 6.1.0-56-amd64
K612_VER := 6.12.117+deb12-amd64
K61_DIR := /usr/src/linux-headers-$(K61_VER)
K612_DIR := /usr/src/linux-headers-$(K612_VER)
# Debian 13's kernel (the testbed's debian13 profile, tools/testbed/
# profiles.sh).  Its headers live in a trixie root under the testbed cache:
# trixie's kbuild tools and gcc-14 do not run on a Debian 12 host.
KDEB13_VER := 6.12.117+deb13-amd64

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)),$(RUNNING_KDIR),$(K61_DIR))

FUZZ_SECONDS ?= 60

export TOP BUILD K61_VER K612_VER KDEB13_VER

.PHONY: all module modules module-6.1 module-6.12 module-6.12-deb13 \
	core-includes unit fuzz check-debian13 \
	dkms-check dkms-install selftests tool \
	testbed-selftest testbed-check demo e2e e2e-check bench check deps l0-qemu \
	debug-deps module-debug debug-check debug-e2e checkpatch clean

all: module

module: core-includes
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 modules

# The core builds into userspace too: a kernel header there breaks the build.
core-includes:
	tools/check-core-includes.sh

# Out-of-tree builds for several kernels: Kbuild writes objects beside the
# sources, so each kernel gets its own copy of the tree under build/.
define kmod_rule
module-$(1): core-includes
	@rm -rf $(BUILD)/kmod/$(1) && mkdir -p $(BUILD)/kmod/$(1)
	@cp -r $(TOP)/Kbuild $(TOP)/kvm-e1000 $(TOP)/include $(BUILD)/kmod/$(1)/
	$(MAKE) -C $(2) M=$(BUILD)/kmod/$(1) W=1 modules 2>&1 | tee $(BUILD)/kmod/$(1).log
	@! grep -E 'warning:|error:' $(BUILD)/kmod/$(1).log
endef
$(eval $(call kmod_rule,6.1,$(K61_DIR)))
$(eval $(call kmod_rule,6.12,$(K612_DIR)))

modules: module-6.1 module-6.12

# Against trixie's headers, built in the debian13-kbuild root (rootfs.sh:
# 2 to 3 minutes the first time, then cached).  The 6.12 module above does
# not load on trixie's 6.12.117: the symbol versions of _printk, _dev_err,
# _dev_warn and _dev_notice differ from bookworm's.
module-6.12-deb13: core-includes
	@rm -rf $(BUILD)/kmod/6.12-deb13 && mkdir -p $(BUILD)/kmod/6.12-deb13
	@cp -r $(TOP)/Kbuild $(TOP)/kvm-e1000 $(TOP)/include $(BUILD)/kmod/6.12-deb13/
	set -o pipefail; tools/testbed/kbuild-chroot.sh debian13-kbuild $(BUILD)/kmod/6.12-deb13 \
		make -C /usr/src/linux-headers-$(KDEB13_VER) M=/src W=1 modules 2>&1 | \
		tee $(BUILD)/kmod/6.12-deb13.log
	@! grep -E 'warning:|error:' $(BUILD)/kmod/6.12-deb13.log

# What distribution users run: dkms builds it for every kernel they install.
# Debian 12's dkms against its two kernels' headers, then trixie's dkms
# against trixie's kernel in the debian13-kbuild root.
dkms-check:
	tools/dkms.sh check $(K61_VER) $(K612_VER)
	@rm -rf $(BUILD)/dkms-deb13 && mkdir -p $(BUILD)/dkms-deb13/tools
	@cp -r $(TOP)/Kbuild $(TOP)/dkms.conf $(TOP)/kvm-e1000 $(TOP)/include \
		$(BUILD)/dkms-deb13/
	@cp $(TOP)/tools/dkms.sh $(BUILD)/dkms-deb13/tools/
	tools/testbed/kbuild-chroot.sh debian13-kbuild $(BUILD)/dkms-deb13 \
		env PATH=/usr/sbin:/usr/bin:/sbin:/bin tools/dkms.sh check $(KDEB13_VER)

dkms-install:
	tools/dkms.sh install

unit: core-includes
	$(MAKE) --no-print-directory -C selftests/unit run
	tools/testbed/selftest/test-scan-klog.sh
	tools/testbed/selftest/test-l1-death.sh
	tools/testbed/selftest/test-l2ctl.sh
	tools/testbed/selftest/test-bench-report.sh
	tools/testbed/selftest/test-guestsyms.sh

fuzz:
	$(MAKE) --no-print-directory -C selftests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

selftests:
	$(MAKE) --no-print-directory -C selftests/kvm

tool:
	$(MAKE) --no-print-directory -C tools/kvm-e1000 OUT=$(BUILD)/tools

checkpatch:
	tools/checkpatch.sh

# The testbed checks itself: a WARN, a hang, a module that will not unload
# must each fail a run.
testbed-selftest:
	tools/testbed/selftest/selftest.sh --quick

testbed-check: module-6.1 selftests
	tools/testbed/testbed.sh --kernel $(K61_VER) \
		--module $(BUILD)/kmod/6.1/kvm-e1000.ko -- selftests/kvm/run.sh

# The main job, shown: a stock Debian guest on Debian's QEMU with its
# e1000 driver, moving traffic (ping, sha256-checked transfers, iperf3)
# through kvm-e1000 via a VFIO mdev; then the register-level demo.
demo: deps module-6.1 tool selftests
	tools/testbed/l2/build-image.sh --kernel $(K61_VER) >/dev/null
	selftests/e2e/testbed-run.sh $(K61_VER) $(BUILD)/kmod/6.1/kvm-e1000.ko kvm-e1000
	tools/testbed/testbed.sh --kernel $(K61_VER) \
		--module $(BUILD)/kmod/6.1/kvm-e1000.ko -- selftests/kvm/demo.sh

# Real L2 Linux guests in the testbed, one NIC config after another; a
# config that cannot run yet is skipped with the reason.  The guest image
# is built on the host first: L1 sees the checkout read-only.
E2E_NICS ?= qemu-e1000 virtio-net vhost-net kvm-e1000 kvm-e1000-sidecore \
	kvm-e1000-doorbell-82545em

e2e: module-6.1 tool
	tools/testbed/l2/build-image.sh --kernel $(K61_VER) >/dev/null
	E2E_NETBOOT=1 selftests/e2e/testbed-run.sh $(K61_VER) $(BUILD)/kmod/6.1/kvm-e1000.ko $(E2E_NICS)

# In make check: the product's configs (worker, sidecore, doorbell pages;
# the last as an 82545EM, so both models meet the guest driver).  The
# netboot gets a testbed boot of its own: U-Boot busy-polls for a minute
# and more, the longest stretch of L2 code in the suite, so L0's TCG
# loses L1 there most often (tools/testbed/README.md); a run lost to it
# then repeats two minutes, not a whole config.  The worker with the RX
# doorbell page shares that boot: the netboot (a driver that never traps)
# and the steps that move traffic through the page.
E2E_RDT_STEPS := kvm-e1000-rdt: (guest boots|link up|ping|TCP|ring doorbells|ethtool|traffic after)
e2e-check: module-6.1 tool
	tools/testbed/l2/build-image.sh --kernel $(K61_VER) >/dev/null
	rc=0; \
	E2E_NETBOOT=0 selftests/e2e/testbed-run.sh $(K61_VER) $(BUILD)/kmod/6.1/kvm-e1000.ko \
		kvm-e1000 kvm-e1000-sidecore kvm-e1000-doorbell-82545em || rc=$$?; \
	E2E_ONLY='netboots|L1 kernel log|$(E2E_RDT_STEPS)' selftests/e2e/testbed-run.sh \
		$(K61_VER) $(BUILD)/kmod/6.1/kvm-e1000.ko kvm-e1000 kvm-e1000-rdt || \
		{ r=$$?; [ $$rc -ne 0 ] || rc=$$r; }; \
	exit $$rc

# Each config in a testbed boot of its own; BENCH_RUNS / BENCH_SECONDS tune it.
bench: module-6.1 selftests
	tools/bench/bench.sh --kernel $(K61_VER) --module $(BUILD)/kmod/6.1/kvm-e1000.ko

CHECK_STAGES := deps l0-qemu unit fuzz modules dkms-check tool checkpatch \
	testbed-selftest testbed-check e2e-check check-debian13

# Each stage in order, then a table of the time each took.
check:
	tools/check.sh $(CHECK_STAGES)

deps:
	tools/install-deps.sh

# L0's QEMU for the testbed: Debian's source with the testbed's fixes,
# built once (tools/testbed/l0-qemu.sh); testbed.sh would build it anyway.
l0-qemu: deps
	tools/testbed/l0-qemu.sh >/dev/null

# The debian13 profile (tools/testbed/README.md): trixie's kernel and a
# trixie root in L1, built and cached on first use (network to Debian's
# registry).  E2E_DEB13_NICS picks the end-to-end configs.
E2E_DEB13_NICS ?= kvm-e1000

check-debian13: deps module-6.12-deb13 selftests tool
	tools/testbed/l2/build-image.sh --profile debian13 >/dev/null
	tools/testbed/testbed.sh --profile debian13 \
		--module $(BUILD)/kmod/6.12-deb13/kvm-e1000.ko -- selftests/kvm/run.sh
	selftests/e2e/testbed-run.sh --profile debian13 - \
		$(BUILD)/kmod/6.12-deb13/kvm-e1000.ko $(E2E_DEB13_NICS)

# The debug kernel (tools/testbed/README.md): built from Debian's
# linux-source-6.1 on first use (about an hour on 2 cores), then cached.
debug-deps: deps
	tools/install-deps.sh --debug

module-debug: core-includes debug-deps
	@rm -rf $(BUILD)/kmod/debug && mkdir -p $(BUILD)/kmod/debug
	@cp -r $(TOP)/Kbuild $(TOP)/kvm-e1000 $(TOP)/include $(BUILD)/kmod/debug/
	set -o pipefail; kdir=$$(tools/testbed/debug-kernel.sh --print kdir) && \
		$(MAKE) -C "$$kdir" M=$(BUILD)/kmod/debug W=1 modules 2>&1 | \
		tee $(BUILD)/kmod/debug.log
	@! grep -E 'warning:|error:' $(BUILD)/kmod/debug.log

# Not part of check: with the kernel cached it takes 8.5 minutes of a
# 2-core machine (the first kernel build another hour); CI allows 90 for
# everything.
debug-check: deps debug-deps module-debug selftests
	tools/testbed/debug-check.sh $(BUILD)/kmod/debug/kvm-e1000.ko

# The end-to-end suite with L1 on the debug kernel: the doorbell config
# (sidecore, doorbell pages, 82545EM).  Not part of check either: about
# 40 minutes (E2E_ONLY=REGEX picks steps, as for the other e2e targets).
debug-e2e: deps debug-deps module-debug tool
	tools/testbed/l2/build-image.sh --kernel $(K61_VER) >/dev/null
	selftests/e2e/testbed-run.sh debug $(BUILD)/kmod/debug/kvm-e1000.ko \
		kvm-e1000-doorbell-82545em

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -rf $(BUILD)
