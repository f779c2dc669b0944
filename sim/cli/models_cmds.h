/* SPDX-License-Identifier: GPL-2.0 */
/* models_cmds.h - the `models` subcommands that live in their own files. */
#ifndef SSDCACHE_MODELS_CMDS_H
#define SSDCACHE_MODELS_CMDS_H

#include <stdio.h>

/* sim/cli/cmd_models_replay.c: `models replay SPEC TRACE` (argv[0] is "replay") */
int cmd_models_replay(int argc, char **argv);
/* sim/cli/cmd_models_import.c: `models import disksim FILE.parv` (argv[0] is "import") */
int cmd_models_import(int argc, char **argv);
/* sim/cli/cmd_models.c: the access patterns of `models probe --rw`, NULL-terminated */
extern const char *const probe_rw_names[];
/* sim/cli/cmd_models.c: s as a JSON string, quoted and escaped */
void json_str(FILE *fp, const char *s);

#endif
