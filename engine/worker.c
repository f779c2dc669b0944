// SPDX-License-Identifier: GPL-2.0
/* worker.c - the sio lifecycle (kref), the kssdcached workqueue (process_sio) and the dm_io callbacks. */
#include <errno.h>
#include <string.h>

#include "engine/internal.h"

void seed_crash(struct ssdcache_ctx *sc, int q, const char *what)
{
	sc->c.seed_crashes++;
	if (sc->ops->seed_crash)
		sc->ops->seed_crash(sc->host, q, what);
}

/* ---- sio allocation: a free list, so the steady state does not call malloc ---- */

struct ssdcache_io *ssdcache_create_sio(struct ssdcache_ctx *sc)
{
	struct ssdcache_io *sio = sc->sio_free;

	if (sio) {
		sc->sio_free = sio->pool_next;
	} else {
		sio = malloc(sizeof(*sio));
		ASSERT(sio); /* mempool_alloc(GFP_NOIO) never fails (Q32 unreachable) */
		/* once per sio: what its release leaves as it is (internal.h) */
		sio->sc = sc;
		sio->on_list = false;
		sio->bio = NULL;
		sio->writeback_bio = NULL;
	}
	/*
	 * Every field read before it is written, field by field (what a memset of the whole sio
	 * did, minus the rest): ssdcache_map, the only creator, sets seq, req, req_sector,
	 * req_sectors, bio_sector and the mask (sio_bio_mask) before anything reads them;
	 * list_next is set by sio_fifo_push before the sio is on a list, pool_next by its release;
	 * sc, on_list, bio and writeback_bio are what they were at its allocation (above).
	 */
	sio->kref = 1;
	sio->error = 0;
	sio->cmd = NULL;
	sio->cte_idx = -1;
	sio->gen = 0;
	sio->wgen = 0;
	sio->bio_is_flush = false;
	sio->bio_issued = false;
	sio->defer = false;
	sio->uncached_write = false;
	sio->leaked_refs = 0;
	sio->flush_pending = 0;
	sio->nr = ++sc->c.nr_sio;
	sc->c.sio_active++;
	return sio;
}

static void sio_release_memory(struct ssdcache_io *sio)
{
	struct ssdcache_ctx *sc = sio->sc;

	sio->pool_next = sc->sio_free;
	sc->sio_free = sio;
}

void sio_free_all(struct ssdcache_ctx *sc)
{
	while (sc->sio_free) {
		struct ssdcache_io *n = sc->sio_free->pool_next;
		free(sc->sio_free);
		sc->sio_free = n;
	}
}

static void unmap_writeback_bio(struct ssdcache_io *sio)
{
	if (sio->writeback_bio) {
		sio->sc->ops->bio_put(sio->sc->host, sio->writeback_bio);
		sio->writeback_bio = NULL;
	}
}

/* Give the host back the clones a sio holds (the flush bio is the user's, not a clone). The
 * seed does not release writeback_bio at destroy (a leak, Q17): memory only, and our host's
 * clone would leak with it, so it is returned in both modes. */
static inline __attribute__((always_inline)) void sio_put_bios(struct ssdcache_io *sio)
{
	if (sio->bio && !sio->bio_is_flush)
		sio->sc->ops->bio_put(sio->sc->host, sio->bio);
	sio->bio = NULL;
	unmap_writeback_bio(sio);
}

/* ssdcache_destroy_sio's cte cleanup but for its common case (fixed Q6, one word per map),
 * out of line: the inline part keeps a small frame. The seed's test, and with Q6 fixed only
 * the drop's (below). */
static __attribute__((noinline)) void destroy_cleanup_cte(struct ssdcache_io *sio)
{
	if (FIXED(sio->sc, 6) ? cte_maps_empty(sio->sc, sio_cte_bound(sio)) :
				!sio_cache_is_busy(sio) && !sio_target_is_busy(sio))
		sio_cleanup_cte(sio);
}

/* ssdcache_destroy_sio: release the secondary clone, clean the cte up, free the sio. */
static void ssdcache_destroy_sio(struct ssdcache_io *sio)
{
	struct ssdcache_ctx *sc = sio->sc;

	BUG_ON(sio->on_list);
	sio_put_bios(sio);
	if (sio->error != -SEED_ESTALE && sio_match_sector(sio)) {
		if (FIXED(sc, 6) && sc->nwords == 1) {
			/* Fixed Q6, sio_cleanup_cte's transition changes nothing, so all it can do
			 * is the drop, whose test (all three maps empty) implies the two busy tests:
			 * only that test, here (the same decision; the call only when it drops) */
			const uint64_t *bits = sio_cte_bound(sio)->bits;
			if (!(bits[0] | bits[1] | bits[2]))
				sio_cleanup_cte(sio);
		} else {
			destroy_cleanup_cte(sio);
		}
	}
	sc->c.sio_active--;
	sio_release_memory(sio);
}

void ssdcache_get_sio(struct ssdcache_io *sio)
{
	sio->kref++;
}

/* The rest of kref_put (internal.h's ssdcache_put_sio): the last reference, or only leaked ones. */
int ssdcache_put_sio_last(struct ssdcache_io *sio)
{
	if (sio->kref == 0) {
		ssdcache_destroy_sio(sio);
		return 1;
	}
	sio_put_bios(sio);
	sio_release_memory(sio);
	return 1;
}

/* ---- the workqueue ---- */

struct ssdcache_wq *ssdcache_wq_create(const struct ssdcache_host_ops *ops, void *host)
{
	struct ssdcache_wq *wq = calloc(1, sizeof(*wq));

	if (!wq)
		return NULL;
	wq->ops = ops;
	wq->host = host;
	return wq;
}

void ssdcache_wq_destroy(struct ssdcache_wq *wq)
{
	free(wq);
}

bool ssdcache_wq_busy(const struct ssdcache_wq *wq)
{
	return wq->head != NULL;
}

/* Append to a FIFO of sios linked through list_next: _io_work, and the flushes waiting (Q18). */
static void sio_fifo_push(struct ssdcache_io **head, struct ssdcache_io **tail,
			  struct ssdcache_io *sio)
{
	sio->list_next = NULL;
	if (*tail)
		(*tail)->list_next = sio;
	else
		*head = sio;
	*tail = sio;
}

static void push_sio(struct ssdcache_wq *wq, struct ssdcache_io *sio)
{
	struct ssdcache_ctx *sc = sio->sc;

	if (sio->on_list) {
		if (FIXED(sc, 17)) {
			/* Q17 fixed: never push a queued sio; give back the queue reference */
			sio->kref--;
			return;
		}
		/* list_add_tail of a listed entry corrupts _io_work (Q17): treat it as a no-op that
		 * keeps its reference, so this sio is never destroyed */
		seed_crash(sc, 17, "list_add_tail of a sio already on _io_work (list corruption)");
		sio->leaked_refs++;
		return;
	}
	sio->on_list = true;
	sio_fifo_push(&wq->head, &wq->tail, sio);
}

/* Always inline, with link-time optimisation: into ENDIO and the map (map.c); internal.h's
 * declaration is a plain one. */
__attribute__((always_inline)) inline void ssdcache_schedule_sio(struct ssdcache_io *sio)
{
	struct ssdcache_wq *wq = sio->sc->wq;

	ssdcache_get_sio(sio);
	push_sio(wq, sio);
	wq->ops->queue_work(wq->host);
}

/* ---- device I/O issued by the engine (dm_io) ---- */

/* Always inline, with link-time optimisation (as write_to_cache): into process_sio's loop and
 * the map (map.c), two calls and a frame per cache write less; internal.h's declaration is a
 * plain one. */
__attribute__((always_inline)) inline sector_t to_cache_sector(struct ssdcache_io *sio, sector_t data_sector)
{
	struct ssdcache_ctx *sc = sio->sc;
	sector_t sector_offset, cte_offset, cmd_offset, cache_sector;

	sector_offset = data_sector & sc->block_mask;
	BUG_ON(!sio->cmd);
	BUG_ON(sio->cte_idx < 0);
	cte_offset = (sector_t)sio->cte_idx * sc->block_size;
	cmd_offset = (sector_t)sio->cmd->hash * sio->cmd->num_cte * sc->block_size;
	cache_sector = sc->data_offset + cmd_offset + cte_offset + sector_offset;
	/* The seed compares this with the cache size in bytes and never fires (Q36); for a
	 * power-of-two block size the real bound holds. */
	if ((sc->block_size & sc->block_mask) == 0)
		ASSERT(cache_sector < (sector_t)sc->num_cmd * DEFAULT_ALIASING * sc->block_size);
	return cache_sector;
}

static void cache_io_callback(unsigned long error, void *context);
static void target_io_callback(unsigned long error, void *context);

__attribute__((always_inline)) inline void write_to_cache(struct ssdcache_io *sio, struct bio *bio)
{
	struct ssdcache_ctx *sc = sio->sc;

	sc->secondaries_inflight++;
	sc->ops->dm_io(sc->host, BDEV_CACHE, BIO_RW_WRITE, to_cache_sector(sio, bio->bi_sector), bio,
		       cache_io_callback, sio);
}

void write_to_target(struct ssdcache_io *sio, struct bio *bio)
{
	struct ssdcache_ctx *sc = sio->sc;

	sc->secondaries_inflight++;
	sc->ops->dm_io(sc->host, BDEV_TARGET, BIO_RW_WRITE, bio->bi_sector, bio, target_io_callback,
		       sio);
}

/* always inline into the two dm_io callbacks: a call and a frame per secondary less */
static inline __attribute__((always_inline)) void secondary_done(struct ssdcache_ctx *sc)
{
	BUG_ON(sc->secondaries_inflight == 0);
	if (--sc->secondaries_inflight == 0 && sc->flush_wait_head)
		ssdcache_flush_ready(sc);
}

static void cache_io_callback(unsigned long error, void *context)
{
	struct ssdcache_io *sio = context;
	struct ssdcache_ctx *sc = sio->sc;

	if (!sio_match_sector(sio)) {
		/* "cte overrun, not updating state" */
		sc->c.cache_overruns++;
	} else if (!sio_cache_is_busy(sio)) {
		/* "cte not busy, not updating state" */
	} else {
		if (error)
			sio->error = -SEED_EIO;
		if (sio->error == -SEED_EUCLEAN)
			sio->error = 0;
		sio_finish_cache_write(sio);
	}
	unmap_writeback_bio(sio);
	secondary_done(sc);
	ssdcache_put_sio(sio);
	sc->wq->ops->queue_work(sc->wq->host);
}

static void target_io_callback(unsigned long error, void *context)
{
	struct ssdcache_io *sio = context;
	struct ssdcache_ctx *sc = sio->sc;

	if (!sio->cmd) {
		/* "cte lookup not finished" (dead in the seed, Q16) */
		if (!sio->error)
			sio->error = -SEED_EUCLEAN;
		sc->c.cache_overruns++;
	} else if (!sio_match_sector(sio)) {
		sc->c.cache_overruns++;
	} else if (!sio_target_is_busy(sio)) {
		/* "cte not busy, not updating state" */
	} else {
		if (error)
			sio->error = -SEED_EIO;
		sio_finish_target_write(sio);
	}
	secondary_done(sc);
	ssdcache_put_sio(sio);
	sc->wq->ops->queue_work(sc->wq->host);
}

/*
 * sio_check_writeback: may the fill (or deferred copy) be written to the cache? The seed only
 * checks that the slot holds the block and that the read's offsets are not cache-busy (Q13);
 * with Q13 fixed, a write started on the cte (or the cte replaced) since the lookup cancels it.
 */
static bool sio_check_writeback(struct ssdcache_io *sio)
{
	struct ssdcache_ctx *sc = sio->sc;
	struct ssdcache_te *cte;

	cte = sio_cte_bound(sio);
	if (!cte)
		return false;
	if (cte->sector != sio->bio_sector)
		return false;
	if ((FIXED(sc, 10) || FIXED(sc, 13)) && cte->gen != sio->gen)
		return false;
	if (FIXED(sc, 13) && cte->wgen != sio->wgen)
		return false;
	/* Check if there is an outstanding cache write */
	if (cte_cache_is_busy(sc, cte, sio))
		return false;
	return true;
}

/*
 * Fixed Q18: a flush is sent to both devices once every earlier secondary finished, and the
 * user's flush completes when both device flushes did. The creation reference, which the seed
 * never drops, is dropped then.
 */
static void flush_io_callback(unsigned long error, void *context)
{
	struct ssdcache_io *sio = context;
	struct ssdcache_ctx *sc = sio->sc;

	(void)error;
	BUG_ON(sio->flush_pending == 0);
	if (--sio->flush_pending == 0) {
		struct bio *bio = sio->bio;
		sio->bio = NULL;
		sc->ops->bio_endio(sc->host, bio, 0);
		ssdcache_put_sio(sio); /* the creation reference */
	}
	ssdcache_put_sio(sio);
}

static void flush_issue(struct ssdcache_io *sio)
{
	struct ssdcache_ctx *sc = sio->sc;

	sio->flush_pending = 2;
	ssdcache_get_sio(sio);
	ssdcache_get_sio(sio);
	sc->ops->dm_io(sc->host, BDEV_CACHE, BIO_RW_WRITE | REQ_FLUSH, 0, sio->bio, flush_io_callback,
		       sio);
	sc->ops->dm_io(sc->host, BDEV_TARGET, BIO_RW_WRITE | REQ_FLUSH, 0, sio->bio,
		       flush_io_callback, sio);
}

void ssdcache_flush_ready(struct ssdcache_ctx *sc)
{
	while (sc->flush_wait_head && sc->secondaries_inflight == 0) {
		struct ssdcache_io *sio = sc->flush_wait_head;
		sc->flush_wait_head = sio->list_next;
		if (!sc->flush_wait_head)
			sc->flush_wait_tail = NULL;
		sio->list_next = NULL;
		flush_issue(sio);
	}
}

static void process_flush(struct ssdcache_io *sio)
{
	struct ssdcache_ctx *sc = sio->sc;

	if (!FIXED(sc, 18)) {
		/* DM only sends empty flushes: complete it, no device sees it (Q18) */
		struct bio *bio = sio->bio;
		sio->bio = NULL;
		sc->ops->bio_endio(sc->host, bio, 0);
		return;
	}
	/* the creation reference keeps it alive while it waits */
	if (sc->secondaries_inflight == 0) {
		flush_issue(sio);
	} else {
		sio_fifo_push(&sc->flush_wait_head, &sc->flush_wait_tail, sio);
	}
}

/*
 * process_sio: drain _io_work head first. Branch order matters (Q17): any item with sio->bio
 * set is a secondary write, even if ENDIO queued it again for its writeback_bio.
 */
static __attribute__((noinline)) void process_sio_work(struct ssdcache_wq *wq);

/* A run that finds _io_work empty and no target's bios kicked (half the runs: the dm_io
 * callbacks queue the work after a cache write, with nothing left to do) returns at once, before
 * the loop's frame is set up; any other run is process_sio_work's. */
void process_sio(struct ssdcache_wq *wq)
{
	const struct ssdcache_ctx *sc = wq->targets;

	if (!wq->head && (!sc || (!sc->defer.retry && !sc->wq_next)))
		return;
	process_sio_work(wq);
}

static void process_sio_work(struct ssdcache_wq *wq)
{
	struct ssdcache_io *sio;

	for (;;) {
		sio = wq->head;
		if (!sio)
			break;
		wq->head = sio->list_next;
		if (!wq->head)
			wq->tail = NULL;
		sio->list_next = NULL;
		sio->on_list = false;

		struct ssdcache_ctx *sc = sio->sc;
		if (sio->bio && !sio->bio_issued) {
			/* secondary write */
			if (sio->bio_is_flush) {
				process_flush(sio);
			} else if (!sio_match_sector(sio)) {
				/* WPRINTK(sio, "target cte overrun") evaluates sio->cmd->hash */
				if (!sio->cmd)
					seed_crash(sc, sc->cfg.options.mode == CACHE_MODE_WRITETHROUGH ? 15 : 16,
						   "process_sio: WPRINTK dereferences sio->cmd == NULL (kernel oops)");
				sio->error = -SEED_ESTALE;
				sc->c.cache_overruns++;
			} else if (CACHE_IS_WRITETHROUGH(sc)) {
				if (!sio_cache_is_busy(sio)) {
					/* "cache cte not busy" */
					sio->error = -SEED_ESTALE;
					sc->c.bio_cancelled++;
				} else {
					if (sc->cfg.options.async_lookup && !FIXED(sc, 15)) {
						sio_lookup_async(sio);
					} else {
						ssdcache_get_sio(sio);
						write_to_cache(sio, sio->bio);
					}
					if (FIXED(sc, 17))
						sio->bio_issued = true;
				}
			} else {
				if (!sio_target_is_busy(sio)) {
					/* "target cte not busy" */
					sio->error = -SEED_ESTALE;
					sc->c.bio_cancelled++;
				} else {
					ssdcache_get_sio(sio);
					if (sc->cfg.options.async_lookup && !FIXED(sc, 16))
						cte_start_target_write(sio);
					write_to_target(sio, sio->bio);
					if (FIXED(sc, 17))
						sio->bio_issued = true;
				}
			}
		} else if (sio->writeback_bio) {
			if (!sio_check_writeback(sio)) {
				/* Cancel writeback */
				unmap_writeback_bio(sio);
				sio->error = -SEED_ESTALE;
				sc->c.writeback_cancelled++;
			} else {
				/* Start writing to cache device (always the cache, Q11) */
				ssdcache_get_sio(sio);
				cte_start_cache_write(sio);
				write_to_cache(sio, sio->writeback_bio);
			}
		} else {
			/* "invalid workqueue state" */
		}
		ssdcache_put_sio(sio);
	}
	/* fixed mode: bios waiting for busy offsets get another look (defer.h) */
	defer_retry_kicked(wq);
}
