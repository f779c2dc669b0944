// SPDX-License-Identifier: GPL-2.0
/* disksim.c - reader for DiskSim's `validate` traces: requests measured on a real drive. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "traces/trc_internal.h"

/*
 * The format (DiskSim 4.0, src/disksim_iotrace.c, the "validate" trace type): one request per
 * line, six blank-separated fields
 *
 *   R|W  Hit|Miss|Doub|Trip  BLOCK  COUNT  RESPONSE_US  THINK_US
 *
 * BLOCK and COUNT in 512-byte blocks; RESPONSE_US the response time the real drive was measured
 * at; THINK_US the time from this request's completion to the next one's issue. The second field
 * is the drive's buffer action as the measurement observed it (informational: kept in comm).
 *
 * There is no arrival time: the replay protocol is closed loop at queue depth 1. So that a
 * record carries everything the protocol needs without a field trc_rec does not have, time_ns is
 * the request's issue time on the measured timeline, time[0] = 0 and
 * time[i+1] = time[i] + response[i] + think[i], and latency_ns the measured response. A replayer
 * recovers think[i] = time[i+1] - time[i] - latency[i] exactly (everything is integer ns;
 * fractions of a microsecond beyond 1 ns are rounded). Device: 0,0.
 */

struct dsv {
	uint64_t lineno;
	uint64_t next_ns; /* issue time of the next request on the measured timeline */
};

static const char *const tags[] = {"Hit", "Miss", "Doub", "Trip", NULL};

/* "14095.370" microseconds -> ns, rounded to the nearest ns. */
static bool tok_us(const struct trc_field *f, uint64_t *ns)
{
	const char *p = f->p, *e = f->p + f->len;
	uint64_t us, frac = 0, scale = 1;
	unsigned digits = 0;

	if (!trc_parse_u64(&p, e, &us) || us > UINT64_MAX / 4000)
		return false;
	if (p < e && *p == '.') {
		p++;
		while (p < e && trc_isdigit(*p)) {
			if (digits < 6) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				scale *= 10;
				digits++;
			}
			p++;
		}
	}
	if (p != e)
		return false;
	*ns = us * 1000 + (frac * 1000 + scale / 2) / scale;
	return true;
}

static int tag_index(const struct trc_field *f)
{
	for (int i = 0; tags[i]; i++)
		if (f->len == strlen(tags[i]) && !memcmp(f->p, tags[i], f->len))
			return i;
	return -1;
}

static bool is_rw(const struct trc_field *f)
{
	return f->len == 1 && (f->p[0] == 'R' || f->p[0] == 'W');
}

static bool blank(const char *line, size_t len)
{
	const char *p = trc_skip_spaces(line, line + len);
	return p == line + len || *p == '#';
}

static enum trc_status bad(struct trc *t, struct dsv *s, int idx, const char *name,
			   const struct trc_field *f, const char *expected)
{
	char ex[128];
	trc_excerpt(f->p, f->len, ex, sizeof(ex));
	return trc_fail_line(t, t->path, s->lineno, idx, name, "bad value '%s' (expected %s)", ex,
			     expected);
}

static enum trc_status dsv_next(struct trc *t, struct trc_rec *rec)
{
	struct dsv *s = t->priv;
	const char *line;
	size_t len;
	uint64_t blk, cnt, resp, think;
	struct trc_field f[8];

	for (;;) {
		int rc = trc_read_line(t, &s->lineno, &line, &len);
		if (rc <= 0)
			return rc ? TRC_EBAD : TRC_EOF;
		if (blank(line, len)) {
			t->counts.skipped_lines++;
			continue;
		}
		int n = trc_split_blank(line, len, f, 8);
		if (n != 6)
			return trc_fail_line(t, t->path, s->lineno, n < 6 ? n + 1 : 7,
					     n < 6 ? "missing" : "extra",
					     "expected 6 fields (R|W, Hit|Miss|Doub|Trip, block, count, "
					     "response us, think us), got %d", n);
		if (!is_rw(&f[0]))
			return bad(t, s, 1, "op", &f[0], "R or W");
		if (tag_index(&f[1]) < 0)
			return bad(t, s, 2, "buffer", &f[1], "Hit, Miss, Doub or Trip");
		if (!trc_field_u64(&f[2], &blk) || blk > UINT64_MAX / 1024)
			return bad(t, s, 3, "block", &f[2], "a block number");
		if (!trc_field_u64(&f[3], &cnt) || cnt == 0 || cnt > UINT32_MAX)
			return bad(t, s, 4, "count", &f[3], "a block count 1..2^32-1");
		if (!tok_us(&f[4], &resp) || resp > INT64_MAX / 4)
			return bad(t, s, 5, "response", &f[4], "a time in microseconds");
		if (!tok_us(&f[5], &think) || think > INT64_MAX / 4)
			return bad(t, s, 6, "think", &f[5], "a time in microseconds");
		memset(rec, 0, sizeof(*rec));
		rec->flags = f[0].p[0] == 'R' ? TRC_READ : TRC_WRITE;
		rec->sector = blk;
		rec->nsect = (uint32_t)cnt;
		rec->time_ns = s->next_ns;
		rec->latency_ns = (int64_t)resp;
		if (s->next_ns > UINT64_MAX / 2)
			return bad(t, s, 6, "think", &f[5], "a trace shorter than 290 years");
		s->next_ns += resp + think;
		trc_flags_to_rwbs(rec->flags, rec->rwbs);
		trc_set_comm(rec, f[1].p, f[1].len);
		return trc_record_at(t, s->lineno);
	}
}

/* Content detection: the first non-blank line has the six fields with the right shapes. */
static bool dsv_probe(const uint8_t *head, size_t len)
{
	const char *p = (const char *)head, *e = p + len;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl : e;
		if (le > p && le[-1] == '\r')
			le--;
		if (!blank(p, (size_t)(le - p))) {
			struct trc_field f[8];
			uint64_t v;
			if (trc_split_blank(p, (size_t)(le - p), f, 8) != 6)
				return false;
			return is_rw(&f[0]) && tag_index(&f[1]) >= 0 && trc_field_u64(&f[2], &v) &&
			       trc_field_u64(&f[3], &v) && tok_us(&f[4], &v) && tok_us(&f[5], &v);
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

static int dsv_open(struct trc *t)
{
	return trc_priv_alloc(t, sizeof(struct dsv));
}

const struct trc_format trc_fmt_disksim = {
	.name = "disksim-validate", .help = "DiskSim validation traces",
	.probe = dsv_probe, .open = dsv_open, .next = dsv_next, .close = trc_priv_free,
	.ordered = true, /* the measured timeline never goes backwards */
};
