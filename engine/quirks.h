/* SPDX-License-Identifier: GPL-2.0 */
/* quirks.h - the seed's quirks Q1..Q38 (docs/quirks.md) and which of them a run repairs. */
#ifndef SSDCACHE_QUIRKS_H
#define SSDCACHE_QUIRKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define QUIRK_MAX 38

/* A set of quirk numbers; bit n set means "quirk Qn is FIXED" (seed behaviour repaired). */
typedef uint64_t quirk_set;

#define QUIRKS_SEED ((quirk_set)0)

static inline bool quirk_fixed(quirk_set qs, int nr)
{
	return (qs >> nr) & 1;
}

struct quirk_info {
	int nr;
	const char *title;     /* one line */
	bool changes_decisions; /* docs/quirks.md "changes decisions" */
	bool has_fix;          /* a fixed-mode behaviour exists in this port */
	const char *seed;      /* what seed-exact mode does */
	const char *fixed;     /* what --fix Qn does */
};

/* The table, indexed 1..QUIRK_MAX (entry 0 unused). */
extern const struct quirk_info quirk_table[QUIRK_MAX + 1];

/* Every quirk that has a fix: the "--quirks fixed" baseline. */
quirk_set quirks_all_fixes(void);

/*
 * Parse a list such as "Q1,Q5" or "1,5" or "all" and set (fix = true) or clear (fix = false)
 * the named quirks in *qs. Returns 0, or -EINVAL with a message naming the bad item in err.
 * A quirk without a fix can not be set: that is an error, too.
 */
int quirks_parse_list(quirk_set *qs, const char *list, bool fix, char *err, size_t errlen);

/* "seed", "fixed", or "seed+Q1,Q5" / "fixed-Q20": a stable text for logs and databases. */
void quirks_format(quirk_set qs, char *buf, size_t len);

#endif
