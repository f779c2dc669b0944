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

struct dev_env {
	void *host;
	/* io finished at done_ns (>= the current time). Required for models that queue. */
	void (*complete)(void *host, struct dev_io *io, uint64_t done_ns);
	/* Call d->ops->timer(d, at_ns) at simulated time at_ns (>= now). One pending timer per
	 * device: a new request replaces the previous one. */
	void (*timer)(void *host, struct dev *d, uint64_t at_ns);
};

struct dev_stats {
	uint64_t nr_reads, nr_writes, nr_other;
	uint64_t bytes_read, bytes_written;
	uint64_t busy_ns;          /* time with at least one I/O in service */
	double mean_queue_depth;   /* time-averaged outstanding I/Os */
	/* model specific; 0 when the model has none */
	uint64_t media_bytes_written; /* SSD: bytes programmed to flash (includes GC) */
	double write_amplification;   /* SSD: media / host bytes written */
	uint64_t gc_runs, erases;
	double seek_mean_cyl;        /* HDD */
	uint64_t seeks;
	uint64_t cache_hits;         /* on-board cache hits (HDD read cache, SSD buffer) */
	/* HDD: media accesses by seek distance: [0] no seek (same cylinder), [i] distances in
	 * [2^(i-1), 2^i) cylinders, the last bin everything beyond */
#define DEV_SEEK_HIST 24
	uint64_t seek_hist[DEV_SEEK_HIST];
	/* SSD: flash operations (host and GC) */
	uint64_t flash_reads, flash_programs;
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
	/* optional: model-specific statistics (the core fills counts, bytes, busy time) */
	void (*stats)(const struct dev *d, struct dev_stats *out);
};

struct dev {
	const struct dev_ops *ops;
	void *priv;                /* priv_size bytes, zeroed, owned by the core */
	const struct dev_env *env; /* set by the host before init */
	uint64_t size_bytes;       /* from the "size" option every model has */
	char spec[256];            /* the spec as given, for reports */
	char preset[32];           /* preset applied ("" if none) */
	/* accounting kept by the core (dev_submit / dev_account_complete) */
	uint64_t nr_reads, nr_writes, nr_other, bytes_read, bytes_written;
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

/* Submit through the core (keeps utilisation and queue-depth accounting). */
enum dev_q_result dev_submit(struct dev *d, struct dev_io *io, uint64_t now_ns);
/* The host calls this when it delivers a completion (at io->done_ns). */
void dev_account_complete(struct dev *d, const struct dev_io *io, uint64_t now_ns);
/* Statistics up to end_ns. */
void dev_get_stats(const struct dev *d, uint64_t end_ns, struct dev_stats *out);

/* List models, presets and options (`ssdcache-sim models`). */
void dev_print_models(FILE *fp);
/* The same for one model (`ssdcache-sim models MODEL`). */
void dev_print_model(const struct dev_ops *o, FILE *fp);

#endif
