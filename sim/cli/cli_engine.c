// SPDX-License-Identifier: GPL-2.0
/* cli_engine.c - the options run, replay and sweep share, and the registries' lines in their help. */
#include "sim/cli/cli_engine.h"

#include <string.h>

#include "engine/quirks.h"
#include "policies/policy.h"
#include "sim/cli/commands.h"
#include "traces/reader.h"

/* The registries' names after the rows that take them (run, replay and sweep alike). */
void cli_after_engine_row(FILE *fp, const struct cli_opt *o)
{
	if (o->id == CO_POLICY || o->id == CO_S_POLICY) {
		fprintf(fp, "%*s", 24, "");
		for (int i = 0; pol_registry[i]; i++)
			fprintf(fp, "%s%s", i ? ", " : "", pol_registry[i]->name);
		fprintf(fp, "\n");
	} else if (o->id == CO_ADMIT) {
		for (int i = 0; pol_admit_registry[i]; i++)
			fprintf(fp, "%*s%-14s %s\n", 26, "", pol_admit_registry[i]->syntax,
				pol_admit_registry[i]->help);
	}
}

int cli_engine_option(const char *cmd, struct sim_config *cfg, const struct cli_opt *o,
		      const char *arg, const union cli_val *v)
{
	char err[256];

	switch (o->id) {
	case CO_CACHE_DEV:
	case CO_TARGET_DEV:
		if (strlen(arg) >= sizeof(cfg->cache_spec))
			return cli_usage_error(cmd, "%s: device spec too long", arg);
		snprintf(o->id == CO_CACHE_DEV ? cfg->cache_spec : cfg->target_spec,
			 sizeof(cfg->cache_spec), "%s", arg);
		return 0;
	case CO_ADMIT:
		if (pol_admit_parse(arg, &cfg->engine.options.admit, err, sizeof(err)))
			return cli_usage_error(cmd, "%s", err);
		return 0;
	case CO_SEED:
		cfg->engine.seed = v->u;
		return 0;
	case CO_QUIRKS:
		cfg->engine.fixed = v->choice ? quirks_all_fixes() : QUIRKS_SEED;
		return 0;
	case CO_FIX:
	case CO_QUIRK:
		if (quirks_parse_list(&cfg->engine.fixed, arg, o->id == CO_FIX, err, sizeof(err)))
			return cli_usage_error(cmd, "--%s: %s", o->name, err);
		return 0;
	case CO_HZ:
		cfg->hz = (unsigned)v->u;
		return 0;
	case CO_MAX_REQUESTS:
		cfg->max_requests = v->u;
		return 0;
	case CO_WARMUP:
		if (sim_warmup_parse(arg, &cfg->warmup, err, sizeof(err)))
			return cli_usage_error(cmd, "%s", err);
		return 0;
	case CO_DEBUG_ABORT:
		cfg->debug_abort_after = v->u;
		return 0;
	case CO_FORMAT:
	case CO_EVENT:
	case CO_DEVICE:
	case CO_LENIENT:
	case CO_TIME_UNIT:
	case CO_CSV:
		return cli_trace_option(cmd, &cfg->trace, o, arg);
	default:
		return 1;
	}
}

int cli_trace_option(const char *cmd, struct trc_opts *t, const struct cli_opt *o, const char *arg)
{
	char err[512];

	if (trc_opts_set(t, o->name, arg, err, sizeof(err)))
		return cli_usage_error(cmd, "%s", err);
	return 0;
}
