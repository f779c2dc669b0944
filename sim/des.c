// SPDX-License-Identifier: GPL-2.0
/* des.c - the event queue: FIFO lanes and a binary min-heap, keyed by (time, class, sequence),
 * their first events in a list sorted by key (des.h). */
#include "sim/des.h"

#include <errno.h>
#include <stdlib.h>

int des_init(struct des *q, void *ctx)
{
	q->cap = 1024;
	q->nr = 0;
	for (int i = 0; i <= DES_LANES; i++) {
		q->lane[i] = (struct des_lane){0};
		q->top[i] = NULL;
	}
	for (int i = 0; i <= DES_SRC_HEAD; i++)
		q->link[i] = DES_SRC_END;
	q->now_ns = 0;
	q->seq = 0;
	q->ctx = ctx;
	q->heap = malloc(q->cap * sizeof(*q->heap));
	q->top[DES_SRC_HEAP] = q->heap;
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
		q->top[i] = NULL;
	}
	q->top[DES_SRC_HEAP] = NULL;
	for (int i = 0; i <= DES_SRC_HEAD; i++)
		q->link[i] = DES_SRC_END;
}

/* Take source s out of the sorted list (wherever it is). */
static void des_src_remove(struct des *q, unsigned s)
{
	unsigned i = DES_SRC_HEAD;

	while (q->link[i] != s)
		i = q->link[i];
	q->link[i] = q->link[s];
}

static int des_heap_push(struct des *q, uint64_t time_ns, enum des_class cls, des_fn fn, void *arg)
{
	if (q->nr == q->cap) {
		struct des_event *h = realloc(q->heap, 2 * q->cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		q->heap = h;
		q->top[DES_SRC_HEAP] = h;
		q->cap *= 2;
	}
	struct des_event ev = {time_ns, ((uint64_t)cls << 62) | q->seq++, fn, arg};
	size_t i = q->nr++;
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!des_ev_less(&ev, &q->heap[parent]))
			break;
		q->heap[i] = q->heap[parent];
		i = parent;
	}
	q->heap[i] = ev;
	if (i == 0) { /* a new first event: the heap's place in the list changes */
		if (q->nr > 1)
			des_src_remove(q, DES_SRC_HEAP);
		des_src_insert_after(q, DES_SRC_HEAD, DES_SRC_HEAP, q->heap);
	}
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
		q->top[lane] = r;
		l->cap = cap;
		l->mask = cap - 1;
		l->head = 0;
		l->tail = nr;
	}
	des_lane_append(q, lane, time_ns, cls, fn, arg);
	return 0;
}

int des_schedule_slow(struct des *q, uint64_t time_ns, enum des_class cls, des_fn fn, void *arg)
{
	if (time_ns == q->now_ns && cls == DES_CLASS_COMPLETION)
		return des_lane_push(q, DES_LANE_NOW, time_ns, cls, fn, arg);
	return des_heap_push(q, time_ns, cls, fn, arg);
}

int des_schedule_lane_slow(struct des *q, unsigned lane, uint64_t time_ns, enum des_class cls,
			   des_fn fn, void *arg)
{
	if (lane >= DES_LANES || cls != DES_CLASS_COMPLETION)
		return des_schedule_slow(q, time_ns, cls, fn, arg);
	if (time_ns == q->now_ns)
		lane = DES_LANE_NOW;
	return des_lane_push(q, lane, time_ns, cls, fn, arg);
}

uint64_t des_next_time(const struct des *q)
{
	unsigned s = des_pick(q);

	return s == DES_SRC_END ? UINT64_MAX : q->top[s]->time_ns;
}

/* des_heap_pop_run's sift: the heap's top (the list's first source) removed and run, with
 * other events left in the heap. */
__attribute__((noinline)) void des_heap_pop_run_sift(struct des *q)
{
	struct des_event top = q->heap[0];

	q->link[DES_SRC_HEAD] = q->link[DES_SRC_HEAP];
	if (--q->nr) {
		struct des_event last = q->heap[q->nr];
		size_t i = 0, c, nr = q->nr;

		while ((c = 2 * i + 1) < nr) {
			if (c + 1 < nr && des_ev_less(&q->heap[c + 1], &q->heap[c]))
				c++;
			if (!des_ev_less(&q->heap[c], &last))
				break;
			q->heap[i] = q->heap[c];
			i = c;
		}
		q->heap[i] = last;
		des_src_insert_after(q, DES_SRC_HEAD, DES_SRC_HEAP, q->heap);
	}
	q->now_ns = top.time_ns;
	top.fn(q->ctx, top.arg, top.time_ns);
}

void des_run_until_scan(struct des *q, uint64_t time_ns)
{
	for (;;) {
		unsigned s = des_pick(q);

		if (s == DES_SRC_END || q->top[s]->time_ns > time_ns)
			return;
		des_pop_run(q, s);
	}
}
