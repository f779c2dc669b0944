// SPDX-License-Identifier: GPL-2.0
/* test_mru.c - mru on the workload it is for: a loop over more blocks than the cache holds. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "engine/engine.h"
#include "policies/policy.h"
#include "tests/lib/simtest.h"
#include "tests/lib/cm_main.h"

/*
 * One cmd of 16 slots (64 KiB of 4 KiB blocks, assoc 1; --quirks fixed, so reads allocate and
 * evict, Q1), zero-latency devices, reads 10 ms apart. The loop reads blocks 0..19, three
 * times. Derivation:
 *   lru  pass 1 fills 0..15 and 16..19 evict 0..3; on pass 2 each block was evicted just
 *        before it comes round (0 evicts 4, 1 evicts 5, ...): no hit after the first pass.
 *   mru  the newest block is the victim. Pass 1: 16 evicts 15, 17 evicts 16, ..., so the cache
 *        ends with 0..14 and 19. Pass 2: 0..14 hit (each hit makes it the newest), 15 evicts
 *        14, 16 evicts 15, 17 evicts 16, 18 evicts 17, 19 hits: HHHHHHHHHHHHHHHMMMMH (16).
 *        Pass 3 from {0..13, 18, 19}: 0..13 hit, 14..17 miss, 18 and 19 hit (16). 32 hits in
 *        all, and blocks 0..13 hit on every pass after the first. (A read hit on a clean block
 *        is logged READ_CLEAN.)
 */
enum { LOOP = 20, PASSES = 3 };

static unsigned loop_hits(struct simtest *st, const char *policy, unsigned *first_pass_hits)
{
	char out[64];
	unsigned hits = 0;

	st_init(st, 64 << 10, 0, 0, 0, 0, NULL);
	st->cfg.engine.fixed = quirks_all_fixes();
	assert_int_equal(st_table(st, "blocksize 8 assoc 1 writethrough"), 0);
	st->cfg.engine.policy = pol_find(policy);
	assert_non_null(st->cfg.engine.policy);
	for (unsigned p = 0, t = 0; p < PASSES; p++)
		for (unsigned b = 0; b < LOOP; b++, t += 10)
			st_q(st, MS(t), "R", (uint64_t)b * 8, 8);
	RUN_OK(st);
	*first_pass_hits = 0;
	for (unsigned n = 0; n < LOOP * PASSES; n++) {
		bool hit = !strcmp(st_outcome(st, n, out, sizeof(out)), "READ_CLEAN");
		hits += hit;
		if (n < LOOP)
			*first_pass_hits += hit;
		/* mru keeps the loop's old blocks: 0..13 hit on every later pass */
		if (!strcmp(policy, "mru") && n >= LOOP && n % LOOP < 14 && !hit)
			fail_msg("mru: block %u of pass %u missed (%s)\n%s", n % LOOP, n / LOOP + 1, out,
				 st->log);
	}
	return hits;
}

static void test_mru_keeps_the_loop(void **state)
{
	struct simtest *st = *state;
	unsigned first;

	assert_int_equal(loop_hits(st, "mru", &first), 32);
	assert_int_equal(first, 0);
}

static void test_lru_thrashes_on_the_same_loop(void **state)
{
	struct simtest *st = *state;
	unsigned first;

	assert_int_equal(loop_hits(st, "lru", &first), 0);
}

/* The victim hook alone: the newest atime wins, equal times go to the later candidate, and
 * the comparison wraps with jiffies. */
static void test_victim_hook(void **state)
{
	const struct pol_ops *m = pol_find("mru");
	struct pol p = {m, NULL};
	pol_slot slot[4] = {0, 1, 2, 3};
	unsigned long atime[4] = {10, 30, 20, 30}, count[4] = {1, 1, 1, 1};
	struct pol_cands c = {4, 40, slot, atime, count};
	struct pol_access a = {.now = 40};

	(void)state;
	assert_non_null(m);
	assert_int_equal(m->victim(&p, &c, &a), 3);
	atime[3] = 25;
	assert_int_equal(m->victim(&p, &c, &a), 1);
	atime[0] = (unsigned long)-5, atime[1] = 3, atime[2] = 1, atime[3] = 2; /* across the wrap */
	assert_int_equal(m->victim(&p, &c, &a), 1);
}

CM_MAIN(ST_TEST(test_mru_keeps_the_loop), ST_TEST(test_lru_thrashes_on_the_same_loop),
	UT(test_victim_hook));
