// SPDX-License-Identifier: GPL-2.0
/* admit_nhit.c - nhit:N, Open CAS's promotion rule: a block allocates after N misses in a window. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/pol_common.h"

/*
 * The window holds the last W distinct blocks that missed (W = the cache's slots, at least
 * 64, at most 2^22), oldest out first, each with its number of misses; a block absent from it starts at 0.
 * The N-th miss within the window admits and forgets the block (the next allocation of it,
 * after an eviction, waits for N misses again). Memory: 16 B per window entry + 4 B per
 * bucket, sized in init. Open CAS counts the same way (its "insertion threshold"); it also
 * lets everything in while the cache is below a fill "trigger", which this rule does not.
 */
struct nhit_ent {
	pol_block block;
	uint32_t count; /* 0: the entry is free */
	uint32_t next;  /* bucket chain (index + 1; 0 ends it) */
};

struct nhit {
	uint64_t n;
	struct nhit_ent *ent; /* ring of W entries */
	uint32_t *bucket;     /* index + 1 of the chain head */
	uint32_t w, head, mask;
};

static int nhit_parse(const char *arg, uint64_t *value, char *err, size_t errlen)
{
	char *end;
	unsigned long long v;

	if (!arg || !*arg) {
		snprintf(err, errlen, "expected nhit:N (N accesses before a block allocates)");
		return -EINVAL;
	}
	v = strtoull(arg, &end, 10);
	if (*end || v < 1 || v > 1000000 || arg[0] == '-') {
		snprintf(err, errlen, "bad N '%s' (expected 1..1000000)", arg);
		return -EINVAL;
	}
	*value = v;
	return 0;
}

static int nhit_init(void *priv, uint64_t value, const struct pol_init_args *a, char *err,
		     size_t errlen)
{
	struct nhit *h = priv;
	uint64_t w = a->nr_slots < 64 ? 64 : a->nr_slots, nb = 1;

	if (w > (1u << 22)) /* 80 MiB at most, whatever the cache */
		w = 1u << 22;
	while (nb < w)
		nb <<= 1;
	h->n = value;
	h->w = (uint32_t)w;
	h->mask = (uint32_t)(nb - 1);
	h->ent = calloc(w, sizeof(*h->ent));
	h->bucket = calloc(nb, sizeof(*h->bucket));
	if (!h->ent || !h->bucket) {
		free(h->ent);
		free(h->bucket);
		snprintf(err, errlen, "nhit: out of memory for a window of %llu blocks", (unsigned long long)w);
		return -ENOMEM;
	}
	return 0;
}

static void nhit_destroy(void *priv)
{
	struct nhit *h = priv;

	free(h->ent);
	free(h->bucket);
}

static uint32_t nhit_hash(const struct nhit *h, pol_block b)
{
	return (uint32_t)((b * 0x9E3779B97F4A7C15ULL) >> 32) & h->mask;
}

static void nhit_unlink(struct nhit *h, uint32_t i)
{
	uint32_t *pp = &h->bucket[nhit_hash(h, h->ent[i].block)];

	while (*pp != i + 1)
		pp = &h->ent[*pp - 1].next;
	*pp = h->ent[i].next;
	h->ent[i].count = 0;
}

static bool nhit_admit(void *priv, const struct pol_access *a)
{
	struct nhit *h = priv;
	uint32_t b = nhit_hash(h, a->block), i;

	for (i = h->bucket[b]; i; i = h->ent[i - 1].next)
		if (h->ent[i - 1].block == a->block)
			break;
	if (i) {
		if (++h->ent[i - 1].count < h->n)
			return false;
		nhit_unlink(h, i - 1);
		return true;
	}
	if (h->n <= 1)
		return true;
	/* a new block takes the oldest entry of the window */
	i = h->head;
	h->head = (h->head + 1) % h->w;
	if (h->ent[i].count)
		nhit_unlink(h, i);
	h->ent[i] = (struct nhit_ent){a->block, 1, h->bucket[b]};
	h->bucket[b] = i + 1;
	return false;
}

const struct pol_admit_ops pol_admit_nhit = {
	POL_ADMIT_HEAD("nhit", "nhit:N", "a block allocates at its N-th recent miss (Open CAS)",
		       struct nhit),
	.parse = nhit_parse, .init = nhit_init, .destroy = nhit_destroy, .admit = nhit_admit,
};
