// SPDX-License-Identifier: GPL-2.0
/* cli_engine.c - the options run, replay and sweep share, and the registries' lines in their help. */
#include "sim/cli/cli_engine.h"

#include <stddef.h>
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

/* The options that set one field of the configuration, by kind of field. A choice's index is
 * the enum's value: the rows' choices are listed in the enums' order (engine/engine.h). */
enum field_kind { F_U64, F_UINT, F_DOUBLE, F_ENUM, F_TRUE };

static const struct {
	enum cli_id id;
	size_t off;
	enum field_kind kind;
} fields[] = {
	{CO_SEED, offsetof(struct sim_config, engine.seed), F_U64},
	{CO_HZ, offsetof(struct sim_config, hz), F_UINT},
	{CO_JIFFIES0, offsetof(struct sim_config, jiffies0), F_U64},
	{CO_HASH, offsetof(struct sim_config, engine.hash), F_ENUM},
	{CO_WQ_DELAY, offsetof(struct sim_config, wq_delay_ns), F_U64},
	{CO_MAP_COST, offsetof(struct sim_config, map_cost_ns), F_U64},
	{CO_SEED_CRASH, offsetof(struct sim_config, engine.seed_crash), F_ENUM},
	{CO_BS_OVERFLOW, offsetof(struct sim_config, engine.bs_overflow), F_ENUM},
	{CO_ODD_BS, offsetof(struct sim_config, engine.odd_blocksize), F_TRUE},
	{CO_SPEED, offsetof(struct sim_config, speed), F_DOUBLE},
	{CO_QD, offsetof(struct sim_config, qd), F_UINT},
	{CO_MAX_REQUESTS, offsetof(struct sim_config, max_requests), F_U64},
	{CO_INTERVAL, offsetof(struct sim_config, interval_ns), F_U64},
	{CO_DEBUG_ABORT, offsetof(struct sim_config, debug_abort_after), F_U64},
};

static bool set_field(struct sim_config *cfg, const struct cli_parser *p)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char *f = (char *)cfg + fields[i].off;

		if (fields[i].id != p->opt->id)
			continue;
		switch (fields[i].kind) {
		case F_U64: *(uint64_t *)(void *)f = p->val.u; break;
		case F_UINT: *(unsigned *)(void *)f = (unsigned)p->val.u; break;
		case F_DOUBLE: *(double *)(void *)f = p->val.d; break;
		case F_ENUM: *(int *)(void *)f = (int)p->val.choice; break;
		case F_TRUE: *(bool *)(void *)f = true; break;
		}
		return true;
	}
	return false;
}

int cli_engine_option(struct sim_config *cfg, const struct cli_parser *p)
{
	const char *cmd = p->cmd->name, *arg = p->arg;
	const struct cli_opt *o = p->opt;
	char err[256];

	if (set_field(cfg, p))
		return 0;
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
	case CO_QUIRKS:
		cfg->engine.fixed = p->val.choice ? quirks_all_fixes() : QUIRKS_SEED;
		return 0;
	case CO_FIX:
	case CO_QUIRK:
		if (quirks_parse_list(&cfg->engine.fixed, arg, o->id == CO_FIX, err, sizeof(err)))
			return cli_usage_error(cmd, "--%s: %s", o->name, err);
		return 0;
	case CO_WARMUP:
		if (sim_warmup_parse(arg, &cfg->warmup, err, sizeof(err)))
			return cli_usage_error(cmd, "%s", err);
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
