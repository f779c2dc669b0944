// SPDX-License-Identifier: GPL-2.0
/* test_gen.c - the synthetic workload generator: determinism, the distributions it promises,
 * and its blkparse text read back by the blkparse reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <unistd.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"
#include "traces/gen.h"

/* The common spec: uniform 4 KiB requests, 70 % reads, Poisson at 1000 IOPS. */
static struct trc_gen_spec base(uint64_t requests)
{
	struct trc_gen_spec s = {0};
	s.requests = requests;
	s.device_bytes = 1ULL << 30;
	s.align_bytes = 4096;
	s.npat = 1;
	s.pat[0].kind = TRC_GEN_UNIFORM;
	s.pat[0].weight = 1;
	s.read_ratio = 0.7;
	s.size.kind = TRC_GEN_SIZE_FIXED;
	s.size.bytes[0] = 4096;
	s.arrival.kind = TRC_GEN_POISSON;
	s.arrival.iops = 1000;
	s.seed = 1;
	s.dev = TRC_DEV(8, 0);
	s.pid = 42;
	return s;
}

static struct trc_gen *gen(const struct trc_gen_spec *s)
{
	struct trc_gen *g;
	char err[256];
	if (trc_gen_new(&g, s, err, sizeof(err)))
		fail_msg("trc_gen_new: %s", err);
	return g;
}

static void test_determinism_and_bounds(void **state)
{
	(void)state;
	struct trc_gen_spec s = base(1000);
	s.npat = 2;
	s.pat[0].kind = TRC_GEN_ZIPF;
	s.pat[0].theta = 0.9;
	s.pat[0].weight = 70;
	s.pat[1].kind = TRC_GEN_SEQ;
	s.pat[1].run_mean = 16;
	s.pat[1].weight = 30;
	s.size.kind = TRC_GEN_SIZE_LOGNORMAL;
	s.size.median_bytes = 16384;
	s.size.sigma = 1.5;
	s.size.max_bytes = 1 << 20;
	struct trc_gen *a = gen(&s), *b = gen(&s);
	s.seed = 2;
	struct trc_gen *c = gen(&s);
	struct trc_rec ra, rb, rc;
	size_t n = 0, differ = 0;
	uint64_t last = 0;
	while (trc_gen_next(a, &ra)) {
		assert_true(trc_gen_next(b, &rb));
		assert_true(trc_gen_next(c, &rc));
		assert_memory_equal(&ra, &rb, sizeof(ra));
		differ += ra.sector != rc.sector;
		assert_true(ra.time_ns >= last);
		last = ra.time_ns;
		assert_true((ra.sector + ra.nsect) * 512 <= s.device_bytes);
		assert_true(ra.nsect >= 1 && ra.nsect <= 2048);
		assert_string_equal(ra.comm, "ssdcache-gen");
		n++;
	}
	assert_false(trc_gen_next(b, &rb));
	assert_int_equal(n, 1000);
	assert_true(differ > 900);
	assert_int_equal(ra.latency_ns, -1);
	trc_gen_free(a);
	trc_gen_free(b);
	trc_gen_free(c);
}

static int cmp_desc(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return (a < b) - (a > b);
}

/* Zipf(theta): rank 1 is 2^theta times as frequent as rank 2, and takes 1/H(n,theta). */
static void check_zipf(double theta)
{
	enum { SLOTS = 1000, DRAWS = 400000 };
	struct trc_gen_spec s = base(DRAWS);
	static uint32_t count[SLOTS];
	struct trc_rec r;

	memset(count, 0, sizeof(count));
	s.device_bytes = SLOTS * 4096ULL;
	s.pat[0].kind = TRC_GEN_ZIPF;
	s.pat[0].theta = theta;
	struct trc_gen *g = gen(&s);
	while (trc_gen_next(g, &r))
		count[r.sector / 8]++;
	trc_gen_free(g);
	qsort(count, SLOTS, sizeof(count[0]), cmp_desc);
	double h = 0;
	for (int k = 1; k <= SLOTS; k++)
		h += pow(k, -theta);
	double top = (double)count[0] / DRAWS, ratio = (double)count[0] / count[1];
	if (fabs(top - 1 / h) > 0.05 / h || fabs(ratio - pow(2, theta)) > 0.08 * pow(2, theta))
		fail_msg("zipf %.2f: top share %.4f (expected %.4f), rank1/rank2 %.3f (expected %.3f)",
			 theta, top, 1 / h, ratio, pow(2, theta));
}

static void test_zipf(void **state)
{
	(void)state;
	check_zipf(0.5);
	check_zipf(0.99);
	check_zipf(1.0);
	check_zipf(1.5);
}

static void test_hotcold_seq_uniform(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct trc_gen_spec s = base(N);
	s.pat[0] = (struct trc_gen_pattern){
		.kind = TRC_GEN_HOTCOLD, .hot_access = 0.9, .hot_space = 0.1, .weight = 1};
	struct trc_rec r;
	struct trc_gen *g = gen(&s);
	size_t hot = 0, reads = 0;
	while (trc_gen_next(g, &r)) {
		hot += r.sector * 512 < s.device_bytes / 10;
		reads += r.flags == TRC_READ;
	}
	trc_gen_free(g);
	assert_true(fabs((double)hot / N - 0.9) < 0.01);
	assert_true(fabs((double)reads / N - 0.7) < 0.01);

	s.pat[0].kind = TRC_GEN_SEQ;
	s.pat[0].run_mean = 8;
	g = gen(&s);
	size_t cont = 0;
	uint64_t end = UINT64_MAX;
	while (trc_gen_next(g, &r)) {
		cont += r.sector == end;
		end = r.sector + r.nsect;
	}
	trc_gen_free(g);
	assert_true(fabs((double)cont / (N - 1) - 0.875) < 0.01); /* geometric runs, mean 8 */

	s.pat[0].kind = TRC_GEN_UNIFORM;
	s.device_bytes = 100 * 4096;
	g = gen(&s);
	uint32_t count[100] = {0};
	while (trc_gen_next(g, &r)) {
		assert_int_equal(r.sector % 8, 0); /* 4 KiB aligned */
		count[r.sector / 8]++;
	}
	trc_gen_free(g);
	for (int i = 0; i < 100; i++) /* mean 1000, sd ~31.5: 5 sd */
		assert_true(count[i] > 842 && count[i] < 1158);
}

static void test_sizes_and_arrivals(void **state)
{
	(void)state;
	enum { N = 50000 };
	struct trc_gen_spec s = base(N);
	s.size = (struct trc_gen_size){
		.kind = TRC_GEN_SIZE_LIST, .n = 2, .bytes = {4096, 65536}, .weights = {70, 30}};
	struct trc_rec r;
	struct trc_gen *g = gen(&s);
	size_t small = 0;
	uint64_t first = 0, last = 0;
	bool any = false;
	while (trc_gen_next(g, &r)) {
		assert_true(r.nsect == 8 || r.nsect == 128);
		small += r.nsect == 8;
		if (!any)
			first = r.time_ns;
		any = true;
		last = r.time_ns;
	}
	trc_gen_free(g);
	assert_true(fabs((double)small / N - 0.7) < 0.01);
	/* Poisson at 1000 IOPS: mean gap 1 ms */
	double mean_gap = (double)(last - first) / (N - 1);
	assert_true(fabs(mean_gap - 1e6) < 0.02e6);

	s.size.kind = TRC_GEN_SIZE_LOGNORMAL;
	s.size.median_bytes = 16384;
	s.size.sigma = 1;
	s.size.max_bytes = 1 << 20;
	g = gen(&s);
	size_t below = 0;
	while (trc_gen_next(g, &r))
		below += r.nsect * 512 < 16384;
	trc_gen_free(g);
	assert_true(fabs((double)below / N - 0.5) < 0.02); /* the median, rounding aside */

	s.size.kind = TRC_GEN_SIZE_FIXED;
	s.arrival.kind = TRC_GEN_FIXED;
	s.arrival.interval_ns = 250000;
	s.requests = 10;
	g = gen(&s);
	for (int i = 0; trc_gen_next(g, &r); i++)
		assert_int_equal(r.time_ns, (uint64_t)i * 250000);
	trc_gen_free(g);

	s.arrival.kind = TRC_GEN_ONOFF;
	s.arrival.on_ns = 100000000;
	s.arrival.off_ns = 400000000;
	s.arrival.iops = 10000;
	s.requests = 0;
	s.duration_ns = 2000000000;
	g = gen(&s);
	size_t n = 0;
	while (trc_gen_next(g, &r)) {
		assert_true(r.time_ns % 500000000 < 100000000 + 1); /* only in the on periods */
		assert_true(r.time_ns < s.duration_ns);
		n++;
	}
	trc_gen_free(g);
	assert_true(n > 3600 && n < 4400); /* 4 on periods of 100 ms at 10k IOPS */
}

static void test_invalid(void **state)
{
	(void)state;
	struct trc_gen *g;
	char err[256];
	struct trc_gen_spec s = base(1000);

	s.pat[0].kind = TRC_GEN_ZIPF;
	s.pat[0].theta = 0;
	assert_int_equal(trc_gen_new(&g, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "zipf's theta must be > 0");
	s = base(1000);
	s.size.bytes[0] = 1000;
	assert_int_equal(trc_gen_new(&g, &s, err, sizeof(err)), -EINVAL);
	s = base(1000);
	s.size.bytes[0] = 2ULL << 30;
	assert_int_equal(trc_gen_new(&g, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "a request size exceeds the device size");
	s = base(1000);
	s.read_ratio = 1.5;
	assert_int_equal(trc_gen_new(&g, &s, err, sizeof(err)), -EINVAL);
	s = base(1000);
	s.arrival.iops = 0;
	assert_int_equal(trc_gen_new(&g, &s, err, sizeof(err)), -EINVAL);
	s = base(1000);
	s.requests = 0;
	assert_int_equal(trc_gen_new(&g, &s, err, sizeof(err)), -EINVAL);
}

/* Written as blkparse text, read back by the blkparse reader: the same requests. */
static void test_blkparse_round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/trc-gen-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *fp = fdopen(fd, "w");
	struct trc_gen_spec s = base(1000);
	s.arrival.iops = 50000; /* completions overlap the next requests */
	struct trc_gen *g = gen(&s);
	struct trc_bp_writer *w;
	struct trc_rec r;
	assert_int_equal(trc_bp_writer_new(&w, fp, 4096), 0);
	while (trc_gen_next(g, &r)) {
		r.latency_ns = 100000;
		assert_int_equal(trc_bp_write(w, &r), 0);
	}
	assert_int_equal(trc_bp_writer_finish(w), 0);
	fclose(fp);
	trc_gen_free(g);

	const char events[] = {'Q', 'D', 'C'};
	for (int e = 0; e < 3; e++) {
		struct trc *t;
		char err[256];
		struct trc_opts o = {.event = events[e]};
		struct trc_rec back;
		assert_int_equal(trc_open(&t, path, &o, err, sizeof(err)), 0);
		assert_string_equal(trc_format_name(t), "blkparse");
		g = gen(&s);
		size_t n = 0;
		while (trc_gen_next(g, &r)) {
			assert_int_equal(trc_next(t, &back), TRC_OK);
			assert_int_equal(back.time_ns, r.time_ns + (events[e] == 'C' ? 100000 : 0));
			assert_int_equal(back.sector, r.sector);
			assert_int_equal(back.nsect, r.nsect);
			assert_string_equal(back.rwbs, r.rwbs);
			if (events[e] != 'C') {
				assert_int_equal(back.pid, 42);
				assert_string_equal(back.comm, "ssdcache-gen");
			}
			assert_int_equal(back.latency_ns, events[e] == 'Q' ? -1 : 100000);
			n++;
		}
		assert_int_equal(trc_next(t, &back), TRC_EOF);
		assert_int_equal(n, 1000);
		assert_int_equal(trc_counts(t)->inversions, 0);
		trc_gen_free(g);
		trc_close(t);
	}
	unlink(path);
}

CM_MAIN(UT(test_determinism_and_bounds), UT(test_zipf), UT(test_hotcold_seq_uniform),
	UT(test_sizes_and_arrivals), UT(test_invalid), UT(test_blkparse_round_trip));
