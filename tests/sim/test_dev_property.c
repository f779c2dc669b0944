// SPDX-License-Identifier: GPL-2.0
/*
 * test_dev_property.c - property test of every device model and preset: random geometries and
 * random workloads never abort a model, and every I/O submitted completes exactly once, with the
 * bytes submitted equal to the bytes completed, per operation.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/des.h"
#include "sim/device.h"
#include "tests/sim/dev_host.h"
#include "tests/lib/test_main.h"

/*
 * Why a property test: the models' fixed-size cases (test_dev_*.c) pass while a user's
 * geometry (an SSD of 64 MiB behind a cache table, a 2 TiB disk) or workload (bursts of
 * fills, whole-device overwrites, trims) reaches a state no hand-written case did. Here a
 * seeded GSL generator draws, per case, a model, one of its presets (or none), a size from one
 * megabyte to terabytes, option overrides that change code paths, and a workload made of
 * phases: closed loops at random depths, open-loop bursts with idle gaps, read/write/flush/
 * trim mixes of random sizes and alignments, hot spots and sequential overwrites of the whole
 * device. A model that aborts kills the test (that is the failure); a model that loses,
 * duplicates or invents a completion, or completes in the past, is a counted violation.
 */

#define SEED 20260401UL

struct pio {
	struct dev_io io; /* first: complete() hands back the dev_io */
	int completions;
	bool inflight;
	unsigned next_free;
};

struct host {
	DEV_HOST_MEMBERS; /* q, d, env, violations, why (dev_host.h) */
	gsl_rng *r;
	struct pio *pool;
	unsigned pool_n, free_head, outstanding;
	uint64_t sub_n[4], sub_bytes[4], done_n[4], done_bytes[4];
	/* the phase being run */
	uint64_t left; /* closed loop: commands still to submit */
	unsigned kind; /* generator */
	double p_read, p_flush, p_trim;
	uint64_t span_sect, base_sect, cursor, bs_sect;
	bool odd; /* unaligned sizes and offsets */
};

enum { G_RANDOM, G_SEQ, G_HOT };

static void violation(struct host *h, const char *what, uint64_t a, uint64_t b)
{
	dh_violation(&h->dh, what, a, b);
}

static uint64_t below(struct host *h, uint64_t n)
{
	/* gsl_rng_uniform_int takes at most the generator's range (2^32 for mt19937) */
	if (n <= 1)
		return 0;
	if (n <= 0xffffffffULL)
		return gsl_rng_uniform_int(h->r, (unsigned long)n);
	return (uint64_t)(gsl_rng_uniform(h->r) * (double)n) % n;
}

/* One command of the current phase into io. */
static void gen(struct host *h, struct dev_io *io)
{
	uint64_t dev_sect = h->d->size_bytes / 512, nsect, max_sect, sector;
	double u = gsl_rng_uniform(h->r);

	io->op = u < h->p_read				  ? DEV_READ
		 : u < h->p_read + h->p_flush		  ? DEV_FLUSH
		 : u < h->p_read + h->p_flush + h->p_trim ? DEV_DISCARD
							  : DEV_WRITE;
	if (io->op == DEV_FLUSH)
		return;
	if (h->kind == G_SEQ) {
		nsect = h->bs_sect;
	} else if (h->odd) {
		nsect = 1 + below(h, 256);
	} else {
		/* 4 KiB .. 1 MiB, mostly small */
		nsect = 8ULL << (unsigned)gsl_ran_geometric(h->r, 0.45) % 9;
	}
	max_sect = h->span_sect < dev_sect - h->base_sect ? h->span_sect : dev_sect - h->base_sect;
	if (nsect > max_sect)
		nsect = max_sect;
	if (io->op == DEV_DISCARD && gsl_rng_uniform(h->r) < 0.3)
		nsect = max_sect < (1ULL << 20) ? max_sect : (1ULL << 20); /* a big trim */
	if (h->kind == G_SEQ) {
		if (h->cursor + nsect > max_sect)
			h->cursor = 0;
		sector = h->cursor;
		h->cursor += nsect;
	} else {
		sector = below(h, max_sect - nsect + 1);
		if (!h->odd)
			sector &= ~7ULL;
	}
	io->sector = h->base_sect + sector;
	io->nsect = (uint32_t)nsect;
}

static void submit_one(struct host *h, uint64_t now)
{
	struct pio *x;

	if (h->free_head == UINT32_MAX) {
		violation(h, "more commands outstanding than the pool holds", h->pool_n, 0);
		return;
	}
	x = &h->pool[h->free_head];
	h->free_head = x->next_free;
	memset(&x->io, 0, sizeof(x->io));
	gen(h, &x->io);
	h->outstanding++;
	h->sub_n[x->io.op]++;
	h->sub_bytes[x->io.op] += (uint64_t)x->io.nsect * 512;
	dh_submit(&h->dh, &x->io, &x->completions, &x->inflight, now);
}

static void on_done(void *ctx, void *arg, uint64_t now)
{
	struct host *h = ctx;
	struct pio *x = arg;

	dh_complete(&h->dh, &x->io, &x->completions, &x->inflight, now);
	h->done_n[x->io.op]++;
	h->done_bytes[x->io.op] += (uint64_t)x->io.nsect * 512;
	h->outstanding--;
	x->next_free = h->free_head;
	h->free_head = (unsigned)(x - h->pool);
	if (h->left) {
		h->left--;
		submit_one(h, now);
	}
}

static void nothing(void *ctx, void *arg, uint64_t now)
{
	(void)ctx;
	(void)arg;
	(void)now;
}

static void drain(struct host *h)
{
	while (des_run_next(&h->q))
		;
}

/* Draw the parameters of one phase. */
static void draw_phase(struct host *h)
{
	uint64_t dev_sect = h->d->size_bytes / 512;
	double w = gsl_rng_uniform(h->r);

	h->kind = (unsigned)below(h, 3);
	h->odd = below(h, 4) == 0;
	/* write-heavy most of the time: that is what fills an FTL */
	h->p_read = w < 0.5 ? 0.05 * gsl_rng_uniform(h->r) : gsl_rng_uniform(h->r);
	h->p_flush = below(h, 3) ? 0 : 0.05 * gsl_rng_uniform(h->r);
	h->p_trim = below(h, 3) ? 0 : 0.1 * gsl_rng_uniform(h->r);
	h->base_sect = 0;
	h->span_sect = dev_sect;
	if (h->kind == G_HOT) {
		h->span_sect = 8 + below(h, dev_sect / 8 + 1);
		h->base_sect = below(h, dev_sect - h->span_sect + 1) & ~7ULL;
	}
	h->bs_sect = 8ULL << below(h, 9);
	h->cursor = 0;
}

/* Random phases until about budget commands have been submitted. */
static void run_workload(struct host *h, uint64_t budget)
{
	uint64_t used = 0;

	while (used < budget && !h->violations) {
		uint64_t dev_sect = h->d->size_bytes / 512, n;
		draw_phase(h);
		n = 200 + below(h, budget / 4);
		if (h->kind == G_SEQ && below(h, 2)) {
			/* a whole-device overwrite, in big commands when the device is big */
			h->p_read = h->p_flush = h->p_trim = 0;
			while (dev_sect / h->bs_sect > budget && h->bs_sect < 2048)
				h->bs_sect *= 2;
			n = dev_sect / h->bs_sect + 1;
			if (n > budget)
				n = budget;
		}
		if (below(h, 3) == 0) {
			/* open loop: bursts submitted at one instant, then idle */
			uint64_t left = n;
			while (left && !h->violations) {
				uint64_t burst = 1 + below(h, h->pool_n);
				if (burst > left)
					burst = left;
				for (uint64_t i = 0; i < burst; i++)
					submit_one(h, h->q.now_ns);
				left -= burst;
				drain(h);
				des_schedule(&h->q, h->q.now_ns + below(h, 50000000),
					     DES_CLASS_COMPLETION, nothing, NULL);
				drain(h);
			}
		} else {
			unsigned qd = 1 + (unsigned)below(h, h->pool_n);
			h->left = n > qd ? n - qd : 0;
			for (unsigned i = 0; i < qd && i < n; i++)
				submit_one(h, h->q.now_ns);
			drain(h);
		}
		used += n;
		if (h->outstanding)
			violation(h, "commands never completed", h->outstanding, 0);
	}
}

/* Model-specific overrides that change code paths, appended to the spec. */
static void draw_options(struct host *h, const char *model, char *buf, size_t len)
{
	size_t n = 0;
#define ADD(...)                                                                                   \
	do {                                                                                       \
		if (n < len)                                                                       \
			n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__);                      \
	} while (0)
	buf[0] = 0;
	if (!strcmp(model, "ssd")) {
		if (below(h, 2))
			ADD(",op=%.3f", 0.03 + (below(h, 2) ? 0.1 : 1.0) * gsl_rng_uniform(h->r));
		if (below(h, 3) == 0)
			ADD(",gc_free=%u", 2 + (unsigned)below(h, 8));
		if (below(h, 2)) /* small blocks: many per plane, imbalance between planes shows */
			ADD(",pages_per_block=%u", 4u << (below(h, 2) ? 0 : below(h, 6)));
		if (below(h, 3) == 0) {
			unsigned ps = 4u << below(h, 3);
			ADD(",page_size=%uK,buffer=%uK", ps,
			    below(h, 2) ? 0 : ps * (2 + (unsigned)below(h, 64)));
		}
		if (below(h, 3) == 0)
			ADD(",channels=%u,dies=%u,planes=%u", 1 + (unsigned)below(h, 12),
			    1 + (unsigned)below(h, 4), 1 + (unsigned)below(h, 4));
	} else if (!strcmp(model, "hdd")) {
		static const char *const sched[] = {"fifo", "sstf", "elevator", "sptf"};
		if (below(h, 2))
			ADD(",sched=%s", sched[below(h, 4)]);
		if (below(h, 3) == 0)
			ADD(",write_cache=%u", (unsigned)below(h, 2));
		if (below(h, 3) == 0)
			ADD(",queue_depth=%u", 1 + (unsigned)below(h, 64));
		if (below(h, 3) == 0)
			ADD(",cache_size=%uK,cache_segments=%u", (unsigned)below(h, 8192),
			    1 + (unsigned)below(h, 32));
		if (below(h, 3) == 0)
			ADD(",readahead=%uK", (unsigned)below(h, 2048));
		if (below(h, 3) == 0)
			ADD(",zones=%u,heads=%u", 1 + (unsigned)below(h, 16),
			    1 + (unsigned)below(h, 8));
		if (below(h, 4) == 0)
			ADD(",starve=%ums", (unsigned)below(h, 200));
	} else if (!strcmp(model, "fixed")) {
		if (below(h, 2))
			ADD(",read=%uus,write=%uus", (unsigned)below(h, 10000),
			    (unsigned)below(h, 10000));
	}
#undef ADD
}

/* A size for the model, log-uniform from 1 MiB (a few erase blocks) up, odd multiples too. */
static uint64_t draw_size(struct host *h, const char *model)
{
	bool ssd = !strcmp(model, "ssd");
	double hi = ssd ? (below(h, 5) ? 27 : 30) : 42; /* 128 MiB or 1 GiB; 4 TiB */
	uint64_t s = (uint64_t)exp2(20 + (hi - 20) * gsl_rng_uniform(h->r));
	static const uint64_t align[] = {512, 4096, 1 << 20};

	s -= s % align[below(h, 3)];
	return s < (1 << 20) ? (1 << 20) : s;
}

struct outcome {
	uint64_t commands;
	unsigned cases, refused;
};

/* One case: model o, preset (NULL: none), drawn from seed. */
static void one_case(const struct dev_ops *o, const char *preset, unsigned long seed,
		     struct outcome *out)
{
	struct host h;
	struct dev_stats st;
	char spec[512], opts[320];
	uint64_t size, budget;
	int rc;

	memset(&h, 0, sizeof(h));
	h.r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(h.r);
	gsl_rng_set(h.r, seed);
	size = draw_size(&h, o->name);
	draw_options(&h, o->name, opts, sizeof(opts));
	snprintf(spec, sizeof(spec), "%s:%s%s%ssize=%llu%s", o->name, preset ? "preset=" : "",
		 preset ? preset : "", preset ? "," : "", (unsigned long long)size, opts);
	assert_int_equal(dh_init(&h.dh, on_done), 0);
	h.pool_n = 1 + (unsigned)below(&h, 128);
	h.pool = calloc(h.pool_n, sizeof(*h.pool));
	assert_non_null(h.pool);
	for (unsigned i = 0; i < h.pool_n; i++)
		h.pool[i].next_free = i + 1 < h.pool_n ? i + 1 : UINT32_MAX;
	h.free_head = 0;
	if (getenv("PROP_VERBOSE")) /* the case about to run, for a crash to be reproduced */
		fprintf(stderr, "%lu %s\n", seed, spec);
	rc = dev_create(spec, &h.env, &h.d, h.why, sizeof(h.why));
	if (rc) {
		/* a model may refuse a geometry it cannot model (a disk of two cylinders), up
		 * front and saying why; never later, by aborting */
		if (rc != -EINVAL || !h.why[0])
			fail_msg("seed %lu: %s refused with %d and no reason", seed, spec, rc);
		out->refused++;
		goto out;
	}
	/* enough to overwrite a small SSD a few times over (GC at work), bounded for big ones */
	budget = 3000;
	if (!strcmp(o->name, "ssd")) {
		uint64_t slots = h.d->size_bytes / 4096 * 3;
		budget += slots < 60000 ? slots : 60000;
	}
	run_workload(&h, budget);
	if (h.violations)
		fail_msg("seed %lu: %s: %u contract violations, first: %s", seed, spec,
			 h.violations, h.why);
	dev_get_stats(h.d, h.q.now_ns, &st);
	for (int op = 0; op < 4; op++) {
		if (h.sub_n[op] != h.done_n[op] || h.sub_bytes[op] != h.done_bytes[op])
			fail_msg("seed %lu: %s: op %d: %llu commands / %llu bytes submitted, %llu "
				 "/ %llu "
				 "completed",
				 seed, spec, op, (unsigned long long)h.sub_n[op],
				 (unsigned long long)h.sub_bytes[op],
				 (unsigned long long)h.done_n[op],
				 (unsigned long long)h.done_bytes[op]);
		out->commands += h.done_n[op];
	}
	if (st.nr_reads != h.done_n[DEV_READ] || st.nr_writes != h.done_n[DEV_WRITE] ||
	    st.nr_other != h.done_n[DEV_FLUSH] + h.done_n[DEV_DISCARD] ||
	    st.bytes_read != h.done_bytes[DEV_READ] || st.bytes_written != h.done_bytes[DEV_WRITE])
		fail_msg("seed %lu: %s: the core's counts differ from the host's", seed, spec);
	if (st.busy_ns > h.q.now_ns)
		fail_msg("seed %lu: %s: busy %llu ns in %llu ns", seed, spec,
			 (unsigned long long)st.busy_ns, (unsigned long long)h.q.now_ns);
	out->cases++;
	dev_destroy(h.d);
out:
	des_fini(&h.q);
	free(h.pool);
	gsl_rng_free(h.r);
}

/* per model and preset (and without one); PROP_CASES=N and PROP_SEED=N search further */
#define CASES 6

static void test_every_model_and_preset(void **state)
{
	unsigned long seed = getenv("PROP_SEED") ? strtoul(getenv("PROP_SEED"), NULL, 0) : SEED;
	int cases = getenv("PROP_CASES") ? atoi(getenv("PROP_CASES")) : CASES;
	(void)state;
	for (int i = 0; dev_registry[i]; i++) {
		const struct dev_ops *o = dev_registry[i];
		struct outcome out = {0};
		for (int k = 0; k < cases; k++) {
			one_case(o, NULL, seed++, &out);
			for (const struct dev_preset *p = o->presets; p && p->name; p++)
				one_case(o, p->name, seed++, &out);
		}
		print_message("%s: %u cases run, %u geometries refused, %llu commands\n", o->name,
			      out.cases, out.refused, (unsigned long long)out.commands);
		/* the property is about running: refusals must stay the exception */
		assert_true(out.refused * 4 < out.cases);
	}
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_every_model_and_preset))
