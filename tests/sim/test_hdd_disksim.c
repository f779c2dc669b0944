// SPDX-License-Identifier: GPL-2.0
/* test_hdd_disksim.c - physics of what the hdd model grew for DiskSim's drives: preset
 * files, zone lists with skews, slips and spares, seek tables and the hpl curve, the DiskSim
 * head-switch composition, split overheads, bus time per block with a water mark, streaming
 * writes, track read-ahead and destaged data kept in the buffer.
 *
 * Each test builds a tiny drive whose numbers make the arithmetic exact: 6000 rpm (a 10 ms
 * revolution), 100 sectors per track (0.1 ms a sector), no overheads unless the test sets
 * them, and reads the completion times one request at a time from a fresh device, so the head
 * starts at cylinder 0, head 0, angle 0. Rotation makes the seek time visible: a sector at
 * angle A is read at A + 0.1 ms when the head arrives by A, one revolution later otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/device.h"
#include "tests/lib/test_main.h"

#define MS 1000000ULL

/* the common part: no overheads, a 1 ns/block bus, no cache effects unless asked */
static const char base[] = "rpm=6000\nheads=1\nsettle=0\nwrite_settle=0\nhead_switch=0\n"
			   "overhead=0\nhit_overhead=0\nbus_block_read=1ns\nbus_block_write=1ns\n"
			   "readahead=0\nwrite_cache=0\ncache_segments=1\nqueue_depth=1\nsched=fifo\n"
			   "headsw_max=1\n";

struct one {
	struct dev *d;
	struct dev_env env;
	uint64_t timer_at, done_at;
	bool timer_set, done;
};

static void one_complete(void *host, struct dev_io *io, uint64_t t)
{
	struct one *o = host;
	(void)io;
	o->done = true;
	o->done_at = t;
}

static void one_timer(void *host, struct dev *d, uint64_t t)
{
	struct one *o = host;
	(void)d;
	o->timer_set = true;
	o->timer_at = t;
}

static char path[64];

/* Write base + extra to a preset file; returns "hdd:file=PATH" + spec_extra in buf. */
static const char *make_spec(const char *extra, const char *spec_extra, char *buf, size_t len)
{
	snprintf(path, sizeof(path), "/tmp/ssdsim_hddds_%d.hdd", (int)getpid());
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(base, fp);
	fputs(extra, fp);
	assert_int_equal(fclose(fp), 0);
	snprintf(buf, len, "hdd:file=%s%s", path, spec_extra ? spec_extra : "");
	return buf;
}

static int open_dev(struct one *o, const char *spec, char *err, size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->env.host = o;
	o->env.complete = one_complete;
	o->env.timer = one_timer;
	return dev_create(spec, &o->env, &o->d, err, errlen);
}

/* A drive from base + extra (and spec_extra after file=), or the test fails with the error. */
static void open_file(struct one *o, const char *extra, const char *spec_extra)
{
	char buf[256], err[256];

	if (open_dev(o, make_spec(extra, spec_extra, buf, sizeof(buf)), err, sizeof(err)))
		fail_msg("%s", err);
}

/* Submit one request at time t and run the model until it completes; returns the latency. */
static uint64_t run_io(struct one *o, enum dev_op op, uint64_t lba, uint32_t n, uint64_t t)
{
	struct dev_io io = {.op = op, .sector = lba, .nsect = n};
	o->done = false;
	if (dev_submit(o->d, &io, t) == DEV_Q_COMPLETED)
		return io.done_ns - t;
	for (int guard = 0; !o->done && guard < 1000; guard++) {
		assert_true(o->timer_set);
		o->timer_set = false;
		o->d->ops->timer(o->d, o->timer_at);
	}
	assert_true(o->done);
	return o->done_at - t;
}

/* Let the drive finish background work (destages) up to time t. */
static void idle_until(struct one *o, uint64_t t)
{
	while (o->timer_set && o->timer_at <= t) {
		o->timer_set = false;
		o->d->ops->timer(o->d, o->timer_at);
	}
}

/* One request at time 0 on a fresh drive (open_file's extra and spec_extra): its latency. */
static uint64_t fresh_io(const char *extra, const char *spec_extra, enum dev_op op, uint64_t lba,
			 uint32_t n)
{
	struct one o;
	open_file(&o, extra, spec_extra);
	uint64_t l = run_io(&o, op, lba, n, 0);
	dev_destroy(o.d);
	return l;
}

/* One read on a fresh drive. */
static uint64_t fresh_read(const char *extra, uint64_t lba, uint32_t n)
{
	return fresh_io(extra, NULL, DEV_READ, lba, n);
}

/* A step of a scenario run twice, without and with one setting: a request (n == 0: let the
 * drive idle until at), and what its latency must be in each run (want[0] without, [1] with). */
enum rel { ANY, EQ, GE, GT };
struct want {
	enum rel rel;
	uint64_t ns;
};
struct step {
	enum dev_op op;
	uint64_t lba;
	uint32_t n;
	uint64_t at;
	struct want want[2];
};
#define NOCHECK {{ANY, 0}, {ANY, 0}}
#define BOTH(r, v) {{r, v}, {r, v}}

/* The scenario on a drive from f with spec_extra off, then with on (NULL: file alone). */
static void two_ways(const char *f, const char *off, const char *on, const struct step *st,
		     size_t nst)
{
	static const char *const rel_name[] = {"", "==", ">=", ">"};

	for (int w = 0; w <= 1; w++) {
		struct one o;
		open_file(&o, f, w ? on : off);
		for (size_t i = 0; i < nst; i++) {
			const struct want *x = &st[i].want[w];
			uint64_t l;
			bool good;
			if (!st[i].n) {
				idle_until(&o, st[i].at);
				continue;
			}
			l = run_io(&o, st[i].op, st[i].lba, st[i].n, st[i].at);
			good = x->rel == ANY || (x->rel == EQ && l == x->ns) ||
			       (x->rel == GE && l >= x->ns) || (x->rel == GT && l > x->ns);
			if (!good)
				fail_msg("%s, step %zu: %llu ns, expected %s %llu", w ? "with" : "without",
					 i, (unsigned long long)l, rel_name[x->rel],
					 (unsigned long long)x->ns);
		}
		dev_destroy(o.d);
	}
}
#define TWO_WAYS(f, off, on, steps) two_ways(f, off, on, steps, sizeof(steps) / sizeof(steps[0]))

#define ZONE1 "size=51200000\nzone 0 999 100 0 0 0 0 0\n" /* 1000 cyl x 100 sectors */
/* ZONE1 with a 1 ms seek everywhere and a 1 MiB drive cache: what the cache cases start from. */
#define CACHED ZONE1 "seek 1 1ms\ncache_size=1M\n"

/* The seek table is interpolated linearly: seek(50) = 1 + 49/99 * 4 = 2.9798 ms, so the head
 * reaches sector 30 (3.0 ms) in time but not sector 29 (2.9 ms). */
static void test_seek_table_interpolates(void **state)
{
	(void)state;
	const char *f = ZONE1 "seek 1 1ms\nseek 100 5ms\nseek 500 9ms\n";
	assert_int_equal(fresh_read(f, 50 * 100 + 30, 1), 3 * MS + MS / 10 + 1);
	assert_int_equal(fresh_read(f, 50 * 100 + 29, 1), 13 * MS + 1);
	/* beyond the last point: extrapolated from the last two, seek(900) = 9 + 400/400*4 = 13 ms:
	 * the head arrives at angle 3.0 ms, sector 30 exactly; sector 29 waits a revolution */
	assert_int_equal(fresh_read(f, 900 * 100 + 30, 1), 13 * MS + MS / 10 + 1);
	assert_int_equal(fresh_read(f, 900 * 100 + 29, 1), 23 * MS + 1);
}

/* Past the table, the hpl curve: d < V1: V2 + V3*sqrt(d); else V4 + V5*d (ms). */
static void test_seek_hpl(void **state)
{
	(void)state;
	const char *f = ZONE1 "seek 1 1ms\nseek_hpl 300 2 0.5 4 0.01\n";
	/* seek(100) = 2 + 0.5*10 = 7 ms: sector 70 in time, 69 not */
	assert_int_equal(fresh_read(f, 100 * 100 + 70, 1), 7 * MS + MS / 10 + 1);
	assert_int_equal(fresh_read(f, 100 * 100 + 69, 1), 16 * MS + MS + 1);
	/* seek(800) = 4 + 8 = 12 ms: the head arrives at angle 2.0 ms, sector 20 */
	assert_int_equal(fresh_read(f, 800 * 100 + 20, 1), 12 * MS + MS / 10 + 1);
	assert_int_equal(fresh_read(f, 800 * 100 + 19, 1), 22 * MS + 1);
}

/* Zone list: sectors per track by zone, track and cylinder skews, front space, spares. */
static void test_zone_list_layout(void **state)
{
	(void)state;
	/* 2 heads; zone 1: cylinders 0-19, 100 spt, track skew 10, cylinder skew 25, 100 sectors
	 * of front space; zone 2: cylinders 30-39 (20-29 unused), 50 spt, offset 5 */
	const char *f = "heads=2\nsize=2400K\nzone 0 19 100 10 25 0 100 0\n"
			"zone 30 39 50 0 0 5 0 0\nseek 1 1ms\nseek 30 2ms\n";
	/* LBA 0 is physical sector 100: head 1, sector 0, rotated by one track skew: 1.0 ms */
	assert_int_equal(fresh_read(f, 0, 1), MS + MS / 10 + 1);
	/* LBA 100: cylinder 1 head 0 sector 0, rotated by (2-1)*10 + 25 = 35 sectors: 3.5 ms */
	assert_int_equal(fresh_read(f, 100, 1), 3 * MS + MS / 2 + MS / 10 + 1);
	/* zone 2 starts at LBA 20*2*100 - 100 = 3900: cylinder 30, sector 0 at offset 5 of 50
	 * (1.0 ms); seek(30) = 2 ms > 1 ms: the next pass, 11 ms, + 0.2 ms for the sector */
	assert_int_equal(fresh_read(f, 3900, 1), 11 * MS + MS / 5 + 1);
	/* the size may not exceed the zones' data sectors (3900 without zone 2) */
	char buf[128], err[256];
	struct one o;
	int r = open_dev(&o, make_spec("heads=2\nzone 0 19 100 10 25 0 100 0\nsize=2M\n", NULL, buf,
				       sizeof(buf)),
			 err, sizeof(err));
	assert_int_not_equal(r, 0);
	assert_non_null(strstr(err, "exceeds the zone list"));
}

/* Slips: a slipped sector shifts the blocks after it by one sector; a slipped track (track
 * sparing) by one track. */
static void test_slips(void **state)
{
	(void)state;
	assert_int_equal(fresh_read(ZONE1 "seek 1 1ms\n", 5, 1), MS / 2 + MS / 10 + 1);
	assert_int_equal(fresh_read(ZONE1 "seek 1 1ms\nslip 1 3\n", 5, 1), 6 * MS / 10 + MS / 10 + 1);
	assert_int_equal(fresh_read(ZONE1 "seek 1 1ms\nslip 1 7\n", 5, 1), MS / 2 + MS / 10 + 1);
	/* heads=2, slipped track 1: LBA 100 (logical track 1) is on physical track 2, cylinder 1:
	 * a 1 ms seek to sector 0, next pass at 10 ms */
	const char *t = "heads=2\nsize=1M\nslip_tracks=1\nzone 0 99 100 0 0 0 0 200\nslip 1 1\n"
			"seek 1 1ms\n";
	assert_int_equal(fresh_read(t, 100, 1), 10 * MS + MS / 10 + 1);
	assert_int_equal(fresh_read("heads=2\nsize=1M\nzone 0 99 100 0 0 0 0 200\nseek 1 1ms\n",
				    100, 1),
			 MS / 10 + 1); /* no slip: head 1, same cylinder, sector 0 under the head */
}

/* headsw_max: a head switch during a seek costs the longer of the two; a write then settles. */
static void test_headswitch_composition(void **state)
{
	(void)state;
	/* heads=2; cylinder 1 head 1 = LBA 300; seek(1) = 1 ms, head switch 2 ms */
	const char *f = "heads=2\nsize=10000K\nzone 0 99 100 0 0 0 0 0\nseek 1 1ms\nhead_switch=2ms\n";
	/* sector 20 (2.0 ms) is reached, 19 is not */
	assert_int_equal(fresh_read(f, 300 + 20, 1), 2 * MS + MS / 10 + 1);
	assert_int_equal(fresh_read(f, 300 + 19, 1), 11 * MS + 9 * MS / 10 + MS / 10 + 1);
	/* the classic composition charges the seek only when the cylinder changes */
	char g[256];
	snprintf(g, sizeof(g), "%sheadsw_max=0\n", f);
	assert_int_equal(fresh_read(g, 300 + 10, 1), MS + MS / 10 + 1);
	/* a write settles after the move: 2 + 0.5 ms, so sector 25 but not 24 */
	struct one o;
	snprintf(g, sizeof(g), "%swrite_settle=0.5ms\n", f);
	open_file(&o, g, NULL);
	assert_int_equal(run_io(&o, DEV_WRITE, 300 + 25, 1, 0), 2 * MS + MS / 2 + MS / 10);
	dev_destroy(o.d);
	open_file(&o, g, NULL);
	assert_int_equal(run_io(&o, DEV_WRITE, 300 + 24, 1, 0), 12 * MS + 4 * MS / 10 + MS / 10);
	dev_destroy(o.d);
}

/* Split overheads: by operation, hit or miss, and the previous command; completion overheads;
 * the bus time per block. Options after file= override the file. */
static void test_split_overheads(void **state)
{
	(void)state;
	struct one o;
	const char *f = ZONE1 "seek 1 1ms\nsplit_overheads=1\nwrite_cache=1\ncache_size=1M\n"
			      "ovh_rhit_r=100us\novh_rhit_w=200us\novh_whit_r=300us\novh_whit_w=400us\n"
			      "ovh_done_read=10us\novh_done_write=20us\n";
	open_file(&o, f, ",bus_block_read=5us,bus_block_write=7us");
	/* a cached write after nothing (counted as after a read): 300 + 4*7 + 20 us */
	assert_int_equal(run_io(&o, DEV_WRITE, 5000, 4, 0), 348000);
	/* a second cached write, after a write: 400 + 28 + 20 */
	assert_int_equal(run_io(&o, DEV_WRITE, 6000, 4, 1 * MS), 448000);
	/* reading the cached data: a read hit after a write: 200 + 4*5 + 10 */
	assert_int_equal(run_io(&o, DEV_READ, 6000, 4, 2 * MS), 230000);
	/* and after a read: 100 + 20 + 10 */
	assert_int_equal(run_io(&o, DEV_READ, 6000, 4, 3 * MS), 130000);
	dev_destroy(o.d);
}

/* Bus slower than the media: the transfer to the host starts once bus_watermark of the request
 * is in the buffer (plus the reselect), and runs at the bus rate. */
static void test_bus_watermark(void **state)
{
	(void)state;
	const char *f = ZONE1 "seek 1 1ms\nsplit_overheads=1\novh_reselect=50us\nbus_watermark=0.5\n"
			      "bus_block_read=300us\n";
	/* 10 sectors from sector 0: media 0..1 ms; half in the buffer at 0.5 ms, + 50 us, then
	 * 10 * 0.3 ms: 3.55 ms */
	assert_int_equal(fresh_io(f, NULL, DEV_READ, 0, 10), 3550000);
	/* a fast bus: the media's end plus one block */
	assert_int_equal(fresh_io(f, ",bus_block_read=10us", DEV_READ, 0, 10), 1010000);
}

/* An uncached write streams: with a 0.3 ms/block bus and 0.1 ms/sector media, 10 blocks can
 * start on the media at 10*0.3 - 9*0.1 = 2.1 ms (the last block then arrives just in time). */
static void test_streaming_write(void **state)
{
	(void)state;
	const char *f = ZONE1 "seek 1 1ms\nbus_block_write=300us\n";
	/* sector 21 (2.1 ms) is the first reachable: 2.1 + 1.0 ms */
	assert_int_equal(fresh_io(f, NULL, DEV_WRITE, 21, 10), 3100000);
	assert_int_equal(fresh_io(f, NULL, DEV_WRITE, 20, 10), 12 * MS + MS);
}

/* ra_track: read ahead to the end of the track (DEC's scheme), not readahead bytes. */
static void test_track_readahead(void **state)
{
	(void)state;
	struct one o;
	const char *f = CACHED "readahead=64K\nra_track=1\n";
	open_file(&o, f, NULL);
	run_io(&o, DEV_READ, 10, 10, 0); /* 1.0 .. 2.0 ms, then reads ahead to sector 99 */
	/* at 50 ms sector 90..99 is in the buffer: a hit (1 ns for the block) */
	assert_int_equal(run_io(&o, DEV_READ, 90, 10, 50 * MS), 10);
	/* sector 110 (the next track) is not: a one-cylinder seek, then sector 10 of cylinder 1 */
	uint64_t l = run_io(&o, DEV_READ, 110, 1, 60 * MS);
	assert_true(l > 1 * MS);
	dev_destroy(o.d);
	/* without ra_track, readahead=64K (128 sectors) reaches into the next track */
	open_file(&o, f, ",ra_track=0");
	run_io(&o, DEV_READ, 10, 10, 0);
	assert_int_equal(run_io(&o, DEV_READ, 100, 1, 50 * MS), 1);
	dev_destroy(o.d);
}

/* wc_keep: a destaged write stays readable from the buffer. */
static void test_destaged_data_kept(void **state)
{
	const struct step st[] = {
		{DEV_WRITE, 50000, 8, 0, BOTH(EQ, 8)}, /* cached: 8 blocks */
		{DEV_READ, 0, 0, 100 * MS, NOCHECK},    /* destaged */
		/* kept: from the buffer; else from the media, under the head */
		{DEV_READ, 50000, 8, 100 * MS, {{EQ, 8 * MS / 10 + 1}, {EQ, 8}}},
	};
	(void)state;
	TWO_WAYS(CACHED "write_cache=1\nwc_keep=1\n", ",wc_keep=0", NULL, st);
}

/* min_write_pos (DiskSim's minimum seek delay): a media write takes at least this to position,
 * then settles, even on the track under the head; reads are not affected. */
static void test_min_write_positioning(void **state)
{
	(void)state;
	struct one o;
	const char *f = ZONE1 "seek 1 1ms\nwrite_settle=0.2ms\nmin_write_pos=0.5ms\n";
	struct {
		const char *spec_extra;
		enum dev_op op;
		uint64_t lba, want;
	} c[] = {
		{NULL, DEV_WRITE, 10, 11 * MS / 10},         /* 0.5 + 0.2 <= 1.0 ms: in time */
		{NULL, DEV_WRITE, 5, 10 * MS + 6 * MS / 10}, /* 0.7 > 0.5 ms: the next pass */
		{",min_write_pos=0", DEV_WRITE, 5, 6 * MS / 10}, /* no move, no settle */
		{NULL, DEV_READ, 5, 6 * MS / 10 + 1},
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		open_file(&o, f, c[i].spec_extra);
		uint64_t l = run_io(&o, c[i].op, c[i].lba, 1, 0);
		if (l != c[i].want)
			fail_msg("case %zu: %llu ns, expected %llu", i, (unsigned long long)l,
				 (unsigned long long)c[i].want);
		dev_destroy(o.d);
	}
}

/* wc_shared: a cached write takes a buffer segment, evicting read data (one segment here). */
static void test_shared_write_segments(void **state)
{
	const struct step st[] = {
		{DEV_READ, 0, 8, 0, NOCHECK},         /* into the segment */
		{DEV_WRITE, 50000, 8, 20 * MS, NOCHECK}, /* cached */
		/* still in the read segment; shared: evicted, from the media */
		{DEV_READ, 0, 8, 21 * MS, {{EQ, 8}, {GT, MS}}},
	};
	(void)state;
	TWO_WAYS(CACHED "cache_segments=1\nwrite_cache=1\n", NULL, ",wc_shared=1", st);
}

/* seg_disksim (DiskSim's segment policy): a read miss starting at a segment's end does not
 * extend it but takes an empty segment, else the least recently used one, and a whole hit makes
 * its segment the most recent. */
static void test_disksim_read_segments(void **state)
{
	const struct step st[] = {
		{DEV_READ, 0, 8, 0, NOCHECK},       /* A = [0, 8) */
		{DEV_READ, 8, 8, 20 * MS, NOCHECK}, /* ds: B = [8, 16); legacy: A = [0, 16) */
		{DEV_READ, 0, 4, 40 * MS, BOTH(EQ, 4)}, /* hit: A most recent */
		{DEV_READ, 50000, 8, 60 * MS, NOCHECK}, /* ds: evicts B; legacy: the empty B */
		/* ds: B least recent, from the media */
		{DEV_READ, 8, 4, 80 * MS, {{EQ, 4}, {GE, 4 * MS / 10}}},
		/* ds: that miss took A, now the least recently used; legacy: A holds [0, 16) */
		{DEV_READ, 0, 4, 100 * MS, {{EQ, 4}, {GE, 4 * MS / 10}}},
	};
	(void)state;
	TWO_WAYS(CACHED "cache_segments=2\n", NULL, ",seg_disksim=1", st);
}

/* seg_disksim: a write empties a clean segment it overlaps whole (DiskSim's
 * disk_buffer_set_segment), where the legacy model keeps the part before the write; with
 * wc_shared the write takes that segment for its own data, which reads then hit when read hits
 * on write data are allowed (wc_keep), and miss when they are not. */
static void test_disksim_write_segments(void **state)
{
	(void)state;
	struct one o;
	const char *f = CACHED "cache_segments=2\n";
	static const char *const extra[] = {NULL, ",seg_disksim=1", ",write_cache=1,wc_shared=1",
					    ",write_cache=1,wc_shared=1,seg_disksim=1,wc_keep=1",
					    ",write_cache=1,wc_shared=1,seg_disksim=1,wc_keep=0"};
	for (int c = 0; c < 5; c++) {
		open_file(&o, f, extra[c]);
		run_io(&o, DEV_READ, 0, 8, 0);       /* A = [0, 8) */
		run_io(&o, DEV_WRITE, 4, 2, 20 * MS); /* overlaps A */
		idle_until(&o, 40 * MS);
		uint64_t l = run_io(&o, DEV_READ, 0, 4, 40 * MS);
		if (c & 1 || c == 4)
			assert_true(l >= 4 * MS / 10); /* A was emptied: 4 sectors from the media */
		else
			assert_int_equal(l, 4); /* legacy: [0, 4) kept */
		/* A now holds the write; the miss took the empty segment */
		l = run_io(&o, DEV_READ, 4, 2, 60 * MS);
		if (c == 3)
			assert_int_equal(l, 2);
		else if (c == 4)
			assert_true(l >= 2 * MS / 10); /* no read hits on write data */
		dev_destroy(o.d);
	}
}

/* CYLSPARE (DiskSim's sectors-per-cylinder sparing): one surface, 100 sectors a track, the
 * last 10 of every cylinder spare: LBN 90 is sector 0 of cylinder 1 (a 1 ms seek, then the
 * index at 10 ms); a transfer over the cylinder's end seeks after sector 89; a slip (physical
 * sector 5) shifts the blocks after it into its own cylinder's spares only. */
static void test_cylinder_spares(void **state)
{
	(void)state;
	const char *f = "size=46080000\nzone 0 999 100 0 0 0 0 0 10\nseek 1 1ms\n";
	char buf[256];
	assert_int_equal(fresh_read(f, 0, 1), MS / 10 + 1);
	assert_int_equal(fresh_read(f, 89, 1), 9 * MS + 1);
	assert_int_equal(fresh_read(f, 90, 1), 10 * MS + MS / 10 + 1);
	/* 85..89 at 8.5..9.0 ms, the seek to cylinder 1 (10.0 ms), 90..94 at 10.0..10.5 ms */
	assert_int_equal(fresh_read(f, 85, 10), 10 * MS + MS / 2 + 1);
	snprintf(buf, sizeof(buf), "%sslip 1 5\n", f);
	assert_int_equal(fresh_read(buf, 4, 1), MS / 2 + 1);      /* before the slip */
	assert_int_equal(fresh_read(buf, 5, 1), 7 * MS / 10 + 1); /* physical 6 */
	assert_int_equal(fresh_read(buf, 89, 1), 9 * MS + MS / 10 + 1); /* physical 90, a spare */
	assert_int_equal(fresh_read(buf, 90, 1), 10 * MS + MS / 10 + 1); /* cylinder 1: unmoved */
}

/* ra_discard (DiskSim's read-ahead over requested = -1): a read's own blocks leave the
 * segment once sent, its read-ahead stays; ra_on_hit (read-ahead on idle hit): a whole hit
 * restarts the read-ahead past the segment's end. One segment, 10 sectors of read-ahead. */
static void test_readahead_discard_and_idle_hit(void **state)
{
	const char *f = CACHED "readahead=5120\ncache_segments=1\nseg_disksim=1\n";
	const struct step discard[] = {
		{DEV_READ, 10, 10, 0, NOCHECK},        /* 1.0..2.0 ms, then 20..29 read ahead */
		{DEV_READ, 20, 5, 50 * MS, BOTH(EQ, 5)}, /* read-ahead: a hit */
		/* ra_discard: dropped once sent, from the media */
		{DEV_READ, 10, 5, 60 * MS, {{EQ, 5}, {GE, 5 * MS / 10}}},
	};
	const struct step on_hit[] = {
		{DEV_READ, 10, 10, 0, NOCHECK},        /* 20..29 read ahead */
		{DEV_READ, 25, 5, 50 * MS, BOTH(EQ, 5)}, /* a whole hit */
		/* with ra_on_hit the hit read ahead 30..34 (10 past its end, capped by nothing) */
		{DEV_READ, 30, 5, 100 * MS, {{GE, 5 * MS / 10}, {EQ, 5}}},
	};
	(void)state;
	TWO_WAYS(f, NULL, ",ra_discard=1", discard);
	TWO_WAYS(f, NULL, ",ra_on_hit=1", on_hit);
}

/* ra_bound=1 (DiskSim's continuous read 1): the read-ahead stops at the end of the head's track
 * (no head switch or seek in the background); unbounded, 128 sectors reach the next track. */
static void test_readahead_bound(void **state)
{
	const struct step st[] = {
		{DEV_READ, 10, 10, 0, NOCHECK},
		{DEV_READ, 90, 10, 50 * MS, BOTH(EQ, 10)}, /* the track's end */
		/* the next track: read ahead; bounded, not: a seek to cylinder 1 */
		{DEV_READ, 100, 1, 60 * MS, {{EQ, 1}, {GT, MS}}},
	};
	(void)state;
	TWO_WAYS(CACHED "readahead=64K\nseg_disksim=1\n", NULL, ",ra_bound=1", st);
}

/* write_less (DiskSim's negative write settling delay): a write's move is shorter than a read's:
 * 1 ms seek + 0.2 settle - 0.5 = 0.7 ms reaches sector 8 of cylinder 1 (0.8 ms) in time; without
 * it the 1.2 ms move misses it by a revolution. */
static void test_write_less(void **state)
{
	const struct step st[] = {
		{DEV_WRITE, 108, 1, 0, {{EQ, 10 * MS + 9 * MS / 10}, {EQ, 9 * MS / 10}}},
	};
	(void)state;
	TWO_WAYS(ZONE1 "seek 1 1ms\nwrite_settle=0.2ms\nwrite_less=0.5ms\n", ",write_less=0", NULL,
		 st);
}

/* immed_partial (DiskSim's immed transfer partial hit): [4, 8) is in the buffer, [8, 12) is read
 * at 50.8..51.2 ms; at 1 ms a block over the bus and a full water mark the host transfer waits
 * for the media (51.2 + 8 ms) unless the buffered blocks go at once (then 50 + 8 ms). */
static void test_immediate_partial_hit(void **state)
{
	const struct step st[] = {
		{DEV_READ, 0, 8, 0, NOCHECK}, /* [0, 8) into the buffer */
		{DEV_READ, 4, 8, 50 * MS, {{EQ, 9 * MS + 2 * MS / 10}, {EQ, 8 * MS}}},
	};
	(void)state;
	TWO_WAYS(CACHED "bus_watermark=1\nbus_block_read=1ms\n", NULL, ",immed_partial=1", st);
}

/* The preset file's errors are located. */
static void test_file_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"zone 0 9 100\n", ":16: expected 'zone FIRST LAST SPT TSKEW CSKEW"},
		{"zone 0 9 100 0 0\nzone 5 9 100 0 0\n", ":17: zone starts at cylinder 5, inside"},
		{"seek 5 1ms\nseek 4 2ms\n", ":17: seek distance 4 after 5"},
		{"seek 1 fast\n", ":16: expected 'seek DISTANCE TIME'"},
		{"rpm=1\n", ":16: "},
		{"file=x\n", ":16: a preset file cannot load another"},
		{"bogus line\n", ":16: expected key=value"},
		{"slip 1 5\n", ":16: expected 'slip ZONE UNIT' with ZONE 1..0"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128], err[512];
		struct one o;
		int r = open_dev(&o, make_spec(cases[i].text, NULL, buf, sizeof(buf)), err, sizeof(err));
		if (!r)
			fail_msg("case %zu accepted", i);
		if (!strstr(err, cases[i].msg) || !strstr(err, path))
			fail_msg("case %zu: '%s' lacks '%s'", i, err, cases[i].msg);
	}
	char err[256];
	struct one o;
	assert_int_not_equal(open_dev(&o, "hdd:file=/nonexistent/x.hdd", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/x.hdd"));
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

TEST_MAIN(NULL, teardown, cmocka_unit_test(test_seek_table_interpolates),
	  cmocka_unit_test(test_seek_hpl), cmocka_unit_test(test_zone_list_layout),
	  cmocka_unit_test(test_slips), cmocka_unit_test(test_headswitch_composition),
	  cmocka_unit_test(test_split_overheads), cmocka_unit_test(test_bus_watermark),
	  cmocka_unit_test(test_streaming_write), cmocka_unit_test(test_track_readahead),
	  cmocka_unit_test(test_destaged_data_kept), cmocka_unit_test(test_min_write_positioning),
	  cmocka_unit_test(test_shared_write_segments),
	  cmocka_unit_test(test_disksim_read_segments),
	  cmocka_unit_test(test_disksim_write_segments), cmocka_unit_test(test_cylinder_spares),
	  cmocka_unit_test(test_readahead_discard_and_idle_hit),
	  cmocka_unit_test(test_readahead_bound), cmocka_unit_test(test_write_less),
	  cmocka_unit_test(test_immediate_partial_hit), cmocka_unit_test(test_file_errors))
