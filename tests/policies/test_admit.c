// SPDX-License-Identifier: GPL-2.0
/* test_admit.c - the admission rules: parsing, and their decisions on small traces (nhit, seqcut, size). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "policies/policy.h"
#include "tests/lib/cm_main.h"
#include "tests/lib/simtest.h"

static void test_parse(void **state)
{
	struct pol_admit_list l;
	char err[256], buf[256];

	(void)state;
	assert_int_equal(pol_admit_parse("nhit:2,seqcut,size:64K", &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(pol_admit_format(&l, buf, sizeof(buf)), "nhit:2,seqcut:4194304,size:65536");
	assert_int_equal(pol_admit_parse("seqcut:1M", &l, err, sizeof(err)), 0);
	assert_int_equal(l.rule[0].value, 1 << 20);
	assert_int_not_equal(pol_admit_parse("nhit", &l, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "nhit:N"));
	assert_int_not_equal(pol_admit_parse("nhit:0", &l, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "bad N '0'"));
	assert_int_not_equal(pol_admit_parse("bogus:3", &l, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "unknown rule 'bogus'"));
	assert_int_not_equal(pol_admit_parse("size:4Q", &l, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "bad SIZE '4Q'"));
	assert_int_not_equal(pol_admit_parse("size", &l, err, sizeof(err)), 0);
	assert_int_not_equal(pol_admit_parse("nhit:2,nhit:3", &l, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "twice"));
	assert_int_not_equal(pol_admit_parse("", &l, err, sizeof(err)), 0);
}

/* A 64 KiB cache of 4 KiB blocks, zero-latency devices, reads 10 ms apart. */
static struct simtest *setup(bool fixed, const char *admit)
{
	struct simtest *st = calloc(1, sizeof(*st));
	char err[256];

	st_init(st, 64 << 10, 0, 0, 0, 0, NULL);
	if (fixed)
		st->cfg.engine.fixed = quirks_all_fixes();
	assert_int_equal(st_table(st, "blocksize 8 assoc 1 writethrough"), 0);
	if (admit && pol_admit_parse(admit, &st->cfg.engine.options.admit, err, sizeof(err)))
		fail_msg("%s", err);
	return st;
}

/* One scenario: reads (ms, sector, sectors) under a rule, and what the engine must decide. */
struct admit_case {
	const char *rule; /* NULL: no rule */
	bool fixed;
	struct {
		unsigned ms;
		uint64_t sector;
		uint32_t nsect;
	} q[8];
	unsigned n;
	const char *outcomes;
	int not_admitted; /* -1: not checked */
};

static void run_case(const struct admit_case *c)
{
	struct simtest *st = setup(c->fixed, c->rule);

	for (unsigned i = 0; i < c->n; i++)
		st_q(st, MS(c->q[i].ms), "R", c->q[i].sector, c->q[i].nsect);
	RUN_OK(st);
	OUTCOMES(st, c->outcomes);
	if (c->not_admitted >= 0)
		assert_int_equal(st->res.counters.not_admitted, (uint64_t)c->not_admitted);
	st_fini(st);
	free(st);
}

static void run_cases(const struct admit_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_case(&c[i]);
}

/* nhit:2: the first miss of a block is counted, the second allocates, then it hits. In seed
 * mode too (the missing cmd's path: the cmd is not even created for a refused miss). Without
 * the rule, the seed allocates at once. */
static void test_nhit(void **state)
{
	static const struct admit_case c[] = {
		{"nhit:2", false, {{0, 800, 8}, {10, 808, 8}, {20, 800, 8}, {30, 800, 8}, {40, 808, 8}},
		 5, "WRITE_SKIP WRITE_SKIP READ_MISS READ_CLEAN READ_MISS", 2},
		{"nhit:2", true, {{0, 800, 8}, {10, 808, 8}, {20, 800, 8}, {30, 800, 8}, {40, 808, 8}},
		 5, "WRITE_SKIP WRITE_SKIP READ_MISS READ_CLEAN READ_MISS", 2},
		{NULL, false, {{0, 800, 8}, {10, 800, 8}}, 2, "READ_MISS READ_CLEAN", 0},
	};

	(void)state;
	run_cases(c, sizeof(c) / sizeof(c[0]));
}

/* size:4K: the pieces of an 8 KiB request bypass; a 4 KiB request allocates. */
static void test_size(void **state)
{
	static const struct admit_case c = {"size:4K", true, {{0, 0, 16}, {10, 80, 8}, {20, 0, 8}}, 3,
					    "WRITE_SKIP WRITE_SKIP READ_MISS READ_MISS", 2};

	(void)state;
	run_case(&c);
}

/* seqcut:8K: a stream of 4 KiB requests allocates its first 8 KiB, then bypasses; another
 * stream starts from zero; the first stream, resumed where it ended, is still past the cutoff. */
static void test_seqcut(void **state)
{
	static const struct admit_case c = {
		"seqcut:8K", true,
		{{0, 0, 8}, {10, 8, 8}, {20, 16, 8}, {30, 24, 8}, {40, 400, 8}, {50, 408, 8}, {60, 32, 8}},
		7, "READ_MISS READ_MISS WRITE_SKIP WRITE_SKIP READ_MISS READ_MISS WRITE_SKIP", -1};

	(void)state;
	run_case(&c);
}

/* Rules combine: every one must admit, and each sees every miss (nhit counts the misses that
 * size refused): two pieces of block 20 that size refuses (nhit counts 1 each), nhit's second
 * miss of block 20 (admitted), the first miss of block 25. */
static void test_combined(void **state)
{
	static const struct admit_case c = {"size:4K,nhit:2", true,
					    {{0, 160, 16}, {10, 160, 8}, {20, 200, 8}}, 3,
					    "WRITE_SKIP WRITE_SKIP READ_MISS WRITE_SKIP", -1};

	(void)state;
	run_case(&c);
}

CM_MAIN(UT(test_parse), UT(test_nhit), UT(test_size), UT(test_seqcut), UT(test_combined));
