// SPDX-License-Identifier: GPL-2.0
/* stats.c - trace statistics: GSL histograms and running statistics, a bounded reuse tracker. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_histogram.h>
#include <gsl/gsl_rstat.h>

#include "sim/units.h"
#include "traces/stats.h"

#define ALL_SAMPLED (1u << 24)
#define NSIZES 11 /* LRU hit ratios at 1 MiB * 4^k */
#define NQ 3      /* quantiles: 0.5, 0.9, 0.99 */

static const double qs[NQ] = {0.5, 0.9, 0.99};

/* ---- reuse tracker: LRU stack distances over sampled blocks ---- */

struct rd_ent {
	uint64_t block;
	uint64_t ts; /* 0: empty slot */
};

struct tracker {
	struct rd_ent *tab;
	uint64_t cap, used;       /* open addressing, load <= 1/2 */
	uint32_t *fen;            /* Fenwick tree over access stamps 1..fen_n */
	uint64_t fen_n, clock;
	struct rd_ent *tmp;       /* compaction scratch, cap / 2 entries */
	uint64_t max_blocks;
	uint32_t thresh;          /* a block is tracked if hash24(block) < thresh */
	bool oom;
};

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static inline uint32_t hash24(uint64_t b)
{
	return (uint32_t)(mix64(b ^ 0x5bd1e9955bd1e995ULL) >> 40);
}

static inline uint64_t slot_of(const struct tracker *k, uint64_t block)
{
	return mix64(block) & (k->cap - 1);
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

static int cmp_ts(const void *a, const void *b)
{
	const struct rd_ent *x = a, *y = b;
	return (x->ts > y->ts) - (x->ts < y->ts);
}

/* Renumber the live stamps 1..used in order, in place, and rebuild the tree in O(n). */
static void compact(struct tracker *k)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < k->cap; i++)
		if (k->tab[i].ts) {
			k->tmp[n].block = i; /* slot index */
			k->tmp[n].ts = k->tab[i].ts;
			n++;
		}
	qsort(k->tmp, n, sizeof(*k->tmp), cmp_ts);
	for (uint64_t i = 0; i < n; i++)
		k->tab[k->tmp[i].block].ts = i + 1;
	memset(k->fen, 0, k->fen_n * sizeof(*k->fen));
	for (uint64_t i = 1; i <= k->fen_n; i++) {
		k->fen[i - 1] += i <= n ? 1 : 0;
		uint64_t j = i + (i & (~i + 1));
		if (j <= k->fen_n)
			k->fen[j - 1] += k->fen[i - 1];
	}
	k->clock = n;
}

static void reinsert(struct tracker *k, struct rd_ent *old, uint64_t old_cap)
{
	for (uint64_t i = 0; i < old_cap; i++) {
		if (!old[i].ts || hash24(old[i].block) >= k->thresh)
			continue;
		uint64_t s = slot_of(k, old[i].block);
		while (k->tab[s].ts)
			s = (s + 1) & (k->cap - 1);
		k->tab[s] = old[i];
		k->used++;
	}
}

/* New tables of cap slots (a power of two), keeping the tracked blocks that still qualify. */
static int resize(struct tracker *k, uint64_t cap)
{
	struct rd_ent *old = k->tab, *tab = calloc(cap, sizeof(*tab));
	uint32_t *fen = malloc(cap * sizeof(*fen));
	struct rd_ent *tmp = malloc((cap / 2 + 1) * sizeof(*tmp));
	uint64_t old_cap = k->cap;

	if (!tab || !fen || !tmp) {
		free(tab);
		free(fen);
		free(tmp);
		return -ENOMEM;
	}
	k->tab = tab;
	k->cap = cap;
	k->used = 0;
	free(k->fen);
	free(k->tmp);
	k->fen = fen;
	k->fen_n = cap;
	k->tmp = tmp;
	if (old)
		reinsert(k, old, old_cap);
	free(old);
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
	uint64_t s = slot_of(k, block);
	while (k->tab[s].ts && k->tab[s].block != block)
		s = (s + 1) & (k->cap - 1);
	bool found = k->tab[s].ts != 0;
	if (!found) {
		if (k->used >= k->max_blocks) {
			/* Full: halve the sampling rate, drop the blocks that no longer qualify. */
			k->thresh /= 2;
			if (resize(k, k->cap)) {
				k->oom = true;
				return (uint64_t)-1 - 1;
			}
			if (h >= k->thresh)
				return (uint64_t)-1 - 1;
		} else if ((k->used + 1) * 2 > k->cap) {
			if (resize(k, k->cap * 2)) {
				k->oom = true;
				return (uint64_t)-1 - 1;
			}
		}
		s = slot_of(k, block);
		while (k->tab[s].ts && k->tab[s].block != block)
			s = (s + 1) & (k->cap - 1);
	}
	if (k->clock >= k->fen_n)
		compact(k);
	uint64_t d = UINT64_MAX;
	if (found) {
		uint64_t prev = k->tab[s].ts;
		d = k->used - fen_sum(k, prev); /* tracked blocks touched since */
		fen_add(k, prev, -1);
	} else {
		k->tab[s].block = block;
		k->used++;
	}
	k->tab[s].ts = ++k->clock;
	fen_add(k, k->clock, 1);
	return d;
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
	gsl_rstat_workspace *size_r, *gap_r, *lat_r;
	gsl_rstat_quantile_workspace *size_q[NQ], *gap_q[NQ], *lat_q[NQ];
	struct tracker k;
	double acc_w, cold_w, reuse_w, hits_w[NSIZES];
	uint64_t cache_blocks[NSIZES];
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
	if (s->size_r)
		gsl_rstat_free(s->size_r);
	if (s->gap_r)
		gsl_rstat_free(s->gap_r);
	if (s->lat_r)
		gsl_rstat_free(s->lat_r);
	for (int i = 0; i < NQ; i++) {
		if (s->size_q[i])
			gsl_rstat_quantile_free(s->size_q[i]);
		if (s->gap_q[i])
			gsl_rstat_quantile_free(s->gap_q[i]);
		if (s->lat_q[i])
			gsl_rstat_quantile_free(s->lat_q[i]);
	}
	free(s->k.tab);
	free(s->k.fen);
	free(s->k.tmp);
	free(s);
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
		s->o.max_blocks = 1u << 20;
	if (s->o.block_bytes % 512 || s->o.max_blocks < 16) {
		free(s);
		return -EINVAL;
	}
	s->size_h = log2_hist(36, 1.0);   /* bytes: up to 2^34 */
	s->gap_h = log2_hist(48, 1.0);    /* ns: up to 2^46 (~19 h) */
	s->dist_h = log2_hist(50, 1.0);   /* blocks */
	s->size_r = gsl_rstat_alloc();
	s->gap_r = gsl_rstat_alloc();
	s->lat_r = gsl_rstat_alloc();
	bool ok = s->size_h && s->gap_h && s->dist_h && s->size_r && s->gap_r && s->lat_r;
	for (int i = 0; i < NQ; i++) {
		s->size_q[i] = gsl_rstat_quantile_alloc(qs[i]);
		s->gap_q[i] = gsl_rstat_quantile_alloc(qs[i]);
		s->lat_q[i] = gsl_rstat_quantile_alloc(qs[i]);
		ok = ok && s->size_q[i] && s->gap_q[i] && s->lat_q[i];
	}
	s->k.max_blocks = s->o.max_blocks;
	s->k.thresh = ALL_SAMPLED;
	if (!ok || resize(&s->k, 1024)) {
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

static void hist_add(gsl_histogram *h, double x, double w)
{
	double top = gsl_histogram_max(h);
	if (x >= top)
		x = nextafter(top, 0);
	if (x < 0)
		x = 0;
	gsl_histogram_accumulate(h, x, w);
}

void trc_stats_add(struct trc_stats *s, const struct trc_rec *r)
{
	uint64_t bytes = (uint64_t)r->nsect * 512;

	s->n++;
	if (!s->any) {
		s->first_ns = r->time_ns;
		s->any = true;
	} else {
		uint64_t gap = r->time_ns >= s->prev_ns ? r->time_ns - s->prev_ns : 0;
		hist_add(s->gap_h, (double)gap, 1);
		gsl_rstat_add((double)gap, s->gap_r);
		for (int i = 0; i < NQ; i++)
			gsl_rstat_quantile_add((double)gap, s->gap_q[i]);
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
	if (r->latency_ns >= 0) {
		gsl_rstat_add((double)r->latency_ns, s->lat_r);
		for (int i = 0; i < NQ; i++)
			gsl_rstat_quantile_add((double)r->latency_ns, s->lat_q[i]);
	}
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
	hist_add(s->size_h, (double)bytes, 1);
	gsl_rstat_add((double)bytes, s->size_r);
	for (int i = 0; i < NQ; i++)
		gsl_rstat_quantile_add((double)bytes, s->size_q[i]);

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
	for (uint64_t b = b0; b <= b1; b++) {
		uint64_t d = track(&s->k, b);
		if (d == (uint64_t)-1 - 1)
			continue; /* not sampled */
		double w = (double)ALL_SAMPLED / (double)s->k.thresh;
		s->acc_w += w;
		if (d == UINT64_MAX) {
			s->cold_w += w;
			continue;
		}
		double ds = (double)d * w;
		s->reuse_w += w;
		hist_add(s->dist_h, ds, w);
		for (int i = 0; i < NSIZES; i++)
			if (ds < (double)s->cache_blocks[i])
				s->hits_w[i] += w;
	}
}

/* ---- printing ---- */

/* sizes and times print as everywhere else (sim/units.c) */
static void fmt_bytes_d(double b, char *buf, size_t len)
{
	format_size(b <= 0 ? 0 : (uint64_t)b, buf, len);
}


static double pct(double a, double b)
{
	return b > 0 ? 100.0 * a / b : 0.0;
}

/* Upper edge of the histogram bin where the cumulative weight reaches q of the total. */
static double hist_quantile(const gsl_histogram *h, double q)
{
	double total = gsl_histogram_sum(h), acc = 0;
	double lo, hi;

	if (total <= 0)
		return 0;
	for (size_t i = 0; i < gsl_histogram_bins(h); i++) {
		acc += gsl_histogram_get(h, i);
		if (acc >= q * total) {
			gsl_histogram_get_range(h, i, &lo, &hi);
			return hi;
		}
	}
	return gsl_histogram_max(h);
}

static void json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

static double tracker_mib(const struct tracker *k)
{
	return ((double)k->cap * sizeof(struct rd_ent) + (double)k->fen_n * sizeof(uint32_t) +
		(double)(k->cap / 2 + 1) * sizeof(struct rd_ent)) / 1048576.0;
}

void trc_stats_print(struct trc_stats *s, FILE *fp, bool json, const char *name, const char *format,
		     char event, const uint32_t *device, const struct trc_counts *c)
{
	double span_s = s->any ? (double)(s->last_ns - s->first_ns) / 1e9 : 0;
	double rate = (double)s->k.thresh / ALL_SAMPLED;
	double footprint_blocks = (double)s->k.used / rate;
	uint64_t data_reqs = s->reads + s->writes;
	double q_size[NQ], q_gap[NQ], q_lat[NQ];
	bool have_gap = gsl_rstat_n(s->gap_r) > 0, have_lat = gsl_rstat_n(s->lat_r) > 0;
	bool have_size = gsl_rstat_n(s->size_r) > 0;

	for (int i = 0; i < NQ; i++) {
		q_size[i] = have_size ? gsl_rstat_quantile_get(s->size_q[i]) : 0;
		q_gap[i] = have_gap ? gsl_rstat_quantile_get(s->gap_q[i]) : 0;
		q_lat[i] = have_lat ? gsl_rstat_quantile_get(s->lat_q[i]) : 0;
	}
	if (json) {
		fprintf(fp, "{\"file\": ");
		json_str(fp, name);
		fprintf(fp, ", \"format\": ");
		json_str(fp, format);
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
		fprintf(fp, " \"read_fraction\": %.6f,\n", data_reqs ? (double)s->reads / (double)data_reqs : 0);
		fprintf(fp, " \"first_ns\": %llu, \"last_ns\": %llu, \"span_s\": %.9f, \"iops\": %.3f,\n",
			(unsigned long long)s->first_ns, (unsigned long long)s->last_ns, span_s,
			span_s > 0 ? (double)s->n / span_s : 0);
		fprintf(fp, " \"size_bytes\": {\"mean\": %.1f, \"min\": %.0f, \"max\": %.0f, "
			    "\"p50\": %.0f, \"p90\": %.0f, \"p99\": %.0f, \"histogram\": [",
			have_size ? gsl_rstat_mean(s->size_r) : 0, have_size ? gsl_rstat_min(s->size_r) : 0,
			have_size ? gsl_rstat_max(s->size_r) : 0, q_size[0], q_size[1], q_size[2]);
		bool first = true;
		for (size_t i = 0; i < gsl_histogram_bins(s->size_h); i++) {
			double lo, hi, v = gsl_histogram_get(s->size_h, i);
			if (!v)
				continue;
			gsl_histogram_get_range(s->size_h, i, &lo, &hi);
			fprintf(fp, "%s{\"from\": %.0f, \"to\": %.0f, \"count\": %.0f}", first ? "" : ", ", lo,
				hi, v);
			first = false;
		}
		fprintf(fp, "]},\n \"interarrival_ns\": {\"mean\": %.1f, \"sd\": %.1f, \"min\": %.0f, "
			    "\"max\": %.0f, \"p50\": %.0f, \"p90\": %.0f, \"p99\": %.0f, \"histogram\": [",
			have_gap ? gsl_rstat_mean(s->gap_r) : 0, have_gap ? gsl_rstat_sd(s->gap_r) : 0,
			have_gap ? gsl_rstat_min(s->gap_r) : 0, have_gap ? gsl_rstat_max(s->gap_r) : 0,
			q_gap[0], q_gap[1], q_gap[2]);
		first = true;
		for (size_t i = 0; i < gsl_histogram_bins(s->gap_h); i++) {
			double lo, hi, v = gsl_histogram_get(s->gap_h, i);
			if (!v)
				continue;
			gsl_histogram_get_range(s->gap_h, i, &lo, &hi);
			fprintf(fp, "%s{\"from\": %.0f, \"to\": %.0f, \"count\": %.0f}", first ? "" : ", ", lo,
				hi, v);
			first = false;
		}
		fprintf(fp, "]},\n \"sequential_fraction\": %.6f, \"backward_fraction\": %.6f,\n",
			s->ranged > 1 ? (double)s->sequential / (double)(s->ranged - 1) : 0,
			s->ranged > 1 ? (double)s->backward_jumps / (double)(s->ranged - 1) : 0);
		fprintf(fp, " \"block_bytes\": %llu, \"footprint_blocks\": %.0f, \"footprint_bytes\": %.0f, "
			    "\"sampling_rate\": %.9f, \"tracker_mib\": %.1f,\n",
			(unsigned long long)s->o.block_bytes, footprint_blocks,
			footprint_blocks * (double)s->o.block_bytes, rate, tracker_mib(&s->k));
		fprintf(fp, " \"reuse\": {\"block_accesses\": %.0f, \"first_touches\": %.0f, "
			    "\"reuses\": %.0f, \"reuse_fraction\": %.6f, \"distance_p50_blocks\": %.0f, "
			    "\"distance_p90_blocks\": %.0f, \"lru_hit_ratio\": [",
			s->acc_w, s->cold_w, s->reuse_w, s->acc_w > 0 ? s->reuse_w / s->acc_w : 0,
			hist_quantile(s->dist_h, 0.5), hist_quantile(s->dist_h, 0.9));
		for (int i = 0; i < NSIZES; i++)
			fprintf(fp, "%s{\"cache_bytes\": %llu, \"hit_ratio\": %.6f}", i ? ", " : "",
				(unsigned long long)(s->cache_blocks[i] * s->o.block_bytes),
				s->acc_w > 0 ? s->hits_w[i] / s->acc_w : 0);
		fprintf(fp, "]},\n \"latency_ns\": ");
		if (have_lat)
			fprintf(fp, "{\"count\": %zu, \"mean\": %.1f, \"p50\": %.0f, \"p90\": %.0f, "
				    "\"p99\": %.0f, \"max\": %.0f}",
				gsl_rstat_n(s->lat_r), gsl_rstat_mean(s->lat_r), q_lat[0], q_lat[1], q_lat[2],
				gsl_rstat_max(s->lat_r));
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
	fprintf(fp, "requests     %llu: %llu reads (%.1f %%), %llu writes (%.1f %%), %llu discards, "
		    "%llu flushes without data, %llu other\n",
		(unsigned long long)s->n, (unsigned long long)s->reads, pct((double)s->reads, (double)data_reqs),
		(unsigned long long)s->writes, pct((double)s->writes, (double)data_reqs),
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
	if (have_size) {
		fmt_bytes_d(gsl_rstat_mean(s->size_r), a, sizeof(a));
		fmt_bytes_d(q_size[0], b, sizeof(b));
		fmt_bytes_d(q_size[2], d, sizeof(d));
		fprintf(fp, "sizes        mean %s, p50 ~%s, p99 ~%s (reads and writes)\n", a, b, d);
		for (size_t i = 0; i < gsl_histogram_bins(s->size_h); i++) {
			double lo, hi, v = gsl_histogram_get(s->size_h, i);
			if (!v)
				continue;
			gsl_histogram_get_range(s->size_h, i, &lo, &hi);
			fmt_bytes_d(lo, a, sizeof(a));
			fmt_bytes_d(hi, b, sizeof(b));
			fprintf(fp, "  %10s .. < %-10s %10.0f  %5.1f %%\n", a, b, v,
				pct(v, (double)(s->reads + s->writes)));
		}
	}
	if (have_gap) {
		char sd[64];
		format_time_ns(gsl_rstat_mean(s->gap_r), a, sizeof(a));
		format_time_ns(gsl_rstat_sd(s->gap_r), sd, sizeof(sd));
		format_time_ns(q_gap[0], b, sizeof(b));
		format_time_ns(q_gap[2], d, sizeof(d));
		fprintf(fp, "inter-arrival mean %s (sd %s), p50 ~%s, p99 ~%s\n", a, sd, b, d);
		for (size_t i = 0; i < gsl_histogram_bins(s->gap_h); i++) {
			double lo, hi, v = gsl_histogram_get(s->gap_h, i);
			if (!v)
				continue;
			gsl_histogram_get_range(s->gap_h, i, &lo, &hi);
			format_time_ns(lo, a, sizeof(a));
			format_time_ns(hi, b, sizeof(b));
			fprintf(fp, "  %10s .. < %-10s %10.0f  %5.1f %%\n", a, b, v,
				pct(v, (double)(s->n - 1)));
		}
	}
	fprintf(fp, "sequential   %.1f %% of data requests start where the previous one ended; "
		    "%.1f %% jump backwards\n",
		s->ranged > 1 ? pct((double)s->sequential, (double)(s->ranged - 1)) : 0,
		s->ranged > 1 ? pct((double)s->backward_jumps, (double)(s->ranged - 1)) : 0);
	fmt_bytes_d(footprint_blocks * (double)s->o.block_bytes, a, sizeof(a));
	fmt_bytes_d((double)s->o.block_bytes, b, sizeof(b));
	fprintf(fp, "footprint    %.0f blocks of %s = %s%s\n", footprint_blocks, b, a,
		rate < 1 ? " (estimated from a sample)" : "");
	fprintf(fp, "reuse        %.0f block accesses: %.0f first touches, %.0f reuses (%.1f %%); "
		    "stack distance p50 <= %.0f, p90 <= %.0f blocks\n",
		s->acc_w, s->cold_w, s->reuse_w, pct(s->reuse_w, s->acc_w), hist_quantile(s->dist_h, 0.5),
		hist_quantile(s->dist_h, 0.9));
	fprintf(fp, "LRU hits     ");
	for (int i = 0; i < NSIZES; i++) {
		double cache = (double)(s->cache_blocks[i] * s->o.block_bytes);
		if (i && cache > 4 * footprint_blocks * (double)s->o.block_bytes)
			break;
		fmt_bytes_d(cache, a, sizeof(a));
		fprintf(fp, "%s%s %.1f %%", i ? ", " : "", a, pct(s->hits_w[i], s->acc_w));
	}
	fprintf(fp, "\n");
	fprintf(fp, "tracker      %.1f MiB for %llu blocks, sampling rate %s%.6g%s\n", tracker_mib(&s->k),
		(unsigned long long)s->k.used, rate < 1 ? "1/" : "", rate < 1 ? 1 / rate : rate,
		rate < 1 ? " (figures scaled)" : " (exact)");
	if (have_lat) {
		format_time_ns(gsl_rstat_mean(s->lat_r), a, sizeof(a));
		format_time_ns(q_lat[0], b, sizeof(b));
		format_time_ns(q_lat[2], d, sizeof(d));
		fprintf(fp, "latency      %zu measured: mean %s, p50 ~%s, p99 ~%s\n", gsl_rstat_n(s->lat_r),
			a, b, d);
	}
	fprintf(fp, "reader       %llu lines skipped, %llu malformed, %llu zoned, %llu pass-through, "
		    "%llu other device, %llu remaps, %llu reordered, %llu out of order, %llu unpaired\n",
		(unsigned long long)c->skipped_lines, (unsigned long long)c->skipped_bad,
		(unsigned long long)c->skipped_zoned, (unsigned long long)c->skipped_pc,
		(unsigned long long)c->skipped_other_dev, (unsigned long long)c->remaps,
		(unsigned long long)c->reordered, (unsigned long long)c->inversions,
		(unsigned long long)c->unpaired);
}
