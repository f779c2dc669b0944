// SPDX-License-Identifier: GPL-2.0
/* test_dev_link.c - the link model's service times, FIFO order and wait counter (dev_link.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sim/device.h"
#include "tests/sim/dev_direct.h"
#include "tests/lib/test_main.h"


/* The completion time of one command of nsect sectors submitted at now. */
static uint64_t at(struct dev *d, enum dev_op op, uint32_t nsect, uint64_t now)
{
	struct dev_io io = {.op = op, .sector = 0, .nsect = nsect, .submit_ns = now};

	assert_int_equal(dev_submit(d, &io, now), DEV_Q_COMPLETED);
	dev_account_complete(d, &io, io.done_ns);
	return io.done_ns;
}

/* An idle link: latency + bytes / bandwidth, rounded up to the nanosecond. 4 KiB at 4 MiB/s
 * is 976562.5 ns. */
static void test_idle_service_time(void **state)
{
	struct dev *d = dev_direct("link:latency=100us,bandwidth=4M");

	(void)state;
	assert_int_equal(at(d, DEV_READ, 8, 0), 976563 + 100000);
	/* submitted after the link went idle: no wait, the same time again */
	assert_int_equal(at(d, DEV_WRITE, 8, 5000000), 5000000 + 976563 + 100000);
	/* no data: a flush is the round trip alone */
	assert_int_equal(at(d, DEV_FLUSH, 0, 9000000), 9000000 + 100000);
	dev_destroy(d);
}

/*
 * Three 64 KiB writes at once on a 64 MiB/s link (976563 ns each): the transfers queue one
 * after another and each completes a round trip after its own; the waits are 0, 1 and 2
 * transfers. A 512-byte read submitted behind them completes after them (FIFO across
 * directions, where `fixed` would let it overtake), and a flush behind that waits for the
 * link too.
 */
static void test_fifo_queue(void **state)
{
	struct dev *d = dev_direct("link:latency=50us,bandwidth=64M");
	const uint64_t x = 976563, rt = 50000;
	struct dev_stats st;

	(void)state;
	assert_int_equal(at(d, DEV_WRITE, 128, 0), x + rt);
	assert_int_equal(at(d, DEV_WRITE, 128, 0), 2 * x + rt);
	assert_int_equal(at(d, DEV_WRITE, 128, 0), 3 * x + rt);
	/* 512 bytes at 64 MiB/s: 7629.39... ns -> 7630 */
	assert_int_equal(at(d, DEV_READ, 1, 1000), 3 * x + 7630 + rt);
	assert_int_equal(at(d, DEV_FLUSH, 0, 1000), 3 * x + 7630 + rt);
	dev_get_stats(d, 4000000, &st);
	int i = dev_counter_find(st.ctab, "link_wait_ns");
	assert_true(i >= 0);
	assert_int_equal(dev_counter_u64(&st, (unsigned)i),
			 x + 2 * x + (3 * x - 1000) + (3 * x + 7630 - 1000));
	assert_int_equal(st.nr_writes, 3);
	assert_int_equal(st.nr_reads, 1);
	dev_destroy(d);
}

/* The largest command (2^32 - 1 sectors) at the slowest bandwidth stays exact (no overflow). */
static void test_no_overflow(void **state)
{
	struct dev *d = dev_direct("link:latency=0,bandwidth=1K");
	uint64_t bytes = (uint64_t)UINT32_MAX * 512;

	(void)state;
	/* 2199023255040 bytes at 1024 B/s: 2147483647.5 s */
	assert_int_equal(at(d, DEV_READ, UINT32_MAX, 0), 2147483647500000000ULL);
	assert_int_equal(bytes % 1024, 512);
	dev_destroy(d);
	d = dev_direct("link:latency=0,bandwidth=16G");
	/* 2199023255040 bytes at 2^34 B/s: 127.99999997 s -> 127999999971 ns (rounded up) */
	assert_int_equal(at(d, DEV_READ, UINT32_MAX, 0), 127999999971ULL);
	dev_destroy(d);
}

/* Bad options are refused with the option's range. */
static void test_bad_options(void **state)
{
	struct dev *d = NULL;
	char err[256] = "";

	(void)state;
	assert_int_not_equal(dev_create("link:bandwidth=100", &dev_direct_env, &d, err, sizeof(err)), 0);
	assert_null(d);
	assert_non_null(strstr(err, "bandwidth"));
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_idle_service_time), cmocka_unit_test(test_fifo_queue),
	  cmocka_unit_test(test_no_overflow), cmocka_unit_test(test_bad_options));
