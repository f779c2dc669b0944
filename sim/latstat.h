/* SPDX-License-Identifier: GPL-2.0 */
/* latstat.h - latency accumulators: exact count/mean/max, percentiles from a GSL histogram. */
#ifndef SSDCACHE_LATSTAT_H
#define SSDCACHE_LATSTAT_H

#include <stdint.h>

#include "sim/sim.h"

/*
 * Bins are logarithmic, 50 per decade from 1 ns to 10^13 ns (percentiles within ~2.3 %), and
 * a percentile is the inverse of the histogram's cumulative distribution (gsl_histogram_pdf),
 * clamped to the exact minimum and maximum. Memory is fixed; adding a sample is O(log bins).
 */
struct latstat;

struct latstat *latstat_new(void);
void latstat_free(struct latstat *ls);
void latstat_add(struct latstat *ls, double ns);
void latstat_result(const struct latstat *ls, struct sim_lat *out);
uint64_t latstat_count(const struct latstat *ls);
/* Fill 64 log2 buckets (bucket i: [2^i, 2^(i+1)) ns) for reports. */
void latstat_log2_hist(const struct latstat *ls, uint64_t out[64]);

#endif
