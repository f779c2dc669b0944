// SPDX-License-Identifier: GPL-2.0
/*
 * test_dev_counters.c - a device model's counters come from its table alone: a fake model that
 * declares two counters sees them in the text summary, the --json document and the database,
 * though no code outside its table names them; the warm-up's difference and the table check.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reports/db.h"
#include "sim/cli/summary.h"
#include "sim/device.h"
#include "tests/lib/rep_fixture.h"
#include "tests/lib/test_main.h"

struct fake_priv {
	uint64_t widgets;     /* a count */
	uint64_t gizmo_slots; /* bytes, in 512-byte units */
};

static const struct dev_counter fake_counters[] = {
	{.name = "widgets", .unit = "", .kind = DEV_C_COUNT, .help = "widgets turned",
	 .off = offsetof(struct fake_priv, widgets), .text = "%s widgets turned",
	 .flags = DEV_CF_SUMMARY},
	{.name = "gizmo_bytes", .unit = "bytes", .kind = DEV_C_BYTES, .help = "gizmo bytes",
	 .off = offsetof(struct fake_priv, gizmo_slots), .scale = 512,
	 .text = "gizmos %s bytes", .flags = DEV_CF_SUMMARY},
	{.name = NULL},
};

static enum dev_q_result fake_submit(struct dev *d, struct dev_io *io, uint64_t now_ns)
{
	struct fake_priv *p = d->priv;

	p->widgets++;
	p->gizmo_slots += io->nsect;
	io->done_ns = now_ns + 1000;
	return DEV_Q_COMPLETED;
}

/* Only what the counters need: dev_get_stats reads them, dev_counters_check checks them. */
static const struct dev_ops fake_ops = {
	.name = "fake", .help = "a test's", .ordering = "FIFO", .priv_size = sizeof(struct fake_priv), .submit = fake_submit,
	.counters = fake_counters,
};

/* A device of the fake model as dev_create makes one (the model is not in the registry). */
static void fake_dev(struct dev *d, struct fake_priv *p, unsigned ios)
{
	memset(d, 0, sizeof(*d));
	memset(p, 0, sizeof(*p));
	d->ops = &fake_ops;
	d->priv = p;
	d->first_ns = UINT64_MAX;
	snprintf(d->spec, sizeof(d->spec), "fake");
	for (unsigned i = 0; i < ios; i++) {
		struct dev_io io = {.op = DEV_WRITE, .sector = i * 8, .nsect = 8};

		assert_int_equal(dev_submit(d, &io, i * 2000), DEV_Q_COMPLETED);
		dev_account_complete(d, &io, io.done_ns);
	}
}

/* A printed document into a string (caller frees). */
static char *printed(void (*fn)(FILE *, const struct sim_config *, const struct sim_result *),
		     const struct sim_config *cfg, const struct sim_result *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	fn(fp, cfg, res);
	assert_int_equal(fclose(fp), 0);
	return buf;
}

static void test_values_from_the_table(void **state)
{
	struct dev d;
	struct fake_priv p;
	struct dev_stats st, early;
	char line[256], err[128];

	(void)state;
	assert_int_equal(dev_counters_check(&fake_ops, err, sizeof(err)), 0);
	fake_dev(&d, &p, 3);
	dev_get_stats(&d, 10000, &early);
	fake_dev(&d, &p, 7);
	dev_get_stats(&d, 20000, &st);
	assert_ptr_equal(st.ctab, fake_counters);
	assert_int_equal(dev_counter_count(st.ctab), 2);
	assert_int_equal(dev_stats_get(&st, "widgets"), 7);
	assert_int_equal(dev_stats_get(&st, "gizmo_bytes"), 7 * 8 * 512); /* scaled */
	assert_int_equal(dev_stats_get(&st, "gc_runs"), 0); /* not this model's */
	assert_true(dev_counters_line(&st, DEV_CF_SUMMARY, line, sizeof(line)));
	assert_string_equal(line, "7 widgets turned, gizmos 28672 bytes");
	/* `models MODEL` lists the table */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&buf, &len);

		assert_non_null(fp);
		dev_print_model(&fake_ops, fp);
		assert_int_equal(fclose(fp), 0);
		assert_non_null(strstr(buf, "  counters:\n    widgets              count             "
					    "widgets turned\n    gizmo_bytes          bytes             "));
		free(buf);
	}
	/* the warm-up's difference: counter by counter */
	dev_counters_sub(&st, &early);
	assert_int_equal(dev_stats_get(&st, "widgets"), 4);
	assert_int_equal(dev_stats_get(&st, "gizmo_bytes"), 4 * 8 * 512);
	/* all zero: no line */
	dev_counters_sub(&st, &st);
	assert_false(dev_counters_line(&st, DEV_CF_SUMMARY, line, sizeof(line)));
	assert_string_equal(line, "");
}

static void test_reach_summary_json_and_db(void **state)
{
	struct sim_config cfg;
	struct sim_result res;
	struct dev d;
	struct fake_priv p;
	struct rep_db *db;
	char dir[256], trace[300], path[300], err[512];
	char *text, *json;

	(void)state;
	fx_mkdtemp(dir, sizeof(dir));
	snprintf(trace, sizeof(trace), "%s/t.blkparse.txt", dir);
	snprintf(path, sizeof(path), "%s/r.db", dir);
	fx_write_file(trace, FX_TRACE_TEXT);
	fx_config(&cfg, trace, 64, 4, CACHE_MODE_WRITEBACK, "1G");
	fx_result(&res, 0.5, 0);
	fake_dev(&d, &p, 5);
	dev_get_stats(&d, 20000, &res.cache_dev);
	res.devices_modelled = true;

	text = printed(sim_print_summary, &cfg, &res);
	assert_non_null(strstr(text, "\n         5 widgets turned, gizmos 20480 bytes\n"));
	free(text);

	json = printed(sim_print_json, &cfg, &res);
	assert_non_null(strstr(json, ",\"widgets\":5,\"gizmo_bytes\":20480,"));
	/* the registered models' keys too, 0 for this model: a device object has one shape */
	assert_non_null(strstr(json, "\"gc_runs\":0"));
	assert_non_null(strstr(json, "\"seek_mean_cylinders\":0"));
	free(json);

	assert_int_equal(rep_db_open(path, &db, err, sizeof(err)), 0);
	if (rep_db_record_run(db, &cfg, &res, err, sizeof(err)))
		fail_msg("record: %s", err);
	rep_db_close(db);
	assert_int_equal(fx_q_int(path, "SELECT value FROM device_counters WHERE device = 'cache' "
					"AND name = 'widgets'"),
			 5);
	assert_int_equal(fx_q_int(path, "SELECT value FROM device_counters WHERE device = 'cache' "
					"AND name = 'gizmo_bytes' AND unit = 'bytes'"),
			 20480);
	/* only the model's own: the fixed target has none */
	assert_int_equal(fx_q_int(path, "SELECT count(*) FROM device_counters"), 2);
	fx_result_free(&res);
	fx_rmdir(dir);
}

/* A table the core cannot read is refused when a device is made, with the counter named. */
static void test_bad_tables_refused(void **state)
{
	static const struct dev_counter bad_ratio[] = {
		{.name = "a", .unit = "", .help = "a", .kind = DEV_C_COUNT},
		{.name = "r", .unit = "", .help = "r", .kind = DEV_C_RATIO, .num = 0, .den = 5},
		{.name = NULL},
	};
	static const struct dev_counter bad_name[] = {
		{.name = "Has Space", .unit = "", .help = "x", .kind = DEV_C_COUNT},
		{.name = NULL},
	};
	static const struct dev_counter bad_off[] = {
		{.name = "far", .unit = "", .help = "x", .kind = DEV_C_COUNT, .off = 4096},
		{.name = NULL},
	};
	static const struct dev_counter bad_text[] = {
		{.name = "t", .unit = "", .help = "x", .kind = DEV_C_COUNT, .text = "%d things"},
		{.name = NULL},
	};
	struct dev_ops o = fake_ops;
	char err[160];

	(void)state;
	o.counters = bad_ratio;
	assert_int_equal(dev_counters_check(&o, err, sizeof(err)), -EINVAL);
	assert_string_equal(err,
			    "fake: counter 2 (r): expected a ratio of two counters of the table");
	o.counters = bad_name;
	assert_int_equal(dev_counters_check(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "counter 1 (Has Space): expected a name of [a-z0-9_]"));
	o.counters = bad_off;
	assert_int_equal(dev_counters_check(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expected an offset inside the model's state"));
	o.counters = bad_text;
	assert_int_equal(dev_counters_check(&o, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "expected a phrase with one %s"));
}

/* Every registered model's table passes the check (dev_create refuses a model whose fails). */
static void test_registered_tables_valid(void **state)
{
	char err[160];

	(void)state;
	for (int i = 0; dev_registry[i]; i++)
		if (dev_counters_check(dev_registry[i], err, sizeof(err)))
			fail_msg("%s", err);
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_values_from_the_table),
	  cmocka_unit_test(test_reach_summary_json_and_db), cmocka_unit_test(test_bad_tables_refused),
	  cmocka_unit_test(test_registered_tables_valid))
