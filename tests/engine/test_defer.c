// SPDX-License-Identifier: GPL-2.0
/*
 * test_defer.c - the fixed mode's deferred-bio queue (engine/defer.h): with the concurrency fixes
 * on, a completion looks up again only the bios waiting on its own block, so the work per
 * completion does not grow with the backlog held elsewhere (issue 11); with one of them kept,
 * every waiting bio is looked up again, as before; the pools are reused, sized by the peak.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <cmocka.h>

#include "engine/internal.h"
#include "tests/lib/cm_main.h"
#include "tests/lib/fakehost.h"

#define ONE_CMD (16ULL * 8 * 512)
#define Q(n) ((quirk_set)1 << (n))

static struct fakehost *mk(quirk_set fixed)
{
	char err[256];
	struct fakehost *fh = fh_create("blocksize 8 assoc 4 writethrough", fixed, 16 * ONE_CMD, err,
					sizeof(err));

	if (!fh)
		fail_msg("fh_create: %s", err);
	return fh;
}

/* Blocks 0..n-1 each get a write in flight on both devices, then a read that must wait (Q14). */
static struct fh_piece *backlog(struct fakehost *fh, unsigned n)
{
	struct fh_piece *w0 = NULL;
	unsigned long held = fh_counters(fh).deferred;

	for (unsigned b = 0; b < n; b++) {
		struct fh_piece *w = fh_submit(fh, 'W', b * 8, 8);
		fh_run_worker(fh); /* its cache secondary */
		if (!b)
			w0 = w;
	}
	for (unsigned b = 0; b < n; b++)
		assert_int_equal(fh_submit(fh, 'R', b * 8, 8)->map_ret, DM_MAPIO_SUBMITTED);
	assert_int_equal(fh_counters(fh).deferred, held + n);
	return w0;
}

/* Block 0's write completes on both devices; the worker runs. Bios looked up again. */
static uint64_t release_block0(struct fakehost *fh, struct fh_piece *w0)
{
	uint64_t before = fh->sc->defer.lookups;

	fh_complete(fh, fh_primary(fh, w0), 0);
	fh_complete(fh, fh_secondary(fh, BDEV_CACHE, w0), 0);
	fh_run_worker(fh);
	return fh->sc->defer.lookups - before;
}

/* All fixes: one lookup per completion of block 0, whether 2 or 16 blocks hold waiting reads. */
static void test_by_block(void **state)
{
	(void)state;
	for (unsigned n = 2; n <= 16; n += 14) {
		struct fakehost *fh = mk(quirks_all_fixes());
		struct fh_piece *w0 = backlog(fh, n);
		unsigned long deferred = fh_counters(fh).deferred;

		assert_int_equal(release_block0(fh, w0), 1); /* block 0's read, no other */
		assert_int_equal(fh_counters(fh).deferred, deferred); /* it went on, nothing re-held */
		assert_int_equal(fh->sc->defer.nr, n - 1);
		fh_drain(fh);
		assert_int_equal(fh->sc->defer.nr, 0);
		fh_destroy(fh);
	}
}

/* Q4 kept (a busy cte may be evicted, with no kick of its block): every waiting bio is looked
 * up again at each completion, the others held again, as the queue always did. */
static void test_all_when_q4_kept(void **state)
{
	(void)state;
	struct fakehost *fh = mk(quirks_all_fixes() & ~Q(4));
	struct fh_piece *w0 = backlog(fh, 16);
	unsigned long deferred = fh_counters(fh).deferred;

	assert_int_equal(release_block0(fh, w0), 16);
	assert_int_equal(fh_counters(fh).deferred, deferred + 15);
	fh_drain(fh);
	fh_destroy(fh);
}

/* Memory follows the bios held, not the bios ever held: a second backlog of the same size after a
 * drain reuses the entries and cells of the first. */
static void test_pools_reused(void **state)
{
	(void)state;
	struct fakehost *fh = mk(quirks_all_fixes());
	uint32_t ent, cell;

	for (int round = 0; round < 3; round++) {
		backlog(fh, 16);
		fh_drain(fh);
		if (!round) {
			ent = fh->sc->defer.nr_ent;
			cell = fh->sc->defer.nr_cell;
			assert_true(ent <= 16 && cell <= 16);
		}
		assert_int_equal(fh->sc->defer.nr_ent, ent);
		assert_int_equal(fh->sc->defer.nr_cell, cell);
	}
	fh_destroy(fh);
}

CM_MAIN(UT(test_by_block), UT(test_all_when_q4_kept), UT(test_pools_reused));
