// SPDX-License-Identifier: GPL-2.0
/* test_dev_solo.c - a lone model's host glue (dev_solo): completions, stale timers, errors. */
#include <errno.h>
#include <string.h>

#include "sim/dev_solo.h"
#include "tests/lib/test_main.h"

/* The host: dev_solo first, as the contract asks; its done handler records what it got. */
struct host {
	struct dev_solo s;
	int dones, fires;
	uint64_t done_at[4], fire_at[4];
	void *ctx_seen;
	struct dev_io *held; /* the command the fake model queued */
};

/*
 * A fake model whose behaviour is chosen by the command's sector: 0 completes at once 5 ns
 * later; 1 is queued and asks for a timer at +100 then at +50 (the newer one wins), and the
 * timer completes it 10 ns after it fires; 2 claims a completion 1 ns before the submission.
 */
static enum dev_q_result fake_submit(struct dev *d, struct dev_io *io, uint64_t now)
{
	struct host *h = d->env->host;

	switch (io->sector) {
	case 1:
		h->held = io;
		d->env->timer(d->env->host, d, now + 100);
		d->env->timer(d->env->host, d, now + 50);
		return DEV_Q_QUEUED;
	case 2:
		io->done_ns = now - 1;
		return DEV_Q_COMPLETED;
	default:
		io->done_ns = now + 5;
		return DEV_Q_COMPLETED;
	}
}

static void fake_timer(struct dev *d, uint64_t now)
{
	struct host *h = d->env->host;

	h->fire_at[h->fires++] = now;
	d->env->complete(d->env->host, h->held, now + 10);
}

static const struct dev_ops fake_ops = {.name = "fake", .submit = fake_submit, .timer = fake_timer};

static void on_done(void *ctx, void *arg, uint64_t now)
{
	struct host *h = ctx;

	(void)arg;
	h->ctx_seen = ctx;
	h->done_at[h->dones++] = now;
}

static void host_init(struct host *h, struct dev *d)
{
	memset(h, 0, sizeof(*h));
	memset(d, 0, sizeof(*d));
	assert_int_equal(dev_solo_init(&h->s, on_done), 0);
	d->ops = &fake_ops;
	d->env = &h->s.env;
	h->s.d = d;
}

static void test_completions_and_stale_timer(void **state)
{
	struct host h;
	struct dev d;
	struct dev_io a = {.op = DEV_READ, .sector = 0, .nsect = 8};
	struct dev_io b = {.op = DEV_READ, .sector = 1, .nsect = 8};

	(void)state;
	host_init(&h, &d);
	dev_solo_submit(&h.s, &a, 0);
	dev_solo_submit(&h.s, &b, 0);
	while (des_run_next(&h.s.q))
		;
	assert_int_equal(h.s.err, 0);
	assert_ptr_equal(h.ctx_seen, &h); /* the handlers get the host */
	assert_int_equal(h.dones, 2);
	assert_int_equal(h.done_at[0], 5);  /* completed at once */
	assert_int_equal(h.done_at[1], 60); /* the timer at 50, then 10 ns */
	assert_int_equal(h.fires, 1);	    /* the timer at 100 was stale */
	assert_int_equal(h.fire_at[0], 50);
	des_fini(&h.s.q);
}

static void test_completion_in_the_past(void **state)
{
	struct host h;
	struct dev d;
	struct dev_io c = {.op = DEV_WRITE, .sector = 2, .nsect = 8};

	(void)state;
	host_init(&h, &d);
	dev_solo_submit(&h.s, &c, 1000);
	assert_int_equal(h.s.err, -EPROTO);
	assert_int_equal(c.done_ns, 1000); /* clamped: the queue never goes back in time */
	while (des_run_next(&h.s.q))
		;
	assert_int_equal(h.dones, 1);
	assert_int_equal(h.done_at[0], 1000);
	des_fini(&h.s.q);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_completions_and_stale_timer),
	  cmocka_unit_test(test_completion_in_the_past))
