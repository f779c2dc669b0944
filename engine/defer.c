// SPDX-License-Identifier: GPL-2.0
/* defer.c - the fixed mode's deferred-bio queue (docs/quirks.md Q9, Q11, Q12, Q14): see defer.h. */
#include "engine/internal.h"

/* Does a waiting bio overlap this one? Then it must wait behind it, to keep their order. */
bool defer_overlaps(const struct ssdcache_ctx *sc, const struct bio *bio)
{
	for (size_t i = 0; i < sc->defer.nr; i++) {
		const struct bio *d = sc->defer.bio[i];
		if (d->bi_sector < bio->bi_sector + bio->bi_sectors &&
		    bio->bi_sector < d->bi_sector + d->bi_sectors)
			return true;
	}
	return false;
}

void defer_hold(struct ssdcache_io *sio, struct bio *bio)
{
	struct ssdcache_ctx *sc = sio->sc;

	bio->map_ptr = NULL;
	bio->bi_bdev = BDEV_SELF;
	ssdcache_put_sio(sio);
	if (sc->defer.nr == sc->defer.cap) {
		size_t cap = sc->defer.cap ? 2 * sc->defer.cap : 64;
		struct bio **d = realloc(sc->defer.bio, cap * sizeof(*d));
		ASSERT(d);
		sc->defer.bio = d;
		sc->defer.cap = cap;
	}
	sc->defer.bio[sc->defer.nr++] = bio;
	sc->c.deferred++;
}

void defer_kick(struct ssdcache_ctx *sc)
{
	if (sc->defer.nr && !sc->defer.retry) {
		sc->defer.retry = true;
		sc->wq->ops->queue_work(sc->wq->host);
	}
}

/* One round: the queue is taken whole first, so a bio held again waits for the next kick. */
static void defer_retry(struct ssdcache_ctx *sc)
{
	size_t n = sc->defer.nr;
	struct bio **batch;

	sc->defer.retry = false;
	if (!n)
		return;
	batch = sc->defer.bio;
	sc->defer.bio = NULL;
	sc->defer.nr = sc->defer.cap = 0;
	for (size_t i = 0; i < n; i++) {
		struct bio *bio = batch[i];
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
	free(sc->defer.bio);
	sc->defer.bio = NULL;
	sc->defer.nr = sc->defer.cap = 0;
}
