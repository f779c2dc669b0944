// SPDX-License-Identifier: GPL-2.0
/* reader.c - trc_open/trc_next: format detection, device choice, lenient mode, reorder window. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "traces/csv.h"
#include "traces/trc_internal.h"

/* Detection order matters only where probes could overlap: binary magics first, then the text
 * formats from the most to the least constrained line shape. */
static const struct trc_format *const formats[] = {
	&trc_fmt_sct, &trc_fmt_blktrace, &trc_fmt_iolog, &trc_fmt_blkparse,
	&trc_fmt_msr, &trc_fmt_spc,      &trc_fmt_fiu,   &trc_fmt_disksim, &trc_fmt_alibaba,
	&trc_fmt_tencent, &trc_fmt_csv, NULL,
};

/* "a, b, c or d": the registered formats' names, for messages (the table is their one list). */
static void format_names(char *buf, size_t len)
{
	size_t n = 0, used = 0;
	while (formats[n])
		n++;
	buf[0] = 0;
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i == 0 ? "" : i + 1 == n ? " or " : ", ", formats[i]->name);
}

size_t trc_format_names(char *buf, size_t len, const char *sep)
{
	size_t used = 0;
	if (len)
		buf[0] = 0;
	for (size_t i = 0; formats[i]; i++)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 i ? sep : "", formats[i]->name);
	return used;
}

const char *trc_opts_help_format(int width)
{
	static char buf[512];
	char names[256];
	size_t l = 0;

	if (width < 4 || width > 40)
		width = 18;
	trc_format_names(names, sizeof(names), "|");
	/* The names wrapped at '|' to end before column 80, each line indented to width. */
	l += (size_t)snprintf(buf + l, sizeof(buf) - l, "  %-*s", width - 2, "--format F");
	size_t col = (size_t)width;
	for (const char *p = names; *p && l < sizeof(buf);) {
		size_t w = strcspn(p, "|"); /* the next name with the '|' after it */
		w += p[w] == '|';
		if (col + w > 79 && col > (size_t)width) {
			l += (size_t)snprintf(buf + l, sizeof(buf) - l, "\n%*s", width, "");
			col = (size_t)width;
		}
		l += (size_t)snprintf(buf + l, l < sizeof(buf) ? sizeof(buf) - l : 0, "%.*s", (int)w, p);
		col += w;
		p += w;
	}
	if (l < sizeof(buf))
		snprintf(buf + l, sizeof(buf) - l, "\n%*s[by content; csv needs --csv]\n", width, "");
	return buf;
}

#define PROBE_BYTES 65536
#define INPUT_BUFFER (4u << 20)


int trc_opts_set(struct trc_opts *o, const char *name, const char *value, char *err, size_t errlen)
{
	if (!strcmp(name, "lenient")) {
		o->lenient = true;
		return 0;
	}
	int rc = trc_csv_opts_set(o, name, value, err, errlen); /* time-unit, csv */
	if (rc <= 0)
		return rc;
	if (!strcmp(name, "format")) {
		if (!trc_format_known(value)) {
			char names[256];
			format_names(names, sizeof(names));
			snprintf(err, errlen, "unknown format '%s' (expected %s)", value, names);
			return -EINVAL;
		}
		o->format = value;
		return 0;
	}
	if (!strcmp(name, "event")) {
		if (strlen(value) != 1 || !strchr("QDC", value[0])) {
			snprintf(err, errlen, "bad --event '%s' (expected Q, D or C)", value);
			return -EINVAL;
		}
		o->event = value[0];
		return 0;
	}
	if (!strcmp(name, "device")) {
		char *end;
		unsigned long maj, min = 0;
		bool ok = value[0] >= '0' && value[0] <= '9';
		maj = strtoul(value, &end, 10);
		ok = ok && (*end == ',' || *end == ':') && end[1] >= '0' && end[1] <= '9' && maj <= 0xfff;
		if (ok) {
			min = strtoul(end + 1, &end, 10);
			ok = !*end && min <= 0xfffff;
		}
		if (!ok) {
			snprintf(err, errlen, "bad --device '%s' (expected MAJOR,MINOR, e.g. 8,16)", value);
			return -EINVAL;
		}
		o->has_device = true;
		o->device = TRC_DEV(maj, min);
		return 0;
	}
	snprintf(err, errlen, "unknown reader option '%s'", name);
	return -EINVAL;
}

bool trc_format_known(const char *name)
{
	for (const struct trc_format *const *f = formats; *f; f++)
		if (name && !strcmp((*f)->name, name))
			return true;
	return false;
}

static const struct trc_format *format_by_name(const char *name)
{
	for (const struct trc_format *const *f = formats; *f; f++)
		if (!strcmp((*f)->name, name))
			return *f;
	return NULL;
}

/* ---- messages ---- */

void trc_excerpt(const char *s, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	if (!outlen)
		return;
	for (size_t i = 0; i < len && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= 40) {
			if (o + 4 < outlen) {
				memcpy(out + o, "...", 3);
				o += 3;
			}
			break;
		}
		if (c >= 0x20 && c < 0x7f) {
			out[o++] = (char)c;
		} else {
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
		}
	}
	out[o < outlen ? o : outlen - 1] = '\0';
}

enum trc_status trc_fail_line(struct trc *t, const char *path, uint64_t line, int field,
			      const char *name, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (field > 0)
		n = snprintf(t->err, sizeof(t->err), "%s:%llu: field %d (%s): ", path,
			     (unsigned long long)line, field, name);
	else
		n = snprintf(t->err, sizeof(t->err), "%s:%llu: ", path, (unsigned long long)line);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(t->err)) {
		va_start(ap, fmt);
		vsnprintf(t->err + n, sizeof(t->err) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	t->pos.path = path;
	t->pos.line = line;
	t->pos.offset = 0;
	return TRC_EBAD;
}

enum trc_status trc_fail_off(struct trc *t, const char *path, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(t->err, sizeof(t->err), "%s: offset 0x%llx: ", path, (unsigned long long)off);

	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(t->err)) {
		va_start(ap, fmt);
		vsnprintf(t->err + n, sizeof(t->err) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	t->pos.path = path;
	t->pos.line = 0;
	t->pos.offset = off;
	return TRC_EBAD;
}

void trc_warn(struct trc *t, const char *fmt, ...)
{
	va_list ap;
	size_t room = sizeof(t->warn) - t->warn_len;

	if (room < 2)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(t->warn + t->warn_len, room - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room - 1)
		n = (int)(room - 2);
	t->warn_len += (size_t)n;
	t->warn[t->warn_len++] = '\n';
	t->warn[t->warn_len] = '\0';
}

/* ---- shared helpers ---- */

void trc_set_comm(struct trc_rec *rec, const char *s, size_t len)
{
	if (len >= TRC_COMM_MAX)
		len = TRC_COMM_MAX - 1;
	memcpy(rec->comm, s, len);
	rec->comm[len] = '\0';
}

bool trc_parse_seconds(const char **pp, const char *end, uint64_t *ns, bool allow_long_frac)
{
	const char *p = *pp;
	uint64_t sec, frac = 0;
	unsigned digits = 0;

	if (!trc_parse_u64(&p, end, &sec) || sec > UINT64_MAX / 1000000000ULL - 1)
		return false;
	if (end - p >= 10 && *p == '.' && !(p + 10 < end && trc_isdigit(p[10])) &&
	    trc_isdigit(p[9])) {
		/* blkparse's "%09d" nanoseconds: eight digits checked and converted a word at a time
		 * (each byte 0x30..0x39: neither w - '0' nor w + 0x46 sets its high bit; a byte that
		 * fails sets its own bit whatever the borrow or carry from below), then the ninth */
		uint64_t w = trc_load64(p + 1);
		if (!(((w - 0x3030303030303030ULL) | (w + 0x4646464646464646ULL)) &
		      0x8080808080808080ULL)) {
			w -= 0x3030303030303030ULL; /* first digit in the lowest byte */
			w = (w * 10 + (w >> 8)) & 0x00ff00ff00ff00ffULL;
			w = (w * 100 + (w >> 16)) & 0x0000ffff0000ffffULL;
			w = (w * 10000 + (w >> 32)) & 0xffffffffULL;
			*ns = sec * 1000000000ULL + w * 10 + (uint64_t)(p[9] - '0');
			*pp = p + 10;
			return true;
		}
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && trc_isdigit(*p)) {
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			} else if (!allow_long_frac) {
				return false;
			}
			p++;
		}
		for (unsigned i = digits; i < 9; i++)
			frac *= 10;
	}
	*ns = sec * 1000000000ULL + frac;
	*pp = p;
	return true;
}

bool trc_rwbs_to_flags(const char *s, size_t len, uint32_t *flags, bool *zoned)
{
	size_t i = 0;
	uint32_t f = 0;

	*zoned = false;
	if (len == 0 || len > 7)
		return false;
	if (s[i] == 'F' && len > 1) {
		f |= TRC_FLUSH;
		i++;
	}
	switch (s[i]) {
	case 'D':
		f |= TRC_DISCARD;
		i++;
		if (i < len && s[i] == 'E') { /* kernel's secure erase ("DE") */
			f |= TRC_SECURE;
			i++;
		}
		break;
	case 'W':
		f |= TRC_WRITE;
		i++;
		break;
	case 'R':
		f |= TRC_READ;
		i++;
		break;
	case 'N':
		f |= TRC_NONE;
		i++;
		break;
	case 'Z': /* zone commands: ZA, ZR, ZRA, ZF, ZO, ZC */
		*zoned = true;
		i++;
		if (i >= len || !strchr("ARFOC", s[i]))
			return false;
		i++;
		if (i < len && s[i - 1] == 'R' && s[i] == 'A')
			i++;
		break;
	default:
		return false;
	}
	if (i < len && s[i] == 'F') {
		f |= TRC_FUA;
		i++;
	}
	if (i < len && s[i] == 'A') {
		f |= TRC_AHEAD;
		i++;
	}
	/* 'B' (barrier) is from kernels that had no F letters: never both. */
	if (i < len && s[i] == 'B' && !(f & (TRC_FLUSH | TRC_FUA))) {
		f |= TRC_BARRIER | TRC_FLUSH | TRC_FUA;
		i++;
	}
	if (i < len && s[i] == 'S') {
		f |= TRC_SYNC;
		i++;
	}
	if (i < len && s[i] == 'M') {
		f |= TRC_META;
		i++;
	}
	if (i != len)
		return false;
	*flags = f;
	return true;
}

void trc_flags_to_rwbs(uint32_t flags, char out[8])
{
	int i = 0;

	/* blkparse's order (blkparse_fmt.c fill_rwbs): F(preflush), D|W|R|N, F(FUA), A, S, M; a
	 * barrier as kernels up to 2.6.36 printed it: D|W|R|N, A, B, S, M. */
	bool barrier = flags & TRC_BARRIER;
	if ((flags & TRC_FLUSH) && !barrier)
		out[i++] = 'F';
	if (flags & TRC_DISCARD) {
		out[i++] = 'D';
		if (flags & TRC_SECURE)
			out[i++] = 'E';
	} else if (flags & TRC_WRITE) {
		out[i++] = 'W';
	} else if (flags & TRC_READ) {
		out[i++] = 'R';
	} else {
		out[i++] = 'N';
	}
	if ((flags & TRC_FUA) && !barrier)
		out[i++] = 'F';
	if ((flags & TRC_AHEAD) && i < 7)
		out[i++] = 'A';
	if (barrier && i < 7)
		out[i++] = 'B';
	if ((flags & TRC_SYNC) && i < 7)
		out[i++] = 'S';
	if ((flags & TRC_META) && i < 7)
		out[i++] = 'M';
	while (i < 8)
		out[i++] = '\0'; /* no stale bytes after the NUL (records compare, .sct stores 8) */
}

void trc_devset_add(struct trc_devset *ds, uint32_t dev, const char *name)
{
	for (size_t i = 0; i < ds->nr; i++) {
		if (ds->devs[i].dev == dev) {
			ds->devs[i].nr++;
			return;
		}
	}
	if (ds->nr == TRC_DEVSET_MAX) {
		ds->more++;
		return;
	}
	ds->devs[ds->nr].dev = dev;
	ds->devs[ds->nr].nr = 1;
	snprintf(ds->devs[ds->nr].name, sizeof(ds->devs[ds->nr].name), "%s", name ? name : "");
	ds->nr++;
}

void trc_devset_add_remap(struct trc_devset *ds, uint32_t from, uint32_t to)
{
	for (size_t i = 0; i < ds->nr_remaps; i++)
		if (ds->remaps[i].from == from && ds->remaps[i].to == to)
			return;
	if (ds->nr_remaps < TRC_DEVSET_MAX) {
		ds->remaps[ds->nr_remaps].from = from;
		ds->remaps[ds->nr_remaps].to = to;
		ds->nr_remaps++;
	}
}

void trc_note_remap(struct trc *t, uint32_t from, uint32_t to)
{
	for (size_t i = 0; i < t->nr_remap_edges; i++)
		if (t->remap_edges[i].from == from && t->remap_edges[i].to == to)
			return;
	if (t->nr_remap_edges < TRC_DEVSET_MAX) {
		t->remap_edges[t->nr_remap_edges].from = from;
		t->remap_edges[t->nr_remap_edges].to = to;
		t->nr_remap_edges++;
	}
}

uint64_t trc_debug_scan_bytes(const struct trc *t)
{
	return t->scan_bytes;
}

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

/* Create a reader object; format chosen by name or by content. */
static int new_reader(struct trc **out, const char *path, const void *mem, size_t mem_len,
		      bool from_mem, const struct trc_opts *opts, bool scan, char *err, size_t errlen)
{
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
		fmt = format_by_name(t->opts.format);
		if (!fmt) {
			char names[256];
			format_names(names, sizeof(names));
			snprintf(err, errlen, "unknown format '%s' (expected %s)", t->opts.format, names);
			free_reader(t);
			return -EINVAL;
		}
	}

	bool hashing = t->opts.fingerprint && !scan;
	if (from_mem) {
		trc_in_open_mem(&t->in, t->path, mem, mem_len, hashing);
	} else {
		struct stat st;
		if (stat(t->path, &st) != 0) {
			int e = errno;
			/* "NAME" may be the prefix of NAME.blktrace.N files. */
			if (e == ENOENT && (!fmt || fmt == &trc_fmt_blktrace) &&
			    trc_blktrace_prefix_exists(t->path)) {
				fmt = &trc_fmt_blktrace;
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
		const char *dot = strstr(t->path, ".blktrace.");
		if (!n && dot && dot[10] && strspn(dot + 10, "0123456789") == strlen(dot + 10)) {
			/* An empty CPU file of a capture: the capture is its PREFIX.blktrace.N. */
			fmt = &trc_fmt_blktrace;
		} else if (!n || (t->in.eof && n == (size_t)(t->in.end - t->in.p) &&
				  all_blank(t->in.p, n))) {
			/* Whatever the format, an empty (or blank) file holds no requests. */
			snprintf(err, errlen, "%s: no requests", t->path);
			free_reader(t);
			return -EINVAL;
		}
		for (const struct trc_format *const *f = formats; *f && !fmt; f++)
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
		 fmt->binary || fmt == &trc_fmt_sct ? "records" : "lines");
	rc = trc_csv_opts_check(fmt, &t->opts, t->path, err, errlen);
	if (rc) {
		free_reader(t);
		return rc;
	}
	if (fmt->own_input)
		trc_in_close(&t->in);
	if (!fmt->blk_events && t->opts.event && t->opts.event != 'Q' && fmt != &trc_fmt_sct) {
		snprintf(err, errlen, "%s: --event %c applies to blkparse and blktrace traces only",
			 t->path, t->opts.event);
		free_reader(t);
		return -ENOTSUP;
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
	/* The trace is read once: the pre-scan reads the reader's own input, mapped whole. */
	bool shared = !from_mem && t->in.fd >= 0 && !trc_in_map_whole(&t->in);
	if (shared) {
		mem = t->in.origin;
		mem_len = (size_t)(t->in.end - t->in.origin);
	}
	rc = new_reader(&s, path, mem, mem_len, from_mem || shared, &o, true, err, errlen);
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
	rc = new_reader(&t, path, mem, mem_len, from_mem, opts, false, err, errlen);
	if (rc)
		return rc;
	if (!t->is_sct && !t->opts.has_device) {
		/* With --device given there is no pre-scan: a device without requests is reported
		 * at the end of the trace instead. */
		rc = choose_device(t, t->path, mem, mem_len, from_mem, err, errlen);
		if (rc) {
			free_reader(t);
			return rc;
		}
	} else if (t->opts.has_device && t->device != t->sct_info.device && t->sct_count) {
		char a[32], b[32];
		devname(t->device, a, sizeof(a));
		devname(t->sct_info.device, b, sizeof(b));
		snprintf(err, errlen, "%s: device %s is not in the trace (it holds %s)", t->path, a, b);
		free_reader(t);
		return -ENODEV;
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
	if (!t->emitted_any || rec->time_ns > t->last_emitted_ns)
		t->last_emitted_ns = rec->time_ns;
	t->emitted_any = true;
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
static bool range_bad(struct trc *t, const struct trc_rec *r)
{
	const uint64_t last = 1ULL << 55; /* sectors in 2^64 bytes */

	if (!r->nsect || r->sector <= last - r->nsect)
		return false;
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

/* A record older than one already handed out went back by more than the reorder window can
 * sort: a clock jump or a damaged file. An error at that record, or skipped and counted under
 * --lenient (no record is ever handed out of order). */
static bool went_back(struct trc *t, const struct trc_rec *r)
{
	char last[32], got[32];

	if (!t->emitted_any || r->time_ns >= t->last_emitted_ns)
		return false;
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

enum trc_status trc_next(struct trc *t, struct trc_rec *rec)
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
		if (t->fmt->ordered && !t->draining) {
			/* Stored in order already (.sct): straight into the caller's record. */
			enum trc_status st = t->fmt->next(t, rec);
			if (st == TRC_OK) {
				if (t->has_device && rec->dev != t->device) {
					t->counts.skipped_other_dev++;
					continue;
				}
				if (range_bad(t, rec)) {
					st = TRC_EBAD;
				} else if (went_back(t, rec)) {
					if (t->opts.lenient)
						continue;
					st = TRC_EBAD;
				} else {
					t->last_emitted_ns = rec->time_ns;
					t->emitted_any = true;
					t->counts.records++;
					return TRC_OK;
				}
			}
			if (st == TRC_EOF) {
				t->draining = true;
				continue;
			}
			if (t->opts.lenient && !t->fatal) {
				note_bad(t);
				continue;
			}
			t->err_pos = t->pos;
			t->draining = true;
			t->pending_bad = true;
			continue;
		}
		struct trc_rec r;
		enum trc_status st = t->fmt->next(t, &r);
		if (st == TRC_OK) {
			if (!t->fmt->blk_events && t->has_device && r.dev != t->device) {
				t->counts.skipped_other_dev++;
				continue;
			}
			if (range_bad(t, &r))
				st = TRC_EBAD;
			else if (went_back(t, &r)) {
				/* Too late to sort: the window's records are all later. */
				if (t->opts.lenient)
					continue;
				st = TRC_EBAD;
			} else {
				ring_push(t, &r, &t->pos);
				continue;
			}
		}
		if (st == TRC_EOF) {
			t->draining = true;
			continue;
		}
		if (t->opts.lenient && !t->fatal) {
			note_bad(t);
			continue;
		}
		t->err_pos = t->pos;
		t->draining = true;
		t->pending_bad = true;
	}
}

const char *trc_error(const struct trc *t)
{
	return t->err;
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
	return t->in.done;
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
	if (t->is_sct)
		return t->sct_info.event;
	return 0;
}

uint64_t trc_fingerprint(const struct trc *t)
{
	return t->fingerprint;
}

const struct trc_sct_source *trc_sct_info(const struct trc *t, uint64_t *count)
{
	if (!t->is_sct)
		return NULL;
	if (count)
		*count = t->sct_count;
	return &t->sct_info;
}

void trc_close(struct trc *t)
{
	free_reader(t);
}
