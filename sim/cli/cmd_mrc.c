// SPDX-License-Identifier: GPL-2.0
/* cmd_mrc.c - `ssdcache-sim trace mrc`: miss-ratio curves of fully associative caches. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/cli/commands.h"
#include "sim/base/units.h"
#include "traces/mrc.h"
#include "traces/reader.h"

#define MAX_SIZES 64
#define MAX_POLICIES 8

enum {
	O_FORMAT = 1000,
	O_EVENT,
	O_DEVICE,
	O_LENIENT,
	O_HELP,
	O_JSON,
	O_BLOCKSIZE,
	O_SIZES,
	O_POLICY,
	O_READS_ONLY,
	O_SAMPLE,
	O_TIMING,
	O_STREAM,
};

static void mrc_help(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim trace mrc FILE [--blocksize N] [--sizes LIST|auto]\n"
		"                              [--policy P,P...] [--reads-only] [--sample RATE]\n"
		"                              [--stream] [--json] [--timing] [--event Q|D|C]\n"
		"                              [--device M,m] [--format F] [--lenient]\n\n"
		"Miss-ratio curves of fully associative caches of whole blocks: every access to a\n"
		"block is a get (a request covering several blocks is one access per block; reads\n"
		"and writes count, discards and empty flushes do not), a miss always inserts.\n"
		"  lru   all sizes in one pass (Mattson's stack distances, a Fenwick tree)\n"
		"  fifo  insertion order, one pass per size\n"
		"  opt   Belady's MIN: evict the resident block used farthest in the future (a\n"
		"        next-use pre-pass), one pass per size; no policy has fewer misses\n\n"
		"  --blocksize N   block size, a multiple of 512 (default 4K)\n"
		"  --sizes LIST    cache sizes, comma-separated (K/M/G/T suffixes, at least one\n"
		"                  block; a size is rounded down to whole blocks), or auto (the\n"
		"                  default): powers of two up to the footprint, then the footprint\n"
		"  --policy LIST   of lru, fifo, opt (default: all three)\n"
		"  --reads-only    count reads only; writes still pass through the cache (they\n"
		"                  update recency and insert on a miss) but are not counted\n"
		"  --sample RATE   SHARDS spatial sampling, 0 < RATE <= 1 (default 1: exact): keep\n"
		"                  the blocks whose hash is below RATE, simulate caches of size *\n"
		"                  RATE and scale the misses by 1/RATE (an estimate)\n"
		"  --json          {\"mrc\":[{\"policy\":..,\"size_bytes\":..,\"accesses\":..,\n"
		"                  \"misses\":..,\"miss_ratio\":..},...]}\n"
		"  --timing        time of each phase on standard error\n"
		"%s%s"
		"  --stream        LRU only (the default policy then): count stack distances while\n"
		"                  reading instead of keeping the sequence: memory per distinct\n"
		"                  block only (about 40-70 bytes) whatever the trace's length;\n"
		"                  slower, and worth it when blocks are accessed many times\n"
		"Memory: 4 bytes per access kept and 17-34 bytes per distinct block while reading;\n"
		"then lru about 13 bytes per distinct block, opt 4 more per access (docs/traces.md).\n"
		"Exit status: 0 ok, 1 bad trace or out of memory, 2 usage.\n",
		trc_opts_help_format(18), trc_opts_help("event device lenient", 18));
}

static int usage_err(const char *fmt, const char *arg)
{
	fprintf(stderr, "ssdcache-sim trace mrc: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see ssdcache-sim trace mrc --help)\n");
	return EXIT_USAGE;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* "64M,1G,256M" -> sorted, without duplicates. 0 or -EINVAL. */
static int parse_size_list(const char *s, uint64_t bs, uint64_t *sizes, size_t *n, char *bad,
			   size_t badlen)
{
	char buf[1024];
	char *save, *tok;

	*n = 0;
	if (strlen(s) >= sizeof(buf)) {
		snprintf(bad, badlen, "%.40s...", s);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;
		if (*n == MAX_SIZES || parse_size(tok, &v) || v < bs) {
			snprintf(bad, badlen, "%s", tok);
			return -EINVAL;
		}
		sizes[(*n)++] = v;
	}
	if (!*n) {
		snprintf(bad, badlen, "%s", s);
		return -EINVAL;
	}
	qsort(sizes, *n, sizeof(*sizes), cmp_u64);
	size_t m = 1;
	for (size_t i = 1; i < *n; i++)
		if (sizes[i] != sizes[m - 1])
			sizes[m++] = sizes[i];
	*n = m;
	return 0;
}

/* "opt,lru" -> names pointing into buf (the caller's, len bytes). 0 or -EINVAL. */
static int parse_policy_list(const char *s, char *buf, size_t len, const char **pol, size_t *n)
{
	char *save, *tok;

	*n = 0;
	if (strlen(s) >= len)
		return -EINVAL;
	snprintf(buf, len, "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!mrc_policy_known(tok) || *n == MAX_POLICIES)
			return -EINVAL;
		for (size_t i = 0; i < *n; i++)
			if (!strcmp(pol[i], tok))
				return -EINVAL;
		pol[(*n)++] = tok;
	}
	return *n ? 0 : -EINVAL;
}

static double now_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void print_json(const char **pol, size_t np, struct mrc_point (*pts)[MAX_SIZES], size_t ns)
{
	printf("{\"mrc\":[");
	for (size_t p = 0; p < np; p++)
		for (size_t i = 0; i < ns; i++) {
			const struct mrc_point *q = &pts[p][i];
			printf("%s{\"policy\":\"%s\",\"size_bytes\":%llu,\"accesses\":%llu,"
			       "\"misses\":%llu,\"miss_ratio\":%.6f}",
			       p || i ? "," : "", pol[p], (unsigned long long)q->size_bytes,
			       (unsigned long long)q->accesses, (unsigned long long)q->misses,
			       q->accesses ? (double)q->misses / (double)q->accesses : 0.0);
		}
	printf("]}\n");
}

static void print_table(const char *path, const char *format, const struct mrc_trace *m,
			bool reads_only, const char **pol, size_t np,
			struct mrc_point (*pts)[MAX_SIZES], size_t ns)
{
	uint64_t bs = mrc_trace_block_bytes(m), d = mrc_trace_distinct(m);
	char bsz[32], foot[32];

	format_size(bs, bsz, sizeof(bsz));
	format_size(d * bs, foot, sizeof(foot));
	printf("trace        %s (%s)\n", path, format);
	printf("blocks       %s; %llu accesses (%llu reads), %s%llu distinct blocks (%s)\n", bsz,
	       (unsigned long long)mrc_trace_accesses(m, false),
	       (unsigned long long)mrc_trace_accesses(m, true), mrc_trace_rate(m) < 1 ? "~" : "",
	       (unsigned long long)d, foot);
	if (mrc_trace_rate(m) < 1)
		printf("sampled      rate %g: %llu accesses kept; caches of size * rate, misses / rate\n",
		       mrc_trace_rate(m), (unsigned long long)mrc_trace_sampled(m));
	printf("counted      %s\n\n", reads_only ? "reads only (writes pass through the cache uncounted)"
					       : "reads and writes");
	printf("%12s %12s", "cache", "blocks");
	for (size_t p = 0; p < np; p++)
		printf(" %11s %-6s %7s", pol[p], "misses", "ratio");
	printf("\n");
	for (size_t i = 0; i < ns; i++) {
		char sz[32];

		format_size(pts[0][i].size_bytes, sz, sizeof(sz));
		printf("%12s %12llu", sz, (unsigned long long)(pts[0][i].size_bytes / bs));
		for (size_t p = 0; p < np; p++) {
			const struct mrc_point *q = &pts[p][i];
			printf(" %18llu %6.2f%%", (unsigned long long)q->misses,
			       q->accesses ? 100.0 * (double)q->misses / (double)q->accesses : 0.0);
		}
		printf("\n");
	}
}

int cmd_trace_mrc(int argc, char **argv)
{
	static const struct option lo[] = {
		{"format", required_argument, NULL, O_FORMAT},
		{"event", required_argument, NULL, O_EVENT},
		{"device", required_argument, NULL, O_DEVICE},
		{"lenient", no_argument, NULL, O_LENIENT},
		{"help", no_argument, NULL, O_HELP},
		{"json", no_argument, NULL, O_JSON},
		{"blocksize", required_argument, NULL, O_BLOCKSIZE},
		{"sizes", required_argument, NULL, O_SIZES},
		{"policy", required_argument, NULL, O_POLICY},
		{"reads-only", no_argument, NULL, O_READS_ONLY},
		{"sample", required_argument, NULL, O_SAMPLE},
		{"timing", no_argument, NULL, O_TIMING},
		{"stream", no_argument, NULL, O_STREAM},
		{0},
	};
	struct trc_opts ro = {0};
	struct mrc_trace_opts mo = {.block_bytes = 4096};
	const char *sizes_arg = "auto", *policy_arg = NULL;
	const char *pol[MAX_POLICIES];
	char polbuf[256];
	size_t np = 0, ns = 0;
	uint64_t sizes[MAX_SIZES];
	bool json = false, reads_only = false, timing = false;
	char err[1024];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		const char *name = c == O_FORMAT ? "format" : c == O_EVENT ? "event"
				 : c == O_DEVICE ? "device" : c == O_LENIENT ? "lenient" : NULL;
		char *end;

		if (name) {
			/* The reader's own parser, as every trace command. */
			if (trc_opts_set(&ro, name, optarg, err, sizeof(err)))
				return usage_err("%s", err);
			continue;
		}
		switch (c) {
		case O_HELP:
		case 'h':
			mrc_help(stdout);
			return 0;
		case O_JSON:
			json = true;
			break;
		case O_TIMING:
			timing = true;
			break;
		case O_STREAM:
			mo.lru_only = true;
			break;
		case O_READS_ONLY:
			reads_only = true;
			break;
		case O_BLOCKSIZE:
			if (parse_size(optarg, &mo.block_bytes) || !mo.block_bytes || mo.block_bytes % 512)
				return usage_err("bad --blocksize '%s' (a multiple of 512 bytes)", optarg);
			break;
		case O_SIZES:
			sizes_arg = optarg;
			break;
		case O_POLICY:
			policy_arg = optarg;
			break;
		case O_SAMPLE:
			errno = 0;
			mo.sample_rate = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(mo.sample_rate > 0 && mo.sample_rate <= 1))
				return usage_err("bad --sample '%s' (a rate, 0 < RATE <= 1)", optarg);
			break;
		default:
			return usage_err("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return usage_err("%s", optind >= argc ? "expected a trace FILE" : "expected one FILE");
	const char *path = argv[optind];
	if (strcmp(sizes_arg, "auto") &&
	    parse_size_list(sizes_arg, mo.block_bytes, sizes, &ns, err, sizeof(err))) {
		char msg[1200];
		snprintf(msg, sizeof(msg), "bad --sizes '%s' at '%s' (sizes of at least one block, "
			 "comma-separated, or auto)", sizes_arg, err);
		return usage_err("%s", msg);
	}
	if (policy_arg) {
		if (parse_policy_list(policy_arg, polbuf, sizeof(polbuf), pol, &np))
			return usage_err("bad --policy '%s' (distinct names of lru, fifo, opt)",
					 policy_arg);
	} else if (mo.lru_only) {
		pol[np++] = "lru";
	} else {
		for (size_t i = 0; i < mrc_policy_count() && np < MAX_POLICIES; i++)
			pol[np++] = mrc_policy_name(i);
	}

	if (mo.lru_only && (np != 1 || strcmp(pol[0], "lru")))
		return usage_err("%s", "--stream computes LRU only (--policy lru, or no --policy)");
	mo.reads_only = reads_only;

	struct trc *t;
	int rc = trc_open(&t, path, &ro, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "ssdcache-sim trace mrc: %s\n", err);
		return rc == -ENOTUNIQ || rc == -ENODEV || rc == -ENOTSUP ? EXIT_USAGE : EXIT_RUNTIME;
	}
	struct mrc_trace *m;
	if (mrc_trace_new(&m, &mo)) {
		fprintf(stderr, "ssdcache-sim trace mrc: out of memory\n");
		trc_close(t);
		return EXIT_RUNTIME;
	}
	double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	struct trc_rec r;
	enum trc_status st;
	int arc = 0;
	while ((st = trc_next(t, &r)) == TRC_OK)
		if ((arc = mrc_trace_add_rec(m, &r)))
			break;
	if (!arc && st == TRC_EOF)
		arc = mrc_trace_seal(m);
	if (arc) {
		const struct trc_pos *pos = trc_position(t);
		if (pos->line)
			fprintf(stderr, "ssdcache-sim trace mrc: %s:%llu: ", pos->path,
				(unsigned long long)pos->line);
		else
			fprintf(stderr, "ssdcache-sim trace mrc: %s: offset 0x%llx: ", pos->path,
				(unsigned long long)pos->offset);
		fprintf(stderr, "%s after %llu block accesses\n",
			arc == -E2BIG ? "too many accesses to hold (2^32 - 2, or 2^31 - 1 distinct "
					"blocks): sample with --sample RATE"
				      : "out of memory",
			(unsigned long long)mrc_trace_accesses(m, false));
		trc_close(t);
		mrc_trace_free(m);
		return EXIT_RUNTIME;
	}
	const char *w = trc_warnings(t);
	const struct trc_counts *cnt = trc_counts(t);
	if (*w)
		fprintf(stderr, "%s", w);
	if (cnt->skipped_bad)
		fprintf(stderr, "ssdcache-sim trace mrc: skipped %llu malformed records; the first: %s\n",
			(unsigned long long)cnt->skipped_bad, cnt->first_bad_msg);
	if (st == TRC_EBAD) {
		fprintf(stderr, "ssdcache-sim trace mrc: %s\n", trc_error(t));
		trc_close(t);
		mrc_trace_free(m);
		return EXIT_RUNTIME;
	}
	char format[16];
	snprintf(format, sizeof(format), "%s", trc_format_name(t));
	trc_close(t);
	if (!mrc_trace_accesses(m, reads_only)) {
		/* a curve of nothing: every ratio would be 0 of 0, which reads as "never missed" */
		fprintf(stderr, "ssdcache-sim trace mrc: %s: no %s to count%s\n", path,
			reads_only ? "reads" : "block accesses",
			reads_only ? " (--reads-only on a trace of writes only)" : "");
		mrc_trace_free(m);
		return EXIT_RUNTIME;
	}
	double w1 = now_s(CLOCK_MONOTONIC), c1 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	uint64_t nacc = mrc_trace_sampled(m);
	if (timing)
		fprintf(stderr, "mrc timing: read and map %llu accesses (%llu distinct): %.3f s wall, "
			"%.3f s cpu\n", (unsigned long long)nacc,
			(unsigned long long)mrc_trace_distinct(m), w1 - w0, c1 - c0);
	if (!strcmp(sizes_arg, "auto"))
		ns = mrc_auto_sizes(m, sizes, MAX_SIZES);

	struct mrc_point pts[MAX_POLICIES][MAX_SIZES]; /* 12 KiB */
	for (size_t p = 0; p < np; p++) {
		double pw = now_s(CLOCK_MONOTONIC), pc = now_s(CLOCK_PROCESS_CPUTIME_ID);
		rc = mrc_run(m, pol[p], reads_only, sizes, ns, pts[p]);
		if (rc) {
			fprintf(stderr, "ssdcache-sim trace mrc: %s: out of memory (%llu distinct blocks, "
				"%llu accesses)\n", pol[p], (unsigned long long)mrc_trace_distinct(m),
				(unsigned long long)nacc);
			mrc_trace_free(m);
			return EXIT_RUNTIME;
		}
		if (timing) {
			double dw = now_s(CLOCK_MONOTONIC) - pw, dc = now_s(CLOCK_PROCESS_CPUTIME_ID) - pc;
			/* LRU makes one pass for every size; the others one pass per size. */
			double passes = strcmp(pol[p], "lru") ? (double)ns : 1.0;
			fprintf(stderr, "mrc timing: %s, %zu sizes: %.3f s wall, %.3f s cpu, %.2f M "
				"accesses/s per pass (cpu)\n", pol[p], ns, dw, dc,
				dc > 0 ? (double)nacc * passes / dc / 1e6 : 0.0);
		}
	}
	if (json)
		print_json(pol, np, pts, ns);
	else
		print_table(path, format, m, reads_only, pol, np, pts, ns);
	mrc_trace_free(m);
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, "ssdcache-sim trace mrc: write error on standard output\n");
		return EXIT_RUNTIME;
	}
	return 0;
}
