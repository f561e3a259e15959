#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rootfs.sh [--print] NAME: build (once) and print the Debian root
# filesystem NAME under the testbed cache, rootfs/NAME/root.
#
#   debian13         trixie, holding what the tests run in L1 (the
#                    debian13 profile chroots into it)
#   debian13-kbuild  trixie's compiler and its kernel's headers: the module
#                    for the debian13 kernel is built in it (make
#                    module-6.12-deb13); trixie's kbuild tools need
#                    trixie's libc and gcc-14, which a Debian 12 host lacks
#
# mmdebstrap builds it from Debian's registry (network; root).  It is
# rebuilt only when its fingerprint changes: the suite, the mirror, the
# package list.  --print prints the folder without building.

set -euo pipefail

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TB_DIR/../.." && pwd)
CACHE=${TESTBED_CACHE:-$REPO/build/testbed}
MIRROR=${TESTBED_DEBIAN_MIRROR:-http://deb.debian.org/debian}
# shellcheck source=profiles.sh
. "$TB_DIR/profiles.sh"

# Bump when the root changes shape without its package list changing.
ROOTFS_VERSION=1

die() { echo "rootfs: $*" >&2; exit 1; }

print=0
if [ "${1:-}" = --print ]; then
	print=1
	shift
fi
[ $# -eq 1 ] || die "usage: rootfs.sh [--print] NAME"
name=$1

excludes=()
case $name in
debian13)
	suite=trixie
	# What the tests run in L1: QEMU (its firmware: SeaBIOS, iPXE, OVMF)
	# for the L2 guests, the network tools, python3 for l2ctl.py, busybox
	# for ping and nc, kmod and procps; libvirt for the libvirt tests;
	# U-Boot and dnsmasq for the netboot test.
	packages=(qemu-system-x86 seabios ipxe-qemu ovmf u-boot-qemu u-boot-tools dnsmasq-base
		  iproute2 ethtool iperf3 busybox-static python3 kmod procps
		  libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients)
	;;
debian13-kbuild)
	suite=trixie
	profile_load debian13
	# perl: W=1 runs scripts/kernel-doc.  The headers depend on the
	# kernel image; its modules are left out (excludes, below).  dkms
	# and openssl (its signing key): make dkms-check builds through
	# trixie's dkms too.
	packages=(make gcc-14 libc6-dev perl "linux-headers-$PROFILE_KERNEL"
		  dkms openssl)
	excludes=("/usr/lib/modules/$PROFILE_KERNEL/kernel/*")
	;;
*)
	die "unknown root $name (debian13, debian13-kbuild)"
	;;
esac

dir=$CACHE/rootfs/$name
root=$dir/root
if [ "$print" = 1 ]; then
	echo "$root"
	exit 0
fi

stamp=$({
	echo "v$ROOTFS_VERSION $suite $MIRROR ${packages[*]} ${excludes[*]}"
} | sha256sum | cut -d' ' -f1)

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if [ "$(cat "$dir/stamp" 2>/dev/null)" = "$stamp" ] && [ -x "$root/bin/bash" ]; then
	echo "$root"
	exit 0
fi

[ "$(id -u)" -eq 0 ] || die "building $name needs root (mmdebstrap's root mode)"
command -v mmdebstrap >/dev/null || die "mmdebstrap missing: run tools/install-deps.sh"

echo "rootfs: building $name ($suite: ${packages[*]}) in $dir" >&2
start=$(date +%s)
rm -rf "$dir/root.new" "$dir/root.old"
# minbase: the Priority: required packages (bash, coreutils, util-linux,
# mawk, ...) plus ours, without recommends.  Documentation is left out.
# /usr/lib/modules must exist: L1 mounts its kernel's modules there.
exclude_opts=()
for x in "${excludes[@]}"; do
	exclude_opts+=(--dpkgopt="path-exclude=$x")
done
# shellcheck disable=SC2016  # the hooks' $1 is mmdebstrap's
if ! mmdebstrap --mode=root --variant=minbase --quiet \
	"${exclude_opts[@]}" \
	--include="$(IFS=,; echo "${packages[*]}")" \
	--aptopt='Acquire::Retries "3"' \
	--dpkgopt='path-exclude=/usr/share/man/*' \
	--dpkgopt='path-exclude=/usr/share/doc/*' \
	--dpkgopt='path-exclude=/usr/share/info/*' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--customize-hook='mkdir -p "$1/usr/lib/modules"' \
	--customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
	"$suite" "$dir/root.new" "$MIRROR" >"$dir/build.log" 2>&1; then
	tail -n 30 "$dir/build.log" >&2
	die "mmdebstrap failed (log: $dir/build.log)"
fi
[ ! -e "$root" ] || mv "$root" "$dir/root.old"
mv "$dir/root.new" "$root"
rm -rf "$dir/root.old"
echo "$stamp" >"$dir/stamp"
echo "rootfs: $name built in $(($(date +%s) - start)) s, $(du -sh "$root" | cut -f1)" >&2
echo "$root"
