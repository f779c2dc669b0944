/* SPDX-License-Identifier: GPL-2.0 */
/* procs.h - per-process I/O of a trace (requests, bytes, read share) from the records' pid. */
#ifndef SSDCACHE_PROCS_H
#define SSDCACHE_PROCS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/reader.h"

/*
 * Records are grouped by pid; a process's name is the first non-empty comm its records carry
 * (blkparse keeps the first name of a pid too). Requests are every record of the pid; bytes,
 * reads and writes count the requests that move data (discards and empty flushes are requests
 * without bytes). Memory: one entry per distinct pid (open addressing, grown by doubling).
 */
struct trc_proc {
	uint32_t pid;
	char comm[TRC_COMM_MAX];
	uint64_t requests, reads, writes, read_bytes, write_bytes;
};

struct trc_procs;

int trc_procs_new(struct trc_procs **out);
void trc_procs_free(struct trc_procs *p);
/* Account one record (allocates when a new pid fills the table; out of memory stops adding new
 * pids and is said in the report). */
void trc_procs_add(struct trc_procs *p, const struct trc_rec *r);
/* Distinct pids; true if any record had a pid or a name (formats without them have none). */
size_t trc_procs_count(const struct trc_procs *p);
bool trc_procs_known(const struct trc_procs *p);
/* The processes sorted by requests (descending), then pid; a malloc'ed array of *n (free()). */
struct trc_proc *trc_procs_sorted(const struct trc_procs *p, size_t *n);
/* Text: the text_max busiest, one line each, then "N more"; JSON: the array of all. */
void trc_procs_print(const struct trc_procs *p, FILE *fp, bool json, size_t text_max);

#endif
