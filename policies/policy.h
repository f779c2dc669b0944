/* SPDX-License-Identifier: GPL-2.0 */
/* policy.h - victim policies and admission rules for the engine's cte_match, with their registries. */
#ifndef SSDCACHE_POLICY_H
#define SSDCACHE_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The policy decides, the engine acts (dm-cache's rule). The engine walks the probe chain of
 * a block in slot order; every slot that passes the seed's filters (busy, clean: docs/engine.md
 * §4.3, the engine's business) becomes a candidate. When the engine needs a victim it hands
 * the policy ALL candidates of the lookup in one call, as arrays (struct pol_cands): no
 * per-candidate indirect call, and keys laid out so that a vectorised scan can replace the
 * loop. The policy returns the index of the candidate to evict. A policy may instead take them
 * in place, one group per probe over the cmds' own key arrays (victim_groups, no copy).
 *
 * Keys: the engine maintains each cte's atime and count exactly as the seed does (docs/engine.md
 * §3.4) and passes them; a policy that needs other keys keeps them itself, per cache slot,
 * in arrays it sizes in init (never on the hot path), updated from on_hit / on_insert.
 *
 * Types: a pol_slot names a place in the cache (cmd hash * 16 + slot index), a pol_block a
 * block of the target device (sector / block size); they are not interchangeable.
 *
 * Contract of each hook (optional ones may be NULL; engine/internal.h supplies the defaults):
 *   init       optional; NOT hot; may fail (0 or -errno, message in err); may allocate.
 *              p->priv points at priv_size zeroed bytes the core allocated. Default: nothing.
 *   destroy    optional; NOT hot; cannot fail; frees what init allocated.
 *   on_hit     optional; HOT; cannot fail; never allocates. A lookup matched the cte in slot.
 *   on_insert  optional; HOT; cannot fail; never allocates. A new cte for a->block was placed
 *              in slot (after on_evict when it replaced a victim).
 *   on_evict   optional; HOT; cannot fail; never allocates. The engine evicts slot's cte.
 *   victim     required; HOT; cannot fail; never allocates. Returns the index into c of the
 *              candidate to evict, or -1 for none. c->n >= 1. Called at most once per lookup,
 *              and only when no free slot is usable.
 *   victim_groups  optional; HOT; cannot fail; never allocates. The same choice as victim
 *              from the same candidates, handed over as groups (struct pol_groups: each probe's
 *              candidates as a slot mask over its cmd's own key arrays, no copy); returns the
 *              chosen candidate's pol_slot, or -1 for none. When set, the engine calls it in
 *              place of victim. Default: the engine copies the groups into struct pol_cands and
 *              calls victim.
 *   admit      optional; HOT; cannot fail; never allocates. May this miss allocate a cte?
 *              Called at most once per lookup, only when the engine would allocate. Default:
 *              true (the seed allocates every miss it can).
 * A cte the engine drops without an eviction (all bitmaps empty, readcache invalidation) is
 * not reported: its slot is no candidate until on_insert fills it again.
 */

#define POL_ABI 2

typedef uint32_t pol_slot;  /* a cache slot: cmd hash * 16 + index in the cmd */
typedef uint64_t pol_block; /* a target block: sector / block size */

#define POL_NEVER UINT64_MAX /* oracle: no further use */

/* What the engine knows about the access that calls a hook. */
struct pol_access {
	pol_block block;       /* the piece's block */
	uint64_t sector;       /* the piece's block-aligned sector */
	uint64_t req;          /* host's request number (arrival order); the oracle's clock */
	uint64_t req_sector;   /* the user request the piece belongs to (admission rules) */
	uint32_t req_sectors;  /* its length in sectors (0: unknown, the piece's length) */
	uint32_t nsect;        /* the piece's length in sectors */
	unsigned long now;     /* jiffies */
	bool write;
};

/*
 * A future oracle, for policies that look ahead (opt). The host builds it from a pre-pass
 * over the trace and hands it in through the init args; the engine never sees it.
 *   position  the oracle's time of the access (req, block): a piece index of the trace.
 *   next_use  the first position after pos at which block is accessed, or POL_NEVER.
 * Both hot, cannot fail, never allocate.
 */
struct pol_oracle {
	uint64_t (*position)(void *arg, uint64_t req, pol_block block);
	uint64_t (*next_use)(void *arg, pol_block block, uint64_t pos);
	void *arg;
};

struct pol_init_args {
	uint64_t nr_slots;             /* slots in the cache: pol_slot < nr_slots */
	unsigned long block_size;      /* sectors */
	uint64_t seed;                 /* --seed: for policies that draw random numbers */
	const struct pol_oracle *oracle; /* NULL unless the host ran the pre-pass */
};

/* The candidates of one lookup, in the order the seed's scan offers them (struct of arrays). */
struct pol_cands {
	unsigned n;
	unsigned long now;     /* jiffies of the lookup (the seed's LRU starts from it) */
	const pol_slot *slot;
	const unsigned long *atime; /* the cte's last transition (seed Q6) */
	const unsigned long *count; /* its number of transitions (seed Q6) */
};

/*
 * The same candidates as groups, in the same order: group by group, and in a group by slot
 * index. A group is one probe's candidates: bit i of mask (never 0) is the candidate
 * base + i, whose keys are atime[i] and count[i] (the cmd's 16-entry arrays, 64-byte aligned).
 */
struct pol_group {
	const unsigned long *atime;
	const unsigned long *count;
	pol_slot base;
	uint16_t mask;
};

struct pol_groups {
	unsigned n;            /* groups, >= 1 */
	unsigned long now;     /* as in struct pol_cands */
	const struct pol_group *g;
};

struct pol {
	const struct pol_ops *ops;
	void *priv; /* priv_size bytes, zeroed, owned by the core */
};

/* Policy flags */
#define POL_NEEDS_ORACLE (1u << 0) /* init fails without a future oracle */
#define POL_VICTIM_NO_ACCESS (1u << 1) /* victim and victim_groups never read their access: the
					 * engine passes NULL (no struct pol_access is built) */

struct pol_ops {
	const char *name;
	unsigned abi;          /* POL_ABI */
	const char *help;
	size_t priv_size;
	unsigned flags;
	int (*init)(struct pol *p, const struct pol_init_args *a, char *err, size_t errlen);
	void (*destroy)(struct pol *p);
	void (*on_hit)(struct pol *p, pol_slot s, const struct pol_access *a);
	void (*on_insert)(struct pol *p, pol_slot s, const struct pol_access *a);
	void (*on_evict)(struct pol *p, pol_slot s);
	int (*victim)(struct pol *p, const struct pol_cands *c, const struct pol_access *a);
	long (*victim_groups)(struct pol *p, const struct pol_groups *c, const struct pol_access *a);
	bool (*admit)(struct pol *p, const struct pol_access *a);
};

/* The registry: NULL-terminated, in the order help texts list them. The only list of names. */
extern const struct pol_ops *const pol_registry[];

/* Look a policy up by name (case-insensitive). NULL if unknown. */
const struct pol_ops *pol_find(const char *name);
/* "lfu, lru, fifo, ...": the registry's names joined by sep, into buf. Returns buf. */
const char *pol_names(char *buf, size_t len, const char *sep);

extern const struct pol_ops pol_lru;
extern const struct pol_ops pol_lfu;

/*
 * Admission rules: combinable with any victim policy (--admit RULE[,RULE]). Every rule must
 * admit for a miss to allocate. Same contract words as above:
 *   parse      required; NOT hot; validates "ARG" of "NAME:ARG" (arg is NULL without ':')
 *              into *value. 0 or -EINVAL with a message.
 *   init       optional; NOT hot; may fail; may allocate (priv_size bytes zeroed by the core).
 *   destroy    optional; NOT hot.
 *   on_access  optional; HOT; every lookup (hit or miss) of a piece, before the decision.
 *   admit      required; HOT; a miss that would allocate: true to let it.
 */
#define POL_ADMIT_MAX 4

struct pol_admit_ops {
	const char *name;
	unsigned abi; /* POL_ABI */
	const char *syntax; /* "nhit:N" */
	const char *help;
	size_t priv_size;
	int (*parse)(const char *arg, uint64_t *value, char *err, size_t errlen);
	int (*init)(void *priv, uint64_t value, const struct pol_init_args *a, char *err, size_t errlen);
	void (*destroy)(void *priv);
	void (*on_access)(void *priv, const struct pol_access *a);
	bool (*admit)(void *priv, const struct pol_access *a);
};

/* One rule as configured: its ops and its parsed value. */
struct pol_admit_spec {
	const struct pol_admit_ops *ops;
	uint64_t value;
};

struct pol_admit_list {
	unsigned n;
	struct pol_admit_spec rule[POL_ADMIT_MAX];
};

extern const struct pol_admit_ops *const pol_admit_registry[];
const struct pol_admit_ops *pol_admit_find(const char *name);

/* Parse "RULE[,RULE]" ("nhit:2,seqcut:4M") into out. 0, or -EINVAL with a message. */
int pol_admit_parse(const char *list, struct pol_admit_list *out, char *err, size_t errlen);
/* "nhit:2,seqcut:4194304": the rules as text ("" when there are none). Returns buf. */
const char *pol_admit_format(const struct pol_admit_list *l, char *buf, size_t len);

#endif
