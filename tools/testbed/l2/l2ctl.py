#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Host (L1) side helpers for L2 guests started by run-guest.sh.

  l2ctl.py exec [--timeout S] SOCKET -- COMMAND   run a shell command in the
        guest over its control serial port; prints its output, exits with
        its status (124: no answer in time)
  l2ctl.py send PORT FILE [--bind IP] [--timeout S]   serve FILE to the
        first TCP client, then close
  l2ctl.py recv PORT [--bind IP] [--timeout S]   receive one TCP stream
  Both transfers print "BYTES SHA256" of what went over the wire.
  l2ctl.py hmp SOCKET COMMAND   run a command on QEMU's human monitor
        (the guest's mon.sock) and print what it answers
  l2ctl.py iperf JSON   print "SENT_BYTES RECEIVED_BYTES SECONDS RECEIVED_BPS"
        from an iperf3 -J report (TCP or UDP)
  l2ctl.py qmp SOCKET COMMAND [ARGS-JSON] [--get KEY[.KEY...]]   run one QMP
        command on QEMU's QMP socket; prints its return value as JSON (or
        one field of it, --get), exits 1 with QEMU's error text on an error
        or when the field is missing
  send also takes --rate BYTES_PER_S: spread the file over time
  l2ctl.py flip LISTEN TARGET PATTERN OFFSET [--timeout S]   relay one
        connection from the unix socket LISTEN to the unix socket TARGET,
        both ways, and flip the low bit of the byte OFFSET bytes after the
        first PATTERN (hex) going to TARGET: a migration stream damaged in
        transit.  Prints "flipped at byte N" or "PATTERN never seen"
        (exit 3)
"""

import argparse
import base64
import fcntl
import hashlib
import json
import os
import re
import secrets
import select
import socket
import sys
import time


ANY_DONE = re.compile(rb"\n@@DONE@@ [0-9a-f]+ \d+\n")
# After this long without a byte from the guest, send it a newline.  Under
# nested TCG an L2 guest now and then loses the interrupt of its UART's
# empty transmitter, and its output then waits in the FIFO for good (seen:
# a command's output complete, its end marker not sent in 190 s, the
# guest halted with no interrupt pending).  A received byte raises the
# UART's interrupt, whose handler also sends what waits.  The guest's
# agent skips empty lines, and its commands read /dev/null.  (The
# environment's L2CTL_NUDGE_S is for tools/testbed/selftest/test-l2ctl.sh.)
NUDGE_S = float(os.environ.get("L2CTL_NUDGE_S", "10"))


def ctl_exec(args):
    cmd = " ".join(args.command)
    req_id = secrets.token_hex(6)
    line = "%s %d %s\n" % (req_id, args.timeout,
                           base64.b64encode(cmd.encode()).decode())
    # QEMU serves one client at a time: take turns.
    with open(args.socket + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        deadline = time.monotonic() + args.timeout + 10
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(10)
            sock.connect(args.socket)
            # A newline first ends whatever a dead earlier client left.
            sock.sendall(b"\n" + line.encode())
            marker = re.compile(rb"\n@@DONE@@ %s (\d+)\n" % req_id.encode())
            buf = b""
            nudges = 0
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    sys.stdout.buffer.write(buf)
                    print("l2ctl: no answer from the guest in %ds (nudged %d times)"
                          % (args.timeout, nudges), file=sys.stderr)
                    return 124
                sock.settimeout(min(left, NUDGE_S))
                try:
                    data = sock.recv(65536)
                except socket.timeout:
                    sock.sendall(b"\n")
                    nudges += 1
                    continue
                if not data:
                    sys.stdout.buffer.write(buf)
                    print("l2ctl: control channel closed", file=sys.stderr)
                    return 124
                buf += data
                m = marker.search(buf)
                if m:
                    out = buf[:m.start()]
                    # What an earlier command that we gave up waiting
                    # for printed late, up to its own end: not ours.
                    late = list(ANY_DONE.finditer(out))
                    if late:
                        out = out[late[-1].end():]
                    sys.stdout.buffer.write(out)
                    sys.stdout.flush()
                    return int(m.group(1))
        except OSError as e:
            print("l2ctl: %s: %s" % (args.socket, e), file=sys.stderr)
            return 124
        finally:
            sock.close()


def read_until(sock, end):
    """Bytes from sock up to and including end (OSError if it closes)."""
    buf = b""
    while not buf.endswith(end):
        data = sock.recv(65536)
        if not data:
            raise OSError("monitor closed")
        buf += data
    return buf


def hmp(args):
    """One command on QEMU's human monitor: answers end at its prompt."""
    prompt = b"(qemu) "
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(args.timeout)
    try:
        sock.connect(args.socket)
        read_until(sock, prompt)
        sock.sendall(args.command.encode() + b"\n")
        buf = read_until(sock, prompt)
    except OSError as e:
        print("l2ctl: hmp: %s" % e, file=sys.stderr)
        return 1
    finally:
        sock.close()
    # The monitor echoes the command line, with terminal escapes.
    text = buf[:-len(prompt)].decode(errors="replace").replace("\r", "")
    sys.stdout.write(text.split("\n", 1)[1] if "\n" in text else text)
    return 0


def listen(args):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((args.bind, args.port))
    srv.listen(1)
    srv.settimeout(args.timeout)
    # Tell a caller that started us in the background that it may connect.
    if args.ready:
        with open(args.ready, "w") as f:
            f.write("%d\n" % os.getpid())
    conn, _ = srv.accept()
    srv.close()
    conn.settimeout(args.timeout)
    return conn


def send(args):
    conn = listen(args)
    h = hashlib.sha256()
    n = 0
    start = time.monotonic()
    with open(args.file, "rb") as f:
        while True:
            b = f.read(65536)
            if not b:
                break
            conn.sendall(b)
            h.update(b)
            n += len(b)
            # A paced transfer lasts long enough for what runs beside it
            # (a live migration) to happen in its middle.
            if args.rate:
                ahead = n / args.rate - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)
    conn.shutdown(socket.SHUT_WR)
    # Wait for the peer to close, so every byte was read, not just queued.
    while conn.recv(4096):
        pass
    conn.close()
    print(n, h.hexdigest())
    return 0


def recv(args):
    conn = listen(args)
    h = hashlib.sha256()
    n = 0
    while True:
        b = conn.recv(65536)
        if not b:
            break
        h.update(b)
        n += len(b)
    conn.close()
    print(n, h.hexdigest())
    return 0


class Flipper:
    """The stream to TARGET, with one byte flipped after PATTERN."""

    def __init__(self, dst, pattern, offset):
        self.dst, self.pattern, self.offset = dst, pattern, offset
        # Bytes held back until the pattern is decided for them; a pause
        # of the sender lets them go, so nothing waits on us for long.
        self.hold = len(pattern) + offset
        self.held = b""
        self.sent = 0           # stream bytes passed on to TARGET
        self.flipped = None     # where, once done

    def push(self, b):
        if self.flipped is not None:
            self.forward(b)
            return
        data = self.held + b
        i = data.find(self.pattern)
        keep = min(self.hold, len(data))
        if i >= 0 and i + self.offset < len(data):
            at = i + self.offset
            data = data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]
            self.flipped = self.sent + at
            keep = 0
        self.held = data[len(data) - keep:]
        self.forward(data[:len(data) - keep])

    def flush(self):
        held, self.held = self.held, b""
        self.forward(held)

    def forward(self, b):
        self.dst.sendall(b)
        self.sent += len(b)


def relay(src, dst, fl):
    """Both ways until both ends closed; TARGET's way through fl."""
    open_ends = {src: dst, dst: src}
    while open_ends:
        ready, _, _ = select.select(list(open_ends), [], [], 0.05)
        if not ready:
            fl.flush()
        for s in ready:
            b = s.recv(65536)
            if b and s is src:
                fl.push(b)
            elif b:
                src.sendall(b)
            else:
                if s is src:
                    fl.flush()
                open_ends[s].shutdown(socket.SHUT_WR)
                del open_ends[s]


def flip(args):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(args.listen)
    srv.listen(1)
    srv.settimeout(args.timeout)
    src, _ = srv.accept()
    srv.close()
    dst = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dst.connect(args.target)
    fl = Flipper(dst, bytes.fromhex(args.pattern), args.offset)
    end = "both ends closed"
    try:
        relay(src, dst, fl)
    except OSError as e:
        # A destination that refused the stream goes abruptly.
        end = str(e)
    if fl.flipped is None:
        print("%s never seen in %d bytes (%s)" % (args.pattern, fl.sent, end))
        return 3
    print("flipped at byte %d of %d (%s)" % (fl.flipped, fl.sent, end))
    return 0


def iperf(args):
    with open(args.json) as f:
        rep = json.load(f)
    if rep.get("error"):
        print("l2ctl: iperf3: %s" % rep["error"], file=sys.stderr)
        return 1
    end = rep["end"]
    sent = end.get("sum_sent") or end.get("sum")
    recv = end.get("sum_received") or end.get("sum")
    if not sent or not recv:
        print("l2ctl: iperf3 report has no summary", file=sys.stderr)
        return 1
    secs = recv.get("seconds") or sent.get("seconds")
    print(int(sent["bytes"]), int(recv["bytes"]), "%.3f" % secs,
          int(recv["bytes"] * 8 / secs) if secs else 0)
    return 0


def qmp_read(f):
    """The next reply to a command, skipping QEMU's events."""
    while True:
        line = f.readline()
        if not line:
            raise OSError("QMP connection closed")
        msg = json.loads(line)
        if "return" in msg or "error" in msg:
            return msg


def qmp(args):
    cmd = {"execute": args.command}
    if args.arguments:
        cmd["arguments"] = json.loads(args.arguments)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(args.timeout)
    try:
        sock.connect(args.socket)
        f = sock.makefile("rw")
        json.loads(f.readline())        # the greeting
        for c in ({"execute": "qmp_capabilities"}, cmd):
            f.write(json.dumps(c) + "\n")
            f.flush()
            rep = qmp_read(f)
            if "error" in rep:
                print("l2ctl: qmp %s: %s" % (c["execute"], rep["error"].get("desc")),
                      file=sys.stderr)
                return 1
    except (OSError, ValueError) as e:
        print("l2ctl: qmp %s: %s" % (args.socket, e), file=sys.stderr)
        return 1
    finally:
        sock.close()
    val = rep["return"]
    for key in args.get.split(".") if args.get else []:
        val = val.get(key) if isinstance(val, dict) else None
    if val is None:
        print("l2ctl: qmp %s: no %s in the reply" % (args.command, args.get),
              file=sys.stderr)
        return 1
    print(val if isinstance(val, str) else json.dumps(val))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="op", required=True)
    e = sub.add_parser("exec")
    e.add_argument("socket")
    e.add_argument("--timeout", type=int, default=60)
    e.add_argument("command", nargs=argparse.REMAINDER)
    for name in ("send", "recv"):
        t = sub.add_parser(name)
        t.add_argument("port", type=int)
        if name == "send":
            t.add_argument("file")
        t.add_argument("--bind", default="0.0.0.0")
        t.add_argument("--timeout", type=float, default=60)
        t.add_argument("--ready", help="file written once listening")
        if name == "send":
            t.add_argument("--rate", type=float, help="bytes per second")
    h = sub.add_parser("hmp")
    h.add_argument("socket")
    h.add_argument("command")
    h.add_argument("--timeout", type=float, default=10)
    q = sub.add_parser("qmp")
    q.add_argument("socket")
    q.add_argument("command")
    q.add_argument("arguments", nargs="?")
    q.add_argument("--get", help="print only this field (a.b for nested)")
    q.add_argument("--timeout", type=float, default=30)
    i = sub.add_parser("iperf")
    i.add_argument("json")
    f = sub.add_parser("flip")
    f.add_argument("listen")
    f.add_argument("target")
    f.add_argument("pattern")
    f.add_argument("offset", type=int)
    f.add_argument("--timeout", type=float, default=60)
    args = p.parse_args()
    if args.op == "flip":
        return flip(args)
    if args.op == "iperf":
        return iperf(args)
    if args.op == "hmp":
        return hmp(args)
    if args.op == "qmp":
        return qmp(args)
    if args.op == "exec":
        if args.command and args.command[0] == "--":
            args.command = args.command[1:]
        if not args.command:
            p.error("exec wants a command")
        return ctl_exec(args)
    try:
        return send(args) if args.op == "send" else recv(args)
    except OSError as e:
        print("l2ctl: %s: %s" % (args.op, e), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
