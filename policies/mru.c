// SPDX-License-Identifier: GPL-2.0
/* mru.c - most recently used: the candidate changed last is the victim (loops larger than the cache). */
#include "policies/pol_common.h"

/*
 * A loop over more blocks than the cache holds defeats LRU: each block is evicted just before
 * it comes round again, and every access misses. MRU evicts the block touched last instead, so
 * the blocks of the loop's start stay and hit on every later pass (Chou and DeWitt, VLDB 1985:
 * MRU for looping sequential references). It needs no state of its own: the engine's atime
 * (docs/engine.md §3.4) is the recency key, as it is for lru.
 */

/* The newest atime, in wrapping jiffies (docs/engine.md §3.5); on equal times the later slot,
 * as lru's ties go. */
static int mru_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	int best = 0;

	(void)p;
	(void)a;
	for (unsigned i = 1; i < c->n; i++)
		if ((long)(c->atime[i] - c->atime[best]) >= 0)
			best = (int)i;
	return best;
}

const struct pol_ops pol_mru = {
	.name = "mru", .abi = POL_ABI,
	.help = "most recently changed candidate (atime): keeps a loop's first blocks when the loop "
		"is larger than the cache",
	.victim = mru_victim,
};
