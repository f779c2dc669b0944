/* SPDX-License-Identifier: GPL-2.0 */
/* device.h - device models: given an I/O submitted at now_ns, when does it complete? */
#ifndef SSDCACHE_DEVICE_H
#define SSDCACHE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/base/opt.h"

/*
 * A device model is an ops table (fio's ioengine idea) with an option table. The core
 * allocates priv_size bytes of private state (SQLite's szOsFile idea), applies the option
 * defaults, then the preset's options, then the user's, and calls init().
 *
 * Time is simulated: the model never reads a clock. A submit either completes at a time the
 * model knows at once (DEV_Q_COMPLETED, io->done_ns set), or is queued (DEV_Q_QUEUED) and
 * the model reports it later through env->complete(). A model that needs to act at a later
 * time (a disk finishing a seek, an SSD's GC) asks for env->timer(); the host then calls
 * ops->timer() at that time. Completion times are >= the time of the call that reports them.
 *
 * Data visibility (docs/engine.md §0.4 rule 5): a write's data is visible at its completion; a
 * read returns the contents at its completion. Each model states its ordering contract in its
 * .ordering text (FIFO per direction, FIFO, or scheduled).
 */

#define DEV_ABI 1

enum dev_op { DEV_READ, DEV_WRITE, DEV_FLUSH, DEV_DISCARD };

struct dev_io {
	enum dev_op op;
	uint64_t sector;   /* 512-byte sectors */
	uint32_t nsect;
	uint64_t submit_ns; /* set by the host */
	uint64_t done_ns;   /* set by the model */
	void *host_ctx;     /* the host's; the model never touches it */
	/* model-private linkage (queues); the host never touches it */
	struct dev_io *q_next;
	uint64_t q_key;
};

enum dev_q_result { DEV_Q_COMPLETED, DEV_Q_QUEUED };

struct dev;
struct dev_share;

struct dev_env {
	void *host;
	/* io finished at done_ns (>= the current time). Required for models that queue. */
	void (*complete)(void *host, struct dev_io *io, uint64_t done_ns);
	/* Call d->ops->timer(d, at_ns) at simulated time at_ns (>= now). One pending timer per
	 * device: a new request replaces the previous one. */
	void (*timer)(void *host, struct dev *d, uint64_t at_ns);
	/* What the host's devices share (sim/dev_share.h: server pools); NULL: nothing, each
	 * device stands alone. Read by a model's init only. */
	struct dev_share *share;
};

/*
 * A model's own counters (an SSD's GC runs, a disk's seeks) are declared by the model in a
 * table; the summary, --json, the database and `models` print them from the table without
 * knowing the model. A counter reads a uint64_t at offset off of the model's private state
 * (times scale, when scale is not 0): the core reads them once, at dev_get_stats(), so the hot
 * path only counts. A ratio is derived when it is read (the value of counter num over that of
 * counter den), so that a difference of two snapshots (the warm-up) keeps it right.
 */
enum dev_counter_kind {
	DEV_C_COUNT, /* events */
	DEV_C_BYTES,
	DEV_C_NS,
	DEV_C_RATIO, /* num / den (0 when den is 0); takes no value slot */
	DEV_C_HIST,  /* nbins consecutive uint64_t at off */
};

/* On the line of the run's text summary (the others: `models probe`, --json, the database). */
#define DEV_CF_SUMMARY 1u

struct dev_counter {
	const char *name;  /* [a-z0-9_]: the database's name and the --json key */
	const char *unit;  /* "bytes", "cylinders", "" for plain counts and ratios */
	const char *help;  /* one line (`models MODEL`, docs/devices.md) */
	enum dev_counter_kind kind;
	size_t off;        /* in the model's private state; not DEV_C_RATIO */
	uint64_t scale;    /* multiplier (flash slots to bytes); 0: 1 */
	int num, den;      /* DEV_C_RATIO: indices in this table */
	unsigned prec;     /* DEV_C_RATIO: decimals in text */
	unsigned nbins;    /* DEV_C_HIST */
	const char *text;  /* the phrase in text output, %s the value ("%s GC runs"); NULL: none */
	unsigned flags;    /* DEV_CF_* */
	const char *json_key; /* a run's --json key when it is not name (docs/json.md fixed it) */
};

/* Value slots a dev_stats carries: every model's counters must fit (dev_create checks). */
#define DEV_COUNTER_SLOTS 48

struct dev_stats {
	uint64_t nr_reads, nr_writes, nr_other;
	uint64_t bytes_read, bytes_written;
	uint64_t busy_ns;          /* time with at least one I/O in service */
	double mean_queue_depth;   /* time-averaged outstanding I/Os */
	/* the model's counters: its table (NULL: none) and their values in table order, a
	 * histogram taking nbins slots, a ratio none; read them with dev_counter_*() */
	const struct dev_counter *ctab;
	uint64_t cval[DEV_COUNTER_SLOTS];
};

/* A named set of options ("sata7200" -> "rpm=7200,..."); source cites where numbers come from. */
struct dev_preset {
	const char *name;
	const char *options; /* "key=value,..." in the model's option table */
	const char *description;
	const char *source;  /* datasheet / paper / simulator defaults */
};

struct dev_ops {
	const char *name;   /* "fixed", "hdd", "ssd" */
	unsigned abi;       /* DEV_ABI */
	const char *help;   /* one line */
	const char *ordering; /* the ordering contract, one line */
	size_t priv_size;
	const struct opt *opts;
	const struct dev_preset *presets; /* NULL-terminated by name == NULL; may be NULL */
	const char *default_preset;       /* used when the spec names none; may be NULL */
	/* required: 0 or -errno, message in err; may allocate */
	int (*init)(struct dev *d, char *err, size_t errlen);
	/* optional: free what init allocated */
	void (*fini)(struct dev *d);
	/* required, hot: no allocation */
	enum dev_q_result (*submit)(struct dev *d, struct dev_io *io, uint64_t now_ns);
	/* optional: the timer the model asked for fired */
	void (*timer)(struct dev *d, uint64_t now_ns);
	/* optional: the model's own counters, terminated by name == NULL (read at the end) */
	const struct dev_counter *counters;
};

struct dev {
	const struct dev_ops *ops;
	void *priv;                /* priv_size bytes, zeroed, owned by the core */
	const struct dev_env *env; /* set by the host before init */
	uint64_t size_bytes;       /* from the "size" option every model has */
	char spec[256];            /* the spec as given, for reports */
	char preset[32];           /* preset applied ("" if none) */
	/* accounting kept by the core (dev_submit / dev_account_complete) */
	struct dev_stats acc;      /* its counts and bytes (dev_get_stats fills the rest) */
	uint64_t inflight, busy_since_ns, busy_ns, last_change_ns;
	double qd_area;            /* integral of inflight over time, ns */
	uint64_t first_ns;
};

/* The registry (NULL-terminated) and lookup by name. */
extern const struct dev_ops *const dev_registry[];
const struct dev_ops *dev_find(const char *name);

/*
 * Create a device from "MODEL:key=value,..." (or "MODEL" alone). Applies defaults, the
 * preset (preset=NAME, or the model's default preset), then the user's options. Every model
 * has a size option. Returns 0 or -errno with a message naming the bad part in err.
 */
int dev_create(const char *spec, const struct dev_env *env, struct dev **out, char *err,
	       size_t errlen);
void dev_destroy(struct dev *d);

/*
 * Integrate the number of outstanding I/Os over time (mean depth) and busy time. Inline with
 * dev_submit and dev_account_complete: they run on every device I/O (the calls and the
 * conversions cost about 50 instructions per request). An idle span adds nothing: the area's
 * 0 * span is +0.0 and qd_area + 0.0 is qd_area (it is never -0.0), so it is skipped; inflight
 * (far below 2^63) converts as a signed integer, to the same double. With I/O in flight.
 */
static inline void dev_account_busy(struct dev *d, uint64_t now_ns)
{
	if (now_ns > d->last_change_ns) {
		d->qd_area += (double)(int64_t)d->inflight * (double)(now_ns - d->last_change_ns);
		d->busy_ns += now_ns - d->last_change_ns;
	}
}

/* Submit through the core (keeps utilisation and queue-depth accounting). The device's first
 * I/O finds it idle: first_ns is only looked at then. */
static inline enum dev_q_result dev_submit(struct dev *d, struct dev_io *io, uint64_t now_ns)
{
	uint64_t bytes = (uint64_t)io->nsect * 512;

	if (d->inflight)
		dev_account_busy(d, now_ns);
	else if (d->first_ns == UINT64_MAX)
		d->first_ns = now_ns;
	d->last_change_ns = now_ns;
	d->inflight++;
	io->submit_ns = now_ns;
	if (io->op == DEV_READ) {
		d->acc.nr_reads++;
		d->acc.bytes_read += bytes;
	} else if (io->op == DEV_WRITE) {
		d->acc.nr_writes++;
		d->acc.bytes_written += bytes;
	} else {
		d->acc.nr_other++;
	}
	return d->ops->submit(d, io, now_ns);
}

/* The host calls this when it delivers a completion (at io->done_ns): of an I/O submitted
 * through dev_submit (first_ns is set), so that inflight is not 0 (were it, nothing counts). */
static inline void dev_account_complete(struct dev *d, const struct dev_io *io, uint64_t now_ns)
{
	(void)io;
	if (d->inflight) {
		dev_account_busy(d, now_ns);
		d->inflight--;
	}
	d->last_change_ns = now_ns;
}
/* Statistics up to end_ns. */
void dev_get_stats(const struct dev *d, uint64_t end_ns, struct dev_stats *out);

/*
 * The model's counters in a dev_stats (all of them take the table, none names a counter).
 * dev_counter_value: a count, bytes, ns or ratio (a histogram's sum); dev_counter_bin: a
 * histogram's bin; dev_counter_find: index of name, -1 if the model has none.
 */
unsigned dev_counter_count(const struct dev_counter *tab);
double dev_counter_value(const struct dev_stats *s, unsigned i);
/* A count, bytes or ns exactly (not a ratio or a histogram). */
uint64_t dev_counter_u64(const struct dev_stats *s, unsigned i);
uint64_t dev_counter_bin(const struct dev_stats *s, unsigned i, unsigned bin);
int dev_counter_find(const struct dev_counter *tab, const char *name);
/* The value by name, 0 where the model has no such counter. */
double dev_stats_get(const struct dev_stats *s, const char *name);
/* a -= b, counter by counter (the same model); ratios follow, being derived. */
void dev_counters_sub(struct dev_stats *a, const struct dev_stats *b);
/* The value as text: counts as integers, ratios with the counter's decimals. */
void dev_counter_format(const struct dev_stats *s, unsigned i, char *buf, size_t len);
/* The phrases of the counters with text (flags_mask 0: all, else those with a flag of it),
 * joined by ", "; returns false (and buf "") when there are none or all of them are 0. */
bool dev_counters_line(const struct dev_stats *s, unsigned flags_mask, char *buf, size_t len);
/* dev_get_stats' part: the values of the model's table, read from its private state. */
void dev_counters_read(const struct dev *d, struct dev_stats *out);
/*
 * Every registered model's counters, the device's own first (own_idx its index in s->ctab),
 * then the others' (own_idx -1: the device has none, its value is 0), each name once: what
 * --json prints, so that a device object has the same keys whatever its model.
 */
typedef void (*dev_counter_fn)(void *arg, const struct dev_stats *s, const struct dev_counter *c,
			       int own_idx);
void dev_counters_each(const struct dev_stats *s, dev_counter_fn fn, void *arg);
/* Those as JSON members: sep before each, colon after the key; run_keys: a run's --json key. */
void dev_counters_json(FILE *fp, const struct dev_stats *s, const char *sep, const char *colon,
		       bool run_keys);
/* A model's table for `models MODEL` (nothing when it has no counters). */
void dev_counters_print_table(const struct dev_counter *tab, FILE *fp);
/* Check a model's table: names, kinds, ratio indices, slots. 0 or -EINVAL with a message. */
int dev_counters_check(const struct dev_ops *o, char *err, size_t errlen);

/* List models, presets and options (`ssdcache-sim models`). */
void dev_print_models(FILE *fp);
/* The same for one model (`ssdcache-sim models MODEL`). */
void dev_print_model(const struct dev_ops *o, FILE *fp);

#endif
