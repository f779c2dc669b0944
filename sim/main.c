// SPDX-License-Identifier: GPL-2.0
/* main.c - ssdcache-sim: dispatch to the subcommands. */
#include <stdio.h>
#include <string.h>

#include "sim/commands.h"

#ifndef SSDCACHE_SIM_VERSION
#define SSDCACHE_SIM_VERSION "unknown"
#endif

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"run", cmd_run, "simulate dm-ssdcache on a trace (the seed's engine, decision for decision)"},
	{"replay", cmd_replay, "replay a trace through the same engine on real devices (io_uring)"},
	{"capture", cmd_capture, "record a block device's I/O as blktrace files (root)"},
	{"trace", cmd_trace, "trace tools: gen, stats, convert, dump"},
	{"models", cmd_models, "list device models and presets; probe one model alone"},
	{"quirks", cmd_quirks, "list the seed's quirks Q1..Q38 and how to toggle them"},
	{"sweep", cmd_sweep, "run a parameter sweep in parallel into a SQLite database"},
	{"report", cmd_report, "gnuplot figures and an HTML page from a results database"},
	{"db", cmd_db, "results databases: merge shards, show information"},
	{NULL, NULL, NULL},
};

static void usage(FILE *fp)
{
	fprintf(fp, "usage: ssdcache-sim COMMAND [ARGS]   (ssdcache-sim COMMAND --help for details)\n\n"
		    "A trace-driven simulator of the dm-ssdcache SSD cache target (Linux, 2011).\n\n"
		    "commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(fp, "  %-8s %s\n", c->name, c->summary);
	fprintf(fp, "\n  --version  print the version\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ssdcache-sim %s\n", SSDCACHE_SIM_VERSION);
		return 0;
	}
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "ssdcache-sim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
