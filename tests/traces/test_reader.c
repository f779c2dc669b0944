// SPDX-License-Identifier: GPL-2.0
/* test_reader.c - the reader interface: detection, RWBS, and every reader held to one contract. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/traces/trc_test.h"
#include "traces/trc_internal.h"

static void test_flags_to_rwbs(void **state)
{
	(void)state;
	static const struct {
		uint32_t flags;
		const char *rwbs;
	} cases[] = {
		{TRC_READ, "R"},
		{TRC_WRITE | TRC_SYNC, "WS"},
		{TRC_FLUSH | TRC_WRITE | TRC_FUA | TRC_SYNC | TRC_META, "FWFSM"},
		{TRC_FLUSH | TRC_NONE, "FN"},
		{TRC_FLUSH | TRC_WRITE | TRC_SYNC, "FWS"},
		{TRC_DISCARD, "D"},
		{TRC_DISCARD | TRC_WRITE, "D"}, /* blkparse: D wins over W */
		{TRC_DISCARD | TRC_SECURE, "DE"},
		{TRC_READ | TRC_AHEAD | TRC_META, "RAM"},
		{TRC_WRITE | TRC_FUA, "WF"},
		{0, "N"},
		/* barriers (kernels up to 2.6.36): preflush + FUA, spelt as those kernels did */
		{TRC_BARRIER | TRC_FLUSH | TRC_FUA | TRC_WRITE | TRC_SYNC, "WBS"},
		{TRC_BARRIER | TRC_FLUSH | TRC_FUA | TRC_WRITE, "WB"},
		{TRC_BARRIER | TRC_FLUSH | TRC_FUA | TRC_READ | TRC_AHEAD, "RAB"},
		{TRC_BARRIER | TRC_FLUSH | TRC_FUA | TRC_WRITE | TRC_SYNC | TRC_META, "WBSM"},
	};
	char out[8];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		trc_flags_to_rwbs(cases[i].flags, out);
		assert_string_equal(out, cases[i].rwbs);
		if (!(cases[i].flags & TRC_DISCARD) || !(cases[i].flags & TRC_WRITE)) {
			/* and back: the text gives the same flags */
			uint32_t f;
			bool zoned;
			assert_true(trc_rwbs_to_flags(out, strlen(out), &f, &zoned));
			if (cases[i].flags)
				assert_int_equal(f, cases[i].flags);
		}
	}
}

struct sample {
	const char *path;
	const char *format;
	size_t records;
	struct trc_opts opts;
};

static const struct sample samples[] = {
	{"data/traces/oltp_small/oltp_small.blkparse.txt", "blkparse", 2481, {0}},
	{"data/traces/oltp_small/oltp_small.blktrace.0", "blktrace", 2481, {0}},
	{"data/traces/build/build.blktrace.1", "blktrace", 1250, {0}},
	{"data/traces/nvme_sample/sample.blktrace.0", "blktrace", 963, {0}},
	{"tests/traces/data/msr_hm_0.csv", "msr", 4, {0}},
	{"tests/traces/data/spc_financial.spc", "spc", 3, {.has_device = true, .device = TRC_DEV(0, 0)}},
	{"tests/traces/data/fiu_homes.txt", "fiu", 3, {0}},
	{"tests/traces/data/iolog_v2.log", "iolog", 4, {0}},
	{"tests/traces/data/iolog_v3.log", "iolog", 3, {0}},
};

/* One contract for every reader: detected by content, records in time order, RWBS consistent
 * with the flags, no range means sector 0, positions set, EOF is sticky, byte counts add up. */
static void test_contract(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		struct trc *t;
		char err[512];
		struct trc_rec r;
		uint64_t last = 0, n = 0;
		enum trc_status st;

		if (trc_open(&t, s->path, &s->opts, err, sizeof(err)))
			fail_msg("%s: %s", s->path, err);
		assert_string_equal(trc_format_name(t), s->format);
		while ((st = trc_next(t, &r)) == TRC_OK) {
			char rwbs[8];
			trc_flags_to_rwbs(r.flags, rwbs);
			if (strcmp(rwbs, r.rwbs))
				fail_msg("%s: record %llu: rwbs %s but flags say %s", s->path,
					 (unsigned long long)n, r.rwbs, rwbs);
			assert_true(r.time_ns >= last);
			last = r.time_ns;
			if (!r.nsect)
				assert_int_equal(r.sector, 0);
			assert_true(r.comm[TRC_COMM_MAX - 1] == '\0');
			const struct trc_pos *p = trc_position(t);
			assert_non_null(p->path);
			assert_true(p->line > 0 || strstr(s->format, "blktrace"));
			n++;
		}
		assert_int_equal(st, TRC_EOF);
		assert_int_equal(trc_next(t, &r), TRC_EOF);
		assert_int_equal(n, s->records);
		assert_int_equal(trc_counts(t)->records, n);
		assert_int_equal(trc_counts(t)->inversions, 0);
		assert_true(trc_size_bytes(t) > 0);
		if (!strcmp(s->format, "blktrace"))
			assert_int_equal(trc_bytes_done(t), trc_size_bytes(t));
		trc_close(t);
	}
}

static void test_detection(void **state)
{
	(void)state;
	struct read_result *r = read_str("x", "hello world\nthis is not a trace\n", NULL);
	assert_int_equal(r->open_rc, -EINVAL);
	assert_non_null(strstr(r->err, "x: cannot tell the trace format from the content (starts with 'hello world')"));
	free(r);

	struct trc_opts o = {.format = "nosuch"};
	r = read_str("x", "1,2,3\n", &o);
	assert_int_equal(r->open_rc, -EINVAL);
	assert_non_null(strstr(r->err, "unknown format 'nosuch'"));
	free(r);

	/* a forced format that does not fit gives that format's located error */
	o.format = "msr";
	o.has_device = true;
	r = read_str("x", "  8,0 0 1 0.000000000 1 Q R 8 + 8 [a]\n", &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_non_null(strstr(r->error, "x:1: field 3 (missing): expected 7 fields"));
	free(r);

	o.format = NULL;
	o.has_device = false;
	o.event = 'D';
	r = read_str("m.csv", "1,hm,0,Read,0,4096,1\n", &o);
	assert_int_equal(r->open_rc, -ENOTSUP);
	assert_non_null(strstr(r->err, "--event D applies to blkparse and blktrace traces only"));
	free(r);
	o.event = 'X';
	r = read_str("m.csv", "1,hm,0,Read,0,4096,1\n", &o);
	assert_int_equal(r->open_rc, -EINVAL);
	free(r);

	assert_true(trc_format_known("blkparse") && trc_format_known("blktrace") &&
		    trc_format_known("msr") && trc_format_known("spc") && trc_format_known("fiu") &&
		    trc_format_known("iolog") && trc_format_known("sct"));
	assert_false(trc_format_known("BLKPARSE") || trc_format_known(NULL));

	struct trc *t;
	char err[256];
	assert_int_equal(trc_open(&t, "/nonexistent/trace", NULL, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, "/nonexistent/trace: No such file or directory");
	assert_int_equal(trc_open(&t, "tests", NULL, err, sizeof(err)), -EISDIR);
}

static uint64_t fingerprint_of(const char *path, const void *mem, size_t len)
{
	struct trc *t;
	struct trc_rec r;
	char err[256];
	struct trc_opts o = {.fingerprint = true, .has_device = true, .device = TRC_DEV(0, 0)};
	int rc = mem ? trc_open_mem(&t, path, mem, len, &o, err, sizeof(err))
		     : trc_open(&t, path, &o, err, sizeof(err));
	assert_int_equal(rc, 0);
	while (trc_next(t, &r) == TRC_OK)
		;
	uint64_t f = trc_fingerprint(t);
	trc_close(t);
	return f;
}

static void test_fingerprint(void **state)
{
	(void)state;
	static char buf[4096];
	FILE *fp = fopen("tests/traces/data/msr_hm_0.csv", "rb");
	assert_non_null(fp);
	size_t n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	uint64_t f1 = fingerprint_of("tests/traces/data/msr_hm_0.csv", NULL, 0);
	uint64_t f2 = fingerprint_of("m", buf, n);
	assert_true(f1 != 0);
	assert_int_equal(f1, f2); /* file and memory agree: the hash does not depend on reads */
	buf[10] ^= 1;             /* 128166372003061629 -> ...1628: still a valid trace */
	assert_true(fingerprint_of("m", buf, n) != f1);
}

/*
 * Every input the fuzzers crashed on is kept in tests/traces/data/fuzz/ (named after the harness:
 * FORMAT-crash-HASH, detect- for content detection) and read again here under the contract the
 * harnesses check (tests/fuzz/fuzz_common.h), strict and lenient.
 */
static void check_contract(const char *name, const uint8_t *data, size_t len, const char *format,
			   char event, bool lenient, size_t *bad)
{
	struct trc_opts o = {.format = format, .event = event, .lenient = lenient, .window = 16};
	struct trc *t;
	char err[512] = "";
	struct trc_rec r;
	enum trc_status st;
	uint64_t n = 0;

	if (trc_open_mem(&t, name, data, len, &o, err, sizeof(err))) {
		assert_true(err[0] != '\0');
		(*bad)++;
		return;
	}
	while ((st = trc_next(t, &r)) == TRC_OK) {
		char rwbs[8];
		trc_flags_to_rwbs(r.flags, rwbs);
		assert_string_equal(rwbs, r.rwbs);
		assert_true(r.nsect || !r.sector);
		assert_true(r.latency_ns >= -1);
		assert_non_null(memchr(r.comm, '\0', sizeof(r.comm)));
		n++;
	}
	if (st == TRC_EBAD) {
		assert_true(trc_error(t)[0] != '\0');
		(*bad)++;
	}
	assert_int_equal(trc_counts(t)->records, n);
	trc_close(t);
}

static void test_fuzzer_finds(void **state)
{
	(void)state;
	DIR *d = opendir("tests/traces/data/fuzz");
	struct dirent *de;
	size_t files = 0, bad = 0;
	static uint8_t buf[1 << 16];

	assert_non_null(d);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[512], format[16];
		snprintf(path, sizeof(path), "tests/traces/data/fuzz/%s", de->d_name);
		const char *dash = strchr(de->d_name, '-');
		assert_non_null(dash);
		snprintf(format, sizeof(format), "%.*s", (int)(dash - de->d_name), de->d_name);
		FILE *fp = fopen(path, "rb");
		assert_non_null(fp);
		size_t len = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		const char *f = strcmp(format, "detect") ? format : NULL;
		size_t before = bad;
		bool blk = f && (!strcmp(f, "blkparse") || !strcmp(f, "blktrace"));
		for (const char *e = blk ? "QDC" : "\0"; ; e++) {
			check_contract(de->d_name, buf, len, f, *e, false, &bad);
			check_contract(de->d_name, buf, len, f, *e, true, &bad);
			if (!*e || !e[1])
				break;
		}
		/* the finds so far are all damaged files: the strict reader must refuse them */
		assert_true(bad > before);
		files++;
	}
	closedir(d);
	assert_true(files >= 2);
}

/* Inputs the fuzzer found still fail where and as they did (message and position). */
static void test_fuzzer_finds_located(void **state)
{
	(void)state;
	static uint8_t buf[1 << 16];
	FILE *fp = fopen("tests/traces/data/fuzz/blktrace-crash-3e13d292", "rb");
	assert_non_null(fp);
	size_t len = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	for (const char *e = "QDC"; *e; e++) {
		struct trc_opts o = {.format = "blktrace", .event = *e};
		struct read_result *r = read_mem("find", buf, len, &o);
		if (r->open_rc) {
			assert_string_equal(r->err, "find: offset 0x100: bad magic 0x00000008 (expected "
						    "0x65617407 in either byte order)");
		} else {
			assert_int_equal(r->st, TRC_EBAD);
			assert_string_equal(r->error, "find: offset 0x100: bad magic 0x00000008 (expected "
						      "0x65617407 in either byte order)");
			assert_int_equal(r->end_pos.offset, 0x100);
		}
		free(r);
	}
}

/* The skipped-lines counter says what it counts: lines of text, records of a binary. */
static void test_skipped_unit(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		struct trc *t;
		char err[512];
		if (trc_open(&t, samples[i].path, &samples[i].opts, err, sizeof(err)))
			fail_msg("%s: %s", samples[i].path, err);
		assert_string_equal(trc_counts(t)->skipped_unit,
				    strcmp(samples[i].format, "blktrace") ? "lines" : "records");
		trc_close(t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags_to_rwbs),
		cmocka_unit_test(test_contract),
		cmocka_unit_test(test_detection),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_fuzzer_finds),
		cmocka_unit_test(test_fuzzer_finds_located),
		cmocka_unit_test(test_skipped_unit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
