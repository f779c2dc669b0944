// SPDX-License-Identifier: GPL-2.0
/* trc_util.c - what every reader uses: located messages, warnings, RWBS, times, device sets. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/trc_internal.h"

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

/* The error message after its n-byte prefix in t->err, and the position. */
static enum trc_status fail_at(struct trc *t, int n, const char *path, uint64_t line, uint64_t off,
			       const char *fmt, va_list ap)
{
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(t->err))
		vsnprintf(t->err + n, sizeof(t->err) - (size_t)n, fmt, ap);
	t->pos.path = path;
	t->pos.line = line;
	t->pos.offset = off;
	return TRC_EBAD;
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
	va_start(ap, fmt);
	enum trc_status st = fail_at(t, n, path, line, 0, fmt, ap);
	va_end(ap);
	return st;
}

enum trc_status trc_fail_nfields(struct trc *t, uint64_t line, int n, int want, const char *names)
{
	return trc_fail_line(t, t->path, line, n < want ? n + 1 : want + 1, n < want ? "missing" : "extra",
			     "expected %d fields (%s), got %d", want, names, n);
}

int trc_priv_alloc(struct trc *t, size_t size)
{
	t->priv = calloc(1, size);
	return t->priv ? 0 : -ENOMEM;
}

void trc_priv_free(struct trc *t)
{
	free(t->priv);
	t->priv = NULL;
}

enum trc_status trc_fail_off(struct trc *t, const char *path, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(t->err, sizeof(t->err), "%s: offset 0x%llx: ", path, (unsigned long long)off);

	va_start(ap, fmt);
	enum trc_status st = fail_at(t, n, path, 0, off, fmt, ap);
	va_end(ap);
	return st;
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

enum trc_status trc_fail_read(struct trc *t, uint64_t lineno, int rc)
{
	t->fatal = true;
	return trc_fail_line(t, t->path, lineno, 0, "", "%s",
			     rc == -E2BIG ? "line too long (over 1 MiB)" : "read error");
}

void trc_json_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
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
	/* The letters after the op, each at most once and in this order; 'B' (barrier) is from
	 * kernels that had no F letters: never both. */
	static const struct {
		char c;
		uint32_t set, never;
	} suffix[] = {
		{'F', TRC_FUA, 0},
		{'A', TRC_AHEAD, 0},
		{'B', TRC_BARRIER | TRC_FLUSH | TRC_FUA, TRC_FLUSH | TRC_FUA},
		{'S', TRC_SYNC, 0},
		{'M', TRC_META, 0},
	};
	for (size_t k = 0; k < sizeof(suffix) / sizeof(suffix[0]); k++)
		if (i < len && s[i] == suffix[k].c && !(f & suffix[k].never)) {
			f |= suffix[k].set;
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

/* Add from -> to to the first TRC_DEVSET_MAX distinct edges of v (*n of them). */
static void remap_add(struct trc_remap *v, size_t *n, uint32_t from, uint32_t to)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i].from == from && v[i].to == to)
			return;
	if (*n < TRC_DEVSET_MAX)
		v[(*n)++] = (struct trc_remap){from, to};
}

void trc_devset_add_remap(struct trc_devset *ds, uint32_t from, uint32_t to)
{
	remap_add(ds->remaps, &ds->nr_remaps, from, to);
}

void trc_note_remap(struct trc *t, uint32_t from, uint32_t to)
{
	remap_add(t->remap_edges, &t->nr_remap_edges, from, to);
}

uint64_t trc_debug_scan_bytes(const struct trc *t)
{
	return t->scan_bytes;
}

/* ---- name lists ---- */

int trc_names_find(const struct trc_names *s, const char *p, size_t len)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && !memcmp(s->v[i], p, len))
			return (int)i;
	return -1;
}

int trc_names_add(struct trc_names *s, const char *p, size_t len, uint32_t max)
{
	int i = trc_names_find(s, p, len);
	if (i >= 0)
		return i;
	if (s->n == max)
		return -E2BIG;
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 8;
		char **v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n] = strndup(p, len);
	if (!s->v[s->n])
		return -ENOMEM;
	return (int)s->n++;
}

void trc_names_free(struct trc_names *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	*s = (struct trc_names){0};
}
