#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Render build/bench/results.json into Documentation/benchmarks.md and a
gnuplot PNG chart.
Usage: render.py RESULTS --doc MD --png PNG --work DIR"""

import argparse
import json
import os
import subprocess
import sys

ORDER = ["qemu-e1000", "virtio-net", "vhost-net", "vhost-net-mtu", "kvm-e1000",
         "kvm-e1000-rdt", "kvm-e1000-sidecore", "kvm-e1000-doorbell"]
# The anchors kvm-e1000 is measured against, and what each ratio compares.
ANCHORS = ["vhost-net", "vhost-net-mtu"]
RATIOS = [("tcp_tx_mbps", "vhost-net", "TCP guest->L1"),
          ("tcp_rx_mbps", "vhost-net", "TCP L1->guest"),
          ("tcp_rx_mbps", "vhost-net-mtu", "TCP L1->guest"),
          ("udp_tx_pps", "vhost-net", "UDP 64 B pps"),
          ("rr_per_s", "vhost-net", "TCP round trips/s"),
          ("tcp_tx_cpu_s_per_gb", "vhost-net", "CPU-s/GB guest->L1"),
          ("tcp_rx_cpu_s_per_gb", "vhost-net", "CPU-s/GB L1->guest")]

DESCR = {
    "qemu-e1000": "QEMU's own e1000 (every register access exits to QEMU)",
    "virtio-net": "virtio-net, QEMU userspace backend (vhost=off)",
    "vhost-net": "virtio-net with the vhost-net kernel backend",
    "vhost-net-mtu": "vhost-net with the guest's receive offloads off (guest_tso4, "
                     "guest_tso6, guest_ecn, guest_ufo): MTU-size frames to the guest, "
                     "as an e1000 gets",
    "kvm-e1000": "kvm-e1000: e1000 emulated in L1's kernel, via vfio-pci mdev",
    "kvm-e1000-rdt": "kvm-e1000 with its worker and the RX doorbell page: RDT in guest "
                     "RAM, refills without an exit (`--doorbell-pages` without `--sidecore`)",
    "kvm-e1000-sidecore": "kvm-e1000 with its sidecore thread on a dedicated CPU",
    "kvm-e1000-doorbell": "kvm-e1000 with a sidecore and doorbell pages: TDT/RDT in guest "
                          "RAM, no exit (`--doorbell-pages`)",
}


def unnamed_vcpu(configs, measured):
    """A note for a run whose guests' threads had no names (vCPU all 0)."""
    if any(configs[n].get(k) for n in measured for k, _ in CPU_COLUMNS
           if "vcpu" in k):
        return ""
    return (" In this run the vCPU columns read 0: its guests ran without "
            "thread names, so the vCPU thread is counted in *serve*.")


def fmt(v, digits=0):
    if v is None:
        return "-"
    if digits == 0:
        return "{:,}".format(int(round(v)))
    return "{:,.{}f}".format(v, digits)


CPU_COLUMNS = [("tcp_tx_serve_s_per_gb", 2), ("tcp_tx_vcpu_s_per_gb", 2),
               ("tcp_rx_serve_s_per_gb", 2), ("tcp_rx_vcpu_s_per_gb", 2),
               ("udp_tx_serve_s_per_mpkt", 1), ("udp_tx_vcpu_s_per_mpkt", 1)]
SPREAD_COLUMNS = [("tcp_tx_mbps", 1), ("tcp_rx_mbps", 1), ("udp_tx_pps", 0),
                  ("rtt_us", 0), ("rr_per_s", 0)]


def table(w, heads, rows):
    """A markdown table: a text column, then numbers aligned right."""
    w("| %s |" % " | ".join(heads))
    w("|---|" + "---:|" * (len(heads) - 1))
    for r in rows:
        w("| %s |" % " | ".join(str(x) for x in r))
    w("")


def cpu_total(c, mode):
    """L1 CPU-seconds per GB of one TCP mode, serving threads and vCPU."""
    a, b = c.get(mode + "_serve_s_per_gb"), c.get(mode + "_vcpu_s_per_gb")
    return None if a is None or b is None else a + b


def value(c, key):
    if key.endswith("_cpu_s_per_gb"):
        return cpu_total(c, key[:-len("_cpu_s_per_gb")])
    return c.get(key)


def ratios(configs, names):
    """Each kvm-e1000 config over its anchor, one row per config."""
    rows = []
    for n in names:
        c = configs[n]
        if not n.startswith("kvm-e1000") or c.get("tcp_tx_mbps") is None:
            continue
        cells = []
        for key, anchor, _ in RATIOS:
            a, b = value(c, key), value(configs.get(anchor, {}), key)
            cells.append("%.2fx" % (a / b) if a is not None and b else "-")
        rows.append("| %s | %s |" % (n, " | ".join(cells)))
    return rows


def span(c, key, digits=0):
    s = (c.get("spread") or {}).get(key)
    return "%s-%s" % (fmt(s[0], digits), fmt(s[1], digits)) if s else "-"


def share(m, key):
    """A median ratio with its min-max, or "-" where it was not measured."""
    v, s = m.get(key), (m.get("spread") or {}).get(key)
    return "%.2f (%.2f-%.2f)" % (v, s[0], s[1]) if v is not None and s else "-"


# (kind, exits per access, what it is, the kind whose time it is measured
# over); the pages kinds are optional: benches before them lack them.
EXIT_KINDS = [("ram", 0, "a load from guest RAM: the loop alone", None),
              ("cpuid", 1, "`cpuid`: an exit KVM answers without decoding", "ram"),
              ("status", 1, "a STATUS read: an MMIO exit KVM decodes, kvm-e1000 answers", "ram"),
              ("irq", 5, "Linux e1000's accesses per interrupt: ICR, IMC, STATUS, IMS, STATUS",
               "ram"),
              ("pages", 0, "a load from each page of a working set (512 KiB), no exit", None),
              ("pages_status", 1, "the same loads, then a STATUS read: the exit, and the "
               "TLB it leaves cold", "pages")]
EXIT_KINDS_NEEDED = ("ram", "cpuid", "status", "irq")


def exits_cpu(c, mode, ec):
    """vCPU seconds per GB that a mode's exits cost, at this L1's measured
    price: an npf (MMIO) exit at a STATUS read's, any other at cpuid's."""
    e = (c.get("exits") or {}).get(mode)
    if not e or not e.get("mb"):
        return None
    npf = e.get("exit_reasons", {}).get("npf", 0)
    ns = npf * ec["status"]["cpu_ns"] + (e["exits"] - npf) * ec["cpuid"]["cpu_ns"]
    return ns / 1e9 / (e["mb"] / 1000)


def exit_cost_table(ec, configs, names):
    """What one exit costs in this L1, and what the exits of each config's
    TCP runs cost its vCPU per GB at that price."""
    if not all(k in ec for k in EXIT_KINDS_NEEDED):
        return []
    rows = ["### What an exit costs", "",
            "A guest of `selftests/kvm/e1000_exitcost.c` (in L1, before the L2 guests) "
            "repeats one access %s times; ns per access of wall time and of the vCPU "
            "thread's CPU time, and per exit over the loop alone (over the working set "
            "alone, after one)." % fmt(ec["ram"]["ops"]),
            "", "| access | exits | ns wall | ns vCPU | us vCPU per exit |",
            "|---|---:|---:|---:|---:|"]
    for k, n, what, base in EXIT_KINDS:
        if k not in ec or (base and base not in ec):
            continue
        rows.append("| %s: %s | %d | %s | %s | %s |" % (
            k, what, n, fmt(ec[k]["wall_ns"]), fmt(ec[k]["cpu_ns"]),
            fmt((ec[k]["cpu_ns"] - ec[base]["cpu_ns"]) / n / 1000, 1) if n else "-"))
    rows += ["", "At those prices (an npf exit at a STATUS read's, any other at "
             "`cpuid`'s), what the exits of the perf-monitored TCP runs cost the vCPU, "
             "against all the vCPU took (vCPU s/GB above):", "",
             "| config | guest->L1: exits' vCPU s/GB of all | L1->guest: exits' vCPU s/GB of all |",
             "|---|---:|---:|"]
    for n in names:
        c = configs[n]
        cells = []
        for mode in ("tcp_tx", "tcp_rx"):
            x, v = exits_cpu(c, mode, ec), c.get("%s_vcpu_s_per_gb" % mode)
            cells.append("%s of %s" % (fmt(x, 2), fmt(v, 2)) if x is not None else "-")
        if cells != ["-", "-"]:
            rows.append("| %s | %s | %s |" % (n, cells[0], cells[1]))
    rows.append("")
    return rows


def many_table(many, env):
    """Guests at once: aggregate TCP guest->L1 and fairness, per config."""
    if not many:
        return []
    rows = ["### %s guests at once" % env.get("many", "?"), "",
            "Each guest sends TCP to L1 (iperf3 `-R`) at the same time, for %s s, "
            "%s runs; *fairness* is the slowest guest's rate over the fastest's "
            "(medians). Every guest's QEMU runs on L1 CPU 0 (two L1 CPUs in SVM "
            "guest mode at once break L0's TCG: `tools/testbed/README.md`); "
            "vhost-net's workers and kvm-e1000's one sidecore (CPU 1) serve them. "
            "What the slowest guest of a run got over the fastest, of its vCPU "
            "thread's L1 CPU time and of the mean size of the frames it sent into "
            "its tap (GSO frames: its TCP's choice), tells a guest starved of CPU "
            "from one whose CPU moved less per frame."
            % (env.get("seconds", "?"), env.get("runs", "?")), "",
            "| config | aggregate Mbit/s | min-max | fairness | min-max "
            "| slowest/fastest vCPU time | slowest/fastest frame size "
            "| Mbit/s per guest (KB per frame), each run |",
            "|---|---:|---:|---:|---:|---:|---:|---|"]
    for n, m in many.items():
        if not m.get("runs"):
            rows.append("| %s | failed: nothing measured |||||||" % n)
            continue
        a, f = m["spread"]["aggregate_mbps"], m["spread"]["fairness"]
        kb = m.get("frame_kb") or [[] for _ in m["samples"]]
        rows.append("| %s%s | %s | %s-%s | %.2f | %.2f-%.2f | %s | %s | %s |" % (
            n, " (failed)" if m.get("failed") else "", fmt(m["aggregate_mbps"], 1),
            fmt(a[0], 1), fmt(a[1], 1), m["fairness"], f[0], f[1],
            share(m, "slowest_vcpu_share"), share(m, "slowest_frame_share"),
            "; ".join("/".join(fmt(x) for x in run) +
                      (" (%s)" % "/".join(fmt(x) for x in k) if k else "")
                      for run, k in zip(m["samples"], kb))))
    base = many.get("vhost-net", {}).get("aggregate_mbps")
    for n, m in many.items():
        if n.startswith("kvm-e1000") and base and m.get("aggregate_mbps"):
            rows.append("")
            rows.append("%s over vhost-net, aggregate: %.2fx." % (n, m["aggregate_mbps"] / base))
    notes = reboot_notes(many.items())
    if notes:
        rows += ["", "Runs in which a guest booted again are not counted; the bench made "
                 "them up with more runs:", ""] + notes
    rows.append("")
    return rows


def reboot_notes(items):
    """One line per guest that booted again mid-run (bench.sh's reboots)."""
    return ["- %s, %s" % (n, r) for n, c in items for r in c.get("reboots") or []]


def runs_cell(c):
    """Runs made, and how many of them measured every mode."""
    runs, whole = c.get("runs"), c.get("whole_runs")
    if runs is None:
        return "-"
    return str(runs) if whole in (None, runs) else "%s (%s whole)" % (runs, whole)


def plot(configs, png, work):
    """Two panels: TCP throughput, and exits per MB split kernel/userspace."""
    rows = [(n, c) for n, c in configs if c.get("tcp_tx_mbps") is not None]
    if not rows:
        return False
    os.makedirs(work, exist_ok=True)
    dat = os.path.join(work, "plot.dat")
    with open(dat, "w") as f:
        f.write("# config tcp_tx tcp_rx kernel_exits_per_mb user_exits_per_mb\n")
        for n, c in rows:
            f.write('"%s" %s %s %s %s\n' % (
                n, c["tcp_tx_mbps"], c["tcp_rx_mbps"],
                c.get("kernel_exits_per_mb") or 0, c.get("user_exits_per_mb") or 0))
    script = """
set terminal pngcairo size 1000,460 font "sans,10"
set output '{png}'
set multiplot layout 1,2
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.85
set grid ytics
set xtics rotate by -20 scale 0
set key outside bottom center horizontal
set yrange [0:*]
set title "TCP throughput (iperf3, median)"
set ylabel "Mbit/s"
set style histogram clustered gap 1
plot '{dat}' using 2:xtic(1) title "guest -> L1", '' using 3 title "L1 -> guest"
set title "VM exits per MB moved (TCP, both ways)"
set ylabel "exits / MB"
set style histogram rowstacked
plot '{dat}' using 4:xtic(1) title "handled in the kernel", '' using 5 title "to userspace"
unset multiplot
""".format(png=png, dat=dat)
    gp = os.path.join(work, "plot.gp")
    with open(gp, "w") as f:
        f.write(script)
    subprocess.run(["gnuplot", gp], check=True)
    return True


def render(res, png_name, plotted):
    env = res.get("env", {})
    configs = res["configs"]
    names = [n for n in ORDER if n in configs] + [n for n in configs if n not in ORDER]
    out = []
    w = out.append
    w("<!-- SPDX-License-Identifier: GPL-2.0 -->")
    w("<!-- Generated by tools/bench/bench.sh (make bench): do not edit. -->")
    w("# Benchmarks")
    w("")
    w("Real L2 Linux guests (Debian's 6.1 kernel, stock `e1000` / `virtio_net` "
      "drivers, 1 vCPU, 512 MiB) run by QEMU 7.2 with KVM inside the nested "
      "testbed (`tools/testbed/`): L0 is QEMU **TCG** on the host, so every "
      "number here is far below bare-metal speed. Compare the configs with each "
      "other, not with real hardware.")
    w("")
    w("Each guest talks to L1 over a tap (`169.254.x.0/24`). Throughput is iperf3 "
      "with the client in L1 and the server in the guest (`-R` for guest->L1); "
      "medians of %s runs of %s s. Exits are counted in a separate run per "
      "direction with `perf record` on `kvm:kvm_exit`, `kvm:kvm_userspace_exit`, "
      "`kvm:kvm_mmio`, `kvm:kvm_pio` for the QEMU process "
      "(`tools/bench/exits.sh`); *kernel* = `kvm_exit` - `kvm_userspace_exit`, "
      "*user* = returns to QEMU. Packets are the tap's rx+tx packets over that run."
      % (env.get("runs", "?"), env.get("seconds", "?")))
    w("")
    w("| config | TCP guest->L1 Mbit/s | TCP L1->guest Mbit/s | UDP 64 B guest->L1 pps "
      "| ping RTT us | TCP round trips/s | exits/MB | user exits/MB | kernel exits/MB "
      "| exits/packet | user exits/packet | UDP exits/packet |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    measured = []
    for n in names:
        c = configs[n]
        if c.get("skipped"):
            w("| %s | skipped: %s ||||||||||| |" % (n, c["skipped"]))
            continue
        if c.get("failed") and c.get("tcp_tx_mbps") is None and c.get("tcp_rx_mbps") is None:
            w("| %s | failed: no traffic measured (see the run's logs) ||||||||||| |" % n)
            continue
        measured.append(n)
        w("| %s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            n, " (failed)" if c.get("failed") else "",
            fmt(c["tcp_tx_mbps"], 1), fmt(c["tcp_rx_mbps"], 1), fmt(c["udp_tx_pps"]),
            fmt(c["rtt_us"]), fmt(c.get("rr_per_s")), fmt(c["exits_per_mb"]),
            fmt(c["user_exits_per_mb"]), fmt(c["kernel_exits_per_mb"]),
            fmt(c["exits_per_packet"], 2), fmt(c["user_exits_per_packet"], 2),
            fmt(c["udp_exits_per_packet"], 2)))
    w("")
    for n in names:
        w("- **%s**: %s." % (n, DESCR.get(n, n)))
    w("")
    if plotted:
        w("![TCP throughput and exits per MB](%s)" % png_name)
        w("")
    w("TCP round trips: one connection from L1 to the guest, Nagle off, a "
      "1-byte request answered by a 1-byte response, back to back for %s s "
      "(`tools/bench/rr.py`, the guest's `tools/bench/rr_echo.c`)."
      % env.get("seconds", "?"))
    w("")
    w("### Ratios to the anchors")
    w("")
    w("Medians over medians, side by side in this run; *CPU-s/GB* counts "
      "the serving threads and the vCPU thread together (lower is better).")
    w("")
    w("| config | %s |" % " | ".join(
        "%s (vs %s)" % (label, anchor) for _, anchor, label in RATIOS))
    w("|---|" + "---:|" * len(RATIOS))
    for row in ratios(configs, names):
        w(row)
    w("")
    w("### Host CPU per GB and per packet")
    w("")
    w("L1 CPU time (`/proc/PID/task/TID/schedstat`, `tools/bench/cpu.py`) of "
      "everything that serves the guest during each throughput run, over what "
      "the run moved; medians. *serve*: QEMU's threads but the vCPU, "
      "vhost-net's worker, kvm-e1000's worker or sidecore (a sidecore that "
      "polls is charged for all its time); *vCPU*: the guest's vCPU thread, "
      "which also runs KVM's and kvm-e1000's MMIO handlers, told apart by its "
      "name (`CPU n/KVM`, which QEMU gives only with `-name "
      "debug-threads=on`; the testbed's guests have it). UDP is per "
      "million packets on the tap.%s" % unnamed_vcpu(configs, measured))
    w("")
    table(w, ["config", "guest->L1 serve s/GB", "guest->L1 vCPU s/GB",
              "L1->guest serve s/GB", "L1->guest vCPU s/GB", "UDP serve s/Mpkt",
              "UDP vCPU s/Mpkt"],
          [[n] + [fmt(configs[n].get(k), d) for k, d in CPU_COLUMNS] for n in measured])
    for row in exit_cost_table(res.get("exit_cost") or {}, configs, measured):
        w(row)
    for row in many_table(res.get("many") or {}, env):
        w(row)
    w("### Spread (min-max over the runs)")
    w("")
    table(w, ["config", "runs", "TCP guest->L1 Mbit/s", "TCP L1->guest Mbit/s", "UDP pps",
              "ping RTT us", "TCP round trips/s"],
          [[n, runs_cell(configs[n])] + [span(configs[n], k, d) for k, d in SPREAD_COLUMNS]
           for n in measured])
    notes = reboot_notes((n, configs[n]) for n in measured)
    if notes:
        w("L0's nested TCG resets L2 guests, whatever their NIC (`tools/testbed/README.md`). "
          "A guest that booted again mid-run lost its servers; the bench started them again "
          "and made up the run (twice at most). The medians leave out what such a run did "
          "not measure:")
        w("")
        for line in notes:
            w(line)
        w("")
    w("## Exits by reason")
    w("")
    w("Counts over the perf-monitored run of each mode (tcp_tx and udp_tx are "
      "guest->L1, tcp_rx is L1->guest). SVM exit reasons as KVM's `kvm_exit` "
      "tracepoint names them.")
    w("")
    for n in names:
        c = configs[n]
        ex = c.get("exits") or {}
        if not ex:
            continue
        w("### %s" % n)
        w("")
        w("| mode | MB | packets | exits | kernel | user | top exit reasons | "
          "userspace exit reasons | MMIO (type: count) |")
        w("|---|---:|---:|---:|---:|---:|---|---|---|")
        for m in ("tcp_tx", "tcp_rx", "udp_tx"):
            e = ex.get(m)
            if not e:
                continue
            top = ", ".join("%s %s" % (k, fmt(v)) for k, v in list(e["exit_reasons"].items())[:5])
            usr = ", ".join("%s %s" % (k, fmt(v)) for k, v in e["user_exit_reasons"].items())
            mmio = ", ".join("%s %s" % (k, fmt(v)) for k, v in e["mmio"].items())
            w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                m, fmt(e.get("mb"), 1), fmt(e["packets"]), fmt(e["exits"]),
                fmt(e["kernel_exits"]), fmt(e["user_exits"]), top or "-", usr or "-",
                mmio or "-"))
        w("")
    w("## How this was measured")
    w("")
    w("```")
    w("%s" % env.get("command", "make bench"))
    w("```")
    w("")
    if env.get("boots"):
        w("Each config in a testbed boot of its own (%s boots: a fresh L1 each); "
          "`make bench` took %s s (worst testbed exit status %s)."
          % (env["boots"], env.get("wall_seconds", "?"), env.get("testbed_status", "?")))
    else:
        w("One testbed boot for all configs; `make bench` took %s s (testbed exit "
          "status %s)." % (env.get("wall_seconds", "?"), env.get("testbed_status", "?")))
    if env.get("lost_boot"):
        w("")
        w("Boots lost to L0's multi-threaded TCG (`tools/testbed/README.md`), each "
          "config measured again in a new boot: %s." % env["lost_boot"])
    w("")
    for key, label in (("date", "date (UTC)"), ("commit", "commit"),
                       ("host_cpu", "host CPU"), ("host_cpus", "host CPUs"),
                       ("qemu_l0", "L0 (TCG)"), ("l1_kernel", "L1 kernel"),
                       ("l1_cpus", "L1 vCPUs"), ("l1_mem_mb", "L1 memory MiB"),
                       ("qemu_l2", "L2 VMM (in L1)"), ("iperf3", "iperf3"),
                       ("perf", "perf")):
        if env.get(key):
            w("- %s: %s" % (label, env[key]))
    w("- L2: `-enable-kvm -cpu host -m 512 -smp 1`, tap with `vnet_hdr`, "
      "guest image from `tools/testbed/l2/build-image.sh`")
    w("")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("--doc", required=True)
    p.add_argument("--png", required=True)
    p.add_argument("--work", required=True)
    a = p.parse_args()
    with open(a.results) as f:
        res = json.load(f)
    configs = [(n, res["configs"][n]) for n in ORDER if n in res["configs"]]
    plotted = plot(configs, os.path.abspath(a.png), a.work)
    doc = render(res, os.path.relpath(a.png, os.path.dirname(os.path.abspath(a.doc))), plotted)
    with open(a.doc, "w") as f:
        f.write(doc)
    print("bench: wrote %s%s" % (os.path.relpath(a.doc), " and " + os.path.relpath(a.png)
                                 if plotted else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
