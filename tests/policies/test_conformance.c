// SPDX-License-Identifier: GPL-2.0
/* test_conformance.c - every registered policy and admission rule: the interface contract, and hand-derived victims on small traces. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "engine/engine.h"
#include "policies/policy.h"
#include "tests/lib/cm_main.h"
#include "tests/lib/simtest.h"

/*
 * The trace (one cmd of 16 slots: a 64 KiB cache of 4 KiB blocks, assoc 1, --quirks fixed so
 * that reads evict (Q1), keys count user accesses (Q6) and one probe is made (Q2); zero-latency
 * devices, so every fill is done before the next request; 10 ms apart, HZ 250, so every
 * access has its own jiffy):
 *   blocks 0..15 fill slots 0..15; hits on blocks 1..15 (not 0);
 *   A = miss of block 16; a hit on block 2; B = miss of block 17; C = miss of block 18;
 *   then a tail that only opt looks at: 16, 17, 1, 2, ..., 15.
 * Derivation of the victims (slot indexes) of A, B, C:
 *   lru    oldest atime.  A: slot 0 (block 0, never hit).  B: slot 1 (hit at 160 ms, the
 *          oldest now).  C: slot 3 (slot 2 was hit again before B; slot 1 holds 17).
 *   lfu    lowest count, ties to the highest slot.  A: slot 0 (count 1, all others 2).
 *          B: slot 0 (block 16, count 1).  C: slot 0 (block 17, count 1).
 *   fifo   oldest insertion.  A: slot 0, B: slot 1, C: slot 2.
 *   clock  hand at 0; hits set the bits of 1..15.  A: slot 0 (bit clear), hand -> 1.  The hit
 *          on 2 keeps its bit.  B: the hand clears 1..15 and comes round to slot 0 (block 16
 *          was inserted with a clear bit): slot 0, hand -> 1.  C: slot 1 (now clear).
 *   srrip  fill: all 2; hits: 1..15 -> 0.  A: max 2 (slot 0), all age by 1: slot 0 at 3 ->
 *          slot 0; 16 goes in at 2.  The hit on 2 -> 0.  B: slot 0 at 2 is the max; all age
 *          by 1 -> slot 0 (3); 17 in at 2, the others at 1 (slot 2 at 0... aged to 1).
 *          C: slot 0 (2) is again the max: slot 0.
 *   opt    A: block 0 is never used again: slot 0.  B: next uses are 16 (tail 1st), 1..15
 *          (tail 3rd..17th): block 15 is farthest: slot 15.  C: slot 15 holds 17 (tail 2nd);
 *          block 14 (tail 16th) is farthest: slot 14.
 *   mru    newest atime, ties to the highest slot.  A: slot 15 (block 15, hit last).  B: slot
 *          2 (the hit on block 2 came after A).  C: slot 2 (block 17, placed by B, newest).
 *   random the draws of GSL's mt19937 seeded with 7 (the run's --seed), over 16 candidates.
 */
struct expect {
	const char *name;
	int a, b, c;
};

static const struct expect victims[] = {
	{"lru", 0, 1, 3},   {"lfu", 0, 0, 0},   {"fifo", 0, 1, 2}, {"clock", 0, 0, 1},
	{"srrip", 0, 0, 0}, {"opt", 0, 15, 14}, {"mru", 15, 2, 2},
	{"random", -1, -1, -1},
};

static uint64_t t_ms;

static void rd(struct simtest *st, uint64_t block)
{
	st_q(st, MS(t_ms), "R", block * 8, 8);
	t_ms += 10;
}

/* Build the trace above; returns the decision-log lines of A, B and C. */
static void build(struct simtest *st, unsigned *la, unsigned *lb, unsigned *lc)
{
	unsigned n = 0;

	t_ms = 0;
	for (int b = 0; b < 16; b++, n++)
		rd(st, (uint64_t)b);
	for (int b = 1; b < 16; b++, n++)
		rd(st, (uint64_t)b);
	*la = n++;
	rd(st, 16);
	rd(st, 2), n++;
	*lb = n++;
	rd(st, 17);
	*lc = n++;
	rd(st, 18);
	rd(st, 16);
	rd(st, 17);
	for (int b = 1; b < 16; b++)
		rd(st, (uint64_t)b);
}

/* The slot (idx column) of decision-log line n, and its outcome. */
static int slot_of(const struct simtest *st, unsigned n, char *outcome)
{
	char line[256];
	unsigned long long seq, sector, nsect, done;
	char op;
	long hash, idx;

	st_log_line(st, n, line, sizeof(line));
	if (sscanf(line, "%llu %c %llu %llu %31s %ld %ld %llu", &seq, &op, &sector, &nsect, outcome, &hash,
		   &idx, &done) != 8)
		fail_msg("bad log line %u: '%s'", n, line);
	return (int)idx;
}

static const struct expect *expect_for(const char *name)
{
	for (size_t i = 0; i < sizeof(victims) / sizeof(victims[0]); i++)
		if (!strcmp(victims[i].name, name))
			return &victims[i];
	return NULL;
}

static void test_victims_every_policy(void **state)
{
	(void)state;
	for (int i = 0; pol_registry[i]; i++) {
		const struct pol_ops *p = pol_registry[i];
		const struct expect *e = expect_for(p->name);
		struct simtest *st = calloc(1, sizeof(*st));
		unsigned la, lb, lc;
		char oa[32], ob[32], oc[32];
		int want[3];

		if (!e)
			fail_msg("policy %s has no hand-derived victims in this test", p->name);
		st_init(st, 64 << 10, 0, 0, 0, 0, NULL);
		st->cfg.engine.fixed = quirks_all_fixes();
		assert_int_equal(st_table(st, "blocksize 8 assoc 1 writethrough"), 0);
		st->cfg.engine.policy = p;
		st->cfg.engine.seed = 7;
		build(st, &la, &lb, &lc);
		RUN_OK(st);
		want[0] = e->a, want[1] = e->b, want[2] = e->c;
		if (want[0] < 0) { /* random: the generator's own draws */
			gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
			gsl_rng_set(r, 7);
			for (int k = 0; k < 3; k++)
				want[k] = (int)gsl_rng_uniform_int(r, 16);
			gsl_rng_free(r);
		}
		int got[3] = {slot_of(st, la, oa), slot_of(st, lb, ob), slot_of(st, lc, oc)};
		if (strcmp(oa, "READ_MISS") || strcmp(ob, "READ_MISS") || strcmp(oc, "READ_MISS"))
			fail_msg("%s: A, B, C should be misses: %s %s %s\n%s", p->name, oa, ob, oc, st->log);
		for (int k = 0; k < 3; k++)
			if (got[k] != want[k])
				fail_msg("%s: victim %c in slot %d, expected %d\n%s", p->name, 'A' + k, got[k],
					 want[k], st->log);
		assert_true(st->res.counters.cache_evictions >= 3);
		st_fini(st);
		free(st);
	}
}

/* The contract every registry entry must meet: ABI, a name the registry finds, help, a
 * victim hook that returns an index in range for any candidate set, init/destroy paired. */
static void test_contract(void **state)
{
	(void)state;
	for (int i = 0; pol_registry[i]; i++) {
		const struct pol_ops *p = pol_registry[i];
		struct pol pl = {p, calloc(1, p->priv_size ? p->priv_size : 1)};
		char err[256] = "";

		assert_int_equal(p->abi, POL_ABI);
		assert_ptr_equal(pol_find(p->name), p);
		assert_non_null(p->help);
		assert_non_null(p->victim);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(pol_registry[j]->name, p->name);
		struct pol_init_args a = {.nr_slots = 64, .block_size = 8, .seed = 1, .oracle = NULL};
		if (p->flags & POL_NEEDS_ORACLE) {
			/* without the host's oracle, init refuses with a message (opt under replay) */
			assert_non_null(p->init);
			assert_int_not_equal(p->init(&pl, &a, err, sizeof(err)), 0);
			assert_true(strlen(err) > 0);
			free(pl.priv);
			continue;
		}
		if (p->init)
			assert_int_equal(p->init(&pl, &a, err, sizeof(err)), 0);
		pol_slot slot[16];
		unsigned long atime[16], count[16];
		struct pol_access acc = {.now = 100};
		for (unsigned k = 0; k < 16; k++) {
			slot[k] = 16 + k; /* cmd 1 */
			atime[k] = 50 + (k * 7) % 16;
			count[k] = 1 + (k * 5) % 4;
			acc.block = k;
			if (p->on_insert)
				p->on_insert(&pl, slot[k], &acc);
			if (k % 3 == 0 && p->on_hit)
				p->on_hit(&pl, slot[k], &acc);
		}
		for (unsigned n = 1; n <= 16; n++)
			for (int rep = 0; rep < 5; rep++) {
				struct pol_cands c = {n, 100, slot, atime, count};
				int v = p->victim(&pl, &c, &acc);
				assert_true(v >= 0 && v < (int)n);
				if (p->on_evict)
					p->on_evict(&pl, slot[v]);
				if (p->on_insert)
					p->on_insert(&pl, slot[v], &acc);
			}
		if (p->destroy)
			p->destroy(&pl);
		free(pl.priv);
	}
}

/* victim_groups (optional) chooses what victim chooses from the same candidates copied into
 * arrays: random groups (full and partial masks, up to 65 probes), keys with many ties, and
 * atimes in the future, far in the past or 2^32 back (the vector scans' fallbacks), with the vector scan
 * (init as is) and without it (SSDCACHE_SCAN=scalar). */
static void test_victim_groups_same(void **state)
{
	(void)state;
	for (int i = 0; pol_registry[i]; i++) {
		const struct pol_ops *p = pol_registry[i];

		if (!p->victim_groups)
			continue;
		for (int scalar = 0; scalar < 2; scalar++) {
			struct pol pl = {p, calloc(1, p->priv_size ? p->priv_size : 1)};
			struct pol_init_args a = {.nr_slots = 65 * 16, .block_size = 8, .seed = 1};
			char err[256] = "";
			uint64_t rnd = 12345;

			if (scalar)
				setenv("SSDCACHE_SCAN", "scalar", 1);
			if (p->init)
				assert_int_equal(p->init(&pl, &a, err, sizeof(err)), 0);
			unsetenv("SSDCACHE_SCAN");
			for (int rep = 0; rep < 20000; rep++) {
				static unsigned long atime[65][16] __attribute__((aligned(64)));
				static unsigned long count[65][16] __attribute__((aligned(64)));
				struct pol_group g[65];
				pol_slot slot[65 * 16];
				unsigned long fa[65 * 16], fc[65 * 16];
				unsigned ng, nc = 0;
				unsigned long now;

#define RND() (rnd = rnd * 6364136223846793005ULL + 1442695040888963407ULL, rnd >> 33)
				ng = rep % 7 == 0 ? 1 + RND() % 65 : 1 + RND() % 5;
				now = rep % 5 == 0 ? RND() : 1000 + RND() % 50;
				for (unsigned k = 0; k < ng; k++) {
					unsigned mask = RND() % 3 == 0 ? 0xffffu : (unsigned)(RND() & 0xffffu);
					if (!mask)
						mask = 1u << (RND() % 16);
					for (unsigned j = 0; j < 16; j++) {
						unsigned r = (unsigned)(RND() % 100);
						atime[k][j] = r < 2 ? now + 1 + RND() % 3 :   /* the future */
							      r < 4 ? now - (1UL << 52) - RND() % 5 : /* far past */
							      /* ages around 2^32 (lru's 32-bit scan and its fallback) */
							      r < 6 && rep % 3 == 0 ? now - (1UL << 32) + 2 - RND() % 5 :
							      r < 7 ? now : now - RND() % 8;
						count[k][j] = RND() % 4;
					}
					g[k] = (struct pol_group){atime[k], count[k], (pol_slot)(k * 16), (uint16_t)mask};
					for (unsigned m = mask; m; m &= m - 1) {
						unsigned j = (unsigned)__builtin_ctz(m);
						slot[nc] = k * 16 + j;
						fa[nc] = atime[k][j];
						fc[nc] = count[k][j];
						nc++;
					}
				}
#undef RND
				struct pol_access acc = {.now = now};
				struct pol_cands c = {nc, now, slot, fa, fc};
				struct pol_groups gs = {ng, now, g};
				int v = p->victim(&pl, &c, &acc);
				long want = v < 0 ? -1 : (long)slot[v];
				long got = p->victim_groups(&pl, &gs, &acc);
				if (got != want)
					fail_msg("%s (%s): rep %d, %u groups: victim_groups %ld, victim %ld", p->name,
						 scalar ? "scalar" : "vector", rep, ng, got, want);
			}
			if (p->destroy)
				p->destroy(&pl);
			free(pl.priv);
		}
	}
}

static unsigned long zero_jiffies(void *host)
{
	(void)host;
	return 0;
}

static int old_victim(struct pol *p, const struct pol_cands *c, const struct pol_access *a)
{
	(void)p, (void)c, (void)a;
	return 0;
}

/* The ABI number is checked when the engine is built (ssdcache_ctr). */
static void test_abi_checked(void **state)
{
	static const struct ssdcache_host_ops ops = {.jiffies = zero_jiffies};
	const struct pol_ops old = {.name = "old", .abi = 1, .victim = old_victim};
	struct ssdcache_wq *wq = ssdcache_wq_create(&ops, NULL);
	struct ssdcache_config cfg;
	struct ssdcache_ctx *sc = NULL;
	char err[256] = "";

	(void)state;
	ssdcache_config_init(&cfg);
	cfg.policy = &old;
	assert_int_equal(ssdcache_ctr(&cfg, 64ULL << 20, wq, &sc, err, sizeof(err)), -22);
	assert_null(sc);
	assert_non_null(strstr(err, "interface version 1"));
	/* opt without an oracle: refused at construction, with the policy's message */
	cfg.policy = pol_find("opt");
	assert_int_not_equal(ssdcache_ctr(&cfg, 64ULL << 20, wq, &sc, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "oracle"));
	ssdcache_wq_destroy(wq);
}

/* The table parser takes every registered name (an extension: the seed knows lru and lfu),
 * and the TABLE status line prints a non-default policy as the seed prints lru. */
static void test_table_names(void **state)
{
	static const struct ssdcache_host_ops ops = {.jiffies = zero_jiffies};
	(void)state;
	for (int i = 0; pol_registry[i]; i++) {
		struct ssdcache_config cfg;
		struct ssdcache_wq *wq = ssdcache_wq_create(&ops, NULL);
		struct ssdcache_ctx *sc;
		char table[128], err[256], line[512], want[512];

		ssdcache_config_init(&cfg);
		snprintf(table, sizeof(table), "blocksize 8 options 1 %s", pol_registry[i]->name);
		assert_int_equal(ssdcache_parse_table(&cfg, table, err, sizeof(err), NULL, NULL), 0);
		assert_ptr_equal(cfg.policy, pol_registry[i]);
		if (pol_registry[i]->flags & POL_NEEDS_ORACLE) {
			ssdcache_wq_destroy(wq);
			continue;
		}
		assert_int_equal(ssdcache_ctr(&cfg, 64ULL << 20, wq, &sc, err, sizeof(err)), 0);
		ssdcache_status(sc, STATUSTYPE_TABLE, line, sizeof(line), "t", "c");
		if (!strcmp(pol_registry[i]->name, "lfu"))
			snprintf(want, sizeof(want), "t c blocksize 8 writethrough assoc 4");
		else
			snprintf(want, sizeof(want), "t c blocksize 8 writethrough assoc 4 options 1 %s ",
				 pol_registry[i]->name);
		assert_string_equal(line, want);
		ssdcache_dtr(sc);
		ssdcache_wq_destroy(wq);
	}
}

CM_MAIN(UT(test_contract), UT(test_abi_checked), UT(test_table_names),
	UT(test_victims_every_policy), UT(test_victim_groups_same));
