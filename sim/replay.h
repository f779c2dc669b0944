/* SPDX-License-Identifier: GPL-2.0 */
/* replay.h - drive the engine against real devices (files or block devices) through io_uring. */
#ifndef SSDCACHE_REPLAY_H
#define SSDCACHE_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/sim.h"

struct replay_config {
	struct sim_config sim;    /* trace, table, quirks, qd/speed, logs (device specs unused) */
	const char *cache_path;   /* the cache device: a file or a block device */
	const char *target_path;  /* the target device */
	uint64_t cache_create;    /* a file smaller than this is created/extended to it (0: no) */
	uint64_t target_create;
	bool direct;              /* O_DIRECT */
	bool realtime;            /* SCHED_FIFO during the replay loop (a warning if refused) */
	bool force;               /* overwrite signatures and block devices (never one in use) */
	bool no_prefill;          /* leave what --*-create adds as holes (warned) */
	bool verify;              /* data verification: sector headers written and checked */
	const char *verify_log;   /* every mismatch and never-written read, one line each */
	double inject_cache_read; /* probability of flipping a byte in a read from the cache */
	unsigned long seed;       /* of the injection's GSL RNG */
	double calibrate_seconds; /* --predict: each device's calibration (0: REPLAY_CALIB_SECONDS) */
	const char *calibrate_model[2]; /* ... the cache's and the target's model (NULL: REPLAY_PREDICT_MODEL) */
};

/* What only a replay measures (the rest is in struct sim_result, as for `run`). */
struct replay_result {
	uint64_t cache_size, target_size;   /* bytes */
	uint64_t cache_prefilled, target_prefilled;
	/* open loop: submit time - trace time / speed, per request (closed loop: count 0) */
	struct sim_lat lag;
	uint64_t late_requests;             /* lag > 1 ms */
	uint64_t submit_stalls;             /* io_uring_submit calls that blocked > 100 us */
	uint64_t submit_max_ns;             /* the longest io_uring_submit call */
	bool realtime;                      /* the loop ran real-time (--realtime granted, or under chrt) */
	bool registered_files, fixed_buffers; /* io_uring registrations the kernel accepted */
	/* --verify: read pieces by their worst sector; never_written: pieces with a sector that
	 * this replay did not write (zeros, a prefill, an earlier run's data); racing: pieces
	 * whose device read overlapped a device write of the same sectors in flight; torn: those
	 * with a bad sector among the overlapped ones (a race, not a mismatch) */
	bool verified;
	uint64_t checked_reads, mismatches, stale, misplaced, corrupt, never_written, injected;
	uint64_t racing, torn;
};

/* Replay cfg's trace: the same dm core and engine as sim_run, with io_uring underneath.
 * Returns 0, -EINVAL (configuration, usage; a device refused: exit 2), -ENOSYS (no io_uring),
 * or another -errno with a message in err. res is filled as by sim_run with measured
 * latencies, device counts, busy time and utilisation; rr with the rest. */
int replay_run(const struct replay_config *cfg, struct sim_result *res, struct replay_result *rr,
	       char *err, size_t errlen);

/* The replay's own lines after the summary, and its members of the JSON document
 * (",\"lag_ns\":{...},\"late_requests\":N,..."; docs/json.md). */
void replay_print_text(FILE *fp, const struct replay_config *cfg, const struct replay_result *rr);
void replay_print_json(FILE *fp, const struct replay_config *cfg, const struct replay_result *rr);

#endif
