// SPDX-License-Identifier: GPL-2.0
/* test_report.c - --where parsing and refusals, exports, and a report drawn from constructed runs. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "policies/policy.h"
#include "reports/db.h"
#include "reports/db_refs.h"
#include "reports/query.h"
#include "reports/report.h"
#include "reports/rep_util.h"
#include "tests/lib/rep_fixture.h"
#include "tests/lib/test_main.h"

static const unsigned long bss[] = {16, 64, 256};
static const unsigned assocs[] = {1, 4};
static const char *const sizes[] = {"256M", "1G"};

/* A made-up but monotone shape: larger caches and associativities hit more. The numbers only
 * feed the plumbing; no figure of this test is published. */
static double shape(unsigned long bs, unsigned assoc, int size_idx, int mode)
{
	return 0.2 + 0.15 * size_idx + 0.05 * (assoc > 1) + 0.03 * log2((double)bs) / 8 + 0.05 * mode;
}

static int setup(void **state)
{
	struct fx *f;
	struct rep_db *db;

	fx_setup(state);
	f = *state;
	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	for (int m = 0; m < 2; m++)
		for (int s = 0; s < 2; s++)
			for (size_t a = 0; a < 2; a++)
				for (size_t b = 0; b < 3; b++)
					fx_record(f, db, bss[b], assocs[a],
						  m ? CACHE_MODE_WRITEBACK : CACHE_MODE_WRITETHROUGH, sizes[s],
						  shape(bss[b], assocs[a], s, m), 6, NULL);
	rep_db_close(db);
	return 0;
}

static void where_err(const char *expr, const char *want)
{
	struct rep_where *w = (void *)1;
	char err[512];

	assert_int_equal(rep_where_parse(expr, &w, err, sizeof(err)), -EINVAL);
	assert_null(w);
	if (!strstr(err, want))
		fail_msg("--where %s: got \"%s\", want \"%s\"", expr, err, want);
}

static void test_where_parse(void **state)
{
	struct rep_where *w;
	char err[512];

	(void)state;
	assert_int_equal(rep_where_parse("block_size >= 64 and mode in (writeback, 'readcache') and "
					 "not (cache_size = 1G or policy ~ 'l%')",
					 &w, err, sizeof(err)),
			 0);
	assert_string_equal(rep_where_sql(w), "(block_size >= ?1) AND (mode IN (?2, ?3)) AND NOT "
					      "((cache_size = ?4) OR (policy LIKE ?5))");
	assert_true(rep_where_mentions(w, "mode"));
	assert_false(rep_where_mentions(w, "status"));
	rep_where_free(w);
	assert_int_equal(rep_where_parse("", &w, err, sizeof(err)), 0);
	assert_string_equal(rep_where_sql(w), "1");
	rep_where_free(w);
	/* Aliases and percentages. */
	assert_int_equal(rep_where_parse("blocksize=8 AND read_hit_ratio > 40%", &w, err, sizeof(err)), 0);
	rep_where_free(w);

	where_err("blok_size = 8", "column 1: unknown field 'blok_size' (did you mean 'block_size'?)");
	where_err("mode = writeback and zzzzzzzz = 1", "column 22: unknown field 'zzzzzzzz'");
	where_err("block_size = big", "column 14: block_size expects a whole number, not 'big'");
	where_err("cache_size > 1X", "cache_size expects a size");
	where_err("block_size ~ 8", "applies to text fields");
	where_err("mode = 'writeback", "unterminated string");
	where_err("(mode = writeback", "expected ')' to close the '(' at column 1");
	where_err("mode writeback", "expected an operator");
	where_err("mode = writeback extra", "unexpected 'extra'");
	where_err("mode ! writeback", "not an operator");
	/* SQL in a value is a value: quoted text is bound, never pasted. */
	assert_int_equal(rep_where_parse("mode = 'x''); DROP TABLE runs; --'", &w, err, sizeof(err)), 0);
	assert_null(strstr(rep_where_sql(w), "DROP"));
	rep_where_free(w);
	where_err("mode = x; DROP TABLE runs", "column 9: unexpected ';'");
}

static void test_select_and_export(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	struct rep_where *w;
	struct rep_selection sel = {0};
	char path[400];
	size_t rows;
	FILE *fp;
	int version;

	assert_int_equal(rep_db_open_readonly(f->db, &db, &version, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_where_parse("mode = writeback and cache_size = 1G and assoc in (4)", &w,
					 f->err, sizeof(f->err)),
			 0);
	sel.where = w;
	snprintf(path, sizeof(path), "%s/x.csv", f->dir);
	fp = fopen(path, "w");
	assert_int_equal(rep_export_csv(db, &sel, fp, &rows, f->err, sizeof(f->err)), 0);
	fclose(fp);
	assert_int_equal(rows, 3);
	snprintf(path, sizeof(path), "%s/x.json", f->dir);
	fp = fopen(path, "w");
	assert_int_equal(rep_export_json(db, &sel, fp, &rows, f->err, sizeof(f->err)), 0);
	fclose(fp);
	assert_int_equal(rows, 3);
	rep_where_free(w);
	/* The JSON is valid (python's json module is the judge when present). */
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd),
			 "command -v python3 >/dev/null || exit 0; python3 -c 'import json,sys; "
			 "d=json.load(open(sys.argv[1])); assert len(d)==3 and d[0][\"mode\"]==\"writeback\"' %s",
			 path);
		assert_int_equal(system(cmd), 0);
	}
	/* status is filterable; mentioning it drops the default status='ok'. No run matches: an
	 * error (as for the HTML report), and not a byte written (no header-only CSV, no []). */
	assert_int_equal(rep_where_parse("status != 'ok'", &w, f->err, sizeof(f->err)), 0);
	sel.where = w;
	for (int json = 0; json < 2; json++) {
		char *buf = NULL;
		size_t len = 0;

		fp = open_memstream(&buf, &len);
		assert_non_null(fp);
		assert_int_equal(json ? rep_export_json(db, &sel, fp, &rows, f->err, sizeof(f->err))
				      : rep_export_csv(db, &sel, fp, &rows, f->err, sizeof(f->err)),
				 -ENOENT);
		assert_non_null(strstr(f->err, "no run matches"));
		fclose(fp);
		assert_int_equal(len, 0);
		free(buf);
	}
	rep_where_free(w);
	rep_db_close(db);
}

static bool nonempty(const char *dir, const char *name)
{
	char p[600];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &sb) == 0 && sb.st_size > 0;
}

/* ---- the data behind the figures of setup()'s runs, computed from shape() ---- */

/* Append printf output to buf (of BUF_LEN) at *n. */
#define BUF_LEN 8192
static void cat(char *buf, size_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void cat(char *buf, size_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*n += (size_t)vsnprintf(buf + *n, BUF_LEN - *n, fmt, ap);
	va_end(ap);
	assert_true(*n < BUF_LEN);
}

/* The family's description in a title, as gnuplot reads it (the title's line break is \\n). */
#define FAMILY "; t.blkparse.txt, runs outside a sweep;\\nquirks "

/* Datablocks $d0 .. $d(nl - 1) of np points each: x[p] (to prec digits), 100 * hit(l, p). */
static void cat_lines(char *want, size_t *n, int nl, int np, int prec, const double *x,
		      double (*hit)(int l, int p))
{
	for (int l = 0; l < nl; l++) {
		cat(want, n, "$d%d << EOD\n", l);
		for (int p = 0; p < np; p++)
			cat(want, n, "%.*g %.6g\n", prec, x[p], 100.0 * hit(l, p));
		cat(want, n, "EOD\n");
	}
}

/* hitbs' line l (associativity) at block size p; mrc's line l (mode) at cache size p. */
static double hitbs_hit(int l, int p) { return shape(bss[p], assocs[l], 0, 0); }
static double mrc_hit(int l, int p) { return shape(16, 1, p, l); }

/* Fail unless the script gp has every piece of the NULL-terminated list. */
static void want_all(const char *gp, const char *name, const char *const *pieces)
{
	for (; *pieces; pieces++)
		fx_want(gp, name, *pieces);
}

/* Fail unless the file of dir has every piece of the NULL-terminated list. */
static void want_file(const char *dir, const char *file, const char *const *pieces)
{
	char *text = fx_slurp(dir, file);

	want_all(text, file, pieces);
	free(text);
}

/* A figure of lines: its datablocks (cat_lines) and the pieces of its script. */
struct line_fig {
	const char *file;
	int nl, np, prec;
	const double *x;
	double (*hit)(int l, int p);
	const char *const *script;
};

static void check_lines(const char *out, const struct line_fig *lf)
{
	char *gp = fx_slurp(out, lf->file), want[BUF_LEN];
	size_t n = 0;

	cat_lines(want, &n, lf->nl, lf->np, lf->prec, lf->x, lf->hit);
	fx_want(gp, lf->file, want);
	want_all(gp, lf->file, lf->script);
	free(gp);
}

/* f1-heatmap-1: the same slice as cells (block index, assoc index, hit %), a row per assoc. */
static void check_heatmap(const char *out)
{
	char *gp = fx_slurp(out, "gnuplot/f1-heatmap-1.gp"), want[BUF_LEN];
	double lo = 100, hi = 0;
	size_t n = 0;

	cat(want, &n, "$d << EOD\n");
	for (size_t a = 0; a < 2; a++) {
		for (size_t b = 0; b < 3; b++) {
			double v = 100.0 * shape(bss[b], assocs[a], 0, 0);

			cat(want, &n, "%zu %zu %.6g\n", b, a, v);
			lo = fmin(lo, v);
			hi = fmax(hi, v);
		}
		cat(want, &n, "\n");
	}
	cat(want, &n, "EOD\n");
	fx_want(gp, "f1-heatmap-1.gp", want);
	n = 0;
	cat(want, &n, "set cbrange [%.6g:%.6g]\n", lo, hi);
	fx_want(gp, "f1-heatmap-1.gp", want);
	fx_want(gp, "f1-heatmap-1.gp", "set title \"Read hit ratio (%), block size x associativity"
				       "\\nwritethrough, lru, cache 256 MiB" FAMILY);
	fx_want(gp, "f1-heatmap-1.gp", "set xlabel \"block size\"\nset ylabel \"associativity\"\n"
				       "set cblabel \"read hit ratio (%)\"\n");
	fx_want(gp, "f1-heatmap-1.gp", "set xtics (\"8K\" 0, \"32K\" 1, \"128K\" 2)\n"
				       "set ytics (\"1\" 0, \"4\" 1)\n");
	fx_want(gp, "f1-heatmap-1.gp", "plot $d using 1:2:3 with image notitle, \\\n");
	free(gp);
}

/* The figures of lines:
 * f1-hitbs-1: writethrough, lru, 256 MiB; a line per associativity of (KiB, hit %) points;
 * f1-mrc-1: block 8 KiB, assoc 1; a line per mode of (cache GiB, hit %). */
static void check_line_figs(const char *out)
{
	static const double kib[] = {8, 32, 128}, gib[] = {0.25, 1};
	static const char *const hitbs[] = {
		"set title \"Read hit ratio vs block size\\nwritethrough, lru, cache 256 MiB" FAMILY,
		"set xlabel \"block size (KiB, log scale)\"\nset ylabel \"read hit ratio (%)\"\n"
		"set logscale x 2\n",
		"set xtics (\"8K\" 8, \"32K\" 32, \"128K\" 128)\n",
		"plot $d0 using 1:2 with linespoints ",
		" title \"1\", \\\n  $d1 using 1:2 with linespoints ",
		" title \"4\"\n",
		NULL};
	static const char *const mrc[] = {
		"set title \"Read hit ratio vs cache size\\nblock 8KiB, assoc 1" FAMILY,
		"set xlabel \"cache size (log scale)\"\nset ylabel \"read hit ratio (%)\"\n",
		"set xtics (\"256 MiB\" 0.25, \"1 GiB\" 1)\n",
		"plot $d0 using 1:2 with linespoints ",
		" title \"writethrough, lru\", \\\n  $d1 using 1:2 with linespoints ",
		" title \"writeback, lru\"\n",
		NULL};
	static const struct line_fig figs[] = {
		{"gnuplot/f1-hitbs-1.gp", 2, 3, 6, kib, hitbs_hit, hitbs},
		{"gnuplot/f1-mrc-1.gp", 2, 2, 9, gib, mrc_hit, mrc},
	};

	for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
		check_lines(out, &figs[i]);
}

/* f1-modes-1: lru, 256 MiB, at the default associativity (4: both have as many runs); per
 * block size a bar per mode in three panels: hit %, mean read latency (ms), MiB written. */
static void check_modes(const char *out)
{
	char *gp = fx_slurp(out, "gnuplot/f1-modes-1.gp"), want[BUF_LEN];
	static const char *const labels[] = {"8K", "32K", "128K"};
	struct sim_result r;
	size_t n = 0;

	fx_result(&r, 0.5, 0); /* what every run recorded besides its hit ratio */
	for (int p = 0; p < 3; p++) {
		cat(want, &n, "$%s << EOD\nbs writethrough writeback\n",
		    p == 0 ? "hit" : p == 1 ? "lat" : "ssd");
		for (size_t b = 0; b < 3; b++) {
			cat(want, &n, "%s", labels[b]);
			for (int m = 0; m < 2; m++)
				cat(want, &n, " %.6g",
				    p == 0   ? 100.0 * shape(bss[b], 4, 0, m)
				    : p == 1 ? r.lat_op[SIM_OP_READ].mean_ns / 1e6
					     : (double)r.cache_dev.bytes_written / 1048576.0);
			cat(want, &n, "\n");
		}
		cat(want, &n, "EOD\n");
	}
	fx_result_free(&r);
	fx_want(gp, "f1-modes-1.gp", want);
	fx_want(gp, "f1-modes-1.gp", "set multiplot layout 1,3 title \"Mode comparison\\nassoc 4, lru, "
				     "cache 256 MiB" FAMILY);
	fx_want(gp, "f1-modes-1.gp", "set xlabel \"block size\"\n");
	fx_want(gp, "f1-modes-1.gp", "set ylabel \"read hit ratio (%)\"\nplot $hit using 2:xtic(1) title "
				     "columnheader lc rgb \"#0072B2\", $hit using 3 title columnheader");
	fx_want(gp, "f1-modes-1.gp", "set ylabel \"mean read latency (ms)\"\nplot $lat using 2:xtic(1) ");
	fx_want(gp, "f1-modes-1.gp", "set ylabel \"written to the cache device (MiB)\"\n"
				     "plot $ssd using 2:xtic(1) ");
	free(gp);
}

static void test_report_figures(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	struct rep_report_opts o = {.out_dir = f->out, .db_label = "r.db"};
	struct rep_report_stats st;
	int version;

	/* gnuplot is a dependency (scripts/install-deps): without it, this fails, it does not skip. */
	if (system("command -v gnuplot >/dev/null") != 0)
		fail_msg("gnuplot not installed (Debian: gnuplot-nox; see scripts/install-deps)");
	assert_int_equal(rep_db_open_readonly(f->db, &db, &version, f->err, sizeof(f->err)), 0);
	if (rep_report_write(db, &o, &st, f->err, sizeof(f->err)))
		fail_msg("%s", f->err);
	assert_int_equal(st.runs, 24);
	assert_int_equal(st.families, 1);
	/* 4 hitbs + 4 heatmaps + 6 mrc + 2 modes + 4 misses + series + 3 classcdf + reqcdf */
	assert_int_equal(st.figures, 4 + 4 + 6 + 2 + 4 + 1 + 3 + 1);
	assert_true(nonempty(f->out, "index.html"));
	assert_true(nonempty(f->out, "figures/f1-hitbs-1.png"));
	assert_true(nonempty(f->out, "figures/f1-hitbs-1.svg"));
	assert_true(nonempty(f->out, "figures/selected-series.png"));
	assert_true(nonempty(f->out, "figures/selected-reqcdf.svg"));
	check_line_figs(f->out);
	check_heatmap(f->out);
	check_modes(f->out);

	/* --max-figures caps each kind; the page says what was left out. */
	o.max_figures = 1;
	assert_int_equal(rep_report_write(db, &o, &st, f->err, sizeof(f->err)), 0);
	assert_int_equal(st.figures, 5 + 5);
	assert_true(st.omitted > 0);
	assert_false(nonempty(f->out, "figures/f1-hitbs-2.png")); /* stale figures removed */

	/* Nothing matches: -ENOENT with the expression in the message. */
	struct rep_where *w;
	struct rep_selection sel = {0};

	assert_int_equal(rep_where_parse("block_size = 12345", &w, f->err, sizeof(f->err)), 0);
	sel.where = w;
	o.sel = &sel;
	o.where_text = "block_size = 12345";
	assert_int_equal(rep_report_write(db, &o, &st, f->err, sizeof(f->err)), -ENOENT);
	assert_non_null(strstr(f->err, "block_size = 12345"));
	rep_where_free(w);

	/* gnuplot that fails: an error naming the script, not a silent empty page. */
	setenv("SSDCACHE_GNUPLOT", "false", 1);
	o.sel = NULL;
	o.where_text = NULL;
	assert_int_equal(rep_report_write(db, &o, &st, f->err, sizeof(f->err)), -EIO);
	assert_non_null(strstr(f->err, "gnuplot failed on"));
	setenv("SSDCACHE_GNUPLOT", "/nonexistent/gnuplot", 1);
	assert_int_equal(rep_report_write(db, &o, &st, f->err, sizeof(f->err)), -ENOENT);
	assert_non_null(strstr(f->err, "gnuplot not found"));
	unsetenv("SSDCACHE_GNUPLOT");
	rep_db_close(db);
}

/* ---- the data behind the figures: a small sweep with known numbers ---- */

/* Hit ratio of the small sweep below: every parameter adds a known amount, so each figure's
 * points can be written down by hand. */
static double known_hit(unsigned long bs, unsigned assoc, bool opt, int size_idx)
{
	return 0.10 + 0.05 * (bs == 32) + 0.02 * (assoc == 4) + 0.2 * opt + 0.1 * size_idx;
}

static const char *const known_sizes[] = {"1M", "2M"};

/* A sweep "sw" of 2 cache sizes x 2 policies x 2 block sizes x 2 associativities, a lone run
 * (no sweep) at another cache size, and the sweep's reference curves. The read p99 latency
 * rises with the hit ratio, so ranking by it reverses the ranking by hit ratio. */
static int setup_known(void **state)
{
	struct fx *f;
	struct rep_db *db;
	struct sim_trace_desc tr;
	struct rep_run_info info = {.sweep_id = "sw"};
	int64_t tid;

	fx_setup(state);
	f = *state;
	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	assert_int_equal(sim_trace_identify(f->trace, NULL, &tr, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_db_record_sweep(db, "sw", &tr, "sweep ...", 16, f->err, sizeof(f->err)), 0);
	for (int s = 0; s < 2; s++)
		for (int p = 0; p < 2; p++)
			for (unsigned long bs = 8; bs <= 32; bs *= 4)
				for (unsigned a = 1; a <= 4; a *= 4) {
					struct sim_config cfg;
					struct sim_result res;
					double hit = known_hit(bs, a, p, s);

					fx_config(&cfg, f->trace, bs, a, CACHE_MODE_WRITETHROUGH, known_sizes[s]);
					cfg.engine.policy = p ? pol_find("opt") : &pol_lru;
					assert_non_null(cfg.engine.policy);
					snprintf(cfg.table, sizeof(cfg.table),
						 "blocksize %lu assoc %u writethrough options 1 %s", bs, a,
						 p ? "opt" : "lru");
					fx_result(&res, hit, 3);
					res.lat_op[SIM_OP_READ].p99_ns = 1e6 * (1 + 10 * hit);
					if (rep_db_record_run_ex(db, &cfg, &res, &info, NULL, f->err, sizeof(f->err)))
						fail_msg("%s", f->err);
					fx_result_free(&res);
				}
	fx_record(f, db, 8, 1, CACHE_MODE_WRITETHROUGH, "4M", 0.9, 3, NULL);
	assert_int_equal(rep_refs_trace_id(db, tr.fingerprint, &tid, f->err, sizeof(f->err)), 1);
	{
		struct rep_ref refs[8];
		size_t n = 0;

		for (int s = 0; s < 2; s++)
			for (unsigned long bs = 8; bs <= 32; bs *= 4)
				for (int p = 0; p < 2; p++) {
					struct rep_ref *r = &refs[n++];

					memset(r, 0, sizeof(*r));
					r->block_bytes = bs * 512;
					r->size_bytes = (uint64_t)(s + 1) << 20;
					snprintf(r->policy, sizeof(r->policy), "%s", p ? "opt" : "lru");
					r->reads_only = true;
					r->accesses = 1000;
					/* fully associative: LRU 80 %, OPT 60 % misses (minus 10 at 2M) */
					r->misses = (uint64_t)(p ? 600 : 800) - 100 * (uint64_t)s;
				}
		assert_int_equal(rep_refs_store(db, tid, refs, n, f->err, sizeof(f->err)), 0);
	}
	rep_db_close(db);
	return 0;
}

static void test_report_data(void **state)
{
	struct fx *f = *state;
	struct rep_db *db;
	struct rep_report_opts o = {.out_dir = f->out, .db_label = "r.db"};
	struct rep_report_stats st;
	char *gp;
	int version;

	assert_int_equal(rep_db_open_readonly(f->db, &db, &version, f->err, sizeof(f->err)), 0);
	if (rep_report_write(db, &o, &st, f->err, sizeof(f->err)))
		fail_msg("%s", f->err);
	/* The sweep is one family; the lone run (same trace, same fixed parameters) another. */
	assert_int_equal(st.runs, 17);
	assert_int_equal(st.families, 2);

	/* hitbs of (writethrough, lru, 1 MiB): one line per associativity, x in KiB, y in %, the
	 * y axis from 0 (differences are not inflated). */
	static const char *const hitbs[] = {
		"$d0 << EOD\n4 10\n16 15\nEOD\n$d1 << EOD\n4 12\n16 17\nEOD\n",
		"set ylabel \"read hit ratio (%)\"\n", "set yrange [0:*]\n",
		"set xlabel \"block size (KiB, log scale)\"", "set xtics (\"4K\" 4, \"16K\" 16)",
		"writethrough, lru, cache 1 MiB; t.blkparse.txt, sweep sw;", NULL};
	/* heatmap: cells (block index, assoc index, hit %) and a colour bar in %. */
	static const char *const heatmap[] = {
		"$d << EOD\n0 0 10\n1 0 15\n\n0 1 12\n1 1 17\n\nEOD\n",
		"set cblabel \"read hit ratio (%)\"\nunset grid\n", "set cbrange [10:17]", NULL};
	/* mrc of block 4 KiB, assoc 1: lru and opt at 1 and 2 MiB (x in GiB). */
	static const char *const mrc[] = {
		"$d0 << EOD\n0.0009765625 10\n0.001953125 20\nEOD\n"
		"$d1 << EOD\n0.0009765625 30\n0.001953125 40\nEOD\n",
		"title \"writethrough, lru\"", "set ylabel \"read hit ratio (%)\"", NULL};
	/* gap of (writethrough, lru, 1 MiB): read miss ratios in % of lru, opt here, fully
	 * associative LRU and OPT, and the read pieces (the fixture's read latency counts, 100)
	 * beside the reference's read accesses; at 2 MiB fully associative 70 and 50. */
	static const char *const gap1[] = {
		"$d << EOD\n0 4KiB/a1 90 70 80 60 100 1000\n1 4KiB/a4 88 68 80 60 100 1000\n"
		"2 16KiB/a1 85 65 80 60 100 1000\n3 16KiB/a4 83 63 80 60 100 1000\nEOD\n",
		"set ylabel \"read miss ratio (%)\"\n", "title \"policy (lru - opt here)\"", NULL};
	static const char *const gap2[] = {"0 4KiB/a1 80 60 70 50 100 1000\n", NULL};

	want_file(f->out, "gnuplot/f1-hitbs-1.gp", hitbs);
	want_file(f->out, "gnuplot/f1-heatmap-1.gp", heatmap);
	want_file(f->out, "gnuplot/f1-mrc-1.gp", mrc);
	/* the lone run at 4 MiB (0.00390625 GiB) is not a point of the sweep's curve */
	gp = fx_slurp(f->out, "gnuplot/f1-mrc-1.gp");
	assert_null(strstr(gp, "0.00390625 "));
	free(gp);
	want_file(f->out, "gnuplot/f1-gap-1.gp", gap1);
	want_file(f->out, "gnuplot/f1-gap-2.gp", gap2);
	assert_false(nonempty(f->out, "gnuplot/f1-gap-3.gp")); /* opt itself has no gap figure */

	/* The best configurations, by hit ratio (default) and by p99 read latency. */
	gp = fx_slurp(f->out, "index.html");
	fx_want(gp, "index.html", "ranked by read hit ratio (%) (higher is better;");
	fx_want(gp, "index.html", "<tr><td class=n>1</td><td class=n><b>47.000</b></td>");
	fx_want(gp, "index.html", "t.blkparse.txt, runs outside a sweep;");
	fx_want(gp, "index.html", "<li>family 2 (t.blkparse.txt): one run, nothing to compare");
	/* a kind of figure the family has no data for: its note, "WHAT: " and the reason */
	fx_want(gp, "index.html", "<li>mode comparison: no policy and cache size of family 1 "
				  "(t.blkparse.txt) was run in two modes</li>");
	free(gp);
	o.rank_by = "read_p99";
	assert_int_equal(rep_report_write(db, &o, &st, f->err, sizeof(f->err)), 0);
	gp = fx_slurp(f->out, "index.html");
	fx_want(gp, "index.html", "ranked by p99 read latency (ms) (lower is better;");
	fx_want(gp, "index.html", "<tr><td class=n>1</td><td class=n><b>2.000</b></td><td class=n>1</td>");
	free(gp);
	o.rank_by = "nonsense";
	assert_int_equal(rep_report_write(db, &o, &st, f->err, sizeof(f->err)), -EINVAL);
	rep_db_close(db);
}

#define T(test, setup) cmocka_unit_test_setup_teardown(test, setup, fx_teardown)
TEST_MAIN(NULL, NULL, cmocka_unit_test(test_where_parse), T(test_select_and_export, setup),
	  T(test_report_figures, setup), T(test_report_data, setup_known))
