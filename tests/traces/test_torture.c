// SPDX-License-Identifier: GPL-2.0
/* test_torture.c - the blkparse and blktrace readers on the oddities of real captures:
 * C-only captures, barriers, clock jumps, large texts without readahead or remaps, many CPUs with
 * a file missing, remap chains, empty and summary-only files, CRLF and odd whitespace, ranges past
 * 2^64 bytes. Every trace is made here, by the test; each case asserts its outcome. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <unistd.h>

#include "tests/lib/cm_main.h"
#include "tests/traces/trc_test.h"
#include "traces/trc_internal.h"

#define L(dev, cpu, seq, t, pid, act, rest) dev " " cpu " " seq " " t " " pid " " act " " rest "\n"

static const struct trc_opts BP = {.format = "blkparse"};

/* ---- blktrace records (blktrace_api.h), little-endian ---- */
#define C_READ (1u << 0)
#define C_WRITE (1u << 1)
#define C_BARRIER (1u << 2) /* BLK_TC_BARRIER up to 2.6.36; BLK_TC_FLUSH since */
#define C_SYNC (1u << 3)
#define C_QUEUE (1u << 4)
#define C_COMPLETE (1u << 7)
#define C_FS (1u << 8)
#define C_NOTIFY (1u << 10)
#define C_FUA (1u << 15)
#define ACT(cats, a) (((uint32_t)(cats) << 16) | (a))
#define A_Q 1
#define A_C 8
#define A_REMAP 15
#define DEV(ma, mi) (((uint32_t)(ma) << 20) | (mi))

static size_t bt_rec(uint8_t *b, uint64_t time, uint64_t sector, uint32_t bytes, uint32_t action,
		     uint32_t dev, uint32_t cpu, const uint8_t *pdu, uint16_t pdu_len)
{
	static uint32_t seq;
	trc_put_le32(b, 0x65617407u);
	trc_put_le32(b + 4, ++seq);
	trc_put_le64(b + 8, time);
	trc_put_le64(b + 16, sector);
	trc_put_le32(b + 24, bytes);
	trc_put_le32(b + 28, action);
	trc_put_le32(b + 32, 42);
	trc_put_le32(b + 36, dev);
	trc_put_le32(b + 40, cpu);
	b[44] = b[45] = 0;
	b[46] = (uint8_t)pdu_len;
	b[47] = (uint8_t)(pdu_len >> 8);
	if (pdu_len)
		memcpy(b + 48, pdu, pdu_len);
	return 48u + pdu_len;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* An 'A' record: on device `to`, from (from, from_sector). */
static size_t bt_remap(uint8_t *b, uint64_t time, uint64_t sector, uint32_t to, uint32_t from,
		       uint64_t from_sector)
{
	uint8_t pdu[16];
	put_be32(pdu, from);
	put_be32(pdu + 4, to);
	put_be32(pdu + 8, (uint32_t)(from_sector >> 32));
	put_be32(pdu + 12, (uint32_t)from_sector);
	return bt_rec(b, time, sector, 4096, ACT(C_WRITE | C_QUEUE, A_REMAP), to, 0, pdu, 16);
}

/* ---- C-only captures (LevelDB): the default Q finds none, and says what to use ---- */

/* With --device dev, name has only C events there: the reader says so (msg), and with
 * --event C reads its n requests. */
static void expect_c_only_on(const char *name, const char *text, uint32_t dev, size_t n,
			     const char *msg)
{
	struct trc_opts o = BP;

	o.has_device = true;
	o.device = dev;
	expect_read(name, text, &o, TRC_EBAD, 0, msg);
	o.event = 'C';
	expect_read(name, text, &o, TRC_EOF, n, NULL);
}

static void test_c_only(void **state)
{
	(void)state;
	const char *text =
		L("  8,0", "1", "1", "0.000001000", "0", "C", "  W 100 + 8 [0]")
		L("  8,0", "1", "2", "0.000002000", "0", "C", "  W 108 + 8 [0]")
		L("  8,0", "0", "3", "0.000003000", "0", "C", "  R 500 + 16 [0]");
	expect_read("leveldb.txt", text, NULL, TRC_EBAD, 0,
		    "leveldb.txt: no Q events; the trace has C (3) events: use --event C");

	/* the same with --device (no pre-scan) */
	expect_c_only_on("leveldb.txt", text, TRC_DEV(8, 0), 3,
		"leveldb.txt: no Q events on device 8,0; it has C (3) events: use --event C");
	struct read_result *r;

	/* D and C without Q: both listed, the first suggested */
	const char *dc = L("  8,0", "1", "1", "0.000001000", "5", "D", "  W 100 + 8 [a]")
			 L("  8,0", "1", "2", "0.000002000", "0", "C", "  W 100 + 8 [0]");
	expect_read("dc.txt", dc, NULL, TRC_EBAD, 0,
		    "dc.txt: no Q events; the trace has D (1), C (1) events: use --event D");
	struct trc_opts o = BP;
	o.event = 'D';
	expect_read("q.txt", L("  8,0", "1", "1", "0.000001000", "5", "Q", "  W 100 + 8 [a]"), &o,
		    TRC_EBAD, 0, "q.txt: no D events; the trace has Q (1) events: use --event Q");

	/* the binary reader says the same */
	uint8_t buf[256];
	size_t n = 0;
	n += bt_rec(buf + n, 1000, 100, 4096, ACT(C_WRITE | C_COMPLETE | C_FS, A_C), DEV(8, 0), 0, NULL, 0);
	n += bt_rec(buf + n, 2000, 108, 4096, ACT(C_WRITE | C_COMPLETE | C_FS, A_C), DEV(8, 0), 0, NULL, 0);
	r = read_mem("leveldb.blktrace.0", buf, n, NULL);
	assert_string_equal(r->format, "blktrace");
	assert_int_equal(r->st, TRC_EBAD);
	assert_string_equal(r->error, "leveldb.blktrace.0: no Q events; the trace has C (2) events: use --event C");
	free(r);
}

/* ---- --device X where X has other events than the chosen one, and Q events are elsewhere:
 * say what X has, not "X is not in the trace" ---- */

static void test_device_other_events(void **state)
{
	(void)state;
	const char *text = L("  8,0", "0", "1", "0.000001000", "5", "Q", "  W 100 + 8 [a]")
		L("  8,16", "1", "1", "0.000002000", "0", "C", "  W 200 + 8 [0]")
		L("  8,16", "1", "2", "0.000003000", "0", "C", "  W 208 + 8 [0]")
		L("  8,0", "0", "2", "0.000004000", "5", "Q", "  R 300 + 8 [a]");
	expect_c_only_on("mixed.txt", text, TRC_DEV(8, 16), 2,
		"mixed.txt: no Q events on device 8,16; it has C (2) events: use --event C");
	struct read_result *r;

	/* D and C on X, D asked for elsewhere: the same with --event D missing on X */
	struct trc_opts o = BP;
	o.has_device = true;
	o.event = 'D';
	o.device = TRC_DEV(8, 0);
	expect_read("mixed.txt", text, &o, TRC_EBAD, 0,
		    "mixed.txt: no D events on device 8,0; it has Q (2) events: use --event Q");

	/* a device truly absent keeps the old message */
	o.event = 0;
	o.device = TRC_DEV(9, 9);
	expect_read("mixed.txt", text, &o, TRC_EBAD, 0,
		    "mixed.txt: device 9,9 is not in the trace (2 requests are on "
		    "other devices; leave out --device to list them)");

	/* the binary reader says the same */
	uint8_t buf[256];
	size_t n = 0;
	n += bt_rec(buf + n, 1000, 100, 4096, ACT(C_WRITE | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	n += bt_rec(buf + n, 2000, 200, 4096, ACT(C_WRITE | C_COMPLETE | C_FS, A_C), DEV(8, 16), 0, NULL, 0);
	o = (struct trc_opts){.has_device = true, .device = TRC_DEV(8, 16)};
	r = read_mem("mixed.blktrace.0", buf, n, &o);
	assert_string_equal(r->format, "blktrace");
	assert_string_equal(r->error,
			    "mixed.blktrace.0: no Q events on device 8,16; it has C (1) events: use --event C");
	free(r);
	o.device = TRC_DEV(8, 32);
	r = read_mem("mixed.blktrace.0", buf, n, &o);
	assert_string_equal(r->error, "mixed.blktrace.0: device 8,32 is not in the trace (1 requests "
				      "are on other devices; leave out --device to list them)");
	free(r);
}

/* ---- barriers (kernels up to 2.6.36): preflush + FUA ---- */

static void test_barriers(void **state)
{
	(void)state;
	const char *text =
		L("  8,0", "0", "1", "0.000001000", "9", "Q", "WBS 100 + 8 [jbd2/sda1-8]")
		L("  8,0", "0", "2", "0.000002000", "9", "Q", " WB [kjournald]")
		L("  8,0", "0", "3", "0.000003000", "9", "Q", " RB 300 + 8 [a]")
		L("  8,0", "0", "4", "0.000004000", "9", "Q", "WBSM 400 + 8 [a]")
		L("  8,0", "0", "5", "0.000005000", "9", "Q", "RAB 500 + 8 [a]");
	struct read_result *r = read_str("hadoop.txt", text, &BP);
	const uint32_t bar = TRC_BARRIER | TRC_FLUSH | TRC_FUA;
	assert_int_equal(r->st, TRC_EOF);
	assert_int_equal(r->n, 5);
	assert_int_equal(r->rec[0].flags, bar | TRC_WRITE | TRC_SYNC);
	assert_string_equal(r->rec[0].rwbs, "WBS");
	assert_int_equal(r->rec[1].flags, bar | TRC_WRITE); /* an empty barrier: a cache flush */
	assert_int_equal(r->rec[1].nsect, 0);
	assert_int_equal(r->rec[2].flags, bar | TRC_READ);
	assert_int_equal(r->rec[3].flags, bar | TRC_WRITE | TRC_SYNC | TRC_META);
	assert_int_equal(r->rec[4].flags, bar | TRC_READ | TRC_AHEAD);
	for (size_t i = 0; i < r->n; i++) {
		char rwbs[8];
		trc_flags_to_rwbs(r->rec[i].flags, rwbs);
		assert_string_equal(rwbs, r->rec[i].rwbs); /* printed back as the kernel did */
	}
	free(r);

	/* B never came with the F letters */
	r = read_str("b.txt", L("  8,0", "0", "1", "0.000001000", "9", "Q", "FWBS 100 + 8 [a]"), &BP);
	assert_int_equal(r->st, TRC_EBAD);
	assert_non_null(strstr(r->error, "b.txt:1: field 7 (RWBS): expected RWBS as [F](D|W|R|N)[F][A][S][M] "
					 "or (D|W|R|N)[A]B[S][M], got 'FWBS'"));
	free(r);

	/* binary: bit 2 on a write with data and no FUA bit is a barrier; without data a flush;
	 * with the FUA bit (kernels since 3.x) a preflush + FUA as blkparse 1.2 prints it */
	uint8_t buf[512];
	size_t n = 0;
	n += bt_rec(buf + n, 1000, 100, 4096, ACT(C_WRITE | C_BARRIER | C_SYNC | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	n += bt_rec(buf + n, 2000, 0, 0, ACT(C_WRITE | C_BARRIER | C_SYNC | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	n += bt_rec(buf + n, 3000, 300, 4096, ACT(C_WRITE | C_BARRIER | C_FUA | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	n += bt_rec(buf + n, 4000, 400, 4096, ACT(C_WRITE | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	r = read_mem("old.blktrace.0", buf, n, NULL);
	assert_int_equal(r->st, TRC_EOF);
	assert_int_equal(r->n, 4);
	assert_int_equal(r->rec[0].flags, bar | TRC_WRITE | TRC_SYNC);
	assert_string_equal(r->rec[0].rwbs, "WBS");
	assert_int_equal(r->rec[1].flags, TRC_FLUSH | TRC_WRITE | TRC_SYNC);
	assert_string_equal(r->rec[1].rwbs, "FWS");
	assert_int_equal(r->rec[2].flags, TRC_FLUSH | TRC_WRITE | TRC_FUA);
	assert_string_equal(r->rec[2].rwbs, "FWF");
	assert_int_equal(r->rec[3].flags, TRC_WRITE);
	free(r);
}

/* ---- a clock jump: one CPU's clock 1.27e9 s ahead ---- */

static char *clock_jump_text(size_t pairs, size_t *len)
{
	size_t cap = pairs * 2 * 96 + 64, l = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	for (size_t i = 0; i < pairs; i++) {
		/* CPU 0 at 1 ms steps; CPU 1 reads 1.27e9 s later */
		l += (size_t)snprintf(s + l, cap - l, "  8,0 0 %zu 0.%09zu 7 Q R %zu + 8 [a]\n", i + 1,
				      i * 1000, i * 16);
		l += (size_t)snprintf(s + l, cap - l, "  8,0 1 %zu 1270000000.%09zu 7 Q W %zu + 8 [b]\n",
				      i + 1, i * 1000, i * 16 + 8);
	}
	*len = l;
	return s;
}

static void test_clock_jump(void **state)
{
	(void)state;
	size_t len;
	char *text = clock_jump_text(3000, &len);

	/* The window (1024 records) fills with CPU 1's records; once they are handed out, CPU 0's
	 * next one goes back 1.27e9 s: an error at its line, after the records before it. */
	struct trc *t;
	char err[512];
	struct trc_rec rec;
	enum trc_status st;
	uint64_t n = 0;
	assert_int_equal(trc_open_mem(&t, "jump.txt", text, len, &BP, err, sizeof(err)), 0);
	while ((st = trc_next(t, &rec)) == TRC_OK)
		n++;
	assert_int_equal(st, TRC_EBAD);
	const struct trc_pos *p = trc_position(t);
	assert_true(p->line > 2048 && p->line % 2 == 1); /* a CPU 0 line */
	char want[256];
	snprintf(want, sizeof(want), "jump.txt:%llu: field 4 (time): expected a time no earlier than "
				     "1270000000.", (unsigned long long)p->line);
	assert_true(!strncmp(trc_error(t), want, strlen(want)));
	assert_non_null(strstr(trc_error(t), "(a record 1024 or more records back; --lenient skips it), got '"));
	assert_true(n >= 1024);
	trc_close(t);

	/* --lenient: CPU 0's late records are skipped and counted; what comes out is in order */
	struct trc_opts o = BP;
	o.lenient = true;
	assert_int_equal(trc_open_mem(&t, "jump.txt", text, len, &o, err, sizeof(err)), 0);
	uint64_t last = 0;
	n = 0;
	while ((st = trc_next(t, &rec)) == TRC_OK) {
		assert_true(rec.time_ns >= last);
		last = rec.time_ns;
		n++;
	}
	assert_int_equal(st, TRC_EOF);
	const struct trc_counts *c = trc_counts(t);
	assert_int_equal(n + c->inversions, 6000);
	assert_true(c->inversions > 1000);
	assert_true(c->max_inversion_ns > 1269000000ULL * 1000000000ULL);
	assert_non_null(strstr(trc_warnings(t), "records went back in time beyond the reorder window of "
						 "1024 records (first at line "));
	trc_close(t);
	free(text);
}

/* ---- a large text without readahead or remaps: the pre-scan is linear ---- */

static char *no_a_text(size_t lines, char first_event, size_t *len)
{
	size_t cap = lines * 80 + 64, l = 0;
	char *s = malloc(cap);
	static const char acts[] = "QGIDC";
	assert_non_null(s);
	for (size_t i = 0; i < lines; i++) {
		char a = acts[i % 5];
		if (first_event == 'C' && a != 'C')
			a = a == 'D' ? 'D' : 'G';
		l += (size_t)snprintf(s + l, cap - l, "  8,0    1 %8zu %5zu.%09zu  4242  %c  %s %zu + 8 [%s]\n",
				      i + 1, i / 100000, (i % 100000) * 10000, a, i % 3 ? "W" : "R",
				      (i / 5) * 8, a == 'C' ? "0" : "fio");
	}
	*len = l;
	return s;
}

static void test_prescan_linear(void **state)
{
	(void)state;
	for (int k = 0; k < 2; k++) {
		size_t len;
		/* 60,000 lines (~4 MB): Q G I D C per request, O_DIRECT (no RA), no 'A' anywhere;
		 * then one without Q either (only G, D and C) */
		char *text = no_a_text(60000, k ? 'C' : 'Q', &len);
		assert_null(memchr(text, 'A', len));
		struct trc *t;
		char err[512];
		struct trc_rec rec;
		uint64_t n = 0;
		struct trc_opts o = BP;
		o.event = k ? 'C' : 'Q';
		assert_int_equal(trc_open_mem(&t, "big.txt", text, len, &o, err, sizeof(err)), 0);
		/* every byte looked at a bounded number of times: once per letter searched, plus the
		 * candidate lines (the quadratic scan searched the rest of the buffer per line) */
		uint64_t scanned = trc_debug_scan_bytes(t);
		if (scanned > 4 * (uint64_t)len)
			fail_msg("pre-scan searched %llu bytes of a %zu-byte text", (unsigned long long)scanned, len);
		assert_true(scanned >= len);
		uint32_t dev;
		assert_true(trc_device(t, &dev));
		assert_int_equal(dev, TRC_DEV(8, 0));
		while (trc_next(t, &rec) == TRC_OK)
			n++;
		assert_int_equal(n, k ? 60000 / 5 : 60000 / 5);
		assert_int_equal(trc_counts(t)->remaps, 0);
		trc_close(t);

		/* with --device there is no pre-scan at all */
		o.has_device = true;
		o.device = TRC_DEV(8, 0);
		assert_int_equal(trc_open_mem(&t, "big.txt", text, len, &o, err, sizeof(err)), 0);
		assert_int_equal(trc_debug_scan_bytes(t), 0);
		trc_close(t);
		free(text);
	}
}

/* ---- 40 CPUs, one file missing ---- */

static void test_many_cpus_one_missing(void **state)
{
	(void)state;
	struct scratch sc;
	uint8_t buf[256];

	scratch_new(&sc);
	for (uint32_t cpu = 0; cpu < 40; cpu++) {
		if (cpu == 17)
			continue;
		size_t n = 0;
		for (uint32_t i = 0; i < 3; i++)
			n += bt_rec(buf + n, 1000 + i * 100 + cpu, (cpu * 3 + i) * 8, 4096,
				    ACT(C_READ | C_QUEUE | C_FS, A_Q), DEV(8, 16), cpu, NULL, 0);
		write_file(scratch_path(&sc, "node.blktrace.%u", cpu), buf, n);
	}
	struct trc *t;
	char err[512];
	struct trc_rec rec;
	uint64_t n = 0, last = 0;
	assert_int_equal(trc_open(&t, scratch_path(&sc, "node"), NULL, err, sizeof(err)), 0);
	while (trc_next(t, &rec) == TRC_OK) {
		assert_true(rec.time_ns >= last);
		last = rec.time_ns;
		n++;
	}
	assert_int_equal(n, 39 * 3);
	char want[400];
	snprintf(want, sizeof(want), "%s/node.blktrace.17: the file for CPU 17 is missing; its events are "
				     "absent (blkparse would stop at the first missing file)\n", sc.dir);
	assert_string_equal(trc_warnings(t), want);
	assert_string_equal(trc_counts(t)->skipped_unit, "records");
	trc_close(t);
	scratch_rm(&sc);
}

/* ---- remap chains: LVM (253,0) on a partition (8,2) on a disk (8,0) ---- */

static const char *lvm_text =
	L("  8,2", "0", "1", "0.000001000", "9", "A", "  W 4000 + 8 <- (253,0) 2000")
	L("  8,0", "0", "2", "0.000001100", "9", "A", "  W 6048 + 8 <- (8,2) 4000")
	L("  8,0", "0", "3", "0.000001200", "9", "Q", "  W 6048 + 8 [mysqld]")
	L("  8,2", "0", "4", "0.000002000", "9", "A", "  W 4008 + 8 <- (253,0) 2008")
	L("  8,0", "0", "5", "0.000002100", "9", "A", "  W 6056 + 8 <- (8,2) 4008")
	L("  8,0", "0", "6", "0.000002200", "9", "Q", "  W 6056 + 8 [mysqld]");

static void test_remap_chain(void **state)
{
	(void)state;
	struct read_result *r = read_all("lvm.txt", lvm_text, &BP);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->rec[0].dev, TRC_DEV(8, 0));
	assert_int_equal(r->counts.remaps, 2); /* the A events on 8,0 */
	free(r);

	/* --device on the top of the chain, or its middle: the device the requests end on */
	static const struct {
		uint32_t dev;
		const char *msg;
	} cases[] = {
		{TRC_DEV(253, 0), "lvm.txt: device 253,0 has no Q requests of its own: they were remapped "
				  "('A' events) to 8,2 and then to 8,0 and are counted there; use --device 8,0"},
		{TRC_DEV(8, 2), "lvm.txt: device 8,2 has no Q requests of its own: they were remapped "
				"('A' events) to 8,0 and are counted there; use --device 8,0"},
	};
	for (size_t i = 0; i < 2; i++) {
		struct trc_opts o = BP;
		o.has_device = true;
		o.device = cases[i].dev;
		r = read_str("lvm.txt", lvm_text, &o);
		assert_int_equal(r->open_rc, 0);
		assert_int_equal(r->st, TRC_EBAD);
		assert_string_equal(r->error, cases[i].msg);
		free(r);
	}

	/* the dm device with Q events of its own (traced too): the pre-scan still picks the disk,
	 * through the partition that has none */
	const char *with_dm = L("253,0", "0", "1", "0.000000900", "9", "Q", "  W 2000 + 8 [mysqld]") "%s";
	char text[2048];
	snprintf(text, sizeof(text), with_dm, lvm_text);
	r = read_str("lvm2.txt", text, &BP);
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->n, 2);
	assert_int_equal(r->rec[0].dev, TRC_DEV(8, 0));
	assert_non_null(strstr(r->warnings, "chose 8,0: the others remap into it"));
	free(r);

	/* the same chain in a binary capture */
	uint8_t buf[1024];
	size_t n = 0;
	n += bt_remap(buf + n, 1000, 4000, DEV(8, 2), DEV(253, 0), 2000);
	n += bt_remap(buf + n, 1100, 6048, DEV(8, 0), DEV(8, 2), 4000);
	n += bt_rec(buf + n, 1200, 6048, 4096, ACT(C_WRITE | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	struct trc_opts o = {.has_device = true, .device = TRC_DEV(253, 0)};
	r = read_mem("lvm.blktrace.0", buf, n, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_non_null(strstr(r->error, "to 8,2 and then to 8,0 and are counted there; use --device 8,0"));
	free(r);
}

/* ---- empty, blank, header-only (notes) and summary-only files: no requests ---- */

static void test_no_requests(void **state)
{
	(void)state;
	static const char *const formats[] = {"blkparse", "blktrace", "msr", "spc", "fiu", "iolog"};
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct trc_opts o = {.format = formats[i]};
		struct read_result *r = read_str("empty", "", &o);
		if (r->open_rc)
			assert_string_equal(r->err, "empty: no requests");
		else
			assert_string_equal(r->error, "empty: no requests");
		free(r);
	}
	struct trc_opts io = {.format = "iolog"};
	struct read_result *r = read_str("hdr.log", "fio version 2 iolog\n/dev/sda add\n/dev/sda open\n", &io);
	assert_int_equal(r->st, TRC_EBAD);
	assert_string_equal(r->error, "hdr.log: no requests");
	free(r);

	/* blktrace: a file of process notes only, and an empty CPU file next to it */
	struct scratch sc;
	uint8_t buf[256];
	scratch_new(&sc);
	size_t n = bt_rec(buf, 0, 0, 0, ACT(C_NOTIFY, 0), 0, 0, (const uint8_t *)"fio\0\0\0\0\0", 8);
	write_file(scratch_path(&sc, "x.blktrace.0"), buf, n);
	write_file(scratch_path(&sc, "x.blktrace.1"), buf, 0);
	struct trc *t;
	char err[512];
	struct trc_rec rec;
	assert_int_equal(trc_open(&t, scratch_path(&sc, "x"), NULL, err, sizeof(err)), 0);
	assert_int_equal(trc_next(t, &rec), TRC_EBAD);
	char want[400];
	snprintf(want, sizeof(want), "%s/x: no requests", sc.dir);
	assert_string_equal(trc_error(t), want);
	trc_close(t);
	/* the empty CPU file by its name: the capture it belongs to (with no requests either) */
	assert_int_equal(trc_open(&t, scratch_path(&sc, "x.blktrace.1"), NULL, err, sizeof(err)), 0);
	assert_string_equal(trc_format_name(t), "blktrace");
	assert_int_equal(trc_next(t, &rec), TRC_EBAD);
	snprintf(want, sizeof(want), "%s/x.blktrace.1: no requests", sc.dir);
	assert_string_equal(trc_error(t), want);
	trc_close(t);
	write_file(scratch_path(&sc, "empty.bin"), buf, 0);
	assert_int_equal(trc_open(&t, sc.path, NULL, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s/empty.bin: no requests", sc.dir);
	assert_string_equal(err, want);
	scratch_rm(&sc);

	/* only the summary footer of blkparse, with CRLF line ends */
	r = read_str("sum.txt", "CPU0 (sda):\r\n Reads Queued:           0,        0KiB\r\n"
				"Total (sda):\r\nEvents (sda): 0 entries\r\n", NULL);
	assert_int_equal(r->open_rc, 0);
	assert_int_equal(r->st, TRC_EBAD);
	assert_string_equal(r->error, "sum.txt: no requests");
	free(r);
}

/* ---- CRLF, tabs, trailing blanks: read as the plain text ---- */

static void test_crlf_odd_whitespace(void **state)
{
	(void)state;
	const char *plain =
		"  8,0    0        1     0.000001000  1234  Q  WS 2048 + 16 [kworker/u8:2]\n"
		"  8,0    0        2     0.000002000  1234  G  WS 2048 + 16 [kworker/u8:2]\n"
		"  8,0    1        3     0.000003000    17  Q FWS [jbd2/sda1-8]\n"
		"  8,0    1        4     0.000004000    18  Q   R 4096 + 8 [my proc]\n"
		"CPU0 (sda):\n Reads Queued:           1,        4KiB\n";
	const char *odd =
		"\t8,0\t0\t1\t0.000001000\t1234\tQ\tWS\t2048\t+\t16\t[kworker/u8:2]  \r\n"
		"  8,0 0 2 0.000002000 1234 G WS 2048 + 16 [kworker/u8:2]\t\r\n"
		"\r\n"
		"  8,0  \t 1 3 0.000003000 17 Q FWS [jbd2/sda1-8] \t \r\n"
		" 8,0 1 4 0.000004000 18 Q R 4096  +  8 [my proc]\r\n"
		"CPU0 (sda):\r\n Reads Queued:           1,        4KiB\r\n";
	struct read_result *a = read_str("plain.txt", plain, NULL);
	struct read_result *b = read_str("odd.txt", odd, NULL);
	assert_int_equal(a->st, TRC_EOF);
	assert_int_equal(b->st, TRC_EOF);
	assert_string_equal(b->format, "blkparse");
	assert_int_equal(a->n, 3);
	assert_int_equal(b->n, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(a->rec[i].time_ns, b->rec[i].time_ns);
		assert_int_equal(a->rec[i].sector, b->rec[i].sector);
		assert_int_equal(a->rec[i].nsect, b->rec[i].nsect);
		assert_int_equal(a->rec[i].flags, b->rec[i].flags);
		assert_string_equal(a->rec[i].comm, b->rec[i].comm);
	}
	assert_string_equal(b->rec[2].comm, "my proc");
	assert_int_equal(b->pos[2].line, 5);
	assert_string_equal(b->counts.skipped_unit, "lines");
	free(a);
	free(b);

	/* an unknown action in such a line is still found at its field; --lenient skips it */
	const char *bad = "  8,0 0 1 0.000001000 1 Q R 8 + 8 [a]\r\n\t8,0\t0\t2\t0.000002000\t1\tK\tR\t8\t+\t8\t[a]\r\n"
			  "  8,0 0 3 0.000003000 1 Q R 16 + 8 [a]\r\n";
	struct read_result *r = read_str("k.txt", bad, &BP);
	assert_int_equal(r->st, TRC_EBAD);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->end_pos.line, 2);
	assert_non_null(strstr(r->error, "k.txt:2: field 6 (action): expected an action (Q, G, I, D, C, M, F, "
					 "A, X, P, U, UT, S, R, B or m), got 'K'"));
	free(r);
	struct trc_opts o = BP;
	o.lenient = true;
	r = read_all("k.txt", bad, &o);
	EXPECT_SKIPPED(r, 2, 1, line, 2);
	free(r);
}

/* ---- binary: ranges past 2^64 bytes, time going back ---- */

static void test_binary_range_and_time(void **state)
{
	(void)state;
	uint8_t buf[512];
	size_t n = 0;
	n += bt_rec(buf + n, 1000, 8, 4096, ACT(C_READ | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	n += bt_rec(buf + n, 2000, UINT64_MAX - 3, 4096, ACT(C_READ | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	struct read_result *r = read_mem("wrap.bin", buf, n, NULL);
	assert_int_equal(r->st, TRC_EBAD);
	assert_int_equal(r->n, 1);
	assert_int_equal(r->end_pos.offset, 48);
	assert_string_equal(r->error, "wrap.bin: offset 0x30: sector range 18446744073709551612 + 8 ends past 2^64 bytes");
	free(r);

	/* a record 2 back with a window of 1: an error at its offset */
	n = 0;
	n += bt_rec(buf + n, 1000, 8, 4096, ACT(C_READ | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	n += bt_rec(buf + n, 5000, 16, 4096, ACT(C_READ | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	n += bt_rec(buf + n, 6000, 24, 4096, ACT(C_READ | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	n += bt_rec(buf + n, 2000, 32, 4096, ACT(C_READ | C_QUEUE | C_FS, A_Q), DEV(8, 0), 0, NULL, 0);
	struct trc_opts o = {.window = 1};
	r = read_mem("back.bin", buf, n, &o);
	assert_int_equal(r->st, TRC_EBAD);
	assert_int_equal(r->n, 3); /* the records read before it are handed out first */
	assert_int_equal(r->end_pos.offset, 0x90);
	assert_string_equal(r->error, "back.bin: offset 0x90: time 0.000001000 s goes back before 0.000004000 s, "
				      "a record 1 or more records back (--lenient skips it)");
	free(r);
}

CM_MAIN(UT(test_c_only), UT(test_device_other_events), UT(test_barriers), UT(test_clock_jump),
	UT(test_prescan_linear), UT(test_many_cpus_one_missing), UT(test_remap_chain),
	UT(test_no_requests), UT(test_crlf_odd_whitespace), UT(test_binary_range_and_time));
