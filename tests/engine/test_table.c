// SPDX-License-Identifier: GPL-2.0
/* test_table.c - the constructor's arguments (docs/engine.md §7.3), refusals, and the STATUS lines byte for byte (7.1, 7.2). */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "engine/engine.h"
#include "policies/policy.h"
#include "tests/lib/cm_main.h"
#include "tests/lib/in_msg.h"

static unsigned long zero_jiffies(void *host)
{
	(void)host;
	return 0;
}

static const struct ssdcache_host_ops dummy_ops = {.jiffies = zero_jiffies};

static int warnings;
static char last_warning[256];

static void count_warn(void *arg, const char *msg)
{
	(void)arg;
	warnings++;
	strncpy(last_warning, msg, sizeof(last_warning) - 1);
}

static int parse(struct ssdcache_config *cfg, quirk_set fixed, const char *table, char *err)
{
	ssdcache_config_init(cfg);
	cfg->fixed = fixed;
	warnings = 0;
	return ssdcache_parse_table(cfg, table, err, 256, count_warn, NULL);
}

static void table_line(const char *table, quirk_set fixed, char *out)
{
	struct ssdcache_config cfg;
	struct ssdcache_wq *wq = ssdcache_wq_create(&dummy_ops, NULL);
	struct ssdcache_ctx *sc;
	char err[256];

	assert_int_equal(parse(&cfg, fixed, table, err), 0);
	assert_int_equal(ssdcache_ctr(&cfg, 2ULL << 30, wq, &sc, err, sizeof(err)), 0);
	ssdcache_status(sc, STATUSTYPE_TABLE, out, 512, "8:16", "8:32");
	ssdcache_dtr(sc);
	ssdcache_wq_destroy(wq);
}

/* table, parsed in the seed's mode, gives these settings. */
static void expect_config(const char *table, unsigned long bs, unsigned assoc, int mode,
			  const struct pol_ops *policy)
{
	struct ssdcache_config cfg;
	char err[256];

	assert_int_equal(parse(&cfg, 0, table, err), 0);
	assert_int_equal(cfg.block_size, bs);
	assert_int_equal(cfg.options.assoc, assoc);
	assert_int_equal(cfg.options.mode, mode);
	assert_ptr_equal(cfg.policy, policy);
}

static void test_defaults(void **state)
{
	char line[512];
	(void)state;
	expect_config("", 256, 4, CACHE_MODE_WRITETHROUGH, &pol_lfu);
	table_line("", 0, line);
	assert_string_equal(line, "8:16 8:32 blocksize 256 writethrough assoc 4");
}

static void test_keywords(void **state)
{
	struct ssdcache_config cfg;
	char err[256], line[512];
	(void)state;
	/* any order, case-insensitive, last value wins */
	expect_config("WriteBack assoc 2 BLOCKSIZE 64 blocksize 128 readcache writeback", 128, 2,
		      CACHE_MODE_WRITEBACK, &pol_lfu);
	/* docs/engine.md §7.2's example, trailing space included */
	table_line("blocksize 128 writeback assoc 2 options 2 lru queue_busy", 0, line);
	assert_string_equal(line, "8:16 8:32 blocksize 128 writeback assoc 2 options 2 lru queue_busy ");
	/* the fixed print order; lfu (the default) never printed */
	table_line("options 5 cmd_preload evict_on_write lfu skip_write_insert disable_writeback", 0, line);
	assert_string_equal(line, "8:16 8:32 blocksize 256 writethrough assoc 4 options 4 disable_writeback "
				  "skip_write_insert evict_on_write cmd_preload ");
	table_line("readcache options 2 async_lookup LRU", 0, line);
	assert_string_equal(line, "8:16 8:32 blocksize 256 readcache assoc 4 options 2 lru async_lookup ");
	assert_int_equal(parse(&cfg, 0, "options 0 assoc 0", err), 0);
	assert_int_equal(cfg.options.assoc, 0);
	/* %d into an unsigned: printed back with %d */
	assert_int_equal(parse(&cfg, 0, "assoc 64", err), 0);
	table_line("assoc 64", 0, line);
	assert_string_equal(line, "8:16 8:32 blocksize 256 writethrough assoc 64");
}

static void test_refusals(void **state)
{
	struct ssdcache_config cfg;
	char err[256];
	static const struct in_msg bad[] = {
		{"blocksize", "blocksize: missing value"},
		{"assoc", "assoc: missing value"},
		{"blocksize abc", "blocksize 'abc'"},
		{"blocksize 0", "blocksize 0: out of range"},
		{"blocksize 384", "not a power of two"},
		{"blocksize 512", "Q20"},
		{"assoc 65", "assoc 65: out of range"},
		{"assoc -1", "assoc -1: out of range"},
		{"assoc x", "assoc 'x'"},
		{"frobnicate", "'frobnicate': invalid argument"},
		{"options 6 lru lru lru lru lru lru", "invalid number of options"},
		{"options 2 lru", "invalid number of options"},
		{"options", "invalid number of options"},
		{"options -1", "invalid number of options"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_not_equal(parse(&cfg, 0, bad[i].in, err), 0);
		if (!strstr(err, bad[i].msg))
			fail_msg("table '%s': message '%s' lacks '%s'", bad[i].in, err, bad[i].msg);
	}
}

static void test_options_unknown_q28(void **state)
{
	struct ssdcache_config cfg;
	char err[256];
	(void)state;
	/* seed: ignored with a warning */
	assert_int_equal(parse(&cfg, 0, "options 2 lru turbo", err), 0);
	assert_int_equal(warnings, 1);
	assert_non_null(strstr(last_warning, "turbo"));
	assert_ptr_equal(cfg.policy, &pol_lru);
	/* fixed Q28: refused, and up to 8 names */
	assert_int_not_equal(parse(&cfg, 1ULL << 28, "options 2 lru turbo", err), 0);
	assert_non_null(strstr(err, "turbo"));
	assert_int_equal(parse(&cfg, 1ULL << 28, "options 6 lru async_lookup queue_busy disable_writeback "
						 "skip_write_insert evict_on_write", err), 0);
}

static void test_q20_q21_q26(void **state)
{
	struct ssdcache_config cfg;
	char err[256];
	(void)state;
	/* Q20 fixed: up to 2048 and beyond */
	assert_int_equal(parse(&cfg, 1ULL << 20, "blocksize 2048", err), 0);
	assert_int_equal(parse(&cfg, 1ULL << 20, "blocksize 32768", err), 0);
	assert_int_not_equal(parse(&cfg, 1ULL << 20, "blocksize 65536", err), 0);
	/* seed + bs_overflow emulate */
	ssdcache_config_init(&cfg);
	cfg.bs_overflow = BS_OVERFLOW_EMULATE;
	assert_int_equal(ssdcache_parse_table(&cfg, "blocksize 512", err, sizeof(err), NULL, NULL), 0);
	/* Q21: odd sizes only with the knob, never when fixed */
	ssdcache_config_init(&cfg);
	cfg.odd_blocksize = true;
	assert_int_equal(ssdcache_parse_table(&cfg, "blocksize 384", err, sizeof(err), NULL, NULL), -22);
	assert_int_equal(ssdcache_parse_table(&cfg, "blocksize 192", err, sizeof(err), NULL, NULL), 0);
	cfg.fixed = 1ULL << 21;
	assert_int_not_equal(ssdcache_parse_table(&cfg, "blocksize 192", err, sizeof(err), NULL, NULL), 0);
	/* Q26 fixed: assoc 0 refused */
	assert_int_not_equal(parse(&cfg, 1ULL << 26, "assoc 0", err), 0);
}

static void test_q22_small_cache(void **state)
{
	struct ssdcache_config cfg;
	struct ssdcache_wq *wq = ssdcache_wq_create(&dummy_ops, NULL);
	struct ssdcache_ctx *sc;
	char err[256];
	(void)state;
	ssdcache_config_init(&cfg);
	cfg.block_size = 8;
	/* 15 blocks of 8 sectors: fewer than 16 */
	/* -ENOSPC: the cache device is too small (the host names the device, not the table) */
	assert_int_equal(ssdcache_ctr(&cfg, 15 * 8 * 512, wq, &sc, err, sizeof(err)), -ENOSPC);
	assert_non_null(strstr(err, "Q22"));
	assert_int_equal(ssdcache_ctr(&cfg, 16 * 8 * 512, wq, &sc, err, sizeof(err)), 0);
	ssdcache_dtr(sc);
	ssdcache_wq_destroy(wq);
}

/* INFO on a fresh target: docs/engine.md §7.1's format, two spaces after "read", tabs */
static void test_info_format(void **state)
{
	struct ssdcache_config cfg;
	struct ssdcache_wq *wq = ssdcache_wq_create(&dummy_ops, NULL);
	struct ssdcache_ctx *sc;
	char err[256], out[1024];
	(void)state;
	ssdcache_config_init(&cfg);
	cfg.options.cmd_preload = 1;
	assert_int_equal(ssdcache_ctr(&cfg, 2ULL << 30, wq, &sc, err, sizeof(err)), 0);
	ssdcache_status(sc, STATUSTYPE_INFO, out, sizeof(out), NULL, NULL);
	/* cmd_preload: every cmd exists from the start (docs/engine.md §1.3) */
	assert_string_equal(out, "cmd 1024/1024 cte 0/0/16384\n"
				 "\tread  clean 0 busy 0 invalid 0 miss 0\n"
				 "\twrite busy 0 cancel 0 invalid 0 miss 0 done 0 skip 0\n"
				 "\tbypassed 0 evicts 0 cancelled writeback 0 bio 0");
	ssdcache_dtr(sc);
	ssdcache_wq_destroy(wq);
}

static void test_policy_registry(void **state)
{
	(void)state;
	assert_ptr_equal(pol_find("LRU"), &pol_lru);
	assert_ptr_equal(pol_find("lfu"), &pol_lfu);
	assert_null(pol_find("arc"));
	assert_non_null(pol_find("fifo")); /* an extension: new names reach the table parser */
	for (int i = 0; pol_registry[i]; i++) {
		assert_int_equal(pol_registry[i]->abi, POL_ABI);
		assert_non_null(pol_registry[i]->victim);
	}
}

static int victim_of(const struct pol_ops *p, unsigned long now, unsigned n, const unsigned long *atime,
		     const unsigned long *count)
{
	pol_slot slot[8] = {0, 1, 2, 3, 4, 5, 6, 7};
	struct pol_cands c = {n, now, slot, atime, count};
	struct pol_access a = {0};
	struct pol pl = {p, NULL};

	return p->victim(&pl, &c, &a);
}

/* LRU / LFU: <= keeps the LAST of equal keys (the highest slot); LRU starts from "now" */
static void test_policy_ties(void **state)
{
	const unsigned long atime[] = {7, 7, 8, 7}, count[] = {4, 4, 3, 4};
	const unsigned long future[] = {11}, one[] = {1};
	(void)state;
	assert_int_equal(victim_of(&pol_lru, 10, 3, atime, count), 1);
	assert_int_equal(victim_of(&pol_lru, 10, 1, future, one), -1); /* after "now": not before_eq */
	assert_int_equal(victim_of(&pol_lfu, 10, 2, atime, count), 1);
	assert_int_equal(victim_of(&pol_lfu, 10, 3, atime, count), 2);
	assert_int_equal(victim_of(&pol_lfu, 10, 4, atime, count), 2);
}

static void test_quirk_lists(void **state)
{
	quirk_set qs = 0;
	char err[128], buf[128];
	(void)state;
	assert_int_equal(quirks_parse_list(&qs, "Q1,q5 9", true, err, sizeof(err)), 0);
	assert_true(quirk_fixed(qs, 1) && quirk_fixed(qs, 5) && quirk_fixed(qs, 9));
	assert_int_equal(quirks_parse_list(&qs, "Q5", false, err, sizeof(err)), 0);
	assert_false(quirk_fixed(qs, 5));
	assert_int_not_equal(quirks_parse_list(&qs, "Q39", true, err, sizeof(err)), 0);
	assert_int_not_equal(quirks_parse_list(&qs, "Q22", true, err, sizeof(err)), 0); /* no toggle */
	assert_int_not_equal(quirks_parse_list(&qs, "x", true, err, sizeof(err)), 0);
	quirks_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "seed");
	quirks_format(quirks_all_fixes(), buf, sizeof(buf));
	assert_string_equal(buf, "fixed");
	quirks_format((1ULL << 1) | (1ULL << 5), buf, sizeof(buf));
	assert_string_equal(buf, "seed+Q1,Q5");
	quirks_format(quirks_all_fixes() & ~(1ULL << 20), buf, sizeof(buf));
	assert_string_equal(buf, "fixed-Q20");
}

CM_MAIN(UT(test_defaults), UT(test_keywords), UT(test_refusals), UT(test_options_unknown_q28),
	UT(test_q20_q21_q26), UT(test_q22_small_cache), UT(test_info_format),
	UT(test_policy_registry), UT(test_policy_ties), UT(test_quirk_lists));
