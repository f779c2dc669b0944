// SPDX-License-Identifier: GPL-2.0
/* random.c - a uniformly random candidate, from GSL's MT19937 seeded by --seed (reproducible). */
#include <errno.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include "policies/pol_common.h"

struct rnd {
	gsl_rng *rng;
};

static int rnd_init(struct pol *p, const struct pol_init_args *a, char *err, size_t errlen)
{
	struct rnd *r = p->priv;

	r->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r->rng) {
		snprintf(err, errlen, "random: out of memory for the generator");
		return -ENOMEM;
	}
	gsl_rng_set(r->rng, (unsigned long)a->seed);
	return 0;
}

static void rnd_destroy(struct pol *p)
{
	gsl_rng_free(((struct rnd *)p->priv)->rng);
}

static int rnd_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	(void)a;
	return (int)gsl_rng_uniform_int(((struct rnd *)p->priv)->rng, c->n);
}

const struct pol_ops pol_random = {
	POL_OPS_HEAD("random", "a uniformly random candidate (GSL mt19937, seeded by --seed)",
		     struct rnd),
	.init = rnd_init, .destroy = rnd_destroy, .victim = rnd_victim,
};
