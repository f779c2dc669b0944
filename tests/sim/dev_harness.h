/* SPDX-License-Identifier: GPL-2.0 */
/* dev_harness.h - a tiny closed-loop host for device-model tests: submits, completes, checks the contract. */
#ifndef SSDCACHE_TEST_DEV_HARNESS_H
#define SSDCACHE_TEST_DEV_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/des.h"
#include "sim/device.h"
#include "tests/sim/dev_host.h"

/*
 * The harness plays the host of sim/device.h: it keeps `qd` commands outstanding, delivers
 * completions and timers through the DES queue, and counts contract violations (a completion
 * before its submission or not at the time it names, a command completed twice or completed
 * while not outstanding). Tests read the latencies and device statistics it collects.
 */

struct hio {
	struct dev_io io;
	int completions; /* per submission: must end at exactly 1 */
	bool inflight;
};

struct harness;
typedef void (*h_gen_fn)(struct harness *h, struct dev_io *io);

struct harness {
	DEV_HOST_MEMBERS; /* q, d, env, violations, why (dev_host.h) */
	struct hio *ios;
	unsigned qd;
	uint64_t target, issued, done;
	h_gen_fn gen;
	uint64_t rng;     /* xorshift64 state: deterministic across platforms */
	uint64_t cursor;  /* for sequential generators */
	uint64_t span_sect, bs_sect;
	uint64_t flush_at; /* h_gen_randwrite_flush: command flush_at (1-based) of a run flushes */
	double lat_sum;
	uint64_t lat_max, lat_n;
	uint64_t lat_by_op_n[4];
	double lat_by_op_sum[4];
};

static inline uint64_t h_rand(struct harness *h)
{
	h->rng ^= h->rng << 13;
	h->rng ^= h->rng >> 7;
	h->rng ^= h->rng << 17;
	return h->rng;
}

static inline void h_violation(struct harness *h, const char *what, uint64_t a, uint64_t b)
{
	dh_violation(&h->dh, what, a, b);
}

static inline void h_issue(struct harness *h, struct hio *x, uint64_t now)
{
	memset(&x->io, 0, sizeof(x->io));
	h->gen(h, &x->io);
	h->issued++;
	dh_submit(&h->dh, &x->io, &x->completions, &x->inflight, now);
}

static void h_done(void *ctx, void *arg, uint64_t now)
{
	struct harness *h = ctx;
	struct hio *x = arg;
	uint64_t lat;

	dh_complete(&h->dh, &x->io, &x->completions, &x->inflight, now);
	lat = now - x->io.submit_ns;
	h->lat_sum += (double)lat;
	h->lat_n++;
	h->lat_by_op_n[x->io.op]++;
	h->lat_by_op_sum[x->io.op] += (double)lat;
	if (lat > h->lat_max)
		h->lat_max = lat;
	h->done++;
	if (h->issued < h->target)
		h_issue(h, x, now);
}

/* Create the device; returns 0 or the dev_create error (message in h->why). */
static inline int h_init(struct harness *h, const char *spec, unsigned max_qd)
{
	memset(h, 0, sizeof(*h));
	h->rng = 0x9e3779b97f4a7c15ULL;
	if (dh_init(&h->dh, h_done))
		return -1;
	h->ios = calloc(max_qd, sizeof(*h->ios));
	if (!h->ios)
		return -1;
	return dev_create(spec, &h->env, &h->d, h->why, sizeof(h->why));
}

static inline void h_fini(struct harness *h)
{
	dev_destroy(h->d);
	des_fini(&h->q);
	free(h->ios);
}

/* In cmocka tests: create the device (qd commands at most, each of bs sectors) or fail with the
 * model's message. */
#define H_OPEN(h, spec, qd, bs)                                                                    \
	do {                                                                                       \
		if (h_init((h), (spec), (qd)))                                                     \
			fail_msg("%s: %s", (spec), (h)->why);                                      \
		(h)->bs_sect = (bs);                                                               \
	} while (0)
/* In cmocka tests: fail if the model broke the contract (H_FINI_CLEAN: then free the harness). */
#define H_CLEAN(h)                                                                                 \
	do {                                                                                       \
		if ((h)->violations)                                                               \
			fail_msg("contract violated %u times, first: %s", (h)->violations, (h)->why); \
	} while (0)
#define H_FINI_CLEAN(h)                                                                            \
	do {                                                                                       \
		H_CLEAN(h);                                                                        \
		h_fini(h);                                                                         \
	} while (0)

/* Run `count` commands at depth qd from the current simulated time; returns the elapsed ns. */
static inline uint64_t h_run(struct harness *h, h_gen_fn gen, unsigned qd, uint64_t count)
{
	uint64_t t0 = h->q.now_ns;

	h->gen = gen;
	h->qd = qd;
	h->issued = h->done = 0;
	h->target = count;
	h->lat_sum = 0;
	h->lat_max = h->lat_n = 0;
	memset(h->lat_by_op_n, 0, sizeof(h->lat_by_op_n));
	memset(h->lat_by_op_sum, 0, sizeof(h->lat_by_op_sum));
	for (unsigned i = 0; i < qd && i < count; i++)
		h_issue(h, &h->ios[i], h->q.now_ns);
	while (des_run_next(&h->q))
		;
	if (h->done != count)
		h_violation(h, "commands never completed", count - h->done, count);
	for (unsigned i = 0; i < qd && i < count; i++)
		if (h->ios[i].inflight)
			h_violation(h, "a command still outstanding at the end", i, 0);
	return h->q.now_ns - t0;
}

static inline double h_mean_ms(const struct harness *h)
{
	return h->lat_n ? h->lat_sum / (double)h->lat_n / 1e6 : 0;
}

/* Generators: span_sect and bs_sect set by the test. */
static inline void h_gen_randread(struct harness *h, struct dev_io *io)
{
	io->op = DEV_READ;
	io->nsect = (uint32_t)h->bs_sect;
	io->sector = h_rand(h) % (h->span_sect / h->bs_sect) * h->bs_sect;
}

static inline void h_gen_randwrite(struct harness *h, struct dev_io *io)
{
	h_gen_randread(h, io);
	io->op = DEV_WRITE;
}

static inline void h_gen_randwrite_flush(struct harness *h, struct dev_io *io)
{
	if (h->issued + 1 == h->flush_at) {
		io->op = DEV_FLUSH;
		return;
	}
	h_gen_randwrite(h, io);
}

/* Random writes of bs_sect over the whole device at depth 1, command n a FLUSH (while the
 * writes are still being destaged): the mean write latency and the flush's, in ns. */
static inline void h_writes_then_flush(struct harness *h, uint64_t n, double *write_ns,
				       double *flush_ns)
{
	h->span_sect = h->d->size_bytes / 512;
	h->flush_at = n;
	h_run(h, h_gen_randwrite_flush, 1, n);
	h->flush_at = 0;
	*write_ns = h->lat_by_op_sum[DEV_WRITE] / (double)h->lat_by_op_n[DEV_WRITE];
	*flush_ns = h->lat_by_op_sum[DEV_FLUSH];
}

static inline void h_gen_seqread(struct harness *h, struct dev_io *io)
{
	io->op = DEV_READ;
	io->nsect = (uint32_t)h->bs_sect;
	io->sector = h->cursor;
	h->cursor = (h->cursor + h->bs_sect) % h->span_sect;
}

static inline void h_gen_seqwrite(struct harness *h, struct dev_io *io)
{
	h_gen_seqread(h, io);
	io->op = DEV_WRITE;
}

#endif
