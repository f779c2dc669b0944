// SPDX-License-Identifier: GPL-2.0
/* fifo.c - first in, first out: the candidate inserted longest ago is the victim. */
#include <errno.h>

#include "policies/pol_common.h"

struct fifo {
	uint64_t *stamp; /* per slot: insertion number (unique, so there are no ties) */
	uint64_t next;
};

static int fifo_init(struct pol *p, const struct pol_init_args *a, char *err, size_t errlen)
{
	struct fifo *f = p->priv;

	f->stamp = pol_slots_alloc("fifo", a, a->nr_slots, sizeof(*f->stamp), err, errlen);
	return f->stamp ? 0 : -ENOMEM;
}

static void fifo_on_insert(struct pol *p, pol_slot s, const struct pol_access *a)
{
	struct fifo *f = p->priv;

	(void)a;
	f->stamp[s] = ++f->next;
}

static int fifo_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	const struct fifo *f = p->priv;
	int best = 0;

	(void)a;
	for (unsigned i = 1; i < c->n; i++)
		if (f->stamp[c->slot[i]] < f->stamp[c->slot[best]])
			best = (int)i;
	return best;
}

const struct pol_ops pol_fifo = {
	POL_OPS_HEAD("fifo", "insertion order: the oldest inserted candidate (hits do not matter)",
		     struct fifo),
	.init = fifo_init, .destroy = pol_free_slots,
	.on_insert = fifo_on_insert, .victim = fifo_victim,
};
