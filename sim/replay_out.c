// SPDX-License-Identifier: GPL-2.0
/* replay_out.c - what only a replay measures, for people and for the JSON document. */
#include <inttypes.h>
#include <stdio.h>

#include "sim/replay.h"
#include "sim/base/units.h"

void replay_print_text(FILE *fp, const struct replay_config *cfg, const struct replay_result *rr)
{
	char a[24], b[24], c[24];

	format_size(rr->cache_size, a, sizeof(a));
	format_size(rr->target_size, b, sizeof(b));
	fprintf(fp, "device sizes: cache %s (%" PRIu64 " bytes), target %s (%" PRIu64 " bytes)\n", a,
		rr->cache_size, b, rr->target_size);
	if (rr->lag.count) {
		format_time_ns(rr->lag.p50_ns, a, sizeof(a));
		format_time_ns(rr->lag.p99_ns, b, sizeof(b));
		format_time_ns(rr->lag.max_ns, c, sizeof(c));
		fprintf(fp, "timing lag (measured: submit - trace time / speed %g): p50 %s, p99 %s, max %s; "
			    "%" PRIu64 " of %" PRIu64 " requests late by more than 1 ms\n",
			cfg->sim.speed, a, b, c, rr->late_requests, rr->lag.count);
		format_time_ns((double)rr->submit_max_ns, a, sizeof(a));
		fprintf(fp, "submission stalls (measured: io_uring_submit calls longer than 100 us, the kernel "
			    "blocking as it issued the I/O): %" PRIu64 ", longest %s\n",
			rr->submit_stalls, a);
	}
	if (rr->realtime)
		fprintf(fp, "scheduling: SCHED_FIFO during the replay (--realtime)\n");
	if (rr->verified) {
		fprintf(fp, "data verification: %" PRIu64 " reads checked; stale %" PRIu64 ", misplaced %" PRIu64
			    ", corrupt %" PRIu64 ", never written %" PRIu64 "; racing a write %" PRIu64
			    " (torn %" PRIu64 ", not mismatches)\n",
			rr->checked_reads, rr->stale, rr->misplaced, rr->corrupt, rr->never_written,
			rr->racing, rr->torn);
		if (cfg->inject_cache_read > 0)
			fprintf(fp, "injected corruptions: %" PRIu64 "\n", rr->injected);
		fprintf(fp, "data mismatches: %" PRIu64 "\n", rr->mismatches);
	}
}

static void num(FILE *fp, double v)
{
	if (v != v)
		fputs("null", fp);
	else
		fprintf(fp, "%.0f", v);
}

void replay_print_json(FILE *fp, const struct replay_config *cfg, const struct replay_result *rr)
{
	fprintf(fp, ",\"measured\":true,\"device_size\":{\"cache\":%" PRIu64 ",\"target\":%" PRIu64
		    "},\"prefilled\":{\"cache\":%" PRIu64 ",\"target\":%" PRIu64 "}",
		rr->cache_size, rr->target_size, rr->cache_prefilled, rr->target_prefilled);
	fprintf(fp, ",\"lag_ns\":{\"count\":%" PRIu64 ",\"p50\":", rr->lag.count);
	num(fp, rr->lag.p50_ns);
	fputs(",\"p99\":", fp);
	num(fp, rr->lag.p99_ns);
	fputs(",\"max\":", fp);
	num(fp, rr->lag.max_ns);
	fprintf(fp, "},\"late_requests\":%" PRIu64 ",\"submit_stalls\":%" PRIu64 ",\"submit_max_ns\":%" PRIu64
		    ",\"realtime\":%s",
		rr->late_requests, rr->submit_stalls, rr->submit_max_ns, rr->realtime ? "true" : "false");
	fprintf(fp, ",\"io_uring\":{\"registered_files\":%s,\"fixed_buffers\":%s}",
		rr->registered_files ? "true" : "false", rr->fixed_buffers ? "true" : "false");
	if (rr->verified)
		fprintf(fp, ",\"verify\":{\"checked_reads\":%" PRIu64 ",\"mismatches\":%" PRIu64 ",\"stale\":%" PRIu64
			    ",\"misplaced\":%" PRIu64 ",\"corrupt\":%" PRIu64 ",\"never_written\":%" PRIu64
			    ",\"racing\":%" PRIu64 ",\"torn\":%" PRIu64 ",\"injected\":%" PRIu64
			    ",\"inject_probability\":%g}",
			rr->checked_reads, rr->mismatches, rr->stale, rr->misplaced, rr->corrupt,
			rr->never_written, rr->racing, rr->torn, rr->injected, cfg->inject_cache_read);
}
