// SPDX-License-Identifier: GPL-2.0
/* sim_run.c - one simulation: trace -> dm core -> engine -> device models, on the event queue. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/declog.h"
#include "sim/des.h"
#include "sim/dmcore.h"
#include "sim/explain.h"
#include "sim/latstat.h"
#include "sim/sim.h"
#include "sim/verify.h"

void sim_config_init(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ssdcache_config_init(&cfg->engine);
	cfg->hz = 250;
	cfg->speed = 1.0;
	cfg->interval_ns = 1000000000ULL;
	cfg->explain_misses = true;
	cfg->target_name = "target";
	cfg->cache_name = "cache";
	snprintf(cfg->cache_spec, sizeof(cfg->cache_spec), "fixed:size=64M,read=100us,write=200us");
	snprintf(cfg->target_spec, sizeof(cfg->target_spec), "fixed:size=1T,read=5ms,write=5ms");
}

const char *sim_class_name(enum sim_class c)
{
	static const char *const n[SIM_CLASS_NR] = {
		"read_hit",  "read_miss",   "read_busy",    "read_nocache", "write_miss", "write_hit",
		"write_busy", "write_cancel", "write_nocache", "bypass",       "flush",      "discard",
	};
	return (unsigned)c < SIM_CLASS_NR ? n[c] : "?";
}

const char *sim_op_name(enum sim_op o)
{
	static const char *const n[SIM_OP_NR] = {"read", "write", "flush", "discard"};
	return (unsigned)o < SIM_OP_NR ? n[o] : "?";
}

const char *sim_miss_name(enum sim_miss m)
{
	static const char *const n[MISS_NR] = {"compulsory", "capacity", "conflict", "busy", "policy"};
	return (unsigned)m < MISS_NR ? n[m] : "?";
}

/* A device and its one pending timer (dev_env.timer replaces the previous request). */
struct devslot {
	struct run *run;
	struct dev *dev;
	uint64_t at;
	bool armed;
};

struct run {
	const struct sim_config *cfg;
	struct sim_result *res;
	struct des q;
	struct devslot cache, target;
	struct dev_env env;
	struct dm_core *dm;
	struct declog *dl;
	struct verifier *v;
	struct explain *ex;
	struct latstat *lat_class[SIM_CLASS_NR], *lat_op[SIM_OP_NR], *trace_lat;
	uint64_t next_version;
	uint64_t outstanding;
	uint64_t cpu_free_ns;
	uint64_t read_pieces, read_hits, sectors_read, sectors_hit;
	uint64_t time_inversions;
	bool stop;
	int stop_err;
	char stop_msg[256];
	bool crash_warned[QUIRK_MAX + 1];
	/* time series */
	struct sim_interval *series;
	size_t nr_series, cap_series;
	double *series_lat_sum;
	uint64_t *series_done;
};

static void warnf(struct run *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!r->cfg->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	r->cfg->warn(r->cfg->warn_arg, msg);
}

/* ---- events ---- */

static void ev_dev_complete(void *ctx, void *arg, uint64_t now)
{
	struct run *r = ctx;
	struct dm_dio *d = arg;
	struct dev *dev = d->dev == BDEV_CACHE ? r->cache.dev : r->target.dev;

	dev_account_complete(dev, &d->io, now);
	dm_dio_complete(r->dm, d, 0);
}

static void ev_worker(void *ctx, void *arg, uint64_t now)
{
	struct run *r = ctx;

	(void)arg;
	(void)now;
	dm_run_worker(r->dm);
}

static void ev_dev_timer(void *ctx, void *arg, uint64_t now)
{
	struct devslot *s = arg;

	(void)ctx;
	if (!s->armed || s->at != now)
		return; /* replaced by a later request */
	s->armed = false;
	s->dev->ops->timer(s->dev, now);
}

/* Lanes of the event queue (FIFO when a source schedules in nondecreasing time). */
enum { LANE_WORKER, LANE_DEV0 /* + 3 * device + op */, LANE_NONE = DES_LANES };

static void schedule_lane(struct run *r, unsigned lane, uint64_t at, des_fn fn, void *arg)
{
	if (des_schedule_lane(&r->q, lane, at, DES_CLASS_COMPLETION, fn, arg)) {
		fprintf(stderr, "ssdcache-sim: out of memory growing the event queue\n");
		abort();
	}
}

static void schedule(struct run *r, uint64_t at, des_fn fn, void *arg)
{
	if (des_schedule(&r->q, at, DES_CLASS_COMPLETION, fn, arg)) {
		fprintf(stderr, "ssdcache-sim: out of memory growing the event queue\n");
		abort();
	}
}

/* ---- device environment ---- */

static void env_complete(void *host, struct dev_io *io, uint64_t done_ns)
{
	struct run *r = host;

	schedule(r, done_ns < r->q.now_ns ? r->q.now_ns : done_ns, ev_dev_complete, io->host_ctx);
}

static void env_timer(void *host, struct dev *d, uint64_t at_ns)
{
	struct run *r = host;
	struct devslot *s = d == r->cache.dev ? &r->cache : &r->target;

	s->at = at_ns < r->q.now_ns ? r->q.now_ns : at_ns;
	s->armed = true;
	schedule(r, s->at, ev_dev_timer, s);
}

/* ---- dm backend ---- */

static uint64_t be_now(void *be)
{
	return ((struct run *)be)->q.now_ns;
}

static void be_submit(void *be, struct dm_dio *d)
{
	struct run *r = be;
	struct dev *dev = d->dev == BDEV_CACHE ? r->cache.dev : r->target.dev;

	if (dev_submit(dev, &d->io, r->q.now_ns) == DEV_Q_COMPLETED)
		schedule_lane(r, LANE_DEV0 + 3 * (d->dev == BDEV_CACHE) + (d->io.op < 2 ? d->io.op : 2),
			      d->io.done_ns, ev_dev_complete, d);
}

static void be_queue_work(void *be)
{
	struct run *r = be;

	schedule_lane(r, LANE_WORKER, r->q.now_ns + r->cfg->wq_delay_ns, ev_worker, NULL);
}

/* ---- observers ---- */

static enum sim_class class_of(const struct dm_piece *p)
{
	bool rd = p->op == 'R';

	switch (p->outcome) {
	case CTE_READ_CLEAN:
		return SIM_READ_HIT;
	case CTE_READ_MISS:
	case CTE_READ_INVALID:
		return SIM_READ_MISS;
	case CTE_READ_BUSY:
		return SIM_READ_BUSY;
	case CTE_WRITE_MISS:
		return SIM_WRITE_MISS;
	case CTE_WRITE_INVALID:
	case CTE_WRITE_CLEAN:
		return SIM_WRITE_HIT;
	case CTE_WRITE_BUSY:
		return rd ? SIM_READ_BUSY : SIM_WRITE_BUSY;
	case CTE_WRITE_CANCEL:
		return SIM_WRITE_CANCEL;
	case SSD_OUT_BYPASS:
		return SIM_BYPASS;
	case SSD_OUT_FLUSH:
		return SIM_FLUSH;
	case SSD_OUT_DISCARD:
		return SIM_DISCARD;
	default: /* WRITE_SKIP, LOOKUP_FAILED, WRITE_DONE, NOMATCH */
		return rd ? SIM_READ_NOCACHE : SIM_WRITE_NOCACHE;
	}
}

static void obs_mapped(void *obs, struct dm_piece *p, uint64_t seq)
{
	struct run *r = obs;
	bool first = p->last_seq == UINT64_MAX;

	if (r->dl)
		declog_mapped(r->dl, seq, first ? DECLOG_NONE : p->last_seq, p->op, p->sector, p->nsect);
	if (!first)
		return;
	if (r->v)
		verify_mapped(r->v, p, true);
	if (r->ex && (p->op == 'R' || p->op == 'W'))
		p->obs_token = explain_access(r->ex, p->sector);
}

static void obs_decision(void *obs, struct dm_piece *p, uint64_t seq, enum cte_match_t res,
			 long hash, long idx)
{
	struct run *r = obs;

	(void)p;
	if (r->dl)
		declog_decision(r->dl, seq, res, hash, idx);
}

static void obs_clone(void *obs, struct dm_bio *src, struct dm_bio *clone)
{
	struct run *r = obs;

	if (r->v)
		verify_clone(r->v, src, clone);
}

static void obs_bio_free(void *obs, struct dm_bio *b)
{
	struct run *r = obs;

	if (r->v)
		verify_bio_free(r->v, b);
}

static void obs_dio_done(void *obs, struct dm_dio *d, uint64_t now)
{
	struct run *r = obs;

	(void)now;
	if (r->v)
		verify_dio_done(r->v, d);
}

static struct sim_interval *series_at(struct run *r, uint64_t t)
{
	size_t i = (size_t)(t / r->cfg->interval_ns);

	if (i >= r->cap_series) {
		size_t cap = r->cap_series ? r->cap_series : 64;
		while (cap <= i)
			cap *= 2;
		struct sim_interval *s = realloc(r->series, cap * sizeof(*s));
		double *ls = realloc(r->series_lat_sum, cap * sizeof(*ls));
		uint64_t *dn = realloc(r->series_done, cap * sizeof(*dn));
		if (!s || !ls || !dn) {
			fprintf(stderr, "ssdcache-sim: out of memory for the time series\n");
			abort();
		}
		memset(s + r->cap_series, 0, (cap - r->cap_series) * sizeof(*s));
		memset(ls + r->cap_series, 0, (cap - r->cap_series) * sizeof(*ls));
		memset(dn + r->cap_series, 0, (cap - r->cap_series) * sizeof(*dn));
		r->series = s;
		r->series_lat_sum = ls;
		r->series_done = dn;
		r->cap_series = cap;
	}
	if (i >= r->nr_series) {
		for (size_t k = r->nr_series; k <= i; k++)
			r->series[k].start_ns = (uint64_t)k * r->cfg->interval_ns;
		r->nr_series = i + 1;
	}
	return &r->series[i];
}

static void obs_piece_done(void *obs, struct dm_piece *p, int error, uint64_t now)
{
	struct run *r = obs;
	struct sim_result *res = r->res;

	(void)error;
	if (r->dl)
		declog_done(r->dl, p->last_seq, now);
	if (r->v)
		verify_piece_done(r->v, p, now);
	if (p->decided && (unsigned)p->outcome < SSD_OUT_NR)
		res->outcome_count[p->outcome]++;
	latstat_add(r->lat_class[class_of(p)], (double)(now - p->map_ns));
	if (p->op == 'R') {
		bool hit = p->decided && p->outcome == CTE_READ_CLEAN;
		struct sim_interval *iv = series_at(r, p->req->arrival_ns);
		r->read_pieces++;
		r->sectors_read += p->nsect;
		iv->read_pieces++;
		if (hit) {
			r->read_hits++;
			r->sectors_hit += p->nsect;
			iv->read_hits++;
		}
		if (r->ex && p->decided) {
			enum sim_miss m = explain_classify(p->obs_token, p->outcome);
			if (m != MISS_NR)
				res->miss[m]++;
		}
	}
}

static enum sim_op op_of(const struct dm_req *q)
{
	if (q->flags & TRC_DISCARD)
		return SIM_OP_DISCARD;
	if ((q->flags & TRC_FLUSH) && !q->nsect)
		return SIM_OP_FLUSH;
	return (q->flags & TRC_WRITE) ? SIM_OP_WRITE : SIM_OP_READ;
}

static void obs_req_done(void *obs, struct dm_req *q, uint64_t now)
{
	struct run *r = obs;
	double lat = (double)(now - q->arrival_ns);
	size_t i = (size_t)(q->arrival_ns / r->cfg->interval_ns);

	if (r->v)
		verify_req_done(r->v, q);
	latstat_add(r->lat_op[op_of(q)], lat);
	if (i < r->nr_series) {
		r->series_lat_sum[i] += lat;
		r->series_done[i]++;
	}
	r->outstanding--;
	if (now > r->res->end_ns)
		r->res->end_ns = now;
}

static void obs_seed_crash(void *obs, int q, const char *what)
{
	struct run *r = obs;

	if (r->cfg->engine.seed_crash == SEED_CRASH_ABORT) {
		if (!r->stop) {
			r->stop = true;
			r->stop_err = -ECANCELED;
			snprintf(r->stop_msg, sizeof(r->stop_msg),
				 "at %.9f s the seed would crash (Q%d): %s; stopped (--seed-crash abort)",
				 (double)r->q.now_ns / 1e9, q, what);
		}
		return;
	}
	if (q >= 1 && q <= QUIRK_MAX && !r->crash_warned[q]) {
		r->crash_warned[q] = true;
		warnf(r, "warning: at %.9f s the seed would crash (Q%d): %s; continuing as if the log "
			 "statement had no side effect (--seed-crash continue; counted in seed_crashes)",
		      (double)r->q.now_ns / 1e9, q, what);
	}
}

/* ---- the run ---- */

static void run_free(struct run *r)
{
	for (int i = 0; i < SIM_CLASS_NR; i++)
		latstat_free(r->lat_class[i]);
	for (int i = 0; i < SIM_OP_NR; i++)
		latstat_free(r->lat_op[i]);
	latstat_free(r->trace_lat);
	dm_destroy(r->dm);
	dev_destroy(r->cache.dev);
	dev_destroy(r->target.dev);
	verify_free(r->v);
	explain_free(r->ex);
	des_fini(&r->q);
	free(r->series_lat_sum);
	free(r->series_done);
	free(r->series);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(struct run *r, struct trc *t, double start, bool final)
{
	double el = wall_now() - start;
	uint64_t total = trc_size_bytes(t), done = trc_bytes_done(t);
	double frac = total ? (double)done / (double)total : 0;
	double rate = el > 0 ? (double)r->res->requests / el : 0;

	if (final) {
		fprintf(stderr, "\r%*s\r", 72, "");
		return;
	}
	if (total)
		fprintf(stderr, "\r%5.1f%%  %llu requests  %.2f M req/s  ETA %.0f s   ", 100 * frac,
			(unsigned long long)r->res->requests, rate / 1e6,
			frac > 0 ? el * (1 - frac) / frac : 0.0);
	else
		fprintf(stderr, "\r%llu requests  %.2f M req/s   ", (unsigned long long)r->res->requests,
			rate / 1e6);
	fflush(stderr);
}

/* Turn a trace record into a request, or say why it is skipped. */
static bool admit(struct run *r, const struct trc_rec *rec, uint64_t target_sectors)
{
	struct sim_result *res = r->res;
	bool flush = rec->flags & TRC_FLUSH;

	if (rec->nsect == 0 && !flush) {
		res->skipped_zero_len++;
		return false;
	}
	if (rec->nsect && (rec->sector >= target_sectors || rec->nsect > target_sectors - rec->sector)) {
		res->skipped_beyond_end++;
		return false;
	}
	return true;
}

static void submit_record(struct run *r, const struct trc_rec *rec, uint64_t t)
{
	struct sim_result *res = r->res;
	struct dm_req *q = dm_req_alloc(r->dm);
	uint32_t f = rec->flags;

	q->flags = f;
	q->sector = rec->nsect ? rec->sector : 0;
	q->nsect = rec->nsect;
	q->arrival_ns = t;
	q->trace_latency_ns = rec->latency_ns;
	if (f & TRC_DISCARD) {
		res->discards++;
	} else {
		if (f & TRC_FLUSH)
			res->flushes++;
		if (rec->nsect) {
			if (f & TRC_WRITE) {
				res->writes++;
				res->bytes_written += (uint64_t)rec->nsect * 512;
				q->version = ++r->next_version;
			} else {
				res->reads++;
				res->bytes_read += (uint64_t)rec->nsect * 512;
			}
		}
	}
	if (rec->latency_ns >= 0)
		latstat_add(r->trace_lat, (double)rec->latency_ns);
	series_at(r, t)->requests++;
	res->requests++;
	if (!res->requests_first_set) {
		res->first_ns = t;
		res->requests_first_set = true;
	}
	res->last_ns = t;
	r->outstanding++;
	dm_submit(r->dm, q);
}

static int setup(struct run *r, const struct sim_config *cfg, char *err, size_t errlen)
{
	char sub[512];
	struct ssdcache_config ecfg = cfg->engine;

	r->env.host = r;
	r->env.complete = env_complete;
	r->env.timer = env_timer;
	if (des_init(&r->q, r))
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	if (dev_create(cfg->cache_spec, &r->env, &r->cache.dev, sub, sizeof(sub))) {
		snprintf(err, errlen, "--cache-dev %s: %s", cfg->cache_spec, sub);
		return -EINVAL;
	}
	if (dev_create(cfg->target_spec, &r->env, &r->target.dev, sub, sizeof(sub))) {
		snprintf(err, errlen, "--target-dev %s: %s", cfg->target_spec, sub);
		return -EINVAL;
	}
	r->cache.run = r->target.run = r;
	struct dm_backend be = {r, be_now, be_submit, be_queue_work};
	struct dm_hooks hooks = {
		.obs = r,
		.mapped = obs_mapped,
		.decision = obs_decision,
		.clone = obs_clone,
		.bio_free = obs_bio_free,
		.dio_done = obs_dio_done,
		.piece_done = obs_piece_done,
		.req_done = obs_req_done,
		.seed_crash = obs_seed_crash,
	};
	if (dm_create(&r->dm, &ecfg, r->cache.dev->size_bytes, r->target.dev->size_bytes / 512, cfg->hz,
		      cfg->jiffies0, &be, &hooks, sub, sizeof(sub))) {
		snprintf(err, errlen, "--table: %s", sub);
		return -EINVAL;
	}
	for (int i = 0; i < SIM_CLASS_NR; i++)
		if (!(r->lat_class[i] = latstat_new()))
			return -ENOMEM;
	for (int i = 0; i < SIM_OP_NR; i++)
		if (!(r->lat_op[i] = latstat_new()))
			return -ENOMEM;
	if (!(r->trace_lat = latstat_new()))
		return -ENOMEM;
	if (cfg->verify && !(r->v = verify_new(cfg->engine.options.mode, cfg->engine.options.async_lookup)))
		return -ENOMEM;
	if (cfg->explain_misses) {
		struct ssdcache_geometry g;
		ssdcache_get_geometry(dm_target(r->dm), &g);
		if (!(r->ex = explain_new(g.num_cmd * DEFAULT_ALIASING, g.block_size)))
			return -ENOMEM;
	}
	return 0;
}

static void finish(struct run *r, double wall_start)
{
	const struct sim_config *cfg = r->cfg;
	struct sim_result *res = r->res;
	struct ssdcache_ctx *sc = dm_target(r->dm);
	uint64_t end = r->q.now_ns;
	double span_s;

	if (end > res->end_ns)
		res->end_ns = end;
	res->pieces = dm_pieces_mapped(r->dm);
	ssdcache_get_counters(sc, &res->counters);
	ssdcache_get_geometry(sc, &res->geometry);
	ssdcache_status(sc, STATUSTYPE_INFO, res->status_info, sizeof(res->status_info), NULL, NULL);
	ssdcache_status(sc, STATUSTYPE_TABLE, res->status_table, sizeof(res->status_table),
			cfg->target_name, cfg->cache_name);
	res->read_hit_ratio = r->read_pieces ? (double)r->read_hits / (double)r->read_pieces : 0;
	res->sector_read_hit_ratio = r->sectors_read ? (double)r->sectors_hit / (double)r->sectors_read : 0;
	for (int i = 0; i < SIM_CLASS_NR; i++)
		latstat_result(r->lat_class[i], &res->lat_class[i]);
	for (int i = 0; i < SIM_OP_NR; i++) {
		latstat_result(r->lat_op[i], &res->lat_op[i]);
		latstat_log2_hist(r->lat_op[i], res->hist_op[i]);
	}
	latstat_result(r->trace_lat, &res->trace_lat);
	span_s = res->end_ns > res->first_ns ? (double)(res->end_ns - res->first_ns) / 1e9 : 0;
	res->iops = span_s > 0 ? (double)res->requests / span_s : 0;
	res->mb_s = span_s > 0 ? (double)(res->bytes_read + res->bytes_written) / 1e6 / span_s : 0;
	dev_get_stats(r->cache.dev, res->end_ns, &res->cache_dev);
	dev_get_stats(r->target.dev, res->end_ns, &res->target_dev);
	res->cache_util = span_s > 0 ? (double)res->cache_dev.busy_ns / 1e9 / span_s : 0;
	res->target_util = span_s > 0 ? (double)res->target_dev.busy_ns / 1e9 / span_s : 0;
	if (r->v) {
		res->stale_reads = verify_stale_count(r->v);
		res->nr_stale_examples = verify_examples(r->v, res->stale, SIM_STALE_EXAMPLES);
	}
	for (size_t i = 0; i < r->nr_series; i++)
		r->series[i].lat_mean_ns = r->series_done[i] ? r->series_lat_sum[i] / (double)r->series_done[i] : 0;
	res->series = r->series;
	res->nr_series = r->nr_series;
	r->series = NULL;
	res->wall_seconds = wall_now() - wall_start;
}

int sim_run(const struct sim_config *cfg, struct sim_result *res, char *err, size_t errlen)
{
	struct run run = {0}, *r = &run;
	struct trc *t = NULL;
	struct trc_rec rec;
	char sub[512];
	double wall_start = wall_now(), last_progress = wall_start;
	bool show_progress = cfg->progress, shown = false;
	uint64_t target_sectors;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	r->cfg = cfg;
	r->res = res;
	rc = setup(r, cfg, err, errlen);
	if (rc)
		goto out;
	target_sectors = r->target.dev->size_bytes / 512;
	rc = trc_open(&t, cfg->trace_path, &cfg->trace, sub, sizeof(sub));
	if (rc) {
		snprintf(err, errlen, "%s", sub);
		rc = rc == -EINVAL ? -EIO : rc; /* a bad trace is a runtime error, not a usage error */
		goto out;
	}
	snprintf(res->trace_format, sizeof(res->trace_format), "%s", trc_format_name(t));
	if (cfg->decision_log && (rc = declog_open(&r->dl, cfg->decision_log, err, errlen))) {
		rc = -EIO;
		goto out;
	}
	for (;;) {
		enum trc_status st;
		uint64_t at;

		if (r->stop)
			break;
		if (cfg->max_requests && res->requests >= cfg->max_requests)
			break;
		st = trc_next(t, &rec);
		if (st == TRC_EOF)
			break;
		if (st == TRC_EBAD) {
			snprintf(err, errlen, "%s", trc_error(t));
			rc = -EIO;
			goto out;
		}
		if (!admit(r, &rec, target_sectors))
			continue;
		ssdcache_prefetch(dm_target(r->dm), rec.sector);
		if (r->ex)
			explain_prefetch(r->ex, rec.sector);
		if (cfg->qd) {
			/* closed loop: as fast as possible with qd requests outstanding */
			while (r->outstanding >= cfg->qd && des_run_next(&r->q))
				;
			at = r->q.now_ns;
		} else {
			at = cfg->speed == 1.0 ? rec.time_ns : (uint64_t)llround((double)rec.time_ns / cfg->speed);
			if (at < r->q.now_ns) {
				r->time_inversions++;
				at = r->q.now_ns;
			}
		}
		if (cfg->map_cost_ns && at < r->cpu_free_ns)
			at = r->cpu_free_ns; /* the CPU is still mapping earlier requests */
		/* completions and worker runs at or before the arrival come first (class 0) */
		while (!des_empty(&r->q) && des_next_time(&r->q) <= at)
			des_run_next(&r->q);
		r->q.now_ns = at;
		uint64_t before = dm_pieces_mapped(r->dm);
		submit_record(r, &rec, at);
		if (cfg->map_cost_ns)
			r->cpu_free_ns = at + (dm_pieces_mapped(r->dm) - before) * cfg->map_cost_ns;
		/* runs longer than a second show their progress, twice a second */
		if (show_progress && (res->requests & 0x3fff) == 0 && wall_now() - last_progress > 0.5 &&
		    wall_now() - wall_start > 1.0) {
			last_progress = wall_now();
			progress(r, t, wall_start, false);
			shown = true;
		}
	}
	/* after a stop (--seed-crash abort) the I/O in flight still completes, so that nothing
	 * is left allocated; no new request is read */
	while (des_run_next(&r->q))
		;
	if (shown)
		progress(r, t, wall_start, true);
	if (r->stop) {
		snprintf(err, errlen, "%s", r->stop_msg);
		rc = r->stop_err;
		goto out;
	}
	if (dm_busy(r->dm))
		warnf(r, "warning: %llu requests never completed (an engine bug: please report it)",
		      (unsigned long long)r->outstanding);
	if (r->time_inversions)
		warnf(r, "warning: %llu arrivals earlier than the previous one were simulated at the "
			 "previous one's time", (unsigned long long)r->time_inversions);
	res->trace_counts = *trc_counts(t);
	finish(r, wall_start);
	if (cfg->inspect)
		cfg->inspect(cfg->inspect_arg, dm_target(r->dm));
	if (r->dl) {
		int e = declog_close(r->dl, err, errlen);
		r->dl = NULL;
		if (e) {
			rc = -EIO;
			goto out;
		}
	}
	if (cfg->verify_log && r->v) {
		FILE *fp = fopen(cfg->verify_log, "w");
		if (!fp || verify_write_log(r->v, fp) || fclose(fp)) {
			snprintf(err, errlen, "%s: %s", cfg->verify_log, strerror(errno ? errno : EIO));
			rc = -EIO;
			goto out;
		}
	}
out:
	if (r->dl) {
		char e2[64];
		declog_close(r->dl, e2, sizeof(e2));
	}
	if (t)
		trc_close(t);
	run_free(r);
	return rc;
}

void sim_result_free(struct sim_result *res)
{
	free(res->series);
	res->series = NULL;
	res->nr_series = 0;
}
