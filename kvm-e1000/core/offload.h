/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checksums and header parsing for the descriptor engines: Internet
 * (ones-complement) sums, IPv4/IPv6 pseudo-headers, and a bounded parse of
 * Ethernet (+ one VLAN tag), IPv4/IPv6 and TCP/UDP headers.  Every input is
 * guest- or network-controlled: nothing here reads past @len.
 */
#ifndef KVM_E1000_OFFLOAD_H
#define KVM_E1000_OFFLOAD_H

#include "compat.h"

#define E1000_ETH_ALEN		6
#define E1000_ETH_HLEN		14	/* destination, source, type */
#define E1000_ETH_TYPE_OFF	12
#define E1000_VLAN_HLEN		4	/* TPID + TCI */
#define E1000_ETH_ZLEN		60	/* minimum frame without FCS */
#define E1000_ETH_FCS_LEN	4
#define E1000_ETH_P_IP		0x0800
#define E1000_ETH_P_IPV6	0x86DD

#define E1000_IPV4_HLEN		20	/* without options */
#define E1000_IP_MAX_LEN	0xFFFF	/* IPv4 total, IPv6 payload length */
#define E1000_IPV4_TOT_LEN	2	/* offsets in the IPv4 header */
#define E1000_IPV4_ID		4
#define E1000_IPV4_FRAG		6
#define E1000_IPV4_FRAG_MASK	0x3FFF	/* MF and the fragment offset */
#define E1000_IPV4_PROTO	9
#define E1000_IPV4_CSUM		10
#define E1000_IPV4_SADDR	12
#define E1000_IPV6_HLEN		40
#define E1000_IPV6_PLEN		4	/* offsets in the IPv6 header */
#define E1000_IPV6_NEXT		6
#define E1000_IPV6_SADDR	8

#define E1000_IPPROTO_TCP	6
#define E1000_IPPROTO_UDP	17
#define E1000_TCP_HLEN		20
#define E1000_TCP_SEQ		4	/* offsets in the TCP header */
#define E1000_TCP_DOFF		12	/* data offset, in words, high nibble */
#define E1000_TCP_FLAGS		13
#define E1000_TCP_CSUM		16
#define E1000_TCP_HLEN_MAX	60	/* data offset 15 */
#define E1000_TCP_FIN		0x01
#define E1000_TCP_PSH		0x08
#define E1000_TCP_CWR		0x80
#define E1000_UDP_HLEN		8
#define E1000_UDP_CSUM		6

static inline u16 e1000_get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static inline u32 e1000_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline void e1000_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xFF;
}

static inline void e1000_put_be32(u8 *p, u32 v)
{
	e1000_put_be16(p, v >> 16);
	e1000_put_be16(p + 2, v & 0xFFFF);
}

/* Add @len bytes as big-endian 16-bit words (a trailing byte pads with 0). */
u32 e1000_csum_add(u32 sum, const u8 *data, u32 len);
/* Add a 32-bit quantity (a length) to a running sum. */
u32 e1000_csum_add32(u32 sum, u32 v);
/* Fold a running sum to 16 bits, not complemented. */
u16 e1000_csum_fold(u32 sum);
/* Pseudo-header sum without the L4 length: @ip points at the IP header. */
u32 e1000_pseudo_sum(const u8 *ip, bool ip6, u8 proto);
/*
 * Store at @cso the complemented sum of f[css..cse] (cse 0: to the end).
 * The field is part of the sum: callers leave 0 or a pseudo-header sum
 * there.  Offsets outside the frame insert nothing.
 */
void e1000_csum_insert(u8 *f, u32 len, u32 css, u32 cso, u32 cse);
/* IPv4 total length or IPv6 payload length for @bytes from @ip on. */
void e1000_ip_set_len(u8 *ip, bool ip4, u32 bytes);

/*
 * A TCP frame cut into segments of @mss payload bytes (TSO on transmit,
 * GSO frames from the backend on receive).  Segment i is built in place,
 * just before its payload, over bytes of segments already delivered: only
 * headers are copied, from @hdr, which must lie outside the frame.
 */
struct e1000_tcp_seg {
	const u8 *hdr;		/* the headers as they came */
	u32 hdr_len;		/* Ethernet to TCP options; payload follows */
	u32 ip_off, tcp_off;
	u32 len;		/* the whole frame */
	u32 mss;
	u8 first_only;		/* TCP flags only the first segment keeps */
	u8 last_only;		/* ... only the last */
	bool ip4;
};

u32 e1000_tcp_seg_count(const struct e1000_tcp_seg *s);
/*
 * The headers of segment @i into @h (s->hdr_len bytes): IP length, IPv4
 * ID (+i), sequence number and flags set, checksums left to the caller.
 * Returns the segment's payload length.
 */
u32 e1000_tcp_seg_hdr(const struct e1000_tcp_seg *s, u8 *h, u32 i);
/*
 * Segment @i of the frame at @frame, built in place: its headers
 * (e1000_tcp_seg_hdr()) written over the end of the segment before it.
 * Returns its first byte; its length goes to @len.
 */
u8 *e1000_tcp_seg_build(const struct e1000_tcp_seg *s, u8 *frame, u32 i,
			u32 *len);

/*
 * Ethernet's FCS: CRC-32 (IEEE 802.3, reflected), started with ~0 and sent
 * inverted, least significant byte first.  Chain calls over pieces.
 */
#define E1000_CRC_INIT		0xFFFFFFFFU
u32 e1000_crc32(u32 crc, const u8 *data, u32 len);

/* What e1000_parse() found; offsets from the frame's start. */
struct e1000_pkt {
	u16 l3_off;		/* IP header, or 0: not IP */
	u16 l4_off;		/* TCP/UDP header, or 0: none usable */
	u32 l4_len;		/* L4 header + payload per the IP lengths */
	u8 l4_proto;		/* E1000_IPPROTO_TCP or _UDP */
	u8 ip_hlen;		/* IPv4 header bytes (IHL * 4) */
	bool ip4, ip6;
	bool vlan;		/* one 802.1Q tag (TPID @vet) after the MACs */
};

/*
 * Find the IP and TCP/UDP headers of @frame.  IPv4 fragments and IPv6
 * extension headers leave l4_off 0: their L4 checksum cannot be judged
 * from this frame alone.
 */
void e1000_parse(const u8 *frame, u32 len, u16 vet, struct e1000_pkt *pkt);
/*
 * The same for a frame of @len bytes of which only the first @avail are
 * at @frame: the IP header is read there, the lengths checked against
 * @len.  The L4 header may lie beyond @avail: the caller checks.
 */
void e1000_parse_head(const u8 *frame, u32 avail, u32 len, u16 vet,
		      struct e1000_pkt *pkt);

#endif /* KVM_E1000_OFFLOAD_H */
