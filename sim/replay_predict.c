// SPDX-License-Identifier: GPL-2.0
/* replay_predict.c - predicted (simulated on calibrated models) against measured (replayed). */
#include "sim/replay_predict.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/calib.h"
#include "sim/units.h"

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

/* A trace without writes calibrates on reads only: the 4.8 s go to the points that matter, and
 * the devices (which the replay did not write) are not written by the calibration either. */
static int calibrate(const char *path, bool force, unsigned flags, uint32_t max_bs, char *spec, size_t len,
		     char *err, size_t errlen)
{
	static struct calib_fit cf; /* 24 points: kept off the stack */
	int r = calib_run(path, "ssd", 0, 4.8, flags, max_bs, force, false, &cf, err, errlen);

	if (!r)
		snprintf(spec, len, "%s", cf.spec);
	return r;
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
	if (cache_model)
		snprintf(p->cache_model, sizeof(p->cache_model), "%s", cache_model);
	else if ((r = calibrate(rc->cache_path, rc->force, cflags, max_bs, p->cache_model, sizeof(p->cache_model), err, errlen)))
		return r;
	if (target_model)
		snprintf(p->target_model, sizeof(p->target_model), "%s", target_model);
	else if ((r = calibrate(rc->target_path, rc->force, tflags, max_bs, p->target_model, sizeof(p->target_model), err, errlen)))
		return r;
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
		p->op_ok[o] = demerit_compute(measured->v[o], measured->n[o], pred.v[o], pred.n[o], &p->op[o]) == 0;
	size_t nm, np;
	double *m = concat(measured, &nm), *q = concat(&pred, &np);
	p->all_ok = m && q && demerit_compute(m, nm, q, np, &p->all) == 0;
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

void replay_print_prediction(FILE *fp, const struct sim_result *mres, const struct replay_prediction *p)
{
	fprintf(fp, "\npredicted (simulated) vs measured (replayed):\n  cache model  %s\n  target model %s\n",
		p->cache_model, p->target_model);
	if (p->calibrated)
		fprintf(fp, "  (calibrated on these devices: models calibrate --model ssd --max-bs %u; reads only: "
			    "cache %s, target %s)\n", p->max_bs, p->cache_reads_only ? "yes" : "no",
			p->target_reads_only ? "yes" : "no");
	fprintf(fp, "  %-14s %8s %10s %10s %10s  | %8s %10s %10s %10s  %8s\n", "", "measured", "mean", "p50", "p99",
		"predicted", "mean", "p50", "p99", "demerit");
	for (int o = 0; o < SIM_OP_NR; o++) {
		if (!mres->lat_op[o].count && !p->sim.lat_op[o].count)
			continue;
		fprintf(fp, "  %-14s %8llu", sim_op_name((enum sim_op)o), (unsigned long long)mres->lat_op[o].count);
		lat3(fp, &mres->lat_op[o]);
		fprintf(fp, "  | %8llu", (unsigned long long)p->sim.lat_op[o].count);
		lat3(fp, &p->sim.lat_op[o]);
		if (p->op_ok[o])
			fprintf(fp, "  %6.1f %%\n", p->op[o].pct);
		else
			fprintf(fp, "  %8s\n", "-");
	}
	for (int k = 0; k < SIM_CLASS_NR; k++) {
		if (!mres->lat_class[k].count && !p->sim.lat_class[k].count)
			continue;
		fprintf(fp, "  %-14s %8llu", sim_class_name((enum sim_class)k), (unsigned long long)mres->lat_class[k].count);
		lat3(fp, &mres->lat_class[k]);
		fprintf(fp, "  | %8llu", (unsigned long long)p->sim.lat_class[k].count);
		lat3(fp, &p->sim.lat_class[k]);
		fputc('\n', fp);
	}
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

void replay_print_prediction_json(FILE *fp, const struct sim_result *mres, const struct replay_prediction *p)
{
	fputs(",\"prediction\":{\"cache_model\":", fp);
	js_escaped(fp, p->cache_model);
	fputs(",\"target_model\":", fp);
	js_escaped(fp, p->target_model);
	fprintf(fp, ",\"calibrated\":%s,", p->calibrated ? "true" : "false");
	if (p->calibrated)
		fprintf(fp, "\"calibration\":{\"max_bs\":%u,\"cache_reads_only\":%s,\"target_reads_only\":%s},",
			p->max_bs, p->cache_reads_only ? "true" : "false", p->target_reads_only ? "true" : "false");
	fputs("\"demerit_pct\":", fp);
	if (p->all_ok)
		fprintf(fp, "%.4f", p->all.pct);
	else
		fputs("null", fp);
	fputs(",\"ops\":{", fp);
	for (int o = 0, first = 1; o < SIM_OP_NR; o++) {
		if (!mres->lat_op[o].count && !p->sim.lat_op[o].count)
			continue;
		fprintf(fp, "%s\"%s\":{\"measured\":", first ? "" : ",", sim_op_name((enum sim_op)o));
		first = 0;
		js_lat3(fp, &mres->lat_op[o]);
		fputs(",\"predicted\":", fp);
		js_lat3(fp, &p->sim.lat_op[o]);
		if (p->op_ok[o])
			fprintf(fp, ",\"demerit_pct\":%.4f}", p->op[o].pct);
		else
			fputs(",\"demerit_pct\":null}", fp);
	}
	fputs("},\"classes\":{", fp);
	for (int k = 0, first = 1; k < SIM_CLASS_NR; k++) {
		if (!mres->lat_class[k].count && !p->sim.lat_class[k].count)
			continue;
		fprintf(fp, "%s\"%s\":{\"measured\":", first ? "" : ",", sim_class_name((enum sim_class)k));
		first = 0;
		js_lat3(fp, &mres->lat_class[k]);
		fputs(",\"predicted\":", fp);
		js_lat3(fp, &p->sim.lat_class[k]);
		fputc('}', fp);
	}
	fputs("}}", fp);
}
