#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command inside a nested testbed: QEMU (TCG, no KVM on this host)
# boots a stock Debian kernel (L1) whose KVM can run guests (L2).  L1 sees
# the host's root read-only over 9p and runs the command chrooted in it,
# with kvm_amd, tun and the given modules loaded; the kernel log is checked
# for splats and the modules are unloaded afterwards.  See README.md.
#
# testbed.sh [--profile debian12|debian13] [--kernel VER|debug]
#            [--module 'PATH.ko [param=value...]']... [--timeout SECONDS]
#            [--heartbeat SECONDS] [--smp N] [--mem MB] [--env K=V]...
#            [--chdir DIR] -- COMMAND [ARGS...]

set -euo pipefail

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TB_DIR/../.." && pwd)
CACHE=${TESTBED_CACHE:-$REPO/build/testbed}

# Bump when the prepared kernel tree or the initramfs changes shape.
PREP_VERSION=1

# Exit statuses of the testbed itself (the command's own status wins when
# it is non-zero).
EXIT_LEAK=120		# kmemleak: a --module leaked memory
EXIT_KLOG=121		# kernel log shows a splat
EXIT_MODLOAD=122	# loading KVM or a --module failed
EXIT_RMMOD=123		# a --module did not unload
EXIT_TIMEOUT=124	# the run took longer than --timeout, or L1 froze
EXIT_VMDIED=125		# L1 died or never reported a status
EXIT_SETUP=126		# the host side could not prepare the run

# shellcheck source=profiles.sh
. "$TB_DIR/profiles.sh"
# The profile picks L1's kernel and root; --kernel overrides the kernel.
profile=${TESTBED_PROFILE:-$TESTBED_DEFAULT_PROFILE}
kernel=${TESTBED_KERNEL_VERSION:-}
timeout=${TESTBED_TIMEOUT:-1800}
smp=${TESTBED_SMP:-2}
mem=${TESTBED_MEM:-4096}
hung_task_secs=${TESTBED_HUNG_TASK_SECS:-30}
# L1 touches run/heartbeat every 10 s (guest-run.sh); one this many seconds
# old is L1 frozen (0: wait for the timeout alone).
heartbeat=${TESTBED_HEARTBEAT:-300}
# QEMU's TCG threading.  "single" runs L1's CPUs round robin in one host
# thread.  "multi" (a thread per CPU) intermittently freezes L1 for good:
# KVM patches kernel text with int3 (text_poke_bp, static keys flipped as
# VMs come and go) and a CPU keeps executing a stale translated block, so
# it loops on the int3 with interrupts off while the other waits for it
# (multi: 4 of 5 looped runs of an 11-VM test binary froze, after 1 to 19
# iterations; single: 0 of 2 runs, 50 iterations).
tcg_thread=${TESTBED_TCG_THREAD:-single}
chdir=
modules=()
extra_env=()

usage() {
	sed -n '10,13s/^# \?//p' "${BASH_SOURCE[0]}" >&2
	exit "$EXIT_SETUP"
}

die() {
	echo "testbed: $*" >&2
	exit "$EXIT_SETUP"
}

while [ $# -gt 0 ]; do
	case $1 in
	--profile) profile=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--module) modules+=("${2:?}"); shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--heartbeat) heartbeat=${2:?}; shift 2 ;;
	--smp) smp=${2:?}; shift 2 ;;
	--mem) mem=${2:?}; shift 2 ;;
	--env) extra_env+=("${2:?}"); shift 2 ;;
	--chdir) chdir=${2:?}; shift 2 ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) echo "testbed: unknown option $1" >&2; usage ;;
	esac
done
[ $# -gt 0 ] || usage
profile_load "$profile" || exit "$EXIT_SETUP"
kernel=${kernel:-$PROFILE_KERNEL}

# "debug": the kernel debug-kernel.sh builds from Debian's source with
# lockdep, KASAN and friends (built on first use, then cached).  L2 guests
# keep booting a stock Debian kernel: the debug kernel has no NIC drivers.
#
# It boots on q35: i440fx's ACPI _PRT method builds its routing table in an
# AML loop that, under KASAN and lockdep, hits ACPICA's 30 s loop timeout
# once per PCI device (90 s a boot, and no INTx routing); q35's _PRT
# returns a table QEMU built beforehand.
l2_kernel=
machine=${TESTBED_MACHINE:-pc}
if [ "$kernel" = debug ]; then
	l2_kernel=${TESTBED_L2_KERNEL:-$PROFILE_KERNEL}
	machine=${TESTBED_MACHINE:-q35}
	kernel=$("$TB_DIR/debug-kernel.sh") || die "cannot build the debug kernel"
fi

[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout wants seconds"
[[ $heartbeat =~ ^[0-9]+$ ]] || die "--heartbeat wants seconds"
[[ $smp =~ ^[1-9][0-9]*$ ]] || die "--smp wants a count"
[[ $mem =~ ^[0-9]+$ ]] || die "--mem wants MiB"
for kv in "${extra_env[@]}"; do
	[[ $kv =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--env wants K=V, not $kv"
done

# Paths go into QEMU options and a POSIX shell config: keep them plain.
safe_path() {
	[[ $1 =~ ^/[A-Za-z0-9_./+-]*$ ]] || die "unsupported characters in path $1"
}
safe_path "$REPO"
safe_path "$CACHE"
# L1 mounts fresh tmpfs on these, which would hide the run's shares (a
# cache under /tmp is bound back in by guest-run.sh).
case $CACHE/ in
/run/*|/dev/*|/proc/*|/sys/*) die "TESTBED_CACHE cannot be under /run, /dev, /proc or /sys" ;;
esac
[[ $kernel =~ ^[A-Za-z0-9_.+-]+$ ]] || die "bad kernel version $kernel"

if [ -z "$chdir" ]; then
	case $PWD/ in
	"$REPO"/*) chdir=$PWD ;;
	*) chdir=$REPO ;;
	esac
fi

# --module arguments may be relative to the caller's directory.
for i in "${!modules[@]}"; do
	read -r mpath mparams <<<"${modules[$i]}"
	[ -f "$mpath" ] || die "no such module: $mpath"
	mpath=$(realpath "$mpath")
	modules[i]="$mpath${mparams:+ $mparams}"
done

for tool in busybox cpio depmod modprobe dpkg-deb xz zstd; do
	command -v "$tool" >/dev/null || die "$tool missing: run tools/install-deps.sh"
done
# L0's QEMU: Debian's, rebuilt with the testbed's fixes on first use
# (l0-qemu.sh); TESTBED_L0_QEMU=system runs Debian's binary as installed,
# TESTBED_L0_QEMU=/PATH another build.
l0_qemu=$("$TB_DIR/l0-qemu.sh") || die "no QEMU for L0 (tools/testbed/l0-qemu.sh)"
[ -x "$l0_qemu" ] || die "$l0_qemu is not an executable QEMU"

KDIR=$CACHE/kernels/$kernel
MODROOT=$KDIR/root

# Under multi-threaded TCG, L1 runs keypin.c while the command runs, so
# that VMs coming and going patch no kernel text (see the comment there).
# TESTBED_KEYPIN=0 leaves it out (to show what it prevents).
keypin=
if [ "$tcg_thread" = multi ] && [ "${TESTBED_KEYPIN:-1}" != 0 ]; then
	keypin=$CACHE/keypin
	mkdir -p "$CACHE"
	if [ ! -x "$keypin" ] || [ "$TB_DIR/keypin.c" -nt "$keypin" ]; then
		cc -O2 -Wall -static -o "$keypin.new" "$TB_DIR/keypin.c" ||
			die "cannot build keypin"
		mv "$keypin.new" "$keypin"
	fi
fi

# Fetch the kernel's image package and unpack it into the cache; never
# touches /boot or /lib/modules.
fetch_kernel() {
	local debs=$CACHE/debs deb pkg found
	mkdir -p "$debs"
	found=("$debs/linux-image-$kernel"_*.deb "$debs/linux-image-$kernel"-unsigned_*.deb)
	deb=
	for f in "${found[@]}"; do
		[ -f "$f" ] && { deb=$f; break; }
	done
	if [ -z "$deb" ]; then
		for pkg in "linux-image-$kernel" "linux-image-$kernel-unsigned"; do
			# A profile of another Debian release fetches from its
			# suite, through package lists of our own.
			if [ -n "$PROFILE_SUITE" ]; then
				(cd "$debs" && "$TB_DIR/suite-apt.sh" "$PROFILE_SUITE" \
					apt-get download -q "$pkg") >"$debs/apt.log" 2>&1 && break
				continue
			fi
			if (cd "$debs" && apt-get download -q "$pkg") >"$debs/apt.log" 2>&1; then
				break
			fi
			# A fresh machine may have no package lists yet.
			if [ "$(id -u)" -eq 0 ] && [ ! -e "$debs/.updated" ]; then
				apt-get update -q >>"$debs/apt.log" 2>&1 && touch "$debs/.updated"
				(cd "$debs" && apt-get download -q "$pkg") >>"$debs/apt.log" 2>&1 && break
			fi
		done
		found=("$debs/linux-image-$kernel"_*.deb "$debs/linux-image-$kernel"-unsigned_*.deb)
		for f in "${found[@]}"; do
			[ -f "$f" ] && { deb=$f; break; }
		done
		[ -n "$deb" ] || { cat "$debs/apt.log" >&2; die "cannot download linux-image-$kernel"; }
	fi
	rm -rf "$MODROOT" "$MODROOT.tmp"
	dpkg-deb -x "$deb" "$MODROOT.tmp"
	# Debian 13's packages keep modules in /usr/lib/modules (merged /usr):
	# the cache keeps one layout for every kernel.
	if [ ! -d "$MODROOT.tmp/lib/modules" ] && [ -d "$MODROOT.tmp/usr/lib/modules" ]; then
		mkdir -p "$MODROOT.tmp/lib"
		mv "$MODROOT.tmp/usr/lib/modules" "$MODROOT.tmp/lib/modules"
	fi
	[ -f "$MODROOT.tmp/boot/vmlinuz-$kernel" ] || die "$deb has no vmlinuz-$kernel"
	[ -d "$MODROOT.tmp/lib/modules/$kernel" ] || die "$deb has no modules for $kernel"
	depmod -b "$MODROOT.tmp" "$kernel"
	# Let builds inside L1 find the headers as they would on a normal system.
	[ -d "/usr/src/linux-headers-$kernel" ] &&
		ln -sfn "/usr/src/linux-headers-$kernel" "$MODROOT.tmp/lib/modules/$kernel/build"
	mv "$MODROOT.tmp" "$MODROOT"
}

# Copy a module into the initramfs, decompressed: busybox insmod reads
# plain .ko files only.
add_initramfs_module() {
	local src=$1 dir=$2 name
	name=$(basename "$src")
	case $name in
	*.ko.xz) xz -dc "$src" >"$dir/modules/${name%.xz}"; name=${name%.xz} ;;
	*.ko.zst) zstd -qdc "$src" >"$dir/modules/${name%.zst}"; name=${name%.zst} ;;
	*.ko) cp "$src" "$dir/modules/$name" ;;
	*) die "unexpected module file $src" ;;
	esac
	echo "$name" >>"$dir/modules.list"
}

# Busybox, the init script and the virtio/9p modules in load order
# (modprobe --show-depends lists each module after its dependencies).
build_initramfs() {
	local dir=$KDIR/initramfs.d line path seen=" "
	rm -rf "$dir"
	mkdir -p "$dir"/{bin,dev,proc,sys,modules}
	cp "$(command -v busybox)" "$dir/bin/busybox"
	ldd "$dir/bin/busybox" >/dev/null 2>&1 &&
		die "busybox is dynamically linked: install busybox-static"
	cp "$TB_DIR/initramfs-init.sh" "$dir/init"
	chmod 755 "$dir/init"
	: >"$dir/modules.list"
	for mod in virtio_pci 9pnet_virtio 9p; do
		while read -r line; do
			case $line in
			insmod*) path=${line#insmod }; path=${path%% *} ;;
			*) continue ;;	# builtin
			esac
			case $seen in *" $path "*) continue ;; esac
			seen="$seen$path "
			add_initramfs_module "$path" "$dir"
		done < <(modprobe -d "$MODROOT" -S "$kernel" --show-depends "$mod")
	done
	grep -q '^9p\.ko$' "$dir/modules.list" ||
		grep -q '^builtin 9p' < <(modprobe -d "$MODROOT" -S "$kernel" --show-depends 9p) ||
		die "9p module not found for $kernel"
	(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$KDIR/initramfs.tmp"
	mv "$KDIR/initramfs.tmp" "$KDIR/initramfs.cpio.gz"
	rm -rf "$dir"
}

# The fingerprint of everything the cached files were made from.
prep_stamp() {
	cat "$TB_DIR/initramfs-init.sh" "$(command -v busybox)" |
		sha256sum | cut -d' ' -f1 | sed "s/^/v$PREP_VERSION-/"
}

prepare() {
	local stamp
	mkdir -p "$KDIR"
	exec 9>"$KDIR/.lock"
	flock 9
	stamp=$(prep_stamp)
	if [ ! -f "$MODROOT/boot/vmlinuz-$kernel" ] ||
	   [ ! -f "$MODROOT/lib/modules/$kernel/modules.dep" ]; then
		echo "testbed: preparing kernel $kernel in $KDIR" >&2
		fetch_kernel
	fi
	if [ "$(cat "$KDIR/stamp" 2>/dev/null)" != "$stamp" ] ||
	   [ ! -f "$KDIR/initramfs.cpio.gz" ]; then
		build_initramfs
		echo "$stamp" >"$KDIR/stamp"
	fi
	flock -u 9
	exec 9>&-
}

prepare

OUT_DIR=$CACHE/out

# A profile with a root of its own (debian13): L1 chroots into it instead
# of the host's root.  The root is a folder of the host's, so L1 already
# sees it over 9p; the host folders the run needs (the checkout, the
# cache, the modules) are bound into it at the same paths, by their
# top-level folder.  One of the root's system folders cannot be replaced.
rootfs=
shares=
if [ -n "$PROFILE_ROOTFS" ]; then
	rootfs=$("$TB_DIR/rootfs.sh" "$PROFILE_ROOTFS") || die "cannot build the $PROFILE_ROOTFS root"
	safe_path "$rootfs"
	tops=()
	for path in "$REPO" "$CACHE" "$chdir" "${modules[@]%% *}"; do
		top=${path#/}
		top=${top%%/*}
		case $top in
		usr|etc|var|bin|sbin|lib|lib32|lib64|libx32|boot|dev|proc|sys|run|"")
			die "profile $profile: $path cannot be shared under the root's /$top" ;;
		esac
		tops+=("/$top")
	done
	shares=$(printf '%s\n' "${tops[@]}" | sort -u | tr '\n' ' ')
fi
RUN_DIR=$CACHE/runs/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$OUT_DIR" "$RUN_DIR"
# TESTBED_RUN_DIR_FILE: where a caller wants to learn this run's log dir.
[ -z "${TESTBED_RUN_DIR_FILE:-}" ] || echo "$RUN_DIR" >"$TESTBED_RUN_DIR_FILE"
# Keep the last 20 runs' logs; a run still going (no status yet, less than
# a day old) is never removed.
old_runs=("$CACHE"/runs/*/)
for ((i = 0; i < ${#old_runs[@]} - 20; i++)); do
	r=${old_runs[i]}
	if [ -e "$r/status" ] || [ -n "$(find "$r" -maxdepth 0 -mmin +1440)" ]; then
		rm -rf "$r"
	fi
done

cat >"$RUN_DIR/config.sh" <<EOF
TB_RUN_DIR=$RUN_DIR
TB_OUT_DIR=$OUT_DIR
TB_GUEST_SCRIPT=$TB_DIR/guest-run.sh
TB_KERNEL=$kernel
TB_MODULE_ROOT=$MODROOT
TB_CHDIR=$chdir
TB_HUNG_TASK_SECS=$hung_task_secs
TB_ROOTFS=$rootfs
TB_SHARES="$shares"
TB_KEYPIN=$keypin
EOF
printf '%s\n' "${modules[@]}" >"$RUN_DIR/modules"

# The command's environment: the host's PATH and HOME, every TESTBED_*
# variable of the caller, then --env settings, then the testbed's own.
cmd_env=("PATH=$PATH" "HOME=${HOME:-/root}" "LANG=C.UTF-8" "TERM=dumb")
while IFS= read -r -d '' kv; do
	cmd_env+=("$kv")
done < <(env -0 | grep -z '^TESTBED_' || true)
cmd_env+=("${extra_env[@]}")
module_paths=()
for m in "${modules[@]}"; do
	module_paths+=("${m%% *}")
done
cmd_env+=("TESTBED=1" "TESTBED_OUT=$OUT_DIR" "TESTBED_KERNEL=$kernel"
	  "TESTBED_PROFILE=$profile"
	  "TESTBED_MODULES=${module_paths[*]}" "TESTBED_RUN_DIR=$RUN_DIR")
[ -z "$l2_kernel" ] || cmd_env+=("TESTBED_L2_KERNEL=$l2_kernel")
{
	printf 'exec env -i'
	printf ' %q' "${cmd_env[@]}" "$@"
	printf '\n'
} >"$RUN_DIR/cmd.sh"

console=$RUN_DIR/console.log
: >"$console"
qemu_pid=
watchdog_pid=
tail_pid=

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
	[ -n "$watchdog_pid" ] && kill "$watchdog_pid" 2>/dev/null
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
	[ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Ask QEMU's monitor (a unix socket) for every CPU's registers, twice a
# second apart, so a CPU spinning in place shows the same RIP.
post_mortem() {
	python3 - "$1" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(2)
def cmd(c):
    s.sendall(c.encode() + b"\n")
    time.sleep(1)
    try:
        return s.recv(1 << 20).decode(errors="replace")
    except socket.timeout:
        return ""
cmd("")
for _ in range(2):
    print(cmd("info registers -a"))
    print(cmd("info cpus"))
PY
}

# watch_l1: returns, saying why, once the run is over its timeout or L1's
# heartbeat (guest-run.sh) is $heartbeat seconds old; fails if QEMU exits
# first.  A frozen L1 (L0's multi-threaded TCG: every CPU halted and never
# woken, tools/testbed/README.md) then costs minutes, not the whole
# timeout.  Before its first beat L1 is booting: only the timeout counts.
watch_l1() {
	local now beat
	while kill -0 "$qemu_pid" 2>/dev/null; do
		now=$(date +%s)
		[ $((now - start / 1000000000)) -lt "$timeout" ] ||
			{ echo "timeout after ${timeout}s"; return 0; }
		beat=$(stat -c %Y "$RUN_DIR/heartbeat" 2>/dev/null) &&
			[ "$heartbeat" -gt 0 ] && [ $((now - beat)) -ge "$heartbeat" ] &&
			{ echo "L1 froze: its heartbeat stopped $((now - beat))s ago"; return 0; }
		sleep 2
	done
	return 1
}

P9=security_model=none,multidevs=remap
start=$(date +%s%N)
"$l0_qemu" \
	-machine "$machine" -accel "tcg,thread=$tcg_thread" -cpu max -smp "$smp" -m "$mem" \
	-nodefaults -no-user-config -display none -no-reboot \
	-nic none \
	-chardev "file,id=con,path=$console" -serial chardev:con \
	-kernel "$MODROOT/boot/vmlinuz-$kernel" \
	-initrd "$KDIR/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet loglevel=4 softlockup_all_cpu_backtrace=1 rcupdate.rcu_cpu_stall_timeout=60 ${TESTBED_APPEND:-}" \
	-virtfs "local,path=/,mount_tag=host,$P9,readonly=on" \
	-virtfs "local,path=$RUN_DIR,mount_tag=run,$P9" \
	-virtfs "local,path=$OUT_DIR,mount_tag=out,$P9" \
	-monitor "unix:$RUN_DIR/monitor.sock,server=on,wait=off" \
	-d cpu_reset -D "$RUN_DIR/cpu-reset.log" \
	>"$RUN_DIR/qemu.log" 2>&1 &
qemu_pid=$!

# Live console; sed drops the serial line's carriage returns.
tail -n +1 -f --pid="$qemu_pid" "$console" | sed -u 's/\r$//' &
tail_pid=$!

(
	trap 'exit 0' TERM
	why=$(watch_l1) || exit 0
	echo "testbed: $why, killing QEMU (pid $qemu_pid)" >&2
	echo "$why" >"$RUN_DIR/timed-out"
	# Post-mortem of a silent hang: where each L1 CPU was (RIP, and
	# whether it sat in a nested guest), from QEMU's monitor.
	post_mortem "$RUN_DIR/monitor.sock" >"$RUN_DIR/cpus-at-timeout.txt" 2>&1
	echo "testbed: L1 CPU state saved in $RUN_DIR/cpus-at-timeout.txt" >&2
	kill "$qemu_pid" 2>/dev/null
	sleep 5
	kill -9 "$qemu_pid" 2>/dev/null
) &
watchdog_pid=$!

qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=
kill "$watchdog_pid" 2>/dev/null || true
wait "$watchdog_pid" 2>/dev/null || true
watchdog_pid=
wait "$tail_pid" 2>/dev/null || true
tail_pid=
end=$(date +%s%N)
elapsed=$(( (end - start) / 1000000 ))
elapsed=$((elapsed / 1000)).$(printf '%03d' $((elapsed % 1000)))

fail() {
	echo "testbed: FAIL: $2 (logs: $RUN_DIR)" >&2
	exit "$1"
}

# After a hang or a crash, what the kernel said last is the best clue.
show_live_klog() {
	local live=$RUN_DIR/dmesg-live.log
	[ -s "$live" ] || return 0
	"$TB_DIR/scan-klog.sh" "$live" >&2 && {
		echo "testbed: last kernel messages:" >&2
		tail -n 15 "$live" >&2
	}
	return 0
}

if [ -e "$RUN_DIR/timed-out" ]; then
	show_live_klog
	fail "$EXIT_TIMEOUT" "$(cat "$RUN_DIR/timed-out")"
fi

# The status file is authoritative; the console marker covers a run whose
# share write was lost.
status=$(cat "$RUN_DIR/status" 2>/dev/null || true)
if [ -z "$status" ]; then
	status=$(tr -d '\r' <"$console" | sed -n 's/^.*@@TESTBED-EXIT@@ \([0-9]\+\).*$/\1/p' | head -n1)
fi
if [ -z "$status" ]; then
	[ -s "$RUN_DIR/qemu.log" ] && cat "$RUN_DIR/qemu.log" >&2
	show_live_klog
	# L1 reset itself (a triple fault; -no-reboot ends QEMU) or powered
	# off: QEMU logs each CPU's state at every reset, boot's included.
	if [ -s "$RUN_DIR/cpu-reset.log" ]; then
		echo "testbed: CPU resets QEMU logged: $(grep -c 'CPU Reset' "$RUN_DIR/cpu-reset.log"), the last:" >&2
		# One awk, no pipeline: under set -e nothing here may end the
		# script before the status below.
		awk '/CPU Reset/ { n = 0 } { b[n++] = $0 }
		     END { for (i = 0; i < n; i++) if (b[i] ~ /CPU Reset|^(RIP|RSP|CR0|IDT)/) print b[i] }' \
			"$RUN_DIR/cpu-reset.log" >&2 || true
	fi
	fail "$EXIT_VMDIED" "L1 died without a status (QEMU exit $qemu_rc)"
fi

# The full log is checked; the one saved right after the command still
# tells what happened if unloading then hung or killed L1.
klog=$RUN_DIR/dmesg-final.log
[ -s "$klog" ] || klog=$RUN_DIR/dmesg-cmd.log
klog_bad=0
if [ -s "$klog" ]; then
	"$TB_DIR/scan-klog.sh" "$klog" >&2 || klog_bad=1
elif [ ! -e "$RUN_DIR/modload-failed" ]; then
	echo "testbed: no kernel log was saved" >&2
	klog_bad=1
fi
rmmod_bad=0
[ "$(cat "$RUN_DIR/rmmod-status" 2>/dev/null || echo 0)" = 0 ] || rmmod_bad=1
# A kmemleak kernel: every suspected leak is shown; one that a --module
# allocated fails the run.
leak_bad=0
if [ -s "$RUN_DIR/kmemleak.log" ]; then
	module_names=()
	for m in "${module_paths[@]}"; do
		module_names+=("$(basename "$m" .ko)")
	done
	"$TB_DIR/scan-kmemleak.sh" "$RUN_DIR/kmemleak.log" "${module_names[@]}" >&2 ||
		leak_bad=1
fi

if [ -e "$RUN_DIR/modload-failed" ]; then
	fail "$EXIT_MODLOAD" "loading modules in L1 failed: $(cat "$RUN_DIR/modload-failed")"
fi
echo "testbed: $profile, $kernel: command exited $status, QEMU ran ${elapsed}s" >&2
[ "$status" = 0 ] || fail "$status" "command exited $status"
[ "$klog_bad" = 0 ] || fail "$EXIT_KLOG" "kernel log shows problems"
[ "$rmmod_bad" = 0 ] || fail "$EXIT_RMMOD" "a module did not unload"
[ "$leak_bad" = 0 ] || fail "$EXIT_LEAK" "kmemleak: a --module leaked memory"
exit 0
