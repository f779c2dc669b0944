/* SPDX-License-Identifier: GPL-2.0 */
/* trc_internal.h - what the readers in traces/ share: buffered input, the reader object, helpers. */
#ifndef SSDCACHE_TRC_INTERNAL_H
#define SSDCACHE_TRC_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/base/hash64.h"

#include "traces/reader.h"

#define TRC_ERR_MAX 512
#define TRC_WARN_MAX 2048
#define TRC_DEVSET_MAX 64
#define TRC_LINE_MAX (1u << 20) /* longer text lines are an error, not a reason to grow */

/* ---- input: one file (or memory image) read through a buffer, with a streaming hash ---- */
struct trc_in {
	const char *path;       /* for messages; owned by the reader */
	int fd;                 /* -1: memory image */
	uint8_t *buf;           /* owned buffer (file mode) */
	size_t cap;
	const uint8_t *p;       /* first unread byte */
	const uint8_t *end;     /* end of valid bytes */
	uint64_t base;          /* file offset of buf[0] (of the memory image start) */
	const uint8_t *origin;  /* what base refers to: buf or the memory image */
	bool eof;               /* no more bytes behind end */
	uint64_t size;          /* total bytes (0 if unknown) */
	uint64_t done;          /* bytes handed out so far (consumed) */
	bool hashing;
	struct hash64 hash;     /* of every byte read or mapped (trc_in_hash_final) */
	int read_errno;
	void *map;              /* a regular file mapped whole (then read like a memory image) */
	size_t map_len;
	const uint8_t *released; /* mapped pages before this were given back (trc_in_release) */
	bool borrowed;          /* map is another input's (trc_in_share_map): not unmapped here */
};

int trc_in_open_file(struct trc_in *in, const char *path, size_t cap, bool hashing);
void trc_in_open_mem(struct trc_in *in, const char *path, const void *data, size_t len,
		     bool hashing);
/* A buffered file input switched, at the same position, to the whole file mapped, so that a
 * second pass (the reader's device pre-scan, through trc_in_view) reads memory instead of
 * opening and reading the file again: the bytes not read yet are counted and hashed once, here.
 * 0 (also for an input already mapped or in memory) or -errno (not a regular file: the caller
 * reads the file again). */
int trc_in_map_whole(struct trc_in *in);
/* in, opened with trc_in_open_mem on the whole of of's mapping (no hashing, nothing counted: the
 * bytes were read once, by of), gives back the pages behind it as a mapped file does, so that
 * a second pass keeps the resident memory a window too. The mapping stays of's: of must outlive
 * in. A no-op unless in is such an image. */
void trc_in_share_map(struct trc_in *in, const struct trc_in *of);
/* view: the whole of of's file as a memory image for a second pass (trc_in_map_whole, then
 * trc_in_share_map), so that the file is opened and read once. 0, or -EINVAL when of cannot be
 * viewed (a pipe longer than its buffer, an input already read on): the caller opens the file
 * again. of must outlive view. */
int trc_in_view(struct trc_in *view, struct trc_in *of, const char *path);
/* Move an open input (the format probe's) into to, named path; from is left closed. */
void trc_in_take(struct trc_in *to, struct trc_in *from, const char *path);
void trc_in_close(struct trc_in *in);
/* Make at least need bytes available at in->p if the input has them; returns how many are
 * available (may be less at EOF); may move the unread bytes to the buffer start. */
size_t trc_in_need(struct trc_in *in, size_t need);
/* Next line (without '\n' and a trailing '\r'). Returns 1 with *line and *len, 0 at EOF, -E2BIG for a
 * line longer than the buffer, -EIO on a read error. *off receives the line's file offset. */
int trc_in_line(struct trc_in *in, const char **line, size_t *len, uint64_t *off);
/* A mapped file's pages are released (madvise MADV_DONTNEED: they stay in the page cache and
 * fault back in if read again) every TRC_MAP_WINDOW bytes consumed, so that the resident memory
 * is a window, not the file. */
#define TRC_MAP_WINDOW (4u << 20)
void trc_in_release(struct trc_in *in);
/* Consume n bytes that trc_in_need made available. */
static inline void trc_in_skip(struct trc_in *in, size_t n)
{
	in->p += n;
	in->done += n;
	if (in->map && (size_t)(in->p - in->released) >= 2 * (size_t)TRC_MAP_WINDOW)
		trc_in_release(in);
}
static inline uint64_t trc_in_offset(const struct trc_in *in)
{
	return in->base + (uint64_t)(in->p - in->origin);
}
/* Finish the hash over everything (reads the rest of the input if needed). */
uint64_t trc_in_hash_final(struct trc_in *in);

struct trc;
/* The fatal error of a line that cannot be read (rc of trc_in_line < 0) at line lineno. */
enum trc_status trc_fail_read(struct trc *t, uint64_t lineno, int rc);

/* ---- device sets (pre-scan) ---- */
struct trc_remap {
	uint32_t from, to;
};
struct trc_devset {
	struct {
		uint32_t dev;
		uint64_t nr;
		char name[32]; /* a label where the format has one (iolog file, MSR host) */
	} devs[TRC_DEVSET_MAX];
	size_t nr;
	uint64_t more; /* devices beyond TRC_DEVSET_MAX */
	struct trc_remap remaps[TRC_DEVSET_MAX];
	size_t nr_remaps;
};
void trc_devset_add(struct trc_devset *ds, uint32_t dev, const char *name);
void trc_devset_add_remap(struct trc_devset *ds, uint32_t from, uint32_t to);

/* ---- reader options ---- */
/* What a format takes beyond the options every format takes (trc_format.takes). */
#define TRC_TAKES_EVENT (1u << 0)     /* --event */
#define TRC_TAKES_TIME_UNIT (1u << 1) /* --time-unit */
#define TRC_TAKES_CSV (1u << 2)       /* --csv */

/* One reader option as trc_opts_set and --help know it: the core's own (traces/registry.c) and
 * those a format adds (trc_format.options). */
struct trc_ropt {
	const char *name;  /* --NAME */
	const char *arg;   /* the value's name in --help; NULL: a flag without a value */
	const char *help;  /* one paragraph (--help wraps it); NULL: the list of formats */
	int (*set)(struct trc_opts *o, const char *value, char *err, size_t errlen);
	/* Optional: the option applies only to formats whose .takes has this bit. given() says
	 * whether o sets it (with the option as the message shows it, e.g. "--event D"); only is
	 * the end of "--NAME applies to ...", a printf format taking the names of the formats that
	 * take it and the name of the one that does not, in that order. */
	unsigned needs;
	bool (*given)(const struct trc_opts *o, char *shown, size_t len);
	const char *only;
};

/* ---- formats ---- */
struct trc_format {
	const char *name;
	const char *help; /* what it is, for the list of formats in --help ("text", "fio iolog v2/v3") */
	/* Does this content look like the format? head: the first bytes of the input. */
	bool (*probe)(const uint8_t *head, size_t len);
	/* Set up t->priv. 0 or -errno with t->err set. */
	int (*open)(struct trc *t);
	/* Next record, before the reorder stage; TRC_EBAD with t->err and t->pos set. In scan mode
	 * (t->scan) formats that apply the device choice themselves (blk_events) fill t->devset
	 * and return TRC_EOF at the end; the others return records and the core collects devices. */
	enum trc_status (*next)(struct trc *t, struct trc_rec *rec);
	void (*close)(struct trc *t);
	uint64_t (*bytes_done)(const struct trc *t); /* optional: multi-file formats */
	uint64_t (*fingerprint)(struct trc *t);      /* optional: multi-file formats */
	/* Optional: a path that does not exist may stand for files of this format (blktrace: the
	 * capture NAME of NAME.blktrace.0, .1, ...). Their number (0: none) with *files (free()
	 * each and the array), or -errno. trc_open reads such a path with this format;
	 * trc_source_files lists them. */
	int (*sources)(const char *path, char ***files);
	/* Optional: an empty file that is this format's input all the same, by its name (one
	 * CPU's empty file NAME.blktrace.N of a capture: the capture is read). */
	bool (*claims_empty)(const char *path);
	/* Optional: the event the records stand for when the format has no events of its own
	 * (.sct: its source's), for trc_event; 0: none. */
	char (*event)(const struct trc *t);
	const struct trc_ropt *options; /* optional: options this format adds ({0}-terminated) */
	unsigned takes;   /* TRC_TAKES_*: the options that apply to it beyond the core's */
	unsigned checks;  /* TRC_TAKES_*: options it accepts only to check them against the file
			   * in open (.sct: --event must be the one it was converted with) */
	bool blk_events;  /* Q/D/C events: the format handles --event and --device itself */
	bool ordered;     /* records are stored in the order to hand out (.sct): no reorder window */
	bool own_input;   /* opens its own files (open may take over t->in, the probe's open of
			   * the path: trc_in_take; the pre-scan's open reads t->scan_of's) */
	bool own_device;  /* the file names its one device (.sct header): no device pre-scan; open
			   * refuses a --device it does not hold */
	/* Optional: the fields the reader core names when it refuses a record
	 * of a text format (time going back beyond the reorder window, a sector range past 2^64
	 * bytes); 0 leaves the field out of the message. */
	int time_field, sector_field;
	const char *time_name, *sector_name;
	bool binary;      /* records, not lines (trc_counts.skipped_unit) */
};

/* The registered formats in detection order (traces/registry.c), NULL-terminated: the one list
 * of them. */
extern const struct trc_format *const trc_formats[];
const struct trc_format *trc_format_by_name(const char *name);
/* "a, b, c or d": the formats' names for messages. */
void trc_format_names_or(char *buf, size_t len);
/* After the format is chosen: does every option given apply to it? 0, or -ENOTSUP with
 * "PATH: --NAME applies to ..." in err. */
int trc_opts_check(const struct trc_format *fmt, const struct trc_opts *o, const char *path,
		   char *err, size_t errlen);

extern const struct trc_format trc_fmt_blkparse, trc_fmt_blktrace, trc_fmt_msr, trc_fmt_spc,
	trc_fmt_fiu, trc_fmt_iolog, trc_fmt_sct, trc_fmt_disksim, trc_fmt_csv, trc_fmt_alibaba,
	trc_fmt_tencent, trc_fmt_systor;

struct trc_slot {
	struct trc_rec rec;
	struct trc_pos pos;
};

struct trc {
	const struct trc_format *fmt;
	struct trc_opts opts;
	char event;              /* 'Q', 'D', 'C' for blk formats */
	char *path;              /* owned */
	bool from_mem;
	const uint8_t *mem;
	size_t mem_len;
	struct trc_in in;
	void *priv;

	struct trc_pos pos;      /* last record returned, or the error */
	struct trc_counts counts;
	char err[TRC_ERR_MAX];
	bool fatal;              /* the error can not be skipped under --lenient */
	char warn[TRC_WARN_MAX];
	size_t warn_len;

	bool scan;               /* device pre-scan pass */
	struct trc *scan_of;     /* the reader whose input the pre-scan reads (own_input formats) */
	struct trc_devset *devset;
	bool has_device;         /* device chosen (by --device or the pre-scan) */
	uint32_t device;
	uint64_t nr_remapped_away; /* 'A' events from the chosen device to another one */
	uint32_t remapped_to;
	/* Every remap seen while reading (from -> to, first TRC_DEVSET_MAX), so that a device with
	 * no requests of its own can name the device at the end of its chain (dm -> partition ->
	 * disk) at once. */
	struct trc_remap remap_edges[TRC_DEVSET_MAX];
	size_t nr_remap_edges;
	/* Events of each kind seen ('Q', 'D', 'C'), on any device, so that a trace without the
	 * chosen event can say which ones it has. Filled by the blk_events formats. */
	uint64_t ev_seen[3];
	/* The same on the chosen device only (has_device), so that --device X can say what X
	 * has when its requests are of another event than the chosen one. */
	uint64_t ev_dev_seen[3];
	uint64_t scan_bytes;     /* bytes the device pre-scan searched (a test hook: it must be linear) */

	/* reorder stage: a time-sorted ring of at most window records */
	struct trc_slot *ring;
	size_t ring_head, ring_count, ring_cap, window;
	uint64_t last_emitted_ns; /* latest time handed out; 0 before the first record */
	bool draining;
	bool pending_bad;
	bool failed;
	bool eof_done;
	struct trc_pos err_pos;
	uint64_t fingerprint;
	bool fingerprint_done;
	/* .sct: records checked ahead (sct_check_ahead), handed out as they are; empty when equal */
	const uint8_t *ahead_p, *ahead_end;
};

/* Set t->err to "path:line: field N (name): msg" and t->pos; returns TRC_EBAD. */
enum trc_status trc_fail_line(struct trc *t, const char *path, uint64_t line, int field,
			      const char *name, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* A text record of n fields where want are needed: "path:line: field N (missing|extra): expected
 * WANT fields (names), got n", N the first missing or the first extra field. */
enum trc_status trc_fail_nfields(struct trc *t, uint64_t line, int n, int want, const char *names);
/* A reader's private state: size zeroed bytes in t->priv (0 or -ENOMEM), and their release (a
 * format's close when the state holds no pointers). */
int trc_priv_alloc(struct trc *t, size_t size);
void trc_priv_free(struct trc *t);
/* Distinct names (device labels, file names) in order of first appearance; zeroed is empty. */
struct trc_names {
	char **v;
	uint32_t n, cap;
};
/* The index of p[0..len) among the names, or -1. */
int trc_names_find(const struct trc_names *s, const char *p, size_t len);
/* The index of p[0..len), added if new: >= 0, -E2BIG when max names are there, or -ENOMEM. */
int trc_names_add(struct trc_names *s, const char *p, size_t len, uint32_t max);
void trc_names_free(struct trc_names *s);
/* Set t->err to "path: offset 0x...: msg" and t->pos; returns TRC_EBAD. */
enum trc_status trc_fail_off(struct trc *t, const char *path, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Append a warning line (deduplicated by the caller; truncated when the buffer is full). */
void trc_warn(struct trc *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Printable excerpt of a field for messages ("abc", or "\x01..." for control bytes). */
void trc_excerpt(const char *s, size_t len, char *out, size_t outlen);

/* ---- small parsing helpers (no locale, no sscanf: the hot paths use these) ---- */
static inline bool trc_isdigit(int c)
{
	return c >= '0' && c <= '9';
}
static inline bool trc_isspace(int c)
{
	return c == ' ' || c == '\t';
}
/* Unsigned decimal at *pp (at least one digit); advances *pp. false on no digit or overflow.
 * Up to 19 digits cannot overflow, so they are read without the per-digit check (the hot
 * path of every text reader); only a 20th digit goes through it. */
static inline bool trc_parse_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0;

	if (p >= end || !trc_isdigit(*p))
		return false;
	const char *lim = end - p > 19 ? p + 19 : end;
	do {
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
	} while (p < lim && trc_isdigit(*p));
	while (p < end && trc_isdigit(*p)) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		p++;
	}
	*pp = p;
	*out = v;
	return true;
}

/* Word-at-a-time blank search: the high bit of each byte of the result is set exactly where the
 * byte of w is ' ' or '\t' (no borrow between bytes, so every byte is exact, not just the
 * first). Text formats pad their columns with runs of blanks, and this runs over every byte. */
static inline uint64_t trc_blank_mask(uint64_t w)
{
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t a = w ^ 0x2020202020202020ULL, b = w ^ 0x0909090909090909ULL;
	uint64_t za = ~(((a & lo7) + lo7) | a | lo7), zb = ~(((b & lo7) + lo7) | b | lo7);
	return za | zb;
}
static inline uint64_t trc_load64(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof(w));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w); /* byte 0 must be the lowest (ctz finds the first byte) */
#endif
	return w;
}
static inline const char *trc_skip_spaces(const char *p, const char *end)
{
	while (end - p >= 8) {
		uint64_t other = ~trc_blank_mask(trc_load64(p)) & 0x8080808080808080ULL;
		if (other)
			return p + (__builtin_ctzll(other) >> 3);
		p += 8;
	}
	while (p < end && trc_isspace(*p))
		p++;
	return p;
}
static inline const char *trc_skip_token(const char *p, const char *end)
{
	while (end - p >= 8) {
		uint64_t blank = trc_blank_mask(trc_load64(p));
		if (blank)
			return p + (__builtin_ctzll(blank) >> 3);
		p += 8;
	}
	while (p < end && !trc_isspace(*p))
		p++;
	return p;
}

/* A field of a text record: where it starts and how long it is (no copy). */
struct trc_field {
	const char *p;
	size_t len;
};

/* Split line at runs of blanks into at most max fields; returns how many there are (which may
 * exceed max: the extra ones are counted, not stored). */
static inline int trc_split_blank(const char *line, size_t len, struct trc_field *f, int max)
{
	const char *p = line, *e = line + len;
	int n = 0;

	for (;;) {
		p = trc_skip_spaces(p, e);
		if (p >= e)
			break;
		const char *q = trc_skip_token(p, e);
		if (n < max) {
			f[n].p = p;
			f[n].len = (size_t)(q - p);
		}
		n++;
		p = q;
	}
	return n;
}

/* Split line at every delim (',', '\t', ...) into at most max fields, blanks around each field
 * trimmed; returns how many there are (as trc_split_blank). */
static inline int trc_split_delim(const char *line, size_t len, char delim, struct trc_field *f,
				  int max)
{
	const char *p = line, *e = line + len;
	int n = 0;

	for (;;) {
		const char *c = memchr(p, delim, (size_t)(e - p));
		const char *fe = c ? c : e;
		const char *a = trc_skip_spaces(p, fe), *b = fe;
		while (b > a && trc_isspace(b[-1]))
			b--;
		if (n < max) {
			f[n].p = a;
			f[n].len = (size_t)(b - a);
		}
		n++;
		if (!c)
			break;
		p = c + 1;
	}
	return n;
}

/* The field is s, ignoring case. */
static inline bool trc_field_is(const struct trc_field *f, const char *s)
{
	return f->len == strlen(s) && !strncasecmp(f->p, s, f->len);
}

/* The whole field as an unsigned decimal number. */
static inline bool trc_field_u64(const struct trc_field *f, uint64_t *v)
{
	const char *p = f->p;
	return trc_parse_u64(&p, f->p + f->len, v) && p == f->p + f->len;
}
/* "12.345" seconds (or integer seconds) -> ns, exact for up to 9 fraction digits; more digits are
 * truncated when allow_long_frac, an error otherwise. */
bool trc_parse_seconds(const char **pp, const char *end, uint64_t *ns, bool allow_long_frac);

/* Little/big-endian loads from byte arrays (no alignment assumed). */
static inline uint16_t trc_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t trc_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t trc_le64(const uint8_t *p)
{
	return (uint64_t)trc_le32(p) | ((uint64_t)trc_le32(p + 4) << 32);
}
static inline uint32_t trc_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}
static inline uint64_t trc_be64(const uint8_t *p)
{
	return ((uint64_t)trc_be32(p) << 32) | (uint64_t)trc_be32(p + 4);
}
static inline uint16_t trc_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline void trc_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}
static inline void trc_put_le64(uint8_t *p, uint64_t v)
{
	trc_put_le32(p, (uint32_t)v);
	trc_put_le32(p + 4, (uint32_t)(v >> 32));
}

/* Count an event of action act ('Q', 'D' or 'C'; others are ignored) on device dev for the
 * "no Q events" message. */
static inline void trc_seen_event(struct trc *t, char act, uint32_t dev)
{
	int i = act == 'Q' ? 0 : act == 'D' ? 1 : act == 'C' ? 2 : -1;
	if (i < 0)
		return;
	t->ev_seen[i]++;
	if (t->has_device && dev == t->device)
		t->ev_dev_seen[i]++;
}
/* Record a remap edge (from -> to) for the remap-chain suggestion. */
void trc_note_remap(struct trc *t, uint32_t from, uint32_t to);
/* Test hook: bytes the device pre-scan of t's open searched (0 without a pre-scan). */
uint64_t trc_debug_scan_bytes(const struct trc *t);

/* The next line of a text reader's input, *lineno counting it: 1, 0 at EOF, or -1 after a fatal
 * error (a line over TRC_LINE_MAX, a read error) set in t (the reader returns TRC_EBAD). */
static inline int trc_read_line(struct trc *t, uint64_t *lineno, const char **line, size_t *len)
{
	uint64_t off;
	int rc = trc_in_line(&t->in, line, len, &off);
	if (rc > 0) {
		(*lineno)++;
		return 1;
	}
	if (rc < 0)
		trc_fail_read(t, *lineno + 1, rc);
	return rc < 0 ? -1 : 0;
}

/* A record of a text format comes from line: its position; returns TRC_OK. */
static inline enum trc_status trc_record_at(struct trc *t, uint64_t line)
{
	t->pos.path = t->path;
	t->pos.line = line;
	t->pos.offset = 0;
	return TRC_OK;
}

/* A JSON string of s: quoted, '"' and '\\' escaped, control bytes as \u00XX. */
void trc_json_str(FILE *fp, const char *s);

/* Copy a name into a record's comm (truncated, NUL-terminated). */
void trc_set_comm(struct trc_rec *rec, const char *s, size_t len);
/* Flags from RWBS text as blkparse prints it; false if s is not RWBS. *zoned for Z ops. */
bool trc_rwbs_to_flags(const char *s, size_t len, uint32_t *flags, bool *zoned);

#endif
