/* SPDX-License-Identifier: GPL-2.0 */
/* cli_trace.h - what trace dump, convert, stats and mrc share: their command line (the table's
 * reader rows), opening the reader, and its warnings and errors at the end. */
#ifndef SSDCACHE_CLI_TRACE_H
#define SSDCACHE_CLI_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/cli/cli_opts.h"
#include "traces/reader.h"

/* The command line of a reading subcommand (dump, convert, stats, mrc; models replay): the reader's options, the
 * subcommand's own, the operands. */
struct read_args {
	struct trc_opts opts;
	const char *path, *out; /* the operands: FILE (or IN), and convert's OUT.sct */
	bool lng, count;        /* dump --long, --count */
	bool json;              /* stats and mrc --json */
	uint64_t block_bytes, max_blocks; /* stats --blocksize, --max-blocks; mrc --blocksize */
	/* mrc: --sizes, --policy (NULL: not given), --reads-only, --sample (0: not given),
	 * --timing, --stream */
	const char *sizes, *policy;
	bool reads_only, timing, stream;
	double sample;
	uint64_t qd;             /* models replay --qd (0: not given) */
	const char *latency_log; /* models replay --latency-log */
};

/* Their help sections: their own options, then the reader's. */
extern const struct cli_section_doc cli_read_sections[];

/* Parse the command line of cmd (n operands, named names) into ra: a reader's option through
 * trc_opts_set, the one parser of them. 0, or 1 when the command ends with *status (--help, a
 * usage error). */
int cli_read_args(const struct cli_cmd *cmd, int argc, char **argv, int n, const char *names,
		  struct read_args *ra, int *status);

/* Open ra->path with ra->opts; 0, or the exit status after "ssdcache-sim trace CMD: ERROR". */
int cli_open_reader(const char *cmd, struct read_args *ra, struct trc **t);

/* After the last record: the error (exit 1), or the warnings and the lenient summary (0). */
int cli_finish_reader(const char *cmd, struct trc *t, enum trc_status st);

#endif
