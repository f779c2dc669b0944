// SPDX-License-Identifier: GPL-2.0
/* cli_opts.c - the option table of run, replay, sweep and trace, and the one parser of its rows. */
#include "sim/cli/cli_opts.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/base/units.h"
#include "sim/cli/cli_help.h"
#include "sim/cli/commands.h"
#include "sim/cli/models_cmds.h"
#include "traces/reader.h"

static const char *const quirks_choices[] = {"seed", "fixed", NULL};
static const char *const hash_choices[] = {"linux31", "modern", NULL};
static const char *const crash_choices[] = {"continue", "abort", NULL};
static const char *const bsovf_choices[] = {"refuse", "emulate", NULL};
static const char *const ofmt_choices[] = {"blkparse", "sct", NULL};

/* The reader registry writes --format's lines, and --time-unit's and --csv's together. */
/* The reader's own options: their help text is the reader table's (traces/registry.c). */
static const char *rd_event(int width)
{
	return trc_opts_help("event", width);
}

static const char *rd_device(int width)
{
	return trc_opts_help("device", width);
}

static const char *rd_lenient(int width)
{
	return trc_opts_help("lenient", width);
}

static const char *no_block(int width)
{
	(void)width;
	return "";
}

#define ENG CLI_ENGINE
#define SIM CLI_SIM

/* The two commonest rows: a flag, and a text value with no range, choices or default shown. */
#define FLAG(id, name, cmds, sect, help)                                                         \
	{id, name, 0, CLI_FLAG, NULL, 0, 0, NULL, NULL, NULL, cmds, sect, help, NULL}
#define TEXT(id, name, meta, cmds, sect, help)                                                   \
	{id, name, 0, CLI_TEXT, meta, 0, 0, NULL, NULL, NULL, cmds, sect, help, NULL}

const struct cli_opt cli_opts[] = {
	/* ---- devices ---- */
	{CO_CACHE_DEV, "cache-dev", 0, CLI_TEXT, "SPEC", 0, 0, NULL, NULL,
	 "fixed:size=64M,read=100us,write=200us", CLI_RUN | CLI_SWEEP, CLI_S_DEVICES,
	 "cache device model\nSPEC = MODEL[:key=value,...]; sizes in bytes or K/M/G/T (1024),\n"
	 "times in ns or ns/us/ms/s; `ssdcache-sim models` lists them", NULL},
	{CO_TARGET_DEV, "target-dev", 0, CLI_TEXT, "SPEC", 0, 0, NULL, NULL,
	 "fixed:size=1T,read=5ms,write=5ms", CLI_RUN | CLI_SWEEP, CLI_S_DEVICES,
	 "target device model", NULL},
	TEXT(CO_R_CACHE, "cache", "PATH", CLI_REPLAY, CLI_S_DEVICES,
	 "the cache device (a file, or a block device with --force); both are\n"
	 "probed with libblkid first: a filesystem, partition table, RAID, LVM\n"
	 "or swap signature is refused (exit 2) unless --force; a mounted or\n"
	 "busy device always is"),
	TEXT(CO_R_TARGET, "target", "PATH", CLI_REPLAY, CLI_S_DEVICES,
	 "the target device"),
	{CO_R_CACHE_CREATE, "cache-create", 0, CLI_SIZE, "SIZE", 4096, 1.8e19, NULL,
	 "a size (bytes or K/M/G/T, at least 4K)", NULL, CLI_REPLAY, CLI_S_DEVICES,
	 "create or extend the cache file to SIZE (K/M/G/T); what is\n"
	 "added is filled with data first (sequential CO_DIRECT writes)", NULL},
	{CO_R_TARGET_CREATE, "target-create", 0, CLI_SIZE, "SIZE", 4096, 1.8e19, NULL,
	 "a size (bytes or K/M/G/T, at least 4K)", NULL, CLI_REPLAY, CLI_S_DEVICES,
	 "the same for the target file", NULL},
	FLAG(CO_NO_PREFILL, "no-prefill", CLI_REPLAY,
	 CLI_S_DEVICES, "leave what --*-create adds as holes (they read from no device)"),
	FLAG(CO_DIRECT, "direct", CLI_REPLAY, CLI_S_DEVICES,
	 "CO_DIRECT (bypass the page cache)"),
	FLAG(CO_REALTIME, "realtime", CLI_REPLAY, CLI_S_DEVICES,
	 "run the replay loop SCHED_FIFO (needs root or CAP_SYS_NICE):\n"
	 "other processes then cannot delay a submission or a reap"),
	FLAG(CO_FORCE, "force", CLI_REPLAY, CLI_S_DEVICES,
	 "overwrite signatures and block devices: THEIR DATA IS LOST"),

	/* ---- a sweep's parameters ---- */
	{CO_S_BLOCKSIZE, "blocksize", 0, CLI_TEXT, "LIST", 0, 0, NULL, NULL, "256", CLI_SWEEP,
	 CLI_S_PARAMS, "block sizes in 512-byte sectors, e.g. 8,16,...,1024", NULL},
	{CO_S_ASSOC, "assoc", 0, CLI_TEXT, "LIST", 0, 0, NULL, NULL, "4", CLI_SWEEP, CLI_S_PARAMS,
	 "associativities, e.g. 0,1,2,4,8", NULL},
	{CO_S_MODE, "mode", 0, CLI_TEXT, "LIST", 0, 0, NULL, NULL, "writethrough", CLI_SWEEP,
	 CLI_S_PARAMS, "writethrough, writeback, readcache", NULL},
	TEXT(CO_S_CACHE_SIZE, "cache-size", "LIST", CLI_SWEEP,
	 CLI_S_PARAMS,
	 "cache sizes (K/M/G/T); replaces size= of the cache device\n"
	 "(default: the cache device's own size)"),
	TEXT(CO_S_POLICY, "policy", "LIST", CLI_SWEEP, CLI_S_PARAMS,
	 "victim policies, the table's \"options 1 NAME\" (docs/policies.md;\n"
	 "default lfu, the seed's):"),

	/* ---- table ---- */
	{CO_TABLE, "table", 0, CLI_TEXT, "\"ARGS\"", 0, 0, NULL, NULL, NULL, SIM, CLI_S_TABLE,
	 "dm table arguments after the two devices, in the seed's syntax:\n"
	 "[blocksize N] [assoc N] [writethrough|writeback|readcache]\n"
	 "[options N name...]   (names: a policy, async_lookup queue_busy\n"
	 "disable_writeback skip_write_insert evict_on_write cmd_preload)", NULL},
	TEXT(CO_POLICY, "policy", "NAME", SIM, CLI_S_TABLE,
	 "victim policy (overrides the table's; docs/policies.md):"),
	TEXT(CO_ADMIT, "admit", "RULE[,RULE]", ENG, CLI_S_TABLE,
	 "admission rules (off by default; every rule must admit a miss):"),
	{CO_SEED, "seed", 0, CLI_U64, "N", 0, 0, NULL, NULL, "0", ENG, CLI_S_TABLE,
	 "seed of the random policy's generator (replay: also the injection's,\nGSL mt19937)", NULL},

	/* ---- engine ---- */
	{CO_QUIRKS, "quirks", 0, CLI_CHOICE, "seed|fixed", 0, 0, quirks_choices, NULL, "seed", ENG,
	 CLI_S_ENGINE, "seed-exact engine, or every quirk with a fix repaired", NULL},
	TEXT(CO_FIX, "fix", "LIST", ENG, CLI_S_ENGINE,
	 "repair these quirks, e.g. Q1,Q5 (see `ssdcache-sim quirks`); a sweep\n"
	 "applies them on top of --quirks"),
	TEXT(CO_QUIRK, "quirk", "LIST", SIM, CLI_S_ENGINE,
	 "restore the seed's behaviour for these quirks\n"
	 "(--quirks, --fix and --quirk apply in the order given)"),
	{CO_HZ, "hz", 0, CLI_U64, "N", 1, 100000, NULL, NULL, "250", ENG, CLI_S_ENGINE,
	 "kernel HZ for jiffies (jiffies per second)", NULL},
	{CO_JIFFIES0, "jiffies0", 0, CLI_U64, "N", 0, 0, NULL, NULL, "0; only differences matter",
	 SIM, CLI_S_ENGINE, "jiffies at time 0", NULL},
	{CO_HASH, "hash", 0, CLI_CHOICE, "linux31|modern", 0, 0, hash_choices, NULL, "linux31", SIM,
	 CLI_S_ENGINE, "hash_64 of Linux 3.1 (the seed's) or of Linux >= 4.7", NULL},
	{CO_WQ_DELAY, "wq-delay", 0, CLI_TIME, "TIME", 0, 0, NULL, NULL, "0", SIM, CLI_S_ENGINE,
	 "worker start latency", NULL},
	{CO_MAP_COST, "map-cost", 0, CLI_TIME, "TIME", 0, 0, NULL, NULL, "0", SIM, CLI_S_ENGINE,
	 "CPU time per ssdcache_map call (a single CPU)", NULL},
	{CO_SEED_CRASH, "seed-crash", 0, CLI_CHOICE, "continue|abort", 0, 0, crash_choices, NULL,
	 "continue", SIM, CLI_S_ENGINE, "where the seed would oops (Q15, Q16, Q17, Q20)", NULL},
	{CO_BS_OVERFLOW, "bs-overflow", 0, CLI_CHOICE, "refuse|emulate", 0, 0, bsovf_choices, NULL,
	 "refuse", SIM, CLI_S_ENGINE, "block sizes above 256 in seed mode (Q20)", NULL},
	FLAG(CO_ODD_BS, "odd-blocksize", SIM, CLI_S_ENGINE,
	 "accept non-power-of-two block sizes literally (Q21)"),

	/* ---- the simulated replay ---- */
	{CO_SPEED, "speed", 0, CLI_DOUBLE, "X", 1e-300, 1e9, NULL, "a factor above 0", "1", SIM,
	 CLI_S_REPLAY, "open loop: arrival = trace time / X", NULL},
	{CO_QD, "qd", 0, CLI_U64, "N", 1, 1000000, NULL, "a queue depth in 1..1000000", NULL, SIM,
	 CLI_S_REPLAY, "closed loop: N requests outstanding, as fast as possible", NULL},
	{CO_MAX_REQUESTS, "max-requests", 0, CLI_U64, "N", 0, 0, NULL, NULL, NULL, ENG, CLI_S_REPLAY,
	 "stop after N requests (simulate only the first N)", NULL},
	TEXT(CO_WARMUP, "warmup", "N|TIME|P%", ENG, CLI_S_REPLAY,
	 "the engine runs from the first request, but the statistics\n"
	 "(hit ratios, outcomes, latencies, device counters, miss\n"
	 "explanation, time series) count only the requests after the\n"
	 "first N, after TIME (with a unit: 30s, 500ms) of trace time,\n"
	 "or after P % of the trace's records (the .sct header's count,\n"
	 "else one counting pass; not on standard input). The status\n"
	 "lines stay the engine's cumulative counters. A warm-up that\n"
	 "leaves nothing to measure is an error (exit 1)"),
	{CO_INTERVAL, "interval", 0, CLI_TIME, "TIME", 1, 1.8e19, NULL,
	 "a time above 0 (ns, or a ns/us/ms/s suffix)", "1s", SIM, CLI_S_REPLAY,
	 "time-series interval", NULL},

	/* ---- reading the trace ---- */
	{CO_FORMAT, "format", 0, CLI_TEXT, "F", 0, 0, NULL, NULL, NULL, CLI_READ, CLI_S_TRACE, NULL,
	 trc_opts_help_format},
	{CO_EVENT, "event", 0, CLI_TEXT, "Q|D|C", 0, 0, NULL, NULL, "Q", CLI_READ, CLI_S_TRACE, NULL,
	 rd_event},
	{CO_DEVICE, "device", 0, CLI_TEXT, "MAJ,MIN", 0, 0, NULL, NULL, NULL, CLI_READ, CLI_S_TRACE,
	 NULL, rd_device},
	{CO_LENIENT, "lenient", 0, CLI_FLAG, NULL, 0, 0, NULL, NULL, NULL, CLI_READ, CLI_S_TRACE,
	 NULL, rd_lenient},
	{CO_TIME_UNIT, "time-unit", 0, CLI_TEXT, "U", 0, 0, NULL, NULL, NULL, CLI_READ, CLI_S_TRACE,
	 NULL, trc_opts_help_csv},
	{CO_CSV, "csv", 0, CLI_TEXT, "MAP", 0, 0, NULL, NULL, NULL, CLI_READ, CLI_S_TRACE, NULL,
	 no_block},

	/* ---- replay: data verification, predicted vs measured ---- */
	FLAG(CO_VERIFY, "verify", CLI_REPLAY, CLI_S_VERIFY,
	 "every written sector carries a header (magic, sector, write\n"
	 "generation, CRC32C), every read is checked: stale, misplaced,\n"
	 "corrupt, never written; 'data mismatches: N'. A read that\n"
	 "overlaps a write of the same sectors in flight is 'racing';\n"
	 "a bad sector it raced is 'torn', not a mismatch"),
	TEXT(CO_VERIFY_LOG, "verify-log", "FILE", CLI_REPLAY,
	 CLI_S_VERIFY,
	 "each mismatch, never-written and racing read: seq sector nsect\n"
	 "done_ns device verdict first_sector found_run found_sector\n"
	 "found_gen expected_min_gen racing_sectors (implies --verify)"),
	TEXT(CO_INJECT, "inject", "corrupt-cache-read=P", CLI_REPLAY,
	 CLI_S_VERIFY,
	 "flip a byte of a read from the cache with probability P,\n"
	 "never of a racing read (needs --verify; 'injected\n"
	 "corruptions: N')"),
	FLAG(CO_PREDICT, "predict", CLI_REPLAY, CLI_S_PREDICT,
	 "after the replay, simulate the same trace on device models and\n"
	 "print measured and predicted mean/p50/p99 per operation and\n"
	 "class, and the demerit (Ruemmler-Wilkes: RMS distance between\n"
	 "the latency CDFs, % of the measured mean); with --db also\n"
	 "in the tables prediction and prediction_cdf (docs/schema.md)"),
	TEXT(CO_CACHE_MODEL, "cache-model", "SPEC", CLI_REPLAY,
	 CLI_S_PREDICT,
	 "the cache's model (implies --predict; default: calibrate\n"
	 "each device, `models calibrate --model fixed` or the one of\n"
	 "--calibrate-model, 4.8 s each; on one disk two fixed models\n"
	 "share its servers, pool=disk)"),
	TEXT(CO_TARGET_MODEL, "target-model", "SPEC", CLI_REPLAY,
	 CLI_S_PREDICT, "the target's model (the same)"),
	{CO_CALIB_SECONDS, "calibrate-seconds", 0, CLI_DOUBLE, "N", 0.1, 3600, NULL, "seconds, 0.1..3600",
	 "4.8", CLI_REPLAY, CLI_S_PREDICT,
	 "measuring time of each device's calibration (implies --predict):\n"
	 "the disk's mean drifts from second to second, and a longer\n"
	 "calibration averages more of it", NULL},
	{CO_CALIB_MODEL, "calibrate-model", 0, CLI_TEXT, "M[,M]", 0, 0, NULL, NULL, "fixed", CLI_REPLAY,
	 CLI_S_PREDICT,
	 "fixed, ssd or hdd: the model both devices are calibrated with,\n"
	 "or the cache's and the target's (e.g. ssd,hdd; implies\n"
	 "--predict); only fixed can share one disk's servers (pool=disk)", NULL},

	/* ---- output ---- */
	TEXT(CO_DECISION_LOG, "decision-log", "FILE", SIM,
	 CLI_S_OUTPUT, "one line per piece: seq op sector nsect OUTCOME hash idx done_ns"),
	FLAG(CO_VERIFY, "verify", CLI_RUN, CLI_S_OUTPUT,
	 "stale-read verifier: 'stale reads: N' and the first cases"),
	TEXT(CO_VERIFY_LOG, "verify-log", "FILE", CLI_RUN,
	 CLI_S_OUTPUT,
	 "every stale read: seq sector nsect done_ns first_stale_sector\n"
	 "returned_version expected_min_version (implies --verify)"),
	FLAG(CO_EXPLAIN, "explain-misses", SIM, CLI_S_OUTPUT,
	 "classify read misses: compulsory, capacity, conflict, busy,\n"
	 "policy (costs 15-55 % more time; on by default with --db,\n"
	 "as in sweeps)"),
	FLAG(CO_NO_EXPLAIN, "no-explain", SIM, CLI_S_OUTPUT,
	 "no miss explanation, even with --db"),
	FLAG(CO_JSON, "json", SIM, CLI_S_OUTPUT,
	 "print one JSON document (docs/json.md) instead of the text"),
	FLAG(CO_JSON, "json", CLI_STATS, CLI_S_OUTPUT,
	 "one JSON object instead of the table"),
	TEXT(CO_DB, "db", "FILE", SIM, CLI_S_OUTPUT,
	 "record the run in a SQLite results database"),
	{CO_DB, "db", 0, CLI_TEXT, "FILE", 0, 0, NULL, NULL, "results.db", CLI_SWEEP, CLI_S_RUNNING,
	 "results database (its directory is created)", NULL},
	{CO_TARGET_NAME, "target-name", 0, CLI_TEXT, "NAME", 0, 0, NULL, NULL, "target", SIM,
	 CLI_S_OUTPUT, "the target's name in the TABLE line", NULL},
	{CO_CACHE_NAME, "cache-name", 0, CLI_TEXT, "NAME", 0, 0, NULL, NULL, "cache", SIM,
	 CLI_S_OUTPUT, "the cache's name in the TABLE line", NULL},
	FLAG(CO_PROGRESS, "progress", SIM | CLI_SWEEP,
	 CLI_S_OUTPUT | CLI_S_RUNNING,
	 "progress (percent, requests/s, ETA) on stderr even when it is\n"
	 "not a terminal (on a terminal it is shown after 1 s anyway)"),
	FLAG(CO_QUIET, "quiet", SIM, CLI_S_OUTPUT,
	 "no warnings, no progress"),

	/* ---- a sweep's running ---- */
	{CO_JOBS, "jobs", 'j', CLI_U64, "N", 1, 1024, NULL, "1..1024 workers",
	 "the number of online CPUs", CLI_SWEEP, CLI_S_RUNNING, "worker processes", NULL},
	FLAG(CO_NO_PROGRESS, "no-progress", CLI_SWEEP,
	 CLI_S_RUNNING, "never print the progress line"),
	FLAG(CO_DRY_RUN, "dry-run", CLI_SWEEP, CLI_S_RUNNING,
	 "list the configurations and whether they are done; run nothing"),
	FLAG(CO_EMIT_JOBS, "emit-jobs", CLI_SWEEP, CLI_S_RUNNING,
	 "print one self-contained command per configuration, each\n"
	 "writing its own shard database, for GNU parallel or a Slurm\n"
	 "array; then merge with `ssdcache-sim db merge OUT.db SHARD-DIR/*.db`"),
	{CO_SHARD_DIR, "shard-dir", 0, CLI_TEXT, "DIR", 0, 0, NULL, NULL, "shards", CLI_SWEEP,
	 CLI_S_RUNNING, "where --emit-jobs' commands write their shards", NULL},
	TEXT(CO_SWEEP_ID, "sweep-id", "ID", CLI_SWEEP, CLI_S_RUNNING,
	 "the sweep's id (default: derived from the trace and parameters)"),

	/* ---- trace dump, stats ---- */
	FLAG(CO_LONG, "long", CLI_DUMP, CLI_S_OUTPUT,
	 "add pid, latency_ns (-1 unknown) and [process]"),
	FLAG(CO_COUNT, "count", CLI_DUMP, CLI_S_OUTPUT,
	 "print only the number of requests (for timing the reader)"),
	{CO_T_BLOCKSIZE, "blocksize", 0, CLI_SIZE, "SIZE", 0, 0, NULL, NULL, "4K", CLI_STATS | CLI_MRC,
	 CLI_S_OUTPUT, "block of the footprint, the stack distances and the caches (a\n"
	 "multiple of 512)", NULL},
	{CO_MAX_BLOCKS, "max-blocks", 0, CLI_U64, "N", 16, 1073741824, NULL, NULL, "4M blocks",
	 CLI_STATS, CLI_S_OUTPUT, "distinct blocks tracked exactly, beyond that sampled", NULL},

	/* ---- trace mrc ---- */
	{CO_M_SIZES, "sizes", 0, CLI_TEXT, "LIST", 0, 0, NULL, NULL, "auto", CLI_MRC, CLI_S_OUTPUT,
	 "cache sizes, comma-separated (K/M/G/T suffixes, at least one\n"
	 "block; a size is rounded down to whole blocks), or auto:\n"
	 "powers of two up to the footprint, then the footprint", NULL},
	{CO_M_POLICY, "policy", 0, CLI_TEXT, "LIST", 0, 0, NULL, NULL, "all three", CLI_MRC,
	 CLI_S_OUTPUT, "of lru, fifo, opt", NULL},
	FLAG(CO_M_READS_ONLY, "reads-only", CLI_MRC,
	 CLI_S_OUTPUT,
	 "count reads only; writes still pass through the cache (they\n"
	 "update recency and insert on a miss) but are not counted"),
	{CO_M_SAMPLE, "sample", 0, CLI_DOUBLE, "RATE", 1e-300, 1, NULL, "a rate, 0 < RATE <= 1",
	 "1: exact", CLI_MRC, CLI_S_OUTPUT,
	 "SHARDS spatial sampling: keep the blocks whose hash is below\n"
	 "RATE, simulate caches of size * RATE and scale the misses by\n"
	 "1/RATE (an estimate)", NULL},
	FLAG(CO_JSON, "json", CLI_MRC, CLI_S_OUTPUT,
	 "{\"mrc\":[{\"policy\":..,\"size_bytes\":..,\"accesses\":..,\n"
	 "\"misses\":..,\"miss_ratio\":..},...]}"),
	FLAG(CO_M_TIMING, "timing", CLI_MRC, CLI_S_OUTPUT,
	 "time of each phase on standard error"),
	FLAG(CO_M_STREAM, "stream", CLI_MRC, CLI_S_OUTPUT,
	 "LRU only (the default policy then): count stack distances while\n"
	 "reading instead of keeping the sequence: memory per distinct\n"
	 "block only (about 40-70 bytes) whatever the trace's length;\n"
	 "slower, and worth it when blocks are accessed many times"),

	/* ---- models replay ---- */
	{CO_MR_QD, "qd", 0, CLI_U64, "N", 1, 65536, NULL, NULL, NULL, CLI_MREPLAY, CLI_S_OUTPUT,
	 "closed loop for any trace: N requests outstanding, the next\n"
	 "issued the moment one completes", NULL},
	FLAG(CO_JSON, "json", CLI_MREPLAY, CLI_S_OUTPUT,
	 "one JSON object: measured.mean_ms, predicted.mean_ms,\n"
	 "demerit_ms, demerit_pct, and the same under ops.read/ops.write"),
	TEXT(CO_MR_LATENCY_LOG, "latency-log", "FILE", CLI_MREPLAY,
	 CLI_S_OUTPUT,
	 "one line per request, in trace order: seq op sector nsect\n"
	 "measured_us predicted_us ('-': not measured)"),

	/* ---- models probe ---- */
	{CO_P_RW, "rw", 0, CLI_CHOICE, "randread|randwrite|read|write", 0, 0, probe_rw_names,
	 "randread|randwrite|read|write", "randread", CLI_PROBE, CLI_S_OUTPUT, "access pattern", NULL},
	{CO_P_BS, "bs", 0, CLI_SIZE, "SIZE", 512, 67108864, NULL, NULL, "4K", CLI_PROBE, CLI_S_OUTPUT,
	 "block size (a multiple of 512)", NULL},
	{CO_MR_QD, "qd", 0, CLI_U64, "N", 1, 65536, NULL, NULL, "1", CLI_PROBE, CLI_S_OUTPUT,
	 "commands outstanding", NULL},
	{CO_P_COUNT, "count", 0, CLI_U64, "N", 1, 200000000, NULL, NULL, "10000", CLI_PROBE,
	 CLI_S_OUTPUT, "commands to complete", NULL},
	{CO_P_SPAN, "span", 0, CLI_SIZE, "SIZE", 512, 1.8e19, NULL, NULL, "the whole device",
	 CLI_PROBE, CLI_S_OUTPUT, "address range from sector 0", NULL},
	{CO_P_SEED, "seed", 0, CLI_U64, "N", 0, 0, NULL, NULL, "1", CLI_PROBE, CLI_S_OUTPUT,
	 "random seed for rand* patterns", NULL},
	FLAG(CO_P_PRECONDITION, "precondition", CLI_PROBE,
	 CLI_S_OUTPUT,
	 "first write the span sequentially once (not measured), so an SSD\n"
	 "is full and its GC is working during the measurement"),
	FLAG(CO_JSON, "json", CLI_PROBE, CLI_S_OUTPUT,
	 "one JSON object: iops, mb_s, lat_mean_us, lat_p99_us, ...,\n"
	 "and every model's counters (0 where this one has none)"),

	/* ---- trace gen ---- */
	{CO_G_OUTPUT, "output", 'o', CLI_TEXT, "FILE", 0, 0, NULL, NULL, "standard output", CLI_GEN,
	 CLI_S_GEN, "where to write (blkparse text on standard output)", NULL},
	{CO_G_OFORMAT, "output-format", 0, CLI_CHOICE, "F", 0, 0, ofmt_choices, NULL,
	 "sct if FILE ends in .sct", CLI_GEN, CLI_S_GEN, "blkparse or sct", NULL},
	{CO_G_REQUESTS, "requests", 0, CLI_U64, "N", 0, 0, NULL, NULL, "10000", CLI_GEN, CLI_S_GEN,
	 "how many requests", NULL},
	{CO_G_DURATION, "duration", 0, CLI_TIME, "TIME", 1, 1.8e19, NULL,
	 "a time above 0 (e.g. 10s, 500ms)", NULL, CLI_GEN, CLI_S_GEN,
	 "or: stop at this time (e.g. 10s)", NULL},
	{CO_G_DEVSIZE, "device-size", 0, CLI_SIZE, "SIZE", 0, 0, NULL, NULL, "1G", CLI_GEN, CLI_S_GEN,
	 "address space", NULL},
	{CO_G_ALIGN, "align", 0, CLI_SIZE, "SIZE", 0, 0, NULL, NULL, "4K", CLI_GEN, CLI_S_GEN,
	 "offsets are multiples of this", NULL},
	{CO_G_PATTERN, "pattern", 0, CLI_TEXT, "P", 0, 0, NULL, NULL, "uniform", CLI_GEN, CLI_S_GEN,
	 "address pattern:\n"
	 "  uniform | zipf:THETA | seq:MEAN_RUN | hotcold:X,Y\n"
	 "  (X % of the accesses on Y % of the space), or a mix:\n"
	 "  P@WEIGHT+P@WEIGHT..., e.g. zipf:0.9@70+seq:64@30", NULL},
	{CO_G_READ_RATIO, "read-ratio", 0, CLI_DOUBLE, "R", 0, 1, NULL, "0..1", "0.7", CLI_GEN,
	 CLI_S_GEN, "fraction of reads", NULL},
	{CO_G_SIZE, "size", 0, CLI_TEXT, "S", 0, 0, NULL, NULL, "4K", CLI_GEN, CLI_S_GEN,
	 "request sizes: SIZE | SIZE@W,SIZE@W,... |\n"
	 "  lognormal:MEDIAN,SIGMA (rounded to 512 bytes)", NULL},
	{CO_G_MAX_SIZE, "max-size", 0, CLI_SIZE, "SIZE", 0, 0, NULL, NULL, "1M", CLI_GEN, CLI_S_GEN,
	 "cap for lognormal sizes", NULL},
	{CO_G_ARRIVAL, "arrival", 0, CLI_TEXT, "A", 0, 0, NULL, NULL, "poisson:1000", CLI_GEN,
	 CLI_S_GEN,
	 "poisson:IOPS | fixed:INTERVAL |\n"
	 "  onoff:ON,OFF,IOPS (Poisson bursts of ON, then OFF idle)", NULL},
	{CO_G_SEED, "seed", 0, CLI_U64, "N", 0, 4294967295.0, NULL, "0 .. 2^32-1", "1", CLI_GEN,
	 CLI_S_GEN, "random seed", NULL},
	{CO_G_DEVICE, "device", 0, CLI_TEXT, "M,m", 0, 0, NULL, NULL, "8,0", CLI_GEN, CLI_S_GEN,
	 "device the records carry", NULL},
	{CO_G_LATENCY, "latency", 0, CLI_TIME, "TIME", 1, 1.8e19, NULL, "a time above 0 (e.g. 100us)",
	 "100us", CLI_GEN, CLI_S_GEN, "D..C time written to blkparse text", NULL},

	/* ---- testing aid ---- */
	{CO_DEBUG_ABORT, "debug-abort-after", 0, CLI_U64, "N", 1, 1.8e19, NULL,
	 "a number of requests", NULL, ENG, CLI_S_TESTING,
	 "an internal error on purpose after N requests (tests of\n"
	 "status 3; a sweep: in its first configuration)", NULL},
	{0, NULL, 0, 0, NULL, 0, 0, NULL, NULL, NULL, 0, 0, NULL, NULL},
};

const struct cli_section_doc cli_sim_sections[] = {
	{"Parameters (comma-separated lists; \"a,b,...,c\" continues the ratio b/a when it is a\n"
	 "whole number > 1, else the difference b-a, up to c):",
	 CLI_S_PARAMS},
	{"devices:", CLI_S_DEVICES},
	{"data verification:", CLI_S_VERIFY},
	{"predicted vs measured:", CLI_S_PREDICT},
	{"table:", CLI_S_TABLE},
	{"engine:", CLI_S_ENGINE},
	{"\nreplay:", CLI_S_REPLAY},
	{"\ntrace:", CLI_S_TRACE},
	{"\noutput:", CLI_S_OUTPUT},
	{"\nrunning:", CLI_S_RUNNING},
	{"\ntesting aid:", CLI_S_TESTING},
	{NULL, 0},
};

const struct cli_section_doc cli_probe_sections[] = {
	{"options:", CLI_S_OUTPUT},
	{NULL, 0},
};

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "ssdcache-sim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(ssdcache-sim %s --help for usage)\n", cmd);
	return EXIT_USAGE;
}

void cli_parser_init(struct cli_parser *p, const struct cli_cmd *cmd, int argc, char **argv)
{
	size_t n = 0, ns = 0;

	memset(p, 0, sizeof(*p));
	optind = 1;
	p->cmd = cmd;
	p->argc = argc;
	p->argv = argv;
	/* ':' first: a missing argument is reported as such, not as an unknown option */
	p->shorts[ns++] = ':';
	p->shorts[ns++] = 'h';
	for (const struct cli_opt *o = cli_opts; o->name && n < CLI_MAX_ROWS; o++) {
		if (!(o->cmds & cmd->bit))
			continue;
		p->row[n] = o;
		p->lo[n] = (struct option){o->name, o->arg == CLI_FLAG ? no_argument : required_argument,
					   NULL, (int)n + 1000};
		n++;
		if (o->short_name && ns + 3 < sizeof(p->shorts)) {
			p->shorts[ns++] = o->short_name;
			if (o->arg != CLI_FLAG)
				p->shorts[ns++] = ':';
		}
	}
	p->lo[n++] = (struct option){"help", no_argument, NULL, 'h'};
	p->lo[n] = (struct option){NULL, 0, NULL, 0};
}

/* "seed or fixed", "a, b or c" */
static void choices_text(const char *const *c, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; c[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i == 0 ? "" : c[i + 1] ? ", " : " or ",
				      c[i]);
}

/* What a bad value of o should have been, for the message. */
static void expect_text(const struct cli_opt *o, char *buf, size_t len)
{
	static const char *const what[] = {
		[CLI_U64] = "a number", [CLI_SIZE] = "a size (bytes or K/M/G/T)",
		[CLI_TIME] = "a time (ns, or a ns/us/ms/s suffix)", [CLI_DOUBLE] = "a number"};

	if (o->expect)
		snprintf(buf, len, "%s", o->expect);
	else if (o->arg == CLI_CHOICE)
		choices_text(o->choices, buf, len);
	else if (o->min || o->max)
		snprintf(buf, len, "%s in %.15g..%.15g", what[o->arg], o->min, o->max);
	else
		snprintf(buf, len, "%s", what[o->arg]);
}

/* Check and convert arg; 0, or -1 when it is not what o takes. */
static int convert(const struct cli_opt *o, const char *arg, union cli_val *v)
{
	char *end;
	int r = 0;

	switch (o->arg) {
	case CLI_FLAG:
	case CLI_TEXT:
		return 0;
	case CLI_U64:
		r = parse_u64(arg, &v->u);
		break;
	case CLI_SIZE:
		r = parse_size(arg, &v->u);
		break;
	case CLI_TIME:
		r = parse_time_ns(arg, &v->u);
		break;
	case CLI_DOUBLE:
		v->d = strtod(arg, &end);
		if (end == arg || *end || v->d != v->d)
			return -1;
		return (o->min || o->max) && (v->d < o->min || v->d > o->max) ? -1 : 0;
	case CLI_CHOICE:
		for (unsigned i = 0; o->choices[i]; i++)
			if (!strcasecmp(o->choices[i], arg)) {
				v->choice = i;
				return 0;
			}
		return -1;
	}
	if (r)
		return -1;
	return (o->min || o->max) && ((double)v->u < o->min || (double)v->u > o->max) ? -1 : 0;
}

/* The commands of the rows, by bit (enum cli_cmd_bit). */
static const char *const cmd_names[] = {"run",	      "replay",	   "sweep",	"trace dump",
					"trace convert", "trace stats", "trace gen", "trace mrc",
					"models replay", "models probe"};

/* An option this command does not take: say which commands do, and this one's usage. */
static int unknown_option(const struct cli_parser *p, const char *word)
{
	const char *name = word + strspn(word, "-");
	size_t len = strcspn(name, "=");
	unsigned cmds = 0;
	char who[160] = "";
	size_t n = 0;

	for (const struct cli_opt *o = cli_opts; o->name; o++)
		if (strlen(o->name) == len && !strncmp(o->name, name, len))
			cmds |= o->cmds;
	if (!cmds || word[0] != '-' || word[1] != '-')
		return cli_usage_error(p->cmd->name, "unknown option '%s'", word);
	for (unsigned b = 0; b < sizeof(cmd_names) / sizeof(cmd_names[0]) && n < sizeof(who); b++)
		if (cmds & (1u << b))
			n += (size_t)snprintf(who + n, sizeof(who) - n, "%s`%s`", n ? ", " : "",
					      cmd_names[b]);
	return cli_usage_error(p->cmd->name, "'%s' is an option of %s, not of `%s`; usage: ssdcache-sim %s %s",
			       word, who, p->cmd->name, p->cmd->name, p->cmd->usage);
}

int cli_next(struct cli_parser *p)
{
	const char *cmd = p->cmd->name;
	int c;

	opterr = 0;
	c = getopt_long(p->argc, p->argv, p->shorts, p->lo, NULL);
	if (c == -1)
		return 0;
	if (c == 'h') {
		cli_print_help(stdout, p->cmd);
		p->status = 0;
		return -1;
	}
	if (c == ':') {
		p->status = cli_usage_error(cmd, "option '%s' needs a value", p->argv[optind - 1]);
		return -1;
	}
	if (c == '?') {
		p->status = unknown_option(p, p->argv[optind - 1]);
		return -1;
	}
	if (c < 1000) { /* a short name */
		for (int i = 0; p->row[i]; i++)
			if (p->row[i]->short_name == c)
				c = i + 1000;
	}
	if (c < 1000) { /* not one of the rows' (getopt_long returns only what it was given) */
		p->status = cli_usage_error(cmd, "unknown option '%s'", p->argv[optind - 1]);
		return -1;
	}
	p->opt = p->row[c - 1000];
	p->arg = optarg;
	memset(&p->val, 0, sizeof(p->val));
	if (optarg && convert(p->opt, optarg, &p->val)) {
		char want[160];

		expect_text(p->opt, want, sizeof(want));
		p->status = cli_usage_error(cmd, "--%s %s: expected %s", p->opt->name, optarg, want);
		return -1;
	}
	return 1;
}

int cli_operands(const struct cli_parser *p, int n, const char *names)
{
	int have = p->argc - optind;

	if (have == n)
		return 0;
	if (n == 0)
		return cli_usage_error(p->cmd->name, "unexpected argument '%s'", p->argv[optind]);
	if (have < n)
		return cli_usage_error(p->cmd->name, n == 1 ? "missing %s: one %s expected"
						       : "missing %s: %s expected", names, names);
	if (n == 1)
		return cli_usage_error(p->cmd->name, "expected one %s, got '%s' and '%s'", names,
				       p->argv[optind], p->argv[optind + 1]);
	return cli_usage_error(p->cmd->name, "expected %s, got '%s' too", names, p->argv[optind + n]);
}
