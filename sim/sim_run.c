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

#include "engine/assert.h"
#include "sim/des.h"
#include "sim/dev_share.h"
#include "sim/dmcore.h"
#include "sim/future.h"
#include "sim/observe.h"
#include "sim/sim.h"
#include "sim/base/errclass.h"
#include "sim/trace_desc.h"
#include "sim/base/units.h"
#include "traces/stats.h"

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

/* A device and its one pending timer (dev_env.timer replaces the previous request). */
struct devslot {
	struct dev *dev;
	uint64_t at;
	bool armed;
};

struct run {
	const struct sim_config *cfg;
	struct sim_result *res;
	struct observer *obs;
	struct des q;
	struct devslot cache, target;
	struct dev_env env;
	struct dev_share share; /* the devices' pools (pool=NAME) */
	struct dm_core *dm;
	uint64_t cpu_free_ns;
	uint64_t time_inversions;
	struct future future; /* the oracle of a look-ahead policy (opt); empty otherwise */
};

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
	if (des_schedule_lane(&r->q, lane, at, DES_CLASS_COMPLETION, fn, arg))
		ssdcache_out_of_memory("growing the event queue");
}

/* A completion for the current instant (a device that takes no time, the worker without
 * delay): the now lane, where schedule_lane would put it too, without choosing a lane. */
static inline void schedule_now(struct run *r, des_fn fn, void *arg)
{
	if (des_schedule_now(&r->q, fn, arg))
		ssdcache_out_of_memory("growing the event queue");
}

static void schedule(struct run *r, uint64_t at, des_fn fn, void *arg)
{
	if (des_schedule(&r->q, at, DES_CLASS_COMPLETION, fn, arg))
		ssdcache_out_of_memory("growing the event queue");
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

	if (dev_submit(dev, &d->io, r->q.now_ns) != DEV_Q_COMPLETED)
		return;
	if (d->io.done_ns == r->q.now_ns)
		schedule_now(r, ev_dev_complete, d);
	else
		schedule_lane(r, LANE_DEV0 + 3 * (d->dev == BDEV_CACHE) + (d->io.op < 2 ? d->io.op : 2),
			      d->io.done_ns, ev_dev_complete, d);
}

static void be_queue_work(void *be)
{
	struct run *r = be;

	if (!r->cfg->wq_delay_ns)
		schedule_now(r, ev_worker, NULL);
	else
		schedule_lane(r, LANE_WORKER, r->q.now_ns + r->cfg->wq_delay_ns, ev_worker, NULL);
}

/* ---- the run ---- */

static void run_free(struct run *r)
{
	dm_destroy(r->dm);
	future_free(&r->future);
	dev_destroy(r->cache.dev);
	dev_destroy(r->target.dev);
	dev_share_free(&r->share); /* after the devices: their pools */
	obs_free(r->obs);
	des_fini(&r->q);
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

static int setup(struct run *r, const struct sim_config *cfg, char *err, size_t errlen)
{
	char sub[512];

	r->env.host = r;
	r->env.complete = env_complete;
	r->env.timer = env_timer;
	r->env.share = &r->share;
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
	int rc = obs_new(&r->obs, cfg, r->res, be_now, r, err, errlen);
	if (rc)
		return rc;
	obs_set_devices(r->obs, r->cache.dev, r->target.dev); /* the warm-up's device snapshot */
	struct dm_backend be = {r, be_now, be_submit, be_queue_work};
	struct dm_hooks hooks = obs_hooks(r->obs);
	struct ssdcache_config eng = cfg->engine;
	if (eng.policy && (eng.policy->flags & POL_NEEDS_ORACLE)) {
		/* a pre-pass over the trace: the engine gets the oracle, never the trace */
		rc = future_build(&r->future, cfg, r->target.dev->size_bytes / 512, sub, sizeof(sub));
		if (rc) {
			snprintf(err, errlen, "%s", sub);
			return err_from_trc_open(rc);
		}
		eng.oracle = &r->future.oracle;
	}
	rc = dm_create(&r->dm, &eng, r->cache.dev->size_bytes, r->target.dev->size_bytes / 512,
		       cfg->hz, cfg->jiffies0, &be, &hooks, sub, sizeof(sub));
	if (rc == -ENOSPC) {
		/* the device's size is the problem, not the table: name the option to change */
		char min[32];

		format_size((uint64_t)cfg->engine.block_size * 512 * DEFAULT_ALIASING, min, sizeof(min));
		snprintf(err, errlen,
			 "--cache-dev %s: too small: %s; it needs at least %s for blocksize %lu (or give a "
			 "smaller blocksize in --table)",
			 cfg->cache_spec, sub, min, (unsigned long)cfg->engine.block_size);
		return -EINVAL;
	}
	if (rc) {
		snprintf(err, errlen, "--table: %s", sub);
		return -EINVAL;
	}
	dm_set_clock(r->dm, &r->q.now_ns); /* what be_now returns, without the call */
	dm_set_last_piece_done(r->dm, obs_last_piece_done);
	return obs_set_target(r->obs, dm_target(r->dm));
}

/* The configuration as the devices and the engine were created from it. */
static void describe_run(const struct run *r, struct sim_effective *e)
{
	const struct dev *d[2] = {r->cache.dev, r->target.dev};
	struct sim_dev_desc *out[2] = {&e->cache, &e->target};

	sim_describe_config(r->cfg, e);
	for (int i = 0; i < 2; i++) {
		snprintf(out[i]->model, sizeof(out[i]->model), "%s", d[i]->ops->name);
		snprintf(out[i]->preset, sizeof(out[i]->preset), "%s", d[i]->preset);
		out[i]->has_size = true;
		out[i]->size_bytes = d[i]->size_bytes;
	}
	e->valid = true;
}

/* cfg->describe_trace: the trace's fingerprint and statistics, from the records read (and the
 * rest of the trace after max_requests, which the statistics describe too). Best effort: a
 * trace that ends badly after the simulated part, or no memory, leaves them empty. */
static void describe_trace(struct trc *t, struct trc_stats *ts, const char *path,
			   struct sim_result *res)
{
	struct sim_trace_desc d = {0};
	struct trc_rec rec;
	enum trc_status st;

	while ((st = trc_next(t, &rec)) == TRC_OK)
		if (ts)
			trc_stats_add(ts, &rec);
	if (st != TRC_EOF)
		return;
	sim_trace_finish(t, ts, path, &d, &res->trace_stats_json);
	res->trace_size_bytes = d.size_bytes;
	snprintf(res->trace_fingerprint, sizeof(res->trace_fingerprint), "%s", d.fingerprint);
}

/* What the arrival loop reads: the options once (the calls in it could change *cfg, for the
 * compiler), the target once (a call per request). */
struct arrivals {
	struct run *r;
	struct trc *t;
	struct trc_stats *ts;
	struct ssdcache_ctx *sc;
	uint64_t target_sectors, max_requests, debug_abort_after, qd, map_cost_ns;
	double speed;
	bool show_progress, shown;
	double wall_start;
	char *err;
	size_t errlen;
};

/*
 * Read, admit and submit the trace's requests, each after the events before its arrival; the
 * return is trc_read_next's last (0 at the end of the trace, < 0 for a bad record) or 0 for a
 * stop. plain (a constant where it is inlined): no statistics of the trace, --debug-abort-after,
 * --qd, --map-cost or --speed, and no progress: the options the loop then need not test (the
 * same loop with plain false would do the same for such a run, in 23 instructions per request
 * more, with the registers those tests take).
 */
static inline __attribute__((always_inline)) int arrival_loop(struct arrivals *a, bool plain)
{
	struct run *r = a->r;
	struct sim_result *res = r->res;
	struct trc_rec rec;
	double last_progress = a->wall_start;
	const uint64_t max_requests = a->max_requests;
	const uint64_t debug_abort_after = plain ? 0 : a->debug_abort_after;
	const uint64_t qd = plain ? 0 : a->qd, map_cost_ns = plain ? 0 : a->map_cost_ns;
	const double speed = plain ? 1.0 : a->speed;
	const bool show_progress = plain ? false : a->show_progress;
	struct trc_stats *ts = plain ? NULL : a->ts;
	int rc = 0;

	for (;;) {
		uint64_t at;

		if (obs_stopped(r->obs))
			break;
		if (max_requests && res->requests >= max_requests)
			break;
		/* --debug-abort-after: the internal-error path on purpose, for its tests */
		ASSERT(!debug_abort_after || res->requests < debug_abort_after);
		if ((rc = trc_read_next(a->t, &rec, a->err, a->errlen)) <= 0)
			break;
		if (ts)
			trc_stats_add(ts, &rec);
		if (!obs_admit(r->obs, &rec, a->target_sectors))
			continue;
		obs_prefetch(r->obs, a->sc, &rec);
		if (qd) {
			/* closed loop: as fast as possible with qd requests outstanding */
			while (obs_outstanding(r->obs) >= qd && des_run_next(&r->q))
				;
			at = r->q.now_ns;
		} else {
			at = speed == 1.0 ? rec.time_ns : (uint64_t)llround((double)rec.time_ns / speed);
			if (at < r->q.now_ns) {
				r->time_inversions++;
				at = r->q.now_ns;
			}
		}
		if (map_cost_ns && at < r->cpu_free_ns)
			at = r->cpu_free_ns; /* the CPU is still mapping earlier requests */
		/* completions and worker runs at or before the arrival come first (class 0) */
		des_run_until(&r->q, at);
		r->q.now_ns = at;
		uint64_t before = map_cost_ns ? dm_pieces_mapped(r->dm) : 0;
		struct dm_req *q = dm_req_from_rec(r->dm, &rec, at);
		obs_request(r->obs, q, &rec, at);
		dm_submit(r->dm, q);
		if (map_cost_ns)
			r->cpu_free_ns = at + (dm_pieces_mapped(r->dm) - before) * map_cost_ns;
		/* runs longer than a second show their progress, twice a second */
		if (show_progress && (res->requests & 0x3fff) == 0 && wall_now() - last_progress > 0.5 &&
		    wall_now() - a->wall_start > 1.0) {
			last_progress = wall_now();
			progress(r, a->t, a->wall_start, false);
			a->shown = true;
		}
	}
	return rc;
}

int sim_run(const struct sim_config *cfg, struct sim_result *res, char *err, size_t errlen)
{
	struct run run = {0}, *r = &run;
	struct trc *t = NULL;
	struct trc_stats *ts = NULL;
	struct trc_opts topts = cfg->trace;
	double wall_start = wall_now();
	bool shown = false;
	uint64_t target_sectors;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	r->cfg = cfg;
	r->res = res;
	rc = setup(r, cfg, err, errlen);
	if (rc)
		goto out;
	target_sectors = r->target.dev->size_bytes / 512;
	describe_run(r, &res->eff);
	if (cfg->describe_trace) {
		topts.fingerprint = true;
		if (trc_stats_new(&ts, &(struct trc_stats_opts){0}))
			ts = NULL; /* no statistics without memory for them; the run goes on */
	}
	if ((rc = sim_trace_open(cfg, &topts, &t, err, errlen)))
		goto out;
	snprintf(res->trace_format, sizeof(res->trace_format), "%s", trc_format_name(t));
	obs_set_trace(r->obs, t);
	struct arrivals a = {
		.r = r, .t = t, .ts = ts, .sc = dm_target(r->dm), .target_sectors = target_sectors,
		.max_requests = cfg->max_requests, .debug_abort_after = cfg->debug_abort_after,
		.qd = cfg->qd, .map_cost_ns = cfg->map_cost_ns, .speed = cfg->speed,
		.show_progress = cfg->progress, .wall_start = wall_start, .err = err,
		.errlen = errlen,
	};
	if (!a.ts && !a.debug_abort_after && !a.qd && !a.map_cost_ns && a.speed == 1.0 &&
	    !a.show_progress)
		rc = arrival_loop(&a, true);
	else
		rc = arrival_loop(&a, false);
	shown = a.shown;
	if (rc < 0) /* a bad record: stop at once */
		goto out;
	rc = 0;
	/* after a stop (--seed-crash abort) the I/O in flight still completes, so that nothing
	 * is left allocated; no new request is read */
	while (des_run_next(&r->q))
		;
	if (shown)
		progress(r, t, wall_start, true);
	if (obs_stopped(r->obs)) {
		snprintf(err, errlen, "%s", obs_stopped(r->obs));
		rc = -ECANCELED;
		goto out;
	}
	if (dm_busy(r->dm))
		obs_warn(r->obs, "warning: %llu requests never completed (an engine bug: please report it)",
			 (unsigned long long)obs_outstanding(r->obs));
	obs_warn_beyond_end(r->obs, r->target.dev->size_bytes, "give the target device a larger size=");
	if (r->time_inversions)
		obs_warn(r->obs, "warning: %llu arrivals earlier than the previous one were simulated at "
				 "the previous one's time", (unsigned long long)r->time_inversions);
	obs_trace_warnings(r->obs, t);
	res->trace_counts = *trc_counts(t);
	if (cfg->describe_trace)
		describe_trace(t, ts, cfg->trace_path, res);
	res->devices_modelled = true;
	if (obs_finish(r->obs, r->dm, r->cache.dev, r->target.dev, r->q.now_ns, wall_now() - wall_start,
		       err, errlen))
		rc = -EIO;
out:
	if (t)
		trc_close(t);
	trc_stats_free(ts);
	run_free(r);
	return rc;
}

void sim_result_free(struct sim_result *res)
{
	free(res->series);
	res->series = NULL;
	res->nr_series = 0;
	free(res->trace_stats_json);
	res->trace_stats_json = NULL;
}
