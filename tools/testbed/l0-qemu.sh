#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# l0-qemu.sh: print the path of the QEMU that runs L1 (L0's), building it
# on first use.  It is Debian's own QEMU, the source of the version this
# machine has installed (qemu-system-x86; the newest of its release if the
# archive has replaced that one), rebuilt for x86_64 system
# emulation only with tools/testbed/l0-qemu/*.patch applied, and cached
# under build/testbed/l0-qemu/ by version and patches (about 5 minutes on
# 2 cores, once).
#
# Why (tools/testbed/README.md, "L0's QEMU"): with multi-threaded TCG,
# QEMU 7.2's VMRUN sets CPU_INTERRUPT_VIRQ in interrupt_request without
# the lock every other writer holds, so a CPU_INTERRUPT_POLL that the APIC
# raises meanwhile from another thread can be lost: L1's CPU then halts
# with a timer or IPI vector pending in its APIC and is never woken, or an
# L2 guest's virtual interrupt is never taken.
#
# TESTBED_L0_QEMU=system: Debian's binary as installed; =/PATH: that one
# (printed as is, for an experiment).

set -euo pipefail

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TB_DIR/../.." && pwd)
CACHE=${TESTBED_CACHE:-$REPO/build/testbed}
MIRROR=${TESTBED_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY=${TESTBED_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}

case ${TESTBED_L0_QEMU:-} in
system) command -v qemu-system-x86_64; exit ;;
/*) echo "$TESTBED_L0_QEMU"; exit 0 ;;
"") ;;
*) echo "l0-qemu: TESTBED_L0_QEMU is system or an absolute path" >&2; exit 1 ;;
esac

die() {
	echo "l0-qemu: $*" >&2
	exit 1
}

srcver=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null) ||
	die "qemu-system-x86 is not installed: run tools/install-deps.sh"
patches=("$TB_DIR"/l0-qemu/*.patch)
tag=${srcver#*:}-$(cat "${patches[@]}" | sha256sum | cut -c1-12)
out=$CACHE/l0-qemu/$tag
bin=$out/qemu-system-x86_64
if [ -x "$bin" ]; then
	echo "$bin"
	exit 0
fi

mkdir -p "$CACHE/l0-qemu"
exec 9>"$CACHE/l0-qemu/.lock"
flock 9
[ -x "$bin" ] && { echo "$bin"; exit 0; }

work=$out.work
rm -rf "$work" && mkdir -p "$work"/{sources,lists/partial,cache/archives/partial,src}
log=$work/build.log
echo "l0-qemu: building QEMU $srcver with $(basename -a "${patches[@]}" | tr '\n' ' ')(log: $log)" >&2

# Debian's source through apt, which checks it against the suites'
# signed indexes, from lists of our own: the machine's stay as they are.
cat >"$work/sources/bookworm.sources" <<SRC
Types: deb-src
URIs: $MIRROR
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: $SECURITY
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
apt_opts=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$work/sources"
	  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
	  -o "APT::Sandbox::User=root" -o "Acquire::Retries=3")
# A machine whose QEMU the suites have since replaced gets the newest
# source of its release instead (the patch is the same for every 7.2.x).
fetch() {
	(cd "$work/src" && apt-get "${apt_opts[@]}" -q source --download-only "$1")
}
{
	apt-get "${apt_opts[@]}" -q update &&
	{ fetch "qemu=$srcver" || { rm -f "$work/src"/qemu_*; fetch qemu; }; } &&
	dpkg-source -x "$work/src"/qemu_*.dsc "$work/src/qemu"
} >"$log" 2>&1 || { tail -n 20 "$log" >&2; die "cannot fetch Debian's QEMU source $srcver"; }

for p in "${patches[@]}"; do
	patch -d "$work/src/qemu" -p1 --forward <"$p" >>"$log" 2>&1 ||
		{ tail -n 20 "$log" >&2; die "$(basename "$p") does not apply to $srcver"; }
done

# What the testbed uses (TCG, virtio-9p, the monitor, the pc and q35
# machines), and Debian's firmware as installed.
mkdir -p "$work/obj"
{
	cd "$work/obj" &&
	../src/qemu/configure --target-list=x86_64-softmmu --prefix=/nonexistent \
		--firmwarepath=/usr/share/qemu:/usr/share/seabios:/usr/lib/ipxe/qemu \
		--without-default-features --disable-docs --disable-tools --disable-werror \
		--enable-tcg --enable-virtfs --enable-attr --enable-cap-ng --enable-fdt=system &&
	ninja -j "$(nproc)" qemu-system-x86_64
} >>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "building QEMU $srcver failed"; }

mkdir -p "$out"
cp "$work/obj/qemu-system-x86_64" "$bin.new"
mv "$bin.new" "$bin"
cp "$log" "$out/build.log"
rm -rf "$work"
echo "$bin"
