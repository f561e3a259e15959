// SPDX-License-Identifier: GPL-2.0
/*
 * The parts the core can be.  The 82540EM and the 82545EM share one MAC
 * design, register map, EEPROM layout and internal PHY (the Linux e1000
 * driver runs both through the same code: only its mac_type differs, and
 * it programs nothing differently for e1000_82545 in a conventional PCI
 * slot).  What tells them apart to software is their identity: PCI IDs,
 * the EEPROM words that hold them, and the 82545EM's PCI-X capability.
 * That is all a model describes; the code reads it from here and nowhere
 * else asks which part it is.
 */
#include "core.h"

static const struct e1000_model_desc e1000_models[E1000_NMODELS] = {
	/* PRO/1000 MT Desktop Adapter: QEMU's "e1000", VirtualBox's default. */
	[E1000_MODEL_82540EM] = {
		.name = "82540EM",
		.device_id = E1000_DEV_ID_82540EM,
		.subsys_id = E1000_SUBSYS_ID_82540EM,
		.revision = 0x02,
		/* An add-in card with no LOM/server/client mark. */
		.compat = 0,
		/* "054000-000": no real board's (see eeprom.c). */
		.pba = { 0x0540, 0x0000 },
		.phy_id = M88E1011_I_PHY_ID,
		.pcix = false,
	},
	/*
	 * PRO/1000 MT Server Adapter: QEMU's "e1000-82545em", VMware's
	 * default virtual NIC.  A PCI-X part, here in a conventional slot:
	 * STATUS.PCIX_MODE stays clear, so drivers (Linux: e1000_get_bus_info)
	 * see bus type PCI and never program the capability's MMRBC.
	 */
	[E1000_MODEL_82545EM] = {
		.name = "82545EM",
		.device_id = E1000_DEV_ID_82545EM_COPPER,
		.subsys_id = E1000_SUBSYS_ID_82545EM,
		.revision = 0x01,
		.compat = EEPROM_COMPAT_SERVER,
		/* "054500-000": no real board's either. */
		.pba = { 0x0545, 0x0000 },
		/*
		 * The same integrated M88E1011-class PHY: Linux's
		 * e1000_detect_gig_phy() accepts only this ID for e1000_82545
		 * as for e1000_82540.
		 */
		.phy_id = M88E1011_I_PHY_ID,
		.pcix = true,
	},
};

const struct e1000_model_desc *e1000_model_desc(enum e1000_model model)
{
	/* The glue refuses unknown models; never index past the table. */
	if ((unsigned int)model >= E1000_NMODELS)
		model = E1000_MODEL_82540EM;
	return &e1000_models[model];
}
