// SPDX-License-Identifier: GPL-2.0
/* test_diff.c - `db diff`: choosing the two runs (ids, filters that match one, none or several)
 * and the comparison itself (differing parameters only, metrics with B - A and the relative
 * difference, outcomes only one run has, a failed run without results) on runs recorded with
 * the store's own API from hand-made results. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/db.h"
#include "reports/diff.h"
#include "tests/lib/rep_fixture.h"
#include "tests/lib/test_main.h"

/* f->id: assoc 4 hit 0.5; assoc 8 hit 0.6; assoc 4 again; failed */
static int64_t record(struct fx *f, unsigned assoc, double hit, bool failed)
{
	struct sim_config cfg;
	struct sim_result res;
	struct rep_run_info info = {.status = failed ? REP_RUN_FAILED : REP_RUN_OK,
				    .error = failed ? "worker killed" : NULL};
	int64_t id;

	fx_config(&cfg, f->trace, 64, assoc, CACHE_MODE_WRITEBACK, "1G");
	fx_result(&res, hit, 3);
	if (assoc == 8) {
		res.outcome_count[CTE_READ_INVALID] = 5; /* an outcome the other run has not */
		res.cache_dev.bytes_written *= 2;
	}
	if (rep_db_record_run_ex(f->h, &cfg, failed ? NULL : &res, &info, &id, f->err, sizeof(f->err)))
		fail_msg("record: %s", f->err);
	fx_result_free(&res);
	return id;
}

static int setup(void **state)
{
	struct fx *f;

	fx_setup(state);
	f = *state;
	if (rep_db_open(f->db, &f->h, f->err, sizeof(f->err)))
		fail_msg("open: %s", f->err);
	f->id[0] = record(f, 4, 0.5, false);
	f->id[1] = record(f, 8, 0.6, false);
	f->id[2] = record(f, 4, 0.5, false);
	f->id[3] = record(f, 16, 0, true);
	return 0;
}

static char *diff_of(struct fx *f, int64_t a, int64_t b, bool json, bool all)
{
	struct rep_diff_opts o = {.json = json, .all = all};
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	if (rep_diff_print(f->h, a, b, &o, fp, f->err, sizeof(f->err)))
		fail_msg("diff: %s", f->err);
	fclose(fp);
	return buf;
}

static void has(const char *text, const char *what)
{
	if (!strstr(text, what))
		fail_msg("missing\n  %s\nin\n%s", what, text);
}

/* The diff of runs a and b (json, all) holds every string of want (NULL-terminated). */
static void diff_has(struct fx *f, int64_t a, int64_t b, bool json, bool all,
		     const char *const *want)
{
	char *t = diff_of(f, a, b, json, all);

	for (; *want; want++)
		has(t, *want);
	free(t);
}
#define WANT(...) ((const char *const[]){__VA_ARGS__, NULL})

static void test_resolve(void **state)
{
	struct fx *f = *state;
	/* side, run id (0: by where), where, the result, then the run (>= 0: index into f->id) or
	 * the message that names the side */
	static const struct {
		const char *side;
		int64_t run_id;
		const char *where;
		int rc, run;
		const char *msg;
	} cases[] = {
		{"A", -1, NULL, 0, 1, NULL}, /* run_id -1: f->id[1] */
		{"B", 999, NULL, -ENOENT, -1, "run B: no run with id 999"},
		{"A", 0, "assoc = 8", 0, 1, NULL},
		/* the failed run is not among the default (ok) runs, but a filter naming status finds it */
		{"B", 0, "assoc = 16", -ENOENT, -1, "run B: no run matches 'assoc = 16' (among ok runs"},
		{"B", 0, "status = failed", 0, 3, NULL},
		{"A", 0, "asoc = 4", -EINVAL, -1, "unknown field 'asoc'"},
	};
	struct rep_diff_side s = {0};
	int64_t id = 0;
	char want[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.run_id = cases[i].run_id < 0 ? f->id[1] : cases[i].run_id;
		s.where = cases[i].where;
		assert_int_equal(rep_diff_resolve(f->h, cases[i].side, &s, &id, f->err, sizeof(f->err)),
				 cases[i].rc);
		if (cases[i].run >= 0)
			assert_int_equal(id, f->id[cases[i].run]);
		if (cases[i].msg)
			has(f->err, cases[i].msg);
	}
	/* two matches: the message names both */
	s.run_id = 0;
	s.where = "assoc = 4";
	assert_int_equal(rep_diff_resolve(f->h, "A", &s, &id, f->err, sizeof(f->err)), -ENOTUNIQ);
	snprintf(want, sizeof(want), "run A: 'assoc = 4' matches 2 runs (ids %lld, %lld)",
		 (long long)f->id[0], (long long)f->id[2]);
	has(f->err, want);
}

static void test_json(void **state)
{
	struct fx *f = *state;
	char *j = diff_of(f, f->id[0], f->id[1], true, false);
	char want[512];

	/* Only assoc differs (the table text and the config key follow from it). */
	has(j, "\"same_configuration\":false,\"config\":[{\"name\":\"assoc\",\"a\":4,\"b\":8}],"
	       "\"metrics\":[");
	snprintf(want, sizeof(want),
		 "{\"name\":\"read_hit_ratio\",\"a\":0.5,\"b\":%.17g,\"diff\":%.17g,\"rel\":%.17g}",
		 0.6, 0.6 - 0.5, (0.6 - 0.5) / 0.5);
	has(j, want);
	/* Equal metrics are there too, with a zero difference. */
	has(j, "{\"name\":\"requests\",\"a\":1000,\"b\":1000,\"diff\":0,\"rel\":0}");
	snprintf(want, sizeof(want),
		 "{\"name\":\"outcome.READ_CLEAN\",\"a\":350,\"b\":420,\"diff\":70,\"rel\":%.17g}",
		 70.0 / 350);
	has(j, want);
	/* An outcome only B has: A's count is 0 (zero counts are not stored), no relative. */
	has(j, "{\"name\":\"outcome.READ_INVALID\",\"a\":0,\"b\":5,\"diff\":5,\"rel\":null}");
	has(j, "{\"name\":\"device.cache.bytes_written\",\"a\":123456789,\"b\":246913578,"
	       "\"diff\":123456789,\"rel\":1}");
	has(j, "{\"name\":\"latency.class.read_hit.p99_ns\",\"a\":400000,\"b\":400000,\"diff\":0,"
	       "\"rel\":0}");
	snprintf(want, sizeof(want), "\"a\":{\"run_id\":%lld,", (long long)f->id[0]);
	has(j, want);
	free(j);

	/* The same configuration twice. */
	diff_has(f, f->id[0], f->id[2], true, false, WANT("\"same_configuration\":true,\"config\":[],"));
	/* A failed run: its status and error, the parameters, and no metrics. */
	diff_has(f, f->id[0], f->id[3], true, false,
		 WANT("\"status\":\"failed\",\"error\":\"worker killed\"",
		      "{\"name\":\"assoc\",\"a\":4,\"b\":16}",
		      "{\"name\":\"read_hit_ratio\",\"a\":0.5,\"b\":null,\"diff\":null,\"rel\":null}",
		      "{\"name\":\"outcome.READ_CLEAN\",\"a\":350,\"b\":null,\"diff\":null,\"rel\":null}"));
}

static void test_text(void **state)
{
	struct fx *f = *state;
	char *t = diff_of(f, f->id[0], f->id[1], false, false);

	has(t, "configuration: 1 of ");
	has(t, "  assoc                  4                                8\n");
	has(t, "(--all also shows the equal ones)");
	has(t, "  read_hit_ratio                                     0.5             0.6            +0.1    +20.00%\n");
	has(t, "  outcome.READ_INVALID                                 0               5              +5          -\n");
	assert_null(strstr(t, "  requests "));  /* equal: hidden */
	assert_null(strstr(t, "  block_size ")); /* the same parameter: not shown */
	free(t);
	diff_has(f, f->id[0], f->id[1], false, true,
		 WANT("  requests                                          1000            1000              +0     +0.00%\n"));
	diff_has(f, f->id[0], f->id[2], false, false, WANT("configuration: the same (", "metrics: 0 of "));
}

TEST_MAIN(setup, fx_teardown, cmocka_unit_test(test_resolve), cmocka_unit_test(test_json),
	  cmocka_unit_test(test_text))
