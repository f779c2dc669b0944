// SPDX-License-Identifier: GPL-2.0
/* test_disksim.c - the disksim-validate reader: detection by content, the fields, the measured
 * timeline that carries the think times, and bad lines with their positions. The sample lines
 * are written here from the format's description (DiskSim's validate trace type). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"

static const char sample[] = "R Miss  1000     2     14095.370     13876.270\n"
			     "\n"
			     "R Hit   1002     2      1414.270     18746.770\n"
			     "W Doub 50000    15     17221        21894.3805\n"
			     "W Trip 60000     8        10.000005      0\n";

static void test_fields_and_timeline(void **state)
{
	(void)state;
	struct read_result *r = read_all("v.trace", sample, NULL);
	/* r->format holds 15 characters: compare what fits */
	assert_string_equal(r->format, "disksim-validat");
	assert_int_equal(r->n, 4);
	assert_int_equal(r->rec[0].flags, TRC_READ);
	assert_int_equal(r->rec[0].sector, 1000);
	assert_int_equal(r->rec[0].nsect, 2);
	assert_int_equal(r->rec[0].latency_ns, 14095370);
	assert_int_equal(r->rec[0].time_ns, 0);
	assert_string_equal(r->rec[0].comm, "Miss");
	/* issue times on the measured timeline: previous issue + response + think */
	assert_int_equal(r->rec[1].time_ns, 14095370 + 13876270);
	assert_int_equal(r->rec[2].time_ns, 14095370 + 13876270 + 1414270 + 18746770);
	assert_int_equal(r->rec[2].flags, TRC_WRITE);
	assert_int_equal(r->rec[2].latency_ns, 17221000);
	/* 21894.3805 us rounds to 21894381 ns */
	assert_int_equal(r->rec[3].time_ns, r->rec[2].time_ns + 17221000 + 21894381);
	assert_int_equal(r->rec[3].latency_ns, 10000); /* 10.000005 us -> 10000 ns (rounded) */
	assert_string_equal(r->rec[3].comm, "Trip");
	assert_int_equal(r->pos[1].line, 3); /* the blank line counts */
	assert_int_equal(r->counts.skipped_lines, 1);
	free(r);
}

static void test_not_detected(void **state)
{
	(void)state;
	/* a fourth field that is not a count, or a tag that is not one of the four */
	struct read_result *r = read_str("x", "R Miss 1000 two 1.0 2.0\n", NULL);
	assert_int_equal(r->open_rc, -EINVAL);
	free(r);
	r = read_str("x", "R Maybe 1000 2 1.0 2.0\n", NULL);
	assert_int_equal(r->open_rc, -EINVAL);
	free(r);
}

struct bad_case {
	const char *text;
	uint64_t line;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{"R Hit 1 2 3 4\nX Hit 1 2 3 4\n", 2, "b:2: field 1 (op): bad value 'X' (expected R or W)"},
	{"R Hit 1 2 3 4\nR Hot 1 2 3 4\n", 2,
	 "b:2: field 2 (buffer): bad value 'Hot' (expected Hit, Miss, Doub or Trip)"},
	{"R Hit 1 2 3 4\nR Hit -1 2 3 4\n", 2, "field 3 (block): bad value '-1'"},
	{"R Hit 1 2 3 4\nR Hit 1 0 3 4\n", 2, "field 4 (count): bad value '0'"},
	{"R Hit 1 2 3 4\nR Hit 1 2 3.x 4\n", 2, "field 5 (response): bad value '3.x'"},
	{"R Hit 1 2 3 4\nR Hit 1 2 3 -4\n", 2, "field 6 (think): bad value '-4'"},
	{"R Hit 1 2 3 4\nR Hit 1 2 3\n", 2, "b:2: field 6 (missing): expected 6 fields"},
	{"R Hit 1 2 3 4\n\nR Hit 1 2 3 4 5\n", 3, "b:3: field 7 (extra): expected 6 fields"},
};

static void test_bad_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct trc_opts o = {.has_device = true, .device = TRC_DEV(0, 0)};
		struct read_result *r = read_str("b", c->text, &o);
		expect_bad(i, r, c->msg, c->line);
		assert_int_equal(r->n, 1); /* the good record before it was delivered */
		free(r);
	}
}

static void test_format_by_name(void **state)
{
	(void)state;
	struct trc_opts o = {.format = "disksim-validate"};
	struct trc *t;
	char err[256];
	assert_true(trc_format_known("disksim-validate"));
	assert_int_equal(trc_open_mem(&t, "v", "R Hit 1 2 3 4\n", 14, &o, err, sizeof(err)), 0);
	assert_string_equal(trc_format_name(t), "disksim-validate");
	trc_close(t);
	struct read_result *r = read_str("v", "W Miss 7 8 100 0\n", &o);
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].flags, TRC_WRITE);
	free(r);
	/* --event D does not apply to a format without events */
	o.event = 'D';
	r = read_str("v", "W Miss 7 8 100 0\n", &o);
	assert_int_equal(r->open_rc, -ENOTSUP);
	free(r);
}

CM_MAIN(UT(test_fields_and_timeline), UT(test_not_detected), UT(test_bad_lines),
	UT(test_format_by_name));
