#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package kvm-e1000 needs to build, test and benchmark
# on a fresh Debian 12 machine.  Idempotent: when everything is already
# installed it returns at once without touching apt.  Quiet unless it fails.
#
# tools/install-deps.sh --debug also installs what building the testbed's
# debug kernel takes (tools/testbed/debug-kernel.sh; `make debug-deps`).
#
# The kernel versions follow the Makefile's K61_VER / K612_VER when it
# exports them, so headers always match the kernels the testbed boots.

set -euo pipefail

K61_VER=${K61_VER:-6.1.0-56-amd64}
K612_VER=${K612_VER:-6.12.117+deb12-amd64}

PACKAGES=(
	# toolchain
	build-essential make gcc clang libclang-rt-14-dev perl python3
	# out-of-tree module builds for both Debian kernels, and through dkms
	"linux-headers-$K61_VER" "linux-headers-$K612_VER" dkms
	# KVM selftests are built from the 6.1 source tree
	linux-source-6.1
	# the nested testbed (tools/testbed/)
	qemu-system-x86 qemu-utils busybox-static cpio kmod xz-utils zstd
	# L0's QEMU, rebuilt from Debian's source (tools/testbed/l0-qemu.sh)
	dpkg-dev meson ninja-build pkg-config libglib2.0-dev libpixman-1-dev
	libcap-ng-dev libattr1-dev libfdt-dev
	# the debian13 profile's trixie root (tools/testbed/rootfs.sh)
	mmdebstrap
	# networking and benchmarks inside the testbed
	iproute2 ethtool iperf3 linux-perf
	# the netboot test: U-Boot for L2, DHCP and TFTP (with RFC 7440's
	# windowsize) for it
	u-boot-qemu u-boot-tools dnsmasq-base atftpd
	# benchmark plots
	gnuplot-nox
)

# Building a kernel from linux-source-6.1: Kconfig's lexer and parser,
# objtool's libelf, the certificate tools' OpenSSL, bc for timeconst.
DEBUG_PACKAGES=(flex bison bc libelf-dev libssl-dev patch)

case ${1:-} in
--debug) PACKAGES+=("${DEBUG_PACKAGES[@]}") ;;
"") ;;
*) echo "usage: install-deps.sh [--debug]" >&2; exit 2 ;;
esac

# One dpkg-query for all: unknown packages print nothing and so count as missing.
declare -A installed=()
while read -r pkg state; do
	[ "$state" = "install ok installed" ] && installed[$pkg]=1
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
missing=()
for pkg in "${PACKAGES[@]}"; do
	[ -n "${installed[$pkg]:-}" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		exec sudo K61_VER="$K61_VER" K612_VER="$K612_VER" "$0" "$@"
	fi
	echo "install-deps: must run as root to install: ${missing[*]}" >&2
	exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update -q >"$log" 2>&1 ||
   ! apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
	cat "$log" >&2
	echo "install-deps: failed to install: ${missing[*]}" >&2
	exit 1
fi

# The netboot test starts its own atftpd, bound to a tap in the testbed.
# Debian's package also enables a TFTP socket on this machine's port 69:
# when this script installed it, that socket goes off again.
for pkg in "${missing[@]}"; do
	if [ "$pkg" = atftpd ] && command -v systemctl >/dev/null 2>&1; then
		systemctl disable --now atftpd.socket >/dev/null 2>&1 || true
	fi
done
