// SPDX-License-Identifier: GPL-2.0
/* replay_verify.c - sector headers on every write, and every read checked against them. */
#include "sim/replay_verify.h"

#include <stdlib.h>
#include <string.h>

#include "engine/assert.h"
#include "sim/replay_sector.h"
#include "sim/secmap.h"
#include "sim/verify.h"

struct rbuf {
	int refs;
	uint32_t nsect;
	void *mem;
	uint8_t *racing; /* a read's: sector i overlapped an in-flight write (NULL: none did) */
};

/* A device I/O in flight, as the racing check needs it. */
struct rflight {
	const struct dm_dio *d;
	enum bio_bdev dev;
	uint64_t sector;
	uint32_t nsect;
	bool write;
};

/* A sector's verdict, worst last (a read piece is counted by its worst sector). */
enum verdict { V_OK, V_NEVER, V_TORN, V_STALE, V_MISPLACED, V_CORRUPT, V_NR };

struct rverify {
	uint32_t run_id;
	struct secmap *acked; /* target sector -> newest version acknowledged to the user */
	FILE *log;
	struct rflight *fl;   /* the device reads and writes in flight (a few ring depths) */
	size_t nfl, capfl;
	uint64_t checked, mismatches, never, racing;
	uint64_t by_worst[V_NR]; /* read pieces by their worst verdict (torn .. corrupt are read) */
};

struct rverify *rverify_new(uint32_t run_id, FILE *log)
{
	struct rverify *v = calloc(1, sizeof(*v));

	if (!v || !(v->acked = secmap_new())) {
		free(v);
		return NULL;
	}
	v->run_id = run_id;
	v->log = log;
	return v;
}

void rverify_free(struct rverify *v)
{
	if (!v)
		return;
	secmap_free(v->acked);
	free(v->fl);
	free(v);
}

static struct rbuf *rbuf_new(uint32_t nsect)
{
	struct rbuf *b = calloc(1, sizeof(*b));
	size_t bytes = ((size_t)nsect * RSEC_BYTES + 4095) & ~(size_t)4095;

	ASSERT(b);
	if (posix_memalign(&b->mem, 4096, bytes ? bytes : 4096))
		ASSERT(0 && "out of memory for a verify buffer");
	memset(b->mem, 0, bytes ? bytes : 4096);
	b->refs = 1;
	b->nsect = nsect;
	return b;
}

static void rbuf_put(struct rbuf *b)
{
	if (b && --b->refs == 0) {
		free(b->racing);
		free(b->mem);
		free(b);
	}
}

void *rverify_buf(struct dm_bio *b)
{
	struct rbuf *r = b ? b->data : NULL;

	return r ? r->mem : NULL;
}

void rverify_mapped(struct rverify *v, struct dm_piece *p)
{
	if (p->b.data) /* mapped again (a WRITE_CANCEL resubmission): same data, same snapshot */
		return;
	if (p->op == 'W') {
		struct rbuf *b = rbuf_new(p->nsect);
		for (uint32_t i = 0; i < p->nsect; i++)
			rsec_fill((char *)b->mem + (size_t)i * RSEC_BYTES, v->run_id, p->sector + i,
				  p->req->version);
		p->b.data = b;
	} else if (p->op == 'R') {
		verify_snap_take(p, v->acked);
		p->b.data = rbuf_new(p->nsect);
	}
}

void rverify_clone(struct rverify *v, struct dm_bio *src, struct dm_bio *clone)
{
	(void)v;
	if (!src->data)
		src->data = rbuf_new(src->bio.bi_sectors);
	clone->data = src->data;
	((struct rbuf *)src->data)->refs++;
}

void rverify_bio_free(struct rverify *v, struct dm_bio *b)
{
	(void)v;
	rbuf_put(b->data);
	b->data = NULL;
	verify_snap_drop(b);
}

/* Mark the sectors of read r that write w overlaps (same device, sectors in common). */
static void mark_racing(const struct rflight *r, const struct rflight *w)
{
	struct rbuf *b = r->d->data ? r->d->data->data : NULL;
	uint64_t lo = r->sector > w->sector ? r->sector : w->sector;
	uint64_t hi = r->sector + r->nsect < w->sector + w->nsect ? r->sector + r->nsect : w->sector + w->nsect;

	if (!b || r->dev != w->dev || lo >= hi)
		return;
	if (!b->racing) {
		b->racing = calloc(b->nsect ? b->nsect : 1, 1);
		ASSERT(b->racing);
	}
	for (uint64_t s = lo; s < hi && s - r->sector < b->nsect; s++)
		b->racing[s - r->sector] = 1;
}

void rverify_dio_submit(struct rverify *v, const struct dm_dio *d)
{
	if (!v || (d->io.op != DEV_READ && d->io.op != DEV_WRITE))
		return;
	struct rflight f = {d, d->dev, d->io.sector, d->io.nsect, d->io.op == DEV_WRITE};
	struct rbuf *b = d->data ? d->data->data : NULL;

	if (!f.write && b && b->racing) /* read again (another device): its own flight counts */
		memset(b->racing, 0, b->nsect);
	for (size_t i = 0; i < v->nfl; i++)
		if (v->fl[i].write != f.write)
			mark_racing(f.write ? &v->fl[i] : &f, f.write ? &f : &v->fl[i]);
	if (v->nfl == v->capfl) {
		v->capfl = v->capfl ? 2 * v->capfl : 64;
		v->fl = realloc(v->fl, v->capfl * sizeof(*v->fl));
		ASSERT(v->fl);
	}
	v->fl[v->nfl++] = f;
}

void rverify_dio_done(struct rverify *v, const struct dm_dio *d)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nfl; i++)
		if (v->fl[i].d == d) {
			v->fl[i] = v->fl[--v->nfl];
			return;
		}
}

bool rverify_dio_racing(const struct rverify *v, const struct dm_dio *d)
{
	const struct rbuf *b = v && d->data ? d->data->data : NULL;

	if (!b || !b->racing)
		return false;
	for (uint32_t i = 0; i < b->nsect; i++)
		if (b->racing[i])
			return true;
	return false;
}

/* V_TORN: a bad sector that a write was changing while it was read (counted, not a mismatch) */
static const char *const verdict_name[] = {"ok",    "never_written", "torn",
					   "stale", "misplaced",     "corrupt"};

static enum verdict check_sector(const struct rverify *v, const void *data, uint64_t sector,
				 uint32_t expect, struct rsec_hdr *h)
{
	memset(h, 0, sizeof(*h));
	switch (rsec_check(data, h)) {
	case RSEC_BAD:
		return V_CORRUPT;
	case RSEC_ZERO:
		return expect ? V_STALE : V_NEVER;
	case RSEC_VALID:
		break;
	}
	if (h->run_id == RSEC_UNVERIFIED) /* an earlier replay without --verify: no address */
		return expect ? V_STALE : V_NEVER;
	if (h->sector != sector || h->run_id == RSEC_PREFILL_CACHE)
		return V_MISPLACED;
	if (h->run_id != v->run_id) /* the target's prefill, an earlier run: generation 0 for us */
		return expect ? V_STALE : V_NEVER;
	return h->gen < expect ? V_STALE : V_OK;
}

void rverify_piece_done(struct rverify *v, struct dm_piece *p, int error, uint64_t now_ns)
{
	const uint32_t *snap = p->vsnap;
	struct rbuf *b = p->b.data;
	enum verdict worst = V_OK;
	uint64_t at = 0;
	struct rsec_hdr wh = {0};
	bool never = false;
	uint32_t racing = 0; /* sectors a write overlapped */

	if (p->op != 'R' || !snap || !b || !p->device_io || error)
		return;
	v->checked++;
	for (uint32_t i = 0; i < p->nsect && i < b->nsect; i++) {
		struct rsec_hdr h;
		enum verdict r = check_sector(v, (char *)b->mem + (size_t)i * RSEC_BYTES, p->sector + i,
					      snap[i], &h);
		bool race = b->racing && b->racing[i];
		/* Only a tear is what a race explains: the old or the new data, whole, are both
		 * valid headers of at least the acknowledged generation (the racing write is not
		 * acknowledged yet). Stale or misplaced data stays a mismatch, racing or not. */
		if (race && r == V_CORRUPT)
			r = V_TORN;
		racing += race;
		never |= r == V_NEVER || (r == V_STALE && h.run_id != v->run_id);
		if (r > worst) {
			worst = r;
			at = i;
			wh = h;
		}
	}
	if (never)
		v->never++;
	v->racing += racing > 0;
	v->by_worst[worst]++;
	if (worst >= V_STALE)
		v->mismatches++;
	if (v->log && (worst >= V_TORN || never || racing))
		/* seq sector nsect done_ns device verdict first_sector found_run found_sector
		 * found_gen expected_min_gen racing_sectors */
		fprintf(v->log, "%llu %llu %u %llu %s %s %llu %u %llu %llu %u %u\n",
			(unsigned long long)p->last_seq, (unsigned long long)p->sector, p->nsect,
			(unsigned long long)now_ns, p->served_by == BDEV_CACHE ? "cache" : "target",
			worst >= V_TORN ? verdict_name[worst] : racing && !never ? "racing" : verdict_name[V_NEVER],
			(unsigned long long)(p->sector + at), wh.run_id, (unsigned long long)wh.sector,
			(unsigned long long)wh.gen, snap[at], racing);
}

void rverify_req_done(struct rverify *v, struct dm_req *r)
{
	if (!r->version || r->error)
		return;
	for (uint32_t i = 0; i < r->nsect; i++)
		secmap_raise(v->acked, r->sector + i, (uint32_t)r->version);
}

void rverify_result(const struct rverify *v, struct replay_result *rr)
{
	rr->verified = true;
	rr->checked_reads = v->checked;
	rr->mismatches = v->mismatches;
	rr->stale = v->by_worst[V_STALE];
	rr->misplaced = v->by_worst[V_MISPLACED];
	rr->corrupt = v->by_worst[V_CORRUPT];
	rr->never_written = v->never;
	rr->racing = v->racing;
	rr->torn = v->by_worst[V_TORN];
}
