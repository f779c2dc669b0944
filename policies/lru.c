// SPDX-License-Identifier: GPL-2.0
/* lru.c - the seed's LRU victim choice: the oldest atime, ties to the highest slot, "now" as the start. */
#include "policies/policy.h"

/* time_before_eq(a, b): a is not after b, in wrapping arithmetic (ENGINE.md 3.5). */
static int time_before_eq(unsigned long a, unsigned long b)
{
	return (long)(b - a) >= 0;
}

static int lru_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	unsigned long oldest = c->now; /* oldest_atime = jiffies: the first candidate qualifies */
	int best = -1;

	(void)p;
	(void)a;
	for (unsigned i = 0; i < c->n; i++)
		if (time_before_eq(c->atime[i], oldest)) { /* <=: later slots win ties */
			oldest = c->atime[i];
			best = (int)i;
		}
	return best;
}

const struct pol_ops pol_lru = {
	.name = "lru",
	.abi = POL_ABI,
	.help = "least recently changed cte (atime), as the seed: ties to the highest slot",
	.victim = lru_victim,
};
