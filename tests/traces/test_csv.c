// SPDX-License-Identifier: GPL-2.0
/* test_csv.c - the CSV readers: Alibaba and Tencent traces (samples written from their published
 * schemas), the generic --csv column map, --time-unit and the plausibility warning, and torture
 * inputs (BOM, CRLF, odd blanks, header-only, empty, huge and negative numbers). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/lib/cm_main.h"
#include "tests/lib/in_msg.h"
#include "tests/traces/trc_test.h"
#include "traces/csv.h"

static struct trc_opts fmt(const char *name)
{
	struct trc_opts o = {.format = name};
	return o;
}

/* ---- time parsing ---- */

static void test_parse_time(void **state)
{
	(void)state;
	uint64_t ns;
	assert_true(trc_parse_time("1.5", 3, TRC_TU_S, &ns));
	assert_int_equal(ns, 1500000000ULL);
	assert_true(trc_parse_time("1577808000000626", 16, TRC_TU_US, &ns));
	assert_int_equal(ns, 1577808000000626000ULL);
	assert_true(trc_parse_time("0.0000000019", 12, TRC_TU_S, &ns)); /* below 1 ns: truncated */
	assert_int_equal(ns, 1);
	assert_true(trc_parse_time("2.25", 4, TRC_TU_FILETIME, &ns));
	assert_int_equal(ns, 225);
	assert_true(trc_parse_time("7", 1, TRC_TU_MS, &ns));
	assert_int_equal(ns, 7000000);
	assert_true(trc_parse_time("12.", 3, TRC_TU_NS, &ns));
	assert_int_equal(ns, 12);
	assert_false(trc_parse_time("-1", 2, TRC_TU_S, &ns));
	assert_false(trc_parse_time("1e9", 3, TRC_TU_S, &ns));
	assert_false(trc_parse_time("", 0, TRC_TU_S, &ns));
	assert_false(trc_parse_time(".5", 2, TRC_TU_S, &ns));
	assert_false(trc_parse_time("18446744074", 11, TRC_TU_S, &ns)); /* > 2^64 ns */
	assert_false(trc_parse_time("1", 1, TRC_TU_DEFAULT, &ns));
}

/* ---- Alibaba ---- */

static const char alibaba[] = "0,R,126703644672,4096,1577808000000626\n"
			      "0,W,126703648768,8192,1577808000001626\n"
			      "3,R,4096,512,1577808000002000\n"
			      "0,R,0,4096,1577808000003000\n";

static void test_alibaba(void **state)
{
	(void)state;
	/* two devices: the user must choose, as with every multi-device format */
	struct read_result *r = read_str("a.csv", alibaba, NULL);
	assert_int_equal(r->open_rc, -ENOTUNIQ);
	assert_non_null(strstr(r->err, "0,0 (3 requests), 0,3 (1 requests)"));
	free(r);

	struct trc_opts o = {.has_device = true, .device = TRC_DEV(0, 0)};
	r = read_all("a.csv", alibaba, &o);
	assert_string_equal(r->format, "alibaba");
	assert_int_equal(r->counts.skipped_other_dev, 1);
	/* microseconds from the first record; offsets and lengths in bytes (126703644672 bytes =
	 * sector 247468056) */
	static const char *const want[] = {
		"0 0,0 R 247468056 8 0 -1 []",
		"1000000 0,0 W 247468064 16 0 -1 []",
		"2374000 0,0 R 0 8 0 -1 []",
	};
	expect_recs(r, want, 3);
	assert_int_equal(r->pos[2].line, 4);
	assert_string_equal(r->warnings, "");
	free(r);

	o.device = TRC_DEV(0, 3);
	r = read_str("a.csv", alibaba, &o);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].nsect, 1);
	free(r);

	/* a header line, as some exports add */
	r = read_str("h.csv", "device_id,opcode,offset,length,timestamp\n5,W,0,4096,1577808000000000\n",
		     NULL);
	assert_string_equal(r->format, "alibaba");
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].dev, TRC_DEV(0, 5));
	assert_int_equal(r->counts.skipped_lines, 1);
	free(r);
}

/* ---- Tencent ---- */

static void test_tencent(void **state)
{
	(void)state;
	/* BOM, header, CRLF line ends, blanks around fields */
	const char t[] = "\xef\xbb\xbfTimestamp,Offset,Size,IOType,VolumeID\r\n"
			 "1538323200,100,8,0,1063\r\n"
			 "1538323201 , 108 ,16, 1 ,1063\r\n"
			 "\r\n"
			 "1538323203,4294967296,1,0,1063\r\n";
	struct read_result *r = read_all("t.csv", t, NULL);
	assert_string_equal(r->format, "tencent");
	/* sectors and seconds, IOType 0 a read */
	static const char *const want[] = {
		"0 0,1063 R 100 8 0 -1 []",
		"1000000000 0,1063 W 108 16 0 -1 []",
		"3000000000 0,1063 R 4294967296 1 0 -1 []",
	};
	expect_recs(r, want, 3);
	assert_int_equal(r->pos[2].line, 5);
	free(r);

	/* --time-unit replaces the format's unit */
	struct trc_opts o = {.time_unit = TRC_TU_MS};
	r = read_str("t.csv", "1538323200,0,8,1,7\n1538323201,8,8,1,7\n", &o);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->rec[1].time_ns, 1000000);
	free(r);
}

/* ---- the generic column map ---- */

static void test_csv_map(void **state)
{
	(void)state;
	struct trc_opts o = {0};
	char err[512];
	assert_int_equal(trc_opts_set(&o, "csv", "op=1,time=2:ms,sector=3,size=4:sectors,device=5,"
					       "read=get,write=put,delim=tab,header=yes",
				      err, sizeof(err)),
			 0);
	assert_string_equal(o.format, "csv");
	const char text[] = "op\ttime\tlba\tblocks\tdisk\n"
			    "get\t1.5\t64\t8\tsda\n"
			    "PUT\t2.25\t72\t16\tsdb\n"
			    "Read\t3\t80\t8\tsda\n";
	struct read_result *r = read_str("m.tsv", text, &o);
	assert_int_equal(r->open_rc, -ENOTUNIQ); /* two named devices */
	assert_non_null(strstr(r->err, "[sda] (2 requests)"));
	free(r);
	o.has_device = true;
	o.device = TRC_DEV(0, 0x80000); /* the first name seen */
	r = read_all("m.tsv", text, &o);
	assert_int_equal(r->n, 2);
	assert_string_equal(r->rec[0].rwbs, "R");
	assert_int_equal(r->rec[0].sector, 64);
	assert_int_equal(r->rec[0].nsect, 8);
	assert_string_equal(r->rec[0].comm, "sda");
	assert_int_equal(r->rec[1].time_ns, 1500000);
	free(r);

	/* blank-separated, offsets in bytes, --time-unit as the map's default unit */
	struct trc_opts b = {.time_unit = TRC_TU_US};
	assert_int_equal(trc_opts_set(&b, "csv", "time=1,offset=2,size=3,op=4,delim=space", err,
				      sizeof(err)),
			 0);
	r = read_all("s.txt", "  10   4096 4096 W\n\t20 8192\t512  r \n", &b);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->rec[0].sector, 8);
	assert_int_equal(r->rec[1].time_ns, 10000);
	assert_int_equal(r->rec[1].nsect, 1);
	free(r);

	/* bad maps are usage errors naming the item */
	static const struct in_msg bad[] = {
		{"time=1,op=2,size=4", "the offset (or sector) column is missing"},
		{"time=1,op=2,offset=3", "the size column is missing"},
		{"time=1,offset=3,size=4", "the op column is missing"},
		{"time=1:hours,op=2,offset=3,size=4", "bad --csv item 'time=1:hours'"},
		{"time=0,op=2,offset=3,size=4", "bad --csv item 'time=0'"},
		{"time=1,op=2,offset=3,size=3", "columns offset and size are both 3"},
		{"time=1,op=2,offset=3,size=4,colour=5", "bad --csv item 'colour=5'"},
		{"time=1,op=2,offset=3:furlongs,size=4", "bad --csv item 'offset=3:furlongs'"},
		{"time=1,op=2,offset=3,size=4,delim=x", "bad --csv item 'delim=x'"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct trc_opts x = {0};
		assert_int_equal(trc_opts_set(&x, "csv", bad[i].in, err, sizeof(err)), -EINVAL);
		if (!strstr(err, bad[i].msg))
			fail_msg("map '%s': '%s' lacks '%s'", bad[i].in, err, bad[i].msg);
	}
}

/* Options that do not apply are refused, not ignored. */
static void test_option_checks(void **state)
{
	(void)state;
	char err[256];
	struct trc_opts o = {0};
	assert_int_equal(trc_opts_set(&o, "time-unit", "hours", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "bad --time-unit 'hours' (expected ns, us, ms, s or filetime)"));
	assert_int_equal(trc_opts_set(&o, "time-unit", "s", err, sizeof(err)), 0);
	struct read_result *r = read_str("x.txt", "  8,0 0 1 0.000000000 1 Q R 8 + 8 [a]\n", &o);
	assert_int_equal(r->open_rc, -ENOTSUP);
	assert_non_null(strstr(r->err, "--time-unit applies to the CSV formats"));
	free(r);

	struct trc_opts c = fmt("csv");
	r = read_str("x.csv", "1,R,0,4096\n", &c);
	assert_int_equal(r->open_rc, -ENOTSUP);
	assert_non_null(strstr(r->err, "--format csv needs the column map"));
	free(r);

	struct trc_opts m = fmt("msr");
	assert_int_equal(trc_opts_set(&m, "csv", "time=1,op=2,offset=3,size=4", err, sizeof(err)), 0);
	r = read_str("x.csv", "1,R,0,4096\n", &m);
	assert_int_equal(r->open_rc, -ENOTSUP);
	assert_non_null(strstr(r->err, "--csv applies to --format csv, not to msr"));
	free(r);
}

/* ---- --time-unit and the plausibility warning (the symptom: MSR rows in seconds read as
 * 100 ns ticks gave 1000 requests over 42 us, 23.7 M IOPS, and no warning) ---- */

static char *msr_seconds(int n, bool decimals)
{
	size_t cap = (size_t)n * 64 + 1, l = 0;
	char *s = malloc(cap);
	for (int i = 0; i < n; i++)
		l += (size_t)snprintf(s + l, cap - l, decimals ? "%d.%03d,hm,0,Read,%d,4096,0.005\n"
							      : "%d,hm,0,Read,%d,4096,0\n",
				      decimals ? i * 42 / 100 : 1000 + i * 42 / 100,
				      decimals ? (i * 420) % 1000 : i * 4096, i * 4096);
	return s;
}

/* Read a long text: count, last time, warnings (read_str keeps only MAX_RECS records). */
static uint64_t read_count(const char *name, const char *text, const struct trc_opts *o,
			   uint64_t *last_ns, char *warn, size_t wlen)
{
	struct trc *t;
	struct trc_rec rec;
	char err[512];
	uint64_t n = 0;
	assert_int_equal(trc_open_mem(&t, name, text, strlen(text), o, err, sizeof(err)), 0);
	while (trc_next(t, &rec) == TRC_OK) {
		*last_ns = rec.time_ns;
		n++;
	}
	snprintf(warn, wlen, "%s", trc_warnings(t));
	trc_close(t);
	return n;
}

static void test_time_unit_warning(void **state)
{
	(void)state;
	char *s = msr_seconds(1000, false); /* integer seconds over 419 s */
	char w[2048];
	uint64_t last = 0;
	assert_int_equal(read_count("sec.csv", s, NULL, &last, w, sizeof(w)), 1000);
	assert_int_equal(last, 41900); /* read as ticks */
	if (!strstr(w, "sec.csv: 1000 requests over 4.19e-05 s") ||
	    !strstr(w, "timestamps in filetime: far faster than what block devices do") ||
	    !strstr(w, "(try --time-unit ms: 0.419 s, 2387 IOPS; --time-unit s: 419 s, 2.387 IOPS)"))
		fail_msg("warning: %s", w);

	struct trc_opts o = {.time_unit = TRC_TU_S};
	assert_int_equal(read_count("sec.csv", s, &o, &last, w, sizeof(w)), 1000);
	assert_int_equal(last, 419000000000ULL);
	assert_string_equal(w, "");
	free(s);
	struct read_result *r;

	/* decimal seconds, and a ResponseTime in the same unit */
	s = msr_seconds(10, true);
	o.time_unit = TRC_TU_S;
	r = read_str("dec.csv", s, &o);
	assert_int_equal(r->n, 10);
	assert_int_equal(r->rec[1].latency_ns, 5000000);
	free(r);
	free(s);
	r = read_str("x.csv", "1,hm,0,Read,0,4096,1\n2s,hm,0,Read,0,4096,1\n",
		     &(struct trc_opts){.has_device = true});
	assert_non_null(strstr(r->error, "x.csv:2: field 1 (Timestamp): expected a Windows filetime "
					 "(100 ns ticks; see --time-unit), got '2s'"));
	free(r);

	/* too slow: Alibaba microseconds read as seconds span 60 years */
	o.time_unit = TRC_TU_S;
	r = read_str("slow.csv", "0,R,0,4096,0\n0,R,0,4096,1900000000\n", &o);
	assert_int_equal(r->n, 2);
	if (!strstr(r->warnings, "far slower than") || !strstr(r->warnings, "--time-unit"))
		fail_msg("warning: %s", r->warnings);
	free(r);

	/* a first line whose time overflows is an error there, not a header to skip */
	o.has_device = true;
	r = read_str("us.csv", "0,R,0,4096,1577808000000000\n0,R,0,4096,1577808000000001\n", &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_int_equal(r->end_pos.line, 1);
	assert_non_null(strstr(r->error, "us.csv:1: field 5 (timestamp): expected a time in s"));
	free(r);
	o.has_device = false;

	/* plausible rates say nothing: 200 requests 1 ms apart */
	char buf[8192];
	size_t l = 0;
	for (int i = 0; i < 200; i++)
		l += (size_t)snprintf(buf + l, sizeof(buf) - l, "0,303567,512,r,%d.%03d\n", i / 1000, i % 1000);
	r = read_str("ok.spc", buf, NULL);
	assert_string_equal(r->format, "spc");
	assert_int_equal(r->n, 200);
	assert_string_equal(r->warnings, "");
	free(r);
}

/* ---- bad fields: located, in the form file:line: field N (name): expected ..., got '...' ---- */

struct bad_case {
	const char *format, *map, *text;
	uint64_t line;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{"alibaba", NULL, "0,R,0,4096,1577808000000626\n0,X,0,4096,1577808000000627\n", 2,
	 "b:2: field 2 (opcode): expected R, W, Read or Write, got 'X'"},
	{"alibaba", NULL, "0,R,0,4096,1577808000000626\n0,R,-4096,4096,1577808000000627\n", 2,
	 "b:2: field 3 (offset): expected an offset in bytes, got '-4096'"},
	{"alibaba", NULL, "0,R,0,4096,1577808000000626\n0,R,0,4096,-5\n", 2,
	 "b:2: field 5 (timestamp): expected a time in us (a number >= 0, at most 2^64 ns), got '-5'"},
	{"alibaba", NULL, "0,R,0,4096,1577808000000626\n0,R,0,4096\n", 2,
	 "b:2: field 5 (missing): expected at least 5 fields, got 4"},
	{"alibaba", NULL, "0,R,0,4096,1\n0,R,18446744073709551615,4096,2\n", 2,
	 "b:2: field 4 (length): expected a range that ends inside 2^64 bytes, got '4096'"},
	{"alibaba", NULL, "0,R,0,4096,1\n0,R,0,99999999999999999999,2\n", 2,
	 "b:2: field 4 (length): expected a size in bytes, got '99999999999999999999'"},
	{"alibaba", NULL, "0,R,0,4096,1\n0,R,0,4398046511104,2\n", 2,
	 "b:2: field 4 (length): expected a size below 2 TiB, got '4398046511104'"},
	{"tencent", NULL, "1538323200,0,8,0,1\n1538323200,0,8,2,1\n", 2,
	 "b:2: field 4 (IOType): expected '0' (read), '1' (write), R, W, Read or Write, got '2'"},
	{"tencent", NULL, "1538323200,0,8,0,1\n1538323200,36028797018963968,8,0,1\n", 2,
	 "b:2: field 2 (Offset): expected an offset inside 2^64 bytes, got '36028797018963968'"},
	{"tencent", NULL, "1538323200,0,8,0,1\n1538323200,0,-8,0,1\n", 2,
	 "b:2: field 3 (Size): expected a size in 512-byte sectors, got '-8'"},
	{"csv", "time=1:us,op=2,offset=3,size=4", "1,R,0,4096\n2,R,0,4k\n", 2,
	 "b:2: field 4 (size): expected a size in bytes, got '4k'"},
	{"csv", "time=1:us,op=2,offset=3,size=4,header=no", "time,op,offset,size\n", 1,
	 "b:1: field 1 (time): expected a time in us (a number >= 0, at most 2^64 ns), got 'time'"},
};

static void test_bad_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct trc_opts o = {.format = c->format, .csv = c->map, .has_device = true};
		o.device = TRC_DEV(0, !strcmp(c->format, "tencent"));
		struct read_result *r = read_str("b", c->text, &o);
		expect_bad(i, r, c->msg, c->line);
		free(r);
	}
}

/* --lenient skips a bad row, counts it and keeps the first message */
static void test_lenient(void **state)
{
	(void)state;
	struct trc_opts o = {.format = "alibaba", .lenient = true};
	struct read_result *r = read_all("l.csv",
					 "0,R,0,4096,1577808000000000\n0,X,0,4096,1577808000000100\n"
					 "0,W,4096,4096,1577808000000200\n",
					 &o);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->rec[1].time_ns, 200000);
	assert_int_equal(r->counts.skipped_bad, 1);
	assert_non_null(strstr(r->counts.first_bad_msg, "l.csv:2: field 2 (opcode): expected R, W"));
	free(r);
}

/* ---- empty and header-only files read as 0 requests, cleanly (the reader core then says
 * "FILE: no requests"); a BOM alone or blank lines are no requests either ---- */

static void test_empty_and_header_only(void **state)
{
	(void)state;
	static const struct {
		const char *format, *map, *text;
	} cases[] = {
		{"alibaba", NULL, ""},
		{"alibaba", NULL, "device_id,opcode,offset,length,timestamp\n"},
		{"tencent", NULL, "\xef\xbb\xbfTimestamp,Offset,Size,IOType,VolumeID\r\n"},
		{"tencent", NULL, "\xef\xbb\xbf"},
		{"csv", "time=1,op=2,offset=3,size=4", "time,op,offset,size\n\n  \n"},
		{"csv", "time=1,op=2,offset=3,size=4,header=yes", "1,R,0,4096\n"},
		{"msr", NULL, "\xef\xbb\xbfTimestamp,Hostname,DiskNumber,Type,Offset,Size,ResponseTime\r\n"},
		{"spc", NULL, "\r\n\r\n"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct trc_opts o = {.format = cases[i].format, .csv = cases[i].map};
		struct read_result *r = read_str("e.csv", cases[i].text, &o);
		/* the reader core may say so at open (its device pre-scan) or at the end */
		if (r->open_rc && !strstr(r->err, "e.csv: no requests"))
			fail_msg("case %zu: open: %s", i, r->err);
		if (r->n != 0)
			fail_msg("case %zu: %zu records", i, r->n);
		if (!r->open_rc && r->st == TRC_EBAD && !strstr(r->error, "e.csv: no requests"))
			fail_msg("case %zu: error '%s'", i, r->error);
		free(r);
	}
}

/* ---- BOM, CRLF and odd blanks in the older CSV formats too; detection despite them ---- */

static void test_torture_msr_spc(void **state)
{
	(void)state;
	struct read_result *r = read_all("b.csv",
					 "\xef\xbb\xbf" "128166372003061629, hm ,0,\tRead,3154132992,4096,9369\r\n"
					 "128166372003061639,hm,0,Write ,0,512,1\r\n",
					 NULL);
	assert_string_equal(r->format, "msr");
	assert_int_equal(r->n, 2);
	assert_int_equal(r->rec[1].time_ns, 1000);
	assert_string_equal(r->rec[0].comm, "hm");
	free(r);

	r = read_str("b.spc", "\xef\xbb\xbf" "0,303567,3584,w,0.000000\r\n 0 , 8 , 512 , R , 0.5 \r\n",
		     NULL);
	assert_string_equal(r->format, "spc");
	assert_int_equal(r->n, 2);
	assert_int_equal(r->rec[1].sector, 8);
	assert_int_equal(r->rec[1].time_ns, 500000000);
	free(r);

	/* ranges that end within 511 bytes of 2^64: one sector, no wrap (MSR, iolog, alibaba) */
	r = read_all("e.csv", "1,hm,0,Read,18446744073709551104,511,1\n",
		     &(struct trc_opts){.has_device = true});
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].sector, 36028797018963967ULL);
	assert_int_equal(r->rec[0].nsect, 1);
	free(r);
	r = read_all("e.log",
		     "fio version 2 iolog\r\n/dev/a add\r\n/dev/a write 18446744073709551104 511\r\n",
		     &(struct trc_opts){.has_device = true});
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].nsect, 1);
	free(r);
	r = read_str("e.csv", "0,W,18446744073709551105,510,1\n", &(struct trc_opts){.format = "alibaba",
									       .has_device = true});
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].sector, 36028797018963967ULL);
	assert_int_equal(r->rec[0].nsect, 1);
	free(r);
	/* FIU: CRLF and tabs; an lba + size past 2^64 bytes is an error */
	r = read_str("f.txt", "1\t2 p\t3 8 W 6 0\r\n2 2 p 36028797018963967 8 R 6 0\r\n",
		     &(struct trc_opts){.format = "fiu", .has_device = true, .device = TRC_DEV(6, 0)});
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].sector, 3);
	assert_int_equal(r->st, TRC_EBAD);
	assert_non_null(strstr(r->error, "f.txt:2: field 5 (size): expected a range that ends inside 2^64 "
					 "bytes, got '8'"));
	free(r);

	/* a BOM in the middle of a file is not skipped: it is a bad field there */
	r = read_str("m.csv", "0,R,0,4096,1\n\xef\xbb\xbf" "0,R,0,4096,2\n",
		     &(struct trc_opts){.format = "alibaba"});
	assert_int_equal(r->open_rc, -EINVAL); /* found by the device pre-scan */
	assert_non_null(strstr(r->err, "m.csv:2: field 1 (device_id): expected a device number "
					 "below 2^20, got '\\xef\\xbb\\xbf0'"));
	free(r);
}

CM_MAIN(UT(test_parse_time), UT(test_alibaba), UT(test_tencent), UT(test_csv_map),
	UT(test_option_checks), UT(test_time_unit_warning), UT(test_bad_fields), UT(test_lenient),
	UT(test_empty_and_header_only), UT(test_torture_msr_spc));
