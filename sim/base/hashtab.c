// SPDX-License-Identifier: GPL-2.0
/* hashtab.c - open addressing, linear probing, backward-shift deletion (see hashtab.h). */
#include "sim/base/hashtab.h"

#include <errno.h>
#include <stdlib.h>

static struct ht_ent *table_new(uint64_t cap)
{
	struct ht_ent *t = malloc(cap * sizeof(*t));

	for (uint64_t i = 0; t && i < cap; i++)
		t[i].key = HT_EMPTY;
	return t;
}

int ht_init(struct hashtab *h, uint64_t n)
{
	uint64_t cap = 16;

	while (cap / 4 * 3 < n)
		cap *= 2;
	h->nr = 0;
	h->cap = cap;
	h->t = table_new(cap);
	return h->t ? 0 : -ENOMEM;
}

void ht_fini(struct hashtab *h)
{
	free(h->t);
	h->t = NULL;
	h->cap = h->nr = 0;
}

static int grow(struct hashtab *h)
{
	uint64_t cap = h->cap * 2;
	struct ht_ent *t = table_new(cap);

	if (!t)
		return -ENOMEM;
	for (uint64_t i = 0; i < h->cap; i++)
		if (h->t[i].key != HT_EMPTY)
			t[ht_slot(t, cap, h->t[i].key)] = h->t[i];
	free(h->t);
	h->t = t;
	h->cap = cap;
	return 0;
}

/* ht_put's slow path: key is absent and i is the free slot where it would go. */
uint64_t *ht_put_new(struct hashtab *h, uint64_t key, uint64_t i, bool *added)
{
	if (added)
		*added = false;
	if (key == HT_EMPTY)
		return NULL;
	if ((h->nr + 1) * 4 > h->cap * 3) {
		if (grow(h))
			return NULL;
		i = ht_slot(h->t, h->cap, key);
	}
	h->t[i].key = key;
	h->t[i].val = 0;
	h->nr++;
	if (added)
		*added = true;
	return &h->t[i].val;
}

bool ht_del(struct hashtab *h, uint64_t key)
{
	uint64_t mask = h->cap - 1, i = ht_slot(h->t, h->cap, key), j = i;

	if (key == HT_EMPTY || h->t[i].key != key)
		return false;
	/* Move back every later entry of the run whose home is not in (i, j]. */
	for (;;) {
		j = (j + 1) & mask;
		if (h->t[j].key == HT_EMPTY)
			break;
		uint64_t home = ht_mix(h->t[j].key) & mask;
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		h->t[i] = h->t[j];
		i = j;
	}
	h->t[i].key = HT_EMPTY;
	h->nr--;
	return true;
}

void ht_clear(struct hashtab *h)
{
	for (uint64_t i = 0; i < h->cap; i++)
		h->t[i].key = HT_EMPTY;
	h->nr = 0;
}

struct ht_ent *ht_next(const struct hashtab *h, uint64_t *pos)
{
	while (*pos < h->cap) {
		struct ht_ent *e = &h->t[(*pos)++];
		if (e->key != HT_EMPTY)
			return e;
	}
	return NULL;
}
