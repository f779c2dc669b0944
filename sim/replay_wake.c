// SPDX-License-Identifier: GPL-2.0
/* replay_wake.c - the wake-up margin's quantile tracker (replay_wake.h). */
#include "sim/replay_wake.h"

double rwake_update(double margin_ns, uint64_t late_ns)
{
	double m = margin_ns + ((double)late_ns > margin_ns ? RWAKE_STEP_NS * RWAKE_Q : -RWAKE_STEP_NS * (1 - RWAKE_Q));

	return m < RWAKE_MIN_NS ? RWAKE_MIN_NS : m > RWAKE_MAX_NS ? RWAKE_MAX_NS : m;
}
