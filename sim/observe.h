/* SPDX-License-Identifier: GPL-2.0 */
/* observe.h - what a run measures, whatever drives it: statistics, decision log, verifier, miss explanation. */
#ifndef SSDCACHE_OBSERVE_H
#define SSDCACHE_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/dmcore.h"
#include "sim/sim.h"

/*
 * The observer sees the dm core's events (struct dm_hooks) and turns them into a sim_result.
 * The simulator (sim_run.c, simulated devices) and the real-device replay (replay.c, io_uring)
 * share it, so both report the same figures the same way. It reads the time through now().
 */
struct observer;

/* Set up for cfg; res is cleared and filled as the run goes. Returns 0 or -errno with err. */
int obs_new(struct observer **out, const struct sim_config *cfg, struct sim_result *res,
	    uint64_t (*now)(void *arg), void *now_arg, char *err, size_t errlen);
void obs_free(struct observer *o);
/* The hooks to hand to dm_create. */
struct dm_hooks obs_hooks(struct observer *o);
/* dm_set_last_piece_done's fn for obs_hooks' piece_done and req_done (obs: the observer). */
void obs_last_piece_done(void *obs, struct dm_piece *p, int error, uint64_t now);
/* Once the target exists: size the miss explanation's shadow cache after it. */
int obs_set_target(struct observer *o, struct ssdcache_ctx *sc);

/* The reader the records come from, for warnings that name a record (trc_position); may be
 * left unset (warnings then count records). */
void obs_set_trace(struct observer *o, const struct trc *t);
/* A trace record: false (counted) if the simulator must skip it (zero length, beyond the end). */
bool obs_admit(struct observer *o, const struct trc_rec *rec, uint64_t target_sectors);
/* A hint before earlier events run: the record's metadata will be touched soon. */
void obs_prefetch(struct observer *o, struct ssdcache_ctx *sc, const struct trc_rec *rec);
/* Account a request dm_req_from_rec made of an admitted record arriving at t: its version (a
 * write's, for the verifier), the counts, the series. */
void obs_request(struct observer *o, struct dm_req *q, const struct trc_rec *rec, uint64_t t);
/* Requests submitted and not completed yet. */
uint64_t obs_outstanding(const struct observer *o);

/* A hook asked the run to stop (--seed-crash abort): the message, else NULL. */
const char *obs_stopped(const struct observer *o);
/* The reader's warnings (one per line) through cfg->warn, e.g. a CPU file missing. */
void obs_trace_warnings(struct observer *o, struct trc *t);
/* The warning `run` and `replay` give when obs_admit skipped requests beyond the end of a
 * target of target_bytes; remedy says what to do about it. Nothing when none were skipped. */
void obs_warn_beyond_end(struct observer *o, uint64_t target_bytes, const char *remedy);
/* A warning through cfg->warn. */
void obs_warn(struct observer *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Device counters after the warm-up: the driver says how to read both devices' counters at a
 * time (out[0] the cache, out[1] the target; qd_area_ns the integral of the queue depth over
 * the same span as mean_queue_depth), and the observer reads them at the warm-up point and
 * subtracts (the models keep cumulative counters). */
struct obs_dev_snap {
	struct dev_stats st;
	double qd_area_ns;
};
typedef void (*obs_dev_snap_fn)(void *arg, uint64_t now_ns, struct obs_dev_snap out[2]);
void obs_set_dev_snapshot(struct observer *o, obs_dev_snap_fn fn, void *arg);
/* The same for simulated devices (dev_get_stats); obs_finish then subtracts by itself. */
void obs_set_devices(struct observer *o, const struct dev *cache, const struct dev *target);
/* After the driver filled res->cache_dev/target_dev at end_ns (replay): overwrite them and the
 * utilisations with what happened after the warm-up. Nothing without a warm-up. */
void obs_devices_since_warmup(struct observer *o, uint64_t end_ns);

/* The end: counters, status, latencies, devices (NULL: none), verifier; then the logs are
 * written. Returns 0, -EIO with err (a log could not be written) or -ERANGE with err (the
 * warm-up never ended: nothing was measured; the logs are written all the same). */
int obs_finish(struct observer *o, struct dm_core *dm, const struct dev *cache,
	       const struct dev *target, uint64_t end_ns, double wall_seconds, char *err,
	       size_t errlen);

#endif
