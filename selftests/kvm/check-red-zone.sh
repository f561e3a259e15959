#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fail if any function in the given objects or archives touches the stack
# below %rsp (the x86-64 red zone).  Guest code shares its stack with the
# interrupts it takes, so anything kept there may be overwritten between
# two instructions: see NO_RED_ZONE in the Makefile.
#
#   check-red-zone.sh build/selftests/libkvm/libkvm.a build/selftests/*.o
set -eu

[ $# -gt 0 ] || { echo "usage: $0 OBJECT|ARCHIVE..." >&2; exit 2; }

bad=$(objdump -d --no-show-raw-insn "$@" | awk '
	/^[^ \t].*:[ \t]+file format/ { file = $1; sub(/:$/, "", file) }
	/^[0-9a-f]+ <.*>:$/ { fn = $2; sub(/:$/, "", fn) }
	/[ \t,]-0x[0-9a-f]+\(%rsp[),]/ { print file " " fn ": " $0 }')
if [ -n "$bad" ]; then
	echo "check-red-zone: stack below %rsp used (build with -mno-red-zone):" >&2
	echo "$bad" | head -20 >&2
	exit 1
fi
echo "check-red-zone: $# file(s), no access below %rsp"
