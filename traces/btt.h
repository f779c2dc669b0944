/* SPDX-License-Identifier: GPL-2.0 */
/* btt.h - btt-style latency breakdown of a blkparse/blktrace capture, from its events. */
#ifndef SSDCACHE_BTT_H
#define SSDCACHE_BTT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/exact.h"
#include "traces/reader.h"

/*
 * Fed with the Q, G, I, M, F, D, C, R and X events of one device (trc_opts.on_event), in input
 * order, it pairs the events of each request as btt does (by device and start sector, an equal
 * size preferred, oldest first; docs/traces.md says precisely how, merges included) and keeps
 * the exact distribution of each pair's time, per operation: Q2G, G2I, Q2M, I2D, M2D, D2C, Q2C.
 * It also counts the events and the merges, and the device queue depth seen by each D (D issued
 * minus C completed so far, this D included).
 *
 * Memory: 8 bytes per pair measured (exact percentiles), plus the requests in flight (at most
 * BTT_INFLIGHT_MAX; past that the oldest is dropped and counted, as a capture that lost its
 * completions would otherwise grow without bound; likewise past 64 in flight with the same start
 * or end sector, so that every search stays short). Nothing here is on the simulator's path.
 */
#define BTT_INFLIGHT_MAX (1u << 20)

enum { BTT_Q2G, BTT_G2I, BTT_Q2M, BTT_I2D, BTT_M2D, BTT_D2C, BTT_Q2C, BTT_NPAIRS };
enum { BTT_READ, BTT_WRITE, BTT_OTHER, BTT_ALL, BTT_NOPS }; /* OTHER: discards, no direction */
#define BTT_OPS_STORED 3 /* read, write, other are kept; all is their union */

struct trc_btt_counts {
	uint64_t ev[9];        /* Q, G, I, M, F, D, C, R, X events (ranged or not) */
	uint64_t merge_back, merge_front;
	uint64_t merge_lost;   /* M/F whose request was not found (its Q, G or I not in the capture) */
	uint64_t split_lost;   /* X whose Q was not found, or not around the split point */
	uint64_t c_unpaired;   /* ranged C without a dispatched request */
	uint64_t dropped;      /* requests dropped: BTT_INFLIGHT_MAX in flight, or 64 in flight with
				* the same start (or end) sector */
};

struct trc_btt;

/* 0 or -ENOMEM. */
int trc_btt_new(struct trc_btt **out);
void trc_btt_free(struct trc_btt *b);
/* The observer (trc_opts.on_event with event_ctx = the trc_btt). May allocate (pools, values). */
void trc_btt_event(void *btt, const struct trc_event *ev);
/* Did it see any event? */
bool trc_btt_any(const struct trc_btt *b);
const struct trc_btt_counts *trc_btt_counts(const struct trc_btt *b);
/* Exact summary of pair p for operation op (BTT_ALL: every operation); false if none. May
 * reorder the values (call after the last event). */
bool trc_btt_pair(struct trc_btt *b, int p, int op, struct exact *e);
/* Exact summary of the queue depth seen at each D; false if no D. */
bool trc_btt_depth(const struct trc_btt *b, struct exact *e);
/* Text lines (each starting with the section name) or the value of the "btt" JSON key. */
void trc_btt_print(struct trc_btt *b, FILE *fp, bool json);
/* "Q2G" ... "Q2C"; "read", "write", "other", "all". */
const char *trc_btt_pair_name(int p);
const char *trc_btt_op_name(int op);

#endif
