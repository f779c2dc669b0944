// SPDX-License-Identifier: GPL-2.0
/* dev_hdd.c - the `hdd` device model: zoned geometry, seek curve, a spinning platter, cache, NCQ.
 * This file: options, presets, the buffer and the service of commands; sim/hdd_geom.c builds
 * the geometry and seek curve; sim/hdd_file.c reads preset files (file=); sim/hdd_internal.h
 * holds the state they share. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/device.h"
#include "sim/hdd_file.h"
#include "sim/hdd_internal.h"
#include "sim/base/opt.h"

/*
 * What happens to one command, in the order the drive does it:
 *
 *   overhead     per-command controller time (decode, cache lookup)
 *   seek         Ruemmler & Wilkes (1994) curve: a + b*sqrt(d) below the knee, c + e*d above,
 *                plus settle (and write_settle for writes); a head switch when only the head
 *                changes. The four constants are solved at init so that the curve matches the
 *                datasheet's single-cylinder, average (over all seek lengths, weighted as the
 *                datasheets define it) and full-stroke seek times.
 *   rotation     the platter's angle is a function of simulated time: angle(t) = t mod one
 *                revolution. The wait is the angular distance from where the head arrives to the
 *                first sector, so back-to-back requests see the real, not the average, latency.
 *   transfer     at the zone's media rate (sectors per track * rpm); crossing a track costs a head
 *                switch or a one-cylinder seek, hidden by the track skew the layout applies.
 *
 * Geometry: `zones` zones of equal cylinder count, sectors per track falling linearly from the
 * outer (rate_od) to the inner (rate_id) diameter; cylinders derived from the capacity and the
 * head count. Or a preset file's zone list with skews, spares and slips, and a seek
 * table; with the DiskSim options (headsw_max, split_overheads, bus_block_*, ra_track,
 * wc_keep, wc_shared, min_write_pos) the model follows DiskSim's drive model, docs/devices.md.
 * Memory: one small table per zone and the seek time by distance (8 B per cylinder, up to
 * HDD_SEEK_LUT_MAX cylinders for the fitted curve); nothing is allocated per sector.
 *
 * The on-board cache holds `cache_segments` LBA ranges (contents are not simulated, only which
 * sectors are present). After a media read, an idle drive keeps reading ahead into the segment;
 * the read-ahead is tracked lazily (how far it got is computed from the time it stopped). With
 * write_cache on, a write that fits is acknowledged once in the buffer and destaged later as a
 * background operation the scheduler orders like any other; FLUSH waits for the buffer to drain.
 *
 * Queue: up to queue_depth commands are visible to the scheduler (NCQ/TCQ); the rest wait in
 * arrival order. Schedulers: fifo, sstf, elevator (LOOK), sptf (shortest positioning time
 * first over the queue, as NCQ firmware does). With starve set, a command older than that is
 * served next whatever the scheduler prefers.
 *
 * Ordering contract: scheduled. Commands in the queue complete in the order the scheduler serves
 * them, cache hits and cached writes complete at once (after overhead and bus transfer). A write's
 * data is visible at its completion (docs/engine.md §0.4 rule 5): a cached write is acknowledged
 * after it is in the buffer, and later reads of those sectors are served from the buffer.
 */

static const char *const hdd_sched_names[] = {"fifo", "sstf", "elevator", "sptf", NULL};

/* An off-by-default switch stored in the field of its name (most of the DiskSim features). */
#define HDD_FLAG(name, help)                                                                       \
	{#name, OPT_BOOL, offsetof(struct hdd_priv, name), "0", 0, 0, NULL, help}

static const struct opt hdd_opts[] = {
	{"size", OPT_SIZE, offsetof(struct hdd_priv, size), "1T", 1 << 20, 1.0e15, NULL,
	 "capacity in bytes"},
	{"rpm", OPT_U64, offsetof(struct hdd_priv, rpm), "7200", 3600, 20000, NULL,
	 "spindle speed, revolutions per minute"},
	{"heads", OPT_U64, offsetof(struct hdd_priv, heads), "4", 1, 32, NULL,
	 "recording surfaces (tracks per cylinder)"},
	{"zones", OPT_U64, offsetof(struct hdd_priv, nr_zones), "16", 1, HDD_MAX_ZONES, NULL,
	 "recording zones (equal cylinder counts, sectors per track falling inwards)"},
	{"rate_od", OPT_DOUBLE, offsetof(struct hdd_priv, rate_od), "150", 1, 2000, NULL,
	 "media rate at the outer diameter, MB/s (10^6 B/s)"},
	{"rate_id", OPT_DOUBLE, offsetof(struct hdd_priv, rate_id), "75", 1, 2000, NULL,
	 "media rate at the inner diameter, MB/s"},
	{"seek_1", OPT_TIME, offsetof(struct hdd_priv, seek_1), "1ms", 10000, 1e8, NULL,
	 "single-cylinder seek, settle included (datasheet 'track-to-track')"},
	{"seek_avg", OPT_TIME, offsetof(struct hdd_priv, seek_avg), "8.5ms", 100000, 1e8, NULL,
	 "average seek over all seek lengths (datasheet definition), settle included"},
	{"seek_full", OPT_TIME, offsetof(struct hdd_priv, seek_full), "16ms", 100000, 1e9, NULL,
	 "full-stroke seek, settle included"},
	{"settle", OPT_TIME, offsetof(struct hdd_priv, settle), "0.3ms", 0, 1e8, NULL,
	 "settle part of every seek (the curve is fitted to the seek times minus this)"},
	{"write_settle", OPT_TIME, offsetof(struct hdd_priv, write_settle), "0.5ms", 0, 1e8, NULL,
	 "extra settle before writing after a seek (write seeks are specified slower)"},
	{"head_switch", OPT_TIME, offsetof(struct hdd_priv, head_switch), "1ms", 0, 1e8, NULL,
	 "switching heads within a cylinder"},
	{"seek_knee", OPT_DOUBLE, offsetof(struct hdd_priv, knee), "0.2", 0.001, 0.9, NULL,
	 "fraction of the full stroke where the seek curve turns from sqrt to linear"},
	{"overhead", OPT_TIME, offsetof(struct hdd_priv, overhead), "0.1ms", 0, 1e8, NULL,
	 "per-command controller overhead"},
	{"hit_overhead", OPT_TIME, offsetof(struct hdd_priv, hit_overhead), "20us", 0, 1e8, NULL,
	 "controller time for a command served from the buffer (no mechanism involved)"},
	{"bus_rate", OPT_DOUBLE, offsetof(struct hdd_priv, bus_rate), "300", 1, 100000, NULL,
	 "interface rate for data served from the buffer, MB/s"},
	{"cache_size", OPT_SIZE, offsetof(struct hdd_priv, cache_size), "32M", 0, 1ULL << 34, NULL,
	 "on-board buffer for read segments and the write cache"},
	{"cache_segments", OPT_U64, offsetof(struct hdd_priv, nr_segs), "16", 1, 1024, NULL,
	 "read cache segments (each at most cache_size/segments)"},
	{"readahead", OPT_SIZE, offsetof(struct hdd_priv, readahead), "512K", 0, 1ULL << 30, NULL,
	 "how far an idle drive reads ahead after a read (0: off)"},
	{"write_cache", OPT_BOOL, offsetof(struct hdd_priv, write_cache), "1", 0, 0, NULL,
	 "acknowledge writes from the buffer and destage them later (WCE)"},
	{"wc_entries", OPT_U64, offsetof(struct hdd_priv, wc_entries), "32", 1, 1024, NULL,
	 "write-cache entries (commands) held at once; at most cache_size/2 of data"},
	{"queue_depth", OPT_U64, offsetof(struct hdd_priv, queue_depth), "32", 1, 256, NULL,
	 "commands the drive sees at once (NCQ: 32)"},
	{"sched", OPT_ENUM, offsetof(struct hdd_priv, sched), "sptf", 0, 0, hdd_sched_names,
	 "order in which queued commands are served"},
	{"starve", OPT_TIME, offsetof(struct hdd_priv, starve), "0", 0, 1e11, NULL,
	 "serve any command older than this first (0: off)"},
	/* For DiskSim's drives; the defaults leave the model without these features. */
	{"file", OPT_STR, offsetof(struct hdd_priv, file), NULL, 0, 0, NULL,
	 "preset file: options, zone list, seek table (docs/devices.md; models import writes one)"},
	{"split_overheads", OPT_BOOL, offsetof(struct hdd_priv, split_ovh), "0", 0, 0, NULL,
	 "controller overheads by read/write, hit/miss and previous command (the ovh_* options)"},
	/* ovh_split[write][hit][after a write]: the controller overheads of split_overheads */
#define OVH(name, w, hit, prev, help)                                                              \
	{name, OPT_TIME, offsetof(struct hdd_priv, ovh_split[w][hit][prev]), "0", 0, 1e9, NULL, help}
	OVH("ovh_rhit_r", 0, 1, 0, "read hit after a read (split_overheads)"),
	OVH("ovh_rhit_w", 0, 1, 1, "read hit after a write"),
	OVH("ovh_rmiss_r", 0, 0, 0, "read miss after a read"),
	OVH("ovh_rmiss_w", 0, 0, 1, "read miss after a write"),
	OVH("ovh_whit_r", 1, 1, 0, "write hit (continues or overlaps buffered data) after a read"),
	OVH("ovh_whit_w", 1, 1, 1, "write hit after a write"),
	OVH("ovh_wmiss_r", 1, 0, 0, "write miss after a read"),
	OVH("ovh_wmiss_w", 1, 0, 1, "write miss after a write"),
#undef OVH
	{"ovh_done_read", OPT_TIME, offsetof(struct hdd_priv, ovh_done_read), "0", 0, 1e9, NULL,
	 "completion overhead of a read (split_overheads)"},
	{"ovh_done_write", OPT_TIME, offsetof(struct hdd_priv, ovh_done_write), "0", 0, 1e9, NULL,
	 "completion overhead of a write (split_overheads)"},
	{"ovh_reselect", OPT_TIME, offsetof(struct hdd_priv, ovh_reselect), "0", 0, 1e9, NULL,
	 "reconnecting to the host after a media access (split_overheads)"},
	{"bus_block_read", OPT_TIME, offsetof(struct hdd_priv, bus_block_read), "0", 0, 1e9, NULL,
	 "interface time per 512 B block read (0: from bus_rate, and only the last block waits)"},
	{"bus_block_write", OPT_TIME, offsetof(struct hdd_priv, bus_block_write), "0", 0, 1e9, NULL,
	 "interface time per 512 B block written (0: from bus_rate)"},
	{"bus_watermark", OPT_DOUBLE, offsetof(struct hdd_priv, bus_watermark), "0", 0, 1, NULL,
	 "with bus_block_read: fraction of a read in the buffer before the transfer to the host starts"},
	HDD_FLAG(ra_track, "read ahead to the end of the track (one more on a stream), not readahead "
			   "bytes (DEC scheme)"),
	HDD_FLAG(slip_tracks,
		 "the preset file's slips are tracks (DiskSim's track sparing), not sectors"),
	HDD_FLAG(wc_shared,
		 "cached writes occupy read-cache segments (one buffer shared by reads and writes)"),
	HDD_FLAG(seg_disksim,
		 "segments as DiskSim's disk cache: a miss resets an empty or the least recent segment, "
		 "a write takes a whole one"),
	HDD_FLAG(immed_partial,
		 "with bus_block_read: a partial hit starts its host transfer at once (DiskSim's immed "
		 "transfer partial hit)"),
	{"ra_bound", OPT_U64, offsetof(struct hdd_priv, ra_bound), "0", 0, 2, NULL,
	 "read-ahead stops at the end of the head's track (1) or cylinder (2) (DiskSim's "
	 "continuous read 1, 2)"},
	HDD_FLAG(ra_discard,
		 "a read's own data leaves the buffer once sent; its read-ahead stays (DiskSim's "
		 "read-ahead over requested -1)"),
	HDD_FLAG(ra_on_hit,
		 "a read served whole from the buffer restarts the read-ahead (DiskSim's read-ahead on "
		 "idle hit)"),
	HDD_FLAG(wc_keep, "destaged writes stay in the buffer as clean data that reads hit"),
	{"min_write_pos", OPT_TIME, offsetof(struct hdd_priv, min_write_pos), "0", 0, 1e8, NULL,
	 "with headsw_max: positioning for a media write takes at least this (DiskSim's minimum seek delay)"},
	{"write_less", OPT_TIME, offsetof(struct hdd_priv, write_less), "0", 0, 1e8, NULL,
	 "with headsw_max: a write's move is this much shorter (DiskSim's negative write settling "
	 "delay)"},
	HDD_FLAG(headsw_max,
		 "a head switch overlaps the seek (max of the two) and write settle follows any move (DiskSim)"),
	{NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

/*
 * Presets. Each number carries its source: [DS] a datasheet or product manual, [R&W] Ruemmler
 * & Wilkes 1994, [est] our estimate where the vendor publishes nothing (the reason is given).
 */
static const struct dev_preset hdd_presets[] = {
	{"sata7200",
	 /* 1 TB class 7200 rpm SATA (Hitachi Deskstar 7K1000.C 2-disk / Seagate Barracuda 7200.12
	  * class, 2010-2011): seek_avg 8.5 ms read, 9.5 ms write [DS 7K1000.C table 9: the write
	  * figure gives write_settle 1 ms]; 4 heads on 2 platters [DS 7K1000.C 2-disk model]; OD rate
	  * 150 MB/s raw (sustained 138 MB/s for the Barracuda XT [DS], our skew costs ~8 %); ID half
	  * of OD [est: radius ratio of 3.5-inch media]; seek_1 1.0 ms, seek_full 16 ms [est: the
	  * Hitachi 7200 rpm specs we read give 1.0 ms single-track and 20 ms full stroke for 2.5-inch
	  * drives; 3.5-inch desktop specs are near 15-17 ms]; head switch 1.0 ms [est; the older
	 * Deskstar 60GXP specifies 1.4 ms]; 32 MiB buffer [DS]; overhead 0.1 ms, 20 us for buffer hits [est]. */
	 "size=1T,rpm=7200,heads=4,zones=16,rate_od=150,rate_id=75,seek_1=1ms,seek_avg=8.5ms,"
	 "seek_full=16ms,settle=0.3ms,write_settle=1ms,head_switch=1ms,seek_knee=0.2,overhead=0.1ms,hit_overhead=20us,"
	 "bus_rate=300,cache_size=32M,cache_segments=16,readahead=512K,write_cache=1,queue_depth=32,"
	 "sched=sptf",
	 "7200 rpm SATA, 1 TB class (Deskstar 7K1000.C / Barracuda 7200.12 era), NCQ, write cache on",
	 "Hitachi Deskstar 7K1000.C spec (avg seek 8.5/9.5 ms); Seagate Barracuda XT datasheet "
	 "(138 MB/s OD, 4.16 ms latency); Ruemmler & Wilkes 1994 seek-curve form; head switch, "
	 "full stroke, overhead estimated (see dev_hdd.c)"},
	{"sas15k",
	 /* 15k rpm SAS, 600 GB (Seagate Cheetah 15K.7): sustained 122..204 MB/s ID..OD and 2.0 ms
	  * average rotational latency [DS Cheetah 15K.7 product manual 4.2.3]; average seek 3.3 ms
	  * read, 3.8 ms write [DS Hitachi Ultrastar 15K450, same class: write_settle 0.5 ms];
	  * 8 heads [est: 4 platters for 600 GB]; seek_1 0.2 ms, full stroke 7 ms, head switch
	  * 0.4 ms [est: typical of 2.5-inch-platter 15k drives]; 16 MiB buffer [DS]; SAS 6 Gb/s;
	  * write cache off as storage arrays deploy these drives [choice]. */
	 "size=600G,rpm=15000,heads=8,zones=16,rate_od=204,rate_id=122,seek_1=0.2ms,"
	 "seek_avg=3.3ms,seek_full=7ms,settle=0.1ms,write_settle=0.5ms,head_switch=0.4ms,"
	 "seek_knee=0.2,overhead=0.05ms,hit_overhead=20us,bus_rate=600,cache_size=16M,cache_segments=16,"
	 "readahead=512K,write_cache=0,queue_depth=64,sched=sptf",
	 "15k rpm SAS, 600 GB (Seagate Cheetah 15K.7 class), TCQ 64, write cache off",
	 "Seagate Cheetah 15K.7 SAS product manual rev. D (122-204 MB/s, 2.0 ms latency); "
	 "Hitachi Ultrastar 15K450 spec (avg seek 3.3/3.8 ms); track-to-track, full stroke, head "
	 "switch estimated"},
	{"laptop5400",
	 /* 5400 rpm 2.5-inch, 320 GB (Hitachi Travelstar 5K320): seek_avg 12 ms read / 13 ms
	  * write, full stroke 20 ms, single track 1.0 ms, 5.5 ms average latency [DS 5K320 OEM
	  * spec 4.4.2]; OD 100 MB/s (max buffer-to-disk 100.75 MB/s of the Seagate Momentus 5400.4
	  * [DS]), ID 50 MB/s [est]; 4 heads on 2x160 GB platters [DS review table]; 8 MiB buffer
	  * [DS Momentus 5400.4]; head switch 1.5 ms [est]. */
	 "size=320G,rpm=5400,heads=4,zones=16,rate_od=100,rate_id=50,seek_1=1ms,seek_avg=12ms,"
	 "seek_full=20ms,settle=0.3ms,write_settle=1ms,head_switch=1.5ms,seek_knee=0.2,"
	 "overhead=0.1ms,hit_overhead=20us,bus_rate=300,cache_size=8M,cache_segments=8,readahead=256K,write_cache=1,"
	 "queue_depth=32,sched=sptf",
	 "5400 rpm 2.5-inch laptop drive, 320 GB (Travelstar 5K320 / Momentus 5400 class)",
	 "Hitachi Travelstar 5K320 OEM spec (12/13 ms avg, 20 ms full stroke, 1.0 ms track-to-track, "
	 "5.5 ms latency); Seagate Momentus 5400.4 (100.75 MB/s media, 8 MB); ID rate and head "
	 "switch estimated"},
	{NULL, NULL, NULL, NULL},
};

/* ---- geometry: sim/hdd_geom.c (init) and sim/hdd_internal.h (the hot lookups) ---- */

/*
 * file=FILE: the file's options apply on top of the preset, then the SPEC's own options again
 * (so "hdd:file=x.hdd,write_cache=0" overrides the file), then the file's tables.
 */
static int hdd_load_file(struct dev *d, struct hdd_priv *p, char *err, size_t errlen)
{
	char path[OPT_STR_MAX], list[sizeof(d->spec)], msg[256];
	const char *colon = strchr(d->spec, ':');
	size_t n = 0;
	int r;

	snprintf(path, sizeof(path), "%s", p->file);
	r = hdd_file_load(path, hdd_opts, p, &p->tab, err, errlen);
	if (r)
		return r;
	/* the SPEC's options, except preset= and file= (already applied) */
	list[0] = '\0';
	for (const char *o = colon ? colon + 1 : ""; *o;) {
		size_t len = strcspn(o, ",");
		if (len && strncmp(o, "preset=", 7) && strncmp(o, "file=", 5) && n + len + 2 < sizeof(list))
			n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%.*s", n ? "," : "", (int)len, o);
		o += len + (o[len] == ',');
	}
	if (n && opt_parse_list(hdd_opts, p, list, msg, sizeof(msg))) {
		snprintf(err, errlen, "%s", msg);
		return -EINVAL;
	}
	return 0;
}

static void hdd_seg_init(struct hdd_priv *p);

static int hdd_init(struct dev *d, char *err, size_t errlen)
{
	struct hdd_priv *p = d->priv;
	int r;

	if (p->file[0] && (r = hdd_load_file(d, p, err, errlen)))
		return r;
	d->size_bytes = p->size / 512 * 512;
	r = hdd_geometry(p, err, errlen);
	if (r)
		return r;
	p->bus_ns_per_sect = 512.0 * 1e3 / p->bus_rate; /* MB/s = bytes/us */
	hdd_seek_bound(p);
	hdd_zone_index(p);
	p->act = calloc(p->queue_depth + p->wc_entries, sizeof(*p->act));
	p->wc = p->act ? p->act + p->queue_depth : NULL;
	/* ord floats in a buffer three times the ops' number, started in its middle third */
	p->ord_cap = (uint32_t)(p->queue_depth + p->wc_entries);
	p->ord_buf = calloc(3 * (size_t)p->ord_cap, sizeof(*p->ord_buf));
	p->ord = p->ord_buf ? p->ord_buf + p->ord_cap : NULL;
	p->ord_cyl = true;
	p->segs = calloc(p->nr_segs, sizeof(*p->segs));
	if (!p->act || !p->ord || !p->segs) {
		snprintf(err, errlen, "out of memory for queue depth %llu",
			 (unsigned long long)p->queue_depth);
		return -ENOMEM;
	}
	p->seg_max_sect = p->cache_size / 2 / p->nr_segs / 512;
	p->ra_sect = p->readahead / 512;
	if (p->ra_sect > p->seg_max_sect)
		p->ra_sect = p->seg_max_sect;
	hdd_seg_init(p);
	p->wc_sect_max = p->write_cache ? p->cache_size / 2 / 512 : 0;
	p->dir = 1;
	return 0;
}

static void hdd_fini(struct dev *d)
{
	struct hdd_priv *p = d->priv;

	free(p->zones);
	free(p->seek_lut);
	free(p->seek_lb_own);
	free(p->zone_of);
	hdd_file_free(&p->tab);
	free(p->act); /* wc[] too */
	free(p->ord_buf);
	free(p->segs);
}

/* ---- the ops in lba order (p->ord) -------------------------------------------------------- */

/* First position in ord whose op starts at or after key; the searches run several times per
 * command. Halving by powers of two (Skarupke's branchless lower bound): one step first takes
 * the range to a power of two, then each halving is a compare and a conditional move at a
 * constant offset, unrolled (a jump into the ladder at the range's size). */
#define HDD_ORD_HALVE(h)                                                                           \
	if (b[h].lba < key)                                                                        \
		b += (h);                                                                          \
	__attribute__((fallthrough))
static uint32_t hdd_ord_search(const struct hdd_priv *p, uint64_t key)
{
	const struct hdd_ord *b = p->ord;
	uint32_t n = p->nr_ord;

	if (!n)
		return 0;
	uint32_t step = UINT32_C(1) << (31 - __builtin_clz(n)); /* the largest power of 2 <= n */
	if (step != n && b[step].lba < key) {
		/* the first step + 1 are all below key: the answer is in the last n - step - 1,
		 * the range rounded up to a power of 2 at the end */
		n -= step + 1;
		if (!n)
			return p->nr_ord;
		step = n == 1 ? 1 : UINT32_C(1) << (32 - __builtin_clz(n - 1));
		b = p->ord + p->nr_ord - step;
	}
	switch (__builtin_ctz(step)) {
	default:
		for (step /= 2; step > 512; step /= 2)
			if (b[step].lba < key)
				b += step;
		__attribute__((fallthrough));
	case 10: HDD_ORD_HALVE(512);
	case 9: HDD_ORD_HALVE(256);
	case 8: HDD_ORD_HALVE(128);
	case 7: HDD_ORD_HALVE(64);
	case 6: HDD_ORD_HALVE(32);
	case 5: HDD_ORD_HALVE(16);
	case 4: HDD_ORD_HALVE(8);
	case 3: HDD_ORD_HALVE(4);
	case 2: HDD_ORD_HALVE(2);
	case 1: HDD_ORD_HALVE(1);
	case 0:
		break;
	}
	return (uint32_t)(b - p->ord) + (b->lba < key);
}
#undef HDD_ORD_HALVE

/* The first op at or after lba; upper: after lba (an lba is below the drive's size, so lba + 1
 * cannot wrap). */
static inline uint32_t hdd_ord_lower(const struct hdd_priv *p, uint64_t lba)
{
	return hdd_ord_search(p, lba);
}

static inline uint32_t hdd_ord_upper(const struct hdd_priv *p, uint64_t lba)
{
	return hdd_ord_search(p, lba + 1);
}

/* Slot s (filled) joins the order. Its neighbours tell whether the cylinders still follow
 * (and a cylinder past the last, were a layout to give one, clears ord_cyl too: SPTF's scan of
 * ord takes every distance to be below nr_cyl).
 * The shorter side of position k moves over by one (the entries before k down, p->ord with
 * them, or those from k up); a side without room first has the whole order moved back to the
 * buffer's middle third (room for every op on either side). */
static void hdd_ord_insert(struct hdd_priv *p, uint32_t s)
{
	const struct hdd_op *o = &p->act[s];
	uint32_t k = hdd_ord_upper(p, o->lba), n = p->nr_ord;

	if ((k && p->ord[k - 1].cyl > o->cyl) || (k < n && p->ord[k].cyl < o->cyl) ||
	    o->cyl >= p->nr_cyl)
		p->ord_cyl = false;
	bool down = k < n - k;
	if (down ? p->ord == p->ord_buf : p->ord + n == p->ord_buf + 3 * (size_t)p->ord_cap) {
		memmove(p->ord_buf + p->ord_cap, p->ord, n * sizeof(*p->ord));
		p->ord = p->ord_buf + p->ord_cap;
	}
	if (down) {
		memmove(p->ord - 1, p->ord, k * sizeof(*p->ord));
		p->ord--;
	} else {
		memmove(&p->ord[k + 1], &p->ord[k], (n - k) * sizeof(*p->ord));
	}
	if (k <= p->ord_hint)
		p->ord_hint++;
	p->ord[k] = (struct hdd_ord){.lba = o->lba,
				     .cyl = o->cyl,
				     .slot = s,
				     .pos = (uint32_t)o->pos_ns,
				     .wadd = o->write ? (uint32_t)p->write_settle : 0};
	p->nr_ord++;
}

/* Where slot s is in the order (nr_ord if nowhere: never, every queued op is there). */
static uint32_t hdd_ord_find(const struct hdd_priv *p, uint32_t s)
{
	uint32_t k = hdd_ord_lower(p, p->act[s].lba);
	while (k < p->nr_ord && p->ord[k].slot != s)
		k++;
	return k;
}

/* Slot s leaves the order (at position k if that is where it is: the scheduler's scan knows),
 * and the op in slot last (its array's last, moved into s by the caller after this) is
 * renamed s. Removing keeps the cylinder order (no new neighbours can disagree where the old
 * ones agreed). The removed op's place is the next ord_hint (the scheduler removes only the op
 * it serves). */
static void hdd_ord_remove(struct hdd_priv *p, uint32_t s, uint32_t last, uint32_t k)
{
	if (k >= p->nr_ord || p->ord[k].slot != s)
		k = hdd_ord_find(p, s);

	if (k < p->nr_ord) {
		/* the shorter side closes the gap: those before k up (p->ord with them), or
		 * those after k down */
		if (k < p->nr_ord - 1 - k) {
			memmove(p->ord + 1, p->ord, k * sizeof(*p->ord));
			p->ord++;
		} else {
			memmove(&p->ord[k], &p->ord[k + 1], (p->nr_ord - k - 1) * sizeof(*p->ord));
		}
		p->nr_ord--;
		p->ord_hint = k;
	}
	if (last != s && (k = hdd_ord_find(p, last)) < p->nr_ord)
		p->ord[k].slot = s;
}

/* ---- cache ------------------------------------------------------------------------------- */

/* The segments in index order, all empty at sector 0, their buckets a sector range of the
 * segment's size or more (a segment reaches into one or two). */
static void hdd_seg_init(struct hdd_priv *p)
{
	uint32_t n = (uint32_t)p->nr_segs;

	for (uint32_t i = 0; i < n; i++) {
		p->segs[i].lru_prev = i ? (uint16_t)(i - 1) : HDD_SEG_NONE;
		p->segs[i].lru_next = i + 1 < n ? (uint16_t)(i + 1) : HDD_SEG_NONE;
	}
	p->seg_lru_head = 0;
	p->seg_lru_tail = (uint16_t)(n - 1);
	p->seg_map_on = n <= 64;
	p->seg_map_shift = 0;
	while (p->seg_map_shift < 40 && (1ULL << p->seg_map_shift) < p->seg_max_sect)
		p->seg_map_shift++;
	if (p->seg_map_on)
		p->seg_map[0] = n == 64 ? ~0ULL : (1ULL << n) - 1;
}

/* Segment i becomes the most recently used. */
static inline void hdd_seg_stamp(struct hdd_priv *p, uint32_t i)
{
	struct hdd_seg *s = &p->segs[i];

	s->stamp = ++p->stamp;
	if (i == p->seg_lru_tail)
		return;
	if (i == p->seg_lru_head)
		p->seg_lru_head = s->lru_next;
	else
		p->segs[s->lru_prev].lru_next = s->lru_next;
	p->segs[s->lru_next].lru_prev = s->lru_prev;
	s->lru_prev = p->seg_lru_tail;
	s->lru_next = HDD_SEG_NONE;
	p->segs[p->seg_lru_tail].lru_next = (uint16_t)i;
	p->seg_lru_tail = (uint16_t)i;
}

/* seg_map's slots for the buckets of sectors lo..hi (lo <= hi), bit set or cleared. */
static void hdd_seg_map_mark(struct hdd_priv *p, uint64_t bit, uint64_t lo, uint64_t hi, bool on)
{
	uint64_t b = lo >> p->seg_map_shift, nb = (hi >> p->seg_map_shift) - b;

	if (nb >= HDD_SEG_MAP - 1)
		nb = HDD_SEG_MAP - 1; /* every slot */
	for (uint64_t k = 0; k <= nb; k++) {
		uint64_t *w = &p->seg_map[(b + k) & (HDD_SEG_MAP - 1)];
		*w = on ? *w | bit : *w & ~bit;
	}
}

/* Segment i's stored bounds become start, end (seg_map follows). */
static inline void hdd_seg_bounds(struct hdd_priv *p, uint32_t i, uint64_t start, uint64_t end)
{
	struct hdd_seg *s = &p->segs[i];

	if (p->seg_map_on) {
		const uint32_t sh = p->seg_map_shift;
		uint64_t olo = s->start < s->end ? s->start : s->end;
		uint64_t ohi = s->start < s->end ? s->end : s->start;
		uint64_t lo = start < end ? start : end, hi = start < end ? end : start;
		if (olo >> sh != lo >> sh || ohi >> sh != hi >> sh) {
			hdd_seg_map_mark(p, 1ULL << i, olo, ohi, false);
			hdd_seg_map_mark(p, 1ULL << i, lo, hi, true);
		}
	}
	s->start = start;
	s->end = end;
}

/* seg_map_on: the segments that may hold, begin or end at a sector of lo..hi (lo <= hi). */
static inline uint64_t hdd_seg_cands(const struct hdd_priv *p, uint64_t lo, uint64_t hi)
{
	uint64_t b = lo >> p->seg_map_shift, nb = (hi >> p->seg_map_shift) - b, m = 0;

	if (nb >= HDD_SEG_MAP - 1)
		nb = HDD_SEG_MAP - 1;
	for (uint64_t k = 0; k <= nb; k++)
		m |= p->seg_map[(b + k) & (HDD_SEG_MAP - 1)];
	return m;
}

static inline uint64_t hdd_seg_cand(const struct hdd_priv *p, uint64_t x)
{
	return p->seg_map[(x >> p->seg_map_shift) & (HDD_SEG_MAP - 1)];
}

static uint64_t hdd_ra_avail(const struct hdd_priv *p, uint64_t now)
{
	uint64_t n;

	if (!p->ra_on || now <= p->ra_t0)
		return 0;
	n = (now - p->ra_t0) * 1000 / hdd_zone_at(p, p->ra_lba)->eff_sect_ns_x1k;
	return n < p->ra_limit ? n : p->ra_limit;
}

/* First sector at or after lba that the buffer does not hold at time now (lba + n: all held). */
static uint64_t hdd_cached_upto(const struct hdd_priv *p, uint64_t lba, uint32_t n, uint64_t now)
{
	uint64_t x = lba, end = lba + n, ra_ss = 0, ra_se = 0;
	const struct hdd_seg *ra = NULL, *sb = p->segs, *sn = p->segs + p->nr_segs;
	const bool wskip = !p->wc_keep;
	bool moved = true;

	if (p->ra_on) {
		/* the segment being read ahead holds what the stream has read by now (the same
		 * bounds every pass: computed once) */
		ra = &p->segs[p->ra_seg];
		ra_ss = ra->start;
		ra_se = p->ra_lba + hdd_ra_avail(p, now);
		if (ra_se - ra_ss > p->seg_max_sect) /* a long stream keeps only its tail */
			ra_ss = ra_se - p->seg_max_sect;
	}
	/* x: the first sector from lba on that no segment holds (the same whatever the order the
	 * segments are tried in); the stored bounds first, the rarer exceptions after */
	while (p->seg_map_on && x < end) {
		/* only the segments seg_map names at x can hold it */
		uint64_t nx = x;
		for (uint64_t m = hdd_seg_cand(p, x); m; m &= m - 1) {
			const struct hdd_seg *s = sb + __builtin_ctzll(m);
			if (s->start <= x && x < s->end && s != ra && !(wskip && s->wdata)) {
				nx = s->end;
				break;
			}
		}
		if (nx == x && ra && ra_ss <= x && x < ra_se)
			nx = ra_se;
		if (nx == x)
			break;
		x = nx;
	}
	while (!p->seg_map_on && moved && x < end) {
		moved = false;
		for (const struct hdd_seg *s = sb; s < sn; s++) {
			if (s->start <= x && x < s->end) {
				/* no read hits on write data (DiskSim: the segment is skipped); the
				 * read-ahead's bounds are ra_ss, ra_se */
				if (s == ra || (wskip && s->wdata))
					continue;
				x = s->end;
				moved = true;
			}
		}
		if (ra && ra_ss <= x && x < ra_se) {
			x = ra_se;
			moved = true;
		}
	}
	if (x >= end)
		return end;
	/* dirty data in the write cache serves reads of the whole request only: a wc[] op from
	 * lba or before, and from at most wc_max_nsect before end */
	for (uint32_t k = hdd_ord_upper(p, lba); k-- > 0;) {
		if (p->ord[k].lba + p->wc_max_nsect < end)
			break;
		const struct hdd_op *w = &p->act[p->ord[k].slot];
		if (p->ord[k].slot >= p->queue_depth && end <= w->lba + w->nsect)
			return end;
	}
	if (p->busy && !p->cur.io && p->cur.lba <= lba && end <= p->cur.lba + p->cur.nsect)
		return end;
	return x;
}

/*
 * ra_track (DiskSim's "DEC prefetch scheme", disksim_diskcache.c): read ahead to the end of the
 * track holding the sector after the request; when the segment already began on an earlier
 * track (a sequential stream), one track further. Capped by the segment size.
 */
static uint64_t hdd_ra_track_limit(const struct hdd_priv *p, uint64_t lba, uint64_t seg_start)
{
	struct hdd_loc l;
	uint64_t n;

	hdd_locate(p, lba, &l);
	n = l.z->spt - l.sect;
	if (seg_start < lba - l.sect)
		n += l.z->spt;
	if (n > p->seg_max_sect)
		n = p->seg_max_sect;
	if (lba + n > p->nr_sect)
		n = p->nr_sect - lba;
	return n;
}

/*
 * ra_bound (DiskSim's "Buffer continuous read" 1 and 2, disk_buffer_seek): a background
 * read-ahead never switches heads (1) or seeks (2): it stops at the end of the track (the
 * cylinder) the head is on, and does not start when lba is elsewhere. Returns the first sector
 * it may not read (UINT64_MAX: unbounded).
 */
static uint64_t hdd_ra_bound_end(const struct hdd_priv *p, uint64_t lba)
{
	struct hdd_loc l;

	if (!p->ra_bound)
		return UINT64_MAX;
	if (lba >= p->nr_sect)
		return lba;
	hdd_locate(p, lba, &l);
	if (l.cyl != p->cur_cyl || (p->ra_bound == 1 && l.head != p->cur_head))
		return lba;
	uint64_t n = l.z->spt - l.sect;
	if (p->ra_bound == 2)
		n += (uint64_t)(p->heads - 1 - l.head) * l.z->spt;
	if (l.z->cylspare && (p->ra_bound == 2 || l.head == p->heads - 1))
		n = n > l.z->cylspare ? n - l.z->cylspare : 0;
	return lba + n;
}

/* Read-ahead stops when the mechanism is needed: freeze how far it got, move the head there. */
static void hdd_ra_stop(struct hdd_priv *p, uint64_t now)
{
	struct hdd_loc l;

	if (!p->ra_on)
		return;
	uint64_t got = hdd_ra_avail(p, now);
	struct hdd_seg *s = &p->segs[p->ra_seg];
	uint64_t e = p->ra_lba + got;
	hdd_seg_bounds(p, p->ra_seg, e - s->start > p->seg_max_sect ? e - p->seg_max_sect : s->start,
		       e);
	p->ra_on = false;
	/* the head is over the track of the last sector read ahead (seg_disksim; the legacy
	 * model puts it over the next sector's) */
	uint64_t at = p->seg_disksim && got && s->end ? s->end - 1 : s->end;
	if (at < p->nr_sect) {
		hdd_locate(p, at, &l);
		p->cur_cyl = l.cyl;
		p->cur_head = l.head;
	}
}

/* A read (or a clean write) of [start, end): the first segment it starts in or continues grows
 * to its end, else the least recently used is reset to it. Returns the segment. */
static inline bool hdd_seg_extends(const struct hdd_seg *s, uint64_t start)
{
	return s->end > s->start && s->start <= start && start <= s->end;
}

static uint32_t hdd_seg_grow(struct hdd_priv *p, uint32_t i, uint64_t end)
{
	const struct hdd_seg *s = &p->segs[i];
	uint64_t e = end > s->end ? end : s->end;

	hdd_seg_bounds(p, i, e - s->start > p->seg_max_sect ? e - p->seg_max_sect : s->start, e);
	hdd_seg_stamp(p, i);
	return i;
}

static uint32_t hdd_seg_insert(struct hdd_priv *p, uint64_t start, uint64_t end)
{
	uint32_t victim = p->seg_lru_head; /* the least recently used, the first among equals */

	if (p->seg_map_on) {
		for (uint64_t m = hdd_seg_cand(p, start); m; m &= m - 1)
			if (hdd_seg_extends(&p->segs[__builtin_ctzll(m)], start))
				return hdd_seg_grow(p, (uint32_t)__builtin_ctzll(m), end);
	} else {
		for (uint32_t i = 0; i < p->nr_segs; i++)
			if (hdd_seg_extends(&p->segs[i], start))
				return hdd_seg_grow(p, i, end);
	}
	hdd_seg_bounds(p, victim, end - start > p->seg_max_sect ? end - p->seg_max_sect : start, end);
	hdd_seg_stamp(p, victim);
	return victim;
}

/*
 * seg_disksim: the segment policy of DiskSim's disk cache (disksim_diskcache.c,
 * disk_buffer_select_read_segment / _write_segment, disk_buffer_set_segment and
 * disk_buffer_attempt_seg_ownership). A segment is empty (start == end) or holds one run of
 * sectors; the least recently used one is the victim among equals.
 */
static bool hdd_seg_dirty(const struct hdd_priv *p, const struct hdd_seg *s)
{
	if (!s->wdata)
		return false;
	for (uint32_t i = 0; i < p->nr_wc; i++)
		if (p->wc[i].lba < s->end && s->start < p->wc[i].lba + p->wc[i].nsect)
			return true;
	return p->busy && !p->cur.io && p->cur.lba < s->end && s->start < p->cur.lba + p->cur.nsect;
}

/* Empty every segment but keep that overlaps [lba, lba+n) (a write makes them stale: DiskSim
 * empties a clean overlapping segment whole, it does not trim it). */
static void hdd_seg_empty_overlaps(struct hdd_priv *p, uint64_t lba, uint64_t n, uint32_t keep)
{
	for (uint32_t i = 0; i < p->nr_segs; i++) {
		struct hdd_seg *s = &p->segs[i];
		if (i == keep || s->start >= lba + n || lba >= s->end)
			continue;
		if (p->ra_on && i == p->ra_seg)
			p->ra_on = false;
		hdd_seg_bounds(p, i, 0, 0);
		s->wdata = false;
	}
}

static void hdd_seg_set(struct hdd_priv *p, uint32_t i, uint64_t start, uint64_t end, bool w)
{
	hdd_seg_bounds(p, i, end - start > p->seg_max_sect ? end - p->seg_max_sect : start, end);
	hdd_seg_stamp(p, i);
	p->segs[i].wdata = w;
}

/*
 * A read that went to the media: a read starting inside a segment (a partial hit) goes on
 * filling that segment; any other is a miss, which resets an empty segment if there is one,
 * else the least recently used (DiskSim: priority 3 before 2), to start at the request. A
 * block at a segment's end is not in it (no "almost" hits). Returns the segment.
 */
static uint32_t hdd_seg_read(struct hdd_priv *p, uint64_t start, uint64_t end)
{
	uint32_t victim = UINT32_MAX;

	for (uint32_t i = 0; i < p->nr_segs; i++) {
		struct hdd_seg *s = &p->segs[i];
		if (s->start <= start && start < s->end) {
			hdd_seg_set(p, i, s->start, end > s->end ? end : s->end, false);
			return i;
		}
	}
	for (uint32_t i = 0; i < p->nr_segs; i++) {
		const struct hdd_seg *s = &p->segs[i];
		if (hdd_seg_dirty(p, s))
			continue; /* dirty data cannot be dropped */
		if (victim == UINT32_MAX || (s->start == s->end) > (p->segs[victim].start ==
								 p->segs[victim].end) ||
		    ((s->start == s->end) == (p->segs[victim].start == p->segs[victim].end) &&
		     s->stamp < p->segs[victim].stamp))
			victim = i;
	}
	if (victim == UINT32_MAX)
		victim = 0;
	hdd_seg_set(p, victim, start, end, false);
	return victim;
}

/* A read served whole from a segment makes it the most recently used. */
static void hdd_seg_touch(struct hdd_priv *p, uint64_t lba)
{
	for (uint32_t i = 0; i < p->nr_segs; i++)
		if (p->segs[i].start <= lba && lba < p->segs[i].end) {
			hdd_seg_stamp(p, i);
			return;
		}
}

/*
 * A write with wc_shared: it appends to the segment holding the cached write it continues
 * (Combine seq writes), else takes a segment of its own, reset to the write: one that it
 * overlaps (emptied anyway), else an empty one, else the least recently used clean one
 * (DiskSim's write priorities 4, 3, 2); never one holding dirty data, nor `reading`, the one
 * the read-ahead was filling when the write arrived (the caller has stopped it since).
 * Every other segment it overlaps is emptied.
 */
static void hdd_seg_write(struct hdd_priv *p, uint64_t lba, uint64_t n, uint32_t reading)
{
	uint32_t best = UINT32_MAX;
	int best_v = 0;

	for (uint32_t i = 0; i < p->nr_segs; i++) {
		struct hdd_seg *s = &p->segs[i];
		int v;
		if (s->wdata && s->end == lba && s->end > s->start && hdd_seg_dirty(p, s) &&
		    lba + n - s->start <= p->seg_max_sect)
			v = 5;
		else if (hdd_seg_dirty(p, s) || i == reading)
			continue;
		else if (s->start < lba + n && lba < s->end)
			v = 4;
		else if (s->start == s->end)
			v = 3;
		else
			v = 2;
		if (v > best_v || (v == best_v && s->stamp < p->segs[best].stamp)) {
			best = i;
			best_v = v;
		}
	}
	if (best == UINT32_MAX)
		return; /* every segment dirty: the write cache holds the data */
	if (best_v == 5)
		hdd_seg_set(p, best, p->segs[best].start, lba + n, true);
	else
		hdd_seg_set(p, best, lba, lba + n, true);
	hdd_seg_empty_overlaps(p, lba, n, best);
}

/* A write makes overlapping read segments stale: cut them (keeping the part before). */
static inline void hdd_seg_cut(struct hdd_priv *p, uint32_t i, uint64_t lba, uint32_t n)
{
	struct hdd_seg *s = &p->segs[i];

	if (s->start < lba + n && lba < s->end) {
		if (p->ra_on && i == p->ra_seg)
			p->ra_on = false; /* the read-ahead was into data now rewritten */
		hdd_seg_bounds(p, i, s->start, s->start < lba ? lba : s->start);
	}
}

static void hdd_seg_invalidate(struct hdd_priv *p, uint64_t lba, uint32_t n)
{
	if (p->seg_map_on) {
		/* a segment it overlaps reaches into one of its buckets (n = 0: lba's) */
		for (uint64_t m = hdd_seg_cands(p, lba, n ? lba + n - 1 : lba); m; m &= m - 1)
			hdd_seg_cut(p, (uint32_t)__builtin_ctzll(m), lba, n);
		return;
	}
	for (uint32_t i = 0; i < p->nr_segs; i++)
		hdd_seg_cut(p, i, lba, n);
}

/* ---- scheduling and service -------------------------------------------------------------- */

static void hdd_op_fill(const struct hdd_priv *p, struct hdd_op *op, uint64_t now)
{
	struct hdd_loc l;

	hdd_locate(p, op->lba, &l);
	op->cyl = l.cyl;
	op->head = l.head;
	op->pos_ns = hdd_pos_ns(p, &l, l.sect);
	op->z = l.z;
	op->sect = l.sect;
	op->enq_ns = now;
}

/*
 * Moving the head from the current track to (cyl, head). Classic composition: a seek (plus
 * write settle for a write) when the cylinder changes, else a head switch; between the tracks
 * of one transfer, a one-cylinder seek or a head switch. headsw_max (DiskSim's g1 mechanics,
 * mech_g1.c dm_seek_time_g1): the head switch happens during the seek, so the move takes the
 * longer of the two, and a write settles after any move, within a transfer too.
 */
static uint64_t hdd_move_ns(const struct hdd_priv *p, uint32_t cyl, uint32_t head, bool write,
			    bool in_transfer)
{
	uint32_t dc = cyl > p->cur_cyl ? cyl - p->cur_cyl : p->cur_cyl - cyl;
	uint64_t hs = head != p->cur_head ? p->head_switch : 0;

	if (p->headsw_max) {
		uint64_t sk = hdd_seek_ns(p, dc);
		uint64_t t = sk > hs ? sk : hs;
		/* min_write_pos: preparing a write takes this long even without a seek */
		if (write && !in_transfer && t < p->min_write_pos)
			t = p->min_write_pos;
		if (!t || !write)
			return t;
		t += p->write_settle;
		/* write_less: DiskSim's negative write settling delay (write moves are shorter) */
		return t > p->write_less ? t - p->write_less : 0;
	}
	if (in_transfer)
		return dc ? hdd_seek_ns(p, 1) : p->head_switch;
	return dc ? hdd_seek_ns(p, dc) + (write ? p->write_settle : 0) : hs;
}

static uint64_t hdd_position_cost(const struct hdd_priv *p, const struct hdd_op *op, uint64_t t0)
{
	uint64_t t = hdd_move_ns(p, op->cyl, op->head, op->write, false);
	return t + hdd_rot_wait(p, t0 + t, op->pos_ns);
}

/*
 * A read that starts inside the segment being read ahead (at or before the furthest sector the
 * read-ahead may reach) is served by letting the stream run on: no seek, no rotational miss.
 */
static bool hdd_in_stream(const struct hdd_priv *p, const struct hdd_op *o, uint64_t now)
{
	if (!p->ra_on || o->write || o->lba < p->segs[p->ra_seg].start ||
	    o->lba > p->ra_lba + p->ra_limit)
		return false;
	/* ra_track, seg_disksim, ra_bound: a read-ahead that reached its limit has stopped (idle
	 * at its end), so a read just past it is a miss, not a continuation */
	return !(p->ra_track || p->seg_disksim || p->ra_bound) ||
	       o->lba < p->ra_lba + p->ra_limit || hdd_ra_avail(p, now) < p->ra_limit;
}

/*
 * ra_discard (DiskSim's "Read-ahead over requested" = -1, disk_request_complete): once a read
 * completes, its own blocks are dropped from the segment holding them (it then starts at the
 * request's end); the read-ahead beyond stays.
 */
static void hdd_seg_discard(struct hdd_priv *p, uint64_t lba, uint64_t end)
{
	for (uint32_t i = 0; i < p->nr_segs; i++) {
		struct hdd_seg *s = &p->segs[i];
		bool ra = p->ra_on && i == p->ra_seg;
		if (s->start > lba || (lba >= s->end && !(ra && lba <= p->ra_lba + p->ra_limit)))
			continue;
		hdd_seg_bounds(p, i, s->start < end ? end : s->start, s->end < end && !ra ? end : s->end);
		return;
	}
}

/*
 * ra_on_hit (DiskSim's "Read-ahead on idle hit"): a read served whole from the buffer while
 * the mechanism is idle restarts the read-ahead at the end of the segment that served it, up
 * to readahead past the request (or the track rule), once the head is back there.
 */
static void hdd_ra_on_hit(struct hdd_priv *p, uint64_t lba, uint64_t end, uint64_t t)
{
	struct hdd_loc l;

	if (p->busy || !p->ra_sect)
		return;
	if (p->ra_on && hdd_ra_avail(p, t) < p->ra_limit) {
		/* still reading ahead: let it run on past this request */
		uint64_t lim = end + p->ra_sect > p->nr_sect ? p->nr_sect : end + p->ra_sect;
		if (!p->ra_track && lim > p->ra_lba + p->ra_limit)
			p->ra_limit = lim - p->ra_lba;
		return;
	}
	hdd_ra_stop(p, t); /* a finished read-ahead: the head idles at its end */
	for (uint32_t i = 0; i < p->nr_segs; i++) {
		struct hdd_seg *s = &p->segs[i];
		if (s->start > lba || lba >= s->end || s->end >= p->nr_sect)
			continue;
		uint64_t lim = end + p->ra_sect > p->nr_sect ? p->nr_sect : end + p->ra_sect;
		if (p->ra_track)
			lim = s->end + hdd_ra_track_limit(p, s->end, s->start);
		uint64_t bound = hdd_ra_bound_end(p, s->end);
		if (lim > bound)
			lim = bound;
		if (lim <= s->end)
			return;
		hdd_locate(p, s->end, &l);
		uint64_t t1 = t + hdd_move_ns(p, l.cyl, l.head, false, false);
		t1 += hdd_rot_wait(p, t1, hdd_pos_ns(p, &l, l.sect));
		p->ra_seg = i;
		p->ra_lba = s->end;
		p->ra_limit = lim - s->end;
		p->ra_t0 = t1;
		p->ra_on = true;
		return;
	}
}

/*
 * SPTF: the op of least positioning cost (hdd_in_stream: 0; else hdd_position_cost from
 * now + overhead), the lowest seq among equals. The hot loop with the models (queue_depth +
 * wc_entries ops per start), so it evaluates as few as give the same choice:
 *   - the stream's riders (cost 0, the least there is) are the reads in an lba range of ord;
 *   - the rest in order of cylinder distance from the head, outward both ways through ord (in
 *     cylinder order, ord_cyl), stopping at the first distance d whose seek_lb[d] exceeds the
 *     best cost: every op at d or further costs at least that (an op at exactly the best cost
 *     is still evaluated, it may have a lower seq). Evaluating a rider again at its position
 *     cost cannot change the choice (it already stands at 0 with its seq).
 *   - an op's cost (its move, then the rotational wait) is the least value at or above the
 *     move equal to pos - a0 modulo a revolution (a0: now + overhead modulo a revolution),
 *     found without a division; with headsw_max (hdd_move_ns per op) the rotational wait is
 *     skipped when the move alone already costs more than the best.
 * What does not depend on the op is computed once (the stream's window, the read-ahead's
 * progress, now + overhead modulo a revolution). Without seek_lb or ord_cyl every op is
 * evaluated (the same choice, more instructions).
 */
static struct hdd_op *hdd_pick_sptf(const struct hdd_priv *p, uint64_t now, uint32_t *pos)
{
	struct hdd_op *best = NULL;
	uint64_t best_cost = UINT64_MAX;
	uint32_t best_k = UINT32_MAX;
	uint64_t lo = 0, hi = 0;
	bool stream = p->ra_on, at_hi = false;
	const uint64_t rev = p->rev_ns, t0 = now + p->overhead, a0 = t0 % rev;
	const uint64_t ws = p->write_settle, hs = p->head_switch;
	const uint32_t cur = p->cur_cyl, cur_head = p->cur_head;
	const bool hsw = p->headsw_max;

	if (stream) {
		/* hdd_in_stream: reads in [lo, hi) ride the stream; one at hi too unless it stopped */
		lo = p->segs[p->ra_seg].start;
		hi = p->ra_lba + p->ra_limit;
		at_hi = !(p->ra_track || p->seg_disksim || p->ra_bound) ||
			hdd_ra_avail(p, now) < p->ra_limit;
	}
/* op o whose move costs move_: its cost into best, best_cost (and k into best_k) */
#define SPTF_TRY(o, move_, k)                                                                      \
	do {                                                                                       \
		if ((move_) > best_cost)                                                           \
			break; /* cost >= move: it cannot win */                                   \
		/* hdd_rot_wait(p, t0 + move, pos) without a division: move is a few             \
		 * revolutions at most */                                                          \
		uint64_t a_ = a0 + (move_);                                                        \
		if (a_ >= rev)                                                                     \
			a_ = a_ - rev < rev ? a_ - rev : a_ % rev;                                 \
		uint64_t cost_ = (move_) + ((o)->pos_ns >= a_ ? (o)->pos_ns - a_                   \
							     : rev - a_ + (o)->pos_ns);            \
		if (cost_ < best_cost || (cost_ == best_cost && (o)->seq < best->seq)) {           \
			best_cost = cost_;                                                         \
			best = (o);                                                                \
			best_k = (k);                                                              \
		}                                                                                  \
	} while (0)

	if (!p->seek_lb || !p->ord_cyl || cur >= p->nr_cyl) {
		for (uint32_t k = 0; k < p->nr_ord; k++) {
			struct hdd_op *o = &p->act[p->ord[k].slot];
			if (stream && !o->write && o->lba >= lo &&
			    (o->lba < hi || (o->lba == hi && at_hi))) {
				if (best_cost || o->seq < best->seq) {
					best_cost = 0;
					best = o;
					best_k = k;
				}
				continue;
			}
			uint32_t dc = o->cyl > cur ? o->cyl - cur : cur - o->cyl;
			uint64_t move = hsw ? hdd_move_ns(p, o->cyl, o->head, o->write, false)
				      : dc ? hdd_seek_ns(p, dc) + (o->write ? ws : 0)
				      : o->head != cur_head ? hs : 0;
			SPTF_TRY(o, move, k);
		}
		*pos = best_k;
		return best;
	}

	const struct hdd_ord *ord = p->ord;
	const uint32_t n = p->nr_ord, last_d = (uint32_t)p->nr_cyl - 1;
	const uint64_t *lb = p->seek_lb, *lut = p->seek_lut; /* seek_lb: seek_lut is there */
	struct hdd_op *const ops = p->act;
	if (stream) {
		for (uint32_t k = hdd_ord_lower(p, lo); k < n; k++) {
			if (ord[k].lba > hi || (ord[k].lba == hi && !at_hi))
				break;
			struct hdd_op *o = &ops[ord[k].slot];
			if (!o->write && (!best || o->seq < best->seq)) {
				best = o;
				best_k = k;
			}
		}
		if (best)
			best_cost = 0;
	}
	/* l: the first op at or beyond the head's cylinder; the l before it are nearer the outer
	 * edge. Most often where the op last served was (ord_hint: the head stays on its
	 * cylinder), else found by branch-free halving as hdd_ord_search. */
	uint32_t l = p->ord_hint;
	if (l > n || (l < n && ord[l].cyl < cur) || (l && ord[l - 1].cyl >= cur)) {
		const struct hdd_ord *b = ord;
		for (uint32_t m = n; m > 1;) {
			uint32_t h = m / 2;
			b = b[h].cyl < cur ? b + h : b;
			m -= h;
		}
		l = (uint32_t)(b - ord) + (b->cyl < cur);
	}
	uint32_t r = l;
/* op at entry e, d cylinders away: stop the side once the bound passes the best cost (it and
 * every op further cost at least the bound), else try it */
#define SPTF_STEP(e, d)                                                                            \
	uint32_t dd_ = (d) < last_d ? (d) : last_d;                                                \
	if (lb[dd_] > best_cost)                                                                   \
		break;                                                                             \
	struct hdd_op *o = &ops[(e)->slot];                                                        \
	uint64_t move = hdd_move_ns(p, o->cyl, o->head, o->write, false);                          \
	SPTF_TRY(o, move, (uint32_t)((e) - ord))
/* both sides of the head's cylinder, each outward (STEP breaks at the bound): from entry r up,
 * from l down; the side of the nearest op first (an early low cost prunes more) */
#define SPTF_SIDES(STEP)                                                                           \
	bool left_first = l && (r == n || cur - ord[l - 1].cyl < ord[r].cyl - cur);                \
	for (int side = 0; side < 2; side++) {                                                     \
		if ((side == 0) != left_first) {                                                   \
			for (const struct hdd_ord *e = ord + r; e < ord + n; e++) {                \
				STEP(e, e->cyl - cur);                                             \
			}                                                                          \
		} else {                                                                           \
			for (const struct hdd_ord *e = ord + l; e > ord;) {                        \
				e--;                                                               \
				STEP(e, cur - e->cyl);                                             \
			}                                                                          \
		}                                                                                  \
	}
	/* the two kinds of mechanics in loops of their own (hsw is the same for every op) */
	if (!hsw) {
		/* The cost of ord entry e_ whose move costs move_: hdd_rot_wait after the move
		 * makes it the least c_ >= move_ equal to pos - a0 modulo a revolution; c_
		 * starts at pos - a0 + rev, in (0, 2 rev), one revolution above or below the
		 * cost for a move of under a revolution (no division; no test of the move alone
		 * against the best either, the cost is nearly as cheap). Into best_cost and bk
		 * (the lowest seq on a tie: bk is set by then). */
		const int64_t b0 = (int64_t)(rev - a0), revs = (int64_t)rev;
		const struct hdd_ord *bk = best_k != UINT32_MAX ? ord + best_k : NULL;
#define SPTF_COST_N(e_, move_)                                                                     \
	int64_t c_ = (int64_t)(e_)->pos + b0, m_ = (int64_t)(move_);                               \
	if (c_ - revs >= m_) {                                                                     \
		c_ -= revs;                                                                        \
	} else if (c_ < m_) {                                                                      \
		c_ += revs;                                                                        \
		if (c_ < m_)                                                                       \
			c_ += (m_ - c_ + revs - 1) / revs * revs;                                  \
	}                                                                                          \
	if ((uint64_t)c_ <= best_cost &&                                                           \
	    ((uint64_t)c_ < best_cost || ops[(e_)->slot].seq < ops[bk->slot].seq)) {               \
		best_cost = (uint64_t)c_;                                                          \
		bk = (e_);                                                                         \
	}
		/* the ops on the head's own cylinder first: a head switch or nothing (no write
		 * settle), from r on */
		const struct hdd_ord *e0 = ord + r;
		for (; e0 < ord + n && e0->cyl == cur; e0++) {
			uint64_t move = ops[e0->slot].head != cur_head ? hs : 0;
			SPTF_COST_N(e0, move)
		}
		r = (uint32_t)(e0 - ord);
/* SPTF_STEP from ord's copies of the op's angle and write settle (the op itself is read only
 * on a tie, for its seq); d is never 0 here, and below nr_cyl (hdd_ord_insert, the caller) */
#define SPTF_STEP_N(e, d)                                                                          \
	uint32_t d_ = (d);                                                                         \
	if (lb[d_] > best_cost)                                                                    \
		break;                                                                             \
	uint64_t move = lut[d_] + (e)->wadd;                                                       \
	SPTF_COST_N(e, move)
		SPTF_SIDES(SPTF_STEP_N)
#undef SPTF_STEP_N
#undef SPTF_COST_N
		best_k = (uint32_t)(bk - ord);
		best = &ops[bk->slot];
	} else {
		SPTF_SIDES(SPTF_STEP)
	}
#undef SPTF_SIDES
#undef SPTF_STEP
#undef SPTF_TRY
	*pos = best_k;
	return best;
}

/* Choose the next op: returns a pointer into act[] or wc[] (NULL if none), and in *pos where it
 * is in ord when the choice came from a scan of ord (else UINT32_MAX). Every op is in ord: the
 * scans go through it (act[] has free slots among the used ones; no order of the ops matters,
 * every choice takes the lowest seq among equals). */
static struct hdd_op *hdd_pick(struct hdd_priv *p, uint64_t now, uint32_t *pos)
{
	struct hdd_op *best = NULL;
	uint64_t best_cost = UINT64_MAX;
	uint32_t n = p->nr_act + p->nr_wc;

	if (!n)
		return NULL;
	if (p->starve || p->sched == HDD_FIFO) {
		struct hdd_op *old = NULL;
		for (uint32_t k = 0; k < p->nr_ord; k++) {
			struct hdd_op *o = &p->act[p->ord[k].slot];
			if (!old || o->seq < old->seq) {
				old = o;
				*pos = k;
			}
		}
		if (p->sched == HDD_FIFO || now - old->enq_ns >= p->starve)
			return old;
	}
	if (p->sched == HDD_SPTF)
		return hdd_pick_sptf(p, now, pos);
	for (int pass = 0; pass < 2 && !best; pass++) {
		for (uint32_t k = 0; k < p->nr_ord; k++) {
			struct hdd_op *o = &p->act[p->ord[k].slot];
			uint64_t cost;
			switch (p->sched) {
			case HDD_SSTF:
				cost = o->cyl > p->cur_cyl ? o->cyl - p->cur_cyl : p->cur_cyl - o->cyl;
				break;
			case HDD_ELEVATOR:
				/* LOOK: only ops at or beyond the head in the current direction */
				if ((p->dir > 0 && o->cyl < p->cur_cyl) || (p->dir < 0 && o->cyl > p->cur_cyl))
					continue;
				cost = o->cyl > p->cur_cyl ? o->cyl - p->cur_cyl : p->cur_cyl - o->cyl;
				break;
			default:
				cost = hdd_in_stream(p, o, now) ? 0 : hdd_position_cost(p, o, now + p->overhead);
			}
			if (cost < best_cost || (cost == best_cost && o->seq < best->seq)) {
				best_cost = cost;
				best = o;
				*pos = k;
			}
		}
		if (!best && p->sched == HDD_ELEVATOR)
			p->dir = -p->dir;
		else
			break;
	}
	return best;
}

/* Media access of [lba, lba+n) starting at t; moves the head; returns the end time. When op
 * starts at lba, where it is was found at its enqueue (hdd_op_fill): no hdd_locate. */
static uint64_t hdd_media(struct hdd_priv *p, uint64_t lba, uint32_t n, bool write, uint64_t t,
			  const struct hdd_op *op)
{
	struct hdd_loc l;
	uint32_t dc;
	uint64_t pos;

	if (op->lba == lba) {
		l.z = op->z;
		l.cyl = op->cyl;
		l.head = op->head;
		l.sect = op->sect;
		l.track = 0; /* unused here */
		pos = op->pos_ns;
	} else {
		hdd_locate(p, lba, &l);
		pos = hdd_pos_ns(p, &l, l.sect);
	}
	dc = l.cyl > p->cur_cyl ? l.cyl - p->cur_cyl : p->cur_cyl - l.cyl;
	if (dc) {
		/* the least b with 2^b > dc, at most the last bin */
		uint32_t b = 32 - (uint32_t)__builtin_clz(dc);
		if (b > HDD_SEEK_HIST - 1)
			b = HDD_SEEK_HIST - 1;
		p->seek_hist[b]++;
		p->nr_seeks++;
		p->seek_cyl_sum += dc;
	} else {
		p->seek_hist[0]++;
	}
	t += hdd_move_ns(p, l.cyl, l.head, write, false);
	/* a write cannot start before its data is in the buffer */
	if (write && t < p->write_ready_ns)
		t = p->write_ready_ns;
	t += hdd_rot_wait(p, t, pos);
	p->media_start_ns = t;
	for (;;) {
		uint32_t k = l.z->spt - l.sect;
		/* per-cylinder spares end the cylinder's last track early: the next block is on
		 * the next cylinder */
		if (l.z->cylspare && l.head == p->heads - 1 && l.sect < l.z->spt - l.z->cylspare)
			k = l.z->spt - l.z->cylspare - l.sect;
		if (k > n)
			k = n;
		t += (uint64_t)k * p->rev_ns / l.z->spt;
		n -= k;
		lba += k;
		p->cur_cyl = l.cyl;
		p->cur_head = l.head;
		if (!n || lba >= p->nr_sect)
			break;
		/* next track: head switch or one-cylinder seek, then the skewed first sector */
		hdd_locate(p, lba, &l);
		t += hdd_move_ns(p, l.cyl, l.head, write, true);
		t += hdd_rot_wait(p, t, hdd_pos_ns(p, &l, l.sect));
	}
	return t;
}

/*
 * Command overhead. With split_overheads, DiskSim's controller model: a time by operation, by
 * whether the buffer serves it (hit) and by the previous command's operation (the firmware
 * path differs after a write); otherwise the legacy value the caller passes. Charging it marks
 * this command as the previous one.
 */
static uint64_t hdd_cmd_ovh(struct hdd_priv *p, bool write, bool hit, uint64_t legacy)
{
	uint64_t v = p->split_ovh ? p->ovh_split[write][hit][p->prev_write] : legacy;
	p->prev_write = write;
	return v;
}

static void hdd_start(struct dev *d, uint64_t now)
{
	struct hdd_priv *p = d->priv;
	struct hdd_op *o;
	uint64_t t;

	if (p->busy)
		return;
	uint32_t pos = UINT32_MAX;
	o = hdd_pick(p, now, &pos);
	if (!o)
		return;
	p->cur = *o;
	/* remove from its array: a host command frees its slot, a destage has the last of wc[]
	 * take its place (wc[] stays packed) */
	uint32_t s = (uint32_t)(o - p->act);
	if (s < p->queue_depth) {
		p->act_used[s / 64] &= ~(UINT64_C(1) << (s % 64));
		p->nr_act--;
		hdd_ord_remove(p, s, s, pos);
	} else {
		uint32_t last = (uint32_t)p->queue_depth + --p->nr_wc;
		hdd_ord_remove(p, s, last, pos);
		*o = p->act[last];
	}
	/* a destage is the drive's own work: no command to decode */
	t = p->cur.io ? now + p->overhead : now;
	p->cur_streamed = false;
	uint64_t n = p->cur.nsect;
	if (!p->cur.write && hdd_in_stream(p, &p->cur, now)) {
		/* keep streaming: the data is there when the read-ahead reaches its end */
		uint64_t end = p->cur.lba + p->cur.nsect, need;
		t = now + hdd_cmd_ovh(p, false, true, p->hit_overhead);
		uint64_t t_cmd = t;
		if (end - p->ra_lba > p->ra_limit)
			p->ra_limit = end - p->ra_lba;
		const struct hdd_zone *z = hdd_zone_at(p, p->ra_lba);
		need = p->ra_t0 + (end > p->ra_lba ? (end - p->ra_lba) * z->eff_sect_ns_x1k / 1000 : 0);
		if (need > t)
			t = need;
		else
			p->cache_hits++;
		p->cur_streamed = true;
		if (p->bus_block_read) {
			/* the host transfer runs at the bus rate behind the stream */
			t += p->bus_block_read;
			if (t < t_cmd + n * p->bus_block_read)
				t = t_cmd + n * p->bus_block_read;
		} else {
			t += (uint64_t)p->bus_ns_per_sect;
		}
		t += p->split_ovh ? p->ovh_done_read : 0;
	} else if (!p->cur.write) {
		uint64_t x;
		hdd_ra_stop(p, now);
		x = hdd_cached_upto(p, p->cur.lba, p->cur.nsect, now);
		bool hit = x >= p->cur.lba + p->cur.nsect;
		t = now + hdd_cmd_ovh(p, false, hit, p->overhead);
		uint64_t t_cmd = t;
		if (!hit)
			t = hdd_media(p, x, (uint32_t)(p->cur.lba + p->cur.nsect - x), false, t,
				     &p->cur);
		else
			p->cache_hits++;
		if (p->bus_block_read) {
			/* Data goes to the host at the bus rate once bus_watermark of the request is in
			 * the buffer (DiskSim's high water mark), never ahead of the media. */
			uint64_t start = t_cmd;
			/* immed_partial (DiskSim's "Immed transfer partial hit"): the blocks the
			 * buffer holds go out at once, the rest follow as the media reads them */
			if (!hit && !(p->immed_partial && x > p->cur.lba)) {
				uint64_t ms = p->media_start_ns;
				start = ms + (uint64_t)(p->bus_watermark * (double)(t - ms)) + p->ovh_reselect;
			}
			uint64_t e1 = t + p->bus_block_read, e2 = start + n * p->bus_block_read;
			t = e1 > e2 ? e1 : e2;
		} else {
			t += (uint64_t)p->bus_ns_per_sect; /* last sector over the interface */
		}
		t += p->split_ovh ? p->ovh_done_read : 0;
	} else {
		hdd_ra_stop(p, now);
		if (p->cur.io) {
			/* a write the buffer cannot take is a miss: it waits for the media */
			t = now + hdd_cmd_ovh(p, true, false, p->overhead);
			/* The data streams in over the bus while the head moves; the media write may
			 * start once the rest of the data arrives no later than the head needs it:
			 * sector k arrives at t + (k+1)*bus and is written at start + k*media, so
			 * start >= t + n*bus - (n-1)*media (at the zone's media rate). */
			if (p->bus_block_write) {
				uint64_t media = p->rev_ns / p->cur.z->spt, ahead = (n - 1) * media;
				uint64_t all = n * p->bus_block_write;
				p->write_ready_ns = t + (all > ahead ? all - ahead : p->bus_block_write);
			}
		}
		t = hdd_media(p, p->cur.lba, p->cur.nsect, true, t, &p->cur);
		p->write_ready_ns = 0;
		/* a media write reconnects to the host to report its completion */
		t += p->cur.io && p->split_ovh ? p->ovh_reselect + p->ovh_done_write : 0;
	}
	p->busy = true;
	p->cur_end_ns = t;
	d->env->timer(d->env->host, d, t);
}

/* Move waiting commands into the scheduler's view while there is room. */
static void hdd_admit(struct hdd_priv *p, uint64_t now)
{
	while (p->pend_head && p->nr_act < p->queue_depth) {
		struct dev_io *io = p->pend_head;
		/* the lowest free slot (there is one below queue_depth) */
		uint32_t w = 0;
		while (!~p->act_used[w])
			w++;
		uint32_t s = w * 64 + (uint32_t)__builtin_ctzll(~p->act_used[w]);
		p->act_used[w] |= UINT64_C(1) << (s % 64);
		p->nr_act++;
		struct hdd_op *o = &p->act[s];
		p->pend_head = io->q_next;
		if (!p->pend_head)
			p->pend_tail = NULL;
		io->q_next = NULL;
		o->io = io;
		o->lba = io->sector;
		o->nsect = io->nsect;
		o->write = io->op == DEV_WRITE;
		o->seq = io->q_key;
		hdd_op_fill(p, o, now);
		hdd_ord_insert(p, s);
	}
}

static void hdd_complete_flushes(struct dev *d, uint64_t now)
{
	struct hdd_priv *p = d->priv;
	struct dev_io *io = p->flush_head;

	p->flush_head = p->flush_tail = NULL;
	while (io) {
		struct dev_io *next = io->q_next;
		io->q_next = NULL;
		io->done_ns = now;
		d->env->complete(d->env->host, io, now);
		io = next;
	}
}

static void hdd_timer(struct dev *d, uint64_t now)
{
	struct hdd_priv *p = d->priv;
	struct dev_io *done;

	if (!p->busy)
		return;
	if (now < p->cur_end_ns) { /* an early call: ask again */
		d->env->timer(d->env->host, d, p->cur_end_ns);
		return;
	}
	done = p->cur.io;
	p->busy = false;
	if (!p->cur.io) {
		p->wc_used--;
		p->wc_sect_used -= p->cur.nsect;
		/* wc_keep: the destaged data is still in the buffer, now clean: reads hit it */
		if (p->wc_keep && !(p->seg_disksim && p->wc_shared))
			hdd_seg_insert(p, p->cur.lba, p->cur.lba + p->cur.nsect);
		/* (seg_disksim with wc_shared: the write's own segment holds it, now clean) */
	}
	if (!p->cur.write && p->cur.nsect) {
		uint64_t e = p->cur.lba + p->cur.nsect;
		if (p->cur_streamed && p->ra_on) {
			/* the stream runs on: let it reach readahead beyond this request */
			uint64_t lim = e + p->ra_sect;
			/* the track rule again, from this request */
			if (p->ra_track && e < p->nr_sect)
				lim = e + hdd_ra_track_limit(p, e, p->segs[p->ra_seg].start);
			uint64_t bound = hdd_ra_bound_end(p, e);
			if (lim > bound)
				lim = bound;
			if (lim - p->ra_lba > p->ra_limit)
				p->ra_limit = lim - p->ra_lba;
			if (p->ra_lba + p->ra_limit > p->nr_sect)
				p->ra_limit = p->nr_sect - p->ra_lba;
		} else {
			p->ra_seg = p->seg_disksim ? hdd_seg_read(p, p->cur.lba, e)
						   : hdd_seg_insert(p, p->cur.lba, e);
			if (p->ra_sect && !p->cur_streamed) {
				/* after a media read the drive keeps reading ahead into this segment
				 * until the mechanism is needed elsewhere */
				p->ra_lba = p->segs[p->ra_seg].end;
				p->ra_limit = p->ra_lba + p->ra_sect <= p->nr_sect ? p->ra_sect
										   : p->nr_sect - p->ra_lba;
				if (p->ra_track && p->ra_lba < p->nr_sect)
					p->ra_limit = hdd_ra_track_limit(p, p->ra_lba,
									 p->segs[p->ra_seg].start);
				uint64_t bound = hdd_ra_bound_end(p, p->ra_lba);
				if (p->ra_lba + p->ra_limit > bound)
					p->ra_limit = bound - p->ra_lba;
				p->ra_t0 = now;
				p->ra_on = p->ra_limit > 0;
			}
		}
		if (p->ra_discard)
			hdd_seg_discard(p, p->cur.lba, e);
	}
	hdd_admit(p, now);
	hdd_start(d, now);
	/* report last: the host may submit again from its completion callback */
	if (done) {
		done->done_ns = now;
		d->env->complete(d->env->host, done, now);
	}
	if (!p->wc_used && p->flush_head)
		hdd_complete_flushes(d, now);
}

static enum dev_q_result hdd_done_now(struct hdd_priv *p, struct dev_io *io, uint64_t now,
				      uint32_t nsect, bool hit)
{
	bool w = io->op == DEV_WRITE;
	uint64_t t = (now > p->bus_free_ns ? now : p->bus_free_ns);
	if (io->op == DEV_READ || w)
		t += hdd_cmd_ovh(p, w, hit, p->hit_overhead);
	else
		t += p->hit_overhead;
	uint64_t blk = w ? p->bus_block_write : p->bus_block_read;
	if (blk)
		t += blk * nsect;
	else
		t += (uint64_t)(p->bus_ns_per_sect * nsect);
	if (p->split_ovh && (io->op == DEV_READ || w))
		t += w ? p->ovh_done_write : p->ovh_done_read;
	p->bus_free_ns = t;
	io->done_ns = t;
	return DEV_Q_COMPLETED;
}

static enum dev_q_result hdd_submit(struct dev *d, struct dev_io *io, uint64_t now)
{
	struct hdd_priv *p = d->priv;
	bool whit = false;

	io->q_next = NULL;
	io->q_key = ++p->seq;
	if (io->sector >= p->nr_sect)
		io->sector = p->nr_sect - 1; /* the host checks bounds; never address past the end */
	if (io->sector + io->nsect > p->nr_sect)
		io->nsect = (uint32_t)(p->nr_sect - io->sector);
	switch (io->op) {
	case DEV_DISCARD:
		return hdd_done_now(p, io, now, 0, true);
	case DEV_FLUSH:
		if (!p->wc_used)
			return hdd_done_now(p, io, now, 0, true);
		if (p->flush_tail)
			p->flush_tail->q_next = io;
		else
			p->flush_head = io;
		p->flush_tail = io;
		return DEV_Q_QUEUED;
	case DEV_READ:
		if (hdd_cached_upto(p, io->sector, io->nsect, now) >= io->sector + io->nsect) {
			p->cache_hits++;
			if (p->seg_disksim)
				hdd_seg_touch(p, io->sector);
			enum dev_q_result qr = hdd_done_now(p, io, now, io->nsect, true);
			if (p->ra_on_hit)
				hdd_ra_on_hit(p, io->sector, io->sector + io->nsect, io->done_ns);
			if (p->ra_discard)
				hdd_seg_discard(p, io->sector, io->sector + io->nsect);
			return qr;
		}
		break;
	case DEV_WRITE:
		/* a write the write cache takes is a hit: acknowledged from the buffer */
		whit = true;
		if (p->seg_disksim && p->wc_shared) {
			/* the write's data passes through a segment of its own (hdd_seg_write) */
			uint32_t reading = p->ra_on ? p->ra_seg : UINT32_MAX;
			hdd_ra_stop(p, now);
			hdd_seg_write(p, io->sector, io->nsect, reading);
		} else if (p->seg_disksim) {
			hdd_seg_empty_overlaps(p, io->sector, io->nsect, UINT32_MAX);
		} else {
			hdd_seg_invalidate(p, io->sector, io->nsect);
		}
		if (!p->seg_disksim && p->wc_shared && p->write_cache &&
		    p->wc_sect_used + io->nsect <= p->wc_sect_max && p->wc_used < p->wc_entries) {
			/* wc_shared: the write takes a buffer segment like a read (evicting the least
			 * recently used one) and stops the read-ahead; its data stays readable */
			hdd_ra_stop(p, now);
			hdd_seg_insert(p, io->sector, io->sector + io->nsect);
		}
		if (p->write_cache && p->wc_sect_used + io->nsect <= p->wc_sect_max) {
			/* a write that continues a cached one joins it (the drive destages
			 * runs): the first such in wc[], found among the ops that start within
			 * wc_max_nsect before the write */
			uint32_t join = UINT32_MAX;
			for (uint32_t k = hdd_ord_upper(p, io->sector); k-- > 0;) {
				uint32_t sl = p->ord[k].slot;
				const struct hdd_op *o = &p->act[sl];
				if (p->ord[k].lba + p->wc_max_nsect < io->sector)
					break;
				if (sl >= p->queue_depth && sl < join &&
				    o->lba + o->nsect == io->sector &&
				    o->nsect + io->nsect <= p->seg_max_sect * 2)
					join = sl;
			}
			if (join != UINT32_MAX) {
				struct hdd_op *o = &p->act[join];
				o->nsect += io->nsect;
				if (o->nsect > p->wc_max_nsect)
					p->wc_max_nsect = o->nsect;
				p->wc_sect_used += io->nsect;
				hdd_done_now(p, io, now, io->nsect, whit);
				hdd_start(d, now);
				return DEV_Q_COMPLETED;
			}
		}
		if (p->write_cache && p->wc_used < p->wc_entries &&
		    p->wc_sect_used + io->nsect <= p->wc_sect_max) {
			struct hdd_op *o = &p->wc[p->nr_wc++];
			o->io = NULL;
			o->lba = io->sector;
			o->nsect = io->nsect;
			o->write = true;
			o->seq = io->q_key;
			hdd_op_fill(p, o, now);
			if (o->nsect > p->wc_max_nsect)
				p->wc_max_nsect = o->nsect;
			hdd_ord_insert(p, (uint32_t)(o - p->act));
			p->wc_used++;
			p->wc_sect_used += io->nsect;
			hdd_done_now(p, io, now, io->nsect, whit);
			hdd_start(d, now);
			return DEV_Q_COMPLETED;
		}
		break;
	}
	if (p->pend_tail)
		p->pend_tail->q_next = io;
	else
		p->pend_head = io;
	p->pend_tail = io;
	hdd_admit(p, now);
	hdd_start(d, now);
	return DEV_Q_QUEUED;
}

/* What the disk did (DEV_CF_SUMMARY: the run summary's line; the rest `models probe`). */
static const struct dev_counter hdd_counters[] = {
	{.name = "seeks", .unit = "", .kind = DEV_C_COUNT,
	 .help = "media accesses that moved the arm", .off = offsetof(struct hdd_priv, nr_seeks), .text = "%s seeks", .flags = DEV_CF_SUMMARY},
	{.name = "seek_cylinders", .unit = "cylinders", .kind = DEV_C_COUNT,
	 .help = "cylinders travelled by those seeks",
	 .off = offsetof(struct hdd_priv, seek_cyl_sum)},
	{.name = "seek_mean_cyl", .unit = "cylinders", .kind = DEV_C_RATIO,
	 .help = "mean seek distance", .num = 1, .den = 0, .prec = 0,
	 .text = "mean distance %s cylinders", .flags = DEV_CF_SUMMARY,
	 .json_key = "seek_mean_cylinders"},
	{.name = "cache_hits", .unit = "", .kind = DEV_C_COUNT,
	 .help = "reads served from the drive's buffer",
	 .off = offsetof(struct hdd_priv, cache_hits),
	 .text = "%s buffer hits"},
	{.name = "seek_hist", .unit = "", .kind = DEV_C_HIST, .nbins = HDD_SEEK_HIST,
	 .help = "media accesses by seek distance: bin 0 no seek, bin i [2^(i-1), 2^i) cylinders, "
		 "the last everything beyond",
	 .off = offsetof(struct hdd_priv, seek_hist)},
	{.name = NULL},
};

const struct dev_ops dev_hdd = {
	.name = "hdd", .abi = DEV_ABI,
	.help = "rotating disk: zoned geometry, R&W seek curve, platter angle over time, cache with "
		"read-ahead and write-back, NCQ scheduling",
	.ordering = "scheduled (fifo|sstf|elevator|sptf over the queue); buffer hits and cached "
		    "writes complete at once; a write's data is visible at its completion",
	.priv_size = sizeof(struct hdd_priv), .opts = hdd_opts, .counters = hdd_counters,
	.presets = hdd_presets, .default_preset = "sata7200",
	.init = hdd_init, .fini = hdd_fini, .submit = hdd_submit, .timer = hdd_timer,
};
