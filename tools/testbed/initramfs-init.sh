#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# /init of the testbed's L1 initramfs.  Its only job: load the virtio and 9p
# modules, mount the host's root (read-only) and the run's writable shares,
# chroot into the host root to run guest-run.sh, then power the VM off.
# Everything else happens in guest-run.sh, with the host's own tools.

/bin/busybox --install -s /bin
export PATH=/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1

# Tell the host why L1 gave up; it reads the marker off the console.
die() {
	echo "testbed-init: $*"
	echo "@@TESTBED-EXIT@@ 125"
	sync
	poweroff -f
}

while read -r m; do
	insmod "/modules/$m" || die "insmod $m failed"
done </modules.list

P9="trans=virtio,version=9p2000.L,msize=262144"

mkdir -p /tbrun /host
mount -t 9p -o "$P9,cache=mmap" run /tbrun || die "cannot mount the run share"
# shellcheck source=/dev/null
. /tbrun/config.sh
mount -t 9p -o "ro,$P9,cache=loose" host /host || die "cannot mount the host root"

# The run and output folders exist on the host, so the read-only root
# already has mount points for them at the same paths.
mount --move /tbrun "/host$TB_RUN_DIR" || die "cannot place the run share"
mount -t 9p -o "$P9,cache=mmap" out "/host$TB_OUT_DIR" || die "cannot mount the out share"

mount --move /dev /host/dev
mount --move /proc /host/proc
mount --move /sys /host/sys

chroot /host /bin/bash "$TB_GUEST_SCRIPT" "$TB_RUN_DIR"
rc=$?
# guest-run.sh prints the marker itself; a missing status means it died.
[ -e "/host$TB_RUN_DIR/status" ] || echo "@@TESTBED-EXIT@@ 125 guest-run.sh died ($rc)"
sync
poweroff -f
