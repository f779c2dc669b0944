// SPDX-License-Identifier: GPL-2.0
/* calib_model.c - the same closed loop as calib_measure.c, on a device model (simulated time). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/calib.h"
#include "sim/des.h"
#include "sim/device.h"

struct mio {
	struct dev_io io; /* first: the model hands back &io */
};

struct mloop {
	struct des q;
	struct dev *d;
	const struct calib_point *pt;
	uint64_t blocks, cursor, rng, issued, target, done;
	uint64_t timer_gen;
	double sum;
};

static void m_done(void *ctx, void *arg, uint64_t now);

static void m_issue(struct mloop *m, struct mio *x, uint64_t now)
{
	uint64_t b;

	if (m->pt->random) {
		m->rng ^= m->rng << 13, m->rng ^= m->rng >> 7, m->rng ^= m->rng << 17;
		b = m->rng % m->blocks;
	} else {
		b = m->cursor++ % m->blocks;
	}
	memset(&x->io, 0, sizeof(x->io));
	x->io.op = m->pt->write ? DEV_WRITE : DEV_READ;
	x->io.sector = b * (m->pt->bs / 512);
	x->io.nsect = m->pt->bs / 512;
	x->io.submit_ns = now;
	m->issued++;
	if (dev_submit(m->d, &x->io, now) == DEV_Q_COMPLETED)
		des_schedule(&m->q, x->io.done_ns < now ? now : x->io.done_ns, DES_CLASS_COMPLETION, m_done, x);
}

static void m_done(void *ctx, void *arg, uint64_t now)
{
	struct mloop *m = ctx;
	struct mio *x = arg;

	dev_account_complete(m->d, &x->io, now);
	m->sum += (double)(now - x->io.submit_ns);
	m->done++;
	if (m->issued < m->target)
		m_issue(m, x, now);
}

static void m_complete(void *host, struct dev_io *io, uint64_t done_ns)
{
	struct mloop *m = host;

	io->done_ns = done_ns;
	des_schedule(&m->q, done_ns < m->q.now_ns ? m->q.now_ns : done_ns, DES_CLASS_COMPLETION, m_done,
		     (struct mio *)(void *)io);
}

static void m_timer_fire(void *ctx, void *arg, uint64_t now)
{
	struct mloop *m = ctx;

	if ((uint64_t)(uintptr_t)arg == m->timer_gen && m->d->ops->timer)
		m->d->ops->timer(m->d, now);
}

static void m_timer(void *host, struct dev *d, uint64_t at)
{
	struct mloop *m = host;

	(void)d;
	m->timer_gen++;
	des_schedule(&m->q, at < m->q.now_ns ? m->q.now_ns : at, DES_CLASS_COMPLETION, m_timer_fire,
		     (void *)(uintptr_t)m->timer_gen);
}

double calib_model_mean(const char *spec, const struct calib_point *pt, uint64_t size, uint64_t ios,
			char *err, size_t errlen)
{
	struct mloop m = {.pt = pt, .rng = 0x9E3779B97F4A7C15ull ^ pt->bs ^ pt->qd, .target = ios};
	struct dev_env env = {&m, m_complete, m_timer};
	struct mio *x;
	double mean;

	m.blocks = size / pt->bs;
	if (!m.blocks || des_init(&m.q, &m))
		return -1;
	if (dev_create(spec, &env, &m.d, err, errlen)) {
		des_fini(&m.q);
		return -1;
	}
	if (!(x = calloc(pt->qd, sizeof(*x)))) {
		dev_destroy(m.d);
		des_fini(&m.q);
		return -1;
	}
	for (unsigned i = 0; i < pt->qd && m.issued < m.target; i++)
		m_issue(&m, &x[i], 0);
	while (des_run_next(&m.q))
		;
	mean = m.done ? m.sum / (double)m.done : -1;
	free(x);
	dev_destroy(m.d);
	des_fini(&m.q);
	return mean;
}
