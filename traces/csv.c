// SPDX-License-Identifier: GPL-2.0
/* csv.c - time units, the generic CSV reader (--csv column map), Alibaba and Tencent traces. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "traces/csv.h"

/*
 * Alibaba Cloud block traces (github.com/alibaba/block-traces, README "Schema", io_traces.csv):
 *   device_id,opcode,offset,length,timestamp
 *   device_id uint32 (the virtual disk), opcode 'R' or 'W', offset and length in bytes,
 *   timestamp in microseconds (Unix time). No header line. Device: 0,device_id.
 * Tencent CBS traces (SNIA IOTTA "Tencent CBS" README, Zhang et al., OSCA, USENIX ATC '20):
 *   Timestamp,Offset,Size,IOType,VolumeID
 *   Timestamp in seconds (Unix time), Offset and Size in 512-byte sectors, IOType 0 = read,
 *   1 = write, VolumeID the cloud virtual volume. Device: 0,VolumeID.
 * Generic CSV: the columns and units a --csv map names (docs/traces.md).
 * Times start at the first record (as MSR's); a first line whose time field does not start
 * like a number (a digit, '-', '+' or '.') is a header and skipped (or always / never with
 * header=yes|no).
 */

#define MAX_COLS 64
#define MAX_NAMES 4096
#define TOK_MAX 16

/* ---- shared helpers ---- */

size_t trc_bom_len(const uint8_t *p, size_t len)
{
	return len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf ? 3 : 0;
}

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
	[TRC_TU_NS] = {"ns", 1},
	[TRC_TU_US] = {"us", 1000},
	[TRC_TU_MS] = {"ms", 1000000},
	[TRC_TU_S] = {"s", 1000000000},
	[TRC_TU_FILETIME] = {"filetime", 100},
};
#define NUNITS (sizeof(units) / sizeof(units[0]))

uint64_t trc_time_unit_ns(unsigned unit)
{
	return unit && unit < NUNITS ? units[unit].ns : 0;
}

const char *trc_time_unit_name(unsigned unit)
{
	return unit && unit < NUNITS ? units[unit].name : "default";
}

static int unit_by_name(const char *s, size_t len)
{
	for (unsigned u = 1; u < NUNITS; u++)
		if (strlen(units[u].name) == len && !strncmp(units[u].name, s, len))
			return (int)u;
	return -1;
}

bool trc_parse_time(const char *p, size_t len, unsigned unit, uint64_t *ns)
{
	const char *e = p + len;
	uint64_t mult = trc_time_unit_ns(unit), v, frac = 0, scale = 1000000000ULL;

	if (!mult || !trc_parse_u64(&p, e, &v) || v > UINT64_MAX / mult)
		return false;
	v *= mult;
	if (p < e && *p == '.') {
		p++;
		while (p < e && trc_isdigit(*p)) {
			if (scale > 1) { /* beyond 1 ns: truncated */
				scale /= 10;
				frac += (uint64_t)(*p - '0') * scale;
			}
			p++;
		}
		/* frac: the fraction in units of 1e-9; times mult stays below 1e18 */
		frac = frac * mult / 1000000000ULL;
		if (v > UINT64_MAX - frac)
			return false;
		v += frac;
	}
	if (p != e)
		return false;
	*ns = v;
	return true;
}

void trc_span_check(struct trc *t, struct trc_span *s, unsigned unit)
{
	const double year_ns = 365.25 * 86400e9, max_iops = 1e7;
	double span = (double)(s->max_ns - s->min_ns);

	if (s->n < 2 || s->checked)
		return;
	s->checked = true;
	double iops = span > 0 ? (double)s->n / span * 1e9 : 1e300;
	bool fast = (s->n > 100 && span < 1e6) || iops > max_iops;
	bool slow = span > year_ns;
	if (!fast && !slow)
		return;
	/* Every unit that gives a plausible rate: which one is right, only the user knows. */
	char a[400] = "";
	size_t l = 0;
	for (unsigned u = 1; u < NUNITS; u++) {
		if (u == unit)
			continue;
		double sp = span * (double)units[u].ns / (double)units[unit].ns;
		double io = sp > 0 ? (double)s->n / sp * 1e9 : 1e300;
		if ((s->n > 100 && sp < 1e6) || io > max_iops || sp > year_ns)
			continue;
		l += (size_t)snprintf(a + l, sizeof(a) - l, "%s --time-unit %s: %.6g s, %.4g IOPS",
				      l ? ";" : " (try", units[u].name, sp / 1e9, io);
		if (l >= sizeof(a))
			break;
	}
	if (l && l + 2 < sizeof(a))
		snprintf(a + l, sizeof(a) - l, ")");
	trc_warn(t, "%s: %llu requests over %.6g s (%.4g IOPS) with timestamps in %s: %s what block "
		    "devices do; are the timestamps in another unit?%s",
		 t->path, (unsigned long long)s->n, span / 1e9, span > 0 ? iops : 0.0,
		 units[unit].name, fast ? "far faster than" : "far slower than", a);
}

/* ---- the column map ---- */

enum { C_TIME, C_OFFSET, C_SIZE, C_OP, C_DEVICE, NCOLS };
static const char *const col_name[NCOLS] = {"time", "offset", "size", "op", "device"};

struct csvspec {
	int col[NCOLS];          /* 0-based column, -1: absent */
	unsigned tunit;          /* TRC_TU_*; 0: --time-unit or seconds */
	uint64_t off_mult, size_mult; /* bytes per unit: 1 or 512 */
	int header;              /* -1 auto, 0 no, 1 yes */
	char delim;              /* 0: runs of blanks */
	char rtok[TOK_MAX], wtok[TOK_MAX]; /* extra words for read / write ("" none) */
	bool numeric_dev;        /* the device column holds numbers only (alibaba, tencent) */
	const char *names[NCOLS]; /* field names for messages */
};

static bool parse_col(const char *v, size_t len, int *col, const char **unit, size_t *ulen)
{
	const char *p = v, *e = v + len;
	uint64_t n;
	if (!trc_parse_u64(&p, e, &n) || n < 1 || n > MAX_COLS)
		return false;
	*col = (int)n - 1;
	*unit = NULL;
	*ulen = 0;
	if (p < e) {
		if (*p != ':' || p + 1 >= e)
			return false;
		*unit = p + 1;
		*ulen = (size_t)(e - p - 1);
	}
	return true;
}

static bool size_unit(const char *u, size_t len, uint64_t *mult)
{
	if (!u) {
		*mult = 1;
		return true;
	}
	if ((len == 5 && !strncmp(u, "bytes", 5)) || (len == 1 && *u == 'B')) {
		*mult = 1;
		return true;
	}
	if (len == 7 && !strncmp(u, "sectors", 7)) {
		*mult = 512;
		return true;
	}
	return false;
}

/* Parse "time=1:us,offset=3,size=4:sectors,op=2,read=0,write=1,device=5,header=yes,delim=tab". */
static int spec_parse(const char *spec, unsigned default_unit, struct csvspec *s, char *err,
		      size_t errlen)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < NCOLS; i++) {
		s->col[i] = -1;
		s->names[i] = col_name[i];
	}
	s->tunit = default_unit ? default_unit : TRC_TU_S;
	s->off_mult = s->size_mult = 1;
	s->header = -1;
	s->delim = ',';
	const char *p = spec;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		size_t klen = eq ? (size_t)(eq - p) : len;
		const char *v = eq ? eq + 1 : p + len;
		size_t vlen = eq ? len - klen - 1 : 0;
		char item[80];
		snprintf(item, sizeof(item), "%.*s", (int)(len < 60 ? len : 60), p);
		int c = -1;
		for (int i = 0; i < NCOLS; i++)
			if (strlen(col_name[i]) == klen && !strncmp(p, col_name[i], klen))
				c = i;
		bool sector = klen == 6 && !strncmp(p, "sector", 6);
		if (sector)
			c = C_OFFSET;
		if (c >= 0) {
			const char *u;
			size_t ulen;
			if (!eq || !parse_col(v, vlen, &s->col[c], &u, &ulen))
				goto bad;
			if (c == C_TIME && u) {
				int tu = unit_by_name(u, ulen);
				if (tu < 0)
					goto bad;
				s->tunit = (unsigned)tu;
			} else if (c == C_OFFSET || c == C_SIZE) {
				uint64_t *m = c == C_OFFSET ? &s->off_mult : &s->size_mult;
				if (!size_unit(u, ulen, m))
					goto bad;
				if (sector && !u)
					*m = 512;
			} else if (u) {
				goto bad;
			}
		} else if ((klen == 4 && !strncmp(p, "read", 4)) || (klen == 5 && !strncmp(p, "write", 5))) {
			char *tok = *p == 'r' ? s->rtok : s->wtok;
			if (!eq || !vlen || vlen >= TOK_MAX)
				goto bad;
			memcpy(tok, v, vlen);
			tok[vlen] = '\0';
		} else if (klen == 6 && !strncmp(p, "header", 6)) {
			if (!eq || (vlen == 3 && !strncmp(v, "yes", 3)))
				s->header = 1;
			else if (vlen == 2 && !strncmp(v, "no", 2))
				s->header = 0;
			else if (vlen == 4 && !strncmp(v, "auto", 4))
				s->header = -1;
			else
				goto bad;
		} else if (klen == 5 && !strncmp(p, "delim", 5)) {
			static const struct {
				const char *name;
				char c;
			} d[] = {{"comma", ','}, {"tab", '\t'}, {"space", 0}, {"semicolon", ';'}, {"pipe", '|'},
				 {";", ';'}, {"|", '|'}, {":", ':'}};
			size_t k = 0;
			for (; k < sizeof(d) / sizeof(d[0]); k++)
				if (eq && strlen(d[k].name) == vlen && !strncmp(v, d[k].name, vlen))
					break;
			if (k == sizeof(d) / sizeof(d[0]))
				goto bad;
			s->delim = d[k].c;
		} else {
			goto bad;
		}
		if (!end)
			break;
		p = end + 1;
		continue;
bad:
		snprintf(err, errlen,
			 "bad --csv item '%s' (expected time=N[:ns|us|ms|s|filetime], offset=N[:bytes|sectors] "
			 "or sector=N, size=N[:bytes|sectors], op=N, read=WORD, write=WORD, device=N, "
			 "header[=yes|no|auto], delim=comma|tab|space|semicolon|pipe)",
			 item);
		return -EINVAL;
	}
	for (int i = 0; i < C_OP; i++)
		if (s->col[i] < 0) {
			snprintf(err, errlen, "bad --csv '%s': the %s column is missing (e.g. --csv "
					      "time=1:us,op=2,offset=3,size=4)", spec,
				 i == C_OFFSET ? "offset (or sector)" : col_name[i]);
			return -EINVAL;
		}
	if (s->col[C_OP] < 0) {
		snprintf(err, errlen, "bad --csv '%s': the op column is missing (op=N)", spec);
		return -EINVAL;
	}
	for (int i = 0; i < NCOLS; i++)
		for (int j = i + 1; j < NCOLS; j++)
			if (s->col[i] >= 0 && s->col[i] == s->col[j]) {
				snprintf(err, errlen, "bad --csv '%s': columns %s and %s are both %d", spec,
					 col_name[i], col_name[j], s->col[i] + 1);
				return -EINVAL;
			}
	return 0;
}

static const struct csvspec alibaba_spec = {
	.col = {[C_TIME] = 4, [C_OFFSET] = 2, [C_SIZE] = 3, [C_OP] = 1, [C_DEVICE] = 0},
	.tunit = TRC_TU_US, .off_mult = 1, .size_mult = 1, .header = -1, .delim = ',',
	.names = {"timestamp", "offset", "length", "opcode", "device_id"},
	.numeric_dev = true,
};

static const struct csvspec tencent_spec = {
	.col = {[C_TIME] = 0, [C_OFFSET] = 1, [C_SIZE] = 2, [C_OP] = 3, [C_DEVICE] = 4},
	.tunit = TRC_TU_S, .off_mult = 512, .size_mult = 512, .header = -1, .delim = ',',
	.rtok = "0", .wtok = "1",
	.names = {"Timestamp", "Offset", "Size", "IOType", "VolumeID"},
	.numeric_dev = true,
};

/* ---- options ---- */

static int set_time_unit(struct trc_opts *o, const char *value, char *err, size_t errlen)
{
	int u = value ? unit_by_name(value, strlen(value)) : -1;
	if (u < 0) {
		snprintf(err, errlen, "bad --time-unit '%s' (expected ns, us, ms, s or filetime)",
			 value ? value : "");
		return -EINVAL;
	}
	o->time_unit = (unsigned)u;
	return 0;
}

static int set_csv(struct trc_opts *o, const char *value, char *err, size_t errlen)
{
	struct csvspec s;
	if (spec_parse(value ? value : "", 0, &s, err, errlen))
		return -EINVAL;
	o->csv = value;
	if (!o->format)
		o->format = "csv";
	return 0;
}

static bool time_unit_given(const struct trc_opts *o, char *shown, size_t len)
{
	snprintf(shown, len, "--time-unit");
	return o->time_unit != 0;
}

static bool csv_given(const struct trc_opts *o, char *shown, size_t len)
{
	snprintf(shown, len, "--csv");
	return o->csv != NULL;
}

/* The options of the CSV formats; every command that reads traces takes them (trc_opts_set). */
static const struct trc_ropt csv_options[] = {
	/* name, value, help, set, the formats it applies to: needs, given, "applies to" text */
	{"time-unit", "U",
	 "timestamps of the CSV formats in ns|us|ms|s|filetime (defaults: msr filetime = 100 ns, "
	 "spc and tencent s, alibaba us)",
	 set_time_unit, TRC_TAKES_TIME_UNIT, time_unit_given, "the CSV formats (%s), not to %s"},
	{"csv", "MAP",
	 "any CSV: which column (1-based) holds what, in which unit, e.g. "
	 "time=1:us,op=2,offset=3,size=4:sectors,device=5; op takes R|W|Read|Write or "
	 "read=WORD,write=WORD; header=yes|no|auto, delim=comma|tab|space|semicolon|pipe "
	 "(docs/traces.md)",
	 set_csv, TRC_TAKES_CSV, csv_given, "--format %s, not to %s"},
	{0},
};

/* ---- the reader ---- */

struct csvr {
	struct csvspec s;
	uint64_t lineno;
	bool first_line_done;
	bool have_zero;
	uint64_t zero;
	bool warned_before_zero;
	struct trc_span span;
	struct trc_names names; /* device labels that are not numbers, in order of appearance */
};


static int split(const struct csvspec *s, const char *line, size_t len, struct trc_field *f)
{
	return s->delim ? trc_split_delim(line, len, s->delim, f, MAX_COLS)
			: trc_split_blank(line, len, f, MAX_COLS);
}

static bool tok_eq(const struct trc_field *f, const char *s)
{
	return *s && trc_field_is(f, s);
}

static bool parse_op(const struct csvspec *s, const struct trc_field *f, uint32_t *flags)
{
	if (tok_eq(f, s->rtok) || tok_eq(f, "R") || tok_eq(f, "Read")) {
		*flags = TRC_READ;
		return true;
	}
	if (tok_eq(f, s->wtok) || tok_eq(f, "W") || tok_eq(f, "Write")) {
		*flags = TRC_WRITE;
		return true;
	}
	return false;
}

static enum trc_status bad(struct trc *t, struct csvr *r, int kind, const char *expected,
			   const struct trc_field *f)
{
	char ex[128];
	trc_excerpt(f->p, f->len, ex, sizeof(ex));
	return trc_fail_line(t, t->path, r->lineno, r->s.col[kind] + 1, r->s.names[kind],
			     "expected %s, got '%s'", expected, ex);
}

/* Device of a record: a number below 2^19 is 0,N; any other word gets 0,2^19+K, K in order of
 * first appearance, with the word as its label (so --device can still choose it). */
static int device_of(struct csvr *r, const struct trc_field *f, struct trc_rec *rec)
{
	uint64_t v;
	if (trc_field_u64(f, &v) && v < 0x80000) {
		rec->dev = TRC_DEV(0, v);
		return 0;
	}
	int i = trc_names_add(&r->names, f->p, f->len, MAX_NAMES);
	if (i < 0)
		return i;
	rec->dev = TRC_DEV(0, 0x80000 + (uint32_t)i);
	trc_set_comm(rec, f->p, f->len);
	return 0;
}

static enum trc_status csvr_next(struct trc *t, struct trc_rec *rec)
{
	struct csvr *r = t->priv;
	const struct csvspec *s = &r->s;
	struct trc_field f[MAX_COLS];
	const char *line;
	size_t len;

	for (;;) {
		int rc = trc_read_line(t, &r->lineno, &line, &len);
		if (rc == 0) {
			if (!t->scan)
				trc_span_check(t, &r->span, s->tunit);
			return TRC_EOF;
		}
		if (rc < 0)
			return TRC_EBAD;
		if (r->lineno == 1) {
			size_t b = trc_bom_len((const uint8_t *)line, len);
			line += b;
			len -= b;
		}
		const char *q = trc_skip_spaces(line, line + len);
		if (q == line + len || *q == '#') {
			t->counts.skipped_lines++;
			continue;
		}
		int n = split(s, line, len, f);
		bool first = !r->first_line_done;
		r->first_line_done = true;
		if (first && s->header != 0) {
			/* auto: a header's time field is a word; a bad number is an error below */
			const struct trc_field *tf = s->col[C_TIME] < n ? &f[s->col[C_TIME]] : NULL;
			if (s->header == 1 || !tf || !tf->len ||
			    !(trc_isdigit(tf->p[0]) || strchr("-+.", tf->p[0]))) {
				t->counts.skipped_lines++;
				continue;
			}
		}
		int need = 0;
		for (int i = 0; i < NCOLS; i++)
			if (s->col[i] + 1 > need)
				need = s->col[i] + 1;
		if (n < need)
			return trc_fail_line(t, t->path, r->lineno, n + 1, "missing",
					     "expected at least %d fields, got %d", need, n);
		memset(rec, 0, sizeof(*rec));
		rec->latency_ns = -1;
		uint64_t ts, o, z;
		const struct trc_field *ft = &f[s->col[C_TIME]], *fo = &f[s->col[C_OFFSET]],
				   *fz = &f[s->col[C_SIZE]], *fop = &f[s->col[C_OP]];
		if (!trc_parse_time(ft->p, ft->len, s->tunit, &ts)) {
			char e[64];
			snprintf(e, sizeof(e), "a time in %s (a number >= 0, at most 2^64 ns)",
				 trc_time_unit_name(s->tunit));
			return bad(t, r, C_TIME, e, ft);
		}
		if (!parse_op(s, fop, &rec->flags)) {
			char e[40] = "", w[40] = "";
			if (*s->rtok)
				snprintf(e, sizeof(e), "'%s' (read), ", s->rtok);
			if (*s->wtok)
				snprintf(w, sizeof(w), "'%s' (write), ", s->wtok);
			char all[128];
			snprintf(all, sizeof(all), "%s%sR, W, Read or Write", e, w);
			return bad(t, r, C_OP, all, fop);
		}
		if (!trc_field_u64(fo, &o))
			return bad(t, r, C_OFFSET,
				   s->off_mult == 1 ? "an offset in bytes" : "an offset in 512-byte sectors", fo);
		if (o > UINT64_MAX / s->off_mult)
			return bad(t, r, C_OFFSET, "an offset inside 2^64 bytes", fo);
		if (!trc_field_u64(fz, &z))
			return bad(t, r, C_SIZE,
				   s->size_mult == 1 ? "a size in bytes" : "a size in 512-byte sectors", fz);
		o *= s->off_mult;
		if (z > ((uint64_t)UINT32_MAX * 512) / s->size_mult)
			return bad(t, r, C_SIZE, "a size below 2 TiB", fz);
		z *= s->size_mult;
		if (o > UINT64_MAX - z)
			return bad(t, r, C_SIZE, "a range that ends inside 2^64 bytes", fz);
		if (s->col[C_DEVICE] >= 0 && s->numeric_dev) {
			uint64_t v;
			if (!trc_field_u64(&f[s->col[C_DEVICE]], &v) || v > 0xfffff)
				return bad(t, r, C_DEVICE, "a device number below 2^20", &f[s->col[C_DEVICE]]);
			rec->dev = TRC_DEV(0, v);
		} else if (s->col[C_DEVICE] >= 0) {
			int e = device_of(r, &f[s->col[C_DEVICE]], rec);
			if (e) {
				t->fatal = true;
				return trc_fail_line(t, t->path, r->lineno, s->col[C_DEVICE] + 1,
						     s->names[C_DEVICE], "too many named devices (over %d)",
						     MAX_NAMES);
			}
		}
		if (!r->have_zero) {
			r->have_zero = true;
			r->zero = ts;
		}
		if (ts >= r->zero) {
			rec->time_ns = ts - r->zero;
		} else {
			rec->time_ns = 0;
			if (!r->warned_before_zero) {
				r->warned_before_zero = true;
				trc_warn(t, "%s:%llu: record older than the first one; its time is set to 0",
					 t->path, (unsigned long long)r->lineno);
			}
		}
		if (z) {
			uint64_t a = o / 512, b = a + (o % 512 + z + 511) / 512; /* no wrap near 2^64 */
			rec->sector = a;
			rec->nsect = (uint32_t)(b - a);
		}
		trc_flags_to_rwbs(rec->flags, rec->rwbs);
		trc_span_add(&r->span, rec->time_ns);
		return trc_record_at(t, r->lineno);
	}
}

/* --time-unit replaces a named format's unit; in a --csv map it is the default of time=N. */
static int open_with(struct trc *t, const struct csvspec *spec, bool unit_from_opts)
{
	struct csvr *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->s = *spec;
	if (unit_from_opts && t->opts.time_unit)
		r->s.tunit = t->opts.time_unit;
	t->priv = r;
	return 0;
}

static int csv_open(struct trc *t)
{
	struct csvspec sp;
	if (!t->opts.csv) {
		snprintf(t->err, sizeof(t->err),
			 "%s: --format csv needs the column map: --csv "
			 "time=N[:UNIT],op=N,offset=N,size=N[,device=N] (see docs/traces.md)",
			 t->path);
		return -ENOTSUP; /* an option the user must add: a usage error */
	}
	if (spec_parse(t->opts.csv, t->opts.time_unit, &sp, t->err, sizeof(t->err)))
		return -EINVAL;
	return open_with(t, &sp, false);
}

static int alibaba_open(struct trc *t)
{
	return open_with(t, &alibaba_spec, true);
}

static int tencent_open(struct trc *t)
{
	return open_with(t, &tencent_spec, true);
}

static void csv_close(struct trc *t)
{
	struct csvr *r = t->priv;

	if (r)
		trc_names_free(&r->names);
	trc_priv_free(t);
}

/* ---- detection: the first data line must fit, the next ones (up to 8) have 5 fields ---- */

static bool probe_spec(const struct csvspec *s, const uint8_t *head, size_t len,
		       bool (*extra)(const struct trc_field *f))
{
	const char *p = (const char *)head, *e = p + len;
	struct trc_field f[MAX_COLS];
	int seen = 0;
	bool first = true;

	p += trc_bom_len(head, len);
	while (p < e && seen < 8) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl && seen)
			break; /* a cut line at the end of the head */
		const char *le = nl ? nl : e;
		if (le > p && le[-1] == '\r')
			le--;
		const char *q = trc_skip_spaces(p, le);
		if (q < le && *q != '#') {
			int n = split(s, p, (size_t)(le - p), f);
			uint64_t v;
			uint32_t fl;
			bool ok = n == 5 && trc_parse_time(f[s->col[C_TIME]].p, f[s->col[C_TIME]].len, s->tunit, &v) &&
				  trc_field_u64(&f[s->col[C_OFFSET]], &v) && trc_field_u64(&f[s->col[C_SIZE]], &v) &&
				  parse_op(s, &f[s->col[C_OP]], &fl) && trc_field_u64(&f[s->col[C_DEVICE]], &v) &&
				  extra(f);
			/* The first data line (after an optional header) must fit; later ones need only
			 * the field count, so that a bad value gets its located error from the reader. */
			if (!ok && !(first && n == 5) && !(seen && n == 5))
				return false;
			if (ok || seen)
				seen++;
			first = false;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return seen > 0;
}

/* Alibaba: opcode R or W (not r/w: SPC, not Read/Write: MSR) in field 2; no fraction in the
 * timestamp. */
static bool alibaba_extra(const struct trc_field *f)
{
	return f[1].len == 1 && (f[1].p[0] == 'R' || f[1].p[0] == 'W') &&
	       !memchr(f[4].p, '.', f[4].len);
}

/* Tencent: IOType 0 or 1, and a Unix time in seconds (1973 .. 2286) as the timestamp. */
static bool tencent_extra(const struct trc_field *f)
{
	uint64_t ts;
	return f[3].len == 1 && (f[3].p[0] == '0' || f[3].p[0] == '1') && trc_field_u64(&f[0], &ts) &&
	       ts >= 100000000ULL && ts < 10000000000ULL;
}

static bool alibaba_probe(const uint8_t *head, size_t len)
{
	return probe_spec(&alibaba_spec, head, len, alibaba_extra);
}

static bool tencent_probe(const uint8_t *head, size_t len)
{
	return probe_spec(&tencent_spec, head, len, tencent_extra);
}

static bool csv_probe(const uint8_t *head, size_t len)
{
	(void)head;
	(void)len;
	return false; /* only with --format csv / --csv */
}

const struct trc_format trc_fmt_csv = {
	.name = "csv", .help = "any other CSV with --csv MAP",
	.probe = csv_probe, .open = csv_open, .next = csvr_next, .close = csv_close,
	.takes = TRC_TAKES_TIME_UNIT | TRC_TAKES_CSV,
	.options = csv_options,
};

const struct trc_format trc_fmt_alibaba = {
	.name = "alibaba", .help = "Alibaba Cloud block traces",
	.probe = alibaba_probe, .open = alibaba_open, .next = csvr_next, .close = csv_close,
	.takes = TRC_TAKES_TIME_UNIT,
};

const struct trc_format trc_fmt_tencent = {
	.name = "tencent", .help = "Tencent CBS traces",
	.probe = tencent_probe, .open = tencent_open, .next = csvr_next, .close = csv_close,
	.takes = TRC_TAKES_TIME_UNIT,
};
