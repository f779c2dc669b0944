/* SPDX-License-Identifier: GPL-2.0 */
/* des.h - the discrete-event queue: events ordered by (time, class, scheduling order). */
#ifndef SSDCACHE_DES_H
#define SSDCACHE_DES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * docs/engine.md §0.4 rule 1: events run in time order; at equal times class 0 (device and dm_io
 * completions, worker runs) before class 1 (trace arrivals); within a class in the order they
 * were scheduled. Each handler runs to completion. The heap grows on demand (amortised; the
 * steady state does not allocate).
 */

enum des_class { DES_CLASS_COMPLETION = 0, DES_CLASS_ARRIVAL = 1 };

typedef void (*des_fn)(void *ctx, void *arg, uint64_t now_ns);

struct des_event {
	uint64_t time_ns;
	uint64_t order; /* class << 62 | scheduling sequence: no two events have the same */
	des_fn fn;
	void *arg;
};

/* a before b in (time, order): one 128-bit comparison (every key differs: a total order, so
 * whatever holds the events, they run in the same order) */
static inline bool des_ev_less(const struct des_event *a, const struct des_event *b)
{
	__extension__ typedef unsigned __int128 des_key;

	return ((des_key)a->time_ns << 64 | a->order) < ((des_key)b->time_ns << 64 | b->order);
}

/* A lane: events a caller schedules in nondecreasing time (a device with constant latency,
 * the worker at now + delay) are kept in FIFO order, O(1) instead of the heap's O(log n).
 * head and tail run free (the ring index is their low bits): tail - head events are in it. */
struct des_lane {
	struct des_event *ring;
	size_t head, tail, cap, mask; /* mask = cap - 1 (cap a power of two, or 0) */
	uint64_t last_ns; /* time of the latest event appended (stays when the lane empties); the
			   * now lane's stays 0 (its events are never after the current instant) */
};

#define DES_LANES 8
/*
 * One more lane, the queue's own: completions scheduled for the current instant (a device that
 * takes no time, the worker without delay). They are in time and scheduling order by
 * construction, and with zero-latency devices every event is one.
 */
#define DES_LANE_NOW DES_LANES
/*
 * The sources of events: the lanes (DES_LANE_NOW included) and the heap. The sources other than
 * the now lane that hold events are kept in a list sorted by their first event (link[] from
 * DES_SRC_HEAD, ending at DES_SRC_END): the next event is the list's first source's or the now
 * lane's, one comparison. A source's first event changes when it is taken (it is put back in
 * its place, usually near the front) or when an empty source receives one (put in its place);
 * a lane's append to a lane that holds events changes nothing (its first event stays).
 */
#define DES_SRC_HEAP (DES_LANES + 1)
#define DES_SRC_HEAD (DES_LANES + 2)
#define DES_SRC_END 0xffu

struct des {
	/* first event of each source: a lane's &ring[head & mask] (an empty lane's is where its
	 * next event goes), the heap's its array */
	const struct des_event *top[DES_LANES + 2];
	unsigned char link[DES_LANES + 3];
	struct des_event *heap;
	size_t nr, cap;
	struct des_lane lane[DES_LANES + 1];
	uint64_t now_ns;
	uint64_t seq;
	void *ctx; /* passed to every handler */
};

int des_init(struct des *q, void *ctx);
void des_fini(struct des *q);
/* des_schedule past its inline part (the heap, or a now lane without room). */
int des_schedule_slow(struct des *q, uint64_t time_ns, enum des_class cls, des_fn fn, void *arg);
/* The same through lane (0..DES_LANES-1): kept in FIFO order if time_ns is not before the
 * lane's last event, otherwise put in the heap; a completion for the current instant goes to
 * DES_LANE_NOW instead. Lanes hold completions only (an arrival goes to the heap: at equal
 * times it must run after completions scheduled later). The order is the same either way
 * (every event carries its (time, class, sequence) key, and the queue takes the least). */
int des_schedule_lane_slow(struct des *q, unsigned lane, uint64_t time_ns, enum des_class cls,
			   des_fn fn, void *arg);

/* Put source s (not the now lane), whose first event is e, in its place in the sorted list,
 * looking from the source after link index i (whose first event is before e). */
static inline void des_src_insert_after(struct des *q, unsigned i, unsigned s,
					const struct des_event *e)
{
	unsigned n;

	while ((n = q->link[i]) != DES_SRC_END && des_ev_less(q->top[n], e))
		i = n;
	q->link[s] = (unsigned char)n;
	q->link[i] = (unsigned char)s;
}

/* Append to a lane with room (the caller checked the order): des_schedule_lane and des.c. */
static inline void des_lane_append(struct des *q, unsigned lane, uint64_t time_ns,
				   enum des_class cls, des_fn fn, void *arg)
{
	struct des_lane *l = &q->lane[lane];
	bool was_empty = l->head == l->tail;
	struct des_event *e = &l->ring[l->tail++ & l->mask];

	*e = (struct des_event){time_ns, ((uint64_t)cls << 62) | q->seq++, fn, arg};
	if (lane != DES_LANE_NOW) {
		l->last_ns = time_ns;
		if (was_empty)
			des_src_insert_after(q, DES_SRC_HEAD, lane, e);
	}
}
static inline int des_schedule_lane(struct des *q, unsigned lane, uint64_t time_ns, enum des_class cls,
				    des_fn fn, void *arg)
{
	struct des_lane *l;

	if (lane >= DES_LANES || cls != DES_CLASS_COMPLETION)
		return des_schedule_lane_slow(q, lane, time_ns, cls, fn, arg);
	if (time_ns == q->now_ns) {
		/* the now lane's events are all at now (the clock never goes back, and they run
		 * before it moves on): its last event is never later, only its room is checked */
		l = &q->lane[DES_LANE_NOW];
		if (l->tail - l->head == l->cap)
			return des_schedule_lane_slow(q, lane, time_ns, cls, fn, arg);
		des_lane_append(q, DES_LANE_NOW, time_ns, cls, fn, arg);
		return 0;
	}
	l = &q->lane[lane];
	/* the common case inline: a lane with room whose last event is not later (an empty
	 * lane whose last event was later sends this one to the heap: the same order) */
	if (l->tail - l->head == l->cap || l->last_ns > time_ns)
		return des_schedule_lane_slow(q, lane, time_ns, cls, fn, arg);
	des_lane_append(q, lane, time_ns, cls, fn, arg);
	return 0;
}
/* des_schedule_lane of a completion for the current instant (the now lane), for a caller that
 * knows the time is now: the lane's room is the only check. */
static inline int des_schedule_now(struct des *q, des_fn fn, void *arg)
{
	struct des_lane *l = &q->lane[DES_LANE_NOW];

	if (l->tail - l->head == l->cap)
		return des_schedule_lane_slow(q, DES_LANE_NOW, q->now_ns, DES_CLASS_COMPLETION, fn, arg);
	des_lane_append(q, DES_LANE_NOW, q->now_ns, DES_CLASS_COMPLETION, fn, arg);
	return 0;
}
/* The heap's push when it is empty (and has room): the event is its first, the heap takes its
 * place in the sorted list. A device's timer, the heap's usual event, finds it so. */
static inline void des_heap_push_first(struct des *q, uint64_t time_ns, enum des_class cls,
				       des_fn fn, void *arg)
{
	q->heap[0] = (struct des_event){time_ns, ((uint64_t)cls << 62) | q->seq++, fn, arg};
	q->nr = 1;
	des_src_insert_after(q, DES_SRC_HEAD, DES_SRC_HEAP, q->heap);
}
/* Schedule fn(ctx, arg, time) at time_ns (>= now). Returns 0 or -ENOMEM. Inline: a completion
 * for the current instant (a device model's done now) goes to the now lane with room, any
 * other event to an empty heap with room. */
static inline int des_schedule(struct des *q, uint64_t time_ns, enum des_class cls, des_fn fn,
			       void *arg)
{
	const struct des_lane *l = &q->lane[DES_LANE_NOW];

	if (time_ns != q->now_ns || cls != DES_CLASS_COMPLETION) {
		if (q->nr || !q->cap)
			return des_schedule_slow(q, time_ns, cls, fn, arg);
		des_heap_push_first(q, time_ns, cls, fn, arg);
		return 0;
	}
	if (l->tail - l->head == l->cap)
		return des_schedule_slow(q, time_ns, cls, fn, arg);
	des_lane_append(q, DES_LANE_NOW, time_ns, cls, fn, arg);
	return 0;
}

/* The source of the next event: the now lane, the list's first source, or DES_SRC_END when
 * the queue is empty. */
static inline unsigned des_pick(const struct des *q)
{
	unsigned s = q->link[DES_SRC_HEAD];
	const struct des_lane *n = &q->lane[DES_LANE_NOW];

	if (n->head != n->tail && (s == DES_SRC_END || des_ev_less(q->top[DES_LANE_NOW], q->top[s])))
		return DES_LANE_NOW;
	return s;
}

/* Remove the first event of lane (which des_pick chose) and run it. A lane other than the now
 * lane is the list's first: it stays there if its next event is still before the second's. */
static inline __attribute__((always_inline)) void des_lane_pop_run(struct des *q, unsigned lane)
{
	struct des_lane *l = &q->lane[lane];
	struct des_event ev = *q->top[lane];
	const struct des_event *e = &l->ring[++l->head & l->mask];

	q->top[lane] = e;
	if (lane != DES_LANE_NOW) {
		unsigned second = q->link[lane];

		if (l->head == l->tail) {
			q->link[DES_SRC_HEAD] = (unsigned char)second;
		} else if (second != DES_SRC_END && des_ev_less(q->top[second], e)) {
			q->link[DES_SRC_HEAD] = (unsigned char)second;
			des_src_insert_after(q, second, lane, e);
		}
	}
	q->now_ns = ev.time_ns;
	ev.fn(q->ctx, ev.arg, ev.time_ns);
}

/* des_heap_pop_run with more than one event in the heap (des.c: the sift). */
void des_heap_pop_run_sift(struct des *q);
/* Remove the heap's top (the list's first source) and run it. Inline: its only event (the
 * usual case, a device's timer), which leaves nothing to sift. */
static inline __attribute__((always_inline)) void des_heap_pop_run(struct des *q)
{
	struct des_event top;

	if (q->nr != 1) {
		des_heap_pop_run_sift(q);
		return;
	}
	top = q->heap[0];
	q->link[DES_SRC_HEAD] = q->link[DES_SRC_HEAP];
	q->nr = 0;
	q->now_ns = top.time_ns;
	top.fn(q->ctx, top.arg, top.time_ns);
}

/* Remove the first event of source s (what des_pick returned, not DES_SRC_END) and run it. */
static inline __attribute__((always_inline)) void des_pop_run(struct des *q, unsigned s)
{
	if (s == DES_LANE_NOW)
		des_lane_pop_run(q, DES_LANE_NOW);
	else if (s == DES_SRC_HEAP)
		des_heap_pop_run(q);
	else
		des_lane_pop_run(q, s);
}

/* Time of the next event, or UINT64_MAX when empty. */
uint64_t des_next_time(const struct des *q);
/* Pop and run the next event; false when empty. Inline: the closed loop's call, once per
 * event, without a frame of its own. */
static inline __attribute__((always_inline)) bool des_run_next(struct des *q)
{
	unsigned s = des_pick(q);

	if (s == DES_SRC_END)
		return false;
	des_pop_run(q, s);
	return true;
}
/* des_run_until past its inline part: the queue holds more than the now lane. */
void des_run_until_scan(struct des *q, uint64_t time_ns);
/* Run every event at or before time_ns, in order (one look at the queue per event). Inline:
 * with zero-latency devices every event is in the now lane, at the current instant, and this
 * loop over it is the whole work (once per request, from the arrival loop). */
static inline void des_run_until(struct des *q, uint64_t time_ns)
{
	while (q->link[DES_SRC_HEAD] == DES_SRC_END) {
		struct des_lane *l = &q->lane[DES_LANE_NOW];
		struct des_event ev;

		if (l->head == l->tail)
			return;
		ev = *q->top[DES_LANE_NOW];
		if (ev.time_ns > time_ns)
			return;
		q->top[DES_LANE_NOW] = &l->ring[++l->head & l->mask];
		q->now_ns = ev.time_ns;
		ev.fn(q->ctx, ev.arg, ev.time_ns);
	}
	des_run_until_scan(q, time_ns);
}
static inline bool des_empty(const struct des *q)
{
	return q->link[DES_SRC_HEAD] == DES_SRC_END &&
	       q->lane[DES_LANE_NOW].head == q->lane[DES_LANE_NOW].tail;
}

#endif
