// SPDX-License-Identifier: GPL-2.0
/* sweep_refs.c - compute and store the reference curves a sweep's report compares against. */
#include "sim/sweep_refs.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "reports/db_refs.h"
#include "reports/rep_util.h"
#include "traces/mrc.h"

#define MAX_POINTS 256

static const char *const ref_policies[] = {"lru", "opt"};

/* The bytes of cache blocks the engine has for a cache device of size bytes (ctr.c). */
static uint64_t engine_capacity(uint64_t size, uint64_t block_bytes)
{
	uint64_t cmds = size / block_bytes / DEFAULT_ALIASING, p = 1;

	if (!cmds)
		return 0;
	while (p * 2 <= cmds)
		p *= 2;
	return p * DEFAULT_ALIASING * block_bytes;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* One block size: read the trace, run both policies on the missing sizes, store. */
static int one_block_size(struct rep_db *db, int64_t tid, uint64_t bb, const uint64_t *dev_sizes,
			  size_t n, const char *path, const struct trc_opts *opts, char *err,
			  size_t errlen)
{
	struct mrc_trace_opts mo = {.block_bytes = bb};
	struct mrc_point pts[MAX_POINTS];
	uint64_t caps[MAX_POINTS];
	struct rep_ref refs[2 * MAX_POINTS];
	size_t nc = 0, nr = 0;
	struct mrc_trace *m = NULL;
	struct trc *t = NULL;
	struct trc_rec r;
	enum trc_status st;
	int rc;

	/* mrc_run wants strictly increasing capacities; dev_sizes is sorted, and two device sizes
	 * may round to the same capacity. */
	for (size_t i = 0; i < n; i++) {
		uint64_t cap = engine_capacity(dev_sizes[i], bb);

		if (cap && (!nc || cap > caps[nc - 1]))
			caps[nc++] = cap;
	}
	if (!nc)
		return 0;
	if ((rc = trc_open(&t, path, opts, err, errlen)))
		return rc;
	if ((rc = mrc_trace_new(&m, &mo))) {
		trc_close(t);
		snprintf(err, errlen, "reference curves: out of memory");
		return rc;
	}
	rc = 0;
	/* Reads only: the engine in writethrough and readcache (no evict_on_write) allocates on
	 * read misses only, so a write neither takes a slot nor counts (docs/reports.md). */
	while ((st = trc_next(t, &r)) == TRC_OK)
		if ((r.flags & TRC_READ) && (rc = mrc_trace_add_rec(m, &r)))
			break;
	if (!rc && st == TRC_EBAD) {
		snprintf(err, errlen, "reference curves: %s", trc_error(t));
		rc = -EIO;
	} else if (!rc) {
		rc = mrc_trace_seal(m);
	}
	trc_close(t);
	if (rc && !err[0])
		snprintf(err, errlen, "reference curves of %s: %s", path,
			 rc == -E2BIG ? "too many accesses" : "out of memory");
	if (!rc && !mrc_trace_accesses(m, true))
		goto out; /* no reads: no read miss ratio to compare */
	for (size_t p = 0; !rc && p < sizeof(ref_policies) / sizeof(ref_policies[0]); p++) {
		if ((rc = mrc_run(m, ref_policies[p], true, caps, nc, pts))) {
			snprintf(err, errlen, "reference curves: %s: out of memory", ref_policies[p]);
			break;
		}
		/* Key each point by the device sizes that give its capacity. */
		for (size_t i = 0; i < n; i++) {
			uint64_t cap = engine_capacity(dev_sizes[i], bb);

			for (size_t k = 0; k < nc; k++) {
				if (caps[k] != cap)
					continue;
				struct rep_ref *x = &refs[nr++];

				memset(x, 0, sizeof(*x));
				x->block_bytes = bb;
				x->size_bytes = dev_sizes[i];
				snprintf(x->policy, sizeof(x->policy), "%s", ref_policies[p]);
				x->reads_only = true;
				x->accesses = pts[k].accesses;
				x->misses = pts[k].misses;
			}
		}
	}
	if (!rc && nr)
		rc = rep_refs_store(db, tid, refs, nr, err, errlen);
out:
	mrc_trace_free(m);
	return rc;
}

int sweep_refs_record(struct rep_db *db, const char *sweep_id, const char *fingerprint,
		      const char *path, const struct trc_opts *opts, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int64_t tid;
	uint64_t bss[64], sizes[64][MAX_POINTS];
	size_t nbs = 0, nsz[64] = {0};
	int rc;

	err[0] = '\0';
	if ((rc = rep_refs_trace_id(db, fingerprint, &tid, err, errlen)) <= 0)
		return rc; /* no run recorded: nothing to compare */
	if (sqlite3_prepare_v2(rep_db_conn(db),
			       "SELECT DISTINCT block_size, cache_size FROM runs WHERE sweep_id = ?1 "
			       "AND status = 'ok' AND cache_size IS NOT NULL ORDER BY 1, 2",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", rep_db_path(db), sqlite3_errmsg(rep_db_conn(db)));
		return -EIO;
	}
	sqlite3_bind_text(st, 1, sweep_id, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		uint64_t bb = (uint64_t)sqlite3_column_int64(st, 0) * 512;
		uint64_t sz = (uint64_t)sqlite3_column_int64(st, 1);
		bool need = false;
		size_t b;

		for (size_t p = 0; p < sizeof(ref_policies) / sizeof(ref_policies[0]); p++) {
			rc = rep_refs_have(db, tid, bb, sz, ref_policies[p], true, err, errlen);
			if (rc < 0) {
				sqlite3_finalize(st);
				return rc;
			}
			need |= rc == 0;
		}
		if (!need || !bb)
			continue;
		for (b = 0; b < nbs; b++)
			if (bss[b] == bb)
				break;
		if (b == nbs) {
			if (nbs == 64)
				continue;
			bss[nbs++] = bb;
		}
		if (nsz[b] < MAX_POINTS)
			sizes[b][nsz[b]++] = sz;
	}
	sqlite3_finalize(st);
	for (size_t b = 0; b < nbs; b++) {
		qsort(sizes[b], nsz[b], sizeof(uint64_t), cmp_u64);
		if ((rc = one_block_size(db, tid, bss[b], sizes[b], nsz[b], path, opts, err, errlen)))
			return rc;
	}
	return 0;
}
