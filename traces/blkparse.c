// SPDX-License-Identifier: GPL-2.0
/* blkparse.c - reader for blkparse's default text output (hand-written parser, no sscanf). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "traces/blkev.h"

/*
 * A line of blkparse's default output (blkparse_fmt.c, HEADER "%D %2c %8s %5T.%9t %5p %2a %3d "):
 *
 *   7,0    0       16     0.001239089 21440  Q  RS 5554176 + 512 [dd]
 *   field: 1 device, 2 cpu, 3 sequence, 4 time, 5 pid, 6 action, 7 RWBS, then per action:
 *   Q/D (fs):  "sector + n [process]", "[process]" without a range, "sector + n (elapsed) [process]"
 *   C/R (fs):  "sector + n [error]", "sector [error]" without a range
 *   A:         "sector + n <- (maj,min) sector"
 *   pass-through (pc) requests print bytes and a hex CDB instead: counted and skipped.
 * Lines that do not start with a device (the per-CPU summary footer, "Input file ... added",
 * blank lines) are skipped and counted. Fields are split on blanks, so the column widths do not
 * matter, and the process name is everything between the first '[' and the last ']'.
 */

enum {
	F_DEV = 1,
	F_CPU,
	F_SEQ,
	F_TIME,
	F_PID,
	F_ACT,
	F_RWBS,
	F_SECTOR,
	F_SIZE,
	F_PROC,
};

struct bp {
	struct blk_asm a;
	uint64_t lineno;
	uint64_t event_lines;
	bool eof;
	bool summary;           /* saw blkparse's summary footer ("Reads Queued:", "Input file") */
	bool text;              /* saw a line that is neither blank nor an event */
	const char *scan_start; /* start of the chunk the pre-scan looks at */
	bool extra;             /* this line's action is wanted by the event observer only: a
				 * malformed one is skipped silently, as it was without one */
	char dev_text[16];      /* the last device field parsed ("8,0") and its value: */
	size_t dev_len;         /* lines come in runs of one device (line_dev) */
	uint32_t dev_val;
};

/* The actions blkparse prints (blkparse.c dump_trace / dump_trace_pc), one letter each, plus
 * "UT" (timer unplug); anything else is an error at its field, not a line to skip. */
/* known actions: Q I M F G S R D C P U X B A m (action_known) */
#define ACTIONS_TEXT "an action (Q, G, I, D, C, M, F, A, X, P, U, UT, S, R, B or m)"

static bool action_known(const char *f, size_t len)
{
	if (len == 1) {
		switch (*f) { /* without a strchr call per line */
		case 'Q': case 'I': case 'M': case 'F': case 'G': case 'S': case 'R': case 'D':
		case 'C': case 'P': case 'U': case 'X': case 'B': case 'A': case 'm':
			return true;
		default:
			return false;
		}
	}
	return len == 2 && f[0] == 'U' && f[1] == 'T';
}

static enum trc_status bad(struct trc *t, struct bp *bp, int field, const char *name,
			   const char *what, const char *p, const char *e)
{
	char ex[128];
	const char *q = p;

	if (bp->extra) {
		t->counts.skipped_lines++;
		return TRC_OK;
	}
	while (q < e && !trc_isspace(*q))
		q++;
	trc_excerpt(p, (size_t)(q - p), ex, sizeof(ex));
	return trc_fail_line(t, t->path, bp->lineno, field, name, "expected %s, got '%s'", what, ex);
}

/* A pass-through request's line; an extra one (observer only) counts as skipped, as before. */
static void skip_pc(struct trc *t, const struct bp *bp)
{
	if (bp->extra)
		t->counts.skipped_lines++;
	else
		t->counts.skipped_pc++;
}

/* Printable text (footer lines); anything else means this is not a blkparse text file. */
static bool is_text(const char *p, const char *e)
{
	for (; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 && c != '\t')
			return false;
		if (c == 0x7f)
			return false;
	}
	return true;
}

static bool parse_dev(const char **pp, const char *e, uint32_t *dev)
{
	uint64_t maj, min;

	if (!trc_parse_u64(pp, e, &maj) || *pp >= e || **pp != ',')
		return false;
	(*pp)++;
	if (!trc_parse_u64(pp, e, &min) || maj > 0xfff || min > 0xfffff)
		return false;
	*dev = TRC_DEV(maj, min);
	return true;
}

/* parse_dev on a line's first field, without the parse when the field is the previous line's:
 * the same text, not followed by a digit, parses to the same value (a field that parsed is
 * digits, a comma and digits within range). */
static inline bool line_dev(struct bp *bp, const char **pp, const char *e, uint32_t *dev)
{
	const char *s = *pp;
	size_t n = bp->dev_len;

	if (n && (size_t)(e - s) >= n && !memcmp(s, bp->dev_text, n) &&
	    (s + n == e || !trc_isdigit(s[n]))) {
		*pp = s + n;
		*dev = bp->dev_val;
		return true;
	}
	if (!parse_dev(pp, e, dev))
		return false;
	n = (size_t)(*pp - s);
	if (n <= sizeof(bp->dev_text)) {
		memcpy(bp->dev_text, s, n);
		bp->dev_len = n;
		bp->dev_val = *dev;
	}
	return true;
}

/* "(   123)" (elapsed, from blkparse -t) is at least 8 wide and only blanks and digits; a pc
 * request's CDB dump "(12 00 00 ..)" is not. */
static bool is_elapsed(const char *open, const char *close)
{
	const char *p = open + 1;
	bool digit = false;

	if (close - p < 8)
		return false;
	while (p < close && *p == ' ')
		p++;
	while (p < close && trc_isdigit(*p)) {
		p++;
		digit = true;
	}
	return digit && p == close;
}

/* Parse one line; fills ev and returns TRC_OK with *have_ev when it is an event the assembler
 * wants, TRC_OK alone when the line is skipped, TRC_EBAD on a malformed event line. */
static enum trc_status parse_line(struct trc *t, struct bp *bp, const char *line, size_t len,
				  struct blk_ev *ev, bool *have_ev)
{
	const char *p = line, *e = line + len, *f;
	uint64_t v;

	*have_ev = false;
	bp->extra = false;
	p = trc_skip_spaces(p, e);
	if (p == e) {
		t->counts.skipped_lines++;
		return TRC_OK;
	}
	if (!trc_isdigit(*p)) {
		if (!is_text(p, e))
			return bad(t, bp, F_DEV, "device", "a blkparse event line or text", p, e);
		bp->text = true;
		if (!bp->summary && (memmem(p, (size_t)(e - p), "Reads Queued:", 13) ||
				     ((size_t)(e - p) > 11 && !memcmp(p, "Input file ", 11))))
			bp->summary = true;
		t->counts.skipped_lines++;
		return TRC_OK;
	}
	bp->event_lines++;

	/* Most lines are events no request is made of (G, P, U, M, I, ...): find the action first
	 * and leave those after a glance; the fields of the others are checked below. */
	/* tok[k]: where field k + 1 starts (kept for the parse below, which would otherwise skip
	 * the same blanks again: a field that parses ends where its token ends) */
	const char *tok[6];
	f = p;
	tok[0] = p;
	for (int i = 0; i < 5; i++)
		tok[i + 1] = f = trc_skip_spaces(trc_skip_token(f, e), e);
	if (f < e && (f + 1 == e || trc_isspace(f[1])) && !blk_asm_wants(&bp->a, *f) &&
	    action_known(f, 1)) {
		/* the device only for the per-device count (--device: "no Q events on X") */
		uint32_t dev = 0;
		const char *q = p;
		if (t->has_device && !line_dev(bp, &q, e, &dev))
			dev = ~t->device;
		if (!blk_extra_wanted(&bp->a, t, *f)) {
			trc_seen_event(t, *f, dev);
			t->counts.skipped_lines++;
			return TRC_OK;
		}
		trc_seen_event(t, *f, dev);
		bp->extra = true; /* parsed for the observer; errors skip the line */
	}

	f = p;
	if (!line_dev(bp, &p, e, &ev->dev) || (p < e && !trc_isspace(*p)))
		return bad(t, bp, F_DEV, "device", "MAJ,MIN", f, e);
	p = tok[1];
	f = p;
	if (!trc_parse_u64(&p, e, &v) || (p < e && !trc_isspace(*p)))
		return bad(t, bp, F_CPU, "cpu", "a CPU number", f, e);
	p = tok[2];
	f = p;
	if (p < e && *p == '-') /* blkparse prints the u32 sequence with %d */
		p++;
	if (!trc_parse_u64(&p, e, &v) || (p < e && !trc_isspace(*p)))
		return bad(t, bp, F_SEQ, "sequence", "a sequence number", f, e);
	p = tok[3];
	f = p;
	if (!trc_parse_seconds(&p, e, &ev->time_ns, false) || (p < e && !trc_isspace(*p)))
		return bad(t, bp, F_TIME, "time", "SECONDS.NANOSECONDS", f, e);
	p = tok[4];
	f = p;
	if (!trc_parse_u64(&p, e, &v) || v > UINT32_MAX || (p < e && !trc_isspace(*p)))
		return bad(t, bp, F_PID, "pid", "a process id", f, e);
	ev->pid = (uint32_t)v;
	f = tok[5];
	p = trc_skip_token(f, e);
	size_t alen = (size_t)(p - f);
	if (!action_known(f, alen))
		return bad(t, bp, F_ACT, "action", ACTIONS_TEXT, f, e);
	char act = alen == 1 ? *f : 0; /* two-letter actions (UT) are never requests */
	if (!bp->extra)
		trc_seen_event(t, act, ev->dev); /* (an extra line was counted above) */
	bp->extra = act && blk_extra_wanted(&bp->a, t, act);
	if (!act || (!blk_asm_wants(&bp->a, act) && !bp->extra)) {
		t->counts.skipped_lines++;
		return TRC_OK;
	}
	ev->act = act;
	ev->extra = bp->extra;

	p = trc_skip_spaces(p, e);
	f = p;
	p = trc_skip_token(p, e);
	bool zoned;
	size_t rlen = (size_t)(p - f);
	if (!trc_rwbs_to_flags(f, rlen, &ev->flags, &zoned))
		return bad(t, bp, F_RWBS, "RWBS", "RWBS as [F](D|W|R|N)[F][A][S][M] or (D|W|R|N)[A]B[S][M]",
			   f, e);
	if (zoned) {
		if (act == bp->a.event)
			t->counts.skipped_zoned++;
		else
			t->counts.skipped_lines++;
		return TRC_OK;
	}
	memset(ev->rwbs, 0, sizeof(ev->rwbs)); /* no stale bytes after the NUL (records compare) */
	memcpy(ev->rwbs, f, rlen);

	p = trc_skip_spaces(p, e);
	ev->has_range = false;
	ev->sector = 0;
	ev->nsect = 0;
	ev->comm = NULL;
	ev->comm_len = 0;
	if (p < e && trc_isdigit(*p)) {
		f = p;
		if (!trc_parse_u64(&p, e, &ev->sector) || (p < e && !trc_isspace(*p)))
			return bad(t, bp, F_SECTOR, "sector", "a sector number", f, e);
		p = trc_skip_spaces(p, e);
		if (p < e && *p == '+') {
			p = trc_skip_spaces(p + 1, e);
			f = p;
			if (!trc_parse_u64(&p, e, &v) || v > UINT32_MAX || (p < e && !trc_isspace(*p)))
				return bad(t, bp, F_SIZE, "size", "'+ SECTORS'", f, e);
			ev->nsect = (uint32_t)v;
			ev->has_range = v != 0; /* older blkparse prints "0 + 0" for no range */
			p = trc_skip_spaces(p, e);
		} else if (act == 'X' && p < e && *p == '/') {
			/* a split: "sector / second part's sector" */
			p = trc_skip_spaces(p + 1, e);
			f = p;
			if (!trc_parse_u64(&p, e, &ev->remap_sector) || (p < e && !trc_isspace(*p)))
				return bad(t, bp, F_SIZE, "split", "'/ SECTOR'", f, e);
			p = trc_skip_spaces(p, e);
		} else if (act == 'Q' || act == 'D' || act == 'A') {
			/* Only pass-through requests print a bare number (their byte count). */
			if (act == 'A')
				return bad(t, bp, F_SIZE, "size", "'+ SECTORS'", p, e);
			skip_pc(t, bp);
			return TRC_OK;
		}
	} else if (act == 'A') {
		return bad(t, bp, F_SECTOR, "sector", "a sector number", p, e);
	} else if (p < e && *p == '[' && (act == 'C' || act == 'R')) {
		skip_pc(t, bp); /* a pass-through completion without a CDB */
		return TRC_OK;
	}

	if (act == 'A') {
		f = p;
		if (e - p < 2 || p[0] != '<' || p[1] != '-')
			return bad(t, bp, F_PROC, "remap", "'<- (MAJ,MIN) SECTOR'", f, e);
		p = trc_skip_spaces(p + 2, e);
		f = p;
		if (p >= e || *p != '(')
			return bad(t, bp, F_PROC, "remap", "'(MAJ,MIN)'", f, e);
		p++;
		if (!parse_dev(&p, e, &ev->remap_from) || p >= e || *p != ')')
			return bad(t, bp, F_PROC, "remap", "'(MAJ,MIN)'", f, e);
		p = trc_skip_spaces(p + 1, e);
		f = p;
		if (!trc_parse_u64(&p, e, &ev->remap_sector))
			return bad(t, bp, F_PROC, "remap", "the source sector", f, e);
		p = trc_skip_spaces(p, e);
		if (p != e)
			return bad(t, bp, F_PROC, "remap", "the end of the line", p, e);
		ev->pos.path = t->path;
		ev->pos.line = bp->lineno;
		ev->pos.offset = 0;
		*have_ev = true;
		return TRC_OK;
	}

	if (p < e && *p == '(') {
		const char *close = memchr(p, ')', (size_t)(e - p));
		if (!close)
			return bad(t, bp, F_PROC, "process", "'(elapsed)' or '[process]'", p, e);
		if (!is_elapsed(p, close)) {
			skip_pc(t, bp);
			return TRC_OK;
		}
		p = trc_skip_spaces(close + 1, e);
	}
	f = p;
	if (p >= e || *p != '[')
		return bad(t, bp, F_PROC, act == 'C' || act == 'R' ? "error" : "process",
			   act == 'C' || act == 'R' ? "'[ERROR]'" : "'[PROCESS]'", f, e);
	const char *close = e;
	while (close > p + 1 && close[-1] != ']') {
		if (!trc_isspace(close[-1]))
			return bad(t, bp, F_PROC, "process", "the end of the line after ']'", close - 1, e);
		close--;
	}
	if (close <= p + 1 || close[-1] != ']')
		return bad(t, bp, F_PROC, "process", "'[PROCESS]'", f, e);
	const char *name = p + 1;
	size_t nlen = (size_t)(close - 1 - name);
	if (act == 'C' || act == 'R') {
		/* The bracket holds the completion's error; keep parsing strict about it. */
		const char *q = name;
		if (q < close - 1 && *q == '-')
			q++;
		if (!trc_parse_u64(&q, close - 1, &v) || q != close - 1)
			return bad(t, bp, F_PROC, "error", "'[ERROR]' (a number)", f, e);
	} else if (!(nlen == 6 && !memcmp(name, "(null)", 6))) {
		/* blkparse prints "(null)" for a pid it has no name for. */
		ev->comm = name;
		ev->comm_len = nlen;
	}
	ev->pos.path = t->path;
	ev->pos.line = bp->lineno;
	ev->pos.offset = 0;
	*have_ev = true;
	return TRC_OK;
}

/*
 * The device pre-scan only needs the devices of the lines whose action is the chosen event, and
 * the sources of remaps. Such a line has the action letter alone between blanks, so instead of
 * walking every line the scan looks for that letter (and for 'A') with memchr, and parses just
 * the lines where it stands in the action field. Nothing is validated here: the reading pass
 * reports malformed lines, after the good records before them.
 */
static bool action_at(struct bp *bp, const char *line, const char *e, const char *x,
		      uint32_t *dev)
{
	const char *p = trc_skip_spaces(line, e);

	if (!line_dev(bp, &p, e, dev))
		return false;
	for (int i = 0; i < 4; i++) {
		if (p >= e || !trc_isspace(*p))
			return false;
		p = trc_skip_token(trc_skip_spaces(p, e), e);
	}
	return trc_skip_spaces(p, e) == x;
}

/* Look at the line holding the letter x; returns the end of that line (its '\n' or end). */
static const char *scan_candidate(struct trc *t, struct bp *bp, const char *start, const char *end,
				  const char *x)
{
	const char *line = x, *e, *nl;
	uint32_t dev, from;

	if (x > start) { /* back to the line's start: a vector search, not a byte loop */
		const char *b = memrchr(start, '\n', (size_t)(x - start));
		line = b ? b + 1 : start;
	}
	nl = memchr(x, '\n', (size_t)(end - x));
	e = nl ? nl : end;
	t->scan_bytes += (uint64_t)(x - line) + (uint64_t)(e - x);
	if (e > line && e[-1] == '\r')
		e--;
	if (!action_at(bp, line, e, x, &dev))
		return nl ? nl : end;
	if (*x == 'A') {
		const char *q = memchr(x, '<', (size_t)(e - x));
		if (!q || q + 1 >= e || q[1] != '-')
			return nl ? nl : end;
		q = trc_skip_spaces(q + 2, e);
		if (q < e && *q == '(') {
			q++;
			if (parse_dev(&q, e, &from))
				trc_devset_add_remap(t->devset, from, dev);
		}
		return nl ? nl : end;
	}
	const char *r = trc_skip_spaces(x + 1, e);
	if (r < e && (*r == 'Z' || (*r == 'F' && r + 1 < e && r[1] == 'Z')))
		return nl ? nl : end; /* zoned commands are not requests */
	trc_devset_add(t->devset, dev, NULL);
	bp->event_lines++;
	return nl ? nl : end;
}

/* Each letter's next occurrence is searched once from where the scan stands and kept until the
 * scan passes it; a letter that does not occur again is remembered as absent (end), so that a
 * text without any 'A' (no remaps, no readahead) costs one search, not one per line. */
static void scan_chunk(struct trc *t, struct bp *bp, const char *p, const char *end)
{
	const char want[2] = {bp->a.event, 'A'};
	const char *next[2] = {NULL, NULL}; /* NULL: not searched yet; end: absent */

	for (;;) {
		for (int k = 0; k < 2; k++) {
			if (next[k] && next[k] >= p)
				continue;
			const char *x = p < end ? memchr(p, want[k], (size_t)(end - p)) : NULL;
			next[k] = x ? x : end;
			t->scan_bytes += (uint64_t)(next[k] - p) + (x != NULL);
		}
		if (next[0] == end && next[1] == end)
			return;
		const char *x = next[1] < next[0] ? next[1] : next[0];
		p = x + 1;
		/* the action field stands alone: blank (or line start) before, blank after */
		if (x + 1 < end && (x[1] == ' ' || x[1] == '\t') && x > bp->scan_start &&
		    (x[-1] == ' ' || x[-1] == '\t')) {
			const char *e = scan_candidate(t, bp, bp->scan_start, end, x);
			p = e < end ? e + 1 : end;
		}
	}
}

static enum trc_status scan_all(struct trc *t, struct bp *bp)
{
	struct trc_in *in = &t->in;

	for (;;) {
		size_t n = trc_in_need(in, in->cap ? in->cap : (size_t)(in->end - in->p));
		if (in->read_errno) {
			t->fatal = true;
			return trc_fail_line(t, t->path, 0, 0, "", "read error");
		}
		if (!n)
			return TRC_EOF;
		const char *p = (const char *)in->p, *end = p + n;
		if (!in->eof) {
			/* whole lines only; the rest waits for the next read */
			const char *nl = memrchr(p, '\n', n);
			if (!nl) {
				if (n >= in->cap) {
					t->fatal = true;
					return trc_fail_line(t, t->path, 0, 0, "", "line too long");
				}
				trc_in_need(in, n + 1);
				continue;
			}
			end = nl + 1;
		} else if (in->map && n > TRC_MAP_WINDOW) {
			/* a mapped file: whole lines of one window at a time, so that the pages
			 * behind are released as the scan passes (trc_in_skip) */
			const char *nl = memrchr(p, '\n', TRC_MAP_WINDOW);
			if (nl)
				end = nl + 1;
		}
		bp->scan_start = p;
		scan_chunk(t, bp, p, end);
		trc_in_skip(in, (size_t)(end - p));
		if (in->eof && in->p == in->end)
			return TRC_EOF;
	}
}

static enum trc_status bp_next(struct trc *t, struct trc_rec *rec)
{
	struct bp *bp = t->priv;

	if (t->scan)
		return scan_all(t, bp);

	for (;;) {
		if (blk_asm_pop(&bp->a, t, rec, false))
			return TRC_OK;
		if (bp->eof)
			return blk_asm_pop(&bp->a, t, rec, true) ? TRC_OK : TRC_EOF;

		const char *line;
		size_t len;
		uint64_t off;
		int rc = trc_in_line(&t->in, &line, &len, &off);
		if (rc == 0) {
			bp->eof = true;
			/* Only blkparse's summary: a blkparse text without requests (the reader core
			 * says so); other text is not blkparse output at all. */
			if (!bp->event_lines && bp->text && !bp->summary) {
				t->fatal = true;
				return trc_fail_line(t, t->path, bp->lineno, 0, "",
						     "no blkparse event lines in %llu lines of text",
						     (unsigned long long)bp->lineno);
			}
			continue;
		}
		if (rc < 0) {
			t->fatal = true;
			bp->eof = true;
			return trc_fail_line(t, t->path, bp->lineno + 1, 0, "", "%s",
					     rc == -E2BIG ? "line too long (over 1 MiB)" : "read error");
		}
		bp->lineno++;
		struct blk_ev ev;
		bool have;
		enum trc_status st = parse_line(t, bp, line, len, &ev, &have);
		if (st != TRC_OK)
			return st;
		if (have)
			blk_asm_feed(&bp->a, t, &ev);
	}
}

static int bp_open(struct trc *t)
{
	struct bp *bp = calloc(1, sizeof(*bp));

	if (!bp)
		return -ENOMEM;
	if (blk_asm_init(&bp->a, t->event)) {
		free(bp);
		return -ENOMEM;
	}
	t->priv = bp;
	return 0;
}

static void bp_close(struct trc *t)
{
	struct bp *bp = t->priv;

	if (bp) {
		blk_asm_free(&bp->a);
		free(bp);
	}
	t->priv = NULL;
}

/* The first event line decides: device, cpu, sequence, SECONDS.NANOS, pid, action. */
static bool bp_probe(const uint8_t *head, size_t len)
{
	const char *p = (const char *)head, *end = p + len;

	for (int lines = 0; p < end && lines < 64; lines++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		if (e > p && e[-1] == '\r')
			e--; /* CRLF */
		const char *q = trc_skip_spaces(p, e);
		if (q < e && trc_isdigit(*q)) {
			uint32_t dev;
			uint64_t v, ns;
			if (!parse_dev(&q, e, &dev))
				return false;
			q = trc_skip_spaces(q, e);
			if (!trc_parse_u64(&q, e, &v))
				return false;
			q = trc_skip_spaces(q, e);
			if (q < e && *q == '-')
				q++;
			if (!trc_parse_u64(&q, e, &v))
				return false;
			q = trc_skip_spaces(q, e);
			if (!trc_parse_seconds(&q, e, &ns, false) || q >= e || !trc_isspace(*q))
				return false;
			q = trc_skip_spaces(q, e);
			if (!trc_parse_u64(&q, e, &v))
				return false;
			q = trc_skip_spaces(q, e);
			return q < e && ((*q >= 'A' && *q <= 'Z') || *q == 'm');
		}
		if (!is_text(p, e))
			return false;
		/* a file with only blkparse's summary footer is still blkparse output */
		if (memmem(q, (size_t)(e - q), "Reads Queued:", 13))
			return true;
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

const struct trc_format trc_fmt_blkparse = {
	.name = "blkparse", .help = "text",
	.probe = bp_probe, .open = bp_open, .next = bp_next, .close = bp_close,
	.takes = TRC_TAKES_EVENT, .blk_events = true,
	.time_field = F_TIME, .time_name = "time",
	.sector_field = F_SECTOR, .sector_name = "sector",
};
