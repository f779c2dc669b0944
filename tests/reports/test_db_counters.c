// SPDX-License-Identifier: GPL-2.0
/*
 * test_db_counters.c - schema 7: the device models' counters as rows of device_counters. A
 * version-6 file (the per-model columns of device_stats) is upgraded, by opening it and by
 * `db upgrade`'s path, with its values moved to the rows of the model that had them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/db.h"
#include "reports/db_schema.h"
#include "reports/diff.h"
#include "tests/lib/rep_fixture.h"
#include "tests/lib/test_main.h"

struct cfx {
	char dir[256], trace[300], now[300], old[300], err[512];
};

static void record_runs(struct cfx *f);
static void make_v6(struct cfx *f);

/* A directory of its own, the trace, the paths of the two files (removed by fx_rmdir). */
static void begin(struct cfx *f)
{
	fx_mkdtemp(f->dir, sizeof(f->dir));
	snprintf(f->trace, sizeof(f->trace), "%s/t.blkparse.txt", f->dir);
	snprintf(f->now, sizeof(f->now), "%s/now.db", f->dir);
	snprintf(f->old, sizeof(f->old), "%s/v6.db", f->dir);
	fx_write_file(f->trace, FX_TRACE_TEXT);
	record_runs(f);
	make_v6(f);
}

/* Three runs by this program: ssd cache + hdd target, fixed + fixed, and block sizes apart. */
static void record_runs(struct cfx *f)
{
	static const char *const caches[] = {"ssd:size=1G", "fixed:size=1G", "ssd:size=2G"};
	static const char *const targets[] = {"hdd:size=64G", "fixed:size=64G", "fixed:size=64G"};
	struct rep_db *db;

	assert_int_equal(rep_db_open(f->now, &db, f->err, sizeof(f->err)), 0);
	for (int i = 0; i < 3; i++) {
		struct sim_config cfg;
		struct sim_result res;

		fx_config(&cfg, f->trace, 64u << i, 4, CACHE_MODE_WRITEBACK, "1G");
		snprintf(cfg.cache_spec, sizeof(cfg.cache_spec), "%s", caches[i]);
		snprintf(cfg.target_spec, sizeof(cfg.target_spec), "%s", targets[i]);
		fx_result(&res, 0.5, 0);
		if (rep_db_record_run(db, &cfg, &res, f->err, sizeof(f->err)))
			fail_msg("record: %s", f->err);
		fx_result_free(&res);
	}
	rep_db_close(db);
}

/* A version-6 file as the old program wrote it: its schema, these runs, the model columns. */
static void make_v6(struct cfx *f)
{
	sqlite3 *c;
	char *msg = NULL, sql[512];

	assert_int_equal(sqlite3_open(f->old, &c), SQLITE_OK);
	assert_int_equal(sqlite3_exec(c, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(rep_schema_migrate(c, 0, 6, &msg), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d; ATTACH '%s' AS now",
		 REP_APPLICATION_ID, f->now);
	assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
	if (sqlite3_exec(
		c,
		"INSERT INTO main.traces SELECT * FROM now.traces;"
		"INSERT INTO main.runs SELECT * FROM now.runs;"
		"INSERT INTO main.results SELECT * FROM now.results;"
		"INSERT INTO main.device_stats(run_id, role, nr_reads, nr_writes, nr_other, "
		"  bytes_read, bytes_written, busy_ns, util, mean_queue_depth) "
		"  SELECT * FROM now.device_stats;"
		/* the old program wrote every column, 0 where the model had none */
		"UPDATE main.device_stats SET media_bytes_written = 0, write_amplification = 0, "
		"  gc_runs = 0, erases = 0, seek_mean_cyl = 0, seeks = 0, cache_hits = 0;"
		"UPDATE main.device_stats SET media_bytes_written = 8192, write_amplification = "
		"2.5, "
		"  gc_runs = 3, erases = 3, cache_hits = 7 WHERE role = 'cache' AND run_id IN "
		"  (SELECT run_id FROM main.runs WHERE cache_model = 'ssd' AND block_size = 64);"
		"UPDATE main.device_stats SET seeks = 11, seek_mean_cyl = 190.5, cache_hits = 4 "
		"  WHERE role = 'target' AND run_id IN "
		"  (SELECT run_id FROM main.runs WHERE target_model = 'hdd');"
		"COMMIT; DETACH now",
		NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("v6: %s", msg);
	sqlite3_close(c);
	assert_int_equal(fx_q_int(f->old, "PRAGMA user_version"), 6);
	assert_int_equal(fx_q_int(f->old, "SELECT count(*) FROM device_stats"), 6);
}

static int64_t count(const char *path, const char *where)
{
	char sql[512];

	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM device_counters d JOIN runs r ON "
		 "r.run_id = d.run_id WHERE %s",
		 where);
	return fx_q_int(path, sql);
}

/* Where the old columns' values went: rows of device_counters joined with their run. */
static const struct {
	const char *where;
	int64_t rows;
} moved[] = {
	/* the ssd cache of run 1: its five columns, values kept */
	{"block_size = 64 AND device = 'cache'", 5},
	{"block_size = 64 AND device = 'cache' AND name = 'media_bytes_written' AND unit = 'bytes' "
	 "AND value = 8192", 1},
	{"block_size = 64 AND name = 'write_amplification' AND value = 2.5", 1},
	{"block_size = 64 AND device = 'cache' AND name = 'cache_hits' AND value = 7", 1},
	/* the hdd target: seeks, mean distance, buffer hits */
	{"device = 'target' AND target_model = 'hdd'", 3},
	{"name = 'seek_mean_cyl' AND unit = 'cylinders' AND value = 190.5", 1},
	/* an ssd whose counters were 0 keeps them as 0; fixed devices have none */
	{"block_size = 256 AND device = 'cache' AND value = 0", 5},
	{"cache_model = 'fixed' OR (target_model = 'fixed' AND device = 'target')", 0},
};

static void test_v6_upgrades(void **state)
{
	struct cfx fx, *f = &fx;
	struct rep_db *db;

	(void)state;
	begin(f);
	assert_int_equal(rep_db_open(f->old, &db, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_db_schema_version(db), REP_SCHEMA_VERSION);
	rep_db_close(db);
	assert_int_equal(fx_q_int(f->old, "PRAGMA user_version"), 7);

	for (size_t i = 0; i < sizeof(moved) / sizeof(moved[0]); i++)
		if (count(f->old, moved[i].where) != moved[i].rows)
			fail_msg("rows where %s: %lld, expected %lld", moved[i].where,
				 (long long)count(f->old, moved[i].where), (long long)moved[i].rows);
	/* the columns are gone: device_stats holds what every device has */
	assert_int_equal(fx_q_int(f->old,
				  "SELECT count(*) FROM pragma_table_info('device_stats') "
				  "WHERE name IN ('seeks', 'gc_runs', 'media_bytes_written')"),
			 0);
	fx_rmdir(f->dir);
}

/* `db diff` compares the counters as it did the columns: device.<role>.<name>. */
static void test_diff_names_counters(void **state)
{
	struct cfx fx, *f = &fx;
	struct rep_diff_opts o = {.all = true};
	struct rep_db *db;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	(void)state;
	begin(f);
	assert_int_equal(rep_db_open(f->old, &db, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_diff_print(db, 1, 3, &o, fp, f->err, sizeof(f->err)), 0);
	rep_db_close(db);
	assert_int_equal(fclose(fp), 0);
	assert_non_null(strstr(buf, "device.cache.gc_runs"));
	assert_non_null(strstr(buf, "device.cache.write_amplification"));
	assert_non_null(strstr(buf, "device.target.seeks"));
	free(buf);
	fx_rmdir(f->dir);
}

/* A migrated file has the schema of a new one (both went through every migration). */
static void test_v6_schema_as_new(void **state)
{
	struct cfx fx, *f = &fx;
	struct rep_db *db;
	const char *q = "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema "
			"WHERE name = 'device_counters' OR name = 'device_stats' ORDER BY name)";
	sqlite3 *c;
	sqlite3_stmt *st;
	char a[2048] = "", b[2048] = "";

	(void)state;
	begin(f);
	assert_int_equal(rep_db_open(f->old, &db, f->err, sizeof(f->err)), 0);
	rep_db_close(db);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(sqlite3_open(i ? f->now : f->old, &c), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(c, q, -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(i ? b : a, sizeof(a), "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		sqlite3_close(c);
	}
	assert_non_null(strstr(a, "device_counters"));
	assert_string_equal(a, b);
	fx_rmdir(f->dir);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_v6_upgrades), cmocka_unit_test(test_v6_schema_as_new),
	  cmocka_unit_test(test_diff_names_counters))
