// SPDX-License-Identifier: GPL-2.0
/* calib_measure.c - fio-style closed loops on a real device with io_uring and O_DIRECT. */
#include <errno.h>
#include <math.h>
#include <liburing.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/calib.h"

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct slot {
	uint64_t submit_ns;
	void *buf;
};

static uint64_t next_off(struct calib_point *p, uint64_t *cursor, uint64_t *rng, uint64_t blocks)
{
	uint64_t b;

	if (p->random) {
		*rng ^= *rng << 13, *rng ^= *rng >> 7, *rng ^= *rng << 17;
		b = *rng % blocks;
	} else {
		b = (*cursor)++ % blocks;
	}
	return b * p->bs;
}

/* One I/O of point p into slot i's buffer at off (queued; the caller submits). */
static void prep_one(struct io_uring *ring, int fd, const struct calib_point *p, struct slot *slot, unsigned i,
		     uint64_t off)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (p->write)
		io_uring_prep_write(sqe, fd, slot->buf, p->bs, off);
	else
		io_uring_prep_read(sqe, fd, slot->buf, p->bs, off);
	io_uring_sqe_set_data64(sqe, i);
	slot->submit_ns = mono_ns();
}

static int measure_one(struct io_uring *ring, int fd, uint64_t size, struct calib_point *p, struct slot *slots,
		       double seconds)
{
	uint64_t blocks = size / p->bs, cursor = 0, rng = 0x9E3779B97F4A7C15ull ^ p->bs ^ p->qd;
	uint64_t end, inflight = 0;
	double sum = 0, lsum = 0, lsum2 = 0;
	int r = 0;

	if (!blocks)
		return -EINVAL;
	p->ios = 0;
	uint64_t t0 = mono_ns();
	end = t0 + (uint64_t)(seconds * 1e9);
	for (unsigned i = 0; i < p->qd; i++) {
		prep_one(ring, fd, p, &slots[i], i, next_off(p, &cursor, &rng, blocks));
		inflight++;
	}
	io_uring_submit(ring);
	while (inflight) {
		struct io_uring_cqe *cqe;
		if ((r = io_uring_wait_cqe(ring, &cqe)))
			break;
		unsigned i = (unsigned)io_uring_cqe_get_data64(cqe);
		int res = cqe->res;
		io_uring_cqe_seen(ring, cqe);
		inflight--;
		uint64_t now = mono_ns();
		if (res < 0) {
			r = res;
			break;
		}
		double lat = (double)(now - slots[i].submit_ns);
		sum += lat;
		lsum += log(lat > 1 ? lat : 1);
		lsum2 += log(lat > 1 ? lat : 1) * log(lat > 1 ? lat : 1);
		p->ios++;
		if (now < end) {
			prep_one(ring, fd, p, &slots[i], i, next_off(p, &cursor, &rng, blocks));
			inflight++;
			io_uring_submit(ring);
		}
	}
	while (inflight) { /* after an error: collect what is still out */
		struct io_uring_cqe *cqe;
		if (io_uring_wait_cqe(ring, &cqe))
			break;
		io_uring_cqe_seen(ring, cqe);
		inflight--;
	}
	double el = (double)(mono_ns() - t0) / 1e9;
	p->mean_ns = p->ios ? sum / (double)p->ios : 0;
	double lm = p->ios ? lsum / (double)p->ios : 0, lv = p->ios > 1 ? lsum2 / (double)p->ios - lm * lm : 0;
	p->log_sd = lv > 0 ? sqrt(lv) : 0;
	p->iops = el > 0 ? (double)p->ios / el : 0;
	return r;
}

int calib_measure(int fd, uint64_t size, struct calib_point *pts, unsigned n, double seconds, bool realtime,
		  char *err, size_t errlen)
{
	struct sched_param old_sp = {0}, rt_sp = {.sched_priority = sched_get_priority_min(SCHED_FIFO)};
	int old_policy = sched_getscheduler(0);
	bool rt = false;
	struct io_uring ring;
	unsigned maxqd = 1;
	uint32_t maxbs = 4096;
	struct slot *slots;
	int r;

	for (unsigned i = 0; i < n; i++) {
		if (pts[i].qd > maxqd)
			maxqd = pts[i].qd;
		if (pts[i].bs > maxbs)
			maxbs = pts[i].bs;
	}
	if ((r = io_uring_queue_init(maxqd < 8 ? 8 : maxqd, &ring, 0))) {
		snprintf(err, errlen, "io_uring is not available here: %s", strerror(-r));
		return r;
	}
	if (!(slots = calloc(maxqd, sizeof(*slots)))) {
		io_uring_queue_exit(&ring);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < maxqd && !r; i++) {
		if (posix_memalign(&slots[i].buf, 4096, maxbs))
			r = -ENOMEM;
		else
			memset(slots[i].buf, 0x5a ^ (int)i, maxbs);
	}
	/* a completion counts when this process sees it: under --realtime no other process delays that */
	if (realtime && old_policy != SCHED_FIFO && old_policy != SCHED_RR && sched_getparam(0, &old_sp) == 0)
		rt = sched_setscheduler(0, SCHED_FIFO, &rt_sp) == 0;
	for (unsigned i = 0; i < n && !r; i++)
		if ((r = measure_one(&ring, fd, size, &pts[i], slots, seconds)))
			snprintf(err, errlen, "%s %s of %u bytes at qd %u: %s", pts[i].random ? "random" : "sequential",
				 pts[i].write ? "writes" : "reads", pts[i].bs, pts[i].qd, strerror(-r));
	if (rt)
		sched_setscheduler(0, old_policy < 0 ? SCHED_OTHER : old_policy, &old_sp);
	for (unsigned i = 0; i < maxqd; i++)
		free(slots[i].buf);
	free(slots);
	io_uring_queue_exit(&ring);
	return r;
}
