// SPDX-License-Identifier: GPL-2.0
/* mrc_opt.c - Belady's MIN, one simulation per size: the victim is the resident block whose
 * next access is farthest in the future (never again first), from a next-use pre-pass. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "traces/mrc_internal.h"

/*
 * The priority structure is a max-heap of (next use, block) entries without decrease-key: each
 * access pushes its block's new next use and leaves the old entry behind. An old entry's key is
 * the index of an access already made, so at access i every stale entry has a key <= i while
 * every resident block's current entry has a key > i: the maximum is always current, and a pop
 * never meets a stale entry. Stale entries are dropped when the heap reaches 2 * capacity + 2
 * (one linear filter and heapify, amortised O(1)). A hit costs a push (O(1) expected: new keys
 * land low), a miss in a full cache a pop (O(log capacity)). Memory: the next-use array (4 bytes
 * per access, kept in the trace for the other sizes), 1 byte per block, 16 per cache block.
 */

#define KEY(e) ((uint32_t)((e) >> 32))

static int next_use_prepass(struct mrc_trace *t)
{
	uint32_t *seen;

	if (t->next_use)
		return 0;
	t->next_use = malloc((t->nr_acc ? t->nr_acc : 1) * sizeof(*t->next_use));
	seen = malloc((t->nr_ids ? t->nr_ids : 1) * sizeof(*seen));
	if (!t->next_use || !seen) {
		free(t->next_use);
		t->next_use = NULL;
		free(seen);
		return -ENOMEM;
	}
	memset(seen, 0xff, t->nr_ids * sizeof(*seen)); /* MRC_NONE */
	for (uint64_t i = t->nr_acc; i-- > 0;) {
		uint32_t id = MRC_ID(t->acc[i]);
		t->next_use[i] = seen[id];
		seen[id] = (uint32_t)i;
	}
	free(seen);
	return 0;
}

static inline void sift_up(uint64_t *h, uint64_t i)
{
	uint64_t e = h[i];

	while (i) {
		uint64_t p = (i - 1) / 2;
		if (h[p] >= e)
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = e;
}

static inline void sift_down(uint64_t *h, uint64_t n, uint64_t i)
{
	uint64_t e = h[i];

	for (;;) {
		uint64_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1] > h[c])
			c++;
		if (h[c] <= e)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = e;
}

/* Keep the current entries (key > now) and restore the heap order. */
static uint64_t purge(uint64_t *h, uint64_t n, uint64_t now)
{
	uint64_t m = 0;

	for (uint64_t i = 0; i < n; i++)
		if (KEY(h[i]) > now)
			h[m++] = h[i];
	for (uint64_t i = m / 2; i-- > 0;)
		sift_down(h, m, i);
	return m;
}

static uint64_t opt_one(const struct mrc_trace *t, bool reads_only, uint64_t cap,
			uint8_t *resident, uint64_t *heap)
{
	const uint32_t *nxt = t->next_use;
	uint64_t hcap = 2 * cap + 2, hn = 0, used = 0, nr_miss = 0;

	memset(resident, 0, t->nr_ids);
	for (uint64_t i = 0; i < t->nr_acc; i++) {
		uint32_t a = t->acc[i], id = MRC_ID(a);

		if (i + 16 < t->nr_acc) /* the future is known: a hint for the block 16 ahead */
			__builtin_prefetch(&resident[MRC_ID(t->acc[i + 16])]);
		if (!resident[id]) {
			nr_miss += mrc_counted(a, reads_only);
			if (used == cap) {
				uint32_t victim = (uint32_t)heap[0];
				heap[0] = heap[--hn];
				sift_down(heap, hn, 0);
				resident[victim] = 0;
				used--;
			}
			resident[id] = 1;
			used++;
		}
		if (hn == hcap)
			hn = purge(heap, hn, i);
		heap[hn] = (uint64_t)nxt[i] << 32 | id;
		sift_up(heap, hn++);
	}
	return nr_miss;
}

int mrc_opt_run(struct mrc_trace *t, bool reads_only, const uint64_t *blocks, size_t n,
		uint64_t *misses)
{
	uint64_t maxcap = mrc_max_blocks(t, blocks, n, false);
	uint8_t *resident;
	uint64_t *heap;
	int rc;

	heap = mrc_scratch(t, &resident, (2 * maxcap + 2) * sizeof(*heap));
	if (!heap)
		return -ENOMEM;
	rc = maxcap ? next_use_prepass(t) : 0;
	for (size_t i = 0; !rc && i < n; i++) {
		uint64_t counted = 0;

		if (blocks[i] && blocks[i] < t->nr_ids) {
			misses[i] = opt_one(t, reads_only, blocks[i], resident, heap);
			continue;
		}
		/* No room (every access misses), or room for every block (only first accesses). */
		memset(resident, 0, t->nr_ids);
		for (uint64_t j = 0; j < t->nr_acc; j++) {
			uint32_t id = MRC_ID(t->acc[j]);
			if (blocks[i] && resident[id])
				continue;
			resident[id] = 1;
			counted += mrc_counted(t->acc[j], reads_only);
		}
		misses[i] = counted;
	}
	free(resident);
	free(heap);
	return rc;
}
