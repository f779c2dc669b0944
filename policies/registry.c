// SPDX-License-Identifier: GPL-2.0
/* registry.c - the table of victim policies; adding one = one file + one line here. */
#include <stddef.h>
#include <strings.h>

#include "policies/policy.h"

const struct pol_ops *const pol_registry[] = {
	&pol_lfu,
	&pol_lru,
	NULL,
};

const struct pol_ops *pol_find(const char *name)
{
	for (int i = 0; pol_registry[i]; i++)
		if (!strcasecmp(pol_registry[i]->name, name))
			return pol_registry[i];
	return NULL;
}
