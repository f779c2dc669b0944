/* SPDX-License-Identifier: GPL-2.0 */
/* dev_share.h - what several devices of one host share: server pools (two files on one disk). */
#ifndef SSDCACHE_DEV_SHARE_H
#define SSDCACHE_DEV_SHARE_H

#include <stddef.h>
#include <stdint.h>

/*
 * A cache file and a target file on the same disk are not two devices: they queue for the same
 * disk. A model that serves I/O from a number of servers (the fixed model's `servers`) can take
 * them from a named pool instead of its own (`pool=NAME`); every device of the host that names
 * the same pool then waits for the same servers. The host owns one struct dev_share for the
 * life of its devices (dev_env.share) and frees it after the last dev_destroy. A host without
 * one (NULL) gives each device a pool of its own, which is the model without the option.
 *
 * Contract: the pool's size is the largest `servers` any of its members asked for; it can grow
 * only while devices are being created (before the first submit). Its servers are free at 0.
 */
struct dev_pool {
	char name[64];
	uint64_t servers;
	uint64_t *free_at;    /* [servers]: when each server is next free, simulated ns */
	struct dev_pool *next;
};

struct dev_share {
	struct dev_pool *pools;
};

/* The pool called name with at least `servers` servers, created or grown; NULL with err when
 * memory runs out. */
struct dev_pool *dev_share_pool(struct dev_share *s, const char *name, uint64_t servers, char *err,
				size_t errlen);
void dev_share_free(struct dev_share *s);

/* The server of pool p that is free first (the lowest index among equals). */
static inline uint64_t *dev_pool_first_free(const struct dev_pool *p)
{
	uint64_t *srv = &p->free_at[0];

	for (uint64_t i = 1; i < p->servers; i++)
		if (p->free_at[i] < *srv)
			srv = &p->free_at[i];
	return srv;
}

#endif
