// SPDX-License-Identifier: GPL-2.0
/* admit.c - the table of admission rules and the "--admit RULE[,RULE]" parser. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policies/admit.h"
#include "policies/policy.h"

extern const struct pol_admit_ops pol_admit_nhit, pol_admit_seqcut, pol_admit_size;

const struct pol_admit_ops *const pol_admit_registry[] = {
	&pol_admit_nhit, &pol_admit_seqcut, &pol_admit_size, NULL,
};

const struct pol_admit_ops *pol_admit_find(const char *name)
{
	for (int i = 0; pol_admit_registry[i]; i++)
		if (!strcasecmp(pol_admit_registry[i]->name, name))
			return pol_admit_registry[i];
	return NULL;
}

int pol_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	unsigned shift = 0;
	switch (toupper((unsigned char)*p)) {
	case '\0': break;
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	default: return -EINVAL;
	}
	if (shift && p[1])
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

int pol_admit_parse(const char *list, struct pol_admit_list *out, char *err, size_t errlen)
{
	char buf[256], *save = NULL;

	out->n = 0;
	if (strlen(list) >= sizeof(buf)) {
		snprintf(err, errlen, "--admit: list too long");
		return -EINVAL;
	}
	strcpy(buf, list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *arg = strchr(t, ':'), sub[160];
		const struct pol_admit_ops *ops;

		if (arg)
			*arg++ = '\0';
		ops = pol_admit_find(t);
		if (!ops) {
			size_t o = (size_t)snprintf(err, errlen, "--admit: unknown rule '%s' (expected", t);
			for (int i = 0; pol_admit_registry[i] && o < errlen; i++)
				o += (size_t)snprintf(err + o, errlen - o, "%s %s", i ? "," : "",
						      pol_admit_registry[i]->syntax);
			if (o < errlen)
				snprintf(err + o, errlen - o, ")");
			return -EINVAL;
		}
		for (unsigned k = 0; k < out->n; k++)
			if (out->rule[k].ops == ops) {
				snprintf(err, errlen, "--admit: rule '%s' given twice", ops->name);
				return -EINVAL;
			}
		if (out->n == POL_ADMIT_MAX) {
			snprintf(err, errlen, "--admit: at most %d rules", POL_ADMIT_MAX);
			return -EINVAL;
		}
		if (ops->parse(arg, &out->rule[out->n].value, sub, sizeof(sub))) {
			snprintf(err, errlen, "--admit %s: %s", ops->syntax, sub);
			return -EINVAL;
		}
		out->rule[out->n++].ops = ops;
	}
	if (!out->n) {
		snprintf(err, errlen, "--admit: empty list");
		return -EINVAL;
	}
	return 0;
}

const char *pol_admit_format(const struct pol_admit_list *l, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned k = 0; k < l->n && o < len; k++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s:%" PRIu64, k ? "," : "", l->rule[k].ops->name,
				      l->rule[k].value);
	return buf;
}
