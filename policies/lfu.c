// SPDX-License-Identifier: GPL-2.0
/* lfu.c - the seed's LFU victim choice (its default): the lowest count, ties to the highest slot. */
#include <limits.h>

#include "policies/policy.h"

static int lfu_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	unsigned long lowest = ULONG_MAX; /* oldest_count = -1 */
	int best = -1;

	(void)p;
	(void)a;
	for (unsigned i = 0; i < c->n; i++)
		if (c->count[i] <= lowest) { /* <=: later slots win ties */
			lowest = c->count[i];
			best = (int)i;
		}
	return best;
}

const struct pol_ops pol_lfu = {
	.name = "lfu", .abi = POL_ABI,
	.help = "lowest count of cte transitions (Q6), as the seed: ties to the highest slot (default)",
	.victim = lfu_victim,
};
