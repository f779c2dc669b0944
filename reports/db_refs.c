// SPDX-License-Identifier: GPL-2.0
/* db_refs.c - the ref_curves table: store and look up reference miss counts. */
#include "reports/db_refs.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "reports/rep_util.h"

int rep_refs_trace_id(struct rep_db *db, const char *fingerprint, int64_t *id, char *err,
		      size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(rep_db_conn(db), "SELECT trace_id FROM traces WHERE fingerprint = ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", rep_db_path(db), sqlite3_errmsg(rep_db_conn(db)));
		return -EIO;
	}
	sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	snprintf(err, errlen, "%s: %s", rep_db_path(db), sqlite3_errmsg(rep_db_conn(db)));
	return -EIO;
}

int rep_refs_get(struct rep_db *db, int64_t trace_id, uint64_t block_bytes, uint64_t size_bytes,
		 const char *policy, bool reads_only, struct rep_ref *out)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(rep_db_conn(db),
			       "SELECT accesses, misses FROM ref_curves WHERE trace_id = ?1 AND "
			       "block_bytes = ?2 AND size_bytes = ?3 AND policy = ?4 AND reads_only = ?5",
			       -1, &st, NULL) != SQLITE_OK)
		return 0; /* no table: a database of an older schema opened read-only */
	sqlite3_bind_int64(st, 1, trace_id);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)block_bytes);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size_bytes);
	sqlite3_bind_text(st, 4, policy, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, reads_only);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out) {
		memset(out, 0, sizeof(*out));
		out->block_bytes = block_bytes;
		out->size_bytes = size_bytes;
		snprintf(out->policy, sizeof(out->policy), "%s", policy);
		out->reads_only = reads_only;
		out->accesses = (uint64_t)sqlite3_column_int64(st, 0);
		out->misses = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -EIO;
}

int rep_refs_have(struct rep_db *db, int64_t trace_id, uint64_t block_bytes, uint64_t size_bytes,
		  const char *policy, bool reads_only, char *err, size_t errlen)
{
	int rc = rep_refs_get(db, trace_id, block_bytes, size_bytes, policy, reads_only, NULL);

	if (rc < 0)
		snprintf(err, errlen, "%s: reading ref_curves: %s", rep_db_path(db),
			 sqlite3_errmsg(rep_db_conn(db)));
	return rc;
}

int rep_refs_store(struct rep_db *db, int64_t trace_id, const struct rep_ref *refs, size_t n,
		   char *err, size_t errlen)
{
	sqlite3 *conn = rep_db_conn(db);
	sqlite3_stmt *st = NULL;
	int rc = SQLITE_OK;

	if (sqlite3_exec(conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_prepare_v2(conn,
			       "INSERT OR REPLACE INTO ref_curves(trace_id, block_bytes, size_bytes, "
			       "policy, reads_only, accesses, misses) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			       -1, &st, NULL) != SQLITE_OK)
		goto rollback;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, trace_id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)refs[i].block_bytes);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)refs[i].size_bytes);
		sqlite3_bind_text(st, 4, refs[i].policy, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, refs[i].reads_only);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)refs[i].accesses);
		sqlite3_bind_int64(st, 7, (sqlite3_int64)refs[i].misses);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			goto rollback;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	st = NULL;
rollback:
	snprintf(err, errlen, "%s: writing ref_curves: %s", rep_db_path(db), sqlite3_errmsg(conn));
	sqlite3_finalize(st);
	sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
	return -EIO;
fail:
	snprintf(err, errlen, "%s: writing ref_curves: %s", rep_db_path(db), sqlite3_errmsg(conn));
	return -EIO;
}
