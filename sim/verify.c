// SPDX-License-Identifier: GPL-2.0
/* verify.c - the stale-read verifier (docs/engine.md §9). */
#include "sim/verify.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/assert.h"
#include "sim/secmap.h"

enum origin { ORIGIN_NONE, ORIGIN_PRIMARY, ORIGIN_FILL, ORIGIN_WRITE_COPY };

/* The data a bio carries: one version for a user write, per-sector versions for read data. */
struct vdata {
	int refs;
	uint32_t nsect;
	bool uniform;
	uint32_t version;
	uint32_t ver[];
};


#define MAX_KEPT 1000000

struct verifier {
	struct secmap *content[3]; /* by enum bio_bdev: [BDEV_TARGET], [BDEV_CACHE] */
	struct secmap *cache_origin;
	struct secmap *acked;
	enum ssdcache_mode_t mode;
	bool async_lookup;
	uint64_t stale;
	struct sim_stale_example *cases;
	size_t nr_cases, cap_cases;
};

struct verifier *verify_new(enum ssdcache_mode_t mode, bool async_lookup)
{
	struct verifier *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->content[BDEV_TARGET] = secmap_new();
	v->content[BDEV_CACHE] = secmap_new();
	v->cache_origin = secmap_new();
	v->acked = secmap_new();
	v->mode = mode;
	v->async_lookup = async_lookup;
	return v;
}

void verify_free(struct verifier *v)
{
	if (!v)
		return;
	secmap_free(v->content[BDEV_TARGET]);
	secmap_free(v->content[BDEV_CACHE]);
	secmap_free(v->cache_origin);
	secmap_free(v->acked);
	free(v->cases);
	free(v);
}

static struct vdata *vdata_new(uint32_t nsect, bool uniform, uint32_t version)
{
	struct vdata *d = calloc(1, sizeof(*d) + (uniform ? 0 : (size_t)nsect * sizeof(uint32_t)));

	if (!d)
		ssdcache_out_of_memory("the stale-read verifier");
	d->refs = 1;
	d->nsect = nsect;
	d->uniform = uniform;
	d->version = version;
	return d;
}

static void vdata_put(struct vdata *d)
{
	if (d && --d->refs == 0)
		free(d);
}

static uint32_t vdata_at(const struct vdata *d, uint32_t i)
{
	return d->uniform ? d->version : d->ver[i];
}

void verify_mapped(struct verifier *v, struct dm_piece *p, bool first)
{
	if (!first)
		return;
	if (p->op == 'W') {
		p->b.data = vdata_new(p->nsect, true, (uint32_t)p->req->version);
	} else if (p->op == 'R') {
		/* the newest versions acknowledged before this read was submitted */
		verify_snap_take(p, v->acked);
	}
}

void verify_snap_take(struct dm_piece *p, const struct secmap *acked)
{
	uint32_t *snap = malloc((p->nsect ? p->nsect : 1) * sizeof(uint32_t));

	if (!snap)
		ssdcache_out_of_memory("the stale-read verifier");
	for (uint32_t i = 0; i < p->nsect; i++)
		snap[i] = secmap_get(acked, p->sector + i);
	p->vsnap = snap;
}

void verify_snap_drop(struct dm_bio *b)
{
	if (b->piece) {
		free(b->piece->vsnap);
		b->piece->vsnap = NULL;
	}
}

void verify_clone(struct verifier *v, struct dm_bio *src, struct dm_bio *clone)
{
	(void)v;
	if (!src->data) /* a read's fill clone: the data arrives when the read completes */
		src->data = vdata_new(src->bio.bi_sectors, false, 0);
	clone->data = src->data;
	((struct vdata *)src->data)->refs++;
}

void verify_bio_free(struct verifier *v, struct dm_bio *b)
{
	(void)v;
	vdata_put(b->data);
	b->data = NULL;
	verify_snap_drop(b);
}

void verify_dio_done(struct verifier *v, struct dm_dio *d)
{
	struct secmap *dev = v->content[d->dev];

	if (d->io.op == DEV_WRITE) {
		struct vdata *data = d->data ? d->data->data : NULL;
		enum origin o = d->piece ? ORIGIN_PRIMARY : (data && data->uniform) ? ORIGIN_WRITE_COPY
										    : ORIGIN_FILL;
		if (!data)
			return;
		for (uint32_t i = 0; i < d->io.nsect && i < data->nsect; i++) {
			secmap_set(dev, d->io.sector + i, vdata_at(data, i));
			if (d->dev == BDEV_CACHE)
				secmap_set(v->cache_origin, d->io.sector + i, o);
		}
	} else if (d->io.op == DEV_READ && d->data) {
		struct dm_bio *b = d->data;
		if (!b->data)
			b->data = vdata_new(d->io.nsect, false, 0);
		struct vdata *data = b->data;
		for (uint32_t i = 0; i < d->io.nsect && i < data->nsect; i++)
			data->ver[i] = secmap_get(dev, d->io.sector + i);
	}
}

static void explain(struct verifier *v, const struct dm_piece *p, uint32_t i, char *why, size_t len)
{
	if (p->served_by == BDEV_CACHE) {
		uint64_t cs = p->b.bio.bi_sector + i;
		switch ((enum origin)secmap_get(v->cache_origin, cs)) {
		case ORIGIN_FILL:
			snprintf(why, len, "Q13: a read-miss fill wrote older data over a newer write");
			break;
		case ORIGIN_WRITE_COPY:
			snprintf(why, len, "Q10/Q11/Q12: an older write's cache copy landed last");
			break;
		case ORIGIN_PRIMARY:
			snprintf(why, len, "Q10: an older cache write was marked clean over a newer one");
			break;
		default:
			snprintf(why, len, v->async_lookup && v->mode == CACHE_MODE_WRITETHROUGH
						   ? "Q15: async_lookup writes never update the cache"
						   : "Q5: a stale duplicate cte was found first");
		}
		return;
	}
	snprintf(why, len, v->mode == CACHE_MODE_WRITEBACK
				   ? "the target lacks an acknowledged write (Q11 lost write, dropped secondary C9/X1, or C8)"
				   : "the target lacks an acknowledged write (a read overtook it, C8)");
}

void verify_piece_done(struct verifier *v, struct dm_piece *p, uint64_t now_ns)
{
	const uint32_t *snap = p->vsnap;
	const struct vdata *data = p->b.data;

	if (p->op != 'R' || !snap || !p->device_io || !data)
		return;
	for (uint32_t i = 0; i < p->nsect && i < data->nsect; i++) {
		if (data->ver[i] >= snap[i])
			continue;
		v->stale++;
		if (v->nr_cases < MAX_KEPT) {
			if (v->nr_cases == v->cap_cases) {
				size_t cap = v->cap_cases ? 2 * v->cap_cases : 64;
				struct sim_stale_example *c = realloc(v->cases, cap * sizeof(*c));
				if (!c)
					ssdcache_out_of_memory("the stale-read verifier");
				v->cases = c;
				v->cap_cases = cap;
			}
			struct sim_stale_example *e = &v->cases[v->nr_cases++];
			memset(e, 0, sizeof(*e));
			e->seq = p->last_seq;
			e->sector = p->sector;
			e->nsect = p->nsect;
			e->done_ns = now_ns;
			e->submit_ns = p->map_ns;
			e->first_stale_sector = p->sector + i;
			e->returned_version = data->ver[i];
			e->expected_min_version = snap[i];
			explain(v, p, i, e->why, sizeof(e->why));
		}
		break;
	}
}

void verify_req_done(struct verifier *v, struct dm_req *r)
{
	if (!r->version)
		return;
	for (uint32_t i = 0; i < r->nsect; i++)
		secmap_raise(v->acked, r->sector + i, (uint32_t)r->version);
}

uint64_t verify_stale_count(const struct verifier *v)
{
	return v->stale;
}

static int by_seq(const void *a, const void *b)
{
	const struct sim_stale_example *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void sort_cases(struct verifier *v)
{
	if (v->nr_cases)
		qsort(v->cases, v->nr_cases, sizeof(*v->cases), by_seq);
}

unsigned verify_examples(struct verifier *v, struct sim_stale_example *out, unsigned n)
{
	sort_cases(v);
	if (n > v->nr_cases)
		n = (unsigned)v->nr_cases;
	if (n)
		memcpy(out, v->cases, n * sizeof(*out));
	return n;
}

int verify_write_log(struct verifier *v, FILE *fp)
{
	sort_cases(v);
	for (size_t i = 0; i < v->nr_cases; i++) {
		const struct sim_stale_example *e = &v->cases[i];
		fprintf(fp, "%llu %llu %llu %llu %llu %llu %llu\n", (unsigned long long)e->seq,
			(unsigned long long)e->sector, (unsigned long long)e->nsect,
			(unsigned long long)e->done_ns, (unsigned long long)e->first_stale_sector,
			(unsigned long long)e->returned_version, (unsigned long long)e->expected_min_version);
	}
	return ferror(fp) ? -1 : 0;
}
