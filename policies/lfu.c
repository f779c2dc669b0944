// SPDX-License-Identifier: GPL-2.0
/* lfu.c - the seed's LFU victim choice (its default): the lowest count, ties to the highest slot. */
#include <limits.h>

#include "policies/policy.h"

static void lfu_scan_begin(struct pol_scan *s, unsigned long now)
{
	(void)now;
	s->key = ULONG_MAX; /* oldest_count = -1 */
	s->best = -1;
}

static void lfu_scan_offer(struct pol_scan *s, int id, const struct pol_keys *k)
{
	if (k->count <= s->key) { /* <=: later slots win ties */
		s->key = k->count;
		s->best = id;
	}
}

const struct pol_ops pol_lfu = {
	.name = "lfu",
	.abi = POL_ABI,
	.help = "lowest count of cte transitions (Q6), as the seed: ties to the highest slot (default)",
	.scan_begin = lfu_scan_begin,
	.scan_offer = lfu_scan_offer,
};
