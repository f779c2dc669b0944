/* SPDX-License-Identifier: GPL-2.0 */
/* replay.h - drive the engine against real devices (files or block devices) through io_uring. */
#ifndef SSDCACHE_REPLAY_H
#define SSDCACHE_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

struct replay_config {
	struct sim_config sim;    /* trace, table, quirks, qd/speed, logs (device specs unused) */
	const char *cache_path;   /* the cache device: a file or a block device */
	const char *target_path;  /* the target device */
	uint64_t cache_create;    /* a file smaller than this is created/extended to it (0: no) */
	uint64_t target_create;
	bool direct;              /* O_DIRECT */
	bool force;               /* allow block devices (their data is overwritten) */
};

/* Replay cfg's trace: the same dm core and engine as sim_run, with io_uring underneath.
 * Returns 0, -EINVAL (configuration, usage), -ENOSYS (no io_uring), or another -errno with a
 * message in err. res is filled as by sim_run; device statistics hold counts only. */
int replay_run(const struct replay_config *cfg, struct sim_result *res, char *err, size_t errlen);

#endif
