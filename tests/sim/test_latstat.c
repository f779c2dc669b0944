// SPDX-License-Identifier: GPL-2.0
/* test_latstat.c - latency percentiles: exact where the data allow it, within a bin's width elsewhere. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>

#include "sim/latstat.h"
#include "tests/lib/test_main.h"

static void near(double got, double want, double rel)
{
	if (fabs(got - want) > rel * want)
		fail_msg("got %.1f, want %.1f (+-%.1f %%)", got, want, 100 * rel);
}

static void test_constant_is_exact(void **state)
{
	struct latstat *ls = latstat_new();
	struct sim_lat r;
	(void)state;
	for (int i = 0; i < 1000; i++)
		latstat_add(ls, 100033);
	latstat_result(ls, &r);
	assert_int_equal(r.count, 1000);
	assert_true(r.mean_ns == 100033 && r.p50_ns == 100033 && r.p999_ns == 100033 && r.max_ns == 100033);
	latstat_free(ls);
}

static void test_uniform(void **state)
{
	struct latstat *ls = latstat_new();
	struct sim_lat r;
	(void)state;
	for (int i = 1; i <= 1000000; i++)
		latstat_add(ls, (double)i);
	latstat_result(ls, &r);
	near(r.mean_ns, 500000.5, 1e-9);
	near(r.p50_ns, 500000, 0.032);
	near(r.p90_ns, 900000, 0.032);
	near(r.p99_ns, 990000, 0.032);
	near(r.p999_ns, 999000, 0.032);
	assert_true(r.max_ns == 1000000);
	latstat_free(ls);
}

static void test_bimodal_tail(void **state)
{
	struct latstat *ls = latstat_new();
	struct sim_lat r;
	uint64_t h[64], sum = 0;
	(void)state;
	for (int i = 0; i < 990; i++)
		latstat_add(ls, 100e3);  /* cache hits */
	for (int i = 0; i < 10; i++)
		latstat_add(ls, 5e6);    /* disk */
	latstat_result(ls, &r);
	near(r.p50_ns, 100e3, 0.032);
	near(r.p90_ns, 100e3, 0.032);
	near(r.p999_ns, 5e6, 0.032);
	latstat_log2_hist(ls, h);
	for (int i = 0; i < 64; i++)
		sum += h[i];
	assert_int_equal(sum, 1000);
	assert_int_equal(h[16], 990); /* 100 us in [2^16, 2^17) ns */
	assert_int_equal(h[22], 10);  /* 5 ms in [2^22, 2^23) ns */
	/* quarter-octave buckets: 100 us in [2^16 * 1.5, 2^16 * 1.75), 5 ms in [2^22, 2^22 * 1.25) */
	uint64_t q[SIM_HIST_BINS];
	latstat_quarter_hist(ls, q);
	assert_int_equal(q[66], 990);
	assert_int_equal(q[88], 10);
	assert_true(sim_hist_lo(66) <= 100e3 && 100e3 < sim_hist_lo(67));
	assert_true(sim_hist_lo(88) <= 5e6 && 5e6 < sim_hist_lo(89));
	latstat_free(ls);
}

static void test_empty_and_tiny(void **state)
{
	struct latstat *ls = latstat_new();
	struct sim_lat r;
	(void)state;
	latstat_result(ls, &r);
	assert_int_equal(r.count, 0);
	latstat_add(ls, 0);
	latstat_add(ls, 3);
	latstat_result(ls, &r);
	assert_true(r.p50_ns >= 0 && r.p50_ns <= 3 && r.max_ns == 3);
	latstat_free(ls);
}

/* latstat_add_ns(x) is latstat_add((double)x) to the bit: bins, sum, extremes, percentiles,
 * also where the double rounds (above 2^53, next to a power of two) and at the clamp. */
static void test_integer_add_is_the_double_add(void **state)
{
	static const uint64_t v[] = {0, 1, 31, 32, 33, 1000, 100033, 5000000, (1ULL << 53) - 1,
				     1ULL << 53, (1ULL << 53) + 1, (1ULL << 60) - 1, 9200000000000000000ULL,
				     UINT64_MAX};
	uint64_t h1[64], h2[64], q1[SIM_HIST_BINS], q2[SIM_HIST_BINS];
	struct sim_lat a, b;
	(void)state;
	for (size_t n = 1; n <= sizeof(v) / sizeof(v[0]); n++) {
		struct latstat *x = latstat_new(), *y = latstat_new();
		for (size_t i = 0; i < n; i++) {
			latstat_add(x, (double)v[i]);
			latstat_add_ns(y, v[i]);
		}
		latstat_result(x, &a);
		latstat_result(y, &b);
		assert_memory_equal(&a, &b, sizeof(a));
		latstat_log2_hist(x, h1);
		latstat_log2_hist(y, h2);
		assert_memory_equal(h1, h2, sizeof(h1));
		latstat_quarter_hist(x, q1);
		latstat_quarter_hist(y, q2);
		assert_memory_equal(q1, q2, sizeof(q1));
		latstat_free(x);
		latstat_free(y);
	}
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_constant_is_exact), cmocka_unit_test(test_uniform),
	  cmocka_unit_test(test_bimodal_tail), cmocka_unit_test(test_empty_and_tiny),
	  cmocka_unit_test(test_integer_add_is_the_double_add))
