// SPDX-License-Identifier: GPL-2.0
/*
 * The backend: a tap (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) reached through
 * its socket, as vhost-net does.  Every frame carries a virtio-net header,
 * so checksum and segmentation work pass to the host stack as metadata.
 *
 * The guest-to-host direction may carry GSO (a tap always accepts it from
 * its writer).  Host-to-guest frames must fit an e1000 receive: userspace
 * enables at most TUN_F_CSUM on the tap, never TSO, and a GSO frame that
 * still arrives is dropped.
 */
#include <linux/file.h>
#include <linux/if_tun.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/uio.h>
#include <linux/virtio_net.h>

#include "glue.h"

static __virtio16 to_hdr16(u16 v)
{
	return __cpu_to_virtio16(virtio_legacy_is_little_endian(), v);
}

static u16 from_hdr16(__virtio16 v)
{
	return __virtio16_to_cpu(virtio_legacy_is_little_endian(), v);
}

static void fill_hdr(struct virtio_net_hdr *hdr, const struct e1000_tx_meta *m)
{
	static const u8 gso[] = {
		[E1000_GSO_NONE] = VIRTIO_NET_HDR_GSO_NONE,
		[E1000_GSO_TCPV4] = VIRTIO_NET_HDR_GSO_TCPV4,
		[E1000_GSO_TCPV6] = VIRTIO_NET_HDR_GSO_TCPV6,
	};

	memset(hdr, 0, sizeof(*hdr));
	if (!m)
		return;
	if (m->flags & E1000_TXM_NEEDS_CSUM) {
		hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		hdr->csum_start = to_hdr16(m->csum_start);
		hdr->csum_offset = to_hdr16(m->csum_offset);
	}
	if (m->gso_type < ARRAY_SIZE(gso) && m->gso_type != E1000_GSO_NONE) {
		hdr->gso_type = gso[m->gso_type];
		hdr->gso_size = to_hdr16(m->gso_size);
		hdr->hdr_len = to_hdr16(m->hdr_len);
	}
}

/* Returns the bytes the tap took, or a negative errno (frame dropped). */
int kvm_e1000_tap_send(struct kvm_e1000 *e, const u8 *frame, u32 len,
		       const struct e1000_tx_meta *meta)
{
	struct virtio_net_hdr hdr;
	struct kvec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = (void *)frame, .iov_len = len },
	};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };

	fill_hdr(&hdr, meta);
	iov_iter_kvec(&msg.msg_iter, ITER_SOURCE, iov, 2, sizeof(hdr) + len);
	return e->sock->ops->sendmsg(e->sock, &msg, sizeof(hdr) + len);
}

/*
 * Receive one frame into @buf.  Returns its length, -EAGAIN when the tap is
 * empty, or -EMSGSIZE for a frame the device cannot take (dropped).
 */
int kvm_e1000_tap_recv(struct kvm_e1000 *e, u8 *buf, u32 size,
		       struct e1000_rx_meta *meta)
{
	struct virtio_net_hdr hdr;
	struct kvec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = buf, .iov_len = size },
	};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	int ret;

	iov_iter_kvec(&msg.msg_iter, ITER_DEST, iov, 2, sizeof(hdr) + size);
	ret = e->sock->ops->recvmsg(e->sock, &msg, sizeof(hdr) + size,
				    MSG_DONTWAIT | MSG_TRUNC);
	if (ret < 0)
		return ret;
	if (ret < (int)sizeof(hdr) || ret - sizeof(hdr) > size ||
	    hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		return -EMSGSIZE;

	meta->flags = 0;
	if (hdr.flags & VIRTIO_NET_HDR_F_DATA_VALID)
		meta->flags |= E1000_RXM_DATA_VALID;
	if (hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		meta->flags |= E1000_RXM_NEEDS_CSUM;
		meta->csum_start = from_hdr16(hdr.csum_start);
		meta->csum_offset = from_hdr16(hdr.csum_offset);
	}
	return ret - sizeof(hdr);
}

/* Are frames queued for the guest?  Cheap: a peek at the tap's ring. */
bool kvm_e1000_tap_pending(struct kvm_e1000 *e)
{
	const struct proto_ops *ops = e->sock->ops;

	return !ops->peek_len || ops->peek_len(e->sock) > 0;
}

/* The tap's socket became readable: frames for the guest. */
static int tap_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync,
		      void *key)
{
	struct kvm_e1000 *e = container_of(wait, struct kvm_e1000, tap_wait);

	if (key_to_poll(key) & EPOLLIN)
		kvm_e1000_worker_kick_unlocked(e);
	return 0;
}

static void tap_queue(struct file *file, wait_queue_head_t *wqh,
		      poll_table *pt)
{
	struct kvm_e1000 *e = container_of(pt, struct kvm_e1000, tap_pt);

	e->tap_wqh = wqh;
	add_wait_queue(wqh, &e->tap_wait);
}

/*
 * A reference on the tap behind @fd: NULL for KVM_E1000_NO_FD, -EBADF, or
 * -EINVAL for anything but a tun/tap file.
 */
struct file *kvm_e1000_tap_fget(int fd)
{
	struct file *file;

	if (fd == KVM_E1000_NO_FD)
		return NULL;
	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	if (IS_ERR(tun_get_socket(file))) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	return file;
}

/* Take @file (a reference from kvm_e1000_tap_fget(), or NULL) as backend. */
void kvm_e1000_tap_attach(struct kvm_e1000 *e, struct file *file)
{
	if (!file)
		return;
	e->tap = file;
	e->sock = tun_get_socket(file);
	e->core.backend_gso = true;
	init_waitqueue_func_entry(&e->tap_wait, tap_wakeup);
	init_poll_funcptr(&e->tap_pt, tap_queue);
	vfs_poll(file, &e->tap_pt);
}

/*
 * The tap's interface name, as tun reports it in /proc/PID/fdinfo ("iff:"):
 * tun keeps it private otherwise.  Empty once the interface is gone.
 */
int kvm_e1000_tap_name(struct file *file, char *buf, size_t size)
{
	struct seq_file m = { .buf = buf, .size = size };
	char *name, *end;

	if (!file->f_op->show_fdinfo)
		return -EINVAL;
	file->f_op->show_fdinfo(&m, file);
	if (seq_has_overflowed(&m) || m.count >= size)
		return -ENAMETOOLONG;
	buf[m.count] = 0;
	name = strstr(buf, "iff:\t");
	if (!name)
		return -EINVAL;
	name += 5;
	end = strchrnul(name, '\n');
	memmove(buf, name, end - name);
	buf[end - name] = 0;
	return 0;
}

/* Stop tap wakeups and drop the reference; the worker must be detached. */
void kvm_e1000_tap_detach(struct kvm_e1000 *e)
{
	if (!e->tap)
		return;
	if (e->tap_wqh)
		remove_wait_queue(e->tap_wqh, &e->tap_wait);
	fput(e->tap);
	e->tap = NULL;
	e->sock = NULL;
}
