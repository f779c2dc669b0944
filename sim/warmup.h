/* SPDX-License-Identifier: GPL-2.0 */
/* warmup.h - the warm-up (--warmup N|TIME|P%): which requests the statistics leave out. */
#ifndef SSDCACHE_WARMUP_H
#define SSDCACHE_WARMUP_H

#include <stddef.h>
#include <stdint.h>

/*
 * The engine always runs from the first request; the warm-up only decides from which request
 * on the observer counts (sim/observe.c). A request counts, with its pieces, outcomes and
 * latencies, if it arrives after the warm-up; device counters count from the arrival of the
 * first counted request. The status lines stay the engine's cumulative counters.
 *
 *   N      the first N simulated requests are the warm-up
 *   TIME   (a unit is required: ns/us/ms/s) requests whose trace time is less than TIME after
 *          the first request's are the warm-up
 *   P%     the first P percent (0 <= P < 100) of the trace's records are the warm-up; the
 *          record count is the .sct header's, otherwise one counting pass over the trace
 *          (refused for standard input, which cannot be read twice)
 */
enum sim_warmup_kind { WARMUP_NONE, WARMUP_REQUESTS, WARMUP_TIME, WARMUP_PERCENT };

struct sim_warmup {
	enum sim_warmup_kind kind;
	uint64_t requests; /* WARMUP_REQUESTS */
	uint64_t time_ns;  /* WARMUP_TIME */
	double percent;    /* WARMUP_PERCENT */
	char spec[32];     /* as given, for reports and the database */
};

/* What a run did with it (struct sim_result). */
struct sim_warmup_result {
	enum sim_warmup_kind kind; /* the configuration's (WARMUP_NONE: the fields are 0) */
	uint64_t start_request;  /* requests simulated before counting started (the first counted
				  * is request start_request + 1) */
	uint64_t start_ns;       /* simulated arrival time of the first counted request */
	uint64_t measured;       /* requests counted */
	uint64_t trace_records;  /* P%: the trace's record count it was taken of (else 0) */
};

/* "1000", "30s", "250ms", "10%" -> w. Returns 0 or -EINVAL with a message naming the option. */
int sim_warmup_parse(const char *s, struct sim_warmup *w, char *err, size_t errlen);
/* "requests", "time", "percent" (NULL for none). */
const char *sim_warmup_kind_name(enum sim_warmup_kind k);

#endif
