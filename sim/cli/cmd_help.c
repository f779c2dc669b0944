// SPDX-License-Identifier: GPL-2.0
/* cmd_help.c - `ssdcache-sim help [--man PAGE | --man-pages | --completion bash]`: the top-level
 * usage, and the man pages and bash completion `make man` and `make install` write. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/cli/cli_help.h"
#include "sim/cli/commands.h"

#ifndef SSDCACHE_SIM_VERSION
#define SSDCACHE_SIM_VERSION "unknown"
#endif

/* The commands whose options are the table's, by their full name. */
static const struct cli_cmd *const table_cmds[] = {
	&cli_cmd_run, &cli_cmd_replay, &cli_cmd_sweep, &cli_cmd_trace_dump, &cli_cmd_trace_convert,
	&cli_cmd_trace_stats, &cli_cmd_trace_gen, &cli_cmd_trace_mrc, &cli_cmd_models_replay,
	&cli_cmd_models_probe, NULL,
};

static const char *const trace_subs[] = {"gen", "stats", "convert", "dump", "mrc", NULL};

static const struct command *find_command(const char *name)
{
	for (const struct command *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* What `ssdcache-sim WORDS... --help` prints on stdout (a command without the table writes its
 * help itself), in a malloc'ed string; NULL if it cannot be captured. */
static char *help_text(const char *cmd, const char *sub)
{
	const struct command *c = find_command(cmd);
	char a0[32], a1[32], a2[] = "--help";
	char *argv[4] = {a0, sub ? a1 : a2, sub ? a2 : NULL, NULL};
	FILE *tmp = tmpfile();
	int saved = dup(STDOUT_FILENO);
	char *buf = NULL;
	long len;

	snprintf(a0, sizeof(a0), "%s", cmd);
	snprintf(a1, sizeof(a1), "%s", sub ? sub : "");
	if (!c || !tmp || saved < 0) {
		if (tmp)
			fclose(tmp);
		if (saved >= 0)
			close(saved);
		return NULL;
	}
	fflush(stdout);
	dup2(fileno(tmp), STDOUT_FILENO);
	c->fn(sub ? 3 : 2, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	len = ftell(tmp);
	if (len >= 0 && (buf = calloc(1, (size_t)len + 1))) {
		rewind(tmp);
		if (fread(buf, 1, (size_t)len, tmp) != (size_t)len)
			buf[0] = '\0';
	}
	fclose(tmp);
	return buf;
}

static void man_verbatim_help(FILE *fp, const char *heading, const char *cmd, const char *sub)
{
	char *text = help_text(cmd, sub);

	cli_man_verbatim(fp, heading, text ? text : "");
	free(text);
}

static void man_top(FILE *fp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	cli_man_header(fp, "ssdcache-sim", "a trace-driven simulator of the dm-ssdcache SSD cache",
		       SSDCACHE_SIM_VERSION);
	if (mem) {
		cli_usage(mem);
		fclose(mem);
		cli_man_verbatim(fp, "DESCRIPTION", buf);
		free(buf);
	}
	fputs(".SH \"SEE ALSO\"\n", fp);
	for (const struct command *c = cli_commands; c->name; c++)
		fprintf(fp, ".BR ssdcache\\-sim\\-%s (1)%s\n", c->name, c[1].name ? "," : "");
}

/* The man page PAGE: "ssdcache-sim", or a command's ("run", "trace", ...). */
static int man_page(FILE *fp, const char *page)
{
	const struct command *c = find_command(page);
	char name[64];

	if (!strcmp(page, "ssdcache-sim")) {
		man_top(fp);
		return 0;
	}
	if (!c)
		return -1;
	for (size_t i = 0; table_cmds[i]; i++)
		if (!strcmp(table_cmds[i]->name, page)) {
			cli_print_man(fp, table_cmds[i], SSDCACHE_SIM_VERSION);
			return 0;
		}
	snprintf(name, sizeof(name), "ssdcache-sim-%s", page);
	cli_man_header(fp, name, c->summary, SSDCACHE_SIM_VERSION);
	/* the command's own --help, then its subcommands of the table (trace dump, ...) */
	man_verbatim_help(fp, "DESCRIPTION", page, NULL);
	for (size_t i = 0; table_cmds[i]; i++)
		if (!strncmp(table_cmds[i]->name, page, strlen(page)) &&
		    table_cmds[i]->name[strlen(page)] == ' ')
			cli_print_man_sub(fp, table_cmds[i]);
	fputs(".SH \"SEE ALSO\"\n.BR ssdcache\\-sim (1)\n", fp);
	return 0;
}

int cmd_help(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--man")) {
		if (man_page(stdout, argv[2])) {
			fprintf(stderr, "ssdcache-sim help: no man page '%s' (see help --man-pages)\n",
				argv[2]);
			return EXIT_USAGE;
		}
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "--man-pages")) {
		printf("ssdcache-sim\n");
		for (const struct command *c = cli_commands; c->name; c++)
			printf("%s\n", c->name);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--completion") && !strcmp(argv[2], "bash")) {
		const char *names[32];
		size_t n = 0;

		for (const struct command *c = cli_commands; c->name && n + 1 < 32; c++)
			names[n++] = c->name;
		names[n] = NULL;
		cli_print_completion(stdout, names, table_cmds, trace_subs);
		return 0;
	}
	if (argc == 1) {
		cli_usage(stdout);
		return 0;
	}
	fprintf(stderr, "usage: ssdcache-sim help [--man PAGE | --man-pages | --completion bash]\n");
	return EXIT_USAGE;
}
