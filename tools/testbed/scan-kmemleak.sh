#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scan-kmemleak.sh LOG MODULE...: judge a kmemleak report (the text of
# /sys/kernel/debug/kmemleak after a scan).  Prints every suspected leak
# (bounded) and a count; exits 1 if one of them involves a module under
# test, 0 if none does (leaks of the kernel itself are printed, not
# judged), 2 if LOG cannot be read.
#
# A leak involves a module when a frame of its allocation backtrace names
# it ("[kvm_e1000]"), or when a frame is a bare address: the testbed scans
# after unloading the --module files, and only an unloaded module's code
# (or a module's freed init section) no longer resolves to a symbol.

set -u

MAX_LINES=${SCAN_KMEMLEAK_MAX_LINES:-300}

log=${1:?usage: scan-kmemleak.sh LOG MODULE...}
shift
[ -r "$log" ] || { echo "scan-kmemleak: cannot read $log" >&2; exit 2; }
grep -q '^unreferenced object' "$log" || exit 0

# Module names as /proc/modules spells them (kvm-e1000.ko is kvm_e1000).
names=$(printf '%s\n' "$@" | tr '-' '_' | paste -sd' ' -)

awk -v names="$names" -v max="$MAX_LINES" '
function judge() {
	if (!in_report)
		return
	total++
	if (ours) {
		bad++
		mark = "INVOLVES A MODULE UNDER TEST"
	} else {
		mark = "kernel"
	}
	for (i = 1; i <= n; i++) {
		if (printed++ < max)
			print (i == 1 ? head " [" mark "]" : lines[i])
	}
}
BEGIN {
	split(names, want, " ")
}
/^unreferenced object/ {
	judge()
	in_report = 1
	ours = 0
	n = 0
	head = $0
}
{
	if (!in_report)
		next
	lines[++n] = $0
	if ($0 ~ /^ +\[<[0-9a-f]+>\] /) {
		frame = $0
		sub(/^ +\[<[0-9a-f]+>\] /, "", frame)
		if (frame ~ /^0x[0-9a-f]+$/)
			ours = 1
		for (w in want)
			if (index(frame, "[" want[w] "]"))
				ours = 1
	}
}
END {
	judge()
	printf "kmemleak: %d suspected leak(s), %d involving a module under test\n", total, bad
	exit bad > 0
}' "$log"
