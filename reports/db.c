// SPDX-License-Identifier: GPL-2.0
/* db.c - the results store's connection: open (create, migrate), close, errors, statements. */
#include "reports/db.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/db_internal.h"
#include "reports/db_schema.h"
#include "reports/rep_util.h"

const char *rep_db_path(const struct rep_db *db)
{
	return db->path;
}

int rep_db_schema_version(const struct rep_db *db)
{
	return db->version;
}

/* SQLite's result code -> -errno, for callers that decide exit codes and wording. */
int db_errno_of(int rc)
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
int db_error(const char *path, sqlite3 *conn, int rc, char *err, size_t errlen, const char *what)
{
	const char *msg = conn ? sqlite3_errmsg(conn) : sqlite3_errstr(rc);
	int e = db_errno_of(rc);

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

int db_exec(struct rep_db *db, const char *sql, const char *what, char *err, size_t errlen)
{
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : db_error(db->path, db->conn, rc, err, errlen, what);
}

static int bindv(sqlite3_stmt *st, const char *types, va_list ap)
{
	int rc = SQLITE_OK;

	for (int p = 1; types && types[p - 1] && rc == SQLITE_OK; p++) {
		switch (types[p - 1]) {
		case 'i':
			rc = sqlite3_bind_int64(st, p, va_arg(ap, int64_t));
			break;
		case 'd': {
			double d = va_arg(ap, double);

			/* NaN would be stored as NULL anyway; say so explicitly. */
			rc = d != d ? sqlite3_bind_null(st, p) : sqlite3_bind_double(st, p, d);
			break;
		}
		case 't': {
			const char *s = va_arg(ap, const char *);

			rc = s ? sqlite3_bind_text(st, p, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, p);
			break;
		}
		case 'n':
			rc = sqlite3_bind_null(st, p);
			break;
		default:
			rc = SQLITE_MISUSE;
			break;
		}
	}
	return rc;
}

int db_prepare(struct rep_db *db, sqlite3_stmt **out, char *err, size_t errlen, const char *what,
	       const char *sql)
{
	int rc = sqlite3_prepare_v2(db->conn, sql, -1, out, NULL);

	if (rc != SQLITE_OK) {
		*out = NULL;
		return db_error(db->path, db->conn, rc, err, errlen, what);
	}
	return 0;
}

/* Bind and step a prepared statement (reset first, so it can be stepped again). SQLITE_DONE or
 * SQLITE_ROW, or an SQLite error code. */
static int step_v(sqlite3_stmt *st, const char *types, va_list ap)
{
	int rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	rc = bindv(st, types, ap);
	return rc == SQLITE_OK ? sqlite3_step(st) : rc;
}

int db_step_with(struct rep_db *db, sqlite3_stmt *st, char *err, size_t errlen, const char *what,
		 const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = step_v(st, types, ap);
	va_end(ap);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_error(db->path, db->conn, rc, err, errlen, what);
	return 0;
}

/* db_row with a va_list: 1 with *out on the first row, 0 without a row, or -errno. */
static int row_v(struct rep_db *db, sqlite3_stmt **out, char *err, size_t errlen, const char *what,
		 const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if ((rc = db_prepare(db, &st, err, errlen, what, sql)))
		return rc;
	rc = step_v(st, types, ap);
	if (rc == SQLITE_ROW) {
		*out = st;
		return 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db->path, db->conn, rc, err, errlen, what);
	return 0;
}

int db_run(struct rep_db *db, char *err, size_t errlen, const char *what, const char *sql,
	   const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = row_v(db, &st, err, errlen, what, sql, types, ap);
	va_end(ap);
	if (rc > 0)
		sqlite3_finalize(st); /* a row nobody asked for (e.g. INSERT ... RETURNING) */
	return rc < 0 ? rc : 0;
}

int db_row(struct rep_db *db, sqlite3_stmt **out, char *err, size_t errlen, const char *what,
	   const char *sql, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = row_v(db, out, err, errlen, what, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_rows(struct rep_db *db, sqlite3_stmt *st, char *err, size_t errlen, const char *what,
	    db_row_fn fn, void *arg)
{
	int rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int r = fn ? fn(st, arg) : 0;

		n++;
		if (r < 0)
			return r;
		if (r > 0)
			return n;
	}
	return rc == SQLITE_DONE ? n : db_error(db->path, db->conn, rc, err, errlen, what);
}

/* db_each_with with a va_list. */
static int each_v(struct rep_db *db, sqlite3_stmt *st, char *err, size_t errlen, const char *what,
		  db_row_fn fn, void *arg, const char *types, va_list ap)
{
	int rc;

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if ((rc = bindv(st, types, ap)) != SQLITE_OK)
		return db_error(db->path, db->conn, rc, err, errlen, what);
	return db_rows(db, st, err, errlen, what, fn, arg);
}

int db_each_with(struct rep_db *db, sqlite3_stmt *st, char *err, size_t errlen, const char *what,
		 db_row_fn fn, void *arg, const char *types, ...)
{
	va_list ap;
	int rc;

	va_start(ap, types);
	rc = each_v(db, st, err, errlen, what, fn, arg, types, ap);
	va_end(ap);
	return rc;
}

int db_each(struct rep_db *db, char *err, size_t errlen, const char *what, const char *sql,
	    db_row_fn fn, void *arg, const char *types, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	int rc;

	if ((rc = db_prepare(db, &st, err, errlen, what, sql)))
		return rc;
	va_start(ap, types);
	rc = each_v(db, st, err, errlen, what, fn, arg, types, ap);
	va_end(ap);
	sqlite3_finalize(st);
	return rc;
}

void db_col_text(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

double db_col_real(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? NAN : sqlite3_column_double(st, col);
}

int64_t db_col_int(sqlite3_stmt *st, int col, int64_t dflt)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? dflt : sqlite3_column_int64(st, col);
}

int db_query_int(struct rep_db *db, const char *sql, int64_t *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = db_row(db, &st, err, errlen, "reading the database", sql, NULL);

	*out = 0;
	if (rc <= 0)
		return rc;
	*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

void db_rollback(struct rep_db *db)
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

	if ((rc = db_query_int(db, "PRAGMA application_id", &app, err, errlen)))
		return rc;
	if ((rc = db_query_int(db, "PRAGMA user_version", &ver, err, errlen)))
		return rc;
	if ((rc = db_query_int(db, "SELECT count(*) FROM sqlite_schema", &nobj, err, errlen)))
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

	if ((rc = db_exec(db, "BEGIN IMMEDIATE", "starting the schema update", err, errlen)))
		return rc;
	if ((rc = db_query_int(db, "PRAGMA user_version", &ver, err, errlen)) ||
	    (rc = db_query_int(db, "PRAGMA application_id", &app, err, errlen)))
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
		if ((rc = db_exec(db, sql, "setting the application id", err, errlen)))
			goto fail;
	}
	if (ver == 0) {
		char now[40];

		rep_format_time(rep_now(), now, sizeof(now));
		if ((rc = db_run(db, err, errlen, "creating the schema",
				 "INSERT INTO meta(key, value) VALUES ('created_by', ?1), "
				 "('created_at', ?2)",
				 "tt", SSDCACHE_SIM_VERSION, now)))
			goto fail;
	}
	if ((rc = db_exec(db, "COMMIT", "committing the schema update", err, errlen)))
		goto fail;
	db->version = REP_SCHEMA_VERSION;
	return 0;
fail:
	db_rollback(db);
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
	if ((rc = db_query_int(db, "PRAGMA journal_mode = WAL", &dummy, err, errlen)))
		goto fail;
	if ((rc = db_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON",
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
bool db_dir_writable(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];

	if (!slash)
		return access(".", W_OK) == 0;
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return access(dir, W_OK) == 0;
}

/* "file:" URI for path with '%', '?', '#' escaped, plus query. */
char *db_uri_for(const char *path, const char *query)
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
	bool empty, writable = access(path, W_OK) == 0 && db_dir_writable(path);
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
		char *uri = db_uri_for(path, queries[i]);
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
			rc = i == 0 ? db_exec(db, "PRAGMA query_only = 1", "opening", err, errlen) : 0;
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
	sqlite3_close_v2(db->conn); /* a no-op on NULL (a failed open) */
	free(db->path);
	free(db);
}

sqlite3 *rep_db_conn(struct rep_db *db)
{
	return db->conn;
}

