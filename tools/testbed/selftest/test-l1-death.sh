#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit check of l1-death.sh: which lost testbed runs it blames on L0's
# TCG (and so are run again) and which it leaves as failures.  Each case
# is a run folder made of saved logs.  No VM.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/testdata
# shellcheck source=../l1-death.sh
. "$HERE/../l1-death.sh"
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# run_dir NAME KLOG RESET_TAIL: a run folder whose L1 kernel log (and
# console) is testdata's KLOG and whose L0 reset log ends in RESET_TAIL,
# with the module under test loaded.
run_dir() {
	local d=$tmp/$1
	mkdir -p "$d"
	echo kvm_e1000 >"$d/loaded"
	cp "$DATA/$2" "$d/dmesg-live.log"
	cp "$DATA/$2" "$d/console.log"
	printf 'CPU Reset (CPU 0)\nEIP=0000fff0 EFL=00000002\n%s\n' "$3" >"$d/cpu-reset.log"
	echo "$d"
}

# expect RC DIR WHAT: l1_death RC DIR blames L0 with WHAT in its reason,
# or, for WHAT "-", does not.
expect() {
	local why rc
	why=$(l1_death "$1" "$2")
	rc=$?
	if { [ "$3" = - ] && [ $rc -ne 0 ]; } ||
	   { [ "$3" != - ] && [ $rc -eq 0 ] && grep -qF -- "$3" <<<"$why"; }; then
		passed=$((passed + 1))
		echo "ok: exit $1, $(basename "$2"): ${why:-not blamed on L0}"
	else
		failed=$((failed + 1))
		echo "FAIL: exit $1, $(basename "$2"): status $rc, '$why', wanted '$3'"
	fi
}

clean=$(run_dir clean clean.log "")
triple=$(run_dir triple clean.log "Triple fault")
oops=$(run_dir oops-then-triple null-deref.log "Triple fault")
guard=$(run_dir guard clean.log "")
echo "[  561.528295] BUG: TASK stack guard page was hit at 0000000017745631" >>"$guard/console.log"
stackend=$(run_dir stack-end clean.log "")
echo "Kernel panic - not syncing: corrupted stack end detected inside scheduler" >>"$stackend/console.log"

expect 124 "$clean" "L1 froze"
expect 125 "$guard" "stack guard page hit"
expect 125 "$stackend" "stack end overwritten"
expect 125 "$triple" "triple-faulted"
# L1 reported a bug before it died: that is not L0's to answer for.
expect 125 "$oops" -
# Died, nothing logged anywhere, no triple fault: nobody can tell.
expect 125 "$clean" -
rm -f "$triple/dmesg-live.log"
expect 125 "$triple" -
# Died at boot, before the module was loaded (testdata: L1's console
# then, an int3 oops where the kernel patched its text; nothing reached
# the streamed log).
boot=$(run_dir boot int3-boot.log "")
rm -f "$boot/loaded"
: >"$boot/dmesg-live.log"
expect 125 "$boot" "before the module under test was loaded"
# Its load failed, or crashed L1 while it loaded: the module's own.
touch "$boot/modload-failed"
expect 125 "$boot" -
rm -f "$boot/modload-failed"
echo "[    9.5] Modules linked in: kvm_e1000(OE+) tun kvm_amd" >>"$boot/console.log"
expect 125 "$boot" -
# A failed test, a splat found in the log: the run was not lost.
expect 1 "$guard" -
expect 121 "$triple" -

echo "l1-death: $passed passed, $failed failed"
[ $failed -eq 0 ]
