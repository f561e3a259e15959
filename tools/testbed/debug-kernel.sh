#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the testbed's debug kernel: Debian's own 6.1 source with lockdep,
# KASAN, UBSAN, KFENCE, kmemleak and debug objects on (Debian ships no such
# kernel), from x86_64_defconfig plus debug-kernel.config and the fixes in
# debug-kernel-patches/.  It is built once and laid out in the testbed
# cache the way testbed.sh lays out a Debian image kernel, so
# `testbed.sh --kernel debug` boots it.
#
# debug-kernel.sh [--force] [--config-only] [--print release|kdir|root]
#   Prints the kernel release (default), the build directory to build
#   out-of-tree modules against (make -C KDIR M=DIR modules), or the
#   prepared root.  Progress goes to stderr.  A second call returns at
#   once while the fragment, the patches, the source package and the
#   compiler are unchanged; --force rebuilds (incrementally) and
#   reinstalls anyway; --config-only stops after writing and checking
#   the .config.

set -euo pipefail

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$TB_DIR/../.." && pwd)
CACHE=${TESTBED_CACHE:-$REPO/build/testbed}
# Debian's linux-source-6.1: the same tree (Debian patches included) as the
# stock testbed kernel, so the only differences are the config's.
SRC_TAR=${TESTBED_DEBUG_KERNEL_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
FRAGMENT=$TB_DIR/debug-kernel.config
PATCH_DIR=$TB_DIR/debug-kernel-patches
JOBS=${TESTBED_DEBUG_KERNEL_JOBS:-$(nproc)}
# Bump when the build or the installed layout changes shape.
BUILD_VERSION=1

DK=$CACHE/debug-kernel
SRC=$DK/src
OBJ=$DK/obj
LOG=$DK/build.log

# depmod and friends live in sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin

die() {
	echo "debug-kernel: $*" >&2
	exit 1
}
say() { echo "debug-kernel: $*" >&2; }

force=0
config_only=0
print=release
while [ $# -gt 0 ]; do
	case $1 in
	--force) force=1; shift ;;
	--config-only) config_only=1; shift ;;
	--print) print=${2:?}; shift 2 ;;
	-h|--help) sed -n '11,18s/^# \?//p' "${BASH_SOURCE[0]}" >&2; exit 2 ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
done
case $print in
release|kdir|root) ;;
*) die "--print wants release, kdir or root" ;;
esac

output() {
	local rel=$1
	case $print in
	release) echo "$rel" ;;
	kdir) echo "$OBJ" ;;
	root) echo "$CACHE/kernels/$rel/root" ;;
	esac
}

shopt -s nullglob
patches=("$PATCH_DIR"/*.patch)
shopt -u nullglob

# Everything the installed kernel was made from, except the source tree's
# contents (the package's size and date stand for them): the same
# fingerprint means the same kernel.
fingerprint() {
	{
		echo "v$BUILD_VERSION"
		stat -Lc '%n %s %Y' "$SRC_TAR"
		gcc --version | head -n1
		ld --version | head -n1
		cat "$FRAGMENT" "${patches[@]}"
	} | sha256sum | cut -d' ' -f1
}

installed() {
	local rel=$1 root=$CACHE/kernels/$1/root
	[ -n "$rel" ] && [ -f "$root/boot/vmlinuz-$rel" ] &&
		[ -f "$root/lib/modules/$rel/modules.dep" ] && [ -f "$OBJ/Module.symvers" ]
}

check_tools() {
	local tool
	for tool in make gcc ld flex bison bc perl tar xz patch depmod sha256sum; do
		command -v "$tool" >/dev/null ||
			die "$tool missing (apt-get install build-essential flex bison bc kmod xz-utils)"
	done
	# objtool (ORC unwinder, IBT, retpolines) links against libelf;
	# sign-file and extract-cert want OpenSSL's headers.
	printf '#include <gelf.h>\n' | gcc -E -x c - >/dev/null 2>&1 ||
		die "libelf headers missing (apt-get install libelf-dev)"
	printf '#include <openssl/opensslv.h>\n' | gcc -E -x c - >/dev/null 2>&1 ||
		die "OpenSSL headers missing (apt-get install libssl-dev)"
	[ -f "$SRC_TAR" ] || die "no $SRC_TAR (apt-get install linux-source-6.1)"
}

# Unpack the source once per source package; a new package starts the
# build over (its objects belong to the old tree).
unpack() {
	local id
	id=$(stat -Lc '%s %Y' "$SRC_TAR")
	if [ "$(cat "$DK/src.id" 2>/dev/null)" = "$id" ] && [ -f "$SRC/Makefile" ]; then
		return 0
	fi
	say "unpacking $(basename "$SRC_TAR")"
	rm -rf "$SRC" "$SRC.tmp" "$OBJ" "$DK/patches" "$DK/patches.applied"
	mkdir -p "$SRC.tmp"
	tar -xf "$SRC_TAR" -C "$SRC.tmp" --strip-components=1
	mv "$SRC.tmp" "$SRC"
	echo "$id" >"$DK/src.id"
}

# Apply debug-kernel-patches/ to the tree.  When that set changes, the
# old set is first reverted from the copies kept in $DK/patches: every
# file either touches then has a new date, so kbuild rebuilds it.
apply_patches() {
	local want have i p
	want=$(for p in "${patches[@]}"; do
		echo "$(sha256sum <"$p" | cut -d' ' -f1) $(basename "$p")"
	done)
	have=$(cat "$DK/patches.applied" 2>/dev/null || true)
	[ "$want" != "$have" ] || return 0
	rm -f "$DK/patches.applied"
	if [ -d "$DK/patches" ]; then
		local old=("$DK"/patches/*.patch)
		for ((i = ${#old[@]} - 1; i >= 0; i--)); do
			[ -f "${old[i]}" ] || continue
			say "reverting $(basename "${old[i]}")"
			patch -s -R -p1 -d "$SRC" <"${old[i]}" ||
				die "cannot revert ${old[i]}: remove $DK to start over"
		done
	fi
	rm -rf "$DK/patches"
	mkdir -p "$DK/patches"
	for p in "${patches[@]}"; do
		say "applying $(basename "$p")"
		patch -s -N -p1 -d "$SRC" <"$p" ||
			die "$p does not apply: remove $DK to start over"
		cp "$p" "$DK/patches/"
	done
	echo "$want" >"$DK/patches.applied"
}

kmake() {
	make -C "$SRC" O="$OBJ" "$@"
}

# The fragment's lines as scripts/config arguments.
apply_fragment() {
	local line sym val args=()
	while IFS= read -r line; do
		case $line in
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			args+=(--disable "${sym%% *}") ;;
		CONFIG_*=y) args+=(--enable "${line%%=*}") ;;
		CONFIG_*=m) args+=(--module "${line%%=*}") ;;
		CONFIG_*=\"*\")
			val=${line#*=\"}
			args+=(--set-str "${line%%=*}" "${val%\"}") ;;
		CONFIG_*=*) args+=(--set-val "${line%%=*}" "${line#*=}") ;;
		esac
	done <"$FRAGMENT"
	"$SRC/scripts/config" --file "$OBJ/.config" "${args[@]}"
}

# Kconfig silently drops what an unmet dependency rules out: compare every
# fragment line with the final .config.  A =m line is met by =y too
# (built in, modprobe still succeeds); a "not set" line by absence.
check_config() {
	local line sym want got bad=0
	while IFS= read -r line; do
		case $line in
		"# CONFIG_"*" is not set")
			sym=${line#\# }; sym=${sym%% *}; want=n ;;
		CONFIG_*=*) sym=${line%%=*}; want=${line#*=} ;;
		*) continue ;;
		esac
		got=$(grep -m1 "^$sym=" "$OBJ/.config" || true)
		got=${got#*=}
		[ -n "$got" ] || got=n
		if [ "$got" = "$want" ] || { [ "$want" = m ] && [ "$got" = y ]; }; then
			printf '  ok       %s=%s\n' "$sym" "$got"
		else
			printf '  MISSING  %s: wanted %s, got %s\n' "$sym" "$want" "$got"
			bad=1
		fi
	done <"$FRAGMENT"
	return $bad
}

configure() {
	say "configuring: x86_64_defconfig + $(basename "$FRAGMENT")"
	mkdir -p "$OBJ"
	kmake x86_64_defconfig >>"$LOG" 2>&1 || die "defconfig failed (see $LOG)"
	apply_fragment
	kmake olddefconfig >>"$LOG" 2>&1 || die "olddefconfig failed (see $LOG)"
	say "config check (the fragment against the final .config):"
	check_config | tee -a "$LOG" >&2 ||
		die "the MISSING options did not survive olddefconfig"
}

build() {
	local start secs
	start=$(date +%s)
	say "building with -j$JOBS (log: $LOG)"
	if ! kmake -j"$JOBS" bzImage modules >>"$LOG" 2>&1; then
		grep -E 'error|Error' "$LOG" | tail -n 20 >&2 || true
		die "build failed (see $LOG)"
	fi
	secs=$(($(date +%s) - start))
	say "built in $((secs / 60))m$((secs % 60))s"
}

# Lay the kernel out like testbed.sh's unpacked image package: boot/vmlinuz,
# lib/modules/REL with depmod run, build (and source) links for
# out-of-tree builds.  The tree is swapped in under the same lock that
# testbed.sh takes to prepare it, and the testbed's initramfs (holding
# the old virtio and 9p modules) is dropped so the next run rebuilds it.
install_kernel() {
	local rel=$1 kdir=$CACHE/kernels/$1 tmp
	tmp=$kdir/root.tmp
	mkdir -p "$kdir"
	exec 8>"$kdir/.lock"
	flock 8
	rm -rf "$tmp"
	kmake INSTALL_MOD_PATH="$tmp" modules_install >>"$LOG" 2>&1 ||
		die "modules_install failed (see $LOG)"
	[ -f "$tmp/lib/modules/$rel/modules.dep" ] || die "depmod did not run for $rel"
	mkdir -p "$tmp/boot"
	cp "$OBJ/arch/x86/boot/bzImage" "$tmp/boot/vmlinuz-$rel"
	cp "$OBJ/System.map" "$tmp/boot/System.map-$rel"
	cp "$OBJ/.config" "$tmp/boot/config-$rel"
	ln -sfn "$OBJ" "$tmp/lib/modules/$rel/build"
	ln -sfn "$SRC" "$tmp/lib/modules/$rel/source"
	rm -rf "$kdir/root" "$kdir/initramfs.cpio.gz" "$kdir/stamp"
	mv "$tmp" "$kdir/root"
	flock -u 8
	exec 8>&-
}

[ -f "$FRAGMENT" ] || die "no $FRAGMENT"
mkdir -p "$DK"
# One build at a time; a second caller waits for the first one's kernel.
exec 9>"$DK/.lock"
if ! flock -n 9; then
	say "waiting for another build of the debug kernel"
	flock 9
fi

check_tools
want=$(fingerprint)
old_rel=$(cat "$DK/release" 2>/dev/null || true)
if [ "$force" = 0 ] && [ "$config_only" = 0 ] && [ "$(cat "$DK/stamp" 2>/dev/null)" = "$want" ] &&
   installed "$old_rel"; then
	output "$old_rel"
	exit 0
fi

# From here on the cached kernel is stale until it is reinstalled.
rm -f "$DK/stamp"
: >"$LOG"
unpack
apply_patches
configure
[ "$config_only" = 0 ] || { say "config only: $OBJ/.config"; exit 0; }
build
rel=$(kmake -s kernelrelease)
[[ $rel =~ ^[A-Za-z0-9_.+-]+$ ]] || die "odd kernel release '$rel'"
say "installing $rel into $CACHE/kernels/$rel"
install_kernel "$rel"
if [ -n "$old_rel" ] && [ "$old_rel" != "$rel" ]; then
	rm -rf "${CACHE:?}/kernels/$old_rel"
fi
echo "$rel" >"$DK/release"
echo "$want" >"$DK/stamp"
say "vmlinuz-$rel: $(du -h "$CACHE/kernels/$rel/root/boot/vmlinuz-$rel" | cut -f1)"
output "$rel"
