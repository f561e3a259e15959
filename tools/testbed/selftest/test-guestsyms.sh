#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit check of tools/bench/guestsyms.py, which names the guest's code in
# L1's perf samples: L1's kernel placed by KASLR, the guest's without it,
# so L1's symbols must move by the difference of the two _text; a module
# symbol comes from the guest's own table; a data symbol names nothing;
# an address below every symbol is "?".  No VM.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# L1: _text 0x1f800000 above the guest's 0xffffffff81000000.
cat >"$tmp/l1" <<'KS'
ffffffffa0800000 T _text
ffffffffa0800100 T clear_page_erms
ffffffffa0800200 t copy_user_enhanced_fast_string
ffffffffa0800280 D some_data
ffffffffa0800300 T native_write_msr
ffffffffc0100000 t e1000_intr	[e1000]
KS
echo "ffffffff81000000 T _text" >"$tmp/text"
cat >"$tmp/mods" <<'KS'
ffffffffc0200000 t e1000_intr	[e1000]
ffffffffc0200400 t e1000_clean	[e1000]
KS
cat >"$tmp/report" <<'REP'
# Samples: 100 of event 'cpu-clock'
    40.00%  [g] 0xffffffff81000107
    20.00%  [g] 0xffffffff81000210
    10.00%  [g] 0xffffffff81000290
    10.00%  [g] 0xffffffffc0200012
     5.00%  [g] 0xffffffffc0200012
     5.00%  [g] 0xffffffffc0200528
    10.00%  [g] 0xffffffff80000000
REP

out=$("$HERE/../../bench/guestsyms.py" "$tmp/l1" "$tmp/text" "$tmp/mods" "$tmp/report" --addrs 3) ||
	{ echo "FAIL: guestsyms.py exited $?"; exit 1; }

# expect NAME LINE: the output has LINE, whole.
expect() {
	if grep -qxF -- "$2" <<<"$out"; then
		passed=$((passed + 1))
	else
		echo "FAIL: $1: no line '$2' in:"
		echo "$out"
		failed=$((failed + 1))
	fi
}

expect "modules" "by module: kernel 70.0%, e1000 20.0%, ? 10.0%"
expect "L1's symbol moved to the guest's _text" " 40.00%  clear_page_erms"
# 0x...290 lies past some_data, a data symbol: still copy_user's.
expect "a data symbol names nothing" " 30.00%  copy_user_enhanced_fast_string"
expect "the guest's module symbol, one address twice" " 15.00%  e1000_intr [e1000]"
expect "below every symbol" " 10.00%  ?"
expect "the address that took most" " 40.00%  clear_page_erms+0x7"
expect "a module address" " 15.00%  e1000_intr+0x12 [e1000]"

echo "test-guestsyms: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
