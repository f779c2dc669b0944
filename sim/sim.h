/* SPDX-License-Identifier: GPL-2.0 */
/* sim.h - one simulation run: configuration in, results out (the API `run` and `sweep` share). */
#ifndef SSDCACHE_SIM_H
#define SSDCACHE_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "engine/assert.h"
#include "engine/engine.h"
#include "sim/device.h"
#include "sim/warmup.h"
#include "traces/reader.h"

/*
 * sim_run() reads a trace, feeds it through the dm-core emulation into one dm-ssdcache engine
 * over two device models, and fills a struct sim_result. It keeps no global state, so a sweep
 * can run many in one process (or one per worker process). Memory does not grow with the
 * trace's length (except for the optional decision log's in-flight window).
 */

/* Quarter-octave latency buckets: SIM_HIST_SUB per power of two of nanoseconds. */
#define SIM_HIST_SUB 4
#define SIM_HIST_BINS (64 * SIM_HIST_SUB)
/* The lower edge (ns) of bucket b: 2^(b/4) * (1 + (b%4)/4); values below 1 ns go to bucket 0. */
double sim_hist_lo(unsigned b);

/* Latency classes of pieces, by the first cte_match outcome (or pseudo outcome). */
enum sim_class {
	SIM_READ_HIT,     /* READ_CLEAN */
	SIM_READ_MISS,    /* READ_MISS, READ_INVALID */
	SIM_READ_BUSY,    /* READ_BUSY */
	SIM_READ_NOCACHE, /* reads that found no slot: WRITE_SKIP (Q1), LOOKUP_FAILED */
	SIM_WRITE_MISS,   /* WRITE_MISS */
	SIM_WRITE_HIT,    /* WRITE_INVALID */
	SIM_WRITE_BUSY,   /* WRITE_BUSY */
	SIM_WRITE_CANCEL, /* WRITE_CANCEL (resubmitted) */
	SIM_WRITE_NOCACHE,/* WRITE_SKIP, LOOKUP_FAILED, WRITE_DONE, NOMATCH */
	SIM_BYPASS,
	SIM_FLUSH,
	SIM_DISCARD,
	SIM_CLASS_NR,
};
const char *sim_class_name(enum sim_class c); /* "read_hit", ... */

/* Request-level latency (arrival to the completion of its last piece), by operation. */
enum sim_op { SIM_OP_READ, SIM_OP_WRITE, SIM_OP_FLUSH, SIM_OP_DISCARD, SIM_OP_NR };
const char *sim_op_name(enum sim_op o);

struct sim_lat {
	uint64_t count;
	double mean_ns, p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
};

/* Read-miss explanation: why did a read piece not hit? */
enum sim_miss {
	MISS_COMPULSORY, /* first access to the block */
	MISS_CAPACITY,   /* a fully associative LRU cache of the same size misses too */
	MISS_CONFLICT,   /* that cache would have hit: placement / associativity */
	MISS_BUSY,       /* in-flight I/O on the block (READ_BUSY) */
	MISS_POLICY,     /* Q1 no-eviction (WRITE_SKIP for a read), LOOKUP_FAILED, bypass */
	MISS_NR,
};
const char *sim_miss_name(enum sim_miss m);

struct sim_config {
	const char *trace_path;
	struct trc_opts trace;
	char cache_spec[256];   /* "fixed:size=64M,read=100us,write=200us" */
	char target_spec[256];
	char table[512];        /* dm table arguments after the two devices */
	struct ssdcache_config engine; /* parsed from table + quirk flags */
	unsigned hz;            /* default 250 */
	uint64_t jiffies0;      /* default 0 (only differences matter, docs/engine.md §3.5) */
	uint64_t wq_delay_ns;   /* worker start latency */
	uint64_t map_cost_ns;   /* CPU cost charged per ssdcache_map call (0: none) */
	double speed;           /* open loop: arrival time = trace time / speed (default 1) */
	unsigned qd;            /* 0: open loop; N: closed loop with N requests outstanding */
	uint64_t interval_ns;   /* time-series interval (default 1 s) */
	bool verify;            /* stale-read verifier */
	bool explain_misses;    /* miss explanation (on in sim_config_init; `run` turns it off) */
	const char *decision_log; /* path, or NULL */
	bool progress;          /* percent, requests/s and ETA on stderr after the first second */
	uint64_t max_requests;  /* stop after this many (0: all) */
	struct sim_warmup warmup; /* statistics count after it (sim/warmup.h); kind NONE: from the start */
	uint64_t debug_abort_after; /* testing aid: an internal error (exit 3) after N requests */
	const char *target_name, *cache_name; /* names printed in the TABLE line */
	const char *verify_log;  /* path: every stale read, one line each (golden format) */
	/* tests and diagnostics: called with the target after the last event, before teardown */
	void (*inspect)(void *arg, struct ssdcache_ctx *sc);
	void *inspect_arg;
	/* every completed request: its enum sim_op and latency in ns (replay --predict); NULL: none */
	void (*on_req_done)(void *arg, int op, double latency_ns);
	void *on_req_done_arg;
	/* warnings (seed crashes, odd input): called with a full sentence; NULL: silent */
	void (*warn)(void *arg, const char *msg);
	void *warn_arg;
	/* fill the result's trace description (fingerprint and `trace stats` document) while the
	 * trace is read, so a results store never reads it again (`run --db`); costs the stats
	 * accumulator's memory (traces/stats.h) and reading the rest of the trace after
	 * max_requests */
	bool describe_trace;
	/* the trace as an image in memory (a sweep's shared .sct mapping), read instead of the
	 * file at trace_path (still the name in messages); NULL: read trace_path */
	const void *trace_mem;
	size_t trace_mem_len;
};

/* Defaults: HZ 250, speed 1, interval 1 s, explain_misses on, engine defaults. */
void sim_config_init(struct sim_config *cfg);

#define SIM_STALE_EXAMPLES 8

struct sim_stale_example {
	uint64_t seq, sector, nsect, done_ns;
	uint64_t first_stale_sector, returned_version, expected_min_version;
	uint64_t submit_ns;
	char why[96];          /* the quirk that explains it, when the verifier can tell */
};

struct sim_interval {
	uint64_t start_ns;
	uint64_t requests, read_pieces, read_hits;
	double lat_mean_ns;
};

/* A device as a run used it: the model, the preset applied and the resolved size (the user's
 * size=, else the preset's, else the model's default), as dev_create() resolved them. */
struct sim_dev_desc {
	char model[32];
	char preset[32];       /* "" if none */
	bool has_size;         /* false only when the spec could not be resolved (unknown model) */
	uint64_t size_bytes;
};

/* The configuration a run used, so that a consumer (the results store) never re-derives it. */
struct sim_effective {
	bool valid;                     /* filled (sim_run's devices were created) */
	struct ssdcache_config engine;  /* as the engine was created (cfg->engine) */
	char policy[32];                /* the victim policy's name */
	char table[512];                /* the dm table arguments (cfg->table) */
	struct sim_dev_desc cache, target;
};

/* The exit status of an internal error (engine/assert.h), for consumers that do not include the
 * engine (a sweep telling a crashed worker from a failed run). */
#define SIM_EXIT_INTERNAL SSDCACHE_EXIT_INTERNAL

/* The victim policy's name in e ("lfu", the seed's, when none is set). */
const char *sim_policy_name(const struct ssdcache_config *e);

/* The description of a device spec without creating the device (a model's init may allocate in
 * proportion to its size): what a failed or refused run records. Same resolution as
 * dev_create(). */
void sim_describe_dev(const char *spec, struct sim_dev_desc *out);
/* The effective configuration of cfg without running it (for runs that did not start). */
void sim_describe_config(const struct sim_config *cfg, struct sim_effective *out);

/* The identity of a trace: "t1-<size>-<16 hex>", the reader's hash of the input bytes
 * (trc_fingerprint) and their size. */
#define SIM_FINGERPRINT_MAX 64
void sim_format_fingerprint(uint64_t size, uint64_t hash, char *buf, size_t len);

/*
 * What a real-device replay measured beyond sim_result, carried to the results store (which only
 * consumes it; `run --replay` fills it, sim_run leaves sim_result.replay NULL). Not owned by the
 * result. The prediction rows (replay --predict) are per operation, per piece class and for every
 * request ("all"); rows with has_cdf also carry SIM_PRED_QUANTILES quantiles of each sample
 * (quantile i is the ceil(p*n)-th smallest at p = (i + 1) / SIM_PRED_QUANTILES, the demerit's
 * step-function inversion), so a report can overlay the two CDFs.
 */
#define SIM_PRED_QUANTILES 100
#define SIM_PRED_ROWS (SIM_OP_NR + SIM_CLASS_NR + 1)
struct sim_pred_row {
	const char *scope;           /* "op", "class" or "all" */
	const char *name;            /* sim_op_name, sim_class_name, or "all" */
	struct sim_lat measured, predicted;
	double demerit_pct;          /* NaN: not computed (class rows; an empty side) */
	bool has_cdf;
	double measured_q[SIM_PRED_QUANTILES], predicted_q[SIM_PRED_QUANTILES]; /* ns */
};
struct sim_replay_record {
	struct sim_lat lag;          /* open-loop submit lag (count 0: closed loop) */
	uint64_t late_requests;
	bool realtime;
	unsigned nr_pred;            /* 0: no prediction */
	struct sim_pred_row pred[SIM_PRED_ROWS];
};

struct sim_result {
	/* the configuration as run (sim_run fills it once the devices exist) */
	struct sim_effective eff;
	/* the trace's description, with cfg->describe_trace: fingerprint ("" if not computed),
	 * size in bytes, and its `trace stats --json` document (owned; sim_result_free) */
	char trace_fingerprint[SIM_FINGERPRINT_MAX];
	uint64_t trace_size_bytes;
	char *trace_stats_json;

	/* what was read */
	uint64_t requests;         /* user requests simulated */
	uint64_t reads, writes, flushes, discards;
	uint64_t bytes_read, bytes_written;
	uint64_t pieces;           /* ssdcache_map calls (including resubmissions) */
	uint64_t skipped_zero_len, skipped_beyond_end;
	uint64_t first_ns, last_ns; /* trace arrival span */
	uint64_t end_ns;           /* simulated time when the last I/O completed */
	struct trc_counts trace_counts;
	char trace_format[16];

	/* the engine */
	struct ssdcache_counters counters;
	struct ssdcache_geometry geometry;
	char status_info[1024];    /* STATUSTYPE_INFO text */
	char status_table[512];    /* STATUSTYPE_TABLE text */
	uint64_t outcome_count[SSD_OUT_NR]; /* first cte_match outcome per piece */

	/* hit ratios (pieces) */
	double read_hit_ratio;     /* READ_CLEAN / read pieces */
	double sector_read_hit_ratio; /* sectors served from the cache / sectors read */

	/* latency */
	struct sim_lat lat_class[SIM_CLASS_NR]; /* per piece */
	struct sim_lat lat_op[SIM_OP_NR];       /* per request */
	double iops, mb_s;                      /* over the simulated span */

	/* devices (a replay on real devices has counts only: devices_modelled is false) */
	bool devices_modelled;
	struct dev_stats cache_dev, target_dev;
	double cache_util, target_util;         /* busy fraction */

	/* miss explanation (read pieces that did not hit) */
	uint64_t miss[MISS_NR];

	/* verifier */
	uint64_t stale_reads;
	unsigned nr_stale_examples;
	struct sim_stale_example stale[SIM_STALE_EXAMPLES];

	/* time series; owned by the result, free with sim_result_free */
	struct sim_interval *series;
	size_t nr_series;

	/* latency histograms, for reports: per request operation in log2 buckets of ns (bucket b
	 * holds [2^b, 2^(b+1)), bucket 0 also 0); per piece class in quarter-octave buckets
	 * (bucket b holds [sim_hist_lo(b), sim_hist_lo(b + 1))) */
	uint64_t hist_op[SIM_OP_NR][64];
	uint64_t hist_class[SIM_CLASS_NR][SIM_HIST_BINS];

	/* measured device latency from the trace (D..C), when the reader has it */
	struct sim_lat trace_lat;

	/* the warm-up as resolved (every statistic above except requests, the engine's counters,
	 * the status text and the verifier counts only the requests after it) */
	struct sim_warmup_result warmup;

	double wall_seconds;

	/* a replay's own measurements for the results store, or NULL (see above) */
	const struct sim_replay_record *replay;
};

/* Run one simulation. Returns 0; -EINVAL for bad configuration (usage: message in err, exit 2);
 * other -errno for runtime failures (bad trace, I/O: located message in err, exit 1).
 * out (may be NULL) receives the decision log's human messages and warnings. */
int sim_run(const struct sim_config *cfg, struct sim_result *res, char *err, size_t errlen);
void sim_result_free(struct sim_result *res);


#endif
