/* SPDX-License-Identifier: GPL-2.0 */
/* mrc.h - miss-ratio curves of fully associative caches (LRU, FIFO, Belady's OPT) on a trace. */
#ifndef SSDCACHE_MRC_H
#define SSDCACHE_MRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/reader.h"

/*
 * The model is an object cache of whole blocks (block_bytes each), fully associative, of a
 * given capacity in blocks: every access to a block is a get, a miss always inserts (and, when
 * the cache is full, evicts the policy's victim first). A request covering several blocks is one
 * access per block, in address order. Reads and writes are accesses; discards and requests
 * without a range (empty flushes) are not. With reads_only, the cache sees every access the
 * same way (writes update recency and insert on a miss) but only reads are counted.
 *
 * Use: mrc_trace_new, mrc_trace_add_rec (or _add_block) for every record, mrc_trace_seal, then
 * mrc_run per policy. The trace is held in memory as 4 bytes per (sampled) access; the block
 * number -> dense id map costs 12 bytes per hash slot (load 0.35..0.7) until mrc_trace_seal
 * frees it; LRU needs 12.5 bytes per distinct block, FIFO 1 per block and 4 per cache block,
 * OPT 4 per access plus 1 per block and 16 per cache block. With lru_only there is no sequence:
 * the map, 12.5 bytes of LRU state and an 8-byte histogram entry per distinct block.
 *
 * Sampling (SHARDS, Waldspurger et al., FAST '15, fixed rate): with sample_rate R < 1 only the
 * blocks whose hash falls below R are kept; every policy then runs on that sample with a
 * miniature cache of round(capacity * R) blocks (for LRU this is the stack-distance scaling of
 * SHARDS), and misses are scaled back by 1/R against the exact count of accesses (SHARDS_adj:
 * the expected number of sampled accesses is the denominator, so sampling noise in how many
 * accesses were kept does not bias the ratio). R = 1 (or 0, the default) is exact.
 */

struct mrc_trace_opts {
	uint64_t block_bytes; /* a multiple of 512; 0: 4096 */
	double sample_rate;   /* (0, 1]; 0: 1 (exact) */
	/* Keep no sequence: count LRU stack distances while the trace is read (a histogram), so
	 * memory is per distinct block only, whatever the trace's length. mrc_run then takes only
	 * "lru" with this reads_only. */
	bool lru_only;
	bool reads_only;      /* with lru_only: what the histogram counts */
};

struct mrc_trace;

/* Allocates the first tables. 0, -EINVAL (bad block size or rate) or -ENOMEM. */
int mrc_trace_new(struct mrc_trace **out, const struct mrc_trace_opts *opts);
void mrc_trace_free(struct mrc_trace *t);

/* Account one request: one access per block it covers if it is a read or a write with a range;
 * others are ignored. 0, -ENOMEM, or -E2BIG (more than 2^32 - 2 sampled accesses or 2^31 - 1
 * distinct sampled blocks: use a sample rate). Allocates as the trace grows. Accesses are
 * buffered (a few) before they are mapped, so an error may surface a few accesses late. */
int mrc_trace_add_rec(struct mrc_trace *t, const struct trc_rec *rec);
/* One access to one block (tests, other front ends). Same returns. */
int mrc_trace_add_block(struct mrc_trace *t, uint64_t block, bool is_read);
/* No more accesses: maps the last buffered ones, frees the block map. Needed before mrc_run;
 * idempotent. 0, or the -ENOMEM / -E2BIG of the buffered accesses (then the trace is unusable). */
int mrc_trace_seal(struct mrc_trace *t);

/* Exact counts of the whole trace (not only the sample). */
uint64_t mrc_trace_accesses(const struct mrc_trace *t, bool reads_only);
/* Distinct blocks: exact when not sampled, else the sampled count / rate (an estimate). */
uint64_t mrc_trace_distinct(const struct mrc_trace *t);
/* Accesses kept by the sampler (== mrc_trace_accesses(t, false) when exact). */
uint64_t mrc_trace_sampled(const struct mrc_trace *t);
uint64_t mrc_trace_block_bytes(const struct mrc_trace *t);
double mrc_trace_rate(const struct mrc_trace *t);

/* ---- policies ---- */

struct mrc_point {
	uint64_t size_bytes;
	uint64_t accesses; /* counted accesses (exact) */
	uint64_t misses;   /* exact, or the sampled misses scaled by 1/rate (<= accesses) */
};

/* The policies, by name: "lru" (all sizes in one pass by stack distances), "fifo", "opt"
 * (Belady's MIN: the victim is the resident block whose next access is farthest). */
bool mrc_policy_known(const char *name);
/* The table, in order (for help, messages and "all"): name i of count, NULL past the end. */
size_t mrc_policy_count(void);
const char *mrc_policy_name(size_t i);

/* Miss counts of policy for cache sizes sizes[0..n) (bytes, strictly increasing; a size is
 * floor(size / block_bytes) blocks, 0 blocks: every access misses). out[i] receives size i.
 * Allocates its working memory (freed before returning). 0, -EINVAL (unknown policy, unsealed
 * trace, sizes not increasing; with lru_only, another policy or reads_only) or -ENOMEM. */
int mrc_run(struct mrc_trace *t, const char *policy, bool reads_only, const uint64_t *sizes,
	    size_t n, struct mrc_point *out);

/* Sizes for `--sizes auto`: powers of two from max(block_bytes, footprint / 2^15) below the
 * footprint, then the footprint itself (where only cold misses remain). Writes at most max
 * sizes, increasing; returns how many (0 when the trace has no access). */
size_t mrc_auto_sizes(const struct mrc_trace *t, uint64_t *sizes, size_t max);

#endif
