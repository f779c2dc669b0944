/* SPDX-License-Identifier: GPL-2.0 */
/* commands.h - the subcommands of ssdcache-sim; each returns the process exit status. */
#ifndef SSDCACHE_COMMANDS_H
#define SSDCACHE_COMMANDS_H

/* Exit statuses: 0 ok, 1 runtime error (bad trace, I/O), 2 usage error (bad arguments),
 * 3 internal error (a bug: engine/assert.h), 130 interrupted. Never a signal. */
#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define EXIT_INTERNAL 3 /* == SSDCACHE_EXIT_INTERNAL */
#define EXIT_INTERRUPTED 130

#include <stdio.h>

/* The top-level commands (main.c), in the order `ssdcache-sim --help` lists them. */
struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};
extern const struct command cli_commands[]; /* ends with a NULL name */

/* `ssdcache-sim --help`: the commands and the exit statuses (main.c). */
void cli_usage(FILE *fp);

/* The commands whose options are rows of the option table (sim/cli/cli_opts.h). */
struct cli_cmd;
extern const struct cli_cmd cli_cmd_run, cli_cmd_replay, cli_cmd_sweep, cli_cmd_trace_dump,
	cli_cmd_trace_convert, cli_cmd_trace_stats, cli_cmd_trace_gen, cli_cmd_trace_mrc, cli_cmd_models_replay,
	cli_cmd_models_probe;

int cmd_run(int argc, char **argv);     /* sim/cli/cmd_run.c: simulate a trace */
int cmd_replay(int argc, char **argv);  /* sim/cli/cmd_run.c: the same on real devices (io_uring) */
int cmd_capture(int argc, char **argv); /* sim/cli/cmd_capture.c: blktrace files of a device */
int cmd_trace(int argc, char **argv);   /* sim/cli/cmd_trace.c: trace gen|stats|convert|dump */
int cmd_trace_mrc(int argc, char **argv); /* sim/cli/cmd_mrc.c: trace mrc (miss-ratio curves) */
int cmd_models(int argc, char **argv);  /* sim/cli/cmd_models.c: list device models, probe one */
int cmd_calibrate(int argc, char **argv); /* sim/cli/cmd_calibrate.c: models calibrate PATH */
int cmd_quirks(int argc, char **argv);  /* sim/cli/cmd_quirks.c: list the seed's quirks */
int cmd_sweep(int argc, char **argv);   /* sim/cli/cmd_sweep.c: parameter sweeps */
int cmd_report(int argc, char **argv);  /* sim/cli/cmd_report.c: figures and HTML from a database */
int cmd_db(int argc, char **argv);      /* sim/cli/cmd_db.c: db merge|info */
int cmd_db_diff(int argc, char **argv); /* sim/cli/cmd_dbdiff.c: db diff (two runs side by side) */
int cmd_help(int argc, char **argv);    /* sim/cli/cmd_help.c: usage, man pages, bash completion */

#endif
