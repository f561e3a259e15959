// SPDX-License-Identifier: GPL-2.0
/*
 * The backend: a tap (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) reached through
 * its socket, as vhost-net does.  Every frame carries a virtio-net header,
 * so checksum and segmentation work pass to the host stack as metadata.
 *
 * The guest-to-host direction may carry GSO (a tap always accepts it from
 * its writer).  Toward the guest, the module owns the tap's offloads while
 * it is bound (TUNSETOFFLOAD, which sets what the host stack may hand the
 * tap): it turns on TCP segmentation offload, so that the host sends one
 * 64 KiB frame where it would cut 45, and the core cuts it into the
 * guest's buffers instead (rx.c).  What the tap offered before is put back
 * when the device lets the tap go.  Other GSO frames (UDP) are dropped.
 */
#include <linux/file.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/if_vlan.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <net/sock.h>
#include <net/xdp.h>
#include <linux/poll.h>
#include <linux/ptr_ring.h>
#include <linux/mman.h>
#include <linux/uio.h>
#include <linux/bvec.h>
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
 * The same for a frame whose first @hdr_len bytes are at @hdr and whose
 * @payload bytes are in the @npages pages the caller put in
 * e->tx_bvec[1...]: tun copies them straight into its skb.  -E2BIG: the
 * headers do not fit the device's page for them.
 */
int kvm_e1000_tap_send_pages(struct kvm_e1000 *e, const u8 *hdr, u32 hdr_len,
			     u32 npages, u32 payload,
			     const struct e1000_tx_meta *meta)
{
	struct virtio_net_hdr *vh = (struct virtio_net_hdr *)e->tx_head;
	u32 head = sizeof(*vh) + hdr_len;
	struct bio_vec *bv = e->tx_bvec;
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };

	if (head > PAGE_SIZE)
		return -E2BIG;
	fill_hdr(vh, meta);
	memcpy(e->tx_head + sizeof(*vh), hdr, hdr_len);
	bv[0].bv_page = virt_to_page(e->tx_head);
	bv[0].bv_offset = 0;
	bv[0].bv_len = head;
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, bv, npages + 1,
		      head + payload);
	return e->sock->ops->sendmsg(e->sock, &msg, head + payload);
}

/*
 * Frames toward the guest come off tun's ring a batch at a time, as
 * vhost-net takes them: one round of the ring's consumer lock per
 * KVM_E1000_RXQ_BATCH frames instead of one per frame.  Each is then read
 * with its pointer in msg_control, so tun writes the virtio-net header and
 * copies the frame as for any reader.  The next frame, or NULL if none.
 */
static void *rxq_peek(struct kvm_e1000 *e)
{
	if (e->rxq_head == e->rxq_tail) {
		e->rxq_head = 0;
		e->rxq_tail = ptr_ring_consume_batched(e->tap_ring, e->rxq,
						       ARRAY_SIZE(e->rxq));
	}
	return e->rxq_head < e->rxq_tail ? e->rxq[e->rxq_head] : NULL;
}

/* What a read of @ptr brings: tun puts an offloaded VLAN tag back in. */
static int rxq_len(void *ptr)
{
	struct sk_buff *skb = ptr;

	if (tun_is_xdp_frame(ptr))
		return tun_ptr_to_xdp(ptr)->len;
	return skb->len + (skb_vlan_tag_present(skb) ? VLAN_HLEN : 0);
}

static int rx_meta_from_hdr(const struct virtio_net_hdr *hdr,
			    struct e1000_rx_meta *meta)
{
	/* ECN only says that CWR may be set: the core clears it after one. */
	switch (hdr->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		meta->gso_type = E1000_GSO_NONE;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		meta->gso_type = E1000_GSO_TCPV4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		meta->gso_type = E1000_GSO_TCPV6;
		break;
	default:
		return -EMSGSIZE;
	}
	meta->gso_size = from_hdr16(hdr->gso_size);
	meta->flags = 0;
	if (hdr->flags & VIRTIO_NET_HDR_F_DATA_VALID)
		meta->flags |= E1000_RXM_DATA_VALID;
	if (hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		meta->flags |= E1000_RXM_NEEDS_CSUM;
		meta->csum_start = from_hdr16(hdr->csum_start);
		meta->csum_offset = from_hdr16(hdr->csum_offset);
	}
	return 0;
}

/*
 * Can the device take @ptr where tun keeps it: a GSO skb whose bytes are
 * all in its head and at most E1000_RX_SG_MAX - 1 mapped page fragments?
 */
static bool rx_in_pieces(void *ptr)
{
	struct sk_buff *skb = ptr;
	struct skb_shared_info *sh;
	unsigned int i;

	if (tun_is_xdp_frame(ptr) || !skb_is_gso(skb) ||
	    skb_has_frag_list(skb) || skb_vlan_tag_present(skb))
		return false;
	sh = skb_shinfo(skb);
	if (sh->nr_frags >= E1000_RX_SG_MAX)
		return false;
	for (i = 0; i < sh->nr_frags; i++)
		if (PageHighMem(skb_frag_page(&sh->frags[i])))
			return false;
	return true;
}

static void rx_pieces(struct sk_buff *skb, struct e1000_rx_sg *sg)
{
	struct skb_shared_info *sh = skb_shinfo(skb);
	unsigned int i;

	sg->len = skb->len;
	sg->n = 1;
	sg->p[0] = skb->data;
	sg->len_of[0] = skb_headlen(skb);
	for (i = 0; i < sh->nr_frags; i++, sg->n++) {
		sg->p[sg->n] = skb_frag_address(&sh->frags[i]);
		sg->len_of[sg->n] = skb_frag_size(&sh->frags[i]);
	}
}

/*
 * Receive one frame into @buf.  Returns its length, -EAGAIN when the tap is
 * empty, or -EMSGSIZE for a frame the device cannot take (dropped).
 *
 * With @pieces, a TCP GSO frame stays where tun has it instead: e->rx_skb
 * holds a reference of ours, and e->rx_sg its head and fragments.  tun
 * still reads it, for its virtio-net header alone (a read that stops
 * there is no error to tun): so the tap counts the frame and lets go of
 * it as for any reader.
 */
int kvm_e1000_tap_recv(struct kvm_e1000 *e, u8 *buf, u32 size,
		       struct e1000_rx_meta *meta, bool pieces)
{
	struct virtio_net_hdr hdr;
	struct kvec iov[2] = {
		{ .iov_base = &hdr, .iov_len = sizeof(hdr) },
		{ .iov_base = buf, .iov_len = size },
	};
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	struct sk_buff *skb = NULL;
	int ret;

	msg.msg_control = rxq_peek(e);
	if (!msg.msg_control)
		return -EAGAIN;
	/* tun's from here: it frees the frame, read or not. */
	e->rxq_head++;
	if (pieces && rx_in_pieces(msg.msg_control))
		skb = skb_get(msg.msg_control);
	iov_iter_kvec(&msg.msg_iter, ITER_DEST, iov, skb ? 1 : 2,
		      sizeof(hdr) + (skb ? 0 : size));
	ret = e->sock->ops->recvmsg(e->sock, &msg, sizeof(hdr) + size,
				    MSG_DONTWAIT | MSG_TRUNC);
	if (ret < 0)
		ret = ret == -EAGAIN ? -EMSGSIZE : ret;
	else if (ret < (int)sizeof(hdr) || ret - sizeof(hdr) > size)
		ret = -EMSGSIZE;
	else
		ret = rx_meta_from_hdr(&hdr, meta) ?: ret - (int)sizeof(hdr);
	if (skb && ret < 0) {
		consume_skb(skb);
	} else if (skb) {
		rx_pieces(skb, &e->rx_sg);
		e->rx_skb = skb;
	}
	return ret;
}

/* The next frame's length; 0 if none. */
int kvm_e1000_tap_peek(struct kvm_e1000 *e)
{
	void *ptr = rxq_peek(e);

	return ptr ? rxq_len(ptr) : 0;
}

/* Are frames queued for the guest?  Cheap: no batch is taken for it. */
bool kvm_e1000_tap_pending(struct kvm_e1000 *e)
{
	return e->rxq_head < e->rxq_tail || !ptr_ring_empty(e->tap_ring);
}

/*
 * The tap refused a frame (-EAGAIN): its sndbuf is full.  Wait for its
 * write-space wakeup (tap_wakeup()).  tun raises that wakeup only once a
 * poll found the socket full (tun_chr_poll() sets SOCKWQ_ASYNC_NOSPACE, as
 * for vhost-net): poll after saying we wait, so space freed since the
 * refusal is seen here or wakes us.  A tap going away (EPOLLERR) refuses
 * the next frame for good: no waiting for it.
 */
void kvm_e1000_tap_block_tx(struct kvm_e1000 *e)
{
	WRITE_ONCE(e->tx_blocked, true);
	smp_mb();	/* the flag before tun's look at its send buffer */
	if (vfs_poll(e->tap, NULL) & (EPOLLOUT | EPOLLERR))
		WRITE_ONCE(e->tx_blocked, false);
}

/* The tap's socket became readable (frames for the guest) or writable. */
static int tap_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync,
		      void *key)
{
	struct kvm_e1000 *e = container_of(wait, struct kvm_e1000, tap_wait);
	/* A wakeup without a key may be either. */
	__poll_t events = key ? key_to_poll(key) : EPOLLIN | EPOLLOUT;
	bool kick = events & EPOLLIN;

	if ((events & EPOLLOUT) && READ_ONCE(e->tx_blocked)) {
		WRITE_ONCE(e->tx_blocked, false);
		kick = true;
	}
	if (kick)
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
 * tun answers what it is only to its ioctls, which copy to user memory:
 * borrow a page of the caller's (we run in its ioctl) for TUNGETIFF and
 * TUNGETVNETHDRSZ.  What comes back is validated like any user input: a
 * caller that scribbles on the page from another thread fools only
 * itself, and is refused or served garbage frames on its own device.
 */
static int tap_query(struct file *file, struct ifreq *ifr, int *hdr_sz)
{
	long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg) =
		file->f_op->unlocked_ioctl;
	unsigned long page;
	int ret;

	if (!ioctl || !current->mm)
		return -EINVAL;
	page = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(page))
		return (int)page;
	ret = ioctl(file, TUNGETIFF, page);
	if (!ret && copy_from_user(ifr, (void __user *)page, sizeof(*ifr)))
		ret = -EFAULT;
	if (!ret)
		ret = ioctl(file, TUNGETVNETHDRSZ, page);
	if (!ret && copy_from_user(hdr_sz, (void __user *)page, sizeof(*hdr_sz)))
		ret = -EFAULT;
	vm_munmap(page, PAGE_SIZE);
	return ret;
}

/* How tun shows each TUNSETOFFLOAD flag in its interface's features. */
static const struct {
	netdev_features_t feature;
	unsigned long flags;
} tap_features[] = {
	{ NETIF_F_HW_CSUM,	TUN_F_CSUM },
	{ NETIF_F_TSO,		TUN_F_TSO4 },
	{ NETIF_F_TSO6,		TUN_F_TSO6 },
	{ NETIF_F_TSO_ECN,	TUN_F_TSO_ECN },
#ifdef TUN_F_USO4
	{ NETIF_F_GSO_UDP_L4,	TUN_F_USO4 | TUN_F_USO6 },
#endif
};

/*
 * What TUNSETOFFLOAD last gave the tap, read back from its interface (tun
 * has no getter) in the namespace the tap was opened in, or -1.
 */
static long tap_offload_get(struct file *file, const char *name)
{
	struct socket *sock = tun_get_socket(file);
	struct net_device *dev;
	netdev_features_t f;
	unsigned int i;
	long flags = 0;

	dev = dev_get_by_name(sock_net(sock->sk), name);
	if (!dev)
		return -1;
	f = READ_ONCE(dev->features);
	if (!dev->rtnl_link_ops || strcmp(dev->rtnl_link_ops->kind, "tun"))
		flags = -1;
	for (i = 0; flags >= 0 && i < ARRAY_SIZE(tap_features); i++)
		if (f & tap_features[i].feature)
			flags |= tap_features[i].flags;
	dev_put(dev);
	return flags;
}

/*
 * Frames go to and come from the tap with a virtio-net header of exactly
 * the size we write: anything else would shift every frame by some bytes
 * on the wire.  IFF_NO_PI is wanted too but cannot be checked: TUNGETIFF
 * reports IFF_NOFILTER in the same bit.
 */
#define TAP_FLAGS	(IFF_TAP | IFF_VNET_HDR)

static int tap_check(struct file *file, char *name, long *offload)
{
	struct ifreq ifr;
	int hdr_sz, ret;

	ret = tap_query(file, &ifr, &hdr_sz);
	if (ret == -ENOMEM || ret == -EFAULT)
		return ret;
	/* Not attached to an interface (EBADFD), or not tun's at all. */
	if (ret)
		return -EINVAL;
	if ((ifr.ifr_flags & (TAP_FLAGS | IFF_TUN)) != TAP_FLAGS ||
	    hdr_sz != sizeof(struct virtio_net_hdr))
		return -EINVAL;
	ifr.ifr_name[IFNAMSIZ - 1] = 0;
	if (name)
		strscpy(name, ifr.ifr_name, IFNAMSIZ);
	*offload = tap_offload_get(file, ifr.ifr_name);
	return 0;
}

/*
 * A reference on the tap behind @fd: NULL for KVM_E1000_NO_FD, -EBADF, or
 * -EINVAL for anything but a tap attached to an interface with TAP_FLAGS
 * and a struct virtio_net_hdr.  Its interface name goes to @name
 * (IFNAMSIZ bytes), unless NULL, and its TUNSETOFFLOAD flags (or -1:
 * unknown) to @offload, for kvm_e1000_tap_attach().  Called from the
 * caller's ioctl only, holding no lock: it maps a page of the caller's.
 */
struct file *kvm_e1000_tap_fget(int fd, char *name, long *offload)
{
	struct file *file;
	int ret;

	*offload = -1;
	if (fd == KVM_E1000_NO_FD)
		return NULL;
	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	ret = IS_ERR(tun_get_socket(file)) ? -EINVAL :
	      tap_check(file, name, offload);
	if (ret) {
		fput(file);
		return ERR_PTR(ret);
	}
	return file;
}

/* The offloads the device takes toward the guest: TCP as GSO frames. */
#define TAP_OFFLOADS	(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN)

static int tap_offload_set(struct file *file, unsigned long flags)
{
	/* TUNSETOFFLOAD takes its argument by value: no user memory. */
	return file->f_op->unlocked_ioctl(file, TUNSETOFFLOAD, flags);
}

/*
 * Offer GSO toward the guest, keeping @old (kvm_e1000_tap_fget()) to
 * restore.  A tap whose settings could not be read back is left as it is:
 * frames still flow, cut by the host.  The caller holds no lock of the
 * device's (tun takes the RTNL, under which it copies to user memory).
 */
void kvm_e1000_tap_offload_take(struct kvm_e1000 *e, long old)
{
	if (e->tap && old >= 0 && !tap_offload_set(e->tap, TAP_OFFLOADS))
		e->tap_offload = old;
}

/* Give the tap back its offloads, before the device is destroyed. */
void kvm_e1000_tap_offload_give(struct kvm_e1000 *e)
{
	/* GSO frames already queued stay for the tap's next reader. */
	if (e->tap_offload >= 0)
		tap_offload_set(e->tap, e->tap_offload);
	e->tap_offload = -1;
}

/* Take @file (a reference from kvm_e1000_tap_fget(), or NULL) as backend. */
void kvm_e1000_tap_attach(struct kvm_e1000 *e, struct file *file)
{
	e->tap_offload = -1;
	if (!file)
		return;
	e->tap = file;
	e->sock = tun_get_socket(file);
	e->tap_ring = tun_get_tx_ring(file);
	e->rxq_head = 0;
	e->rxq_tail = 0;
	e->core.backend_gso = true;
	init_waitqueue_func_entry(&e->tap_wait, tap_wakeup);
	init_poll_funcptr(&e->tap_pt, tap_queue);
	vfs_poll(file, &e->tap_pt);
}

/* Stop tap wakeups and drop the reference; the worker must be detached. */
void kvm_e1000_tap_detach(struct kvm_e1000 *e)
{
	if (!e->tap)
		return;
	if (e->tap_wqh)
		remove_wait_queue(e->tap_wqh, &e->tap_wait);
	/* Frames taken but not read: back to the tap's next reader, in order. */
	if (e->rxq_head < e->rxq_tail)
		ptr_ring_unconsume(e->tap_ring, e->rxq + e->rxq_head,
				   e->rxq_tail - e->rxq_head, tun_ptr_free);
	e->rxq_head = 0;
	e->rxq_tail = 0;
	fput(e->tap);
	e->tap = NULL;
	e->sock = NULL;
	e->tap_ring = NULL;
}
