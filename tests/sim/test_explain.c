// SPDX-License-Identifier: GPL-2.0
/* test_explain.c - the miss explanation's shadows: first access, LRU stack, growth, classification, I/O in flight. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "sim/explain.h"
#include "tests/lib/simtest.h"
#include "tests/lib/test_main.h"

/* Access [sector, sector + nsect), classify it by outcome and settle it at once: its class
 * (MISS_NR for a hit). */
static enum sim_miss cls(struct explain *e, uint64_t sector, uint32_t nsect, enum cte_match_t outcome)
{
	uint64_t count[MISS_NR] = { 0 };
	unsigned token;
	int m;

	explain_access(e, &token, sector, nsect);
	explain_classify(e, &token, outcome, count);
	explain_drain(e);
	for (m = 0; m < MISS_NR && !count[m]; m++)
		;
	return (enum sim_miss)m;
}

/* An access never classified (a write piece): its holder goes at once. */
static void touch(struct explain *e, uint64_t sector, uint32_t nsect)
{
	unsigned token;

	explain_access(e, &token, sector, nsect);
	explain_settle(e, &token);
}

/* Classify the access of block b as a read the engine missed (READ_MISS). */
static enum sim_miss miss(struct explain *e, uint64_t b)
{
	return cls(e, b * 8, 8, CTE_READ_MISS);
}

static void test_three_c(void **state)
{
	struct explain *e = explain_new(2, 8); /* an LRU of two blocks of 8 sectors */
	(void)state;
	assert_int_equal(miss(e, 1), MISS_COMPULSORY);
	assert_int_equal(miss(e, 2), MISS_COMPULSORY);
	assert_int_equal(miss(e, 1), MISS_CONFLICT);  /* the LRU of 2 still holds 1 */
	assert_int_equal(miss(e, 3), MISS_COMPULSORY); /* evicts 2 (least recent) */
	assert_int_equal(miss(e, 2), MISS_CAPACITY);   /* seen, but not in an LRU of 2: evicts 1 */
	assert_int_equal(miss(e, 3), MISS_CONFLICT);
	assert_int_equal(miss(e, 1), MISS_CAPACITY);
	/* outcomes decide first */
	assert_int_equal(cls(e, 8, 8, CTE_READ_CLEAN), MISS_NR);
	assert_int_equal(cls(e, 8, 8, CTE_READ_BUSY), MISS_BUSY);
	assert_int_equal(cls(e, 8, 8, CTE_WRITE_SKIP), MISS_POLICY);
	assert_int_equal(cls(e, 800, 8, CTE_WRITE_SKIP), MISS_COMPULSORY);
	explain_free(e);
}

/* Through table growth (1024 -> 262144 entries) the LRU order survives: a cyclic scan of
 * capacity + 1 blocks always misses in LRU, a scan of capacity blocks always hits. */
static void test_growth_keeps_order(void **state)
{
	const uint64_t cap = 100000;
	struct explain *e = explain_new(cap, 8);
	(void)state;
	for (uint64_t b = 0; b < cap; b++)
		assert_int_equal(miss(e, b), MISS_COMPULSORY);
	for (int round = 0; round < 2; round++)
		for (uint64_t b = 0; b < cap; b++)
			assert_int_equal(miss(e, b), MISS_CONFLICT);
	assert_int_equal(miss(e, cap), MISS_COMPULSORY); /* evicts block 0 */
	for (uint64_t b = 0; b < 1000; b++)
		assert_int_equal(miss(e, b), MISS_CAPACITY); /* each evicts the next one */
	explain_free(e);
}


/* A fill or a write in flight on the offsets read makes the miss busy, not conflict; other
 * offsets of the block, or the I/O ended, leave it conflict. */
static void test_in_flight_is_busy(void **state)
{
	struct explain *e = explain_new(100, 64); /* blocks of 64 sectors: one bit per sector */
	uint32_t fill = 0, wr = 0; /* the I/Os' handles, as a bio holds them */
	(void)state;
	assert_int_equal(cls(e, 0, 8, CTE_READ_MISS), MISS_COMPULSORY);
	explain_io_start(e, &fill, 0, 8); /* the miss's fill of offsets 0..7 */
	assert_int_equal(cls(e, 0, 8, CTE_READ_INVALID), MISS_BUSY);
	assert_int_equal(cls(e, 4, 2, CTE_READ_INVALID), MISS_BUSY);
	assert_int_equal(cls(e, 8, 8, CTE_READ_INVALID), MISS_CONFLICT);
	explain_io_end(e, &fill);
	assert_int_equal(explain_in_flight(e), 0);
	assert_int_equal(cls(e, 0, 8, CTE_READ_INVALID), MISS_CONFLICT);
	touch(e, 64, 8);        /* block 1 seen, then a write of part of it in flight */
	explain_io_start(e, &wr, 70, 4);
	assert_int_equal(cls(e, 64, 64, CTE_READ_MISS), MISS_BUSY);
	explain_io_end(e, &wr);
	explain_io_end(e, &wr); /* twice, or never started: no effect */
	assert_int_equal(wr, 0);
	assert_int_equal(explain_in_flight(e), 0);
	assert_int_equal(cls(e, 64, 64, CTE_READ_MISS), MISS_CONFLICT);
	/* a hit stays a hit, a never-seen block stays compulsory */
	explain_io_start(e, &wr, 640, 8);
	assert_int_equal(cls(e, 0, 8, CTE_READ_CLEAN), MISS_NR);
	assert_int_equal(cls(e, 640, 8, CTE_READ_MISS), MISS_COMPULSORY);
	explain_io_end(e, &wr);
	explain_free(e);
	/* a block size that is not a power of two (Q21): blocks by division, offsets too */
	e = explain_new(4, 24);
	assert_int_equal(cls(e, 30, 8, CTE_READ_MISS), MISS_COMPULSORY);
	assert_int_equal(cls(e, 47, 1, CTE_READ_MISS), MISS_CONFLICT);
	assert_int_equal(cls(e, 48, 8, CTE_READ_MISS), MISS_COMPULSORY);
	explain_io_start(e, &wr, 40, 8); /* offsets 16..23 of block 1 */
	assert_int_equal(cls(e, 24, 8, CTE_READ_MISS), MISS_CONFLICT);
	assert_int_equal(cls(e, 44, 2, CTE_READ_MISS), MISS_BUSY);
	explain_io_end(e, &wr);
	explain_free(e);
}

/*
 * The in-flight maps (linear probing with backward-shift deletion, growth) against a plain
 * model: thousands of I/Os start and end in random order over few blocks (long probe runs,
 * many deletions inside them); after each step a read of random offsets is busy exactly when
 * the model has I/O in flight on the block whose union of offsets since the block was last idle
 * meets the read's (the documented approximation).
 */
#define NB 40
#define NIO 3000
static void test_in_flight_maps_match_a_model(void **state)
{
	static uint32_t ios[NIO]; /* the I/Os' handles (0: not in flight) */
	static int live[NIO];
	static uint64_t io_block[NIO], io_mask[NIO];
	uint64_t count[NB] = {0}, umask[NB] = {0};
	unsigned nlive = 0;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct explain *e = explain_new(1u << 20, 64);
	(void)state;
	gsl_rng_set(r, 11);
	for (uint64_t b = 0; b < NB; b++) /* seen and in the LRU: a miss is conflict unless busy */
		touch(e, b * 64, 64);
	for (int step = 0; step < 200000; step++) {
		unsigned k = (unsigned)gsl_rng_uniform_int(r, NIO);
		if (!live[k]) {
			uint64_t b = gsl_rng_uniform_int(r, NB), o = gsl_rng_uniform_int(r, 64);
			uint32_t n = 1 + (uint32_t)gsl_rng_uniform_int(r, (unsigned long)(64 - o));
			explain_io_start(e, &ios[k], b * 64 + o, n);
			live[k] = 1;
			nlive++;
			io_block[k] = b;
			io_mask[k] = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << o;
			count[b]++;
			umask[b] |= io_mask[k];
		} else {
			explain_io_end(e, &ios[k]);
			live[k] = 0;
			nlive--;
			if (!--count[io_block[k]])
				umask[io_block[k]] = 0;
		}
		assert_int_equal(explain_in_flight(e), nlive);
		uint64_t b = gsl_rng_uniform_int(r, NB), o = gsl_rng_uniform_int(r, 64);
		uint32_t n = 1 + (uint32_t)gsl_rng_uniform_int(r, (unsigned long)(64 - o));
		uint64_t m = (n == 64 ? ~0ULL : ((1ULL << n) - 1)) << o;
		enum sim_miss want = count[b] && (umask[b] & m) ? MISS_BUSY : MISS_CONFLICT;
		enum sim_miss got = cls(e, b * 64 + o, n, CTE_READ_INVALID);
		if (got != want)
			fail_msg("step %d: block %llu offsets %llu+%u: %s, expected %s", step,
				 (unsigned long long)b, (unsigned long long)o, n, sim_miss_name(got),
				 sim_miss_name(want));
	}
	for (unsigned k = 0; k < NIO; k++)
		if (live[k])
			explain_io_end(e, &ios[k]);
	assert_int_equal(explain_in_flight(e), 0);
	explain_free(e);
	gsl_rng_free(r);
}

/*
 * A cold md5sum of a 2 MiB file (128 KiB reads) then a dd of it (1 MiB reads)
 * right after, three times, in blocks of 128 KiB: 16 blocks, which fit one metadirectory's 16
 * slots, so no placement and no associativity can lose one; a fully associative LRU of the
 * same capacity would hold them all too. Every read miss after the first of each block is a
 * re-read that overtook the fill of an earlier miss. Under every device model, fast or slow,
 * conflict must be 0 (it was READ_INVALID exactly with the ssd and hdd models) and assoc 1 and
 * 4 must decide alike.
 */
static void seq_reread_trace(struct simtest *s)
{
	uint64_t t = 0, base = 2048;

	for (int rep = 0; rep < 3; rep++) {
		for (int i = 0; i < 16; i++, t += 200000)
			st_q(s, t, "R", base + (uint64_t)i * 256, 256);
		t += 1000000;
		for (int i = 0; i < 2; i++, t += 500000)
			st_q(s, t, "R", base + (uint64_t)i * 2048, 2048);
		t += 2000000;
	}
}

static void test_assoc_cannot_matter_no_conflict(void **state)
{
	static const char *const caches[] = {
		"fixed:size=64M,read=10us,write=10us", "fixed:size=64M,read=100us,write=2ms",
		"ssd:preset=sata_slc,size=64M",        "ssd:preset=sata_mlc,size=64M",
		"ssd:preset=nvme_tlc,size=64M",
	};
	static const char *const targets[] = {
		"fixed:size=1G,read=100us,write=100us", "fixed:size=1G,read=5ms,write=5ms",
		"hdd:preset=sata7200,size=1G",          "hdd:preset=sas15k,size=1G",
		"hdd:preset=laptop5400,size=1G",
	};
	static const char *const modes[] = {"writethrough", "writeback", "readcache"};
	uint64_t busy_total = 0;
	struct simtest *st = *state;
	for (size_t c = 0; c < sizeof(caches) / sizeof(caches[0]); c++)
		for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++)
			for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
				uint64_t out1[SSD_OUT_NR], miss1[MISS_NR];
				for (int assoc = 1; assoc <= 4; assoc += 3) {
					char table[128];
					snprintf(table, sizeof(table), "blocksize 256 assoc %d %s", assoc,
						 modes[m]);
					st_init(st, 64 << 20, 0, 0, 0, 0, table);
					snprintf(st->cfg.cache_spec, sizeof(st->cfg.cache_spec), "%s",
						 caches[c]);
					snprintf(st->cfg.target_spec, sizeof(st->cfg.target_spec), "%s",
						 targets[t]);
					seq_reread_trace(st);
					RUN_OK(st);
					const uint64_t *x = st->res.miss;
					uint64_t misses = 0;
					for (int k = 0; k < MISS_NR; k++)
						misses += x[k];
					if (x[MISS_CONFLICT])
						fail_msg("%s / %s / %s: %llu conflict misses (busy %llu, "
							 "READ_INVALID %llu)",
							 caches[c], targets[t], table,
							 (unsigned long long)x[MISS_CONFLICT],
							 (unsigned long long)x[MISS_BUSY],
							 (unsigned long long)st->res.outcome_count[CTE_READ_INVALID]);
					assert_int_equal(x[MISS_COMPULSORY], 16);
					assert_int_equal(x[MISS_CAPACITY], 0);
					/* every read piece that did not hit is explained once */
					assert_int_equal(misses, st->res.counters.read_invalid +
									 st->res.counters.read_miss +
									 st->res.outcome_count[CTE_READ_BUSY]);
					busy_total += x[MISS_BUSY];
					if (assoc == 1) {
						memcpy(out1, st->res.outcome_count, sizeof(out1));
						memcpy(miss1, x, sizeof(miss1));
					} else {
						assert_memory_equal(out1, st->res.outcome_count, sizeof(out1));
						assert_memory_equal(miss1, x, sizeof(miss1));
					}
				}
			}
	print_message("busy misses over all cases: %llu\n", (unsigned long long)busy_total);
	assert_true(busy_total > 0); /* the re-reads did overtake fills */
}

/*
 * The shadows against a plain model (a seen array and an LRU kept as an array in recency
 * order): random accesses, with locality and without, over a few hundred blocks, at small
 * capacities (many evictions: backward-shift deletions inside probe runs, relinking of moved
 * entries) and through the growth of both tables. Every classification must agree. With wide,
 * a third of the blocks are numbered from 2^40 (the table of blocks beyond 32 bits); with
 * pos_limit, ring positions are rebased every few thousand accesses.
 */
static void shadow_vs_model(uint64_t capacity, uint64_t nblocks, unsigned long seed, int steps,
			    uint64_t pos_limit, int wide)
{
	static uint64_t lru[4096];
	static unsigned char seen[1 << 16];
	uint64_t used = 0;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct explain *e = explain_new(capacity, 8);

	if (pos_limit)
		explain_set_pos_limit(e, pos_limit);
	gsl_rng_set(r, seed);
	memset(seen, 0, sizeof(seen));
	for (int step = 0; step < steps; step++) {
		/* half the time near the last block (locality), else anywhere; spread over a wide
		 * address range so that seen-set words hold one block or many */
		uint64_t b = gsl_rng_uniform_int(r, (unsigned long)nblocks), pos = used, k;
		uint64_t addr = ((b & 1) ? b * 977 : b) + (wide && b % 3 == 0 ? 1ULL << 40 : 0);
		enum sim_miss want, got;
		for (k = 0; k < used; k++)
			if (lru[k] == addr) {
				pos = k;
				break;
			}
		want = !seen[b] ? MISS_COMPULSORY : pos < used ? MISS_CONFLICT : MISS_CAPACITY;
		seen[b] = 1;
		if (pos == used) { /* not in the model LRU: insert at the front, dropping the tail */
			if (used == capacity)
				used--;
			pos = used++;
		}
		memmove(&lru[1], &lru[0], pos * sizeof(lru[0]));
		lru[0] = addr;
		got = cls(e, addr * 8, 8, CTE_READ_MISS);
		if (got != want)
			fail_msg("capacity %llu, step %d, block %llu: %s, model %s",
				 (unsigned long long)capacity, step, (unsigned long long)addr,
				 sim_miss_name(got), sim_miss_name(want));
	}
	assert_false(explain_failed(e));
	explain_free(e);
	gsl_rng_free(r);
}

/*
 * The LRU against the same plain model on a stream in phases of 4000 accesses, each drawing
 * from its own hot set of blocks: far smaller than the capacity (nearly all hits, nothing
 * evicted for long: the lazy ring fills with superseded entries and must compact), just under,
 * at and just over it (a cyclic-like scan: every access moves the LRU's boundary), and far over
 * it (evictions every access, ring growth). Hot sets overlap the previous phase's half of the
 * time, so blocks leave and come back. Every access's classification must agree.
 */
static void lru_vs_model_phased(uint64_t capacity, unsigned long seed, int steps,
				uint64_t pos_limit)
{
	static uint64_t lru[4200];
	static unsigned char seen[1 << 20];
	uint64_t used = 0, base = 0, hot = 1;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct explain *e = explain_new(capacity, 8);

	assert_true(capacity < 4096);
	if (pos_limit)
		explain_set_pos_limit(e, pos_limit);
	gsl_rng_set(r, seed);
	memset(seen, 0, sizeof(seen));
	for (int step = 0; step < steps; step++) {
		if (step % 4000 == 0) {
			static const unsigned num[] = {1, 1, 7, 8, 8, 24}, den[] = {8, 1, 8, 8, 7, 8};
			unsigned k = (unsigned)gsl_rng_uniform_int(r, 6);
			hot = capacity * num[k] / den[k] + (k == 1 ? 1 : 0);
			hot = hot ? hot : 1;
			base = gsl_rng_uniform_int(r, 2) ? base + hot / 2 : gsl_rng_uniform_int(r, 1 << 19);
		}
		uint64_t b = (base + gsl_rng_uniform_int(r, (unsigned long)hot)) & ((1 << 20) - 1);
		uint64_t pos = used, k;
		enum sim_miss want, got;
		for (k = 0; k < used; k++)
			if (lru[k] == b) {
				pos = k;
				break;
			}
		want = !seen[b] ? MISS_COMPULSORY : pos < used ? MISS_CONFLICT : MISS_CAPACITY;
		seen[b] = 1;
		if (pos == used) {
			if (used == capacity)
				used--;
			pos = used++;
		}
		memmove(&lru[1], &lru[0], pos * sizeof(lru[0]));
		lru[0] = b;
		got = cls(e, b * 8, 8, CTE_READ_MISS);
		if (got != want)
			fail_msg("capacity %llu, step %d, block %llu (hot set %llu): %s, model %s",
				 (unsigned long long)capacity, step, (unsigned long long)b,
				 (unsigned long long)hot, sim_miss_name(got), sim_miss_name(want));
	}
	assert_false(explain_failed(e));
	explain_free(e);
	gsl_rng_free(r);
}

static void test_shadows_match_a_model(void **state)
{
	(void)state;
	shadow_vs_model(1, 50, 1, 20000, 0, 0);
	shadow_vs_model(7, 60, 2, 50000, 0, 0);
	shadow_vs_model(100, 400, 3, 100000, 0, 0);
	shadow_vs_model(3000, 20000, 4, 100000, 0, 0); /* both tables grow past 1024 entries */
	shadow_vs_model(7, 60, 12, 50000, 0, 1);
	shadow_vs_model(3000, 20000, 14, 100000, 0, 1); /* the wide table grows too */
	shadow_vs_model(1, 50, 21, 20000, 4096, 0);      /* rebases */
	shadow_vs_model(100, 400, 23, 100000, 5000, 1);
	shadow_vs_model(3000, 20000, 24, 100000, 100000, 1);
	lru_vs_model_phased(1, 5, 40000, 0);
	lru_vs_model_phased(2, 6, 40000, 0);
	lru_vs_model_phased(33, 7, 200000, 0);
	lru_vs_model_phased(1000, 8, 400000, 0);
	lru_vs_model_phased(4000, 9, 400000, 0);
	lru_vs_model_phased(33, 17, 200000, 4096); /* rebases, hits on both sides of each */
	lru_vs_model_phased(1000, 18, 400000, 1 << 15);
	lru_vs_model_phased(4000, 19, 400000, 1 << 17);
}

/*
 * The deferred settle: the same random stream of reads and writes through an explanation
 * settled at once (cls, touch) and one left to its queue, whose pieces are classified and
 * freed at random later times (before their access is settled, or after), with fills in
 * flight over a few accesses. The counts must agree, and a token freed before it was settled
 * is never written to.
 */
static void test_deferred_settle_matches(void **state)
{
	enum { LIVE = 40 };
	struct {
		unsigned token;
		bool read;
		enum cte_match_t out;
		uint32_t fill;
		uint64_t sector;
	} live[LIVE];
	uint64_t want[MISS_NR] = { 0 }, got[MISS_NR] = { 0 };
	const enum cte_match_t outs[] = { CTE_READ_MISS, CTE_READ_INVALID, CTE_READ_CLEAN,
					  CTE_READ_BUSY, CTE_WRITE_SKIP };
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct explain *now = explain_new(50, 8), *later = explain_new(50, 8);
	uint32_t fill_now[LIVE] = { 0 };
	(void)state;
	gsl_rng_set(r, 77);
	memset(live, 0, sizeof(live));
	for (int i = 0; i < LIVE; i++)
		live[i].token = 0xdead0000u; /* free */
	for (int step = 0; step < 200000; step++) {
		int i = (int)gsl_rng_uniform_int(r, LIVE);
		/* slot i's piece (if any) is done: classified (reads), its fill ended, then freed */
		if (live[i].sector) {
			if (live[i].read)
				explain_classify(later, &live[i].token, live[i].out, got);
			explain_io_end(later, &live[i].fill);
			explain_settle(later, &live[i].token);
			live[i].token = 0xdead0000u; /* reused memory: must stay as it is */
			live[i].sector = 0;
		}
		explain_io_end(now, &fill_now[i]);
		/* a new piece in slot i: the same access to both */
		uint64_t b = gsl_rng_uniform_int(r, 400) + 1, sector = b * 8;
		bool read = gsl_rng_uniform(r) < 0.7;
		enum cte_match_t out = outs[gsl_rng_uniform_int(r, 5)];
		if (read) {
			enum sim_miss m = cls(now, sector, 8, out);
			if (m != MISS_NR)
				want[m]++;
		} else {
			touch(now, sector, 8);
		}
		live[i].token = 0;
		explain_access(later, &live[i].token, sector, 8);
		assert_true(live[i].token != 0xdead0000u);
		live[i].read = read;
		live[i].out = out;
		live[i].sector = sector;
		if (gsl_rng_uniform(r) < 0.3) { /* its fill (or write) in flight until it is freed */
			explain_io_start(now, &fill_now[i], sector, 8);
			explain_io_start(later, &live[i].fill, sector, 8);
		}
		for (int j = 0; j < LIVE; j++)
			assert_true(live[j].token == 0xdead0000u || live[j].sector);
	}
	for (int i = 0; i < LIVE; i++)
		if (live[i].sector && live[i].read)
			explain_classify(later, &live[i].token, live[i].out, got);
	explain_drain(later);
	for (int m = 0; m < MISS_NR; m++)
		assert_int_equal(got[m], want[m]);
	assert_true(want[MISS_CONFLICT] && want[MISS_CAPACITY] && want[MISS_BUSY]);
	explain_free(now);
	explain_free(later);
	gsl_rng_free(r);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_three_c), cmocka_unit_test(test_growth_keeps_order),
	  cmocka_unit_test(test_shadows_match_a_model), cmocka_unit_test(test_in_flight_is_busy),
	  cmocka_unit_test(test_deferred_settle_matches),
	  cmocka_unit_test(test_in_flight_maps_match_a_model),
	  ST_TEST(test_assoc_cannot_matter_no_conflict))
