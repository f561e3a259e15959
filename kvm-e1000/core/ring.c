// SPDX-License-Identifier: GPL-2.0
/*
 * What the TX and RX engines share: the snapshot of a descriptor ring's
 * registers at begin() and the per-frame statistics a pass gathers for
 * end() to publish.
 */
#include "core_internal.h"
#include "offload.h"

/*
 * A poller finds bad ring registers on every pass until the guest writes
 * them again: count the guest's error once, not once per look.
 */
static void ring_refused(struct e1000_core *core, u32 len_reg,
			 const struct e1000_ring_pass *r, u32 bytes)
{
	struct e1000_ring_refusal *last =
		&core->refused[len_reg == E1000_RDLEN];
	struct e1000_ring_refusal now = {
		.set = 1, .gen = r->gen,
		.len = bytes, .head = r->head, .tail = r->tail,
	};

	if (!memcmp(last, &now, sizeof(now)))
		return;
	*last = now;
	core->cnt.desc_errors++;
}

bool e1000_ring_snapshot(struct e1000_core *core, struct e1000_ring_pass *r,
			 u32 bal, u32 bah, u32 len, u32 head, u32 tail)
{
	u32 bytes = e1000_reg(core, len);

	memset(r, 0, sizeof(*r));
	r->base = (u64)e1000_reg(core, bah) << 32 | e1000_reg(core, bal);
	r->size = bytes / E1000_DESC_SIZE;
	r->head = e1000_reg(core, head);
	r->tail = e1000_reg(core, tail);
	r->gen = core->ring_gen;
	r->pass_gen = core->pass_gen;
	/*
	 * The register masks already keep TDLEN/RDLEN a multiple of 128, so
	 * only an empty ring or an index past its end is left to refuse.
	 */
	/* A ring that runs past 2^64 would wrap into guest page 0. */
	if (!bytes || bytes % E1000_RING_ALIGN || r->head >= r->size ||
	    r->tail >= r->size || r->base + bytes < r->base) {
		ring_refused(core, len, r, bytes);
		return false;
	}
	return true;
}

/* Upper bounds of PRC64/PTC64 .. PRC1522/PTC1522, FCS included. */
static const u32 e1000_bin_max[E1000_SIZE_BINS] = {
	64, 127, 255, 511, 1023, 1522
};

/* Count @n frames of @len bytes (FCS not included) sent to @dst. */
void e1000_pass_count(struct e1000_ring_pass *r, const u8 *dst, u32 len,
		      u32 n)
{
	u32 wire = len + E1000_ETH_FCS_LEN;
	unsigned int i;

	r->frames += n;
	r->bytes += (u64)wire * n;
	for (i = 0; i < E1000_SIZE_BINS; i++) {
		if (wire <= e1000_bin_max[i]) {
			r->bins[i] += n;
			break;
		}
	}
	if (!(dst[0] & 1))
		return;
	if (!memcmp(dst, "\xff\xff\xff\xff\xff\xff", E1000_ETH_ALEN))
		r->bcast += n;
	else
		r->mcast += n;
}

void e1000_core_stat_bins(struct e1000_core *core, u32 first_bin_off,
			  const struct e1000_ring_pass *r)
{
	unsigned int i;

	for (i = 0; i < E1000_SIZE_BINS; i++)
		e1000_core_stat_add(core, first_bin_off + 4 * i, r->bins[i]);
}
