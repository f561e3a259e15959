/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device's counters, listed once.  Each line is
 * KVM_E1000_STAT(field, value): a field of the uapi struct kvm_e1000_stats
 * and where the device `e` (a struct kvm_e1000 *) keeps that counter.
 *
 * Like KVM's kvm-x86-ops.h, this file is included once per use, with
 * KVM_E1000_STAT defined to what that use needs (stats.c: the copy of
 * KVM_E1000_GET_STATS, the names of the sysfs "stats" lines, the layout
 * checks).  The build fails unless the lines are the uapi struct's fields,
 * all of them, in its order: a new counter is a uapi field plus its line.
 */
#ifndef KVM_E1000_STAT
#error "define KVM_E1000_STAT(field, value) before including stats.h"
#endif

KVM_E1000_STAT(mmio_reads,	e->core.cnt.mmio_reads)
KVM_E1000_STAT(mmio_writes,	e->core.cnt.mmio_writes)
KVM_E1000_STAT(mmio_unknown,	e->core.cnt.mmio_unknown)
KVM_E1000_STAT(mmio_bad_access,	e->cnt.mmio_bad_access)
KVM_E1000_STAT(tx_frames,	e->stats.tx_frames)
KVM_E1000_STAT(tx_bytes,	e->stats.tx_bytes)
KVM_E1000_STAT(rx_frames,	e->stats.rx_frames)
KVM_E1000_STAT(rx_bytes,	e->stats.rx_bytes)
KVM_E1000_STAT(tx_dropped,	e->stats.tx_dropped)
KVM_E1000_STAT(rx_dropped,	e->stats.rx_dropped)
KVM_E1000_STAT(irqs,		e->cnt.irqs)
KVM_E1000_STAT(dma_errors,	e->stats.dma_errors)
KVM_E1000_STAT(desc_errors,	e->core.cnt.desc_errors)
KVM_E1000_STAT(resets,		e->core.cnt.resets)
KVM_E1000_STAT(doorbell_writes,	e->db.writes)
KVM_E1000_STAT(tx_backpressure,	e->stats.tx_backpressure)
KVM_E1000_STAT(serve_ns,	e->stats.serve_ns)
KVM_E1000_STAT(tx_inplace,	e->stats.tx_inplace)

#undef KVM_E1000_STAT
