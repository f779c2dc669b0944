/* SPDX-License-Identifier: GPL-2.0 */
/* engine.h - the dm-ssdcache engine (Linux 3.1 target v1.1.0) ported to userspace, decision for decision. */
#ifndef SSDCACHE_ENGINE_H
#define SSDCACHE_ENGINE_H

/*
 * The engine is the seed's ssdcache_map / ssdcache_endio / process_sio and everything below
 * them, with the seed's names. It has no clock, does no I/O and keeps no global state: it
 * talks to its host (the dm-core emulation of sim/, or the real-device backend) through
 * struct ssdcache_host_ops. Several engines (one per simulation) can live in one process.
 *
 * The host's side of the contract (docs/engine.md §0.4):
 *  - it splits user requests at block boundaries and calls ssdcache_map() once per piece,
 *    then dispatches every piece map returned as DM_MAPIO_REMAPPED according to bi_bdev
 *    (BDEV_SELF means: map it again as a fresh bio, seed Q9);
 *  - when a primary piece whose map_ptr is set completes, it calls ssdcache_endio();
 *  - dm_io() requests complete later, from an event, by calling the given callback;
 *  - queue_work() schedules one run of process_sio() unless a run is pending; the host
 *    clears "pending" before calling process_sio().
 * Nothing here blocks; every handler runs to completion.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/bio.h"
#include "engine/quirks.h"
#include "policies/policy.h"

#define DEFAULT_BLOCKSIZE 256
#define DEFAULT_ALIASING 16
#define DEFAULT_ASSOCIATIVITY 4

/* The largest block size the port accepts with Q20 fixed (sectors; 16 MiB). */
#define SSDCACHE_MAX_BLOCKSIZE 32768

/* Return values of ssdcache_map (Linux 3.1 device-mapper.h). */
#define DM_MAPIO_SUBMITTED 0
#define DM_MAPIO_REMAPPED 1

enum ssdcache_mode_t {
	CACHE_MODE_WRITETHROUGH,
	CACHE_MODE_WRITEBACK,
	CACHE_MODE_READCACHE,
};

enum cte_match_t {
	CTE_READ_CLEAN,
	CTE_READ_BUSY,
	CTE_READ_INVALID,
	CTE_READ_MISS,
	CTE_WRITE_CLEAN,
	CTE_WRITE_BUSY,
	CTE_WRITE_CANCEL,
	CTE_WRITE_INVALID,
	CTE_WRITE_MISS,
	CTE_WRITE_DONE,
	CTE_WRITE_SKIP,
	CTE_LOOKUP_FAILED,
	/* Not the seed's: what a piece got when no cte_match ran for it (decision log). */
	SSD_OUT_BYPASS,
	SSD_OUT_FLUSH,
	SSD_OUT_DISCARD,
	SSD_OUT_NOMATCH,
	SSD_OUT_NR,
};

/* "READ_CLEAN", ... "NOMATCH": the decision-log names. */
const char *cte_match_name(enum cte_match_t r);

enum ssdcache_hash_variant {
	HASH_LINUX31, /* GOLDEN_RATIO_PRIME_64 = 0x9e37fffffffc0001: the seed's */
	HASH_MODERN,  /* Linux >= 4.7 GOLDEN_RATIO_64 = 0x61C8864680B583EB */
};

enum ssdcache_seed_crash { SEED_CRASH_CONTINUE, SEED_CRASH_ABORT };
enum ssdcache_bs_overflow { BS_OVERFLOW_REFUSE, BS_OVERFLOW_EMULATE };

struct ssdcache_options {
	unsigned int assoc;
	enum ssdcache_mode_t mode;
	unsigned async_lookup : 1;
	unsigned disable_writeback : 1;
	unsigned queue_busy : 1;
	unsigned skip_write_insert : 1;
	unsigned evict_on_write : 1;
	unsigned cmd_preload : 1;
	struct pol_admit_list admit; /* extension: admission rules (--admit); none in the seed */
};

/* Everything that shapes one engine instance. ssdcache_config_init() gives the seed's defaults. */
struct ssdcache_config {
	unsigned long block_size;      /* sectors */
	struct ssdcache_options options;
	const struct pol_ops *policy;  /* the victim policy ("options N lru|lfu|..."); lfu: the seed's default */
	uint64_t seed;                 /* for policies that draw random numbers (--seed) */
	const struct pol_oracle *oracle; /* the host's future oracle (opt), or NULL; not owned */
	quirk_set fixed;               /* quirks repaired; 0 = seed-exact */
	enum ssdcache_hash_variant hash;
	enum ssdcache_seed_crash seed_crash;
	enum ssdcache_bs_overflow bs_overflow; /* Q20 in seed mode */
	bool odd_blocksize;            /* Q21 in seed mode: accept non-powers of two literally */
	/* the lookup's tag compare: AVX2 when the CPU has it, or the scalar loop (same decisions;
	 * ssdcache_config_init takes it from the environment, SSDCACHE_SCAN=scalar|auto) */
	bool scan_scalar;
};

void ssdcache_config_init(struct ssdcache_config *cfg);

/*
 * Parse the dm table arguments that follow the two devices (docs/engine.md §7.3), e.g.
 * "blocksize 256 assoc 4 writethrough options 2 lru queue_busy", into cfg (which holds the
 * defaults, or earlier values). Returns 0, or -EINVAL with a message naming the argument.
 * Non-fatal findings (unknown option names, seed Q28) go to warn(arg, message).
 * cfg->fixed must be set before the call (it changes what is accepted: Q26, Q28).
 */
int ssdcache_parse_table(struct ssdcache_config *cfg, const char *table, char *err, size_t errlen,
			 void (*warn)(void *arg, const char *msg), void *warn_arg);

/* Refuse what the seed would mishandle (Q20, Q21, Q26, ...): 0 or -EINVAL with a message. */
int ssdcache_check_config(const struct ssdcache_config *cfg, char *err, size_t errlen);

/* The host interface. All hooks are required unless marked optional. */
struct ssdcache_host_ops {
	/* Current time in jiffies, derived by the host from its clock and HZ (docs/engine.md §3.5) */
	unsigned long (*jiffies)(void *host);
	/* bio_clone(): a new bio with the same sector, size, flags and data (page references).
	 * Never fails (mempool semantics). bi_bdev and map_ptr of the clone are cleared. */
	struct bio *(*bio_clone)(void *host, struct bio *bio);
	/* Release a clone obtained from bio_clone. */
	void (*bio_put)(void *host, struct bio *clone);
	/* bio_endio() on a bio no device will see: the flush in process_sio, WRITE_DONE in map,
	 * and (fixed mode) deferred bios completed by the engine. May be called from map. */
	void (*bio_endio)(void *host, struct bio *bio, int error);
	/* dm_io(): a secondary WRITE of data->bi_sectors sectors of data's contents to dev at
	 * sector (or, with REQ_FLUSH in rw, a flush of dev: fixed Q18). fn(error_bits, context)
	 * must run later from an event, never inside this call. */
	void (*dm_io)(void *host, enum bio_bdev dev, uint32_t rw, sector_t sector, struct bio *data,
		      void (*fn)(unsigned long error, void *context), void *context);
	/* queue_work(kssdcached): make sure process_sio() runs later (no-op if already pending). */
	void (*queue_work)(void *host);
	/* generic_make_request() for a bio the engine remapped outside ssdcache_map (fixed
	 * mode: a deferred bio released by the worker). Dispatch it like a REMAPPED piece. */
	void (*submit_bio)(void *host, struct bio *bio);
	/* Optional: a cte_match() result (or pseudo outcome) for the piece tagged seq; bio is the
	 * piece when the call comes from map, NULL when it comes later from the worker. */
	void (*decision)(void *host, uint64_t seq, struct bio *bio, enum cte_match_t result, long hash,
			 long idx);
	/* Optional: the seed would crash or corrupt memory here (quirk q); what says how. */
	void (*seed_crash)(void *host, int q, const char *what);
};

struct ssdcache_wq;  /* the kssdcached workqueue and its _io_work list, shared by targets */
struct ssdcache_ctx; /* one target */

/* Create the workqueue a host's targets share. NULL on allocation failure. */
struct ssdcache_wq *ssdcache_wq_create(const struct ssdcache_host_ops *ops, void *host);
void ssdcache_wq_destroy(struct ssdcache_wq *wq);
/* True while items wait on the _io_work list. */
bool ssdcache_wq_busy(const struct ssdcache_wq *wq);
/* The worker (seed process_sio): drain the list head first. */
void process_sio(struct ssdcache_wq *wq);

/*
 * ssdcache_ctr(): build a target over a cache of cache_bytes (i_size_read of the cache
 * device). Returns 0, or -ENOSPC when the cache is smaller than 16 blocks (Q22: the cache
 * device is too small for the block size), -EINVAL (the table) or -ENOMEM, with a message in
 * err. Allocation is sized here (the cmd index); ctes are allocated per cmd.
 */
int ssdcache_ctr(const struct ssdcache_config *cfg, uint64_t cache_bytes, struct ssdcache_wq *wq,
		 struct ssdcache_ctx **out, char *err, size_t errlen);
/* Tear down. The host must have drained all I/O and the workqueue (seed Q38). */
void ssdcache_dtr(struct ssdcache_ctx *sc);

/* A hint, no effect on decisions: the host will soon map a bio at sector; start fetching the
 * metadata its lookup touches (call it when the request is read, before earlier events run). */
void ssdcache_prefetch(struct ssdcache_ctx *sc, sector_t sector);

/* ssdcache_map(): DM_MAPIO_REMAPPED, DM_MAPIO_SUBMITTED, or -EOPNOTSUPP (discard, Q19). */
int ssdcache_map(struct ssdcache_ctx *sc, struct bio *bio);
/* ssdcache_endio(): a primary piece completed with error (0 or -errno). Returns the status
 * the user sees. Only for bios whose map_ptr is set; for others the status passes through. */
int ssdcache_endio(struct ssdcache_ctx *sc, struct bio *bio, int error);

enum status_type_t { STATUSTYPE_INFO, STATUSTYPE_TABLE };
/* ssdcache_status(): the seed's text, byte for byte (TABLE uses the given device names). */
void ssdcache_status(struct ssdcache_ctx *sc, enum status_type_t type, char *result,
		     unsigned int maxlen, const char *target_name, const char *cache_name);

struct ssdcache_counters {
	/* printed in STATUSTYPE_INFO */
	unsigned long read_clean, read_busy, read_invalid, read_miss;
	unsigned long write_busy, write_cancel, write_invalid, write_miss, write_done, write_skip;
	unsigned long cache_bypassed, cache_evictions, writeback_cancelled, bio_cancelled;
	/* maintained but not printed (Q31) */
	unsigned long write_clean, lookup_failed, lookup_busy, cache_overruns;
	unsigned long nr_sio, sio_active, cte_active;
	/* the port's own */
	unsigned long seed_crashes;   /* places the seed would oops or corrupt memory */
	unsigned long deferred;       /* fixed mode: bios that waited for busy offsets */
	unsigned long not_admitted;   /* misses an admission rule kept from allocating */
	unsigned long nr_cmds, nr_ctes, nr_cte_full, nr_target_busy, nr_cache_busy;
	unsigned long num_cmd, max_ctes;
};

/* Counters and the status walk (nr_cmds ... nr_cache_busy) in one read-only view. */
void ssdcache_get_counters(struct ssdcache_ctx *sc, struct ssdcache_counters *out);

/* A read-only view of one slot, for tests and diagnostics (never used by decisions). */
struct ssdcache_cte_view {
	bool present;
	unsigned long sector, atime, count;
	uint64_t clean[4], target_busy[4], cache_busy[4]; /* the first 256 offsets */
};
/* 0, or -ENOENT when cmd `hash` does not exist (or slot is out of range). */
int ssdcache_peek_cte(struct ssdcache_ctx *sc, unsigned long hash, int slot,
		      struct ssdcache_cte_view *out);

/* Geometry, for hosts and reports. */
struct ssdcache_geometry {
	unsigned long block_size, hash_bits, num_cmd;
	uint64_t cache_sectors_used;
	size_t cte_bytes; /* memory per cte in this configuration */
};
void ssdcache_get_geometry(const struct ssdcache_ctx *sc, struct ssdcache_geometry *out);


/* Hashing (docs/engine.md §2), exposed for tests and for the miss explanation. */
unsigned long ssdcache_hash_64_raw(enum ssdcache_hash_variant v, uint64_t value, unsigned bits);

#endif
