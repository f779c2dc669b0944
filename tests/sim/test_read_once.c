// SPDX-License-Identifier: GPL-2.0
/* test_read_once.c - `run --db` opens and reads its trace once (traces/reader.h's counting hook):
 * blkparse text (read through the buffer, and mapped) and .sct, with and without --device; the
 * results store reads nothing. (blktrace binary is not here yet: its reader opens its stream
 * files itself after the format probe's open, traces/blktrace.c.) */
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

struct fx {
	char dir[64], text[96], big[96], sct[96], db[96];
};

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

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_read_once.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->text, sizeof(f->text), "%s/t.blkparse.txt", f->dir);
	snprintf(f->big, sizeof(f->big), "%s/big.blkparse.txt", f->dir);
	snprintf(f->sct, sizeof(f->sct), "%s/t.sct", f->dir);
	snprintf(f->db, sizeof(f->db), "%s/r.db", f->dir);
	write_text(f->text, 2000);
	write_text(f->big, 40000); /* > 1 MiB: the reader maps it instead of reading it */
	assert_int_equal(sim_trace_convert(f->text, NULL, f->sct, NULL, NULL, 0, NULL, NULL, err,
					   sizeof(err)), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
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
	struct stat sb;
	char err[1024];
	unsigned ma, mi;

	assert_int_equal(stat(trace, &sb), 0);
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
	if (after_run.opens - before.opens != 1 || after_run.bytes - before.bytes != (uint64_t)sb.st_size)
		fail_msg("%s (--device %s): %llu opens, %llu bytes read of %llu", trace,
			 device ? device : "none", (unsigned long long)(after_run.opens - before.opens),
			 (unsigned long long)(after_run.bytes - before.bytes),
			 (unsigned long long)sb.st_size);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blkparse),
		cmocka_unit_test(test_sct),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
