// SPDX-License-Identifier: GPL-2.0
/*
 * test_golden.c - every golden case (tests/golden/{decisions,coherency}/NAME: expected outputs
 * produced by the seed's own code) through sim_run, byte for byte: the decision log, the INFO
 * text, the TABLE line and, for coherency cases, the stale-read count and every stale piece.
 * tests/e2e/golden.sh checks the same through the command line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim.h"
#include "tests/lib/test_main.h"

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

/* Split args (single quotes group words) into at most max tokens. */
static int tokenize(char *s, char **tok, int max)
{
	int n = 0;

	while (*s && n < max) {
		while (*s == ' ' || *s == '\n')
			s++;
		if (!*s)
			break;
		if (*s == '\'') {
			tok[n++] = ++s;
			while (*s && *s != '\'')
				s++;
		} else {
			tok[n++] = s;
			while (*s && *s != ' ' && *s != '\n')
				s++;
		}
		if (*s)
			*s++ = '\0';
	}
	return n;
}

/* The golden README's mapping from args to our configuration. */
static void configure(const char *dir, struct sim_config *cfg, char *trace, size_t tlen)
{
	char path[512], *args, *tok[64], table[256] = "", opts[128] = "";
	char cache_lat[64] = "", target_lat[64] = "";
	unsigned long long cache = 0, target = 0, bs = 256, assoc = 4, hz = 250, wq = 0;
	const char *mode = "writethrough";
	int n;

	snprintf(path, sizeof(path), "%s/args", dir);
	args = slurp(path);
	assert_non_null(args);
	n = tokenize(args, tok, 64);
	for (int i = 0; i + 1 < n; i += 2) {
		const char *k = tok[i], *v = tok[i + 1];
		if (!strcmp(k, "--cache-size"))
			cache = strtoull(v, NULL, 10);
		else if (!strcmp(k, "--target-size"))
			target = strtoull(v, NULL, 10);
		else if (!strcmp(k, "--blocksize"))
			bs = strtoull(v, NULL, 10);
		else if (!strcmp(k, "--assoc"))
			assoc = strtoull(v, NULL, 10);
		else if (!strcmp(k, "--mode"))
			mode = v;
		else if (!strcmp(k, "--options"))
			snprintf(opts, sizeof(opts), "%s", v);
		else if (!strcmp(k, "--hz"))
			hz = strtoull(v, NULL, 10);
		else if (!strcmp(k, "--cache-lat"))
			snprintf(cache_lat, sizeof(cache_lat), "%s", v);
		else if (!strcmp(k, "--target-lat"))
			snprintf(target_lat, sizeof(target_lat), "%s", v);
		else if (!strcmp(k, "--wq-delay"))
			wq = strtoull(v, NULL, 10);
		else
			fail_msg("%s: unknown argument %s", path, k);
	}
	char *cw = strchr(cache_lat, ','), *tw = strchr(target_lat, ',');
	assert_non_null(cw);
	assert_non_null(tw);
	*cw++ = '\0';
	*tw++ = '\0';
	sim_config_init(cfg);
	snprintf(cfg->cache_spec, sizeof(cfg->cache_spec), "fixed:size=%llu,read=%s,write=%s", cache,
		 cache_lat, cw);
	snprintf(cfg->target_spec, sizeof(cfg->target_spec), "fixed:size=%llu,read=%s,write=%s", target,
		 target_lat, tw);
	int nopt = 0;
	for (char *p = opts; *p; p++)
		if (*p != ' ' && (p == opts || p[-1] == ' '))
			nopt++;
	if (nopt)
		snprintf(table, sizeof(table), "blocksize %llu assoc %llu %s options %d %s", bs, assoc, mode,
			 nopt, opts);
	else
		snprintf(table, sizeof(table), "blocksize %llu assoc %llu %s", bs, assoc, mode);
	snprintf(cfg->table, sizeof(cfg->table), "%s", table);
	char err[256];
	if (ssdcache_parse_table(&cfg->engine, cfg->table, err, sizeof(err), NULL, NULL))
		fail_msg("%s: table '%s': %s", dir, table, err);
	cfg->hz = (unsigned)hz;
	cfg->wq_delay_ns = wq;
	snprintf(trace, tlen, "%s/trace", dir);
	cfg->trace_path = trace;
	free(args);
}

static void check_case(const char *dir)
{
	struct sim_config cfg;
	struct sim_result res;
	char trace[512], path[512], err[512];
	char log[] = "/tmp/golden-log-XXXXXX", vlog[] = "/tmp/golden-verify-XXXXXX";
	int fd = mkstemp(log), vfd = mkstemp(vlog);
	bool coherency;

	assert_true(fd >= 0 && vfd >= 0);
	close(fd);
	close(vfd);
	configure(dir, &cfg, trace, sizeof(trace));
	snprintf(path, sizeof(path), "%s/expected.verify", dir);
	coherency = access(path, R_OK) == 0;
	cfg.decision_log = log;
	if (coherency) {
		cfg.verify = true;
		cfg.verify_log = vlog;
	}
	if (sim_run(&cfg, &res, err, sizeof(err)))
		fail_msg("%s: %s", dir, err);

	/* the decision log, byte for byte */
	char *got = slurp(log), *want;
	snprintf(path, sizeof(path), "%s/expected.log", dir);
	want = slurp(path);
	assert_non_null(got);
	assert_non_null(want);
	if (strcmp(got, want))
		fail_msg("%s: decision log differs", dir);
	free(got);
	free(want);

	/* INFO (4 lines), TABLE (line 5), and the stale count */
	snprintf(path, sizeof(path), "%s/expected.stdout", dir);
	want = slurp(path);
	assert_non_null(want);
	/* lines 1-4: the INFO text; line 5: the TABLE line */
	char expect_info[1024] = "", expect_table[512] = "";
	size_t off = 0;
	for (int i = 0; i < 4; i++) {
		const char *nl = strchr(want + off, '\n');
		assert_non_null(nl);
		off = (size_t)(nl - want) + 1;
	}
	assert_true(off - 1 < sizeof(expect_info));
	memcpy(expect_info, want, off - 1);
	size_t tl = strcspn(want + off, "\n");
	assert_true(tl < sizeof(expect_table));
	memcpy(expect_table, want + off, tl);
	if (strcmp(res.status_info, expect_info))
		fail_msg("%s: INFO\n%s\nexpected\n%s", dir, res.status_info, expect_info);
	if (strcmp(res.status_table, expect_table))
		fail_msg("%s: TABLE '%s' expected '%s'", dir, res.status_table, expect_table);
	char *sr = strstr(want, "stale reads: ");
	if (sr)
		assert_int_equal(res.stale_reads, strtoull(sr + 13, NULL, 10));
	free(want);
	if (coherency) {
		got = slurp(vlog);
		snprintf(path, sizeof(path), "%s/expected.verify", dir);
		want = slurp(path);
		if (!got || !want || strcmp(got, want))
			fail_msg("%s: verify log differs:\n%s\nexpected\n%s", dir, got ? got : "", want ? want : "");
		free(got);
		free(want);
	}
	sim_result_free(&res);
	unlink(log);
	unlink(vlog);
}

static void run_dir(const char *root)
{
	DIR *d = opendir(root);
	struct dirent *e;
	char path[512];
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, e->d_name);
		char args[600];
		snprintf(args, sizeof(args), "%s/args", path);
		if (access(args, R_OK))
			continue;
		check_case(path);
		n++;
	}
	closedir(d);
	assert_true(n > 0);
}

static void test_decisions(void **state)
{
	(void)state;
	run_dir("tests/golden/decisions");
}

static void test_coherency(void **state)
{
	(void)state;
	run_dir("tests/golden/coherency");
}

TEST_MAIN(NULL, NULL, cmocka_unit_test(test_decisions), cmocka_unit_test(test_coherency))
