// SPDX-License-Identifier: GPL-2.0
/* disksim_parse.c - DiskSim's parameter files read into a tree (see disksim_parse.h). */
#include "sim/disksim_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the tree ---------------------------------------------------------------------------- */

void ds_node_free(struct ds_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkid; i++)
		ds_node_free(n->kid[i]);
	free(n->kid);
	free(n->name);
	free(n->type);
	free(n->bname);
	free(n);
}

static struct ds_node *node_new(enum ds_kind k, const struct ds_src *s)
{
	struct ds_node *n = calloc(1, sizeof(*n));
	if (n) {
		n->kind = k;
		n->file = s->path;
		n->line = s->line;
	}
	return n;
}

static int node_add(struct ds_node *p, struct ds_node *k)
{
	if (p->nkid == p->capkid) {
		size_t nc = p->capkid ? p->capkid * 2 : 8;
		struct ds_node **q = realloc(p->kid, nc * sizeof(*q));
		if (!q)
			return -ENOMEM;
		p->kid = q;
		p->capkid = nc;
	}
	p->kid[p->nkid++] = k;
	return 0;
}

/* ---- lexing ------------------------------------------------------------------------------ */

static int fail(struct ds_parser *ps, const struct ds_src *s, int rc, const char *fmt, const char *a)
{
	if (!ps->rc) {
		int n = snprintf(ps->err, ps->errlen, "%s:%u: ", s->path, s->line);
		if (n >= 0 && (size_t)n < ps->errlen)
			snprintf(ps->err + n, ps->errlen - (size_t)n, fmt, a);
		ps->rc = rc;
	}
	return rc;
}

static void skip_ws(struct ds_src *s)
{
	while (s->pos < s->len) {
		char c = s->text[s->pos];
		if (c == '\n') {
			s->line++;
			s->pos++;
		} else if (isspace((unsigned char)c)) {
			s->pos++;
		} else if (c == '#') {
			while (s->pos < s->len && s->text[s->pos] != '\n')
				s->pos++;
		} else {
			break;
		}
	}
}

static int peek(struct ds_src *s)
{
	skip_ws(s);
	return s->pos < s->len ? s->text[s->pos] : EOF;
}

static bool is_delim(char c)
{
	return c == '{' || c == '}' || c == '[' || c == ']' || c == ',' || c == '=' || c == '#' ||
	       isspace((unsigned char)c);
}

/* A word: up to whitespace or a delimiter. NULL at a delimiter or the end. */
static char *word(struct ds_src *s)
{
	skip_ws(s);
	size_t a = s->pos;
	while (s->pos < s->len && !is_delim(s->text[s->pos]))
		s->pos++;
	if (s->pos == a)
		return NULL;
	return strndup(s->text + a, s->pos - a);
}

/* A parameter name: everything up to '=' on this line, trimmed. */
static char *param_name(struct ds_src *s)
{
	skip_ws(s);
	size_t a = s->pos;
	while (s->pos < s->len && s->text[s->pos] != '=' && s->text[s->pos] != '\n' &&
	       s->text[s->pos] != '}' && s->text[s->pos] != '#')
		s->pos++;
	if (s->pos >= s->len || s->text[s->pos] != '=')
		return NULL;
	size_t b = s->pos;
	while (b > a && isspace((unsigned char)s->text[b - 1]))
		b--;
	s->pos++; /* '=' */
	return b > a ? strndup(s->text + a, b - a) : NULL;
}

int ds_src_open(struct ds_parser *ps, const char *dir_of, const char *name, struct ds_src *s,
		    const struct ds_src *from)
{
	char path[4096];
	const char *slash = dir_of ? strrchr(dir_of, '/') : NULL;

	if (name[0] != '/' && slash)
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - dir_of), dir_of, name);
	else
		snprintf(path, sizeof(path), "%s", name);
	memset(s, 0, sizeof(*s));
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		int e = errno;
		if (from)
			return fail(ps, from, -e, "cannot open '%s' (looked beside the file naming it)",
				    path);
		snprintf(ps->err, ps->errlen, "%s: %s", path, strerror(e));
		ps->rc = -e;
		return -e;
	}
	size_t cap = 65536, n = 0, k;
	char *t = malloc(cap + 1);
	while (t && (k = fread(t + n, 1, cap - n, fp)) > 0) {
		n += k;
		if (n == cap) {
			char *u = realloc(t, cap * 2 + 1);
			if (!u) {
				free(t);
				t = NULL;
				break;
			}
			t = u;
			cap *= 2;
		}
	}
	fclose(fp);
	char **nf = realloc(ps->files, (ps->nfiles + 1) * sizeof(*nf));
	if (!t || !nf) {
		free(t);
		if (nf)
			ps->files = nf;
		snprintf(ps->err, ps->errlen, "out of memory reading %s", path);
		ps->rc = -ENOMEM;
		return -ENOMEM;
	}
	ps->files = nf;
	ps->files[ps->nfiles++] = strdup(path);
	t[n] = '\0';
	s->path = ps->files[ps->nfiles - 1];
	s->text = t;
	s->len = n;
	s->line = 1;
	return s->path ? 0 : -ENOMEM;
}

/* ---- parsing ----------------------------------------------------------------------------- */

static int parse_params(struct ds_parser *ps, struct ds_src *s, struct ds_node *blk);
static int parse_file(struct ds_parser *ps, const char *dir_of, const char *name,
		      struct ds_node *top, const struct ds_src *from);

static struct ds_node *parse_value_(struct ds_parser *ps, struct ds_src *s);

/* Values nest (lists of blocks of lists...): bounded, so a hostile file cannot exhaust the
 * stack. */
static struct ds_node *parse_value(struct ds_parser *ps, struct ds_src *s)
{
	if (ps->nest > 64) {
		fail(ps, s, -EINVAL, "%s", "values nested more than 64 deep");
		return NULL;
	}
	ps->nest++;
	struct ds_node *n = parse_value_(ps, s);
	ps->nest--;
	return n;
}

static struct ds_node *parse_value_(struct ds_parser *ps, struct ds_src *s)
{
	int c = peek(s);
	struct ds_node *n;

	if (c == '[') {
		s->pos++;
		n = node_new(DS_LIST, s);
		if (!n)
			return NULL;
		for (;;) {
			c = peek(s);
			if (c == ']') {
				s->pos++;
				return n;
			}
			if (c == ',') {
				s->pos++;
				continue;
			}
			if (c == EOF) {
				fail(ps, s, -EINVAL, "%s", "list not closed by ']'");
				ds_node_free(n);
				return NULL;
			}
			struct ds_node *k = parse_value(ps, s);
			if (!k || node_add(n, k)) {
				ds_node_free(k);
				ds_node_free(n);
				return NULL;
			}
		}
	}
	unsigned line = s->line;
	char *w = word(s);
	if (!w) {
		char got[2] = {c == EOF ? '?' : (char)c, 0};
		fail(ps, s, -EINVAL, "expected a value, got '%s'", got);
		return NULL;
	}
	if (!strcmp(w, "source")) {
		/* "Model = source x.model": the value is the block the file holds */
		char *f = word(s);
		free(w);
		if (!f) {
			fail(ps, s, -EINVAL, "%s", "expected a file name after 'source'");
			return NULL;
		}
		struct ds_node tmp = {.kind = DS_LIST};
		int r = parse_file(ps, s->path, f, &tmp, s);
		free(f);
		if (r || tmp.nkid != 1) {
			if (!r)
				fail(ps, s, -EINVAL, "%s", "a sourced value file must hold one block");
			for (size_t i = 0; i < tmp.nkid; i++)
				ds_node_free(tmp.kid[i]);
			free(tmp.kid);
			return NULL;
		}
		n = tmp.kid[0];
		free(tmp.kid);
		return n;
	}
	n = node_new(DS_WORD, s);
	if (!n) {
		free(w);
		return NULL;
	}
	n->line = line;
	if (peek(s) == '{') {
		s->pos++;
		n->kind = DS_BLOCK;
		n->type = w;
		if (parse_params(ps, s, n)) {
			ds_node_free(n);
			return NULL;
		}
		return n;
	}
	n->type = w;
	return n;
}

/* After '{': param, param, ... '}' */
static int parse_params(struct ds_parser *ps, struct ds_src *s, struct ds_node *blk)
{
	for (;;) {
		int c = peek(s);
		if (c == '}') {
			s->pos++;
			return 0;
		}
		if (c == ',') {
			s->pos++;
			continue;
		}
		if (c == EOF)
			return fail(ps, s, -EINVAL, "%s", "block not closed by '}'");
		unsigned line = s->line;
		char *name = param_name(s);
		if (!name)
			return fail(ps, s, -EINVAL, "%s", "expected 'Parameter name = value'");
		struct ds_node *v = parse_value(ps, s);
		if (!v) {
			free(name);
			return ps->rc ? ps->rc : -ENOMEM;
		}
		v->name = name;
		if (v->file == s->path) /* a sourced block keeps its own file and line */
			v->line = line;
		if (node_add(blk, v)) {
			ds_node_free(v);
			return -ENOMEM;
		}
	}
}

/* Skip a balanced [ ... ] (topology, instantiate lists). */
static int skip_list(struct ds_parser *ps, struct ds_src *s)
{
	int depth = 0;
	if (peek(s) != '[')
		return fail(ps, s, -EINVAL, "%s", "expected '['");
	while (s->pos < s->len) {
		char c = s->text[s->pos++];
		if (c == '\n')
			s->line++;
		else if (c == '[')
			depth++;
		else if (c == ']' && --depth == 0)
			return 0;
	}
	return fail(ps, s, -EINVAL, "%s", "list not closed by ']'");
}

static int parse_top(struct ds_parser *ps, struct ds_src *s, struct ds_node *top)
{
	for (;;) {
		if (peek(s) == EOF)
			return 0;
		unsigned line = s->line;
		char *w = word(s);
		if (!w) {
			char got[2] = {s->text[s->pos], 0};
			return fail(ps, s, -EINVAL, "expected a block, 'source', 'instantiate' or "
						    "'topology', got '%s'", got);
		}
		if (!strcmp(w, "source")) {
			free(w);
			char *f = word(s);
			if (!f)
				return fail(ps, s, -EINVAL, "%s", "expected a file name after 'source'");
			int r = parse_file(ps, s->path, f, top, s);
			free(f);
			if (r)
				return r;
			continue;
		}
		if (!strcmp(w, "instantiate") || !strcmp(w, "topology")) {
			bool inst = w[0] == 'i';
			free(w);
			if (!inst) { /* topology TYPE NAME [ ... ] */
				free(word(s));
				free(word(s));
			}
			if (skip_list(ps, s))
				return ps->rc;
			if (inst) { /* as NAME */
				free(word(s));
				free(word(s));
			}
			continue;
		}
		char *name = word(s);
		if (!name || peek(s) != '{') {
			free(w);
			free(name);
			return fail(ps, s, -EINVAL, "%s", "expected 'TYPE NAME {'");
		}
		s->pos++;
		struct ds_node *b = node_new(DS_BLOCK, s);
		if (!b) {
			free(w);
			free(name);
			return -ENOMEM;
		}
		b->type = w;
		b->bname = name;
		b->line = line;
		if (parse_params(ps, s, b) || node_add(top, b)) {
			ds_node_free(b);
			return ps->rc ? ps->rc : -ENOMEM;
		}
	}
}

static int parse_file(struct ds_parser *ps, const char *dir_of, const char *name,
		      struct ds_node *top, const struct ds_src *from)
{
	struct ds_src s;
	int r;

	if (ps->depth > 16)
		return fail(ps, from, -ELOOP, "%s", "'source' nested too deep");
	r = ds_src_open(ps, dir_of, name, &s, from);
	if (r)
		return r;
	ps->depth++;
	r = parse_top(ps, &s, top);
	ps->depth--;
	free(s.text);
	return r;
}

/* ---- lookups ----------------------------------------------------------------------------- */

struct ds_node *ds_param(struct ds_node *blk, const char *name)
{
	for (size_t i = 0; blk && i < blk->nkid; i++)
		if (blk->kid[i]->name && !strcasecmp(blk->kid[i]->name, name))
			return blk->kid[i];
	return NULL;
}

bool ds_num(const struct ds_node *n, double *v)
{
	char *e;
	if (!n || n->kind != DS_WORD)
		return false;
	*v = strtod(n->type, &e);
	return e != n->type && !*e && isfinite(*v);
}

int ds_parse(struct ds_parser *ps, const char *path, struct ds_node *top)
{
	return parse_file(ps, NULL, path, top, NULL);
}

void ds_parser_free(struct ds_parser *ps)
{
	for (size_t i = 0; i < ps->nfiles; i++)
		free(ps->files[i]);
	free(ps->files);
	ps->files = NULL;
	ps->nfiles = 0;
}
