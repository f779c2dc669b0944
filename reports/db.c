// SPDX-License-Identifier: GPL-2.0
/* db.c - the SQLite results store: open, migrate, record one run per transaction, merge shards. */
#include "reports/db.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "reports/db_schema.h"
#include "policies/policy.h"
#include "reports/rep_util.h"
#include "sim/device.h"
#include "sim/units.h"
#include "traces/stats.h"

#ifndef SSDCACHE_SIM_VERSION
#define SSDCACHE_SIM_VERSION "unknown"
#endif

struct rep_db {
	sqlite3 *conn;
	char *path;
	int version;
	bool readonly;
};

const char *rep_db_path(const struct rep_db *db)
{
	return db->path;
}

int rep_db_schema_version(const struct rep_db *db)
{
	return db->version;
}

/* SQLite's result code -> -errno, for callers that decide exit codes and wording. */
static int errno_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_READONLY:
		return -EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return -EPROTO;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return -EINVAL;
	default:
		return -EIO;
	}
}

/* A message that says what happened in words a user acts on, then SQLite's own text. */
static int db_error(const char *path, sqlite3 *conn, int rc, char *err, size_t errlen,
		    const char *what)
{
	const char *msg = conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc);
	int e = errno_of(rc);

	/* An I/O error because the disk is full (writing FILE-wal or FILE-shm) is "disk full" to
	 * the user, whatever stage SQLite was in. */
	if ((rc & 0xff) == SQLITE_IOERR && conn && sqlite3_system_errno(conn) == ENOSPC)
		e = -ENOSPC;

	switch (e) {
	case -EBUSY:
		snprintf(err, errlen,
			 "%s: %s: database is locked by another process (waited %d ms; "
			 "is a sweep or a merge writing to it?)",
			 path, what, rep_busy_timeout_ms());
		break;
	case -EROFS:
		snprintf(err, errlen,
			 "%s: %s: database is read-only (the file and its directory must be "
			 "writable: WAL mode keeps FILE-wal and FILE-shm beside it)",
			 path, what);
		break;
	case -ENOSPC:
		snprintf(err, errlen,
			 "%s: %s: disk full (%s); the transaction was rolled back, the database is "
			 "unchanged",
			 path, what, msg);
		break;
	case -EPROTO:
		snprintf(err, errlen, "%s: %s: not a SQLite database, or damaged (%s)", path, what,
			 msg);
		break;
	default:
		snprintf(err, errlen, "%s: %s: %s", path, what, msg);
		break;
	}
	return e;
}

int rep_busy_timeout_ms(void)
{
	const char *s = getenv("SSDCACHE_DB_TIMEOUT_MS");
	char *end;
	long v;

	if (!s || !*s)
		return REP_DB_BUSY_TIMEOUT_MS;
	v = strtol(s, &end, 10);
	if (*end || v < 0 || v > INT_MAX)
		return REP_DB_BUSY_TIMEOUT_MS;
	return (int)v;
}

static int exec(struct rep_db *db, const char *sql, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_error(db->path, db->conn, rc, err, errlen, what);
}

/* One integer from a statement without parameters (PRAGMAs, counts). */
static int query_int(struct rep_db *db, const char *sql, int64_t *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL);

	if (rc != SQLITE_OK)
		return db_error(db->path, db->conn, rc, err, errlen, "reading the database");
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(st, 0);
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		*out = 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_OK ? 0 : db_error(db->path, db->conn, rc, err, errlen, "reading the database");
}

static void rollback(struct rep_db *db)
{
	/* After SQLITE_FULL / IOERR SQLite may already have rolled back: ignore "no transaction". */
	if (!sqlite3_get_autocommit(db->conn))
		sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
}

/* Is this file ours (or an empty file SQLite just made)? Reads application_id, user_version. */
static int check_identity(struct rep_db *db, bool *is_empty, char *err, size_t errlen)
{
	int64_t app, ver, nobj;
	int rc;

	if ((rc = query_int(db, "PRAGMA application_id", &app, err, errlen)))
		return rc;
	if ((rc = query_int(db, "PRAGMA user_version", &ver, err, errlen)))
		return rc;
	if ((rc = query_int(db, "SELECT count(*) FROM sqlite_schema", &nobj, err, errlen)))
		return rc;
	*is_empty = (app == 0 && ver == 0 && nobj == 0);
	if (*is_empty)
		return 0;
	if (app != REP_APPLICATION_ID) {
		snprintf(err, errlen,
			 "%s: not an ssdcache-sim results database (a SQLite file with application_id "
			 "%" PRId64 " and %" PRId64 " schema objects)",
			 db->path, app, nobj);
		return -EPROTO;
	}
	if (ver > REP_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "%s: written by a newer ssdcache-sim (schema version %" PRId64
			 "; this program knows up to %d): upgrade ssdcache-sim to use it",
			 db->path, ver, REP_SCHEMA_VERSION);
		return -EPROTO;
	}
	if (ver < 1) {
		snprintf(err, errlen, "%s: ssdcache-sim database without a schema version", db->path);
		return -EPROTO;
	}
	db->version = (int)ver;
	return 0;
}

/* Create or migrate under a write lock; re-read the version inside the transaction because
 * another process may have done it between our check and the lock. */
static int migrate(struct rep_db *db, char *err, size_t errlen)
{
	int64_t ver, app;
	char *msg = NULL;
	char sql[96];
	int rc;

	if ((rc = exec(db, "BEGIN IMMEDIATE", "starting the schema update", err, errlen)))
		return rc;
	if ((rc = query_int(db, "PRAGMA user_version", &ver, err, errlen)) ||
	    (rc = query_int(db, "PRAGMA application_id", &app, err, errlen)))
		goto fail;
	if (ver > REP_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: written by a newer ssdcache-sim (schema version %" PRId64
			 "; this program knows up to %d)", db->path, ver, REP_SCHEMA_VERSION);
		rc = -EPROTO;
		goto fail;
	}
	if (ver < REP_SCHEMA_VERSION) {
		rc = rep_schema_migrate(db->conn, (int)ver, REP_SCHEMA_VERSION, &msg);
		if (rc != SQLITE_OK) {
			char what[128];

			snprintf(what, sizeof(what), "migrating schema %" PRId64 " to %d", ver,
				 REP_SCHEMA_VERSION);
			rc = db_error(db->path, db->conn, rc, err, errlen, what);
			sqlite3_free(msg);
			goto fail;
		}
	}
	if (app == 0) {
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", REP_APPLICATION_ID);
		if ((rc = exec(db, sql, "setting the application id", err, errlen)))
			goto fail;
	}
	if (ver == 0) {
		sqlite3_stmt *st;
		char now[40];

		rep_format_time(rep_now(), now, sizeof(now));
		rc = sqlite3_prepare_v2(db->conn,
					"INSERT INTO meta(key, value) VALUES ('created_by', ?1), "
					"('created_at', ?2)",
					-1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, SSDCACHE_SIM_VERSION, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
		if (rc != SQLITE_OK) {
			rc = db_error(db->path, db->conn, rc, err, errlen, "creating the schema");
			goto fail;
		}
	}
	if ((rc = exec(db, "COMMIT", "committing the schema update", err, errlen)))
		goto fail;
	db->version = REP_SCHEMA_VERSION;
	return 0;
fail:
	rollback(db);
	return rc;
}

/* Paths starting with "file:" would be read as URIs (we open with SQLITE_OPEN_URI for the
 * read-only fallback): make them plain relative paths. */
static char *plain_path(const char *path)
{
	size_t n = strlen(path) + 3;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s%s", strncmp(path, "file:", 5) ? "" : "./", path);
	return p;
}

static int db_alloc(const char *path, struct rep_db **out, char *err, size_t errlen)
{
	struct rep_db *db = calloc(1, sizeof(*db));

	if (!db || !(db->path = strdup(path))) {
		free(db);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	*out = db;
	return 0;
}

int rep_db_open(const char *path, struct rep_db **out, char *err, size_t errlen)
{
	struct rep_db *db;
	bool empty = false;
	char *fname;
	int64_t dummy;
	int rc;

	*out = NULL;
	if ((rc = db_alloc(path, &db, err, errlen)))
		return rc;
	fname = plain_path(path);
	if (!fname) {
		rep_db_close(db);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	/* Say "read-only" before SQLite does: it would open a write-protected file read-only and
	 * only fail at the first write, after a whole simulation. */
	if (access(path, F_OK) == 0 && access(path, W_OK) != 0) {
		snprintf(err, errlen, "%s: database is read-only (%s)", path, strerror(errno));
		rc = errno == EACCES ? -EROFS : -errno;
		goto fail;
	}
	rc = sqlite3_open_v2(fname, &db->conn,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if ((rc & 0xff) == SQLITE_CANTOPEN) {
			int e = errno;

			snprintf(err, errlen, "%s: can not open or create the database (%s)", path,
				 e ? strerror(e) : "check the directory exists and is writable");
			rc = e == EACCES || e == EROFS ? -EROFS : -ENOENT;
		} else {
			rc = db_error(path, db->conn, rc, err, errlen, "opening");
		}
		goto fail;
	}
	sqlite3_extended_result_codes(db->conn, 1);
	sqlite3_busy_timeout(db->conn, rep_busy_timeout_ms());
	if (sqlite3_db_readonly(db->conn, "main") == 1) {
		snprintf(err, errlen, "%s: database is read-only", path);
		rc = -EROFS;
		goto fail;
	}
	if ((rc = check_identity(db, &empty, err, errlen)))
		goto fail;
	/* WAL: readers (report) never block the sweep's writer, and a killed writer leaves a WAL
	 * that the next open rolls back or forward, never a torn file. synchronous=NORMAL is
	 * safe against process crashes; a power loss may lose the last runs, not corrupt. */
	if ((rc = query_int(db, "PRAGMA journal_mode = WAL", &dummy, err, errlen)))
		goto fail;
	if ((rc = exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
		       "configuring the connection", err, errlen)))
		goto fail;
	if (empty || db->version < REP_SCHEMA_VERSION) {
		if ((rc = migrate(db, err, errlen)))
			goto fail;
	}
	free(fname);
	*out = db;
	return 0;
fail:
	free(fname);
	rep_db_close(db);
	return rc;
}

/* Can FILE-wal and FILE-shm be created (and removed) beside path? */
static bool dir_writable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	if (!slash)
		return access(".", W_OK) == 0;
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return access(dir, W_OK) == 0;
}

/* "file:" URI for path with '%', '?', '#' escaped, plus query. */
static char *uri_for(const char *path, const char *query)
{
	size_t n = strlen(path) * 3 + strlen(query) + 16;
	char *u = malloc(n), *p;

	if (!u)
		return NULL;
	p = u + sprintf(u, "file:");
	for (const char *s = path; *s; s++) {
		if (*s == '%' || *s == '?' || *s == '#')
			p += sprintf(p, "%%%02X", (unsigned char)*s);
		else
			*p++ = *s;
	}
	sprintf(p, "?%s", query);
	return u;
}

int rep_db_open_readonly(const char *path, struct rep_db **out, int *version, char *err,
			 size_t errlen)
{
	/* First, when the file and its directory are writable, as a read-write connection that
	 * refuses writes (query_only): a read-only connection can create FILE-wal and FILE-shm
	 * but never remove them, while the last read-write connection to close checkpoints and
	 * removes both, so a report leaves the directory as it found it. Then as a plain reader
	 * (sees a writer's committed runs through the WAL); if the directory is read-only SQLite
	 * can not create FILE-shm, so fall back to immutable=1, which reads the file as it is
	 * without locks. */
	static const char *const queries[] = {"mode=rw", "mode=ro", "mode=ro&immutable=1"};
	struct rep_db *db;
	bool empty, writable = access(path, W_OK) == 0 && dir_writable(path);
	int rc = 0;

	*out = NULL;
	if (access(path, F_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: can not read the database (%s)", path, strerror(errno));
		return -EACCES;
	}
	for (size_t i = writable ? 0 : 1; i < 3; i++) {
		char *uri = uri_for(path, queries[i]);
		int flags = i == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;

		if (!uri) {
			snprintf(err, errlen, "%s: out of memory", path);
			return -ENOMEM;
		}
		if ((rc = db_alloc(path, &db, err, errlen))) {
			free(uri);
			return rc;
		}
		db->readonly = true;
		rc = sqlite3_open_v2(uri, &db->conn, flags | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
		free(uri);
		if (rc == SQLITE_OK) {
			sqlite3_extended_result_codes(db->conn, 1);
			sqlite3_busy_timeout(db->conn, rep_busy_timeout_ms());
			rc = i == 0 ? exec(db, "PRAGMA query_only = 1", "opening", err, errlen) : 0;
			if (rc == 0)
				rc = check_identity(db, &empty, err, errlen);
			if (rc == 0 && empty) {
				snprintf(err, errlen, "%s: empty file, not an ssdcache-sim database", path);
				rc = -EPROTO;
			}
		} else {
			rc = db_error(path, db->conn, rc, err, errlen, "opening read-only");
		}
		if (rc == 0)
			break;
		rep_db_close(db);
		db = NULL;
		/* Only a failure to open the WAL index justifies the immutable retry; the
		 * read-write attempt is an optimisation and any failure of it falls back. */
		if (i > 0 && rc != -ENOENT && rc != -EROFS && rc != -EACCES && rc != -EIO)
			return rc;
	}
	if (rc)
		return rc;
	sqlite3_exec(db->conn, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	if (version)
		*version = db->version;
	*out = db;
	return 0;
}

void rep_db_close(struct rep_db *db)
{
	if (!db)
		return;
	if (db->conn)
		sqlite3_close_v2(db->conn);
	free(db->path);
	free(db);
}

sqlite3 *rep_db_conn(struct rep_db *db)
{
	return db->conn;
}

/* ---- traces ---- */

/* Add the bytes of file to h. Returns 0 or -errno with a message naming the file. */
static int hash_file(struct rep_hash *h, uint8_t *buf, const char *file, char *err, size_t errlen)
{
	ssize_t n;
	int fd, rc = 0;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return rc;
	}
	while ((n = read(fd, buf, REP_HASH_CHUNK)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			snprintf(err, errlen, "%s: read: %s", file, strerror(errno));
			break;
		}
		rep_hash_update(h, buf, (size_t)n);
	}
	close(fd);
	return rc;
}

int rep_trace_identify(const char *path, const struct trc_opts *opts, struct rep_trace *out,
		       char *err, size_t errlen)
{
	struct rep_hash h;
	char **files = NULL;
	uint8_t *buf;
	int nfiles, rc = 0;

	(void)opts;
	memset(out, 0, sizeof(*out));
	out->path = path;
	/* The files the reader reads: path, or the per-CPU files of the blktrace capture NAME;
	 * the fingerprint is that of their bytes in reading order. */
	nfiles = trc_source_files(path, &files);
	if (nfiles < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-nfiles));
		return nfiles;
	}
	buf = malloc(REP_HASH_CHUNK);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		rc = -ENOMEM;
	}
	rep_hash_init(&h);
	for (int i = 0; i < nfiles && !rc; i++)
		rc = hash_file(&h, buf, files[i], err, errlen);
	for (int i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	free(buf);
	if (rc)
		return rc;
	out->size_bytes = h.len;
	rep_hash_fingerprint(&h, out->fingerprint, sizeof(out->fingerprint));
	return 0;
}

int rep_trace_stats_json(const char *path, const struct trc_opts *opts, char **json, char *err,
			 size_t errlen)
{
	struct trc_opts o = opts ? *opts : (struct trc_opts){0};
	struct trc_stats *st = NULL;
	struct trc *t = NULL;
	struct trc_rec rec;
	enum trc_status s;
	char *buf = NULL;
	size_t len = 0;
	uint32_t dev;
	bool has_dev;
	FILE *mem;
	int rc;

	*json = NULL;
	if ((rc = trc_open(&t, path, &o, err, errlen)))
		return rc;
	if (trc_stats_new(&st, &(struct trc_stats_opts){0})) {
		trc_close(t);
		snprintf(err, errlen, "%s: out of memory for the trace statistics", path);
		return -ENOMEM;
	}
	while ((s = trc_next(t, &rec)) == TRC_OK)
		trc_stats_add(st, &rec);
	if (s == TRC_EBAD) {
		snprintf(err, errlen, "%s", trc_error(t));
		rc = -EINVAL;
		goto out;
	}
	mem = open_memstream(&buf, &len);
	if (!mem) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory for the trace statistics", path);
		goto out;
	}
	has_dev = trc_device(t, &dev);
	trc_stats_print(st, mem, true, path, trc_format_name(t), trc_event(t), has_dev ? &dev : NULL,
			trc_counts(t));
	if (fclose(mem) || !buf) {
		free(buf);
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory for the trace statistics", path);
		goto out;
	}
	*json = buf;
out:
	trc_stats_free(st);
	trc_close(t);
	return rc;
}

/* ---- configurations ---- */

static const char *policy_name(const struct ssdcache_config *e)
{
	return e->policy ? e->policy->name : "lfu";
}

static const char *mode_name(enum ssdcache_mode_t m)
{
	return (unsigned)m < 3 ? rep_mode_names[m] : "unknown";
}

static void options_text(const struct ssdcache_options *o, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
#define OPT_FLAG(f)                                                                       \
	do {                                                                              \
		if (o->f && n < len)                                                      \
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "", #f); \
	} while (0)
	OPT_FLAG(async_lookup);
	OPT_FLAG(disable_writeback);
	OPT_FLAG(queue_busy);
	OPT_FLAG(skip_write_insert);
	OPT_FLAG(evict_on_write);
	OPT_FLAG(cmd_preload);
#undef OPT_FLAG
	if (o->admit.n && n < len) { /* extension: admission rules (policies/admit.c) */
		char adm[160];
		n += (size_t)snprintf(buf + n, len - n, "%sadmit=%s", n ? "," : "",
				      pol_admit_format(&o->admit, adm, sizeof(adm)));
	}
}

/* The engine configuration a run used: cfg->engine with cfg->table applied. Whether the
 * caller parsed the table into cfg->engine already or left it to sim_run, applying it again
 * gives the same result (the table only sets fields). A table that does not parse leaves
 * cfg->engine as it is (such a run is recorded as invalid anyway). */
static void effective_engine(const struct sim_config *cfg, struct ssdcache_config *out)
{
	char e[256];

	*out = cfg->engine;
	if (cfg->table[0] && ssdcache_parse_table(out, cfg->table, e, sizeof(e), NULL, NULL))
		*out = cfg->engine;
}

int rep_config_key(const struct sim_config *cfg, char *buf, size_t len)
{
	struct ssdcache_config eng;
	const struct ssdcache_config *e = &eng;
	char opts[160], dev[32];
	int n;

	effective_engine(cfg, &eng);
	options_text(&e->options, opts, sizeof(opts));
	if (cfg->trace.has_device)
		snprintf(dev, sizeof(dev), "%u:%u", TRC_MAJOR(cfg->trace.device),
			 TRC_MINOR(cfg->trace.device));
	else
		dev[0] = '\0';
	/* Parsed fields, not the table's text: "blocksize 64" and "assoc 4 blocksize 64" are the
	 * same configuration when 4 is the default. */
	n = snprintf(buf, len,
		     "bs=%lu;assoc=%u;mode=%s;policy=%s;opts=%s;quirks=%#" PRIx64 ";hash=%d;"
		     "seed_crash=%d;bs_overflow=%d;odd_bs=%d;cache=%s;target=%s;hz=%u;jiffies0=%" PRIu64
		     ";wq_delay=%" PRIu64 ";map_cost=%" PRIu64 ";speed=%.17g;qd=%u;interval=%" PRIu64
		     ";max_requests=%" PRIu64 ";verify=%d;explain=%d;fmt=%s;event=%c;dev=%s;lenient=%d",
		     e->block_size, e->options.assoc, mode_name(e->options.mode), policy_name(e), opts,
		     (uint64_t)e->fixed, (int)e->hash, (int)e->seed_crash, (int)e->bs_overflow,
		     (int)e->odd_blocksize, cfg->cache_spec, cfg->target_spec, cfg->hz,
		     cfg->jiffies0, cfg->wq_delay_ns, cfg->map_cost_ns, cfg->speed, cfg->qd,
		     cfg->interval_ns, cfg->max_requests, (int)cfg->verify, (int)cfg->explain_misses,
		     cfg->trace.format ? cfg->trace.format : "auto",
		     cfg->trace.event ? cfg->trace.event : 'Q', dev, (int)cfg->trace.lenient);
	/* The CSV readers' options change the requests: part of the key when given (and only
	 * then, so that keys recorded before they existed still match). */
	if (n >= 0 && (size_t)n < len && (cfg->trace.time_unit || cfg->trace.csv))
		n += snprintf(buf + n, len - (size_t)n, ";time_unit=%s;csv=%s",
			      trc_time_unit_name(cfg->trace.time_unit),
			      cfg->trace.csv ? cfg->trace.csv : "");
	if (n >= 0 && (size_t)n < len && e->seed) /* only when given: older keys stay the same */
		n += snprintf(buf + n, len - (size_t)n, ";seed=%" PRIu64, e->seed);
	if (n >= 0 && (size_t)n < len && cfg->warmup.kind) /* the same: only when given */
		n += snprintf(buf + n, len - (size_t)n, ";warmup=%s", cfg->warmup.spec);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

/* ---- rows ---- */

enum col_type { C_NULL, C_INT, C_REAL, C_TEXT };

struct col {
	const char *name;
	enum col_type type;
	int64_t i;
	double d;
	const char *s;
};

#define CI(n, v) ((struct col){.name = (n), .type = C_INT, .i = (int64_t)(v)})
#define CD(n, v) ((struct col){.name = (n), .type = C_REAL, .d = (double)(v)})
#define CS(n, v) col_text((n), (v))
#define CN(n) ((struct col){.name = (n), .type = C_NULL})

/* A function, not a macro: NULL text becomes SQL NULL. */
static inline struct col col_text(const char *name, const char *v)
{
	return (struct col){.name = name, .type = v ? C_TEXT : C_NULL, .s = v};
}

/* INSERT one row; table and column names are this file's constants, values are bound. */
static int insert_row(struct rep_db *db, const char *table, const struct col *cols, size_t n,
		      int64_t *rowid, char *err, size_t errlen)
{
	char sql[4096];
	size_t off;
	sqlite3_stmt *st;
	int rc;

	off = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO %s(", table);
	for (size_t i = 0; i < n && off < sizeof(sql); i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s%s", i ? "," : "", cols[i].name);
	for (size_t i = 0; i < n && off < sizeof(sql); i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s", i ? ",?" : ") VALUES(?");
	if (off + 2 >= sizeof(sql)) {
		snprintf(err, errlen, "%s: internal error: INSERT INTO %s too long", db->path, table);
		return -EINVAL;
	}
	strcat(sql, ")");
	rc = sqlite3_prepare_v2(db->conn, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_error(db->path, db->conn, rc, err, errlen, "preparing a row");
	for (size_t i = 0; i < n; i++) {
		int p = (int)i + 1;

		switch (cols[i].type) {
		case C_NULL:
			sqlite3_bind_null(st, p);
			break;
		case C_INT:
			sqlite3_bind_int64(st, p, cols[i].i);
			break;
		case C_REAL:
			/* NaN would be stored as NULL anyway; say so explicitly. */
			if (cols[i].d != cols[i].d)
				sqlite3_bind_null(st, p);
			else
				sqlite3_bind_double(st, p, cols[i].d);
			break;
		case C_TEXT:
			sqlite3_bind_text(st, p, cols[i].s, -1, SQLITE_TRANSIENT);
			break;
		}
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		char what[96];

		snprintf(what, sizeof(what), "writing to table %s", table);
		return db_error(db->path, db->conn, rc, err, errlen, what);
	}
	if (rowid)
		*rowid = sqlite3_last_insert_rowid(db->conn);
	return 0;
}

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* Find the trace by fingerprint or add it; fill its statistics from the first result. */
static int upsert_trace(struct rep_db *db, const struct rep_trace *t, const struct sim_config *cfg,
			const struct sim_result *res, const char *stats_json, int64_t *trace_id,
			char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;
	bool have_stats = false;

	rc = sqlite3_prepare_v2(db->conn,
				"SELECT trace_id, records IS NOT NULL FROM traces WHERE fingerprint = ?1",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_error(db->path, db->conn, rc, err, errlen, "looking up the trace");
	sqlite3_bind_text(st, 1, t->fingerprint, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*trace_id = sqlite3_column_int64(st, 0);
		have_stats = sqlite3_column_int(st, 1);
		rc = SQLITE_DONE;
	} else if (rc == SQLITE_DONE) {
		*trace_id = 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db->path, db->conn, rc, err, errlen, "looking up the trace");
	if (!*trace_id) {
		char now[40];
		const char *fmt = t->format[0] ? t->format : (res ? res->trace_format : "");
		struct col c[] = {
			CS("fingerprint", t->fingerprint), CS("path", t->path ? t->path : cfg->trace_path),
			CS("format", fmt), CI("size_bytes", t->size_bytes), CS("added_at", now),
		};

		rep_format_time(rep_now(), now, sizeof(now));
		if ((rc = insert_row(db, "traces", c, NCOLS(c), trace_id, err, errlen)))
			return rc;
	}
	if (stats_json) {
		/* The `trace stats` document, and the figures reports show from it (SQLite's JSON1). */
		rc = sqlite3_prepare_v2(db->conn,
					"UPDATE traces SET stats_json = ?2, "
					"footprint_bytes = json_extract(?2, '$.footprint_bytes'), "
					"sequential_fraction = json_extract(?2, '$.sequential_fraction'), "
					"reuse_fraction = json_extract(?2, '$.reuse.reuse_fraction'), "
					"mean_request_bytes = json_extract(?2, '$.size_bytes.mean') "
					"WHERE trace_id = ?1 AND stats_json IS NULL",
					-1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, *trace_id);
			sqlite3_bind_text(st, 2, stats_json, -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
		if (rc != SQLITE_OK)
			return db_error(db->path, db->conn, rc, err, errlen, "recording the trace statistics");
	}
	if (have_stats || !res)
		return 0;
	/* The trace statistics as the reader saw them with this run's reader options. */
	{
		const struct trc_counts *tc = &res->trace_counts;
		char opts[64], dev[24] = "";
		static const char upd[] =
			"UPDATE traces SET stats_opts=?2, records=?3, reads=?4, writes=?5, flushes=?6,"
			" discards=?7, bytes_read=?8, bytes_written=?9, first_ns=?10, last_ns=?11,"
			" duration_s=?12, skipped_lines=?13, skipped_bad=?14, skipped_zoned=?15,"
			" skipped_other_dev=?16, reordered=?17, inversions=?18, remaps=?19,"
			" dev_lat_count=?20, dev_lat_mean_ns=?21, dev_lat_p50_ns=?22, dev_lat_p99_ns=?23,"
			" format = CASE WHEN format = '' THEN ?24 ELSE format END"
			" WHERE trace_id=?1";
		int64_t v[] = {
			(int64_t)tc->records, (int64_t)res->reads, (int64_t)res->writes,
			(int64_t)res->flushes, (int64_t)res->discards, (int64_t)res->bytes_read,
			(int64_t)res->bytes_written, (int64_t)res->first_ns, (int64_t)res->last_ns,
		};
		int64_t v2[] = {
			(int64_t)tc->skipped_lines, (int64_t)tc->skipped_bad, (int64_t)tc->skipped_zoned,
			(int64_t)tc->skipped_other_dev, (int64_t)tc->reordered, (int64_t)tc->inversions,
			(int64_t)tc->remaps,
		};

		if (cfg->trace.has_device)
			snprintf(dev, sizeof(dev), ",device=%u:%u", TRC_MAJOR(cfg->trace.device),
				 TRC_MINOR(cfg->trace.device));
		snprintf(opts, sizeof(opts), "event=%c%s%s", cfg->trace.event ? cfg->trace.event : 'Q',
			 dev, cfg->max_requests ? ",truncated" : "");
		rc = sqlite3_prepare_v2(db->conn, upd, -1, &st, NULL);
		if (rc != SQLITE_OK)
			return db_error(db->path, db->conn, rc, err, errlen, "updating the trace");
		sqlite3_bind_int64(st, 1, *trace_id);
		sqlite3_bind_text(st, 2, opts, -1, SQLITE_TRANSIENT);
		for (int i = 0; i < 9; i++)
			sqlite3_bind_int64(st, 3 + i, v[i]);
		sqlite3_bind_double(st, 12, (double)(res->last_ns - res->first_ns) / 1e9);
		for (int i = 0; i < 7; i++)
			sqlite3_bind_int64(st, 13 + i, v2[i]);
		sqlite3_bind_int64(st, 20, (int64_t)res->trace_lat.count);
		if (res->trace_lat.count) {
			sqlite3_bind_double(st, 21, res->trace_lat.mean_ns);
			sqlite3_bind_double(st, 22, res->trace_lat.p50_ns);
			sqlite3_bind_double(st, 23, res->trace_lat.p99_ns);
		}
		sqlite3_bind_text(st, 24, res->trace_format, -1, SQLITE_TRANSIENT);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_error(db->path, db->conn, rc, err, errlen, "updating the trace");
	}
	return 0;
}

/* Model, preset and size of a device spec, resolved as dev_create() does (user option, else
 * the preset's, else the model's default) but without creating the device: a model's init may
 * allocate memory in proportion to its size (an SSD's mapping table). */
struct dev_desc {
	char model[32], preset[32];
	bool has_size;
	uint64_t size_bytes;
};

/* The value of key= in a "k=v,k=v" list, copied into buf; false if absent. */
static bool opt_value(const char *list, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = strcspn(p + kl + 1, ",");

			snprintf(buf, len, "%.*s", (int)vl, p + kl + 1);
			return true;
		}
	}
	return false;
}

static void describe_dev(const char *spec, struct dev_desc *out)
{
	const char *colon = strchr(spec, ':');
	const char *opts = colon ? colon + 1 : "";
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	const struct dev_ops *ops;
	const struct dev_preset *pr = NULL;
	char size[64] = "";

	memset(out, 0, sizeof(*out));
	snprintf(out->model, sizeof(out->model), "%.*s", (int)(n < 31 ? n : 31), spec);
	ops = dev_find(out->model);
	if (!ops) {
		/* a replay's real device, "file:PATH,size=BYTES": its measured size */
		out->has_size = opt_value(opts, "size", size, sizeof(size)) && parse_size(size, &out->size_bytes) == 0;
		return;
	}
	if (!opt_value(opts, "preset", out->preset, sizeof(out->preset)) && ops->default_preset)
		snprintf(out->preset, sizeof(out->preset), "%s", ops->default_preset);
	for (const struct dev_preset *p = ops->presets; out->preset[0] && p && p->name; p++)
		if (!strcmp(p->name, out->preset))
			pr = p;
	if (!opt_value(opts, "size", size, sizeof(size)) &&
	    !(pr && opt_value(pr->options, "size", size, sizeof(size)))) {
		for (const struct opt *o = ops->opts; o && o->name; o++)
			if (!strcmp(o->name, "size") && o->def)
				snprintf(size, sizeof(size), "%s", o->def);
	}
	out->has_size = size[0] && parse_size(size, &out->size_bytes) == 0;
}

/* "seed=..." options of the device specs: the runs' random seeds, for the record. */
static void seeds_text(const struct sim_config *cfg, char *buf, size_t len)
{
	const char *specs[2] = {cfg->cache_spec, cfg->target_spec};
	const char *roles[2] = {"cache", "target"};
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 2; i++) {
		const char *p = specs[i];

		while ((p = strstr(p, "seed="))) {
			size_t vl = strcspn(p + 5, ",");

			if ((p == specs[i] || p[-1] == ',' || p[-1] == ':') && n < len)
				n += (size_t)snprintf(buf + n, len - n, "%s%s:seed=%.*s", n ? " " : "",
						      roles[i], (int)vl, p + 5);
			p += 5;
		}
	}
}

static int insert_run(struct rep_db *db, const struct sim_config *cfg,
		      const struct sim_result *res, const struct rep_run_info *info, int64_t trace_id,
		      int64_t *run_id, char *err, size_t errlen)
{
	static const char *const status_names[] = {"ok", "invalid", "failed"};
	struct ssdcache_config eng;
	const struct ssdcache_config *e = &eng;
	char key[REP_CONFIG_KEY_MAX], khash[24], uuid[40], started[40], finished[40];
	char host[256] = "", opts[160], quirks[200], seeds[256], table_line[1024], dev[24] = "";
	char event[2] = {cfg->trace.event ? cfg->trace.event : 'Q', '\0'};
	struct dev_desc cd, td;
	double t1, t0;
	int rc;

	effective_engine(cfg, &eng);
	if ((rc = rep_config_key(cfg, key, sizeof(key)))) {
		snprintf(err, errlen, "%s: the configuration is too long to record", db->path);
		return -EINVAL;
	}
	rep_hash_text(key, khash, sizeof(khash));
	if ((rc = rep_uuid(uuid, sizeof(uuid)))) {
		snprintf(err, errlen, "%s: no random bytes for a run id (%s)", db->path, strerror(-rc));
		return rc;
	}
	t1 = info->finished_at > 0 ? info->finished_at : rep_now();
	t0 = info->started_at > 0 ? info->started_at : t1 - (res ? res->wall_seconds : 0);
	rep_format_time(t0, started, sizeof(started));
	rep_format_time(t1, finished, sizeof(finished));
	gethostname(host, sizeof(host) - 1);
	options_text(&e->options, opts, sizeof(opts));
	quirks_format(e->fixed, quirks, sizeof(quirks)); /* what users type: seed, fixed-Q1 */
	seeds_text(cfg, seeds, sizeof(seeds));
	describe_dev(cfg->cache_spec, &cd);
	describe_dev(cfg->target_spec, &td);
	/* The dm table line the run stands for: "0 <target sectors> ssdcache <target> <cache> ..." */
	snprintf(table_line, sizeof(table_line), "0 %" PRIu64 " ssdcache %s %s %s",
		 td.size_bytes / 512, cfg->target_name ? cfg->target_name : "target",
		 cfg->cache_name ? cfg->cache_name : "cache", cfg->table);
	if (cfg->trace.has_device)
		snprintf(dev, sizeof(dev), "%u:%u", TRC_MAJOR(cfg->trace.device),
			 TRC_MINOR(cfg->trace.device));
	{
		static const char *const hashes[] = {"linux31", "modern"};
		static const char *const crashes[] = {"continue", "abort"};
		static const char *const overflows[] = {"refuse", "emulate"};
		struct col c[] = {
			CS("run_uuid", uuid),
			CI("trace_id", trace_id),
			CS("config_key", key),
			CS("config_hash", khash),
			CS("status", status_names[info->status]),
			CS("error", info->status == REP_RUN_OK ? NULL : info->error),
			CS("started_at", started),
			CS("finished_at", finished),
			res ? CD("wall_seconds", res->wall_seconds) : CD("wall_seconds", t1 - t0),
			CS("program_version", SSDCACHE_SIM_VERSION),
			CS("hostname", host),
			CS("command_line", info->command_line),
			CS("trace_path", info->trace && info->trace->path ? info->trace->path
									  : cfg->trace_path),
			CS("trace_format_opt", cfg->trace.format ? cfg->trace.format : "auto"),
			CS("trace_event", event),
			CS("trace_device", dev[0] ? dev : NULL),
			CI("trace_lenient", cfg->trace.lenient),
			CS("table_line", table_line),
			CS("table_args", cfg->table),
			CI("block_size", e->block_size),
			CI("assoc", e->options.assoc),
			CS("mode", mode_name(e->options.mode)),
			CS("policy", policy_name(e)),
			CS("options", opts),
			cd.has_size ? CI("cache_size", cd.size_bytes) : CN("cache_size"),
			CS("cache_spec", cfg->cache_spec),
			CS("cache_model", cd.model),
			CS("cache_preset", cd.preset[0] ? cd.preset : NULL),
			td.has_size ? CI("target_size", td.size_bytes) : CN("target_size"),
			CS("target_spec", cfg->target_spec),
			CS("target_model", td.model),
			CS("target_preset", td.preset[0] ? td.preset : NULL),
			CS("quirks", quirks),
			CI("quirks_fixed", e->fixed),
			CS("hash_variant", hashes[e->hash == HASH_MODERN]),
			CS("seed_crash", crashes[e->seed_crash == SEED_CRASH_ABORT]),
			CS("bs_overflow", overflows[e->bs_overflow == BS_OVERFLOW_EMULATE]),
			CI("odd_blocksize", e->odd_blocksize),
			CI("hz", cfg->hz),
			CI("jiffies0", cfg->jiffies0),
			CI("wq_delay_ns", cfg->wq_delay_ns),
			CI("map_cost_ns", cfg->map_cost_ns),
			CD("speed", cfg->speed),
			CI("qd", cfg->qd),
			CI("interval_ns", cfg->interval_ns),
			CI("verify", cfg->verify),
			CI("explain_misses", cfg->explain_misses),
			CI("max_requests", cfg->max_requests),
			/* the warm-up (NULL: none) */
			CS("warmup", cfg->warmup.kind ? cfg->warmup.spec : NULL),
			cfg->warmup.kind == WARMUP_REQUESTS ? CI("warmup_requests", cfg->warmup.requests)
							    : CN("warmup_requests"),
			cfg->warmup.kind == WARMUP_TIME ? CI("warmup_time_ns", cfg->warmup.time_ns)
							: CN("warmup_time_ns"),
			cfg->warmup.kind == WARMUP_PERCENT ? CD("warmup_percent", cfg->warmup.percent)
							   : CN("warmup_percent"),
			CS("seeds", seeds),
			CS("sweep_id", info->sweep_id),
		};

		return insert_row(db, "runs", c, NCOLS(c), run_id, err, errlen);
	}
}

/* Read pieces, as sim_run counts them for read_hit_ratio: the four read latency classes
 * (hits, misses, busy, and reads that found no slot: Q1's WRITE_SKIP, LOOKUP_FAILED). */
static uint64_t read_pieces_of(const struct sim_result *r)
{
	return r->lat_class[SIM_READ_HIT].count + r->lat_class[SIM_READ_MISS].count +
	       r->lat_class[SIM_READ_BUSY].count + r->lat_class[SIM_READ_NOCACHE].count;
}

static int insert_results(struct rep_db *db, int64_t run_id, const struct sim_result *r,
			  char *err, size_t errlen)
{
	const struct ssdcache_counters *k = &r->counters;
	struct col c[] = {
		CI("run_id", run_id),
		CI("requests", r->requests),
		r->warmup.kind ? CI("warmup_start_request", r->warmup.start_request)
			       : CN("warmup_start_request"),
		r->warmup.kind ? CI("warmup_start_ns", r->warmup.start_ns) : CN("warmup_start_ns"),
		CI("reads", r->reads),
		CI("writes", r->writes),
		CI("flushes", r->flushes),
		CI("discards", r->discards),
		CI("bytes_read", r->bytes_read),
		CI("bytes_written", r->bytes_written),
		CI("pieces", r->pieces),
		CI("skipped_zero_len", r->skipped_zero_len),
		CI("skipped_beyond_end", r->skipped_beyond_end),
		CI("first_ns", r->first_ns),
		CI("last_ns", r->last_ns),
		CI("end_ns", r->end_ns),
		CI("read_clean", k->read_clean),
		CI("read_busy", k->read_busy),
		CI("read_invalid", k->read_invalid),
		CI("read_miss", k->read_miss),
		CI("write_busy", k->write_busy),
		CI("write_cancel", k->write_cancel),
		CI("write_invalid", k->write_invalid),
		CI("write_miss", k->write_miss),
		CI("write_done", k->write_done),
		CI("write_skip", k->write_skip),
		CI("cache_bypassed", k->cache_bypassed),
		CI("cache_evictions", k->cache_evictions),
		CI("writeback_cancelled", k->writeback_cancelled),
		CI("bio_cancelled", k->bio_cancelled),
		CI("write_clean", k->write_clean),
		CI("lookup_failed", k->lookup_failed),
		CI("lookup_busy", k->lookup_busy),
		CI("cache_overruns", k->cache_overruns),
		CI("nr_sio", k->nr_sio),
		CI("sio_active", k->sio_active),
		CI("cte_active", k->cte_active),
		CI("seed_crashes", k->seed_crashes),
		CI("deferred", k->deferred),
		CI("nr_cmds", k->nr_cmds),
		CI("nr_ctes", k->nr_ctes),
		CI("nr_cte_full", k->nr_cte_full),
		CI("nr_target_busy", k->nr_target_busy),
		CI("nr_cache_busy", k->nr_cache_busy),
		CI("num_cmd", k->num_cmd),
		CI("max_ctes", k->max_ctes),
		CI("geo_block_size", r->geometry.block_size),
		CI("hash_bits", r->geometry.hash_bits),
		CI("cache_sectors_used", r->geometry.cache_sectors_used),
		CI("cte_bytes", r->geometry.cte_bytes),
		CS("status_info", r->status_info),
		CS("status_table", r->status_table),
		CI("read_pieces", read_pieces_of(r)),
		/* no read piece: no ratio (NULL), not a hit ratio of 0 */
		read_pieces_of(r) ? CD("read_hit_ratio", r->read_hit_ratio) : CN("read_hit_ratio"),
		read_pieces_of(r) ? CD("sector_read_hit_ratio", r->sector_read_hit_ratio)
				  : CN("sector_read_hit_ratio"),
		CD("iops", r->iops),
		CD("mb_s", r->mb_s),
		CD("cache_util", r->cache_util),
		CD("target_util", r->target_util),
		CI("ssd_bytes_written", r->cache_dev.bytes_written),
		CI("ssd_media_bytes_written", r->cache_dev.media_bytes_written),
		CI("miss_compulsory", r->miss[MISS_COMPULSORY]),
		CI("miss_capacity", r->miss[MISS_CAPACITY]),
		CI("miss_conflict", r->miss[MISS_CONFLICT]),
		CI("miss_busy", r->miss[MISS_BUSY]),
		CI("miss_policy", r->miss[MISS_POLICY]),
		CI("stale_reads", r->stale_reads),
		CD("wall_seconds", r->wall_seconds),
	};

	return insert_row(db, "results", c, NCOLS(c), NULL, err, errlen);
}

static int insert_latency(struct rep_db *db, int64_t run_id, const char *scope, const char *name,
			  const struct sim_lat *l, char *err, size_t errlen)
{
	struct col c[] = {
		CI("run_id", run_id),        CS("scope", scope),          CS("name", name),
		CI("count", l->count),       CD("mean_ns", l->mean_ns),   CD("p50_ns", l->p50_ns),
		CD("p90_ns", l->p90_ns),     CD("p99_ns", l->p99_ns),     CD("p999_ns", l->p999_ns),
		CD("max_ns", l->max_ns),
	};

	if (!l->count)
		return 0; /* no samples: no percentiles worth a row */
	return insert_row(db, "latency", c, NCOLS(c), NULL, err, errlen);
}

static int insert_dev(struct rep_db *db, int64_t run_id, const char *role,
		      const struct dev_stats *s, double util, char *err, size_t errlen)
{
	struct col c[] = {
		CI("run_id", run_id),
		CS("role", role),
		CI("nr_reads", s->nr_reads),
		CI("nr_writes", s->nr_writes),
		CI("nr_other", s->nr_other),
		CI("bytes_read", s->bytes_read),
		CI("bytes_written", s->bytes_written),
		CI("busy_ns", s->busy_ns),
		CD("util", util),
		CD("mean_queue_depth", s->mean_queue_depth),
		CI("media_bytes_written", s->media_bytes_written),
		CD("write_amplification", s->write_amplification),
		CI("gc_runs", s->gc_runs),
		CI("erases", s->erases),
		CD("seek_mean_cyl", s->seek_mean_cyl),
		CI("seeks", s->seeks),
		CI("cache_hits", s->cache_hits),
	};

	return insert_row(db, "device_stats", c, NCOLS(c), NULL, err, errlen);
}

/* Rows that repeat (series, histograms, outcomes) go through one prepared statement each. */
static int insert_details(struct rep_db *db, int64_t run_id, const struct sim_result *r,
			  char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	for (int i = 0; i < SIM_CLASS_NR; i++)
		if ((rc = insert_latency(db, run_id, "class", rep_class_names[i], &r->lat_class[i], err,
					 errlen)))
			return rc;
	for (int i = 0; i < SIM_OP_NR; i++)
		if ((rc = insert_latency(db, run_id, "op", rep_op_names[i], &r->lat_op[i], err, errlen)))
			return rc;
	if ((rc = insert_latency(db, run_id, "trace", "device", &r->trace_lat, err, errlen)))
		return rc;
	if ((rc = insert_dev(db, run_id, "cache", &r->cache_dev, r->cache_util, err, errlen)) ||
	    (rc = insert_dev(db, run_id, "target", &r->target_dev, r->target_util, err, errlen)))
		return rc;

	rc = sqlite3_prepare_v2(db->conn, "INSERT INTO outcomes(run_id, outcome, count) VALUES(?1,?2,?3)",
				-1, &st, NULL);
	for (int i = 0; rc == SQLITE_OK && i < SSD_OUT_NR; i++) {
		if (!r->outcome_count[i])
			continue;
		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_text(st, 2, rep_outcome_names[i], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (int64_t)r->outcome_count[i]);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return db_error(db->path, db->conn, rc, err, errlen, "writing outcome counts");

	rc = sqlite3_prepare_v2(db->conn,
				"INSERT INTO series(run_id, idx, start_ns, requests, read_pieces, "
				"read_hits, lat_mean_ns) VALUES(?1,?2,?3,?4,?5,?6,?7)",
				-1, &st, NULL);
	for (size_t i = 0; rc == SQLITE_OK && r->series && i < r->nr_series; i++) {
		const struct sim_interval *s = &r->series[i];

		sqlite3_bind_int64(st, 1, run_id);
		sqlite3_bind_int64(st, 2, (int64_t)i);
		sqlite3_bind_int64(st, 3, (int64_t)s->start_ns);
		sqlite3_bind_int64(st, 4, (int64_t)s->requests);
		sqlite3_bind_int64(st, 5, (int64_t)s->read_pieces);
		sqlite3_bind_int64(st, 6, (int64_t)s->read_hits);
		if (s->lat_mean_ns == s->lat_mean_ns)
			sqlite3_bind_double(st, 7, s->lat_mean_ns);
		else
			sqlite3_bind_null(st, 7);
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return db_error(db->path, db->conn, rc, err, errlen, "writing the time series");

	/* sim.h: log2 buckets of ns; bucket b holds [2^b, 2^(b+1)) ns, bucket 0 also holds 0. */
	rc = sqlite3_prepare_v2(db->conn,
				"INSERT INTO histograms(run_id, op, bucket, lo_ns, hi_ns, count) "
				"VALUES(?1,?2,?3,?4,?5,?6)",
				-1, &st, NULL);
	for (int op = 0; rc == SQLITE_OK && op < SIM_OP_NR; op++) {
		for (int b = 0; rc == SQLITE_OK && b < 64; b++) {
			if (!r->hist_op[op][b])
				continue;
			sqlite3_bind_int64(st, 1, run_id);
			sqlite3_bind_text(st, 2, rep_op_names[op], -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 3, b);
			sqlite3_bind_int64(st, 4, b ? (int64_t)(1ULL << b) : 0);
			sqlite3_bind_int64(st, 5, b < 62 ? (int64_t)(1ULL << (b + 1)) : INT64_MAX);
			sqlite3_bind_int64(st, 6, (int64_t)r->hist_op[op][b]);
			rc = sqlite3_step(st);
			rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
		}
	}
	/* per piece class: quarter-octave buckets, op "class:NAME" (sim.h, sim_hist_lo) */
	for (int k = 0; rc == SQLITE_OK && k < SIM_CLASS_NR; k++) {
		char op[48];
		snprintf(op, sizeof(op), "class:%s", rep_class_names[k]);
		for (unsigned b = 0; rc == SQLITE_OK && b < SIM_HIST_BINS; b++) {
			if (!r->hist_class[k][b])
				continue;
			sqlite3_bind_int64(st, 1, run_id);
			sqlite3_bind_text(st, 2, op, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 3, (int)b);
			sqlite3_bind_int64(st, 4, b ? (int64_t)sim_hist_lo(b) : 0);
			sqlite3_bind_int64(st, 5, (int64_t)ceil(sim_hist_lo(b + 1)));
			sqlite3_bind_int64(st, 6, (int64_t)r->hist_class[k][b]);
			rc = sqlite3_step(st);
			rc = rc == SQLITE_DONE ? sqlite3_reset(st) : rc;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return db_error(db->path, db->conn, rc, err, errlen, "writing latency histograms");

	for (unsigned i = 0; i < r->nr_stale_examples && i < SIM_STALE_EXAMPLES; i++) {
		const struct sim_stale_example *x = &r->stale[i];
		struct col c[] = {
			CI("run_id", run_id),
			CI("idx", i),
			CI("seq", x->seq),
			CI("sector", x->sector),
			CI("nsect", x->nsect),
			CI("submit_ns", x->submit_ns),
			CI("done_ns", x->done_ns),
			CI("first_stale_sector", x->first_stale_sector),
			CI("returned_version", x->returned_version),
			CI("expected_min_version", x->expected_min_version),
			CS("why", x->why),
		};

		if ((rc = insert_row(db, "stale_examples", c, NCOLS(c), NULL, err, errlen)))
			return rc;
	}
	return 0;
}

/* 1 if the trace is not recorded yet or has no statistics, 0 if it has, -errno on error. */
static int trace_needs_stats(struct rep_db *db, const char *fingerprint)
{
	sqlite3_stmt *st;
	int rc, needs = 1;

	rc = sqlite3_prepare_v2(db->conn, "SELECT stats_json IS NULL FROM traces WHERE fingerprint = ?1",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return -EIO;
	sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		needs = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return needs;
}

int rep_db_record_run_ex(struct rep_db *db, const struct sim_config *cfg,
			 const struct sim_result *res, const struct rep_run_info *info,
			 int64_t *run_id, char *err, size_t errlen)
{
	struct rep_trace local;
	const struct rep_trace *t = info->trace;
	char *stats = NULL;
	int64_t trace_id, rid;
	int rc;

	if (db->readonly) {
		snprintf(err, errlen, "%s: opened read-only", db->path);
		return -EROFS;
	}
	if (info->status == REP_RUN_OK && !res) {
		snprintf(err, errlen, "%s: internal error: a successful run without results", db->path);
		return -EINVAL;
	}
	if ((unsigned)info->status > REP_RUN_FAILED) {
		snprintf(err, errlen, "%s: internal error: bad run status %d", db->path, (int)info->status);
		return -EINVAL;
	}
	if (!t) {
		if ((rc = rep_trace_identify(cfg->trace_path, &cfg->trace, &local, err, errlen)))
			return rc;
		t = &local;
	}
	/* The trace statistics, once per trace: read the trace again before taking the lock. A
	 * trace that can not be read again (moved since the run) just has no statistics. */
	if (!t->stats_json && cfg->trace_path && info->status == REP_RUN_OK &&
	    trace_needs_stats(db, t->fingerprint) > 0) {
		char e[256];

		if (rep_trace_stats_json(cfg->trace_path, &cfg->trace, &stats, e, sizeof(e)))
			stats = NULL;
	}
	/* IMMEDIATE: take the write lock now, so a busy database fails here, before any row. */
	if ((rc = exec(db, "BEGIN IMMEDIATE", "starting the run's transaction", err, errlen))) {
		free(stats);
		return rc;
	}
	if ((rc = upsert_trace(db, t, cfg, info->status == REP_RUN_OK ? res : NULL,
			       t->stats_json ? t->stats_json : stats, &trace_id, err, errlen)))
		goto fail;
	if (info->sweep_id) {
		/* The sweep row may live in another shard: make sure the reference resolves. */
		sqlite3_stmt *st;
		char now[40];

		rep_format_time(rep_now(), now, sizeof(now));
		rc = sqlite3_prepare_v2(db->conn,
					"INSERT OR IGNORE INTO sweeps(sweep_id, trace_id, started_at) "
					"VALUES(?1, ?2, ?3)",
					-1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_text(st, 1, info->sweep_id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, trace_id);
			sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		}
		if (rc != SQLITE_OK) {
			rc = db_error(db->path, db->conn, rc, err, errlen, "recording the sweep");
			goto fail;
		}
	}
	if ((rc = insert_run(db, cfg, info->status == REP_RUN_OK ? res : NULL, info, trace_id, &rid,
			     err, errlen)))
		goto fail;
	if (info->status == REP_RUN_OK) {
		if ((rc = insert_results(db, rid, res, err, errlen)) ||
		    (rc = insert_details(db, rid, res, err, errlen)))
			goto fail;
	}
	if ((rc = exec(db, "COMMIT", "committing the run", err, errlen)))
		goto fail;
	free(stats);
	if (run_id)
		*run_id = rid;
	return 0;
fail:
	rollback(db);
	free(stats);
	return rc;
}

int rep_db_record_run(struct rep_db *db, const struct sim_config *cfg,
		      const struct sim_result *res, char *err, size_t errlen)
{
	struct rep_run_info info = {.status = REP_RUN_OK};

	return rep_db_record_run_ex(db, cfg, res, &info, NULL, err, errlen);
}

int rep_db_has_config(struct rep_db *db, const char *fingerprint, const char *config_key,
		      char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc, found = 0;

	rc = sqlite3_prepare_v2(db->conn,
				"SELECT 1 FROM runs r JOIN traces t ON t.trace_id = r.trace_id "
				"WHERE t.fingerprint = ?1 AND r.config_key = ?2 "
				"AND r.status IN ('ok','invalid') LIMIT 1",
				-1, &st, NULL);
	if (rc != SQLITE_OK)
		return db_error(db->path, db->conn, rc, err, errlen, "looking up a configuration");
	sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, config_key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		found = 1;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(db->path, db->conn, rc, err, errlen, "looking up a configuration");
	return found;
}

int rep_db_record_sweep(struct rep_db *db, const char *sweep_id, const struct rep_trace *trace,
			const char *command_line, unsigned nr_configs, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int64_t trace_id = 0;
	char now[40];
	int rc;

	if ((rc = exec(db, "BEGIN IMMEDIATE", "recording the sweep", err, errlen)))
		return rc;
	{
		struct sim_config dummy;

		sim_config_init(&dummy);
		dummy.trace_path = trace->path;
		if ((rc = upsert_trace(db, trace, &dummy, NULL, trace->stats_json, &trace_id, err,
				       errlen)))
			goto fail;
	}
	rep_format_time(rep_now(), now, sizeof(now));
	/* A resumed sweep keeps its first start time; the latest command line and size win. */
	rc = sqlite3_prepare_v2(db->conn,
				"INSERT INTO sweeps(sweep_id, trace_id, started_at, command_line, "
				"nr_configs) VALUES(?1,?2,?3,?4,?5) ON CONFLICT(sweep_id) DO UPDATE "
				"SET command_line = excluded.command_line, nr_configs = "
				"excluded.nr_configs, trace_id = excluded.trace_id",
				-1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, sweep_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, trace_id);
		sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
		if (command_line)
			sqlite3_bind_text(st, 4, command_line, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, (int)nr_configs);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	if (rc != SQLITE_OK) {
		rc = db_error(db->path, db->conn, rc, err, errlen, "recording the sweep");
		goto fail;
	}
	if ((rc = exec(db, "COMMIT", "committing the sweep", err, errlen)))
		goto fail;
	return 0;
fail:
	rollback(db);
	return rc;
}

/* ---- merge ---- */

/* "a,b,c" of a table's columns in main, except `skip` (the rowid we renumber). */
static int column_list(struct rep_db *db, const char *table, const char *skip, const char *prefix,
		       char *buf, size_t len, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	rc = sqlite3_prepare_v2(db->conn, "SELECT name FROM pragma_table_info(?1, 'main')", -1, &st,
				NULL);
	if (rc != SQLITE_OK)
		return db_error(db->path, db->conn, rc, err, errlen, "reading the schema");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	buf[0] = '\0';
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);

		if (skip && !strcmp(name, skip))
			continue;
		if (n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s%s", n ? "," : "", prefix, name);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db->path, db->conn, rc, err, errlen, "reading the schema");
	if (n >= len) {
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
	rw = access(shard_path, W_OK) == 0 && dir_writable(shard_path);
	uri = uri_for(shard_path, rw ? "mode=rw" : "mode=ro");
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
		return errno_of(rc);
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
					       "stale_examples"};
	struct rep_db *probe;
	char tmp[PATH_MAX] = "", cols[4096], scols[4096], sql[10240];
	const char *src = shard_path;
	int version, rc;
	int64_t nadd = 0, ntotal = 0;
	sqlite3_stmt *st;
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
	uri = uri_for(src, access(src, W_OK) == 0 && dir_writable(src) ? "mode=rw" : "mode=ro");
	if (!uri) {
		rc = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", shard_path);
		goto out;
	}
	rc = sqlite3_prepare_v2(db->conn, "ATTACH DATABASE ?1 AS shard", -1, &st, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(st, 1, uri, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
	}
	free(uri);
	if (rc != SQLITE_OK) {
		rc = db_error(shard_path, db->conn, rc, err, errlen, "attaching the shard");
		goto out;
	}
	if ((rc = exec(db, "BEGIN IMMEDIATE", "starting the merge", err, errlen)))
		goto detach;

	/* Traces by fingerprint; sweeps by id (trace remapped through the fingerprint). */
	if ((rc = column_list(db, "traces", "trace_id", "", cols, sizeof(cols), err, errlen)) ||
	    (rc = column_list(db, "traces", "trace_id", "s.", scols, sizeof(scols), err, errlen)))
		goto fail;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.traces(%s) SELECT %s FROM shard.traces s "
		 "WHERE s.fingerprint NOT IN (SELECT fingerprint FROM main.traces)",
		 cols, scols);
	if ((rc = exec(db, sql, "merging traces", err, errlen)))
		goto fail;
	if ((rc = exec(db,
		       "INSERT OR IGNORE INTO main.sweeps(sweep_id, trace_id, started_at, command_line, "
		       "nr_configs) SELECT s.sweep_id, mt.trace_id, s.started_at, s.command_line, "
		       "s.nr_configs FROM shard.sweeps s LEFT JOIN shard.traces st ON st.trace_id = "
		       "s.trace_id LEFT JOIN main.traces mt ON mt.fingerprint = st.fingerprint",
		       "merging sweeps", err, errlen)))
		goto fail;

	/* The runs to copy: not already here (uuid), and not a configuration already done. */
	if ((rc = exec(db,
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
	if ((rc = exec(db, sql, "merging runs", err, errlen)))
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
		if ((rc = exec(db, sql, "merging run details", err, errlen)))
			goto fail;
	}
	if ((rc = query_int(db, "SELECT count(*) FROM temp.merge_map", &nadd, err, errlen)) ||
	    (rc = query_int(db, "SELECT count(*) FROM shard.runs", &ntotal, err, errlen)))
		goto fail;
	if ((rc = exec(db, "COMMIT", "committing the merge", err, errlen)))
		goto fail;
	if (added)
		*added = (unsigned)nadd;
	if (skipped)
		*skipped = (unsigned)(ntotal - nadd);
	goto detach;
fail:
	rollback(db);
detach:
	sqlite3_exec(db->conn, "DETACH DATABASE shard", NULL, NULL, NULL);
out:
	if (tmp[0])
		remove_db_files(tmp);
	return rc;
}

/* ---- info ---- */

int rep_db_get_info(struct rep_db *db, bool check, struct rep_db_info *out, char *err,
		    size_t errlen)
{
	struct {
		const char *sql;
		uint64_t *dst;
	} q[] = {
		{"SELECT count(*) FROM traces", &out->nr_traces},
		{"SELECT count(*) FROM runs", &out->nr_runs},
		{"SELECT count(*) FROM runs WHERE status = 'ok'", &out->nr_ok},
		{"SELECT count(*) FROM runs WHERE status = 'invalid'", &out->nr_invalid},
		{"SELECT count(*) FROM runs WHERE status = 'failed'", &out->nr_failed},
		{"SELECT count(*) FROM series", &out->nr_series_rows},
		{"SELECT count(*) FROM histograms", &out->nr_histogram_rows},
	};
	sqlite3_stmt *st;
	int64_t v;
	int rc;

	memset(out, 0, sizeof(*out));
	out->schema_version = db->version;
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		if ((rc = query_int(db, q[i].sql, &v, err, errlen)))
			return rc;
		*q[i].dst = (uint64_t)v;
	}
	if (db->version >= 2) {
		if ((rc = query_int(db, "SELECT count(*) FROM sweeps", &v, err, errlen)))
			return rc;
		out->nr_sweeps = (uint64_t)v;
	}
	if (sqlite3_prepare_v2(db->conn, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(out->journal_mode, sizeof(out->journal_mode), "%s",
				 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db->conn, "SELECT value FROM meta WHERE key = 'created_by'", -1, &st,
			       NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(out->created_by, sizeof(out->created_by), "%s",
				 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (check) {
		rc = sqlite3_prepare_v2(db->conn, "PRAGMA integrity_check", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return db_error(db->path, db->conn, rc, err, errlen, "checking integrity");
		out->integrity_ok = sqlite3_step(st) == SQLITE_ROW &&
				    !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
		sqlite3_finalize(st);
		if (out->integrity_ok &&
		    sqlite3_prepare_v2(db->conn, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK) {
			out->integrity_ok = sqlite3_step(st) == SQLITE_DONE;
			sqlite3_finalize(st);
		}
	}
	return 0;
}
