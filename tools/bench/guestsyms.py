#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Name the L2 guest's code in L1's perf samples (profile.sh).

  guestsyms.py L1_KALLSYMS GUEST_TEXT GUEST_MODSYMS REPORT [--top N] [--addrs N]

REPORT is `perf kvm --guest report --sort sym --stdio`: one line per guest
address, "PCT% [g] 0xADDR", which perf leaves unnamed.  The guest runs
L1's kernel, so L1_KALLSYMS (L1's /proc/kallsyms, read as root) names the
core kernel once its addresses are moved by the difference of the two
kernels' _text: GUEST_TEXT holds the guest's `_text` line.  GUEST_MODSYMS
holds the guest's module symbols (the lines of its /proc/kallsyms that
name a module), small enough for the guest's serial port, unlike the whole
table.  Prints the share of the guest-mode samples each module and each
of the top N symbols took, then (--addrs) the addresses that took most:
under nested TCG an instruction that exits (a register access, an MSR
write) collects the samples of the exit's way out as well.
"""

import argparse
import bisect
import re
import sys

TEXT_TYPES = set("tTwW")


def read_syms(path, want_module):
    """(address, name, module) of the text symbols in a kallsyms file."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) < 3 or w[1] not in TEXT_TYPES:
                continue
            try:
                addr = int(w[0], 16)
            except ValueError:
                continue
            mod = w[3].strip("[]") if len(w) > 3 else None
            if (mod is not None) != want_module or addr == 0:
                continue
            out.append((addr, w[2], mod or "kernel"))
    return out


def text_of(path):
    """The address of _text in a kallsyms file, or None."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.split()
            if len(w) >= 3 and w[2] == "_text":
                return int(w[0], 16)
    return None


def samples(path):
    """(share, address) of each guest address in a perf report."""
    pat = re.compile(r"^\s*([0-9.]+)%\s+.*\[g\]\s+0x([0-9a-f]+)")
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = pat.match(line)
            if m:
                out.append((float(m.group(1)), int(m.group(2), 16)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("l1_kallsyms")
    ap.add_argument("guest_text")
    ap.add_argument("guest_modsyms")
    ap.add_argument("report")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--addrs", type=int, default=0,
                    help="then the N addresses that took most, as SYMBOL+OFFSET")
    a = ap.parse_args()

    l1_text, guest_text = text_of(a.l1_kallsyms), text_of(a.guest_text)
    if l1_text is None or guest_text is None:
        sys.exit("guestsyms: no _text in L1's or the guest's kallsyms (not root?)")
    shift = guest_text - l1_text
    syms = [(addr + shift, n, m) for addr, n, m in read_syms(a.l1_kallsyms, False)]
    syms += read_syms(a.guest_modsyms, True)
    syms.sort()
    starts = [s[0] for s in syms]

    by_sym, by_mod, by_addr = {}, {}, {}
    total = 0.0
    for pct, addr in samples(a.report):
        i = bisect.bisect_right(starts, addr) - 1
        if i < 0:
            key = mod = where = "?"
        else:
            start, name, mod = syms[i]
            tag = "" if mod == "kernel" else f" [{mod}]"
            key, where = name + tag, f"{name}+{addr - start:#x}{tag}"
        by_sym[key] = by_sym.get(key, 0.0) + pct
        by_mod[mod] = by_mod.get(mod, 0.0) + pct
        by_addr[where] = by_addr.get(where, 0.0) + pct
        total += pct
    if total <= 0:
        print("no guest-mode samples")
        return
    print("by module: " + ", ".join(
        f"{m} {100 * v / total:.1f}%"
        for m, v in sorted(by_mod.items(), key=lambda kv: -kv[1])))
    for name, v in sorted(by_sym.items(), key=lambda kv: -kv[1])[:a.top]:
        print(f"{100 * v / total:6.2f}%  {name}")
    if a.addrs:
        print("the addresses that took most:")
    for where, v in sorted(by_addr.items(), key=lambda kv: -kv[1])[:a.addrs]:
        print(f"{100 * v / total:6.2f}%  {where}")


if __name__ == "__main__":
    main()
