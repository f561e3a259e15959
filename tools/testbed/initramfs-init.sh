#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# /init of the testbed's L1 initramfs.  Its only job: load the virtio and 9p
# modules, mount the host's root (read-only) and the run's writable shares,
# chroot into the host root (or the profile's root, TB_ROOTFS) to run
# guest-run.sh, then power the VM off.  Everything else happens in
# guest-run.sh, with that root's own tools.

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

root=/host
if [ -n "${TB_ROOTFS:-}" ]; then
	# The profile's root is a folder of the host's, read-only like it.
	# Built on a tmpfs from bind mounts of its top-level folders (and
	# copies of its symlinks, /bin -> usr/bin), so that the host folders
	# the run needs (TB_SHARES: the checkout's, the cache's) can be
	# placed at the same paths, with the run shares mounted under them.
	root=/newroot
	mkdir -p $root
	mount -t tmpfs -o mode=755 tmpfs $root || die "cannot mount the root's tmpfs"
	for e in "/host$TB_ROOTFS"/*; do
		n=${e##*/}
		case $n in
		dev|proc|sys|tmp|run) mkdir "$root/$n"; continue ;;
		esac
		if [ -L "$e" ]; then
			ln -s "$(readlink "$e")" "$root/$n"
		elif [ -d "$e" ]; then
			mkdir "$root/$n"
			mount --bind "$e" "$root/$n" || die "cannot bind $TB_ROOTFS/$n"
		fi
	done
	[ -x "$root/bin/bash" ] || die "no bash in $TB_ROOTFS"
	for p in $TB_SHARES; do
		mkdir -p "$root$p"
		mount --rbind "/host$p" "$root$p" || die "cannot bind the host's $p"
	done
fi

mount --move /dev $root/dev
mount --move /proc $root/proc
mount --move /sys $root/sys

chroot $root /bin/bash "$TB_GUEST_SCRIPT" "$TB_RUN_DIR"
rc=$?
# guest-run.sh prints the marker itself; a missing status means it died.
[ -e "/host$TB_RUN_DIR/status" ] || echo "@@TESTBED-EXIT@@ 125 guest-run.sh died ($rc)"
sync
poweroff -f
