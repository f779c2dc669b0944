// SPDX-License-Identifier: GPL-2.0
/* dmcore.c - dm.c's splitting, dispatch list and completion accounting around the engine. */
#include "sim/dmcore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/assert.h"
#include "traces/reader.h"


struct dm_core {
	struct ssdcache_wq *wq;
	struct ssdcache_ctx *sc;
	struct dm_backend be;
	struct dm_hooks hooks;
	uint64_t target_sectors;
	uint64_t split_io;
	unsigned hz;
	uint64_t jiffies0;
	/* the last conversion: jf_val for every time in [jf_now, jf_now + jf_span) (the engine
	 * asks several times per request, and the value changes once per tick); jf_span 0: none
	 * yet (one unsigned compare tests both ends) */
	uint64_t jf_now, jf_span, jf_val;
	const uint64_t *clock;   /* the backend's current time read in place, or NULL (dm_set_clock) */
	/* dm_set_last_piece_done's fn while dm may use it (a lent clock, no bio_free hook), or NULL */
	void (*last_piece_done)(void *obs, struct dm_piece *p, int error, uint64_t now_ns);
	void (*last_done)(void *obs, struct dm_piece *p, int error, uint64_t now_ns);
	uint64_t seq;          /* next decision-log sequence number */
	uint64_t next_req_id;
	bool work_pending;
	uint64_t inflight_dio, inflight_req;
	/* the dispatch list (current->bio_list), FIFO */
	struct dm_piece **dispatch;
	size_t dispatch_head, dispatch_nr, dispatch_cap;
	bool draining;         /* dispatch_drain is running: a nested submission only queues */
	/* free lists */
	struct dm_req *free_req;
	struct dm_piece *free_piece;
	struct dm_bio *free_bio;
	struct dm_dio *free_dio;
};

/* ---- pools ---- */

/*
 * An object from a free list is NOT cleared: every constructor (dm_req_alloc, piece_new,
 * host_bio_clone, dio_new) writes each field a reader can see before handing it out, so
 * clearing it too was a second write of ~200 bytes per request (the memset cost about 90
 * instructions per request). A new object is calloc'ed (the pools only grow to the peak in
 * flight). The fields that are the same at every use of a piece or a dio are set once, when
 * it is made (piece_pool_new, dio_pool_new), and kept: a dio's host_ctx (no one else writes
 * it); a piece's b.piece, b.bio.bi_private (no one writes it), and the observer's b.data,
 * b.obs_io, vsnap and obs_token, all NULL or 0 (only the verifier's and the miss
 * explanation's hooks write them, and those come with a bio_free hook, after which
 * piece_free clears them again).
 */
/* A new object for an empty pool: out of line, so that the callers' common path (an object
 * from the list) holds no call of its own. */
static __attribute__((noinline, cold)) void *pool_new(size_t size)
{
	void *p = calloc(1, size);

	ASSERT(p);
	return p;
}

static inline void *pool_get(void **head, size_t size, size_t next_off)
{
	void *p = *head;

	if (__builtin_expect(p != NULL, 1)) {
		*head = *(void **)((char *)p + next_off);
		return p;
	}
	return pool_new(size);
}

/* A new piece: its fields that are the same at every use (above). */
static __attribute__((noinline, cold)) void *piece_pool_new(void)
{
	struct dm_piece *p = pool_new(sizeof(*p));

	p->b.piece = p;
	return p;
}

/* A new dio: its fields that are the same at every use (above). */
static __attribute__((noinline, cold)) void *dio_pool_new(void)
{
	struct dm_dio *d = pool_new(sizeof(*d));

	d->io.host_ctx = d;
	return d;
}

/* POOL_GET for the pieces' and dios' pools: a new object from make() */
static inline void *pool_get_made(void **head, size_t next_off, void *(*make)(void))
{
	void *p = *head;

	if (__builtin_expect(p != NULL, 1)) {
		*head = *(void **)((char *)p + next_off);
		return p;
	}
	return make();
}

static void pool_put(void **head, void *p, size_t next_off)
{
	*(void **)((char *)p + next_off) = *head;
	*head = p;
}

#define POOL_GET(dm, list, type) ((type *)pool_get((void **)&(dm)->list, sizeof(type), offsetof(type, next_free)))
#define POOL_PUT(dm, list, type, p) pool_put((void **)&(dm)->list, (p), offsetof(type, next_free))
#define POOL_GET_MADE(dm, list, type, make) \
	((type *)pool_get_made((void **)&(dm)->list, offsetof(type, next_free), make))

static void pool_free_all(void *head, size_t next_off)
{
	while (head) {
		void *n = *(void **)((char *)head + next_off);
		free(head);
		head = n;
	}
}

/* The current time: a load when the backend lent its clock, else its call (several a piece). */
static inline uint64_t dm_now(const struct dm_core *dm)
{
	return dm->clock ? *dm->clock : dm->be.now_ns(dm->be.be);
}

void dm_set_clock(struct dm_core *dm, const uint64_t *now_ns)
{
	dm->clock = now_ns;
	dm->last_done = now_ns && !dm->hooks.bio_free ? dm->last_piece_done : NULL;
}

void dm_set_last_piece_done(struct dm_core *dm,
			    void (*fn)(void *obs, struct dm_piece *p, int error, uint64_t now_ns))
{
	dm->last_piece_done = fn;
	dm_set_clock(dm, dm->clock); /* last_done again */
}

/* ---- the engine's host interface ---- */

static unsigned long host_jiffies(void *host)
{
	struct dm_core *dm = host;
	uint64_t now = dm_now(dm);

	if (now - dm->jf_now < dm->jf_span)
		return (unsigned long)dm->jf_val;
	/* floor(now * HZ / 1e9) without overflow: now = sec * 1e9 + ns */
	uint64_t sec = now / 1000000000ULL, ns = now % 1000000000ULL;
	uint64_t k = ns * dm->hz / 1000000000ULL;
	dm->jf_val = dm->jiffies0 + sec * dm->hz + k;
	dm->jf_now = now;
	/* The value holds until the next tick: ceil((k + 1) * 1e9 / HZ) into the second, or the
	 * next second (a request arrives every few microseconds, a tick is milliseconds long). */
	uint64_t end = now + 1;
	if (dm->hz && dm->hz <= 1000000000U) {
		uint64_t tick = ((k + 1) * 1000000000ULL + dm->hz - 1) / dm->hz;
		end = sec * 1000000000ULL + (tick < 1000000000ULL ? tick : 1000000000ULL);
	}
	dm->jf_span = end - now; /* >= 1: the tick after now's */
	return (unsigned long)dm->jf_val;
}

/* A clone c of bio: every field (next_free is the pool's). */
static inline __attribute__((always_inline)) void bio_clone_fill(struct dm_bio *c,
								  const struct bio *bio)
{
	c->bio = *bio;
	c->bio.bi_bdev = BDEV_SELF;
	c->bio.map_ptr = NULL;
	c->piece = NULL;
	c->data = NULL;
	c->obs_io = 0;
}

/* host_bio_clone with an empty bio pool or a clone hook (out of line: the common path then
 * has no call, and keeps no frame). */
static __attribute__((noinline)) struct bio *host_bio_clone_slow(struct dm_core *dm, struct bio *bio)
{
	struct dm_bio *src = (struct dm_bio *)bio; /* every bio the engine sees is a dm_bio */
	struct dm_bio *c = POOL_GET(dm, free_bio, struct dm_bio);

	bio_clone_fill(c, bio);
	if (dm->hooks.clone)
		dm->hooks.clone(dm->hooks.obs, src, c);
	return &c->bio;
}

static struct bio *host_bio_clone(void *host, struct bio *bio)
{
	struct dm_core *dm = host;
	struct dm_bio *c = dm->free_bio;

	if (__builtin_expect(!c || dm->hooks.clone, 0))
		return host_bio_clone_slow(dm, bio);
	dm->free_bio = c->next_free;
	bio_clone_fill(c, bio);
	return &c->bio;
}

static void host_bio_put(void *host, struct bio *bio)
{
	struct dm_core *dm = host;
	struct dm_bio *b = (struct dm_bio *)bio;

	ASSERT(b->piece == NULL); /* only clones are put */
	if (dm->hooks.bio_free)
		dm->hooks.bio_free(dm->hooks.obs, b);
	POOL_PUT(dm, free_bio, struct dm_bio, b);
}

static void piece_done(struct dm_core *dm, struct dm_piece *p, int error);

static void host_bio_endio(void *host, struct bio *bio, int error)
{
	struct dm_core *dm = host;
	struct dm_bio *b = (struct dm_bio *)bio;

	ASSERT(b->piece);
	piece_done(dm, b->piece, error);
}

static struct dm_dio *dio_new(struct dm_core *dm, enum bio_bdev dev, enum dev_op op, uint64_t sector,
			      uint32_t nsect, struct dm_bio *data)
{
	struct dm_dio *d = POOL_GET_MADE(dm, free_dio, struct dm_dio, dio_pool_new);

	/* every field but the pool's next_free and host_ctx (dio_pool_new's), the models' own
	 * linkage included (field by field: gcc clears a compound literal of this size with rep
	 * stos, 14 more instructions); the caller sets piece, or piece, fn and context */
	d->io.op = op;
	d->io.sector = sector;
	d->io.nsect = nsect;
	d->io.submit_ns = 0;
	d->io.done_ns = 0;
	d->io.q_next = NULL;
	d->io.q_key = 0;
	d->dev = dev;
	d->data = data;
	dm->inflight_dio++;
	return d;
}

static void host_dm_io_grow(void *host, enum bio_bdev dev, uint32_t rw, sector_t sector,
			    struct bio *data, void (*fn)(unsigned long, void *), void *context);

static void host_dm_io(void *host, enum bio_bdev dev, uint32_t rw, sector_t sector, struct bio *data,
		       void (*fn)(unsigned long, void *), void *context)
{
	struct dm_core *dm = host;

	if (__builtin_expect(!dm->free_dio, 0)) { /* no call below but the backend's tail call: */
		host_dm_io_grow(host, dev, rw, sector, data, fn, context); /* no frame */
		return;
	}
	bool flush = rw & REQ_FLUSH;
	struct dm_dio *d = dio_new(dm, dev, flush ? DEV_FLUSH : DEV_WRITE, flush ? 0 : sector,
				   flush ? 0 : data->bi_sectors, (struct dm_bio *)data);

	d->piece = NULL;
	d->fn = fn;
	d->context = context;
	dm->be.submit(dm->be.be, d);
}

/* host_dm_io with an empty dio pool: one more dio in it first (out of line: host_dm_io then keeps
 * no frame, 12 instructions per call less). */
static __attribute__((noinline, cold)) void host_dm_io_grow(void *host, enum bio_bdev dev,
							    uint32_t rw, sector_t sector,
							    struct bio *data,
							    void (*fn)(unsigned long, void *),
							    void *context)
{
	struct dm_core *dm = host;

	POOL_PUT(dm, free_dio, struct dm_dio, dio_pool_new());
	host_dm_io(host, dev, rw, sector, data, fn, context);
}

static void host_queue_work(void *host)
{
	struct dm_core *dm = host;

	if (dm->work_pending)
		return;
	dm->work_pending = true;
	dm->be.queue_work(dm->be.be);
}

static void dispatch_push(struct dm_core *dm, struct dm_piece *p);
static void dispatch_drain(struct dm_core *dm);

/* generic_make_request() of a bio the engine remapped by itself (fixed mode's deferred bios). */
static void host_submit_bio(void *host, struct bio *bio)
{
	struct dm_core *dm = host;
	struct dm_bio *b = (struct dm_bio *)bio;

	ASSERT(b->piece);
	dispatch_push(dm, b->piece);
	dispatch_drain(dm);
}

static void host_decision(void *host, uint64_t seq, struct bio *bio, enum cte_match_t r, long hash,
			  long idx)
{
	struct dm_core *dm = host;
	struct dm_piece *p = bio ? ((struct dm_bio *)bio)->piece : NULL;

	if (p && !p->decided) {
		p->decided = true;
		p->outcome = r;
	}
	if (dm->hooks.decision)
		dm->hooks.decision(dm->hooks.obs, p, seq, r, hash, idx);
}

static void host_seed_crash(void *host, int q, const char *what)
{
	struct dm_core *dm = host;

	if (dm->hooks.seed_crash)
		dm->hooks.seed_crash(dm->hooks.obs, q, what);
}

static const struct ssdcache_host_ops dm_host_ops = {
	.jiffies = host_jiffies, .decision = host_decision, .seed_crash = host_seed_crash,
	.bio_clone = host_bio_clone, .bio_put = host_bio_put, .bio_endio = host_bio_endio,
	.dm_io = host_dm_io, .queue_work = host_queue_work, .submit_bio = host_submit_bio,
};

/* ---- construction ---- */

int dm_create(struct dm_core **out, const struct ssdcache_config *cfg, uint64_t cache_bytes,
	      uint64_t target_sectors, unsigned hz, uint64_t jiffies0, const struct dm_backend *be,
	      const struct dm_hooks *hooks, char *err, size_t errlen)
{
	struct dm_core *dm = calloc(1, sizeof(*dm));
	int r;

	*out = NULL;
	if (!dm) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	dm->be = *be;
	if (hooks)
		dm->hooks = *hooks;
	dm->target_sectors = target_sectors;
	dm->split_io = cfg->block_size;
	dm->hz = hz;
	dm->jiffies0 = jiffies0;
	dm->wq = ssdcache_wq_create(&dm_host_ops, dm);
	if (!dm->wq) {
		free(dm);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = ssdcache_ctr(cfg, cache_bytes, dm->wq, &dm->sc, err, errlen);
	if (r) {
		ssdcache_wq_destroy(dm->wq);
		free(dm);
		return r;
	}
	*out = dm;
	return 0;
}

void dm_destroy(struct dm_core *dm)
{
	if (!dm)
		return;
	ssdcache_dtr(dm->sc);
	ssdcache_wq_destroy(dm->wq);
	free(dm->dispatch);
	pool_free_all(dm->free_req, offsetof(struct dm_req, next_free));
	pool_free_all(dm->free_piece, offsetof(struct dm_piece, next_free));
	pool_free_all(dm->free_bio, offsetof(struct dm_bio, next_free));
	pool_free_all(dm->free_dio, offsetof(struct dm_dio, next_free));
	free(dm);
}

struct ssdcache_ctx *dm_target(struct dm_core *dm)
{
	return dm->sc;
}

uint64_t dm_pieces_mapped(const struct dm_core *dm)
{
	return dm->seq;
}

bool dm_busy(const struct dm_core *dm)
{
	return dm->inflight_req || dm->inflight_dio || dm->work_pending || ssdcache_wq_busy(dm->wq);
}

struct dm_req *dm_req_alloc(struct dm_core *dm)
{
	struct dm_req *r = POOL_GET(dm, free_req, struct dm_req);

	/* every field but the pool's next_free (the caller sets the extent, dm_submit
	 * pieces_left) */
	r->id = dm->next_req_id++;
	r->flags = 0;
	r->sector = 0;
	r->nsect = 0;
	r->arrival_ns = 0;
	r->version = 0;
	r->pieces_left = 0;
	r->error = 0;
	r->trace_latency_ns = -1;
	return r;
}

/* Always inline: into the arrival loop, with link-time optimisation (its frame and call cost
 * about 12 instructions per request); the header's declaration is a plain one. */
__attribute__((always_inline)) inline struct dm_req *dm_req_from_rec(struct dm_core *dm,
							      const struct trc_rec *rec,
							      uint64_t arrival_ns)
{
	struct dm_req *r = POOL_GET(dm, free_req, struct dm_req);

	/* dm_req_alloc's fields, the record's where it has them */
	r->id = dm->next_req_id++;
	r->flags = rec->flags;
	r->sector = rec->nsect ? rec->sector : 0; /* a flush without data has no extent */
	r->nsect = rec->nsect;
	r->arrival_ns = arrival_ns;
	r->version = 0;
	r->pieces_left = 0;
	r->error = 0;
	r->trace_latency_ns = rec->latency_ns;
	return r;
}

/* ---- splitting (dm.c __split_and_process_bio / max_io_len) ---- */

uint64_t dm_max_io_len(uint64_t sector, uint64_t target_len, uint64_t split_io)
{
	uint64_t offset = sector; /* ti->begin == 0 (Q33) */
	uint64_t len = target_len - offset;
	uint64_t boundary = ((offset + split_io) & ~(split_io - 1)) - offset;

	/* For a non-power-of-two split_io (Q21) the formula is applied literally; the mask clears
	 * fewer than split_io from offset + split_io, so boundary >= 1. */
	return len < boundary ? len : boundary;
}

/* Inlined into its callers (a call with six saved registers cost about 24 instructions per
 * request). */
static inline __attribute__((always_inline)) struct dm_piece *
piece_new(struct dm_core *dm, struct dm_req *req, char op, uint32_t rw, uint64_t sector,
	  uint32_t nsect)
{
	struct dm_piece *p = POOL_GET_MADE(dm, free_piece, struct dm_piece, piece_pool_new);

	/* every field but the pools' next_free and those the same at every use (the pools'
	 * comment); a piece is mapped right after (every caller) */
	p->b.bio.bi_sector = sector;
	p->b.bio.bi_sectors = nsect;
	p->b.bio.bi_cur_sectors = nsect; /* one segment: traces carry no page layout */
	p->b.bio.bi_rw = rw;
	/* bi_bdev, map_ptr and bi_seq: map_piece (or dm_submit_one) sets them next, before
	 * anything reads the bio */
	p->b.bio.bi_req = req->id; /* for the policies: the oracle's clock, admission by request */
	p->b.bio.bi_req_sector = req->sector;
	p->b.bio.bi_req_sectors = req->nsect;
	p->req = req;
	p->op = op;
	p->sector = sector;
	p->nsect = nsect;
	p->map_ns = dm_now(dm);
	/* last_seq: map_call's, at the first mapping (next) */
	p->outcome = 0; /* class_of reads it for an undecided piece too */
	p->decided = false;
	p->device_io = false;
	p->served_by = BDEV_SELF;
	req->pieces_left++;
	return p;
}

/* piece_free and req_finish inlined (once per piece and request: 11 instructions per request) */
static inline __attribute__((always_inline)) void
piece_free(struct dm_core *dm, struct dm_piece *p)
{
	if (dm->hooks.bio_free) {
		dm->hooks.bio_free(dm->hooks.obs, &p->b);
		/* what the observer's hooks wrote, as piece_pool_new made it */
		p->b.data = NULL;
		p->b.obs_io = 0;
		p->vsnap = NULL;
		p->obs_token = 0;
	}
	POOL_PUT(dm, free_piece, struct dm_piece, p);
}

/* a finished request back to its pool (after its req_done hook) */
static inline __attribute__((always_inline)) void
req_release(struct dm_core *dm, struct dm_req *req)
{
	dm->inflight_req--;
	POOL_PUT(dm, free_req, struct dm_req, req);
}

static inline __attribute__((always_inline)) void
req_finish(struct dm_core *dm, struct dm_req *req)
{
	if (dm->hooks.req_done)
		dm->hooks.req_done(dm->hooks.obs, req, dm_now(dm));
	req_release(dm, req);
}

/* Inlined into dm_dio_complete (once per piece there); out of line for the rarer callers. */
static inline __attribute__((always_inline)) void piece_done_inl(struct dm_core *dm,
								  struct dm_piece *p, int error)
{
	struct dm_req *req = p->req;

	if (error && !req->error)
		req->error = error;
	if (req->pieces_left == 1 && dm->last_done) {
		/* the request's last piece (dm_submit's reference is gone): piece_done, piece_free
		 * (its bio_free hook is NULL) and req_finish with the observer's two hooks in one */
		dm->last_done(dm->hooks.obs, p, error, *dm->clock);
		POOL_PUT(dm, free_piece, struct dm_piece, p);
		req->pieces_left = 0;
		req_release(dm, req);
		return;
	}
	if (dm->hooks.piece_done)
		dm->hooks.piece_done(dm->hooks.obs, p, error, dm_now(dm));
	piece_free(dm, p);
	ASSERT(req->pieces_left > 0);
	/* dm_submit holds its own count while mapping, so this cannot end a request early */
	if (--req->pieces_left == 0)
		req_finish(dm, req);
}

static void piece_done(struct dm_core *dm, struct dm_piece *p, int error)
{
	piece_done_inl(dm, p, error);
}

/* ---- mapping and the dispatch list ---- */

static void dispatch_push(struct dm_core *dm, struct dm_piece *p)
{
	if (dm->dispatch_head + dm->dispatch_nr == dm->dispatch_cap) {
		if (dm->dispatch_head) {
			memmove(dm->dispatch, dm->dispatch + dm->dispatch_head,
				dm->dispatch_nr * sizeof(*dm->dispatch));
			dm->dispatch_head = 0;
		} else {
			size_t cap = dm->dispatch_cap ? 2 * dm->dispatch_cap : 64;
			struct dm_piece **d = realloc(dm->dispatch, cap * sizeof(*d));
			ASSERT(d);
			dm->dispatch = d;
			dm->dispatch_cap = cap;
		}
	}
	dm->dispatch[dm->dispatch_head + dm->dispatch_nr++] = p;
}

/* Call the target's map for one piece (a fresh bio: new sequence number); returns the map's
 * DM_MAPIO_* or error. first: the piece's first mapping (piece_new's piece, whose last_seq is
 * not set: UINT64_MAX, "not mapped yet", only for the mapped hook to read). Inlined: once per
 * piece (7 instructions per request less than a call). */
static inline __attribute__((always_inline)) int map_call(struct dm_core *dm, struct dm_piece *p,
							  bool first)
{
	uint64_t seq = dm->seq++;

	p->b.bio.bi_seq = seq;
	p->b.bio.bi_bdev = BDEV_SELF;
	p->b.bio.map_ptr = NULL;
	if (dm->hooks.mapped) {
		if (first)
			p->last_seq = UINT64_MAX; /* not mapped yet */
		dm->hooks.mapped(dm->hooks.obs, p, seq); /* p->last_seq: the previous mapping */
	}
	p->last_seq = seq;
	return ssdcache_map(dm->sc, &p->b.bio);
}

/* Map one piece (first: map_call's) and queue what the target remapped for dispatch. */
static inline __attribute__((always_inline)) void
map_piece(struct dm_core *dm, struct dm_piece *p, bool first)
{
	int r = map_call(dm, p, first);

	if (r == DM_MAPIO_REMAPPED)
		dispatch_push(dm, p);
	else if (r < 0)
		piece_done(dm, p, r); /* dm fails the bio with the target's error (discards, Q19) */
	/* DM_MAPIO_SUBMITTED: the engine owns it (flush, WRITE_DONE, fixed-mode deferral) */
}

/* Send a remapped piece to its device. */
static inline __attribute__((always_inline)) void dispatch_issue(struct dm_core *dm,
								  struct dm_piece *p)
{
	enum dev_op op = (p->b.bio.bi_rw & REQ_DISCARD) ? DEV_DISCARD
			 : bio_data_dir(&p->b.bio) == WRITE ? DEV_WRITE : DEV_READ;
	struct dm_dio *d = dio_new(dm, p->b.bio.bi_bdev, op, p->b.bio.bi_sector,
				   p->b.bio.bi_sectors, &p->b);
	d->piece = p;
	p->device_io = true;
	p->served_by = p->b.bio.bi_bdev;
	dm->be.submit(dm->be.be, d);
}

/* dispatch_drain's loop, draining set. */
static void dispatch_loop(struct dm_core *dm)
{
	while (dm->dispatch_nr) {
		struct dm_piece *p = dm->dispatch[dm->dispatch_head++];
		dm->dispatch_nr--;
		if (p->b.bio.bi_bdev == BDEV_SELF) {
			/* still addressed to us: WRITE_CANCEL resubmission (Q9) */
			map_piece(dm, p, false);
			continue;
		}
		dispatch_issue(dm, p);
	}
	dm->dispatch_head = 0;
}

/* Drain the dispatch list in order (generic_make_request's loop over current->bio_list). */
static void dispatch_drain(struct dm_core *dm)
{
	if (dm->draining)
		return;
	dm->draining = true;
	dispatch_loop(dm);
	dm->draining = false;
}

/* The request's flags its bios carry (the trace's TRC_* as the kernel's REQ_*). */
static const struct {
	uint32_t trc, req;
} bio_flags[] = {
	{TRC_FUA, REQ_FUA},
	{TRC_SYNC, REQ_SYNC},
	{TRC_META, REQ_META},
	{TRC_AHEAD, REQ_RAHEAD},
};

/*
 * dm_submit of a request that is one piece (most of a 4 KiB workload at blocksize 8): the same
 * steps without the split loop, and a remapped piece goes to its device without the dispatch
 * list's round trip. That list is empty here and not being drained (dm_submit runs from the
 * top, and a bio the engine submits during its map is drained at once, host_submit_bio), so
 * pushing the piece and draining would issue just it, then whatever its issue queued (the
 * loop below), in the same order. A piece still addressed to us (WRITE_CANCEL) takes the
 * list, as before.
 */
static inline __attribute__((always_inline)) void dm_submit_one(struct dm_core *dm,
								  struct dm_req *req, uint32_t f)
{
	struct dm_piece *p = piece_new(dm, req, (f & TRC_WRITE) ? 'W' : 'R',
				       (f & TRC_WRITE) ? BIO_RW_WRITE : 0, req->sector, req->nsect);
	int r = map_call(dm, p, true); /* map_piece, with the remapped piece's dispatch folded in */

	if (r == DM_MAPIO_REMAPPED) {
		if (!dm->draining && !dm->dispatch_nr && p->b.bio.bi_bdev != BDEV_SELF) {
			dm->draining = true;
			dispatch_issue(dm, p);
			if (dm->dispatch_nr)
				dispatch_loop(dm);
			dm->draining = false;
		} else {
			dispatch_push(dm, p);
		}
	} else if (r < 0) {
		piece_done(dm, p, r);
	}
	if (dm->dispatch_nr)
		dispatch_drain(dm);
	if (--req->pieces_left == 0)
		req_finish(dm, req);
}

/* dm_submit of a request that is not one plain piece (out of line). */
static __attribute__((noinline)) void dm_submit_split(struct dm_core *dm, struct dm_req *req)
{
	uint32_t f = req->flags;
	uint32_t data_rw = (f & TRC_WRITE) ? BIO_RW_WRITE : 0;

	if (f & (TRC_FUA | TRC_SYNC | TRC_META | TRC_AHEAD)) /* most requests carry none */
		for (size_t i = 0; i < sizeof(bio_flags) / sizeof(bio_flags[0]); i++)
			if (f & bio_flags[i].trc)
				data_rw |= bio_flags[i].req;

	if (f & TRC_DISCARD) {
		/* one piece: dm 3.1 does not split discards */
		map_piece(dm, piece_new(dm, req, 'D',
					BIO_RW_WRITE | REQ_DISCARD | ((f & TRC_SECURE) ? REQ_SECURE : 0),
					req->sector, req->nsect), true);
	} else {
		if (f & TRC_FLUSH) {
			/* the empty flush clone: sector 0, size 0 (num_flush_requests = 1) */
			struct dm_piece *p = piece_new(dm, req, 'F', BIO_RW_WRITE | REQ_FLUSH, 0, 0);
			map_piece(dm, p, true);
		}
		for (uint64_t s = req->sector, left = req->nsect; left;) {
			uint64_t len = dm_max_io_len(s, dm->target_sectors, dm->split_io);
			if (len > left)
				len = left;
			struct dm_piece *p = piece_new(dm, req, (f & TRC_WRITE) ? 'W' : 'R', data_rw, s,
						       (uint32_t)len);
			map_piece(dm, p, true);
			s += len;
			left -= len;
		}
	}
	/* every piece is mapped: now the dispatch list is drained, at the same instant */
	dispatch_drain(dm);
	if (--req->pieces_left == 0)
		req_finish(dm, req);
}

/* Always inline, with dm_submit_one: into the arrival loop, with link-time optimisation (the
 * call and its frame cost about 19 instructions per request); the rest is dm_submit_split's.
 * The header's declaration is a plain one. */
__attribute__((always_inline)) inline void dm_submit(struct dm_core *dm, struct dm_req *req)
{
	uint32_t f = req->flags;

	dm->inflight_req++;
	req->pieces_left = 1; /* dm's own reference until every piece is mapped */
	if (!(f & (TRC_DISCARD | TRC_FLUSH | TRC_FUA | TRC_SYNC | TRC_META | TRC_AHEAD)) && req->nsect &&
	    req->nsect <= dm_max_io_len(req->sector, dm->target_sectors, dm->split_io))
		dm_submit_one(dm, req, f);
	else
		dm_submit_split(dm, req);
}

/* A primary dio's completion: its piece's endio and end (out of line: its frame is the
 * piece's alone, a secondary dio's completion keeps none). */
static __attribute__((noinline)) void dio_complete_piece(struct dm_core *dm, struct dm_dio *d,
							 int error)
{
	struct dm_piece *p = d->piece;
	int status = error;

	POOL_PUT(dm, free_dio, struct dm_dio, d);
	if (p->b.bio.map_ptr)
		status = ssdcache_endio(dm->sc, &p->b.bio, error);
	piece_done_inl(dm, p, status);
}

/* dm_dio_complete after its dio_done hook (if any). */
static inline __attribute__((always_inline)) void dio_complete(struct dm_core *dm,
								struct dm_dio *d, int error)
{
	dm->inflight_dio--;
	if (d->piece) {
		dio_complete_piece(dm, d, error);
	} else {
		void (*fn)(unsigned long, void *) = d->fn;
		void *ctx = d->context;
		POOL_PUT(dm, free_dio, struct dm_dio, d);
		fn(error ? 1UL : 0UL, ctx);
	}
}

/* dm_dio_complete with a dio_done hook (out of line: the call needs a frame). */
static __attribute__((noinline)) void dio_complete_hooked(struct dm_core *dm, struct dm_dio *d,
							  int error)
{
	dm->hooks.dio_done(dm->hooks.obs, d, dm_now(dm));
	dio_complete(dm, d, error);
}

/* Without a dio_done hook no frame: two tail calls (the piece's, or the dm_io's callback). */
void dm_dio_complete(struct dm_core *dm, struct dm_dio *d, int error)
{
	if (__builtin_expect(dm->hooks.dio_done != NULL, 0)) {
		dio_complete_hooked(dm, d, error);
		return;
	}
	dio_complete(dm, d, error);
}

void dm_run_worker(struct dm_core *dm)
{
	dm->work_pending = false; /* a run clears "pending" first: docs/engine.md §0.4 rule 4 */
	process_sio(dm->wq);
}
