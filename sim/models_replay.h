/* SPDX-License-Identifier: GPL-2.0 */
/* models_replay.h - drive one device model alone with a trace's requests (`models replay`).
 *
 * No cache engine: each data request of the trace goes to the device model as is, and its
 * predicted response (completion - issue, in the model) is kept beside the response the trace
 * measured, if it carries one (trc_rec.latency_ns >= 0). Three issue protocols:
 *
 *   MR_THINK  closed loop at queue depth 1 with think times (DiskSim's validate protocol): the
 *             first request at 0, request i+1 issued think[i] after request i completes in the
 *             model, think[i] = time[i+1] - time[i] - measured[i] (how the disksim-validate
 *             reader encodes it; a negative value is taken as 0);
 *   MR_OPEN   open loop at the trace's times (any number outstanding);
 *   MR_QD     closed loop keeping qd requests outstanding, each issued when one completes.
 *
 * Requests are held in memory (40 bytes each), so the predicted and measured samples can be
 * compared and logged in trace order afterwards.
 */
#ifndef SSDCACHE_MODELS_REPLAY_H
#define SSDCACHE_MODELS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/reader.h"

enum mr_protocol { MR_THINK, MR_OPEN, MR_QD };

struct mr_req {
	uint64_t sector;
	uint64_t time_ns;  /* trace time (MR_OPEN; MR_THINK derives the think time from it) */
	int64_t meas_ns;   /* measured response, -1 unknown */
	uint64_t pred_ns;  /* predicted response (set by mr_run) */
	uint32_t nsect;
	uint8_t op;        /* enum dev_op */
};

struct mr_trace {
	struct mr_req *req;
	size_t n, cap;
	char format[24];
	char event;        /* trc_event() of the reader */
	bool think;        /* DiskSim's validate trace (or an .sct converted from one): the
			    * closed-loop think-time protocol applies */
	uint64_t skipped;  /* records that are not requests for one device (empty flushes count) */
	uint64_t end_ns;   /* simulated time of the last completion (set by mr_run) */
};

/* Read every record of path (opts as the user gave them; for a blkparse/blktrace trace without
 * an --event the device's view, D, is used). 0, or -errno with a located message in err. */
int mr_load(struct mr_trace *tr, const char *path, const struct trc_opts *opts, char *err,
	    size_t errlen);
void mr_free(struct mr_trace *tr);

/* Replay tr on a device made from spec; fills req[].pred_ns. qd is used by MR_QD. 0, or -errno
 * with a message in err (-EINVAL: bad spec, a request beyond the device). */
int mr_run(struct mr_trace *tr, const char *spec, enum mr_protocol proto, unsigned qd,
	   char *err, size_t errlen);

#endif
