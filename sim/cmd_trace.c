// SPDX-License-Identifier: GPL-2.0
/* cmd_trace.c - ssdcache-sim trace gen|stats|convert|dump: the trace tools on the command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/commands.h"
#include "sim/units.h"
#include "traces/reader.h"

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
};

static const char read_opts_help[] =
	"  --format F      blkparse|blktrace|msr|spc|fiu|iolog|sct (default: from the content)\n"
	"  --event E       Q (default: what was asked), D (what the device saw, with its D..C\n"
	"                  latency), C (completions); blkparse and blktrace only\n"
	"  --device M,m    the device to read (needed when the trace holds several)\n"
	"  --lenient       skip malformed records (counted; the first is reported)\n";

static int usage_err(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "ssdcache-sim trace %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see ssdcache-sim trace %s --help)\n", cmd);
	return EXIT_USAGE;
}

static int parse_dev(const char *s, uint32_t *dev)
{
	char *end;
	unsigned long maj, min;

	if (!s || !*s || *s < '0' || *s > '9')
		return -EINVAL;
	maj = strtoul(s, &end, 10);
	if ((*end != ',' && *end != ':') || end[1] < '0' || end[1] > '9' || maj > 0xfff)
		return -EINVAL;
	min = strtoul(end + 1, &end, 10);
	if (*end || min > 0xfffff)
		return -EINVAL;
	*dev = TRC_DEV(maj, min);
	return 0;
}

/* Handle one shared option; 1 if it was one, 0 if not, or an exit status (negated) on error. */
static int read_opt(const char *cmd, int c, const char *arg, struct read_args *ra)
{
	switch (c) {
	case O_FORMAT:
		if (!trc_format_known(arg))
			return -usage_err(cmd, "unknown format '%s' (expected blkparse, blktrace, msr, "
					       "spc, fiu, iolog or sct)", arg);
		ra->opts.format = arg;
		return 1;
	case O_EVENT:
		if (strlen(arg) != 1 || !strchr("QDC", arg[0]))
			return -usage_err(cmd, "bad --event '%s' (expected Q, D or C)", arg);
		ra->opts.event = arg[0];
		return 1;
	case O_DEVICE:
		if (parse_dev(arg, &ra->opts.device))
			return -usage_err(cmd, "bad --device '%s' (expected MAJOR,MINOR)", arg);
		ra->opts.has_device = true;
		return 1;
	case O_LENIENT:
		ra->opts.lenient = true;
		return 1;
	default:
		return 0;
	}
}

#define READ_LONGOPTS                                                                              \
	{"format", required_argument, NULL, O_FORMAT}, {"event", required_argument, NULL, O_EVENT},  \
		{"device", required_argument, NULL, O_DEVICE},                                     \
		{"lenient", no_argument, NULL, O_LENIENT}, {"help", no_argument, NULL, O_HELP}

static int open_status(int rc)
{
	/* Choosing a device is the user's call: report it as a usage error. */
	return rc == -ENOTUNIQ || rc == -ENODEV ? EXIT_USAGE : EXIT_RUNTIME;
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
		"                               [--lenient] [--long]\n\n"
		"One line per request, in the order the simulator sees them:\n"
		"  <time_ns> <maj>,<min> <RWBS> <sector> <nsect>\n"
		"RWBS as blkparse prints it for that event; sector and nsect are 0 for a request\n"
		"without a range (an empty flush). --long adds: pid, latency_ns (-1 unknown), [process].\n\n"
		"%s", read_opts_help);
}

static int cmd_dump(int argc, char **argv)
{
	static const struct option lo[] = {READ_LONGOPTS, {"long", no_argument, NULL, O_LONG}, {0}};
	struct read_args ra = {0};
	bool lng = false;
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
		if (lng)
			printf("%llu %u,%u %s %llu %u %u %lld [%s]\n", (unsigned long long)r.time_ns,
			       TRC_MAJOR(r.dev), TRC_MINOR(r.dev), r.rwbs, (unsigned long long)r.sector,
			       r.nsect, r.pid, (long long)r.latency_ns, r.comm);
		else
			printf("%llu %u,%u %s %llu %u\n", (unsigned long long)r.time_ns, TRC_MAJOR(r.dev),
			       TRC_MINOR(r.dev), r.rwbs, (unsigned long long)r.sector, r.nsect);
	}
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
		"                                  [--format F] [--lenient]\n\n"
		"Write the requests of IN as an .sct trace: fixed 64-byte records after a header that\n"
		"holds the version, the record count and the source's format, name, size and\n"
		"fingerprint (a hash of its bytes). The reader's choices (event, device) are kept;\n"
		"reading an .sct is many times faster than parsing text.\n\n%s",
		read_opts_help);
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
	uint32_t dev0 = 0;
	bool have_dev = false;
	while ((st = trc_next(t, &r)) == TRC_OK) {
		if (!have_dev) {
			dev0 = r.dev;
			have_dev = true;
		}
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
	(void)dev0;
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
		"  dump     one line per request, as the simulator sees them\n\n"
		"Formats (detected from the content, or --format): blkparse (text), blktrace (binary,\n"
		"per-CPU NAME.blktrace.N or merged), msr (MSR Cambridge CSV), spc (SPC/UMass CSV),\n"
		"fiu (FIU traces), iolog (fio iolog v2/v3), sct (this program's binary format).\n");
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
	fprintf(stderr, "ssdcache-sim trace: unknown command '%s'\n", sub);
	trace_help(stderr);
	return EXIT_USAGE;
}

static int cmd_stats(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return EXIT_RUNTIME;
}

static int cmd_gen(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return EXIT_RUNTIME;
}
