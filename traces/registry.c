// SPDX-License-Identifier: GPL-2.0
/* registry.c - the table of formats and the table of reader options: the one source of their
 * names, of trc_opts_set and of every --help text about them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/opt.h"
#include "traces/trc_internal.h"

/* Detection order matters only where probes could overlap: binary magics first, then the text
 * formats from the most to the least constrained line shape. A new format is one line here. */
const struct trc_format *const trc_formats[] = {
	&trc_fmt_sct, &trc_fmt_blktrace, &trc_fmt_iolog, &trc_fmt_blkparse,
	&trc_fmt_msr, &trc_fmt_spc,      &trc_fmt_fiu,   &trc_fmt_disksim, &trc_fmt_alibaba,
	&trc_fmt_tencent, &trc_fmt_systor, &trc_fmt_csv, NULL,
};

#define FORMATS_MAX 32

const struct trc_format *trc_format_by_name(const char *name)
{
	for (const struct trc_format *const *f = trc_formats; name && *f; f++)
		if (!strcmp((*f)->name, name))
			return *f;
	return NULL;
}

bool trc_format_known(const char *name)
{
	return trc_format_by_name(name) != NULL;
}

size_t trc_format_names(char *buf, size_t len, const char *sep)
{
	size_t used = 0;
	if (len)
		buf[0] = 0;
	for (size_t i = 0; trc_formats[i]; i++)
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 i ? sep : "", trc_formats[i]->name);
	return used;
}

/* "a, b or c" of names[0..n) (n >= 1), within len. */
static void join_or(const char *const *names, size_t n, const char *last_sep, char *buf,
		    size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i == 0 ? "" : i + 1 == n ? last_sep : ", ", names[i]);
}

void trc_format_names_or(char *buf, size_t len)
{
	const char *names[FORMATS_MAX] = {0};
	size_t n = 0;
	for (; trc_formats[n] && n < FORMATS_MAX; n++)
		names[n] = trc_formats[n]->name;
	join_or(names, n, " or ", buf, len);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "a, b and c": the formats that take an option (TRC_TAKES_* bit), in alphabetical order. */
static void takers(unsigned bit, char *buf, size_t len)
{
	const char *names[FORMATS_MAX] = {0};
	size_t n = 0;
	for (const struct trc_format *const *f = trc_formats; *f && n < FORMATS_MAX; f++)
		if ((*f)->takes & bit)
			names[n++] = (*f)->name;
	qsort(names, n, sizeof(names[0]), by_name);
	join_or(names, n, " and ", buf, len);
}

/* ---- the core's options ---- */

static int set_format(struct trc_opts *o, const char *value, char *err, size_t errlen)
{
	if (!trc_format_known(value)) {
		char names[256];
		trc_format_names_or(names, sizeof(names));
		snprintf(err, errlen, "unknown format '%s' (expected %s)", value ? value : "", names);
		/* The closest name, through the option tables' own "did you mean" (a table that
		 * holds only the names). */
		struct opt view[FORMATS_MAX + 1] = {{0}};
		for (size_t i = 0; trc_formats[i] && i < FORMATS_MAX; i++)
			view[i].name = trc_formats[i]->name;
		const char *near = value ? opt_did_you_mean(view, value) : NULL;
		size_t l = strlen(err);
		if (near && l < errlen)
			snprintf(err + l, errlen - l, "; did you mean '%s'?", near);
		return -EINVAL;
	}
	o->format = value;
	return 0;
}

static int set_event(struct trc_opts *o, const char *value, char *err, size_t errlen)
{
	if (!value || strlen(value) != 1 || !strchr("QDC", value[0])) {
		snprintf(err, errlen, "bad --event '%s' (expected Q, D or C)", value ? value : "");
		return -EINVAL;
	}
	o->event = value[0];
	return 0;
}

static int set_device(struct trc_opts *o, const char *value, char *err, size_t errlen)
{
	char *end;
	unsigned long maj, min = 0;
	bool ok = value && value[0] >= '0' && value[0] <= '9';
	if (ok) {
		maj = strtoul(value, &end, 10);
		ok = (*end == ',' || *end == ':') && end[1] >= '0' && end[1] <= '9' && maj <= 0xfff;
	}
	if (ok) {
		min = strtoul(end + 1, &end, 10);
		ok = !*end && min <= 0xfffff;
	}
	if (!ok) {
		snprintf(err, errlen, "bad --device '%s' (expected MAJOR,MINOR, e.g. 8,16)",
			 value ? value : "");
		return -EINVAL;
	}
	o->has_device = true;
	o->device = TRC_DEV(maj, min);
	return 0;
}

static int set_lenient(struct trc_opts *o, const char *value, char *err, size_t errlen)
{
	(void)value;
	(void)err;
	(void)errlen;
	o->lenient = true;
	return 0;
}

static bool event_given(const struct trc_opts *o, char *shown, size_t len)
{
	snprintf(shown, len, "--event %c", o->event);
	return o->event && o->event != 'Q'; /* Q is every format's default */
}

/* Why not struct opt (sim/base/opt.h): these options set fields of their own shapes (a device
 * number, an event letter, a name kept by pointer) and each says which formats it applies to. */
static const struct trc_ropt core_options[] = {
	/* name, value, help (NULL: the formats), set, the formats it applies to: needs, given,
	 * "applies to" text (a %s in help: the formats that take it) */
	{"format", "F", NULL, set_format, 0, NULL, NULL},
	{"event", "Q|D|C",
	 "the event that defines a request: Q (default: what was asked), D (what the device saw, "
	 "with its D..C latency) or C (completions); %s only",
	 set_event, TRC_TAKES_EVENT, event_given, "%s traces only"},
	{"device", "M,m", "the device to read, e.g. 8,16 (needed when the trace holds several)",
	 set_device, 0, NULL, NULL},
	{"lenient", NULL,
	 "skip malformed records (counted; the first is reported) instead of stopping", set_lenient,
	 0, NULL, NULL},
	{0},
};

/* Every option in --help order: the core's, then those the formats add (each table once). */
static const struct trc_ropt *opt_at(size_t i)
{
	const struct trc_ropt *seen[FORMATS_MAX];
	size_t nseen = 0;

	for (const struct trc_ropt *o = core_options; o->name; o++)
		if (!i--)
			return o;
	for (const struct trc_format *const *f = trc_formats; *f; f++) {
		const struct trc_ropt *tab = (*f)->options;
		bool dup = false;
		for (size_t k = 0; k < nseen; k++)
			dup = dup || seen[k] == tab;
		if (!tab || dup || nseen == FORMATS_MAX)
			continue;
		seen[nseen++] = tab;
		for (const struct trc_ropt *o = tab; o->name; o++)
			if (!i--)
				return o;
	}
	return NULL;
}

static const struct trc_ropt *opt_find(const char *name)
{
	const struct trc_ropt *o;
	for (size_t i = 0; name && (o = opt_at(i)); i++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

bool trc_opt_at(size_t i, const char **name, bool *has_value)
{
	const struct trc_ropt *o = opt_at(i);
	if (!o)
		return false;
	*name = o->name;
	*has_value = o->arg != NULL;
	return true;
}

int trc_opts_set(struct trc_opts *o, const char *name, const char *value, char *err, size_t errlen)
{
	const struct trc_ropt *r = opt_find(name);
	if (!r) {
		snprintf(err, errlen, "unknown reader option '%s'", name ? name : "");
		return -EINVAL;
	}
	return r->set(o, value, err, errlen);
}

int trc_opts_check(const struct trc_format *fmt, const struct trc_opts *o, const char *path,
		   char *err, size_t errlen)
{
	const struct trc_ropt *r;
	for (size_t i = 0; (r = opt_at(i)); i++) {
		char shown[32], names[256], tail[320];
		if (!r->needs || ((fmt->takes | fmt->checks) & r->needs) || !r->given(o, shown, sizeof(shown)))
			continue;
		takers(r->needs, names, sizeof(names));
		/* only is a constant of the option tables, with (names, format name) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(tail, sizeof(tail), r->only, names, fmt->name);
#pragma GCC diagnostic pop
		snprintf(err, errlen, "%s: %s applies to %s", path, shown, tail);
		return -ENOTSUP;
	}
	return 0;
}

/* ---- --help ---- */

struct text {
	char *buf;
	size_t len, used;
};

static void put(struct text *t, const char *s, size_t n)
{
	if (t->used + n >= t->len)
		n = t->used + 1 < t->len ? t->len - t->used - 1 : 0;
	memcpy(t->buf + t->used, s, n);
	t->used += n;
	t->buf[t->used] = 0;
}

/* Words of s (split at sep, which stays at the word's end unless it is a blank) from column col,
 * wrapped to end before column 80 with continuation lines indented to width; a newline last. */
static void wrap(struct text *t, const char *s, char sep, size_t col, int width)
{
	bool first = true;
	while (*s) {
		size_t w = strcspn(s, (char[]){sep, 0});
		size_t keep = w + (s[w] == sep && sep != ' '); /* a '|' stays with its name */
		if (!first && col + (sep == ' ' ? 1 + w : keep) > 79) {
			put(t, "\n", 1);
			for (int i = 0; i < width; i++)
				put(t, " ", 1);
			col = (size_t)width;
		} else if (!first && sep == ' ') {
			put(t, " ", 1);
			col++;
		}
		put(t, s, keep);
		col += keep;
		s += w + (s[w] == sep);
		first = false;
	}
	put(t, "\n", 1);
}

static void opt_help(struct text *t, const struct trc_ropt *r, int width)
{
	char left[64], body[768], names[256];
	int n = snprintf(left, sizeof(left), "  --%s%s%s", r->name, r->arg ? " " : "",
			 r->arg ? r->arg : "");
	size_t col = (size_t)n;

	put(t, left, (size_t)n);
	if (col + 1 > (size_t)width) { /* the text on a line of its own */
		put(t, "\n", 1);
		col = 0;
	}
	for (; col < (size_t)width; col++)
		put(t, " ", 1);
	if (!r->help) { /* --format: the names of the table */
		trc_format_names(names, sizeof(names), "|");
		wrap(t, names, '|', col, width);
		takers(TRC_TAKES_CSV, names, sizeof(names));
		snprintf(body, sizeof(body), "%*s[by content; %s needs --csv]\n", width, "", names);
		put(t, body, strlen(body));
		return;
	}
	takers(r->needs, names, sizeof(names));
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(body, sizeof(body), r->help, names); /* a %s in help: the formats that take it */
#pragma GCC diagnostic pop
	wrap(t, body, ' ', col, width);
}

const char *trc_opts_help(const char *names, int width)
{
	/* A few buffers in turn: a --help passes several of these to one printf. */
	static char bufs[4][4096];
	static unsigned next;
	char *buf = bufs[next++ % 4];
	struct text t = {buf, sizeof(bufs[0]), 0};
	const struct trc_ropt *r;

	buf[0] = 0;
	if (width < 4 || width > 40)
		width = 18;
	for (size_t i = 0; (r = opt_at(i)); i++) {
		size_t nl = strlen(r->name);
		const char *p = names;
		bool want = !names;
		while (p && *p && !want) { /* is r->name a word of names? */
			p += strspn(p, " ");
			size_t w = strcspn(p, " ");
			want = w == nl && !strncmp(p, r->name, nl);
			p += w;
		}
		if (want)
			opt_help(&t, r, width);
	}
	return buf;
}

const char *trc_opts_help_format(int width)
{
	return trc_opts_help("format", width);
}

const char *trc_opts_help_csv(int width)
{
	return trc_opts_help("time-unit csv", width);
}

const char *trc_formats_help(int width)
{
	static char buf[2048];
	char list[1024];
	const char *items[FORMATS_MAX] = {0};
	char each[FORMATS_MAX][96];
	struct text t = {buf, sizeof(buf), 0};
	size_t n = 0;

	buf[0] = 0;
	if (width < 0 || width > 40)
		width = 2;
	for (; trc_formats[n] && n < FORMATS_MAX; n++) {
		snprintf(each[n], sizeof(each[n]), "%s (%s)", trc_formats[n]->name,
			 trc_formats[n]->help ? trc_formats[n]->help : "");
		items[n] = each[n];
	}
	join_or(items, n, " and ", list, sizeof(list));
	for (int i = 0; i < width; i++)
		put(&t, " ", 1);
	wrap(&t, list, ' ', (size_t)width, width);
	return buf;
}
