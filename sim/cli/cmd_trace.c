// SPDX-License-Identifier: GPL-2.0
/* cmd_trace.c - ssdcache-sim trace gen|stats|convert|dump|mrc: the trace tools on the command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/commands.h"
#include "sim/base/units.h"
#include "traces/gen.h"
#include "traces/reader.h"
#include "traces/btt.h"
#include "traces/stats.h"

/* Options every reading subcommand shares (where they mean something). */
struct read_args {
	struct trc_opts opts;
	const char *path;
};

enum {
	O_FORMAT = 1000,
	O_EVENT,
	O_DEVICE,
	O_LENIENT,
	O_HELP,
	O_JSON,
	O_BLOCKSIZE,
	O_LONG,
	O_MAXBLOCKS,
	O_COUNT,
	O_TIMEUNIT,
	O_CSV,
};

static int usage_err(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "ssdcache-sim trace %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see ssdcache-sim trace %s --help)\n", cmd);
	return EXIT_USAGE;
}

/* Handle one shared option; 1 if it was one, 0 if not, or an exit status (negated) on error. */
static int read_opt(const char *cmd, int c, const char *arg, struct read_args *ra)
{
	static const struct {
		int opt;
		const char *name;
	} names[] = {{O_FORMAT, "format"}, {O_EVENT, "event"},       {O_DEVICE, "device"},
		     {O_LENIENT, "lenient"}, {O_TIMEUNIT, "time-unit"}, {O_CSV, "csv"}};
	char err[256];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (names[i].opt != c)
			continue;
		if (trc_opts_set(&ra->opts, names[i].name, arg, err, sizeof(err)))
			return -usage_err(cmd, "%s", err);
		return 1;
	}
	return 0;
}

#define READ_LONGOPTS                                                                              \
	{"format", required_argument, NULL, O_FORMAT}, {"event", required_argument, NULL, O_EVENT},  \
		{"device", required_argument, NULL, O_DEVICE},                                     \
		{"lenient", no_argument, NULL, O_LENIENT}, {"help", no_argument, NULL, O_HELP},    \
		{"time-unit", required_argument, NULL, O_TIMEUNIT},                                \
		{"csv", required_argument, NULL, O_CSV}

static int open_status(int rc)
{
	/* Choosing a device is the user's call: report it as a usage error. */
	return rc == -ENOTUNIQ || rc == -ENODEV || rc == -ENOTSUP ? EXIT_USAGE : EXIT_RUNTIME;
}

static int open_reader(const char *cmd, struct read_args *ra, struct trc **t)
{
	char err[1024];
	int rc = trc_open(t, ra->path, &ra->opts, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "ssdcache-sim trace %s: %s\n", cmd, err);
		return open_status(rc);
	}
	return 0;
}

/* After the last record: the error (exit 1), or the warnings and the lenient summary. */
static int finish_reader(const char *cmd, struct trc *t, enum trc_status st)
{
	const char *w = trc_warnings(t);
	const struct trc_counts *c = trc_counts(t);

	if (*w)
		fprintf(stderr, "%s", w);
	if (c->skipped_bad)
		fprintf(stderr, "ssdcache-sim trace %s: skipped %llu malformed records; the first: %s\n",
			cmd, (unsigned long long)c->skipped_bad, c->first_bad_msg);
	if (st == TRC_EBAD) {
		fprintf(stderr, "ssdcache-sim trace %s: %s\n", cmd, trc_error(t));
		return EXIT_RUNTIME;
	}
	return 0;
}

/* ---- dump ---- */

static void dump_help(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim trace dump FILE [--event Q|D|C] [--device M,m] [--format F]\n"
		"                               [--lenient] [--time-unit U] [--csv MAP] [--long]\n\n"
		"One line per request, in the order the simulator sees them:\n"
		"  <time_ns> <maj>,<min> <RWBS> <sector> <nsect>\n"
		"RWBS as blkparse prints it for that event; sector and nsect are 0 for a request\n"
		"without a range (an empty flush). --long adds: pid, latency_ns (-1 unknown), [process].\n"
		"--count prints only the number of requests (for timing the reader).\n\n"
		"%s%s%s", trc_opts_help_format(18), trc_opts_help("event device lenient", 18), trc_opts_help_csv(18));
}

static int cmd_dump(int argc, char **argv)
{
	static const struct option lo[] = {READ_LONGOPTS, {"long", no_argument, NULL, O_LONG},
					   {"count", no_argument, NULL, O_COUNT}, {0}};
	struct read_args ra = {0};
	bool lng = false, count = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		int r = read_opt("dump", c, optarg, &ra);
		if (r < 0)
			return -r;
		if (r)
			continue;
		if (c == O_HELP || c == 'h') {
			dump_help(stdout);
			return 0;
		}
		if (c == O_LONG) {
			lng = true;
			continue;
		}
		if (c == O_COUNT) {
			count = true;
			continue;
		}
		return usage_err("dump", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind != argc - 1)
		return usage_err("dump", "%s", optind >= argc ? "expected a trace FILE" : "expected one FILE");
	ra.path = argv[optind];

	struct trc *t;
	int rc = open_reader("dump", &ra, &t);
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
	rc = finish_reader("dump", t, st);
	trc_close(t);
	if (ferror(stdout)) {
		fprintf(stderr, "ssdcache-sim trace dump: write error on standard output\n");
		return EXIT_RUNTIME;
	}
	return rc;
}

/* ---- convert ---- */

static void convert_help(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim trace convert IN OUT.sct [--event Q|D|C] [--device M,m]\n"
		"                                  [--format F] [--lenient] [--time-unit U] [--csv MAP]\n\n"
		"Write the requests of IN as an .sct trace: fixed 64-byte records after a header that\n"
		"holds the version, the record count and the source's format, name, size and\n"
		"fingerprint (a hash of its bytes). The reader's choices (event, device) are kept;\n"
		"reading an .sct is many times faster than parsing text.\n\n%s%s%s",
		trc_opts_help_format(18), trc_opts_help("event device lenient", 18), trc_opts_help_csv(18));
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int cmd_convert(int argc, char **argv)
{
	static const struct option lo[] = {READ_LONGOPTS, {0}};
	struct read_args ra = {0};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		int r = read_opt("convert", c, optarg, &ra);
		if (r < 0)
			return -r;
		if (r)
			continue;
		if (c == O_HELP || c == 'h') {
			convert_help(stdout);
			return 0;
		}
		return usage_err("convert", "unknown option '%s'", argv[optind - 1]);
	}
	if (optind != argc - 2)
		return usage_err("convert", "%s", "expected IN and OUT.sct");
	ra.path = argv[optind];
	const char *out = argv[optind + 1];
	ra.opts.fingerprint = true;

	struct trc *t;
	int rc = open_reader("convert", &ra, &t);
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
	rc = finish_reader("convert", t, st);
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

static void stats_help(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim trace stats FILE [--blocksize N] [--json] [--max-blocks N]\n"
		"                                [--event Q|D|C] [--device M,m] [--format F] [--lenient]\n"
		"                                [--time-unit U] [--csv MAP]\n\n"
		"Requests and read/write mix, bytes, request-size histogram, time span and IOPS,\n"
		"inter-arrival distribution, sequentiality, footprint in unique blocks of --blocksize\n"
		"(default 4K), LRU stack (reuse) distances and the LRU hit ratio at cache sizes from\n"
		"1 MiB up, and the measured latency when the trace has one (--event D, MSR).\n"
		"On blkparse and blktrace captures, what btt reports: the time between the events of\n"
		"each request (Q2G, G2I, Q2M, I2D, M2D, D2C, Q2C) per operation with mean, p50, p99\n"
		"and max, merges (M, F) and splits (X), and the device queue depth at each D (D issued\n"
		"minus C completed); and the I/O per process (requests, bytes, read share).\n"
		"Percentiles are exact (nearest rank: pNN is the value of rank ceil(NN %% of n)), so\n"
		"they agree with the histograms; n/a means there was nothing to measure (0 of 0).\n"
		"Memory: 8 bytes per request for the exact inter-arrival and latency percentiles, and\n"
		"up to --max-blocks distinct blocks tracked exactly for the footprint and the stack\n"
		"distances (default 4M blocks, about 56 bytes each); beyond that blocks are sampled by\n"
		"hash (SHARDS), distances become estimates and the report gives the rate.\n\n"
		"  --json          one JSON object instead of the table\n%s%s%s",
		trc_opts_help_format(18), trc_opts_help("event device lenient", 18), trc_opts_help_csv(18));
}

static int cmd_stats(int argc, char **argv)
{
	static const struct option lo[] = {READ_LONGOPTS,
					   {"json", no_argument, NULL, O_JSON},
					   {"blocksize", required_argument, NULL, O_BLOCKSIZE},
					   {"max-blocks", required_argument, NULL, O_MAXBLOCKS},
					   {0}};
	struct read_args ra = {0};
	struct trc_stats_opts so = {0};
	bool json = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		int r = read_opt("stats", c, optarg, &ra);
		if (r < 0)
			return -r;
		if (r)
			continue;
		switch (c) {
		case O_HELP:
		case 'h':
			stats_help(stdout);
			return 0;
		case O_JSON:
			json = true;
			break;
		case O_BLOCKSIZE:
			if (parse_size(optarg, &so.block_bytes) || !so.block_bytes || so.block_bytes % 512)
				return usage_err("stats", "bad --blocksize '%s' (a multiple of 512 bytes)",
						 optarg);
			break;
		case O_MAXBLOCKS:
			if (parse_u64(optarg, &so.max_blocks) || so.max_blocks < 16 ||
			    so.max_blocks > (1ULL << 30))
				return usage_err("stats", "bad --max-blocks '%s' (16 .. 2^30)", optarg);
			break;
		default:
			return usage_err("stats", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_err("stats", "%s", "expected one trace FILE");
	ra.path = argv[optind];

	struct trc_stats *st;
	if (trc_stats_new(&st, &so)) {
		fprintf(stderr, "ssdcache-sim trace stats: out of memory\n");
		return EXIT_RUNTIME;
	}
	/* blkparse and blktrace hand every Q, G, I, M, F, D, C, R event to the btt breakdown */
	ra.opts.on_event = trc_btt_event;
	ra.opts.event_ctx = trc_stats_btt(st);
	struct trc *t;
	int rc = open_reader("stats", &ra, &t);
	if (rc) {
		trc_stats_free(st);
		return rc;
	}
	struct trc_rec r;
	enum trc_status s;
	while ((s = trc_next(t, &r)) == TRC_OK)
		trc_stats_add(st, &r);
	rc = finish_reader("stats", t, s);
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

static void gen_help(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim trace gen [OPTIONS] [-o FILE]\n\n"
		"Write a synthetic workload (GSL mt19937; the same options and seed give the same trace)\n"
		"as blkparse text (Q, D and C lines, readable by any blkparse-text consumer) or .sct.\n\n"
		"  -o, --output FILE     where to write (default: standard output, blkparse text)\n"
		"  --output-format F     blkparse or sct (default: sct if FILE ends in .sct)\n"
		"  --requests N          how many requests (default 10000)\n"
		"  --duration TIME       or: stop at this time (e.g. 10s)\n"
		"  --device-size SIZE    address space (default 1G)\n"
		"  --align SIZE          offsets are multiples of this (default 4K)\n"
		"  --pattern P           address pattern (default uniform):\n"
		"                          uniform | zipf:THETA | seq:MEAN_RUN | hotcold:X,Y\n"
		"                          (X %% of the accesses on Y %% of the space), or a mix:\n"
		"                          P@WEIGHT+P@WEIGHT..., e.g. zipf:0.9@70+seq:64@30\n"
		"  --read-ratio R        fraction of reads, 0..1 (default 0.7)\n"
		"  --size S              request sizes (default 4K): SIZE | SIZE@W,SIZE@W,... |\n"
		"                          lognormal:MEDIAN,SIGMA (rounded to 512 bytes)\n"
		"  --max-size SIZE       cap for lognormal sizes (default 1M)\n"
		"  --arrival A           poisson:IOPS (default poisson:1000) | fixed:INTERVAL |\n"
		"                          onoff:ON,OFF,IOPS (Poisson bursts of ON, then OFF idle)\n"
		"  --seed N              random seed (default 1)\n"
		"  --device M,m          device the records carry (default 8,0)\n"
		"  --latency TIME        D..C time written to blkparse text (default 100us)\n");
}

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

enum {
	G_OUTPUT = 2000,
	G_OFMT,
	G_REQUESTS,
	G_DURATION,
	G_DEVSIZE,
	G_ALIGN,
	G_PATTERN,
	G_READ,
	G_SIZE,
	G_MAXSIZE,
	G_ARRIVAL,
	G_SEED,
	G_DEVICE,
	G_LATENCY,
	G_HELP,
};

static int cmd_gen(int argc, char **argv)
{
	static const struct option lo[] = {
		{"output", required_argument, NULL, G_OUTPUT},
		{"output-format", required_argument, NULL, G_OFMT},
		{"requests", required_argument, NULL, G_REQUESTS},
		{"duration", required_argument, NULL, G_DURATION},
		{"device-size", required_argument, NULL, G_DEVSIZE},
		{"align", required_argument, NULL, G_ALIGN},
		{"pattern", required_argument, NULL, G_PATTERN},
		{"read-ratio", required_argument, NULL, G_READ},
		{"size", required_argument, NULL, G_SIZE},
		{"max-size", required_argument, NULL, G_MAXSIZE},
		{"arrival", required_argument, NULL, G_ARRIVAL},
		{"seed", required_argument, NULL, G_SEED},
		{"device", required_argument, NULL, G_DEVICE},
		{"latency", required_argument, NULL, G_LATENCY},
		{"help", no_argument, NULL, G_HELP},
		{0},
	};
	struct trc_gen_spec sp = {0};
	const char *out = NULL, *ofmt = NULL;
	const char *pattern = "uniform", *size = "4K", *arrival = "poisson:1000";
	uint64_t maxsize = 1u << 20, latency = 100000, v;
	int c;

	sp.requests = 10000;
	sp.device_bytes = 1ULL << 30;
	sp.align_bytes = 4096;
	sp.read_ratio = 0.7;
	sp.seed = 1;
	sp.dev = TRC_DEV(8, 0);
	sp.pid = 4242;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "ho:", lo, NULL)) != -1) {
		const char *a = optarg;
		switch (c) {
		case 'h':
		case G_HELP:
			gen_help(stdout);
			return 0;
		case 'o':
		case G_OUTPUT:
			out = a;
			break;
		case G_OFMT:
			if (strcmp(a, "blkparse") && strcmp(a, "sct"))
				return usage_err("gen", "bad --output-format '%s' (blkparse or sct)", a);
			ofmt = a;
			break;
		case G_REQUESTS:
			if (parse_u64(a, &sp.requests))
				return usage_err("gen", "bad --requests '%s'", a);
			break;
		case G_DURATION:
			if (parse_time_ns(a, &sp.duration_ns))
				return usage_err("gen", "bad --duration '%s' (e.g. 10s, 500ms)", a);
			if (!sp.duration_ns)
				return usage_err("gen", "bad --duration '%s' (must be > 0)", a);
			sp.requests = 0;
			break;
		case G_DEVSIZE:
			if (parse_size(a, &sp.device_bytes))
				return usage_err("gen", "bad --device-size '%s' (e.g. 1G)", a);
			break;
		case G_ALIGN:
			if (parse_size(a, &sp.align_bytes))
				return usage_err("gen", "bad --align '%s' (e.g. 4K)", a);
			break;
		case G_PATTERN:
			pattern = a;
			break;
		case G_READ:
			if (parse_double(a, &sp.read_ratio) || sp.read_ratio < 0 || sp.read_ratio > 1)
				return usage_err("gen", "bad --read-ratio '%s' (0..1)", a);
			break;
		case G_SIZE:
			size = a;
			break;
		case G_MAXSIZE:
			if (parse_size(a, &maxsize))
				return usage_err("gen", "bad --max-size '%s'", a);
			break;
		case G_ARRIVAL:
			arrival = a;
			break;
		case G_SEED:
			if (parse_u64(a, &v) || v > 0xffffffffUL)
				return usage_err("gen", "bad --seed '%s' (0 .. 2^32-1)", a);
			sp.seed = (unsigned long)v;
			break;
		case G_DEVICE: {
			struct trc_opts d = {0};
			char e[128];
			if (trc_opts_set(&d, "device", a, e, sizeof(e)))
				return usage_err("gen", "%s", e);
			sp.dev = d.device;
			break;
		}
		case G_LATENCY:
			if (parse_time_ns(a, &latency) || !latency)
				return usage_err("gen", "bad --latency '%s' (e.g. 100us, > 0)", a);
			break;
		default:
			return usage_err("gen", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return usage_err("gen", "unexpected argument '%s'", argv[optind]);
	if (parse_patterns(pattern, &sp))
		return usage_err("gen", "bad --pattern '%s'", pattern);
	if (parse_sizes(size, &sp.size))
		return usage_err("gen", "bad --size '%s'", size);
	sp.size.max_bytes = maxsize;
	if (parse_arrival(arrival, &sp.arrival))
		return usage_err("gen", "bad --arrival '%s'", arrival);
	if (!ofmt)
		ofmt = out && strlen(out) > 4 && !strcmp(out + strlen(out) - 4, ".sct") ? "sct" : "blkparse";
	if (!strcmp(ofmt, "sct") && !out)
		return usage_err("gen", "%s", "--output-format sct needs -o FILE");

	char err[512];
	struct trc_gen *g;
	if (trc_gen_new(&g, &sp, err, sizeof(err)))
		return usage_err("gen", "%s", err);

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
