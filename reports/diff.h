/* SPDX-License-Identifier: GPL-2.0 */
/* diff.h - two recorded runs side by side: the parameters that differ, and every metric with its
 * absolute and relative difference (`ssdcache-sim db diff`). */
#ifndef SSDCACHE_REP_DIFF_H
#define SSDCACHE_REP_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "reports/db.h"

/*
 * The comparison reads the tables generically (every column of `runs`, `results` and
 * `device_stats`, every row of `outcomes` and `latency`), so a column a later schema adds is
 * compared without a change here. Configuration: the columns of `runs` except the run's identity
 * and bookkeeping (ids, times, host, command line, status, the derived table text and config
 * key), plus the trace's fingerprint; only those that differ are shown. Metrics, named as in
 * the JSON:
 *   <column>                          results (hit ratios, counters, traffic, miss reasons, ...)
 *   outcome.<OUTCOME>                 first cte_match outcome counts (absent: 0)
 *   latency.<scope>.<name>.<field>    count, mean, p50, p90, p99, p99.9, max (ns) per class / op
 *   device.<role>.<column>            device_stats of the cache and the target (bytes, util, ...)
 *   device.<role>.<name>              device_counters: the models' own (write amplification, ...)
 * diff = B - A, rel = (B - A) / |A| (none when A is 0 or either is missing).
 */

/* One side: a run id, or a --where expression (reports/query.h) that must select exactly one
 * run (ok runs only, unless the expression names status). */
struct rep_diff_side {
	int64_t run_id;    /* when where is NULL */
	const char *where;
};

/* The run a side names. 0; -ENOENT (no such run / the filter matches none), -ENOTUNIQ (the
 * filter matches several: the message lists their ids), -EINVAL (bad filter: a usage error),
 * or another -errno from the database. The message names the side ("A" or "B"). */
int rep_diff_resolve(struct rep_db *db, const char *label, const struct rep_diff_side *side,
		     int64_t *run_id, char *err, size_t errlen);

struct rep_diff_opts {
	bool json; /* one JSON object (every metric, equal or not) */
	bool all;  /* text: also the metrics that are equal */
};

/* Compare runs a and b (both exist) and print to out. 0 or -errno (-ENOMEM, -EIO) with err. */
int rep_diff_print(struct rep_db *db, int64_t a, int64_t b, const struct rep_diff_opts *o,
		   FILE *out, char *err, size_t errlen);

#endif
