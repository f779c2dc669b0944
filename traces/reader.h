/* SPDX-License-Identifier: GPL-2.0 */
/* reader.h - one streaming interface over every trace format; records come out normalised. */
#ifndef SSDCACHE_READER_H
#define SSDCACHE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A reader turns a trace file into trc_rec records, one at a time, in the order the
 * simulator must see them, with memory independent of the trace's length. Format detail
 * stays inside the reader. Errors carry a position: file + line for text, file + byte
 * offset for binary formats ("oltp.blkparse.txt:1042: field 6: bad RWBS 'Q' (expected ...)").
 */

/* Operation and flags of a request, as blkparse's RWBS letters say. */
#define TRC_READ (1u << 0)
#define TRC_WRITE (1u << 1)
#define TRC_DISCARD (1u << 2)
#define TRC_FLUSH (1u << 3)  /* leading F: preflush (an empty flush when nsect == 0) */
#define TRC_FUA (1u << 4)    /* trailing F */
#define TRC_SYNC (1u << 5)
#define TRC_META (1u << 6)
#define TRC_AHEAD (1u << 7)
#define TRC_SECURE (1u << 8)
#define TRC_NONE (1u << 9)   /* 'N': no data direction (e.g. "FN") */
/* 'B': a barrier (kernels up to 2.6.36, e.g. "WBS"). Always with TRC_FLUSH | TRC_FUA, which is
 * what a barrier asks of the device: earlier writes on media first, then this one durable. The
 * bit only keeps the RWBS spelling (op, A, B, S, M, without the F letters). */
#define TRC_BARRIER (1u << 10)

#define TRC_DEV(maj, min) (((uint32_t)(maj) << 20) | ((uint32_t)(min) & 0xfffff))
#define TRC_MAJOR(dev) ((uint32_t)(dev) >> 20)
#define TRC_MINOR(dev) ((uint32_t)(dev) & 0xfffff)

#define TRC_COMM_MAX 32

struct trc_rec {
	uint64_t time_ns;    /* from the trace's start (readers keep the trace's own zero) */
	uint32_t dev;        /* TRC_DEV(major, minor) */
	uint32_t flags;      /* TRC_* */
	uint64_t sector;     /* 512-byte sectors; 0 for a request without a range */
	uint32_t nsect;      /* 0 for a request without a range (an empty flush) */
	uint32_t pid;
	int64_t latency_ns;  /* measured device latency (D..C, or the trace's ResponseTime); -1: unknown */
	char rwbs[8];        /* as blkparse prints it for this event ("FWFSM"), NUL-terminated */
	char comm[TRC_COMM_MAX]; /* process name, "" if unknown */
};

enum trc_status { TRC_OK, TRC_EOF, TRC_EBAD };

/* Where a record or an error comes from. path points into the reader: valid until trc_close. */
struct trc_pos {
	const char *path;
	uint64_t line;   /* text formats: 1-based; 0 for binary */
	uint64_t offset; /* binary formats: byte offset of the record */
};

/* One block-layer event of a blkparse or blktrace trace (see trc_opts.on_event). */
struct trc_event {
	uint64_t time_ns;    /* as the records' (from the trace's zero) */
	uint64_t sector;     /* as printed (0 for an event without a range) */
	uint32_t nsect;      /* 0 without a range (an empty flush, a zero-byte completion) */
	uint32_t dev;
	uint32_t pid;
	uint32_t flags;      /* TRC_* from the event's RWBS */
	char act;            /* 'Q', 'G', 'I', 'M' (back merge), 'F' (front merge), 'D', 'C', 'R',
			      * 'X' (split: sector / split_sector, nsect 0) */
	uint64_t split_sector; /* 'X': where the second part starts */
	const char *comm;    /* NULL or comm_len bytes (never for C: blkparse prints the error) */
	size_t comm_len;
};

/* What the user asked for; zero-initialise, then set. */
struct trc_opts {
	const char *format;  /* NULL: detect by content; or a name of trc_format_names() */
	char event;          /* blkparse/blktrace: 'Q' (default when 0), 'D' or 'C' */
	bool has_device;     /* --device given */
	uint32_t device;     /* TRC_DEV(maj, min) */
	bool lenient;        /* skip bad records (counted), instead of stopping at the first */
	/* Zero keeps the defaults for the fields below. */
	bool fingerprint;    /* hash the input bytes while reading (trc_fingerprint(), for .sct) */
	unsigned window;     /* reorder window in records; 0: TRC_WINDOW_DEFAULT */
	unsigned time_unit;  /* TRC_TU_*: timestamps of the CSV formats; 0: the format's own */
	const char *csv;     /* --csv column map of --format csv (docs/traces.md); not copied */
	/* Blkparse and blktrace traces call on_event(event_ctx, ev)
	 * for every Q, G, I, M, F, D, C, R and X event of the chosen device, in input order (before
	 * the reorder window), from inside trc_next; NULL: no calls. Malformed lines of the
	 * events only the observer wants (G, I, M, F, X, and D/C in Q mode) are skipped silently, as
	 * without an observer. trace stats builds its btt-style latency breakdown from them. */
	void (*on_event)(void *event_ctx, const struct trc_event *ev);
	void *event_ctx;
};

/* Time units of --time-unit (filetime: Windows 100 ns ticks, MSR's own). */
enum { TRC_TU_DEFAULT, TRC_TU_NS, TRC_TU_US, TRC_TU_MS, TRC_TU_S, TRC_TU_FILETIME };
/* "ns", "us", "ms", "s", "filetime" (as --time-unit takes them); "default" for 0. */
const char *trc_time_unit_name(unsigned unit);

#define TRC_WINDOW_DEFAULT 1024

/* Counters a reader keeps; printed by `trace stats` and the simulator's summary. */
struct trc_counts {
	uint64_t records;        /* returned */
	uint64_t skipped_lines;  /* non-request lines (plug, merges, messages, footer, other events) */
	uint64_t skipped_bad;    /* malformed records skipped under lenient */
	struct trc_pos first_bad;
	char first_bad_msg[256];
	uint64_t skipped_zoned;  /* zoned commands (ZA, ZR, ...) */
	uint64_t skipped_other_dev;
	uint64_t reordered;      /* small time inversions reordered */
	uint64_t inversions;     /* --lenient: records skipped because they went back in time beyond
				  * the reorder window (an error otherwise) */
	uint64_t remaps;         /* 'A' events folded */
	uint64_t unpaired;       /* --event D/C: records whose D..C pair was not found (latency -1) */
	uint64_t requeues;       /* 'R' events: the dispatch they undo is emitted with latency -1 */
	uint64_t skipped_pc;     /* SCSI pass-through (BLK_TC_PC) events: not block requests */
	struct trc_pos first_inversion; /* first record skipped for going back in time */
	uint64_t max_inversion_ns;      /* largest backwards step skipped */
	char skipped_unit[8];    /* what skipped_lines counts: "lines" (text) or "records" (binary) */
};

struct trc; /* an open reader */

/* Open path with opts. Returns 0, or -errno with a located message in err: -ENOENT and the like
 * for the file, -EINVAL for bad content or options, -ENOTUNIQ when the trace holds several
 * devices and opts chose none, -ENODEV when opts.device is not the .sct's device, -ENOTSUP when
 * an option does not apply to this trace (--event on a format without events, or not the event
 * an .sct was converted with). A device-selection pre-scan reads the whole trace once when
 * opts.has_device is false, so errors anywhere in the file can surface here. */
int trc_open(struct trc **out, const char *path, const struct trc_opts *opts, char *err,
	     size_t errlen);
/* Next record. TRC_EBAD: trc_error() says what and where; the reader can not continue. */
enum trc_status trc_next(struct trc *t, struct trc_rec *rec);
const char *trc_error(const struct trc *t);
/* trc_next for a caller that stops at a bad record: 1 a record, 0 the end, -EIO a bad record
 * (trc_error() copied into err). */
int trc_read_end(struct trc *t, enum trc_status st, char *err, size_t errlen);
/* Inline: a call per record less (trc_read_end turns anything but a record into 0 or -EIO). */
static inline int trc_read_next(struct trc *t, struct trc_rec *rec, char *err, size_t errlen)
{
	enum trc_status st = trc_next(t, rec);

	return st == TRC_OK ? 1 : trc_read_end(t, st, err, errlen);
}
/* Position of the last record returned (or of the error). */
const struct trc_pos *trc_position(const struct trc *t);
const struct trc_counts *trc_counts(const struct trc *t);
const char *trc_format_name(const struct trc *t);
/* Total size of the input in bytes (for progress), 0 if unknown; bytes consumed so far. */
uint64_t trc_size_bytes(const struct trc *t);
uint64_t trc_bytes_done(const struct trc *t);
void trc_close(struct trc *t);
/* For tests (a process-wide tally, not thread-safe): trace files opened and bytes read from them
 * (read(), or mapped: a mapping counts the file's size once) by every reader of the process, so
 * a test can prove how often a command reads a trace. */
struct trc_io_counts {
	uint64_t opens, bytes;
};
extern struct trc_io_counts trc_io_counts;

/* Open a trace held in memory (tests, fuzzers): name is used in messages only. data must stay
 * valid until trc_close. A blktrace image is read as one stream (a merged or single-CPU file).
 * Returns 0, or -errno with a located message in err. */
int trc_open_mem(struct trc **out, const char *name, const void *data, size_t len,
		 const struct trc_opts *opts, char *err, size_t errlen);
/* Non-fatal findings, one per line ("" if none): missing CPU files, cpu fields that disagree
 * with the file name, the device chosen among several, large time inversions. */
const char *trc_warnings(const struct trc *t);
/* The device records come from (after --device or the automatic choice); false if none. */
bool trc_device(const struct trc *t, uint32_t *dev);
/* The event that defines a request for this reader ('Q', 'D', 'C'; 0 for formats without
 * events). */
char trc_event(const struct trc *t);
/* 64-bit hash of the input bytes consumed, valid at EOF when opts.fingerprint was set. */
uint64_t trc_fingerprint(const struct trc *t);
/* The files the trace at path is read from, in reading order: path itself, or, when path does
 * not exist, the per-CPU files NAME.blktrace.0, .1, ... of the capture NAME (as trc_open
 * resolves it). Returns their number (>= 1) with *files (free() each and the array), -ENOENT
 * when there is neither, or -errno. */
int trc_source_files(const char *path, char ***files);
/* true if name is one of the registered formats (traces/registry.c's table). */
bool trc_format_known(const char *name);
/* One reader option as a command line gives it (trc_opt_at lists them): "format" (a name of
 * trc_format_names; "did you mean" when close), "event", "device" (MAJ,MIN or MAJ:MIN),
 * "lenient" (value unused), "time-unit" (ns|us|ms|s|filetime) or "csv" (a column map; implies
 * --format csv; value must outlive the options). 0, or -EINVAL with "bad --NAME 'VALUE'
 * (expected ...)" in err. Every command that reads a trace parses these through here. */
int trc_opts_set(struct trc_opts *o, const char *name, const char *value, char *err, size_t errlen);
/* The registered formats' names (traces/registry.c's table, the one list of them) joined by sep,
 * e.g. "sct|blktrace|...|csv"; returns the length it needed (as snprintf), NUL-terminated within
 * len. */
size_t trc_format_names(char *buf, size_t len, const char *sep);
/* The --help lines of the reader options named in names (space-separated, e.g. "event device
 * lenient"; NULL: all), from the reader's option table: "  --NAME ARG" and the text from column
 * width, wrapped before column 80 (one of four static buffers used in turn: a printf may take
 * up to four of these at once). The same in every command that reads traces. */
const char *trc_opts_help(const char *names, int width);
/* trc_opts_help("format", width): --format F with every format's name. */
const char *trc_opts_help_format(int width);
/* trc_opts_help("time-unit csv", width). */
const char *trc_opts_help_csv(int width);
/* The reader options in --help order, for building a command line's option table: the i-th
 * one's name and whether it takes a value; false past the last. */
bool trc_opt_at(size_t i, const char **name, bool *has_value);
/* Every format with what it is ("blkparse (text), blktrace (binary, ...) and csv (...)"),
 * wrapped before column 80 with every line indented to indent (a static buffer). */
const char *trc_formats_help(int indent);

/* ---- .sct: the compact binary trace (fixed 64-byte little-endian records after a 256-byte
 * header; see docs/traces.md). A converted trace keeps the reader's choices (event, device). */
struct trc_sct_source {
	char format[16];      /* format of the source ("blkparse", "gen", ...) */
	char name[64];        /* basename of the source */
	uint64_t size;        /* bytes of the source */
	uint64_t fingerprint; /* trc_fingerprint() of the source (0: unknown) */
	char event;           /* 'Q', 'D', 'C' or 0 */
	uint32_t device;      /* TRC_DEV of the records */
};
struct trc_sct_writer;
/* Create path (truncating). Allocates; returns 0 or -errno with a message in err. */
int trc_sct_create(struct trc_sct_writer **out, const char *path, const struct trc_sct_source *src,
		   char *err, size_t errlen);
/* Append one record (buffered; does not allocate except for a new process name). */
int trc_sct_write(struct trc_sct_writer *w, const struct trc_rec *rec);
/* Replace the source description (size and fingerprint are known only after reading). */
void trc_sct_set_source(struct trc_sct_writer *w, const struct trc_sct_source *src);
/* Write the process-name table and the final header, close, free. 0 or -errno (message in err). */
int trc_sct_finish(struct trc_sct_writer *w, char *err, size_t errlen);
/* Give up: close, remove the partial file, free. */
void trc_sct_abort(struct trc_sct_writer *w);
/* The header of an open .sct reader (NULL for other formats); record count in *count. */
const struct trc_sct_source *trc_sct_info(const struct trc *t, uint64_t *count);

/* RWBS text for flags, as blkparse prints it (e.g. TRC_FLUSH|TRC_WRITE|TRC_FUA|TRC_SYNC|TRC_META -> "FWFSM"). */
void trc_flags_to_rwbs(uint32_t flags, char out[8]);

#endif
