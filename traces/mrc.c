// SPDX-License-Identifier: GPL-2.0
/* mrc.c - the access sequence of a miss-ratio curve (block -> dense id, SHARDS sampling) and the
 * policy table; the policies themselves are in mrc_lru.c, mrc_fifo.c and mrc_opt.c. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "traces/mrc_internal.h"


/* Adding a policy: one file with its run function and one line here. */
static const struct mrc_policy_ops policies[] = {
	{"lru", mrc_lru_run},
	{"fifo", mrc_fifo_run},
	{"opt", mrc_opt_run},
};
#define NR_POLICIES (sizeof(policies) / sizeof(policies[0]))

#define MAP_CAP0 (1u << 12)
#define ACC_CAP0 (1u << 12)
#define MAX_ACC ((uint64_t)UINT32_MAX - 1) /* next-use indices are 32-bit, MRC_NONE reserved */
#define MAX_IDS (MRC_READ_BIT - 1)

/* splitmix64's finaliser: block numbers are dense and sequential, the hash must scatter them
 * both for the map and for the sampler. */
static inline uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void mrc_hugepages(void *p, size_t bytes)
{
	const uintptr_t huge = 2u << 20;
	uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1), hi = ((uintptr_t)p + bytes) & ~(huge - 1);

	if (p && hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
}

int mrc_trace_new(struct mrc_trace **out, const struct mrc_trace_opts *opts)
{
	uint64_t bs = opts && opts->block_bytes ? opts->block_bytes : 4096;
	double rate = opts && opts->sample_rate > 0 ? opts->sample_rate : 1.0;
	struct mrc_trace *t;

	*out = NULL;
	if (bs % 512 || !(rate > 0 && rate <= 1))
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->block_bytes = bs;
	t->sect_per_block = bs / 512;
	t->rate = rate;
	/* rate * 2^64, saturated: rate 1 keeps every block. */
	t->thresh = rate >= 1 ? UINT64_MAX : (uint64_t)ldexp(rate, 64);
	t->map_cap = MAP_CAP0;
	t->map = calloc(3 * t->map_cap, sizeof(*t->map));
	t->lru_only = opts && opts->lru_only;
	t->reads_only = t->lru_only && opts->reads_only;
	t->acc_cap = t->lru_only ? 1 : ACC_CAP0;
	t->acc = malloc(t->acc_cap * sizeof(*t->acc));
	if ((t->lru_only && mrc_lru_stream_new(&t->lru)) || !t->map || !t->acc) {
		mrc_trace_free(t);
		return -ENOMEM;
	}
	*out = t;
	return 0;
}

void mrc_trace_free(struct mrc_trace *t)
{
	if (!t)
		return;
	free(t->map);
	free(t->acc);
	free(t->next_use);
	mrc_lru_stream_free(t->lru);
	free(t->hist);
	free(t);
}

static inline uint64_t slot_key(const uint32_t *map, uint64_t s)
{
	uint64_t k;

	memcpy(&k, map + 3 * s + 1, sizeof(k));
	return k;
}

static inline void slot_set(uint32_t *map, uint64_t s, uint64_t key, uint32_t val)
{
	map[3 * s] = val;
	memcpy(map + 3 * s + 1, &key, sizeof(key));
}

static int map_grow(struct mrc_trace *t)
{
	uint64_t cap = t->map_cap * 2;
	uint32_t *map = calloc(3 * cap, sizeof(*map));

	if (!map)
		return -ENOMEM;
	mrc_hugepages(map, 3 * cap * sizeof(*map));
	for (uint64_t i = 0; i < t->map_cap; i++) {
		if (!t->map[3 * i])
			continue;
		uint64_t k = slot_key(t->map, i), s = mix64(k) & (cap - 1);
		while (map[3 * s])
			s = (s + 1) & (cap - 1);
		slot_set(map, s, k, t->map[3 * i]);
	}
	free(t->map);
	t->map = map;
	t->map_cap = cap;
	return 0;
}

/* lru_only: the access's stack distance goes into the histogram at once. */
static int lru_count(struct mrc_trace *t, uint32_t id, bool is_read)
{
	uint64_t d;

	t->nr_acc++;
	if (mrc_lru_stream_access(t->lru, id, &d))
		return -ENOMEM;
	if (t->reads_only && !is_read)
		return 0;
	if (d == UINT64_MAX) {
		t->cold++;
		return 0;
	}
	if (d >= t->hist_cap) { /* d < the number of blocks seen: grows with them */
		uint64_t cap = t->hist_cap + t->hist_cap / 2 > d + 1 ? t->hist_cap + t->hist_cap / 2 : d + 1;
		uint64_t *h = realloc(t->hist, cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		memset(h + t->hist_cap, 0, (cap - t->hist_cap) * sizeof(*h));
		t->hist = h;
		t->hist_cap = cap;
	}
	t->hist[d]++;
	return 0;
}

/* Map one access to its id and append it (or, lru_only, count its distance). */
static int map_access(struct mrc_trace *t, uint64_t block, uint64_t h, bool is_read)
{
	uint32_t *map = t->map;
	uint64_t mask = t->map_cap - 1, s = h & mask;
	while (map[3 * s] && slot_key(map, s) != block)
		s = (s + 1) & mask;
	uint32_t id;
	if (map[3 * s]) {
		id = map[3 * s] - 1;
	} else {
		if (t->nr_ids >= MAX_IDS)
			return -E2BIG;
		/* Grow at 70 % load: linear probing stays short, and the map stays within 12 bytes
		 * per slot at 35 % or more. */
		if ((uint64_t)(t->nr_ids + 1) * 10 > t->map_cap * 7) {
			if (map_grow(t))
				return -ENOMEM;
			map = t->map;
			mask = t->map_cap - 1;
			s = h & mask;
			while (map[3 * s])
				s = (s + 1) & mask;
		}
		id = t->nr_ids++;
		slot_set(map, s, block, id + 1);
	}
	if (t->lru_only)
		return lru_count(t, id, is_read);
	if (t->nr_acc == t->acc_cap) {
		if (t->nr_acc >= MAX_ACC)
			return -E2BIG;
		uint64_t cap = t->acc_cap * 2 > MAX_ACC ? MAX_ACC : t->acc_cap * 2;
		uint32_t *a = realloc(t->acc, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		t->acc = a;
		t->acc_cap = cap;
		mrc_hugepages(a, cap * sizeof(*a));
	}
	t->acc[t->nr_acc++] = id | (is_read ? MRC_READ_BIT : 0);
	return 0;
}

static int flush_pending(struct mrc_trace *t)
{
	unsigned n = t->nr_pend;

	t->nr_pend = 0;
	for (unsigned i = 0; i < n; i++) {
		int rc = map_access(t, t->pend_blk[i], t->pend_hash[i], t->pend_read[i]);
		if (rc)
			return rc;
	}
	return 0;
}

int mrc_trace_add_block(struct mrc_trace *t, uint64_t block, bool is_read)
{
	uint64_t h = mix64(block);

	if (t->sealed)
		return -EINVAL;
	t->total++;
	t->total_reads += is_read;
	if (h > t->thresh)
		return 0;
	__builtin_prefetch(t->map + 3 * (h & (t->map_cap - 1)));
	t->pend_blk[t->nr_pend] = block;
	t->pend_hash[t->nr_pend] = h;
	t->pend_read[t->nr_pend] = is_read;
	return ++t->nr_pend == MRC_BATCH ? flush_pending(t) : 0;
}

int mrc_trace_add_rec(struct mrc_trace *t, const struct trc_rec *rec)
{
	bool is_read;

	if (rec->flags & TRC_READ)
		is_read = true;
	else if (rec->flags & TRC_WRITE)
		is_read = false;
	else
		return 0; /* discard, no data direction */
	if (!rec->nsect)
		return 0; /* an empty flush */
	uint64_t first = rec->sector / t->sect_per_block;
	/* Written so that sector + nsect can not overflow. */
	uint64_t nr = (rec->sector % t->sect_per_block + rec->nsect - 1) / t->sect_per_block + 1;
	for (uint64_t i = 0; i < nr; i++) {
		int rc = mrc_trace_add_block(t, first + i, is_read);
		if (rc)
			return rc;
	}
	return 0;
}

int mrc_trace_seal(struct mrc_trace *t)
{
	int rc;

	if (t->sealed)
		return 0;
	rc = flush_pending(t);
	if (rc)
		return rc;
	free(t->map);
	t->map = NULL;
	mrc_lru_stream_free(t->lru);
	t->lru = NULL;
	t->sealed = true;
	/* Give back the doubling slack: the policies allocate next. */
	if (t->nr_acc && t->nr_acc < t->acc_cap) {
		uint32_t *a = realloc(t->acc, t->nr_acc * sizeof(*a));
		if (a) {
			t->acc = a;
			t->acc_cap = t->nr_acc;
		}
	}
	return 0;
}

uint64_t mrc_trace_accesses(const struct mrc_trace *t, bool reads_only)
{
	return reads_only ? t->total_reads : t->total;
}

uint64_t mrc_trace_distinct(const struct mrc_trace *t)
{
	return t->rate >= 1 ? t->nr_ids : (uint64_t)llround(t->nr_ids / t->rate);
}

uint64_t mrc_trace_sampled(const struct mrc_trace *t)
{
	return t->nr_acc;
}

uint64_t mrc_trace_block_bytes(const struct mrc_trace *t)
{
	return t->block_bytes;
}

double mrc_trace_rate(const struct mrc_trace *t)
{
	return t->rate;
}

static const struct mrc_policy_ops *find_policy(const char *name)
{
	for (size_t i = 0; i < NR_POLICIES; i++)
		if (!strcmp(policies[i].name, name))
			return &policies[i];
	return NULL;
}

bool mrc_policy_known(const char *name)
{
	return find_policy(name) != NULL;
}

size_t mrc_policy_count(void)
{
	return NR_POLICIES;
}

const char *mrc_policy_name(size_t i)
{
	return i < NR_POLICIES ? policies[i].name : NULL;
}

/* lru_only: misses at C blocks = first accesses + accesses at distance >= C. */
static int hist_misses(const struct mrc_trace *t, const uint64_t *blocks, size_t n,
		       uint64_t *misses)
{
	uint64_t total = t->cold, hits = 0, d = 0;

	for (uint64_t i = 0; i < t->hist_cap; i++)
		total += t->hist[i];
	for (size_t i = 0; i < n; i++) {
		for (; d < blocks[i] && d < t->hist_cap; d++)
			hits += t->hist[d];
		misses[i] = total - hits;
	}
	return 0;
}

int mrc_run(struct mrc_trace *t, const char *policy, bool reads_only, const uint64_t *sizes,
	    size_t n, struct mrc_point *out)
{
	const struct mrc_policy_ops *p = find_policy(policy);
	uint64_t *blocks, *misses;
	int rc;

	if (!p || !t->sealed)
		return -EINVAL;
	if (t->lru_only && (strcmp(policy, "lru") || reads_only != t->reads_only))
		return -EINVAL; /* the histogram is LRU's, counted one way */
	for (size_t i = 1; i < n; i++)
		if (sizes[i] <= sizes[i - 1])
			return -EINVAL;
	blocks = malloc((n + 1) * sizeof(*blocks));
	misses = calloc(n + 1, sizeof(*misses));
	if (!blocks || !misses) {
		free(blocks);
		free(misses);
		return -ENOMEM;
	}
	/* The miniature cache of the sample: capacity * rate blocks, rounded. */
	for (size_t i = 0; i < n; i++) {
		uint64_t b = sizes[i] / t->block_bytes;
		blocks[i] = t->rate >= 1 ? b : (uint64_t)llround((double)b * t->rate);
	}
	if (t->lru_only)
		rc = hist_misses(t, blocks, n, misses);
	else
		rc = p->run(t, reads_only, blocks, n, misses);
	if (!rc) {
		uint64_t acc = mrc_trace_accesses(t, reads_only);
		for (size_t i = 0; i < n; i++) {
			double m = t->rate >= 1 ? (double)misses[i] : (double)misses[i] / t->rate;
			out[i].size_bytes = sizes[i];
			out[i].accesses = acc;
			out[i].misses = t->rate >= 1 ? misses[i] : m >= (double)acc ? acc : (uint64_t)llround(m);
		}
	}
	free(blocks);
	free(misses);
	return rc;
}

size_t mrc_auto_sizes(const struct mrc_trace *t, uint64_t *sizes, size_t max)
{
	uint64_t foot = mrc_trace_distinct(t) * t->block_bytes, lo, p = 1;
	size_t n = 0;

	if (!foot || !max)
		return 0;
	lo = foot >> 15 > t->block_bytes ? foot >> 15 : t->block_bytes;
	while (p < lo)
		p <<= 1;
	for (; p < foot && n + 1 < max; p <<= 1)
		sizes[n++] = p;
	sizes[n++] = foot;
	return n;
}
