// SPDX-License-Identifier: GPL-2.0
/* test_warmup.c - --warmup N|TIME|P%: the statistics count after it, the engine and the status lines do not change. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/warmup.h"
#include "tests/lib/simtest.h"
#include "tests/lib/test_main.h"

/*
 * The baseline run (no warm-up, run once by the group setup) and the run under test. A struct
 * simtest holds its trace and logs in place (about 800 KB): the pair lives on the heap, as the
 * group's cmocka state that every test receives, instead of at file scope.
 */
struct warm_pair {
	struct simtest base, warm;
};

/*
 * Block A (sector 0) is read three times in the first second, with a write of block C
 * between; block B (sector 80000000, far from A for the disk model) is read twice after one second, then A twice. Fixed devices:
 * a cache read 100 us, write 200 us; the target 5 ms; every request is long done before the
 * next one arrives (100 ms later). Whole run: 7 read pieces, 5 hits (A's and B's first reads
 * miss). After a warm-up of the first 4 requests (= 1 s of trace time = 50 % of 8 records):
 * 4 read pieces, 3 hits, 1 compulsory miss (B), 1 target read (B's miss), 1 cache write (B's
 * fill), 3 cache reads, no write.
 */
static void hand_trace(struct simtest *st)
{
	st_init(st, 64ULL << 20, 100000, 200000, 5000000, 5000000, "blocksize 8 assoc 4 writethrough");
	QS(st, "0 R 0+8, 100 R 0+8, 200 W 40000000+8, 300 R 0+8, 1000 R 80000000+8, "
	       "1100 R 80000000+8, 1200 R 0+8, 1300 R 0+8");
}

static void run_with(struct simtest *st, const char *spec)
{
	char err[256];

	hand_trace(st);
	if (spec && sim_warmup_parse(spec, &st->cfg.warmup, err, sizeof(err)))
		fail_msg("%s", err);
	RUN_OK(st);
}

/* The engine and the status lines are the same with or without a warm-up. */
static void assert_status_unchanged(const struct warm_pair *p)
{
	assert_string_equal(p->warm.res.status_info, p->base.res.status_info);
	assert_string_equal(p->warm.res.status_table, p->base.res.status_table);
	assert_memory_equal(&p->warm.res.counters, &p->base.res.counters,
			    sizeof(p->base.res.counters));
	assert_string_equal(p->warm.log, p->base.log); /* every decision, unchanged */
	assert_int_equal(p->warm.res.requests, 8);
	assert_int_equal(p->warm.res.counters.read_clean, 5);
	assert_int_equal(p->warm.res.counters.read_miss, 2);
}

/* The figures after a warm-up of the first 4 requests, derived by hand (hand_trace). */
static void assert_after_four(const struct warm_pair *p)
{
	const struct sim_result *r = &p->warm.res;

	assert_status_unchanged(p);
	assert_int_equal(r->warmup.start_request, 4);
	assert_int_equal(r->warmup.start_ns, MS(1000));
	assert_int_equal(r->warmup.measured, 4);
	assert_int_equal(r->reads, 4);
	assert_int_equal(r->writes, 0);
	assert_int_equal(r->bytes_read, 4 * 8 * 512);
	assert_int_equal(r->lat_class[SIM_READ_HIT].count, 3);
	assert_int_equal(r->lat_class[SIM_READ_MISS].count, 1);
	assert_int_equal(r->lat_class[SIM_WRITE_MISS].count, 0);
	assert_int_equal(r->outcome_count[CTE_READ_CLEAN], 3);
	assert_int_equal(r->outcome_count[CTE_READ_MISS], 1);
	assert_int_equal(r->outcome_count[CTE_WRITE_MISS], 0);
	assert_true(fabs(r->read_hit_ratio - 0.75) < 1e-12);
	assert_int_equal(r->lat_op[SIM_OP_READ].count, 4);
	assert_int_equal(r->lat_op[SIM_OP_WRITE].count, 0);
	assert_true(fabs(r->lat_op[SIM_OP_READ].max_ns - 5e6) < 5e6 * 0.04);
	/* the miss explanation: B's first read; A's was in the warm-up */
	assert_int_equal(r->miss[MISS_COMPULSORY], 1);
	assert_int_equal(r->miss[MISS_CONFLICT] + r->miss[MISS_CAPACITY] + r->miss[MISS_BUSY], 0);
	/* devices from the arrival of request 5 on */
	assert_int_equal(r->target_dev.nr_reads, 1);
	assert_int_equal(r->target_dev.nr_writes, 0);
	assert_int_equal(r->target_dev.busy_ns, 5000000);
	assert_int_equal(r->cache_dev.nr_reads, 3);
	assert_int_equal(r->cache_dev.nr_writes, 1);
	assert_int_equal(r->cache_dev.bytes_written, 4096);
	/* the span is 1.0 s .. the last completion (1.3 s + 100 us) */
	double span = (double)(r->end_ns - MS(1000));
	assert_true(fabs(r->target_util - 5e6 / span) < 1e-9);
	assert_true(fabs(r->target_dev.mean_queue_depth - 5e6 / span) < 1e-9);
	assert_true(fabs(r->iops - 4 / (span / 1e9)) < 1e-6);
	/* the time series: only the second with counted arrivals */
	assert_int_equal(r->nr_series, 1);
	assert_int_equal(r->series[0].start_ns, MS(1000));
	assert_int_equal(r->series[0].requests, 4);
	assert_int_equal(r->series[0].read_pieces, 4);
	assert_int_equal(r->series[0].read_hits, 3);
}

static int setup_base(void **state)
{
	struct warm_pair *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	*state = p;
	run_with(&p->base, NULL);
	return 0;
}

static void test_baseline(void **state)
{
	struct warm_pair *p = *state;
	const struct sim_result *r = &p->base.res;

	assert_int_equal(r->warmup.kind, WARMUP_NONE);
	assert_int_equal(r->warmup.measured, 8);
	assert_int_equal(r->lat_class[SIM_READ_HIT].count, 5);
	assert_int_equal(r->lat_class[SIM_READ_MISS].count, 2);
	assert_int_equal(r->target_dev.nr_reads, 2);
	assert_int_equal(r->target_dev.nr_writes, 1);
	assert_int_equal(r->miss[MISS_COMPULSORY], 2);
	assert_int_equal(r->nr_series, 2);
}

static void test_requests(void **state)
{
	struct warm_pair *p = *state;

	run_with(&p->warm, "4");
	assert_int_equal(p->warm.res.warmup.kind, WARMUP_REQUESTS);
	assert_after_four(p);
}

static void test_time(void **state)
{
	struct warm_pair *p = *state;

	run_with(&p->warm, "1s");
	assert_int_equal(p->warm.res.warmup.kind, WARMUP_TIME);
	assert_after_four(p);
	/* 999 ms: request 5 (at 1 s) is the first at or after it, as for 1 s */
	run_with(&p->warm, "999ms");
	assert_after_four(p);
	/* 1.05 s: counting starts at request 6 (1.1 s) */
	run_with(&p->warm, "1050ms");
	assert_int_equal(p->warm.res.warmup.start_request, 5);
	assert_int_equal(p->warm.res.warmup.start_ns, MS(1100));
}

static void test_percent(void **state)
{
	struct warm_pair *p = *state;

	run_with(&p->warm, "50%");
	assert_int_equal(p->warm.res.warmup.kind, WARMUP_PERCENT);
	assert_int_equal(p->warm.res.warmup.trace_records, 8);
	assert_after_four(p);
	/* 60 % of 8 records = 4.8: the first 4 are the warm-up, as floor() says */
	run_with(&p->warm, "60%");
	assert_int_equal(p->warm.res.warmup.start_request, 4);
	run_with(&p->warm, "62.5%");
	assert_int_equal(p->warm.res.warmup.start_request, 5);
	/* with --max-requests, a percentage of what is simulated: 50 % of 6 */
	hand_trace(&p->warm);
	p->warm.cfg.max_requests = 6;
	assert_int_equal(
	    sim_warmup_parse("50%", &p->warm.cfg.warmup, p->warm.err, sizeof(p->warm.err)), 0);
	RUN_OK(&p->warm);
	assert_int_equal(p->warm.res.warmup.trace_records, 6);
	assert_int_equal(p->warm.res.warmup.start_request, 3);
}

/* The same block read twice before the warm-up and twice after: 2 hits of 2. */
static void test_same_block(void **state)
{
	struct warm_pair *p = *state;
	char err[128];

	st_init(&p->warm, 64ULL << 20, 100000, 200000, 5000000, 5000000,
		"blocksize 8 assoc 4 writethrough");
	st_q(&p->warm, MS(0), "R", 64, 8);
	st_q(&p->warm, MS(100), "R", 64, 8);
	st_q(&p->warm, MS(200), "R", 64, 8);
	st_q(&p->warm, MS(300), "R", 64, 8);
	assert_int_equal(sim_warmup_parse("2", &p->warm.cfg.warmup, err, sizeof(err)), 0);
	RUN_OK(&p->warm);
	assert_int_equal(p->warm.res.lat_class[SIM_READ_HIT].count, 2);
	assert_int_equal(p->warm.res.lat_class[SIM_READ_MISS].count, 0);
	assert_true(fabs(p->warm.res.read_hit_ratio - 1.0) < 1e-12);
	assert_int_equal(p->warm.res.counters.read_clean, 3); /* the status: all four reads */
	assert_int_equal(p->warm.res.counters.read_miss, 1);
	assert_int_equal(p->warm.res.target_dev.nr_reads, 0);
}

/* --warmup 0 measures everything: the same figures as no warm-up. */
static void test_zero_is_none(void **state)
{
	struct warm_pair *p = *state;
	const struct sim_result *a = &p->base.res, *b = &p->warm.res;

	run_with(&p->warm, "0");
	assert_status_unchanged(p);
	assert_int_equal(b->warmup.start_request, 0);
	assert_int_equal(b->warmup.measured, 8);
	assert_memory_equal(b->outcome_count, a->outcome_count, sizeof(a->outcome_count));
	assert_memory_equal(b->lat_class, a->lat_class, sizeof(a->lat_class));
	assert_memory_equal(b->lat_op, a->lat_op, sizeof(a->lat_op));
	assert_memory_equal(b->miss, a->miss, sizeof(a->miss));
	assert_int_equal(b->cache_dev.nr_writes, a->cache_dev.nr_writes);
	assert_int_equal(b->target_dev.nr_reads, a->target_dev.nr_reads);
	assert_int_equal(b->target_dev.busy_ns, a->target_dev.busy_ns);
	assert_true(fabs(b->target_dev.mean_queue_depth - a->target_dev.mean_queue_depth) < 1e-12);
	assert_true(fabs(b->iops - a->iops) < 1e-9);
	assert_int_equal(b->nr_series, a->nr_series);
}

/* The models' own counters and ratios (SSD write amplification, HDD seeks, queue depth) are
 * recomputed from the differences: a warm-up of 0 gives the whole run's; a later one gives
 * counts no larger than the whole run's. */
static void test_model_counters(void **state)
{
	struct warm_pair *p = *state;
	const struct dev_stats *a = &p->base.res.target_dev, *b = &p->warm.res.target_dev;

	for (int pass = 0; pass < 3; pass++) {
		struct simtest *st = pass == 0 ? &p->base : &p->warm;
		char err[128];

		hand_trace(st);
		snprintf(st->cfg.cache_spec, sizeof(st->cfg.cache_spec), "ssd:size=256M");
		snprintf(st->cfg.target_spec, sizeof(st->cfg.target_spec), "hdd:size=100G");
		if (pass)
			assert_int_equal(sim_warmup_parse(pass == 1 ? "0" : "4", &st->cfg.warmup, err,
							  sizeof(err)), 0);
		RUN_OK(st);
		if (pass != 1)
			continue;
		assert_true(dev_stats_get(a, "seeks") > 0);
		assert_int_equal(dev_stats_get(b, "seeks"), dev_stats_get(a, "seeks"));
		assert_true(
		    fabs(dev_stats_get(b, "seek_mean_cyl") - dev_stats_get(a, "seek_mean_cyl")) <
		    1e-9 * (1 + dev_stats_get(a, "seek_mean_cyl")));
		assert_ptr_equal(b->ctab, a->ctab);
		/* every counter of the model, histogram bin by bin */
		assert_memory_equal(b->cval, a->cval, sizeof(a->cval));
		assert_true(fabs(b->mean_queue_depth - a->mean_queue_depth) < 1e-9);
		const struct dev_stats *ca = &p->base.res.cache_dev, *cb = &p->warm.res.cache_dev;
		assert_true(dev_stats_get(ca, "media_bytes_written") > 0);
		assert_int_equal(dev_stats_get(cb, "media_bytes_written"),
				 dev_stats_get(ca, "media_bytes_written"));
		assert_true(fabs(dev_stats_get(cb, "write_amplification") -
				 dev_stats_get(ca, "write_amplification")) < 1e-9);
		assert_int_equal(dev_stats_get(cb, "flash_programs"),
				 dev_stats_get(ca, "flash_programs"));
	}
	/* after 4 requests: B's miss is the only target read, no target write */
	assert_int_equal(b->nr_reads, 1);
	assert_int_equal(b->nr_writes, 0);
	assert_true(dev_stats_get(b, "seeks") <= dev_stats_get(a, "seeks") &&
		    dev_stats_get(b, "seeks") <= 1);
	assert_true(p->warm.res.cache_dev.nr_writes == 1 && p->warm.res.cache_dev.nr_reads == 3);
	assert_true(dev_stats_get(&p->warm.res.cache_dev, "media_bytes_written") <=
		    dev_stats_get(&p->base.res.cache_dev, "media_bytes_written"));
	assert_true(dev_stats_get(&p->warm.res.cache_dev, "write_amplification") >= 0);
	run_with(&p->base, NULL); /* the fixed-device baseline again, for the other tests */
}

/* A warm-up that leaves nothing to measure is an error (exit 1), with the logs kept. */
static void test_too_long(void **state)
{
	struct warm_pair *p = *state;
	static const char *const specs[] = {"8", "100", "2s"};
	char err[128];

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		hand_trace(&p->warm);
		assert_int_equal(sim_warmup_parse(specs[i], &p->warm.cfg.warmup, err, sizeof(err)), 0);
		assert_int_not_equal(st_run(&p->warm), 0);
		assert_int_not_equal(p->warm.rc, -22); /* not a usage error: exit 1 */
		assert_non_null(strstr(p->warm.err, "nothing left to measure"));
		assert_non_null(strstr(p->warm.err, specs[i]));
		assert_non_null(strstr(p->warm.log, "READ_MISS")); /* the decision log was written */
	}
	/* 7 requests: the eighth is measured */
	run_with(&p->warm, "7");
	assert_int_equal(p->warm.res.warmup.measured, 1);
	assert_int_equal(p->warm.res.lat_class[SIM_READ_HIT].count, 1);
}

static void test_parse(void **state)
{
	struct sim_warmup w;
	char err[256];
	static const char *const bad[] = {"", "abc", "-1", "5x", "1e3", "%", "10 %", "x%", "-5%",
					  "1.5", "s", "100%", "250%", "12345678901234567890123456789012345"};

	(void)state;
	assert_int_equal(sim_warmup_parse("1000", &w, err, sizeof(err)), 0);
	assert_int_equal(w.kind, WARMUP_REQUESTS);
	assert_int_equal(w.requests, 1000);
	assert_string_equal(w.spec, "1000");
	assert_int_equal(sim_warmup_parse("30s", &w, err, sizeof(err)), 0);
	assert_int_equal(w.kind, WARMUP_TIME);
	assert_int_equal(w.time_ns, 30000000000ULL);
	assert_int_equal(sim_warmup_parse("500ms", &w, err, sizeof(err)), 0);
	assert_int_equal(w.time_ns, 500000000ULL);
	assert_int_equal(sim_warmup_parse("1.5s", &w, err, sizeof(err)), 0);
	assert_int_equal(w.time_ns, 1500000000ULL);
	assert_int_equal(sim_warmup_parse("10%", &w, err, sizeof(err)), 0);
	assert_int_equal(w.kind, WARMUP_PERCENT);
	assert_true(w.percent == 10.0);
	assert_int_equal(sim_warmup_parse("0%", &w, err, sizeof(err)), 0);
	assert_int_equal(sim_warmup_parse("99.5%", &w, err, sizeof(err)), 0);
	assert_string_equal(sim_warmup_kind_name(WARMUP_PERCENT), "percent");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (sim_warmup_parse(bad[i], &w, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(w.kind, WARMUP_NONE);
		assert_non_null(strstr(err, "--warmup"));
	}
}

/* Standard input or a pipe cannot be counted for a percentage: a usage error before anything runs. */
static void test_percent_stdin(void **state)
{
	struct sim_result res;
	struct sim_config cfg;
	char err[256] = "";

	(void)state;
	sim_config_init(&cfg);
	cfg.trace_path = "-";
	assert_int_equal(sim_warmup_parse("10%", &cfg.warmup, err, sizeof(err)), 0);
	assert_int_equal(sim_run(&cfg, &res, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	cfg.trace_path = "/dev/null"; /* a character device, as a pipe would be: not counted */
	assert_int_equal(sim_run(&cfg, &res, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "/dev/null is not a regular file"));
	sim_result_free(&res);
}

static int teardown(void **state)
{
	struct warm_pair *p = *state;

	if (p) {
		st_fini(&p->base);
		st_fini(&p->warm);
	}
	free(p);
	return 0;
}

TEST_MAIN(setup_base, teardown, cmocka_unit_test(test_baseline),    cmocka_unit_test(test_requests),
	  cmocka_unit_test(test_time),        cmocka_unit_test(test_percent),
	  cmocka_unit_test(test_same_block),  cmocka_unit_test(test_zero_is_none),
	  cmocka_unit_test(test_too_long),    cmocka_unit_test(test_parse),
	  cmocka_unit_test(test_model_counters), cmocka_unit_test(test_percent_stdin))
