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
#define LATSTAT_SUB_BITS 5
#define LATSTAT_SUB (1u << LATSTAT_SUB_BITS)
#define LATSTAT_NBINS (64 * LATSTAT_SUB)

/* In the header so that latstat_add_ns inlines into the observer (a few calls per request);
 * touch the fields through these functions only. */
struct latstat {
	uint64_t bins[LATSTAT_NBINS];
	uint64_t count;
	double sum, min, max;
};

struct latstat *latstat_new(void);
void latstat_free(struct latstat *ls);
void latstat_add(struct latstat *ls, double ns);

/* Values below SUB ns get one bin each; above, the top SUB_BITS+1 bits choose the bin. */
static inline unsigned latstat_bin_of(uint64_t v)
{
	if (v < LATSTAT_SUB)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v); /* >= SUB_BITS */
	return (e - LATSTAT_SUB_BITS + 1) * LATSTAT_SUB +
	       (unsigned)((v >> (e - LATSTAT_SUB_BITS)) & (LATSTAT_SUB - 1));
}

/* Count sample ns (a double) in bin b: latstat_add and latstat_add_ns, which differ only in
 * how they find b. */
static inline void latstat_put(struct latstat *ls, unsigned b, double ns)
{
	ls->bins[b]++;
	ls->count++;
	ls->sum += ns;
	if (ns < ls->min)
		ls->min = ns;
	if (ns > ls->max)
		ls->max = ns;
}

/* latstat_add_ns of ns < 2^53 (the caller has tested it): the double is exact, and (uint64_t)
 * of it is ns again: latstat_add's sample. */
static inline void latstat_add_small(struct latstat *ls, uint64_t ns)
{
	latstat_put(ls, latstat_bin_of(ns), (double)(int64_t)ns);
}

/* latstat_add(ls, (double)ns), the same sample to the bit, without the double's conversions
 * (the simulator's latencies are integers). */
static inline void latstat_add_ns(struct latstat *ls, uint64_t ns)
{
	if (ns >> 53) {
		latstat_add(ls, (double)ns); /* not exact as a double: its rounding decides the bin */
		return;
	}
	latstat_add_small(ls, ns);
}
void latstat_result(const struct latstat *ls, struct sim_lat *out);
/* Fill 64 log2 buckets (bucket i: [2^i, 2^(i+1)) ns) for reports. */
void latstat_log2_hist(const struct latstat *ls, uint64_t out[64]);
/* Fill SIM_HIST_BINS quarter-octave buckets (sim_hist_lo) for reports; exact (the bins nest). */
void latstat_quarter_hist(const struct latstat *ls, uint64_t out[SIM_HIST_BINS]);

#endif
