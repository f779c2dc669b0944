// SPDX-License-Identifier: GPL-2.0
/* map.c - ssdcache_map and ssdcache_endio: a piece's entry into the engine and its completion (docs/engine.md §5, 6.3). */
#include <errno.h>
#include <string.h>

#include "engine/internal.h"

/* Always inline, with link-time optimisation: into ssdcache_map, a call and a frame per piece
 * less; internal.h's declaration is a plain one. */
__attribute__((always_inline)) inline void report_decision(struct ssdcache_io *sio, struct bio *bio,
							   enum cte_match_t r)
{
	struct ssdcache_ctx *sc = sio->sc;

	if (sc->ops->decision)
		sc->ops->decision(sc->host, sio->seq, bio, r, sio->cmd ? (long)sio->cmd->hash : -1,
				  sio->cte_idx);
}

static void report_pseudo(struct ssdcache_ctx *sc, struct bio *bio, enum cte_match_t r)
{
	if (sc->ops->decision)
		sc->ops->decision(sc->host, bio->bi_seq, bio, r, -1, -1);
}

/*
 * sio_bio_mask: set_bit(offset + i) for every sector of the bio. The seed's mask is
 * DEFAULT_BLOCKSIZE (256) bits (Q20): offsets 256..287 land in the int `error` that follows
 * it on x86-64, 288..319 in padding, 320 and up in the next slab object. In seed mode block
 * sizes above 256 are refused unless bs_overflow = emulate asks for exactly that.
 */
void sio_bio_mask(struct ssdcache_io *sio, struct bio *bio)
{
	struct ssdcache_ctx *sc = sio->sc;
	unsigned long offset = bio->bi_sector & sc->block_mask;
	unsigned long end = offset + bio->bi_sectors;

	if (end <= sc->nbits) {
		sio_set_mask(sio, (unsigned)offset, (unsigned)end);
		return;
	}
	/* only reachable with bs_overflow = emulate (Q20) or odd block sizes (Q21) */
	unsigned lo = (unsigned)(offset < sc->nbits ? offset : sc->nbits), hi = sc->nbits;
	if (lo == hi)
		lo = hi = 0;
	sio_set_mask(sio, lo, hi);
	for (unsigned long o = offset > sc->nbits ? offset : sc->nbits; o < end; o++) {
		if (o < sc->nbits + 32)
			sio->error |= (int)(1u << (o - sc->nbits));
		else if (o >= sc->nbits + 64) {
			seed_crash(sc, 20, "sio_bio_mask: set_bit beyond the sio (slab corruption)");
			break;
		}
	}
}

static void map_secondary_bio(struct ssdcache_io *sio, struct bio *bio)
{
	/* Kick off secondary writes: a clone sharing the data pages */
	sio->bio = sio->sc->ops->bio_clone(sio->sc->host, bio);
	BUG_ON(!sio->bio);
}

static void map_writeback_bio(struct ssdcache_io *sio, struct bio *bio)
{
	BUG_ON(sio->writeback_bio);
	sio->writeback_bio = sio->sc->ops->bio_clone(sio->sc->host, bio);
	BUG_ON(!sio->writeback_bio);
	sio->writeback_bio->bi_rw |= BIO_RW_WRITE;
}

/* Read miss: to the target, with a clone to fill the cache later (unless disable_writeback). */
static void sio_start_prefetch(struct ssdcache_io *sio, struct bio *bio)
{
	/* Q13 fixed: a read racing a write that bypassed the cache may return either version;
	 * its data must not be cached as clean, so it gets no fill */
	bool racing = FIXED(sio->sc, 13) && tw_has(sio->sc, sio->bio_sector);

	if (!sio->sc->cfg.options.disable_writeback && !racing)
		map_writeback_bio(sio, bio);
	bio->bi_bdev = BDEV_TARGET;
}

/*
 * WRITE_BUSY: "for writethrough it actually only matters that the _target_ write is completed.
 * So we can start the target write and defer the cache write" (the seed's comment). In WB the
 * primary goes to the cache, and the deferred copy goes to the cache again (Q11).
 */
static void sio_start_write_busy(struct ssdcache_io *sio, struct bio *bio)
{
	struct ssdcache_ctx *sc = sio->sc;

	if (!CACHE_IS_READCACHE(sc))
		map_writeback_bio(sio, bio);
	if (!CACHE_IS_WRITEBACK(sc)) {
		bio->bi_bdev = BDEV_TARGET;
	} else {
		bio->bi_bdev = BDEV_CACHE;
		bio->bi_sector = to_cache_sector(sio, bio->bi_sector);
	}
}

/* Is this write taking the seed's async_lookup path? (Q15 / Q16 fixed: no.) */
static bool sio_async(const struct ssdcache_ctx *sc, int rw)
{
	if (!sc->cfg.options.async_lookup || rw != WRITE)
		return false;
	return !FIXED(sc, CACHE_IS_WRITETHROUGH(sc) ? 15 : 16);
}

static void sio_start_write_miss(struct ssdcache_io *sio, struct bio *bio)
{
	struct ssdcache_ctx *sc = sio->sc;

	if (!sio_async(sc, WRITE) && !CACHE_IS_READCACHE(sc)) {
		map_secondary_bio(sio, bio);
		ssdcache_schedule_sio(sio);
	}
	if (!CACHE_IS_WRITEBACK(sc)) {
		bio->bi_bdev = BDEV_TARGET;
	} else {
		bio->bi_bdev = BDEV_CACHE;
		bio->bi_sector = to_cache_sector(sio, bio->bi_sector);
	}
}

/* sio_lookup_async: the lookup the seed meant to do in the worker for async writes; dead code
 * in the seed (Q15, Q16), kept for the record. */
void sio_lookup_async(struct ssdcache_io *sio)
{
	enum cte_match_t ret = CTE_LOOKUP_FAILED;

	if (!sio->cmd || sio->cte_idx == -1) {
		ret = cte_match(sio, WRITE);
		report_decision(sio, NULL, ret);
	}
	switch (ret) {
	case CTE_WRITE_INVALID:
	case CTE_WRITE_CLEAN:
	case CTE_WRITE_MISS:
		ssdcache_get_sio(sio);
		write_to_cache(sio, sio->bio);
		break;
	case CTE_WRITE_BUSY:
		sio->error = -SEED_EBUSY;
		break;
	case CTE_WRITE_DONE:
		break;
	default:
		sio->error = -SEED_ENOENT;
	}
}

/* Fixed Q19: a discard drops the cached copy of every offset it covers. */
static void discard_invalidate(struct ssdcache_ctx *sc, const struct bio *bio)
{
	sector_t first = bio->bi_sector, end = bio->bi_sector + bio->bi_sectors;

	for (unsigned long h = 0; h < sc->num_cmd; h++) {
		struct ssdcache_md *cmd = cmd_lookup(sc, h);
		if (!cmd || !cmd->used)
			continue;
		for (long i = 0; i < (long)cmd->num_cte; i++) {
			struct ssdcache_te *cte = cmd_slot(sc, cmd, i);
			if (!cte)
				continue;
			unsigned long s = cte->sector;
			if (s >= end || s + sc->block_size <= first)
				continue;
			unsigned lo = s < first ? (unsigned)(first - s) : 0;
			unsigned hi = (unsigned)((end - s) < sc->block_size ? end - s : sc->block_size);
			bm_clear(cte_clean(sc, cte), lo, hi);
			if (cte_is_idle(sc, cte) && bm_empty(cte_clean(sc, cte), sc->nwords))
				cte_drop(sc, cmd, i);
		}
	}
}

int ssdcache_map(struct ssdcache_ctx *sc, struct bio *bio)
{
	struct ssdcache_io *sio;
	enum cte_match_t r;
	unsigned long cur_sectors = bio->bi_cur_sectors;

	/* We don't support DISCARD or SECURE_DISCARD (yet) (Q19) */
	if (bio->bi_rw & (REQ_DISCARD | REQ_SECURE)) {
		bio->bi_bdev = BDEV_TARGET;
		bio->map_ptr = NULL;
		report_pseudo(sc, bio, SSD_OUT_DISCARD);
		if (FIXED(sc, 19)) {
			discard_invalidate(sc, bio);
			return DM_MAPIO_REMAPPED;
		}
		return -SEED_EOPNOTSUPP;
	}
	/* bio_cur_bytes() tests: dead after dm's splitting (Q36), kept */
	if (cur_sectors > sc->block_size ||
	    (cur_sectors == 0 && !(bio->bi_rw & REQ_FLUSH))) {
		sc->c.cache_bypassed++;
		bio->bi_bdev = BDEV_TARGET;
		bio->map_ptr = NULL;
		report_pseudo(sc, bio, SSD_OUT_BYPASS);
		return DM_MAPIO_REMAPPED;
	}

	sio = ssdcache_create_sio(sc);
	sio->seq = bio->bi_seq;
	sio->req = bio->bi_req;
	sio->req_sector = bio->bi_req_sector;
	sio->req_sectors = bio->bi_req_sectors;
	sio->bio_sector = bio->bi_sector & ~sc->block_mask;
	sio_bio_mask(sio, bio);
	bio->map_ptr = sio;
	if (bio->bi_rw & REQ_FLUSH) {
		/* an empty flush: the worker completes it (Q18) */
		sio->bio = bio;
		sio->bio_is_flush = true;
		bio->map_ptr = NULL;
		if (!FIXED(sc, 18))
			sio->leaked_refs = 1; /* the creation reference is never dropped */
		report_pseudo(sc, bio, SSD_OUT_FLUSH);
		ssdcache_schedule_sio(sio);
		return DM_MAPIO_SUBMITTED;
	}
	if (defer_overlaps(sc, bio)) {
		/* fixed mode only (only it defers): keep the order of overlapping bios (defer.h) */
		if (bio_data_dir(bio) == WRITE)
			sc->c.write_busy++;
		else
			sc->c.read_busy++;
		report_pseudo(sc, bio, bio_data_dir(bio) == WRITE ? CTE_WRITE_BUSY : CTE_READ_BUSY);
		goto defer;
	}
	if (sio_async(sc, bio_data_dir(bio))) {
		map_secondary_bio(sio, bio);
		ssdcache_schedule_sio(sio);
		if (CACHE_IS_WRITETHROUGH(sc)) {
			/* no cte_match at all (Q15) */
			bio->bi_bdev = BDEV_TARGET;
			report_pseudo(sc, bio, SSD_OUT_NOMATCH);
			return DM_MAPIO_REMAPPED;
		}
	}

	r = cte_match(sio, bio_data_dir(bio));
	report_decision(sio, bio, r);
	if (sio->defer)
		goto defer;

	switch (r) {
	case CTE_READ_CLEAN:
		/* Cache hit, cte clean */
		bio->bi_bdev = BDEV_CACHE;
		bio->bi_sector = to_cache_sector(sio, bio->bi_sector);
		bio->map_ptr = NULL;
		ssdcache_put_sio(sio);
		break;
	case CTE_READ_BUSY:
		/* Do not start prefetching here, sector is already busy */
		bio->bi_bdev = BDEV_TARGET;
		bio->map_ptr = NULL;
		ssdcache_put_sio(sio);
		break;
	case CTE_READ_INVALID:
	case CTE_READ_MISS:
		sio_start_prefetch(sio, bio);
		if (!sio->writeback_bio) {
			bio->map_ptr = NULL;
			ssdcache_put_sio(sio);
		}
		break;
	case CTE_LOOKUP_FAILED:
	case CTE_WRITE_SKIP:
		bio->bi_bdev = BDEV_TARGET;
		if (FIXED(sc, 13) && bio_data_dir(bio) == WRITE) {
			/* keep the sio until the write completes: fills must not race it */
			sio->uncached_write = true;
			tw_add(sc, sio->bio_sector);
			break;
		}
		bio->map_ptr = NULL;
		ssdcache_put_sio(sio);
		break;
	case CTE_WRITE_DONE:
		/* Write to target already completed (only reachable through Q20) */
		bio->map_ptr = NULL;
		sc->ops->bio_endio(sc->host, bio, sio->error);
		ssdcache_put_sio(sio);
		return DM_MAPIO_SUBMITTED;
	case CTE_WRITE_BUSY:
		sio_start_write_busy(sio, bio);
		if (sc->cfg.options.queue_busy && !sio->writeback_bio) {
			bio->map_ptr = NULL;
			ssdcache_put_sio(sio);
		}
		break;
	case CTE_WRITE_CANCEL:
		/* bi_bdev untouched: dm resubmits the bio to this device (Q9) */
		bio->map_ptr = NULL;
		ssdcache_put_sio(sio);
		break;
	case CTE_WRITE_INVALID:
	case CTE_WRITE_CLEAN:
	case CTE_WRITE_MISS:
		sio_start_write_miss(sio, bio);
		break;
	default:
		BUG_ON(1);
	}
	return DM_MAPIO_REMAPPED;

defer:
	/* fixed mode: hold the bio until its offsets are idle, then look it up again (defer.h) */
	defer_hold(sio, bio);
	return DM_MAPIO_SUBMITTED;
}

int ssdcache_endio(struct ssdcache_ctx *sc, struct bio *bio, int error)
{
	struct ssdcache_io *sio = bio->map_ptr;

	if (!sio)
		return error;
	bio->map_ptr = NULL;
	if (sio->uncached_write) {
		tw_del(sc, sio->bio_sector);
		goto out;
	}
	if (!sio->cmd || sio->cte_idx == -1) {
		/* "cte lookup not finished": the WT async_lookup write (Q15) */
		sc->c.cache_overruns++;
		sio->error = error ? error : -SEED_EUCLEAN;
		goto out;
	}
	if (error)
		sio->error = error;
	if (sio->error) {
		if (sio->writeback_bio) {
			sc->ops->bio_put(sc->host, sio->writeback_bio);
			sio->writeback_bio = NULL;
		}
	}
	if (bio_data_dir(bio) == WRITE) {
		bool to_cache = bio->bi_bdev == BDEV_CACHE;
		if (!sio_match_sector(sio)) {
			/* "cte overrun, not updating state" */
			sc->c.cache_overruns++;
		} else if (to_cache) {
			if (!sio_cache_is_busy(sio))
				sc->c.cache_overruns++;
			else
				sio_finish_cache_write(sio);
		} else {
			if (CACHE_IS_READCACHE(sc))
				sio_finish_target_write(sio);
			else if (!sio_target_is_busy(sio))
				sc->c.cache_overruns++;
			else
				sio_finish_target_write(sio);
		}
	}
	if (sio->writeback_bio) {
		/* Kick off writeback */
		ssdcache_schedule_sio(sio);
	}
out:
	ssdcache_put_sio(sio);
	return error;
}
