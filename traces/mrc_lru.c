// SPDX-License-Identifier: GPL-2.0
/* mrc_lru.c - LRU miss counts for every size in one pass: Mattson's stack distances, counted
 * with a Fenwick tree over last-access stamps (O(log n) per access). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "traces/mrc_internal.h"

/*
 * The stack distance of an access is the number of distinct blocks touched since the previous
 * access to the same block; an LRU cache of C blocks hits exactly when it is < C (inclusion
 * property), so one pass gives every size. Each block's last access holds a stamp; the live
 * stamps are bits of a bitmap, a Fenwick tree counts them per 64-bit word, and the distance is
 * the number of live stamps after the block's own. The tree has one entry per 64 stamps, so it
 * stays in the processor's cache where a tree over every stamp would not (that is most of the
 * speed). Stamps are renumbered 1..live when they run out (owner[] maps a stamp back to its
 * block), so there are 2 * distinct + slack of them whatever the trace's length: about 12.5
 * bytes per distinct block.
 */
#define PREFETCH_LAST 16
#define PREFETCH_BITS 8

struct lru {
	uint64_t *bits;  /* live stamps */
	uint32_t *fen;   /* Fenwick tree over the words of bits: index w + 1 counts word w */
	uint32_t *owner; /* stamp -> id */
	uint32_t *last;  /* id -> stamp of its last access, 0: never */
	uint64_t cap, nr_words, clock, live;
};

static inline void fen_add(struct lru *l, uint64_t i, uint32_t d)
{
	for (; i <= l->nr_words; i += i & (~i + 1))
		l->fen[i - 1] += d; /* d is 1 or (uint32_t)-1: wraps to the right count */
}

static inline uint64_t fen_prefix(const struct lru *l, uint64_t i)
{
	uint64_t s = 0;

	for (; i; i -= i & (~i + 1))
		s += l->fen[i - 1];
	return s;
}

/* Live stamps <= s. */
static inline uint64_t live_upto(const struct lru *l, uint64_t s)
{
	uint64_t w = s / 64;

	return fen_prefix(l, w) + (uint64_t)__builtin_popcountll(l->bits[w] << (63 - s % 64));
}

static inline void stamp_clear(struct lru *l, uint64_t s)
{
	l->bits[s / 64] &= ~(1ULL << (s % 64));
	fen_add(l, s / 64 + 1, (uint32_t)-1);
}

static inline void stamp_set(struct lru *l, uint64_t s)
{
	l->bits[s / 64] |= 1ULL << (s % 64);
	fen_add(l, s / 64 + 1, 1);
}

/* Renumber the live stamps 1..live in order and rebuild the bitmap and the tree, O(cap). */
static void compact(struct lru *l)
{
	uint64_t j = 0;

	for (uint64_t s = 1; s <= l->clock; s++) {
		uint32_t id = l->owner[s];
		if (l->last[id] == s) {
			l->last[id] = (uint32_t)++j;
			l->owner[j] = id;
		}
	}
	l->clock = j;
	memset(l->bits, 0, l->nr_words * sizeof(*l->bits));
	memset(l->fen, 0, l->nr_words * sizeof(*l->fen));
	for (uint64_t s = 1; s <= j; s++)
		l->bits[s / 64] |= 1ULL << (s % 64);
	for (uint64_t i = 1; i <= l->nr_words; i++) {
		l->fen[i - 1] += (uint32_t)__builtin_popcountll(l->bits[i - 1]);
		uint64_t p = i + (i & (~i + 1));
		if (p <= l->nr_words)
			l->fen[p - 1] += l->fen[i - 1];
	}
}

/* The first k with blocks[k] > d (n if none): the smallest size at which the access hits.
 * Branch-free: the outcome of each step is data, not a jump the processor must guess. */
static inline size_t first_hit(const uint64_t *blocks, size_t n, uint64_t d)
{
	const uint64_t *base = blocks;

	if (!n)
		return 0;
	while (n > 1) {
		size_t half = n / 2;
		base = base[half] <= d ? base + half : base;
		n -= half;
	}
	return (size_t)(base - blocks) + (*base <= d);
}

int mrc_lru_run(struct mrc_trace *t, bool reads_only, const uint64_t *blocks, size_t n,
		uint64_t *misses)
{
	struct lru l = {0};
	uint64_t *cnt = calloc(n + 1, sizeof(*cnt));

	l.cap = 2 * (uint64_t)t->nr_ids + 1024;
	if (l.cap > UINT32_MAX)
		l.cap = UINT32_MAX; /* stamps are 32-bit; nr_ids < 2^31 keeps room for compaction */
	l.nr_words = l.cap / 64 + 1;
	l.bits = calloc(l.nr_words, sizeof(*l.bits));
	l.fen = calloc(l.nr_words, sizeof(*l.fen));
	l.owner = malloc((l.cap + 1) * sizeof(*l.owner));
	l.last = calloc(t->nr_ids ? t->nr_ids : 1, sizeof(*l.last));
	if (!cnt || !l.bits || !l.fen || !l.owner || !l.last) {
		free(cnt);
		free(l.bits);
		free(l.fen);
		free(l.owner);
		free(l.last);
		return -ENOMEM;
	}
	mrc_hugepages(l.owner, (l.cap + 1) * sizeof(*l.owner));
	mrc_hugepages(l.last, t->nr_ids * sizeof(*l.last));
	for (uint64_t i = 0; i < t->nr_acc; i++) {
		/* The future is known: fetch the stamp of the block 16 accesses ahead, and the bitmap
		 * word of the one 8 ahead (whose stamp is in the cache by now). Hints only. */
		if (i + PREFETCH_LAST < t->nr_acc)
			__builtin_prefetch(&l.last[MRC_ID(t->acc[i + PREFETCH_LAST])]);
		if (i + PREFETCH_BITS < t->nr_acc)
			__builtin_prefetch(&l.bits[l.last[MRC_ID(t->acc[i + PREFETCH_BITS])] / 64]);
		uint32_t a = t->acc[i], id = MRC_ID(a);
		uint64_t prev = l.last[id];
		size_t k = n; /* a first access misses at every size */

		if (l.clock == l.cap) {
			compact(&l);
			prev = l.last[id];
		}
		if (prev) {
			uint64_t d = l.live - live_upto(&l, prev);
			k = first_hit(blocks, n, d);
			stamp_clear(&l, prev);
		} else {
			l.live++;
		}
		if (mrc_counted(a, reads_only))
			cnt[k]++;
		l.last[id] = (uint32_t)++l.clock;
		l.owner[l.clock] = id;
		stamp_set(&l, l.clock);
	}
	/* Misses at size i: the accesses whose first hitting size is above i. */
	uint64_t sum = 0;
	for (size_t i = n; i-- > 0;) {
		sum += cnt[i + 1];
		misses[i] = sum;
	}
	free(cnt);
	free(l.bits);
	free(l.fen);
	free(l.owner);
	free(l.last);
	return 0;
}
