// SPDX-License-Identifier: GPL-2.0
/* rep_fixture.c - the database tests' fixture (see rep_fixture.h). */
#include "tests/lib/rep_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "policies/policy.h"

int fx_setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	fx_mkdtemp(f->dir, sizeof(f->dir));
	snprintf(f->trace, sizeof(f->trace), "%s/t.blkparse.txt", f->dir);
	snprintf(f->db, sizeof(f->db), "%s/r.db", f->dir);
	snprintf(f->out, sizeof(f->out), "%s/report", f->dir);
	fx_write_file(f->trace, FX_TRACE_TEXT);
	*state = f;
	return 0;
}

int fx_teardown(void **state)
{
	struct fx *f = *state;

	rep_db_close(f->h);
	fx_rmdir(f->dir);
	free(f->priv);
	free(f);
	return 0;
}

void fx_config(struct sim_config *cfg, const char *trace, unsigned long bs, unsigned assoc,
	       enum ssdcache_mode_t mode, const char *cache_size)
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

void fx_result(struct sim_result *r, double hit_ratio, size_t nr_series)
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

void fx_result_free(struct sim_result *r)
{
	free(r->series);
	r->series = NULL;
}

int64_t fx_record(struct fx *f, struct rep_db *db, unsigned long bs, unsigned assoc,
		  enum ssdcache_mode_t mode, const char *cache_size, double hit, size_t nr_series,
		  const struct rep_run_info *info)
{
	struct rep_run_info ok = {.status = REP_RUN_OK};
	struct sim_config cfg;
	struct sim_result res;
	int64_t id = -1;

	fx_config(&cfg, f->trace, bs, assoc, mode, cache_size);
	fx_result(&res, hit, nr_series);
	if (rep_db_record_run_ex(db, &cfg, &res, info ? info : &ok, &id, f->err, sizeof(f->err)))
		fail_msg("record: %s", f->err);
	fx_result_free(&res);
	return id;
}

int64_t fx_q_int(const char *path, const char *sql)
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

void fx_q_expect(const char *path, const struct fx_q *q)
{
	for (; q->sql; q++) {
		int64_t v = fx_q_int(path, q->sql);
		if (v != q->want)
			fail_msg("%s: %s gives %lld, expected %lld", path, q->sql, (long long)v,
				 (long long)q->want);
	}
}

void fx_exec_raw(const char *path, const char *sql)
{
	sqlite3 *c;
	char *msg = NULL;

	assert_int_equal(sqlite3_open(path, &c), SQLITE_OK);
	if (sqlite3_exec(c, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(c);
}

char *fx_slurp(const char *dir, const char *name)
{
	char p[700];
	FILE *fp;
	char *buf;
	size_t len;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "r");
	if (!fp)
		fail_msg("%s: missing", p);
	buf = calloc(1, 1 << 20);
	if (!buf)
		fail_msg("out of memory");
	len = fread(buf, 1, (1 << 20) - 1, fp);
	buf[len] = '\0';
	fclose(fp);
	return buf;
}

void fx_want(const char *text, const char *name, const char *piece)
{
	if (!strstr(text, piece))
		fail_msg("%s lacks:\n%s\n--- it is:\n%s", name, piece, text);
}
