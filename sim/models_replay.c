// SPDX-License-Identifier: GPL-2.0
/* models_replay.c - one device model alone under a trace's requests (see models_replay.h). */
#include "sim/models_replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/des.h"
#include "sim/dev_solo.h"
#include "sim/device.h"

/*
 * Without --device the reader pre-scans the whole trace to choose the device, reading it
 * twice. Most traces a device model is replayed with hold one device, 0,0 (disksim-validate,
 * single-disk MSR, SPC ASU 0): read them once as device 0,0, and fall back to the reader's
 * own choice (pre-scan) the moment a record of another device shows up.
 */
static int load(struct mr_trace *tr, const char *path, const struct trc_opts *opts, bool guess,
		char *err, size_t errlen);

int mr_load(struct mr_trace *tr, const char *path, const struct trc_opts *opts, char *err,
	    size_t errlen)
{
	if (!opts->has_device) {
		int r = load(tr, path, opts, true, err, errlen);
		if (r != -EAGAIN)
			return r;
	}
	return load(tr, path, opts, false, err, errlen);
}

static int load(struct mr_trace *tr, const char *path, const struct trc_opts *opts, bool guess,
		char *err, size_t errlen)
{
	struct trc_opts o = *opts;
	struct trc *t;
	struct trc_rec rec;
	enum trc_status st;
	int r;

	memset(tr, 0, sizeof(*tr));
	if (guess) {
		o.has_device = true;
		o.device = TRC_DEV(0, 0);
	}
	r = trc_open(&t, path, &o, err, errlen);
	if (r)
		return guess && r != -ENOENT ? -EAGAIN : r;
	if (!o.event && trc_event(t) && trc_event(t) != 'D') {
		/* a device model sees what the device saw: dispatches, with their D..C latency */
		trc_close(t);
		o.event = 'D';
		r = trc_open(&t, path, &o, err, errlen);
		if (r)
			return guess && r != -ENOENT ? -EAGAIN : r;
	}
	snprintf(tr->format, sizeof(tr->format), "%s", trc_format_name(t));
	{
		uint64_t cnt;
		const struct trc_sct_source *src = trc_sct_info(t, &cnt);
		/* an .sct keeps the source's format name in 16 bytes: compare what fits */
		tr->think = !strcmp(tr->format, "disksim-validate") ||
			    (src && !strncmp(src->format, "disksim-validate", sizeof(src->format) - 1));
	}
	tr->event = trc_event(t);
	while ((st = trc_next(t, &rec)) == TRC_OK) {
		uint8_t op;
		if (guess && trc_counts(t)->skipped_other_dev) {
			trc_close(t);
			mr_free(tr);
			return -EAGAIN; /* another device: let the reader choose */
		}
		if (rec.flags & TRC_DISCARD)
			op = DEV_DISCARD;
		else if (rec.flags & TRC_WRITE)
			op = DEV_WRITE;
		else if (rec.flags & TRC_READ)
			op = DEV_READ;
		else if (rec.flags & TRC_FLUSH)
			op = DEV_FLUSH;
		else {
			tr->skipped++;
			continue;
		}
		if ((op == DEV_READ || op == DEV_WRITE) && !rec.nsect) {
			tr->skipped++;
			continue;
		}
		if (tr->n == tr->cap) {
			size_t nc = tr->cap ? tr->cap * 2 : 4096;
			struct mr_req *nr = realloc(tr->req, nc * sizeof(*nr));
			if (!nr) {
				snprintf(err, errlen, "out of memory for %zu requests", nc);
				trc_close(t);
				mr_free(tr);
				return -ENOMEM;
			}
			tr->req = nr;
			tr->cap = nc;
		}
		struct mr_req *q = &tr->req[tr->n++];
		q->sector = rec.sector;
		q->nsect = rec.nsect;
		q->time_ns = rec.time_ns;
		q->meas_ns = rec.latency_ns;
		q->pred_ns = 0;
		q->op = op;
	}
	if (st == TRC_EBAD) {
		bool other = guess && (trc_counts(t)->skipped_other_dev || !tr->n);
		snprintf(err, errlen, "%s", trc_error(t));
		trc_close(t);
		mr_free(tr);
		return other ? -EAGAIN : -EINVAL;
	}
	if (guess && trc_counts(t)->skipped_other_dev) {
		trc_close(t);
		mr_free(tr);
		return -EAGAIN;
	}
	trc_close(t);
	return 0;
}

void mr_free(struct mr_trace *tr)
{
	free(tr->req);
	tr->req = NULL;
	tr->n = tr->cap = 0;
}

/* ---- the host around the model ---- */

struct host {
	struct dev_solo s; /* first (dev_solo.h): the queue's handlers get the host */
	struct mr_trace *tr;
	enum mr_protocol proto;
	struct dev_io *ios; /* one per request */
	size_t next;        /* next request to issue */
	size_t done;
	char *errbuf;
	size_t errlen;
};

static void on_done(void *ctx, void *arg, uint64_t now);
static void on_arrival(void *ctx, void *arg, uint64_t now);

static void issue(struct host *h, size_t i, uint64_t now)
{
	struct mr_req *q = &h->tr->req[i];
	struct dev_io *io = &h->ios[i];

	if (q->sector + q->nsect > h->s.d->size_bytes / 512 && q->op != DEV_FLUSH) {
		snprintf(h->errbuf, h->errlen,
			 "request %zu (sector %llu + %u) is beyond the device's %llu sectors", i + 1,
			 (unsigned long long)q->sector, q->nsect,
			 (unsigned long long)(h->s.d->size_bytes / 512));
		h->s.err = -EINVAL;
		return;
	}
	memset(io, 0, sizeof(*io));
	io->op = (enum dev_op)q->op;
	io->sector = q->op == DEV_FLUSH ? 0 : q->sector;
	io->nsect = q->op == DEV_FLUSH ? 0 : q->nsect;
	io->host_ctx = q;
	dev_solo_submit(&h->s, io, now);
}

static void schedule_next(struct host *h, uint64_t at)
{
	if (h->next >= h->tr->n || h->s.err)
		return;
	if (des_schedule(&h->s.q, at < h->s.q.now_ns ? h->s.q.now_ns : at, DES_CLASS_ARRIVAL, on_arrival,
			 NULL))
		h->s.err = -ENOMEM;
}

static void on_arrival(void *ctx, void *arg, uint64_t now)
{
	struct host *h = ctx;
	size_t i = h->next++;

	(void)arg;
	issue(h, i, now);
	if (h->proto == MR_OPEN)
		schedule_next(h, h->tr->req[h->next < h->tr->n ? h->next : i].time_ns);
}

static void on_done(void *ctx, void *arg, uint64_t now)
{
	struct host *h = ctx;
	struct dev_io *io = arg;
	struct mr_req *q = io->host_ctx;

	dev_account_complete(h->s.d, io, now);
	q->pred_ns = now - io->submit_ns;
	h->done++;
	h->tr->end_ns = now;
	if (h->proto == MR_THINK) {
		size_t i = (size_t)(q - h->tr->req);
		uint64_t think = 0;
		if (i + 1 < h->tr->n) {
			int64_t th = (int64_t)(h->tr->req[i + 1].time_ns - q->time_ns) -
				     (q->meas_ns > 0 ? q->meas_ns : 0);
			think = th > 0 ? (uint64_t)th : 0;
		}
		schedule_next(h, now + think);
	} else if (h->proto == MR_QD) {
		schedule_next(h, now);
	}
}

int mr_run(struct mr_trace *tr, const char *spec, enum mr_protocol proto, unsigned qd,
	   char *err, size_t errlen)
{
	struct host h;
	int r;

	memset(&h, 0, sizeof(h));
	h.tr = tr;
	h.proto = proto;
	h.errbuf = err;
	h.errlen = errlen;
	if (dev_solo_init(&h.s, on_done)) {
		snprintf(err, errlen, "out of memory for the event queue");
		return -ENOMEM;
	}
	r = dev_create(spec, &h.s.env, &h.s.d, err, errlen);
	if (r) {
		des_fini(&h.s.q);
		return -EINVAL;
	}
	h.ios = calloc(tr->n ? tr->n : 1, sizeof(*h.ios));
	if (!h.ios) {
		snprintf(err, errlen, "out of memory for %zu requests", tr->n);
		r = -ENOMEM;
		goto out;
	}
	if (proto == MR_QD) {
		for (unsigned k = 0; k < qd && k < tr->n; k++)
			schedule_next(&h, 0);
		/* each arrival event issues the next request in trace order */
	} else if (tr->n) {
		schedule_next(&h, proto == MR_OPEN ? tr->req[0].time_ns : 0);
	}
	while (!h.s.err && des_run_next(&h.s.q))
		;
	if (!h.s.err && h.done != tr->n) {
		snprintf(err, errlen, "%s: the model never completed %zu of %zu requests", spec,
			 tr->n - h.done, tr->n);
		r = -EPROTO;
	} else if (h.s.err == -EPROTO) {
		snprintf(err, errlen, "%s: the model broke its contract (a completion before its "
				      "submission)", spec);
		r = -EPROTO;
	} else if (h.s.err == -ENOMEM) {
		snprintf(err, errlen, "out of memory for events");
		r = -ENOMEM;
	} else {
		r = h.s.err;
	}
out:
	free(h.ios);
	dev_destroy(h.s.d);
	des_fini(&h.s.q);
	return r;
}
