// SPDX-License-Identifier: GPL-2.0
/* dev_solo.c - one device model alone on a DES queue: completions and timers (dev_solo.h). */
#include "sim/dev_solo.h"

#include <errno.h>
#include <string.h>

static void solo_complete(void *host, struct dev_io *io, uint64_t done_ns)
{
	struct dev_solo *s = host;

	if (done_ns < s->q.now_ns)
		s->err = -EPROTO;
	if (des_schedule(&s->q, done_ns, DES_CLASS_COMPLETION, s->done, io))
		s->err = -ENOMEM;
}

static void solo_timer_fire(void *ctx, void *arg, uint64_t now)
{
	struct dev_solo *s = ctx;

	/* only the newest request fires: an older event is stale */
	if ((uint64_t)(uintptr_t)arg == s->timer_gen && s->d->ops->timer)
		s->d->ops->timer(s->d, now);
}

static void solo_timer(void *host, struct dev *d, uint64_t at_ns)
{
	struct dev_solo *s = host;

	(void)d;
	s->timer_gen++;
	if (des_schedule(&s->q, at_ns < s->q.now_ns ? s->q.now_ns : at_ns, DES_CLASS_COMPLETION,
			 solo_timer_fire, (void *)(uintptr_t)s->timer_gen))
		s->err = -ENOMEM;
}

int dev_solo_init(struct dev_solo *s, des_fn done)
{
	memset(s, 0, sizeof(*s));
	s->done = done;
	s->env.host = s;
	s->env.complete = solo_complete;
	s->env.timer = solo_timer;
	return des_init(&s->q, s) ? -ENOMEM : 0;
}

void dev_solo_submit(struct dev_solo *s, struct dev_io *io, uint64_t now)
{
	if (dev_submit(s->d, io, now) != DEV_Q_COMPLETED)
		return;
	if (io->done_ns < now) {
		s->err = -EPROTO;
		io->done_ns = now;
	}
	if (des_schedule(&s->q, io->done_ns, DES_CLASS_COMPLETION, s->done, io))
		s->err = -ENOMEM;
}
