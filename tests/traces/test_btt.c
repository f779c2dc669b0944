// SPDX-License-Identifier: GPL-2.0
/* test_btt.c - the btt-style breakdown of trace stats on a hand-made blkparse text with
 * hand-computed figures, and the event observer leaving the reader's records and counts alone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"
#include "traces/btt.h"
#include "traces/procs.h"
#include "traces/stats.h"

/*
 * Three requests on 8,0 (times in us; figures below in ns):
 *   A, read, fio (pid 100): Q 1000+8 @1, G @3, bio Q 1008+8 @4 merged at its back (M @4.5),
 *     I 1000+16 @6, D @10, C @30.
 *   B, write, dd (pid 200): Q 5000+8 @11, G @12, bio Q 4992+8 @13 merged at its front (F @14),
 *     D 4992+16 @16 (no I), C @40.
 *   S, write, sync (pid 300): Q 20000+8 @50, D @52, requeued (R) @53, D again @55, C @60.
 *   A completion of 9999+8 @41 that no D announced (unpaired).
 * Pairs: Q2G A 2000, B 1000. G2I A 3000. Q2M A's bio 500, B's bio 1000. I2D A 4000.
 *   M2D A's bio 10000 - 4500 = 5500, B's bio 16000 - 14000 = 2000.
 *   D2C A 20000, B 24000, S 5000 (the second D). Q2C A 29000 and its bio 26000, B 29000 and its
 *   bio 27000, S 10000.
 * Depth at each D: 1 (A), 2 (B), 1 (S), and after the requeue 1 again: {1, 2, 1, 1}.
 */
static const char hand[] =
	"  8,0    0        1     0.000001000   100  Q   R 1000 + 8 [fio]\n"
	"  8,0    0        2     0.000003000   100  G   R 1000 + 8 [fio]\n"
	"  8,0    0        3     0.000004000   100  Q   R 1008 + 8 [fio]\n"
	"  8,0    0        4     0.000004500   100  M   R 1008 + 8 [fio]\n"
	"  8,0    0        5     0.000006000   100  I   R 1000 + 16 [fio]\n"
	"  8,0    0        6     0.000010000   100  D   R 1000 + 16 [fio]\n"
	"  8,0    0        7     0.000011000   200  Q   W 5000 + 8 [dd]\n"
	"  8,0    0        8     0.000012000   200  G   W 5000 + 8 [dd]\n"
	"  8,0    0        9     0.000013000   200  Q   W 4992 + 8 [dd]\n"
	"  8,0    0       10     0.000014000   200  F   W 4992 + 8 [dd]\n"
	"  8,0    0       11     0.000016000   200  D   W 4992 + 16 [dd]\n"
	"  8,0    0       12     0.000030000     0  C   R 1000 + 16 [0]\n"
	"  8,0    0       13     0.000040000     0  C   W 4992 + 16 [0]\n"
	"  8,0    0       14     0.000041000     0  C   W 9999 + 8 [0]\n"
	"  8,0    0       15     0.000050000   300  Q   W 20000 + 8 [sync]\n"
	"  8,0    0       16     0.000052000   300  D   W 20000 + 8 [sync]\n"
	"  8,0    0       17     0.000053000     0  R   W 20000 + 8 [0]\n"
	"  8,0    0       18     0.000055000   300  D   W 20000 + 8 [sync]\n"
	"  8,0    0       19     0.000060000     0  C   W 20000 + 8 [0]\n";

/* Read text with an observer feeding b and stats s (either may be NULL); returns the status. */
static enum trc_status feed(const char *text, size_t len, char event, struct trc_btt *b,
			    struct trc_stats *s)
{
	struct trc_opts o = {.event = event};
	struct trc *t;
	char err[512];
	struct trc_rec r;
	enum trc_status st;

	if (b) {
		o.on_event = trc_btt_event;
		o.event_ctx = b;
	}
	assert_int_equal(trc_open_mem(&t, "hand.txt", text, len, &o, err, sizeof(err)), 0);
	while ((st = trc_next(t, &r)) == TRC_OK)
		if (s)
			trc_stats_add(s, &r);
	trc_close(t);
	return st;
}

/* A breakdown of text, read to its end with requests defined by event. */
static struct trc_btt *btt_of(const char *text, char event)
{
	struct trc_btt *b;

	assert_int_equal(trc_btt_new(&b), 0);
	assert_int_equal(feed(text, strlen(text), event, b, NULL), TRC_EOF);
	return b;
}

static void expect(struct trc_btt *b, int p, int op, uint64_t n, double mean, uint64_t p50,
		   uint64_t p99, uint64_t max)
{
	struct exact e;
	if (!n) {
		assert_false(trc_btt_pair(b, p, op, &e));
		return;
	}
	if (!trc_btt_pair(b, p, op, &e))
		fail_msg("%s %s: no values", trc_btt_pair_name(p), trc_btt_op_name(op));
	if (e.n != n || fabs(e.mean - mean) > 0.01 || e.q[0] != p50 || e.q[2] != p99 || e.max != max)
		fail_msg("%s %s: n %llu mean %.2f p50 %llu p99 %llu max %llu", trc_btt_pair_name(p),
			 trc_btt_op_name(op), (unsigned long long)e.n, e.mean,
			 (unsigned long long)e.q[0], (unsigned long long)e.q[2],
			 (unsigned long long)e.max);
}

static void check_hand(struct trc_btt *b)
{
	const struct trc_btt_counts *c = trc_btt_counts(b);
	const uint64_t ev[8] = {5, 2, 1, 1, 1, 4, 4, 1}; /* Q G I M F D C R */
	for (int i = 0; i < 8; i++)
		assert_int_equal(c->ev[i], ev[i]);
	assert_int_equal(c->merge_back, 1);
	assert_int_equal(c->merge_front, 1);
	assert_int_equal(c->merge_lost, 0);
	assert_int_equal(c->c_unpaired, 1);
	assert_int_equal(c->dropped, 0);

	expect(b, BTT_Q2G, BTT_READ, 1, 2000, 2000, 2000, 2000);
	expect(b, BTT_Q2G, BTT_WRITE, 1, 1000, 1000, 1000, 1000);
	expect(b, BTT_Q2G, BTT_ALL, 2, 1500, 1000, 2000, 2000);
	expect(b, BTT_G2I, BTT_READ, 1, 3000, 3000, 3000, 3000);
	expect(b, BTT_G2I, BTT_WRITE, 0, 0, 0, 0, 0);
	expect(b, BTT_Q2M, BTT_READ, 1, 500, 500, 500, 500);
	expect(b, BTT_Q2M, BTT_WRITE, 1, 1000, 1000, 1000, 1000);
	expect(b, BTT_I2D, BTT_ALL, 1, 4000, 4000, 4000, 4000);
	expect(b, BTT_M2D, BTT_ALL, 2, 3750, 2000, 5500, 5500);
	expect(b, BTT_D2C, BTT_READ, 1, 20000, 20000, 20000, 20000);
	expect(b, BTT_D2C, BTT_WRITE, 2, 14500, 5000, 24000, 24000);
	/* {5000, 20000, 24000}: rank ceil(1.5) = 2 */
	expect(b, BTT_D2C, BTT_ALL, 3, 49000.0 / 3, 20000, 24000, 24000);
	expect(b, BTT_Q2C, BTT_READ, 2, 27500, 26000, 29000, 29000);
	expect(b, BTT_Q2C, BTT_WRITE, 3, 22000, 27000, 29000, 29000);
	/* {10000, 26000, 27000, 29000, 29000}: rank ceil(2.5) = 3 */
	expect(b, BTT_Q2C, BTT_ALL, 5, 24200, 27000, 29000, 29000);
	expect(b, BTT_Q2C, BTT_OTHER, 0, 0, 0, 0, 0);

	struct exact d;
	assert_true(trc_btt_depth(b, &d));
	assert_int_equal(d.n, 4);
	assert_true(fabs(d.mean - 1.25) < 1e-9);
	assert_int_equal(d.q[0], 1);
	assert_int_equal(d.q[2], 2);
	assert_int_equal(d.max, 2);
}

static void test_hand_computed(void **state)
{
	(void)state;
	struct trc_btt *b = btt_of(hand, 'Q');
	check_hand(b);
	trc_btt_free(b);
}

/* The breakdown does not depend on the event that defines a request. */
static void test_any_event(void **state)
{
	(void)state;
	for (const char *e = "DC"; *e; e++) {
		struct trc_btt *b = btt_of(hand, *e);
		check_hand(b);
		trc_btt_free(b);
	}
}

/* Per-process I/O from the Q records: fio 2 reads of 4 KiB, dd 2 writes, sync 1 write. */
static void test_processes(void **state)
{
	(void)state;
	struct trc_stats *s = stats_of(NULL);
	assert_int_equal(feed(hand, strlen(hand), 'Q', trc_stats_btt(s), s), TRC_EOF);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct trc_counts c = {0};
	trc_stats_print(s, fp, true, "hand.txt", "blkparse", 'Q', NULL, &c);
	fclose(fp);
	assert_non_null(strstr(buf, "{\"pid\": 100, \"comm\": \"fio\", \"requests\": 2, \"reads\": 2, "
				    "\"writes\": 0, \"read_bytes\": 8192, \"write_bytes\": 0, "
				    "\"read_fraction\": 1.000000}"));
	const char *dd = strstr(buf, "{\"pid\": 200, \"comm\": \"dd\", \"requests\": 2, \"reads\": 0, "
				     "\"writes\": 2, \"read_bytes\": 0, \"write_bytes\": 8192, "
				     "\"read_fraction\": 0.000000}");
	const char *sy = strstr(buf, "{\"pid\": 300, \"comm\": \"sync\", \"requests\": 1");
	assert_non_null(dd);
	assert_non_null(sy);
	assert_true(strstr(buf, "\"pid\": 100") < dd && dd < sy); /* by requests, then pid */
	/* the btt keys */
	const char *q2c = strstr(buf, "\"Q2C\": {");
	assert_non_null(q2c);
	assert_non_null(strstr(q2c, "\"all\": {\"count\": 5, \"mean\": 24200.0, \"min\": 10000, "
				    "\"p50\": 27000, \"p99\": 29000, \"max\": 29000}"));
	assert_non_null(strstr(buf, "\"merges\": {\"back\": 1, \"front\": 1, \"unmatched\": 0}"));
	assert_non_null(strstr(buf, "\"queue_depth_at_d\": {\"count\": 4, \"mean\": 1.2, \"min\": 1, "
				    "\"p50\": 1, \"p99\": 2, \"max\": 2}"));
	free(buf);
	trc_stats_free(s);
}

/* A merge whose request is not in the capture is counted, and its bio does not linger. */
static void test_merge_lost(void **state)
{
	(void)state;
	static const char t[] = "  8,0 0 1 0.000001000 1 Q W 108 + 8 [a]\n"
				"  8,0 0 2 0.000002000 1 M W 108 + 8 [a]\n"
				"  8,0 0 3 0.000003000 1 Q W 108 + 8 [a]\n"
				"  8,0 0 4 0.000004000 1 D W 108 + 8 [a]\n"
				"  8,0 0 5 0.000009000 0 C W 108 + 8 [0]\n";
	struct trc_btt *b = btt_of(t, 'Q');
	assert_int_equal(trc_btt_counts(b)->merge_lost, 1);
	/* the D pairs with the second Q (the first one merged away): Q2C 9000 - 3000 */
	expect(b, BTT_Q2C, BTT_ALL, 1, 6000, 6000, 6000, 6000);
	expect(b, BTT_Q2M, BTT_ALL, 0, 0, 0, 0, 0);
	trc_btt_free(b);
}

/* A split (X): the second part is a request of its own with the Q's time. */
static void test_split(void **state)
{
	(void)state;
	static const char t[] = "  8,0 0 1 0.000001000 1 Q W 100 + 16 [a]\n"
				"  8,0 0 2 0.000002000 1 X W 100 / 108 [a]\n"
				"  8,0 0 3 0.000003000 1 G W 100 + 8 [a]\n"
				"  8,0 0 4 0.000004000 1 G W 108 + 8 [a]\n"
				"  8,0 0 5 0.000005000 1 D W 100 + 8 [a]\n"
				"  8,0 0 6 0.000006000 1 D W 108 + 8 [a]\n"
				"  8,0 0 7 0.000010000 0 C W 100 + 8 [0]\n"
				"  8,0 0 8 0.000012000 0 C W 108 + 8 [0]\n"
				"  8,0 0 9 0.000013000 1 X W 500 / 508 [a]\n";
	struct trc_btt *b = btt_of(t, 'Q');
	assert_int_equal(trc_btt_counts(b)->ev[8], 2);
	assert_int_equal(trc_btt_counts(b)->split_lost, 1); /* the second X has no Q */
	expect(b, BTT_Q2G, BTT_WRITE, 2, 2500, 2000, 3000, 3000);
	expect(b, BTT_D2C, BTT_WRITE, 2, 5500, 5000, 6000, 6000);
	expect(b, BTT_Q2C, BTT_WRITE, 2, 10000, 9000, 11000, 11000);
	trc_btt_free(b);
	struct read_result *r = read_all("split.txt", t, NULL);
	assert_int_equal(r->n, 1);
	free(r);
}

/* Q events of one sector that never complete (a Q-only capture): at most 64 stay in flight per
 * sector, the older ones are dropped and counted, so the searches stay short. */
static void test_same_sector_bounded(void **state)
{
	(void)state;
	struct trc_btt *b;
	assert_int_equal(trc_btt_new(&b), 0);
	for (uint64_t i = 0; i < 20000; i++) {
		struct trc_event e = {.time_ns = i, .sector = 100, .nsect = 8, .dev = TRC_DEV(8, 0),
				      .flags = TRC_WRITE, .act = 'Q'};
		trc_btt_event(b, &e);
	}
	assert_int_equal(trc_btt_counts(b)->dropped, 20000 - 64);
	/* the 64 left pair, oldest first: a D and C of the sector give Q2C from Q 19936 */
	struct trc_event d = {.time_ns = 30000, .sector = 100, .nsect = 8, .dev = TRC_DEV(8, 0),
			      .flags = TRC_WRITE, .act = 'D'};
	trc_btt_event(b, &d);
	d.act = 'C';
	d.time_ns = 30010;
	trc_btt_event(b, &d);
	expect(b, BTT_Q2C, BTT_WRITE, 1, 30010 - 19936, 30010 - 19936, 30010 - 19936, 30010 - 19936);
	trc_btt_free(b);
}

static void same_read(const void *data, size_t len, const char *name, char event)
{
	struct trc_opts o = {.event = event};
	struct read_result *a = read_mem(name, data, len, &o);
	struct trc_btt *b;
	assert_int_equal(trc_btt_new(&b), 0);
	o.on_event = trc_btt_event;
	o.event_ctx = b;
	struct read_result *w = read_mem(name, data, len, &o);
	assert_int_equal(a->open_rc, 0);
	assert_int_equal(w->open_rc, 0);
	assert_int_equal(a->st, w->st);
	assert_int_equal(a->n, w->n);
	assert_memory_equal(a->rec, w->rec, a->n * sizeof(a->rec[0]));
	assert_int_equal(a->counts.records, w->counts.records);
	assert_int_equal(a->counts.skipped_lines, w->counts.skipped_lines);
	assert_int_equal(a->counts.skipped_bad, w->counts.skipped_bad);
	assert_int_equal(a->counts.skipped_pc, w->counts.skipped_pc);
	assert_int_equal(a->counts.skipped_zoned, w->counts.skipped_zoned);
	assert_int_equal(a->counts.skipped_other_dev, w->counts.skipped_other_dev);
	assert_int_equal(a->counts.unpaired, w->counts.unpaired);
	assert_int_equal(a->counts.requeues, w->counts.requeues);
	assert_string_equal(a->error, w->error);
	assert_true(trc_btt_any(b));
	trc_btt_free(b);
	free(a);
	free(w);
}

/* Malformed lines of actions only the observer parses (G, I, M, and C in Q mode) are skipped as
 * they were without it; pass-through lines count the same; the records are the same. */
static void test_observer_keeps_reader(void **state)
{
	(void)state;
	static const char t[] = "  8,0 0 1 0.000001000 1 Q W 100 + 8 [a]\n"
				"  8,0 0 2 0.000002000 1 G W 100 + x [a]\n"
				"  8,0 0 3 0.000003000 1 I W 100 + 8 a]\n"
				"  8,0 0 4 0.000003500 1 M W\n"
				"  8,0 x 5 0.000003600 1 G W 100 + 8 [a]\n"
				"  8,0 0 6 0.000003700 1 G N 12 (12 34) [a]\n"
				"  8,0 0 7 0.000004000 1 D W 100 + 8 [a]\n"
				"  8,0 0 8 0.000009000 0 C W 100 + 8 [zz]\n"
				"  8,0 0 9 0.000009500 0 C N [0]\n"
				"  8,0 0 10 0.000010000 0 C W 100 + 8 [0]\n";
	same_read(t, strlen(t), "bad.txt", 'Q');
	same_read(hand, strlen(hand), "hand.txt", 'Q');
	same_read(hand, strlen(hand), "hand.txt", 'D');
	same_read(hand, strlen(hand), "hand.txt", 'C');
	static const char *const files[] = {"data/traces/oltp_small/oltp_small.blkparse.txt",
					    "data/traces/oltp_small/oltp_small.blktrace.0",
					    "data/traces/build/build.blktrace.1"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		FILE *fp = fopen(files[i], "rb");
		assert_non_null(fp);
		static char buf[1 << 20];
		size_t n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		for (const char *e = "QDC"; *e; e++)
			same_read(buf, n, files[i], *e);
	}
}

/* The binary and the text of a capture give the same breakdown (to the nanosecond). */
static void test_binary_equals_text(void **state)
{
	(void)state;
	struct trc_btt *bt, *bx;
	struct trc_opts o = {0};
	struct trc *t;
	struct trc_rec r;
	char err[512];
	assert_int_equal(trc_btt_new(&bt), 0);
	assert_int_equal(trc_btt_new(&bx), 0);
	o.on_event = trc_btt_event;
	o.event_ctx = bt;
	assert_int_equal(trc_open(&t, "data/traces/oltp_small/oltp_small.blkparse.txt", &o, err,
				  sizeof(err)), 0);
	while (trc_next(t, &r) == TRC_OK)
		;
	trc_close(t);
	o.event_ctx = bx;
	assert_int_equal(trc_open(&t, "data/traces/oltp_small/oltp_small", &o, err, sizeof(err)), 0);
	while (trc_next(t, &r) == TRC_OK)
		;
	trc_close(t);
	assert_memory_equal(trc_btt_counts(bt), trc_btt_counts(bx), sizeof(struct trc_btt_counts));
	for (int p = 0; p < BTT_NPAIRS; p++)
		for (int op = 0; op < BTT_NOPS; op++) {
			struct exact a, c;
			assert_int_equal(trc_btt_pair(bt, p, op, &a), trc_btt_pair(bx, p, op, &c));
			assert_memory_equal(&a, &c, sizeof(a));
		}
	/* btt 2.0 (blktrace 1.2.0) on this capture's blkparse -d dump: Q2G N 1729, G2I 87,
	 * Q2M 636, I2D 87, M2D 636, Q2C 2365 (tests/e2e/trace_btt.sh compares them with btt
	 * itself, means included) */
	struct exact e;
	assert_true(trc_btt_pair(bt, BTT_Q2G, BTT_ALL, &e));
	assert_int_equal(e.n, 1729);
	assert_true(trc_btt_pair(bt, BTT_Q2C, BTT_ALL, &e));
	assert_int_equal(e.n, 2365);
	trc_btt_free(bt);
	trc_btt_free(bx);
}

CM_MAIN(UT(test_hand_computed), UT(test_any_event), UT(test_processes), UT(test_merge_lost),
	UT(test_split), UT(test_same_sector_bounded), UT(test_observer_keeps_reader),
	UT(test_binary_equals_text));
