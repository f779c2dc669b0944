// SPDX-License-Identifier: GPL-2.0
/* dev_fixed.c - the `fixed` device model: constant latency per direction, unlimited parallelism. */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/dev_share.h"
#include "sim/device.h"

/*
 * The model the golden cases were produced with (../golden README): every I/O completes a
 * constant time after its submission, whatever else is in flight. Ordering contract: FIFO per
 * direction (two reads, or two writes, complete in submission order); a read whose latency is
 * shorter than an earlier write's can complete first and return the older data.
 */
struct fixed_priv {
	uint64_t size;
	uint64_t lat_ns[4]; /* by enum dev_op */
	/*
	 * A real disk's service time is a distribution, not a constant: with read_sigma or
	 * write_sigma > 0 each read or write takes lat_ns x a lognormal factor of log-space
	 * standard deviation sigma and mean 1 (so that `read` stays the mean), drawn from a GSL
	 * mt19937 seeded with `seed`. With servers > 0 at most that many I/Os are in service, the
	 * others wait in FIFO order (a G/G/servers queue: done = start + service, start = the
	 * earliest a server is free). Both 0 (the defaults): the constant model, unchanged.
	 */
	double sigma[2];    /* by DEV_READ, DEV_WRITE */
	uint64_t servers;
	uint64_t seed;
	gsl_rng *rng;
	/*
	 * pool=NAME: the servers are a pool shared with the host's other devices of that pool
	 * (dev_share.h): a cache file and a target file on one disk wait for the same disk. Without
	 * it, or on a host that shares nothing, the device's pool is its own (own_pool).
	 */
	char pool_name[OPT_STR_MAX];
	struct dev_pool own_pool, *pool; /* pool: NULL when servers is 0 (unlimited) */
	bool var; /* rng or pool: the variable model (fixed_done_var), not the constant one */
};

/* The latency of one direction: lat_ns[dir]. */
#define FIXED_LAT(name, dir, def, help)                                                            \
	{name, OPT_TIME, offsetof(struct fixed_priv, lat_ns[dir]), def, 0, 1e13, NULL, help}

static const struct opt fixed_opts[] = {
	{"size", OPT_SIZE, offsetof(struct fixed_priv, size), "1T", 4096, 1.0e18, NULL,
	 "capacity in bytes"},
	FIXED_LAT("read", DEV_READ, "100us", "latency of every read"),
	FIXED_LAT("write", DEV_WRITE, "100us", "latency of every write"),
	FIXED_LAT("flush", DEV_FLUSH, "0", "latency of a flush (only sent with Q18 fixed)"),
	FIXED_LAT("discard", DEV_DISCARD, "0", "latency of a discard (only sent with Q19 fixed)"),
	{"read_sigma", OPT_DOUBLE, offsetof(struct fixed_priv, sigma[DEV_READ]), "0", 0, 5, NULL,
	 "reads: lognormal service time of mean `read`, this log-space std-dev (0: constant)"},
	{"write_sigma", OPT_DOUBLE, offsetof(struct fixed_priv, sigma[DEV_WRITE]), "0", 0, 5, NULL,
	 "writes: the same around `write`"},
	{"servers", OPT_U64, offsetof(struct fixed_priv, servers), "0", 0, 4096, NULL,
	 "I/Os in service at once, the rest queue FIFO (0: unlimited)"},
	{"seed", OPT_U64, offsetof(struct fixed_priv, seed), "1", 0, 1.8e19, NULL,
	 "seed of the service-time RNG (GSL mt19937)"},
	{"pool", OPT_STR, offsetof(struct fixed_priv, pool_name), NULL, 0, 0, NULL,
	 "share the servers with the run's other devices of this pool name (two files on one disk: "
	 "the pool has the largest `servers` of its members; needs servers > 0)"},
	{NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

static int fixed_init(struct dev *d, char *err, size_t errlen)
{
	struct fixed_priv *p = d->priv;

	d->size_bytes = p->size;
	if ((p->sigma[DEV_READ] > 0 || p->sigma[DEV_WRITE] > 0) && !(p->rng = gsl_rng_alloc(gsl_rng_mt19937))) {
		snprintf(err, errlen, "out of memory for the service-time RNG");
		return -ENOMEM;
	}
	if (p->rng)
		gsl_rng_set(p->rng, (unsigned long)p->seed);
	p->var = p->rng || p->servers; /* servers > 0: a pool below, or init fails */
	if (p->pool_name[0] && !p->servers) {
		snprintf(err, errlen, "pool=%s needs servers > 0 (the servers are what is shared)", p->pool_name);
		return -EINVAL;
	}
	if (!p->servers)
		return 0;
	if (p->pool_name[0] && d->env && d->env->share) {
		if (!(p->pool = dev_share_pool(d->env->share, p->pool_name, p->servers, err, errlen)))
			return -ENOMEM;
		return 0;
	}
	p->pool = &p->own_pool;
	p->own_pool.servers = p->servers;
	if (!(p->own_pool.free_at = calloc(p->servers, sizeof(*p->own_pool.free_at)))) {
		snprintf(err, errlen, "out of memory for %llu servers", (unsigned long long)p->servers);
		return -ENOMEM;
	}
	return 0;
}

static void fixed_fini(struct dev *d)
{
	struct fixed_priv *p = d->priv;

	if (p->rng)
		gsl_rng_free(p->rng);
	free(p->own_pool.free_at); /* a shared pool is the host's */
}

/* The service time of io and, with servers, its start: the variable model (fixed_priv). */
/* noinline: kept out of fixed_submit, whose constant-latency path is on every I/O of a run */
__attribute__((noinline)) static uint64_t fixed_done_var(struct fixed_priv *p, const struct dev_io *io,
						   uint64_t now_ns)
{
	double t = (double)p->lat_ns[io->op];
	uint64_t start = now_ns, *srv = NULL;

	if (io->op <= DEV_WRITE && p->sigma[io->op] > 0) {
		double s = p->sigma[io->op];
		t *= exp(gsl_ran_gaussian_ziggurat(p->rng, s) - s * s / 2);
	}
	if (p->pool) {
		srv = dev_pool_first_free(p->pool);
		start = *srv > now_ns ? *srv : now_ns;
	}
	uint64_t done = start + (uint64_t)llround(t);
	if (srv)
		*srv = done;
	return done;
}

static enum dev_q_result fixed_submit(struct dev *d, struct dev_io *io, uint64_t now_ns)
{
	struct fixed_priv *p = d->priv;

	if (p->var)
		io->done_ns = fixed_done_var(p, io, now_ns);
	else
		io->done_ns = now_ns + p->lat_ns[io->op];
	return DEV_Q_COMPLETED;
}

const struct dev_ops dev_fixed = {
	.name = "fixed", .abi = DEV_ABI,
	.help = "constant latency per direction, unlimited parallelism (the golden cases' model); "
		"optionally lognormal service times and a number of servers",
	.ordering = "FIFO per direction; a short read can overtake a long write (with read_sigma or "
		    "write_sigma > 0: any order)",
	.priv_size = sizeof(struct fixed_priv), .opts = fixed_opts,
	.init = fixed_init, .fini = fixed_fini, .submit = fixed_submit,
};
