/* SPDX-License-Identifier: GPL-2.0 */
/* bio.h - the minimal struct bio the engine sees: a piece of a user request, or a clone of one. */
#ifndef SSDCACHE_BIO_H
#define SSDCACHE_BIO_H

#include <stdint.h>

typedef uint64_t sector_t;

/* Where a bio is addressed. BDEV_SELF is the dm device itself: a bio that map returns as
 * REMAPPED without changing bi_bdev is resubmitted to dm (seed Q9, WRITE_CANCEL). */
enum bio_bdev {
	BDEV_SELF = 0,
	BDEV_TARGET,
	BDEV_CACHE,
};

/* bi_rw bits, named as in Linux 3.1 (only the ones the seed reads, plus what traces carry). */
#define BIO_RW_WRITE (1u << 0) /* bio_data_dir() == WRITE */
#define REQ_FLUSH (1u << 1)
#define REQ_FUA (1u << 2)
#define REQ_DISCARD (1u << 3)
#define REQ_SECURE (1u << 4)
#define REQ_SYNC (1u << 5)
#define REQ_META (1u << 6)
#define REQ_RAHEAD (1u << 7)

#define READ 0
#define WRITE 1

/*
 * A bio. The host (dm-core emulation) owns every bio: it creates the pieces it maps and, on
 * the engine's request (host op bio_clone), the clones. The engine reads and rewrites
 * bi_sector / bi_bdev exactly where the seed does, and keeps its per-bio context in map_ptr
 * (dm's map_context->ptr).
 */
struct bio {
	sector_t bi_sector;    /* first sector, on whatever device bi_bdev names */
	uint32_t bi_sectors;   /* length in sectors (the seed's bio_sectors(bio)) */
	uint32_t bi_cur_sectors; /* first segment, in sectors (bio_cur_bytes(bio) >> 9) */
	uint32_t bi_rw;        /* BIO_RW_WRITE | REQ_* */
	enum bio_bdev bi_bdev; /* where it goes next */
	void *map_ptr;         /* map_context->ptr: the engine's sio, or NULL */
	uint64_t bi_seq;       /* host tag of the piece (decision-log sequence number) */
	uint64_t bi_req;       /* the host's number of the user request (arrival order) */
	sector_t bi_req_sector; /* that request's first sector and length (0: unknown) */
	uint32_t bi_req_sectors;
	void *bi_private;      /* the host's */
};

static inline int bio_data_dir(const struct bio *bio)
{
	return (bio->bi_rw & BIO_RW_WRITE) ? WRITE : READ;
}

#endif
