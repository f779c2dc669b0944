// SPDX-License-Identifier: GPL-2.0
/* opt.c - table-driven "key=value" options: types, ranges, defaults, help, "did you mean". */
#include "sim/base/opt.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/base/units.h"

static const struct opt *opt_lookup(const struct opt *opts, const char *name)
{
	for (const struct opt *o = opts; o && o->name; o++)
		if (!strcasecmp(o->name, name))
			return o;
	return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + ((a[i - 1] | 32) != (b[j - 1] | 32));
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(size_t) * (lb + 1));
	}
	return prev[lb];
}

const char *opt_did_you_mean(const struct opt *opts, const char *s)
{
	const char *best = NULL;
	size_t best_d = 4;

	for (const struct opt *o = opts; o && o->name; o++) {
		size_t d = edit_distance(s, o->name);
		if (d < best_d) {
			best_d = d;
			best = o->name;
		}
	}
	return best;
}

static int parse_bool(const char *v, bool *b)
{
	static const char *const yes[] = {"1", "yes", "on", "true", NULL};
	static const char *const no[] = {"0", "no", "off", "false", NULL};

	for (int i = 0; yes[i]; i++)
		if (!strcasecmp(v, yes[i]))
			return *b = true, 0;
	for (int i = 0; no[i]; i++)
		if (!strcasecmp(v, no[i]))
			return *b = false, 0;
	return -EINVAL;
}

static bool ranged(const struct opt *o)
{
	return !(o->min == 0 && o->max == 0);
}

static void range_text(const struct opt *o, char *buf, size_t len)
{
	char a[32], b[32];

	if (o->type == OPT_SIZE) {
		format_size((uint64_t)o->min, a, sizeof(a));
		format_size((uint64_t)o->max, b, sizeof(b));
	} else if (o->type == OPT_TIME) {
		format_time_ns(o->min, a, sizeof(a));
		format_time_ns(o->max, b, sizeof(b));
	} else {
		snprintf(a, sizeof(a), "%g", o->min);
		snprintf(b, sizeof(b), "%g", o->max);
	}
	snprintf(buf, len, "%s..%s", a, b);
}

int opt_set(const struct opt *opts, void *obj, const char *name, const char *value, char *err,
	    size_t errlen)
{
	const struct opt *o = opt_lookup(opts, name);
	char *field;
	char rng[96];

	if (!o) {
		const char *dym = opt_did_you_mean(opts, name);
		if (dym)
			snprintf(err, errlen, "unknown option '%s' (did you mean '%s'?)", name, dym);
		else
			snprintf(err, errlen, "unknown option '%s'", name);
		return -ENOENT;
	}
	field = (char *)obj + o->offset;
	if (!value || !*value) {
		snprintf(err, errlen, "option '%s' needs a value", o->name);
		return -EINVAL;
	}
	switch (o->type) {
	case OPT_U64:
	case OPT_SIZE:
	case OPT_TIME: {
		uint64_t v;
		int r = o->type == OPT_U64 ? parse_u64(value, &v)
			: o->type == OPT_SIZE ? parse_size(value, &v)
					     : parse_time_ns(value, &v);
		if (r) {
			snprintf(err, errlen, "option '%s': bad %s '%s'%s", o->name,
				 o->type == OPT_U64 ? "number" : o->type == OPT_SIZE ? "size" : "time", value,
				 o->type == OPT_SIZE   ? " (expected bytes or a K/M/G/T suffix)"
				 : o->type == OPT_TIME ? " (expected ns or a ns/us/ms/s suffix)"
						       : "");
			return -EINVAL;
		}
		if (ranged(o) && ((double)v < o->min || (double)v > o->max)) {
			range_text(o, rng, sizeof(rng));
			snprintf(err, errlen, "option '%s': %s out of range %s", o->name, value, rng);
			return -EINVAL;
		}
		memcpy(field, &v, sizeof(v));
		return 0;
	}
	case OPT_DOUBLE: {
		char *end;
		double d = strtod(value, &end);
		if (end == value || *end) {
			snprintf(err, errlen, "option '%s': bad number '%s'", o->name, value);
			return -EINVAL;
		}
		if (ranged(o) && (d < o->min || d > o->max)) {
			range_text(o, rng, sizeof(rng));
			snprintf(err, errlen, "option '%s': %s out of range %s", o->name, value, rng);
			return -EINVAL;
		}
		memcpy(field, &d, sizeof(d));
		return 0;
	}
	case OPT_ENUM:
		for (unsigned i = 0; o->choices && o->choices[i]; i++)
			if (!strcasecmp(o->choices[i], value)) {
				memcpy(field, &i, sizeof(i));
				return 0;
			}
		{
			size_t n = (size_t)snprintf(err, errlen, "option '%s': bad value '%s' (expected", o->name,
						    value);
			for (unsigned i = 0; o->choices && o->choices[i] && n < errlen; i++)
				n += (size_t)snprintf(err + n, errlen - n, "%s%s", i ? "|" : " ", o->choices[i]);
			if (n < errlen)
				snprintf(err + n, errlen - n, ")");
		}
		return -EINVAL;
	case OPT_BOOL: {
		bool b;
		if (parse_bool(value, &b)) {
			snprintf(err, errlen, "option '%s': bad boolean '%s' (expected 0|1|yes|no)", o->name,
				 value);
			return -EINVAL;
		}
		memcpy(field, &b, sizeof(b));
		return 0;
	}
	case OPT_STR:
		if (strlen(value) >= OPT_STR_MAX) {
			snprintf(err, errlen, "option '%s': value too long", o->name);
			return -EINVAL;
		}
		strcpy(field, value);
		return 0;
	}
	snprintf(err, errlen, "option '%s': bad type", o->name);
	return -EINVAL;
}

int opt_apply_defaults(const struct opt *opts, void *obj, char *err, size_t errlen)
{
	for (const struct opt *o = opts; o && o->name; o++)
		if (o->def && opt_set(opts, obj, o->name, o->def, err, errlen))
			return -EINVAL;
	return 0;
}

int opt_parse_list(const struct opt *opts, void *obj, const char *list, char *err, size_t errlen)
{
	char buf[1024];
	char *save = NULL;

	if (!list || !*list)
		return 0;
	if (strlen(list) >= sizeof(buf)) {
		snprintf(err, errlen, "option list too long");
		return -EINVAL;
	}
	strcpy(buf, list);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		if (!eq) {
			snprintf(err, errlen, "'%s': expected key=value", tok);
			return -EINVAL;
		}
		*eq = '\0';
		int r = opt_set(opts, obj, tok, eq + 1, err, errlen);
		if (r)
			return r;
	}
	return 0;
}

void opt_print_help(const struct opt *opts, void *fp_as_FILE)
{
	FILE *fp = fp_as_FILE;
	static const char *const tname[] = {"N", "SIZE", "TIME", "X", "CHOICE", "BOOL", "TEXT"};
	char rng[96];

	for (const struct opt *o = opts; o && o->name; o++) {
		char key[48];
		snprintf(key, sizeof(key), "%s=%s", o->name, tname[o->type]);
		fprintf(fp, "    %-22s %s", key, o->help ? o->help : "");
		if (o->type == OPT_ENUM && o->choices) {
			fprintf(fp, " (");
			for (unsigned i = 0; o->choices[i]; i++)
				fprintf(fp, "%s%s", i ? "|" : "", o->choices[i]);
			fprintf(fp, ")");
		}
		if (o->def)
			fprintf(fp, " [default %s]", o->def);
		if (ranged(o)) {
			range_text(o, rng, sizeof(rng));
			fprintf(fp, " [range %s]", rng);
		}
		fprintf(fp, "\n");
	}
}
