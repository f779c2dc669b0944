/* SPDX-License-Identifier: GPL-2.0 */
/* trace_desc.h - a trace's identity and statistics from one pass of the reader, for consumers
 * (the results store, sweeps) that must not read traces themselves. */
#ifndef SSDCACHE_TRACE_DESC_H
#define SSDCACHE_TRACE_DESC_H

#include <stdint.h>
#include <stdio.h>

#include "sim/sim.h"

/* What identifies a trace: a content fingerprint, so the same capture under another path or on
 * another machine is the same trace (sweeps resume, shards merge). */
struct sim_trace_desc {
	char fingerprint[SIM_FINGERPRINT_MAX]; /* sim_format_fingerprint(): the reader's hash of the
						* bytes, and size (older databases hold "c1-..."
						* fingerprints: other traces to us) */
	char format[16];       /* the reader's format name for the source ("blkparse", ...), or "" */
	uint64_t size_bytes;
	const char *path;      /* as given by the user (not owned) */
	/* `trace stats --json` of the trace as read with the run's reader options, or NULL (the
	 * trace is recorded without statistics). Not owned. */
	const char *stats_json;
};

/*
 * For a trace no run described (a replay, a run that did not start, --dry-run, a sweep's
 * source): one pass of the reader. sim_trace_describe fills *out (fingerprint, size, format;
 * path = path) and, when json is not NULL, *json with the `trace stats --json` document of the
 * same pass (free() it; NULL without memory for it). A path that does not exist may name a
 * blktrace capture NAME. Returns 0 or -errno with a located message in err.
 */
int sim_trace_describe(const char *path, const struct trc_opts *opts, struct sim_trace_desc *out,
		       char **json, char *err, size_t errlen);
/* sim_trace_describe without the statistics. */
int sim_trace_identify(const char *path, const struct trc_opts *opts, struct sim_trace_desc *out,
		       char *err, size_t errlen);
/* The statistics document alone (-ENOMEM when it could not be made). */
int sim_trace_stats_json(const char *path, const struct trc_opts *opts, char **json, char *err,
			 size_t errlen);

/*
 * Read the trace at path once (with opts) and write it as .sct at out_path, so every worker of a
 * sweep reads the compact binary form instead of parsing text again. The reader's choices
 * (event, device, order) are kept, so a run on the copy sees exactly the records of a run on the
 * source. counts and format (may be NULL) receive the source reader's counters and format name;
 * stats_json (may be NULL) the `trace stats --json` document of the same pass (free() it; NULL if
 * it could not be made); ident (may be NULL) the source's identity from the same pass
 * (fingerprint, size, format; path and stats_json are left for the caller). Returns 0, or -errno
 * with a located message in err; a partial file is removed.
 */
int sim_trace_convert(const char *path, const struct trc_opts *opts, const char *out_path,
		      struct trc_counts *counts, char *format, size_t format_len, char **stats_json,
		      struct sim_trace_desc *ident, char *err, size_t errlen);

/* Open cfg's trace for a run (its memory image cfg->trace_mem, else cfg->trace_path) with
 * opts: 0, or the error's class (sim/base/errclass.h: err_from_trc_open) with the reader's
 * message in err. */
int sim_trace_open(const struct sim_config *cfg, const struct trc_opts *opts, struct trc **t,
		   char *err, size_t errlen);

/* The trace's description once t has been read to its end: fingerprint, size and format into
 * *out (when not NULL) and, when ts is not NULL, the statistics document of ts into *json
 * (malloc'ed; NULL without memory). Shared by the readers above and sim_run's describe_trace. */
struct trc_stats;
void sim_trace_finish(struct trc *t, struct trc_stats *ts, const char *path,
		      struct sim_trace_desc *out, char **json);

#endif
