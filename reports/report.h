/* SPDX-License-Identifier: GPL-2.0 */
/* report.h - gnuplot figures (PNG and SVG) and an index.html from the runs of a results database. */
#ifndef SSDCACHE_REP_REPORT_H
#define SSDCACHE_REP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/db.h"
#include "reports/query.h"

/*
 * The report groups the selected runs into families: the runs of one sweep (one sweep id),
 * which differ only in the sweep's five parameters (block size, associativity, mode, policy,
 * cache size); runs recorded outside a sweep (`run --db`) form families of their own, by the
 * same rule, so a lone run never adds a point to a sweep's curves. For each family it draws,
 * when the family has the data for it:
 *   hitbs     read hit ratio against block size, one line per associativity
 *   heatmap   block size x associativity, colour = read hit ratio
 *   mrc       read hit ratio against cache size (miss-ratio curve), one line per mode+policy
 *   gap       read miss ratio split into the trace itself (fully associative OPT), placement
 *             (opt in this geometry minus that) and policy (the policy minus opt here), with
 *             fully associative LRU; needs opt runs and the sweep's ref_curves
 *   modes     mode comparison: hit ratio, mean read latency, SSD bytes written
 *   misses    stacked miss explanation (share of read pieces) per configuration
 * and for a few selected runs (best, median and worst by rank_by, or --runs):
 *   series    hit ratio over time
 *   classcdf  piece latency per class (percentile points)
 *   reqcdf    request latency CDF (from the log2 histograms)
 * Each figure is a self-contained gnuplot script in OUT/gnuplot/ (data inline), rendered to
 * OUT/figures/NAME.png (pngcairo) and NAME.svg. index.html shows them with the trace
 * statistics, each family's best configurations (ranked by rank_by) and a table of the runs.
 */

struct rep_report_opts {
	const char *out_dir;             /* created if missing */
	const struct rep_selection *sel; /* which runs (latest_only is forced on) */
	const char *db_label;            /* shown on the page (the database path) */
	const int64_t *runs;             /* run ids for series/latency figures; NULL: automatic */
	size_t nr_runs;
	unsigned max_figures;            /* per kind and family (0: 8) */
	const char *where_text;          /* the --where text, shown on the page (may be NULL) */
	/* What "best" means: the best-configurations table and the selected runs are ranked by
	 * it (rep_rank_name); NULL: read_hit_ratio. */
	const char *rank_by;
};

/* The metrics of rep_report_opts.rank_by: name i, NULL past the end. read_hit_ratio (higher
 * is better), read_mean, read_p99, write_mean (request latencies, lower is better). */
const char *rep_rank_name(size_t i);

struct rep_report_stats {
	unsigned runs;     /* runs in the selection */
	unsigned families;
	unsigned figures;  /* figures drawn */
	unsigned omitted;  /* figures not drawn because of max_figures */
};

/*
 * Write the report. Needs gnuplot (the program named by $SSDCACHE_GNUPLOT, else "gnuplot" on
 * PATH) with the pngcairo and svg terminals. Returns 0; -ENOENT when no run matches (message
 * in err); -errno for I/O, database or gnuplot failures (err names the file or the figure and
 * quotes gnuplot's first error line).
 */
int rep_report_write(struct rep_db *db, const struct rep_report_opts *opts,
		     struct rep_report_stats *stats, char *err, size_t errlen);

#endif
