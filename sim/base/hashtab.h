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
 * that churns never slows down. Keys are mixed (ht_mix) before masking, so sequential keys
 * spread. A slot holds key + 1 (0: free), so a new table is calloc's zero pages
 * (free until touched); the key HT_EMPTY (UINT64_MAX) therefore cannot be stored.
 *
 * Values live in the table: a pointer from ht_get/ht_put is valid until the next ht_put, ht_del
 * or ht_rehash. Iteration (ht_next) visits every entry once, in table order, as long as the
 * table is not changed meanwhile; ht_key gives an entry's key. No global state; a table is not
 * thread-safe.
 */
#define HT_EMPTY UINT64_MAX

struct ht_ent {
	uint64_t k1; /* key + 1; 0: a free slot */
	uint64_t val;
};

struct hashtab {
	struct ht_ent *t;
	uint64_t cap, nr; /* slots (a power of two), entries */
};

/* An empty table with room for n entries before it grows (cap: the smallest power of two >= 16
 * with n <= 3/4 cap). 0 or -ENOMEM. */
int ht_init(struct hashtab *h, uint64_t n);
void ht_fini(struct hashtab *h);

/* The mix applied to keys before masking: one multiply between two xor-shifts (enough to
 * spread sequential and strided keys over the low bits; the miss explanation measured the
 * full murmur3 finaliser's second round as a visible cost). Not a sampling hash. */
static inline uint64_t ht_mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x9E3779B97F4A7C15ULL;
	x ^= x >> 29;
	return x;
}

static inline uint64_t ht_key(const struct ht_ent *e)
{
	return e->k1 - 1;
}

/* The slot where a probe for key starts (to prefetch it). */
static inline const struct ht_ent *ht_home(const struct hashtab *h, uint64_t key)
{
	return &h->t[ht_mix(key) & (h->cap - 1)];
}

/* The slot of key, or the free slot where it would go. */
static inline uint64_t ht_slot(const struct ht_ent *t, uint64_t cap, uint64_t key)
{
	uint64_t i = ht_mix(key) & (cap - 1);

	while (t[i].k1 && t[i].k1 != key + 1)
		i = (i + 1) & (cap - 1);
	return i;
}

/* The value of key, or NULL. (Inline: the lookups are on hot paths.) */
static inline uint64_t *ht_get(const struct hashtab *h, uint64_t key)
{
	uint64_t i = ht_slot(h->t, h->cap, key);

	return h->t[i].k1 ? &h->t[i].val : NULL; /* HT_EMPTY (k1 0) probes to a free slot */
}

/* ht_put's slow path: key is absent and the table must grow first (or key is HT_EMPTY). */
uint64_t *ht_insert_slow(struct hashtab *h, uint64_t key, bool *added);
/* The value of key, inserted with value 0 if absent (*added says which; may be NULL). NULL
 * without memory to grow (the table is unchanged), or for HT_EMPTY. */
static inline uint64_t *ht_put(struct hashtab *h, uint64_t key, bool *added)
{
	uint64_t i = ht_slot(h->t, h->cap, key);

	if (h->t[i].k1) {
		if (added)
			*added = false;
		return &h->t[i].val;
	}
	if (key == HT_EMPTY || (h->nr + 1) * 4 > h->cap * 3)
		return ht_insert_slow(h, key, added);
	h->t[i].k1 = key + 1;
	h->t[i].val = 0;
	h->nr++;
	if (added)
		*added = true;
	return &h->t[i].val;
}

/* Rebuilding a table by hand: insert key, known to be absent, into a table known to have room
 * (nr < 3/4 cap), without comparing keys or growing. Returns its value (0). */
static inline uint64_t *ht_put_absent(struct hashtab *h, uint64_t key)
{
	uint64_t i = ht_mix(key) & (h->cap - 1);

	while (h->t[i].k1)
		i = (i + 1) & (h->cap - 1);
	h->t[i].k1 = key + 1;
	h->nr++;
	return &h->t[i].val;
}

/* Remove key; false if it was absent. (Inline: the miss explanation deletes on hot paths.) */
static inline bool ht_del(struct hashtab *h, uint64_t key)
{
	uint64_t mask = h->cap - 1, i = ht_slot(h->t, h->cap, key), j = i;

	if (key == HT_EMPTY || !h->t[i].k1)
		return false;
	/* Move back every later entry of the run whose home is not in (i, j]. */
	for (;;) {
		j = (j + 1) & mask;
		if (!h->t[j].k1)
			break;
		uint64_t home = ht_mix(h->t[j].k1 - 1) & mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		h->t[i] = h->t[j];
		i = j;
	}
	h->t[i].k1 = 0;
	h->nr--;
	return true;
}

/* Remove everything, keeping the allocation. */
void ht_clear(struct hashtab *h);
/* Rebuild the table with cap slots (a power of two, at least 4/3 of what is kept), keeping the
 * entries keep accepts (keep NULL: all). 0, or -ENOMEM with the table unchanged. */
int ht_rehash(struct hashtab *h, uint64_t cap, bool (*keep)(void *arg, const struct ht_ent *e),
	      void *arg);

/* Iterate: uint64_t pos = 0; for (struct ht_ent *e; (e = ht_next(h, &pos));) ... */
struct ht_ent *ht_next(const struct hashtab *h, uint64_t *pos);

#endif
