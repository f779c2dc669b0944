// SPDX-License-Identifier: GPL-2.0
/* hashtab.c - open addressing, linear probing, backward-shift deletion (see hashtab.h). */
#include "sim/base/hashtab.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int ht_init(struct hashtab *h, uint64_t n)
{
	uint64_t cap = 16;

	while (cap / 4 * 3 < n)
		cap *= 2;
	h->nr = 0;
	h->cap = cap;
	h->t = calloc(cap, sizeof(*h->t));
	return h->t ? 0 : -ENOMEM;
}

void ht_fini(struct hashtab *h)
{
	free(h->t);
	h->t = NULL;
	h->cap = h->nr = 0;
}

int ht_rehash(struct hashtab *h, uint64_t cap, bool (*keep)(void *arg, const struct ht_ent *e),
	      void *arg)
{
	struct ht_ent *t = calloc(cap, sizeof(*t));
	uint64_t nr = 0;

	if (!t)
		return -ENOMEM;
	for (uint64_t i = 0; i < h->cap; i++) {
		if (!h->t[i].k1 || (keep && !keep(arg, &h->t[i])))
			continue;
		uint64_t j = ht_mix(h->t[i].k1 - 1) & (cap - 1);
		while (t[j].k1)
			j = (j + 1) & (cap - 1);
		t[j] = h->t[i];
		nr++;
	}
	free(h->t);
	h->t = t;
	h->cap = cap;
	h->nr = nr;
	return 0;
}

uint64_t *ht_insert_slow(struct hashtab *h, uint64_t key, bool *added)
{
	if (added)
		*added = false;
	if (key == HT_EMPTY || ht_rehash(h, h->cap * 2, NULL, NULL))
		return NULL;
	return ht_put(h, key, added);
}

void ht_clear(struct hashtab *h)
{
	memset(h->t, 0, h->cap * sizeof(*h->t));
	h->nr = 0;
}

struct ht_ent *ht_next(const struct hashtab *h, uint64_t *pos)
{
	while (*pos < h->cap) {
		struct ht_ent *e = &h->t[(*pos)++];
		if (e->k1)
			return e;
	}
	return NULL;
}
