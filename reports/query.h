/* SPDX-License-Identifier: GPL-2.0 */
/* query.h - selecting runs: the --where language (whitelisted fields, bound values) and exports. */
#ifndef SSDCACHE_REP_QUERY_H
#define SSDCACHE_REP_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/db.h"

/*
 * --where EXPR selects runs by the columns of the run_summary view. The grammar is small and
 * parsed here, never pasted into SQL: field names come from a fixed table (an unknown name is
 * an error with a suggestion), values become bound parameters.
 *
 *   expr    := and ("or" and)*
 *   and     := unary ("and" unary)*
 *   unary   := "not" unary | "(" expr ")" | FIELD OP VALUE | FIELD ["not"] "in" "(" VALUE, ... ")"
 *   OP      := = == != <> < <= > >= ~        (~ is SQL LIKE: mode~'write%')
 *   VALUE   := number (with K/M/G/T for size fields) | 'text' | "text" | bare-word
 * Keywords are case-insensitive. Example: "block_size >= 64 and mode in (writeback, readcache)
 * and cache_size = 1G and not policy = lfu".
 */

enum rep_field_type { REP_F_INT, REP_F_REAL, REP_F_TEXT, REP_F_SIZE };

struct rep_field {
	const char *name;    /* what users write */
	const char *column;  /* run_summary column */
	enum rep_field_type type;
	const char *help;
};

/* The fields --where accepts (and the columns of --csv/--json), NULL-terminated by name. */
extern const struct rep_field rep_fields[];

struct rep_where; /* a parsed expression: SQL text with ?NNN placeholders and their values */

/* Parse expr (NULL or "" selects everything). Returns 0, or -EINVAL with a message in err that
 * says what was expected at which column ("--where: column 7: unknown field 'blok_size' (did
 * you mean 'block_size'?)"), or -ENOMEM. */
int rep_where_parse(const char *expr, struct rep_where **out, char *err, size_t errlen);
void rep_where_free(struct rep_where *w);
/* The SQL condition ("1" when empty); placeholders are numbered from first_param. */
const char *rep_where_sql(const struct rep_where *w);
/* Does the expression name this field (e.g. "status": then the default status='ok' is off)? */
bool rep_where_mentions(const struct rep_where *w, const char *field);
/* Bind the values to st, parameter numbers starting at first. Returns an SQLite result code. */
struct sqlite3_stmt;
int rep_where_bind(const struct rep_where *w, struct sqlite3_stmt *st, int first);

/* Print the field list (for --help and error messages). */
void rep_fields_print(FILE *fp);

/* The selection used by reports and exports. */
struct rep_selection {
	const struct rep_where *where; /* may be NULL */
	bool latest_only;              /* one run per (trace, configuration): the newest */
};

/* "SELECT <cols> FROM run_summary WHERE <selection> ORDER BY ...", where cols is a fixed list
 * given by the caller, row by row through fn (db_internal.h's db_row_fn contract: 0 goes on,
 * > 0 stops, < 0 fails). Returns the number of rows seen, or -errno with a message in err. */
int rep_select(struct rep_db *db, const char *cols, const struct rep_selection *sel,
	       const char *order_by, int (*fn)(struct sqlite3_stmt *st, void *arg), void *arg,
	       char *err, size_t errlen);

/* s as a JSON string, quoted and escaped (the exports and `db diff --json`). */
void rep_json_str(FILE *out, const char *s);

/* Export the selection (every rep_fields column) as CSV (RFC 4180) or a JSON array. Returns 0 or
 * -errno; *nr_rows (may be NULL) receives the number of runs written. No run selected:
 * -ENOENT with "DB: no run matches" in err, and nothing written. */
int rep_export_csv(struct rep_db *db, const struct rep_selection *sel, FILE *out, size_t *nr_rows,
		   char *err, size_t errlen);
int rep_export_json(struct rep_db *db, const struct rep_selection *sel, FILE *out, size_t *nr_rows,
		    char *err, size_t errlen);

#endif
