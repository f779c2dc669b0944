/* SPDX-License-Identifier: GPL-2.0 */
/* cli_help.h - --help, man pages and bash completion written from the option table (cli_opts.h). */
#ifndef SSDCACHE_CLI_HELP_H
#define SSDCACHE_CLI_HELP_H

#include <stdio.h>

#include "sim/cli/cli_opts.h"

/* --help of cmd: usage, intro, the rows of each section, outro. */
void cli_print_help(FILE *fp, const struct cli_cmd *cmd);

/* A man page (man(7) macros) of cmd, page "ssdcache-sim-NAME" (blanks as '-'), section 1. */
void cli_print_man(FILE *fp, const struct cli_cmd *cmd, const char *version);

/* Pieces of a page of several commands (`trace`): the .TH and NAME lines, one subcommand's
 * section with its options, a section of text kept as it is (a command's own --help). */
void cli_man_header(FILE *fp, const char *page, const char *summary, const char *version);
void cli_print_man_sub(FILE *fp, const struct cli_cmd *cmd);
void cli_man_verbatim(FILE *fp, const char *heading, const char *text);

/* The bash completion script: the top-level commands, the options of each table command (its
 * name: "run", "trace dump"), trace's subcommands, and the values of every choice option. */
void cli_print_completion(FILE *fp, const char *const *commands, const struct cli_cmd *const *cmds,
			  const char *const *trace_subs);

#endif
