// SPDX-License-Identifier: GPL-2.0
/* secmap.c - sector -> u32 map: open-addressed chunk index, 64 values per chunk. */
#include "sim/secmap.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/assert.h"

#define CHUNK_SHIFT 6
#define CHUNK (1u << CHUNK_SHIFT)
#define EMPTY UINT64_MAX

struct secmap {
	uint64_t *keys;
	uint32_t **vals;
	uint64_t cap, nr;
};

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);
	if (!p)
		ssdcache_out_of_memory("a sector map (the stale-read verifier)");
	return p;
}

struct secmap *secmap_new(void)
{
	struct secmap *m = xcalloc(1, sizeof(*m));

	m->cap = 1024;
	m->keys = xcalloc(m->cap, sizeof(*m->keys));
	m->vals = xcalloc(m->cap, sizeof(*m->vals));
	for (uint64_t i = 0; i < m->cap; i++)
		m->keys[i] = EMPTY;
	return m;
}

void secmap_free(struct secmap *m)
{
	if (!m)
		return;
	for (uint64_t i = 0; i < m->cap; i++)
		free(m->vals[i]);
	free(m->keys);
	free(m->vals);
	free(m);
}

static inline uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static uint64_t slot_of(const struct secmap *m, uint64_t key)
{
	uint64_t i = hash64(key) & (m->cap - 1);

	while (m->keys[i] != EMPTY && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void grow(struct secmap *m)
{
	struct secmap n = {0};

	n.cap = m->cap * 2;
	n.keys = xcalloc(n.cap, sizeof(*n.keys));
	n.vals = xcalloc(n.cap, sizeof(*n.vals));
	for (uint64_t i = 0; i < n.cap; i++)
		n.keys[i] = EMPTY;
	for (uint64_t i = 0; i < m->cap; i++)
		if (m->keys[i] != EMPTY) {
			uint64_t j = slot_of(&n, m->keys[i]);
			n.keys[j] = m->keys[i];
			n.vals[j] = m->vals[i];
		}
	free(m->keys);
	free(m->vals);
	m->keys = n.keys;
	m->vals = n.vals;
	m->cap = n.cap;
}

uint32_t secmap_get(const struct secmap *m, uint64_t sector)
{
	uint64_t i = slot_of(m, sector >> CHUNK_SHIFT);

	return m->keys[i] == EMPTY ? 0 : m->vals[i][sector & (CHUNK - 1)];
}

static uint32_t *chunk_for(struct secmap *m, uint64_t sector)
{
	uint64_t key = sector >> CHUNK_SHIFT;
	uint64_t i = slot_of(m, key);

	if (m->keys[i] == EMPTY) {
		if ((m->nr + 1) * 4 > m->cap * 3) {
			grow(m);
			i = slot_of(m, key);
		}
		m->keys[i] = key;
		m->vals[i] = xcalloc(CHUNK, sizeof(uint32_t));
		m->nr++;
	}
	return m->vals[i];
}

void secmap_set(struct secmap *m, uint64_t sector, uint32_t v)
{
	chunk_for(m, sector)[sector & (CHUNK - 1)] = v;
}

void secmap_raise(struct secmap *m, uint64_t sector, uint32_t v)
{
	uint32_t *c = chunk_for(m, sector);

	if (c[sector & (CHUNK - 1)] < v)
		c[sector & (CHUNK - 1)] = v;
}
