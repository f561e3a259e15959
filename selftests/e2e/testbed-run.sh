#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# testbed-run.sh KERNEL MODULE.ko NIC...: the end-to-end tests in the testbed.
# E2E_ONLY=REGEX runs only the tests whose description matches (lib.sh).
#
# L2 guests need L0's multi-threaded TCG: single-threaded, an L2 boot crawls
# past any timeout.  Multi-threaded TCG intermittently freezes L1 for good
# when KVM patches kernel text (see tools/testbed/README.md); the testbed
# then times out (124) with L1's CPU state saved.  That, and only that, is
# retried once, saying so.
set -u
kernel=$1 module=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)

only=()
[ -n "${E2E_ONLY:-}" ] && only=(--env "E2E_ONLY=$E2E_ONLY")

for attempt in 1 2; do
	TESTBED_TCG_THREAD=multi "$here/../../tools/testbed/testbed.sh" \
		--kernel "$kernel" --timeout 1500 --module "$module" "${only[@]}" -- \
		selftests/e2e/run.sh "$@"
	rc=$?
	[ "$rc" -eq 124 ] || exit "$rc"
	echo "e2e: attempt $attempt: L1 froze (multi-threaded TCG); see the run's cpus-at-timeout.txt" >&2
done
exit 124
