// SPDX-License-Identifier: GPL-2.0
/* test_dev_fixed_dist.c - the fixed model's lognormal service times and servers (dev_fixed.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/dev_share.h"
#include "sim/device.h"
#include "tests/lib/test_main.h"
#include "tests/sim/dev_direct.h"

/* The latency of one read of 8 sectors submitted at now. */
static uint64_t one(struct dev *d, enum dev_op op, uint64_t now)
{
	struct dev_io io = {.op = op, .sector = 8, .nsect = 8, .submit_ns = now};

	assert_int_equal(d->ops->submit(d, &io, now), DEV_Q_COMPLETED);
	return io.done_ns - now;
}

static void test_constant_by_default(void **state)
{
	(void)state;
	struct dev *d = dev_direct("fixed:read=100us,write=200us");
	for (int i = 0; i < 100; i++) {
		assert_int_equal(one(d, DEV_READ, (uint64_t)i * 1000), 100000);
		assert_int_equal(one(d, DEV_WRITE, (uint64_t)i * 1000), 200000);
	}
	dev_destroy(d);
}

/* read_sigma: the mean stays `read`, ln(latency) has the standard deviation asked; writes
 * without write_sigma stay constant; a seed gives one sequence, another seed another. */
static void test_lognormal(void **state)
{
	(void)state;
	enum { N = 40000 };
	struct dev *d = dev_direct("fixed:read=100us,read_sigma=0.5,seed=7");
	struct dev *e = dev_direct("fixed:read=100us,read_sigma=0.5,seed=7");
	struct dev *f = dev_direct("fixed:read=100us,read_sigma=0.5,seed=8");
	double sum = 0, ls = 0, ls2 = 0;
	int same = 0, differ = 0;

	for (int i = 0; i < N; i++) {
		uint64_t t = one(d, DEV_READ, 0);
		sum += (double)t;
		ls += log((double)t);
		ls2 += log((double)t) * log((double)t);
		same += t == one(e, DEV_READ, 0);
		differ += t != one(f, DEV_READ, 0);
	}
	double mean = sum / N, lm = ls / N, sd = sqrt(ls2 / N - lm * lm);
	assert_true(fabs(mean / 100000 - 1) < 0.02);
	assert_true(fabs(sd / 0.5 - 1) < 0.03);
	assert_int_equal(same, N);
	assert_true(differ > N * 0.99);
	assert_int_equal(one(d, DEV_WRITE, 0), 100000);
	dev_destroy(d);
	dev_destroy(e);
	dev_destroy(f);
}

/* servers=2: two I/Os in service at once, the others wait FIFO for the first free server. */
static void test_servers(void **state)
{
	(void)state;
	struct dev *d = dev_direct("fixed:read=100us,write=300us,servers=2");
	assert_int_equal(one(d, DEV_READ, 0), 100000);  /* server A: 0..100 */
	assert_int_equal(one(d, DEV_WRITE, 0), 300000); /* server B: 0..300 */
	assert_int_equal(one(d, DEV_READ, 0), 200000);  /* waits for A: 100..200 */
	assert_int_equal(one(d, DEV_READ, 50000), 250000); /* A again: 200..300, from 50 */
	assert_int_equal(one(d, DEV_READ, 1000000), 100000); /* both idle by then */
	dev_destroy(d);
}

/* A device of the host's share, or fail with dev_create's message. */
static struct dev *shared_dev(const char *spec, struct dev_env *env)
{
	struct dev *d = NULL;
	char err[256];

	if (dev_create(spec, env, &d, err, sizeof(err)))
		fail_msg("%s: %s", spec, err);
	return d;
}

/* pool=NAME: two devices of one pool wait for the same servers; a third of another pool, or
 * one without the option, does not. The pool has the largest servers of its members. */
static void test_shared_pool(void **state)
{
	(void)state;
	struct dev_share share = {0};
	struct dev_env env = dev_direct_env;
	env.share = &share;
	struct dev *c = shared_dev("fixed:read=100us,write=300us,servers=1,pool=disk", &env);
	struct dev *t = shared_dev("fixed:read=50us,servers=1,pool=disk", &env);
	struct dev *o = shared_dev("fixed:read=50us,servers=1,pool=other", &env);
	struct dev *n = shared_dev("fixed:read=50us,servers=1", &env);

	assert_int_equal(one(c, DEV_WRITE, 0), 300000); /* the one server: 0..300 */
	assert_int_equal(one(t, DEV_READ, 0), 350000);  /* the target waits for the cache's write */
	assert_int_equal(one(c, DEV_READ, 100000), 350000); /* 350..450, from 100 */
	assert_int_equal(one(o, DEV_READ, 0), 50000);   /* another pool: its own server */
	assert_int_equal(one(n, DEV_READ, 0), 50000);   /* no pool: its own server */
	assert_int_equal(one(n, DEV_READ, 0), 100000);  /* ... which it queues for */
	dev_destroy(c);
	dev_destroy(t);
	dev_destroy(o);
	dev_destroy(n);
	dev_share_free(&share);

	/* a member asking for more servers grows the pool for both */
	struct dev *a = shared_dev("fixed:read=100us,servers=1,pool=disk", &env);
	struct dev *b = shared_dev("fixed:read=100us,servers=2,pool=disk", &env);
	assert_int_equal(one(a, DEV_READ, 0), 100000);
	assert_int_equal(one(a, DEV_READ, 0), 100000); /* the second server */
	assert_int_equal(one(b, DEV_READ, 0), 200000); /* both busy: waits */
	dev_destroy(a);
	dev_destroy(b);
	dev_share_free(&share);
	assert_null(share.pools);
}

/* pool= shares servers, so it needs some; a host without a share gives each its own. */
static void test_pool_alone(void **state)
{
	(void)state;
	struct dev *d = NULL;
	char err[256];

	assert_int_equal(dev_create("fixed:read=100us,pool=disk", &dev_direct_env, &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "pool=disk needs servers > 0"));
	d = dev_direct("fixed:read=100us,servers=1,pool=disk"); /* dev_direct_env shares nothing */
	struct dev *e = dev_direct("fixed:read=100us,servers=1,pool=disk");
	assert_int_equal(one(d, DEV_READ, 0), 100000);
	assert_int_equal(one(e, DEV_READ, 0), 100000);
	assert_int_equal(one(d, DEV_READ, 0), 200000);
	dev_destroy(d);
	dev_destroy(e);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_constant_by_default), cmocka_unit_test(test_lognormal),
	  cmocka_unit_test(test_servers), cmocka_unit_test(test_shared_pool), cmocka_unit_test(test_pool_alone))
