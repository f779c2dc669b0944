/* SPDX-License-Identifier: GPL-2.0 */
/* defer.h - the fixed mode's deferred-bio queue: bios that wait until their offsets are idle. */
#ifndef SSDCACHE_DEFER_H
#define SSDCACHE_DEFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The seed answers a write that collides with I/O in flight on its offsets by cancelling it and
 * having dm resubmit it (WRITE_CANCEL, docs/quirks.md Q9), or by sending it to one device and
 * queueing a copy for the other (WRITE_BUSY with queue_busy, Q11 and Q12), and sends a read of
 * busy offsets to the target at once (READ_BUSY, Q14). The repairs of those quirks do what
 * dm-cache's bio prison does instead (docs/engine.md, "The fixed mode"): the bio waits here,
 * inside the engine, and is mapped again once the offsets it found busy are idle. The seed has
 * no such queue; in seed mode nothing is ever deferred, so every function below is a no-op there.
 *
 * The contract, in the order a bio meets it:
 * - ssdcache_map asks defer_overlaps() before the lookup: a bio overlapping a waiting one joins
 *   the queue behind it (counted as READ_BUSY / WRITE_BUSY), so overlapping bios keep their order.
 * - ssdcache_map calls defer_hold() when cte_match set sio->defer: the bio's sio is released, the
 *   bio is marked the engine's own (BDEV_SELF, no map_ptr) and appended (FIFO); map returns
 *   DM_MAPIO_SUBMITTED. Every held bio counts once in counters.deferred, each time it is held.
 * - Completions that clear busy bits (sio_finish_cache_write, sio_finish_target_write) call
 *   defer_kick() with their block: the worker is scheduled (once until it runs) if bios wait
 *   there (by block), or if any bio waits (all, see below).
 * - At the end of process_sio, defer_retry_kicked() maps the kicked bios again, in the order they
 *   were held, each through ssdcache_map: one that is remapped goes to the host's submit_bio; one
 *   that still collides is held again, behind the others of this round.
 *
 * Which bios a kick releases. The bios wait in cells, one per block (the block of their first
 * sector; a bio held behind an overlapping waiting one joins that one's cell), as in dm-cache's
 * bio prison. With the concurrency fixes all on (Q4, Q9, Q10, Q11, Q12, Q14: busy bits always
 * belong to I/O in flight on that block, whose completion kicks it) a kick releases only its
 * block's cell: the work per completion is that cell's bios, not the whole backlog (issue 11;
 * a trace arriving faster than the target held tens of thousands of bios here, each looked up
 * again at every completion). Otherwise (some of those quirks kept: a busy cte may be evicted,
 * or busy bits cancelled, with no kick of its block) a kick releases every cell, as before.
 * Both look a bio up again only when it may have become free; a bio of another block, whose
 * offsets are still busy, would only be held again (counting one more access on its cte, Q6).
 * - ssdcache_dtr calls defer_free(); bios still waiting then belong to the host.
 */
struct bio;
struct ssdcache_ctx;
struct ssdcache_io;
struct ssdcache_wq;

/* Links between entries and cells are index + 1, 0 for none: a zeroed ssdcache_defer is empty. */

/* A held bio; its cell's FIFO is linked through next. */
struct defer_ent {
	struct bio *bio;
	uint64_t stamp; /* order of holding */
	uint32_t next;
};

/* The bios waiting on one block: a FIFO of entries, in a hash chain by key. */
struct defer_cell {
	uint64_t key;       /* the block's first sector */
	uint32_t head, tail, n;
	uint32_t chain;     /* next cell of the bucket; free list when not live */
	uint32_t kick_next; /* next kicked cell */
	bool live, kicked;
};

/* Pools sized by need (doubling): memory follows the bios held, not the trace. */
struct ssdcache_defer {
	struct defer_ent *ent;
	uint32_t nr_ent, cap_ent, free_ent;
	struct defer_cell *cell;
	uint32_t nr_cell, cap_cell, free_cell, live_cells;
	uint32_t *bucket; /* cell chains by key hash; nr_bucket a power of two */
	uint32_t nr_bucket;
	uint32_t kicked;   /* kicked cells (by block), newest first */
	uint32_t over;     /* defer_overlaps' find: the cell to join (0: the bio's own block's) */
	size_t nr;         /* bios held */
	uint32_t max_len;  /* the longest bio ever held, in sectors (overlap search window) */
	uint64_t stamp;
	uint64_t lookups;  /* bios looked up again by the worker (tests: work per completion) */
	bool retry;        /* kicked: the worker maps the kicked bios again */
	bool retry_all;    /* kicked with per-block release off: every cell */
};

bool defer_overlaps(struct ssdcache_ctx *sc, const struct bio *bio);
void defer_hold(struct ssdcache_io *sio, struct bio *bio);
void defer_kick(struct ssdcache_ctx *sc, uint64_t block_sector);
void defer_retry_kicked(struct ssdcache_wq *wq);
void defer_free(struct ssdcache_ctx *sc);

#endif
