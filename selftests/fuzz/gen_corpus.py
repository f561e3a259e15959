#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write the fuzzer's seed corpus (operation encoding: see fuzz_core.c)."""
import os
import struct
import sys

OP_WRITE, OP_READ, OP_MEM, OP_TIMER, OP_RAISE, OP_RESET, OP_DELAY, \
    OP_EEBIT, OP_STAT, OP_MDIC, OP_IO, OP_TX, OP_RX, OP_BACKEND, \
    OP_DB_MAP, OP_DB_STORE, OP_CFG_READ, OP_CFG_WRITE, OP_RX_GSO, \
    OP_STATE = range(20)
STATE_RAW, STATE_FIX, STATE_FULL, STATE_TRUNC = 1, 2, 4, 8
MEM_BASE = 0x100000

CTRL, STATUS, EECD, EERD, MDIC = 0x0, 0x8, 0x10, 0x14, 0x20
ICR, ICS, IMS, IMC, RCTL, TCTL = 0xC0, 0xC8, 0xD0, 0xD8, 0x100, 0x400
RDBAL, RDLEN, RDT, RDTR = 0x2800, 0x2808, 0x2818, 0x2820
TDBAL, TDLEN, TDT, TIDV = 0x3800, 0x3808, 0x3818, 0x3820
TDH = 0x3810
MANC, MTA, RA, GORCL, GORCH = 0x5820, 0x5200, 0x5400, 0x4088, 0x408C


def wr(off, val):
    return struct.pack('<BHI', OP_WRITE, off // 4, val & 0xFFFFFFFF)


def rd(off):
    return struct.pack('<BH', OP_READ, off // 4)


def mdic(op, reg, data=0, phy=1):
    return struct.pack('<BI', OP_MDIC, op << 26 | phy << 21 | reg << 16 | data)


def eebits(value, count):
    return b''.join(struct.pack('<BB', OP_EEBIT, (value >> i) & 1)
                    for i in reversed(range(count)))


def ee_read_word(addr):
    # opcode 110b, 6 address bits, 16 data clocks, then CS low
    return (eebits(0b110, 3) + eebits(addr, 6) + eebits(0, 16) +
            struct.pack('<BB', OP_EEBIT, 2))


def linux_probe():
    s = wr(IMC, 0xFFFFFFFF) + wr(RCTL, 0) + wr(TCTL, 0x8)
    # CTRL.RST through the I/O BAR, as e1000_reset_hw() does on an 82540
    s += rd(CTRL) + struct.pack('<BBI', OP_IO, 0x80, CTRL)
    s += struct.pack('<BBI', OP_IO, 0x84, 0x04000000) + rd(MANC) + wr(MANC, 0)
    s += wr(IMC, 0xFFFFFFFF) + rd(ICR) + rd(EECD)
    for addr in range(3):
        s += ee_read_word(addr)
    s += wr(CTRL, 0x41) + mdic(2, 2) + rd(MDIC) + mdic(2, 3) + rd(MDIC)
    s += wr(CTRL, 0x80000041) + wr(CTRL, 0x41)
    s += mdic(1, 0x10, 0x0068) + mdic(1, 0, 0x9140) + mdic(1, 4, 0x0DE1)
    s += mdic(1, 9, 0x0200) + mdic(1, 0, 0x1340) + mdic(2, 1) + rd(MDIC)
    s += rd(STATUS) + wr(IMS, 0x9D) + wr(ICS, 0x4) + rd(ICR)
    return s


def eecd_read():
    s = wr(EECD, 0x40) + rd(EECD)
    for addr in (0, 0x0D, 0x3F):
        s += ee_read_word(addr)
    s += wr(EERD, 0x0D01) + rd(EERD)
    return s


def reg_test():
    s = rd(STATUS) + wr(STATUS, 0xFFFFF833) + rd(STATUS)
    for off, val in ((0x28, 0x5A5A5A5A), (RDLEN, 0xA5A5A5A5), (RDTR, ~0),
                     (RA + 4, 0xFFFFFFFF), (MTA, 0x5A5A5A5A),
                     (RCTL, 0x06DFB3FE), (TIDV, 0xFFFF)):
        s += wr(off, val) + rd(off)
    return s


def rings_and_irqs():
    s = struct.pack('<BHB', OP_MEM, 0, 16) + bytes(range(16))
    s += wr(TDBAL, 0x100000) + wr(TDLEN, 4096) + wr(TCTL, 0x2) + wr(TDT, 1)
    s += wr(RDBAL, 0x101000) + wr(RDLEN, 4096) + wr(RCTL, 0x2) + wr(RDT, 255)
    s += wr(IMS, 0x81) + struct.pack('<BI', OP_DELAY, 0x81)
    s += struct.pack('<BB', OP_TIMER, 1) + rd(ICR)
    s += struct.pack('<BI', OP_DELAY, 0x80) + wr(RDTR, 0x80000010) + rd(ICR)
    s += struct.pack('<BI', OP_RAISE, 0x4) + wr(IMC, 0x4) + wr(ICS, 0x1)
    s += struct.pack('<BBI', OP_STAT, (GORCL - 0x4000) // 4, 70000)
    s += rd(GORCL) + rd(GORCH) + struct.pack('<B', OP_RESET)
    return s


def mem(off, data):
    return struct.pack('<BHB', OP_MEM, off, len(data)) + data


def tcp4_frame(pay):
    eth = bytes.fromhex('02005e10203f021122334455') + b'\x08\x00'
    ip = bytes.fromhex('45000000123400004006') + b'\x00\x00' + \
        bytes.fromhex('a9fe0102a9fe0304')
    tcp = bytes.fromhex('9c40138910203040000000005018ffff00000000')
    return eth + ip + tcp + bytes(range(pay))


def tx_rings():
    # TX ring of 8 at 0, frame data at 0x400; RX ring of 8 at 0x800,
    # buffers from 0x1000.
    f = tcp4_frame(60)
    s = wr(0x0, 0x40000041) + mem(0x400, f)
    # context (TSE, TCP, IP; MSS 64, hdr 54) then data with TSE, IXSM|TXSM
    ctx = struct.pack('<BBHBBHIBBH', 14, 24, 33, 34, 50, 0,
                      (len(f) - 54) | 0x27000000, 0, 54, 64)
    data = struct.pack('<QII', MEM_BASE + 0x400,
                       len(f) | 0x2D100000 | 0x40000000, 0x03000000 | 5 << 16)
    legacy = struct.pack('<QHBBBBH', MEM_BASE + 0x400, len(f), 50, 0x0F, 0,
                         34, 0)
    s += mem(0, ctx + data + legacy)
    s += wr(TDBAL, MEM_BASE) + wr(TDLEN, 128) + wr(TCTL, 0xA) + wr(TDT, 3)
    s += wr(IMS, 0x9F) + struct.pack('<BB', OP_TX, 16) + rd(ICR)
    s += struct.pack('<BB', OP_BACKEND, 1) + wr(TDH, 0) + wr(TDT, 3)
    s += struct.pack('<BB', OP_TX, 16)
    rx = b''.join(struct.pack('<QQ', MEM_BASE + 0x1000 + 0x100 * i, 0)
                  for i in range(8))
    s += mem(0x800, rx[:128])
    s += wr(RDBAL, MEM_BASE + 0x800) + wr(RDLEN, 128) + wr(RDT, 7)
    s += wr(RCTL, 0x00038002 | 0x8000)      # 256-byte buffers, BAM
    s += struct.pack('<BBHHH', OP_RX, 2, 34, 16, len(f)) + f
    s += struct.pack('<BBHHH', OP_RX, 0, 0, 0, 600) + \
        b'\xff' * 6 + bytes(594)
    # loopback: the TX frames land in the RX ring
    s += wr(RCTL, 0x00038042 | 0x8000) + wr(TDH, 0) + wr(TDT, 3)
    s += struct.pack('<BB', OP_TX, 16) + rd(ICR)
    s += struct.pack('<BB', OP_BACKEND, 4) + wr(TDH, 0) + wr(TDT, 3)
    s += struct.pack('<BB', OP_TX, 16) + struct.pack('<BB', OP_TX, 16)
    return s


def rx_gso():
    # RX ring of 8 at 0x800, 2 KiB buffers from 0x1000, 3 of them free: a
    # TCPv4 GSO frame of 5 segments stops after 3 and resumes after RDT.
    f = bytearray(tcp4_frame(200)) + bytes(i % 251 for i in range(4800))
    f[16:18] = struct.pack('>H', len(f) - 14)
    rx = b''.join(struct.pack('<QQ', MEM_BASE + 0x1000 + 0x800 * i, 0)
                  for i in range(8))
    s = mem(0x800, rx[:128])
    s += wr(RDBAL, MEM_BASE + 0x800) + wr(RDLEN, 128) + wr(RDT, 3)
    s += wr(RCTL, 0x04008002)              # SECRC, BAM, 2 KiB buffers
    # Type 1 (TCPv4) in pieces of 5 * 7 bytes, as an skb's fragments.
    s += struct.pack('<BBHBHHH', OP_RX_GSO, 1 | 5 << 2, 1000, 2, 34, 16,
                     len(f)) + bytes(f)
    s += wr(RDT, 7) + struct.pack('<BB', OP_RX_GSO, 0x80) + rd(ICR)
    return s


def doorbell_and_pci():
    # PCI: BAR0, BAR2, COMMAND (IO | MEM | MASTER), then D3hot and back.
    s = struct.pack('<BBBI', OP_CFG_WRITE, 0x10, 4, 0xfebc0000)
    s += struct.pack('<BBBI', OP_CFG_WRITE, 0x18, 4, 0xc001)
    s += struct.pack('<BBBI', OP_CFG_WRITE, 0x04, 2, 0x7)
    s += struct.pack('<BBB', OP_CFG_READ, 0x04, 4)
    # Doorbell pages: a TX ring set up through them, TDT stored by the guest.
    s += struct.pack('<BB', OP_DB_MAP, 1) + mem(0x400, tcp4_frame(20))
    legacy = struct.pack('<QHBBBBH', MEM_BASE + 0x400, 74, 0, 0x0B, 0, 0, 0)
    s += mem(0, legacy) + wr(TCTL, 0xA)
    for off, val in ((TDBAL, MEM_BASE), (TDLEN, 128 + 0x7F), (TDT, 1)):
        s += struct.pack('<BHI', OP_DB_STORE, (off - 0x2000) // 4, val)
    s += struct.pack('<BB', OP_TX, 16) + rd(TDH)
    s += struct.pack('<BHI', OP_DB_STORE, (TDT - 0x2000) // 4, 0x12345)
    s += struct.pack('<BBBI', OP_CFG_WRITE, 0xe0, 2, 0x3)   # D3hot
    s += struct.pack('<BB', OP_TX, 16)
    s += struct.pack('<BBBI', OP_CFG_WRITE, 0xe0, 2, 0x0)   # D0: reset
    s += struct.pack('<BB', OP_DB_MAP, 0)
    return s


def state(mode, patches=()):
    s = struct.pack('<BBB', OP_STATE, mode, len(patches))
    for off, val in patches:
        s += struct.pack('<HH', off // 2, val)
    return s


def device_state():
    # A device with rings and a frame in progress, saved and loaded back;
    # then with fields changed (checksum made right), then raw bytes.
    s = tx_rings()
    s += state(0) + state(STATE_FIX, ((32 + IMS, 0xFFFF), (32 + CTRL, 0x40)))
    s += state(STATE_FIX, ((32 + 0x6000 + 10, 0x1234),))
    s += state(STATE_RAW | STATE_FIX, ((40, 0x5555),))
    s += state(STATE_TRUNC) + state(0)
    return s + rd(ICR) + struct.pack('<BB', OP_TX, 8)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'corpus')
    os.makedirs(out, exist_ok=True)
    for name, data in (('linux_probe', linux_probe()),
                       ('eecd_read', eecd_read()),
                       ('reg_test', reg_test()),
                       ('rings_and_irqs', rings_and_irqs()),
                       ('data_path', tx_rings()),
                       ('rx_gso', rx_gso()),
                       ('doorbell_and_pci', doorbell_and_pci()),
                       ('device_state', device_state())):
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
