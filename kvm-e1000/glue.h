/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel glue of kvm-e1000: the device object that binds one device core
 * to a VM, its BAR0 on KVM's MMIO bus, its interrupt line and its backend.
 */
#ifndef KVM_E1000_GLUE_H
#define KVM_E1000_GLUE_H

#include <linux/eventfd.h>
#include <linux/etherdevice.h>
#include <linux/hrtimer.h>
#include <linux/kvm_host.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <kvm/iodev.h>
#include <uapi/linux/kvm_e1000.h>

#include "core.h"
#include "doorbell.h"
#include "intx.h"

#define KVM_E1000_NAME	"kvm-e1000"

/*
 * Guest pages of one GSO frame's payload sent in place: 64 KiB in 48
 * pieces (E1000_TX_FRAGS) spans at most 64.  A frame that spans more is
 * copied instead.
 */
#define KVM_E1000_TX_PAGES	(SZ_64K / PAGE_SIZE + E1000_TX_FRAGS)

/* Interrupt line: an irqfd with a resample fd, as VFIO does for INTx. */
struct kvm_e1000_irq {
	struct eventfd_ctx *trigger;	/* NULL: no interrupts; under lock */
	struct eventfd_ctx *resample;
	struct e1000_intx intx;		/* what holds the line; under lock */
	wait_queue_entry_t resample_wait;
	struct work_struct resample_work;
};

struct kvm_e1000;

/* A moderation timer of the core, backed by an hrtimer. */
struct kvm_e1000_timer {
	struct hrtimer timer;
	struct kvm_e1000 *e;
	enum e1000_timer id;
};

/* Counters of the vCPU side, under e->lock. */
struct kvm_e1000_glue_counters {
	u64 mmio_bad_access;
	u64 irqs;
};

/*
 * Counters of the data path: the serving thread adds to a private copy
 * without the lock and folds it into the device's under the lock.
 */
struct kvm_e1000_dp_counters {
	u64 tx_frames;
	u64 tx_bytes;
	u64 tx_dropped;
	u64 rx_frames;
	u64 rx_bytes;
	u64 rx_dropped;
	u64 dma_errors;
	u64 tx_backpressure;
	u64 serve_ns;		/* added by kvm_e1000_serve() at the end */
	u64 tx_inplace;
};

/*
 * What one read of the tap may bring: a GSO frame of up to 64 KiB of IP
 * (the IPv4 total length, the IPv6 payload length) behind its Ethernet
 * header and a VLAN tag.  Frames the guest gets are far shorter: the
 * 82540EM receives 16 KiB at most (RCTL.LPE), and the core cuts GSO
 * frames to segments of their MSS.
 */
#define KVM_E1000_RX_BUF_SIZE	(SZ_64K + 256)

/* Frames taken off the tap's ring at once: a pass's RX budget. */
#define KVM_E1000_RXQ_BATCH	64

struct kvm_e1000_worker;
struct kvm_e1000_thread;
struct ptr_ring;

/* A register window on one of KVM's io buses (bar.c). */
struct kvm_e1000_window {
	struct kvm_io_device dev;
	u64 base;			/* KVM_E1000_BAR0_UNMAPPED: nowhere */
	bool on_bus;
};

/* What one VM's devices share (vm.c). */
struct kvm_e1000_vm {
	struct list_head node;		/* in vm.c's list, under its lock */
	struct kvm *kvm;		/* pinned by each of its devices */
	unsigned int ndevices;		/* under vm.c's lock */
	/* Places this VM's windows on its buses; guards @devices. */
	struct mutex lock;
	struct list_head devices;	/* kvm_e1000.vm_node */
};

struct kvm_e1000 {
	struct kvm *kvm;
	struct kvm_e1000_vm *vm;	/* NULL until it joined its VM */
	struct list_head vm_node;	/* in vm->devices, for overlap checks */

	/*
	 * BAR0 on KVM's MMIO bus, BAR2 (the I/O window) on its PIO bus;
	 * base and on_bus change only off the bus.
	 */
	struct kvm_e1000_window bar0;
	struct kvm_e1000_window bar2;

	/* Backend (tap.c). */
	struct file *tap;		/* NULL: no backend */
	struct socket *sock;
	/*
	 * Frames toward the guest, taken off tun's ring a batch at a time
	 * (tap.c); [rxq_head, rxq_tail) are still to be read.  Owned by
	 * the serving thread.
	 */
	struct ptr_ring *tap_ring;
	void *rxq[KVM_E1000_RXQ_BATCH];
	u16 rxq_head, rxq_tail;
	wait_queue_entry_t tap_wait;
	poll_table tap_pt;
	wait_queue_head_t *tap_wqh;
	/*
	 * The tap refused a frame for want of send buffer (its sndbuf is
	 * full of frames the host has not consumed yet): TX waits, the
	 * frame kept at the ring's head, until the tap is writable again.
	 */
	bool tx_blocked;
	long tap_offload;		/* TUN_F_* to restore, or -1 */

	/* Who serves the rings (worker.c); worker changes under lock. */
	struct kvm_e1000_worker *worker;
	struct list_head worker_node;	/* in worker->devices, RCU */
	int sidecore;
	/*
	 * The device's own serving state (worker.c): one pass at a time,
	 * claimed by @server; a pass about to sleep in a fault of guest
	 * memory sets @blocked, and a detach sets @abort to cut it short.
	 */
	atomic_t serving;
	struct kvm_e1000_thread *server;
	bool blocked;			/* under lock */
	bool abort;			/* under lock */
	/* Stopped for migration: no pass at all (migrate.c). */
	bool paused;
	/*
	 * A sidecore's share for it (worker.c): serve time it may still take
	 * this round, negative while it owes for a long pass; touched only by
	 * the thread that claimed the device.
	 */
	s64 credit_ns;

	/* Data path state, owned by the serving thread (datapath.c). */
	atomic_t dma_seq;		/* odd during a round: kvm_e1000_dma_fence() */
	int srcu_idx;			/* of kvm->srcu, during a pass */
	struct e1000_tx_pass txp;
	/*
	 * A GSO frame sent in one copy (platform.c): the virtio-net header
	 * and the frame's headers in @tx_head (a page of ours), then the
	 * guest pages of its payload, as @tx_bvec[0] and [1...].
	 */
	u8 *tx_head;
	struct bio_vec *tx_bvec;	/* KVM_E1000_TX_PAGES + 1 */
	struct e1000_rx_pass *rxp;
	u8 *rx_buf;			/* the frame in hand */
	u32 rx_len;
	/*
	 * ...or, for a TCP GSO frame, the skb that holds it (a reference of
	 * ours) and its pieces there: segmented from where tun has it.
	 */
	struct sk_buff *rx_skb;
	struct e1000_rx_sg rx_sg;
	struct e1000_rx_meta rx_meta;
	struct e1000_rx_gso rx_gso;	/* its segments, if GSO */
	/* Frames behind it in the packet buffer (datapath.c), in order. */
	struct list_head rx_held;
	u32 rx_held_bytes;
	u64 rx_resets;			/* core.cnt.resets the last pass saw */
	u64 rx_stall_since;		/* waiting for guest buffers since */
	bool rx_overrun;		/* dropping until buffers appear */
	struct hrtimer rx_stall_timer;
	u64 rx_wait_since;		/* a worker's RX page: see db_wants_ring */
	struct hrtimer db_grace_timer;
	struct kvm_e1000_dp_counters acc;
	struct kvm_e1000_dp_counters stats;	/* under lock */
	/* Doorbell pages BAR0's ring registers are mirrored to, or NULL. */
	struct page *db_pages[E1000_DB_SIZE / PAGE_SIZE];
	/*
	 * The VMM's mappings of them (vfio_mmap.c), or NULL.  While armed,
	 * they are zapped: the guest's next access faults, and the fault
	 * handler kicks us (kvm_e1000_db_arm()).
	 */
	struct address_space *db_mapping;
	bool db_armed;
	/*
	 * How much of the pages, from E1000_DB_BASE, the VMM may map: both
	 * for a sidecore, which polls them; only the RX page for a worker,
	 * which polls nothing (kvm_e1000_db_wants_ring()).  Set at build.
	 */
	u32 db_span;

	/*
	 * Serialises every call into the core: vCPUs, timers, ioctls.  Take
	 * it with kvm_e1000_lock() around anything that reads or writes the
	 * core's registers, so the doorbell mirror stays in step.
	 */
	spinlock_t lock;
	struct e1000_core core;
	struct e1000_db db;		/* under lock */
	bool dead;			/* being torn down: arm no timer */
	struct kvm_e1000_timer timers[E1000_NTIMERS];

	struct kvm_e1000_irq irq;
	struct kvm_e1000_glue_counters cnt;
};

/*
 * What a new device is bound to.  Each reference (VM, tap file, eventfd
 * files) passes to the device built from it, or is dropped on failure.
 */
struct kvm_e1000_params {
	struct kvm *kvm;
	struct file *tap;		/* NULL: no backend */
	long tap_offload;		/* its TUN_F_* when bound, or -1 */
	struct file *trigger;		/* INTx eventfds, NULL: none yet */
	struct file *resample;
	u64 bar0;			/* or KVM_E1000_BAR0_UNMAPPED */
	s32 sidecore;			/* or KVM_E1000_NO_SIDECORE */
	u8 mac[ETH_ALEN];		/* all zero: a random one */
	bool doorbell_pages;		/* mirror the ring registers to RAM */
	enum e1000_model model;
};

/* dev.c */
int kvm_e1000_create(const struct kvm_e1000_create *args);
struct kvm_e1000 *kvm_e1000_build(struct kvm_e1000_params *p);
void kvm_e1000_destroy(struct kvm_e1000 *e);
void kvm_e1000_reset(struct kvm_e1000 *e);
void kvm_e1000_set_bus_master(struct kvm_e1000 *e, bool on);
int kvm_e1000_check_sidecore(s32 cpu, bool caller);
int kvm_e1000_model(u32 abi_model, enum e1000_model *model);

/* migrate.c */
int kvm_e1000_state_save(struct kvm_e1000 *e, void *buf);
int kvm_e1000_state_load(struct kvm_e1000 *e, const void *buf, u32 len,
			 u32 *reason);
int kvm_e1000_state_check(struct kvm_e1000 *e, const void *buf, u32 len,
			  u32 *reason);
int kvm_e1000_get_state(struct kvm_e1000 *e, void __user *argp);
int kvm_e1000_set_state(struct kvm_e1000 *e, void __user *argp);
int kvm_e1000_pause(struct kvm_e1000 *e);
void kvm_e1000_unpause(struct kvm_e1000 *e);

/* vm.c */
int kvm_e1000_vm_join(struct kvm_e1000 *e);
void kvm_e1000_vm_leave(struct kvm_e1000 *e);

/* stats.c: the counters, from the one table in stats.h. */
void kvm_e1000_get_stats(struct kvm_e1000 *e, struct kvm_e1000_stats *st);
int kvm_e1000_stats_emit(char *buf, const struct kvm_e1000_stats *st);

/* bar.c */
void kvm_e1000_bar_attach(struct kvm_e1000 *e);
int kvm_e1000_bar_place(struct kvm_e1000 *e, u64 gpa);
int kvm_e1000_bar2_place(struct kvm_e1000 *e, u64 port);
int kvm_e1000_bar_access(struct kvm_e1000 *e, bool io, u64 off, void *val,
			 int len, bool write);
void kvm_e1000_bar_detach(struct kvm_e1000 *e);

/* tap.c */
struct file *kvm_e1000_tap_fget(int fd, char *name, long *offload);
void kvm_e1000_tap_attach(struct kvm_e1000 *e, struct file *file);
void kvm_e1000_tap_offload_take(struct kvm_e1000 *e, long old);
void kvm_e1000_tap_offload_give(struct kvm_e1000 *e);
void kvm_e1000_tap_detach(struct kvm_e1000 *e);
int kvm_e1000_tap_send(struct kvm_e1000 *e, const u8 *frame, u32 len,
		       const struct e1000_tx_meta *meta);
int kvm_e1000_tap_send_pages(struct kvm_e1000 *e, const u8 *hdr, u32 hdr_len,
			     u32 npages, u32 payload,
			     const struct e1000_tx_meta *meta);
int kvm_e1000_tap_recv(struct kvm_e1000 *e, u8 *buf, u32 size,
		       struct e1000_rx_meta *meta, bool pieces);
int kvm_e1000_tap_peek(struct kvm_e1000 *e);
bool kvm_e1000_tap_pending(struct kvm_e1000 *e);
void kvm_e1000_tap_block_tx(struct kvm_e1000 *e);

/* worker.c */
int kvm_e1000_workers_init(void);
void kvm_e1000_workers_exit(void);
int kvm_e1000_worker_attach(struct kvm_e1000 *e, int cpu);
void kvm_e1000_worker_detach(struct kvm_e1000 *e);
int kvm_e1000_worker_move(struct kvm_e1000 *e, int cpu);
void kvm_e1000_worker_kick(struct kvm_e1000 *e);
void kvm_e1000_worker_kick_unlocked(struct kvm_e1000 *e);
int kvm_e1000_worker_quiesce(struct kvm_e1000 *e);
void kvm_e1000_worker_resume(struct kvm_e1000 *e);
bool kvm_e1000_worker_block_begin(struct kvm_e1000 *e);
void kvm_e1000_worker_block_end(struct kvm_e1000 *e);

/* datapath.c */
int kvm_e1000_datapath_init(struct kvm_e1000 *e);
int kvm_e1000_db_init(struct kvm_e1000 *e, bool polled);
void kvm_e1000_datapath_release(struct kvm_e1000 *e);
bool kvm_e1000_serve(struct kvm_e1000 *e);
void kvm_e1000_dma_fence(struct kvm_e1000 *e);
bool kvm_e1000_db_wants_ring(struct kvm_e1000 *e);
bool kvm_e1000_db_arm(struct kvm_e1000 *e);
void kvm_e1000_db_touched(struct kvm_e1000 *e);

/* Whoever serves @e must poll: its ring registers live in guest RAM. */
static inline bool kvm_e1000_db_mapped(const struct kvm_e1000 *e)
{
	return e->db_pages[0];
}

/*
 * A section that calls into the core's registers: what the guest stored in
 * the doorbell pages is applied first (in bus order, before the access
 * that follows it), and what the device changed is published last.
 */
static inline unsigned long kvm_e1000_lock(struct kvm_e1000 *e)
	__acquires(&e->lock)
{
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	e1000_db_pull(&e->db, &e->core);
	return flags;
}

static inline void kvm_e1000_unlock(struct kvm_e1000 *e, unsigned long flags)
	__releases(&e->lock)
{
	e1000_db_push(&e->db, &e->core);
	spin_unlock_irqrestore(&e->lock, flags);
}

/* platform.c */
void kvm_e1000_platform_init(struct kvm_e1000 *e, const u8 mac[6],
			     enum e1000_model model);
void kvm_e1000_platform_stop(struct kvm_e1000 *e);

/* iobus.c: KVM's unexported io-bus registration, resolved at load time. */
int kvm_e1000_iobus_init(void);
int kvm_e1000_iobus_register(struct kvm *kvm, enum kvm_bus bus, gpa_t addr,
			     int len, struct kvm_io_device *dev);
void kvm_e1000_iobus_unregister(struct kvm *kvm, enum kvm_bus bus,
				struct kvm_io_device *dev);

/* irq.c */
struct file *kvm_e1000_eventfd_fget(int fd);
void kvm_e1000_irq_init(struct kvm_e1000 *e);
void kvm_e1000_irq_set_trigger(struct kvm_e1000 *e, struct file *file);
void kvm_e1000_irq_set_resample(struct kvm_e1000 *e, struct file *file);
bool kvm_e1000_irq_is_trigger(struct kvm_e1000 *e, struct file *file);
void kvm_e1000_irq_mask(struct kvm_e1000 *e, bool masked);
void kvm_e1000_irq_disable(struct kvm_e1000 *e, bool disabled);
void kvm_e1000_irq_stop(struct kvm_e1000 *e, bool stopped);
bool kvm_e1000_irq_line(struct kvm_e1000 *e);
void kvm_e1000_irq_fire(struct kvm_e1000 *e);
void kvm_e1000_irq_release(struct kvm_e1000 *e);
void kvm_e1000_irq_set(struct kvm_e1000 *e, bool level);

/* mdev.c: the VFIO mediated-device route, for stock QEMU and libvirt. */
int kvm_e1000_mdev_init(void);
void kvm_e1000_mdev_exit(void);
int kvm_e1000_mdev_bind(const struct kvm_e1000_mdev_bind *args);

#endif /* KVM_E1000_GLUE_H */
