// SPDX-License-Identifier: GPL-2.0
/* test_demerit.c - the demerit figure against values worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdbool.h>

#include "sim/demerit.h"
#include "tests/lib/test_main.h"

/* Compute (sorted: the entry that takes sorted input); rms to within 1e-12, pct to within tol. */
static struct demerit check(bool sorted, const double *m, size_t nm, const double *p, size_t np,
			    double rms, double pct, double tol)
{
	struct demerit d;

	assert_int_equal((sorted ? demerit_compute_sorted : demerit_compute)(m, nm, p, np, &d), 0);
	assert_true(fabs(d.rms - rms) < 1e-12);
	assert_true(fabs(d.pct - pct) < tol);
	return d;
}

/* Identical samples, in any order: no distance. */
static void test_same_sample_is_zero(void **state)
{
	double a[] = {3, 1, 2, 5, 4}, b[] = {5, 4, 3, 2, 1};
	struct demerit d;
	(void)state;
	assert_int_equal(demerit_compute(a, 5, b, 5, &d), 0);
	assert_true(d.rms == 0 && d.pct == 0);
	assert_true(d.measured_mean == 3 && d.predicted_mean == 3);
}

/* A prediction shifted by a constant c is c away at every quantile: rms = c.
 * Measured {10, 20, 30, 40}, mean 25; predicted each + 2.5: rms 2.5, 10 % of the mean. */
static void test_shift_is_the_shift(void **state)
{
	double m[] = {10, 20, 30, 40}, p[] = {12.5, 22.5, 32.5, 42.5};
	(void)state;
	check(false, m, 4, p, 4, 2.5, 10.0, 1e-12);
}

/* Different sizes, worked by hand. Measured {1, 3} (median split at p = 0.5), predicted
 * {1, 1, 1, 5}: for p <= 0.5 both quantiles are 1 (distance 0); for 0.5 < p <= 0.75 measured
 * 3, predicted 1 (distance 2); for p > 0.75 measured 3, predicted 5 (distance 2). So half the
 * quantiles are 2 away: rms = sqrt(0.5 * 4) = sqrt(2); measured mean 2, so 70.71 %. */
static void test_unequal_sizes(void **state)
{
	double m[] = {3, 1}, p[] = {1, 5, 1, 1};
	(void)state;
	assert_true(check(false, m, 2, p, 4, sqrt(2.0), 100 * sqrt(2.0) / 2, 1e-9).predicted_mean == 2);
}

static void test_empty_is_refused(void **state)
{
	double a[] = {1};
	struct demerit d = {.rms = -7};
	(void)state;
	assert_int_equal(demerit_compute(a, 0, a, 1, &d), -1);
	assert_int_equal(demerit_compute(a, 1, a, 0, &d), -1);
	assert_true(d.rms == -7);
}

/* The sorted-input entry gives the same figures as the one that sorts (the hand-worked case). */
static void test_sorted_entry(void **state)
{
	double m[] = {1, 3}, p[] = {1, 1, 1, 5};
	struct demerit d;
	(void)state;
	check(true, m, 2, p, 4, sqrt(2.0), 100 * sqrt(2.0) / 2, 1e-9);
	assert_int_equal(demerit_compute_sorted(m, 0, p, 4, &d), -1);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_same_sample_is_zero),
	  cmocka_unit_test(test_shift_is_the_shift), cmocka_unit_test(test_unequal_sizes),
	  cmocka_unit_test(test_empty_is_refused), cmocka_unit_test(test_sorted_entry))
