# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034  # the variables are for the sourcing script
#
# The testbed's profiles: which Debian release L1 runs.  Sourced by
# testbed.sh, rootfs.sh, l2/build-image.sh and selftests/e2e/testbed-run.sh.
#
#   debian12  Debian 12 (bookworm): kernel 6.1.0-56, and the host's own
#             userland (this machine's Debian 12: QEMU 7.2) as L1's root.
#   debian13  Debian 13 (trixie): trixie's kernel 6.12, and a trixie root
#             built by rootfs.sh (QEMU 10.0, libvirt 11.3) as L1's root.
#
# profile_load PROFILE sets:
#   PROFILE_KERNEL  the Debian kernel ABI name L1 (and L2) boot
#   PROFILE_SUITE   the Debian suite its kernel comes from; empty: the
#                   host's own apt sources
#   PROFILE_ROOTFS  the rootfs.sh root L1 chroots into; empty: the host's
#   PROFILE_KMOD    the build/kmod/ folder whose module fits its kernel

TESTBED_PROFILES="debian12 debian13"
TESTBED_DEFAULT_PROFILE=debian12

profile_load() {
	case $1 in
	debian12)
		PROFILE_KERNEL=6.1.0-56-amd64
		PROFILE_SUITE=
		PROFILE_ROOTFS=
		PROFILE_KMOD=6.1
		;;
	debian13)
		PROFILE_KERNEL=6.12.117+deb13-amd64
		PROFILE_SUITE=trixie
		PROFILE_ROOTFS=debian13
		PROFILE_KMOD=6.12-deb13
		;;
	*)
		echo "testbed: unknown profile $1 (known: $TESTBED_PROFILES)" >&2
		return 1
		;;
	esac
}
