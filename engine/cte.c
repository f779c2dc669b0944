// SPDX-License-Identifier: GPL-2.0
/* cte.c - cmds and ctes: lookup, insertion, every cte state transition (docs/engine.md §3.4). */
#include <string.h>

#include "engine/internal.h"

/*
 * The seed updates a cte by allocating a copy (cte_new), changing the copy, and publishing it
 * with rcu_assign_pointer. Serialised, that is an in-place update; what survives is the copy's
 * bookkeeping: count + 1 and atime = jiffies on every transition (Q6). With Q6 fixed the keys
 * count user accesses instead (set in cte_match), so transitions leave them alone.
 * cte_new never fails here (no fault injection), so Q34/Q35 do not arise.
 */
static void cte_transition(struct ssdcache_ctx *sc, struct ssdcache_md *cmd, long idx)
{
	if (FIXED(sc, 6))
		return;
	cmd->count[idx]++;
	cmd->atime[idx] = ctx_jiffies(sc);
}

/* cmd_insert: a fresh cmd with all slots empty. Its cte bodies come from the pool sized at
 * ctr (the seed's mempool); cmds are never removed, so nothing is allocated on the map path. */
struct ssdcache_md *cmd_insert(struct ssdcache_ctx *sc, unsigned long hash_number)
{
	struct ssdcache_md *cmd = &sc->md_table[hash_number];

	/* the pool was zeroed at ctr, and a cmd is inserted once: its ctes are zero */
	cmd->te_mem = sc->te_pool + hash_number * (sc->te_mem_size / sizeof(uint64_t));
	cmd->used = 0;
	cmd->idle = 0;
	cmd->hash = hash_number;
	cmd->num_cte = DEFAULT_ALIASING;
	cmd->created = ctx_jiffies(sc); /* never read (Q31), kept for the record */
	return cmd;
}

/* Masks over several words (block sizes above 64 sectors): not the hot path, one copy. */
bool bm_range_walk(uint64_t *bm, unsigned lo, unsigned hi, enum bm_op op)
{
	return bm_range(bm, lo, hi, op);
}

/* Fixed Q4: an eviction victim must have no I/O in flight anywhere in its block. */
bool cte_is_idle(struct ssdcache_ctx *sc, struct ssdcache_te *cte)
{
	return bm_empty(cte_tbusy(sc, cte), sc->nwords) && bm_empty(cte_cbusy(sc, cte), sc->nwords);
}

/*
 * One cte update of the seed's (cte_new, copy, count + 1, the bitmap edits, atime, publish;
 * serialised: cte_transition and the edits in place) on the sio's cte, over the sio's mask.
 * The seed writes this frame out in each cte_start_* / cte_cancel_* / sio_finish_* function;
 * here each names only its edits, one per map, as cte_set_bitmap / cte_unset_bitmap do.
 * The slot must hold a cte (the seed's BUG_ON(!oldcte)).
 */
enum bm_edit { BM_KEEP, BM_SET, BM_UNSET };

/* always inline: each caller's edits are constants, so only its own bitmap operations remain */
static inline __attribute__((always_inline)) void bm_edit(uint64_t *map, enum bm_edit e,
							   const struct ssdcache_io *sio)
{
	if (e == BM_SET)
		sio_bm_set(map, sio);
	else if (e == BM_UNSET)
		sio_bm_clear(map, sio);
}

/* The update in general, out of line: masks over several words, maps of several words, seed
 * mode's transition (a jiffies call); the edits are arguments here. */
static __attribute__((noinline)) struct ssdcache_te *
cte_update_any(struct ssdcache_io *sio, enum bm_edit clean, enum bm_edit cache_busy,
	       enum bm_edit target_busy)
{
	struct ssdcache_ctx *sc = sio->sc;
	struct ssdcache_te *cte = sio_cte(sio);

	BUG_ON(!cte);
	cte_transition(sc, sio->cmd, sio->cte_idx);
	bm_edit(cte_clean(sc, cte), clean, sio);
	bm_edit(cte_cbusy(sc, cte), cache_busy, sio);
	bm_edit(cte_tbusy(sc, cte), target_busy, sio);
	cmd_idle_update(sc, sio->cmd, sio->cte_idx);
	return cte;
}

/* One word's edit m (cte_update's common case) */
static inline __attribute__((always_inline)) void bm_edit_word(uint64_t *word, enum bm_edit e,
								uint64_t m)
{
	if (e == BM_SET)
		*word |= m;
	else if (e == BM_UNSET)
		*word &= ~m;
}

/*
 * The common case inline (Q6 fixed: no transition; one word per map and a one-word mask: the
 * edits are three word operations and the idle bit two words), with no call in it, so that its
 * callers (the dm_io callbacks, ENDIO, the worker) keep small frames; anything else is
 * cte_update_any's. The same edits in the same order either way.
 */
static inline __attribute__((always_inline)) struct ssdcache_te *
cte_update(struct ssdcache_io *sio, enum bm_edit clean, enum bm_edit cache_busy,
	   enum bm_edit target_busy)
{
	struct ssdcache_ctx *sc = sio->sc;

	if (__builtin_expect(sio->mask_one && sc->nwords == 1 && FIXED(sc, 6), 1)) {
		struct ssdcache_te *cte = sio_cte(sio);
		uint64_t *w, m = sio->mask_m;

		BUG_ON(!cte);
		/* clean, target_busy and cache_busy are bits[0], [1] and [2] (nwords 1) */
		w = cte->bits + sio->mask_w;
		bm_edit_word(w, clean, m);
		bm_edit_word(w + 2, cache_busy, m);
		bm_edit_word(w + 1, target_busy, m);
		cmd_idle_update(sc, sio->cmd, sio->cte_idx);
		return cte;
	}
	return cte_update_any(sio, clean, cache_busy, target_busy);
}

void cte_drop(struct ssdcache_ctx *sc, struct ssdcache_md *cmd, long idx)
{
	if ((cmd->used >> idx) & 1) {
		cmd->used &= ~(1u << idx);
		sc->c.cte_active--;
	}
}

/* sio_cleanup_cte: at a sio's last put. Drop the cte if all three maps are empty (whole
 * bitmaps), otherwise a transition (count + 1, atime). Out of line: ssdcache_destroy_sio calls
 * it only when it does something (its inline part keeps a small frame). */
__attribute__((noinline)) void sio_cleanup_cte(struct ssdcache_io *sio)
{
	struct ssdcache_ctx *sc = sio->sc;
	struct ssdcache_te *oldcte;

	oldcte = sio_cte_bound(sio);
	if (!oldcte)
		return;
	if (cte_maps_empty(sc, oldcte)) {
		cte_drop(sc, sio->cmd, sio->cte_idx);
		return;
	}
	cte_transition(sc, sio->cmd, sio->cte_idx);
}

/* Always inline, with link-time optimisation: into the cache write's callback (worker.c) and
 * ENDIO (map.c), a call and a frame per fill less; internal.h's declaration is a plain one. */
__attribute__((always_inline)) inline void sio_finish_cache_write(struct ssdcache_io *sio)
{
	/* The seed copies "oldcte" only if there is one; a NULL slot would get a zeroed new
	 * cte. Callers test sio_match_sector first, so the slot is never empty here. */
	cte_update(sio, sio->error ? BM_UNSET : BM_SET, BM_UNSET, BM_KEEP);
	if (sio->sc->defer.nr) /* bios held (defer.h): the common case, none, without a call */
		defer_kick(sio->sc, sio->bio_sector);
}

/* Always inline, with link-time optimisation: into ENDIO and the target write's callback;
 * internal.h's declaration is a plain one. */
__attribute__((always_inline)) inline void sio_finish_target_write(struct ssdcache_io *sio)
{
	if (CACHE_IS_READCACHE(sio->sc)) /* RC marks "target write in flight" in cache_busy */
		cte_update(sio, BM_KEEP, BM_UNSET, BM_KEEP);
	else
		cte_update(sio, sio->error ? BM_UNSET : BM_KEEP, BM_KEEP, BM_UNSET);
	if (sio->sc->defer.nr) /* bios held (defer.h): the common case, none, without a call */
		defer_kick(sio->sc, sio->bio_sector);
}

/*
 * sio_new_cache_write: a new cte for the sio's block in slot sio->cte_idx, replacing whatever
 * was there (an evicted cte's in-flight I/O later sees a sector mismatch). READ: no bits.
 * WRITE: cache_busy = m, and target_busy = m unless readcache.
 */
enum cte_match_t sio_new_cache_write(struct ssdcache_io *sio, int rw)
{
	return sio_new_cache_write_at(sio, rw, ctx_jiffies(sio->sc));
}

/* sio_new_cache_write with the jiffies of the lookup already read (now): cte_match's victim
 * choice read them, and the host's clock does not move during a map. */
/* Always inline, with link-time optimisation: into the lookup's miss (match.c); internal.h's
 * declaration is a plain one. */
__attribute__((always_inline)) inline enum cte_match_t sio_new_cache_write_at(struct ssdcache_io *sio,
									      int rw, unsigned long now)
{
	struct ssdcache_ctx *sc = sio->sc;
	struct ssdcache_md *cmd = sio->cmd;
	struct ssdcache_te *cte = cmd_te(sc, cmd, sio->cte_idx);
	enum cte_match_t retval;

	if (!((cmd->used >> sio->cte_idx) & 1))
		sc->c.cte_active++;
	/* a zeroed cte (sector, gen and wgen are set below): its three maps cleared */
	cte->wgen = 0;
	if (sc->nwords == 1)
		cte->bits[0] = cte->bits[1] = cte->bits[2] = 0;
	else
		memset(cte->bits, 0, 3 * sc->nwords * sizeof(uint64_t));
	cmd->used |= 1u << sio->cte_idx;
	cmd->atime[sio->cte_idx] = now;
	cmd->count[sio->cte_idx] = 1;
	cte->gen = ++sc->next_gen;
	if (rw == WRITE) {
		sio_bm_set(cte_cbusy(sc, cte), sio);
		if (!CACHE_IS_READCACHE(sc))
			sio_bm_set(cte_tbusy(sc, cte), sio);
		cte->wgen = 1;
		sc->c.write_miss++;
		retval = CTE_WRITE_MISS;
	} else {
		sc->c.read_miss++;
		retval = CTE_READ_MISS;
	}
	cte->sector = sio->bio_sector;
	cmd->tag[sio->cte_idx] = cte_tag(sio->bio_sector);
	/* cmd_idle_update's answer without reading the maps back: they were cleared, and only a
	 * write set the mask's bits, in cache_busy at least (a mask is empty when lo >= hi) */
	if (rw == WRITE && sio->mask_lo < sio->mask_hi)
		cmd->idle &= (uint16_t)~(1u << sio->cte_idx);
	else
		cmd->idle |= (uint16_t)(1u << sio->cte_idx);
	sio->gen = cte->gen;
	sio->wgen = cte->wgen;
	pol_insert(sio, rw);
	return retval;
}

/* WRITE_INVALID: clean -= m, cache_busy += m, target_busy += m unless readcache (with
 * async_lookup only if sio->error == 0, which it always is where this is reachable). */
void cte_start_write(struct ssdcache_io *sio)
{
	struct ssdcache_ctx *sc = sio->sc;
	bool tbusy = !CACHE_IS_READCACHE(sc) && !(sc->cfg.options.async_lookup && sio->error);
	struct ssdcache_te *cte = cte_update(sio, BM_UNSET, BM_SET, tbusy ? BM_SET : BM_KEEP);

	cte->wgen++;
	sio->wgen = cte->wgen;
}

/* clean -= m, cache_busy += m: before a fill or a deferred copy, and WB WRITE_BUSY. */
/* Always inline, with link-time optimisation: into the worker's fill (worker.c) and the lookup
 * (match.c); internal.h's declaration is a plain one. */
__attribute__((always_inline)) inline void cte_start_cache_write(struct ssdcache_io *sio)
{
	cte_update(sio, BM_UNSET, BM_SET, BM_KEEP);
}

/* target_busy += m; clean is left alone (Q12). */
void cte_start_target_write(struct ssdcache_io *sio)
{
	cte_update(sio, BM_KEEP, BM_KEEP, BM_SET);
}

void cte_cancel_target_write(struct ssdcache_io *sio)
{
	cte_update(sio, BM_UNSET, BM_UNSET, BM_UNSET);
}

void cte_cancel_cache_write(struct ssdcache_io *sio)
{
	cte_update(sio, BM_UNSET, BM_UNSET, BM_KEEP);
}

/* readcache write on a busy cte: the slot becomes NULL at once. */
void sio_cte_invalidate(struct ssdcache_io *sio)
{
	BUG_ON(!sio_cte(sio));
	cte_drop(sio->sc, sio->cmd, sio->cte_idx);
}
