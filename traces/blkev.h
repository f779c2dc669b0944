/* SPDX-License-Identifier: GPL-2.0 */
/* blkev.h - block-layer events (Q, D, C, A, R) to requests: device filter, D..C pairing. */
#ifndef SSDCACHE_BLKEV_H
#define SSDCACHE_BLKEV_H

#include "traces/trc_internal.h"

/*
 * The blkparse text reader and the blktrace binary reader both turn their input into these
 * events and hand them to the same assembler, so the two forms of a capture cannot disagree
 * on what a request is (the equality test relies on it).
 */
struct blk_ev {
	uint64_t time_ns;
	uint64_t sector;       /* as blkparse prints it (a C without range still has one) */
	uint64_t remap_sector; /* 'A': sector on the source device; 'X': where the split's second
				* part starts */
	uint32_t nsect;
	uint32_t dev;          /* 'A': the device remapped to (what blkparse prints first) */
	uint32_t remap_from;   /* 'A': the source device */
	uint32_t pid;
	uint32_t flags;        /* TRC_* */
	char act;              /* 'Q', 'D', 'C', 'A' (remap) or 'R' (requeue) */
	bool has_range;        /* blkparse printed "+ n" (n > 0) */
	bool extra;            /* only the event observer wants it (G, I, M, F; D, C in Q mode) */
	char rwbs[8];
	const char *comm;      /* NULL or comm_len bytes; not for 'C' (blkparse prints the error) */
	size_t comm_len;
	struct trc_pos pos;
};

struct blk_pend;
struct blk_out;

struct blk_asm {
	char event;
	/* pending dispatches (D and C modes): a chained hash over a fixed pool, plus a FIFO that
	 * evicts the oldest when completions are missing */
	struct blk_pend *pend;
	uint32_t *bucket;
	uint32_t nbucket, npend, pend_free;
	uint64_t *fifo; /* (node << 32) | generation */
	uint32_t fifo_cap, fifo_head, fifo_count;
	/* records waiting for their completion (D mode) or ready (Q, C modes) */
	struct blk_out *out;
	uint32_t out_cap, out_head, out_count;
};

/* 0 or -ENOMEM (the pools are sized here, once). */
int blk_asm_init(struct blk_asm *a, char event);
void blk_asm_free(struct blk_asm *a);
/* Does the assembler need events of this action for t's event? Parsers skip the others cheaply. */
static inline bool blk_asm_wants(const struct blk_asm *a, char act)
{
	if (act == 'A' || act == a->event)
		return true;
	if (a->event == 'Q')
		return false;
	return act == 'D' || act == 'C' || act == 'R';
}
/* Actions the event observer (trc_opts.on_event) is given. */
static inline bool blk_obs_act(char act)
{
	switch (act) {
	case 'Q': case 'G': case 'I': case 'M': case 'F': case 'D': case 'C': case 'R': case 'X':
		return true;
	default:
		return false;
	}
}
/* Is this action of t wanted only by its event observer (not by the assembler)? */
static inline bool blk_extra_wanted(const struct blk_asm *a, const struct trc *t, char act)
{
	return t->opts.on_event && !t->scan && !blk_asm_wants(a, act) && blk_obs_act(act);
}
/* Feed one event (the observer first, then device filter, counters, pairing; scan mode fills
 * t->devset). An extra event goes to the observer only and counts as a skipped line. */
void blk_asm_feed(struct blk_asm *a, struct trc *t, const struct blk_ev *ev);
/* A record ready in input order; with drain, records still waiting for a completion are handed
 * out with latency -1. Sets t->pos. */
bool blk_asm_pop(struct blk_asm *a, struct trc *t, struct trc_rec *rec, bool drain);

#endif
