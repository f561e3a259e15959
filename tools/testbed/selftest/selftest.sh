#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the testbed: boots L1 several times and checks that every
# failure the testbed promises to catch is caught, with the right status.
#
#   selftest.sh [--kernel VER|debug] [--quick]
#
# Builds tools/testbed/selftest/tb_probe.c against that kernel's headers in
# build/testbed/selftest/VER/ (the debug kernel: against its build tree,
# and a kmemleak case is added).  About three minutes per kernel;
# --quick skips the hung task case (70 s of it).

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TB=$HERE/../testbed.sh
REPO=$(cd "$HERE/../../.." && pwd)
kernel=6.1.0-56-amd64
quick=0
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=${2:?}; shift 2 ;;
	--quick) quick=1; shift ;;
	*) echo "usage: selftest.sh [--kernel VER|debug] [--quick]" >&2; exit 2 ;;
	esac
done

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
not_ok() { failed=$((failed + 1)); echo "FAIL: $*"; }

"$HERE/test-scan-klog.sh" >/dev/null && ok "scan-klog unit check" ||
	not_ok "scan-klog unit check (run selftest/test-scan-klog.sh)"

# "debug": the testbed's debug kernel (debug-kernel.sh), which also has
# kmemleak, so a leak case runs.
release=$kernel
kdir=/usr/src/linux-headers-$kernel
if [ "$kernel" = debug ]; then
	release=$("$HERE/../debug-kernel.sh") || exit 1
	kdir=$("$HERE/../debug-kernel.sh" --print kdir) || exit 1
fi
mdir=$REPO/build/testbed/selftest/$kernel
rm -rf "$mdir" && mkdir -p "$mdir"
cp "$HERE/tb_probe.c" "$HERE/Kbuild" "$mdir/"
if ! make -s -C "$kdir" M="$mdir" modules >"$mdir/build.log" 2>&1; then
	cat "$mdir/build.log"
	echo "selftest: cannot build tb_probe.ko for $kernel"
	exit 1
fi
ko=$mdir/tb_probe.ko
log=$mdir/run.log

# run WANT_STATUS DESCRIPTION TESTBED_ARGS...: the testbed must exit
# WANT_STATUS; its output is left in $log for further checks.
run() {
	local want=$1 what=$2 rc
	shift 2
	"$TB" --kernel "$kernel" "$@" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$what (exit $rc)"
		return 0
	fi
	not_ok "$what: exit $rc, expected $want; output:"
	tail -n 30 "$log"
	return 1
}

# output_has STRING DESCRIPTION: the last run printed STRING.
output_has() {
	grep -qF -- "$1" "$log" && ok "$2" || not_ok "$2: '$1' not in output"
}

run 0 "L1 runs $kernel with /dev/kvm, kvm_amd and tun" -- sh -c \
	"test \"\$(uname -r)\" = $release && test -c /dev/kvm &&
	 grep -q '^kvm_amd ' /proc/modules && grep -q '^tun ' /proc/modules &&
	 test \"\$(cat /proc/sys/kernel/hung_task_timeout_secs)\" = 30"

run 3 "the command's exit status is passed through" -- sh -c 'exit 3'

export TESTBED_SELFTEST_STAMP=$$-$RANDOM
rm -f "$REPO/build/testbed/out/selftest-out"
run 0 "TESTBED_OUT is writable and TESTBED_*/--env reach the command" \
	--env SELFTEST_X=x -- sh -c \
	'echo "$SELFTEST_X $TESTBED_SELFTEST_STAMP" >"$TESTBED_OUT/selftest-out"'
[ "$(cat "$REPO/build/testbed/out/selftest-out" 2>/dev/null)" = "x $TESTBED_SELFTEST_STAMP" ] &&
	ok "the artifact reached the host" || not_ok "artifact missing or wrong"

run 0 "a --module loads before the command and unloads after" \
	--module "$ko" -- sh -c 'grep -q "^tb_probe " /proc/modules'

run 121 "a WARN in the kernel log fails the run" --module "$ko warn=1" -- true
output_has "tb_probe: warning requested" "the splat's lines are printed"

run 123 "a module that does not unload fails the run" --module "$ko pin=1" -- true

if grep -q '^CONFIG_DEBUG_KMEMLEAK=y' "$kdir/.config" 2>/dev/null; then
	run 120 "a leak by a --module fails the run (kmemleak)" \
		--module "$ko leak=1" -- true
	output_has "INVOLVES A MODULE UNDER TEST" "the leak's report is printed"
fi

run 122 "a module that cannot load fails the run" --module "$HERE/Kbuild" -- true

if [ "$quick" = 0 ]; then
	run 121 "a task stuck in D state is reported as hung" \
		--module "$ko hang_secs=70" -- sleep 75
	output_has "blocked for more than 30 seconds" "the hung task report is printed"
fi

run 124 "the timeout kills L1" --timeout 15 -- sleep 600

# An L1 that stops beating (its heartbeat loop stopped, as a frozen L1's
# would) is killed long before the timeout.
run 124 "a stopped heartbeat kills L1 before the timeout" --heartbeat 20 --timeout 600 -- sh -c \
	'kill -STOP "$(cat "$TESTBED_RUN_DIR/heartbeat.pid")"; sleep 600'
output_has "L1 froze: its heartbeat stopped" "the frozen L1 is named"

# sysrq 'o' powers L1 off at once: L1 vanishes without reporting a status.
run 125 "L1 dying without a status fails the run" -- sh -c \
	'echo o >/proc/sysrq-trigger; sleep 60'

echo "testbed selftest ($kernel): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
