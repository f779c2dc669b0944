// SPDX-License-Identifier: GPL-2.0
/* simtest.c - run the simulator on small hand-written blkparse traces from unit tests. */
#include "tests/lib/simtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int st_setup(void **state)
{
	*state = calloc(1, sizeof(struct simtest));
	return *state ? 0 : -1;
}

int st_teardown(void **state)
{
	struct simtest *st = *state;

	if (st)
		st_fini(st);
	free(st);
	*state = NULL;
	return 0;
}

void st_init(struct simtest *st, uint64_t cache_bytes, uint64_t c_read_ns, uint64_t c_write_ns,
	     uint64_t t_read_ns, uint64_t t_write_ns, const char *table)
{
	sim_result_free(&st->res); /* a reused (static) simtest: free the last run's series */
	memset(st, 0, sizeof(*st));
	sim_config_init(&st->cfg);
	snprintf(st->cfg.cache_spec, sizeof(st->cfg.cache_spec), "fixed:size=%llu,read=%llu,write=%llu",
		 (unsigned long long)cache_bytes, (unsigned long long)c_read_ns, (unsigned long long)c_write_ns);
	snprintf(st->cfg.target_spec, sizeof(st->cfg.target_spec), "fixed:size=1T,read=%llu,write=%llu",
		 (unsigned long long)t_read_ns, (unsigned long long)t_write_ns);
	snprintf(st->cfg.table, sizeof(st->cfg.table), "%s", table ? table : "");
}

void st_line(struct simtest *st, const char *line)
{
	int n = snprintf(st->trace + st->len, sizeof(st->trace) - st->len, "%s\n", line);
	if (n > 0 && (size_t)n < sizeof(st->trace) - st->len)
		st->len += (size_t)n;
}

void st_q(struct simtest *st, uint64_t t_ns, const char *rwbs, uint64_t sector, uint32_t nsect)
{
	char line[160];

	st->n++;
	if (nsect)
		snprintf(line, sizeof(line), "  8,0    0 %8u %5llu.%09llu  1000  Q %3s %llu + %u [fio]", st->n,
			 (unsigned long long)(t_ns / 1000000000ULL), (unsigned long long)(t_ns % 1000000000ULL),
			 rwbs, (unsigned long long)sector, nsect);
	else
		snprintf(line, sizeof(line), "  8,0    0 %8u %5llu.%09llu  1000  Q %3s [fio]", st->n,
			 (unsigned long long)(t_ns / 1000000000ULL), (unsigned long long)(t_ns % 1000000000ULL),
			 rwbs);
	st_line(st, line);
}

int st_qs(struct simtest *st, const char *script)
{
	const char *p = script;

	while (*p) {
		char rwbs[16], *end;
		unsigned long long sector = 0;
		unsigned nsect = 0;
		int used = 0;
		double ms = strtod(p, &end);
		size_t len = strcspn(end, ",");

		if (end == p || ms < 0 ||
		    (sscanf(end, " %15[A-Z] %llu + %u %n", rwbs, &sector, &nsect, &used) != 3 &&
		     sscanf(end, " %15[A-Z] %n", rwbs, &used) != 1) ||
		    (size_t)used != len) {
			snprintf(st->err, sizeof(st->err), "bad entry '%.*s' (T RWBS [SECTOR+NSECT])",
				 (int)(strcspn(p, ",")), p);
			return -1;
		}
		st_q(st, MS(ms), rwbs, sector, nsect);
		p = end + len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int st_table(struct simtest *st, const char *table)
{
	snprintf(st->cfg.table, sizeof(st->cfg.table), "%s", table);
	st->table_parsed = true;
	return ssdcache_parse_table(&st->cfg.engine, st->cfg.table, st->err, sizeof(st->err), NULL, NULL);
}

static void inspect_cb(void *arg, struct ssdcache_ctx *sc)
{
	struct simtest *st = arg;

	st->sc_seen = sc;
	if (st->inspect)
		st->inspect(st, sc);
}

static void slurp(const char *path, char *buf, size_t len)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (!fp)
		return;
	n = fread(buf, 1, len - 1, fp);
	buf[n] = '\0';
	fclose(fp);
}

int st_run(struct simtest *st)
{
	char tpath[] = "/tmp/simtest-trace-XXXXXX";
	char lpath[] = "/tmp/simtest-log-XXXXXX";
	char vpath[] = "/tmp/simtest-verify-XXXXXX";
	int fd = mkstemp(tpath), lfd = mkstemp(lpath), vfd = mkstemp(vpath);

	if (fd < 0 || lfd < 0 || vfd < 0)
		abort();
	if (write(fd, st->trace, st->len) != (ssize_t)st->len)
		abort();
	close(fd);
	close(lfd);
	close(vfd);
	/* the table is parsed here unless the test already did (st_table) */
	if (!st->table_parsed &&
	    ssdcache_parse_table(&st->cfg.engine, st->cfg.table, st->err, sizeof(st->err), NULL, NULL))
		return st->rc = -22;
	st->cfg.trace_path = tpath;
	st->cfg.decision_log = lpath;
	if (st->cfg.verify)
		st->cfg.verify_log = vpath;
	st->cfg.inspect = inspect_cb;
	st->cfg.inspect_arg = st;
	st->rc = sim_run(&st->cfg, &st->res, st->err, sizeof(st->err));
	slurp(lpath, st->log, sizeof(st->log));
	slurp(vpath, st->verify, sizeof(st->verify));
	unlink(tpath);
	unlink(lpath);
	unlink(vpath);
	return st->rc;
}

const char *st_log_line(const struct simtest *st, unsigned n, char *buf, size_t len)
{
	const char *p = st->log;

	for (unsigned i = 0; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	buf[0] = '\0';
	if (!p || !*p)
		return buf;
	const char *e = strchr(p, '\n');
	size_t l = e ? (size_t)(e - p) : strlen(p);
	if (l >= len)
		l = len - 1;
	memcpy(buf, p, l);
	buf[l] = '\0';
	return buf;
}

const char *st_outcome(const struct simtest *st, unsigned n, char *buf, size_t len)
{
	char line[256], f[8][64];

	st_log_line(st, n, line, sizeof(line));
	buf[0] = '\0';
	if (sscanf(line, "%63s %63s %63s %63s %63s", f[0], f[1], f[2], f[3], f[4]) == 5)
		snprintf(buf, len, "%s", f[4]);
	return buf;
}

void st_fini(struct simtest *st)
{
	sim_result_free(&st->res);
}

bool st_outcomes_are(struct simtest *st, const char *expected)
{
	char exp[4096], *save = NULL, got[64], line[256];
	unsigned n = 0;

	snprintf(exp, sizeof(exp), "%s", expected);
	for (char *tok = strtok_r(exp, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *star = strchr(tok, '*');
		unsigned long times = 1;

		if (star) { /* WORD*N: N pieces in a row with this outcome */
			*star = '\0';
			times = strtoul(star + 1, NULL, 10);
		}
		for (unsigned long k = 0; k < times; k++, n++) {
			st_outcome(st, n, got, sizeof(got));
			if (strcmp(tok, got)) {
				snprintf(st->err, sizeof(st->err), "piece %u: expected %s, got '%s' (line '%s')", n,
					 tok, got, st_log_line(st, n, line, sizeof(line)));
				return false;
			}
		}
	}
	if (st_log_line(st, n, line, sizeof(line))[0]) {
		snprintf(st->err, sizeof(st->err), "more pieces than expected: '%s'", line);
		return false;
	}
	return true;
}

const char *st_info(const struct simtest *st)
{
	return st->res.status_info;
}
