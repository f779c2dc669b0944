// SPDX-License-Identifier: GPL-2.0
/*
 * test_stress_fixed.c - randomized stress of the fixed engine: across modes, options, worker
 * delays and latencies (cache faster or slower than the target), with overlapping reads,
 * writes, flushes and discards on a tiny address space, --quirks fixed must never serve a
 * stale read and every request must complete. The seed, on the same workloads, does go stale
 * (which shows the verifier is awake).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/lib/simtest.h"
#include "tests/lib/test_main.h"


static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, seeded per case */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static unsigned below(unsigned n)
{
	return (unsigned)(rnd() % n);
}

static const char *const option_names[] = {"lru", "queue_busy", "disable_writeback", "skip_write_insert",
					   "evict_on_write", "cmd_preload", "async_lookup"};

/* One random case; returns the stale count. */
static uint64_t one_case(struct simtest *st, uint64_t seed, quirk_set fixed, char *desc,
			 size_t dlen)
{
	static const char *const modes[] = {"writethrough", "writeback", "readcache"};
	static const uint64_t cache_lat[] = {100000, 200000, 6000000};
	static const uint64_t wq[] = {0, 0, 500000, 2000000, 7000000};
	char table[256];
	const char *names[8];
	unsigned nopt = 0;
	uint64_t t = 0;

	rng_state = seed * 0x9E3779B97F4A7C15ULL + 1;
	for (unsigned i = 0; i < sizeof(option_names) / sizeof(option_names[0]); i++)
		if (below(3) == 0 && nopt < 5)
			names[nopt++] = option_names[i];
	int n = snprintf(table, sizeof(table), "blocksize 8 assoc %u %s", 1 + below(2), modes[below(3)]);
	if (nopt) {
		n += snprintf(table + n, sizeof(table) - (size_t)n, " options %u", nopt);
		for (unsigned i = 0; i < nopt; i++)
			n += snprintf(table + n, sizeof(table) - (size_t)n, " %s", names[i]);
	}
	uint64_t c = cache_lat[below(3)];
	/* 32 blocks: two cmds, lots of collisions and evictions */
	st_init(st, 32ULL * 8 * 512, c, c + below(2) * 100000, 5000000, 5000000 + below(2) * 1000000, "");
	st->cfg.engine.fixed = fixed;
	st->cfg.verify = true;
	st->cfg.wq_delay_ns = wq[below(5)];
	if (st_table(st, table))
		fail_msg("bad table '%s': %s", table, st->err);
	snprintf(desc, dlen, "seed %llu: --table \"%s\" --cache-dev %s --target-dev %s --wq-delay %llu",
		 (unsigned long long)seed, table, st->cfg.cache_spec, st->cfg.target_spec,
		 (unsigned long long)st->cfg.wq_delay_ns);
	for (int i = 0; i < 1500; i++) {
		unsigned kind = below(100);
		uint64_t sector = below(48 * 8); /* beyond the cache's 32 blocks: misses too */
		uint32_t len = 1 + below(16);
		t += below(3) ? below(1500000) : below(100000);
		if (kind < 45)
			st_q(st, t, "R", sector, len);
		else if (kind < 92)
			st_q(st, t, below(4) ? "W" : "WS", sector, len);
		else if (kind < 96)
			st_q(st, t, "FWS", 0, 0);
		else if (kind < 98)
			st_q(st, t, "FWFS", sector, len);
		else
			st_q(st, t, "D", sector, len);
	}
	if (st_run(st))
		fail_msg("%s: sim_run: %s", desc, st->err);
	/* every piece completed and was logged: one line per mapped piece */
	unsigned lines = 0;
	for (const char *p = st->log; *p; p++)
		lines += *p == '\n';
	if (lines != st->res.pieces)
		fail_msg("%s: %u log lines for %llu pieces (a request never completed)", desc, lines,
			 (unsigned long long)st->res.pieces);
	return st->res.stale_reads;
}

static void test_fixed_mode_never_stale(void **state)
{
	char desc[1024];
	struct simtest *st = *state;
	/* SSDCACHE_STRESS_SEEDS=N for a longer search (default 300: about a second) */
	const char *env = getenv("SSDCACHE_STRESS_SEEDS");
	uint64_t seeds = env ? strtoull(env, NULL, 10) : 300;
	for (uint64_t seed = 1; seed <= seeds; seed++) {
		uint64_t stale = one_case(st, seed, quirks_all_fixes(), desc, sizeof(desc));
		if (stale) {
			FILE *fp = fopen("/tmp/ssdcache-stress-fail.trace", "w");
			if (fp) {
				fwrite(st->trace, 1, st->len, fp);
				fclose(fp);
			}
			fail_msg("%s: %llu stale reads with --quirks fixed (trace in "
				 "/tmp/ssdcache-stress-fail.trace)\nfirst: %s",
				 desc, (unsigned long long)stale, st->verify);
		}
	}
}

static void test_seed_mode_goes_stale(void **state)
{
	char desc[1024];
	uint64_t total = 0;
	struct simtest *st = *state;
	for (uint64_t seed = 1; seed <= 20; seed++)
		total += one_case(st, seed, 0, desc, sizeof(desc));
	assert_true(total > 0);
}

TEST_MAIN(NULL, NULL, ST_TEST(test_fixed_mode_never_stale), ST_TEST(test_seed_mode_goes_stale))
