#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise `perf script -F event,trace` output of KVM's exit tracepoints
(see exits.sh): exits by reason, handled in the kernel vs in userspace."""

import argparse
import collections
import json
import re
import sys

EVENT = re.compile(r"^\s*(?:(\d+\.\d+):)?\s*(kvm:\w+):\s*(.*)")
REASON = re.compile(r"reason (\S+)")
MMIO = re.compile(r"mmio (\S+) len (\d+) gpa (0x[0-9a-f]+)")
PIO = re.compile(r"pio_(read|write) at (0x[0-9a-f]+)")


def summarise(lines):
    exits = collections.Counter()
    user = collections.Counter()
    mmio = collections.Counter()
    mmio_gpa = collections.Counter()
    pio = collections.Counter()
    first = last = None
    for line in lines:
        m = EVENT.search(line)
        if not m:
            continue
        ts, ev, rest = m.groups()
        if ts:
            last = float(ts)
            first = last if first is None else first
        if ev == "kvm:kvm_exit":
            r = REASON.search(rest)
            exits[r.group(1) if r else "?"] += 1
        elif ev == "kvm:kvm_userspace_exit":
            r = REASON.search(rest)
            user[r.group(1) if r else "?"] += 1
        elif ev == "kvm:kvm_mmio":
            r = MMIO.search(rest)
            if r:
                mmio[r.group(1)] += 1
                mmio_gpa["%s %s" % (r.group(1), r.group(3))] += 1
        elif ev == "kvm:kvm_pio":
            r = PIO.search(rest)
            if r:
                pio["%s %s" % (r.group(1), r.group(2))] += 1
    total = sum(exits.values())
    to_user = sum(user.values())
    return {
        # From the first to the last event: perf's own start-up is not in it.
        "seconds": round(last - first, 3) if first is not None else 0,
        "exits": total,
        "user_exits": to_user,
        # A return to userspace without a guest exit (a signal, say) is
        # counted by kvm_userspace_exit only: never below zero.
        "kernel_exits": max(total - to_user, 0),
        "exit_reasons": dict(exits.most_common()),
        "user_exit_reasons": dict(user.most_common()),
        "mmio": dict(mmio.most_common()),
        "mmio_top": dict(mmio_gpa.most_common(12)),
        "pio": dict(pio.most_common(12)),
    }


def table(s, pid, secs):
    out = ["VM exits of pid %d over %.2f s (first to last event)" % (pid, secs)]
    rate = (lambda n: n / secs) if secs > 0 else (lambda n: 0)
    out.append("  %-34s %10d %10.0f/s" % ("all exits (kvm_exit)", s["exits"], rate(s["exits"])))
    out.append("  %-34s %10d %10.0f/s" % ("handled in the kernel", s["kernel_exits"],
                                          rate(s["kernel_exits"])))
    out.append("  %-34s %10d %10.0f/s" % ("to userspace (kvm_userspace_exit)", s["user_exits"],
                                          rate(s["user_exits"])))
    for title, key in (("exit reasons", "exit_reasons"),
                       ("userspace exit reasons", "user_exit_reasons"),
                       ("MMIO accesses by type", "mmio"),
                       ("busiest MMIO addresses", "mmio_top"),
                       ("port I/O", "pio")):
        if s[key]:
            out.append(title + ":")
            for k, v in s[key].items():
                out.append("  %-34s %10d %10.0f/s" % (k, v, rate(v)))
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pid", type=int, default=0)
    p.add_argument("--json")
    p.add_argument("events")
    a = p.parse_args()
    with open(a.events, errors="replace") as f:
        s = summarise(f)
    print(table(s, a.pid, s["seconds"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(s, f, indent=1)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
