/* SPDX-License-Identifier: GPL-2.0 */
/* db_refs.h - reference curves (fully associative LRU/OPT miss counts) stored beside the runs. */
#ifndef SSDCACHE_REP_DB_REFS_H
#define SSDCACHE_REP_DB_REFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/db.h"

/*
 * Table ref_curves (schema 4): one row per (trace, block size, capacity, policy, reads_only),
 * so a curve is computed once per trace and geometry, not once per run. The numbers come from
 * traces/mrc.h (the caller computes them: reports/ does not read traces); this file only
 * stores and reads them.
 */

struct rep_ref {
	uint64_t block_bytes, size_bytes;
	char policy[16];   /* "lru", "opt", ... (trace mrc's names) */
	bool reads_only;   /* 1: the trace's reads alone were fed */
	uint64_t accesses, misses;
};

/* The trace_id of a recorded trace, by fingerprint: 1 found (*id set), 0 not recorded, or
 * -EIO with a message. */
int rep_refs_trace_id(struct rep_db *db, const char *fingerprint, int64_t *id, char *err,
		      size_t errlen);

/* Is this point stored? 1 yes, 0 no, -EIO. */
int rep_refs_have(struct rep_db *db, int64_t trace_id, uint64_t block_bytes, uint64_t size_bytes,
		  const char *policy, bool reads_only, char *err, size_t errlen);

/* Store n points of one trace in one transaction (a point already there is replaced: the same
 * trace and geometry give the same counts). 0 or -EIO with a message. */
int rep_refs_store(struct rep_db *db, int64_t trace_id, const struct rep_ref *refs, size_t n,
		   char *err, size_t errlen);

/* The stored point, or 0 when there is none (1 found, -EIO on a database error; a database
 * older than schema 4 has none). */
int rep_refs_get(struct rep_db *db, int64_t trace_id, uint64_t block_bytes, uint64_t size_bytes,
		 const char *policy, bool reads_only, struct rep_ref *out);

#endif
