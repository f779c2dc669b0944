// SPDX-License-Identifier: GPL-2.0
/* calib_model.c - the same closed loop as calib_measure.c, on a device model (simulated time). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/calib.h"
#include "sim/des.h"
#include "sim/dev_solo.h"
#include "sim/device.h"

struct mio {
	struct dev_io io; /* first: the model hands back &io */
};

struct mloop {
	struct dev_solo s; /* first (dev_solo.h): the queue's handlers get the loop */
	const struct calib_point *pt;
	uint64_t blocks, cursor, rng, issued, target, done;
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
	dev_solo_submit(&m->s, &x->io, now);
}

static void m_done(void *ctx, void *arg, uint64_t now)
{
	struct mloop *m = ctx;
	struct mio *x = arg;

	dev_account_complete(m->s.d, &x->io, now);
	m->sum += (double)(now - x->io.submit_ns);
	m->done++;
	if (m->issued < m->target)
		m_issue(m, x, now);
}

double calib_model_mean(const char *spec, const struct calib_point *pt, uint64_t size, uint64_t ios,
			char *err, size_t errlen)
{
	struct mloop m = {.pt = pt, .rng = 0x9E3779B97F4A7C15ull ^ pt->bs ^ pt->qd, .target = ios};
	struct mio *x;
	double mean;

	m.blocks = size / pt->bs;
	if (!m.blocks || dev_solo_init(&m.s, m_done))
		return -1;
	if (dev_create(spec, &m.s.env, &m.s.d, err, errlen)) {
		des_fini(&m.s.q);
		return -1;
	}
	if (!(x = calloc(pt->qd, sizeof(*x)))) {
		dev_destroy(m.s.d);
		des_fini(&m.s.q);
		return -1;
	}
	for (unsigned i = 0; i < pt->qd && m.issued < m.target; i++)
		m_issue(&m, &x[i], 0);
	while (!m.s.err && des_run_next(&m.s.q))
		;
	mean = m.done ? m.sum / (double)m.done : -1;
	if (m.s.err) {
		snprintf(err, errlen, "%s: %s", spec,
			 m.s.err == -ENOMEM ? "out of memory for events"
					    : "the model broke its contract (a completion before its submission)");
		mean = -1;
	}
	free(x);
	dev_destroy(m.s.d);
	des_fini(&m.s.q);
	return mean;
}
