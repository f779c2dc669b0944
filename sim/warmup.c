// SPDX-License-Identifier: GPL-2.0
/* warmup.c - parse --warmup N|TIME|P%. */
#include "sim/warmup.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/units.h"

const char *sim_warmup_kind_name(enum sim_warmup_kind k)
{
	switch (k) {
	case WARMUP_REQUESTS:
		return "requests";
	case WARMUP_TIME:
		return "time";
	case WARMUP_PERCENT:
		return "percent";
	default:
		return NULL;
	}
}

int sim_warmup_parse(const char *s, struct sim_warmup *w, char *err, size_t errlen)
{
	size_t n = strlen(s);

	memset(w, 0, sizeof(*w));
	if (n == 0 || n >= sizeof(w->spec))
		goto bad;
	snprintf(w->spec, sizeof(w->spec), "%s", s);
	if (s[n - 1] == '%') {
		char *end;
		double p;

		if (!isdigit((unsigned char)s[0]))
			goto bad;
		p = strtod(s, &end);
		if (end != s + n - 1 || !isfinite(p) || p < 0)
			goto bad;
		if (p >= 100) {
			snprintf(err, errlen, "--warmup %s: a percentage must be below 100 (nothing would "
					      "be left to measure)", s);
			return -EINVAL;
		}
		w->kind = WARMUP_PERCENT;
		w->percent = p;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		goto bad;
	if (isdigit((unsigned char)s[n - 1])) {
		if (parse_u64(s, &w->requests))
			goto bad;
		w->kind = WARMUP_REQUESTS;
		return 0;
	}
	if (parse_time_ns(s, &w->time_ns))
		goto bad;
	w->kind = WARMUP_TIME;
	return 0;
bad:
	snprintf(err, errlen, "--warmup %s: expected N (requests), TIME with a unit (e.g. 30s, "
			      "500ms) or P%% (e.g. 10%%)", s);
	memset(w, 0, sizeof(*w));
	return -EINVAL;
}
