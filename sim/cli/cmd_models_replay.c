// SPDX-License-Identifier: GPL-2.0
/* cmd_models_replay.c - `ssdcache-sim models replay`: a device model against a trace's measured
 * latencies. The replay itself is sim/models_replay.c; this file is the command line,
 * the per-operation statistics and the reports. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "sim/cli/cli_opts.h"
#include "sim/cli/cli_trace.h"
#include "sim/cli/cli_util.h"
#include "sim/cli/commands.h"
#include "sim/demerit.h"
#include "sim/device.h"
#include "sim/cli/models_cmds.h"
#include "sim/models_replay.h"
#include "sim/base/units.h"

const struct cli_cmd cli_cmd_models_replay = {
	"models replay", CLI_MREPLAY, "a device model alone against a trace's measured latencies",
	"SPEC TRACE [options]",
	"Drive one device model alone (no cache engine) with the requests of TRACE and\n"
	"compare its response times with the ones the trace measured, when it has them\n"
	"(disksim-validate traces; blkparse/blktrace D..C pairs; MSR ResponseTime).\n\n"
	"Issue protocol:\n"
	"  disksim-validate   closed loop at queue depth 1: the next request is issued its\n"
	"                     predecessor's think time after the predecessor completes in\n"
	"                     the model (DiskSim's validation protocol)\n"
	"  timed formats      open loop at the trace's times (blkparse/blktrace at --event D\n"
	"                     unless --event says otherwise: what the device saw)\n"
	"  --qd N             closed loop for any trace (below)\n\n"
	"Prints predicted mean/p50/p90/p99/max per operation, the measured ones beside\n"
	"them, and the demerit (Ruemmler & Wilkes: RMS horizontal distance between the\n"
	"measured and predicted response-time CDFs over 10,000 quantiles) in ms and in %\n"
	"of the measured mean.\n\n",
	cli_read_sections,
	"exit status: 0 ok, 1 bad trace or runtime error, 2 usage (bad SPEC or option)\n\n"
	"example: ssdcache-sim models import disksim hp_c2247a.parv -o hp.hdd\n"
	"         ssdcache-sim models replay hdd:file=hp.hdd hp_c2247a.trace\n",
	NULL,
};

struct opstat {
	size_t n, n_meas;
	double pred[5], meas[5]; /* mean p50 p90 p99 max, ms */
	bool have_demerit;
	struct demerit dm;
};

static void summarise(const double *v, size_t n, double out[5])
{
	out[0] = gsl_stats_mean(v, 1, n);
	out[1] = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.5);
	out[2] = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.9);
	out[3] = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.99);
	out[4] = v[n - 1];
}

/*
 * Sort non-negative doubles (latencies). Their IEEE-754 bit patterns order like the values, so a
 * least-significant-digit radix sort over the 64-bit keys (four 16-bit passes) sorts them in
 * O(n): a million latencies take milliseconds where gsl_sort's heapsort takes most of a
 * second, which would dominate a replay. tmp holds n doubles. Negative values are not expected
 * (latencies); NaN never occurs.
 */
static void sort_latencies(double *v, double *tmp, size_t n)
{
	static size_t count[1 << 16];
	double *src = v, *dst = tmp;

	for (int pass = 0; pass < 4; pass++) {
		unsigned shift = 16u * (unsigned)pass;
		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++) {
			uint64_t k;
			memcpy(&k, &src[i], sizeof(k));
			count[(k >> shift) & 0xffff]++;
		}
		size_t sum = 0;
		for (size_t d = 0; d < (1u << 16); d++) {
			size_t c = count[d];
			count[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t k;
			memcpy(&k, &src[i], sizeof(k));
			dst[count[(k >> shift) & 0xffff]++] = src[i];
		}
		double *t = src;
		src = dst;
		dst = t;
	}
	/* four passes: the result is back in v */
}

/* Statistics of the requests whose op is in mask (1 << DEV_READ | ...). */
static int op_stats(const struct mr_trace *tr, unsigned mask, struct opstat *s)
{
	double *p = malloc((tr->n ? tr->n : 1) * sizeof(*p));
	double *m = malloc((tr->n ? tr->n : 1) * sizeof(*m));
	double *pm = malloc((tr->n ? tr->n : 1) * sizeof(*pm));
	double *tmp = malloc((tr->n ? tr->n : 1) * sizeof(*tmp));
	size_t np = 0, nm = 0;

	memset(s, 0, sizeof(*s));
	if (!p || !m || !pm || !tmp) {
		free(p);
		free(m);
		free(pm);
		free(tmp);
		return -ENOMEM;
	}
	for (size_t i = 0; i < tr->n; i++) {
		const struct mr_req *q = &tr->req[i];
		if (!(mask & (1u << q->op)))
			continue;
		p[np++] = (double)q->pred_ns / 1e6;
		if (q->meas_ns >= 0) {
			m[nm] = (double)q->meas_ns / 1e6;
			pm[nm++] = (double)q->pred_ns / 1e6;
		}
	}
	s->n = np;
	s->n_meas = nm;
	if (np) {
		sort_latencies(p, tmp, np);
		summarise(p, np, s->pred);
	}
	if (nm) {
		/* compared over the requests that have a measurement */
		sort_latencies(m, tmp, nm);
		sort_latencies(pm, tmp, nm);
		s->have_demerit = !demerit_compute_sorted(m, nm, pm, nm, &s->dm);
		summarise(m, nm, s->meas);
	}
	free(p);
	free(m);
	free(pm);
	free(tmp);
	return 0;
}

/* {"mean_ms": ..., ..., "max_ms": ...} of v, or null when there was nothing to summarise */
static void json_summary(FILE *fp, size_t n, const double v[5])
{
	static const char *const k[5] = {"mean_ms", "p50_ms", "p90_ms", "p99_ms", "max_ms"};

	if (!n) {
		fputs("null", fp);
		return;
	}
	fputc('{', fp);
	for (int i = 0; i < 5; i++)
		fprintf(fp, "%s\"%s\": %.6f", i ? ", " : "", k[i], v[i]);
	fputc('}', fp);
}

static void json_stats(FILE *fp, const char *indent, const struct opstat *s)
{
	fprintf(fp, "%s\"requests\": %zu, \"measured_requests\": %zu,\n", indent, s->n, s->n_meas);
	fprintf(fp, "%s\"predicted\": ", indent);
	json_summary(fp, s->n, s->pred);
	fprintf(fp, ",\n%s\"measured\": ", indent);
	json_summary(fp, s->n_meas, s->meas);
	if (s->have_demerit)
		fprintf(fp, ",\n%s\"demerit_ms\": %.6f, \"demerit_pct\": %.4f", indent, s->dm.rms,
			s->dm.pct);
	else
		fprintf(fp, ",\n%s\"demerit_ms\": null, \"demerit_pct\": null", indent);
}


static void text_row(const char *name, const struct opstat *s)
{
	if (!s->n)
		return;
	printf("  %-6s %8zu  predicted  mean %8.3f  p50 %8.3f  p90 %8.3f  p99 %8.3f  max %8.3f ms\n",
	       name, s->n, s->pred[0], s->pred[1], s->pred[2], s->pred[3], s->pred[4]);
	if (s->n_meas)
		printf("  %-6s %8zu  measured   mean %8.3f  p50 %8.3f  p90 %8.3f  p99 %8.3f  max %8.3f ms\n",
		       "", s->n_meas, s->meas[0], s->meas[1], s->meas[2], s->meas[3], s->meas[4]);
	if (s->have_demerit)
		printf("  %-6s %8s  demerit    %.3f ms (%.2f %% of the measured mean)\n", "", "",
		       s->dm.rms, s->dm.pct);
}

static const char *proto_name(enum mr_protocol p, unsigned qd, char *buf, size_t len)
{
	if (p == MR_THINK)
		return "closed loop, queue depth 1, think times";
	if (p == MR_OPEN)
		return "open loop at the trace's times";
	snprintf(buf, len, "closed loop, queue depth %u", qd);
	return buf;
}

static int write_log(const char *path, const struct mr_trace *tr, char *err, size_t errlen)
{
	static const char opc[] = "RWFD";
	FILE *fp = fopen(path, "w");

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	for (size_t i = 0; i < tr->n; i++) {
		const struct mr_req *q = &tr->req[i];
		fprintf(fp, "%zu %c %llu %u ", i + 1, opc[q->op], (unsigned long long)q->sector,
			q->nsect);
		if (q->meas_ns >= 0)
			fprintf(fp, "%.3f", (double)q->meas_ns / 1e3);
		else
			fputc('-', fp);
		fprintf(fp, " %.3f\n", (double)q->pred_ns / 1e3);
	}
	if (ferror(fp) | fclose(fp)) {
		snprintf(err, errlen, "%s: write error", path);
		return -EIO;
	}
	return 0;
}

int cmd_models_replay(int argc, char **argv)
{
	struct read_args ra;
	char err[1024];
	int r;

	if (cli_read_args(&cli_cmd_models_replay, argc, argv, 2, "SPEC and TRACE", &ra, &r))
		return r;
	const char *log = ra.latency_log;
	bool json = ra.json;
	uint64_t qd = ra.qd;
	struct trc_opts to = ra.opts;
	const char *spec = ra.path, *path = ra.out;
	struct mr_trace tr;
	r = mr_load(&tr, path, &to, err, sizeof(err));
	if (r) {
		fprintf(stderr, "ssdcache-sim models replay: %s\n", err);
		return cli_trc_open_status(r);
	}
	enum mr_protocol proto = qd ? MR_QD : tr.think ? MR_THINK : MR_OPEN;
	r = mr_run(&tr, spec, proto, (unsigned)qd, err, sizeof(err));
	if (r) {
		fprintf(stderr, "ssdcache-sim models replay: %s\n", err);
		mr_free(&tr);
		return r == -EINVAL && !strstr(err, "beyond") ? EXIT_USAGE : EXIT_RUNTIME;
	}
	if (log && (r = write_log(log, &tr, err, sizeof(err)))) {
		fprintf(stderr, "ssdcache-sim models replay: %s\n", err);
		mr_free(&tr);
		return EXIT_RUNTIME;
	}
	struct opstat all, rd, wr;
	if (op_stats(&tr, 1u << DEV_READ | 1u << DEV_WRITE, &all) ||
	    op_stats(&tr, 1u << DEV_READ, &rd) || op_stats(&tr, 1u << DEV_WRITE, &wr)) {
		fprintf(stderr, "ssdcache-sim models replay: out of memory\n");
		mr_free(&tr);
		return EXIT_RUNTIME;
	}
	char pb[64];
	if (json) {
		printf("{\"spec\": ");
		json_str(stdout, spec);
		printf(", \"trace\": ");
		json_str(stdout, path);
		printf(", \"format\": \"%s\", \"protocol\": \"%s\", \"qd\": %llu, "
		       "\"sim_ms\": %.6f,\n", tr.format,
		       proto == MR_THINK ? "think" : proto == MR_OPEN ? "open" : "qd",
		       (unsigned long long)(proto == MR_QD ? qd : proto == MR_THINK ? 1 : 0),
		       (double)tr.end_ns / 1e6);
		json_stats(stdout, " ", &all);
		printf(",\n \"ops\": {\n  \"read\": {\n");
		json_stats(stdout, "   ", &rd);
		printf("},\n  \"write\": {\n");
		json_stats(stdout, "   ", &wr);
		printf("}}}\n");
	} else {
		char ev[16] = "";
		if (tr.event)
			snprintf(ev, sizeof(ev), " --event %c", tr.event);
		printf("replay %s on %s (%s%s, %zu requests)\n", spec, path, tr.format, ev, tr.n);
		printf("  protocol %s\n", proto_name(proto, (unsigned)qd, pb, sizeof(pb)));
		text_row("all", &all);
		text_row("read", &rd);
		text_row("write", &wr);
		if (!all.n_meas)
			printf("  the trace carries no measured latencies: no demerit\n");
	}
	mr_free(&tr);
	return 0;
}
