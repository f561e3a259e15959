#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# End-to-end check of the VFIO mdev route with stock QEMU: in the nested
# testbed, `kvm-e1000 create` makes a device bound to a tap, Debian's QEMU
# boots an L2 Linux guest with `-device vfio-pci,sysfsdev=...`, and the
# guest's stock e1000 driver probes it, reads the MAC, gets link and pings
# the tap's link-local address.  Then the same through `kvm-e1000 run`.
#
#   tools/kvm-e1000/test-l2.sh [--kernel VER]
#
# On the host it builds the L2 initramfs under build/mdev-l2/ and starts
# the testbed; inside L1 (TESTBED=1) it runs the checks.

set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$REPO/build/mdev-l2
KVER=6.1.0-56-amd64
[ "${1:-}" = --kernel ] && KVER=$2
KROOT=$REPO/build/testbed/kernels/$KVER/root
TOOL=$REPO/build/tools/kvm-e1000
HOST_IP=169.254.10.1
GUEST_IP=169.254.10.2
MAC=52:54:00:e1:00:01

# ---- host side ----

build_initramfs() {
	local dir=$OUT/root ko
	rm -rf "$dir" && mkdir -p "$dir"/{bin,proc,sys,dev}
	cp /bin/busybox "$dir/bin/busybox"
	ko=$(find "$KROOT/lib/modules/$KVER" -name 'e1000.ko*' | head -1)
	case "$ko" in
	*.xz) xz -dc "$ko" >"$dir/e1000.ko" ;;
	*.zst) zstd -qdc "$ko" >"$dir/e1000.ko" ;;
	*) cp "$ko" "$dir/e1000.ko" ;;
	esac
	cat >"$dir/init" <<-GUEST
	#!/bin/busybox sh
	/bin/busybox --install -s /bin
	mount -t proc proc /proc; mount -t sysfs sys /sys
	mount -t devtmpfs dev /dev
	for d in /sys/bus/pci/devices/*; do
		echo "L2: pci \${d##*/} \$(cat \$d/vendor):\$(cat \$d/device) sub \$(cat \$d/subsystem_vendor):\$(cat \$d/subsystem_device) class \$(cat \$d/class)"
	done
	insmod /e1000.ko
	sleep 1
	dmesg | grep -i e1000 | sed 's/^/L2: dmesg: /'
	echo "L2: mac \$(cat /sys/class/net/eth0/address)"
	ip link set eth0 up
	ip addr add $GUEST_IP/16 dev eth0
	for i in 1 2 3 4 5 6 7 8 9 10; do
		[ "\$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ] && break
		sleep 1
	done
	echo "L2: carrier \$(cat /sys/class/net/eth0/carrier)"
	if ping -c 3 -W 3 $HOST_IP; then echo "L2: ping ok"; else echo "L2: ping failed"; fi
	grep -E '^IpExt:' /proc/net/netstat | sed 's/^/L2: netstat /'
	if [ -x /sbin/ethtool ]; then
		/sbin/ethtool -K eth0 rx-fcs on
		sleep 3
		if ping -c 3 -W 3 $HOST_IP; then echo "L2: rx-fcs ping ok"; else echo "L2: rx-fcs ping failed"; fi
	fi
	grep eth0 /proc/interrupts | sed 's/^/L2: irq /'
	grep eth0 /proc/net/dev | sed 's/^/L2: netdev /'
	ip neigh | sed 's/^/L2: neigh /'
	grep -E '^(Ip|Icmp):' /proc/net/snmp | sed 's/^/L2: snmp /'
	for f in rx_missed_errors rx_fifo_errors rx_crc_errors rx_errors rx_dropped; do
		echo "L2: stat \$f \$(cat /sys/class/net/eth0/statistics/\$f)"
	done
	poweroff -f
	GUEST
	chmod +x "$dir/init"
	# ethtool, to tell the driver the device hands it the FCS (rx-fcs).
	if command -v ethtool >/dev/null; then
		mkdir -p "$dir/sbin"
		cp "$(command -v ethtool)" "$dir/sbin/ethtool"
		ldd "$(command -v ethtool)" | grep -o '/[^ ]*' | while read -r lib; do
			mkdir -p "$dir$(dirname "$lib")"
			cp -L "$lib" "$dir$lib"
		done
	fi
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$OUT/initramfs.cpio.gz"
}

if [ -z "${TESTBED:-}" ]; then
	case "$KVER" in
	6.1.*) kmod=6.1 ;;
	6.12.*) kmod=6.12 ;;
	*) echo "test-l2: no module build for $KVER" >&2; exit 1 ;;
	esac
	mkdir -p "$OUT"
	make -C "$REPO" --no-print-directory "module-$kmod" tool >/dev/null
	build_initramfs
	exec "$REPO/tools/testbed/testbed.sh" --kernel "$KVER" --timeout 900 \
		--module "$REPO/build/kmod/$kmod/kvm-e1000.ko" \
		-- "$HERE/test-l2.sh" --kernel "$KVER"
fi

# ---- inside L1 ----

fail=0
check() {	# check WHAT PATTERN LOG
	if grep -q -- "$2" "$3"; then echo "PASS: $1"; else echo "FAIL: $1"; fail=1; fi
}

qemu() {	# qemu LOG [ARGS...]
	local log=$1
	shift
	timeout 400 qemu-system-x86_64 -enable-kvm -cpu host -m 512 -smp 1 \
		-nographic -no-reboot -nic none \
		-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$OUT/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 loglevel=4" "$@" </dev/null >"$log" 2>&1
}

modprobe vfio_iommu_type1
echo "== mdev parent"
ls /sys/class/mdev_bus/
ls /sys/class/mdev_bus/*/mdev_supported_types/
cat /sys/class/mdev_bus/*/mdev_supported_types/*/{name,device_api,available_instances}

echo "== kvm-e1000 create"
dev=$("$TOOL" create --tap ke0 --mac "$MAC")
echo "$dev"
uuid=${dev##*/}
ip addr add "$HOST_IP/16" dev ke0
"$TOOL" list
ls -l "$dev/iommu_group"

log=$TESTBED_OUT/mdev-l2-create.log
echo "== L2 guest with -device vfio-pci,sysfsdev=$dev"
qemu "$log" -device "vfio-pci,sysfsdev=$dev" || echo "qemu exit $?"
grep '^L2:' "$log" || tail -40 "$log"
check "guest sees 8086:100e" "L2: pci .* 0x8086:0x100e sub 0x8086:0x001e class 0x020000" "$log"
check "e1000 driver probes" "Intel(R) PRO/1000 Network Connection" "$log"
check "guest reads the MAC" "L2: mac $MAC" "$log"
check "link up" "L2: carrier 1" "$log"
check "ping the tap" "L2: ping ok" "$log"
check "ping the tap with the driver's rx-fcs on" "L2: rx-fcs ping ok" "$log"
"$TOOL" status "$uuid"
ip -s link show ke0
ip neigh show dev ke0
grep -E '^(Ip|Icmp):' /proc/net/snmp
"$TOOL" destroy "$uuid"
"$TOOL" list

echo "== kvm-e1000 run"
log=$TESTBED_OUT/mdev-l2-run.log
# The tap appears once the tool created it; give it the host address then.
( for _ in $(seq 100); do ip addr add "$HOST_IP/16" dev ke1 2>/dev/null && break; sleep 0.1; done ) &
"$TOOL" run --tap ke1 --mac "$MAC" -- timeout 400 qemu-system-x86_64 -enable-kvm \
	-cpu host -m 512 -smp 1 -nographic -no-reboot -nic none \
	-kernel "$KROOT/boot/vmlinuz-$KVER" -initrd "$OUT/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 loglevel=4" </dev/null >"$log" 2>&1 || echo "run exit $?"
wait
grep '^L2:' "$log" || tail -40 "$log"
check "run: e1000 driver probes" "Intel(R) PRO/1000 Network Connection" "$log"
check "run: ping the tap" "L2: ping ok" "$log"
left=$("$TOOL" list)
if [ -z "$left" ]; then echo "PASS: run destroyed its device"; else echo "FAIL: left: $left"; fail=1; fi
exit $fail
