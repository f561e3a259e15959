// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the device core.  The input is a sequence of
 * operations on one freshly initialised core (see the OP_* list; every
 * byte value is some operation, and a truncated last operation is
 * dropped).  After each operation the invariants below must hold, else
 * the target aborts and libFuzzer reports the input.
 *
 *   - the line level given to the platform is the core's irq_level; it
 *     implies ICR & IMS != 0 and, outside an ITR interval, equals it;
 *     set_irq is only called when the level changes;
 *   - the core's counters never decrease, and each MMIO read/write counts
 *     exactly once;
 *   - offsets that hold no register read as 0, and writes to them count
 *     as unknown;
 *   - ICR and IMS hold only 82540 cause bits; registers with a writable
 *     mask never hold bits outside it (plus their reset value);
 *   - STATUS.LU implies CTRL.SLU; EECD always reads EEPROM-present;
 *   - kicks carry only TX/RX events; timers are only armed by valid id;
 *   - data path: a TX pass writes nothing but the status byte of
 *     descriptors it owns (head..tail-1 at begin); an RX pass writes only
 *     descriptors it owns and the buffers they point to; TDH/RDH stay
 *     inside their rings; sanitizers catch any access outside tx_buf;
 *   - doorbell pages (the glue's shim): every operation runs between a
 *     pull and a push, as under kvm_e1000_lock(); after it, each ring
 *     register in the page equals the register, whatever the guest
 *     scribbled there before;
 *   - PCI configuration space: the IDs never change, BARs decode only at
 *     addresses aligned to their size, bus mastering follows COMMAND and
 *     the power state, and a D3hot -> D0 transition resets the core;
 *     STATUS.Interrupt Status is the core's line, and the INTx output
 *     (intx.h) is never up while COMMAND.Interrupt Disable is set;
 *   - device state (OP_STATE): a blob of any bytes, or the device's own
 *     with fields changed, is refused with the core untouched and no
 *     platform call, or taken as given: saved again it gives the same
 *     bytes (interrupt causes and line apart, which a delay timer of 0
 *     moves on at once); the device then runs on from it.
 *
 * gen_corpus.py writes the seed corpus.
 */
#include <stdio.h>
#include <stdlib.h>
#include <linux/pci_regs.h>

#include "core_internal.h"
#include "doorbell.h"
#include "fake_platform.h"
#include "intx.h"
#include "offload.h"

enum {
	OP_WRITE,	/* off16 val32: MMIO write at (off16 * 4) % BAR size */
	OP_READ,	/* off16 */
	OP_MEM,		/* addr16 len8 bytes[len]: fill guest memory */
	OP_TIMER,	/* id8: a moderation timer fires */
	OP_RAISE,	/* causes32: the data path raises causes */
	OP_RESET,	/* e1000_core_reset() */
	OP_DELAY,	/* causes32: data path holds causes for the timers */
	OP_EEBIT,	/* b8: one Microwire clock with DI = bit 0; bit 1 drops CS */
	OP_STAT,	/* idx8 n32: bump a statistics counter */
	OP_MDIC,	/* val32: MDIC write */
	OP_IO,		/* port8 val32: I/O BAR; bit 7 of port8: write */
	OP_TX,		/* budget8: one TX pass */
	OP_RX,		/* flags8 start16 off16 len16 bytes[len]: one RX frame */
	OP_BACKEND,	/* b8: bit 0 backend_gso, bits 6:1 busy_after (0: off),
			 * bit 7 a platform that reads GSO payloads in place */
	OP_DB_MAP,	/* b8: bit 0: doorbell pages mapped or not */
	OP_DB_STORE,	/* off16 val32: a guest store into the doorbell pages */
	OP_CFG_READ,	/* off8 len8: PCI configuration read */
	OP_CFG_WRITE,	/* off8 len8 val32: PCI configuration write */
	OP_RX_GSO,	/* gso8 size16 flags8 start16 off16 len16 bytes[len]: a
			 * GSO frame from the backend; bit 7 of gso8 resumes the
			 * one the last full ring left in hand instead */
	OP_STATE,	/* mode8 n8, then n times off16 val16: load a device
			 * state (see do_state()) */
	OP_COUNT
};

struct input {
	const u8 *p;
	size_t left;
};

static bool take(struct input *in, void *out, size_t n)
{
	if (in->left < n)
		return false;
	memcpy(out, in->p, n);
	in->p += n;
	in->left -= n;
	return true;
}

static bool take8(struct input *in, u8 *v)
{
	return take(in, v, 1);
}

static bool take16(struct input *in, u16 *v)
{
	u8 b[2];

	if (!take(in, b, 2))
		return false;
	*v = b[0] | b[1] << 8;
	return true;
}

static bool take32(struct input *in, u32 *v)
{
	u8 b[4];

	if (!take(in, b, 4))
		return false;
	*v = b[0] | b[1] << 8 | b[2] << 16 | (u32)b[3] << 24;
	return true;
}

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "invariant failed: %s (line %d)\n", \
				#cond, __LINE__);			\
			abort();					\
		}							\
	} while (0)

static struct fake F;
static struct e1000_pci pci;
static struct e1000_intx intx;
static struct e1000_db db;
/* The counters before the current operation (a load may set them back). */
static struct e1000_core_counters cnt_before;
static u32 db_page[E1000_DB_SIZE / 4];

static u32 reg(u32 off)
{
	return F.core.regs[off >> 2];
}

static void check_stored_masks(void)
{
	unsigned int i, j;

	for (i = 1; i < e1000_core_reg_count(); i++) {
		const struct e1000_reg_desc *d = e1000_core_reg_at(i);

		/* Computed, handler-driven or counters: checked elsewhere. */
		if (d->read || d->write || d->flags || d->off == E1000_STATUS)
			continue;
		for (j = 0; j < d->count; j++)
			CHECK((F.core.regs[(d->off >> 2) + j] & ~d->wmask) ==
			      (d->reset & ~d->wmask));
	}
}

static void check_invariants(const struct e1000_core_counters *before)
{
	const struct e1000_core_counters *c = &F.core.cnt;
	bool pending = (reg(E1000_ICR) & reg(E1000_IMS)) != 0;
	unsigned int i;

	CHECK(F.line == F.core.irq_level);
	CHECK(!F.line || pending);
	CHECK(F.core.itr_hold || F.line == pending);
	CHECK(e1000_core_irq_pending(&F.core) == pending);
	CHECK(F.irq_redundant == 0);
	CHECK(F.irq_rises == c->irqs);
	CHECK(c->mmio_reads >= before->mmio_reads);
	CHECK(c->mmio_writes >= before->mmio_writes);
	CHECK(c->mmio_unknown >= before->mmio_unknown);
	CHECK(c->irqs >= before->irqs);
	CHECK(c->resets >= before->resets);
	CHECK(!(reg(E1000_ICR) & ~E1000_ICR_VALID_MASK));
	CHECK(!(reg(E1000_IMS) & ~E1000_ICR_VALID_MASK));
	CHECK(!(reg(E1000_CTRL) & E1000_CTRL_RST));
	CHECK(!(reg(E1000_STATUS) & E1000_STATUS_LU) ||
	      (reg(E1000_CTRL) & E1000_CTRL_SLU));
	CHECK(!(reg(E1000_RDT) >> 16) && !(reg(E1000_TDT) >> 16));
	CHECK(!(reg(E1000_RDTR) & E1000_RDTR_FPD));
	CHECK(!(reg(E1000_TIDV) & E1000_TIDV_FPD));
	CHECK(!(F.core.delayed_causes &
		~(E1000_ICR_TXDW | E1000_ICR_RXT0)));
	CHECK(F.core.eecd.out_bits <= 17);
	CHECK(F.core.eecd.bits_in <= 9);
	for (i = 0; i < 2 * E1000_RAR_ENTRIES; i += 2)
		CHECK(!(reg(E1000_RA + 4 * (i + 1)) & ~E1000_RAH_MASK));
}

static void do_read(u32 off)
{
	u64 reads = F.core.cnt.mmio_reads;
	u32 val = e1000_core_read(&F.core, off);

	CHECK(F.core.cnt.mmio_reads == reads + 1);
	if (!e1000_core_reg_lookup(off))
		CHECK(val == 0);
	if (off == E1000_EECD)
		CHECK(val & E1000_EECD_PRES);
	if (off == E1000_MDIC && val)
		CHECK(val & E1000_MDIC_READY);
}

static void do_write(u32 off, u32 val)
{
	u64 writes = F.core.cnt.mmio_writes;
	u64 unknown = F.core.cnt.mmio_unknown;

	e1000_core_write(&F.core, off, val);
	CHECK(F.core.cnt.mmio_writes == writes + 1);
	CHECK(F.core.cnt.mmio_unknown ==
	      unknown + !e1000_core_reg_lookup(off));
}

static void do_eebit(u8 b)
{
	u32 eecd = E1000_EECD_REQ | E1000_EECD_CS;

	if (b & 2) {
		do_write(E1000_EECD, 0);
		return;
	}
	if (b & 1)
		eecd |= E1000_EECD_DI;
	do_write(E1000_EECD, eecd);
	do_write(E1000_EECD, eecd | E1000_EECD_SK);
	do_read(E1000_EECD);
	do_write(E1000_EECD, eecd);
}

static void do_stat(u8 idx, u32 n)
{
	u32 off = E1000_STATS_BASE + 4 * (idx % 64);

	if (!e1000_core_reg_lookup(off))
		return;
	if (off == E1000_GORCL || off == E1000_GOTCL || off == E1000_TORL ||
	    off == E1000_TOTL)
		e1000_core_stat_add64(&F.core, off, (u64)n * n);
	else
		e1000_core_stat_add(&F.core, off, n);
}

static void do_io(u8 b, u32 val)
{
	u32 port = b % E1000_IO_SIZE;
	u64 reads = F.core.cnt.mmio_reads;

	if (b & 0x80) {
		e1000_core_io_write(&F.core, port, val);
	} else {
		val = e1000_core_io_read(&F.core, port);
		if (port != E1000_IOADDR && port != E1000_IODATA)
			CHECK(val == 0);
		CHECK(F.core.cnt.mmio_reads == reads + (port == E1000_IODATA));
	}
	CHECK(F.core.ioaddr < E1000_MMIO_SIZE && !(F.core.ioaddr & 3));
}

/* Is descriptor @i of a ring snapshot one the pass owns? */
static bool owned(const struct e1000_ring_pass *r, u32 i)
{
	return (i + r->size - r->head) % r->size <
	       (r->tail + r->size - r->head) % r->size;
}

/* The ring slot @gpa falls in, or -1. */
static long ring_slot(const struct e1000_ring_pass *r, u64 gpa)
{
	if (gpa < r->base || gpa - r->base >= (u64)r->size * 16)
		return -1;
	return (gpa - r->base) / 16;
}

static void check_tx_writes(const struct e1000_ring_pass *r, unsigned int from)
{
	unsigned int i;
	long slot;

	for (i = from; i < F.nwlog && i < FAKE_WLOG; i++) {
		slot = ring_slot(r, F.wlog[i].gpa);
		CHECK(slot >= 0 && owned(r, slot));
		CHECK(F.wlog[i].len == 1 &&
		      (F.wlog[i].gpa - r->base) % 16 == 12);
	}
}

static void rx_deliver(const u8 *frame, u32 len,
		       const struct e1000_rx_meta *meta);

static void check_loop_frame(const struct e1000_tx_pass *p)
{
	CHECK(p->loop_len <= E1000_TX_BUF_SIZE);
	CHECK(!p->loop_len || (p->loop_frame >= F.tx_buf &&
			       p->loop_frame + p->loop_len <=
			       F.tx_buf + E1000_TX_BUF_SIZE));
}

/* A TX pass; in loopback its frames go through RX as the glue does it. */
static void do_tx(u8 budget)
{
	static const struct e1000_rx_meta none;
	struct e1000_tx_pass p;
	struct e1000_ring_pass r;
	unsigned int from = F.nwlog, k;
	/* The byte budget too, from a frame's worth to none at all. */
	u32 bytes = (u32)budget << 9;

	if (!e1000_tx_begin(&F.core, &p))
		return;
	r = p.ring;
	CHECK(r.head < r.size && r.tail < r.size);
	e1000_tx_run(&F.core, &p, budget, bytes);
	for (k = 0; p.loop_len && k < 8; k++) {
		check_loop_frame(&p);
		check_tx_writes(&r, from);
		rx_deliver(p.loop_frame, p.loop_len, &none);
		from = F.nwlog;
		e1000_tx_run(&F.core, &p, budget, bytes);
	}
	check_loop_frame(&p);
	CHECK(p.ring.head < r.size);
	check_tx_writes(&r, from);
	e1000_tx_settle(&F.core);
	CHECK(!F.core.txdefer.on);
	e1000_tx_end(&F.core, &p);
	CHECK(!(reg(E1000_TDH) >> 16));
	if (p.ring.gen == F.core.ring_gen)
		CHECK(reg(E1000_TDH) < r.size);
}

/* Buffers of the owned descriptors, read before the frame is written. */
struct rx_bufs {
	u64 addr[64];
	unsigned int n;
};

static void rx_note_buffers(const struct e1000_ring_pass *r,
			    struct rx_bufs *b)
{
	u32 i = r->head;
	__le64 a;

	b->n = 0;
	while (i != r->tail && b->n < ARRAY_SIZE(b->addr)) {
		if (F.core.plat->dma_read(&F, r->base + 16ULL * i, &a, 8))
			b->addr[b->n++] = ~0ULL;
		else
			b->addr[b->n++] = le64_to_cpu(a);
		i = (i + 1) % r->size;
	}
}

static bool in_buffer(const struct rx_bufs *b, u64 gpa, u32 len)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		if (gpa >= b->addr[i] && gpa - b->addr[i] + len <= 16384)
			return true;
	return false;
}

static void check_rx_writes(const struct e1000_ring_pass *r,
			    const struct rx_bufs *b, unsigned int from)
{
	unsigned int i;
	long slot;

	for (i = from; i < F.nwlog && i < FAKE_WLOG; i++) {
		slot = ring_slot(r, F.wlog[i].gpa);
		if (in_buffer(b, F.wlog[i].gpa, F.wlog[i].len))
			continue;

		CHECK(slot >= 0 && owned(r, slot));
		CHECK(F.wlog[i].len == 8 &&
		      (F.wlog[i].gpa - r->base) % 16 == 8);
	}
}

/* A GSO frame in hand, as the glue keeps it between passes, in pieces. */
static struct {
	u8 frame[0x10000 + 256];
	u32 len;		/* 0: none */
	struct e1000_rx_sg sg;
	struct e1000_rx_meta meta;
	struct e1000_rx_gso g;
} gso;

/*
 * The frame cut into pieces of @cut bytes (0: whole), the rest in the
 * last, as an skb's head and fragments may be.
 */
static void gso_cut(u32 cut)
{
	struct e1000_rx_sg *sg = &gso.sg;
	u32 off = 0;

	sg->len = gso.len;
	for (sg->n = 0; sg->n + 1 < E1000_RX_SG_MAX && cut &&
	     off + cut < gso.len; sg->n++, off += cut) {
		sg->p[sg->n] = gso.frame + off;
		sg->len_of[sg->n] = cut;
	}
	sg->p[sg->n] = gso.frame + off;
	sg->len_of[sg->n++] = gso.len - off;
}

/* One RX pass for a frame, or for the GSO frame in hand if @meta is NULL. */
static void rx_deliver(const u8 *frame, u32 len,
		       const struct e1000_rx_meta *meta)
{
	struct e1000_rx_pass p;
	struct e1000_ring_pass r;
	struct rx_bufs b;
	unsigned int from = F.nwlog;
	u32 seg = gso.g.seg;
	int ret;

	if (!e1000_rx_begin(&F.core, &p))
		return;
	r = p.ring;
	CHECK(r.head < r.size && r.tail < r.size);
	rx_note_buffers(&r, &b);
	if (meta) {
		ret = e1000_rx_frame(&F.core, &p, frame, len, meta);
		CHECK(ret >= E1000_RX_DONE && ret <= E1000_RX_ERROR);
	} else {
		ret = e1000_rx_gso_sg(&F.core, &p, &gso.sg, &gso.meta,
				      &gso.g);
		CHECK(ret >= E1000_RX_DONE && ret <= E1000_RX_STALE);
		/* Segments go in order, none twice. */
		CHECK(gso.g.seg >= seg);
		if (ret == E1000_RX_MALFORMED)
			CHECK(F.nwlog == from);
		if (ret != E1000_RX_NO_BUFFERS && ret != E1000_RX_STALE)
			gso.len = 0;
	}
	if (ret == E1000_RX_FILTERED ||
	    (meta && ret == E1000_RX_NO_BUFFERS))
		CHECK(F.nwlog == from);
	if (b.n < ARRAY_SIZE(b.addr))
		check_rx_writes(&r, &b, from);
	if (ret == E1000_RX_NO_BUFFERS)
		e1000_rx_drop(&F.core, &p);
	CHECK(p.ring.head < p.ring.size);
	e1000_rx_end(&F.core, &p);
}

static bool do_rx_gso(struct input *in)
{
	u8 type;
	u16 len;

	if (!take8(in, &type))
		return false;
	if (type & 0x80) {
		if (gso.len)
			rx_deliver(NULL, 0, NULL);
		return true;
	}
	memset(&gso.meta, 0, sizeof(gso.meta));
	memset(&gso.g, 0, sizeof(gso.g));
	gso.meta.gso_type = type & 3;
	if (!take16(in, &gso.meta.gso_size) || !take8(in, &gso.meta.flags) ||
	    !take16(in, &gso.meta.csum_start) ||
	    !take16(in, &gso.meta.csum_offset) || !take16(in, &len))
		return false;
	if (len > in->left)
		len = in->left;
	take(in, gso.frame, len);
	gso.len = len;
	/* Bits 2-6 of the type: pieces of an odd size, or none. */
	gso_cut(((type >> 2) & 0x1F) * 7);
	rx_deliver(NULL, 0, NULL);
	return true;
}

static bool do_rx(struct input *in)
{
	static u8 frame[16384 + 64];
	struct e1000_rx_meta meta = { 0 };
	u16 len;

	if (!take8(in, &meta.flags) || !take16(in, &meta.csum_start) ||
	    !take16(in, &meta.csum_offset) || !take16(in, &len))
		return false;
	if (len > in->left)
		len = in->left;
	take(in, frame, len);
	rx_deliver(frame, len, &meta);
	return true;
}

/* What the glue's kvm_e1000_lock() and kvm_e1000_unlock() do around. */
static void db_pull(void)
{
	u64 writes = db.writes;

	e1000_db_pull(&db, &F.core);
	CHECK(db.writes >= writes);
}

static void db_push(void)
{
	unsigned int i;
	u32 off;

	e1000_db_push(&db, &F.core);
	if (!e1000_db_attached(&db))
		return;
	/* Nobody stored in between: every register is published. */
	for (i = 0; i < E1000_DB_NREGS; i++) {
		off = e1000_db_reg(i);
		CHECK(off >= E1000_DB_BASE && off < E1000_DB_BASE + E1000_DB_SIZE);
		CHECK(db_page[(off - E1000_DB_BASE) / 4] == reg(off));
	}
}

static void do_db_map(u8 b)
{
	e1000_db_attach(&db, &F.core, (b & 1) ? db_page : NULL);
	CHECK(e1000_db_attached(&db) == (b & 1));
}

/* The guest's store lands whether or not the pages are mapped. */
static void do_db_store(u16 w, u32 val)
{
	e1000_db_store(&db_page[w % ARRAY_SIZE(db_page)], val);
}

static void check_pci(void)
{
	u64 mem = e1000_pci_mem_base(&pci), io = e1000_pci_io_base(&pci);
	bool line = e1000_core_irq_line(&F.core);
	u32 cmd = e1000_pci_read(&pci, PCI_COMMAND, 4, line);

	CHECK(e1000_pci_read(&pci, PCI_VENDOR_ID, 2, line) ==
	      E1000_VENDOR_ID_INTEL);
	CHECK(e1000_pci_read(&pci, PCI_DEVICE_ID, 2, line) ==
	      F.core.model->device_id);
	CHECK(mem == E1000_PCI_BAR_OFF || !(mem % E1000_MMIO_SIZE));
	CHECK(io == E1000_PCI_BAR_OFF || !(io % E1000_IO_SIZE));
	CHECK(!e1000_pci_bus_master(&pci) || (cmd & PCI_COMMAND_MASTER));
	CHECK(!!(cmd >> 16 & PCI_STATUS_INTERRUPT) == line);
	CHECK(e1000_pci_intx_disabled(&pci) ==
	      !!(cmd & PCI_COMMAND_INTX_DISABLE));
	CHECK(!e1000_pci_intx_disabled(&pci) || !e1000_intx_out(&intx, line));
}

/* A configuration write, and what the glue (vfio_dev.c) does after it. */
static void do_cfg_write(u8 off, u8 len, u32 val)
{
	u64 resets = F.core.cnt.resets;
	unsigned int ev = e1000_pci_write(&pci, off, len % 5, val);

	if (ev & E1000_PCI_EV_RESET) {
		e1000_core_reset(&F.core);
		CHECK(F.core.cnt.resets == resets + 1);
	}
	e1000_core_set_bus_master(&F.core, e1000_pci_bus_master(&pci));
	CHECK(F.core.bus_master == e1000_pci_bus_master(&pci));
	e1000_intx_hold(&intx, E1000_INTX_HOLD_DISABLE,
			e1000_pci_intx_disabled(&pci),
			e1000_core_irq_line(&F.core));
	check_pci();
}

/* ---- Device state ---- */

#define STATE_MODE_RAW		0x01	/* zeros and patches, not a save */
#define STATE_MODE_FIX		0x02	/* make header and checksum right */
#define STATE_MODE_FULL		0x04	/* raw: the size with a tx_buf */
#define STATE_MODE_TRUNC	0x08	/* drop the blob's last byte */

/* A load costs a thousand other operations: a few per input. */
#define STATE_OPS_MAX		4
static unsigned int state_ops;

static u8 state_blob[E1000_STATE_MAX_SIZE], state_again[E1000_STATE_MAX_SIZE];
static u8 tx_buf_snap[E1000_TX_BUF_SIZE];
static struct e1000_core core_snap, scratch;

static void put32le(u8 *p, u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Header fields as state.c's format description gives them. */
static void fix_header(u8 *b, u32 len)
{
	u32 m;

	put32le(b, E1000_STATE_MAGIC);
	b[4] = E1000_STATE_VERSION;
	b[5] = 0;
	b[6] = 32;
	b[7] = 0;
	put32le(b + 8, len);
	for (m = 0; m < E1000_NMODELS; m++)
		if (e1000_model_desc(m) == F.core.model)
			break;
	b[12] = m;
	memset(b + 13, 0, 32 - 13);
	put32le(b + 16, ~e1000_crc32(E1000_CRC_INIT, b, len));
}

/* The bytes a load may legitimately move on: ICR, the interrupt block. */
static bool state_dynamic(u32 i)
{
	u32 icr = 32 + E1000_ICR, intr = 32 + E1000_NREGS * 4 + 128 + 64 + 20;

	return (i >= icr && i < icr + 4) || (i >= intr && i < intr + 12 + 56);
}

/*
 * A blob: the device's own save, or zeros (mode RAW); then @n patches of
 * two bytes each at any even offset; a right header and checksum if asked.
 */
static bool do_state(struct input *in)
{
	u8 mode, n;
	u16 off, val;
	u32 len, i;
	int ret;

	if (!take8(in, &mode) || !take8(in, &n))
		return false;
	if (state_ops++ >= STATE_OPS_MAX)
		return true;
	if (mode & STATE_MODE_RAW) {
		len = mode & STATE_MODE_FULL ? E1000_STATE_MAX_SIZE :
					       E1000_STATE_FIXED_SIZE;
		memset(state_blob, 0, len);
	} else {
		ret = e1000_core_save(&F.core, state_blob, sizeof(state_blob));
		CHECK(ret > 0 && (u32)ret == e1000_state_size(&F.core));
		len = ret;
	}
	for (i = 0; i < n; i++) {
		if (!take16(in, &off) || !take16(in, &val))
			return false;
		off = (off * 2U) % len;
		state_blob[off] = val;
		state_blob[off + 1] = val >> 8;
	}
	if (mode & STATE_MODE_FIX) {
		/* A patched checksum stays wrong: the field check runs too. */
		fix_header(state_blob, len);
		if (n && (mode & 0x80))
			state_blob[16] ^= 1;
	}
	if (mode & STATE_MODE_TRUNC)
		len--;

	core_snap = F.core;
	memcpy(tx_buf_snap, F.tx_buf, sizeof(tx_buf_snap));
	F.timer_calls = 0;
	F.irq_calls = 0;
	F.kick_calls = 0;
	ret = e1000_core_load(&F.core, &scratch, state_blob, len);
	if (ret) {
		CHECK(ret < 0 && strcmp(e1000_state_strerror(ret), "unknown error"));
		CHECK(!memcmp(&F.core, &core_snap, sizeof(core_snap)));
		CHECK(!memcmp(F.tx_buf, tx_buf_snap, sizeof(tx_buf_snap)));
		CHECK(!F.timer_calls && !F.irq_calls && !F.kick_calls);
		return true;
	}
	CHECK(!(mode & STATE_MODE_TRUNC));
	ret = e1000_core_save(&F.core, state_again, sizeof(state_again));
	CHECK((u32)ret == len);
	for (i = 32; i < len; i++)
		CHECK(state_dynamic(i) || state_blob[i] == state_again[i]);
	/* The counters are the blob's now. */
	F.irq_rises = F.core.cnt.irqs;
	cnt_before = F.core.cnt;
	return true;
}

static bool step(struct input *in)
{
	u8 op, b8, len;
	u16 w16;
	u32 v32;

	if (!take8(in, &op))
		return false;
	db_pull();
	switch (op % OP_COUNT) {
	case OP_WRITE:
		if (!take16(in, &w16) || !take32(in, &v32))
			return false;
		do_write((w16 * 4u) % E1000_MMIO_SIZE, v32);
		break;
	case OP_READ:
		if (!take16(in, &w16))
			return false;
		do_read((w16 * 4u) % E1000_MMIO_SIZE);
		break;
	case OP_MEM:
		if (!take16(in, &w16) || !take8(in, &len))
			return false;
		if (len > in->left)
			len = in->left;
		if (len > FAKE_MEM_SIZE - (w16 % FAKE_MEM_SIZE))
			len = FAKE_MEM_SIZE - (w16 % FAKE_MEM_SIZE);
		take(in, F.mem + (w16 % FAKE_MEM_SIZE), len);
		break;
	case OP_TIMER:
		if (!take8(in, &b8))
			return false;
		e1000_core_timer_expired(&F.core, b8 % (E1000_NTIMERS + 1));
		break;
	case OP_RAISE:
		if (!take32(in, &v32))
			return false;
		e1000_core_raise(&F.core, v32);
		break;
	case OP_RESET:
		e1000_core_reset(&F.core);
		break;
	case OP_DELAY:
		if (!take32(in, &v32))
			return false;
		F.core.delayed_causes |= v32 & (E1000_ICR_TXDW | E1000_ICR_RXT0);
		F.now += v32 & 0xFFFF;
		break;
	case OP_EEBIT:
		if (!take8(in, &b8))
			return false;
		do_eebit(b8);
		break;
	case OP_STAT:
		if (!take8(in, &b8) || !take32(in, &v32))
			return false;
		do_stat(b8, v32);
		break;
	case OP_MDIC:
		if (!take32(in, &v32))
			return false;
		do_write(E1000_MDIC, v32);
		break;
	case OP_IO:
		if (!take8(in, &b8) || !take32(in, &v32))
			return false;
		do_io(b8, v32);
		break;
	case OP_TX:
		if (!take8(in, &b8))
			return false;
		do_tx(b8);
		break;
	case OP_RX:
		if (!do_rx(in))
			return false;
		break;
	case OP_RX_GSO:
		if (!do_rx_gso(in))
			return false;
		break;
	case OP_STATE:
		if (!do_state(in))
			return false;
		break;
	case OP_BACKEND:
		if (!take8(in, &b8))
			return false;
		F.core.backend_gso = b8 & 1;
		/* Between passes: no frame is gathered in place now. */
		F.core.plat = (b8 & 0x80) ? &fake_platform_sg : &fake_platform;
		b8 &= 0x7f;
		F.busy_after = (b8 >> 1) ? (int)F.nframes + (b8 >> 1) - 1 : -1;
		break;
	case OP_DB_MAP:
		if (!take8(in, &b8))
			return false;
		do_db_map(b8);
		break;
	case OP_DB_STORE:
		if (!take16(in, &w16) || !take32(in, &v32))
			return false;
		do_db_store(w16, v32);
		return true;	/* the guest stores without our lock */
	case OP_CFG_READ:
		if (!take8(in, &b8) || !take8(in, &len))
			return false;
		e1000_pci_read(&pci, b8, len % 5,
			       e1000_core_irq_line(&F.core));
		break;
	case OP_CFG_WRITE:
		if (!take8(in, &b8) || !take8(in, &len) || !take32(in, &v32))
			return false;
		do_cfg_write(b8, len, v32);
		break;
	}
	db_push();
	return true;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };

	/* Both models, without spending an input byte on the choice. */
	enum e1000_model model = size & 1 ? E1000_MODEL_82545EM :
					    E1000_MODEL_82540EM;

	fake_init_model(&F, model);
	gso.len = 0;
	state_ops = 0;
	e1000_pci_init(&pci, model);
	memset(&intx, 0, sizeof(intx));
	memset(&db, 0, sizeof(db));
	memset(db_page, 0, sizeof(db_page));
	check_invariants(&F.core.cnt);
	for (;;) {
		cnt_before = F.core.cnt;
		if (!step(&in))
			break;
		check_invariants(&cnt_before);
		CHECK(!F.kick_bad && !F.timer_bad);
	}
	/* The full mask walk is slow: once per input. */
	check_stored_masks();
	return 0;
}
