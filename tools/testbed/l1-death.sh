# shellcheck shell=bash
# l1_death RC RUN_DIR: why a testbed run was lost to L0's TCG, or fail
# (status 1) for any other outcome.  Sourced by the scripts that run a
# second boot after such a loss (selftests/e2e/testbed-run.sh,
# tools/bench/bench.sh).  The family (tools/testbed/README.md): L1 freezes
# (testbed.sh's timeout or L1's stopped heartbeat, 124), or a vCPU thread of an L2 guest overflows
# its kernel stack in recursive page faults after an interrupt taken
# with L2's GS base, seen as the guard page hit (Debian 12 and 13) or as
# the stack's end found overwritten by the scheduler (Debian 13's 6.12),
# or, when the L2 guest's GS base is not an address L1 maps (U-Boot's),
# as a triple fault that L0 logs while L1's kernel log stays clean: even
# the double-fault handler's first per-CPU access faults, so L1 says
# nothing.  A module bug that ends in a triple fault would first oops.
# And L1 dying before the module under test was loaded (testbed.sh's
# "loaded" list empty, no load failure, the module named nowhere in L1's
# log) is the testbed's to answer for, whatever the form: seen as an
# int3 oops in the scheduler at boot, where the kernel patches its own
# text (jump labels) under L0's multi-threaded TCG.  That oops later, the
# module loaded, is L0's too: the kernel meets an int3 in its text only
# while it patches it (text_poke_bp()), and its handler knows each such
# int3; one it does not know is a CPU that ran a stale translation of the
# patched code.  A module cannot write the kernel's read-only text, and
# its BUG() and WARN() are ud2, not int3.
l1_death() {
	local rc=$1 run=$2 logs=("$2/dmesg-live.log" "$2/console.log")
	local here
	here=$(dirname "${BASH_SOURCE[0]}")
	case $rc in
	124) echo "L1 froze (see $run/cpus-at-timeout.txt)" ;;
	125)
		if grep -qs "stack guard page was hit" "${logs[@]}"; then
			echo "L1 died: kernel stack guard page hit (see $run/console.log)"
		elif grep -qs "corrupted stack end detected" "${logs[@]}"; then
			echo "L1 died: a task's stack end overwritten (see $run/console.log)"
		elif [ "$(tail -n 1 "$run/cpu-reset.log" 2>/dev/null)" = "Triple fault" ] &&
		     [ -s "$run/dmesg-live.log" ] &&
		     "$here/scan-klog.sh" "$run/dmesg-live.log" >/dev/null 2>&1; then
			echo "L1 triple-faulted, its kernel log clean (see $run/cpu-reset.log)"
		elif ! grep -qs . "$run/loaded" && [ ! -e "$run/modload-failed" ] &&
		     ! grep -qsE 'kvm[_-]e1000' "${logs[@]}"; then
			echo "L1 died before the module under test was loaded (see $run/console.log)"
		elif grep -qs . "$run/loaded" &&
		     grep -qsE '(Oops: )?int3: [0-9a-f]{4} \[#1\]' "${logs[@]}"; then
			echo "L1 died: an int3 oops, kernel text being patched (see $run/console.log)"
		else
			return 1
		fi ;;
	*) return 1 ;;
	esac
}

# l2_stuck RC E2E_LOGS: why an end-to-end run that failed (status 1) was
# lost to L0's TCG, or fail: its first failed step found the guest's vCPU
# executing nothing (l2_stuck_report's verdict in tools/testbed/l2/lib.sh:
# the same RIP with IF set and an interrupt pending, never taken, its
# thread spinning), and L1's kernel log stayed clean (that step passed: a
# module that wedged KVM would have left a report there).
#
# Or that first failed step found a guest whose CPU had reset itself: a new
# boot on its console after no reboot, panic or oops line (e2e lib.sh's
# l2-reset, l2_silent_reset in tools/testbed/l2/lib.sh), L1's log clean
# likewise.  A device that wrote over the guest's memory would show as an
# oops or a panic on that console first, not as a silent reset.
#
# Or that first failed step found a guest whose CR3 points past its RAM
# while the kernel's pointer to the page table it should hold lies intact
# in guest memory and the broken form nowhere (e2e lib.sh's l2-cr3,
# l2_cr3_ram_verdict in tools/testbed/l2/lib.sh): a vCPU register broken
# below the guest; a device writes guest memory, never a register.
l2_stuck() {
	local rc=$1 dir=$2 n step f what
	[ "$rc" -eq 1 ] || return 1
	if [ -s "$dir/l2-stuck" ]; then
		f=l2-stuck what="an L2 guest's vCPU stopped executing"
	elif [ -s "$dir/l2-reset" ]; then
		f=l2-reset what="an L2 guest's CPU reset itself without a word"
	elif [ -s "$dir/l2-cr3" ]; then
		f=l2-cr3 what="an L2 guest's CR3 broke in the register, its page-table pointer intact in memory"
	else
		return 1
	fi
	read -r n step <"$dir/$f"
	while read -r f; do
		grep -q '^=== .*L1 kernel log clean' "$dir/$(printf '%03d' "$f").log" 2>/dev/null && return 1
	done < <(cat "$dir/failed" 2>/dev/null)
	echo "$what in step $n ($step; see its log)"
}
