/* SPDX-License-Identifier: GPL-2.0 */
/* demerit.h - how far a predicted latency distribution is from a measured one.
 *
 * The demerit figure of Ruemmler and Wilkes ("An introduction to disk drive modeling", IEEE
 * Computer 27(3), 1994), the metric DiskSim validates its disk model by: the root-mean-square
 * horizontal distance between the measured and the predicted cumulative distribution functions,
 * sampled at DEMERIT_QUANTILES evenly spaced quantiles. Each empirical CDF is inverted as a step
 * function (the quantile at p is the ceil(p*n)-th smallest value), so the figure depends on the
 * two samples only, never on a histogram's bins. Units are the caller's (ms, us, ns): the result
 * is in the same unit. Used by `models replay` and `replay --predict`.
 */
#ifndef SSDCACHE_DEMERIT_H
#define SSDCACHE_DEMERIT_H

#include <stddef.h>

#define DEMERIT_QUANTILES 10000

struct demerit {
	double rms;           /* RMS horizontal distance between the CDFs, in the input unit */
	double pct;           /* rms as a percentage of measured_mean (0 when that mean is 0) */
	double measured_mean; /* mean of the measured sample */
	double predicted_mean;
};

/* Compare two samples (any order; neither array is modified; n_measured and n_predicted may
 * differ). Returns 0, or -1 when either sample is empty or memory runs out (out untouched). */
int demerit_compute(const double *measured, size_t n_measured, const double *predicted,
		    size_t n_predicted, struct demerit *out);

/* The same for samples already sorted in ascending order (no copy, no allocation; for callers
 * that sort once for other statistics too). Returns 0, or -1 when either sample is empty. */
int demerit_compute_sorted(const double *measured, size_t n_measured, const double *predicted,
			   size_t n_predicted, struct demerit *out);

#endif
