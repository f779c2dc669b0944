// SPDX-License-Identifier: GPL-2.0
/* stats.c - trace statistics: GSL histograms, exact percentiles, a bounded exact reuse tracker. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_histogram.h>

#include "sim/base/hashtab.h"
#include "sim/base/units.h"
#include "traces/btt.h"
#include "traces/exact.h"
#include "traces/procs.h"
#include "traces/trc_internal.h"
#include "traces/stats.h"

#define ALL_SAMPLED (1u << 24)
#define NSIZES 11 /* LRU hit ratios at 1 MiB * 4^k */
#define NQ EXACT_NQ
#define qs_milli exact_q_milli
#define PF_DEPTH 16 /* block accesses in flight between prefetch and use */

/* ---- reuse tracker: LRU stack distances over sampled blocks ---- */

struct tracker {
	struct hashtab tab;       /* block -> its last access stamp (sim/base/hashtab), load <= 1/2 */
	uint32_t *fen;            /* Fenwick tree over access stamps 1..fen_n */
	uint32_t *rev;            /* compaction scratch: slot of each stamp (fen_n entries) */
	uint64_t fen_n, clock;
	uint64_t max_blocks;
	uint32_t thresh;          /* a block is tracked if hash24(block) < thresh */
	bool oom;
	uint64_t work;            /* slots and stamps visited by compactions (a linear bound) */
};

/* The sampling hash (SHARDS): murmur3's finaliser, whose top bits are uniform. */
static inline uint32_t hash24(uint64_t b)
{
	b ^= 0x5bd1e9955bd1e995ULL;
	b ^= b >> 33;
	b *= 0xff51afd7ed558ccdULL;
	b ^= b >> 33;
	b *= 0xc4ceb9fe1a85ec53ULL;
	b ^= b >> 33;
	return (uint32_t)(b >> 40);
}

static void fen_add(struct tracker *k, uint64_t i, int32_t d)
{
	for (; i <= k->fen_n; i += i & (~i + 1))
		k->fen[i - 1] = (uint32_t)((int64_t)k->fen[i - 1] + d);
}

static uint64_t fen_sum(const struct tracker *k, uint64_t i)
{
	uint64_t s = 0;
	for (; i; i -= i & (~i + 1))
		s += k->fen[i - 1];
	return s;
}

/* Renumber the live stamps 1..used in order and rebuild the tree, in O(cap) without sorting:
 * stamps are distinct and at most fen_n, so scattering them by value orders them. */
static void compact(struct tracker *k)
{
	uint64_t n = 0;

	memset(k->rev, 0xff, k->fen_n * sizeof(*k->rev));
	/* the table's slots do not move here: only their stamps change (0: not stamped yet) */
	for (uint64_t i = 0; i < k->tab.cap; i++)
		if (k->tab.t[i].k1 && k->tab.t[i].val)
			k->rev[k->tab.t[i].val - 1] = (uint32_t)i;
	for (uint64_t i = 0; i < k->fen_n; i++)
		if (k->rev[i] != UINT32_MAX)
			k->tab.t[k->rev[i]].val = ++n;
	memset(k->fen, 0, k->fen_n * sizeof(*k->fen));
	for (uint64_t i = 1; i <= k->fen_n; i++) {
		k->fen[i - 1] += i <= n ? 1 : 0;
		uint64_t j = i + (i & (~i + 1));
		if (j <= k->fen_n)
			k->fen[j - 1] += k->fen[i - 1];
	}
	k->clock = n;
	k->work += k->tab.cap + 2 * k->fen_n;
}

/* New tables of cap slots (a power of two), keeping the tracked blocks that still qualify. */
static int resize(struct tracker *k, uint64_t cap)
{
	uint32_t *fen = malloc(cap * sizeof(*fen)), *rev = malloc(cap * sizeof(*rev));
	struct hashtab tab;

	/* cap / 4 * 3 entries fit cap slots: the table never grows by itself (load <= 1/2) */
	if (!fen || !rev || cap > UINT32_MAX || ht_init(&tab, cap / 4 * 3)) {
		free(fen);
		free(rev);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < k->tab.cap; i++) {
		const struct ht_ent *e = &k->tab.t[i];
		if (e->k1 && e->val && hash24(ht_key(e)) < k->thresh)
			*ht_put_absent(&tab, ht_key(e)) = e->val;
	}
	ht_fini(&k->tab);
	k->tab = tab;
	free(k->fen);
	free(k->rev);
	k->fen = fen;
	k->rev = rev;
	k->fen_n = cap;
	compact(k);
	return 0;
}

/* Access one block: -1 if not sampled, else its stack distance among tracked blocks (first
 * touch: UINT64_MAX). */
static uint64_t track(struct tracker *k, uint64_t block)
{
	uint32_t h = hash24(block);

	if (h >= k->thresh || k->oom)
		return (uint64_t)-1 - 1;
	uint64_t *ts = ht_get(&k->tab, block);
	bool found = ts != NULL;
	if (!found) {
		if (k->tab.nr >= k->max_blocks) {
			/* Full: halve the sampling rate, drop the blocks that no longer qualify. */
			k->thresh /= 2;
			if (resize(k, k->tab.cap)) {
				k->oom = true;
				return (uint64_t)-1 - 1;
			}
			if (h >= k->thresh)
				return (uint64_t)-1 - 1;
		} else if ((k->tab.nr + 1) * 2 > k->tab.cap) {
			if (resize(k, k->tab.cap * 2)) {
				k->oom = true;
				return (uint64_t)-1 - 1;
			}
		}
		ts = ht_put(&k->tab, block, NULL); /* stamp 0 until below; room was made above */
	}
	if (k->clock >= k->fen_n)
		compact(k); /* moves no slot: ts stays valid */
	uint64_t d = UINT64_MAX;
	if (found) {
		uint64_t prev = *ts;
		d = k->tab.nr - fen_sum(k, prev); /* tracked blocks touched since */
		fen_add(k, prev, -1);
	}
	*ts = ++k->clock;
	fen_add(k, k->clock, 1);
	return d;
}

/* ---- exact order statistics: traces/exact.c ---- */

/* Request sizes (in sectors, never 0) -> counts (sim/base/hashtab). */
struct sizemap {
	struct hashtab t;
	bool oom;
};

static void sizemap_add(struct sizemap *m, uint32_t nsect)
{
	uint64_t *c = m->oom ? NULL : ht_put(&m->t, nsect, NULL);

	if (c)
		(*c)++;
	else
		m->oom = true;
}

struct size_ent {
	uint64_t sectors, count;
};

static int cmp_size_ent(const void *a, const void *b)
{
	const struct size_ent *x = a, *y = b;
	return (x->sectors > y->sectors) - (x->sectors < y->sectors);
}

/* Exact summary of the sizes (in bytes). */
static bool sizes_summary(const struct sizemap *m, struct exact *e)
{
	memset(e, 0, sizeof(*e));
	if (!m->t.nr || m->oom)
		return false;
	struct size_ent *v = malloc(m->t.nr * sizeof(*v));
	if (!v)
		return false;
	size_t n = 0;
	uint64_t total = 0, pos = 0;
	double sum = 0; /* of integers below 2^53: exact, whatever the table's order */
	for (struct ht_ent *x; (x = ht_next(&m->t, &pos)); n++) {
		v[n].sectors = ht_key(x);
		v[n].count = x->val;
		total += x->val;
		sum += (double)v[n].sectors * 512.0 * (double)x->val;
	}
	qsort(v, n, sizeof(*v), cmp_size_ent);
	e->n = total;
	e->min = v[0].sectors * 512;
	e->max = v[n - 1].sectors * 512;
	e->mean = sum / (double)total;
	double sq = 0;
	for (size_t i = 0; i < n; i++) {
		double d = (double)v[i].sectors * 512.0 - e->mean;
		sq += d * d * (double)v[i].count;
	}
	e->sd = total > 1 ? sqrt(sq / (double)(total - 1)) : 0;
	for (int q = 0; q < NQ; q++) {
		uint64_t k = rank_of(total, qs_milli[q]), acc = 0;
		for (size_t i = 0; i < n; i++) {
			acc += v[i].count;
			if (acc >= k) {
				e->q[q] = v[i].sectors * 512;
				break;
			}
		}
	}
	free(v);
	return true;
}

/* ---- statistics ---- */

struct trc_stats {
	struct trc_stats_opts o;
	uint64_t n, reads, writes, discards, flush_only, other, fua, preflush, sync, meta, ahead;
	uint64_t bytes_r, bytes_w, bytes_d;
	uint64_t first_ns, last_ns, prev_ns;
	bool any;
	uint64_t ranged, sequential, backward_jumps;
	uint64_t prev_end;
	bool have_prev;
	uint64_t max_sector_end;
	gsl_histogram *size_h, *gap_h, *dist_h;
	struct sizemap sizes;
	struct u64vec gaps, lats;
	struct tracker k;
	double acc_w, cold_w, reuse_w, hits_w[NSIZES];
	uint64_t cache_blocks[NSIZES];
	/* Exact stack distances while every block is tracked: dcount[d] accesses at distance d
	 * (d < tracked blocks, so this costs 8 bytes per tracked block at most). */
	uint64_t *dcount;
	size_t dcap;
	bool dist_exact;
	uint64_t pf_q[PF_DEPTH]; /* block accesses not yet accounted (queue_block) */
	unsigned pf_head, pf_n;
	struct trc_btt *btt;     /* the events' breakdown (blkparse, blktrace; trc_stats_btt) */
	struct trc_procs *procs; /* per-process I/O */
};

void trc_stats_free(struct trc_stats *s)
{
	if (!s)
		return;
	if (s->size_h)
		gsl_histogram_free(s->size_h);
	if (s->gap_h)
		gsl_histogram_free(s->gap_h);
	if (s->dist_h)
		gsl_histogram_free(s->dist_h);
	ht_fini(&s->sizes.t);
	free(s->gaps.v);
	free(s->lats.v);
	free(s->dcount);
	ht_fini(&s->k.tab);
	free(s->k.fen);
	free(s->k.rev);
	trc_btt_free(s->btt);
	trc_procs_free(s->procs);
	free(s);
}

struct trc_btt *trc_stats_btt(struct trc_stats *s)
{
	return s->btt;
}

/* Power-of-two ranges: [0,1), [1,2), [2,4), ... [2^(n-2), 2^(n-1)). */
static gsl_histogram *log2_hist(size_t n, double unit)
{
	gsl_histogram *h = gsl_histogram_alloc(n);
	double r[80];

	if (!h || n + 1 > sizeof(r) / sizeof(r[0]))
		return h;
	r[0] = 0;
	for (size_t i = 1; i <= n; i++)
		r[i] = unit * ldexp(1.0, (int)i - 1);
	gsl_histogram_set_ranges(h, r, n + 1);
	return h;
}

int trc_stats_new(struct trc_stats **out, const struct trc_stats_opts *opts)
{
	struct trc_stats *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->o = *opts;
	if (!s->o.block_bytes)
		s->o.block_bytes = 4096;
	if (!s->o.max_blocks)
		s->o.max_blocks = TRC_STATS_MAX_BLOCKS_DEFAULT;
	if (s->o.block_bytes % 512 || s->o.max_blocks < 16 || s->o.max_blocks > (1ULL << 30)) {
		free(s);
		return -EINVAL;
	}
	s->size_h = log2_hist(36, 1.0);   /* bytes: up to 2^34 */
	s->gap_h = log2_hist(48, 1.0);    /* ns: up to 2^46 (~19 h) */
	s->dist_h = log2_hist(50, 1.0);   /* blocks */
	bool ok = s->size_h && s->gap_h && s->dist_h;
	s->k.max_blocks = s->o.max_blocks;
	s->k.thresh = ALL_SAMPLED;
	s->dist_exact = true;
	if (!ok || resize(&s->k, 1024) || ht_init(&s->sizes.t, 32) || trc_btt_new(&s->btt) ||
	    trc_procs_new(&s->procs)) {
		trc_stats_free(s);
		return -ENOMEM;
	}
	for (int i = 0; i < NSIZES; i++) {
		uint64_t bytes = (1ULL << 20) << (2 * i);
		s->cache_blocks[i] = bytes / s->o.block_bytes ? bytes / s->o.block_bytes : 1;
	}
	*out = s;
	return 0;
}

/* Add w to the bin of x in a log2_hist: bin 0 is [0, 1), bin i is [2^(i-1), 2^i) (the last bin
 * takes everything above). Computed from the bit length instead of gsl_histogram_accumulate's
 * binary search over the ranges: this runs for every request. */
static inline void hist_add_u64(gsl_histogram *h, uint64_t x, double w)
{
	size_t i = x ? (size_t)(64 - __builtin_clzll(x)) : 0;
	if (i >= h->n)
		i = h->n - 1;
	h->bin[i] += w;
}

static void count_distance(struct trc_stats *s, uint64_t d)
{
	if (!s->dist_exact)
		return;
	if (s->k.thresh != ALL_SAMPLED) {
		/* Sampling started: distances are estimates from now on. */
		s->dist_exact = false;
		free(s->dcount);
		s->dcount = NULL;
		s->dcap = 0;
		return;
	}
	if (d >= s->dcap) {
		size_t cap = s->dcap ? s->dcap : 1024;
		while (cap <= d)
			cap *= 2;
		uint64_t *v = realloc(s->dcount, cap * sizeof(*v));
		if (!v) {
			s->dist_exact = false;
			free(s->dcount);
			s->dcount = NULL;
			s->dcap = 0;
			return;
		}
		memset(v + s->dcap, 0, (cap - s->dcap) * sizeof(*v));
		s->dcount = v;
		s->dcap = cap;
	}
	s->dcount[d]++;
}

/* One block access: its stack distance into the counts, the histogram and the hit ratios. */
static void account_block(struct trc_stats *s, uint64_t b)
{
	uint64_t d = track(&s->k, b);
	if (d == (uint64_t)-1 - 1)
		return; /* not sampled */
	double w = (double)ALL_SAMPLED / (double)s->k.thresh;
	s->acc_w += w;
	if (d == UINT64_MAX) {
		s->cold_w += w;
		return;
	}
	count_distance(s, d);
	double ds = (double)d * w;
	s->reuse_w += w;
	/* bin edges are integers: the bin of floor(ds) is the bin of ds */
	hist_add_u64(s->dist_h, (uint64_t)ds, w);
	for (int i = 0; i < NSIZES; i++)
		if (ds < (double)s->cache_blocks[i])
			s->hits_w[i] += w;
}

/* Block accesses wait in a short FIFO whose entries' hash slots are prefetched: the table
 * lookup is a cache miss per access on large footprints, and this hides most of it. The
 * order of the accesses, and so every figure, is unchanged. */
static inline void queue_block(struct trc_stats *s, uint64_t b)
{
	__builtin_prefetch(ht_home(&s->k.tab, b));
	if (s->pf_n < PF_DEPTH) {
		s->pf_q[(s->pf_head + s->pf_n++) % PF_DEPTH] = b;
		return;
	}
	account_block(s, s->pf_q[s->pf_head]);
	s->pf_q[s->pf_head] = b;
	s->pf_head = (s->pf_head + 1) % PF_DEPTH;
}

static void flush_blocks(struct trc_stats *s)
{
	while (s->pf_n) {
		account_block(s, s->pf_q[s->pf_head]);
		s->pf_head = (s->pf_head + 1) % PF_DEPTH;
		s->pf_n--;
	}
}

void trc_stats_add(struct trc_stats *s, const struct trc_rec *r)
{
	uint64_t bytes = (uint64_t)r->nsect * 512;

	s->n++;
	trc_procs_add(s->procs, r);
	if (!s->any) {
		s->first_ns = r->time_ns;
		s->any = true;
	} else {
		uint64_t gap = r->time_ns >= s->prev_ns ? r->time_ns - s->prev_ns : 0;
		hist_add_u64(s->gap_h, gap, 1);
		vec_push(&s->gaps, gap);
	}
	s->prev_ns = r->time_ns;
	if (r->time_ns > s->last_ns)
		s->last_ns = r->time_ns;
	if (r->flags & TRC_FUA)
		s->fua++;
	if (r->flags & TRC_FLUSH)
		s->preflush++;
	if (r->flags & TRC_SYNC)
		s->sync++;
	if (r->flags & TRC_META)
		s->meta++;
	if (r->flags & TRC_AHEAD)
		s->ahead++;
	if (r->latency_ns >= 0)
		vec_push(&s->lats, (uint64_t)r->latency_ns);
	if (!r->nsect) {
		if (r->flags & TRC_FLUSH)
			s->flush_only++;
		else
			s->other++;
		return;
	}
	if (r->flags & TRC_DISCARD) {
		s->discards++;
		s->bytes_d += bytes;
		return; /* discards move no data: not part of sizes, footprint or reuse */
	} else if (r->flags & TRC_WRITE) {
		s->writes++;
		s->bytes_w += bytes;
	} else if (r->flags & TRC_READ) {
		s->reads++;
		s->bytes_r += bytes;
	} else {
		s->other++;
		return;
	}
	hist_add_u64(s->size_h, bytes, 1);
	sizemap_add(&s->sizes, r->nsect);

	s->ranged++;
	if (s->have_prev && r->sector == s->prev_end)
		s->sequential++;
	else if (s->have_prev && r->sector < s->prev_end)
		s->backward_jumps++;
	s->prev_end = r->sector + r->nsect;
	s->have_prev = true;
	if (s->prev_end > s->max_sector_end)
		s->max_sector_end = s->prev_end;

	uint64_t spb = s->o.block_bytes / 512;
	uint64_t b0 = r->sector / spb, b1 = (r->sector + r->nsect - 1) / spb;
	for (uint64_t b = b0; b <= b1; b++)
		queue_block(s, b);
}

uint64_t trc_stats_tracker_work(const struct trc_stats *s)
{
	return s->k.work;
}

/* ---- printing ---- */

/* sizes and times print as everywhere else (sim/base/units.c) */
static void fmt_bytes_d(double b, char *buf, size_t len)
{
	format_size(b <= 0 ? 0 : (uint64_t)b, buf, len);
}

/* "12.3 %", or "n/a" for 0 of 0 */
static const char *pct_text(double a, double b, char *buf, size_t len)
{
	if (b > 0)
		snprintf(buf, len, "%.1f %%", 100.0 * a / b);
	else
		snprintf(buf, len, "n/a");
	return buf;
}

/* JSON ratio, or null for 0 of 0 */
static void json_ratio(FILE *fp, double a, double b)
{
	if (b > 0)
		fprintf(fp, "%.6f", a / b);
	else
		fprintf(fp, "null");
}

/* Distance quantiles: exact from the counts, else the upper edge of the histogram bin where
 * the cumulative weight reaches q (an estimate under sampling). false if there is no reuse. */
static bool dist_quantile(const struct trc_stats *s, uint64_t q_milli, double *out)
{
	if (s->reuse_w <= 0)
		return false;
	if (s->dist_exact) {
		uint64_t total = 0, acc = 0;
		for (size_t d = 0; d < s->dcap; d++)
			total += s->dcount[d];
		uint64_t k = rank_of(total, q_milli);
		for (size_t d = 0; d < s->dcap; d++) {
			acc += s->dcount[d];
			if (acc >= k) {
				*out = (double)d;
				return true;
			}
		}
		return false;
	}
	const gsl_histogram *h = s->dist_h;
	double total = gsl_histogram_sum(h), acc = 0, lo, hi;
	for (size_t i = 0; i < gsl_histogram_bins(h); i++) {
		acc += gsl_histogram_get(h, i);
		if (acc >= (double)q_milli / 1000.0 * total) {
			gsl_histogram_get_range(h, i, &lo, &hi);
			*out = hi;
			return true;
		}
	}
	*out = gsl_histogram_max(h);
	return true;
}

static double tracker_mib(const struct trc_stats *s)
{
	const struct tracker *k = &s->k;
	return ((double)k->tab.cap * sizeof(struct ht_ent) + (double)k->fen_n * 2 * sizeof(uint32_t) +
		(double)s->dcap * sizeof(uint64_t)) /
	       1048576.0;
}

static void json_hist(FILE *fp, const gsl_histogram *h)
{
	bool first = true;
	for (size_t i = 0; i < gsl_histogram_bins(h); i++) {
		double lo, hi, v = gsl_histogram_get(h, i);
		if (!v)
			continue;
		gsl_histogram_get_range(h, i, &lo, &hi);
		fprintf(fp, "%s{\"from\": %.0f, \"to\": %.0f, \"count\": %.0f}", first ? "" : ", ", lo, hi,
			v);
		first = false;
	}
}

static void text_hist(FILE *fp, const gsl_histogram *h, double total, bool bytes)
{
	char a[64], b[64];
	for (size_t i = 0; i < gsl_histogram_bins(h); i++) {
		double lo, hi, v = gsl_histogram_get(h, i);
		if (!v)
			continue;
		gsl_histogram_get_range(h, i, &lo, &hi);
		if (bytes) {
			fmt_bytes_d(lo, a, sizeof(a));
			fmt_bytes_d(hi, b, sizeof(b));
		} else {
			format_time_ns(lo, a, sizeof(a));
			format_time_ns(hi, b, sizeof(b));
		}
		fprintf(fp, "  %10s .. < %-10s %10.0f  %5.1f %%\n", a, b, v, 100.0 * v / total);
	}
}

/* "mean M, p50 A, p90 B, p99 C, max X" in the unit of fmt */
static void text_exact(FILE *fp, const struct exact *e, void (*fmt)(double, char *, size_t))
{
	char a[64];
	fmt(e->mean, a, sizeof(a));
	fprintf(fp, "mean %s", a);
	for (int i = 0; i < NQ; i++) {
		fmt((double)e->q[i], a, sizeof(a));
		fprintf(fp, ", p%llu %s", (unsigned long long)(qs_milli[i] / 10), a);
	}
	fmt((double)e->max, a, sizeof(a));
	fprintf(fp, ", max %s", a);
}

static void json_exact(FILE *fp, const struct exact *e)
{
	fprintf(fp, "\"mean\": %.1f, \"sd\": %.1f, \"min\": %llu, \"max\": %llu, \"p50\": %llu, "
		    "\"p90\": %llu, \"p99\": %llu",
		e->mean, e->sd, (unsigned long long)e->min, (unsigned long long)e->max,
		(unsigned long long)e->q[0], (unsigned long long)e->q[1], (unsigned long long)e->q[2]);
}

/* {"mean": ..., "histogram": [...]}, or null without values. */
static void json_dist(FILE *fp, const struct exact *e, const gsl_histogram *h)
{
	if (!e) {
		fprintf(fp, "null");
		return;
	}
	fprintf(fp, "{");
	json_exact(fp, e);
	fprintf(fp, ", \"histogram\": [");
	json_hist(fp, h);
	fprintf(fp, "]}");
}

void trc_stats_print(struct trc_stats *s, FILE *fp, bool json, const char *name, const char *format,
		     char event, const uint32_t *device, const struct trc_counts *c)
{
	flush_blocks(s);
	double span_s = s->any ? (double)(s->last_ns - s->first_ns) / 1e9 : 0;
	double rate = (double)s->k.thresh / ALL_SAMPLED;
	double footprint_blocks = (double)s->k.tab.nr / rate;
	uint64_t data_reqs = s->reads + s->writes;
	struct exact e_size, e_gap, e_lat;
	bool have_size = sizes_summary(&s->sizes, &e_size);
	bool have_gap = vec_summary(&s->gaps, &e_gap);
	bool have_lat = vec_summary(&s->lats, &e_lat);
	double d50 = 0, d90 = 0;
	bool have_dist = dist_quantile(s, 500, &d50) && dist_quantile(s, 900, &d90);
	bool lost = s->sizes.oom || s->gaps.oom || s->lats.oom;

	if (json) {
		fprintf(fp, "{\"file\": ");
		trc_json_str(fp, name);
		fprintf(fp, ", \"format\": ");
		trc_json_str(fp, format);
		fprintf(fp, ", \"event\": ");
		if (event)
			fprintf(fp, "\"%c\"", event);
		else
			fprintf(fp, "null");
		if (device)
			fprintf(fp, ", \"device\": \"%u,%u\"", TRC_MAJOR(*device), TRC_MINOR(*device));
		else
			fprintf(fp, ", \"device\": null");
		fprintf(fp,
			",\n \"requests\": %llu, \"reads\": %llu, \"writes\": %llu, \"discards\": %llu, "
			"\"flushes_without_data\": %llu, \"other\": %llu,\n \"fua\": %llu, "
			"\"preflush\": %llu, \"sync\": %llu, \"meta\": %llu, \"readahead\": %llu,\n"
			" \"read_bytes\": %llu, \"write_bytes\": %llu, \"discard_bytes\": %llu,\n",
			(unsigned long long)s->n, (unsigned long long)s->reads,
			(unsigned long long)s->writes, (unsigned long long)s->discards,
			(unsigned long long)s->flush_only, (unsigned long long)s->other,
			(unsigned long long)s->fua, (unsigned long long)s->preflush,
			(unsigned long long)s->sync, (unsigned long long)s->meta,
			(unsigned long long)s->ahead, (unsigned long long)s->bytes_r,
			(unsigned long long)s->bytes_w, (unsigned long long)s->bytes_d);
		fprintf(fp, " \"read_fraction\": ");
		json_ratio(fp, (double)s->reads, (double)data_reqs);
		fprintf(fp, ",\n \"first_ns\": %llu, \"last_ns\": %llu, \"span_s\": %.9f, \"iops\": ",
			(unsigned long long)s->first_ns, (unsigned long long)s->last_ns, span_s);
		if (span_s > 0)
			fprintf(fp, "%.3f", (double)s->n / span_s);
		else
			fprintf(fp, "null");
		fprintf(fp, ",\n \"percentiles\": \"exact (nearest rank)\",\n \"size_bytes\": ");
		json_dist(fp, have_size ? &e_size : NULL, s->size_h);
		fprintf(fp, ",\n \"interarrival_ns\": ");
		json_dist(fp, have_gap ? &e_gap : NULL, s->gap_h);
		fprintf(fp, ",\n \"sequential_fraction\": ");
		json_ratio(fp, (double)s->sequential, s->ranged > 1 ? (double)(s->ranged - 1) : 0);
		fprintf(fp, ", \"backward_fraction\": ");
		json_ratio(fp, (double)s->backward_jumps, s->ranged > 1 ? (double)(s->ranged - 1) : 0);
		fprintf(fp, ",\n \"block_bytes\": %llu, \"footprint_blocks\": %.0f, \"footprint_bytes\": %.0f, "
			    "\"sampling_rate\": %.9f, \"tracker_mib\": %.1f,\n",
			(unsigned long long)s->o.block_bytes, footprint_blocks,
			footprint_blocks * (double)s->o.block_bytes, rate, tracker_mib(s));
		fprintf(fp, " \"reuse\": {\"block_accesses\": %.0f, \"first_touches\": %.0f, "
			    "\"reuses\": %.0f, \"reuse_fraction\": ",
			s->acc_w, s->cold_w, s->reuse_w);
		json_ratio(fp, s->reuse_w, s->acc_w);
		fprintf(fp, ", \"distance_exact\": %s, ", s->dist_exact ? "true" : "false");
		if (have_dist)
			fprintf(fp, "\"distance_p50_blocks\": %.0f, \"distance_p90_blocks\": %.0f", d50, d90);
		else
			fprintf(fp, "\"distance_p50_blocks\": null, \"distance_p90_blocks\": null");
		fprintf(fp, ", \"lru_hit_ratio\": [");
		for (int i = 0; i < NSIZES; i++) {
			fprintf(fp, "%s{\"cache_bytes\": %llu, \"hit_ratio\": ", i ? ", " : "",
				(unsigned long long)(s->cache_blocks[i] * s->o.block_bytes));
			json_ratio(fp, s->hits_w[i], s->acc_w);
			fprintf(fp, "}");
		}
		fprintf(fp, "]},\n \"latency_ns\": ");
		if (have_lat) {
			fprintf(fp, "{\"count\": %llu, ", (unsigned long long)e_lat.n);
			json_exact(fp, &e_lat);
			fprintf(fp, "}");
		} else {
			fprintf(fp, "null");
		}
		fprintf(fp, ",\n \"btt\": ");
		if (trc_btt_any(s->btt))
			trc_btt_print(s->btt, fp, true);
		else
			fprintf(fp, "null");
		fprintf(fp, ",\n \"processes\": ");
		if (trc_procs_known(s->procs))
			trc_procs_print(s->procs, fp, true, 0);
		else
			fprintf(fp, "null");
		fprintf(fp, ",\n \"reader\": {\"skipped_lines\": %llu, \"skipped_bad\": %llu, "
			    "\"skipped_zoned\": %llu, \"skipped_pc\": %llu, \"other_device\": %llu, "
			    "\"remaps\": %llu, \"reordered\": %llu, \"inversions\": %llu, \"unpaired\": %llu}}\n",
			(unsigned long long)c->skipped_lines, (unsigned long long)c->skipped_bad,
			(unsigned long long)c->skipped_zoned, (unsigned long long)c->skipped_pc,
			(unsigned long long)c->skipped_other_dev, (unsigned long long)c->remaps,
			(unsigned long long)c->reordered, (unsigned long long)c->inversions,
			(unsigned long long)c->unpaired);
		return;
	}

	char a[64], b[64], d[64];
	fprintf(fp, "trace        %s (%s", name, format);
	if (event)
		fprintf(fp, ", event %c", event);
	if (device)
		fprintf(fp, ", device %u,%u", TRC_MAJOR(*device), TRC_MINOR(*device));
	fprintf(fp, ")\n");
	fprintf(fp, "requests     %llu: %llu reads (%s), %llu writes (%s), %llu discards, "
		    "%llu flushes without data, %llu other\n",
		(unsigned long long)s->n, (unsigned long long)s->reads,
		pct_text((double)s->reads, (double)data_reqs, a, sizeof(a)), (unsigned long long)s->writes,
		pct_text((double)s->writes, (double)data_reqs, b, sizeof(b)),
		(unsigned long long)s->discards, (unsigned long long)s->flush_only,
		(unsigned long long)s->other);
	fprintf(fp, "flags        %llu preflush, %llu FUA, %llu sync, %llu metadata, %llu readahead\n",
		(unsigned long long)s->preflush, (unsigned long long)s->fua, (unsigned long long)s->sync,
		(unsigned long long)s->meta, (unsigned long long)s->ahead);
	fmt_bytes_d((double)s->bytes_r, a, sizeof(a));
	fmt_bytes_d((double)s->bytes_w, b, sizeof(b));
	fmt_bytes_d((double)s->bytes_d, d, sizeof(d));
	fprintf(fp, "bytes        %s read, %s written, %s discarded\n", a, b, d);
	format_time_ns((double)(s->last_ns - s->first_ns), a, sizeof(a));
	fprintf(fp, "time span    %s (%.9f s .. %.9f s)", a, (double)s->first_ns / 1e9,
		(double)s->last_ns / 1e9);
	if (span_s > 0)
		fprintf(fp, ", %.1f IOPS, %.2f MiB/s", (double)s->n / span_s,
			(double)(s->bytes_r + s->bytes_w) / span_s / 1048576.0);
	fprintf(fp, "\n");
	if (lost)
		fprintf(fp, "percentiles  n/a: out of memory for the exact values\n");
	if (have_size) {
		fprintf(fp, "sizes        ");
		text_exact(fp, &e_size, fmt_bytes_d);
		fprintf(fp, " (reads and writes)\n");
		text_hist(fp, s->size_h, (double)data_reqs, true);
	}
	if (have_gap) {
		format_time_ns(e_gap.sd, a, sizeof(a));
		fprintf(fp, "inter-arrival ");
		text_exact(fp, &e_gap, format_time_ns);
		fprintf(fp, " (sd %s)\n", a);
		text_hist(fp, s->gap_h, (double)(s->n - 1), false);
	}
	fprintf(fp, "sequential   %s of data requests start where the previous one ended; %s jump "
		    "backwards\n",
		pct_text((double)s->sequential, s->ranged > 1 ? (double)(s->ranged - 1) : 0, a, sizeof(a)),
		pct_text((double)s->backward_jumps, s->ranged > 1 ? (double)(s->ranged - 1) : 0, b,
			 sizeof(b)));
	fmt_bytes_d(footprint_blocks * (double)s->o.block_bytes, a, sizeof(a));
	fmt_bytes_d((double)s->o.block_bytes, b, sizeof(b));
	fprintf(fp, "footprint    %.0f blocks of %s = %s%s\n", footprint_blocks, b, a,
		rate < 1 ? " (estimated from a sample)" : "");
	fprintf(fp, "reuse        %.0f block accesses: %.0f first touches, %.0f reuses (%s); ",
		s->acc_w, s->cold_w, s->reuse_w, pct_text(s->reuse_w, s->acc_w, a, sizeof(a)));
	if (!have_dist)
		fprintf(fp, "stack distance n/a (no reuse)\n");
	else if (s->dist_exact)
		fprintf(fp, "stack distance p50 %.0f, p90 %.0f blocks\n", d50, d90);
	else
		fprintf(fp, "stack distance p50 <= %.0f, p90 <= %.0f blocks (estimated)\n", d50, d90);
	fprintf(fp, "LRU hits     ");
	for (int i = 0; i < NSIZES; i++) {
		double cache = (double)(s->cache_blocks[i] * s->o.block_bytes);
		if (i && cache > 4 * footprint_blocks * (double)s->o.block_bytes)
			break;
		fmt_bytes_d(cache, a, sizeof(a));
		fprintf(fp, "%s%s %s", i ? ", " : "", a, pct_text(s->hits_w[i], s->acc_w, b, sizeof(b)));
	}
	fprintf(fp, "\n");
	fprintf(fp, "tracker      %.1f MiB for %llu blocks, sampling rate %s%.6g%s\n", tracker_mib(s),
		(unsigned long long)s->k.tab.nr, rate < 1 ? "1/" : "", rate < 1 ? 1 / rate : rate,
		s->k.oom ? " (out of memory: footprint and reuse stop there)"
		: rate < 1 ? " (figures scaled)" : " (exact)");
	if (have_lat) {
		fprintf(fp, "latency      %llu measured: ", (unsigned long long)e_lat.n);
		text_exact(fp, &e_lat, format_time_ns);
		fprintf(fp, "\n");
	}
	if (trc_btt_any(s->btt))
		trc_btt_print(s->btt, fp, false);
	if (trc_procs_known(s->procs))
		trc_procs_print(s->procs, fp, false, 10);
	fprintf(fp, "reader       %llu %s skipped, %llu malformed, %llu zoned, %llu pass-through, "
		    "%llu other device, %llu remaps, %llu reordered, %llu out of order, %llu unpaired\n",
		(unsigned long long)c->skipped_lines, c->skipped_unit,
		(unsigned long long)c->skipped_bad, (unsigned long long)c->skipped_zoned,
		(unsigned long long)c->skipped_pc, (unsigned long long)c->skipped_other_dev,
		(unsigned long long)c->remaps, (unsigned long long)c->reordered,
		(unsigned long long)c->inversions, (unsigned long long)c->unpaired);
}
