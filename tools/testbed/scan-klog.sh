#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scan-klog.sh LOG: exit 1 and print the offending lines (with a little
# context) if the kernel log LOG shows a warning, BUG, oops, sanitizer
# report, hung task, lockdep splat or a call trace; exit 0 if it is clean.

set -u

# Signatures of the kernel's own reports; each is printed only by the
# kernel's splat paths, not by ordinary driver messages.
PATTERNS=(
	'WARNING:'
	'BUG:'
	'kernel BUG at'
	'Oops'
	'general protection'
	'KASAN'
	'UBSAN'
	'KFENCE'
	'hung task'
	'blocked for more than'
	'soft lockup'
	'hard LOCKUP'
	'rcu_.*detected stall'
	'rcu: INFO'
	'possible circular locking'
	'possible recursive locking'
	'inconsistent lock state'
	'suspicious RCU'
	'Call Trace'
	'Kernel panic'
)

# Bounded so a storm of splats does not drown the console.
MAX_LINES=${SCAN_KLOG_MAX_LINES:-200}

log=${1:?usage: scan-klog.sh LOG}
[ -r "$log" ] || { echo "scan-klog: cannot read $log" >&2; exit 2; }

regex=$(IFS='|'; echo "${PATTERNS[*]}")
grep -aqE "$regex" "$log" || exit 0

echo "kernel log problems in $log:"
grep -anE -B 2 -A 12 "$regex" "$log" | head -n "$MAX_LINES"
exit 1
