// SPDX-License-Identifier: GPL-2.0
/* test_stats.c - trace statistics: figures derived by hand on tiny traces, and the sampled
 * (bounded-memory) tracker against the exact answer on a larger one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

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
 *   4 MiB: all three reuses -> 3 of 6. Distance p50 of {0, 2, 2}: bin [2, 4), upper edge 4.
 */
static void test_hand_derived(void **state)
{
	(void)state;
	struct trc_stats *s;
	struct trc_stats_opts o = {.block_bytes = 512 * 1024};
	assert_int_equal(trc_stats_new(&s, &o), 0);
	const uint64_t blocks[] = {0, 1, 2, 0, 0, 1};
	for (int i = 0; i < 6; i++) {
		struct trc_rec r = req(1000 * (uint64_t)i, i % 2 ? TRC_WRITE : TRC_READ, blocks[i] * 1024, 8);
		trc_stats_add(s, &r);
	}
	struct trc_rec fl = req(6000, TRC_FLUSH | TRC_WRITE | TRC_SYNC, 0, 0);
	trc_stats_add(s, &fl);
	char *j = json_of(s);
	assert_int_equal(num(j, "requests"), 7);
	assert_int_equal(num(j, "reads"), 3);
	assert_int_equal(num(j, "writes"), 3);
	assert_int_equal(num(j, "flushes_without_data"), 1);
	assert_int_equal(num(j, "read_bytes"), 3 * 4096);
	assert_int_equal(num(j, "footprint_blocks"), 3);
	assert_int_equal(num(j, "sampling_rate"), 1);
	assert_int_equal(num(j, "block_accesses"), 6);
	assert_int_equal(num(j, "first_touches"), 3);
	assert_int_equal(num(j, "reuses"), 3);
	assert_int_equal(num(j, "distance_p50_blocks"), 4);
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
	struct trc_stats *s;
	struct trc_stats_opts o = {0};
	assert_int_equal(trc_stats_new(&s, &o), 0);
	for (int i = 0; i < 10; i++) {
		struct trc_rec r = req((uint64_t)i, TRC_READ, 100 + 8 * (uint64_t)i, 8);
		trc_stats_add(s, &r);
	}
	struct trc_rec d = req(20, TRC_DISCARD, 0, 2048);
	trc_stats_add(s, &d);
	char *j = json_of(s);
	assert_int_equal(num(j, "sequential_fraction"), 1);
	assert_int_equal(num(j, "discards"), 1);
	assert_int_equal(num(j, "discard_bytes"), 1 << 20);
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
	struct trc_stats *s;
	struct trc_stats_opts o = {.block_bytes = 4096, .max_blocks = 4096};
	enum { N = 200000 };
	assert_int_equal(trc_stats_new(&s, &o), 0);
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
	/* p50 and p90 fall in the bin of 199,999: [131072, 262144) */
	assert_int_equal(num(j, "distance_p50_blocks"), 262144);
	assert_true(num(j, "tracker_mib") < 2.0);
	free(j);
	trc_stats_free(s);
}

static void test_human_output(void **state)
{
	(void)state;
	struct trc_stats *s;
	struct trc_stats_opts o = {0};
	char *buf = NULL;
	size_t len = 0;
	struct trc_counts c = {.skipped_lines = 3};
	assert_int_equal(trc_stats_new(&s, &o), 0);
	struct trc_rec r = req(0, TRC_WRITE | TRC_FUA, 8, 8);
	r.latency_ns = 5000;
	trc_stats_add(s, &r);
	r = req(1000000000, TRC_READ, 8, 8);
	trc_stats_add(s, &r);
	FILE *fp = open_memstream(&buf, &len);
	trc_stats_print(s, fp, false, "x.txt", "blkparse", 'D', NULL, &c);
	fclose(fp);
	assert_non_null(strstr(buf, "requests     2: 1 reads (50.0 %), 1 writes (50.0 %)"));
	assert_non_null(strstr(buf, "1 FUA"));
	assert_non_null(strstr(buf, "2.0 IOPS"));
	assert_non_null(strstr(buf, "footprint    1 blocks of 4 KiB = 4 KiB"));
	assert_non_null(strstr(buf, "latency      1 measured"));
	assert_non_null(strstr(buf, "3 lines skipped"));
	free(buf);
	trc_stats_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_derived),
		cmocka_unit_test(test_sequential_and_sizes),
		cmocka_unit_test(test_sampling),
		cmocka_unit_test(test_human_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
