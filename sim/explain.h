/* SPDX-License-Identifier: GPL-2.0 */
/* explain.h - why did a read miss? compulsory, capacity, conflict, busy or policy. */
#ifndef SSDCACHE_EXPLAIN_H
#define SSDCACHE_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "sim/sim.h"

/*
 * Two shadows observe the block access stream (every data piece, at its first map):
 *  - the set of blocks ever accessed: a read miss on a block never seen is compulsory;
 *  - a fully associative LRU cache with as many blocks as the engine's cache: if it misses
 *    too, the miss is one of capacity; if it hits, the engine lost the block to placement
 *    and associativity (conflict) or holds only part of it.
 * READ_BUSY is "busy"; a read that found no slot (WRITE_SKIP, Q1), LOOKUP_FAILED or a bypass
 * is "policy". Both shadows are O(1) per access; memory follows the footprint.
 */
struct explain;

struct explain *explain_new(uint64_t capacity_blocks, unsigned long block_size);
void explain_free(struct explain *e);
/* A data piece's first map: look at the shadows (before updating them) and update them.
 * Returns a small token to pass to explain_classify (the pre-access state). */
unsigned explain_access(struct explain *e, uint64_t sector);
/* A hint: the request at sector will be accessed soon (no effect on results). */
void explain_prefetch(const struct explain *e, uint64_t sector);
/* Classify a read piece by its first outcome; returns MISS_NR for a hit. */
enum sim_miss explain_classify(unsigned token, enum cte_match_t outcome);

#endif
