// SPDX-License-Identifier: GPL-2.0
/* tw.c - fixed mode (Q13): which blocks have writes in flight to the target that no cte records. */
#include "engine/internal.h"

/*
 * A write that finds no slot (WRITE_SKIP, LOOKUP_FAILED) goes to the target with no trace in
 * the cache's state. A read miss of the same block issued meanwhile may return the older data
 * (devices may complete the read first), and its fill would then cache that as clean. The seed
 * does not see this race (Q13's family); the fixed mode counts such writes per block here and
 * gives racing reads no fill. The table (sim/base/hashtab) holds only writes in flight, so it
 * stays small.
 */

void tw_add(struct ssdcache_ctx *sc, unsigned long block)
{
	uint64_t *n;

	if (!sc->tw.t && ht_init(&sc->tw, 48))
		ssdcache_out_of_memory("the fixed mode's target writes in flight");
	if (!(n = ht_put(&sc->tw, block, NULL)))
		ssdcache_out_of_memory("the fixed mode's target writes in flight");
	++*n;
}

bool tw_has(const struct ssdcache_ctx *sc, unsigned long block)
{
	return sc->tw.nr && ht_get(&sc->tw, block);
}

void tw_del(struct ssdcache_ctx *sc, unsigned long block)
{
	uint64_t *n = sc->tw.nr ? ht_get(&sc->tw, block) : NULL;

	ASSERT(n);
	if (!--*n)
		ht_del(&sc->tw, block);
}

void tw_free(struct ssdcache_ctx *sc)
{
	ht_fini(&sc->tw);
}
