// SPDX-License-Identifier: GPL-2.0
/* des.c - a binary min-heap of events keyed by (time, class, scheduling sequence). */
#include "sim/des.h"

#include <errno.h>
#include <stdlib.h>

int des_init(struct des *q, void *ctx)
{
	q->cap = 1024;
	q->nr = 0;
	q->lanes_mask = 0;
	for (int i = 0; i <= DES_LANES; i++)
		q->lane[i] = (struct des_lane){0};
	q->now_ns = 0;
	q->seq = 0;
	q->ctx = ctx;
	q->heap = malloc(q->cap * sizeof(*q->heap));
	return q->heap ? 0 : -ENOMEM;
}

void des_fini(struct des *q)
{
	free(q->heap);
	q->heap = NULL;
	q->nr = q->cap = 0;
	for (int i = 0; i <= DES_LANES; i++) {
		free(q->lane[i].ring);
		q->lane[i] = (struct des_lane){0};
	}
	q->lanes_mask = 0;
}

static inline int ev_less(const struct des_event *a, const struct des_event *b)
{
	return a->time_ns < b->time_ns || (a->time_ns == b->time_ns && a->order < b->order);
}

static int des_heap_push(struct des *q, uint64_t time_ns, enum des_class cls, des_fn fn, void *arg)
{
	if (q->nr == q->cap) {
		struct des_event *h = realloc(q->heap, 2 * q->cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		q->heap = h;
		q->cap *= 2;
	}
	struct des_event ev = {time_ns, ((uint64_t)cls << 62) | q->seq++, fn, arg};
	size_t i = q->nr++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!ev_less(&ev, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = ev;
	return 0;
}

/* Append to lane (any, DES_LANE_NOW included) if that keeps it in order, else to the heap. */
static int des_lane_push(struct des *q, unsigned lane, uint64_t time_ns, enum des_class cls,
			 des_fn fn, void *arg)
{
	struct des_lane *l = &q->lane[lane];

	if (l->last_ns > time_ns)
		return des_heap_push(q, time_ns, cls, fn, arg);
	if (l->tail - l->head == l->cap) {
		size_t nr = l->tail - l->head, cap = l->cap ? 2 * l->cap : 256;
		struct des_event *r = malloc(cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		for (size_t i = 0; i < nr; i++)
			r[i] = l->ring[(l->head + i) & l->mask];
		free(l->ring);
		l->ring = r;
		l->top = r;
		l->cap = cap;
		l->mask = cap - 1;
		l->head = 0;
		l->tail = nr;
	}
	des_lane_append(q, lane, time_ns, cls, fn, arg);
	return 0;
}

int des_schedule(struct des *q, uint64_t time_ns, enum des_class cls, des_fn fn, void *arg)
{
	if (time_ns == q->now_ns && cls == DES_CLASS_COMPLETION)
		return des_lane_push(q, DES_LANE_NOW, time_ns, cls, fn, arg);
	return des_heap_push(q, time_ns, cls, fn, arg);
}

int des_schedule_lane_slow(struct des *q, unsigned lane, uint64_t time_ns, enum des_class cls,
			   des_fn fn, void *arg)
{
	if (lane >= DES_LANES || cls != DES_CLASS_COMPLETION)
		return des_schedule(q, time_ns, cls, fn, arg);
	if (time_ns == q->now_ns)
		lane = DES_LANE_NOW;
	return des_lane_push(q, lane, time_ns, cls, fn, arg);
}

/* The earliest of the heap's top and the non-empty lanes' heads: NULL when empty;
 * *lane_out = -1 for the heap. The best key so far is held in registers (with several lanes
 * not empty, the models' case, this loop was the largest part of the queue's cost). */
static inline const struct des_event *des_peek(const struct des *q, int *lane_out)
{
	const struct des_event *best = NULL;
	uint64_t bt = UINT64_MAX, bo = UINT64_MAX;
	int lane = -1;
	unsigned m = q->lanes_mask;

	/* only completions of this instant (devices that take no time): the now lane's head */
	if (m == 1u << DES_LANE_NOW && !q->nr) {
		*lane_out = DES_LANE_NOW;
		return q->lane[DES_LANE_NOW].top;
	}
	if (q->nr) {
		best = &q->heap[0];
		bt = best->time_ns;
		bo = best->order;
	}
	for (; m; m &= m - 1) {
		int i = __builtin_ctz(m);
		const struct des_event *e = q->lane[i].top;
		/* no event has order UINT64_MAX (class bit 62 and a sequence below 2^62): the
		 * first lane always beats the empty start */
		if (e->time_ns < bt || (e->time_ns == bt && e->order < bo)) {
			best = e;
			bt = e->time_ns;
			bo = e->order;
			lane = i;
		}
	}
	*lane_out = lane;
	return best;
}

uint64_t des_next_time(const struct des *q)
{
	int lane;
	const struct des_event *e = des_peek(q, &lane);

	return e ? e->time_ns : UINT64_MAX;
}

/* Remove the head of lane (which des_peek chose) and run it. */
static inline void des_lane_pop_run(struct des *q, unsigned lane)
{
	struct des_lane *l = &q->lane[lane];
	struct des_event ev = *l->top;

	l->top = &l->ring[++l->head & l->mask];
	if (l->head == l->tail)
		q->lanes_mask &= ~(1u << lane);
	q->now_ns = ev.time_ns;
	ev.fn(q->ctx, ev.arg, ev.time_ns);
}

/* Remove the heap's top (which des_peek chose) and run it. Out of line: the callers inline
 * the lane's pop, the common case, without the heap's registers to save. */
static __attribute__((noinline)) void des_heap_pop_run(struct des *q)
{
	struct des_event top = q->heap[0];
	struct des_event last = q->heap[--q->nr];
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const struct des_event *cand = &last;
		if (l < q->nr && ev_less(&q->heap[l], cand)) {
			m = l;
			cand = &q->heap[l];
		}
		if (r < q->nr && ev_less(&q->heap[r], cand))
			m = r;
		if (m == i)
			break;
		q->heap[i] = q->heap[m];
		i = m;
	}
	if (q->nr)
		q->heap[i] = last;
	q->now_ns = top.time_ns;
	top.fn(q->ctx, top.arg, top.time_ns);
}

/* Remove e (what des_peek returned, from lane or the heap) and run it. */
static inline __attribute__((always_inline)) void des_pop_run(struct des *q, int lane)
{
	if (lane >= 0)
		des_lane_pop_run(q, (unsigned)lane);
	else
		des_heap_pop_run(q);
}

bool des_run_next(struct des *q)
{
	int lane;
	const struct des_event *e = des_peek(q, &lane);

	if (!e)
		return false;
	des_pop_run(q, lane);
	return true;
}

void des_run_until_scan(struct des *q, uint64_t time_ns)
{
	for (;;) {
		int lane;
		const struct des_event *e;

		/* zero-latency devices: every event is in the now lane, at the current instant */
		if (q->lanes_mask == 1u << DES_LANE_NOW && !q->nr) {
			if (q->lane[DES_LANE_NOW].top->time_ns > time_ns)
				return;
			des_lane_pop_run(q, DES_LANE_NOW);
			continue;
		}
		e = des_peek(q, &lane);
		if (!e || e->time_ns > time_ns)
			return;
		des_pop_run(q, lane);
	}
}
