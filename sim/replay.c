// SPDX-License-Identifier: GPL-2.0
/* replay.c - the same engine and dm core over real devices (files or block devices), with io_uring. */
#include "sim/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <liburing.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "engine/assert.h"
#include "sim/base/errclass.h"
#include "sim/devprobe.h"
#include "sim/dmcore.h"
#include "sim/latstat.h"
#include "sim/observe.h"
#include "sim/replay_dev.h"
#include "sim/replay_sector.h"
#include "sim/trace_desc.h"
#include "sim/replay_verify.h"
#include "sim/replay_wake.h"

/*
 * The backend of struct dm_backend for real devices. Every dm_dio becomes one io_uring request
 * at offset sector * 512 of the cache or target file; its completion calls dm_dio_complete().
 * Time is CLOCK_MONOTONIC since the start of the replay. Data is not what the trace's
 * application wrote (a trace carries none): writes send a fixed pattern (RSEC_UNVERIFIED
 * sectors), reads land in a
 * scratch buffer; what is measured is the devices' timing under the engine's I/O. With
 * --verify every bio carries real, self-describing data instead (replay_verify.h).
 */
#define RING_DEPTH 256
#define WAKE_POLL_NS 25000 /* polled at least after a wake-up (replay_wake.h: how early) */
#define LATE_NS 1000000 /* a request late by more than this is "late" */
#define STALL_NS 100000 /* an io_uring_submit this long blocked in the kernel's issue path */

struct replay {
	const struct replay_config *rc;
	struct io_uring ring;
	bool ring_ok;
	struct rdev dev[3];   /* by enum bio_bdev: [BDEV_TARGET], [BDEV_CACHE] */
	void *wbuf, *rbuf;    /* one piece at most: the block size */
	size_t buf_bytes;
	/* registered with the ring (fewer per-I/O lookups and page pins, as fio does):
	 * fixed_file[dev] is the index of dev's fd, or -1; fixed_bufs: wbuf is buffer 0,
	 * rbuf buffer 1. Either falls back to the plain calls when the kernel refuses. */
	int fixed_file[3];
	bool fixed_bufs;
	uint64_t t0_ns;
	double wake_ns;       /* how early a timed wait ends before an arrival (replay_wake.h) */
	uint64_t queued;      /* SQEs prepared, not submitted */
	uint64_t inflight;
	uint64_t worker_due;  /* 0: no worker run pending */
	struct dm_core *dm;
	struct observer *obs;
	struct dm_hooks inner; /* the observer's hooks, called first by ours */
	struct rverify *ver;   /* --verify, else NULL */
	gsl_rng *rng;          /* --inject */
	uint64_t injected;
	struct latstat *lag;
	uint64_t late;
	uint64_t submit_stalls, submit_max_ns; /* io_uring_submit calls > STALL_NS, the longest */
	uint64_t dev_reads[3], dev_writes[3], dev_other[3], dev_bytes_read[3], dev_bytes_written[3];
	/* measured busy time: at least one I/O outstanding on the device */
	uint64_t dev_inflight[3], busy_since[3], busy_ns[3], last_change[3];
	double qd_area[3];
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t be_now(void *arg)
{
	struct replay *rp = arg;

	return mono_ns() - rp->t0_ns;
}

static struct io_uring_sqe *get_sqe(struct replay *rp);

/* Busy time and the time-averaged queue depth, as sim/device.c keeps them for models. */
static void dev_busy(struct replay *rp, enum bio_bdev dev, int delta)
{
	uint64_t now = be_now(rp);

	rp->qd_area[dev] += (double)rp->dev_inflight[dev] * (double)(now - rp->last_change[dev]);
	rp->last_change[dev] = now;
	if (delta > 0 && rp->dev_inflight[dev]++ == 0)
		rp->busy_since[dev] = now;
	if (delta < 0 && --rp->dev_inflight[dev] == 0)
		rp->busy_ns[dev] += now - rp->busy_since[dev];
}

/* --inject corrupt-cache-read=P: flip one byte of what a read from the cache returned. A read
 * that raced a write of the same sectors is left alone: a bad sector there is taken for a tear
 * (verify.torn), so every injected corruption lands where the verifier must call it corrupt. */
static void maybe_inject(struct replay *rp, struct dm_dio *d)
{
	unsigned char *buf = rverify_buf(d->data);
	uint64_t len = (uint64_t)d->io.nsect * 512;

	if (!rp->rng || !buf || !len || gsl_rng_uniform(rp->rng) >= rp->rc->inject_cache_read ||
	    rverify_dio_racing(rp->ver, d))
		return;
	buf[gsl_rng_uniform_int(rp->rng, len)] ^= (unsigned char)(1 + gsl_rng_uniform_int(rp->rng, 255));
	rp->injected++;
}

static void be_submit(void *arg, struct dm_dio *d)
{
	struct replay *rp = arg;
	int fd = rp->dev[d->dev].fd;
	uint64_t off = d->io.sector * 512, len = (uint64_t)d->io.nsect * 512;
	void *vbuf = rp->ver ? rverify_buf(d->data) : NULL;
	struct io_uring_sqe *sqe;

	ASSERT(len <= rp->buf_bytes);
	if (d->io.op == DEV_DISCARD) {
		/* discards are only sent with Q19 fixed; here they complete at once */
		dm_dio_complete(rp->dm, d, 0);
		return;
	}
	sqe = get_sqe(rp);
	dev_busy(rp, d->dev, +1);
	bool fixed = rp->fixed_file[d->dev] >= 0, fbuf = rp->fixed_bufs && !vbuf;
	if (fixed)
		fd = rp->fixed_file[d->dev];
	if (d->io.op == DEV_READ || d->io.op == DEV_WRITE) {
		bool w = d->io.op == DEV_WRITE;
		void *buf = vbuf ? vbuf : w ? rp->wbuf : rp->rbuf;

		/* fbuf: buf is a registered buffer, wbuf index 0 and rbuf index 1 */
		if (fbuf && w)
			io_uring_prep_write_fixed(sqe, fd, buf, (unsigned)len, off, 0);
		else if (fbuf)
			io_uring_prep_read_fixed(sqe, fd, buf, (unsigned)len, off, 1);
		else if (w)
			io_uring_prep_write(sqe, fd, buf, (unsigned)len, off);
		else
			io_uring_prep_read(sqe, fd, buf, (unsigned)len, off);
		(w ? rp->dev_writes : rp->dev_reads)[d->dev]++;
		(w ? rp->dev_bytes_written : rp->dev_bytes_read)[d->dev] += len;
	} else { /* DEV_FLUSH (Q18 fixed) */
		io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
		rp->dev_other[d->dev]++;
	}
	if (fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	rverify_dio_submit(rp->ver, d);
	io_uring_sqe_set_data(sqe, d);
	rp->queued++;
	rp->inflight++;
}

static void be_queue_work(void *arg)
{
	struct replay *rp = arg;
	uint64_t due = be_now(rp) + rp->rc->sim.wq_delay_ns;

	if (!rp->worker_due || due < rp->worker_due)
		rp->worker_due = due ? due : 1;
}

/* One completion, already marked seen (its fields copied out). */
static void reap_one(struct replay *rp, struct dm_dio *d, int res)
{
	uint64_t want = d->io.op == DEV_FLUSH ? 0 : (uint64_t)d->io.nsect * 512;

	rp->inflight--;
	dev_busy(rp, d->dev, -1);
	if (res >= 0 && (uint64_t)res != want && d->io.op != DEV_FLUSH)
		res = -EIO; /* a short transfer: past the end of a file */
	rverify_dio_done(rp->ver, d);
	if (res >= 0 && d->dev == BDEV_CACHE && d->io.op == DEV_READ)
		maybe_inject(rp, d);
	dm_dio_complete(rp->dm, d, res < 0 ? res : 0);
}

static void reap(struct replay *rp, struct io_uring_cqe *cqe)
{
	struct dm_dio *d = io_uring_cqe_get_data(cqe);
	int res = cqe->res;

	io_uring_cqe_seen(&rp->ring, cqe);
	reap_one(rp, d, res);
}

/* Every completion there, in batches: one ring-head update per batch, not per CQE. The CQEs
 * are copied out and released before any is handled (a handler may submit, never reap). */
static void reap_all(struct replay *rp)
{
	struct io_uring_cqe *cqes[32];
	struct dm_dio *d[32];
	int res[32];
	unsigned n;

	while ((n = io_uring_peek_batch_cqe(&rp->ring, cqes, 32)) > 0) {
		for (unsigned i = 0; i < n; i++) {
			d[i] = io_uring_cqe_get_data(cqes[i]);
			res[i] = cqes[i]->res;
		}
		io_uring_cq_advance(&rp->ring, n);
		for (unsigned i = 0; i < n; i++)
			reap_one(rp, d[i], res[i]);
	}
}

/* io_uring_submit, timed: the kernel issues each I/O inline, and when the device's queue is
 * congested (other processes on the same disk) that call blocks, and every arrival due
 * meanwhile is late: the replay counts such stalls, so that lag can be told from load. */
static void submit_timed(struct replay *rp)
{
	uint64_t t = mono_ns();
	int n = io_uring_submit(&rp->ring);

	ASSERT(n >= 0);
	rp->queued = 0;
	t = mono_ns() - t;
	rp->submit_stalls += t > STALL_NS;
	rp->submit_max_ns = t > rp->submit_max_ns ? t : rp->submit_max_ns;
}

/* Submit what is queued; reap every completion that is there. */
static void pump(struct replay *rp)
{
	if (rp->queued)
		submit_timed(rp);
	reap_all(rp);
}

static struct io_uring_sqe *get_sqe(struct replay *rp)
{
	struct io_uring_sqe *sqe;

	/* A full submission queue empties when it is submitted. Completions are not reaped here:
	 * this runs inside an engine handler, which must not see another event before it ends. */
	while (!(sqe = io_uring_get_sqe(&rp->ring)))
		submit_timed(rp);
	return sqe;
}

/* A timed wait asked to end at `wake` has ended: move wake_ns towards the lateness quantile. */
static void wake_learn(struct replay *rp, uint64_t wake)
{
	uint64_t now = be_now(rp);

	rp->wake_ns = rwake_update(rp->wake_ns, now > wake ? now - wake : 0);
}

/* Wait at most until `until` (replay time), or for one completion. */
static void wait_some(struct replay *rp, uint64_t until)
{
	struct io_uring_cqe *cqe;
	uint64_t now = be_now(rp);

	if (rp->queued)
		pump(rp);
	if (until <= now && until)
		return;
	if (until && until - now < (uint64_t)rp->wake_ns + WAKE_POLL_NS) {
		/* the last microseconds before an arrival are spent polling, so that it leaves
		 * on time */
		while (be_now(rp) < until && io_uring_peek_cqe(&rp->ring, &cqe) != 0)
			;
		pump(rp);
		return;
	}
	uint64_t wake = until ? until - (uint64_t)rp->wake_ns : 0;
	if (!rp->inflight) {
		if (wake > now) {
			struct timespec ts = {(time_t)((wake - now) / 1000000000ULL),
					      (long)((wake - now) % 1000000000ULL)};
			nanosleep(&ts, NULL);
			wake_learn(rp, wake);
		}
		return;
	}
	if (wake) {
		struct __kernel_timespec ts = {(long long)((wake - now) / 1000000000ULL),
					       (long long)((wake - now) % 1000000000ULL)};
		int w = io_uring_wait_cqe_timeout(&rp->ring, &cqe, &ts);
		if (w == 0)
			reap(rp, cqe);
		else if (w == -ETIME)
			wake_learn(rp, wake);
	} else if (io_uring_wait_cqe(&rp->ring, &cqe) == 0) {
		reap(rp, cqe);
	}
	pump(rp);
}

static void run_worker_if_due(struct replay *rp)
{
	if (rp->worker_due && be_now(rp) >= rp->worker_due) {
		rp->worker_due = 0;
		dm_run_worker(rp->dm);
	}
}

/* The hooks dm calls: the observer's first, then the data verifier's. */
static void h_mapped(void *a, struct dm_piece *p, uint64_t seq)
{
	struct replay *rp = a;

	if (rp->inner.mapped)
		rp->inner.mapped(rp->inner.obs, p, seq);
	rverify_mapped(rp->ver, p);
}

static void h_decision(void *a, struct dm_piece *p, uint64_t seq, enum cte_match_t r, long hash, long idx)
{
	struct replay *rp = a;

	if (rp->inner.decision)
		rp->inner.decision(rp->inner.obs, p, seq, r, hash, idx);
}

static void h_clone(void *a, struct dm_bio *src, struct dm_bio *clone)
{
	struct replay *rp = a;

	if (rp->inner.clone)
		rp->inner.clone(rp->inner.obs, src, clone);
	rverify_clone(rp->ver, src, clone);
}

static void h_bio_free(void *a, struct dm_bio *b)
{
	struct replay *rp = a;

	if (rp->inner.bio_free)
		rp->inner.bio_free(rp->inner.obs, b);
	rverify_bio_free(rp->ver, b);
}

static void h_dio_done(void *a, struct dm_dio *d, uint64_t now)
{
	struct replay *rp = a;

	if (rp->inner.dio_done)
		rp->inner.dio_done(rp->inner.obs, d, now);
}

static void h_piece_done(void *a, struct dm_piece *p, int error, uint64_t now)
{
	struct replay *rp = a;

	if (rp->inner.piece_done)
		rp->inner.piece_done(rp->inner.obs, p, error, now);
	rverify_piece_done(rp->ver, p, error, now);
}

static void h_req_done(void *a, struct dm_req *r, uint64_t now)
{
	struct replay *rp = a;

	rverify_req_done(rp->ver, r);
	if (rp->inner.req_done)
		rp->inner.req_done(rp->inner.obs, r, now);
}

static void h_seed_crash(void *a, int q, const char *what)
{
	struct replay *rp = a;

	if (rp->inner.seed_crash)
		rp->inner.seed_crash(rp->inner.obs, q, what);
}

/* Registered files and buffers: optional (an old kernel, a locked-memory limit), never an error. */
static void register_with_ring(struct replay *rp)
{
	int fds[2] = {rp->dev[BDEV_CACHE].fd, rp->dev[BDEV_TARGET].fd};
	struct iovec iov[2] = {{rp->wbuf, rp->buf_bytes}, {rp->rbuf, rp->buf_bytes}};

	for (int i = 0; i < 3; i++)
		rp->fixed_file[i] = -1;
	if (io_uring_register_files(&rp->ring, fds, 2) == 0) {
		rp->fixed_file[BDEV_CACHE] = 0;
		rp->fixed_file[BDEV_TARGET] = 1;
	}
	rp->fixed_bufs = io_uring_register_buffers(&rp->ring, iov, 2) == 0;
}

static void replay_free(struct replay *rp)
{
	dm_destroy(rp->dm);
	obs_free(rp->obs);
	if (rp->ring_ok)
		io_uring_queue_exit(&rp->ring);
	for (int i = 0; i < 3; i++)
		rdev_close(&rp->dev[i]);
	rverify_free(rp->ver);
	if (rp->rng)
		gsl_rng_free(rp->rng);
	latstat_free(rp->lag);
	free(rp->wbuf);
	free(rp->rbuf);
}

static void fill_dev_stats(const struct replay *rp, enum bio_bdev which, uint64_t end, struct dev_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->nr_reads = rp->dev_reads[which];
	out->nr_writes = rp->dev_writes[which];
	out->nr_other = rp->dev_other[which];
	out->bytes_read = rp->dev_bytes_read[which];
	out->bytes_written = rp->dev_bytes_written[which];
	out->busy_ns = rp->busy_ns[which];
	out->mean_queue_depth = end ? rp->qd_area[which] / (double)end : 0;
}

/* The counters at now (the warm-up point): the I/O in service so far counts up to now. */
static void dev_snap(void *arg, uint64_t now, struct obs_dev_snap out[2])
{
	const struct replay *rp = arg;
	static const enum bio_bdev which[2] = {BDEV_CACHE, BDEV_TARGET};

	for (int i = 0; i < 2; i++) {
		enum bio_bdev w = which[i];
		uint64_t since = now > rp->last_change[w] ? now - rp->last_change[w] : 0;

		fill_dev_stats(rp, w, now, &out[i].st);
		out[i].qd_area_ns = rp->qd_area[w] + (double)rp->dev_inflight[w] * (double)since;
		if (rp->dev_inflight[w] && now > rp->busy_since[w])
			out[i].st.busy_ns += now - rp->busy_since[w];
	}
}

static void warn_fn(void *arg, const char *msg)
{
	const struct sim_config *cfg = arg;

	if (cfg->warn)
		cfg->warn(cfg->warn_arg, msg);
}

static int open_devices(struct replay *rp, char *err, size_t errlen)
{
	const struct replay_config *rc = rp->rc;
	struct stat a, b;
	int r;

	if (stat(rc->cache_path, &a) == 0 && stat(rc->target_path, &b) == 0 &&
	    (S_ISBLK(a.st_mode) ? S_ISBLK(b.st_mode) && a.st_rdev == b.st_rdev
				: a.st_dev == b.st_dev && a.st_ino == b.st_ino)) {
		snprintf(err, errlen, "--cache %s and --target %s are the same device", rc->cache_path,
			 rc->target_path);
		return -EINVAL;
	}
	/* both refusals before either file is created or written */
	for (int i = 0; i < 2; i++) {
		char msg[2048];
		if ((r = devprobe_guard(i ? rc->target_path : rc->cache_path, rc->force, msg, sizeof(msg)))) {
			snprintf(err, errlen, "%s", msg);
			return r == -EEXIST || r == -EBUSY ? -EINVAL : r;
		}
	}
	for (int i = 0; i < 2; i++) {
		enum bio_bdev w = i ? BDEV_TARGET : BDEV_CACHE;
		struct rdev_opts o = {
			.path = i ? rc->target_path : rc->cache_path,
			.role = i ? "target" : "cache",
			.create_size = i ? rc->target_create : rc->cache_create,
			.direct = rc->direct,
			.force = rc->force,
			.prefill = !rc->no_prefill,
			.progress = rc->sim.progress,
			.warn = warn_fn,
			.warn_arg = (void *)&rc->sim,
		};
		if ((r = rdev_open(&rp->dev[w], &o, err, errlen)))
			return r == -EEXIST || r == -EBUSY ? -EINVAL : r;
	}
	return 0;
}

int replay_run(const struct replay_config *rc, struct sim_result *res, struct replay_result *rr,
	       char *err, size_t errlen)
{
	struct replay rpl = {.rc = rc}, *rp = &rpl;
	const struct sim_config *cfg = &rc->sim;
	struct trc *t = NULL;
	struct trc_rec rec;
	bool have_rec = false;
	uint64_t target_sectors;
	FILE *vlog = NULL;
	int r, ret = 0;
	char sub[512];

	memset(res, 0, sizeof(*res));
	memset(rr, 0, sizeof(*rr));
	for (int i = 0; i < 3; i++) {
		rp->dev[i].fd = -1;
		rp->fixed_file[i] = -1;
	}
	if ((ret = open_devices(rp, err, errlen)))
		goto out;
	rr->cache_size = rp->dev[BDEV_CACHE].size;
	rr->target_size = rp->dev[BDEV_TARGET].size;
	rr->cache_prefilled = rp->dev[BDEV_CACHE].prefilled;
	rr->target_prefilled = rp->dev[BDEV_TARGET].prefilled;
	r = io_uring_queue_init(RING_DEPTH, &rp->ring, 0);
	if (r) {
		snprintf(err, errlen, "io_uring is not available here: %s", strerror(-r));
		ret = -ENOSYS;
		goto out;
	}
	rp->ring_ok = true;
	rp->buf_bytes = cfg->engine.block_size * 512;
	if (posix_memalign(&rp->wbuf, 4096, rp->buf_bytes) || posix_memalign(&rp->rbuf, 4096, rp->buf_bytes) ||
	    !(rp->lag = latstat_new())) {
		snprintf(err, errlen, "out of memory for the I/O buffers");
		ret = -ENOMEM;
		goto out;
	}
	register_with_ring(rp);
	rr->registered_files = rp->fixed_file[BDEV_CACHE] >= 0;
	rr->fixed_buffers = rp->fixed_bufs;
	/* valid sectors that say "written without --verify", so that a later --verify run
	 * tells them from corruption */
	for (size_t i = 0; i < rp->buf_bytes / RSEC_BYTES; i++)
		rsec_fill((char *)rp->wbuf + i * RSEC_BYTES, RSEC_UNVERIFIED, i, 0);
	if (rc->verify) {
		if (rc->verify_log && !(vlog = fopen(rc->verify_log, "w"))) {
			snprintf(err, errlen, "%s: %s", rc->verify_log, strerror(errno));
			ret = -EIO;
			goto out;
		}
		/* a run id of our own tells this replay's data from a prefill's or an earlier run's */
		uint32_t run_id = (uint32_t)(mono_ns() ^ ((uint64_t)getpid() << 16));
		rp->ver = rverify_new(run_id < RSEC_RUN_MIN ? run_id + RSEC_RUN_MIN : run_id, vlog);
		if (!rp->ver) {
			snprintf(err, errlen, "out of memory for the verifier");
			ret = -ENOMEM;
			goto out;
		}
		if (rc->inject_cache_read > 0) {
			rp->rng = gsl_rng_alloc(gsl_rng_mt19937);
			if (!rp->rng) {
				snprintf(err, errlen, "out of memory for the RNG");
				ret = -ENOMEM;
				goto out;
			}
			gsl_rng_set(rp->rng, rc->seed);
		}
	}
	rp->t0_ns = mono_ns();
	if ((ret = obs_new(&rp->obs, cfg, res, be_now, rp, err, errlen)))
		goto out;
	struct dm_backend be = {rp, be_now, be_submit, be_queue_work};
	rp->inner = obs_hooks(rp->obs);
	obs_set_dev_snapshot(rp->obs, dev_snap, rp);
	struct dm_hooks hooks = {rp, h_mapped, h_decision, h_clone, h_bio_free, h_dio_done, h_piece_done,
				 h_req_done, h_seed_crash};
	if (!rp->ver)
		hooks = rp->inner; /* nothing to add: dm calls the observer directly */
	if (dm_create(&rp->dm, &cfg->engine, rp->dev[BDEV_CACHE].size, rp->dev[BDEV_TARGET].size / 512,
		      cfg->hz, cfg->jiffies0, &be, &hooks, sub, sizeof(sub))) {
		snprintf(err, errlen, "--table: %s", sub);
		ret = -EINVAL;
		goto out;
	}
	if ((ret = obs_set_target(rp->obs, dm_target(rp->dm))))
		goto out;
	target_sectors = rp->dev[BDEV_TARGET].size / 512;
	if ((ret = sim_trace_open(cfg, &cfg->trace, &t, err, errlen)))
		goto out;
	snprintf(res->trace_format, sizeof(res->trace_format), "%s", trc_format_name(t));
	obs_set_trace(rp->obs, t);
	/* the default 50 us timer slack would be lag of its own: sleep to the nanosecond asked */
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	/* On a shared machine the tail of the lag (and of the measured latencies: a completion is
	 * seen when this process runs) is the run-queue wait behind other processes, not the
	 * devices (BENCHMARKS.md). SCHED_FIFO at the lowest real-time priority preempts every
	 * normal task; the kernel's RT throttling (sched_rt_runtime_us) still bounds the CPU it takes,
	 * which is one reason the polling before an arrival is bounded (RWAKE_MAX_NS). */
	struct sched_param old_sp = {0}, rt_sp = {.sched_priority = sched_get_priority_min(SCHED_FIFO)};
	int old_policy = sched_getscheduler(0);
	bool rt = false;
	rp->wake_ns = RWAKE_MIN_NS;
	bool already_rt = old_policy == SCHED_FIFO || old_policy == SCHED_RR; /* under chrt: keep it */
	if (rc->realtime && !already_rt) {
		sched_getparam(0, &old_sp);
		if (sched_setscheduler(0, SCHED_FIFO, &rt_sp) == 0) {
			rt = true;
		} else {
			obs_warn(rp->obs, "warning: --realtime: SCHED_FIFO refused (%s): the replay runs with the "
					  "normal scheduler", strerror(errno));
		}
	}
	rp->t0_ns = mono_ns();
	for (int i = 0; i < 3; i++)
		rp->last_change[i] = 0;
	for (;;) {
		if (obs_stopped(rp->obs))
			break;
		if (!have_rec && !(cfg->max_requests && res->requests >= cfg->max_requests)) {
			enum trc_status st = trc_next(t, &rec);
			if (st == TRC_EBAD) {
				snprintf(err, errlen, "%s", trc_error(t));
				ret = -EIO;
				break;
			}
			if (st == TRC_OK && !obs_admit(rp->obs, &rec, target_sectors))
				continue;
			have_rec = st == TRC_OK;
			if (have_rec)
				obs_prefetch(rp->obs, dm_target(rp->dm), &rec);
		}
		run_worker_if_due(rp);
		uint64_t now = be_now(rp);
		if (have_rec) {
			uint64_t at = cfg->qd ? now : (uint64_t)llround((double)rec.time_ns / cfg->speed);
			bool slot = !cfg->qd || obs_outstanding(rp->obs) < cfg->qd;
			if (slot && at <= now) {
				now = be_now(rp); /* the request's arrival: its latency starts here */
				struct dm_req *q = dm_req_from_rec(rp->dm, &rec, now);
				if (!cfg->qd) {
					/* open loop: how late is it handed to the dm core? */
					uint64_t lag = now - at;
					latstat_add(rp->lag, (double)lag);
					rp->late += lag > LATE_NS;
				}
				obs_request(rp->obs, q, &rec, now);
				dm_submit(rp->dm, q);
				have_rec = false;
				/* no io_uring_submit here: the requests due now go out in one batch,
				 * submitted by wait_some before it waits (or by a full queue) */
				continue;
			}
			uint64_t until = rp->worker_due;
			if (slot && (!until || at < until))
				until = at;
			wait_some(rp, until);
			continue;
		}
		if (!rp->inflight && !rp->worker_due && !rp->queued && !dm_busy(rp->dm))
			break;
		if (!rp->inflight && !rp->worker_due && !rp->queued) {
			/* nothing can make progress: an engine bug */
			obs_warn(rp->obs, "warning: %llu requests never completed",
				 (unsigned long long)obs_outstanding(rp->obs));
			break;
		}
		wait_some(rp, rp->worker_due);
	}
	while (rp->inflight || rp->worker_due || rp->queued) {
		run_worker_if_due(rp);
		wait_some(rp, rp->worker_due);
	}
	if (slack > 0)
		prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
	if (rt)
		sched_setscheduler(0, old_policy < 0 ? SCHED_OTHER : old_policy, &old_sp);
	rr->realtime = rt || already_rt;
	if (!ret && obs_stopped(rp->obs)) {
		snprintf(err, errlen, "%s", obs_stopped(rp->obs));
		ret = -ECANCELED;
	}
	if (!ret) {
		uint64_t end = be_now(rp);
		latstat_result(rp->lag, &rr->lag);
		rr->late_requests = rp->late;
		rr->submit_stalls = rp->submit_stalls;
		rr->submit_max_ns = rp->submit_max_ns;
		obs_warn_beyond_end(rp->obs, rp->dev[BDEV_TARGET].size,
				    "use a larger target (--target-create SIZE extends a file)");
		if (rp->late)
			obs_warn(rp->obs, "warning: the replay fell behind the trace: %llu of %llu requests were "
					  "submitted more than 1 ms late (max lag %.3f ms): the devices or this CPU "
					  "did not keep up at --speed %g, so the arrival times are not the trace's",
				 (unsigned long long)rp->late, (unsigned long long)rr->lag.count,
				 rr->lag.max_ns / 1e6, cfg->speed);
		obs_trace_warnings(rp->obs, t);
		res->trace_counts = *trc_counts(t);
		if (obs_finish(rp->obs, rp->dm, NULL, NULL, end, (double)end / 1e9, err, errlen))
			ret = -EIO;
		fill_dev_stats(rp, BDEV_CACHE, end, &res->cache_dev);
		fill_dev_stats(rp, BDEV_TARGET, end, &res->target_dev);
		double span = (double)(end - res->first_ns);
		res->cache_util = span > 0 ? (double)rp->busy_ns[BDEV_CACHE] / span : 0;
		res->target_util = span > 0 ? (double)rp->busy_ns[BDEV_TARGET] / span : 0;
		obs_devices_since_warmup(rp->obs, end);
		if (rp->ver) {
			rverify_result(rp->ver, rr);
			rr->injected = rp->injected;
		}
	}
out:
	if (t)
		trc_close(t);
	replay_free(rp);
	if (vlog && fclose(vlog) && !ret) {
		snprintf(err, errlen, "%s: %s", rc->verify_log, strerror(errno));
		ret = -EIO;
	}
	return ret;
}
