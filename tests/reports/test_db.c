// SPDX-License-Identifier: GPL-2.0
/* test_db.c - the results store: schema, migration, refusals, locks, full disk, merge. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "reports/db.h"
#include "reports/db_schema.h"
#include "reports/rep_util.h"
#include "tests/lib/rep_fixture.h"
#include "tests/lib/test_main.h"

static int setup(void **state)
{
	setenv("SSDCACHE_DB_TIMEOUT_MS", "200", 1);
	return fx_setup(state);
}

static void record(struct fx *f, struct rep_db *db, unsigned long bs, double hit)
{
	fx_record(f, db, bs, 4, CACHE_MODE_WRITEBACK, "1G", hit, 5, NULL);
}

/* Merge shard into db: it must succeed, adding `added` runs and skipping `skipped` (-1: any). */
static void merge_ok(struct fx *f, struct rep_db *db, const char *shard, unsigned added, int skipped)
{
	unsigned a, sk;

	if (rep_db_merge(db, shard, &a, &sk, f->err, sizeof(f->err)))
		fail_msg("merge %s: %s", shard, f->err);
	assert_int_equal(a, added);
	if (skipped >= 0)
		assert_int_equal(sk, (unsigned)skipped);
}

static void test_create_and_record(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	struct sim_config cfg;
	char key[REP_CONFIG_KEY_MAX];
	struct sim_trace_desc t;

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_db_schema_version(db), REP_SCHEMA_VERSION);
	record(f, db, 64, 0.5);
	record(f, db, 128, 0.75);

	fx_config(&cfg, f->trace, 64, 4, CACHE_MODE_WRITEBACK, "1G");
	assert_int_equal(rep_config_key(&cfg, key, sizeof(key)), 0);
	assert_int_equal(sim_trace_identify(f->trace, NULL, &t, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_db_has_config(db, t.fingerprint, key, f->err, sizeof(f->err)), 1);
	fx_config(&cfg, f->trace, 256, 4, CACHE_MODE_WRITEBACK, "1G");
	assert_int_equal(rep_config_key(&cfg, key, sizeof(key)), 0);
	assert_int_equal(rep_db_has_config(db, t.fingerprint, key, f->err, sizeof(f->err)), 0);
	rep_db_close(db);

	assert_int_equal(fx_q_int(f->db, "PRAGMA user_version"), REP_SCHEMA_VERSION);
	assert_int_equal(fx_q_int(f->db, "PRAGMA application_id"), REP_APPLICATION_ID);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM traces"), 1);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs WHERE status='ok'"), 2);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM results"), 2);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM series"), 10);
	/* 2 runs x (12 classes + read + write op) latency rows */
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM latency"), 2 * (SIM_CLASS_NR + 2));
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM histograms"), 6);
	assert_int_equal(fx_q_int(f->db, "SELECT lo_ns FROM histograms WHERE bucket=16 LIMIT 1"), 65536);
	assert_int_equal(fx_q_int(f->db, "SELECT cache_size FROM runs LIMIT 1"), 1LL << 30);
	assert_int_equal(fx_q_int(f->db, "SELECT block_size FROM run_summary WHERE read_hit_ratio > 0.7"),
			 128);
	assert_int_equal(fx_q_int(f->db, "SELECT records FROM traces"), 1000);
	/* The trace statistics, read from the (one-request) trace itself. */
	assert_int_equal(fx_q_int(f->db, "SELECT json_extract(stats_json, '$.requests') FROM traces"), 1);
	assert_int_equal(fx_q_int(f->db, "SELECT footprint_bytes FROM traces"), 4096);
}

static void test_keys_and_fingerprints(void **state)
{
	struct fx *f = *state;
	struct sim_config a, b;
	char ka[REP_CONFIG_KEY_MAX], kb[REP_CONFIG_KEY_MAX], copy[320];
	struct sim_trace_desc t1, t2, t3;

	fx_config(&a, f->trace, 64, 4, CACHE_MODE_WRITEBACK, "1G");
	fx_config(&b, f->trace, 64, 4, CACHE_MODE_WRITEBACK, "1G");
	assert_int_equal(rep_config_key(&a, ka, sizeof(ka)), 0);
	assert_int_equal(rep_config_key(&b, kb, sizeof(kb)), 0);
	assert_string_equal(ka, kb);
	b.hz = 1000;
	assert_int_equal(rep_config_key(&b, kb, sizeof(kb)), 0);
	assert_string_not_equal(ka, kb);
	assert_int_equal(rep_config_key(&a, ka, 10), -ENOSPC);

	/* Same bytes under another name: the same trace; one byte more: another. */
	snprintf(copy, sizeof(copy), "%s/copy.txt", f->dir);
	fx_write_file(copy, "8,0 0 1 0.000000000 1 Q R 0 + 8 [x]\n");
	assert_int_equal(sim_trace_identify(f->trace, NULL, &t1, f->err, sizeof(f->err)), 0);
	assert_int_equal(sim_trace_identify(copy, NULL, &t2, f->err, sizeof(f->err)), 0);
	assert_string_equal(t1.fingerprint, t2.fingerprint);
	fx_write_file(copy, "8,0 0 1 0.000000000 1 Q R 0 + 8 [y]\n");
	assert_int_equal(sim_trace_identify(copy, NULL, &t3, f->err, sizeof(f->err)), 0);
	assert_string_not_equal(t1.fingerprint, t3.fingerprint);
	assert_int_equal(sim_trace_identify("/nonexistent/x", NULL, &t3, f->err, sizeof(f->err)),
			 -ENOENT);
	assert_non_null(strstr(f->err, "/nonexistent/x"));
}

/* Append the three text columns of every row of sql to out, each row as fmt. */
static void append_rows(sqlite3 *c, const char *sql, const char *fmt, char *out, size_t cap,
			size_t *n)
{
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		*n += (size_t)snprintf(out + *n, cap - *n, fmt, sqlite3_column_text(st, 0),
				       sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
}

/* Read the schema as SQLite stores it, normalised, to compare a migrated file with a new one. */
static char *schema_text(const char *path)
{
	sqlite3 *c;
	size_t cap = 1 << 16, n = 0;
	char *out = calloc(1, cap);

	assert_int_equal(sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	append_rows(c, "SELECT type, name, tbl_name FROM sqlite_schema ORDER BY type, name",
		    "%s %s %s\n", out, cap, &n);
	/* Columns of every table, in order. */
	append_rows(c,
		    "SELECT m.name, p.name, p.type FROM sqlite_schema m, pragma_table_info(m.name) p "
		    "WHERE m.type IN ('table','view') ORDER BY m.name, p.cid",
		    "%s.%s %s\n", out, cap, &n);
	sqlite3_close(c);
	return out;
}

static void test_migration_from_v1(void **state)
{
	struct fx *f = *state;
	char v1[320], fresh[320], sql[256];
	struct rep_db *db;
	sqlite3 *c;
	char *msg = NULL;
	int version;

	/* A file exactly as the version-1 program left it, with one run in it. */
	snprintf(v1, sizeof(v1), "%s/v1.db", f->dir);
	assert_int_equal(sqlite3_open(v1, &c), SQLITE_OK);
	assert_int_equal(sqlite3_exec(c, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(rep_schema_migrate(c, 0, 1, &msg), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", REP_APPLICATION_ID);
	assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_exec(c,
			     "INSERT INTO traces(trace_id, fingerprint, path, size_bytes, added_at) "
			     "VALUES (1, 'c1-1-00', 'old.txt', 1, 'then');"
			     "INSERT INTO runs(run_uuid, trace_id, config_key, config_hash, status, "
			     "started_at, finished_at, program_version, trace_path, table_line, "
			     "table_args, block_size, assoc, mode, policy, options, cache_spec, "
			     "target_spec, quirks, quirks_fixed, hash_variant, seed_crash, bs_overflow, "
			     "odd_blocksize, hz, jiffies0, wq_delay_ns, map_cost_ns, speed, qd, "
			     "interval_ns, verify, explain_misses, max_requests) VALUES ('u1', 1, 'k', "
			     "'h', 'ok', 'a', 'b', 'v0', 'old.txt', 't', 't', 64, 4, 'writeback', 'lru', "
			     "'', 'fixed', 'fixed', 'seed', 0, 'linux31', 'continue', 'refuse', 0, 250, "
			     "0, 0, 0, 1.0, 0, 1000000000, 0, 1, 0);"
			     "INSERT INTO results(run_id, read_hit_ratio) VALUES (1, 0.42);"
			     "COMMIT",
			     NULL, NULL, &msg),
		SQLITE_OK);
	sqlite3_close(c);
	assert_int_equal(fx_q_int(v1, "PRAGMA user_version"), 1);

	/* Read-only opens do not migrate; they report the version. */
	assert_int_equal(rep_db_open_readonly(v1, &db, &version, f->err, sizeof(f->err)), 0);
	assert_int_equal(version, 1);
	rep_db_close(db);
	assert_int_equal(fx_q_int(v1, "PRAGMA user_version"), 1);

	assert_int_equal(rep_db_open(v1, &db, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_db_schema_version(db), REP_SCHEMA_VERSION);
	rep_db_close(db);
	assert_int_equal(fx_q_int(v1, "PRAGMA user_version"), REP_SCHEMA_VERSION);
	assert_int_equal(fx_q_int(v1, "SELECT count(*) FROM run_summary WHERE read_hit_ratio = 0.42"), 1);
	assert_int_equal(fx_q_int(v1, "SELECT count(*) FROM runs WHERE sweep_id IS NULL"), 1);

	/* A migrated file has exactly the schema of a new one. */
	snprintf(fresh, sizeof(fresh), "%s/fresh.db", f->dir);
	assert_int_equal(rep_db_open(fresh, &db, f->err, sizeof(f->err)), 0);
	rep_db_close(db);
	char *a = schema_text(v1), *b = schema_text(fresh);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

/* A shard written by the version-1 program merges (through an upgraded temporary copy) and is
 * left as it was. */
static void test_merge_old_shard(void **state)
{
	struct fx *f = *state;
	char v1[320], out[320], sql[128];
	struct rep_db *db;
	sqlite3 *c;

	snprintf(v1, sizeof(v1), "%s/v1.db", f->dir);
	snprintf(out, sizeof(out), "%s/out.db", f->dir);
	assert_int_equal(sqlite3_open(v1, &c), SQLITE_OK);
	char *msg = NULL;
	assert_int_equal(sqlite3_exec(c, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(rep_schema_migrate(c, 0, 1, &msg), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", REP_APPLICATION_ID);
	assert_int_equal(sqlite3_exec(c, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(c, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(c);
	/* Fill it with version-1 rows: record into a v1 file through the v1 columns only. */
	fx_exec_raw(v1, "INSERT INTO traces(trace_id, fingerprint, path, size_bytes, added_at) "
		     "VALUES (1, 'c1-1-00', 'old.txt', 1, 'then');"
		     "INSERT INTO runs(run_uuid, trace_id, config_key, config_hash, status, started_at, "
		     "finished_at, program_version, trace_path, table_line, table_args, block_size, "
		     "assoc, mode, policy, options, cache_spec, target_spec, quirks, quirks_fixed, "
		     "hash_variant, seed_crash, bs_overflow, odd_blocksize, hz, jiffies0, wq_delay_ns, "
		     "map_cost_ns, speed, qd, interval_ns, verify, explain_misses, max_requests) VALUES "
		     "('u-old', 1, 'k-old', 'h', 'ok', 'a', 'b', 'v0', 'old.txt', 't', 't', 64, 4, "
		     "'writeback', 'lru', '', 'fixed', 'fixed', 'seed', 0, 'linux31', 'continue', "
		     "'refuse', 0, 250, 0, 0, 0, 1.0, 0, 1000000000, 0, 1, 0);"
		     "INSERT INTO results(run_id, read_hit_ratio) VALUES (1, 0.5);"
		     "INSERT INTO series(run_id, idx, start_ns, read_pieces, read_hits) VALUES (1, 0, 0, 4, 2)");
	assert_int_equal(rep_db_open(out, &db, f->err, sizeof(f->err)), 0);
	record(f, db, 128, 0.7);
	merge_ok(f, db, v1, 1, -1);
	merge_ok(f, db, v1, 0, -1);
	rep_db_close(db);
	assert_int_equal(fx_q_int(v1, "PRAGMA user_version"), 1);
	fx_q_expect(out, (const struct fx_q[]){
				 {"SELECT count(*) FROM runs", 2},
				 {"SELECT count(*) FROM series WHERE run_id = (SELECT run_id FROM runs "
				  "WHERE run_uuid = 'u-old')", 1},
				 {"SELECT count(*) FROM traces", 2},
				 {NULL, 0},
			 });
}

static void test_newer_schema_refused(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	char sql[128];
	int version;

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	record(f, db, 64, 0.5);
	rep_db_close(db);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", REP_SCHEMA_VERSION + 5);
	fx_exec_raw(f->db, sql);

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), -EPROTO);
	assert_null(db);
	assert_non_null(strstr(f->err, "newer"));
	assert_non_null(strstr(f->err, f->db));
	assert_int_equal(rep_db_open_readonly(f->db, &db, &version, f->err, sizeof(f->err)), -EPROTO);
	/* Left as it was. */
	assert_int_equal(fx_q_int(f->db, "PRAGMA user_version"), REP_SCHEMA_VERSION + 5);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs"), 1);
}

static void test_foreign_files_refused(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	char other[320], junk[320];

	snprintf(other, sizeof(other), "%s/other.db", f->dir);
	fx_exec_raw(other, "CREATE TABLE t(x); INSERT INTO t VALUES (1)");
	assert_int_equal(rep_db_open(other, &db, f->err, sizeof(f->err)), -EPROTO);
	assert_non_null(strstr(f->err, "not an ssdcache-sim results database"));
	assert_int_equal(fx_q_int(other, "SELECT count(*) FROM t"), 1);

	snprintf(junk, sizeof(junk), "%s/junk.db", f->dir);
	fx_write_file(junk, "this is a text file, long enough to look like a header of something\n");
	assert_int_equal(rep_db_open(junk, &db, f->err, sizeof(f->err)), -EPROTO);
	assert_non_null(strstr(f->err, "not a SQLite database"));

	assert_int_equal(rep_db_open("/nonexistent-dir/x.db", &db, f->err, sizeof(f->err)), -ENOENT);
	assert_non_null(strstr(f->err, "/nonexistent-dir/x.db"));
}

static void test_locked(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	sqlite3 *holder;

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	record(f, db, 64, 0.5);
	/* Another writer holds the lock (a second connection behaves like another process). */
	assert_int_equal(sqlite3_open(f->db, &holder), SQLITE_OK);
	assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);

	struct sim_config cfg;
	struct sim_result res;
	fx_config(&cfg, f->trace, 128, 4, CACHE_MODE_WRITEBACK, "1G");
	fx_result(&res, 0.5, 3);
	assert_int_equal(rep_db_record_run(db, &cfg, &res, f->err, sizeof(f->err)), -EBUSY);
	assert_non_null(strstr(f->err, "locked"));
	assert_non_null(strstr(f->err, f->db));

	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);
	/* Nothing half-written; the same record now succeeds. */
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs"), 1);
	assert_int_equal(rep_db_record_run(db, &cfg, &res, f->err, sizeof(f->err)), 0);
	fx_result_free(&res);
	rep_db_close(db);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs"), 2);
}

static void test_readonly(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	int version;

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	record(f, db, 64, 0.5);
	rep_db_close(db);

	/* A read-only connection refuses writes with -EROFS. */
	assert_int_equal(rep_db_open_readonly(f->db, &db, &version, f->err, sizeof(f->err)), 0);
	{
		struct sim_config cfg;
		struct sim_result res;

		fx_config(&cfg, f->trace, 128, 4, CACHE_MODE_WRITEBACK, "1G");
		fx_result(&res, 0.5, 0);
		assert_int_equal(rep_db_record_run(db, &cfg, &res, f->err, sizeof(f->err)), -EROFS);
	}
	rep_db_close(db);

	if (geteuid() == 0) {
		/* root ignores file modes: the permission case is covered by tests/e2e as a user. */
		print_message("[  NOTE    ] running as root: write-protected file case skipped\n");
		return;
	}
	assert_int_equal(chmod(f->db, 0444), 0);
	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), -EROFS);
	assert_non_null(strstr(f->err, "read-only"));
	/* Reading still works, also from a read-only directory (immutable fallback). */
	assert_int_equal(chmod(f->dir, 0555), 0);
	assert_int_equal(rep_db_open_readonly(f->db, &db, &version, f->err, sizeof(f->err)), 0);
	rep_db_close(db);
	chmod(f->dir, 0755);
	chmod(f->db, 0644);
}

static void test_disk_full(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	struct sim_config cfg;
	struct sim_result res;
	int64_t pages;
	char sql[96];

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	record(f, db, 64, 0.5);
	/* SQLite says SQLITE_FULL when max_page_count is reached, exactly as on a full disk. */
	pages = fx_q_int(f->db, "PRAGMA page_count");
	snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %lld", (long long)pages);
	assert_int_equal(sqlite3_exec(rep_db_conn(db), sql, NULL, NULL, NULL), SQLITE_OK);
	fx_config(&cfg, f->trace, 128, 4, CACHE_MODE_WRITEBACK, "1G");
	fx_result(&res, 0.5, 5000); /* a long series: many pages */
	assert_int_equal(rep_db_record_run(db, &cfg, &res, f->err, sizeof(f->err)), -ENOSPC);
	assert_non_null(strstr(f->err, "disk full"));
	assert_non_null(strstr(f->err, "unchanged"));
	fx_result_free(&res);
	rep_db_close(db);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs"), 1);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM series"), 5);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM pragma_integrity_check "
				    "WHERE integrity_check != 'ok'"),
			 0);
}

static void test_merge_idempotent(void **state)
{
	struct fx *f = *state;
	char a[320], b[320], out[320];
	struct rep_db *db;
	unsigned added, skipped;
	struct rep_db_info info;

	snprintf(a, sizeof(a), "%s/a.db", f->dir);
	snprintf(b, sizeof(b), "%s/b.db", f->dir);
	snprintf(out, sizeof(out), "%s/out.db", f->dir);
	assert_int_equal(rep_db_open(a, &db, f->err, sizeof(f->err)), 0);
	record(f, db, 64, 0.5);
	record(f, db, 128, 0.6);
	rep_db_close(db);
	assert_int_equal(rep_db_open(b, &db, f->err, sizeof(f->err)), 0);
	record(f, db, 128, 0.6); /* the same configuration as in a: a duplicate */
	record(f, db, 256, 0.7);
	rep_db_close(db);

	assert_int_equal(rep_db_open(out, &db, f->err, sizeof(f->err)), 0);
	merge_ok(f, db, a, 2, 0);
	merge_ok(f, db, b, 1, 1);
	/* Again: nothing new. */
	merge_ok(f, db, a, 0, -1);
	merge_ok(f, db, b, 0, -1);
	assert_int_equal(rep_db_get_info(db, true, &info, f->err, sizeof(f->err)), 0);
	assert_int_equal(info.nr_runs, 3);
	assert_int_equal(info.nr_traces, 1);
	assert_int_equal(info.nr_series_rows, 15);
	assert_true(info.integrity_ok);
	assert_string_equal(info.journal_mode, "wal");
	/* A shard that is not a database: an error naming it, out.db untouched. */
	assert_int_not_equal(rep_db_merge(db, f->trace, &added, &skipped, f->err, sizeof(f->err)), 0);
	assert_non_null(strstr(f->err, f->trace));
	rep_db_close(db);
	fx_q_expect(out, (const struct fx_q[]){
				 {"SELECT count(*) FROM results", 3},
				 {"SELECT count(DISTINCT config_key) FROM runs", 3},
				 /* every child row points at a run of out.db */
				 {"SELECT count(*) FROM latency WHERE run_id NOT IN (SELECT run_id FROM runs)", 0},
				 {NULL, 0},
			 });
}

static void test_failed_runs(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	struct sim_config cfg;
	struct rep_run_info info = {.status = REP_RUN_FAILED, .error = "worker killed"};
	char key[REP_CONFIG_KEY_MAX];
	struct sim_trace_desc t;
	int64_t id = 0;

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	fx_config(&cfg, f->trace, 64, 4, CACHE_MODE_WRITEBACK, "1G");
	assert_int_equal(rep_db_record_run_ex(db, &cfg, NULL, &info, &id, f->err, sizeof(f->err)), 0);
	assert_true(id > 0);
	assert_int_equal(rep_config_key(&cfg, key, sizeof(key)), 0);
	assert_int_equal(sim_trace_identify(f->trace, NULL, &t, f->err, sizeof(f->err)), 0);
	/* A failed run does not count as done (a sweep retries it); an invalid one does. */
	assert_int_equal(rep_db_has_config(db, t.fingerprint, key, f->err, sizeof(f->err)), 0);
	info.status = REP_RUN_INVALID;
	info.error = "cache smaller than 16 blocks";
	assert_int_equal(rep_db_record_run_ex(db, &cfg, NULL, &info, &id, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_db_has_config(db, t.fingerprint, key, f->err, sizeof(f->err)), 1);
	info.status = REP_RUN_OK;
	assert_int_equal(rep_db_record_run_ex(db, &cfg, NULL, &info, &id, f->err, sizeof(f->err)),
			 -EINVAL);
	rep_db_close(db);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM results"), 0);
}

/* `run --db`: the run reads the trace once (fingerprint and statistics while it reads), the store
 * reads it not at all (traces/reader.h's counting hook); a result that does not describe its trace
 * makes the store read it once more, which is what the hook would show if the run had not. */
static void test_run_db_reads_trace_once(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	struct sim_config cfg;
	struct sim_result res;
	struct trc_io_counts before, after_run;
	struct stat sb;
	char line[128], fp[SIM_FINGERPRINT_MAX], q[256];
	FILE *t = fopen(f->trace, "w");

	assert_non_null(t);
	for (int i = 0; i < 2000; i++) {
		snprintf(line, sizeof(line), "8,0 0 %d %d.%09d 1 Q %c %d + 8 [x]\n", i + 1, i / 1000,
			 (i % 1000) * 1000000, i % 3 ? 'R' : 'W', (i * 7919) % 4096 * 8);
		fputs(line, t);
	}
	assert_int_equal(fclose(t), 0);
	assert_int_equal(stat(f->trace, &sb), 0);

	sim_config_init(&cfg);
	cfg.trace_path = f->trace;
	cfg.trace.has_device = true; /* no device pre-scan: the reader's own pass is the only one */
	cfg.trace.device = TRC_DEV(8, 0);
	cfg.explain_misses = false;
	cfg.describe_trace = true;
	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	before = trc_io_counts;
	assert_int_equal(sim_run(&cfg, &res, f->err, sizeof(f->err)), 0);
	after_run = trc_io_counts;
	assert_int_equal(after_run.opens - before.opens, 1);
	assert_int_equal(after_run.bytes - before.bytes, (uint64_t)sb.st_size);
	assert_true(res.eff.valid);
	assert_string_equal(res.eff.cache.model, "fixed");
	assert_int_equal(res.eff.cache.size_bytes, 64ULL << 20);
	assert_non_null(res.trace_stats_json);
	assert_int_equal(rep_db_record_run(db, &cfg, &res, f->err, sizeof(f->err)), 0);
	assert_int_equal(trc_io_counts.opens, after_run.opens); /* the store read nothing */
	assert_int_equal(trc_io_counts.bytes, after_run.bytes);
	snprintf(fp, sizeof(fp), "%s", res.trace_fingerprint);
	assert_int_equal(strncmp(fp, "t1-", 3), 0);
	sim_result_free(&res);
	rep_db_close(db);

	snprintf(q, sizeof(q), "SELECT count(*) FROM traces WHERE fingerprint = '%s'", fp);
	assert_int_equal(fx_q_int(f->db, q), 1);
	assert_int_equal(fx_q_int(f->db, "SELECT json_extract(stats_json, '$.requests') FROM traces"),
			 2000);
	assert_int_equal(fx_q_int(f->db, "SELECT cache_size FROM runs"), 64LL << 20);

	/* The same fingerprint when the store has to read the trace itself (one open, one pass). */
	{
		struct sim_trace_desc id;

		before = trc_io_counts;
		assert_int_equal(sim_trace_identify(f->trace, &cfg.trace, &id, f->err, sizeof(f->err)), 0);
		assert_int_equal(trc_io_counts.opens - before.opens, 1);
		assert_string_equal(id.fingerprint, fp);
	}
}

/* each test in a directory of its own */
#define T(test) cmocka_unit_test_setup_teardown(test, setup, fx_teardown)
TEST_MAIN(NULL, NULL, T(test_create_and_record), T(test_keys_and_fingerprints),
	  T(test_migration_from_v1), T(test_merge_old_shard), T(test_newer_schema_refused),
	  T(test_foreign_files_refused), T(test_locked), T(test_readonly), T(test_disk_full),
	  T(test_merge_idempotent), T(test_failed_runs), T(test_run_db_reads_trace_once))
