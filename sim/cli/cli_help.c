// SPDX-License-Identifier: GPL-2.0
/* cli_help.c - --help, man pages and bash completion, all written from the option table's rows. */
#include <stdlib.h>
#include <string.h>

#include "sim/cli/cli_help.h"
#include "sim/cli/cli_opts.h"

#define HELP_COL 24 /* where the descriptions start in --help */

/* "  -j, --jobs N" */
static void row_key(const struct cli_opt *o, char *buf, size_t len)
{
	static const char *const meta[] = {[CLI_U64] = "N", [CLI_SIZE] = "SIZE", [CLI_TIME] = "TIME",
					   [CLI_DOUBLE] = "X", [CLI_TEXT] = "ARG", [CLI_CHOICE] = "WORD"};
	const char *m = o->arg == CLI_FLAG ? NULL : o->metavar ? o->metavar : meta[o->arg];
	char sh[8] = "";

	if (o->short_name)
		snprintf(sh, sizeof(sh), "-%c, ", o->short_name);
	snprintf(buf, len, "%s--%s%s%s", sh, o->name, m ? " " : "", m ? m : "");
}

/* Walks a command's rows section by section, each row once (in its first section). */
static void walk(const struct cli_cmd *cmd, void (*title)(void *ctx, const char *t),
		 void (*row)(void *ctx, const struct cli_opt *o), void *ctx)
{
	bool done[CLI_MAX_ROWS * 2] = {false};

	for (const struct cli_section_doc *s = cmd->sections; s && s->title; s++) {
		bool titled = false;

		for (size_t i = 0; cli_opts[i].name && i < sizeof(done) / sizeof(done[0]); i++) {
			const struct cli_opt *o = &cli_opts[i];

			if (done[i] || !(o->cmds & cmd->bit) || !(o->section & s->sections))
				continue;
			if (!titled && s->title[0])
				title(ctx, s->title);
			titled = true;
			done[i] = true;
			row(ctx, o);
		}
	}
}

struct help_ctx {
	FILE *fp;
	const struct cli_cmd *cmd;
};

static void help_title(void *ctx, const char *t)
{
	fprintf(((struct help_ctx *)ctx)->fp, "%s\n", t);
}

static void help_row(void *ctx, const struct cli_opt *o)
{
	struct help_ctx *h = ctx;
	char key[96];

	if (o->help_block) {
		fputs(o->help_block(HELP_COL), h->fp);
	} else {
		row_key(o, key, sizeof(key));
		if (strlen(key) + 2 >= HELP_COL)
			fprintf(h->fp, "  %s\n%*s", key, HELP_COL, "");
		else
			fprintf(h->fp, "  %-*s", HELP_COL - 2, key);
		size_t col = HELP_COL;

		for (const char *p = o->help; *p;) {
			size_t l = strcspn(p, "\n");

			fprintf(h->fp, "%.*s", (int)l, p);
			col = HELP_COL + l;
			p += l;
			if (*p == '\n') {
				fprintf(h->fp, "\n%*s", HELP_COL, "");
				p++;
			}
		}
		/* the default on the last line, or on its own when it would pass column 90 */
		if (o->def && col + strlen(o->def) + 11 > 90)
			fprintf(h->fp, "\n%*s[default %s]", HELP_COL, "", o->def);
		else if (o->def)
			fprintf(h->fp, " [default %s]", o->def);
		fputc('\n', h->fp);
	}
	if (h->cmd->after_row)
		h->cmd->after_row(h->fp, o);
}

void cli_print_help(FILE *fp, const struct cli_cmd *cmd)
{
	struct help_ctx h = {fp, cmd};

	fprintf(fp, "usage: ssdcache-sim %s %s\n\n%s", cmd->name, cmd->usage, cmd->intro);
	walk(cmd, help_title, help_row, &h);
	fprintf(fp, "  -h, --help            this text\n");
	if (cmd->outro)
		fprintf(fp, "\n%s", cmd->outro);
}

/* ---- man pages ---- */

/* Text as roff: backslashes escaped, a line starting with '.' or '\'' protected, blank lines
 * as paragraph breaks; fill (fold the lines) or keep them as they are. */
static void roff_text(FILE *fp, const char *s, bool fill)
{
	bool bol = true;

	if (!fill)
		fputs(".nf\n", fp);
	for (const char *p = s; *p; p++) {
		if (bol && *p == '\n' && fill) {
			fputs(".PP\n", fp);
			continue;
		}
		if (bol && (*p == '.' || *p == '\''))
			fputs("\\&", fp);
		if (*p == '\\')
			fputs("\\e", fp);
		else if (*p == '-')
			fputs("\\-", fp);
		else
			fputc(*p, fp);
		bol = *p == '\n';
	}
	if (!bol)
		fputc('\n', fp);
	if (!fill)
		fputs(".fi\n", fp);
}

struct man_ctx {
	FILE *fp;
	const struct cli_cmd *cmd;
};

static void man_title(void *ctx, const char *t)
{
	FILE *fp = ((struct man_ctx *)ctx)->fp;
	size_t l = strlen(t);

	fputs(".SS \"", fp);
	/* "engine:" -> "engine"; the title's own quotes would end the macro's argument */
	for (size_t i = 0; i < l; i++)
		if (t[i] != '"' && t[i] != '\n' && !(i == l - 1 && t[i] == ':'))
			fputc(t[i] == '\\' ? '/' : t[i], fp);
	fputs("\"\n", fp);
}

/* What a registry writes after a row, as a verbatim block. */
static void man_after(FILE *fp, const struct cli_cmd *cmd, const struct cli_opt *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	if (!cmd->after_row || !(mem = open_memstream(&buf, &len)))
		return;
	cmd->after_row(mem, o);
	fclose(mem);
	/* the lines without --help's indentation: the page indents them itself */
	for (size_t i = 0, j = 0, bol = 1; buf && i <= len; i++) {
		if (bol && buf[i] == ' ')
			continue;
		bol = buf[i] == '\n';
		buf[j++] = buf[i];
	}
	if (len)
		roff_text(fp, buf, false);
	free(buf);
}

static void man_row(void *ctx, const struct cli_opt *o)
{
	struct man_ctx *m = ctx;
	char key[96];

	if (o->help_block) {
		fputs(".PP\n", m->fp);
		roff_text(m->fp, o->help_block(HELP_COL), false);
		return;
	}
	row_key(o, key, sizeof(key));
	fputs(".TP\n.B ", m->fp);
	roff_text(m->fp, key, true);
	roff_text(m->fp, o->help, true);
	if (o->def) {
		char d[160];

		snprintf(d, sizeof(d), "[default %s]", o->def);
		roff_text(m->fp, d, true);
	}
	man_after(m->fp, m->cmd, o);
}

/* "trace dump" -> "ssdcache-sim-trace-dump" */
static void page_name(const char *cmd, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "ssdcache-sim-");

	for (const char *p = cmd; *p && n + 1 < len; p++)
		buf[n++] = *p == ' ' ? '-' : *p;
	buf[n < len ? n : len - 1] = '\0';
}

void cli_man_header(FILE *fp, const char *page, const char *summary, const char *version)
{
	char up[96];
	size_t i;

	for (i = 0; page[i] && i + 1 < sizeof(up); i++)
		up[i] = (char)(page[i] >= 'a' && page[i] <= 'z' ? page[i] - 32 : page[i]);
	up[i] = '\0';
	/* left-adjusted, no hyphenation: option names and JSON keys stay whole */
	fprintf(fp, ".TH %s 1 \"\" \"ssdcache-sim %s\" \"User Commands\"\n.ad l\n.nh\n.SH NAME\n", up,
		version);
	roff_text(fp, page, true);
	fputs("\\- ", fp);
	roff_text(fp, summary, true);
}

/* The options of cmd as a man page section (a subcommand's, in a page of several). */
static void man_options(FILE *fp, const struct cli_cmd *cmd, const char *heading)
{
	struct man_ctx m = {fp, cmd};

	fprintf(fp, "%s\n", heading);
	walk(cmd, man_title, man_row, &m);
	fputs(".TP\n.B \\-h, \\-\\-help\nthis text (the same as the command's \\-\\-help)\n", fp);
}

void cli_print_man(FILE *fp, const struct cli_cmd *cmd, const char *version)
{
	char page[96], syn[256];

	page_name(cmd->name, page, sizeof(page));
	cli_man_header(fp, page, cmd->summary, version);
	snprintf(syn, sizeof(syn), "ssdcache-sim %s %s", cmd->name, cmd->usage);
	fputs(".SH SYNOPSIS\n", fp);
	roff_text(fp, syn, false);
	fputs(".SH DESCRIPTION\n", fp);
	roff_text(fp, cmd->intro, true);
	man_options(fp, cmd, ".SH OPTIONS");
	if (cmd->outro) {
		fputs(".SH NOTES\n", fp);
		roff_text(fp, cmd->outro, false);
	}
	fputs(".SH SEE ALSO\n.BR ssdcache\\-sim (1)\n", fp);
}

void cli_print_man_sub(FILE *fp, const struct cli_cmd *cmd)
{
	char syn[256], head[128];

	snprintf(head, sizeof(head), ".SH \"%s\"", cmd->name);
	fprintf(fp, "%s\n", head);
	snprintf(syn, sizeof(syn), "ssdcache-sim %s %s", cmd->name, cmd->usage);
	roff_text(fp, syn, false);
	roff_text(fp, cmd->intro, true);
	man_options(fp, cmd, ".PP\nOptions:");
	if (cmd->outro)
		roff_text(fp, cmd->outro, false);
}

void cli_man_verbatim(FILE *fp, const char *heading, const char *text)
{
	fprintf(fp, ".SH \"%s\"\n", heading);
	roff_text(fp, text, false);
}

/* ---- bash completion ---- */

static void names_of(FILE *fp, const struct cli_cmd *cmd)
{
	bool first = true;

	for (const struct cli_opt *o = cli_opts; o->name; o++) {
		bool seen = false;

		if (!(o->cmds & cmd->bit))
			continue;
		for (const struct cli_opt *q = cli_opts; q < o; q++) /* rows sharing a name */
			if ((q->cmds & cmd->bit) && !strcmp(q->name, o->name))
				seen = true;
		if (!seen)
			fprintf(fp, "%s--%s", first ? "" : " ", o->name);
		first = false;
	}
	fputs(" --help", fp);
}

/* The completion of the current word from a list of words, then the end of the function. */
static void compgen_words(FILE *fp, const char *indent, const char *const *words, const char *more)
{
	fprintf(fp, "%sCOMPREPLY=($(compgen -W \"", indent);
	for (size_t i = 0; words[i]; i++)
		fprintf(fp, "%s%s", i ? " " : "", words[i]);
	fprintf(fp, "%s\" -- \"$cur\"))\n%sreturn\n", more, indent);
}

void cli_print_completion(FILE *fp, const char *const *commands, const struct cli_cmd *const *cmds,
			  const char *const *trace_subs)
{
	fputs("# bash completion of ssdcache-sim (written by `ssdcache-sim help --completion bash`\n"
	      "# from its option table)\n"
	      "_ssdcache_sim() {\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal cmd=${COMP_WORDS[1]} opts=\n"
	      "\tCOMPREPLY=()\n"
	      "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n",
	      fp);
	compgen_words(fp, "\t\t", commands, " --help --version");
	fputs("\tfi\n\tif [ \"$cmd\" = trace ] && [ \"$COMP_CWORD\" -eq 2 ]; then\n", fp);
	compgen_words(fp, "\t\t", trace_subs, "");
	fputs("\tfi\n"
	      "\t# a command with subcommands: the options are the subcommand's\n"
	      "\tcase \"$cmd\" in trace | models) cmd=\"$cmd ${COMP_WORDS[2]}\" ;; esac\n"
	      "\t# the values of the options with a fixed set of them\n"
	      "\tcase \"$prev\" in\n",
	      fp);
	for (const struct cli_opt *o = cli_opts; o->name; o++) {
		bool seen = false;

		if (o->arg != CLI_CHOICE)
			continue;
		for (const struct cli_opt *q = cli_opts; q < o; q++)
			if (q->arg == CLI_CHOICE && !strcmp(q->name, o->name))
				seen = true;
		if (seen)
			continue;
		fprintf(fp, "\t--%s)\n", o->name);
		compgen_words(fp, "\t\t", o->choices, "");
		fputs("\t\t;;\n", fp);
	}
	fputs("\tesac\n\tcase \"$cmd\" in\n", fp);
	for (size_t i = 0; cmds[i]; i++) {
		fprintf(fp, "\t\"%s\") opts=\"", cmds[i]->name);
		names_of(fp, cmds[i]);
		fputs("\" ;;\n", fp);
	}
	fputs("\t*) opts=\"--help\" ;;\n\tesac\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	      "\telse\n"
	      "\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n"
	      "\tfi\n"
	      "}\n"
	      "complete -o filenames -F _ssdcache_sim ssdcache-sim\n",
	      fp);
}
