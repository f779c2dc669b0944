// SPDX-License-Identifier: GPL-2.0
/* test_dev_hdd.c - physics of the hdd model: media rate, random access time, rotation, NCQ, write cache. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/sim/dev_harness.h"
#include "tests/lib/test_main.h"

/*
 * Expected values come from the preset's own numbers (sata7200: rate_od 150 MB/s, rate_id
 * 75 MB/s, seek_avg 8.5 ms, 7200 rpm, overhead 0.1 ms), so each test states the physics it
 * checks rather than a figure copied from a run.
 */

#define REV_7200_MS (60000.0 / 7200.0)

/* Sequential reads stream at the zone's media rate (less the track-skew gap), outer and inner. */
static void test_sequential_reads_reach_media_rate(void **state)
{
	struct harness h;
	(void)state;

	H_OPEN(&h, "hdd:preset=sata7200", 4, 2048); /* 1 MiB */
	h.span_sect = h.d->size_bytes / 512;
	h.cursor = 0;
	uint64_t ns = h_run(&h, h_gen_seqread, 4, 300);
	double mbs = 300.0 * 1048576 / ((double)ns / 1e9) / 1e6;
	print_message("outer zone: %.1f MB/s (media 150)\n", mbs);
	assert_true(mbs > 0.85 * 150 && mbs <= 150.5);

	/* the innermost zone: start 1 GiB before the end */
	h.cursor = h.span_sect - 2 * 1024 * 1024;
	ns = h_run(&h, h_gen_seqread, 4, 300);
	mbs = 300.0 * 1048576 / ((double)ns / 1e9) / 1e6;
	print_message("inner zone: %.1f MB/s (media 75)\n", mbs);
	assert_true(mbs > 0.85 * 75 && mbs <= 75.5);

	/* small sequential reads at depth 1 ride the read-ahead: still near the media rate */
	h.bs_sect = 8;
	h.cursor = 0;
	ns = h_run(&h, h_gen_seqread, 1, 20000);
	mbs = 20000.0 * 4096 / ((double)ns / 1e9) / 1e6;
	print_message("4 KiB qd1 outer zone: %.1f MB/s\n", mbs);
	assert_true(mbs > 0.75 * 150 && mbs <= 150.5);
	H_FINI_CLEAN(&h);
}

/* Random 4 KiB reads at depth 1: seek_avg + half a revolution + overhead, on average. */
static void test_random_read_access_time(void **state)
{
	struct harness h;
	(void)state;

	H_OPEN(&h, "hdd:preset=sata7200", 1, 8);
	h.span_sect = h.d->size_bytes / 512;
	h_run(&h, h_gen_randread, 1, 4000);
	double want = 8.5 + REV_7200_MS / 2 + 0.1, got = h_mean_ms(&h);
	print_message("random 4K qd1: %.2f ms (seek 8.5 + half rev %.2f + 0.1)\n", got, REV_7200_MS / 2);
	assert_true(got > 0.95 * want && got < 1.05 * want);

	struct dev_stats st;
	dev_get_stats(h.d, h.q.now_ns, &st);
	assert_true(dev_stats_get(&st, "seeks") > 3900); /* nearly every command moved the arm */
	/* uniform random cylinders are on average a third of the stroke apart; the stroke is
	 * capacity / (heads * mean sectors per track) = 2^31 / (4 * (2441 + 1221) / 2) */
	double stroke = 2147483648.0 / (4 * (2441.4 + 1220.7) / 2);
	print_message("mean seek %.0f cylinders of %.0f\n", dev_stats_get(&st, "seek_mean_cyl"),
		      stroke);
	assert_true(dev_stats_get(&st, "seek_mean_cyl") > 0.28 * stroke &&
		    dev_stats_get(&st, "seek_mean_cyl") < 0.38 * stroke);
	/* the histogram's bins add up to every media access */
	assert_int_equal(dev_stats_get(&st, "seek_hist"), 4000);
	H_FINI_CLEAN(&h);

	/* the same for the 15k SAS preset: 3.3 + 2.0 + 0.05 */
	H_OPEN(&h, "hdd:preset=sas15k", 1, 8);
	h.span_sect = h.d->size_bytes / 512;
	h_run(&h, h_gen_randread, 1, 4000);
	got = h_mean_ms(&h);
	print_message("sas15k random 4K qd1: %.2f ms\n", got);
	assert_true(got > 0.95 * 5.35 && got < 1.05 * 5.35);
	H_FINI_CLEAN(&h);
}

/* The platter's angle is tracked: re-reading the sector just passed costs nearly a revolution. */
static int rot_step;
static void gen_same_track(struct harness *h, struct dev_io *io)
{
	io->op = DEV_READ;
	io->nsect = 8;
	io->sector = 1000000 + 8 * (uint64_t)rot_step++; /* the next 4 KiB each time */
	(void)h;
}

static void test_rotation_is_tracked(void **state)
{
	struct harness h;
	(void)state;

	/* no read-ahead, so the next sector is not in the buffer: the head must wait for it */
	assert_int_equal(h_init(&h, "hdd:preset=sata7200,readahead=0", 1), 0);
	rot_step = 0;
	h_run(&h, gen_same_track, 1, 1);
	h_run(&h, gen_same_track, 1, 200);
	double got = h_mean_ms(&h);
	print_message("back-to-back next-sector reads: %.2f ms (one revolution %.2f)\n", got,
		      REV_7200_MS);
	/* the overhead lets the sector slip by: nearly a full turn, not the average half */
	assert_true(got > 0.9 * REV_7200_MS && got < 1.1 * REV_7200_MS);
	H_FINI_CLEAN(&h);
}

/* At depth 32, shortest-positioning-time-first beats FIFO (and SSTF sits between). */
static double iops_with(const char *spec)
{
	struct harness h;

	H_OPEN(&h, spec, 32, 8);
	h.span_sect = h.d->size_bytes / 512;
	uint64_t ns = h_run(&h, h_gen_randread, 32, 3000);
	H_FINI_CLEAN(&h);
	return 3000.0 / ((double)ns / 1e9);
}

static void test_sptf_beats_fifo(void **state)
{
	(void)state;
	double fifo = iops_with("hdd:sched=fifo");
	double sstf = iops_with("hdd:sched=sstf");
	double elev = iops_with("hdd:sched=elevator");
	double sptf = iops_with("hdd:sched=sptf");
	print_message("qd32 random 4K IOPS: fifo %.0f sstf %.0f elevator %.0f sptf %.0f\n", fifo, sstf,
		      elev, sptf);
	assert_true(sptf > 1.8 * fifo);
	assert_true(sptf > sstf);
	assert_true(sstf > 1.2 * fifo);
	assert_true(elev > 1.2 * fifo);
	/* FIFO at depth 32 is no faster than depth 1: same seeks, same rotations */
	assert_true(fifo > 70 && fifo < 85);
}

/* Write cache: writes are acknowledged from the buffer; FLUSH waits until they are on media. */
static void test_write_cache_and_flush(void **state)
{
	struct harness h;
	(void)state;

	H_OPEN(&h, "hdd:preset=sata7200,wc_entries=16", 1, 8);
	double wr, fl;
	h_writes_then_flush(&h, 9, &wr, &fl); /* eight writes, then a flush while they are destaged */
	wr /= 1e6;
	fl /= 1e6;
	print_message("cached writes: mean %.3f ms; flush %.2f ms\n", wr, fl);
	assert_int_equal(h.lat_by_op_n[DEV_FLUSH], 1);
	assert_true(wr < 0.2);
	/* eight scattered writes to destage: several seeks' worth of time (SPTF shortens each) */
	assert_true(fl > 8 * 3.0);
	H_FINI_CLEAN(&h);

	/* without the write cache each random write pays seek and rotation */
	H_OPEN(&h, "hdd:preset=sata7200,write_cache=0", 1, 8);
	h.span_sect = h.d->size_bytes / 512;
	h_run(&h, h_gen_randwrite, 1, 500);
	print_message("uncached random writes: %.2f ms\n", h_mean_ms(&h));
	assert_true(h_mean_ms(&h) > 12.0);
	H_FINI_CLEAN(&h);
}

/* The seek-curve fit rejects datasheet numbers no rising curve can meet. */
static void test_bad_seek_numbers_rejected(void **state)
{
	struct harness h;
	(void)state;

	assert_int_not_equal(h_init(&h, "hdd:seek_1=1ms,seek_avg=15ms,seek_full=16ms", 1), 0);
	print_message("rejected: %s\n", h.why);
	assert_non_null(strstr(h.why, "seek"));
	h_fini(&h);
	assert_int_not_equal(h_init(&h, "hdd:rate_od=50,rate_id=100", 1), 0);
	assert_non_null(strstr(h.why, "rate_id"));
	h_fini(&h);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_sequential_reads_reach_media_rate),
	  cmocka_unit_test(test_random_read_access_time),
	  cmocka_unit_test(test_rotation_is_tracked), cmocka_unit_test(test_sptf_beats_fifo),
	  cmocka_unit_test(test_write_cache_and_flush),
	  cmocka_unit_test(test_bad_seek_numbers_rejected))
