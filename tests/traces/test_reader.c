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

#include "tests/lib/cm_main.h"
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
 * Every input the fuzzers crashed on (tests/traces/data/fuzz/, named after the harness:
 * FORMAT-crash-HASH, detect- for content detection) and every damaged input they added to the
 * corpus (tests/fuzz/corpus/blkparse/HASH) is read again here, strict and lenient, under the
 * contract the harnesses check (tests/fuzz/fuzz_common.h), and must fail as it did: the exact
 * message with its position ("NAME:LINE: field N (name): ..." or "NAME: offset 0x...: ..."),
 * the position trc_position gives, and how many records came before. Lenient reading skips
 * the same record (first_bad_msg is the strict error) and goes on.
 */
struct fuzz_case {
	const char *dir, *file;
	const char *format;     /* NULL: by content */
	char event;
	bool open_fails;        /* strict: trc_open meets the error (in the device pre-scan) */
	uint64_t records;       /* strict: records handed out before the error */
	const char *error;      /* strict: the message (NULL: the input reads without error) */
	uint64_t line, offset;  /* where the error is: strict trc_position, lenient first_bad */
	uint64_t lenient_records, lenient_bad;
};

#define FUZZ_DIR "tests/traces/data/fuzz"
#define CORPUS_BP "tests/fuzz/corpus/blkparse"
/* A corpus input read with --event Q: n records, then (BP_BAD) the error at line, "HASH:LINE: "
 * and what; lenient: lenient_n records, bad skipped. */
#define BP_OK(hash, n) {CORPUS_BP, hash, "blkparse", 'Q', false, n, NULL, 0, 0, n, 0}
#define BP_BAD(hash, n, line, lenient_n, bad, what)                                                \
	{CORPUS_BP, hash, "blkparse", 'Q', false, n, hash ":" #line ": " what, line, 0, lenient_n, bad}
/* The two messages several corpus inputs share: field 2 (cpu) and field 4 (time). */
#define BP_CPU(hash, n, line, lenient_n, got)                                                      \
	BP_BAD(hash, n, line, lenient_n, 1, "field 2 (cpu): expected a CPU number, got '" got "'")
#define BP_TIME(hash, n, line, lenient_n, got)                                                     \
	BP_BAD(hash, n, line, lenient_n, 1,                                                        \
	       "field 4 (time): expected SECONDS.NANOSECONDS, got '" got "'")
/* The blktrace find fails in the device pre-scan at each event; lenient reading skips it. */
#define BT_CRASH(ev, lenient_n)                                                                    \
	{FUZZ_DIR, "blktrace-crash-3e13d292", "blktrace", ev, true, 0,                             \
	 "blktrace-crash-3e13d292: offset 0x100: bad magic 0x00000008 (expected 0x65617407 in "    \
	 "either byte order)",                                                                     \
	 0, 0x100, lenient_n, 1}

static const struct fuzz_case fuzz_cases[] = {
	BT_CRASH('Q', 6), BT_CRASH('D', 5), BT_CRASH('C', 5),
	{FUZZ_DIR, "detect-crash-78d82390", NULL, 0, false, 9,
	 "detect-crash-78d82390: offset 0x35c: flags 0xfffffffe disagree with RWBS 'W' in record 9",
	 0, 0x35c, 11, 1},
	{FUZZ_DIR, "sct-crash-aafc297f", "sct", 0, false, 20,
	 "sct-crash-aafc297f: offset 0x61c: flags 0x1 disagree with RWBS 'RS' in record 20", 0,
	 0x61c, 49, 1},
	BP_CPU("1fba4f78acaaa507905ebff5cf78df1383525b6d", 1, 11, 3, "\\xcf\\xdf\\xdf\\xe2"),
	BP_OK("5e2ace1485d7b47c9726523ef4f49f99d3212951", 1),
	BP_CPU("7d9759d19ef11460c10ba3f52a889e7d30c02e58", 3, 48, 4, "\\xc5"),
	BP_CPU("7fbe417a03b1fb157f088f62fea65aaa4aa82761", 3, 22, 4, "\\xc5"),
	BP_BAD("86341dbf36b3ad1580cf6b556230acfd9582863e", 1, 6, 5, 1,
	       "field 1 (device): expected MAJ,MIN, got '70'"),
	BP_TIME("92e838df18882603e93174f89d23bd296aba593c", 3, 18, 5, "0.0009worker/0:1H]"),
	BP_BAD("972e9ade387f69502dabb77ef39802e2989e8018", 5, 27, 5, 2,
	       "field 5 (pid): expected a process id, got 'P'"),
	BP_TIME("9ff779f466969bd22f968f74d358cbf90c1f7790", 1, 9, 4, "0.00null)]"),
	BP_OK("e5bc12777c93f241978045783c781f745d6a1cd6", 1),
	BP_CPU("fed301b82907a9afc3282c5281f2dc302e1e59f8", 3, 23, 4, "\\xc5"),
};

/* The harnesses' promises about every record (tests/fuzz/fuzz_common.h). */
static void check_records(const struct read_result *r)
{
	for (size_t k = 0; k < r->n; k++) {
		char rwbs[8];
		trc_flags_to_rwbs(r->rec[k].flags, rwbs);
		assert_string_equal(rwbs, r->rec[k].rwbs);
		assert_true(r->rec[k].nsect || !r->rec[k].sector);
		assert_true(r->rec[k].latency_ns >= -1);
		assert_non_null(memchr(r->rec[k].comm, '\0', sizeof(r->rec[k].comm)));
		assert_true(!k || r->rec[k].time_ns >= r->rec[k - 1].time_ns);
	}
	assert_int_equal(r->counts.records, r->n);
}

static void test_fuzzer_finds(void **state)
{
	(void)state;
	static uint8_t buf[1 << 16];

	for (size_t i = 0; i < sizeof(fuzz_cases) / sizeof(fuzz_cases[0]); i++) {
		const struct fuzz_case *c = &fuzz_cases[i];
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", c->dir, c->file);
		FILE *fp = fopen(path, "rb");
		assert_non_null(fp);
		size_t len = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		struct trc_opts o = {.format = c->format, .event = c->event, .window = 16};

		struct read_result *r = read_mem(c->file, buf, len, &o);
		if (c->open_fails) {
			assert_int_equal(r->open_rc, -EINVAL);
			assert_string_equal(r->err, c->error);
		} else {
			assert_int_equal(r->open_rc, 0);
			check_records(r);
			assert_int_equal(r->n, c->records);
			assert_int_equal(r->st, c->error ? TRC_EBAD : TRC_EOF);
			assert_string_equal(r->error, c->error ? c->error : "");
			if (c->error) {
				assert_int_equal(r->end_pos.line, c->line);
				assert_int_equal(r->end_pos.offset, c->offset);
				assert_string_equal(r->end_path, c->file);
			}
		}
		free(r);

		o.lenient = true;
		r = read_mem(c->file, buf, len, &o);
		assert_int_equal(r->open_rc, 0);
		check_records(r);
		assert_int_equal(r->st, TRC_EOF);
		assert_int_equal(r->n, c->lenient_records);
		assert_int_equal(r->counts.skipped_bad, c->lenient_bad);
		assert_string_equal(r->counts.first_bad_msg, c->error ? c->error : "");
		assert_int_equal(r->counts.first_bad.line, c->line);
		assert_int_equal(r->counts.first_bad.offset, c->offset);
		free(r);
	}

	/* A new crash file gets its expectations here: every file of the folder has a case. */
	DIR *d = opendir(FUZZ_DIR);
	struct dirent *de;
	size_t files = 0;
	assert_non_null(d);
	while ((de = readdir(d))) {
		bool known = false;
		if (de->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < sizeof(fuzz_cases) / sizeof(fuzz_cases[0]); i++)
			known = known || !strcmp(fuzz_cases[i].file, de->d_name);
		if (!known)
			fail_msg("%s/%s: no case in fuzz_cases[]", FUZZ_DIR, de->d_name);
		files++;
	}
	closedir(d);
	assert_true(files >= 3);
}

/* The reader's tables are the one source of names: options, their --help and the formats. */
static void test_registry(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		bool has_value;
		const char *bad, *msg;
	} want[] = {
		{"format", true, "blkpars",
		 "unknown format 'blkpars' (expected sct, blktrace, iolog, blkparse, msr, spc, fiu, "
		 "disksim-validate, alibaba, tencent, systor or csv); did you mean 'blkparse'?"},
		{"event", true, "X", "bad --event 'X' (expected Q, D or C)"},
		{"device", true, "8", "bad --device '8' (expected MAJOR,MINOR, e.g. 8,16)"},
		{"lenient", false, NULL, NULL},
		{"time-unit", true, "hours", "bad --time-unit 'hours' (expected ns, us, ms, s or filetime)"},
		{"csv", true, "time=1", NULL},
	};
	const char *name;
	bool has_value;
	size_t n = 0;
	char err[512];

	for (; trc_opt_at(n, &name, &has_value); n++) {
		assert_true(n < sizeof(want) / sizeof(want[0]));
		assert_string_equal(name, want[n].name);
		assert_int_equal(has_value, want[n].has_value);
		struct trc_opts o = {0};
		if (want[n].bad) {
			err[0] = 0;
			assert_int_equal(trc_opts_set(&o, name, want[n].bad, err, sizeof(err)), -EINVAL);
			if (want[n].msg)
				assert_string_equal(err, want[n].msg);
		}
		/* every option in the full --help, as "  --NAME" at the start of a line */
		char line[64];
		snprintf(line, sizeof(line), "\n  --%s%s", name, has_value ? " " : "");
		const char *all = trc_opts_help(NULL, 18);
		assert_true(!strncmp(all, line + 1, strlen(line) - 1) || strstr(all, line));
		assert_non_null(strstr(trc_opts_help(name, 24), line + 1));
	}
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_int_equal(trc_opts_set(&(struct trc_opts){0}, "speed", "1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown reader option 'speed'");
	/* a name far from every format gets no suggestion */
	assert_int_equal(trc_opts_set(&(struct trc_opts){0}, "format", "zzzzzzzzzz", err, sizeof(err)),
			 -EINVAL);
	assert_null(strstr(err, "did you mean"));

	/* every format of the table in --format's help and in the list of formats; lines end
	 * before column 80 */
	const char *fmt_help = trc_opts_help_format(18), *list = trc_formats_help(2);
	assert_true(!strncmp(fmt_help, "  --format F      ", 18));
	for (const struct trc_format *const *f = trc_formats; *f; f++) {
		char item[64];
		assert_non_null(strstr(fmt_help, (*f)->name));
		assert_non_null((*f)->help);
		snprintf(item, sizeof(item), "%s (", (*f)->name);
		assert_non_null(strstr(list, item));
	}
	const char *texts[] = {trc_opts_help(NULL, 18), trc_opts_help(NULL, 24), list};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (const char *p = texts[i]; *p;) {
			size_t w = strcspn(p, "\n");
			assert_true(w < 80);
			p += w + (p[w] == '\n');
		}
	/* the --event help names the formats that take it, from the table */
	assert_non_null(strstr(trc_opts_help("event", 18), "blkparse and blktrace only"));
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

CM_MAIN(UT(test_flags_to_rwbs), UT(test_contract), UT(test_detection), UT(test_fingerprint),
	UT(test_fuzzer_finds), UT(test_registry), UT(test_skipped_unit));
