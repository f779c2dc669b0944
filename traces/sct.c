// SPDX-License-Identifier: GPL-2.0
/* sct.c - the compact binary trace: fixed 64-byte records, written by convert, read fast. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/base/hashtab.h"
#include "traces/sct.h"
#include "traces/trc_internal.h"

/*
 * Layout (all little-endian; documented in docs/traces.md):
 *   header, 256 bytes:
 *     0 magic "SSDCSCT\0"   8 version (u32) = 1   12 header size = 256   16 record size = 64
 *     20 flags (bit 0: complete)   24 record count (u64)   32 records offset = 256
 *     40 names offset   48 names count   56 names bytes   64 source size   72 source fingerprint
 *     80 source format (16 bytes)   96 source name (64 bytes)   160 event (char)
 *     164 device (TRC_DEV)   168 first time   176 last time   184..247 zero
 *     248 hash of bytes 0..247 (a damaged header is refused, not misread)
 *   records, 64 bytes each, at 256 + 64 * i:
 *     0 time_ns   8 sector   16 latency_ns (i64)   24 dev   28 flags   32 nsect   36 pid
 *     40 name id (0xffffffff: none)   44 zero   48 rwbs (8 bytes, NUL-padded)   56 zero
 *   names: count entries of (u8 length, bytes), process names referred to by id.
 * Fixed records make the file mmap-friendly and let a reader seek to record i directly.
 */

#define SCT_MAGIC "SSDCSCT"
#define SCT_VERSION 1u
#define SCT_HDR 256u
#define SCT_NAMES_MAX (64u << 20)

static uint64_t header_hash(const uint8_t *h)
{
	uint64_t x = 0x84222325cbf29ce4ULL;
	for (unsigned i = 0; i < 248; i += 8) {
		x ^= trc_le64(h + i);
		x *= 0x9e3779b97f4a7c15ULL;
		x ^= x >> 29;
	}
	return x;
}

/* ---- writer ---- */

struct trc_sct_writer {
	FILE *fp;
	char *path;
	struct trc_sct_source src;
	uint64_t count, first_ns, last_ns;
	/* process names: a blob of (len, bytes) and an index into it by a hash of the name */
	uint8_t *blob;
	size_t blob_len, blob_cap;
	uint32_t *name_off; /* per id: offset into blob */
	uint32_t nnames, names_cap;
	struct hashtab index; /* name hash -> id (sim/base/hashtab; a collision rehashes) */
	int io_errno;
};

static uint64_t name_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ULL;
	return h == HT_EMPTY ? 0 : h;
}

/* Where a name goes when another holds its hash: the hash of the hash. */
static uint64_t next_key(uint64_t k)
{
	k = ht_mix(k);
	return k == HT_EMPTY ? 0 : k;
}

static int name_id(struct trc_sct_writer *w, const char *s, uint32_t *id)
{
	size_t n = strnlen(s, TRC_COMM_MAX - 1);
	uint64_t key, *v;

	if (!n) {
		*id = SCT_NONE;
		return 0;
	}
	if (!w->index.t && ht_init(&w->index, 48))
		return -ENOMEM;
	/* Two names with one hash: the second goes on to the hash of the hash, and so on. */
	for (key = name_hash(s, n); (v = ht_get(&w->index, key)); key = next_key(key)) {
		const uint8_t *e = w->blob + w->name_off[*v];
		if (e[0] == n && !memcmp(e + 1, s, n)) {
			*id = (uint32_t)*v;
			return 0;
		}
	}
	/* A new name: grow the tables (names are few; records never allocate). */
	if (w->nnames == w->names_cap) {
		uint32_t cap = w->names_cap ? w->names_cap * 2 : 64;
		uint32_t *no = realloc(w->name_off, cap * sizeof(*no));
		if (!no)
			return -ENOMEM;
		w->name_off = no;
		w->names_cap = cap;
	}
	if (w->blob_len + n + 1 > w->blob_cap) {
		size_t cap = w->blob_cap ? w->blob_cap * 2 : 4096;
		uint8_t *nb = realloc(w->blob, cap);
		if (!nb)
			return -ENOMEM;
		w->blob = nb;
		w->blob_cap = cap;
	}
	if (w->blob_len + n + 1 > SCT_NAMES_MAX)
		return -E2BIG;
	if (!(v = ht_put(&w->index, key, NULL)))
		return -ENOMEM;
	*v = w->nnames;
	w->name_off[w->nnames] = (uint32_t)w->blob_len;
	w->blob[w->blob_len] = (uint8_t)n;
	memcpy(w->blob + w->blob_len + 1, s, n);
	w->blob_len += n + 1;
	*id = w->nnames++;
	return 0;
}

static void free_writer(struct trc_sct_writer *w)
{
	if (w->fp)
		fclose(w->fp);
	free(w->path);
	free(w->blob);
	free(w->name_off);
	ht_fini(&w->index);
	free(w);
}

int trc_sct_create(struct trc_sct_writer **out, const char *path, const struct trc_sct_source *src,
		   char *err, size_t errlen)
{
	struct trc_sct_writer *w = calloc(1, sizeof(*w));
	uint8_t zero[SCT_HDR] = {0};

	*out = NULL;
	if (!w || !(w->path = strdup(path))) {
		free(w);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	w->src = *src;
	w->fp = fopen(path, "wb");
	if (!w->fp) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		free_writer(w);
		return -e;
	}
	setvbuf(w->fp, NULL, _IOFBF, 1u << 20);
	if (fwrite(zero, 1, SCT_HDR, w->fp) != SCT_HDR) {
		int e = errno ? errno : EIO;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		free_writer(w);
		remove(path);
		return -e;
	}
	*out = w;
	return 0;
}

int trc_sct_write(struct trc_sct_writer *w, const struct trc_rec *rec)
{
	uint8_t b[SCT_REC] = {0};
	uint32_t id;
	int rc = name_id(w, rec->comm, &id);

	if (rc)
		return rc;
	trc_put_le64(b + 0, rec->time_ns);
	trc_put_le64(b + 8, rec->sector);
	trc_put_le64(b + 16, (uint64_t)rec->latency_ns);
	trc_put_le32(b + 24, rec->dev);
	trc_put_le32(b + 28, rec->flags);
	trc_put_le32(b + 32, rec->nsect);
	trc_put_le32(b + 36, rec->pid);
	trc_put_le32(b + 40, id);
	memcpy(b + 48, rec->rwbs, strnlen(rec->rwbs, 7));
	if (fwrite(b, 1, SCT_REC, w->fp) != SCT_REC) {
		w->io_errno = errno ? errno : EIO;
		return -w->io_errno;
	}
	if (!w->count)
		w->first_ns = rec->time_ns;
	w->last_ns = rec->time_ns;
	w->count++;
	return 0;
}

void trc_sct_set_source(struct trc_sct_writer *w, const struct trc_sct_source *src)
{
	w->src = *src;
}

int trc_sct_finish(struct trc_sct_writer *w, char *err, size_t errlen)
{
	uint8_t h[SCT_HDR] = {0};
	int e = w->io_errno;

	if (!e && w->blob_len && fwrite(w->blob, 1, w->blob_len, w->fp) != w->blob_len)
		e = errno ? errno : EIO;
	memcpy(h, SCT_MAGIC, 8);
	trc_put_le32(h + 8, SCT_VERSION);
	trc_put_le32(h + 12, SCT_HDR);
	trc_put_le32(h + 16, SCT_REC);
	trc_put_le32(h + 20, 1); /* complete */
	trc_put_le64(h + 24, w->count);
	trc_put_le64(h + 32, SCT_HDR);
	trc_put_le64(h + 40, SCT_HDR + w->count * SCT_REC);
	trc_put_le64(h + 48, w->nnames);
	trc_put_le64(h + 56, w->blob_len);
	trc_put_le64(h + 64, w->src.size);
	trc_put_le64(h + 72, w->src.fingerprint);
	memcpy(h + 80, w->src.format, strnlen(w->src.format, 15));
	memcpy(h + 96, w->src.name, strnlen(w->src.name, 63));
	h[160] = (uint8_t)w->src.event;
	trc_put_le32(h + 164, w->src.device);
	trc_put_le64(h + 168, w->first_ns);
	trc_put_le64(h + 176, w->last_ns);
	trc_put_le64(h + 248, header_hash(h));
	if (!e && (fseek(w->fp, 0, SEEK_SET) || fwrite(h, 1, SCT_HDR, w->fp) != SCT_HDR))
		e = errno ? errno : EIO;
	if (!e && fflush(w->fp))
		e = errno ? errno : EIO;
	if (fclose(w->fp) && !e)
		e = errno ? errno : EIO;
	w->fp = NULL;
	if (e) {
		snprintf(err, errlen, "%s: %s", w->path, strerror(e));
		remove(w->path);
	}
	free_writer(w);
	return -e;
}

void trc_sct_abort(struct trc_sct_writer *w)
{
	if (!w)
		return;
	if (w->fp) {
		fclose(w->fp);
		w->fp = NULL;
	}
	remove(w->path);
	free_writer(w);
}

/* ---- reader ---- */

static int sct_fail(struct trc *t, uint64_t off, const char *msg)
{
	trc_fail_off(t, t->path, off, "%s", msg);
	return -EINVAL;
}

static int sct_open(struct trc *t)
{
	struct sct *s = calloc(1, sizeof(*s));
	char msg[200];

	if (!s)
		return -ENOMEM;
	t->priv = s;
	for (unsigned i = 0; i < 16; i++) /* empty: the word 0 (of slot 0) or 1 (slot 9) */
		s->seen[i].rwbs = sct_seen_slot(0) != i ? 0 : 1;
	size_t n = trc_in_need(&t->in, SCT_HDR);
	const uint8_t *h = t->in.p;
	if (n < SCT_HDR) {
		snprintf(msg, sizeof(msg), "header truncated (%zu of %u bytes)", n, SCT_HDR);
		return sct_fail(t, 0, msg);
	}
	if (memcmp(h, SCT_MAGIC, 8))
		return sct_fail(t, 0, "not an .sct trace (bad magic)");
	if (trc_le32(h + 8) != SCT_VERSION) {
		snprintf(msg, sizeof(msg), "unsupported .sct version %u (expected %u)", trc_le32(h + 8),
			 SCT_VERSION);
		return sct_fail(t, 8, msg);
	}
	if (trc_le32(h + 12) != SCT_HDR || trc_le32(h + 16) != SCT_REC || trc_le64(h + 32) != SCT_HDR)
		return sct_fail(t, 12, "bad header or record size (expected 256 and 64)");
	if (header_hash(h) != trc_le64(h + 248))
		return sct_fail(t, 248, "header checksum mismatch (damaged header)");
	if (!(trc_le32(h + 20) & 1))
		return sct_fail(t, 20, "incomplete trace (the writer did not finish)");
	s->count = trc_le64(h + 24);
	uint64_t names_off = trc_le64(h + 40);
	s->nnames = trc_le64(h + 48);
	uint64_t names_bytes = trc_le64(h + 56);
	if (s->count > (UINT64_MAX - SCT_HDR) / SCT_REC || names_off != SCT_HDR + s->count * SCT_REC) {
		snprintf(msg, sizeof(msg), "record count %llu does not match the names offset 0x%llx",
			 (unsigned long long)s->count, (unsigned long long)names_off);
		return sct_fail(t, 24, msg);
	}
	if (names_bytes > SCT_NAMES_MAX || s->nnames > names_bytes ||
	    (t->in.size && names_off + names_bytes != t->in.size)) {
		snprintf(msg, sizeof(msg),
			 "file size %llu does not match the header (%llu records, %llu bytes of names)",
			 (unsigned long long)t->in.size, (unsigned long long)s->count,
			 (unsigned long long)names_bytes);
		return sct_fail(t, 40, msg);
	}
	memcpy(s->info.format, h + 80, 15);
	memcpy(s->info.name, h + 96, 63);
	s->info.size = trc_le64(h + 64);
	s->info.fingerprint = trc_le64(h + 72);
	s->info.event = (char)h[160];
	s->info.device = trc_le32(h + 164);
	if (t->opts.event && s->info.event && t->opts.event != s->info.event) {
		snprintf(msg, sizeof(msg),
			 "this trace was converted with --event %c; convert the source again for --event %c",
			 s->info.event, t->opts.event);
		trc_fail_off(t, t->path, 160, "%s", msg);
		return -ENOTSUP;
	}

	/* The name table sits after the records: read it once, now. TRC_COMM_MAX zero bytes
	 * after it let sct_next copy a fixed TRC_COMM_MAX - 1 bytes of any entry (a constant-size
	 * copy; the bytes after the name's NUL are not part of the record's comm). */
	s->names = calloc(1, names_bytes + TRC_COMM_MAX);
	s->name_off = malloc((s->nnames ? s->nnames : 1) * sizeof(*s->name_off));
	if (!s->names || !s->name_off)
		return -ENOMEM;
	if (t->in.fd >= 0) {
		size_t got = 0;
		while (got < names_bytes) {
			ssize_t r = pread(t->in.fd, s->names + got, names_bytes - got,
					  (off_t)(names_off + got));
			if (r <= 0)
				return sct_fail(t, names_off + got, "name table truncated");
			got += (size_t)r;
		}
	} else {
		memcpy(s->names, t->mem + names_off, names_bytes);
	}
	uint64_t o = 0;
	for (uint64_t i = 0; i < s->nnames; i++) {
		if (o >= names_bytes || o + 1 + s->names[o] > names_bytes || s->names[o] >= TRC_COMM_MAX)
			return sct_fail(t, names_off + o, "bad name table entry");
		s->name_off[i] = (uint32_t)o;
		o += 1 + (uint64_t)s->names[o];
	}
	if (o != names_bytes)
		return sct_fail(t, names_off + o, "name table longer than its entries");
	trc_in_skip(&t->in, SCT_HDR);
	if (s->info.event)
		t->event = s->info.event;
	t->has_device = t->opts.has_device || s->count;
	if (!t->opts.has_device)
		t->device = s->info.device;
	if (t->opts.has_device && s->count && t->opts.device != s->info.device) {
		snprintf(t->err, sizeof(t->err), "%s: device %u,%u is not in the trace (it holds %u,%u)",
			 t->path, TRC_MAJOR(t->opts.device), TRC_MINOR(t->opts.device),
			 TRC_MAJOR(s->info.device), TRC_MINOR(s->info.device));
		return -ENODEV;
	}
	return 0;
}

const struct trc_sct_source *trc_sct_info(const struct trc *t, uint64_t *count)
{
	const struct sct *s = t->fmt == &trc_fmt_sct ? t->priv : NULL;

	if (!s)
		return NULL;
	if (count)
		*count = s->count;
	return &s->info;
}

static char sct_event(const struct trc *t)
{
	const struct sct *s = t->priv;
	return s->info.event;
}

/* Always inline: into trc_next's direct call (sct.h), with link-time optimisation (a second frame
 * and an indirect call less per record); trc_fmt_sct.next keeps an out-of-line copy. */
__attribute__((always_inline)) inline enum trc_status sct_next(struct trc *t, struct trc_rec *rec)
{
	struct sct *s = t->priv;

	if (s->next_index >= s->count)
		return TRC_EOF;
	uint64_t off = trc_in_offset(&t->in);
	size_t n = (size_t)(t->in.end - t->in.p);
	if (n < SCT_REC)
		n = trc_in_need(&t->in, SCT_REC); /* refill only when the buffer runs dry */
	if (n < SCT_REC) {
		t->fatal = true;
		return trc_fail_off(t, t->path, off, "record truncated (%zu of %u bytes)", n, SCT_REC);
	}
	const uint8_t *b = t->in.p;
	trc_in_skip(&t->in, SCT_REC);
	s->next_index++;
	sct_fields(rec, b);
	uint32_t id = trc_le32(b + 40);
	t->pos.path = t->path;
	t->pos.line = 0;
	t->pos.offset = off;
	bool zoned;
	uint32_t fl;
	uint64_t rwbs_word;
	memcpy(&rwbs_word, rec->rwbs, 8);
	unsigned slot = sct_seen_slot(rwbs_word);
	/* a pair checked before (traces use a handful of them) is not checked again */
	if (s->seen[slot].rwbs != rwbs_word || s->seen[slot].flags != rec->flags) {
		if (!memchr(rec->rwbs, '\0', 8) ||
		    !trc_rwbs_to_flags(rec->rwbs, strlen(rec->rwbs), &fl, &zoned) || zoned)
			return trc_fail_off(t, t->path, off + 48, "bad RWBS in record %llu",
					    (unsigned long long)(s->next_index - 1));
		/* The writer stores what a reader produced; anything else is damage (found by
		 * fuzzing: a flipped flag bit must not yield a record whose RWBS and flags
		 * disagree). */
		if (fl != rec->flags)
			return trc_fail_off(t, t->path, off + 28,
					    "flags 0x%x disagree with RWBS '%s' in record %llu", rec->flags,
					    rec->rwbs, (unsigned long long)(s->next_index - 1));
		s->seen[slot].rwbs = rwbs_word;
		s->seen[slot].flags = fl;
	}
	if (!rec->nsect && rec->sector)
		return trc_fail_off(t, t->path, off + 8, "sector %llu without a size in record %llu",
				    (unsigned long long)rec->sector, (unsigned long long)(s->next_index - 1));
	if (rec->latency_ns < -1)
		return trc_fail_off(t, t->path, off + 16, "negative latency in record %llu",
				    (unsigned long long)(s->next_index - 1));
	if (id != SCT_NONE && id >= s->nnames)
		return trc_fail_off(t, t->path, off + 40, "name id %u out of range (%llu names)", id,
				    (unsigned long long)s->nnames);
	sct_comm(s, id, rec);
	return TRC_OK;
}

/*
 * The records after the last one handed out that trc_next may hand out as they are (t->ahead_p
 * to t->ahead_end): up to SCT_AHEAD of those in the input's buffer, up to the first that
 * sct_next would refuse (its RWBS and flags not a pair seen[] holds, a sector without a size, a
 * latency below -1, a name id out of range) or that the reader core would not hand out (another
 * device than t->device, a range past 2^64 bytes, a time before the one before it). They are
 * consumed from the input now (as sct_next would, record by record); t->pos is the last record
 * handed out, its offset one record before the first of them, as sct_take moves it on. Only for
 * a reader in order, its window empty, nothing pending (trc_next's ordered path).
 */
#define SCT_AHEAD 256u
#define SCT_LAST_SECTOR (1ULL << 55) /* the reader core's bound: a range ends within 2^64 bytes */

bool sct_check_ahead(struct trc *t)
{
	struct sct *s = t->priv;
	const uint8_t *const p = t->in.p;
	const uint8_t *b = p, *end;
	uint64_t k = s->count - s->next_index, last = t->last_emitted_ns;
	const size_t avail = (size_t)(t->in.end - p) / SCT_REC;
	const uint32_t dev = t->device;
	const uint64_t nnames = s->nnames;

	if (!t->has_device) /* (an .sct with records always has: sct_open) */
		return false;
	if (k > avail)
		k = avail;
	if (k > SCT_AHEAD)
		k = SCT_AHEAD;
	for (end = p + (size_t)k * SCT_REC; b != end; b += SCT_REC) {
		const uint64_t rwbs = trc_le64(b + 48), sector = trc_le64(b + 8), time = trc_le64(b);
		const uint32_t nsect = trc_le32(b + 32);
		const unsigned slot = sct_seen_slot(rwbs);

		if (s->seen[slot].rwbs != rwbs || s->seen[slot].flags != trc_le32(b + 28))
			break;
		/* nsect 0: no sector; else the range ends within 2^64 bytes */
		if (sector > (nsect ? SCT_LAST_SECTOR - nsect : 0))
			break;
		if ((int64_t)trc_le64(b + 16) < -1)
			break;
		if ((uint32_t)(trc_le32(b + 40) + 1) > nnames) /* SCT_NONE + 1 is 0 */
			break;
		if (trc_le32(b + 24) != dev || time < last)
			break;
		last = time;
	}
	if (b == p)
		return false;
	const size_t n = (size_t)(b - p);
	t->pos.path = t->path;
	t->pos.line = 0;
	t->pos.offset = trc_in_offset(&t->in) - SCT_REC;
	t->ahead_p = p;
	t->ahead_end = b;
	trc_in_skip(&t->in, n);
	s->next_index += n / SCT_REC;
	return true;
}

static void sct_close(struct trc *t)
{
	struct sct *s = t->priv;

	if (s) {
		free(s->names);
		free(s->name_off);
		free(s);
	}
	t->priv = NULL;
}

static bool sct_probe(const uint8_t *head, size_t len)
{
	return len >= 8 && !memcmp(head, SCT_MAGIC, 8);
}

const struct trc_format trc_fmt_sct = {
	.name = "sct", .help = "this program's binary format",
	.probe = sct_probe, .open = sct_open, .next = sct_next, .close = sct_close,
	.event = sct_event, .checks = TRC_TAKES_EVENT,
	.ordered = true, .own_device = true, .binary = true,
};
