// SPDX-License-Identifier: GPL-2.0
/* cli_trace.c - the command line of the reading trace subcommands, and their reader's ends. */
#include "sim/cli/cli_trace.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/cli_engine.h"
#include "sim/cli/cli_util.h"
#include "sim/cli/commands.h"


const struct cli_section_doc cli_read_sections[] = {
	{"", CLI_S_OUTPUT},
	{"", CLI_S_TRACE},
	{NULL, 0},
};

/* Parse the command line of cmd (n operands, named names) into ra: a reader's option through
 * trc_opts_set, the one parser of them. 0, or 1 when the command ends with *status (--help, a
 * usage error). */
int cli_read_args(const struct cli_cmd *cmd, int argc, char **argv, int n,
			   const char *names, struct read_args *ra, int *status)
{
	struct cli_parser p;
	int r;

	memset(ra, 0, sizeof(*ra));
	cli_parser_init(&p, cmd, argc, argv);
	while ((r = cli_next(&p)) > 0) {
		/* a reader's option (whichever the subcommand), or the subcommand's own */
		switch (p.opt->id) {
		case CO_LONG: ra->lng = true; break;
		case CO_COUNT: ra->count = true; break;
		case CO_JSON: ra->json = true; break;
		case CO_MAX_BLOCKS: ra->max_blocks = p.val.u; break;
		case CO_T_BLOCKSIZE:
			if (!p.val.u || p.val.u % 512)
				return *status = cli_usage_error(cmd->name, "--blocksize %s: expected a "
								 "multiple of 512 bytes", p.arg), 1;
			ra->block_bytes = p.val.u;
			break;
		case CO_M_SIZES: ra->sizes = p.arg; break;
		case CO_M_POLICY: ra->policy = p.arg; break;
		case CO_M_READS_ONLY: ra->reads_only = true; break;
		case CO_M_SAMPLE: ra->sample = p.val.d; break;
		case CO_M_TIMING: ra->timing = true; break;
		case CO_M_STREAM: ra->stream = true; break;
		case CO_MR_QD: ra->qd = p.val.u; break;
		case CO_MR_LATENCY_LOG: ra->latency_log = p.arg; break;
		default:
			if ((*status = cli_trace_option(cmd->name, &ra->opts, p.opt, p.arg)))
				return 1;
		}
	}
	if (r < 0)
		return *status = p.status, 1;
	if ((*status = cli_operands(&p, n, names)))
		return 1;
	ra->path = argv[optind];
	ra->out = n > 1 ? argv[optind + 1] : NULL;
	return 0;
}

int cli_open_reader(const char *cmd, struct read_args *ra, struct trc **t)
{
	char err[1024];
	int rc = trc_open(t, ra->path, &ra->opts, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "ssdcache-sim trace %s: %s\n", cmd, err);
		return cli_trc_open_status(rc);
	}
	return 0;
}

/* After the last record: the error (exit 1), or the warnings and the lenient summary. */
int cli_finish_reader(const char *cmd, struct trc *t, enum trc_status st)
{
	const char *w = trc_warnings(t);
	const struct trc_counts *c = trc_counts(t);

	if (*w)
		fprintf(stderr, "%s", w);
	if (c->skipped_bad)
		fprintf(stderr, "ssdcache-sim trace %s: skipped %llu malformed records; the first: %s\n",
			cmd, (unsigned long long)c->skipped_bad, c->first_bad_msg);
	if (st == TRC_EBAD) {
		fprintf(stderr, "ssdcache-sim trace %s: %s\n", cmd, trc_error(t));
		return EXIT_RUNTIME;
	}
	return 0;
}

