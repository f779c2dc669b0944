// SPDX-License-Identifier: GPL-2.0
/* test_dev_ssd.c - physics of the ssd model: die parallelism, GC under sustained random writes, buffer, TRIM. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tests/sim/dev_harness.h"
#include "tests/lib/test_main.h"

/*
 * Reads spread over dies overlap: with fast channels and host link, random 4 KiB reads at depth
 * 32 are bound by the page read time of the planes, so throughput grows with their number.
 */
static double randread_iops(const char *spec, unsigned qd)
{
	struct harness h;

	H_OPEN(&h, spec, qd, 8);
	h.span_sect = h.d->size_bytes / 512;
	uint64_t ns = h_run(&h, h_gen_randread, qd, 20000);
	H_FINI_CLEAN(&h);
	return 20000.0 / ((double)ns / 1e9);
}

static void test_reads_over_dies_overlap(void **state)
{
	(void)state;
	const char *base = "ssd:preset=sata_slc,size=1G,ctrl=0,overhead=0,ch_rate=100000,"
			   "host_rate=100000,t_read=25us";
	char one[256], sixteen[256];
	snprintf(one, sizeof(one), "%s,channels=1,dies=1,planes=1", base);
	snprintf(sixteen, sizeof(sixteen), "%s,channels=4,dies=4,planes=1", base);
	double i1 = randread_iops(one, 32), i16 = randread_iops(sixteen, 32);
	double i16_qd1 = randread_iops(sixteen, 1);
	print_message("1 die: %.0f IOPS; 16 dies: %.0f IOPS at qd32, %.0f at qd1\n", i1, i16, i16_qd1);
	/* one plane: one 25 us page read at a time */
	assert_true(i1 > 0.95 * 40000 && i1 < 1.01 * 40000);
	/* sixteen planes overlap (random placement leaves some idle: not a full 16x) */
	assert_true(i16 > 8 * i1);
	/* depth 1 cannot use the parallelism */
	assert_true(i16_qd1 < 1.01 * 40000);
}

/* Sixteen reads submitted together to sixteen planes finish together, not one after another. */
static void test_simultaneous_reads_complete_together(void **state)
{
	struct harness h;
	(void)state;

	assert_int_equal(h_init(&h, "ssd:preset=sata_slc,size=1G,ctrl=0,overhead=0,ch_rate=100000,"
				    "host_rate=100000,channels=4,dies=4,planes=1",
				16),
			 0);
	h.bs_sect = 8;
	h.span_sect = h.d->size_bytes / 512;
	h.cursor = 0;
	h_run(&h, h_gen_seqread, 16, 16); /* consecutive slots are striped over the planes */
	print_message("16 parallel reads: max latency %.1f us\n", (double)h.lat_max / 1e3);
	assert_true(h.lat_max < 2 * 25000);
	H_FINI_CLEAN(&h);
}

/*
 * Sustained random writes on a full SSD: GC starts, write amplification rises above 1 by itself
 * (it is 1.00 until the drive is full) and writes get slower than on the fresh drive.
 */
static void test_gc_raises_wa_and_latency(void **state)
{
	struct harness h;
	struct dev_stats st;
	(void)state;

	/* small and without a buffer, so every write waits for its program */
	assert_int_equal(h_init(&h, "ssd:preset=sata_slc,size=64M,channels=2,dies=2,planes=1,"
				    "op=0.1,buffer=0,ctrl=0",
				8),
			 0);
	uint64_t slots = h.d->size_bytes / 4096;
	h.bs_sect = 8;
	h.span_sect = h.d->size_bytes / 512;

	/* fresh: the first half of the logical space, written randomly, finds free blocks */
	h.span_sect /= 2;
	h_run(&h, h_gen_randwrite, 8, slots / 4);
	double fresh = h_mean_ms(&h);
	dev_get_stats(h.d, h.q.now_ns, &st);
	print_message("fresh: %.3f ms, WA %.2f, GC runs %llu\n", fresh,
		      dev_stats_get(&st, "write_amplification"),
		      (unsigned long long)dev_stats_get(&st, "gc_runs"));
	assert_int_equal(dev_stats_get(&st, "gc_runs"), 0);
	assert_true(dev_stats_get(&st, "write_amplification") > 0.999 &&
		    dev_stats_get(&st, "write_amplification") < 1.001);

	/* fill the whole drive sequentially, then overwrite it randomly four times */
	h.span_sect = h.d->size_bytes / 512;
	h.cursor = 0;
	h_run(&h, h_gen_seqwrite, 8, slots);
	uint64_t host0 = st.bytes_written;
	dev_get_stats(h.d, h.q.now_ns, &st);
	uint64_t media0 = dev_stats_get(&st, "media_bytes_written");
	host0 = st.bytes_written;
	h_run(&h, h_gen_randwrite, 8, 4 * slots);
	double steady = h_mean_ms(&h);
	dev_get_stats(h.d, h.q.now_ns, &st);
	double wa = (double)(dev_stats_get(&st, "media_bytes_written") - media0) /
		    (double)(st.bytes_written - host0);
	print_message("steady random writes: %.3f ms, WA %.2f, GC runs %llu, erases %llu\n", steady,
		      wa, (unsigned long long)dev_stats_get(&st, "gc_runs"),
		      (unsigned long long)dev_stats_get(&st, "erases"));
	assert_true(dev_stats_get(&st, "gc_runs") > 0);
	assert_true(dev_stats_get(&st, "erases") == dev_stats_get(&st, "gc_runs"));
	/* greedy GC with ~10 % spare (less the blocks held open and in reserve on a drive this
	 * small) under uniform random writes: WA well above 1 */
	assert_true(wa > 2.0 && wa < 12.0);
	assert_true(steady > 2 * fresh);
	assert_true(dev_stats_get(&st, "write_amplification") >
		    1.5); /* cumulative, reported through dev_stats */
	H_FINI_CLEAN(&h);
}

/* More spare area, less write amplification: WA is an outcome of the FTL, not a constant. */
static double steady_wa(const char *spec)
{
	struct harness h;
	struct dev_stats st;

	assert_int_equal(h_init(&h, spec, 8), 0);
	uint64_t slots = h.d->size_bytes / 4096;
	h.bs_sect = 8;
	h.span_sect = h.d->size_bytes / 512;
	h_run(&h, h_gen_seqwrite, 8, slots);
	dev_get_stats(h.d, h.q.now_ns, &st);
	uint64_t m0 = dev_stats_get(&st, "media_bytes_written"), b0 = st.bytes_written;
	h_run(&h, h_gen_randwrite, 8, 4 * slots);
	dev_get_stats(h.d, h.q.now_ns, &st);
	H_FINI_CLEAN(&h);
	return (double)(dev_stats_get(&st, "media_bytes_written") - m0) /
	       (double)(st.bytes_written - b0);
}

static void test_wa_follows_overprovisioning(void **state)
{
	(void)state;
	double lo = steady_wa("ssd:preset=sata_slc,size=64M,channels=2,dies=2,op=0.07");
	double mid = steady_wa("ssd:preset=sata_slc,size=64M,channels=2,dies=2,op=0.25");
	double hi = steady_wa("ssd:preset=sata_slc,size=64M,channels=2,dies=2,op=1.0");
	print_message("WA at op 0.07 / 0.25 / 1.0: %.2f / %.2f / %.2f\n", lo, mid, hi);
	assert_true(lo > mid && mid > hi);
	assert_true(hi > 1.0 && hi < 1.6);
}

/* TRIM frees slots: rewriting after a discard of the whole drive costs no GC copying. */
static int trim_n;
static void gen_trim_all(struct harness *h, struct dev_io *io)
{
	io->op = DEV_DISCARD;
	io->sector = (uint64_t)trim_n++ * 2048;
	io->nsect = 2048;
	(void)h;
}

static void test_trim(void **state)
{
	struct harness h;
	struct dev_stats st;
	(void)state;

	assert_int_equal(h_init(&h, "ssd:preset=sata_slc,size=64M,channels=2,dies=2,op=0.07", 8), 0);
	uint64_t slots = h.d->size_bytes / 4096;
	h.bs_sect = 8;
	h.span_sect = h.d->size_bytes / 512;
	h_run(&h, h_gen_seqwrite, 8, slots);
	trim_n = 0;
	h_run(&h, gen_trim_all, 8, h.span_sect / 2048);
	dev_get_stats(h.d, h.q.now_ns, &st);
	uint64_t m0 = dev_stats_get(&st, "media_bytes_written"), b0 = st.bytes_written;
	h.cursor = 0;
	h_run(&h, h_gen_seqwrite, 8, slots);
	dev_get_stats(h.d, h.q.now_ns, &st);
	double wa = (double)(dev_stats_get(&st, "media_bytes_written") - m0) /
		    (double)(st.bytes_written - b0);
	print_message("rewrite after TRIM: WA %.3f\n", wa);
	assert_true(wa < 1.01);
	H_FINI_CLEAN(&h);
}

/* The write buffer acknowledges at host-transfer speed; FLUSH waits for the programs. */
static void test_buffer_and_flush(void **state)
{
	struct harness h;
	(void)state;

	H_OPEN(&h, "ssd:preset=sata_slc,size=1G,buffer=1M,ctrl=0", 1, 8);
	double wr, fl;
	h_writes_then_flush(&h, 33, &wr, &fl);
	wr /= 1e3;
	fl /= 1e3;
	print_message("buffered writes %.1f us, flush %.1f us\n", wr, fl);
	assert_true(wr < 50);  /* 4 KiB over a 300 MB/s link: 13.7 us */
	assert_true(fl > 150); /* the last page still had its 200 us program to run */
	H_FINI_CLEAN(&h);
}

/*
 * Dynamic allocation sends writes away from a plane kept busy by reads, so the other plane can
 * come to hold more valid data than it has blocks for (an FTL that does not guard against it
 * fails `un->nr_free > 0`, exit 134). Two planes; reads of never-written slots at even addresses go
 * to plane 0 and keep it busy, so every write lands on plane 1, whose 548 blocks of 4 slots
 * cannot hold the 3000 distinct slots written. The FTL must place the pages plane 1 has no room
 * for on plane 0, busy or not, and keep GC able to run.
 */
static void test_busy_plane_does_not_overfill_the_other(void **state)
{
	struct harness h;
	struct dev_io io;
	struct dev_stats st;
	uint64_t now = 0, reads = 0, writes = 0;
	(void)state;

	assert_int_equal(h_init(&h, "ssd:preset=sata_slc,size=16M,channels=2,dies=1,planes=1,"
				    "pages_per_block=4,op=0.07,buffer=0,ctrl=0,overhead=0",
				1),
			 0);
	for (int round = 0; round < 4; round++) {
		for (uint64_t l = 0; l < 3000; l++) {
			for (int k = 0; k < 24; k++) { /* 24 x 25 us on plane 0: busy past 2 t_prog */
				memset(&io, 0, sizeof(io));
				io.op = DEV_READ;
				io.sector = (3000 + 2 * (uint64_t)((l * 24 + (uint64_t)k) % 500)) * 8;
				io.nsect = 8;
				assert_int_equal(dev_submit(h.d, &io, now), DEV_Q_COMPLETED);
				dev_account_complete(h.d, &io, io.done_ns);
				reads++;
			}
			memset(&io, 0, sizeof(io));
			io.op = DEV_WRITE;
			io.sector = l * 8;
			io.nsect = 8;
			assert_int_equal(dev_submit(h.d, &io, now), DEV_Q_COMPLETED);
			assert_true(io.done_ns >= now);
			dev_account_complete(h.d, &io, io.done_ns);
			writes++;
			now += 1000000; /* 1 ms: plane 1 is idle again, plane 0 is kept busy */
		}
	}
	dev_get_stats(h.d, now, &st);
	print_message("%llu reads, %llu writes: WA %.2f, %llu GC runs\n", (unsigned long long)reads,
		      (unsigned long long)writes, dev_stats_get(&st, "write_amplification"),
		      (unsigned long long)dev_stats_get(&st, "gc_runs"));
	assert_int_equal(st.nr_writes, writes);
	assert_int_equal(st.nr_reads, reads);
	h_fini(&h);
}

/*
 * The same case on a preset's geometry (sata_slc, 64 MiB: 40 planes of 12 blocks of 64
 * slots, a logical share of 6.4 blocks each): a hot set of 40 slots re-read four times between
 * writes keeps the planes holding it busy, while the whole logical space is rewritten twice.
 * An FTL without the guard fails `un->nr_free > 0` during the second pass.
 */
static void test_hot_reads_between_rewrites_sata_slc_64m(void **state)
{
	struct harness h;
	struct dev_io io;
	struct dev_stats st;
	uint64_t now = 0, slots, writes = 0;
	(void)state;

	assert_int_equal(h_init(&h, "ssd:preset=sata_slc,size=64M", 1), 0);
	slots = h.d->size_bytes / 4096;
	for (int round = 0; round < 2; round++)
		for (uint64_t l = 0; l < slots; l++) {
			for (uint64_t k = 0; k < 40; k++) {
				memset(&io, 0, sizeof(io));
				io.op = DEV_READ;
				io.sector = (40000 + k % 10 + 40 * (k / 10)) % slots * 8;
				io.nsect = 8;
				dev_submit(h.d, &io, now);
				dev_account_complete(h.d, &io, io.done_ns);
			}
			memset(&io, 0, sizeof(io));
			io.op = DEV_WRITE;
			io.sector = l * 8;
			io.nsect = 8;
			dev_submit(h.d, &io, now);
			assert_true(io.done_ns >= now);
			dev_account_complete(h.d, &io, io.done_ns);
			writes++;
			now += 1000000;
		}
	dev_get_stats(h.d, now, &st);
	print_message("%llu writes: WA %.2f, %llu GC runs\n", (unsigned long long)writes,
		      dev_stats_get(&st, "write_amplification"),
		      (unsigned long long)dev_stats_get(&st, "gc_runs"));
	assert_int_equal(st.nr_writes, writes);
	h_fini(&h);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_reads_over_dies_overlap),
	  cmocka_unit_test(test_simultaneous_reads_complete_together),
	  cmocka_unit_test(test_gc_raises_wa_and_latency),
	  cmocka_unit_test(test_wa_follows_overprovisioning), cmocka_unit_test(test_trim),
	  cmocka_unit_test(test_buffer_and_flush),
	  cmocka_unit_test(test_busy_plane_does_not_overfill_the_other),
	  cmocka_unit_test(test_hot_reads_between_rewrites_sata_slc_64m))
