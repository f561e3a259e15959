#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=dash disable=SC3043  # busybox ash has local
#
# l2-netdrv: the L2 guest's NIC driver and eth0 set-up, used by /init and
# by tests that unload and reload the driver.
#
#   l2-netdrv load     insmod every module in /modules/order not yet loaded
#   l2-netdrv unload   remove eth0's driver module
#   l2-netdrv up       wait for eth0, give it $L2_IP, wait until it is up
#   l2-netdrv reload   unload, load, up
#   l2-netdrv driver   print eth0's driver name

[ -f /etc/l2.conf ] && . /etc/l2.conf

# Seconds to wait for eth0 to appear and to come up.
WAIT=15

driver() {
	local link
	link=$(readlink /sys/class/net/eth0/device/driver 2>/dev/null) || return 1
	basename "$link"
}

load() {
	local mod
	for mod in $(cat /modules/order); do
		[ -d "/sys/module/$mod" ] && continue
		insmod "/modules/$mod.ko" || return 1
	done
}

unload() {
	local drv
	drv=$(driver) || { echo "l2-netdrv: eth0 has no driver" >&2; return 1; }
	ip link set eth0 down
	rmmod "$drv" || return 1
	# The interface must really be gone, or the reload proves nothing.
	[ ! -e /sys/class/net/eth0 ] || { echo "l2-netdrv: eth0 still there" >&2; return 1; }
}

up() {
	local i=0
	while [ ! -e /sys/class/net/eth0 ]; do
		i=$((i + 1))
		[ $i -le $((WAIT * 10)) ] || { echo "l2-netdrv: no eth0" >&2; return 1; }
		usleep 100000
	done
	ip addr flush dev eth0
	ip addr add "$L2_IP" dev eth0 || return 1
	ip link set eth0 up || return 1
	# The carrier comes first; the operstate follows once linkwatch has
	# also swapped in eth0's qdisc.  Before that, what the guest sends
	# goes to the noop qdisc and is dropped uncounted.
	i=0
	while [ "$(cat /sys/class/net/eth0/operstate 2>/dev/null)" != up ]; do
		i=$((i + 1))
		[ $i -le $((WAIT * 10)) ] ||
			{ echo "l2-netdrv: eth0 is not up (carrier $(cat /sys/class/net/eth0/carrier))" >&2; return 1; }
		usleep 100000
	done
}

case $1 in
load) load ;;
unload) unload ;;
up) up ;;
reload) unload && load && up ;;
driver) driver ;;
*) echo "usage: l2-netdrv load|unload|up|reload|driver" >&2; exit 2 ;;
esac
