// SPDX-License-Identifier: GPL-2.0
/* lru.c - the seed's LRU victim choice: the oldest atime, ties to the highest slot, "now" as the start. */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#include "policies/pol_common.h"

struct lru {
	bool avx2; /* the vector scan (same choice); off without AVX2 or with SSDCACHE_SCAN=scalar */
};

/* time_before_eq(a, b): a is not after b, in wrapping arithmetic (docs/engine.md §3.5). */
static int time_before_eq(unsigned long a, unsigned long b)
{
	return (long)(b - a) >= 0;
}

/* The seed's loop, literally. */
static int lru_scalar(const struct pol_cands *c)
{
	unsigned long oldest = c->now; /* oldest_atime = jiffies: the first candidate qualifies */
	int best = -1;

	for (unsigned i = 0; i < c->n; i++)
		if (time_before_eq(c->atime[i], oldest)) { /* <=: later slots win ties */
			oldest = c->atime[i];
			best = (int)i;
		}
	return best;
}

/*
 * The same choice with AVX2, when every age d = now - atime is in [0, 2^63) (atimes are
 * jiffies of the past: always, unless a host moves its clock back). Then time_before_eq(a,
 * oldest) is d(a) >= d(oldest), and the seed's loop picks the last candidate of the largest
 * age. Four lanes each keep their largest age (ties to the later index), then the lanes are
 * merged. -2: some age is out of range, the caller takes the seed's loop.
 */
__attribute__((target("avx2"))) static int lru_avx2(const struct pol_cands *c)
{
	const long long now = (long long)c->now;
	unsigned n4 = c->n & ~3u, i;
	__m256i vnow = _mm256_set1_epi64x(now), bd = _mm256_set1_epi64x(-1), bi = _mm256_set1_epi64x(-1);
	__m256i idx = _mm256_setr_epi64x(0, 1, 2, 3), four = _mm256_set1_epi64x(4), neg = _mm256_setzero_si256();
	long long d[4], ix[4];
	long long best_d = -1, best_i = -1;

	for (i = 0; i < n4; i += 4) {
		__m256i a = _mm256_loadu_si256((const __m256i *)(c->atime + i));
		__m256i age = _mm256_sub_epi64(vnow, a);
		__m256i older = _mm256_cmpgt_epi64(bd, age); /* keep the lane's best where it is older */
		neg = _mm256_or_si256(neg, age);
		bd = _mm256_blendv_epi8(age, bd, older);
		bi = _mm256_blendv_epi8(idx, bi, older);
		idx = _mm256_add_epi64(idx, four);
	}
	if (_mm256_movemask_pd(_mm256_castsi256_pd(neg)))
		return -2;
	_mm256_storeu_si256((__m256i *)d, bd);
	_mm256_storeu_si256((__m256i *)ix, bi);
	for (int l = 0; l < 4; l++)
		if (d[l] > best_d || (d[l] == best_d && ix[l] > best_i)) {
			best_d = d[l];
			best_i = ix[l];
		}
	for (; i < c->n; i++) {
		long long age = (long long)(c->now - c->atime[i]);
		if (age < 0)
			return -2;
		if (age >= best_d) {
			best_d = age;
			best_i = i;
		}
	}
	return (int)best_i;
}

static int lru_init(struct pol *p, const struct pol_init_args *a, char *err, size_t errlen)
{
	const char *scan = getenv("SSDCACHE_SCAN");

	(void)a;
	(void)err;
	(void)errlen;
	((struct lru *)p->priv)->avx2 = __builtin_cpu_supports("avx2") && !(scan && !strcmp(scan, "scalar"));
	return 0;
}

static int lru_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	const struct lru *l = p->priv; /* NULL: init never ran (a bare call), the seed's loop */

	(void)a;
	if (l && l->avx2) {
		int best = lru_avx2(c);
		if (best != -2)
			return best;
	}
	return lru_scalar(c);
}

const struct pol_ops pol_lru = {
	POL_OPS_HEAD("lru", "least recently changed cte (atime), as the seed: ties to the highest slot",
		     struct lru),
	.init = lru_init, .victim = lru_victim,
};
