/* SPDX-License-Identifier: GPL-2.0 */
/* disksim_parse.h - DiskSim 4.0's parameter grammar read into a tree (for disksim_import.c).
 *
 *   file    := { item }
 *   item    := TYPE NAME '{' params '}'  |  'source' FILE  |  'instantiate' list 'as' NAME
 *            |  'topology' TYPE NAME list
 *   params  := [ param { ',' param } [','] ]
 *   param   := NAME-WITH-SPACES '=' value
 *   value   := WORD | 'source' FILE | TYPE '{' params '}' | '[' [ value { ',' value } ] ']'
 *
 * '#' comments to the end of the line; FILE is found beside the file naming it. Top-level
 * blocks become the children of the top node (instantiate and topology are skipped: a drive's
 * parameters do not depend on them). Every node knows its file and line for messages. Nesting
 * is bounded (sources 16 deep, values 64 deep).
 */
#ifndef SSDCACHE_DISKSIM_PARSE_H
#define SSDCACHE_DISKSIM_PARSE_H

#include <stdbool.h>
#include <stddef.h>

enum ds_kind { DS_WORD, DS_BLOCK, DS_LIST };

struct ds_node {
	enum ds_kind kind;
	char *name;  /* parameter name ("" for list items and top-level blocks) */
	char *type;  /* block type ("dm_disk"), or the word's text */
	char *bname; /* a top-level block's instance name */
	const char *file; /* owned by the parser's file list */
	unsigned line;
	struct ds_node **kid;
	size_t nkid, capkid;
	bool used;   /* mapped or reported */
};

struct ds_src {
	char *path;
	char *text;
	size_t len, pos;
	unsigned line;
};

struct ds_parser {
	char **files; /* every file read, for node->file */
	size_t nfiles;
	int depth, nest;
	char *err;
	size_t errlen;
	int rc;
};

int ds_parse(struct ds_parser *ps, const char *path, struct ds_node *top);
/* Read dir_of's sibling name whole (s->text malloc'd, NUL-terminated, the caller frees it);
 * the path is kept in ps->files. from: where it is named, for the message (or NULL). */
int ds_src_open(struct ds_parser *ps, const char *dir_of, const char *name, struct ds_src *s,
		const struct ds_src *from);
void ds_node_free(struct ds_node *n);
void ds_parser_free(struct ds_parser *ps);
/* The parameter of blk named name (case-insensitive), or NULL. */
struct ds_node *ds_param(struct ds_node *blk, const char *name);
/* A word that is a finite number. */
bool ds_num(const struct ds_node *n, double *v);

#endif
