/* SPDX-License-Identifier: GPL-2.0 */
/* hdd_internal.h - what the hdd model's files share: its state, and the geometry lookups the hot
 * path inlines. Private to sim/dev_hdd.c (service, cache, options) and sim/hdd_geom.c (building
 * the geometry and the seek curve at init); see dev_hdd.c for the model's description. */
#ifndef SSDCACHE_HDD_INTERNAL_H
#define SSDCACHE_HDD_INTERNAL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/device.h"
#include "sim/hdd_file.h"
#include "sim/base/opt.h"

enum hdd_sched { HDD_FIFO, HDD_SSTF, HDD_ELEVATOR, HDD_SPTF };

struct hdd_zone {
	uint64_t first_lba;   /* first sector of the zone */
	uint64_t first_track; /* global track number of its first track */
	uint64_t front;       /* physical sectors left unused at the zone's start */
	uint32_t first_cyl;
	uint32_t spt;  /* sectors per track */
	uint32_t skew; /* sectors the next track's sector 0 is rotated by on a head switch */
	/* Angular layout: sector s of (cyl, head) sits at (s + offset + (cyl - first_cyl) *
	 * cyl_step + head * skew) mod spt, cyl_step = (heads - 1) * skew + cyl_skew (DiskSim's g1
	 * layout: every track switch adds the track skew, every cylinder switch the cylinder skew
	 * on top). The derived zones have cyl_skew = skew and offset = first_track * skew. */
	uint64_t cyl_step;
	uint32_t offset;
	uint64_t eff_sect_ns_x1k; /* streaming time per sector, including skew, in ns/1000 */
	/* slipped physical units (sectors, or tracks with slip_tracks): adj[j] = slip[j] - j, so
	 * the units before a logical unit u are the j with adj[j] <= u (a non-decreasing array) */
	const uint64_t *slip_adj;
	size_t nslip;
	/* cylspare (DiskSim's sectors-per-cylinder sparing): each cylinder holds cyl_data data
	 * sectors then cylspare spares; slip_adj then holds the raw slipped sectors (zone-relative
	 * physical), each absorbed by its own cylinder's spares */
	uint32_t cylspare;
	uint64_t cyl_phys, cyl_data;
};

/* A piece of work for the mechanism: a host command or a write-cache destage. */
struct hdd_op {
	struct dev_io *io; /* NULL: destage of a cached write */
	uint64_t lba;
	uint32_t nsect;
	bool write;
	uint64_t seq;      /* arrival order (fifo, starvation) */
	uint64_t enq_ns;
	uint32_t cyl, head; /* where its first sector is, computed once at enqueue */
	uint64_t pos_ns;    /* angular position of its first sector, ns after the index */
	const struct hdd_zone *z; /* its first sector's zone and sector in the track (hdd_media */
	uint32_t sect;            /* starting at lba needs no hdd_locate) */
};

/* An op's place in the lba order, with the keys the searches read (no trip to the op). */
struct hdd_ord {
	uint64_t lba;
	uint32_t cyl;
	uint32_t slot;
	uint32_t pos;  /* the op's pos_ns (below a revolution, at most 16.7 ms at rpm >= 3600) */
	uint32_t wadd; /* write_settle for a write, else 0 (SPTF's seek cost without headsw_max) */
};

struct hdd_seg {
	uint64_t start, end; /* cached sectors [start, end) */
	uint64_t stamp;      /* LRU */
	bool wdata;          /* seg_disksim: holds write data (appendable while cached) */
	uint16_t lru_prev, lru_next; /* the LRU order (HDD_SEG_NONE: none) */
};
#define HDD_SEG_NONE 0xffffu
/* seg_map's slots (a power of two) */
#define HDD_SEG_MAP 256

#define HDD_MAX_ZONES 256
/* The fitted seek curve is tabulated by distance up to this many cylinders (4 MiB) */
#define HDD_SEEK_LUT_MAX (1u << 19)

struct hdd_priv {
	/* options (filled by the core from hdd_opts) */
	uint64_t size;
	uint64_t rpm, heads, nr_zones;
	double rate_od, rate_id; /* MB/s (10^6 bytes/s) */
	uint64_t seek_1, seek_avg, seek_full, settle, write_settle, head_switch;
	double knee;
	uint64_t overhead, hit_overhead;
	double bus_rate;
	uint64_t cache_size, nr_segs, readahead;
	bool write_cache;
	uint64_t wc_entries;
	uint64_t queue_depth;
	unsigned sched;
	uint64_t starve;
	char file[OPT_STR_MAX];
	bool split_ovh;
	uint64_t ovh_split[2][2][2]; /* [write][hit][previous command a write] */
	uint64_t ovh_done_read, ovh_done_write, ovh_reselect;
	uint64_t bus_block_read, bus_block_write;
	double bus_watermark;
	bool headsw_max;
	bool ra_track, wc_keep, slip_tracks, wc_shared, seg_disksim, ra_discard, ra_on_hit;
	bool immed_partial;
	uint64_t min_write_pos;
	uint64_t ra_bound; /* 0 none, 1 track, 2 cylinder */
	uint64_t write_less;

	/* tables from file= (zones, seek points; empty: derived zones, fitted curve) */
	struct hdd_file tab;
	uint64_t *seek_lut; /* seek time by distance, ns, when the table or hpl form is used */

	/* geometry */
	struct hdd_zone *zones;
	uint32_t nz;
	/* zone_of[b]: the last zone starting at or before sector b << zone_shift (NULL: search) */
	uint16_t *zone_of;
	uint32_t zone_shift, nzone_of;
	uint64_t nr_sect, nr_cyl;
	uint64_t rev_ns;
	double sa, sb, sc, se; /* seek curve constants, ns (without settle) */
	uint32_t knee_cyl;
	double bus_ns_per_sect;

	/* mechanism */
	uint32_t cur_cyl, cur_head;
	int dir; /* elevator direction: +1 outward to inward (growing cylinders), -1 back */
	bool busy;
	struct hdd_op cur;
	uint64_t cur_end_ns;
	bool cur_streamed; /* the current read rides the read-ahead stream */
	uint64_t bus_free_ns;
	uint64_t seq;

	/* queues: host commands visible to the scheduler, destages, and those beyond the depth.
	 * act[] and wc[] are one allocation (wc = act + queue_depth): slot s names act[s], which
	 * is wc[s - queue_depth] from queue_depth on. wc[] is packed (its first nr_wc); act[]'s
	 * nr_act are any of its slots (act_used): a command keeps its slot until served. */
	struct hdd_op *act;
	uint32_t nr_act;
	uint64_t act_used[4]; /* act[]'s slots in use (queue_depth <= 256) */
	struct hdd_op *wc;
	uint32_t nr_wc;
	/* The slots of every op in act[] and wc[], in lba order (ties in any order): SPTF scans
	 * outward from the head's cylinder and stops at a distance whose seek alone costs more
	 * than the best so far; the write cache is searched by lba. ord_cyl: this order is also
	 * the ops' cylinder order (lba to cylinder is monotone on every layout we build; an
	 * insertion that finds otherwise clears it for good and SPTF scans every op). */
	struct hdd_ord *ord;
	uint32_t nr_ord;
	/* ord's entries sit somewhere in ord_buf (3 * ord_cap entries, ord_cap the number of
	 * ops there can be), so that an insertion or removal moves the shorter side only */
	struct hdd_ord *ord_buf;
	uint32_t ord_cap;
	bool ord_cyl;
	/* where in ord the op last served was (kept across insertions before it): SPTF's first
	 * guess at where the head's cylinder falls */
	uint32_t ord_hint;
	uint64_t wc_max_nsect; /* no wc[] op has ever been longer (bounds the lba searches) */
	/* seek_lb[d]: a lower bound of the move to any cylinder d or more away (the seek table's
	 * minimum from d on, less what headsw_max's write_less can take off); NULL: none (no
	 * table), SPTF scans every op */
	const uint64_t *seek_lb;
	uint64_t *seek_lb_own; /* seek_lb when it is not seek_lut itself */
	uint32_t wc_used;        /* entries held, including one in service */
	uint64_t wc_sect_used, wc_sect_max;
	struct dev_io *pend_head, *pend_tail;
	struct dev_io *flush_head, *flush_tail;

	/* read cache and lazy read-ahead */
	struct hdd_seg *segs;
	uint64_t seg_max_sect, ra_sect;
	uint64_t stamp;
	/* the segments from the least to the most recently used (by stamp, then index: the head
	 * is the least stamp, the first among equals) */
	uint16_t seg_lru_head, seg_lru_tail;
	/* seg_map (up to 64 segments, seg_map_on): bit i of seg_map[b % HDD_SEG_MAP] is set for
	 * every sector bucket b (sectors b << seg_map_shift on) from segment i's lower stored bound
	 * to its higher one, both included: a segment whose bit a bucket's slot lacks holds none
	 * of its sectors, nor begins or ends there, so a lookup tests only the segments named */
	bool seg_map_on;
	uint32_t seg_map_shift;
	uint64_t seg_map[HDD_SEG_MAP];
	bool ra_on;
	uint32_t ra_seg;
	uint64_t ra_lba, ra_t0, ra_limit;

	bool prev_write; /* the last host command was a write (split overheads) */
	uint64_t write_ready_ns; /* a media write may not start before this (its data arrives) */
	uint64_t media_start_ns; /* when the last media access started transferring data */

	/* statistics */
	uint64_t nr_seeks, seek_cyl_sum, cache_hits;
	/* media accesses by seek distance: [0] no seek (same cylinder), [i] distances in
	 * [2^(i-1), 2^i) cylinders, the last bin everything beyond */
#define HDD_SEEK_HIST 24
	uint64_t seek_hist[HDD_SEEK_HIST];
};

/* ---- geometry lookups (hot: inline) -------------------------------------------------------- */

struct hdd_loc {
	const struct hdd_zone *z;
	uint64_t track; /* global */
	uint32_t cyl, head, sect;
};

/* Slipped units at or before logical unit u's physical place (upper bound in slip_adj). */
static inline uint64_t hdd_slips_before(const struct hdd_zone *z, uint64_t u)
{
	size_t lo = 0, hi = z->nslip;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (z->slip_adj[mid] <= u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The zone holding sector lba (the last one starting at or before it). */
static inline const struct hdd_zone *hdd_zone_at(const struct hdd_priv *p, uint64_t lba)
{
	uint32_t lo = 0, hi = p->nz - 1;

	if (p->zone_of) {
		/* the zone where lba's bucket starts, then on (zones start in increasing order) */
		uint64_t b = lba >> p->zone_shift;
		lo = p->zone_of[b < p->nzone_of ? b : p->nzone_of - 1];
		while (lo < hi && p->zones[lo + 1].first_lba <= lba)
			lo++;
		hi = lo;
	}
	while (lo < hi) { /* last zone with first_lba <= lba */
		uint32_t mid = (lo + hi + 1) / 2;
		if (p->zones[mid].first_lba <= lba)
			lo = mid;
		else
			hi = mid - 1;
	}
	return &p->zones[lo];
}

static inline void hdd_locate(const struct hdd_priv *p, uint64_t lba, struct hdd_loc *l)
{
	const struct hdd_zone *z = hdd_zone_at(p, lba);
	uint64_t off = lba - z->first_lba + z->front, t;
	if (z->cylspare) {
		/* FRONT counts against the first cylinders' data slots (DiskSim's zones with
		 * per-cylinder spares have none) */
		uint64_t c = off / z->cyl_data, base = c * z->cyl_phys, end = base + z->cyl_phys;
		off = base + off % z->cyl_data;
		size_t j = 0, jh = z->nslip;
		while (j < jh) { /* first slip at or after the cylinder's start */
			size_t mid = (j + jh) / 2;
			if (z->slip_adj[mid] < base)
				j = mid + 1;
			else
				jh = mid;
		}
		for (; j < z->nslip && z->slip_adj[j] <= off && z->slip_adj[j] < end; j++)
			off++;
	} else if (z->nslip && !p->slip_tracks)
		off += hdd_slips_before(z, off);
	t = off / z->spt;
	if (z->nslip && p->slip_tracks && !z->cylspare)
		t += hdd_slips_before(z, t);
	l->z = z;
	l->sect = (uint32_t)(off % z->spt);
	l->track = z->first_track + t;
	l->cyl = z->first_cyl + (uint32_t)(t / p->heads);
	l->head = (uint32_t)(t % p->heads);
}

/* Angular position (ns after the index mark) where sector s of a track starts. */
static inline uint64_t hdd_pos_ns(const struct hdd_priv *p, const struct hdd_loc *l, uint32_t s)
{
	const struct hdd_zone *z = l->z;
	uint64_t k = (s + z->offset + (uint64_t)(l->cyl - z->first_cyl) * z->cyl_step +
		      (uint64_t)l->head * z->skew) %
		     z->spt;
	return k * p->rev_ns / z->spt;
}

static inline uint64_t hdd_seek_ns(const struct hdd_priv *p, uint32_t d)
{
	if (!d)
		return 0;
	if (p->seek_lut)
		return p->seek_lut[d < p->nr_cyl ? d : p->nr_cyl - 1];
	double t = d < p->knee_cyl ? p->sa + p->sb * sqrt((double)d) : p->sc + p->se * (double)d;
	return p->settle + (t > 0 ? (uint64_t)t : 0);
}

/* Wait from time t until angular position pos passes under the head. */
static inline uint64_t hdd_rot_wait(const struct hdd_priv *p, uint64_t t, uint64_t pos)
{
	uint64_t a = t % p->rev_ns;
	return pos >= a ? pos - a : p->rev_ns - a + pos;
}

/* zone_of from the zones (after hdd_geometry); without memory, none. */
void hdd_zone_index(struct hdd_priv *p);

/* seek_lb from seek_lut and the options (after hdd_geometry); without memory, none. */
void hdd_seek_bound(struct hdd_priv *p);

/* Zones, cylinders, skews and the seek curve (fitted, or from the preset file's table) from the
 * options and p->tab. 0, or -errno with a message in err. */
int hdd_geometry(struct hdd_priv *p, char *err, size_t errlen);

#endif
