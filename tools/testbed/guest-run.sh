#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside L1, chrooted into the host's (read-only) root: finishes the
# mounts, loads KVM and the modules under test, runs the command, saves the
# kernel log, unloads the modules and reports the status to the host.
#
# Usage (from the initramfs): guest-run.sh RUN_DIR
# RUN_DIR holds config.sh, modules and cmd.sh written by testbed.sh; this
# script writes status, rmmod-status, dmesg-live.log (as it grows),
# heartbeat (every 10 s) and heartbeat.pid, dmesg-cmd.log, dmesg-final.log
# and (kmemleak kernels) kmemleak.log there.

set -u
RUN_DIR=$1
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# shellcheck source=/dev/null
. "$RUN_DIR/config.sh"

log() { echo "testbed: $*"; }
kmsg() { echo "testbed: $*" >/dev/kmsg; }

# Report STATUS to the host: a file on the writable run share, and a
# console marker as a fallback.
finish() {
	echo "$1" >"$RUN_DIR/status"
	sync
	echo "@@TESTBED-EXIT@@ $1"
	exit 0
}

# L1 gets a /tmp of its own, but the checkout (and with it the run share,
# the module cache, the .ko files) may live under the host's /tmp, as in a
# CI clone: keep the host's /tmp reachable, cover it, and bind back every
# top-level entry of it that this run uses.
private_tmp() {
	local path top tops=()

	mkdir -p /dev/shm/.host-tmp
	mount --rbind /tmp /dev/shm/.host-tmp
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	for path in "$TB_RUN_DIR" "$TB_OUT_DIR" "$TB_MODULE_ROOT" "$TB_CHDIR" \
		    "$TB_GUEST_SCRIPT"; do
		case $path in
		/tmp/?*) top=${path#/tmp/}; tops+=("${top%%/*}") ;;
		esac
	done
	for top in $(printf '%s\n' "${tops[@]}" | sort -u); do
		mkdir -p "/tmp/$top"
		mount --rbind "/dev/shm/.host-tmp/$top" "/tmp/$top"
	done
}

setup_mounts() {
	mkdir -p /dev/pts /dev/shm 2>/dev/null
	mount -t devpts devpts /dev/pts
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm
	mount -t debugfs debugfs /sys/kernel/debug
	mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
	private_tmp
	mount -t tmpfs -o mode=755 tmpfs /run
	# The host has no modules for this kernel: show L1 the ones from the
	# cached image package, so a plain modprobe works for any command.
	mount -t tmpfs -o mode=755 tmpfs /lib/modules
	mkdir -p "/lib/modules/$TB_KERNEL"
	mount --bind "$TB_MODULE_ROOT/lib/modules/$TB_KERNEL" "/lib/modules/$TB_KERNEL"
	hostname testbed
	ip link set lo up 2>/dev/null
}

failed() {
	log "$* failed"
	echo "$*" >"$RUN_DIR/modload-failed"
}

# Load the --module files in order, each after its dependencies.
load_modules() {
	local spec path params dep
	while IFS= read -r spec; do
		[ -n "$spec" ] || continue
		read -r path params <<<"$spec"
		for dep in $(modinfo -F depends "$path" | tr ',' ' '); do
			modprobe "$dep" || { failed "modprobe $dep (for $path)"; return 1; }
		done
		# shellcheck disable=SC2086
		insmod "$path" $params || { failed "insmod $path"; return 1; }
		modinfo -F name "$path" >>"$RUN_DIR/loaded"
	done <"$RUN_DIR/modules"
}

# Unload what load_modules loaded, newest first.  Any failure counts.
unload_modules() {
	local name rc=0
	[ -s "$RUN_DIR/loaded" ] || return 0
	for name in $(tac "$RUN_DIR/loaded"); do
		rmmod "$name" || { log "rmmod $name failed"; rc=1; }
	done
	return $rc
}

# A kernel with kmemleak (the debug kernel) is asked for leaks once the
# modules under test are unloaded, so that what they never freed is
# unreferenced by now.  An object must be 5 s old to count.  A scan takes
# about 50 s on the debug kernel under TCG, so a second one (which drops
# objects that were only in flight during the first) runs only when the
# first found something.
kmemleak_scan() {
	local km=/sys/kernel/debug/kmemleak
	[ -w "$km" ] || return 0
	kmsg "kmemleak scan"
	sleep 5
	echo scan >"$km"
	if [ -n "$(head -c1 "$km")" ]; then
		sleep 5
		echo scan >"$km"
	fi
	cat "$km" >"$RUN_DIR/kmemleak.log"
	kmsg "kmemleak scan done"
}

setup_mounts
# Stream the kernel log to the host as it grows: if L1 hangs or dies, the
# host still sees what the kernel said.
dmesg --follow >"$RUN_DIR/dmesg-live.log" 2>/dev/null &
# The heartbeat the host's watchdog reads (testbed.sh, watch_l1): a sleep
# that ends needs a timer interrupt taken, so a frozen L1 stops beating.
while :; do
	date +%s >"$RUN_DIR/heartbeat"
	sleep 10
done &
echo $! >"$RUN_DIR/heartbeat.pid"
# A task stuck this long is reported (and fails the run) well before the
# host's timeout.
echo "$TB_HUNG_TASK_SECS" >/proc/sys/kernel/hung_task_timeout_secs

# kvm_amd pulls in kvm, irqbypass and ccp through modules.dep.
for m in kvm_amd tun; do
	if ! modprobe "$m"; then
		failed "modprobe $m"
		dmesg >"$RUN_DIR/dmesg-final.log"
		finish 122
	fi
done

# keypin_ready FD: keypin's lines from the pipe FD, each kept in
# keypin.log, until it says it holds its keys: up to 60 s in all, a Debian
# 13 L1 on a busy host being slow.  Fails with the last line it said (the
# stage it is in) and where its thread sleeps.  A pipe, not a file on the
# run share: twice (2026-12-03, 2026-12-04) a Debian 13 L1 polling that
# file saw it empty for all of the wait, the cause not seen.
keypin_ready() {
	local fd=$1 pid=$2 line last='' end=$((SECONDS + 60))
	while [ "$SECONDS" -lt "$end" ] &&
	      IFS= read -r -t "$((end - SECONDS))" -u "$fd" line; do
		echo "$line" >>"$RUN_DIR/keypin.log"
		last=$line
		[ "$line" = "keypin: holding" ] && return 0
	done
	echo "${last:-nothing said}; ${SECONDS}s on, $(cut -d' ' -f1 /proc/uptime)s into the boot," \
		"$(kill -0 "$pid" 2>/dev/null &&
		   echo "still in $(cat "/proc/$pid/wchan" 2>/dev/null)" ||
		   echo "exited")"
	cat "/proc/$pid/stack" >>"$RUN_DIR/keypin.log" 2>/dev/null
	return 1
}

# Multi-threaded TCG: hold KVM's static keys still (keypin.c).
if [ -n "${TB_KEYPIN:-}" ]; then
	# A FIFO in L1's own /run: the chroot has no /dev/fd for a <(...).
	mkfifo /run/keypin.pipe
	"$TB_KEYPIN" >/run/keypin.pipe 2>&1 &
	keypin=$!
	exec {keypin_fd}</run/keypin.pipe
	why=$(keypin_ready "$keypin_fd" "$keypin") ||
		{ failed "keypin: $why"; finish 122; }
	exec {keypin_fd}<&-
	kmsg "keypin holding KVM's static keys (pid $keypin)"
fi

# KVM's trace events, enabled now, while no vCPU runs, with the ring
# buffer off: a post-mortem's trace (l2_kvm_trace) only turns the buffer
# on for a second.  Enabling an event rewrites kernel text, which L0's
# multi-threaded TCG gets wrong on a CPU that runs that code meanwhile:
# L1 died of an int3 oops in svm_vcpu_run (its jump to trace_kvm_entry)
# when a post-mortem enabled them under a running vCPU.  Only KVM's own
# text is rewritten here: no PID filter and no command-name recording,
# which would hook the scheduler's trace points, in __schedule(), which
# the other CPU runs all the time (an int3 oops there, 2026-12-02).
# perf on kvm:kvm_exit (tools/bench/exits.sh) moves no key either once
# they are on.
arm_kvm_events() {
	local t=/sys/kernel/tracing ev
	[ -w "$t/tracing_on" ] && [ -w "$t/options/record-cmd" ] || return 0
	echo 0 >"$t/tracing_on"
	echo 0 >"$t/options/record-cmd"
	for ev in kvm kvmmmu; do
		[ -w "$t/events/$ev/enable" ] && echo 1 >"$t/events/$ev/enable"
	done
}
arm_kvm_events

: >"$RUN_DIR/loaded"
if ! load_modules; then
	dmesg >"$RUN_DIR/dmesg-cmd.log"
	unload_modules
	dmesg >"$RUN_DIR/dmesg-final.log"
	finish 122
fi

kmsg "running command"
cd "$TB_CHDIR" || finish 126
# cmd.sh execs the command under env -i with only what the host chose to
# pass (PATH, HOME, TESTBED_*).
bash "$RUN_DIR/cmd.sh" </dev/null
status=$?
kmsg "command exited with $status"
dmesg >"$RUN_DIR/dmesg-cmd.log"

unload_modules
echo $? >"$RUN_DIR/rmmod-status"
kmsg "modules unloaded"
kmemleak_scan
dmesg >"$RUN_DIR/dmesg-final.log"
finish "$status"
