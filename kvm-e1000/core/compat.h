/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the device core needs from its environment, for the kernel and for
 * userspace builds alike.  Only types, byte order and memory helpers: the
 * core must not depend on anything that differs in meaning between the two.
 */
#ifndef KVM_E1000_COMPAT_H
#define KVM_E1000_COMPAT_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/bits.h>
#include <asm/byteorder.h>
#include <linux/atomic.h>
#include <linux/compiler.h>
#include <linux/build_bug.h>
#else
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <endian.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;

#ifndef BIT
#define BIT(n)			(1UL << (n))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#endif
#define cpu_to_le16(x)		htole16(x)
#define cpu_to_le32(x)		htole32(x)
#define cpu_to_le64(x)		htole64(x)
#define le16_to_cpu(x)		le16toh(x)
#define le32_to_cpu(x)		le32toh(x)
#define le64_to_cpu(x)		le64toh(x)
#endif /* __KERNEL__ */

/* Words shared with a guest that writes them without our lock. */
#ifdef __KERNEL__
#define e1000_db_load(p)		READ_ONCE(*(p))
#define e1000_db_store(p, v)		WRITE_ONCE(*(p), (v))
#define e1000_db_cmpxchg(p, old, new)	cmpxchg((p), (old), (new))
#else
#define e1000_db_load(p)		__atomic_load_n((p), __ATOMIC_RELAXED)
#define e1000_db_store(p, v)		__atomic_store_n((p), (v), __ATOMIC_RELAXED)
static inline u32 e1000_db_cmpxchg(u32 *p, u32 old, u32 new)
{
	__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}
#endif

#endif /* KVM_E1000_COMPAT_H */
