// SPDX-License-Identifier: GPL-2.0
/* test_sct.c - the .sct format: round trip, header, and damaged files (status, message, offset). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <unistd.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"

static const struct trc_rec recs[] = {
	{.time_ns = 0, .dev = TRC_DEV(8, 0), .flags = TRC_READ, .sector = 8, .nsect = 8, .pid = 7,
	 .latency_ns = 1234, .rwbs = "R", .comm = "dd"},
	{.time_ns = 10, .dev = TRC_DEV(8, 0), .flags = TRC_FLUSH | TRC_WRITE | TRC_SYNC, .pid = 9,
	 .latency_ns = -1, .rwbs = "FWS", .comm = "jbd2/sda1-8"},
	{.time_ns = 10, .dev = TRC_DEV(8, 0), .flags = TRC_WRITE | TRC_FUA, .sector = 1ULL << 40,
	 .nsect = 4096, .pid = 7, .latency_ns = -1, .rwbs = "WF", .comm = "dd"},
	{.time_ns = 99999999999ULL, .dev = TRC_DEV(8, 0), .flags = TRC_DISCARD, .sector = 64,
	 .nsect = 1024, .pid = 0, .latency_ns = -1, .rwbs = "D", .comm = ""},
};
#define NRECS (sizeof(recs) / sizeof(recs[0]))

static size_t make_sct(const char *path, uint8_t *buf, size_t cap)
{
	struct trc_sct_writer *w;
	char err[256];
	struct trc_sct_source src = {.format = "blkparse", .name = "x.txt", .size = 1234,
				     .fingerprint = 0xfeedULL, .event = 'Q', .device = TRC_DEV(8, 0)};

	assert_int_equal(trc_sct_create(&w, path, &src, err, sizeof(err)), 0);
	for (size_t i = 0; i < NRECS; i++)
		assert_int_equal(trc_sct_write(w, &recs[i]), 0);
	assert_int_equal(trc_sct_finish(w, err, sizeof(err)), 0);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	size_t n = fread(buf, 1, cap, fp);
	fclose(fp);
	return n;
}

static void test_round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/trc-sct-XXXXXX";
	int fd = mkstemp(path);
	uint8_t buf[4096];
	assert_true(fd >= 0);
	close(fd);
	size_t len = make_sct(path, buf, sizeof(buf));
	/* 256-byte header, 64-byte records, then the names "dd" and "jbd2/sda1-8" */
	assert_int_equal(len, 256 + NRECS * 64 + 3 + 12);

	struct trc *t;
	char err[256];
	struct trc_rec r;
	uint64_t count;
	assert_int_equal(trc_open(&t, path, NULL, err, sizeof(err)), 0);
	assert_string_equal(trc_format_name(t), "sct");
	const struct trc_sct_source *src = trc_sct_info(t, &count);
	assert_non_null(src);
	assert_int_equal(count, NRECS);
	assert_string_equal(src->format, "blkparse");
	assert_string_equal(src->name, "x.txt");
	assert_int_equal(src->fingerprint, 0xfeed);
	assert_int_equal(src->size, 1234);
	assert_int_equal(trc_event(t), 'Q');
	for (size_t i = 0; i < NRECS; i++) {
		assert_int_equal(trc_next(t, &r), TRC_OK);
		assert_memory_equal(&r, &recs[i], offsetof(struct trc_rec, rwbs));
		assert_string_equal(r.rwbs, recs[i].rwbs);
		assert_string_equal(r.comm, recs[i].comm);
		assert_int_equal(trc_position(t)->offset, 256 + i * 64);
	}
	assert_int_equal(trc_next(t, &r), TRC_EOF);
	trc_close(t);

	/* the event and device chosen at conversion are part of the file */
	struct trc_opts o = {.event = 'D'};
	assert_int_equal(trc_open(&t, path, &o, err, sizeof(err)), -ENOTSUP);
	assert_non_null(strstr(err, "converted with --event Q"));
	o.event = 0;
	o.has_device = true;
	o.device = TRC_DEV(8, 16);
	assert_int_equal(trc_open(&t, path, &o, err, sizeof(err)), -ENODEV);
	assert_non_null(strstr(err, "device 8,16 is not in the trace (it holds 8,0)"));
	unlink(path);
}

struct damage {
	size_t off;       /* byte to change (or length to keep, for truncation) */
	uint8_t value;
	bool truncate;
	bool at_open;
	const char *msg;
};

static void test_damage(void **state)
{
	(void)state;
	char path[] = "/tmp/trc-sct-XXXXXX";
	int fd = mkstemp(path);
	uint8_t good[4096], buf[4096];
	assert_true(fd >= 0);
	close(fd);
	size_t len = make_sct(path, good, sizeof(good));
	unlink(path);

	const struct damage cases[] = {
		{0, 'X', false, true, "d.sct: offset 0x0: not an .sct trace (bad magic)"},
		{8, 2, false, true, "d.sct: offset 0x8: unsupported .sct version 2 (expected 1)"},
		{100, 'y', false, true, "d.sct: offset 0xf8: header checksum mismatch (damaged header)"},
		{100, 0, true, true, "d.sct: offset 0x0: header truncated (100 of 256 bytes)"},
		{256 + 3 * 64 + 10, 0, true, true, "d.sct: offset 0x28: file size 458 does not match the header"},
		{256 + 64 + 48, 'Q', false, false, "d.sct: offset 0x170: bad RWBS in record 1"},
		{256 + 2 * 64 + 40, 9, false, false, "d.sct: offset 0x1a8: name id 9 out of range (2 names)"},
		/* fuzzer finds (build-fuzz/artifacts/sct-crash-aafc29..., detect-crash-78d823...): a
		 * flipped bit in the flags, or a sector without a size, is refused, not read as a
		 * record */
		{256 + 28, TRC_READ | TRC_AHEAD, false, false,
		 "d.sct: offset 0x11c: flags 0x81 disagree with RWBS 'R' in record 0"},
		{256 + 64 + 8, 1, false, false, "d.sct: offset 0x148: sector 1 without a size in record 1"},
		{256 + 64 + 16 + 7, 0x80, false, false, "d.sct: offset 0x150: negative latency in record 1"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct damage *c = &cases[i];
		memcpy(buf, good, len);
		size_t n = len;
		if (c->truncate)
			n = c->off;
		else
			buf[c->off] = c->value;
		struct trc_opts fo = {.format = "sct"};
		struct read_result *r = read_mem("d.sct", buf, n, &fo);
		const char *got = c->at_open ? r->err : r->error;
		if (c->at_open && !r->open_rc)
			fail_msg("case %zu: opened", i);
		if (!c->at_open && r->st != TRC_EBAD)
			fail_msg("case %zu: status %d", i, r->st);
		if (!strstr(got, c->msg))
			fail_msg("case %zu: '%s' does not contain '%s'", i, got, c->msg);
		free(r);
	}
	/* lenient: a bad record is skipped and counted, the others come out */
	memcpy(buf, good, len);
	buf[256 + 64 + 48] = 'Q';
	struct trc_opts o = {.lenient = true};
	struct read_result *r = read_mem("d.sct", buf, len, &o);
	assert_int_equal(r->st, TRC_EOF);
	assert_int_equal(r->n, NRECS - 1);
	assert_int_equal(r->counts.skipped_bad, 1);
	assert_int_equal(r->counts.first_bad.offset, 256 + 64 + 48);
	free(r);
}

/* A longer trace, damaged inside a block of records the reader checks ahead (sct_check_ahead):
 * the same records first, then the same located error (or, --lenient, the same records less
 * the bad one), every record at its offset with its bytes consumed (trc_bytes_done). */
#define BLK_N 700
#define BLK_BAD 400

static void blk_rec(size_t i, struct trc_rec *r)
{
	static const char *const comm[] = {"dd", "", "fio-job-7"};
	memset(r, 0, sizeof(*r));
	r->time_ns = 1000 * (uint64_t)i;
	r->dev = TRC_DEV(8, 0);
	r->flags = i % 3 == 0 ? TRC_WRITE | TRC_SYNC : i % 2 ? TRC_WRITE : TRC_READ;
	snprintf(r->rwbs, sizeof(r->rwbs), "%s", i % 3 == 0 ? "WS" : i % 2 ? "W" : "R");
	r->sector = 8 * (uint64_t)i;
	r->nsect = 8;
	r->pid = (uint32_t)i;
	r->latency_ns = i % 5 ? (int64_t)i : -1;
	snprintf(r->comm, sizeof(r->comm), "%s", comm[i % 3]);
}

struct blk_damage {
	size_t field;  /* offset in record BLK_BAD */
	size_t len;    /* bytes of value, little-endian */
	uint64_t value;
	const char *msg; /* NULL: the record is skipped (another device) */
	size_t at;       /* the message's offset in the record */
};

static void test_damage_in_a_block(void **state)
{
	(void)state;
	char path[] = "/tmp/trc-sct-XXXXXX";
	int fd = mkstemp(path);
	struct trc_sct_writer *w;
	char err[256];
	struct trc_sct_source src = {.format = "blkparse", .name = "x.txt", .event = 'Q',
				     .device = TRC_DEV(8, 0)};
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(trc_sct_create(&w, path, &src, err, sizeof(err)), 0);
	for (size_t i = 0; i < BLK_N; i++) {
		struct trc_rec r;
		blk_rec(i, &r);
		assert_int_equal(trc_sct_write(w, &r), 0);
	}
	assert_int_equal(trc_sct_finish(w, err, sizeof(err)), 0);
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static uint8_t good[256 + BLK_N * 64 + 64], buf[sizeof(good)];
	size_t len = fread(good, 1, sizeof(good), fp);
	fclose(fp);
	unlink(path);
	assert_true(len > 256 + BLK_N * 64);

	const size_t bad = 256 + BLK_BAD * 64;
	const struct blk_damage cases[] = {
		{48, 1, 'Q', "bad RWBS in record 400", 48},
		{28, 4, TRC_READ | TRC_AHEAD, "flags 0x81 disagree with RWBS 'R' in record 400", 28},
		{32, 4, 0, "sector 3200 without a size in record 400", 8},
		{16, 8, (uint64_t)-2, "negative latency in record 400", 16},
		{40, 4, 9, "name id 9 out of range (2 names)", 40},
		{0, 8, 0, "time 0.000000000 s goes back before 0.000399000 s", 0},
		{8, 8, (1ULL << 55) - 4, "sector range 36028797018963964 + 8 ends past 2^64 bytes", 0},
		{24, 4, TRC_DEV(8, 16), NULL, 0},
		{0, 0, 0, NULL, 0}, /* undamaged */
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct blk_damage *d = &cases[c];
		for (int lenient = 0; lenient < 2; lenient++) {
			struct trc_opts o = {.format = "sct", .lenient = lenient};
			struct trc *t;
			struct trc_rec r, want;
			enum trc_status st;
			size_t n = 0;
			bool skipped = d->len && (!d->msg || lenient);

			memcpy(buf, good, len);
			for (size_t k = 0; k < d->len; k++)
				buf[bad + d->field + k] = (uint8_t)(d->value >> 8 * k);
			assert_int_equal(trc_open_mem(&t, "d.sct", buf, len, &o, err, sizeof(err)), 0);
			while ((st = trc_next(t, &r)) == TRC_OK) {
				size_t i = n + (skipped && n >= BLK_BAD);
				blk_rec(i, &want);
				if (memcmp(&r, &want, offsetof(struct trc_rec, rwbs)) ||
				    strcmp(r.rwbs, want.rwbs) || strcmp(r.comm, want.comm))
					fail_msg("case %zu%s: record %zu differs", c, lenient ? " lenient" : "", i);
				if (trc_position(t)->offset != 256 + 64 * i || trc_position(t)->line)
					fail_msg("case %zu: record %zu at offset %llu", c, i,
						 (unsigned long long)trc_position(t)->offset);
				if (trc_bytes_done(t) != 256 + 64 * (i + 1))
					fail_msg("case %zu: record %zu: %llu bytes done", c, i,
						 (unsigned long long)trc_bytes_done(t));
				n++;
			}
			if (d->msg && !lenient) {
				char want_msg[256];
				snprintf(want_msg, sizeof(want_msg), "d.sct: offset 0x%zx: %s", bad + d->at, d->msg);
				assert_int_equal(st, TRC_EBAD);
				assert_int_equal(n, BLK_BAD);
				if (strncmp(trc_error(t), want_msg, strlen(want_msg)))
					fail_msg("case %zu: '%s', expected '%s'", c, trc_error(t), want_msg);
				assert_int_equal(trc_position(t)->offset, bad + d->at);
				assert_int_equal(trc_next(t, &r), TRC_EBAD);
			} else {
				assert_int_equal(st, TRC_EOF);
				assert_int_equal(n, skipped ? BLK_N - 1 : BLK_N);
				assert_int_equal(trc_counts(t)->records, n);
				assert_int_equal(trc_counts(t)->skipped_other_dev, d->len && !d->msg);
				assert_int_equal(trc_counts(t)->skipped_bad, d->msg && d->field && lenient);
				assert_int_equal(trc_counts(t)->inversions, d->msg && !d->field && lenient);
			}
			trc_close(t);
		}
	}
}

CM_MAIN(UT(test_round_trip), UT(test_damage), UT(test_damage_in_a_block));
