/* SPDX-License-Identifier: GPL-2.0 */
/* rep_fixture.h - the one fixture of the database tests (tests/reports/): a temporary directory
 * with a one-request trace, hand-made configurations and results (no simulation), and raw
 * SQLite access behind the store's back. */
#ifndef SSDCACHE_TEST_REP_FIXTURE_H
#define SSDCACHE_TEST_REP_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/db.h"
#include "tests/lib/tmpdir.h"
#include "sim/sim.h"

/* A one-request blkparse trace: what the database tests record runs of. */
#define FX_TRACE_TEXT "8,0 0 1 0.000000000 1 Q R 0 + 8 [x]\n"

struct fx {
	char dir[256];   /* mkdtemp'd; removed by fx_teardown */
	char trace[300]; /* DIR/t.blkparse.txt, holding FX_TRACE_TEXT */
	char db[300];    /* DIR/r.db (not created) */
	char out[300];   /* DIR/report (not created) */
	char err[2048];
	struct rep_db *h; /* a store the test keeps open (fx_teardown closes it) */
	int64_t id[8];    /* run ids the test's setup recorded */
	void *priv;       /* the test's own state (fx_teardown frees it) */
};

/* cmocka group or test setup and teardown: *state is a new struct fx. Setup never fails (it
 * aborts on a machine without a writable TMPDIR). */
int fx_setup(void **state);
int fx_teardown(void **state);


/* A configuration as the sweep would build it (the engine part filled directly; policy lru). */
void fx_config(struct sim_config *cfg, const char *trace, unsigned long bs, unsigned assoc,
	       enum ssdcache_mode_t mode, const char *cache_size);
/* A plausible result: hits/reads as given, a series of nr_series intervals, a histogram,
 * latencies (free with fx_result_free). */
void fx_result(struct sim_result *r, double hit_ratio, size_t nr_series);
void fx_result_free(struct sim_result *r);
/* Record fx_config(bs, assoc, mode, cache_size) with fx_result(hit, nr_series) in db (info may
 * be NULL: a lone ok run); fails the test on error. Returns the run id. */
int64_t fx_record(struct fx *f, struct rep_db *db, unsigned long bs, unsigned assoc,
		  enum ssdcache_mode_t mode, const char *cache_size, double hit, size_t nr_series,
		  const struct rep_run_info *info);

/* The first column of the first row of sql on the database at path (-1: no row). */
int64_t fx_q_int(const char *path, const char *sql);
/* Each query of a table (ended by sql == NULL) must give its value (fx_q_int) on the database
 * at path; the test fails naming the first that does not. */
struct fx_q {
	const char *sql;
	int64_t want;
};
void fx_q_expect(const char *path, const struct fx_q *q);
/* Run sql on the database at path, behind the store's back (old schemas, damage). */
void fx_exec_raw(const char *path, const char *sql);

/* A file of dir as a string (malloc'd; fails the test when it is missing). */
char *fx_slurp(const char *dir, const char *name);
/* Fail, showing the text, unless text contains piece. */
void fx_want(const char *text, const char *name, const char *piece);

#endif
