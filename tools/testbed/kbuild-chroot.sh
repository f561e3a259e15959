#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbuild-chroot.sh ROOT DIR COMMAND [ARGS...]: run COMMAND inside the
# rootfs.sh root ROOT (debian13-kbuild), with the host folder DIR bound at
# /src and the working directory there.  The module for trixie's kernel is
# built this way: trixie's kbuild tools and gcc-14 need trixie's libc.
# The binds live in a private mount namespace and go away with it (root).

set -euo pipefail

TB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

[ $# -ge 3 ] || { echo "usage: kbuild-chroot.sh ROOT DIR COMMAND [ARGS...]" >&2; exit 2; }
name=$1 dir=$(realpath "$2")
shift 2
[ "$(id -u)" -eq 0 ] || { echo "kbuild-chroot: needs root (chroot, bind mounts)" >&2; exit 1; }
root=$("$TB_DIR/rootfs.sh" "$name")
mkdir -p "$root/src"

# shellcheck disable=SC2016  # expanded by the inner shell
exec unshare --mount --propagation private sh -ec '
	root=$1 dir=$2
	shift 2
	mount --rbind /dev "$root/dev"
	mount -t proc proc "$root/proc"
	mount --bind "$dir" "$root/src"
	exec chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
		sh -c "cd /src && exec \"\$@\"" sh "$@"
' sh "$root" "$dir" "$@"
