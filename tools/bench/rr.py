#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""TCP request/response rate from L1 to a guest running e2e-rr-echo
(tools/bench/rr_echo.c): one connection, Nagle off, a 1-byte request
answered by a 1-byte response, back to back for SECONDS.  Prints JSON:
transactions, seconds, rate per second and the median round trip.
Usage: rr.py IP PORT SECONDS"""

import json
import socket
import statistics
import sys
import time


def main():
    ip, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    s = socket.create_connection((ip, port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    # Warm up: the first round trips pay for ARP and cold caches.
    for _ in range(20):
        s.sendall(b"x")
        s.recv(1)
    rtts = []
    clock = time.monotonic
    start = clock()
    end = start + secs
    t = start
    while t < end:
        s.sendall(b"x")
        if not s.recv(1):
            print("rr: the guest closed the connection", file=sys.stderr)
            return 1
        now = clock()
        rtts.append(now - t)
        t = now
    took = t - start
    json.dump({"transactions": len(rtts), "seconds": round(took, 3),
               "rate": round(len(rtts) / took, 1),
               "median_rtt_us": round(statistics.median(rtts) * 1e6)}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
