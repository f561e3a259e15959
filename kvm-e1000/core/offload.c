// SPDX-License-Identifier: GPL-2.0
/*
 * Internet checksums (RFC 1071) and header parsing for the TX and RX
 * engines.  A running sum is a u32 that callers may add small values to; each
 * call folds it back to 16 bits so that it never overflows.
 */
#include "offload.h"

u16 e1000_csum_fold(u32 sum)
{
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (u16)sum;
}

u32 e1000_csum_add(u32 sum, const u8 *data, u32 len)
{
	u64 acc = sum;
	u32 i;

	/*
	 * 2^16 = 1 modulo 0xFFFF: a big-endian 32-bit word adds as its two
	 * halves, in half the steps.  64 KiB of them stay far below 2^64.
	 */
	for (i = 0; i + 3 < len; i += 4)
		acc += e1000_get_be32(data + i);
	for (; i + 1 < len; i += 2)
		acc += e1000_get_be16(data + i);
	if (len & 1)
		acc += (u32)data[len - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xFFFF) + (acc >> 16);
	return (u32)acc;
}

u32 e1000_csum_add32(u32 sum, u32 v)
{
	return (u32)e1000_csum_fold(sum) + (v >> 16) + (v & 0xFFFF);
}

/* Addresses and protocol; the caller adds the L4 length it knows. */
u32 e1000_pseudo_sum(const u8 *ip, bool ip6, u8 proto)
{
	if (ip6)
		return e1000_csum_add(proto, ip + E1000_IPV6_SADDR, 32);
	return e1000_csum_add(proto, ip + E1000_IPV4_SADDR, 8);
}

void e1000_csum_insert(u8 *f, u32 len, u32 css, u32 cso, u32 cse)
{
	u32 end = cse && cse < len ? cse + 1 : len;
	u32 sum;

	if (css >= end || cso + 2 > len)
		return;
	sum = e1000_csum_add(0, f + css, end - css);
	e1000_put_be16(f + cso, ~e1000_csum_fold(sum));
}

void e1000_ip_set_len(u8 *ip, bool ip4, u32 bytes)
{
	if (ip4)
		e1000_put_be16(ip + E1000_IPV4_TOT_LEN, bytes);
	else
		e1000_put_be16(ip + E1000_IPV6_PLEN, bytes - E1000_IPV6_HLEN);
}

u32 e1000_tcp_seg_count(const struct e1000_tcp_seg *s)
{
	u32 pay = s->len - s->hdr_len;

	return pay ? (pay + s->mss - 1) / s->mss : 1;
}

u32 e1000_tcp_seg_hdr(const struct e1000_tcp_seg *s, u8 *h, u32 i)
{
	u32 off = i * s->mss, rest = s->len - s->hdr_len - off;
	u32 pay = rest < s->mss ? rest : s->mss;
	u8 *th = h + s->tcp_off;

	memcpy(h, s->hdr, s->hdr_len);
	e1000_ip_set_len(h + s->ip_off, s->ip4, s->hdr_len + pay - s->ip_off);
	if (s->ip4)
		e1000_put_be16(h + s->ip_off + E1000_IPV4_ID,
			       e1000_get_be16(s->hdr + s->ip_off +
					      E1000_IPV4_ID) + i);
	e1000_put_be32(th + E1000_TCP_SEQ,
		       e1000_get_be32(s->hdr + s->tcp_off + E1000_TCP_SEQ) +
		       off);
	if (i + 1 < e1000_tcp_seg_count(s))
		th[E1000_TCP_FLAGS] &= ~s->last_only;
	if (i)
		th[E1000_TCP_FLAGS] &= ~s->first_only;
	return pay;
}

u8 *e1000_tcp_seg_build(const struct e1000_tcp_seg *s, u8 *frame, u32 i,
			u32 *len)
{
	u8 *f = frame + i * s->mss;

	*len = s->hdr_len + e1000_tcp_seg_hdr(s, f, i);
	return f;
}

static void parse_ip4(const u8 *frame, u32 avail, u32 len,
		      struct e1000_pkt *pkt)
{
	const u8 *ip = frame + pkt->l3_off;
	u32 room = len - pkt->l3_off, here = avail - pkt->l3_off;
	u32 hlen, tot;

	if (here < E1000_IPV4_HLEN || (ip[0] >> 4) != 4)
		return;
	hlen = (ip[0] & 0xF) * 4;
	tot = e1000_get_be16(ip + E1000_IPV4_TOT_LEN);
	if (hlen < E1000_IPV4_HLEN || hlen > here || tot < hlen || tot > room)
		return;
	pkt->ip4 = true;
	pkt->ip_hlen = hlen;
	if (e1000_get_be16(ip + E1000_IPV4_FRAG) & E1000_IPV4_FRAG_MASK)
		return;
	pkt->l4_proto = ip[E1000_IPV4_PROTO];
	pkt->l4_off = pkt->l3_off + hlen;
	pkt->l4_len = tot - hlen;
}

static void parse_ip6(const u8 *frame, u32 avail, u32 len,
		      struct e1000_pkt *pkt)
{
	const u8 *ip = frame + pkt->l3_off;
	u32 room = len - pkt->l3_off;
	u32 plen;

	if (avail - pkt->l3_off < E1000_IPV6_HLEN || (ip[0] >> 4) != 6)
		return;
	plen = e1000_get_be16(ip + E1000_IPV6_PLEN);
	if (plen > room - E1000_IPV6_HLEN)
		return;
	pkt->ip6 = true;
	pkt->l4_proto = ip[E1000_IPV6_NEXT];
	pkt->l4_off = pkt->l3_off + E1000_IPV6_HLEN;
	pkt->l4_len = plen;
}

/* The L4 header must fit in what the IP header says it carries. */
static void check_l4(struct e1000_pkt *pkt)
{
	u32 min;

	if (pkt->l4_proto == E1000_IPPROTO_TCP)
		min = E1000_TCP_HLEN;
	else if (pkt->l4_proto == E1000_IPPROTO_UDP)
		min = E1000_UDP_HLEN;
	else
		min = ~0U;
	if (pkt->l4_off && pkt->l4_len < min)
		pkt->l4_off = 0;
	if (!pkt->l4_off)
		pkt->l4_len = 0;
}

void e1000_parse_head(const u8 *frame, u32 avail, u32 len, u16 vet,
		      struct e1000_pkt *pkt)
{
	u32 off = E1000_ETH_TYPE_OFF;
	u16 type;

	memset(pkt, 0, sizeof(*pkt));
	if (avail > len)
		avail = len;
	if (avail < E1000_ETH_HLEN)
		return;
	type = e1000_get_be16(frame + off);
	if (type == vet && avail >= E1000_ETH_HLEN + E1000_VLAN_HLEN) {
		pkt->vlan = true;
		off += E1000_VLAN_HLEN;
		type = e1000_get_be16(frame + off);
	}
	pkt->l3_off = off + 2;
	if (type == E1000_ETH_P_IP)
		parse_ip4(frame, avail, len, pkt);
	else if (type == E1000_ETH_P_IPV6)
		parse_ip6(frame, avail, len, pkt);
	if (!pkt->ip4 && !pkt->ip6)
		pkt->l3_off = 0;
	check_l4(pkt);
}

void e1000_parse(const u8 *frame, u32 len, u16 vet, struct e1000_pkt *pkt)
{
	e1000_parse_head(frame, len, len, vet, pkt);
}

/* A nibble at a time: a 16-entry table is enough for frames this short. */
u32 e1000_crc32(u32 crc, const u8 *data, u32 len)
{
	static const u32 nibble[16] = {
		0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC,
		0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
		0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C,
		0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
	};
	u32 i;

	for (i = 0; i < len; i++) {
		crc ^= data[i];
		crc = (crc >> 4) ^ nibble[crc & 0xF];
		crc = (crc >> 4) ^ nibble[crc & 0xF];
	}
	return crc;
}
