// SPDX-License-Identifier: GPL-2.0
/*
 * test_outcomes.c - every cte_match outcome in every mode, each option, and the quirks Q1, Q2,
 * Q5, Q9, Q13 in seed mode and with their fix. Small traces through the simulator with fixed
 * devices: C read 0.1 ms, C write 0.2 ms, T 5 ms (unless stated), HZ 250, wq_delay 0.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/cm_main.h"
#include "tests/lib/simtest.h"


#define CR 100000ULL
#define CW 200000ULL
#define T5 5000000ULL
#define ONE_CMD (16ULL * 8 * 512) /* bs 8: 16 blocks, hash_bits 0 */

static const char *const modes[] = {"writethrough", "writeback", "readcache"};

static void init(struct simtest *st, const char *table)
{
	st_init(st, ONE_CMD, CR, CW, T5, T5, table);
}

/* init with the table fmt, whose %s is mode m (modes[m]). */
static void init_mode(struct simtest *st, const char *fmt, int m)
{
	char table[128];

	snprintf(table, sizeof(table), fmt, modes[m]);
	init(st, table);
}

/*
 * The common life of a block, in each mode (bs 8, one cmd, assoc 0):
 *  0 ms    R 0+8   READ_MISS (new cte, no bits; target read 0-5, fill 5-5.2)
 *  1 ms    R 0+8   READ_INVALID (the cte exists, nothing clean, nothing busy: Q14)
 *  20 ms   R 0+8   READ_CLEAN
 *  30 ms   W 0+8   WRITE_INVALID (clean -= m, busy += m)
 *  30.1    R 0+8   READ_BUSY (not clean, busy: to the target)
 *  30.15   W 0+8   WRITE_CANCEL (busy; the cancel empties the cte, dropped), then WRITE_MISS
 *  40 ms   W 8+8   WRITE_MISS (another block)
 */
static void test_common_outcomes_every_mode(void **state)
{
	struct simtest *st = *state;
	for (int m = 0; m < 3; m++) {
		init_mode(st, "blocksize 8 assoc 0 %s", m);
		QS(st, "0 R 0+8, 1 R 0+8, 20 R 0+8, 30 W 0+8, 30.1 R 0+8, 30.15 W 0+8, 40 W 8+8");
		RUN_OK(st);
		OUTCOMES(st, "READ_MISS READ_INVALID READ_CLEAN WRITE_INVALID READ_BUSY WRITE_CANCEL "
			      "WRITE_MISS WRITE_MISS");
	}
}

/* A full chain: reads never evict (Q1: WRITE_SKIP, counted as a write skip); with
 * evict_on_write a write with no clean candidate is LOOKUP_FAILED (hidden lookup_busy), and
 * one with candidates evicts. */
static void test_full_chain_every_mode(void **state)
{
	struct simtest *st = *state;
	for (int m = 0; m < 3; m++) {
		init_mode(st, "blocksize 8 assoc 0 %s options 1 evict_on_write", m);
		for (int b = 0; b < 16; b++)
			st_q(st, 1000 * (uint64_t)b, "R", 8 * b, 8); /* 16 misses in flight until ~5 ms */
		QS(st, "1 W 800+8, " /* no clean candidate yet: LOOKUP_FAILED */
		       "2 R 808+8, " /* reads never evict: WRITE_SKIP (Q1) */
		       "50 W 816+8"); /* all clean now: evicts (LFU: count 4 everywhere, slot 15) */
		RUN_OK(st);
		OUTCOMES(st, "READ_MISS*16 LOOKUP_FAILED WRITE_SKIP WRITE_MISS");
		/* WORD*N counts: one piece fewer or more is a difference */
		assert_false(st_outcomes_are(st, "READ_MISS*15 LOOKUP_FAILED WRITE_SKIP WRITE_MISS"));
		assert_false(st_outcomes_are(st, "READ_MISS*17 LOOKUP_FAILED WRITE_SKIP WRITE_MISS"));
		assert_int_equal(st->res.counters.lookup_busy, 1);
		assert_int_equal(st->res.counters.write_skip, 1);
		assert_int_equal(st->res.counters.cache_evictions, 1);
	}
}

/* queue_busy: WRITE_BUSY. WT needs a cache-busy, not target-busy block: a cache slower than
 * the target (SSD write 6 ms > HDD 5 ms). WB: any write during the previous write's target I/O. */
static void test_write_busy(void **state)
{
	struct simtest *st = *state;
	st_init(st, ONE_CMD, CR, 6000000, T5, T5, "blocksize 8 assoc 0 writethrough options 1 queue_busy");
	QS(st, "0 W 0+8, 5.5 W 0+8");
	RUN_OK(st);
	OUTCOMES(st, "WRITE_MISS WRITE_BUSY");
	init(st, "blocksize 8 assoc 0 writeback options 1 queue_busy");
	QS(st, "0 W 0+8, 1 W 0+8");
	RUN_OK(st);
	OUTCOMES(st, "WRITE_MISS WRITE_BUSY");
	/* without queue_busy the same collision cancels */
	init(st, "blocksize 8 assoc 0 writeback");
	QS(st, "0 W 0+8, 1 W 0+8");
	RUN_OK(st);
	OUTCOMES(st, "WRITE_MISS WRITE_CANCEL WRITE_MISS");
}

/* Flush and discard: an empty flush is one piece "F 0 0" completed by the worker (no device
 * I/O, Q18); a flush with data adds its data as an ordinary write; a discard fails (Q19). */
static void test_flush_discard(void **state)
{
	char line[128];
	struct simtest *st = *state;
	for (int m = 0; m < 3; m++) {
		init_mode(st, "blocksize 8 %s", m);
		QS(st, "1 FWS, 2 FWFSM 16+12, 3 D 64+64, 4 FN");
		RUN_OK(st);
		OUTCOMES(st, "FLUSH FLUSH WRITE_MISS WRITE_MISS DISCARD FLUSH");
		assert_string_equal(st_log_line(st, 0, line, sizeof(line)), "0 F 0 0 FLUSH - - 1000000");
		assert_string_equal(st_log_line(st, 4, line, sizeof(line)), "4 D 64 64 DISCARD - - 3000000");
		/* the flush sios are never freed (Q18): sio_active counts them */
		assert_int_equal(st->res.counters.sio_active, 3);
		assert_int_equal(st->res.cache_dev.nr_other + st->res.target_dev.nr_other, 0);
	}
}

/* async_lookup: WT skips cte_match (NOMATCH) and the seed's worker would oops (Q15); WB
 * looks up in map but queued the secondary first, and adds a cte_start_target_write (Q16). */
static void test_async_lookup(void **state)
{
	struct simtest *st = *state;
	init(st, "blocksize 8 writethrough options 1 async_lookup");
	st_q(st, 0, "W", 0, 8);
	RUN_OK(st);
	OUTCOMES(st, "NOMATCH");
	assert_int_equal(st->res.counters.seed_crashes, 1);
	assert_int_equal(st->res.counters.cache_overruns, 2);
	init(st, "blocksize 8 writeback options 1 async_lookup");
	QS(st, "0 W 0+8, 20 R 0+8");
	RUN_OK(st);
	OUTCOMES(st, "WRITE_MISS READ_CLEAN");
	assert_int_equal(st->res.counters.seed_crashes, 0);
	assert_int_equal(st->res.target_dev.nr_writes, 1);
	/* readcache: every early secondary is rejected by the worker (bio_cancelled) */
	init(st, "blocksize 8 readcache options 1 async_lookup");
	st_q(st, 0, "W", 0, 8);
	RUN_OK(st);
	assert_non_null(strstr(st_info(st), "bio 1"));
}

/* disable_writeback: no fill; the read-miss cte is invalid and dropped at once. */
static void test_disable_writeback(void **state)
{
	struct simtest *st = *state;
	init(st, "blocksize 8 options 1 disable_writeback");
	QS(st, "0 R 0+8, 20 R 0+8");
	RUN_OK(st);
	OUTCOMES(st, "READ_MISS READ_MISS");
	assert_string_equal(st_info(st), "cmd 1/1 cte 0/0/16\n"
					  "\tread  clean 0 busy 0 invalid 0 miss 2\n"
					  "\twrite busy 0 cancel 0 invalid 0 miss 0 done 0 skip 0\n"
					  "\tbypassed 0 evicts 0 cancelled writeback 0 bio 0");
	assert_int_equal(st->res.cache_dev.nr_writes, 0);
}

/* skip_write_insert: a write reaching a missing cmd skips (A1, hash "-"); cmd_preload
 * creates every cmd up front, so the option never fires (Q8). */
static void test_skip_write_insert_and_preload(void **state)
{
	char line[128];
	struct simtest *st = *state;
	st_init(st, 2 * ONE_CMD, CR, CW, T5, T5, "blocksize 8 options 1 skip_write_insert");
	QS(st, "0 W 0+8, "
	       "1 R 8+8, " /* creates cmd 1 */
	       "20 W 24+8"); /* cmd 1 exists: the write allocates (Q8) */
	RUN_OK(st);
	OUTCOMES(st, "WRITE_SKIP READ_MISS WRITE_MISS");
	assert_string_equal(st_log_line(st, 0, line, sizeof(line)), "0 W 0 8 WRITE_SKIP - - 5000000");
	st_init(st, 2 * ONE_CMD, CR, CW, T5, T5, "blocksize 8 options 2 skip_write_insert cmd_preload");
	st_q(st, 0, "W", 0, 8);
	RUN_OK(st);
	OUTCOMES(st, "WRITE_MISS");
	assert_non_null(strstr(st_info(st), "cmd 2/2 cte 0/1/32"));
}

/* WRITE_DONE is reachable only through the Q20 overflow: with bs 512 emulated, offsets
 * 256..263 set bits of sio->error; the missing cmd then completes the bio with no I/O. */
static void test_write_done_q20_emulate(void **state)
{
	struct simtest *st = *state;
	st_init(st, 16ULL * 512 * 512, CR, CW, T5, T5, "blocksize 512");
	st->cfg.engine.bs_overflow = BS_OVERFLOW_EMULATE;
	st_q(st, 0, "R", 256, 8);
	st_q(st, MS(1), "W", 256 + 512, 8);
	RUN_OK(st);
	OUTCOMES(st, "WRITE_DONE WRITE_DONE");
	assert_int_equal(st->res.cache_dev.nr_reads + st->res.target_dev.nr_reads, 0);
	assert_non_null(strstr(st_info(st), "done 2"));
}

/* Q20 fixed: blocks of 2048 sectors (1 MiB) work, with bitmaps of 2048 bits. */
static void test_q20_fixed_large_blocks(void **state)
{
	struct simtest *st = *state;
	st_init(st, 64ULL << 20, CR, CW, T5, T5, "");
	st->cfg.engine.fixed = 1ULL << 20;
	assert_int_equal(st_table(st, "blocksize 2048 writeback"), 0);
	QS(st, "0 R 1024+512, " /* offsets 1024..1535 */
	       "20 R 1024+512, "
	       "30 R 1000+100, " /* 1000..1099: partly clean: READ_INVALID */
	       "40 W 2040+16"); /* crosses into the next block: two pieces */
	RUN_OK(st);
	OUTCOMES(st, "READ_MISS READ_CLEAN READ_INVALID WRITE_INVALID WRITE_MISS");
}

/* Q1: the 17th block's read. Seed: WRITE_SKIP (write_skip++); fixed: evicts (LFU slot 15). */
static void test_q1(void **state)
{
	struct simtest *st = *state;
	for (int fixed = 0; fixed < 2; fixed++) {
		init(st, "blocksize 8 assoc 0");
		st->cfg.engine.fixed = fixed ? 1ULL << 1 : 0;
		for (int b = 0; b < 16; b++)
			st_q(st, MS(b), "R", 8 * b, 8);
		QS(st, "50 R 800+8, 60 R 800+8");
		RUN_OK(st);
		assert_int_equal(st->res.counters.read_miss, fixed ? 17 : 16);
		assert_int_equal(st->res.counters.write_skip, fixed ? 0 : 2);
		assert_int_equal(st->res.counters.cache_evictions, fixed ? 1 : 0);
		assert_int_equal(st->res.counters.read_clean, fixed ? 1 : 0);
	}
}

/* Q2: assoc 1 probes two cmds in the seed, one with the fix. 2 cmds (hash_bits 1); 17 even
 * blocks: the 17th finds cmd 0 full; the seed rehashes to cmd 1 (created, slot 0). */
static void test_q2(void **state)
{
	char line[128];
	struct simtest *st = *state;
	for (int fixed = 0; fixed < 2; fixed++) {
		st_init(st, 2 * ONE_CMD, CR, CW, T5, T5, "blocksize 8 assoc 1");
		st->cfg.engine.fixed = fixed ? 1ULL << 2 : 0;
		for (int b = 0; b < 17; b++)
			st_q(st, MS(b), "R", 16 * b, 8); /* block 2b: h0 = 0 */
		RUN_OK(st);
		st_log_line(st, 16, line, sizeof(line));
		if (fixed)
			assert_non_null(strstr(line, "WRITE_SKIP 0 -"));
		else
			assert_non_null(strstr(line, "READ_MISS 1 0"));
	}
}

/* Q5: after a hole appears in front of a cached block, the seed stops one slot after the hole
 * and caches a second copy; the fix finds the block. */
static void test_q5(void **state)
{
	struct simtest *st = *state;
	for (int fixed = 0; fixed < 2; fixed++) {
		init(st, "blocksize 8 assoc 0 readcache");
		st->cfg.engine.fixed = fixed ? 1ULL << 5 : 0;
		QS(st, "0 R 0+8, " /* slot 0 */
		       "1 R 8+8, " /* slot 1 */
		       "2 R 16+8, " /* slot 2 */
		       "20 W 0+8, " /* readcache write: slot 0 dropped at 25 */
		       "40 R 16+8"); /* 0 hole, 1 no match -> break (seed) */
		RUN_OK(st);
		OUTCOMES(st, fixed ? "READ_MISS READ_MISS READ_MISS WRITE_INVALID READ_CLEAN"
				    : "READ_MISS READ_MISS READ_MISS WRITE_INVALID READ_MISS");
	}
}

/* Q9: the seed cancels and resubmits (two pieces logged, write_cancel++); the fix makes the
 * colliding write wait for the busy offsets and look the block up again (one piece). */
static void test_q9(void **state)
{
	char line[128];
	struct simtest *st = *state;
	for (int fixed = 0; fixed < 2; fixed++) {
		init(st, "blocksize 8 writethrough");
		st->cfg.engine.fixed = fixed ? 1ULL << 9 : 0;
		QS(st, "0 W 0+8, 1 W 0+8, 20 R 0+8");
		RUN_OK(st);
		if (!fixed) {
			OUTCOMES(st, "WRITE_MISS WRITE_CANCEL WRITE_MISS READ_CLEAN");
			assert_int_equal(st->res.counters.write_cancel, 1);
		} else {
			OUTCOMES(st, "WRITE_MISS WRITE_BUSY READ_CLEAN");
			assert_int_equal(st->res.counters.write_cancel, 0);
			assert_int_equal(st->res.counters.deferred, 1);
			/* it waited for the first write's target I/O (done at 5): issued at 5, done 10 */
			assert_string_equal(st_log_line(st, 1, line, sizeof(line)), "1 W 0 8 WRITE_BUSY 0 0 10000000");
		}
	}
}

/* Q13: C1's stale fill. Seed: stale; the fix cancels the fill (a write started since the read). */
static void test_q13(void **state)
{
	struct simtest *st = *state;
	for (int fixed = 0; fixed < 2; fixed++) {
		st_init(st, 1ULL << 30, CR, CR, T5, T5, "writethrough");
		st->cfg.engine.fixed = fixed ? 1ULL << 13 : 0;
		st->cfg.verify = true;
		QS(st, "0 R 0+8, 1 W 0+8, 20 R 0+8");
		RUN_OK(st);
		assert_int_equal(st->res.stale_reads, fixed ? 0 : 1);
		assert_int_equal(st->res.counters.writeback_cancelled, fixed ? 1 : 0);
	}
}

/* --quirks fixed on the C-scenarios that are stale in seed mode: none stays stale. */
static void test_fixed_mode_repairs_c_scenarios(void **state)
{
	static const struct {
		const char *table;
		uint64_t c, t, q;
	} cfgs[] = {
		{"writethrough", CR, T5, 0}, {"writeback", CR, T5, 0},
		{"writeback options 1 queue_busy", CR, T5, 0},
		{"writethrough options 1 queue_busy", T5, 1000000, 0},
		{"writethrough options 1 queue_busy", CR, T5, 500000},
		{"writethrough options 1 async_lookup", CR, T5, 0},
		{"writeback", CR, T5, 1000000}, {"writethrough", CR, T5, 2000000},
		{"readcache", 1000000, T5, 0},
	};
	struct simtest *st = *state;
	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		st_init(st, 1ULL << 30, cfgs[i].c, cfgs[i].c, cfgs[i].t, cfgs[i].t, "");
		st->cfg.engine.fixed = quirks_all_fixes();
		assert_int_equal(st_table(st, cfgs[i].table), 0);
		st->cfg.verify = true;
		st->cfg.wq_delay_ns = cfgs[i].q;
		QS(st, "0 R 0+8, 0.5 R 0+16, 1 W 0+8, 2 W 0+8, 2.05 W 0+8, 5.5 W 0+8, "
		       "5.55 W 0+8, 8 R 0+8, 10.6 R 0+8, 20 R 0+16, 40 R 0+8");
		RUN_OK(st);
		if (st->res.stale_reads)
			fail_msg("%s: %llu stale reads in fixed mode\nlog:\n%s", cfgs[i].table,
				 (unsigned long long)st->res.stale_reads, st->log);
	}
}

/* The tests' trace scripts (st_qs): the same Q lines as st_q calls, and a bad entry refused
 * with its text and nothing of it appended. */
static void test_st_qs_script(void **state)
{
	struct simtest *st = *state, *ref = calloc(1, sizeof(*ref));
	static const char *const bad[] = {"x R 0+8", "1 r 0+8", "1 R 0+", "1 R 0+8 junk", "1 R 0+8,,2 W",
					  "-1 R 0+8", ""};

	assert_non_null(ref);
	init(st, "blocksize 8");
	init(ref, "blocksize 8");
	assert_int_equal(st_qs(st, "0 R 0+8, 1.5 W 8+16,30.15 FWFSM 16+12 , 40 FWS"), 0);
	/* the reference: st_q calls, one per line */
	st_q(ref, 0, "R", 0, 8);
	st_q(ref, MS(1.5), "W", 8, 16);
	st_q(ref, MS(30.15), "FWFSM", 16, 12);
	st_q(ref, MS(40), "FWS", 0, 0);
	assert_int_equal(st->len, ref->len);
	assert_memory_equal(st->trace, ref->trace, ref->len);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = st->len;
		if (!bad[i][0]) {
			assert_int_equal(st_qs(st, bad[i]), 0); /* an empty script appends nothing */
		} else {
			assert_int_equal(st_qs(st, bad[i]), -1);
			assert_non_null(strstr(st->err, "bad entry"));
		}
		if (i < 4)
			assert_int_equal(st->len, len);
	}
	assert_non_null(strstr(st->err, "'-1 R 0+8'"));
	st_fini(ref);
	free(ref);
}

CM_MAIN(ST_TEST(test_common_outcomes_every_mode), ST_TEST(test_full_chain_every_mode),
	ST_TEST(test_write_busy), ST_TEST(test_flush_discard), ST_TEST(test_async_lookup),
	ST_TEST(test_disable_writeback), ST_TEST(test_skip_write_insert_and_preload),
	ST_TEST(test_write_done_q20_emulate), ST_TEST(test_q20_fixed_large_blocks),
	ST_TEST(test_q1), ST_TEST(test_q2), ST_TEST(test_q5), ST_TEST(test_q9), ST_TEST(test_q13),
	ST_TEST(test_fixed_mode_repairs_c_scenarios), ST_TEST(test_st_qs_script));
