// SPDX-License-Identifier: GPL-2.0
/* db_merge.c - merging shard databases: idempotent, one transaction per shard, shards untouched. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/db_internal.h"

struct columns {
	const char *skip, *prefix;
	char *buf;
	size_t len, n;
};

static int add_column(sqlite3_stmt *st, void *arg)
{
	struct columns *x = arg;
	const char *name = (const char *)sqlite3_column_text(st, 0);

	if ((!x->skip || strcmp(name, x->skip)) && x->n < x->len)
		x->n += (size_t)snprintf(x->buf + x->n, x->len - x->n, "%s%s%s", x->n ? "," : "",
					 x->prefix, name);
	return 0;
}

/* "a,b,c" of a table's columns in main, except `skip` (the rowid we renumber). */
static int column_list(struct rep_db *db, const char *table, const char *skip, const char *prefix,
		       char *buf, size_t len, char *err, size_t errlen)
{
	struct columns x = {skip, prefix, buf, len, 0};
	int rc;

	buf[0] = '\0';
	rc = db_each(db, err, errlen, "reading the schema",
		     "SELECT name FROM pragma_table_info(?1, 'main')", add_column, &x, "t", table);
	if (rc < 0)
		return rc;
	if (x.n >= len) {
		snprintf(err, errlen, "%s: internal error: table %s has too many columns", db->path, table);
		return -EINVAL;
	}
	return 0;
}

/* Copy an older shard into a temporary file and migrate that, leaving the shard untouched. */
static int upgraded_copy(const char *shard_path, char *tmp, size_t tmplen, char *err, size_t errlen)
{
	sqlite3 *src = NULL, *dst = NULL;
	sqlite3_backup *bk;
	struct rep_db *up;
	char *uri;
	bool rw;
	int fd, rc, flags;

	snprintf(tmp, tmplen, "%s/ssdcache-merge-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: temporary copy for the upgrade: %s", shard_path, strerror(errno));
		return -errno;
	}
	close(fd);
	/* As in rep_db_merge: read-write when it can be, so SHARD-wal and SHARD-shm go away. */
	rw = access(shard_path, W_OK) == 0 && db_dir_writable(shard_path);
	uri = db_uri_for(shard_path, rw ? "mode=rw" : "mode=ro");
	flags = (rw ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_URI;
	rc = uri ? sqlite3_open_v2(uri, &src, flags, NULL) : SQLITE_NOMEM;
	free(uri);
	if (rc == SQLITE_OK)
		rc = sqlite3_open(tmp, &dst);
	if (rc == SQLITE_OK) {
		bk = sqlite3_backup_init(dst, "main", src, "main");
		if (bk) {
			sqlite3_backup_step(bk, -1);
			sqlite3_backup_finish(bk);
		}
		rc = sqlite3_errcode(dst);
	}
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "%s: copying for the upgrade: %s", shard_path,
			 dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
	sqlite3_close_v2(src);
	sqlite3_close_v2(dst);
	if (rc != SQLITE_OK) {
		unlink(tmp);
		return db_errno_of(rc);
	}
	if ((rc = rep_db_open(tmp, &up, err, errlen))) {
		unlink(tmp);
		return rc;
	}
	rep_db_close(up);
	return 0;
}

static void remove_db_files(const char *path)
{
	char side[PATH_MAX + 8];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

int rep_db_merge(struct rep_db *db, const char *shard_path, unsigned *added, unsigned *skipped,
		 char *err, size_t errlen)
{
	static const char *const children[] = {"results",    "outcomes",   "latency",
					       "device_stats", "series",   "histograms",
					       "stale_examples", "prediction", "prediction_cdf",
					       "device_counters"};
	struct rep_db *probe;
	char tmp[PATH_MAX] = "", cols[4096], scols[4096], sql[10240];
	const char *src = shard_path;
	int version, rc;
	int64_t nadd = 0, ntotal = 0;
	char *uri;

	if (added)
		*added = 0;
	if (skipped)
		*skipped = 0;
	/* Validate the shard (ours, not newer) before touching db. */
	if ((rc = rep_db_open_readonly(shard_path, &probe, &version, err, errlen)))
		return rc;
	rep_db_close(probe);
	if (version < REP_SCHEMA_VERSION) {
		if ((rc = upgraded_copy(shard_path, tmp, sizeof(tmp), err, errlen)))
			return rc;
		src = tmp;
	}
	/* Read-write when it can be (the merge only reads from it): a read-only attachment
	 * would leave SHARD-wal and SHARD-shm behind (see rep_db_open_readonly). */
	uri = db_uri_for(src, access(src, W_OK) == 0 && db_dir_writable(src) ? "mode=rw" : "mode=ro");
	if (!uri) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", shard_path);
		goto out;
	}
	rc = db_run(db, err, errlen, "attaching the shard", "ATTACH DATABASE ?1 AS shard", "t", uri);
	free(uri);
	if (rc) {
		/* the failure is the shard's: name it, not the database merged into */
		size_t n = strlen(db->path);
		char e[512];

		snprintf(e, sizeof(e), "%s", strncmp(err, db->path, n) ? err : err + n);
		snprintf(err, errlen, "%s%s", shard_path, e);
		goto out;
	}
	if ((rc = db_exec(db, "BEGIN IMMEDIATE", "starting the merge", err, errlen)))
		goto detach;

	/* Traces by fingerprint; sweeps by id (trace remapped through the fingerprint). */
	if ((rc = column_list(db, "traces", "trace_id", "", cols, sizeof(cols), err, errlen)) ||
	    (rc = column_list(db, "traces", "trace_id", "s.", scols, sizeof(scols), err, errlen)))
		goto fail;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.traces(%s) SELECT %s FROM shard.traces s "
		 "WHERE s.fingerprint NOT IN (SELECT fingerprint FROM main.traces)",
		 cols, scols);
	if ((rc = db_exec(db, sql, "merging traces", err, errlen)))
		goto fail;
	if ((rc = db_exec(db,
		       "INSERT OR IGNORE INTO main.sweeps(sweep_id, trace_id, started_at, command_line, "
		       "nr_configs) SELECT s.sweep_id, mt.trace_id, s.started_at, s.command_line, "
		       "s.nr_configs FROM shard.sweeps s LEFT JOIN shard.traces st ON st.trace_id = "
		       "s.trace_id LEFT JOIN main.traces mt ON mt.fingerprint = st.fingerprint",
		       "merging sweeps", err, errlen)))
		goto fail;

	/* The runs to copy: not already here (uuid), and not a configuration already done. */
	if ((rc = db_exec(db,
		       "CREATE TEMP TABLE IF NOT EXISTS merge_map(old INTEGER PRIMARY KEY, uuid TEXT);"
		       "DELETE FROM temp.merge_map;"
		       "INSERT INTO temp.merge_map(old, uuid) SELECT r.run_id, r.run_uuid "
		       "FROM shard.runs r JOIN shard.traces t ON t.trace_id = r.trace_id "
		       "WHERE r.run_uuid NOT IN (SELECT run_uuid FROM main.runs) "
		       "AND NOT (r.status IN ('ok','invalid') AND EXISTS (SELECT 1 FROM main.runs x "
		       "JOIN main.traces y ON y.trace_id = x.trace_id WHERE y.fingerprint = "
		       "t.fingerprint AND x.config_key = r.config_key AND x.status IN ('ok','invalid')))",
		       "choosing the runs to merge", err, errlen)))
		goto fail;
	if ((rc = column_list(db, "runs", "run_id", "", cols, sizeof(cols), err, errlen)) ||
	    (rc = column_list(db, "runs", "run_id", "r.", scols, sizeof(scols), err, errlen)))
		goto fail;
	/* r.trace_id must become main's id for the same fingerprint. */
	{
		char *p = strstr(scols, "r.trace_id");
		char tail[4096];

		if (!p) {
			snprintf(err, errlen, "%s: internal error: runs without trace_id", db->path);
			rc = -EINVAL;
			goto fail;
		}
		snprintf(tail, sizeof(tail), "%s", p + 1);
		snprintf(p, sizeof(scols) - (size_t)(p - scols), "mt%s", tail);
	}
	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.runs(%s) SELECT %s FROM shard.runs r "
		 "JOIN temp.merge_map m ON m.old = r.run_id "
		 "JOIN shard.traces st ON st.trace_id = r.trace_id "
		 "JOIN main.traces mt ON mt.fingerprint = st.fingerprint ORDER BY r.run_id",
		 cols, scols);
	if ((rc = db_exec(db, sql, "merging runs", err, errlen)))
		goto fail;
	for (size_t i = 0; i < sizeof(children) / sizeof(children[0]); i++) {
		if ((rc = column_list(db, children[i], "run_id", "", cols, sizeof(cols), err, errlen)) ||
		    (rc = column_list(db, children[i], "run_id", "c.", scols, sizeof(scols), err, errlen)))
			goto fail;
		snprintf(sql, sizeof(sql),
			 "INSERT INTO main.%s(run_id,%s) SELECT nr.run_id,%s FROM shard.%s c "
			 "JOIN temp.merge_map m ON m.old = c.run_id "
			 "JOIN main.runs nr ON nr.run_uuid = m.uuid",
			 children[i], cols, scols, children[i]);
		if ((rc = db_exec(db, sql, "merging run details", err, errlen)))
			goto fail;
	}
	if ((rc = db_query_int(db, "SELECT count(*) FROM temp.merge_map", &nadd, err, errlen)) ||
	    (rc = db_query_int(db, "SELECT count(*) FROM shard.runs", &ntotal, err, errlen)))
		goto fail;
	if ((rc = db_exec(db, "COMMIT", "committing the merge", err, errlen)))
		goto fail;
	if (added)
		*added = (unsigned)nadd;
	if (skipped)
		*skipped = (unsigned)(ntotal - nadd);
	goto detach;
fail:
	db_rollback(db);
detach:
	sqlite3_exec(db->conn, "DETACH DATABASE shard", NULL, NULL, NULL);
out:
	if (tmp[0])
		remove_db_files(tmp);
	return rc;
}

