/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm-e1000: an in-kernel Intel 82540EM/82545EM (e1000) device model for
 * KVM.
 *
 * Userspace ABI of /dev/kvm-e1000.
 *
 * A VMM opens /dev/kvm-e1000 (root-only by default, like /dev/vhost-net)
 * and issues KVM_E1000_CREATE with a KVM VM file descriptor.  The module
 * then serves the device's 128 KiB memory BAR (BAR0) on that VM's KVM MMIO
 * bus: every register access of the guest is answered in the host kernel,
 * none reaches userspace.  The ioctl returns a new file descriptor that
 * stands for the device; closing it (or the process exiting) detaches the
 * device from the VM and releases everything it holds.  The VM, the tap and
 * the eventfds may be closed in any order: the device keeps its own
 * references until its file descriptor is closed.
 *
 * Errors (negative return, errno set):
 *   EBADF   a file descriptor field is not an open file descriptor
 *   EINVAL  a field holds a value outside its documented range, a reserved
 *           field or flag is set, a file descriptor is of the wrong kind
 *           (not a KVM VM, not a tap as @tap_fd describes, not an eventfd),
 *           the BAR address is not 128 KiB aligned, or the MAC address is
 *           multicast
 *   EPERM   the VM belongs to another process (a VM fd that leaked to it),
 *           or the sidecore CPU is outside the caller's allowed CPUs (its
 *           affinity and cpuset)
 *   EEXIST  another kvm-e1000 device of the same VM overlaps the BAR
 *   ENOSPC  KVM's MMIO bus has no room for another device, or the module's
 *           limits are reached: max_devices on the host, max_devices_per_vm
 *           for one VM (module parameters, default 256 and 16)
 *   ENOTTY  unknown ioctl
 *   EFAULT  the argument pointer is bad
 */
#ifndef _UAPI_LINUX_KVM_E1000_H
#define _UAPI_LINUX_KVM_E1000_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define KVM_E1000_API_VERSION		1

/* Size of BAR0, the memory-mapped register window (82540EM: 128 KiB). */
#define KVM_E1000_BAR0_SIZE		0x20000ULL

/* bar0_gpa value meaning "not mapped": the device answers no MMIO. */
#define KVM_E1000_BAR0_UNMAPPED		(~0ULL)

/* No file descriptor (tap, irqfd, resamplefd) and no sidecore. */
#define KVM_E1000_NO_FD			(-1)
#define KVM_E1000_NO_SIDECORE		(-1)

/* No flags are defined yet; every bit of kvm_e1000_create.flags is reserved. */
#define KVM_E1000_CREATE_FLAGS_ALL	0U

/*
 * The part a device is (kvm_e1000_create.model).  Both run the same MAC,
 * EEPROM layout and PHY; they differ in their PCI IDs and the EEPROM
 * words holding them, and the 82545EM has a PCI-X capability.
 *   82540EM  8086:100E, subsystem 8086:001E (PRO/1000 MT Desktop): QEMU's
 *            "e1000"; the default
 *   82545EM  8086:100F, subsystem 8086:1001 (PRO/1000 MT Server): QEMU's
 *            "e1000-82545em", VMware's default virtual NIC
 * With this ABI the VMM emulates the configuration space itself, so it
 * must show the same IDs; the device's EEPROM (EERD, EECD) carries them.
 */
#define KVM_E1000_MODEL_82540EM		0
#define KVM_E1000_MODEL_82545EM		1

/**
 * struct kvm_e1000_create - argument of KVM_E1000_CREATE
 * @vm_fd:	a KVM VM file descriptor (from KVM_CREATE_VM).  The device holds
 *		a reference on the VM until the device fd is closed.
 * @tap_fd:	a tap file descriptor (/dev/net/tun with IFF_TAP | IFF_NO_PI |
 *		IFF_VNET_HDR, the default 10-byte virtio-net header) carrying
 *		the device's frames, or KVM_E1000_NO_FD: transmitted frames are
 *		then dropped (and counted) and nothing is received.  Frames to
 *		the host carry checksum and TSO work as virtio-net header
 *		metadata.  While the device holds the tap it owns the tap's
 *		offloads (TUNSETOFFLOAD): it enables TUN_F_CSUM and TCP
 *		segmentation (TSO4, TSO6, TSO_ECN), cuts the host's GSO frames
 *		into the guest's buffers, and restores the previous settings
 *		when it is closed.  Do not change them meanwhile, nor give one
 *		tap to two devices.  Checked when given: a tun descriptor that
 *		is not attached to an interface, is IFF_TUN, lacks IFF_VNET_HDR
 *		or has another header size (TUNSETVNETHDRSZ) is EINVAL.  IFF_NO_PI
 *		cannot be checked (tun reports another flag in its bit): a tap
 *		without it sends every frame with a 4-byte prefix.
 * @irqfd:	an eventfd registered with KVM_IRQFD and
 *		KVM_IRQFD_FLAG_RESAMPLE on the guest's INTx GSI, or
 *		KVM_E1000_NO_FD for a device without interrupts.  The module
 *		signals it when the interrupt line rises (ICR & IMS != 0).
 * @resamplefd: the resample eventfd of that KVM_IRQFD registration.  KVM
 *		signals it when the guest acknowledges the level interrupt; the
 *		module then raises the line again if ICR & IMS is still set.
 *		Must be KVM_E1000_NO_FD exactly when @irqfd is, and not the
 *		same eventfd as @irqfd.
 * @bar0_gpa:	guest-physical base of BAR0, 128 KiB aligned, or
 *		KVM_E1000_BAR0_UNMAPPED.
 * @sidecore:	CPU whose sidecore thread polls this device's rings, or
 *		KVM_E1000_NO_SIDECORE for a per-device worker thread woken by
 *		doorbell writes and tap readiness.  Must be an online CPU.
 * @flags:	must be 0.
 * @mac:	the station address, stored in the EEPROM and in RAL0/RAH0.
 *		All zeroes asks for a random locally administered address; a
 *		multicast address is refused.
 * @model:	KVM_E1000_MODEL_*; 0 is the 82540EM, so a caller that
 *		zeroes the structure gets what it always got.  Other values
 *		are EINVAL.
 * @reserved:	must be zero.
 */
struct kvm_e1000_create {
	__s32 vm_fd;
	__s32 tap_fd;
	__s32 irqfd;
	__s32 resamplefd;
	__u64 bar0_gpa;
	__s32 sidecore;
	__u32 flags;
	__u8  mac[6];
	__u16 model;
	__u8  reserved[40];
};

/**
 * struct kvm_e1000_stats - counters of one device, since its creation
 * @mmio_reads:		BAR0 reads answered
 * @mmio_writes:	BAR0 writes answered
 * @mmio_unknown:	writes to offsets that hold no register, dropped
 * @mmio_bad_access:	accesses the model refuses: writes other than an
 *			aligned 4-byte or 8-byte access, reads that span two
 *			registers (other than an aligned 8-byte read).  Reads
 *			of 1, 2 or 4 bytes within one register read it.
 * @tx_frames:		frames handed to the backend
 * @tx_bytes:		bytes of those frames
 * @rx_frames:		frames written into guest buffers
 * @rx_bytes:		bytes of those frames
 * @tx_dropped:		frames the guest sent that were not delivered: the
 *			backend refused them, or the guest's frame was
 *			invalid (shorter than an Ethernet header, longer than
 *			any frame, a TSO context that does not match its
 *			headers)
 * @rx_dropped:		frames from the backend that found no guest buffer
 *			and no room in the packet buffer, arrived while the
 *			receiver or bus mastering was off, or were waiting in
 *			the packet buffer at a reset
 * @irqs:		times the interrupt line was raised
 * @dma_errors:		guest addresses (descriptor, buffer, write-back)
 *			outside guest RAM; the frame concerned is lost and
 *			counted nowhere else
 * @desc_errors:	malformed descriptors (reserved type, a zero-length
 *			buffer inside a chain) and ring registers that make no
 *			ring (counted once per setting the guest writes)
 *
 * Every guest error lands in exactly one of @tx_dropped, @rx_dropped,
 * @dma_errors and @desc_errors.
 * @resets:		device resets (CTRL.RST, KVM_E1000_RESET)
 * @doorbell_writes:	ring registers the guest wrote through the doorbell
 *			pages (KVM_E1000_MDEV_BIND_DOORBELL_PAGES), so with
 *			no exit; included in @mmio_writes
 * @tx_backpressure:	times the backend had no room for a frame (the tap's
 *			send buffer was full): TX paused with the frame kept
 *			at the head of the ring until the tap was writable
 *			again.  Nothing is dropped for it.
 * @serve_ns:		nanoseconds the device's worker or sidecore spent
 *			serving its rings (local clock around each pass that
 *			found work, a wait in a fault of guest memory
 *			included): a sidecore is charged to no cgroup, so
 *			this is the share of it the device took
 * @tx_inplace:		frames of @tx_frames whose payload the backend read
 *			straight from guest memory (TCP segmentation frames
 *			handed on as GSO: one copy instead of two)
 */
struct kvm_e1000_stats {
	__u64 mmio_reads;
	__u64 mmio_writes;
	__u64 mmio_unknown;
	__u64 mmio_bad_access;
	__u64 tx_frames;
	__u64 tx_bytes;
	__u64 rx_frames;
	__u64 rx_bytes;
	__u64 tx_dropped;
	__u64 rx_dropped;
	__u64 irqs;
	__u64 dma_errors;
	__u64 desc_errors;
	__u64 resets;
	__u64 doorbell_writes;
	__u64 tx_backpressure;
	__u64 serve_ns;
	__u64 tx_inplace;
	__u64 reserved[14];
};

/*
 * The VFIO mediated-device route, for VMMs that know nothing of this ABI
 * (stock QEMU's vfio-pci, libvirt): the module registers an mdev parent
 * with one type per model, "82540EM" and "82545EM" (kvm-e1000-82540EM and
 * kvm-e1000-82545EM in sysfs); writing a UUID to
 * /sys/class/mdev_bus/kvm-e1000/mdev_supported_types/kvm-e1000-82540EM/create
 * creates a device of that model (its configuration space included), and
 * `-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/UUID` hands it to QEMU.
 * The VM is the one QEMU's VFIO-KVM device links to the device's group;
 * BAR0 and BAR2 go onto that VM's KVM buses where the guest programs them;
 * INTx goes through VFIO_DEVICE_SET_IRQS.
 *
 * What QEMU cannot say, the backend, is bound beforehand with
 * KVM_E1000_MDEV_BIND.  The mdev keeps its own reference on the tap until
 * it is re-bound or removed; the binding applies from the next time a VMM
 * opens the device.  Read it back (and the device's counters) under
 * /sys/bus/mdev/devices/UUID/kvm-e1000/: tap, sidecore, mac, vm, stats.
 */

/*
 * KVM_E1000_MDEV_BIND_DOORBELL_PAGES: offer BAR0's two ring-register pages
 * (offsets 0x2000-0x3fff: RDBAL..RSRPD, TXDMAC..TSPMT, the FIFO and flow-
 * control threshold registers) to the VMM as a VFIO sparse mmap area.
 * QEMU maps them into the guest as RAM, so the driver's TDT and RDT
 * doorbells, a VM exit each when trapped, cost nothing; the sidecore polls
 * the pages instead while it is busy.  Before it sleeps it unmaps them, so
 * the guest's next access faults once (an exit) and wakes it.
 * Without a sidecore the device's worker polls nothing, so the area is the
 * RX page alone (0x2000-0x2fff: RDT's refills cost no exit, TDT stays
 * trapped); the worker unmaps it only while a received frame waits for
 * guest buffers, so the refill that ends the wait faults once and wakes it.
 * The price: a guest reading back one of those registers right after
 * writing it bits outside the register's mask sees the raw value until the
 * sidecore next looks (microseconds), where a trapped read shows the
 * masked value at once.  Drivers never do that; register self-tests do
 * (Linux's `ethtool -t` register test fails on RDLEN/TDLEN/RDBAL/TDBAL).
 */
#define KVM_E1000_MDEV_BIND_DOORBELL_PAGES	(1U << 0)
#define KVM_E1000_MDEV_BIND_FLAGS_ALL	KVM_E1000_MDEV_BIND_DOORBELL_PAGES

/* Length of a UUID in its canonical text form, without the NUL. */
#define KVM_E1000_UUID_LEN		36

/**
 * struct kvm_e1000_mdev_bind - argument of KVM_E1000_MDEV_BIND
 * @uuid:	the mdev's UUID as text, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
 *		(either case), NUL-terminated; the rest of the array zero.
 * @tap_fd:	a tap file descriptor, as for KVM_E1000_CREATE, or
 *		KVM_E1000_NO_FD for a device without a backend.
 * @sidecore:	as for KVM_E1000_CREATE.
 * @flags:	KVM_E1000_MDEV_BIND_* bits.
 * @mac:	as for KVM_E1000_CREATE; all zeroes picks a random locally
 *		administered address once, kept across opens.
 * @reserved:	must be zero.
 *
 * Errors: those of KVM_E1000_CREATE for the same fields, and
 *   EINVAL  @uuid is not a NUL-terminated UUID
 *   ENOENT  no kvm-e1000 mediated device has that UUID
 *   EBUSY   a VMM has the device open: bind before starting the VM
 */
struct kvm_e1000_mdev_bind {
	char  uuid[40];
	__s32 tap_fd;
	__s32 sidecore;
	__u32 flags;
	__u8  mac[6];
	__u8  reserved[46];
};

/*
 * Device state, for migration by a VMM that registered the device itself
 * (the VFIO route has its own, VFIO migration).  The state is an opaque,
 * versioned blob: magic, version, length, model and a CRC-32 in a fixed
 * little-endian header, then the register file, EEPROM and PHY state,
 * interrupt state, ring positions and any TX frame in progress
 * (Documentation/abi.md lists what is in it and what is not).  A device
 * refuses a blob it cannot take whole, field by field; it is never applied
 * in part.  At most KVM_E1000_STATE_MAX_SIZE bytes.
 */
#define KVM_E1000_STATE_MAX_SIZE	94560

/*
 * Why KVM_E1000_SET_STATE refused a blob (kvm_e1000_state.reason): the
 * first part of it found wrong.
 */
#define KVM_E1000_STATE_ESHORT		2	/* shorter than it says */
#define KVM_E1000_STATE_EMAGIC		3	/* not a device state */
#define KVM_E1000_STATE_EVERSION	4	/* a version this module lacks */
#define KVM_E1000_STATE_ELENGTH		5	/* length and size disagree */
#define KVM_E1000_STATE_EHEADER		6	/* reserved header bits set */
#define KVM_E1000_STATE_ECSUM		7	/* checksum mismatch */
#define KVM_E1000_STATE_EMODEL		8	/* another model's state */
#define KVM_E1000_STATE_EREG		9	/* a register value */
#define KVM_E1000_STATE_EEEPROM		10	/* EEPROM image or its state */
#define KVM_E1000_STATE_EPHY		11	/* PHY registers */
#define KVM_E1000_STATE_EINTR		12	/* interrupt state */
#define KVM_E1000_STATE_ETX		13	/* TX context or frame */

/**
 * struct kvm_e1000_state - argument of KVM_E1000_GET_STATE and _SET_STATE
 * @size:	GET: in, the bytes @data has room for; out, the state's
 *		length (also on E2BIG, so a caller may ask with 0 first).
 *		SET: the blob's length, at most KVM_E1000_STATE_MAX_SIZE.
 * @reason:	SET, out: 0, or KVM_E1000_STATE_E* when the blob was refused
 *		(EINVAL or EPROTONOSUPPORT).  GET: must be 0.
 * @data:	user pointer to the blob.
 * @flags:	must be 0.
 * @reserved:	must be zero.
 */
struct kvm_e1000_state {
	__u32 size;
	__u32 reason;
	__u64 data;
	__u32 flags;
	__u32 reserved[5];
};

#define KVM_E1000_IO			0xE1

/* On /dev/kvm-e1000. */

/* Returns KVM_E1000_API_VERSION. */
#define KVM_E1000_GET_API_VERSION	_IO(KVM_E1000_IO, 0x00)
/* Returns a new device file descriptor (O_CLOEXEC). */
#define KVM_E1000_CREATE		_IOW(KVM_E1000_IO, 0x01, struct kvm_e1000_create)
/* Binds a backend to a VFIO mediated device; returns 0. */
#define KVM_E1000_MDEV_BIND		_IOW(KVM_E1000_IO, 0x02, struct kvm_e1000_mdev_bind)

/* On a device file descriptor. */

/*
 * Move BAR0 to a new guest-physical address (a __u64: 128 KiB aligned, or
 * KVM_E1000_BAR0_UNMAPPED to take it off the bus).  Same errors as CREATE.
 */
#define KVM_E1000_SET_BAR0		_IOW(KVM_E1000_IO, 0x10, __u64)
/* Copy the device's counters out. */
#define KVM_E1000_GET_STATS		_IOR(KVM_E1000_IO, 0x11, struct kvm_e1000_stats)
/*
 * Reset the device as a PCI function-level reset does (like CTRL.RST).  On
 * return the device writes guest memory no more: a pass over its rings in
 * flight has been waited for (so has one for CTRL.RST, RCTL.EN or TCTL.EN
 * cleared and the ring registers moved, by the guest's own access).
 */
#define KVM_E1000_RESET			_IO(KVM_E1000_IO, 0x12)
/*
 * Move the device to the sidecore on a CPU (an __s32: an online CPU the
 * caller may run on, else EINVAL or EPERM as for KVM_E1000_CREATE), or to a
 * per-device worker (KVM_E1000_NO_SIDECORE).
 */
#define KVM_E1000_SET_SIDECORE		_IOW(KVM_E1000_IO, 0x13, __s32)
/*
 * For a VMM that emulates the PCI configuration space itself: whether the
 * guest lets the function master the bus (a __u32: 1 when COMMAND's Bus
 * Master Enable is set and the function is in D0, else 0; other values
 * EINVAL).  At 0 the device does no DMA at all, from the return of the
 * call on: it fetches no descriptor,
 * frames that arrive are dropped and counted in rx_dropped, and the rings
 * resume where the guest left them at 1.  A new device starts at 1; a
 * reset does not change it.  The VFIO route follows the guest's own
 * configuration writes and needs no call.
 */
#define KVM_E1000_SET_BUS_MASTER	_IOW(KVM_E1000_IO, 0x14, __u32)
/*
 * Copy the device's state out (struct kvm_e1000_state).  The device's
 * data path is paused for the copy: a pass over its rings in progress is
 * waited for (killable: EINTR), the next waits for the copy.  Take it
 * with the vCPUs stopped for a consistent VM; then it is the device as
 * the guest last left it.  Errors: E2BIG (@size too small; @size says
 * what it takes), EINVAL (flags, reason or reserved set), EFAULT, EINTR,
 * ENOMEM.
 */
#define KVM_E1000_GET_STATE		_IOWR(KVM_E1000_IO, 0x15, struct kvm_e1000_state)
/*
 * Make the device what a blob of KVM_E1000_GET_STATE describes, with the
 * data path paused as for GET: every register, the EEPROM (and so the
 * station address), the PHY, the interrupt line and timers, ring
 * positions, a TX frame in progress, bus mastering as the source had it
 * (a VMM whose PCI state says otherwise sets it after: SET_BUS_MASTER),
 * and the device's own counters (mmio_*, irqs, resets, desc_errors,
 * tx_dropped).  The backend, BAR0's place, the sidecore and the other
 * statistics stay the device's.  A blob it refuses changes nothing.
 * Errors: EINVAL (a field of the blob, @reason says which part; flags or
 * reserved set; another model than the device's), EPROTONOSUPPORT (a
 * version this module does not know), E2BIG (@size over the maximum),
 * EFAULT, EINTR, ENOMEM.
 */
#define KVM_E1000_SET_STATE		_IOWR(KVM_E1000_IO, 0x16, struct kvm_e1000_state)

#endif /* _UAPI_LINUX_KVM_E1000_H */
