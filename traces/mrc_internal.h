/* SPDX-License-Identifier: GPL-2.0 */
/* mrc_internal.h - what the miss-ratio-curve policies share: the access sequence and their ops. */
#ifndef SSDCACHE_MRC_INTERNAL_H
#define SSDCACHE_MRC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "traces/mrc.h"

/* One access: the block's dense id (0 .. nr_ids-1) and, in the top bit, "is a read". */
#define MRC_READ_BIT (1u << 31)
#define MRC_ID(a) ((a) & ~MRC_READ_BIT)
#define MRC_NONE UINT32_MAX /* "never again" as a next-use index */
#define MRC_BATCH 16

struct mrc_trace {
	uint64_t block_bytes, sect_per_block;
	double rate;
	uint64_t thresh;          /* a block is kept if mix64(block) <= thresh */
	bool sealed;
	uint32_t *acc;            /* the sampled accesses, in order */
	uint64_t nr_acc, acc_cap;
	uint32_t nr_ids;          /* distinct sampled blocks */
	uint64_t total, total_reads; /* every access, sampled or not */
	/* block -> id map (freed by seal): open addressing, linear probing; slot s is the three
	 * words map[3s] (id + 1; 0: empty) and map[3s+1..3s+2] (the block number), so a lookup
	 * touches one cache line, mostly, in 12 bytes per slot. */
	uint32_t *map;
	uint64_t map_cap;
	/* Accesses waiting for the map: their slots are prefetched when they arrive and looked
	 * up MRC_BATCH at a time, so the cache misses of a batch overlap instead of queueing. */
	uint64_t pend_blk[MRC_BATCH], pend_hash[MRC_BATCH];
	bool pend_read[MRC_BATCH];
	unsigned nr_pend;
	uint32_t *next_use;       /* OPT's pre-pass, computed on first use, kept for other sizes */
	/* lru_only: no sequence; distances are counted as the trace is read */
	bool lru_only, reads_only;
	struct mrc_lru *lru;      /* freed by seal */
	uint64_t *hist;           /* hist[d]: counted accesses at stack distance d */
	uint64_t hist_cap, cold;  /* cold: counted first accesses */
};

/* Ask for transparent huge pages on the 2 MiB-aligned part of a large allocation made before
 * it is touched: the tables are read at random, and with 4 KiB pages most lookups would also
 * miss the TLB. A hint only (no effect where THP is off or the block is small). */
void mrc_hugepages(void *p, size_t bytes);

/* Does this access count (reads_only: reads only)? */
static inline bool mrc_counted(uint32_t a, bool reads_only)
{
	return !reads_only || (a & MRC_READ_BIT);
}

/* A policy: misses[i] = counted misses of a cache of blocks[i] blocks (increasing; 0 allowed)
 * over the sampled sequence. 0 or -ENOMEM. */
struct mrc_policy_ops {
	const char *name;
	int (*run)(struct mrc_trace *t, bool reads_only, const uint64_t *blocks, size_t n,
		   uint64_t *misses);
};

int mrc_lru_run(struct mrc_trace *t, bool reads_only, const uint64_t *blocks, size_t n,
		uint64_t *misses);
/* Streaming stack distances (mrc_lru.c), for traces opened with lru_only: ids arrive densely
 * (a new id is at most the largest so far + 1). *dist: the distance, or UINT64_MAX for a first
 * access. 0 or -ENOMEM (then the state is unusable). */
struct mrc_lru;
int mrc_lru_stream_new(struct mrc_lru **out);
int mrc_lru_stream_access(struct mrc_lru *l, uint32_t id, uint64_t *dist);
void mrc_lru_stream_free(struct mrc_lru *l);

/* The largest cache the FIFO and OPT runs keep room for: blocks[i] at most nr_ids (clamp), or only
 * the blocks[i] below nr_ids (the others are counted without a cache). */
static inline uint64_t mrc_max_blocks(const struct mrc_trace *t, const uint64_t *blocks, size_t n,
				      bool clamp)
{
	uint64_t m = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t b = blocks[i] < t->nr_ids ? blocks[i] : clamp ? t->nr_ids : 0;
		m = b > m ? b : m;
	}
	return m;
}

/* The scratch of the FIFO and OPT runs: *resident a byte per block id, and the returned buffer
 * of bytes; NULL (nothing held) when memory is short. */
static inline void *mrc_scratch(const struct mrc_trace *t, uint8_t **resident, size_t bytes)
{
	void *buf = malloc(bytes);

	*resident = malloc(t->nr_ids ? t->nr_ids : 1);
	if (buf && *resident)
		return buf;
	free(buf);
	free(*resident);
	*resident = NULL;
	return NULL;
}

int mrc_fifo_run(struct mrc_trace *t, bool reads_only, const uint64_t *blocks, size_t n,
		 uint64_t *misses);
int mrc_opt_run(struct mrc_trace *t, bool reads_only, const uint64_t *blocks, size_t n,
		uint64_t *misses);

#endif
