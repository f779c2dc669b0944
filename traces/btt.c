// SPDX-License-Identifier: GPL-2.0
/* btt.c - btt-style breakdown: pair each request's Q, G, I, M/F, D, C events; exact times. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/units.h"
#include "traces/btt.h"

#define NIL 0xffffffffu
#define NONE UINT64_MAX /* a time the request did not have */
#define START_NODES 256u
#define BTT_SAME_KEY_MAX 64u /* requests in flight with one start (or end) sector */

enum { S_FREE, S_Q, S_G, S_I, S_D, S_CHILD };
#define M_Q (1u << S_Q)
#define M_G (1u << S_G)
#define M_I (1u << S_I)
#define M_D (1u << S_D)

/* A request in flight (or, S_CHILD, a bio merged into one: only its Q and M times matter). */
struct node {
	uint64_t sector;
	uint64_t q, g, i, d, m;
	uint32_t nsect, dev;
	uint32_t snext, enext;  /* chains of the start-sector and end-sector indexes */
	uint32_t older, newer;  /* age list of the requests (not children) */
	uint32_t child;         /* request: first merged bio; child: the next one */
	uint8_t state, op;
};

struct trc_btt {
	struct node *n;
	uint32_t cap, free_head;
	uint32_t *sidx, *eidx; /* buckets: cap * 2 each */
	uint32_t nbucket;
	uint32_t oldest, newest;
	uint32_t live;         /* requests (not children) in flight */
	struct u64vec v[BTT_NPAIRS][BTT_OPS_STORED];
	uint64_t inflight;
	uint64_t *depth;       /* depth[k]: dispatches that saw k requests in flight */
	size_t ndepth;
	bool depth_oom;
	struct trc_btt_counts c;
	bool any;
};

static const char pair_names[BTT_NPAIRS][4] = {"Q2G", "G2I", "Q2M", "I2D", "M2D", "D2C", "Q2C"};
static const char *const op_names[BTT_NOPS] = {"read", "write", "other", "all"};

const char *trc_btt_pair_name(int p)
{
	return p >= 0 && p < BTT_NPAIRS ? pair_names[p] : "?";
}

const char *trc_btt_op_name(int op)
{
	return op >= 0 && op < BTT_NOPS ? op_names[op] : "?";
}

static inline uint32_t bucket_of(const struct trc_btt *b, uint32_t dev, uint64_t sector)
{
	uint64_t h = (sector ^ ((uint64_t)dev << 40)) * 0x9e3779b97f4a7c15ULL;
	return (uint32_t)(h >> 32) & (b->nbucket - 1);
}

/* Append at the chain's tail: equal keys are then found oldest first. */
static void link_start(struct trc_btt *b, uint32_t x)
{
	uint32_t *l = &b->sidx[bucket_of(b, b->n[x].dev, b->n[x].sector)];
	while (*l != NIL)
		l = &b->n[*l].snext;
	b->n[x].snext = NIL;
	*l = x;
}

static void link_end(struct trc_btt *b, uint32_t x)
{
	uint32_t *l = &b->eidx[bucket_of(b, b->n[x].dev, b->n[x].sector + b->n[x].nsect)];
	while (*l != NIL)
		l = &b->n[*l].enext;
	b->n[x].enext = NIL;
	*l = x;
}

static void unlink_start(struct trc_btt *b, uint32_t x)
{
	uint32_t *l = &b->sidx[bucket_of(b, b->n[x].dev, b->n[x].sector)];
	while (*l != NIL && *l != x)
		l = &b->n[*l].snext;
	if (*l == x)
		*l = b->n[x].snext;
}

static void unlink_end(struct trc_btt *b, uint32_t x)
{
	uint32_t *l = &b->eidx[bucket_of(b, b->n[x].dev, b->n[x].sector + b->n[x].nsect)];
	while (*l != NIL && *l != x)
		l = &b->n[*l].enext;
	if (*l == x)
		*l = b->n[x].enext;
}

static void age_unlink(struct trc_btt *b, uint32_t x)
{
	struct node *p = &b->n[x];
	if (p->older != NIL)
		b->n[p->older].newer = p->newer;
	else
		b->oldest = p->newer;
	if (p->newer != NIL)
		b->n[p->newer].older = p->older;
	else
		b->newest = p->older;
	b->live--;
}

static void node_free(struct trc_btt *b, uint32_t x)
{
	b->n[x].state = S_FREE;
	b->n[x].snext = b->free_head;
	b->free_head = x;
}

/* Take a request out of every index and free it with its merged bios. */
static void request_free(struct trc_btt *b, uint32_t x)
{
	unlink_start(b, x);
	unlink_end(b, x);
	age_unlink(b, x);
	for (uint32_t c = b->n[x].child, nx; c != NIL; c = nx) {
		nx = b->n[c].child;
		node_free(b, c);
	}
	node_free(b, x);
}

static int rebuild(struct trc_btt *b, uint32_t cap)
{
	struct node *n = realloc(b->n, (size_t)cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	b->n = n;
	uint32_t *s = malloc((size_t)cap * 2 * sizeof(*s)), *e = malloc((size_t)cap * 2 * sizeof(*e));
	if (!s || !e) {
		free(s);
		free(e);
		return -ENOMEM;
	}
	for (uint32_t i = b->cap; i < cap; i++) {
		n[i].state = S_FREE;
		n[i].snext = i + 1 < cap ? i + 1 : b->free_head;
	}
	if (cap > b->cap)
		b->free_head = b->cap;
	b->cap = cap;
	free(b->sidx);
	free(b->eidx);
	b->sidx = s;
	b->eidx = e;
	b->nbucket = cap * 2;
	memset(s, 0xff, (size_t)b->nbucket * sizeof(*s));
	memset(e, 0xff, (size_t)b->nbucket * sizeof(*e));
	/* re-index in age order, so equal keys stay oldest first */
	for (uint32_t x = b->oldest; x != NIL; x = n[x].newer) {
		link_start(b, x);
		link_end(b, x);
	}
	return 0;
}

int trc_btt_new(struct trc_btt **out)
{
	struct trc_btt *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (!b)
		return -ENOMEM;
	b->free_head = NIL;
	b->oldest = b->newest = NIL;
	if (rebuild(b, START_NODES)) {
		trc_btt_free(b);
		return -ENOMEM;
	}
	*out = b;
	return 0;
}

void trc_btt_free(struct trc_btt *b)
{
	if (!b)
		return;
	for (int p = 0; p < BTT_NPAIRS; p++)
		for (int o = 0; o < BTT_OPS_STORED; o++)
			vec_free(&b->v[p][o]);
	free(b->depth);
	free(b->n);
	free(b->sidx);
	free(b->eidx);
	free(b);
}

/* The oldest request in flight with this start (or, end_key, this end), if BTT_SAME_KEY_MAX of
 * them are: a capture that lost its completions (or holds only Q events) of a sector written
 * again and again would otherwise make the chains, and every search of them, grow with it. */
static uint32_t crowded(const struct trc_btt *b, uint32_t dev, uint64_t key, bool end_key)
{
	uint32_t n = 0, first = NIL;
	uint32_t x = end_key ? b->eidx[bucket_of(b, dev, key)] : b->sidx[bucket_of(b, dev, key)];
	for (; x != NIL; x = end_key ? b->n[x].enext : b->n[x].snext) {
		const struct node *p = &b->n[x];
		if (p->dev != dev || (end_key ? p->sector + p->nsect : p->sector) != key)
			continue;
		if (first == NIL)
			first = x;
		n++;
	}
	return n >= BTT_SAME_KEY_MAX ? first : NIL;
}

/* A new request node (the oldest is dropped when BTT_INFLIGHT_MAX are in flight, or when
 * BTT_SAME_KEY_MAX already share its start or its end). */
static uint32_t request_new(struct trc_btt *b, const struct trc_event *ev, int op)
{
	for (int k = 0; k < 2; k++) {
		uint32_t old = crowded(b, ev->dev, k ? ev->sector + ev->nsect : ev->sector, k);
		if (old != NIL) {
			request_free(b, old);
			b->c.dropped++;
		}
	}
	if (b->free_head == NIL) {
		if (b->cap >= BTT_INFLIGHT_MAX || rebuild(b, b->cap * 2)) {
			if (b->oldest == NIL)
				return NIL;
			request_free(b, b->oldest);
			b->c.dropped++;
		}
	}
	uint32_t x = b->free_head;
	struct node *p = &b->n[x];
	b->free_head = p->snext;
	memset(p, 0, sizeof(*p));
	p->sector = ev->sector;
	p->nsect = ev->nsect;
	p->dev = ev->dev;
	p->q = p->g = p->i = p->d = p->m = NONE;
	p->child = NIL;
	p->op = (uint8_t)op;
	p->older = b->newest;
	p->newer = NIL;
	if (b->newest != NIL)
		b->n[b->newest].newer = x;
	else
		b->oldest = x;
	b->newest = x;
	b->live++;
	link_start(b, x);
	link_end(b, x);
	return x;
}

/* Oldest request starting at (dev, sector) in one of the states of mask, other than skip; one
 * of the same size is preferred. */
static uint32_t find_start(const struct trc_btt *b, uint32_t dev, uint64_t sector, uint32_t nsect,
			   unsigned mask, uint32_t skip)
{
	uint32_t any = NIL;
	for (uint32_t x = b->sidx[bucket_of(b, dev, sector)]; x != NIL; x = b->n[x].snext) {
		const struct node *p = &b->n[x];
		if (p->dev != dev || p->sector != sector || !(mask & (1u << p->state)) || x == skip)
			continue;
		if (p->nsect == nsect)
			return x;
		if (any == NIL)
			any = x;
	}
	return any;
}

/* Oldest request ending at (dev, end) in one of the states of mask, other than skip. */
static uint32_t find_end(const struct trc_btt *b, uint32_t dev, uint64_t end, unsigned mask,
			 uint32_t skip)
{
	for (uint32_t x = b->eidx[bucket_of(b, dev, end)]; x != NIL; x = b->n[x].enext) {
		const struct node *p = &b->n[x];
		if (p->dev == dev && p->sector + p->nsect == end && (mask & (1u << p->state)) &&
		    x != skip)
			return x;
	}
	return NIL;
}

static inline int op_of(uint32_t flags)
{
	if (flags & TRC_DISCARD)
		return BTT_OTHER;
	if (flags & TRC_WRITE)
		return BTT_WRITE;
	if (flags & TRC_READ)
		return BTT_READ;
	return BTT_OTHER;
}

static inline void pair(struct trc_btt *b, int p, int op, uint64_t from, uint64_t to)
{
	if (from != NONE && to >= from)
		vec_push(&b->v[p][op], to - from);
}

static void count_depth(struct trc_btt *b)
{
	if (b->depth_oom)
		return;
	if (b->inflight >= b->ndepth) {
		size_t n = b->ndepth ? b->ndepth : 64;
		while (n <= b->inflight)
			n *= 2;
		uint64_t *d = realloc(b->depth, n * sizeof(*d));
		if (!d) {
			b->depth_oom = true;
			return;
		}
		memset(d + b->ndepth, 0, (n - b->ndepth) * sizeof(*d));
		b->depth = d;
		b->ndepth = n;
	}
	b->depth[b->inflight]++;
}

/* A bio (Q at sector, nsect) merged into a request: into its child list, out of the indexes. */
static void adopt(struct trc_btt *b, uint32_t parent, uint32_t x, uint64_t t)
{
	struct node *c = &b->n[x];
	pair(b, BTT_Q2M, c->op, c->q, t);
	unlink_start(b, x);
	unlink_end(b, x);
	age_unlink(b, x);
	for (uint32_t k = c->child, nx; k != NIL; k = nx) { /* (a bio has none; be safe) */
		nx = b->n[k].child;
		node_free(b, k);
	}
	c->state = S_CHILD;
	c->m = t;
	c->child = b->n[parent].child;
	b->n[parent].child = x;
}

static void merge(struct trc_btt *b, const struct trc_event *ev, bool back)
{
	uint32_t bio = find_start(b, ev->dev, ev->sector, ev->nsect, M_Q, NIL);
	uint32_t r = back ? find_end(b, ev->dev, ev->sector, M_Q | M_G | M_I, bio)
			  : find_start(b, ev->dev, ev->sector + ev->nsect, UINT32_MAX,
				       M_Q | M_G | M_I, bio);
	if (r == NIL) {
		b->c.merge_lost++;
		if (bio != NIL)
			request_free(b, bio); /* it will not be dispatched on its own */
		return;
	}
	struct node *p = &b->n[r];
	if (back) {
		unlink_end(b, r);
		p->nsect += ev->nsect;
		link_end(b, r);
	} else {
		unlink_start(b, r);
		p->sector = ev->sector;
		p->nsect += ev->nsect;
		link_start(b, r);
	}
	if (bio != NIL)
		adopt(b, r, bio, ev->time_ns);
}

/* X: a queued bio split at split_sector; the second part becomes a request of its own with the
 * same Q time (each part is then got, dispatched and completed on its own). */
static void split(struct trc_btt *b, const struct trc_event *ev)
{
	uint32_t x = find_start(b, ev->dev, ev->sector, UINT32_MAX, M_Q, NIL);
	if (x == NIL || ev->split_sector <= ev->sector ||
	    ev->split_sector >= b->n[x].sector + b->n[x].nsect) {
		b->c.split_lost++;
		return;
	}
	uint64_t end = b->n[x].sector + b->n[x].nsect, q = b->n[x].q;
	int op = b->n[x].op;
	struct trc_event second = *ev;
	second.sector = ev->split_sector;
	second.nsect = (uint32_t)(end - ev->split_sector);
	uint32_t y = request_new(b, &second, op);
	if (y == NIL)
		return;
	b->n[y].q = q;
	b->n[y].state = S_Q;
	/* the first part (found again: the pool may have moved, or dropped it) */
	x = find_start(b, ev->dev, ev->sector, UINT32_MAX, M_Q, y);
	if (x != NIL && b->n[x].sector + b->n[x].nsect == end) {
		unlink_end(b, x);
		b->n[x].nsect = (uint32_t)(ev->split_sector - ev->sector);
		link_end(b, x);
	}
}

/* The actions counted, in the order of trc_btt_counts.ev. */
static const char acts[9] = {'Q', 'G', 'I', 'M', 'F', 'D', 'C', 'R', 'X'};

/* G and I: the request in one of the states of mask moves on to state; NULL if there is none. */
static struct node *advance(struct trc_btt *b, const struct trc_event *ev, unsigned mask, uint8_t state)
{
	uint32_t x = find_start(b, ev->dev, ev->sector, ev->nsect, mask, NIL);

	if (x == NIL)
		return NULL;
	b->n[x].state = state;
	return &b->n[x];
}

void trc_btt_event(void *ctx, const struct trc_event *ev)
{
	struct trc_btt *b = ctx;
	const char *k = memchr(acts, ev->act, sizeof(acts));
	uint64_t t = ev->time_ns;
	struct node *p;
	uint32_t x;

	if (!k)
		return;
	b->any = true;
	b->c.ev[k - acts]++;
	switch (ev->act) {
	case 'D':
		b->inflight++;
		count_depth(b);
		break;
	case 'C':
	case 'R':
		if (b->inflight)
			b->inflight--;
		break;
	default:
		break;
	}
	if (ev->act == 'X') {
		split(b, ev);
		return;
	}
	if (!ev->nsect)
		return; /* empty flushes and zero-byte completions: no range to pair by */
	switch (ev->act) {
	case 'Q':
		x = request_new(b, ev, op_of(ev->flags));
		if (x != NIL) {
			b->n[x].q = t;
			b->n[x].state = S_Q;
		}
		break;
	case 'G':
		if ((p = advance(b, ev, M_Q, S_G))) {
			p->g = t;
			pair(b, BTT_Q2G, p->op, p->q, t);
		}
		break;
	case 'I':
		if ((p = advance(b, ev, M_Q | M_G, S_I))) {
			p->i = t;
			pair(b, BTT_G2I, p->op, p->g, t);
		}
		break;
	case 'M':
	case 'F':
		if (ev->act == 'M')
			b->c.merge_back++;
		else
			b->c.merge_front++;
		merge(b, ev, ev->act == 'M');
		break;
	case 'D':
		x = find_start(b, ev->dev, ev->sector, ev->nsect, M_Q | M_G | M_I, NIL);
		if (x == NIL) {
			/* dispatched without a Q in the capture: D2C still counts */
			x = request_new(b, ev, op_of(ev->flags));
			if (x == NIL)
				break;
		}
		p = &b->n[x];
		p->d = t;
		p->state = S_D;
		pair(b, BTT_I2D, p->op, p->i, t);
		for (uint32_t c = p->child; c != NIL; c = b->n[c].child)
			pair(b, BTT_M2D, b->n[c].op, b->n[c].m, t);
		break;
	case 'C':
		x = find_start(b, ev->dev, ev->sector, ev->nsect, M_D, NIL);
		if (x == NIL) {
			b->c.c_unpaired++;
			break;
		}
		p = &b->n[x];
		pair(b, BTT_D2C, p->op, p->d, t);
		pair(b, BTT_Q2C, p->op, p->q, t);
		for (uint32_t c = p->child; c != NIL; c = b->n[c].child)
			pair(b, BTT_Q2C, b->n[c].op, b->n[c].q, t);
		request_free(b, x);
		break;
	case 'R':
		/* back to the queue: the next D of it pairs again */
		x = find_start(b, ev->dev, ev->sector, ev->nsect, M_D, NIL);
		if (x != NIL) {
			b->n[x].state = b->n[x].i != NONE ? S_I : b->n[x].g != NONE ? S_G : S_Q;
			b->n[x].d = NONE;
		}
		break;
	}
}

bool trc_btt_any(const struct trc_btt *b)
{
	return b->any;
}

const struct trc_btt_counts *trc_btt_counts(const struct trc_btt *b)
{
	return &b->c;
}

bool trc_btt_pair(struct trc_btt *b, int p, int op, struct exact *e)
{
	memset(e, 0, sizeof(*e));
	if (p < 0 || p >= BTT_NPAIRS || op < 0 || op >= BTT_NOPS)
		return false;
	if (op != BTT_ALL)
		return vec_summary(&b->v[p][op], e);
	/* all operations: the three vectors side by side (temporary) */
	struct u64vec all = {0};
	for (int o = 0; o < BTT_OPS_STORED; o++) {
		const struct u64vec *v = &b->v[p][o];
		if (v->oom)
			all.oom = true;
		for (size_t i = 0; i < v->n && !all.oom; i++)
			vec_push(&all, v->v[i]);
	}
	bool ok = vec_summary(&all, e);
	vec_free(&all);
	return ok;
}

bool trc_btt_depth(const struct trc_btt *b, struct exact *e)
{
	if (b->depth_oom) {
		memset(e, 0, sizeof(*e));
		return false;
	}
	return counts_summary(b->depth, b->ndepth, e);
}

static void json_exact(FILE *fp, const struct exact *e)
{
	fprintf(fp, "{\"count\": %llu, \"mean\": %.1f, \"min\": %llu, \"p50\": %llu, \"p99\": %llu, "
		    "\"max\": %llu}",
		(unsigned long long)e->n, e->mean, (unsigned long long)e->min,
		(unsigned long long)e->q[0], (unsigned long long)e->q[2], (unsigned long long)e->max);
}

static void fmt_ns(double ns, char *buf, size_t len)
{
	format_time_ns(ns, buf, len);
}

/* The event counts: {"events": {"Q": n, ..., "X": n},\n or "events       Q n, ..., X n\n". */
static void print_events(FILE *fp, const struct trc_btt_counts *c, bool json)
{
	fputs(json ? "{\"events\": {" : "events       ", fp);
	for (size_t k = 0; k < sizeof(acts); k++) {
		const char *sep = k ? ", " : "";
		unsigned long long n = (unsigned long long)c->ev[k];
		if (json)
			fprintf(fp, "%s\"%c\": %llu", sep, acts[k], n);
		else
			fprintf(fp, "%s%c %llu", sep, acts[k], n);
	}
	fputs(json ? "},\n" : "\n", fp);
}

void trc_btt_print(struct trc_btt *b, FILE *fp, bool json)
{
	const struct trc_btt_counts *c = &b->c;
	struct exact e;

	if (json) {
		print_events(fp, c, true);
		fprintf(fp, "  \"merges\": {\"back\": %llu, \"front\": %llu, \"unmatched\": %llu},\n"
			    "  \"splits_unmatched\": %llu, \"unpaired_completions\": %llu, "
			    "\"dropped_in_flight\": %llu,\n",
			(unsigned long long)c->merge_back, (unsigned long long)c->merge_front,
			(unsigned long long)c->merge_lost, (unsigned long long)c->split_lost,
			(unsigned long long)c->c_unpaired,
			(unsigned long long)c->dropped);
		fprintf(fp, "  \"latency_ns\": {");
		for (int p = 0; p < BTT_NPAIRS; p++) {
			fprintf(fp, "%s\n   \"%s\": {", p ? "," : "", pair_names[p]);
			for (int o = 0; o < BTT_NOPS; o++) {
				fprintf(fp, "%s\"%s\": ", o ? ", " : "", op_names[o]);
				if (trc_btt_pair(b, p, o, &e))
					json_exact(fp, &e);
				else
					fprintf(fp, "null");
			}
			fprintf(fp, "}");
		}
		fprintf(fp, "},\n  \"queue_depth_at_d\": ");
		if (trc_btt_depth(b, &e))
			json_exact(fp, &e);
		else
			fprintf(fp, "null");
		fprintf(fp, "}");
		return;
	}

	print_events(fp, c, false);
	fprintf(fp, "merges       %llu back (M), %llu front (F), %llu without their request; "
		    "%llu splits (X), %llu without their Q; %llu completions unpaired\n",
		(unsigned long long)c->merge_back, (unsigned long long)c->merge_front,
		(unsigned long long)c->merge_lost, (unsigned long long)c->ev[8],
		(unsigned long long)c->split_lost, (unsigned long long)c->c_unpaired);
	if (trc_btt_depth(b, &e))
		fprintf(fp, "queue depth  at %llu dispatches: mean %.2f, p50 %llu, p99 %llu, max %llu "
			    "(D issued - C completed, this D included)\n",
			(unsigned long long)e.n, e.mean, (unsigned long long)e.q[0],
			(unsigned long long)e.q[2], (unsigned long long)e.max);
	fprintf(fp, "breakdown    %-5s %-5s %10s %10s %10s %10s %10s\n", "pair", "op", "requests",
		"mean", "p50", "p99", "max");
	for (int p = 0; p < BTT_NPAIRS; p++) {
		for (int o = 0; o < BTT_NOPS; o++) {
			if (!trc_btt_pair(b, p, o, &e))
				continue;
			char m[32], q50[32], q99[32], mx[32];
			fmt_ns(e.mean, m, sizeof(m));
			fmt_ns((double)e.q[0], q50, sizeof(q50));
			fmt_ns((double)e.q[2], q99, sizeof(q99));
			fmt_ns((double)e.max, mx, sizeof(mx));
			fprintf(fp, "             %-5s %-5s %10llu %10s %10s %10s %10s\n", pair_names[p],
				op_names[o], (unsigned long long)e.n, m, q50, q99, mx);
		}
	}
	if (c->dropped)
		fprintf(fp, "             (%llu requests dropped unpaired: more than %u in flight, or "
			    "%u with the same start or end sector)\n",
			(unsigned long long)c->dropped, BTT_INFLIGHT_MAX, BTT_SAME_KEY_MAX);
}
