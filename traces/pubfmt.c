// SPDX-License-Identifier: GPL-2.0
/* pubfmt.c - readers for the public block traces: MSR Cambridge, SPC (UMass), FIU. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "traces/csv.h"
#include "traces/trc_internal.h"

/*
 * MSR Cambridge (SNIA IOTTA, "MSR Cambridge Traces" README):
 *   Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime
 *   Timestamp and ResponseTime in Windows filetime units (100 ns; --time-unit reads both in
 *   another unit); Type Read|Write; Offset and Size in bytes. Device: 0,DiskNumber. Time zero:
 *   the first record.
 * SPC (SPC Trace File Format Specification 1.0.1, used by the UMass Trace Repository):
 *   ASU,LBA,Size,Opcode,Timestamp[,optional fields]
 *   LBA in 512-byte blocks, Size in bytes, Opcode r|R|w|W, Timestamp in seconds from the trace's
 *   start (kept as is; --time-unit reads it in another unit). Blanks around fields are allowed.
 *   Device: 0,ASU.
 * FIU (SNIA IOTTA "FIU IODedup" README):
 *   [ts in ns] [pid] [process] [lba] [size in 512 Bytes blocks] [Write or Read]
 *   [major device number] [minor device number] [MD5 per 4096 or 512 Bytes]
 *   blank-separated; the process name may hold blanks (fields are taken from both ends).
 *   Time zero: the first record.
 * A UTF-8 byte-order mark before the first line is skipped (spreadsheet exports write one).
 */

#define MAX_FIELDS 16

struct pub {
	uint64_t lineno;
	bool have_zero;
	uint64_t zero;
	bool warned_before_zero;
	bool header_checked;
	unsigned unit;          /* TRC_TU_* of the timestamps (msr, spc) */
	struct trc_span span;   /* for the plausibility check at the end */
};



static enum trc_status bad_field(struct trc *t, struct pub *pb, int idx, const char *name,
				 const struct trc_field *f, const char *expected)
{
	char ex[128];
	trc_excerpt(f ? f->p : "", f ? f->len : 0, ex, sizeof(ex));
	return trc_fail_line(t, t->path, pb->lineno, idx, name, "expected %s, got '%s'", expected, ex);
}

static bool blank_line(const char *line, size_t len)
{
	const char *p = trc_skip_spaces(line, line + len);
	return p == line + len || *p == '#';
}

/* Relative time; records before the first one are put at 0 (and said once). */
static uint64_t rel_time(struct trc *t, struct pub *pb, uint64_t abs)
{
	if (!pb->have_zero) {
		pb->have_zero = true;
		pb->zero = abs;
	}
	if (abs >= pb->zero)
		return abs - pb->zero;
	if (!pb->warned_before_zero) {
		pb->warned_before_zero = true;
		trc_warn(t, "%s:%llu: record older than the first one; its time is set to 0", t->path,
			 (unsigned long long)pb->lineno);
	}
	return 0;
}

static void set_range(struct trc_rec *r, uint64_t offset_bytes, uint64_t size_bytes)
{
	if (!size_bytes) {
		r->sector = 0;
		r->nsect = 0;
		return;
	}
	/* (end + 511) / 512 would wrap for a range ending within 511 bytes of 2^64 */
	uint64_t first = offset_bytes / 512, last = first + (offset_bytes % 512 + size_bytes + 511) / 512;
	r->sector = first;
	r->nsect = last - first > UINT32_MAX ? UINT32_MAX : (uint32_t)(last - first);
}

static void init_rec(struct trc_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->latency_ns = -1;
}

/* Reads the next non-blank line; 1, 0 at EOF, or an error status in *st. */
static int next_line(struct trc *t, struct pub *pb, const char **line, size_t *len,
		     enum trc_status *st)
{
	for (;;) {
		int rc = trc_read_line(t, &pb->lineno, line, len);
		if (rc <= 0) {
			if (rc)
				*st = TRC_EBAD;
			return rc;
		}
		if (pb->lineno == 1) {
			size_t b = trc_bom_len((const uint8_t *)*line, *len);
			*line += b;
			*len -= b;
		}
		if (!blank_line(*line, *len))
			return 1;
	}
}

static int pub_open_unit(struct trc *t, unsigned unit)
{
	struct pub *pb = calloc(1, sizeof(struct pub));
	if (!pb)
		return -ENOMEM;
	pb->unit = t->opts.time_unit ? t->opts.time_unit : unit;
	t->priv = pb;
	return 0;
}

static int pub_open(struct trc *t)
{
	return pub_open_unit(t, TRC_TU_NS);
}

static int msr_open(struct trc *t)
{
	return pub_open_unit(t, TRC_TU_FILETIME);
}

static int spc_open(struct trc *t)
{
	return pub_open_unit(t, TRC_TU_S);
}

/* At the end of msr and spc traces: say so if the rate is not a block device's. */
static enum trc_status pub_eof(struct trc *t, struct pub *pb)
{
	if (!t->scan)
		trc_span_check(t, &pb->span, pb->unit);
	return TRC_EOF;
}

static bool field_time(const struct trc_field *f, unsigned unit, uint64_t *ns)
{
	return trc_parse_time(f->p, f->len, unit, ns);
}

/* MSR and SPC: the next line's comma-separated fields into f (*n of them); false at the end or on
 * an error, with *st the status to return. */
static bool next_csv_line(struct trc *t, struct pub *pb, struct trc_field *f, int *n,
			  enum trc_status *st)
{
	const char *line;
	size_t len;
	int rc;

	*st = TRC_EBAD;
	rc = next_line(t, pb, &line, &len, st);
	if (rc <= 0) {
		if (rc == 0)
			*st = pub_eof(t, pb);
		return false;
	}
	*n = trc_split_delim(line, len, ',', f, MAX_FIELDS);
	return true;
}

/* "a Windows filetime (100 ns ticks)", "a time in us" */
static const char *time_expected(unsigned unit, char *buf, size_t len)
{
	if (unit == TRC_TU_FILETIME)
		snprintf(buf, len, "a Windows filetime (100 ns ticks; see --time-unit)");
	else
		snprintf(buf, len, "a time in %s (a number >= 0, at most 2^64 ns)",
			 trc_time_unit_name(unit));
	return buf;
}

/* ---- MSR Cambridge ---- */

static enum trc_status msr_next(struct trc *t, struct trc_rec *rec)
{
	struct pub *pb = t->priv;
	struct trc_field f[MAX_FIELDS];
	enum trc_status st;
	uint64_t ts, disk, off, size, resp;
	char ex[96];
	int n;

	for (;;) {
		if (!next_csv_line(t, pb, f, &n, &st))
			return st;
		if (!pb->header_checked) {
			pb->header_checked = true;
			if (n >= 1 && trc_field_is(&f[0], "Timestamp")) {
				t->counts.skipped_lines++;
				continue;
			}
		}
		if (n != 7)
			return trc_fail_nfields(t, pb->lineno, n, 7,
						"Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime");
		if (!field_time(&f[0], pb->unit, &ts))
			return bad_field(t, pb, 1, "Timestamp", &f[0], time_expected(pb->unit, ex, sizeof(ex)));
		if (!trc_field_u64(&f[2], &disk) || disk > 0xfffff)
			return bad_field(t, pb, 3, "DiskNumber", &f[2], "a disk number");
		init_rec(rec);
		if (trc_field_is(&f[3], "Read"))
			rec->flags = TRC_READ;
		else if (trc_field_is(&f[3], "Write"))
			rec->flags = TRC_WRITE;
		else
			return bad_field(t, pb, 4, "Type", &f[3], "Read or Write");
		if (!trc_field_u64(&f[4], &off))
			return bad_field(t, pb, 5, "Offset", &f[4], "a byte offset");
		if (!trc_field_u64(&f[5], &size))
			return bad_field(t, pb, 6, "Size", &f[5], "a size in bytes");
		if (!field_time(&f[6], pb->unit, &resp) || resp > INT64_MAX)
			return bad_field(t, pb, 7, "ResponseTime", &f[6],
					 time_expected(pb->unit, ex, sizeof(ex)));
		if (off > UINT64_MAX - size)
			return bad_field(t, pb, 6, "Size", &f[5], "a range inside 2^64 bytes");
		rec->time_ns = rel_time(t, pb, ts);
		rec->dev = TRC_DEV(0, disk);
		set_range(rec, off, size);
		rec->latency_ns = (int64_t)resp;
		trc_flags_to_rwbs(rec->flags, rec->rwbs);
		trc_set_comm(rec, f[1].p, f[1].len);
		trc_span_add(&pb->span, rec->time_ns);
		return trc_record_at(t, pb->lineno);
	}
}

static const char *first_data_line(const uint8_t *head, size_t len, size_t *l, int skip)
{
	const char *p = (const char *)head + trc_bom_len(head, len), *e = (const char *)head + len;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;
		if (!blank_line(p, (size_t)(le - p))) {
			if (skip-- <= 0) {
				if (le > p && le[-1] == '\r')
					le--;
				*l = (size_t)(le - p);
				return p;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return NULL;
}

static bool msr_probe(const uint8_t *head, size_t len)
{
	size_t l;
	const char *line = first_data_line(head, len, &l, 0);
	struct trc_field f[MAX_FIELDS];
	uint64_t v;

	if (!line)
		return false;
	if (l >= 9 && !strncasecmp(line, "Timestamp", 9))
		line = first_data_line(head, len, &l, 1);
	if (!line || trc_split_delim(line, l, ',', f, MAX_FIELDS) != 7)
		return false;
	/* times may carry a fraction (MSR layout in seconds, read with --time-unit s) */
	return field_time(&f[0], TRC_TU_NS, &v) && trc_field_u64(&f[2], &v) &&
	       (trc_field_is(&f[3], "Read") || trc_field_is(&f[3], "Write")) && trc_field_u64(&f[4], &v) &&
	       trc_field_u64(&f[5], &v) && field_time(&f[6], TRC_TU_NS, &v);
}

const struct trc_format trc_fmt_msr = {
	.name = "msr", .help = "MSR Cambridge CSV",
	.probe = msr_probe, .open = msr_open, .next = msr_next, .close = trc_priv_free,
	.takes = TRC_TAKES_TIME_UNIT,
};

/* ---- SPC ---- */

static bool spc_opcode(const struct trc_field *f, uint32_t *flags)
{
	if (f->len != 1)
		return false;
	switch (f->p[0]) {
	case 'r':
	case 'R':
		*flags = TRC_READ;
		return true;
	case 'w':
	case 'W':
		*flags = TRC_WRITE;
		return true;
	default:
		return false;
	}
}

static bool field_seconds(const struct trc_field *f, uint64_t *ns)
{
	const char *p = f->p;
	return trc_parse_seconds(&p, f->p + f->len, ns, true) && p == f->p + f->len;
}

static enum trc_status spc_next(struct trc *t, struct trc_rec *rec)
{
	struct pub *pb = t->priv;
	struct trc_field f[MAX_FIELDS];
	enum trc_status st;
	uint64_t asu, lba, size, ns;
	char ex[96];
	int n;

	if (!next_csv_line(t, pb, f, &n, &st))
		return st;
	if (n < 5)
		return trc_fail_line(t, t->path, pb->lineno, n + 1, "missing",
				     "expected at least 5 fields (ASU,LBA,Size,Opcode,Timestamp), got %d",
				     n);
	init_rec(rec);
	if (!trc_field_u64(&f[0], &asu) || asu > 0xfffff)
		return bad_field(t, pb, 1, "ASU", &f[0], "an application storage unit number");
	if (!trc_field_u64(&f[1], &lba) || lba > UINT64_MAX / 512)
		return bad_field(t, pb, 2, "LBA", &f[1], "a block address (512-byte blocks)");
	if (!trc_field_u64(&f[2], &size))
		return bad_field(t, pb, 3, "Size", &f[2], "a size in bytes");
	if (!spc_opcode(&f[3], &rec->flags))
		return bad_field(t, pb, 4, "Opcode", &f[3], "r, R, w or W");
	if (!field_time(&f[4], pb->unit, &ns))
		return bad_field(t, pb, 5, "Timestamp", &f[4],
				 pb->unit == TRC_TU_S ? "seconds from the trace's start"
						      : time_expected(pb->unit, ex, sizeof(ex)));
	if (lba * 512 > UINT64_MAX - size)
		return bad_field(t, pb, 3, "Size", &f[2], "a range inside 2^64 bytes");
	rec->time_ns = ns;
	trc_span_add(&pb->span, ns);
	rec->dev = TRC_DEV(0, asu);
	set_range(rec, lba * 512, size);
	trc_flags_to_rwbs(rec->flags, rec->rwbs);
	return trc_record_at(t, pb->lineno);
}

static bool spc_probe(const uint8_t *head, size_t len)
{
	size_t l;
	const char *line = first_data_line(head, len, &l, 0);
	struct trc_field f[MAX_FIELDS];
	uint64_t v;
	uint32_t fl;

	if (!line || trc_split_delim(line, l, ',', f, MAX_FIELDS) < 5)
		return false;
	return trc_field_u64(&f[0], &v) && trc_field_u64(&f[1], &v) && trc_field_u64(&f[2], &v) &&
	       spc_opcode(&f[3], &fl) && field_seconds(&f[4], &v);
}

const struct trc_format trc_fmt_spc = {
	.name = "spc", .help = "SPC/UMass CSV",
	.probe = spc_probe, .open = spc_open, .next = spc_next, .close = trc_priv_free,
	.takes = TRC_TAKES_TIME_UNIT,
};

/* ---- FIU ---- */

static bool is_digest(const struct trc_field *f)
{
	if (f->len < 8)
		return false;
	for (size_t i = 0; i < f->len; i++) {
		char c = f->p[i];
		if (!(trc_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static bool fiu_op(const struct trc_field *f, uint32_t *flags)
{
	if (trc_field_is(f, "W") || trc_field_is(f, "Write")) {
		*flags = TRC_WRITE;
		return true;
	}
	if (trc_field_is(f, "R") || trc_field_is(f, "Read")) {
		*flags = TRC_READ;
		return true;
	}
	return false;
}

/* Where the five trailing numeric fields start: before a digest when there is one. A digest
 * is told apart from the minor number by its length and hex letters. */
static int fiu_tail(const struct trc_field *f, int n)
{
	uint64_t v;
	if (n >= 9 && is_digest(&f[n - 1]) && !(f[n - 1].len <= 7 && trc_field_u64(&f[n - 1], &v)))
		return n - 6;
	return n - 5;
}

static enum trc_status fiu_next(struct trc *t, struct trc_rec *rec)
{
	struct pub *pb = t->priv;
	const char *line;
	size_t len;
	struct trc_field f[64];
	enum trc_status st = TRC_EBAD;
	uint64_t ts, pid, lba, size, maj, min;

	int rc = next_line(t, pb, &line, &len, &st);
	if (rc <= 0)
		return rc == 0 ? TRC_EOF : st;
	int n = trc_split_blank(line, len, f, 64);
	if (n > 64)
		return trc_fail_line(t, t->path, pb->lineno, 65, "extra", "more than 64 fields");
	if (n < 8)
		return trc_fail_line(t, t->path, pb->lineno, n + 1, "missing",
				     "expected 'ts pid process lba size R|W major minor [md5]', got %d "
				     "fields", n);
	int k = fiu_tail(f, n);
	if (k < 3)
		return trc_fail_line(t, t->path, pb->lineno, 3, "process",
				     "expected a process name before the lba");
	init_rec(rec);
	if (!trc_field_u64(&f[0], &ts))
		return bad_field(t, pb, 1, "ts", &f[0], "a time in ns");
	if (!trc_field_u64(&f[1], &pid) || pid > UINT32_MAX)
		return bad_field(t, pb, 2, "pid", &f[1], "a process id");
	if (!trc_field_u64(&f[k], &lba) || lba > UINT64_MAX / 512)
		return bad_field(t, pb, k + 1, "lba", &f[k], "a sector number");
	if (!trc_field_u64(&f[k + 1], &size) || size > UINT32_MAX)
		return bad_field(t, pb, k + 2, "size", &f[k + 1], "a size in 512-byte blocks");
	if (lba + size > UINT64_MAX / 512)
		return bad_field(t, pb, k + 2, "size", &f[k + 1], "a range that ends inside 2^64 bytes");
	if (!fiu_op(&f[k + 2], &rec->flags))
		return bad_field(t, pb, k + 3, "op", &f[k + 2], "W or R");
	if (!trc_field_u64(&f[k + 3], &maj) || maj > 0xfff)
		return bad_field(t, pb, k + 4, "major", &f[k + 3], "a major device number");
	if (!trc_field_u64(&f[k + 4], &min) || min > 0xfffff)
		return bad_field(t, pb, k + 5, "minor", &f[k + 4], "a minor device number");
	rec->time_ns = rel_time(t, pb, ts);
	rec->pid = (uint32_t)pid;
	rec->dev = TRC_DEV(maj, min);
	rec->sector = size ? lba : 0;
	rec->nsect = (uint32_t)size;
	trc_flags_to_rwbs(rec->flags, rec->rwbs);
	trc_set_comm(rec, f[2].p, (size_t)(f[k - 1].p + f[k - 1].len - f[2].p));
	return trc_record_at(t, pb->lineno);
}

static bool fiu_probe(const uint8_t *head, size_t len)
{
	size_t l;
	const char *line = first_data_line(head, len, &l, 0);
	struct trc_field f[64];
	uint64_t v;
	uint32_t fl;

	if (!line)
		return false;
	int n = trc_split_blank(line, l, f, 64);
	if (n < 8 || n > 64)
		return false;
	int k = fiu_tail(f, n);
	return k >= 3 && trc_field_u64(&f[0], &v) && trc_field_u64(&f[1], &v) && trc_field_u64(&f[k], &v) &&
	       trc_field_u64(&f[k + 1], &v) && fiu_op(&f[k + 2], &fl) && trc_field_u64(&f[k + 3], &v) &&
	       trc_field_u64(&f[k + 4], &v);
}

const struct trc_format trc_fmt_fiu = {
	.name = "fiu", .help = "FIU traces",
	.probe = fiu_probe, .open = pub_open, .next = fiu_next, .close = trc_priv_free,
};
