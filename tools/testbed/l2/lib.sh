# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# L2 guests inside the testbed's L1: shell functions shared by
# run-guest.sh, selftests/e2e and tools/bench.  Source it from bash.
#
# A guest is a directory under $L2_RUN_ROOT (L1's tmpfs) holding its
# console.log, control socket, QEMU pid file and an env file:
#   L2_NIC L2_INDEX L2_TAP L2_HOST_IP L2_GUEST_IP L2_MAC
# Guest N uses tap l2tapN, 169.254.(10+N).1/24 on the L1 side and
# 169.254.(10+N).2/24 in the guest: link-local only, one /24 per tap so
# several guests can run at once.

L2_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
L2_REPO=$(cd "$L2_LIB_DIR/../../.." && pwd)
# L2 boots L1's kernel, unless L1 runs one without NIC drivers (testbed.sh
# --kernel debug sets TESTBED_L2_KERNEL to a stock Debian kernel).
L2_KERNEL=${TESTBED_L2_KERNEL:-${TESTBED_KERNEL:-$(uname -r)}}
L2_IMAGE=${L2_IMAGE:-$L2_REPO/build/l2/$L2_KERNEL}
L2_RUN_ROOT=${L2_RUN_ROOT:-/tmp/l2}
L2_BOOT_TIMEOUT=${L2_BOOT_TIMEOUT:-300}
L2_KVM_E1000_TOOL=${L2_KVM_E1000_TOOL:-$L2_REPO/build/tools/kvm-e1000}
# The L1 CPU the kvm-e1000 sidecore thread runs on.
L2_SIDECORE_CPU=${L2_SIDECORE_CPU:-1}
# The part every kvm-e1000 config shows the guest (the tool's --model:
# 82540em, 82545em), unless the config names one; empty: the tool's default.
# A config name ending in -82545em is its base config as an 82545EM
# (kvm-e1000-82545em is kvm-e1000's, kvm-e1000-doorbell-82545em the
# doorbell config's).
L2_KVM_E1000_MODEL=${L2_KVM_E1000_MODEL:-}
# L2's firmware: qboot, QEMU's minimal firmware, when L1's QEMU ships it.
# It starts the -kernel image at once, with no POST, no option ROMs and no
# timer waits.  SeaBIOS's POST, real-mode code waiting on timer
# interrupts that nested TCG loses, sometimes never reached Linux (a
# Debian 13 CI run: a guest stuck after the SeaBIOS banner for 300 s).
# L2_FIRMWARE=seabios keeps QEMU's default (SeaBIOS), for option ROMs;
# L2_FIRMWARE=u-boot boots Debian's U-Boot for QEMU (u-boot-qemu), which
# has an e1000 driver of its own: with L2_NETBOOT=1 the guest gets no
# -kernel and boots from its NIC (selftests/e2e/netboot.sh serves it).
# Its 32-bit build: the 64-bit one's zboot resets the guest as it enters
# Linux (Debian 12's U-Boot 2023.01).
L2_FIRMWARE=${L2_FIRMWARE:-qboot}
L2_UBOOT=${L2_UBOOT:-/usr/lib/u-boot/qemu-x86/u-boot.rom}
# L2_APPEND: more guest kernel arguments (no5lvl, for instance).
L2_APPEND=${L2_APPEND:-}
L2_NICS="qemu-e1000 virtio-net vhost-net vhost-net-mtu kvm-e1000 kvm-e1000-rdt kvm-e1000-sidecore kvm-e1000-doorbell kvm-e1000-82545em"

# l2_nic_base NIC: the config without its model suffix.
l2_nic_base() {
	case $1 in
	kvm-e1000-82545em) echo kvm-e1000 ;;
	kvm-e1000*-82545em) echo "${1%-82545em}" ;;
	*) echo "$1" ;;
	esac
}

# l2_nic_model NIC: the model a kvm-e1000 config shows (82540em, 82545em).
l2_nic_model() {
	case $1 in
	kvm-e1000*-82545em) echo 82545em ;;
	*) echo "${L2_KVM_E1000_MODEL:-82540em}" ;;
	esac
}

# l2_nic_doorbell NIC: status 0 for a kvm-e1000 config with doorbell pages
# (ring registers in guest RAM, so ethtool's register test reads back
# unmasked values, the ABI's documented price).
l2_nic_doorbell() {
	case $(l2_nic_base "$1") in
	kvm-e1000-doorbell|kvm-e1000-rdt) return 0 ;;
	*) return 1 ;;
	esac
}
L2_PYTHON=python3
l2_qemu_extra=()
[ -x /usr/bin/python3 ] && L2_PYTHON=/usr/bin/python3

l2_log() { echo "l2: $*" >&2; }

# l2_nic_check NIC: status 0 when NIC can run here; otherwise prints why
# on stdout and returns 1 (2 for a name that is not a NIC config).
l2_nic_check() {
	case $(l2_nic_base "$1") in
	qemu-e1000|virtio-net) ;;
	vhost-net|vhost-net-mtu)
		modprobe vhost_net 2>/dev/null
		[ -c /dev/vhost-net ] || { echo "no /dev/vhost-net (modprobe vhost_net failed)"; return 1; }
		;;
	kvm-e1000|kvm-e1000-rdt|kvm-e1000-sidecore|kvm-e1000-doorbell)
		[ -x "$L2_KVM_E1000_TOOL" ] ||
			{ echo "build/tools/kvm-e1000 is not built yet (VFIO mdev route)"; return 1; }
		[ -d /sys/module/kvm_e1000 ] ||
			{ echo "kvm-e1000.ko is not loaded (testbed.sh --module .../kvm-e1000.ko)"; return 1; }
		;;
	*) echo "unknown NIC config '$1' (known: $L2_NICS)"; return 2 ;;
	esac
	[ -f "$L2_IMAGE/initramfs.cpio.gz" ] ||
		{ echo "no guest image in $L2_IMAGE: run tools/testbed/l2/build-image.sh on the host"; return 1; }
	[ -c /dev/kvm ] || { echo "no /dev/kvm: run inside the testbed"; return 1; }
}

l2_dir() { echo "$L2_RUN_ROOT/g$1"; }

# l2_env DIR: load a guest's env file into L2_* variables.
l2_env() {
	# shellcheck source=/dev/null
	. "$1/env"
}

l2_qemu_pid() { cat "$1/qemu.pid" 2>/dev/null; }

# A zombie is as dead as a missing process.
l2_pid_alive() {
	local state
	[ -n "$1" ] || return 1
	state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

l2_alive() {
	l2_pid_alive "$(l2_qemu_pid "$1")" || l2_pid_alive "$(cat "$1/launcher.pid" 2>/dev/null)"
}

# l2_tap_setup TAP HOST_IP: a persistent tap with a vnet header, up, with
# HOST_IP/24; reused when it is already there.
l2_tap_setup() {
	local tap=$1 ip=$2
	if [ ! -e "/sys/class/net/$tap" ]; then
		ip tuntap add dev "$tap" mode tap vnet_hdr || return 1
	fi
	sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1" 2>/dev/null
	ip addr flush dev "$tap"
	ip addr add "$ip/24" dev "$tap" || return 1
	ip link set "$tap" up
}

# Fails when a process still holds the tap (TUNSETIFF gets EBUSY).
l2_tap_delete() {
	[ -e "/sys/class/net/$1" ] || return 0
	ip tuntap del dev "$1" mode tap 2>/dev/null && [ ! -e "/sys/class/net/$1" ]
}

# l2_nic_args NIC TAP MAC: sets l2_wrapper (the command QEMU runs under)
# and l2_nicargs (QEMU's NIC options).  A new NIC config is one more case.
l2_nic_args() {
	local nic=$1 tap=$2 mac=$3
	local netdev="tap,id=n0,ifname=$tap,script=no,downscript=no"
	local model=(--model "$(l2_nic_model "$nic")")
	local tool=("$L2_KVM_E1000_TOOL" run "${model[@]}" --tap "$tap" --mac "$mac")
	l2_wrapper=()
	l2_nicargs=()
	case $(l2_nic_base "$nic") in
	qemu-e1000)
		l2_nicargs=(-netdev "$netdev" -device "e1000,netdev=n0,mac=$mac") ;;
	virtio-net)
		l2_nicargs=(-netdev "$netdev,vhost=off" -device "virtio-net-pci,netdev=n0,mac=$mac") ;;
	vhost-net)
		l2_nicargs=(-netdev "$netdev,vhost=on" -device "virtio-net-pci,netdev=n0,mac=$mac") ;;
	vhost-net-mtu)
		# Receive offloads off: the guest gets MTU-size frames, as an
		# e1000 guest does (the fair anchor for L1->guest).
		l2_nicargs=(-netdev "$netdev,vhost=on" -device "virtio-net-pci,netdev=n0,mac=$mac,guest_tso4=off,guest_tso6=off,guest_ecn=off,guest_ufo=off") ;;
	kvm-e1000)
		# The tool creates the mdev, adds its vfio-pci device to QEMU's
		# command line and removes it when QEMU exits.
		l2_wrapper=("${tool[@]}" --) ;;
	kvm-e1000-rdt)
		# The worker with the RX doorbell page: RDT in guest RAM,
		# refills without an exit (the page faults only while a
		# received frame waits for buffers).
		l2_wrapper=("${tool[@]}" --doorbell-pages --) ;;
	kvm-e1000-sidecore)
		l2_wrapper=("${tool[@]}" --sidecore "$L2_SIDECORE_CPU" --) ;;
	kvm-e1000-doorbell)
		# TDT/RDT in guest RAM, polled by the sidecore: no doorbell exits.
		l2_wrapper=("${tool[@]}" --sidecore "$L2_SIDECORE_CPU" --doorbell-pages --) ;;
	*) return 1 ;;
	esac
}

# l2_firmware_args: sets l2_fwargs, QEMU's options for L2_FIRMWARE.
l2_firmware_args() {
	l2_fwargs=()
	case $L2_FIRMWARE in
	qboot)
		# Where Debian's qemu-system-data puts it; without it, SeaBIOS.
		if [ -f /usr/share/qemu/qboot.rom ]; then
			l2_fwargs=(-bios qboot.rom)
		fi ;;
	seabios) ;;
	u-boot)
		[ -f "$L2_UBOOT" ] || { l2_log "no $L2_UBOOT (Debian's u-boot-qemu)"; return 1; }
		l2_fwargs=(-bios "$L2_UBOOT") ;;
	*) l2_log "L2_FIRMWARE=$L2_FIRMWARE: qboot, seabios or u-boot"; return 1 ;;
	esac
}

# l2_cmdline: the guest kernel's command line (init.sh reads l2.*).
l2_cmdline() {
	echo "console=ttyS0 loglevel=5 panic=-1 nokaslr l2.ip=$L2_GUEST_IP/24 l2.peer=$L2_HOST_IP${L2_APPEND:+ $L2_APPEND}"
}

# l2_launch NIC INDEX [SCRIPT]: start guest INDEX in the background; sets
# L2_DIR.  With SCRIPT the guest runs it and powers off (see init.sh).
# L2_CPUS (a CPU list) runs the guest's QEMU on those L1 CPUs only; not
# the kvm-e1000 tool that starts it, whose sidecore may be elsewhere (the
# module refuses a sidecore outside the caller's CPUs).
l2_launch() {
	local nic=$1 idx=$2 script=${3:-} dir why initrd pin=()
	dir=$(l2_dir "$idx")
	if [ -d "$dir" ] && l2_alive "$dir"; then
		l2_log "guest $idx is still running ($dir)"
		return 1
	fi
	why=$(l2_nic_check "$nic") || { l2_log "$nic: $why"; return 1; }
	rm -rf "$dir"
	mkdir -p "$dir"
	L2_DIR=$dir
	L2_NIC=$nic
	L2_INDEX=$idx
	L2_TAP=l2tap$idx
	L2_HOST_IP=169.254.$((10 + idx)).1
	L2_GUEST_IP=169.254.$((10 + idx)).2
	L2_MAC=$(printf '52:54:00:e1:00:%02x' "$idx")
	declare -p L2_NIC L2_INDEX L2_TAP L2_HOST_IP L2_GUEST_IP L2_MAC | sed 's/^declare -[-a-z]* //' >"$dir/env"

	l2_tap_setup "$L2_TAP" "$L2_HOST_IP" || { l2_log "cannot set up $L2_TAP"; return 1; }
	l2_nic_args "$nic" "$L2_TAP" "$L2_MAC"

	initrd=$L2_IMAGE/initramfs.cpio.gz
	if [ -n "$script" ]; then
		# The kernel unpacks concatenated archives in order: the second
		# one adds /l2/test.sh to the image.
		mkdir -p "$dir/overlay/l2"
		cp "$script" "$dir/overlay/l2/test.sh"
		(cd "$dir/overlay" && find . | cpio -o -H newc --quiet) | gzip -1 >"$dir/overlay.cpio.gz"
		cat "$initrd" "$dir/overlay.cpio.gz" >"$dir/initrd"
		initrd=$dir/initrd
	fi

	: >"$dir/console.log"
	[ -z "${L2_CPUS:-}" ] || pin=(taskset -c "$L2_CPUS")
	l2_qemu_args "$dir" "$initrd" || return 1
	(
		cd "$dir" || exit 1
		exec "${l2_wrapper[@]}" "${pin[@]}" "${l2_qemu[@]}"
	) </dev/null >"$dir/qemu.log" 2>&1 &
	echo $! >"$dir/launcher.pid"
	# Killing QEMU is part of some tests: no job report for it.
	disown $!
}

# l2_qemu_args DIR INITRD: sets l2_qemu, the QEMU command of the guest
# whose env is loaded (l2_env), with l2_nicargs and then the array
# l2_qemu_extra (empty unless a caller sets it); its console, control
# channel, monitor, QMP socket and pid file in DIR, and QEMU's log
# (-D: the CPU resets, and the trace events a caller asks for).
l2_qemu_args() {
	local dir=$1 initrd=$2
	local boot=(-kernel "$L2_IMAGE/vmlinuz" -initrd "$initrd" -append "$(l2_cmdline)")
	# Netboot: the firmware fetches the kernel through the NIC.
	[ -z "${L2_NETBOOT:-}" ] || boot=()
	l2_firmware_args || return 1
	l2_qemu=(qemu-system-x86_64
		-enable-kvm -cpu host -m 512 -smp 1 -nographic
		-name "l2-$L2_INDEX,debug-threads=on"
		-nodefaults -no-user-config "${l2_fwargs[@]}" "${boot[@]}"
		-chardev "file,id=con,path=$dir/console.log" -serial chardev:con
		-chardev "socket,id=ctl,path=$dir/ctl.sock,server=on,wait=off" -serial chardev:ctl
		-monitor "unix:$dir/mon.sock,server=on,wait=off"
		-qmp "unix:$dir/qmp.sock,server=on,wait=off"
		-pidfile "$dir/qemu.pid"
		-d cpu_reset -D "$dir/cpu-reset.log"
		"${l2_nicargs[@]}" "${l2_qemu_extra[@]}")
}

# l2_launch_incoming SRC DST TAP [NIC]: start, in DST, the destination
# of a live migration of guest SRC (started without a script): the same
# machine, its NIC on TAP (created, up, without an address: the caller
# bridges it), waiting for the migration stream on DST/mig.sock.  NIC, if
# given, is how the destination serves the same device model (for
# instance kvm-e1000-sidecore for a kvm-e1000 source).  DST's env is
# SRC's with TAP and NIC, so the l2_* functions serve the guest there
# once it runs; the console log goes on in DST.  L2_CPUS as for
# l2_launch.
l2_launch_incoming() {
	local src=$1 dst=$2 tap=$3 nic=${4:-} pin=()
	l2_env "$src"
	rm -rf "$dst"
	mkdir -p "$dst"
	L2_TAP=$tap
	[ -z "$nic" ] || L2_NIC=$nic
	declare -p L2_NIC L2_INDEX L2_TAP L2_HOST_IP L2_GUEST_IP L2_MAC | sed 's/^declare -[-a-z]* //' >"$dst/env"
	if [ ! -e "/sys/class/net/$tap" ]; then
		ip tuntap add dev "$tap" mode tap vnet_hdr || return 1
	fi
	sysctl -qw "net.ipv6.conf.$tap.disable_ipv6=1" 2>/dev/null
	ip link set "$tap" up || return 1
	l2_nic_args "$L2_NIC" "$tap" "$L2_MAC" || return 1
	: >"$dst/console.log"
	: >"$dst/incoming"
	l2_qemu_args "$dst" "$L2_IMAGE/initramfs.cpio.gz" || return 1
	[ -z "${L2_CPUS:-}" ] || pin=(taskset -c "$L2_CPUS")
	(
		cd "$dst" || exit 1
		exec "${l2_wrapper[@]}" "${pin[@]}" "${l2_qemu[@]}" -incoming "unix:$dst/mig.sock"
	) </dev/null >"$dst/qemu.log" 2>&1 &
	echo $! >"$dst/launcher.pid"
	disown $!
}

# l2_ready_count DIR: how many times the guest finished booting.
l2_ready_count() {
	grep -c '@@L2-READY@@' "$1/console.log" 2>/dev/null
}

# l2_silent_reset DIR: true if the guest's console shows a boot (the boot
# stub's "Probing EDD") that followed none of the lines a kernel prints
# when it reboots, panics or oopses: its CPU reset itself, a triple fault
# (tools/testbed/README.md: L0's nested TCG resets guests so).  A VMM
# that ends its guest and boots it again on the same console (libvirt's
# restart) marks the end with L2_ENDED.  A migration's destination
# (DIR/incoming: l2_launch_incoming, the virsh step) takes over a guest
# that had booted: its console's first boot is already a new one.
L2_ENDED=@@L2-ENDED@@
# What a guest's kernel prints before it goes down on purpose or in a
# fault.  Of SysRq only the keys that end the boot: a post-mortem's SysRq
# w and l (l2_stuck_report) end nothing.
L2_SAID='reboot: |Kernel panic|Oops|BUG:|general protection|sysrq: (Resetting|Trigger a crash|Power Off)'
l2_silent_reset() {
	local booted=0
	[ ! -e "$1/incoming" ] || booted=1
	tr -d '\r' <"$1/console.log" 2>/dev/null |
		awk -v ended="$L2_ENDED" -v said_re="$L2_SAID" -v booted=$booted '
		/Probing EDD/ { if (booted && !said) { found = 1; exit }
				booted = 1; said = 0; next }
		$0 ~ said_re { said = 1 }
		index($0, ended) { said = 1 }
		END { exit !found }'
}

# l2_reboot_reason DIR: the first line of those l2_silent_reset looks for
# in the boot before the guest's last one (a panic, an oops, a reboot),
# without its timestamp; nothing if that boot said none.
l2_reboot_reason() {
	tr -d '\r' <"$1/console.log" 2>/dev/null | awk -v said_re="$L2_SAID" '
		/Probing EDD/ { reason = first; first = ""; next }
		$0 ~ said_re && first == "" { first = $0 }
		END { sub(/^\[ *[0-9.]*\] /, "", reason); print reason }'
}

# l2_kvm_trace DIR: what L1's KVM does for the guest's vCPU thread over
# one second (its kvm and kvmmmu trace events, counted by name, and the
# first of them): a guest that runs no instruction is either not entered
# (no kvm_entry), or exits and re-enters without progress (the exit
# reason, an emulation failure, an exception injected each time).
#
# The events were enabled at L1's boot (tools/testbed/guest-run.sh), with
# the ring buffer off: only the buffer is turned on here, for a second,
# and the lines of QEMU's threads are kept.  Enabling the events now
# would rewrite kernel text under the running vCPU, which kills L1 under
# L0's multi-threaded TCG.
l2_kvm_trace() {
	local t=/sys/kernel/tracing pid ev tids
	pid=$(l2_qemu_pid "$1")
	if [ -z "$pid" ] || [ ! -w "$t/tracing_on" ]; then
		echo "KVM trace: no tracefs or no QEMU"
		return 0
	fi
	for ev in kvm kvmmmu; do
		[ "$(cat "$t/events/$ev/enable" 2>/dev/null)" = 1 ] && continue
		echo "KVM trace: the $ev events were not enabled at boot, and are not now under a running vCPU"
		return 0
	done
	# Every thread of QEMU: the vCPU's is among them.
	tids=" $(cd "/proc/$pid/task" && echo *) "
	: >"$t/trace"
	echo 1 >"$t/tracing_on"
	sleep 1
	echo 0 >"$t/tracing_on"
	# A line starts "COMM-TID [CPU] ...": COMM may hold spaces and dashes.
	awk -v tids="$tids" '!/^#/ && match($0, /-[0-9]+ +\[[0-9]+\]/) {
		tid = substr($0, RSTART + 1); sub(/ .*/, "", tid)
		if (index(tids, " " tid " ")) print }' "$t/trace" >"$1/kvm-trace.txt"
	: >"$t/trace"
	echo "KVM trace of QEMU $pid for 1 s, events by name:"
	awk '{ for (i = 1; i < NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { print $(i + 1); break } }' \
		"$1/kvm-trace.txt" | sort | uniq -c | sort -rn | head -n 15
	# The timer's line (QEMU's PIT, hundreds a second) says nothing here.
	echo "the first 30 but for interrupt lines:"
	grep -vE ' kvm_(pic_|ioapic_)?set_irq:' "$1/kvm-trace.txt" |
		head -n 30 | cut -c1-220
}

# l2_vcpu_ticks DIR: the CPU time (clock ticks) the guest's vCPU threads
# ("CPU n/KVM") used so far.
l2_vcpu_ticks() {
	local pid f stat sum=0 v
	pid=$(l2_qemu_pid "$1")
	for f in /proc/"$pid"/task/*/stat; do
		stat=$(cat "$f" 2>/dev/null) || continue
		case $stat in *"(CPU "*) ;; *) continue ;; esac
		# After the name: state is field 3; utime and stime are 14, 15.
		read -r -a v <<<"${stat##*) }"
		sum=$((sum + v[11] + v[12]))
	done
	echo "$sum"
}

# l2_stuck_verdict RIP1 RIP2 IRR1 IRR2 TICKS: from two samples 2 s apart,
# whether the guest's vCPU executes nothing: the same RIP line (RIP,
# flags, HLT=0) with IF set, a vector pending in IRR both times, so never
# taken, and its thread on a CPU at least half of the while (spinning
# between L1's KVM and L0, not blocked in a device's handler).  No CPU
# that runs leaves a deliverable interrupt pending with IF set: this is
# the one-instruction livelock of L0's nested TCG (tools/testbed/README.md).
l2_stuck_verdict() {
	local flags v pending=
	[ -n "$1" ] && [ "$1" = "$2" ] || return 0
	[[ $1 == *HLT=0* ]] || return 0
	flags=$(sed -n 's/.*RFL=\([0-9a-f]*\).*/\1/p' <<<"$1")
	[ -n "$flags" ] && (((16#$flags >> 9) & 1)) || return 0
	for v in $3; do
		[[ $v =~ ^[0-9]+$ && " $4 " == *" $v "* ]] && pending="$pending $v"
	done
	[ -n "$pending" ] && [ "$5" -ge 100 ] || return 0
	echo "verdict: vCPU stuck: one RIP over 2 s, IF set, vector(s)$pending pending in IRR and never taken, its thread on a CPU for $5 of 200 ticks"
}

# l2_walk_verdict TRACE: from L1's KVM trace of a stuck guest (l2_kvm_trace's
# kvm-trace.txt), whether the guest's own page tables are broken: KVM's
# walk of them fails again and again (kvm_mmu_walker_error, 10 times or
# more in the second) while it injects the #PF that results, and an NPF
# names the guest-physical address the CPU's walk could not read.  That is
# a page-table entry pointing outside RAM, something that wrote over a page
# table (a device's DMA into a page the guest had freed and reused, on
# 2026-12-03: tools/testbed/README.md), not L0's livelock, so no retry;
# or CR3 itself pointing there, which l2_cr3_verdict tells apart.
l2_walk_verdict() {
	local errors gpa
	errors=$(grep -c ' kvm_mmu_walker_error:' "$1" 2>/dev/null)
	[ "${errors:-0}" -ge 10 ] && grep -q ' kvm_inj_exception: #PF' "$1" || return 0
	gpa=$(sed -n 's/.* kvm_exit: .*reason npf .*info2 \(0x[0-9a-f]*\).*/\1/p' "$1" | head -n 1)
	echo "verdict: guest page tables broken: KVM's walk of them failed $errors times in 1 s, a #PF injected each time${gpa:+, the walk of the CPU faulting at GPA $gpa} (an entry written over, or CR3 itself)"
}

# l2_cr3_verdict CR3 RAM_BYTES: whether the guest's CR3 (hex, QEMU's
# "info registers") points past its RAM, for a guest whose RAM all lies
# below the PCI hole (under 3 GiB).  Then the walk that fails starts at
# CR3 itself, not at an entry.  Seen after virsh migrate on Debian 13
# (2026-12-04): CR3 0x102712000 in a 512 MiB guest, bit 32 set in the
# right table's address.  Either the register was broken below the guest,
# or the kernel built it from a broken pointer: mm_struct.pgd is at an
# offset of 8 modulo 16 in 6.12, where a TX descriptor's DD bit is bit 32
# of the qword.  l2_walk_dump looks for that pointer.
l2_cr3_verdict() {
	local cr3=$1 ram=$2 top
	[[ $cr3 =~ ^[0-9a-fA-F]+$ && $ram =~ ^[0-9]+$ ]] || return 0
	[ "$ram" -gt 0 ] && [ "$ram" -le $((3 << 30)) ] || return 0
	top=$((16#$cr3 & 0x000ffffffffff000))
	[ $top -ge "$ram" ] || return 0
	echo "verdict: CR3=$cr3 points past the guest's $((ram >> 20)) MiB of RAM"
}

# l2_ram_pointers RAM_FILE TABLE: where guest memory saved from GPA 0
# (pmemsave) holds TABLE, a guest-physical address, as the kernel's
# direct-map pointer to it, 5- and 4-level (ramgrep.py's lines).  Fails,
# ramgrep's message on stderr, when ramgrep does: "nowhere" is then not
# known.
l2_ram_pointers() {
	local out
	out=$("$L2_PYTHON" "$L2_LIB_DIR/ramgrep.py" "$1" \
		"$(printf '%x' $((0xff11000000000000 + $2)))" \
		"$(printf '%x' $((0xffff888000000000 + $2)))") || return 1
	grep '^0x' <<<"$out" || true
}

# l2_cr3_ram_verdict SAVED RAM BROKEN INTACT: where a CR3 past RAM came
# from, by what guest memory holds (SAVED of its RAM bytes, saved whole or
# no verdict): BROKEN, ramgrep's lines for CR3's table as a kernel pointer;
# INTACT, for that table with the bits past 4 GiB cleared.  The broken
# pointer in memory: something wrote over it (a DMA write-back sets bit
# 32 of a qword at 8 modulo 16), a failure.  Only the intact one: the
# kernel's pointer to the page table is whole and the register is not, a
# CPU state broken below the guest, which no device reaches
# (tools/testbed/README.md: the run is lost to the testbed).
l2_cr3_ram_verdict() {
	local saved=$1 ram=$2 broken=$3 intact=$4
	if [ "$saved" != "$ram" ]; then
		echo "verdict: guest memory not saved whole ($saved of $ram bytes): where CR3 came from is not known"
	elif [ -n "$broken" ]; then
		echo "verdict: CR3 was built from a broken pointer in guest memory, at GPA $(echo "$broken" | awk '{ print $1; exit }'): something wrote over it"
	elif [ -n "$intact" ]; then
		echo "verdict: CR3 broke in the register: the kernel's pointer to its table is intact in guest memory (at GPA $(echo "$intact" | awk '{ print $1; exit }')), the broken pointer nowhere"
	fi
}

# l2_stuck_report DIR: where a guest that does not answer is: its vCPU
# (RIP in firmware, or against the kernel's System.map: no KASLR) and
# its local APIC, sampled twice, the resets QEMU logged, and what the
# guest kernel prints for SysRq (keys from QEMU's keyboard; init.sh
# enables them): its blocked tasks and every CPU's backtrace, at console
# log level 7 for the while.
l2_stuck_report() {
	local dir=$1 i lines key regs lapic status verdict rip=() irr=() ticks=()
	for i in 1 2; do
		status=$(l2_hmp "$dir" 'info status' 2>&1 | tr -d '\r')
		echo "sample $i: $status"
		regs=$(l2_hmp "$dir" 'info registers' 2>&1 | grep -E '^(RIP|RSI|CR0)' | tr -s ' ')
		lapic=$(l2_hmp "$dir" 'info lapic' 2>&1 | grep -E '^(LVT0|LVTT\s|ISR|IRR|APR)' | tr -s ' ')
		printf '%s\n' "$regs" "$lapic"
		rip[i]=$(grep '^RIP' <<<"$regs")
		irr[i]=$(sed -n 's/^IRR\s*//p' <<<"$lapic")
		ticks[i]=$(l2_vcpu_ticks "$dir")
		[ "$status" = "VM status: running" ] || rip[i]=
		[ $i -eq 2 ] || sleep 2
	done
	echo "resets QEMU logged: $(grep -c 'CPU Reset' "$dir/cpu-reset.log" 2>/dev/null)"
	l2_kvm_trace "$dir"
	# The trace first: broken page tables are no vCPU stuck by L0.
	verdict=$(l2_walk_verdict "$dir/kvm-trace.txt")
	[ -n "$verdict" ] ||
		verdict=$(l2_stuck_verdict "${rip[1]}" "${rip[2]}" "${irr[1]}" \
			  "${irr[2]}" $((${ticks[2]:-0} - ${ticks[1]:-0})))
	[ -z "$verdict" ] || echo "$verdict"
	[[ $verdict != *"page tables broken"* ]] || l2_walk_dump "$dir"
	lines=$(wc -l <"$dir/console.log")
	for key in 7 w l 5; do
		l2_hmp "$dir" "sendkey alt-sysrq-$key" >/dev/null 2>&1
		sleep 2
	done
	echo "console after SysRq w and l:"
	tail -n +"$((lines + 1))" "$dir/console.log" | tr -d '\r' | head -n 150
}

# l2_wait_ready DIR [BOOTS] [TIMEOUT]: wait until the guest has booted
# BOOTS times (default 1) and answers on its control channel.
l2_wait_ready() {
	local dir=$1 boots=${2:-1} timeout=${3:-$L2_BOOT_TIMEOUT} start=$SECONDS
	while [ "$(l2_ready_count "$dir")" -lt "$boots" ]; do
		if grep -q '@@L2-FAILED@@' "$dir/console.log"; then
			l2_log "guest setup failed: $(grep -a '@@L2-FAILED@@' "$dir/console.log" | tr -d '\r' | tail -n1)"
			return 1
		fi
		if ! l2_alive "$dir"; then
			l2_log "QEMU exited before the guest was ready:"
			tail -n 5 "$dir/qemu.log" >&2
			return 1
		fi
		if [ $((SECONDS - start)) -ge "$timeout" ]; then
			l2_log "guest not ready after ${timeout}s; console tail:"
			tr -d '\r' <"$dir/console.log" | tail -n 5 >&2
			l2_stuck_report "$dir" >&2
			return 1
		fi
		sleep 1
	done
	l2_exec "$dir" -t 30 true >/dev/null
}

# l2_start NIC INDEX: launch and wait until ready; sets L2_DIR.
l2_start() {
	l2_launch "$1" "$2" || return 1
	l2_wait_ready "$L2_DIR" 1
}

# l2_exec DIR [-t SECONDS] COMMAND...: run a shell command in the guest.
l2_exec() {
	local dir=$1 t=60 rc
	shift
	if [ "${1:-}" = -t ]; then
		t=$2
		shift 2
	fi
	"$L2_PYTHON" "$L2_LIB_DIR/l2ctl.py" exec --timeout "$t" "$dir/ctl.sock" -- "$*"
	rc=$?
	# No answer at all (not even the guest's own timeout): once per guest,
	# where it is stuck.
	if [ $rc -eq 124 ] && l2_alive "$dir" && [ ! -e "$dir/stuck-reported" ]; then
		: >"$dir/stuck-reported"
		l2_stuck_report "$dir" >&2
	fi
	return $rc
}

# l2_resets DIR: the CPU at each reset QEMU logged for the guest
# (-d cpu_reset into DIR/cpu-reset.log, its boot's included), a line
# each: what each reset interrupted.
l2_resets() {
	awk '/CPU Reset/ { if (s != "") print s; s = $0 } /^(RIP|RSI|CR0|IDT)/ { s = s " " $0 }
	     END { if (s != "") print s }' "$1/cpu-reset.log" 2>/dev/null | tr -s ' '
}

# l2_hmp DIR COMMAND: a command on the guest's QEMU monitor; for a
# libvirt domain (DIR/libvirt: its connection URI and name), through
# virsh, as libvirt holds the monitor.
l2_hmp() {
	local uri name
	if [ -s "$1/libvirt" ]; then
		read -r uri name <"$1/libvirt"
		virsh -q -c "$uri" qemu-monitor-command --hmp "$name" "$2"
		return
	fi
	"$L2_PYTHON" "$L2_LIB_DIR/l2ctl.py" hmp "$1/mon.sock" "$2"
}

# l2_walk_dump DIR: for a guest whose page-table walk fails, what the
# walk reads as QEMU sees guest memory: CR3 (l2_cr3_verdict: past RAM,
# where in RAM the pointer it came from lies) and the last four entries
# of the top table; and the TX ring of each e1000 in it (its registers read
# through BAR0, the descriptor at TDH and the ring's last), to tell a
# descriptor write-back that landed in a page table from an entry the
# guest wrote.
l2_walk_dump() {
	local dir=$1 cr3 ram bar r v tdba table verdict saved broken intact
	cr3=$(l2_hmp "$dir" 'info registers' 2>&1 | tr -d '\r' | sed -n 's/.*CR3=\([0-9a-f]*\).*/\1/p')
	[ -n "$cr3" ] || return 0
	ram=$(l2_hmp "$dir" 'info memory_size_summary' 2>&1 | tr -d '\r' | sed -n 's/^base memory: *//p')
	verdict=$(l2_cr3_verdict "$cr3" "$ram")
	if [ -n "$verdict" ]; then
		echo "$verdict"
		table=$((16#$cr3 & 0x000ffffffffff000))
		# Quoted: HMP would read a bare path as part of the size expression.
		l2_hmp "$dir" "pmemsave 0 $ram \"$dir/ram.bin\"" >/dev/null 2>&1
		saved=$(stat -c %s "$dir/ram.bin" 2>/dev/null || echo 0)
		if [ "$saved" = "$ram" ] &&
			! { broken=$(l2_ram_pointers "$dir/ram.bin" $table 2>"$dir/ramgrep.err") &&
			intact=$(l2_ram_pointers "$dir/ram.bin" $((table & 0xffffffff)) 2>"$dir/ramgrep.err"); }; then
			echo "where CR3 came from is not known: ramgrep failed: $(cat "$dir/ramgrep.err")"
		else
			echo "guest memory ($saved bytes saved) holding CR3's table as a kernel pointer (GPA, value, GPA%16):"
			echo "${broken:-none}"
			echo "... and holding it without the bits past 4 GiB:"
			echo "${intact:-none}"
			l2_cr3_ram_verdict "$saved" "$ram" "$broken" "$intact"
		fi
		rm -f "$dir/ram.bin" "$dir/ramgrep.err"
	fi
	echo "CR3=$cr3; the top table's entries 508-511:"
	l2_hmp "$dir" "xp /4gx 0x$(printf '%x' $(((16#$cr3 & ~0xfff) + 0xfe0)))" 2>&1 | tr -d '\r'
	for bar in $(l2_hmp "$dir" 'info pci' 2>&1 | tr -d '\r' |
		     awk '/Ethernet controller: PCI device 8086:10/ { e = 1; next }
			  e && /BAR0: 32 bit memory at/ { print $6; e = 0 }
			  /^  Bus/ { e = 0 }'); do
		v=()
		for r in 0x3800 0x3804 0x3808 0x3810 0x3818 0x0400; do
			v+=("$(l2_hmp "$dir" "xp /1wx $((bar + r))" 2>&1 | tr -d '\r' | awk '{ print $2 }')")
		done
		echo "e1000 at $bar: TDBAL=${v[0]} TDBAH=${v[1]} TDLEN=${v[2]} TDH=${v[3]} TDT=${v[4]} TCTL=${v[5]}"
		[[ ${v[0]} =~ ^0x[0-9a-f]+$ && ${v[1]} =~ ^0x[0-9a-f]+$ ]] || continue
		tdba=$(((v[1] << 32) | (v[0] & ~0xf)))
		[ $((tdba & ~0xfff)) -ne $((16#$cr3 & ~0xfff)) ] || echo "verdict: the TX ring is the page CR3 points to"
		l2_hmp "$dir" "xp /4gx $(printf '0x%x' "$tdba")" 2>&1 | tr -d '\r'
		[[ ${v[2]} =~ ^0x[0-9a-f]+$ ]] &&
			l2_hmp "$dir" "xp /2gx $(printf '0x%x' $((tdba + v[2] - 16)))" 2>&1 | tr -d '\r'
	done
}

# l2_wait_exit DIR TIMEOUT: wait for QEMU (and a wrapper) to exit.
l2_wait_exit() {
	local dir=$1 timeout=$2 start=$SECONDS
	while l2_alive "$dir"; do
		[ $((SECONDS - start)) -lt "$timeout" ] || return 1
		sleep 0.5
	done
}

# l2_stop DIR: power the guest off from inside (QEMU must then exit by
# itself), force it after 60 s; then remove the tap.  Fails if anything
# needed forcing.
l2_stop() {
	local dir=$1 rc=0
	[ -f "$dir/env" ] || return 0
	l2_env "$dir"
	if l2_alive "$dir"; then
		l2_exec "$dir" -t 10 '(sleep 1; sync; poweroff -f) >/dev/null 2>&1 &' >/dev/null
		if ! l2_wait_exit "$dir" 60; then
			l2_log "guest $dir did not power off: killing QEMU"
			l2_kill "$dir"
			rc=1
		fi
	fi
	l2_tap_delete "$L2_TAP" || { l2_log "cannot delete $L2_TAP"; rc=1; }
	return $rc
}

# l2_kill DIR: SIGKILL QEMU (and the wrapper if it outlives QEMU 10 s).
l2_kill() {
	local dir=$1 pid
	pid=$(l2_qemu_pid "$dir")
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	l2_wait_exit "$dir" 10 && return 0
	pid=$(cat "$dir/launcher.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	l2_wait_exit "$dir" 5
}

# l2_cleanup: stop every guest under $L2_RUN_ROOT (for traps).
l2_cleanup() {
	local dir
	for dir in "$L2_RUN_ROOT"/g*; do
		[ -f "$dir/env" ] || continue
		l2_alive "$dir" && l2_kill "$dir"
		l2_env "$dir"
		l2_tap_delete "$L2_TAP"
	done
	return 0
}
