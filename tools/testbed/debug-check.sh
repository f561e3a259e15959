#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-check.sh MODULE.ko [TEST...]: every KVM selftest (or the TESTs
# named) in the testbed on the debug kernel (lockdep, KASAN, UBSAN, KFENCE,
# kmemleak), with MODULE.ko built against it (make module-debug).  Fails
# on a failed test, on any splat in L1's kernel log (scan-klog.sh) and on
# a kmemleak report that involves the module (scan-kmemleak.sh, after the
# module is unloaded); first proves that a planted leak is caught.  Ends
# with a table of where the time went.
# `make debug-check` builds what it needs and runs this.

set -u

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TB_DIR/../.." && pwd)
module=${1:?usage: debug-check.sh MODULE.ko [TEST...]}
shift
# The whole run: boot (about 2 minutes), the selftests (about 10 times
# slower than on the stock kernel), the leak scan.
timeout=${DEBUG_CHECK_TIMEOUT:-5400}

start=$(date +%s)
rel=$("$TB_DIR/debug-kernel.sh") || exit 1
built=$(date +%s)

# The leak check must be able to fail: a probe module that loses 32
# allocations at load (tb_probe leak=1) must fail its run with the leak
# status, or a clean scan below would prove nothing.
kdir=$("$TB_DIR/debug-kernel.sh" --print kdir) || exit 1
pdir=$REPO/build/testbed/selftest/debug-leak
rm -rf "$pdir" && mkdir -p "$pdir"
cp "$TB_DIR/selftest/tb_probe.c" "$TB_DIR/selftest/Kbuild" "$pdir/"
make -s -C "$kdir" M="$pdir" modules >"$pdir/build.log" 2>&1 ||
	{ cat "$pdir/build.log"; echo "debug-check: cannot build tb_probe"; exit 1; }
"$TB_DIR/testbed.sh" --kernel debug --module "$pdir/tb_probe.ko leak=1" \
	-- true >"$pdir/run.log" 2>&1
leak_rc=$?
if [ "$leak_rc" != 120 ]; then
	tail -n 20 "$pdir/run.log"
	echo "debug-check: kmemleak missed a planted leak (exit $leak_rc, want 120)"
	exit 1
fi
echo "debug-check: kmemleak caught the planted leak:" \
	"$(grep -m1 '^kmemleak: .* suspected leak' "$pdir/run.log")"
probed=$(date +%s)

# In L1: when the command started (seconds since L1's boot) and how long
# the selftests took, for the table below.  Lockdep switches itself off
# after its first report or when its tables overflow; a run it did not
# watch to the end proves nothing about locking, so that fails too.
# shellcheck disable=SC2016  # expanded in L1
inner='echo "debug-check: L1 reached the command at $(cut -d" " -f1 /proc/uptime) s"
t0=$(date +%s)
selftests/kvm/run.sh "$@"
rc=$?
echo "debug-check: selftests took $(($(date +%s) - t0)) s"
locks=$(sed -n "s/^ *debug_locks: *//p" /proc/lockdep_stats)
echo "debug-check: lockdep debug_locks=${locks:-?} (1: still watching)"
[ "$locks" = 1 ] || rc=1
exit $rc'

log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$TB_DIR/testbed.sh" --kernel debug --timeout "$timeout" --module "$module" \
	--chdir "$REPO" -- bash -c "$inner" debug-check "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
end=$(date +%s)

boot=$(sed -n 's/^debug-check: L1 reached the command at \([0-9.]*\) s.*/\1/p' "$log" | tail -n1)
tests=$(sed -n 's/^debug-check: selftests took \([0-9]*\) s.*/\1/p' "$log" | tail -n1)
qemu=$(sed -n 's/^testbed: .*QEMU ran \([0-9.]*\)s.*/\1/p' "$log" | tail -n1)
echo "debug-check: $rel, exit $rc"
printf '  %-34s %8s\n' "stage" "seconds" \
	"debug kernel (build or cache check)" "$((built - start))" \
	"kmemleak positive control" "$((probed - built))" \
	"L1 boot to the command (L1 clock)" "${boot:-?}" \
	"selftests (L1 clock)" "${tests:-?}" \
	"QEMU in all (boot, tests, leak scan)" "${qemu:-?}" \
	"total" "$((end - start))"
exit "$rc"
