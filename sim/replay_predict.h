/* SPDX-License-Identifier: GPL-2.0 */
/* replay_predict.h - replay --predict: the same trace through the simulator, against the measurement. */
#ifndef SSDCACHE_REPLAY_PREDICT_H
#define SSDCACHE_REPLAY_PREDICT_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/demerit.h"
#include "sim/replay.h"
#include "sim/sim.h"

/* Request latencies by enum sim_op, collected through sim_config.on_req_done. */
struct lat_samples {
	double *v[SIM_OP_NR];
	size_t n[SIM_OP_NR], cap[SIM_OP_NR];
};
void lat_samples_add(void *samples, int op, double latency_ns); /* an on_req_done */
void lat_samples_free(struct lat_samples *s);

/* The model --predict calibrates each device with by default (replay_predict.c says why). */
#define REPLAY_PREDICT_MODEL "fixed"
/* ... and for how long, by default (replay_config.calibrate_seconds) */
#define REPLAY_CALIB_SECONDS 4.8

struct replay_prediction {
	char cache_model[1024], target_model[1024];
	bool calibrated;                 /* the models came from calib_run (ssd), not the user */
	bool cache_reads_only, target_reads_only; /* ... on read points only (the replay wrote none) */
	uint32_t max_bs;                 /* ... and blocks up to the cache block size */
	bool shared_disk;                /* both calibrated, on one disk: pool=disk on both */
	double calib_seconds;            /* each device's calibration */
	char calib_model[2][8];          /* ... and their models: the cache's, the target's */
	struct sim_result sim;           /* the simulator's run of the trace */
	struct demerit op[SIM_OP_NR];    /* per operation, from the samples */
	bool op_ok[SIM_OP_NR];
	struct demerit all;              /* every request */
	bool all_ok;
	/* quantiles of each side for the CDF overlay (sim_pred_row): [SIM_OP_NR] is every request */
	bool q_ok[SIM_OP_NR + 1];
	double mq[SIM_OP_NR + 1][SIM_PRED_QUANTILES], pq[SIM_OP_NR + 1][SIM_PRED_QUANTILES];
};

/*
 * After the replay: models given (cache_model / target_model, NULL: calibrate the device
 * with calib_run, model REPLAY_PREDICT_MODEL, about 5 s each; both calibrated and on one disk,
 * devprobe_same_disk: one server pool for the two, pool=disk), run the simulator on rc->sim's
 * trace with the same table, quirks and replay mode, and compare the request latencies with `measured`
 * (collected during the replay) by the Ruemmler-Wilkes demerit (sim/demerit.h). mres is the
 * replay's result: a device it did not write is calibrated on reads only (never written), and
 * only up to the cache block size (the largest I/O the dm core sends); --realtime calibrates
 * SCHED_FIFO too, so that both sides are measured alike.
 * Returns 0 or -errno with err.
 */
int replay_predict(const struct replay_config *rc, const struct sim_result *mres, const char *cache_model,
		   const char *target_model, const struct lat_samples *measured, struct replay_prediction *p, char *err, size_t errlen);
void replay_prediction_free(struct replay_prediction *p);

void replay_print_prediction(FILE *fp, const struct sim_result *measured, const struct replay_prediction *p);
void replay_print_prediction_json(FILE *fp, const struct sim_result *measured, const struct replay_prediction *p);

/* What the results store records of a replay (sim_result.replay): rr's lag figures and, with
 * p (NULL: no prediction), the rows printed by replay_print_prediction with their quantiles. */
void replay_fill_record(const struct replay_result *rr, const struct sim_result *mres,
			const struct replay_prediction *p, struct sim_replay_record *out);

#endif
