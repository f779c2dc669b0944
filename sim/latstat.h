/* SPDX-License-Identifier: GPL-2.0 */
/* latstat.h - latency accumulators: exact count/mean/max, percentiles from a GSL histogram. */
#ifndef SSDCACHE_LATSTAT_H
#define SSDCACHE_LATSTAT_H

#include <stdint.h>

#include "sim/sim.h"

/*
 * Bins are log-linear, 32 per power of two (percentiles within 3.2 %); a percentile is the
 * inverse of the cumulative distribution of a GSL histogram built from them (gsl_histogram_pdf),
 * clamped to the exact minimum and maximum. Memory is fixed (16 KiB); adding a sample is O(1).
 */
struct latstat;

struct latstat *latstat_new(void);
void latstat_free(struct latstat *ls);
void latstat_add(struct latstat *ls, double ns);
/* latstat_add(ls, (double)ns), the same sample to the bit, without the double's conversions
 * (the simulator's latencies are integers). */
void latstat_add_ns(struct latstat *ls, uint64_t ns);
void latstat_result(const struct latstat *ls, struct sim_lat *out);
/* Fill 64 log2 buckets (bucket i: [2^i, 2^(i+1)) ns) for reports. */
void latstat_log2_hist(const struct latstat *ls, uint64_t out[64]);
/* Fill SIM_HIST_BINS quarter-octave buckets (sim_hist_lo) for reports; exact (the bins nest). */
void latstat_quarter_hist(const struct latstat *ls, uint64_t out[SIM_HIST_BINS]);

#endif
