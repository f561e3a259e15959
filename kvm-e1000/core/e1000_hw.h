/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Intel 82540EM register map, bit definitions, EEPROM and PHY layout and
 * descriptor formats, named after Intel's "PCI/PCI-X Family of Gigabit
 * Ethernet Controllers Software Developer's Manual" (8254x SDM) and the
 * names the Linux e1000 driver uses, so that a reader can grep both.
 */
#ifndef KVM_E1000_HW_H
#define KVM_E1000_HW_H

#ifndef __KERNEL__
/* The __le16/__le32/__le64 descriptor field types, as in the kernel. */
#include <linux/types.h>
#endif

/* Identity of the emulated part. */
#define E1000_VENDOR_ID_INTEL		0x8086
#define E1000_DEV_ID_82540EM		0x100E
#define E1000_SUBSYS_ID_82540EM		0x001E	/* PRO/1000 MT Desktop */
#define E1000_DEV_ID_82545EM_COPPER	0x100F
#define E1000_SUBSYS_ID_82545EM		0x1001	/* PRO/1000 MT Server */

/* Size of the memory BAR (BAR0). */
#define E1000_MMIO_SIZE			0x20000

/* I/O BAR (BAR2): indirect access to the memory registers. */
#define E1000_IO_SIZE			0x40
#define E1000_IOADDR			0x00
#define E1000_IODATA			0x04

/* ---- General registers ---- */
#define E1000_CTRL	0x00000	/* Device Control */
#define E1000_STATUS	0x00008	/* Device Status (RO) */
#define E1000_EECD	0x00010	/* EEPROM/Flash Control */
#define E1000_EERD	0x00014	/* EEPROM Read */
#define E1000_CTRL_EXT	0x00018	/* Extended Device Control */
#define E1000_FLA	0x0001C	/* Flash Access (not on 82540EM) */
#define E1000_MDIC	0x00020	/* MDI Control */
#define E1000_FCAL	0x00028	/* Flow Control Address Low */
#define E1000_FCAH	0x0002C	/* Flow Control Address High */
#define E1000_FCT	0x00030	/* Flow Control Type */
#define E1000_VET	0x00038	/* VLAN Ether Type */
#define E1000_ICR	0x000C0	/* Interrupt Cause Read */
#define E1000_ITR	0x000C4	/* Interrupt Throttling */
#define E1000_ICS	0x000C8	/* Interrupt Cause Set (WO) */
#define E1000_IMS	0x000D0	/* Interrupt Mask Set/Read */
#define E1000_IMC	0x000D8	/* Interrupt Mask Clear (WO) */
#define E1000_RCTL	0x00100	/* Receive Control */
#define E1000_FCTTV	0x00170	/* Flow Control Transmit Timer Value */
#define E1000_TXCW	0x00178	/* Transmit Configuration Word */
#define E1000_RXCW	0x00180	/* Receive Configuration Word (RO) */
#define E1000_TCTL	0x00400	/* Transmit Control */
#define E1000_TIPG	0x00410	/* Transmit Inter-Packet Gap */
#define E1000_AIT	0x00458	/* Adaptive IFS Throttle */
#define E1000_LEDCTL	0x00E00	/* LED Control */
#define E1000_PBA	0x01000	/* Packet Buffer Allocation */
#define E1000_FCRTL	0x02160	/* Flow Control Receive Threshold Low */
#define E1000_FCRTH	0x02168	/* Flow Control Receive Threshold High */
#define E1000_RDFH	0x02410	/* RX Data FIFO Head */
#define E1000_RDFT	0x02418	/* RX Data FIFO Tail */
#define E1000_RDFHS	0x02420	/* RX Data FIFO Head Saved */
#define E1000_RDFTS	0x02428	/* RX Data FIFO Tail Saved */
#define E1000_RDFPC	0x02430	/* RX Data FIFO Packet Count */
#define E1000_RDBAL	0x02800	/* RX Descriptor Base Address Low */
#define E1000_RDBAH	0x02804	/* RX Descriptor Base Address High */
#define E1000_RDLEN	0x02808	/* RX Descriptor Length */
#define E1000_RDH	0x02810	/* RX Descriptor Head */
#define E1000_RDT	0x02818	/* RX Descriptor Tail */
#define E1000_RDTR	0x02820	/* RX Delay Timer */
#define E1000_RXDCTL	0x02828	/* RX Descriptor Control */
#define E1000_RADV	0x0282C	/* RX Interrupt Absolute Delay Timer */
#define E1000_RSRPD	0x02C00	/* RX Small Packet Detect Interrupt */
#define E1000_TXDMAC	0x03000	/* TX DMA Control */
#define E1000_TDFH	0x03410	/* TX Data FIFO Head */
#define E1000_TDFT	0x03418	/* TX Data FIFO Tail */
#define E1000_TDFHS	0x03420	/* TX Data FIFO Head Saved */
#define E1000_TDFTS	0x03428	/* TX Data FIFO Tail Saved */
#define E1000_TDFPC	0x03430	/* TX Data FIFO Packet Count */
#define E1000_TDBAL	0x03800	/* TX Descriptor Base Address Low */
#define E1000_TDBAH	0x03804	/* TX Descriptor Base Address High */
#define E1000_TDLEN	0x03808	/* TX Descriptor Length */
#define E1000_TDH	0x03810	/* TX Descriptor Head */
#define E1000_TDT	0x03818	/* TX Descriptor Tail */
#define E1000_TIDV	0x03820	/* TX Interrupt Delay Value */
#define E1000_TXDCTL	0x03828	/* TX Descriptor Control */
#define E1000_TADV	0x0382C	/* TX Interrupt Absolute Delay Value */
#define E1000_TSPMT	0x03830	/* TCP Segmentation Pad and Min Threshold */
#define E1000_RXCSUM	0x05000	/* RX Checksum Control */
#define E1000_MTA	0x05200	/* Multicast Table Array (128 dwords) */
#define E1000_RA	0x05400	/* Receive Address (16 RAL/RAH pairs) */
#define E1000_VFTA	0x05600	/* VLAN Filter Table Array (128 dwords) */
#define E1000_WUC	0x05800	/* Wakeup Control */
#define E1000_WUFC	0x05808	/* Wakeup Filter Control */
#define E1000_WUS	0x05810	/* Wakeup Status */
#define E1000_MANC	0x05820	/* Management Control */
#define E1000_IPAV	0x05838	/* IP Address Valid */
#define E1000_IP4AT	0x05840	/* IPv4 Address Table (4 entries, stride 8) */
#define E1000_IP6AT	0x05880	/* IPv6 Address Table (4 dwords) */
#define E1000_WUPL	0x05900	/* Wakeup Packet Length (RO) */
#define E1000_WUPM	0x05A00	/* Wakeup Packet Memory (RO, 32 dwords) */
/*
 * Software semaphore: not an 82540EM/82545EM register (the 8257x have it),
 * but QEMU's e1000 keeps it and U-Boot's e1000 driver takes its EEPROM
 * semaphore (SWESMBI set, read back) before every EEPROM access, whatever
 * the part.
 */
#define E1000_SWSM	0x05B50
#define E1000_SWSM_SMBI		0x00000001	/* software semaphore */
#define E1000_SWSM_SWESMBI	0x00000002	/* software EEPROM semaphore */
#define E1000_FFLT	0x05F00	/* Flexible Filter Length Table (4, stride 8) */
#define E1000_FFMT	0x09000	/* Flexible Filter Mask Table */
#define E1000_FFVT	0x09800	/* Flexible Filter Value Table */

#define E1000_MTA_ENTRIES	128
#define E1000_RAR_ENTRIES	16
#define E1000_VFTA_ENTRIES	128
#define E1000_IP4AT_ENTRIES	4
#define E1000_IP6AT_DWORDS	4
#define E1000_WUPM_DWORDS	32
#define E1000_FFLT_ENTRIES	4

#define E1000_RAL(n)	(E1000_RA + 8 * (n))
#define E1000_RAH(n)	(E1000_RA + 8 * (n) + 4)

/* ---- Statistics (all read-to-clear; 64-bit pairs clear on the high read) */
#define E1000_STATS_BASE	0x04000
#define E1000_STATS_END		0x04100	/* first offset past the block */
#define E1000_CRCERRS	0x04000	/* CRC Error Count */
#define E1000_ALGNERRC	0x04004	/* Alignment Error Count */
#define E1000_SYMERRS	0x04008	/* Symbol Error Count */
#define E1000_RXERRC	0x0400C	/* Receive Error Count */
#define E1000_MPC	0x04010	/* Missed Packets Count */
#define E1000_SCC	0x04014	/* Single Collision Count */
#define E1000_ECOL	0x04018	/* Excessive Collision Count */
#define E1000_MCC	0x0401C	/* Multiple Collision Count */
#define E1000_LATECOL	0x04020	/* Late Collision Count */
#define E1000_COLC	0x04028	/* Collision Count */
#define E1000_DC	0x04030	/* Defer Count */
#define E1000_TNCRS	0x04034	/* TX with No CRS */
#define E1000_SEC	0x04038	/* Sequence Error Count */
#define E1000_CEXTERR	0x0403C	/* Carrier Extension Error Count */
#define E1000_RLEC	0x04040	/* Receive Length Error Count */
#define E1000_XONRXC	0x04048	/* XON RX Count */
#define E1000_XONTXC	0x0404C	/* XON TX Count */
#define E1000_XOFFRXC	0x04050	/* XOFF RX Count */
#define E1000_XOFFTXC	0x04054	/* XOFF TX Count */
#define E1000_FCRUC	0x04058	/* Flow Control RX Unsupported Count */
#define E1000_PRC64	0x0405C	/* Packets RX (64 bytes) */
#define E1000_PRC127	0x04060	/* Packets RX (65-127 bytes) */
#define E1000_PRC255	0x04064	/* Packets RX (128-255 bytes) */
#define E1000_PRC511	0x04068	/* Packets RX (256-511 bytes) */
#define E1000_PRC1023	0x0406C	/* Packets RX (512-1023 bytes) */
#define E1000_PRC1522	0x04070	/* Packets RX (1024-1522 bytes) */
#define E1000_GPRC	0x04074	/* Good Packets RX Count */
#define E1000_BPRC	0x04078	/* Broadcast Packets RX Count */
#define E1000_MPRC	0x0407C	/* Multicast Packets RX Count */
#define E1000_GPTC	0x04080	/* Good Packets TX Count */
#define E1000_GORCL	0x04088	/* Good Octets RX Count Low */
#define E1000_GORCH	0x0408C	/* Good Octets RX Count High */
#define E1000_GOTCL	0x04090	/* Good Octets TX Count Low */
#define E1000_GOTCH	0x04094	/* Good Octets TX Count High */
#define E1000_RNBC	0x040A0	/* RX No Buffers Count */
#define E1000_RUC	0x040A4	/* RX Undersize Count */
#define E1000_RFC	0x040A8	/* RX Fragment Count */
#define E1000_ROC	0x040AC	/* RX Oversize Count */
#define E1000_RJC	0x040B0	/* RX Jabber Count */
#define E1000_MGTPRC	0x040B4	/* Management Packets RX Count */
#define E1000_MGTPDC	0x040B8	/* Management Packets Dropped Count */
#define E1000_MGTPTC	0x040BC	/* Management Packets TX Count */
#define E1000_TORL	0x040C0	/* Total Octets RX Low */
#define E1000_TORH	0x040C4	/* Total Octets RX High */
#define E1000_TOTL	0x040C8	/* Total Octets TX Low */
#define E1000_TOTH	0x040CC	/* Total Octets TX High */
#define E1000_TPR	0x040D0	/* Total Packets RX */
#define E1000_TPT	0x040D4	/* Total Packets TX */
#define E1000_PTC64	0x040D8	/* Packets TX (64 bytes) */
#define E1000_PTC127	0x040DC	/* Packets TX (65-127 bytes) */
#define E1000_PTC255	0x040E0	/* Packets TX (128-255 bytes) */
#define E1000_PTC511	0x040E4	/* Packets TX (256-511 bytes) */
#define E1000_PTC1023	0x040E8	/* Packets TX (512-1023 bytes) */
#define E1000_PTC1522	0x040EC	/* Packets TX (1024-1522 bytes) */
#define E1000_MPTC	0x040F0	/* Multicast Packets TX Count */
#define E1000_BPTC	0x040F4	/* Broadcast Packets TX Count */
#define E1000_TSCTC	0x040F8	/* TCP Segmentation Context TX */
#define E1000_TSCTFC	0x040FC	/* TCP Segmentation Context TX Fail */

/* ---- CTRL ---- */
#define E1000_CTRL_FD		0x00000001	/* Full duplex */
#define E1000_CTRL_LRST		0x00000008	/* Link reset */
#define E1000_CTRL_ASDE		0x00000020	/* Auto-speed detection enable */
#define E1000_CTRL_SLU		0x00000040	/* Set link up */
#define E1000_CTRL_ILOS		0x00000080	/* Invert loss of signal */
#define E1000_CTRL_SPD_SEL	0x00000300	/* Speed select mask */
#define E1000_CTRL_SPD_10	0x00000000
#define E1000_CTRL_SPD_100	0x00000100
#define E1000_CTRL_SPD_1000	0x00000200
#define E1000_CTRL_FRCSPD	0x00000800	/* Force speed */
#define E1000_CTRL_FRCDPLX	0x00001000	/* Force duplex */
#define E1000_CTRL_SWDPIN0	0x00040000	/* SDP0 data */
#define E1000_CTRL_SWDPIN1	0x00080000	/* SDP1 data */
#define E1000_CTRL_ADVD3WUC	0x00100000	/* D3cold wakeup enable */
#define E1000_CTRL_EN_PHY_PWR_MGMT 0x00200000	/* PHY power management */
#define E1000_CTRL_SWDPIO0	0x00400000	/* SDP0 direction */
#define E1000_CTRL_SWDPIO1	0x00800000	/* SDP1 direction */
#define E1000_CTRL_RST		0x04000000	/* Global reset (self-clearing) */
#define E1000_CTRL_RFCE		0x08000000	/* Receive flow control enable */
#define E1000_CTRL_TFCE		0x10000000	/* Transmit flow control enable */
#define E1000_CTRL_VME		0x40000000	/* VLAN mode enable */
#define E1000_CTRL_PHY_RST	0x80000000	/* PHY reset (held while set) */

/* ---- STATUS ---- */
#define E1000_STATUS_FD		0x00000001	/* Full duplex */
#define E1000_STATUS_LU		0x00000002	/* Link up */
#define E1000_STATUS_FUNC_MASK	0x0000000C	/* PCI function */
#define E1000_STATUS_TXOFF	0x00000010	/* TX paused by flow control */
#define E1000_STATUS_TBIMODE	0x00000020	/* TBI (fiber) mode */
#define E1000_STATUS_SPEED_MASK	0x000000C0
#define E1000_STATUS_SPEED_10	0x00000000
#define E1000_STATUS_SPEED_100	0x00000040
#define E1000_STATUS_SPEED_1000	0x00000080
#define E1000_STATUS_ASDV_SHIFT	8		/* Auto-speed detection value */
#define E1000_STATUS_ASDV_MASK	0x00000300
#define E1000_STATUS_PCI66	0x00000800	/* 66 MHz bus */
#define E1000_STATUS_BUS64	0x00001000	/* 64-bit bus */
#define E1000_STATUS_PCIX_MODE	0x00002000	/* PCI-X mode */

/* ---- EECD ---- */
#define E1000_EECD_SK		0x00000001	/* Clock */
#define E1000_EECD_CS		0x00000002	/* Chip select */
#define E1000_EECD_DI		0x00000004	/* Data in (to the EEPROM) */
#define E1000_EECD_DO		0x00000008	/* Data out (from the EEPROM) */
#define E1000_EECD_FWE_MASK	0x00000030	/* Flash write enable */
#define E1000_EECD_FWE_DIS	0x00000010
#define E1000_EECD_FWE_EN	0x00000020
#define E1000_EECD_REQ		0x00000040	/* Request access */
#define E1000_EECD_GNT		0x00000080	/* Access granted */
#define E1000_EECD_PRES		0x00000100	/* EEPROM present */
#define E1000_EECD_SIZE		0x00000200	/* 0: 64 words, 1: 256 words */

/* Microwire opcodes, 3 bits including the start bit. */
#define E1000_EEPROM_READ_OPCODE_MICROWIRE	0x6
#define E1000_EEPROM_OPCODE_BITS		3
#define E1000_EEPROM_ADDR_BITS			6	/* 64-word part */

/* ---- EERD ---- */
#define E1000_EERD_START	0x00000001	/* Start read */
#define E1000_EERD_DONE		0x00000010	/* Read done */
#define E1000_EERD_ADDR_SHIFT	8
#define E1000_EERD_ADDR_MASK	0x0000FF00
#define E1000_EERD_DATA_SHIFT	16

/* ---- CTRL_EXT ---- */
#define E1000_CTRL_EXT_GPI_EN	0x0000000F	/* General-purpose int enables */
#define E1000_CTRL_EXT_SWDPIN6	0x00000040
#define E1000_CTRL_EXT_SWDPIN7	0x00000080
#define E1000_CTRL_EXT_SWDPIO6	0x00000400
#define E1000_CTRL_EXT_SWDPIO7	0x00000800
#define E1000_CTRL_EXT_ASDCHK	0x00001000	/* Auto-speed detect check */
#define E1000_CTRL_EXT_EE_RST	0x00002000	/* Reload EEPROM (self-clear) */
#define E1000_CTRL_EXT_IPS	0x00004000	/* Invert power state */
#define E1000_CTRL_EXT_SPD_BYPS	0x00008000	/* Speed select bypass */
#define E1000_CTRL_EXT_RO_DIS	0x00020000	/* Relaxed ordering disable */
#define E1000_CTRL_EXT_VREG_POWER_DOWN 0x00200000
#define E1000_CTRL_EXT_LINK_MODE_MASK 0x00C00000	/* 00: internal PHY */

/* ---- MDIC ---- */
#define E1000_MDIC_DATA_MASK	0x0000FFFF
#define E1000_MDIC_REG_MASK	0x001F0000
#define E1000_MDIC_REG_SHIFT	16
#define E1000_MDIC_PHY_MASK	0x03E00000
#define E1000_MDIC_PHY_SHIFT	21
#define E1000_MDIC_OP_MASK	0x0C000000
#define E1000_MDIC_OP_WRITE	0x04000000
#define E1000_MDIC_OP_READ	0x08000000
#define E1000_MDIC_READY	0x10000000
#define E1000_MDIC_INT_EN	0x20000000
#define E1000_MDIC_ERROR	0x40000000

/* ---- ICR / ICS / IMS / IMC cause bits ---- */
#define E1000_ICR_TXDW		0x00000001	/* TX descriptor written back */
#define E1000_ICR_TXQE		0x00000002	/* TX queue empty */
#define E1000_ICR_LSC		0x00000004	/* Link status change */
#define E1000_ICR_RXSEQ		0x00000008	/* RX sequence error */
#define E1000_ICR_RXDMT0	0x00000010	/* RX desc min threshold */
#define E1000_ICR_RXO		0x00000040	/* RX overrun */
#define E1000_ICR_RXT0		0x00000080	/* RX timer interrupt */
#define E1000_ICR_MDAC		0x00000200	/* MDIO access complete */
#define E1000_ICR_RXCFG		0x00000400	/* RX /C/ ordered sets */
#define E1000_ICR_GPI_EN0	0x00000800	/* General purpose interrupts */
#define E1000_ICR_GPI_EN1	0x00001000
#define E1000_ICR_GPI_EN2	0x00002000
#define E1000_ICR_GPI_EN3	0x00004000
#define E1000_ICR_TXD_LOW	0x00008000	/* TX desc low threshold */
#define E1000_ICR_SRPD		0x00010000	/* Small receive packet */
/* Bits an 82540EM keeps in ICR and IMS (ICS may set any of them). */
#define E1000_ICR_VALID_MASK	0x0001FFFF

/* ---- RCTL ---- */
#define E1000_RCTL_EN		0x00000002	/* Enable */
#define E1000_RCTL_SBP		0x00000004	/* Store bad packets */
#define E1000_RCTL_UPE		0x00000008	/* Unicast promiscuous */
#define E1000_RCTL_MPE		0x00000010	/* Multicast promiscuous */
#define E1000_RCTL_LPE		0x00000020	/* Long packet enable */
#define E1000_RCTL_LBM_MASK	0x000000C0	/* Loopback mode */
#define E1000_RCTL_LBM_NO	0x00000000
#define E1000_RCTL_LBM_MAC	0x00000040
#define E1000_RCTL_RDMTS_MASK	0x00000300	/* RX desc min threshold size */
#define E1000_RCTL_RDMTS_HALF	0x00000000
#define E1000_RCTL_RDMTS_QUAT	0x00000100
#define E1000_RCTL_RDMTS_EIGTH	0x00000200
#define E1000_RCTL_MO_MASK	0x00003000	/* Multicast offset */
#define E1000_RCTL_MO_SHIFT	12
#define E1000_RCTL_BAM		0x00008000	/* Broadcast accept mode */
#define E1000_RCTL_SZ_MASK	0x00030000	/* Buffer size (with BSEX) */
#define E1000_RCTL_SZ_2048	0x00000000
#define E1000_RCTL_SZ_1024	0x00010000
#define E1000_RCTL_SZ_512	0x00020000
#define E1000_RCTL_SZ_256	0x00030000
#define E1000_RCTL_VFE		0x00040000	/* VLAN filter enable */
#define E1000_RCTL_CFIEN	0x00080000	/* Canonical form enable */
#define E1000_RCTL_CFI		0x00100000	/* Canonical form indicator */
#define E1000_RCTL_DPF		0x00400000	/* Discard pause frames */
#define E1000_RCTL_PMCF		0x00800000	/* Pass MAC control frames */
#define E1000_RCTL_BSEX		0x02000000	/* Buffer size extension */
#define E1000_RCTL_SZ_SHIFT	16
#define E1000_RCTL_RDMTS_SHIFT	8
#define E1000_RCTL_SECRC	0x04000000	/* Strip Ethernet CRC */

/* ---- TCTL ---- */
#define E1000_TCTL_EN		0x00000002	/* Enable */
#define E1000_TCTL_PSP		0x00000008	/* Pad short packets */
#define E1000_TCTL_CT		0x00000FF0	/* Collision threshold */
#define E1000_TCTL_CT_SHIFT	4
#define E1000_TCTL_COLD		0x003FF000	/* Collision distance */
#define E1000_TCTL_COLD_SHIFT	12
#define E1000_TCTL_SWXOFF	0x00400000	/* Send XOFF (self-clearing) */
#define E1000_TCTL_RTLC		0x01000000	/* Retransmit on late collision */

/* ---- TIPG ---- */
#define E1000_TIPG_IPGT_MASK	0x000003FF
#define E1000_TIPG_IPGR1_SHIFT	10
#define E1000_TIPG_IPGR2_SHIFT	20

/* ---- Delay timers (RDTR, RADV, TIDV, TADV): 1.024 us units ---- */
#define E1000_DELAY_MASK	0x0000FFFF
#define E1000_RDTR_FPD		0x80000000	/* Flush partial descriptor block */
#define E1000_TIDV_FPD		0x80000000
#define E1000_DELAY_UNIT_NS	1024
#define E1000_ITR_UNIT_NS	256		/* ITR counts 256 ns intervals */
#define E1000_ITR_INTERVAL_MASK	0x0000FFFF

/* ---- RXDCTL / TXDCTL ---- */
#define E1000_RXDCTL_PTHRESH	0x0000003F
#define E1000_RXDCTL_HTHRESH	0x00003F00
#define E1000_RXDCTL_WTHRESH	0x003F0000
#define E1000_RXDCTL_GRAN	0x01000000
#define E1000_TXDCTL_PTHRESH	0x0000003F
#define E1000_TXDCTL_HTHRESH	0x00003F00
#define E1000_TXDCTL_WTHRESH	0x003F0000
#define E1000_TXDCTL_GRAN	0x01000000
#define E1000_TXDCTL_LWTHRESH	0xFE000000

/* ---- Ring registers ---- */
#define E1000_RDBAL_MASK	0xFFFFFFF0	/* 16-byte aligned base */
#define E1000_RDLEN_MASK	0x000FFF80	/* multiple of 128 bytes */
#define E1000_RING_INDEX_MASK	0x0000FFFF

/* ---- RXCSUM ---- */
#define E1000_RXCSUM_PCSS_MASK	0x000000FF	/* Packet checksum start */
#define E1000_RXCSUM_IPOFL	0x00000100	/* IPv4 checksum offload */
#define E1000_RXCSUM_TUOFL	0x00000200	/* TCP/UDP checksum offload */

/* ---- RAH ---- */
#define E1000_RAH_AV		0x80000000	/* Address valid */
#define E1000_RAH_AS_MASK	0x00030000	/* Address select */
#define E1000_RAH_MASK		0x8003FFFF

/* ---- PBA: receive allocation in KB, the rest of 64 KB is TX ---- */
#define E1000_PBA_RXA_MASK	0x0000FFFF
#define E1000_PBA_TXA_SHIFT	16
#define E1000_PBA_TOTAL_KB	64
#define E1000_PBA_48K		0x0030

/* ---- FCRTL / FCRTH ---- */
#define E1000_FCRTL_RTL_MASK	0x0000FFF8
#define E1000_FCRTL_XONE	0x80000000
#define E1000_FCRTH_RTH_MASK	0x0000FFF8

/* ---- TXCW ---- */
#define E1000_TXCW_CW_MASK	0x0000FFFF
#define E1000_TXCW_TXC		0x40000000	/* Transmit config */
#define E1000_TXCW_ANE		0x80000000	/* Autonegotiation enable */

/* ---- LEDCTL ---- */
#define E1000_LEDCTL_MASK	0xCFCFCFCF	/* modes, invert, blink x4 */

/* ---- Wakeup ---- */
#define E1000_WUC_APME		0x00000001
#define E1000_WUC_PME_EN	0x00000002
#define E1000_WUC_PME_STATUS	0x00000004
#define E1000_WUC_APMPME	0x00000008
#define E1000_WUFC_MASK		0x000F80FF	/* filters + flexible filters */
#define E1000_MANC_ARP_EN	0x00002000
#define E1000_IPAV_MASK		0x0001000F

/* ---- PHY (Marvell 88E1011 in the 82540EM), MDIO address 1 ---- */
#define E1000_PHY_ADDR		1

#define PHY_CTRL		0x00	/* Control */
#define PHY_STATUS		0x01	/* Status (RO) */
#define PHY_ID1			0x02	/* Identifier 1 (RO) */
#define PHY_ID2			0x03	/* Identifier 2 (RO) */
#define PHY_AUTONEG_ADV		0x04	/* Autoneg advertisement */
#define PHY_LP_ABILITY		0x05	/* Link partner ability (RO) */
#define PHY_AUTONEG_EXP		0x06	/* Autoneg expansion (RO) */
#define PHY_NEXT_PAGE_TX	0x07	/* Next page transmit */
#define PHY_LP_NEXT_PAGE	0x08	/* Link partner next page (RO) */
#define PHY_1000T_CTRL		0x09	/* 1000BASE-T control */
#define PHY_1000T_STATUS	0x0A	/* 1000BASE-T status (RO) */
#define PHY_EXT_STATUS		0x0F	/* Extended status (RO) */
#define M88E1000_PHY_SPEC_CTRL	0x10	/* PHY specific control */
#define M88E1000_PHY_SPEC_STATUS 0x11	/* PHY specific status (RO) */
#define M88E1000_INT_ENABLE	0x12	/* Interrupt enable */
#define M88E1000_INT_STATUS	0x13	/* Interrupt status (RO) */
#define M88E1000_EXT_PHY_SPEC_CTRL 0x14	/* Extended PHY specific control */
#define M88E1000_RX_ERR_CNTR	0x15	/* Receive error counter (RO) */
#define M88E1000_LED_CTRL	0x18	/* LED control */
#define M88E1000_PHY_PAGE_SELECT 0x1D	/* Debug page select */
#define M88E1000_PHY_GEN_CONTROL 0x1E	/* Debug page data */

#define M88E1011_I_PHY_ID	0x01410C20	/* ID1 << 16 | ID2 (rev 0) */

/* PHY_CTRL */
#define MII_CR_SPEED_SELECT_MSB	0x0040	/* with LSB: 10=1000, 01=100 */
#define MII_CR_COLL_TEST_ENABLE	0x0080
#define MII_CR_FULL_DUPLEX	0x0100
#define MII_CR_RESTART_AUTO_NEG	0x0200	/* self-clearing */
#define MII_CR_ISOLATE		0x0400
#define MII_CR_POWER_DOWN	0x0800
#define MII_CR_AUTO_NEG_EN	0x1000
#define MII_CR_SPEED_SELECT_LSB	0x2000
#define MII_CR_LOOPBACK		0x4000
#define MII_CR_RESET		0x8000	/* self-clearing */
#define MII_CR_SPEED_MASK	(MII_CR_SPEED_SELECT_MSB | MII_CR_SPEED_SELECT_LSB)
#define MII_CR_SPEED_1000	MII_CR_SPEED_SELECT_MSB
#define MII_CR_SPEED_100	MII_CR_SPEED_SELECT_LSB
#define MII_CR_SPEED_10		0x0000

/* PHY_STATUS */
#define MII_SR_EXTENDED_CAPS	0x0001
#define MII_SR_JABBER_DETECT	0x0002
#define MII_SR_LINK_STATUS	0x0004
#define MII_SR_AUTONEG_CAPS	0x0008
#define MII_SR_REMOTE_FAULT	0x0010
#define MII_SR_AUTONEG_COMPLETE	0x0020
#define MII_SR_PREAMBLE_SUPPRESS 0x0040
#define MII_SR_EXTENDED_STATUS	0x0100
#define MII_SR_10T_HD_CAPS	0x0800
#define MII_SR_10T_FD_CAPS	0x1000
#define MII_SR_100X_HD_CAPS	0x2000
#define MII_SR_100X_FD_CAPS	0x4000

/* PHY_AUTONEG_ADV and PHY_LP_ABILITY */
#define NWAY_AR_SELECTOR_802_3	0x0001
#define NWAY_AR_10T_HD_CAPS	0x0020
#define NWAY_AR_10T_FD_CAPS	0x0040
#define NWAY_AR_100TX_HD_CAPS	0x0080
#define NWAY_AR_100TX_FD_CAPS	0x0100
#define NWAY_AR_PAUSE		0x0400
#define NWAY_AR_ASM_DIR		0x0800
#define NWAY_LPAR_ACKNOWLEDGE	0x4000

/* PHY_AUTONEG_EXP */
#define NWAY_ER_LP_NWAY_CAPS	0x0001

/* PHY_1000T_CTRL */
#define CR_1000T_HD_CAPS	0x0100
#define CR_1000T_FD_CAPS	0x0200
#define CR_1000T_REPEATER_DTE	0x0400

/* PHY_1000T_STATUS */
#define SR_1000T_LP_HD_CAPS	0x0400
#define SR_1000T_LP_FD_CAPS	0x0800
#define SR_1000T_REMOTE_RX_STATUS 0x1000
#define SR_1000T_LOCAL_RX_STATUS 0x2000

/* PHY_EXT_STATUS */
#define IEEE_ESR_1000T_HD_CAPS	0x1000
#define IEEE_ESR_1000T_FD_CAPS	0x2000

/* M88E1000_PHY_SPEC_CTRL */
#define M88E1000_PSCR_ASSERT_CRS_ON_TX 0x0800
#define M88E1000_PSCR_AUTO_X_MODE 0x0060

/* M88E1000_PHY_SPEC_STATUS */
#define M88E1000_PSSR_JABBER	0x0001
#define M88E1000_PSSR_REV_POLARITY 0x0002
#define M88E1000_PSSR_MDIX	0x0040
#define M88E1000_PSSR_LINK	0x0400	/* real-time link */
#define M88E1000_PSSR_SPD_DPLX_RESOLVED 0x0800
#define M88E1000_PSSR_PAGE_RCVD	0x1000
#define M88E1000_PSSR_DPLX	0x2000	/* full duplex */
#define M88E1000_PSSR_SPEED	0xC000
#define M88E1000_PSSR_10MBS	0x0000
#define M88E1000_PSSR_100MBS	0x4000
#define M88E1000_PSSR_1000MBS	0x8000

/* M88E1000_EXT_PHY_SPEC_CTRL */
#define M88E1000_EPSCR_TX_CLK_25 0x0070

/*
 * ---- EEPROM: 64 x 16-bit words (8254x SDM, 5.6 "EEPROM Address Map") ----
 * HW: loaded by the part at power-up; SW: read by drivers and tools.
 */
#define EEPROM_MAC_ADDR_0	0x00	/* HW, words 0-2: station address */
#define EEPROM_COMPAT		0x03	/* SW: software compatibility */
#define EEPROM_ID_LED_SETTINGS	0x04	/* SW: OEM LED configuration */
#define EEPROM_VERSION		0x05	/* SW: EEPROM image version */
#define EEPROM_OEM_0		0x06	/* SW, words 6-7: OEM, unused */
#define EEPROM_OEM_1		0x07
#define EEPROM_PBA_BYTE_1	0x08	/* SW: printed board assembly number */
#define EEPROM_PBA_BYTE_2	0x09
#define EEPROM_INIT_CONTROL1_REG 0x0A	/* HW: initialization control 1 */
#define EEPROM_SUBSYSTEM_ID	0x0B	/* HW: PCI Subsystem ID */
#define EEPROM_SUBSYSTEM_VENDOR	0x0C	/* HW: PCI Subsystem Vendor ID */
#define EEPROM_DEVICE_ID	0x0D	/* HW: PCI Device ID */
#define EEPROM_VENDOR_ID	0x0E	/* HW: PCI Vendor ID */
#define EEPROM_INIT_CONTROL2_REG 0x0F	/* HW: initialization control 2 */
#define EEPROM_PORT_B_FIRST	0x10	/* 10h-1Fh: a second port's words */
#define EEPROM_PORT_B_LAST	0x1F	/* (82546 only) */
#define EEPROM_SWDEF_PINS_CTRL	0x20	/* HW: software-defined pins control */
#define EEPROM_POWER		0x22	/* HW: D0/D3 power, for PMCSR Data */
#define EEPROM_INIT_CONTROL3_PORT_A 0x24 /* HW: initialization control 3 */
#define EEPROM_PXE_FIRST	0x30	/* 30h-3Eh: boot agent (PXE) words */
#define EEPROM_PXE_LAST		0x3E
#define EEPROM_CHECKSUM_REG	0x3F	/* SW: makes the sum EEPROM_SUM */
#define EEPROM_SUM		0xBABA	/* words 0..0x3F add up to this */
#define EEPROM_UNPROGRAMMED	0xFFFF	/* an erased word */

/* Software compatibility word: the kind of board (Intel's tools read it). */
#define EEPROM_COMPAT_CLIENT	0x0200	/* client (desktop) adapter */
#define EEPROM_COMPAT_SERVER	0x0400	/* server adapter */
#define EEPROM_COMPAT_LOM	0x0800	/* LAN on motherboard */

/* OEM LED configuration: all ones (or zero) means "driver defaults". */
#define EEPROM_ID_LED_DEFAULTS	0xFFFF

/*
 * Initialization control word 1: the part loads CTRL.FD, LRST, ILOS and
 * SWDPIO from it, and the PCI IDs from words 0Bh-0Eh when told to.
 * Bits 15:14 = 01b mark a valid image; without it none of 00h-0Fh is used.
 */
#define EEPROM_ICW1_LOAD_SUBSYS_ID 0x0001 /* PCI subsystem IDs: 0Bh, 0Ch */
#define EEPROM_ICW1_LOAD_DEV_ID	0x0002	/* PCI vendor/device IDs: 0Dh, 0Eh */
#define EEPROM_ICW1_PM		0x0008	/* full PCI power management */
#define EEPROM_ICW1_ILOS	0x0010	/* CTRL.ILOS */
#define EEPROM_ICW1_SWDPIO	0x01E0	/* CTRL.SWDPIO[3:0] */
#define EEPROM_ICW1_LRST	0x0200	/* CTRL.LRST (TBI link reset) */
#define EEPROM_ICW1_FD		0x0400	/* CTRL.FD */
#define EEPROM_ICW1_SIGNATURE_MASK 0xC000
#define EEPROM_ICW1_SIGNATURE	0x4000

/* Initialization control word 2: pause advertisement, TBI autoneg. */
#define EEPROM_WORD0F_PAUSE	0x1000
#define EEPROM_WORD0F_ASM_DIR	0x2000
#define EEPROM_WORD0F_PAUSE_MASK 0x3000
#define EEPROM_WORD0F_ANE	0x0800	/* TBI autonegotiation (not copper) */

/* Initialization control word 3: APM (wake on LAN) enable, to WUC.APME. */
#define EEPROM_APME		0x0400

/* ---- Descriptors (all little-endian, 16 bytes) ---- */

/* Legacy receive descriptor. */
struct e1000_rx_desc {
	__le64 buffer_addr;
	__le16 length;
	__le16 csum;		/* packet checksum */
	u8 status;
	u8 errors;
	__le16 special;		/* VLAN tag */
};

#define E1000_RXD_STAT_DD	0x01	/* Descriptor done */
#define E1000_RXD_STAT_EOP	0x02	/* End of packet */
#define E1000_RXD_STAT_IXSM	0x04	/* Ignore checksum */
#define E1000_RXD_STAT_VP	0x08	/* VLAN packet */
#define E1000_RXD_STAT_TCPCS	0x20	/* TCP checksum calculated */
#define E1000_RXD_STAT_IPCS	0x40	/* IP checksum calculated */
#define E1000_RXD_STAT_PIF	0x80	/* Passed in-exact filter */
#define E1000_RXD_ERR_CE	0x01	/* CRC error */
#define E1000_RXD_ERR_SE	0x02	/* Symbol error */
#define E1000_RXD_ERR_SEQ	0x04	/* Sequence error */
#define E1000_RXD_ERR_CXE	0x10	/* Carrier extension error */
#define E1000_RXD_ERR_TCPE	0x20	/* TCP/UDP checksum error */
#define E1000_RXD_ERR_IPE	0x40	/* IP checksum error */
#define E1000_RXD_ERR_RXE	0x80	/* RX data error */

/* Legacy transmit descriptor. */
struct e1000_tx_desc {
	__le64 buffer_addr;
	__le16 length;
	u8 cso;			/* checksum offset */
	u8 cmd;
	u8 status;
	u8 css;			/* checksum start */
	__le16 special;		/* VLAN tag */
};

/* TCP/IP context descriptor (DEXT=1, DTYP=0000b). */
struct e1000_context_desc {
	u8 ipcss;		/* IP checksum start */
	u8 ipcso;		/* IP checksum offset */
	__le16 ipcse;		/* IP checksum end */
	u8 tucss;		/* TCP/UDP checksum start */
	u8 tucso;		/* TCP/UDP checksum offset */
	__le16 tucse;		/* TCP/UDP checksum end */
	__le32 cmd_and_length;	/* PAYLEN 19:0, DTYP 23:20, TUCMD 31:24 */
	u8 status;
	u8 hdr_len;
	__le16 mss;
};

/* TCP/IP data descriptor (DEXT=1, DTYP=0001b). */
struct e1000_data_desc {
	__le64 buffer_addr;
	__le32 lower;		/* DTALEN 19:0, DTYP 23:20, DCMD 31:24 */
	__le32 upper;		/* STA 3:0, POPTS 15:8, special 31:16 */
};

/* Command bits in the legacy cmd byte. */
#define E1000_TXD_CMD_EOP_B	0x01	/* End of packet */
#define E1000_TXD_CMD_IFCS_B	0x02	/* Insert FCS */
#define E1000_TXD_CMD_IC_B	0x04	/* Insert checksum */
#define E1000_TXD_CMD_RS_B	0x08	/* Report status */
#define E1000_TXD_CMD_RPS_B	0x10	/* Report packet sent */
#define E1000_TXD_CMD_DEXT_B	0x20	/* Descriptor extension */
#define E1000_TXD_CMD_VLE_B	0x40	/* VLAN enable */
#define E1000_TXD_CMD_IDE_B	0x80	/* Interrupt delay enable */

/* The same bits as they sit in the extended descriptors' 32-bit words. */
#define E1000_TXD_CMD_EOP	0x01000000
#define E1000_TXD_CMD_IFCS	0x02000000
#define E1000_TXD_CMD_IC	0x04000000
#define E1000_TXD_CMD_RS	0x08000000
#define E1000_TXD_CMD_RPS	0x10000000
#define E1000_TXD_CMD_DEXT	0x20000000
#define E1000_TXD_CMD_VLE	0x40000000
#define E1000_TXD_CMD_IDE	0x80000000
#define E1000_TXD_CMD_TCP	0x01000000	/* context: TCP (else UDP) */
#define E1000_TXD_CMD_IP	0x02000000	/* context: IPv4 */
#define E1000_TXD_CMD_TSE	0x04000000	/* TCP segmentation enable */
#define E1000_TXD_DTYP_MASK	0x00F00000
#define E1000_TXD_DTYP_C	0x00000000	/* context descriptor */
#define E1000_TXD_DTYP_D	0x00100000	/* data descriptor */
#define E1000_TXD_LEN_MASK	0x000FFFFF
#define E1000_TXD_STAT_DD	0x00000001	/* Descriptor done */
#define E1000_TXD_STAT_EC	0x00000002	/* Excess collisions */
#define E1000_TXD_STAT_LC	0x00000004	/* Late collision */
#define E1000_TXD_STAT_TU	0x00000008	/* Transmit underrun */
#define E1000_TXD_POPTS_IXSM	0x01		/* Insert IP checksum */
#define E1000_TXD_POPTS_TXSM	0x02		/* Insert TCP/UDP checksum */
#define E1000_TXD_POPTS_SHIFT	8
#define E1000_TXD_SPECIAL_SHIFT	16		/* data descriptor upper */
#define E1000_TXD_STATUS_OFF	12		/* status byte, every format */
#define E1000_TXD_PAYLEN_MASK	0x000FFFFF	/* context PAYLEN */
#define E1000_RXD_WB_OFF	8		/* length..special, written back */
#define E1000_DESC_SIZE		16
#define E1000_RING_ALIGN	128		/* TDLEN/RDLEN granularity */

#endif /* KVM_E1000_HW_H */
