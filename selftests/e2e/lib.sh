# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# TAP output and traffic checks for the end-to-end tests (run.sh).  Sourced
# by bash inside the testbed's L1, after tools/testbed/l2/lib.sh.

E2E_N=0
E2E_PASS=0
E2E_FAIL=0
E2E_SKIP=0
E2E_TODO=0
E2E_LOGS=${E2E_LOGS:-${TESTBED_OUT:-/tmp}/e2e}
E2E_DATA=/tmp/e2e-data
mkdir -p "$E2E_LOGS" "$E2E_DATA"
# The steps that failed, one number a line, for testbed-run.sh's summary;
# and the first failed step if its guest's vCPU was found stuck, or its
# CR3 broken in the register (l2_stuck_report's verdicts), for
# l1-death.sh's l2_stuck.
: >"$E2E_LOGS/failed"
rm -f "$E2E_LOGS/l2-stuck" "$E2E_LOGS/l2-reset" "$E2E_LOGS/l2-cr3"

# Statuses a test function returns besides 0 and 1; it may write a note
# to $E2E_NOTE (the skip reason, the known failure, a measured value).
E2E_SKIPPED=77
E2E_KNOWN_FAIL=78

# e2e_run DESC FUNC [ARGS...]: run one test, print its TAP line; its
# output goes to a log whose tail is printed when it fails.  E2E_ONLY, an
# extended regular expression, runs only the tests whose DESC matches (the
# rest are skipped as passed, so include what the others need: the boot).
e2e_run() {
	local name=$1 desc rc start note log
	shift
	if [ -n "${E2E_ONLY:-}" ] && ! [[ $name =~ $E2E_ONLY ]]; then
		E2E_N=$((E2E_N + 1))
		E2E_SKIP=$((E2E_SKIP + 1))
		echo "ok $E2E_N - $name # SKIP not in E2E_ONLY"
		return 0
	fi
	E2E_N=$((E2E_N + 1))
	log=$E2E_LOGS/$(printf '%03d' "$E2E_N").log
	E2E_NOTE=$E2E_LOGS/note
	: >"$E2E_NOTE"
	start=$SECONDS
	echo "=== $name" >"$log"
	# What ran last, for testbed-run.sh to name when L1 dies under it.
	printf '%s\n' "$E2E_N" "$name" >"$E2E_LOGS/current"
	"$@" >>"$log" 2>&1
	rc=$?
	note=$(head -c 300 "$E2E_NOTE" | tr '\n' ' ' | sed 's/ *$//')
	desc="$name ($((SECONDS - start))s)${note:+: $note}"
	case $rc in
	0) E2E_PASS=$((E2E_PASS + 1)); echo "ok $E2E_N - $desc" ;;
	"$E2E_SKIPPED") E2E_SKIP=$((E2E_SKIP + 1)); echo "ok $E2E_N - $name # SKIP $note" ;;
	"$E2E_KNOWN_FAIL") E2E_TODO=$((E2E_TODO + 1)); echo "not ok $E2E_N - $desc # TODO known failure" ;;
	*)
		E2E_FAIL=$((E2E_FAIL + 1))
		echo "not ok $E2E_N - $desc"
		tail -n 40 "$log" | sed 's/^/#   /'
		e2e_consoles "$log" | tee -a "$log" | sed 's/^/#   /'
		echo "$E2E_N" >>"$E2E_LOGS/failed"
		if [ "$E2E_FAIL" -eq 1 ] && grep -q '^verdict: vCPU stuck' "$log"; then
			echo "$E2E_N $name" >"$E2E_LOGS/l2-stuck"
		elif [ "$E2E_FAIL" -eq 1 ] && grep -q '^verdict: CR3 broke in the register' "$log"; then
			echo "$E2E_N $name" >"$E2E_LOGS/l2-cr3"
		elif [ "$E2E_FAIL" -eq 1 ] && e2e_reset_guest >>"$log"; then
			echo "$E2E_N $name" >"$E2E_LOGS/l2-reset"
		fi
		;;
	esac
	return $rc
}

# e2e_consoles LOG: after a failed step, what each L2 guest's console
# said last (a guest that panicked rebooted, panic=-1, and only its console
# knows why); whole, beside LOG, kept with the e2e logs.  The words of a
# stack that U-Boot's exception handler dumps last are left out here: CI
# keeps only a log's tail, and the exception's name, EIP and registers
# come before them.
e2e_consoles() {
	local log=$1 c g
	for c in "${L2_RUN_ROOT:-/tmp/l2}"/g*/console.log; do
		[ -s "$c" ] || continue
		g=$(basename "$(dirname "$c")")
		cp "$c" "${log%.log}.$g.console" 2>/dev/null
		echo "--- $g's console, its last 15 lines (a stack dump's words left out):"
		tr -d '\r' <"$c" | grep -a -v -E '^\s*$|^(--->| *)0x[0-9a-f]{8} : 0x[0-9a-f]{8}$' |
			tail -n 15
	done
}

# e2e_reset_guest: name a guest whose CPU reset itself, if one did
# (l2_silent_reset), for l1-death.sh's l2_stuck.
e2e_reset_guest() {
	local d
	for d in "${L2_RUN_ROOT:-/tmp/l2}"/g*; do
		if [ ! -s "$d/console.log" ] || ! l2_silent_reset "$d"; then
			continue
		fi
		echo "verdict: guest $(basename "$d") reset itself: a new boot with no reboot, panic or oops line before it"
		return 0
	done
	return 1
}

e2e_skip() {
	E2E_N=$((E2E_N + 1))
	E2E_SKIP=$((E2E_SKIP + 1))
	echo "ok $E2E_N - $1 # SKIP $2"
}

e2e_summary() {
	echo "1..$E2E_N"
	echo "$E2E_PASS passed, $E2E_FAIL failed ($E2E_SKIP skipped, $E2E_TODO known failures)"
	[ "$E2E_FAIL" -eq 0 ]
}

note() { echo "$*" >>"$E2E_NOTE"; }

# e2e_file MIB: a random file of MIB MiB on the L1 side.
e2e_file() {
	local f=$E2E_DATA/$1M tmp
	# Concurrent callers must never see a half-written file.
	if [ ! -f "$f" ]; then
		tmp=$(mktemp "$f.XXXXXX")
		head -c $(($1 * 1024 * 1024)) /dev/urandom >"$tmp"
		mv "$tmp" "$f"
	fi
	echo "$f"
}

# Start an l2ctl.py transfer server in the background and wait until it
# listens; sets srv_pid.
serve() {
	local out=$1 ready=$E2E_DATA/ready.$$.$RANDOM i
	shift
	rm -f "$ready"
	"$L2_PYTHON" "$L2_LIB_DIR/l2ctl.py" "$@" --ready "$ready" --timeout 180 >"$out" &
	srv_pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$ready" ] && { rm -f "$ready"; return 0; }
		sleep 0.1
	done
	echo "transfer server did not start"
	kill "$srv_pid" 2>/dev/null
	return 1
}

# xfer_to_guest DIR MIB: L1 serves MIB random MiB over TCP, the guest reads
# them with busybox nc; both ends' sha256 must match the file's.
xfer_to_guest() {
	local dir=$1 mib=$2 file want port out got srv
	l2_env "$dir"
	file=$(e2e_file "$mib")
	want=$(sha256sum "$file" | cut -d' ' -f1)
	port=$((5100 + L2_INDEX))
	out=$E2E_DATA/send.$L2_INDEX
	serve "$out" send "$port" "$file" --bind "$L2_HOST_IP" || return 1
	got=$(l2_exec "$dir" -t 180 "nc -w 10 $L2_HOST_IP $port </dev/null >/tmp/rx && wc -c </tmp/rx && sha256sum /tmp/rx; rm -f /tmp/rx")
	wait "$srv_pid"
	srv=$(cat "$out")
	echo "file $want; L1 sent: $srv; guest got: $(echo "$got" | tr '\n' ' ')"
	[ "$srv" = "$((mib * 1048576)) $want" ] || return 1
	[ "$(echo "$got" | head -n1 | tr -d ' ')" = $((mib * 1048576)) ] || return 1
	[ "$(echo "$got" | sed -n '2s/ .*//p')" = "$want" ]
}

# xfer_from_guest DIR MIB: the guest sends MIB random MiB with busybox nc,
# L1 hashes what arrives.
xfer_from_guest() {
	local dir=$1 mib=$2 port out got srv
	l2_env "$dir"
	port=$((5200 + L2_INDEX))
	out=$E2E_DATA/recv.$L2_INDEX
	l2_exec "$dir" -t 120 "dd if=/dev/urandom of=/tmp/tx bs=65536 count=$((mib * 16)) 2>/dev/null" || return 1
	serve "$out" recv "$port" --bind "$L2_HOST_IP" || return 1
	got=$(l2_exec "$dir" -t 180 "sha256sum /tmp/tx && nc -w 10 $L2_HOST_IP $port </tmp/tx; rm -f /tmp/tx")
	wait "$srv_pid"
	srv=$(cat "$out")
	echo "guest file: $got; L1 got: $srv"
	[ "$srv" = "$((mib * 1048576)) ${got%% *}" ]
}

# ping_both DIR [COUNT]: every echo answered, each way.  L1 uses busybox's
# ping, like the guest: the host may have no other.
ping_both() {
	local dir=$1 c=${2:-5} out
	l2_env "$dir"
	out=$(busybox ping -c "$c" -i 0.2 -W 5 "$L2_GUEST_IP")
	echo "$out"
	echo "$out" | grep -qE '(^|[ ,])0% packet loss' || return 1
	out=$(l2_exec "$dir" -t 60 "ping -c $c -W 5 $L2_HOST_IP")
	echo "$out"
	echo "$out" | grep -qE '(^|[ ,])0% packet loss'
}

# traffic DIR MIB: pings and a verified transfer each way.
traffic() {
	ping_both "$1" 3 && xfer_to_guest "$1" "$2" && xfer_from_guest "$1" "$2"
}
