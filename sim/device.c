// SPDX-License-Identifier: GPL-2.0
/* device.c - the device-model core: spec parsing, presets, accounting of utilisation and depth. */
#include "sim/device.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct dev_ops *dev_find(const char *name)
{
	for (int i = 0; dev_registry[i]; i++)
		if (!strcasecmp(dev_registry[i]->name, name))
			return dev_registry[i];
	return NULL;
}

static const struct dev_preset *preset_find(const struct dev_ops *ops, const char *name)
{
	for (const struct dev_preset *p = ops->presets; p && p->name; p++)
		if (!strcasecmp(p->name, name))
			return p;
	return NULL;
}

/* Pull "preset=NAME" out of a k=v list; the rest is copied to rest. */
static int split_preset(const char *list, char *preset, size_t plen, char *rest, size_t rlen)
{
	char buf[512];
	char *save = NULL;
	size_t n = 0;

	preset[0] = rest[0] = '\0';
	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strncasecmp(tok, "preset=", 7)) {
			if (strlen(tok + 7) >= plen)
				return -EINVAL;
			strcpy(preset, tok + 7);
			continue;
		}
		int w = snprintf(rest + n, rlen - n, "%s%s", n ? "," : "", tok);
		if (w < 0 || (size_t)w >= rlen - n)
			return -EINVAL;
		n += (size_t)w;
	}
	return 0;
}

int dev_create(const char *spec, const struct dev_env *env, struct dev **out, char *err,
	       size_t errlen)
{
	char model[32], preset[32], rest[512];
	const char *colon = strchr(spec, ':');
	size_t mlen = colon ? (size_t)(colon - spec) : strlen(spec);
	const struct dev_ops *ops;
	const struct dev_preset *pr = NULL;
	struct dev *d;
	char sub[256];

	*out = NULL;
	if (mlen == 0 || mlen >= sizeof(model)) {
		snprintf(err, errlen, "'%s': expected MODEL[:key=value,...]", spec);
		return -EINVAL;
	}
	memcpy(model, spec, mlen);
	model[mlen] = '\0';
	ops = dev_find(model);
	if (!ops) {
		size_t n = (size_t)snprintf(err, errlen, "unknown device model '%s' (models:", model);
		for (int i = 0; dev_registry[i] && n < errlen; i++)
			n += (size_t)snprintf(err + n, errlen - n, " %s", dev_registry[i]->name);
		if (n < errlen)
			snprintf(err + n, errlen - n, ")");
		return -EINVAL;
	}
	if (ops->abi != DEV_ABI) {
		snprintf(err, errlen, "device model '%s' has ABI %u, expected %u", ops->name, ops->abi,
			 DEV_ABI);
		return -EINVAL;
	}
	if (split_preset(colon ? colon + 1 : "", preset, sizeof(preset), rest, sizeof(rest))) {
		snprintf(err, errlen, "'%s': option list too long", spec);
		return -EINVAL;
	}
	if (!preset[0] && ops->default_preset)
		strcpy(preset, ops->default_preset);
	if (preset[0]) {
		pr = preset_find(ops, preset);
		if (!pr) {
			size_t n = (size_t)snprintf(err, errlen, "%s: unknown preset '%s' (presets:", ops->name,
						    preset);
			for (const struct dev_preset *p = ops->presets; p && p->name && n < errlen; p++)
				n += (size_t)snprintf(err + n, errlen - n, " %s", p->name);
			if (n < errlen)
				snprintf(err + n, errlen - n, ")");
			return -EINVAL;
		}
	}
	if (dev_counters_check(ops, err, errlen))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d || !(d->priv = calloc(1, ops->priv_size ? ops->priv_size : 1))) {
		free(d);
		snprintf(err, errlen, "out of memory creating device '%s'", spec);
		return -ENOMEM;
	}
	d->ops = ops;
	d->env = env;
	snprintf(d->spec, sizeof(d->spec), "%s", spec);
	if (pr)
		snprintf(d->preset, sizeof(d->preset), "%s", pr->name);
	if (opt_apply_defaults(ops->opts, d->priv, sub, sizeof(sub)) ||
	    (pr && opt_parse_list(ops->opts, d->priv, pr->options, sub, sizeof(sub)))) {
		snprintf(err, errlen, "%s: bad built-in default or preset: %s", ops->name, sub);
		dev_destroy(d);
		return -EINVAL;
	}
	if (opt_parse_list(ops->opts, d->priv, rest, sub, sizeof(sub))) {
		snprintf(err, errlen, "%s: %s", ops->name, sub);
		dev_destroy(d);
		return -EINVAL;
	}
	if (ops->init(d, sub, sizeof(sub))) {
		snprintf(err, errlen, "%s: %s", ops->name, sub);
		dev_destroy(d);
		return -EINVAL;
	}
	d->first_ns = UINT64_MAX;
	*out = d;
	return 0;
}

void dev_destroy(struct dev *d)
{
	if (!d)
		return;
	if (d->ops && d->ops->fini && d->priv)
		d->ops->fini(d);
	free(d->priv);
	free(d);
}

void dev_get_stats(const struct dev *d, uint64_t end_ns, struct dev_stats *out)
{
	uint64_t busy = d->busy_ns, span;
	double area = d->qd_area;

	*out = d->acc;
	if (end_ns > d->last_change_ns) {
		area += (double)d->inflight * (double)(end_ns - d->last_change_ns);
		if (d->inflight)
			busy += end_ns - d->last_change_ns;
	}
	span = (d->first_ns == UINT64_MAX || end_ns <= d->first_ns) ? 0 : end_ns - d->first_ns;
	dev_counters_read(d, out);
	out->busy_ns = busy;
	out->mean_queue_depth = span ? area / (double)span : 0;
}

void dev_print_model(const struct dev_ops *o, FILE *fp)
{
	fprintf(fp, "%s: %s\n  ordering: %s\n", o->name, o->help, o->ordering);
	if (o->presets && o->presets[0].name) {
		fprintf(fp, "  presets%s%s%s:\n", o->default_preset ? " (default " : "",
			o->default_preset ? o->default_preset : "", o->default_preset ? ")" : "");
		for (const struct dev_preset *p = o->presets; p->name; p++)
			fprintf(fp, "    %-12s %s\n                 %s\n                 source: %s\n",
				p->name, p->description, p->options, p->source);
	}
	fprintf(fp, "  options:\n");
	opt_print_help(o->opts, fp);
	dev_counters_print_table(o->counters, fp);
}

void dev_print_models(FILE *fp)
{
	for (int i = 0; dev_registry[i]; i++) {
		dev_print_model(dev_registry[i], fp);
		fprintf(fp, "\n");
	}
}
