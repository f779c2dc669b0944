// SPDX-License-Identifier: GPL-2.0
/* query.c - the --where parser (whitelisted fields, bound values), run selection, CSV/JSON export. */
#include "reports/query.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reports/db_internal.h"
#include "reports/rep_util.h"
#include "sim/base/units.h"

const struct rep_field rep_fields[] = {
	{"run_id", "run_id", REP_F_INT, "the run's row id in this database"},
	{"run_uuid", "run_uuid", REP_F_TEXT, "the run's global id (kept across merges)"},
	{"status", "status", REP_F_TEXT, "ok, invalid or failed (default selection: ok)"},
	{"error", "error", REP_F_TEXT, "message of a refused or failed run"},
	{"started_at", "started_at", REP_F_TEXT, "UTC, e.g. '2024-05-01T12:00:00.000Z'"},
	{"finished_at", "finished_at", REP_F_TEXT, "UTC"},
	{"wall_seconds", "wall_seconds", REP_F_REAL, "simulation wall-clock time (s)"},
	{"program_version", "program_version", REP_F_TEXT, "ssdcache-sim version that ran it"},
	{"hostname", "hostname", REP_F_TEXT, "machine that ran it"},
	{"sweep", "sweep_id", REP_F_TEXT, "sweep id (s-...)"},
	{"trace", "trace", REP_F_TEXT, "trace path as first recorded"},
	{"fingerprint", "fingerprint", REP_F_TEXT, "trace content fingerprint"},
	{"trace_format", "trace_format", REP_F_TEXT, "blkparse, msr, ..."},
	{"config_hash", "config_hash", REP_F_TEXT, "hash of the configuration key"},
	{"config_key", "config_key", REP_F_TEXT, "canonical configuration text"},
	{"table_line", "table_line", REP_F_TEXT, "the dm table line"},
	{"block_size", "block_size", REP_F_INT, "block size in 512-byte sectors"},
	{"block_bytes", "block_bytes", REP_F_SIZE, "block size in bytes (4K, 64K, ...)"},
	{"assoc", "assoc", REP_F_INT, "associativity"},
	{"mode", "mode", REP_F_TEXT, "writethrough, writeback or readcache"},
	{"policy", "policy", REP_F_TEXT, "victim policy (lfu, lru, fifo, random, clock, srrip, opt)"},
	{"options", "options", REP_F_TEXT, "table option flags (queue_busy, ...)"},
	{"cache_size", "cache_size", REP_F_SIZE, "cache device size (bytes; 1G, 512M, ...)"},
	{"cache_spec", "cache_spec", REP_F_TEXT, "cache device spec"},
	{"cache_model", "cache_model", REP_F_TEXT, "fixed, hdd, ssd"},
	{"cache_preset", "cache_preset", REP_F_TEXT, "preset of the cache device"},
	{"target_size", "target_size", REP_F_SIZE, "target device size"},
	{"target_spec", "target_spec", REP_F_TEXT, "target device spec"},
	{"target_model", "target_model", REP_F_TEXT, "fixed, hdd, ssd"},
	{"target_preset", "target_preset", REP_F_TEXT, "preset of the target device"},
	{"quirks", "quirks", REP_F_TEXT, "seed, fixed, seed+Q20, ..."},
	{"hz", "hz", REP_F_INT, "jiffies per second"},
	{"speed", "speed", REP_F_REAL, "replay speed factor"},
	{"qd", "qd", REP_F_INT, "closed-loop queue depth (0: open loop)"},
	{"requests", "requests", REP_F_INT, "user requests simulated"},
	{"reads", "reads", REP_F_INT, "read requests"},
	{"writes", "writes", REP_F_INT, "write requests"},
	{"pieces", "pieces", REP_F_INT, "ssdcache_map calls"},
	{"read_pieces", "read_pieces", REP_F_INT, "read pieces that reached cte_match"},
	{"read_hit_ratio", "read_hit_ratio", REP_F_REAL, "READ_CLEAN / read pieces (0..1, or 40%)"},
	{"sector_read_hit_ratio", "sector_read_hit_ratio", REP_F_REAL, "sectors read from the cache / read"},
	{"iops", "iops", REP_F_REAL, "requests per simulated second"},
	{"mb_s", "mb_s", REP_F_REAL, "MB/s over the simulated span"},
	{"cache_util", "cache_util", REP_F_REAL, "cache device busy fraction"},
	{"target_util", "target_util", REP_F_REAL, "target device busy fraction"},
	{"ssd_bytes_written", "ssd_bytes_written", REP_F_SIZE, "bytes written to the cache device"},
	{"ssd_media_bytes_written", "ssd_media_bytes_written", REP_F_SIZE, "bytes programmed to flash"},
	{"cache_evictions", "cache_evictions", REP_F_INT, "the seed's cache_evictions counter"},
	{"write_skip", "write_skip", REP_F_INT, "the seed's write_skip counter"},
	{"cache_bypassed", "cache_bypassed", REP_F_INT, "the seed's cache_bypassed counter"},
	{"seed_crashes", "seed_crashes", REP_F_INT, "places the seed would have crashed"},
	{"stale_reads", "stale_reads", REP_F_INT, "stale reads found by the verifier"},
	{"miss_compulsory", "miss_compulsory", REP_F_INT, "read misses: first access"},
	{"miss_capacity", "miss_capacity", REP_F_INT, "read misses: capacity"},
	{"miss_conflict", "miss_conflict", REP_F_INT, "read misses: placement (associativity)"},
	{"miss_busy", "miss_busy", REP_F_INT, "read misses: block busy"},
	{"miss_policy", "miss_policy", REP_F_INT, "read misses: no-eviction rule, lookup failure"},
	{"read_lat_mean_ns", "read_lat_mean_ns", REP_F_REAL, "read request latency, mean (ns)"},
	{"read_lat_p50_ns", "read_lat_p50_ns", REP_F_REAL, "read request latency, median (ns)"},
	{"read_lat_p99_ns", "read_lat_p99_ns", REP_F_REAL, "read request latency, 99th pct (ns)"},
	{"write_lat_mean_ns", "write_lat_mean_ns", REP_F_REAL, "write request latency, mean (ns)"},
	{"write_lat_p50_ns", "write_lat_p50_ns", REP_F_REAL, "write request latency, median (ns)"},
	{"write_lat_p99_ns", "write_lat_p99_ns", REP_F_REAL, "write request latency, 99th pct (ns)"},
	{"sim_span_ns", "sim_span_ns", REP_F_INT, "simulated time from first arrival to last completion"},
	{NULL, NULL, REP_F_INT, NULL},
};

/* Aliases users are likely to type (the sweep's option names). */
static const struct {
	const char *alias, *name;
} aliases[] = {{"blocksize", "block_size"}, {"sweep_id", "sweep"}, {NULL, NULL}};

void rep_fields_print(FILE *fp)
{
	static const char *const types[] = {"integer", "number", "text", "size"};

	for (const struct rep_field *f = rep_fields; f->name; f++)
		fprintf(fp, "  %-24s %-7s %s\n", f->name, types[f->type], f->help);
}

/* ---- the parser ---- */

struct value {
	enum rep_field_type type;
	int64_t i;
	double d;
	char *s;
};

struct rep_where {
	char *sql;
	size_t len, cap;
	struct value *vals;
	size_t nvals, capvals;
	const char *mentioned[64];
	size_t nmentioned;
	bool oom;
};

enum tok_kind { T_END, T_WORD, T_STRING, T_OP, T_LPAREN, T_RPAREN, T_COMMA, T_BAD };

struct tok {
	enum tok_kind kind;
	const char *start; /* in the expression */
	size_t len;
	char text[256];    /* unquoted text */
	int col;           /* 1-based */
};

struct parser {
	const char *expr, *p;
	struct tok t;
	struct rep_where *w;
	char *err;
	size_t errlen;
	int depth;
};

static int perr(struct parser *ps, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(struct parser *ps, int col, const char *fmt, ...)
{
	va_list ap;
	size_t n = (size_t)snprintf(ps->err, ps->errlen, "--where: column %d: ", col);

	va_start(ap, fmt);
	if (n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int next(struct parser *ps)
{
	struct tok *t = &ps->t;
	const char *p = ps->p;

	while (isspace((unsigned char)*p))
		p++;
	memset(t, 0, sizeof(*t));
	t->start = p;
	t->col = (int)(p - ps->expr) + 1;
	if (!*p) {
		t->kind = T_END;
	} else if (*p == '(' || *p == ')' || *p == ',') {
		t->kind = *p == '(' ? T_LPAREN : *p == ')' ? T_RPAREN : T_COMMA;
		p++;
	} else if (strchr("=!<>~", *p)) {
		static const char *const ops[] = {"==", "!=", "<>", "<=", ">=", "=", "<", ">", "~"};

		t->kind = T_BAD;
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			size_t l = strlen(ops[i]);

			if (!strncmp(p, ops[i], l)) {
				t->kind = T_OP;
				memcpy(t->text, ops[i], l);
				p += l;
				break;
			}
		}
		if (t->kind == T_BAD)
			return perr(ps, t->col, "'%c' is not an operator (expected = != < <= > >= ~)", *p);
	} else if (*p == '\'' || *p == '"') {
		char q = *p++;
		size_t n = 0;

		t->kind = T_STRING;
		for (;;) {
			if (!*p)
				return perr(ps, t->col, "unterminated string (missing %c)", q);
			if (*p == q) {
				if (p[1] == q) { /* doubled quote: a literal quote */
					p++;
				} else {
					p++;
					break;
				}
			}
			if (n + 1 >= sizeof(t->text))
				return perr(ps, t->col, "string too long");
			t->text[n++] = *p++;
		}
	} else {
		size_t n = 0;

		t->kind = T_WORD;
		/* Bare words: names, numbers, sizes, simple values; anything else must be quoted. */
		while (*p && (isalnum((unsigned char)*p) || strchr("_.-+%:/*", *p))) {
			if (n + 1 >= sizeof(t->text))
				return perr(ps, t->col, "word too long");
			t->text[n++] = *p++;
		}
		if (!n)
			return perr(ps, t->col, "unexpected '%c' (quote values that contain it: 'a%cb')", *p,
				    *p);
	}
	t->len = (size_t)(p - t->start);
	ps->p = p;
	return 0;
}

static bool is_kw(const struct tok *t, const char *kw)
{
	return t->kind == T_WORD && !strcasecmp(t->text, kw);
}

static void emit(struct rep_where *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(struct rep_where *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(w->sql + w->len, w->cap - w->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && w->len + (size_t)n < w->cap) {
			w->len += (size_t)n;
			return;
		}
		char *s = realloc(w->sql, w->cap * 2 + (size_t)n + 1);

		if (!s) {
			w->oom = true;
			return;
		}
		w->sql = s;
		w->cap = w->cap * 2 + (size_t)n + 1;
	}
}

static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned d[64][64];

	if (la >= 64 || lb >= 64)
		return 99;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			unsigned c = d[i - 1][j - 1] + (tolower((unsigned char)a[i - 1]) !=
							 tolower((unsigned char)b[j - 1]));
			unsigned x = d[i - 1][j] + 1, y = d[i][j - 1] + 1;

			d[i][j] = c < x ? (c < y ? c : y) : (x < y ? x : y);
		}
	return d[la][lb];
}

static const struct rep_field *find_field(const char *name)
{
	for (size_t i = 0; aliases[i].alias; i++)
		if (!strcasecmp(name, aliases[i].alias))
			name = aliases[i].name;
	for (const struct rep_field *f = rep_fields; f->name; f++)
		if (!strcasecmp(f->name, name))
			return f;
	return NULL;
}

static int unknown_field(struct parser *ps, const struct tok *t)
{
	const struct rep_field *best = NULL;
	unsigned bd = 4;

	for (const struct rep_field *f = rep_fields; f->name; f++) {
		unsigned d = edit_distance(t->text, f->name);

		if (d < bd) {
			bd = d;
			best = f;
		}
	}
	if (best)
		return perr(ps, t->col, "unknown field '%s' (did you mean '%s'?); `ssdcache-sim report "
					"--fields` lists them",
			    t->text, best->name);
	return perr(ps, t->col, "unknown field '%s'; `ssdcache-sim report --fields` lists them",
		    t->text);
}

/* Convert a value token for field f and append it as a bound parameter. */
static int add_value(struct parser *ps, const struct rep_field *f, const struct tok *t)
{
	struct rep_where *w = ps->w;
	struct value v = {.type = f->type};

	if (t->kind != T_WORD && t->kind != T_STRING)
		return perr(ps, t->col, "expected a value for %s", f->name);
	switch (f->type) {
	case REP_F_INT: {
		char *end;
		long long x;

		errno = 0;
		x = strtoll(t->text, &end, 10);
		if (errno || end == t->text || *end)
			return perr(ps, t->col, "%s expects a whole number, not '%s'", f->name, t->text);
		v.i = x;
		break;
	}
	case REP_F_REAL: {
		char *end;

		errno = 0;
		v.d = strtod(t->text, &end);
		if (end != t->text && *end == '%' && !end[1]) {
			v.d /= 100.0; /* "50%" for ratios */
			end++;
		}
		if (errno || end == t->text || *end || !isfinite(v.d))
			return perr(ps, t->col, "%s expects a number, not '%s'", f->name, t->text);
		break;
	}
	case REP_F_SIZE: {
		uint64_t b;

		if (parse_size(t->text, &b) || b > INT64_MAX)
			return perr(ps, t->col, "%s expects a size (e.g. 4096, 64K, 1G), not '%s'", f->name,
				    t->text);
		v.i = (int64_t)b;
		break;
	}
	case REP_F_TEXT:
		v.s = strdup(t->text);
		if (!v.s) {
			w->oom = true;
			return -ENOMEM;
		}
		break;
	}
	if (w->nvals == w->capvals) {
		size_t cap = w->capvals ? w->capvals * 2 : 8;
		struct value *nv = realloc(w->vals, cap * sizeof(*nv));

		if (!nv) {
			free(v.s);
			w->oom = true;
			return -ENOMEM;
		}
		w->vals = nv;
		w->capvals = cap;
	}
	w->vals[w->nvals++] = v;
	emit(w, "?%zu", w->nvals);
	return 0;
}

static int parse_or(struct parser *ps);

static int parse_comparison(struct parser *ps)
{
	struct tok ft = ps->t;
	const struct rep_field *f;
	bool negate = false;
	int rc;

	if (ft.kind != T_WORD)
		return perr(ps, ft.col, "expected a field name%s", ft.kind == T_END ? " at the end" : "");
	f = find_field(ft.text);
	if (!f)
		return unknown_field(ps, &ft);
	if (ps->w->nmentioned < sizeof(ps->w->mentioned) / sizeof(ps->w->mentioned[0]))
		ps->w->mentioned[ps->w->nmentioned++] = f->name;
	if ((rc = next(ps)))
		return rc;
	if (is_kw(&ps->t, "not")) {
		negate = true;
		if ((rc = next(ps)))
			return rc;
		if (!is_kw(&ps->t, "in"))
			return perr(ps, ps->t.col, "expected 'in' after '%s not'", f->name);
	}
	if (is_kw(&ps->t, "in")) {
		if ((rc = next(ps)))
			return rc;
		if (ps->t.kind != T_LPAREN)
			return perr(ps, ps->t.col, "expected '(' after 'in'");
		emit(ps->w, "%s %sIN (", f->column, negate ? "NOT " : "");
		for (int k = 0;; k++) {
			if ((rc = next(ps)))
				return rc;
			if (k)
				emit(ps->w, ", ");
			if ((rc = add_value(ps, f, &ps->t)))
				return rc;
			if ((rc = next(ps)))
				return rc;
			if (ps->t.kind == T_RPAREN)
				break;
			if (ps->t.kind != T_COMMA)
				return perr(ps, ps->t.col, "expected ',' or ')' in the list for %s", f->name);
		}
		emit(ps->w, ")");
		return next(ps);
	}
	if (ps->t.kind != T_OP)
		return perr(ps, ps->t.col, "expected an operator (= != < <= > >= ~ or in) after '%s'",
			    f->name);
	{
		const char *op = ps->t.text, *sqlop = op;
		int opcol = ps->t.col;

		if (!strcmp(op, "=="))
			sqlop = "=";
		else if (!strcmp(op, "<>"))
			sqlop = "!=";
		else if (!strcmp(op, "~")) {
			if (f->type != REP_F_TEXT)
				return perr(ps, opcol, "'~' (LIKE) applies to text fields; %s is a number",
					    f->name);
			sqlop = "LIKE";
		}
		emit(ps->w, "%s %s ", f->column, sqlop);
		if ((rc = next(ps)))
			return rc;
		if ((rc = add_value(ps, f, &ps->t)))
			return rc;
	}
	return next(ps);
}

static int parse_unary(struct parser *ps)
{
	int rc;

	if (is_kw(&ps->t, "not")) {
		emit(ps->w, "NOT ");
		if ((rc = next(ps)))
			return rc;
		return parse_unary(ps);
	}
	if (ps->t.kind == T_LPAREN) {
		int col = ps->t.col;

		if (++ps->depth > 32)
			return perr(ps, col, "parentheses nested too deeply");
		emit(ps->w, "(");
		if ((rc = next(ps)) || (rc = parse_or(ps)))
			return rc;
		if (ps->t.kind != T_RPAREN)
			return perr(ps, ps->t.col, "expected ')' to close the '(' at column %d", col);
		emit(ps->w, ")");
		ps->depth--;
		return next(ps);
	}
	emit(ps->w, "(");
	rc = parse_comparison(ps);
	emit(ps->w, ")");
	return rc;
}

/* OPERAND {KW OPERAND}, joined by sql: "or" binds looser than "and". */
static int parse_list(struct parser *ps, const char *kw, const char *sql,
		      int (*operand)(struct parser *ps))
{
	int rc = operand(ps);

	while (!rc && is_kw(&ps->t, kw)) {
		emit(ps->w, "%s", sql);
		if ((rc = next(ps)))
			return rc;
		rc = operand(ps);
	}
	return rc;
}

static int parse_and(struct parser *ps)
{
	return parse_list(ps, "and", " AND ", parse_unary);
}

static int parse_or(struct parser *ps)
{
	return parse_list(ps, "or", " OR ", parse_and);
}

int rep_where_parse(const char *expr, struct rep_where **out, char *err, size_t errlen)
{
	struct rep_where *w = calloc(1, sizeof(*w));
	struct parser ps = {.expr = expr ? expr : "", .err = err, .errlen = errlen};
	int rc;

	*out = NULL;
	if (!w || !(w->sql = malloc(w->cap = 256))) {
		free(w);
		snprintf(err, errlen, "--where: out of memory");
		return -ENOMEM;
	}
	w->sql[0] = '\0';
	ps.p = ps.expr;
	ps.w = w;
	if ((rc = next(&ps)))
		goto fail;
	if (ps.t.kind == T_END) {
		emit(w, "1");
	} else {
		if ((rc = parse_or(&ps)))
			goto fail;
		if (ps.t.kind != T_END) {
			rc = perr(&ps, ps.t.col, "unexpected '%.*s' (expected 'and', 'or' or the end)",
				  (int)ps.t.len, ps.t.start);
			goto fail;
		}
	}
	if (w->oom) {
		rc = -ENOMEM;
		snprintf(err, errlen, "--where: out of memory");
		goto fail;
	}
	*out = w;
	return 0;
fail:
	rep_where_free(w);
	return rc;
}

void rep_where_free(struct rep_where *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nvals; i++)
		free(w->vals[i].s);
	free(w->vals);
	free(w->sql);
	free(w);
}

const char *rep_where_sql(const struct rep_where *w)
{
	return w && w->sql[0] ? w->sql : "1";
}

bool rep_where_mentions(const struct rep_where *w, const char *field)
{
	for (size_t i = 0; w && i < w->nmentioned; i++)
		if (!strcmp(w->mentioned[i], field))
			return true;
	return false;
}

int rep_where_bind(const struct rep_where *w, sqlite3_stmt *st, int first)
{
	int rc = SQLITE_OK;

	for (size_t i = 0; w && i < w->nvals && rc == SQLITE_OK; i++) {
		const struct value *v = &w->vals[i];
		int p = first + (int)i;

		switch (v->type) {
		case REP_F_INT:
		case REP_F_SIZE:
			rc = sqlite3_bind_int64(st, p, v->i);
			break;
		case REP_F_REAL:
			rc = sqlite3_bind_double(st, p, v->d);
			break;
		case REP_F_TEXT:
			rc = sqlite3_bind_text(st, p, v->s, -1, SQLITE_STATIC);
			break;
		}
	}
	return rc;
}

/* ---- selection ---- */

int rep_select(struct rep_db *db, const char *cols, const struct rep_selection *sel,
	       const char *order_by, db_row_fn fn, void *arg, char *err, size_t errlen)
{
	const struct rep_where *w = sel ? sel->where : NULL;
	bool status_default = !rep_where_mentions(w, "status");
	size_t n = strlen(cols) + strlen(rep_where_sql(w)) + (order_by ? strlen(order_by) : 0) + 512;
	char *sql = malloc(n);
	sqlite3_stmt *st;
	int rc;

	if (!sql) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* The user's condition has placeholders ?1..?N; nothing of their text is in it. */
	snprintf(sql, n,
		 "SELECT %s FROM run_summary WHERE (%s)%s%s ORDER BY %s", cols, rep_where_sql(w),
		 status_default ? " AND status = 'ok'" : "",
		 sel && sel->latest_only
			 ? " AND run_id IN (SELECT max(run_id) FROM runs GROUP BY trace_id, config_key, "
			   "status)"
			 : "",
		 order_by ? order_by : "run_id");
	rc = db_prepare(db, &st, err, errlen, "selecting runs", sql);
	free(sql);
	if (rc)
		return rc;
	rc = rep_where_bind(w, st, 1);
	rc = rc == SQLITE_OK ? db_rows(db, st, err, errlen, "reading runs", fn, arg)
			     : db_error(db->path, db->conn, rc, err, errlen, "selecting runs");
	sqlite3_finalize(st);
	return rc;
}

static char *all_columns(void)
{
	size_t n = 1;
	char *s;

	for (const struct rep_field *f = rep_fields; f->name; f++)
		n += strlen(f->column) + 1;
	s = calloc(1, n);
	if (!s)
		return NULL;
	for (const struct rep_field *f = rep_fields; f->name; f++) {
		if (f != rep_fields)
			strcat(s, ",");
		strcat(s, f->column);
	}
	return s;
}

static void csv_text(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void rep_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

struct export {
	FILE *out;
	bool json;
	size_t rows;
};

/* One run as a CSV line or a JSON object (the header or "[" before the first). */
static int export_row(sqlite3_stmt *st, void *arg)
{
	struct export *x = arg;
	FILE *out = x->out;
	int ncol = sqlite3_column_count(st);

	if (!x->rows && !x->json) {
		for (int c = 0; c < ncol; c++)
			fprintf(out, "%s%s", c ? "," : "", rep_fields[c].name);
		fputc('\n', out);
	}
	if (x->json)
		fprintf(out, "%s\n  {", x->rows ? "," : "[");
	for (int c = 0; c < ncol; c++) {
		if (x->json)
			fprintf(out, "%s\"%s\": ", c ? ", " : "", rep_fields[c].name);
		else if (c)
			fputc(',', out);
		switch (sqlite3_column_type(st, c)) {
		case SQLITE_NULL:
			if (x->json)
				fputs("null", out);
			break;
		case SQLITE_INTEGER:
			fprintf(out, "%lld", (long long)sqlite3_column_int64(st, c));
			break;
		case SQLITE_FLOAT: {
			double d = sqlite3_column_double(st, c);

			if (isfinite(d))
				fprintf(out, "%.10g", d);
			else if (x->json)
				fputs("null", out);
			break;
		}
		default:
			if (x->json)
				rep_json_str(out, (const char *)sqlite3_column_text(st, c));
			else
				csv_text(out, (const char *)sqlite3_column_text(st, c));
			break;
		}
	}
	if (x->json)
		fputs("}", out);
	else
		fputc('\n', out);
	x->rows++;
	return 0;
}

static int export(struct rep_db *db, const struct rep_selection *sel, FILE *out, bool json,
		  size_t *nr_rows, char *err, size_t errlen)
{
	struct export x = {.out = out, .json = json};
	char *cols = all_columns();
	int rc;

	if (!cols) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = rep_select(db, cols, sel, "run_id", export_row, &x, err, errlen);
	free(cols);
	if (x.rows && json)
		fputs("\n]\n", out);
	if (rc < 0)
		return rc;
	/* No run selected is an error, as for the HTML report, and nothing is written: a
	 * header-only CSV or an empty array would pass for an answer. */
	if (!x.rows) {
		snprintf(err, errlen, "%s: no run matches", rep_db_path(db));
		return -ENOENT;
	}
	if (fflush(out) || ferror(out)) {
		snprintf(err, errlen, "writing the export: %s", strerror(errno));
		return -EIO;
	}
	if (nr_rows)
		*nr_rows = x.rows;
	return 0;
}

int rep_export_csv(struct rep_db *db, const struct rep_selection *sel, FILE *out, size_t *nr_rows,
		   char *err, size_t errlen)
{
	return export(db, sel, out, false, nr_rows, err, errlen);
}

int rep_export_json(struct rep_db *db, const struct rep_selection *sel, FILE *out, size_t *nr_rows,
		    char *err, size_t errlen)
{
	return export(db, sel, out, true, nr_rows, err, errlen);
}
