// SPDX-License-Identifier: GPL-2.0
/* cmd_run.c - `ssdcache-sim run TRACE ...`: parse the command line, simulate, print status and summary. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "policies/policy.h"
#include "reports/db.h"
#include "sim/cli/commands.h"
#include "sim/replay.h"
#include "sim/replay_predict.h"
#include "sim/sim.h"
#include "sim/cli/summary.h"
#include "sim/base/units.h"

static void run_usage(FILE *fp, bool replay)
{
	if (replay)
		fprintf(fp,
			"usage: ssdcache-sim replay TRACE --cache PATH --target PATH [options]\n"
			"\n"
			"Replay a trace through the same dm core and engine as `run`, on real devices (files\n"
			"or block devices) with io_uring, and print the status lines and the summary with\n"
			"measured latencies, utilisation (busy time) and, in open loop, the timing lag.\n"
			"Writes carry a fixed pattern (a trace has no data), or checked data with --verify.\n"
			"\n"
			"devices (probed with libblkid first: a filesystem, partition table, RAID, LVM or swap\n"
			"signature is refused, exit 2, unless --force; a mounted or busy device always is):\n"
			"  --cache PATH          the cache device (a file, or a block device with --force)\n"
			"  --target PATH         the target device\n"
			"  --cache-create SIZE   create or extend the cache file to SIZE (K/M/G/T); what is\n"
			"                        added is filled with data first (sequential O_DIRECT writes)\n"
			"  --target-create SIZE  the same for the target file\n"
			"  --no-prefill          leave what --*-create adds as holes (they read from no device)\n"
			"  --direct              O_DIRECT (bypass the page cache)\n"
			"  --realtime            run the replay loop SCHED_FIFO (needs root or CAP_SYS_NICE):\n"
			"                        other processes then cannot delay a submission or a reap\n"
			"  --force               overwrite signatures and block devices: THEIR DATA IS LOST\n"
			"data verification:\n"
			"  --verify              every written sector carries a header (magic, sector, write\n"
			"                        generation, CRC32C), every read is checked: stale, misplaced,\n"
			"                        corrupt, never written; 'data mismatches: N'\n"
			"  --verify-log FILE     each mismatch and never-written read: seq sector nsect done_ns\n"
			"                        device verdict first_sector found_run found_sector found_gen\n"
			"                        expected_min_gen (implies --verify)\n"
			"  --inject corrupt-cache-read=P  flip a byte of a read from the cache with\n"
			"                        probability P (needs --verify; 'injected corruptions: N')\n"
			"  --seed N              seed of the injection's RNG (GSL mt19937; also the random\n"
			"                        policy's) [0]\n"
			"predicted vs measured:\n"
			"  --predict             after the replay, simulate the same trace on device models and\n"
			"                        print measured and predicted mean/p50/p99 per operation and\n"
			"                        class, and the demerit (Ruemmler-Wilkes: RMS distance between\n"
			"                        the latency CDFs, %% of the measured mean); with --db also\n"
			"                        in the tables prediction and prediction_cdf (docs/schema.md)\n"
			"  --cache-model SPEC, --target-model SPEC  the models (implies --predict; default:\n"
			"                        calibrate each device, `models calibrate --model ssd`, ~5 s)\n"
			"  (--cache-dev/--target-dev are `run`'s; the options below are shared with it)\n"
			"\n");
	else
		fprintf(fp,
			"usage: ssdcache-sim run TRACE [options]\n"
			"\n"
			"Simulate dm-ssdcache (the 2011 seed, decision for decision) on a block I/O trace and print\n"
			"the target's status lines (dmsetup status, dmsetup table) and a summary.\n"
			"\n"
			"devices:\n"
			"  --cache-dev SPEC      cache device model [fixed:size=64M,read=100us,write=200us]\n"
			"  --target-dev SPEC     target device model [fixed:size=1T,read=5ms,write=5ms]\n"
			"                        SPEC = MODEL[:key=value,...]; sizes in bytes or K/M/G/T (1024),\n"
			"                        times in ns or ns/us/ms/s; `ssdcache-sim models` lists them\n");
	fprintf(fp,
		"table:\n"
		"  --table \"ARGS\"        dm table arguments after the two devices, in the seed's syntax:\n"
		"                        [blocksize N] [assoc N] [writethrough|writeback|readcache]\n"
		"                        [options N name...]   (names: a policy, async_lookup queue_busy\n"
		"                        disable_writeback skip_write_insert evict_on_write cmd_preload)\n"
		"  --policy NAME         victim policy (overrides the table's; docs/policies.md):\n"
		"                        ");
	for (int i = 0; pol_registry[i]; i++)
		fprintf(fp, "%s%s", i ? ", " : "", pol_registry[i]->name);
	fprintf(fp,
		"\n"
		"  --admit RULE[,RULE]   admission rules (off by default; every rule must admit a miss):\n");
	for (int i = 0; pol_admit_registry[i]; i++)
		fprintf(fp, "                          %-14s %s\n", pol_admit_registry[i]->syntax,
			pol_admit_registry[i]->help);
	fprintf(fp,
		"  --seed N              seed of the random policy's generator [0]\n"
		"engine:\n"
		"  --quirks seed|fixed   seed-exact engine (default) or every fix applied\n"
		"  --fix LIST            repair these quirks, e.g. Q1,Q5 (see `ssdcache-sim quirks`)\n"
		"  --quirk LIST          restore the seed's behaviour for these quirks\n"
		"                        (--quirks, --fix and --quirk apply in the order given)\n"
		"  --hz N                kernel HZ for jiffies [250]\n"
		"  --jiffies0 N          jiffies at time 0 [0; only differences matter]\n"
		"  --hash linux31|modern hash_64 of Linux 3.1 (the seed's) or of Linux >= 4.7 [linux31]\n"
		"  --wq-delay TIME       worker start latency [0]\n"
		"  --map-cost TIME       CPU time per ssdcache_map call (a single CPU) [0]\n"
		"  --seed-crash continue|abort  where the seed would oops (Q15, Q16, Q17, Q20) [continue]\n"
		"  --bs-overflow refuse|emulate block sizes above 256 in seed mode (Q20) [refuse]\n"
		"  --odd-blocksize       accept non-power-of-two block sizes literally (Q21)\n"
		"\n"
		"replay:\n"
		"  --speed X             open loop: arrival = trace time / X [1]\n"
		"  --qd N                closed loop: N requests outstanding, as fast as possible\n"
		"  --max-requests N      stop after N requests\n"
		"  --warmup N|TIME|P%%    the engine runs from the first request, but the statistics\n"
		"                        (hit ratios, outcomes, latencies, device counters, miss\n"
		"                        explanation, time series) count only the requests after the\n"
		"                        first N, after TIME (with a unit: 30s, 500ms) of trace time,\n"
		"                        or after P %% of the trace's records (the .sct header's count,\n"
		"                        else one counting pass; not on standard input). The status\n"
		"                        lines stay the engine's cumulative counters. A warm-up that\n"
		"                        leaves nothing to measure is an error (exit 1)\n"
		"  --interval TIME       time-series interval [1s]\n"
		"\n"
		"trace:\n"
		"%s"
		"%s"
		"\n"
		"output:\n"
		"  --decision-log FILE   one line per piece: seq op sector nsect OUTCOME hash idx done_ns\n"
		"  --verify              stale-read verifier: 'stale reads: N' and the first cases\n"
		"  --verify-log FILE     every stale read: seq sector nsect done_ns first_stale_sector\n"
		"                        returned_version expected_min_version (implies --verify)\n"
		"  --explain-misses      classify read misses: compulsory, capacity, conflict, busy,\n"
		"                        policy (costs 20-60 %% more time; on by default with --db,\n"
		"                        as in sweeps; --no-explain turns it off)\n"
		"  --json                print one JSON document (docs/json.md) instead of the text\n"
		"  --db FILE             record the run in a SQLite results database\n"
		"  --target-name NAME, --cache-name NAME   device names in the TABLE line [target, cache]\n"
		"  --progress            progress (percent, requests/s, ETA) on stderr even when it is\n"
		"                        not a terminal (on a terminal it is shown after 1 s anyway)\n"
		"  --quiet               no warnings, no progress\n"
		"\n"
		"testing aid:\n"
		"  --debug-abort-after N an internal error on purpose after N requests (tests of status 3)\n"
		"\n"
		"exit status: 0 ok, 1 runtime error (bad trace, I/O), 2 bad arguments or configuration,\n"
		"             3 internal error (a bug: 'internal error at FILE:LINE ... (please report)')\n",
		trc_opts_help("format event device lenient", 24), trc_opts_help_csv(24));
	if (replay) {
		fprintf(fp,
			"        (2 also: a device refused by the probe)\n"
			"example:\n"
			"  ssdcache-sim replay data/traces/oltp_small/oltp_small.blkparse.txt \\\n"
			"    --cache cache.img --cache-create 64M --target target.img --target-create 4G \\\n"
			"    --table \"blocksize 8 assoc 4 writeback\" --qd 32 --direct --verify\n");
		return;
	}
	fprintf(fp,
		"example:\n"
		"  ssdcache-sim run data/traces/oltp_small/oltp_small.blkparse.txt \\\n"
		"    --cache-dev fixed:size=64M,read=100us,write=200us --target-dev fixed:size=1T,read=5ms,write=5ms \\\n"
		"    --table \"blocksize 256 assoc 4 writethrough options 2 lru queue_busy\" --hz 250\n");
}

static void warn_stderr(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "ssdcache-sim: %s\n", msg);
}

static int usage_error(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "ssdcache-sim run: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n(ssdcache-sim run --help for usage)\n");
	return EXIT_USAGE;
}

enum {
	O_CACHE = 256, O_TARGET, O_TABLE, O_POLICY, O_QUIRKS, O_FIX, O_QUIRK, O_HZ, O_JIFFIES0, O_HASH,
	O_WQ, O_MAPCOST, O_SEEDCRASH, O_BSOVF, O_ODD, O_SPEED, O_QD, O_MAXREQ, O_INTERVAL, O_FORMAT,
	O_EVENT, O_DEVICE, O_LENIENT, O_DECLOG, O_VERIFY, O_VERIFYLOG, O_NOEXPLAIN, O_EXPLAIN, O_JSON, O_DB,
	O_TNAME, O_CNAME, O_PROGRESS, O_QUIET, O_HELP, O_TIMEUNIT, O_CSV, O_DEBUG_ABORT,
	O_ADMIT, O_SEED, O_WARMUP,
	O_RCACHE, O_RTARGET, O_RCCREATE, O_RTCREATE, O_DIRECT, O_NOPREFILL, O_INJECT, O_PREDICT, O_CMODEL,
	O_TMODEL, O_REALTIME, O_FORCE,
};

static const struct option run_opts[] = {
	{"cache-dev", required_argument, NULL, O_CACHE},
	{"target-dev", required_argument, NULL, O_TARGET},
	{"table", required_argument, NULL, O_TABLE},
	{"policy", required_argument, NULL, O_POLICY},
	{"admit", required_argument, NULL, O_ADMIT},
	{"seed", required_argument, NULL, O_SEED},
	{"quirks", required_argument, NULL, O_QUIRKS},
	{"fix", required_argument, NULL, O_FIX},
	{"quirk", required_argument, NULL, O_QUIRK},
	{"hz", required_argument, NULL, O_HZ},
	{"jiffies0", required_argument, NULL, O_JIFFIES0},
	{"hash", required_argument, NULL, O_HASH},
	{"wq-delay", required_argument, NULL, O_WQ},
	{"map-cost", required_argument, NULL, O_MAPCOST},
	{"seed-crash", required_argument, NULL, O_SEEDCRASH},
	{"bs-overflow", required_argument, NULL, O_BSOVF},
	{"odd-blocksize", no_argument, NULL, O_ODD},
	{"speed", required_argument, NULL, O_SPEED},
	{"qd", required_argument, NULL, O_QD},
	{"max-requests", required_argument, NULL, O_MAXREQ},
	{"warmup", required_argument, NULL, O_WARMUP},
	{"interval", required_argument, NULL, O_INTERVAL},
	{"format", required_argument, NULL, O_FORMAT},
	{"event", required_argument, NULL, O_EVENT},
	{"device", required_argument, NULL, O_DEVICE},
	{"lenient", no_argument, NULL, O_LENIENT},
	{"time-unit", required_argument, NULL, O_TIMEUNIT},
	{"csv", required_argument, NULL, O_CSV},
	{"decision-log", required_argument, NULL, O_DECLOG},
	{"verify", no_argument, NULL, O_VERIFY},
	{"verify-log", required_argument, NULL, O_VERIFYLOG},
	{"no-explain", no_argument, NULL, O_NOEXPLAIN},
	{"explain-misses", no_argument, NULL, O_EXPLAIN},
	{"json", no_argument, NULL, O_JSON},
	{"db", required_argument, NULL, O_DB},
	{"target-name", required_argument, NULL, O_TNAME},
	{"cache-name", required_argument, NULL, O_CNAME},
	{"progress", no_argument, NULL, O_PROGRESS},
	{"quiet", no_argument, NULL, O_QUIET},
	{"help", no_argument, NULL, O_HELP},
	{"debug-abort-after", required_argument, NULL, O_DEBUG_ABORT}, /* testing aid */
	/* replay only */
	{"cache", required_argument, NULL, O_RCACHE},
	{"target", required_argument, NULL, O_RTARGET},
	{"cache-create", required_argument, NULL, O_RCCREATE},
	{"target-create", required_argument, NULL, O_RTCREATE},
	{"direct", no_argument, NULL, O_DIRECT},
	{"no-prefill", no_argument, NULL, O_NOPREFILL},
	{"inject", required_argument, NULL, O_INJECT},
	{"predict", no_argument, NULL, O_PREDICT},
	{"cache-model", required_argument, NULL, O_CMODEL},
	{"target-model", required_argument, NULL, O_TMODEL},
	{"realtime", no_argument, NULL, O_REALTIME},
	{"force", no_argument, NULL, O_FORCE},
	{NULL, 0, NULL, 0},
};

/* The options of the engine, the replay and the trace: apply one to cfg. Returns 0, 1 if opt
 * is not one of them, or EXIT_USAGE after printing a message. */
static int sim_apply_common_option(struct sim_config *cfg, int opt, const char *arg, const char **table,
			    const char **policy)
{
	char err[256];
	uint64_t v;

	switch (opt) {
	case O_CACHE:
	case O_TARGET:
		if (strlen(arg) >= sizeof(cfg->cache_spec))
			return usage_error("%s: device spec too long%s", arg, "");
		snprintf(opt == O_CACHE ? cfg->cache_spec : cfg->target_spec, sizeof(cfg->cache_spec), "%s", arg);
		return 0;
	case O_TABLE:
		*table = arg;
		return 0;
	case O_POLICY:
		*policy = arg;
		return 0;
	case O_ADMIT:
		if (pol_admit_parse(arg, &cfg->engine.options.admit, err, sizeof(err)))
			return usage_error("%s%s", err, "");
		return 0;
	case O_SEED:
		if (parse_u64(arg, &v))
			return usage_error("--seed %s: expected a number%s", arg, "");
		cfg->engine.seed = v;
		return 0;
	case O_QUIRKS:
		if (!strcasecmp(arg, "seed"))
			cfg->engine.fixed = QUIRKS_SEED;
		else if (!strcasecmp(arg, "fixed"))
			cfg->engine.fixed = quirks_all_fixes();
		else
			return usage_error("--quirks %s: expected seed or fixed%s", arg, "");
		return 0;
	case O_FIX:
	case O_QUIRK:
		if (quirks_parse_list(&cfg->engine.fixed, arg, opt == O_FIX, err, sizeof(err)))
			return usage_error("%s: %s", opt == O_FIX ? "--fix" : "--quirk", err);
		return 0;
	case O_HZ:
		if (parse_u64(arg, &v) || v < 1 || v > 100000)
			return usage_error("--hz %s: expected a number in 1..100000%s", arg, "");
		cfg->hz = (unsigned)v;
		return 0;
	case O_JIFFIES0:
		if (parse_u64(arg, &v))
			return usage_error("--jiffies0 %s: expected a number%s", arg, "");
		cfg->jiffies0 = v;
		return 0;
	case O_HASH:
		if (!strcasecmp(arg, "linux31"))
			cfg->engine.hash = HASH_LINUX31;
		else if (!strcasecmp(arg, "modern"))
			cfg->engine.hash = HASH_MODERN;
		else
			return usage_error("--hash %s: expected linux31 or modern%s", arg, "");
		return 0;
	case O_WQ:
	case O_MAPCOST:
	case O_INTERVAL:
		if (parse_time_ns(arg, &v))
			return usage_error("%s: bad time '%s' (expected ns, or a ns/us/ms/s suffix)",
					   opt == O_WQ ? "--wq-delay" : opt == O_MAPCOST ? "--map-cost" : "--interval", arg);
		if (opt == O_INTERVAL && v == 0)
			return usage_error("--interval %s: must be above 0%s", arg, "");
		*(opt == O_WQ ? &cfg->wq_delay_ns : opt == O_MAPCOST ? &cfg->map_cost_ns : &cfg->interval_ns) = v;
		return 0;
	case O_SEEDCRASH:
		if (!strcasecmp(arg, "continue"))
			cfg->engine.seed_crash = SEED_CRASH_CONTINUE;
		else if (!strcasecmp(arg, "abort"))
			cfg->engine.seed_crash = SEED_CRASH_ABORT;
		else
			return usage_error("--seed-crash %s: expected continue or abort%s", arg, "");
		return 0;
	case O_BSOVF:
		if (!strcasecmp(arg, "refuse"))
			cfg->engine.bs_overflow = BS_OVERFLOW_REFUSE;
		else if (!strcasecmp(arg, "emulate"))
			cfg->engine.bs_overflow = BS_OVERFLOW_EMULATE;
		else
			return usage_error("--bs-overflow %s: expected refuse or emulate%s", arg, "");
		return 0;
	case O_ODD:
		cfg->engine.odd_blocksize = true;
		return 0;
	case O_SPEED: {
		char *end;
		double d = strtod(arg, &end);
		if (end == arg || *end || !(d > 0) || d > 1e9)
			return usage_error("--speed %s: expected a factor above 0%s", arg, "");
		cfg->speed = d;
		return 0;
	}
	case O_QD:
		if (parse_u64(arg, &v) || v < 1 || v > 1000000)
			return usage_error("--qd %s: expected a queue depth in 1..1000000%s", arg, "");
		cfg->qd = (unsigned)v;
		return 0;
	case O_MAXREQ:
		if (parse_u64(arg, &v))
			return usage_error("--max-requests %s: expected a number%s", arg, "");
		cfg->max_requests = v;
		return 0;
	case O_WARMUP:
		if (sim_warmup_parse(arg, &cfg->warmup, err, sizeof(err)))
			return usage_error("%s%s", err, "");
		return 0;
	case O_DEBUG_ABORT:
		if (parse_u64(arg, &v) || v < 1)
			return usage_error("--debug-abort-after %s: expected a number of requests%s", arg,
					   "");
		cfg->debug_abort_after = v;
		return 0;
	case O_FORMAT:
	case O_EVENT:
	case O_DEVICE:
	case O_LENIENT: {
		static const char *const name[] = {[O_FORMAT - O_FORMAT] = "format", [O_EVENT - O_FORMAT] = "event",
						   [O_DEVICE - O_FORMAT] = "device", [O_LENIENT - O_FORMAT] = "lenient"};
		if (trc_opts_set(&cfg->trace, name[opt - O_FORMAT], arg, err, sizeof(err)))
			return usage_error("%s%s", err, "");
		return 0;
	}
	case O_TIMEUNIT:
	case O_CSV:
		if (trc_opts_set(&cfg->trace, opt == O_CSV ? "csv" : "time-unit", arg, err, sizeof(err)))
			return usage_error("%s%s", err, "");
		return 0;
	default:
		return 1;
	}
}

/* After the options: the table and the policy, parsed with the quirks now known. */
static int sim_finish_config(struct sim_config *cfg, const char *table, const char *policy, bool quiet)
{
	char err[512];

	snprintf(cfg->table, sizeof(cfg->table), "%s", table ? table : "");
	if (ssdcache_parse_table(&cfg->engine, cfg->table, err, sizeof(err), quiet ? NULL : warn_stderr,
				 NULL)) {
		fprintf(stderr, "ssdcache-sim: --table: %s\n", err);
		return EXIT_USAGE;
	}
	if (policy) {
		const struct pol_ops *p = pol_find(policy);
		if (!p) {
			fprintf(stderr, "ssdcache-sim: --policy %s: unknown policy (known:", policy);
			for (int i = 0; pol_registry[i]; i++)
				fprintf(stderr, " %s", pol_registry[i]->name);
			fprintf(stderr, ")\n");
			return EXIT_USAGE;
		}
		cfg->engine.policy = p;
	}
	return 0;
}

/* One JSON document: run's members, then the replay's own before the closing brace. */
static void print_replay_json(const struct sim_config *cfg, const struct sim_result *res,
			      const struct replay_config *rcfg, const struct replay_result *rres,
			      const struct replay_prediction *pred)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&doc, &len);

	if (!mem) {
		sim_print_json(stdout, cfg, res);
		return;
	}
	sim_print_json(mem, cfg, res);
	fclose(mem);
	while (len && doc[len - 1] == '\n')
		len--;
	if (len && doc[len - 1] == '}')
		len--; /* the document's closing brace: the replay's members come first */
	fwrite(doc, 1, len, stdout);
	replay_print_json(stdout, rcfg, rres);
	if (pred)
		replay_print_prediction_json(stdout, res, pred);
	fputs("}\n", stdout);
	free(doc);
}

/* `run` and `replay`: one parser, one output; the engine runs over simulated or real devices. */
static int run_main(int argc, char **argv, bool replay)
{
	struct replay_config rcfg = {0};
	struct sim_config cfg;
	struct sim_result res;
	struct replay_result rres;
	struct lat_samples msamp = {0};
	struct replay_prediction pred;
	bool predict = false, predicted = false;
	const char *cache_model = NULL, *target_model = NULL;
	const char *table = NULL, *policy = NULL, *db_path = NULL;
	bool json = false, quiet = false;
	char err[1024];
	struct rep_db *db = NULL;
	uint64_t size;
	int opt, rc;

	sim_config_init(&cfg);
	/* the miss explanation costs more than 20 % of a run (BENCHMARKS.md): on request, or when
	 * the run is recorded in a database (as a sweep's runs are), unless --no-explain */
	int explain = -1;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", run_opts, NULL)) != -1) {
		if (replay != (opt >= O_RCACHE && opt <= O_FORCE) && opt >= O_RCACHE)
			return usage_error("'%s' is an option of `replay`%s", argv[optind - 1], "");
		if (replay && (opt == O_CACHE || opt == O_TARGET))
			return usage_error("%s: `replay` uses real devices: --cache PATH and --target PATH%s",
					   argv[optind - 1], "");
		switch (opt) {
		case 'h':
		case O_HELP:
			run_usage(stdout, replay);
			return 0;
		case O_RCACHE:
			rcfg.cache_path = optarg;
			break;
		case O_RTARGET:
			rcfg.target_path = optarg;
			break;
		case O_RCCREATE:
		case O_RTCREATE:
			if (parse_size(optarg, &size) || size < 4096)
				return usage_error("%s: bad size '%s' (expected bytes or K/M/G/T, at least 4K)",
						   opt == O_RCCREATE ? "--cache-create" : "--target-create", optarg);
			*(opt == O_RCCREATE ? &rcfg.cache_create : &rcfg.target_create) = size;
			break;
		case O_DIRECT:
			rcfg.direct = true;
			break;
		case O_FORCE:
			rcfg.force = true;
			break;
		case O_REALTIME:
			rcfg.realtime = true;
			break;
		case O_NOPREFILL:
			rcfg.no_prefill = true;
			break;
		case O_INJECT: {
			char *end;
			double pr;
			if (strncmp(optarg, "corrupt-cache-read=", 19) ||
			    (pr = strtod(optarg + 19, &end), end == optarg + 19 || *end || !(pr >= 0 && pr <= 1)))
				return usage_error("--inject %s: expected corrupt-cache-read=P with P in 0..1%s",
						   optarg, "");
			rcfg.inject_cache_read = pr;
			break;
		}
		case O_PREDICT:
			predict = true;
			break;
		case O_CMODEL:
			cache_model = optarg;
			predict = true;
			break;
		case O_TMODEL:
			target_model = optarg;
			predict = true;
			break;
		case O_DECLOG:
			cfg.decision_log = optarg;
			break;
		case O_VERIFY:
			cfg.verify = true;
			break;
		case O_VERIFYLOG:
			cfg.verify = true;
			cfg.verify_log = optarg;
			break;
		case O_NOEXPLAIN:
			explain = 0;
			break;
		case O_EXPLAIN:
			explain = 1;
			break;
		case O_JSON:
			json = true;
			break;
		case O_DB:
			db_path = optarg;
			break;
		case O_TNAME:
			cfg.target_name = optarg;
			break;
		case O_CNAME:
			cfg.cache_name = optarg;
			break;
		case O_PROGRESS:
			cfg.progress = true;
			break;
		case O_QUIET:
			quiet = true;
			break;
		case '?':
			if (optopt)
				return usage_error("option '%s' needs a value or is unknown%s", argv[optind - 1], "");
			return usage_error("unknown option '%s'%s", argv[optind - 1], "");
		default:
			rc = sim_apply_common_option(&cfg, opt, optarg, &table, &policy);
			if (rc)
				return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		if (optind >= argc)
			return usage_error("missing TRACE%s%s", "", "");
		return usage_error("expected one TRACE, got '%s' and '%s'", argv[optind], argv[optind + 1]);
	}
	cfg.trace_path = argv[optind];
	/* progress on a terminal unless --quiet; --progress forces it (e.g. under a pager) */
	if (!cfg.progress)
		cfg.progress = isatty(2);
	if (quiet)
		cfg.progress = false;
	cfg.warn = quiet ? NULL : warn_stderr;
	rc = sim_finish_config(&cfg, table, policy, quiet);
	if (rc)
		return rc;
	cfg.explain_misses = explain >= 0 ? explain : db_path != NULL;
	cfg.describe_trace = db_path != NULL; /* the store records what the run read */
	if (replay && (!rcfg.cache_path || !rcfg.target_path))
		return usage_error("replay needs --cache PATH and --target PATH%s%s", "", "");
	if (replay && rcfg.inject_cache_read > 0 && !cfg.verify)
		return usage_error("--inject needs --verify (the verifier is what detects it)%s%s", "", "");
	if (db_path && rep_db_open(db_path, &db, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (replay) {
		snprintf(cfg.cache_spec, sizeof(cfg.cache_spec), "file:%s", rcfg.cache_path);
		snprintf(cfg.target_spec, sizeof(cfg.target_spec), "file:%s", rcfg.target_path);
		/* --verify in a replay checks the data itself (replay_verify.h), not the model */
		rcfg.verify = cfg.verify;
		rcfg.verify_log = cfg.verify_log;
		rcfg.seed = (unsigned long)cfg.engine.seed; /* one --seed: the random policy's and the injection's */
		cfg.verify = false;
		cfg.verify_log = NULL;
		rcfg.sim = cfg;
		if (predict) {
			rcfg.sim.on_req_done = lat_samples_add;
			rcfg.sim.on_req_done_arg = &msamp;
		}
		rc = replay_run(&rcfg, &res, &rres, err, sizeof(err));
		if (!rc && predict) {
			rc = replay_predict(&rcfg, &res, cache_model, target_model, &msamp, &pred, err, sizeof(err));
			predicted = !rc;
			if (rc)
				sim_result_free(&res); /* the replay's result is not printed */
		}
		lat_samples_free(&msamp);
		if (!rc) {
			/* the devices' sizes go wherever the spec goes (JSON, the database) */
			snprintf(cfg.cache_spec, sizeof(cfg.cache_spec), "file:%s,size=%llu", rcfg.cache_path,
				 (unsigned long long)rres.cache_size);
			snprintf(cfg.target_spec, sizeof(cfg.target_spec), "file:%s,size=%llu", rcfg.target_path,
				 (unsigned long long)rres.target_size);
		}
	} else {
		rc = sim_run(&cfg, &res, err, sizeof(err));
	}
	if (rc) {
		fprintf(stderr, "ssdcache-sim: %s\n", err);
		rep_db_close(db);
		return rc == -EINVAL ? EXIT_USAGE : EXIT_RUNTIME;
	}
	if (json && replay) {
		print_replay_json(&cfg, &res, &rcfg, &rres, predicted ? &pred : NULL);
	} else if (json) {
		sim_print_json(stdout, &cfg, &res);
	} else {
		printf("%s\n%s\n", res.status_info, res.status_table);
		sim_print_summary(stdout, &cfg, &res);
		if (replay)
			replay_print_text(stdout, &rcfg, &rres);
		if (predicted)
			replay_print_prediction(stdout, &res, &pred);
	}
	struct sim_replay_record rrec;
	if (db && replay) {
		/* the store consumes the replay's own figures through the result */
		replay_fill_record(&rres, &res, predicted ? &pred : NULL, &rrec);
		res.replay = &rrec;
	}
	if (db && rep_db_record_run(db, &cfg, &res, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim: %s\n", err);
		rc = EXIT_RUNTIME;
	}
	rep_db_close(db);
	sim_result_free(&res);
	if (predicted)
		replay_prediction_free(&pred);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "ssdcache-sim: writing the results to stdout: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	return rc;
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, false);
}

int cmd_replay(int argc, char **argv)
{
	return run_main(argc, argv, true);
}
