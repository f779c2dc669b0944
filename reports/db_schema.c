// SPDX-License-Identifier: GPL-2.0
/* db_schema.c - the results database's schema, as a list of migrations (docs/schema.md explains it). */
#include "reports/db_schema.h"

#include <sqlite3.h>
#include <stdio.h>

/* Version 1: traces, runs (configuration), results and the per-run detail tables. */
static const char schema_v1[] =
	"CREATE TABLE meta(\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE traces(\n"
	"  trace_id INTEGER PRIMARY KEY,\n"
	"  fingerprint TEXT NOT NULL UNIQUE,\n"
	"  path TEXT NOT NULL,\n"
	"  format TEXT NOT NULL DEFAULT '',\n"
	"  size_bytes INTEGER NOT NULL,\n"
	"  added_at TEXT NOT NULL,\n"
	"  stats_opts TEXT,\n"
	"  records INTEGER, reads INTEGER, writes INTEGER, flushes INTEGER, discards INTEGER,\n"
	"  bytes_read INTEGER, bytes_written INTEGER,\n"
	"  first_ns INTEGER, last_ns INTEGER, duration_s REAL,\n"
	"  skipped_lines INTEGER, skipped_bad INTEGER, skipped_zoned INTEGER,\n"
	"  skipped_other_dev INTEGER, reordered INTEGER, inversions INTEGER, remaps INTEGER,\n"
	"  dev_lat_count INTEGER, dev_lat_mean_ns REAL, dev_lat_p50_ns REAL, dev_lat_p99_ns REAL\n"
	");\n"
	"CREATE TABLE runs(\n"
	"  run_id INTEGER PRIMARY KEY,\n"
	"  run_uuid TEXT NOT NULL UNIQUE,\n"
	"  trace_id INTEGER NOT NULL REFERENCES traces(trace_id),\n"
	"  config_key TEXT NOT NULL,\n"
	"  config_hash TEXT NOT NULL,\n"
	"  status TEXT NOT NULL CHECK(status IN ('ok','invalid','failed')),\n"
	"  error TEXT,\n"
	"  started_at TEXT NOT NULL,\n"
	"  finished_at TEXT NOT NULL,\n"
	"  wall_seconds REAL,\n"
	"  program_version TEXT NOT NULL,\n"
	"  hostname TEXT,\n"
	"  command_line TEXT,\n"
	"  trace_path TEXT NOT NULL,\n"
	"  trace_format_opt TEXT,\n"
	"  trace_event TEXT,\n"
	"  trace_device TEXT,\n"
	"  trace_lenient INTEGER,\n"
	"  table_line TEXT NOT NULL,\n"
	"  table_args TEXT NOT NULL,\n"
	"  block_size INTEGER NOT NULL,\n"
	"  assoc INTEGER NOT NULL,\n"
	"  mode TEXT NOT NULL,\n"
	"  policy TEXT NOT NULL,\n"
	"  options TEXT NOT NULL,\n"
	"  cache_size INTEGER,\n"
	"  cache_spec TEXT NOT NULL,\n"
	"  cache_model TEXT,\n"
	"  cache_preset TEXT,\n"
	"  target_size INTEGER,\n"
	"  target_spec TEXT NOT NULL,\n"
	"  target_model TEXT,\n"
	"  target_preset TEXT,\n"
	"  quirks TEXT NOT NULL,\n"
	"  quirks_fixed INTEGER NOT NULL,\n"
	"  hash_variant TEXT NOT NULL,\n"
	"  seed_crash TEXT NOT NULL,\n"
	"  bs_overflow TEXT NOT NULL,\n"
	"  odd_blocksize INTEGER NOT NULL,\n"
	"  hz INTEGER NOT NULL,\n"
	"  jiffies0 INTEGER NOT NULL,\n"
	"  wq_delay_ns INTEGER NOT NULL,\n"
	"  map_cost_ns INTEGER NOT NULL,\n"
	"  speed REAL NOT NULL,\n"
	"  qd INTEGER NOT NULL,\n"
	"  interval_ns INTEGER NOT NULL,\n"
	"  verify INTEGER NOT NULL,\n"
	"  explain_misses INTEGER NOT NULL,\n"
	"  max_requests INTEGER NOT NULL,\n"
	"  seeds TEXT NOT NULL DEFAULT ''\n"
	");\n"
	"CREATE INDEX runs_by_config ON runs(trace_id, config_key, status);\n"
	"CREATE TABLE results(\n"
	"  run_id INTEGER PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  requests INTEGER, reads INTEGER, writes INTEGER, flushes INTEGER, discards INTEGER,\n"
	"  bytes_read INTEGER, bytes_written INTEGER, pieces INTEGER,\n"
	"  skipped_zero_len INTEGER, skipped_beyond_end INTEGER,\n"
	"  first_ns INTEGER, last_ns INTEGER, end_ns INTEGER,\n"
	"  read_clean INTEGER, read_busy INTEGER, read_invalid INTEGER, read_miss INTEGER,\n"
	"  write_busy INTEGER, write_cancel INTEGER, write_invalid INTEGER, write_miss INTEGER,\n"
	"  write_done INTEGER, write_skip INTEGER,\n"
	"  cache_bypassed INTEGER, cache_evictions INTEGER, writeback_cancelled INTEGER,\n"
	"  bio_cancelled INTEGER,\n"
	"  write_clean INTEGER, lookup_failed INTEGER, lookup_busy INTEGER, cache_overruns INTEGER,\n"
	"  nr_sio INTEGER, sio_active INTEGER, cte_active INTEGER,\n"
	"  seed_crashes INTEGER, deferred INTEGER,\n"
	"  nr_cmds INTEGER, nr_ctes INTEGER, nr_cte_full INTEGER, nr_target_busy INTEGER,\n"
	"  nr_cache_busy INTEGER, num_cmd INTEGER, max_ctes INTEGER,\n"
	"  geo_block_size INTEGER, hash_bits INTEGER, cache_sectors_used INTEGER, cte_bytes INTEGER,\n"
	"  status_info TEXT, status_table TEXT,\n"
	"  read_pieces INTEGER,\n"
	"  read_hit_ratio REAL, sector_read_hit_ratio REAL,\n"
	"  iops REAL, mb_s REAL,\n"
	"  cache_util REAL, target_util REAL,\n"
	"  ssd_bytes_written INTEGER, ssd_media_bytes_written INTEGER,\n"
	"  miss_compulsory INTEGER, miss_capacity INTEGER, miss_conflict INTEGER,\n"
	"  miss_busy INTEGER, miss_policy INTEGER,\n"
	"  stale_reads INTEGER,\n"
	"  wall_seconds REAL\n"
	");\n"
	"CREATE TABLE outcomes(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  outcome TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL,\n"
	"  PRIMARY KEY(run_id, outcome)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE latency(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  scope TEXT NOT NULL CHECK(scope IN ('class','op','trace')),\n"
	"  name TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL,\n"
	"  mean_ns REAL, p50_ns REAL, p90_ns REAL, p99_ns REAL, p999_ns REAL, max_ns REAL,\n"
	"  PRIMARY KEY(run_id, scope, name)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE device_stats(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  role TEXT NOT NULL CHECK(role IN ('cache','target')),\n"
	"  nr_reads INTEGER, nr_writes INTEGER, nr_other INTEGER,\n"
	"  bytes_read INTEGER, bytes_written INTEGER, busy_ns INTEGER, util REAL,\n"
	"  mean_queue_depth REAL, media_bytes_written INTEGER, write_amplification REAL,\n"
	"  gc_runs INTEGER, erases INTEGER, seek_mean_cyl REAL, seeks INTEGER, cache_hits INTEGER,\n"
	"  PRIMARY KEY(run_id, role)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE series(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  idx INTEGER NOT NULL,\n"
	"  start_ns INTEGER NOT NULL,\n"
	"  requests INTEGER, read_pieces INTEGER, read_hits INTEGER, lat_mean_ns REAL,\n"
	"  PRIMARY KEY(run_id, idx)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE histograms(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  op TEXT NOT NULL,\n"
	"  bucket INTEGER NOT NULL,\n"
	"  lo_ns INTEGER NOT NULL,\n"
	"  hi_ns INTEGER NOT NULL,\n"
	"  count INTEGER NOT NULL,\n"
	"  PRIMARY KEY(run_id, op, bucket)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE stale_examples(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  idx INTEGER NOT NULL,\n"
	"  seq INTEGER, sector INTEGER, nsect INTEGER, submit_ns INTEGER, done_ns INTEGER,\n"
	"  first_stale_sector INTEGER, returned_version INTEGER, expected_min_version INTEGER,\n"
	"  why TEXT,\n"
	"  PRIMARY KEY(run_id, idx)\n"
	") WITHOUT ROWID;\n";

/*
 * Version 2: sweeps become first-class (a sweep id on each run, so shards of one sweep merge
 * into one), and the flat run_summary view that --where, --csv and --json read.
 */
static const char schema_v2[] =
	"CREATE TABLE sweeps(\n"
	"  sweep_id TEXT PRIMARY KEY,\n"
	"  trace_id INTEGER REFERENCES traces(trace_id),\n"
	"  started_at TEXT NOT NULL,\n"
	"  command_line TEXT,\n"
	"  nr_configs INTEGER\n"
	");\n"
	"ALTER TABLE runs ADD COLUMN sweep_id TEXT REFERENCES sweeps(sweep_id);\n"
	"CREATE INDEX runs_by_sweep ON runs(sweep_id);\n"
	"CREATE VIEW run_summary AS\n"
	"SELECT r.run_id, r.run_uuid, r.status, r.error, r.started_at, r.finished_at,\n"
	"  r.wall_seconds, r.program_version, r.hostname, r.sweep_id,\n"
	"  t.trace_id, t.path AS trace, t.fingerprint, t.format AS trace_format,\n"
	"  r.config_key, r.config_hash, r.table_line,\n"
	"  r.block_size, r.block_size * 512 AS block_bytes, r.assoc, r.mode, r.policy, r.options,\n"
	"  r.cache_size, r.cache_spec, r.cache_model, r.cache_preset,\n"
	"  r.target_size, r.target_spec, r.target_model, r.target_preset,\n"
	"  r.quirks, r.quirks_fixed, r.hz, r.speed, r.qd,\n"
	"  s.requests, s.reads, s.writes, s.pieces, s.read_pieces,\n"
	"  s.read_hit_ratio, s.sector_read_hit_ratio, s.iops, s.mb_s,\n"
	"  s.cache_util, s.target_util, s.ssd_bytes_written, s.ssd_media_bytes_written,\n"
	"  s.cache_evictions, s.write_skip, s.cache_bypassed, s.seed_crashes, s.stale_reads,\n"
	"  s.miss_compulsory, s.miss_capacity, s.miss_conflict, s.miss_busy, s.miss_policy,\n"
	"  lr.mean_ns AS read_lat_mean_ns, lr.p50_ns AS read_lat_p50_ns,\n"
	"  lr.p99_ns AS read_lat_p99_ns,\n"
	"  lw.mean_ns AS write_lat_mean_ns, lw.p50_ns AS write_lat_p50_ns,\n"
	"  lw.p99_ns AS write_lat_p99_ns,\n"
	"  s.end_ns - s.first_ns AS sim_span_ns\n"
	"FROM runs r JOIN traces t ON t.trace_id = r.trace_id\n"
	"LEFT JOIN results s ON s.run_id = r.run_id\n"
	"LEFT JOIN latency lr ON lr.run_id = r.run_id AND lr.scope = 'op' AND lr.name = 'read'\n"
	"LEFT JOIN latency lw ON lw.run_id = r.run_id AND lw.scope = 'op' AND lw.name = 'write';\n";

/*
 * Version 3: the trace's full `trace stats --json` document (footprint, sequentiality, reuse
 * distance, size and inter-arrival distributions) and the figures reports show from it.
 */
static const char schema_v3[] =
	"ALTER TABLE traces ADD COLUMN stats_json TEXT;\n"
	"ALTER TABLE traces ADD COLUMN footprint_bytes INTEGER;\n"
	"ALTER TABLE traces ADD COLUMN sequential_fraction REAL;\n"
	"ALTER TABLE traces ADD COLUMN reuse_fraction REAL;\n"
	"ALTER TABLE traces ADD COLUMN mean_request_bytes REAL;\n";

/*
 * Version 4: the warm-up (--warmup): as given and parsed (runs; NULL: none) and where counting
 * started (results: requests simulated before the first counted one, and its arrival time).
 */
static const char schema_v4[] =
	"ALTER TABLE runs ADD COLUMN warmup TEXT;\n"
	"ALTER TABLE runs ADD COLUMN warmup_requests INTEGER;\n"
	"ALTER TABLE runs ADD COLUMN warmup_time_ns INTEGER;\n"
	"ALTER TABLE runs ADD COLUMN warmup_percent REAL;\n"
	"ALTER TABLE results ADD COLUMN warmup_start_request INTEGER;\n"
	"ALTER TABLE results ADD COLUMN warmup_start_ns INTEGER;\n";

/*
 * Version 5: reference miss counts of fully associative caches (traces/mrc.h) per trace, block
 * size, capacity and policy, computed once by a sweep and drawn by the report beside the runs
 * (reports/db_refs.h). reads_only 1: only reads counted, writes insert and update recency.
 */
static const char schema_v5[] =
	"CREATE TABLE ref_curves(\n"
	"  trace_id INTEGER NOT NULL REFERENCES traces(trace_id),\n"
	"  block_bytes INTEGER NOT NULL,\n"
	"  size_bytes INTEGER NOT NULL,\n"
	"  policy TEXT NOT NULL,\n"
	"  reads_only INTEGER NOT NULL,\n"
	"  accesses INTEGER NOT NULL,\n"
	"  misses INTEGER NOT NULL,\n"
	"  PRIMARY KEY(trace_id, block_bytes, size_bytes, policy, reads_only)\n"
	");\n";

/*
 * Version 6: what a real-device replay measures beyond a run (results: open-loop submit lag,
 * late requests, real-time loop; NULL for simulated runs) and replay --predict's comparison
 * (prediction: measured against predicted latencies per operation, per piece class and over
 * every request, with the Ruemmler-Wilkes demerit; prediction_cdf: 100 quantiles of each side,
 * pct 1..100, for the CDF overlay of the report).
 */
static const char schema_v6[] =
	"ALTER TABLE results ADD COLUMN lag_p50_ns REAL;\n"
	"ALTER TABLE results ADD COLUMN lag_p99_ns REAL;\n"
	"ALTER TABLE results ADD COLUMN lag_max_ns REAL;\n"
	"ALTER TABLE results ADD COLUMN late_requests INTEGER;\n"
	"ALTER TABLE results ADD COLUMN realtime INTEGER;\n"
	"CREATE TABLE prediction(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  scope TEXT NOT NULL CHECK(scope IN ('op','class','all')),\n"
	"  name TEXT NOT NULL,\n"
	"  measured_count INTEGER, measured_mean_ns REAL, measured_p50_ns REAL, measured_p99_ns REAL,\n"
	"  predicted_count INTEGER, predicted_mean_ns REAL, predicted_p50_ns REAL,\n"
	"  predicted_p99_ns REAL,\n"
	"  demerit_pct REAL,\n"
	"  PRIMARY KEY(run_id, scope, name)\n"
	") WITHOUT ROWID;\n"
	"CREATE TABLE prediction_cdf(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  scope TEXT NOT NULL,\n"
	"  name TEXT NOT NULL,\n"
	"  side TEXT NOT NULL CHECK(side IN ('measured','predicted')),\n"
	"  pct INTEGER NOT NULL,\n"
	"  latency_ns REAL NOT NULL,\n"
	"  PRIMARY KEY(run_id, scope, name, side, pct)\n"
	") WITHOUT ROWID;\n";

/*
 * Version 7: a device model's own counters (device.h: its table) as rows of device_counters, one
 * per counter (a histogram's bins as NAME.BIN), so that a model adds counters without a schema
 * change. The per-model columns of device_stats move there: a column goes to the rows of the
 * model that had it (by runs' cache_model / target_model), and for a device of another or no
 * recorded model only when it is not 0 (0 meant "this model has none").
 */
#define V7_MOVE(col, unit, models)                                                         \
	"SELECT run_id, role, '" col "', '" unit "', " col " FROM m WHERE " col                \
	" IS NOT NULL AND (model IN (" models ") OR (coalesce(model, '') NOT IN ('ssd', 'hdd')" \
	" AND " col " != 0))"
static const char schema_v7[] =
	"CREATE TABLE device_counters(\n"
	"  run_id INTEGER NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,\n"
	"  device TEXT NOT NULL CHECK(device IN ('cache','target')),\n"
	"  name TEXT NOT NULL,\n"
	"  unit TEXT NOT NULL,\n"
	"  value NUMERIC,\n"
	"  PRIMARY KEY(run_id, device, name)\n"
	") WITHOUT ROWID;\n"
	"WITH m AS (SELECT d.*,\n"
	"  CASE d.role WHEN 'cache' THEN r.cache_model ELSE r.target_model END AS model\n"
	"  FROM device_stats d JOIN runs r ON r.run_id = d.run_id)\n"
	"INSERT INTO device_counters(run_id, device, name, unit, value)\n"
	V7_MOVE("media_bytes_written", "bytes", "'ssd'") " UNION ALL\n"
	V7_MOVE("write_amplification", "", "'ssd'") " UNION ALL\n"
	V7_MOVE("gc_runs", "", "'ssd'") " UNION ALL\n"
	V7_MOVE("erases", "", "'ssd'") " UNION ALL\n"
	V7_MOVE("seeks", "", "'hdd'") " UNION ALL\n"
	V7_MOVE("seek_mean_cyl", "cylinders", "'hdd'") " UNION ALL\n"
	V7_MOVE("cache_hits", "", "'ssd', 'hdd'") ";\n"
	"ALTER TABLE device_stats DROP COLUMN media_bytes_written;\n"
	"ALTER TABLE device_stats DROP COLUMN write_amplification;\n"
	"ALTER TABLE device_stats DROP COLUMN gc_runs;\n"
	"ALTER TABLE device_stats DROP COLUMN erases;\n"
	"ALTER TABLE device_stats DROP COLUMN seek_mean_cyl;\n"
	"ALTER TABLE device_stats DROP COLUMN seeks;\n"
	"ALTER TABLE device_stats DROP COLUMN cache_hits;\n";
#undef V7_MOVE

const char *const rep_migrations[] = {schema_v1, schema_v2, schema_v3, schema_v4, schema_v5,
				      schema_v6, schema_v7};
const size_t rep_nr_migrations = sizeof(rep_migrations) / sizeof(rep_migrations[0]);

int rep_schema_migrate(struct sqlite3 *db, int from, int to, char **errmsg)
{
	char sql[64];
	int rc;

	for (int v = from + 1; v <= to; v++) {
		rc = sqlite3_exec(db, rep_migrations[v - 1], NULL, NULL, errmsg);
		if (rc != SQLITE_OK)
			return rc;
	}
	/* PRAGMA takes no bound parameters; v is our own integer. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", to);
	return sqlite3_exec(db, sql, NULL, NULL, errmsg);
}

const char *const rep_class_names[SIM_CLASS_NR] = {
	"read_hit",   "read_miss",    "read_busy",     "read_nocache", "write_miss", "write_hit",
	"write_busy", "write_cancel", "write_nocache", "bypass",       "flush",      "discard",
};
_Static_assert(SIM_CLASS_NR == 12, "rep_class_names: a latency class was added or removed");

const char *const rep_op_names[SIM_OP_NR] = {"read", "write", "flush", "discard"};
_Static_assert(SIM_OP_NR == 4, "rep_op_names: an operation was added or removed");

const char *const rep_miss_names[MISS_NR] = {"compulsory", "capacity", "conflict", "busy",
					     "policy"};
_Static_assert(MISS_NR == 5, "rep_miss_names: a miss reason was added or removed");

const char *const rep_outcome_names[SSD_OUT_NR] = {
	"READ_CLEAN",    "READ_BUSY",     "READ_INVALID", "READ_MISS",    "WRITE_CLEAN",  "WRITE_BUSY",
	"WRITE_CANCEL",  "WRITE_INVALID", "WRITE_MISS",   "WRITE_DONE",   "WRITE_SKIP",
	"LOOKUP_FAILED", "BYPASS",        "FLUSH",        "DISCARD",      "NOMATCH",
};
_Static_assert(SSD_OUT_NR == 16, "rep_outcome_names: an outcome was added or removed");

const char *const rep_mode_names[3] = {"writethrough", "writeback", "readcache"};
_Static_assert(CACHE_MODE_READCACHE == 2, "rep_mode_names: a cache mode was added");
