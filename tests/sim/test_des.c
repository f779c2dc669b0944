// SPDX-License-Identifier: GPL-2.0
/*
 * test_des.c - the event queue runs events in (time, class, scheduling order) whatever structure
 * holds them: the heap, a caller's lane (in order or not), or the queue's own lane for the
 * current instant. A seeded GSL generator drives handlers that schedule more events the way the
 * simulator does (completions at the current instant, at constant delays, out of order, an
 * arrival now and then); every run is checked against a reference that picks the minimum of
 * all pending events by brute force.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "sim/des.h"
#include "tests/lib/cm_main.h"

#define MAX_EV 20000

struct ref_ev {
	uint64_t time, cls, seq;
	bool pending;
};

struct world {
	struct des q;
	gsl_rng *rng;
	struct ref_ev ref[MAX_EV];
	size_t nr_ref;
	uint64_t seq;
	size_t nr_run, bad;
	bool zero_only; /* every event at the current instant (the zero-latency simulator) */
};

static void handler(void *ctx, void *arg, uint64_t now);

/* Schedule one event the way a random source would, and record it in the reference. */
static void add(struct world *w, uint64_t now)
{
	uint64_t at = now;
	enum des_class cls = DES_CLASS_COMPLETION;
	unsigned kind = (unsigned)gsl_rng_uniform_int(w->rng, w->zero_only ? 2 : 6);
	int rc;

	if (w->nr_ref == MAX_EV)
		return;
	if (!w->zero_only) {
		unsigned d = (unsigned)gsl_rng_uniform_int(w->rng, 4);
		at = now + (d == 0   ? 0
			    : d == 1 ? 100
			    : d == 2 ? 1000
				     : gsl_rng_uniform_int(w->rng, 5000));
		if (gsl_rng_uniform_int(w->rng, 10) == 0)
			cls = DES_CLASS_ARRIVAL;
	}
	struct ref_ev *r = &w->ref[w->nr_ref];
	*r = (struct ref_ev){at, cls, w->seq++, true};
	if (kind == 0)
		rc = des_schedule(&w->q, at, cls, handler, (void *)(uintptr_t)w->nr_ref);
	else
		rc = des_schedule_lane(&w->q, kind - 1 < DES_LANES ? kind - 1 : DES_LANES, at, cls,
				       handler, (void *)(uintptr_t)w->nr_ref);
	assert_int_equal(rc, 0);
	w->nr_ref++;
}

static void handler(void *ctx, void *arg, uint64_t now)
{
	struct world *w = ctx;
	size_t id = (uintptr_t)arg, best = SIZE_MAX;

	/* the reference: the pending event with the least (time, class, sequence) */
	for (size_t i = 0; i < w->nr_ref; i++) {
		const struct ref_ev *e = &w->ref[i];
		if (!e->pending)
			continue;
		if (best == SIZE_MAX || e->time < w->ref[best].time ||
		    (e->time == w->ref[best].time &&
		     (e->cls < w->ref[best].cls ||
		      (e->cls == w->ref[best].cls && e->seq < w->ref[best].seq))))
			best = i;
	}
	if (best != id || now != w->ref[id].time || w->q.now_ns != now)
		w->bad++;
	w->ref[id].pending = false;
	w->nr_run++;
	/* a completion often causes more work: 0 to 2 new events */
	for (unsigned k = (unsigned)gsl_rng_uniform_int(w->rng, 3); k; k--)
		add(w, now);
}

static void run_world(bool zero_only, unsigned long seed)
{
	struct world *w = calloc(1, sizeof(*w));

	assert_non_null(w);
	w->zero_only = zero_only;
	w->rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(w->rng, seed);
	assert_int_equal(des_init(&w->q, w), 0);
	/* arrivals from outside the handlers, as sim_run does: run up to a time, then add */
	for (uint64_t t = 0; w->nr_ref < MAX_EV - 16; t += 500) {
		des_run_until(&w->q, t);
		if (w->q.now_ns < t)
			w->q.now_ns = t; /* what sim_run does before an arrival */
		for (unsigned k = 1 + (unsigned)gsl_rng_uniform_int(w->rng, 3); k; k--)
			add(w, w->q.now_ns);
	}
	while (des_run_next(&w->q))
		;
	assert_int_equal(w->bad, 0);
	assert_int_equal(w->nr_run, w->nr_ref);
	assert_true(des_empty(&w->q));
	des_fini(&w->q);
	gsl_rng_free(w->rng);
	free(w);
}

static void test_mixed_order(void **state)
{
	(void)state;
	for (unsigned long seed = 1; seed <= 4; seed++)
		run_world(false, seed);
}

static void test_zero_latency_order(void **state)
{
	(void)state;
	for (unsigned long seed = 11; seed <= 14; seed++)
		run_world(true, seed);
}

/* Events of the current instant run after earlier-scheduled events of the same instant that
 * sit in another lane or the heap (the now lane is compared, not run first). */
static int order[8], nr_order;
static void rec(void *ctx, void *arg, uint64_t now)
{
	(void)ctx;
	(void)now;
	order[nr_order++] = (int)(uintptr_t)arg;
}

static void test_now_lane_waits_its_turn(void **state)
{
	struct des q;

	(void)state;
	nr_order = 0;
	assert_int_equal(des_init(&q, NULL), 0);
	assert_int_equal(des_schedule_lane(&q, 2, 100, DES_CLASS_COMPLETION, rec, (void *)1), 0);
	assert_int_equal(des_schedule(&q, 100, DES_CLASS_COMPLETION, rec, (void *)2), 0);
	q.now_ns = 100; /* the instant comes: these two were scheduled before it */
	assert_int_equal(des_schedule(&q, 100, DES_CLASS_COMPLETION, rec, (void *)3), 0);
	assert_int_equal(des_schedule_lane(&q, 0, 100, DES_CLASS_COMPLETION, rec, (void *)4), 0);
	assert_int_equal(des_schedule(&q, 100, DES_CLASS_ARRIVAL, rec, (void *)5), 0);
	assert_int_equal(des_schedule_lane(&q, 1, 100, DES_CLASS_COMPLETION, rec, (void *)6), 0);
	while (des_run_next(&q))
		;
	assert_int_equal(nr_order, 6);
	for (int i = 0; i < 6; i++)
		assert_int_equal(order[i], i < 4 ? i + 1 : i == 4 ? 6 : 5);
	des_fini(&q);
}

CM_MAIN(UT(test_mixed_order), UT(test_zero_latency_order), UT(test_now_lane_waits_its_turn));
