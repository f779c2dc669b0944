// SPDX-License-Identifier: GPL-2.0
/* reader.c - trc_open/trc_next: format detection, device choice, lenient mode, reorder window. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "traces/sct.h"
#include "traces/trc_internal.h"

#define PROBE_BYTES 65536
#define INPUT_BUFFER (4u << 20)

/* ---- open ---- */

static void free_reader(struct trc *t)
{
	if (!t)
		return;
	if (t->fmt && t->fmt->close)
		t->fmt->close(t);
	trc_in_close(&t->in);
	free(t->ring);
	free(t->devset);
	free(t->path);
	free(t);
}

static int copy_err(const char *msg, char *err, size_t errlen, int rc)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return rc;
}

static bool all_blank(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

/* The format (the one given, else the first with a sources hook) for which the missing path
 * stands for files, or NULL. */
static const struct trc_format *sources_format(const char *path, const struct trc_format *given)
{
	for (const struct trc_format *const *f = trc_formats; *f; f++) {
		char **files = NULL;
		if ((given && *f != given) || !(*f)->sources)
			continue;
		int n = (*f)->sources(path, &files);
		for (int i = 0; i < n; i++)
			free(files[i]);
		free(files);
		if (n > 0)
			return *f;
	}
	return NULL;
}

int trc_source_files(const char *path, char ***files)
{
	struct stat st;

	/* As trc_open decides: a path that exists is itself the trace. */
	if (stat(path, &st) == 0 || errno != ENOENT) {
		char **v = malloc(sizeof(*v));
		if (!v || !(v[0] = strdup(path))) {
			free(v);
			return -ENOMEM;
		}
		*files = v;
		return 1;
	}
	for (const struct trc_format *const *f = trc_formats; *f; f++) {
		int n = (*f)->sources ? (*f)->sources(path, files) : 0;
		if (n)
			return n;
	}
	return -ENOENT;
}

/* Create a reader object; format chosen by name or by content. */
static int new_reader(struct trc **out, const char *path, const void *mem, size_t mem_len,
		      bool from_mem, const struct trc_opts *opts, struct trc *scan_of, char *err,
		      size_t errlen)
{
	bool scan = scan_of != NULL;
	struct trc *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return copy_err("out of memory", err, errlen, -ENOMEM);
	if (opts)
		t->opts = *opts;
	t->path = strdup(path ? path : "(memory)");
	if (!t->path) {
		free(t);
		return copy_err("out of memory", err, errlen, -ENOMEM);
	}
	t->from_mem = from_mem;
	t->mem = mem;
	t->mem_len = mem_len;
	t->in.fd = -1;
	t->scan = scan;
	t->scan_of = scan_of;
	t->event = t->opts.event ? t->opts.event : 'Q';
	if (t->event != 'Q' && t->event != 'D' && t->event != 'C') {
		snprintf(err, errlen, "bad event '%c' (expected Q, D or C)", t->event);
		free_reader(t);
		return -EINVAL;
	}
	t->has_device = t->opts.has_device;
	t->device = t->opts.device;

	const struct trc_format *fmt = NULL;
	if (t->opts.format) {
		fmt = trc_format_by_name(t->opts.format);
		if (!fmt) {
			char names[256];
			trc_format_names_or(names, sizeof(names));
			snprintf(err, errlen, "unknown format '%s' (expected %s)", t->opts.format, names);
			free_reader(t);
			return -EINVAL;
		}
	}

	bool hashing = t->opts.fingerprint && !scan;
	if (from_mem) {
		trc_in_open_mem(&t->in, t->path, mem, mem_len, hashing);
	} else if (scan_of && fmt && fmt->own_input) {
		/* the pre-scan of a format that opens its own files: it reads scan_of's */
	} else {
		struct stat st;
		if (stat(t->path, &st) != 0) {
			int e = errno;
			/* A missing path may stand for a format's files (a blktrace capture NAME). */
			const struct trc_format *by = e == ENOENT ? sources_format(t->path, fmt) : NULL;
			if (by) {
				fmt = by;
			} else {
				snprintf(err, errlen, "%s: %s", t->path, strerror(e));
				free_reader(t);
				return -e;
			}
		} else {
			rc = trc_in_open_file(&t->in, t->path, INPUT_BUFFER, hashing);
			if (rc) {
				snprintf(err, errlen, "%s: %s", t->path, strerror(-rc));
				free_reader(t);
				return rc;
			}
		}
	}
	if (!fmt) {
		size_t n = trc_in_need(&t->in, PROBE_BYTES);
		if (t->in.read_errno) {
			snprintf(err, errlen, "%s: %s", t->path, strerror(t->in.read_errno));
			free_reader(t);
			return -t->in.read_errno;
		}
		for (const struct trc_format *const *f = trc_formats; !n && *f && !fmt; f++)
			if ((*f)->claims_empty && (*f)->claims_empty(t->path))
				fmt = *f; /* empty, but a format's by its name (a CPU's file of a capture) */
		if (fmt) {
			/* chosen by the name */
		} else if (!n || (t->in.eof && n == (size_t)(t->in.end - t->in.p) &&
				  all_blank(t->in.p, n))) {
			/* Whatever the format, an empty (or blank) file holds no requests. */
			snprintf(err, errlen, "%s: no requests", t->path);
			free_reader(t);
			return -EINVAL;
		}
		for (const struct trc_format *const *f = trc_formats; *f && !fmt; f++)
			if (n && (*f)->probe(t->in.p, n))
				fmt = *f;
		if (!fmt) {
			char ex[200];
			const char *p = (const char *)t->in.p;
			const char *nl = n ? memchr(p, '\n', n) : NULL;
			trc_excerpt(p, nl ? (size_t)(nl - p) : n, ex, sizeof(ex));
			char names[256];
			trc_format_names(names, sizeof(names), "|");
			snprintf(err, errlen,
				 "%s: cannot tell the trace format from the content (starts with '%s'); "
				 "give --format %s, or --csv COLUMNS",
				 t->path, n ? ex : "", names);
			free_reader(t);
			return -EINVAL;
		}
	}
	t->fmt = fmt;
	snprintf(t->counts.skipped_unit, sizeof(t->counts.skipped_unit), "%s",
		 fmt->binary ? "records" : "lines");
	rc = trc_opts_check(fmt, &t->opts, t->path, err, errlen);
	if (rc) {
		free_reader(t);
		return rc;
	}
	if (scan) {
		t->devset = calloc(1, sizeof(*t->devset));
		if (!t->devset) {
			free_reader(t);
			return copy_err("out of memory", err, errlen, -ENOMEM);
		}
	}
	rc = fmt->open(t);
	if (rc) {
		snprintf(err, errlen, "%s", t->err[0] ? t->err : strerror(-rc));
		free_reader(t);
		return rc;
	}
	if (fmt->own_input)
		trc_in_close(&t->in); /* the probe's open, unless open took it over (trc_in_take) */
	*out = t;
	return 0;
}

static void devname(uint32_t dev, char *buf, size_t len)
{
	snprintf(buf, len, "%u,%u", TRC_MAJOR(dev), TRC_MINOR(dev));
}

/* Run a pre-scan pass to list the devices; choose one or explain why not. */
static int choose_device(struct trc *t, const char *path, const void *mem, size_t mem_len,
			 bool from_mem, char *err, size_t errlen)
{
	struct trc *s;
	struct trc_opts o = t->opts;
	int rc;

	o.has_device = false;
	o.format = t->fmt->name;
	/* The trace is read once: the pre-scan reads the reader's own input, mapped whole (a
	 * format with files of its own gives its pre-scan views of them: t->scan_of). */
	bool shared = !from_mem && !t->fmt->own_input && t->in.fd >= 0 &&
		      !trc_in_map_whole(&t->in);
	if (shared) {
		mem = t->in.origin;
		mem_len = (size_t)(t->in.end - t->in.origin);
	}
	rc = new_reader(&s, path, mem, mem_len, from_mem || shared, &o, t, err, errlen);
	if (rc)
		return rc;
	if (shared)
		trc_in_share_map(&s->in, &t->in);
	for (;;) {
		struct trc_rec rec;
		enum trc_status st = s->fmt->next(s, &rec);
		t->scan_bytes = s->scan_bytes;
		if (st == TRC_OK) {
			if (!s->fmt->blk_events)
				trc_devset_add(s->devset, rec.dev, rec.comm);
			continue;
		}
		if (st == TRC_EOF)
			break;
		if (o.lenient && !s->fatal)
			continue;
		snprintf(err, errlen, "%s", s->err);
		free_reader(s);
		return -EINVAL;
	}

	struct trc_devset *ds = s->devset;
	char list[1024];
	size_t l = 0;
	list[0] = '\0';
	for (size_t i = 0; i < ds->nr && l + 80 < sizeof(list); i++) {
		char d[32];
		devname(ds->devs[i].dev, d, sizeof(d));
		l += (size_t)snprintf(list + l, sizeof(list) - l, "%s%s%s%s%s (%llu requests)",
				      i ? ", " : "", d, ds->devs[i].name[0] ? " [" : "",
				      ds->devs[i].name, ds->devs[i].name[0] ? "]" : "",
				      (unsigned long long)ds->devs[i].nr);
	}
	if (ds->more)
		snprintf(list + l, sizeof(list) - l, " and %llu more", (unsigned long long)ds->more);

	/* Candidates: devices with requests, minus partitions or stacked devices whose requests
	 * were remapped into another candidate (so each request is counted once, on the device
	 * that received it). */
	uint32_t cand[TRC_DEVSET_MAX];
	size_t nc = 0;
	for (size_t i = 0; i < ds->nr; i++) {
		/* Follow the remaps from device i through devices without requests of their own
		 * (dm -> partition -> disk): reaching another device with requests excludes i. */
		uint32_t seen[TRC_DEVSET_MAX];
		size_t nseen = 1, next = 0;
		bool remapped = false;
		seen[0] = ds->devs[i].dev;
		while (next < nseen && !remapped) {
			uint32_t from = seen[next++];
			for (size_t j = 0; j < ds->nr_remaps && !remapped; j++) {
				uint32_t to = ds->remaps[j].to;
				bool known = false;
				if (ds->remaps[j].from != from)
					continue;
				for (size_t k = 0; k < ds->nr; k++)
					if (ds->devs[k].dev == to && k != i)
						remapped = true;
				for (size_t k = 0; k < nseen; k++)
					known = known || seen[k] == to;
				if (!known && nseen < TRC_DEVSET_MAX)
					seen[nseen++] = to;
			}
		}
		if (!remapped)
			cand[nc++] = ds->devs[i].dev;
	}
	if (ds->nr == 0) {
		free_reader(s);
		return 0; /* an empty trace reads as empty */
	}
	if (nc == 1 && !ds->more) {
		t->has_device = true;
		t->device = cand[0];
		if (ds->nr > 1) {
			char d[32];
			devname(cand[0], d, sizeof(d));
			trc_warn(t, "%s: several devices (%s); chose %s: the others remap into it "
				    "(choose another with --device)", t->path, list, d);
		}
		free_reader(s);
		return 0;
	}
	snprintf(err, errlen,
		 "%s: the trace holds several devices: %s; choose one with --device MAJ,MIN", t->path,
		 list);
	free_reader(s);
	return -ENOTUNIQ;
}

static int open_common(struct trc **out, const char *path, const void *mem, size_t mem_len,
		       bool from_mem, const struct trc_opts *opts, char *err, size_t errlen)
{
	struct trc *t;
	char dummy[8];
	int rc;

	if (!err || !errlen) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	err[0] = '\0';
	*out = NULL;
	rc = new_reader(&t, path, mem, mem_len, from_mem, opts, NULL, err, errlen);
	if (rc)
		return rc;
	if (!t->fmt->own_device && !t->opts.has_device) {
		/* With --device given there is no pre-scan: a device without requests is reported
		 * at the end of the trace instead. */
		rc = choose_device(t, t->path, mem, mem_len, from_mem, err, errlen);
		if (rc) {
			free_reader(t);
			return rc;
		}
	}
	t->window = t->opts.window ? t->opts.window : TRC_WINDOW_DEFAULT;
	t->ring_cap = t->window + 1;
	t->ring = malloc(t->ring_cap * sizeof(*t->ring));
	if (!t->ring) {
		free_reader(t);
		snprintf(err, errlen, "out of memory (reorder window of %zu records)", t->window);
		return -ENOMEM;
	}
	*out = t;
	return 0;
}

int trc_open(struct trc **out, const char *path, const struct trc_opts *opts, char *err,
	     size_t errlen)
{
	if (!path) {
		if (err && errlen)
			snprintf(err, errlen, "no trace given");
		return -EINVAL;
	}
	return open_common(out, path, NULL, 0, false, opts, err, errlen);
}

int trc_open_mem(struct trc **out, const char *name, const void *data, size_t len,
		 const struct trc_opts *opts, char *err, size_t errlen)
{
	static const uint8_t empty[1];
	return open_common(out, name ? name : "(memory)", data ? data : empty, data ? len : 0, true,
			   opts, err, errlen);
}

/* ---- next: device filter, lenient skipping, reorder window ---- */

static void ring_push(struct trc *t, const struct trc_rec *rec, const struct trc_pos *pos)
{
	size_t cap = t->ring_cap;
	size_t n = t->ring_count;
	size_t i = n;

	/* Insertion from the tail: in-order input costs one comparison. Equal times keep their
	 * input order, so the sort is stable. (Records older than one already handed out never get
	 * here: trc_next passes them on at once.) */
	while (i > 0) {
		const struct trc_slot *prev = &t->ring[(t->ring_head + i - 1) % cap];
		if (prev->rec.time_ns <= rec->time_ns)
			break;
		i--;
	}
	if (i != n)
		t->counts.reordered++;
	for (size_t k = n; k > i; k--)
		t->ring[(t->ring_head + k) % cap] = t->ring[(t->ring_head + k - 1) % cap];
	t->ring[(t->ring_head + i) % cap].rec = *rec;
	t->ring[(t->ring_head + i) % cap].pos = *pos;
	t->ring_count++;
}

static void ring_pop(struct trc *t, struct trc_rec *rec)
{
	struct trc_slot *s = &t->ring[t->ring_head];

	*rec = s->rec;
	t->pos = s->pos;
	t->ring_head = (t->ring_head + 1) % t->ring_cap;
	t->ring_count--;
	if (rec->time_ns > t->last_emitted_ns) /* 0 until a record was handed out */
		t->last_emitted_ns = rec->time_ns;
	t->counts.records++;
}

static void finish_eof(struct trc *t)
{
	if (t->counts.inversions) {
		char at[64];
		if (t->counts.first_inversion.line)
			snprintf(at, sizeof(at), "line %llu",
				 (unsigned long long)t->counts.first_inversion.line);
		else
			snprintf(at, sizeof(at), "offset 0x%llx",
				 (unsigned long long)t->counts.first_inversion.offset);
		trc_warn(t, "%s: %llu records went back in time beyond the reorder window of %zu "
			    "records (first at %s, largest step %llu ns); skipped (--lenient)",
			 t->path, (unsigned long long)t->counts.inversions, t->window, at,
			 (unsigned long long)t->counts.max_inversion_ns);
	}
	if (t->opts.fingerprint && !t->fingerprint_done) {
		t->fingerprint = t->fmt->fingerprint ? t->fmt->fingerprint(t) : trc_in_hash_final(&t->in);
		t->fingerprint_done = true;
	}
}

/* --lenient: count a malformed record, keep the first one's message and position. */
static void note_bad(struct trc *t)
{
	if (!t->counts.skipped_bad++) {
		t->counts.first_bad = t->pos;
		size_t n = strnlen(t->err, sizeof(t->counts.first_bad_msg) - 1);
		memcpy(t->counts.first_bad_msg, t->err, n);
		t->counts.first_bad_msg[n] = '\0';
	}
}

static void fmt_seconds(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%09llu", (unsigned long long)(ns / 1000000000ULL),
		 (unsigned long long)(ns % 1000000000ULL));
}

/* A record the core refuses, whatever the format: a sector range that ends past 2^64 bytes
 * (sector + nsect over 2^55 sectors, which would wrap every byte offset computed from it). */
/* Sectors in 2^64 bytes: a range must end there. */
#define TRC_LAST_SECTOR (1ULL << 55)

/* range_bad's error (out of line: the check itself is inline, once per record). */
static __attribute__((noinline)) bool range_bad_fail(struct trc *t, const struct trc_rec *r)
{
	if (t->pos.line)
		trc_fail_line(t, t->pos.path, t->pos.line, t->fmt->sector_field,
			      t->fmt->sector_name ? t->fmt->sector_name : "sector",
			      "expected a range that ends within 2^64 bytes, got '%llu + %u'",
			      (unsigned long long)r->sector, r->nsect);
	else
		trc_fail_off(t, t->pos.path, t->pos.offset,
			     "sector range %llu + %u ends past 2^64 bytes", (unsigned long long)r->sector,
			     r->nsect);
	return true;
}

static inline bool range_bad(struct trc *t, const struct trc_rec *r)
{
	if (!r->nsect || r->sector <= TRC_LAST_SECTOR - r->nsect)
		return false;
	return range_bad_fail(t, r);
}

/* A record older than one already handed out went back by more than the reorder window can
 * sort: a clock jump or a damaged file. An error at that record, or skipped and counted under
 * --lenient (no record is ever handed out of order). */
static __attribute__((noinline)) bool went_back_slow(struct trc *t, const struct trc_rec *r)
{
	char last[32], got[32];

	if (t->opts.lenient) {
		uint64_t back = t->last_emitted_ns - r->time_ns;
		if (!t->counts.inversions)
			t->counts.first_inversion = t->pos;
		t->counts.inversions++;
		if (back > t->counts.max_inversion_ns)
			t->counts.max_inversion_ns = back;
		return true;
	}
	fmt_seconds(t->last_emitted_ns, last, sizeof(last));
	fmt_seconds(r->time_ns, got, sizeof(got));
	if (t->pos.line)
		trc_fail_line(t, t->pos.path, t->pos.line, t->fmt->time_field,
			      t->fmt->time_name ? t->fmt->time_name : "time",
			      "expected a time no earlier than %s s (a record %zu or more records back; "
			      "--lenient skips it), got '%s'", last, t->window, got);
	else
		trc_fail_off(t, t->pos.path, t->pos.offset,
			     "time %s s goes back before %s s, a record %zu or more records back "
			     "(--lenient skips it)", got, last, t->window);
	return true;
}

/* Inline: once per record. last_emitted_ns is 0 until a record was handed out (calloc), so
 * the first record never went back. */
static inline bool went_back(struct trc *t, const struct trc_rec *r)
{
	if (r->time_ns >= t->last_emitted_ns)
		return false;
	return went_back_slow(t, r);
}

/* "C (3), D (1)": the events of seen[] (Q, D, C order); *use gets the first of them. */
static void events_seen(const uint64_t seen[3], char *have, size_t len, char *use)
{
	static const char evs[] = "QDC";
	size_t l = 0;
	have[0] = 0;
	*use = 0;
	for (int i = 0; i < 3; i++) {
		if (!seen[i] || l >= len)
			continue;
		if (!*use)
			*use = evs[i];
		l += (size_t)snprintf(have + l, len - l, "%s%c (%llu)", l ? ", " : "", evs[i],
				      (unsigned long long)seen[i]);
	}
}

static int ev_index(char ev)
{
	return ev == 'Q' ? 0 : ev == 'D' ? 1 : 2;
}

/* At the end of a trace that gave no record: why. false if records were given. */
static bool why_empty(struct trc *t)
{
	if (t->counts.records || t->ring_count)
		return false;
	const uint64_t *dev_seen = t->ev_dev_seen;
	bool dev_has_other = t->opts.has_device && t->fmt->blk_events &&
			     !dev_seen[ev_index(t->event)] && (dev_seen[0] || dev_seen[1] || dev_seen[2]);
	if (dev_has_other && !t->nr_remapped_away) {
		/* The device is there, with other events than the chosen one: say which, rather
		 * than "not in the trace" because other devices have the chosen event. */
		char d[32], have[128], use;
		devname(t->device, d, sizeof(d));
		events_seen(dev_seen, have, sizeof(have), &use);
		snprintf(t->err, sizeof(t->err),
			 "%s: no %c events on device %s; it has %s events: use --event %c", t->path,
			 t->event, d, have, use);
	} else if (t->opts.has_device && (t->counts.skipped_other_dev || t->nr_remapped_away)) {
		char d[32], to[32], via[160] = "";
		devname(t->device, d, sizeof(d));
		/* Follow the remaps from the device to the one the requests end on (dm ->
		 * partition -> disk), so that one suggestion is enough. */
		uint32_t cur = t->device;
		size_t hops = 0, vl = 0;
		while (hops < TRC_DEVSET_MAX) {
			size_t i;
			for (i = 0; i < t->nr_remap_edges; i++)
				if (t->remap_edges[i].from == cur && t->remap_edges[i].to != t->device)
					break;
			if (i == t->nr_remap_edges)
				break;
			if (hops) {
				devname(cur, to, sizeof(to));
				vl += (size_t)snprintf(via + vl, vl < sizeof(via) ? sizeof(via) - vl : 0,
						       "%s%s", hops > 1 ? ", " : "", to);
				if (vl >= sizeof(via))
					vl = sizeof(via) - 1;
			}
			cur = t->remap_edges[i].to;
			hops++;
		}
		if (!hops)
			cur = t->remapped_to;
		devname(cur, to, sizeof(to));
		if (t->nr_remapped_away && t->fmt->blk_events)
			snprintf(t->err, sizeof(t->err),
				 "%s: device %s has no %c requests of its own: they were remapped "
				 "('A' events) to %s%s%s and are counted there; use --device %s",
				 t->path, d, t->event, hops > 1 ? via : to, hops > 1 ? " and then to " : "",
				 hops > 1 ? to : "", to);
		else
			snprintf(t->err, sizeof(t->err),
				 "%s: device %s is not in the trace (%llu requests are on other "
				 "devices; leave out --device to list them)", t->path, d,
				 (unsigned long long)t->counts.skipped_other_dev);
	} else if (t->fmt->blk_events && !t->ev_seen[ev_index(t->event)] &&
		   (t->ev_seen[0] || t->ev_seen[1] || t->ev_seen[2])) {
		char have[128], use;
		events_seen(t->ev_seen, have, sizeof(have), &use);
		snprintf(t->err, sizeof(t->err), "%s: no %c events; the trace has %s events: use --event %c",
			 t->path, t->event, have, use);
	} else {
		snprintf(t->err, sizeof(t->err), "%s: no requests", t->path);
	}
	t->err_pos.path = t->path;
	t->err_pos.line = 0;
	t->err_pos.offset = 0;
	return true;
}

/* What the format's next gave (st, and r when TRC_OK): true for a record to hand out; false to
 * read on (a record of another device, one skipped under --lenient), or when the reader now
 * drains its window (at the end, or before reporting an error). filter_dev: the core applies
 * the device choice (the blk_events formats apply it themselves). */
static inline bool accept(struct trc *t, const struct trc_rec *r, enum trc_status st,
			  bool filter_dev)
{
	if (st == TRC_OK) {
		if (filter_dev && t->has_device && r->dev != t->device) {
			t->counts.skipped_other_dev++;
			return false;
		}
		if (range_bad(t, r))
			st = TRC_EBAD;
		else if (went_back(t, r)) {
			/* Too late to sort: the window's records are all later. */
			if (t->opts.lenient)
				return false;
			st = TRC_EBAD;
		} else {
			return true;
		}
	}
	if (st == TRC_EOF) {
		t->draining = true;
		return false;
	}
	if (t->opts.lenient && !t->fatal) {
		note_bad(t);
		return false;
	}
	t->err_pos = t->pos;
	t->draining = true;
	t->pending_bad = true;
	return false;
}

static __attribute__((noinline)) enum trc_status next_slow(struct trc *t, struct trc_rec *rec);

/* The records an .sct's reader checked ahead first: a record without any test but one. */
enum trc_status trc_next(struct trc *t, struct trc_rec *rec)
{
	if (__builtin_expect(t->ahead_p != t->ahead_end, 1)) {
		sct_take(t, rec);
		return TRC_OK;
	}
	return next_slow(t, rec);
}

static enum trc_status next_slow(struct trc *t, struct trc_rec *rec)
{
	if (t->failed) {
		t->pos = t->err_pos;
		return TRC_EBAD;
	}
	for (;;) {
		if (t->ring_count && (t->ring_count > t->window || t->draining)) {
			ring_pop(t, rec);
			return TRC_OK;
		}
		if (t->draining && !t->pending_bad && !t->eof_done && why_empty(t))
			t->pending_bad = true;
		if (t->draining) {
			if (t->pending_bad) {
				/* Records read before the error were handed out; now report it. */
				t->failed = true;
				t->pos = t->err_pos;
				return TRC_EBAD;
			}
			if (!t->eof_done) {
				finish_eof(t);
				t->eof_done = true;
			}
			return TRC_EOF;
		}
		if (t->fmt->ordered) {
			/* Stored in order already (.sct): straight into the caller's record, a block of
			 * records checked at once where they can be (sct_check_ahead), else one (an
			 * .sct's decoder called by name) */
			if (t->fmt == &trc_fmt_sct && sct_check_ahead(t)) {
				sct_take(t, rec);
				return TRC_OK;
			}
			enum trc_status st = t->fmt == &trc_fmt_sct ? sct_next(t, rec) : t->fmt->next(t, rec);
			if (accept(t, rec, st, true)) {
				t->last_emitted_ns = rec->time_ns;
				t->counts.records++;
				return TRC_OK;
			}
			continue;
		}
		struct trc_rec r;
		if (accept(t, &r, t->fmt->next(t, &r), !t->fmt->blk_events))
			ring_push(t, &r, &t->pos);
	}
}

const char *trc_error(const struct trc *t)
{
	return t->err;
}

int trc_read_end(struct trc *t, enum trc_status st, char *err, size_t errlen)
{
	switch (st) {
	case TRC_OK:
		return 1;
	case TRC_EOF:
		return 0;
	default:
		snprintf(err, errlen, "%s", trc_error(t));
		return -EIO;
	}
}

const struct trc_pos *trc_position(const struct trc *t)
{
	return &t->pos;
}

const struct trc_counts *trc_counts(const struct trc *t)
{
	return &t->counts;
}

const char *trc_format_name(const struct trc *t)
{
	return t->fmt->name;
}

uint64_t trc_size_bytes(const struct trc *t)
{
	return t->in.size; /* multi-file formats store the total there */
}

uint64_t trc_bytes_done(const struct trc *t)
{
	if (t->fmt->bytes_done)
		return t->fmt->bytes_done(t);
	return t->in.done - (uint64_t)(t->ahead_end - t->ahead_p); /* less those not handed out yet */
}

const char *trc_warnings(const struct trc *t)
{
	return t->warn;
}

bool trc_device(const struct trc *t, uint32_t *dev)
{
	if (!t->has_device)
		return false;
	*dev = t->device;
	return true;
}

char trc_event(const struct trc *t)
{
	if (t->fmt->blk_events)
		return t->event;
	return t->fmt->event ? t->fmt->event(t) : 0;
}

uint64_t trc_fingerprint(const struct trc *t)
{
	return t->fingerprint;
}

void trc_close(struct trc *t)
{
	free_reader(t);
}
