// SPDX-License-Identifier: GPL-2.0
/* gen.c - synthetic block workloads (GSL random numbers) and a blkparse-text writer. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "traces/gen.h"

/*
 * Zipf over n ranks by rejection-inversion (W. Hormann, G. Derflinger, "Rejection-inversion to
 * generate variates from monotone discrete distributions", ACM TOMACS 6(3), 1996): O(1) set-up
 * and sampling for any exponent > 0 and any n, so a terabyte device costs nothing up front.
 * GSL has no Zipf sampler; the uniform draws come from GSL.
 */
struct zipf {
	uint64_t n;
	double s;
	double h_x1, h_n, s_const;
};

static double helper1(double x) /* log1p(x) / x, continuous at 0 */
{
	return fabs(x) > 1e-8 ? log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
}

static double helper2(double x) /* expm1(x) / x, continuous at 0 */
{
	return fabs(x) > 1e-8 ? expm1(x) / x : 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
}

static double zh(const struct zipf *z, double x)
{
	return exp(-z->s * log(x));
}

static double zH(const struct zipf *z, double x)
{
	double lx = log(x);
	return helper2((1.0 - z->s) * lx) * lx;
}

static double zHinv(const struct zipf *z, double x)
{
	double t = x * (1.0 - z->s);
	if (t < -1.0)
		t = -1.0;
	return exp(helper1(t) * x);
}

static void zipf_init(struct zipf *z, uint64_t n, double s)
{
	z->n = n;
	z->s = s;
	z->h_x1 = zH(z, 1.5) - 1.0;
	z->h_n = zH(z, (double)n + 0.5);
	z->s_const = 2.0 - zHinv(z, zH(z, 2.5) - zh(z, 2.0));
}

/* Rank in 1..n; rank 1 is the most frequent. */
static uint64_t zipf_draw(const struct zipf *z, gsl_rng *r)
{
	for (;;) {
		double u = z->h_n + gsl_rng_uniform(r) * (z->h_x1 - z->h_n);
		double x = zHinv(z, u);
		double kd = floor(x + 0.5);
		uint64_t k = kd < 1.0 ? 1 : kd > (double)z->n ? z->n : (uint64_t)kd;
		if ((double)k - x <= z->s_const || u >= zH(z, (double)k + 0.5) - zh(z, (double)k))
			return k;
	}
}

struct pat_state {
	struct trc_gen_pattern p;
	struct zipf z;
	uint64_t next_slot;    /* SEQ: where the run continues (in sectors) */
	uint64_t run_left;
};

struct trc_gen {
	struct trc_gen_spec spec;
	gsl_rng *rng;
	gsl_ran_discrete_t *pat_pick, *size_pick;
	struct pat_state ps[TRC_GEN_MAX_PATTERNS];
	uint64_t nslots;       /* device_bytes / align_bytes */
	uint64_t scatter;      /* multiplier coprime with nslots: rank -> slot */
	uint64_t count;
	uint64_t now_ns;
	double active_ns;      /* ONOFF: time spent in on periods */
	char comm[TRC_COMM_MAX];
};

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static int fail(char *err, size_t errlen, const char *msg)
{
	snprintf(err, errlen, "%s", msg);
	return -EINVAL;
}

int trc_gen_new(struct trc_gen **out, const struct trc_gen_spec *sp, char *err, size_t errlen)
{
	struct trc_gen *g;
	double w[TRC_GEN_MAX_SIZES > TRC_GEN_MAX_PATTERNS ? TRC_GEN_MAX_SIZES : TRC_GEN_MAX_PATTERNS];

	*out = NULL;
	if (!sp->requests && !sp->duration_ns)
		return fail(err, errlen, "give a number of requests or a duration");
	if (sp->align_bytes < 512 || sp->align_bytes % 512)
		return fail(err, errlen, "the alignment must be a multiple of 512 bytes");
	if (sp->device_bytes < sp->align_bytes)
		return fail(err, errlen, "the device must hold at least one aligned block");
	if (!(sp->read_ratio >= 0 && sp->read_ratio <= 1))
		return fail(err, errlen, "the read ratio must be within 0..1");
	if (!sp->npat || sp->npat > TRC_GEN_MAX_PATTERNS)
		return fail(err, errlen, "give 1 to 8 address patterns");
	for (size_t i = 0; i < sp->npat; i++) {
		const struct trc_gen_pattern *p = &sp->pat[i];
		if (!(p->weight > 0))
			return fail(err, errlen, "pattern weights must be > 0");
		if (p->kind == TRC_GEN_ZIPF && !(p->theta > 0 && p->theta < 100))
			return fail(err, errlen, "zipf's theta must be > 0");
		if (p->kind == TRC_GEN_SEQ && !(p->run_mean >= 1))
			return fail(err, errlen, "a sequential run must average at least 1 request");
		if (p->kind == TRC_GEN_HOTCOLD &&
		    !(p->hot_access >= 0 && p->hot_access <= 1 && p->hot_space > 0 && p->hot_space < 1))
			return fail(err, errlen,
				    "hotcold:X,Y needs 0 <= X <= 100 and 0 < Y < 100 (percentages)");
	}
	const struct trc_gen_size *sz = &sp->size;
	if (sz->kind == TRC_GEN_SIZE_FIXED && (!sz->bytes[0] || sz->bytes[0] % 512))
		return fail(err, errlen, "request sizes must be positive multiples of 512 bytes");
	if (sz->kind == TRC_GEN_SIZE_LIST) {
		if (!sz->n || sz->n > TRC_GEN_MAX_SIZES)
			return fail(err, errlen, "give 1 to 16 sizes");
		for (size_t i = 0; i < sz->n; i++)
			if (!sz->bytes[i] || sz->bytes[i] % 512 || !(sz->weights[i] > 0))
				return fail(err, errlen,
					    "sizes must be positive multiples of 512 with weights > 0");
	}
	if (sz->kind == TRC_GEN_SIZE_LOGNORMAL &&
	    !(sz->median_bytes >= 512 && sz->sigma >= 0 && sz->max_bytes >= 512))
		return fail(err, errlen, "lognormal sizes need a median >= 512 bytes and sigma >= 0");
	uint64_t biggest = sz->kind == TRC_GEN_SIZE_LOGNORMAL ? sz->max_bytes : 0;
	for (size_t i = 0; i < (sz->kind == TRC_GEN_SIZE_LIST ? sz->n : 1); i++)
		if (sz->kind != TRC_GEN_SIZE_LOGNORMAL && sz->bytes[i] > biggest)
			biggest = sz->bytes[i];
	if (biggest > sp->device_bytes)
		return fail(err, errlen, "a request size exceeds the device size");
	const struct trc_gen_arrival *a = &sp->arrival;
	if ((a->kind == TRC_GEN_POISSON || a->kind == TRC_GEN_ONOFF) && !(a->iops > 0 && a->iops < 1e10))
		return fail(err, errlen, "the arrival rate must be > 0 requests per second");
	if (a->kind == TRC_GEN_FIXED && !a->interval_ns)
		return fail(err, errlen, "the arrival interval must be > 0");
	if (a->kind == TRC_GEN_ONOFF && !a->on_ns)
		return fail(err, errlen, "on/off bursts need an on period > 0");

	g = calloc(1, sizeof(*g));
	if (!g)
		return fail(err, errlen, "out of memory");
	g->spec = *sp;
	snprintf(g->comm, sizeof(g->comm), "%s", sp->comm ? sp->comm : "ssdcache-gen");
	g->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!g->rng) {
		trc_gen_free(g);
		return fail(err, errlen, "out of memory");
	}
	gsl_rng_set(g->rng, sp->seed);
	for (size_t i = 0; i < sp->npat; i++)
		w[i] = sp->pat[i].weight;
	g->pat_pick = gsl_ran_discrete_preproc(sp->npat, w);
	if (sz->kind == TRC_GEN_SIZE_LIST)
		g->size_pick = gsl_ran_discrete_preproc(sz->n, sz->weights);
	if (!g->pat_pick || (sz->kind == TRC_GEN_SIZE_LIST && !g->size_pick)) {
		trc_gen_free(g);
		return fail(err, errlen, "out of memory");
	}
	g->nslots = sp->device_bytes / sp->align_bytes;
	/* Scatter Zipf ranks: slot = rank * m mod n is a bijection when gcd(m, n) = 1, so the hot
	 * slots spread over the device instead of piling up at its start. */
	g->scatter = (uint64_t)((double)g->nslots * 0.6180339887498949) | 1;
	while (g->nslots > 1 && gcd64(g->scatter % g->nslots, g->nslots) != 1)
		g->scatter += 2;
	for (size_t i = 0; i < sp->npat; i++) {
		g->ps[i].p = sp->pat[i];
		if (sp->pat[i].kind == TRC_GEN_ZIPF)
			zipf_init(&g->ps[i].z, g->nslots, sp->pat[i].theta);
	}
	*out = g;
	return 0;
}

void trc_gen_free(struct trc_gen *g)
{
	if (!g)
		return;
	if (g->pat_pick)
		gsl_ran_discrete_free(g->pat_pick);
	if (g->size_pick)
		gsl_ran_discrete_free(g->size_pick);
	if (g->rng)
		gsl_rng_free(g->rng);
	free(g);
}

static uint64_t draw_size(struct trc_gen *g)
{
	const struct trc_gen_size *sz = &g->spec.size;

	switch (sz->kind) {
	case TRC_GEN_SIZE_LIST:
		return sz->bytes[gsl_ran_discrete(g->rng, g->size_pick)];
	case TRC_GEN_SIZE_LOGNORMAL: {
		double b = gsl_ran_lognormal(g->rng, log(sz->median_bytes), sz->sigma);
		uint64_t s = b >= (double)sz->max_bytes ? sz->max_bytes : (uint64_t)llround(b / 512.0) * 512;
		if (s < 512)
			s = 512;
		if (s > sz->max_bytes)
			s = sz->max_bytes / 512 * 512;
		return s;
	}
	default:
		return sz->bytes[0];
	}
}

static uint64_t uniform_below(gsl_rng *r, uint64_t n)
{
	if (n <= 1)
		return 0;
	if (n <= gsl_rng_max(r) - gsl_rng_min(r))
		return gsl_rng_uniform_int(r, (unsigned long)n);
	/* Larger than one draw covers: combine two. */
	uint64_t hi = gsl_rng_uniform_int(r, (unsigned long)((n >> 32) + 1));
	uint64_t lo = gsl_rng_get(r) & 0xffffffffu;
	return ((hi << 32) | lo) % n;
}

/* Offset in bytes of a request of size bytes. */
static uint64_t draw_offset(struct trc_gen *g, struct pat_state *ps, uint64_t size)
{
	uint64_t align = g->spec.align_bytes, n = g->nslots, slot;

	switch (ps->p.kind) {
	case TRC_GEN_ZIPF: {
		uint64_t k = zipf_draw(&ps->z, g->rng) - 1;
		slot = (uint64_t)(((unsigned __int128)k * g->scatter) % n);
		break;
	}
	case TRC_GEN_SEQ: {
		uint64_t off = ps->next_slot;
		if (!ps->run_left || off + size > g->spec.device_bytes) {
			ps->run_left = gsl_ran_geometric(g->rng, 1.0 / ps->p.run_mean);
			off = uniform_below(g->rng, n) * align;
		}
		if (off + size > g->spec.device_bytes)
			off = (g->spec.device_bytes - size) / align * align;
		ps->run_left--;
		ps->next_slot = off + size;
		return off;
	}
	case TRC_GEN_HOTCOLD: {
		uint64_t hot = (uint64_t)ceil(ps->p.hot_space * (double)n);
		if (hot < 1)
			hot = 1;
		if (hot >= n)
			hot = n - 1;
		if (gsl_rng_uniform(g->rng) < ps->p.hot_access || hot == 0)
			slot = uniform_below(g->rng, hot);
		else
			slot = hot + uniform_below(g->rng, n - hot);
		break;
	}
	default:
		slot = uniform_below(g->rng, n);
		break;
	}
	uint64_t off = slot * align;
	if (off + size > g->spec.device_bytes)
		off = (g->spec.device_bytes - size) / align * align;
	return off;
}

static uint64_t next_gap(struct trc_gen *g)
{
	const struct trc_gen_arrival *a = &g->spec.arrival;

	switch (a->kind) {
	case TRC_GEN_FIXED:
		return a->interval_ns;
	case TRC_GEN_ONOFF: {
		/* Poisson arrivals in "on" time; each full on period is followed by an off gap. */
		double before = g->active_ns;
		g->active_ns += gsl_ran_exponential(g->rng, 1e9 / a->iops);
		double on = (double)a->on_ns, cycle = (double)(a->on_ns + a->off_ns);
		double t0 = floor(before / on) * cycle + fmod(before, on);
		double t1 = floor(g->active_ns / on) * cycle + fmod(g->active_ns, on);
		return (uint64_t)llround(t1) - (uint64_t)llround(t0);
	}
	default:
		return (uint64_t)llround(gsl_ran_exponential(g->rng, 1e9 / a->iops));
	}
}

bool trc_gen_next(struct trc_gen *g, struct trc_rec *rec)
{
	const struct trc_gen_spec *sp = &g->spec;

	if (sp->requests && g->count >= sp->requests)
		return false;
	if (g->count)
		g->now_ns += next_gap(g);
	if (sp->duration_ns && g->now_ns >= sp->duration_ns)
		return false;
	/* Draw in a fixed order (pattern, size, offset, direction) so a seed fixes the trace. */
	struct pat_state *ps = &g->ps[sp->npat > 1 ? gsl_ran_discrete(g->rng, g->pat_pick) : 0];
	uint64_t size = draw_size(g);
	uint64_t off = draw_offset(g, ps, size);
	bool read = gsl_rng_uniform(g->rng) < sp->read_ratio;

	memset(rec, 0, sizeof(*rec));
	rec->time_ns = g->now_ns;
	rec->dev = sp->dev;
	rec->flags = read ? TRC_READ : TRC_WRITE;
	rec->sector = off / 512;
	rec->nsect = (uint32_t)(size / 512);
	rec->pid = sp->pid;
	rec->latency_ns = -1;
	trc_flags_to_rwbs(rec->flags, rec->rwbs);
	memcpy(rec->comm, g->comm, sizeof(rec->comm));
	g->count++;
	return true;
}

/* ---- blkparse text ---- */

struct pending_c {
	uint64_t time_ns, sector;
	uint32_t dev, nsect;
	char rwbs[8];
};

struct trc_bp_writer {
	FILE *fp;
	struct pending_c *q;
	size_t cap, head, count;
	uint64_t seq;
};

int trc_bp_writer_new(struct trc_bp_writer **out, FILE *fp, size_t max_pending)
{
	struct trc_bp_writer *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->q = calloc(max_pending ? max_pending : 1, sizeof(*w->q));
	if (!w->q) {
		free(w);
		return -ENOMEM;
	}
	w->cap = max_pending ? max_pending : 1;
	w->fp = fp;
	*out = w;
	return 0;
}

/* blkparse_fmt.c process_default: "%3d,%-3d %2d %8d %5d.%09lu %5u %2s %3s " then the rest. */
static int line(struct trc_bp_writer *w, uint32_t dev, uint64_t t, uint32_t pid, const char *act,
		const char *rwbs, uint64_t sector, uint32_t nsect, const char *tail)
{
	w->seq++;
	return fprintf(w->fp, "%3u,%-3u %2d %8llu %5llu.%09llu %5u %2s %3s %llu + %u %s\n",
		       TRC_MAJOR(dev), TRC_MINOR(dev), 0, (unsigned long long)w->seq,
		       (unsigned long long)(t / 1000000000ULL), (unsigned long long)(t % 1000000000ULL),
		       pid, act, rwbs, (unsigned long long)sector, nsect, tail) < 0
		       ? -EIO
		       : 0;
}

static int flush_until(struct trc_bp_writer *w, uint64_t t, bool all)
{
	while (w->count && (all || w->q[w->head].time_ns <= t)) {
		const struct pending_c *c = &w->q[w->head];
		if (line(w, c->dev, c->time_ns, 0, "C", c->rwbs, c->sector, c->nsect, "[0]"))
			return -EIO;
		w->head = (w->head + 1) % w->cap;
		w->count--;
	}
	return 0;
}

int trc_bp_write(struct trc_bp_writer *w, const struct trc_rec *r)
{
	char tail[TRC_COMM_MAX + 3];

	if (flush_until(w, r->time_ns, false))
		return -EIO;
	snprintf(tail, sizeof(tail), "[%s]", r->comm[0] ? r->comm : "(null)");
	if (line(w, r->dev, r->time_ns, r->pid, "Q", r->rwbs, r->sector, r->nsect, tail) ||
	    line(w, r->dev, r->time_ns, r->pid, "D", r->rwbs, r->sector, r->nsect, tail))
		return -EIO;
	if (r->latency_ns > 0) {
		if (w->count == w->cap)
			return -ENOSPC;
		struct pending_c *c = &w->q[(w->head + w->count) % w->cap];
		c->time_ns = r->time_ns + (uint64_t)r->latency_ns;
		c->sector = r->sector;
		c->dev = r->dev;
		c->nsect = r->nsect;
		memcpy(c->rwbs, r->rwbs, sizeof(c->rwbs));
		w->count++;
	}
	return 0;
}

int trc_bp_writer_finish(struct trc_bp_writer *w)
{
	int rc = flush_until(w, 0, true);

	if (fflush(w->fp))
		rc = -EIO;
	free(w->q);
	free(w);
	return rc;
}
