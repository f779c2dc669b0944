// SPDX-License-Identifier: GPL-2.0
/* report.c - families of runs -> self-contained gnuplot scripts -> PNG/SVG figures and index.html. */
#include "reports/report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/db_internal.h"
#include "reports/db_refs.h"
#include "reports/db_schema.h"
#include "reports/rep_util.h"
#include "sim/base/units.h"

#ifndef SSDCACHE_SIM_VERSION
#define SSDCACHE_SIM_VERSION "unknown"
#endif

#define MAX_LINES 12   /* lines per figure before a legend stops being readable */
#define MAX_BARS 48    /* bars per stacked-bar figure */
#define MAX_SELECTED 4 /* runs in the time-series and latency figures */

struct run {
	int64_t id, trace_id;
	char trace[256];
	char family_key[1024];
	unsigned long bs;
	unsigned assoc;
	char mode[16], policy[16];
	char sweep_id[64]; /* "": a run outside a sweep */
	int64_t cache_size; /* -1: unknown */
	char quirks[64], cache_model[32], cache_preset[32], target_model[32], target_preset[32];
	unsigned hz;
	double hit, read_mean_ns, read_p99_ns, write_mean_ns, wall;
	int64_t read_pieces, miss[MISS_NR], ssd_written;
	int family;
};

struct family {
	char key[1024];
	int64_t trace_id;
	char trace[256];
	char desc[512]; /* what is fixed in the whole family, for titles */
	int *runs;
	size_t nruns;
};

struct fig {
	char name[96];
	char title[512];
	char caption[512];
	int family; /* -1: selected runs */
};

/* What --rank-by orders the runs by (the best configurations table and the selected runs). */
struct rank_metric {
	const char *name;  /* --rank-by NAME (the field of --where) */
	const char *label; /* table heading */
	bool higher_better;
	double scale;      /* to the unit of label */
	double (*get)(const struct run *r);
};

struct fig_kind;

struct ctx {
	struct rep_db *db;
	const struct rep_report_opts *o;
	char *err;
	size_t errlen;
	struct run *runs;
	size_t nruns, caprun;
	struct family *fams;
	size_t nfams;
	struct fig *figs;
	size_t nfigs, capfigs;
	unsigned omitted;
	unsigned max_figs;
	char notes[4096]; /* figures not drawn, and why (shown on the page) */
	size_t notes_len;
	int selected[MAX_SELECTED];
	size_t nselected;
	const struct rank_metric *rank;
	/* the figure kind being drawn for one family (draw_family) */
	const struct fig_kind *kind;
	unsigned kind_count; /* figures of this kind drawn for the family */
	bool kind_full;      /* --max-figures reached: the kind stops */
};

static int fail(struct ctx *c, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return rc;
}

/* snprintf for texts that may be cut short on purpose (titles, labels): a truncated title is
 * fine, and this keeps -Wformat-truncation for the places where it is not. */
static void text(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void text(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static void note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->notes_len + 2 >= sizeof(c->notes))
		return;
	va_start(ap, fmt);
	int n = vsnprintf(c->notes + c->notes_len, sizeof(c->notes) - c->notes_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->notes_len += (size_t)n;
	if (c->notes_len + 1 < sizeof(c->notes)) {
		c->notes[c->notes_len++] = '\n';
		c->notes[c->notes_len] = '\0';
	} else {
		c->notes_len = sizeof(c->notes) - 1;
	}
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/* "4K", "64K", "512K", "0.5K" for a block size in sectors (the figures' tick labels). */
static void bs_label(unsigned long bs, char *buf, size_t len)
{
	if (bs % 2)
		text(buf, len, "%.1fK", bs / 2.0);
	else if (bs >= 2048 && bs % 2048 == 0)
		text(buf, len, "%luM", bs / 2048);
	else
		text(buf, len, "%luK", bs / 2);
}

static void size_label(int64_t bytes, char *buf, size_t len)
{
	if (bytes < 0)
		snprintf(buf, len, "?");
	else
		format_size((uint64_t)bytes, buf, len);
}

/* The configuration key without the five swept parameters: runs with the same family key
 * differ only in what a sweep varies. */
static void family_key(int64_t trace_id, const char *sweep_id, const char *config_key, char *out,
		       size_t len)
{
	/* A family is one sweep: a lone `run` (no sweep id) of the same configuration is not one
	 * of its points. Runs outside any sweep are grouped among themselves the same way. */
	size_t n = (size_t)snprintf(out, len, "sweep=%s;trace=%" PRId64, sweep_id[0] ? sweep_id : "-",
				    trace_id);
	const char *p = config_key;

	while (*p && n < len) {
		size_t l = strcspn(p, ";");

		if (!strncmp(p, "bs=", 3) || !strncmp(p, "assoc=", 6) || !strncmp(p, "mode=", 5) ||
		    !strncmp(p, "policy=", 7)) {
			/* swept: not part of the family */
		} else if (!strncmp(p, "cache=", 6)) {
			/* the cache device without its size= ("fixed:size=1G,read=1us" -> "fixed:read=1us") */
			const char *q = p + 6, *end = p + l;
			size_t ml = strcspn(q, ":;");

			n += (size_t)snprintf(out + n, len - n, ";cache=%.*s:", (int)ml, q);
			q += ml;
			if (q < end && *q == ':')
				q++;
			while (q < end && n < len) {
				size_t ql = strcspn(q, ",;");

				if (q + ql > end)
					ql = (size_t)(end - q);
				if (strncmp(q, "size=", 5))
					n += (size_t)snprintf(out + n, len - n, "%.*s,", (int)ql, q);
				q += ql;
				if (q < end && *q == ',')
					q++;
			}
		} else {
			n += (size_t)snprintf(out + n, len - n, ";%.*s", (int)l, p);
		}
		p += l;
		if (*p == ';')
			p++;
	}
}

/* One row of load_runs' query (the columns of its cols, in order) into c->runs. */
static int load_run(sqlite3_stmt *st, void *arg)
{
	struct ctx *c = arg;
	struct run *r;
	char key[REP_CONFIG_KEY_MAX];

	if (c->nruns == c->caprun) {
		size_t cap = c->caprun ? c->caprun * 2 : 64;
		struct run *nr = realloc(c->runs, cap * sizeof(*nr));

		if (!nr)
			return fail(c, -ENOMEM, "out of memory for %zu runs", cap);
		c->runs = nr;
		c->caprun = cap;
	}
	r = &c->runs[c->nruns++];
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->trace_id = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, r->trace, sizeof(r->trace));
	db_col_text(st, 3, key, sizeof(key));
	db_col_text(st, 27, r->sweep_id, sizeof(r->sweep_id));
	family_key(r->trace_id, r->sweep_id, key, r->family_key, sizeof(r->family_key));
	r->bs = (unsigned long)sqlite3_column_int64(st, 4);
	r->assoc = (unsigned)sqlite3_column_int64(st, 5);
	db_col_text(st, 6, r->mode, sizeof(r->mode));
	db_col_text(st, 7, r->policy, sizeof(r->policy));
	r->cache_size = db_col_int(st, 8, -1);
	db_col_text(st, 9, r->quirks, sizeof(r->quirks));
	db_col_text(st, 10, r->cache_model, sizeof(r->cache_model));
	db_col_text(st, 11, r->cache_preset, sizeof(r->cache_preset));
	db_col_text(st, 12, r->target_model, sizeof(r->target_model));
	db_col_text(st, 13, r->target_preset, sizeof(r->target_preset));
	r->hz = (unsigned)sqlite3_column_int(st, 14);
	r->hit = db_col_real(st, 15);
	r->read_pieces = sqlite3_column_int64(st, 16);
	for (int m = 0; m < MISS_NR; m++)
		r->miss[m] = sqlite3_column_int64(st, 17 + m);
	r->read_mean_ns = db_col_real(st, 22);
	r->read_p99_ns = db_col_real(st, 23);
	r->ssd_written = sqlite3_column_int64(st, 24);
	r->wall = db_col_real(st, 25);
	r->write_mean_ns = db_col_real(st, 26);
	return 0;
}

static int load_runs(struct ctx *c)
{
	static const char cols[] =
		"run_id, trace_id, trace, config_key, block_size, assoc, mode, policy, cache_size, "
		"quirks, cache_model, cache_preset, target_model, target_preset, hz, read_hit_ratio, "
		"read_pieces, miss_compulsory, miss_capacity, miss_conflict, miss_busy, miss_policy, "
		"read_lat_mean_ns, read_lat_p99_ns, ssd_bytes_written, wall_seconds, write_lat_mean_ns, "
		"sweep_id";
	struct rep_selection sel = {.where = c->o->sel ? c->o->sel->where : NULL, .latest_only = true};
	int rc = rep_select(c->db, cols, &sel, "trace_id, run_id", load_run, c, c->err, c->errlen);

	return rc < 0 ? rc : 0;
}

static int group_families(struct ctx *c)
{
	c->fams = calloc(c->nruns ? c->nruns : 1, sizeof(*c->fams));
	if (!c->fams)
		return fail(c, -ENOMEM, "out of memory");
	for (size_t i = 0; i < c->nruns; i++) {
		struct run *r = &c->runs[i];
		size_t f;

		for (f = 0; f < c->nfams; f++)
			if (!strcmp(c->fams[f].key, r->family_key))
				break;
		if (f == c->nfams) {
			struct family *fm = &c->fams[c->nfams++];
			char dev[160];

			snprintf(fm->key, sizeof(fm->key), "%s", r->family_key);
			fm->trace_id = r->trace_id;
			snprintf(fm->trace, sizeof(fm->trace), "%s", r->trace);
			fm->runs = calloc(c->nruns, sizeof(int));
			if (!fm->runs)
				return fail(c, -ENOMEM, "out of memory");
			text(dev, sizeof(dev), "cache %s%s%s, target %s%s%s", r->cache_model,
				 r->cache_preset[0] ? "/" : "", r->cache_preset, r->target_model,
				 r->target_preset[0] ? "/" : "", r->target_preset);
			/* Two lines in a figure's title (a space on the page): one long line is wider
			 * than the figure and gnuplot cuts it at both ends. */
			if (r->sweep_id[0])
				text(fm->desc, sizeof(fm->desc), "%s, sweep %s;\nquirks %s; %s; HZ %u",
				     base_name(r->trace), r->sweep_id, r->quirks, dev, r->hz);
			else
				text(fm->desc, sizeof(fm->desc), "%s, runs outside a sweep;\nquirks %s; %s; HZ %u",
				     base_name(r->trace), r->quirks, dev, r->hz);
		}
		r->family = (int)f;
		c->fams[f].runs[c->fams[f].nruns++] = (int)i;
	}
	return 0;
}

/* ---- distinct values ---- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The sweep parameters a figure holds fixed (which fields of a struct combo apply). */
enum { F_MODE = 1, F_POLICY = 2, F_SIZE = 4, F_BS = 8, F_ASSOC = 16 };
/* Not sweep parameters: a figure of the selected runs, all of them or one each. */
enum { F_SELECTED = 32, F_RUN = 64 };

struct combo;
static bool combo_has(const struct combo *cb, unsigned fields, const struct run *r);

/* Sorted distinct values of one numeric property over the family's runs that match cb in the
 * given fields (cb NULL: all runs); max 256. */
static size_t distinct_in(const struct ctx *c, const struct family *f,
			  uint64_t (*get)(const struct run *), const struct combo *cb, unsigned fields,
			  uint64_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nruns; i++) {
		const struct run *r = &c->runs[f->runs[i]];
		uint64_t v;
		size_t k;

		if (cb && !combo_has(cb, fields, r))
			continue;
		v = get(r);
		for (k = 0; k < n; k++)
			if (out[k] == v)
				break;
		if (k == n && n < 256)
			out[n++] = v;
	}
	qsort(out, n, sizeof(*out), cmp_u64);
	return n;
}

static uint64_t get_bs(const struct run *r) { return r->bs; }
static uint64_t get_assoc(const struct run *r) { return r->assoc; }
static uint64_t get_size(const struct run *r) { return (uint64_t)r->cache_size; }

/* The "slices" a figure is drawn for: distinct (mode, policy) pairs, etc. */
struct combo {
	char mode[16], policy[16];
	int64_t size;
	unsigned long bs;
	unsigned assoc;
};

static bool same_combo(const struct combo *a, const struct run *r, unsigned fields)
{
	return (!(fields & F_MODE) || !strcmp(a->mode, r->mode)) &&
	       (!(fields & F_POLICY) || !strcmp(a->policy, r->policy)) &&
	       (!(fields & F_SIZE) || a->size == r->cache_size) && (!(fields & F_BS) || a->bs == r->bs) &&
	       (!(fields & F_ASSOC) || a->assoc == r->assoc);
}

/* A run of the slice cb (in the given fields) that has a read hit ratio. */
static bool combo_has(const struct combo *cb, unsigned fields, const struct run *r)
{
	return same_combo(cb, r, fields) && !isnan(r->hit);
}

/* The distinct values of the given F_* fields over the family's runs (first-seen order). */
static size_t combos(const struct ctx *c, const struct family *f, unsigned fields, struct combo *out,
		     size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < f->nruns; i++) {
		const struct run *r = &c->runs[f->runs[i]];
		size_t k;

		for (k = 0; k < n; k++)
			if (same_combo(&out[k], r, fields))
				break;
		if (k == n && n < max) {
			memset(&out[n], 0, sizeof(out[n]));
			if (fields & F_MODE)
				snprintf(out[n].mode, sizeof(out[n].mode), "%s", r->mode);
			if (fields & F_POLICY)
				snprintf(out[n].policy, sizeof(out[n].policy), "%s", r->policy);
			out[n].size = fields & F_SIZE ? r->cache_size : 0;
			out[n].bs = fields & F_BS ? r->bs : 0;
			out[n].assoc = fields & F_ASSOC ? r->assoc : 0;
			n++;
		}
	}
	return n;
}

/* The run of family f with exactly these parameters, or NULL. */
static const struct run *find_run(const struct ctx *c, const struct family *f, const char *mode,
				  const char *policy, int64_t size, unsigned long bs, unsigned assoc)
{
	for (size_t i = 0; i < f->nruns; i++) {
		const struct run *r = &c->runs[f->runs[i]];

		if (!strcmp(r->mode, mode) && !strcmp(r->policy, policy) && r->cache_size == size &&
		    r->bs == bs && r->assoc == assoc)
			return r;
	}
	return NULL;
}

/* ---- gnuplot scripts ---- */

/* A gnuplot double-quoted string. */
static void gp_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
	fputc('"', f);
}

static FILE *fig_begin(struct ctx *c, int family, const char *name, const char *title,
		       const char *caption)
{
	char path[PATH_MAX];
	struct fig *g;
	FILE *f;

	if (c->nfigs == c->capfigs) {
		size_t cap = c->capfigs ? c->capfigs * 2 : 32;
		struct fig *nf = realloc(c->figs, cap * sizeof(*nf));

		if (!nf) {
			fail(c, -ENOMEM, "out of memory");
			return NULL;
		}
		c->figs = nf;
		c->capfigs = cap;
	}
	g = &c->figs[c->nfigs];
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	snprintf(g->title, sizeof(g->title), "%s", title);
	snprintf(g->caption, sizeof(g->caption), "%s", caption);
	g->family = family;
	snprintf(path, sizeof(path), "%s/gnuplot/%s.gp", c->o->out_dir, name);
	f = fopen(path, "w");
	if (!f) {
		fail(c, -errno, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fprintf(f, "# %s.gp - generated by ssdcache-sim %s report; run from the report directory:\n"
		   "#   gnuplot gnuplot/%s.gp   -> figures/%s.png and figures/%s.svg\n",
		name, SSDCACHE_SIM_VERSION, name, name, name);
	return f;
}

/* After the datablocks: the loop that draws the body once per output format, opened with the
 * figure's title (fig_begin's) as "set title", or as the title of a multiplot of this layout
 * ("1,3"). */
static void fig_body(struct ctx *c, FILE *f, int w, int h, const char *multiplot)
{
	const struct fig *g = &c->figs[c->nfigs];

	fprintf(f,
		"do for [fmt in \"png svg\"] {\n"
		"reset\n"
		"if (fmt eq \"png\") {\n"
		"  set terminal pngcairo size %d,%d font \"Sans,11\" noenhanced\n"
		"} else {\n"
		"  set terminal svg size %d,%d font \"Sans,11\" noenhanced background rgb \"white\"\n"
		"}\n"
		"set output sprintf(\"figures/%s.%%s\", fmt)\n"
		"set grid lc rgb \"#dddddd\"\n"
		"set border lc rgb \"#555555\"\n"
		"set key noenhanced\n",
		w, h, w, h, g->name);
	if (multiplot)
		fprintf(f, "set multiplot layout %s title ", multiplot);
	else
		fprintf(f, "set title ");
	gp_str(f, g->title);
	fputc('\n', f);
}

/* Close the figure's script: 1 (drawn), or -EIO with the message in c->err. */
static int fig_end(struct ctx *c, FILE *f)
{
	fprintf(f, "unset multiplot\nunset output\n}\n");
	if (fclose(f))
		return fail(c, -EIO, "%s/gnuplot/%s.gp: %s", c->o->out_dir, c->figs[c->nfigs].name,
			    strerror(errno));
	c->nfigs++;
	return 1;
}

/* End the plot command's line, then the figure's script (fig_end). */
static int plot_end(struct ctx *c, FILE *f)
{
	fputc('\n', f);
	return fig_end(c, f);
}

/* Give up a figure whose script is open (it is not counted): close it, pass rc on. */
static int fig_abandon(FILE *f, int rc)
{
	fclose(f);
	return rc;
}

/* A figure's datablocks are written, read with st (or NULL) with the outcome rc: finalize st,
 * then give the figure up (rc < 0 returned) or open its body (fig_body, w x h; 0 returned). */
static int fig_data_end(struct ctx *c, FILE *f, sqlite3_stmt *st, int rc, int w, int h)
{
	sqlite3_finalize(st);
	if (rc < 0)
		return fig_abandon(f, rc);
	fig_body(c, f, w, h, NULL);
	return 0;
}

/* Colours that stay apart in print and for common colour blindness (Okabe-Ito + extras). */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
				      "#56B4E9", "#000000", "#F0E442", "#7F3C8D", "#11A579",
				      "#3969AC", "#E73F74"};

static void line_style(FILE *f, int i)
{
	fprintf(f, "lw 2 pt %d ps 1.1 lc rgb \"%s\"", 5 + (i % 8), palette[i % 12]);
}

/*
 * A kind of figure, one line of figure_kinds[] (walked by draw_figures), by what each of its
 * figures holds fixed (slice):
 *	sweep fields  one figure per distinct value of them in a family (e.g. per mode, policy and
 *	              cache size), drawn when the family has the data for it;
 *	F_SELECTED    one figure of all the selected runs;
 *	F_RUN         one figure per selected run.
 */
struct fig_kind {
	const char *name;   /* family figures' file names: fN-NAME-K */
	const char *what;   /* in notes */
	unsigned slice;     /* the F_* fields each figure holds fixed */
	/* i: the family (cb its slice) or the selected run (cb NULL). 1: drawn; 0:
	 * not the data for it (nothing written) or --max-figures was reached (fig_open set
	 * kind_full); < 0: error, message in c->err. */
	int (*draw)(struct ctx *c, int i, const struct combo *cb);
	const char *none;   /* family figures: note when no slice was drawn, after "WHAT: "; %s: the
			     * family */
};

/* Start the next figure of the current kind for family fi, or NULL: --max-figures reached
 * (c->kind_full) or an error (message in c->err). name receives the figure's name. */
static FILE *fig_open(struct ctx *c, int fi, char *name, size_t namelen, const char *title,
		      const char *caption)
{
	const struct family *fm = &c->fams[fi];

	if (c->kind_count >= c->max_figs) {
		c->kind_full = true;
		c->omitted++;
		if (c->omitted < 20)
			note(c, "%s: more than %u figures for family %d (%s); narrow the selection with "
				"--where or raise --max-figures", c->kind->what, c->max_figs, fi + 1,
			     base_name(fm->trace));
		return NULL;
	}
	c->kind_count++;
	snprintf(name, namelen, "f%d-%s-%u", fi + 1, c->kind->name, c->kind_count);
	return fig_begin(c, fi, name, title, caption);
}

#define FIG_OPEN_FAILED(c) ((c)->kind_full ? 0 : -EIO)

/* What a figure of one (mode, policy, cache size) slice is drawn over: the block sizes and the
 * associativities run in it (sorted) and the cache size as a label. */
struct slice {
	uint64_t bs[256], assoc[256];
	size_t nbs, nas;
	char sz[32];
};

static void slice_of(const struct ctx *c, const struct family *fm, const struct combo *cb,
		     struct slice *sl)
{
	sl->nbs = distinct_in(c, fm, get_bs, cb, F_MODE | F_POLICY | F_SIZE, sl->bs);
	sl->nas = distinct_in(c, fm, get_assoc, cb, F_MODE | F_POLICY | F_SIZE, sl->assoc);
	size_label(cb->size, sl->sz, sizeof(sl->sz));
}

/* "WHAT\nMODE, POLICY, cache SIZE[EXTRA]; FAMILY": the title of a slice's figure. */
static void slice_title(char *title, size_t len, const char *what, const struct combo *cb,
			const struct slice *sl, const char *extra, const struct family *fm)
{
	text(title, len, "%s\n%s, %s, cache %s%s; %s", what, cb->mode, cb->policy, sl->sz, extra,
	     fm->desc);
}

/* One line of a plot command: "$dK using 1:2 with WITH" in line style `style` (its title is
 * the caller's), after ", \" and a new line unless it is the first (i == 0). */
static void plot_line(FILE *f, size_t i, size_t k, const char *with, int style)
{
	fprintf(f, "%s$d%zu using 1:2 with %s ", i ? ", \\\n  " : "", k, with);
	line_style(f, style);
}

/* "plot ", or with no line to draw (n == 0) a label "no WHAT samples" and an empty plot. */
static void plot_begin(FILE *f, int n, const char *what)
{
	if (n)
		fprintf(f, "plot ");
	else
		fprintf(f, "set label 1 \"no %s samples\" at graph 0.5,0.5 center\n"
			   "plot NaN notitle\n", what);
}

/* Line i of a selected runs' figure: "$dI using 1:2 with WITH", dash type dash (0: gnuplot's
 * solid default, not named), colour, titled label. */
static void run_line(FILE *f, int i, const char *with, int dash, const char *colour,
		     const char *label)
{
	fprintf(f, "%s$d%d using 1:2 with %s lw 2 ", i ? ", \\\n  " : "", i, with);
	if (dash)
		fprintf(f, "dt %d ", dash);
	fprintf(f, "lc rgb \"%s\" title ", colour);
	gp_str(f, label);
}

/* The axes of the request latency CDFs (reqcdf, predcdf) below their x label. */
#define REQ_CDF_AXES                                                                               \
	"set ylabel \"cumulative fraction of requests\"\nset logscale x 10\n"                 \
	"set format x \"%%.0f\"\nset yrange [0:1.02]\nset key outside below\n"

/* hitbs: read hit ratio vs block size, one line per associativity, per (mode, policy, size). */
static int fig_hitbs(struct ctx *c, int fi, const struct combo *cb)
{
	struct family *fm = &c->fams[fi];
	char name[96], title[512];
	struct slice sl;
	FILE *f;

	slice_of(c, fm, cb, &sl);
	if (sl.nbs < 2)
		return 0; /* one block size: no line to draw */
	if (sl.nas > MAX_LINES)
		sl.nas = MAX_LINES;
	slice_title(title, sizeof(title), "Read hit ratio vs block size", cb, &sl, "", fm);
	f = fig_open(c, fi, name, sizeof(name), title, "One line per associativity; lines with the "
			"same values lie on top of each other (the heatmap shows every value).");
	if (!f)
		return FIG_OPEN_FAILED(c);
	for (size_t a = 0; a < sl.nas; a++) {
		fprintf(f, "$d%zu << EOD\n", a);
		for (size_t b = 0; b < sl.nbs; b++) {
			const struct run *r = find_run(c, fm, cb->mode, cb->policy, cb->size,
						       sl.bs[b], (unsigned)sl.assoc[a]);
			if (r && !isnan(r->hit))
				fprintf(f, "%.6g %.6g\n", sl.bs[b] / 2.0, 100.0 * r->hit);
		}
		fprintf(f, "EOD\n");
	}
	fig_body(c, f, 960, 600, NULL);
	fprintf(f, "set xlabel \"block size (KiB, log scale)\"\nset ylabel \"read hit ratio (%%)\"\n"
		   "set logscale x 2\nset yrange [0:*]\nset key outside right top title \"assoc\"\n"
		   "set xtics (");
	for (size_t b = 0; b < sl.nbs; b++) {
		char l[16];

		bs_label(sl.bs[b], l, sizeof(l));
		fprintf(f, "%s\"%s\" %.6g", b ? ", " : "", l, sl.bs[b] / 2.0);
	}
	fprintf(f, ")\nset xrange [%.6g:%.6g]\nplot ", sl.bs[0] / 2.0 / 1.25, sl.bs[sl.nbs - 1] / 2.0 * 1.25);
	for (size_t a = 0; a < sl.nas; a++) {
		plot_line(f, a, a, "linespoints", (int)a);
		fprintf(f, " title \"%" PRIu64 "\"", sl.assoc[a]);
	}
	return plot_end(c, f);
}

/* heatmap: block size x associativity, per (mode, policy, size). */
static int fig_heatmap(struct ctx *c, int fi, const struct combo *cb)
{
	struct family *fm = &c->fams[fi];
	char name[96], title[512];
	struct slice sl;
	double lo = INFINITY, hi = -INFINITY;
	FILE *f;

	slice_of(c, fm, cb, &sl);
	if (sl.nbs < 2 || sl.nas < 2)
		return 0;
	slice_title(title, sizeof(title), "Read hit ratio (%), block size x associativity", cb, &sl, "",
		    fm);
	f = fig_open(c, fi, name, sizeof(name), title,
		     "Colour and label: read hit ratio (%); blank cells were not run.");
	if (!f)
		return FIG_OPEN_FAILED(c);
	fprintf(f, "$d << EOD\n");
	for (size_t a = 0; a < sl.nas; a++) {
		for (size_t b = 0; b < sl.nbs; b++) {
			const struct run *r = find_run(c, fm, cb->mode, cb->policy, cb->size,
						       sl.bs[b], (unsigned)sl.assoc[a]);
			if (r && !isnan(r->hit)) {
				fprintf(f, "%zu %zu %.6g\n", b, a, 100.0 * r->hit);
				lo = fmin(lo, 100.0 * r->hit);
				hi = fmax(hi, 100.0 * r->hit);
			} else {
				fprintf(f, "%zu %zu NaN\n", b, a);
			}
		}
		fprintf(f, "\n");
	}
	fprintf(f, "EOD\n");
	if (hi - lo < 1e-9)
		hi = lo + 1;
	fig_body(c, f, 960, 600, NULL);
	fprintf(f, "set xlabel \"block size\"\nset ylabel \"associativity\"\n"
		   "set cblabel \"read hit ratio (%%)\"\nunset grid\n"
		   "set palette defined (0 \"#440154\", 0.25 \"#3b528b\", 0.5 \"#21918c\", "
		   "0.75 \"#5ec962\", 1 \"#fde725\")\n"
		   "set cbrange [%.6g:%.6g]\nset xrange [-0.5:%zu.5]\nset yrange [-0.5:%zu.5]\n"
		   "set tics out nomirror\nset xtics (",
		lo, hi, sl.nbs - 1, sl.nas - 1);
	for (size_t b = 0; b < sl.nbs; b++) {
		char l[16];

		bs_label(sl.bs[b], l, sizeof(l));
		fprintf(f, "%s\"%s\" %zu", b ? ", " : "", l, b);
	}
	fprintf(f, ")\nset ytics (");
	for (size_t a = 0; a < sl.nas; a++)
		fprintf(f, "%s\"%" PRIu64 "\" %zu", a ? ", " : "", sl.assoc[a], a);
	/* Labels: white on the dark half of the palette, black on the light half. */
	fprintf(f, ")\nmid = %.6g\n"
		   "plot $d using 1:2:3 with image notitle, \\\n"
		   "  $d using 1:2:($3 == $3 && $3 < mid ? sprintf(\"%%.1f\", $3) : \"\") with labels "
		   "tc rgb \"white\" notitle, \\\n"
		   "  $d using 1:2:($3 == $3 && $3 >= mid ? sprintf(\"%%.1f\", $3) : \"\") with labels "
		   "tc rgb \"black\" notitle\n",
		(lo + hi) / 2);
	return fig_end(c, f);
}

/* mrc: hit ratio vs cache size, one line per (mode, policy), per (block size, assoc). */
static int fig_mrc(struct ctx *c, int fi, const struct combo *cb)
{
	struct family *fm = &c->fams[fi];
	struct combo lines[MAX_LINES];
	size_t nl = combos(c, fm, F_MODE | F_POLICY, lines, MAX_LINES);
	char name[96], title[512], l[16];
	uint64_t sizes[256];
	size_t nsz = distinct_in(c, fm, get_size, cb, F_BS | F_ASSOC, sizes);
	size_t use[MAX_LINES], nuse = 0;
	FILE *f;

	if (nsz < 2 || (int64_t)sizes[0] < 0)
		return 0;
	/* Lines of (mode, policy) that were run at two sizes or more make a curve. */
	for (size_t li = 0; li < nl; li++) {
		int pts = 0;

		for (size_t s = 0; s < nsz; s++)
			pts += find_run(c, fm, lines[li].mode, lines[li].policy, (int64_t)sizes[s],
					cb->bs, cb->assoc) != NULL;
		if (pts >= 2)
			use[nuse++] = li;
	}
	if (!nuse)
		return 0;
	bs_label(cb->bs, l, sizeof(l));
	text(title, sizeof(title), "Read hit ratio vs cache size\nblock %siB, assoc %u; %s", l,
	     cb->assoc, fm->desc);
	f = fig_open(c, fi, name, sizeof(name), title,
		     "One line per mode and policy (the miss ratio is 100% minus the hit ratio).");
	if (!f)
		return FIG_OPEN_FAILED(c);
	for (size_t u = 0; u < nuse; u++) {
		const struct combo *ln = &lines[use[u]];

		fprintf(f, "$d%zu << EOD\n", u);
		for (size_t s = 0; s < nsz; s++) {
			const struct run *r = find_run(c, fm, ln->mode, ln->policy, (int64_t)sizes[s],
						       cb->bs, cb->assoc);
			if (r && !isnan(r->hit))
				fprintf(f, "%.9g %.6g\n", (double)sizes[s] / 1073741824.0, 100.0 * r->hit);
		}
		fprintf(f, "EOD\n");
	}
	fig_body(c, f, 960, 600, NULL);
	fprintf(f, "set xlabel \"cache size (log scale)\"\nset ylabel \"read hit ratio (%%)\"\n"
		   "set logscale x 2\nset yrange [0:*]\nset key outside right top title \"mode, policy\"\n"
		   "set xtics (");
	for (size_t s = 0; s < nsz; s++) {
		char szl[32];

		format_size(sizes[s], szl, sizeof(szl));
		fprintf(f, "%s\"%s\" %.9g", s ? ", " : "", szl, (double)sizes[s] / 1073741824.0);
	}
	fprintf(f, ")\nset xrange [%.9g:%.9g]\nplot ", (double)sizes[0] / 1073741824.0 / 1.3,
		(double)sizes[nsz - 1] / 1073741824.0 * 1.3);
	for (size_t u = 0; u < nuse; u++) {
		plot_line(f, u, u, "linespoints", (int)use[u]);
		fprintf(f, " title \"%s, %s\"", lines[use[u]].mode, lines[use[u]].policy);
	}
	return plot_end(c, f);
}

/* The associativity with the most runs among those matching cb (ties: the engine's default,
 * else the larger), to fix it where a figure can not show all of them. */
static unsigned main_assoc(const struct ctx *c, const struct family *fm, const struct combo *cb,
			   unsigned fields)
{
	uint64_t assocs[256];
	size_t nas = distinct_in(c, fm, get_assoc, cb, fields, assocs), best = 0, bestn = 0;

	for (size_t a = 0; a < nas; a++) {
		size_t n = 0;

		for (size_t i = 0; i < fm->nruns; i++) {
			const struct run *r = &c->runs[fm->runs[i]];

			n += r->assoc == assocs[a] && (!cb || combo_has(cb, fields, r));
		}
		if (n > bestn || (n == bestn && (assocs[best] != DEFAULT_ASSOCIATIVITY ||
						  assocs[a] == DEFAULT_ASSOCIATIVITY))) {
			bestn = n;
			best = a;
		}
	}
	return nas ? (unsigned)assocs[best] : 0;
}

/* modes: for each (policy, size), clustered bars per block size, one bar per mode. */
static int fig_modes(struct ctx *c, int fi, const struct combo *cb)
{
	struct family *fm = &c->fams[fi];
	struct combo allmodes[8];
	size_t nall = combos(c, fm, F_MODE, allmodes, 8);
	struct {
		char label[64];
		const char *col;
	} panels[3] = {{"read hit ratio (%)", "hit"},
		       {"mean read latency (ms)", "lat"},
		       {"written to the cache device (GiB)", "ssd"}};
	double ssd_unit = 1073741824.0, ssd_max = 0;

	/* Bytes written in a unit that gives readable tick labels. */
	for (size_t i = 0; i < fm->nruns; i++)
		ssd_max = fmax(ssd_max, (double)c->runs[fm->runs[i]].ssd_written);
	if (ssd_max < 1073741824.0) {
		ssd_unit = ssd_max < 1048576.0 ? 1024.0 : 1048576.0;
		snprintf(panels[2].label, sizeof(panels[2].label), "written to the cache device (%s)",
			 ssd_max < 1048576.0 ? "KiB" : "MiB");
	}
	char name[96], title[512], sz[32];
	unsigned assoc = main_assoc(c, fm, cb, F_POLICY | F_SIZE);
	struct combo sel = *cb, modes[8];
	uint64_t bss[256];
	size_t nbs, nm = 0;
	FILE *f;

	/* The modes run with this policy, size and associativity. */
	sel.assoc = assoc;
	for (size_t m = 0; m < nall; m++) {
		memcpy(sel.mode, allmodes[m].mode, sizeof(sel.mode));
		if (distinct_in(c, fm, get_bs, &sel, F_MODE | F_POLICY | F_SIZE | F_ASSOC, bss))
			modes[nm++] = allmodes[m];
	}
	if (nm < 2)
		return 0;
	nbs = distinct_in(c, fm, get_bs, &sel, F_POLICY | F_SIZE | F_ASSOC, bss);
	if (nbs > 16)
		nbs = 16;
	size_label(cb->size, sz, sizeof(sz));
	text(title, sizeof(title), "Mode comparison\nassoc %u, %s, cache %s; %s", assoc, cb->policy,
	     sz, fm->desc);
	f = fig_open(c, fi, name, sizeof(name), title, "Clusters: block size; bars: cache mode.");
	if (!f)
		return FIG_OPEN_FAILED(c);
	for (int p = 0; p < 3; p++) {
		fprintf(f, "$%s << EOD\nbs", panels[p].col);
		for (size_t m = 0; m < nm; m++)
			fprintf(f, " %s", modes[m].mode);
		fprintf(f, "\n");
		for (size_t b = 0; b < nbs; b++) {
			char l[16];

			bs_label(bss[b], l, sizeof(l));
			fprintf(f, "%s", l);
			for (size_t m = 0; m < nm; m++) {
				const struct run *r = find_run(c, fm, modes[m].mode, cb->policy,
							       cb->size, bss[b], assoc);
				double v = NAN;

				if (r)
					v = p == 0 ? 100.0 * r->hit
					  : p == 1 ? r->read_mean_ns / 1e6
						   : (double)r->ssd_written / ssd_unit;
				if (isnan(v))
					fprintf(f, " NaN");
				else
					fprintf(f, " %.6g", v);
			}
			fprintf(f, "\n");
		}
		fprintf(f, "EOD\n");
	}
	fig_body(c, f, 1200, 560, "1,3");
	fprintf(f, "set style data histograms\nset style histogram clustered gap 1\n"
		   "set style fill solid 0.85 border -1\nset boxwidth 0.9\nset yrange [0:*]\n"
		   "set xlabel \"block size\"\nset key outside bottom center horizontal maxrows 1 "
		   "samplen 2\nset grid ytics\nset xtics nomirror\n");
	for (int p = 0; p < 3; p++) {
		fprintf(f, "set ylabel \"%s\"\nplot ", panels[p].label);
		for (size_t m = 0; m < nm; m++)
			fprintf(f, "%s$%s using %zu%s title columnheader lc rgb \"%s\"", m ? ", " : "",
				panels[p].col, m + 2, m ? "" : ":xtic(1)", palette[m]);
		fprintf(f, "\n");
	}
	return fig_end(c, f);
}

/* misses: stacked shares of read pieces by miss reason, per (mode, policy, size). */
static int fig_misses(struct ctx *c, int fi, const struct combo *cb)
{
	struct family *fm = &c->fams[fi];
	bool any = false;

	for (size_t i = 0; i < fm->nruns && !any; i++) {
		const struct run *r = &c->runs[fm->runs[i]];

		for (int m = 0; m < MISS_NR; m++)
			any |= r->miss[m] > 0;
	}
	if (!any)
		return 0; /* no run with miss explanation counts (run with --no-explain) */
	char name[96], title[512], extra[32];
	struct slice sl;

	slice_of(c, fm, cb, &sl);
	bool one_assoc = sl.nbs * sl.nas > MAX_BARS;
	unsigned assoc_only = one_assoc ? main_assoc(c, fm, cb, F_MODE | F_POLICY | F_SIZE) : 0;
	FILE *f;
	int bars = 0;

	if (sl.nbs * sl.nas < 2)
		return 0; /* one configuration: nothing to compare */
	text(extra, sizeof(extra), one_assoc ? ", assoc %u" : "", assoc_only);
	slice_title(title, sizeof(title), "Why reads missed (share of read pieces)", cb, &sl, extra, fm);
	f = fig_open(c, fi, name, sizeof(name), title, "Bars: block size / associativity; the "
			"rest of each bar up to 100% is hits.");
	if (!f)
		return FIG_OPEN_FAILED(c);
	fprintf(f, "$d << EOD\nconfig");
	for (int m = 0; m < MISS_NR; m++)
		fprintf(f, " %s", rep_miss_names[m]);
	fprintf(f, "\n");
	for (size_t a = 0; a < sl.nas; a++) {
		if (one_assoc && sl.assoc[a] != assoc_only)
			continue;
		for (size_t b = 0; b < sl.nbs && bars < MAX_BARS; b++) {
			const struct run *r = find_run(c, fm, cb->mode, cb->policy, cb->size,
						       sl.bs[b], (unsigned)sl.assoc[a]);
			char l[16];

			if (!r || r->read_pieces <= 0)
				continue;
			bs_label(sl.bs[b], l, sizeof(l));
			fprintf(f, "%s/a%" PRIu64, l, sl.assoc[a]);
			for (int m = 0; m < MISS_NR; m++)
				fprintf(f, " %.6g", 100.0 * (double)r->miss[m] / (double)r->read_pieces);
			fprintf(f, "\n");
			bars++;
		}
	}
	fprintf(f, "EOD\n");
	fig_body(c, f, 1100, 600, NULL);
	fprintf(f, "set style data histograms\nset style histogram rowstacked\n"
		   "set style fill solid 0.9 border -1\nset boxwidth 0.75\nset yrange [0:100]\n"
		   "set ylabel \"read pieces (%%)\"\nset xlabel \"block size / associativity\"\n"
		   "set key outside right top title \"miss reason\"\nset grid ytics\n"
		   "set xtics rotate by -45 nomirror\nplot ");
	for (int m = 0; m < MISS_NR; m++)
		fprintf(f, "%s$d using %d%s title columnheader lc rgb \"%s\"", m ? ", " : "", m + 2,
			m ? "" : ":xtic(1)", palette[m]);
	return plot_end(c, f);
}


/*
 * gap: where the read miss ratio comes from, per (mode, policy, cache size), one bar per block
 * size / associativity run with this policy and with opt in the same geometry:
 *   the trace itself  fully associative OPT of the same capacity and block size (Belady's MIN:
 *                     no placement, no policy can miss less with demand allocation);
 *   placement         opt in this geometry minus fully associative OPT (the sets, the probe
 *                     chain and the engine's clean/busy rules);
 *   policy            this policy minus opt in this geometry (the victim choice).
 * Fully associative LRU is drawn as a point beside them. The reference counts come from
 * ref_curves (a sweep stores them; docs/reports.md says what they count).
 */
static int fig_gap(struct ctx *c, int fi, const struct combo *cb)
{
	struct family *fm = &c->fams[fi];
	char name[96], title[512];
	struct slice sl;
	size_t n = 0;
	struct {
		char label[32];
		double pol, opt, fa_lru, fa_opt;
		int64_t pieces;
		uint64_t accesses;
	} bar[MAX_BARS];
	FILE *f;

	if (!strcmp(cb->policy, "opt") || cb->size < 0)
		return 0;
	slice_of(c, fm, cb, &sl);
	for (size_t b = 0; b < sl.nbs; b++)
		for (size_t a = 0; a < sl.nas && n < MAX_BARS; a++) {
			const struct run *r = find_run(c, fm, cb->mode, cb->policy, cb->size, sl.bs[b],
						       (unsigned)sl.assoc[a]);
			const struct run *o = find_run(c, fm, cb->mode, "opt", cb->size, sl.bs[b],
						       (unsigned)sl.assoc[a]);
			struct rep_ref lru, opt;
			char l[16];

			if (!r || !o || isnan(r->hit) || isnan(o->hit) ||
			    rep_refs_get(c->db, fm->trace_id, sl.bs[b] * 512, (uint64_t)cb->size, "lru", true,
					 &lru) != 1 ||
			    rep_refs_get(c->db, fm->trace_id, sl.bs[b] * 512, (uint64_t)cb->size, "opt", true,
					 &opt) != 1 ||
			    !lru.accesses || !opt.accesses)
				continue;
			bs_label(sl.bs[b], l, sizeof(l));
			text(bar[n].label, sizeof(bar[n].label), "%siB/a%" PRIu64, l, sl.assoc[a]);
			bar[n].pol = 100.0 * (1 - r->hit);
			bar[n].opt = 100.0 * (1 - o->hit);
			bar[n].fa_lru = 100.0 * (double)lru.misses / (double)lru.accesses;
			bar[n].fa_opt = 100.0 * (double)opt.misses / (double)opt.accesses;
			bar[n].pieces = r->read_pieces;
			bar[n].accesses = opt.accesses;
			n++;
		}
	if (!n)
		return 0;
	slice_title(title, sizeof(title), "Where the read misses come from: trace, placement, policy",
		    cb, &sl, "", fm);
	f = fig_open(c, fi, name, sizeof(name), title,
		     "Read miss ratio (% of read pieces) stacked: the trace itself (fully associative "
		     "OPT of the same capacity and block size, reads only), placement (opt in this "
		     "geometry minus that), policy (this policy minus opt in this geometry); a negative "
		     "share is drawn below its base. Points: fully associative LRU.");
	if (!f)
		return FIG_OPEN_FAILED(c);
	/* The run's read pieces and the reference's read accesses go with the data: they count the
	 * same thing (one per cache block a read covers), which the reader can check. */
	fprintf(f, "# columns: x, configuration, read miss ratio (%%) of %s, of opt here, of fully "
		   "associative LRU, of fully associative OPT; the run's read pieces; the reference's "
		   "read accesses\n$d << EOD\n", cb->policy);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%zu %s %.6g %.6g %.6g %.6g %" PRId64 " %" PRIu64 "\n", i, bar[i].label,
			bar[i].pol, bar[i].opt, bar[i].fa_lru, bar[i].fa_opt, bar[i].pieces,
			bar[i].accesses);
	fprintf(f, "EOD\n");
	fig_body(c, f, 1100, 600, NULL);
	fprintf(f, "set ylabel \"read miss ratio (%%)\"\nset xlabel \"block size / associativity\"\n"
		   "set yrange [0:100]\nset xrange [-0.6:%zu.6]\nset style fill solid 0.85 border -1\n"
		   "set key outside bottom center horizontal maxrows 2\nset grid ytics\n"
		   "set xtics rotate by -45 nomirror\nw = 0.35\n"
		   "plot $d using 1:($6 / 2):(w):($6 / 2):xtic(2) with boxxyerror lc rgb \"%s\" "
		   "title \"the trace (fully associative OPT)\", \\\n"
		   "  $d using 1:(($6 + $4) / 2):(w):(abs($4 - $6) / 2) with boxxyerror lc rgb \"%s\" "
		   "title \"placement (opt here - FA OPT)\", \\\n"
		   "  $d using 1:(($4 + $3) / 2):(w):(abs($3 - $4) / 2) with boxxyerror lc rgb \"%s\" "
		   "title \"policy (%s - opt here)\", \\\n"
		   "  $d using 1:5 with points pt 7 ps 1.4 lc rgb \"%s\" title \"fully associative LRU\"\n",
		n - 1, palette[2], palette[0], palette[1], cb->policy, palette[6]);
	return fig_end(c, f);
}

/* The selected runs' figures (below). */
static int fig_series(struct ctx *c, int unused, const struct combo *cb);
static int fig_classcdf(struct ctx *c, int k, const struct combo *cb);
static int fig_reqcdf(struct ctx *c, int unused, const struct combo *cb);
static int fig_predcdf(struct ctx *c, int k, const struct combo *cb);

/* Every figure, in page order: the families' figures, then the selected runs'. */
static const struct fig_kind figure_kinds[] = {
	{"hitbs", "hit ratio vs block size", F_MODE | F_POLICY | F_SIZE, fig_hitbs,
	 "no combination of mode, policy and cache size of %s was run at two block sizes"},
	{"heatmap", "heatmap", F_MODE | F_POLICY | F_SIZE, fig_heatmap,
	 "no combination of mode, policy and cache size of %s was run at two block sizes and two "
	 "associativities"},
	{"mrc", "miss-ratio curve", F_BS | F_ASSOC, fig_mrc,
	 "no configuration of %s was run at two cache sizes (sweep --cache-size 1G,2G,...)"},
	{"gap", "trace, placement and policy", F_MODE | F_POLICY | F_SIZE, fig_gap,
	 "no configuration of %s was run with a policy and with opt in a sweep that stored its "
	 "reference curves (sweep --policy lfu,opt ...)"},
	{"modes", "mode comparison", F_POLICY | F_SIZE, fig_modes,
	 "no policy and cache size of %s was run in two modes"},
	{"misses", "miss explanation", F_MODE | F_POLICY | F_SIZE, fig_misses,
	 "no configuration of %s has two runs with miss explanation counts (run without "
	 "--no-explain)"},
	{"series", "hit ratio over time", F_SELECTED, fig_series, NULL},
	{"classcdf", "piece latency per class", F_RUN, fig_classcdf, NULL},
	{"reqcdf", "request latency", F_SELECTED, fig_reqcdf, NULL},
	{"predcdf", "measured vs predicted latency", F_RUN, fig_predcdf, NULL},
};
#define NKINDS (sizeof(figure_kinds) / sizeof(figure_kinds[0]))

/* Every family figure of family fi. */
static int draw_family(struct ctx *c, int fi)
{
	const struct family *fm = &c->fams[fi];
	char who[300];

	text(who, sizeof(who), "family %d (%s)", fi + 1, base_name(fm->trace));
	if (fm->nruns < 2) {
		/* nothing to compare: one note, not one per kind */
		note(c, "%s: one run, nothing to compare (its numbers are in the runs table)", who);
		return 0;
	}
	for (size_t k = 0; k < NKINDS; k++) {
		const struct fig_kind *kind = &figure_kinds[k];
		struct combo cb[256];
		size_t n = combos(c, fm, kind->slice, cb, 256);
		unsigned drawn = 0;

		if (kind->slice & (F_SELECTED | F_RUN))
			continue;
		c->kind = kind;
		c->kind_count = 0;
		c->kind_full = false;
		for (size_t i = 0; i < n && !c->kind_full; i++) {
			int rc = kind->draw(c, fi, &cb[i]);

			if (rc < 0)
				return rc;
			drawn += (unsigned)rc;
		}
		if (!drawn && !c->kind_full) {
			char why[512];

			text(why, sizeof(why), kind->none, who);
			note(c, "%s: %s", kind->what, why);
		}
	}
	return 0;
}

/* ---- selected runs ---- */

static void run_label(const struct run *r, char *buf, size_t len)
{
	char l[16], sz[32];

	bs_label(r->bs, l, sizeof(l));
	size_label(r->cache_size, sz, sizeof(sz));
	text(buf, len, "#%" PRId64 " block %siB, assoc %u, %s, %s, cache %s", r->id, l, r->assoc, r->mode,
	     r->policy, sz);
}

/* The count of sql (one ?1 = id); 0 when it can not be read (a table an older schema lacks). */
static int64_t count_rows(struct ctx *c, const char *sql, int64_t id)
{
	sqlite3_stmt *st;
	char err[256];
	int64_t n = 0;

	if (db_row(c->db, &st, err, sizeof(err), "counting rows", sql, "i", id) > 0) {
		n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return n;
}

static double get_hit(const struct run *r) { return r->hit; }
static double get_read_mean(const struct run *r) { return r->read_mean_ns; }
static double get_read_p99(const struct run *r) { return r->read_p99_ns; }
static double get_write_mean(const struct run *r) { return r->write_mean_ns; }

static const struct rank_metric rank_metrics[] = {
	{"read_hit_ratio", "read hit ratio (%)", true, 100, get_hit},
	{"read_mean", "mean read latency (ms)", false, 1e-6, get_read_mean},
	{"read_p99", "p99 read latency (ms)", false, 1e-6, get_read_p99},
	{"write_mean", "mean write latency (ms)", false, 1e-6, get_write_mean},
};

const char *rep_rank_name(size_t i)
{
	return i < sizeof(rank_metrics) / sizeof(rank_metrics[0]) ? rank_metrics[i].name : NULL;
}

static const struct rank_metric *rank_find(const char *name)
{
	for (size_t i = 0; i < sizeof(rank_metrics) / sizeof(rank_metrics[0]); i++)
		if (!strcmp(rank_metrics[i].name, name))
			return &rank_metrics[i];
	return NULL;
}

/* Best first by c->rank; runs without the metric last; ties by run id. */
static int cmp_rank(const void *a, const void *b, void *arg)
{
	const struct ctx *c = arg;
	const struct run *ra = &c->runs[*(const int *)a], *rb = &c->runs[*(const int *)b];
	double x = c->rank->get(ra), y = c->rank->get(rb);

	if (isnan(x) != isnan(y))
		return isnan(x) ? 1 : -1;
	if (!isnan(x) && x != y)
		return (x < y) == c->rank->higher_better ? 1 : -1;
	return (ra->id > rb->id) - (ra->id < rb->id);
}

static int choose_runs(struct ctx *c)
{
	if (c->o->runs && c->o->nr_runs) {
		for (size_t k = 0; k < c->o->nr_runs && c->nselected < MAX_SELECTED; k++) {
			size_t i;

			for (i = 0; i < c->nruns; i++)
				if (c->runs[i].id == c->o->runs[k])
					break;
			if (i == c->nruns)
				return fail(c, -ENOENT, "--runs: run %" PRId64 " is not in the selection (status "
					    "ok, matching --where, newest of its configuration)", c->o->runs[k]);
			c->selected[c->nselected++] = (int)i;
		}
		return 0;
	}
	/* Best, median and worst by --rank-by among runs that have a time series. */
	int *idx = calloc(c->nruns ? c->nruns : 1, sizeof(int));
	size_t n = 0;

	if (!idx)
		return fail(c, -ENOMEM, "out of memory");
	for (size_t i = 0; i < c->nruns; i++)
		if (!isnan(c->runs[i].hit) &&
		    count_rows(c, "SELECT count(*) FROM series WHERE run_id = ?1", c->runs[i].id) > 0)
			idx[n++] = (int)i;
	qsort_r(idx, n, sizeof(int), cmp_rank, c);
	if (n >= 1)
		c->selected[c->nselected++] = idx[0];
	if (n >= 3)
		c->selected[c->nselected++] = idx[n / 2];
	if (n >= 2)
		c->selected[c->nselected++] = idx[n - 1];
	free(idx);
	return 0;
}

/* One interval of the time series (seconds since the first, reads, hits): the read hit ratio
 * in it. */
static int series_row(sqlite3_stmt *st, void *arg)
{
	FILE *f = arg;
	int64_t dt = sqlite3_column_int64(st, 0), rp = sqlite3_column_int64(st, 1);

	/* An interval without read pieces has no ratio: a gap, not a zero. */
	if (rp > 0)
		fprintf(f, "%.6g %.6g\n", (double)dt / 1e9,
			100.0 * (double)sqlite3_column_int64(st, 2) / (double)rp);
	else
		fprintf(f, "%.6g ?\n", (double)dt / 1e9);
	return 0;
}

static int fig_series(struct ctx *c, int unused __attribute__((unused)),
		      const struct combo *cb __attribute__((unused)))
{
	char title[512], lab[128];
	FILE *f;
	sqlite3_stmt *st;
	bool any = false;
	int rc;

	text(title, sizeof(title), "Read hit ratio over time\n%s",
		 c->nselected ? c->fams[c->runs[c->selected[0]].family].desc : "");
	f = fig_begin(c, -1, "selected-series", title,
		      c->o->runs ? "Runs chosen with --runs." : c->rank->higher_better ?
		      "The runs with the best, median and worst read hit ratio." :
		      "The runs ranked best, median and worst by --rank-by.");
	if (!f)
		return -EIO;
	if ((rc = db_prepare(c->db, &st, c->err, c->errlen, "reading the time series",
			     "SELECT start_ns - first_value(start_ns) OVER (ORDER BY idx), read_pieces, "
			     "read_hits FROM series WHERE run_id = ?1 ORDER BY idx")))
		return fig_abandon(f, rc);
	for (size_t k = 0; k < c->nselected && rc >= 0; k++) {
		int64_t id = c->runs[c->selected[k]].id;

		fprintf(f, "$d%zu << EOD\n", k);
		rc = db_each_with(c->db, st, c->err, c->errlen, "reading the time series", series_row,
				  f, "i", id);
		any |= count_rows(c, "SELECT count(*) FROM series WHERE run_id = ?1 AND read_pieces > 0",
				  id) > 0;
		fprintf(f, "EOD\n");
	}
	if ((rc = fig_data_end(c, f, st, rc, 1100, 560)) < 0)
		return rc;
	fprintf(f, "set xlabel \"simulated time since the first interval (s)\"\n"
		   "set ylabel \"read hit ratio in the interval (%%)\"\nset yrange [0:100]\n"
		   "set key outside below\nset datafile missing \"?\"\nplot ");
	for (size_t k = 0; k < c->nselected; k++) {
		run_label(&c->runs[c->selected[k]], lab, sizeof(lab));
		run_line(f, (int)k, "lines", 0, palette[k], lab);
	}
	if (!any)
		note(c, "hit ratio over time: the selected runs have no interval with read pieces");
	return plot_end(c, f);
}

/* A latency histogram's buckets (upper bound, count), as histograms stores them. */
struct hist {
	int64_t hi[SIM_HIST_BINS], cnt[SIM_HIST_BINS];
	int nb, cap;
	double total;
};

static int hist_row(sqlite3_stmt *st, void *arg)
{
	struct hist *h = arg;

	if (h->nb >= h->cap)
		return 1;
	h->hi[h->nb] = sqlite3_column_int64(st, 0);
	h->cnt[h->nb] = sqlite3_column_int64(st, 1);
	h->total += (double)h->cnt[h->nb++];
	return 0;
}

#define HIST_SQL "SELECT hi_ns, count FROM histograms WHERE run_id = ?1 AND op = ?2 ORDER BY bucket"

/* Datablock $dN: the histogram's CDF in us, starting at 0 at first_us (just below the first
 * bucket, so the first step is drawn). */
static void hist_cdf(FILE *f, int n, const struct hist *h, double first_us)
{
	double cum = 0;

	fprintf(f, "$d%d << EOD\n%.6g 0\n", n, first_us);
	for (int i = 0; i < h->nb; i++) {
		cum += (double)h->cnt[i];
		fprintf(f, "%.6g %.6f\n", (double)h->hi[i] / 1e3, cum / h->total);
	}
	fprintf(f, "EOD\n");
}

/* One class's CDF from its quarter-octave histogram (op "class:NAME"); 0 rows: none kept (or a
 * database too old to have them). */
static int class_cdf_from_hist(struct ctx *c, FILE *f, int64_t run_id, const char *cls, int n)
{
	static struct hist h;
	char op[48], err[256];

	memset(&h, 0, sizeof(h));
	h.cap = SIM_HIST_BINS;
	snprintf(op, sizeof(op), "class:%.40s", cls);
	if (db_each(c->db, err, sizeof(err), "reading histograms", HIST_SQL, hist_row, &h, "it",
		    run_id, op) < 0 || h.total <= 0)
		return 0;
	hist_cdf(f, n, &h, (double)h.hi[0] / 1.19e3);
	return h.nb;
}

struct classes {
	struct ctx *c;
	FILE *f;
	int64_t run_id;
	int n;
	bool points; /* a class drawn from its percentiles (no histogram) */
	char name[SIM_CLASS_NR][24];
};

/* One latency class: its histogram's CDF, or else its percentiles as points. */
static int class_row(sqlite3_stmt *st, void *arg)
{
	static const double q[5] = {0.5, 0.9, 0.99, 0.999, 1.0};
	struct classes *x = arg;
	int n = x->n;

	db_col_text(st, 0, x->name[n], sizeof(x->name[n]));
	if (class_cdf_from_hist(x->c, x->f, x->run_id, x->name[n], n) <= 0) {
		x->points = true;
		fprintf(x->f, "$d%d << EOD\n", n);
		for (int i = 0; i < 5; i++)
			if (sqlite3_column_type(st, 1 + i) != SQLITE_NULL)
				fprintf(x->f, "%.6g %.4f\n", sqlite3_column_double(st, 1 + i) / 1e3, q[i]);
		fprintf(x->f, "EOD\n");
	}
	x->n++;
	return x->n >= SIM_CLASS_NR || x->n >= MAX_LINES;
}

static int fig_classcdf(struct ctx *c, int k, const struct combo *cb __attribute__((unused)))
{
	const struct run *r = &c->runs[c->selected[k]];
	char name[96], title[512], lab[128];
	static struct classes x;
	FILE *f;
	int rc;

	run_label(r, lab, sizeof(lab));
	snprintf(name, sizeof(name), "selected-classcdf-%d", k + 1);
	text(title, sizeof(title), "Piece latency CDF per class, run %s\n%s", lab,
		 c->fams[r->family].desc);
	f = fig_begin(c, -1, name, title,
		      "From each class's latency histogram (quarter-octave buckets, each step a bucket's "
		      "upper bound; runs recorded before schema 3 show their percentiles p50..max as "
		      "points); classes that took no time (flushes the devices do not see) have no line "
		      "on a log scale.");
	if (!f)
		return -EIO;
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.f = f;
	x.run_id = r->id;
	rc = db_each(c->db, c->err, c->errlen, "reading latencies",
		     "SELECT name, p50_ns, p90_ns, p99_ns, p999_ns, max_ns, count FROM latency "
		     "WHERE run_id = ?1 AND scope = 'class' AND count > 0 AND max_ns > 0 "
		     "ORDER BY count DESC",
		     class_row, &x, "i", r->id);
	if ((rc = fig_data_end(c, f, NULL, rc, 1000, 600)) < 0)
		return rc;
	fprintf(f, "set xlabel \"latency (us, log scale)\"\nset ylabel \"cumulative fraction of pieces\"\n"
		   "set logscale x 10\nset format x \"%%.0f\"\nset yrange [%s:1.02]\n"
		   "set key outside right top title \"class\"\n", x.points ? "0.45" : "0");
	plot_begin(f, x.n, "latency");
	for (int i = 0; i < x.n; i++) {
		plot_line(f, (size_t)i, (size_t)i, x.points ? "linespoints" : "steps", i);
		fprintf(f, " title \"%s\"", x.name[i]);
	}
	return plot_end(c, f);
}

static int fig_reqcdf(struct ctx *c, int unused __attribute__((unused)),
		      const struct combo *cb __attribute__((unused)))
{
	char title[512], lab[128];
	sqlite3_stmt *st;
	FILE *f;
	int nlines = 0, rc;
	char labels[2 * MAX_SELECTED][160];
	int styles[2 * MAX_SELECTED];

	text(title, sizeof(title), "Request latency CDF (reads solid, writes dashed)\n%s",
		 c->nselected ? c->fams[c->runs[c->selected[0]].family].desc : "");
	f = fig_begin(c, -1, "selected-reqcdf", title,
		      "From the per-operation log2 histograms: each step is a power-of-two bucket.");
	if (!f)
		return -EIO;
	if ((rc = db_prepare(c->db, &st, c->err, c->errlen, "reading histograms", HIST_SQL)))
		return fig_abandon(f, rc);
	for (size_t k = 0; k < c->nselected && rc >= 0; k++) {
		for (int op = 0; op < 2 && rc >= 0; op++) {
			struct hist h = {.cap = 64};

			rc = db_each_with(c->db, st, c->err, c->errlen, "reading histograms", hist_row, &h,
					  "it", c->runs[c->selected[k]].id, rep_op_names[op]);
			if (rc < 0 || h.total <= 0)
				continue;
			hist_cdf(f, nlines, &h, (double)h.hi[0] / 2e3);
			run_label(&c->runs[c->selected[k]], lab, sizeof(lab));
			text(labels[nlines], sizeof(labels[nlines]), "%s %s", op ? "write" : "read", lab);
			styles[nlines] = (int)k * 2 + op;
			nlines++;
		}
	}
	if ((rc = fig_data_end(c, f, st, rc, 1100, 600)) < 0)
		return rc;
	fprintf(f, "set xlabel \"request latency (us, log scale; bucket upper bounds)\"\n"
		   REQ_CDF_AXES);
	plot_begin(f, nlines, "histogram");
	for (int i = 0; i < nlines; i++)
		run_line(f, i, "steps", styles[i] % 2 ? 2 : 1, palette[styles[i] / 2], labels[i]);
	return plot_end(c, f);
}

/* replay --predict (schema 6): the measured and the predicted request latency CDFs of run k, from
 * the 100 quantiles of each side (prediction_cdf), every request and each operation. A run
 * without prediction rows has no such figure. */
struct pred_lines {
	FILE *f;
	char cur[64], labels[MAX_LINES][96];
	int colour[MAX_LINES], dash[MAX_LINES], n, nnames;
};

/* One quantile of prediction_cdf; a new (name, side) starts a datablock. */
static int pred_row(sqlite3_stmt *st, void *arg)
{
	struct pred_lines *x = arg;
	char key[64];
	const char *nm = (const char *)sqlite3_column_text(st, 1);
	const char *side = (const char *)sqlite3_column_text(st, 2);
	double us = sqlite3_column_double(st, 3) / 1e3;

	snprintf(key, sizeof(key), "%s/%s", nm ? nm : "", side ? side : "");
	if (strcmp(key, x->cur)) {
		bool same_name = x->n && !strncmp(x->cur, key, strcspn(key, "/") + 1);

		if (x->n == MAX_LINES)
			return 1;
		if (x->n)
			fprintf(x->f, "EOD\n");
		if (!same_name)
			x->nnames++;
		snprintf(x->cur, sizeof(x->cur), "%s", key);
		x->colour[x->n] = x->nnames - 1;
		x->dash[x->n] = side && !strcmp(side, "predicted") ? 2 : 1;
		text(x->labels[x->n], sizeof(x->labels[x->n]), "%s, %s", side ? side : "",
		     nm && !strcmp(nm, "all") ? "every request" : nm ? nm : "");
		/* side, pct/100 as the fraction: start at 0 just below the first quantile */
		fprintf(x->f, "# %s\n$d%d << EOD\n%.6g 0\n", key, x->n, us);
		x->n++;
	}
	fprintf(x->f, "%.6g %.2f\n", us, sqlite3_column_int(st, 4) / 100.0);
	return 0;
}

static int fig_predcdf(struct ctx *c, int k, const struct combo *cb __attribute__((unused)))
{
	const struct run *r = &c->runs[c->selected[k]];
	char name[96], title[512], lab[128], err[256];
	struct pred_lines x = {.n = 0};
	double demerit = NAN;
	sqlite3_stmt *st;
	FILE *f;
	int rc;

	if (rep_db_schema_version(c->db) < 6 ||
	    !count_rows(c, "SELECT count(*) FROM prediction_cdf WHERE run_id = ?1", r->id))
		return 0;
	if (db_row(c->db, &st, err, sizeof(err), "reading the prediction",
		   "SELECT demerit_pct FROM prediction WHERE run_id = ?1 AND scope = 'all'", "i",
		   r->id) > 0) {
		demerit = db_col_real(st, 0);
		sqlite3_finalize(st);
	}
	run_label(r, lab, sizeof(lab));
	snprintf(name, sizeof(name), "selected-predcdf-%d", k + 1);
	if (demerit == demerit)
		text(title, sizeof(title),
		     "Measured (replayed, solid) vs predicted (simulated, dashed) request latency CDF, "
		     "run %s\ndemerit %.1f %% of the measured mean",
		     lab, demerit);
	else
		text(title, sizeof(title),
		     "Measured (replayed, solid) vs predicted (simulated, dashed) request latency CDF, "
		     "run %s",
		     lab);
	f = fig_begin(c, -1, name, title,
		      "replay --predict: 100 quantiles of each side (the demerit's step-function "
		      "inversion), for every request and per operation; the demerit is the RMS "
		      "horizontal distance between the two CDFs (Ruemmler-Wilkes).");
	if (!f)
		return -EIO;
	x.f = f;
	rc = db_each(c->db, c->err, c->errlen, "reading the prediction",
		     "SELECT scope, name, side, latency_ns, pct FROM prediction_cdf "
		     "WHERE run_id = ?1 ORDER BY scope <> 'all', name, side, pct",
		     pred_row, &x, "i", r->id);
	if (x.n)
		fprintf(f, "EOD\n");
	if ((rc = fig_data_end(c, f, NULL, rc, 1100, 600)) < 0)
		return rc;
	fprintf(f, "set xlabel \"request latency (us, log scale)\"\n" REQ_CDF_AXES "plot ");
	for (int i = 0; i < x.n; i++)
		run_line(f, i, "steps", x.dash[i],
			 palette[x.colour[i] % (int)(sizeof(palette) / sizeof(palette[0]))],
			 x.labels[i]);
	return plot_end(c, f);
}

/* The one walk over figure_kinds: each family's figures, then (once the runs are chosen) the
 * selected runs' figures. */
static int draw_figures(struct ctx *c)
{
	int rc;

	for (size_t fi = 0; fi < c->nfams; fi++)
		if ((rc = draw_family(c, (int)fi)))
			return rc;
	if ((rc = choose_runs(c)))
		return rc;
	if (!c->nselected) {
		note(c, "time series and latency figures: no selected run has a time series");
		return 0;
	}
	for (size_t k = 0; k < NKINDS; k++) {
		const struct fig_kind *kind = &figure_kinds[k];
		size_t n = kind->slice & F_RUN ? c->nselected : kind->slice & F_SELECTED ? 1 : 0;

		for (size_t i = 0; i < n; i++)
			if ((rc = kind->draw(c, (int)i, NULL)) < 0)
				return rc;
	}
	return 0;
}

/* ---- running gnuplot ---- */

static const char *gnuplot_prog(void)
{
	const char *p = getenv("SSDCACHE_GNUPLOT");

	return p && *p ? p : "gnuplot";
}

static int render(struct ctx *c, const struct fig *g)
{
	char log[PATH_MAX], script[PATH_MAX], png[PATH_MAX], line[512] = "";
	struct stat sb;
	pid_t pid;
	int status = 0;
	FILE *lf;

	snprintf(log, sizeof(log), "%s/gnuplot/%s.log", c->o->out_dir, g->name);
	snprintf(script, sizeof(script), "gnuplot/%s.gp", g->name);
	snprintf(png, sizeof(png), "%s/figures/%s.png", c->o->out_dir, g->name);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return fail(c, -errno, "fork for gnuplot: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

		if (fd < 0 || chdir(c->o->out_dir) < 0)
			_exit(126);
		dup2(fd, STDERR_FILENO);
		dup2(fd, STDOUT_FILENO);
		execlp(gnuplot_prog(), gnuplot_prog(), script, (char *)NULL);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", gnuplot_prog(), strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(c, -errno, "waiting for gnuplot: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && stat(png, &sb) == 0 && sb.st_size > 0) {
		unlink(log);
		return 0;
	}
	/* Quote gnuplot's first complaint: it names the line of the script. */
	lf = fopen(log, "r");
	if (lf) {
		char buf[512];

		while (fgets(buf, sizeof(buf), lf)) {
			if (strstr(buf, "rror") || strstr(buf, "cannot run") || strstr(buf, "line ")) {
				snprintf(line, sizeof(line), "%s", buf);
				break;
			}
			if (!line[0])
				snprintf(line, sizeof(line), "%s", buf);
		}
		fclose(lf);
	}
	line[strcspn(line, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return fail(c, -ENOENT, "gnuplot not found ('%s'): install gnuplot (Debian: gnuplot-nox) "
					"or set SSDCACHE_GNUPLOT", gnuplot_prog());
	return fail(c, -EIO, "gnuplot failed on %s/%s: %s (log: %s)", c->o->out_dir, script,
		    line[0] ? line : "no output", log);
}

/* ---- the page ---- */

static void html_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void html_num(FILE *f, sqlite3_stmt *st, int col, const char *fmt, double scale)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		fputs("<td>&ndash;</td>", f);
	else {
		fputs("<td class=n>", f);
		fprintf(f, fmt, sqlite3_column_double(st, col) * scale);
		fputs("</td>", f);
	}
}

/* The end of html_put's list (its escaped texts may be NULL: sqlite3_column_text of a NULL). */
static const char html_end[] = "";

/* Literal HTML and escaped text in turn (LIT, TEXT, LIT, TEXT, ...) up to html_end. */
static void html_put(FILE *f, const char *lit, ...)
{
	va_list ap;
	bool esc = false;

	va_start(ap, lit);
	for (const char *s = lit; s != html_end; s = va_arg(ap, const char *), esc = !esc) {
		if (esc)
			html_esc(f, s);
		else
			fputs(s, f);
	}
	va_end(ap);
}

static void html_figure(FILE *f, const struct fig *g)
{
	char title[512];

	text(title, sizeof(title), "%s", g->title);
	for (char *p = title; *p; p++)
		if (*p == '\n')
			*p = ' ';
	html_put(f, "<figure><a href=\"figures/", g->name, ".svg\"><img src=\"figures/", g->name,
		 ".png\" alt=\"", title, "\"></a><figcaption>", g->caption, " (<a href=\"figures/",
		 g->name, ".svg\">SVG</a>, <a href=\"gnuplot/", g->name,
		 ".gp\">gnuplot</a>)</figcaption></figure>\n", html_end);
}

/* One row of the traces table. */
static void trace_row(FILE *f, sqlite3_stmt *st)
{
	char sz[32];
	double recs = sqlite3_column_double(st, 3);
	double bytes = sqlite3_column_double(st, 8) + sqlite3_column_double(st, 9);

	fputs("<tr><td>", f);
	html_esc(f, (const char *)sqlite3_column_text(st, 0));
	fputs("</td><td>", f);
	html_esc(f, (const char *)sqlite3_column_text(st, 1));
	format_size((uint64_t)sqlite3_column_int64(st, 2), sz, sizeof(sz));
	fprintf(f, "</td><td class=n>%s</td>", sz);
	for (int col = 3; col <= 7; col++)
		html_num(f, st, col, "%.0f", 1);
	format_size((uint64_t)sqlite3_column_int64(st, 8), sz, sizeof(sz));
	fprintf(f, "<td class=n>%s</td>", sz);
	format_size((uint64_t)sqlite3_column_int64(st, 9), sz, sizeof(sz));
	fprintf(f, "<td class=n>%s</td>", sz);
	html_num(f, st, 10, "%.3f", 1);
	if (recs > 0)
		fprintf(f, "<td class=n>%.1f</td>", bytes / recs / 1024.0);
	else
		fputs("<td>&ndash;</td>", f);
	if (sqlite3_column_type(st, 17) == SQLITE_NULL) {
		fputs("<td>&ndash;</td>", f);
	} else {
		format_size((uint64_t)sqlite3_column_int64(st, 17), sz, sizeof(sz));
		fprintf(f, "<td class=n>%s</td>", sz);
	}
	html_num(f, st, 18, "%.1f", 100);
	html_num(f, st, 19, "%.1f", 100);
	html_num(f, st, 11, "%.0f", 1);
	html_num(f, st, 12, "%.0f", 1);
	html_num(f, st, 13, "%.0f", 1);
	html_num(f, st, 14, "%.3f", 1e-6);
	fputs("<td>", f);
	html_esc(f, (const char *)sqlite3_column_text(st, 16));
	fputs("</td><td class=fp>", f);
	html_esc(f, (const char *)sqlite3_column_text(st, 15));
	fputs("</td></tr>\n", f);
}

static int trace_table(struct ctx *c, FILE *f)
{
	fputs("<div class=scroll><table><tr><th>trace</th><th>format</th><th>size</th><th>records</th><th>reads</th>"
	      "<th>writes</th><th>flushes</th><th>discards</th><th>read</th><th>written</th>"
	      "<th>duration (s)</th><th>mean request (KiB)</th><th>footprint</th>"
	      "<th>sequential %</th><th>reuse %</th><th>skipped lines</th><th>bad</th>"
	      "<th>reordered</th><th>device latency (ms, from the trace)</th><th>read as</th>"
	      "<th>fingerprint</th></tr>\n",
	      f);
	for (size_t fi = 0; fi < c->nfams; fi++) {
		bool seen = false;
		sqlite3_stmt *st;
		int rc;

		for (size_t g = 0; g < fi; g++)
			seen |= c->fams[g].trace_id == c->fams[fi].trace_id;
		if (seen)
			continue;
		rc = db_row(c->db, &st, c->err, c->errlen, "reading traces",
			    "SELECT path, format, size_bytes, records, reads, writes, flushes, discards, "
			    "bytes_read, bytes_written, duration_s, skipped_lines, skipped_bad, "
			    "reordered, dev_lat_mean_ns, fingerprint, stats_opts, footprint_bytes, "
			    "sequential_fraction, reuse_fraction FROM traces WHERE trace_id = ?1",
			    "i", c->fams[fi].trace_id);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			trace_row(f, st);
			sqlite3_finalize(st);
		}
	}
	fputs("</table></div>\n", f);
	return 0;
}

struct runs_rows {
	FILE *f;
	int rows;
};

/* One row of the runs table (the first 5000: the page is not the export). */
static int runs_row(sqlite3_stmt *st, void *arg)
{
	struct runs_rows *x = arg;
	FILE *f = x->f;
	char l[16], sz[32], wr[32];

	if (++x->rows > 5000) {
		fputs("<tr><td colspan=18>&hellip; more runs: use --csv or --json for all</td></tr>\n", f);
		return 1;
	}
	bs_label((unsigned long)sqlite3_column_int64(st, 2), l, sizeof(l));
	size_label(sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 6), sz,
		   sizeof(sz));
	format_size((uint64_t)sqlite3_column_int64(st, 14), wr, sizeof(wr));
	fprintf(f, "<tr><td class=n>%lld</td><td>", (long long)sqlite3_column_int64(st, 0));
	html_esc(f, base_name((const char *)sqlite3_column_text(st, 1)));
	fprintf(f, "</td><td class=n>%siB</td><td class=n>%d</td><td>", l, sqlite3_column_int(st, 3));
	html_esc(f, (const char *)sqlite3_column_text(st, 4));
	fputs("</td><td>", f);
	html_esc(f, (const char *)sqlite3_column_text(st, 5));
	fprintf(f, "</td><td class=n>%s</td><td>", sz);
	html_esc(f, (const char *)sqlite3_column_text(st, 7));
	fputs("</td><td>", f);
	html_esc(f, (const char *)sqlite3_column_text(st, 8));
	fputs(" / ", f);
	html_esc(f, (const char *)sqlite3_column_text(st, 9));
	fputs("</td>", f);
	html_num(f, st, 10, "%.2f", 100);
	html_num(f, st, 11, "%.3f", 1e-6);
	html_num(f, st, 12, "%.3f", 1e-6);
	html_num(f, st, 13, "%.3f", 1e-6);
	fprintf(f, "<td class=n>%s</td>", wr);
	html_num(f, st, 15, "%.0f", 1);
	html_num(f, st, 16, "%.0f", 1);
	html_num(f, st, 17, "%.2f", 1);
	fputs("<td>", f);
	html_esc(f, (const char *)sqlite3_column_text(st, 18));
	fputs("</td></tr>\n", f);
	return 0;
}

static int runs_table(struct ctx *c, FILE *f)
{
	static const char cols[] =
		"run_id, trace, block_size, assoc, mode, policy, cache_size, quirks, cache_model, "
		"target_model, read_hit_ratio, read_lat_mean_ns, read_lat_p99_ns, write_lat_mean_ns, "
		"ssd_bytes_written, cache_evictions, seed_crashes, wall_seconds, started_at";
	struct rep_selection sel = {.where = c->o->sel ? c->o->sel->where : NULL, .latest_only = true};
	struct runs_rows x = {.f = f};
	int rc;

	fputs("<div class=scroll><table class=runs><tr><th>run</th><th>trace</th><th>block</th><th>assoc</th><th>mode</th>"
	      "<th>policy</th><th>cache</th><th>quirks</th><th>devices</th><th>read hit %</th>"
	      "<th>read mean (ms)</th><th>read p99 (ms)</th><th>write mean (ms)</th>"
	      "<th>SSD written</th><th>evictions</th><th>seed crashes</th><th>wall (s)</th>"
	      "<th>started (UTC)</th></tr>\n",
	      f);
	rc = rep_select(c->db, cols, &sel, "trace_id, mode, policy, cache_size, assoc, block_size",
			runs_row, &x, c->err, c->errlen);
	fputs("</table></div>\n", f);
	return rc < 0 ? rc : 0;
}

/* The family's best configurations by --rank-by, with the metric ranked in the first column. */
static void best_table(struct ctx *c, FILE *f, const struct family *fm)
{
	int *idx = malloc((fm->nruns ? fm->nruns : 1) * sizeof(int));
	size_t n = fm->nruns;

	if (!idx)
		return;
	memcpy(idx, fm->runs, n * sizeof(int));
	qsort_r(idx, n, sizeof(int), cmp_rank, c);
	fprintf(f, "<p>The best%s configurations of this family, ranked by %s (%s is better; "
		   "<code>--rank-by</code>):</p>\n<div class=scroll><table class=best><tr><th>rank</th>"
		   "<th>%s</th><th>run</th><th>block</th><th>assoc</th><th>mode</th><th>policy</th>"
		   "<th>cache</th><th>read hit %%</th><th>read mean (ms)</th><th>read p99 (ms)</th>"
		   "<th>write mean (ms)</th></tr>\n",
		n < 5 ? "" : " five", c->rank->label, c->rank->higher_better ? "higher" : "lower",
		c->rank->label);
	for (size_t i = 0; i < n && i < 5; i++) {
		const struct run *r = &c->runs[idx[i]];
		double v[5] = {c->rank->get(r) * c->rank->scale, 100 * r->hit, r->read_mean_ns / 1e6,
			       r->read_p99_ns / 1e6, r->write_mean_ns / 1e6};
		char l[16], sz[32];

		bs_label(r->bs, l, sizeof(l));
		size_label(r->cache_size, sz, sizeof(sz));
		fprintf(f, "<tr><td class=n>%zu</td>", i + 1);
		for (int k = 0; k < 5; k++) {
			if (k == 1) {
				fprintf(f, "<td class=n>%" PRId64 "</td><td class=n>%siB</td><td class=n>%u</td><td>",
					r->id, l, r->assoc);
				html_esc(f, r->mode);
				fputs("</td><td>", f);
				html_esc(f, r->policy);
				fprintf(f, "</td><td class=n>%s</td>", sz);
			}
			if (isnan(v[k]))
				fputs("<td>&ndash;</td>", f);
			else
				fprintf(f, "<td class=n>%s%.3f%s</td>", k ? "" : "<b>", v[k], k ? "" : "</b>");
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
	free(idx);
}

static int write_index(struct ctx *c)
{
	char path[PATH_MAX], tmp[PATH_MAX], now[40];
	FILE *f;
	int rc;

	snprintf(path, sizeof(path), "%s/index.html", c->o->out_dir);
	snprintf(tmp, sizeof(tmp), "%s/.index.html.tmp", c->o->out_dir);
	f = fopen(tmp, "w");
	if (!f)
		return fail(c, -errno, "%s: %s", tmp, strerror(errno));
	rep_format_time(rep_now(), now, sizeof(now));
	fputs("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n"
	      "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
	      "<title>ssdcache-sim report</title>\n<style>\n"
	      "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:1500px}\n"
	      "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}\n"
	      "figure{display:inline-block;margin:0.5em;vertical-align:top;width:calc(50% - 1.2em);min-width:480px}\n"
	      "figure img{width:100%;height:auto;border:1px solid #ddd}\n"
	      "figcaption{font-size:0.85em;color:#444;max-width:960px}\n"
	      "table{border-collapse:collapse;font-size:0.85em;margin:0.5em 0}\n"
	      "td,th{border:1px solid #ccc;padding:2px 6px}th{background:#f3f3f3}td{white-space:nowrap}\n"
	      "td.n{text-align:right;font-variant-numeric:tabular-nums}td.fp{font-family:monospace;"
	      "font-size:0.8em}\n"
	      ".scroll{overflow-x:auto;max-width:100%}\n"
	      ".notes{color:#555;font-size:0.9em}#figcheck{font-size:0.85em;color:#555}\n"
	      "#figcheck.bad{color:#b00;font-weight:bold}\n"
	      "</style></head><body>\n<h1>ssdcache-sim report</h1>\n<p>Database <code>",
	      f);
	html_esc(f, c->o->db_label);
	fprintf(f, "</code>, %zu run%s", c->nruns, c->nruns == 1 ? "" : "s");
	if (c->o->where_text && c->o->where_text[0]) {
		fputs(" matching <code>", f);
		html_esc(f, c->o->where_text);
		fputs("</code>", f);
	}
	fprintf(f, " (status ok, newest run of each configuration)");
	{
		int64_t bad = count_rows(c, "SELECT count(*) FROM runs WHERE status != 'ok' AND ?1 = ?1", 0);

		if (bad > 0)
			fprintf(f, "; the database also holds %lld failed or refused run%s (list them with "
				   "<code>--where \"status != 'ok'\" --csv</code>)",
				(long long)bad, bad == 1 ? "" : "s");
	}
	fprintf(f, ". Generated %s by ssdcache-sim ", now);
	html_esc(f, SSDCACHE_SIM_VERSION);
	fprintf(f, ".</p>\n<p id=figcheck data-total=%zu>%zu figures (PNG; click for SVG).</p>\n",
		c->nfigs, c->nfigs);
	fputs("<h2>Traces</h2>\n", f);
	if ((rc = trace_table(c, f)))
		goto fail;
	for (size_t fi = 0; fi < c->nfams; fi++) {
		fprintf(f, "<h2 id=family-%zu>Family %zu: ", fi + 1, fi + 1);
		html_esc(f, c->fams[fi].desc);
		fprintf(f, " (%zu run%s)</h2>\n", c->fams[fi].nruns, c->fams[fi].nruns == 1 ? "" : "s");
		best_table(c, f, &c->fams[fi]);
		for (size_t g = 0; g < c->nfigs; g++)
			if (c->figs[g].family == (int)fi)
				html_figure(f, &c->figs[g]);
	}
	if (c->nselected) {
		fputs("<h2 id=selected>Selected runs</h2>\n<p>", f);
		for (size_t k = 0; k < c->nselected; k++) {
			char lab[128];

			run_label(&c->runs[c->selected[k]], lab, sizeof(lab));
			fputs(k ? "; " : "", f);
			html_esc(f, lab);
		}
		fputs("</p>\n", f);
		for (size_t g = 0; g < c->nfigs; g++)
			if (c->figs[g].family < 0)
				html_figure(f, &c->figs[g]);
	}
	if (c->notes_len) {
		fputs("<h2 id=notes>Not drawn</h2>\n<ul class=notes>\n", f);
		for (char *p = c->notes; *p;) {
			size_t l = strcspn(p, "\n");
			char line[600];

			snprintf(line, sizeof(line), "%.*s", (int)l, p);
			fputs("<li>", f);
			html_esc(f, line);
			fputs("</li>\n", f);
			p += l;
			if (*p)
				p++;
		}
		fputs("</ul>\n", f);
	}
	fputs("<h2 id=runs>Runs</h2>\n", f);
	if ((rc = runs_table(c, f)))
		goto fail;
	/* Say on the page whether every figure loaded (and let a headless browser check it). */
	fputs("<script>\nwindow.addEventListener('load', function () {\n"
	      "  var imgs = document.querySelectorAll('figure img'), ok = 0, bad = [];\n"
	      "  imgs.forEach(function (i) { if (i.complete && i.naturalWidth > 0) ok++; "
	      "else bad.push(i.getAttribute('src')); });\n"
	      "  var p = document.getElementById('figcheck');\n"
	      "  p.setAttribute('data-loaded', ok);\n"
	      /* Wide tables scroll in their own box: the page itself never scrolls sideways. */
	      "  p.setAttribute('data-page-overflow', Math.max(0, document.documentElement.scrollWidth - "
	      "document.documentElement.clientWidth));\n"
	      "  p.textContent = ok + ' of ' + imgs.length + ' figures loaded' + "
	      "(bad.length ? ': missing ' + bad.join(', ') : ' (PNG; click for SVG).');\n"
	      "  if (bad.length) p.className = 'bad';\n"
	      "});\n</script>\n</body></html>\n",
	      f);
	if (fclose(f)) {
		unlink(tmp);
		return fail(c, -EIO, "%s: %s", tmp, strerror(errno));
	}
	if (rename(tmp, path)) {
		unlink(tmp);
		return fail(c, -errno, "%s: %s", path, strerror(errno));
	}
	return 0;
fail:
	fclose(f);
	unlink(tmp);
	return rc;
}

/* ---- directories ---- */

static int mkdir_p(struct ctx *c, const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return fail(c, -errno, "%s: %s", buf, strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return fail(c, -errno, "%s: %s", buf, strerror(errno));
	return 0;
}

/* Remove what an earlier report left in our own subdirectories (stale figures would otherwise
 * sit beside the new ones). Only files with our extensions. */
static void clean_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		const char *ext = strrchr(e->d_name, '.');
		char p[PATH_MAX];

		if (!ext || (strcmp(ext, ".png") && strcmp(ext, ".svg") && strcmp(ext, ".gp") &&
			     strcmp(ext, ".log")))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

int rep_report_write(struct rep_db *db, const struct rep_report_opts *o,
		     struct rep_report_stats *stats, char *err, size_t errlen)
{
	struct ctx c = {.db = db, .o = o, .err = err, .errlen = errlen};
	char dir[PATH_MAX];
	int rc;

	memset(stats, 0, sizeof(*stats));
	c.max_figs = o->max_figures ? o->max_figures : 8;
	c.rank = rank_find(o->rank_by && *o->rank_by ? o->rank_by : "read_hit_ratio");
	if (!c.rank)
		return fail(&c, -EINVAL, "--rank-by: unknown metric '%s'", o->rank_by);
	if ((rc = load_runs(&c)))
		goto out;
	if (!c.nruns) {
		rc = fail(&c, -ENOENT, "%s: no run with status ok matches%s%s", rep_db_path(db),
			  o->where_text && o->where_text[0] ? " --where " : "",
			  o->where_text ? o->where_text : "");
		goto out;
	}
	if ((rc = group_families(&c)) || (rc = mkdir_p(&c, o->out_dir)))
		goto out;
	snprintf(dir, sizeof(dir), "%s/figures", o->out_dir);
	if ((rc = mkdir_p(&c, dir)))
		goto out;
	clean_dir(dir);
	snprintf(dir, sizeof(dir), "%s/gnuplot", o->out_dir);
	if ((rc = mkdir_p(&c, dir)))
		goto out;
	clean_dir(dir);
	if ((rc = draw_figures(&c)))
		goto out;
	for (size_t g = 0; g < c.nfigs; g++)
		if ((rc = render(&c, &c.figs[g])))
			goto out;
	rc = write_index(&c);
out:
	stats->runs = (unsigned)c.nruns;
	stats->families = (unsigned)c.nfams;
	stats->figures = (unsigned)c.nfigs;
	stats->omitted = c.omitted;
	for (size_t fi = 0; fi < c.nfams; fi++)
		free(c.fams[fi].runs);
	free(c.fams);
	free(c.runs);
	free(c.figs);
	return rc;
}
