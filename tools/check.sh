#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh STAGE...: `make check`.  Runs each make target in order, stops
# at the first that fails (as make would), and ends with a table of the
# time each stage took, so a slow stage shows where CI's budget went.

set -u

stages=("$@")
times=()
rc=0
start=$(date +%s)
for s in "${stages[@]}"; do
	t0=$(date +%s)
	make --no-print-directory "$s"
	rc=$?
	times+=("$(($(date +%s) - t0))")
	[ "$rc" = 0 ] || break
done

echo "check: time per stage"
for i in "${!times[@]}"; do
	status=ok
	[ "$i" = $((${#times[@]} - 1)) ] && [ "$rc" != 0 ] && status=FAILED
	printf '  %-18s %6s s  %s\n' "${stages[$i]}" "${times[$i]}" "$status"
done
for s in "${stages[@]:${#times[@]}}"; do
	printf '  %-18s %6s    not run\n' "$s" -
done
printf '  %-18s %6s s\n' total "$(($(date +%s) - start))"
exit "$rc"
