// SPDX-License-Identifier: GPL-2.0
/*
 * The 82540EM's 64-word Microwire EEPROM (a 93C46-class part): its image,
 * the EECD bit-bang interface and the EERD read register.
 *
 * Microwire READ: with CS high, the host clocks in (DI sampled on SK's
 * rising edge) a start bit, the opcode 10b and a 6-bit word address; the
 * EEPROM then drives a dummy 0 on DO, and after each following falling
 * edge of SK the next data bit, MSB first.  Continuing to clock reads the
 * following words.  Dropping CS ends the command.  Write and erase
 * commands are accepted and ignored: the image is read-only, and DO idles
 * high ("ready") so that a driver polling for write completion finishes.
 */
#include "core_internal.h"

#define EE_ADDR_MASK		(E1000_EEPROM_WORDS - 1)
#define EE_CMD_BITS		(E1000_EEPROM_OPCODE_BITS + \
				 E1000_EEPROM_ADDR_BITS)
/* DO shows the dummy 0 while out_bits holds this value. */
#define EE_DUMMY_BIT		17

/*
 * The image an 82540EM add-in card (PRO/1000 MT Desktop, subsystem
 * 8086:001E) carries, word by word after the 8254x SDM's EEPROM address
 * map (5.6).  The 82545EM's has the same layout and settings: its own
 * words (compatibility, PBA, subsystem and device IDs) come from the
 * model (model.c) at init.  Words the part loads at power-up agree with the reset state
 * the rest of the model has, since on hardware that state comes from here:
 * CTRL.FD (regs.c), the PHY's pause advertisement (phy.c), WUC.APME, and
 * the PCI IDs the configuration space reports (pci.c).
 */
/* EEPROM image version: none recorded; drivers may show it, none checks it. */
#define EE_IMAGE_VERSION	0x0000
/*
 * A valid image; load the PCI IDs of words 0Bh-0Eh; full PCI power
 * management (the configuration space has the PM capability); full duplex
 * by default (CTRL.FD at reset).  Copper: no TBI link reset, loss-of-signal
 * not inverted, every software-defined pin an input.
 */
#define EE_ICW1			(EEPROM_ICW1_SIGNATURE | EEPROM_ICW1_FD | \
				 EEPROM_ICW1_PM | EEPROM_ICW1_LOAD_DEV_ID | \
				 EEPROM_ICW1_LOAD_SUBSYS_ID)
/*
 * Symmetric and asymmetric pause, as the PHY advertises at reset; a driver
 * that leaves flow control to the EEPROM (Linux: e1000_setup_link()) asks
 * for full flow control.  No TBI autonegotiation on a copper part.
 */
#define EE_ICW2			EEPROM_WORD0F_PAUSE_MASK
/* No software-defined pin is wired to anything on this board. */
#define EE_SDP_CTRL		0x0000
/*
 * No power figures for the PM Data register: the configuration space does
 * not implement Data (Data_Select is read-only), so none would be shown.
 */
#define EE_POWER		0x0000
/* No APM wake-up (WUC.APME clear): the model does not wake a system. */
#define EE_ICW3			0x0000

static const u16 ee_image[E1000_EEPROM_WORDS] = {
	/* Words 0-2 hold the station address, filled in at init. */
	/* 03h: software compatibility, from the model. */
	[EEPROM_ID_LED_SETTINGS] = EEPROM_ID_LED_DEFAULTS,
	[EEPROM_VERSION] = EE_IMAGE_VERSION,
	[EEPROM_OEM_0] = 0,
	[EEPROM_OEM_1] = 0,
	/*
	 * 08h-09h: the printed board assembly number, four hex bytes, from
	 * the model.  Intel's tools show it to identify a board's revision;
	 * no driver relies on it.  Never 0xFAFA in word 8, which later parts
	 * use as a marker for a PBA block elsewhere.
	 */
	[EEPROM_INIT_CONTROL1_REG] = EE_ICW1,
	/* 0Bh, 0Dh: the subsystem and device IDs, from the model. */
	[EEPROM_SUBSYSTEM_VENDOR] = E1000_VENDOR_ID_INTEL,
	[EEPROM_VENDOR_ID] = E1000_VENDOR_ID_INTEL,
	[EEPROM_INIT_CONTROL2_REG] = EE_ICW2,
	/* 10h-1Fh: the second port of a dual-port part; none here. */
	[EEPROM_PORT_B_FIRST ... EEPROM_PORT_B_LAST] = 0,
	/* 20h-24h: hardware words; 21h and 23h configure nothing here, 0. */
	[EEPROM_SWDEF_PINS_CTRL] = EE_SDP_CTRL,
	[EEPROM_POWER] = EE_POWER,
	[EEPROM_INIT_CONTROL3_PORT_A] = EE_ICW3,
	/* Up to the PXE words: unused here, left erased. */
	[EEPROM_INIT_CONTROL3_PORT_A + 1 ... EEPROM_PXE_FIRST - 1] =
		EEPROM_UNPROGRAMMED,
	/* No boot agent (the function has no expansion ROM): erased. */
	[EEPROM_PXE_FIRST ... EEPROM_PXE_LAST] = EEPROM_UNPROGRAMMED,
	/* The checksum word is computed at init. */
};

void e1000_core_eeprom_init(struct e1000_core *core, const u8 mac[6])
{
	const struct e1000_model_desc *m = core->model;
	u16 *ee = core->eeprom;
	u16 sum = 0;
	int i;

	memcpy(ee, ee_image, sizeof(ee_image));
	ee[EEPROM_COMPAT] = m->compat;
	ee[EEPROM_PBA_BYTE_1] = m->pba[0];
	ee[EEPROM_PBA_BYTE_2] = m->pba[1];
	ee[EEPROM_SUBSYSTEM_ID] = m->subsys_id;
	ee[EEPROM_DEVICE_ID] = m->device_id;
	/* Byte 1 of the address in the low byte of word 0, and so on. */
	for (i = 0; i < 3; i++)
		ee[EEPROM_MAC_ADDR_0 + i] = mac[2 * i] | mac[2 * i + 1] << 8;
	/* Software checks that all 64 words add up to EEPROM_SUM (5.6.35). */
	for (i = 0; i < EEPROM_CHECKSUM_REG; i++)
		sum += ee[i];
	ee[EEPROM_CHECKSUM_REG] = (u16)(EEPROM_SUM - sum);
}

void e1000_core_eecd_reset(struct e1000_core *core)
{
	memset(&core->eecd, 0, sizeof(core->eecd));
	/* Edges are judged against the SK level software last wrote. */
	core->eecd.prev_sk = e1000_reg(core, E1000_EECD) & E1000_EECD_SK;
}

/* Level of DO as the host would sample it now. */
static bool eecd_do(const struct e1000_eecd_state *st)
{
	if (!st->reading)
		return true;
	if (st->out_bits == 0 || st->out_bits == EE_DUMMY_BIT)
		return false;
	return (st->shift_out >> (st->out_bits - 1)) & 1;
}

u32 e1000_core_eecd_read(struct e1000_core *core,
			 const struct e1000_reg_desc *d, u32 idx)
{
	u32 val = core->regs[idx] | E1000_EECD_PRES;

	/* Nothing else competes for the EEPROM: grant any request at once. */
	if (val & E1000_EECD_REQ)
		val |= E1000_EECD_GNT;
	if (eecd_do(&core->eecd))
		val |= E1000_EECD_DO;
	return val;
}

static void eecd_load_word(struct e1000_core *core, u32 addr)
{
	struct e1000_eecd_state *st = &core->eecd;

	st->shift_in = (st->shift_in & ~EE_ADDR_MASK) | (addr & EE_ADDR_MASK);
	st->shift_out = core->eeprom[addr & EE_ADDR_MASK];
}

static void eecd_rising(struct e1000_core *core, bool di)
{
	struct e1000_eecd_state *st = &core->eecd;
	u32 opcode;

	if (st->reading || st->bits_in >= EE_CMD_BITS)
		return;
	/* Zeros before the start bit are not part of the command. */
	if (!st->bits_in && !di)
		return;
	st->shift_in = (st->shift_in << 1) | di;
	if (++st->bits_in < EE_CMD_BITS)
		return;
	opcode = st->shift_in >> E1000_EEPROM_ADDR_BITS;
	if (opcode != E1000_EEPROM_READ_OPCODE_MICROWIRE)
		return;
	eecd_load_word(core, st->shift_in);
	st->reading = true;
	st->out_bits = EE_DUMMY_BIT;
}

static void eecd_falling(struct e1000_core *core)
{
	struct e1000_eecd_state *st = &core->eecd;

	if (!st->reading)
		return;
	if (st->out_bits > 1) {
		st->out_bits--;
		return;
	}
	/* Past the last bit: sequential read of the next word. */
	eecd_load_word(core, (st->shift_in + 1) & EE_ADDR_MASK);
	st->out_bits = 16;
}

void e1000_core_eecd_write(struct e1000_core *core,
			   const struct e1000_reg_desc *d, u32 idx, u32 val)
{
	struct e1000_eecd_state *st = &core->eecd;
	bool sk = val & E1000_EECD_SK;

	e1000_reg_store(core, d, idx, val);
	if (!(val & E1000_EECD_CS)) {
		/* Deselected: the next command starts from scratch. */
		e1000_core_eecd_reset(core);
	} else if (sk && !st->prev_sk) {
		eecd_rising(core, val & E1000_EECD_DI);
	} else if (!sk && st->prev_sk) {
		eecd_falling(core);
	}
	st->prev_sk = sk;
}

/*
 * EERD: a write with START reads the addressed word at once; DONE and
 * the data are visible to the next read.  Only 6 address bits reach a
 * 64-word part, so higher addresses wrap.
 */
void e1000_core_eerd_write(struct e1000_core *core,
			   const struct e1000_reg_desc *d, u32 idx, u32 val)
{
	u32 addr = (val & E1000_EERD_ADDR_MASK) >> E1000_EERD_ADDR_SHIFT;

	if (!(val & E1000_EERD_START)) {
		core->regs[idx] = val & E1000_EERD_ADDR_MASK;
		return;
	}
	core->regs[idx] = (u32)core->eeprom[addr & EE_ADDR_MASK] <<
			  E1000_EERD_DATA_SHIFT |
			  addr << E1000_EERD_ADDR_SHIFT | E1000_EERD_DONE;
}

/*
 * An EEPROM image and Microwire state from a saved state (in @core, a
 * scratch core of the right model), checked against what this device can
 * hold: the image is read-only to the guest, so it must be exactly the
 * one e1000_core_eeprom_init() makes for the station address it carries
 * (which also makes its checksum right); the bit-bang state must be one
 * the protocol above reaches.  Leaves @core as it found it.
 */
bool e1000_core_eeprom_valid(struct e1000_core *core)
{
	const struct e1000_eecd_state *st = &core->eecd;
	u16 saved[E1000_EEPROM_WORDS], sum = 0;
	u8 mac[6];
	bool ok;
	int i;

	for (i = 0; i < E1000_EEPROM_WORDS; i++)
		sum += core->eeprom[i];
	if (sum != EEPROM_SUM)
		return false;
	memcpy(saved, core->eeprom, sizeof(saved));
	for (i = 0; i < 3; i++) {
		mac[2 * i] = saved[EEPROM_MAC_ADDR_0 + i] & 0xFF;
		mac[2 * i + 1] = saved[EEPROM_MAC_ADDR_0 + i] >> 8;
	}
	/* Software never sees a multicast station address. */
	if (mac[0] & 1)
		return false;
	e1000_core_eeprom_init(core, mac);
	ok = !memcmp(saved, core->eeprom, sizeof(saved));
	memcpy(core->eeprom, saved, sizeof(saved));
	if (!ok || memcmp(core->mac_addr, mac, sizeof(mac)))
		return false;

	/* SK as last written; CS low resets the state (eecd_write()). */
	if (st->prev_sk != !!(e1000_reg(core, E1000_EECD) & E1000_EECD_SK))
		return false;
	if (!(e1000_reg(core, E1000_EECD) & E1000_EECD_CS) &&
	    (st->bits_in || st->shift_in || st->reading))
		return false;
	if (st->bits_in > EE_CMD_BITS || st->shift_in >> st->bits_in)
		return false;
	/* The first bit clocked in is the start bit. */
	if (st->bits_in && !(st->shift_in >> (st->bits_in - 1)))
		return false;
	if (!st->reading)
		return !st->out_bits && !st->shift_out;
	return st->bits_in == EE_CMD_BITS &&
	       st->shift_in >> E1000_EEPROM_ADDR_BITS ==
	       E1000_EEPROM_READ_OPCODE_MICROWIRE &&
	       st->out_bits >= 1 && st->out_bits <= EE_DUMMY_BIT &&
	       (st->out_bits <= 16 || st->out_bits == EE_DUMMY_BIT) &&
	       st->shift_out == core->eeprom[st->shift_in & EE_ADDR_MASK];
}
