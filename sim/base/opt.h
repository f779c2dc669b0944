/* SPDX-License-Identifier: GPL-2.0 */
/* opt.h - option tables (name, type, range, default, help) and the "key=value,..." parser. */
#ifndef SSDCACHE_OPT_H
#define SSDCACHE_OPT_H

#include <stddef.h>
#include <stdint.h>

/*
 * A plug-in (device model, ...) declares its options as a table; the core parses
 * "key=value,key=value", checks types and ranges, offers "did you mean", prints help.
 * Values land in the plug-in's private struct at the given offset (fio's options.c idea).
 */

enum opt_type {
	OPT_U64,   /* plain integer */
	OPT_SIZE,  /* bytes: plain, or K/M/G/T (powers of 1024) */
	OPT_TIME,  /* nanoseconds: plain, or ns/us/ms/s */
	OPT_DOUBLE,
	OPT_ENUM,  /* one of choices[] (stored as unsigned index) */
	OPT_BOOL,  /* 0/1/yes/no/on/off/true/false */
	OPT_STR,   /* const char * into the spec string's copy (stored as char[64]) */
};

#define OPT_STR_MAX 64

struct opt {
	const char *name;
	enum opt_type type;
	size_t offset;           /* offsetof(struct model_priv, field) */
	const char *def;         /* default, as text (parsed like user input); NULL: none */
	double min, max;         /* inclusive range for numbers (min == max == 0: unchecked) */
	const char *const *choices; /* OPT_ENUM: NULL-terminated */
	const char *help;
};

/* Apply defaults of every option to obj. Returns 0 or -EINVAL (a bad default is a bug). */
int opt_apply_defaults(const struct opt *opts, void *obj, char *err, size_t errlen);

/* Set one option by name. Returns 0, -ENOENT (unknown name, with "did you mean" in err), or
 * -EINVAL (bad value or out of range, message names the option and the accepted range). */
int opt_set(const struct opt *opts, void *obj, const char *name, const char *value, char *err,
	    size_t errlen);

/* Parse "k=v,k=v" (no spaces needed; values may not contain ','). */
int opt_parse_list(const struct opt *opts, void *obj, const char *list, char *err, size_t errlen);

/* Print "  name=TYPE  help (default X, range a..b)" lines. */
void opt_print_help(const struct opt *opts, void *fp_as_FILE);

/* Closest name in the table to s (edit distance <= 3), or NULL. */
const char *opt_did_you_mean(const struct opt *opts, const char *s);

#endif
