#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kvm-e1000 through Debian's dkms, the way distribution users install
# out-of-tree modules.
#
#   tools/dkms.sh check KVER...   build with dkms against each kernel's
#                                 headers, in trees under build/dkms/
#                                 (touches nothing of the system's)
#   tools/dkms.sh install         as root: the source to /usr/src, dkms
#                                 add, build and install for the running
#                                 kernel (and, through AUTOINSTALL, every
#                                 kernel installed later); the udev rule and
#                                 the modules-load.d file
#   tools/dkms.sh uninstall       as root: the reverse
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
name=kvm-e1000
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
[ -n "$version" ] || { echo "dkms: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }

# What dkms builds from: Kbuild, the module's sources, the uapi header.
copy_source() {
	rm -rf "$1" && mkdir -p "$1"
	cp -r "$top/Kbuild" "$top/dkms.conf" "$top/kvm-e1000" "$top/include" "$1/"
}

check() {
	local out=$top/build/dkms kver log
	local trees=(--sourcetree "$out/src" --dkmstree "$out/tree"
		     --installtree "$out/install")

	[ $# -gt 0 ] || { echo "dkms: check wants kernel versions" >&2; exit 1; }
	command -v dkms >/dev/null || { echo "dkms: not installed (tools/install-deps.sh)" >&2; exit 1; }
	rm -rf "$out"
	copy_source "$out/src/$name-$version"
	# Debian's dkms signs what it builds, with a key it makes on first
	# use: keep that key in the build tree too, not in /var/lib/dkms.
	export mok_signing_key=$out/mok.key mok_certificate=$out/mok.pub
	mkdir -p "$out/tree" "$out/install"
	dkms add -m "$name" -v "$version" "${trees[@]}" >/dev/null
	for kver in "$@"; do
		log=$out/build-$kver.log
		# Trixie's dkms looks for the headers in the install tree
		# unless told where they are.
		if ! dkms build -m "$name" -v "$version" -k "$kver" "${trees[@]}" \
			--kernelsourcedir "/lib/modules/$kver/build" >"$log" 2>&1; then
			cat "$log" >&2
			echo "dkms: build for $kver failed" >&2
			exit 1
		fi
		ls "$out/tree/$name/$version/$kver/x86_64/module/$name.ko"* >/dev/null
		echo "dkms: $name $version built for $kver"
	done
}

install() {
	local src=/usr/src/$name-$version

	[ "$(id -u)" -eq 0 ] || { echo "dkms: install must run as root" >&2; exit 1; }
	dkms remove -m "$name" -v "$version" --all >/dev/null 2>&1 || true
	copy_source "$src"
	dkms add -m "$name" -v "$version"
	dkms build -m "$name" -v "$version"
	dkms install -m "$name" -v "$version"
	install -m 0644 "$top/packaging/60-kvm-e1000.rules" /etc/udev/rules.d/
	install -m 0644 "$top/packaging/kvm-e1000.conf" /etc/modules-load.d/
	echo "dkms: $name $version installed; 'modprobe kvm-e1000' loads it now"
}

uninstall() {
	[ "$(id -u)" -eq 0 ] || { echo "dkms: uninstall must run as root" >&2; exit 1; }
	dkms remove -m "$name" -v "$version" --all || true
	rm -rf "/usr/src/$name-$version" /etc/udev/rules.d/60-kvm-e1000.rules \
		/etc/modules-load.d/kvm-e1000.conf
}

cmd=${1:-}
shift || true
case $cmd in
check) check "$@" ;;
install) install ;;
uninstall) uninstall ;;
*) sed -n '5,16s/^# \?//p' "$0" >&2; exit 2 ;;
esac
