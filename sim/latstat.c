// SPDX-License-Identifier: GPL-2.0
/* latstat.c - latency accumulators on GSL histograms (gsl_histogram, gsl_histogram_pdf). */
#include "sim/latstat.h"

#include <gsl/gsl_histogram.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LS_DECADES 13
#define LS_PER_DECADE 50
#define LS_BINS (LS_DECADES * LS_PER_DECADE)

struct latstat {
	gsl_histogram *h; /* over log10(ns) */
	uint64_t count;
	double sum, min, max;
	uint64_t log2[64];
};

struct latstat *latstat_new(void)
{
	struct latstat *ls = calloc(1, sizeof(*ls));

	if (!ls)
		return NULL;
	ls->h = gsl_histogram_alloc(LS_BINS);
	if (!ls->h) {
		free(ls);
		return NULL;
	}
	gsl_histogram_set_ranges_uniform(ls->h, 0.0, (double)LS_DECADES);
	ls->min = INFINITY;
	return ls;
}

void latstat_free(struct latstat *ls)
{
	if (!ls)
		return;
	gsl_histogram_free(ls->h);
	free(ls);
}

void latstat_add(struct latstat *ls, double ns)
{
	double x = ns < 1.0 ? 0.0 : log10(ns);

	if (x >= LS_DECADES)
		x = LS_DECADES - 1e-9;
	gsl_histogram_increment(ls->h, x);
	ls->count++;
	ls->sum += ns;
	if (ns < ls->min)
		ls->min = ns;
	if (ns > ls->max)
		ls->max = ns;
	uint64_t v = ns < 1.0 ? 1 : ns >= 9.2e18 ? UINT64_MAX : (uint64_t)ns;
	ls->log2[63 - __builtin_clzll(v)]++;
}

uint64_t latstat_count(const struct latstat *ls)
{
	return ls->count;
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void latstat_result(const struct latstat *ls, struct sim_lat *out)
{
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
	gsl_histogram_pdf *pdf = gsl_histogram_pdf_alloc(LS_BINS);
	if (!pdf || gsl_histogram_pdf_init(pdf, ls->h)) {
		gsl_histogram_pdf_free(pdf);
		return;
	}
	static const double q[] = {0.5, 0.9, 0.99, 0.999};
	double *dst[] = {&out->p50_ns, &out->p90_ns, &out->p99_ns, &out->p999_ns};
	for (int i = 0; i < 4; i++)
		*dst[i] = clamp(pow(10.0, gsl_histogram_pdf_sample(pdf, q[i])), ls->min, ls->max);
	gsl_histogram_pdf_free(pdf);
}

void latstat_log2_hist(const struct latstat *ls, uint64_t out[64])
{
	memcpy(out, ls->log2, sizeof(ls->log2));
}
