// SPDX-License-Identifier: GPL-2.0
/* procs.c - per-process I/O from the records' pid and process name. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/units.h"
#include "traces/procs.h"
#include "traces/trc_internal.h"

struct trc_procs {
	struct trc_proc *tab; /* requests == 0: empty slot */
	size_t cap, used;
	bool known, oom;
};

static struct trc_proc *lookup(struct trc_proc *tab, size_t cap, uint32_t pid)
{
	size_t i = (size_t)(((uint64_t)pid * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
	while (tab[i].requests && tab[i].pid != pid)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int grow(struct trc_procs *p, size_t cap)
{
	struct trc_proc *tab = calloc(cap, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	for (size_t i = 0; i < p->cap; i++)
		if (p->tab[i].requests)
			*lookup(tab, cap, p->tab[i].pid) = p->tab[i];
	free(p->tab);
	p->tab = tab;
	p->cap = cap;
	return 0;
}

int trc_procs_new(struct trc_procs **out)
{
	struct trc_procs *p = calloc(1, sizeof(*p));
	*out = NULL;
	if (!p || grow(p, 64)) {
		free(p);
		return -ENOMEM;
	}
	*out = p;
	return 0;
}

void trc_procs_free(struct trc_procs *p)
{
	if (!p)
		return;
	free(p->tab);
	free(p);
}

void trc_procs_add(struct trc_procs *p, const struct trc_rec *r)
{
	if (r->pid || r->comm[0])
		p->known = true;
	struct trc_proc *e = lookup(p->tab, p->cap, r->pid);
	if (!e->requests) {
		if ((p->used + 1) * 2 > p->cap) {
			if (p->oom || grow(p, p->cap * 2)) {
				p->oom = true;
				return;
			}
			e = lookup(p->tab, p->cap, r->pid);
		}
		p->used++;
		e->pid = r->pid;
	}
	e->requests++;
	if (!e->comm[0] && r->comm[0])
		memcpy(e->comm, r->comm, sizeof(e->comm));
	if (!r->nsect || (r->flags & TRC_DISCARD))
		return;
	uint64_t bytes = (uint64_t)r->nsect * 512;
	if (r->flags & TRC_WRITE) {
		e->writes++;
		e->write_bytes += bytes;
	} else if (r->flags & TRC_READ) {
		e->reads++;
		e->read_bytes += bytes;
	}
}

size_t trc_procs_count(const struct trc_procs *p)
{
	return p->used;
}

bool trc_procs_known(const struct trc_procs *p)
{
	return p->known;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct trc_proc *x = a, *y = b;
	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

struct trc_proc *trc_procs_sorted(const struct trc_procs *p, size_t *n)
{
	struct trc_proc *v = malloc((p->used ? p->used : 1) * sizeof(*v));
	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < p->cap; i++)
		if (p->tab[i].requests)
			v[(*n)++] = p->tab[i];
	qsort(v, *n, sizeof(*v), cmp_proc);
	return v;
}

void trc_procs_print(const struct trc_procs *p, FILE *fp, bool json, size_t text_max)
{
	size_t n;
	struct trc_proc *v = trc_procs_sorted(p, &n);

	if (json) {
		fprintf(fp, "[");
		for (size_t i = 0; v && i < n; i++) {
			const struct trc_proc *e = &v[i];
			fprintf(fp, "%s\n  {\"pid\": %u, \"comm\": ", i ? "," : "", e->pid);
			trc_json_str(fp, e->comm);
			fprintf(fp, ", \"requests\": %llu, \"reads\": %llu, \"writes\": %llu, "
				    "\"read_bytes\": %llu, \"write_bytes\": %llu, \"read_fraction\": ",
				(unsigned long long)e->requests, (unsigned long long)e->reads,
				(unsigned long long)e->writes, (unsigned long long)e->read_bytes,
				(unsigned long long)e->write_bytes);
			if (e->reads + e->writes)
				fprintf(fp, "%.6f}", (double)e->reads / (double)(e->reads + e->writes));
			else
				fprintf(fp, "null}");
		}
		fprintf(fp, "]");
		free(v);
		return;
	}
	fprintf(fp, "processes    %zu%s; %-8s %-16s %10s %10s %6s\n", n,
		p->oom ? " (out of memory: later pids not counted)" : "", "pid", "command", "requests",
		"bytes", "reads");
	for (size_t i = 0; v && i < n && i < text_max; i++) {
		const struct trc_proc *e = &v[i];
		char b[32], r[32];
		format_size(e->read_bytes + e->write_bytes, b, sizeof(b));
		if (e->reads + e->writes)
			snprintf(r, sizeof(r), "%.1f %%",
				 100.0 * (double)e->reads / (double)(e->reads + e->writes));
		else
			snprintf(r, sizeof(r), "n/a");
		fprintf(fp, "             %-8u %-16s %10llu %10s %6s\n", e->pid,
			e->comm[0] ? e->comm : "?", (unsigned long long)e->requests, b, r);
	}
	if (n > text_max)
		fprintf(fp, "             (%zu more: --json lists them all)\n", n - text_max);
	free(v);
}
