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
 * The shadows make a block cached at once; the engine makes it clean only when its fill has
 * been written. So the I/O in flight is tracked too (explain_io_start / explain_io_end): a
 * miss whose offsets have a fill or a write in flight when it is mapped is "busy" (the
 * READ_INVALID of a re-read that overtook the fill of the first read, which no placement would
 * have turned into a hit), as is READ_BUSY; "conflict" is left for misses the LRU would have
 * hit with nothing in flight. A read that found no slot (WRITE_SKIP, Q1), LOOKUP_FAILED or a
 * bypass is "policy". Everything is O(1) per access (amortised); memory follows the footprint
 * (a table entry per distinct block, 8 B, 11 to 21 B at the table's load), the LRU's size (under
 * 64 B per block in it) and the I/O in flight.
 */
struct explain;

struct explain *explain_new(uint64_t capacity_blocks, unsigned long block_size);
void explain_free(struct explain *e);
/* A data piece's first map. The I/O in flight is looked at now; the shadows' part (look, then
 * update) is queued and settled up to 8 accesses later, in access order (so the table slot's
 * cache miss is prefetched that far ahead; results are the same). *token (the piece's word)
 * is pending until then: pass it to explain_classify, and to explain_settle before the piece
 * is freed or reused (the queue then no longer writes to it). */
void explain_access(struct explain *e, unsigned *token, uint64_t sector, uint32_t nsect);
/* A fill or write of [sector, sector + nsect) (inside one block) is in flight until
 * explain_io_end(io); io is the I/O's handle, a word the host keeps with it (in its bio),
 * 0 before explain_io_start and set back to 0 by explain_io_end (0: not tracked, so ending an
 * io never started, or twice, is a no-op; starting one already tracked too). */
void explain_io_start(struct explain *e, uint32_t *io, uint64_t sector, uint32_t nsect);
void explain_io_end(struct explain *e, uint32_t *io);
/* True once a shadow could not grow for want of memory (the classification is then
 * approximate: the caller should stop or say so). */
bool explain_failed(const struct explain *e);
/* I/Os in flight (tests). */
uint64_t explain_in_flight(const struct explain *e);
/* Keep ring positions at or below limit (tests: the rebase that keeps them in 32 bits, at
 * limit >= 4 times the ring's slots; default and at most UINT32_MAX). */
void explain_set_pos_limit(struct explain *e, uint64_t limit);
/* A hint: the request at sector will be accessed soon (no effect on results). */
void explain_prefetch(const struct explain *e, uint64_t sector);
/* Classify a read piece by its first outcome and count it in miss[MISS_NR] (a hit is not
 * counted): now, or when its access is settled if still pending (explain_drain settles all). */
void explain_classify(struct explain *e, unsigned *token, enum cte_match_t outcome, uint64_t *miss);
/* The holder of token is going: a pending access is settled without writing to it. */
void explain_settle(struct explain *e, unsigned *token);
/* Settle every pending access (before the miss counts are read). */
void explain_drain(struct explain *e);

#endif
