// SPDX-License-Identifier: GPL-2.0
/* test_bitmap.c - engine/internal.h's range bitmaps against a bit-at-a-time reference, for
 * every range [lo, hi) of a 256-bit map (the seed's largest block) on patterns that set and
 * clear single bits at word edges: the one-word path and the multi-word walk. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "engine/internal.h"

#define NBITS 256
#define NW (NBITS / 64)

static bool bit(const uint64_t *bm, unsigned i)
{
	return (bm[i / 64] >> (i % 64)) & 1;
}

/* the patterns: empty, full, alternating, single bits at 0, 63, 64, 255 and their complements */
static void pattern(unsigned p, uint64_t *bm)
{
	static const unsigned one[] = {0, 63, 64, 127, 128, 255};
	const unsigned nsingle = sizeof(one) / sizeof(one[0]);

	memset(bm, 0, NW * sizeof(*bm));
	if (p == 1 || p >= 3 + nsingle)
		memset(bm, 0xff, NW * sizeof(*bm));
	if (p == 2)
		for (unsigned w = 0; w < NW; w++)
			bm[w] = 0x5555555555555555ULL;
	if (p >= 3 && p < 3 + 2 * nsingle)
		bm[one[(p - 3) % nsingle] / 64] ^= 1ULL << (one[(p - 3) % nsingle] % 64);
}
#define NPATTERNS (3 + 2 * 6)

/* bm_any and bm_all of [lo, hi) on pattern p's map bm, against the bits one by one. */
static void check_query(const uint64_t *bm, unsigned p, unsigned lo, unsigned hi)
{
	bool any = false, all = true;

	for (unsigned i = lo; i < hi; i++) {
		any |= bit(bm, i);
		all &= bit(bm, i);
	}
	if (bm_any(bm, lo, hi) != any || bm_all(bm, lo, hi) != all)
		fail_msg("pattern %u [%u, %u): any %d all %d, expected %d %d", p, lo, hi,
			 bm_any(bm, lo, hi), bm_all(bm, lo, hi), any, all);
}

static void test_queries(void **state)
{
	uint64_t bm[NW];

	(void)state;
	for (unsigned p = 0; p < NPATTERNS; p++) {
		pattern(p, bm);
		for (unsigned lo = 0; lo <= NBITS; lo++)
			for (unsigned hi = lo; hi <= NBITS; hi++)
				check_query(bm, p, lo, hi);
		for (unsigned n = 0; n <= NBITS; n++) {
			bool full = true;

			for (unsigned i = 0; i < n; i++)
				full &= bit(bm, i);
			assert_int_equal(bm_full(bm, n), full);
		}
		bool empty = true;
		for (unsigned i = 0; i < NBITS; i++)
			empty &= !bit(bm, i);
		assert_int_equal(bm_empty(bm, NW), empty);
	}
}

/* Pattern p with [lo, hi) set (or cleared): those bits changed, no other. */
static void check_edit(uint64_t *bm, unsigned p, unsigned lo, unsigned hi, bool set)
{
	uint64_t before[NW];

	pattern(p, bm);
	memcpy(before, bm, sizeof(before));
	if (set)
		bm_set(bm, lo, hi);
	else
		bm_clear(bm, lo, hi);
	for (unsigned i = 0; i < NBITS; i++) {
		bool want = i >= lo && i < hi ? set : bit(before, i);

		if (bit(bm, i) != want)
			fail_msg("pattern %u %s [%u, %u): bit %u is %d", p,
				 set ? "set" : "clear", lo, hi, i, !want);
	}
}

static void test_edits(void **state)
{
	uint64_t bm[NW];

	(void)state;
	for (unsigned p = 0; p < NPATTERNS; p++)
		for (unsigned lo = 0; lo <= NBITS; lo++)
			for (unsigned hi = lo; hi <= NBITS; hi++)
				for (int set = 0; set < 2; set++)
					check_edit(bm, p, lo, hi, set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_edits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
