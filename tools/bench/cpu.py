#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""L1 CPU time of everything that serves one guest, by role, as JSON
nanoseconds (from /proc/PID/task/TID/schedstat, time on a CPU):

  vcpu       the guest's QEMU threads named "CPU n/KVM"
  qemu       the rest of that QEMU (main loop, I/O threads)
  vhost      vhost-net's workers of that QEMU ("vhost-PID")
  kvm_e1000  kvm-e1000's workers and sidecores ("kvm-e1000", "kvm-e1000-sc/N")

bench.sh takes one snapshot before and one after a run; the difference is
what the run cost.  A thread that exits between the two loses its time:
kvm-e1000 keeps its threads for the device's life, vhost for the VM's.
The bench runs one guest at a time, so every kvm-e1000 thread serves it.
Usage: cpu.py QEMU_PID"""

import json
import os
import re
import sys


def threads(pid):
    base = "/proc/%s/task" % pid
    try:
        tids = os.listdir(base)
    except OSError:
        return
    for tid in tids:
        try:
            with open("%s/%s/comm" % (base, tid)) as f:
                comm = f.read().strip()
            with open("%s/%s/schedstat" % (base, tid)) as f:
                ns = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        yield comm, ns


def role(comm, qpid, is_qemu):
    # vhost's worker is a kthread up to Linux 6.3, a thread of QEMU after.
    if comm == "vhost-%s" % qpid:
        return "vhost"
    if is_qemu:
        return "vcpu" if re.fullmatch(r"CPU \d+/KVM", comm) else "qemu"
    if comm == "kvm-e1000" or comm.startswith("kvm-e1000-sc/"):
        return "kvm_e1000"
    return None


def snapshot(qpid):
    out = {"vcpu": 0, "qemu": 0, "vhost": 0, "kvm_e1000": 0}
    for comm, ns in threads(qpid):
        out[role(comm, qpid, True)] += ns
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == qpid:
            continue
        for comm, ns in threads(pid):
            r = role(comm, qpid, False)
            if r:
                out[r] += ns
    return out


def main():
    json.dump(snapshot(sys.argv[1]), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
