// SPDX-License-Identifier: GPL-2.0
/* db_info.c - queries about the store itself: what it holds (`db info`), its integrity. */
#include <stdio.h>
#include <string.h>

#include "reports/db_internal.h"

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
		if ((rc = db_query_int(db, q[i].sql, &v, err, errlen)))
			return rc;
		*q[i].dst = (uint64_t)v;
	}
	if (db->version >= 2) {
		if ((rc = db_query_int(db, "SELECT count(*) FROM sweeps", &v, err, errlen)))
			return rc;
		out->nr_sweeps = (uint64_t)v;
	}
	if (db_row(db, &st, err, errlen, "reading the journal mode", "PRAGMA journal_mode", NULL) > 0) {
		snprintf(out->journal_mode, sizeof(out->journal_mode), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	if (db_row(db, &st, err, errlen, "reading the creator",
		   "SELECT value FROM meta WHERE key = 'created_by'", NULL) > 0) {
		snprintf(out->created_by, sizeof(out->created_by), "%s",
			 (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	err[0] = '\0'; /* both are informative: a failure above is not an error of db info */
	if (check) {
		rc = db_row(db, &st, err, errlen, "checking integrity", "PRAGMA integrity_check", NULL);
		if (rc < 0)
			return rc;
		out->integrity_ok = rc > 0 && !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
		if (rc > 0)
			sqlite3_finalize(st);
		/* foreign_key_check returns a row per violation: none is ok */
		if (out->integrity_ok) {
			rc = db_row(db, &st, err, errlen, "checking foreign keys",
				    "PRAGMA foreign_key_check", NULL);
			if (rc > 0)
				sqlite3_finalize(st);
			out->integrity_ok = rc == 0;
		}
		err[0] = '\0';
	}
	return 0;
}
