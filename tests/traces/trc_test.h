/* SPDX-License-Identifier: GPL-2.0 */
/* trc_test.h - helpers shared by the trace reader tests: open text or bytes, read every record. */
#ifndef SSDCACHE_TRC_TEST_H
#define SSDCACHE_TRC_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/lib/tmpdir.h"

#include "traces/reader.h"
#include "traces/stats.h"

#define MAX_RECS 256

struct read_result {
	int open_rc;
	char err[1024];
	enum trc_status st;
	size_t n;
	struct trc_rec rec[MAX_RECS];
	struct trc_pos pos[MAX_RECS];
	struct trc_counts counts;
	struct trc_pos end_pos;   /* trc_position() after the last trc_next (path: see end_path) */
	char end_path[256];
	char first_path[256];     /* pos[0].path, copied: positions live as long as the reader */
	char error[1024];         /* trc_error() if st == TRC_EBAD */
	char warnings[2048];
	char format[16];
	char event;
};

/* Open data (len bytes) under name with opts, read to the end or the first error. */
static inline struct read_result *read_mem(const char *name, const void *data, size_t len,
					   const struct trc_opts *opts)
{
	struct read_result *r = calloc(1, sizeof(*r));
	struct trc *t;
	struct trc_opts o = {0};

	if (opts)
		o = *opts;
	r->open_rc = trc_open_mem(&t, name, data, len, &o, r->err, sizeof(r->err));
	if (r->open_rc)
		return r;
	snprintf(r->format, sizeof(r->format), "%s", trc_format_name(t));
	r->event = trc_event(t);
	while ((r->st = trc_next(t, &r->rec[r->n < MAX_RECS ? r->n : MAX_RECS - 1])) == TRC_OK) {
		if (r->n < MAX_RECS)
			r->pos[r->n] = *trc_position(t);
		if (r->n < MAX_RECS)
			r->n++;
	}
	r->counts = *trc_counts(t);
	r->end_pos = *trc_position(t);
	snprintf(r->end_path, sizeof(r->end_path), "%s", r->end_pos.path ? r->end_pos.path : "");
	snprintf(r->first_path, sizeof(r->first_path), "%s", r->n && r->pos[0].path ? r->pos[0].path : "");
	for (size_t i = 0; i < r->n; i++)
		r->pos[i].path = NULL;
	r->end_pos.path = NULL;
	r->counts.first_bad.path = NULL;
	r->counts.first_inversion.path = NULL;
	if (r->st == TRC_EBAD)
		snprintf(r->error, sizeof(r->error), "%s", trc_error(t));
	snprintf(r->warnings, sizeof(r->warnings), "%s", trc_warnings(t));
	trc_close(t);
	return r;
}

static inline struct read_result *read_str(const char *name, const char *text,
					   const struct trc_opts *opts)
{
	return read_mem(name, text, strlen(text), opts);
}

/* Record i of r as `trace dump --long` prints it: "time_ns maj,min RWBS sector nsect pid
 * latency_ns [comm]" (a static buffer), so that a test states every field of it at once. */
static inline const char *rec_line(const struct read_result *r, size_t i)
{
	static char buf[160];
	const struct trc_rec *x = &r->rec[i];
	snprintf(buf, sizeof(buf), "%llu %u,%u %s %llu %u %u %lld [%s]", (unsigned long long)x->time_ns,
		 TRC_MAJOR(x->dev), TRC_MINOR(x->dev), x->rwbs, (unsigned long long)x->sector, x->nsect,
		 x->pid, (long long)x->latency_ns, x->comm);
	return buf;
}

#ifdef fail_msg /* with cmocka.h included first */
/* r holds exactly the n records of want, each as rec_line prints it. */
static inline void expect_recs(const struct read_result *r, const char *const *want, size_t n)
{
	if (r->n != n)
		fail_msg("%zu records, expected %zu", r->n, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(rec_line(r, i), want[i]))
			fail_msg("record %zu: '%s', expected '%s'", i, rec_line(r, i), want[i]);
}

/* r holds exactly the records whose sectors are, in order, the space-separated numbers of want:
 * one line states a reading order. */
static inline void expect_sectors(const struct read_result *r, const char *want)
{
	size_t i = 0;
	char *end;

	for (const char *p = want; *p; p = end, i++) {
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p)
			fail_msg("bad sector list '%s'", want);
		if (i >= r->n)
			fail_msg("%zu records, expected more: %s", r->n, want);
		if (r->rec[i].sector != v)
			fail_msg("record %zu: sector %llu, expected %llu (%s)", i,
				 (unsigned long long)r->rec[i].sector, v, want);
		while (*end == ' ')
			end++;
	}
	if (r->n != i)
		fail_msg("%zu records, expected %zu: %s", r->n, i, want);
}

/* Case i of a table of damaged inputs: r, read strictly, stopped with TRC_EBAD at line, with an
 * error that contains msg. */
static inline void expect_bad(size_t i, const struct read_result *r, const char *msg, uint64_t line)
{
	if (r->open_rc)
		fail_msg("case %zu: open failed: %s", i, r->err);
	if (r->st != TRC_EBAD)
		fail_msg("case %zu: status %d, expected TRC_EBAD", i, r->st);
	if (!strstr(r->error, msg))
		fail_msg("case %zu: '%s' does not contain '%s'", i, r->error, msg);
	if (r->end_pos.line != line)
		fail_msg("case %zu: line %llu, expected %llu", i, (unsigned long long)r->end_pos.line,
			 (unsigned long long)line);
}

/* A lenient read's tally: n records kept, bad inputs skipped, the first at first_bad.where == at
 * (where: line for text formats, offset for binary ones). A macro: a failure names the caller. */
#define EXPECT_SKIPPED(r, n_, bad, where, at)                                                      \
	do {                                                                                       \
		assert_int_equal((r)->n, (n_));                                                    \
		assert_int_equal((r)->counts.skipped_bad, (bad));                                  \
		assert_int_equal((r)->counts.first_bad.where, (at));                               \
	} while (0)

/* read_str that must open and read to the end (TRC_EOF), or the test fails saying why. */
static inline struct read_result *read_all(const char *name, const char *text,
					   const struct trc_opts *opts)
{
	struct read_result *r = read_str(name, text, opts);

	if (r->open_rc)
		fail_msg("%s: open failed: %s", name, r->err);
	if (r->st != TRC_EOF)
		fail_msg("%s: status %d after %zu records, expected the end: %s", name, r->st, r->n,
			 r->error);
	return r;
}

/* name (text, read with opts) opens and stops with status st after n records; with error, the
 * reader's error (st TRC_EBAD) is exactly that text. */
static inline void expect_read(const char *name, const char *text, const struct trc_opts *opts,
			       enum trc_status st, size_t n, const char *error)
{
	struct read_result *r = read_str(name, text, opts);

	if (r->open_rc)
		fail_msg("%s: open failed: %s", name, r->err);
	if (r->st != st || r->n != n)
		fail_msg("%s: status %d after %zu records, expected %d after %zu (%s)", name, r->st,
			 r->n, st, n, r->error);
	if (error && strcmp(r->error, error))
		fail_msg("%s: error '%s', expected '%s'", name, r->error, error);
	free(r);
}

/* A new statistics collector with opts (NULL: the defaults), or the test fails. */
static inline struct trc_stats *stats_of(const struct trc_stats_opts *opts)
{
	struct trc_stats_opts defaults = {0};
	struct trc_stats *s;

	if (trc_stats_new(&s, opts ? opts : &defaults))
		fail_msg("trc_stats_new failed");
	return s;
}

/* Read the sample file at path (at most 64 KiB, a test's data) through read_mem under its own
 * name, so that messages and positions name the file. */
static inline struct read_result *read_path(const char *path, const struct trc_opts *o)
{
	static char buf[65536];
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	size_t n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	return read_mem(path, buf, n, o);
}
#endif

/* Write data to path (for readers that need real files). */
static inline void write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp)) {
		fprintf(stderr, "cannot write %s\n", path);
		abort();
	}
}

/* A scratch directory under /tmp for readers that need real files (per-CPU blktrace captures):
 * scratch_path names a file in it, scratch_rm removes it with whatever the test wrote there. */
struct scratch {
	char dir[256];
	char path[768]; /* the last name scratch_path made */
};

static inline void scratch_new(struct scratch *s)
{
	fx_mkdtemp(s->dir, sizeof(s->dir));
}

/* DIR/NAME, NAME formatted as printf does; valid until the next call. */
__attribute__((format(printf, 2, 3))) static inline const char *scratch_path(struct scratch *s,
									    const char *fmt, ...)
{
	char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, name);
	return s->path;
}

static inline void scratch_rm(struct scratch *s)
{
	fx_rmdir(s->dir);
}

#endif
