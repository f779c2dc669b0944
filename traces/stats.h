/* SPDX-License-Identifier: GPL-2.0 */
/* stats.h - what a trace holds: mix, sizes, rate, footprint, sequentiality, reuse distance. */
#ifndef SSDCACHE_STATS_H
#define SSDCACHE_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/reader.h"

/*
 * Percentiles (request size, inter-arrival time, measured latency, stack distance) are exact,
 * by the nearest-rank rule: pNN is the value of rank ceil(NN/100 * n) in sorted order, so it is
 * a value of the trace and lies in the histogram bin where the cumulative share reaches NN %.
 * Sizes are counted per distinct value; inter-arrival times and latencies cost 8 bytes per
 * request (selected in O(n) at the end).
 *
 * Footprint and reuse (LRU stack) distance are computed over block accesses at block_bytes,
 * exactly: a Fenwick tree over last-access stamps gives each access its distance in O(log n),
 * and the distances are counted per value. Memory is bounded: at most max_blocks distinct
 * blocks are tracked (about 56 bytes each, so the default 4 Mi blocks, a 16 GiB footprint at
 * 4 KiB, is at most ~230 MiB); beyond that, blocks are sampled by a hash of their number
 * (SHARDS, Waldspurger et al., FAST '15): the sampling rate halves each time the tracked set is
 * full, distances and counts are scaled by 1/rate, distance percentiles become histogram bounds,
 * and the report says the rate. While the rate is 1 every figure is exact.
 */
#define TRC_STATS_MAX_BLOCKS_DEFAULT (1u << 22)

struct trc_stats_opts {
	uint64_t block_bytes; /* footprint / reuse granularity (default 4096) */
	uint64_t max_blocks;  /* distinct blocks tracked exactly (default TRC_STATS_MAX_BLOCKS_DEFAULT,
			       * at most 2^30) */
};

struct trc_stats;

/* Allocates (GSL histograms, the tracker's first tables); 0 or -ENOMEM / -EINVAL. */
int trc_stats_new(struct trc_stats **out, const struct trc_stats_opts *opts);
/* Account one request. Allocates while the tracker grows toward max_blocks and while the
 * exact-value arrays grow (amortised, doubling). */
void trc_stats_add(struct trc_stats *s, const struct trc_rec *rec);
/* Human table (json = false) or one JSON object. name/format/event/device describe the input. */
void trc_stats_print(struct trc_stats *s, FILE *fp, bool json, const char *name, const char *format,
		     char event, const uint32_t *device, const struct trc_counts *counts);
void trc_stats_free(struct trc_stats *s);
/* The btt-style breakdown trc_stats_print reports: give trc_btt_event and this as the reader's
 * trc_opts.on_event and event_ctx (blkparse and blktrace traces; other formats have no events
 * and the report leaves the section out). Per-process I/O comes from the records themselves. */
struct trc_btt *trc_stats_btt(struct trc_stats *s);
/* For tests: slots and stamps the reuse tracker's renumberings have visited so far. They cost
 * O(n) each and happen at most once per (tracked blocks) accesses, so this stays below a small
 * multiple of the block accesses: the tracker is O(log n) per access, never quadratic. */
uint64_t trc_stats_tracker_work(const struct trc_stats *s);

#endif
