/* SPDX-License-Identifier: GPL-2.0 */
/* replay_verify.h - replay --verify: real data in every written sector, checked on every read. */
#ifndef SSDCACHE_REPLAY_VERIFY_H
#define SSDCACHE_REPLAY_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/dmcore.h"
#include "sim/replay.h"

/*
 * Each bio gets a data buffer (dm_bio.data; the model verifier of observe.c is off in this
 * mode): a user write's buffer holds rsec_fill sectors (this run's id, the target sector, the
 * write's version as generation); a read's buffer receives what the device returned, and a
 * fill clone shares it, so the cache gets exactly what the target gave. When a read piece
 * completes, every sector is checked against the newest version acknowledged to the user
 * before the read was submitted (the definition of sim/verify.c):
 *   corrupt    not a valid header (bad CRC, damaged magic, foreign data) and not all zeros;
 *   misplaced  a valid header of another sector, or the cache's own prefill;
 *   stale      an older generation than acknowledged (data this run did not write counts as
 *              generation 0);
 *   never written  zeros, the target's prefill, an earlier run's data or a replay's without
 *              --verify (RSEC_UNVERIFIED) where nothing was acknowledged: not an error, counted.
 * A read piece is counted once, by its worst sector (corrupt, misplaced, stale).
 *
 * Racing reads. Through the page cache a read that copies a page while a write of the same
 * sectors is copied in can return a sector half old, half new (a bad CRC); O_DIRECT moves
 * whole sectors, but a device is free to do the same. So the backend reports every device
 * read and write in flight (rverify_dio_submit/_done), and a read's sector is racing when a
 * write to the same device sector was in flight when the read was submitted or was submitted
 * during its flight. A racing read piece (one racing sector or more) is counted in `racing`;
 * a bad sector (corrupt) that is racing is a tear: counted in `torn`, not a mismatch. Stale
 * and misplaced data are mismatches, racing or not: a whole old or new sector is at least the
 * acknowledged generation (the racing write is not acknowledged yet).
 */
struct rverify;

struct rverify *rverify_new(uint32_t run_id, FILE *log);
void rverify_free(struct rverify *v);

/* dm hooks (the replay calls them after the observer's) */
void rverify_mapped(struct rverify *v, struct dm_piece *p);
void rverify_clone(struct rverify *v, struct dm_bio *src, struct dm_bio *clone);
void rverify_bio_free(struct rverify *v, struct dm_bio *b);
void rverify_piece_done(struct rverify *v, struct dm_piece *p, int error, uint64_t now_ns);
void rverify_req_done(struct rverify *v, struct dm_req *r);

/* The backend: a device read or write (other ops ignored) was queued / has completed (call it
 * before dm_dio_complete). v NULL: nothing. */
void rverify_dio_submit(struct rverify *v, const struct dm_dio *d);
void rverify_dio_done(struct rverify *v, const struct dm_dio *d);
/* A completed read overlapped a write in flight (at least one racing sector). */
bool rverify_dio_racing(const struct rverify *v, const struct dm_dio *d);

/* The buffer of a bio (NULL: none), at least nsect * 512 bytes, 4 KiB aligned. */
void *rverify_buf(struct dm_bio *b);

/* Counts into rr (checked_reads .. never_written, racing, torn). */
void rverify_result(const struct rverify *v, struct replay_result *rr);

#endif
