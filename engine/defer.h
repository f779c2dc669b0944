/* SPDX-License-Identifier: GPL-2.0 */
/* defer.h - the fixed mode's deferred-bio queue: bios that wait until their offsets are idle. */
#ifndef SSDCACHE_DEFER_H
#define SSDCACHE_DEFER_H

#include <stdbool.h>
#include <stddef.h>

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
 *   defer_kick(): if bios wait, the worker is scheduled (once until it runs).
 * - At the end of process_sio, defer_retry_kicked() maps every waiting bio of a kicked target
 *   again, in arrival order, each through ssdcache_map: one that is remapped goes to the host's
 *   submit_bio; one that still collides is held again, behind the others of this round.
 * - ssdcache_dtr calls defer_free(); bios still waiting then belong to the host.
 */
struct bio;
struct ssdcache_ctx;
struct ssdcache_io;
struct ssdcache_wq;

struct ssdcache_defer {
	struct bio **bio; /* FIFO in an array: the order of arrival */
	size_t nr, cap;
	bool retry;       /* kicked: the worker maps the waiting bios again */
};

bool defer_overlaps(const struct ssdcache_ctx *sc, const struct bio *bio);
void defer_hold(struct ssdcache_io *sio, struct bio *bio);
void defer_kick(struct ssdcache_ctx *sc);
void defer_retry_kicked(struct ssdcache_wq *wq);
void defer_free(struct ssdcache_ctx *sc);

#endif
