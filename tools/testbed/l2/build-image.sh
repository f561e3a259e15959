#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the L2 guest image: the testbed's Debian kernel (the same vmlinuz as
# L1) and an initramfs with busybox, the stock e1000 and virtio-net drivers,
# iperf3 and ethtool, uio_pci_generic and the end-to-end tests' static
# helpers.  Runs on the host, before the testbed boots (L1 sees the host's
# root read-only, so it cannot build anything under build/).
#
# build-image.sh [--profile debian12|debian13] [--kernel VER] [--force]
# Prints the image directory: build/l2/VER/ with vmlinuz, initramfs.cpio.gz.
# The kernel is the profile's (tools/testbed/profiles.sh) unless --kernel
# names one; the guest's userland is the host's busybox, iperf3 and ethtool
# whatever the profile.

set -euo pipefail

L2_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$L2_DIR/../../.." && pwd)
TB_CACHE=${TESTBED_CACHE:-$REPO/build/testbed}

# shellcheck source=../profiles.sh
. "$REPO/tools/testbed/profiles.sh"
profile=${TESTBED_PROFILE:-$TESTBED_DEFAULT_PROFILE}
kernel=${TESTBED_KERNEL_VERSION:-}
force=0
while [ $# -gt 0 ]; do
	case $1 in
	--profile) profile=${2:?}; shift 2 ;;
	--kernel) kernel=${2:?}; shift 2 ;;
	--force) force=1; shift ;;
	*) echo "usage: $0 [--profile NAME] [--kernel VER] [--force]" >&2; exit 2 ;;
	esac
done
profile_load "$profile" || exit 2
kernel=${kernel:-$PROFILE_KERNEL}

# Bump when the image changes shape.
IMAGE_VERSION=2
# Guest NIC drivers: the e1000 for QEMU's e1000 and kvm-e1000, virtio for
# virtio-net and vhost-net.  modprobe orders each after its dependencies.
GUEST_MODULES="e1000 virtio_pci virtio_net"
# Modules tests load themselves (listed in /modules/extra, in load order):
# uio_pci_generic, which needs PCI 2.3 INTx masking of the NIC.
GUEST_EXTRA_MODULES="uio_pci_generic"
GUEST_BINARIES="iperf3 ethtool"
# Test helpers, C built static here: /usr/bin/e2e-NAME from SOURCE.
GUEST_HELPERS="uio-intx:selftests/e2e/uio_intx.c rr-echo:tools/bench/rr_echo.c"

OUT=$REPO/build/l2/$kernel
MODROOT=$TB_CACHE/kernels/$kernel/root

die() { echo "l2-image: $*" >&2; exit 1; }

for tool in busybox cpio gzip modprobe ldd gcc $GUEST_BINARIES; do
	command -v "$tool" >/dev/null || die "$tool missing: run tools/install-deps.sh"
done

# The testbed unpacks the kernel package on its first run; do that once
# here if it has not happened yet.
if [ ! -f "$MODROOT/lib/modules/$kernel/modules.dep" ]; then
	echo "l2-image: preparing the testbed cache for $kernel" >&2
	"$REPO/tools/testbed/testbed.sh" --profile "$profile" --kernel "$kernel" \
		--timeout 120 -- true >&2 ||
		die "the testbed could not prepare kernel $kernel"
fi
VMLINUZ=$MODROOT/boot/vmlinuz-$kernel
[ -f "$VMLINUZ" ] || die "no $VMLINUZ"

stamp() {
	{
		echo "v$IMAGE_VERSION $kernel $GUEST_MODULES $GUEST_EXTRA_MODULES"
		cat "$L2_DIR/build-image.sh" "$L2_DIR/init.sh" "$L2_DIR/netdrv.sh"
		for h in $GUEST_HELPERS; do cat "$REPO/${h#*:}"; done
		cat "$REPO"/kvm-e1000/core/{compat,e1000_hw}.h
		sha256sum "$VMLINUZ" "$(command -v busybox)"
		for b in $GUEST_BINARIES; do sha256sum "$(command -v "$b")"; done
	} | sha256sum | cut -d' ' -f1
}

mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9
want=$(stamp)
if [ "$force" = 0 ] && [ "$(cat "$OUT/stamp" 2>/dev/null)" = "$want" ] &&
   [ -f "$OUT/initramfs.cpio.gz" ] && [ -f "$OUT/vmlinuz" ]; then
	echo "$OUT"
	exit 0
fi

stage=$OUT/root.d
rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,etc,dev,proc,sys,tmp,run,modules,l2}

cp "$(command -v busybox)" "$stage/bin/busybox"
ldd "$stage/bin/busybox" >/dev/null 2>&1 && die "busybox is dynamically linked: install busybox-static"

# A binary and every shared library it needs, at the same paths as on the
# host, so its ELF interpreter and library search work unchanged.
add_binary() {
	local bin lib
	bin=$(command -v "$1")
	cp -L "$bin" "$stage/usr/bin/$1"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}
for b in $GUEST_BINARIES; do
	add_binary "$b"
done

# Modules, decompressed (busybox insmod wants plain .ko), in load order:
# add_modules LIST MODULE... appends each with its dependencies to LIST.
seen=" "
add_modules() {
	local list=$1 mod verb path name
	shift
	: >"$stage/modules/$list"
	for mod in "$@"; do
		while read -r verb path _; do
			[ "$verb" = insmod ] || continue	# builtin
			case $seen in *" $path "*) continue ;; esac
			seen="$seen$path "
			name=$(basename "$path")
			case $name in
			*.ko.xz) xz -dc "$path" >"$stage/modules/${name%.xz}"; name=${name%.xz} ;;
			*.ko.zst) zstd -qdc "$path" >"$stage/modules/${name%.zst}"; name=${name%.zst} ;;
			*.ko) cp "$path" "$stage/modules/$name" ;;
			*) die "unexpected module file $path" ;;
			esac
			echo "${name%.ko}" >>"$stage/modules/$list"
		done < <(modprobe -d "$MODROOT" -S "$kernel" --show-depends "$mod")
		# Built in (Debian 13's kernel has virtio_pci built in): nothing
		# to load.
		grep -qx "$mod" "$stage/modules/$list" ||
			modprobe -d "$MODROOT" -S "$kernel" --show-depends "$mod" |
			grep -qx "builtin $mod" || die "module $mod not found for $kernel"
	done
}
# shellcheck disable=SC2086  # lists of names
add_modules order $GUEST_MODULES
# shellcheck disable=SC2086
add_modules extra $GUEST_EXTRA_MODULES

for h in $GUEST_HELPERS; do
	gcc -static -O2 -Wall -Wextra -Werror -I"$REPO/kvm-e1000/core" \
		-o "$stage/usr/bin/e2e-${h%%:*}" "$REPO/${h#*:}" ||
		die "cannot build ${h#*:}"
done

cp "$L2_DIR/init.sh" "$stage/init"
cp "$L2_DIR/netdrv.sh" "$stage/bin/l2-netdrv"
chmod 755 "$stage/init" "$stage/bin/l2-netdrv"

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$OUT/initramfs.tmp"
mv "$OUT/initramfs.tmp" "$OUT/initramfs.cpio.gz"
cp "$VMLINUZ" "$OUT/vmlinuz"
rm -rf "$stage"
echo "$want" >"$OUT/stamp"
echo "$OUT"
