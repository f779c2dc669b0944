// SPDX-License-Identifier: GPL-2.0
/* sim_run.c - placeholder until the simulation host lands. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/sim.h"

void sim_config_init(struct sim_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->hz = 250;
	cfg->speed = 1.0;
	cfg->interval_ns = 1000000000ULL;
	cfg->explain_misses = true;
}

int sim_run(const struct sim_config *cfg, struct sim_result *res, char *err, size_t errlen)
{
	(void)cfg;
	memset(res, 0, sizeof(*res));
	snprintf(err, errlen, "simulation host not built yet");
	return -ENOSYS;
}

void sim_result_free(struct sim_result *res)
{
	(void)res;
}
