// SPDX-License-Identifier: GPL-2.0
/* pol_common.c - helpers the policy files share (see pol_common.h). */
#include "policies/pol_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *pol_slots_alloc(const char *name, const struct pol_init_args *a, size_t nr, size_t size,
		      char *err, size_t errlen)
{
	void *p = calloc(nr, size);

	if (!p)
		snprintf(err, errlen, "%s: out of memory for %llu slots", name,
			 (unsigned long long)a->nr_slots);
	return p;
}

void pol_free_slots(struct pol *p)
{
	void *slots;

	/* the state's first member (C11 6.7.2.1p15), a pointer to an object type: copied out
	 * rather than read through a void * lvalue (strict aliasing) */
	memcpy(&slots, p->priv, sizeof(slots));
	free(slots);
}

int pol_admit_keep_value(void *priv, uint64_t value, const struct pol_init_args *a, char *err,
			 size_t errlen)
{
	(void)a;
	(void)err;
	(void)errlen;
	*(uint64_t *)priv = value; /* the state's first member (C11 6.7.2.1p15) */
	return 0;
}
