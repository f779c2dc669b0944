// SPDX-License-Identifier: GPL-2.0
/* test_mrc.c - miss-ratio curves: LRU, FIFO and OPT against brute-force reference simulators
 * written here (O(n * size)) on random traces, textbook reference strings with hand-counted
 * faults, multi-block requests, --reads-only, sampling and the auto sizes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "tests/lib/cm_main.h"
#include "traces/mrc.h"

#define NONE UINT64_MAX

struct seq {
	size_t n;
	uint64_t *blk;
	bool *rd;
};

/* ---- reference simulators: plain arrays, linear searches ---- */

/* LRU (a hit moves the block to the front) or FIFO (a hit changes nothing): the cache as an
 * array, the newest first; a miss drops the last (least recent, or oldest) when full. */
static uint64_t ref_queue(const struct seq *s, size_t cap, bool reads_only, bool lru)
{
	uint64_t *c = malloc((cap + 1) * sizeof(*c)), miss = 0;
	size_t used = 0;

	for (size_t i = 0; i < s->n; i++) {
		size_t j = 0;
		while (j < used && c[j] != s->blk[i])
			j++;
		if (j < used && !lru)
			continue;
		if (j == used) {
			miss += !reads_only || s->rd[i];
			if (used == cap)
				j = --used;
			used++;
		}
		memmove(c + 1, c, j * sizeof(*c)); /* to the front */
		c[0] = s->blk[i];
	}
	free(c);
	return cap ? miss : 0;
}

static uint64_t ref_opt(const struct seq *s, size_t cap, bool reads_only)
{
	uint64_t *nxt = malloc(s->n * sizeof(*nxt)), *c = malloc((cap + 1) * sizeof(*c)), miss = 0;
	size_t used = 0;

	for (size_t i = 0; i < s->n; i++) { /* next use by scanning forward */
		nxt[i] = NONE;
		for (size_t k = i + 1; k < s->n; k++)
			if (s->blk[k] == s->blk[i]) {
				nxt[i] = k;
				break;
			}
	}
	uint64_t *key = malloc((cap + 1) * sizeof(*key));
	for (size_t i = 0; i < s->n; i++) {
		size_t j = 0;
		while (j < used && c[j] != s->blk[i])
			j++;
		if (j == used) {
			miss += !reads_only || s->rd[i];
			if (used == cap) { /* the resident used farthest in the future */
				size_t v = 0;
				for (size_t k = 1; k < used; k++)
					if (key[k] > key[v])
						v = k;
				j = v;
			} else {
				used++;
			}
			c[j] = s->blk[i];
		}
		key[j] = nxt[i];
	}
	free(nxt);
	free(c);
	free(key);
	return miss;
}

/* ---- helpers ---- */

static struct mrc_trace *trace_of(const struct seq *s, double rate)
{
	struct mrc_trace_opts o = {.block_bytes = 4096, .sample_rate = rate};
	struct mrc_trace *t;

	assert_int_equal(mrc_trace_new(&t, &o), 0);
	for (size_t i = 0; i < s->n; i++)
		assert_int_equal(mrc_trace_add_block(t, s->blk[i], s->rd[i]), 0);
	assert_int_equal(mrc_trace_seal(t), 0);
	return t;
}

static uint64_t misses_of(struct mrc_trace *t, const char *pol, bool reads_only, uint64_t blocks)
{
	uint64_t size = blocks * 4096;
	struct mrc_point p;

	assert_int_equal(mrc_run(t, pol, reads_only, &size, 1, &p), 0);
	assert_int_equal(p.size_bytes, size);
	return p.misses;
}

/* t takes, for every item "POLICY:BLOCKS=MISSES" of want (POLICY/r: counting reads only), that
 * many misses in a cache of BLOCKS blocks: one line states a policy comparison. */
static void expect_misses(struct mrc_trace *t, const char *want)
{
	char pol[16];
	unsigned long long blocks, misses;
	int used = 0;

	for (const char *p = want; *p; p += used) {
		if (sscanf(p, " %15[a-z/]:%llu=%llu %n", pol, &blocks, &misses, &used) != 3 || !used)
			fail_msg("bad item at '%s'", p);
		size_t l = strlen(pol);
		bool reads = l > 2 && !strcmp(pol + l - 2, "/r");
		if (reads)
			pol[l - 2] = '\0';
		uint64_t got = misses_of(t, pol, reads, blocks);
		if (got != misses)
			fail_msg("%s%s with %llu blocks: %llu misses, expected %llu", pol,
				 reads ? " (reads)" : "", blocks, (unsigned long long)got, misses);
	}
}

static struct seq seq_of(const uint64_t *blocks, size_t n)
{
	struct seq s = {n, malloc(n * sizeof(uint64_t)), malloc(n * sizeof(bool))};

	memcpy(s.blk, blocks, n * sizeof(uint64_t));
	for (size_t i = 0; i < n; i++)
		s.rd[i] = true;
	return s;
}

static void seq_free(struct seq *s)
{
	free(s->blk);
	free(s->rd);
}

/* ---- tests ---- */

/* Silberschatz's reference string with 3 frames: FIFO 15 faults, LRU 12, OPT 9 (counted by
 * hand in every operating-systems textbook). */
static void test_textbook(void **state)
{
	(void)state;
	static const uint64_t r[] = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
	struct seq s = seq_of(r, sizeof(r) / sizeof(r[0]));
	struct mrc_trace *t = trace_of(&s, 1);

	expect_misses(t, "fifo:3=15 lru:3=12 opt:3=9 "
			 /* 6 distinct pages: a cache of 6 or more only takes the cold misses. */
			 "lru:6=6 opt:100=6 fifo:6=6");
	assert_int_equal(mrc_trace_accesses(t, false), 20);
	assert_int_equal(mrc_trace_distinct(t), 6);
	mrc_trace_free(t);
	seq_free(&s);
}

/* Belady's anomaly: FIFO 9 faults with 3 frames, 10 with 4; LRU 10 and 8; OPT 7 and 6. */
static void test_belady_anomaly(void **state)
{
	(void)state;
	static const uint64_t r[] = {1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5};
	struct seq s = seq_of(r, sizeof(r) / sizeof(r[0]));
	struct mrc_trace *t = trace_of(&s, 1);
	uint64_t sizes[] = {3 * 4096, 4 * 4096};
	struct mrc_point p[2];

	assert_int_equal(mrc_run(t, "fifo", false, sizes, 2, p), 0);
	assert_int_equal(p[0].misses, 9);
	assert_int_equal(p[1].misses, 10);
	assert_int_equal(mrc_run(t, "lru", false, sizes, 2, p), 0);
	assert_int_equal(p[0].misses, 10);
	assert_int_equal(p[1].misses, 8);
	assert_int_equal(mrc_run(t, "opt", false, sizes, 2, p), 0);
	assert_int_equal(p[0].misses, 7);
	assert_int_equal(p[1].misses, 6);
	assert_int_equal(p[1].accesses, 12);
	mrc_trace_free(t);
	seq_free(&s);
}

/* Random traces of one-block requests: every policy, every size, both counting modes, equal
 * to the reference simulators. Small universes force evictions and (for LRU) many stamp
 * compactions; the heap purge of OPT runs every few accesses at small sizes. */
static void test_random_vs_reference(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	static const size_t universes[] = {3, 17, 120, 700};
	static const char *const pols[] = {"lru", "fifo", "opt"};

	for (size_t u = 0; u < sizeof(universes) / sizeof(universes[0]); u++) {
		for (unsigned trial = 0; trial < 3; trial++) {
			struct seq s = {2500, malloc(2500 * sizeof(uint64_t)), malloc(2500 * sizeof(bool))};
			gsl_rng_set(rng, 1000 * u + trial + 1);
			for (size_t i = 0; i < s.n; i++) {
				/* half uniform, half skewed toward low block numbers; sparse numbers */
				uint64_t b = trial % 2 ? gsl_rng_uniform_int(rng, universes[u])
						       : (uint64_t)(universes[u] *
							 pow(gsl_rng_uniform(rng), 3));
				s.blk[i] = b * 7919 + 3;
				s.rd[i] = gsl_rng_uniform(rng) < 0.7;
			}
			struct mrc_trace *t = trace_of(&s, 1);
			uint64_t sizes[12];
			size_t ns = 0;
			for (uint64_t c = 1; c <= universes[u] + 2 && ns < 12; c = c * 2 + 1)
				sizes[ns++] = c * 4096;
			for (size_t p = 0; p < 3; p++)
				for (int ro = 0; ro < 2; ro++) {
					struct mrc_point pt[12];
					assert_int_equal(mrc_run(t, pols[p], ro, sizes, ns, pt), 0);
					for (size_t i = 0; i < ns; i++) {
						size_t cap = sizes[i] / 4096;
						uint64_t want = p == 0   ? ref_queue(&s, cap, ro, true)
								: p == 1 ? ref_queue(&s, cap, ro, false)
									 : ref_opt(&s, cap, ro);
						if (pt[i].misses != want)
							fail_msg("%s reads_only=%d universe %zu trial %u size %zu: "
								 "%llu misses, reference %llu",
								 pols[p], ro, universes[u], trial, cap,
								 (unsigned long long)pt[i].misses,
								 (unsigned long long)want);
					}
				}
			/* OPT never does worse than LRU or FIFO. */
			for (size_t i = 0; i < ns; i++) {
				size_t cap = sizes[i] / 4096;
				assert_true(ref_opt(&s, cap, false) <= ref_queue(&s, cap, false, true));
				assert_true(ref_opt(&s, cap, false) <= ref_queue(&s, cap, false, false));
			}
			mrc_trace_free(t);
			seq_free(&s);
		}
	}
	gsl_rng_free(rng);
}

/* Requests become one access per block they touch; discards and empty flushes are ignored;
 * --reads-only: writes fill the cache without being counted. */
static void test_requests_and_reads_only(void **state)
{
	(void)state;
	struct mrc_trace_opts o = {.block_bytes = 4096};
	struct mrc_trace *t;
	struct trc_rec w = {.flags = TRC_WRITE, .sector = 7, .nsect = 2};  /* blocks 0 and 1 */
	struct trc_rec r = {.flags = TRC_READ, .sector = 8, .nsect = 16};  /* blocks 1 and 2 */
	struct trc_rec r2 = {.flags = TRC_READ, .sector = 0, .nsect = 1};  /* block 0 */
	struct trc_rec d = {.flags = TRC_DISCARD, .sector = 0, .nsect = 64};
	struct trc_rec f = {.flags = TRC_FLUSH | TRC_WRITE, .sector = 0, .nsect = 0};

	assert_int_equal(mrc_trace_new(&t, &o), 0);
	assert_int_equal(mrc_trace_add_rec(t, &w), 0);
	assert_int_equal(mrc_trace_add_rec(t, &d), 0);
	assert_int_equal(mrc_trace_add_rec(t, &f), 0);
	assert_int_equal(mrc_trace_add_rec(t, &r), 0);
	assert_int_equal(mrc_trace_add_rec(t, &r2), 0);
	assert_int_equal(mrc_trace_seal(t), 0);
	/* accesses: W0 W1 R1 R2 R0 */
	assert_int_equal(mrc_trace_accesses(t, false), 5);
	assert_int_equal(mrc_trace_accesses(t, true), 3);
	assert_int_equal(mrc_trace_distinct(t), 3);
	/* 2 blocks, LRU: W0 m, W1 m, R1 h, R2 m (evicts 0), R0 m -> 4 misses, 2 of them reads. */
	expect_misses(t, "lru:2=4 lru/r:2=2 "
			 /* FIFO: W0 m, W1 m, R1 h, R2 m (evicts 0), R0 m: the same. */
			 "fifo/r:2=2 "
			 /* OPT: R2 evicts 1 (never used again), R0 hits: 3 misses, 1 read (R2). */
			 "opt:2=3 opt/r:2=1 "
			 /* 3 blocks: only the cold misses; the reads of 1 and 0 hit the written blocks. */
			 "lru/r:3=1");
	mrc_trace_free(t);

	/* Block size 8K: the same requests touch blocks 0, 0, 1, 0 -> two distinct. */
	o.block_bytes = 8192;
	assert_int_equal(mrc_trace_new(&t, &o), 0);
	assert_int_equal(mrc_trace_add_rec(t, &w), 0);
	assert_int_equal(mrc_trace_add_rec(t, &r), 0);
	assert_int_equal(mrc_trace_add_rec(t, &r2), 0);
	assert_int_equal(mrc_trace_seal(t), 0);
	assert_int_equal(mrc_trace_accesses(t, false), 4);
	assert_int_equal(mrc_trace_distinct(t), 2);
	mrc_trace_free(t);
}

static void test_errors(void **state)
{
	(void)state;
	struct mrc_trace_opts bad = {.block_bytes = 1000};
	struct mrc_trace_opts badrate = {.block_bytes = 4096, .sample_rate = 1.5};
	struct mrc_trace *t;
	uint64_t sizes[] = {8192, 4096};
	struct mrc_point p[2];

	assert_int_equal(mrc_trace_new(&t, &bad), -EINVAL);
	assert_int_equal(mrc_trace_new(&t, &badrate), -EINVAL);
	assert_int_equal(mrc_trace_new(&t, NULL), 0);
	assert_int_equal(mrc_trace_add_block(t, 1, true), 0);
	assert_int_equal(mrc_run(t, "lru", false, sizes + 1, 1, p), -EINVAL); /* not sealed */
	assert_int_equal(mrc_trace_seal(t), 0);
	assert_int_equal(mrc_trace_add_block(t, 2, true), -EINVAL);
	assert_int_equal(mrc_run(t, "lfu", false, sizes + 1, 1, p), -EINVAL);
	assert_int_equal(mrc_run(t, "lru", false, sizes, 2, p), -EINVAL); /* decreasing */
	assert_false(mrc_policy_known("clock"));
	assert_true(mrc_policy_known("opt"));
	assert_int_equal(mrc_policy_count(), 3);
	assert_string_equal(mrc_policy_name(0), "lru");
	assert_null(mrc_policy_name(3));
	/* A cache smaller than a block: every access misses. */
	uint64_t tiny = 100;
	assert_int_equal(mrc_run(t, "opt", false, &tiny, 1, p), 0);
	assert_int_equal(p[0].misses, 1);
	mrc_trace_free(t);
}

/* auto: powers of two from one block below the footprint, then the footprint. */
static void test_auto_sizes(void **state)
{
	(void)state;
	struct mrc_trace *t;
	uint64_t sizes[64];

	assert_int_equal(mrc_trace_new(&t, NULL), 0);
	assert_int_equal(mrc_auto_sizes(t, sizes, 64), 0);
	for (uint64_t b = 0; b < 100; b++)
		assert_int_equal(mrc_trace_add_block(t, b, true), 0);
	assert_int_equal(mrc_trace_seal(t), 0);
	assert_int_equal(mrc_auto_sizes(t, sizes, 64), 8);
	for (int i = 0; i < 7; i++)
		assert_int_equal(sizes[i], 4096ULL << i);
	assert_int_equal(sizes[7], 409600);
	mrc_trace_free(t);

	/* A footprint of 2^20 blocks starts at footprint / 2^15 = 32 blocks. */
	assert_int_equal(mrc_trace_new(&t, NULL), 0);
	for (uint64_t b = 0; b < (1u << 20); b++)
		assert_int_equal(mrc_trace_add_block(t, b, true), 0);
	assert_int_equal(mrc_trace_seal(t), 0);
	size_t n = mrc_auto_sizes(t, sizes, 64);
	assert_int_equal(n, 16);
	assert_int_equal(sizes[0], 32 * 4096);
	assert_int_equal(sizes[n - 1], 4096ULL << 20);
	mrc_trace_free(t);
}

/* Sampling: rate 1 is exact; at rate 0.1 the scaled LRU, FIFO and OPT miss ratios of a skewed
 * trace stay close to the exact ones (the hash is fixed, so this is deterministic). */
static void test_sampling(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	const size_t n = 400000;
	struct seq s = {n, malloc(n * sizeof(uint64_t)), malloc(n * sizeof(bool))};
	static const char *const pols[] = {"lru", "fifo", "opt"};

	gsl_rng_set(rng, 7);
	for (size_t i = 0; i < n; i++) {
		s.blk[i] = (uint64_t)(200000 * pow(gsl_rng_uniform(rng), 2.0));
		s.rd[i] = true;
	}
	struct mrc_trace *exact = trace_of(&s, 1), *one = trace_of(&s, 1.0), *smp = trace_of(&s, 0.1);
	uint64_t sizes[] = {1000 * 4096, 4000 * 4096, 16000 * 4096};
	assert_int_equal(mrc_trace_sampled(exact), n);
	assert_true(mrc_trace_sampled(smp) > n / 20 && mrc_trace_sampled(smp) < n / 5);
	assert_true(fabs((double)mrc_trace_distinct(smp) / (double)mrc_trace_distinct(exact) - 1) < 0.1);
	for (size_t p = 0; p < 3; p++) {
		struct mrc_point a[3], b[3], c[3];
		assert_int_equal(mrc_run(exact, pols[p], false, sizes, 3, a), 0);
		assert_int_equal(mrc_run(one, pols[p], false, sizes, 3, b), 0);
		assert_int_equal(mrc_run(smp, pols[p], false, sizes, 3, c), 0);
		for (size_t i = 0; i < 3; i++) {
			assert_int_equal(a[i].misses, b[i].misses);
			assert_int_equal(c[i].accesses, n);
			double ea = (double)a[i].misses / n, ec = (double)c[i].misses / n;
			if (fabs(ea - ec) > 0.02)
				fail_msg("%s size %zu: sampled miss ratio %.4f, exact %.4f", pols[p], i, ec, ea);
		}
	}
	mrc_trace_free(exact);
	mrc_trace_free(one);
	mrc_trace_free(smp);
	seq_free(&s);
	gsl_rng_free(rng);
}

/* lru_only keeps no sequence and counts distances while reading: the same curve as the stored
 * sequence (and so as the reference), also past the first growth of its tables (more than 4096
 * blocks, several compactions) and under sampling; other policies and the other counting mode
 * are refused. */
static void test_lru_only(void **state)
{
	(void)state;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	static const size_t universes[] = {120, 30000};
	static const double rates[] = {1, 0.3};

	for (size_t u = 0; u < 2; u++)
		for (size_t r = 0; r < 2; r++)
			for (int ro = 0; ro < 2; ro++) {
				const size_t n = u ? 200000 : 3000;
				struct seq s = {n, malloc(n * sizeof(uint64_t)), malloc(n * sizeof(bool))};
				gsl_rng_set(rng, 10 * u + r + 1);
				for (size_t i = 0; i < n; i++) {
					s.blk[i] = (uint64_t)(universes[u] * pow(gsl_rng_uniform(rng), 2));
					s.rd[i] = gsl_rng_uniform(rng) < 0.6;
				}
				struct mrc_trace_opts o = {.block_bytes = 4096, .sample_rate = rates[r],
							   .lru_only = true, .reads_only = ro};
				struct mrc_trace *st, *full = trace_of(&s, rates[r]);
				assert_int_equal(mrc_trace_new(&st, &o), 0);
				for (size_t i = 0; i < n; i++)
					assert_int_equal(mrc_trace_add_block(st, s.blk[i], s.rd[i]), 0);
				assert_int_equal(mrc_trace_seal(st), 0);
				uint64_t sizes[] = {4096, 10 * 4096, 100 * 4096, 1000 * 4096, 10000 * 4096,
						    40000 * 4096};
				struct mrc_point a[6], b[6];
				assert_int_equal(mrc_run(full, "lru", ro, sizes, 6, a), 0);
				assert_int_equal(mrc_run(st, "lru", ro, sizes, 6, b), 0);
				for (size_t i = 0; i < 6; i++) {
					assert_int_equal(a[i].accesses, b[i].accesses);
					if (a[i].misses != b[i].misses)
						fail_msg("universe %zu rate %g reads_only %d size %zu: stored "
							 "%llu, streamed %llu", universes[u], rates[r], ro, i,
							 (unsigned long long)a[i].misses,
							 (unsigned long long)b[i].misses);
				}
				if (!u && r == 0) /* and the reference, on the small one */
					for (size_t i = 0; i < 4; i++)
						assert_int_equal(b[i].misses, ref_queue(&s, sizes[i] / 4096, ro, true));
				assert_int_equal(mrc_trace_distinct(st), mrc_trace_distinct(full));
				assert_int_equal(mrc_run(st, "fifo", ro, sizes, 6, b), -EINVAL);
				assert_int_equal(mrc_run(st, "lru", !ro, sizes, 6, b), -EINVAL);
				mrc_trace_free(st);
				mrc_trace_free(full);
				seq_free(&s);
			}
	gsl_rng_free(rng);
}

CM_MAIN(UT(test_textbook), UT(test_belady_anomaly), UT(test_random_vs_reference),
	UT(test_requests_and_reads_only), UT(test_errors), UT(test_auto_sizes), UT(test_sampling),
	UT(test_lru_only));
