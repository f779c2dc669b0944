// SPDX-License-Identifier: GPL-2.0
/* mrc_lru.c - LRU miss counts for every size in one pass: Mattson's stack distances, counted
 * with a Fenwick tree over last-access stamps (O(log n) per access). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/mem.h"
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

struct mrc_lru {
	uint64_t *bits;  /* live stamps */
	uint32_t *fen;   /* Fenwick tree over the words of bits: index w + 1 counts word w */
	uint32_t *owner; /* stamp -> id */
	uint32_t *last;  /* id -> stamp of its last access, 0: never */
	uint64_t cap, nr_words, clock, live;
	uint64_t ids_cap; /* entries of last (streaming: grows with the ids) */
};

static inline void fen_add(struct mrc_lru *l, uint64_t i, uint32_t d)
{
	for (; i <= l->nr_words; i += i & (~i + 1))
		l->fen[i - 1] += d; /* d is 1 or (uint32_t)-1: wraps to the right count */
}

static inline uint64_t fen_prefix(const struct mrc_lru *l, uint64_t i)
{
	uint64_t s = 0;

	for (; i; i -= i & (~i + 1))
		s += l->fen[i - 1];
	return s;
}

/* Live stamps <= s. */
static inline uint64_t live_upto(const struct mrc_lru *l, uint64_t s)
{
	uint64_t w = s / 64;

	return fen_prefix(l, w) + (uint64_t)__builtin_popcountll(l->bits[w] << (63 - s % 64));
}

static inline void stamp_clear(struct mrc_lru *l, uint64_t s)
{
	l->bits[s / 64] &= ~(1ULL << (s % 64));
	fen_add(l, s / 64 + 1, (uint32_t)-1);
}

static inline void stamp_set(struct mrc_lru *l, uint64_t s)
{
	l->bits[s / 64] |= 1ULL << (s % 64);
	fen_add(l, s / 64 + 1, 1);
}

/* Stamp space for nr_ids blocks: 2 * nr_ids + slack, so that a compaction frees at least as many
 * stamps as there are blocks (amortised O(1)); 32-bit stamps. */
static uint64_t stamp_cap(uint64_t nr_ids)
{
	uint64_t cap = 2 * nr_ids + 1024;
	return cap > UINT32_MAX ? UINT32_MAX : cap; /* nr_ids < 2^31 keeps room for compaction */
}

/* (Re)size the stamp arrays for cap stamps; contents are rebuilt by the caller. */
static int stamps_resize(struct mrc_lru *l, uint64_t cap)
{
	uint64_t words = cap / 64 + 1;
	if (!mem_resize(&l->bits, words * sizeof(*l->bits)) ||
	    !mem_resize(&l->fen, words * sizeof(*l->fen)) ||
	    !mem_resize(&l->owner, (cap + 1) * sizeof(*l->owner)))
		return -ENOMEM; /* cap unchanged: the arrays grown so far are only larger */
	l->cap = cap;
	l->nr_words = words;
	mrc_hugepages(l->owner, (cap + 1) * sizeof(*l->owner));
	return 0;
}

/* Renumber the live stamps 1..live in order, make room for the blocks known now (streaming),
 * and rebuild the bitmap and the tree, O(cap). 0 or -ENOMEM (the state is then unusable). */
static int compact(struct mrc_lru *l)
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
	if (stamp_cap(l->ids_cap) > l->cap && stamps_resize(l, stamp_cap(l->ids_cap)))
		return -ENOMEM;
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
	return 0;
}

#define LRU_COLD UINT64_MAX
#define LRU_ENOMEM (UINT64_MAX - 1)

/* One access: the stack distance, LRU_COLD for a first access, LRU_ENOMEM if a compaction could
 * not grow the stamp space (streaming only). */
static inline uint64_t lru_access(struct mrc_lru *l, uint32_t id)
{
	uint64_t prev = l->last[id], d = LRU_COLD;

	if (l->clock == l->cap) {
		if (compact(l))
			return LRU_ENOMEM;
		prev = l->last[id];
	}
	if (prev) {
		d = l->live - live_upto(l, prev);
		stamp_clear(l, prev);
	} else {
		l->live++;
	}
	l->last[id] = (uint32_t)++l->clock;
	l->owner[l->clock] = id;
	stamp_set(l, l->clock);
	return d;
}

static void lru_release(struct mrc_lru *l)
{
	free(l->bits);
	free(l->fen);
	free(l->owner);
	free(l->last);
}

/* State for nr_ids blocks (ids 0 .. nr_ids-1). 0 or -ENOMEM. */
static int lru_init(struct mrc_lru *l, uint64_t nr_ids)
{
	memset(l, 0, sizeof(*l));
	l->ids_cap = nr_ids ? nr_ids : 1;
	l->last = calloc(l->ids_cap, sizeof(*l->last));
	if (!l->last || stamps_resize(l, stamp_cap(nr_ids))) {
		lru_release(l);
		return -ENOMEM;
	}
	mrc_hugepages(l->last, l->ids_cap * sizeof(*l->last));
	memset(l->bits, 0, l->nr_words * sizeof(*l->bits));
	memset(l->fen, 0, l->nr_words * sizeof(*l->fen));
	return 0;
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
	struct mrc_lru l;
	uint64_t *cnt = calloc(n + 1, sizeof(*cnt));

	if (!cnt || lru_init(&l, t->nr_ids)) {
		free(cnt);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < t->nr_acc; i++) {
		/* The future is known: fetch the stamp of the block 16 accesses ahead, and the bitmap
		 * word of the one 8 ahead (whose stamp is in the cache by now). Hints only. */
		if (i + PREFETCH_LAST < t->nr_acc)
			__builtin_prefetch(&l.last[MRC_ID(t->acc[i + PREFETCH_LAST])]);
		if (i + PREFETCH_BITS < t->nr_acc)
			__builtin_prefetch(&l.bits[l.last[MRC_ID(t->acc[i + PREFETCH_BITS])] / 64]);
		uint32_t a = t->acc[i];
		uint64_t d = lru_access(&l, MRC_ID(a)); /* the stamps are sized for every id */

		if (mrc_counted(a, reads_only))
			cnt[d == LRU_COLD ? n : first_hit(blocks, n, d)]++;
	}
	/* Misses at size i: the accesses whose first hitting size is above i. */
	uint64_t sum = 0;
	for (size_t i = n; i-- > 0;) {
		sum += cnt[i + 1];
		misses[i] = sum;
	}
	free(cnt);
	lru_release(&l);
	return 0;
}

/* ---- streaming: distances while the trace is read, for a trace that keeps no sequence ---- */

int mrc_lru_stream_new(struct mrc_lru **out)
{
	struct mrc_lru *l = malloc(sizeof(*l));

	*out = NULL;
	if (!l || lru_init(l, 4096)) {
		free(l);
		return -ENOMEM;
	}
	*out = l;
	return 0;
}

int mrc_lru_stream_access(struct mrc_lru *l, uint32_t id, uint64_t *dist)
{
	if (id >= l->ids_cap) {
		/* By half: the slack is memory per distinct block, what this mode is for. */
		uint64_t cap = l->ids_cap + l->ids_cap / 2 > (uint64_t)id + 1 ? l->ids_cap + l->ids_cap / 2
									    : (uint64_t)id + 1;
		uint32_t *last = realloc(l->last, cap * sizeof(*last));
		if (!last)
			return -ENOMEM;
		memset(last + l->ids_cap, 0, (cap - l->ids_cap) * sizeof(*last));
		l->last = last;
		l->ids_cap = cap; /* the stamp space follows at the next compaction */
	}
	*dist = lru_access(l, id);
	return *dist == LRU_ENOMEM ? -ENOMEM : 0;
}

void mrc_lru_stream_free(struct mrc_lru *l)
{
	if (!l)
		return;
	lru_release(l);
	free(l);
}
