// SPDX-License-Identifier: GPL-2.0
/* blktrace.c - reader for blktrace binary files: per-CPU NAME.blktrace.N or one merged file. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/base/hashtab.h"
#include "traces/blkev.h"

/*
 * struct blk_io_trace (blktrace_api.h), 48 bytes, in the byte order of the traced machine:
 *   0 magic (0x65617400 | version 7)   4 sequence   8 time (ns)   16 sector   24 bytes
 *   28 action (category << 16 | action) 32 pid      36 device (kernel dev_t: major << 20 | minor)
 *   40 cpu   44 error (u16)   46 pdu_len (u16), then pdu_len bytes of payload.
 * The remap payload (struct blk_io_trace_remap) is big-endian: device_from, device_to,
 * sector_from. Process notes (BLK_TN_PROCESS) carry the name of their pid.
 *
 * Ordering reproduces blkparse -i (blkparse.c do_file/handle/ms_sort): one stream per file in
 * CPU order, each read in file order; the stream whose head is oldest goes next, and after each
 * record the stream moves back only if its new head is strictly later than the next stream's.
 * Time zero (genesis) is the oldest head once all streams are primed; notes do not count.
 */

#define BT_MAGIC 0x65617400u
#define BT_VERSION 0x07u
#define BT_HDR 48
#define TC_SHIFT 16
#define TC_WRITE (1u << 1)
#define TC_FLUSH (1u << 2)   /* BLK_TC_BARRIER up to 2.6.36, BLK_TC_FLUSH (preflush) since */
#define TC_SYNC (1u << 3)
#define TC_PC (1u << 9)
#define TC_NOTIFY (1u << 10)
#define TC_AHEAD (1u << 11)
#define TC_META (1u << 12)
#define TC_DISCARD (1u << 13)
#define TC_FUA (1u << 15)
#define TA_QUEUE 1
#define TA_BACKMERGE 2
#define TA_FRONTMERGE 3
#define TA_GETRQ 4
#define TA_INSERT 12
#define TA_SPLIT 13
#define TA_REQUEUE 6
#define TA_ISSUE 7
#define TA_COMPLETE 8
#define TA_REMAP 15
#define TA_CGROUP (1u << 8) /* kernel >= 4.14: an 8-byte cgroup id precedes the payload */
#define TN_PROCESS (0u | (TC_NOTIFY << TC_SHIFT))
#define TN_MESSAGE (2u | (TC_NOTIFY << TC_SHIFT))
#define NIL 0xffffffffu
#define PID_MAX_NAMES (1u << 19) /* process names kept (later pids get none) */
#define STREAMS_MAX 4096

struct bt_rec {
	uint64_t time, sector, off;
	uint32_t seq, bytes, action, pid, dev, cpu;
	uint16_t error, pdu_len;
	uint8_t pdu[32]; /* the first bytes of the payload: enough for a cgroup id and a remap */
};

struct bt_stream {
	char *path;
	struct trc_in in;
	long cpu_from_name; /* -1: a single or merged file */
	int big_endian;     /* -1 until the first record */
	bool cpu_warned;
	bool done;
	bool resync;        /* lenient: look for the next magic after a bad record */
	struct bt_rec head;
	uint32_t next;      /* ordered list of streams by head time */
};

struct bt {
	struct blk_asm a;
	struct bt_stream *s;
	uint32_t ns;
	uint32_t list;      /* first stream of the ordered list */
	uint32_t pending;   /* stream whose head was consumed and must be reloaded */
	uint32_t primed;    /* streams loaded so far during start-up */
	bool started;
	uint64_t genesis;
	bool before_genesis_warned;
	struct hashtab pids;         /* pid -> its name's index in comms (sim/base/hashtab) */
	char (*comms)[TRC_COMM_MAX];
	uint32_t ncomms, comms_cap;
	bool last_valid;             /* pid_get's answer for last_pid (events come in runs of one pid) */
	uint32_t last_pid;
	const char *last_comm;
};

/* ---- files ---- */

static bool digits_only(const char *s)
{
	if (!*s || strlen(s) > 6)
		return false;
	for (; *s; s++)
		if (!trc_isdigit(*s))
			return false;
	return true;
}

struct cpu_file {
	long cpu;
	char *path;
};

static int cmp_cpu(const void *a, const void *b)
{
	const struct cpu_file *x = a, *y = b;
	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

/* All PREFIX.blktrace.N next to prefix, sorted by N. Returns the count or -errno. */
static int list_cpu_files(const char *prefix, struct cpu_file **out)
{
	char *copy = strdup(prefix);
	if (!copy)
		return -ENOMEM;
	char *slash = strrchr(copy, '/');
	const char *dir = ".", *base = copy;
	if (slash) {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		base = slash + 1;
	}
	DIR *d = opendir(dir);
	if (!d) {
		int e = errno;
		free(copy);
		return -e;
	}
	struct cpu_file *files = NULL;
	int n = 0, cap = 0, rc = 0;
	size_t blen = strlen(base);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, base, blen) || strncmp(de->d_name + blen, ".blktrace.", 10) ||
		    !digits_only(de->d_name + blen + 10))
			continue;
		if (n == STREAMS_MAX) {
			rc = -E2BIG;
			break;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			struct cpu_file *nf = realloc(files, (size_t)cap * sizeof(*files));
			if (!nf) {
				rc = -ENOMEM;
				break;
			}
			files = nf;
		}
		size_t len = strlen(dir) + 1 + strlen(de->d_name) + 1;
		files[n].path = malloc(len);
		if (!files[n].path) {
			rc = -ENOMEM;
			break;
		}
		if (slash)
			snprintf(files[n].path, len, "%s/%s", dir, de->d_name);
		else
			snprintf(files[n].path, len, "%s", de->d_name);
		files[n].cpu = strtol(de->d_name + blen + 10, NULL, 10);
		n++;
	}
	closedir(d);
	free(copy);
	if (rc) {
		for (int i = 0; i < n; i++)
			free(files[i].path);
		free(files);
		return rc;
	}
	if (n)
		qsort(files, (size_t)n, sizeof(*files), cmp_cpu);
	*out = files;
	return n;
}

/* The trace is the one file (or memory image) path: 1, or -ENOMEM. */
static int one_file(const char *path, struct cpu_file **out)
{
	struct cpu_file *f = calloc(1, sizeof(*f));
	if (!f || !(f->path = strdup(path))) {
		free(f);
		return -ENOMEM;
	}
	f->cpu = -1;
	*out = f;
	return 1;
}

/* A missing path NAME stands for the capture's NAME.blktrace.N files (trc_format.sources). */
static int bt_sources(const char *path, char ***files)
{
	struct cpu_file *f = NULL;
	int n = list_cpu_files(path, &f);
	char **v = n > 0 ? malloc((size_t)n * sizeof(*v)) : NULL;

	if (n > 0 && !v) {
		for (int i = 0; i < n; i++)
			free(f[i].path);
		n = -ENOMEM;
	}
	for (int i = 0; v && i < n; i++)
		v[i] = f[i].path;
	free(f);
	*files = v;
	return n;
}

/* An empty NAME.blktrace.N is one CPU's file of a capture: the capture is read. */
static bool bt_claims_empty(const char *path)
{
	const char *dot = strstr(path, ".blktrace.");
	return dot && dot[10] && strspn(dot + 10, "0123456789") == strlen(dot + 10);
}

/* ---- records ---- */

static inline uint32_t ld32(const uint8_t *p, int be)
{
	return be ? trc_be32(p) : trc_le32(p);
}

static inline uint64_t ld64(const uint8_t *p, int be)
{
	return be ? trc_be64(p) : trc_le64(p);
}

/* trc_in_need, without the call when the buffer already holds the bytes (once per record) */
static inline size_t need(struct trc_in *in, size_t n)
{
	size_t have = (size_t)(in->end - in->p);
	return have >= n ? have : trc_in_need(in, n);
}

static void pid_set(struct bt *bt, uint32_t pid, const uint8_t *name, size_t len)
{
	uint64_t *ix;

	if (bt->ncomms >= PID_MAX_NAMES)
		return; /* bounded: later names are not kept */
	if (!bt->pids.t && ht_init(&bt->pids, 128))
		return;
	if (ht_get(&bt->pids, pid))
		return; /* blkparse keeps the first name of a pid */
	if (bt->ncomms == bt->comms_cap) {
		uint32_t cap = bt->comms_cap ? bt->comms_cap * 2 : 128;
		void *nc = realloc(bt->comms, cap * sizeof(*bt->comms));
		if (!nc)
			return;
		bt->comms = nc;
		bt->comms_cap = cap;
	}
	if (!(ix = ht_put(&bt->pids, pid, NULL)))
		return;
	size_t n = strnlen((const char *)name, len);
	if (n >= TRC_COMM_MAX)
		n = TRC_COMM_MAX - 1;
	*ix = bt->ncomms;
	bt->last_valid = false; /* a name for a pid asked about, or comms moved */
	memcpy(bt->comms[bt->ncomms], name, n);
	bt->comms[bt->ncomms++][n] = '\0';
}

static const char *pid_get(struct bt *bt, uint32_t pid)
{
	if (!bt->last_valid || bt->last_pid != pid) {
		const uint64_t *ix = bt->pids.t ? ht_get(&bt->pids, pid) : NULL;

		bt->last_comm = ix ? bt->comms[*ix] : NULL;
		bt->last_pid = pid;
		bt->last_valid = true;
	}
	return bt->last_comm;
}

static bool magic_ok(uint32_t m)
{
	return (m & 0xffffff00u) == BT_MAGIC;
}

/* Lenient: skip to the next position holding a valid magic and version. */
static void resync(struct bt_stream *s)
{
	trc_in_skip(&s->in, 1);
	for (;;) {
		size_t n = trc_in_need(&s->in, BT_HDR);
		if (n < 4) {
			trc_in_skip(&s->in, n);
			return;
		}
		for (size_t i = 0; i + 4 <= n; i++) {
			uint32_t le = trc_le32(s->in.p + i), be = trc_be32(s->in.p + i);
			if ((magic_ok(le) && (le & 0xff) == BT_VERSION) ||
			    (magic_ok(be) && (be & 0xff) == BT_VERSION)) {
				trc_in_skip(&s->in, i);
				return;
			}
		}
		trc_in_skip(&s->in, n - 3);
		if (s->in.eof && (size_t)(s->in.end - s->in.p) < 4) {
			trc_in_skip(&s->in, (size_t)(s->in.end - s->in.p));
			return;
		}
	}
}

/* Load the next request-or-message record of s into s->head (notes are handled here).
 * TRC_EOF: the stream ended. TRC_EBAD: located error; the stream is done unless resync. */
static enum trc_status load(struct trc *t, struct bt *bt, struct bt_stream *s)
{
	if (s->resync) {
		s->resync = false;
		resync(s);
	}
	for (;;) {
		size_t n = need(&s->in, BT_HDR);
		uint64_t off = trc_in_offset(&s->in);
		if (s->in.read_errno) {
			s->done = true;
			t->fatal = true;
			return trc_fail_off(t, s->path, off, "read error: %s", strerror(s->in.read_errno));
		}
		if (n == 0) {
			s->done = true;
			return TRC_EOF;
		}
		if (n < BT_HDR) {
			s->done = true;
			trc_in_skip(&s->in, n);
			return trc_fail_off(t, s->path, off, "record truncated (%zu of %d bytes)", n,
					    BT_HDR);
		}
		const uint8_t *p = s->in.p;
		uint32_t le = trc_le32(p), be = trc_be32(p);
		int big;
		if (magic_ok(le))
			big = 0;
		else if (magic_ok(be))
			big = 1;
		else {
			s->resync = t->opts.lenient;
			s->done = !t->opts.lenient;
			return trc_fail_off(t, s->path, off,
					    "bad magic 0x%08x (expected 0x656174%02x in either byte order)",
					    le, BT_VERSION);
		}
		uint32_t magic = big ? be : le;
		if ((magic & 0xff) != BT_VERSION) {
			s->resync = t->opts.lenient;
			s->done = !t->opts.lenient;
			return trc_fail_off(t, s->path, off,
					    "unsupported blktrace version 0x%02x (expected 0x%02x)",
					    magic & 0xff, BT_VERSION);
		}
		if (s->big_endian >= 0 && big != s->big_endian) {
			s->resync = t->opts.lenient;
			s->done = !t->opts.lenient;
			return trc_fail_off(t, s->path, off, "byte order changes within the file");
		}
		s->big_endian = big;
		struct bt_rec *r = &s->head;
		r->off = off;
		r->seq = ld32(p + 4, big);
		r->time = ld64(p + 8, big);
		r->sector = ld64(p + 16, big);
		r->bytes = ld32(p + 24, big);
		r->action = ld32(p + 28, big);
		r->pid = ld32(p + 32, big);
		r->dev = ld32(p + 36, big);
		r->cpu = ld32(p + 40, big);
		r->error = big ? trc_be16(p + 44) : trc_le16(p + 44);
		r->pdu_len = big ? trc_be16(p + 46) : trc_le16(p + 46);
		size_t total = BT_HDR + (size_t)r->pdu_len;
		n = need(&s->in, total);
		if (n < total) {
			s->done = true;
			trc_in_skip(&s->in, n);
			return trc_fail_off(t, s->path, off, "record truncated (%zu of %zu bytes)", n,
					    total);
		}
		size_t keep = r->pdu_len < sizeof(r->pdu) ? r->pdu_len : sizeof(r->pdu);
		memcpy(r->pdu, s->in.p + BT_HDR, keep);
		if ((r->action & (TC_NOTIFY << TC_SHIFT)) && (r->action & ~TA_CGROUP) == TN_PROCESS &&
		    !t->scan) {
			const uint8_t *name = s->in.p + BT_HDR;
			size_t len = r->pdu_len;
			if (r->action & TA_CGROUP) {
				name += len >= 8 ? 8 : len;
				len = len >= 8 ? len - 8 : 0;
			}
			pid_set(bt, r->pid, name, len);
		}
		trc_in_skip(&s->in, total);
		if ((r->action & (TC_NOTIFY << TC_SHIFT)) && r->action != TN_MESSAGE) {
			t->counts.skipped_lines++;
			continue; /* notes are not ordered events (blkparse handles them when read) */
		}
		if (s->cpu_from_name >= 0 && r->cpu != (uint32_t)s->cpu_from_name && !s->cpu_warned) {
			s->cpu_warned = true;
			trc_warn(t, "%s: records carry cpu %u (first at offset 0x%llx) although the file "
				    "is for CPU %ld; they are read as recorded (blkparse 1.2 drops them: "
				    "'trace info has error cpu')", s->path, r->cpu,
				 (unsigned long long)off, s->cpu_from_name);
		}
		return TRC_OK;
	}
}

/* blkparse's ms_sort: insert before the first stream (after the list head) whose head is not
 * older, or at the front if older than the list head. */
static void ms_sort(struct bt *bt, uint32_t i)
{
	uint64_t ti = bt->s[i].head.time;

	if (bt->list == NIL) {
		bt->list = i;
		bt->s[i].next = NIL;
		return;
	}
	if (ti < bt->s[bt->list].head.time) {
		bt->s[i].next = bt->list;
		bt->list = i;
		return;
	}
	uint32_t x = bt->list;
	while (bt->s[x].next != NIL && bt->s[bt->s[x].next].head.time < ti)
		x = bt->s[x].next;
	bt->s[i].next = bt->s[x].next;
	bt->s[x].next = i;
}

/* TRC_OK with *have when the record is an event the assembler wants; TRC_EBAD if malformed. */
static enum trc_status to_event(struct trc *t, struct bt *bt, const struct bt_stream *s,
				struct blk_ev *ev, bool *have)
{
	const struct bt_rec *r = &s->head;
	uint32_t cats = r->action >> TC_SHIFT;
	uint32_t act = r->action & 0xffff & ~TA_CGROUP;
	char a;

	*have = false;
	if (cats & TC_NOTIFY) {
		t->counts.skipped_lines++; /* a message ("m   N ...") */
		return TRC_OK;
	}
	if (!cats) {
		t->counts.skipped_lines++; /* blkparse prints only actions with a category */
		return TRC_OK;
	}
	if (!(cats & TC_PC))
		trc_seen_event(t, act == TA_QUEUE ? 'Q' : act == TA_ISSUE ? 'D' : act == TA_COMPLETE ? 'C' : 0,
			       r->dev);
	switch (act) {
	case TA_QUEUE:
		a = 'Q';
		break;
	case TA_ISSUE:
		a = 'D';
		break;
	case TA_COMPLETE:
		a = 'C';
		break;
	case TA_REQUEUE:
		a = 'R';
		break;
	case TA_REMAP:
		a = 'A';
		break;
	case TA_GETRQ: /* these four only for the event observer (trc_opts.on_event) */
		a = 'G';
		break;
	case TA_INSERT:
		a = 'I';
		break;
	case TA_BACKMERGE:
		a = 'M';
		break;
	case TA_FRONTMERGE:
		a = 'F';
		break;
	case TA_SPLIT:
		a = 'X';
		break;
	default:
		t->counts.skipped_lines++;
		return TRC_OK;
	}
	if (t->scan && a != 'A' && !(cats & TC_PC)) {
		/* the device pre-scan only needs the device of each event (blk_asm_feed) */
		if (a != bt->a.event)
			return TRC_OK;
		ev->act = a;
		ev->dev = r->dev;
		ev->extra = false;
		*have = true;
		return TRC_OK;
	}
	bool extra = false;
	if (!blk_asm_wants(&bt->a, a)) {
		if (!blk_extra_wanted(&bt->a, t, a)) {
			t->counts.skipped_lines++;
			return TRC_OK;
		}
		extra = true;
	}
	if (cats & TC_PC) {
		if (extra)
			t->counts.skipped_lines++; /* as without the observer */
		else
			t->counts.skipped_pc++;
		return TRC_OK;
	}
	ev->extra = extra;
	/* blkparse_fmt.c fill_rwbs: F, then D / W / R (bytes) / N, then F(FUA), A, S, M.
	 * Bit 2 was BLK_TC_BARRIER until 2.6.36 and is BLK_TC_FLUSH (preflush) since, and the file
	 * does not say which kernel wrote it. Where the two readings differ, a request with data
	 * and no FUA bit (BLK_TC_FUA, which kernels with barriers never set, where newer kernels
	 * set it on the preflushed data writes they issue: journal commits, log writes), it is
	 * read as a barrier: preflush + FUA, printed "WBS" as blkparse printed it then. An empty
	 * one is a cache flush under either reading. */
	uint32_t f = 0;
	if ((cats & TC_FLUSH) && r->bytes && !(cats & (TC_FUA | TC_DISCARD)))
		f |= TRC_BARRIER | TRC_FLUSH | TRC_FUA;
	else if (cats & TC_FLUSH)
		f |= TRC_FLUSH;
	if (cats & TC_DISCARD)
		f |= TRC_DISCARD;
	else if (cats & TC_WRITE)
		f |= TRC_WRITE;
	else if (r->bytes)
		f |= TRC_READ;
	else
		f |= TRC_NONE;
	if (cats & TC_FUA)
		f |= TRC_FUA;
	if (cats & TC_AHEAD)
		f |= TRC_AHEAD;
	if (cats & TC_SYNC)
		f |= TRC_SYNC;
	if (cats & TC_META)
		f |= TRC_META;
	ev->flags = f;
	trc_flags_to_rwbs(f, ev->rwbs);
	ev->act = a;
	ev->pid = r->pid;
	ev->sector = r->sector;
	ev->nsect = r->bytes >> 9; /* blkparse's t_sec() */
	ev->has_range = ev->nsect != 0;
	ev->dev = r->dev;
	if (r->time >= bt->genesis) {
		ev->time_ns = r->time - bt->genesis;
	} else {
		ev->time_ns = 0;
		if (!bt->before_genesis_warned) {
			bt->before_genesis_warned = true;
			trc_warn(t, "%s: offset 0x%llx: record older than the trace's start; time set to 0",
				 s->path, (unsigned long long)r->off);
		}
	}
	ev->pos.path = s->path;
	ev->pos.line = 0;
	ev->pos.offset = r->off;
	ev->comm = NULL;
	ev->comm_len = 0;
	if (a == 'A') {
		size_t skip = (r->action & TA_CGROUP) ? 8 : 0;
		if (r->pdu_len < skip + 16) {
			return trc_fail_off(t, s->path, r->off,
					    "remap record without its payload (%u of %zu bytes)", r->pdu_len,
					    skip + 16);
		}
		/* On disk: device_from, device_to, sector_from; blkparse prints device_to first. */
		ev->remap_from = trc_be32(r->pdu + skip);
		ev->dev = trc_be32(r->pdu + skip + 4);
		ev->remap_sector = trc_be64(r->pdu + skip + 8);
	} else if (a == 'X') {
		/* blkparse prints the payload (a big-endian u64) as the second part's sector */
		size_t skip = (r->action & TA_CGROUP) ? 8 : 0;
		if (r->pdu_len < skip + 8) {
			t->counts.skipped_lines++; /* (an extra event: as without the observer) */
			return TRC_OK;
		}
		ev->remap_sector = trc_be64(r->pdu + skip);
		const char *c = pid_get(bt, r->pid);
		if (c) {
			ev->comm = c;
			ev->comm_len = strlen(c);
		}
	} else if (a != 'C') {
		const char *c = pid_get(bt, r->pid);
		if (c) {
			ev->comm = c;
			ev->comm_len = strlen(c);
		}
	}
	*have = true;
	return TRC_OK;
}

/* The device pre-scan's loop over the records of s already in memory (a mapped file: all of
 * them) that it can judge alone: a whole record in s's byte order, version 7, that is not a
 * remap. It does what load and to_event do with them in scan mode (the devices of the chosen
 * event's records; notes, messages, pass-through and other actions skipped) at a fraction of
 * the cost; anything else (the first record, a remap, a damaged or truncated record, the end of
 * the buffer) is left to them, so that the errors and their positions are theirs. */
static void scan_fast(struct trc *t, struct bt *bt, struct bt_stream *s)
{
	const uint32_t want = bt->a.event == 'Q' ? TA_QUEUE : bt->a.event == 'D' ? TA_ISSUE : TA_COMPLETE;
	const int be = s->big_endian;

	if (be < 0 || s->resync)
		return;
	for (;;) {
		const uint8_t *p = s->in.p, *end = s->in.end;
		/* a chunk at a time, so that a mapped file's pages are given back behind the scan */
		if ((size_t)(end - p) > TRC_MAP_WINDOW)
			end = p + TRC_MAP_WINDOW;
		while ((size_t)(end - p) >= BT_HDR && ld32(p, be) == (BT_MAGIC | BT_VERSION)) {
			size_t total = BT_HDR + (be ? trc_be16(p + 46) : trc_le16(p + 46));
			uint32_t action = ld32(p + 28, be), cats = action >> TC_SHIFT;
			uint32_t act = action & 0xffff & ~TA_CGROUP;

			if (total > (size_t)(end - p) || (act == TA_REMAP && !(cats & (TC_NOTIFY | TC_PC))))
				break;
			if (cats && !(cats & (TC_NOTIFY | TC_PC))) {
				uint32_t dev = ld32(p + 36, be);
				trc_seen_event(t, act == TA_QUEUE ? 'Q' : act == TA_ISSUE ? 'D' :
						  act == TA_COMPLETE ? 'C' : 0, dev);
				if (act == want)
					trc_devset_add(t->devset, dev, NULL);
			}
			p += total;
		}
		size_t n = (size_t)(p - s->in.p);
		trc_in_skip(&s->in, n);
		if (!n || s->in.p != end || end == s->in.end)
			return;
	}
}

static enum trc_status scan_all(struct trc *t, struct bt *bt)
{
	for (uint32_t i = 0; i < bt->ns; i++) {
		struct bt_stream *s = &bt->s[i];
		while (!s->done) {
			scan_fast(t, bt, s);
			enum trc_status st = load(t, bt, s);
			if (st == TRC_EOF)
				break;
			if (st == TRC_EBAD)
				return st;
			struct blk_ev ev;
			bool have;
			if (to_event(t, bt, s, &ev, &have) != TRC_OK)
				return TRC_EBAD;
			if (have)
				blk_asm_feed(&bt->a, t, &ev);
		}
	}
	return TRC_EOF;
}

/* After s's head was consumed: reload it and put s back in order (blkparse ms_deq/ms_resort). */
static enum trc_status advance(struct trc *t, struct bt *bt, uint32_t i)
{
	struct bt_stream *s = &bt->s[i];
	enum trc_status st = s->done ? TRC_EOF : load(t, bt, s);

	if (st == TRC_EBAD && !s->done)
		return st; /* lenient resync: the core retries, we reload the same stream */
	bt->pending = NIL;
	/* s is still at the head of the list. */
	if (st != TRC_OK) {
		bt->list = s->next;
		s->next = NIL;
		return st == TRC_EBAD ? st : TRC_OK;
	}
	if (s->next != NIL && s->head.time > bt->s[s->next].head.time) {
		bt->list = s->next;
		s->next = NIL;
		ms_sort(bt, i);
	}
	return TRC_OK;
}

static enum trc_status bt_next(struct trc *t, struct trc_rec *rec)
{
	struct bt *bt = t->priv;

	if (t->scan) {
		enum trc_status st = scan_all(t, bt);
		return st;
	}
	for (;;) {
		if (blk_asm_pop(&bt->a, t, rec, false))
			return TRC_OK;
		if (!bt->started) {
			/* Prime every stream in CPU order, as blkparse's setup_file does. */
			while (bt->primed < bt->ns) {
				uint32_t i = bt->primed;
				enum trc_status st = load(t, bt, &bt->s[i]);
				if (st == TRC_EBAD && !bt->s[i].done)
					return st; /* lenient: retry this stream */
				bt->primed++;
				if (st == TRC_OK)
					ms_sort(bt, i);
				else if (st == TRC_EBAD)
					return st;
			}
			bt->started = true;
			if (bt->list != NIL)
				bt->genesis = bt->s[bt->list].head.time;
		}
		if (bt->pending != NIL) {
			enum trc_status st = advance(t, bt, bt->pending);
			if (st != TRC_OK)
				return st;
		}
		if (bt->list == NIL)
			return blk_asm_pop(&bt->a, t, rec, true) ? TRC_OK : TRC_EOF;
		uint32_t i = bt->list;
		struct blk_ev ev;
		bool have;
		bt->pending = i;
		if (to_event(t, bt, &bt->s[i], &ev, &have) != TRC_OK)
			return TRC_EBAD;
		if (have)
			blk_asm_feed(&bt->a, t, &ev);
	}
}

static void bt_close(struct trc *t)
{
	struct bt *bt = t->priv;

	if (!bt)
		return;
	for (uint32_t i = 0; i < bt->ns; i++) {
		trc_in_close(&bt->s[i].in);
		free(bt->s[i].path);
	}
	free(bt->s);
	ht_fini(&bt->pids);
	free(bt->comms);
	blk_asm_free(&bt->a);
	free(bt);
	t->priv = NULL;
}

/* The device pre-scan's streams: views of the reader's own (of), each file mapped whole once
 * (trc_in_view), so that the pre-scan neither opens nor reads a file again. */
static int open_views(struct trc *t, struct bt *bt, struct bt *of)
{
	bt->s = calloc(of->ns ? of->ns : 1, sizeof(*bt->s));
	if (!bt->s)
		return -ENOMEM;
	for (uint32_t i = 0; i < of->ns; i++) {
		struct bt_stream *s = &bt->s[i], *o = &of->s[i];
		bt->ns = i + 1;
		s->in.fd = -1;
		if (!(s->path = strdup(o->path)))
			return -ENOMEM;
		s->cpu_from_name = o->cpu_from_name;
		s->big_endian = -1;
		s->next = NIL;
		if (trc_in_view(&s->in, &o->in, s->path)) {
			/* not viewable (a pipe): read it again */
			int rc = trc_in_open_file(&s->in, s->path, 64u << 10, false);
			if (rc) {
				snprintf(t->err, sizeof(t->err), "%s: %s", s->path, strerror(-rc));
				return rc;
			}
		}
	}
	return 0;
}

static int bt_open(struct trc *t)
{
	struct bt *bt = calloc(1, sizeof(*bt));
	struct cpu_file *files = NULL;
	int n, rc;

	if (!bt)
		return -ENOMEM;
	t->priv = bt;
	bt->list = NIL;
	bt->pending = NIL;
	if (blk_asm_init(&bt->a, t->event))
		return -ENOMEM;

	if (t->scan_of)
		return open_views(t, bt, t->scan_of->priv);
	if (t->from_mem) {
		if ((n = one_file(t->path, &files)) < 0)
			return n;
	} else {
		const char *dot = strstr(t->path, ".blktrace.");
		struct stat st;
		if (dot && digits_only(dot + 10)) {
			char *prefix = strndup(t->path, (size_t)(dot - t->path));
			if (!prefix)
				return -ENOMEM;
			n = list_cpu_files(prefix, &files);
			/* One CPU's file of a capture stands for the capture, as blkparse -i NAME
			 * reads it: a CPU's file alone is not a workload (requests queue on one
			 * CPU and complete on another), and CPU 0's is often empty. Say so. */
			if (n > 1)
				trc_warn(t, "%s: one CPU's file of the capture %s: reading its %d CPU "
					    "files (%s.blktrace.N), as blkparse -i %s does",
					 t->path, prefix, n, prefix, prefix);
			free(prefix);
		} else if (stat(t->path, &st) == 0) {
			if ((n = one_file(t->path, &files)) < 0)
				return n;
		} else {
			n = list_cpu_files(t->path, &files);
		}
		if (n < 0) {
			snprintf(t->err, sizeof(t->err), "%s: %s", t->path, strerror(-n));
			return n;
		}
		if (n == 0) {
			snprintf(t->err, sizeof(t->err), "%s: no such file, nor %s.blktrace.N files",
				 t->path, t->path);
			return -ENOENT;
		}
	}
	bt->s = calloc((size_t)n, sizeof(*bt->s));
	if (!bt->s) {
		rc = -ENOMEM;
		goto fail;
	}
	bt->ns = (uint32_t)n;
	for (int i = 0; i < n; i++)
		bt->s[i].in.fd = -1; /* bt_close closes only what was opened */
	/* A fixed read budget shared by the streams: memory does not grow with the trace. */
	size_t cap = (16u << 20) / (size_t)n;
	if (cap < (64u << 10))
		cap = 64u << 10;
	if (cap > (4u << 20))
		cap = 4u << 20;
	long expect = 0;
	uint64_t total = 0; /* t->in.size: the sum of the streams' sizes */
	for (int i = 0; i < n; i++) {
		struct bt_stream *s = &bt->s[i];
		s->path = files[i].path;
		files[i].path = NULL;
		s->cpu_from_name = files[i].cpu;
		s->big_endian = -1;
		s->next = NIL;
		s->in.fd = -1;
		if (files[i].cpu >= 0) {
			/* Name the missing file itself: PREFIX.blktrace.N of this file's PREFIX. */
			const char *dot = strstr(s->path, ".blktrace.");
			for (const char *d; dot && (d = strstr(dot + 1, ".blktrace.")); dot = d)
				;
			int plen = dot ? (int)(dot - s->path) : (int)strlen(s->path);
			for (; expect < files[i].cpu; expect++)
				trc_warn(t, "%.*s.blktrace.%ld: the file for CPU %ld is missing; its events "
					    "are absent (blkparse would stop at the first missing file)", plen,
					 s->path, expect, expect);
			expect = files[i].cpu + 1;
		}
		if (t->from_mem) {
			trc_in_open_mem(&s->in, s->path, t->mem, t->mem_len,
					t->opts.fingerprint && !t->scan);
		} else if (t->in.fd >= 0 && !strcmp(s->path, t->path)) {
			/* the file the format probe opened (and began to read): opened once */
			trc_in_take(&s->in, &t->in, s->path);
		} else {
			rc = trc_in_open_file(&s->in, s->path, cap, t->opts.fingerprint && !t->scan);
			if (rc) {
				snprintf(t->err, sizeof(t->err), "%s: %s", s->path, strerror(-rc));
				goto fail;
			}
		}
		total += s->in.size;
	}
	t->in.size = total;
	free(files);
	return 0;
fail:
	for (int i = 0; files && i < n; i++)
		free(files[i].path);
	free(files);
	return rc;
}

static uint64_t bt_bytes_done(const struct trc *t)
{
	const struct bt *bt = t->priv;
	uint64_t d = 0;

	for (uint32_t i = 0; bt && i < bt->ns; i++)
		d += bt->s[i].in.done;
	return d;
}

static uint64_t bt_fingerprint(struct trc *t)
{
	struct bt *bt = t->priv;
	uint64_t h = 0x243f6a8885a308d3ULL;

	for (uint32_t i = 0; i < bt->ns; i++) {
		h ^= trc_in_hash_final(&bt->s[i].in);
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 31;
	}
	return h;
}

static bool bt_probe(const uint8_t *head, size_t len)
{
	if (len < BT_HDR)
		return false;
	return magic_ok(trc_le32(head)) || magic_ok(trc_be32(head));
}

const struct trc_format trc_fmt_blktrace = {
	.name = "blktrace", .help = "binary, per-CPU NAME.blktrace.N or merged",
	.probe = bt_probe, .open = bt_open, .next = bt_next, .close = bt_close,
	.bytes_done = bt_bytes_done, .fingerprint = bt_fingerprint,
	.sources = bt_sources, .claims_empty = bt_claims_empty,
	.takes = TRC_TAKES_EVENT, .blk_events = true, .own_input = true, .binary = true,
};
