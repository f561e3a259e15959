#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ramgrep.py FILE VALUE...: where a guest's RAM, saved from GPA 0 by
QEMU's pmemsave into FILE, holds one of the 64-bit VALUES (hex) as an
aligned little-endian qword: a line "GPA VALUE GPA%16" for each, at most
20; status 1 when FILE cannot be read.  The post-mortem of a guest whose
CR3 points past its RAM (l2_walk_dump) asks it where the kernel pointer
CR3 was built from lies:
a descriptor write-back changes bit 32 of the qword at offset 8 of a
16-byte descriptor."""
import mmap
import struct
import sys

MAX_HITS = 20


def main(argv):
    if len(argv) < 3:
        print(__doc__.split("\n", 1)[0], file=sys.stderr)
        return 2
    try:
        values = sorted({int(v, 16) & (2**64 - 1) for v in argv[2:]})
    except ValueError as e:
        print(f"ramgrep.py: {e}", file=sys.stderr)
        return 2
    try:
        with open(argv[1], "rb") as f, \
                mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as ram:
            grep(ram, values)
    except (OSError, ValueError) as e:
        # No file, or an empty one (mmap refuses it): nothing is known.
        print(f"ramgrep.py: {argv[1]}: {e}", file=sys.stderr)
        return 1
    return 0


def grep(ram, values):
    hits = 0
    for v in values:
        key = struct.pack("<Q", v)
        i = ram.find(key)
        while i != -1 and hits < MAX_HITS:
            if i % 8 == 0:
                print(f"0x{i:x} 0x{v:016x} {i % 16}")
                hits += 1
            i = ram.find(key, i + 1)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
