// SPDX-License-Identifier: GPL-2.0
/* dev_ssd.c - the `ssd` device model: flash units and channels, a page-mapped FTL with greedy GC. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/assert.h"
#include "sim/device.h"

/*
 * Structure: `channels` buses, each with `dies` dies of `planes` planes. A plane is the unit of
 * flash parallelism (it reads, programs or erases one page or block at a time; planes of a die
 * are treated as independent, i.e. ideal multi-plane operation). A channel moves one page at a
 * time at ch_rate; the host link moves data at host_rate. Every resource keeps the time it is
 * next free, and an operation reserves the resources it needs in order, so the completion time
 * of a command is known when it is submitted (the model returns DEV_Q_COMPLETED with done_ns in
 * the future); independent units overlap, which is where an SSD's parallelism comes from.
 *
 * FTL: page-mapped at 4 KiB granularity (a "slot"; a flash page holds page_size/4K slots). Host
 * writes are striped page by page over the planes, channel first. Each plane writes into its open
 * block; when a plane's free blocks fall to gc_free, greedy GC picks its closed block with the
 * fewest valid slots (blocks are kept in buckets by valid count, so the choice is O(1) amortised),
 * copies the valid slots into the plane's GC block (copy-back: page reads and programs on the
 * plane, no channel transfer) and erases it. The plane is busy meanwhile, so host commands on it
 * wait: under sustained random writes, write amplification (flash slots programmed / host slots
 * written) and write latency rise by themselves as the valid count of victims grows. Physical
 * space = logical space * (1 + op), rounded to whole blocks per plane.
 *
 * Memory: a 4-byte map entry per logical slot and a 4-byte reverse entry per physical slot
 * (8 bytes per 4 KiB, ~0.2 % of the capacity: 2 GiB of address space for a 1 TiB drive), plus
 * 14 bytes per block. Both big tables come from calloc and are only touched where written, so
 * the resident memory follows the written footprint, not the capacity; a bitmap with one bit per
 * page of map keeps reads of never-written space from touching (and faulting in) the map.
 *
 * Reads of slots never written cost a normal flash read on the plane a sequential fill would
 * have used (a drive in service has data everywhere; reading zeros from an empty map would flatter
 * it). Writes smaller than 4 KiB are charged as a whole slot (no read-modify-write).
 *
 * Write buffer (buffer > 0): a write is acknowledged once its data is in the buffer and a buffer
 * slot is free (it frees when the page holding it has been programmed); pages are programmed as
 * they fill. Without it, a write completes when its pages are programmed (a partial page is
 * padded). FLUSH programs the partial page and waits for every buffered page.
 *
 * Ordering contract: FIFO per plane and per channel; commands on different planes overlap and
 * complete out of order. A write's data is visible at its completion: reads of data still in the
 * buffer are served from it, and a read of a page being programmed waits for the program.
 */

#define SSD_SLOT 4096u
#define SSD_SLOT_SECT (SSD_SLOT / 512u)
#define NIL UINT32_MAX

/* a broken FTL invariant is a bug: internal error, exit 3 (engine/assert.h) */
#define SSD_ASSERT(c) ASSERT(c)

enum { BLK_FREE, BLK_OPEN, BLK_CLOSED };

/*
 * Free blocks per plane that host writes never take: GC's destination. Collecting a victim with
 * c < spb valid slots needs at most one new block and frees one, so with one block in reserve GC
 * always makes progress.
 */
#define SSD_GC_RESERVE 1u

struct ssd_unit {
	uint64_t busy_until;
	uint32_t open_blk, open_wp; /* host stream */
	uint32_t gc_blk, gc_wp;     /* GC destination */
	uint32_t nr_free;           /* free blocks, on the stack at free[u*bpu ..] */
	uint32_t ch;                /* its channel: u % channels (ssd_init) */
};

struct ssd_priv {
	/* options */
	uint64_t size;
	uint64_t channels, dies, planes;
	uint64_t page_size, pages_per_block;
	uint64_t t_read, t_prog, t_erase;
	double ch_rate, host_rate; /* MB/s */
	uint64_t overhead, ctrl;
	double op;
	uint64_t buffer;
	uint64_t gc_free;

	/* geometry */
	uint32_t nr_units, spp, spb, bpu;
	uint64_t nr_lslots, nr_pslots;
	double ch_ns_per_byte, host_ns_per_byte;
	uint64_t page_xfer_ns;

	/* FTL */
	uint32_t *map;   /* logical slot -> physical slot + 1 (0: never written / trimmed) */
	uint64_t *touched; /* one bit per 1024 map entries (a 4 KiB page of map) ever written */
	uint32_t *rmap;  /* physical slot -> logical slot + 1 (0: invalid or free) */
	uint32_t *valid; /* per block */
	uint8_t *state;  /* per block */
	uint32_t *bnext, *bprev; /* bucket lists by valid count, per unit */
	uint32_t *bhead;         /* [unit * (spb + 1) + valid] */
	uint32_t *freestk;       /* per unit stacks of free blocks */
	struct ssd_unit *units;
	uint64_t *ch_free;
	uint64_t host_free, ctrl_free;

	/* the host write stream: one open page at a time */
	uint32_t cur_unit, page_fill;
	uint64_t open_first; /* physical slot of the open page's first slot */
	uint64_t *ring;      /* buffer slots: time each is free again */
	uint32_t ring_n, ring_pos;
	uint64_t last_prog_end;

	/* statistics */
	uint64_t host_slots, media_slots, gc_runs, erases, flash_reads, flash_programs, buf_hits;
};

static const struct opt ssd_opts[] = {
	{"size", OPT_SIZE, offsetof(struct ssd_priv, size), "64G", 1 << 20, 1.6e13, NULL,
	 "logical capacity in bytes (at most 16 TiB: 32-bit slot numbers)"},
	{"channels", OPT_U64, offsetof(struct ssd_priv, channels), "10", 1, 64, NULL,
	 "flash channels (buses)"},
	{"dies", OPT_U64, offsetof(struct ssd_priv, dies), "2", 1, 64, NULL, "dies per channel"},
	{"planes", OPT_U64, offsetof(struct ssd_priv, planes), "1", 1, 16, NULL,
	 "planes per die (independent units of flash operations)"},
	{"page_size", OPT_SIZE, offsetof(struct ssd_priv, page_size), "4K", 4096, 65536, NULL,
	 "flash page (a multiple of 4K; the FTL maps 4 KiB slots)"},
	{"pages_per_block", OPT_U64, offsetof(struct ssd_priv, pages_per_block), "64", 4, 4096, NULL,
	 "pages per erase block"},
	{"t_read", OPT_TIME, offsetof(struct ssd_priv, t_read), "25us", 1000, 1e8, NULL,
	 "page read (array to register)"},
	{"t_prog", OPT_TIME, offsetof(struct ssd_priv, t_prog), "200us", 1000, 1e8, NULL,
	 "page program"},
	{"t_erase", OPT_TIME, offsetof(struct ssd_priv, t_erase), "1.5ms", 1000, 1e9, NULL,
	 "block erase"},
	{"ch_rate", OPT_DOUBLE, offsetof(struct ssd_priv, ch_rate), "133", 1, 100000, NULL,
	 "channel transfer rate, MB/s (10^6 B/s)"},
	{"host_rate", OPT_DOUBLE, offsetof(struct ssd_priv, host_rate), "300", 1, 100000, NULL,
	 "host interface rate, MB/s"},
	{"overhead", OPT_TIME, offsetof(struct ssd_priv, overhead), "10us", 0, 1e8, NULL,
	 "per-command controller latency"},
	{"ctrl", OPT_TIME, offsetof(struct ssd_priv, ctrl), "0", 0, 1e8, NULL,
	 "controller (firmware) time per command, one command at a time: caps commands/s at 1/ctrl"},
	{"op", OPT_DOUBLE, offsetof(struct ssd_priv, op), "0.07", 0.03, 4, NULL,
	 "over-provisioning: spare flash as a fraction of the logical capacity"},
	{"buffer", OPT_SIZE, offsetof(struct ssd_priv, buffer), "0", 0, 1ULL << 34, NULL,
	 "write buffer (DRAM/SRAM) that acknowledges writes (0: off; else >= 2 pages)"},
	{"gc_free", OPT_U64, offsetof(struct ssd_priv, gc_free), "2", 2, 1000, NULL,
	 "free blocks per plane at or below which GC runs"},
	{NULL, 0, 0, NULL, 0, 0, NULL, NULL},
};

/*
 * Presets. [DS] datasheet / vendor spec, [A08] Agrawal et al., "Design Tradeoffs for SSD
 * Performance", USENIX ATC 2008 (Samsung SLC NAND parameters, also the DiskSim SSD extension's
 * defaults), [est] our estimate where nothing is published (reason given).
 */
static const struct dev_preset ssd_presets[] = {
	{"sata_slc",
	 /* Intel X25-E 64 GB class (2009-2011 enterprise SLC, SATA 3 Gb/s): 10 channels [DS press
	  * and reviews: "ten-channel controller"]; 4 KiB pages, 64 pages (256 KiB) per block, 25 us
	  * read, 200 us program, 1.5 ms erase [A08]; 2 dies x 2 planes per channel [est: 80 GB raw
	  * in 20 packages; A08 uses 4 planes]; channel 133 MB/s [est: ONFI 2.0 rate, which puts a
	  * 4 KiB read near Intel's 75 us spec]; op 0.25 [est: 64 GB exported of ~80 GB raw, not
	  * published by Intel]; 256 KiB controller SRAM write buffer [est: Intel keeps no user data
	  * in the DRAM; an 85 us write latency spec needs a buffer]; host 300 MB/s (SATA 3 Gb/s). */
	 "size=64G,channels=10,dies=2,planes=2,page_size=4K,pages_per_block=64,t_read=25us,"
	 "t_prog=200us,t_erase=1.5ms,ch_rate=133,host_rate=300,overhead=0,ctrl=28us,op=0.25,buffer=256K,"
	 "gc_free=2",
	 "2011-era SATA SLC SSD, 64 GB (Intel X25-E class): 10 channels, 25/200/1500 us NAND",
	 "Agrawal et al. USENIX ATC 2008 (SLC NAND 25us/200us/1.5ms, 4KB page, 256KB block); Intel "
	 "X25-E spec (10 channels, 250/170 MB/s, 75 us read latency); op, dies, channel rate and "
	 "buffer estimated (see dev_ssd.c)"},
	{"sata_mlc",
	 /* Intel X25-M G2 160 GB class (34 nm MLC, SATA 3 Gb/s): 10 channels [DS]; 4 KiB pages,
	  * 128 pages (512 KiB) per block, 50 us read, 900 us program, 3.5 ms erase [est: typical
	  * 2009-2011 MLC NAND datasheet values; not checked against Intel's part]; 4 dies per
	  * channel [est: 160 GB in 20 packages of 2 dies]; op 0.07 [160 GB exported from 160 GiB of
	  * flash: the GB/GiB difference]; 256 KiB SRAM buffer [est, as above]; ctrl 28 us
	  * [calibrated to the 35,000 IOPS read spec]. */
	 "size=160G,channels=10,dies=4,planes=1,page_size=4K,pages_per_block=128,t_read=50us,"
	 "t_prog=900us,t_erase=3.5ms,ch_rate=133,host_rate=300,overhead=0,ctrl=28us,op=0.07,buffer=256K,"
	 "gc_free=2",
	 "2011-era SATA MLC SSD, 160 GB (Intel X25-M G2 class): 10 channels, 50/900/3500 us NAND",
	 "Intel X25-M G2 spec (10 channels, 250/100 MB/s, 35K/8.6K IOPS, 65/85 us); MLC NAND "
	 "timings typical of 2009-2011 datasheets (estimate); op from GB vs GiB"},
	{"nvme_tlc",
	 /* Samsung 970 EVO Plus 1 TB class (96-layer TLC, PCIe 3.0 x4): 3500 MB/s read, 3300 MB/s
	  * write, 620K/560K IOPS at QD32 [DS Samsung press release]; 1 GB LPDDR4 [DS], modelled as
	  * a 64 MiB write buffer [est: stands in for the SLC cache's fast acknowledgement]; 8
	  * channels x 4 dies x 2 planes [est: 32 dies of 256 Gb]; 16 KiB pages, 1536 per block, 60 us
	  * read, 600 us program, 3.5 ms erase [est: typical published 3D TLC figures]; channel
	  * 800 MB/s [est: Toggle 3.0]; op 0.09 [10^12 bytes exported of 2^40 raw]; ctrl 1.6 us
	  * [calibrated: caps commands near the 620K IOPS spec]. */
	 "size=1T,channels=8,dies=4,planes=2,page_size=16K,pages_per_block=1536,t_read=60us,"
	 "t_prog=600us,t_erase=3.5ms,ch_rate=800,host_rate=3500,overhead=5us,ctrl=1.6us,op=0.09,"
	 "buffer=64M,"
	 "gc_free=2",
	 "modern NVMe TLC SSD, 1 TB (Samsung 970 EVO Plus class): 8 channels x 4 dies x 2 planes",
	 "Samsung 970 EVO Plus press specs (3500/3300 MB/s, 620K/560K IOPS, 1 GB DRAM); 3D TLC "
	 "timings, die count and channel rate estimated (see dev_ssd.c)"},
	{NULL, NULL, NULL, NULL},
};

/* ---- block bookkeeping ------------------------------------------------------------------- */

#define MAP_PAGE_SHIFT 10 /* 1024 four-byte entries: one 4 KiB page of the map */

/* The mapping of logical slot l, without touching map pages never written. */
static uint32_t ssd_map_get(const struct ssd_priv *p, uint64_t l)
{
	uint64_t mp = l >> MAP_PAGE_SHIFT;

	if (!(p->touched[mp >> 6] & (1ULL << (mp & 63))))
		return 0;
	return p->map[l];
}

static void ssd_map_set(struct ssd_priv *p, uint64_t l, uint32_t v)
{
	uint64_t mp = l >> MAP_PAGE_SHIFT;

	p->touched[mp >> 6] |= 1ULL << (mp & 63);
	p->map[l] = v;
}

static uint32_t ssd_unit_of_blk(const struct ssd_priv *p, uint32_t b)
{
	return b / p->bpu;
}

static void bucket_insert(struct ssd_priv *p, uint32_t b)
{
	uint32_t *h = &p->bhead[(uint64_t)ssd_unit_of_blk(p, b) * (p->spb + 1) + p->valid[b]];

	p->bprev[b] = NIL;
	p->bnext[b] = *h;
	if (*h != NIL)
		p->bprev[*h] = b;
	*h = b;
}

static void bucket_remove(struct ssd_priv *p, uint32_t b)
{
	uint32_t *h = &p->bhead[(uint64_t)ssd_unit_of_blk(p, b) * (p->spb + 1) + p->valid[b]];

	if (p->bprev[b] != NIL)
		p->bnext[p->bprev[b]] = p->bnext[b];
	else
		*h = p->bnext[b];
	if (p->bnext[b] != NIL)
		p->bprev[p->bnext[b]] = p->bprev[b];
}

static void ssd_invalidate(struct ssd_priv *p, uint32_t ps)
{
	uint32_t b = ps / p->spb;

	p->rmap[ps] = 0;
	if (p->state[b] == BLK_CLOSED) {
		bucket_remove(p, b);
		p->valid[b]--;
		bucket_insert(p, b);
	} else {
		p->valid[b]--;
	}
}

static uint32_t ssd_take_block(struct ssd_priv *p, uint32_t u)
{
	struct ssd_unit *un = &p->units[u];
	uint32_t b;

	SSD_ASSERT(un->nr_free > 0); /* host pages leave SSD_GC_RESERVE blocks (ssd_pick_unit) */
	b = p->freestk[(uint64_t)u * p->bpu + --un->nr_free];
	p->state[b] = BLK_OPEN;
	p->valid[b] = 0;
	return b;
}

static void ssd_close_block(struct ssd_priv *p, uint32_t b)
{
	p->state[b] = BLK_CLOSED;
	bucket_insert(p, b);
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* Greedy GC on unit u until it has more than gc_free free blocks; reserves the plane's time. */
static void ssd_gc(struct ssd_priv *p, uint32_t u, uint64_t now)
{
	struct ssd_unit *un = &p->units[u];
	uint32_t *heads = &p->bhead[(uint64_t)u * (p->spb + 1)];

	while (un->nr_free <= p->gc_free) {
		uint32_t v = NIL, reads = 0, progs = 0, moved = 0, last_page = NIL;
		for (uint32_t c = 0; c < p->spb && v == NIL; c++) /* fewest valid slots */
			v = heads[c];
		if (v == NIL)
			break; /* every closed block is fully valid: nothing to reclaim */
		bucket_remove(p, v);
		for (uint32_t s = 0; s < p->spb; s++) {
			uint32_t ps = v * p->spb + s, l, pd;
			if (!p->rmap[ps])
				continue;
			l = p->rmap[ps] - 1;
			if (s / p->spp != last_page) {
				last_page = s / p->spp;
				reads++;
			}
			if (un->gc_blk == NIL || un->gc_wp == p->spb) {
				if (un->gc_blk != NIL)
					ssd_close_block(p, un->gc_blk);
				un->gc_blk = ssd_take_block(p, u);
				un->gc_wp = 0;
			}
			if (un->gc_wp % p->spp == 0)
				progs++;
			pd = un->gc_blk * p->spb + un->gc_wp++;
			p->rmap[pd] = l + 1;
			p->map[l] = pd + 1;
			p->valid[un->gc_blk]++;
			p->rmap[ps] = 0;
			moved++;
		}
		p->valid[v] = 0;
		p->state[v] = BLK_FREE;
		p->freestk[(uint64_t)u * p->bpu + un->nr_free++] = v;
		un->busy_until = max64(un->busy_until, now) + reads * p->t_read + progs * p->t_prog +
				 p->t_erase;
		p->gc_runs++;
		p->erases++;
		p->media_slots += moved;
		p->flash_reads += reads;
		p->flash_programs += progs;
	}
}

/* The next slot of the host stream on unit u (opening a block, after GC, when needed), counted
 * valid in its block. */
static uint32_t ssd_host_slot(struct ssd_priv *p, uint32_t u, uint64_t now)
{
	struct ssd_unit *un = &p->units[u];

	if (un->open_blk == NIL || un->open_wp == p->spb) {
		if (un->open_blk != NIL)
			ssd_close_block(p, un->open_blk);
		if (un->nr_free <= p->gc_free)
			ssd_gc(p, u, now);
		un->open_blk = ssd_take_block(p, u);
		un->open_wp = 0;
	}
	p->valid[un->open_blk]++; /* the slot's block: the caller's write makes it valid */
	return un->open_blk * p->spb + un->open_wp++;
}

/* ---- timing ------------------------------------------------------------------------------ */

static uint32_t ssd_channel(const struct ssd_priv *p, uint32_t u)
{
	return p->units[u].ch;
}

/* Program the open page on unit u (data in the controller from data_ready); returns its end. */
static inline __attribute__((always_inline)) uint64_t ssd_program(struct ssd_priv *p, uint32_t u,
								   uint64_t data_ready)
{
	uint32_t c = ssd_channel(p, u);
	uint64_t x = max64(data_ready, p->ch_free[c]) + p->page_xfer_ns, st;

	p->ch_free[c] = x;
	st = max64(x, p->units[u].busy_until);
	p->units[u].busy_until = st + p->t_prog;
	p->flash_programs++;
	if (st + p->t_prog > p->last_prog_end)
		p->last_prog_end = st + p->t_prog;
	return st + p->t_prog;
}

/* Read nbytes of one page on unit u, command issued at t; returns when the data left the channel. */
static uint64_t ssd_read_page(struct ssd_priv *p, uint32_t u, uint64_t t, uint64_t nbytes)
{
	uint32_t c = ssd_channel(p, u);
	uint64_t st = max64(t, p->units[u].busy_until) + p->t_read, x;

	p->units[u].busy_until = st;
	x = max64(st, p->ch_free[c]) + (uint64_t)(nbytes * p->ch_ns_per_byte);
	p->ch_free[c] = x;
	p->flash_reads++;
	return x;
}

/* The open page is full (or padded): program it and free its buffer slots at the program's end. */
/* i + 1 around a ring of n (i < n): a compare, where a remainder is a division */
static inline uint32_t ssd_next(uint32_t i, uint32_t n)
{
	return i + 1 == n ? 0 : i + 1;
}

static inline __attribute__((always_inline)) uint64_t ssd_close_page(struct ssd_priv *p, uint64_t data_ready)
{
	uint32_t u = p->cur_unit;
	uint64_t end = ssd_program(p, u, data_ready);

	if (p->ring_n) /* the page's slots: the page_fill before ring_pos, around the ring */
		for (uint32_t i = 0, pos = p->ring_pos; i < p->page_fill; i++) {
			pos = (pos ? pos : p->ring_n) - 1;
			p->ring[pos] = end;
		}
	p->page_fill = 0;
	p->cur_unit = ssd_next(u, p->nr_units);
	return end;
}

/* Pad the open page to its end (wasted slots count as flash written) and program it. */
static uint64_t ssd_pad_page(struct ssd_priv *p, uint64_t data_ready)
{
	struct ssd_unit *un = &p->units[p->cur_unit];
	uint32_t pad = p->spp - p->page_fill;

	un->open_wp += pad;
	p->media_slots += pad;
	return ssd_close_page(p, data_ready);
}

/* When the controller has taken the command: its serial firmware time, then the fixed latency. */
static uint64_t ssd_cmd_start(struct ssd_priv *p, uint64_t now)
{
	if (p->ctrl) {
		p->ctrl_free = max64(now, p->ctrl_free) + p->ctrl;
		return p->ctrl_free + p->overhead;
	}
	return now + p->overhead;
}

/*
 * Dynamic write allocation: the next page goes to the next plane in the stripe unless that plane
 * is tied up (GC, a queue of programs), in which case to the plane free soonest. This is what
 * keeps one plane's garbage collection from stalling every write behind it.
 */
static void ssd_pick_fast_unit(struct ssd_priv *p, uint64_t now)
{
	for (int tries = 0; tries < 4; tries++) {
		uint32_t u = p->cur_unit, best = u;
		struct ssd_unit *un = &p->units[u];
		/* a plane about to open a block with too few free ones collects first, so the
		 * page does not land behind its own GC */
		if ((un->open_blk == NIL || un->open_wp == p->spb) && un->nr_free <= p->gc_free)
			ssd_gc(p, u, now);
		if (un->busy_until <= now + 2 * p->t_prog)
			return;
		for (uint32_t v = 0; v < p->nr_units; v++)
			if (p->units[v].busy_until < p->units[best].busy_until)
				best = v;
		if (best == u)
			return;
		p->cur_unit = best;
	}
}

/*
 * Whether unit u can take the next host page: room in its open block, or a free block beyond
 * the one GC keeps for itself once GC has run (what ssd_host_slot would do next, done now).
 */
static bool ssd_unit_has_room(struct ssd_priv *p, uint32_t u, uint64_t now)
{
	struct ssd_unit *un = &p->units[u];

	if (un->open_blk != NIL && un->open_wp < p->spb)
		return true;
	if (un->nr_free > p->gc_free)
		return true;
	if (un->open_blk != NIL) {
		ssd_close_block(p, un->open_blk);
		un->open_blk = NIL;
	}
	ssd_gc(p, u, now);
	return un->nr_free > SSD_GC_RESERVE;
}

/*
 * The unit of the next host page. Dynamic allocation lets one plane hold more than its share of
 * the logical space: a plane that keeps being the idle one receives the pages, and once every
 * closed block of it is fully valid GC cannot reclaim anything there. Such a plane takes no more
 * host pages (the next one with room does), so its last free block stays GC's. Some plane always
 * has room: a plane without has all but two of its bpu blocks fully valid, and ssd_init makes
 * nr_units * (bpu - 2) blocks hold more than the logical capacity.
 */
static void ssd_pick_unit(struct ssd_priv *p, uint64_t now)
{
	const struct ssd_unit *un = &p->units[p->cur_unit];

	/* the usual case first: the next plane in the stripe has room in its open block and is
	 * not tied up (what ssd_pick_fast_unit and the loop below would find, without GC) */
	if (un->open_blk != NIL && un->open_wp < p->spb && un->busy_until <= now + 2 * p->t_prog)
		return;
	ssd_pick_fast_unit(p, now);
	/* from cur_unit on, around the units */
	for (uint32_t i = 0, u = p->cur_unit; i < p->nr_units; i++) {
		if (ssd_unit_has_room(p, u, now)) {
			p->cur_unit = u;
			return;
		}
		u = ssd_next(u, p->nr_units);
	}
	SSD_ASSERT(!"every plane is full of valid data (ssd_init sizes the flash against this)");
}

static enum dev_q_result ssd_write(struct ssd_priv *p, struct dev_io *io, uint64_t now)
{
	uint64_t l0 = io->sector / SSD_SLOT_SECT;
	uint64_t l1 = (io->sector + io->nsect + SSD_SLOT_SECT - 1) / SSD_SLOT_SECT;
	uint64_t t_in = max64(ssd_cmd_start(p, now), p->host_free) +
			(uint64_t)((double)io->nsect * 512 * p->host_ns_per_byte);
	uint64_t ack = t_in, prog_end = t_in;

	p->host_free = t_in;
	for (uint64_t l = l0; l < l1 && l < p->nr_lslots; l++) {
		uint32_t ps;
		/* ssd_map_get and ssd_map_set with one look at the touched bit (nothing between
		 * them changes its word) */
		uint64_t mp = l >> MAP_PAGE_SHIFT, *tw = &p->touched[mp >> 6], bit = 1ULL << (mp & 63);
		uint32_t old = *tw & bit ? p->map[l] : 0;
		if (old)
			ssd_invalidate(p, old - 1);
		if (!p->page_fill)
			ssd_pick_unit(p, now);
		ps = ssd_host_slot(p, p->cur_unit, now);
		if (!p->page_fill)
			p->open_first = ps;
		*tw |= bit;
		p->map[l] = ps + 1;
		p->rmap[ps] = (uint32_t)l + 1;
		p->host_slots++;
		p->media_slots++;
		if (p->ring_n) {
			uint64_t *r = &p->ring[p->ring_pos];
			SSD_ASSERT(*r != UINT64_MAX); /* ring_n >= 2 pages: the reused slot is programmed */
			ack = max64(ack, *r);
			*r = UINT64_MAX;
			p->ring_pos = ssd_next(p->ring_pos, p->ring_n);
		}
		if (++p->page_fill == p->spp)
			prog_end = max64(prog_end, ssd_close_page(p, t_in));
	}
	if (!p->ring_n && p->page_fill)
		prog_end = max64(prog_end, ssd_pad_page(p, t_in));
	io->done_ns = p->ring_n ? ack : prog_end;
	return DEV_Q_COMPLETED;
}

static enum dev_q_result ssd_read(struct ssd_priv *p, struct dev_io *io, uint64_t now)
{
	uint64_t l0 = io->sector / SSD_SLOT_SECT;
	uint64_t l1 = (io->sector + io->nsect + SSD_SLOT_SECT - 1) / SSD_SLOT_SECT;
	uint64_t t = ssd_cmd_start(p, now), ready = t, last_page = UINT64_MAX;
	uint64_t bytes = (uint64_t)io->nsect * 512, done;

	for (uint64_t l = l0; l < l1 && l < p->nr_lslots; l++) {
		uint32_t u, m = ssd_map_get(p, l);
		uint64_t page;
		if (!m) {
			/* never written: where a sequential fill would have put it */
			u = (uint32_t)(l / p->spp % p->nr_units);
			page = UINT64_MAX - 1 - l / p->spp;
		} else {
			uint64_t ps = m - 1;
			if (p->page_fill && ps >= p->open_first && ps < p->open_first + p->page_fill) {
				p->buf_hits++; /* still in the write buffer */
				continue;
			}
			u = ssd_unit_of_blk(p, (uint32_t)(ps / p->spb));
			page = ps / p->spp;
		}
		if (page == last_page) { /* same flash page: only the transfer */
			uint32_t c = ssd_channel(p, u);
			p->ch_free[c] += (uint64_t)(SSD_SLOT * p->ch_ns_per_byte);
			ready = max64(ready, p->ch_free[c]);
			continue;
		}
		last_page = page;
		ready = max64(ready, ssd_read_page(p, u, t, SSD_SLOT));
	}
	/* the host link overlaps the flash reads except for the last slot's transfer */
	done = max64(ready + (uint64_t)((bytes < SSD_SLOT ? bytes : SSD_SLOT) * p->host_ns_per_byte),
		     max64(t, p->host_free) + (uint64_t)(bytes * p->host_ns_per_byte));
	p->host_free = done;
	io->done_ns = done;
	return DEV_Q_COMPLETED;
}

static enum dev_q_result ssd_submit(struct dev *d, struct dev_io *io, uint64_t now)
{
	struct ssd_priv *p = d->priv;

	switch (io->op) {
	case DEV_READ:
		return ssd_read(p, io, now);
	case DEV_WRITE:
		return ssd_write(p, io, now);
	case DEV_FLUSH: {
		uint64_t t = ssd_cmd_start(p, now);
		if (p->ring_n && p->page_fill)
			ssd_pad_page(p, t);
		io->done_ns = max64(t, p->last_prog_end);
		return DEV_Q_COMPLETED;
	}
	case DEV_DISCARD: {
		/* TRIM: forget whole slots inside the range (no flash work now, less GC later) */
		uint64_t l0 = (io->sector + SSD_SLOT_SECT - 1) / SSD_SLOT_SECT;
		uint64_t l1 = (io->sector + io->nsect) / SSD_SLOT_SECT;
		for (uint64_t l = l0; l < l1 && l < p->nr_lslots; l++) {
			uint64_t ps = ssd_map_get(p, l);
			if (!ps)
				continue;
			if (p->page_fill && ps - 1 >= p->open_first && ps - 1 < p->open_first + p->page_fill)
				continue; /* in the open page: keep it simple, the slot stays valid */
			ssd_invalidate(p, (uint32_t)(ps - 1));
			ssd_map_set(p, l, 0);
		}
		io->done_ns = ssd_cmd_start(p, now);
		return DEV_Q_COMPLETED;
	}
	}
	io->done_ns = now;
	return DEV_Q_COMPLETED;
}

/* ---- init -------------------------------------------------------------------------------- */

static int ssd_init(struct dev *d, char *err, size_t errlen)
{
	struct ssd_priv *p = d->priv;
	uint64_t units = p->channels * p->dies * p->planes, lblocks_per_unit, bpu, nblk;

	d->size_bytes = p->size / SSD_SLOT * SSD_SLOT;
	if (p->page_size % SSD_SLOT) {
		snprintf(err, errlen, "page_size %llu is not a multiple of 4K",
			 (unsigned long long)p->page_size);
		return -EINVAL;
	}
	p->nr_units = (uint32_t)units;
	p->spp = (uint32_t)(p->page_size / SSD_SLOT);
	p->spb = (uint32_t)(p->spp * p->pages_per_block);
	p->nr_lslots = p->size / SSD_SLOT;
	lblocks_per_unit = (p->nr_lslots + (uint64_t)units * p->spb - 1) / ((uint64_t)units * p->spb);
	bpu = (uint64_t)((double)lblocks_per_unit * (1.0 + p->op) + 0.999);
	if (bpu < lblocks_per_unit + p->gc_free + 3)
		bpu = lblocks_per_unit + p->gc_free + 3; /* room for the host, GC and free blocks */
	nblk = bpu * units;
	p->bpu = (uint32_t)bpu;
	p->nr_pslots = nblk * p->spb;
	if (p->nr_pslots >= UINT32_MAX || nblk >= UINT32_MAX) {
		snprintf(err, errlen, "%llu flash slots exceed 32-bit slot numbers (size too large)",
			 (unsigned long long)p->nr_pslots);
		return -EINVAL;
	}
	if (p->buffer && p->buffer < 2 * p->page_size) {
		snprintf(err, errlen, "buffer %llu is under two pages (%llu)",
			 (unsigned long long)p->buffer, (unsigned long long)(2 * p->page_size));
		return -EINVAL;
	}
	p->ch_ns_per_byte = 1e3 / p->ch_rate; /* MB/s = bytes per us */
	p->host_ns_per_byte = 1e3 / p->host_rate;
	p->page_xfer_ns = (uint64_t)((double)p->page_size * p->ch_ns_per_byte);
	p->ring_n = (uint32_t)(p->buffer / SSD_SLOT);
	p->map = calloc(p->nr_lslots, sizeof(*p->map));
	p->touched = calloc(((p->nr_lslots >> MAP_PAGE_SHIFT) >> 6) + 1, sizeof(*p->touched));
	p->rmap = calloc(p->nr_pslots, sizeof(*p->rmap));
	p->valid = calloc(nblk, sizeof(*p->valid));
	p->state = calloc(nblk, 1);
	p->bnext = malloc(nblk * sizeof(*p->bnext));
	p->bprev = malloc(nblk * sizeof(*p->bprev));
	p->bhead = malloc((size_t)units * (p->spb + 1) * sizeof(*p->bhead));
	p->freestk = malloc(nblk * sizeof(*p->freestk));
	p->units = calloc(units, sizeof(*p->units));
	p->ch_free = calloc(p->channels, sizeof(*p->ch_free));
	p->ring = p->ring_n ? calloc(p->ring_n, sizeof(*p->ring)) : NULL;
	if (!p->map || !p->touched || !p->rmap || !p->valid || !p->state || !p->bnext || !p->bprev || !p->bhead ||
	    !p->freestk || !p->units || !p->ch_free || (p->ring_n && !p->ring)) {
		snprintf(err, errlen, "out of memory for the FTL of a %llu-byte drive (%llu MiB of maps)",
			 (unsigned long long)p->size,
			 (unsigned long long)((p->nr_lslots + p->nr_pslots) * 4 >> 20));
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < (uint64_t)units * (p->spb + 1); i++)
		p->bhead[i] = NIL;
	for (uint32_t u = 0; u < units; u++) {
		struct ssd_unit *un = &p->units[u];
		un->open_blk = un->gc_blk = NIL;
		un->ch = u % (uint32_t)p->channels;
		/* push in reverse so blocks are taken in ascending order */
		for (uint32_t i = 0; i < p->bpu; i++)
			p->freestk[(uint64_t)u * p->bpu + i] = u * p->bpu + (p->bpu - 1 - i);
		un->nr_free = p->bpu;
	}
	return 0;
}

static void ssd_fini(struct dev *d)
{
	struct ssd_priv *p = d->priv;

	/* every table ssd_init allocates */
	void *tables[] = {p->map,   p->touched, p->rmap,  p->valid, p->state,   p->bnext,
			  p->bprev, p->bhead,   p->freestk, p->units, p->ch_free, p->ring};

	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		free(tables[i]);
}

/* What the flash did (DEV_CF_SUMMARY: the run summary's line; the rest `models probe`). */
static const struct dev_counter ssd_counters[] = {
	{.name = "host_slot_bytes", .unit = "bytes", .kind = DEV_C_BYTES,
	 .help = "host data placed in 4 KiB flash slots (write_amplification's denominator)",
	 .off = offsetof(struct ssd_priv, host_slots), .scale = SSD_SLOT},
	{.name = "media_bytes_written", .unit = "bytes", .kind = DEV_C_BYTES,
	 .help = "bytes programmed to flash (host data, GC copies and page padding)",
	 .off = offsetof(struct ssd_priv, media_slots), .scale = SSD_SLOT,
	 .text = "media written %s bytes", .flags = DEV_CF_SUMMARY},
	{.name = "write_amplification", .unit = "", .kind = DEV_C_RATIO,
	 .help = "flash programmed / host data placed", .num = 1, .den = 0, .prec = 2,
	 .text = "write amplification %s", .flags = DEV_CF_SUMMARY},
	{.name = "gc_runs", .unit = "", .kind = DEV_C_COUNT, .help = "garbage collections",
	 .off = offsetof(struct ssd_priv, gc_runs), .text = "%s GC runs", .flags = DEV_CF_SUMMARY},
	{.name = "erases", .unit = "", .kind = DEV_C_COUNT, .help = "blocks erased",
	 .off = offsetof(struct ssd_priv, erases), .text = "%s erases"},
	{.name = "cache_hits", .unit = "", .kind = DEV_C_COUNT,
	 .help = "reads served from the write buffer", .off = offsetof(struct ssd_priv, buf_hits),
	 .text = "%s buffer hits"},
	{.name = "flash_reads", .unit = "", .kind = DEV_C_COUNT, .help = "page reads (host and GC)",
	 .off = offsetof(struct ssd_priv, flash_reads), .text = "%s flash reads"},
	{.name = "flash_programs", .unit = "", .kind = DEV_C_COUNT,
	 .help = "page programs (host and GC)", .off = offsetof(struct ssd_priv, flash_programs),
	 .text = "%s flash programs"},
	{.name = NULL},
};

const struct dev_ops dev_ssd = {
	.name = "ssd", .abi = DEV_ABI,
	.help = "flash SSD: channels x dies x planes, page-mapped FTL with over-provisioning and "
		"greedy GC, optional write buffer",
	.ordering = "FIFO per plane and channel; commands on different planes overlap and complete "
		    "out of order; a write's data is visible at its completion",
	.priv_size = sizeof(struct ssd_priv), .opts = ssd_opts, .counters = ssd_counters,
	.presets = ssd_presets, .default_preset = "sata_slc",
	.init = ssd_init, .fini = ssd_fini, .submit = ssd_submit,
};
