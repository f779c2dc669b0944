// SPDX-License-Identifier: GPL-2.0
/* replay_verify.c - sector headers on every write, and every read checked against them. */
#include "sim/replay_verify.h"

#include <stdlib.h>
#include <string.h>

#include "engine/assert.h"
#include "sim/replay_sector.h"
#include "sim/secmap.h"

struct rbuf {
	int refs;
	uint32_t nsect;
	void *mem;
};

struct rverify {
	uint32_t run_id;
	struct secmap *acked; /* target sector -> newest version acknowledged to the user */
	FILE *log;
	uint64_t checked, mismatches, stale, misplaced, corrupt, never;
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
		uint32_t *snap = malloc((p->nsect ? p->nsect : 1) * sizeof(uint32_t));
		ASSERT(snap);
		for (uint32_t i = 0; i < p->nsect; i++)
			snap[i] = secmap_get(v->acked, p->sector + i);
		p->vsnap = snap;
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
	if (b->piece) {
		free(b->piece->vsnap);
		b->piece->vsnap = NULL;
	}
}

enum verdict { V_OK, V_NEVER, V_STALE, V_MISPLACED, V_CORRUPT };
static const char *const verdict_name[] = {"ok", "never_written", "stale", "misplaced", "corrupt"};

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

	if (p->op != 'R' || !snap || !b || !p->device_io || error)
		return;
	v->checked++;
	for (uint32_t i = 0; i < p->nsect && i < b->nsect; i++) {
		struct rsec_hdr h;
		enum verdict r = check_sector(v, (char *)b->mem + (size_t)i * RSEC_BYTES, p->sector + i,
					      snap[i], &h);
		never |= r == V_NEVER || (r == V_STALE && h.run_id != v->run_id);
		if (r > worst) {
			worst = r;
			at = i;
			wh = h;
		}
	}
	if (never)
		v->never++;
	switch (worst) {
	case V_STALE:
		v->stale++;
		break;
	case V_MISPLACED:
		v->misplaced++;
		break;
	case V_CORRUPT:
		v->corrupt++;
		break;
	default:
		break;
	}
	if (worst >= V_STALE)
		v->mismatches++;
	if (v->log && (worst >= V_STALE || never))
		/* seq sector nsect done_ns device verdict first_sector found_run found_sector
		 * found_gen expected_min_gen */
		fprintf(v->log, "%llu %llu %u %llu %s %s %llu %u %llu %llu %u\n",
			(unsigned long long)p->last_seq, (unsigned long long)p->sector, p->nsect,
			(unsigned long long)now_ns, p->served_by == BDEV_CACHE ? "cache" : "target",
			verdict_name[worst >= V_STALE ? worst : V_NEVER],
			(unsigned long long)(p->sector + at), wh.run_id, (unsigned long long)wh.sector,
			(unsigned long long)wh.gen, snap[at]);
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
	rr->stale = v->stale;
	rr->misplaced = v->misplaced;
	rr->corrupt = v->corrupt;
	rr->never_written = v->never;
}
