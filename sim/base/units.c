// SPDX-License-Identifier: GPL-2.0
/* units.c - sizes in powers of 1024 and times in ns/us/ms/s, parsed strictly. */
#include "sim/base/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

/* Split "12.5ms" into a non-negative number and a suffix; integers stay exact. */
static int split_number(const char *s, uint64_t *ival, double *dval, bool *is_int, const char **suffix)
{
	const char *p = s;
	char *end;

	if (!s || !(isdigit((unsigned char)*p) || *p == '.'))
		return -EINVAL;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.' || *p == 'e' || *p == 'E') {
		errno = 0;
		*dval = strtod(s, &end);
		if (errno || end == s || *dval < 0 || !isfinite(*dval))
			return -EINVAL;
		*is_int = false;
		*suffix = end;
		return 0;
	}
	char digits[32];
	size_t n = (size_t)(p - s);
	if (n == 0 || n >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, s, n);
	digits[n] = '\0';
	if (parse_u64(digits, ival))
		return -EINVAL;
	*dval = (double)*ival;
	*is_int = true;
	*suffix = p;
	return 0;
}

static int scale(uint64_t ival, double dval, bool is_int, uint64_t mult, uint64_t *out)
{
	if (is_int) {
		if (mult && ival > UINT64_MAX / mult)
			return -EINVAL;
		*out = ival * mult;
		return 0;
	}
	double v = dval * (double)mult;
	if (v >= 18446744073709551615.0)
		return -EINVAL;
	*out = (uint64_t)llround(v);
	return 0;
}

/* A number suffix and what it multiplies by. */
struct unit {
	const char *sfx;
	uint64_t mult;
};

/* s as a number with one of units' suffixes (case-blind when nocase), scaled into *out. */
static int parse_scaled(const char *s, const struct unit *units, size_t n, bool nocase,
			uint64_t *out)
{
	uint64_t ival = 0;
	double dval = 0;
	bool is_int;
	const char *sfx;

	if (split_number(s, &ival, &dval, &is_int, &sfx))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!(nocase ? strcasecmp : strcmp)(sfx, units[i].sfx))
			return scale(ival, dval, is_int, units[i].mult, out);
	return -EINVAL;
}

int parse_size(const char *s, uint64_t *bytes)
{
	static const struct unit units[] = {
		{"", 1},
		{"b", 1},
		{"k", 1ULL << 10},  {"kb", 1ULL << 10}, {"kib", 1ULL << 10},
		{"m", 1ULL << 20},  {"mb", 1ULL << 20}, {"mib", 1ULL << 20},
		{"g", 1ULL << 30},  {"gb", 1ULL << 30}, {"gib", 1ULL << 30},
		{"t", 1ULL << 40},  {"tb", 1ULL << 40}, {"tib", 1ULL << 40},
		{"p", 1ULL << 50},  {"pb", 1ULL << 50}, {"pib", 1ULL << 50},
	};

	return parse_scaled(s, units, sizeof(units) / sizeof(units[0]), true, bytes);
}

int parse_time_ns(const char *s, uint64_t *ns)
{
	/* case matters: "ms" is not "Ms" */
	static const struct unit units[] = {
		{"", 1}, {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000},
	};

	return parse_scaled(s, units, sizeof(units) / sizeof(units[0]), false, ns);
}

void format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const sfx[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)bytes;
	int i = 0;

	while (v >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	if (i == 0 || v == floor(v))
		snprintf(buf, len, "%.0f %s", v, sfx[i]);
	else
		snprintf(buf, len, "%.2f %s", v, sfx[i]);
}

void format_time_ns(double ns, char *buf, size_t len)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
}
