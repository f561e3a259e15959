#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unit check of l2ctl.py exec against a stand-in for an L2 guest's control
# serial port (a unix socket): a guest whose end marker waits in its UART
# until a byte comes in (a lost transmit interrupt) is nudged and
# answers; a guest that never answers is given up on (124).  No VM.

set -u
HERE=$(cd "$(dirname "$0")" && pwd)
L2CTL=$HERE/../l2/l2ctl.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# guest MODE: serve one request on $tmp/ctl.sock.  "stuck": the output
# at once, the end marker only after a byte arrives past the request;
# "silent": nothing at all.
guest() {
	python3 - "$tmp/ctl.sock" "$1" <<'PY' &
import re, socket, sys, time
path, mode = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(1)
c, _ = srv.accept()
buf = b""
while not (m := re.search(rb"\n([0-9a-f]+) (\d+) (\S+)\n", buf)):
    buf += c.recv(4096)
if mode == "stuck":
    c.sendall(b"out of the command\n")
    rest = buf[m.end():]
    while b"\n" not in rest:
        data = c.recv(4096)
        if not data:
            sys.exit(0)     # the client gave up
        rest += data
    c.sendall(b"\n@@DONE@@ " + m.group(1) + b" 7\n")
time.sleep(15 if mode == "silent" else 0.5)
PY
	for _ in $(seq 50); do [ -S "$tmp/ctl.sock" ] && return 0; sleep 0.1; done
	return 1
}

check() {
	if [ "$1" = 0 ]; then
		passed=$((passed + 1)); echo "ok: $2"
	else
		failed=$((failed + 1)); echo "FAIL: $2"
	fi
}

guest stuck
out=$(L2CTL_NUDGE_S=1 python3 "$L2CTL" exec --timeout 20 "$tmp/ctl.sock" -- true 2>"$tmp/err")
rc=$?
[ $rc -eq 7 ] && [ "$out" = "out of the command" ]
check $? "a stuck end marker comes after a nudge: status $rc, output '$out'"
wait
rm -f "$tmp/ctl.sock"

guest silent
start=$SECONDS
L2CTL_NUDGE_S=1 python3 "$L2CTL" exec --timeout 1 "$tmp/ctl.sock" -- true >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 124 ] && grep -q "no answer from the guest in 1s (nudged" "$tmp/err"
check $? "a silent guest: status $rc after $((SECONDS - start)) s: $(cat "$tmp/err")"
wait

echo "l2ctl: $passed passed, $failed failed"
[ $failed -eq 0 ]
