// SPDX-License-Identifier: GPL-2.0
/* observe.c - turn the dm core's events into a sim_result: latencies, hit ratios, series, logs, verifier. */
#include "sim/observe.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/base/mem.h"
#include "sim/declog.h"
#include "sim/explain.h"
#include "sim/latstat.h"
#include "sim/verify.h"

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

struct observer {
	const struct sim_config *cfg;
	struct sim_result *res;
	uint64_t (*now)(void *arg);
	void *now_arg;
	struct declog *dl;
	struct verifier *v;
	struct explain *ex;
	struct latstat *lat_class[SIM_CLASS_NR], *lat_op[SIM_OP_NR], *trace_lat;
	uint64_t next_version;
	uint64_t outstanding;
	uint64_t read_pieces, read_hits, sectors_read, sectors_hit;
	bool stop;
	char stop_msg[256];
	bool crash_warned[QUIRK_MAX + 1];
	/* time series */
	struct sim_interval *series;
	size_t nr_series, cap_series;
	double *series_lat_sum;
	uint64_t *series_done;
	size_t series_hint; /* the interval used last */
	/* its start, and the length from there that is in it (interval_ns, less where the end
	 * would pass 2^64): t is in it iff t - hint_start < hint_len, one compare (an earlier t
	 * wraps past hint_len); hint_len 0: no interval yet */
	uint64_t hint_start, hint_len;
	/* obs_last_piece_done's own pass is for requests from this id on: count_from without a
	 * decision log, verifier, miss explanation or on_req_done, else UINT64_MAX (fast_from_set
	 * after each of them changes) */
	uint64_t fast_from;
	/* clock jumps between consecutive records (> OBS_JUMP_NS) */
	const struct trc *trace;
	bool have_prev;
	uint64_t prev_time_ns, nr_jumps;
	/* the warm-up: requests with an id below count_from are not counted (UINT64_MAX: the
	 * warm-up is not over yet; 0: no warm-up) */
	uint64_t count_from;
	uint64_t records;      /* records offered to obs_admit (P%: the warm-up's unit) */
	uint64_t warm_records; /* P%: counting starts at the first request from this record on */
	uint64_t first_trace_ns; /* TIME: the first request's trace time */
	bool have_first;
	obs_dev_snap_fn dev_snap;
	void *dev_snap_arg;
	const struct dev *devs[2]; /* obs_set_devices */
	struct obs_dev_snap warm_dev[2]; /* at the warm-up point */
	bool warm_snapped;
};

/* A step between consecutive records larger than this is a clock jump worth a warning. */
#define OBS_JUMP_NS (3600ULL * 1000000000ULL)
#define OBS_JUMP_WARNINGS 3 /* each named; the rest counted at the end */

void obs_warn(struct observer *o, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!o->cfg->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->cfg->warn(o->cfg->warn_arg, msg);
}

void obs_warn_beyond_end(struct observer *o, uint64_t target_bytes, const char *remedy)
{
	if (o->res->skipped_beyond_end)
		obs_warn(o, "warning: %llu requests reach beyond the end of the target (%llu bytes) and "
			    "were skipped: %s", (unsigned long long)o->res->skipped_beyond_end,
			 (unsigned long long)target_bytes, remedy);
}

void obs_trace_warnings(struct observer *o, struct trc *t)
{
	const char *w = trc_warnings(t);

	if (o->nr_jumps > OBS_JUMP_WARNINGS)
		obs_warn(o, "warning: %llu more clock jumps of over an hour between records",
			 (unsigned long long)(o->nr_jumps - OBS_JUMP_WARNINGS));
	while (w && *w) {
		size_t n = strcspn(w, "\n");
		obs_warn(o, "warning: %.*s", (int)n, w);
		w += n + (w[n] == '\n');
	}
}

/* Inline (gcc kept it out of line: a call and the caller's spills around it, per piece). */
static inline __attribute__((always_inline)) enum sim_class class_of(const struct dm_piece *p)
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

static enum sim_op op_of(const struct dm_req *q)
{
	if (q->flags & TRC_DISCARD)
		return SIM_OP_DISCARD;
	if ((q->flags & TRC_FLUSH) && !q->nsect)
		return SIM_OP_FLUSH;
	return (q->flags & TRC_WRITE) ? SIM_OP_WRITE : SIM_OP_READ;
}

/*
 * The series is sparse: one entry per interval that has arrivals, sorted by start time. A
 * capture whose clock jumps (one CPU 1.27e9 s off) spans 10^9 intervals of which a handful have
 * events; a dense array indexed by interval number needed 50 GB for it. Arrivals come in
 * nearly increasing time and completions refer to recent arrivals, so the last interval used
 * (or the last one) answers almost every lookup; the rest is a binary search, and an interval
 * before the last is inserted in place (records passed on out of order).
 */
static size_t series_find(const struct observer *o, uint64_t start, bool *found)
{
	size_t lo = 0, hi = o->nr_series;

	if (o->series_hint < o->nr_series && o->series[o->series_hint].start_ns == start) {
		*found = true;
		return o->series_hint;
	}
	if (hi && o->series[hi - 1].start_ns <= start) {
		*found = o->series[hi - 1].start_ns == start;
		return *found ? hi - 1 : hi;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (o->series[mid].start_ns < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < o->nr_series && o->series[lo].start_ns == start;
	return lo;
}

static int series_grow(struct observer *o)
{
	size_t cap = o->cap_series ? 2 * o->cap_series : 64;
	if (!mem_resize(&o->series, cap * sizeof(*o->series)) ||
	    !mem_resize(&o->series_lat_sum, cap * sizeof(*o->series_lat_sum)) ||
	    !mem_resize(&o->series_done, cap * sizeof(*o->series_done)))
		return -ENOMEM; /* cap_series unchanged: the arrays grown so far are only larger */
	o->cap_series = cap;
	return 0;
}

/*
 * Whether t falls in the interval used last: almost every arrival and completion does, and
 * the check is a subtraction and a compare where the lookup needs a division and a search.
 */
static bool series_in_hint(const struct observer *o, uint64_t t)
{
	return t - o->hint_start < o->hint_len;
}

/* The interval used last is i (series_in_hint's copy of its extent). */
static void series_set_hint(struct observer *o, size_t i)
{
	uint64_t start = o->series[i].start_ns, len = o->cfg->interval_ns;

	o->series_hint = i;
	o->hint_start = start;
	o->hint_len = start && len > -start ? -start : len; /* -start: 2^64 - start */
}

/* series_at past the hint: a search, and the interval created if absent (out of line: the
 * hint answers almost every arrival, and the call's frame cost about 16 instructions each). */
static __attribute__((noinline)) struct sim_interval *series_at_slow(struct observer *o, uint64_t t)
{
	uint64_t start = t / o->cfg->interval_ns * o->cfg->interval_ns;
	bool found;
	size_t i = series_find(o, start, &found);

	if (!found) {
		if (o->nr_series == o->cap_series && series_grow(o)) {
			if (!o->stop) {
				o->stop = true;
				snprintf(o->stop_msg, sizeof(o->stop_msg),
					 "out of memory for the time series (%zu intervals)",
					 o->nr_series);
			}
			return NULL;
		}
		size_t tail = o->nr_series - i;
		memmove(&o->series[i + 1], &o->series[i], tail * sizeof(*o->series));
		memmove(&o->series_lat_sum[i + 1], &o->series_lat_sum[i], tail * sizeof(double));
		memmove(&o->series_done[i + 1], &o->series_done[i], tail * sizeof(uint64_t));
		memset(&o->series[i], 0, sizeof(*o->series));
		o->series[i].start_ns = start;
		o->series_lat_sum[i] = 0;
		o->series_done[i] = 0;
		o->nr_series++;
	}
	series_set_hint(o, i);
	return &o->series[i];
}

/* The interval holding time t, created if absent (NULL only when out of memory: run stopped). */
static inline struct sim_interval *series_at(struct observer *o, uint64_t t)
{
	if (series_in_hint(o, t))
		return &o->series[o->series_hint];
	return series_at_slow(o, t);
}

/* series_get past the hint: a search (out of line: the hint answers almost every call). */
static __attribute__((noinline)) struct sim_interval *series_get_slow(struct observer *o, uint64_t t,
								       size_t *idx)
{
	uint64_t start = t / o->cfg->interval_ns * o->cfg->interval_ns;
	bool found;
	size_t i = series_find(o, start, &found);

	if (!found)
		return NULL;
	series_set_hint(o, i);
	*idx = i;
	return &o->series[i];
}

/* The interval holding time t if it exists (completions: their arrival created it). */
static inline struct sim_interval *series_get(struct observer *o, uint64_t t, size_t *idx)
{
	if (series_in_hint(o, t)) {
		*idx = o->series_hint;
		return &o->series[o->series_hint];
	}
	return series_get_slow(o, t, idx);
}

/* ---- the hooks ---- */

static void obs_mapped(void *obs, struct dm_piece *p, uint64_t seq)
{
	struct observer *o = obs;
	bool first = p->last_seq == UINT64_MAX;

	if (o->dl)
		declog_mapped(o->dl, seq, first ? DECLOG_NONE : p->last_seq, p->op, p->sector, p->nsect);
	if (!first)
		return;
	if (o->v)
		verify_mapped(o->v, p, true);
	if (o->ex && (p->op == 'R' || p->op == 'W')) {
		explain_access(o->ex, &p->obs_token, p->sector, p->nsect);
		if (p->op == 'W') /* in flight until the piece is freed (obs_bio_free) */
			explain_io_start(o->ex, &p->b.obs_io, p->sector, p->nsect);
		if (explain_failed(o->ex) && !o->stop) {
			o->stop = true;
			snprintf(o->stop_msg, sizeof(o->stop_msg),
				 "out of memory for the miss explanation (--no-explain runs without it)");
		}
	}
}

static void obs_decision(void *obs, struct dm_piece *p, uint64_t seq, enum cte_match_t res,
			 long hash, long idx)
{
	struct observer *o = obs;

	(void)p;
	if (o->dl)
		declog_decision(o->dl, seq, res, hash, idx);
}

static void obs_clone(void *obs, struct dm_bio *src, struct dm_bio *clone)
{
	struct observer *o = obs;

	if (o->v)
		verify_clone(o->v, src, clone);
	/* every clone writes the piece's data: a fill, or a write's secondary / deferred copy */
	if (o->ex && src->piece)
		explain_io_start(o->ex, &clone->obs_io, src->piece->sector, src->piece->nsect);
}

static void obs_bio_free(void *obs, struct dm_bio *b)
{
	struct observer *o = obs;

	if (o->v)
		verify_bio_free(o->v, b);
	if (o->ex && b->obs_io) /* tracked: in flight for the miss explanation */
		explain_io_end(o->ex, &b->obs_io);
	if (o->ex && b->piece) /* its explanation token goes with it */
		explain_settle(o->ex, &b->piece->obs_token);
}

static void obs_dio_done(void *obs, struct dm_dio *d, uint64_t now)
{
	struct observer *o = obs;

	(void)now;
	if (o->v)
		verify_dio_done(o->v, d);
}

/* A latency sample: latstat_add_ns, or latstat_add_small where the caller knows ns < 2^53 (a
 * constant small: no test, and no call out of line, in the caller). */
static inline __attribute__((always_inline)) void lat_add(struct latstat *ls, uint64_t ns,
							 bool small)
{
	if (small)
		latstat_add_small(ls, ns);
	else
		latstat_add_ns(ls, ns);
}

/* A counted piece's statistics: its outcome, its class's latency (lat_ns, now - p->map_ns;
 * small: below 2^53, lat_add) and, for a read, the read and hit counts, also in iv (the
 * interval of its request's arrival) unless iv is NULL. */
static inline __attribute__((always_inline)) void piece_count(struct observer *o,
							     const struct dm_piece *p,
							     struct sim_interval *iv, uint64_t lat_ns,
							     bool small)
{
	struct sim_result *res = o->res;

	if (p->decided && (unsigned)p->outcome < SSD_OUT_NR)
		res->outcome_count[p->outcome]++;
	lat_add(o->lat_class[class_of(p)], lat_ns, small);
	if (p->op == 'R') {
		o->read_pieces++;
		o->sectors_read += p->nsect;
		if (iv)
			iv->read_pieces++;
		if (p->decided && p->outcome == CTE_READ_CLEAN) {
			o->read_hits++;
			o->sectors_hit += p->nsect;
			if (iv)
				iv->read_hits++;
		}
	}
}

/* A request's end: it is no longer outstanding, and the run lasts at least to now. */
static inline __attribute__((always_inline)) void req_end(struct observer *o, uint64_t now)
{
	o->outstanding--;
	if (now > o->res->end_ns)
		o->res->end_ns = now;
}

/* A counted request's latency (small: below 2^53, lat_add): in its operation's statistics and
 * in interval i (iv, the interval of its arrival, unless NULL). */
static inline __attribute__((always_inline)) void req_count(struct observer *o, enum sim_op op,
							   uint64_t lat_ns,
							   const struct sim_interval *iv, size_t i,
							   bool small)
{
	lat_add(o->lat_op[op], lat_ns, small);
	if (iv) {
		/* below 2^63 the signed conversion is the same double, and latstat_put's */
		o->series_lat_sum[i] += small ? (double)(int64_t)lat_ns : (double)lat_ns;
		o->series_done[i]++;
	}
}

static void obs_piece_done(void *obs, struct dm_piece *p, int error, uint64_t now)
{
	struct observer *o = obs;
	struct sim_result *res = o->res;

	(void)error;
	if (o->dl)
		declog_done(o->dl, p->last_seq, now);
	if (o->v)
		verify_piece_done(o->v, p, now);
	if (p->req->id < o->count_from)
		return; /* a warm-up request's piece */
	if (p->op == 'R') {
		size_t ix;

		piece_count(o, p, series_get(o, p->req->arrival_ns, &ix), now - p->map_ns, false);
		if (o->ex && p->decided)
			explain_classify(o->ex, &p->obs_token, p->outcome, res->miss);
	} else {
		piece_count(o, p, NULL, now - p->map_ns, false);
	}
}

static void obs_req_done(void *obs, struct dm_req *q, uint64_t now)
{
	struct observer *o = obs;
	uint64_t lat_ns = now - q->arrival_ns;
	size_t i;

	if (o->v)
		verify_req_done(o->v, q);
	req_end(o, now);
	if (q->id < o->count_from)
		return; /* a warm-up request */
	enum sim_op op = op_of(q);
	const struct sim_interval *iv = series_get(o, q->arrival_ns, &i);

	req_count(o, op, lat_ns, iv, i, false);
	if (o->cfg->on_req_done)
		o->cfg->on_req_done(o->cfg->on_req_done_arg, (int)op, (double)lat_ns);
}

/* obs_last_piece_done but for its common case (below): out of line. */
static __attribute__((noinline)) void last_piece_done_slow(struct observer *o, struct dm_piece *p,
							   int error, uint64_t now)
{
	struct dm_req *q = p->req;

	if (q->id < o->fast_from) { /* a consumer of the two hooks' own, or a warm-up request */
		obs_piece_done(o, p, error, now);
		obs_req_done(o, q, now);
		return;
	}
	size_t i;
	struct sim_interval *iv = series_get(o, q->arrival_ns, &i);

	piece_count(o, p, iv, now - p->map_ns, false); /* obs_piece_done's part */
	req_end(o, now);                               /* obs_req_done's */
	req_count(o, op_of(q), now - q->arrival_ns, iv, i, false);
}

/*
 * The request's last piece: obs_piece_done and then obs_req_done, in one call
 * (dm_set_last_piece_done). Without a decision log, verifier, miss explanation or on_req_done,
 * and past the warm-up, the two are written out together: their common tests once, and the one
 * interval lookup of the request's arrival that both made (the same time: the second found what
 * the first did). Anything else calls the two. The common case (that, both latencies below
 * 2^53 and the arrival in the interval used last) makes no call and saves two registers, not
 * six (19 instructions per request less); the rest is last_piece_done_slow's.
 */
void obs_last_piece_done(void *obs, struct dm_piece *p, int error, uint64_t now)
{
	struct observer *o = obs;
	struct dm_req *q = p->req;
	uint64_t piece_lat = now - p->map_ns, req_lat = now - q->arrival_ns;

	if (q->id < o->fast_from || (piece_lat | req_lat) >> 53 || !series_in_hint(o, q->arrival_ns)) {
		last_piece_done_slow(o, p, error, now);
		return;
	}
	size_t i = o->series_hint; /* series_get's answer */
	struct sim_interval *iv = &o->series[i];

	/* obs_req_done's part before obs_piece_done's: they count in different places (the same
	 * results in either order), and this one leaves gcc registers enough for no frame */
	req_end(o, now);
	req_count(o, (enum sim_op)q->obs_op, req_lat, iv, i, true); /* op_of(q), counted */
	piece_count(o, p, iv, piece_lat, true);
}

static void fast_from_set(struct observer *o)
{
	o->fast_from = o->dl || o->v || o->ex || o->cfg->on_req_done ? UINT64_MAX : o->count_from;
}

static void obs_seed_crash(void *obs, int q, const char *what)
{
	struct observer *o = obs;
	double t = (double)o->now(o->now_arg) / 1e9;

	if (o->cfg->engine.seed_crash == SEED_CRASH_ABORT) {
		if (!o->stop) {
			o->stop = true;
			snprintf(o->stop_msg, sizeof(o->stop_msg),
				 "at %.9f s the seed would crash (Q%d): %s; stopped (--seed-crash abort)", t, q,
				 what);
		}
		return;
	}
	if (q >= 1 && q <= QUIRK_MAX && !o->crash_warned[q]) {
		o->crash_warned[q] = true;
		obs_warn(o, "warning: at %.9f s the seed would crash (Q%d): %s; continuing as if the log "
			    "statement had no side effect (--seed-crash continue; counted in seed_crashes)",
			 t, q, what);
	}
}

/* A hook that would only find its consumer absent is left out (dm skips a NULL hook without a
 * call): the decision log and the verifier exist from obs_new on, or never; the miss
 * explanation comes later (obs_set_target) but only when cfg->explain_misses, known now. Without
 * any of the three, mapped, clone and bio_free have nothing to do (about 60 instructions per
 * request of calls that only tested three NULL pointers). */
struct dm_hooks obs_hooks(struct observer *o)
{
	bool ex = o->cfg->explain_misses; /* o->ex may exist (obs_set_target) */
	bool per_bio = o->v || ex;

	return (struct dm_hooks){
		.obs = o, .mapped = o->dl || per_bio ? obs_mapped : NULL,
		.decision = o->dl ? obs_decision : NULL,
		.seed_crash = obs_seed_crash, .clone = per_bio ? obs_clone : NULL,
		.bio_free = per_bio ? obs_bio_free : NULL,
		.dio_done = o->v ? obs_dio_done : NULL,
		.piece_done = obs_piece_done, .req_done = obs_req_done,
	};
}

/* ---- life cycle ---- */

/*
 * P%: the record count of the trace. An .sct's header has it; any other format is read once
 * to count (the reader skips what it would skip in the run: --lenient's bad records, other
 * devices' records). A pipe cannot be read twice: anything but a regular file (or a blktrace
 * capture's NAME, which is not a file itself) is refused.
 */
static int warmup_records(struct observer *o, char *err, size_t errlen)
{
	const struct sim_config *cfg = o->cfg;
	struct trc *t = NULL;
	struct trc_rec rec;
	char sub[512];
	uint64_t n = 0;
	int rc;

	struct stat sb;

	if (!cfg->trace_path || !strcmp(cfg->trace_path, "-") ||
	    (stat(cfg->trace_path, &sb) == 0 && !S_ISREG(sb.st_mode))) {
		snprintf(err, errlen, "--warmup %s: a percentage needs the trace's record count, and "
				      "%s is not a regular file (a pipe or standard input cannot be read "
				      "twice): give N or TIME, or a file", cfg->warmup.spec,
			 cfg->trace_path ? cfg->trace_path : "-");
		return -EINVAL;
	}
	if ((rc = trc_open(&t, cfg->trace_path, &cfg->trace, sub, sizeof(sub)))) {
		snprintf(err, errlen, "%s", sub);
		return rc == -ENOTUNIQ || rc == -ENODEV || rc == -ENOTSUP ? -EINVAL : -EIO;
	}
	if (!trc_sct_info(t, &n)) {
		enum trc_status st;

		while ((st = trc_next(t, &rec)) == TRC_OK)
			n++;
		if (st == TRC_EBAD) {
			snprintf(err, errlen, "%s", trc_error(t));
			trc_close(t);
			return -EIO;
		}
	}
	trc_close(t);
	if (cfg->max_requests && cfg->max_requests < n)
		n = cfg->max_requests; /* a percentage of what is simulated */
	o->res->warmup.trace_records = n;
	o->warm_records = (uint64_t)((double)n * cfg->warmup.percent / 100.0);
	return 0;
}

int obs_new(struct observer **out, const struct sim_config *cfg, struct sim_result *res,
	    uint64_t (*now)(void *arg), void *now_arg, char *err, size_t errlen)
{
	struct observer *o = calloc(1, sizeof(*o));
	int rc;

	*out = NULL;
	memset(res, 0, sizeof(*res));
	if (!o)
		goto nomem;
	o->cfg = cfg;
	o->res = res;
	o->now = now;
	o->now_arg = now_arg;
	for (int i = 0; i < SIM_CLASS_NR; i++)
		if (!(o->lat_class[i] = latstat_new()))
			goto nomem;
	for (int i = 0; i < SIM_OP_NR; i++)
		if (!(o->lat_op[i] = latstat_new()))
			goto nomem;
	if (!(o->trace_lat = latstat_new()))
		goto nomem;
	if (cfg->verify && !(o->v = verify_new(cfg->engine.options.mode, cfg->engine.options.async_lookup)))
		goto nomem;
	if (cfg->decision_log && (rc = declog_open(&o->dl, cfg->decision_log, err, errlen))) {
		obs_free(o);
		return -EIO;
	}
	res->warmup.kind = cfg->warmup.kind;
	if (cfg->warmup.kind != WARMUP_NONE)
		o->count_from = UINT64_MAX;
	if (cfg->warmup.kind == WARMUP_PERCENT && (rc = warmup_records(o, err, errlen))) {
		obs_free(o);
		return rc;
	}
	fast_from_set(o);
	*out = o;
	return 0;
nomem:
	obs_free(o);
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

int obs_set_target(struct observer *o, struct ssdcache_ctx *sc)
{
	struct ssdcache_geometry g;

	if (!o->cfg->explain_misses)
		return 0;
	ssdcache_get_geometry(sc, &g);
	o->ex = explain_new(g.num_cmd * DEFAULT_ALIASING, g.block_size);
	fast_from_set(o);
	return o->ex ? 0 : -ENOMEM;
}

void obs_free(struct observer *o)
{
	if (!o)
		return;
	if (o->dl) {
		char e[64];
		declog_close(o->dl, e, sizeof(e));
	}
	for (int i = 0; i < SIM_CLASS_NR; i++)
		latstat_free(o->lat_class[i]);
	for (int i = 0; i < SIM_OP_NR; i++)
		latstat_free(o->lat_op[i]);
	latstat_free(o->trace_lat);
	verify_free(o->v);
	explain_free(o->ex);
	free(o->series_lat_sum);
	free(o->series_done);
	free(o->series);
	free(o);
}

/* Always inline: into the arrival loop, with link-time optimisation (a call per record less);
 * the header's declaration is a plain one. */
__attribute__((always_inline)) inline bool obs_admit(struct observer *o, const struct trc_rec *rec,
						     uint64_t target_sectors)
{
	struct sim_result *res = o->res;
	bool flush = rec->flags & TRC_FLUSH;

	o->records++;
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

void obs_prefetch(struct observer *o, struct ssdcache_ctx *sc, const struct trc_rec *rec)
{
	ssdcache_prefetch(sc, rec->sector);
	if (o->ex)
		explain_prefetch(o->ex, rec->sector);
}

void obs_set_trace(struct observer *o, const struct trc *t)
{
	o->trace = t;
}

/* Where the current record is, as the reader says ("file:line" or "file: offset 0x..."). */
static void record_where(const struct observer *o, char *buf, size_t len)
{
	const struct trc_pos *pos = o->trace ? trc_position(o->trace) : NULL;

	if (!pos || !pos->path)
		snprintf(buf, len, "record %llu", (unsigned long long)o->res->requests + 1);
	else if (pos->line)
		snprintf(buf, len, "%s:%llu", pos->path, (unsigned long long)pos->line);
	else
		snprintf(buf, len, "%s: offset 0x%llx", pos->path, (unsigned long long)pos->offset);
}

/* A record more than OBS_JUMP_NS away from the previous one: a clock that jumped (a CPU's clock
 * off, timestamps rebased), which stretches the simulated span and the time series. */
static void clock_jump(struct observer *o, const struct trc_rec *rec)
{
	bool fwd = rec->time_ns > o->prev_time_ns;
	uint64_t d = fwd ? rec->time_ns - o->prev_time_ns : o->prev_time_ns - rec->time_ns;
	char where[300];

	if (++o->nr_jumps > OBS_JUMP_WARNINGS)
		return;
	record_where(o, where, sizeof(where));
	obs_warn(o, "warning: %s: the trace's time jumps %s by %.6g s (from %.9f s to %.9f s): a "
		    "clock that is off (one CPU's?) or rebased timestamps; the simulated span and "
		    "the time series include the jump",
		 where, fwd ? "forward" : "back", (double)d / 1e9, (double)o->prev_time_ns / 1e9,
		 (double)rec->time_ns / 1e9);
}

/* Before each request while the warm-up lasts: is this the first request to count? */
static void warmup_check(struct observer *o, const struct dm_req *q, const struct trc_rec *rec,
			 uint64_t t)
{
	const struct sim_warmup *w = &o->cfg->warmup;
	bool reached = false;

	if (!o->have_first) {
		o->have_first = true;
		o->first_trace_ns = rec->time_ns;
	}
	switch (w->kind) {
	case WARMUP_REQUESTS:
		reached = o->res->requests >= w->requests;
		break;
	case WARMUP_TIME:
		reached = rec->time_ns >= o->first_trace_ns &&
			  rec->time_ns - o->first_trace_ns >= w->time_ns;
		break;
	case WARMUP_PERCENT:
		reached = o->records - 1 >= o->warm_records;
		break;
	default:
		reached = true;
	}
	if (!reached)
		return;
	o->count_from = q->id;
	fast_from_set(o);
	o->res->warmup.start_request = o->res->requests;
	o->res->warmup.start_ns = t;
	if (o->dev_snap) {
		o->dev_snap(o->dev_snap_arg, t, o->warm_dev);
		o->warm_snapped = true;
	}
}

/* Always inline: into the arrival loop, with link-time optimisation (its frame: about 17
 * instructions per request); the header's declaration is a plain one. */
__attribute__((always_inline)) inline void obs_request(struct observer *o, struct dm_req *q,
						       const struct trc_rec *rec, uint64_t t)
{
	struct sim_result *res = o->res;
	uint32_t f = rec->flags;

	if (o->count_from == UINT64_MAX)
		warmup_check(o, q, rec, t);
	bool counted = q->id >= o->count_from; /* not a warm-up request */
	if (!counted) {
		/* a warm-up request: the engine sees it, the statistics do not */
		if ((f & (TRC_DISCARD | TRC_WRITE)) == TRC_WRITE && rec->nsect)
			q->version = ++o->next_version;
	} else if (f & TRC_DISCARD) {
		res->discards++;
		q->obs_op = SIM_OP_DISCARD; /* op_of's, where these tests tell it */
	} else {
		if (f & TRC_FLUSH)
			res->flushes++;
		if (rec->nsect) {
			if (f & TRC_WRITE) {
				res->writes++;
				res->bytes_written += (uint64_t)rec->nsect * 512;
				q->version = ++o->next_version;
				q->obs_op = SIM_OP_WRITE;
			} else {
				res->reads++;
				res->bytes_read += (uint64_t)rec->nsect * 512;
				q->obs_op = SIM_OP_READ;
			}
		} else {
			q->obs_op = (uint8_t)op_of(q);
		}
	}
	if (rec->latency_ns >= 0 && counted)
		latstat_add_ns(o->trace_lat, (uint64_t)rec->latency_ns);
	if (o->have_prev && (rec->time_ns > o->prev_time_ns + OBS_JUMP_NS ||
			     rec->time_ns + OBS_JUMP_NS < o->prev_time_ns))
		clock_jump(o, rec);
	o->have_prev = true;
	o->prev_time_ns = rec->time_ns;
	struct sim_interval *iv = counted ? series_at(o, t) : NULL;
	if (iv)
		iv->requests++;
	if (!res->requests++)
		res->first_ns = t;
	res->last_ns = t;
	o->outstanding++;
}

uint64_t obs_outstanding(const struct observer *o)
{
	return o->outstanding;
}

const char *obs_stopped(const struct observer *o)
{
	return o->stop ? o->stop_msg : NULL;
}

int obs_finish(struct observer *o, struct dm_core *dm, const struct dev *cache,
	       const struct dev *target, uint64_t end_ns, double wall_seconds, char *err,
	       size_t errlen)
{
	const struct sim_config *cfg = o->cfg;
	struct sim_result *res = o->res;
	struct ssdcache_ctx *sc = dm_target(dm);
	double span_s;

	if (end_ns > res->end_ns)
		res->end_ns = end_ns;
	if (o->ex)
		explain_drain(o->ex); /* the misses still pending are counted */
	res->pieces = dm_pieces_mapped(dm);
	ssdcache_get_counters(sc, &res->counters);
	ssdcache_get_geometry(sc, &res->geometry);
	ssdcache_status(sc, STATUSTYPE_INFO, res->status_info, sizeof(res->status_info), NULL, NULL);
	ssdcache_status(sc, STATUSTYPE_TABLE, res->status_table, sizeof(res->status_table),
			cfg->target_name, cfg->cache_name);
	res->read_hit_ratio = o->read_pieces ? (double)o->read_hits / (double)o->read_pieces : 0;
	res->sector_read_hit_ratio = o->sectors_read ? (double)o->sectors_hit / (double)o->sectors_read : 0;
	for (int i = 0; i < SIM_CLASS_NR; i++) {
		latstat_result(o->lat_class[i], &res->lat_class[i]);
		latstat_quarter_hist(o->lat_class[i], res->hist_class[i]);
	}
	for (int i = 0; i < SIM_OP_NR; i++) {
		latstat_result(o->lat_op[i], &res->lat_op[i]);
		latstat_log2_hist(o->lat_op[i], res->hist_op[i]);
	}
	latstat_result(o->trace_lat, &res->trace_lat);
	/* rates over what was measured: from the first counted arrival on */
	uint64_t from_ns = cfg->warmup.kind != WARMUP_NONE ? res->warmup.start_ns : res->first_ns;
	if (o->count_from != UINT64_MAX)
		res->warmup.measured = res->requests - res->warmup.start_request;
	span_s = res->end_ns > from_ns ? (double)(res->end_ns - from_ns) / 1e9 : 0;
	res->iops = span_s > 0 ? (double)res->warmup.measured / span_s : 0;
	res->mb_s = span_s > 0 ? (double)(res->bytes_read + res->bytes_written) / 1e6 / span_s : 0;
	if (cache) {
		dev_get_stats(cache, res->end_ns, &res->cache_dev);
		res->cache_util = span_s > 0 ? (double)res->cache_dev.busy_ns / 1e9 / span_s : 0;
	}
	if (target) {
		dev_get_stats(target, res->end_ns, &res->target_dev);
		res->target_util = span_s > 0 ? (double)res->target_dev.busy_ns / 1e9 / span_s : 0;
	}
	if (cache && target)
		obs_devices_since_warmup(o, res->end_ns);
	if (o->v) {
		res->stale_reads = verify_stale_count(o->v);
		res->nr_stale_examples = verify_examples(o->v, res->stale, SIM_STALE_EXAMPLES);
	}
	for (size_t i = 0; i < o->nr_series; i++)
		o->series[i].lat_mean_ns =
			o->series_done[i] ? o->series_lat_sum[i] / (double)o->series_done[i] : 0;
	res->series = o->series;
	res->nr_series = o->nr_series;
	o->series = NULL;
	res->wall_seconds = wall_seconds;
	if (cfg->inspect)
		cfg->inspect(cfg->inspect_arg, sc);
	if (o->dl) {
		int e = declog_close(o->dl, err, errlen);
		o->dl = NULL;
		if (e)
			return -EIO;
	}
	if (cfg->verify_log && o->v) {
		FILE *fp = fopen(cfg->verify_log, "w");
		if (!fp || verify_write_log(o->v, fp) || fclose(fp)) {
			snprintf(err, errlen, "%s: %s", cfg->verify_log, strerror(errno ? errno : EIO));
			return -EIO;
		}
	}
	if (o->ex && explain_failed(o->ex) && !o->stop) { /* in the final drain (explain_drain) */
		snprintf(err, errlen, "out of memory for the miss explanation (--no-explain runs without it)");
		return -ENOMEM;
	}
	if (o->count_from == UINT64_MAX) {
		/* after the logs, so that they are kept */
		if (cfg->warmup.kind == WARMUP_PERCENT)
			snprintf(err, errlen, "--warmup %s: the warm-up (%llu of %llu records) leaves no "
					      "request to measure", cfg->warmup.spec,
				 (unsigned long long)o->warm_records,
				 (unsigned long long)res->warmup.trace_records);
		else
			snprintf(err, errlen, "--warmup %s: the warm-up is longer than the trace (%llu "
					      "requests simulated): nothing left to measure",
				 cfg->warmup.spec, (unsigned long long)res->requests);
		return -ERANGE;
	}
	return 0;
}

/* ---- device counters after the warm-up ---- */

static void sim_dev_snap(void *arg, uint64_t now_ns, struct obs_dev_snap out[2])
{
	const struct observer *o = arg;

	for (int i = 0; i < 2; i++) {
		const struct dev *d = o->devs[i];
		uint64_t span = d->first_ns == UINT64_MAX || now_ns <= d->first_ns ? 0 : now_ns - d->first_ns;

		dev_get_stats(d, now_ns, &out[i].st);
		out[i].qd_area_ns = out[i].st.mean_queue_depth * (double)span;
	}
}

void obs_set_devices(struct observer *o, const struct dev *cache, const struct dev *target)
{
	o->devs[0] = cache;
	o->devs[1] = target;
	obs_set_dev_snapshot(o, sim_dev_snap, o);
}

void obs_set_dev_snapshot(struct observer *o, obs_dev_snap_fn fn, void *arg)
{
	o->dev_snap = fn;
	o->dev_snap_arg = arg;
}

/* e -= s, the means and ratios recomputed for what happened in between (span_ns long). */
static void dev_since(struct obs_dev_snap *e, const struct obs_dev_snap *s, uint64_t span_ns)
{
	struct dev_stats *a = &e->st;
	const struct dev_stats *b = &s->st;

	a->nr_reads -= b->nr_reads;
	a->nr_writes -= b->nr_writes;
	a->nr_other -= b->nr_other;
	a->bytes_read -= b->bytes_read;
	a->bytes_written -= b->bytes_written;
	a->busy_ns -= b->busy_ns;
	dev_counters_sub(a, b); /* the model's own; its ratios follow */
	a->mean_queue_depth = span_ns ? (e->qd_area_ns - s->qd_area_ns) / (double)span_ns : 0;
}

void obs_devices_since_warmup(struct observer *o, uint64_t end_ns)
{
	struct sim_result *res = o->res;
	struct obs_dev_snap end[2];
	uint64_t span;

	if (!o->warm_snapped || !o->dev_snap)
		return;
	span = end_ns > res->warmup.start_ns ? end_ns - res->warmup.start_ns : 0;
	o->dev_snap(o->dev_snap_arg, end_ns, end);
	dev_since(&end[0], &o->warm_dev[0], span);
	dev_since(&end[1], &o->warm_dev[1], span);
	res->cache_dev = end[0].st;
	res->target_dev = end[1].st;
	res->cache_util = span ? (double)res->cache_dev.busy_ns / (double)span : 0;
	res->target_util = span ? (double)res->target_dev.busy_ns / (double)span : 0;
}
