#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run an L2 guest (tools/testbed/l2/build-image.sh's image) with one NIC
# config, inside the testbed's L1.
#
#   run-guest.sh NIC [--index N] [--script FILE] [--timeout S]
#       boot, run FILE (default: show eth0 and ping the host) in the
#       guest, print its output, power off; exits with FILE's status,
#       77 when NIC cannot run here (the reason is printed)
#   run-guest.sh start NIC [--index N]   boot and print the guest's dir
#   run-guest.sh exec DIR [-t SECONDS] -- COMMAND...
#   run-guest.sh stop DIR | kill DIR
#
# NIC: qemu-e1000, virtio-net, vhost-net, kvm-e1000, kvm-e1000-sidecore.
# Guest N gets tap l2tapN with 169.254.(10+N).1/24, and 169.254.(10+N).2.

set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SKIP=77

usage() {
	sed -n '7,17s/^# \?//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

[ $# -gt 0 ] || usage
op=run
case $1 in
start|exec|stop|kill) op=$1; shift ;;
-h|--help) usage ;;
esac
[ $# -gt 0 ] || usage

case $op in
exec)
	dir=$1
	shift
	t=60
	[ "${1:-}" = -t ] && { t=$2; shift 2; }
	[ "${1:-}" = -- ] && shift
	l2_exec "$dir" -t "$t" "$@"
	exit
	;;
stop) l2_stop "$1"; exit ;;
kill) l2_kill "$1"; exit ;;
esac

nic=$1
shift
index=0
script=
timeout=$L2_BOOT_TIMEOUT
while [ $# -gt 0 ]; do
	case $1 in
	--index) index=${2:?}; shift 2 ;;
	--script) script=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	*) usage ;;
	esac
done
if ! [[ $index =~ ^[0-9]+$ ]] || [ "$index" -ge 200 ]; then
	usage
fi

if ! why=$(l2_nic_check "$nic"); then
	echo "run-guest: SKIP $nic: $why"
	exit $SKIP
fi

if [ "$op" = start ]; then
	l2_start "$nic" "$index" || { l2_kill "$(l2_dir "$index")"; exit 1; }
	echo "$L2_DIR"
	exit 0
fi

# One-shot run: the script goes into the guest's initramfs.
tmp=
if [ -z "$script" ]; then
	tmp=$(mktemp)
	cat >"$tmp" <<'SH'
. /etc/l2.conf
ip addr show eth0
ethtool -i eth0 | head -n 2
ping -c 3 -W 5 "$L2_PEER"
SH
	script=$tmp
fi
[ -f "$script" ] || { echo "run-guest: no such script: $script" >&2; exit 2; }

l2_launch "$nic" "$index" "$script" || exit 1
[ -n "$tmp" ] && rm -f "$tmp"
dir=$L2_DIR
start=$SECONDS
while ! grep -q '@@L2-OUTPUT-END@@' "$dir/console.log" && l2_alive "$dir"; do
	if [ $((SECONDS - start)) -ge "$timeout" ]; then
		echo "run-guest: no result after ${timeout}s" >&2
		break
	fi
	sleep 1
done
l2_wait_exit "$dir" 30 || l2_kill "$dir"
l2_tap_delete "$L2_TAP"

tr -d '\r' <"$dir/console.log" >"$dir/console.txt"
if grep -q '@@L2-FAILED@@' "$dir/console.txt"; then
	grep '@@L2-FAILED@@' "$dir/console.txt" >&2
	exit 1
fi
rc=$(sed -n 's/^@@L2-OUTPUT-END@@ rc=\([0-9]*\)$/\1/p' "$dir/console.txt" | tail -n1)
if [ -z "$rc" ]; then
	echo "run-guest: the guest gave no result; console tail:" >&2
	tail -n 20 "$dir/console.txt" >&2
	exit 1
fi
sed -n '/^@@L2-OUTPUT-BEGIN@@$/,/^@@L2-OUTPUT-END@@/p' "$dir/console.txt" | sed '1d;$d'
exit "$rc"
