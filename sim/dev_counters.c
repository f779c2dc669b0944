// SPDX-License-Identifier: GPL-2.0
/* dev_counters.c - a device model's own counters, read from its table (device.h). */
#include "sim/device.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

static unsigned width(const struct dev_counter *c)
{
	return c->kind == DEV_C_RATIO ? 0 : c->kind == DEV_C_HIST ? c->nbins : 1;
}

unsigned dev_counter_count(const struct dev_counter *tab)
{
	unsigned n = 0;

	while (tab && tab[n].name)
		n++;
	return n;
}

/* The first value slot of counter i: the widths of those before it. */
static unsigned slot(const struct dev_counter *tab, unsigned i)
{
	unsigned s = 0;

	for (unsigned k = 0; k < i; k++)
		s += width(&tab[k]);
	return s;
}

uint64_t dev_counter_u64(const struct dev_stats *s, unsigned i)
{
	return s->cval[slot(s->ctab, i)];
}

double dev_counter_value(const struct dev_stats *s, unsigned i)
{
	const struct dev_counter *c = &s->ctab[i];

	if (c->kind == DEV_C_RATIO) {
		uint64_t den = dev_counter_u64(s, (unsigned)c->den);

		return den ? (double)dev_counter_u64(s, (unsigned)c->num) / (double)den : 0;
	}
	if (c->kind == DEV_C_HIST) {
		uint64_t sum = 0;

		for (unsigned b = 0; b < c->nbins; b++)
			sum += dev_counter_bin(s, i, b);
		return (double)sum;
	}
	return (double)dev_counter_u64(s, i);
}

uint64_t dev_counter_bin(const struct dev_stats *s, unsigned i, unsigned bin)
{
	return bin < s->ctab[i].nbins ? s->cval[slot(s->ctab, i) + bin] : 0;
}

int dev_counter_find(const struct dev_counter *tab, const char *name)
{
	for (unsigned i = 0; tab && tab[i].name; i++)
		if (!strcmp(tab[i].name, name))
			return (int)i;
	return -1;
}

double dev_stats_get(const struct dev_stats *s, const char *name)
{
	int i = dev_counter_find(s->ctab, name);

	return i < 0 ? 0 : dev_counter_value(s, (unsigned)i);
}

void dev_counters_sub(struct dev_stats *a, const struct dev_stats *b)
{
	unsigned n = slot(a->ctab, dev_counter_count(a->ctab));

	if (a->ctab != b->ctab)
		return; /* not the same model: nothing to take away */
	for (unsigned k = 0; k < n; k++)
		a->cval[k] -= b->cval[k];
}

void dev_counter_format(const struct dev_stats *s, unsigned i, char *buf, size_t len)
{
	const struct dev_counter *c = &s->ctab[i];

	if (c->kind == DEV_C_RATIO)
		snprintf(buf, len, "%.*f", (int)c->prec, dev_counter_value(s, i));
	else if (c->kind == DEV_C_HIST)
		snprintf(buf, len, "%.0f", dev_counter_value(s, i));
	else
		snprintf(buf, len, "%" PRIu64, dev_counter_u64(s, i));
}

bool dev_counters_line(const struct dev_stats *s, unsigned flags_mask, char *buf, size_t len)
{
	size_t n = 0;
	bool any = false;

	buf[0] = '\0';
	for (unsigned i = 0; s->ctab && s->ctab[i].name; i++) {
		const struct dev_counter *c = &s->ctab[i];
		char v[40];
		int w;

		if (!c->text || (flags_mask && !(c->flags & flags_mask)))
			continue;
		dev_counter_format(s, i, v, sizeof(v));
		any |= dev_counter_value(s, i) != 0;
		if (n < len) {
			w = snprintf(buf + n, len - n, "%s", n ? ", " : "");
			n += w > 0 ? (size_t)w : 0;
		}
		if (n < len) {
			/* the phrase is the model's own constant: its one %s takes the value */
			w = snprintf(buf + n, len - n, c->text, v);
			n += w > 0 ? (size_t)w : 0;
		}
	}
	if (!any)
		buf[0] = '\0';
	return any;
}

/* The phrase must hold exactly one %s and no other conversion. */
static bool one_string_conversion(const char *t)
{
	int n = 0;

	for (const char *p = strchr(t, '%'); p; p = strchr(p + 2, '%')) {
		if (p[1] == '%')
			continue;
		if (p[1] != 's')
			return false;
		n++;
	}
	return n == 1;
}

int dev_counters_check(const struct dev_ops *o, char *err, size_t errlen)
{
	const struct dev_counter *tab = o->counters;
	unsigned n = dev_counter_count(tab);

	for (unsigned i = 0; i < n; i++) {
		const struct dev_counter *c = &tab[i];
		const char *bad = NULL;

		if (!c->name[0] ||
		    strspn(c->name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(c->name))
			bad = "a name of [a-z0-9_]";
		else if (dev_counter_find(tab, c->name) != (int)i)
			bad = "a name of its own";
		else if (!c->unit || !c->help)
			bad = "a unit and a help line";
		else if (c->kind == DEV_C_RATIO &&
			 (c->num < 0 || c->den < 0 || (unsigned)c->num >= n ||
			  (unsigned)c->den >= n || width(&tab[c->num]) != 1 ||
			  width(&tab[c->den]) != 1))
			bad = "a ratio of two counters of the table";
		else if (c->kind == DEV_C_HIST && !c->nbins)
			bad = "bins";
		else if (c->kind == DEV_C_HIST && c->text)
			bad = "no phrase (a histogram has none)";
		else if (c->text && !one_string_conversion(c->text))
			bad = "a phrase with one %s";
		else if (c->kind != DEV_C_RATIO &&
			 c->off + (size_t)width(c) * sizeof(uint64_t) > o->priv_size)
			bad = "an offset inside the model's state";
		if (bad) {
			snprintf(err, errlen, "%s: counter %u (%s): expected %s", o->name, i + 1,
				 c->name, bad);
			return -EINVAL;
		}
	}
	if (slot(tab, n) > DEV_COUNTER_SLOTS) {
		snprintf(err, errlen, "%s: %u counter values, at most %d", o->name, slot(tab, n),
			 DEV_COUNTER_SLOTS);
		return -EINVAL;
	}
	return 0;
}

/* Called by dev_get_stats: the model's values, read from its private state. */
void dev_counters_read(const struct dev *d, struct dev_stats *out)
{
	const struct dev_counter *tab = d->ops->counters;
	unsigned k = 0;

	out->ctab = tab;
	for (unsigned i = 0; tab && tab[i].name; i++) {
		const struct dev_counter *c = &tab[i];

		for (unsigned b = 0; b < width(c) && k < DEV_COUNTER_SLOTS; b++) {
			uint64_t v;

			memcpy(&v, (const char *)d->priv + c->off + b * sizeof(v), sizeof(v));
			out->cval[k++] = v * (c->scale ? c->scale : 1);
		}
	}
}

/* Counter c of model m, unless a model before it in the registry has one of that name. */
static bool first_of_its_name(int m, const struct dev_counter *c)
{
	for (int k = 0; k < m; k++)
		if (dev_counter_find(dev_registry[k]->counters, c->name) >= 0)
			return false;
	return true;
}

void dev_counters_each(const struct dev_stats *s, dev_counter_fn fn, void *arg)
{
	for (unsigned i = 0; s->ctab && s->ctab[i].name; i++)
		fn(arg, s, &s->ctab[i], (int)i);
	for (int m = 0; dev_registry[m]; m++)
		for (const struct dev_counter *c = dev_registry[m]->counters; c && c->name; c++)
			if (dev_counter_find(s->ctab, c->name) < 0 && first_of_its_name(m, c))
				fn(arg, s, c, -1);
}

struct json_out {
	FILE *fp;
	const char *sep, *colon;
	bool run_keys;
};

static void json_one(void *arg, const struct dev_stats *s, const struct dev_counter *c, int i)
{
	const struct json_out *j = arg;
	const char *key = j->run_keys && c->json_key ? c->json_key : c->name;

	fprintf(j->fp, "%s\"%s\"%s", j->sep, key, j->colon); /* names are [a-z0-9_] */
	if (c->kind == DEV_C_HIST) {
		fputc('[', j->fp);
		for (unsigned b = 0; b < c->nbins; b++)
			fprintf(j->fp, "%s%" PRIu64, b ? "," : "",
				i < 0 ? 0 : dev_counter_bin(s, (unsigned)i, b));
		fputc(']', j->fp);
	} else if (c->kind == DEV_C_RATIO) {
		fprintf(j->fp, "%.6g", i < 0 ? 0 : dev_counter_value(s, (unsigned)i));
	} else {
		fprintf(j->fp, "%" PRIu64, i < 0 ? 0 : dev_counter_u64(s, (unsigned)i));
	}
}

void dev_counters_json(FILE *fp, const struct dev_stats *s, const char *sep, const char *colon,
		       bool run_keys)
{
	struct json_out j = {fp, sep, colon, run_keys};

	dev_counters_each(s, json_one, &j);
}

void dev_counters_print_table(const struct dev_counter *tab, FILE *fp)
{
	static const char *const kinds[] = {"count", "bytes", "ns", "ratio", "histogram"};

	if (!tab || !tab->name)
		return;
	fprintf(fp, "  counters:\n");
	for (const struct dev_counter *c = tab; c->name; c++) {
		char kind[40];

		/* the unit where the kind does not say it */
		if (c->unit[0] && strcmp(c->unit, kinds[c->kind]))
			snprintf(kind, sizeof(kind), "%s (%s)", kinds[c->kind], c->unit);
		else
			snprintf(kind, sizeof(kind), "%s", kinds[c->kind]);
		fprintf(fp, "    %-20s %-17s %s\n", c->name, kind, c->help);
	}
}
