#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit check of scan-klog.sh (and scan-kmemleak.sh) on saved kernel logs: the clean log must pass,
# every splat sample must fail with its key line in the report.  No VM.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SCAN=$HERE/../scan-klog.sh
DATA=$HERE/testdata
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok: $*"; }
not_ok() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect_bad LOG LINE: scan-klog must exit 1 and print LINE.
expect_bad() {
	local out rc
	out=$("$SCAN" "$DATA/$1" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && grep -qF -- "$2" <<<"$out"; then
		ok "$1 flagged"
	else
		not_ok "$1: exit $rc, expected 1 with '$2' in: $out"
	fi
}

out=$("$SCAN" "$DATA/clean.log" 2>&1)
rc=$?
if [ $rc -eq 0 ] && [ -z "$out" ]; then
	ok "clean.log passes silently"
else
	not_ok "clean.log: exit $rc: $out"
fi

"$SCAN" "$DATA/no-such.log" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok "unreadable log is an error" || not_ok "unreadable log: exit $rc"

expect_bad warn.log 'WARNING: CPU: 1 PID: 412 at tb_probe.c:21'
expect_bad null-deref.log 'BUG: kernel NULL pointer dereference'
expect_bad gpf.log 'general protection fault'
expect_bad hung.log 'blocked for more than 30 seconds'
expect_bad lockdep.log 'possible circular locking dependency'
expect_bad inconsistent.log 'inconsistent lock state'
expect_bad rcu.log 'suspicious RCU usage'
expect_bad kasan.log 'BUG: KASAN: slab-use-after-free'
expect_bad ubsan.log 'UBSAN: shift-out-of-bounds'
expect_bad stall.log 'detected stalls on CPUs'
expect_bad softlockup.log 'BUG: soft lockup'
expect_bad trace-only.log 'Call Trace:'

# A splat buried in an otherwise clean log is still found, context and all.
tmp=$(mktemp)
cat "$DATA/clean.log" "$DATA/warn.log" "$DATA/clean.log" >"$tmp"
out=$("$SCAN" "$tmp" 2>&1)
rc=$?
rm -f "$tmp"
if [ $rc -eq 1 ] && grep -qF 'do_one_initcall' <<<"$out"; then
	ok "splat inside a long log flagged with its trace"
else
	not_ok "embedded splat: exit $rc: $out"
fi

# scan-kmemleak.sh: a kernel's own leak is printed but passes; a leak
# whose backtrace names the module, or holds a frame that no longer
# resolves (the module was unloaded before the scan), fails.
LEAK=$HERE/../scan-kmemleak.sh
expect_leak() {
	local out rc
	out=$("$LEAK" "$DATA/$1" kvm-e1000 2>&1)
	rc=$?
	if [ $rc -eq "$2" ] && grep -qF -- "$3" <<<"$out"; then
		ok "kmemleak: $1 exits $2"
	else
		not_ok "kmemleak: $1: exit $rc, expected $2 with '$3' in: $out"
	fi
}
expect_leak kmemleak-kernel.log 0 '1 suspected leak(s), 0 involving'
expect_leak kmemleak-module.log 1 'e1000_dev_create+0x53/0x410 [kvm_e1000]'
expect_leak kmemleak-unloaded.log 1 '1 involving a module under test'
expect_leak clean.log 0 ''
"$LEAK" "$DATA/no-such.log" kvm-e1000 >/dev/null 2>&1
rc=$?
if [ $rc -eq 2 ]; then
	ok "kmemleak: unreadable log is an error"
else
	not_ok "kmemleak: unreadable log: exit $rc"
fi

echo "scan-klog: $passed passed, $failed failed"
[ $failed -eq 0 ]
