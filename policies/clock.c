// SPDX-License-Identifier: GPL-2.0
/* clock.c - CLOCK (second chance) within a cmd: a reference bit per slot and a hand per cmd. */
#include <errno.h>
#include <stdlib.h>

#include "policies/pol_common.h"

/*
 * A hit sets the slot's reference bit; an insertion clears it. To choose, the hand of the
 * candidate's cmd sweeps the candidates from the slot after the previous victim, in slot
 * order around the cmd: a candidate whose bit is set loses it (its second chance), the first
 * one found without it is the victim. When every candidate had its bit set, the sweep comes
 * round to the first one, now clear. The engine offers only evictable slots, so busy and
 * dirty ctes are neither swept nor cleared (they are not on this clock's face).
 */
#define CMD_SLOTS 16 /* DEFAULT_ALIASING */
#define MAX_CANDS (65 * CMD_SLOTS)

struct clk {
	uint8_t *ref;  /* per slot */
	uint8_t *hand; /* per cmd: the slot index the next sweep starts at */
};

static int clk_init(struct pol *p, const struct pol_init_args *a, char *err, size_t errlen)
{
	struct clk *k = p->priv;

	k->ref = pol_slots_alloc("clock", a, a->nr_slots, 1, err, errlen);
	k->hand = k->ref ? pol_slots_alloc("clock", a, a->nr_slots / CMD_SLOTS + 1, 1, err, errlen)
			 : NULL;
	if (!k->hand) {
		free(k->ref);
		return -ENOMEM;
	}
	return 0;
}

static void clk_destroy(struct pol *p)
{
	struct clk *k = p->priv;

	free(k->ref);
	free(k->hand);
}

static void clk_on_hit(struct pol *p, pol_slot s, const struct pol_access *a)
{
	(void)a;
	((struct clk *)p->priv)->ref[s] = 1;
}

static void clk_on_insert(struct pol *p, pol_slot s, const struct pol_access *a)
{
	(void)a;
	((struct clk *)p->priv)->ref[s] = 0;
}

static int clk_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	struct clk *k = p->priv;
	uint16_t order[MAX_CANDS];
	unsigned n = 0, g = 0;

	(void)a;
	order[0] = 0;
	/* the sweep order: per run of one cmd's candidates, from its hand round the cmd */
	while (g < c->n && n < MAX_CANDS) {
		pol_slot cmd = c->slot[g] / CMD_SLOTS;
		unsigned e = g, hand = k->hand[cmd];

		while (e < c->n && c->slot[e] / CMD_SLOTS == cmd)
			e++;
		for (unsigned i = g; i < e; i++)
			if (c->slot[i] % CMD_SLOTS >= hand)
				order[n++] = (uint16_t)i;
		for (unsigned i = g; i < e; i++)
			if (c->slot[i] % CMD_SLOTS < hand)
				order[n++] = (uint16_t)i;
		g = e;
	}
	int victim = order[0];
	for (unsigned j = 0; j < n; j++) {
		pol_slot s = c->slot[order[j]];
		if (!k->ref[s]) {
			victim = order[j];
			break;
		}
		k->ref[s] = 0; /* second chance */
	}
	pol_slot vs = c->slot[victim];
	k->hand[vs / CMD_SLOTS] = (uint8_t)((vs % CMD_SLOTS + 1) % CMD_SLOTS);
	return victim;
}

const struct pol_ops pol_clock = {
	POL_OPS_HEAD("clock", "CLOCK: reference bit set by hits, second chance, a hand per cmd",
		     struct clk),
	.init = clk_init, .destroy = clk_destroy,
	.on_hit = clk_on_hit, .on_insert = clk_on_insert, .victim = clk_victim,
};
