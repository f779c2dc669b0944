// SPDX-License-Identifier: GPL-2.0
/* lru.c - the seed's LRU victim choice: the oldest atime, ties to the highest slot, "now" as the start. */
#include <limits.h>

#include "policies/policy.h"

/* time_before_eq(a, b): a is not after b, in wrapping arithmetic (ENGINE.md 3.5). */
static int time_before_eq(unsigned long a, unsigned long b)
{
	return (long)(b - a) >= 0;
}

static void lru_scan_begin(struct pol_scan *s, unsigned long now)
{
	s->key = now; /* oldest_atime = jiffies: the first eligible candidate always qualifies */
	s->best = -1;
}

static void lru_scan_offer(struct pol_scan *s, int id, const struct pol_keys *k)
{
	if (time_before_eq(k->atime, s->key)) { /* <=: later slots win ties */
		s->key = k->atime;
		s->best = id;
	}
}

const struct pol_ops pol_lru = {
	.name = "lru",
	.abi = POL_ABI,
	.help = "least recently changed cte (atime), as the seed: ties to the highest slot",
	.scan_begin = lru_scan_begin,
	.scan_offer = lru_scan_offer,
};
