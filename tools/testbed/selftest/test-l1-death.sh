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
# shellcheck source=../l2/lib.sh
. "$HERE/../l2/lib.sh"
passed=0
failed=0
# tally STATUS LINE: count a check that passed (STATUS 0) or failed.
tally() {
	if [ "$1" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok: $2"
	else
		failed=$((failed + 1))
		echo "FAIL: $2"
	fi
}
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
# An int3 oops in the middle of the tests (testdata: svm_vcpu_run's jump
# to its kvm_entry trace point, patched under a running vCPU when a
# post-mortem enabled KVM's trace events, Debian 13, 2026-12-02).
int3=$(run_dir int3-svm int3-svm.log "")
expect 125 "$int3" "int3 oops"
expect 1 "$int3" -
# The same oops while the module was still loading stays the module's.
rm -f "$int3/loaded"
expect 125 "$int3" -
# A failed test, a splat found in the log: the run was not lost.
expect 1 "$guard" -
expect 121 "$triple" -

# l2_stuck: an end-to-end run whose first failed step found its guest's
# vCPU executing nothing (the verdict below) was lost to L0, unless L1's
# kernel log step failed too.
e2e=$tmp/e2e
mkdir -p "$e2e"
echo "=== kvm-e1000: TCP 8 MiB L1->guest, sha256 checked" >"$e2e/006.log"
echo "=== kvm-e1000: L1 kernel log clean" >"$e2e/026.log"
printf '6\n' >"$e2e/failed"
echo "6 kvm-e1000: TCP 8 MiB L1->guest, sha256 checked" >"$e2e/l2-stuck"
expect_stuck() {
	local why rc
	why=$(l2_stuck "$1" "$e2e")
	rc=$?
	if { [ "$2" = - ] && [ $rc -ne 0 ]; } || { [ "$2" != - ] && [ $rc -eq 0 ]; }; then
		passed=$((passed + 1))
		echo "ok: l2_stuck $1, failed steps $(tr '\n' ' ' <"$e2e/failed"): ${why:-not blamed on L0}"
	else
		failed=$((failed + 1))
		echo "FAIL: l2_stuck $1: status $rc, '$why', wanted '$2'"
	fi
}
expect_stuck 1 stuck
expect_stuck 125 -
printf '6\n26\n' >"$e2e/failed"
expect_stuck 1 -
printf '6\n' >"$e2e/failed"
rm "$e2e/l2-stuck"
expect_stuck 1 -
# A first failed step that found a guest whose CPU reset itself (below).
echo "9 kvm-e1000: iperf3 TCP guest->L1" >"$e2e/l2-reset"
printf '9\n' >"$e2e/failed"
expect_stuck 1 reset
printf '9\n26\n' >"$e2e/failed"
expect_stuck 1 -
printf '6\n' >"$e2e/failed"
rm "$e2e/l2-reset"
# A first failed step that found a guest's CR3 broken in the register.
echo "19 kvm-e1000: two guests at once" >"$e2e/l2-cr3"
printf '19\n' >"$e2e/failed"
expect_stuck 1 cr3
printf '19\n26\n' >"$e2e/failed"
expect_stuck 1 -
printf '6\n' >"$e2e/failed"
rm "$e2e/l2-cr3"

# l2_silent_reset, on consoles: the guest that reset itself in the
# middle of "iperf3 TCP guest->L1" (Debian 13, 2026-12-02: a new boot,
# nothing before it); one that rebooted (reboot -f), one that panicked,
# and a libvirt domain destroyed and started again.
expect_reset() {
	local d=$tmp/console-$3
	mkdir -p "$d"
	printf '%b' "$2" >"$d/console.log"
	[ -z "${incoming:-}" ] || : >"$d/incoming"
	if { [ "$1" = reset ] && l2_silent_reset "$d"; } ||
	   { [ "$1" = - ] && ! l2_silent_reset "$d"; }; then
		passed=$((passed + 1))
		echo "ok: l2_silent_reset, $3"
	else
		failed=$((failed + 1))
		echo "FAIL: l2_silent_reset, $3: wanted $1"
	fi
}
boot='Probing EDD (edd=off to disable)... ok\r\n[    3.5] XSAVE consistency problem\r\n@@L2-READY@@ driver=e1000 link=up\r\n'
expect_reset reset "$boot$boot" "a new boot out of nothing"
expect_reset - "$boot" "one boot"
expect_reset - "${boot}[   80.1] reboot: Restarting system\n$boot" "reboot -f"
expect_reset - "${boot}[   80.1] Kernel panic - not syncing: Fatal exception\n$boot" "a panic"
expect_reset - "$boot$L2_ENDED\n$boot" "libvirt's restart"
expect_reset - "${boot}[   80.1] sysrq: Resetting\n$boot" "SysRq b"
# A post-mortem's SysRq w and l (l2_stuck_report) end no boot.
expect_reset reset "${boot}[   80.1] sysrq: Changing Loglevel\n[   80.2] sysrq: Show Blocked State\n$boot" \
	"a reset after SysRq l and w"
# A migration's destination: its console starts in the middle of the
# guest's boot (virsh migrate, Debian 13, 2026-12-04: the first boot
# line there was a triple fault's).
running='[   32.6] clocksource: timekeeping watchdog on CPU0\r\n'
incoming=1 expect_reset reset "$running$boot" "a destination that booted"
incoming=1 expect_reset - "$running" "a destination running on"
incoming=1 expect_reset - "${running}[   40.1] reboot: Power down\n$boot" "a destination rebooted"
expect_reset - "$running$boot" "the same console not of a destination"

# l2_reboot_reason: the first word of the boot before the last one.
expect_reason() {
	local d=$tmp/reason-$3 got
	mkdir -p "$d"
	printf '%b' "$2" >"$d/console.log"
	got=$(l2_reboot_reason "$d")
	if [ "$got" = "$1" ]; then
		passed=$((passed + 1))
		echo "ok: l2_reboot_reason, $3: '$got'"
	else
		failed=$((failed + 1))
		echo "FAIL: l2_reboot_reason, $3: '$got', wanted '$1'"
	fi
}
expect_reason "Kernel panic - not syncing: Fatal exception" \
	"${boot}[   79.9] sysrq: Changing Loglevel\n[   80.1] Kernel panic - not syncing: Fatal exception\n[   80.2] reboot: Restarting system\n$boot" \
	"a panic"
expect_reason "" "$boot$boot" "a silent reset"
expect_reason "" "${boot}[   80.1] Kernel panic - not syncing: Fatal exception\n$boot$boot" \
	"a silent reset after a panic's boot"

# l2_stuck_verdict, on the registers and APIC of a guest seen so on
# Debian 13 (2026-12-02: RIP equal to CR2, a module text address).
rip="RIP=ffffffffc08610b0 RFL=00010246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=0"
expect_verdict() {
	local got
	got=$(l2_stuck_verdict "$2" "$3" "$4" "$5" "$6")
	{ [ "$1" = stuck ] && [[ $got == "verdict: vCPU stuck"* ]]; } ||
		{ [ "$1" = - ] && [ -z "$got" ]; }
	tally $? "verdict for $7: '${got:-none}', wanted $1"
}
expect_verdict stuck "$rip" "$rip" "38 236" "38 236" 190 "the stuck guest"
expect_verdict - "$rip" "${rip/10b0/10b4}" "38 236" "38 236" 190 "a guest that moved"
expect_verdict - "$rip" "$rip" "(none)" "(none)" 190 "nothing pending"
expect_verdict - "$rip" "$rip" "38" "236" 190 "a new vector each time"
expect_verdict - "${rip/246/046}" "${rip/246/046}" "38" "38" 190 "interrupts off"
expect_verdict - "${rip/HLT=0/HLT=1}" "${rip/HLT=0/HLT=1}" "38" "38" 190 "a halted CPU"
expect_verdict - "$rip" "$rip" "38" "38" 20 "a vCPU thread that sleeps"
expect_verdict - "" "" "38" "38" 190 "a paused VM"

# l2_walk_verdict, on L1's KVM trace of a guest stuck on 2026-12-03: a
# TX descriptor's DD bit written into its page table by the device.
expect_walk() {
	local got
	got=$(l2_walk_verdict "$2")
	{ [ "$1" = broken ] &&
	  [[ $got == "verdict: guest page tables broken"*"GPA 0x00000001048a0ff8"* ]]; } ||
		{ [ "$1" = - ] && [ -z "$got" ]; }
	tally $? "walk verdict for $3: '${got:-none}', wanted $1"
}
expect_walk broken "$DATA/trace-walk.txt" "the walk failing over and over"
head -n 30 "$DATA/trace-walk.txt" >"$tmp/few.txt"
expect_walk - "$tmp/few.txt" "four failed walks (a guest's own #PFs, emulated)"
expect_walk - "$DATA/trace-running.txt" "a vCPU exiting for interrupts"
expect_walk - "$tmp/none.txt" "no trace"

# l2_cr3_verdict: the Debian 13 guest after virsh migrate (2026-12-04),
# CR3 0x102712000 in 512 MiB; the same guest before it; guests whose RAM
# goes past the PCI hole are not judged.
expect_cr3() {
	local got
	got=$(l2_cr3_verdict "$2" "$3")
	{ [ "$1" = broken ] && [[ $got == "verdict: CR3=$2 points past"* ]]; } ||
		{ [ "$1" = - ] && [ -z "$got" ]; }
	tally $? "CR3 verdict for $4: '${got:-none}', wanted $1"
}
expect_cr3 broken 0000000102712000 536870912 "CR3 with bit 32 set"
expect_cr3 broken 0000000020000000 536870912 "CR3 at the first byte past RAM"
expect_cr3 - 0000000002712000 536870912 "the right CR3"
expect_cr3 - 000000001ffff001 536870912 "CR3 in RAM's last page, a PCID in it"
expect_cr3 - 0000000102712000 8589934592 "a guest with RAM above 4 GiB"
expect_cr3 - "" 536870912 "no registers"

# ramgrep.py, on 4 KiB of made-up RAM: the pointer with bit 32 set where
# a DD write-back would leave it (offset 8 of 16), and once unaligned.
python3 - "$tmp/ram.bin" <<'PY'
import struct, sys
ram = bytearray(4096)
ram[0x18:0x20] = struct.pack("<Q", 0xff11000102712000)
ram[0x41:0x49] = struct.pack("<Q", 0xff11000102712000)
open(sys.argv[1], "wb").write(ram)
PY
got=$(python3 "$HERE/../l2/ramgrep.py" "$tmp/ram.bin" ff11000102712000 ffff888102712000)
if [ "$got" = "0x18 0xff11000102712000 8" ]; then
	passed=$((passed + 1))
	echo "ok: ramgrep finds the aligned pointer only: $got"
else
	failed=$((failed + 1))
	echo "FAIL: ramgrep: '$got'"
fi

# l2_ram_pointers and l2_cr3_ram_verdict, on 8 KiB of made-up RAM: the
# kernel's pointer to the table CR3 should hold, intact, where 6.1 keeps
# mm_struct.pgd (offset 0 of 16); then its broken form as well.
python3 - "$tmp/ram2.bin" <<'PY'
import struct, sys
ram = bytearray(8192)
ram[0x1040:0x1048] = struct.pack("<Q", 0xff1100000340c000)
open(sys.argv[1], "wb").write(ram)
PY
expect_ram() {
	local got
	got=$(l2_cr3_ram_verdict "$2" 8192 "$(l2_ram_pointers "$tmp/ram2.bin" 0x10340c000)" \
		"$(l2_ram_pointers "$tmp/ram2.bin" 0x340c000)")
	[[ $got == *"$1"* ]] && { [ -n "$1" ] || [ -z "$got" ]; }
	tally $? "CR3's origin for $3: '${got:-no verdict}', wanted '${1:-none}'"
}
expect_ram "CR3 broke in the register: the kernel's pointer to its table is intact in guest memory (at GPA 0x1040)" \
	8192 "the pointer intact, CR3 0x10340c000"
expect_ram "not saved whole (4096 of 8192 bytes)" 4096 "RAM saved in part"
# ramgrep failing (no such file) fails l2_ram_pointers, its message shown.
got=$(l2_ram_pointers "$tmp/none.bin" 0x340c000 2>&1)
rc=$?
[ "$rc" -ne 0 ] && [[ $got == "ramgrep.py: "*"none.bin"* ]]
tally $? "l2_ram_pointers on RAM not saved: status $rc, '$got'"
python3 - "$tmp/ram2.bin" <<'PY'
import struct, sys
ram = bytearray(open(sys.argv[1], "rb").read())
ram[0x1048:0x1050] = struct.pack("<Q", 0xff1100010340c000)
open(sys.argv[1], "wb").write(ram)
PY
expect_ram "a broken pointer in guest memory, at GPA 0x1048: something wrote over it" \
	8192 "the broken pointer in memory too"
dd if=/dev/zero of="$tmp/ram2.bin" bs=8192 count=1 2>/dev/null
expect_ram "" 8192 "neither pointer in memory"

echo "l1-death: $passed passed, $failed failed"
[ $failed -eq 0 ]
