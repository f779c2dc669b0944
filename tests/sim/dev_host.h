/* SPDX-License-Identifier: GPL-2.0 */
/* dev_host.h - the device side of a device-model test host: DES queue, env, contract checks. */
#ifndef SSDCACHE_TEST_DEV_HOST_H
#define SSDCACHE_TEST_DEV_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/des.h"
#include "sim/device.h"

/*
 * Both test hosts of the device models (dev_harness.h's closed loop and test_dev_property.c's
 * random phases) play sim/device.h's host the same way: completions and timers go through a DES
 * queue, and a model that completes in the past, at a time other than the one it names, or asks
 * for a timer it has no hook for, is a counted violation (the first one described in why).
 *
 * A host puts DEV_HOST_MEMBERS first in its struct, so that its own code reads h->q, h->d,
 * h->why... and the functions here get the same memory as &h->dh:
 *     struct my_host { DEV_HOST_MEMBERS; ... };
 * The DES context and env.host are the host itself. The host's completion handler, given to
 * dh_init, is called through the queue with the dev_io as arg: the dev_io must be the first
 * member of the host's command struct.
 */
#define DEV_HOST_FIELDS                                                                            \
	struct des q;                                                                              \
	struct dev *d;                                                                             \
	struct dev_env env;                                                                        \
	des_fn on_done;                                                                            \
	uint64_t timer_gen;                                                                        \
	unsigned violations;                                                                       \
	char why[256] /* the first violation */

struct dev_host {
	DEV_HOST_FIELDS;
};

#define DEV_HOST_MEMBERS                                                                           \
	union {                                                                                    \
		struct dev_host dh;                                                                \
		struct {                                                                           \
			DEV_HOST_FIELDS;                                                           \
		};                                                                                 \
	}

static inline void dh_violation(struct dev_host *dh, const char *what, uint64_t a, uint64_t b)
{
	if (!dh->violations++)
		snprintf(dh->why, sizeof(dh->why), "%s (%llu, %llu)", what, (unsigned long long)a,
			 (unsigned long long)b);
}

static inline uint64_t dh_not_past(const struct dev_host *dh, uint64_t t)
{
	return t < dh->q.now_ns ? dh->q.now_ns : t;
}

static void dh_env_complete(void *host, struct dev_io *io, uint64_t done_ns)
{
	struct dev_host *dh = host;

	if (done_ns < dh->q.now_ns)
		dh_violation(dh, "complete() names a time in the past", done_ns, dh->q.now_ns);
	io->done_ns = done_ns;
	des_schedule(&dh->q, dh_not_past(dh, done_ns), DES_CLASS_COMPLETION, dh->on_done, io);
}

static void dh_timer_fire(void *ctx, void *arg, uint64_t now)
{
	struct dev_host *dh = ctx;

	if ((uint64_t)(uintptr_t)arg == dh->timer_gen)
		dh->d->ops->timer(dh->d, now);
}

static void dh_env_timer(void *host, struct dev *d, uint64_t at)
{
	struct dev_host *dh = host;

	(void)d;
	if (at < dh->q.now_ns)
		dh_violation(dh, "timer() for a time in the past", at, dh->q.now_ns);
	if (!dh->d->ops->timer) {
		dh_violation(dh, "timer() asked by a model without a timer hook", at, 0);
		return;
	}
	dh->timer_gen++;
	des_schedule(&dh->q, dh_not_past(dh, at), DES_CLASS_COMPLETION, dh_timer_fire,
		     (void *)(uintptr_t)dh->timer_gen);
}

/* Submit a command (its dev_io and the host's completions count and in-flight flag for it) at
 * now; a model that completes it at once gets its completion through the queue all the same. */
static inline void dh_submit(struct dev_host *dh, struct dev_io *io, int *completions,
			     bool *inflight, uint64_t now)
{
	*completions = 0;
	*inflight = true;
	if (dev_submit(dh->d, io, now) == DEV_Q_COMPLETED) {
		if (io->done_ns < now)
			dh_violation(dh, "completed before submission", io->done_ns, now);
		des_schedule(&dh->q, io->done_ns < now ? now : io->done_ns, DES_CLASS_COMPLETION,
			     dh->on_done, io);
	}
}

/* At a command's completion: exactly once, while outstanding, at the time it names; then the
 * model's accounting. */
static inline void dh_complete(struct dev_host *dh, struct dev_io *io, int *completions,
			       bool *inflight, uint64_t now)
{
	if (!*inflight || *completions)
		dh_violation(dh, "completion of a command not outstanding", io->sector, now);
	(*completions)++;
	*inflight = false;
	if (io->done_ns != now)
		dh_violation(dh, "done_ns differs from the completion time", io->done_ns, now);
	dev_account_complete(dh->d, io, now);
}

/* The queue and the env (the device is the host's to create): 0, or -1 on allocation failure. */
static inline int dh_init(struct dev_host *dh, des_fn on_done)
{
	dh->env.host = dh;
	dh->env.complete = dh_env_complete;
	dh->env.timer = dh_env_timer;
	dh->on_done = on_done;
	return des_init(&dh->q, dh);
}

#endif
