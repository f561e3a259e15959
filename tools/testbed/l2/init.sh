#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash
#
# /init of the L2 guest (see build-image.sh).  Loads the NIC drivers, gives
# eth0 the link-local address from the kernel command line, then either
# runs /l2/test.sh (added by run-guest.sh) and powers off, or serves
# commands from the host on the second serial port (ttyS1).
#
# Kernel command line: l2.ip=ADDR/PREFIX l2.peer=HOST_ADDR
# Console markers (ttyS0):
#   @@L2-READY@@ driver=NAME link=up|down   once per boot, when eth0 is set up
#   @@L2-FAILED@@ REASON                    setup failed, guest powers off
#   @@L2-OUTPUT-BEGIN@@ / @@L2-OUTPUT-END@@ rc=N   around /l2/test.sh
# Control protocol (ttyS1, raw): the host sends "ID SECONDS BASE64-COMMAND";
# the guest runs the command for at most SECONDS with its output on ttyS1,
# then prints "\n@@DONE@@ ID STATUS".

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /etc /proc /sys /dev /tmp /run
/bin/busybox --install -s
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /tmp
mount -t tmpfs -o mode=755 tmpfs /run

say() { echo "$*" >/dev/console; }

fatal() {
	say "@@L2-FAILED@@ $*"
	sync
	poweroff -f
	sleep 60
}

L2_IP=
L2_PEER=
for word in $(cat /proc/cmdline); do
	case $word in
	l2.ip=*) L2_IP=${word#l2.ip=} ;;
	l2.peer=*) L2_PEER=${word#l2.peer=} ;;
	esac
done
# Link-local only: nothing the guest sends may be routable.
case $L2_IP in
169.254.*/*) ;;
*) fatal "l2.ip=$L2_IP is not a 169.254.0.0/16 address with a prefix" ;;
esac
export L2_IP L2_PEER
printf 'L2_IP=%s\nL2_PEER=%s\n' "$L2_IP" "$L2_PEER" >/etc/l2.conf

hostname l2
# No IPv6: router and neighbour solicitations would add packets to every
# measurement.
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
# For a guest that stops answering (l2_stuck_report): SysRq from QEMU's
# keyboard (sendkey), and a task blocked for 30 s named on the console.
sysctl -qw kernel.sysrq=1 kernel.hung_task_timeout_secs=30
ip link set lo up

l2-netdrv load || fatal "loading the NIC drivers failed"
l2-netdrv up || say "l2: eth0 did not come up"
link=down
[ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = 1 ] && link=up
say "@@L2-READY@@ driver=$(l2-netdrv driver) link=$link"

if [ -f /l2/test.sh ]; then
	say "@@L2-OUTPUT-BEGIN@@"
	sh /l2/test.sh </dev/null >/dev/console 2>&1
	say "@@L2-OUTPUT-END@@ rc=$?"
	sync
	poweroff -f
	sleep 60
fi

# Serve the host's commands until the guest is powered off or rebooted.
stty -F /dev/ttyS1 raw -echo 115200 || fatal "no ttyS1 for the control channel"
exec 3<>/dev/ttyS1
while true; do
	IFS= read -r line <&3 || { sleep 1; continue; }
	set -- $line
	[ $# -eq 3 ] || continue
	id=$1
	secs=$2
	if ! cmd=$(echo "$3" | base64 -d 2>/dev/null); then
		printf '\n@@DONE@@ %s 125\n' "$id" >&3
		continue
	fi
	timeout -s KILL "$secs" sh -c "$cmd" </dev/null >&3 2>&3
	printf '\n@@DONE@@ %s %d\n' "$id" $? >&3
done
