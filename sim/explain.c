// SPDX-License-Identifier: GPL-2.0
/* explain.c - the miss explanation's shadows: a seen-set and a fully associative LRU of blocks, in one table. */
#include "sim/explain.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Two shadows, each in its own open-addressed table (linear probing), so that memory follows
 * what each must hold:
 *  - the seen-set: one 64-bit word of "ever accessed" bits per 64 consecutive blocks touched
 *    (16 bytes per word at a load of at most 0.7: a few bytes per distinct block when accesses
 *    have any locality, about 30 when every distinct block is alone in its word);
 *  - the LRU: an entry per block it holds (at most the cache's capacity, whatever the
 *    footprint), linked to its neighbours by table index, so a lookup, a move to the front and
 *    an eviction touch the entry and its two neighbours. Evicted entries leave the table by
 *    backward-shift deletion (no tombstones; a moved entry's neighbours are relinked); the table
 *    grows with the LRU and rebuilds the links in LRU order.
 * A single table of every block seen, with LRU links in each entry, held 4.9 M distinct blocks
 * in 400 MiB; this keeps the LRU's table as large as the cache and the seen-set
 * near a bit per block.
 */
#define EMPTY UINT64_MAX
#define NIL UINT32_MAX

#define TOKEN_SEEN 1u
#define TOKEN_LRU_HIT 2u
#define TOKEN_IN_FLIGHT 4u

/*
 * I/O in flight that will make the block's offsets clean or change them: fills (the read
 * miss's clone, from the miss's map until the cache write finished and the clone was put),
 * writes (the piece, from its map until it is freed, and its secondary clones). Two small maps
 * with linear probing and backward-shift deletion, sized by the I/O in flight, not the
 * footprint: per block, how many such I/Os and the union of their offsets (one bit per
 * ceil(bs / 64) sectors; reset when the count falls to 0); per I/O, its block and offsets.
 */
struct fl_ent {
	uint64_t key; /* block, or the I/O's address; EMPTY: free */
	uint64_t block, mask;
	uint32_t count;
};

struct fl_map {
	struct fl_ent *t;
	uint64_t cap, nr;
};

struct entry {
	uint64_t block; /* EMPTY: free */
	uint32_t prev, next;
};

struct seen_ent {
	uint64_t key; /* block / 64; EMPTY: free */
	uint64_t bits;
};

struct explain {
	unsigned long bs;
	int bs_shift, chunk_shift; /* log2 of bs and of the offset mask's chunk; -1: not a power of 2 */
	/* the LRU */
	struct entry *t;
	uint64_t cap;            /* power of two, >= 2 * used */
	uint64_t capacity, used; /* LRU size limit and current size */
	uint32_t head, tail;
	/* the seen-set */
	struct seen_ent *seen;
	uint64_t seen_cap, seen_nr;
	/* I/O in flight */
	struct fl_map by_block, by_io;
	uint64_t untracked; /* I/Os not tracked for want of memory */
	bool oom;           /* a shadow could not grow: results from then on are not exact */
};


static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9E3779B97F4A7C15ULL;
	x ^= x >> 29;
	return x;
}

static uint64_t fl_find(const struct fl_map *m, uint64_t key)
{
	uint64_t i = mix(key) & (m->cap - 1);

	while (m->t[i].key != EMPTY && m->t[i].key != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int fl_grow(struct fl_map *m)
{
	uint64_t cap = m->cap ? 2 * m->cap : 64;
	struct fl_ent *t = malloc(cap * sizeof(*t)), *old = m->t;

	if (!t)
		return -1;
	for (uint64_t i = 0; i < cap; i++)
		t[i].key = EMPTY;
	m->t = t;
	m->cap = cap;
	for (uint64_t i = 0; old && i < cap / 2; i++)
		if (old[i].key != EMPTY)
			m->t[fl_find(m, old[i].key)] = old[i];
	free(old);
	return 0;
}

/* The entry of key, inserted (zeroed) if absent; NULL when out of memory. */
static struct fl_ent *fl_get(struct fl_map *m, uint64_t key)
{
	uint64_t i;

	if ((m->nr + 1) * 2 > m->cap && fl_grow(m))
		return NULL;
	i = fl_find(m, key);
	if (m->t[i].key == EMPTY) {
		m->t[i].key = key;
		m->t[i].block = m->t[i].mask = 0;
		m->t[i].count = 0;
		m->nr++;
	}
	return &m->t[i];
}

/* Remove slot i, moving later entries of its probe run back (no tombstones). */
static void fl_del(struct fl_map *m, uint64_t i)
{
	uint64_t mask = m->cap - 1, j = i;

	m->t[i].key = EMPTY;
	m->nr--;
	for (;;) {
		j = (j + 1) & mask;
		if (m->t[j].key == EMPTY)
			return;
		uint64_t home = mix(m->t[j].key) & mask;
		/* the entry at j may fill the hole at i unless its home lies in (i, j] */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			m->t[i] = m->t[j];
			m->t[j].key = EMPTY;
			i = j;
		}
	}
}

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

static uint64_t find(const struct explain *e, uint64_t key)
{
	uint64_t i = mix(key) & (e->cap - 1);

	while (e->t[i].block != EMPTY && e->t[i].block != key)
		i = (i + 1) & (e->cap - 1);
	return i;
}

static struct entry *table_new(uint64_t cap)
{
	struct entry *t = malloc(cap * sizeof(*t));

	for (uint64_t i = 0; t && i < cap; i++)
		t[i].block = EMPTY;
	return t;
}

/* Double the LRU's table, relinking its members in LRU order. */
static int grow(struct explain *e)
{
	struct entry *old = e->t, *t = table_new(2 * e->cap);
	uint32_t prev = NIL, n = e->head;

	if (!t)
		return -1;
	e->t = t;
	e->cap *= 2;
	e->head = e->tail = NIL;
	while (n != NIL) {
		uint64_t j = find(e, old[n].block);
		e->t[j].block = old[n].block;
		e->t[j].prev = prev;
		e->t[j].next = NIL;
		if (prev == NIL)
			e->head = (uint32_t)j;
		else
			e->t[prev].next = (uint32_t)j;
		prev = (uint32_t)j;
		n = old[n].next;
	}
	e->tail = prev;
	free(old);
	return 0;
}

static uint64_t seen_find(const struct explain *e, uint64_t key)
{
	uint64_t i = mix(key) & (e->seen_cap - 1);

	while (e->seen[i].key != EMPTY && e->seen[i].key != key)
		i = (i + 1) & (e->seen_cap - 1);
	return i;
}

static int seen_grow(struct explain *e)
{
	struct seen_ent *old = e->seen, *t = malloc(2 * e->seen_cap * sizeof(*t));
	uint64_t oc = e->seen_cap;

	if (!t)
		return -1;
	for (uint64_t i = 0; i < 2 * oc; i++)
		t[i].key = EMPTY;
	e->seen = t;
	e->seen_cap = 2 * oc;
	for (uint64_t i = 0; i < oc; i++)
		if (old[i].key != EMPTY)
			e->seen[seen_find(e, old[i].key)] = old[i];
	free(old);
	return 0;
}

/* Mark block seen; true if it was already. */
static bool seen_test_set(struct explain *e, uint64_t block)
{
	uint64_t key = block >> 6, bit = 1ULL << (block & 63), i = seen_find(e, key);
	bool was;

	if (e->seen[i].key == EMPTY) {
		if ((e->seen_nr + 1) * 10 > e->seen_cap * 7) {
			if (seen_grow(e)) {
				e->oom = true;
				return false;
			}
			i = seen_find(e, key);
		}
		e->seen[i].key = key;
		e->seen[i].bits = 0;
		e->seen_nr++;
	}
	was = e->seen[i].bits & bit;
	e->seen[i].bits |= bit;
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
	e->cap = 1024;
	e->t = table_new(e->cap);
	e->head = e->tail = NIL;
	e->seen_cap = 1024;
	e->seen = malloc(e->seen_cap * sizeof(*e->seen));
	if (!e->t || !e->seen) {
		explain_free(e);
		return NULL;
	}
	for (uint64_t i = 0; i < e->seen_cap; i++)
		e->seen[i].key = EMPTY;
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
	free(e->t);
	free(e->seen);
	free(e->by_block.t);
	free(e->by_io.t);
	free(e);
}

void explain_io_start(struct explain *e, const void *io, uint64_t sector, uint32_t nsect)
{
	uint64_t block = block_of(e, sector), mask = offset_mask(e, sector, nsect);
	struct fl_ent *x = fl_get(&e->by_io, (uint64_t)(uintptr_t)io), *b;

	if (!x) {
		e->untracked++;
		return;
	}
	if (x->count) /* already tracked (cannot happen: the host frees before reusing) */
		return;
	b = fl_get(&e->by_block, block);
	if (!b) {
		fl_del(&e->by_io, fl_find(&e->by_io, (uint64_t)(uintptr_t)io));
		e->untracked++;
		return;
	}
	x->block = block;
	x->mask = mask;
	x->count = 1;
	b->count++;
	b->mask |= mask;
}

void explain_io_end(struct explain *e, const void *io)
{
	uint64_t i, j;

	if (!e->by_io.nr)
		return;
	i = fl_find(&e->by_io, (uint64_t)(uintptr_t)io);
	if (e->by_io.t[i].key == EMPTY)
		return; /* not an I/O that was tracked (a read piece) */
	j = fl_find(&e->by_block, e->by_io.t[i].block);
	fl_del(&e->by_io, i);
	if (e->by_block.t[j].key != EMPTY && !--e->by_block.t[j].count)
		fl_del(&e->by_block, j);
}

uint64_t explain_in_flight(const struct explain *e)
{
	return e->by_io.nr;
}

void explain_prefetch(const struct explain *e, uint64_t sector)
{
	uint64_t block = block_of(e, sector);

	__builtin_prefetch(&e->t[mix(block) & (e->cap - 1)]);
	__builtin_prefetch(&e->seen[mix(block >> 6) & (e->seen_cap - 1)]);
}

static void unlink_entry(struct explain *e, uint32_t n)
{
	struct entry *x = &e->t[n];

	if (x->prev != NIL)
		e->t[x->prev].next = x->next;
	else
		e->head = x->next;
	if (x->next != NIL)
		e->t[x->next].prev = x->prev;
	else
		e->tail = x->prev;
}

static void push_front(struct explain *e, uint32_t n)
{
	e->t[n].prev = NIL;
	e->t[n].next = e->head;
	if (e->head != NIL)
		e->t[e->head].prev = n;
	e->head = n;
	if (e->tail == NIL)
		e->tail = n;
}

/* Move the LRU entry at j to the free slot i, relinking its neighbours. */
static void move_entry(struct explain *e, uint64_t j, uint64_t i)
{
	struct entry *x = &e->t[i];

	*x = e->t[j];
	e->t[j].block = EMPTY;
	if (x->prev != NIL)
		e->t[x->prev].next = (uint32_t)i;
	else
		e->head = (uint32_t)i;
	if (x->next != NIL)
		e->t[x->next].prev = (uint32_t)i;
	else
		e->tail = (uint32_t)i;
}

/* Remove the (unlinked) LRU entry at i: backward-shift deletion. */
static void lru_delete(struct explain *e, uint64_t i)
{
	uint64_t mask = e->cap - 1, j = i;

	e->t[i].block = EMPTY;
	for (;;) {
		j = (j + 1) & mask;
		if (e->t[j].block == EMPTY)
			return;
		uint64_t home = mix(e->t[j].block) & mask;
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			move_entry(e, j, i);
			i = j;
		}
	}
}

unsigned explain_access(struct explain *e, uint64_t sector, uint32_t nsect)
{
	uint64_t block = block_of(e, sector);
	uint64_t i = find(e, block);
	unsigned token = 0;

	if (e->by_block.nr) {
		uint64_t j = fl_find(&e->by_block, block);
		if (e->by_block.t[j].key != EMPTY &&
		    (e->by_block.t[j].mask & offset_mask(e, sector, nsect)))
			token |= TOKEN_IN_FLIGHT;
	}
	if (e->t[i].block != EMPTY) { /* in the LRU: seen, and a hit there */
		token |= TOKEN_SEEN | TOKEN_LRU_HIT;
		if (e->head != (uint32_t)i) {
			unlink_entry(e, (uint32_t)i);
			push_front(e, (uint32_t)i);
		}
		return token;
	}
	if (seen_test_set(e, block))
		token |= TOKEN_SEEN;
	/* into the LRU; when full, its tail leaves (it stays in the seen-set) */
	if (e->used == e->capacity) {
		uint32_t victim = e->tail;
		unlink_entry(e, victim);
		lru_delete(e, victim);
	} else {
		e->used++;
	}
	if (e->used * 2 > e->cap && grow(e)) {
		e->oom = true;
		e->used--;
		return token;
	}
	i = find(e, block);
	e->t[i].block = block;
	push_front(e, (uint32_t)i);
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
