/* SPDX-License-Identifier: GPL-2.0 */
/* db.h - the SQLite results store: open (create, migrate) a database and record runs in it. */
#ifndef SSDCACHE_REP_DB_H
#define SSDCACHE_REP_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"
#include "sim/trace_desc.h"

/*
 * One database file holds traces, runs (the complete configuration of each), their results,
 * time series and latency histograms (schema: docs/schema.md). The file is in WAL mode with
 * foreign keys on; every run is recorded in one transaction, so a crash or a kill loses at
 * most the run being written and never leaves half a run behind.
 *
 * Typical use by `run --db FILE`:
 *
 *	struct rep_db *db;
 *	if (rep_db_open(path, &db, err, sizeof(err)))      // before the simulation: a locked,
 *		return exit 1 with err;                        // read-only or newer database fails fast
 *	rc = sim_run(&cfg, &res, err2, sizeof(err2));
 *	if (rc == 0 && rep_db_record_run(db, &cfg, &res, err, sizeof(err)))
 *		return exit 1 with err;
 *	rep_db_close(db);
 *
 * Errors: every function that can fail returns 0 or -errno and writes a message that names
 * the file into err (never NULL; errlen > 0):
 *	-ENOENT   read-only open of a file that does not exist
 *	-EACCES   permission denied (file or directory)
 *	-EROFS    the database (or its directory, which WAL needs) is read-only
 *	-EBUSY    another process holds the database locked beyond the busy timeout
 *	-ENOSPC   disk (or database) full; the transaction was rolled back, the file is intact
 *	-EPROTO   not an ssdcache-sim database, or written by a newer schema than this program's
 *	-EINVAL   bad argument (e.g. a configuration that can not be described)
 *	-ENOMEM, -EIO  out of memory; any other SQLite failure (message has SQLite's text)
 * None of them call exit(); none keep global state. A struct rep_db is used by one thread.
 */

/* Version of the schema this program writes (PRAGMA user_version). Older files are migrated
 * forward on a read-write open; newer files are refused (-EPROTO). */
#define REP_SCHEMA_VERSION 7
/* PRAGMA application_id of our files ("SSDc"), so a foreign SQLite file is refused. */
#define REP_APPLICATION_ID 0x53534463

/* Busy timeout when another process holds the write lock (env SSDCACHE_DB_TIMEOUT_MS overrides). */
#define REP_DB_BUSY_TIMEOUT_MS 10000

struct rep_db;

/*
 * Open path for reading and writing; create it (with its schema) if it does not exist; migrate
 * an older schema forward (in one transaction). Refuses a newer schema or a foreign file.
 * On success *out owns the connection; free it with rep_db_close().
 */
int rep_db_open(const char *path, struct rep_db **out, char *err, size_t errlen);

/* Open an existing database read-only (report, db info, db merge's inputs): never creates,
 * never migrates (an older schema is readable: *version tells which). Works on a read-only
 * file or directory. version may be NULL. */
int rep_db_open_readonly(const char *path, struct rep_db **out, int *version, char *err,
			 size_t errlen);

/* Close (checkpointing the WAL when this is the last connection). NULL is a no-op. */
void rep_db_close(struct rep_db *db);

/* The file name given to open (for messages). */
const char *rep_db_path(const struct rep_db *db);

/* Schema version of the open file (after migration, for read-write opens). */
int rep_db_schema_version(const struct rep_db *db);

/* ---- traces ---- */

/* A trace is identified by struct sim_trace_desc (sim/trace_desc.h): the run that read it
 * described it, or sim_trace_describe() did (which the store calls itself only for a result
 * that does not describe its trace). */

/* ---- configurations ---- */

/* The canonical text of everything in cfg that can change a result (the engine configuration
 * cfg->engine, i.e. cfg->table parsed as sim_run gets it; device specs, HZ, jiffies0, delays,
 * speed, queue depth, interval, trace reader options, limits), e.g. "bs=64;assoc=4;mode=writeback;policy=lru;...". Two runs with
 * the same trace fingerprint and key are the same configuration: sweeps skip it, merges do not
 * copy it twice. Returns 0, or -ENOSPC when len is too small. */
int rep_config_key(const struct sim_config *cfg, char *buf, size_t len);
#define REP_CONFIG_KEY_MAX 2048

/* ---- recording runs ---- */

enum rep_run_status {
	REP_RUN_OK,      /* sim_run returned 0; res is complete */
	REP_RUN_INVALID, /* the configuration was refused (-EINVAL): it would be refused again */
	REP_RUN_FAILED,  /* runtime failure (bad trace, I/O, a killed worker): a sweep retries it */
};

/* Optional details of a run; zero-initialise, then set what you have. */
struct rep_run_info {
	const struct sim_trace_desc *trace; /* NULL: res's description, else sim_trace_describe() */
	const char *sweep_id;          /* the sweep this run belongs to, or NULL */
	const char *command_line;      /* for the record, or NULL */
	double started_at, finished_at; /* Unix time (s); 0: now - res->wall_seconds, and now */
	enum rep_run_status status;
	const char *error;             /* status != REP_RUN_OK: sim_run's message */
};

/*
 * Record one successful run: the trace (once per fingerprint), the run's configuration and
 * its results, outcome counts, latencies per class and per operation, device statistics, the
 * time series and the latency histograms, all in one transaction. The trace and the effective
 * configuration come from res (sim_config.describe_trace); only a result that does not describe
 * its trace makes the store read it (sim_trace_describe). Returns 0 or -errno (see above); on
 * failure nothing of the run is in the file.
 */
int rep_db_record_run(struct rep_db *db, const struct sim_config *cfg,
		      const struct sim_result *res, char *err, size_t errlen);

/* The same with details (res may be NULL unless info->status is REP_RUN_OK). run_id (may be
 * NULL) receives the new row's id. */
int rep_db_record_run_ex(struct rep_db *db, const struct sim_config *cfg,
			 const struct sim_result *res, const struct rep_run_info *info,
			 int64_t *run_id, char *err, size_t errlen);

/* Is the configuration (trace fingerprint + rep_config_key) recorded with status ok or invalid?
 * Returns 1, 0, or -errno. */
int rep_db_has_config(struct rep_db *db, const char *fingerprint, const char *config_key,
		      char *err, size_t errlen);

/* ---- sweeps ---- */

/* Record (or find again) a sweep: id is the caller's stable identifier. Returns 0 or -errno. */
int rep_db_record_sweep(struct rep_db *db, const char *sweep_id, const struct sim_trace_desc *trace,
			const char *command_line, unsigned nr_configs, char *err, size_t errlen);

/* ---- whole files ---- */

/* Merge the runs of the shard database at shard_path into db, idempotently: a run already
 * present (same run uuid) or a configuration already recorded ok (same fingerprint and key) is
 * not copied again. One transaction per shard; the shard is not modified (an older shard is
 * upgraded in a temporary copy). Counts go to *added and *skipped (may be NULL). */
int rep_db_merge(struct rep_db *db, const char *shard_path, unsigned *added, unsigned *skipped,
		 char *err, size_t errlen);

struct rep_db_info {
	int schema_version;
	char journal_mode[16];
	uint64_t nr_traces, nr_sweeps, nr_runs, nr_ok, nr_invalid, nr_failed;
	uint64_t nr_series_rows, nr_histogram_rows;
	char created_by[64];   /* program version that created the file */
	bool integrity_ok;     /* only when rep_db_get_info's check is true */
};
/* Counts for `db info`; check runs PRAGMA integrity_check (slow on big files). */
int rep_db_get_info(struct rep_db *db, bool check, struct rep_db_info *out, char *err,
		    size_t errlen);

#endif
