#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where L1's time goes while one L2 guest moves TCP each way: a testbed
# boot, one guest of NIC, iperf3 from L1 for SECONDS each way under
# `perf record -a`, then L1's samples by thread and, for the threads that
# serve the guest (kvm-e1000's worker or sidecore, vhost's worker), by
# kernel symbol.  What `make bench` measures says how much; this says
# where.  Nothing is written to the tree.
#
# profile.sh [--nic NIC] [--seconds S] [--kernel VER] [--module PATH.ko]
#
# NIC is one of the bench's configs (default kvm-e1000); the module
# defaults to build/kmod/6.1/kvm-e1000.ko (make module-6.1).  Under nested
# TCG perf's sampling slows the guest down: compare shares, not rates.

set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)

nic=${PROFILE_NIC:-kvm-e1000}
seconds=${PROFILE_SECONDS:-8}
kernel=${TESTBED_KERNEL_VERSION:-6.1.0-56-amd64}
module=$REPO/build/kmod/6.1/kvm-e1000.ko
inside=0

while [ $# -gt 0 ]; do
	case $1 in
	--nic) nic=${2:?}; shift 2 ;;
	--seconds) seconds=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--module) module=${2:?}; shift 2 ;;
	--inside) inside=1; shift ;;
	*) echo "usage: profile.sh [--nic NIC] [--seconds S] [--kernel VER] [--module PATH.ko]" >&2
	   exit 2 ;;
	esac
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "profile: --seconds wants seconds" >&2; exit 2; }

# report DATA QEMU_PID: the samples by thread, then by kernel symbol for
# the threads that serve the guest: kvm-e1000's worker or sidecore
# (kvm-e1000-sc/N on L2_SIDECORE_CPU), vhost's worker; then the guest's
# vCPU thread by kernel symbol: L1's handling of the guest's exits (the
# MMIO emulator, the device's register accesses).  What the thread's share
# holds beyond its kernel symbols is time in guest mode.
report() {
	local data=$1 qpid=$2
	echo "-- L1's samples by thread:"
	perf report -i "$data" --sort comm --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 10
	echo "-- the serving threads, by kernel symbol (share of all samples):"
	perf report -i "$data" --comms "kvm-e1000,kvm-e1000-sc/$L2_SIDECORE_CPU,vhost-$qpid" --sort sym \
		--stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 25
	echo "-- the vCPU thread, by kernel symbol (share of all samples):"
	perf report -i "$data" --comms "CPU 0/KVM" --sort sym \
		--stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -n 30
	guest_report "$data"
}

# guest_report DATA: the samples L1 took while the vCPU was in guest mode,
# by the L2 kernel's symbol (share of those samples only), with e1000's
# or virtio's module apart.  An L1 timer interrupt that ends guest mode is
# charged to the guest's RIP (KVM's perf callbacks): those are the
# samples.  perf leaves them unnamed (Debian's System.map is a stub), so
# guestsyms.py names them from L1's own kallsyms: the guest runs L1's
# kernel.
guest_report() {
	echo "-- the guest (L2 kernel), by symbol (share of the guest-mode samples):"
	if [ "$L2_KERNEL" != "$(uname -r)" ]; then
		echo "not named: L2 runs $L2_KERNEL, L1 $(uname -r)"
		return 0
	fi
	perf kvm --guest report -i "$1" --sort sym --stdio >/tmp/guest.report 2>/dev/null
	"$BENCH_DIR/guestsyms.py" /proc/kallsyms /tmp/guest.text /tmp/guest.modsyms \
		/tmp/guest.report --top 30 --addrs 15
}

inside() {
	local mode qpid args
	# shellcheck source=../testbed/l2/lib.sh
	. "$REPO/tools/testbed/l2/lib.sh"
	trap l2_cleanup EXIT
	l2_start "$nic" 0 || return 1
	l2_env "$L2_DIR"
	l2_exec "$L2_DIR" "iperf3 -s -D" || return 1
	qpid=$(l2_qemu_pid "$L2_DIR")
	l2_exec "$L2_DIR" "grep -w _text /proc/kallsyms" >/tmp/guest.text
	l2_exec "$L2_DIR" "grep '\[' /proc/kallsyms" >/tmp/guest.modsyms
	# Warm up, and perf's first start reads its binary over 9p.
	timeout -k 5 30 iperf3 -c "$L2_GUEST_IP" -t 2 --connect-timeout 10000 >/dev/null 2>&1
	perf record -q -a -o /tmp/warm.data -- true >/dev/null 2>&1
	for mode in tcp_rx tcp_tx; do
		args=()
		[ "$mode" = tcp_tx ] && args=(-R)
		perf record -q -a -o "/tmp/$mode.data" -- \
			timeout -k 5 $((seconds + 60)) iperf3 -c "$L2_GUEST_IP" -t "$seconds" \
			--connect-timeout 10000 "${args[@]}" >"/tmp/$mode.iperf" 2>&1
		echo "== $nic, $mode ($([ "$mode" = tcp_tx ] && echo guest-\>L1 || echo L1-\>guest)):" \
		     "$(grep receiver "/tmp/$mode.iperf" | awk '{ print $7, $8 }') under perf"
		report "/tmp/$mode.data" "$qpid"
	done
	# The reports end in head: a pipe closed early is no failure.
	return 0
}

if [ "$inside" = 1 ]; then
	inside
	exit
fi

"$REPO/tools/testbed/l2/build-image.sh" --kernel "$kernel" >/dev/null || exit 1
mod_args=()
[[ $nic == kvm-e1000* ]] && mod_args=(--module "$module")
TESTBED_TCG_THREAD=${TESTBED_TCG_THREAD:-multi} \
"$REPO/tools/testbed/testbed.sh" --kernel "$kernel" "${mod_args[@]}" \
	--env "PROFILE_NIC=$nic" --env "PROFILE_SECONDS=$seconds" \
	-- "$BENCH_DIR/profile.sh" --inside
