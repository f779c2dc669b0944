// SPDX-License-Identifier: GPL-2.0
/* defer.c - the fixed mode's deferred-bio queue (docs/quirks.md Q9, Q11, Q12, Q14): see defer.h. */
#include "engine/internal.h"

static uint64_t defer_key(const struct ssdcache_ctx *sc, uint64_t sector)
{
	return sector & ~(uint64_t)sc->block_mask;
}

static uint32_t *defer_bucket(struct ssdcache_defer *d, uint64_t key)
{
	return &d->bucket[(key * 0x9E3779B97F4A7C15ull) >> 32 & (d->nr_bucket - 1)];
}

/* The live cell of a block, or 0 (links are index + 1). */
static uint32_t cell_find(struct ssdcache_defer *d, uint64_t key)
{
	if (!d->nr_bucket)
		return 0;
	for (uint32_t c = *defer_bucket(d, key); c; c = d->cell[c - 1].chain)
		if (d->cell[c - 1].key == key)
			return c;
	return 0;
}

/* Pools grow by doubling (ASSERT on allocation failure, as the queue always did). */
static void *defer_grow(void *a, uint32_t *cap, size_t size)
{
	uint32_t n = *cap ? 2 * *cap : 64;
	void *b = realloc(a, (size_t)n * size);

	ASSERT(b);
	*cap = n;
	return b;
}

static void bucket_link(struct ssdcache_defer *d, uint32_t c)
{
	uint32_t *b = defer_bucket(d, d->cell[c - 1].key);

	d->cell[c - 1].chain = *b;
	*b = c;
}

/* Keep the chains short: at least as many buckets as live cells. False: no change. */
static bool buckets_grow(struct ssdcache_defer *d)
{
	if (d->live_cells <= d->nr_bucket)
		return false;
	free(d->bucket);
	d->nr_bucket = d->nr_bucket ? 2 * d->nr_bucket : 64;
	d->bucket = calloc(d->nr_bucket, sizeof(*d->bucket));
	ASSERT(d->bucket);
	for (uint32_t i = 0; i < d->nr_cell; i++)
		if (d->cell[i].live)
			bucket_link(d, i + 1);
	return true;
}

static uint32_t cell_get(struct ssdcache_defer *d, uint64_t key)
{
	uint32_t c = cell_find(d, key);

	if (c)
		return c;
	if (d->free_cell) {
		c = d->free_cell;
		d->free_cell = d->cell[c - 1].chain;
	} else {
		if (d->nr_cell == d->cap_cell)
			d->cell = defer_grow(d->cell, &d->cap_cell, sizeof(*d->cell));
		c = ++d->nr_cell;
	}
	d->cell[c - 1] = (struct defer_cell){ .key = key, .live = true };
	d->live_cells++;
	if (!buckets_grow(d)) /* growing relinks every live cell, this one too */
		bucket_link(d, c);
	return c;
}

static void cell_free(struct ssdcache_defer *d, uint32_t c)
{
	uint32_t *p = defer_bucket(d, d->cell[c - 1].key);

	while (*p != c)
		p = &d->cell[*p - 1].chain;
	*p = d->cell[c - 1].chain;
	d->cell[c - 1].live = false;
	d->cell[c - 1].chain = d->free_cell;
	d->free_cell = c;
	d->live_cells--;
}

/* The search of defer_overlaps, out of line: the common case (nothing held) stays a test. */
static __attribute__((noinline)) bool overlaps_held(struct ssdcache_ctx *sc, const struct bio *bio)
{
	struct ssdcache_defer *d = &sc->defer;
	uint64_t lo = bio->bi_sector, hi = lo + bio->bi_sectors;
	uint64_t from = lo >= d->max_len ? lo - d->max_len + 1 : 0;

	for (uint64_t k = defer_key(sc, from); k < hi; k += sc->block_mask + 1) {
		uint32_t c = cell_find(d, k);
		for (uint32_t e = c ? d->cell[c - 1].head : 0; e; e = d->ent[e - 1].next) {
			const struct bio *w = d->ent[e - 1].bio;
			if (w->bi_sector < hi && lo < w->bi_sector + w->bi_sectors) {
				d->over = c;
				return true;
			}
		}
	}
	return false;
}

/* Does a waiting bio overlap this one? Then it must wait behind it, to keep their order: the
 * cells of every block a waiting bio overlapping this one may start in are searched. */
bool defer_overlaps(struct ssdcache_ctx *sc, const struct bio *bio)
{
	return sc->defer.nr && bio->bi_sectors && overlaps_held(sc, bio);
}

void defer_hold(struct ssdcache_io *sio, struct bio *bio)
{
	struct ssdcache_ctx *sc = sio->sc;
	struct ssdcache_defer *d = &sc->defer;
	uint32_t c = d->over ? d->over : cell_get(d, defer_key(sc, bio->bi_sector)), e;

	d->over = 0;
	bio->map_ptr = NULL;
	bio->bi_bdev = BDEV_SELF;
	ssdcache_put_sio(sio);
	if (d->free_ent) {
		e = d->free_ent;
		d->free_ent = d->ent[e - 1].next;
	} else {
		if (d->nr_ent == d->cap_ent)
			d->ent = defer_grow(d->ent, &d->cap_ent, sizeof(*d->ent));
		e = ++d->nr_ent;
	}
	d->ent[e - 1] = (struct defer_ent){ .bio = bio, .stamp = ++d->stamp };
	if (d->cell[c - 1].tail)
		d->ent[d->cell[c - 1].tail - 1].next = e;
	else
		d->cell[c - 1].head = e;
	d->cell[c - 1].tail = e;
	d->cell[c - 1].n++;
	if (bio->bi_sectors > d->max_len)
		d->max_len = bio->bi_sectors;
	d->nr++;
	sc->c.deferred++;
}

/* Release by block only when every busy bit is sure to be cleared by a completion that kicks
 * its block (defer.h). */
static bool defer_by_block(const struct ssdcache_ctx *sc)
{
	return FIXED(sc, 4) && FIXED(sc, 9) && FIXED(sc, 10) && FIXED(sc, 11) && FIXED(sc, 12) &&
	       FIXED(sc, 14);
}

void defer_kick(struct ssdcache_ctx *sc, uint64_t block_sector)
{
	struct ssdcache_defer *d = &sc->defer;

	if (!d->nr)
		return;
	if (defer_by_block(sc)) {
		uint32_t c = cell_find(d, defer_key(sc, block_sector));
		if (!c || d->cell[c - 1].kicked)
			return;
		d->cell[c - 1].kicked = true;
		d->cell[c - 1].kick_next = d->kicked;
		d->kicked = c;
	} else
		d->retry_all = true;
	if (!d->retry) {
		d->retry = true;
		sc->wq->ops->queue_work(sc->wq->host);
	}
}

struct defer_held {
	struct bio *bio;
	uint64_t stamp;
};

static int held_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct defer_held *)a)->stamp, y = ((const struct defer_held *)b)->stamp;

	return x < y ? -1 : x > y;
}

/* Move a cell's bios to the batch and free the cell and its entries. */
static void cell_take(struct ssdcache_defer *d, uint32_t c, struct defer_held *batch, size_t *n)
{
	uint32_t e = d->cell[c - 1].head;

	while (e) {
		uint32_t next = d->ent[e - 1].next;
		batch[(*n)++] = (struct defer_held){ d->ent[e - 1].bio, d->ent[e - 1].stamp };
		d->ent[e - 1].next = d->free_ent;
		d->free_ent = e;
		d->nr--;
		e = next;
	}
	cell_free(d, c);
}

/* One round: the kicked bios are taken whole first, so a bio held again waits for the next
 * kick; they are mapped again in the order they were held (the old single queue's order). */
static __attribute__((noinline)) void defer_retry(struct ssdcache_ctx *sc)
{
	struct ssdcache_defer *d = &sc->defer;
	struct defer_held *batch;
	size_t n = 0, cells = 0;

	d->retry = false;
	if (!d->nr) {
		d->retry_all = false;
		d->kicked = 0;
		return;
	}
	if (!d->retry_all)
		for (uint32_t c = d->kicked; c; c = d->cell[c - 1].kick_next)
			n += d->cell[c - 1].n;
	batch = malloc((d->retry_all ? d->nr : n) * sizeof(*batch));
	ASSERT(batch);
	n = 0;
	if (d->retry_all) {
		for (uint32_t c = 1; c <= d->nr_cell; c++)
			if (d->cell[c - 1].live) {
				cell_take(d, c, batch, &n);
				cells++;
			}
	} else {
		for (uint32_t c = d->kicked, next; c; c = next) {
			next = d->cell[c - 1].kick_next;
			cell_take(d, c, batch, &n);
			cells++;
		}
	}
	d->retry_all = false;
	d->kicked = 0;
	if (cells > 1)
		qsort(batch, n, sizeof(*batch), held_cmp);
	d->lookups += n;
	for (size_t i = 0; i < n; i++) {
		struct bio *bio = batch[i].bio;
		if (ssdcache_map(sc, bio) == DM_MAPIO_REMAPPED)
			sc->ops->submit_bio(sc->host, bio);
	}
	free(batch);
}

void defer_retry_kicked(struct ssdcache_wq *wq)
{
	for (struct ssdcache_ctx *sc = wq->targets; sc; sc = sc->wq_next)
		if (sc->defer.retry)
			defer_retry(sc);
}

void defer_free(struct ssdcache_ctx *sc)
{
	struct ssdcache_defer *d = &sc->defer;

	free(d->ent);
	free(d->cell);
	free(d->bucket);
	*d = (struct ssdcache_defer){ 0 };
}
