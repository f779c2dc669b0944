// SPDX-License-Identifier: GPL-2.0
/* test_read_once.c - `run --db` opens and reads its trace once (traces/reader.h's counting hook):
 * blkparse text (read through the buffer, and mapped), .sct and blktrace binary (a per-CPU
 * capture named by NAME or by one CPU's file, and one merged file; read through the buffer, and
 * mapped), with and without --device: each file is opened once and its bytes read once, and the
 * results store reads nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/db.h"
#include "sim/trace_desc.h"
#include "tests/lib/cm_main.h"
#include "tests/lib/tmpdir.h"

struct fx {
	char dir[256], text[320], big[320], sct[320], db[320];
	char cap[320], cap0[320], capbig[320], capempty[320], merged[320], mergedbig[320];
};

/* One blktrace record (struct blk_io_trace, little-endian, no payload). */
static void put_bt(FILE *f, uint32_t seq, uint64_t ns, uint64_t sector, uint32_t action,
		   uint32_t cpu)
{
	uint8_t r[48] = {0};
	uint64_t v[] = {0x65617407u, seq, ns, sector, 4096, action, 100, 8u << 20, cpu, 0};
	const int at[] = {0, 4, 8, 16, 24, 28, 32, 36, 40, 44}, len[] = {4, 4, 8, 8, 4, 4, 4, 4, 4, 4};

	for (int k = 0; k < 10; k++)
		for (int b = 0; b < len[k]; b++)
			r[at[k] + b] = (uint8_t)(v[k] >> (8 * b));
	assert_int_equal(fwrite(r, sizeof(r), 1, f), 1);
}

/* requests Q, D, C of 8,0: queued and issued on CPU 0, completed on CPU 1 (both into one file
 * when merged); NAME.blktrace.0 and .1, or NAME itself. */
static void write_blktrace(const char *name, int requests, bool merged)
{
	char p[352];
	FILE *f[2];

	for (int c = 0; c < 2; c++) {
		snprintf(p, sizeof(p), "%s.blktrace.%d", name, c);
		f[c] = merged && c ? f[0] : fopen(merged ? name : p, "w");
		assert_non_null(f[c]);
	}
	for (int i = 0; i < requests; i++) {
		uint64_t ns = (uint64_t)i * 100000, sector = (uint64_t)(i * 7919 % 4096) * 8;
		uint32_t cat = i % 3 ? 1u << 16 : 2u << 16; /* BLK_TC_READ or BLK_TC_WRITE */
		put_bt(f[0], 2 * i + 1, ns, sector, cat | 1, 0);         /* Q */
		put_bt(f[0], 2 * i + 2, ns + 1000, sector, cat | 7, 0);  /* D */
		put_bt(f[1], i + 1, ns + 50000, sector, cat | 8, 1);     /* C */
	}
	assert_int_equal(fclose(f[0]), 0);
	if (!merged)
		assert_int_equal(fclose(f[1]), 0);
}

/* The bytes of the files trace stands for (a capture NAME: its CPU files). */
static uint64_t trace_bytes(const char *trace, unsigned *files)
{
	struct stat sb;
	char p[352];

	*files = 1;
	if (stat(trace, &sb) == 0 && !strstr(trace, ".blktrace."))
		return (uint64_t)sb.st_size;
	const char *dot = strstr(trace, ".blktrace.");
	int plen = dot ? (int)(dot - trace) : (int)strlen(trace);
	uint64_t total = 0;
	*files = 0;
	for (int c = 0;; c++) {
		snprintf(p, sizeof(p), "%.*s.blktrace.%d", plen, trace, c);
		if (stat(p, &sb))
			return total;
		total += (uint64_t)sb.st_size;
		++*files;
	}
}

static void write_text(const char *path, int lines)
{
	FILE *t = fopen(path, "w");

	assert_non_null(t);
	for (int i = 0; i < lines; i++)
		fprintf(t, "8,0 0 %d %d.%09d 1 Q %c %d + 8 [x]\n", i + 1, i / 1000,
			(i % 1000) * 1000000, i % 3 ? 'R' : 'W', (i * 7919) % 4096 * 8);
	assert_int_equal(fclose(t), 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char err[512];

	fx_mkdtemp(f->dir, sizeof(f->dir));
	snprintf(f->text, sizeof(f->text), "%s/t.blkparse.txt", f->dir);
	snprintf(f->big, sizeof(f->big), "%s/big.blkparse.txt", f->dir);
	snprintf(f->sct, sizeof(f->sct), "%s/t.sct", f->dir);
	snprintf(f->db, sizeof(f->db), "%s/r.db", f->dir);
	write_text(f->text, 2000);
	write_text(f->big, 40000); /* > 1 MiB: the reader maps it instead of reading it */
	snprintf(f->cap, sizeof(f->cap), "%s/cap", f->dir);
	snprintf(f->cap0, sizeof(f->cap0), "%s/cap.blktrace.0", f->dir);
	snprintf(f->capbig, sizeof(f->capbig), "%s/capbig", f->dir);
	snprintf(f->merged, sizeof(f->merged), "%s/merged.bin", f->dir);
	snprintf(f->mergedbig, sizeof(f->mergedbig), "%s/mergedbig.bin", f->dir);
	write_blktrace(f->cap, 500, false);
	write_blktrace(f->capbig, 30000, false); /* CPU 0's 2.9 MB and CPU 1's 1.4 MB are mapped */
	snprintf(f->capempty, sizeof(f->capempty), "%s/cape", f->dir);
	write_blktrace(f->capempty, 500, false);
	char empty[352];
	snprintf(empty, sizeof(empty), "%s.blktrace.2", f->capempty);
	FILE *e = fopen(empty, "w"); /* a CPU's empty file: opened once too (nothing to map) */
	assert_non_null(e);
	assert_int_equal(fclose(e), 0);
	write_blktrace(f->merged, 500, true);
	write_blktrace(f->mergedbig, 30000, true);
	assert_int_equal(sim_trace_convert(f->text, NULL, f->sct, NULL, NULL, 0, NULL, NULL, err,
					   sizeof(err)), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	fx_rmdir(f->dir);
	free(f);
	return 0;
}

/* What `run TRACE [--device D] --db DB` does; the counts of the run and of the store. */
static void run_db(struct fx *f, const char *trace, const char *device)
{
	struct trc_io_counts before = trc_io_counts, after_run;
	struct rep_db *db;
	struct sim_config cfg;
	struct sim_result res;
	char err[1024];
	unsigned ma, mi, files;
	uint64_t size = trace_bytes(trace, &files);

	sim_config_init(&cfg);
	cfg.trace_path = trace;
	snprintf(cfg.target_spec, sizeof(cfg.target_spec), "fixed:size=8T,read=5ms,write=5ms");
	cfg.explain_misses = false;
	cfg.describe_trace = true; /* cmd_run.c: --db */
	if (device) {
		assert_int_equal(sscanf(device, "%u,%u", &ma, &mi), 2);
		cfg.trace.has_device = true;
		cfg.trace.device = TRC_DEV(ma, mi);
	}
	if (sim_run(&cfg, &res, err, sizeof(err)))
		fail_msg("%s: %s", trace, err);
	after_run = trc_io_counts;
	if (after_run.opens - before.opens != files || after_run.bytes - before.bytes != size)
		fail_msg("%s (--device %s): %llu opens of %u files, %llu bytes read of %llu", trace,
			 device ? device : "none", (unsigned long long)(after_run.opens - before.opens),
			 files, (unsigned long long)(after_run.bytes - before.bytes),
			 (unsigned long long)size);
	assert_true(res.requests > 0);
	assert_int_equal(strncmp(res.trace_fingerprint, "t1-", 3), 0);
	assert_non_null(res.trace_stats_json);
	assert_int_equal(rep_db_open(f->db, &db, err, sizeof(err)), 0);
	if (rep_db_record_run(db, &cfg, &res, err, sizeof(err)))
		fail_msg("record: %s", err);
	rep_db_close(db);
	assert_int_equal(trc_io_counts.opens, after_run.opens); /* the store read nothing */
	assert_int_equal(trc_io_counts.bytes, after_run.bytes);

	/* the fingerprint of the one pass is the fingerprint of a pass of its own */
	struct sim_trace_desc id;
	assert_int_equal(sim_trace_identify(trace, &cfg.trace, &id, err, sizeof(err)), 0);
	assert_string_equal(id.fingerprint, res.trace_fingerprint);
	sim_result_free(&res);
}

static void test_blkparse(void **state)
{
	struct fx *f = *state;

	run_db(f, f->text, NULL); /* the device pre-scan reads the reader's own input */
	run_db(f, f->text, "8,0");
	run_db(f, f->big, NULL);
	run_db(f, f->big, "8,0");
}

static void test_sct(void **state)
{
	struct fx *f = *state;

	run_db(f, f->sct, NULL);
	run_db(f, f->sct, "8,0");
}

static void test_blktrace(void **state)
{
	struct fx *f = *state;
	const char *traces[] = {f->cap, f->cap0, f->capbig, f->capempty, f->merged, f->mergedbig};

	for (size_t i = 0; i < sizeof(traces) / sizeof(traces[0]); i++) {
		run_db(f, traces[i], NULL); /* the pre-scan reads views of the reader's streams */
		run_db(f, traces[i], "8,0");
	}
}

TEST_MAIN(setup, teardown, UT(test_blkparse), UT(test_sct), UT(test_blktrace));
