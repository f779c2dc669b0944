// SPDX-License-Identifier: GPL-2.0
/* test_stats.c - trace statistics: figures derived by hand on tiny traces, and the sampled
 * (bounded-memory) tracker against the exact answer on a larger one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"
#include "traces/stats.h"

static char *json_of(struct trc_stats *s)
{
	char *buf = NULL;
	size_t len = 0;
	struct trc_counts c = {0};
	FILE *fp = open_memstream(&buf, &len);
	uint32_t dev = TRC_DEV(8, 0);

	trc_stats_print(s, fp, true, "t", "test", 'Q', &dev, &c);
	fclose(fp);
	return buf;
}

/* The number after "key": in a JSON text (the first occurrence). */
static double num(const char *json, const char *key)
{
	char pat[128];
	snprintf(pat, sizeof(pat), "\"%s\": ", key);
	const char *p = strstr(json, pat);
	if (!p)
		fail_msg("no %s in %s", key, json);
	return strtod(p + strlen(pat), NULL);
}

/* Every item "key=NUMBER" (space-separated) of want is the number after "key": in json. */
static void expect_nums(const char *json, const char *want)
{
	char key[64];
	double v;
	int used = 0;

	if (!json)
		fail_msg("no object for '%s'", want);
	for (const char *p = want; *p; p += used) {
		if (sscanf(p, " %63[a-z0-9_]=%lf %n", key, &v, &used) != 2 || !used)
			fail_msg("bad item at '%s'", p);
		if (num(json, key) != v)
			fail_msg("%s: %.17g, expected %.17g", key, num(json, key), v);
	}
}

static int cmp_u64_test(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static struct trc_rec req(uint64_t t, uint32_t flags, uint64_t sector, uint32_t nsect)
{
	struct trc_rec r = {.time_ns = t, .dev = TRC_DEV(8, 0), .flags = flags, .sector = sector,
			    .nsect = nsect, .latency_ns = -1};
	trc_flags_to_rwbs(flags, r.rwbs);
	return r;
}

/*
 * Blocks of 512 KiB (1024 sectors), so that the 1 MiB cache holds 2 blocks and 4 MiB holds 8.
 * Accesses A B C A A B (A = block 0, B = 1, C = 2):
 *   first touches A, B, C; A again after {B, C}: distance 2; A again at once: 0;
 *   B again after {C, A}: 2. LRU hits: 1 MiB (2 blocks): only distance 0 -> 1 of 6;
 *   4 MiB: all three reuses -> 3 of 6. Distance p50 of {0, 2, 2}: rank ceil(1.5) = 2 -> 2.
 */
static void test_hand_derived(void **state)
{
	(void)state;
	struct trc_stats *s = stats_of(&(struct trc_stats_opts){.block_bytes = 512 * 1024});
	const uint64_t blocks[] = {0, 1, 2, 0, 0, 1};
	for (int i = 0; i < 6; i++) {
		struct trc_rec r = req(1000 * (uint64_t)i, i % 2 ? TRC_WRITE : TRC_READ, blocks[i] * 1024, 8);
		trc_stats_add(s, &r);
	}
	struct trc_rec fl = req(6000, TRC_FLUSH | TRC_WRITE | TRC_SYNC, 0, 0);
	trc_stats_add(s, &fl);
	char *j = json_of(s);
	expect_nums(j, "requests=7 reads=3 writes=3 flushes_without_data=1 read_bytes=12288 "
		       "footprint_blocks=3 sampling_rate=1 block_accesses=6 first_touches=3 reuses=3 "
		       "distance_p50_blocks=2 distance_p90_blocks=2");
	const char *lru = strstr(j, "\"lru_hit_ratio\"");
	assert_non_null(lru);
	assert_true(fabs(num(lru, "hit_ratio") - 1.0 / 6) < 1e-6);
	assert_true(fabs(num(strstr(lru, "4194304"), "hit_ratio") - 0.5) < 1e-6);
	/* 6 gaps of 1000 ns */
	const char *ia = strstr(j, "\"interarrival_ns\"");
	assert_int_equal(num(ia, "mean"), 1000);
	assert_int_equal(num(j, "span_s") * 1e9, 6000);
	/* 0 -> 1024 -> 2048 -> 0: no request starts where the previous one ended */
	assert_int_equal(num(j, "sequential_fraction"), 0);
	free(j);
	trc_stats_free(s);
}

static void test_sequential_and_sizes(void **state)
{
	(void)state;
	struct trc_stats *s = stats_of(NULL);
	for (int i = 0; i < 10; i++) {
		struct trc_rec r = req((uint64_t)i, TRC_READ, 100 + 8 * (uint64_t)i, 8);
		trc_stats_add(s, &r);
	}
	struct trc_rec d = req(20, TRC_DISCARD, 0, 2048);
	trc_stats_add(s, &d);
	char *j = json_of(s);
	expect_nums(j, "sequential_fraction=1 discards=1 discard_bytes=1048576");
	const char *sz = strstr(j, "\"size_bytes\"");
	assert_int_equal(num(sz, "mean"), 4096);
	assert_non_null(strstr(sz, "{\"from\": 4096, \"to\": 8192, \"count\": 10}"));
	/* 10 requests of 4 KiB at 100 + 8i sectors: blocks 12..22, 11 blocks of 4 KiB */
	assert_int_equal(num(j, "footprint_blocks"), 11);
	free(j);
	trc_stats_free(s);
}

/*
 * 200,000 distinct blocks touched twice in the same order, with room to track only 4,096:
 * the tracker samples (rate 1/64 or lower), and its estimates must stay close to the exact
 * answer: footprint 200,000 blocks, half of the accesses reuses, every reuse distance 199,999.
 */
static void test_sampling(void **state)
{
	(void)state;
	enum { N = 200000 };
	struct trc_stats *s =
		stats_of(&(struct trc_stats_opts){.block_bytes = 4096, .max_blocks = 4096});
	for (int pass = 0; pass < 2; pass++)
		for (uint64_t b = 0; b < N; b++) {
			struct trc_rec r = req((uint64_t)pass * N + b, TRC_READ, b * 8, 8);
			trc_stats_add(s, &r);
		}
	char *j = json_of(s);
	double rate = num(j, "sampling_rate");
	assert_true(rate < 1.0 / 32);
	double fp = num(j, "footprint_blocks");
	if (fabs(fp - N) > 0.15 * N)
		fail_msg("footprint estimate %.0f, exact %d (rate %g)", fp, N, rate);
	assert_true(fabs(num(j, "reuse_fraction") - 0.5) < 0.08);
	/* sampled: distances are histogram bounds; p50 and p90 fall in the bin of 199,999:
	 * [131072, 262144) */
	assert_non_null(strstr(j, "\"distance_exact\": false"));
	assert_int_equal(num(j, "distance_p50_blocks"), 262144);
	assert_true(num(j, "tracker_mib") < 2.0);
	free(j);
	trc_stats_free(s);
}


static char *text_of(struct trc_stats *s, const char *format, const struct trc_counts *c)
{
	char *buf = NULL;
	size_t len = 0;
	struct trc_counts none = {0};
	FILE *fp = open_memstream(&buf, &len);

	trc_stats_print(s, fp, false, "x", format, 0, NULL, c ? c : &none);
	fclose(fp);
	return buf;
}

/*
 * A shape real captures have: 99.5 % of the requests are 4 KiB (a streaming estimator would
 * print a p99 of ~124 KiB), and inter-arrival gaps whose exact p99 is 123 us (a binned one
 * would print 1.37 ms). 1001 requests: 995 of 4 KiB, 6 of 128 KiB, arriving so that the 1000
 * gaps are 985 x 100 us, 10 x 123 us, 5 x 10 ms (rank 990 of 1000: 123 us). Percentiles must
 * be exact (nearest rank) in JSON and in the text, and agree with the histogram.
 */
static void test_exact_percentiles(void **state)
{
	(void)state;
	struct trc_stats *s = stats_of(NULL);
	uint64_t t = 0;
	for (int i = 0; i < 1001; i++) {
		uint32_t nsect = i % 167 == 5 ? 256 : 8; /* i = 5, 172, ..., 840: 6 of them */
		struct trc_rec r = req(t, TRC_READ, 8 * (uint64_t)i * 64, nsect);
		r.latency_ns = 1000 * (i + 1); /* 1 us .. 1001 us */
		trc_stats_add(s, &r);
		t += i < 985 ? 100000 : i < 995 ? 123000 : 10000000;
	}
	char *j = json_of(s);
	expect_nums(strstr(j, "\"size_bytes\""), "p50=4096 p90=4096 p99=4096 max=131072");
	expect_nums(strstr(j, "\"interarrival_ns\""),
		    "p50=100000 p90=100000 p99=123000 max=10000000 min=100000");
	/* latencies 1..1001 us: rank ceil(0.5 * 1001) = 501, ceil(900.9) = 901, ceil(990.99) = 991 */
	expect_nums(strstr(j, "\"latency_ns\""), "count=1001 p50=501000 p90=901000 p99=991000");
	free(j);
	char *txt = text_of(s, "blkparse", NULL);
	if (!strstr(txt, "mean 4.74 KiB, p50 4 KiB, p90 4 KiB, p99 4 KiB, max 128 KiB"))
		fail_msg("sizes line: %s", txt);
	if (!strstr(txt, "p50 100.0 us, p90 100.0 us, p99 123.0 us, max 10.00 ms"))
		fail_msg("inter-arrival line: %s", txt);
	assert_null(strstr(txt, "~"));
	free(txt);
	trc_stats_free(s);
}

/* Many equal values (gaps of 0 from simultaneous arrivals) and a few larger ones: the
 * selection must stay exact (and not degrade) whatever the ties. */
static void test_percentiles_with_ties(void **state)
{
	(void)state;
	struct trc_stats *s = stats_of(NULL);
	/* 200001 requests: gaps 0 (x 197000), then 7 (x 2990), then 1000 (x 10) */
	uint64_t t = 0;
	for (int i = 0; i <= 200000; i++) {
		struct trc_rec r = req(t, TRC_WRITE, 0, 8);
		trc_stats_add(s, &r);
		t += i < 197000 ? 0 : i < 199990 ? 7 : 1000;
	}
	char *j = json_of(s);
	/* p99: rank ceil(0.99 * 200000) = 198000 is a 7 */
	expect_nums(strstr(j, "\"interarrival_ns\""), "p50=0 p90=0 p99=7 max=1000");
	free(j);
	trc_stats_free(s);
}

/* The LRU stack distances and hit ratios against a brute-force LRU stack on a random trace. */
static void test_distances_exact(void **state)
{
	(void)state;
	enum { N = 20000, B = 3000 };
	static uint64_t stack[B], dist[N];
	size_t depth = 0, nd = 0;
	uint64_t x = 12345;
	struct trc_stats *s = stats_of(&(struct trc_stats_opts){.block_bytes = 4096});
	uint64_t hits256 = 0, hits1024 = 0; /* 1 MiB = 256 blocks, 4 MiB = 1024 */
	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		/* skewed: half the accesses on 100 blocks */
		uint64_t b = (x >> 33) % 2 ? (x >> 40) % 100 : (x >> 40) % B;
		struct trc_rec r = req((uint64_t)i, TRC_READ, b * 8, 8);
		trc_stats_add(s, &r);
		size_t k = 0;
		while (k < depth && stack[k] != b)
			k++;
		if (k < depth) {
			dist[nd++] = k;
			hits256 += k < 256;
			hits1024 += k < 1024;
			memmove(stack + 1, stack, k * sizeof(*stack));
		} else {
			memmove(stack + 1, stack, depth * sizeof(*stack));
			depth++;
		}
		stack[0] = b;
	}
	qsort(dist, nd, sizeof(*dist), cmp_u64_test);
	uint64_t p50 = dist[(nd + 1) / 2 - 1], p90 = dist[(nd * 9 + 9) / 10 - 1];
	char *j = json_of(s);
	assert_int_equal(num(j, "footprint_blocks"), depth);
	assert_int_equal(num(j, "reuses"), nd);
	assert_non_null(strstr(j, "\"distance_exact\": true"));
	assert_int_equal(num(j, "distance_p50_blocks"), p50);
	assert_int_equal(num(j, "distance_p90_blocks"), p90);
	const char *lru = strstr(j, "\"lru_hit_ratio\"");
	assert_true(fabs(num(lru, "hit_ratio") - (double)hits256 / N) < 1e-6);
	assert_true(fabs(num(strstr(lru, "4194304"), "hit_ratio") - (double)hits1024 / N) < 1e-6);
	free(j);
	trc_stats_free(s);
}

/* The tracker's renumbering is linear: over 2 M block accesses cycling through 300,000 blocks
 * (every access a reuse at distance 299,999 after the first pass, the worst case for stamps
 * running out), the compaction work stays within a small multiple of the accesses (about 6.3 N
 * here); renumbering at every access, or on a table that does not grow, would exceed it. */
static void test_tracker_linear(void **state)
{
	(void)state;
	enum { B = 300000, N = 2000000 };
	struct trc_stats *s = stats_of(&(struct trc_stats_opts){.block_bytes = 4096});
	for (uint64_t i = 0; i < N; i++) {
		struct trc_rec r = req(i, TRC_READ, (i % B) * 8, 8);
		trc_stats_add(s, &r);
	}
	char *j = json_of(s); /* flushes the pending accesses */
	assert_int_equal(num(j, "footprint_blocks"), B);
	assert_int_equal(num(j, "distance_p50_blocks"), B - 1);
	free(j);
	uint64_t work = trc_stats_tracker_work(s);
	if (work > 8ULL * N)
		fail_msg("compaction work %llu for %d accesses", (unsigned long long)work, N);
	assert_true(work > 0);
	trc_stats_free(s);
}

/* No reuse, no data requests: every 0-of-0 figure says n/a (null in JSON), never 0 or "<= 0". */
static void test_zero_of_zero(void **state)
{
	(void)state;
	struct trc_stats *s = stats_of(NULL);
	struct trc_rec fl = req(0, TRC_FLUSH | TRC_WRITE | TRC_SYNC, 0, 0);
	trc_stats_add(s, &fl);
	char *txt = text_of(s, "blkparse", NULL);
	assert_non_null(strstr(txt, "0 reads (n/a), 0 writes (n/a)"));
	assert_non_null(strstr(txt, "stack distance n/a"));
	assert_null(strstr(txt, "<= 0"));
	expect_in(txt, "reuses (n/a)", "1 MiB n/a", "sequential   n/a");
	free(txt);
	char *j = json_of(s);
	expect_in(j, "\"read_fraction\": null", "\"distance_p50_blocks\": null",
		  "\"reuse_fraction\": null", "\"size_bytes\": null");
	free(j);
	trc_stats_free(s);

	/* data but no reuse: distances n/a, ratios defined */
	s = stats_of(NULL);
	for (int i = 0; i < 4; i++) {
		struct trc_rec r = req((uint64_t)i, TRC_READ, 64 * (uint64_t)i, 8);
		trc_stats_add(s, &r);
	}
	txt = text_of(s, "msr", NULL);
	assert_non_null(strstr(txt, "stack distance n/a (no reuse)"));
	assert_non_null(strstr(txt, "reuses (0.0 %)"));
	free(txt);
	trc_stats_free(s);
}

/* The skipped count carries the reader's unit (records for binary formats, lines for text:
 * test_reader.c checks the reader sets it); stats prints it as given. */
static void test_skipped_unit(void **state)
{
	(void)state;
	struct trc_counts c = {.skipped_lines = 7, .skipped_unit = "records"};
	struct trc_stats *s = stats_of(NULL);
	struct trc_rec r = req(0, TRC_READ, 0, 8);
	trc_stats_add(s, &r);
	char *txt = text_of(s, "blktrace", &c);
	assert_non_null(strstr(txt, "7 records skipped"));
	free(txt);
	snprintf(c.skipped_unit, sizeof(c.skipped_unit), "lines");
	txt = text_of(s, "blkparse", &c);
	assert_non_null(strstr(txt, "7 lines skipped"));
	free(txt);
	trc_stats_free(s);
}

static void test_human_output(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	struct trc_counts c = {.skipped_lines = 3, .skipped_unit = "lines"};
	struct trc_stats *s = stats_of(NULL);
	struct trc_rec r = req(0, TRC_WRITE | TRC_FUA, 8, 8);
	r.latency_ns = 5000;
	trc_stats_add(s, &r);
	r = req(1000000000, TRC_READ, 8, 8);
	trc_stats_add(s, &r);
	FILE *fp = open_memstream(&buf, &len);
	trc_stats_print(s, fp, false, "x.txt", "blkparse", 'D', NULL, &c);
	fclose(fp);
	expect_in(buf, "requests     2: 1 reads (50.0 %), 1 writes (50.0 %)", "1 FUA", "2.0 IOPS",
		  "footprint    1 blocks of 4 KiB = 4 KiB", "latency      1 measured",
		  "3 lines skipped");
	free(buf);
	trc_stats_free(s);
}

CM_MAIN(UT(test_hand_derived), UT(test_sequential_and_sizes), UT(test_sampling),
	UT(test_human_output), UT(test_exact_percentiles), UT(test_percentiles_with_ties),
	UT(test_distances_exact), UT(test_zero_of_zero), UT(test_tracker_linear),
	UT(test_skipped_unit));
