/* SPDX-License-Identifier: GPL-2.0 */
/* exact.h - exact order statistics (nearest-rank percentiles) over growing arrays of values. */
#ifndef SSDCACHE_EXACT_H
#define SSDCACHE_EXACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/*
 * pNN is the value of rank ceil(NN/100 * n) among the n values sorted (the nearest-rank
 * definition), so it is always a value the input holds. Values are kept in an array (8 bytes
 * each, grown by doubling) and the ranks are selected at the end in O(n) (three-way partitions:
 * runs of equal values cost nothing extra; past a depth budget the rest is sorted, so the worst
 * case is n log n). Used by trace stats (traces/stats.c) and its btt breakdown (traces/btt.c).
 */
#define EXACT_NQ 3 /* quantiles: 0.5, 0.9, 0.99 */
extern const uint64_t exact_q_milli[EXACT_NQ]; /* {500, 900, 990}: numerators over 1000 */

struct u64vec {
	uint64_t *v;
	size_t n, cap;
	bool oom; /* a value could not be stored: no percentiles */
};

/* Out of line: the rare growth (allocates; sets oom on failure). */
void u64vec_grow(struct u64vec *a);
static inline void vec_push(struct u64vec *a, uint64_t x)
{
	if (a->n == a->cap) {
		if (a->oom)
			return;
		u64vec_grow(a);
		if (a->n == a->cap)
			return;
	}
	a->v[a->n++] = x;
}
static inline void vec_free(struct u64vec *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

/* 1-based nearest rank of quantile q/1000 among n values (at least 1). */
uint64_t rank_of(uint64_t n, uint64_t q_milli);

/* Exact summary: count, min, max, the EXACT_NQ quantiles, mean and sample sd. */
struct exact {
	uint64_t n, min, max, q[EXACT_NQ];
	double mean, sd;
};
/* Summarise a vector (reorders it); false if it is empty or lost values (oom). */
bool vec_summary(struct u64vec *a, struct exact *e);
/* Summarise values given as counts: cnt[v] values equal to v, for v < n; false if none. */
bool counts_summary(const uint64_t *cnt, size_t n, struct exact *e);

#endif
