// SPDX-License-Identifier: GPL-2.0
/* trace_desc.c - a trace's identity and statistics from one pass of the reader. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/trace_desc.h"
#include "sim/base/errclass.h"
#include "traces/stats.h"

void sim_trace_finish(struct trc *t, struct trc_stats *ts, const char *path,
		      struct sim_trace_desc *out, char **json)
{
	size_t len = 0;
	uint32_t dev;
	bool has_dev;
	FILE *mem;

	if (out) {
		out->size_bytes = trc_size_bytes(t);
		sim_format_fingerprint(out->size_bytes, trc_fingerprint(t), out->fingerprint,
				       sizeof(out->fingerprint));
		snprintf(out->format, sizeof(out->format), "%s", trc_format_name(t));
	}
	if (!ts || !json || !(mem = open_memstream(json, &len)))
		return;
	has_dev = trc_device(t, &dev);
	trc_stats_print(ts, mem, true, path, trc_format_name(t), trc_event(t), has_dev ? &dev : NULL,
			trc_counts(t));
	if (fclose(mem)) {
		free(*json);
		*json = NULL;
	}
}

int sim_trace_open(const struct sim_config *cfg, const struct trc_opts *opts, struct trc **t,
		   char *err, size_t errlen)
{
	int rc = cfg->trace_mem ? trc_open_mem(t, cfg->trace_path, cfg->trace_mem,
					       cfg->trace_mem_len, opts, err, errlen)
				: trc_open(t, cfg->trace_path, opts, err, errlen);

	return rc ? err_from_trc_open(rc) : 0;
}

int sim_trace_describe(const char *path, const struct trc_opts *opts, struct sim_trace_desc *out,
		       char **json, char *err, size_t errlen)
{
	struct trc_opts o = opts ? *opts : (struct trc_opts){0};
	struct trc_stats *st = NULL;
	struct trc *t = NULL;
	struct trc_rec rec;
	enum trc_status s;
	int rc;

	memset(out, 0, sizeof(*out));
	out->path = path;
	if (json)
		*json = NULL;
	o.fingerprint = true;
	if ((rc = trc_open(&t, path, &o, err, errlen)))
		return rc;
	if (json && trc_stats_new(&st, &(struct trc_stats_opts){0}))
		st = NULL; /* no statistics without memory for them */
	while ((s = trc_next(t, &rec)) == TRC_OK)
		if (st)
			trc_stats_add(st, &rec);
	if (s == TRC_EBAD) {
		snprintf(err, errlen, "%s", trc_error(t));
		rc = -EINVAL;
	} else {
		sim_trace_finish(t, st, path, out, json);
	}
	trc_stats_free(st);
	trc_close(t);
	return rc;
}

int sim_trace_identify(const char *path, const struct trc_opts *opts, struct sim_trace_desc *out,
		       char *err, size_t errlen)
{
	return sim_trace_describe(path, opts, out, NULL, err, errlen);
}

int sim_trace_stats_json(const char *path, const struct trc_opts *opts, char **json, char *err,
			 size_t errlen)
{
	struct sim_trace_desc t;
	int rc = sim_trace_describe(path, opts, &t, json, err, errlen);

	if (!rc && !*json) {
		snprintf(err, errlen, "%s: out of memory for the trace statistics", path);
		return -ENOMEM;
	}
	return rc;
}

int sim_trace_convert(const char *path, const struct trc_opts *opts, const char *out_path,
		      struct trc_counts *counts, char *format, size_t format_len, char **stats_json,
		      struct sim_trace_desc *ident, char *err, size_t errlen)
{
	struct trc_stats *stats = NULL;
	struct trc_opts o = opts ? *opts : (struct trc_opts){0};
	struct trc_sct_source src = {0};
	const struct trc_sct_source *in_sct;
	struct trc_sct_writer *w;
	struct trc_rec rec;
	enum trc_status st;
	struct trc *t;
	uint32_t dev = 0;
	const char *base;
	int rc;

	o.fingerprint = true;
	if (stats_json)
		*stats_json = NULL;
	if ((rc = trc_open(&t, path, &o, err, errlen)))
		return rc;
	/* Statistics are a by-product of this pass; without memory for them the sweep goes on. */
	if (stats_json && trc_stats_new(&stats, &(struct trc_stats_opts){0}))
		stats = NULL;
	in_sct = trc_sct_info(t, NULL);
	if (in_sct) {
		src = *in_sct; /* an .sct copied keeps its original source */
	} else {
		base = strrchr(path, '/');
		snprintf(src.format, sizeof(src.format), "%s", trc_format_name(t));
		snprintf(src.name, sizeof(src.name), "%s", base ? base + 1 : path);
		src.event = trc_event(t);
		trc_device(t, &dev);
		src.device = dev;
	}
	if ((rc = trc_sct_create(&w, out_path, &src, err, errlen))) {
		trc_stats_free(stats);
		trc_close(t);
		return rc;
	}
	while ((st = trc_next(t, &rec)) == TRC_OK) {
		if (stats)
			trc_stats_add(stats, &rec);
		if ((rc = trc_sct_write(w, &rec))) {
			snprintf(err, errlen, "%s: %s", out_path, strerror(-rc));
			goto fail;
		}
	}
	if (st == TRC_EBAD) {
		snprintf(err, errlen, "%s", trc_error(t));
		rc = -EINVAL;
		goto fail;
	}
	if (!in_sct) {
		src.size = trc_size_bytes(t);
		src.fingerprint = trc_fingerprint(t);
	}
	trc_sct_set_source(w, &src);
	if (ident)
		memset(ident, 0, sizeof(*ident));
	sim_trace_finish(t, stats, path, ident, stats_json);
	if (counts)
		*counts = *trc_counts(t);
	if (format)
		snprintf(format, format_len, "%s", src.format);
	trc_stats_free(stats);
	trc_close(t);
	rc = trc_sct_finish(w, err, errlen);
	if (rc && stats_json) {
		free(*stats_json);
		*stats_json = NULL;
	}
	return rc;
fail:
	trc_stats_free(stats);
	trc_sct_abort(w);
	trc_close(t);
	return rc;
}
