// SPDX-License-Identifier: GPL-2.0
/*
 * test_contract.c - the engine driven through engine.h's host contract alone
 * (tests/lib/fakehost.h): every I/O is completed and every worker run made by the test, so
 * each interleaving is exact. Pinned at each step: what ssdcache_map returned and where the
 * piece went, the cte's clean / target_busy / cache_busy maps and its LFU/LRU keys (count,
 * atime), the outcome counters, the I/O the engine issued, and the fixed mode's deferred bios.
 * Quirk numbers are those of docs/quirks.md; the derivations follow docs/engine.md (the seed's
 * functions, the serialised execution) step by step.
 *
 * Geometry of every case: blocksize 8, a cache of 16 blocks (one cmd, hash 0), assoc 0 (one
 * probe), so a block's slot is the first hole of cmd 0 and its cache sector is slot * 8 + offset.
 * The clock is in jiffies, set by the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tests/lib/cm_main.h"
#include "tests/lib/fakehost.h"

#define ONE_CMD (16ULL * 8 * 512)
#define Q(n) ((quirk_set)1 << (n))

/* cmocka state: the host of the running test, torn down (drained) after it. */
static int setup(void **state)
{
	*state = NULL;
	return 0;
}

static int teardown(void **state)
{
	fh_destroy(*state);
	return 0;
}

/* A host for table "blocksize 8 assoc 0 " + rest: one cmd of 16 slots of 8 sectors, as every
 * test here uses; it becomes *state (teardown destroys it). */
static struct fakehost *mk(void **state, const char *rest, quirk_set fixed)
{
	char err[256], table[256];
	snprintf(table, sizeof(table), "blocksize 8 assoc 0 %s", rest);
	struct fakehost *fh = fh_create(table, fixed, ONE_CMD, err, sizeof(err));

	if (!fh)
		fail_msg("fh_create(\"%s\"): %s", table, err);
	*state = fh;
	return fh;
}

/*
 * A quirk test: body(fh, fixed) twice, each time on a fresh host: in the seed's mode (fixed
 * false), then with quirk q repaired (fixed true). BOTH(f, "writeback ...", q) lists it in main
 * as test_f, with the rest of its table (see mk); the case reaches run_both as cmocka's initial
 * state.
 */
struct both_case {
	const char *table;
	quirk_set q;
	void (*body)(struct fakehost *fh, bool fixed);
};

static void run_both(void **state)
{
	const struct both_case *c = *state;

	*state = NULL; /* from here on the host, for teardown */
	for (int fixed = 0; fixed < 2; fixed++) {
		c->body(mk(state, c->table, fixed ? c->q : QUIRKS_SEED), fixed);
		fh_destroy(*state);
		*state = NULL;
	}
}

#define BOTH(f, tbl, quirk)                                                                        \
	{                                                                                          \
		.name = "test_" #f, .test_func = run_both, .teardown_func = teardown,              \
		.initial_state = &(struct both_case){tbl, quirk, f},                               \
	}

/* A write of block 0 (offsets 0-7) past the worker: its primary and secondary are in flight. */
static struct fh_piece *write_in_flight(struct fakehost *fh)
{
	struct fh_piece *p = fh_submit(fh, 'W', 0, 8);

	fh_run_worker(fh);
	return p;
}

#define CTE(fh, slot, s) assert_string_equal(fh_cte(fh, 0, slot), s)

/* p evicted a block: it is outcome in slot, whose cte is now cte; the one eviction so far. */
static void expect_evicted_into(struct fakehost *fh, const struct fh_piece *p, int outcome,
				unsigned slot, const char *cte)
{
	assert_int_equal(p->first, outcome);
	assert_int_equal(p->idx, slot);
	assert_int_equal(fh_counters(fh).cache_evictions, 1);
	CTE(fh, slot, cte);
}

/*
 * queue_busy: p1 (write_in_flight) completes its primary, which leaves cte 0 as cte; a second
 * write of block 0 follows. In the seed it collides with p1's secondary: WRITE_BUSY, both busy
 * bitmaps set (count 3). Returns the second write.
 */
static struct fh_piece *busy_collision(struct fakehost *fh, struct fh_piece *p1, const char *cte,
				       bool fixed)
{
	struct fh_piece *p2;

	fh_complete(fh, fh_primary(fh, p1), 0);
	CTE(fh, 0, cte);
	p2 = fh_submit(fh, 'W', 0, 8);
	if (!fixed) {
		assert_int_equal(p2->first, CTE_WRITE_BUSY);
		CTE(fh, 0, "sector=0 clean=- tbusy=0-7 cbusy=0-7 count=3 atime=0");
	}
	return p2;
}
#define PENDING(fh, s) assert_string_equal(fh_pending(fh), s)
#define LOG(fh, s) assert_string_equal(fh_log(fh), s)

/* Offsets 0..n-1 of block b clean, in the next free slot: read miss, target read, fill
 * issued and completed. */
static void make_clean_n(struct fakehost *fh, sector_t block, uint32_t n)
{
	struct fh_piece *p = fh_submit(fh, 'R', block * 8, n);

	fh_complete(fh, fh_primary(fh, p), 0);
	fh_run_worker(fh);
	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p), 0);
	fh_run_worker(fh); /* cache_io_callback's queue_work: nothing on the list */
}

static void make_clean(struct fakehost *fh, sector_t block)
{
	make_clean_n(fh, block, 8);
}

/*
 * A read miss, a read during its fill, and a hit (any mode; writethrough here).
 * docs/engine.md: ssdcache_map / sio_start_prefetch, ssdcache_endio, process_sio's writeback
 * branch, cache_io_callback, sio_cleanup_cte. count: 1 at the miss, +1 start fill, +1 fill
 * done, +1 cleanup at the last put = 4; +1 for the hit's cleanup = 5.
 */
static void test_read_miss_fill_busy_clean(void **state)
{
	struct fakehost *fh = mk(state, "writethrough", QUIRKS_SEED);
	struct ssdcache_counters c;
	struct fh_piece *p1, *p2, *p3;

	fh_set_jiffies(fh, 10);
	p1 = fh_submit(fh, 'R', 0, 8);
	/* READ_MISS in cmd 0 slot 0: a new cte with no bits; the piece goes to the target and
	 * keeps its sio (the fill clone); nothing is queued before the read completes */
	assert_int_equal(p1->map_ret, DM_MAPIO_REMAPPED);
	assert_true(p1->bio.map_ptr != NULL);
	assert_int_equal(p1->idx, 0);
	CTE(fh, 0, "sector=0 clean=- tbusy=- cbusy=- count=1 atime=10");
	PENDING(fh, "T.R 0+8 p1");
	assert_false(fh->work_pending);
	assert_int_equal(fh->live_clones, 1);

	fh_set_jiffies(fh, 12);
	fh_complete(fh, fh_primary(fh, p1), 0);
	/* endio: a read, no state change; the fill is queued */
	assert_true(p1->done);
	assert_int_equal(p1->status, 0);
	assert_true(fh->work_pending);
	CTE(fh, 0, "sector=0 clean=- tbusy=- cbusy=- count=1 atime=10");

	fh_set_jiffies(fh, 13);
	fh_run_worker(fh);
	/* sio_check_writeback passes; cte_start_cache_write: cbusy += m, count 2, atime 13 */
	CTE(fh, 0, "sector=0 clean=- tbusy=- cbusy=0-7 count=2 atime=13");
	PENDING(fh, "C.W 0+8 p1*");

	fh_set_jiffies(fh, 14);
	p2 = fh_submit(fh, 'R', 0, 8);
	/* cbusy ∩ m: READ_BUSY, to the target, no sio kept, no cleanup (its offsets are busy) */
	assert_int_equal(p2->first, CTE_READ_BUSY);
	assert_null(p2->bio.map_ptr);
	assert_int_equal(fh_primary(fh, p2)->dev, BDEV_TARGET);
	CTE(fh, 0, "sector=0 clean=- tbusy=- cbusy=0-7 count=2 atime=13");

	fh_set_jiffies(fh, 15);
	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
	/* sio_finish_cache_write (count 3), then the last put: cleanup keeps it (count 4) */
	CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=4 atime=15");
	assert_int_equal(fh->live_clones, 0);

	fh_set_jiffies(fh, 20);
	p3 = fh_submit(fh, 'R', 2, 4);
	/* READ_CLEAN: to the cache at slot 0 * 8 + offset 2; put at once: cleanup count 5 */
	assert_int_equal(p3->first, CTE_READ_CLEAN);
	PENDING(fh, "T.R 0+8 p2, C.R 2+4 p3");
	CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=5 atime=20");
	LOG(fh, "1:READ_MISS 2:READ_BUSY 3:READ_CLEAN");
	c = fh_counters(fh);
	assert_int_equal(c.read_miss, 1);
	assert_int_equal(c.read_busy, 1);
	assert_int_equal(c.read_clean, 1);
	assert_int_equal(c.cte_active, 1);
	assert_int_equal(c.sio_active, 0);
}

/*
 * Writethrough write miss, target done before the cache (docs/engine.md "sio_start_write_miss",
 * the worker's secondary write): the read between the two completions is READ_BUSY, the user
 * piece completes with the target, the cte ends clean with count 4.
 */
static void test_wt_write_miss_target_first(void **state)
{
	struct fakehost *fh = mk(state, "writethrough", QUIRKS_SEED);
	struct fh_piece *p1, *p2;

	fh_set_jiffies(fh, 5);
	p1 = fh_submit(fh, 'W', 0, 8);
	/* WRITE_MISS: cbusy = tbusy = m; primary to the target; the secondary is queued now */
	assert_int_equal(p1->map_ret, DM_MAPIO_REMAPPED);
	CTE(fh, 0, "sector=0 clean=- tbusy=0-7 cbusy=0-7 count=1 atime=5");
	PENDING(fh, "T.W 0+8 p1");
	assert_true(fh->work_pending);
	fh_run_worker(fh);
	PENDING(fh, "T.W 0+8 p1, C.W 0+8 p1*");

	fh_set_jiffies(fh, 7);
	fh_complete(fh, fh_primary(fh, p1), 0);
	/* endio to the target: sio_finish_target_write (tbusy -= m, count 2); the user is done */
	assert_true(p1->done);
	CTE(fh, 0, "sector=0 clean=- tbusy=- cbusy=0-7 count=2 atime=7");

	p2 = fh_submit(fh, 'R', 0, 8);
	assert_int_equal(p2->first, CTE_READ_BUSY);
	fh_complete(fh, fh_primary(fh, p2), 0);

	fh_set_jiffies(fh, 9);
	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
	/* finish_cache_write (count 3, clean += m), last put: cleanup (count 4) */
	CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=4 atime=9");
	assert_int_equal(fh_counters(fh).write_miss, 1);
	assert_int_equal(fh_counters(fh).sio_active, 0);
}

/*
 * Writeback: the primary goes to the cache at the slot's cache sector (block 40 in slot 1,
 * offset 2: cache sector 10), the user completes with the cache, the worker writes the target.
 */
static void test_wb_write_goes_to_cache_sector(void **state)
{
	struct fakehost *fh = mk(state, "writeback", QUIRKS_SEED);
	struct fh_piece *p1, *p2;

	p1 = fh_submit(fh, 'W', 0, 8);
	p2 = fh_submit(fh, 'W', 42, 4);
	assert_int_equal(p2->first, CTE_WRITE_MISS);
	assert_int_equal(p2->idx, 1);
	PENDING(fh, "C.W 0+8 p1, C.W 10+4 p2");
	CTE(fh, 1, "sector=40 clean=- tbusy=2-5 cbusy=2-5 count=1 atime=0");
	fh_run_worker(fh);
	/* the secondaries go to the target at the target sectors */
	PENDING(fh, "C.W 0+8 p1, C.W 10+4 p2, T.W 0+8 p1*, T.W 42+4 p2*");
	fh_complete(fh, fh_primary(fh, p2), 0);
	assert_true(p2->done);
	CTE(fh, 1, "sector=40 clean=2-5 tbusy=2-5 cbusy=- count=2 atime=0");
	fh_complete(fh, fh_secondary(fh, BDEV_TARGET, p2), 0);
	CTE(fh, 1, "sector=40 clean=2-5 tbusy=- cbusy=- count=4 atime=0");
	(void)p1;
}

/*
 * Q9 and Q10, seed: a writethrough write colliding with a write whose target I/O is in flight
 * cancels it (cte_cancel_target_write empties the cte, the cleanup drops it) and is mapped again
 * (WRITE_MISS in the same slot). The first write's late completions then match the successor
 * by sector only (Q10): its target completion clears p2's tbusy, its cache completion sets
 * clean, before p2's data reached the cache: a read then is served the old data from the
 * cache, and p2's own cache copy is cancelled ("cache cte not busy").
 */
static void test_q9_q10_seed_cancel_then_late_completions(void **state)
{
	struct fakehost *fh = mk(state, "writethrough", QUIRKS_SEED);
	struct ssdcache_counters c;
	struct fh_piece *p1, *p2, *p3;

	p1 = fh_submit(fh, 'W', 0, 8);
	fh_run_worker(fh);
	fh_tick(fh, 1);
	p2 = fh_submit(fh, 'W', 0, 8);
	LOG(fh, "1:WRITE_MISS 2:WRITE_CANCEL 2:WRITE_MISS");
	assert_int_equal(p2->maps, 2);
	assert_int_equal(p2->map_ret, DM_MAPIO_REMAPPED);
	CTE(fh, 0, "sector=0 clean=- tbusy=0-7 cbusy=0-7 count=1 atime=1");
	PENDING(fh, "T.W 0+8 p1, C.W 0+8 p1*, T.W 0+8 p2");
	assert_true(fh->work_pending); /* p2's secondary */

	fh_complete(fh, fh_primary(fh, p1), 0);
	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
	/* Q10: both completions act on p2's cte (count 1, +1 finish target, +1 finish cache, +1
	 * p1's cleanup at its last put: 4): clean although p2 is on neither device */
	CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=4 atime=1");
	c = fh_counters(fh);
	assert_int_equal(c.write_cancel, 1);
	assert_int_equal(c.write_miss, 2);
	assert_int_equal(c.cache_overruns, 0);

	p3 = fh_submit(fh, 'R', 0, 8);
	assert_int_equal(p3->first, CTE_READ_CLEAN); /* the old data, from the cache */
	fh_run_worker(fh);
	/* p2's secondary: cbusy is clear, so it is cancelled; its data never reaches the cache */
	assert_null(fh_secondary(fh, BDEV_CACHE, p2));
	assert_int_equal(fh_counters(fh).bio_cancelled, 1);
}

/*
 * Q9 fixed: the colliding write waits in the engine (SUBMITTED, no device I/O) and is looked up
 * again by the worker each time busy bits clear: still cache-busy after the first write's
 * target completion (deferred again), WRITE_INVALID after its cache completion, then issued by
 * the engine (submit_bio) as an ordinary write.
 */
static void test_q9_fixed_write_waits(void **state)
{
	struct fakehost *fh = mk(state, "writethrough", Q(9));
	struct ssdcache_counters c;
	struct fh_piece *p1, *p2;

	p1 = fh_submit(fh, 'W', 0, 8);
	fh_run_worker(fh);
	p2 = fh_submit(fh, 'W', 0, 8);
	assert_int_equal(p2->map_ret, DM_MAPIO_SUBMITTED);
	assert_null(p2->io);
	assert_false(fh->work_pending);
	CTE(fh, 0, "sector=0 clean=- tbusy=0-7 cbusy=0-7 count=1 atime=0");
	c = fh_counters(fh);
	assert_int_equal(c.deferred, 1);
	assert_int_equal(c.write_busy, 1);
	assert_int_equal(c.write_cancel, 0);

	fh_complete(fh, fh_primary(fh, p1), 0); /* tbusy clears: the deferred bio gets a look */
	assert_true(fh->work_pending);
	fh_run_worker(fh);
	assert_null(p2->io); /* cbusy still set: deferred again */
	assert_int_equal(fh_counters(fh).deferred, 2);

	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
	CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=4 atime=0");
	fh_run_worker(fh);
	/* WRITE_INVALID: cte_start_write (count 5); the engine submits the primary itself */
	LOG(fh, "1:WRITE_MISS 2:WRITE_BUSY 2:WRITE_BUSY 2:WRITE_INVALID");
	assert_int_equal(fh->submit_bio_calls, 1);
	PENDING(fh, "T.W 0+8 p2");
	CTE(fh, 0, "sector=0 clean=- tbusy=0-7 cbusy=0-7 count=5 atime=0");
	assert_true(fh->work_pending); /* its secondary */
	fh_run_worker(fh);
	PENDING(fh, "T.W 0+8 p2, C.W 0+8 p2*");
	c = fh_counters(fh);
	assert_int_equal(c.deferred, 2);
	assert_int_equal(c.write_invalid, 1);
	assert_int_equal(c.write_cancel, 0);
}

/*
 * Q9 + Q10 in readcache: a write during a read miss's fill. Seed: cbusy, so
 * sio_cte_invalidate drops the slot at once (WRITE_CANCEL) and the resubmission is a WRITE_MISS
 * in the same slot (RC: cbusy only). The fill's completion matches the new cte by sector and
 * marks the old data clean while the write is on its way to the target; a read hits it, and
 * after the write it stays clean for good (count 1, +1 fill done, +1 fill cleanup, +1 the
 * hit's cleanup, +1 write done, +1 write cleanup = 6). Fixed Q9: the write waits for the
 * fill, is then WRITE_INVALID, and the cte, left with nothing clean, is dropped at its cleanup.
 */
static void q9_readcache_write_during_fill(struct fakehost *fh, bool fixed)
{
	struct fh_piece *r = fh_submit(fh, 'R', 0, 8), *w, *r2;

	fh_complete(fh, fh_primary(fh, r), 0);
	fh_run_worker(fh);
	CTE(fh, 0, "sector=0 clean=- tbusy=- cbusy=0-7 count=2 atime=0");
	w = fh_submit(fh, 'W', 0, 8);
	if (!fixed) {
		LOG(fh, "1:READ_MISS 2:WRITE_CANCEL 2:WRITE_MISS");
		CTE(fh, 0, "sector=0 clean=- tbusy=- cbusy=0-7 count=1 atime=0");
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, r), 0);
		CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=3 atime=0");
		r2 = fh_submit(fh, 'R', 0, 8);
		assert_int_equal(r2->first, CTE_READ_CLEAN);
		fh_complete(fh, fh_primary(fh, w), 0);
		CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=6 atime=0");
	} else {
		assert_int_equal(w->map_ret, DM_MAPIO_SUBMITTED);
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, r), 0);
		CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=4 atime=0");
		fh_run_worker(fh);
		LOG(fh, "1:READ_MISS 2:WRITE_BUSY 2:WRITE_INVALID");
		CTE(fh, 0, "sector=0 clean=- tbusy=- cbusy=0-7 count=5 atime=0");
		r2 = fh_submit(fh, 'R', 0, 8);
		assert_int_equal(r2->first, CTE_READ_BUSY);
		fh_complete(fh, fh_primary(fh, w), 0);
		CTE(fh, 0, "empty");
	}
	assert_int_equal(fh_counters(fh).write_cancel, fixed ? 0 : 1);
}

/*
 * Q10 fixed (with Q9 left as the seed's): the same cancel and resubmission, but p2's cte has a
 * newer allocation generation, so p1's late completions change nothing (cache_overruns 2) and
 * a read meanwhile is READ_BUSY, not a stale READ_CLEAN.
 */
static void test_q10_fixed_late_completions_ignored(void **state)
{
	struct fakehost *fh = mk(state, "writethrough", Q(10));
	struct fh_piece *p1, *p3;

	p1 = fh_submit(fh, 'W', 0, 8);
	fh_run_worker(fh);
	fh_tick(fh, 1);
	fh_submit(fh, 'W', 0, 8);
	LOG(fh, "1:WRITE_MISS 2:WRITE_CANCEL 2:WRITE_MISS");
	fh_complete(fh, fh_primary(fh, p1), 0);
	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
	CTE(fh, 0, "sector=0 clean=- tbusy=0-7 cbusy=0-7 count=1 atime=1");
	assert_int_equal(fh_counters(fh).cache_overruns, 2);
	p3 = fh_submit(fh, 'R', 0, 8);
	assert_int_equal(p3->first, CTE_READ_BUSY);
}

/*
 * Q11, writeback + queue_busy. Seed: a write colliding with p1's target secondary is WRITE_BUSY
 * (cte_start_cache_write), goes to the cache, and its deferred copy goes to the cache again:
 * p2's data is never written to the target. Fixed: p2 waits until p1's target write is done,
 * then is an ordinary WRITE_INVALID whose secondary goes to the target.
 */
static void q11_wb_queue_busy(struct fakehost *fh, bool fixed)
{
	struct fh_piece *p1 = write_in_flight(fh);
	struct fh_piece *p2 = busy_collision(
		fh, p1, "sector=0 clean=0-7 tbusy=0-7 cbusy=- count=2 atime=0", fixed);

	if (!fixed) {
		PENDING(fh, "T.W 0+8 p1*, C.W 0+8 p2");
		fh_complete(fh, fh_primary(fh, p2), 0);
		assert_true(fh->work_pending); /* the deferred copy */
		fh_run_worker(fh);
		PENDING(fh, "T.W 0+8 p1*, C.W 0+8 p2*");
		assert_null(fh_secondary(fh, BDEV_TARGET, p2));
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p2), 0);
		fh_complete(fh, fh_secondary(fh, BDEV_TARGET, p1), 0);
		/* nothing of p2's will ever go to the target */
		assert_int_equal(fh_npending(fh), 0);
	} else {
		assert_int_equal(p2->map_ret, DM_MAPIO_SUBMITTED);
		PENDING(fh, "T.W 0+8 p1*");
		fh_complete(fh, fh_secondary(fh, BDEV_TARGET, p1), 0);
		fh_run_worker(fh);
		assert_int_equal(p2->last, CTE_WRITE_INVALID);
		fh_run_worker(fh);
		PENDING(fh, "C.W 0+8 p2, T.W 0+8 p2*");
		assert_int_equal(fh_counters(fh).deferred, 1);
	}
}

/*
 * Q12, writethrough + queue_busy, p1's target write done and its cache copy in flight. Seed:
 * p2 is WRITE_BUSY (cte_start_target_write, clean untouched) to the target; when p2's target
 * write completes first, its deferred cache copy is cancelled (p1's cache write still busy),
 * and p1's cache completion then marks p1's data clean: a later read hits the old data.
 * Fixed: p2 waits until the cache write is done and then goes to both devices.
 */
static void q12_wt_queue_busy(struct fakehost *fh, bool fixed)
{
	struct fh_piece *p1 = write_in_flight(fh), *p3;
	struct fh_piece *p2 = busy_collision(
		fh, p1, "sector=0 clean=- tbusy=- cbusy=0-7 count=2 atime=0", fixed);

	if (!fixed) {
		PENDING(fh, "C.W 0+8 p1*, T.W 0+8 p2");
		fh_complete(fh, fh_primary(fh, p2), 0);
		fh_run_worker(fh); /* sio_check_writeback: cache busy: cancelled */
		assert_int_equal(fh_counters(fh).writeback_cancelled, 1);
		assert_null(fh_secondary(fh, BDEV_CACHE, p2));
		/* 3, +1 p2's target done = 4; p2's sio ends -ESTALE: no cleanup; p1's cache
		 * done +1, its cleanup +1 = 6 */
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
		CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=6 atime=0");
		p3 = fh_submit(fh, 'R', 0, 8);
		assert_int_equal(p3->first, CTE_READ_CLEAN); /* p1's data: stale */
	} else {
		assert_int_equal(p2->map_ret, DM_MAPIO_SUBMITTED);
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
		fh_run_worker(fh);
		fh_run_worker(fh);
		PENDING(fh, "T.W 0+8 p2, C.W 0+8 p2*");
		assert_int_equal(fh_counters(fh).writeback_cancelled, 0);
	}
}

/*
 * Q13: a write during a read miss (WRITE_INVALID on the bitless cte) completes on both devices
 * before the read does; the read's fill then passes the seed's check (the block is there, not
 * cache-busy) and rewrites the old data over the new, marked clean. Fixed: a write started on
 * the cte since the read's lookup cancels the fill (writeback_cancelled).
 */
static void q13_fill_after_write(struct fakehost *fh, bool fixed)
{
	struct fh_piece *p1 = fh_submit(fh, 'R', 0, 8);
	struct fh_piece *p2 = fh_submit(fh, 'W', 0, 8);

	assert_int_equal(p2->first, CTE_WRITE_INVALID);
	fh_run_worker(fh);
	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p2), 0);
	fh_complete(fh, fh_primary(fh, p2), 0);
	/* 1 + start_write + finish cache + finish target + cleanup */
	CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=5 atime=0");
	/* the old data: the read reached the target before p2 did */
	fh_complete(fh, fh_primary(fh, p1), 0);
	fh_run_worker(fh);
	if (!fixed) {
		/* cte_start_cache_write +1; then fill done +1, p1's cleanup +1 */
		CTE(fh, 0, "sector=0 clean=- tbusy=- cbusy=0-7 count=6 atime=0");
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
		CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=8 atime=0");
		assert_int_equal(fh_counters(fh).writeback_cancelled, 0);
	} else {
		assert_null(fh_secondary(fh, BDEV_CACHE, p1));
		CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=5 atime=0");
		assert_int_equal(fh_counters(fh).writeback_cancelled, 1);
	}
}

/*
 * Q14: a read of offsets a write has in flight. Seed: READ_BUSY to the target at once. Fixed:
 * the read waits; when the write's cache copy completes (clean), the worker looks it up again:
 * READ_CLEAN, to the cache.
 */
static void q14_read_of_busy_offsets(struct fakehost *fh, bool fixed)
{
	struct fh_piece *p1 = write_in_flight(fh), *p2 = fh_submit(fh, 'R', 0, 8);

	assert_int_equal(p2->first, CTE_READ_BUSY);
	if (!fixed) {
		assert_int_equal(p2->map_ret, DM_MAPIO_REMAPPED);
		PENDING(fh, "T.W 0+8 p1, C.W 0+8 p1*, T.R 0+8 p2");
	} else {
		assert_int_equal(p2->map_ret, DM_MAPIO_SUBMITTED);
		PENDING(fh, "T.W 0+8 p1, C.W 0+8 p1*");
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
		fh_run_worker(fh);
		LOG(fh, "1:WRITE_MISS 2:READ_BUSY 2:READ_CLEAN");
		PENDING(fh, "T.W 0+8 p1, C.R 0+8 p2");
		assert_int_equal(fh_counters(fh).deferred, 1);
	}
}

/*
 * Q18: an empty flush. Seed: SUBMITTED, the worker completes it with no device I/O, and its sio
 * is never freed (sio_active stays 1). Fixed: it waits for the secondary in flight, then one
 * flush goes to each device, and the user's flush completes when both did.
 */
static void q18_flush(struct fakehost *fh, bool fixed)
{
	struct fh_piece *p1 = write_in_flight(fh), *f = fh_submit(fh, 'F', 0, 0);

	assert_int_equal(f->map_ret, DM_MAPIO_SUBMITTED);
	assert_int_equal(f->first, SSD_OUT_FLUSH);
	assert_true(fh->work_pending);
	fh_run_worker(fh);
	if (!fixed) {
		assert_true(f->done);
		PENDING(fh, "T.W 0+8 p1, C.W 0+8 p1*");
		fh_complete(fh, fh_primary(fh, p1), 0);
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
		assert_int_equal(fh_counters(fh).sio_active, 1);
	} else {
		assert_false(f->done);
		assert_null(fh_flush(fh, BDEV_CACHE));
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p1), 0);
		PENDING(fh, "T.W 0+8 p1, C.F 0+0 p2*, T.F 0+0 p2*");
		fh_complete(fh, fh_flush(fh, BDEV_TARGET), 0);
		assert_false(f->done);
		fh_complete(fh, fh_flush(fh, BDEV_CACHE), 0);
		assert_true(f->done);
		assert_int_equal(f->status, 0);
		fh_complete(fh, fh_primary(fh, p1), 0);
		assert_int_equal(fh_counters(fh).sio_active, 0);
	}
}

/*
 * Q19: a discard over a clean block. Seed: map fails it (-EOPNOTSUPP), nothing goes to a device,
 * the cached copy stays clean. Fixed: the discard goes to the target and the cte, left with no
 * clean offsets and idle, is dropped.
 */
static void q19_discard(struct fakehost *fh, bool fixed)
{
	struct fh_piece *d;

	make_clean(fh, 0);
	d = fh_submit(fh, 'D', 0, 8);
	assert_int_equal(d->first, SSD_OUT_DISCARD);
	if (!fixed) {
		assert_true(d->map_ret < 0);
		assert_true(d->done);
		assert_int_equal(d->status, d->map_ret);
		PENDING(fh, "");
		CTE(fh, 0, "sector=0 clean=0-7 tbusy=- cbusy=- count=4 atime=0");
	} else {
		assert_int_equal(d->map_ret, DM_MAPIO_REMAPPED);
		PENDING(fh, "T.D 0+8 p2");
		CTE(fh, 0, "empty");
	}
}

/*
 * Q1: 16 clean blocks fill cmd 0; a read of a 17th. Seed: reads never evict, WRITE_SKIP
 * (write_skip++), to the target with no fill. Fixed: the LFU victim among 16 equal counts
 * (4 each) is the highest slot, 15, and the read is a READ_MISS there.
 */
static void q1_read_of_a_full_cmd(struct fakehost *fh, bool fixed)
{
	struct ssdcache_counters c;
	struct fh_piece *p;

	for (sector_t b = 0; b < 16; b++)
		make_clean(fh, b);
	p = fh_submit(fh, 'R', 16 * 8, 8);
	c = fh_counters(fh);
	if (!fixed) {
		assert_int_equal(p->first, CTE_WRITE_SKIP);
		assert_null(p->bio.map_ptr);
		assert_int_equal(c.write_skip, 1);
		assert_int_equal(c.cache_evictions, 0);
		CTE(fh, 15, "sector=120 clean=0-7 tbusy=- cbusy=- count=4 atime=0");
	} else {
		expect_evicted_into(fh, p, CTE_READ_MISS, 15,
				    "sector=128 clean=- tbusy=- cbusy=- count=1 atime=0");
	}
	PENDING(fh, "T.R 128+8 p17");
}

/*
 * The workqueue (docs/engine.md "The serialised execution"): queue_work while a run is pending
 * changes nothing; one run drains _io_work head first, so two writes' secondaries are issued in
 * the order the writes were mapped; a callback's queue_work with an empty list is a run that
 * does nothing.
 */
static void test_worker_drains_in_order(void **state)
{
	struct fakehost *fh = mk(state, "writethrough", QUIRKS_SEED);
	struct fh_piece *p1, *p2;

	p1 = fh_submit(fh, 'W', 8, 8);
	p2 = fh_submit(fh, 'W', 0, 8);
	assert_int_equal(fh->queue_work_calls, 2);
	assert_true(fh->work_pending);
	PENDING(fh, "T.W 8+8 p1, T.W 0+8 p2");
	fh_run_worker(fh);
	assert_false(fh->work_pending);
	/* p1 in slot 0 (cache sector 0), p2 in slot 1 (cache sector 8) */
	PENDING(fh, "T.W 8+8 p1, T.W 0+8 p2, C.W 0+8 p1*, C.W 8+8 p2*");
	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, p2), 0);
	assert_true(fh->work_pending);
	fh_run_worker(fh);
	assert_int_equal(fh_npending(fh), 3); /* nothing new */
	assert_int_equal(fh->worker_runs, 2);
	(void)p1;
}

/*
 * Q4 with evict_on_write: every slot of cmd 0 holds a block whose offsets 4-7 are not clean,
 * except block 3 (slot 3), clean everywhere, with a write of its offsets 0-3 in flight. A
 * write miss of offsets 4-7 of block 100: the seed judges eligibility on those offsets only,
 * so slot 3 is the one candidate and is evicted under its in-flight write (whose completions
 * then find another block: cache_overruns 2). Fixed: a victim must be idle anywhere in its
 * block (its clean bits are not asked): every slot but 3 is a candidate, and LFU takes the
 * highest of the equal counts (4): slot 15; block 3 keeps its slot and its write.
 */
static void q4_eviction_of_a_busy_block(struct fakehost *fh, bool fixed)
{
	struct fh_piece *w3, *w;

	for (sector_t b = 0; b < 16; b++)
		make_clean_n(fh, b, b == 3 ? 8 : 4);
	w3 = fh_submit(fh, 'W', 3 * 8, 4);
	assert_int_equal(w3->first, CTE_WRITE_INVALID);
	fh_run_worker(fh);
	CTE(fh, 3, "sector=24 clean=4-7 tbusy=0-3 cbusy=0-3 count=5 atime=0");
	w = fh_submit(fh, 'W', 100 * 8 + 4, 4);
	if (!fixed) {
		expect_evicted_into(fh, w, CTE_WRITE_MISS, 3,
				    "sector=800 clean=- tbusy=4-7 cbusy=4-7 count=1 atime=0");
		fh_complete(fh, fh_primary(fh, w3), 0);
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, w3), 0);
		assert_int_equal(fh_counters(fh).cache_overruns, 2);
		CTE(fh, 3, "sector=800 clean=- tbusy=4-7 cbusy=4-7 count=1 atime=0");
	} else {
		expect_evicted_into(fh, w, CTE_WRITE_MISS, 15,
				    "sector=800 clean=- tbusy=4-7 cbusy=4-7 count=1 atime=0");
		CTE(fh, 3, "sector=24 clean=4-7 tbusy=0-3 cbusy=0-3 count=5 atime=0");
		fh_complete(fh, fh_primary(fh, w3), 0);
		fh_complete(fh, fh_secondary(fh, BDEV_CACHE, w3), 0);
		assert_int_equal(fh_counters(fh).cache_overruns, 0);
		CTE(fh, 3, "sector=24 clean=0-7 tbusy=- cbusy=- count=8 atime=0");
	}
}

/*
 * Q6 with LRU (the clock matters): block 0 is read at jiffies 0 and its fill completes at 30;
 * blocks 1..15 are read and filled at jiffies 10..24. Seed: atime is the last transition (the
 * fill's completion and cleanup: 30 for slot 0, 9 + b for slot b), so a write miss with
 * evict_on_write at 40 evicts slot 1. Fixed: keys are user accesses (slot 0 was accessed at
 * 0, count 1), so slot 0 is the least recently used.
 */
static void q6_lru_key_is_the_last_transition(struct fakehost *fh, bool fixed)
{
	struct fh_piece *r0 = fh_submit(fh, 'R', 0, 8), *w;

	fh_complete(fh, fh_primary(fh, r0), 0);
	fh_run_worker(fh);
	for (sector_t b = 1; b < 16; b++) {
		fh_set_jiffies(fh, 9 + b);
		make_clean(fh, b);
	}
	fh_set_jiffies(fh, 30);
	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, r0), 0);
	CTE(fh, 0, fixed ? "sector=0 clean=0-7 tbusy=- cbusy=- count=1 atime=0"
			 : "sector=0 clean=0-7 tbusy=- cbusy=- count=4 atime=30");
	CTE(fh, 1, fixed ? "sector=8 clean=0-7 tbusy=- cbusy=- count=1 atime=10"
			 : "sector=8 clean=0-7 tbusy=- cbusy=- count=4 atime=10");
	fh_set_jiffies(fh, 40);
	w = fh_submit(fh, 'W', 800, 8);
	assert_int_equal(w->first, CTE_WRITE_MISS);
	assert_int_equal(w->idx, fixed ? 0 : 1);
	assert_int_equal(fh_counters(fh).cache_evictions, 1);
}

/*
 * Q15, writethrough + async_lookup. Seed: map clones and queues the secondary and sends the
 * write to the target with no cte_match (NOMATCH, no cmd is even created); the worker's
 * WPRINTK would dereference sio->cmd == NULL (a seed crash, counted: Q15), the secondary is
 * dropped (-ESTALE, cache_overruns), and endio finds no cte (cache_overruns again). Fixed: the
 * lookup happens in map: an ordinary WRITE_MISS.
 */
static void q15_wt_async_lookup(struct fakehost *fh, bool fixed)
{
	struct fh_piece *p = fh_submit(fh, 'W', 0, 8);

	assert_int_equal(p->map_ret, DM_MAPIO_REMAPPED);
	assert_true(fh->work_pending);
	fh_run_worker(fh);
	if (!fixed) {
		assert_int_equal(p->first, SSD_OUT_NOMATCH);
		assert_string_equal(fh_cte(fh, 0, 0), "nocmd");
		assert_int_equal(fh->seed_crashes, 1);
		assert_int_equal(fh->last_crash_quirk, 15);
		PENDING(fh, "T.W 0+8 p1");
		fh_complete(fh, fh_primary(fh, p), 0);
		assert_int_equal(fh_counters(fh).cache_overruns, 2);
		assert_int_equal(fh_counters(fh).seed_crashes, 1);
	} else {
		assert_int_equal(p->first, CTE_WRITE_MISS);
		assert_int_equal(fh->seed_crashes, 0);
		PENDING(fh, "T.W 0+8 p1, C.W 0+8 p1*");
	}
}

/* The host's side: every clone the engine takes is given back once the I/O drained. */
static void test_clones_returned(void **state)
{
	struct fakehost *fh =
		mk(state, "writeback options 1 queue_busy", QUIRKS_SEED);

	fh_submit(fh, 'W', 0, 8);
	fh_submit(fh, 'R', 8, 8);
	fh_run_worker(fh);
	fh_submit(fh, 'W', 0, 8); /* WRITE_BUSY: a deferred-copy clone */
	fh_submit(fh, 'F', 0, 0); /* the flush keeps the piece itself, no clone */
	/* p1's secondary, p2's fill, p3's deferred copy */
	assert_int_equal(fh->live_clones, 3);
	fh_drain(fh);
	assert_int_equal(fh->live_clones, 0);
	assert_int_equal(fh_npending(fh), 0);
}

/* Every test gets its host through cmocka's state; teardown drains and frees it. */
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

CM_MAIN(T(test_read_miss_fill_busy_clean),
	T(test_wt_write_miss_target_first),
	T(test_wb_write_goes_to_cache_sector),
	T(test_q9_q10_seed_cancel_then_late_completions),
	T(test_q9_fixed_write_waits),
	T(test_q10_fixed_late_completions_ignored),
	BOTH(q9_readcache_write_during_fill, "readcache", Q(9)),
	BOTH(q11_wb_queue_busy, "writeback options 1 queue_busy", Q(11)),
	BOTH(q12_wt_queue_busy, "writethrough options 1 queue_busy", Q(12)),
	BOTH(q13_fill_after_write, "writethrough", Q(13)),
	BOTH(q14_read_of_busy_offsets, "writethrough", Q(14)),
	BOTH(q18_flush, "writethrough", Q(18)),
	BOTH(q19_discard, "writethrough", Q(19)),
	BOTH(q1_read_of_a_full_cmd, "writethrough", Q(1)),
	T(test_worker_drains_in_order),
	BOTH(q4_eviction_of_a_busy_block, "writethrough options 1 evict_on_write", Q(4)),
	BOTH(q6_lru_key_is_the_last_transition, "writethrough options 2 evict_on_write lru", Q(6)),
	BOTH(q15_wt_async_lookup, "writethrough options 1 async_lookup", Q(15)),
	T(test_clones_returned));
