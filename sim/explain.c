// SPDX-License-Identifier: GPL-2.0
/* explain.c - the miss explanation's shadows: one table of every block seen, a lazy FIFO ring that makes it an exact LRU, and the I/O in flight. */
#include "sim/explain.h"
#include "sim/base/hashtab.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

/*
 * Both shadows are one hash table (8-byte entries, below) from every block ever accessed (seen =
 * present) to the ring position of its latest access, plus a ring of blocks, one per access,
 * in access order (positions count up from 1, rebased below 2^32 by a multiple of the ring's
 * size, never wrapped; a slot is position & mask). The
 * LRU is the stretch [tail, head) of the ring: a block is in it iff its latest position is >=
 * tail, so a lookup is one probe of the table and a hit one append at the head. The entry a
 * hit supersedes is overwritten with STALE in place; an eviction pops the tail, skipping STALE
 * entries, until it has passed one live block (the least recently used: exactly LRU), without
 * looking at the table. When the ring is full it grows while the LRU fills more than a
 * quarter of it, and is otherwise compacted in place (the live blocks move to the head, in
 * order, and their table positions follow), so it stays below 8 slots per block in the LRU
 * and a compaction, a table probe per live block, frees at least 3 slots per probe.
 *
 * The previous shadows (a table block -> node with the nodes in a doubly linked list, beside a
 * seen-set of 64-bit words) touched the entry, its node, both neighbours, the seen word and,
 * on eviction, the tail's node and its table entry: +43 % time at zero latency. Here an
 * access touches one table slot, the ring's head and, on a hit, the superseded ring slot (a
 * store). The table slot, an LL miss at random in tens of MiB, is hidden by a queue: an access
 * looks at the I/O in flight at once but its shadows' part is settled DEFER accesses later, in
 * order (the same results), with its slot prefetched when it was queued; a piece's token is
 * pending until then (its miss counted at the settle if it was classified before, the queue
 * told by explain_settle when the piece is freed, explain_drain before the counts are read).
 */
#define TOKEN_SEEN 1u
#define TOKEN_LRU_HIT 2u
#define TOKEN_IN_FLIGHT 4u
#define TOKEN_PENDING 8u /* still in the queue, at slot token >> TOKEN_SLOT_SHIFT */
#define TOKEN_SLOT_SHIFT 4
#define DEFER 8 /* accesses queued before their shadow part is settled (a power of two) */

#define NIL UINT32_MAX
#define STALE UINT64_MAX /* a superseded ring entry (HT_EMPTY: never a block in the table) */
#define RING_MIN 1024
#define RING_FILL 4 /* compact the full ring when the LRU holds at most 1/RING_FILL of it */
#define PREFETCH_AHEAD 8 /* compaction: ring entries ahead whose table slot is prefetched */

/*
 * I/O in flight that will make the block's offsets clean or change them: fills (the read
 * miss's clone, from the miss's map until the cache write finished and the clone was put),
 * writes (the piece, from its map until it is freed, and its secondary clones). A small table
 * block -> node, sized by the I/O in flight, not the footprint: the node holds the union of
 * the offsets of the block's I/Os (one bit per ceil(bs / 64) sectors) and how many they are
 * (freed when the count falls to 0). The I/O's handle (in the host's bio) holds its node's
 * index + 1, so ending an I/O is one test for a bio never tracked and no lookup for one that
 * was.
 */
struct fl_node {
	uint64_t mask, block;
	uint32_t count, next_free;
};
#define BIG_BYTES (2u << 20)

static void *big_alloc(size_t bytes)
{
	void *p;

	if (bytes < BIG_BYTES)
		return calloc(1, bytes);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without it, 4 KiB pages */
	return p;
}

static void big_free(void *p, size_t bytes)
{
	if (!p)
		return;
	if (bytes < BIG_BYTES)
		free(p);
	else
		munmap(p, bytes);
}

/*
 * The table of blocks seen: open addressing with linear probing over a power-of-two array,
 * never deleted from, grown (doubled) before it is 3/4 full. A key's home is the top bits of its
 * mix (ht_mix), not the low ones, so homes keep their order when the table doubles (old slot i's
 * entries go to 2i or 2i + 1): growth reads the old table and writes the new one front to back,
 * instead of one cache miss per entry (hashtab's rehash was 0.8 LL misses per distinct block).
 * Arrays of 2 MiB or more are mapped on their own and marked for transparent huge pages: a
 * lookup at random in a table of tens of MiB would otherwise miss the TLB too.
 *
 * Entries are 8 bytes, {block + 1 (0: free), position}, both 32 bits (a lookup at random is an
 * LL miss, so the table's footprint is the explanation's cost): blocks below UINT32_MAX (a
 * device of 2^32 blocks, 16 TiB in blocks of 4 KiB) are in it, the others in a second table
 * of the same kind with 16-byte entries {block + 1, position} (the same code, empty and cold
 * on ordinary traces). Positions are kept below 2^32 by a rebase (ring_rebase): rare, one pass
 * over both tables per 2^30 accesses or more.
 */
#define BT_DEFINE(pfx, slot_t, key_t, pos_t)                                                     \
	struct slot_t {                                                                          \
		key_t k1;                                                                        \
		pos_t pos;                                                                       \
	};                                                                                       \
	struct pfx##tab {                                                                        \
		struct slot_t *t;                                                                \
		uint64_t cap, nr;                                                                \
		unsigned shift; /* 64 - log2(cap) */                                             \
	};                                                                                       \
	static inline uint64_t pfx##_home(const struct pfx##tab *b, uint64_t key)                \
	{                                                                                        \
		return ht_mix(key) >> b->shift;                                                  \
	}                                                                                        \
	static int pfx##_init(struct pfx##tab *b, unsigned log2cap)                              \
	{                                                                                        \
		b->cap = 1ULL << log2cap;                                                        \
		b->shift = 64 - log2cap;                                                         \
		b->nr = 0;                                                                       \
		b->t = big_alloc(b->cap * sizeof(*b->t));                                        \
		return b->t ? 0 : -1;                                                            \
	}                                                                                        \
	static void pfx##_fini(struct pfx##tab *b)                                               \
	{                                                                                        \
		big_free(b->t, b->cap * sizeof(*b->t));                                          \
		b->t = NULL;                                                                     \
	}                                                                                        \
	/* Double the table, in slot order (see above). -1 without memory, the table unchanged. */ \
	__attribute__((noinline, cold)) static int pfx##_grow(struct pfx##tab *b)                \
	{                                                                                        \
		struct pfx##tab n;                                                               \
		uint64_t mask;                                                                   \
		if (pfx##_init(&n, 65 - b->shift))                                               \
			return -1;                                                               \
		mask = n.cap - 1;                                                                \
		for (uint64_t i = 0; i < b->cap; i++) {                                          \
			if (!b->t[i].k1)                                                         \
				continue;                                                        \
			uint64_t j = pfx##_home(&n, b->t[i].k1 - 1);                             \
			while (n.t[j].k1)                                                        \
				j = (j + 1) & mask;                                              \
			n.t[j] = b->t[i];                                                        \
		}                                                                                \
		n.nr = b->nr;                                                                    \
		pfx##_fini(b);                                                                   \
		*b = n;                                                                          \
		return 0;                                                                        \
	}                                                                                        \
	/* The slot of key, or NULL (absent). */                                                 \
	static inline struct slot_t *pfx##_get(const struct pfx##tab *b, uint64_t key)           \
	{                                                                                        \
		uint64_t i = pfx##_home(b, key), mask = b->cap - 1;                              \
		while (b->t[i].k1 != (key_t)(key + 1)) {                                         \
			if (!b->t[i].k1)                                                         \
				return NULL;                                                     \
			i = (i + 1) & mask;                                                      \
		}                                                                                \
		return &b->t[i];                                                                 \
	}                                                                                        \
	/* The slot of key, inserted with position 0 if absent (*added). NULL without memory to   \
	 * grow, or for a key + 1 that does not fit key_t or is 0 (not a key). */                \
	static inline struct slot_t *pfx##_put(struct pfx##tab *b, uint64_t key, bool *added)    \
	{                                                                                        \
		uint64_t i = pfx##_home(b, key), mask = b->cap - 1;                              \
		*added = false;                                                                  \
		while (b->t[i].k1 != (key_t)(key + 1)) {                                         \
			if (!b->t[i].k1) {                                                       \
				if ((key_t)(key + 1) != key + 1 || !(key_t)(key + 1))            \
					return NULL;                                             \
				if ((b->nr + 1) * 4 > b->cap * 3) {                              \
					if (pfx##_grow(b))                                       \
						return NULL;                                     \
					return pfx##_put(b, key, added);                         \
				}                                                                \
				b->t[i].k1 = (key_t)(key + 1);                                   \
				b->t[i].pos = 0;                                                 \
				b->nr++;                                                         \
				*added = true;                                                   \
				break;                                                           \
			}                                                                        \
			i = (i + 1) & mask;                                                      \
		}                                                                                \
		return &b->t[i];                                                                 \
	}

#define NARROW UINT32_MAX /* blocks below it are in the 8-byte table */
#define POS_LIMIT UINT32_MAX /* positions stay at or below it */

BT_DEFINE(nt, nslot, uint32_t, uint32_t)
BT_DEFINE(bt, bslot, uint64_t, uint64_t)

struct explain {
	unsigned long bs;
	int bs_shift, chunk_shift; /* log2 of bs and of the offset mask's chunk; -1: not a power of 2 */
	/* the shadows */
	struct nttab blocks; /* block -> ring position of its latest access (blocks < NARROW) */
	struct bttab wide;   /* the same for blocks >= NARROW */
	uint64_t *ring;
	uint64_t ring_cap;     /* slots, a power of two */
	uint64_t head, tail;   /* positions: the ring holds [tail, head); head <= pos_limit */
	uint64_t rebase_at;    /* rebase when head reaches it: pos_limit - ring_cap */
	uint64_t pos_limit;    /* POS_LIMIT, or lower (tests) */
	uint64_t capacity, used; /* LRU size limit and blocks in it */
	/* I/O in flight */
	struct hashtab by_block; /* block -> fl_node index */
	struct fl_node *fl;
	uint32_t fl_cap, fl_free;
	/* accesses whose shadow part is pending, oldest at q_head */
	struct pending {
		uint64_t block;
		unsigned *token;          /* where the token goes when settled; NULL: holder gone */
		uint64_t *miss;           /* classified while pending: count it here when settled */
		enum cte_match_t outcome;
		unsigned bits;            /* TOKEN_IN_FLIGHT at the access */
	} q[DEFER];
	unsigned q_head, q_nr;
	uint64_t ios;       /* I/Os tracked */
	uint64_t untracked; /* I/Os not tracked for want of memory */
	bool oom;           /* a shadow could not grow: results from then on are not exact */
};

/* Block numbers by a shift when the block size is a power of two (it nearly always is): a
 * 64-bit division per access was a visible share of the explanation's cost. */
static inline uint64_t block_of(const struct explain *e, uint64_t sector)
{
	return e->bs_shift >= 0 ? sector >> e->bs_shift : sector / e->bs;
}

/* The offsets [sector, sector + nsect) of their block as a mask of 64 chunks: bits b0..b1,
 * b1 <= 63 since o1 <= bs (without branches: this runs for every I/O start and, with I/O in
 * flight, every access). */
static inline uint64_t offset_mask(const struct explain *e, uint64_t sector, uint32_t nsect)
{
	uint64_t chunk = (e->bs + 63) / 64, o0, o1, b0, b1;

	o0 = e->bs_shift >= 0 ? sector & (e->bs - 1) : sector % e->bs;
	o1 = o0 + (nsect ? nsect : 1);
	if (o1 > e->bs)
		o1 = e->bs;
	b0 = e->chunk_shift >= 0 ? o0 >> e->chunk_shift : o0 / chunk;
	b1 = e->chunk_shift >= 0 ? (o1 - 1) >> e->chunk_shift : (o1 - 1) / chunk;
	return (~0ULL >> (63 - b1)) & (~0ULL << b0);
}

struct explain *explain_new(uint64_t capacity_blocks, unsigned long block_size)
{
	struct explain *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->bs = block_size ? block_size : 1;
	e->bs_shift = e->chunk_shift = -1;
	if (!(e->bs & (e->bs - 1))) {
		e->bs_shift = __builtin_ctzl(e->bs);
		e->chunk_shift = e->bs_shift > 6 ? e->bs_shift - 6 : 0;
	}
	e->capacity = capacity_blocks ? capacity_blocks : 1;
	e->head = e->tail = 1; /* a new table entry holds 0: not in the LRU */
	e->fl_free = NIL;
	e->ring_cap = RING_MIN;
	e->pos_limit = POS_LIMIT;
	e->rebase_at = e->pos_limit - e->ring_cap;
	e->ring = big_alloc(e->ring_cap * sizeof(*e->ring));
	/* the in-flight table at 512 slots stays sparse at --qd 32 (at 64 its probe runs and
	 * backward shifts cost 70 instructions a request) */
	if (!e->ring || nt_init(&e->blocks, 10) || bt_init(&e->wide, 4) ||
	    ht_init(&e->by_block, 384)) {
		explain_free(e);
		return NULL;
	}
	return e;
}

bool explain_failed(const struct explain *e)
{
	return e->oom;
}

void explain_free(struct explain *e)
{
	if (!e)
		return;
	if (e->blocks.t)
		nt_fini(&e->blocks);
	if (e->wide.t)
		bt_fini(&e->wide);
	big_free(e->ring, e->ring_cap * sizeof(*e->ring));
	ht_fini(&e->by_block);
	free(e->fl);
	free(e);
}

/* A free node for a block's I/O in flight, or NIL without memory. */
static uint32_t fl_node_new(struct explain *e)
{
	uint32_t n = e->fl_free;

	if (n == NIL) {
		uint32_t cap = e->fl_cap ? 2 * e->fl_cap : 64;
		struct fl_node *t = cap > e->fl_cap && cap < NIL ? realloc(e->fl, cap * sizeof(*t)) : NULL;
		if (!t)
			return NIL;
		for (uint32_t i = e->fl_cap; i < cap; i++)
			t[i].next_free = i + 1 < cap ? i + 1 : NIL;
		e->fl = t;
		n = e->fl_cap;
		e->fl_cap = cap;
	}
	e->fl_free = e->fl[n].next_free;
	e->fl[n].mask = 0;
	e->fl[n].count = 0;
	return n;
}

void explain_io_start(struct explain *e, uint32_t *io, uint64_t sector, uint32_t nsect)
{
	uint64_t block = block_of(e, sector), *ix;
	bool added;

	if (*io) /* already tracked (cannot happen: the host frees before reusing) */
		return;
	ix = ht_put(&e->by_block, block, &added);
	if (ix && added) {
		uint32_t n = fl_node_new(e);
		if (n == NIL) { /* no memory: undo what was added */
			ht_del(&e->by_block, block);
			ix = NULL;
		} else {
			*ix = n;
			e->fl[n].block = block;
		}
	}
	if (!ix) {
		e->untracked++;
		return;
	}
	e->fl[*ix].mask |= offset_mask(e, sector, nsect);
	e->fl[*ix].count++;
	*io = (uint32_t)*ix + 1;
	e->ios++;
}

void explain_io_end(struct explain *e, uint32_t *io)
{
	uint32_t n = *io;

	if (!n)
		return; /* not an I/O that was tracked (a read piece) */
	*io = 0;
	e->ios--;
	if (!--e->fl[--n].count) {
		e->fl[n].next_free = e->fl_free;
		e->fl_free = n;
		ht_del(&e->by_block, e->fl[n].block);
	}
}

uint64_t explain_in_flight(const struct explain *e)
{
	return e->ios;
}

void explain_prefetch(const struct explain *e, uint64_t sector)
{
	/* a block >= NARROW prefetches a slot of the narrow table for nothing: harmless, and
	 * rarer than the test it would take */
	__builtin_prefetch(&e->blocks.t[nt_home(&e->blocks, block_of(e, sector))]);
}

/* The full ring, [tail, head), with its live blocks moved to [head, head + used) in order and
 * their table positions following; the slots read are rewritten behind the reader, since head
 * and tail share a slot. */
__attribute__((noinline)) static void ring_compact(struct explain *e)
{
	uint64_t mask = e->ring_cap - 1, w = e->head, end = e->head;

	for (uint64_t p = e->tail; p < end; p++) {
		uint64_t b = e->ring[p & mask];
		if (p + PREFETCH_AHEAD < end) {
			uint64_t a = e->ring[(p + PREFETCH_AHEAD) & mask];
			if (a < NARROW)
				__builtin_prefetch(&e->blocks.t[nt_home(&e->blocks, a)]);
		}
		if (b == STALE)
			continue;
		/* every ring block is in a table */
		if (b < NARROW)
			nt_get(&e->blocks, b)->pos = (uint32_t)w;
		else
			bt_get(&e->wide, b)->pos = w;
		e->ring[w++ & mask] = b;
	}
	e->tail = end;
	e->head = w;
}

/* Lower every position by a multiple of the ring's size (so each keeps its slot), as far as
 * the tail allows: positions in the LRU (>= tail) follow, the others become 0 (below the new
 * tail, still >= 1: not in the LRU). One pass over both tables. */
__attribute__((noinline, cold)) static void ring_rebase(struct explain *e)
{
	uint64_t delta = (e->tail - 1) / e->ring_cap * e->ring_cap;

	for (uint64_t i = 0; i < e->blocks.cap; i++)
		if (e->blocks.t[i].k1)
			e->blocks.t[i].pos = e->blocks.t[i].pos >= e->tail ? (uint32_t)(e->blocks.t[i].pos - delta) : 0;
	for (uint64_t i = 0; i < e->wide.cap; i++)
		if (e->wide.t[i].k1)
			e->wide.t[i].pos = e->wide.t[i].pos >= e->tail ? e->wide.t[i].pos - delta : 0;
	e->tail -= delta;
	e->head -= delta;
}

/* Room for one more ring entry, and for positions up to head + ring_cap (a compaction's):
 * rebase them when they near pos_limit (a rebase then lowers them by ring_cap or more, since the
 * ring never grows to pos_limit / 3 slots: 2^30 at most, beyond that is out of memory); grow the full ring while the LRU fills more than
 * 1/RING_FILL of it, else compact it. False without memory. */
static bool ring_room(struct explain *e)
{
	if (e->head >= e->rebase_at)
		ring_rebase(e);
	if (e->head - e->tail < e->ring_cap)
		return true;
	if (e->used * RING_FILL > e->ring_cap) {
		uint64_t cap = 2 * e->ring_cap, omask = e->ring_cap - 1;
		uint64_t *r = 3 * cap < e->pos_limit ? big_alloc(cap * sizeof(*r)) : NULL;
		if (!r)
			return false;
		for (uint64_t p = e->tail; p < e->head; p++)
			r[p & (cap - 1)] = e->ring[p & omask];
		big_free(e->ring, e->ring_cap * sizeof(*e->ring));
		e->ring = r;
		e->ring_cap = cap;
		e->rebase_at = e->pos_limit - cap;
		return true;
	}
	ring_compact(e);
	return true;
}

/* A block >= NARROW (cold: out of the access's path). */
__attribute__((noinline, cold)) static struct bslot *wide_put(struct explain *e, uint64_t block,
							      bool *added)
{
	return bt_put(&e->wide, block, added);
}

/* The shadows' part of an access of block (settled DEFER accesses after explain_access): look
 * (before updating them) and update them; returns TOKEN_SEEN and TOKEN_LRU_HIT as they were. */
static inline unsigned shadow_access(struct explain *e, uint64_t block)
{
	uint64_t old, mask;
	struct nslot *ns = NULL;
	struct bslot *ws = NULL;
	unsigned token = 0;
	bool added;

	if (!ring_room(e)) {
		e->oom = true; /* the shadows stay as they are */
		return 0;
	}
	if (block < NARROW) {
		ns = nt_put(&e->blocks, block, &added);
		old = ns ? ns->pos : 0;
	} else {
		ws = wide_put(e, block, &added);
		old = ws ? ws->pos : 0;
	}
	if (!ns && !ws) {
		e->oom = true;
		return 0;
	}
	mask = e->ring_cap - 1;
	if (!added) {
		token |= TOKEN_SEEN;
		if (old >= e->tail) { /* in the LRU: a hit there, and it moves to the front */
			token |= TOKEN_LRU_HIT;
			if (old == e->head - 1)
				return token; /* already the most recent */
			e->ring[old & mask] = STALE;
		}
	}
	if (ns)
		ns->pos = (uint32_t)e->head;
	else
		ws->pos = e->head;
	e->ring[e->head++ & mask] = block;
	if (token & TOKEN_LRU_HIT)
		return token;
	/* into the LRU; when over capacity, the least recent live block leaves (it stays seen) */
	if (++e->used > e->capacity) {
		while (e->ring[e->tail++ & mask] == STALE)
			;
		e->used--;
	}
	return token;
}

static enum sim_miss classify(unsigned token, enum cte_match_t outcome)
{
	switch (outcome) {
	case CTE_READ_CLEAN:
		return MISS_NR;
	case CTE_READ_BUSY:
		return (token & TOKEN_SEEN) ? MISS_BUSY : MISS_COMPULSORY;
	case CTE_WRITE_SKIP:
	case CTE_LOOKUP_FAILED:
	case SSD_OUT_BYPASS:
		return (token & TOKEN_SEEN) ? MISS_POLICY : MISS_COMPULSORY;
	default:
		break;
	}
	if (!(token & TOKEN_SEEN))
		return MISS_COMPULSORY;
	/* a fill or a write of these offsets was still in flight: no placement would have hit */
	if (token & TOKEN_IN_FLIGHT)
		return MISS_BUSY;
	return (token & TOKEN_LRU_HIT) ? MISS_CONFLICT : MISS_CAPACITY;
}

/* Settle the oldest access of the queue: its shadow access, then its token to its holder (if
 * still held) and its miss counted (if it was classified while pending). */
static void settle_oldest(struct explain *e)
{
	struct pending *q = &e->q[e->q_head];
	unsigned token = q->bits | shadow_access(e, q->block);

	if (q->miss) {
		enum sim_miss m = classify(token, q->outcome);
		if (m != MISS_NR)
			q->miss[m]++;
	}
	if (q->token)
		*q->token = token;
	e->q_head = (e->q_head + 1) & (DEFER - 1);
	e->q_nr--;
}

void explain_access(struct explain *e, unsigned *token, uint64_t sector, uint32_t nsect)
{
	uint64_t block = block_of(e, sector);
	const uint64_t *f;
	unsigned bits = 0, slot;

	/* the I/O in flight now, at the access (the shadows' part waits in the queue) */
	if (e->by_block.nr && (f = ht_get(&e->by_block, block)) &&
	    (e->fl[*f].mask & offset_mask(e, sector, nsect)))
		bits |= TOKEN_IN_FLIGHT;
	if (block < NARROW)
		__builtin_prefetch(&e->blocks.t[nt_home(&e->blocks, block)], 1);
	if (e->q_nr == DEFER)
		settle_oldest(e);
	slot = (e->q_head + e->q_nr++) & (DEFER - 1);
	e->q[slot] = (struct pending){ .block = block, .token = token, .bits = bits };
	*token = TOKEN_PENDING | slot << TOKEN_SLOT_SHIFT;
}

/* The queue entry a pending token is in, or NULL (a token not pending, or not this holder's). */
static inline struct pending *pending_of(struct explain *e, unsigned *token)
{
	struct pending *q;

	if (!(*token & TOKEN_PENDING))
		return NULL;
	q = &e->q[(*token >> TOKEN_SLOT_SHIFT) & (DEFER - 1)];
	return q->token == token ? q : NULL;
}

void explain_settle(struct explain *e, unsigned *token)
{
	struct pending *q = pending_of(e, token);

	if (q)
		q->token = NULL; /* its holder is gone: settle it without writing back */
}

void explain_drain(struct explain *e)
{
	while (e->q_nr)
		settle_oldest(e);
}

void explain_classify(struct explain *e, unsigned *token, enum cte_match_t outcome, uint64_t *miss)
{
	struct pending *q = pending_of(e, token);
	enum sim_miss m;

	if (q) { /* counted when settled */
		q->outcome = outcome;
		q->miss = miss;
		return;
	}
	m = classify(*token, outcome);
	if (m != MISS_NR)
		miss[m]++;
}

void explain_set_pos_limit(struct explain *e, uint64_t limit)
{
	e->pos_limit = limit < POS_LIMIT ? limit : POS_LIMIT;
	e->rebase_at = e->pos_limit - e->ring_cap;
}
