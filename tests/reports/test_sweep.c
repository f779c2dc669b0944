// SPDX-License-Identifier: GPL-2.0
/* test_sweep.c - the sweep executor with a stand-in simulation: resume, failures, interruption. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "engine/assert.h"
#include "reports/db.h"
#include "reports/sweep.h"
#include "tests/lib/rep_fixture.h"
#include "tests/lib/test_main.h"

#define NJOBS 12

/* The fixture's priv: the sweep's jobs (block sizes 8, 16, 32, ... 16384) and its trace. */
struct sweep_fx {
	struct rep_sweep_job jobs[NJOBS];
	struct sim_trace_desc t;
};

/* Stand-ins for sim_run, chosen by block size: 8 crashes (a signal), 16 is refused, 32 fails,
 * 64 hits an internal error (ASSERT: exit 3), 128 is killed (SIGKILL, as the OOM killer does). */
static int fake_run(const struct sim_config *cfg, struct sim_result *res, char *err, size_t errlen)
{
	fx_result(res, (double)cfg->engine.block_size / 1024.0, 4);
	fprintf(stderr, "worker bs %lu: a warning\n", cfg->engine.block_size);
	if (cfg->engine.block_size == 8) {
		fprintf(stderr, "worker bs 8: last words\n");
		abort();
	}
	ASSERT(cfg->engine.block_size != 64);
	if (cfg->engine.block_size == 128)
		kill(getpid(), SIGKILL);
	if (cfg->engine.block_size == 16) {
		snprintf(err, errlen, "cache smaller than 16 blocks");
		return -EINVAL;
	}
	if (cfg->engine.block_size == 32) {
		snprintf(err, errlen, "t.txt:3: bad record");
		return -EIO;
	}
	return 0;
}

static int slow_run(const struct sim_config *cfg, struct sim_result *res, char *err, size_t errlen)
{
	struct timespec ts = {0, 150 * 1000000L};

	nanosleep(&ts, NULL);
	(void)err;
	(void)errlen;
	fx_result(res, (double)cfg->engine.block_size / 1024.0, 4);
	return 0;
}

static int setup(void **state)
{
	struct sweep_fx *sw = calloc(1, sizeof(*sw));
	struct fx *f;

	fx_setup(state);
	f = *state;
	f->priv = sw;
	for (int i = 0; i < NJOBS; i++) {
		fx_config(&sw->jobs[i].cfg, f->trace, 8UL << i, 4, CACHE_MODE_WRITEBACK, "1G");
		assert_int_equal(rep_config_key(&sw->jobs[i].cfg, sw->jobs[i].key, sizeof(sw->jobs[i].key)),
				 0);
		snprintf(sw->jobs[i].label, sizeof(sw->jobs[i].label), "bs %lu", 8UL << i);
	}
	assert_int_equal(sim_trace_identify(f->trace, NULL, &sw->t, f->err, sizeof(f->err)), 0);
	return 0;
}

static void test_runs_and_resumes(void **state)
{
	struct fx *f = *state;
	struct sweep_fx *sw = f->priv;
	struct rep_db *db;
	struct rep_sweep_stats st;
	struct rep_sweep_opts o = {.jobs = 3, .sweep_id = "s-test", .trace = &sw->t, .run = fake_run};

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_db_record_sweep(db, "s-test", &sw->t, "test", NJOBS, f->err, sizeof(f->err)),
			 0);
	assert_int_equal(rep_sweep_execute(db, sw->jobs, NJOBS, &o, &st, f->err, sizeof(f->err)), 0);
	assert_int_equal(st.total, NJOBS);
	assert_int_equal(st.already, 0);
	assert_int_equal(st.ok, NJOBS - 5);
	assert_int_equal(st.invalid, 1);
	assert_int_equal(st.failed, 4);
	assert_int_equal(st.crashed, 3);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs WHERE status='failed' AND error = "
				      "'worker killed by signal 9 (Killed): worker bs 128: a warning'"),
			 1);
	/* A signal: its name and the worker's last line on stderr. */
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs WHERE status='failed' AND error = "
				      "'worker killed by signal 6 (Aborted): worker bs 8: last words'"),
			 1);
	/* An internal error: the line ASSERT printed, as it printed it. */
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs WHERE status='failed' AND error LIKE "
				      "'internal error at tests/reports/test_sweep.c:%: "
				      "cfg->engine.block_size != 64 (please report)'"),
			 1);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs WHERE status='failed' AND error LIKE "
				      "'%bad record%'"),
			 1);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM series"), 4 * (NJOBS - 5));
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs WHERE sweep_id='s-test'"), NJOBS);

	/* Again: only the four failed configurations run (and fail again). */
	assert_int_equal(rep_sweep_execute(db, sw->jobs, NJOBS, &o, &st, f->err, sizeof(f->err)), 0);
	assert_int_equal(st.already, NJOBS - 4);
	assert_int_equal(st.failed, 4);
	assert_int_equal(st.ok, 0);
	rep_db_close(db);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs WHERE status='ok'"), NJOBS - 5);
	assert_int_equal(fx_q_int(f->db, "SELECT count(DISTINCT config_key) FROM runs WHERE status='ok'"),
			 NJOBS - 5);
}

/* SIGINT from another process mid-sweep: -EINTR, only whole runs recorded, then resume. */
static void test_interrupt_then_resume(void **state)
{
	struct fx *f = *state;
	struct sweep_fx *sw = f->priv;
	struct rep_db *db;
	struct rep_sweep_stats st, st2;
	struct rep_sweep_opts o = {.jobs = 2, .trace = &sw->t, .run = slow_run};
	pid_t me = getpid(), killer;
	int64_t recorded;

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	killer = fork();
	if (killer == 0) {
		struct timespec ts = {0, 400 * 1000000L};

		nanosleep(&ts, NULL);
		kill(me, SIGINT);
		_exit(0);
	}
	assert_int_equal(rep_sweep_execute(db, sw->jobs, NJOBS, &o, &st, f->err, sizeof(f->err)),
			 -EINTR);
	waitpid(killer, NULL, 0);
	recorded = fx_q_int(f->db, "SELECT count(*) FROM runs");
	assert_true(recorded >= 1 && recorded < NJOBS);
	assert_int_equal(recorded, st.ok);
	assert_true(st.lost <= 2);
	/* Every recorded run is whole. */
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM results"), recorded);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM series"), 4 * recorded);

	o.jobs = 4;
	assert_int_equal(rep_sweep_execute(db, sw->jobs, NJOBS, &o, &st2, f->err, sizeof(f->err)), 0);
	assert_int_equal(st2.already, recorded);
	assert_int_equal(st2.ok, NJOBS - recorded);
	rep_db_close(db);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs"), NJOBS);
	assert_int_equal(fx_q_int(f->db, "SELECT count(DISTINCT config_key) FROM runs"), NJOBS);
}

/* The database refuses a write (another process holds the lock): the sweep stops with -EBUSY. */
static void test_db_error_stops(void **state)
{
	struct fx *f = *state;
	struct sweep_fx *sw = f->priv;
	struct rep_db *db;
	struct rep_sweep_stats st;
	struct rep_sweep_opts o = {.jobs = 2, .trace = &sw->t, .run = slow_run};
	sqlite3 *holder;

	setenv("SSDCACHE_DB_TIMEOUT_MS", "100", 1);
	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	assert_int_equal(sqlite3_open(f->db, &holder), SQLITE_OK);
	assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(rep_sweep_execute(db, sw->jobs, NJOBS, &o, &st, f->err, sizeof(f->err)), -EBUSY);
	assert_non_null(strstr(f->err, "locked"));
	sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(holder);
	rep_db_close(db);
	unsetenv("SSDCACHE_DB_TIMEOUT_MS");
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs"), 0);
}

/* A real simulation that fails when it opened a trace file itself: the workers of a sweep given
 * the mapped .sct read the shared pages, never the file (traces/reader.h's counting hook). */
static int mapped_run(const struct sim_config *cfg, struct sim_result *res, char *err,
		      size_t errlen)
{
	uint64_t opens = trc_io_counts.opens;
	int rc = sim_run(cfg, res, err, errlen);

	if (!rc && trc_io_counts.opens != opens) {
		snprintf(err, errlen, "the worker opened the trace file");
		return -EIO;
	}
	return rc;
}

static void test_workers_share_the_mapping(void **state)
{
	struct fx *f = *state;
	struct sweep_fx *sw = f->priv;
	struct rep_db *db;
	struct rep_sweep_stats st;
	struct sim_trace_desc id;
	struct trc_opts sct = {.format = "sct"};
	struct trc_counts counts;
	char sct_path[320], fmt[16];
	struct stat sb;
	void *map;
	int fd;

	snprintf(sct_path, sizeof(sct_path), "%s/t.sct", f->dir);
	assert_int_equal(sim_trace_convert(f->trace, NULL, sct_path, &counts, fmt, sizeof(fmt), NULL,
					   &id, f->err, sizeof(f->err)),
			 0);
	assert_string_equal(id.fingerprint, sw->t.fingerprint); /* the source's, not the copy's */
	fd = open(sct_path, O_RDONLY);
	assert_true(fd >= 0 && fstat(fd, &sb) == 0);
	map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	assert_true(map != MAP_FAILED);

	struct rep_sweep_opts o = {.jobs = 2, .trace = &sw->t, .run = mapped_run,
				   .run_trace_path = sct_path, .run_trace_opts = &sct,
				   .run_trace_mem = map, .run_trace_mem_len = (size_t)sb.st_size};

	assert_int_equal(rep_db_open(f->db, &db, f->err, sizeof(f->err)), 0);
	assert_int_equal(rep_sweep_execute(db, sw->jobs, 4, &o, &st, f->err, sizeof(f->err)), 0);
	assert_int_equal(st.ok, 4);
	/* Without the mapping every worker reads the file: the same check fails. */
	o.run_trace_mem = NULL;
	o.run_trace_mem_len = 0;
	assert_int_equal(rep_sweep_execute(db, sw->jobs + 4, 2, &o, &st, f->err, sizeof(f->err)), 0);
	assert_int_equal(st.failed, 2);
	rep_db_close(db);
	munmap(map, (size_t)sb.st_size);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs WHERE status = 'ok'"), 4);
	assert_int_equal(fx_q_int(f->db, "SELECT count(*) FROM runs WHERE error LIKE '%opened the trace%'"), 2);
}

#define T(test) cmocka_unit_test_setup_teardown(test, setup, fx_teardown)
TEST_MAIN(NULL, NULL, T(test_runs_and_resumes), T(test_interrupt_then_resume),
	  T(test_db_error_stops), T(test_workers_share_the_mapping))
