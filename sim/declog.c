// SPDX-License-Identifier: GPL-2.0
/* declog.c - the decision log writer: a growable ring of records keyed by sequence number. */
#include "sim/declog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rec {
	uint64_t sector, done_ns, prev_seq;
	uint32_t nsect;
	long hash, idx;
	int outcome; /* -1: none yet */
	char op;
	bool used, done;
};

struct declog {
	FILE *fp;
	const char *path;
	struct rec *ring;
	uint64_t cap;  /* power of two */
	uint64_t base; /* lowest sequence not yet written */
	int err;
	char buf[1 << 16];
};

int declog_open(struct declog **out, const char *path, char *err, size_t errlen)
{
	struct declog *dl = calloc(1, sizeof(*dl));

	*out = NULL;
	if (!dl)
		return -ENOMEM;
	dl->fp = fopen(path, "w");
	if (!dl->fp) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		free(dl);
		return -e;
	}
	setvbuf(dl->fp, dl->buf, _IOFBF, sizeof(dl->buf));
	dl->path = path;
	dl->cap = 1024;
	dl->ring = calloc(dl->cap, sizeof(*dl->ring));
	if (!dl->ring) {
		fclose(dl->fp);
		free(dl);
		return -ENOMEM;
	}
	*out = dl;
	return 0;
}

static struct rec *rec_at(struct declog *dl, uint64_t seq)
{
	if (seq < dl->base)
		return NULL;
	while (seq - dl->base >= dl->cap) {
		uint64_t ncap = dl->cap * 2;
		struct rec *n = calloc(ncap, sizeof(*n));
		if (!n) {
			dl->err = ENOMEM;
			return NULL;
		}
		for (uint64_t s = dl->base; s < dl->base + dl->cap; s++)
			n[s & (ncap - 1)] = dl->ring[s & (dl->cap - 1)];
		free(dl->ring);
		dl->ring = n;
		dl->cap = ncap;
	}
	return &dl->ring[seq & (dl->cap - 1)];
}

void declog_mapped(struct declog *dl, uint64_t seq, uint64_t prev_seq, char op, uint64_t sector,
		   uint32_t nsect)
{
	struct rec *r = rec_at(dl, seq);

	if (!r)
		return;
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->op = op;
	r->sector = sector;
	r->nsect = nsect;
	r->prev_seq = prev_seq;
	r->outcome = -1;
}

void declog_decision(struct declog *dl, uint64_t seq, enum cte_match_t res, long hash, long idx)
{
	struct rec *r = rec_at(dl, seq);

	if (!r || !r->used || r->outcome != -1)
		return;
	r->outcome = (int)res;
	r->hash = hash;
	r->idx = idx;
}

static void flush_ready(struct declog *dl)
{
	for (;;) {
		struct rec *r = &dl->ring[dl->base & (dl->cap - 1)];
		if (!r->used || !r->done)
			break;
		char h[24], i[24];
		if (r->hash < 0)
			strcpy(h, "-");
		else
			snprintf(h, sizeof(h), "%ld", r->hash);
		if (r->idx < 0)
			strcpy(i, "-");
		else
			snprintf(i, sizeof(i), "%ld", r->idx);
		if (fprintf(dl->fp, "%llu %c %llu %u %s %s %s %llu\n", (unsigned long long)dl->base, r->op,
			    (unsigned long long)r->sector, r->nsect,
			    r->outcome < 0 ? "NOMATCH" : cte_match_name((enum cte_match_t)r->outcome), h, i,
			    (unsigned long long)r->done_ns) < 0 && !dl->err)
			dl->err = errno ? errno : EIO;
		r->used = false;
		dl->base++;
	}
}

void declog_done(struct declog *dl, uint64_t last_seq, uint64_t done_ns)
{
	for (uint64_t s = last_seq; s != DECLOG_NONE;) {
		struct rec *r = rec_at(dl, s);
		if (!r || !r->used)
			break;
		r->done = true;
		r->done_ns = done_ns;
		s = r->prev_seq;
	}
	flush_ready(dl);
}

int declog_close(struct declog *dl, char *err, size_t errlen)
{
	int e;

	if (!dl)
		return 0;
	flush_ready(dl);
	e = dl->err;
	if (fclose(dl->fp) && !e)
		e = errno ? errno : EIO;
	if (e)
		snprintf(err, errlen, "%s: write error: %s", dl->path, strerror(e));
	free(dl->ring);
	free(dl);
	return e ? -e : 0;
}
