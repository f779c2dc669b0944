/* SPDX-License-Identifier: GPL-2.0 */
/* sweep.h - run many configurations in worker processes, one writer recording each into SQLite. */
#ifndef SSDCACHE_REP_SWEEP_H
#define SSDCACHE_REP_SWEEP_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/db.h"
#include "sim/sim.h"

/*
 * The executor forks one worker process per configuration, at most `jobs` at a time. A worker
 * runs the simulation and sends its struct sim_result (and time series) back over a pipe; the
 * parent is the only process that writes the database, one transaction per run. So:
 *  - SIGINT/SIGTERM: the parent stops starting runs, kills the workers in flight, records
 *    nothing of them, and returns -EINTR; every run recorded so far is complete.
 *  - SIGKILL of the parent: workers die with it (PR_SET_PDEATHSIG); the transaction in
 *    progress, if any, is rolled back by SQLite's WAL on the next open.
 * A configuration already recorded (ok or invalid) for the trace is skipped, so running the
 * same sweep again resumes it.
 * A worker's stderr goes to a memory file the parent copies to its own stderr when the worker
 * ends; a worker that ends without a result (an internal error, exit 3, or any signal) is
 * recorded as failed with its status and the last line it wrote, and the sweep goes on.
 */

struct rep_sweep_job {
	struct sim_config cfg;           /* complete, as recorded (the user's trace path) */
	char key[REP_CONFIG_KEY_MAX];    /* rep_config_key(&cfg) */
	char label[128];                 /* "bs 64 assoc 4 writeback 1G lru", for messages */
};

/* The simulation a worker runs (sim_run; tests pass their own). */
typedef int (*rep_run_fn)(const struct sim_config *cfg, struct sim_result *res, char *err,
			  size_t errlen);

struct rep_sweep_opts {
	unsigned jobs;                 /* worker processes (>= 1) */
	bool progress;                 /* one progress line on stderr, rewritten in place */
	const char *sweep_id;          /* recorded with every run; may be NULL */
	const char *command_line;      /* recorded with every run; may be NULL */
	const struct sim_trace_desc *trace; /* the source trace's identity (not a converted copy) */
	/* What the workers read instead of cfg.trace_path (a converted .sct copy), or NULL. */
	const char *run_trace_path;
	const struct trc_opts *run_trace_opts; /* with run_trace_path */
	/* run_trace_path mapped in memory by the caller before the workers fork, so that every
	 * worker reads the same pages (decoded once, shared) instead of reading the file; NULL:
	 * each worker reads run_trace_path (or the source). */
	const void *run_trace_mem;
	size_t run_trace_mem_len;
	/* The source reader's counters and format, recorded instead of what the workers' reader of
	 * the converted copy saw (skipped lines exist only in the source). NULL: the workers'. */
	const struct trc_counts *source_counts;
	const char *source_format;
	rep_run_fn run;                /* NULL: sim_run */
};

struct rep_sweep_stats {
	unsigned total;      /* configurations given */
	unsigned already;    /* found in the database before starting */
	unsigned ok, invalid, failed; /* recorded by this call */
	unsigned crashed;    /* of failed: an internal error (status 3) or a signal ended it */
	unsigned lost;       /* in flight when interrupted (not recorded) */
	double wall_seconds;
};

/*
 * Run the configurations of jobs[0..n) that the database does not have yet. Returns 0 when
 * every configuration ran (failed runs are recorded and counted, they do not stop the sweep),
 * -EINTR when interrupted by SIGINT/SIGTERM, or -errno when the database refused a write
 * (message in err; the runs in flight are lost, the recorded ones stay). Installs SIGINT and
 * SIGTERM handlers for its duration and restores the previous ones.
 */
int rep_sweep_execute(struct rep_db *db, const struct rep_sweep_job *jobs, size_t n,
		      const struct rep_sweep_opts *opts, struct rep_sweep_stats *stats, char *err,
		      size_t errlen);

#endif
