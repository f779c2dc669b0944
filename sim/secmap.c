// SPDX-License-Identifier: GPL-2.0
/* secmap.c - sector -> u32 map: a chunk index (sim/base/hashtab), 64 values per chunk. */
#include "sim/secmap.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/assert.h"
#include "sim/base/hashtab.h"

#define CHUNK_SHIFT 6
#define CHUNK (1u << CHUNK_SHIFT)

/* chunk number -> its CHUNK values (a pointer in the table's value) */
struct secmap {
	struct hashtab chunks;
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

	if (ht_init(&m->chunks, 768))
		ssdcache_out_of_memory("a sector map (the stale-read verifier)");
	return m;
}

void secmap_free(struct secmap *m)
{
	uint64_t pos = 0;

	if (!m)
		return;
	for (struct ht_ent *e; (e = ht_next(&m->chunks, &pos));)
		free((void *)(uintptr_t)e->val);
	ht_fini(&m->chunks);
	free(m);
}

uint32_t secmap_get(const struct secmap *m, uint64_t sector)
{
	const uint64_t *c = ht_get(&m->chunks, sector >> CHUNK_SHIFT);

	return c ? ((const uint32_t *)(uintptr_t)*c)[sector & (CHUNK - 1)] : 0;
}

static uint32_t *chunk_for(struct secmap *m, uint64_t sector)
{
	bool added;
	uint64_t *c = ht_put(&m->chunks, sector >> CHUNK_SHIFT, &added);

	if (!c)
		ssdcache_out_of_memory("a sector map (the stale-read verifier)");
	if (added)
		*c = (uintptr_t)xcalloc(CHUNK, sizeof(uint32_t));
	return (uint32_t *)(uintptr_t)*c;
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
