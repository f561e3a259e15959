#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark the NIC configs with real L2 guests, each config in a testbed
# boot of its own (below: why): TCP throughput both ways, the 64-byte UDP
# packet rate guest->L1, ping RTT, the TCP request/response rate
# (tools/bench/rr.py), L1's CPU time spent serving the guest per GB and
# per packet (tools/bench/cpu.py), VM exits per MB and per packet by
# reason (tools/bench/exits.sh), and three guests at once sending TCP to
# L1 (BENCH_MANY_CONFIGS: aggregate, fairness as slowest over fastest).
# Writes build/bench/results.json and renders Documentation/benchmarks.md
# with a gnuplot chart.  `make bench` runs it.
#
# bench.sh [--runs N] [--seconds S] [--configs 'NIC...'] [--many 'NIC...']
#          [--kernel VER] [--module 'PATH.ko [PARAM=VALUE...]'] [--no-render]
# bench.sh --render     (re-render the doc from build/bench/results.json)
#
# Inside L1 the testbed runs "bench.sh --inside": raw iperf3/ping/perf
# outputs go to $TESTBED_OUT/bench/raw/, collect.py turns them into JSON.

set -uo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH_DIR/../.." && pwd)

runs=${BENCH_RUNS:-5}
seconds=${BENCH_SECONDS:-5}
# BENCH_CONFIGS and BENCH_MANY_CONFIGS set but empty: none.
configs=${BENCH_CONFIGS-qemu-e1000 virtio-net vhost-net vhost-net-mtu kvm-e1000 kvm-e1000-rdt kvm-e1000-sidecore kvm-e1000-doorbell}
# Configs run with MANY guests at once (TCP guest->L1 in each, together);
# --many '' runs none.
many_configs=${BENCH_MANY_CONFIGS-vhost-net kvm-e1000-sidecore kvm-e1000-doorbell}
MANY=3
kernel=${TESTBED_KERNEL_VERSION:-6.1.0-56-amd64}
module=
render=1
inside=0
render_only=0

while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=${2:?}; shift 2 ;;
	--seconds) seconds=${2:?}; shift 2 ;;
	--configs) configs=${2?}; shift 2 ;;
	--many) many_configs=${2?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--module) module=${2:?}; shift 2 ;;
	--no-render) render=0; shift ;;
	--render) render_only=1; shift ;;
	--inside) inside=1; shift ;;
	*) sed -n '14,16s/^# \?//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
	esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs wants a count" >&2; exit 2; }
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "bench: --seconds wants seconds" >&2; exit 2; }

PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
# shellcheck source=../testbed/l1-death.sh
. "$REPO/tools/testbed/l1-death.sh"

# ---- inside L1 ---------------------------------------------------------

# iperf_args IP MODE OUT: sets ia, an iperf3 client command line from L1
# to the guest's server; tcp_tx and udp_tx are guest->L1.
iperf_args() {
	rm -f "$3"
	# A device that stops moving frames must not stall the whole bench.
	ia=(timeout -k 5 $((seconds + 30)) iperf3 -c "$1" -t "$seconds" -J --logfile "$3"
	    --connect-timeout 10000)
	case $2 in
	tcp_tx) ia+=(-R) ;;
	tcp_rx) ;;
	udp_tx) ia+=(-R -u -l 64 -b 0) ;;
	esac
}

tap_packets() {
	local s=/sys/class/net/$1/statistics
	echo $(($(cat "$s/rx_packets") + $(cat "$s/tx_packets")))
}

# The guest's request/response server (tools/bench/rr_echo.c).
RR_PORT=7007

# measured OUT QPID TAP CMD...: runs CMD; OUT.cpu gets the L1 CPU time
# of everything serving the guest before and after (tools/bench/cpu.py)
# and the tap's packets over the run.
measured() {
	local out=$1 qpid=$2 tap=$3 p0 c0 rc
	shift 3
	p0=$(tap_packets "$tap")
	c0=$("$PYTHON" "$BENCH_DIR/cpu.py" "$qpid")
	"$@"
	rc=$?
	printf '{"before": %s, "after": %s, "packets": %s}\n' "$c0" \
		"$("$PYTHON" "$BENCH_DIR/cpu.py" "$qpid")" $(($(tap_packets "$tap") - p0)) >"$out.cpu"
	return $rc
}

# iperf_failed FILE: an iperf3 -J log that moved nothing or ends in an
# error.  iperf3 -J --logfile exits 0 either way.
iperf_failed() {
	[ "$(json_bytes "$1")" -eq 0 ] || grep -q '"error"' "$1" 2>/dev/null
}

# guest_rebooted DIR RAW RUN BOOTS [GUEST]: true if the guest, which had
# booted BOOTS times, booted again during run RUN.  Then RAW/reboots gets
# a line saying how (its CPU reset itself with no word: l2_silent_reset;
# else its console says why), and its console is kept as
# RAW/console.RUN[.GUEST].txt.  L0's nested TCG resets L2 guests whatever
# their NIC, QEMU's own e1000 and virtio-net included
# (tools/testbed/README.md): the bench says so and measures again rather
# than taking fewer runs without a word.
guest_rebooted() {
	local dir=$1 raw=$2 r=$3 boots=$4 g=${5:-} how
	[ "$(l2_ready_count "$dir")" -gt "$boots" ] || return 1
	if l2_silent_reset "$dir"; then
		how="its CPU reset itself (no reboot, panic or oops line before)"
	else
		how="it rebooted, its console says: $(l2_reboot_reason "$dir")"
	fi
	echo "run $r${g:+, guest $g}: $how" >>"$raw/reboots"
	tr -d '\r' <"$dir/console.log" >"$raw/console.$r${g:+.$g}.txt" 2>/dev/null
	echo "bench: $(basename "$raw")${g:+ guest $g}: the guest booted again in run $r: $how"
}

# restart_servers DIR SERVERS: wait for a rebooted guest, start SERVERS.
restart_servers() {
	l2_wait_ready "$1" "$(l2_ready_count "$1")" && l2_exec "$1" "$2"
}

bench_config() {
	local nic=$1 raw=$2 r mode qpid p0 p1 bad boots last
	local servers="iperf3 -s -D && e2e-rr-echo $RR_PORT"
	# Nothing from a boot that died midway.
	rm -rf "$raw" "$raw.failed"
	mkdir -p "$raw"
	l2_start "$nic" 0 || return 1
	l2_env "$L2_DIR"
	l2_exec "$L2_DIR" "$servers" || return 1
	qpid=$(l2_qemu_pid "$L2_DIR")
	if ! busybox ping -c 3 -W 5 "$L2_GUEST_IP" >"$raw/ping.0.txt" 2>&1; then
		echo "bench: $nic: the guest does not answer pings"
		return 1
	fi
	# Warm up: ARP, TCP windows, the guest's page cache.
	timeout -k 5 30 iperf3 -c "$L2_GUEST_IP" -t 2 --connect-timeout 10000 >/dev/null 2>&1
	boots=$(l2_ready_count "$L2_DIR")
	last=$runs
	for ((r = 1; r <= last; r++)); do
		bad=0
		for mode in tcp_tx tcp_rx udp_tx; do
			iperf_args "$L2_GUEST_IP" "$mode" "$raw/$mode.$r.json"
			measured "$raw/$mode.$r" "$qpid" "$L2_TAP" "${ia[@]}"
			iperf_failed "$raw/$mode.$r.json" && bad=$((bad + 1))
		done
		busybox ping -c 20 -i 0.1 -W 5 "$L2_GUEST_IP" >"$raw/ping.$r.txt" 2>&1
		timeout -k 5 $((seconds + 30)) "$PYTHON" "$BENCH_DIR/rr.py" \
			"$L2_GUEST_IP" "$RR_PORT" "$seconds" >"$raw/rr.$r.json" 2>&1
		# A run a reset guest spoiled is made up for, twice at most.
		if guest_rebooted "$L2_DIR" "$raw" "$r" "$boots"; then
			[ "$last" -ge $((runs + 2)) ] || last=$((last + 1))
			restart_servers "$L2_DIR" "$servers" || return 1
			boots=$(l2_ready_count "$L2_DIR")
		elif [ "$bad" -ge 2 ]; then
			echo "bench: $nic: iperf3 failed $bad times in run $r, giving up"
			return 1
		fi
	done
	# Exits are counted in separate runs: perf slows the VM down.  A run
	# a reset guest spoiled is made again, once.
	for mode in tcp_tx tcp_tx tcp_rx tcp_rx udp_tx udp_tx; do
		[ -e "$raw/exits.$mode.packets" ] && continue
		iperf_args "$L2_GUEST_IP" "$mode" "$raw/exits.$mode.iperf.json"
		p0=$(tap_packets "$L2_TAP")
		"$BENCH_DIR/exits.sh" --pid "$qpid" --json "$raw/exits.$mode.json" -- "${ia[@]}" \
			>"$raw/exits.$mode.txt" 2>&1
		p1=$(tap_packets "$L2_TAP")
		if guest_rebooted "$L2_DIR" "$raw" "exits.$mode" "$boots" &&
		   [ ! -e "$raw/exits.$mode.again" ]; then
			: >"$raw/exits.$mode.again"
			restart_servers "$L2_DIR" "$servers" || return 1
			boots=$(l2_ready_count "$L2_DIR")
			continue
		fi
		echo $((p1 - p0)) >"$raw/exits.$mode.packets"
	done
	l2_stop "$L2_DIR"
}

# json_bytes FILE: the bytes an iperf3 -J log says were received, 0 if none.
json_bytes() {
	"$PYTHON" - "$1" <<'PY' 2>/dev/null || echo 0
import json, sys
r = json.load(open(sys.argv[1]))
print(int(r.get("end", {}).get("sum_received", {}).get("bytes", 0)))
PY
}

# starved_report DIR OUT: when a guest of the many-guest runs moved under
# 1 MB while its neighbours ran, or its iperf3 failed (a guest that
# reboots mid-run breaks the control connection), OUT.starved gets what
# the host and the guest (over its serial console, which needs no
# network) saw: the
# devices' counters, the taps, the guest's link, interrupts and log, and
# how often it booted.  Its whole console is kept as OUT.console: a guest
# that rebooted says why there (a panic, an oops), or says nothing at all
# (its CPU reset itself: l2_silent_reset).
starved_report() {
	local dir=$1 out=$2 u
	if [ "$(json_bytes "$out.json")" -ge 1000000 ] && ! iperf_failed "$out.json"; then
		return 0
	fi
	echo "bench: $(basename "$dir"): under 1 MB or failed in $(basename "$out"), see $out.starved"
	tr -d '\r' <"$dir/console.log" >"$out.console" 2>/dev/null
	{
		echo "-- the guest booted $(l2_ready_count "$dir") time(s)$(l2_silent_reset "$dir" &&
			echo ', once with no reboot, panic or oops line before: its CPU reset itself')"
		for u in /sys/bus/mdev/devices/*; do
			[ -e "$u" ] && "$L2_KVM_E1000_TOOL" status "$(basename "$u")"
		done
		ip -s link
		echo "-- the guest:"
		l2_exec "$dir" -t 30 'ip -s link show eth0; grep -i eth /proc/interrupts;
			ethtool -S eth0 | grep -v ": 0$"; dmesg | tail -n 30'
		echo "-- L1's kernel log:"
		dmesg | tail -n 30
	} >"$out.starved" 2>&1
}

# guest_counters QPID TAP: what a many-guest run tells guests apart by,
# as JSON: the L1 CPU time serving the guest (tools/bench/cpu.py; its
# vCPU is its own, a sidecore's time is shared) and the frames and bytes
# it sent into its tap (the tap's rx side).
guest_counters() {
	local s=/sys/class/net/$2/statistics
	printf '{"cpu": %s, "frames": %s, "bytes": %s}' \
		"$("$PYTHON" "$BENCH_DIR/cpu.py" "$1")" "$(cat "$s/rx_packets")" "$(cat "$s/rx_bytes")"
}

# bench_many NIC RAW: MANY guests of NIC at once, each sending TCP to L1
# at the same time; RAW/tcp_tx.RUN.GUEST.json per guest and run, and
# RAW/tcp_tx.RUN.GUEST.cpu: guest_counters before and after.  Every
# guest's QEMU runs on L1 CPU 0: with two L1 CPUs in SVM guest mode at
# once, L0's multi-threaded TCG resets or wedges L2 guests, any NIC's
# (tools/testbed/README.md).  vhost's workers and kvm-e1000's sidecore
# (L1 CPU 1, one for all the guests) are not pinned.
bench_many() {
	local nic=$1 raw=$2 i r dirs=() pids=() boots=() before=() bad=0 lost failed last=$runs
	rm -rf "$raw" "$raw.failed"
	mkdir -p "$raw"
	for ((i = 0; i < MANY; i++)); do
		L2_CPUS=0 l2_launch "$nic" "$i" || return 1
		dirs[i]=$L2_DIR
	done
	for ((i = 0; i < MANY; i++)); do
		l2_wait_ready "${dirs[i]}" 1 || return 1
		l2_exec "${dirs[i]}" 'iperf3 -s -D' || return 1
		l2_env "${dirs[i]}"
		timeout -k 5 30 iperf3 -c "$L2_GUEST_IP" -t 2 --connect-timeout 10000 >/dev/null 2>&1
		boots[i]=$(l2_ready_count "${dirs[i]}")
	done
	for ((r = 1; r <= last; r++)); do
		for ((i = 0; i < MANY; i++)); do
			l2_env "${dirs[i]}"
			before[i]=$(guest_counters "$(l2_qemu_pid "${dirs[i]}")" "$L2_TAP")
		done
		for ((i = 0; i < MANY; i++)); do
			l2_env "${dirs[i]}"
			iperf_args "$L2_GUEST_IP" tcp_tx "$raw/tcp_tx.$r.$i.json"
			"${ia[@]}" &
			pids[i]=$!
		done
		lost=0 failed=0
		for ((i = 0; i < MANY; i++)); do
			wait "${pids[i]}"
		done
		for ((i = 0; i < MANY; i++)); do
			l2_env "${dirs[i]}"
			printf '{"before": %s, "after": %s}\n' "${before[i]}" \
				"$(guest_counters "$(l2_qemu_pid "${dirs[i]}")" "$L2_TAP")" >"$raw/tcp_tx.$r.$i.cpu"
			iperf_failed "$raw/tcp_tx.$r.$i.json" && failed=$((failed + 1))
			starved_report "${dirs[i]}" "$raw/tcp_tx.$r.$i"
			guest_rebooted "${dirs[i]}" "$raw" "$r" "${boots[i]}" "$i" || continue
			# Its rate in this run says nothing of the device's fairness.
			lost=1
			restart_servers "${dirs[i]}" 'iperf3 -s -D' || return 1
			boots[i]=$(l2_ready_count "${dirs[i]}")
		done
		if [ "$lost" = 1 ]; then
			: >"$raw/lost.$r"
			[ "$last" -ge $((runs + 2)) ] || last=$((last + 1))
			continue
		fi
		bad=$((bad + failed))
		[ "$bad" -lt 2 ] || { echo "bench: $nic x$MANY: iperf3 failed $bad times, giving up"; return 1; }
	done
	for ((i = 0; i < MANY; i++)); do
		l2_stop "${dirs[i]}"
	done
}

# exit_cost OUT: what one VM exit costs in this L1, by kind
# (selftests/kvm/e1000_exitcost.c), once per bench: in the first boot
# that has kvm-e1000 loaded.  Without it (a bench of no kvm-e1000 config)
# the page has no such table.
exit_cost() {
	local bin=$REPO/build/selftests/e1000_exitcost
	if [ -s "$1" ] || [ ! -e /dev/kvm-e1000 ]; then
		return 0
	fi
	if [ ! -x "$bin" ]; then
		echo "bench: $bin not built (make selftests): no exit costs" >&2
	elif "$bin" >"$1.tmp" 2>&1; then
		mv "$1.tmp" "$1"
	else
		echo "bench: e1000_exitcost failed: $(tail -n 3 "$1.tmp")" >&2
	fi
}

inside() {
	local out=${TESTBED_OUT:?run through tools/testbed/testbed.sh}/bench nic why start
	# shellcheck source=../testbed/l2/lib.sh
	. "$REPO/tools/testbed/l2/lib.sh"
	trap l2_cleanup EXIT
	# perf's first start reads its binary and libraries over 9p: not in
	# the first measurement, please.
	perf record -q -B -N --synth=no -e kvm:kvm_exit -o /tmp/warm.data -- true >/dev/null 2>&1
	rm -f /tmp/warm.data
	# The host emptied raw/ before the first boot; each boot adds a config.
	mkdir -p "$out/raw/many"
	{
		echo "l1_kernel=$(uname -r)"
		echo "l1_cpus=$(nproc)"
		echo "l1_mem_mb=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024))"
		echo "l1_cpu=$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n1)"
		echo "qemu_l2=$(qemu-system-x86_64 --version | head -n1)"
		echo "iperf3=$(iperf3 --version | head -n1)"
		echo "perf=$(perf --version)"
		echo "runs=$runs"
		echo "seconds=$seconds"
		echo "many=$MANY"
	} >"$out/raw/env.txt"
	exit_cost "$out/raw/exitcost.txt"
	for nic in $configs; do
		[ -e "$out/raw/$nic.done" ] && continue
		if ! why=$(l2_nic_check "$nic"); then
			echo "bench: $nic: skipped: $why"
			echo "$why" >"$out/raw/$nic.skipped"
			continue
		fi
		echo "bench: $nic: $runs runs of ${seconds}s"
		start=$SECONDS
		if ! bench_config "$nic" "$out/raw/$nic"; then
			echo "bench: $nic: failed" | tee "$out/raw/$nic.failed"
			l2_cleanup
		fi
		echo "bench: $nic: done in $((SECONDS - start))s"
		touch "$out/raw/$nic.done"
	done
	for nic in $many_configs; do
		[ -e "$out/raw/many/$nic.done" ] && continue
		l2_nic_check "$nic" >/dev/null || continue
		echo "bench: $nic: $MANY guests at once, $runs runs of ${seconds}s"
		start=$SECONDS
		if ! bench_many "$nic" "$out/raw/many/$nic"; then
			echo "bench: $nic x$MANY: failed" | tee "$out/raw/many/$nic.failed"
			l2_cleanup
		fi
		echo "bench: $nic x$MANY: done in $((SECONDS - start))s"
		touch "$out/raw/many/$nic.done"
	done
}

if [ "$inside" = 1 ]; then
	inside
	exit
fi

# ---- on the host -------------------------------------------------------

RESULTS=$REPO/build/bench/results.json
OUT=${TESTBED_CACHE:-$REPO/build/testbed}/out/bench

do_render() {
	"$PYTHON" "$BENCH_DIR/render.py" "$RESULTS" \
		--doc "$REPO/Documentation/benchmarks.md" \
		--png "$REPO/Documentation/benchmarks.png" \
		--work "$REPO/build/bench"
}

if [ "$render_only" = 1 ]; then
	do_render
	exit
fi

"$REPO/tools/testbed/l2/build-image.sh" --kernel "$kernel" >/dev/null || exit 1
mod_args=()
if [ -n "$module" ]; then
	# Module parameters ride along, as the testbed's --module takes them
	# (an A/B of one build: --module 'kvm-e1000.ko tx_pace_max_us=0').
	read -r mpath _ <<<"$module"
	if [ -f "$mpath" ]; then
		mod_args=(--module "$module")
	else
		echo "bench: $mpath not built: the kvm-e1000 configs will be skipped" >&2
	fi
fi
mkdir -p "$REPO/build/bench"
start=$(date +%s)

# boot_one SINGLE MANY: one testbed boot that measures the single-guest
# config SINGLE or the many-guest config MANY (the other empty); sets rc.
# L2 guests need multi-threaded TCG, as in the end-to-end tests: under
# single-threaded TCG an L2 boot can stall for minutes.  The testbed then
# holds KVM's static keys still (tools/testbed/keypin.c).
# Multi-threaded TCG sometimes kills L1 (a kernel stack overflow, or a
# freeze: tools/testbed/README.md), whatever the NIC, QEMU's own e1000
# included.  Then a second boot measures that config again, and the page
# says so (lost).
boot_one() {
	local single=$1 many=$2 attempt run why dirf
	dirf=$(mktemp)
	for attempt in 1 2; do
		TESTBED_RUN_DIR_FILE=$dirf TESTBED_TCG_THREAD=${TESTBED_TCG_THREAD:-multi} \
		"$REPO/tools/testbed/testbed.sh" --kernel "$kernel" --timeout 1800 "${mod_args[@]}" \
			--env "BENCH_RUNS=$runs" --env "BENCH_SECONDS=$seconds" --env "BENCH_CONFIGS=$single" \
			--env "BENCH_MANY_CONFIGS=$many" \
			-- "$BENCH_DIR/bench.sh" --inside
		rc=$?
		run=$(cat "$dirf")
		why=$(l1_death "$rc" "$run") || break
		[ "$attempt" = 1 ] || break
		# The page names the run, not where this host keeps it.
		lost="${lost:+$lost; }$single$many: ${why%% (see *} (run ${run##*/})"
		echo "bench: $single$many: $why; a new boot measures it again" >&2
	done
	rm -f "$dirf"
}

# Each config gets a fresh L1, so that none is measured in an L1 that the
# configs before it left behind: with one boot for all, the kvm-e1000
# configs always came last, and on 2026-12-03 three guests at once moved
# 571 Mbit/s with vhost-net and 368 with kvm-e1000's sidecore in a fresh
# L1, against 264 and 106 at the end of a whole bench (one run each).
rm -rf "$OUT/raw"
lost=
status=0
for nic in $configs; do
	boot_one "$nic" ''
	[ "$rc" = 0 ] || status=$rc
done
for nic in $many_configs; do
	boot_one '' "$nic"
	[ "$rc" = 0 ] || status=$rc
done
rc=$status
elapsed=$(($(date +%s) - start))
[ -f "$OUT/raw/env.txt" ] || { echo "bench: no results (testbed exit $rc)" >&2; exit 1; }
{
	echo "command=make bench (tools/bench/bench.sh --runs $runs --seconds $seconds)"
	echo "configs=$configs"
	echo "testbed_status=$rc"
	echo "boots=$(($(wc -w <<<"$configs $many_configs")))"
	echo "lost_boot=$lost"
	echo "wall_seconds=$elapsed"
	echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
	echo "commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "host_cpu=$(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -n1)"
	echo "host_cpus=$(nproc)"
	l0=$("$REPO/tools/testbed/l0-qemu.sh")
	echo "qemu_l0=$("$l0" --version | head -n1), ${l0#"$REPO"/}"
} >"$OUT/raw/host.txt"
"$PYTHON" "$BENCH_DIR/collect.py" "$OUT/raw" >"$RESULTS.tmp" || exit 1
mv "$RESULTS.tmp" "$RESULTS"
echo "bench: wrote build/bench/results.json (${elapsed}s)"
[ "$render" = 1 ] && { do_render || exit 1; }
exit "$rc"
