// SPDX-License-Identifier: GPL-2.0
/* blkev.c - block-layer events to requests: device filter, remaps, D..C latency pairing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "traces/blkev.h"

/* In-flight dispatches: far more than any device queue holds, so eviction means the trace lost
 * its completions (captured with an action mask, or cut short). */
#define PEND_MAX 16384u
#define PEND_START 64u
#define NIL 0xffffffffu

struct blk_pend {
	uint64_t sector;
	uint64_t time_ns;
	uint32_t dev;
	uint32_t next;     /* bucket chain, or free list */
	uint32_t slot;     /* D mode: output slot waiting for this completion */
	uint32_t slot_gen;
	uint32_t gen;
	uint8_t ranged;
	uint8_t live;
};

struct blk_out {
	struct trc_rec rec;
	struct trc_pos pos;
	uint32_t gen;
	uint32_t pend;     /* D mode: its pending node, NIL once paired */
	bool done;
};

int blk_asm_init(struct blk_asm *a, char event)
{
	memset(a, 0, sizeof(*a));
	a->event = event;
	if (event == 'Q') {
		a->out_cap = 2;
	} else {
		/* Start small and double on demand up to PEND_MAX: memory follows the number of
		 * requests in flight, not the trace. */
		a->npend = PEND_START;
		a->nbucket = PEND_START * 2;
		a->fifo_cap = PEND_START * 4;
		a->out_cap = event == 'D' ? PEND_START + 1 : 2;
		a->pend = calloc(a->npend, sizeof(*a->pend));
		a->bucket = malloc(a->nbucket * sizeof(*a->bucket));
		a->fifo = malloc(a->fifo_cap * sizeof(*a->fifo));
		if (!a->pend || !a->bucket || !a->fifo) {
			blk_asm_free(a);
			return -ENOMEM;
		}
		for (uint32_t i = 0; i < a->nbucket; i++)
			a->bucket[i] = NIL;
		for (uint32_t i = 0; i < a->npend; i++)
			a->pend[i].next = i + 1 < a->npend ? i + 1 : NIL;
		a->pend_free = 0;
	}
	a->out = calloc(a->out_cap, sizeof(*a->out));
	if (!a->out) {
		blk_asm_free(a);
		return -ENOMEM;
	}
	return 0;
}

void blk_asm_free(struct blk_asm *a)
{
	free(a->pend);
	free(a->bucket);
	free(a->fifo);
	free(a->out);
	memset(a, 0, sizeof(*a));
}

static inline uint32_t key_hash(const struct blk_asm *a, uint32_t dev, uint64_t sector, bool ranged)
{
	uint64_t h = sector * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)dev << 1 | ranged) * 0xc2b2ae3d27d4eb4fULL;
	return (uint32_t)(h >> 32) & (a->nbucket - 1);
}

static void pend_unlink(struct blk_asm *a, uint32_t n)
{
	struct blk_pend *p = &a->pend[n];
	uint32_t *link = &a->bucket[key_hash(a, p->dev, p->sector, p->ranged)];

	while (*link != NIL && *link != n)
		link = &a->pend[*link].next;
	if (*link == n)
		*link = p->next;
	p->live = 0;
	p->gen++;
	p->next = a->pend_free;
	a->pend_free = n;
}

/* Oldest live dispatch with this key (chains keep insertion order). */
static uint32_t pend_find(struct blk_asm *a, uint32_t dev, uint64_t sector, bool ranged)
{
	for (uint32_t n = a->bucket[key_hash(a, dev, sector, ranged)]; n != NIL; n = a->pend[n].next) {
		const struct blk_pend *p = &a->pend[n];
		if (p->dev == dev && p->sector == sector && p->ranged == ranged)
			return n;
	}
	return NIL;
}

static void out_force(struct blk_asm *a, struct trc *t, struct blk_out *o)
{
	if (!o->done) {
		o->done = true;
		o->rec.latency_ns = -1;
		t->counts.unpaired++;
		if (o->pend != NIL) {
			pend_unlink(a, o->pend);
			o->pend = NIL;
		}
	}
}

/* Drop the FIFO entries of nodes that are gone (paired or evicted). */
static void fifo_compact(struct blk_asm *a)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < a->fifo_count; i++) {
		uint64_t f = a->fifo[(a->fifo_head + i) % a->fifo_cap];
		uint32_t node = (uint32_t)(f >> 32);
		if (a->pend[node].live && a->pend[node].gen == (uint32_t)f)
			a->fifo[(a->fifo_head + n++) % a->fifo_cap] = f;
	}
	a->fifo_count = n;
}

/* Double the pool of pending dispatches (rare: only when more are in flight than ever). */
static bool pend_grow(struct blk_asm *a)
{
	uint32_t n = a->npend * 2;

	if (a->npend >= PEND_MAX)
		return false;
	struct blk_pend *np = realloc(a->pend, n * sizeof(*np));
	uint32_t *nb = malloc(n * 2 * sizeof(*nb));
	uint64_t *nf = malloc(n * 4 * sizeof(*nf));
	if (!np || !nb || !nf) {
		if (np)
			a->pend = np;
		free(nb);
		free(nf);
		return false;
	}
	a->pend = np;
	memset(a->pend + a->npend, 0, (n - a->npend) * sizeof(*np));
	for (uint32_t i = a->npend; i < n; i++)
		a->pend[i].next = i + 1 < n ? i + 1 : a->pend_free;
	a->pend_free = a->npend;
	/* Rebuild the chains in FIFO order, which is insertion order: equal keys stay oldest
	 * first. Every live node has its FIFO entry. */
	for (uint32_t i = 0; i < a->fifo_count; i++)
		nf[i] = a->fifo[(a->fifo_head + i) % a->fifo_cap];
	free(a->fifo);
	free(a->bucket);
	a->fifo = nf;
	a->fifo_cap = n * 4;
	a->fifo_head = 0;
	a->bucket = nb;
	a->nbucket = n * 2;
	a->npend = n;
	for (uint32_t i = 0; i < a->nbucket; i++)
		a->bucket[i] = NIL;
	for (uint32_t i = 0; i < a->fifo_count; i++) {
		uint32_t node = (uint32_t)(a->fifo[i] >> 32);
		struct blk_pend *p = &a->pend[node];
		if (!p->live || p->gen != (uint32_t)a->fifo[i])
			continue;
		p->next = NIL;
		uint32_t *link = &a->bucket[key_hash(a, p->dev, p->sector, p->ranged)];
		while (*link != NIL)
			link = &a->pend[*link].next;
		*link = node;
	}
	return true;
}

/* D mode: double the queue of records waiting for their completion. */
static bool out_grow(struct blk_asm *a)
{
	uint32_t cap = (a->out_cap - 1) * 2 + 1;

	if (a->event != 'D' || a->out_cap >= PEND_MAX + 1)
		return false;
	struct blk_out *no = calloc(cap, sizeof(*no));
	if (!no)
		return false;
	for (uint32_t i = 0; i < a->out_count; i++) {
		no[i] = a->out[(a->out_head + i) % a->out_cap];
		if (no[i].pend != NIL)
			a->pend[no[i].pend].slot = i;
	}
	free(a->out);
	a->out = no;
	a->out_cap = cap;
	a->out_head = 0;
	return true;
}

static uint32_t pend_insert(struct blk_asm *a, struct trc *t, uint32_t dev, uint64_t sector,
			    bool ranged, uint64_t time_ns)
{
	if (a->fifo_count == a->fifo_cap)
		fifo_compact(a);
	if (a->pend_free == NIL)
		pend_grow(a);
	/* Still no room: evict the oldest live dispatch (its completion never came). */
	while (a->pend_free == NIL || a->fifo_count == a->fifo_cap) {
		uint64_t f = a->fifo[a->fifo_head];
		uint32_t n = (uint32_t)(f >> 32);
		a->fifo_head = (a->fifo_head + 1) % a->fifo_cap;
		a->fifo_count--;
		if (a->pend[n].live && a->pend[n].gen == (uint32_t)f) {
			if (a->event == 'D') {
				struct blk_out *o = &a->out[a->pend[n].slot];
				if (o->gen == a->pend[n].slot_gen && o->pend == n) {
					o->pend = NIL;
					out_force(a, t, o);
				}
			}
			if (a->pend[n].live)
				pend_unlink(a, n);
		}
	}
	uint32_t n = a->pend_free;
	struct blk_pend *p = &a->pend[n];
	a->pend_free = p->next;
	p->dev = dev;
	p->sector = sector;
	p->ranged = ranged;
	p->time_ns = time_ns;
	p->live = 1;
	p->next = NIL;
	/* Append at the chain's tail so that equal keys are found oldest first. */
	uint32_t *link = &a->bucket[key_hash(a, dev, sector, ranged)];
	while (*link != NIL)
		link = &a->pend[*link].next;
	*link = n;
	a->fifo[(a->fifo_head + a->fifo_count) % a->fifo_cap] = ((uint64_t)n << 32) | p->gen;
	a->fifo_count++;
	return n;
}

/* Room for one more record: the parsers pop every ready record before feeding the next event,
 * so only D mode, whose records wait for their completion, can fill the queue. */
static struct blk_out *out_push(struct blk_asm *a, struct trc *t, const struct blk_ev *ev)
{
	if (a->out_count >= a->out_cap - 1 && !out_grow(a)) {
		/* Full: the oldest dispatch waited too long; hand it out without a latency (it is
		 * popped before this one, the ring holds out_cap entries). */
		out_force(a, t, &a->out[a->out_head]);
	}
	struct blk_out *o = &a->out[(a->out_head + a->out_count) % a->out_cap];
	struct trc_rec *r = &o->rec;
	a->out_count++;
	o->gen++;
	o->pend = NIL;
	o->done = true;
	o->pos = ev->pos;
	r->time_ns = ev->time_ns;
	r->dev = ev->dev;
	r->flags = ev->flags;
	/* A request without a range is sector 0, nsect 0 (an empty flush, or a zero-byte C). */
	r->sector = ev->has_range ? ev->sector : 0;
	r->nsect = ev->has_range ? ev->nsect : 0;
	r->pid = ev->pid;
	r->latency_ns = -1;
	memcpy(r->rwbs, ev->rwbs, sizeof(r->rwbs));
	if (ev->comm && ev->act != 'C')
		trc_set_comm(r, ev->comm, ev->comm_len);
	else
		r->comm[0] = '\0';
	return o;
}

/* C - D, or -1 when the completion precedes its dispatch or the gap does not fit an int64
 * (found by fuzzing: times near 2^64 made a negative latency). */
static int64_t latency(uint64_t c_ns, uint64_t d_ns)
{
	return c_ns >= d_ns && c_ns - d_ns <= (uint64_t)INT64_MAX ? (int64_t)(c_ns - d_ns) : -1;
}

static void observe(struct trc *t, const struct blk_ev *ev)
{
	if (!blk_obs_act(ev->act) || (t->has_device && ev->dev != t->device))
		return;
	struct trc_event e = {
		.time_ns = ev->time_ns,
		.sector = ev->has_range ? ev->sector : 0,
		.nsect = ev->has_range ? ev->nsect : 0,
		.dev = ev->dev,
		.pid = ev->pid,
		.flags = ev->flags,
		.act = ev->act,
		.comm = ev->act == 'C' ? NULL : ev->comm,
		.comm_len = ev->act == 'C' ? 0 : ev->comm_len,
	};
	if (ev->act == 'X') {
		/* blkparse prints "sector / split_sector" for a split, no size */
		e.sector = ev->sector;
		e.nsect = 0;
		e.split_sector = ev->remap_sector;
	}
	t->opts.on_event(t->opts.event_ctx, &e);
}

void blk_asm_feed(struct blk_asm *a, struct trc *t, const struct blk_ev *ev)
{
	if (t->scan) {
		if (ev->act == a->event)
			trc_devset_add(t->devset, ev->dev, NULL);
		else if (ev->act == 'A')
			trc_devset_add_remap(t->devset, ev->remap_from, ev->dev);
		return;
	}
	if (t->opts.on_event)
		observe(t, ev);
	if (ev->extra) {
		t->counts.skipped_lines++; /* as when nobody wanted it */
		return;
	}
	if (ev->act == 'A')
		trc_note_remap(t, ev->remap_from, ev->dev);
	if (t->has_device && ev->dev != t->device) {
		if (ev->act == 'A' && ev->remap_from == t->device) {
			t->nr_remapped_away++;
			t->remapped_to = ev->dev;
		}
		if (ev->act == a->event)
			t->counts.skipped_other_dev++;
		else
			t->counts.skipped_lines++;
		return;
	}
	switch (ev->act) {
	case 'A':
		/* The remapped request shows up again as a Q on this device: count it there only. */
		t->counts.remaps++;
		return;
	case 'R':
		t->counts.requeues++;
		if (a->event != 'Q') {
			uint32_t n = pend_find(a, ev->dev, ev->has_range ? ev->sector : 0, ev->has_range);
			if (n != NIL) {
				if (a->event == 'D') {
					struct blk_out *o = &a->out[a->pend[n].slot];
					if (o->gen == a->pend[n].slot_gen && o->pend == n) {
						o->pend = NIL;
						out_force(a, t, o);
						t->counts.unpaired--; /* counted as a requeue instead */
					}
				}
				if (a->pend[n].live)
					pend_unlink(a, n);
			}
		}
		return;
	default:
		break;
	}

	if (a->event == 'Q') {
		if (ev->act == 'Q')
			out_push(a, t, ev);
		else
			t->counts.skipped_lines++;
		return;
	}
	if (a->event == 'D') {
		if (ev->act == 'D') {
			struct blk_out *o = out_push(a, t, ev);
			o->done = false;
			uint32_t slot = (uint32_t)(o - a->out);
			uint32_t n = pend_insert(a, t, ev->dev, ev->has_range ? ev->sector : 0,
						 ev->has_range, ev->time_ns);
			a->pend[n].slot = slot;
			a->pend[n].slot_gen = o->gen;
			o->pend = n;
		} else if (ev->act == 'C') {
			t->counts.skipped_lines++;
			uint32_t n = pend_find(a, ev->dev, ev->sector, ev->has_range);
			if (n == NIL)
				return;
			struct blk_out *o = &a->out[a->pend[n].slot];
			if (o->gen == a->pend[n].slot_gen && o->pend == n) {
				o->rec.latency_ns = latency(ev->time_ns, a->pend[n].time_ns);
				if (o->rec.latency_ns < 0)
					t->counts.unpaired++;
				o->done = true;
				o->pend = NIL;
			}
			pend_unlink(a, n);
		} else {
			t->counts.skipped_lines++;
		}
		return;
	}
	/* C mode */
	if (ev->act == 'D') {
		t->counts.skipped_lines++;
		pend_insert(a, t, ev->dev, ev->has_range ? ev->sector : 0, ev->has_range, ev->time_ns);
	} else if (ev->act == 'C') {
		struct blk_out *o = out_push(a, t, ev);
		uint32_t n = pend_find(a, ev->dev, ev->sector, ev->has_range);
		if (n != NIL) {
			o->rec.latency_ns = latency(ev->time_ns, a->pend[n].time_ns);
			if (o->rec.latency_ns < 0)
				t->counts.unpaired++;
			pend_unlink(a, n);
		} else {
			t->counts.unpaired++;
		}
	} else {
		t->counts.skipped_lines++;
	}
}

bool blk_asm_pop(struct blk_asm *a, struct trc *t, struct trc_rec *rec, bool drain)
{
	if (!a->out_count)
		return false;
	struct blk_out *o = &a->out[a->out_head];
	if (!o->done) {
		if (!drain)
			return false;
		out_force(a, t, o);
	}
	*rec = o->rec;
	t->pos = o->pos;
	o->gen++;
	a->out_head = (a->out_head + 1) % a->out_cap;
	a->out_count--;
	return true;
}
