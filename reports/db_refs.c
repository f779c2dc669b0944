// SPDX-License-Identifier: GPL-2.0
/* db_refs.c - the ref_curves table: store and look up reference miss counts. */
#include "reports/db_refs.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "reports/db_internal.h"

int rep_refs_trace_id(struct rep_db *db, const char *fingerprint, int64_t *id, char *err,
		      size_t errlen)
{
	sqlite3_stmt *st;
	int rc = db_row(db, &st, err, errlen, "looking up the trace",
			"SELECT trace_id FROM traces WHERE fingerprint = ?1", "t", fingerprint);

	if (rc > 0) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return rc;
}

/* rep_refs_get with a message on error. */
static int refs_get(struct rep_db *db, int64_t trace_id, uint64_t block_bytes, uint64_t size_bytes,
		    const char *policy, bool reads_only, struct rep_ref *out, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	if (db->version < 4)
		return 0; /* no table: a database of an older schema opened read-only */
	rc = db_row(db, &st, err, errlen, "reading ref_curves",
		    "SELECT accesses, misses FROM ref_curves WHERE trace_id = ?1 AND "
		    "block_bytes = ?2 AND size_bytes = ?3 AND policy = ?4 AND reads_only = ?5",
		    "iiiti", trace_id, (int64_t)block_bytes, (int64_t)size_bytes, policy,
		    (int64_t)reads_only);
	if (rc <= 0)
		return rc;
	if (out) {
		memset(out, 0, sizeof(*out));
		out->block_bytes = block_bytes;
		out->size_bytes = size_bytes;
		snprintf(out->policy, sizeof(out->policy), "%s", policy);
		out->reads_only = reads_only;
		out->accesses = (uint64_t)sqlite3_column_int64(st, 0);
		out->misses = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return 1;
}

int rep_refs_get(struct rep_db *db, int64_t trace_id, uint64_t block_bytes, uint64_t size_bytes,
		 const char *policy, bool reads_only, struct rep_ref *out)
{
	char err[256];

	return refs_get(db, trace_id, block_bytes, size_bytes, policy, reads_only, out, err,
			sizeof(err));
}

int rep_refs_have(struct rep_db *db, int64_t trace_id, uint64_t block_bytes, uint64_t size_bytes,
		  const char *policy, bool reads_only, char *err, size_t errlen)
{
	return refs_get(db, trace_id, block_bytes, size_bytes, policy, reads_only, NULL, err, errlen);
}

int rep_refs_store(struct rep_db *db, int64_t trace_id, const struct rep_ref *refs, size_t n,
		   char *err, size_t errlen)
{
	static const char what[] = "writing ref_curves";
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_exec(db, "BEGIN IMMEDIATE", what, err, errlen)))
		return rc;
	if ((rc = db_prepare(db, &st, err, errlen, what,
			     "INSERT OR REPLACE INTO ref_curves(trace_id, block_bytes, size_bytes, "
			     "policy, reads_only, accesses, misses) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")))
		goto rollback;
	for (size_t i = 0; i < n && !rc; i++)
		rc = db_step_with(db, st, err, errlen, what, "iiitiii", trace_id,
				  (int64_t)refs[i].block_bytes, (int64_t)refs[i].size_bytes,
				  refs[i].policy, (int64_t)refs[i].reads_only,
				  (int64_t)refs[i].accesses, (int64_t)refs[i].misses);
	sqlite3_finalize(st);
	if (!rc && !(rc = db_exec(db, "COMMIT", what, err, errlen)))
		return 0;
rollback:
	db_rollback(db);
	return rc;
}
