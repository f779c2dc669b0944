// SPDX-License-Identifier: GPL-2.0
/* mrc_fifo.c - FIFO miss counts, one simulation per size: a ring of the resident blocks in
 * insertion order (a hit changes nothing), O(1) per access. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "traces/mrc_internal.h"


static uint64_t fifo_one(const struct mrc_trace *t, bool reads_only, uint64_t cap,
			 uint8_t *resident, uint32_t *ring)
{
	uint64_t head = 0, used = 0, nr_miss = 0;

	memset(resident, 0, t->nr_ids);
	for (uint64_t i = 0; i < t->nr_acc; i++) {
		uint32_t a = t->acc[i], id = MRC_ID(a);

		if (i + 16 < t->nr_acc) /* the future is known: a hint for the block 16 ahead */
			__builtin_prefetch(&resident[MRC_ID(t->acc[i + 16])]);
		if (resident[id])
			continue;
		nr_miss += mrc_counted(a, reads_only);
		if (used == cap) {
			resident[ring[head]] = 0;
			ring[head] = id;
			head = head + 1 == cap ? 0 : head + 1;
		} else {
			ring[used++] = id;
		}
		resident[id] = 1;
	}
	return nr_miss;
}

int mrc_fifo_run(struct mrc_trace *t, bool reads_only, const uint64_t *blocks, size_t n,
		 uint64_t *misses)
{
	uint64_t maxcap = mrc_max_blocks(t, blocks, n, true);
	uint8_t *resident;
	uint32_t *ring;

	ring = mrc_scratch(t, &resident, (maxcap ? maxcap : 1) * sizeof(*ring));
	if (!ring)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		uint64_t counted = 0;

		if (blocks[i]) {
			/* A cache as large as the footprint never evicts: the same as nr_ids. */
			uint64_t c = blocks[i] < t->nr_ids ? blocks[i] : t->nr_ids;
			misses[i] = c ? fifo_one(t, reads_only, c, resident, ring) : 0;
			continue;
		}
		for (uint64_t j = 0; j < t->nr_acc; j++)
			counted += mrc_counted(t->acc[j], reads_only);
		misses[i] = counted; /* no room: every access misses */
	}
	free(resident);
	free(ring);
	return 0;
}
