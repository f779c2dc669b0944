// SPDX-License-Identifier: GPL-2.0
/* registry.c - the table of victim policies; adding one = one file + one entry here. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policies/policy.h"

extern const struct pol_ops pol_fifo, pol_random, pol_clock, pol_srrip, pol_opt, pol_mru;

/* in the order help texts list them: the seed's two first */
const struct pol_ops *const pol_registry[] = {
	&pol_lfu, &pol_lru, &pol_fifo, &pol_random, &pol_clock, &pol_srrip, &pol_opt, &pol_mru, NULL,
};

const struct pol_ops *pol_find(const char *name)
{
	for (int i = 0; pol_registry[i]; i++)
		if (!strcasecmp(pol_registry[i]->name, name))
			return pol_registry[i];
	return NULL;
}

const char *pol_names(char *buf, size_t len, const char *sep)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; pol_registry[i] && o < len; i++) {
		int w = snprintf(buf + o, len - o, "%s%s", i ? sep : "", pol_registry[i]->name);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}
