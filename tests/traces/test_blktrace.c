// SPDX-License-Identifier: GPL-2.0
/* test_blktrace.c - the blktrace binary reader: records in both byte orders, notes, remaps,
 * per-CPU files and their merge, and bad files (status, message, offset). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <unistd.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"

/* blktrace_api.h categories and actions */
#define C_READ (1u << 0)
#define C_WRITE (1u << 1)
#define C_FLUSH (1u << 2)
#define C_SYNC (1u << 3)
#define C_QUEUE (1u << 4)
#define C_ISSUE (1u << 6)
#define C_COMPLETE (1u << 7)
#define C_FS (1u << 8)
#define C_PC (1u << 9)
#define C_NOTIFY (1u << 10)
#define C_AHEAD (1u << 11)
#define C_META (1u << 12)
#define C_DISCARD (1u << 13)
#define C_FUA (1u << 15)
#define ACT(cats, a) (((uint32_t)(cats) << 16) | (a))
#define A_Q 1
#define A_G 4
#define A_D 7
#define A_C 8
#define A_REMAP 15
#define DEV(ma, mi) (((uint32_t)(ma) << 20) | (mi))

struct rs {
	uint32_t seq;
	uint64_t time, sector;
	uint32_t bytes, action, pid, dev, cpu;
	const void *pdu;
	uint16_t pdu_len;
	uint32_t magic; /* 0: the right one */
};

static void put32(uint8_t *p, uint32_t v, bool be)
{
	for (int i = 0; i < 4; i++)
		p[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v, bool be)
{
	put32(p + (be ? 4 : 0), (uint32_t)v, be);
	put32(p + (be ? 0 : 4), (uint32_t)(v >> 32), be);
}

static size_t put_rec(uint8_t *b, const struct rs *r, bool be)
{
	put32(b, r->magic ? r->magic : 0x65617407u, be);
	put32(b + 4, r->seq, be);
	put64(b + 8, r->time, be);
	put64(b + 16, r->sector, be);
	put32(b + 24, r->bytes, be);
	put32(b + 28, r->action, be);
	put32(b + 32, r->pid, be);
	put32(b + 36, r->dev, be);
	put32(b + 40, r->cpu, be);
	b[44] = b[45] = 0;
	b[be ? 46 : 47] = (uint8_t)(r->pdu_len >> 8);
	b[be ? 47 : 46] = (uint8_t)r->pdu_len;
	if (r->pdu_len)
		memcpy(b + 48, r->pdu, r->pdu_len);
	return 48 + r->pdu_len;
}

static size_t put_all(uint8_t *b, const struct rs *r, size_t n, bool be)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += put_rec(b + len, &r[i], be);
	return len;
}

static const char dd_name[16] = "dd";
#define T0 1000000000000ULL

static const struct rs basic[] = {
	{.time = T0, .action = ACT(C_NOTIFY, 0), .pid = 10, .dev = DEV(8, 0), .pdu = dd_name, .pdu_len = 16},
	{.seq = 1, .time = T0, .sector = 100, .bytes = 4096, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .pid = 10, .dev = DEV(8, 0)},
	{.seq = 2, .time = T0 + 50, .sector = 100, .bytes = 4096, .action = ACT(C_READ | C_QUEUE | C_FS, A_G), .pid = 10, .dev = DEV(8, 0)},
	{.seq = 3, .time = T0 + 100, .sector = 100, .bytes = 4096, .action = ACT(C_READ | C_ISSUE | C_FS, A_D), .pid = 10, .dev = DEV(8, 0)},
	{.seq = 4, .time = T0 + 1100, .sector = 100, .bytes = 4096, .action = ACT(C_READ | C_COMPLETE | C_FS, A_C), .pid = 0, .dev = DEV(8, 0)},
	{.seq = 5, .time = T0 + 2000, .sector = 0, .bytes = 0, .action = ACT(C_WRITE | C_FLUSH | C_SYNC | C_QUEUE | C_FS, A_Q), .pid = 11, .dev = DEV(8, 0)},
	{.seq = 6, .time = T0 + 3000, .sector = 8, .bytes = 4096, .action = ACT(C_WRITE | C_FLUSH | C_FUA | C_SYNC | C_META | C_QUEUE | C_FS, A_Q), .pid = 10, .dev = DEV(8, 0)},
	{.seq = 7, .time = T0 + 4000, .sector = 16, .bytes = 1 << 20, .action = ACT(C_DISCARD | C_WRITE | C_QUEUE | C_FS, A_Q), .pid = 10, .dev = DEV(8, 0)},
	{.seq = 8, .time = T0 + 5000, .sector = 24, .bytes = 8192, .action = ACT(C_READ | C_AHEAD | C_QUEUE | C_FS, A_Q), .pid = 10, .dev = DEV(8, 0)},
	{.seq = 9, .time = T0 + 6000, .sector = 32, .bytes = 100, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .pid = 10, .dev = DEV(8, 0)},
	{.seq = 10, .time = T0 + 7000, .sector = 40, .bytes = 36, .action = ACT(C_READ | C_QUEUE | C_PC, A_Q), .pid = 10, .dev = DEV(8, 0)},
	{.seq = 11, .time = T0 + 8000, .sector = 48, .bytes = 512, .action = A_Q, .pid = 10, .dev = DEV(8, 0)},
};

static void check_basic(struct read_result *r)
{
	assert_int_equal(r->open_rc, 0);
	assert_string_equal(r->format, "blktrace");
	assert_int_equal(r->st, TRC_EOF);
	assert_int_equal(r->n, 6);
	assert_int_equal(r->rec[0].time_ns, 0); /* the trace's own zero: its first event */
	assert_int_equal(r->rec[0].sector, 100);
	assert_int_equal(r->rec[0].nsect, 8);
	assert_string_equal(r->rec[0].rwbs, "R");
	assert_string_equal(r->rec[0].comm, "dd");
	assert_int_equal(r->rec[0].pid, 10);
	assert_int_equal(r->pos[0].offset, 64); /* after the 16-byte note */
	/* fill_rwbs: F, D|W|R|N, F(FUA), A, S, M */
	assert_string_equal(r->rec[1].rwbs, "FWS");
	assert_int_equal(r->rec[1].nsect, 0);
	assert_string_equal(r->rec[1].comm, ""); /* pid 11 has no note */
	assert_string_equal(r->rec[2].rwbs, "FWFSM");
	assert_string_equal(r->rec[3].rwbs, "D");
	assert_int_equal(r->rec[3].nsect, 2048);
	assert_string_equal(r->rec[4].rwbs, "RA");
	/* 100 bytes: 'R' (bytes != 0) but no whole sector, so no range, as blkparse prints it */
	assert_string_equal(r->rec[5].rwbs, "R");
	assert_int_equal(r->rec[5].nsect, 0);
	assert_int_equal(r->rec[5].sector, 0);
	assert_int_equal(r->counts.skipped_pc, 1);
}

static void test_both_byte_orders(void **state)
{
	(void)state;
	uint8_t buf[4096];
	struct trc_opts o = {0};

	size_t len = put_all(buf, basic, sizeof(basic) / sizeof(basic[0]), false);
	struct read_result *r = read_mem("le.bin", buf, len, &o);
	check_basic(r);
	free(r);
	len = put_all(buf, basic, sizeof(basic) / sizeof(basic[0]), true);
	r = read_mem("be.bin", buf, len, &o);
	check_basic(r);
	free(r);
}

static void test_latency(void **state)
{
	(void)state;
	uint8_t buf[4096];
	struct trc_opts o = {.event = 'D'};
	size_t len = put_all(buf, basic, sizeof(basic) / sizeof(basic[0]), false);
	struct read_result *r = read_mem("le.bin", buf, len, &o);

	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].time_ns, 100);
	assert_int_equal(r->rec[0].latency_ns, 1000);
	free(r);
	o.event = 'C';
	r = read_mem("le.bin", buf, len, &o);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->rec[0].time_ns, 1100);
	assert_int_equal(r->rec[0].latency_ns, 1000);
	free(r);
}

static void test_remap(void **state)
{
	(void)state;
	/* struct blk_io_trace_remap, big-endian: device_from, device_to, sector_from */
	uint8_t pdu[16] = {0x00, 0x80, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0x07, 0xd0};
	const struct rs recs[] = {
		{.seq = 1, .time = 5, .sector = 4048, .bytes = 4096, .action = ACT(C_WRITE | C_QUEUE | C_FS, A_REMAP), .pid = 3, .dev = DEV(8, 0), .pdu = pdu, .pdu_len = 16},
		{.seq = 2, .time = 6, .sector = 4048, .bytes = 4096, .action = ACT(C_WRITE | C_QUEUE | C_FS, A_Q), .pid = 3, .dev = DEV(8, 0)},
	};
	uint8_t buf[512];
	size_t len = put_all(buf, recs, 2, false);
	struct read_result *r = read_mem("r.bin", buf, len, NULL);

	assert_int_equal(r->n, 1);
	assert_int_equal(r->counts.remaps, 1);
	assert_int_equal(r->rec[0].time_ns, 1);
	free(r);
	struct trc_opts o = {.has_device = true, .device = DEV(8, 1)};
	r = read_mem("r.bin", buf, len, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_non_null(strstr(r->error, "remapped ('A' events) to 8,0"));
	free(r);

	/* a remap without its payload is a located error */
	const struct rs short_remap[] = {
		{.seq = 1, .time = 5, .sector = 1, .bytes = 512, .action = ACT(C_WRITE | C_QUEUE | C_FS, A_REMAP), .dev = DEV(8, 0), .pdu = pdu, .pdu_len = 8},
	};
	len = put_all(buf, short_remap, 1, false);
	o.device = DEV(8, 0);
	r = read_mem("r.bin", buf, len, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_string_equal(r->error, "r.bin: offset 0x0: remap record without its payload (8 of 16 bytes)");
	assert_int_equal(r->end_pos.offset, 0);
	free(r);
}

static const struct rs two[] = {
	{.seq = 1, .time = 10, .sector = 1, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0)},
	{.seq = 2, .time = 20, .sector = 2, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0)},
};

static void test_truncated(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct trc_opts o = {.has_device = true, .device = DEV(8, 0)};
	struct rs t2[2] = {two[0], two[1]};

	/* a second record whose 16-byte payload is missing */
	t2[1].pdu = dd_name;
	t2[1].pdu_len = 16;
	size_t len = put_all(buf, t2, 2, false) - 16;
	struct read_result *r = read_mem("sda.blktrace.3", buf, len, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_int_equal(r->n, 1); /* the record before it is handed out first */
	assert_string_equal(r->error, "sda.blktrace.3: offset 0x30: record truncated (48 of 64 bytes)");
	assert_int_equal(r->end_pos.offset, 0x30);
	assert_int_equal(r->end_pos.line, 0);
	free(r);

	/* a header cut short */
	len = put_all(buf, two, 1, false) + 20;
	r = read_mem("x.bin", buf, len, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_string_equal(r->error, "x.bin: offset 0x30: record truncated (20 of 48 bytes)");
	free(r);

	/* without --device the pre-scan finds it: trc_open fails with the same message */
	r = read_mem("x.bin", buf, len, NULL);
	assert_int_equal(r->open_rc, -EINVAL);
	assert_string_equal(r->err, "x.bin: offset 0x30: record truncated (20 of 48 bytes)");
	free(r);

	/* lenient: counted, and the records before it are kept */
	o.lenient = true;
	r = read_mem("x.bin", buf, len, &o);
	assert_int_equal(r->st, TRC_EOF);
	EXPECT_SKIPPED(r, 1, 1, offset, 0x30);
	free(r);
}

static void test_bad_magic_and_version(void **state)
{
	(void)state;
	uint8_t buf[512];
	struct trc_opts o = {.format = "blktrace", .has_device = true, .device = DEV(8, 0)};
	struct rs r3[3] = {two[0], two[1], two[1]};

	r3[1].magic = 0x12345678;
	r3[2].sector = 3;
	r3[2].time = 30;
	size_t len = put_all(buf, r3, 3, false);
	struct read_result *r = read_mem("m.bin", buf, len, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_string_equal(r->error,
			    "m.bin: offset 0x30: bad magic 0x12345678 (expected 0x65617407 in either byte order)");
	free(r);

	/* lenient: resynchronise on the next magic */
	o.lenient = true;
	r = read_mem("m.bin", buf, len, &o);
	assert_int_equal(r->st, TRC_EOF);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->rec[1].sector, 3);
	assert_int_equal(r->counts.skipped_bad, 1);
	assert_int_equal(r->counts.first_bad.offset, 0x30);
	free(r);

	o.lenient = false;
	r3[1].magic = 0x65617408;
	len = put_all(buf, r3, 3, false);
	r = read_mem("v.bin", buf, len, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_string_equal(r->error, "v.bin: offset 0x30: unsupported blktrace version 0x08 (expected 0x07)");
	free(r);

	/* the byte order may not change within a file */
	len = put_rec(buf, &two[0], false);
	len += put_rec(buf + len, &two[1], true);
	r = read_mem("e.bin", buf, len, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_string_equal(r->error, "e.bin: offset 0x30: byte order changes within the file");
	free(r);
}

/* Per-CPU files: the merge follows blkparse (oldest head first; a stream keeps the turn on a
 * tie), a missing CPU file is a warning, a cpu field that disagrees with the name is read. */
static void test_per_cpu_merge(void **state)
{
	(void)state;
	struct scratch sc;
	uint8_t buf[1024];

	scratch_new(&sc);
	const struct rs cpu0[] = {
		{.seq = 1, .time = 1010, .sector = 1, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0)},
		{.seq = 2, .time = 1030, .sector = 4, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0)},
	};
	const struct rs cpu2[] = {
		{.seq = 1, .time = 1020, .sector = 2, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0), .cpu = 2},
		{.seq = 2, .time = 1030, .sector = 3, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0), .cpu = 2},
		{.seq = 3, .time = 1040, .sector = 5, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0), .cpu = 7},
	};
	write_file(scratch_path(&sc, "sda.blktrace.0"), buf, put_all(buf, cpu0, 2, false));
	write_file(scratch_path(&sc, "sda.blktrace.2"), buf, put_all(buf, cpu2, 3, false));

	const char *names[] = {"sda.blktrace.0", "sda.blktrace.2", "sda"};
	for (int k = 0; k < 3; k++) {
		struct trc *t;
		char err[512];
		struct trc_rec rec;
		assert_int_equal(trc_open(&t, scratch_path(&sc, "%s", names[k]), NULL, err, sizeof(err)),
				 0);
		uint64_t expect[] = {1, 2, 3, 4, 5};
		uint64_t times[] = {0, 10, 20, 20, 30};
		for (int i = 0; i < 5; i++) {
			assert_int_equal(trc_next(t, &rec), TRC_OK);
			assert_int_equal(rec.sector, expect[i]);
			assert_int_equal(rec.time_ns, times[i]);
		}
		assert_int_equal(trc_next(t, &rec), TRC_EOF);
		assert_int_equal(trc_next(t, &rec), TRC_EOF);
		const char *w = trc_warnings(t);
		assert_non_null(strstr(w, "the file for CPU 1 is missing"));
		assert_non_null(strstr(w, "records carry cpu 7 (first at offset 0x60) although the file is for CPU 2"));
		assert_int_equal(trc_size_bytes(t), 5 * 48);
		assert_int_equal(trc_bytes_done(t), 5 * 48);
		trc_close(t);
	}
	struct trc *t;
	char err[512];
	assert_int_equal(trc_open(&t, scratch_path(&sc, "nothing"), NULL, err, sizeof(err)), -ENOENT);
	scratch_rm(&sc);
}

/* The device pre-scan (no --device) judges most records in a loop of its own (blktrace.c
 * scan_fast) and leaves the rest to the reader's: the devices it counts and the error it stops
 * at (with its offset) are the reader's. */
static void test_prescan(void **state)
{
	(void)state;
	uint8_t buf[1024];
	const uint8_t remap[16] = {0, 0x80, 0, 0x20, 0, 0x80, 0, 0x10}; /* 8,32 -> 8,16 */
	const struct rs recs[] = {
		{.seq = 1, .time = 10, .sector = 1, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0)},
		{.seq = 2, .time = 11, .sector = 1, .bytes = 512, .action = ACT(C_READ | C_FS, A_G), .dev = DEV(8, 48)},
		{.seq = 3, .time = 12, .sector = 1, .bytes = 512, .action = ACT(C_READ | C_PC, A_Q), .dev = DEV(8, 32)},
		{.seq = 4, .time = 13, .action = ACT(C_NOTIFY, 2), .dev = DEV(8, 32), .pdu = "hi", .pdu_len = 2},
		{.seq = 5, .time = 14, .sector = 2, .bytes = 512, .action = ACT(C_WRITE | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 16)},
		{.seq = 6, .time = 15, .sector = 2, .bytes = 512, .action = ACT(C_WRITE | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 32)},
		{.seq = 7, .time = 16, .sector = 9, .bytes = 512, .action = ACT(C_WRITE | C_QUEUE | C_FS, A_REMAP), .dev = DEV(8, 16), .pdu = remap, .pdu_len = 16},
		{.seq = 8, .time = 17, .sector = 3, .bytes = 512, .action = ACT(C_WRITE | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 16)},
		{.seq = 9, .time = 18, .sector = 4, .bytes = 512, .action = ACT(C_READ | C_ISSUE | C_FS, A_D), .dev = DEV(8, 64)},
		{.seq = 10, .time = 19, .sector = 5, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0), .magic = 0x12345678},
		{.seq = 11, .time = 20, .sector = 6, .bytes = 512, .action = ACT(C_READ | C_QUEUE | C_FS, A_Q), .dev = DEV(8, 0)},
	};
	size_t len = put_all(buf, recs, sizeof(recs) / sizeof(recs[0]), false);
	struct trc_opts o = {.format = "blktrace"};
	struct trc *t;
	char err[512];

	assert_int_equal(trc_open_mem(&t, "p.bin", buf, len, &o, err, sizeof(err)), -EINVAL);
	/* 9 records of 48 bytes, the note's 2 and the remap's 16 bytes of payload before it */
	assert_string_equal(err, "p.bin: offset 0x1c2: bad magic 0x12345678 (expected 0x65617407 in "
				 "either byte order)");
	o.lenient = true;
	assert_int_equal(trc_open_mem(&t, "p.bin", buf, len, &o, err, sizeof(err)), -ENOTUNIQ);
	assert_string_equal(err, "p.bin: the trace holds several devices: 8,0 (2 requests), 8,16 "
				 "(2 requests), 8,32 (1 requests); choose one with --device MAJ,MIN");
	/* big-endian, and by D events: 8,64 alone */
	len = put_all(buf, recs, 9, true);
	o.event = 'D';
	assert_int_equal(trc_open_mem(&t, "p.bin", buf, len, &o, err, sizeof(err)), 0);
	uint32_t dev;
	assert_true(trc_device(t, &dev));
	assert_int_equal(dev, DEV(8, 64));
	trc_close(t);
}

CM_MAIN(UT(test_both_byte_orders), UT(test_latency), UT(test_remap), UT(test_truncated),
	UT(test_bad_magic_and_version), UT(test_per_cpu_merge), UT(test_prescan));
