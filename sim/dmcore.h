/* SPDX-License-Identifier: GPL-2.0 */
/* dmcore.h - Linux 3.1 device-mapper core, emulated between user requests and the engine. */
#ifndef SSDCACHE_DMCORE_H
#define SSDCACHE_DMCORE_H

#include <stdbool.h>
#include <stdint.h>

#include "engine/engine.h"
#include "sim/device.h"
#include "traces/reader.h"

/*
 * What dm.c does around a target's map/end_io (docs/engine.md §0.4 and 5.1), in one place, for the
 * simulator and for the real-device replay alike:
 *  - a flush request becomes one empty flush clone (sector 0, size 0), then its data, if any,
 *    is mapped as an ordinary write in the same submission;
 *  - a discard is one piece (dm 3.1 does not split discards);
 *  - data requests are split at block boundaries with dm's max_io_len (ti->split_io = bs);
 *  - pieces are mapped in ascending order, remapped ones go to a FIFO dispatch list
 *    (generic_make_request's current->bio_list) which is drained after the last map; a piece
 *    still addressed to the dm device (WRITE_CANCEL, Q9) is mapped again as a fresh bio;
 *  - a request completes when its last piece does.
 * Device I/O goes to a backend (simulated devices, or io_uring); observers see every decision
 * and completion without touching engine state.
 */

/* A bio as dm holds it: the engine's struct bio, plus the observer's data handle. */
struct dm_bio {
	struct bio bio;
	void *data;             /* observer-owned (the verifier's versions); NULL otherwise */
	struct dm_piece *piece; /* the piece, for primaries; NULL for clones */
	uint32_t obs_io;        /* the miss explanation's handle of this I/O in flight (0 when
				 * handed out: host_bio_clone sets it, a piece keeps it 0 in
				 * its pool, dmcore.c's pools) */
	struct dm_bio *next_free;
};

struct dm_req {
	uint64_t id;          /* arrival order, from 0 */
	uint32_t flags;       /* TRC_* */
	uint8_t obs_op;       /* the observer's: a counted request's enum sim_op (obs_request) */
	uint64_t sector;
	uint32_t nsect;
	uint64_t arrival_ns;
	uint64_t version;     /* write version (verifier); 0 for other requests */
	unsigned pieces_left;
	int error;
	int64_t trace_latency_ns; /* measured in the trace, -1 if unknown */
	struct dm_req *next_free;
};

struct dm_piece {
	struct dm_bio b;
	struct dm_req *req;
	char op;                 /* 'R', 'W', 'F', 'D': the decision log's letter */
	uint64_t sector;         /* as mapped (before any remap) */
	uint32_t nsect;
	uint64_t map_ns;         /* when it was first mapped */
	uint64_t last_seq;       /* decision-log sequence of its latest map */
	/* outcome to device_io together: piece_new clears them in two stores */
	enum cte_match_t outcome; /* first cte_match result (or pseudo outcome) */
	enum bio_bdev served_by;
	bool decided;
	bool device_io;          /* a device served it (false: completed by the engine) */
	void *vsnap;             /* verifier's snapshot at submission */
	unsigned obs_token;      /* observer's per-piece scratch (miss explanation) */
	struct dm_piece *next_free;
};

/* A device I/O: a primary piece, or a secondary dm_io of the engine. */
struct dm_dio {
	struct dev_io io;
	enum bio_bdev dev;
	struct dm_bio *data;        /* whose data is written / where read data goes */
	struct dm_piece *piece;     /* primary: the piece; secondary: NULL */
	void (*fn)(unsigned long error, void *context); /* a secondary's (not set for a primary) */
	void *context;
	struct dm_dio *next_free;
};

struct dm_backend {
	void *be;
	uint64_t (*now_ns)(void *be);
	/* Send dio to its device; the backend calls dm_dio_complete() when it is done. */
	void (*submit)(void *be, struct dm_dio *dio);
	/* Arrange for dm_run_worker() to run (later, or at once after this handler). */
	void (*queue_work)(void *be);
};

/* Observers; every hook optional. They must not call back into dm. */
struct dm_hooks {
	void *obs;
	void (*mapped)(void *obs, struct dm_piece *p, uint64_t seq);  /* before ssdcache_map */
	/* p is NULL for a decision the worker makes after map (the piece may be gone) */
	void (*decision)(void *obs, struct dm_piece *p, uint64_t seq, enum cte_match_t r, long hash,
			 long idx);
	void (*clone)(void *obs, struct dm_bio *src, struct dm_bio *clone);
	void (*bio_free)(void *obs, struct dm_bio *b);
	void (*dio_done)(void *obs, struct dm_dio *dio, uint64_t now_ns); /* data lands / is sampled */
	void (*piece_done)(void *obs, struct dm_piece *p, int error, uint64_t now_ns);
	void (*req_done)(void *obs, struct dm_req *r, uint64_t now_ns);
	void (*seed_crash)(void *obs, int q, const char *what);
};

struct dm_core;

/* Build the target (ssdcache_ctr) over a cache of cache_bytes and a target of target_sectors. */
int dm_create(struct dm_core **out, const struct ssdcache_config *cfg, uint64_t cache_bytes,
	      uint64_t target_sectors, unsigned hz, uint64_t jiffies0, const struct dm_backend *be,
	      const struct dm_hooks *hooks, char *err, size_t errlen);
void dm_destroy(struct dm_core *dm);
/* Optional: the backend's current time is *now_ns, read without a call to be->now_ns. */
void dm_set_clock(struct dm_core *dm, const uint64_t *now_ns);
/* Optional: fn(hooks.obs, p, error, now) does hooks.piece_done(p) and then hooks.req_done(p->req)
 * at the same now, in one call, for the piece that ends its request. dm uses it instead of the
 * two while its clock is lent (dm_set_clock: both would read the same time) and hooks.bio_free
 * is NULL (nothing of the observer's runs between them then): one indirect call per request
 * instead of two. (Not a dm_hooks field: the replay's hooks are a positional initializer.) */
void dm_set_last_piece_done(struct dm_core *dm,
			    void (*fn)(void *obs, struct dm_piece *p, int error, uint64_t now_ns));

struct dm_req *dm_req_alloc(struct dm_core *dm);
/* The one place a trace record becomes a request (`run` and `replay` alike): a request from
 * dm_req_alloc with the record's flags and extent (a flush without data at sector 0), arriving at
 * arrival_ns, with the trace's measured latency. The version (verifier) is the observer's.
 * Out of line, but each field is written once (dm_req_alloc's defaults and then the record's
 * were a second call and five stores more per request). */
struct dm_req *dm_req_from_rec(struct dm_core *dm, const struct trc_rec *rec, uint64_t arrival_ns);
/* Submit one user request (split, map, dispatch). The request is freed after req_done. */
void dm_submit(struct dm_core *dm, struct dm_req *req);
/* The backend reports a finished device I/O. */
void dm_dio_complete(struct dm_core *dm, struct dm_dio *dio, int error);
/* The worker (kssdcached) runs. */
void dm_run_worker(struct dm_core *dm);
/* True while requests, device I/O or work are outstanding. */
bool dm_busy(const struct dm_core *dm);

struct ssdcache_ctx *dm_target(struct dm_core *dm);
uint64_t dm_pieces_mapped(const struct dm_core *dm);

/* dm's max_io_len for a target starting at 0 (docs/engine.md §5.1). */
uint64_t dm_max_io_len(uint64_t sector, uint64_t target_len, uint64_t split_io);

#endif
