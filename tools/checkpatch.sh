#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the kernel's checkpatch.pl (from Debian's linux-source-6.1) over the
# module, the uapi header and the kernel-style tests.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/checkpatch"
tarball=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}

if [ ! -x "$out/scripts/checkpatch.pl" ]; then
	mkdir -p "$out"
	tar -xJf "$tarball" -C "$out" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi

cd "$top"
files=(kvm-e1000/*.c kvm-e1000/*.h kvm-e1000/core/*.c kvm-e1000/core/*.h include/uapi/linux/kvm_e1000.h)
# Intended: compat.h's userspace typedefs, the uapi header's __u types, and
# version checks (an out-of-tree module builds for several kernels).
"$out/scripts/checkpatch.pl" --no-tree --quiet --strict --show-types \
	--ignore NEW_TYPEDEFS,FILE_PATH_CHANGES,SPDX_LICENSE_TAG,PREFER_KERNEL_TYPES,LINUX_VERSION_CODE,CONSTANT_COMPARISON \
	-f "${files[@]}"
echo "checkpatch: ${#files[@]} files clean"
