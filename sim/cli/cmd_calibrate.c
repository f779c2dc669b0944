// SPDX-License-Identifier: GPL-2.0
/* cmd_calibrate.c - `models calibrate PATH --model M`: measure a device, fit a model's parameters. */
#include <errno.h>
#include <getopt.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/calib.h"
#include "sim/cli/commands.h"
#include "sim/replay_dev.h"
#include "sim/base/units.h"

/*
 * The device is measured over a grid (random and sequential, read and write, 4 KiB to 1 MiB,
 * qd 1 and 32) with io_uring and O_DIRECT; then a few parameters of the model are fitted by
 * nonlinear least squares (GSL multifit_nlinear, trust region with Levenberg-Marquardt steps,
 * finite-difference Jacobian) so that the model's mean latency in the same closed loop matches
 * the measured one. The residual of a point is log(predicted / measured): relative, and as
 * bad for a model twice too slow as for one twice too fast. Parameters are fitted in log space
 * (they stay positive) and clamped to the model's ranges.
 */

struct fparam {
	const char *key;
	double init, lo, hi; /* ns for times, MB/s for rates */
	bool time;
	bool write_only;     /* moves write latencies only: held at init by a prior under --reads-only */
};

struct fmodel {
	const char *name;
	const char *base; /* fixed options after size= */
	struct fparam p[6];
	unsigned np;
};

static const struct fmodel models[] = {
	{"fixed", "", {{"read", 100e3, 100, 1e9, true, false}, {"write", 100e3, 100, 1e9, true, true}}, 2},
	{"ssd", "buffer=0",
	 {{"t_read", 25e3, 1e3, 1e8, true, false},
	  {"t_prog", 200e3, 1e3, 1e8, true, true},
	  {"overhead", 10e3, 100, 1e8, true, false},
	  {"ctrl", 5e3, 100, 1e8, true, false},
	  {"host_rate", 300, 1, 1e5, false, false}},
	 5},
	{"hdd", "", {{"seek_avg", 8.5e6, 100e3, 1e8, true, false},
	       {"overhead", 100e3, 1e3, 1e8, true, false},
	       {"rate_od", 150, 1, 2000, false, false}}, 3},
};

struct fit {
	const struct fmodel *m;
	char base[128];     /* m->base and, for ssd, the estimated parallelism */
	struct calib_point *pts;
	unsigned n;
	uint64_t size;      /* the region measured */
	uint64_t spec_size; /* the device's size, for the SPEC */
	bool reads_only;    /* one residual more per write-only parameter: log(x / init) */
	char err[512];
};

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void make_spec(const struct fit *f, const gsl_vector *x, char *spec, size_t len)
{
	size_t n = (size_t)snprintf(spec, len, "%s:size=%llu%s%s", f->m->name, (unsigned long long)f->spec_size,
				    f->base[0] ? "," : "", f->base);
	double seek_avg = 0;

	for (unsigned i = 0; i < f->m->np && n < len; i++) {
		const struct fparam *p = &f->m->p[i];
		double v = clampd(exp(gsl_vector_get(x, i)), p->lo, p->hi);
		if (!strcmp(p->key, "seek_avg"))
			seek_avg = v;
		if (p->time)
			n += (size_t)snprintf(spec + n, len - n, ",%s=%.0f", p->key, v);
		else
			n += (size_t)snprintf(spec + n, len - n, ",%s=%.4g", p->key, v);
	}
	if (seek_avg > 0 && n < len) /* keep the seek curve ordered around the fitted average */
		snprintf(spec + n, len - n, ",seek_1=%.0f,seek_full=%.0f,settle=%.0f,write_settle=%.0f,rate_id=%.4g",
			 seek_avg / 4 > 10e3 ? seek_avg / 4 : 10e3, seek_avg * 1.9, seek_avg / 30, seek_avg / 20,
			 clampd(exp(gsl_vector_get(x, 2)), 1, 2000) / 2);
}

static uint64_t sim_ios(const struct calib_point *p)
{
	return p->ios < 200 ? 200 : p->ios > 2000 ? 2000 : p->ios;
}

static int residuals(const gsl_vector *x, void *arg, gsl_vector *r)
{
	struct fit *f = arg;
	char spec[1024];

	make_spec(f, x, spec, sizeof(spec));
	for (unsigned i = 0; i < f->n; i++) {
		double m = calib_model_mean(spec, &f->pts[i], f->size, sim_ios(&f->pts[i]), f->err, sizeof(f->err));
		if (!(m > 0))
			return GSL_EDOM;
		f->pts[i].pred_ns = m;
		gsl_vector_set(r, i, log(m / f->pts[i].mean_ns));
	}
	/* without write points a write-only parameter is not determined (and GSL needs as many
	 * residuals as parameters): a prior holds it at its starting value */
	for (unsigned i = 0, k = f->n; f->reads_only && i < f->m->np; i++)
		if (f->m->p[i].write_only)
			gsl_vector_set(r, k++, gsl_vector_get(x, i) - log(f->m->p[i].init));
	return GSL_SUCCESS;
}

/*
 * The ssd model's parallelism (channels x dies x planes) is an integer, which the fit cannot
 * move, and it is what sets the latency at qd 32 for a given latency at qd 1: with the model's
 * default 20 units a virtio disk (70 us at qd 1, 34 k IOPS at qd 32: ~2.4 requests in service)
 * was fitted either too slow at qd 1 or too fast at qd 32. It is estimated instead by Little's
 * law from the random 4 KiB reads: requests in service at qd 32 = IOPS(qd 32) x latency(qd 1),
 * the service time of one read being its latency alone. Returns 0 when the points are missing.
 */
static unsigned estimate_parallel(const struct calib_point *pts, unsigned n)
{
	const struct calib_point *q1 = NULL, *q32 = NULL;

	for (unsigned i = 0; i < n; i++)
		if (pts[i].random && !pts[i].write && pts[i].bs == 4096)
			*(pts[i].qd == 1 ? &q1 : &q32) = &pts[i];
	if (!q1 || !q32 || !(q1->mean_ns > 0) || !(q32->iops > 0))
		return 0;
	double p = round(q32->iops * q1->mean_ns / 1e9);
	return p < 1 ? 1 : p > 64 ? 64 : (unsigned)p;
}

/*
 * The fixed model's spread and queue: a real (virtual) disk's service time is a distribution
 * (the demerit compares whole latency CDFs, and a constant scores the sample's own standard
 * deviation / mean). read_sigma and write_sigma are the measured log-space standard deviations
 * of the random 4 KiB latencies at qd 1 (one I/O in service: its latency is its service time),
 * servers the requests in service by Little's law as for the ssd model; the fit then moves the
 * means with the spread and the queue in place.
 */
static void fixed_spread(const struct calib_point *pts, unsigned n, struct calib_fit *cf, char *base,
			 size_t len)
{
	double sd[2] = {0, 0};

	for (unsigned i = 0; i < n; i++)
		if (pts[i].random && pts[i].bs == 4096 && pts[i].qd == 1)
			sd[pts[i].write] = pts[i].log_sd;
	size_t k = (size_t)snprintf(base, len, "read_sigma=%.3f,write_sigma=%.3f", sd[0] < 5 ? sd[0] : 5,
				    sd[1] < 5 ? sd[1] : 5);
	if ((cf->parallel = estimate_parallel(pts, n)) && k < len)
		snprintf(base + k, len - k, ",servers=%u", cf->parallel);
}

int calib_run(const char *path, const char *model, uint64_t size, double seconds, unsigned flags,
	      uint32_t max_bs, bool force, bool progress, struct calib_fit *cf, char *err, size_t errlen)
{
	const struct fmodel *m = NULL;
	struct calib_point *pts = cf->pts;
	unsigned n = 0;
	int r;

	memset(cf, 0, sizeof(*cf));
	for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
		if (!strcmp(model, models[i].name))
			m = &models[i];
	if (!m) {
		snprintf(err, errlen, "unknown model '%s' (fixed, ssd, hdd)", model);
		return -EINVAL;
	}
	struct rdev dev;
	struct rdev_opts ro = {.path = path, .role = "calibration", .create_size = access(path, F_OK) ? (size ? size : 1ull << 30) : 0,
			       .direct = true, .force = force, .prefill = true, .progress = progress};
	bool reads_only = flags & CALIB_READS_ONLY;
	if ((r = rdev_open(&dev, &ro, err, errlen))) {
		rdev_close(&dev);
		return r;
	}
	uint64_t full = dev.size;
	if (!size || size > dev.size)
		size = dev.size;
	size &= ~((1ull << 20) - 1);
	static const uint32_t bss[] = {4096, 65536, 1u << 20};
	static const unsigned qds[] = {1, 32};
	for (int rnd = 1; rnd >= 0; rnd--)
		for (int w = 0; w < (reads_only ? 1 : 2); w++)
			for (int b = 0; b < 3; b++)
				for (int q = 0; q < 2 && (!b || !max_bs || bss[b] <= max_bs); q++)
					pts[n++] = (struct calib_point){.write = w, .random = rnd, .bs = bss[b], .qd = qds[q]};
	r = calib_measure(dev.fd, size, pts, n, seconds / n, flags & CALIB_REALTIME, err, errlen);
	rdev_close(&dev);
	if (r) {
		char sub[512];
		snprintf(sub, sizeof(sub), "%s", err);
		snprintf(err, errlen, "%s: %s", path, sub);
		return r;
	}
	/* start: the model's defaults, and for the fixed model the qd-1 4 KiB means */
	struct fit f = {.m = m, .pts = pts, .n = n, .size = size, .spec_size = full, .reads_only = reads_only};
	size_t nres = n;
	for (unsigned i = 0; reads_only && i < m->np; i++)
		nres += m->p[i].write_only;
	if (nres < m->np) {
		snprintf(err, errlen, "%u grid points cannot determine the %u parameters of model %s", n, m->np, m->name);
		return -EINVAL;
	}
	snprintf(f.base, sizeof(f.base), "%s", m->base);
	if (!strcmp(m->name, "ssd") && (cf->parallel = estimate_parallel(pts, n)))
		snprintf(f.base, sizeof(f.base), "%s,channels=%u,dies=1,planes=1", m->base, cf->parallel);
	if (!strcmp(m->name, "fixed"))
		fixed_spread(pts, n, cf, f.base, sizeof(f.base));
	gsl_vector *x = gsl_vector_alloc(m->np);
	for (unsigned i = 0; i < m->np; i++)
		gsl_vector_set(x, i, log(m->p[i].init));
	if (!strcmp(m->name, "fixed")) {
		gsl_vector_set(x, 0, log(pts[0].mean_ns)); /* randread 4K qd 1 */
		for (unsigned i = 0; i < n; i++)
			if (pts[i].write && pts[i].random && pts[i].bs == 4096 && pts[i].qd == 1)
				gsl_vector_set(x, 1, log(pts[i].mean_ns)); /* randwrite 4K qd 1 */
	}
	gsl_multifit_nlinear_parameters fp = gsl_multifit_nlinear_default_parameters();
	fp.h_df = 0.02; /* model means move in steps: a finite difference of 2 % sees them */
	gsl_multifit_nlinear_fdf fdf = {.f = residuals, .df = NULL, .fvv = NULL, .n = nres, .p = m->np, .params = &f};
	gsl_multifit_nlinear_workspace *ws = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, nres, m->np);
	int info = 0, st;
	gsl_multifit_nlinear_init(x, &fdf, ws);
	st = gsl_multifit_nlinear_driver(40, 1e-4, 1e-6, 1e-6, NULL, NULL, &info, ws);
	size_t iters = gsl_multifit_nlinear_niter(ws);
	gsl_vector_memcpy(x, ws->x);
	make_spec(&f, x, cf->spec, sizeof(cf->spec));
	int fr = residuals(x, &f, ws->f); /* the predictions of the final parameters */
	double rms = 0;
	for (unsigned i = 0; i < n; i++) {
		double e = pts[i].pred_ns / pts[i].mean_ns - 1;
		rms += e * e;
	}
	rms = sqrt(rms / n);
	gsl_multifit_nlinear_free(ws);
	gsl_vector_free(x);
	if (fr) {
		snprintf(err, errlen, "the model refused the fitted parameters: %s", f.err);
		return -EINVAL;
	}
	cf->n = n;
	cf->size = size;
	cf->rms = rms;
	cf->iterations = iters;
	snprintf(cf->status, sizeof(cf->status), "%s", gsl_strerror(st));
	return 0;
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim models calibrate PATH --model fixed|ssd|hdd [--size S] [--seconds N]\n"
		"                                     [--reads-only] [--max-bs S] [--realtime] [--force] [--json]\n"
		"\n"
		"Measure PATH (a file, created and filled if it does not exist, or a block device) with\n"
		"io_uring and O_DIRECT over a grid: random and sequential, read and write, 4 KiB, 64 KiB\n"
		"and 1 MiB, qd 1 and 32; then fit the model's parameters by nonlinear least squares (GSL\n"
		"multifit_nlinear) and print a device SPEC that run, sweep and replay accept, with the\n"
		"residual per grid point. PATH IS WRITTEN: it is probed first as replay does (libblkid\n"
		"signatures refused without --force, a device in use always).\n"
		"\n"
		"  --model M      fixed (read, write), ssd (t_read, t_prog, overhead, ctrl, host_rate)\n"
		"                 or hdd (seek_avg, overhead, rate_od; the seek curve follows seek_avg);\n"
		"                 ssd's parallelism (channels, dies=1) and fixed's servers are set by\n"
		"                 Little's law: IOPS of random 4 KiB reads at qd 32 x their latency at\n"
		"                 qd 1; fixed's read_sigma/write_sigma (lognormal service times) are\n"
		"                 the measured std-dev of ln(latency) of random 4 KiB I/O at qd 1\n"
		"  --reads-only   the 12 read points only: an existing PATH is read, never written\n"
		"                 (the write parameters keep their starting values)\n"
		"  --max-bs S     leave out the points of blocks larger than S (4 KiB always stays):\n"
		"                 a replay's device I/Os are at most the cache block size\n"
		"  --realtime     measure SCHED_FIFO (as replay --realtime; needs root or CAP_SYS_NICE)\n"
		"  --size S       the region measured, and the size of a created file [1G]\n"
		"  --seconds N    measuring time, spread over the points [24]\n"
		"  --force        overwrite a signature or a block device\n"
		"  --json         one JSON document\n"
		"\n"
		"exit status: 0 ok, 1 I/O or fit error, 2 bad arguments or a refused PATH\n"
		"example:\n"
		"  ssdcache-sim models calibrate /var/tmp/cal.img --model ssd --seconds 12\n");
}

static const char *rw_name(const struct calib_point *p)
{
	return p->random ? (p->write ? "randwrite" : "randread") : (p->write ? "write" : "read");
}

int cmd_calibrate(int argc, char **argv)
{
	static const struct option opts[] = {
		{"model", required_argument, NULL, 'm'}, {"size", required_argument, NULL, 's'},
		{"seconds", required_argument, NULL, 't'}, {"force", no_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
		{"reads-only", no_argument, NULL, 'r'},  {"max-bs", required_argument, NULL, 'b'},
		{"realtime", no_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	const struct fmodel *m = NULL;
	uint64_t want = 1ull << 30;
	double seconds = 24;
	bool force = false, json = false, size_given = false;
	unsigned flags = 0;
	uint64_t max_bs = 0;
	char err[1024];
	int opt, r;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
				if (!strcmp(optarg, models[i].name))
					m = &models[i];
			if (!m) {
				fprintf(stderr, "ssdcache-sim models calibrate: --model %s: expected fixed, ssd or hdd\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 's':
			if (parse_size(optarg, &want) || want < (4u << 20)) {
				fprintf(stderr, "ssdcache-sim models calibrate: --size %s: expected at least 4M\n", optarg);
				return EXIT_USAGE;
			}
			size_given = true;
			break;
		case 't': {
			char *end;
			seconds = strtod(optarg, &end);
			if (end == optarg || *end || !(seconds > 0) || seconds > 1e6) {
				fprintf(stderr, "ssdcache-sim models calibrate: --seconds %s: expected a number above 0\n", optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'f':
			force = true;
			break;
		case 'j':
			json = true;
			break;
		case 'r':
			flags |= CALIB_READS_ONLY;
			break;
		case 'R':
			flags |= CALIB_REALTIME;
			break;
		case 'b':
			if (parse_size(optarg, &max_bs) || max_bs < 4096 || max_bs > (1u << 30)) {
				fprintf(stderr, "ssdcache-sim models calibrate: --max-bs %s: expected a size of at least 4K\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "ssdcache-sim models calibrate: unknown option or missing value: '%s'\n"
					"(ssdcache-sim models calibrate --help for usage)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || !m) {
		fprintf(stderr, "ssdcache-sim models calibrate: needs one PATH and --model\n"
				"(ssdcache-sim models calibrate --help for usage)\n");
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	static struct calib_fit cf;
	if ((r = calib_run(path, m->name, size_given ? want : 0, seconds, flags, max_bs, force, isatty(2) && !json, &cf, err,
			   sizeof(err)))) {
		fprintf(stderr, "ssdcache-sim: %s\n", err);
		return r == -EEXIST || r == -EBUSY || r == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	}
	struct calib_point *pts = cf.pts;
	unsigned n = cf.n;
	const char *spec = cf.spec;
	size_t iters = cf.iterations;
	double rms = cf.rms;
	uint64_t size = cf.size;
	const char *st = cf.status;
	if (json) {
		printf("{\"path\":\"%s\",\"model\":\"%s\",\"size\":%llu,\"iterations\":%zu,\"status\":\"%s\","
		       "\"rms_relative_error\":%.4f,\"parallel\":%u,\"spec\":\"%s\",\"points\":[",
		       path, m->name, (unsigned long long)size, iters, st, rms, cf.parallel, spec);
		for (unsigned i = 0; i < n; i++)
			printf("%s{\"rw\":\"%s\",\"bs\":%u,\"qd\":%u,\"ios\":%llu,\"iops\":%.0f,\"measured_mean_us\":%.3f,"
			       "\"predicted_mean_us\":%.3f,\"residual\":%.4f}",
			       i ? "," : "", rw_name(&pts[i]), pts[i].bs, pts[i].qd, (unsigned long long)pts[i].ios,
			       pts[i].iops, pts[i].mean_ns / 1e3, pts[i].pred_ns / 1e3, pts[i].pred_ns / pts[i].mean_ns - 1);
		printf("]}\n");
	} else {
		char sz[24];
		format_size(size, sz, sizeof(sz));
		printf("calibrate %s (%s measured, O_DIRECT, io_uring), model %s: %u points, %.1f s\n", path, sz,
		       m->name, n, seconds);
		printf("  %-10s %6s %4s %10s %12s %12s %9s\n", "rw", "bs", "qd", "IOPS", "measured", "predicted",
		       "residual");
		for (unsigned i = 0; i < n; i++) {
			char a[24], b[24], bs[24];
			format_time_ns(pts[i].mean_ns, a, sizeof(a));
			format_time_ns(pts[i].pred_ns, b, sizeof(b));
			format_size(pts[i].bs, bs, sizeof(bs));
			printf("  %-10s %6s %4u %10.0f %12s %12s %8.1f %%\n", rw_name(&pts[i]), bs, pts[i].qd,
			       pts[i].iops, a, b, 100 * (pts[i].pred_ns / pts[i].mean_ns - 1));
		}
		printf("fit: %zu iterations (%s), RMS relative error %.1f %%\n", iters, st, 100 * rms);
		if (cf.parallel)
			printf("parallelism: %u requests in service (IOPS at qd 32 x latency at qd 1, random 4 KiB "
			       "reads): %s=%u\n", cf.parallel, strcmp(m->name, "fixed") ? "channels" : "servers",
			       cf.parallel);
		printf("spec: %s\n", spec);
	}
	return 0;
}
