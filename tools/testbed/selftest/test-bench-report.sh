#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit check of the bench's report (tools/bench/collect.py, render.py) on
# made-up raw results: a config whose guest was reset in run 4 (its runs
# fail, bench.sh noted the reset and made one more run) and a many-guest
# config whose run 2 bench.sh marked lost.  The page must say which runs
# were whole, name each reset, and leave the lost run out of fairness.
# No VM.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BENCH=$HERE/../../bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
raw=$tmp/raw

# iperf FILE [BYTES]: an iperf3 -J log of BYTES received in 5 s, or one
# that failed to connect (no BYTES).
iperf() {
	if [ -n "${2:-}" ]; then
		printf '{"end": {"sum_received": {"bytes": %s, "seconds": 5.0}}}\n' "$2" >"$1"
	else
		printf '{"end": {}, "error": "unable to connect to server: Connection refused"}\n' >"$1"
	fi
}

# counters FILE VCPU_NS FRAMES BYTES: bench.sh's guest_counters before
# and after a many-guest run.
counters() {
	printf '{"before": {"cpu": {"vcpu": 1000, "qemu": 0, "vhost": 0, "kvm_e1000": 0}, "frames": 7, "bytes": 70}, ' >"$1"
	printf '"after": {"cpu": {"vcpu": %s, "qemu": 0, "vhost": 0, "kvm_e1000": 0}, "frames": %s, "bytes": %s}}\n' \
		$(($2 + 1000)) $(($3 + 7)) $(($4 + 70)) >>"$1"
}

mkdir -p "$raw/qemu-e1000" "$raw/many/kvm-e1000-sidecore"
printf 'runs=5\nseconds=5\nmany=3\n' >"$raw/env.txt"
for r in 1 2 3 4 5 6; do
	b=$((r * 1000000))
	[ "$r" = 4 ] && b=
	for m in tcp_tx tcp_rx udp_tx; do
		iperf "$raw/qemu-e1000/$m.$r.json" $b
	done
	for g in 0 1 2; do
		# Guest 2 moves half as much on 95% of the vCPU time, in frames
		# half the size.
		b=5000000 ns=2000000000
		[ "$g" = 2 ] && b=2500000 ns=1900000000
		counters "$raw/many/kvm-e1000-sidecore/tcp_tx.$r.$g.cpu" "$ns" 100 "$b"
		[ "$r" = 2 ] && [ "$g" = 1 ] && b=
		iperf "$raw/many/kvm-e1000-sidecore/tcp_tx.$r.$g.json" $b
	done
done
: >"$raw/qemu-e1000.done"
# e1000_exitcost's lines: an exit after the working set is priced over the
# working set alone (65,100 - 5,100 ns), the others over the loop alone.
for kc in ram:100 cpuid:40100 status:47100 irq:235100 pages:5100 pages_status:65100; do
	echo "exitcost: ${kc%:*} 20000 ops, ${kc#*:} ns wall, ${kc#*:} ns cpu per op"
done >"$raw/exitcost.txt"
echo "run 4: its CPU reset itself (no reboot, panic or oops line before)" >"$raw/qemu-e1000/reboots"
: >"$raw/many/kvm-e1000-sidecore/lost.2"
echo "run 2, guest 1: its CPU reset itself (no reboot, panic or oops line before)" \
	>"$raw/many/kvm-e1000-sidecore/reboots"

python3 "$BENCH/collect.py" "$raw" >"$tmp/results.json" &&
	python3 "$BENCH/render.py" "$tmp/results.json" --doc "$tmp/doc.md" --png "$tmp/plot.png" \
		--work "$tmp/work" >/dev/null 2>&1 || { echo "FAIL: collect or render"; exit 1; }

# expect NAME PATTERN: the page has a line matching PATTERN (grep -E).
expect() {
	if grep -qE -- "$2" "$tmp/doc.md"; then
		passed=$((passed + 1))
	else
		echo "FAIL: $1: no line matches '$2'"
		failed=$((failed + 1))
	fi
}

expect "runs made and whole" '^\| qemu-e1000 \| 6 \(5 whole\) \|'
expect "the reset named" '^- qemu-e1000, run 4: its CPU reset itself'
expect "the many-guest reset named" '^- kvm-e1000-sidecore, run 2, guest 1: its CPU reset'
# Five runs counted, each 8/8/4 Mbit/s: fairness 0.50, no run with a 0.
# The slowest guest had 0.95 of the fastest's vCPU time, and sent frames
# half the size (25 KB against 50).
expect "the lost run left out" '^\| kvm-e1000-sidecore \| 20\.0 \| 20\.0-20\.0 \| 0\.50 \| 0\.50-0\.50 \|'
k='8/8/4 \(50/50/25\)'
expect "slowest over fastest: vCPU time, frame size; per guest" \
	"\\| 0\\.95 \\(0\\.95-0\\.95\\) \\| 0\\.50 \\(0\\.50-0\\.50\\) \\| $k; $k; $k; $k; $k \\|\$"

expect "an exit over the loop alone" '^\| irq: .* \| 5 \| 235,100 \| 235,100 \| 47\.0 \|$'
expect "an exit over the working set" '^\| pages_status: .* \| 1 \| 65,100 \| 65,100 \| 60\.0 \|$'

echo "test-bench-report: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
