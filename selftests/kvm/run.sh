#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the kvm-e1000 KVM selftests (TAP) inside the testbed, with the module
# loaded:
#   tools/testbed/testbed.sh --module build/kmod/6.1/kvm-e1000.ko -- \
#	selftests/kvm/run.sh [TEST...]
# Build them first with `make -C selftests/kvm`.  Prints every binary's TAP
# output, a per-binary summary and, last, "N passed, M failed" counting test
# cases.  Exits non-zero if a case failed or a binary is missing or crashed.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
BIN_DIR=${E1000_SELFTEST_DIR:-$(cd "$HERE/../.." && pwd)/build/selftests}
# Longest any one binary may take under nested TCG.
PER_BINARY_TIMEOUT=${E1000_SELFTEST_TIMEOUT:-900}

# The teardown test goes last: it tries to unload the module.
ALL_TESTS="kvm_sanity_test e1000_abi_test e1000_regs_test e1000_nvm_phy_test
	e1000_irq_test e1000_bar_test e1000_tx_test e1000_rx_test
	e1000_intr_test e1000_mode_test e1000_sidecore_test e1000_vfio_test
	e1000_hostile_test e1000_state_test e1000_teardown_test"

tests=${*:-$ALL_TESTS}
passed=0
failed=0
skipped=0
summary=()
# Each failed case with the lines that led to it, repeated at the end: CI
# keeps only the tail of a long log.
failures=()

for t in $tests; do
	bin=$BIN_DIR/$t
	if [ ! -x "$bin" ]; then
		echo "# $t: MISSING ($bin)"
		summary+=("$t: missing")
		failed=$((failed + 1))
		continue
	fi
	echo "# ==== $t"
	log=$(mktemp)
	timeout --signal=KILL "$PER_BINARY_TIMEOUT" "$bin" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	# Count the harness's result lines: "ok N name", "not ok N name".
	p=$(grep -cE '^ok [0-9]+ ' "$log" | tr -d ' ')
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$log" | tr -d ' ')
	f=$(grep -cE '^not ok [0-9]+ ' "$log" | tr -d ' ')
	p=$((p - s))
	if [ "$f" -gt 0 ]; then
		failures+=("$(grep -B8 -E '^not ok [0-9]+ ' "$log" |
			sed "s/^/# $t| /")")
	fi
	rm -f "$log"
	# A binary that died outside any test case is a failure of its own.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# $t: exited with status $rc outside a test case"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	summary+=("$t: $p passed, $f failed, $s skipped (exit $rc)")
done

echo "# ==== summary"
for f in "${failures[@]}"; do
	echo "$f"
done
for line in "${summary[@]}"; do
	echo "# $line"
done
[ "$skipped" -eq 0 ] || echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
