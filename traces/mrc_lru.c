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
 * property), so one pass gives every size. Each block's last access holds a stamp; the tree
 * counts live stamps, and the distance is the number of live stamps after the block's own.
 * Stamps are renumbered 1..live when they run out (owner[] maps a stamp back to its block), so
 * the tree has 2 * distinct + slack entries whatever the trace's length: 20 bytes per block.
 */
struct lru {
	uint32_t *fen;   /* Fenwick tree over stamps 1..cap */
	uint32_t *owner; /* stamp -> id */
	uint32_t *last;  /* id -> stamp of its last access, 0: never */
	uint64_t cap, clock, live;
};

static inline void fen_add(struct lru *l, uint64_t i, uint32_t d)
{
	for (; i <= l->cap; i += i & (~i + 1))
		l->fen[i - 1] += d; /* d is 1 or (uint32_t)-1: wraps to the right count */
}

static inline uint64_t fen_prefix(const struct lru *l, uint64_t i)
{
	uint64_t s = 0;

	for (; i; i -= i & (~i + 1))
		s += l->fen[i - 1];
	return s;
}

/* Renumber the live stamps 1..live in order and rebuild the tree in O(cap). */
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
	for (uint64_t i = 1; i <= l->cap; i++)
		l->fen[i - 1] = i <= j;
	for (uint64_t i = 1; i <= l->cap; i++) {
		uint64_t p = i + (i & (~i + 1));
		if (p <= l->cap)
			l->fen[p - 1] += l->fen[i - 1];
	}
}

/* The first k with blocks[k] > d (n if none): the smallest size at which the access hits. */
static inline size_t first_hit(const uint64_t *blocks, size_t n, uint64_t d)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (blocks[mid] > d)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int mrc_lru_run(struct mrc_trace *t, bool reads_only, const uint64_t *blocks, size_t n,
		uint64_t *misses)
{
	struct lru l = {0};
	uint64_t *cnt = calloc(n + 1, sizeof(*cnt));

	l.cap = 2 * (uint64_t)t->nr_ids + 1024;
	if (l.cap > UINT32_MAX)
		l.cap = UINT32_MAX; /* stamps are 32-bit; nr_ids < 2^31 keeps room for compaction */
	l.fen = calloc(l.cap, sizeof(*l.fen));
	l.owner = malloc((l.cap + 1) * sizeof(*l.owner));
	l.last = calloc(t->nr_ids ? t->nr_ids : 1, sizeof(*l.last));
	if (!cnt || !l.fen || !l.owner || !l.last) {
		free(cnt);
		free(l.fen);
		free(l.owner);
		free(l.last);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < t->nr_acc; i++) {
		uint32_t a = t->acc[i], id = MRC_ID(a);
		uint64_t prev = l.last[id];
		size_t k = n; /* a first access misses at every size */

		if (l.clock == l.cap) {
			compact(&l);
			prev = l.last[id];
		}
		if (prev) {
			uint64_t d = l.live - fen_prefix(&l, prev);
			k = first_hit(blocks, n, d);
			fen_add(&l, prev, (uint32_t)-1);
		} else {
			l.live++;
		}
		if (mrc_counted(a, reads_only))
			cnt[k]++;
		l.last[id] = (uint32_t)++l.clock;
		l.owner[l.clock] = id;
		fen_add(&l, l.clock, 1);
	}
	/* Misses at size i: the accesses whose first hitting size is above i. */
	uint64_t sum = 0;
	for (size_t i = n; i-- > 0;) {
		sum += cnt[i + 1];
		misses[i] = sum;
	}
	free(cnt);
	free(l.fen);
	free(l.owner);
	free(l.last);
	return 0;
}
