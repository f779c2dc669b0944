// SPDX-License-Identifier: GPL-2.0
/* replay_predict.c - predicted (simulated on calibrated models) against measured (replayed). */
#include "sim/replay_predict.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/calib.h"
#include "sim/devprobe.h"
#include "sim/base/units.h"

void lat_samples_add(void *arg, int op, double ns)
{
	struct lat_samples *s = arg;

	if (op < 0 || op >= SIM_OP_NR)
		return;
	if (s->n[op] == s->cap[op]) {
		size_t cap = s->cap[op] ? 2 * s->cap[op] : 1024;
		double *v = realloc(s->v[op], cap * sizeof(*v));
		if (!v)
			return; /* the demerit then sees fewer samples; the counts stay in sim_result */
		s->v[op] = v;
		s->cap[op] = cap;
	}
	s->v[op][s->n[op]++] = ns;
}

void lat_samples_free(struct lat_samples *s)
{
	for (int i = 0; i < SIM_OP_NR; i++)
		free(s->v[i]);
	memset(s, 0, sizeof(*s));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sort copies of both samples once: the demerit and the overlay's quantiles come from them. */
static bool compare(const double *m, size_t nm, const double *q, size_t nq, struct demerit *d,
		    double *mq, double *pq, bool *q_ok)
{
	double *ms, *qs;
	bool ok;

	*q_ok = false;
	if (!nm || !nq)
		return false;
	ms = malloc(nm * sizeof(*ms));
	qs = malloc(nq * sizeof(*qs));
	if (!ms || !qs) {
		free(ms);
		free(qs);
		return false;
	}
	memcpy(ms, m, nm * sizeof(*ms));
	memcpy(qs, q, nq * sizeof(*qs));
	qsort(ms, nm, sizeof(*ms), cmp_double);
	qsort(qs, nq, sizeof(*qs), cmp_double);
	ok = demerit_compute_sorted(ms, nm, qs, nq, d) == 0;
	for (int i = 0; i < SIM_PRED_QUANTILES; i++) {
		double pr = (double)(i + 1) / SIM_PRED_QUANTILES;
		size_t a = (size_t)ceil(pr * (double)nm), b = (size_t)ceil(pr * (double)nq);

		mq[i] = ms[(a ? a : 1) - 1];
		pq[i] = qs[(b ? b : 1) - 1];
	}
	*q_ok = true;
	free(ms);
	free(qs);
	return ok;
}

static double *concat(const struct lat_samples *s, size_t *n)
{
	size_t total = 0, k = 0;
	double *v;

	for (int i = 0; i < SIM_OP_NR; i++)
		total += s->n[i];
	if (!(v = malloc((total ? total : 1) * sizeof(*v))))
		return NULL;
	for (int i = 0; i < SIM_OP_NR; i++)
		for (size_t j = 0; j < s->n[i]; j++)
			v[k++] = s->v[i][j];
	*n = total;
	return v;
}

/*
 * A trace without writes calibrates on reads only: the seconds go to the points that matter, and
 * the devices (which the replay did not write) are not written by the calibration either. The
 * default model is `fixed` with lognormal service times and servers (REPLAY_PREDICT_MODEL): the one
 * that can share its servers with the other device (pool=, sim/dev_share.h), which the ssd
 * model cannot; on one disk that sharing is what sets the latencies at depth.
 */
static int calibrate(const char *path, const char *model, bool force, unsigned flags, uint32_t max_bs,
		     double seconds, char *spec, size_t len, char *err, size_t errlen)
{
	struct calib_fit *cf = malloc(sizeof(*cf)); /* 24 points: kept off the stack */
	int r;

	if (!cf)
		return snprintf(err, errlen, "out of memory"), -ENOMEM;
	r = calib_run(path, model, 0, seconds, flags, max_bs, force, false, cf, err, errlen);
	if (!r)
		snprintf(spec, len, "%s", cf->spec);
	free(cf);
	return r;
}

/* Both calibrated models on one disk share its servers: pool=disk appended to each spec (the
 * pool has the larger of the two calibrated server counts). */
static int share_disk(char *spec, size_t len, char *err, size_t errlen)
{
	size_t n = strlen(spec);

	if (n + sizeof(",pool=disk") > len)
		return snprintf(err, errlen, "a model spec is longer than %zu characters", len - 1), -EINVAL;
	memcpy(spec + n, ",pool=disk", sizeof(",pool=disk"));
	return 0;
}

int replay_predict(const struct replay_config *rc, const struct sim_result *mres, const char *cache_model,
		   const char *target_model, const struct lat_samples *measured, struct replay_prediction *p, char *err, size_t errlen)
{
	struct lat_samples pred = {0};
	struct sim_config cfg = rc->sim;
	int r;

	memset(p, 0, sizeof(*p));
	if (!cache_model || !target_model)
		p->calibrated = true;
	/* a device the replay did not write is calibrated on reads: fills write the cache even
	 * when the trace has no writes */
	unsigned rt = rc->realtime ? CALIB_REALTIME : 0;
	unsigned cflags = rt | (mres->cache_dev.nr_writes ? 0 : CALIB_READS_ONLY);
	unsigned tflags = rt | (mres->target_dev.nr_writes ? 0 : CALIB_READS_ONLY);
	p->cache_reads_only = cflags & CALIB_READS_ONLY;
	p->target_reads_only = tflags & CALIB_READS_ONLY;
	/* the dm core splits every bio into pieces of at most a cache block: larger points would
	 * only pull the fit away from the sizes the replay sent */
	uint32_t max_bs = (uint32_t)rc->sim.engine.block_size * 512;
	p->max_bs = max_bs;
	double secs = rc->calibrate_seconds > 0 ? rc->calibrate_seconds : REPLAY_CALIB_SECONDS;
	p->calib_seconds = secs;
	for (int k = 0; k < 2; k++)
		snprintf(p->calib_model[k], sizeof(p->calib_model[k]), "%s",
			 rc->calibrate_model[k] ? rc->calibrate_model[k] : REPLAY_PREDICT_MODEL);
	if (cache_model)
		snprintf(p->cache_model, sizeof(p->cache_model), "%s", cache_model);
	else if ((r = calibrate(rc->cache_path, p->calib_model[0], rc->force, cflags, max_bs, secs, p->cache_model, sizeof(p->cache_model), err, errlen)))
		return r;
	if (target_model)
		snprintf(p->target_model, sizeof(p->target_model), "%s", target_model);
	else if ((r = calibrate(rc->target_path, p->calib_model[1], rc->force, tflags, max_bs, secs, p->target_model, sizeof(p->target_model), err, errlen)))
		return r;
	if (!cache_model && !target_model && !strcmp(p->calib_model[0], "fixed") &&
	    !strcmp(p->calib_model[1], "fixed") && devprobe_same_disk(rc->cache_path, rc->target_path) == 1) {
		p->shared_disk = true;
		if ((r = share_disk(p->cache_model, sizeof(p->cache_model), err, errlen)) ||
		    (r = share_disk(p->target_model, sizeof(p->target_model), err, errlen)))
			return r;
	}
	if (strlen(p->cache_model) >= sizeof(cfg.cache_spec) || strlen(p->target_model) >= sizeof(cfg.target_spec)) {
		snprintf(err, errlen, "a model spec is longer than %zu characters", sizeof(cfg.cache_spec) - 1);
		return -EINVAL;
	}
	memcpy(cfg.cache_spec, p->cache_model, strlen(p->cache_model) + 1); /* lengths checked above */
	memcpy(cfg.target_spec, p->target_model, strlen(p->target_model) + 1);
	cfg.decision_log = NULL;
	cfg.verify = false;
	cfg.verify_log = NULL;
	cfg.progress = false;
	cfg.explain_misses = false;
	cfg.on_req_done = lat_samples_add;
	cfg.on_req_done_arg = &pred;
	if ((r = sim_run(&cfg, &p->sim, err, errlen))) {
		lat_samples_free(&pred);
		return r;
	}
	for (int o = 0; o < SIM_OP_NR; o++)
		p->op_ok[o] = compare(measured->v[o], measured->n[o], pred.v[o], pred.n[o], &p->op[o], p->mq[o],
				      p->pq[o], &p->q_ok[o]);
	size_t nm, np;
	double *m = concat(measured, &nm), *q = concat(&pred, &np);
	p->all_ok = m && q &&
		    compare(m, nm, q, np, &p->all, p->mq[SIM_OP_NR], p->pq[SIM_OP_NR], &p->q_ok[SIM_OP_NR]);
	free(m);
	free(q);
	lat_samples_free(&pred);
	return 0;
}

void replay_prediction_free(struct replay_prediction *p)
{
	sim_result_free(&p->sim);
}

static void lat3(FILE *fp, const struct sim_lat *l)
{
	char a[24], b[24], c[24];

	format_time_ns(l->mean_ns, a, sizeof(a));
	format_time_ns(l->p50_ns, b, sizeof(b));
	format_time_ns(l->p99_ns, c, sizeof(c));
	fprintf(fp, " %10s %10s %10s", a, b, c);
}

/* A row of the text table: name, both sides (with_demerit: then the demerit, "-" without d),
 * unless neither side counted anything. */
static void txt_side_by_side(FILE *fp, const char *name, const struct sim_lat *meas,
			     const struct sim_lat *pred, const struct demerit *d, bool with_demerit)
{
	if (!meas->count && !pred->count)
		return;
	fprintf(fp, "  %-14s %8llu", name, (unsigned long long)meas->count);
	lat3(fp, meas);
	fprintf(fp, "  | %8llu", (unsigned long long)pred->count);
	lat3(fp, pred);
	if (with_demerit && d)
		fprintf(fp, "  %6.1f %%\n", d->pct);
	else if (with_demerit)
		fprintf(fp, "  %8s\n", "-");
	else
		fputc('\n', fp);
}

void replay_print_prediction(FILE *fp, const struct sim_result *mres, const struct replay_prediction *p)
{
	fprintf(fp, "\npredicted (simulated) vs measured (replayed):\n  cache model  %s\n  target model %s\n",
		p->cache_model, p->target_model);
	if (p->calibrated)
		fprintf(fp, "  (calibrated on these devices: models calibrate --model %s (cache) / %s (target) --max-bs %u "
			    "--seconds %g; reads only: cache %s, target %s%s)\n", p->calib_model[0], p->calib_model[1], p->max_bs, p->calib_seconds, p->cache_reads_only ? "yes" : "no",
			p->target_reads_only ? "yes" : "no",
			p->shared_disk ? "; one disk: the two models share its servers, pool=disk" : "");
	fprintf(fp, "  %-14s %8s %10s %10s %10s  | %8s %10s %10s %10s  %8s\n", "", "measured", "mean", "p50", "p99",
		"predicted", "mean", "p50", "p99", "demerit");
	for (int o = 0; o < SIM_OP_NR; o++)
		txt_side_by_side(fp, sim_op_name((enum sim_op)o), &mres->lat_op[o], &p->sim.lat_op[o],
				 p->op_ok[o] ? &p->op[o] : NULL, true);
	for (int k = 0; k < SIM_CLASS_NR; k++)
		txt_side_by_side(fp, sim_class_name((enum sim_class)k), &mres->lat_class[k],
				 &p->sim.lat_class[k], NULL, false);
	if (p->all_ok)
		fprintf(fp, "demerit (every request): %.1f %% of the measured mean (Ruemmler-Wilkes: RMS horizontal "
			    "distance between the latency CDFs)\n", p->all.pct);
}

static void js_lat3(FILE *fp, const struct sim_lat *l)
{
	fprintf(fp, "{\"count\":%llu,\"mean_us\":%.3f,\"p50_us\":%.3f,\"p99_us\":%.3f}", (unsigned long long)l->count,
		l->mean_ns / 1e3, l->p50_ns / 1e3, l->p99_ns / 1e3);
}

static void js_escaped(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			fputc(*s, fp);
	fputc('"', fp);
}

/* "name":{"measured":..,"predicted":..} (with_demerit: then "demerit_pct", null without d)
 * unless neither side counted anything; returns the new `first` (no comma before the next). */
static int js_side_by_side(FILE *fp, int first, const char *name, const struct sim_lat *meas,
			   const struct sim_lat *pred, const struct demerit *d, bool with_demerit)
{
	if (!meas->count && !pred->count)
		return first;
	fprintf(fp, "%s\"%s\":{\"measured\":", first ? "" : ",", name);
	js_lat3(fp, meas);
	fputs(",\"predicted\":", fp);
	js_lat3(fp, pred);
	if (with_demerit && d)
		fprintf(fp, ",\"demerit_pct\":%.4f", d->pct);
	else if (with_demerit)
		fputs(",\"demerit_pct\":null", fp);
	fputc('}', fp);
	return 0;
}

void replay_print_prediction_json(FILE *fp, const struct sim_result *mres, const struct replay_prediction *p)
{
	fputs(",\"prediction\":{\"cache_model\":", fp);
	js_escaped(fp, p->cache_model);
	fputs(",\"target_model\":", fp);
	js_escaped(fp, p->target_model);
	fprintf(fp, ",\"calibrated\":%s,", p->calibrated ? "true" : "false");
	if (p->calibrated)
		fprintf(fp, "\"calibration\":{\"cache_model\":\"%s\",\"target_model\":\"%s\",\"max_bs\":%u,\"seconds\":%g,"
			    "\"cache_reads_only\":%s,\"target_reads_only\":%s,\"shared_disk\":%s},", p->calib_model[0], p->calib_model[1],
			p->max_bs, p->calib_seconds, p->cache_reads_only ? "true" : "false", p->target_reads_only ? "true" : "false",
			p->shared_disk ? "true" : "false");
	fputs("\"demerit_pct\":", fp);
	if (p->all_ok)
		fprintf(fp, "%.4f", p->all.pct);
	else
		fputs("null", fp);
	fputs(",\"ops\":{", fp);
	for (int o = 0, first = 1; o < SIM_OP_NR; o++)
		first = js_side_by_side(fp, first, sim_op_name((enum sim_op)o), &mres->lat_op[o],
					&p->sim.lat_op[o], p->op_ok[o] ? &p->op[o] : NULL, true);
	fputs("},\"classes\":{", fp);
	for (int k = 0, first = 1; k < SIM_CLASS_NR; k++)
		first = js_side_by_side(fp, first, sim_class_name((enum sim_class)k), &mres->lat_class[k],
					&p->sim.lat_class[k], NULL, false);
	fputs("}}", fp);
}

/* The next prediction row of out (scope, name, the two sides), or NULL when neither side
 * counted anything (no row). */
static struct sim_pred_row *add_row(struct sim_replay_record *out, const char *scope,
				    const char *name, const struct sim_lat *meas,
				    const struct sim_lat *pred)
{
	struct sim_pred_row *w;

	if (!meas->count && !pred->count)
		return NULL;
	w = &out->pred[out->nr_pred++];
	w->scope = scope;
	w->name = name;
	w->measured = *meas;
	w->predicted = *pred;
	return w;
}

void replay_fill_record(const struct replay_result *rr, const struct sim_result *mres,
			const struct replay_prediction *p, struct sim_replay_record *out)
{
	memset(out, 0, sizeof(*out));
	out->lag = rr->lag;
	out->late_requests = rr->late_requests;
	out->realtime = rr->realtime;
	if (!p)
		return;
	/* the same rows as replay_print_prediction */
	for (int o = 0; o < SIM_OP_NR; o++) {
		struct sim_pred_row *w = add_row(out, "op", sim_op_name((enum sim_op)o),
						 &mres->lat_op[o], &p->sim.lat_op[o]);
		if (!w)
			continue;
		w->demerit_pct = p->op_ok[o] ? p->op[o].pct : NAN;
		if ((w->has_cdf = p->q_ok[o])) {
			memcpy(w->measured_q, p->mq[o], sizeof(w->measured_q));
			memcpy(w->predicted_q, p->pq[o], sizeof(w->predicted_q));
		}
	}
	for (int k = 0; k < SIM_CLASS_NR; k++) {
		struct sim_pred_row *w = add_row(out, "class", sim_class_name((enum sim_class)k),
						 &mres->lat_class[k], &p->sim.lat_class[k]);
		if (w)
			w->demerit_pct = NAN; /* pieces: no samples per class, no demerit */
	}
	struct sim_pred_row *w = &out->pred[out->nr_pred++];
	w->scope = "all";
	w->name = "all";
	/* every request: the counts and the mean from the per-op rows, no percentiles */
	struct sim_lat ma = {0}, pa = {0};
	for (int o = 0; o < SIM_OP_NR; o++) {
		ma.count += mres->lat_op[o].count;
		ma.mean_ns += mres->lat_op[o].mean_ns * (double)mres->lat_op[o].count;
		pa.count += p->sim.lat_op[o].count;
		pa.mean_ns += p->sim.lat_op[o].mean_ns * (double)p->sim.lat_op[o].count;
	}
	ma.mean_ns = ma.count ? ma.mean_ns / (double)ma.count : 0;
	pa.mean_ns = pa.count ? pa.mean_ns / (double)pa.count : 0;
	ma.p50_ns = ma.p99_ns = pa.p50_ns = pa.p99_ns = NAN;
	w->measured = ma;
	w->predicted = pa;
	w->demerit_pct = p->all_ok ? p->all.pct : NAN;
	if ((w->has_cdf = p->q_ok[SIM_OP_NR])) {
		memcpy(w->measured_q, p->mq[SIM_OP_NR], sizeof(w->measured_q));
		memcpy(w->predicted_q, p->pq[SIM_OP_NR], sizeof(w->predicted_q));
		/* p50 and p99 of every request: the stored quantiles 50 and 99 */
		w->measured.p50_ns = w->measured_q[49];
		w->measured.p99_ns = w->measured_q[98];
		w->predicted.p50_ns = w->predicted_q[49];
		w->predicted.p99_ns = w->predicted_q[98];
	}
}
