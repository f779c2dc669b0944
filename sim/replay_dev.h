/* SPDX-License-Identifier: GPL-2.0 */
/* replay_dev.h - opening the replay's devices safely: probe, create, prefill, sparse warning. */
#ifndef SSDCACHE_REPLAY_DEV_H
#define SSDCACHE_REPLAY_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How to open one device. */
struct rdev_opts {
	const char *path;
	const char *role;      /* "cache" or "target", for messages */
	uint64_t create_size;  /* --*-create: create or extend the file to this (0: no) */
	bool direct;           /* O_DIRECT for the replay's I/O */
	bool force;            /* overwrite a signature or a block device (never a device in use) */
	bool prefill;          /* fill what --*-create made with data (else: warn about holes) */
	bool progress;         /* show the prefill's progress on stderr */
	void (*warn)(void *arg, const char *msg);
	void *warn_arg;
};

struct rdev {
	int fd;
	uint64_t size;         /* bytes */
	bool is_block;
	uint64_t prefilled;    /* bytes written by the prefill */
	double holes;          /* fraction of the file not allocated when opened (after prefill) */
};

/*
 * Check (devprobe_guard), create or extend, open. A region that --*-create added is filled
 * with real data (sequential O_DIRECT writes of rsec_fill sectors: run 0, generation 0) unless
 * prefill is false, in which case a warning says that holes read from no device; a file that
 * is still sparse gets a warning with the fraction of holes. Returns 0, -EEXIST / -EBUSY
 * (refused: a usage error), -EINVAL, or -errno, with a message in err.
 */
int rdev_open(struct rdev *d, const struct rdev_opts *o, char *err, size_t errlen);
void rdev_close(struct rdev *d);

/* Fill [from, to) of fd with rsec_fill sectors, in chunks of 1 MiB. Returns 0 or -errno. */
int rdev_prefill(int fd, uint64_t from, uint64_t to, bool progress, const char *what);

#endif
