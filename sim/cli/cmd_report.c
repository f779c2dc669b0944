// SPDX-License-Identifier: GPL-2.0
/* cmd_report.c - `ssdcache-sim report`: figures and index.html, or a CSV/JSON export, from a database. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/db.h"
#include "reports/query.h"
#include "reports/report.h"
#include "sim/cli/cli_util.h"
#include "sim/cli/commands.h"
#include "sim/base/units.h"

#define MAX_RUN_IDS 4

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim report [--db FILE] [--out DIR] [--where EXPR] [--csv|--json]\n"
		"                           [--runs ID,...] [--rank-by METRIC] [--max-figures N]\n"
		"                           [--fields]\n"
		"\n"
		"Draw gnuplot figures (PNG and SVG) and an index.html from the runs in a results\n"
		"database, or export the runs as CSV or JSON.\n"
		"\n"
		"  --db FILE          results database (default results.db)\n"
		"  --out DIR          report directory (default report); with --csv/--json the export\n"
		"                     goes to DIR/runs.csv or DIR/runs.json instead of stdout\n"
		"  --where EXPR       select runs, e.g. \"block_size >= 64 and mode in (writeback,\n"
		"                     readcache) and cache_size = 1G\"; operators = != < <= > >= ~ (LIKE)\n"
		"                     in, not in; and, or, not, parentheses. Only runs with status ok\n"
		"                     unless EXPR names status. --fields lists the fields.\n"
		"  --csv, --json      export every field of the selected runs (all runs, not only the\n"
		"                     newest of each configuration)\n"
		"  --runs ID,...      runs for the time-series and latency figures (at most %d;\n"
		"                     default: best, median and worst by --rank-by)\n"
		"  --rank-by METRIC   what \"best\" means for each family's table of its five best\n"
		"                     configurations and for the selected runs: read_hit_ratio\n"
		"                     (default, higher is better), read_mean, read_p99, write_mean\n"
		"                     (request latency, lower is better)\n"
		"  --max-figures N    at most N figures of each kind per family (default 8)\n"
		"  --fields           list the fields --where and the exports know\n"
		"\n"
		"A family is the runs of one sweep (runs recorded by `run --db` form families of their own).\n"
		"Figures: read hit ratio vs block size (per associativity), block size x associativity\n"
		"heatmap, miss-ratio curve (hit ratio vs cache size), where the read misses come from\n"
		"(trace, placement, policy: needs opt runs), mode comparison, miss explanation,\n"
		"hit ratio over time, latency per class and request latency CDFs. Needs gnuplot with\n"
		"pngcairo (or set SSDCACHE_GNUPLOT). Every figure's script is kept in DIR/gnuplot/.\n"
		"\n"
		"Exit status: 0 ok, 1 runtime error (database, gnuplot, no matching run), 2 usage\n"
		"(bad option, unknown field or bad value in --where).\n",
		MAX_RUN_IDS);
}

enum { O_DB = 256, O_OUT, O_WHERE, O_CSV, O_JSON, O_RUNS, O_MAX_FIGS, O_FIELDS, O_RANK_BY };

static const struct option long_opts[] = {
	{"db", required_argument, NULL, O_DB},
	{"out", required_argument, NULL, O_OUT},
	{"where", required_argument, NULL, O_WHERE},
	{"csv", no_argument, NULL, O_CSV},
	{"json", no_argument, NULL, O_JSON},
	{"runs", required_argument, NULL, O_RUNS},
	{"max-figures", required_argument, NULL, O_MAX_FIGS},
	{"fields", no_argument, NULL, O_FIELDS},
	{"rank-by", required_argument, NULL, O_RANK_BY},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* Open for reading; an older schema is migrated first (the report reads the current views). */
static int open_db(const char *path, struct rep_db **db, char *err, size_t errlen)
{
	int version, rc;

	if ((rc = rep_db_open_readonly(path, db, &version, err, errlen)))
		return rc;
	if (version >= REP_SCHEMA_VERSION)
		return 0;
	rep_db_close(*db);
	*db = NULL;
	fprintf(stderr, "ssdcache-sim report: %s: migrating schema %d to %d\n", path, version,
		REP_SCHEMA_VERSION);
	return rep_db_open(path, db, err, errlen);
}

int cmd_report(int argc, char **argv)
{
	const char *dbpath = "results.db", *out = NULL, *where = NULL, *rank_by = NULL;
	bool csv = false, json = false;
	int64_t runs[MAX_RUN_IDS];
	size_t nruns = 0;
	unsigned max_figs = 0;
	struct rep_where *w = NULL;
	struct rep_db *db = NULL;
	char err[1024];
	int c, rc, status = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		switch (c) {
		case O_DB: dbpath = optarg; break;
		case O_OUT: out = optarg; break;
		case O_WHERE: where = optarg; break;
		case O_CSV: csv = true; break;
		case O_JSON: json = true; break;
		case O_RUNS: {
			char buf[256], *save = NULL;

			snprintf(buf, sizeof(buf), "%s", optarg);
			nruns = 0;
			for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				uint64_t v;

				if (parse_u64(t, &v) || v > INT64_MAX) {
					fprintf(stderr, "ssdcache-sim report: --runs: '%s' is not a run id\n", t);
					return EXIT_USAGE;
				}
				if (nruns == MAX_RUN_IDS) {
					fprintf(stderr, "ssdcache-sim report: --runs: at most %d runs\n",
						MAX_RUN_IDS);
					return EXIT_USAGE;
				}
				runs[nruns++] = (int64_t)v;
			}
			break;
		}
		case O_MAX_FIGS: {
			uint64_t v;

			if (parse_u64(optarg, &v) || v < 1 || v > 1000) {
				fprintf(stderr, "ssdcache-sim report: --max-figures: expected 1..1000\n");
				return EXIT_USAGE;
			}
			max_figs = (unsigned)v;
			break;
		}
		case O_RANK_BY: {
			size_t i;

			for (i = 0; rep_rank_name(i); i++)
				if (!strcmp(rep_rank_name(i), optarg))
					break;
			if (!rep_rank_name(i)) {
				fprintf(stderr, "ssdcache-sim report: --rank-by: unknown metric '%s' (one of:",
					optarg);
				for (i = 0; rep_rank_name(i); i++)
					fprintf(stderr, " %s", rep_rank_name(i));
				fprintf(stderr, ")\n");
				return EXIT_USAGE;
			}
			rank_by = optarg;
			break;
		}
		case O_FIELDS:
			printf("Fields of --where and of the --csv/--json exports:\n");
			rep_fields_print(stdout);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "ssdcache-sim report: option '%s' needs a value\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr, "ssdcache-sim report: unknown option '%s'\n(ssdcache-sim report --help "
					"for the options)\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ssdcache-sim report: unexpected argument '%s' (the database is --db FILE)\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (csv && json) {
		fprintf(stderr, "ssdcache-sim report: --csv and --json: choose one\n");
		return EXIT_USAGE;
	}
	/* Validate --where before touching the database: a typo is a usage error (exit 2). */
	if ((rc = rep_where_parse(where, &w, err, sizeof(err)))) {
		fprintf(stderr, "ssdcache-sim report: %s\n", err);
		return cli_exit_status(rc);
	}
	if (open_db(dbpath, &db, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim report: %s\n", err);
		rep_where_free(w);
		return EXIT_RUNTIME;
	}
	struct rep_selection sel = {.where = w};

	if (csv || json) {
		FILE *fp = stdout;
		char path[PATH_MAX];
		size_t rows = 0;

		if (out) {
			snprintf(path, sizeof(path), "%s/runs.%s", out, csv ? "csv" : "json");
			fp = fopen(path, "w");
			if (!fp) {
				fprintf(stderr, "ssdcache-sim report: %s: %s\n", path, strerror(errno));
				status = EXIT_RUNTIME;
				goto done;
			}
		}
		rc = csv ? rep_export_csv(db, &sel, fp, &rows, err, sizeof(err))
			 : rep_export_json(db, &sel, fp, &rows, err, sizeof(err));
		if (fp != stdout && fclose(fp) && !rc) {
			snprintf(err, sizeof(err), "%.900s: %s", path, strerror(errno));
			rc = -EIO;
		}
		if (rc == -ENOENT) {
			/* as the HTML report says it; the export file, if any, is not left empty */
			bool has_where = where && where[0];

			fprintf(stderr, "ssdcache-sim report: %s%s%s\n", err, has_where ? " --where " : "",
				has_where ? where : "");
			if (fp != stdout)
				unlink(path);
			status = EXIT_RUNTIME;
		} else if (rc) {
			fprintf(stderr, "ssdcache-sim report: %s\n", err);
			status = EXIT_RUNTIME;
		} else if (out) {
			fprintf(stderr, "ssdcache-sim report: %zu runs written to %s\n", rows, path);
		}
		goto done;
	}

	{
		struct rep_report_opts o = {
			.out_dir = out ? out : "report",
			.sel = &sel,
			.db_label = dbpath,
			.runs = nruns ? runs : NULL,
			.nr_runs = nruns,
			.max_figures = max_figs,
			.where_text = where,
			.rank_by = rank_by,
		};
		struct rep_report_stats st;

		rc = rep_report_write(db, &o, &st, err, sizeof(err));
		if (rc) {
			fprintf(stderr, "ssdcache-sim report: %s\n", err);
			status = EXIT_RUNTIME;
			goto done;
		}
		printf("report: %u runs in %u famil%s, %u figures%s: %s/index.html\n", st.runs, st.families,
		       st.families == 1 ? "y" : "ies", st.figures,
		       st.omitted ? " (some omitted: see the page)" : "", o.out_dir);
	}
done:
	rep_db_close(db);
	rep_where_free(w);
	return status;
}
