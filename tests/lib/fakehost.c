// SPDX-License-Identifier: GPL-2.0
/* fakehost.c - the engine's host ops, a clock the test sets and I/O the test completes (cmocka). */
#include "tests/lib/fakehost.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A runaway loop (a piece remapped forever, a worker that keeps queueing itself) is a failure
 * of the engine's contract, not something to wait for. */
#define FH_MAX_STEPS 100000

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? 2 * *cap : 16;
	p = realloc(p, *cap * size);
	assert_non_null(p);
	return p;
}

/* Every bio the engine hands back is a piece or a clone of one; bi_private names the piece. */
static struct fh_piece *origin(struct bio *bio)
{
	return bio->bi_private;
}

static bool is_piece(struct bio *bio)
{
	return (struct bio *)origin(bio) == bio;
}

static void log_add(struct fakehost *fh, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(fh->log + fh->loglen, sizeof(fh->log) - fh->loglen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(fh->log) - fh->loglen)
		fail_msg("fakehost: decision log full");
	fh->loglen += (size_t)n;
}

static struct fh_io *io_new(struct fakehost *fh, enum fh_io_kind kind, enum bio_bdev dev, char op,
			    sector_t sector, uint32_t nsect, struct fh_piece *p)
{
	struct fh_io *io = calloc(1, sizeof(*io));

	assert_non_null(io);
	if (dev != BDEV_CACHE && dev != BDEV_TARGET)
		fail_msg("fakehost: I/O of piece %u addressed to device %d", p ? p->id : 0,
			 (int)dev);
	fh->ios = grow(fh->ios, &fh->cap_ios, fh->nios, sizeof(*fh->ios));
	fh->ios[fh->nios++] = io;
	io->id = (unsigned)fh->nios;
	io->kind = kind;
	io->dev = dev;
	io->op = op;
	io->sector = sector;
	io->nsect = nsect;
	io->piece = p;
	return io;
}

/* ---- the host ops ---- */

static unsigned long h_jiffies(void *host)
{
	return ((struct fakehost *)host)->jiffies;
}

static struct bio *h_bio_clone(void *host, struct bio *bio)
{
	struct fakehost *fh = host;
	struct bio *c = malloc(sizeof(*c));

	assert_non_null(c);
	*c = *bio; /* same sector, size, flags; bi_private still names the piece */
	c->bi_bdev = BDEV_SELF;
	c->map_ptr = NULL;
	fh->live_clones++;
	return c;
}

static void h_bio_put(void *host, struct bio *clone)
{
	struct fakehost *fh = host;

	if (is_piece(clone))
		fail_msg("fakehost: bio_put of piece %u, which is not a clone", origin(clone)->id);
	fh->live_clones--;
	free(clone);
}

static void piece_done(struct fakehost *fh, struct fh_piece *p, int status)
{
	(void)fh;
	if (p->done)
		fail_msg("fakehost: piece %u completed twice", p->id);
	p->done = true;
	p->status = status;
}

static void h_bio_endio(void *host, struct bio *bio, int error)
{
	struct fakehost *fh = host;

	if (!is_piece(bio))
		fail_msg("fakehost: bio_endio of a clone of piece %u", origin(bio)->id);
	fh->endio_calls++;
	piece_done(fh, origin(bio), error);
}

static void h_dm_io(void *host, enum bio_bdev dev, uint32_t rw, sector_t sector, struct bio *data,
		    void (*fn)(unsigned long, void *), void *context)
{
	struct fakehost *fh = host;
	bool flush = rw & REQ_FLUSH;
	struct fh_io *io = io_new(fh, FH_SECONDARY, dev, flush ? 'F' : 'W', flush ? 0 : sector,
				  flush ? 0 : data->bi_sectors, origin(data));

	io->fn = fn;
	io->context = context;
}

static void h_queue_work(void *host)
{
	struct fakehost *fh = host;

	fh->queue_work_calls++;
	fh->work_pending = true;
}

static void h_submit_bio(void *host, struct bio *bio)
{
	struct fakehost *fh = host;

	if (!is_piece(bio))
		fail_msg("fakehost: submit_bio of a clone of piece %u", origin(bio)->id);
	fh->submit_bio_calls++;
	origin(bio)->map_ret = DM_MAPIO_REMAPPED;
	fh_dispatch(fh, origin(bio));
}

static void h_decision(void *host, uint64_t seq, struct bio *bio, enum cte_match_t r, long hash,
		       long idx)
{
	struct fakehost *fh = host;
	struct fh_piece *p = bio ? origin(bio) : NULL;

	(void)seq;
	if (!p) {
		log_add(fh, "%sw:%s", fh->loglen ? " " : "", cte_match_name(r));
		return;
	}
	if (!p->ndecisions++)
		p->first = r;
	p->last = r;
	p->hash = hash;
	p->idx = idx;
	log_add(fh, "%s%u:%s", fh->loglen ? " " : "", p->id, cte_match_name(r));
}

static void h_seed_crash(void *host, int q, const char *what)
{
	struct fakehost *fh = host;

	(void)what;
	fh->seed_crashes++;
	fh->last_crash_quirk = q;
}

static const struct ssdcache_host_ops fh_ops = {
	.jiffies = h_jiffies, .queue_work = h_queue_work,
	.bio_clone = h_bio_clone, .bio_put = h_bio_put, .bio_endio = h_bio_endio,
	.dm_io = h_dm_io, .submit_bio = h_submit_bio,
	.decision = h_decision, .seed_crash = h_seed_crash,
};

/* ---- construction ---- */

struct fakehost *fh_create(const char *table, quirk_set fixed, uint64_t cache_bytes, char *err,
			   size_t errlen)
{
	struct ssdcache_config cfg;
	struct fakehost *fh;

	ssdcache_config_init(&cfg);
	cfg.fixed = fixed;
	if (ssdcache_parse_table(&cfg, table, err, errlen, NULL, NULL) ||
	    ssdcache_check_config(&cfg, err, errlen))
		return NULL;
	fh = calloc(1, sizeof(*fh));
	if (!fh) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	fh->wq = ssdcache_wq_create(&fh_ops, fh);
	if (!fh->wq || ssdcache_ctr(&cfg, cache_bytes, fh->wq, &fh->sc, err, errlen)) {
		ssdcache_wq_destroy(fh->wq);
		free(fh);
		return NULL;
	}
	return fh;
}

static struct fh_io *oldest_pending(const struct fakehost *fh)
{
	for (size_t i = 0; i < fh->nios; i++)
		if (!fh->ios[i]->done)
			return fh->ios[i];
	return NULL;
}

void fh_drain(struct fakehost *fh)
{
	struct fh_io *io;

	for (unsigned step = 0;; step++) {
		if (step == FH_MAX_STEPS)
			fail_msg("fakehost: the engine does not drain");
		if (fh->work_pending)
			fh_run_worker(fh);
		else if ((io = oldest_pending(fh)))
			fh_complete(fh, io, 0);
		else
			break;
	}
}

void fh_destroy(struct fakehost *fh)
{
	if (!fh)
		return;
	fh_drain(fh);
	ssdcache_dtr(fh->sc);
	ssdcache_wq_destroy(fh->wq);
	for (size_t i = 0; i < fh->npieces; i++)
		free(fh->pieces[i]);
	for (size_t i = 0; i < fh->nios; i++)
		free(fh->ios[i]);
	free(fh->pieces);
	free(fh->ios);
	free(fh);
}

void fh_set_jiffies(struct fakehost *fh, unsigned long j)
{
	fh->jiffies = j;
}

void fh_tick(struct fakehost *fh, unsigned long n)
{
	fh->jiffies += n;
}

/* ---- pieces ---- */

static int map_once(struct fakehost *fh, struct fh_piece *p)
{
	p->bio.bi_seq = fh->seq++;
	p->bio.bi_bdev = BDEV_SELF;
	p->bio.map_ptr = NULL;
	p->maps++;
	return p->map_ret = ssdcache_map(fh->sc, &p->bio);
}

struct fh_piece *fh_map(struct fakehost *fh, char rw, sector_t sector, uint32_t nsect)
{
	struct fh_piece *p = calloc(1, sizeof(*p));
	uint32_t bi_rw;

	assert_non_null(p);
	switch (rw) {
	case 'R':
		bi_rw = 0;
		break;
	case 'W':
		bi_rw = BIO_RW_WRITE;
		break;
	case 'F':
		/* dm's empty flush clone: sector 0, no data */
		bi_rw = BIO_RW_WRITE | REQ_FLUSH;
		sector = 0;
		nsect = 0;
		break;
	case 'D':
		bi_rw = BIO_RW_WRITE | REQ_DISCARD;
		break;
	default:
		free(p);
		fail_msg("fakehost: unknown piece type '%c'", rw);
		return NULL;
	}
	fh->pieces = grow(fh->pieces, &fh->cap_pieces, fh->npieces, sizeof(*fh->pieces));
	fh->pieces[fh->npieces++] = p;
	p->id = (unsigned)fh->npieces;
	p->op = rw;
	p->hash = p->idx = -1;
	p->bio.bi_sector = sector;
	p->bio.bi_sectors = nsect;
	p->bio.bi_cur_sectors = nsect; /* one segment */
	p->bio.bi_rw = bi_rw;
	p->bio.bi_req = p->id - 1;
	p->bio.bi_req_sector = sector;
	p->bio.bi_req_sectors = nsect;
	p->bio.bi_private = p;
	map_once(fh, p);
	return p;
}

/* dm after map: REMAPPED goes to bi_bdev (or is mapped again while it still names the dm
 * device, Q9); an error fails the piece; SUBMITTED leaves it to the engine. */
void fh_dispatch(struct fakehost *fh, struct fh_piece *p)
{
	for (unsigned step = 0; p->map_ret == DM_MAPIO_REMAPPED && p->bio.bi_bdev == BDEV_SELF;
	     step++) {
		if (step == FH_MAX_STEPS)
			fail_msg("fakehost: piece %u is remapped to the dm device forever", p->id);
		map_once(fh, p);
	}
	if (p->map_ret < 0) {
		piece_done(fh, p, p->map_ret);
	} else if (p->map_ret == DM_MAPIO_REMAPPED) {
		char op = (p->bio.bi_rw & REQ_DISCARD) ? 'D'
			  : bio_data_dir(&p->bio) == WRITE ? 'W'
							   : 'R';
		p->io = io_new(fh, FH_PRIMARY, p->bio.bi_bdev, op, p->bio.bi_sector,
			       p->bio.bi_sectors, p);
	}
}

struct fh_piece *fh_submit(struct fakehost *fh, char rw, sector_t sector, uint32_t nsect)
{
	struct fh_piece *p = fh_map(fh, rw, sector, nsect);

	fh_dispatch(fh, p);
	return p;
}

/* ---- completions and the worker ---- */

void fh_complete(struct fakehost *fh, struct fh_io *io, int error)
{
	if (!io)
		fail_msg("fakehost: no such I/O outstanding (pending: %s)", fh_pending(fh));
	if (io->done)
		fail_msg("fakehost: I/O %u completed twice", io->id);
	io->done = true;
	if (io->kind == FH_PRIMARY) {
		struct fh_piece *p = io->piece;
		int status = error;
		if (p->bio.map_ptr)
			status = ssdcache_endio(fh->sc, &p->bio, error);
		piece_done(fh, p, status);
	} else {
		io->fn(error ? 1UL : 0UL, io->context);
	}
}

struct fh_io *fh_primary(struct fakehost *fh, const struct fh_piece *p)
{
	(void)fh;
	return p->io && !p->io->done ? p->io : NULL;
}

struct fh_io *fh_secondary(struct fakehost *fh, enum bio_bdev dev, const struct fh_piece *p)
{
	for (size_t i = 0; i < fh->nios; i++) {
		struct fh_io *io = fh->ios[i];
		if (!io->done && io->kind == FH_SECONDARY && io->op == 'W' && io->dev == dev &&
		    io->piece == p)
			return io;
	}
	return NULL;
}

struct fh_io *fh_flush(struct fakehost *fh, enum bio_bdev dev)
{
	for (size_t i = 0; i < fh->nios; i++) {
		struct fh_io *io = fh->ios[i];
		if (!io->done && io->op == 'F' && io->dev == dev)
			return io;
	}
	return NULL;
}

unsigned fh_npending(const struct fakehost *fh)
{
	unsigned n = 0;

	for (size_t i = 0; i < fh->nios; i++)
		n += !fh->ios[i]->done;
	return n;
}

void fh_run_worker(struct fakehost *fh)
{
	fh->work_pending = false; /* a run started clears "pending" first (docs/engine.md) */
	fh->worker_runs++;
	process_sio(fh->wq);
}

/* ---- observation ---- */

const char *fh_log(const struct fakehost *fh)
{
	return fh->log;
}

void fh_log_reset(struct fakehost *fh)
{
	fh->log[0] = '\0';
	fh->loglen = 0;
}

struct ssdcache_counters fh_counters(struct fakehost *fh)
{
	struct ssdcache_counters c;

	ssdcache_get_counters(fh->sc, &c);
	return c;
}

/* Offsets set in a 256-bit map as runs: "0-7,12", or "-". */
static size_t runs(char *out, size_t len, const uint64_t w[4])
{
	size_t n = 0;
	bool any = false;

	for (unsigned o = 0; o < 256;) {
		if (!((w[o / 64] >> (o % 64)) & 1)) {
			o++;
			continue;
		}
		unsigned e = o;
		while (e + 1 < 256 && ((w[(e + 1) / 64] >> ((e + 1) % 64)) & 1))
			e++;
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, e > o ? "%s%u-%u" : "%s%u",
				      any ? "," : "", o, e);
		any = true;
		o = e + 1;
	}
	if (!any)
		n += (size_t)snprintf(out + n, n < len ? len - n : 0, "-");
	return n;
}

const char *fh_cte(struct fakehost *fh, unsigned long hash, int slot)
{
	struct ssdcache_cte_view v;
	char c[256], t[256], b[256];

	if (ssdcache_peek_cte(fh->sc, hash, slot, &v))
		return "nocmd";
	if (!v.present)
		return "empty";
	runs(c, sizeof(c), v.clean);
	runs(t, sizeof(t), v.target_busy);
	runs(b, sizeof(b), v.cache_busy);
	snprintf(fh->buf, sizeof(fh->buf),
		 "sector=%lu clean=%s tbusy=%s cbusy=%s count=%lu atime=%lu", v.sector, c, t, b,
		 v.count, v.atime);
	return fh->buf;
}

const char *fh_pending(struct fakehost *fh)
{
	size_t n = 0;

	fh->buf[0] = '\0';
	for (size_t i = 0; i < fh->nios && n < sizeof(fh->buf); i++) {
		const struct fh_io *io = fh->ios[i];
		if (io->done)
			continue;
		n += (size_t)snprintf(fh->buf + n, sizeof(fh->buf) - n, "%s%c.%c %llu+%u p%u%s",
				      n ? ", " : "", io->dev == BDEV_CACHE ? 'C' : 'T', io->op,
				      (unsigned long long)io->sector, io->nsect,
				      io->piece ? io->piece->id : 0,
				      io->kind == FH_SECONDARY ? "*" : "");
	}
	return fh->buf;
}
