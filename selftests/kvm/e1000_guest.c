// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-side sequences shared by the kvm-e1000 selftests: what the Linux
 * e1000 driver does to reach the EEPROM and the PHY, written against the
 * manual.  Runs inside the VM: no libc.
 */
#include "e1000_test.h"
#include "apic.h"

/* Bound on polls of a register that an in-kernel model answers at once. */
#define E1000_POLL_LIMIT	100000

uint16_t e1000_guest_eerd(uint64_t bar, uint32_t word)
{
	uint32_t val = 0;
	int i;

	e1000_wr(bar, E1000_EERD,
		 E1000_EERD_START | (word << E1000_EERD_ADDR_SHIFT));
	for (i = 0; i < E1000_POLL_LIMIT; i++) {
		val = e1000_rd(bar, E1000_EERD);
		if (val & E1000_EERD_DONE)
			break;
	}
	GUEST_ASSERT_2(val & E1000_EERD_DONE, word, val);
	/* START self-clears once the word is in DATA. */
	GUEST_ASSERT_2(!(val & E1000_EERD_START), word, val);
	return val >> E1000_EERD_DATA_SHIFT;
}

/* One SK pulse: the EEPROM samples DI on the rising edge. */
static void mw_clock(uint64_t bar, uint32_t eecd)
{
	e1000_wr(bar, E1000_EECD, eecd | E1000_EECD_SK);
	e1000_wr(bar, E1000_EECD, eecd);
}

static void mw_shift_out(uint64_t bar, uint32_t eecd, uint32_t data, int bits)
{
	while (bits--) {
		eecd &= ~E1000_EECD_DI;
		if (data & (1u << bits))
			eecd |= E1000_EECD_DI;
		e1000_wr(bar, E1000_EECD, eecd);
		mw_clock(bar, eecd);
	}
	e1000_wr(bar, E1000_EECD, eecd & ~E1000_EECD_DI);
}

/* DO is valid while SK is high, as the Linux driver samples it. */
static uint16_t mw_shift_in(uint64_t bar, uint32_t eecd)
{
	uint16_t data = 0;
	int i;

	eecd &= ~(E1000_EECD_DI | E1000_EECD_DO);
	for (i = 0; i < 16; i++) {
		e1000_wr(bar, E1000_EECD, eecd | E1000_EECD_SK);
		data <<= 1;
		if (e1000_rd(bar, E1000_EECD) & E1000_EECD_DO)
			data |= 1;
		e1000_wr(bar, E1000_EECD, eecd);
	}
	return data;
}

uint16_t e1000_guest_microwire(uint64_t bar, uint32_t word)
{
	uint32_t eecd;
	uint16_t data;
	int i;

	/* Arbitrate with the (absent) firmware: request, wait for grant. */
	eecd = e1000_rd(bar, E1000_EECD);
	e1000_wr(bar, E1000_EECD, eecd | E1000_EECD_REQ);
	for (i = 0; i < E1000_POLL_LIMIT; i++) {
		eecd = e1000_rd(bar, E1000_EECD);
		if (eecd & E1000_EECD_GNT)
			break;
	}
	GUEST_ASSERT_1(eecd & E1000_EECD_GNT, eecd);

	eecd &= ~(E1000_EECD_SK | E1000_EECD_DI | E1000_EECD_DO);
	e1000_wr(bar, E1000_EECD, eecd);
	eecd |= E1000_EECD_CS;
	e1000_wr(bar, E1000_EECD, eecd);

	mw_shift_out(bar, eecd, E1000_EEPROM_READ_OPCODE_MICROWIRE,
		     E1000_EEPROM_OPCODE_BITS);
	mw_shift_out(bar, eecd, word, E1000_EEPROM_ADDR_BITS);
	data = mw_shift_in(bar, eecd);

	/* Deselect, then give the EEPROM back. */
	eecd &= ~(E1000_EECD_CS | E1000_EECD_DI);
	e1000_wr(bar, E1000_EECD, eecd);
	mw_clock(bar, eecd);
	e1000_wr(bar, E1000_EECD, eecd & ~E1000_EECD_REQ);
	return data;
}

uint32_t e1000_guest_mdic(uint64_t bar, uint32_t op, uint32_t phy,
			  uint32_t reg, uint16_t data)
{
	uint32_t val = 0;
	int i;

	e1000_wr(bar, E1000_MDIC, op | data | (reg << E1000_MDIC_REG_SHIFT) |
		 (phy << E1000_MDIC_PHY_SHIFT));
	for (i = 0; i < E1000_POLL_LIMIT; i++) {
		val = e1000_rd(bar, E1000_MDIC);
		if (val & E1000_MDIC_READY)
			break;
	}
	GUEST_ASSERT_2(val & E1000_MDIC_READY, reg, val);
	return val;
}

uint16_t e1000_guest_phy_read(uint64_t bar, uint32_t reg)
{
	uint32_t val = e1000_guest_mdic(bar, E1000_MDIC_OP_READ,
					E1000_PHY_ADDR, reg, 0);

	GUEST_ASSERT_2(!(val & E1000_MDIC_ERROR), reg, val);
	return val & E1000_MDIC_DATA_MASK;
}

void e1000_guest_phy_write(uint64_t bar, uint32_t reg, uint16_t data)
{
	uint32_t val = e1000_guest_mdic(bar, E1000_MDIC_OP_WRITE,
					E1000_PHY_ADDR, reg, data);

	GUEST_ASSERT_2(!(val & E1000_MDIC_ERROR), reg, val);
}

/* CTRL.RST: the device resets itself and clears the bit when done. */
void e1000_guest_reset(uint64_t bar)
{
	uint32_t ctrl = 0;
	int i;

	e1000_wr(bar, E1000_CTRL, e1000_rd(bar, E1000_CTRL) | E1000_CTRL_RST);
	for (i = 0; i < E1000_POLL_LIMIT; i++) {
		ctrl = e1000_rd(bar, E1000_CTRL);
		if (!(ctrl & E1000_CTRL_RST))
			break;
	}
	GUEST_ASSERT_1(!(ctrl & E1000_CTRL_RST), ctrl);
}

/* ---- Data path: rings as a driver keeps them, interrupts ---- */

/* Let the host sleep @us while the device works (see E1000_SYNC_DELAY). */
void e1000_guest_delay(uint64_t us)
{
	GUEST_SYNC_ARGS(E1000_SYNC_DELAY, us, 0, 0, 0);
}

void e1000_guest_link_up(uint64_t bar)
{
	e1000_wr(bar, E1000_CTRL, e1000_rd(bar, E1000_CTRL) | E1000_CTRL_SLU);
}

void e1000_guest_tx_setup(struct e1000_gring *r, uint64_t bar, uint64_t base,
			  uint32_t size)
{
	uint32_t i;

	r->bar = bar;
	r->base = base;
	r->size = size;
	r->tail = 0;
	r->next = 0;
	for (i = 0; i < size * E1000_DESC_SIZE / 8; i++)
		((volatile uint64_t *)base)[i] = 0;
	e1000_wr(bar, E1000_TDBAL, (uint32_t)base);
	e1000_wr(bar, E1000_TDBAH, base >> 32);
	e1000_wr(bar, E1000_TDLEN, size * E1000_DESC_SIZE);
	e1000_wr(bar, E1000_TDH, 0);
	e1000_wr(bar, E1000_TDT, 0);
	/* The Linux driver's values: pad short frames, IEEE IPG. */
	e1000_wr(bar, E1000_TIPG, 10 | 10 << E1000_TIPG_IPGR1_SHIFT |
		 10 << E1000_TIPG_IPGR2_SHIFT);
	e1000_wr(bar, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP |
		 0x0f << E1000_TCTL_CT_SHIFT | 0x40 << E1000_TCTL_COLD_SHIFT);
}

void e1000_guest_tx_legacy(struct e1000_gring *r, uint64_t addr, uint16_t len,
			   uint8_t cmd, uint8_t css, uint8_t cso,
			   uint16_t special)
{
	volatile struct e1000_tx_desc *d = e1000_gdesc(r, r->tail);

	d->buffer_addr = addr;
	d->length = len;
	d->cso = cso;
	d->cmd = cmd;
	d->status = 0;
	d->css = css;
	d->special = special;
	r->tail = (r->tail + 1) % r->size;
}

/* @c holds the offsets, hdr_len and mss; TUCMD and PAYLEN come apart. */
void e1000_guest_tx_context(struct e1000_gring *r,
			    const struct e1000_context_desc *c,
			    uint32_t tucmd, uint32_t paylen)
{
	volatile struct e1000_context_desc *d = e1000_gdesc(r, r->tail);

	d->ipcss = c->ipcss;
	d->ipcso = c->ipcso;
	d->ipcse = c->ipcse;
	d->tucss = c->tucss;
	d->tucso = c->tucso;
	d->tucse = c->tucse;
	d->cmd_and_length = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_C | tucmd |
			    (paylen & E1000_TXD_PAYLEN_MASK);
	d->status = 0;
	d->hdr_len = c->hdr_len;
	d->mss = c->mss;
	r->tail = (r->tail + 1) % r->size;
}

void e1000_guest_tx_data(struct e1000_gring *r, uint64_t addr, uint32_t len,
			 uint32_t dcmd, uint8_t popts, uint16_t special)
{
	volatile struct e1000_data_desc *d = e1000_gdesc(r, r->tail);

	d->buffer_addr = addr;
	d->lower = E1000_TXD_CMD_DEXT | E1000_TXD_DTYP_D | dcmd |
		   (len & E1000_TXD_LEN_MASK);
	d->upper = (uint32_t)popts << E1000_TXD_POPTS_SHIFT |
		   (uint32_t)special << E1000_TXD_SPECIAL_SHIFT;
	r->tail = (r->tail + 1) % r->size;
}

void e1000_guest_tx_kick(struct e1000_gring *r)
{
	e1000_wr(r->bar, E1000_TDT, r->tail);
}

/* Wait up to @ms for the device to consume every queued descriptor. */
bool e1000_guest_tx_wait(struct e1000_gring *r, uint32_t ms)
{
	uint32_t i;

	for (i = 0; i <= ms * 10; i++) {
		if (e1000_rd(r->bar, E1000_TDH) == r->tail) {
			r->next = r->tail;
			return true;
		}
		e1000_guest_delay(100);
	}
	return false;
}

void e1000_guest_rx_setup(struct e1000_gring *r, uint64_t bar, uint64_t base,
			  uint32_t size, uint64_t bufs, uint32_t bufsize,
			  uint32_t rctl)
{
	volatile struct e1000_rx_desc *d;
	uint32_t i;

	r->bar = bar;
	r->base = base;
	r->size = size;
	r->next = 0;
	for (i = 0; i < size; i++) {
		d = e1000_gdesc(r, i);
		d->buffer_addr = bufs + (uint64_t)i * bufsize;
		d->length = 0;
		d->csum = 0;
		d->status = 0;
		d->errors = 0;
		d->special = 0;
	}
	e1000_wr(bar, E1000_RDBAL, (uint32_t)base);
	e1000_wr(bar, E1000_RDBAH, base >> 32);
	e1000_wr(bar, E1000_RDLEN, size * E1000_DESC_SIZE);
	e1000_wr(bar, E1000_RDH, 0);
	/* All but one: head == tail would mean empty. */
	r->tail = size - 1;
	e1000_wr(bar, E1000_RDT, r->tail);
	e1000_wr(bar, E1000_RCTL, E1000_RCTL_EN | rctl);
}

/* The next completed descriptor, waiting up to @ms; NULL if none came. */
struct e1000_rx_desc *e1000_guest_rx_wait(struct e1000_gring *r, uint32_t ms)
{
	volatile struct e1000_rx_desc *d = e1000_gdesc(r, r->next);
	uint32_t i;

	for (i = 0; i <= ms * 10; i++) {
		if (d->status & E1000_RXD_STAT_DD) {
			r->next = (r->next + 1) % r->size;
			return (struct e1000_rx_desc *)d;
		}
		e1000_guest_delay(100);
	}
	return NULL;
}

/* Hand every completed descriptor back to the device, fresh. */
void e1000_guest_rx_give(struct e1000_gring *r, uint64_t bufs, uint32_t bufsize)
{
	volatile struct e1000_rx_desc *d;
	uint32_t last = (r->next + r->size - 1) % r->size;

	while (r->tail != last) {
		d = e1000_gdesc(r, r->tail);
		d->buffer_addr = bufs + (uint64_t)r->tail * bufsize;
		d->status = 0;
		r->tail = (r->tail + 1) % r->size;
	}
	e1000_wr(r->bar, E1000_RDT, r->tail);
}

#define IOAPIC_IOREGSEL		0x00
#define IOAPIC_IOWIN		0x10
#define IOAPIC_REDTBL(n)	(0x10 + 2 * (n))
#define IOAPIC_RTE_LEVEL	0x8000	/* trigger mode: level */

static void ioapic_write(uint32_t reg, uint32_t val)
{
	WRITE_ONCE(*(volatile uint32_t *)(E1000_IOAPIC_GPA + IOAPIC_IOREGSEL),
		   reg);
	WRITE_ONCE(*(volatile uint32_t *)(E1000_IOAPIC_GPA + IOAPIC_IOWIN), val);
}

/*
 * INTx as a driver's OS sets it up: the xAPIC on, the GSI's redirection
 * entry level-triggered, active high, fixed delivery to APIC 0.
 */
void e1000_guest_irq_setup(void)
{
	xapic_enable();
	ioapic_write(IOAPIC_REDTBL(E1000_TEST_GSI) + 1, 0);	/* APIC ID 0 */
	ioapic_write(IOAPIC_REDTBL(E1000_TEST_GSI),
		     E1000_TEST_VECTOR | IOAPIC_RTE_LEVEL);
	asm volatile("sti" ::: "memory");
}

/* Wait up to @ms for the handler's count to reach @n. */
bool e1000_guest_wait_irqs(uint64_t n, uint32_t ms)
{
	struct e1000_shared *sh = (void *)E1000_DMA_SHARED;
	uint32_t i;

	for (i = 0; i <= ms * 10; i++) {
		if (sh->irqs >= n)
			return true;
		e1000_guest_delay(100);
	}
	return sh->irqs >= n;
}

/* The driver's ISR: count, acknowledge by reading ICR, EOI. */
void e1000_guest_irq_handler(struct ex_regs *regs)
{
	struct e1000_shared *sh = (void *)E1000_DMA_SHARED;
	uint64_t bar = E1000_BAR0_GPA;
	uint32_t icr;

	sh->irqs++;
	if (sh->irq_mode == E1000_IRQ_EOI_ONLY && sh->irq_eoi_only) {
		sh->irq_eoi_only--;
	} else {
		icr = e1000_rd(bar, E1000_ICR);
		sh->irq_icr_reads++;
		sh->irq_last_icr = icr;
		sh->irq_icr |= icr;
	}
	xapic_write_reg(APIC_EOI, 0);
}
