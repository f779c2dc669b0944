// SPDX-License-Identifier: GPL-2.0
/* test_blkparse.c - the blkparse text reader: fields, RWBS, events, devices, order, bad input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"

#define L(dev, cpu, seq, t, pid, act, rest) dev " " cpu " " seq " " t " " pid " " act " " rest "\n"

static const struct trc_opts Q = {.format = "blkparse"};

static void test_fields(void **state)
{
	(void)state;
	const char *text =
		"  8,0    1        5     0.000100000  1234  Q  WS 2048 + 16 [kworker/u8:2 foo]\n"
		"  8,0    1        6     0.000200000  1235  Q  RA 4096 + 8 [(null)]\n"
		"  8,0    1        7     0.000300000    17  Q FWS [python3]\n"
		"  8,0    1        8     0.000400000    18  Q FWFSM 3991080 + 8 [jbd2/loop0-8]\n"
		"  8,0    1        9     0.000500000    19  Q  WS 0 + 0 [0]\n"
		"  8,0    1       10     1.000000001    20  Q   D 64 + 1024 [a-very-long-process-name-that-goes-on-and-on]\n";
	struct read_result *r = read_all("f.txt", text, &Q);

	assert_int_equal(r->n, 6);
	assert_int_equal(r->rec[0].time_ns, 100000);
	assert_int_equal(r->rec[0].dev, TRC_DEV(8, 0));
	assert_int_equal(r->rec[0].flags, TRC_WRITE | TRC_SYNC);
	assert_string_equal(r->rec[0].rwbs, "WS");
	assert_int_equal(r->rec[0].sector, 2048);
	assert_int_equal(r->rec[0].nsect, 16);
	assert_int_equal(r->rec[0].pid, 1234);
	assert_int_equal(r->rec[0].latency_ns, -1);
	assert_string_equal(r->rec[0].comm, "kworker/u8:2 foo");
	assert_int_equal(r->pos[0].line, 1);
	assert_string_equal(r->first_path, "f.txt");
	assert_string_equal(r->rec[1].comm, ""); /* (null): blkparse had no name */
	assert_int_equal(r->rec[1].flags, TRC_READ | TRC_AHEAD);
	/* an empty flush: no range */
	assert_string_equal(r->rec[2].rwbs, "FWS");
	assert_int_equal(r->rec[2].flags, TRC_FLUSH | TRC_WRITE | TRC_SYNC);
	assert_int_equal(r->rec[2].sector, 0);
	assert_int_equal(r->rec[2].nsect, 0);
	assert_string_equal(r->rec[3].rwbs, "FWFSM");
	assert_int_equal(r->rec[3].flags, TRC_FLUSH | TRC_WRITE | TRC_FUA | TRC_SYNC | TRC_META);
	assert_string_equal(r->rec[3].comm, "jbd2/loop0-8");
	/* "0 + 0" (older blkparse) is also a request without a range */
	assert_int_equal(r->rec[4].nsect, 0);
	assert_int_equal(r->rec[4].sector, 0);
	assert_string_equal(r->rec[4].comm, "0");
	assert_int_equal(r->rec[5].time_ns, 1000000001ULL);
	assert_int_equal(r->rec[5].flags, TRC_DISCARD);
	assert_int_equal(strlen(r->rec[5].comm), TRC_COMM_MAX - 1);
	assert_int_equal(r->pos[5].line, 6);
	free(r);
}

static void test_crlf_tabs_negative_seq(void **state)
{
	(void)state;
	const char *text = "\t8,0\t0\t-2147483648\t0.000000100\t7\tQ\tR\t8 + 8 [x y]\r\n";
	struct read_result *r = read_all("c.txt", text, &Q);

	expect_sectors(r, "8");
	assert_string_equal(r->rec[0].comm, "x y");
	free(r);
}

static const char *pairing_text =
	L("  8,0", "0", "1", "0.000000100", "10", "Q", " WS 100 + 8 [a]")
	L("  8,0", "0", "2", "0.000000150", "10", "G", " WS 100 + 8 [a]")
	L("  8,0", "0", "3", "0.000000160", "10", "P", "  N [a]")
	L("  8,0", "0", "4", "0.000000170", "10", "U", "  N [a] 1")
	L("  8,0", "0", "5", "0.000000200", "10", "D", " WS 100 + 8 [a]")
	L("  8,0", "0", "6", "0.000000300", "11", "D", " FN [kworker/0:1H]")
	L("  8,0", "0", "7", "0.000000900", "0", "C", " FN 0 [0]")
	L("  8,0", "0", "8", "0.000001200", "0", "C", " WS 100 + 8 [0]")
	L("  8,0", "0", "9", "0.000001300", "0", "C", "WSM 3991080 [0]")
	L("  8,0", "0", "10", "0.000001400", "12", "D", "  R 500 + 8 [b]")
	L("  8,0", "0", "11", "0.000001500", "12", "D", "  R 508 + 8 (    1234) [b]");

static void test_event_d_latency(void **state)
{
	(void)state;
	struct trc_opts o = Q;
	o.event = 'D';
	struct read_result *r = read_all("p.txt", pairing_text, &o);

	assert_int_equal(r->event, 'D');
	assert_int_equal(r->n, 4);
	assert_int_equal(r->rec[0].time_ns, 200);
	assert_int_equal(r->rec[0].latency_ns, 1000);
	assert_int_equal(r->rec[0].sector, 100);
	assert_string_equal(r->rec[1].rwbs, "FN");
	assert_int_equal(r->rec[1].latency_ns, 600);
	assert_int_equal(r->rec[1].nsect, 0);
	/* dispatched, never completed in the trace: latency unknown */
	assert_int_equal(r->rec[2].latency_ns, -1);
	assert_int_equal(r->rec[3].sector, 508);
	assert_int_equal(r->rec[3].latency_ns, -1);
	assert_int_equal(r->counts.unpaired, 2);
	assert_int_equal(r->pos[0].line, 5);
	free(r);
}

static void test_event_c(void **state)
{
	(void)state;
	struct trc_opts o = Q;
	o.event = 'C';
	struct read_result *r = read_all("p.txt", pairing_text, &o);

	assert_int_equal(r->n, 3);
	assert_int_equal(r->rec[0].time_ns, 900);
	assert_string_equal(r->rec[0].rwbs, "FN");
	assert_int_equal(r->rec[0].latency_ns, 600);
	assert_string_equal(r->rec[0].comm, ""); /* the bracket of a C is the error */
	assert_int_equal(r->rec[1].latency_ns, 1000);
	/* a completion without a range is sector 0, nsect 0, and has no dispatch to pair with */
	assert_string_equal(r->rec[2].rwbs, "WSM");
	assert_int_equal(r->rec[2].sector, 0);
	assert_int_equal(r->rec[2].nsect, 0);
	assert_int_equal(r->rec[2].latency_ns, -1);
	assert_int_equal(r->counts.unpaired, 1);
	free(r);
}

/*
 * 20,000 dispatches in flight, then their completions in the same order. At most 16,384 wait
 * for a completion (the pools grow to that, then the oldest are handed out unpaired): D mode
 * pairs the last 16,384 (latency 1 ms + ...) and gives up on the first 3,616; C mode the same
 * from the other side. Equal keys (empty flushes, all at sector 0) pair oldest first.
 */
static void test_many_in_flight(void **state)
{
	(void)state;
	enum { N = 20000, KEPT = 16384 };
	size_t cap = (size_t)N * 2 * 64 + 4096, len = 0;
	char *text = malloc(cap);
	assert_non_null(text);
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, "8,0 0 %d %d.%09d 1 D W %d + 8 [a]\n", i,
					i / 1000000, (i % 1000000) * 1000, i * 8);
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(text + len, cap - len, "8,0 0 %d 1.%09d 0 C W %d + 8 [0]\n",
					N + i, i * 1000, i * 8);
	len += (size_t)snprintf(text + len, cap - len,
				"8,0 0 1 2.000000000 1 D FN [f]\n8,0 0 1 2.000000100 1 D FN [f]\n"
				"8,0 0 1 2.000000300 0 C FN 0 [0]\n8,0 0 1 2.000000500 0 C FN 0 [0]\n");
	struct trc_opts o = {.format = "blkparse", .event = 'D', .has_device = true,
			     .device = TRC_DEV(8, 0)};
	struct trc *t;
	char err[256];
	struct trc_rec r;
	assert_int_equal(trc_open_mem(&t, "m.txt", text, len, &o, err, sizeof(err)), 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(trc_next(t, &r), TRC_OK);
		assert_int_equal(r.sector, (uint64_t)i * 8);
		if (i < N - KEPT)
			assert_int_equal(r.latency_ns, -1);
		else /* D at i us, C at 1 s + i us */
			assert_int_equal(r.latency_ns, 1000000000);
	}
	assert_int_equal(trc_next(t, &r), TRC_OK);
	assert_int_equal(r.latency_ns, 300);
	assert_int_equal(trc_next(t, &r), TRC_OK);
	assert_int_equal(r.latency_ns, 400);
	assert_int_equal(trc_next(t, &r), TRC_EOF);
	assert_int_equal(trc_counts(t)->unpaired, N - KEPT);
	trc_close(t);

	o.event = 'C';
	assert_int_equal(trc_open_mem(&t, "m.txt", text, len, &o, err, sizeof(err)), 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(trc_next(t, &r), TRC_OK);
		assert_int_equal(r.latency_ns, i < N - KEPT ? -1 : 1000000000);
	}
	assert_int_equal(trc_next(t, &r), TRC_OK);
	assert_int_equal(r.latency_ns, 300);
	assert_int_equal(trc_counts(t)->unpaired, N - KEPT);
	trc_close(t);
	free(text);
}

static void test_skipped_lines_and_footer(void **state)
{
	(void)state;
	const char *text =
		L("  7,0", "0", "1", "0.000000000", "5", "Q", " RM 69896 + 8 [dd]")
		L("  7,0", "0", "2", "0.000000001", "5", "M", " RM 69896 + 8 [dd]")
		L("  7,0", "0", "3", "0.000000002", "5", "X", "  W 286720 / 289024 [ar]")
		L("  7,0", "0", "4", "0.000000003", "5", "UT", "  N [kworker/u8:2] 15")
		L("  7,0", "0", "5", "0.000000004", "5", "I", "WSM 3991080 + 8 [kworker/0:1H]")
		L("  8,0", "0", "0", "0.000000005", "0", "m", "  N cfq2525S  /  alloced")
		L("  7,0", "0", "6", "0.000000006", "5", "Q", " ZA 100 + 8 [zoned]")
		L("  7,0", "0", "7", "0.000000007", "5", "Q", "  R 36 (12 00 00 00 24 00 ..) [sg_inq]")
		"CPU0 (oltp_small):\n"
		" Reads Queued:         842,    74336KiB\t Writes Queued:        1148,     5288KiB\n"
		"\n"
		"Total (oltp_small):\n"
		"Throughput (R/W): 7820KiB/s / 602KiB/s\n"
		"Events (oltp_small): 12200 entries\n"
		"Skips: 0 forward (0 -   0.0%)\n"
		"Input file oltp_small.blktrace.0 added\n";
	struct read_result *r = read_all("s.txt", text, &Q);

	assert_int_equal(r->n, 1);
	assert_int_equal(r->counts.skipped_zoned, 1);
	assert_int_equal(r->counts.skipped_pc, 1);
	/* M X UT I m + 8 footer lines (one blank) */
	assert_int_equal(r->counts.skipped_lines, 13);
	free(r);
}

static const char *remap_text =
	L("259,0", "1", "1", "0.000000000", "21279", "A", " RA 2348060440 + 8 <- (259,3) 2345510680")
	L("259,0", "1", "2", "0.000000184", "21279", "Q", " RA 2348060440 + 8 [(null)]")
	L("259,0", "1", "3", "0.000000949", "21279", "A", " RA 2348102736 + 8 <- (259,3) 2345552976")
	L("259,0", "1", "4", "0.000001100", "21279", "Q", " RA 2348102736 + 8 [(null)]");

static void test_remap_counted_once(void **state)
{
	(void)state;
	struct read_result *r = read_all("n.txt", remap_text, &Q);

	assert_int_equal(r->n, 2);
	assert_int_equal(r->counts.remaps, 2);
	assert_int_equal(r->rec[0].sector, 2348060440ULL);
	assert_int_equal(r->rec[0].dev, TRC_DEV(259, 0));
	free(r);

	/* the partition has no requests of its own: say where they went */
	struct trc_opts o = Q;
	o.has_device = true;
	o.device = TRC_DEV(259, 3);
	r = read_str("n.txt", remap_text, &o);
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->st, TRC_EBAD);
	assert_int_equal(r->n, 0);
	assert_non_null(strstr(r->error, "device 259,3 has no Q requests of its own"));
	assert_non_null(strstr(r->error, "use --device 259,0"));
	free(r);
}

static void test_devices(void **state)
{
	(void)state;
	/* requests queued on a partition, remapped, and queued again on the disk */
	const char *part =
		L("  8,1", "0", "1", "0.000000000", "9", "Q", "  W 2000 + 8 [a]")
		L("  8,0", "0", "2", "0.000000010", "9", "A", "  W 4048 + 8 <- (8,1) 2000")
		L("  8,0", "0", "3", "0.000000020", "9", "Q", "  W 4048 + 8 [a]");
	struct read_result *r = read_str("p.txt", part, &Q);
	assert_int_equal(r->open_rc, 0);
	expect_sectors(r, "4048");
	assert_int_equal(r->counts.skipped_other_dev, 1);
	assert_non_null(strstr(r->warnings, "chose 8,0"));
	free(r);

	const char *two =
		L("  8,0", "0", "1", "0.000000000", "9", "Q", "  W 2000 + 8 [a]")
		L("  8,16", "1", "1", "0.000000010", "9", "Q", "  R 5 + 8 [b]")
		L("  8,0", "0", "2", "0.000000020", "9", "Q", "  W 2008 + 8 [a]");
	r = read_str("two.txt", two, &Q);
	assert_int_equal(r->open_rc, -ENOTUNIQ);
	assert_non_null(strstr(r->err, "8,0 (2 requests), 8,16 (1 requests)"));
	assert_non_null(strstr(r->err, "--device"));
	free(r);

	struct trc_opts o = Q;
	o.has_device = true;
	o.device = TRC_DEV(8, 16);
	r = read_str("two.txt", two, &o);
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].dev, TRC_DEV(8, 16));
	assert_int_equal(r->counts.skipped_other_dev, 2);
	free(r);

	o.device = TRC_DEV(9, 9);
	r = read_str("two.txt", two, &o);
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->st, TRC_EBAD);
	assert_non_null(strstr(r->error, "device 9,9 is not in the trace (3 requests are on other devices"));
	free(r);
}

static void test_reorder(void **state)
{
	(void)state;
	const char *text =
		L("  8,0", "0", "1", "0.000000100", "1", "Q", "  R 1 + 1 [a]")
		L("  8,0", "1", "1", "0.000000300", "1", "Q", "  R 3 + 1 [a]")
		L("  8,0", "0", "2", "0.000000200", "1", "Q", "  R 2 + 1 [a]")
		L("  8,0", "0", "3", "0.000000400", "1", "Q", "  R 4 + 1 [a]")
		L("  8,0", "1", "2", "0.000000150", "1", "Q", "  R 5 + 1 [a]");
	struct read_result *r = read_str("o.txt", text, &Q);

	/* within the window: sorted by time, equal times would keep their order */
	expect_sectors(r, "1 5 2 3 4");
	assert_int_equal(r->counts.reordered, 2);
	assert_int_equal(r->counts.inversions, 0);
	assert_int_equal(r->pos[1].line, 5);
	free(r);

	/* a window of 2 is too small for the last one: an error at its line, after the records
	 * before it */
	struct trc_opts o = Q;
	o.window = 2;
	r = read_str("o.txt", text, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_int_equal(r->n, 4);
	assert_int_equal(r->end_pos.line, 5);
	assert_string_equal(r->error, "o.txt:5: field 4 (time): expected a time no earlier than "
				      "0.000000200 s (a record 2 or more records back; --lenient skips "
				      "it), got '0.000000150'");
	free(r);

	/* --lenient: skipped and counted, never handed out of order */
	o.lenient = true;
	r = read_all("o.txt", text, &o);
	expect_sectors(r, "1 2 3 4");
	assert_int_equal(r->counts.inversions, 1);
	assert_int_equal(r->counts.max_inversion_ns, 50);
	assert_int_equal(r->counts.first_inversion.line, 5);
	assert_non_null(strstr(r->warnings, "o.txt: 1 records went back in time beyond the reorder "
					    "window of 2 records (first at line 5, largest step 50 ns); "
					    "skipped (--lenient)"));
	free(r);
}

/* ---- bad input: status, message and position ---- */

struct bad_case {
	const char *text;
	uint64_t line;
	const char *msg; /* substring of the error */
	char event;      /* 0: Q */
};

#define GOOD L("  8,0", "0", "1", "0.000000000", "1", "Q", "  R 8 + 8 [a]")

static const struct bad_case bad_cases[] = {
	{GOOD "  8;0 0 2 0.000000001 1 Q R 8 + 8 [a]\n", 2, "b.txt:2: field 1 (device): expected MAJ,MIN, got '8;0'", 0},
	{GOOD "  8,0 0 2 0.00000000x 1 Q R 8 + 8 [a]\n", 2, "field 4 (time): expected SECONDS.NANOSECONDS", 0},
	{GOOD "  8,0 0 2 0.0000000001 1 Q R 8 + 8 [a]\n", 2, "field 4 (time)", 0},
	{GOOD "  8,0 0 2 0.000000001 99999999999 Q R 8 + 8 [a]\n", 2, "field 5 (pid)", 0},
	{GOOD GOOD "  8,0 0 2 0.000000001 1 Q XR 8 + 8 [a]\n", 3, "field 7 (RWBS): expected RWBS as [F](D|W|R|N)[F][A][S][M] or (D|W|R|N)[A]B[S][M], got 'XR'", 0},
	{GOOD "  8,0 0 2 0.000000001 1 Q R 8 + x [a]\n", 2, "field 9 (size): expected '+ SECTORS', got 'x'", 0},
	{GOOD "  8,0 0 2 0.000000001 1 Q R 8 + 8 [a\n", 2, "field 10 (process)", 0},
	{GOOD "  8,0 0 2 0.000000001 1 Q R 8 + 8 a]\n", 2, "field 10 (process): expected '[PROCESS]'", 0},
	{GOOD "  8,0 0 2 0.000000001 1 Q R 8 + 8 [a] junk\n", 2, "field 10 (process)", 0},
	{GOOD "  8,0 0 2 0.000000001 1 C R 8 + 8 [oops]\n", 2, "field 10 (error): expected '[ERROR]' (a number)", 'C'},
	{GOOD "  8,0 0 2 0.000000001 1 A R 8 + 8 -> (8,1) 4\n", 2, "field 10 (remap)", 0},
	{GOOD "  8,0 0 2 0.000000001 1 1Q R 8 + 8 [a]\n", 2, "field 6 (action)", 0},
	{GOOD "  8,0 0 2\n", 2, "field 4 (time)", 0},
	{GOOD "\x01\x02\x03\n", 2, "field 1 (device): expected a blkparse event line or text", 0},
	{GOOD "  8,0 0 2 0.000000001 1 Q R 18446744073709551616 + 8 [a]\n", 2, "field 8 (sector)", 0},
	{"some text\nbut no events\n", 2, "b.txt:2: no blkparse event lines in 2 lines", 0},
	/* an action blkparse never prints is an error at its field, not a line to skip */
	{GOOD "  8,0 0 2 0.000000001 1 K R 8 + 8 [a]\n", 2,
	 "b.txt:2: field 6 (action): expected an action (Q, G, I, D, C, M, F, A, X, P, U, UT, S, R, B or m), got 'K'", 0},
	{GOOD "  8,0 0 2 0.000000001 1 QQ R 8 + 8 [a]\n", 2, "b.txt:2: field 6 (action): expected an action", 0},
	{GOOD "  8,0 0 2 0.000000001 1 k R 8 + 8 [a]\n", 2, "b.txt:2: field 6 (action)", 'D'},
	/* a range that ends past 2^64 bytes (2^55 sectors), or wraps */
	{GOOD "  8,0 0 2 0.000000001 1 Q R 36028797018963960 + 16 [a]\n", 2,
	 "b.txt:2: field 8 (sector): expected a range that ends within 2^64 bytes, got '36028797018963960 + 16'", 0},
	{GOOD "  8,0 0 2 0.000000001 1 Q R 18446744073709551615 + 8 [a]\n", 2,
	 "b.txt:2: field 8 (sector): expected a range that ends within 2^64 bytes, got '18446744073709551615 + 8'", 0},
};

static void test_bad_input(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct trc_opts o = Q;
		o.event = c->event;
		struct read_result *r = read_str("b.txt", c->text, &o);
		if (r->open_rc == 0) {
			expect_bad(i, r, c->msg, c->line);
			assert_string_equal(r->end_path, "b.txt");
		} else {
			/* the device pre-scan met the error first: same message */
			if (!strstr(r->err, c->msg))
				fail_msg("case %zu: open: '%s' does not contain '%s'", i, r->err, c->msg);
		}
		free(r);
	}
}

static void test_bad_input_with_device(void **state)
{
	(void)state;
	/* With --device there is no pre-scan: the good records come out, then the located error. */
	struct trc_opts o = Q;
	o.has_device = true;
	o.device = TRC_DEV(8, 0);
	struct read_result *r = read_str("b.txt", GOOD GOOD "  8,0 0 2 0.000000001 1 Q QQ 8 + 8 [a]\n" GOOD, &o);
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->st, TRC_EBAD);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->end_pos.line, 3);
	assert_string_equal(r->error, "b.txt:3: field 7 (RWBS): expected RWBS as [F](D|W|R|N)[F][A][S][M] or "
			    "(D|W|R|N)[A]B[S][M], got 'QQ'");
	free(r);
}

static void test_lenient(void **state)
{
	(void)state;
	struct trc_opts o = Q;
	o.lenient = true;
	const char *text = GOOD "  8,0 0 2 0.00000000x 1 Q R 8 + 8 [a]\n" GOOD
			   "  8,0 0 2 0.000000001 1 Q R 8 + 8 [a\n" GOOD;
	struct read_result *r = read_all("l.txt", text, &o);

	assert_int_equal(r->n, 3);
	assert_int_equal(r->counts.skipped_bad, 2);
	assert_int_equal(r->counts.first_bad.line, 2);
	assert_non_null(strstr(r->counts.first_bad_msg, "l.txt:2: field 4 (time)"));
	free(r);
}

static void test_empty(void **state)
{
	(void)state;
	/* empty, blank lines only, or only blkparse's summary footer: no requests, an error */
	struct read_result *r = read_str("e.txt", "", &Q);
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->st, TRC_EBAD);
	assert_int_equal(r->n, 0);
	assert_string_equal(r->error, "e.txt: no requests");
	free(r);
	r = read_str("e.txt", "", NULL);
	assert_int_equal(r->open_rc, -EINVAL);
	assert_string_equal(r->err, "e.txt: no requests");
	free(r);
	expect_read("e.txt", "\n\n", &Q, TRC_EBAD, 0, "e.txt: no requests");
	static const char footer[] = "CPU0 (x):\n Reads Queued:           0,        0KiB\t Writes Queued:           0,        0KiB\n"
				     "Total (x):\n Reads Queued:           0,        0KiB\n"
				     "Throughput (R/W): 0KiB/s / 0KiB/s\nEvents (x): 0 entries\n";
	r = read_str("f.txt", footer, NULL); /* detected as blkparse by the footer */
	assert_int_equal(r->open_rc, 0);
	assert_string_equal(r->format, "blkparse");
	assert_int_equal(r->st, TRC_EBAD);
	assert_string_equal(r->error, "f.txt: no requests");
	free(r);
}

CM_MAIN(UT(test_fields), UT(test_crlf_tabs_negative_seq), UT(test_event_d_latency),
	UT(test_event_c), UT(test_many_in_flight), UT(test_skipped_lines_and_footer),
	UT(test_remap_counted_once), UT(test_devices), UT(test_reorder), UT(test_bad_input),
	UT(test_bad_input_with_device), UT(test_lenient), UT(test_empty));
