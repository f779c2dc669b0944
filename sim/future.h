/* SPDX-License-Identifier: GPL-2.0 */
/* future.h - the future oracle for look-ahead policies (opt): a pre-pass over the trace. */
#ifndef SSDCACHE_FUTURE_H
#define SSDCACHE_FUTURE_H

#include <stddef.h>
#include <stdint.h>

#include "policies/policy.h"
#include "sim/sim.h"

/*
 * The pre-pass reads the trace once with the same reader options and the same filters as the
 * run (zero-length and beyond-the-end requests skipped, --max-requests), numbers the requests
 * as dm_req_alloc will (arrival order from 0), and gives every piece a position: the k-th
 * (request, block) pair of the trace, in order. The oracle answers from it:
 *   position(req, block)  the position of that piece;
 *   next_use(block, pos)  the block's first position after pos, or POL_NEVER.
 * Memory: 16 B per piece plus 16 B per request, allocated here (never in a hook). A hook
 * costs one array read (position) or a binary search (next_use).
 */
struct future {
	struct fut_acc {
		uint64_t block, pos;
	} *acc;           /* sorted by (block, pos) */
	size_t nacc, capacc;
	uint64_t *req_pos;   /* per request: position of its first piece */
	uint64_t *req_block; /* per request: its first block */
	size_t nreq, capreq, capblk;
	struct pol_oracle oracle;
};

/* Build the oracle for cfg's trace and block size. 0, -ENOMEM, or the reader's -errno with a
 * located message in err (the run would stop at the same place). */
int future_build(struct future *f, const struct sim_config *cfg, uint64_t target_sectors, char *err,
		 size_t errlen);
void future_free(struct future *f);

#endif
