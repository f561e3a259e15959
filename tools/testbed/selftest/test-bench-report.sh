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

mkdir -p "$raw/qemu-e1000" "$raw/many/kvm-e1000-sidecore"
printf 'runs=5\nseconds=5\nmany=3\n' >"$raw/env.txt"
for r in 1 2 3 4 5 6; do
	b=$((r * 1000000))
	[ "$r" = 4 ] && b=
	for m in tcp_tx tcp_rx udp_tx; do
		iperf "$raw/qemu-e1000/$m.$r.json" $b
	done
	for g in 0 1 2; do
		b=5000000
		[ "$r" = 2 ] && [ "$g" = 1 ] && b=
		iperf "$raw/many/kvm-e1000-sidecore/tcp_tx.$r.$g.json" $b
	done
done
: >"$raw/qemu-e1000.done"
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
# Five runs counted, each 5/5/5: fairness 1.00, no run with a 0.
expect "the lost run left out" '^\| kvm-e1000-sidecore \| 24\.0 \| 24\.0-24\.0 \| 1\.00 \| 1\.00-1\.00 \| 8/8/8; 8/8/8; 8/8/8; 8/8/8; 8/8/8 \|'

echo "test-bench-report: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
