// SPDX-License-Identifier: GPL-2.0
/* main.c - ssdcache-sim: dispatch to the subcommands. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/commands.h"

#ifndef SSDCACHE_SIM_VERSION
#define SSDCACHE_SIM_VERSION "unknown"
#endif

const struct command cli_commands[] = {
	{"run", cmd_run, "simulate dm-ssdcache on a trace (the seed's engine, decision for decision)"},
	{"replay", cmd_replay, "replay a trace through the same engine on real devices (io_uring)"},
	{"capture", cmd_capture, "record a block device's I/O as blktrace files (root)"},
	{"trace", cmd_trace, "trace tools: gen, stats, convert, dump, mrc (miss-ratio curves)"},
	{"models", cmd_models, "device models: list, probe, replay a trace on one, import DiskSim, calibrate"},
	{"quirks", cmd_quirks, "list the seed's quirks Q1..Q38 and how to toggle them"},
	{"sweep", cmd_sweep, "run a parameter sweep in parallel into a SQLite database"},
	{"report", cmd_report, "gnuplot figures and an HTML page from a results database"},
	{"db", cmd_db, "results databases: merge shards, show information, diff two runs"},
	{NULL, NULL, NULL},
};

/* man pages and completion (cmd_help.c); not listed: `ssdcache-sim help` is --help */
static const struct command help_command = {"help", cmd_help, NULL};

/*
 * The safety net under ASSERT (engine/assert.h): a bug that escapes it (a stray abort(), a bad
 * pointer) still ends with the documented status 3 and a line saying so, never with a signal
 * the user has to decode. Only async-signal-safe calls. Under AddressSanitizer its own SEGV,
 * BUS and FPE reports are worth more than this line, so only SIGABRT and SIGILL are caught.
 */
static void on_crash(int sig)
{
	static const char head[] = "internal error: ";
	static const char tail[] = " (please report)\n";
	const char *name = sig == SIGABRT   ? "SIGABRT (aborted)"
			   : sig == SIGSEGV ? "SIGSEGV (invalid memory access)"
			   : sig == SIGBUS  ? "SIGBUS (bus error)"
			   : sig == SIGFPE  ? "SIGFPE (arithmetic exception)"
					    : "SIGILL (illegal instruction)";
	ssize_t r;

	r = write(STDERR_FILENO, head, sizeof(head) - 1);
	r = write(STDERR_FILENO, name, strlen(name));
	r = write(STDERR_FILENO, tail, sizeof(tail) - 1);
	(void)r;
	_exit(EXIT_INTERNAL);
}

static void catch_crashes(void)
{
	static const int sigs[] = {SIGABRT, SIGILL,
#if !defined(__SANITIZE_ADDRESS__)
				   SIGSEGV, SIGBUS, SIGFPE,
#endif
	};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

void cli_usage(FILE *fp)
{
	fprintf(fp, "usage: ssdcache-sim COMMAND [ARGS]   (ssdcache-sim COMMAND --help for details)\n\n"
		    "A trace-driven simulator of the dm-ssdcache SSD cache target (Linux, 2011).\n\n"
		    "commands:\n");
	for (const struct command *c = cli_commands; c->name; c++)
		fprintf(fp, "  %-8s %s\n", c->name, c->summary);
	fprintf(fp, "\n  --version  print the version\n"
		    "\nexit status: 0 ok, 1 runtime error (bad trace, I/O), 2 usage error, 3 internal error\n"
		    "(a bug: 'internal error at FILE:LINE: ... (please report)'), 130 interrupted\n");
}

int main(int argc, char **argv)
{
	catch_crashes();
	if (argc < 2) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], help_command.name))
		return help_command.fn(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--version")) {
		printf("ssdcache-sim %s\n", SSDCACHE_SIM_VERSION);
		return 0;
	}
	for (const struct command *c = cli_commands; c->name; c++)
		if (!strcmp(argv[1], c->name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "ssdcache-sim: unknown command '%s'\n", argv[1]);
	cli_usage(stderr);
	return EXIT_USAGE;
}
