// SPDX-License-Identifier: GPL-2.0
/* dev_share.c - named server pools shared by the devices of one host (dev_share.h). */
#include "sim/dev_share.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dev_pool *dev_share_pool(struct dev_share *s, const char *name, uint64_t servers, char *err,
				size_t errlen)
{
	struct dev_pool *p;

	for (p = s->pools; p && strcmp(p->name, name); p = p->next)
		;
	if (!p) {
		if (!(p = calloc(1, sizeof(*p)))) {
			snprintf(err, errlen, "out of memory for pool %s", name);
			return NULL;
		}
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->next = s->pools;
		s->pools = p;
	}
	if (servers > p->servers) {
		uint64_t *v = realloc(p->free_at, servers * sizeof(*v));

		if (!v) {
			snprintf(err, errlen, "out of memory for %llu servers of pool %s",
				 (unsigned long long)servers, name);
			return NULL;
		}
		memset(v + p->servers, 0, (servers - p->servers) * sizeof(*v));
		p->free_at = v;
		p->servers = servers;
	}
	return p;
}

void dev_share_free(struct dev_share *s)
{
	while (s->pools) {
		struct dev_pool *p = s->pools;

		s->pools = p->next;
		free(p->free_at);
		free(p);
	}
}
