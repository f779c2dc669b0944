// SPDX-License-Identifier: GPL-2.0
/* diff.c - `db diff`: two runs of a results database side by side (see diff.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "reports/db_internal.h"
#include "reports/diff.h"
#include "reports/query.h"
#include "reports/rep_util.h"

/* ---- resolving a side ---- */

struct first_ids {
	int64_t ids[5]; /* the first five (for the message when there are more) */
	size_t n;
};

static int keep_id(sqlite3_stmt *st, void *arg)
{
	struct first_ids *x = arg;

	if (x->n < 5)
		x->ids[x->n] = sqlite3_column_int64(st, 0);
	x->n++;
	return 0;
}

int rep_diff_resolve(struct rep_db *db, const char *label, const struct rep_diff_side *side,
		     int64_t *run_id, char *err, size_t errlen)
{
	struct first_ids x = {.n = 0};
	int rc;

	if (!side->where) {
		rc = db_each(db, err, errlen, "looking up a run",
			     "SELECT run_id FROM runs WHERE run_id = ?1", NULL, NULL, "i", side->run_id);
		if (rc < 0)
			return rc;
		if (rc > 0) {
			*run_id = side->run_id;
			return 0;
		}
		snprintf(err, errlen, "%s: run %s: no run with id %" PRId64, rep_db_path(db), label,
			 side->run_id);
		return -ENOENT;
	}

	struct rep_where *w;
	char werr[512];
	rc = rep_where_parse(side->where, &w, werr, sizeof(werr));
	if (rc) {
		snprintf(err, errlen, "run %s: %s", label, werr);
		return rc;
	}
	struct rep_selection sel = {.where = w};
	rc = rep_select(db, "run_id", &sel, "run_id", keep_id, &x, err, errlen);
	bool mentions_status = rep_where_mentions(w, "status");
	rep_where_free(w);
	if (rc < 0)
		return rc;
	size_t n = x.n;
	int64_t *ids = x.ids;
	if (n == 1) {
		*run_id = ids[0];
		return 0;
	}
	if (!n) {
		snprintf(err, errlen, "%s: run %s: no run matches '%s'%s", rep_db_path(db), label,
			 side->where, mentions_status ? "" : " (among ok runs; name status to see others)");
		return -ENOENT;
	}
	char list[128] = "";
	for (size_t i = 0; i < n && i < 5; i++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%" PRId64, i ? ", " : "", ids[i]);
	}
	snprintf(err, errlen,
		 "%s: run %s: '%s' matches %zu runs (ids %s%s); it must select one: add a condition "
		 "or give a run id",
		 rep_db_path(db), label, side->where, n, list, n > 5 ? ", ..." : "");
	return -ENOTUNIQ;
}

/* ---- values and the lists of compared items ---- */

struct val {
	int type; /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_NULL (absent) */
	int64_t i;
	double d;
	char *s;
};

struct item {
	char *name;
	struct val v[2];
};

struct items {
	struct item *it;
	size_t n, cap;
};

static void items_free(struct items *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->it[i].name);
		free(l->it[i].v[0].s);
		free(l->it[i].v[1].s);
	}
	free(l->it);
	memset(l, 0, sizeof(*l));
}

/* Leading '.'-separated components two names share ("latency.class.read_hit.count" and
 * "latency.class.write_hit.count": 2). */
static size_t common_parts(const char *a, const char *b)
{
	size_t n = 0;

	for (; *a && *a == *b; a++, b++)
		if (*a == '.')
			n++;
	return n;
}

/*
 * The item called name; if new, one with both sides absent, placed after the last item that
 * shares the most leading components with it (so an outcome or latency class only the second
 * run has lands among its kind, not at the end); NULL when out of memory.
 */
static struct item *items_get(struct items *l, const char *name)
{
	size_t at = l->n, best = 0;

	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->it[i].name, name))
			return &l->it[i];
	for (size_t i = 0; i < l->n; i++) {
		size_t c = common_parts(l->it[i].name, name);
		if (c && c >= best) {
			best = c;
			at = i + 1;
		}
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct item *it = realloc(l->it, cap * sizeof(*it));
		if (!it)
			return NULL;
		l->it = it;
		l->cap = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return NULL;
	memmove(&l->it[at + 1], &l->it[at], (l->n - at) * sizeof(*l->it));
	struct item *it = &l->it[at];
	memset(it, 0, sizeof(*it));
	it->v[0].type = it->v[1].type = SQLITE_NULL;
	it->name = copy;
	l->n++;
	return it;
}

/* Set side of item name from column col of st. 0 or -ENOMEM. */
static int items_set(struct items *l, const char *name, int side, sqlite3_stmt *st, int col)
{
	struct item *it = items_get(l, name);
	struct val *v;

	if (!it)
		return -ENOMEM;
	v = &it->v[side];
	free(v->s);
	memset(v, 0, sizeof(*v));
	v->type = sqlite3_column_type(st, col);
	switch (v->type) {
	case SQLITE_INTEGER:
		v->i = sqlite3_column_int64(st, col);
		break;
	case SQLITE_FLOAT:
		v->d = sqlite3_column_double(st, col);
		break;
	case SQLITE_NULL:
		break;
	default: /* text (a blob is shown as its text) */
		v->type = SQLITE_TEXT;
		v->s = strdup((const char *)sqlite3_column_text(st, col));
		if (!v->s)
			return -ENOMEM;
	}
	return 0;
}

static bool val_num(const struct val *v, double *x)
{
	if (v->type == SQLITE_INTEGER)
		*x = (double)v->i;
	else if (v->type == SQLITE_FLOAT)
		*x = v->d;
	else
		return false;
	return true;
}

static bool val_equal(const struct val *a, const struct val *b)
{
	double x = 0, y = 0;

	if (a->type == SQLITE_NULL || b->type == SQLITE_NULL)
		return a->type == b->type;
	if (a->type == SQLITE_TEXT || b->type == SQLITE_TEXT)
		return a->type == b->type && !strcmp(a->s, b->s);
	if (a->type == SQLITE_INTEGER && b->type == SQLITE_INTEGER)
		return a->i == b->i;
	val_num(a, &x);
	val_num(b, &y);
	return x == y;
}

/* ---- reading the tables ---- */

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* Columns of `runs` that say which run this is, not what was simulated. */
static const char *const not_config[] = {
	"run_id",      "run_uuid",   "trace_id",   "config_key",	 "config_hash",
	"status",      "error",      "started_at", "finished_at",	 "wall_seconds",
	"program_version", "hostname", "command_line", "sweep_id", "table_line",
	"table_args",  "trace_path", NULL,
};

/* Run sql (one ?1 = run id) and, for each row, name each column from the first name_cols
 * (joined by '.', after prefix) and record the others. skip: columns never recorded; text_too: keep text
 * columns (else only numbers and NULLs, by declared type). */
struct collect {
	struct items *l;
	int side;
	const char *prefix;
	int name_cols;
	const char *const *skip;
	bool text_too;
};

static int collect_row(sqlite3_stmt *st, void *arg)
{
	const struct collect *x = arg;
	char base[256];
	int ncol = sqlite3_column_count(st);

	snprintf(base, sizeof(base), "%s", x->prefix);
	for (int c = 0; c < x->name_cols; c++) {
		size_t len = strlen(base);
		snprintf(base + len, sizeof(base) - len, "%s%s", len ? "." : "",
			 (const char *)sqlite3_column_text(st, c));
	}
	for (int c = x->name_cols; c < ncol; c++) {
		const char *col = sqlite3_column_name(st, c);
		const char *decl = sqlite3_column_decltype(st, c);
		char name[384];

		if (x->skip && in_list(col, x->skip))
			continue;
		if (!x->text_too && decl && !strcasecmp(decl, "TEXT"))
			continue;
		/* A lone value column (outcomes' count) is named by the row alone. */
		if (ncol - x->name_cols == 1 && *base)
			snprintf(name, sizeof(name), "%s", base);
		else
			snprintf(name, sizeof(name), "%s%s%s", base, *base ? "." : "", col);
		if (items_set(x->l, name, x->side, st, c))
			return -ENOMEM;
	}
	return 0;
}

/* Run sql (one ?1 = run id) and, for each row, name each column from the first name_cols
 * (joined by '.', after prefix) and record the others. skip: columns never recorded; text_too: keep text
 * columns (else only numbers and NULLs, by declared type). */
static int collect(struct rep_db *db, struct items *l, int side, int64_t run, const char *sql,
		   const char *prefix, int name_cols, const char *const *skip, bool text_too,
		   char *err, size_t errlen)
{
	struct collect x = {l, side, prefix, name_cols, skip, text_too};
	int rc = db_each(db, err, errlen, "reading a run", sql, collect_row, &x, "i", run);

	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	return rc < 0 ? rc : 0;
}

/* An ok run omits zero outcome counts and empty latency classes: show them as 0 there. */
static void zero_absent_counts(struct items *l, const bool has_results[2])
{
	for (size_t i = 0; i < l->n; i++) {
		struct item *it = &l->it[i];
		size_t len = strlen(it->name);
		bool count = !strncmp(it->name, "outcome.", 8) ||
			     (!strncmp(it->name, "latency.", 8) && len > 6 &&
			      !strcmp(it->name + len - 6, ".count"));
		for (int s = 0; count && s < 2; s++)
			if (it->v[s].type == SQLITE_NULL && has_results[s])
				it->v[s].type = SQLITE_INTEGER; /* i = 0 */
	}
}

struct side_info {
	int64_t run_id;
	char run_uuid[64], status[16], trace[1024], fingerprint[80], started[40], version[64],
		sweep[64];
	char error[512];
	bool has_results;
};

static int read_side(struct rep_db *db, int64_t run, struct side_info *si, char *err, size_t errlen)
{
	sqlite3_stmt *st;
	int rc;

	memset(si, 0, sizeof(*si));
	rc = db_row(db, &st, err, errlen, "reading a run",
		    "SELECT r.run_id, r.run_uuid, r.status, coalesce(r.error, ''), t.path, "
		    "t.fingerprint, r.started_at, r.program_version, coalesce(r.sweep_id, ''), "
		    "EXISTS (SELECT 1 FROM results s WHERE s.run_id = r.run_id) "
		    "FROM runs r JOIN traces t ON t.trace_id = r.trace_id WHERE r.run_id = ?1",
		    "i", run);
	if (rc < 0)
		return rc;
	if (!rc) {
		snprintf(err, errlen, "%s: no run with id %" PRId64, rep_db_path(db), run);
		return -ENOENT;
	}
	si->run_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, si->run_uuid, sizeof(si->run_uuid));
	db_col_text(st, 2, si->status, sizeof(si->status));
	db_col_text(st, 3, si->error, sizeof(si->error));
	db_col_text(st, 4, si->trace, sizeof(si->trace));
	db_col_text(st, 5, si->fingerprint, sizeof(si->fingerprint));
	db_col_text(st, 6, si->started, sizeof(si->started));
	db_col_text(st, 7, si->version, sizeof(si->version));
	db_col_text(st, 8, si->sweep, sizeof(si->sweep));
	si->has_results = sqlite3_column_int(st, 9) != 0;
	sqlite3_finalize(st);
	return 0;
}

/* ---- printing ---- */

static void json_num(FILE *out, double x)
{
	if (isfinite(x))
		fprintf(out, "%.17g", x);
	else
		fputs("null", out);
}

static void json_val(FILE *out, const struct val *v)
{
	switch (v->type) {
	case SQLITE_INTEGER:
		fprintf(out, "%" PRId64, v->i);
		break;
	case SQLITE_FLOAT:
		json_num(out, v->d);
		break;
	case SQLITE_TEXT:
		rep_json_str(out, v->s);
		break;
	default:
		fputs("null", out);
	}
}

static void text_val(const struct val *v, char *buf, size_t len)
{
	switch (v->type) {
	case SQLITE_INTEGER:
		snprintf(buf, len, "%" PRId64, v->i);
		break;
	case SQLITE_FLOAT:
		snprintf(buf, len, "%.6g", v->d);
		break;
	case SQLITE_TEXT:
		snprintf(buf, len, "%s", v->s);
		break;
	default:
		snprintf(buf, len, "-");
	}
}

/* B - A and (B - A) / |A|; false when either is not a number (rel: NAN when A is 0). */
static bool val_diff(const struct item *it, double *diff, double *rel, bool *integer)
{
	double a, b;

	if (!val_num(&it->v[0], &a) || !val_num(&it->v[1], &b))
		return false;
	*integer = it->v[0].type == SQLITE_INTEGER && it->v[1].type == SQLITE_INTEGER;
	*diff = b - a;
	*rel = a != 0 ? (b - a) / fabs(a) : NAN;
	return true;
}

static void json_side(FILE *out, const struct side_info *si)
{
	const struct {
		const char *key, *val;
		bool null_if_empty; /* "" is written as null */
	} field[] = {
		{"run_uuid", si->run_uuid, false},   {"status", si->status, false},
		{"error", si->error, true},          {"trace", si->trace, false},
		{"fingerprint", si->fingerprint, false}, {"started_at", si->started, false},
		{"program_version", si->version, false}, {"sweep", si->sweep, true},
	};

	fprintf(out, "{\"run_id\":%" PRId64, si->run_id);
	for (size_t i = 0; i < sizeof(field) / sizeof(field[0]); i++) {
		fprintf(out, ",\"%s\":", field[i].key);
		if (field[i].null_if_empty && !field[i].val[0])
			fputs("null", out);
		else
			rep_json_str(out, field[i].val);
	}
	fputc('}', out);
}

/* An item's object up to its two values, '{"name":N,"a":A,"b":B' (the caller closes it), after
 * a comma unless it is the first of its list. */
static void json_item(FILE *out, const struct item *it, bool first)
{
	fprintf(out, "%s{\"name\":", first ? "" : ",");
	rep_json_str(out, it->name);
	fputs(",\"a\":", out);
	json_val(out, &it->v[0]);
	fputs(",\"b\":", out);
	json_val(out, &it->v[1]);
}

static void print_json(FILE *out, const struct side_info si[2], const struct items *cfg,
		       const struct items *met)
{
	size_t ndiff = 0;

	for (size_t i = 0; i < cfg->n; i++)
		ndiff += !val_equal(&cfg->it[i].v[0], &cfg->it[i].v[1]);
	fputs("{\"a\":", out);
	json_side(out, &si[0]);
	fputs(",\"b\":", out);
	json_side(out, &si[1]);
	fprintf(out, ",\"same_configuration\":%s,\"config\":[", ndiff ? "false" : "true");
	bool first = true;
	for (size_t i = 0; i < cfg->n; i++) {
		const struct item *it = &cfg->it[i];
		if (val_equal(&it->v[0], &it->v[1]))
			continue;
		json_item(out, it, first);
		fputc('}', out);
		first = false;
	}
	fputs("],\"metrics\":[", out);
	for (size_t i = 0; i < met->n; i++) {
		const struct item *it = &met->it[i];
		double d, r;
		bool integer;

		json_item(out, it, i == 0);
		fputs(",\"diff\":", out);
		if (!val_diff(it, &d, &r, &integer))
			fputs("null,\"rel\":null", out);
		else {
			if (integer)
				fprintf(out, "%" PRId64, it->v[1].i - it->v[0].i);
			else
				json_num(out, d);
			fputs(",\"rel\":", out);
			json_num(out, r);
		}
		fputc('}', out);
	}
	fputs("]}\n", out);
}

static void print_text(FILE *out, const struct side_info si[2], const struct items *cfg,
		       const struct items *met, bool all)
{
	size_t ndiff = 0, nmet = 0;
	bool same_trace = !strcmp(si[0].fingerprint, si[1].fingerprint);

	fprintf(out, "%-10s %-32s %s\n", "", "A", "B");
	fprintf(out, "%-10s %-32" PRId64 " %" PRId64 "\n", "run", si[0].run_id, si[1].run_id);
	fprintf(out, "%-10s %-32s %s\n", "status", si[0].status, si[1].status);
	fprintf(out, "%-10s %-32s %s\n", "trace", si[0].trace, same_trace ? "(the same)" : si[1].trace);
	fprintf(out, "%-10s %-32s %s\n", "started", si[0].started, si[1].started);
	fprintf(out, "%-10s %-32s %s\n", "program", si[0].version, si[1].version);
	for (int s = 0; s < 2; s++)
		if (si[s].error[0])
			fprintf(out, "%-10s %s: %s\n", "error", s ? "B" : "A", si[s].error);

	for (size_t i = 0; i < cfg->n; i++)
		ndiff += !val_equal(&cfg->it[i].v[0], &cfg->it[i].v[1]);
	if (!ndiff)
		fprintf(out, "\nconfiguration: the same (%zu parameters)\n", cfg->n);
	else
		fprintf(out, "\nconfiguration: %zu of %zu parameters differ\n", ndiff, cfg->n);
	for (size_t i = 0; i < cfg->n; i++) {
		const struct item *it = &cfg->it[i];
		char a[512], b[512];

		if (val_equal(&it->v[0], &it->v[1]))
			continue;
		text_val(&it->v[0], a, sizeof(a));
		text_val(&it->v[1], b, sizeof(b));
		fprintf(out, "  %-22s %-32s %s\n", it->name, a, b);
	}

	for (size_t i = 0; i < met->n; i++)
		nmet += !val_equal(&met->it[i].v[0], &met->it[i].v[1]);
	fprintf(out, "\nmetrics: %zu of %zu differ%s\n", nmet, met->n,
		all || nmet == met->n ? "" : " (--all also shows the equal ones)");
	if (!nmet && !all)
		return;
	fprintf(out, "  %-38s %15s %15s %15s %10s\n", "", "A", "B", "B - A", "rel");
	for (size_t i = 0; i < met->n; i++) {
		const struct item *it = &met->it[i];
		char a[64], b[64], d[64] = "-", r[32] = "-";
		double dv, rv;
		bool integer;

		if (!all && val_equal(&it->v[0], &it->v[1]))
			continue;
		text_val(&it->v[0], a, sizeof(a));
		text_val(&it->v[1], b, sizeof(b));
		if (val_diff(it, &dv, &rv, &integer)) {
			if (integer)
				snprintf(d, sizeof(d), "%+" PRId64, it->v[1].i - it->v[0].i);
			else
				snprintf(d, sizeof(d), "%+.6g", dv);
			if (isfinite(rv))
				snprintf(r, sizeof(r), "%+.2f%%", 100 * rv);
		}
		fprintf(out, "  %-38s %15s %15s %15s %10s\n", it->name, a, b, d, r);
	}
}

int rep_diff_print(struct rep_db *db, int64_t a, int64_t b, const struct rep_diff_opts *o,
		   FILE *out, char *err, size_t errlen)
{
	static const char *const results_skip[] = {"run_id", "wall_seconds", NULL};
	static const char *const device_skip[] = {"run_id", "role", NULL}; /* role: in the name */
	struct items cfg = {0}, met = {0};
	struct side_info si[2];
	int64_t run[2] = {a, b};
	int rc = 0;

	for (int s = 0; !rc && s < 2; s++)
		rc = read_side(db, run[s], &si[s], err, errlen);
	for (int s = 0; !rc && s < 2; s++) {
		rc = collect(db, &cfg, s, run[s],
			     "SELECT r.*, t.fingerprint AS trace_fingerprint FROM runs r "
			     "JOIN traces t ON t.trace_id = r.trace_id WHERE r.run_id = ?1",
			     "", 0, not_config, true, err, errlen);
		if (!rc)
			rc = collect(db, &met, s, run[s], "SELECT * FROM results WHERE run_id = ?1", "",
				     0, results_skip, false, err, errlen);
		if (!rc)
			rc = collect(db, &met, s, run[s],
				     "SELECT outcome, count FROM outcomes WHERE run_id = ?1 ORDER BY outcome",
				     "outcome", 1, NULL, false, err, errlen);
		if (!rc)
			rc = collect(db, &met, s, run[s],
				     "SELECT scope, name, count, mean_ns, p50_ns, p90_ns, p99_ns, p999_ns, "
				     "max_ns FROM latency WHERE run_id = ?1 ORDER BY scope, name",
				     "latency", 2, NULL, false, err, errlen);
		if (!rc)
			rc = collect(db, &met, s, run[s],
				     "SELECT role, * FROM device_stats WHERE run_id = ?1 ORDER BY role",
				     "device", 1, device_skip, false, err, errlen);
		if (!rc) /* a model's own counters: device.<role>.<name> as its columns were */
			rc = collect(
			    db, &met, s, run[s],
			    "SELECT device, name, value FROM device_counters WHERE run_id = ?1 "
			    "ORDER BY device, name",
			    "device", 2, NULL, false, err, errlen);
	}
	if (!rc) {
		bool has[2] = {si[0].has_results, si[1].has_results};
		zero_absent_counts(&met, has);
		if (o && o->json)
			print_json(out, si, &cfg, &met);
		else
			print_text(out, si, &cfg, &met, o && o->all);
	}
	items_free(&cfg);
	items_free(&met);
	return rc;
}
