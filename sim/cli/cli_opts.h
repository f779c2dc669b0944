/* SPDX-License-Identifier: GPL-2.0 */
/* cli_opts.h - the one option table of run, replay, sweep, trace and models replay|probe: parsing,
 * --help, man pages, completion. */
#ifndef SSDCACHE_CLI_OPTS_H
#define SSDCACHE_CLI_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Every command-line option of these commands is one row of cli_opts.c's table: its name, the
 * type of its argument (checked, with its range, by one parser and one message), its default
 * and help text, its help section, and the set of commands that take it. From the rows a
 * command builds its getopt_long array, its --help, its man page and the bash completion; a
 * flag two commands share is the same row. A flag whose meaning differs between commands
 * (run's --verify checks the model, replay's the data) is two rows with the same id.
 */

/* The commands that take their options from the table, one bit each. */
enum cli_cmd_bit {
	CLI_RUN = 1u << 0,
	CLI_REPLAY = 1u << 1,
	CLI_SWEEP = 1u << 2,
	CLI_DUMP = 1u << 3, /* trace dump */
	CLI_CONVERT = 1u << 4, /* trace convert */
	CLI_STATS = 1u << 5, /* trace stats */
	CLI_GEN = 1u << 6, /* trace gen */
	CLI_MRC = 1u << 7, /* trace mrc */
	CLI_MREPLAY = 1u << 8, /* models replay */
	CLI_PROBE = 1u << 9, /* models probe */
};
#define CLI_SIM (CLI_RUN | CLI_REPLAY)
#define CLI_ENGINE (CLI_RUN | CLI_REPLAY | CLI_SWEEP)
#define CLI_READ (CLI_ENGINE | CLI_DUMP | CLI_CONVERT | CLI_STATS | CLI_MRC | CLI_MREPLAY)

/* The argument's type: the parser checks it (and the range) before the command sees it. */
enum cli_arg {
	CLI_FLAG,   /* no argument */
	CLI_TEXT,   /* any text: the command (or the library it hands it to) checks it */
	CLI_U64,    /* a whole number */
	CLI_SIZE,   /* bytes, or K/M/G/T (1024) */
	CLI_TIME,   /* ns, or ns/us/ms/s */
	CLI_DOUBLE, /* a number */
	CLI_CHOICE, /* one of choices[] (the value is its index) */
};

/* Help sections, in the order a command's --help lists them (each command names its own). */
enum cli_section {
	CLI_S_DEVICES = 1u << 0,
	CLI_S_PARAMS = 1u << 1,  /* a sweep's parameter lists */
	CLI_S_TABLE = 1u << 2,
	CLI_S_ENGINE = 1u << 3,
	CLI_S_REPLAY = 1u << 4,  /* timing of the simulated replay */
	CLI_S_TRACE = 1u << 5,   /* reading the trace */
	CLI_S_VERIFY = 1u << 6,  /* replay's data verification */
	CLI_S_PREDICT = 1u << 7, /* replay's predicted vs measured */
	CLI_S_OUTPUT = 1u << 8,
	CLI_S_RUNNING = 1u << 9, /* a sweep's workers and database */
	CLI_S_GEN = 1u << 10,    /* trace gen's workload */
	CLI_S_TESTING = 1u << 11,
};

/* Option ids: what a command switches on. Rows sharing a meaning share the id. */
enum cli_id {
	CO_HELP = 256,
	/* devices, table, engine */
	CO_CACHE_DEV, CO_TARGET_DEV, CO_TABLE, CO_POLICY, CO_ADMIT, CO_SEED, CO_QUIRKS, CO_FIX, CO_QUIRK,
	CO_HZ, CO_JIFFIES0, CO_HASH, CO_WQ_DELAY, CO_MAP_COST, CO_SEED_CRASH, CO_BS_OVERFLOW, CO_ODD_BS,
	/* simulated replay */
	CO_SPEED, CO_QD, CO_MAX_REQUESTS, CO_WARMUP, CO_INTERVAL,
	/* trace reading (traces/reader.h's trc_opts_set) */
	CO_FORMAT, CO_EVENT, CO_DEVICE, CO_LENIENT, CO_TIME_UNIT, CO_CSV,
	/* output */
	CO_DECISION_LOG, CO_VERIFY, CO_VERIFY_LOG, CO_EXPLAIN, CO_NO_EXPLAIN, CO_JSON, CO_DB,
	CO_TARGET_NAME, CO_CACHE_NAME, CO_PROGRESS, CO_NO_PROGRESS, CO_QUIET, CO_DEBUG_ABORT,
	/* replay on real devices */
	CO_R_CACHE, CO_R_TARGET, CO_R_CACHE_CREATE, CO_R_TARGET_CREATE, CO_DIRECT, CO_NO_PREFILL,
	CO_REALTIME, CO_FORCE, CO_INJECT, CO_PREDICT, CO_CACHE_MODEL, CO_TARGET_MODEL, CO_CALIB_SECONDS, CO_CALIB_MODEL,
	/* sweep */
	CO_S_BLOCKSIZE, CO_S_ASSOC, CO_S_MODE, CO_S_CACHE_SIZE, CO_S_POLICY, CO_JOBS, CO_DRY_RUN,
	CO_EMIT_JOBS, CO_SHARD_DIR, CO_SWEEP_ID,
	/* trace dump, stats */
	CO_LONG, CO_COUNT, CO_T_BLOCKSIZE, CO_MAX_BLOCKS,
	/* trace mrc */
	CO_M_SIZES, CO_M_POLICY, CO_M_READS_ONLY, CO_M_SAMPLE, CO_M_TIMING, CO_M_STREAM,
	/* models replay */
	CO_MR_QD, CO_MR_LATENCY_LOG,
	/* models probe */
	CO_P_RW, CO_P_BS, CO_P_COUNT, CO_P_SPAN, CO_P_SEED, CO_P_PRECONDITION,
	/* trace gen */
	CO_G_OUTPUT, CO_G_OFORMAT, CO_G_REQUESTS, CO_G_DURATION, CO_G_DEVSIZE, CO_G_ALIGN, CO_G_PATTERN,
	CO_G_READ_RATIO, CO_G_SIZE, CO_G_MAX_SIZE, CO_G_ARRIVAL, CO_G_SEED, CO_G_DEVICE, CO_G_LATENCY,
};

struct cli_opt {
	enum cli_id id;
	const char *name;   /* long name, without "--" */
	char short_name;    /* 0: none */
	enum cli_arg arg;
	const char *metavar; /* the argument in help ("N", "SPEC"); NULL: from the type */
	double min, max;    /* inclusive range of a number (both 0: any) */
	const char *const *choices; /* CLI_CHOICE: NULL-terminated */
	const char *expect; /* what the error message says is expected; NULL: from type and range */
	const char *def;    /* the default, as help shows it; NULL: none shown */
	unsigned cmds;      /* enum cli_cmd_bit: the commands that take it */
	unsigned section;   /* enum cli_section */
	const char *help;   /* '\n' starts a continuation line */
	/* help lines another table writes (the reader registry's --format, --time-unit and --csv):
	 * the whole entry, the descriptions at column width; help is then unused */
	const char *(*help_block)(int width);
};

extern const struct cli_opt cli_opts[]; /* ends with a row whose name is NULL */

/* The value of a typed option. */
union cli_val {
	uint64_t u;      /* CLI_U64, CLI_SIZE, CLI_TIME */
	double d;        /* CLI_DOUBLE */
	unsigned choice; /* CLI_CHOICE */
};

struct cli_section_doc {
	const char *title; /* "engine:" */
	unsigned sections; /* enum cli_section: the rows it lists */
};

/* A command's documentation around its table rows. */
struct cli_cmd {
	const char *name;  /* "run", "trace dump" */
	unsigned bit;      /* enum cli_cmd_bit */
	const char *summary; /* one line, for the man page's NAME */
	const char *usage; /* "TRACE [options]" */
	const char *intro; /* paragraphs after the usage line */
	const struct cli_section_doc *sections; /* ends with a NULL title */
	/* text after the options (exit status, example); NULL: none */
	const char *outro;
	/* help lines a registry writes after a row (run's --policy: the policies), or NULL */
	void (*after_row)(FILE *fp, const struct cli_opt *o);
};

/* The sections of run, replay and sweep (a section without rows of the command is not shown). */
extern const struct cli_section_doc cli_sim_sections[];
/* models probe's: one list */
extern const struct cli_section_doc cli_probe_sections[];

#define CLI_MAX_ROWS 128

/* getopt_long over the rows of one command. */
struct cli_parser {
	const struct cli_cmd *cmd;
	int argc;
	char **argv;
	struct option lo[CLI_MAX_ROWS + 1];
	const struct cli_opt *row[CLI_MAX_ROWS]; /* lo[i]'s row */
	char shorts[32];
	/* after cli_next() > 0: the option, its text (NULL for a flag) and its typed value */
	const struct cli_opt *opt;
	const char *arg;
	union cli_val val;
	int status; /* after cli_next() < 0: the exit status (0 after --help) */
};

void cli_parser_init(struct cli_parser *p, const struct cli_cmd *cmd, int argc, char **argv);

/* The next option: 1 with p->opt, p->arg and p->val set; 0 at the end (optind is the first
 * operand); -1 when the command should stop with p->status: --help (printed on stdout, 0) or
 * a usage error (printed, EXIT_USAGE). */
int cli_next(struct cli_parser *p);

/* "ssdcache-sim CMD: MESSAGE" and where to find the usage, on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The operands after the options: exactly n of them (names: "TRACE", "IN and OUT.sct"). 0, or
 * EXIT_USAGE after the message. */
int cli_operands(const struct cli_parser *p, int n, const char *names);

#endif
