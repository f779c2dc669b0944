/* SPDX-License-Identifier: GPL-2.0 */
/* summary.h - how `run` prints a result: the human summary and the --json document. */
#ifndef SSDCACHE_CLI_SUMMARY_H
#define SSDCACHE_CLI_SUMMARY_H

#include <stdio.h>

#include "sim/sim.h"

/* Print the human summary that follows the status lines in `run`. */
void sim_print_summary(FILE *fp, const struct sim_config *cfg, const struct sim_result *res);
/* Print the --json document (schema in docs/json.md). */
void sim_print_json(FILE *fp, const struct sim_config *cfg, const struct sim_result *res);

#endif
