// SPDX-License-Identifier: GPL-2.0
/* cmd_trace.c - ssdcache-sim trace gen|stats|convert|dump|mrc: the trace tools on the command line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli_engine.h"
#include "sim/cli/cli_trace.h"
#include "sim/cli/cli_util.h"
#include "sim/cli/commands.h"
#include "sim/base/units.h"
#include "traces/gen.h"
#include "traces/reader.h"
#include "traces/btt.h"
#include "traces/stats.h"

/* ---- dump ---- */

const struct cli_cmd cli_cmd_trace_dump = {
	"trace dump", CLI_DUMP, "one line per request, as the simulator sees them",
	"FILE [options]",
	"One line per request, in the order the simulator sees them:\n"
	"  <time_ns> <maj>,<min> <RWBS> <sector> <nsect>\n"
	"RWBS as blkparse prints it for that event; sector and nsect are 0 for a request\n"
	"without a range (an empty flush).\n\n",
	cli_read_sections, NULL, NULL,
};

static int cmd_dump(int argc, char **argv)
{
	struct read_args ra;
	int status;

	if (cli_read_args(&cli_cmd_trace_dump, argc, argv, 1, "FILE", &ra, &status))
		return status;
	bool lng = ra.lng, count = ra.count;

	struct trc *t;
	int rc = cli_open_reader("dump", &ra, &t);
	if (rc)
		return rc;
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	struct trc_rec r;
	enum trc_status st;
	while ((st = trc_next(t, &r)) == TRC_OK) {
		if (count)
			continue;
		if (lng)
			printf("%llu %u,%u %s %llu %u %u %lld [%s]\n", (unsigned long long)r.time_ns,
			       TRC_MAJOR(r.dev), TRC_MINOR(r.dev), r.rwbs, (unsigned long long)r.sector,
			       r.nsect, r.pid, (long long)r.latency_ns, r.comm);
		else
			printf("%llu %u,%u %s %llu %u\n", (unsigned long long)r.time_ns, TRC_MAJOR(r.dev),
			       TRC_MINOR(r.dev), r.rwbs, (unsigned long long)r.sector, r.nsect);
	}
	if (count)
		printf("%llu\n", (unsigned long long)trc_counts(t)->records);
	fflush(stdout);
	rc = cli_finish_reader("dump", t, st);
	trc_close(t);
	if (ferror(stdout)) {
		fprintf(stderr, "ssdcache-sim trace dump: write error on standard output\n");
		return EXIT_RUNTIME;
	}
	return rc;
}

/* ---- convert ---- */

const struct cli_cmd cli_cmd_trace_convert = {
	"trace convert", CLI_CONVERT, "write any trace as .sct, the compact binary format",
	"IN OUT.sct [options]",
	"Write the requests of IN as an .sct trace: fixed 64-byte records after a header that\n"
	"holds the version, the record count and the source's format, name, size and\n"
	"fingerprint (a hash of its bytes). The reader's choices (event, device) are kept;\n"
	"reading an .sct is many times faster than parsing text.\n\n",
	cli_read_sections, NULL, NULL,
};

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int cmd_convert(int argc, char **argv)
{
	struct read_args ra;
	int status;

	if (cli_read_args(&cli_cmd_trace_convert, argc, argv, 2, "IN and OUT.sct", &ra, &status))
		return status;
	const char *out = ra.out;
	ra.opts.fingerprint = true;

	struct trc *t;
	int rc = cli_open_reader("convert", &ra, &t);
	if (rc)
		return rc;
	struct trc_sct_source src = {0};
	const struct trc_sct_source *in_sct = trc_sct_info(t, NULL);
	if (in_sct) {
		src = *in_sct; /* an .sct copied keeps its original source */
	} else {
		snprintf(src.format, sizeof(src.format), "%s", trc_format_name(t));
		snprintf(src.name, sizeof(src.name), "%s", base_name(ra.path));
		src.event = trc_event(t);
		uint32_t dev = 0;
		trc_device(t, &dev);
		src.device = dev;
	}
	char err[512];
	struct trc_sct_writer *w;
	rc = trc_sct_create(&w, out, &src, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "ssdcache-sim trace convert: %s\n", err);
		trc_close(t);
		return EXIT_RUNTIME;
	}
	struct trc_rec r;
	enum trc_status st;
	while ((st = trc_next(t, &r)) == TRC_OK) {
		if ((rc = trc_sct_write(w, &r))) {
			fprintf(stderr, "ssdcache-sim trace convert: %s: %s\n", out, strerror(-rc));
			trc_sct_abort(w);
			trc_close(t);
			return EXIT_RUNTIME;
		}
	}
	rc = cli_finish_reader("convert", t, st);
	if (rc) {
		trc_sct_abort(w);
		trc_close(t);
		return rc;
	}
	if (!in_sct) {
		src.size = trc_size_bytes(t);
		src.fingerprint = trc_fingerprint(t);
	}
	trc_sct_set_source(w, &src);
	uint64_t n = trc_counts(t)->records;
	trc_close(t);
	if (trc_sct_finish(w, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim trace convert: %s\n", err);
		return EXIT_RUNTIME;
	}
	fprintf(stderr, "wrote %llu records to %s (source %s %s, %llu bytes, fingerprint %016llx)\n",
		(unsigned long long)n, out, src.format, src.name, (unsigned long long)src.size,
		(unsigned long long)src.fingerprint);
	return 0;
}

/* ---- stats, gen: below ---- */
static int cmd_stats(int argc, char **argv);
static int cmd_gen(int argc, char **argv);

/* ---- the dispatcher ---- */

static void trace_help(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim trace COMMAND [ARGS]   (ssdcache-sim trace COMMAND --help)\n\n"
		"  gen      write a synthetic workload (GSL random numbers) as blkparse text or .sct\n"
		"  stats    requests, mix, sizes, footprint, sequentiality, reuse, inter-arrival\n"
		"  convert  write any trace as .sct, the compact binary format\n"
		"  dump     one line per request, as the simulator sees them\n"
		"  mrc      miss-ratio curves of fully associative LRU, FIFO and OPT caches\n\n"
		"Formats (detected from the content, or --format):\n%s"
		"--csv MAP reads any other CSV (e.g. --csv time=1:us,op=2,offset=3,size=4,device=5).\n"
		"--time-unit ns|us|ms|s|filetime reads the timestamps of the CSV formats in that\n"
		"unit; a trace whose rate no block device has gets a warning naming a better unit.\n",
		trc_formats_help(2));
}

int cmd_trace(int argc, char **argv)
{
	if (argc < 2) {
		trace_help(stderr);
		return EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h") || !strcmp(sub, "help")) {
		trace_help(stdout);
		return 0;
	}
	if (!strcmp(sub, "dump"))
		return cmd_dump(argc - 1, argv + 1);
	if (!strcmp(sub, "convert"))
		return cmd_convert(argc - 1, argv + 1);
	if (!strcmp(sub, "stats"))
		return cmd_stats(argc - 1, argv + 1);
	if (!strcmp(sub, "gen"))
		return cmd_gen(argc - 1, argv + 1);
	if (!strcmp(sub, "mrc"))
		return cmd_trace_mrc(argc - 1, argv + 1);
	fprintf(stderr, "ssdcache-sim trace: unknown command '%s'\n", sub);
	trace_help(stderr);
	return EXIT_USAGE;
}

/* ---- stats ---- */

const struct cli_cmd cli_cmd_trace_stats = {
	"trace stats", CLI_STATS, "requests, mix, sizes, footprint, sequentiality, reuse, inter-arrival",
	"FILE [options]",
	"Requests and read/write mix, bytes, request-size histogram, time span and IOPS,\n"
	"inter-arrival distribution, sequentiality, footprint in unique blocks of --blocksize\n"
	"(default 4K), LRU stack (reuse) distances and the LRU hit ratio at cache sizes from\n"
	"1 MiB up, and the measured latency when the trace has one (--event D, MSR).\n"
	"On blkparse and blktrace captures, what btt reports: the time between the events of\n"
	"each request (Q2G, G2I, Q2M, I2D, M2D, D2C, Q2C) per operation with mean, p50, p99\n"
	"and max, merges (M, F) and splits (X), and the device queue depth at each D (D issued\n"
	"minus C completed); and the I/O per process (requests, bytes, read share).\n"
	"Percentiles are exact (nearest rank: pNN is the value of rank ceil(NN % of n)), so\n"
	"they agree with the histograms; n/a means there was nothing to measure (0 of 0).\n"
	"Memory: 8 bytes per request for the exact inter-arrival and latency percentiles, and\n"
	"up to --max-blocks distinct blocks tracked exactly for the footprint and the stack\n"
	"distances (default 4M blocks, about 56 bytes each); beyond that blocks are sampled by\n"
	"hash (SHARDS), distances become estimates and the report gives the rate.\n\n",
	cli_read_sections, NULL, NULL,
};

static int cmd_stats(int argc, char **argv)
{
	struct read_args ra;
	struct trc_stats_opts so = {0};
	int status;

	if (cli_read_args(&cli_cmd_trace_stats, argc, argv, 1, "FILE", &ra, &status))
		return status;
	bool json = ra.json;
	so.block_bytes = ra.block_bytes;
	so.max_blocks = ra.max_blocks;

	struct trc_stats *st;
	if (trc_stats_new(&st, &so)) {
		fprintf(stderr, "ssdcache-sim trace stats: out of memory\n");
		return EXIT_RUNTIME;
	}
	/* blkparse and blktrace hand every Q, G, I, M, F, D, C, R event to the btt breakdown */
	ra.opts.on_event = trc_btt_event;
	ra.opts.event_ctx = trc_stats_btt(st);
	struct trc *t;
	int rc = cli_open_reader("stats", &ra, &t);
	if (rc) {
		trc_stats_free(st);
		return rc;
	}
	struct trc_rec r;
	enum trc_status s;
	while ((s = trc_next(t, &r)) == TRC_OK)
		trc_stats_add(st, &r);
	rc = cli_finish_reader("stats", t, s);
	if (!rc) {
		uint32_t dev;
		bool has = trc_device(t, &dev);
		uint64_t count;
		const struct trc_sct_source *src = trc_sct_info(t, &count);
		if (src && !json)
			printf("source       %s %s, %llu bytes, fingerprint %016llx\n", src->format,
			       src->name, (unsigned long long)src->size,
			       (unsigned long long)src->fingerprint);
		trc_stats_print(st, stdout, json, ra.path, trc_format_name(t), trc_event(t),
				has ? &dev : NULL, trc_counts(t));
	}
	trc_stats_free(st);
	trc_close(t);
	return rc;
}

/* ---- gen ---- */

static const struct cli_section_doc gen_sections[] = {
	{"", CLI_S_GEN},
	{NULL, 0},
};

const struct cli_cmd cli_cmd_trace_gen = {
	"trace gen", CLI_GEN, "write a synthetic workload (GSL random numbers) as blkparse text or .sct",
	"[OPTIONS] [-o FILE]",
	"Write a synthetic workload (GSL mt19937; the same options and seed give the same trace)\n"
	"as blkparse text (Q, D and C lines, readable by any blkparse-text consumer) or .sct.\n\n",
	gen_sections, NULL, NULL,
};

static int parse_double(const char *s, double *v)
{
	char *end;
	if (!s || !*s)
		return -EINVAL;
	*v = strtod(s, &end);
	return *end ? -EINVAL : 0;
}

/* "zipf:0.9", "seq:64", "hotcold:90,10", "uniform" */
static int parse_one_pattern(const char *s, struct trc_gen_pattern *p)
{
	char buf[128];
	double a, b;

	snprintf(buf, sizeof(buf), "%s", s);
	memset(p, 0, sizeof(*p));
	p->weight = 1;
	char *at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		if (parse_double(at + 1, &p->weight) || !(p->weight > 0))
			return -EINVAL;
	}
	char *arg = strchr(buf, ':');
	if (arg)
		*arg++ = '\0';
	if (!strcmp(buf, "uniform") && !arg) {
		p->kind = TRC_GEN_UNIFORM;
	} else if (!strcmp(buf, "zipf") && arg) {
		p->kind = TRC_GEN_ZIPF;
		if (parse_double(arg, &p->theta))
			return -EINVAL;
	} else if (!strcmp(buf, "seq") && arg) {
		p->kind = TRC_GEN_SEQ;
		if (parse_double(arg, &p->run_mean))
			return -EINVAL;
	} else if (!strcmp(buf, "hotcold") && arg) {
		char *comma = strchr(arg, ',');
		if (!comma)
			return -EINVAL;
		*comma = '\0';
		if (parse_double(arg, &a) || parse_double(comma + 1, &b))
			return -EINVAL;
		p->kind = TRC_GEN_HOTCOLD;
		p->hot_access = a / 100;
		p->hot_space = b / 100;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int parse_patterns(const char *s, struct trc_gen_spec *sp)
{
	char buf[512];
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", s);
	sp->npat = 0;
	for (char *tok = strtok_r(buf, "+", &save); tok; tok = strtok_r(NULL, "+", &save)) {
		if (sp->npat == TRC_GEN_MAX_PATTERNS || parse_one_pattern(tok, &sp->pat[sp->npat]))
			return -EINVAL;
		sp->npat++;
	}
	return sp->npat ? 0 : -EINVAL;
}

static int parse_sizes(const char *s, struct trc_gen_size *z)
{
	char buf[512];
	char *save = NULL;

	memset(z, 0, sizeof(*z));
	z->max_bytes = 1u << 20;
	if (!strncmp(s, "lognormal:", 10)) {
		snprintf(buf, sizeof(buf), "%s", s + 10);
		char *comma = strchr(buf, ',');
		uint64_t med;
		if (!comma)
			return -EINVAL;
		*comma = '\0';
		if (parse_size(buf, &med) || parse_double(comma + 1, &z->sigma))
			return -EINVAL;
		z->kind = TRC_GEN_SIZE_LOGNORMAL;
		z->median_bytes = (double)med;
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (z->n == TRC_GEN_MAX_SIZES)
			return -EINVAL;
		char *at = strchr(tok, '@');
		z->weights[z->n] = 1;
		if (at) {
			*at = '\0';
			if (parse_double(at + 1, &z->weights[z->n]))
				return -EINVAL;
		}
		if (parse_size(tok, &z->bytes[z->n]))
			return -EINVAL;
		z->n++;
	}
	if (!z->n)
		return -EINVAL;
	z->kind = z->n == 1 ? TRC_GEN_SIZE_FIXED : TRC_GEN_SIZE_LIST;
	return 0;
}

static int parse_arrival(const char *s, struct trc_gen_arrival *a)
{
	char buf[256];

	memset(a, 0, sizeof(*a));
	snprintf(buf, sizeof(buf), "%s", s);
	char *arg = strchr(buf, ':');
	if (!arg)
		return -EINVAL;
	*arg++ = '\0';
	if (!strcmp(buf, "poisson")) {
		a->kind = TRC_GEN_POISSON;
		return parse_double(arg, &a->iops);
	}
	if (!strcmp(buf, "fixed")) {
		a->kind = TRC_GEN_FIXED;
		return parse_time_ns(arg, &a->interval_ns);
	}
	if (!strcmp(buf, "onoff")) {
		char *c1 = strchr(arg, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c2)
			return -EINVAL;
		*c1 = *c2 = '\0';
		a->kind = TRC_GEN_ONOFF;
		if (parse_time_ns(arg, &a->on_ns) || parse_time_ns(c1 + 1, &a->off_ns) ||
		    parse_double(c2 + 1, &a->iops))
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}

static int cmd_gen(int argc, char **argv)
{
	struct cli_parser p;
	struct trc_gen_spec sp = {0};
	const char *out = NULL, *ofmt = NULL;
	const char *pattern = "uniform", *size = "4K", *arrival = "poisson:1000";
	uint64_t maxsize = 1u << 20, latency = 100000;
	int c;

	sp.requests = 10000;
	sp.device_bytes = 1ULL << 30;
	sp.align_bytes = 4096;
	sp.read_ratio = 0.7;
	sp.seed = 1;
	sp.dev = TRC_DEV(8, 0);
	sp.pid = 4242;
	cli_parser_init(&p, &cli_cmd_trace_gen, argc, argv);
	while ((c = cli_next(&p)) > 0) {
		const char *a = p.arg;

		switch (p.opt->id) {
		case CO_G_OUTPUT: out = a; break;
		case CO_G_OFORMAT: ofmt = p.opt->choices[p.val.choice]; break;
		case CO_G_REQUESTS: sp.requests = p.val.u; break;
		case CO_G_DURATION:
			sp.duration_ns = p.val.u;
			sp.requests = 0;
			break;
		case CO_G_DEVSIZE: sp.device_bytes = p.val.u; break;
		case CO_G_ALIGN: sp.align_bytes = p.val.u; break;
		case CO_G_PATTERN: pattern = a; break;
		case CO_G_READ_RATIO: sp.read_ratio = p.val.d; break;
		case CO_G_SIZE: size = a; break;
		case CO_G_MAX_SIZE: maxsize = p.val.u; break;
		case CO_G_ARRIVAL: arrival = a; break;
		case CO_G_SEED: sp.seed = (unsigned long)p.val.u; break;
		case CO_G_DEVICE: {
			struct trc_opts d = {0};

			if (cli_trace_option(p.cmd->name, &d, p.opt, a))
				return EXIT_USAGE;
			sp.dev = d.device;
			break;
		}
		case CO_G_LATENCY: latency = p.val.u; break;
		default: break;
		}
	}
	if (c < 0)
		return p.status;
	if ((c = cli_operands(&p, 0, "")))
		return c;
	if (parse_patterns(pattern, &sp))
		return cli_usage_error("trace gen", "bad --pattern '%s'", pattern);
	if (parse_sizes(size, &sp.size))
		return cli_usage_error("trace gen", "bad --size '%s'", size);
	sp.size.max_bytes = maxsize;
	if (parse_arrival(arrival, &sp.arrival))
		return cli_usage_error("trace gen", "bad --arrival '%s'", arrival);
	if (!ofmt)
		ofmt = out && strlen(out) > 4 && !strcmp(out + strlen(out) - 4, ".sct") ? "sct" : "blkparse";
	if (!strcmp(ofmt, "sct") && !out)
		return cli_usage_error("trace gen", "--output-format sct needs -o FILE");

	char err[512];
	struct trc_gen *g;
	if (trc_gen_new(&g, &sp, err, sizeof(err)))
		return cli_usage_error("trace gen", "%s", err);

	struct trc_rec r;
	int rc = 0;
	if (!strcmp(ofmt, "sct")) {
		struct trc_sct_source src = {0};
		snprintf(src.format, sizeof(src.format), "gen");
		snprintf(src.name, sizeof(src.name), "seed=%lu %s", sp.seed, pattern);
		src.event = 'Q';
		src.device = sp.dev;
		struct trc_sct_writer *w;
		if (trc_sct_create(&w, out, &src, err, sizeof(err))) {
			fprintf(stderr, "ssdcache-sim trace gen: %s\n", err);
			trc_gen_free(g);
			return EXIT_RUNTIME;
		}
		while (trc_gen_next(g, &r)) {
			if (trc_sct_write(w, &r)) {
				fprintf(stderr, "ssdcache-sim trace gen: %s: write error\n", out);
				trc_sct_abort(w);
				trc_gen_free(g);
				return EXIT_RUNTIME;
			}
		}
		if (trc_sct_finish(w, err, sizeof(err))) {
			fprintf(stderr, "ssdcache-sim trace gen: %s\n", err);
			rc = EXIT_RUNTIME;
		}
	} else {
		FILE *fp = out ? fopen(out, "w") : stdout;
		if (!fp) {
			fprintf(stderr, "ssdcache-sim trace gen: %s: %s\n", out, strerror(errno));
			trc_gen_free(g);
			return EXIT_RUNTIME;
		}
		static char obuf[1 << 16];
		setvbuf(fp, obuf, _IOFBF, sizeof(obuf));
		struct trc_bp_writer *w;
		if (trc_bp_writer_new(&w, fp, 1u << 20)) {
			fprintf(stderr, "ssdcache-sim trace gen: out of memory\n");
			trc_gen_free(g);
			return EXIT_RUNTIME;
		}
		while (trc_gen_next(g, &r)) {
			r.latency_ns = (int64_t)latency;
			int wr = trc_bp_write(w, &r);
			if (wr) {
				fprintf(stderr, "ssdcache-sim trace gen: %s\n",
					wr == -ENOSPC ? "more than 1M requests in flight: lower the rate "
							"or the --latency"
						      : "write error");
				rc = EXIT_RUNTIME;
				break;
			}
		}
		if (trc_bp_writer_finish(w))
			rc = EXIT_RUNTIME;
		if (out && fclose(fp)) {
			fprintf(stderr, "ssdcache-sim trace gen: %s: %s\n", out, strerror(errno));
			rc = EXIT_RUNTIME;
		} else if (!out && ferror(stdout)) {
			rc = EXIT_RUNTIME;
		}
	}
	trc_gen_free(g);
	return rc;
}
