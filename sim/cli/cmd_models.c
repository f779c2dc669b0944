// SPDX-License-Identifier: GPL-2.0
/* cmd_models.c - `ssdcache-sim models`: list device models and presets; probe one model, fio-style. */
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/cli/cli_util.h"
#include "sim/cli/cli_opts.h"
#include "sim/cli/commands.h"
#include "sim/des.h"
#include "sim/dev_solo.h"
#include "sim/device.h"
#include "sim/cli/models_cmds.h"
#include "sim/base/units.h"

/*
 * `models probe` drives one device model alone the way fio drives a disk: a closed loop that keeps
 * --qd commands outstanding until --count have completed, each resubmitted the moment one
 * completes (fio's iodepth with no think time). Device completions and timers run on the same
 * discrete-event queue the simulator uses, so the model sees exactly what it sees in `run`.
 */

enum probe_rw { RW_RANDREAD, RW_RANDWRITE, RW_READ, RW_WRITE };
/* --rw's choices (a row of cli_opts.c), in enum probe_rw's order */
const char *const probe_rw_names[] = {"randread", "randwrite", "read", "write", NULL};
static const char *const *const rw_names = probe_rw_names;

struct probe_cfg {
	const char *spec;
	enum probe_rw rw;
	uint64_t bs, qd, count, seed, span;
	bool json, precondition;
};

struct probe {
	struct dev_solo s; /* first (dev_solo.h): the queue's handlers get the probe */
	const struct probe_cfg *cfg;
	struct dev_io *ios;
	gsl_rng *rng;
	uint64_t nr_blocks, next_blk, issued, done, target;
	bool writing_fill; /* preconditioning pass: sequential writes, not measured */
	uint64_t *lat;     /* measured latencies, ns */
};

const struct cli_cmd cli_cmd_models_probe = {
	"models probe", CLI_PROBE, "drive one device model alone, fio-style", "SPEC [options]",
	"Drive one device model alone, fio-style: a closed loop keeping --qd commands\n"
	"outstanding until --count have completed. SPEC is MODEL[:key=value,...]; without\n"
	"preset= the model's default preset applies.\n\n",
	cli_probe_sections,
	"example: ssdcache-sim models probe hdd:preset=sas15k --rw randread --qd 32 --count 5000\n",
	NULL,
};

static void models_usage(FILE *fp)
{
	fprintf(fp, "usage: ssdcache-sim models [MODEL]\n"
		    "       ssdcache-sim models probe SPEC [--rw ...] [--bs ...] [--qd N] [--count N] [--json]\n"
		    "       ssdcache-sim models replay SPEC TRACE [--json] [--latency-log FILE] [--qd N]\n"
		    "       ssdcache-sim models import disksim FILE.parv [-o FILE]\n"
		    "       ssdcache-sim models calibrate PATH --model fixed|ssd|hdd [...]\n\n"
		    "Without arguments, list every device model with its ordering contract, presets\n"
		    "(with the sources of their numbers), options and counters. With MODEL, only\n"
		    "that model.\n"
		    "A device is given as MODEL[:key=value,...], e.g. hdd:preset=sas15k,sched=fifo.\n"
		    "replay: the model against a trace's measured latencies (demerit figure);\n"
		    "import: an hdd SPEC or preset file from a DiskSim parameter file;\n"
		    "calibrate: fit a model to a real device or file (io_uring, O_DIRECT).\n"
		    "See docs/devices.md for each model's physics.\n");
}

/* ---- the closed loop --------------------------------------------------------------------- */

static uint64_t probe_rand(struct probe *pr, uint64_t n)
{
	if (n <= 0xffffffffu)
		return gsl_rng_uniform_int(pr->rng, (unsigned long)n);
	/* compose two draws for ranges beyond the generator's 32 bits */
	uint64_t hi = gsl_rng_uniform_int(pr->rng, (unsigned long)((n >> 32) + 1));
	uint64_t v = (hi << 32) | gsl_rng_uniform_int(pr->rng, 0xffffffffu);
	return v % n;
}

static void probe_done(void *ctx, void *arg, uint64_t now);

static void probe_issue(struct probe *pr, struct dev_io *io, uint64_t now)
{
	const struct probe_cfg *c = pr->cfg;
	uint64_t blk;
	bool rnd = !pr->writing_fill && (c->rw == RW_RANDREAD || c->rw == RW_RANDWRITE);

	if (rnd) {
		blk = probe_rand(pr, pr->nr_blocks);
	} else {
		blk = pr->next_blk;
		pr->next_blk = (pr->next_blk + 1) % pr->nr_blocks;
	}
	memset(io, 0, sizeof(*io));
	io->op = pr->writing_fill || c->rw == RW_RANDWRITE || c->rw == RW_WRITE ? DEV_WRITE : DEV_READ;
	io->sector = blk * (pr->writing_fill ? 256 : c->bs / 512);
	io->nsect = pr->writing_fill ? 256 : (uint32_t)(c->bs / 512);
	pr->issued++;
	dev_solo_submit(&pr->s, io, now);
}

static void probe_done(void *ctx, void *arg, uint64_t now)
{
	struct probe *pr = ctx;
	struct dev_io *io = arg;

	dev_account_complete(pr->s.d, io, now);
	if (!pr->writing_fill)
		pr->lat[pr->done] = now - io->submit_ns;
	pr->done++;
	if (pr->issued < pr->target && !pr->s.err)
		probe_issue(pr, io, now);
}

/* Run one closed-loop pass of `target` commands; returns 0 or -errno. */
static int probe_pass(struct probe *pr, uint64_t target)
{
	uint64_t qd = pr->cfg->qd < target ? pr->cfg->qd : target;

	pr->issued = pr->done = 0;
	pr->target = target;
	pr->next_blk = 0;
	for (uint64_t i = 0; i < qd && !pr->s.err; i++)
		probe_issue(pr, &pr->ios[i], pr->s.q.now_ns);
	while (!pr->s.err && des_run_next(&pr->s.q))
		;
	if (!pr->s.err && pr->done != target)
		return -EPROTO; /* a command never completed */
	return pr->s.err;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct(const uint64_t *v, uint64_t n, double q)
{
	uint64_t i = (uint64_t)(q * (double)(n - 1) + 0.5);

	return (double)v[i < n ? i : n - 1];
}

void json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(fp, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(fp, "\\u%04x", *s);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

struct snap {
	uint64_t t, busy;
	double area;
	struct dev_stats st;
};

static void take_snap(const struct dev *d, uint64_t t, struct snap *s)
{
	dev_get_stats(d, t, &s->st);
	s->t = t;
	s->busy = s->st.busy_ns;
	s->area = d->first_ns == UINT64_MAX || t <= d->first_ns
			  ? 0
			  : s->st.mean_queue_depth * (double)(t - d->first_ns);
}

static void probe_report(const struct probe *pr, const struct snap *a, const struct snap *b)
{
	const struct probe_cfg *c = pr->cfg;
	uint64_t n = pr->done, *v = pr->lat;
	double secs = (double)(b->t - a->t) / 1e9, sum = 0;
	double iops, mbs, util, mqd;
	struct dev_stats own = b->st; /* the model's counters over the measured pass */
	char sz[32], span[32], line[512];

	dev_counters_sub(&own, &a->st);
	qsort(v, n, sizeof(*v), cmp_u64);
	for (uint64_t i = 0; i < n; i++)
		sum += (double)v[i];
	iops = secs > 0 ? (double)n / secs : 0;
	mbs = iops * (double)c->bs / 1e6;
	util = secs > 0 ? (double)(b->busy - a->busy) / (double)(b->t - a->t) : 0;
	mqd = secs > 0 ? (b->area - a->area) / (double)(b->t - a->t) : 0;
	if (c->json) {
		printf("{\"spec\": ");
		json_str(stdout, pr->s.d->spec);
		printf(", \"model\": \"%s\", \"preset\": ", pr->s.d->ops->name);
		json_str(stdout, pr->s.d->preset);
		printf(", \"size_bytes\": %llu, \"rw\": \"%s\", \"bs\": %llu, \"qd\": %llu, "
		       "\"count\": %llu, \"span_bytes\": %llu, \"seed\": %llu, \"precondition\": %s,\n",
		       (unsigned long long)pr->s.d->size_bytes, rw_names[c->rw], (unsigned long long)c->bs,
		       (unsigned long long)c->qd, (unsigned long long)n, (unsigned long long)c->span,
		       (unsigned long long)c->seed, c->precondition ? "true" : "false");
		printf(" \"iops\": %.3f, \"mb_s\": %.3f, \"lat_mean_us\": %.3f, \"lat_p50_us\": %.3f, "
		       "\"lat_p90_us\": %.3f, \"lat_p99_us\": %.3f, \"lat_p999_us\": %.3f, "
		       "\"lat_min_us\": %.3f, \"lat_max_us\": %.3f,\n",
		       iops, mbs, sum / (double)n / 1e3, pct(v, n, 0.5) / 1e3, pct(v, n, 0.9) / 1e3,
		       pct(v, n, 0.99) / 1e3, pct(v, n, 0.999) / 1e3, (double)v[0] / 1e3,
		       (double)v[n - 1] / 1e3);
		printf(" \"sim_seconds\": %.6f, \"util\": %.4f, \"mean_queue_depth\": %.3f", secs,
		       util, mqd);
		dev_counters_json(stdout, &own, ", ", ": ", false);
		printf("}\n");
		return;
	}
	format_size(pr->s.d->size_bytes, sz, sizeof(sz));
	format_size(c->span, span, sizeof(span));
	printf("probe %s (preset %s, %s)\n", pr->s.d->spec, pr->s.d->preset[0] ? pr->s.d->preset : "none",
	       sz);
	format_size(c->bs, sz, sizeof(sz));
	printf("  workload   %s bs=%s qd=%llu count=%llu span=%s seed=%llu%s\n", rw_names[c->rw], sz,
	       (unsigned long long)c->qd, (unsigned long long)n, span, (unsigned long long)c->seed,
	       c->precondition ? " (preconditioned)" : "");
	printf("  iops       %.1f\n  bandwidth  %.2f MB/s\n", iops, mbs);
	{
		char m[32], p50[32], p90[32], p99[32], p999[32], mx[32];
		format_time_ns(sum / (double)n, m, sizeof(m));
		format_time_ns(pct(v, n, 0.5), p50, sizeof(p50));
		format_time_ns(pct(v, n, 0.9), p90, sizeof(p90));
		format_time_ns(pct(v, n, 0.99), p99, sizeof(p99));
		format_time_ns(pct(v, n, 0.999), p999, sizeof(p999));
		format_time_ns((double)v[n - 1], mx, sizeof(mx));
		printf("  latency    mean %s  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n", m, p50, p90,
		       p99, p999, mx);
	}
	printf("  device     utilisation %.1f %%, mean queue depth %.2f, simulated %.3f s\n",
	       util * 100, mqd, secs);
	/* the model's counters, from its table */
	if (dev_counters_line(&own, 0, line, sizeof(line)))
		printf("  %-10s %s\n", pr->s.d->ops->name, line);
}

static int probe_run(const struct probe_cfg *cfg, char *err, size_t errlen)
{
	struct probe pr;
	struct snap a, b;
	char sub[256];
	int r;

	memset(&pr, 0, sizeof(pr));
	pr.cfg = cfg;
	if (dev_solo_init(&pr.s, probe_done)) {
		snprintf(err, errlen, "out of memory for the event queue");
		return -ENOMEM;
	}
	r = dev_create(cfg->spec, &pr.s.env, &pr.s.d, sub, sizeof(sub));
	if (r) {
		snprintf(err, errlen, "%s", sub);
		des_fini(&pr.s.q);
		return -EINVAL; /* a bad spec is a usage error */
	}
	{
		struct probe_cfg *c = (struct probe_cfg *)cfg;
		if (!c->span || c->span > pr.s.d->size_bytes)
			c->span = pr.s.d->size_bytes;
		if (c->span < c->bs) {
			snprintf(err, errlen, "--span %llu is smaller than --bs %llu",
				 (unsigned long long)c->span, (unsigned long long)c->bs);
			r = -EINVAL;
			goto out;
		}
	}
	pr.ios = calloc(cfg->qd, sizeof(*pr.ios));
	pr.lat = malloc(cfg->count * sizeof(*pr.lat));
	pr.rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!pr.ios || !pr.lat || !pr.rng) {
		snprintf(err, errlen, "out of memory for %llu latencies", (unsigned long long)cfg->count);
		r = -ENOMEM;
		goto out;
	}
	gsl_rng_set(pr.rng, cfg->seed);
	if (cfg->precondition) {
		pr.writing_fill = true;
		pr.nr_blocks = cfg->span / (128 * 1024);
		if (pr.nr_blocks && (r = probe_pass(&pr, pr.nr_blocks))) {
			snprintf(err, errlen, "preconditioning failed: %s", strerror(-r));
			goto out;
		}
		pr.writing_fill = false;
	}
	pr.nr_blocks = cfg->span / cfg->bs;
	take_snap(pr.s.d, pr.s.q.now_ns, &a);
	r = probe_pass(&pr, cfg->count);
	if (r) {
		snprintf(err, errlen, "%s: %s", cfg->spec,
			 r == -EPROTO ? "model broke its contract (a completion before its submission, "
					"or a command that never completed)"
				      : strerror(-r));
		goto out;
	}
	take_snap(pr.s.d, pr.s.q.now_ns, &b);
	probe_report(&pr, &a, &b);
out:
	if (pr.rng)
		gsl_rng_free(pr.rng);
	free(pr.lat);
	free(pr.ios);
	dev_destroy(pr.s.d);
	des_fini(&pr.s.q);
	return r;
}

static int cmd_probe(int argc, char **argv)
{
	struct probe_cfg cfg = {.rw = RW_RANDREAD, .bs = 4096, .qd = 1, .count = 10000, .seed = 1};
	struct cli_parser p;
	char err[512];
	int r;

	cli_parser_init(&p, &cli_cmd_models_probe, argc, argv);
	while ((r = cli_next(&p)) > 0) {
		switch (p.opt->id) {
		case CO_P_RW: cfg.rw = (enum probe_rw)p.val.choice; break;
		case CO_P_BS:
			if (p.val.u % 512)
				return cli_usage_error(p.cmd->name, "--bs %s: expected a multiple of 512",
						       p.arg);
			cfg.bs = p.val.u;
			break;
		case CO_MR_QD: cfg.qd = p.val.u; break;
		case CO_P_COUNT: cfg.count = p.val.u; break;
		case CO_P_SPAN: cfg.span = p.val.u; break;
		case CO_P_SEED: cfg.seed = p.val.u; break;
		case CO_JSON: cfg.json = true; break;
		case CO_P_PRECONDITION: cfg.precondition = true; break;
		default: break;
		}
	}
	if (r < 0)
		return p.status;
	if ((r = cli_operands(&p, 1, "SPEC")))
		return r;
	cfg.spec = argv[optind];
	r = probe_run(&cfg, err, sizeof(err));
	if (r) {
		fprintf(stderr, "ssdcache-sim models probe: %s\n", err);
		return cli_exit_status(r);
	}
	return 0;
}

int cmd_models(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "probe"))
		return cmd_probe(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "replay"))
		return cmd_models_replay(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "import"))
		return cmd_models_import(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "calibrate"))
		return cmd_calibrate(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		models_usage(stdout);
		return 0;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "ssdcache-sim models: unexpected argument '%s'\n", argv[argc > 2 ? 2 : 1]);
		models_usage(stderr);
		return EXIT_USAGE;
	}
	if (argc == 2) {
		const struct dev_ops *o = dev_find(argv[1]);
		if (!o) {
			fprintf(stderr, "ssdcache-sim models: unknown model '%s' (models:", argv[1]);
			for (int i = 0; dev_registry[i]; i++)
				fprintf(stderr, " %s", dev_registry[i]->name);
			fprintf(stderr, ")\n");
			return EXIT_USAGE;
		}
		dev_print_model(o, stdout);
		return 0;
	}
	dev_print_models(stdout);
	return 0;
}
