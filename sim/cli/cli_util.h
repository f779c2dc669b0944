/* SPDX-License-Identifier: GPL-2.0 */
/* cli_util.h - what every command does alike: the exit status of an error, opening a database. */
#ifndef SSDCACHE_CLI_UTIL_H
#define SSDCACHE_CLI_UTIL_H

struct rep_db;

/* The exit status of a library error (sim/base/errclass.h): 0 for 0, EXIT_USAGE for -EINVAL
 * (the user's choice), EXIT_INTERRUPTED for -EINTR, EXIT_RUNTIME for anything else. The one
 * place the command line turns an -errno into a status. */
int cli_exit_status(int err);

/* The exit status of trc_open's return code (its own convention, errclass.h). */
int cli_trc_open_status(int rc);

/* Open (or create) the results database at path for command cmd; on failure print
 * "ssdcache-sim CMD: MESSAGE" and return EXIT_RUNTIME. */
int cli_open_db(const char *cmd, const char *path, struct rep_db **db);

#endif
