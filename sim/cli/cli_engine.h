/* SPDX-License-Identifier: GPL-2.0 */
/* cli_engine.h - the options run, replay and sweep share (the engine's, the trace's), parsed once. */
#ifndef SSDCACHE_CLI_ENGINE_H
#define SSDCACHE_CLI_ENGINE_H

#include <stdio.h>

#include "sim/cli/cli_opts.h"
#include "sim/sim.h"

/* Apply the option p holds to cfg (a sweep's: the template of its configurations) when it is
 * one of the configuration's: the devices, the engine's (--admit, --seed, --quirks/--fix/
 * --quirk, --hz, --hash, ...), the simulated replay's (--speed, --qd, --max-requests,
 * --warmup, --interval), the trace's, --debug-abort-after. Whatever the command (run, replay,
 * sweep), the same code. 0, 1 if it is not one of them, or EXIT_USAGE after the message
 * "ssdcache-sim CMD: ...". */
int cli_engine_option(struct sim_config *cfg, const struct cli_parser *p);

/* A trace reader's option (--format, --event, --device, --lenient, --time-unit, --csv) into t
 * through trc_opts_set, the one parser of them. 0 or EXIT_USAGE after the message. */
int cli_trace_option(const char *cmd, struct trc_opts *t, const struct cli_opt *o, const char *arg);

/* The help lines the registries write after a row: the policies after --policy, the admission
 * rules after --admit (struct cli_cmd's after_row). */
void cli_after_engine_row(FILE *fp, const struct cli_opt *o);

/* The struct cli_cmd of run, replay or sweep: the simulator's sections (cli_sim_sections) and
 * the engine rows' help lines after them; the rest is the command's own. */
#define CLI_SIM_CMD(name, bit, summary, usage, intro, outro)                                       \
	{ (name), (bit), (summary), (usage), (intro), cli_sim_sections, (outro), cli_after_engine_row }

#endif
