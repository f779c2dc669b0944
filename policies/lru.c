// SPDX-License-Identifier: GPL-2.0
/* lru.c - the seed's LRU victim choice: the oldest atime, ties to the highest slot, "now" as the start. */
#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#include "policies/pol_common.h"

#define LRU_GROUPS_MAX 128

struct lru {
	bool avx2; /* the vector scan (same choice); off without AVX2 or with SSDCACHE_SCAN=scalar */
	long long gmax[LRU_GROUPS_MAX][4]; /* lru_groups_avx2's maxima of each group (scratch) */
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

/* The seed's loop over the candidates as groups (struct pol_groups): the same order, the same
 * choice as lru_scalar over them copied out; a slot or -1. */
static long lru_groups_scalar(const struct pol_groups *c)
{
	unsigned long oldest = c->now;
	long best = -1;

	for (unsigned k = 0; k < c->n; k++) {
		const struct pol_group *g = &c->g[k];
		for (unsigned m = g->mask; m; m &= m - 1) {
			unsigned i = (unsigned)__builtin_ctz(m);
			if (time_before_eq(g->atime[i], oldest)) {
				oldest = g->atime[i];
				best = (long)(g->base + i);
			}
		}
	}
	return best;
}

/*
 * lru_avx2's choice read in place from the groups, for ages of 2^32 or more (lru_groups_avx2
 * takes the others): the last candidate of the largest age, where the candidates are in (group, slot) order. Each age goes into a key (age << 11) |
 * (group << 4 | slot), so the largest key is the largest age and, among equal ages, the later
 * candidate: a group's 16 keys are reduced by a tree of compares and blends, without index
 * lanes. Valid while every age is below 2^52 (jiffies of the past: 570 000 years at HZ 1000)
 * and there are at most 128 groups; otherwise -2 and the caller takes the seed's loop (a slot
 * that is no candidate may force that too, harmlessly). A slot that is no candidate gets key
 * 0, which no candidate's key exceeds only when the only candidate is group 0's slot 0 at age
 * 0, the answer then anyway.
 */
#define LRU_POS_BITS 11

__attribute__((target("avx2"))) static inline __m256i lru_max(__m256i a, __m256i b)
{
	return _mm256_blendv_epi8(a, b, _mm256_cmpgt_epi64(b, a));
}

/* Keys of the four slots of a[v], v a constant: (age << 11) | 4v + lane; range collects the ages. */
#define LRU_KEYS(a, v, vnow, range)                                                                \
	__extension__({                                                                            \
		__m256i age_ = _mm256_sub_epi64((vnow), _mm256_loadu_si256((a) + (v)));            \
		(range) = _mm256_or_si256((range), age_);                                          \
		_mm256_or_si256(_mm256_slli_epi64(age_, LRU_POS_BITS),                             \
				_mm256_setr_epi64x(4 * (v), 4 * (v) + 1, 4 * (v) + 2, 4 * (v) + 3));      \
	})

/* kv, the keys of slots 4v..4v+3, with the group's bits gk; 0 where no candidate (mask vm). */
__attribute__((target("avx2"))) static inline __m256i lru_masked(__m256i kv, __m256i gk, __m256i vm,
								 __m256i b)
{
	return _mm256_and_si256(_mm256_or_si256(kv, gk), _mm256_cmpeq_epi64(_mm256_and_si256(vm, b), b));
}

__attribute__((target("avx2"))) static long lru_groups_keyed(const struct pol_groups *c)
{
	const __m256i vnow = _mm256_set1_epi64x((long long)c->now);
	__m256i best = _mm256_setzero_si256(), range = _mm256_setzero_si256();
	long long key[4], top = 0;
	unsigned any = 0;

	if (c->n > 1u << (LRU_POS_BITS - 4))
		return -2;
	for (unsigned k = 0; k < c->n; k++) {
		const struct pol_group *g = &c->g[k];
		const __m256i *a = (const __m256i *)g->atime;
		const __m256i gk = _mm256_set1_epi64x((long long)k << 4);
		__m256i k0 = LRU_KEYS(a, 0, vnow, range), k1 = LRU_KEYS(a, 1, vnow, range);
		__m256i k2 = LRU_KEYS(a, 2, vnow, range), k3 = LRU_KEYS(a, 3, vnow, range);

		any |= g->mask;
		if (g->mask != 0xffffu) {
			/* the group's bits before the mask: a slot that is no candidate keeps key 0 */
			__m256i vm = _mm256_set1_epi64x((long long)g->mask);
			k0 = lru_masked(k0, gk, vm, _mm256_setr_epi64x(0x1, 0x2, 0x4, 0x8));
			k1 = lru_masked(k1, gk, vm, _mm256_setr_epi64x(0x10, 0x20, 0x40, 0x80));
			k2 = lru_masked(k2, gk, vm, _mm256_setr_epi64x(0x100, 0x200, 0x400, 0x800));
			k3 = lru_masked(k3, gk, vm, _mm256_setr_epi64x(0x1000, 0x2000, 0x4000, 0x8000));
			best = lru_max(best, lru_max(lru_max(k0, k1), lru_max(k2, k3)));
			continue;
		}
		/* all 16 are candidates: the group's bits once, after the tree */
		best = lru_max(best, _mm256_or_si256(lru_max(lru_max(k0, k1), lru_max(k2, k3)), gk));
	}
	if (!any)
		return -1;
	if (!_mm256_testz_si256(range, _mm256_set1_epi64x((long long)(~0ULL << (64 - LRU_POS_BITS - 1)))))
		return -2;
	_mm256_storeu_si256((__m256i *)key, best);
	for (int l = 0; l < 4; l++)
		if (key[l] > top)
			top = key[l];
	unsigned p = (unsigned)(top & ((1 << LRU_POS_BITS) - 1));
	return (long)(c->g[p >> 4].base + (p & 15));
}

/*
 * The usual case, cheaper: every age below 2^32 (49 days of jiffies at HZ 1000). A first pass
 * takes the largest age with 32-bit maxima over the 64-bit ages (a lane's high half is then
 * 0, and the high halves' maximum says whether some age is not below 2^32), the largest of
 * each group kept; a second pass, from the last group back, finds the first group that holds
 * it and there its last candidate of that age (the atime now - age, compared in full). A slot
 * that is no candidate has age 0 in the first pass and is masked out in the second. -2: some
 * candidate's age is 2^32 or more (or in the future), or more than LRU_GROUPS_MAX groups: the
 * caller takes lru_groups_keyed.
 */
/* The candidates among four slots (a mask's nibble) as 64-bit lanes of ones. */
#define LRU_NIB(x) {-((x) & 1LL), -((x) >> 1 & 1LL), -((x) >> 2 & 1LL), -((x) >> 3 & 1LL)}
static const long long lru_nibble[16][4] __attribute__((aligned(32))) = {
	LRU_NIB(0),  LRU_NIB(1),  LRU_NIB(2),  LRU_NIB(3),  LRU_NIB(4),  LRU_NIB(5),
	LRU_NIB(6),  LRU_NIB(7),  LRU_NIB(8),  LRU_NIB(9),  LRU_NIB(10), LRU_NIB(11),
	LRU_NIB(12), LRU_NIB(13), LRU_NIB(14), LRU_NIB(15)};

/* lru_nibble[mask >> 4v & 15], v a constant, its byte offset taken in two steps */
__attribute__((target("avx2"))) static inline __m256i lru_nib(unsigned mask, unsigned v)
{
	const unsigned off = (v == 0 ? mask << 5 : v == 1 ? mask << 1 : mask >> (4 * v - 5)) & 0x1e0;
	return _mm256_load_si256((const __m256i *)((const char *)lru_nibble + off));
}

__attribute__((target("avx2"))) static long lru_groups_avx2(const struct pol_groups *c,
							     long long (*gmax)[4])
{
	const unsigned n = c->n;
	const unsigned long now = c->now;
	const struct pol_group *const gs = c->g; /* (read once: the stores below may alias) */
	const __m256i vnow = _mm256_set1_epi64x((long long)now);
	__m256i best = _mm256_setzero_si256();

	if (n > LRU_GROUPS_MAX)
		return -2;
	for (unsigned k = 0; k < n; k++) {
		const struct pol_group *g = &gs[k];
		const __m256i *a = (const __m256i *)g->atime;
		const unsigned mask = g->mask;
		__m256i d0 = _mm256_sub_epi64(vnow, _mm256_loadu_si256(a));
		__m256i d1 = _mm256_sub_epi64(vnow, _mm256_loadu_si256(a + 1));
		__m256i d2 = _mm256_sub_epi64(vnow, _mm256_loadu_si256(a + 2));
		__m256i d3 = _mm256_sub_epi64(vnow, _mm256_loadu_si256(a + 3));
		__m256i m;

		if (__builtin_expect(mask != 0xffffu, 0)) {
			/* a slot that is no candidate: age 0 */
			d0 = _mm256_and_si256(d0, lru_nib(mask, 0));
			d1 = _mm256_and_si256(d1, lru_nib(mask, 1));
			d2 = _mm256_and_si256(d2, lru_nib(mask, 2));
			d3 = _mm256_and_si256(d3, lru_nib(mask, 3));
		}
		m = _mm256_max_epu32(_mm256_max_epu32(d0, d1), _mm256_max_epu32(d2, d3));
		_mm256_storeu_si256((__m256i *)gmax[k], m);
		best = _mm256_max_epu32(m, best);
	}
	__m128i h = _mm_max_epu32(_mm256_castsi256_si128(best), _mm256_extracti128_si256(best, 1));
	h = _mm_max_epu32(h, _mm_shuffle_epi32(h, _MM_SHUFFLE(1, 0, 3, 2)));
	const unsigned long long top = (unsigned long long)_mm_cvtsi128_si64(h);
	if (top >> 32)
		return -2; /* the high halves' maximum: an age of 2^32 or more */
	/* every high half is 0: a group's maximum equals top (64-bit) where its low half does */
	const __m256i vtop = _mm256_set1_epi64x((long long)top);
	const __m256i vat = _mm256_set1_epi64x((long long)(now - top)); /* the oldest atime */
	for (unsigned k = n; k-- > 0;) {
		const __m256i e = _mm256_cmpeq_epi64(_mm256_loadu_si256((const __m256i *)gmax[k]), vtop);
		if (_mm256_testz_si256(e, e))
			continue;
		const struct pol_group *g = &gs[k];
		const __m256i *a = (const __m256i *)g->atime;
		unsigned m = (unsigned)_mm256_movemask_pd(
			_mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_loadu_si256(a), vat)));
		m |= (unsigned)_mm256_movemask_pd(
			     _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_loadu_si256(a + 1), vat)))
		     << 4;
		m |= (unsigned)_mm256_movemask_pd(
			     _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_loadu_si256(a + 2), vat)))
		     << 8;
		m |= (unsigned)_mm256_movemask_pd(
			     _mm256_castsi256_pd(_mm256_cmpeq_epi64(_mm256_loadu_si256(a + 3), vat)))
		     << 12;
		m &= g->mask;
		if (m) /* the group's last candidate of the largest age */
			return (long)(g->base + (unsigned)(31 ^ __builtin_clz(m)));
	}
	return -1; /* no candidate at all */
}

static long lru_victim_groups(struct pol *p, const struct pol_groups *c, const struct pol_access *a)
{
	struct lru *l = p->priv;

	(void)a;
	if (l && l->avx2) {
		long best = lru_groups_avx2(c, l->gmax);
		if (best == -2)
			best = lru_groups_keyed(c);
		if (best != -2)
			return best;
	}
	return lru_groups_scalar(c);
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
	.flags = POL_VICTIM_NO_ACCESS,
	.init = lru_init, .victim = lru_victim, .victim_groups = lru_victim_groups,
};
