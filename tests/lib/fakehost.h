/* SPDX-License-Identifier: GPL-2.0 */
/* fakehost.h - a test host for the engine: a clock the test sets and I/O the test completes. */
#ifndef SSDCACHE_FAKEHOST_H
#define SSDCACHE_FAKEHOST_H

/*
 * The smallest host engine.h's contract allows (docs/engine.md "The host"), with no trace, no
 * device model and no event queue: nothing happens unless the test says so.
 *  - jiffies() returns fh->jiffies, which only fh_set_jiffies / fh_tick change;
 *  - every device I/O (a dispatched primary piece or a dm_io of the engine) waits in a list
 *    until the test completes it with fh_complete(), in any order the test likes;
 *  - queue_work() only sets "pending"; the worker runs when the test calls fh_run_worker().
 * A piece is one bio handed to ssdcache_map(); the host does not split (the test passes pieces
 * inside one block, as dm would). Dispatch follows dm (sim/dmcore.c): a REMAPPED piece still
 * addressed to the dm device (WRITE_CANCEL, seed Q9) is mapped again as a fresh bio at once.
 * Only engine.h's public API is used: the tests do not depend on the engine's internals.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

struct fh_piece;

enum fh_io_kind { FH_PRIMARY, FH_SECONDARY };

/* One device I/O. Kept (done or not) until fh_destroy, so a test can look at it afterwards. */
struct fh_io {
	unsigned id;            /* issue order, from 1 */
	enum fh_io_kind kind;
	enum bio_bdev dev;      /* BDEV_CACHE or BDEV_TARGET */
	char op;                /* 'R', 'W', 'F' (a flush dm_io, fixed Q18), 'D' (a discard) */
	sector_t sector;        /* on dev (a cache sector for the cache) */
	uint32_t nsect;
	/* primary: the piece; secondary: the piece whose data it writes (it was cloned from it) */
	struct fh_piece *piece;
	bool done;
	void (*fn)(unsigned long error, void *context); /* secondary: the engine's callback */
	void *context;
};

/* One user piece. Kept until fh_destroy. */
struct fh_piece {
	struct bio bio;         /* what the engine sees; bi_private points back here */
	unsigned id;            /* 1, 2, ... in submission order */
	char op;                /* 'R', 'W', 'F', 'D' */
	int map_ret;            /* what the last ssdcache_map by the host returned */
	unsigned maps;          /* ssdcache_map calls by the host (a WRITE_CANCEL maps twice) */
	unsigned ndecisions;    /* decision() calls naming it (map's, and deferred retries') */
	enum cte_match_t first, last; /* its first and latest decision */
	long hash, idx;         /* cmd and slot of its latest decision (-1: none) */
	bool done;              /* completed to the user */
	int status;
	struct fh_io *io;       /* its primary device I/O, once dispatched */
};

struct fakehost {
	struct ssdcache_wq *wq;
	struct ssdcache_ctx *sc;
	unsigned long jiffies;
	bool work_pending;
	unsigned queue_work_calls, worker_runs, endio_calls, submit_bio_calls, seed_crashes;
	int last_crash_quirk;
	uint64_t seq;
	struct fh_piece **pieces;
	size_t npieces, cap_pieces;
	struct fh_io **ios;
	size_t nios, cap_ios;
	long live_clones;       /* bio_clone minus bio_put */
	char log[4096];         /* "1:READ_MISS 2:WRITE_CANCEL 2:WRITE_MISS w:WRITE_MISS" */
	size_t loglen;
	char buf[1024];         /* fh_cte / fh_pending text */
};

/* A target over cache_bytes, table parsed with `fixed` repaired (QUIRKS_SEED: seed-exact).
 * On error returns NULL with the message in err. */
struct fakehost *fh_create(const char *table, quirk_set fixed, uint64_t cache_bytes, char *err,
			   size_t errlen);
/* Run the worker while it is pending, else complete the oldest outstanding I/O (no error),
 * until nothing is left. */
void fh_drain(struct fakehost *fh);
/* Drain (seed Q38: the host drains all I/O before the destructor), tear down, free. */
void fh_destroy(struct fakehost *fh);

void fh_set_jiffies(struct fakehost *fh, unsigned long j);
void fh_tick(struct fakehost *fh, unsigned long n);

/* A new piece: rw 'R' read, 'W' write, 'F' empty flush (sector and nsect ignored), 'D'
 * discard. fh_map maps it; fh_dispatch then acts on the result as dm does (a test may do
 * something in between, as dm maps every piece of a request before dispatching any);
 * fh_submit does both. */
struct fh_piece *fh_map(struct fakehost *fh, char rw, sector_t sector, uint32_t nsect);
void fh_dispatch(struct fakehost *fh, struct fh_piece *p);
struct fh_piece *fh_submit(struct fakehost *fh, char rw, sector_t sector, uint32_t nsect);

/* Complete one outstanding I/O with error (0 or -errno): a primary runs ssdcache_endio (when
 * the piece kept a sio) and completes the piece; a secondary runs the engine's callback. */
void fh_complete(struct fakehost *fh, struct fh_io *io, int error);
/* The piece's outstanding primary I/O (NULL if none). */
struct fh_io *fh_primary(struct fakehost *fh, const struct fh_piece *p);
/* The oldest outstanding secondary (dm_io) to dev whose data is p's (a clone of p): a
 * write-through copy, a write-back target write, a fill or a deferred copy. NULL if none. */
struct fh_io *fh_secondary(struct fakehost *fh, enum bio_bdev dev, const struct fh_piece *p);
/* The oldest outstanding flush dm_io to dev (fixed Q18), or NULL. */
struct fh_io *fh_flush(struct fakehost *fh, enum bio_bdev dev);
/* Outstanding I/Os. */
unsigned fh_npending(const struct fakehost *fh);

/* Run the worker (process_sio) once, as the host does: "pending" is cleared first. */
void fh_run_worker(struct fakehost *fh);

/* The decision log since the last fh_log_reset: "piece:OUTCOME" separated by spaces, "w"
 * for decisions the worker makes with no piece. */
const char *fh_log(const struct fakehost *fh);
void fh_log_reset(struct fakehost *fh);

struct ssdcache_counters fh_counters(struct fakehost *fh);

/* Slot `slot` of cmd `hash` as text: "sector=S clean=0-7 tbusy=- cbusy=4-5 count=N atime=J"
 * (offsets 0..255, as runs), "empty", or "nocmd". Valid until the next fh_* call. */
const char *fh_cte(struct fakehost *fh, unsigned long hash, int slot);
/* The outstanding I/Os, oldest first: "T.R 0+8 p1, C.W 8+8 p1*" (dev C/T, op, sector+n on
 * that device, the piece; * marks a secondary). "" when none. Valid until the next fh_* call. */
const char *fh_pending(struct fakehost *fh);

#endif
