/* SPDX-License-Identifier: GPL-2.0 */
/* db_internal.h - internal to reports/ (the store's db*.c and the modules that query it: report,
 * diff, query): the connection, errors, and the one prepared-statement helper. */
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

/*
 * Every row of a query, through a callback. fn gets the statement positioned on a row (read its
 * columns with sqlite3_column_* or the db_col_* below) and returns 0 to go on, > 0 to stop
 * early (not an error), or < 0 (-errno, its message already in err) to fail.
 *	db_each       prepares sql, binds (types as above), walks the rows and finalizes;
 *	db_each_with  resets and re-binds a statement prepared once (db_prepare), for a query run
 *	              once per run or family, then walks its rows (the caller finalizes);
 *	db_rows       walks the rows of a statement the caller prepared and bound (rep_select).
 * Each returns the number of rows seen (fn's stopping row included) or -errno with
 * "PATH: WHAT: ..." in err. fn may be NULL to count the rows.
 */
typedef int (*db_row_fn)(sqlite3_stmt *st, void *arg);
int db_each(struct rep_db *db, char *err, size_t errlen, const char *what, const char *sql,
	    db_row_fn fn, void *arg, const char *types, ...);
int db_each_with(struct rep_db *db, sqlite3_stmt *st, char *err, size_t errlen, const char *what,
		 db_row_fn fn, void *arg, const char *types, ...);
int db_rows(struct rep_db *db, sqlite3_stmt *st, char *err, size_t errlen, const char *what,
	    db_row_fn fn, void *arg);

/* Typed columns: text copied into buf ("" for NULL); a real with NaN for NULL; an integer with
 * dflt for NULL. */
void db_col_text(sqlite3_stmt *st, int col, char *buf, size_t len);
double db_col_real(sqlite3_stmt *st, int col);
int64_t db_col_int(sqlite3_stmt *st, int col, int64_t dflt);

/* Can FILE-wal and FILE-shm be created (and removed) beside path? */
bool db_dir_writable(const char *path);
/* "file:" URI for path with '%', '?', '#' escaped, plus query (malloc'd; NULL: no memory). */
char *db_uri_for(const char *path, const char *query);

#endif
