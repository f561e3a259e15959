// SPDX-License-Identifier: GPL-2.0
/*
 * The receive descriptor engine (8254x SDM, sections 3.2 and 4): address
 * and VLAN filters, long-frame policy, VLAN stripping, checksum status,
 * frames spread over several buffers, and the RX interrupt causes.
 *
 * Frames from a tap carry no FCS.  Unless RCTL.SECRC strips it, the
 * hardware hands the guest the 4 CRC bytes too, counted in the length
 * (the Linux driver trims them), so we compute and append them.  Size
 * limits and statistics, which the manual states with the FCS, add it.
 */
#include "core_internal.h"
#include "offload.h"

#define RX_MAX_LONG	16384		/* RCTL.LPE: longest frame, FCS incl. */
#define RX_MAX_STD	1518
#define RX_VID_MASK	0x0FFF
/* MACs, the rest of the headers, a payload's pieces, padding, FCS. */
#define RX_MAX_SEGS	(E1000_RX_SG_MAX + 4)
#define RX_NO_PATCH	0xFFFFFFFFU

static const u8 rx_zero[E1000_ETH_ZLEN];

/* The frame as the guest will see it: pieces of the received bytes. */
struct rx_view {
	const u8 *p[RX_MAX_SEGS];
	u32 n[RX_MAX_SEGS];
	u32 count;		/* pieces in use */
	u32 len;
	u32 patch_at;		/* a completed checksum goes here... */
	u8 patch[2];		/* ...unless patch_at is RX_NO_PATCH */
	u32 shift;		/* 4: a VLAN tag went to the descriptor */
	u8 status, errors;
	u16 special;
	u8 fcs[E1000_ETH_FCS_LEN];
};

static void view_add(struct rx_view *v, const u8 *p, u32 n)
{
	if (!n || v->count == RX_MAX_SEGS)
		return;
	v->p[v->count] = p;
	v->n[v->count++] = n;
	v->len += n;
}

/* ---- Filters ---- */

static bool rx_ra_match(const struct e1000_rx_pass *p, const u8 *dst)
{
	u32 lo = dst[0] | dst[1] << 8 | dst[2] << 16 | (u32)dst[3] << 24;
	u32 hi = dst[4] | dst[5] << 8;
	unsigned int i;

	for (i = 0; i < E1000_RA_ENTRIES; i++) {
		u32 rah = p->ra[2 * i + 1];

		/* AS 00b: a destination address; others match sources. */
		if ((rah & (E1000_RAH_AV | E1000_RAH_AS_MASK)) == E1000_RAH_AV &&
		    p->ra[2 * i] == lo && (rah & 0xFFFF) == hi)
			return true;
	}
	return false;
}

/* 12 bits of the address, chosen by RCTL.MO, index the 4096-bit MTA. */
static bool rx_mta_match(const struct e1000_rx_pass *p, const u8 *dst)
{
	static const u8 shift[4] = { 4, 3, 2, 0 };
	u32 mo = (p->rctl & E1000_RCTL_MO_MASK) >> E1000_RCTL_MO_SHIFT;
	u32 h = ((dst[4] >> shift[mo]) | (u32)dst[5] << (8 - shift[mo])) &
		0xFFF;

	return p->mta[h >> 5] & BIT(h & 31);
}

static bool rx_addr_ok(const struct e1000_rx_pass *p, const u8 *dst)
{
	static const u8 bcast[E1000_ETH_ALEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	bool mc = dst[0] & 1;

	if (mc && !memcmp(dst, bcast, E1000_ETH_ALEN) &&
	    (p->rctl & E1000_RCTL_BAM))
		return true;
	if (p->rctl & (mc ? E1000_RCTL_MPE : E1000_RCTL_UPE))
		return true;
	return rx_ra_match(p, dst) || (mc && rx_mta_match(p, dst));
}

static bool rx_tagged(const struct e1000_rx_pass *p, const u8 *f, u32 len)
{
	return len >= E1000_ETH_HLEN + E1000_VLAN_HLEN &&
	       e1000_get_be16(f + E1000_ETH_TYPE_OFF) == (p->vet & 0xFFFF);
}

static bool rx_vlan_ok(const struct e1000_rx_pass *p, const u8 *f, u32 len)
{
	u32 vid;

	if (!(p->rctl & E1000_RCTL_VFE) || !rx_tagged(p, f, len))
		return true;
	vid = e1000_get_be16(f + E1000_ETH_TYPE_OFF + 2) & RX_VID_MASK;
	return p->vfta[vid >> 5] & BIT(vid & 31);
}

static bool rx_too_long(const struct e1000_rx_pass *p, const u8 *f, u32 len)
{
	u32 max = RX_MAX_LONG;

	if (!(p->rctl & E1000_RCTL_LPE))
		max = RX_MAX_STD + (rx_tagged(p, f, len) ? E1000_VLAN_HLEN : 0);
	return len > max - E1000_ETH_FCS_LEN;
}

/* ---- Checksums ---- */

static bool rx_l4_ok(const struct e1000_rx_pass *p, const u8 *f,
		     const struct e1000_pkt *pkt)
{
	const u8 *l4 = f + pkt->l4_off;
	u32 sum;

	/* IPv4 UDP without a checksum. */
	if (pkt->ip4 && pkt->l4_proto == E1000_IPPROTO_UDP &&
	    !e1000_get_be16(l4 + E1000_UDP_CSUM))
		return true;
	sum = e1000_pseudo_sum(f + pkt->l3_off, pkt->ip6, pkt->l4_proto);
	sum = e1000_csum_add32(sum, pkt->l4_len);
	sum = p->csum(sum, l4, pkt->l4_len);
	return e1000_csum_fold(sum) == 0xFFFF;
}

/*
 * The host left the L4 checksum for us (virtio NEEDS_CSUM): the sum from
 * csum_start to the end, over the pseudo-header sum already in the field.
 * false if the offsets do not fit the frame.
 */
static bool rx_complete(const struct e1000_rx_pass *p, struct rx_view *v,
			const u8 *f, u32 len, const struct e1000_rx_meta *meta)
{
	u32 shift = v->shift;
	u32 start = meta->csum_start;
	u32 at = start + meta->csum_offset;

	if (start >= len || at + 2 > len || at < E1000_ETH_HLEN + shift ||
	    start < E1000_ETH_HLEN + shift)
		return false;
	e1000_put_be16(v->patch,
		       ~e1000_csum_fold(p->csum(0, f + start, len - start)));
	v->patch_at = at - shift;
	return true;
}

/*
 * The checksum status of a frame whose first @avail bytes are at @f.  Only
 * a whole frame (@avail == @len) is summed here: a frame in pieces has
 * sums of ours (E1000_RXM_DATA_VALID).
 */
static void rx_csum(const struct e1000_rx_pass *p, struct rx_view *v,
		    const u8 *f, u32 avail, u32 len,
		    const struct e1000_rx_meta *meta)
{
	bool whole = avail == len;
	bool done = whole && (meta->flags & E1000_RXM_NEEDS_CSUM) &&
		    rx_complete(p, v, f, len, meta);
	struct e1000_pkt pkt;

	e1000_parse_head(f, avail, len, p->vet, &pkt);
	if (pkt.ip4 && (p->rxcsum & E1000_RXCSUM_IPOFL)) {
		v->status |= E1000_RXD_STAT_IPCS;
		if (e1000_csum_fold(e1000_csum_add(0, f + pkt.l3_off,
						   pkt.ip_hlen)) != 0xFFFF)
			v->errors |= E1000_RXD_ERR_IPE;
	}
	if (pkt.l4_off && (p->rxcsum & E1000_RXCSUM_TUOFL)) {
		v->status |= E1000_RXD_STAT_TCPCS;
		/* What the host vouches for or we just wrote is good. */
		if (!done && whole && !(meta->flags & E1000_RXM_DATA_VALID) &&
		    !rx_l4_ok(p, f, &pkt))
			v->errors |= E1000_RXD_ERR_TCPE;
	}
	if (!(v->status & (E1000_RXD_STAT_IPCS | E1000_RXD_STAT_TCPCS)))
		v->status |= E1000_RXD_STAT_IXSM;
}

/* ---- Writing to the ring ---- */

static u32 rx_bufsize(u32 rctl)
{
	/* BSEX multiplies by 16; BSEX with size 00b is reserved: 2048. */
	static const u32 size[2][4] = {
		{ 2048, 1024, 512, 256 }, { 2048, 16384, 8192, 4096 }
	};

	return size[!!(rctl & E1000_RCTL_BSEX)]
		   [(rctl & E1000_RCTL_SZ_MASK) >> E1000_RCTL_SZ_SHIFT];
}

static u32 rx_free(const struct e1000_ring_pass *r)
{
	return (r->tail + r->size - r->head) % r->size;
}

/*
 * Bytes [off, off + n) of the view into the buffer at @gpa.  The view's
 * pieces (frame, padding, FCS, a completed checksum) are several writes
 * into one buffer: a buffer outside RAM is one DMA error, so stop at its
 * first fault.
 */
static int rx_copy(struct e1000_core *core, const struct rx_view *v,
		   u64 gpa, u32 off, u32 n)
{
	const struct e1000_platform *plat = core->plat;
	u32 pos = 0, a, b, k;
	unsigned int i;

	for (i = 0; i < v->count; pos += v->n[i], i++) {
		a = max_t(u32, off, pos);
		b = min_t(u32, off + n, pos + v->n[i]);
		if (a < b && plat->dma_write(core->opaque, gpa + a - off,
					     v->p[i] + a - pos, b - a))
			return E1000_DMA_FAULT;
	}
	for (k = 0; k < 2 && v->patch_at != RX_NO_PATCH; k++) {
		a = v->patch_at + k;
		if (a >= off && a < off + n &&
		    plat->dma_write(core->opaque, gpa + a - off, &v->patch[k], 1))
			return E1000_DMA_FAULT;
	}
	return E1000_DMA_OK;
}

/* One descriptor: its buffer, then length/csum/status/errors/special. */
static bool rx_fill(struct e1000_core *core, struct e1000_rx_pass *p,
		    const struct rx_view *v, u32 off, u32 n, bool eop)
{
	u64 gpa = p->ring.base + (u64)p->ring.head * E1000_DESC_SIZE;
	struct e1000_rx_desc d;
	bool ok = true;

	/*
	 * A descriptor outside RAM is one DMA error: there is no buffer to
	 * fill and nothing to write back to (the same address would only
	 * fault, and count, again).
	 */
	if (core->plat->dma_read(core->opaque, gpa, &d, sizeof(d))) {
		p->ring.head = (p->ring.head + 1) % p->ring.size;
		return false;
	}
	if (rx_copy(core, v, le64_to_cpu(d.buffer_addr), off, n))
		ok = false;
	d.length = cpu_to_le16(n);
	d.csum = 0;
	d.status = E1000_RXD_STAT_DD;
	d.errors = ok ? 0 : E1000_RXD_ERR_RXE;
	d.special = 0;
	if (eop) {
		d.status |= E1000_RXD_STAT_EOP | v->status;
		d.errors |= v->errors;
		d.special = cpu_to_le16(v->special);
	}
	if (core->plat->dma_write(core->opaque, gpa + E1000_RXD_WB_OFF,
				  (u8 *)&d + E1000_RXD_WB_OFF,
				  sizeof(d) - E1000_RXD_WB_OFF))
		ok = false;
	p->ring.head = (p->ring.head + 1) % p->ring.size;
	return ok;
}

/* The FCS of a @len-byte frame whose CRC so far is @crc: padded, sent. */
static void rx_put_fcs(const struct e1000_core *core, struct rx_view *v,
		       u32 crc, u32 len)
{
	e1000_crc32_fn crc32 = core->plat->crc32 ?: e1000_crc32;
	u32 k;

	if (len < E1000_ETH_ZLEN)
		crc = crc32(crc, rx_zero, E1000_ETH_ZLEN - len);
	crc = ~crc;
	for (k = 0; k < E1000_ETH_FCS_LEN; k++)
		v->fcs[k] = crc >> (8 * k);
	view_add(v, v->fcs, E1000_ETH_FCS_LEN);
}

/*
 * The CRC of the frame as it was on the wire: tag included, padded, with
 * the checksum a NEEDS_CSUM frame gets completed to (rx_complete() keeps
 * that field inside the frame).  The platform's CRC when it has one: this
 * runs over every byte received.
 */
static void rx_add_fcs(const struct e1000_core *core, struct rx_view *v,
		       const u8 *f, u32 len)
{
	e1000_crc32_fn crc32 = core->plat->crc32 ?: e1000_crc32;
	u32 crc = E1000_CRC_INIT, at;

	if (v->patch_at == RX_NO_PATCH) {
		crc = crc32(crc, f, len);
	} else {
		at = v->patch_at + v->shift;
		crc = crc32(crc, f, at);
		crc = crc32(crc, v->patch, sizeof(v->patch));
		crc = crc32(crc, f + at + 2, len - at - 2);
	}
	rx_put_fcs(core, v, crc, len);
}

/*
 * The view of a frame whose first @hlen bytes are at @h: the VLAN tag
 * stripped into the descriptor.  The caller adds the rest, and padding.
 */
static void rx_build(const struct e1000_rx_pass *p, struct rx_view *v,
		     const u8 *h, u32 hlen)
{
	memset(v, 0, sizeof(*v));
	v->patch_at = RX_NO_PATCH;
	if ((p->ctrl & E1000_CTRL_VME) && rx_tagged(p, h, hlen)) {
		v->shift = E1000_VLAN_HLEN;
		v->status |= E1000_RXD_STAT_VP;
		v->special = e1000_get_be16(h + E1000_ETH_TYPE_OFF + 2);
		view_add(v, h, 2 * E1000_ETH_ALEN);
		view_add(v, h + E1000_ETH_HLEN + 2, hlen - E1000_ETH_HLEN - 2);
	} else {
		view_add(v, h, hlen);
	}
}

/* The wire's minimum frame, as the MAC would have received it. */
static void rx_pad(struct rx_view *v, u32 len)
{
	if (len < E1000_ETH_ZLEN)
		view_add(v, rx_zero, E1000_ETH_ZLEN - len);
}

/* The FCS counts toward the buffers the frame needs. */
static u32 rx_wire_len(const struct e1000_rx_pass *p, const struct rx_view *v)
{
	return v->len + (p->rctl & E1000_RCTL_SECRC ? 0 : E1000_ETH_FCS_LEN);
}

/*
 * Are there descriptors for all of the frame (only head..tail-1 are
 * ours)?  If not, whether even the whole ring given back could not hold
 * it goes to p->too_big.
 */
static bool rx_room(struct e1000_rx_pass *p, const struct rx_view *v)
{
	u32 bsize = rx_bufsize(p->rctl);
	u32 need = (rx_wire_len(p, v) + bsize - 1) / bsize;

	if (p->ring.size && need <= rx_free(&p->ring))
		return true;
	p->too_big = need >= p->ring.size;
	return false;
}

/*
 * The view into the ring, a buffer per descriptor, the last with EOP.
 * @dst is the frame's destination address, for the statistics.
 */
static int rx_write(struct e1000_core *core, struct e1000_rx_pass *p,
		    const struct rx_view *v, const u8 *dst, u32 len)
{
	u32 bsize = rx_bufsize(p->rctl), off, n;
	bool ok = true;

	for (off = 0; off < v->len; off += n) {
		n = min_t(u32, bsize, v->len - off);
		ok &= rx_fill(core, p, v, off, n, off + n == v->len);
	}
	p->ring.delayed |= E1000_ICR_RXT0;
	/* A DMA fault: the platform counted it, the guest sees RXE. */
	if (!ok)
		return E1000_RX_ERROR;
	e1000_pass_count(&p->ring, dst, max_t(u32, len, E1000_ETH_ZLEN), 1);
	return E1000_RX_DONE;
}

int e1000_rx_frame(struct e1000_core *core, struct e1000_rx_pass *p,
		   const u8 *frame, u32 len, const struct e1000_rx_meta *meta)
{
	struct rx_view v;

	if (len < E1000_ETH_HLEN || !rx_addr_ok(p, frame) ||
	    !rx_vlan_ok(p, frame, len)) {
		p->filtered++;
		return E1000_RX_FILTERED;
	}
	if (rx_too_long(p, frame, len)) {
		p->oversize++;
		return E1000_RX_FILTERED;
	}
	rx_build(p, &v, frame, len);
	rx_pad(&v, len);
	/* A frame the ring has no room for is offered again later. */
	if (!rx_room(p, &v))
		return E1000_RX_NO_BUFFERS;
	/* What costs a pass over the frame's bytes, once buffers take it. */
	rx_csum(p, &v, frame, len, len, meta);
	if (!(p->rctl & E1000_RCTL_SECRC))
		rx_add_fcs(core, &v, frame, len);
	return rx_write(core, p, &v, frame, len);
}

/* ---- GSO frames from the backend ---- */

/* Bytes [off, off + n) of @sg, as pieces of the view. */
static void sg_view(struct rx_view *v, const struct e1000_rx_sg *sg, u32 off,
		    u32 n)
{
	u32 i, k;

	for (i = 0; i < sg->n && n; i++) {
		if (off >= sg->len_of[i]) {
			off -= sg->len_of[i];
			continue;
		}
		k = min_t(u32, n, sg->len_of[i] - off);
		view_add(v, sg->p[i] + off, k);
		n -= k;
		off = 0;
	}
}

/* The same bytes into @dst; false if @sg has fewer. */
static bool sg_copy(const struct e1000_rx_sg *sg, u32 off, u8 *dst, u32 n)
{
	struct rx_view v = { .count = 0 };
	u32 i;

	sg_view(&v, sg, off, n);
	for (i = 0; i < v.count; dst += v.n[i], i++)
		memcpy(dst, v.p[i], v.n[i]);
	return v.len == n;
}

/*
 * The backend's word on a GSO frame is checked against the frame itself:
 * a TCP segment of the stated IP version with room for payload, headers
 * that fit the save area, and a partial checksum (if any) where TCP keeps
 * it.  IPv4 fragments and IPv6 extension headers are refused.  The
 * headers are gathered into the save area first: they may span pieces.
 */
static bool gso_check(const struct e1000_rx_pass *p,
		      const struct e1000_rx_sg *sg,
		      const struct e1000_rx_meta *m, struct e1000_rx_gso *g)
{
	u32 avail = min_t(u32, sg->len, sizeof(g->hdr)), doff;
	struct e1000_pkt pkt;
	bool ip4;

	if ((m->gso_type != E1000_GSO_TCPV4 &&
	     m->gso_type != E1000_GSO_TCPV6) || !m->gso_size ||
	    !sg_copy(sg, 0, g->hdr, avail))
		return false;
	e1000_parse_head(g->hdr, avail, sg->len, p->vet, &pkt);
	ip4 = m->gso_type == E1000_GSO_TCPV4;
	if (!pkt.l4_off || pkt.l4_proto != E1000_IPPROTO_TCP || pkt.ip4 != ip4 ||
	    pkt.l4_off + (u32)E1000_TCP_HLEN > avail)
		return false;
	doff = (g->hdr[pkt.l4_off + E1000_TCP_DOFF] >> 4) * 4;
	if (doff < E1000_TCP_HLEN || pkt.l4_off + doff >= sg->len ||
	    pkt.l4_off + doff > avail)
		return false;
	if ((m->flags & E1000_RXM_NEEDS_CSUM) &&
	    (m->csum_start != pkt.l4_off || m->csum_offset != E1000_TCP_CSUM))
		return false;
	g->ip4 = pkt.ip4;
	g->ip_off = pkt.l3_off;
	g->tcp_off = pkt.l4_off;
	g->hdr_len = pkt.l4_off + doff;
	return true;
}

/*
 * Add the sum of @n bytes at @data, which start @odd bytes past an even
 * offset of the summed range: a block at an odd offset sums byte-swapped.
 */
static u32 sum_piece(const struct e1000_rx_pass *p, u32 sum, const u8 *data,
		     u32 n, bool odd)
{
	u16 part = e1000_csum_fold(p->csum(0, data, n));

	if (odd)
		part = (u16)(part << 8 | part >> 8);
	return e1000_csum_add32(sum, part);
}

/*
 * Both checksums of the segment whose headers are at @h and whose payload
 * is the view's pieces [first, end), whatever the backend left in the
 * fields.  The headers end at an even offset: TCP's are whole words.
 */
static void gso_sums(const struct e1000_rx_pass *p,
		     const struct e1000_rx_gso *g, u8 *h, u32 len,
		     const struct rx_view *v, u32 first, u32 end)
{
	u32 l4 = len - g->tcp_off, sum, i, at = 0;

	if (g->ip4) {
		e1000_put_be16(h + g->ip_off + E1000_IPV4_CSUM, 0);
		e1000_csum_insert(h, g->hdr_len, g->ip_off,
				  g->ip_off + E1000_IPV4_CSUM, g->tcp_off - 1);
	}
	sum = e1000_pseudo_sum(h + g->ip_off, !g->ip4, E1000_IPPROTO_TCP);
	e1000_put_be16(h + g->tcp_off + E1000_TCP_CSUM,
		       e1000_csum_fold(e1000_csum_add32(sum, l4)));
	/* Over the pseudo-header sum just put in the field. */
	sum = p->csum(0, h + g->tcp_off, g->hdr_len - g->tcp_off);
	for (i = first; i < end; at += v->n[i], i++)
		sum = sum_piece(p, sum, v->p[i], v->n[i], at & 1);
	e1000_put_be16(h + g->tcp_off + E1000_TCP_CSUM, ~e1000_csum_fold(sum));
}

/* The segment's wire CRC: its headers (tag and all), then its payload. */
static void gso_fcs(const struct e1000_core *core, struct rx_view *v,
		    const u8 *h, u32 hlen, u32 first, u32 end, u32 len)
{
	e1000_crc32_fn crc32 = core->plat->crc32 ?: e1000_crc32;
	u32 crc = crc32(E1000_CRC_INIT, h, hlen), i;

	for (i = first; i < end; i++)
		crc = crc32(crc, v->p[i], v->n[i]);
	rx_put_fcs(core, v, crc, len);
}

/*
 * Segment g->seg: its headers built in g->seg_hdr, its payload read where
 * the backend left it, with no copy in between: summed, CRCed and copied
 * into the ring from there.
 */
static int gso_segment(struct e1000_core *core, struct e1000_rx_pass *p,
		       const struct e1000_rx_sg *sg,
		       const struct e1000_tcp_seg *s, struct e1000_rx_gso *g)
{
	static const struct e1000_rx_meta summed = {
		.flags = E1000_RXM_DATA_VALID,
	};
	u8 *h = g->seg_hdr;
	u32 pay = e1000_tcp_seg_hdr(s, h, g->seg), len = g->hdr_len + pay;
	struct rx_view v;
	u32 first, end;

	if (rx_too_long(p, h, len)) {
		p->oversize++;
		return E1000_RX_FILTERED;
	}
	rx_build(p, &v, h, g->hdr_len);
	first = v.count;
	sg_view(&v, sg, g->hdr_len + g->seg * s->mss, pay);
	end = v.count;
	rx_pad(&v, len);
	if (!rx_room(p, &v))
		return E1000_RX_NO_BUFFERS;
	/* The sums are ours: the descriptor reports them good. */
	gso_sums(p, g, h, len, &v, first, end);
	rx_csum(p, &v, h, g->hdr_len, len, &summed);
	if (!(p->rctl & E1000_RCTL_SECRC))
		gso_fcs(core, &v, h, g->hdr_len, first, end, len);
	return rx_write(core, p, &v, h, len);
}

int e1000_rx_gso_sg(struct e1000_core *core, struct e1000_rx_pass *p,
		    const struct e1000_rx_sg *sg,
		    const struct e1000_rx_meta *meta, struct e1000_rx_gso *g)
{
	struct e1000_tcp_seg s;
	u32 n;

	if (!g->ready) {
		if (sg->n > E1000_RX_SG_MAX || !gso_check(p, sg, meta, g)) {
			p->malformed++;
			return E1000_RX_MALFORMED;
		}
		g->ready = true;
		g->seg = 0;
	}
	s = (struct e1000_tcp_seg) {
		.hdr = g->hdr,
		.hdr_len = g->hdr_len,
		.ip_off = g->ip_off,
		.tcp_off = g->tcp_off,
		.len = sg->len,
		.mss = meta->gso_size,
		/* As the host stack's own segmentation does. */
		.first_only = E1000_TCP_CWR,
		.last_only = E1000_TCP_FIN | E1000_TCP_PSH,
		.ip4 = g->ip4,
	};
	n = e1000_tcp_seg_count(&s);
	/* Not for us: every segment would be filtered alike. */
	if (!rx_addr_ok(p, g->hdr) || !rx_vlan_ok(p, g->hdr, g->hdr_len)) {
		p->filtered += n - g->seg;
		g->seg = n;
		return E1000_RX_FILTERED;
	}
	for (; g->seg < n; g->seg++) {
		/* A register write in between applies to the next segment. */
		if (g->seg && e1000_pass_stale(core, &p->ring))
			return E1000_RX_STALE;
		if (gso_segment(core, p, sg, &s, g) == E1000_RX_NO_BUFFERS)
			return E1000_RX_NO_BUFFERS;
	}
	return E1000_RX_DONE;
}

int e1000_rx_gso(struct e1000_core *core, struct e1000_rx_pass *p,
		 const u8 *frame, u32 len, const struct e1000_rx_meta *meta,
		 struct e1000_rx_gso *g)
{
	struct e1000_rx_sg sg = {
		.len = len,
		.n = 1,
		.p = { frame },
		.len_of = { len },
	};

	return e1000_rx_gso_sg(core, p, &sg, meta, g);
}

bool e1000_rx_has_buffers(const struct e1000_rx_pass *p)
{
	return p->ring.size && p->ring.head != p->ring.tail;
}

void e1000_rx_drop(struct e1000_core *core, struct e1000_rx_pass *p)
{
	p->missed++;
	p->ring.causes |= E1000_ICR_RXO;
}

bool e1000_rx_begin(struct e1000_core *core, struct e1000_rx_pass *p)
{
	memset(p, 0, sizeof(*p));
	p->csum = core->plat->csum ?: e1000_csum_add;
	/* Even a pass that delivers nothing ends when RCTL.EN is set. */
	p->ring.pass_gen = core->pass_gen;
	p->rctl = e1000_reg(core, E1000_RCTL);
	/* No bus master, no buffer to write into: the frame is lost. */
	if (!(p->rctl & E1000_RCTL_EN) || !core->bus_master)
		return false;
	if (!e1000_ring_snapshot(core, &p->ring, E1000_RDBAL, E1000_RDBAH,
				 E1000_RDLEN, E1000_RDH, E1000_RDT))
		return false;
	p->rxcsum = e1000_reg(core, E1000_RXCSUM);
	p->ctrl = e1000_reg(core, E1000_CTRL);
	p->vet = e1000_reg(core, E1000_VET);
	/* The guest may write any RXA: the buffer has 64 KB, no more. */
	p->pb_bytes = min_t(u32, e1000_reg(core, E1000_PBA) & E1000_PBA_RXA_MASK,
			    E1000_PBA_TOTAL_KB) * 1024;
	memcpy(p->ra, &core->regs[E1000_RA >> 2], sizeof(p->ra));
	memcpy(p->mta, &core->regs[E1000_MTA >> 2], sizeof(p->mta));
	memcpy(p->vfta, &core->regs[E1000_VFTA >> 2], sizeof(p->vfta));
	return true;
}

/* RXDMT0: free descriptors down to RCTL.RDMTS (1/2, 1/4, 1/8) of the ring. */
static bool rx_below_threshold(struct e1000_core *core,
			       const struct e1000_ring_pass *r)
{
	u32 rdmts = (e1000_reg(core, E1000_RCTL) & E1000_RCTL_RDMTS_MASK) >>
		    E1000_RCTL_RDMTS_SHIFT;
	u32 tail = e1000_reg(core, E1000_RDT) % r->size;
	u32 free = (tail + r->size - r->head) % r->size;

	return free <= r->size >> (1 + min_t(u32, rdmts, 2));
}

void e1000_rx_end(struct e1000_core *core, struct e1000_rx_pass *p)
{
	struct e1000_ring_pass *r = &p->ring;

	if (r->gen != core->ring_gen)
		return;
	e1000_reg_set(core, E1000_RDH, r->head);
	e1000_core_stat_add(core, E1000_GPRC, r->frames);
	e1000_core_stat_add(core, E1000_TPR, r->frames + p->missed);
	e1000_core_stat_add64(core, E1000_GORCL, r->bytes);
	e1000_core_stat_add64(core, E1000_TORL, r->bytes);
	e1000_core_stat_add(core, E1000_BPRC, r->bcast);
	e1000_core_stat_add(core, E1000_MPRC, r->mcast);
	e1000_core_stat_add(core, E1000_MPC, p->missed);
	e1000_core_stat_add(core, E1000_ROC, p->oversize);
	e1000_core_stat_bins(core, E1000_PRC64, r);
	core->cnt.desc_errors += r->errors;
	if ((r->delayed & E1000_ICR_RXT0) && rx_below_threshold(core, r))
		r->causes |= E1000_ICR_RXDMT0;
	e1000_core_raise_now(core, r->causes);
	/* RDTR 0: every frame interrupts at once. */
	if (r->delayed & E1000_ICR_RXT0)
		e1000_core_delay_cause(core, E1000_ICR_RXT0, E1000_TIMER_RDTR,
				       e1000_reg(core, E1000_RDTR),
				       E1000_TIMER_RADV,
				       e1000_reg(core, E1000_RADV));
}
