// SPDX-License-Identifier: GPL-2.0
/* tw.c - fixed mode (Q13): which blocks have writes in flight to the target that no cte records. */
#include "engine/internal.h"

/*
 * A write that finds no slot (WRITE_SKIP, LOOKUP_FAILED) goes to the target with no trace in
 * the cache's state. A read miss of the same block issued meanwhile may return the older data
 * (devices may complete the read first), and its fill would then cache that as clean. The seed
 * does not see this race (Q13's family); the fixed mode counts such writes per block here and
 * gives racing reads no fill. Open addressing with backward-shift deletion; the table holds
 * only writes in flight, so it stays small.
 */
#define TW_EMPTY (~0UL)

static size_t tw_slot(const struct ssdcache_ctx *sc, unsigned long block)
{
	size_t mask = sc->tw.cap - 1;
	size_t i = (size_t)((block * 0x9E3779B97F4A7C15ULL) >> 17) & mask;

	while (sc->tw.block[i] != TW_EMPTY && sc->tw.block[i] != block)
		i = (i + 1) & mask;
	return i;
}

static void tw_grow(struct ssdcache_ctx *sc)
{
	unsigned long *ob = sc->tw.block;
	uint32_t *oc = sc->tw.count;
	size_t ocap = sc->tw.cap;

	sc->tw.cap = ocap ? ocap * 2 : 64;
	sc->tw.block = malloc(sc->tw.cap * sizeof(*sc->tw.block));
	sc->tw.count = malloc(sc->tw.cap * sizeof(*sc->tw.count));
	ASSERT(sc->tw.block && sc->tw.count);
	for (size_t i = 0; i < sc->tw.cap; i++)
		sc->tw.block[i] = TW_EMPTY;
	for (size_t i = 0; i < ocap; i++)
		if (ob[i] != TW_EMPTY) {
			size_t j = tw_slot(sc, ob[i]);
			sc->tw.block[j] = ob[i];
			sc->tw.count[j] = oc[i];
		}
	free(ob);
	free(oc);
}

void tw_add(struct ssdcache_ctx *sc, unsigned long block)
{
	size_t i;

	if ((sc->tw.nr + 1) * 2 > sc->tw.cap)
		tw_grow(sc);
	i = tw_slot(sc, block);
	if (sc->tw.block[i] == TW_EMPTY) {
		sc->tw.block[i] = block;
		sc->tw.count[i] = 0;
		sc->tw.nr++;
	}
	sc->tw.count[i]++;
}

bool tw_has(const struct ssdcache_ctx *sc, unsigned long block)
{
	return sc->tw.nr && sc->tw.block[tw_slot(sc, block)] == block;
}

void tw_del(struct ssdcache_ctx *sc, unsigned long block)
{
	size_t mask = sc->tw.cap - 1, i, j;

	ASSERT(sc->tw.nr);
	i = tw_slot(sc, block);
	ASSERT(sc->tw.block[i] == block);
	if (--sc->tw.count[i])
		return;
	/* backward-shift deletion keeps every probe chain intact */
	sc->tw.block[i] = TW_EMPTY;
	sc->tw.nr--;
	for (j = (i + 1) & mask; sc->tw.block[j] != TW_EMPTY; j = (j + 1) & mask) {
		size_t home = (size_t)((sc->tw.block[j] * 0x9E3779B97F4A7C15ULL) >> 17) & mask;
		bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (between)
			continue;
		sc->tw.block[i] = sc->tw.block[j];
		sc->tw.count[i] = sc->tw.count[j];
		sc->tw.block[j] = TW_EMPTY;
		i = j;
	}
}

void tw_free(struct ssdcache_ctx *sc)
{
	free(sc->tw.block);
	free(sc->tw.count);
	sc->tw.block = NULL;
	sc->tw.count = NULL;
	sc->tw.cap = sc->tw.nr = 0;
}
