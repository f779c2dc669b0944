/* SPDX-License-Identifier: GPL-2.0 */
/* verify.h - the stale-read verifier: versions of every sector on both devices and as acknowledged. */
#ifndef SSDCACHE_VERIFY_H
#define SSDCACHE_VERIFY_H

#include <stdint.h>
#include <stdio.h>

#include "sim/dmcore.h"
#include "sim/sim.h"

/*
 * Every user write gets a version (its arrival order, from 1; the initial data is 0). Device
 * contents change at write completion; a clone carries the data of the bio it was made from
 * (a fill: what its target read returned). A read piece is stale when a sector returns a
 * version older than the newest version of that sector acknowledged to the user (request
 * completed) before the read was submitted. Memory follows the footprint (secmap).
 */
struct verifier;

struct verifier *verify_new(enum ssdcache_mode_t mode, bool async_lookup);
void verify_free(struct verifier *v);

/* dm hooks */
void verify_mapped(struct verifier *v, struct dm_piece *p, bool first);
void verify_clone(struct verifier *v, struct dm_bio *src, struct dm_bio *clone);
void verify_bio_free(struct verifier *v, struct dm_bio *b);
void verify_dio_done(struct verifier *v, struct dm_dio *d);
void verify_piece_done(struct verifier *v, struct dm_piece *p, uint64_t now_ns);
void verify_req_done(struct verifier *v, struct dm_req *r);

/* Shared with the replay's verifier (replay_verify.c). A read piece's snapshot when it is
 * mapped: the newest version acknowledged for each of its sectors (never NULL); and dropping
 * it when a bio of the piece is freed. */
struct secmap;
void verify_snap_take(struct dm_piece *p, const struct secmap *acked);
void verify_snap_drop(struct dm_bio *b);

uint64_t verify_stale_count(const struct verifier *v);
/* The first n cases in sequence order. */
unsigned verify_examples(struct verifier *v, struct sim_stale_example *out, unsigned n);
/* Every case, one line each, sorted by seq:
 * <seq> <sector> <nsect> <done_ns> <first_stale_sector> <returned_version> <expected_min_version> */
int verify_write_log(struct verifier *v, FILE *fp);

#endif
