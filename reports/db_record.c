// SPDX-License-Identifier: GPL-2.0
/* db_record.c - recording runs: the trace (once per fingerprint), the configuration, the results. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/db_internal.h"
#include "reports/db_schema.h"
#include "reports/rep_util.h"

/* ---- configurations ---- */

static const char *mode_name(enum ssdcache_mode_t m)
{
	return (unsigned)m < 3 ? rep_mode_names[m] : "unknown";
}

static void options_text(const struct ssdcache_options *o, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
#define OPT_FLAG(f)                                                                       \
	do {                                                                              \
		if (o->f && n < len)                                                      \
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "", #f); \
	} while (0)
	OPT_FLAG(async_lookup);
	OPT_FLAG(disable_writeback);
	OPT_FLAG(queue_busy);
	OPT_FLAG(skip_write_insert);
	OPT_FLAG(evict_on_write);
	OPT_FLAG(cmd_preload);
#undef OPT_FLAG
	if (o->admit.n && n < len) { /* extension: admission rules (policies/admit.c) */
		char adm[160];
		n += (size_t)snprintf(buf + n, len - n, "%sadmit=%s", n ? "," : "",
				      pol_admit_format(&o->admit, adm, sizeof(adm)));
	}
}

int rep_config_key(const struct sim_config *cfg, char *buf, size_t len)
{
	/* cfg->engine is the table parsed (sim_config's contract), as the engine gets it */
	const struct ssdcache_config *e = &cfg->engine;
	char opts[160], dev[32];
	int n;

	options_text(&e->options, opts, sizeof(opts));
	if (cfg->trace.has_device)
		snprintf(dev, sizeof(dev), "%u:%u", TRC_MAJOR(cfg->trace.device),
			 TRC_MINOR(cfg->trace.device));
	else
		dev[0] = '\0';
	/* Parsed fields, not the table's text: "blocksize 64" and "assoc 4 blocksize 64" are the
	 * same configuration when 4 is the default. */
	n = snprintf(buf, len,
		     "bs=%lu;assoc=%u;mode=%s;policy=%s;opts=%s;quirks=%#" PRIx64 ";hash=%d;"
		     "seed_crash=%d;bs_overflow=%d;odd_bs=%d;cache=%s;target=%s;hz=%u;jiffies0=%" PRIu64
		     ";wq_delay=%" PRIu64 ";map_cost=%" PRIu64 ";speed=%.17g;qd=%u;interval=%" PRIu64
		     ";max_requests=%" PRIu64 ";verify=%d;explain=%d;fmt=%s;event=%c;dev=%s;lenient=%d",
		     e->block_size, e->options.assoc, mode_name(e->options.mode), sim_policy_name(e), opts,
		     (uint64_t)e->fixed, (int)e->hash, (int)e->seed_crash, (int)e->bs_overflow,
		     (int)e->odd_blocksize, cfg->cache_spec, cfg->target_spec, cfg->hz,
		     cfg->jiffies0, cfg->wq_delay_ns, cfg->map_cost_ns, cfg->speed, cfg->qd,
		     cfg->interval_ns, cfg->max_requests, (int)cfg->verify, (int)cfg->explain_misses,
		     cfg->trace.format ? cfg->trace.format : "auto",
		     cfg->trace.event ? cfg->trace.event : 'Q', dev, (int)cfg->trace.lenient);
	/* The CSV readers' options change the requests: part of the key when given (and only
	 * then, so that keys recorded before they existed still match). */
	if (n >= 0 && (size_t)n < len && (cfg->trace.time_unit || cfg->trace.csv))
		n += snprintf(buf + n, len - (size_t)n, ";time_unit=%s;csv=%s",
			      trc_time_unit_name(cfg->trace.time_unit),
			      cfg->trace.csv ? cfg->trace.csv : "");
	if (n >= 0 && (size_t)n < len && e->seed) /* only when given: older keys stay the same */
		n += snprintf(buf + n, len - (size_t)n, ";seed=%" PRIu64, e->seed);
	if (n >= 0 && (size_t)n < len && cfg->warmup.kind) /* the same: only when given */
		n += snprintf(buf + n, len - (size_t)n, ";warmup=%s", cfg->warmup.spec);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

/* ---- rows ---- */

enum col_type { C_NULL, C_INT, C_REAL, C_TEXT };

struct col {
	const char *name;
	enum col_type type;
	int64_t i;
	double d;
	const char *s;
};

#define CI(n, v) ((struct col){.name = (n), .type = C_INT, .i = (int64_t)(v)})
#define CD(n, v) ((struct col){.name = (n), .type = C_REAL, .d = (double)(v)})
#define CS(n, v) col_text((n), (v))
#define CN(n) ((struct col){.name = (n), .type = C_NULL})

/* A function, not a macro: NULL text becomes SQL NULL. */
static inline struct col col_text(const char *name, const char *v)
{
	return (struct col){.name = name, .type = v ? C_TEXT : C_NULL, .s = v};
}

/* INSERT one row; table and column names are this file's constants, values are bound. */
static int insert_row(struct rep_db *db, const char *table, const struct col *cols, size_t n,
		      int64_t *rowid, char *err, size_t errlen)
{
	char sql[4096];
	size_t off;
	sqlite3_stmt *st;
	int rc;

	off = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO %s(", table);
	for (size_t i = 0; i < n && off < sizeof(sql); i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s%s", i ? "," : "", cols[i].name);
	for (size_t i = 0; i < n && off < sizeof(sql); i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s", i ? ",?" : ") VALUES(?");
	if (off + 2 >= sizeof(sql)) {
		snprintf(err, errlen, "%s: internal error: INSERT INTO %s too long", db->path, table);
		return -EINVAL;
	}
	strcat(sql, ")");
	if ((rc = db_prepare(db, &st, err, errlen, "preparing a row", sql)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		int p = (int)i + 1;

		switch (cols[i].type) {
		case C_NULL:
			sqlite3_bind_null(st, p);
			break;
		case C_INT:
			sqlite3_bind_int64(st, p, cols[i].i);
			break;
		case C_REAL:
			/* NaN would be stored as NULL anyway; say so explicitly. */
			if (cols[i].d != cols[i].d)
				sqlite3_bind_null(st, p);
			else
				sqlite3_bind_double(st, p, cols[i].d);
			break;
		case C_TEXT:
			sqlite3_bind_text(st, p, cols[i].s, -1, SQLITE_TRANSIENT);
			break;
		}
	}
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		char what[96];

		snprintf(what, sizeof(what), "writing to table %s", table);
		return db_error(db->path, db->conn, rc, err, errlen, what);
	}
	if (rowid)
		*rowid = sqlite3_last_insert_rowid(db->conn);
	return 0;
}

#define NCOLS(a) (sizeof(a) / sizeof((a)[0]))

/* Find the trace by fingerprint or add it; fill its statistics from the first result. */
static int upsert_trace(struct rep_db *db, const struct sim_trace_desc *t, const struct sim_config *cfg,
			const struct sim_result *res, const char *stats_json, int64_t *trace_id,
			char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;
	bool have_stats = false;

	*trace_id = 0;
	rc = db_row(db, &st, err, errlen, "looking up the trace",
		    "SELECT trace_id, records IS NOT NULL FROM traces WHERE fingerprint = ?1", "t",
		    t->fingerprint);
	if (rc < 0)
		return rc;
	if (rc) {
		*trace_id = sqlite3_column_int64(st, 0);
		have_stats = sqlite3_column_int(st, 1);
		sqlite3_finalize(st);
	}
	if (!*trace_id) {
		char now[40];
		const char *fmt = t->format[0] ? t->format : (res ? res->trace_format : "");
		struct col c[] = {
			CS("fingerprint", t->fingerprint), CS("path", t->path ? t->path : cfg->trace_path),
			CS("format", fmt), CI("size_bytes", t->size_bytes), CS("added_at", now),
		};

		rep_format_time(rep_now(), now, sizeof(now));
		if ((rc = insert_row(db, "traces", c, NCOLS(c), trace_id, err, errlen)))
			return rc;
	}
	if (stats_json) {
		/* The `trace stats` document, and the figures reports show from it (SQLite's JSON1). */
		if ((rc = db_run(db, err, errlen, "recording the trace statistics",
				 "UPDATE traces SET stats_json = ?2, "
				 "footprint_bytes = json_extract(?2, '$.footprint_bytes'), "
				 "sequential_fraction = json_extract(?2, '$.sequential_fraction'), "
				 "reuse_fraction = json_extract(?2, '$.reuse.reuse_fraction'), "
				 "mean_request_bytes = json_extract(?2, '$.size_bytes.mean') "
				 "WHERE trace_id = ?1 AND stats_json IS NULL",
				 "it", *trace_id, stats_json)))
			return rc;
	}
	if (have_stats || !res)
		return 0;
	/* The trace statistics as the reader saw them with this run's reader options. */
	{
		const struct trc_counts *tc = &res->trace_counts;
		char opts[64], dev[24] = "";
		static const char upd[] =
			"UPDATE traces SET stats_opts=?2, records=?3, reads=?4, writes=?5, flushes=?6,"
			" discards=?7, bytes_read=?8, bytes_written=?9, first_ns=?10, last_ns=?11,"
			" duration_s=?12, skipped_lines=?13, skipped_bad=?14, skipped_zoned=?15,"
			" skipped_other_dev=?16, reordered=?17, inversions=?18, remaps=?19,"
			" dev_lat_count=?20, dev_lat_mean_ns=?21, dev_lat_p50_ns=?22, dev_lat_p99_ns=?23,"
			" format = CASE WHEN format = '' THEN ?24 ELSE format END"
			" WHERE trace_id=?1";
		if (cfg->trace.has_device)
			snprintf(dev, sizeof(dev), ",device=%u:%u", TRC_MAJOR(cfg->trace.device),
				 TRC_MINOR(cfg->trace.device));
		snprintf(opts, sizeof(opts), "event=%c%s%s", cfg->trace.event ? cfg->trace.event : 'Q',
			 dev, cfg->max_requests ? ",truncated" : "");
		const struct sim_lat *dl = &res->trace_lat;
		double nan = NAN; /* no measured latency: NULL */

		return db_run(db, err, errlen, "updating the trace", upd, "itiiiiiiiiidiiiiiiiidddt",
			      *trace_id, opts, (int64_t)tc->records, (int64_t)res->reads,
			      (int64_t)res->writes, (int64_t)res->flushes, (int64_t)res->discards,
			      (int64_t)res->bytes_read, (int64_t)res->bytes_written,
			      (int64_t)res->first_ns, (int64_t)res->last_ns,
			      (double)(res->last_ns - res->first_ns) / 1e9, (int64_t)tc->skipped_lines,
			      (int64_t)tc->skipped_bad, (int64_t)tc->skipped_zoned,
			      (int64_t)tc->skipped_other_dev, (int64_t)tc->reordered,
			      (int64_t)tc->inversions, (int64_t)tc->remaps, (int64_t)dl->count,
			      dl->count ? dl->mean_ns : nan, dl->count ? dl->p50_ns : nan,
			      dl->count ? dl->p99_ns : nan, res->trace_format);
	}
	return 0;
}

/* "seed=..." options of the device specs: the runs' random seeds, for the record. */
static void seeds_text(const struct sim_config *cfg, char *buf, size_t len)
{
	const char *specs[2] = {cfg->cache_spec, cfg->target_spec};
	const char *roles[2] = {"cache", "target"};
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 2; i++) {
		const char *p = specs[i];

		while ((p = strstr(p, "seed="))) {
			size_t vl = strcspn(p + 5, ",");

			if ((p == specs[i] || p[-1] == ',' || p[-1] == ':') && n < len)
				n += (size_t)snprintf(buf + n, len - n, "%s%s:seed=%.*s", n ? " " : "",
						      roles[i], (int)vl, p + 5);
			p += 5;
		}
	}
}

static int insert_run(struct rep_db *db, const struct sim_config *cfg,
		      const struct sim_result *res, const struct rep_run_info *info, int64_t trace_id,
		      int64_t *run_id, char *err, size_t errlen)
{
	static const char *const status_names[] = {"ok", "invalid", "failed"};
	struct sim_effective eff;
	const struct ssdcache_config *e = &eff.engine;
	const struct sim_dev_desc *cd = &eff.cache, *td = &eff.target;
	char key[REP_CONFIG_KEY_MAX], khash[24], uuid[40], started[40], finished[40];
	char host[256] = "", opts[160], quirks[200], seeds[256], table_line[1024], dev[24] = "";
	char event[2] = {cfg->trace.event ? cfg->trace.event : 'Q', '\0'};
	double t1, t0;
	int rc;

	/* The configuration as the run resolved it; a run without results (refused, failed) is
	 * described from cfg by the same resolution (sim.h). */
	if (res && res->eff.valid)
		eff = res->eff;
	else
		sim_describe_config(cfg, &eff);
	if ((rc = rep_config_key(cfg, key, sizeof(key)))) {
		snprintf(err, errlen, "%s: the configuration is too long to record", db->path);
		return -EINVAL;
	}
	rep_hash_text(key, khash, sizeof(khash));
	if ((rc = rep_uuid(uuid, sizeof(uuid)))) {
		snprintf(err, errlen, "%s: no random bytes for a run id (%s)", db->path, strerror(-rc));
		return rc;
	}
	t1 = info->finished_at > 0 ? info->finished_at : rep_now();
	t0 = info->started_at > 0 ? info->started_at : t1 - (res ? res->wall_seconds : 0);
	rep_format_time(t0, started, sizeof(started));
	rep_format_time(t1, finished, sizeof(finished));
	gethostname(host, sizeof(host) - 1);
	options_text(&e->options, opts, sizeof(opts));
	quirks_format(e->fixed, quirks, sizeof(quirks)); /* what users type: seed, fixed-Q1 */
	seeds_text(cfg, seeds, sizeof(seeds));
	/* The dm table line the run stands for: "0 <target sectors> ssdcache <target> <cache> ..." */
	snprintf(table_line, sizeof(table_line), "0 %" PRIu64 " ssdcache %s %s %s",
		 td->size_bytes / 512, cfg->target_name ? cfg->target_name : "target",
		 cfg->cache_name ? cfg->cache_name : "cache", cfg->table);
	if (cfg->trace.has_device)
		snprintf(dev, sizeof(dev), "%u:%u", TRC_MAJOR(cfg->trace.device),
			 TRC_MINOR(cfg->trace.device));
	{
		static const char *const hashes[] = {"linux31", "modern"};
		static const char *const crashes[] = {"continue", "abort"};
		static const char *const overflows[] = {"refuse", "emulate"};
		struct col c[] = {
			CS("run_uuid", uuid),
			CI("trace_id", trace_id),
			CS("config_key", key),
			CS("config_hash", khash),
			CS("status", status_names[info->status]),
			CS("error", info->status == REP_RUN_OK ? NULL : info->error),
			CS("started_at", started),
			CS("finished_at", finished),
			res ? CD("wall_seconds", res->wall_seconds) : CD("wall_seconds", t1 - t0),
			CS("program_version", SSDCACHE_SIM_VERSION),
			CS("hostname", host),
			CS("command_line", info->command_line),
			CS("trace_path", info->trace && info->trace->path ? info->trace->path
									  : cfg->trace_path),
			CS("trace_format_opt", cfg->trace.format ? cfg->trace.format : "auto"),
			CS("trace_event", event),
			CS("trace_device", dev[0] ? dev : NULL),
			CI("trace_lenient", cfg->trace.lenient),
			CS("table_line", table_line),
			CS("table_args", eff.table),
			CI("block_size", e->block_size),
			CI("assoc", e->options.assoc),
			CS("mode", mode_name(e->options.mode)),
			CS("policy", eff.policy),
			CS("options", opts),
			cd->has_size ? CI("cache_size", cd->size_bytes) : CN("cache_size"),
			CS("cache_spec", cfg->cache_spec),
			CS("cache_model", cd->model),
			CS("cache_preset", cd->preset[0] ? cd->preset : NULL),
			td->has_size ? CI("target_size", td->size_bytes) : CN("target_size"),
			CS("target_spec", cfg->target_spec),
			CS("target_model", td->model),
			CS("target_preset", td->preset[0] ? td->preset : NULL),
			CS("quirks", quirks),
			CI("quirks_fixed", e->fixed),
			CS("hash_variant", hashes[e->hash == HASH_MODERN]),
			CS("seed_crash", crashes[e->seed_crash == SEED_CRASH_ABORT]),
			CS("bs_overflow", overflows[e->bs_overflow == BS_OVERFLOW_EMULATE]),
			CI("odd_blocksize", e->odd_blocksize),
			CI("hz", cfg->hz),
			CI("jiffies0", cfg->jiffies0),
			CI("wq_delay_ns", cfg->wq_delay_ns),
			CI("map_cost_ns", cfg->map_cost_ns),
			CD("speed", cfg->speed),
			CI("qd", cfg->qd),
			CI("interval_ns", cfg->interval_ns),
			CI("verify", cfg->verify),
			CI("explain_misses", cfg->explain_misses),
			CI("max_requests", cfg->max_requests),
			/* the warm-up (NULL: none) */
			CS("warmup", cfg->warmup.kind ? cfg->warmup.spec : NULL),
			cfg->warmup.kind == WARMUP_REQUESTS ? CI("warmup_requests", cfg->warmup.requests)
							    : CN("warmup_requests"),
			cfg->warmup.kind == WARMUP_TIME ? CI("warmup_time_ns", cfg->warmup.time_ns)
							: CN("warmup_time_ns"),
			cfg->warmup.kind == WARMUP_PERCENT ? CD("warmup_percent", cfg->warmup.percent)
							   : CN("warmup_percent"),
			CS("seeds", seeds),
			CS("sweep_id", info->sweep_id),
		};

		return insert_row(db, "runs", c, NCOLS(c), run_id, err, errlen);
	}
}

/* Read pieces, as sim_run counts them for read_hit_ratio: the four read latency classes
 * (hits, misses, busy, and reads that found no slot: Q1's WRITE_SKIP, LOOKUP_FAILED). */
static uint64_t read_pieces_of(const struct sim_result *r)
{
	return r->lat_class[SIM_READ_HIT].count + r->lat_class[SIM_READ_MISS].count +
	       r->lat_class[SIM_READ_BUSY].count + r->lat_class[SIM_READ_NOCACHE].count;
}

static int insert_results(struct rep_db *db, int64_t run_id, const struct sim_result *r,
			  char *err, size_t errlen)
{
	const struct ssdcache_counters *k = &r->counters;
	const struct sim_lat *lag = r->replay && r->replay->lag.count ? &r->replay->lag : NULL;
	struct col c[] = {
		CI("run_id", run_id),
		CI("requests", r->requests),
		r->warmup.kind ? CI("warmup_start_request", r->warmup.start_request)
			       : CN("warmup_start_request"),
		r->warmup.kind ? CI("warmup_start_ns", r->warmup.start_ns) : CN("warmup_start_ns"),
		CI("reads", r->reads),
		CI("writes", r->writes),
		CI("flushes", r->flushes),
		CI("discards", r->discards),
		CI("bytes_read", r->bytes_read),
		CI("bytes_written", r->bytes_written),
		CI("pieces", r->pieces),
		CI("skipped_zero_len", r->skipped_zero_len),
		CI("skipped_beyond_end", r->skipped_beyond_end),
		CI("first_ns", r->first_ns),
		CI("last_ns", r->last_ns),
		CI("end_ns", r->end_ns),
		CI("read_clean", k->read_clean),
		CI("read_busy", k->read_busy),
		CI("read_invalid", k->read_invalid),
		CI("read_miss", k->read_miss),
		CI("write_busy", k->write_busy),
		CI("write_cancel", k->write_cancel),
		CI("write_invalid", k->write_invalid),
		CI("write_miss", k->write_miss),
		CI("write_done", k->write_done),
		CI("write_skip", k->write_skip),
		CI("cache_bypassed", k->cache_bypassed),
		CI("cache_evictions", k->cache_evictions),
		CI("writeback_cancelled", k->writeback_cancelled),
		CI("bio_cancelled", k->bio_cancelled),
		CI("write_clean", k->write_clean),
		CI("lookup_failed", k->lookup_failed),
		CI("lookup_busy", k->lookup_busy),
		CI("cache_overruns", k->cache_overruns),
		CI("nr_sio", k->nr_sio),
		CI("sio_active", k->sio_active),
		CI("cte_active", k->cte_active),
		CI("seed_crashes", k->seed_crashes),
		CI("deferred", k->deferred),
		CI("nr_cmds", k->nr_cmds),
		CI("nr_ctes", k->nr_ctes),
		CI("nr_cte_full", k->nr_cte_full),
		CI("nr_target_busy", k->nr_target_busy),
		CI("nr_cache_busy", k->nr_cache_busy),
		CI("num_cmd", k->num_cmd),
		CI("max_ctes", k->max_ctes),
		CI("geo_block_size", r->geometry.block_size),
		CI("hash_bits", r->geometry.hash_bits),
		CI("cache_sectors_used", r->geometry.cache_sectors_used),
		CI("cte_bytes", r->geometry.cte_bytes),
		CS("status_info", r->status_info),
		CS("status_table", r->status_table),
		CI("read_pieces", read_pieces_of(r)),
		/* no read piece: no ratio (NULL), not a hit ratio of 0 */
		read_pieces_of(r) ? CD("read_hit_ratio", r->read_hit_ratio) : CN("read_hit_ratio"),
		read_pieces_of(r) ? CD("sector_read_hit_ratio", r->sector_read_hit_ratio)
				  : CN("sector_read_hit_ratio"),
		CD("iops", r->iops),
		CD("mb_s", r->mb_s),
		CD("cache_util", r->cache_util),
		CD("target_util", r->target_util),
		CI("ssd_bytes_written", r->cache_dev.bytes_written),
		/* run_summary's column since schema 1: the cache model's counter of that name */
		CI("ssd_media_bytes_written",
		   (int64_t)dev_stats_get(&r->cache_dev, "media_bytes_written")),
		CI("miss_compulsory", r->miss[MISS_COMPULSORY]),
		CI("miss_capacity", r->miss[MISS_CAPACITY]),
		CI("miss_conflict", r->miss[MISS_CONFLICT]),
		CI("miss_busy", r->miss[MISS_BUSY]),
		CI("miss_policy", r->miss[MISS_POLICY]),
		CI("stale_reads", r->stale_reads),
		CD("wall_seconds", r->wall_seconds),
		/* a replay's (sim.h, sim_replay_record); the lag only in open loop */
		lag ? CD("lag_p50_ns", lag->p50_ns) : CN("lag_p50_ns"),
		lag ? CD("lag_p99_ns", lag->p99_ns) : CN("lag_p99_ns"),
		lag ? CD("lag_max_ns", lag->max_ns) : CN("lag_max_ns"),
		r->replay ? CI("late_requests", r->replay->late_requests) : CN("late_requests"),
		r->replay ? CI("realtime", r->replay->realtime) : CN("realtime"),
	};

	return insert_row(db, "results", c, NCOLS(c), NULL, err, errlen);
}

static int insert_latency(struct rep_db *db, int64_t run_id, const char *scope, const char *name,
			  const struct sim_lat *l, char *err, size_t errlen)
{
	struct col c[] = {
		CI("run_id", run_id),        CS("scope", scope),          CS("name", name),
		CI("count", l->count),       CD("mean_ns", l->mean_ns),   CD("p50_ns", l->p50_ns),
		CD("p90_ns", l->p90_ns),     CD("p99_ns", l->p99_ns),     CD("p999_ns", l->p999_ns),
		CD("max_ns", l->max_ns),
	};

	if (!l->count)
		return 0; /* no samples: no percentiles worth a row */
	return insert_row(db, "latency", c, NCOLS(c), NULL, err, errlen);
}

static int insert_dev(struct rep_db *db, int64_t run_id, const char *role,
		      const struct dev_stats *s, double util, char *err, size_t errlen)
{
	struct col c[] = {
		CI("run_id", run_id),
		CS("role", role),
		CI("nr_reads", s->nr_reads),     CI("nr_writes", s->nr_writes),
		CI("nr_other", s->nr_other),
		CI("bytes_read", s->bytes_read), CI("bytes_written", s->bytes_written),
		CI("busy_ns", s->busy_ns),       CD("util", util),
		CD("mean_queue_depth", s->mean_queue_depth),
	};
	static const char what[] = "writing the device's counters";
	const struct dev_counter *tab = s->ctab;
	sqlite3_stmt *st;
	int rc;

	if ((rc = insert_row(db, "device_stats", c, NCOLS(c), NULL, err, errlen)))
		return rc;
	if (!tab || !tab->name)
		return 0;
	/* The model's own counters, a row each (a histogram's bins as NAME.BIN), from its table. */
	if ((rc = db_prepare(db, &st, err, errlen, what,
			     "INSERT INTO device_counters(run_id, device, name, unit, value) "
			     "VALUES(?1,?2,?3,?4,?5)")))
		return rc;
	for (unsigned i = 0; !rc && tab[i].name; i++) {
		const struct dev_counter *k = &tab[i];
		char name[96];

		if (k->kind == DEV_C_RATIO)
			rc = db_step_with(db, st, err, errlen, what, "itttd", run_id, role, k->name,
					  k->unit, dev_counter_value(s, i));
		else if (k->kind != DEV_C_HIST)
			rc = db_step_with(db, st, err, errlen, what, "ittti", run_id, role, k->name,
					  k->unit, (int64_t)dev_counter_u64(s, i));
		for (unsigned b = 0; !rc && k->kind == DEV_C_HIST && b < k->nbins; b++) {
			snprintf(name, sizeof(name), "%s.%u", k->name, b);
			rc = db_step_with(db, st, err, errlen, what, "ittti", run_id, role, name,
					  k->unit, (int64_t)dev_counter_bin(s, i, b));
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* replay --predict's comparison (sim_replay_record): a row per scope and name, the quantiles of
 * both sides where the samples were kept. */
static int insert_prediction(struct rep_db *db, int64_t run_id, const struct sim_replay_record *rp,
			     char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc = 0;

	for (unsigned i = 0; i < rp->nr_pred && i < SIM_PRED_ROWS; i++) {
		const struct sim_pred_row *w = &rp->pred[i];
		struct col c[] = {
			CI("run_id", run_id),
			CS("scope", w->scope),
			CS("name", w->name),
			CI("measured_count", w->measured.count),
			CD("measured_mean_ns", w->measured.mean_ns),
			CD("measured_p50_ns", w->measured.p50_ns),
			CD("measured_p99_ns", w->measured.p99_ns),
			CI("predicted_count", w->predicted.count),
			CD("predicted_mean_ns", w->predicted.mean_ns),
			CD("predicted_p50_ns", w->predicted.p50_ns),
			CD("predicted_p99_ns", w->predicted.p99_ns),
			CD("demerit_pct", w->demerit_pct),
		};

		if ((rc = insert_row(db, "prediction", c, NCOLS(c), NULL, err, errlen)))
			return rc;
	}
	if ((rc = db_prepare(db, &st, err, errlen, "writing the prediction's quantiles",
			     "INSERT INTO prediction_cdf(run_id, scope, name, side, pct, latency_ns) "
			     "VALUES(?1,?2,?3,?4,?5,?6)")))
		return rc;
	for (unsigned i = 0; !rc && i < rp->nr_pred && i < SIM_PRED_ROWS; i++) {
		const struct sim_pred_row *w = &rp->pred[i];

		for (int q = 0; !rc && w->has_cdf && q < SIM_PRED_QUANTILES; q++) {
			rc = db_step_with(db, st, err, errlen, "writing the prediction's quantiles", "itttid",
					  run_id, w->scope, w->name, "measured", (int64_t)(q + 1),
					  w->measured_q[q]);
			if (!rc)
				rc = db_step_with(db, st, err, errlen, "writing the prediction's quantiles",
						  "itttid", run_id, w->scope, w->name, "predicted",
						  (int64_t)(q + 1), w->predicted_q[q]);
		}
	}
	sqlite3_finalize(st);
	return rc;
}

/* Rows that repeat (series, histograms, outcomes) go through one prepared statement each. */
static int insert_details(struct rep_db *db, int64_t run_id, const struct sim_result *r,
			  char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	for (int i = 0; i < SIM_CLASS_NR; i++)
		if ((rc = insert_latency(db, run_id, "class", rep_class_names[i], &r->lat_class[i], err,
					 errlen)))
			return rc;
	for (int i = 0; i < SIM_OP_NR; i++)
		if ((rc = insert_latency(db, run_id, "op", rep_op_names[i], &r->lat_op[i], err, errlen)))
			return rc;
	if ((rc = insert_latency(db, run_id, "trace", "device", &r->trace_lat, err, errlen)))
		return rc;
	if ((rc = insert_dev(db, run_id, "cache", &r->cache_dev, r->cache_util, err, errlen)) ||
	    (rc = insert_dev(db, run_id, "target", &r->target_dev, r->target_util, err, errlen)))
		return rc;
	if (r->replay && (rc = insert_prediction(db, run_id, r->replay, err, errlen)))
		return rc;

	if ((rc = db_prepare(db, &st, err, errlen, "writing outcome counts",
			     "INSERT INTO outcomes(run_id, outcome, count) VALUES(?1,?2,?3)")))
		return rc;
	for (int i = 0; !rc && i < SSD_OUT_NR; i++)
		if (r->outcome_count[i])
			rc = db_step_with(db, st, err, errlen, "writing outcome counts", "iti", run_id,
					  rep_outcome_names[i], (int64_t)r->outcome_count[i]);
	sqlite3_finalize(st);
	if (rc)
		return rc;

	if ((rc = db_prepare(db, &st, err, errlen, "writing the time series",
			     "INSERT INTO series(run_id, idx, start_ns, requests, read_pieces, "
			     "read_hits, lat_mean_ns) VALUES(?1,?2,?3,?4,?5,?6,?7)")))
		return rc;
	for (size_t i = 0; !rc && r->series && i < r->nr_series; i++) {
		const struct sim_interval *s = &r->series[i];

		rc = db_step_with(db, st, err, errlen, "writing the time series", "iiiiiid", run_id,
				  (int64_t)i, (int64_t)s->start_ns, (int64_t)s->requests,
				  (int64_t)s->read_pieces, (int64_t)s->read_hits, s->lat_mean_ns);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;

	/* sim.h: log2 buckets of ns; bucket b holds [2^b, 2^(b+1)) ns, bucket 0 also holds 0. */
	if ((rc = db_prepare(db, &st, err, errlen, "writing latency histograms",
			     "INSERT INTO histograms(run_id, op, bucket, lo_ns, hi_ns, count) "
			     "VALUES(?1,?2,?3,?4,?5,?6)")))
		return rc;
	for (int op = 0; !rc && op < SIM_OP_NR; op++)
		for (int b = 0; !rc && b < 64; b++)
			if (r->hist_op[op][b])
				rc = db_step_with(db, st, err, errlen, "writing latency histograms",
						  "itiiii", run_id, rep_op_names[op], (int64_t)b,
						  b ? (int64_t)(1ULL << b) : (int64_t)0,
						  b < 62 ? (int64_t)(1ULL << (b + 1)) : (int64_t)INT64_MAX,
						  (int64_t)r->hist_op[op][b]);
	/* per piece class: quarter-octave buckets, op "class:NAME" (sim.h, sim_hist_lo) */
	for (int k = 0; !rc && k < SIM_CLASS_NR; k++) {
		char op[48];

		snprintf(op, sizeof(op), "class:%s", rep_class_names[k]);
		for (unsigned b = 0; !rc && b < SIM_HIST_BINS; b++)
			if (r->hist_class[k][b])
				rc = db_step_with(db, st, err, errlen, "writing latency histograms",
						  "itiiii", run_id, op, (int64_t)b,
						  b ? (int64_t)sim_hist_lo(b) : (int64_t)0,
						  (int64_t)ceil(sim_hist_lo(b + 1)),
						  (int64_t)r->hist_class[k][b]);
	}
	sqlite3_finalize(st);
	if (rc)
		return rc;

	for (unsigned i = 0; i < r->nr_stale_examples && i < SIM_STALE_EXAMPLES; i++) {
		const struct sim_stale_example *x = &r->stale[i];
		struct col c[] = {
			CI("run_id", run_id),
			CI("idx", i),
			CI("seq", x->seq),
			CI("sector", x->sector),         CI("nsect", x->nsect),
			CI("submit_ns", x->submit_ns),   CI("done_ns", x->done_ns),
			CI("first_stale_sector", x->first_stale_sector),
			CI("returned_version", x->returned_version),
			CI("expected_min_version", x->expected_min_version),
			CS("why", x->why),
		};

		if ((rc = insert_row(db, "stale_examples", c, NCOLS(c), NULL, err, errlen)))
			return rc;
	}
	return 0;
}

int rep_db_record_run_ex(struct rep_db *db, const struct sim_config *cfg,
			 const struct sim_result *res, const struct rep_run_info *info,
			 int64_t *run_id, char *err, size_t errlen)
{
	struct sim_trace_desc local;
	const struct sim_trace_desc *t = info->trace;
	char *stats = NULL;
	int64_t trace_id, rid;
	int rc;

	if (db->readonly) {
		snprintf(err, errlen, "%s: opened read-only", db->path);
		return -EROFS;
	}
	if (info->status == REP_RUN_OK && !res) {
		snprintf(err, errlen, "%s: internal error: a successful run without results", db->path);
		return -EINVAL;
	}
	if ((unsigned)info->status > REP_RUN_FAILED) {
		snprintf(err, errlen, "%s: internal error: bad run status %d", db->path, (int)info->status);
		return -EINVAL;
	}
	if (!t && res && res->trace_fingerprint[0]) {
		/* The run described the trace as it read it (sim_config.describe_trace). */
		memset(&local, 0, sizeof(local));
		snprintf(local.fingerprint, sizeof(local.fingerprint), "%s", res->trace_fingerprint);
		snprintf(local.format, sizeof(local.format), "%s", res->trace_format);
		local.size_bytes = res->trace_size_bytes;
		local.path = cfg->trace_path;
		local.stats_json = res->trace_stats_json;
		t = &local;
	} else if (!t) {
		/* It did not (a replay, a run that did not start): one pass of the reader. */
		if ((rc = sim_trace_describe(cfg->trace_path, &cfg->trace, &local,
					 info->status == REP_RUN_OK ? &stats : NULL, err, errlen)))
			return rc;
		local.stats_json = stats;
		t = &local;
	}
	/* IMMEDIATE: take the write lock now, so a busy database fails here, before any row. */
	if ((rc = db_exec(db, "BEGIN IMMEDIATE", "starting the run's transaction", err, errlen))) {
		free(stats);
		return rc;
	}
	if ((rc = upsert_trace(db, t, cfg, info->status == REP_RUN_OK ? res : NULL, t->stats_json,
			       &trace_id, err, errlen)))
		goto fail;
	if (info->sweep_id) {
		/* The sweep row may live in another shard: make sure the reference resolves. */
		char now[40];

		rep_format_time(rep_now(), now, sizeof(now));
		if ((rc = db_run(db, err, errlen, "recording the sweep",
				 "INSERT OR IGNORE INTO sweeps(sweep_id, trace_id, started_at) "
				 "VALUES(?1, ?2, ?3)",
				 "tit", info->sweep_id, trace_id, now)))
			goto fail;
	}
	if ((rc = insert_run(db, cfg, info->status == REP_RUN_OK ? res : NULL, info, trace_id, &rid,
			     err, errlen)))
		goto fail;
	if (info->status == REP_RUN_OK) {
		if ((rc = insert_results(db, rid, res, err, errlen)) ||
		    (rc = insert_details(db, rid, res, err, errlen)))
			goto fail;
	}
	if ((rc = db_exec(db, "COMMIT", "committing the run", err, errlen)))
		goto fail;
	free(stats);
	if (run_id)
		*run_id = rid;
	return 0;
fail:
	db_rollback(db);
	free(stats);
	return rc;
}

int rep_db_record_run(struct rep_db *db, const struct sim_config *cfg,
		      const struct sim_result *res, char *err, size_t errlen)
{
	struct rep_run_info info = {.status = REP_RUN_OK};

	return rep_db_record_run_ex(db, cfg, res, &info, NULL, err, errlen);
}

int rep_db_has_config(struct rep_db *db, const char *fingerprint, const char *config_key,
		      char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	rc = db_row(db, &st, err, errlen, "looking up a configuration",
		    "SELECT 1 FROM runs r JOIN traces t ON t.trace_id = r.trace_id "
		    "WHERE t.fingerprint = ?1 AND r.config_key = ?2 "
		    "AND r.status IN ('ok','invalid') LIMIT 1",
		    "tt", fingerprint, config_key);
	if (rc > 0)
		sqlite3_finalize(st);
	return rc;
}

int rep_db_record_sweep(struct rep_db *db, const char *sweep_id, const struct sim_trace_desc *trace,
			const char *command_line, unsigned nr_configs, char *err, size_t errlen)
{
	int64_t trace_id = 0;
	char now[40];
	int rc;

	if ((rc = db_exec(db, "BEGIN IMMEDIATE", "recording the sweep", err, errlen)))
		return rc;
	{
		struct sim_config dummy;

		sim_config_init(&dummy);
		dummy.trace_path = trace->path;
		if ((rc = upsert_trace(db, trace, &dummy, NULL, trace->stats_json, &trace_id, err,
				       errlen)))
			goto fail;
	}
	rep_format_time(rep_now(), now, sizeof(now));
	/* A resumed sweep keeps its first start time; the latest command line and size win. */
	if ((rc = db_run(db, err, errlen, "recording the sweep",
			 "INSERT INTO sweeps(sweep_id, trace_id, started_at, command_line, "
			 "nr_configs) VALUES(?1,?2,?3,?4,?5) ON CONFLICT(sweep_id) DO UPDATE "
			 "SET command_line = excluded.command_line, nr_configs = "
			 "excluded.nr_configs, trace_id = excluded.trace_id",
			 "titti", sweep_id, trace_id, now, command_line, (int64_t)nr_configs)))
		goto fail;
	if ((rc = db_exec(db, "COMMIT", "committing the sweep", err, errlen)))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return rc;
}

