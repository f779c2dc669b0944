/* SPDX-License-Identifier: GPL-2.0 */
/* simtest.h - test helper: write a small blkparse trace, run the simulator on it, read the results back. */
#ifndef SSDCACHE_SIMTEST_H
#define SSDCACHE_SIMTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

#define MS(x) ((uint64_t)((x) * 1000000.0 + 0.5))

/* In cmocka tests: run, or fail with sim_run's message; compare the log's OUTCOME column. */
#define RUN_OK(st)                                                                                 \
	do {                                                                                       \
		if (st_run(st))                                                                    \
			fail_msg("sim_run: %s", (st)->err);                                        \
	} while (0)
#define OUTCOMES(st, s)                                                                            \
	do {                                                                                       \
		if (!st_outcomes_are(st, s))                                                       \
			fail_msg("%s\nlog:\n%s", (st)->err, (st)->log);                            \
	} while (0)

/* In cmocka tests: append a st_qs script, or fail with the bad entry. */
#define QS(st, script)                                                                             \
	do {                                                                                       \
		if (st_qs(st, script))                                                             \
			fail_msg("st_qs: %s", (st)->err);                                          \
	} while (0)

struct simtest {
	char trace[1 << 18];    /* blkparse text */
	size_t len;
	unsigned n;
	struct sim_config cfg;
	struct sim_result res;
	char log[1 << 19];      /* the decision log after st_run */
	char verify[1 << 14];   /* the verify log after st_run (when cfg.verify) */
	char err[512];
	int rc;
	/* filled by the inspect hook */
	struct ssdcache_ctx *sc_seen;
	int (*inspect)(struct simtest *st, struct ssdcache_ctx *sc);
	void *user;
	bool table_parsed;
};

/*
 * cmocka setup / teardown (cmocka_unit_test_setup_teardown): *state becomes a zeroed struct
 * simtest, freed (with its last run's results) after the test. The struct holds the trace and
 * the logs in place (about 800 KB), too big for a test's stack; through cmocka's state each test
 * gets a fresh one and file-scope state is avoided.
 */
int st_setup(void **state);
int st_teardown(void **state);
#define ST_TEST(f) cmocka_unit_test_setup_teardown(f, st_setup, st_teardown)

/* Fresh test: fixed devices C (read/write ns) and T, cache of cache_bytes, table, HZ 250. */
void st_init(struct simtest *st, uint64_t cache_bytes, uint64_t c_read_ns, uint64_t c_write_ns,
	     uint64_t t_read_ns, uint64_t t_write_ns, const char *table);
/* Append a Q line: rwbs such as "R", "W", "WS", "FWFSM", "D"; nsect 0 prints no range. */
void st_q(struct simtest *st, uint64_t t_ns, const char *rwbs, uint64_t sector, uint32_t nsect);
/*
 * Append Q lines from a script: entries separated by commas, each "T RWBS SECTOR+NSECT" or
 * "T RWBS" (no range) with T in milliseconds (MS(T)), e.g. "0 R 0+8, 1.5 W 8+8, 2 FWFSM".
 * Returns 0, or -1 with the bad entry described in st->err (nothing of it appended).
 */
int st_qs(struct simtest *st, const char *script);
/* Append a raw line. */
void st_line(struct simtest *st, const char *line);
/* Parse a table into st->cfg.engine (after setting quirks). Returns 0 or -EINVAL. */
int st_table(struct simtest *st, const char *table);
/* Run; returns sim_run's status. The decision log lands in st->log. */
int st_run(struct simtest *st);
/* Line n (0-based) of the decision log, without the newline ("" past the end). */
const char *st_log_line(const struct simtest *st, unsigned n, char *buf, size_t len);
/* The OUTCOME field of decision-log line n. */
const char *st_outcome(const struct simtest *st, unsigned n, char *buf, size_t len);
void st_fini(struct simtest *st);
/* Compare the OUTCOME column of the whole log with a space-separated list, where WORD*N stands
 * for N pieces in a row (READ_MISS*16); on a difference returns false and describes it in
 * st->err. */
bool st_outcomes_are(struct simtest *st, const char *expected);
/* The INFO status text of the last run. */
const char *st_info(const struct simtest *st);

#endif
