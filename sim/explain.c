// SPDX-License-Identifier: GPL-2.0
/* explain.c - the miss explanation's shadows: a seen-set and a fully associative LRU of blocks, in one table. */
#include "sim/explain.h"
#include "sim/base/hashtab.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Two shadows, each in its own hash table (sim/base/hashtab), so that memory follows what each
 * must hold:
 *  - the seen-set: one 64-bit word of "ever accessed" bits per 64 consecutive blocks touched
 *    (a few bytes per distinct block when accesses have any locality, about 30 when every
 *    distinct block is alone in its word);
 *  - the LRU: a node per block it holds (at most the cache's capacity, whatever the
 *    footprint), linked to its neighbours by node index, and a table from block to node, so a
 *    lookup, a move to the front and an eviction touch the entry, its node and its two
 *    neighbours. The evicted tail's node takes the new block.
 * A single table of every block seen, with LRU links in each entry, held 4.9 M distinct blocks
 * in 400 MiB; this keeps the LRU as large as the cache and the seen-set near a bit per block.
 */
#define NIL UINT32_MAX

#define TOKEN_SEEN 1u
#define TOKEN_LRU_HIT 2u
#define TOKEN_IN_FLIGHT 4u

struct node {
	uint64_t block;
	uint32_t prev, next;
};

/*
 * I/O in flight that will make the block's offsets clean or change them: fills (the read
 * miss's clone, from the miss's map until the cache write finished and the clone was put),
 * writes (the piece, from its map until it is freed, and its secondary clones). Small tables,
 * sized by the I/O in flight, not the footprint: per block, a node with the union of the
 * offsets of its I/Os (one bit per ceil(bs / 64) sectors) and how many they are (freed when
 * the count falls to 0); per I/O, its block.
 */
struct fl_node {
	uint64_t mask;
	uint32_t count, next_free;
};
struct explain {
	unsigned long bs;
	int bs_shift, chunk_shift; /* log2 of bs and of the offset mask's chunk; -1: not a power of 2 */
	/* the LRU */
	struct hashtab lru;      /* block -> node index */
	struct node *nodes;
	uint64_t nodes_cap;
	uint64_t capacity, used; /* LRU size limit and current size (nodes in use) */
	uint32_t head, tail;
	/* the seen-set: block / 64 -> bits */
	struct hashtab seen;
	/* I/O in flight */
	struct hashtab by_block, by_io; /* block -> fl_node index, I/O -> block */
	struct fl_node *fl;
	uint32_t fl_cap, fl_free;
	uint64_t untracked; /* I/Os not tracked for want of memory */
	bool oom;           /* a shadow could not grow: results from then on are not exact */
};

/* Block numbers by a shift when the block size is a power of two (it nearly always is): a
 * 64-bit division per access was a visible share of the explanation's cost. */
static inline uint64_t block_of(const struct explain *e, uint64_t sector)
{
	return e->bs_shift >= 0 ? sector >> e->bs_shift : sector / e->bs;
}

/* The offsets [sector, sector + nsect) of their block as a mask of 64 chunks. */
static uint64_t offset_mask(const struct explain *e, uint64_t sector, uint32_t nsect)
{
	uint64_t chunk = (e->bs + 63) / 64, o0, o1, b0, b1;

	o0 = e->bs_shift >= 0 ? sector & (e->bs - 1) : sector % e->bs;
	o1 = o0 + (nsect ? nsect : 1);
	if (o1 > e->bs)
		o1 = e->bs;
	b0 = e->chunk_shift >= 0 ? o0 >> e->chunk_shift : o0 / chunk;
	b1 = e->chunk_shift >= 0 ? (o1 - 1) >> e->chunk_shift : (o1 - 1) / chunk;
	return (b1 >= 63 ? ~0ULL : (2ULL << b1) - 1) & ~((1ULL << b0) - 1);
}

/* Mark block seen; true if it was already. */
static bool seen_test_set(struct explain *e, uint64_t block)
{
	uint64_t bit = 1ULL << (block & 63), *w = ht_put(&e->seen, block >> 6, NULL);
	bool was;

	if (!w) {
		e->oom = true;
		return false;
	}
	was = *w & bit;
	*w |= bit;
	return was;
}

struct explain *explain_new(uint64_t capacity_blocks, unsigned long block_size)
{
	struct explain *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->bs = block_size ? block_size : 1;
	e->bs_shift = e->chunk_shift = -1;
	if (!(e->bs & (e->bs - 1))) {
		e->bs_shift = __builtin_ctzl(e->bs);
		e->chunk_shift = e->bs_shift > 6 ? e->bs_shift - 6 : 0;
	}
	e->capacity = capacity_blocks ? capacity_blocks : 1;
	e->head = e->tail = NIL;
	e->fl_free = NIL;
	if (ht_init(&e->lru, 512) || ht_init(&e->seen, 768) || ht_init(&e->by_block, 48) ||
	    ht_init(&e->by_io, 48)) {
		explain_free(e);
		return NULL;
	}
	return e;
}

bool explain_failed(const struct explain *e)
{
	return e->oom;
}

void explain_free(struct explain *e)
{
	if (!e)
		return;
	ht_fini(&e->lru);
	free(e->nodes);
	ht_fini(&e->seen);
	ht_fini(&e->by_block);
	free(e->fl);
	ht_fini(&e->by_io);
	free(e);
}

/* A free node for a block's I/O in flight, or NIL without memory. */
static uint32_t fl_node_new(struct explain *e)
{
	uint32_t n = e->fl_free;

	if (n == NIL) {
		uint32_t cap = e->fl_cap ? 2 * e->fl_cap : 64;
		struct fl_node *t = cap > e->fl_cap ? realloc(e->fl, cap * sizeof(*t)) : NULL;
		if (!t)
			return NIL;
		for (uint32_t i = e->fl_cap; i < cap; i++)
			t[i].next_free = i + 1 < cap ? i + 1 : NIL;
		e->fl = t;
		n = e->fl_cap;
		e->fl_cap = cap;
	}
	e->fl_free = e->fl[n].next_free;
	e->fl[n].mask = 0;
	e->fl[n].count = 0;
	return n;
}

void explain_io_start(struct explain *e, const void *io, uint64_t sector, uint32_t nsect)
{
	uint64_t block = block_of(e, sector), *b, *ix = NULL;
	bool added, b_added = false;

	b = ht_put(&e->by_io, (uint64_t)(uintptr_t)io, &added);
	if (b && !added) /* already tracked (cannot happen: the host frees before reusing) */
		return;
	ix = b ? ht_put(&e->by_block, block, &b_added) : NULL;
	if (ix && b_added && (*ix = fl_node_new(e)) == NIL) {
		ht_del(&e->by_block, block);
		ix = NULL;
	}
	if (!ix) { /* no memory: undo what was added */
		if (b)
			ht_del(&e->by_io, (uint64_t)(uintptr_t)io);
		e->untracked++;
		return;
	}
	*b = block;
	e->fl[*ix].mask |= offset_mask(e, sector, nsect);
	e->fl[*ix].count++;
}

void explain_io_end(struct explain *e, const void *io)
{
	uint64_t *b = e->by_io.nr ? ht_get(&e->by_io, (uint64_t)(uintptr_t)io) : NULL, block, *ix;

	if (!b)
		return; /* not an I/O that was tracked (a read piece) */
	block = *b;
	ht_del(&e->by_io, (uint64_t)(uintptr_t)io);
	ix = ht_get(&e->by_block, block);
	if (ix && !--e->fl[*ix].count) {
		e->fl[*ix].next_free = e->fl_free;
		e->fl_free = (uint32_t)*ix;
		ht_del(&e->by_block, block);
	}
}

uint64_t explain_in_flight(const struct explain *e)
{
	return e->by_io.nr;
}

void explain_prefetch(const struct explain *e, uint64_t sector)
{
	uint64_t block = block_of(e, sector);

	__builtin_prefetch(ht_home(&e->lru, block));
	__builtin_prefetch(ht_home(&e->seen, block >> 6));
}

static void unlink_entry(struct explain *e, uint32_t n)
{
	struct node *x = &e->nodes[n];

	if (x->prev != NIL)
		e->nodes[x->prev].next = x->next;
	else
		e->head = x->next;
	if (x->next != NIL)
		e->nodes[x->next].prev = x->prev;
	else
		e->tail = x->prev;
}

static void push_front(struct explain *e, uint32_t n)
{
	e->nodes[n].prev = NIL;
	e->nodes[n].next = e->head;
	if (e->head != NIL)
		e->nodes[e->head].prev = n;
	e->head = n;
	if (e->tail == NIL)
		e->tail = n;
}

/* Room for one more block in the LRU: its table and, below the capacity, a node. */
static bool lru_room(struct explain *e)
{
	if (e->used == e->capacity)
		return true; /* the tail leaves first and lends its slot and node */
	if ((e->lru.nr + 1) * 4 > e->lru.cap * 3 && ht_rehash(&e->lru, e->lru.cap * 2, NULL, NULL))
		return false;
	if (e->used == e->nodes_cap) {
		uint64_t cap = e->nodes_cap ? 2 * e->nodes_cap : 1024;
		struct node *n = realloc(e->nodes, (cap < e->capacity ? cap : e->capacity) * sizeof(*n));
		if (!n)
			return false;
		e->nodes = n;
		e->nodes_cap = cap < e->capacity ? cap : e->capacity;
	}
	return true;
}

unsigned explain_access(struct explain *e, uint64_t sector, uint32_t nsect)
{
	uint64_t block = block_of(e, sector);
	const uint64_t *ix = ht_get(&e->lru, block), *f;
	unsigned token = 0;
	uint32_t n;

	if (e->by_block.nr && (f = ht_get(&e->by_block, block)) &&
	    (e->fl[*f].mask & offset_mask(e, sector, nsect)))
		token |= TOKEN_IN_FLIGHT;
	if (ix) { /* in the LRU: seen, and a hit there */
		token |= TOKEN_SEEN | TOKEN_LRU_HIT;
		if (e->head != (uint32_t)*ix) {
			unlink_entry(e, (uint32_t)*ix);
			push_front(e, (uint32_t)*ix);
		}
		return token;
	}
	if (seen_test_set(e, block))
		token |= TOKEN_SEEN;
	if (!lru_room(e)) {
		e->oom = true; /* the LRU stays as it is */
		return token;
	}
	/* into the LRU; when full, its tail leaves (it stays in the seen-set) and lends its node */
	if (e->used == e->capacity) {
		n = e->tail;
		unlink_entry(e, n);
		ht_del(&e->lru, e->nodes[n].block);
	} else {
		n = (uint32_t)e->used++;
	}
	*ht_put(&e->lru, block, NULL) = n; /* lru_room made room: no allocation */
	e->nodes[n].block = block;
	push_front(e, n);
	return token;
}

enum sim_miss explain_classify(unsigned token, enum cte_match_t outcome)
{
	switch (outcome) {
	case CTE_READ_CLEAN:
		return MISS_NR;
	case CTE_READ_BUSY:
		return (token & TOKEN_SEEN) ? MISS_BUSY : MISS_COMPULSORY;
	case CTE_WRITE_SKIP:
	case CTE_LOOKUP_FAILED:
	case SSD_OUT_BYPASS:
		return (token & TOKEN_SEEN) ? MISS_POLICY : MISS_COMPULSORY;
	default:
		break;
	}
	if (!(token & TOKEN_SEEN))
		return MISS_COMPULSORY;
	/* a fill or a write of these offsets was still in flight: no placement would have hit */
	if (token & TOKEN_IN_FLIGHT)
		return MISS_BUSY;
	return (token & TOKEN_LRU_HIT) ? MISS_CONFLICT : MISS_CAPACITY;
}
