// SPDX-License-Identifier: GPL-2.0
/* summary.c - a run's results for people (the summary after the status lines) and for machines (--json). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "policies/policy.h"
#include "sim/sim.h"
#include "sim/cli/summary.h"
#include "sim/base/units.h"

static void lat_cols(FILE *fp, const struct sim_lat *l)
{
	char b[6][24];
	const double v[6] = {l->mean_ns, l->p50_ns, l->p90_ns, l->p99_ns, l->p999_ns, l->max_ns};

	for (int i = 0; i < 6; i++)
		format_time_ns(v[i], b[i], sizeof(b[i]));
	fprintf(fp, " %10s %10s %10s %10s %10s %10s\n", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static void lat_header(FILE *fp, const char *what)
{
	fprintf(fp, "  %-14s %10s %10s %10s %10s %10s %10s %10s\n", what, "count", "mean", "p50", "p90",
		"p99", "p99.9", "max");
}

static const char *op_name(int i)
{
	return sim_op_name((enum sim_op)i);
}

static const char *class_name(int i)
{
	return sim_class_name((enum sim_class)i);
}

/* One line per row of l[0..n) that has requests, under the header. */
static void lat_table(FILE *fp, const char *what, const struct sim_lat *l, int n,
		      const char *(*name)(int))
{
	lat_header(fp, what);
	for (int i = 0; i < n; i++) {
		if (!l[i].count)
			continue;
		fprintf(fp, "  %-14s %10" PRIu64, name(i), l[i].count);
		lat_cols(fp, &l[i]);
	}
}

static void dev_line(FILE *fp, const char *name, const char *spec, const struct dev_stats *d,
		     double util, bool modelled)
{
	char rb[24], wb[24];

	format_size(d->bytes_read, rb, sizeof(rb));
	format_size(d->bytes_written, wb, sizeof(wb));
	fprintf(fp, "  %-6s %s\n         %" PRIu64 " reads (%s), %" PRIu64 " writes (%s)", name, spec,
		d->nr_reads, rb, d->nr_writes, wb);
	if (modelled || d->busy_ns) /* a replay measures busy time too */
		fprintf(fp, ", utilisation %.1f %%, mean queue depth %.2f", 100 * util, d->mean_queue_depth);
	fputc('\n', fp);
	{
		char line[512];

		/* the model's summary counters, from its table (device.h), when one is not 0 */
		if (dev_counters_line(d, DEV_CF_SUMMARY, line, sizeof(line)))
			fprintf(fp, "         %s\n", line);
	}
}

/* The read pieces of the read hit ratio: the four read latency classes. */
static uint64_t read_pieces_of(const struct sim_result *res)
{
	uint64_t n = 0;

	for (int i = SIM_READ_HIT; i <= SIM_READ_NOCACHE; i++)
		n += res->lat_class[i].count;
	return n;
}

void sim_print_summary(FILE *fp, const struct sim_config *cfg, const struct sim_result *res)
{
	const struct ssdcache_counters *c = &res->counters;
	uint64_t read_pieces = 0, misses = 0;
	char quirks[128], span[24], b1[24];

	quirks_format(cfg->engine.fixed, quirks, sizeof(quirks));
	format_time_ns((double)(res->last_ns - res->first_ns), span, sizeof(span));
	fprintf(fp, "\nrequests: %" PRIu64 " (%" PRIu64 " reads, %" PRIu64 " writes, %" PRIu64
		    " flushes, %" PRIu64 " discards) over %s of trace, %" PRIu64 " pieces mapped\n",
		res->requests, res->reads, res->writes, res->flushes, res->discards, span, res->pieces);
	if (cfg->warmup.kind != WARMUP_NONE) {
		fprintf(fp, "warm-up: --warmup %s", cfg->warmup.spec);
		if (cfg->warmup.kind == WARMUP_PERCENT)
			fprintf(fp, " of %" PRIu64 " records", res->warmup.trace_records);
		fprintf(fp, ": %" PRIu64 " requests simulated, not counted; the %" PRIu64
			    " counted from request %" PRIu64 " (arriving at %.9f s) on; the status lines "
			    "above count them all\n",
			res->warmup.start_request, res->warmup.measured, res->warmup.start_request + 1,
			(double)res->warmup.start_ns / 1e9);
	}
	if (res->skipped_zero_len || res->skipped_beyond_end)
		fprintf(fp, "skipped: %" PRIu64 " zero-length requests, %" PRIu64 " beyond the end of the target\n",
			res->skipped_zero_len, res->skipped_beyond_end);
	format_size((uint64_t)res->geometry.cache_sectors_used * 512, b1, sizeof(b1));
	fprintf(fp, "engine: %s mode, %lu cmds x 16 slots of %lu sectors (%s of cache used), hash %s, HZ %u\n",
		quirks, res->geometry.num_cmd, res->geometry.block_size, b1,
		cfg->engine.hash == HASH_MODERN ? "modern" : "linux31", cfg->hz);
	read_pieces = read_pieces_of(res);
	if (read_pieces)
		fprintf(fp, "read hit ratio: %.4f (%" PRIu64 " of %" PRIu64 " read pieces served by the cache; by sectors %.4f)\n",
			res->read_hit_ratio, res->lat_class[SIM_READ_HIT].count, read_pieces,
			res->sector_read_hit_ratio);
	else /* a ratio of nothing: not 0, which would read as "the cache never hit" */
		fprintf(fp, "read hit ratio: n/a (no read pieces)\n");
	{
		char adm[160];

		fprintf(fp, "policy: %s", cfg->engine.policy ? cfg->engine.policy->name : "lfu");
		if (cfg->engine.options.admit.n)
			fprintf(fp, ", admission %s (%lu misses not admitted)",
				pol_admit_format(&cfg->engine.options.admit, adm, sizeof(adm)), c->not_admitted);
		if (cfg->engine.seed)
			fprintf(fp, ", seed %" PRIu64, cfg->engine.seed);
		fputc('\n', fp);
	}
	{
		uint64_t from = cfg->warmup.kind != WARMUP_NONE ? res->warmup.start_ns : res->first_ns;
		fprintf(fp, "throughput: %.0f IOPS, %.2f MB/s over %.3f s %s%s\n", res->iops, res->mb_s,
			(double)(res->end_ns - from) / 1e9, res->devices_modelled ? "simulated" : "measured",
			cfg->warmup.kind != WARMUP_NONE ? " after the warm-up" : "");
	}

	fprintf(fp, "\nlatency per request:\n");
	lat_table(fp, "operation", res->lat_op, SIM_OP_NR, op_name);
	fprintf(fp, "latency per piece, by the engine's decision:\n");
	lat_table(fp, "class", res->lat_class, SIM_CLASS_NR, class_name);
	if (res->trace_lat.count) {
		fprintf(fp, "measured in the trace (D to C):\n  %-14s %10" PRIu64, "device", res->trace_lat.count);
		lat_cols(fp, &res->trace_lat);
	}
	for (int m = 0; m < MISS_NR; m++)
		misses += res->miss[m];
	if (cfg->explain_misses) {
		fprintf(fp, "\nread misses explained (%" PRIu64 "):", misses);
		for (int m = 0; m < MISS_NR; m++)
			fprintf(fp, " %s %" PRIu64 "%s", sim_miss_name((enum sim_miss)m), res->miss[m],
				m + 1 < MISS_NR ? "," : "\n");
	}
	fprintf(fp, "\ndevices:\n");
	dev_line(fp, "cache", cfg->cache_spec, &res->cache_dev, res->cache_util, res->devices_modelled);
	dev_line(fp, "target", cfg->target_spec, &res->target_dev, res->target_util, res->devices_modelled);
	fprintf(fp, "\nhidden counters: lookup_failed %lu lookup_busy %lu cache_overruns %lu write_clean %lu "
		    "sio_active %lu seed_crashes %lu deferred %lu\n",
		c->lookup_failed, c->lookup_busy, c->cache_overruns, c->write_clean, c->sio_active,
		c->seed_crashes, c->deferred);
	if (cfg->verify) {
		fprintf(fp, "stale reads: %" PRIu64 "\n", res->stale_reads);
		for (unsigned i = 0; i < res->nr_stale_examples; i++) {
			const struct sim_stale_example *e = &res->stale[i];
			fprintf(fp, "  piece %" PRIu64 " R %" PRIu64 "+%" PRIu64 " submitted %.9f s, done %.9f s: sector %" PRIu64
				    " returned version %" PRIu64 ", expected >= %" PRIu64 " (%s)\n",
				e->seq, e->sector, e->nsect, (double)e->submit_ns / 1e9, (double)e->done_ns / 1e9,
				e->first_stale_sector, e->returned_version, e->expected_min_version, e->why);
		}
	}
}

/* ---- JSON ---- */

static void js_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(fp, "\\%c", ch);
		else if (ch == '\n')
			fputs("\\n", fp);
		else if (ch == '\t')
			fputs("\\t", fp);
		else if (ch < 0x20)
			fprintf(fp, "\\u%04x", ch);
		else
			fputc(ch, fp);
	}
	fputc('"', fp);
}

/* the JSON text before a string value (its key, with the comma and colon), then the value */
static void js_key_str(FILE *fp, const char *before, const char *s)
{
	fputs(before, fp);
	js_str(fp, s);
}

static void js_num(FILE *fp, double v)
{
	if (v != v || v > 1e300 || v < -1e300)
		fputs("null", fp);
	else
		fprintf(fp, "%.6g", v);
}

static void js_lat(FILE *fp, const struct sim_lat *l)
{
	const struct {
		const char *key;
		double ns;
	} f[] = {{"mean_us", l->mean_ns}, {"p50_us", l->p50_ns},   {"p90_us", l->p90_ns},
		 {"p99_us", l->p99_ns},   {"p999_us", l->p999_ns}, {"max_us", l->max_ns}};

	fprintf(fp, "{\"count\":%" PRIu64, l->count);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		fprintf(fp, ",\"%s\":", f[i].key);
		js_num(fp, f[i].ns / 1e3);
	}
	fputc('}', fp);
}

static void js_dev(FILE *fp, const char *spec, const struct dev_stats *d, double util)
{
	js_key_str(fp, "{\"spec\":", spec);
	fprintf(fp, ",\"reads\":%" PRIu64 ",\"writes\":%" PRIu64 ",\"bytes_read\":%" PRIu64
		    ",\"bytes_written\":%" PRIu64 ",\"utilisation\":",
		d->nr_reads, d->nr_writes, d->bytes_read, d->bytes_written);
	js_num(fp, util);
	fputs(",\"mean_queue_depth\":", fp);
	js_num(fp, d->mean_queue_depth);
	/* every model's counters (0 where this one has none): the same keys whatever the model */
	dev_counters_json(fp, d, ",", ":", true);
	fputc('}', fp);
}

void sim_print_json(FILE *fp, const struct sim_config *cfg, const struct sim_result *res)
{
	const struct ssdcache_counters *c = &res->counters;
	char quirks[128];

	quirks_format(cfg->engine.fixed, quirks, sizeof(quirks));
	js_key_str(fp, "{\"schema\":1,\"trace\":{\"path\":", cfg->trace_path);
	js_key_str(fp, ",\"format\":", res->trace_format);
	fprintf(fp, ",\"skipped_lines\":%" PRIu64 ",\"skipped_bad\":%" PRIu64 "}", res->trace_counts.skipped_lines,
		res->trace_counts.skipped_bad);
	js_key_str(fp, ",\"config\":{\"table\":", cfg->table);
	js_key_str(fp, ",\"cache_dev\":", cfg->cache_spec);
	js_key_str(fp, ",\"target_dev\":", cfg->target_spec);
	js_key_str(fp, ",\"quirks\":", quirks);
	fprintf(fp, ",\"hz\":%u,\"wq_delay_ns\":%" PRIu64 ",\"map_cost_ns\":%" PRIu64 ",\"speed\":", cfg->hz,
		cfg->wq_delay_ns, cfg->map_cost_ns);
	js_num(fp, cfg->speed);
	{
		char adm[160];

		fprintf(fp, ",\"policy\":\"%s\",\"admit\":", cfg->engine.policy ? cfg->engine.policy->name : "lfu");
		js_str(fp, pol_admit_format(&cfg->engine.options.admit, adm, sizeof(adm)));
		fprintf(fp, ",\"seed\":%" PRIu64 ",\"not_admitted\":%lu", cfg->engine.seed,
			res->counters.not_admitted);
	}
	fprintf(fp, ",\"qd\":%u,\"hash\":\"%s\"}", cfg->qd, cfg->engine.hash == HASH_MODERN ? "modern" : "linux31");
	js_key_str(fp, ",\"status_info\":", res->status_info);
	js_key_str(fp, ",\"status_table\":", res->status_table);
	fprintf(fp, ",\"geometry\":{\"block_size\":%lu,\"hash_bits\":%lu,\"num_cmd\":%lu,\"cte_bytes\":%zu}",
		res->geometry.block_size, res->geometry.hash_bits, res->geometry.num_cmd,
		res->geometry.cte_bytes);
	fprintf(fp, ",\"requests\":{\"total\":%" PRIu64 ",\"reads\":%" PRIu64 ",\"writes\":%" PRIu64
		    ",\"flushes\":%" PRIu64 ",\"discards\":%" PRIu64 ",\"bytes_read\":%" PRIu64
		    ",\"bytes_written\":%" PRIu64 ",\"pieces\":%" PRIu64 ",\"skipped_zero_len\":%" PRIu64
		    ",\"skipped_beyond_end\":%" PRIu64 ",\"first_ns\":%" PRIu64 ",\"last_ns\":%" PRIu64
		    ",\"end_ns\":%" PRIu64 "}",
		res->requests, res->reads, res->writes, res->flushes, res->discards, res->bytes_read,
		res->bytes_written, res->pieces, res->skipped_zero_len, res->skipped_beyond_end,
		res->first_ns, res->last_ns, res->end_ns);
	if (cfg->warmup.kind == WARMUP_NONE) {
		fputs(",\"warmup\":null", fp);
	} else {
		js_key_str(fp, ",\"warmup\":{\"spec\":", cfg->warmup.spec);
		fprintf(fp, ",\"kind\":\"%s\",\"requests\":", sim_warmup_kind_name(cfg->warmup.kind));
		if (cfg->warmup.kind == WARMUP_REQUESTS)
			fprintf(fp, "%" PRIu64, cfg->warmup.requests);
		else
			fputs("null", fp);
		fputs(",\"time_ns\":", fp);
		if (cfg->warmup.kind == WARMUP_TIME)
			fprintf(fp, "%" PRIu64, cfg->warmup.time_ns);
		else
			fputs("null", fp);
		fputs(",\"percent\":", fp);
		if (cfg->warmup.kind == WARMUP_PERCENT)
			fprintf(fp, "%.6g,\"trace_records\":%" PRIu64, cfg->warmup.percent,
				res->warmup.trace_records);
		else
			fputs("null,\"trace_records\":null", fp);
		fprintf(fp, ",\"start_request\":%" PRIu64 ",\"start_ns\":%" PRIu64 ",\"measured\":%" PRIu64 "}",
			res->warmup.start_request, res->warmup.start_ns, res->warmup.measured);
	}
	fprintf(fp, ",\"counters\":{\"read_clean\":%lu,\"read_busy\":%lu,\"read_invalid\":%lu,\"read_miss\":%lu,"
		    "\"write_busy\":%lu,\"write_cancel\":%lu,\"write_invalid\":%lu,\"write_miss\":%lu,"
		    "\"write_done\":%lu,\"write_skip\":%lu,\"cache_bypassed\":%lu,\"cache_evictions\":%lu,"
		    "\"writeback_cancelled\":%lu,\"bio_cancelled\":%lu,\"write_clean\":%lu,\"lookup_failed\":%lu,"
		    "\"lookup_busy\":%lu,\"cache_overruns\":%lu,\"nr_sio\":%lu,\"sio_active\":%lu,"
		    "\"cte_active\":%lu,\"seed_crashes\":%lu,\"deferred\":%lu,\"nr_cmds\":%lu,\"nr_ctes\":%lu,"
		    "\"nr_cte_full\":%lu}",
		c->read_clean, c->read_busy, c->read_invalid, c->read_miss, c->write_busy, c->write_cancel,
		c->write_invalid, c->write_miss, c->write_done, c->write_skip, c->cache_bypassed,
		c->cache_evictions, c->writeback_cancelled, c->bio_cancelled, c->write_clean, c->lookup_failed,
		c->lookup_busy, c->cache_overruns, c->nr_sio, c->sio_active, c->cte_active, c->seed_crashes,
		c->deferred, c->nr_cmds, c->nr_ctes, c->nr_cte_full);
	/* null, not 0, when nothing was read (docs/json.md) */
	fputs(",\"read_hit_ratio\":", fp);
	js_num(fp, read_pieces_of(res) ? res->read_hit_ratio : NAN);
	fputs(",\"sector_read_hit_ratio\":", fp);
	js_num(fp, read_pieces_of(res) ? res->sector_read_hit_ratio : NAN);
	fputs(",\"iops\":", fp);
	js_num(fp, res->iops);
	fputs(",\"mb_s\":", fp);
	js_num(fp, res->mb_s);
	fputs(",\"latency_op\":{", fp);
	for (int o = 0; o < SIM_OP_NR; o++) {
		fprintf(fp, "%s\"%s\":", o ? "," : "", sim_op_name((enum sim_op)o));
		js_lat(fp, &res->lat_op[o]);
	}
	fputs("},\"latency_class\":{", fp);
	for (int k = 0; k < SIM_CLASS_NR; k++) {
		fprintf(fp, "%s\"%s\":", k ? "," : "", sim_class_name((enum sim_class)k));
		js_lat(fp, &res->lat_class[k]);
	}
	fputs("},\"trace_latency\":", fp);
	js_lat(fp, &res->trace_lat);
	fputs(",\"outcomes\":{", fp);
	for (int k = 0; k < SSD_OUT_NR; k++)
		fprintf(fp, "%s\"%s\":%" PRIu64, k ? "," : "", cte_match_name((enum cte_match_t)k),
			res->outcome_count[k]);
	fputs("},\"miss_explanation\":{", fp);
	for (int m = 0; m < MISS_NR; m++)
		fprintf(fp, "%s\"%s\":%" PRIu64, m ? "," : "", sim_miss_name((enum sim_miss)m), res->miss[m]);
	fputs("},\"devices\":{\"cache\":", fp);
	js_dev(fp, cfg->cache_spec, &res->cache_dev, res->cache_util);
	fputs(",\"target\":", fp);
	js_dev(fp, cfg->target_spec, &res->target_dev, res->target_util);
	fputs("}", fp);
	if (cfg->verify) {
		fprintf(fp, ",\"stale_reads\":%" PRIu64 ",\"stale_examples\":[", res->stale_reads);
		for (unsigned i = 0; i < res->nr_stale_examples; i++) {
			const struct sim_stale_example *e = &res->stale[i];
			fprintf(fp, "%s{\"seq\":%" PRIu64 ",\"sector\":%" PRIu64 ",\"nsect\":%" PRIu64
				    ",\"submit_ns\":%" PRIu64 ",\"done_ns\":%" PRIu64 ",\"first_stale_sector\":%" PRIu64
				    ",\"returned_version\":%" PRIu64 ",\"expected_min_version\":%" PRIu64 ",\"why\":",
				i ? "," : "", e->seq, e->sector, e->nsect, e->submit_ns, e->done_ns,
				e->first_stale_sector, e->returned_version, e->expected_min_version);
			js_str(fp, e->why);
			fputc('}', fp);
		}
		fputc(']', fp);
	}
	fprintf(fp, ",\"interval_ns\":%" PRIu64 ",\"series\":[", cfg->interval_ns);
	for (size_t i = 0; i < res->nr_series; i++) {
		const struct sim_interval *s = &res->series[i];
		fprintf(fp, "%s{\"start_ns\":%" PRIu64 ",\"requests\":%" PRIu64 ",\"read_pieces\":%" PRIu64
			    ",\"read_hits\":%" PRIu64 ",\"lat_mean_us\":",
			i ? "," : "", s->start_ns, s->requests, s->read_pieces, s->read_hits);
		js_num(fp, s->lat_mean_ns / 1e3);
		fputc('}', fp);
	}
	fputs("],\"wall_seconds\":", fp);
	js_num(fp, res->wall_seconds);
	fputs("}\n", fp);
}
