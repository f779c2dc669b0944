/* SPDX-License-Identifier: GPL-2.0 */
/* sweep_refs.h - after a sweep: the reference curves (fully associative LRU and OPT) it needs. */
#ifndef SSDCACHE_SIM_SWEEP_REFS_H
#define SSDCACHE_SIM_SWEEP_REFS_H

#include <stddef.h>

#include "reports/db.h"
#include "traces/reader.h"

/*
 * For every (block size, cache size) of the sweep's ok runs that ref_curves does not hold yet,
 * compute the read miss counts of fully associative LRU and OPT caches holding as many blocks as
 * the engine has slots for that cache size (num_cmd x DEFAULT_ALIASING, num_cmd rounded down to
 * a power of two as ctr.c does), and store them (reports/db_refs.h). Only the trace's reads
 * are fed to the reference cache (reads_only 1: writes neither insert nor count), as the
 * engine allocates on read misses only in writethrough and readcache, and as the runs' read
 * hit ratio counts read pieces (one access per cache block a read covers, as the engine's
 * pieces).
 * The trace is read once per block size that needs a curve (path with opts: the sweep's .sct
 * copy when there is one). Returns 0, or -errno with a message (the runs stay recorded).
 */
int sweep_refs_record(struct rep_db *db, const char *sweep_id, const char *fingerprint,
		      const char *path, const struct trc_opts *opts, char *err, size_t errlen);

#endif
