#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The device core (kvm-e1000/core/) builds into the module, the unit tests
# and the fuzzer, so it must never include a kernel header: only its own
# headers ("name.h", found in core/), compat.h (the one bridge to either
# world) and uapi headers (<linux/...>, <asm/...> that exist as the
# userspace API, /usr/include from Debian's linux-libc-dev, or the
# project's own include/uapi).  Fails naming every offending line.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
core=$top/kvm-e1000/core
uapi_dirs=(/usr/include /usr/include/x86_64-linux-gnu "$top/include/uapi")

is_uapi() {
	local d
	for d in "${uapi_dirs[@]}"; do
		[ -f "$d/$1" ] && return 0
	done
	return 1
}

bad=0 files=0
for f in "$core"/*.c "$core"/*.h; do
	files=$((files + 1))
	name=${f##*/}
	# compat.h maps the core's few kernel idioms onto libc or the kernel.
	[ "$name" = compat.h ] && continue
	while IFS=: read -r line text; do
		if [[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
			inc=${BASH_REMATCH[1]}
			[[ $inc != */* && -f $core/$inc ]] && continue
		elif [[ $text =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<((linux|asm)/[A-Za-z0-9_]+\.h)\> ]]; then
			is_uapi "${BASH_REMATCH[1]}" && continue
		fi
		echo "kvm-e1000/core/$name:$line: not allowed in the core:$text" >&2
		bad=$((bad + 1))
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$f" || true)
done

if [ "$bad" -ne 0 ]; then
	echo "core includes: $bad forbidden include(s); see kvm-e1000/core/README.md" >&2
	exit 1
fi
echo "core includes: $files files clean"
