#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn bench.sh's raw outputs (iperf3 JSON, ping text, exits.sh JSON) into
build/bench/results.json: medians and spreads per NIC config, round trips,
L1 CPU cost per GB and per packet, exits per MB and per packet, kernel vs
userspace.  Usage: collect.py RAW_DIR > results.json"""

import json
import os
import re
import statistics
import sys

CONFIGS = ["qemu-e1000", "virtio-net", "vhost-net", "vhost-net-mtu", "kvm-e1000",
           "kvm-e1000-rdt", "kvm-e1000-sidecore", "kvm-e1000-doorbell"]
MODES = ["tcp_tx", "tcp_rx", "udp_tx"]
UDP_LEN = 64
NUMERIC = ["tcp_tx_mbps", "tcp_rx_mbps", "udp_tx_pps", "rtt_us", "exits_per_mb",
           "user_exits_per_mb", "kernel_exits_per_mb", "exits_per_packet",
           "user_exits_per_packet", "udp_exits_per_packet", "udp_user_exits_per_packet",
           "rr_per_s", "tcp_tx_serve_s_per_gb", "tcp_tx_vcpu_s_per_gb",
           "tcp_rx_serve_s_per_gb", "tcp_rx_vcpu_s_per_gb", "udp_tx_serve_s_per_mpkt",
           "udp_tx_vcpu_s_per_mpkt"]
# Roles tools/bench/cpu.py reports; all but the vCPU serve the guest.
SERVE_ROLES = ["qemu", "vhost", "kvm_e1000"]


def kv_file(path):
    d = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition("=")
                if k:
                    d[k] = v
    return d


def iperf(path):
    """(received bytes, seconds) of an iperf3 -J report, or None."""
    try:
        with open(path) as f:
            rep = json.load(f)
    except (OSError, ValueError):
        return None
    if rep.get("error"):
        return None
    end = rep.get("end", {})
    recv = end.get("sum_received") or end.get("sum")
    if not recv or not recv.get("seconds"):
        return None
    return recv["bytes"], recv["seconds"]


def ping_median_us(path):
    try:
        with open(path) as f:
            t = [float(x) for x in re.findall(r"time=([0-9.]+) ms", f.read())]
    except OSError:
        return None
    return statistics.median(t) * 1000 if t else None


def rr_rate(path):
    try:
        with open(path) as f:
            return json.load(f)["rate"]
    except (OSError, ValueError, KeyError):
        return None


def cpu_cost(path, amount):
    """(serving CPU-seconds, vCPU CPU-seconds) per unit of amount over a
    run, from bench.sh's .cpu file; None when not measured."""
    try:
        with open(path) as f:
            c = json.load(f)
    except (OSError, ValueError):
        return None
    if not amount:
        return None
    d = {k: (c["after"][k] - c["before"][k]) / 1e9 for k in c["before"]}
    return sum(d[k] for k in SERVE_ROLES) / amount, d["vcpu"] / amount, c["packets"]


def spread(values, digits=1):
    v = [x for x in values if x is not None]
    return [round(min(v), digits), round(max(v), digits)] if v else None


def med(values):
    v = [x for x in values if x is not None]
    return round(statistics.median(v), 1) if v else None


def med_fine(values):
    """A median kept to three decimals (CPU-seconds per GB are small)."""
    v = [x for x in values if x is not None]
    return round(statistics.median(v), 3) if v else None


def ratio(a, b):
    return round(a / b, 2) if b else None


def reboots(d):
    """What bench.sh noted of guests that booted again mid-run."""
    try:
        with open(os.path.join(d, "reboots")) as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []


def config(raw, name):
    d = os.path.join(raw, name)
    res = {k: None for k in NUMERIC}
    skipped = os.path.join(raw, name + ".skipped")
    if os.path.exists(skipped):
        with open(skipped) as f:
            res["skipped"] = f.read().strip()
        return res
    if not os.path.isdir(d):
        res["skipped"] = "not run"
        return res
    if os.path.exists(os.path.join(raw, name + ".failed")):
        res["failed"] = True
    runs = {m: [] for m in MODES}
    cost = {m: [] for m in MODES}
    n = 1
    while os.path.exists(os.path.join(d, "tcp_tx.%d.json" % n)):
        for m in MODES:
            base = os.path.join(d, "%s.%d" % (m, n))
            r = iperf(base + ".json")
            if r is None:
                runs[m].append(None)
                cost[m].append(None)
                continue
            if m == "udp_tx":
                runs[m].append(r[0] / UDP_LEN / r[1])
                c = cpu_cost(base + ".cpu", 1)
                # Per million packets on the tap, both ways.
                cost[m].append(c and c[2] and (c[0] / c[2] * 1e6, c[1] / c[2] * 1e6))
            else:
                runs[m].append(r[0] * 8 / r[1] / 1e6)
                cost[m].append(cpu_cost(base + ".cpu", r[0] / 1e9))
        runs.setdefault("rtt", []).append(ping_median_us(os.path.join(d, "ping.%d.txt" % n)))
        runs.setdefault("rr", []).append(rr_rate(os.path.join(d, "rr.%d.json" % n)))
        n += 1
    res["runs"] = n - 1
    res["whole_runs"] = sum(1 for i in range(n - 1)
                            if all(runs[m][i] is not None for m in MODES))
    res["reboots"] = reboots(d)
    if not any(runs["tcp_tx"]) and not any(runs["tcp_rx"]):
        res["failed"] = True
    res["tcp_tx_mbps"] = med(runs["tcp_tx"])
    res["tcp_rx_mbps"] = med(runs["tcp_rx"])
    res["udp_tx_pps"] = med(runs["udp_tx"])
    res["rtt_us"] = med(runs.get("rtt", []))
    res["rr_per_s"] = med(runs.get("rr", []))
    for m, unit in (("tcp_tx", "gb"), ("tcp_rx", "gb"), ("udp_tx", "mpkt")):
        for i, who in ((0, "serve"), (1, "vcpu")):
            v = [c[i] if c else None for c in cost[m]]
            res["%s_%s_s_per_%s" % (m, who, unit)] = med_fine(v)
    res["spread"] = {
        "tcp_tx_mbps": spread(runs["tcp_tx"]),
        "tcp_rx_mbps": spread(runs["tcp_rx"]),
        "udp_tx_pps": spread(runs["udp_tx"]),
        "rtt_us": spread(runs.get("rtt", [])),
        "rr_per_s": spread(runs.get("rr", [])),
    }
    res["samples"] = {
        "tcp_tx_mbps": [round(x, 1) if x else x for x in runs["tcp_tx"]],
        "tcp_rx_mbps": [round(x, 1) if x else x for x in runs["tcp_rx"]],
        "udp_tx_pps": [round(x) if x else x for x in runs["udp_tx"]],
        "rtt_us": [round(x) if x else x for x in runs.get("rtt", [])],
        "rr_per_s": [round(x) if x else x for x in runs.get("rr", [])],
    }

    # Exits, from the perf-monitored runs (one per mode).
    per = {}
    for m in MODES:
        try:
            with open(os.path.join(d, "exits.%s.json" % m)) as f:
                ex = json.load(f)
            with open(os.path.join(d, "exits.%s.packets" % m)) as f:
                pkts = int(f.read())
        except (OSError, ValueError):
            continue
        r = iperf(os.path.join(d, "exits.%s.iperf.json" % m))
        ex["mb"] = round(r[0] / 1e6, 3) if r else None
        ex["packets"] = pkts
        per[m] = ex
    tcp = [per[m] for m in ("tcp_tx", "tcp_rx") if m in per and per[m]["mb"]]
    if tcp:
        mb = sum(e["mb"] for e in tcp)
        pk = sum(e["packets"] for e in tcp)
        ex = sum(e["exits"] for e in tcp)
        us = sum(e["user_exits"] for e in tcp)
        res["exits_per_mb"] = ratio(ex, mb)
        res["user_exits_per_mb"] = ratio(us, mb)
        res["kernel_exits_per_mb"] = ratio(ex - us, mb)
        res["exits_per_packet"] = ratio(ex, pk)
        res["user_exits_per_packet"] = ratio(us, pk)
    if "udp_tx" in per:
        u = per["udp_tx"]
        res["udp_exits_per_packet"] = ratio(u["exits"], u["packets"])
        res["udp_user_exits_per_packet"] = ratio(u["user_exits"], u["packets"])
    res["exits"] = per
    return res


def guest_cost(path):
    """(vCPU seconds, bytes per frame sent) of one guest in one many-guest
    run, from bench.sh's guest_counters before and after; or None."""
    try:
        with open(path) as f:
            c = json.load(f)
        b, a = c["before"], c["after"]
        frames = a["frames"] - b["frames"]
        return ((a["cpu"]["vcpu"] - b["cpu"]["vcpu"]) / 1e9,
                (a["bytes"] - b["bytes"]) / frames if frames > 0 else None)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def slow_over_fast(rates, costs):
    """What the run's slowest guest got over its fastest: (vCPU time,
    bytes per frame) ratios, None where either is unknown."""
    lo, hi = rates.index(min(rates)), rates.index(max(rates))
    out = []
    for k in (0, 1):
        a = costs[lo][k] if costs[lo] else None
        b = costs[hi][k] if costs[hi] else None
        out.append(a / b if a is not None and b else None)
    return out


def many(raw, name):
    """Guests of one config sending TCP to L1 at once: per run the sum of
    their rates and the slowest over the fastest, and what the slowest got
    over the fastest of its own vCPU time and frame size (what tells a
    guest starved of CPU from one whose CPU moved less); medians over the
    runs."""
    d = os.path.join(raw, name)
    res = {"failed": os.path.exists(d + ".failed")}
    agg, fair, per, cpu_share, frame_share, frame_kb = [], [], [], [], [], []
    n = 1
    lost = 0
    while os.path.exists(os.path.join(d, "tcp_tx.%d.0.json" % n)):
        # A guest reset mid-run (bench.sh): that run does not count.
        if os.path.exists(os.path.join(d, "lost.%d" % n)):
            lost += 1
            n += 1
            continue
        rates, costs = [], []
        g = 0
        while os.path.exists(os.path.join(d, "tcp_tx.%d.%d.json" % (n, g))):
            r = iperf(os.path.join(d, "tcp_tx.%d.%d.json" % (n, g)))
            rates.append(r[0] * 8 / r[1] / 1e6 if r else 0.0)
            costs.append(guest_cost(os.path.join(d, "tcp_tx.%d.%d.cpu" % (n, g))))
            g += 1
        agg.append(sum(rates))
        fair.append(min(rates) / max(rates) if max(rates) else 0.0)
        per.append([round(x, 1) for x in rates])
        c, f = slow_over_fast(rates, costs)
        cpu_share.append(c)
        frame_share.append(f)
        frame_kb.append([round(x[1] / 1000) if x and x[1] else None for x in costs])
        n += 1
    res.update({"runs": n - 1 - lost, "lost_runs": lost, "reboots": reboots(d),
                "guests": len(per[0]) if per else 0,
                "aggregate_mbps": med(agg), "fairness": med_fine(fair),
                "slowest_vcpu_share": med_fine(cpu_share),
                "slowest_frame_share": med_fine(frame_share),
                "spread": {"aggregate_mbps": spread(agg), "fairness": spread(fair, 3),
                           "slowest_vcpu_share": spread(cpu_share, 2),
                           "slowest_frame_share": spread(frame_share, 2)},
                "samples": per, "frame_kb": frame_kb})
    return res


EXITCOST = re.compile(r"^exitcost: (\w+) (\d+) ops, (\d+) ns wall, (\d+) ns cpu per op$")


def exit_cost(path):
    """bench.sh's exit_cost lines (selftests/kvm/e1000_exitcost.c): per
    kind of access, ns of wall and of vCPU thread time per access."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                m = EXITCOST.match(line.strip())
                if m:
                    out[m.group(1)] = {"ops": int(m.group(2)), "wall_ns": int(m.group(3)),
                                       "cpu_ns": int(m.group(4))}
    except OSError:
        pass
    return out


def main():
    raw = sys.argv[1]
    names = list(CONFIGS)
    for e in sorted(os.listdir(raw)):
        base = re.sub(r"\.(skipped|failed)$", "", e)
        if os.path.isdir(os.path.join(raw, e)) and base not in names and base != "many":
            names.append(base)
    mdir = os.path.join(raw, "many")
    mnames = [e for e in os.listdir(mdir)
              if os.path.isdir(os.path.join(mdir, e))] if os.path.isdir(mdir) else []
    mnames.sort(key=lambda n: (CONFIGS.index(n) if n in CONFIGS else len(CONFIGS), n))
    out = {
        "configs": {n: config(raw, n) for n in names},
        "many": {n: many(mdir, n) for n in mnames},
        "exit_cost": exit_cost(os.path.join(raw, "exitcost.txt")),
        "env": {**kv_file(os.path.join(raw, "env.txt")), **kv_file(os.path.join(raw, "host.txt"))},
        "units": {
            "tcp_tx_mbps": "Mbit/s guest->L1 (iperf3 TCP, receiver side)",
            "tcp_rx_mbps": "Mbit/s L1->guest",
            "udp_tx_pps": "64-byte UDP datagrams/s guest->L1 received by L1",
            "rtt_us": "ping L1->guest, median microseconds",
            "exits_per_mb": "VM exits per MB (10^6 bytes) moved, TCP both ways",
            "exits_per_packet": "VM exits per packet on the tap (both directions)",
            "rr_per_s": "TCP round trips per second, 1-byte request and response",
            "serve_s_per_gb": "L1 CPU-seconds per GB received, serving threads "
                              "(QEMU but its vCPUs, vhost, kvm-e1000)",
            "vcpu_s_per_gb": "L1 CPU-seconds per GB received, the guest's vCPU thread",
            "s_per_mpkt": "L1 CPU-seconds per million packets on the tap",
        },
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
