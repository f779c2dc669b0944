// SPDX-License-Identifier: GPL-2.0
/* test_systor.c - the SYSTOR '17 reader (traces/systor.c): a sample written from the
 * distribution's README (tests/traces/data/systor_lun4.csv), detection, and bad lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/traces/trc_test.h"

/*
 * The sample: a header, then a 128 KiB read at byte 899056122368 (sector 1755968989, 256
 * sectors), a 4 KiB write 394 us later, a record with a blank IOType (no response message:
 * skipped), and 1000 bytes at byte 8192 (sectors 16 and 17) 500 ms after the first. Response
 * is the latency in seconds; LUN 4 is device 0,4.
 */
static void test_sample(void **state)
{
	static const char *const want[] = {
		"0 0,4 R 1755968989 256 0 806000 []",
		"394000 0,4 W 8 8 0 150000 []",
		"500000000 0,4 R 16 2 0 2000000 []",
	};
	struct read_result *r = read_path("tests/traces/data/systor_lun4.csv", NULL);

	(void)state;
	assert_int_equal(r->open_rc, 0);
	assert_string_equal(r->format, "systor"); /* by content */
	assert_int_equal(r->st, TRC_EOF);
	expect_recs(r, want, 3);
	assert_int_equal(r->pos[0].line, 2);
	assert_int_equal(r->pos[2].line, 5);
	assert_int_equal(r->counts.skipped_lines, 2); /* the header and the blank IOType */
	assert_non_null(strstr(r->warnings, "systor_lun4.csv:4: IOType blank (no response message): "
					    "record skipped"));
	free(r);
}

/* Without the header the line's shape is enough; the other CSV formats are not taken for it. */
static void test_detection(void **state)
{
	struct read_result *r = read_str("s.csv", "1456135200.5,0.001,W,0,0,512\n", NULL);

	(void)state;
	assert_string_equal(r->format, "systor");
	assert_int_equal(r->n, 1);
	free(r);
	/* MSR (7 fields), SPC (5, an opcode letter 4th), Alibaba and Tencent stay theirs */
	r = read_str("m.csv", "128166372003061629,web,2,Write,4096,8192,10\n", NULL);
	assert_string_equal(r->format, "msr");
	free(r);
	r = read_str("p.spc", "0,303567,3584,w,0.000000\n", NULL);
	assert_string_equal(r->format, "spc");
	free(r);
	r = read_str("a.csv", "419,W,8255807488,4096,1577808000000047\n", NULL);
	assert_string_equal(r->format, "alibaba");
	free(r);
	/* --format systor reads a file whatever the probe says */
	struct trc_opts o = {.format = "systor"};
	r = read_str("x", "1,0,R,0,0,512\n", &o);
	assert_string_equal(r->format, "systor");
	assert_int_equal(r->n, 1);
	free(r);
}

struct bad_case {
	const char *text;
	const char *msg; /* the whole error */
	uint64_t line;
};

static const struct bad_case bad_cases[] = {
	{"Timestamp,Response,IOType,LUN,Offset,Size\n1456135200.0,0.001,R,4,8\n1456135200.1,0.001,R,4,0,"
	 "512\n",
	 "b:2: field 6 (missing): expected 6 fields (Timestamp,Response,IOType,LUN,Offset,Size), got 5",
	 2},
	{"1456135200.0,0.001,R,4,0,512\n1456135200.1,0.001,R,4,0,512,9\n",
	 "b:2: field 7 (extra): expected 6 fields (Timestamp,Response,IOType,LUN,Offset,Size), got 7", 2},
	{"1456135200.0,0.001,X,4,0,512\n1456135200.1,0.001,R,4,0,512\n",
	 "b:1: field 3 (IOType): expected R, W or blank, got 'X'", 1},
	{"1456135200.0,0.001,R,4,0,512\n1456135200.1,-1,R,4,0,512\n",
	 "b:2: field 2 (Response): expected a time in seconds (e.g. 0.000806000), got '-1'", 2},
	{"1456135200.0,0.001,R,4,0,512\nnoon,0.001,R,4,0,512\n",
	 "b:2: field 1 (Timestamp): expected a Unix time in seconds (e.g. 1456135200.013118000), got "
	 "'noon'",
	 2},
	{"1456135200.0,0.001,R,4,0,512\n1456135200.1,0.001,W,lun4,0,512\n",
	 "b:2: field 4 (LUN): expected a LUN index, got 'lun4'", 2},
	{"1456135200.0,0.001,R,4,0,512\n1456135200.1,0.001,W,4,0x10,512\n",
	 "b:2: field 5 (Offset): expected a byte offset, got '0x10'", 2},
	{"1456135200.0,0.001,R,4,0,512\n1456135200.1,0.001,W,4,18446744073709551615,512\n",
	 "b:2: field 6 (Size): expected a size in bytes (the range inside 2^64 bytes), got '512'", 2},
};

static void test_bad_lines(void **state)
{
	/* the device given: no pre-scan, so the error comes from trc_next with its position */
	struct trc_opts o = {.format = "systor", .has_device = true, .device = TRC_DEV(0, 4)};

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct read_result *r = read_str("b", bad_cases[i].text, &o);
		expect_bad(i, r, bad_cases[i].msg, bad_cases[i].line);
		if (strcmp(r->error, bad_cases[i].msg))
			fail_msg("case %zu: '%s', expected exactly '%s'", i, r->error, bad_cases[i].msg);
		free(r);
		/* --lenient: the bad line is skipped, counted and reported; the good one is read */
		o.lenient = true;
		r = read_str("b", bad_cases[i].text, &o);
		o.lenient = false;
		if (r->counts.skipped_bad != 1 || r->counts.first_bad.line != bad_cases[i].line ||
		    r->counts.records != 1 || r->st != TRC_EOF)
			fail_msg("case %zu, lenient: %llu skipped (first at line %llu), %llu records, "
				 "status %d: %s%s", i, (unsigned long long)r->counts.skipped_bad,
				 (unsigned long long)r->counts.first_bad.line,
				 (unsigned long long)r->counts.records, r->st, r->err, r->error);
		free(r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_bad_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
