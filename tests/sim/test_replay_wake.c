// SPDX-License-Identifier: GPL-2.0
/* test_replay_wake.c - the replay's wake-up margin settles at the lateness quantile, bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/replay_wake.h"
#include "tests/lib/test_main.h"

/* Feed n wake-ups whose lateness is exponential of mean mean_ns; the margin at the end. */
static double feed(double margin, double mean_ns, int n, unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	gsl_rng_set(r, seed);
	for (int i = 0; i < n; i++)
		margin = rwake_update(margin, (uint64_t)gsl_ran_exponential(r, mean_ns));
	gsl_rng_free(r);
	return margin;
}

static void test_settles_at_quantile(void **state)
{
	(void)state;
	/* exponential lateness of mean 20 us: the 99.5 % quantile is 20 us x ln(200) = 106 us */
	double m = feed(RWAKE_MIN_NS, 20000, 200000, 1);
	assert_true(m > 80000 && m < 140000);
	/* from the top too */
	m = feed(RWAKE_MAX_NS, 20000, 200000, 2);
	assert_true(m > 80000 && m < 140000);
}

static void test_bounds(void **state)
{
	(void)state;
	/* an idle machine: never below the minimum */
	assert_true(feed(RWAKE_MIN_NS, 100, 10000, 3) == RWAKE_MIN_NS);
	/* always very late: never above the maximum */
	assert_true(feed(RWAKE_MIN_NS, 5e6, 10000, 4) == RWAKE_MAX_NS);
	/* one late wake-up raises the margin by one step, an on-time one lowers it a little */
	assert_true(rwake_update(100000, 200000) > 100000 + RWAKE_STEP_NS * 0.9);
	assert_true(rwake_update(100000, 0) < 100000 && rwake_update(100000, 0) > 99000);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_settles_at_quantile), cmocka_unit_test(test_bounds))
