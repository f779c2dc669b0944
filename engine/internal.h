/* SPDX-License-Identifier: GPL-2.0 */
/* internal.h - the engine's private structures (the seed's ssdcache_te/md/io/ctx) and bitmap helpers. */
#ifndef SSDCACHE_INTERNAL_H
#define SSDCACHE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "policies/policy.h"

#include "engine/assert.h"
#include "engine/defer.h"
#include "sim/base/hashtab.h"

#define BUG_ON(cond) ASSERT(!(cond))

/* errno values the seed uses in sio->error (Linux numbering, as the seed compares them). */
#define SEED_EIO 5
#define SEED_EBUSY 16
#define SEED_ENOENT 2
#define SEED_ESTALE 116
#define SEED_EUCLEAN 117
#define SEED_EOPNOTSUPP 95

/*
 * struct ssdcache_te, the cte. The seed replaces a cte by RCU copy-on-update; serialised, that
 * is an update in place (docs/engine.md §3.3), so ctes live inline in their cmd's slots and
 * "slot is NULL" is a bit of cmd->used. Bitmaps are nwords 64-bit words each: 256 bits in seed mode
 * (DECLARE_BITMAP(..., DEFAULT_BLOCKSIZE), Q20), the block size with Q20 fixed.
 * The seed's `index` (never read) and `md` backlink (the slot's cmd) are implicit; its atime
 * and count (the policies' keys) live in the cmd, beside the tags, so that a lookup's scan never
 * reads a cte that does not match.
 */
struct ssdcache_te {
	unsigned long sector; /* block-aligned target sector: the cte's identity */
	uint32_t gen;         /* fixed mode: allocation generation (Q10) */
	uint32_t wgen;        /* fixed mode: writes started on this cte (Q13) */
	uint64_t bits[];      /* clean | target_busy | cache_busy, nwords each */
};

/*
 * struct ssdcache_md, the cmd: 16 slots (DEFAULT_ALIASING). The index (the seed's radix tree)
 * is a flat array of cmds, one per hash number; a cmd "exists" (cmd_insert ran) when te_mem,
 * its 16 cte bodies in the pool sized at ctr, is set. Everything a lookup's scan needs is in
 * the cmd, the cte bodies only for the slot whose tag matches:
 *   line 0     a 16-bit tag of each slot's sector (16 tags: one 256-bit compare), the used
 *              mask, the idle mask (no target_busy or cache_busy bit: the fixed Q4 victim
 *              filter), the cte bodies and the hash number;
 *   lines 1-2  each slot's atime, lines 3-4 each slot's count (the seed's cte keys, Q6).
 * Same decisions as reading the ctes one by one; the scan is a few bit operations per probe.
 */
struct ssdcache_md {
	uint16_t tag[DEFAULT_ALIASING]; /* cte_tag(te[i]->sector) */
	uint16_t used;         /* bit i: te[i] is not NULL */
	uint16_t idle;         /* bit i: te[i]'s target_busy and cache_busy maps are empty */
	uint16_t num_cte;      /* always DEFAULT_ALIASING */
	uint16_t pad_;
	uint64_t *te_mem;      /* num_cte ctes of sc->cte_size bytes; NULL: no cmd (yet) */
	unsigned long hash;    /* hash number h */
	unsigned long created; /* the seed's cmd->atime, jiffies at creation; never read (Q31) */
	unsigned long atime[DEFAULT_ALIASING] __attribute__((aligned(64))); /* te[i]->atime */
	unsigned long count[DEFAULT_ALIASING]; /* te[i]->count */
} __attribute__((aligned(64)));
/* scripts/bench-engine and BENCHMARKS.md count a cmd as five cache lines (20 bytes per slot) */
_Static_assert(sizeof(struct ssdcache_md) == 5 * 64, "struct ssdcache_md: five cache lines");

static inline uint16_t cte_tag(unsigned long sector)
{
	return (uint16_t)((sector * 0x9E3779B97F4A7C15ULL) >> 48);
}

/*
 * struct ssdcache_io, the sio: one per mapped bio, reference counted. A sio lives in its
 * target's pool (sc->sio_free): sc never changes, and a released sio is off _io_work with
 * neither clone (the last put returns them), so on_list, bio and writeback_bio are set when it
 * is first allocated, not at every creation (ssdcache_create_sio); the fields it does set at
 * every creation sit side by side, so that the compiler merges their stores.
 */
struct ssdcache_io {
	struct ssdcache_io *list_next; /* _io_work linkage */
	struct ssdcache_ctx *sc;
	/* set at every creation: */
	int kref;
	int error;
	struct ssdcache_md *cmd;
	long cte_idx;
	uint32_t gen, wgen;        /* fixed mode: cte generations seen at lookup (Q10, Q13) */
	bool bio_is_flush;         /* sio->bio is the user's flush bio, not a clone */
	bool bio_issued;           /* fixed Q17: the secondary was issued already */
	bool defer;                /* fixed mode: cte_match asks map to hold the bio */
	bool uncached_write;       /* fixed Q13: a write sent to the target with no cte */
	int leaked_refs;           /* references the seed never drops (Q17, Q18) */
	unsigned flush_pending;    /* fixed Q18: device flushes in flight */
	/* false, NULL and NULL whenever the sio is in the pool: */
	bool on_list;                  /* !list_empty(&sio->list) */
	struct bio *bio;           /* secondary clone (or the flush bio itself) */
	struct bio *writeback_bio; /* fill or deferred copy */
	unsigned long nr;
	unsigned long bio_sector;
	unsigned mask_lo, mask_hi; /* bio_mask as the offset range [lo, hi) (contiguous by construction) */
	/* the same range as one word's mask when it lies in one word (every bio at block sizes up
	 * to 64 sectors, and the empty range as mask 0), so that a test against the mask is one
	 * AND; set with the range by sio_set_mask, false: the range walk (bm_range) */
	bool mask_one;
	unsigned mask_w;
	uint64_t mask_m;
	uint64_t seq;              /* host tag of the piece this sio was created for */
	uint64_t req;              /* the piece's user request (policies, admission rules) */
	uint64_t req_sector;
	uint32_t req_sectors;
	struct ssdcache_io *pool_next; /* free list / all-sios list linkage */
};

/* The kssdcached workqueue and the global _io_work list, one per host. */
struct ssdcache_wq {
	const struct ssdcache_host_ops *ops;
	void *host;
	struct ssdcache_io *head, *tail;
	struct ssdcache_ctx *targets; /* the targets sharing this workqueue */
};

struct ssdcache_ctx {
	struct ssdcache_wq *wq;
	struct ssdcache_ctx *wq_next;
	const struct ssdcache_host_ops *ops;
	void *host;
	struct ssdcache_config cfg;
	struct pol pol;               /* the victim policy and its private state */
	struct {
		const struct pol_admit_ops *ops;
		void *priv;
	} adm[POL_ADMIT_MAX];         /* admission rules (extension), all must admit */
	unsigned nr_adm;
	/* the candidates of one lookup, for the policy (struct pol_cands): sized at ctr, one block
	 * (cand_atime is the allocation) */
	pol_slot *cand_slot;
	unsigned long *cand_atime, *cand_count;
	unsigned cand_cap;
	/* the same candidates as the scan finds them, one group per probe (struct pol_groups):
	 * cand_cap / 16 groups; copied into the arrays only for a policy without victim_groups */
	struct pol_group *cand_group;
	struct ssdcache_md *md_table; /* the cmd index (the seed's radix tree), num_cmd entries */
	uint64_t *te_pool;            /* every cmd's cte bodies, num_cmd * te_mem_size bytes */
	bool scan_scalar;             /* the scan's tag compare without AVX2 (same decisions) */
	unsigned long hash_bits;
	unsigned long num_cmd;
	unsigned long block_size;
	unsigned long block_mask;
	unsigned long sector_shift; /* fls(block_size) - 1 */
	/* the hashes' constants, set once at ctr (ssdcache_hash_setup): hash_64 is
	 * ((v * hash_mul) >> hash_shift) & hash_keep, hash_wrap v & hash_mask */
	uint64_t hash_mul;
	unsigned hash_shift;
	unsigned long hash_keep, hash_mask;
	unsigned nprobes;   /* cte_match's probes per lookup: assoc + 1 (Q2), fixed max(1, assoc) */
	unsigned long step_or; /* fixed Q7: 1 (an odd step), else 0 */
	/* cte_match's per-lookup flags, which depend only on the table, the quirks and the policy,
	 * set once at ctr (cte_match_setup) instead of at every lookup, indexed by rw:
	 * skip_insert: the seed's skip_cmd_instantiation (a write with skip_write_insert);
	 * evict_mask: 0xffff when the lookup evaluates victims (the seed's evict_cte_on_write: a
	 * write with evict_on_write; fixed Q1, every read), else 0 (no candidates) */
	bool skip_insert[2];
	uint16_t evict_mask[2];
	bool admit_ask;     /* may_allocate asks someone: the policy's admit hook or a rule */
	/* cte_match's instantiation for this target: AVX2 or scalar tag compare, fixed scan or
	 * not (match.c, picked at ctr) */
	enum cte_match_t (*match)(struct ssdcache_io *sio, int rw);
	sector_t data_offset;
	unsigned nwords;    /* words per cte bitmap */
	unsigned nbits;     /* bits per cte bitmap (256 in seed mode) */
	size_t cte_size;    /* sizeof(struct ssdcache_te) + 3 * nwords * 8 */
	size_t te_mem_size;  /* DEFAULT_ALIASING * cte_size */
	uint32_t next_gen;  /* fixed Q10 */
	struct ssdcache_defer defer; /* fixed mode: bios waiting for idle offsets (defer.h) */
	/* fixed Q13: blocks with writes in flight to the target that no cte tracks -> how many
	 * (engine/tw.c; empty until the first) */
	struct hashtab tw;
	/* fixed Q18: flushes waiting for secondaries to drain */
	unsigned long secondaries_inflight;
	struct ssdcache_io *flush_wait_head, *flush_wait_tail;
	/* sio pool */
	struct ssdcache_io *sio_free;
	struct ssdcache_counters c; /* the seed's counters (+ the port's) */
	bool warned_crash[QUIRK_MAX + 1];
};

/* ---- quirks ---- */
static inline bool FIXED(const struct ssdcache_ctx *sc, int q)
{
	return quirk_fixed(sc->cfg.fixed, q);
}

#define CACHE_IS_WRITETHROUGH(sc) ((sc)->cfg.options.mode == CACHE_MODE_WRITETHROUGH)
#define CACHE_IS_WRITEBACK(sc) ((sc)->cfg.options.mode == CACHE_MODE_WRITEBACK)
#define CACHE_IS_READCACHE(sc) ((sc)->cfg.options.mode == CACHE_MODE_READCACHE)

/* ---- bitmaps: a cte's three maps, and a sio's mask as a range ---- */
static inline uint64_t *cte_clean(const struct ssdcache_ctx *sc, struct ssdcache_te *cte)
{
	(void)sc;
	return cte->bits;
}
static inline uint64_t *cte_tbusy(const struct ssdcache_ctx *sc, struct ssdcache_te *cte)
{
	return cte->bits + sc->nwords;
}
static inline uint64_t *cte_cbusy(const struct ssdcache_ctx *sc, struct ssdcache_te *cte)
{
	return cte->bits + 2 * sc->nwords;
}

/* Word mask of bits [lo, hi) that fall in word w. */
static inline uint64_t bm_word_mask(unsigned w, unsigned lo, unsigned hi)
{
	unsigned wlo = w * 64, whi = wlo + 64;
	unsigned a = lo > wlo ? lo - wlo : 0;
	unsigned b = hi < whi ? hi - wlo : 64;
	uint64_t m = b >= 64 ? ~0ULL : ((1ULL << b) - 1);
	return m & ~((1ULL << a) - 1);
}

/* [lo, hi) within one word (every bio at block sizes up to 64 sectors): its word and mask. */
static inline bool bm_one_word(unsigned lo, unsigned hi, unsigned *w, uint64_t *m)
{
	if (lo >= hi || lo / 64 != (hi - 1) / 64)
		return false;
	*w = lo / 64;
	*m = (hi - lo == 64 ? ~0ULL : ((1ULL << (hi - lo)) - 1)) << (lo % 64);
	return true;
}

/* What bm_range does with each word's part of a range. */
enum bm_op { BM_OP_ANY, BM_OP_ALL, BM_OP_SET, BM_OP_CLEAR };

/* One word's part m of the range: its answer (some bit set, all set; the edits answer true). */
static inline bool bm_word_op(uint64_t *word, uint64_t m, enum bm_op op)
{
	switch (op) {
	case BM_OP_ANY: return *word & m;
	case BM_OP_ALL: return (*word & m) == m;
	case BM_OP_SET: *word |= m; return true;
	case BM_OP_CLEAR: *word &= ~m; return true;
	}
	return false;
}

/*
 * op over the bits [lo, hi), one walk for the four operations: ANY is true as soon as a word
 * answers true, the others are false as soon as one answers false (the edits never do). An
 * empty range: ANY false, ALL true. op is a constant at every call (the wrappers below), so
 * the switch folds away and each wrapper compiles to its own loop.
 */
static inline bool bm_range(uint64_t *bm, unsigned lo, unsigned hi, enum bm_op op)
{
	const bool conj = op != BM_OP_ANY;
	unsigned w1;
	uint64_t m1;

	if (bm_one_word(lo, hi, &w1, &m1))
		return bm_word_op(bm + w1, m1, op);
	for (unsigned w = lo / 64; lo < hi && w <= (hi - 1) / 64; w++)
		if (bm_word_op(bm + w, bm_word_mask(w, lo, hi), op) != conj)
			return !conj;
	return conj;
}

/* Any bit of [lo, hi) set? (bitmap_and + !bitmap_empty against the mask) */
static inline bool bm_any(const uint64_t *bm, unsigned lo, unsigned hi)
{
	return bm_range((uint64_t *)bm, lo, hi, BM_OP_ANY); /* ANY and ALL only read */
}

/* All bits of [lo, hi) set? An empty range is "all set" (bitmap_equal(and, mask)). */
static inline bool bm_all(const uint64_t *bm, unsigned lo, unsigned hi)
{
	return bm_range((uint64_t *)bm, lo, hi, BM_OP_ALL);
}

static inline void bm_set(uint64_t *bm, unsigned lo, unsigned hi)
{
	bm_range(bm, lo, hi, BM_OP_SET);
}

static inline void bm_clear(uint64_t *bm, unsigned lo, unsigned hi)
{
	bm_range(bm, lo, hi, BM_OP_CLEAR);
}

/* The sio's mask is [lo, hi): also as one word's mask when it lies in one word. */
static inline void sio_set_mask(struct ssdcache_io *sio, unsigned lo, unsigned hi)
{
	sio->mask_lo = lo;
	sio->mask_hi = hi;
	if (lo >= hi) {
		/* empty: ANY false, ALL true, the edits nothing, as bm_range answers */
		sio->mask_one = true;
		sio->mask_w = 0;
		sio->mask_m = 0;
		return;
	}
	if ((lo ^ (hi - 1)) < 64) {
		/* one word: bm_one_word's answer, its mask built with one shift pair */
		sio->mask_one = true;
		sio->mask_w = lo / 64;
		sio->mask_m = (~0ULL >> (64 - (hi - lo))) << (lo % 64);
		return;
	}
	sio->mask_one = false;
}

/* bm_range, out of line (engine/cte.c): the walk of a mask over several words. */
bool bm_range_walk(uint64_t *bm, unsigned lo, unsigned hi, enum bm_op op);

/* bm_range against the sio's mask: one word's operation when the mask is one word's, inline
 * (op is a constant at every call, the wrappers below); the walk otherwise. */
static inline bool sio_bm_range(uint64_t *bm, const struct ssdcache_io *sio, enum bm_op op)
{
	if (__builtin_expect(sio->mask_one, 1))
		return bm_word_op(bm + sio->mask_w, sio->mask_m, op);
	return bm_range_walk(bm, sio->mask_lo, sio->mask_hi, op);
}

static inline bool sio_bm_any(const uint64_t *bm, const struct ssdcache_io *sio)
{
	return sio_bm_range((uint64_t *)bm, sio, BM_OP_ANY); /* ANY and ALL only read */
}

static inline bool sio_bm_all(const uint64_t *bm, const struct ssdcache_io *sio)
{
	return sio_bm_range((uint64_t *)bm, sio, BM_OP_ALL);
}

static inline void sio_bm_set(uint64_t *bm, const struct ssdcache_io *sio)
{
	sio_bm_range(bm, sio, BM_OP_SET);
}

static inline void sio_bm_clear(uint64_t *bm, const struct ssdcache_io *sio)
{
	sio_bm_range(bm, sio, BM_OP_CLEAR);
}

static inline bool bm_empty(const uint64_t *bm, unsigned nwords)
{
	for (unsigned w = 0; w < nwords; w++)
		if (bm[w])
			return false;
	return true;
}

/* bitmap_full(bm, nbits) */
static inline bool bm_full(const uint64_t *bm, unsigned nbits)
{
	return bm_all(bm, 0, nbits);
}

/* ---- cmds and ctes ---- */
/* cmd_lookup: the cmd of a hash number, NULL if none yet (no cmd_insert). Inline: every probe. */
static inline struct ssdcache_md *cmd_lookup(struct ssdcache_ctx *sc, unsigned long hash_number)
{
	struct ssdcache_md *cmd = &sc->md_table[hash_number];

	return cmd->te_mem ? cmd : NULL;
}

static inline struct ssdcache_te *cmd_te(const struct ssdcache_ctx *sc, struct ssdcache_md *cmd,
					  long i)
{
	return (struct ssdcache_te *)((unsigned char *)cmd->te_mem + (size_t)i * sc->cte_size);
}

/* rcu_dereference(cmd->te[i]): the cte in slot i, or NULL. */
static inline struct ssdcache_te *cmd_slot(const struct ssdcache_ctx *sc, struct ssdcache_md *cmd,
					    long i)
{
	return (cmd->used >> i) & 1 ? cmd_te(sc, cmd, i) : NULL;
}

/* All three maps of a cte empty, whole bitmaps (clean, target_busy and cache_busy follow each
 * other): one word each up to 64 sectors a block. */
static inline bool cte_maps_empty(const struct ssdcache_ctx *sc, const struct ssdcache_te *cte)
{
	if (sc->nwords == 1)
		return !(cte->bits[0] | cte->bits[1] | cte->bits[2]);
	return bm_empty(cte->bits, 3 * sc->nwords);
}

/* Recompute slot i's bit of cmd->idle after its busy maps changed. */
static inline void cmd_idle_update(const struct ssdcache_ctx *sc, struct ssdcache_md *cmd, long i)
{
	struct ssdcache_te *cte = cmd_te(sc, cmd, i);
	const unsigned nwords = sc->nwords;
	uint64_t any = 0;

	if (nwords == 1) /* block sizes up to 64 sectors: target_busy and cache_busy, one word each */
		any = cte->bits[1] | cte->bits[2];
	else
		for (unsigned w = 0; w < 2 * nwords; w++)
			any |= cte->bits[nwords + w]; /* target_busy, then cache_busy */
	if (any)
		cmd->idle &= (uint16_t)~(1u << i);
	else
		cmd->idle |= (uint16_t)(1u << i);
}

static inline unsigned long ctx_jiffies(const struct ssdcache_ctx *sc)
{
	return sc->ops->jiffies(sc->host);
}

/* ---- the policy's hooks, with their defaults (policies/policy.h states the contracts) ---- */
static inline pol_slot cmd_pol_slot(const struct ssdcache_md *cmd, long i)
{
	return (pol_slot)(cmd->hash * DEFAULT_ALIASING + (unsigned long)i);
}

/* The access a hook sees. Only built when a hook wants it (lru and lfu have none). */
static inline void sio_pol_access(const struct ssdcache_io *sio, int rw, struct pol_access *a)
{
	const struct ssdcache_ctx *sc = sio->sc;

	a->block = sio->bio_sector / sc->block_size;
	a->sector = sio->bio_sector + sio->mask_lo;
	a->nsect = sio->mask_hi - sio->mask_lo;
	a->req = sio->req;
	a->req_sector = sio->req_sector;
	a->req_sectors = sio->req_sectors;
	a->now = sc->ops->jiffies(sc->host);
	a->write = rw == WRITE;
}

/* A slot hook of the policy (on_hit, on_insert; NULL: nothing to do) for the sio's slot:
 * sio->cmd / sio->cte_idx name it. */
static inline void pol_slot_hook(struct ssdcache_io *sio, int rw,
				 void (*hook)(struct pol *, pol_slot, const struct pol_access *))
{
	struct pol_access a;

	if (!hook)
		return;
	sio_pol_access(sio, rw, &a);
	hook(&sio->sc->pol, cmd_pol_slot(sio->cmd, sio->cte_idx), &a);
}

/* on_hit, default: nothing. The matching slot. */
static inline void pol_hit(struct ssdcache_io *sio, int rw)
{
	pol_slot_hook(sio, rw, sio->sc->pol.ops->on_hit);
}

/* on_insert, default: nothing. */
static inline void pol_insert(struct ssdcache_io *sio, int rw)
{
	pol_slot_hook(sio, rw, sio->sc->pol.ops->on_insert);
}

/* on_evict, default: nothing. */
static inline void pol_evict(struct ssdcache_ctx *sc, pol_slot s)
{
	if (sc->pol.ops->on_evict)
		sc->pol.ops->on_evict(&sc->pol, s);
}

/* The admission rules' on_access, default: nothing; every lookup of a piece. */
static inline void adm_on_access(struct ssdcache_io *sio, int rw)
{
	struct ssdcache_ctx *sc = sio->sc;
	struct pol_access a;
	bool built = false;

	for (unsigned k = 0; k < sc->nr_adm; k++) {
		if (!sc->adm[k].ops->on_access)
			continue;
		if (!built)
			sio_pol_access(sio, rw, &a);
		built = true;
		sc->adm[k].ops->on_access(sc->adm[k].priv, &a);
	}
}

/* engine/hash.c */
void ssdcache_hash_setup(struct ssdcache_ctx *sc);

/* hash_64 of the block (docs/engine.md §2.2), inline: ssdcache_hash_64_raw with the constants
 * of ssdcache_hash_setup (the same value, hash_bits 0 included: hash_mul 0) */
static inline unsigned long ssdcache_hash_64(const struct ssdcache_ctx *sc, sector_t sector)
{
	return (unsigned long)((((uint64_t)sector >> sc->sector_shift) * sc->hash_mul) >> sc->hash_shift) &
	       sc->hash_keep;
}

/* The primary hash (§2.1): the block number modulo num_cmd. */
static inline unsigned long ssdcache_hash_wrap(const struct ssdcache_ctx *sc, sector_t sector)
{
	return (sector >> sc->sector_shift) & sc->hash_mask;
}

unsigned long rehash_block(struct ssdcache_ctx *sc, sector_t sector, unsigned long hash_number);
int fls_int(int x);
int fls64_ul(unsigned long x);

/* engine/cte.c's predicates, inline (every map, completion and worker run asks them, some
 * several times over: inline, the repeated loads are shared): the sio's view of its cte */
/* Test against the sio's mask only (docs/engine.md §0.1), never the whole cte. */
static inline bool cte_is_clean(struct ssdcache_ctx *sc, struct ssdcache_te *cte, const struct ssdcache_io *sio)
{
	return sio_bm_all(cte_clean(sc, cte), sio);
}

static inline bool cte_cache_is_busy(struct ssdcache_ctx *sc, struct ssdcache_te *cte, const struct ssdcache_io *sio)
{
	return sio_bm_any(cte_cbusy(sc, cte), sio);
}

static inline bool cte_target_is_busy(struct ssdcache_ctx *sc, struct ssdcache_te *cte,
			const struct ssdcache_io *sio)
{
	return sio_bm_any(cte_tbusy(sc, cte), sio);
}

/* The cte in the sio's slot, or NULL (rcu_dereference(sio->cmd->te[sio->cte_idx])). */
static inline struct ssdcache_te *sio_cte(struct ssdcache_io *sio)
{
	if (!sio->cmd || sio->cte_idx == -1)
		return NULL;
	return cmd_slot(sio->sc, sio->cmd, sio->cte_idx);
}

/* The cte in the slot of a sio that must be bound to one (cmd and slot), or NULL if empty. */
static inline struct ssdcache_te *sio_cte_bound(struct ssdcache_io *sio)
{
	BUG_ON(!sio->cmd);
	BUG_ON(sio->cte_idx == -1);
	return cmd_slot(sio->sc, sio->cmd, sio->cte_idx);
}

static inline bool sio_cache_is_busy(struct ssdcache_io *sio)
{
	struct ssdcache_te *cte;

	if (!sio->cmd)
		return false;
	BUG_ON(sio->cte_idx == -1);
	cte = cmd_slot(sio->sc, sio->cmd, sio->cte_idx);
	return cte ? cte_cache_is_busy(sio->sc, cte, sio) : false;
}

static inline bool sio_target_is_busy(struct ssdcache_io *sio)
{
	struct ssdcache_te *cte = sio_cte(sio);

	return cte ? cte_target_is_busy(sio->sc, cte, sio) : false;
}

/*
 * sio_match_sector: the slot still holds the sio's block. It cannot tell the same cte from a
 * new cte for the same block in the same slot (Q10); with Q10 fixed the allocation generation
 * must match too.
 */
static inline bool sio_match_sector(struct ssdcache_io *sio)
{
	struct ssdcache_te *cte;

	if (!sio || !sio->cmd || sio->cte_idx == -1)
		return false;
	cte = cmd_slot(sio->sc, sio->cmd, sio->cte_idx);
	if (!cte)
		return false;
	if (FIXED(sio->sc, 10) && cte->gen != sio->gen)
		return false;
	return sio->bio_sector == cte->sector;
}

/* engine/cte.c: the cte operations of docs/engine.md §3.4 and the sio's view of its cte */
struct ssdcache_md *cmd_insert(struct ssdcache_ctx *sc, unsigned long hash_number);
bool cte_is_idle(struct ssdcache_ctx *sc, struct ssdcache_te *cte);
void sio_cleanup_cte(struct ssdcache_io *sio);
void sio_finish_cache_write(struct ssdcache_io *sio);
void sio_finish_target_write(struct ssdcache_io *sio);
enum cte_match_t sio_new_cache_write(struct ssdcache_io *sio, int rw);
enum cte_match_t sio_new_cache_write_at(struct ssdcache_io *sio, int rw, unsigned long now);
void cte_start_write(struct ssdcache_io *sio);
void cte_start_cache_write(struct ssdcache_io *sio);
void cte_start_target_write(struct ssdcache_io *sio);
void cte_cancel_target_write(struct ssdcache_io *sio);
void cte_cancel_cache_write(struct ssdcache_io *sio);
void sio_cte_invalidate(struct ssdcache_io *sio);
void cte_drop(struct ssdcache_ctx *sc, struct ssdcache_md *cmd, long idx);

/* engine/match.c */
typedef enum cte_match_t cte_match_fn(struct ssdcache_io *sio, int rw);
enum cte_match_t cte_match(struct ssdcache_io *sio, int rw);
void cte_match_setup(struct ssdcache_ctx *sc);

/* engine/worker.c: sio lifecycle, the workqueue, the I/O callbacks */
struct ssdcache_io *ssdcache_create_sio(struct ssdcache_ctx *sc);
void ssdcache_get_sio(struct ssdcache_io *sio);
int ssdcache_put_sio_last(struct ssdcache_io *sio);

/*
 * kref_put, inline (two or three per piece): only the last reference goes on to
 * ssdcache_put_sio_last. A sio the seed never frees (the flush's creation reference, Q18; a
 * second push of a queued sio, Q17) holds "leaked" references nobody will drop: when only
 * those remain, nothing can reach it any more, so its memory is reused without destroying it
 * (no cleanup, sio_active stays counted, exactly as in the seed). 1 when the sio is gone.
 */
static inline int ssdcache_put_sio(struct ssdcache_io *sio)
{
	BUG_ON(sio->kref <= 0);
	if (--sio->kref > 0 && (sio->kref != sio->leaked_refs || sio->on_list))
		return 0;
	return ssdcache_put_sio_last(sio);
}
void ssdcache_schedule_sio(struct ssdcache_io *sio);
void write_to_cache(struct ssdcache_io *sio, struct bio *bio);
void write_to_target(struct ssdcache_io *sio, struct bio *bio);
sector_t to_cache_sector(struct ssdcache_io *sio, sector_t data_sector);
void seed_crash(struct ssdcache_ctx *sc, int q, const char *what);
void sio_free_all(struct ssdcache_ctx *sc);

/* engine/tw.c: the fixed mode's record of uncached target writes in flight (Q13) */
void tw_add(struct ssdcache_ctx *sc, unsigned long block);
void tw_del(struct ssdcache_ctx *sc, unsigned long block);
bool tw_has(const struct ssdcache_ctx *sc, unsigned long block);
void tw_free(struct ssdcache_ctx *sc);

/* engine/map.c */
void sio_bio_mask(struct ssdcache_io *sio, struct bio *bio);
void sio_lookup_async(struct ssdcache_io *sio);
void report_decision(struct ssdcache_io *sio, struct bio *bio, enum cte_match_t r);
void ssdcache_flush_ready(struct ssdcache_ctx *sc);

#endif
