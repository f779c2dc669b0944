/* SPDX-License-Identifier: GPL-2.0 */
/* capture.h - record a block device's I/O as blktrace files: blktrace, or the tracefs blk tracer. */
#ifndef SSDCACHE_CAPTURE_H
#define SSDCACHE_CAPTURE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct capture_opts {
	const char *device;   /* /dev/X */
	const char *name;     /* output prefix: NAME.blktrace.N */
	double seconds;       /* stop after this long (0: when the command ends) */
	char **command;       /* run while tracing (NULL: none) */
	bool quiet;
	volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM */
};

/* What happened, for the report. */
struct capture_result {
	unsigned long records;   /* trace records written (notes excluded) */
	unsigned ncpus;          /* NAME.blktrace.0 .. ncpus-1 */
	int command_status;      /* wait status of the command, -1 if none */
	char how[128];           /* "blktrace" or "tracefs blk tracer (...)" */
};

/* Start the command (after tracing is on) and wait for it or for seconds / stop: the loop
 * both methods share. poll_fn is called with the remaining time slice (ms) to read data;
 * returns 0, or -errno. */
int capture_run_workload(const struct capture_opts *o, pid_t *child, int (*poll_fn)(void *arg, int ms),
			 void *arg, int *status);

/* The tracefs blk tracer: mount tracefs if needed (and unmount it after), enable the device,
 * read the binary records from trace_pipe, split them into per-CPU files with per-CPU
 * sequence numbers and a process-name note per pid, restore every setting touched.
 * Returns 0 or -errno with a message in err. */
int capture_tracefs(const struct capture_opts *o, struct capture_result *r, char *err, size_t errlen);

#endif
