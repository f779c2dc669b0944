/* SPDX-License-Identifier: GPL-2.0 */
/* pol_common.h - internal to policies/: what the victim policies and admission rules share (the
 * head of their ops tables, per-slot state, a rule's stored value), so each file holds only
 * its own decisions. */
#ifndef SSDCACHE_POL_COMMON_H
#define SSDCACHE_POL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "policies/policy.h"

/* The first fields of a victim policy's ops table; PRIV is its state (zeroed by the core). */
#define POL_OPS_HEAD(NAME, HELP, PRIV)                                                             \
	.name = (NAME), .abi = POL_ABI, .help = (HELP), .priv_size = sizeof(PRIV)

/* The first fields of an admission rule's ops table. */
#define POL_ADMIT_HEAD(NAME, SYNTAX, HELP, PRIV)                                                   \
	.name = (NAME), .abi = POL_ABI, .syntax = (SYNTAX), .help = (HELP), .priv_size = sizeof(PRIV)

/* nr zeroed elements of size bytes for policy name's state over a cache of a->nr_slots slots;
 * NULL with "NAME: out of memory for N slots" in err. */
void *pol_slots_alloc(const char *name, const struct pol_init_args *a, size_t nr, size_t size,
		      char *err, size_t errlen);

/* A victim policy's destroy for policies whose state begins with the one per-slot array they
 * allocate in init (free() of NULL after a failed init is harmless). */
void pol_free_slots(struct pol *p);

/* An admission rule's init for rules whose state begins with the uint64_t their value goes
 * into (the parsed SIZE); nothing can fail. */
int pol_admit_keep_value(void *priv, uint64_t value, const struct pol_init_args *a, char *err,
			 size_t errlen);

#endif
