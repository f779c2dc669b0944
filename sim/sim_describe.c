// SPDX-License-Identifier: GPL-2.0
/* sim_describe.c - what a run's configuration resolves to, for results that describe themselves. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "policies/policy.h"
#include "sim/device.h"
#include "sim/sim.h"
#include "sim/base/units.h"

/* The value of key= in a "k=v,k=v" list, copied into buf; false if absent. */
static bool opt_value(const char *list, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = strcspn(p + kl + 1, ",");

			snprintf(buf, len, "%.*s", (int)vl, p + kl + 1);
			return true;
		}
	}
	return false;
}

void sim_describe_dev(const char *spec, struct sim_dev_desc *out)
{
	const char *colon = strchr(spec, ':');
	const char *opts = colon ? colon + 1 : "";
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	const struct dev_ops *ops;
	const struct dev_preset *pr = NULL;
	char size[64] = "";

	memset(out, 0, sizeof(*out));
	snprintf(out->model, sizeof(out->model), "%.*s", (int)(n < 31 ? n : 31), spec);
	ops = dev_find(out->model);
	if (!ops) {
		/* a replay's real device, "file:PATH,size=BYTES": its measured size */
		out->has_size = opt_value(opts, "size", size, sizeof(size)) &&
				parse_size(size, &out->size_bytes) == 0;
		return;
	}
	if (!opt_value(opts, "preset", out->preset, sizeof(out->preset)) && ops->default_preset)
		snprintf(out->preset, sizeof(out->preset), "%s", ops->default_preset);
	for (const struct dev_preset *p = ops->presets; out->preset[0] && p && p->name; p++)
		if (!strcmp(p->name, out->preset))
			pr = p;
	if (!opt_value(opts, "size", size, sizeof(size)) &&
	    !(pr && opt_value(pr->options, "size", size, sizeof(size)))) {
		for (const struct opt *o = ops->opts; o && o->name; o++)
			if (!strcmp(o->name, "size") && o->def)
				snprintf(size, sizeof(size), "%s", o->def);
	}
	out->has_size = size[0] && parse_size(size, &out->size_bytes) == 0;
}

const char *sim_policy_name(const struct ssdcache_config *e)
{
	return e->policy ? e->policy->name : "lfu";
}

void sim_describe_config(const struct sim_config *cfg, struct sim_effective *out)
{
	memset(out, 0, sizeof(*out));
	out->engine = cfg->engine;
	snprintf(out->policy, sizeof(out->policy), "%s", sim_policy_name(&cfg->engine));
	snprintf(out->table, sizeof(out->table), "%s", cfg->table);
	sim_describe_dev(cfg->cache_spec, &out->cache);
	sim_describe_dev(cfg->target_spec, &out->target);
}

void sim_format_fingerprint(uint64_t size, uint64_t hash, char *buf, size_t len)
{
	snprintf(buf, len, "t1-%" PRIu64 "-%016" PRIx64, size, hash);
}
