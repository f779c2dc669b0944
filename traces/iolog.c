// SPDX-License-Identifier: GPL-2.0
/* iolog.c - reader for fio's I/O logs ("fio version 2 iolog" and "fio version 3 iolog"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "traces/trc_internal.h"

/*
 * fio HOWTO, "Trace file format v2/v3", and fio's iolog.c:
 *   v2: "filename action" (add, open, close) and "filename action offset length"
 *       (read, write, trim, sync, datasync, wait); wait's offset is microseconds to wait.
 *   v3: each line starts with a timestamp, relative to the start of the run; fio writes it with
 *       utime_since_now(), i.e. in microseconds (the HOWTO does not name the unit). No wait.
 * Each added file is a device 0,N in the order of its "add" (N from 0); its name is the
 * record's process name. sync and datasync become empty flushes (FWS, no range).
 */

#define MAX_FILES 4096

struct iolog {
	int version;
	uint64_t lineno;
	uint64_t now_ns;          /* v2: sum of waits */
	struct trc_names files;
	bool warned_v3_wait;
};

static bool tok_is(const char *p, size_t len, const char *s)
{
	return len == strlen(s) && !memcmp(p, s, len);
}

static enum trc_status bad_tok(struct trc *t, struct iolog *l, int field, const char *name,
			       const char *p, size_t len, const char *expected)
{
	char ex[128];
	trc_excerpt(p, len, ex, sizeof(ex));
	return trc_fail_line(t, t->path, l->lineno, field, name, "expected %s, got '%s'", expected, ex);
}

static enum trc_status iolog_next(struct trc *t, struct trc_rec *rec)
{
	struct iolog *l = t->priv;
	const char *line;
	size_t len;

	for (;;) {
		int rc = trc_read_line(t, &l->lineno, &line, &len);
		if (rc <= 0)
			return rc ? TRC_EBAD : TRC_EOF;
		struct trc_field f[6];
		int n = trc_split_blank(line, len, f, 6);
		if (l->lineno == 1) {
			if (len >= 19 && !memcmp(line, "fio version 2 iolog", 19))
				l->version = 2;
			else if (len >= 19 && !memcmp(line, "fio version 3 iolog", 19))
				l->version = 3;
			else {
				t->fatal = true;
				return trc_fail_line(t, t->path, 1, 0, "",
						     "expected 'fio version 2 iolog' or 'fio version 3 iolog'");
			}
			t->counts.skipped_lines++;
			continue;
		}
		if (n == 0) {
			t->counts.skipped_lines++;
			continue;
		}
		int b = 0; /* first field after the timestamp */
		uint64_t ts_us = 0;
		if (l->version == 3) {
			if (!trc_field_u64(&f[0], &ts_us) || ts_us > UINT64_MAX / 1000)
				return bad_tok(t, l, 1, "timestamp", f[0].p, f[0].len,
					       "a time in microseconds");
			b = 1;
		}
		int nf = n - b;
		if (nf != 2 && nf != 4)
			return trc_fail_line(t, t->path, l->lineno, n + 1, "fields",
					     "expected '%sfilename action [offset length]', got %d fields",
					     l->version == 3 ? "timestamp " : "", n);
		const char *fname = f[b].p, *act = f[b + 1].p;
		size_t flen = f[b].len, alen = f[b + 1].len;
		if (nf == 2) {
			if (tok_is(act, alen, "add")) {
				int rc2 = trc_names_add(&l->files, fname, flen, MAX_FILES);
				if (rc2 < 0) {
					t->fatal = true;
					return trc_fail_line(t, t->path, l->lineno, b + 1, "filename",
							     "too many files (over %d)", MAX_FILES);
				}
			} else if (!tok_is(act, alen, "open") && !tok_is(act, alen, "close")) {
				return bad_tok(t, l, b + 2, "action", act, alen, "add, open or close");
			} else if (trc_names_find(&l->files, fname, flen) < 0) {
				return bad_tok(t, l, b + 1, "filename", fname, flen,
					       "a file named in an earlier 'add'");
			}
			t->counts.skipped_lines++;
			continue;
		}
		uint64_t offset, length;
		if (!trc_field_u64(&f[b + 2], &offset))
			return bad_tok(t, l, b + 3, "offset", f[b + 2].p, f[b + 2].len, "a byte offset");
		if (!trc_field_u64(&f[b + 3], &length))
			return bad_tok(t, l, b + 4, "length", f[b + 3].p, f[b + 3].len, "a length in bytes");
		if (tok_is(act, alen, "wait")) {
			if (l->version == 3) {
				if (!l->warned_v3_wait) {
					l->warned_v3_wait = true;
					trc_warn(t, "%s:%llu: 'wait' is not allowed in version 3 (fio ignores it too)",
						 t->path, (unsigned long long)l->lineno);
				}
			} else if (offset <= (UINT64_MAX - l->now_ns) / 1000) {
				l->now_ns += offset * 1000;
			}
			t->counts.skipped_lines++;
			continue;
		}
		uint32_t flags;
		bool ranged = true;
		if (tok_is(act, alen, "read"))
			flags = TRC_READ;
		else if (tok_is(act, alen, "write"))
			flags = TRC_WRITE;
		else if (tok_is(act, alen, "trim"))
			flags = TRC_DISCARD;
		else if (tok_is(act, alen, "sync") || tok_is(act, alen, "datasync")) {
			flags = TRC_FLUSH | TRC_WRITE | TRC_SYNC;
			ranged = false;
		} else
			return bad_tok(t, l, b + 2, "action", act, alen,
				       "read, write, trim, sync, datasync or wait");
		int fi = trc_names_find(&l->files, fname, flen);
		if (fi < 0)
			return bad_tok(t, l, b + 1, "filename", fname, flen,
				       "a file named in an earlier 'add'");
		if (offset > UINT64_MAX - length)
			return bad_tok(t, l, b + 4, "length", f[b + 3].p, f[b + 3].len,
				       "a range inside 2^64 bytes");
		memset(rec, 0, sizeof(*rec));
		rec->latency_ns = -1;
		rec->time_ns = l->version == 3 ? ts_us * 1000 : l->now_ns;
		rec->dev = TRC_DEV(0, (uint32_t)fi);
		rec->flags = flags;
		if (ranged && length) {
			uint64_t first = offset / 512;
			uint64_t last = first + (offset % 512 + length + 511) / 512; /* no wrap */
			rec->sector = first;
			rec->nsect = last - first > UINT32_MAX ? UINT32_MAX : (uint32_t)(last - first);
		}
		trc_flags_to_rwbs(flags, rec->rwbs);
		trc_set_comm(rec, fname, flen);
		return trc_record_at(t, l->lineno);
	}
}

static int iolog_open(struct trc *t)
{
	t->priv = calloc(1, sizeof(struct iolog));
	return t->priv ? 0 : -ENOMEM;
}

static void iolog_close(struct trc *t)
{
	struct iolog *l = t->priv;

	if (l)
		trc_names_free(&l->files);
	trc_priv_free(t);
}

static bool iolog_probe(const uint8_t *head, size_t len)
{
	return len >= 19 && (!memcmp(head, "fio version 2 iolog", 19) ||
			     !memcmp(head, "fio version 3 iolog", 19));
}

const struct trc_format trc_fmt_iolog = {
	.name = "iolog", .help = "fio iolog v2/v3",
	.probe = iolog_probe, .open = iolog_open, .next = iolog_next, .close = iolog_close,
};
