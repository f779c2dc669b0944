// SPDX-License-Identifier: GPL-2.0
/* cmd_dbdiff.c - `ssdcache-sim db diff`: two recorded runs side by side (reports/diff.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "reports/diff.h"
#include "reports/query.h"
#include "sim/cli/cli_util.h"
#include "sim/cli/commands.h"
#include "sim/base/units.h"

static void diff_help(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim db diff DB RUN_A RUN_B [--json] [--all]\n"
		"       ssdcache-sim db diff DB --a WHERE --b WHERE [--json] [--all]\n"
		"       (or one of each: db diff DB 17 --b \"policy = lfu\")\n\n"
		"Two runs of a results database side by side: which run, trace and status; the\n"
		"parameters of the configuration that differ (every column of the runs table but\n"
		"the run's identity and bookkeeping, and the trace's fingerprint); then the metrics\n"
		"with A, B, B - A and (B - A) / |A|:\n"
		"  <column>                        results: hit ratios, counters, traffic, misses\n"
		"  outcome.<OUTCOME>               first cte_match outcome counts\n"
		"  latency.<scope>.<name>.<field>  count, mean, p50 ... max (ns) per class and op\n"
		"  device.<role>.<column>          cache and target devices: bytes, utilisation,\n"
		"                                  write amplification, ...\n"
		"A run is a run id (the run_id field of `report --csv`) or a --where filter\n"
		"(`ssdcache-sim report --fields`) that must select exactly one run; filters see ok\n"
		"runs only unless they name status.\n\n"
		"  --a WHERE, --b WHERE  select run A / B by a filter\n"
		"  --json                one object: {\"a\":{run},\"b\":{run},\"same_configuration\":..,\n"
		"                        \"config\":[{name,a,b} that differ],\n"
		"                        \"metrics\":[{name,a,b,diff,rel}, every metric]}\n"
		"  --all                 text: also the metrics that are equal\n\n"
		"Exit status: 0 ok; 1 unreadable database, unknown run id, or a filter that matches\n"
		"no run or several; 2 usage (including a malformed filter).\n");
}

static int usage_err(const char *fmt, const char *arg)
{
	fprintf(stderr, "ssdcache-sim db diff: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see ssdcache-sim db diff --help)\n");
	return EXIT_USAGE;
}

int cmd_db_diff(int argc, char **argv)
{
	enum { O_A = 1000, O_B, O_JSON, O_ALL, O_HELP };
	static const struct option lo[] = {
		{"a", required_argument, NULL, O_A},	{"b", required_argument, NULL, O_B},
		{"json", no_argument, NULL, O_JSON},	{"all", no_argument, NULL, O_ALL},
		{"help", no_argument, NULL, O_HELP},	{0},
	};
	struct rep_diff_side side[2] = {{0}};
	bool given[2] = {false, false};
	struct rep_diff_opts o = {0};
	const char *path = NULL;
	char err[2048];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_A:
		case O_B:
			if (given[c - O_A])
				return usage_err("%s given twice", c == O_A ? "--a" : "--b");
			side[c - O_A].where = optarg;
			given[c - O_A] = true;
			break;
		case O_JSON:
			o.json = true;
			break;
		case O_ALL:
			o.all = true;
			break;
		case O_HELP:
		case 'h':
			diff_help(stdout);
			return 0;
		default:
			return usage_err("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return usage_err("%s", "expected a database DB and two runs");
	path = argv[optind++];
	/* Run ids fill the sides no filter took, A first. */
	for (; optind < argc; optind++) {
		uint64_t id;
		int s = !given[0] ? 0 : !given[1] ? 1 : -1;

		if (s < 0)
			return usage_err("unexpected argument '%s': two runs are already given",
					 argv[optind]);
		if (parse_u64(argv[optind], &id) || !id || id > INT64_MAX)
			return usage_err("'%s' is not a run id (a positive integer; --a/--b WHERE "
					 "select by a filter)", argv[optind]);
		side[s].run_id = (int64_t)id;
		given[s] = true;
	}
	if (!given[0] || !given[1])
		return usage_err("%s", "expected two runs (RUN_A RUN_B, or --a WHERE --b WHERE)");

	struct rep_db *db;
	if (rep_db_open_readonly(path, &db, NULL, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim db diff: %s\n", err);
		return EXIT_RUNTIME;
	}
	int64_t run[2];
	for (int s = 0; s < 2; s++) {
		int rc = rep_diff_resolve(db, s ? "B" : "A", &side[s], &run[s], err, sizeof(err));
		if (rc) {
			fprintf(stderr, "ssdcache-sim db diff: %s\n", err);
			rep_db_close(db);
			return cli_exit_status(rc);
		}
	}
	int rc = rep_diff_print(db, run[0], run[1], &o, stdout, err, sizeof(err));
	rep_db_close(db);
	if (rc) {
		fprintf(stderr, "ssdcache-sim db diff: %s\n", err);
		return EXIT_RUNTIME;
	}
	fflush(stdout);
	if (ferror(stdout)) {
		fprintf(stderr, "ssdcache-sim db diff: write error on standard output\n");
		return EXIT_RUNTIME;
	}
	return 0;
}
