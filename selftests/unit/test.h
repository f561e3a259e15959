/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the unit test files: the fake, the checks, the test table. */
#ifndef E1000_UNIT_TEST_H
#define E1000_UNIT_TEST_H

#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>

#include "core_internal.h"
#include "fake_platform.h"

extern struct fake F;
extern int cur_fail;

#define EXPECT(cond) expect_true(__LINE__, #cond, (cond))
#define EXPECT_EQ(a, b) expect_eq(__LINE__, #a, (u64)(a), (u64)(b))

void expect_true(int line, const char *what, bool ok);
void expect_eq(int line, const char *what, u64 got, u64 want);
u32 rd(u32 off);
void wr(u32 off, u32 val);

struct test {
	const char *name;
	void (*fn)(void);
};

/* test_datapath.c */
extern const struct test datapath_tests[];
extern const unsigned int n_datapath_tests;

/* test_datapath.c: helpers for test_state.c */
enum dp_busy {
	DP_BUSY_GSO,		/* a TSO frame as GSO, refused by the backend */
	DP_BUSY_SOFT_TSO,	/* IPv6 TSO cut here, busy after 4 segments */
	DP_BUSY_GATHER,		/* a frame with 2 of its 3 buffers gathered */
	DP_BUSY_VLAN,		/* a tagged, checksummed frame, refused */
	DP_BUSY_COUNT,
};

void dp_busy_device(enum dp_busy what);
bool dp_tx_pass(u32 budget);

/* test_state.c */
extern const struct test state_tests[];
extern const unsigned int n_state_tests;

/* test_pci.c */
extern const struct test pci_tests[];
extern const unsigned int n_pci_tests;

#endif /* E1000_UNIT_TEST_H */
