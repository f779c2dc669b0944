// SPDX-License-Identifier: GPL-2.0
/* demerit.c - RMS horizontal distance between two empirical CDFs (see demerit.h). */
#include "sim/demerit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

static double *sorted_copy(const double *v, size_t n)
{
	double *c = malloc(n * sizeof(*c));
	if (!c)
		return NULL;
	memcpy(c, v, n * sizeof(*c));
	gsl_sort(c, 1, n);
	return c;
}

/* The inverse of the empirical CDF of sorted[0..n) at p in (0, 1): the smallest x with
 * F(x) >= p, i.e. the ceil(p*n)-th smallest value. */
static double quantile_step(const double *sorted, size_t n, double p)
{
	double k = ceil(p * (double)n);
	size_t i = k < 1 ? 0 : (size_t)k - 1;
	return sorted[i < n ? i : n - 1];
}

int demerit_compute_sorted(const double *m, size_t n_measured, const double *p,
			   size_t n_predicted, struct demerit *out)
{
	if (!n_measured || !n_predicted)
		return -1;
	double sum = 0;
	for (int i = 0; i < DEMERIT_QUANTILES; i++) {
		double q = (i + 0.5) / DEMERIT_QUANTILES;
		double d = quantile_step(m, n_measured, q) - quantile_step(p, n_predicted, q);
		sum += d * d;
	}
	out->rms = sqrt(sum / DEMERIT_QUANTILES);
	out->measured_mean = gsl_stats_mean(m, 1, n_measured);
	out->predicted_mean = gsl_stats_mean(p, 1, n_predicted);
	out->pct = out->measured_mean > 0 ? 100 * out->rms / out->measured_mean : 0;
	return 0;
}

int demerit_compute(const double *measured, size_t n_measured, const double *predicted,
		    size_t n_predicted, struct demerit *out)
{
	if (!n_measured || !n_predicted)
		return -1;
	double *m = sorted_copy(measured, n_measured);
	double *p = sorted_copy(predicted, n_predicted);
	int r = m && p ? demerit_compute_sorted(m, n_measured, p, n_predicted, out) : -1;
	free(m);
	free(p);
	return r;
}
