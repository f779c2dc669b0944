// SPDX-License-Identifier: GPL-2.0
/* explain.c - the miss explanation's shadows: a seen-set and a fully associative LRU of blocks, in one table. */
#include "sim/explain.h"

#include <stdio.h>
#include <stdlib.h>

/*
 * One open-addressed table of entries, one per block ever accessed; an entry in the LRU is
 * linked to its neighbours by table index, so a lookup, a move to the front and an eviction
 * touch the entry and its two neighbours and nothing else (three cache lines; the entry's own
 * line is prefetched when the request is read). An entry not in the LRU has next == SEEN.
 * Entries never move except when the table grows, which rebuilds the links in LRU order.
 */
#define EMPTY UINT64_MAX
#define NIL UINT32_MAX
#define SEEN (UINT32_MAX - 1)

#define TOKEN_SEEN 1u
#define TOKEN_LRU_HIT 2u

struct entry {
	uint64_t block;
	uint32_t prev, next;
};

struct explain {
	unsigned long bs;
	struct entry *t;
	uint64_t cap, nr;
	uint64_t capacity, used; /* LRU size limit and current size */
	uint32_t head, tail;
};

static inline uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9E3779B97F4A7C15ULL;
	x ^= x >> 29;
	return x;
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

	if (!t) {
		fprintf(stderr, "ssdcache-sim: out of memory for the miss explanation (%llu blocks)\n",
			(unsigned long long)cap);
		abort();
	}
	for (uint64_t i = 0; i < cap; i++)
		t[i].block = EMPTY;
	return t;
}

/* Double the table: LRU members first, relinked in order, then the seen-only blocks. */
static void grow(struct explain *e)
{
	struct explain o = *e;
	uint32_t prev = NIL;

	e->cap *= 2;
	e->t = table_new(e->cap);
	e->head = e->tail = NIL;
	for (uint32_t n = o.head; n != NIL; n = o.t[n].next) {
		uint64_t j = find(e, o.t[n].block);
		e->t[j].block = o.t[n].block;
		e->t[j].prev = prev;
		e->t[j].next = NIL;
		if (prev == NIL)
			e->head = (uint32_t)j;
		else
			e->t[prev].next = (uint32_t)j;
		prev = (uint32_t)j;
	}
	e->tail = prev;
	for (uint64_t i = 0; i < o.cap; i++)
		if (o.t[i].block != EMPTY && o.t[i].next == SEEN) {
			uint64_t j = find(e, o.t[i].block);
			e->t[j] = o.t[i];
		}
	free(o.t);
}

struct explain *explain_new(uint64_t capacity_blocks, unsigned long block_size)
{
	struct explain *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->bs = block_size;
	e->capacity = capacity_blocks ? capacity_blocks : 1;
	e->cap = 1024;
	e->t = table_new(e->cap);
	e->head = e->tail = NIL;
	return e;
}

void explain_free(struct explain *e)
{
	if (!e)
		return;
	free(e->t);
	free(e);
}

void explain_prefetch(const struct explain *e, uint64_t sector)
{
	__builtin_prefetch(&e->t[mix(sector / e->bs) & (e->cap - 1)]);
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

unsigned explain_access(struct explain *e, uint64_t sector)
{
	uint64_t block = sector / e->bs;
	uint64_t i = find(e, block);
	unsigned token = 0;

	if (e->t[i].block != EMPTY) {
		token |= TOKEN_SEEN;
		if (e->t[i].next != SEEN) {
			token |= TOKEN_LRU_HIT;
			if (e->head != (uint32_t)i) {
				unlink_entry(e, (uint32_t)i);
				push_front(e, (uint32_t)i);
			}
			return token;
		}
	} else {
		if ((e->nr + 1) * 2 > e->cap) {
			grow(e);
			i = find(e, block);
		}
		e->t[i].block = block;
		e->nr++;
	}
	/* into the LRU; when full, its tail leaves (and stays "seen") */
	if (e->used == e->capacity) {
		uint32_t victim = e->tail;
		unlink_entry(e, victim);
		e->t[victim].next = SEEN;
	} else {
		e->used++;
	}
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
	return (token & TOKEN_LRU_HIT) ? MISS_CONFLICT : MISS_CAPACITY;
}
