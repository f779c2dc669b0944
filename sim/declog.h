/* SPDX-License-Identifier: GPL-2.0 */
/* declog.h - the decision log: one line per piece, in sequence order, written as pieces complete. */
#ifndef SSDCACHE_DECLOG_H
#define SSDCACHE_DECLOG_H

#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"

/*
 * Line format (the decision log's contract, as the golden cases hold it):
 *   <seq> <R|W|F|D> <sector> <nsect> <OUTCOME> <hash|-> <idx|-> <done_ns>
 * Records wait in a window until every lower sequence number is complete, so memory follows
 * the number of pieces in flight, not the trace length.
 */
#define DECLOG_NONE UINT64_MAX

struct declog;

int declog_open(struct declog **out, const char *path, char *err, size_t errlen);
/* A piece is mapped under seq; prev_seq is its previous mapping (a WRITE_CANCEL
 * resubmission) or DECLOG_NONE. */
void declog_mapped(struct declog *dl, uint64_t seq, uint64_t prev_seq, char op, uint64_t sector,
		   uint32_t nsect);
/* The first cte_match result (or pseudo outcome) for seq; later ones are ignored. */
void declog_decision(struct declog *dl, uint64_t seq, enum cte_match_t r, long hash, long idx);
/* The piece whose latest mapping is last_seq completed: every mapping in its chain gets done_ns. */
void declog_done(struct declog *dl, uint64_t last_seq, uint64_t done_ns);
/* Write what is left and close. Returns 0 or -errno (a write error, e.g. a full disk). */
int declog_close(struct declog *dl, char *err, size_t errlen);

#endif
