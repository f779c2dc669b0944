/* SPDX-License-Identifier: GPL-2.0 */
/* rep_fixture.h - hand-made configurations and results for the reports/ tests (no simulation). */
#ifndef SSDCACHE_TEST_REP_FIXTURE_H
#define SSDCACHE_TEST_REP_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sim/sim.h"

/* The helpers that assert need cmocka: include <cmocka.h> (and its prerequisites) first. */

/* A one-request blkparse trace: what the database tests record runs of. */
#define FX_TRACE_TEXT "8,0 0 1 0.000000000 1 Q R 0 + 8 [x]\n"

/* A temporary directory per test file; removed by fx_rmdir (rm -rf of our own mkdtemp). */
static inline void fx_mkdtemp(char *dir, size_t len)
{
	snprintf(dir, len, "%s/ssdcache-test-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
}

static inline void fx_rmdir(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s' 2>/dev/null; rm -rf '%s'", dir, dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
}

static inline void fx_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		abort();
	}
}

/* A configuration as the sweep would build it (the engine part filled directly). */
static inline void fx_config(struct sim_config *cfg, const char *trace, unsigned long bs,
			     unsigned assoc, enum ssdcache_mode_t mode, const char *cache_size)
{
	static const char *const modes[] = {"writethrough", "writeback", "readcache"};

	sim_config_init(cfg);
	cfg->trace_path = trace;
	cfg->engine.block_size = bs;
	cfg->engine.options.assoc = assoc;
	cfg->engine.options.mode = mode;
	cfg->engine.policy = &pol_lru;
	snprintf(cfg->table, sizeof(cfg->table), "blocksize %lu assoc %u %s options 1 lru", bs, assoc,
		 modes[mode]);
	snprintf(cfg->cache_spec, sizeof(cfg->cache_spec), "fixed:size=%s,read=100us,write=200us",
		 cache_size);
	snprintf(cfg->target_spec, sizeof(cfg->target_spec), "fixed:size=64G,read=5ms,write=5ms");
}

/* A plausible result: hits/reads as given, a short series and histogram, latencies. */
static inline void fx_result(struct sim_result *r, double hit_ratio, size_t nr_series)
{
	memset(r, 0, sizeof(*r));
	r->requests = 1000;
	r->reads = 700;
	r->writes = 300;
	r->bytes_read = 700 * 4096;
	r->bytes_written = 300 * 4096;
	r->pieces = 1000;
	r->first_ns = 0;
	r->last_ns = 10000000000ULL;
	r->end_ns = 10005000000ULL;
	r->trace_counts.records = 1000;
	snprintf(r->trace_format, sizeof(r->trace_format), "blkparse");
	r->outcome_count[CTE_READ_CLEAN] = (uint64_t)(700 * hit_ratio);
	r->outcome_count[CTE_READ_MISS] = 700 - r->outcome_count[CTE_READ_CLEAN];
	r->outcome_count[CTE_WRITE_MISS] = 300;
	r->counters.read_clean = r->outcome_count[CTE_READ_CLEAN];
	r->counters.read_miss = r->outcome_count[CTE_READ_MISS];
	r->counters.write_miss = 300;
	r->counters.cache_evictions = 17;
	r->read_hit_ratio = hit_ratio;
	r->sector_read_hit_ratio = hit_ratio;
	snprintf(r->status_info, sizeof(r->status_info), "read_clean %lu", r->counters.read_clean);
	for (int c = 0; c < SIM_CLASS_NR; c++) {
		r->lat_class[c].count = (uint64_t)(c + 1) * 10;
		r->lat_class[c].mean_ns = 1e5 * (c + 1);
		r->lat_class[c].p50_ns = 0.9e5 * (c + 1);
		r->lat_class[c].p90_ns = 2e5 * (c + 1);
		r->lat_class[c].p99_ns = 4e5 * (c + 1);
		r->lat_class[c].p999_ns = 8e5 * (c + 1);
		r->lat_class[c].max_ns = 1e6 * (c + 1);
	}
	r->lat_op[SIM_OP_READ] = r->lat_class[SIM_READ_HIT];
	r->lat_op[SIM_OP_WRITE] = r->lat_class[SIM_WRITE_MISS];
	r->hist_op[SIM_OP_READ][16] = 300;
	r->hist_op[SIM_OP_READ][22] = 400;
	r->hist_op[SIM_OP_WRITE][23] = 300;
	r->miss[MISS_COMPULSORY] = r->outcome_count[CTE_READ_MISS] / 2;
	r->miss[MISS_CAPACITY] = r->outcome_count[CTE_READ_MISS] - r->miss[MISS_COMPULSORY];
	r->cache_dev.bytes_written = 123456789;
	r->iops = 100;
	r->mb_s = 0.4;
	r->wall_seconds = 0.25;
	r->nr_series = nr_series;
	r->series = nr_series ? calloc(nr_series, sizeof(*r->series)) : NULL;
	for (size_t i = 0; i < nr_series; i++) {
		r->series[i].start_ns = i * 1000000000ULL;
		r->series[i].requests = 100;
		r->series[i].read_pieces = 70;
		r->series[i].read_hits = (uint64_t)(70 * hit_ratio * (double)(i + 1) / (double)nr_series);
		r->series[i].lat_mean_ns = 1e6;
	}
}

static inline void fx_result_free(struct sim_result *r)
{
	free(r->series);
	r->series = NULL;
}

/* The first column of the first row of sql on the database at path (-1: no row). */
static inline int64_t fx_q_int(const char *path, const char *sql)
{
	sqlite3 *c;
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &c, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(c, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(c);
	return v;
}

/* Run sql on the database at path, behind the store's back (old schemas, damage). */
static inline void fx_exec_raw(const char *path, const char *sql)
{
	sqlite3 *c;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	if (sqlite3_exec(c, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(c);
}

#endif
