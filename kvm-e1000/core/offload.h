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
#define E1000_TCP_FIN		0x01
#define E1000_TCP_PSH		0x08
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

#endif /* KVM_E1000_OFFLOAD_H */
