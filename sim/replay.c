// SPDX-License-Identifier: GPL-2.0
/* replay.c - the same engine and dm core over real devices (files or block devices), with io_uring. */
#include "sim/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <liburing.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/assert.h"
#include "sim/dmcore.h"
#include "sim/observe.h"

/*
 * The backend of struct dm_backend for real devices. Every dm_dio becomes one io_uring request
 * at offset sector * 512 of the cache or target file; its completion calls dm_dio_complete().
 * Time is CLOCK_MONOTONIC since the start of the replay. Data is not what the trace's
 * application wrote (a trace carries none): writes send a fixed pattern, reads land in a
 * scratch buffer; what is measured is the devices' timing under the engine's I/O.
 */
#define RING_DEPTH 256

struct replay {
	const struct replay_config *rc;
	struct io_uring ring;
	bool ring_ok;
	int fd[3];            /* by enum bio_bdev: [BDEV_TARGET], [BDEV_CACHE] */
	uint64_t size[3];
	void *wbuf, *rbuf;    /* one piece at most: the block size */
	size_t buf_bytes;
	uint64_t t0_ns;
	uint64_t queued;      /* SQEs prepared, not submitted */
	uint64_t inflight;
	uint64_t worker_due;  /* 0: no worker run pending */
	struct dm_core *dm;
	struct observer *obs;
	uint64_t dev_reads[3], dev_writes[3], dev_bytes_read[3], dev_bytes_written[3];
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

static void be_submit(void *arg, struct dm_dio *d)
{
	struct replay *rp = arg;
	int fd = rp->fd[d->dev];
	uint64_t off = d->io.sector * 512, len = (uint64_t)d->io.nsect * 512;
	struct io_uring_sqe *sqe;

	ASSERT(len <= rp->buf_bytes);
	if (d->io.op == DEV_DISCARD) {
		/* discards are only sent with Q19 fixed; here they complete at once */
		dm_dio_complete(rp->dm, d, 0);
		return;
	}
	sqe = get_sqe(rp);
	switch (d->io.op) {
	case DEV_READ:
		io_uring_prep_read(sqe, fd, rp->rbuf, (unsigned)len, off);
		rp->dev_reads[d->dev]++;
		rp->dev_bytes_read[d->dev] += len;
		break;
	case DEV_WRITE:
		io_uring_prep_write(sqe, fd, rp->wbuf, (unsigned)len, off);
		rp->dev_writes[d->dev]++;
		rp->dev_bytes_written[d->dev] += len;
		break;
	default: /* DEV_FLUSH (Q18 fixed) */
		io_uring_prep_fsync(sqe, fd, IORING_FSYNC_DATASYNC);
		break;
	}
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

static void reap(struct replay *rp, struct io_uring_cqe *cqe)
{
	struct dm_dio *d = io_uring_cqe_get_data(cqe);
	int res = cqe->res;
	uint64_t want = d->io.op == DEV_FLUSH ? 0 : (uint64_t)d->io.nsect * 512;

	io_uring_cqe_seen(&rp->ring, cqe);
	rp->inflight--;
	if (res >= 0 && (uint64_t)res != want && d->io.op != DEV_FLUSH)
		res = -EIO; /* a short transfer: past the end of a file */
	dm_dio_complete(rp->dm, d, res < 0 ? res : 0);
}

/* Submit what is queued; reap every completion that is there. */
static void pump(struct replay *rp)
{
	struct io_uring_cqe *cqe;

	if (rp->queued) {
		int n = io_uring_submit(&rp->ring);
		ASSERT(n >= 0);
		rp->queued = 0;
	}
	while (io_uring_peek_cqe(&rp->ring, &cqe) == 0)
		reap(rp, cqe);
}

static struct io_uring_sqe *get_sqe(struct replay *rp)
{
	struct io_uring_sqe *sqe;

	/* A full submission queue empties when it is submitted. Completions are not reaped here:
	 * this runs inside an engine handler, which must not see another event before it ends. */
	while (!(sqe = io_uring_get_sqe(&rp->ring))) {
		int n = io_uring_submit(&rp->ring);
		ASSERT(n >= 0);
		rp->queued = 0;
	}
	return sqe;
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
	if (!rp->inflight) {
		if (until > now) {
			struct timespec ts = {(time_t)((until - now) / 1000000000ULL),
					      (long)((until - now) % 1000000000ULL)};
			nanosleep(&ts, NULL);
		}
		return;
	}
	if (until) {
		struct __kernel_timespec ts = {(long long)((until - now) / 1000000000ULL),
					       (long long)((until - now) % 1000000000ULL)};
		if (io_uring_wait_cqe_timeout(&rp->ring, &cqe, &ts) == 0)
			reap(rp, cqe);
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

static int open_dev(struct replay *rp, enum bio_bdev which, const char *path, uint64_t create_size,
		    char *err, size_t errlen)
{
	const struct replay_config *rc = rp->rc;
	struct stat st;
	int flags = O_RDWR | (rc->direct ? O_DIRECT : 0);
	int fd;

	if (stat(path, &st) == 0 && S_ISBLK(st.st_mode) && !rc->force) {
		snprintf(err, errlen, "%s is a block device: the replay writes to it and destroys its data; "
				      "add --force if that is what you want", path);
		return -EPERM;
	}
	fd = open(path, flags | (create_size ? O_CREAT : 0), 0644);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s%s", path, strerror(e),
			 e == EINVAL && rc->direct ? " (O_DIRECT is not supported there; drop --direct)" : "");
		return -e;
	}
	rp->fd[which] = fd;
	if (fstat(fd, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(fd, BLKGETSIZE64, &rp->size[which])) {
			snprintf(err, errlen, "%s: BLKGETSIZE64: %s", path, strerror(errno));
			return -errno;
		}
	} else if (S_ISREG(st.st_mode)) {
		if ((uint64_t)st.st_size < create_size && ftruncate(fd, (off_t)create_size)) {
			snprintf(err, errlen, "%s: can not extend to %llu bytes: %s", path,
				 (unsigned long long)create_size, strerror(errno));
			return -errno;
		}
		rp->size[which] = create_size > (uint64_t)st.st_size ? create_size : (uint64_t)st.st_size;
	} else {
		snprintf(err, errlen, "%s: not a file or a block device", path);
		return -EINVAL;
	}
	if (rp->size[which] < 4096) {
		snprintf(err, errlen, "%s: %llu bytes: too small (give --create-size to make it bigger)", path,
			 (unsigned long long)rp->size[which]);
		return -EINVAL;
	}
	return 0;
}

static void replay_free(struct replay *rp)
{
	dm_destroy(rp->dm);
	obs_free(rp->obs);
	if (rp->ring_ok)
		io_uring_queue_exit(&rp->ring);
	for (int i = 0; i < 3; i++)
		if (rp->fd[i] >= 0)
			close(rp->fd[i]);
	free(rp->wbuf);
	free(rp->rbuf);
}

static void fill_dev_stats(const struct replay *rp, enum bio_bdev which, struct dev_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->nr_reads = rp->dev_reads[which];
	out->nr_writes = rp->dev_writes[which];
	out->bytes_read = rp->dev_bytes_read[which];
	out->bytes_written = rp->dev_bytes_written[which];
}

int replay_run(const struct replay_config *rc, struct sim_result *res, char *err, size_t errlen)
{
	struct replay rpl = {.rc = rc, .fd = {-1, -1, -1}}, *rp = &rpl;
	const struct sim_config *cfg = &rc->sim;
	struct trc *t = NULL;
	struct trc_rec rec;
	bool have_rec = false;
	uint64_t target_sectors;
	int r, ret = 0;
	char sub[512];

	memset(res, 0, sizeof(*res));
	if ((r = open_dev(rp, BDEV_CACHE, rc->cache_path, rc->cache_create, err, errlen)) ||
	    (r = open_dev(rp, BDEV_TARGET, rc->target_path, rc->target_create, err, errlen))) {
		ret = r == -EPERM || r == -EINVAL ? -EINVAL : r;
		goto out;
	}
	r = io_uring_queue_init(RING_DEPTH, &rp->ring, 0);
	if (r) {
		snprintf(err, errlen, "io_uring is not available here: %s", strerror(-r));
		ret = -ENOSYS;
		goto out;
	}
	rp->ring_ok = true;
	rp->buf_bytes = cfg->engine.block_size * 512;
	if (posix_memalign(&rp->wbuf, 4096, rp->buf_bytes) || posix_memalign(&rp->rbuf, 4096, rp->buf_bytes)) {
		snprintf(err, errlen, "out of memory for the I/O buffers");
		ret = -ENOMEM;
		goto out;
	}
	memset(rp->wbuf, 0x5a, rp->buf_bytes);
	rp->t0_ns = mono_ns();
	if ((ret = obs_new(&rp->obs, cfg, res, be_now, rp, err, errlen)))
		goto out;
	struct dm_backend be = {rp, be_now, be_submit, be_queue_work};
	struct dm_hooks hooks = obs_hooks(rp->obs);
	if (dm_create(&rp->dm, &cfg->engine, rp->size[BDEV_CACHE], rp->size[BDEV_TARGET] / 512, cfg->hz,
		      cfg->jiffies0, &be, &hooks, sub, sizeof(sub))) {
		snprintf(err, errlen, "--table: %s", sub);
		ret = -EINVAL;
		goto out;
	}
	if ((ret = obs_set_target(rp->obs, dm_target(rp->dm))))
		goto out;
	target_sectors = rp->size[BDEV_TARGET] / 512;
	if ((ret = trc_open(&t, cfg->trace_path, &cfg->trace, sub, sizeof(sub)))) {
		snprintf(err, errlen, "%s", sub);
		ret = ret == -ENOTUNIQ || ret == -ENODEV || ret == -ENOTSUP ? -EINVAL
		      : ret == -EINVAL				         ? -EIO
									 : ret;
		goto out;
	}
	snprintf(res->trace_format, sizeof(res->trace_format), "%s", trc_format_name(t));
	obs_set_trace(rp->obs, t);
	rp->t0_ns = mono_ns();
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
				struct dm_req *q = dm_req_alloc(rp->dm);
				obs_request(rp->obs, q, &rec, now);
				dm_submit(rp->dm, q);
				have_rec = false;
				pump(rp);
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
	if (!ret && obs_stopped(rp->obs)) {
		snprintf(err, errlen, "%s", obs_stopped(rp->obs));
		ret = -ECANCELED;
	}
	if (!ret) {
		obs_trace_warnings(rp->obs, t);
	res->trace_counts = *trc_counts(t);
		if (obs_finish(rp->obs, rp->dm, NULL, NULL, be_now(rp), (double)be_now(rp) / 1e9, err,
			       errlen))
			ret = -EIO;
		fill_dev_stats(rp, BDEV_CACHE, &res->cache_dev);
		fill_dev_stats(rp, BDEV_TARGET, &res->target_dev);
	}
out:
	if (t)
		trc_close(t);
	replay_free(rp);
	return ret;
}
