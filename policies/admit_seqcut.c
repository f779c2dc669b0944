// SPDX-License-Identifier: GPL-2.0
/* admit_seqcut.c - seqcut:SIZE, bcache's sequential_cutoff: a stream past SIZE bytes stops allocating. */
#include <errno.h>
#include <stdio.h>

#include "policies/admit.h"
#include "policies/pol_common.h"

/*
 * bcache keeps the last 64 I/O streams (struct io, by the sector where each ended) and bypasses
 * a request once its stream's sequential bytes, this request included, reach the cutoff.
 * The engine sees pieces, not requests: a piece that starts where a tracked stream ended
 * extends it; a piece inside the stream's last extent (a piece looked up again) leaves it
 * alone; any other piece starts a stream in the least recently used entry. The decision for
 * a miss is that of its stream after its own piece is counted ("passes SIZE": above it), so
 * a request longer than SIZE allocates its first SIZE bytes. Hits are counted too (bcache
 * looks at every request), since the rule sees every lookup.
 */
#define SEQ_STREAMS 64
#define SEQ_DEFAULT (4ULL << 20)

struct seq_stream {
	uint64_t end;    /* sector after the stream's last piece */
	uint64_t start;  /* first sector of that piece */
	uint64_t bytes;  /* sequential bytes so far */
	uint64_t used;   /* LRU stamp */
};

struct seqcut {
	uint64_t cutoff; /* first: pol_admit_keep_value stores the parsed SIZE here */
	uint64_t clock;
	bool bypass; /* the verdict for the lookup in progress */
	struct seq_stream s[SEQ_STREAMS];
};

static int seq_parse(const char *arg, uint64_t *value, char *err, size_t errlen)
{
	if (!arg || !*arg) {
		*value = SEQ_DEFAULT;
		return 0;
	}
	if (pol_parse_size(arg, value) || !*value) {
		snprintf(err, errlen, "bad SIZE '%s' (expected bytes above 0, or K/M/G/T)", arg);
		return -EINVAL;
	}
	return 0;
}

static void seq_on_access(void *priv, const struct pol_access *a)
{
	struct seqcut *q = priv;
	struct seq_stream *st = NULL, *lru = &q->s[0];
	uint64_t end = a->sector + a->nsect;

	for (unsigned i = 0; i < SEQ_STREAMS; i++) {
		struct seq_stream *s = &q->s[i];
		if (s->used && (s->end == a->sector || (a->sector >= s->start && end <= s->end))) {
			st = s;
			break;
		}
		if (s->used < lru->used)
			lru = s;
	}
	if (!st) {
		st = lru;
		*st = (struct seq_stream){a->sector, a->sector, 0, 0};
	}
	if (st->end == a->sector) {
		st->bytes += (uint64_t)a->nsect * 512;
		st->start = a->sector;
		st->end = end;
	}
	st->used = ++q->clock;
	q->bypass = st->bytes > q->cutoff;
}

static bool seq_admit(void *priv, const struct pol_access *a)
{
	(void)a;
	return !((struct seqcut *)priv)->bypass;
}

const struct pol_admit_ops pol_admit_seqcut = {
	POL_ADMIT_HEAD("seqcut", "seqcut[:SIZE]", "a sequential stream past SIZE [4M] bypasses (bcache)",
		       struct seqcut),
	.parse = seq_parse, .init = pol_admit_keep_value,
	.on_access = seq_on_access, .admit = seq_admit,
};
