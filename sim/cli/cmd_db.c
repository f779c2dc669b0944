// SPDX-License-Identifier: GPL-2.0
/* cmd_db.c - `ssdcache-sim db merge|info|upgrade`: results databases as whole files. */
#include <errno.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/db.h"
#include "reports/rep_util.h"
#include "sim/cli/commands.h"
#include "sim/base/units.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: ssdcache-sim db merge OUT.db SHARD.db [SHARD.db ...]\n"
		"       ssdcache-sim db info [--check] FILE\n"
		"       ssdcache-sim db upgrade FILE\n"
		"       ssdcache-sim db diff DB RUN_A RUN_B | --a WHERE --b WHERE [--json] [--all]\n"
		"\n"
		"merge    copy the runs of shard databases (e.g. from `sweep --emit-jobs`) into OUT.db,\n"
		"         creating it if needed. Idempotent: a run already in OUT.db, or a\n"
		"         configuration already recorded there for the same trace, is not copied\n"
		"         again. One transaction per shard; shards are never modified.\n"
		"info     schema version, journal mode and counts of traces, sweeps and runs;\n"
		"         --check also runs SQLite's integrity and foreign-key checks.\n"
		"upgrade  migrate FILE to this program's schema (version %d) in place.\n"
		"diff     two runs side by side: differing parameters, metrics (db diff --help).\n"
		"\n"
		"Exit status: 0 ok, 1 runtime error (unreadable, locked, newer schema), 2 usage.\n",
		REP_SCHEMA_VERSION);
}

static bool is_help(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-h");
}

static int db_merge(int argc, char **argv)
{
	struct rep_db *db;
	char err[1024];
	struct stat out_st, sh_st;
	bool out_exists;
	unsigned total_added = 0, total_skipped = 0;
	int failed = 0;

	if (argc < 3) {
		fprintf(stderr, "ssdcache-sim db merge: expected OUT.db and at least one SHARD.db\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			fprintf(stderr, "ssdcache-sim db merge: unknown option '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	out_exists = stat(argv[1], &out_st) == 0;
	if (rep_db_open(argv[1], &db, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim db merge: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (!out_exists)
		stat(argv[1], &out_st);
	for (int i = 2; i < argc; i++) {
		unsigned added, skipped;

		if (stat(argv[i], &sh_st) == 0 && sh_st.st_dev == out_st.st_dev &&
		    sh_st.st_ino == out_st.st_ino) {
			fprintf(stderr, "ssdcache-sim db merge: %s: is the output database itself; skipped\n",
				argv[i]);
			continue;
		}
		if (rep_db_merge(db, argv[i], &added, &skipped, err, sizeof(err))) {
			fprintf(stderr, "ssdcache-sim db merge: %s\n", err);
			failed++;
			continue;
		}
		total_added += added;
		total_skipped += skipped;
		printf("%s: %u runs added, %u already present\n", argv[i], added, skipped);
	}
	rep_db_close(db);
	printf("%s: %u runs added from %d shards (%u already present)%s\n", argv[1], total_added,
	       argc - 2 - failed, total_skipped, failed ? "; some shards failed, see above" : "");
	return failed ? EXIT_RUNTIME : 0;
}

static void print_traces(struct rep_db *db)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(rep_db_conn(db),
			       "SELECT t.path, t.format, t.size_bytes, t.fingerprint, t.records, "
			       "(SELECT count(*) FROM runs r WHERE r.trace_id = t.trace_id AND "
			       "r.status = 'ok') FROM traces t ORDER BY t.trace_id",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		char size[32];

		format_size((uint64_t)sqlite3_column_int64(st, 2), size, sizeof(size));
		printf("  trace %s (%s, %s, %s records): %lld ok runs\n    fingerprint %s\n",
		       sqlite3_column_text(st, 0), sqlite3_column_text(st, 1), size,
		       sqlite3_column_type(st, 4) == SQLITE_NULL ? "?" : (const char *)sqlite3_column_text(st, 4),
		       (long long)sqlite3_column_int64(st, 5), sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
}

static int db_info(int argc, char **argv)
{
	struct rep_db *db;
	struct rep_db_info info;
	const char *path = NULL;
	bool check = false;
	char err[1024], size[32];
	struct stat sb;
	int version;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--check")) {
			check = true;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "ssdcache-sim db info: unknown option '%s'\n", argv[i]);
			return EXIT_USAGE;
		} else if (path) {
			fprintf(stderr, "ssdcache-sim db info: one FILE expected ('%s' is extra)\n", argv[i]);
			return EXIT_USAGE;
		} else {
			path = argv[i];
		}
	}
	if (!path) {
		fprintf(stderr, "ssdcache-sim db info: FILE expected\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (rep_db_open_readonly(path, &db, &version, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim db info: %s\n", err);
		return EXIT_RUNTIME;
	}
	if (rep_db_get_info(db, check, &info, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim db info: %s\n", err);
		rep_db_close(db);
		return EXIT_RUNTIME;
	}
	format_size(stat(path, &sb) == 0 ? (uint64_t)sb.st_size : 0, size, sizeof(size));
	printf("file:            %s (%s, journal %s)\n", path, size, info.journal_mode);
	printf("schema version:  %d (this program writes %d%s)\n", info.schema_version,
	       REP_SCHEMA_VERSION,
	       info.schema_version < REP_SCHEMA_VERSION ? "; `db upgrade` or any write migrates it" : "");
	printf("created by:      ssdcache-sim %s\n", info.created_by[0] ? info.created_by : "?");
	printf("traces:          %" PRIu64 "\n", info.nr_traces);
	printf("sweeps:          %" PRIu64 "\n", info.nr_sweeps);
	printf("runs:            %" PRIu64 " (%" PRIu64 " ok, %" PRIu64 " invalid, %" PRIu64
	       " failed)\n",
	       info.nr_runs, info.nr_ok, info.nr_invalid, info.nr_failed);
	printf("series rows:     %" PRIu64 "\n", info.nr_series_rows);
	printf("histogram rows:  %" PRIu64 "\n", info.nr_histogram_rows);
	if (check)
		printf("integrity:       %s\n", info.integrity_ok ? "ok" : "FAILED");
	print_traces(db);
	rep_db_close(db);
	return check && !info.integrity_ok ? EXIT_RUNTIME : 0;
}

static int db_upgrade(int argc, char **argv)
{
	struct rep_db *db;
	char err[1024];
	int before = 0;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "ssdcache-sim db upgrade: one FILE expected\n");
		return EXIT_USAGE;
	}
	if (rep_db_open_readonly(argv[1], &db, &before, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim db upgrade: %s\n", err);
		return EXIT_RUNTIME;
	}
	rep_db_close(db);
	if (rep_db_open(argv[1], &db, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim db upgrade: %s\n", err);
		return EXIT_RUNTIME;
	}
	printf("%s: schema version %d -> %d\n", argv[1], before, rep_db_schema_version(db));
	rep_db_close(db);
	return 0;
}

int cmd_db(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "diff"))
		return cmd_db_diff(argc - 1, argv + 1);
	for (int i = 2; i < argc; i++)
		if (is_help(argv[i])) {
			usage(stdout);
			return 0;
		}
	if (!strcmp(argv[1], "merge"))
		return db_merge(argc - 1, argv + 1);
	if (!strcmp(argv[1], "info"))
		return db_info(argc - 1, argv + 1);
	if (!strcmp(argv[1], "upgrade"))
		return db_upgrade(argc - 1, argv + 1);
	fprintf(stderr, "ssdcache-sim db: unknown subcommand '%s' (expected merge, info, upgrade or diff)\n",
		argv[1]);
	return EXIT_USAGE;
}
