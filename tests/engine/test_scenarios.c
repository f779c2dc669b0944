// SPDX-License-Identifier: GPL-2.0
/*
 * test_scenarios.c - docs/engine.md Appendix B (B1-B5) and the §9 coherency scenarios (C1-C8, X1,
 * X2), run end to end through the simulator with fixed devices, seed-exact mode.
 *
 * Conventions of every case: HZ 250 (4 ms per jiffy), jiffies0 0, wq_delay 0 unless stated,
 * C = cache latency, T = target latency. Derivations follow docs/engine.md's sections; where the
 * `fixed` model (unlimited parallelism) changes a time, the comment says so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tests/lib/cm_main.h"
#include "tests/lib/simtest.h"


#define GiB (1ULL << 30)
#define C01 100000ULL
#define T5 5000000ULL

/* Run the queued script; expect these outcomes and this many stale reads from the verifier.
 * Macros, not functions, so that a failure names the test's line. */
#define RUN_STALE(st, outcomes, n)                                                                 \
	do {                                                                                       \
		RUN_OK(st);                                                                        \
		OUTCOMES(st, outcomes);                                                            \
		assert_int_equal((st)->res.stale_reads, (n));                                      \
	} while (0)


/* B1: writethrough basics (bs 256, 2 GiB: hash_bits 10, default options). */
static void test_b1(void **state)
{
	struct ssdcache_cte_view v;
	struct simtest *st = *state;
	st_init(st, 2 * GiB, C01, C01, T5, T5, "");
	QS(st, "0 R 1000+8, " /* block 768, h0 3: READ_MISS in cmd 3 slot 0; fill 5.0-5.1 */
	       "20 R 1000+8, " /* READ_CLEAN at cache sector 12520 */
	       "40 W 1000+8, " /* WRITE_INVALID; cache 40-40.1, target 40-45 */
	       "60 R 1000+8, " /* READ_CLEAN (v1) */
	       "80 W 5000+8, " /* block 4864, h0 19: WRITE_MISS, offsets 136-143 */
	       "100 R 5000+16"); /* offsets 144-151 not clean: READ_INVALID, fill 136-151 */
	RUN_OK(st);
	OUTCOMES(st, "READ_MISS READ_CLEAN WRITE_INVALID READ_CLEAN WRITE_MISS READ_INVALID");
	assert_string_equal(st_info(st), "cmd 2/1024 cte 0/2/16384\n"
					  "\tread  clean 2 busy 0 invalid 1 miss 1\n"
					  "\twrite busy 0 cancel 0 invalid 1 miss 1 done 0 skip 0\n"
					  "\tbypassed 0 evicts 0 cancelled writeback 0 bio 0");
	/* READ_CLEAN's bio went to cache sector 3*16*256 + 0 + 232 = 12520: the device saw it */
	assert_int_equal(st->res.cache_dev.nr_reads, 2);
	(void)v;
}

/* B1's final ctes: count and atime of docs/engine.md Appendix B (needs the target after a run) */
static int b1_inspect(struct simtest *s, struct ssdcache_ctx *sc)
{
	struct ssdcache_cte_view v;

	/* cmd 3 slot 0: 1 (miss) +1 start fill +1 fill done +1 cleanup, +1 READ_CLEAN cleanup,
	 * +4 WRITE_INVALID (start, cache done, target done, cleanup), +1 READ_CLEAN = 10; the last
	 * transition is the READ_CLEAN at 60 ms: jiffies 15. clean = offsets 232-239. */
	if (ssdcache_peek_cte(sc, 3, 0, &v) || !v.present || v.count != 10 || v.atime != 15 ||
	    v.sector != 768 || v.clean[3] != (0xffULL << 40) || v.clean[0] || v.target_busy[3] ||
	    v.cache_busy[3])
		return s->rc = 1;
	/* cmd 19 slot 0: WRITE_MISS 1+3 = 4, READ_INVALID +3 = 7; last: fill done at 105.1 ms,
	 * jiffies 26; clean = offsets 136-151 */
	if (ssdcache_peek_cte(sc, 19, 0, &v) || !v.present || v.count != 7 || v.atime != 26 ||
	    v.sector != 4864 || v.clean[2] != (0xffffULL << 8))
		return s->rc = 2;
	return 0;
}

static void test_b1_ctes(void **state)
{
	struct simtest *st = *state;
	st_init(st, 2 * GiB, C01, C01, T5, T5, "");
	QS(st, "0 R 1000+8, 20 R 1000+8, 40 W 1000+8, 60 R 1000+8, 80 W 5000+8, 100 R 5000+16");
	st->inspect = b1_inspect;
	st_run(st);
	assert_int_equal(st->rc, 0);
}

/* B2: eviction order. bs 8, 16 blocks (hash_bits 0, one cmd), WT, evict_on_write. Reads of
 * blocks 0..15 (slots 0..15, count 4 each), read hits on 3, 3, 5 (counts 6, 5), a write of
 * block 100 evicts: LFU takes the minimum count 4 with the highest slot (15); LRU the oldest
 * atime (slot 0). Reads never evict (Q1): the evicted block's read is a WRITE_SKIP. */
static void b2(struct simtest *st, const char *policy, const char *out200, const char *out210)
{
	char table[128], exp[1024];

	snprintf(table, sizeof(table), "blocksize 8 writethrough options 2 evict_on_write %s", policy);
	st_init(st, 16 * 8 * 512, C01, C01, T5, T5, table);
	for (int b = 0; b < 16; b++)
		st_q(st, MS(10 * b), "R", 8 * b, 8);
	QS(st, "160 R 24+8, 170 R 24+8, 180 R 40+8, 190 W 800+8, 200 R 120+8, 210 R 0+8");
	RUN_OK(st);
	snprintf(exp, sizeof(exp), "READ_MISS*16 READ_CLEAN*3 WRITE_MISS %s %s", out200, out210);
	OUTCOMES(st, exp);
	assert_string_equal(st_info(st), "cmd 1/1 cte 0/16/16\n"
					  "\tread  clean 4 busy 0 invalid 0 miss 16\n"
					  "\twrite busy 0 cancel 0 invalid 0 miss 1 done 0 skip 1\n"
					  "\tbypassed 0 evicts 1 cancelled writeback 0 bio 0");
}

static void test_b2_lfu(void **state)
{
	char line[128];
	struct simtest *st = *state;
	b2(st, "lfu", "WRITE_SKIP", "READ_CLEAN");
	/* the victim: slot 15 */
	assert_string_equal(st_log_line(st, 19, line, sizeof(line)), "19 W 800 8 WRITE_MISS 0 15 195000000");
}

static void test_b2_lru(void **state)
{
	char line[128];
	struct simtest *st = *state;
	b2(st, "lru", "READ_CLEAN", "WRITE_SKIP");
	assert_string_equal(st_log_line(st, 19, line, sizeof(line)), "19 W 800 8 WRITE_MISS 0 0 195000000");
}

/* B3: reads never evict: 18 distinct blocks, then the 18th again: 16 misses, 3 skips (Q1). */
static void test_b3(void **state)
{
	struct simtest *st = *state;
	st_init(st, 16 * 8 * 512, C01, C01, T5, T5, "blocksize 8");
	for (int b = 0; b < 18; b++)
		st_q(st, MS(10 * b), "R", 8 * b, 8);
	st_q(st, MS(200), "R", 8 * 17, 8);
	RUN_OK(st);
	assert_string_equal(st_info(st), "cmd 1/1 cte 0/16/16\n"
					  "\tread  clean 0 busy 0 invalid 0 miss 16\n"
					  "\twrite busy 0 cancel 0 invalid 0 miss 0 done 0 skip 3\n"
					  "\tbypassed 0 evicts 0 cancelled writeback 0 bio 0");
}

/* B5: cancel + resubmit. W2 finds W1's target write in flight: WRITE_CANCEL, the cte becomes
 * invalid and is dropped at the put, dm maps the bio again: WRITE_MISS in slot 0. With the
 * fixed model's unlimited parallelism v2 is acknowledged at 1 + 5 = 6 ms. v2's ENDIO finds
 * tbusy already cleared by v1's completion (Q10): one hidden cache overrun. */
static void test_b5(void **state)
{
	char line[128];
	struct simtest *st = *state;
	st_init(st, 2 * GiB, C01, C01, T5, T5, "");
	QS(st, "0 W 0+8, 1 W 0+8, 20 R 0+8");
	RUN_OK(st);
	assert_string_equal(st->log, "0 W 0 8 WRITE_MISS 0 0 5000000\n"
				    "1 W 0 8 WRITE_CANCEL 0 0 6000000\n"
				    "2 W 0 8 WRITE_MISS 0 0 6000000\n"
				    "3 R 0 8 READ_CLEAN 0 0 20100000\n");
	expect_in(st_info(st), "write busy 0 cancel 1 invalid 0 miss 2");
	assert_int_equal(st->res.counters.cache_overruns, 1);
	(void)line;
}

/* ---- docs/engine.md §9: stale reads under the seed (B4) ---- */

static void coherency(struct simtest *st, const char *table, uint64_t c_ns, uint64_t t_ns,
		      uint64_t wq_ns)
{
	st_init(st, 2 * GiB, c_ns, c_ns, t_ns, t_ns, table);
	st->cfg.verify = true;
	st->cfg.wq_delay_ns = wq_ns;
}

/* C1: a read-miss fill overwrites a newer write (Q13), WT and WB. */
static void c1(struct simtest *st, const char *mode)
{
	coherency(st, mode, C01, T5, 0);
	QS(st, "0 R 0+8, " /* READ_MISS: target read 0-5 returns v0 */
	       "1 W 0+8, " /* WRITE_INVALID: the cache gets v1 at 1.1, clean */
	       "20 R 0+8"); /* the fill (5-5.1) wrote v0 over it: READ_CLEAN v0 */
	RUN_STALE(st, "READ_MISS WRITE_INVALID READ_CLEAN", 1);
	assert_string_equal(st->verify, "2 0 8 20100000 0 0 1\n");
	expect_in(st_info(st), "read  clean 1 busy 0 invalid 0 miss 1",
		  "write busy 0 cancel 0 invalid 1 miss 0");
}

static void test_c1_wt(void **state)
{
	struct simtest *st = *state;
	c1(st, "writethrough");
}

static void test_c1_wb(void **state)
{
	struct simtest *st = *state;
	c1(st, "writeback");
}

/* C1 in readcache is safe: the fill is cancelled (the write's cte is busy, then dropped). */
static void test_c1_rc_safe(void **state)
{
	struct simtest *st = *state;
	coherency(st, "readcache", C01, T5, 0);
	QS(st, "0 R 0+8, 1 W 0+8, 20 R 0+8");
	RUN_OK(st);
	assert_int_equal(st->res.stale_reads, 0);
}

/* C2: a duplicate cte resurfaces in readcache (Q5). B(k) = k * 1024 * 256 all hash to cmd 0. */
static void test_c2(void **state)
{
	const uint64_t B = 1024ULL * 256;
	struct simtest *st = *state;
	coherency(st, "readcache", C01, T5, 0);
	for (int k = 0; k < 6; k++)
		st_q(st, MS(10 * k), "R", k * B, 8); /* slots 0..5 = A B C D E X, clean v0 */
	st_q(st, MS(60), "W", 2 * B, 8);   /* WRITE_INVALID on C; invalid at completion: slot 2 dropped */
	st_q(st, MS(80), "R", 5 * B, 8);   /* 0 A, 1 B, 2 hole, 3 D -> break: READ_MISS in slot 2 */
	st_q(st, MS(100), "W", 5 * B, 8);  /* finds the copy in slot 2; v9 (version 2) to the target */
	st_q(st, MS(120), "R", 6 * B, 8);  /* a new block takes slot 2 */
	st_q(st, MS(140), "R", 5 * B, 8);  /* the old X in slot 5: READ_CLEAN v0: stale */
	RUN_OK(st);
	OUTCOMES(st, "READ_MISS READ_MISS READ_MISS READ_MISS READ_MISS READ_MISS WRITE_INVALID "
		      "READ_MISS WRITE_INVALID READ_MISS READ_CLEAN");
	assert_string_equal(st_info(st), "cmd 1/1024 cte 0/6/16384\n"
					  "\tread  clean 1 busy 0 invalid 0 miss 8\n"
					  "\twrite busy 0 cancel 0 invalid 2 miss 0 done 0 skip 0\n"
					  "\tbypassed 0 evicts 0 cancelled writeback 0 bio 0");
	assert_int_equal(st->res.stale_reads, 1);
}

/* C3: readcache write during a fill (Q9, Q10). C = 1 ms, T = 5 ms. */
static void test_c3(void **state)
{
	struct simtest *st = *state;
	coherency(st, "readcache", 1000000, T5, 0);
	QS(st, "0 R 0+8, " /* READ_MISS; fill cache write 5-6 (cbusy) */
	       "5.5 W 0+8, " /* invalidate, WRITE_CANCEL; again: WRITE_MISS slot 0 */
	       "20 R 0+8"); /* the fill completed on the new cte: clean v0 */
	RUN_STALE(st, "READ_MISS WRITE_CANCEL WRITE_MISS READ_CLEAN", 1);
	expect_in(st_info(st), "read  clean 1 busy 0 invalid 0 miss 1",
		  "write busy 0 cancel 1 invalid 0 miss 1");
}

/* C4: writeback + queue_busy loses the second write (Q11). */
static void test_c4(void **state)
{
	struct simtest *st = *state;
	coherency(st, "writeback options 1 queue_busy", C01, T5, 0);
	QS(st, "0 W 0+8, " /* WRITE_MISS: SSD ack 0.1, target write 0-5 */
	       "1 W 0+8, " /* WRITE_BUSY: to the SSD, and the deferred copy to the SSD again */
	       "20 R 0+16, " /* 8..15 not clean: READ_INVALID from the HDD: v1 for 0..7 */
	       "40 R 0+8"); /* the fill copied v1 into the cache: READ_CLEAN v1 */
	RUN_STALE(st, "WRITE_MISS WRITE_BUSY READ_INVALID READ_CLEAN", 2);
	expect_in(st_info(st), "read  clean 1 busy 0 invalid 1 miss 0",
		  "write busy 1 cancel 0 invalid 0 miss 1");
}

/* C5a: writethrough + queue_busy with an SSD slower than the HDD (C = 5, T = 1) (Q12). */
static void test_c5a(void **state)
{
	struct simtest *st = *state;
	coherency(st, "writethrough options 1 queue_busy", T5, 1000000, 0);
	QS(st, "0 W 0+8, " /* WRITE_MISS; HDD ack 1; SSD v1 until 5 */
	       "2 W 0+8, " /* cache busy: WRITE_BUSY, tbusy only; HDD ack 3 */
	       "8 R 0+8"); /* copy cancelled at 3; v1 landed clean at 5: stale */
	RUN_STALE(st, "WRITE_MISS WRITE_BUSY READ_CLEAN", 1);
	expect_in(st_info(st), "write busy 1 cancel 0 invalid 0 miss 1", "cancelled writeback 1");
}

/* C5b: writethrough + queue_busy with a worker delay of 0.5 ms: a window of q. */
static void test_c5b(void **state)
{
	struct simtest *st = *state;
	coherency(st, "writethrough options 1 queue_busy", C01, T5, 500000);
	QS(st, "0 R 0+8, " /* READ_MISS; fill issued at 5.5, done 5.6 */
	       "5.55 W 0+8, " /* fill cache-busy: WRITE_BUSY; HDD ack 10.55; copy at 11.05 */
	       "10.6 R 0+8, " /* clean v0 from the fill: stale */
	       "20 R 0+8"); /* v1 */
	RUN_STALE(st, "READ_MISS WRITE_BUSY READ_CLEAN READ_CLEAN", 1);
	assert_non_null(strstr(st->verify, "2 0 8 10700000 0 0 1\n"));
}

/* C6: writethrough + async_lookup: no lookup, the seed's worker oopses (Q15; we count it). */
static void test_c6(void **state)
{
	struct simtest *st = *state;
	coherency(st, "writethrough options 1 async_lookup", C01, T5, 0);
	QS(st, "0 R 0+8, 10 W 0+8, 20 R 0+8");
	RUN_STALE(st, "READ_MISS NOMATCH READ_CLEAN", 1);
	expect_in(st_info(st), "write busy 0 cancel 0 invalid 0 miss 0 done 0 skip 0");
	assert_int_equal(st->res.counters.seed_crashes, 1);
	assert_int_equal(st->res.counters.cache_overruns, 2);
}

/* C6 with --seed-crash abort: the run stops with a message naming Q15. */
static void test_c6_abort(void **state)
{
	struct simtest *st = *state;
	coherency(st, "writethrough options 1 async_lookup", C01, T5, 0);
	st->cfg.engine.seed_crash = SEED_CRASH_ABORT;
	st_q(st, 0, "W", 0, 8);
	assert_int_not_equal(st_run(st), 0);
	assert_non_null(strstr(st->err, "Q15"));
}

/* C7: cancel + resubmit with a slow cache (C = 5, T = 1): not stale with FIFO devices. */
static void test_c7(void **state)
{
	struct simtest *st = *state;
	coherency(st, "writethrough", T5, 1000000, 0);
	QS(st, "0 W 0+8, " /* v1: HDD 0-1, SSD 0-5 */
	       "0.5 W 0+8, " /* tbusy: cancel, dropped, WRITE_MISS again; SSD 0.5-5.5 */
	       "5.2 R 0+8, " /* clean since 5 (v1's completion, Q10); read done 10.2: v2 */
	       "20 R 0+8");
	RUN_STALE(st, "WRITE_MISS WRITE_CANCEL WRITE_MISS READ_CLEAN READ_CLEAN", 0);
}

/* C8: writeback with a slow worker: READ_BUSY overtakes the not-yet-issued secondary. */
static void test_c8(void **state)
{
	struct simtest *st = *state;
	coherency(st, "writeback", C01, T5, 1000000);
	QS(st, "0 W 0+8, " /* SSD ack 0.1; secondary issued at 1.0 */
	       "0.5 R 0+16"); /* READ_BUSY to the HDD: v0 for 0..7 */
	RUN_STALE(st, "WRITE_MISS READ_BUSY", 1);
	expect_in(st_info(st), "read  clean 0 busy 1 invalid 0 miss 0");
}

/* X1: a resubmitted write loses its secondary (WT, wq_delay 2 ms). W1's cache write (2-2.1)
 * is in flight when W2 is cancelled and mapped again; its completion clears W2's cache_busy
 * (Q10), so the worker drops W2's secondary at 4.05 (bio_cancelled) and v1 stays clean. */
static void test_x1(void **state)
{
	struct simtest *st = *state;
	coherency(st, "writethrough", C01, T5, 2000000);
	QS(st, "0 W 0+8, 2.05 W 0+8, 20 R 0+8");
	RUN_STALE(st, "WRITE_MISS WRITE_CANCEL WRITE_MISS READ_CLEAN", 1);
	expect_in(st_info(st), "bio 1");
}

/* X2: a deferred copy lands after a newer write (WB + queue_busy). A read fill makes offsets
 * 8..15 clean so the cancel of W3 leaves the cte valid; W3 then maps as WRITE_INVALID. */
static void test_x2(void **state)
{
	struct simtest *st = *state;
	coherency(st, "writeback options 1 queue_busy", C01, T5, 0);
	QS(st, "0 R 8+8, " /* offsets 8..15 clean from 5.1 */
	       "10 W 0+8, " /* W1: WRITE_INVALID; target write 10-15 */
	       "14.95 W 0+8, " /* W2: tbusy: WRITE_BUSY; SSD 14.95-15.05 */
	       "15.03 W 0+8, " /* W3: cache busy: cancel; again: WRITE_INVALID */
	       "30 R 0+8"); /* W2's deferred copy (15.05-15.15) is clean: v2 */
	RUN_STALE(st, "READ_MISS WRITE_INVALID WRITE_BUSY WRITE_CANCEL WRITE_INVALID READ_CLEAN", 1);
	assert_non_null(strstr(st->verify, " 0 2 3\n"));
}

/* C9: eviction of a block with I/O in flight (Q4), writeback, evict_on_write, worker delay
 * 10 ms, one cmd of 16-sector blocks, assoc 0. Fifteen fillers are clean at offsets 0..7 only;
 * X (block 16) is clean at 8..15. X is written at 0..7 (cache ack at 30.1; its target write
 * waits for the worker at 40). A write of block 100 at offsets 8..15 judges victims on 8..15:
 * only X qualifies (not busy there, clean), so X is evicted with its secondary pending. At 40
 * the worker finds another block in X's slot and drops the secondary ("target cte overrun"):
 * X's new data never reaches the disk, and a later read of X (a WRITE_SKIP: reads never
 * evict) returns the old data. */
static void test_c9(void **state)
{
	struct simtest *st = *state;
	st_init(st, 16ULL * 16 * 512, C01, C01, T5, T5, "blocksize 16 assoc 0 writeback options 1 evict_on_write");
	st->cfg.verify = true;
	st->cfg.wq_delay_ns = MS(10);
	for (int k = 1; k <= 15; k++)
		st_q(st, MS(k - 1) / 10, "R", 16 * k, 8);  /* fillers: slots 0..14, offsets 0..7 */
	st_q(st, MS(2), "R", 256 + 8, 8);               /* X: slot 15, offsets 8..15 */
	st_q(st, MS(30), "W", 256, 8);                  /* WRITE_INVALID on X, ack 30.1 */
	st_q(st, MS(31), "W", 1600 + 8, 8);             /* evicts X */
	st_q(st, MS(50), "R", 256, 8);                  /* old data from the disk */
	RUN_OK(st);
	char line[128];
	assert_non_null(strstr(st_log_line(st, 17, line, sizeof(line)), "WRITE_MISS 0 15"));
	expect_in(st_info(st), "evicts 1");
	assert_int_equal(st->res.counters.cache_overruns >= 1, 1);
	assert_int_equal(st->res.target_dev.nr_writes, 1); /* only block 100's write reached the disk */
	assert_int_equal(st->res.stale_reads, 1);
}

/*
 * C10: a duplicate cte in writethrough (Q5), LFU with evict_on_write, one cmd, assoc 0.
 * Blocks A(10) B(20) C(30) X(21) are written into slots 0..3 (count 4 each); three read hits
 * raise X's count to 7. B is written (v5) and, while its target write is in flight, one
 * request covers B and X (v6): dm maps both pieces before dispatching. B's piece cancels and
 * empties B's cte, dropped at once (slot 1 is a hole); X's piece then scans 0 A, 1 hole, 2 C
 * and stops one slot after the hole (Q5): a second cte for X in slot 1 (X_new, count 4), while
 * X_old (v4, clean) stays in slot 3. B's resubmission takes slot 4. Eleven fillers fill the
 * cmd; read hits raise A, B, C and the fillers to 5. A write of block 100 evicts the unique
 * minimum, X_new. The next read of X finds X_old: v4, although v6 was acknowledged.
 */
static void test_c10(void **state)
{
	struct simtest *st = *state;
	st_init(st, 16ULL * 8 * 512, C01, C01, T5, T5, "blocksize 8 assoc 0 writethrough options 1 evict_on_write");
	st->cfg.verify = true;
	QS(st, "0 W 80+8, " /* A: slot 0 (v1) */
	       "1 W 160+8, " /* B: slot 1 (v2) */
	       "2 W 240+8, " /* C: slot 2 (v3) */
	       "3 W 168+8"); /* X: slot 3 (v4) */
	for (int i = 0; i < 3; i++)
		st_q(st, MS(10 + i), "R", 168, 8); /* X_old count 7 */
	QS(st, "20 W 160+8, " /* B v5: target busy until 25 */
	       "21 W 160+16"); /* v6: B cancels (slot 1 freed), X -> slot 1, B -> slot 4 */
	for (int k = 0; k < 11; k++)
		st_q(st, MS(40 + k), "W", 320 + 8 * k, 8); /* fillers: slots 5..15 */
	QS(st, "60 R 80+8, 61 R 160+8, 62 R 240+8");
	for (int k = 0; k < 11; k++)
		st_q(st, MS(63 + k), "R", 320 + 8 * k, 8);
	QS(st, "100 W 800+8, " /* evicts X_new (slot 1) */
	       "120 R 168+8"); /* X_old: READ_CLEAN v4 */
	RUN_OK(st);
	char line[128];
	assert_string_equal(st_log_line(st, 8, line, sizeof(line)), "8 W 160 8 WRITE_CANCEL 0 1 26000000");
	assert_string_equal(st_log_line(st, 9, line, sizeof(line)), "9 W 168 8 WRITE_MISS 0 1 26000000");
	assert_string_equal(st_log_line(st, 10, line, sizeof(line)), "10 W 160 8 WRITE_MISS 0 4 26000000");
	assert_non_null(strstr(st_log_line(st, 36, line, sizeof(line)), "W 800 8 WRITE_MISS 0 1 "));
	assert_non_null(strstr(st_log_line(st, 37, line, sizeof(line)), "R 168 8 READ_CLEAN 0 3 "));
	assert_int_equal(st->res.stale_reads, 1);
	assert_non_null(strstr(st->verify, " 168 4 6\n"));
	/* with Q5 fixed the lookup sees X in slot 3: no duplicate, nothing stale */
	st_init(st, 16ULL * 8 * 512, C01, C01, T5, T5, "");
	st->cfg.verify = true;
	st->cfg.engine.fixed = 1ULL << 5;
	assert_int_equal(st_table(st, "blocksize 8 assoc 0 writethrough options 1 evict_on_write"), 0);
	QS(st, "0 W 80+8, 1 W 160+8, 2 W 240+8, 3 W 168+8, 20 W 160+8, 21 W 160+16, 120 R 168+8");
	RUN_OK(st);
	assert_int_equal(st->res.stale_reads, 0);
}

CM_MAIN(ST_TEST(test_b1), ST_TEST(test_b1_ctes), ST_TEST(test_b2_lfu), ST_TEST(test_b2_lru),
	ST_TEST(test_b3), ST_TEST(test_b5), ST_TEST(test_c1_wt), ST_TEST(test_c1_wb),
	ST_TEST(test_c1_rc_safe), ST_TEST(test_c2), ST_TEST(test_c3), ST_TEST(test_c4),
	ST_TEST(test_c5a), ST_TEST(test_c5b), ST_TEST(test_c6), ST_TEST(test_c6_abort),
	ST_TEST(test_c7), ST_TEST(test_c8), ST_TEST(test_c9), ST_TEST(test_c10), ST_TEST(test_x1),
	ST_TEST(test_x2));
