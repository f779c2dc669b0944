/* SPDX-License-Identifier: GPL-2.0 */
/* csv.h - what the comma-separated readers share: time units, the --csv column map, checks. */
#ifndef SSDCACHE_CSV_H
#define SSDCACHE_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/trc_internal.h"

/*
 * The CSV formats (msr, spc, csv, alibaba, tencent) read timestamps as decimal numbers in a
 * unit: the format's own by default, or --time-unit (reader option "time-unit"). A file whose
 * requests then look impossible for a block device (over 10 M IOPS, more than 100 requests in
 * under 1 ms, or a span over a year) gets a warning that names the unit that would make sense.
 */

/* The length of a UTF-8 byte-order mark at p (3) or 0. */
size_t trc_bom_len(const uint8_t *p, size_t len);

/* Nanoseconds in one unit (TRC_TU_*; filetime: 100 ns); 0 for TRC_TU_DEFAULT. */
uint64_t trc_time_unit_ns(unsigned unit);
/* "12", "12.5" (no sign, no exponent) in unit -> ns, exact to 1 ns. false if not such a number
 * or it overflows 2^64 ns. */
bool trc_parse_time(const char *p, size_t len, unsigned unit, uint64_t *ns);

/* Span of the requests a CSV reader handed out, for the plausibility warning. */
struct trc_span {
	uint64_t n, min_ns, max_ns;
	bool checked; /* said once, however often the reader is asked at EOF */
};
static inline void trc_span_add(struct trc_span *s, uint64_t ns)
{
	if (!s->n || ns < s->min_ns)
		s->min_ns = ns;
	if (!s->n || ns > s->max_ns)
		s->max_ns = ns;
	s->n++;
}
/* At the end of a CSV trace read in unit: warn (trc_warn) if the rate is implausible. */
void trc_span_check(struct trc *t, struct trc_span *s, unsigned unit);


#endif
