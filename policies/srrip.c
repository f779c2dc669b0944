// SPDX-License-Identifier: GPL-2.0
/* srrip.c - static re-reference interval prediction (Jaleel et al., ISCA 2010), 2-bit RRPV per slot. */
#include <errno.h>

#include "policies/pol_common.h"

/*
 * SRRIP-HP with M = 2: a new cte is predicted a "long" re-reference interval (RRPV 2), a hit
 * predicts "near-immediate" (RRPV 0). The victim is the first candidate, in slot order, with
 * RRPV 3 ("distant"); when there is none, every candidate ages by one and the search repeats
 * (done here in one step: all age by 3 - max, then the first at 3). Only the candidates age:
 * slots the engine does not offer (busy, dirty) keep their prediction.
 */
#define RRPV_MAX 3
#define RRPV_INSERT 2

struct srrip {
	uint8_t *rrpv; /* per slot */
};

static int srrip_init(struct pol *p, const struct pol_init_args *a, char *err, size_t errlen)
{
	struct srrip *r = p->priv;

	r->rrpv = pol_slots_alloc("srrip", a, a->nr_slots, 1, err, errlen);
	return r->rrpv ? 0 : -ENOMEM;
}

static void srrip_on_hit(struct pol *p, pol_slot s, const struct pol_access *a)
{
	(void)a;
	((struct srrip *)p->priv)->rrpv[s] = 0;
}

static void srrip_on_insert(struct pol *p, pol_slot s, const struct pol_access *a)
{
	(void)a;
	((struct srrip *)p->priv)->rrpv[s] = RRPV_INSERT;
}

static int srrip_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	uint8_t *rrpv = ((struct srrip *)p->priv)->rrpv;
	unsigned max = 0, first = 0;

	(void)a;
	for (unsigned i = 0; i < c->n; i++)
		if (rrpv[c->slot[i]] > max) {
			max = rrpv[c->slot[i]];
			first = i;
		}
	if (max < RRPV_MAX)
		for (unsigned i = 0; i < c->n; i++)
			rrpv[c->slot[i]] = (uint8_t)(rrpv[c->slot[i]] + RRPV_MAX - max);
	return (int)first;
}

const struct pol_ops pol_srrip = {
	POL_OPS_HEAD("srrip",
		     "SRRIP (Jaleel 2010): 2-bit RRPV, insert at 2, hit -> 0, first at 3 else age",
		     struct srrip),
	.init = srrip_init, .destroy = pol_free_slots,
	.on_hit = srrip_on_hit, .on_insert = srrip_on_insert, .victim = srrip_victim,
};
