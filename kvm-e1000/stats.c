// SPDX-License-Identifier: GPL-2.0
/*
 * A device's counters for userspace, both ways generated from the one
 * table in stats.h: the struct of KVM_E1000_GET_STATS (which an mdev also
 * keeps from its last session) and the mdev's sysfs "stats" file.
 */
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "glue.h"

/* Each counter's place in the table. */
enum {
#define KVM_E1000_STAT(field, value) KVM_E1000_STAT_##field,
#include "stats.h"
	KVM_E1000_NSTATS
};

/*
 * The table is the uapi struct, field for field: entry i is the __u64 at
 * bytes i * 8 to i * 8 + 7 (checked where the sysfs lines rely on it), and
 * the reserved tail starts right after the last entry.  A uapi field with
 * no line in the table, or out of its order, breaks the build.
 */
static_assert(KVM_E1000_NSTATS * sizeof(__u64) ==
	      offsetof(struct kvm_e1000_stats, reserved));

static const char *const stat_names[KVM_E1000_NSTATS] = {
#define KVM_E1000_STAT(field, value)					\
	[KVM_E1000_STAT_##field] = #field,
#include "stats.h"
};

void kvm_e1000_get_stats(struct kvm_e1000 *e, struct kvm_e1000_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&e->lock, flags);
	*st = (struct kvm_e1000_stats){
#define KVM_E1000_STAT(field, value) .field = value,
#include "stats.h"
	};
	spin_unlock_irqrestore(&e->lock, flags);
}

/* One "name value" line per counter, in the uapi struct's order. */
int kvm_e1000_stats_emit(char *buf, const struct kvm_e1000_stats *st)
{
	const __u64 *v = (const __u64 *)st;
	unsigned int i;
	int n = 0;

	/* Counter i is v[i]: its field starts at byte i * 8 ... */
#define KVM_E1000_STAT(field, value)					\
	{ static_assert(offsetof(struct kvm_e1000_stats, field) ==	\
			KVM_E1000_STAT_##field * sizeof(__u64)); }
#include "stats.h"
	/* ... and is 8 bytes long. */
#define KVM_E1000_STAT(field, value)					\
	{ static_assert(offsetofend(struct kvm_e1000_stats, field) ==	\
			(KVM_E1000_STAT_##field + 1) * sizeof(__u64)); }
#include "stats.h"
	for (i = 0; i < KVM_E1000_NSTATS; i++)
		n += sysfs_emit_at(buf, n, "%s %llu\n", stat_names[i],
				   (unsigned long long)v[i]);
	return n;
}
