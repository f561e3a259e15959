#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# testbed-run.sh [--profile NAME] KERNEL MODULE.ko NIC...: the end-to-end
# tests in the testbed.  --profile (or TESTBED_PROFILE) picks L1's release
# (tools/testbed/profiles.sh: debian12, the default, or debian13, whose L1
# runs trixie's QEMU 10); KERNEL "-" is the profile's kernel.
# E2E_ONLY=REGEX runs only the tests whose description matches (lib.sh);
# E2E_TWO_GUEST_ROUNDS=N repeats the two-guest transfers N times,
# E2E_UNBIND_ROUNDS=N the driver unbind under a flood, and
# E2E_LIBVIRT_ROUNDS=N the libvirt domain's restart and E2E_LVM_ROUNDS=N
# its migration through virsh (run.sh).
#
# L2 guests need L0's multi-threaded TCG: single-threaded, an L2 boot crawls
# past any timeout.  Multi-threaded TCG intermittently freezes L1 for good
# when KVM patches kernel text (see tools/testbed/README.md; the testbed
# holds KVM's static keys still against it, keypin.c); the testbed then
# times out (124) with L1's CPU state saved.  That, and L1 dying of a
# kernel stack overflow seen only under multi-threaded TCG (not explained
# yet: tools/testbed/README.md), or its silent form (a triple fault, L1's
# kernel log clean), is retried up to twice, saying so (CI once lost two
# Debian 13 boots of one config in a row; L1's heartbeat tells a freeze
# within minutes, tools/testbed/testbed.sh, so two fit in CI's time); L1
# dying before the
# module under test was loaded (an oops where the kernel patches its text
# at boot) up to twice more (run_config).  Each NIC
# config gets a testbed boot of its own: its timeout has room for one
# config's tests on a slow host, and a freeze repeats one config, not all
# of them.  Exits with the first failure's status after every config
# ran; a config the testbed lost otherwise is named at the very end,
# with the step it was in.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../tools/testbed/profiles.sh
. "$here/../../tools/testbed/profiles.sh"
# shellcheck source=../../tools/testbed/l1-death.sh
. "$here/../../tools/testbed/l1-death.sh"
profile=${TESTBED_PROFILE:-$TESTBED_DEFAULT_PROFILE}
if [ "${1:-}" = --profile ]; then
	profile=${2:?}
	shift 2
fi
[ $# -ge 3 ] || { echo "usage: testbed-run.sh [--profile NAME] KERNEL MODULE.ko NIC..." >&2; exit 2; }
profile_load "$profile" || exit 2
kernel=$1 module=$2
shift 2
[ "$kernel" != - ] || kernel=$PROFILE_KERNEL

# Knobs run.sh and the L2 library read, passed on when set.
# L2_KVM_E1000_MODEL=82545em: every kvm-e1000 config as an 82545EM;
# L2_FIRMWARE=seabios: the guests boot SeaBIOS instead of qboot;
# E2E_NETBOOT=1: the netboot step with QEMU's own e1000 too, =0: with
# none (netboot.sh);
# E2E_NETBOOT_TIMEOUT=S: how long a netboot may take (300 s);
# E2E_NETBOOT_FAULT=1: U-Boot's first netboot faults on purpose (netboot.sh);
# E2E_MIG_MIB=N, E2E_LVM_MIB=N: the MiB of the paced transfer that must
# outlast a migration through QEMU's monitor (24) and virsh (12);
# L2_APPEND: more kernel arguments for the guests.
only=()
for knob in E2E_ONLY E2E_TWO_GUEST_ROUNDS E2E_UNBIND_ROUNDS E2E_LIBVIRT_ROUNDS E2E_LVM_ROUNDS \
	    E2E_TWO_GUEST_CPUS \
	    E2E_MIG_CONTROL E2E_MIG_REROUTE E2E_MIG_MIB E2E_LVM_MIB E2E_NETBOOT E2E_NETBOOT_TIMEOUT \
	    E2E_NETBOOT_FAULT \
	    L2_KVM_E1000_MODEL L2_FIRMWARE L2_APPEND; do
	[ -n "${!knob:-}" ] && only+=(--env "$knob=${!knob}")
done

# run_config NIC: one testbed boot, run again if l1-death.sh blames the
# loss on L0's TCG: twice for a loss in the middle of the tests (L1 froze,
# or died of that stack overflow, or an L2 guest's vCPU stopped executing
# in the first step that failed), and up to twice more for L1 dying
# before the module under test was loaded, which costs only a boot.
# Each loss is printed with its log directory and counted in the summary;
# a config still lost at the end is named with the step it was in.
run_config() {
	local attempt=0 mid=0 boot=0 rc dirf run why
	local out=${TESTBED_CACHE:-$here/../../build/testbed}/out/e2e

	dirf=$(mktemp)
	while :; do
		attempt=$((attempt + 1))
		rm -f "$out/current" "$out/failed" "$out/l2-stuck" "$out/l2-reset" "$out/l2-cr3"
		TESTBED_RUN_DIR_FILE=$dirf TESTBED_TCG_THREAD=multi \
			"$here/../../tools/testbed/testbed.sh" \
			--profile "$profile" --kernel "$kernel" --timeout 1500 --module "$module" \
			"${only[@]}" -- selftests/e2e/run.sh "$1"
		rc=$?
		run=$(cat "$dirf")
		failed_where "$1" "$attempt" "$out"
		if ! why=$(l1_death "$rc" "$run") && ! why=$(l2_stuck "$rc" "$out"); then
			lost_where "$1" "$rc" "$run" "$out"
			break
		fi
		echo "e2e: $1: attempt $attempt: $why" >&2
		lost_runs+=("$1: $why")
		case $why in
		*"before the module"*) boot=$((boot + 1)); [ $boot -le 2 ] ;;
		*) mid=$((mid + 1)); [ $mid -le 2 ] ;;
		esac || { lost_where "$1" "$rc" "$run" "$out"; break; }
		# The next attempt writes the same folder: keep what this one logged.
		cp -r "$out" "$run/e2e" 2>/dev/null
	done
	rm -f "$dirf"
	return "$rc"
}

# lost_where NIC RC RUN_DIR E2E_LOGS: when the testbed itself failed
# (L1 died, froze, or its kernel log or module unload failed: statuses
# above 119), the step that was running and the last words of its log and
# of L1's console, kept for the summary at the end, where a log read only
# by its tail (CI's) still shows them.
lost_where() {
	local nic=$1 rc=$2 run=$3 logs=$4 n step
	[ "$rc" -ge 120 ] || return 0
	n=$(sed -n 1p "$logs/current" 2>/dev/null)
	step=$(sed -n 2p "$logs/current" 2>/dev/null)
	died+=("$nic: testbed exit $rc, in step ${n:-?} (${step:-before the first step}); logs: $run")
	[ -n "$n" ] && died+=("$(tail -n 12 "$logs/$(printf '%03d' "$n").log" 2>/dev/null | sed 's/^/  step log: /')")
	died+=("$(oops_head "$run/console.log" | sed 's/^/  L1 console, the first report: /')")
	died+=("$(tr -d '\r' <"$run/console.log" 2>/dev/null | grep -a -v '^\s*$' | tail -n 12 | sed 's/^/  L1 console: /')")
}

# oops_head CONSOLE: the first kernel report of L1's console, its first 30
# lines (what failed, where, and the call trace), for a log read only by
# its tail: the tail alone shows the panic, not its cause.
oops_head() {
	tr -d '\r' <"$1" 2>/dev/null | grep -a -v '^\s*$' |
		sed -n '/BUG:\|Oops\|general protection\|kernel BUG\|WARNING:\|UBSAN:\|Unable to handle/,$p' |
		head -n 30
}

# failed_where NIC ATTEMPT E2E_LOGS: the first three steps that failed,
# each with its guest post-mortem's verdict lines and the last lines of
# its log, kept for the summary at the end (CI keeps a log's tail).
failed_where() {
	local nic=$1 attempt=$2 logs=$3 n log i=0
	while read -r n; do
		i=$((i + 1))
		[ $i -le 3 ] || continue
		log=$logs/$(printf '%03d' "$n").log
		failed+=("$nic (attempt $attempt): step $n, $(sed -n '1s/^=== //p' "$log" 2>/dev/null)")
		failed+=("$({ grep -E '^(verdict:|l2ctl: no answer)' "$log"; tail -n 15 "$log"; } 2>/dev/null |
			sed 's/^/  step log: /')")
	done < <(cat "$logs/failed" 2>/dev/null)
	[ $i -le 3 ] || failed+=("$nic (attempt $attempt): $((i - 3)) more step(s) failed")
}

lost_runs=()
died=()
failed=()
status=0
for nic in "$@"; do
	run_config "$nic"
	rc=$?
	[ "$status" -ne 0 ] || status=$rc
done
if [ ${#failed[@]} -gt 0 ]; then
	echo "e2e: steps that failed:" >&2
	printf '%s\n' "${failed[@]}" >&2
fi
if [ ${#lost_runs[@]} -gt 0 ]; then
	echo "e2e: runs lost to L0's TCG (l1-death.sh; run again while retries were left): ${#lost_runs[@]}" >&2
	printf 'e2e:   %s\n' "${lost_runs[@]}" >&2
fi
if [ ${#died[@]} -gt 0 ]; then
	echo "e2e: configs the testbed lost:" >&2
	printf '%s\n' "${died[@]}" >&2
fi
exit "$status"
