// SPDX-License-Identifier: GPL-2.0
/*
 * The transmit descriptor engine (8254x SDM, section 3.3 and 3.5): legacy,
 * context and data descriptors, checksum offload, TCP segmentation (handed
 * to the backend as GSO, or done here), VLAN insertion, write-back and the
 * TX interrupt causes.
 *
 * tx_buf layout: TX_HEADROOM bytes free for a VLAN tag, the frame being
 * gathered, slack for padding a short frame, and at the very end the TSO
 * header as the guest wrote it (each segment starts from that copy).
 * A TSO segment is built in place just before its payload, over bytes
 * of the segments already sent, so nothing is copied but the headers.
 *
 * One copy: a TSO frame for a backend that takes GSO and can read guest
 * memory itself (frame_out_sg) has only its headers gathered into tx_buf,
 * the bytes the device checks and rewrites; its payload stays in guest
 * memory until the backend copies it into its own buffer.  Whenever that
 * cannot be (the platform declines, the backend is busy, the frame
 * outlives the pass, the context changed under it), the payload is read
 * into tx_buf after all and the frame goes on as any other.
 */
#include "core_internal.h"
#include "offload.h"

#define TX_HEADROOM	E1000_VLAN_HLEN
#define TX_HDR_SAVE	256		/* hdr_len is 8 bits */
#define TX_PAD_SLACK	E1000_ETH_ZLEN
#define TX_MAX_FRAME	(E1000_TX_BUF_SIZE - TX_HEADROOM - TX_PAD_SLACK - \
			 TX_HDR_SAVE)
#define TX_SAVE_OFF	(E1000_TX_BUF_SIZE - TX_HDR_SAVE)
#define TX_MIN_MSS	64		/* refuse TSO below: segment storms */

enum txd_type { TXD_LEGACY, TXD_CONTEXT, TXD_DATA, TXD_BAD };

/* One descriptor, decoded from any of the three layouts. */
struct txd {
	enum txd_type type;
	u64 addr;
	u32 len;
	u8 cmd;			/* legacy cmd byte, or DCMD / TUCMD */
	u8 popts;
	u16 special;
	u8 css, cso;		/* legacy checksum offsets */
	union {			/* as read from the ring */
		struct e1000_tx_desc l;
		struct e1000_context_desc c;
		struct e1000_data_desc x;
	} raw;
};

static void txd_decode(struct txd *d)
{
	const struct e1000_tx_desc *l = &d->raw.l;
	const struct e1000_data_desc *x = &d->raw.x;
	u32 lower = le32_to_cpu(x->lower), upper = le32_to_cpu(x->upper);

	d->cmd = lower >> 24;
	if (!(d->cmd & E1000_TXD_CMD_DEXT_B)) {
		d->type = TXD_LEGACY;
		d->addr = le64_to_cpu(l->buffer_addr);
		d->len = le16_to_cpu(l->length);
		d->css = l->css;
		d->cso = l->cso;
		d->special = le16_to_cpu(l->special);
		return;
	}
	switch (lower & E1000_TXD_DTYP_MASK) {
	case E1000_TXD_DTYP_C:
		d->type = TXD_CONTEXT;
		return;
	case E1000_TXD_DTYP_D:
		d->type = TXD_DATA;
		d->addr = le64_to_cpu(x->buffer_addr);
		d->len = lower & E1000_TXD_LEN_MASK;
		d->popts = upper >> E1000_TXD_POPTS_SHIFT;
		d->special = upper >> E1000_TXD_SPECIAL_SHIFT;
		return;
	default:
		d->type = TXD_BAD;
	}
}

static void tx_context(struct e1000_tx_state *tx, const struct txd *d)
{
	const struct e1000_context_desc *c = &d->raw.c;
	u32 cl = le32_to_cpu(c->cmd_and_length);

	tx->ipcss = c->ipcss;
	tx->ipcso = c->ipcso;
	tx->ipcse = le16_to_cpu(c->ipcse);
	tx->tucss = c->tucss;
	tx->tucso = c->tucso;
	tx->tucse = le16_to_cpu(c->tucse);
	tx->paylen = cl & E1000_TXD_PAYLEN_MASK;
	tx->tse = cl & E1000_TXD_CMD_TSE;
	tx->ip4 = cl & E1000_TXD_CMD_IP;
	tx->tcp = cl & E1000_TXD_CMD_TCP;
	tx->hdr_len = c->hdr_len;
	tx->mss = le16_to_cpu(c->mss);
}

static void insert_ip_sum(const struct e1000_tx_state *tx, u8 *f, u32 len)
{
	if (tx->ipcso + 2U > len)
		return;
	/* A correct header sum is computed over a zero field. */
	e1000_put_be16(f + tx->ipcso, 0);
	e1000_csum_insert(f, len, tx->ipcss, tx->ipcso, tx->ipcse);
}

/* Add the TCP length to the pseudo-header sum the driver left at TUCSO. */
static void add_l4_len(const struct e1000_tx_state *tx, u8 *f, u32 l4_len)
{
	u32 sum = e1000_get_be16(f + tx->tucso);

	e1000_put_be16(f + tx->tucso,
		       e1000_csum_fold(e1000_csum_add32(sum, l4_len)));
}

/* Insert the 802.1Q tag after the MAC addresses: the frame grows by 4. */
static u8 *insert_vlan(const struct e1000_tx_pass *p, u16 tci, u8 *f,
		       u32 *len)
{
	memmove(f - E1000_VLAN_HLEN, f, 2 * E1000_ETH_ALEN);
	f -= E1000_VLAN_HLEN;
	e1000_put_be16(f + E1000_ETH_TYPE_OFF, p->vet);
	e1000_put_be16(f + E1000_ETH_TYPE_OFF + 2, tci);
	*len += E1000_VLAN_HLEN;
	return f;
}

static bool tx_vlan(const struct e1000_tx_pass *p,
		    const struct e1000_tx_state *tx)
{
	return tx->vle && (p->ctrl & E1000_CTRL_VME);
}

/* The VLAN tag and, with TCTL.PSP, padding to the minimum frame. */
static u8 *tx_finish(const struct e1000_tx_pass *p,
		     const struct e1000_tx_state *tx, u8 *f, u32 *len)
{
	if (tx_vlan(p, tx) && *len >= E1000_ETH_HLEN)
		f = insert_vlan(p, tx->vlan, f, len);
	if ((p->tctl & E1000_TCTL_PSP) && *len < E1000_ETH_ZLEN) {
		memset(f + *len, 0, E1000_ETH_ZLEN - *len);
		*len = E1000_ETH_ZLEN;
	}
	return f;
}

/*
 * Hand one frame on; in loopback it waits in the pass for the RX engine.
 * The frame's own path decides, not the pass's: see e1000_tx_state.loop.
 */
static int tx_emit(struct e1000_core *core, struct e1000_tx_pass *p,
		   const u8 *f, u32 len, const struct e1000_tx_meta *meta)
{
	if (core->tx.loop) {
		p->loop_frame = f;
		p->loop_len = len;
		return E1000_FRAME_TAKEN;
	}
	return core->plat->frame_out(core->opaque, f, len, meta);
}

/* ---- One copy: a TSO payload left in guest memory ---- */

/* At a frame's first data descriptor: may its payload stay where it is? */
static void defer_start(struct e1000_core *core, const struct e1000_tx_pass *p)
{
	struct e1000_tx_defer *df = &core->txdefer;
	const struct e1000_tx_state *tx = &core->tx;

	df->on = tx->frame_tse && core->backend_gso && !p->loopback &&
		 core->plat->frame_out_sg && tx->hdr_len >= E1000_ETH_HLEN;
	df->hdr_len = tx->hdr_len;
	df->n = 0;
	df->bytes = 0;
}

static void defer_forget(struct e1000_core *core)
{
	core->txdefer.on = false;
	core->txdefer.n = 0;
	core->txdefer.bytes = 0;
}

/*
 * Read the payload into tx_buf behind the headers: the frame is whole
 * there, as if gathered by copying.  A fault makes it bad (dropped at EOP,
 * counted once, as a DMA error, by the platform).
 */
static void defer_settle(struct e1000_core *core)
{
	struct e1000_tx_defer *df = &core->txdefer;
	struct e1000_tx_state *tx = &core->tx;
	u32 off = tx->len - df->bytes, i;

	for (i = 0; i < df->n && !tx->bad; off += df->frag[i].len, i++)
		if (core->plat->dma_read(core->opaque, df->frag[i].gpa,
					 core->tx_buf + TX_HEADROOM + off,
					 df->frag[i].len) != E1000_DMA_OK)
			tx->bad = true;
	defer_forget(core);
}

/*
 * Gather one buffer of a deferred frame: the bytes still missing from the
 * header (the context's hdr_len) into tx_buf, the rest as a piece.
 */
static void defer_gather(struct e1000_core *core, struct e1000_tx_pass *p,
			 const struct txd *d)
{
	struct e1000_tx_defer *df = &core->txdefer;
	struct e1000_tx_state *tx = &core->tx;
	u32 held = tx->len - df->bytes, take = 0;

	if (held < df->hdr_len)
		take = min_t(u32, d->len, df->hdr_len - held);
	if (take && core->plat->dma_read(core->opaque, d->addr,
					 core->tx_buf + TX_HEADROOM + held,
					 take) != E1000_DMA_OK) {
		tx->bad = true;
		return;
	}
	if (d->len > take) {
		df->frag[df->n].gpa = d->addr + take;
		df->frag[df->n].len = d->len - take;
		df->n++;
		df->bytes += d->len - take;
	}
	p->read += d->len;
	tx->len += d->len;
}

/*
 * Emit a GSO frame whose first @len bytes less the deferred payload are
 * at @f.  A busy backend or a declining platform gets the payload copied
 * into tx_buf: a retry, or frame_out() now, sends that.  If it cannot be
 * read the frame is lost (tx.bad) and counts as taken.
 */
static int gso_emit(struct e1000_core *core, struct e1000_tx_pass *p,
		    const u8 *f, u32 len, const struct e1000_tx_meta *meta)
{
	struct e1000_tx_defer *df = &core->txdefer;
	int ret;

	if (df->on) {
		ret = core->plat->frame_out_sg(core->opaque, f, len - df->bytes,
					       df->frag, df->n, meta);
		if (ret == E1000_FRAME_TAKEN) {
			defer_forget(core);
			return ret;
		}
		defer_settle(core);
		if (core->tx.bad)
			return E1000_FRAME_TAKEN;
		if (ret == E1000_FRAME_BUSY)
			return ret;
	}
	return tx_emit(core, p, f, len, meta);
}

void e1000_tx_settle(struct e1000_core *core)
{
	if (core->txdefer.on)
		defer_settle(core);
}

/* ---- TCP segmentation ---- */

/* Offsets the context gives must lie in the header, MSS be sane. */
static bool tso_valid(const struct e1000_tx_state *tx)
{
	u32 h = tx->hdr_len, tcp_end = tx->tucss + E1000_TCP_HLEN;
	u32 iph = tx->ip4 ? E1000_IPV4_HLEN : E1000_IPV6_HLEN;

	return tx->tcp && tx->mss >= TX_MIN_MSS && h <= tx->len &&
	       h >= E1000_ETH_HLEN && tx->ipcss + iph <= h && tcp_end <= h &&
	       tx->tucso + 2U <= h && tx->ipcso + 2U <= h;
}

/*
 * GSO metadata must describe the headers it travels with: the host stack
 * trusts it (protocol, header lengths, offsets) and segments by it.  The
 * hardware would segment whatever it is told; the backend is not told
 * anything that does not match.  IPv6 extension headers are not passed.
 */
static bool gso_ip_valid(const struct e1000_tx_state *tx, const u8 *f)
{
	const u8 *ip = f + tx->ipcss;
	u32 ihl = (ip[0] & 0xF) * 4;

	if (tx->ipcss < E1000_ETH_HLEN)
		return false;
	if (tx->ip4)
		return e1000_get_be16(ip - 2) == E1000_ETH_P_IP &&
		       ip[0] >> 4 == 4 && ihl >= E1000_IPV4_HLEN &&
		       tx->ipcss + ihl == tx->tucss &&
		       ip[E1000_IPV4_PROTO] == E1000_IPPROTO_TCP &&
		       tx->len - tx->ipcss <= E1000_IP_MAX_LEN;
	return e1000_get_be16(ip - 2) == E1000_ETH_P_IPV6 &&
	       ip[0] >> 4 == 6 && ip[E1000_IPV6_NEXT] == E1000_IPPROTO_TCP &&
	       tx->ipcss + E1000_IPV6_HLEN == tx->tucss &&
	       tx->len - tx->tucss <= E1000_IP_MAX_LEN;
}

static bool gso_valid(const struct e1000_tx_state *tx, const u8 *f)
{
	u32 doff = (f[tx->tucss + E1000_TCP_DOFF] >> 4) * 4;

	return gso_ip_valid(tx, f) && doff >= E1000_TCP_HLEN &&
	       tx->tucss + doff == tx->hdr_len &&
	       tx->tucso == tx->tucss + E1000_TCP_CSUM;
}

/* The TSO frame in tx_buf as segments of the context's MSS. */
static void tso_desc(struct e1000_core *core, struct e1000_tcp_seg *s)
{
	const struct e1000_tx_state *tx = &core->tx;

	*s = (struct e1000_tcp_seg) {
		.hdr = core->tx_buf + TX_SAVE_OFF,
		.hdr_len = tx->hdr_len,
		.ip_off = tx->ipcss,
		.tcp_off = tx->tucss,
		.len = tx->len,
		.mss = tx->mss,
		/* The 8254x sets these in the last segment only. */
		.last_only = E1000_TCP_FIN | E1000_TCP_PSH,
		.ip4 = tx->ip4,
	};
}

/* Build segment @i in place; returns its first byte. */
static u8 *tso_segment(struct e1000_core *core, const struct e1000_tcp_seg *s,
		       u32 i, u32 *len)
{
	const struct e1000_tx_state *tx = &core->tx;
	u8 *f = e1000_tcp_seg_build(s, core->tx_buf + TX_HEADROOM, i, len);

	if (tx->popts & E1000_TXD_POPTS_IXSM)
		insert_ip_sum(tx, f, *len);
	if (tx->popts & E1000_TXD_POPTS_TXSM) {
		add_l4_len(tx, f, *len - tx->tucss);
		e1000_csum_insert(f, *len, tx->tucss, tx->tucso, 0);
	}
	return f;
}

/* Segment here, one frame per call of the backend; false: stop the pass. */
static bool tso_soft(struct e1000_core *core, struct e1000_tx_pass *p)
{
	struct e1000_tx_state *tx = &core->tx;
	static const struct e1000_tx_meta none;
	struct e1000_tcp_seg s;
	u32 n, len;
	u8 *f;

	tso_desc(core, &s);
	n = e1000_tcp_seg_count(&s);
	while (tx->seg < n) {
		f = tso_segment(core, &s, tx->seg, &len);
		f = tx_finish(p, tx, f, &len);
		if (tx_emit(core, p, f, len, &none) == E1000_FRAME_BUSY)
			return false;
		e1000_pass_count(&p->ring, f, len, 1);
		tx->seg++;
		/* Loopback: one frame per run, the rest waits at EOP. */
		if (p->loop_len && tx->seg < n)
			return false;
	}
	return true;
}

/*
 * The whole TSO frame as one GSO frame: the host stack segments it.  It
 * wants the IP lengths of the big frame and, in a CHECKSUM_PARTIAL TCP
 * header, the pseudo-header sum with the TCP length, which the Linux
 * e1000 driver leaves out (the hardware adds it per segment).
 */
static bool tso_gso(struct e1000_core *core, struct e1000_tx_pass *p)
{
	struct e1000_tx_state *tx = &core->tx;
	u32 vlan = tx_vlan(p, tx) ? E1000_VLAN_HLEN : 0;
	u32 len = tx->len, pay = tx->len - tx->hdr_len, n, last;
	struct e1000_tcp_seg s;
	struct e1000_tx_meta meta = {
		.flags = E1000_TXM_NEEDS_CSUM,
		.gso_type = tx->ip4 ? E1000_GSO_TCPV4 : E1000_GSO_TCPV6,
		.hdr_len = tx->hdr_len + vlan,
		.gso_size = tx->mss,
		.csum_start = tx->tucss + vlan,
		.csum_offset = tx->tucso - tx->tucss,
	};
	u8 *f = core->tx_buf + TX_HEADROOM;

	tso_desc(core, &s);
	n = e1000_tcp_seg_count(&s);
	last = pay - (n - 1) * tx->mss;
	if (tx->seg == 0) {
		e1000_ip_set_len(f + tx->ipcss, tx->ip4, len - tx->ipcss);
		if (tx->ip4) {
			e1000_put_be16(f + tx->ipcso, 0);
			e1000_csum_insert(f, tx->hdr_len, tx->ipcss,
					  tx->ipcso, tx->ipcse);
		}
		add_l4_len(tx, f, len - tx->tucss);
		f = tx_finish(p, tx, f, &len);
		tx->out_off = f - core->tx_buf;
		tx->out_len = len;
		tx->seg = 1;	/* headers fixed: a retry sends as is */
	}
	f = core->tx_buf + tx->out_off;
	len = tx->out_len;
	if (gso_emit(core, p, f, len, &meta) == E1000_FRAME_BUSY)
		return false;
	/* Its payload could not be read: dropped, a DMA error. */
	if (tx->bad)
		return true;
	/* Statistics count the segments the wire will carry. */
	e1000_pass_count(&p->ring, f, tx->hdr_len + vlan + tx->mss, n - 1);
	e1000_pass_count(&p->ring, f, tx->hdr_len + vlan + last, 1);
	return true;
}

static bool tx_send_tso(struct e1000_core *core, struct e1000_tx_pass *p)
{
	struct e1000_tx_state *tx = &core->tx;
	bool done;

	if (!tx->ready) {
		tx->loop = p->loopback;
		tx->soft_tso = !core->backend_gso || tx->loop;
		/*
		 * The payload stays in place only for one GSO frame with the
		 * header it was gathered behind and no padding.
		 */
		if (core->txdefer.on &&
		    (tx->soft_tso || tx->hdr_len != core->txdefer.hdr_len ||
		     tx->len < E1000_ETH_ZLEN)) {
			defer_settle(core);
			if (tx->bad)
				return true;	/* counted as a DMA error */
		}
		if (!tso_valid(tx) ||
		    (!tx->soft_tso && !gso_valid(tx, core->tx_buf + TX_HEADROOM))) {
			p->tso_fail++;
			p->dropped++;
			return true;
		}
		memcpy(core->tx_buf + TX_SAVE_OFF, core->tx_buf + TX_HEADROOM,
		       tx->hdr_len);
		tx->ready = true;
		tx->seg = 0;
	}
	if (tx->soft_tso)
		done = tso_soft(core, p);
	else
		done = tso_gso(core, p);
	if (done && !tx->bad)
		p->tso++;
	return done;
}

/* ---- Plain frames ---- */

/* Checksum offloads of a non-TSO frame, in place. */
static void tx_csum(struct e1000_core *core, const struct e1000_tx_pass *p,
		    const struct txd *eop, u8 *f, u32 len)
{
	struct e1000_tx_state *tx = &core->tx;

	tx->partial = false;
	if (eop->type == TXD_LEGACY) {
		if (eop->cmd & E1000_TXD_CMD_IC_B)
			e1000_csum_insert(f, len, eop->css, eop->cso, 0);
		return;
	}
	if (tx->popts & E1000_TXD_POPTS_IXSM)
		insert_ip_sum(tx, f, len);
	if (!(tx->popts & E1000_TXD_POPTS_TXSM))
		return;
	/* The backend can finish a sum that runs to the frame's end. */
	if (core->backend_gso && !tx->loop && !tx->tucse && tx->tucss < len &&
	    tx->tucso >= tx->tucss && tx->tucso + 2U <= len)
		tx->partial = true;
	else
		e1000_csum_insert(f, len, tx->tucss, tx->tucso, tx->tucse);
}

static bool tx_send_plain(struct e1000_core *core, struct e1000_tx_pass *p,
			  const struct txd *eop)
{
	struct e1000_tx_state *tx = &core->tx;
	struct e1000_tx_meta meta = { 0 };
	u32 vlan, len;
	u8 *f;

	if (!tx->ready) {
		tx->loop = p->loopback;
		f = core->tx_buf + TX_HEADROOM;
		len = tx->len;
		tx_csum(core, p, eop, f, len);
		f = tx_finish(p, tx, f, &len);
		tx->out_off = f - core->tx_buf;
		tx->out_len = len;
		tx->ready = true;
	}
	if (tx->partial) {
		vlan = tx->out_off < TX_HEADROOM ? E1000_VLAN_HLEN : 0;
		meta.flags = E1000_TXM_NEEDS_CSUM;
		meta.csum_start = tx->tucss + vlan;
		meta.csum_offset = tx->tucso - tx->tucss;
	}
	f = core->tx_buf + tx->out_off;
	if (tx_emit(core, p, f, tx->out_len, &meta) == E1000_FRAME_BUSY)
		return false;
	e1000_pass_count(&p->ring, f, tx->out_len, 1);
	return true;
}

/* ---- The descriptor walk ---- */

static void tx_forget(struct e1000_core *core)
{
	struct e1000_tx_state *tx = &core->tx;

	tx->in_frame = false;
	tx->ready = false;
	tx->len = 0;
	defer_forget(core);
}

/* A reset or a new ring: the frame in progress is lost. */
static void tx_discard(struct e1000_core *core, struct e1000_tx_pass *p)
{
	if (core->tx.in_frame && !core->tx.bad)
		p->dropped++;
	tx_forget(core);
}

/* DD into the status byte, as the hardware does: nothing else changes. */
static void tx_writeback(struct e1000_core *core, struct e1000_tx_pass *p,
			 u64 gpa, const struct txd *d)
{
	static const u8 dd = E1000_TXD_STAT_DD;

	if (!(d->cmd & (E1000_TXD_CMD_RS_B | E1000_TXD_CMD_RPS_B)))
		return;
	/* A fault is the platform's to count (dma_errors). */
	core->plat->dma_write(core->opaque, gpa + E1000_TXD_STATUS_OFF, &dd, 1);
	if (d->cmd & E1000_TXD_CMD_IDE_B)
		p->ring.delayed |= E1000_ICR_TXDW;
	else
		p->ring.causes |= E1000_ICR_TXDW;
}

/* Copy one data buffer behind the frame gathered so far. */
static void tx_gather(struct e1000_core *core, struct e1000_tx_pass *p,
		      const struct txd *d)
{
	struct e1000_tx_state *tx = &core->tx;

	if (tx->ready)		/* a retry: the data is in tx_buf already */
		return;
	if (!tx->in_frame) {
		tx->in_frame = true;
		tx->bad = false;
		tx->ready = false;
		tx->len = 0;
		tx->popts = d->type == TXD_DATA ? d->popts : 0;
		tx->frame_tse = d->type == TXD_DATA &&
				(d->cmd & E1000_TXD_CMD_IC_B);	/* DCMD.TSE */
		defer_start(core, p);
	}
	/*
	 * Each guest error lands in one counter: a zero-length buffer in a
	 * chain is a malformed descriptor; a chain longer than any frame is a
	 * dropped frame, counted now (its EOP may never come); a buffer
	 * outside RAM is a DMA fault, the platform's to count.  The frame is
	 * then dropped at EOP without being counted again.
	 */
	if (!d->len && !(d->cmd & E1000_TXD_CMD_EOP_B))
		p->ring.errors++;
	if (tx->bad || !d->len)
		return;
	if (d->len > TX_MAX_FRAME - tx->len) {
		p->dropped++;
		tx->bad = true;
		return;
	}
	/* A chain of more pieces than we keep is copied after all. */
	if (core->txdefer.on && core->txdefer.n == E1000_TX_FRAGS)
		defer_settle(core);
	if (core->txdefer.on) {
		defer_gather(core, p, d);
		return;
	}
	if (tx->bad)
		return;
	if (core->plat->dma_read(core->opaque, d->addr,
				 core->tx_buf + TX_HEADROOM + tx->len,
				 d->len) != E1000_DMA_OK) {
		tx->bad = true;
		return;
	}
	p->read += d->len;
	tx->len += d->len;
}

/* The frame is complete at @eop; false: the backend is busy, retry later. */
static bool tx_send(struct e1000_core *core, struct e1000_tx_pass *p,
		    const struct txd *eop)
{
	struct e1000_tx_state *tx = &core->tx;

	if (!tx->ready) {
		/* VLE and the tag are valid in the last descriptor. */
		tx->vle = eop->cmd & E1000_TXD_CMD_VLE_B;
		tx->vlan = eop->special;
		/* Counted when it went bad (tx_gather()). */
		if (tx->bad)
			return true;
		/* Not even an Ethernet header: nothing a backend could take. */
		if (tx->len < E1000_ETH_HLEN) {
			p->dropped++;
			return true;
		}
	}
	if (tx->frame_tse)
		return tx_send_tso(core, p);
	return tx_send_plain(core, p, eop);
}

/* One descriptor at the head; false: stop with the head where it is. */
static bool tx_step(struct e1000_core *core, struct e1000_tx_pass *p)
{
	struct e1000_tx_state *tx = &core->tx;
	u64 gpa = p->ring.base + (u64)p->ring.head * E1000_DESC_SIZE;
	struct txd d = { 0 };

	if (core->plat->dma_read(core->opaque, gpa, &d.raw, sizeof(d.raw)) !=
	    E1000_DMA_OK) {
		/* The platform counts the fault; the frame around it is lost. */
		if (tx->ready)
			tx_forget(core);
		else if (tx->in_frame)
			tx->bad = true;
		return true;
	}
	txd_decode(&d);
	/*
	 * A frame waiting for the backend is sent whatever the guest has
	 * since written over its EOP descriptor: a context rewritten there
	 * must not change the MSS or offsets of the frame already checked.
	 */
	if (tx->ready)
		d.type = TXD_DATA;
	switch (d.type) {
	case TXD_CONTEXT:
		tx_context(tx, &d);
		break;
	case TXD_BAD:
		p->ring.errors++;
		break;
	default:
		tx_gather(core, p, &d);
		if (!(d.cmd & E1000_TXD_CMD_EOP_B) && !tx->ready)
			break;
		if (!tx_send(core, p, &d))
			return false;
		tx->in_frame = false;
		tx->ready = false;
		defer_forget(core);
	}
	tx_writeback(core, p, gpa, &d);
	return true;
}

bool e1000_tx_begin(struct e1000_core *core, struct e1000_tx_pass *p)
{
	memset(p, 0, sizeof(*p));
	p->tctl = e1000_reg(core, E1000_TCTL);
	/* Without bus mastering no descriptor is fetched: TDT waits. */
	if (!(p->tctl & E1000_TCTL_EN) || !core->bus_master)
		return false;
	if (!e1000_ring_snapshot(core, &p->ring, E1000_TDBAL, E1000_TDBAH,
				 E1000_TDLEN, E1000_TDH, E1000_TDT))
		return false;
	p->ctrl = e1000_reg(core, E1000_CTRL);
	p->vet = e1000_reg(core, E1000_VET);
	p->loopback = e1000_core_loopback(core);
	p->start = p->ring.head;
	return p->ring.head != p->ring.tail && core->tx_buf;
}

bool e1000_tx_run(struct e1000_core *core, struct e1000_tx_pass *p,
		  u32 budget, u32 bytes)
{
	struct e1000_ring_pass *r = &p->ring;
	struct e1000_tx_state *tx = &core->tx;

	/* The last looped frame has been received by now. */
	p->loop_frame = NULL;
	p->loop_len = 0;
	if (tx->gen != r->gen) {
		/* A reset or a new ring: the frame in progress is gone. */
		tx_discard(core, p);
		tx->gen = r->gen;
	}
	/*
	 * A descriptor is consumed only once fully handled: a frame the
	 * backend refused waits at its EOP descriptor, at the head, for the
	 * next run.  Both budgets bound the pass whatever the ring holds:
	 * context and zero-length descriptors cost a descriptor each, a
	 * chain that never ends is read only up to the largest frame, and
	 * buffers are read up to @bytes (plus one descriptor's).
	 */
	for (; budget && r->head != r->tail && !p->loop_len && p->read < bytes;
	     budget--) {
		/* A reset, a new ring, TCTL or BME changed: end() decides. */
		if (e1000_pass_stale(core, r)) {
			p->stale = true;
			break;
		}
		if (r->head >= r->size || !tx_step(core, p))
			return false;
		r->head = (r->head + 1) % r->size;
	}
	return !budget && r->head != r->tail && !p->loop_len && !p->stale &&
	       p->read < bytes;
}

/*
 * TXDW's delay timers at the guest's own pace.  TIDV and TADV are the
 * driver's idea of a short while: Linux sets 8 and 32 us, a few frames'
 * time for a guest that queues a frame every microsecond or two.  A guest
 * that takes hundreds of microseconds per frame (a slow or overcommitted
 * vCPU, nested virtualization) gets from them an interrupt for every
 * frame or two, and each costs it five MMIO exits and an EOI.  So the
 * packet timer stretches to TX_PACE_GAPS of the guest's mean gap between
 * transmit passes and the absolute one to TX_PACE_ABS packet timers,
 * never shorter than the guest set them, at most tx_pace.max_ns and
 * TX_PACE_ABS times that:
 *  - a guest that keeps sending gets an interrupt for several frames;
 *  - one that waits for its buffers back before it sends again is not
 *    held longer for it: the time from the end of a hold to its next
 *    frame is its pace, the hold's own length is not (else a guest gated
 *    by completions would stretch the holds it waits for, to the cap);
 *  - half a ring completed under one hold interrupts at once, before
 *    the driver can run short of descriptors;
 *  - an interrupt for any other cause carries the held TXDW along
 *    (core.c): a driver cleans its transmit ring on every interrupt.
 */
#define TX_PACE_GAPS	2	/* packet timer: mean gaps */
#define TX_PACE_ABS	4	/* absolute timer: packet timers */
#define TX_PACE_SHIFT	2	/* the mean moves 1/4 of the way per pass */

static void tx_pace_sample(struct e1000_core *core)
{
	struct e1000_tx_pace *tp = &core->tx_pace;
	u64 now = core->plat->now_ns(core->opaque);
	u64 since = tp->last_ns;
	u64 gap;

	if (!(core->delayed_causes & E1000_ICR_TXDW))
		since = max_t(u64, since, tp->end_ns);
	gap = min_t(u64, now - since, tp->max_ns);
	tp->gap_ns += (gap >> TX_PACE_SHIFT) - (tp->gap_ns >> TX_PACE_SHIFT);
	tp->last_ns = now;
}

static void tx_delay_txdw(struct e1000_core *core,
			  const struct e1000_ring_pass *r, u32 done)
{
	struct e1000_tx_pace *tp = &core->tx_pace;
	u32 tidv = e1000_reg(core, E1000_TIDV) & E1000_DELAY_MASK;
	u32 tadv = e1000_reg(core, E1000_TADV) & E1000_DELAY_MASK;
	u64 pace;

	if (tp->max_ns && tidv) {
		if (done)
			tx_pace_sample(core);
		if (!(core->delayed_causes & E1000_ICR_TXDW))
			tp->held = 0;
		tp->held += done;
		if (tp->held >= r->size / 2) {
			e1000_core_raise_now(core, E1000_ICR_TXDW);
			return;
		}
		pace = min_t(u64, TX_PACE_GAPS * tp->gap_ns, tp->max_ns) /
		       E1000_DELAY_UNIT_NS;
		tidv = min_t(u64, max_t(u64, tidv, pace), E1000_DELAY_MASK);
		tadv = min_t(u64, max_t(u64, tadv, TX_PACE_ABS * pace),
			     E1000_DELAY_MASK);
	}
	e1000_core_delay_cause(core, E1000_ICR_TXDW, E1000_TIMER_TIDV, tidv,
			       E1000_TIMER_TADV, tadv);
}

bool e1000_tx_end(struct e1000_core *core, struct e1000_tx_pass *p)
{
	struct e1000_ring_pass *r = &p->ring;
	bool again = r->head != p->start || p->loop_len || p->stale;

	if (r->gen != core->ring_gen)
		return again;
	e1000_reg_set(core, E1000_TDH, r->head);
	e1000_core_stat_add(core, E1000_GPTC, r->frames);
	e1000_core_stat_add(core, E1000_TPT, r->frames);
	e1000_core_stat_add64(core, E1000_GOTCL, r->bytes);
	e1000_core_stat_add64(core, E1000_TOTL, r->bytes);
	e1000_core_stat_add(core, E1000_BPTC, r->bcast);
	e1000_core_stat_add(core, E1000_MPTC, r->mcast);
	e1000_core_stat_add(core, E1000_TSCTC, p->tso);
	e1000_core_stat_add(core, E1000_TSCTFC, p->tso_fail);
	e1000_core_stat_bins(core, E1000_PTC64, r);
	core->cnt.desc_errors += r->errors;
	core->cnt.tx_dropped += p->dropped;
	if (r->head == e1000_reg(core, E1000_TDT))
		r->causes |= E1000_ICR_TXQE;
	e1000_core_raise_now(core, r->causes);
	if (r->delayed & ~r->causes)
		tx_delay_txdw(core, r, (r->head + r->size - p->start) % r->size);
	return again;
}

/*
 * The TX state a saved device brings (@tx) with the contents of its tx_buf
 * (@buf, E1000_TX_BUF_SIZE bytes, or NULL when no frame is in progress),
 * checked before a device takes it: everything the descriptor walk and the
 * senders above take for granted of a frame they resume.  @backend_gso:
 * the backend of the device taking it (a frame the source built as GSO
 * cannot go to a backend that does not take GSO).
 */
bool e1000_tx_state_valid(const struct e1000_tx_state *tx, const u8 *buf,
			  bool backend_gso)
{
	struct e1000_tcp_seg s = { 0 };

	if (tx->paylen & ~E1000_TXD_PAYLEN_MASK || tx->len > TX_MAX_FRAME ||
	    tx->out_off > TX_HEADROOM ||
	    tx->out_len > TX_SAVE_OFF - tx->out_off)
		return false;
	/* Between frames the rest is stale, and rewritten by the next. */
	if (!tx->in_frame)
		return !tx->ready;
	if (!buf)
		return false;
	if (!tx->ready)
		return true;
	/* tx_send() built it: no bad frame, at least a header. */
	if (tx->bad || tx->len < E1000_ETH_HLEN)
		return false;
	if (!tx->frame_tse)
		return !tx->partial ||
		       (backend_gso && !tx->loop && !tx->tucse &&
			tx->tucss < tx->len && tx->tucso >= tx->tucss &&
			tx->tucso + 2U <= tx->len);
	/* Cut here, or handed on as GSO: only to a backend that takes it. */
	if (!tso_valid(tx) || (!tx->soft_tso && (!backend_gso || tx->loop)))
		return false;
	if (!tx->soft_tso)
		/* tso_gso() fixed the headers before its first offer. */
		return tx->seg == 1 && gso_valid(tx, buf + TX_HEADROOM);
	s.len = tx->len;
	s.hdr_len = tx->hdr_len;
	s.mss = tx->mss;
	return tx->seg < e1000_tcp_seg_count(&s);
}
