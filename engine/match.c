// SPDX-License-Identifier: GPL-2.0
/* match.c - cte_match: look a block up along its probe chain, classify it (docs/engine.md §4). */
#include <immintrin.h>
#include <string.h>

#include "engine/internal.h"

/*
 * Fixed mode, rows 2 and 3 of docs/engine.md §4.4: instead of cancelling in-flight I/O (Q9,
 * Q10) or issuing a second conflicting device write (Q11 WB, Q12 WT with queue_busy), the write
 * waits in the engine until its offsets are idle and is then looked up again (dm-cache's bio
 * prison).
 * Returns true when the quirk that governs this row is fixed; the caller then only counts.
 */
static bool defer_write(struct ssdcache_io *sio, int quirk)
{
	if (!FIXED(sio->sc, quirk))
		return false;
	sio->defer = true;
	sio->sc->c.write_busy++;
	return true;
}

/* Row 1-4 classification of a matching cte in slot i (docs/engine.md §4.4). Always inline
 * into the lookup's hit (each instantiation): one frame per hit, the lookup's. */
static inline __attribute__((always_inline)) enum cte_match_t cte_classify(struct ssdcache_io *sio,
									    struct ssdcache_te *cte, int rw)
{
	struct ssdcache_ctx *sc = sio->sc;
	struct ssdcache_md *cmd = sio->cmd;

	sio->gen = cte->gen;
	sio->wgen = cte->wgen;
	if (FIXED(sc, 6)) {
		/* Q6 fixed: count user accesses, atime = time of the access */
		cmd->count[sio->cte_idx]++;
		cmd->atime[sio->cte_idx] = ctx_jiffies(sc);
	}
	if (cte_is_clean(sc, cte, sio) && rw == READ) {
		sc->c.read_clean++;
		return CTE_READ_CLEAN;
		/* WRITE_CLEAN is mapped to WRITE_INVALID (Q31) */
	}
	if (cte_target_is_busy(sc, cte, sio)) {
		/* Target busy */
		if (rw == WRITE) {
			if (CACHE_IS_READCACHE(sc)) {
				if (defer_write(sio, 9))
					return CTE_WRITE_BUSY;
				sio_cte_invalidate(sio);
				sc->c.write_cancel++;
				return CTE_WRITE_CANCEL;
			} else if (CACHE_IS_WRITEBACK(sc) && sc->cfg.options.queue_busy) {
				if (defer_write(sio, 11))
					return CTE_WRITE_BUSY;
				cte_start_cache_write(sio);
				sc->c.write_busy++;
				return CTE_WRITE_BUSY;
			} else {
				if (defer_write(sio, 9))
					return CTE_WRITE_BUSY;
				cte_cancel_target_write(sio);
				sc->c.write_cancel++;
				return CTE_WRITE_CANCEL;
			}
		}
		sc->c.read_busy++;
		if (FIXED(sc, 14))
			sio->defer = true;
		return CTE_READ_BUSY;
	}
	if (cte_cache_is_busy(sc, cte, sio)) {
		/* Cache busy */
		if (rw == WRITE) {
			if (CACHE_IS_READCACHE(sc)) {
				if (defer_write(sio, 9))
					return CTE_WRITE_BUSY;
				sio_cte_invalidate(sio);
				sc->c.write_cancel++;
				return CTE_WRITE_CANCEL;
			} else if (CACHE_IS_WRITETHROUGH(sc) && sc->cfg.options.queue_busy) {
				if (defer_write(sio, 12))
					return CTE_WRITE_BUSY;
				cte_start_target_write(sio);
				sc->c.write_busy++;
				return CTE_WRITE_BUSY;
			} else {
				if (defer_write(sio, 9))
					return CTE_WRITE_BUSY;
				cte_cancel_cache_write(sio);
				sc->c.write_cancel++;
				return CTE_WRITE_CANCEL;
			}
		}
		sc->c.read_busy++;
		if (FIXED(sc, 14))
			sio->defer = true;
		return CTE_READ_BUSY;
	}
	/* Invalid cte sector: not clean (or a write), not busy */
	if (rw == WRITE) {
		cte_start_write(sio);
		sc->c.write_invalid++;
		return CTE_WRITE_INVALID;
	}
	sc->c.read_invalid++;
	return CTE_READ_INVALID;
}

/* Fixed Q5: the first hole of the chain: its probe's cmd (NULL: a missing cmd), hash, slot. */
struct cte_place {
	struct ssdcache_md *cmd;
	unsigned long hash;
	long idx;
};

/*
 * The probe chain of a block is known up front (rehash_block's chain is arithmetic, docs/engine.md
 * §2.3: step d, or 1 when hash_64 is 0), so every cmd of it can be fetched at once: the cache
 * misses overlap instead of queueing behind each other. No effect on any decision.
 */
/* inline into its caller (sim/observe.c) under LTO: out of line it costs a call and its
 * prologue per request, and LTO stopped inlining it on its own once cte_match grew */
__attribute__((always_inline)) inline void ssdcache_prefetch(struct ssdcache_ctx *sc, sector_t sector)
{
	unsigned long bio_sector = sector & ~sc->block_mask;
	unsigned long h = ssdcache_hash_wrap(sc, bio_sector), mask = sc->hash_mask;
	unsigned long d = ssdcache_hash_64(sc, bio_sector) | sc->step_or;
	unsigned int n = sc->nprobes < 8 ? sc->nprobes : 8; /* cte_match's probes, at most 8 */

	if (!d)
		d = 1;
#pragma GCC unroll 8
	for (unsigned int k = 0; k < n; k++) {
		__builtin_prefetch(&sc->md_table[h]);
		h = (h + d) & mask;
	}
}

/*
 * Admission (an extension, off unless asked for): may this miss allocate? The victim policy's
 * admit hook and every admission rule are asked, all of them (a rule that counts, like nhit,
 * sees every miss whatever the others say), once per lookup: *state caches the answer
 * (-1: not asked yet).
 */
static bool may_allocate_ask(struct ssdcache_io *sio, int rw, int *state);

/* inline, the answer without a call when it is known or nobody is asked (the default) */
static inline __attribute__((always_inline)) bool may_allocate(struct ssdcache_io *sio, int rw, int *state)
{
	const struct ssdcache_ctx *sc = sio->sc;

	if (*state >= 0)
		return *state;
	if (!sc->admit_ask) { /* ctr: !sc->pol.ops->admit && !sc->nr_adm */
		*state = 1;
		return true;
	}
	return may_allocate_ask(sio, rw, state);
}

static bool may_allocate_ask(struct ssdcache_io *sio, int rw, int *state)
{
	struct ssdcache_ctx *sc = sio->sc;
	struct pol_access a;
	bool ok = true;

	sio_pol_access(sio, rw, &a);
	if (sc->pol.ops->admit)
		ok = sc->pol.ops->admit(&sc->pol, &a);
	for (unsigned k = 0; k < sc->nr_adm; k++)
		ok &= sc->adm[k].ops->admit(sc->adm[k].priv, &a);
	if (!ok)
		sc->c.not_admitted++;
	*state = ok;
	return ok;
}

/* Bit i set: tags[i] == t. The scalar loop, and the same with one AVX2 compare of the 16
 * tags (the cmd's first 32 bytes); ctr picks one (SSDCACHE_SCAN=scalar forces the loop). */
static unsigned tag_eq_scalar(const uint16_t *tags, uint16_t t)
{
	unsigned m = 0;

	for (unsigned i = 0; i < DEFAULT_ALIASING; i++)
		m |= (unsigned)(tags[i] == t) << i;
	return m;
}

__attribute__((target("avx2"))) static unsigned tag_eq_avx2(const uint16_t *tags, uint16_t t)
{
	__m256i e = _mm256_cmpeq_epi16(_mm256_load_si256((const __m256i *)tags),
				       _mm256_set1_epi16((short)t));
	/* 16 lanes of 0 / 0xffff -> 16 bytes -> 16 bits */
	__m128i b = _mm_packs_epi16(_mm256_castsi256_si128(e), _mm256_extracti128_si256(e, 1));

	return (unsigned)_mm_movemask_epi8(b);
}

/* All 16 slots of a cmd are candidates: their slot numbers and keys, in slot order. */
static void gather16_scalar(const struct ssdcache_md *cmd, pol_slot base, pol_slot *slot,
			    unsigned long *atime, unsigned long *count)
{
	memcpy(atime, cmd->atime, sizeof(cmd->atime));
	memcpy(count, cmd->count, sizeof(cmd->count));
	for (unsigned i = 0; i < DEFAULT_ALIASING; i++)
		slot[i] = base + (pol_slot)i;
}

__attribute__((target("avx2"))) static void gather16_avx2(const struct ssdcache_md *cmd, pol_slot base,
							  pol_slot *slot, unsigned long *atime,
							  unsigned long *count)
{
	const __m256i *a = (const __m256i *)cmd->atime, *c = (const __m256i *)cmd->count;
	__m256i b = _mm256_add_epi32(_mm256_set1_epi32((int)base), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));

	for (int k = 0; k < 4; k++) {
		_mm256_storeu_si256((__m256i *)atime + k, _mm256_load_si256(a + k));
		_mm256_storeu_si256((__m256i *)count + k, _mm256_load_si256(c + k));
	}
	_mm256_storeu_si256((__m256i *)slot, b);
	_mm256_storeu_si256((__m256i *)slot + 1, _mm256_add_epi32(b, _mm256_set1_epi32(8)));
}

/*
 * The policy chooses among the candidates the scan collected, ng groups (one per probe that
 * offered any): a cache slot, or -1. A policy with victim_groups reads them in place; for the
 * others they are copied into the arrays of struct pol_cands, in the same order.
 */
/* always inline into cte_match's miss (each instantiation): a call, a frame and the argument
 * passing per eviction less */
static inline __attribute__((always_inline)) long choose_victim(struct ssdcache_io *sio, int rw,
								unsigned ng, unsigned long *now)
{
	struct ssdcache_ctx *sc = sio->sc;
	struct pol_access a;
	unsigned nc = 0;
	int best;

	const bool no_access = sc->pol.ops->flags & POL_VICTIM_NO_ACCESS;
	if (no_access)
		a.now = ctx_jiffies(sc); /* the candidates' "now" only */
	else
		sio_pol_access(sio, rw, &a);
	const struct pol_access *ap = no_access ? NULL : &a;
	*now = a.now;
	if (sc->pol.ops->victim_groups) {
		struct pol_groups g = {ng, a.now, sc->cand_group};
		long v = sc->pol.ops->victim_groups(&sc->pol, &g, ap);
		ASSERT(v >= -1 && v < (long)(sc->num_cmd * DEFAULT_ALIASING));
		return v;
	}
	for (unsigned k = 0; k < ng; k++) {
		const struct pol_group *g = &sc->cand_group[k];
		/* the group's cmd: its key arrays are the cmd's (g->atime is cmd->atime) */
		const struct ssdcache_md *cmd = &sc->md_table[g->base / DEFAULT_ALIASING];

		ASSERT(nc + DEFAULT_ALIASING <= sc->cand_cap);
		if (g->mask == 0xffffu) {
			if (sc->scan_scalar)
				gather16_scalar(cmd, g->base, sc->cand_slot + nc, sc->cand_atime + nc,
						sc->cand_count + nc);
			else
				gather16_avx2(cmd, g->base, sc->cand_slot + nc, sc->cand_atime + nc,
					      sc->cand_count + nc);
			nc += DEFAULT_ALIASING;
			continue;
		}
		for (unsigned m = g->mask; m; m &= m - 1) {
			unsigned i = (unsigned)__builtin_ctz(m);
			sc->cand_slot[nc] = g->base + (pol_slot)i;
			sc->cand_atime[nc] = cmd->atime[i];
			sc->cand_count[nc] = cmd->count[i];
			nc++;
		}
	}
	struct pol_cands c = {nc, a.now, sc->cand_slot, sc->cand_atime, sc->cand_count};
	best = sc->pol.ops->victim(&sc->pol, &c, ap);
	ASSERT(best >= -1 && best < (int)nc);
	return best < 0 ? -1 : (long)sc->cand_slot[best];
}

/*
 * cte_match's body, instantiated four times (below): with the AVX2 tag compare inlined into a
 * function compiled for AVX2, and with the scalar loop (SSDCACHE_SCAN=scalar, or a CPU without
 * AVX2) in one that uses no AVX2 instruction at all; each for any quirk set, and for the
 * fixed scan (Q3, Q4 and Q5 all fixed: --quirks fixed), where those three tests fold away
 * and the probe loop keeps its state in registers.
 */
static inline __attribute__((always_inline)) enum cte_match_t cte_match_scan(struct ssdcache_io *sio, int rw,
									     const bool avx2,
									     const bool fixed_scan)
{
	struct ssdcache_ctx *const sc = sio->sc;
	struct ssdcache_md *const md_table = sc->md_table;
	struct ssdcache_md *cmd = NULL;   /* the probe's cmd; NULL: none yet (cmd_lookup) */
	const unsigned long bio_sector = sio->bio_sector;
	unsigned long hash_number;
	int skip_cmd_instantiation = 0;
	int evict_cte_on_write = 0;
	int invalid, i, index;
	enum cte_match_t retval = CTE_LOOKUP_FAILED;
	struct cte_place hole = {NULL, 0, -1};
	unsigned rehashes, ng = 0; /* ng: candidate groups collected for the policy */
	long victim = -1;                        /* the chosen candidate's cache slot */
	unsigned long now = 0;                   /* jiffies, read by choose_victim */
	int admitted = -1;                       /* may_allocate's answer, once asked */
	bool refused = false;
	const bool scan_all = fixed_scan || FIXED(sc, 5);
	/* fixed or not, once per lookup (Q3: candidates of every probe compete; Q4: idle victims
	 * only); and the sio's error, which nothing in the probe loop changes */
	const bool all_cands = fixed_scan || FIXED(sc, 3), idle_only = fixed_scan || FIXED(sc, 4);
	const bool error = sio->error != 0;
	unsigned evict_mask; /* 0: no candidates (set once the eviction flags are known) */
	const unsigned long hash_mask = sc->hash_mask;
	struct pol_group *const cand_group = sc->cand_group;
	struct pol_group *group = cand_group; /* the next candidate group: ng = group - cand_group */

	/* The seed rehashes `assoc` times: assoc + 1 probes (Q2); fixed: max(1, assoc). The seed's
	 * local `busy` (candidates skipped as busy) only feeds a log line and is left out.
	 * rehashes: those left to do (the seed's options.assoc - assoc); none with an error, where
	 * the seed stops after the first probe. ctr asserted the candidates' room (cte_match_setup). */
	rehashes = error ? 0 : sc->nprobes - 1; /* ctr: !FIXED(sc, 2) ? assoc + 1 : assoc ? assoc : 1 */
	hash_number = ssdcache_hash_wrap(sc, bio_sector);
	/* rehash_block's step, once per lookup (the same chain): a multiply, cheaper up front
	 * than a test at every probe for the few lookups that end at the first. Its +1 when
	 * h + step lands on h again is the same at every probe (that is step == 0 modulo num_cmd,
	 * whatever h), so it is folded into the step here: each rehash is an add and a mask. */
	unsigned long step = ssdcache_hash_64(sc, bio_sector) | sc->step_or; /* Q7 */
	if ((step & hash_mask) == 0)
		step++;
	const uint16_t tag = cte_tag(bio_sector);
	/* the seed's flags, per rw, from ctr (cte_match_setup): skip_cmd_instantiation on a WRITE
	 * with skip_write_insert; evict_cte_on_write on a WRITE with evict_on_write (Q1 fixed:
	 * reads evaluate victims too) */
	skip_cmd_instantiation = sc->skip_insert[rw];
	evict_cte_on_write = sc->evict_mask[rw] != 0;
	/* Do not attempt to evict entries when target writes have already completed; skip cache
	 * eviction on WRITE (and, Q1, always for reads) */
	evict_mask = error ? 0 : sc->evict_mask[rw];
	adm_on_access(sio, rw);
	for (;;) {
		/* per-probe state, reset at every probe (Q3: the victim comes from the last probe;
		 * fixed, the candidates of every probe compete) */
		if (!all_cands)
			group = cand_group;
		invalid = -1;

		/* Lookup cmd (cmd_lookup; sio->cmd is set from it when the lookup ends) */
		cmd = &md_table[hash_number];
		if (!cmd->te_mem) {
			cmd = NULL;
			if (scan_all) {
				/* Q5 fixed: a missing cmd holds no match; remember it as a hole and go
				 * on. With a hole the lookup allocates or stops, never evicts: the
				 * candidates are not collected any more */
				if (hole.idx == -1) {
					hole = (struct cte_place){NULL, hash_number, 0};
					evict_mask = 0;
				}
				goto next_probe;
			}
			sio->cmd = NULL;
			if (skip_cmd_instantiation) {
				/* Skip cte instantiation on WRITE */
				sio->cte_idx = -1;
				sc->c.write_skip++;
				return CTE_WRITE_SKIP;
			}
			if (sio->error) {
				/* Target write already completed */
				sio->cte_idx = -1;
				sc->c.write_done++;
				return CTE_WRITE_DONE;
			}
			if (!may_allocate(sio, rw, &admitted)) {
				/* not admitted (extension): as a write that skips instantiation */
				sio->cte_idx = -1;
				sc->c.write_skip++;
				return CTE_WRITE_SKIP;
			}
			sio->cmd = cmd_insert(sc, hash_number);
			/* Clean cmd, first entry is useable; skip cte lookup */
			invalid = 0;
			goto found;
		}

		/*
		 * The seed's loop over the 16 slots, as bit operations on the cmd's first line (same
		 * decisions, slot by slot): a free slot sets `invalid` (the first one) and, Q5 fixed,
		 * the hole; a used slot is compared (tag, then the cte's sector); after the first
		 * free slot the seed breaks at the next used slot once it was compared (Q5), fixed
		 * it only compares; candidates are the used slots before the first free one that
		 * pass the filters.
		 */
		{
			const unsigned used = cmd->used;
			unsigned compared = 0xffffu;    /* the slots the seed's loop compares */
			unsigned before_free = 0xffffu; /* the used slots before the first free one */
			unsigned m;

			if (__builtin_expect(used != 0xffffu, 0)) { /* a free slot: the first one */
				const int first_free = __builtin_ctz(~used & 0xffffu);
				before_free = (1u << first_free) - 1;
				invalid = first_free;
				if (scan_all && hole.idx == -1) {
					/* as for a missing cmd: no candidates needed any more */
					hole = (struct cte_place){cmd, hash_number, first_free};
					evict_mask = 0;
				}
				if (!scan_all && !error) {
					unsigned later = used & ~((2u << first_free) - 1);
					if (later)
						compared = (2u << __builtin_ctz(later)) - 1;
				}
			}
			m = (avx2 ? tag_eq_avx2(cmd->tag, tag) : tag_eq_scalar(cmd->tag, tag)) & used &
			    compared;
			for (; m; m &= m - 1) {
				i = __builtin_ctz(m);
				if (cmd_te(sc, cmd, i)->sector == bio_sector) {
					sio->cmd = cmd;
					sio->cte_idx = i;
					pol_hit(sio, rw);
					return cte_classify(sio, cmd_te(sc, cmd, i), rw);
				}
			}
			/* candidates: used slots before the first free one, none if eviction is off
			 * (evict_mask, set before the first probe) or a hole was found (Q5 fixed) */
			m = used & before_free & evict_mask;
			if (idle_only) {
				/* Q4 fixed: only entirely idle ctes are victims */
				m &= cmd->idle;
			} else {
				for (unsigned t = m; t; t &= t - 1) {
					struct ssdcache_te *cte;

					i = __builtin_ctz(t);
					cte = cmd_te(sc, cmd, i);
					/* Can only eject non-busy entries (judged on the new bio's offsets,
					 * Q4; an idle cte is busy nowhere), and only CLEAN entries */
					if ((!((cmd->idle >> i) & 1) &&
					     (cte_target_is_busy(sc, cte, sio) || cte_cache_is_busy(sc, cte, sio))) ||
					    !cte_is_clean(sc, cte, sio))
						m &= ~(1u << i);
				}
			}
			/* candidates: the policy sees them all at once (choose_victim), as one group
			 * per probe (base: the cmd's hash number is the probe's). No bound check here:
			 * ng < nprobes <= cand_cap / 16 (ctr sizes it for assoc + 1 <= 65 probes, and
			 * asserts the probe count, cte_match_setup) */
			if (m)
				*group++ = (struct pol_group){
					cmd->atime, cmd->count, (pol_slot)(hash_number * DEFAULT_ALIASING),
					(uint16_t)m};
		}
next_probe:
		/* the seed: if (invalid == -1 && assoc < options.assoc && !error) { rehash; assoc++;
		 * retry } (rehashes counts options.assoc - assoc down, 0 at once with an error);
		 * fixed Q5: holes do not stop the chain */
		if (!rehashes-- || (invalid != -1 && !scan_all))
			break;
		/* rehash_block (its +1 folded into the step) */
		hash_number = (hash_number + step) & hash_mask;
	}
	sio->cmd = cmd; /* the last probe's, as cmd_lookup found it */
	if (scan_all) {
		/* Q5 fixed: no match anywhere in the chain; allocate in the first hole */
		if (hole.idx != -1) {
			if (skip_cmd_instantiation && !hole.cmd) {
				/* A1: a write that would create a cmd skips */
				sio->cmd = hole.cmd;
				sio->cte_idx = -1;
				sc->c.write_skip++;
				return CTE_WRITE_SKIP;
			}
			if (!hole.cmd && !sio->error && !may_allocate(sio, rw, &admitted)) {
				sio->cmd = NULL;
				invalid = -1;
				refused = true;
				goto found;
			}
			if (!hole.cmd) {
				if (sio->error) {
					sio->cmd = NULL;
					sio->cte_idx = -1;
					sc->c.write_done++;
					return CTE_WRITE_DONE;
				}
				hole.cmd = cmd_insert(sc, hole.hash);
			}
			sio->cmd = hole.cmd;
			invalid = (int)hole.idx;
		} else {
			invalid = -1;
		}
	}
found:
	ng = (unsigned)(group - cand_group);
	if (invalid == -1 && ng && !refused)
		victim = choose_victim(sio, rw, ng, &now);
	/* Q8 fixed: skip_write_insert means a write miss never allocates (nor evicts) */
	if (skip_cmd_instantiation && FIXED(sc, 8) && (invalid != -1 || victim != -1)) {
		sio->cte_idx = -1;
		sc->c.write_skip++;
		return CTE_WRITE_SKIP;
	}
	/* admission (extension): a refused miss neither allocates nor evicts */
	if ((invalid != -1 || victim != -1) && !sio->error && !may_allocate(sio, rw, &admitted))
		refused = true;
	if (refused) {
		index = -1;
	} else if (invalid != -1) {
		index = invalid;
	} else if (victim != -1) {
		sc->c.cache_evictions++;
		/* Q3 fixed: the victim may sit in an earlier probe */
		sio->cmd = &sc->md_table[(unsigned long)victim / DEFAULT_ALIASING]; /* victim >= 0 */
		index = (int)((unsigned long)victim % DEFAULT_ALIASING);
		pol_evict(sc, (pol_slot)victim);
	} else {
		index = -1;
	}
	if (index != -1) {
		sio->cte_idx = index;
		/* the victim's choice read the jiffies already (the same value) */
		retval = victim != -1 ? sio_new_cache_write_at(sio, rw, now) : sio_new_cache_write(sio, rw);
	} else if (sio->error) {
		sio->cte_idx = -1;
		sc->c.write_done++;
		retval = CTE_WRITE_DONE;
	} else if (!evict_cte_on_write || refused) {
		sio->cte_idx = -1;
		sc->c.write_skip++;
		retval = CTE_WRITE_SKIP;
	} else {
		/* nothing evictable (Q1 fixed reads land here too) */
		sio->cte_idx = -1;
		sc->c.lookup_busy++;
	}
	return retval;
}

__attribute__((target("avx2"))) static enum cte_match_t cte_match_avx2(struct ssdcache_io *sio, int rw)
{
	return cte_match_scan(sio, rw, true, false);
}

__attribute__((target("avx2"))) static enum cte_match_t cte_match_avx2_fixed(struct ssdcache_io *sio, int rw)
{
	return cte_match_scan(sio, rw, true, true);
}

/* not inlined into cte_match, which then only dispatches (no prologue of its own) */
__attribute__((noinline)) static enum cte_match_t cte_match_scalar(struct ssdcache_io *sio, int rw)
{
	return cte_match_scan(sio, rw, false, false);
}

__attribute__((noinline)) static enum cte_match_t cte_match_scalar_fixed(struct ssdcache_io *sio, int rw)
{
	return cte_match_scan(sio, rw, false, true);
}

/* Q3, Q4 and Q5, the scan's three quirks, all fixed */
#define FIXED_SCAN_QUIRKS (((quirk_set)1 << 3) | ((quirk_set)1 << 4) | ((quirk_set)1 << 5))

static cte_match_fn *cte_match_pick(const struct ssdcache_ctx *sc);

/* cte_match's flags that depend only on the table, the quirks and the policy, once at ctr
 * (after policy_setup: the admission rules are known) */
void cte_match_setup(struct ssdcache_ctx *sc)
{
	const struct ssdcache_options *o = &sc->cfg.options;

	/* the candidates' room: one group per probe, 16 candidates each (policy_setup) */
	ASSERT(sc->nprobes >= 1 && sc->nprobes <= 65 && sc->nprobes * DEFAULT_ALIASING <= sc->cand_cap);
	/* Skip cte instantiation on WRITE */
	sc->skip_insert[READ] = false;
	sc->skip_insert[WRITE] = o->skip_write_insert;
	/* evict_cte_on_write: a WRITE with evict_on_write; Q1 fixed: reads evaluate victims too */
	sc->evict_mask[READ] = FIXED(sc, 1) ? 0xffffu : 0;
	sc->evict_mask[WRITE] = o->evict_on_write ? 0xffffu : 0;
	sc->admit_ask = sc->pol.ops->admit || sc->nr_adm;
	sc->match = cte_match_pick(sc);
}

/* Which of the four: the scan's tag compare and quirks are known at ctr (cte_match_setup). */
static cte_match_fn *cte_match_pick(const struct ssdcache_ctx *sc)
{
	const bool fixed_scan = (sc->cfg.fixed & FIXED_SCAN_QUIRKS) == FIXED_SCAN_QUIRKS;

	if (sc->scan_scalar)
		return fixed_scan ? cte_match_scalar_fixed : cte_match_scalar;
	return fixed_scan ? cte_match_avx2_fixed : cte_match_avx2;
}

/* Always inline, with link-time optimisation: into ssdcache_map, one indirect call to the
 * instantiation picked at ctr instead of a call that dispatches; internal.h's declaration is
 * a plain one. */
__attribute__((always_inline)) inline enum cte_match_t cte_match(struct ssdcache_io *sio, int rw)
{
	return sio->sc->match(sio, rw);
}
