// SPDX-License-Identifier: GPL-2.0
/* latstat.c - latency accumulators: log-linear bins counted per sample, percentiles through a GSL histogram. */
#include "sim/latstat.h"

#include <gsl/gsl_histogram.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Bins are log-linear (as HdrHistogram's): 32 linear sub-bins per power of two, so a bin is at
 * most 1/32 (3.1 %) of its value wide; index from the integer's leading bit, no logarithm on
 * the hot path. At the end the counts go into a gsl_histogram with these ranges, and the
 * percentiles are its inverse cumulative distribution (gsl_histogram_pdf_sample), clamped to
 * the exact minimum and maximum.
 */
#define SUB_BITS LATSTAT_SUB_BITS
#define SUB LATSTAT_SUB
#define NBINS LATSTAT_NBINS

struct latstat *latstat_new(void)
{
	struct latstat *ls = calloc(1, sizeof(*ls));

	if (ls)
		ls->min = INFINITY;
	return ls;
}

void latstat_free(struct latstat *ls)
{
	free(ls);
}

/* The lower edge of bin b (latstat_bin_of's inverse). */
static double bin_low(unsigned b)
{
	if (b < SUB)
		return (double)b;
	unsigned e = b / SUB - 1 + SUB_BITS, sub = b % SUB;
	return ldexp((double)(SUB + sub), (int)e - SUB_BITS);
}

void latstat_add(struct latstat *ls, double ns)
{
	uint64_t v = ns <= 0 ? 0 : ns >= 9.2e18 ? UINT64_MAX >> 1 : (uint64_t)ns;

	latstat_put(ls, latstat_bin_of(v), ns);
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void latstat_result(const struct latstat *ls, struct sim_lat *out)
{
	unsigned first = NBINS, last = 0;

	memset(out, 0, sizeof(*out));
	out->count = ls->count;
	if (!ls->count)
		return;
	out->mean_ns = ls->sum / (double)ls->count;
	out->max_ns = ls->max;
	if (ls->min == ls->max) {
		out->p50_ns = out->p90_ns = out->p99_ns = out->p999_ns = ls->max;
		return;
	}
	for (unsigned b = 0; b < NBINS; b++)
		if (ls->bins[b]) {
			if (first == NBINS)
				first = b;
			last = b;
		}
	/* a GSL histogram over the occupied bins, ranges = the bins' edges */
	size_t n = last - first + 1;
	gsl_histogram *h = gsl_histogram_alloc(n);
	gsl_histogram_pdf *pdf = gsl_histogram_pdf_alloc(n);
	double *ranges = malloc((n + 1) * sizeof(double));
	if (!h || !pdf || !ranges)
		goto out;
	for (size_t i = 0; i <= n; i++)
		ranges[i] = bin_low(first + (unsigned)i);
	gsl_histogram_set_ranges(h, ranges, n + 1);
	for (size_t i = 0; i < n; i++)
		if (ls->bins[first + i])
			gsl_histogram_accumulate(h, (ranges[i] + ranges[i + 1]) / 2, (double)ls->bins[first + i]);
	if (gsl_histogram_pdf_init(pdf, h))
		goto out;
	static const double q[] = {0.5, 0.9, 0.99, 0.999};
	double *dst[] = {&out->p50_ns, &out->p90_ns, &out->p99_ns, &out->p999_ns};
	for (int i = 0; i < 4; i++)
		*dst[i] = clamp(gsl_histogram_pdf_sample(pdf, q[i]), ls->min, ls->max);
out:
	free(ranges);
	gsl_histogram_pdf_free(pdf);
	gsl_histogram_free(h);
}

/* Quarter-octave bucket of a value (sim_hist_lo's inverse). */
static unsigned quarter_of(double v)
{
	if (v < 1)
		return 0;
	int e;
	double m = frexp(v, &e); /* v = m * 2^e, m in [0.5, 1) */
	unsigned b = (unsigned)(e - 1) * SIM_HIST_SUB + (unsigned)((2 * m - 1) * SIM_HIST_SUB);
	return b < SIM_HIST_BINS ? b : SIM_HIST_BINS - 1;
}

double sim_hist_lo(unsigned b)
{
	return ldexp(1.0 + (double)(b % SIM_HIST_SUB) / SIM_HIST_SUB, (int)(b / SIM_HIST_SUB));
}

void latstat_quarter_hist(const struct latstat *ls, uint64_t out[SIM_HIST_BINS])
{
	memset(out, 0, SIM_HIST_BINS * sizeof(uint64_t));
	/* every fine bin lies inside one quarter bucket: its lower edge says which */
	for (unsigned b = 0; b < NBINS; b++)
		if (ls->bins[b])
			out[quarter_of(bin_low(b))] += ls->bins[b];
}

void latstat_log2_hist(const struct latstat *ls, uint64_t out[64])
{
	memset(out, 0, 64 * sizeof(uint64_t));
	for (unsigned b = 0; b < NBINS; b++)
		if (ls->bins[b]) {
			double lo = bin_low(b);
			unsigned k = lo < 1 ? 0 : (unsigned)(63 - __builtin_clzll((uint64_t)lo));
			out[k] += ls->bins[b];
		}
}
