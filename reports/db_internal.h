/* SPDX-License-Identifier: GPL-2.0 */
/* db_internal.h - shared by the results store's files (db*.c): the connection, errors, statements. */
#ifndef SSDCACHE_REP_DB_INTERNAL_H
#define SSDCACHE_REP_DB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "reports/db.h"

#ifndef SSDCACHE_SIM_VERSION
#define SSDCACHE_SIM_VERSION "unknown"
#endif

struct rep_db {
	sqlite3 *conn;
	char *path;
	int version;
	bool readonly;
};

/* SQLite's result code -> -errno (db.h's list). */
int db_errno_of(int rc);
/* A message that says what happened (what: "writing to table runs") in words a user acts on,
 * then SQLite's own text, naming path. Returns the -errno. */
int db_error(const char *path, sqlite3 *conn, int rc, char *err, size_t errlen, const char *what);
int db_exec(struct rep_db *db, const char *sql, const char *what, char *err, size_t errlen);
/* One integer from a statement without parameters (PRAGMAs, counts); no row gives 0. */
int db_query_int(struct rep_db *db, const char *sql, int64_t *out, char *err, size_t errlen);
/* Roll back the open transaction, if SQLite has not already. */
void db_rollback(struct rep_db *db);

/*
 * The one prepared-statement helper. Arguments are bound by a type string, one letter per
 * parameter ?1, ?2, ...:
 *	'i'  int64_t                       'd'  double (NaN is bound as NULL)
 *	't'  const char * (NULL: SQL NULL; copied)
 *	'n'  SQL NULL (takes no argument)
 * db_run prepares, binds, steps once and finalizes: for statements that return no row (or whose
 * row is not needed). db_row does the same but stops on the first row: it returns 1 with *out
 * positioned on it (read the columns, then sqlite3_finalize(*out)), 0 when there is none, or
 * -errno. For rows that repeat: db_prepare once, db_step_with for each row, sqlite3_finalize.
 * Every failure returns -errno with "PATH: WHAT: ..." in err.
 */
int db_run(struct rep_db *db, char *err, size_t errlen, const char *what, const char *sql,
	   const char *types, ...);
int db_row(struct rep_db *db, sqlite3_stmt **out, char *err, size_t errlen, const char *what,
	   const char *sql, const char *types, ...);
int db_prepare(struct rep_db *db, sqlite3_stmt **out, char *err, size_t errlen, const char *what,
	       const char *sql);
int db_step_with(struct rep_db *db, sqlite3_stmt *st, char *err, size_t errlen, const char *what,
		 const char *types, ...);

/* Can FILE-wal and FILE-shm be created (and removed) beside path? */
bool db_dir_writable(const char *path);
/* "file:" URI for path with '%', '?', '#' escaped, plus query (malloc'd; NULL: no memory). */
char *db_uri_for(const char *path, const char *query);

#endif
