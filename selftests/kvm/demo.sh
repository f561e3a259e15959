#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A short demo of kvm-e1000, run inside the testbed with the module loaded:
#   tools/testbed/testbed.sh --module build/kmod/6.1/kvm-e1000.ko -- \
#	selftests/kvm/demo.sh
# A guest reads its NIC's MAC over EERD and its link over MDIC; the host
# prints what it saw and the device counters: zero exits to userspace.

set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
BIN_DIR=${E1000_SELFTEST_DIR:-$(cd "$HERE/../.." && pwd)/build/selftests}

if [ ! -d /sys/module/kvm_e1000 ]; then
	echo "kvm-e1000 is not loaded" >&2
	exit 1
fi
echo "== kvm-e1000 on Linux $(uname -r)"
exec "$BIN_DIR/e1000_demo"
