/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm-e1000: an in-kernel Intel 82540EM (e1000) device model for KVM.
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
 *           (not a KVM VM, not a tap, not an eventfd), the BAR address is
 *           not 128 KiB aligned, or the MAC address is multicast
 *   EEXIST  another kvm-e1000 device of the same VM overlaps the BAR
 *   ENOSPC  KVM's MMIO bus has no room for another device
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

/**
 * struct kvm_e1000_create - argument of KVM_E1000_CREATE
 * @vm_fd:	a KVM VM file descriptor (from KVM_CREATE_VM).  The device holds
 *		a reference on the VM until the device fd is closed.
 * @tap_fd:	a tap file descriptor (/dev/net/tun, IFF_TAP) carrying the
 *		device's frames, or KVM_E1000_NO_FD: transmitted frames are
 *		then dropped (and counted) and nothing is received.
 * @irqfd:	an eventfd registered with KVM_IRQFD and
 *		KVM_IRQFD_FLAG_RESAMPLE on the guest's INTx GSI, or
 *		KVM_E1000_NO_FD for a device without interrupts.  The module
 *		signals it when the interrupt line rises (ICR & IMS != 0).
 * @resamplefd: the resample eventfd of that KVM_IRQFD registration.  KVM
 *		signals it when the guest acknowledges the level interrupt; the
 *		module then raises the line again if ICR & IMS is still set.
 *		Must be KVM_E1000_NO_FD exactly when @irqfd is.
 * @bar0_gpa:	guest-physical base of BAR0, 128 KiB aligned, or
 *		KVM_E1000_BAR0_UNMAPPED.
 * @sidecore:	CPU whose sidecore thread polls this device's rings, or
 *		KVM_E1000_NO_SIDECORE for a per-device worker thread woken by
 *		doorbell writes and tap readiness.  Must be an online CPU.
 * @flags:	must be 0.
 * @mac:	the station address, stored in the EEPROM and in RAL0/RAH0.
 *		All zeroes asks for a random locally administered address; a
 *		multicast address is refused.
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
	__u8  reserved[42];
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
 * @tx_dropped:		frames the guest sent that were not delivered
 * @rx_dropped:		frames from the backend that found no guest buffer
 * @irqs:		times the interrupt line was raised
 * @dma_errors:		descriptor or buffer addresses outside guest RAM
 * @desc_errors:	malformed descriptors or ring registers
 * @resets:		device resets (CTRL.RST, KVM_E1000_RESET)
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
	__u64 reserved[18];
};

#define KVM_E1000_IO			0xE1

/* On /dev/kvm-e1000. */

/* Returns KVM_E1000_API_VERSION. */
#define KVM_E1000_GET_API_VERSION	_IO(KVM_E1000_IO, 0x00)
/* Returns a new device file descriptor (O_CLOEXEC). */
#define KVM_E1000_CREATE		_IOW(KVM_E1000_IO, 0x01, struct kvm_e1000_create)

/* On a device file descriptor. */

/*
 * Move BAR0 to a new guest-physical address (a __u64: 128 KiB aligned, or
 * KVM_E1000_BAR0_UNMAPPED to take it off the bus).  Same errors as CREATE.
 */
#define KVM_E1000_SET_BAR0		_IOW(KVM_E1000_IO, 0x10, __u64)
/* Copy the device's counters out. */
#define KVM_E1000_GET_STATS		_IOR(KVM_E1000_IO, 0x11, struct kvm_e1000_stats)
/* Reset the device as a PCI function-level reset does (like CTRL.RST). */
#define KVM_E1000_RESET			_IO(KVM_E1000_IO, 0x12)
/*
 * Move the device to the sidecore on a CPU (an __s32: an online CPU), or to
 * a per-device worker (KVM_E1000_NO_SIDECORE).
 */
#define KVM_E1000_SET_SIDECORE		_IOW(KVM_E1000_IO, 0x13, __s32)

#endif /* _UAPI_LINUX_KVM_E1000_H */
