/* SPDX-License-Identifier: GPL-2.0 */
/* policy.h - victim choice among the eviction candidates of a cte_match scan, with a registry. */
#ifndef SSDCACHE_POLICY_H
#define SSDCACHE_POLICY_H

/*
 * The policy decides, the engine acts (dm-cache's rule). The engine walks the slots of a
 * metadirectory in slot order and offers every eligible candidate (the seed's B6/B7 filters
 * are the engine's business); the policy keeps the one it prefers. The keys it sees are the
 * cte's count and atime, maintained by the engine on every state transition exactly as the
 * seed does (ENGINE.md 3.4), so a policy never updates state and never allocates.
 *
 * Contract of each hook:
 *   scan_begin  required; cannot fail; resets the choice. now = jiffies of the lookup
 *               (LRU's initial reference, seed: oldest_atime = jiffies).
 *   scan_offer  required; cannot fail; id is opaque (the engine's candidate handle).
 * The choice is scan->best (-1 when nothing was kept).
 */

#define POL_ABI 1

struct pol_keys {
	unsigned long atime; /* jiffies of the cte's last transition */
	unsigned long count; /* number of transitions (seed Q6) */
};

struct pol_scan {
	unsigned long key; /* the policy's running best key */
	int best;          /* candidate id, or -1 */
};

struct pol_ops {
	const char *name;
	unsigned abi;
	const char *help;
	void (*scan_begin)(struct pol_scan *s, unsigned long now);
	void (*scan_offer)(struct pol_scan *s, int id, const struct pol_keys *k);
};

/* The registry: NULL-terminated, in the order `ssdcache-sim --help` lists them. */
extern const struct pol_ops *const pol_registry[];

/* Look a policy up by name (case-insensitive). NULL if unknown. */
const struct pol_ops *pol_find(const char *name);

extern const struct pol_ops pol_lru;
extern const struct pol_ops pol_lfu;

#endif
