// SPDX-License-Identifier: GPL-2.0
/* opt.c - Belady's rule inside this geometry: evict the candidate whose block is used farthest ahead. */
#include <errno.h>
#include <stdio.h>

#include "policies/pol_common.h"

/*
 * The host's future oracle (a pre-pass over the trace) knows every piece's position and each
 * block's next use. The slot remembers which block it holds; at a choice the candidates' next
 * uses are asked from the position of the access that needs the slot, so a use the engine
 * never looked up (a bypassed piece, a Q15 NOMATCH) cannot leave a stale answer behind.
 * Never used again beats everything; ties go to the later slot, as the seed's scans do.
 * What this bounds, and what not: docs/policies.md.
 */
struct opt {
	pol_block *block; /* per slot (first: pol_free_slots) */
	const struct pol_oracle *o;
};

static int opt_init(struct pol *p, const struct pol_init_args *a, char *err, size_t errlen)
{
	struct opt *t = p->priv;

	if (!a->oracle) {
		snprintf(err, errlen, "opt needs the host's future oracle (a pre-pass over the trace), "
				      "which this host does not provide");
		return -EINVAL;
	}
	t->o = a->oracle;
	t->block = pol_slots_alloc("opt", a, a->nr_slots, sizeof(*t->block), err, errlen);
	return t->block ? 0 : -ENOMEM;
}

static void opt_on_insert(struct pol *p, pol_slot s, const struct pol_access *a)
{
	((struct opt *)p->priv)->block[s] = a->block;
}

static int opt_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	const struct opt *t = p->priv;
	uint64_t pos = t->o->position(t->o->arg, a->req, a->block), far = 0;
	int best = -1;

	for (unsigned i = 0; i < c->n; i++) {
		uint64_t nu = t->o->next_use(t->o->arg, t->block[c->slot[i]], pos);
		if (best < 0 || nu >= far) {
			far = nu;
			best = (int)i;
		}
	}
	return best;
}

const struct pol_ops pol_opt = {
	POL_OPS_HEAD("opt",
		     "Belady's rule among the candidates: the block used farthest in the future (a bound)",
		     struct opt),
	.flags = POL_NEEDS_ORACLE,
	.init = opt_init, .destroy = pol_free_slots,
	.on_insert = opt_on_insert, .victim = opt_victim,
};
