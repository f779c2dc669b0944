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
 * The report groups the selected runs into families: runs on the same trace that differ only
 * in the sweep's five parameters (block size, associativity, mode, policy, cache size). For
 * each family it draws, when the family has the data for it:
 *   hitbs     read hit ratio against block size, one line per associativity
 *   heatmap   block size x associativity, colour = read hit ratio
 *   mrc       read hit ratio against cache size (miss-ratio curve), one line per mode+policy
 *   modes     mode comparison: hit ratio, mean read latency, SSD bytes written
 *   misses    stacked miss explanation (share of read pieces) per configuration
 * and for a few selected runs (best, median and worst hit ratio, or --runs):
 *   series    hit ratio over time
 *   classcdf  piece latency per class (percentile points)
 *   reqcdf    request latency CDF (from the log2 histograms)
 * Each figure is a self-contained gnuplot script in OUT/gnuplot/ (data inline), rendered to
 * OUT/figures/NAME.png (pngcairo) and NAME.svg. index.html shows them with the trace
 * statistics and a table of the runs.
 */

struct rep_report_opts {
	const char *out_dir;             /* created if missing */
	const struct rep_selection *sel; /* which runs (latest_only is forced on) */
	const char *db_label;            /* shown on the page (the database path) */
	const int64_t *runs;             /* run ids for series/latency figures; NULL: automatic */
	size_t nr_runs;
	unsigned max_figures;            /* per kind and family (0: 8) */
	const char *where_text;          /* the --where text, shown on the page (may be NULL) */
};

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
