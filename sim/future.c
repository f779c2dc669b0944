// SPDX-License-Identifier: GPL-2.0
/* future.c - the pre-pass that gives opt each piece's position and each block's next use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/future.h"
#include "traces/reader.h"

static uint64_t fut_position(void *arg, uint64_t req, pol_block block)
{
	const struct future *f = arg;
	uint64_t first, last;

	if (!f->nreq)
		return 0;
	if (req >= f->nreq)
		req = f->nreq - 1;
	first = f->req_pos[req];
	last = req + 1 < f->nreq ? f->req_pos[req + 1] : f->nacc;
	if (block < f->req_block[req] || last == first)
		return first;
	uint64_t pos = first + (block - f->req_block[req]);
	return pos < last ? pos : last - 1;
}

static uint64_t fut_next_use(void *arg, pol_block block, uint64_t pos)
{
	const struct future *f = arg;
	size_t lo = 0, hi = f->nacc;

	/* the first (block, p) with p > pos */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct fut_acc *a = &f->acc[mid];
		if (a->block < block || (a->block == block && a->pos <= pos))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nacc && f->acc[lo].block == block ? f->acc[lo].pos : POL_NEVER;
}

static int acc_cmp(const void *pa, const void *pb)
{
	const struct fut_acc *a = pa, *b = pb;

	if (a->block != b->block)
		return a->block < b->block ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap * 2 : 4096;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

int future_build(struct future *f, const struct sim_config *cfg, uint64_t target_sectors, char *err,
		 size_t errlen)
{
	const uint64_t bs = cfg->engine.block_size;
	struct trc *t = NULL;
	struct trc_rec rec;
	int rc;

	memset(f, 0, sizeof(*f));
	rc = trc_open(&t, cfg->trace_path, &cfg->trace, err, errlen);
	if (rc)
		return rc;
	for (;;) {
		if (cfg->max_requests && f->nreq >= cfg->max_requests)
			break;
		if ((rc = trc_read_next(t, &rec, err, errlen)) <= 0)
			break;
		/* obs_admit's filters: the run numbers only the requests it submits */
		if (rec.nsect == 0 && !(rec.flags & TRC_FLUSH))
			continue;
		if (rec.nsect && (rec.sector >= target_sectors || rec.nsect > target_sectors - rec.sector))
			continue;
		if (grow((void **)&f->req_pos, &f->capreq, f->nreq + 1, sizeof(*f->req_pos)) ||
		    grow((void **)&f->req_block, &f->capblk, f->nreq + 1, sizeof(*f->req_block)))
			goto nomem;
		f->req_pos[f->nreq] = f->nacc;
		f->req_block[f->nreq] = rec.sector / bs;
		f->nreq++;
		if (!rec.nsect || (rec.flags & TRC_DISCARD))
			continue;
		uint64_t b0 = rec.sector / bs, b1 = (rec.sector + rec.nsect - 1) / bs;
		if (grow((void **)&f->acc, &f->capacc, f->nacc + (size_t)(b1 - b0 + 1), sizeof(*f->acc)))
			goto nomem;
		for (uint64_t b = b0; b <= b1; b++) {
			f->acc[f->nacc].block = b;
			f->acc[f->nacc].pos = f->nacc;
			f->nacc++;
		}
	}
	if (rc < 0)
		goto out;
	qsort(f->acc, f->nacc, sizeof(*f->acc), acc_cmp);
	f->oracle = (struct pol_oracle){fut_position, fut_next_use, f};
	rc = 0;
	goto out;
nomem:
	snprintf(err, errlen, "opt: out of memory for the pre-pass (%zu pieces, %zu requests)", f->nacc,
		 f->nreq);
	rc = -ENOMEM;
out:
	trc_close(t);
	if (rc)
		future_free(f);
	return rc;
}

void future_free(struct future *f)
{
	free(f->acc);
	free(f->req_pos);
	free(f->req_block);
	memset(f, 0, sizeof(*f));
}
