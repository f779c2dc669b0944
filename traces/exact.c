// SPDX-License-Identifier: GPL-2.0
/* exact.c - exact nearest-rank percentiles: linear-time selection over arrays, or from counts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "traces/exact.h"


/*
 * Percentiles are exact: pNN is the value of rank ceil(NN/100 * n) among the n values sorted
 * (the nearest-rank definition), so it is always a value the trace holds and it lies in the
 * histogram bin where the cumulative share printed below it reaches NN %. Request sizes have
 * few distinct values: they are counted exactly in a small hash map. Inter-arrival times and
 * latencies are kept in arrays (8 bytes per request) and selected at the end in O(n).
 */

const uint64_t exact_q_milli[EXACT_NQ] = {500, 900, 990};

void u64vec_grow(struct u64vec *a)
{
	size_t cap = a->cap ? a->cap * 2 : 4096;
	uint64_t *v = realloc(a->v, cap * sizeof(*v));
	if (!v) {
		a->oom = true;
		return;
	}
	a->v = v;
	a->cap = cap;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Put the element of rank k (0-based) of v[lo..hi) at v[k], smaller ones before it, larger
 * ones after. Three-way partitions (inter-arrival times repeat a lot: equal keys must not
 * make it quadratic); past a depth budget the rest is sorted, so the worst case is n log n. */
static void select_rank(uint64_t *v, size_t lo, size_t hi, size_t k)
{
	unsigned budget = 64;

	while (hi - lo > 16) {
		if (!budget--) {
			qsort(v + lo, hi - lo, sizeof(*v), cmp_u64);
			return;
		}
		uint64_t a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi - 1];
		uint64_t p = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
		size_t lt = lo, i = lo, gt = hi;
		while (i < gt) {
			uint64_t x = v[i];
			if (x < p) {
				v[i++] = v[lt];
				v[lt++] = x;
			} else if (x > p) {
				v[i] = v[--gt];
				v[gt] = x;
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return; /* v[lt..gt) all equal the pivot */
	}
	qsort(v + lo, hi - lo, sizeof(*v), cmp_u64);
}

/* 1-based nearest rank of quantile q/1000 among n values. */
uint64_t rank_of(uint64_t n, uint64_t q_milli)
{
	uint64_t k = (n / 1000) * q_milli + ((n % 1000) * q_milli + 999) / 1000;
	return k ? k : 1;
}

bool vec_summary(struct u64vec *a, struct exact *e)
{
	memset(e, 0, sizeof(*e));
	if (!a->n || a->oom)
		return false;
	e->n = a->n;
	size_t lo = 0;
	for (int i = 0; i < EXACT_NQ; i++) {
		size_t k = (size_t)rank_of(a->n, exact_q_milli[i]) - 1;
		if (k >= lo)
			select_rank(a->v, lo, a->n, k);
		e->q[i] = a->v[k];
		lo = k + 1; /* everything after k is >= v[k] */
	}
	double sum = 0, sq = 0;
	e->min = e->max = a->v[0];
	for (size_t i = 0; i < a->n; i++) {
		uint64_t x = a->v[i];
		sum += (double)x;
		if (x < e->min)
			e->min = x;
		if (x > e->max)
			e->max = x;
	}
	e->mean = sum / (double)a->n;
	for (size_t i = 0; i < a->n; i++) {
		double d = (double)a->v[i] - e->mean;
		sq += d * d;
	}
	e->sd = a->n > 1 ? sqrt(sq / (double)(a->n - 1)) : 0;
	return true;
}

bool counts_summary(const uint64_t *cnt, size_t n, struct exact *e)
{
	uint64_t total = 0;
	double sum = 0, sq = 0;

	memset(e, 0, sizeof(*e));
	for (size_t v = 0; v < n; v++) {
		if (!cnt[v])
			continue;
		if (!total)
			e->min = v;
		e->max = v;
		total += cnt[v];
		sum += (double)v * (double)cnt[v];
	}
	if (!total)
		return false;
	e->n = total;
	e->mean = sum / (double)total;
	for (size_t v = 0; v < n; v++) {
		double d = (double)v - e->mean;
		sq += d * d * (double)cnt[v];
	}
	e->sd = total > 1 ? sqrt(sq / (double)(total - 1)) : 0;
	for (int q = 0; q < EXACT_NQ; q++) {
		uint64_t k = rank_of(total, exact_q_milli[q]), acc = 0;
		for (size_t v = 0; v < n; v++) {
			acc += cnt[v];
			if (acc >= k) {
				e->q[q] = v;
				break;
			}
		}
	}
	return true;
}
