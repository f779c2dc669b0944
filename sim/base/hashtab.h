/* SPDX-License-Identifier: GPL-2.0 */
/* hashtab.h - one hash table for the tree: u64 key -> u64 value (or an index, or a pointer). */
#ifndef SSDCACHE_HASHTAB_H
#define SSDCACHE_HASHTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Open addressing with linear probing over a power-of-two array of {key, value} entries, grown
 * (doubled, everything reinserted) before it is more than 3/4 full, so a lookup touches one or
 * two cache lines. Deletion shifts the rest of the probe run back (no tombstones), so a table
 * that churns never slows down. The key HT_EMPTY (UINT64_MAX) marks a free slot and cannot be
 * stored. Keys are mixed (murmur3's finaliser) before masking: sequential keys spread.
 *
 * Values live in the table: a pointer from ht_get/ht_put is valid until the next ht_put or
 * ht_del. Iteration (ht_next) visits every entry once, in table order, as long as the table is
 * not changed meanwhile. No global state; one table is not thread-safe.
 */
#define HT_EMPTY UINT64_MAX

struct ht_ent {
	uint64_t key, val;
};

struct hashtab {
	struct ht_ent *t;
	uint64_t cap, nr; /* slots (a power of two), entries */
};

/* An empty table with room for about n entries before it grows. 0 or -ENOMEM. */
int ht_init(struct hashtab *h, uint64_t n);
void ht_fini(struct hashtab *h);

/* The mix applied to keys (murmur3's finaliser; callers may prefetch ht_home's slot). */
static inline uint64_t ht_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* The slot where a probe for key starts. */
static inline struct ht_ent *ht_home(const struct hashtab *h, uint64_t key)
{
	return &h->t[ht_mix(key) & (h->cap - 1)];
}

/* The slot of key, or the free slot where it would go. */
static inline uint64_t ht_slot(const struct ht_ent *t, uint64_t cap, uint64_t key)
{
	uint64_t i = ht_mix(key) & (cap - 1);

	while (t[i].key != HT_EMPTY && t[i].key != key)
		i = (i + 1) & (cap - 1);
	return i;
}

/* The value of key, or NULL. (Inline: the lookups are on hot paths.) */
static inline uint64_t *ht_get(const struct hashtab *h, uint64_t key)
{
	uint64_t i = ht_slot(h->t, h->cap, key);

	return h->t[i].key == key && key != HT_EMPTY ? &h->t[i].val : NULL;
}

uint64_t *ht_put_new(struct hashtab *h, uint64_t key, uint64_t i, bool *added);
/* The value of key, inserted with value 0 if absent (*added says which; may be NULL). NULL
 * without memory to grow (the table is unchanged). key must not be HT_EMPTY. */
static inline uint64_t *ht_put(struct hashtab *h, uint64_t key, bool *added)
{
	uint64_t i = key == HT_EMPTY ? 0 : ht_slot(h->t, h->cap, key);

	if (key != HT_EMPTY && h->t[i].key == key) {
		if (added)
			*added = false;
		return &h->t[i].val;
	}
	return ht_put_new(h, key, i, added);
}
/* Remove key; false if it was absent. */
bool ht_del(struct hashtab *h, uint64_t key);
/* Remove everything, keeping the allocation. */
void ht_clear(struct hashtab *h);

/* Iterate: uint64_t pos = 0; for (struct ht_ent *e; (e = ht_next(h, &pos));) ... */
struct ht_ent *ht_next(const struct hashtab *h, uint64_t *pos);

#endif
