// SPDX-License-Identifier: GPL-2.0
/* test_pubfmt.c - MSR Cambridge, SPC, FIU, SYSTOR '17 and fio iolog readers: sample files written
 * from each format's published description (tests/traces/data/), and bad inputs with their
 * positions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"

/* The sample at path, read with o, is in format and reads to its end: exactly the n records of
 * want (as rec_line prints them), the last one at line last_line (0: not checked). */
static void expect_file(const char *path, const struct trc_opts *o, const char *format,
			const char *const *want, size_t n, uint64_t last_line)
{
	struct read_result *r = read_path(path, o);

	if (r->open_rc)
		fail_msg("%s: open failed: %s", path, r->err);
	assert_string_equal(r->format, format);
	assert_int_equal(r->st, TRC_EOF);
	expect_recs(r, want, n);
	if (last_line)
		assert_int_equal(r->pos[n - 1].line, last_line);
	free(r);
}

static void test_msr(void **state)
{
	(void)state;
	/* Timestamp and ResponseTime in 100 ns units; time from the first record; offset
	 * 3154132992 bytes = sector 6160416; 1536 bytes at offset 2000000512: sectors
	 * 3906251..3906253 */
	static const char *const want[] = {
		"0 0,0 R 6160416 8 0 936900 [hm]",
		"1332052600 0,0 W 6160400 8 0 1344400 [hm]",
		"2332061600 0,0 W 3906251 3 0 6022100 [hm]",
		"3332052600 0,0 R 1 1 0 100000 [hm]",
	};
	expect_file("tests/traces/data/msr_hm_0.csv", NULL, "msr", want, 4, 4);

	/* a header line is allowed */
	const char *hdr = "Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\n"
			  "128166372003061629,web,2,Write,4096,8192,10\n";
	struct read_result *r = read_str("h.csv", hdr, NULL);
	assert_string_equal(r->format, "msr");
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].dev, TRC_DEV(0, 2));
	assert_int_equal(r->pos[0].line, 2);
	free(r);
}

static void test_spc(void **state)
{
	(void)state;
	struct read_result *r = read_path("tests/traces/data/spc_financial.spc", NULL);

	/* ASUs are devices 0,N: two of them, so a choice is needed */
	assert_int_equal(r->open_rc, -ENOTUNIQ);
	assert_non_null(strstr(r->err, "0,0 (3 requests), 0,1 (2 requests)"));
	free(r);
	struct trc_opts o = {.has_device = true, .device = TRC_DEV(0, 1)};
	r = read_path("tests/traces/data/spc_financial.spc", &o);
	assert_string_equal(r->format, "spc");
	assert_int_equal(r->n, 2);
	assert_int_equal(r->rec[0].sector, 55590);
	assert_int_equal(r->rec[0].nsect, 6);
	assert_string_equal(r->rec[0].rwbs, "W");
	assert_int_equal(r->rec[1].time_ns, 78643000);
	assert_string_equal(r->rec[1].rwbs, "R");
	assert_int_equal(r->pos[1].line, 4);
	assert_int_equal(r->counts.skipped_other_dev, 3);
	free(r);
	o.device = TRC_DEV(0, 0);
	r = read_path("tests/traces/data/spc_financial.spc", &o);
	assert_int_equal(r->n, 3);
	assert_int_equal(r->rec[2].time_ns, 117964000); /* extra fields after Timestamp are allowed */
	free(r);
}

static void test_fiu(void **state)
{
	(void)state;
	/* a process name with a blank: fields are taken from both ends */
	static const char *const want[] = {
		"0 6,0 W 904265560 8 4892 -1 [syslogd]",
		"90769 6,0 W 904265568 8 4892 -1 [syslogd]",
		"14774490 6,0 R 812345 16 1234 -1 [gnome terminal]",
	};
	expect_file("tests/traces/data/fiu_homes.txt", NULL, "fiu", want, 3, 0);
}

static void test_iolog(void **state)
{
	(void)state;
	/* wait 1000 us moves the clock; sync is an empty flush, trim a discard */
	static const char *const v2[] = {
		"0 0,0 W 0 8 0 -1 [/dev/sdb]",
		"1000000 0,0 R 8 16 0 -1 [/dev/sdb]",
		"1000000 0,0 FWS 0 0 0 -1 [/dev/sdb]",
		"1000000 0,0 D 2048 128 0 -1 [/dev/sdb]",
	};
	expect_file("tests/traces/data/iolog_v2.log", NULL, "iolog", v2, 4, 8);

	/* v3 timestamps are microseconds (fio writes utime_since_now()) */
	static const char *const v3[] = {
		"878000 0,0 W 0 32 0 -1 [/dev/nvme0n1]",
		"888000 0,0 R 32 8 0 -1 [/dev/nvme0n1]",
		"1000000 0,0 FWS 0 0 0 -1 [/dev/nvme0n1]",
	};
	expect_file("tests/traces/data/iolog_v3.log", NULL, "iolog", v3, 3, 0);

	/* two files are two devices */
	const char *two = "fio version 2 iolog\na add\nb add\na read 0 4096\nb write 0 4096\n";
	struct read_result *r = read_str("two.log", two, NULL);
	assert_int_equal(r->open_rc, -ENOTUNIQ);
	assert_non_null(strstr(r->err, "0,0 [a] (1 requests), 0,1 [b] (1 requests)"));
	free(r);
}

struct bad_case {
	const char *format;
	const char *text;
	uint64_t line;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{"msr", "128166372003061629,hm,0,Read,3154132992,4096,9369\n128166372003061630,hm,0,Q,0,4096,1\n", 2,
	 "b:2: field 4 (Type): expected Read or Write, got 'Q'"},
	{"msr", "1,hm,0,Read,0,4096,1\n2,hm,0,Read,0,4096\n", 2,
	 "b:2: field 7 (missing): expected 7 fields (Timestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime), got 6"},
	{"msr", "1,hm,0,Read,0,4096,1\n2,hm,0,Read,-5,4096,1\n", 2, "field 5 (Offset): expected a byte offset, got '-5'"},
	{"msr", "1,hm,0,Read,0,4096,1\n2,hm,x,Read,0,4096,1\n", 2, "field 3 (DiskNumber)"},
	{"msr", "1,hm,0,Read,0,4096,1\n2x,hm,0,Read,0,4096,1\n", 2, "field 1 (Timestamp)"},
	{"msr", "1,hm,0,Read,0,4096,1\n2,hm,0,Read,0,4096,99999999999999999999\n", 2, "field 7 (ResponseTime)"},
	{"spc", "0,303567,3584,w,0.000000\n0,303567,3584,x,0.1\n", 2, "b:2: field 4 (Opcode): expected r, R, w or W, got 'x'"},
	{"spc", "0,303567,3584,w,0.000000\n0,303567,3584,w\n", 2, "field 5 (missing): expected at least 5 fields"},
	{"spc", "0,303567,3584,w,0.000000\n0,303567,3584,w,1.5s\n", 2, "field 5 (Timestamp)"},
	{"spc", "0,303567,3584,w,0.000000\n0,-1,3584,w,1.5\n", 2, "field 2 (LBA)"},
	{"fiu", "1 2 p 3 8 W 6 0 531e779ebdaa2c6e7dcf7d4b0f7d4b0f\n1 2 p 3 8 X 6 0 531e779ebdaa2c6e7dcf7d4b0f7d4b0f\n", 2,
	 "b:2: field 6 (op): expected W or R, got 'X'"},
	{"fiu", "1 2 p 3 8 W 6 0 531e779ebdaa2c6e7dcf7d4b0f7d4b0f\n1 2 3 8 W\n", 2, "field 6 (missing)"},
	{"fiu", "1 2 p 3 8 W 6 0 531e779ebdaa2c6e7dcf7d4b0f7d4b0f\nx 2 p 3 8 W 6 0 531e779ebdaa2c6e7dcf7d4b0f7d4b0f\n", 2,
	 "field 1 (ts)"},
	{"fiu", "1 2 p 3 8 W 6 0 531e779ebdaa2c6e7dcf7d4b0f7d4b0f\n1 2 p 3 8 W 99999 0 531e779ebdaa2c6e7dcf7d4b0f7d4b0f\n", 2,
	 "field 7 (major)"},
	{"iolog", "fio version 1 iolog\n", 1, "b:1: expected 'fio version 2 iolog' or 'fio version 3 iolog'"},
	{"iolog", "fio version 2 iolog\n/dev/a add\n/dev/a read x 4096\n", 3,
	 "b:3: field 3 (offset): expected a byte offset, got 'x'"},
	{"iolog", "fio version 2 iolog\n/dev/a add\n/dev/b read 0 4096\n", 3,
	 "field 1 (filename): expected a file named in an earlier 'add', got '/dev/b'"},
	{"iolog", "fio version 2 iolog\n/dev/a add\n/dev/a fly 0 4096\n", 3, "field 2 (action): expected read, write, trim, sync, datasync or wait, got 'fly'"},
	{"iolog", "fio version 3 iolog\n0 /dev/a add\nzz /dev/a read 0 4096\n", 3, "field 1 (timestamp)"},
	{"iolog", "fio version 3 iolog\n0 /dev/a add\n1 /dev/a read 0\n", 3,
	 "expected 'timestamp filename action [offset length]', got 4 fields"},
};

static void test_bad_input(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct trc_opts o = {.format = c->format, .has_device = true};
		o.device = !strcmp(c->format, "fiu") ? TRC_DEV(6, 0) : TRC_DEV(0, 0);
		struct read_result *r = read_str("b", c->text, &o);
		expect_bad(i, r, c->msg, c->line);
		free(r);

		/* lenient: the bad line is skipped and reported (the iolog header is not a record) */
		o.lenient = true;
		r = read_str("b", c->text, &o);
		if (c->line > 1 && r->st == TRC_EBAD) {
			/* nothing but the bad record: no requests left */
			assert_int_equal(r->counts.records, 0);
			assert_string_equal(r->error, "b: no requests");
			assert_int_equal(r->counts.skipped_bad, 1);
		} else if (c->line > 1) {
			assert_int_equal(r->st, TRC_EOF);
			assert_int_equal(r->counts.skipped_bad, 1);
			assert_int_equal(r->counts.first_bad.line, c->line);
		}
		free(r);
	}
}

/* ---- SYSTOR '17 (traces/systor.c) ---- */

/*
 * The sample: a header, then a 128 KiB read at byte 899056122368 (sector 1755968989, 256
 * sectors), a 4 KiB write 394 us later, a record with a blank IOType (no response message:
 * skipped), and 1000 bytes at byte 8192 (sectors 16 and 17) 500 ms after the first. Response
 * is the latency in seconds; LUN 4 is device 0,4.
 */
static void test_systor_sample(void **state)
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

/* systor: without the header the line's shape is enough; the other CSV formats are not taken for it. */
static void test_systor_detection(void **state)
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

struct systor_bad {
	const char *text;
	const char *msg; /* the whole error */
	uint64_t line;
};

static const struct systor_bad systor_bad_cases[] = {
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

static void test_systor_bad_lines(void **state)
{
	/* the device given: no pre-scan, so the error comes from trc_next with its position */
	struct trc_opts o = {.format = "systor", .has_device = true, .device = TRC_DEV(0, 4)};

	(void)state;
	for (size_t i = 0; i < sizeof(systor_bad_cases) / sizeof(systor_bad_cases[0]); i++) {
		struct read_result *r = read_str("b", systor_bad_cases[i].text, &o);
		expect_bad(i, r, systor_bad_cases[i].msg, systor_bad_cases[i].line);
		if (strcmp(r->error, systor_bad_cases[i].msg))
			fail_msg("case %zu: '%s', expected exactly '%s'", i, r->error, systor_bad_cases[i].msg);
		free(r);
		/* --lenient: the bad line is skipped, counted and reported; the good one is read */
		o.lenient = true;
		r = read_str("b", systor_bad_cases[i].text, &o);
		o.lenient = false;
		if (r->counts.skipped_bad != 1 || r->counts.first_bad.line != systor_bad_cases[i].line ||
		    r->counts.records != 1 || r->st != TRC_EOF)
			fail_msg("case %zu, lenient: %llu skipped (first at line %llu), %llu records, "
				 "status %d: %s%s", i, (unsigned long long)r->counts.skipped_bad,
				 (unsigned long long)r->counts.first_bad.line,
				 (unsigned long long)r->counts.records, r->st, r->err, r->error);
		free(r);
	}
}

CM_MAIN(UT(test_msr), UT(test_spc), UT(test_fiu), UT(test_iolog), UT(test_bad_input),
	UT(test_systor_sample), UT(test_systor_detection), UT(test_systor_bad_lines));
