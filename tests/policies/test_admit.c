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

static void finish(struct simtest *st)
{
	st_fini(st);
	free(st);
}

/* nhit:2: the first miss of a block is counted, the second allocates, then it hits. In seed
 * mode too (the missing cmd's path: the cmd is not even created for a refused miss). */
static void test_nhit(void **state)
{
	(void)state;
	for (int fixed = 0; fixed < 2; fixed++) {
		struct simtest *st = setup(fixed, "nhit:2");
		st_q(st, MS(0), "R", 800, 8);
		st_q(st, MS(10), "R", 808, 8);
		st_q(st, MS(20), "R", 800, 8);
		st_q(st, MS(30), "R", 800, 8);
		st_q(st, MS(40), "R", 808, 8);
		RUN_OK(st);
		OUTCOMES(st, "WRITE_SKIP WRITE_SKIP READ_MISS READ_CLEAN READ_MISS");
		assert_int_equal(st->res.counters.not_admitted, 2);
		finish(st);
	}
	/* without the rule, the seed allocates at once */
	struct simtest *st = setup(false, NULL);
	st_q(st, MS(0), "R", 800, 8);
	st_q(st, MS(10), "R", 800, 8);
	RUN_OK(st);
	OUTCOMES(st, "READ_MISS READ_CLEAN");
	assert_int_equal(st->res.counters.not_admitted, 0);
	finish(st);
}

/* size:4K: the pieces of an 8 KiB request bypass; a 4 KiB request allocates. */
static void test_size(void **state)
{
	struct simtest *st = setup(true, "size:4K");

	(void)state;
	st_q(st, MS(0), "R", 0, 16);
	st_q(st, MS(10), "R", 80, 8);
	st_q(st, MS(20), "R", 0, 8);
	RUN_OK(st);
	OUTCOMES(st, "WRITE_SKIP WRITE_SKIP READ_MISS READ_MISS");
	assert_int_equal(st->res.counters.not_admitted, 2);
	finish(st);
}

/* seqcut:8K: a stream of 4 KiB requests allocates its first 8 KiB, then bypasses; another
 * stream starts from zero; the first stream, resumed where it ended, is still past the cutoff. */
static void test_seqcut(void **state)
{
	struct simtest *st = setup(true, "seqcut:8K");

	(void)state;
	for (int b = 0; b < 4; b++)
		st_q(st, MS(10 * b), "R", (uint64_t)b * 8, 8);
	st_q(st, MS(40), "R", 400, 8);
	st_q(st, MS(50), "R", 408, 8);
	st_q(st, MS(60), "R", 32, 8);
	RUN_OK(st);
	OUTCOMES(st, "READ_MISS READ_MISS WRITE_SKIP WRITE_SKIP READ_MISS READ_MISS WRITE_SKIP");
	finish(st);
}

/* Rules combine: every one must admit, and each sees every miss (nhit counts the misses that
 * size refused). */
static void test_combined(void **state)
{
	struct simtest *st = setup(true, "size:4K,nhit:2");

	(void)state;
	st_q(st, MS(0), "R", 160, 16); /* two pieces: size refuses, nhit counts 1 each */
	st_q(st, MS(10), "R", 160, 8); /* nhit's 2nd miss of block 20: admitted */
	st_q(st, MS(20), "R", 200, 8); /* first miss of block 25 */
	RUN_OK(st);
	OUTCOMES(st, "WRITE_SKIP WRITE_SKIP READ_MISS WRITE_SKIP");
	finish(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),	 cmocka_unit_test(test_nhit),
		cmocka_unit_test(test_size),	 cmocka_unit_test(test_seqcut),
		cmocka_unit_test(test_combined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
