/* SPDX-License-Identifier: GPL-2.0 */
/* calib.h - `models calibrate`: measure a real device over a grid, and a model over the same. */
#ifndef SSDCACHE_CALIB_H
#define SSDCACHE_CALIB_H

#include <stdbool.h>
#include <stdint.h>

/* One grid point: a fio-like closed loop (random or sequential, read or write, bs, qd). */
struct calib_point {
	bool write, random;
	uint32_t bs;          /* bytes */
	unsigned qd;
	/* measured */
	uint64_t ios;
	double mean_ns, iops;
	double log_sd;        /* standard deviation of ln(latency): the spread of the service time */
	/* predicted by the fitted model */
	double pred_ns;
};

/* Measure each point on fd (O_DIRECT, io_uring) for `seconds` each, over [0, size).
 * Returns 0 or -errno with err. */
int calib_measure(int fd, uint64_t size, struct calib_point *pts, unsigned n, double seconds, bool realtime,
		  char *err, size_t errlen);

/* Mean latency of a point on the model SPEC (simulated, closed loop, `ios` I/Os, the same
 * address pattern). Returns the mean in ns, or a negative number with err (a bad spec, a model
 * that completes in the past, no memory). */
double calib_model_mean(const char *spec, const struct calib_point *pt, uint64_t size, uint64_t ios,
			char *err, size_t errlen);

/* Measure path and fit model ("fixed", "ssd", "hdd") to it: what `models calibrate` does.
 * size 0: the whole device (a file that does not exist is created at 1 GiB and filled).
 * Returns 0, or -EEXIST / -EBUSY (refused by devprobe), -EINVAL, -errno with err. */
#define CALIB_POINTS 24
struct calib_fit {
	struct calib_point pts[CALIB_POINTS];
	unsigned n;
	uint64_t size;        /* measured region */
	char spec[1024];      /* with size= the device's size */
	unsigned parallel;    /* ssd: channels estimated from the measurement (Little's law), else 0 */
	double rms;           /* RMS of predicted / measured - 1 */
	size_t iterations;
	char status[64];
};
/* flags: CALIB_READS_ONLY measures the read points only (an existing PATH is then never
 * written: what replay --predict uses after a trace without writes). max_bs > 0 leaves out the
 * points of larger blocks (4 KiB always stays): replay --predict passes the cache block size,
 * the largest I/O the dm core sends. */
#define CALIB_READS_ONLY 1u
#define CALIB_REALTIME 2u /* measure SCHED_FIFO (as replay --realtime); a warning-free no-op if refused */
int calib_run(const char *path, const char *model, uint64_t size, double seconds, unsigned flags,
	      uint32_t max_bs, bool force, bool progress, struct calib_fit *cf, char *err, size_t errlen);

#endif
