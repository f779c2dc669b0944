/* SPDX-License-Identifier: GPL-2.0 */
/* gen.h - synthetic block workloads from GSL random numbers, and a blkparse-text writer. */
#ifndef SSDCACHE_GEN_H
#define SSDCACHE_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "traces/reader.h"

/*
 * A generator is described by a struct trc_gen_spec (the CLI parses the user's text into it) and
 * produces trc_rec records one at a time, in time order, with constant memory. The same spec and
 * seed give the same records (GSL's mt19937, one stream for everything, drawn in a fixed order).
 */

enum trc_gen_pattern_kind {
	TRC_GEN_UNIFORM,  /* every slot equally likely */
	TRC_GEN_ZIPF,     /* slot ranks Zipf(theta), ranks scattered over the device */
	TRC_GEN_SEQ,      /* sequential runs of geometric length (mean run_mean requests) */
	TRC_GEN_HOTCOLD,  /* hot_access of the accesses on the first hot_space of the device */
};

struct trc_gen_pattern {
	enum trc_gen_pattern_kind kind;
	double theta;      /* ZIPF: exponent > 0 */
	double run_mean;   /* SEQ: mean run length in requests, >= 1 */
	double hot_access; /* HOTCOLD: fraction of accesses (0..1) */
	double hot_space;  /* HOTCOLD: fraction of the device (0..1) */
	double weight;     /* share of this pattern in a mix */
};

enum trc_gen_size_kind { TRC_GEN_SIZE_FIXED, TRC_GEN_SIZE_LIST, TRC_GEN_SIZE_LOGNORMAL };

#define TRC_GEN_MAX_PATTERNS 8
#define TRC_GEN_MAX_SIZES 16

struct trc_gen_size {
	enum trc_gen_size_kind kind;
	uint64_t bytes[TRC_GEN_MAX_SIZES]; /* FIXED: bytes[0]; LIST: with weights */
	double weights[TRC_GEN_MAX_SIZES];
	size_t n;
	double median_bytes, sigma;         /* LOGNORMAL: median exp(zeta) and sigma */
	uint64_t max_bytes;                 /* LOGNORMAL: cap */
};

enum trc_gen_arrival_kind { TRC_GEN_POISSON, TRC_GEN_FIXED, TRC_GEN_ONOFF };

struct trc_gen_arrival {
	enum trc_gen_arrival_kind kind;
	double iops;          /* POISSON, ONOFF (during the on periods) */
	uint64_t interval_ns; /* FIXED */
	uint64_t on_ns, off_ns;
};

struct trc_gen_spec {
	uint64_t requests;      /* stop after this many (0: use duration_ns) */
	uint64_t duration_ns;   /* stop before this time (0: use requests) */
	uint64_t device_bytes;
	uint64_t align_bytes;   /* offsets are multiples of this (>= 512, a multiple of 512) */
	struct trc_gen_pattern pat[TRC_GEN_MAX_PATTERNS];
	size_t npat;
	double read_ratio;
	struct trc_gen_size size;
	struct trc_gen_arrival arrival;
	unsigned long seed;
	uint32_t dev;           /* TRC_DEV of the records */
	uint32_t pid;
	const char *comm;
};

struct trc_gen;

/* Validate spec and set up the generator (allocates; tables sized here). 0 or -EINVAL with a
 * message in err. */
int trc_gen_new(struct trc_gen **out, const struct trc_gen_spec *spec, char *err, size_t errlen);
/* Next record; false when the requested count or duration is reached. Does not allocate. */
bool trc_gen_next(struct trc_gen *g, struct trc_rec *rec);
void trc_gen_free(struct trc_gen *g);

/*
 * blkparse default text for records: Q, D at the same time, C latency_ns later (each record's
 * latency_ns, which must be > 0; completions keep their order, so a constant latency is assumed
 * by the caller), lines in time order, as blkparse prints them (blkparse_fmt.c process_default).
 */
struct trc_bp_writer;
int trc_bp_writer_new(struct trc_bp_writer **out, FILE *fp, size_t max_pending);
/* 0 or -ENOSPC (more completions pending than max_pending) or -EIO. */
int trc_bp_write(struct trc_bp_writer *w, const struct trc_rec *rec);
/* Write the completions still pending; 0 or -EIO. Frees w. */
int trc_bp_writer_finish(struct trc_bp_writer *w);

#endif
