// SPDX-License-Identifier: GPL-2.0
/* explain.c - the miss explanation's shadows: a seen-set and a fully associative LRU of blocks. */
#include "sim/explain.h"

#include <stdio.h>
#include <stdlib.h>

#define EMPTY UINT64_MAX
#define NIL UINT32_MAX

#define TOKEN_SEEN 1u
#define TOKEN_LRU_HIT 2u

struct explain {
	unsigned shift;          /* log2(block size), or 0 with div */
	unsigned long bs;
	/* the seen set and the LRU index share one table: block -> node (NIL: seen, not in LRU) */
	uint64_t *keys;
	uint32_t *node;
	uint64_t cap, nr;
	/* LRU list of at most capacity nodes */
	uint64_t capacity;
	uint64_t *nblock;
	uint32_t *prev, *next;
	uint32_t head, tail, used, cap_nodes;
};

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q) {
		fprintf(stderr, "explain: out of memory (%zu bytes)\n", n);
		abort();
	}
	return q;
}

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

	while (e->keys[i] != EMPTY && e->keys[i] != key)
		i = (i + 1) & (e->cap - 1);
	return i;
}

static void rehash(struct explain *e)
{
	uint64_t ocap = e->cap, *okeys = e->keys;
	uint32_t *onode = e->node;

	e->cap *= 2;
	e->keys = malloc(e->cap * sizeof(*e->keys));
	e->node = malloc(e->cap * sizeof(*e->node));
	if (!e->keys || !e->node)
		abort();
	for (uint64_t i = 0; i < e->cap; i++)
		e->keys[i] = EMPTY;
	for (uint64_t i = 0; i < ocap; i++)
		if (okeys[i] != EMPTY) {
			uint64_t j = find(e, okeys[i]);
			e->keys[j] = okeys[i];
			e->node[j] = onode[i];
		}
	free(okeys);
	free(onode);
}

struct explain *explain_new(uint64_t capacity_blocks, unsigned long block_size)
{
	struct explain *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->bs = block_size;
	e->capacity = capacity_blocks ? capacity_blocks : 1;
	e->cap = 1024;
	e->keys = malloc(e->cap * sizeof(*e->keys));
	e->node = malloc(e->cap * sizeof(*e->node));
	if (!e->keys || !e->node)
		abort();
	for (uint64_t i = 0; i < e->cap; i++)
		e->keys[i] = EMPTY;
	e->head = e->tail = NIL;
	return e;
}

void explain_free(struct explain *e)
{
	if (!e)
		return;
	free(e->keys);
	free(e->node);
	free(e->nblock);
	free(e->prev);
	free(e->next);
	free(e);
}

static void unlink_node(struct explain *e, uint32_t n)
{
	if (e->prev[n] != NIL)
		e->next[e->prev[n]] = e->next[n];
	else
		e->head = e->next[n];
	if (e->next[n] != NIL)
		e->prev[e->next[n]] = e->prev[n];
	else
		e->tail = e->prev[n];
}

static void push_front(struct explain *e, uint32_t n)
{
	e->prev[n] = NIL;
	e->next[n] = e->head;
	if (e->head != NIL)
		e->prev[e->head] = n;
	e->head = n;
	if (e->tail == NIL)
		e->tail = n;
}

unsigned explain_access(struct explain *e, uint64_t sector)
{
	uint64_t block = sector / e->bs;
	uint64_t i = find(e, block);
	unsigned token = 0;
	uint32_t n;

	if (e->keys[i] != EMPTY) {
		token |= TOKEN_SEEN;
		n = e->node[i];
		if (n != NIL) {
			token |= TOKEN_LRU_HIT;
			unlink_node(e, n);
			push_front(e, n);
			return token;
		}
	} else {
		if ((e->nr + 1) * 2 > e->cap) {
			rehash(e);
			i = find(e, block);
		}
		e->keys[i] = block;
		e->node[i] = NIL;
		e->nr++;
	}
	/* insert into the LRU, evicting its tail when full */
	if (e->used < e->capacity) {
		if (e->used == e->cap_nodes) {
			uint32_t c = e->cap_nodes ? e->cap_nodes * 2 : 1024;
			if (c > e->capacity)
				c = (uint32_t)e->capacity;
			e->nblock = xrealloc(e->nblock, c * sizeof(*e->nblock));
			e->prev = xrealloc(e->prev, c * sizeof(*e->prev));
			e->next = xrealloc(e->next, c * sizeof(*e->next));
			e->cap_nodes = c;
		}
		n = e->used++;
	} else {
		n = e->tail;
		unlink_node(e, n);
		e->node[find(e, e->nblock[n])] = NIL; /* the evicted block stays "seen" */
	}
	e->nblock[n] = block;
	e->node[i] = n;
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
	return (token & TOKEN_LRU_HIT) ? MISS_CONFLICT : MISS_CAPACITY;
}
