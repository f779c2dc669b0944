/* SPDX-License-Identifier: GPL-2.0 */
/* des.h - the discrete-event queue: one heap ordered by (time, class, scheduling order). */
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
	uint64_t order; /* class << 62 | scheduling sequence */
	des_fn fn;
	void *arg;
};

/* A lane: events a caller schedules in nondecreasing time (a device with constant latency,
 * the worker at now + delay) are kept in FIFO order, O(1) instead of the heap's O(log n).
 * head and tail run free (the ring index is their low bits): tail - head events are in it. */
struct des_lane {
	struct des_event *ring;
	/* &ring[head & mask], kept by the pop and the growth (an append leaves it: an empty lane's
	 * head slot is where its next event goes): the peek reads a lane's first event in one load */
	const struct des_event *top;
	size_t head, tail, cap, mask; /* mask = cap - 1 (cap a power of two, or 0) */
	uint64_t last_ns; /* time of the latest event appended (stays when the lane empties) */
};

#define DES_LANES 8
/*
 * One more lane, the queue's own: completions scheduled for the current instant (a device that
 * takes no time, the worker without delay). They are in time and scheduling order by
 * construction, and with zero-latency devices every event is one: the peek then looks at this
 * lane only (des_peek's fast case).
 */
#define DES_LANE_NOW DES_LANES

struct des {
	struct des_event *heap;
	size_t nr, cap;
	struct des_lane lane[DES_LANES + 1];
	unsigned lanes_mask; /* bit i: lane i is not empty (the peek looks at these only) */
	uint64_t now_ns;
	uint64_t seq;
	void *ctx; /* passed to every handler */
};

int des_init(struct des *q, void *ctx);
void des_fini(struct des *q);
/* Schedule fn(ctx, arg, time) at time_ns (>= now). Returns 0 or -ENOMEM. */
int des_schedule(struct des *q, uint64_t time_ns, enum des_class cls, des_fn fn, void *arg);
/* The same through lane (0..DES_LANES-1): kept in FIFO order if time_ns is not before the
 * lane's last event, otherwise put in the heap; a completion for the current instant goes to
 * DES_LANE_NOW instead. Lanes hold completions only (an arrival goes to the heap: at equal
 * times it must run after completions scheduled later). The order is the same either way
 * (every event carries its (time, class, sequence) key, and the peek takes the least). */
int des_schedule_lane_slow(struct des *q, unsigned lane, uint64_t time_ns, enum des_class cls,
			   des_fn fn, void *arg);
/* Append to a lane with room (the caller checked the order): des_schedule_lane and des.c. */
static inline void des_lane_append(struct des *q, unsigned lane, uint64_t time_ns,
				   enum des_class cls, des_fn fn, void *arg)
{
	struct des_lane *l = &q->lane[lane];

	l->ring[l->tail++ & l->mask] =
		(struct des_event){time_ns, ((uint64_t)cls << 62) | q->seq++, fn, arg};
	l->last_ns = time_ns;
	q->lanes_mask |= 1u << lane;
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
/* Time of the next event, or UINT64_MAX when empty. */
uint64_t des_next_time(const struct des *q);
/* Pop and run the next event; false when empty. */
bool des_run_next(struct des *q);
/* des_run_until past its inline part: the queue holds more than the now lane. */
void des_run_until_scan(struct des *q, uint64_t time_ns);
/* Run every event at or before time_ns, in order (one look at the queue per event). Inline:
 * with zero-latency devices every event is in the now lane, at the current instant, and this
 * loop over it is the whole work (once per request, from the arrival loop). */
static inline void des_run_until(struct des *q, uint64_t time_ns)
{
	while (q->lanes_mask == 1u << DES_LANE_NOW && !q->nr) {
		struct des_lane *l = &q->lane[DES_LANE_NOW];
		struct des_event ev = *l->top;

		if (ev.time_ns > time_ns)
			return;
		l->top = &l->ring[++l->head & l->mask];
		if (l->head == l->tail)
			q->lanes_mask = 0;
		q->now_ns = ev.time_ns;
		ev.fn(q->ctx, ev.arg, ev.time_ns);
	}
	if (q->nr || q->lanes_mask)
		des_run_until_scan(q, time_ns);
}
static inline bool des_empty(const struct des *q)
{
	return q->nr == 0 && q->lanes_mask == 0;
}

#endif
