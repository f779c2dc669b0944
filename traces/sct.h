/* SPDX-License-Identifier: GPL-2.0 */
/* sct.h - the .sct reader's record decoder, for the reader core's direct call. */
#ifndef SSDCACHE_SCT_H
#define SSDCACHE_SCT_H

#include "traces/trc_internal.h"

#define SCT_REC 64u
#define SCT_NONE 0xffffffffu

/* An open .sct reader (t->priv). */
struct sct {
	uint64_t count, next_index;
	/* (RWBS, flags) pairs already checked, by a hash of the RWBS (sct_seen_slot). An empty
	 * entry holds an RWBS word of another slot (sct_open), which no record's RWBS matches
	 * there. */
	struct {
		uint64_t rwbs;
		uint32_t flags;
	} seen[16];
	uint8_t *names;        /* owned copy of the name table */
	uint32_t *name_off;
	uint64_t nnames;
	struct trc_sct_source info; /* the header's description of the source (trc_sct_info) */
};

/* The slot of seen[] for an RWBS word. */
static inline unsigned sct_seen_slot(uint64_t rwbs_word)
{
	return (unsigned)((rwbs_word * 0x9e3779b97f4a7c15ULL) >> 60);
}

/* A record's fields as they are in the file, all but the name (sct_next and sct_take). The
 * pairs (dev, flags) and (nsect, pid) lie in the file in the record's order: one 8-byte copy
 * each on a little-endian host. */
static inline __attribute__((always_inline)) void sct_fields(struct trc_rec *rec, const uint8_t *b)
{
	rec->time_ns = trc_le64(b);
	rec->sector = trc_le64(b + 8);
	rec->latency_ns = (int64_t)trc_le64(b + 16);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	_Static_assert(offsetof(struct trc_rec, flags) == offsetof(struct trc_rec, dev) + 4 &&
			       offsetof(struct trc_rec, pid) == offsetof(struct trc_rec, nsect) + 4,
		       "trc_rec's (dev, flags) and (nsect, pid) as in an .sct record");
	memcpy(&rec->dev, b + 24, 8);
	memcpy(&rec->nsect, b + 32, 8);
#else
	rec->dev = trc_le32(b + 24);
	rec->flags = trc_le32(b + 28);
	rec->nsect = trc_le32(b + 32);
	rec->pid = trc_le32(b + 36);
#endif
	memcpy(rec->rwbs, b + 48, 8);
}

/* The process name of an id that is SCT_NONE or below nnames. */
static inline __attribute__((always_inline)) void sct_comm(const struct sct *s, uint32_t id,
							   struct trc_rec *rec)
{
	if (id == SCT_NONE) {
		rec->comm[0] = '\0';
	} else {
		const uint8_t *e = s->names + s->name_off[id];
		memcpy(rec->comm, e + 1, TRC_COMM_MAX - 1); /* e[0] < TRC_COMM_MAX (sct_open) */
		rec->comm[e[0]] = '\0';
	}
}

/* trc_fmt_sct.next: the next record of an .sct. The core calls it by name when the trace is an
 * .sct (once per record: a direct call the link-time optimiser can inline, where the format's
 * pointer was an indirect call and a second frame). */
enum trc_status sct_next(struct trc *t, struct trc_rec *rec);

/* The records after the last one handed out that need no check any more, up to a block of them
 * (t->ahead_p to t->ahead_end, consumed from the input); false if there are none. */
bool sct_check_ahead(struct trc *t);

/* The next of the records checked ahead into rec, as sct_next and the reader core's checks
 * would hand it out: t->pos and the core's counts moved on with it. */
static inline __attribute__((always_inline)) void sct_take(struct trc *t, struct trc_rec *rec)
{
	const struct sct *s = t->priv;
	const uint8_t *b = t->ahead_p;

	t->ahead_p = b + SCT_REC;
	sct_fields(rec, b);
	sct_comm(s, trc_le32(b + 40), rec);
	t->pos.offset += SCT_REC;
	t->last_emitted_ns = rec->time_ns;
	t->counts.records++;
}

#endif
