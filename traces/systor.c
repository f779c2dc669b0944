// SPDX-License-Identifier: GPL-2.0
/* systor.c - the reader of the SYSTOR '17 VDI traces (Fujitsu Laboratories, SNIA IOTTA). */
#include "traces/csv.h"
#include "traces/trc_internal.h"

/*
 * The layout, from the README.txt of the distribution (SNIA IOTTA trace set 4964; Lee et al.,
 * "Understanding storage traffic characteristics on enterprise virtual desktop
 * infrastructure", SYSTOR '17), one gzipped CSV per LUN and hour (2016022219-LUN4.csv.gz):
 *   Timestamp,Response,IOType,LUN,Offset,Size
 *   Timestamp  Unix time in seconds with a 9-digit fraction (accurate to the microsecond)
 *   Response   the time to complete the I/O, in seconds
 *   IOType     R, W, or blank: "no response message" (packet loss while mirroring the port)
 *   LUN        the LUN index; Offset and Size in bytes
 * The header line is optional here. Device: 0,LUN. Time zero: the first record. A record with
 * a blank IOType has no direction: it is skipped (counted with the skipped lines, said once).
 */

struct systor {
	uint64_t lineno;
	uint64_t zero;  /* the first record's Timestamp, ns */
	bool started;   /* zero is set */
	bool said_blank, said_early;
};

static const char *const field_name[] = {"Timestamp", "Response", "IOType", "LUN", "Offset", "Size"};

static int systor_open(struct trc *t)
{
	return trc_priv_alloc(t, sizeof(struct systor));
}

/* "path:line: field N (name): expected what, got '...'" for field i (0-based). */
static enum trc_status bad(struct trc *t, const struct systor *s, const struct trc_field *f, int i,
			   const char *what)
{
	char ex[96];

	trc_excerpt(f[i].p, f[i].len, ex, sizeof(ex));
	return trc_fail_line(t, t->path, s->lineno, i + 1, field_name[i], "expected %s, got '%s'",
			     what, ex);
}

static bool is_header(const struct trc_field *f, int n)
{
	return n >= 1 && trc_field_is(&f[0], "Timestamp");
}

static enum trc_status systor_next(struct trc *t, struct trc_rec *rec)
{
	struct systor *s = t->priv;
	struct trc_field f[8];
	const char *line;
	size_t len;
	uint64_t ts, resp, lun, off, size;

	for (;;) {
		int rc = trc_read_line(t, &s->lineno, &line, &len);
		if (rc <= 0)
			return rc ? TRC_EBAD : TRC_EOF;
		if (s->lineno == 1) {
			size_t b = trc_bom_len((const uint8_t *)line, len);
			line += b, len -= b;
		}
		const char *p = trc_skip_spaces(line, line + len);
		if (p == line + len) /* an empty line (the end of a file cut by hand) */
			continue;
		int n = trc_split_delim(line, len, ',', f, 8);
		if (s->lineno == 1 && is_header(f, n)) {
			t->counts.skipped_lines++;
			continue;
		}
		if (n != 6)
			return trc_fail_nfields(t, s->lineno, n, 6, "Timestamp,Response,IOType,LUN,Offset,Size");
		if (!trc_parse_time(f[0].p, f[0].len, TRC_TU_S, &ts))
			return bad(t, s, f, 0, "a Unix time in seconds (e.g. 1456135200.013118000)");
		if (f[2].len == 0) { /* no response message: no direction to simulate */
			t->counts.skipped_lines++;
			if (!s->said_blank)
				trc_warn(t, "%s:%llu: IOType blank (no response message): record skipped",
					 t->path, (unsigned long long)s->lineno);
			s->said_blank = true;
			continue;
		}
		memset(rec, 0, sizeof(*rec));
		if (trc_field_is(&f[2], "R"))
			rec->flags = TRC_READ;
		else if (trc_field_is(&f[2], "W"))
			rec->flags = TRC_WRITE;
		else
			return bad(t, s, f, 2, "R, W or blank");
		if (!trc_parse_time(f[1].p, f[1].len, TRC_TU_S, &resp) || resp > INT64_MAX)
			return bad(t, s, f, 1, "a time in seconds (e.g. 0.000806000)");
		if (!trc_field_u64(&f[3], &lun) || lun > 0xfffff)
			return bad(t, s, f, 3, "a LUN index");
		if (!trc_field_u64(&f[4], &off))
			return bad(t, s, f, 4, "a byte offset");
		if (!trc_field_u64(&f[5], &size) || size > (uint64_t)UINT32_MAX * 512 ||
		    off > UINT64_MAX - size - 511)
			return bad(t, s, f, 5, "a size in bytes (the range inside 2^64 bytes)");
		if (!s->started)
			s->zero = ts, s->started = true;
		if (ts < s->zero && !s->said_early)
			trc_warn(t, "%s:%llu: record older than the first one; its time is set to 0",
				 t->path, (unsigned long long)s->lineno);
		s->said_early |= ts < s->zero;
		rec->time_ns = ts < s->zero ? 0 : ts - s->zero;
		rec->latency_ns = (int64_t)resp;
		rec->dev = TRC_DEV(0, lun);
		/* the sectors the byte range touches (none for a zero size) */
		rec->sector = size ? off / 512 : 0;
		rec->nsect = size ? (uint32_t)((off + size + 511) / 512 - off / 512) : 0;
		trc_flags_to_rwbs(rec->flags, rec->rwbs);
		return trc_record_at(t, s->lineno);
	}
}

/* The header, or a first line of six fields shaped as the README says (R, W or blank in the
 * third, numbers elsewhere, a fraction in the Timestamp). */
static bool systor_probe(const uint8_t *head, size_t len)
{
	const char *p = (const char *)head + trc_bom_len(head, len), *e = (const char *)head + len;
	const char *nl = memchr(p, '\n', (size_t)(e - p)), *le = nl ? nl : e;
	struct trc_field f[8];
	uint64_t v;

	if (le > p && le[-1] == '\r')
		le--;
	int n = trc_split_delim(p, (size_t)(le - p), ',', f, 8);
	if (n == 6 && is_header(f, n))
		return trc_field_is(&f[1], "Response") && trc_field_is(&f[2], "IOType") &&
		       trc_field_is(&f[3], "LUN");
	return n == 6 && memchr(f[0].p, '.', f[0].len) && trc_parse_time(f[0].p, f[0].len, TRC_TU_S, &v) &&
	       trc_parse_time(f[1].p, f[1].len, TRC_TU_S, &v) &&
	       (f[2].len == 0 || trc_field_is(&f[2], "R") || trc_field_is(&f[2], "W")) &&
	       trc_field_u64(&f[3], &v) && trc_field_u64(&f[4], &v) && trc_field_u64(&f[5], &v);
}

const struct trc_format trc_fmt_systor = {
	.name = "systor",
	.help = "SYSTOR '17 VDI traces",
	.probe = systor_probe,
	.open = systor_open,
	.next = systor_next,
	.close = trc_priv_free,
	.time_field = 1,
	.time_name = "Timestamp",
	.sector_field = 5,
	.sector_name = "Offset",
};
