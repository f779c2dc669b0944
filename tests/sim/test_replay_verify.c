// SPDX-License-Identifier: GPL-2.0
/* test_replay_verify.c - replay --verify's verdicts on hand-made read data, and CRC32C. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/replay_sector.h"
#include "sim/replay_verify.h"
#include "tests/lib/test_main.h"

#define RUN 77u

static void write_req(struct rverify *v, uint64_t sector, uint32_t nsect, uint64_t version)
{
	struct dm_req r = {.sector = sector, .nsect = nsect, .version = version};
	struct dm_piece p = {.req = &r, .op = 'W', .sector = sector, .nsect = nsect};

	p.b.piece = &p; /* as dm's piece_new does: the snapshot is freed with the piece's bio */

	rverify_mapped(v, &p);
	/* the buffer holds this run's headers for each sector */
	struct rsec_hdr h;
	assert_int_equal(rsec_check(rverify_buf(&p.b), &h), RSEC_VALID);
	assert_int_equal(h.run_id, RUN);
	assert_int_equal(h.sector, sector);
	assert_int_equal(h.gen, version);
	rverify_bio_free(v, &p.b);
	rverify_req_done(v, &r);
}

/* A read of one sector at `sector` whose device returned `fill` (called on the buffer). */
static void read_back(struct rverify *v, uint64_t sector, void (*fill)(void *buf, uint64_t sector, uint64_t arg),
		      uint64_t arg)
{
	struct dm_req r = {.sector = sector, .nsect = 1};
	struct dm_piece p = {.req = &r, .op = 'R', .sector = sector, .nsect = 1, .device_io = true,
			     .served_by = BDEV_CACHE};

	p.b.piece = &p;

	rverify_mapped(v, &p);
	fill(rverify_buf(&p.b), sector, arg);
	rverify_piece_done(v, &p, 0, 1000);
	rverify_bio_free(v, &p.b);
}

static void own_gen(void *b, uint64_t s, uint64_t gen) { rsec_fill(b, RUN, s, gen); }
static void other_sector(void *b, uint64_t s, uint64_t gen) { rsec_fill(b, RUN, s + 1, gen); }
static void zeros(void *b, uint64_t s, uint64_t a) { (void)s, (void)a; memset(b, 0, 512); }
static void target_prefill(void *b, uint64_t s, uint64_t a) { (void)a; rsec_fill(b, RSEC_PREFILL_TARGET, s, 0); }
static void cache_prefill(void *b, uint64_t s, uint64_t a) { (void)a; rsec_fill(b, RSEC_PREFILL_CACHE, s, 0); }
static void flipped(void *b, uint64_t s, uint64_t off)
{
	rsec_fill(b, RUN, s, 2);
	((unsigned char *)b)[off] ^= 0x10;
}

static void test_verdicts(void **state)
{
	struct replay_result rr;
	struct rverify *v = rverify_new(RUN, NULL);
	(void)state;

	/* nothing acknowledged yet: zeros and the target's prefill are "never written" */
	read_back(v, 10, zeros, 0);
	read_back(v, 10, target_prefill, 0);
	rverify_result(v, &rr);
	assert_int_equal(rr.checked_reads, 2);
	assert_int_equal(rr.never_written, 2);
	assert_int_equal(rr.mismatches, 0);

	write_req(v, 10, 1, 1);
	write_req(v, 10, 1, 2);
	read_back(v, 10, own_gen, 2);        /* the newest: fine */
	read_back(v, 10, own_gen, 3);        /* newer than acknowledged (in flight): fine */
	read_back(v, 10, own_gen, 1);        /* stale */
	read_back(v, 10, zeros, 0);          /* acknowledged data lost: stale */
	read_back(v, 10, other_sector, 2);   /* another sector's data: misplaced */
	read_back(v, 10, cache_prefill, 0);  /* the cache's own garbage: misplaced */
	read_back(v, 10, flipped, 0);        /* a flipped magic byte: corrupt */
	read_back(v, 10, flipped, 300);      /* a flipped filler byte: corrupt (CRC) */
	rverify_result(v, &rr);
	assert_int_equal(rr.checked_reads, 10);
	assert_int_equal(rr.stale, 2);
	assert_int_equal(rr.misplaced, 2);
	assert_int_equal(rr.corrupt, 2);
	assert_int_equal(rr.mismatches, 6);
	assert_int_equal(rr.never_written, 3); /* the two before, and the zeros after the writes */
	rverify_free(v);
}

/* One read piece of 4 sectors at target sector 100, served by the cache at cache sector 40. */
struct rd {
	struct dm_req r;
	struct dm_piece p;
	struct dm_dio d;
};

static void rd_start(struct rverify *v, struct rd *x)
{
	memset(x, 0, sizeof(*x));
	x->r = (struct dm_req){.sector = 100, .nsect = 4};
	x->p = (struct dm_piece){.req = &x->r, .op = 'R', .sector = 100, .nsect = 4, .device_io = true,
				 .served_by = BDEV_CACHE};
	x->p.b.piece = &x->p;
	rverify_mapped(v, &x->p);
	x->d = (struct dm_dio){.io = {.op = DEV_READ, .sector = 40, .nsect = 4}, .dev = BDEV_CACHE,
			       .data = &x->p.b, .piece = &x->p};
	rverify_dio_submit(v, &x->d);
}

/* The device returns generation 2 of the 4 sectors, sector `bad` (-1: none) torn. */
static void rd_finish(struct rverify *v, struct rd *x, int bad)
{
	char *buf = rverify_buf(&x->p.b);
	for (int i = 0; i < 4; i++)
		rsec_fill(buf + i * 512, RUN, 100 + (uint64_t)i, 2);
	if (bad >= 0)
		memset(buf + bad * 512 + 256, 0xa5, 64); /* half old, half new: a bad CRC */
	rverify_dio_done(v, &x->d);
	rverify_piece_done(v, &x->p, 0, 1000);
	rverify_bio_free(v, &x->p.b);
}

static struct dm_dio dev_write(enum bio_bdev dev, uint64_t sector, uint32_t nsect)
{
	return (struct dm_dio){.io = {.op = DEV_WRITE, .sector = sector, .nsect = nsect}, .dev = dev};
}

/* The verifier's counts so far. */
static void expect(const struct rverify *v, uint64_t racing, uint64_t torn, uint64_t corrupt, uint64_t stale,
		   uint64_t mismatches)
{
	struct replay_result rr;

	rverify_result(v, &rr);
	assert_int_equal(rr.racing, racing);
	assert_int_equal(rr.torn, torn);
	assert_int_equal(rr.corrupt, corrupt);
	assert_int_equal(rr.stale, stale);
	assert_int_equal(rr.mismatches, mismatches);
}

static void test_racing(void **state)
{
	struct replay_result rr;
	struct rverify *v = rverify_new(RUN, NULL);
	struct rd x;
	(void)state;

	write_req(v, 100, 4, 2); /* acknowledged: generation 2 of sectors 100..103 */

	/* a write of cache sector 42 in flight when the read is submitted: sector 102 races */
	struct dm_dio w = dev_write(BDEV_CACHE, 42, 1);
	rverify_dio_submit(v, &w);
	rd_start(v, &x);
	rverify_dio_done(v, &w);
	assert_true(rverify_dio_racing(v, &x.d));
	rd_finish(v, &x, 2); /* torn where it raced: a tear, not a mismatch */
	expect(v, 1, 1, 0, 0, 0);

	/* a write submitted during the read's flight: sector 43 -> 103 races; 101 torn is not
	 * explained by it: corrupt */
	rd_start(v, &x);
	w = dev_write(BDEV_CACHE, 43, 8);
	rverify_dio_submit(v, &w);
	rd_finish(v, &x, 1);
	rverify_dio_done(v, &w);
	expect(v, 2, 1, 1, 0, 1);

	/* not racing: the same sectors on the other device, a write that ended before, a read in
	 * flight (reads do not race reads) */
	w = dev_write(BDEV_TARGET, 40, 4);
	rverify_dio_submit(v, &w);
	struct dm_dio w2 = dev_write(BDEV_CACHE, 40, 4);
	rverify_dio_submit(v, &w2);
	rverify_dio_done(v, &w2);
	struct rd y;
	rd_start(v, &y);
	rd_start(v, &x);
	assert_false(rverify_dio_racing(v, &x.d));
	rd_finish(v, &x, 3);
	rd_finish(v, &y, -1);
	rverify_dio_done(v, &w);
	expect(v, 2, 1, 2, 0, 2);
	rverify_result(v, &rr);
	assert_int_equal(rr.checked_reads, 4);

	/* a racing read with whole but stale data is still stale */
	write_req(v, 100, 4, 3);
	w = dev_write(BDEV_CACHE, 40, 4);
	rverify_dio_submit(v, &w);
	rd_start(v, &x);
	rd_finish(v, &x, -1); /* generation 2 < 3 */
	rverify_dio_done(v, &w);
	expect(v, 3, 1, 2, 1, 3);
	rverify_free(v);
}

static void test_crc32c(void **state)
{
	(void)state;
	/* RFC 3720 B.4: 32 bytes of zeros, and "123456789" (the usual check value) */
	unsigned char z[32] = {0};
	assert_int_equal(rsec_crc32c(0, z, sizeof(z)), 0x8A9136AAu);
	assert_int_equal(rsec_crc32c(0, "123456789", 9), 0xE3069283u);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_verdicts), cmocka_unit_test(test_racing),
	  cmocka_unit_test(test_crc32c))
