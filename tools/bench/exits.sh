#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Count the VM exits of one running VM, by reason, split into exits KVM
# handles in the kernel and exits that return to userspace (QEMU), with
# perf on KVM's tracepoints.  Works on any host with perf and KVM; in the
# testbed it runs in L1.
#
# exits.sh --pid QEMU_PID [--seconds N] [--json FILE] [-- COMMAND [ARGS...]]
#
# Counts for N seconds (default 5) or while COMMAND runs (its output goes
# to stderr).  Prints a table; --json also writes the counts as JSON.
# Tracepoints: kvm:kvm_exit (every exit of a vCPU to the host kernel),
# kvm:kvm_userspace_exit (KVM_RUN returning to the VMM), kvm:kvm_mmio and
# kvm:kvm_pio (device accesses KVM decoded).  Exits handled in the kernel
# = kvm_exit - kvm_userspace_exit.  Needs root.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pid=
seconds=5
json=

usage() {
	sed -n '9,10s/^# \?//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--pid) pid=${2:?}; shift 2 ;;
	--seconds) seconds=${2:?}; shift 2 ;;
	--json) json=${2:?}; shift 2 ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
done
[[ $pid =~ ^[0-9]+$ ]] || usage
[ -d "/proc/$pid" ] || { echo "exits: no process $pid" >&2; exit 1; }
find "/proc/$pid/fd" -lname 'anon_inode:kvm-vm' 2>/dev/null | grep -q . ||
	echo "exits: warning: process $pid has no KVM VM open" >&2
command -v perf >/dev/null || { echo "exits: perf missing (Debian: linux-perf)" >&2; exit 1; }

# perf reads tracepoint formats from tracefs.
if [ ! -d /sys/kernel/tracing/events/kvm ] && [ ! -d /sys/kernel/debug/tracing/events/kvm ]; then
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
	[ -d /sys/kernel/tracing/events/kvm ] || { echo "exits: no kvm tracepoints (is kvm loaded, tracefs mounted?)" >&2; exit 1; }
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Only the tracepoints' own fields are needed: no build-ids, no synthesized
# mmap/task events (they cost seconds per run in the nested testbed).
rec=(perf record -q -B -N --synth=no -p "$pid" -o "$tmp/perf.data"
     -e kvm:kvm_exit -e kvm:kvm_userspace_exit -e kvm:kvm_mmio -e kvm:kvm_pio)
if [ $# -gt 0 ]; then
	"${rec[@]}" -- "$@" >&2
else
	"${rec[@]}" -- sleep "$seconds" >&2
fi
perf script -i "$tmp/perf.data" -F time,event,trace 2>/dev/null >"$tmp/events.txt"
python3 "$here/exits.py" --pid "$pid" ${json:+--json "$json"} "$tmp/events.txt"
