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

int cmd_run(int argc, char **argv);     /* sim/cmd_run.c: simulate a trace */
int cmd_replay(int argc, char **argv);  /* sim/cmd_run.c: the same on real devices (io_uring) */
int cmd_capture(int argc, char **argv); /* sim/cmd_capture.c: blktrace files of a device */
int cmd_trace(int argc, char **argv);   /* sim/cmd_trace.c: trace gen|stats|convert|dump */
int cmd_trace_mrc(int argc, char **argv); /* sim/cmd_mrc.c: trace mrc (miss-ratio curves) */
int cmd_models(int argc, char **argv);  /* sim/cmd_models.c: list device models, probe one */
int cmd_calibrate(int argc, char **argv); /* sim/cmd_calibrate.c: models calibrate PATH */
int cmd_quirks(int argc, char **argv);  /* sim/cmd_quirks.c: list the seed's quirks */
int cmd_sweep(int argc, char **argv);   /* sim/cmd_sweep.c: parameter sweeps */
int cmd_report(int argc, char **argv);  /* sim/cmd_report.c: figures and HTML from a database */
int cmd_db(int argc, char **argv);      /* sim/cmd_db.c: db merge|info */
int cmd_db_diff(int argc, char **argv); /* sim/cmd_dbdiff.c: db diff (two runs side by side) */

#endif
