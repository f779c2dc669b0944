// SPDX-License-Identifier: GPL-2.0
/* cmd_run.c - `ssdcache-sim run` and `replay`: their help around the table rows, simulate or replay, print. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "policies/policy.h"
#include "reports/db.h"
#include "sim/cli/cli_engine.h"
#include "sim/cli/cli_help.h"
#include "sim/cli/cli_util.h"
#include "sim/cli/commands.h"
#include "sim/replay.h"
#include "sim/replay_predict.h"
#include "sim/sim.h"
#include "sim/cli/summary.h"
#include "sim/base/units.h"

static const char run_intro[] =
	"Simulate dm-ssdcache (the 2011 seed, decision for decision) on a block I/O trace and print\n"
	"the target's status lines (dmsetup status, dmsetup table) and a summary.\n\n";

static const char replay_intro[] =
	"Replay a trace through the same dm core and engine as `run`, on real devices (files\n"
	"or block devices) with io_uring, and print the status lines and the summary with\n"
	"measured latencies, utilisation (busy time) and, in open loop, the timing lag.\n"
	"Writes carry a fixed pattern (a trace has no data), or checked data with --verify.\n"
	"The options are run's (but for --cache-dev and --target-dev: the devices are real).\n\n";

#define RUN_EXIT                                                                                   \
	"exit status: 0 ok, 1 runtime error (bad trace, I/O), 2 bad arguments or configuration,\n" \
	"             3 internal error (a bug: 'internal error at FILE:LINE ... (please report)')\n"

static const char run_outro[] =
	RUN_EXIT
	"example:\n"
	"  ssdcache-sim run data/traces/oltp_small/oltp_small.blkparse.txt \\\n"
	"    --cache-dev fixed:size=64M,read=100us,write=200us --target-dev fixed:size=1T,read=5ms,write=5ms \\\n"
	"    --table \"blocksize 256 assoc 4 writethrough options 2 lru queue_busy\" --hz 250\n";

static const char replay_outro[] =
	RUN_EXIT
	"        (2 also: a device refused by the probe)\n"
	"example:\n"
	"  ssdcache-sim replay data/traces/oltp_small/oltp_small.blkparse.txt \\\n"
	"    --cache cache.img --cache-create 64M --target target.img --target-create 4G \\\n"
	"    --table \"blocksize 8 assoc 4 writeback\" --qd 32 --direct --verify\n";

const struct cli_cmd cli_cmd_run = CLI_SIM_CMD(
	"run", CLI_RUN, "simulate dm-ssdcache on a trace (the seed's engine, decision for decision)",
	"TRACE [options]", run_intro, run_outro);

const struct cli_cmd cli_cmd_replay = CLI_SIM_CMD(
	"replay", CLI_REPLAY, "replay a trace through the same engine on real devices (io_uring)",
	"TRACE --cache PATH --target PATH [options]", replay_intro, replay_outro);

static void warn_stderr(void *arg, const char *msg)
{
	(void)arg;
	fprintf(stderr, "ssdcache-sim: %s\n", msg);
}

/* After the options: the table and the policy, parsed with the quirks now known. */
static int sim_finish_config(struct sim_config *cfg, const char *table, const char *policy, bool quiet)
{
	char err[512];

	snprintf(cfg->table, sizeof(cfg->table), "%s", table ? table : "");
	if (ssdcache_parse_table(&cfg->engine, cfg->table, err, sizeof(err), quiet ? NULL : warn_stderr,
				 NULL)) {
		fprintf(stderr, "ssdcache-sim: --table: %s\n", err);
		return EXIT_USAGE;
	}
	if (policy) {
		const struct pol_ops *p = pol_find(policy);
		if (!p) {
			fprintf(stderr, "ssdcache-sim: --policy %s: unknown policy (known:", policy);
			for (int i = 0; pol_registry[i]; i++)
				fprintf(stderr, " %s", pol_registry[i]->name);
			fprintf(stderr, ")\n");
			return EXIT_USAGE;
		}
		cfg->engine.policy = p;
	}
	return 0;
}

/* One JSON document: run's members, then the replay's own before the closing brace. */
static void print_replay_json(const struct sim_config *cfg, const struct sim_result *res,
			      const struct replay_config *rcfg, const struct replay_result *rres,
			      const struct replay_prediction *pred)
{
	char *doc = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&doc, &len);

	if (!mem) {
		sim_print_json(stdout, cfg, res);
		return;
	}
	sim_print_json(mem, cfg, res);
	fclose(mem);
	while (len && doc[len - 1] == '\n')
		len--;
	if (len && doc[len - 1] == '}')
		len--; /* the document's closing brace: the replay's members come first */
	fwrite(doc, 1, len, stdout);
	replay_print_json(stdout, rcfg, rres);
	if (pred)
		replay_print_prediction_json(stdout, res, pred);
	fputs("}\n", stdout);
	free(doc);
}

/* `run` and `replay`: one parser, one output; the engine runs over simulated or real devices. */
static int run_main(int argc, char **argv, bool replay)
{
	struct replay_config rcfg = {0};
	struct sim_config cfg;
	struct sim_result res;
	struct replay_result rres;
	struct lat_samples msamp = {0};
	struct replay_prediction pred;
	bool predict = false, predicted = false;
	const char *cache_model = NULL, *target_model = NULL;
	const char *table = NULL, *policy = NULL, *db_path = NULL;
	bool json = false, quiet = false;
	char err[1024];
	struct rep_db *db = NULL;
	int rc;

	const char *cmd = replay ? "replay" : "run";
	struct cli_parser p;

	sim_config_init(&cfg);
	/* the miss explanation costs more than 20 % of a run (BENCHMARKS.md): on request, or when
	 * the run is recorded in a database (as a sweep's runs are), unless --no-explain */
	int explain = -1;
	cli_parser_init(&p, replay ? &cli_cmd_replay : &cli_cmd_run, argc, argv);
	while ((rc = cli_next(&p)) > 0) {
		const char *arg = p.arg;

		switch (p.opt->id) {
		case CO_R_CACHE:
			rcfg.cache_path = arg;
			break;
		case CO_R_TARGET:
			rcfg.target_path = arg;
			break;
		case CO_R_CACHE_CREATE:
			rcfg.cache_create = p.val.u;
			break;
		case CO_R_TARGET_CREATE:
			rcfg.target_create = p.val.u;
			break;
		case CO_DIRECT:
			rcfg.direct = true;
			break;
		case CO_FORCE:
			rcfg.force = true;
			break;
		case CO_REALTIME:
			rcfg.realtime = true;
			break;
		case CO_NO_PREFILL:
			rcfg.no_prefill = true;
			break;
		case CO_INJECT: {
			char *end;
			double pr;
			if (strncmp(arg, "corrupt-cache-read=", 19) ||
			    (pr = strtod(arg + 19, &end), end == arg + 19 || *end || !(pr >= 0 && pr <= 1)))
				return cli_usage_error(cmd, "--inject %s: expected corrupt-cache-read=P with P in 0..1",
						       arg);
			rcfg.inject_cache_read = pr;
			break;
		}
		case CO_PREDICT:
			predict = true;
			break;
		case CO_CACHE_MODEL:
			cache_model = arg;
			predict = true;
			break;
		case CO_TARGET_MODEL:
			target_model = arg;
			predict = true;
			break;
		case CO_CALIB_SECONDS:
			rcfg.calibrate_seconds = p.val.d;
			predict = true;
			break;
		case CO_CALIB_MODEL: {
			static const char *const names[] = {"fixed", "ssd", "hdd"};
			const char *comma = strchr(arg, ',');
			size_t n0 = comma ? (size_t)(comma - arg) : strlen(arg);
			const char *m[2] = {NULL, NULL};
			for (size_t k = 0; k < 3; k++) {
				if (strlen(names[k]) == n0 && !strncmp(arg, names[k], n0))
					m[0] = names[k];
				if (comma && !strcmp(comma + 1, names[k]))
					m[1] = names[k];
			}
			if (!m[0] || (comma && !m[1]))
				return cli_usage_error(cmd, "--calibrate-model %s: expected fixed, ssd or hdd, or two of "
							    "them (the cache's,the target's), e.g. ssd,hdd", arg);
			rcfg.calibrate_model[0] = m[0];
			rcfg.calibrate_model[1] = comma ? m[1] : m[0];
			predict = true;
			break;
		}
		case CO_DECISION_LOG:
			cfg.decision_log = arg;
			break;
		case CO_VERIFY:
			cfg.verify = true;
			break;
		case CO_VERIFY_LOG:
			cfg.verify = true;
			cfg.verify_log = arg;
			break;
		case CO_NO_EXPLAIN:
			explain = 0;
			break;
		case CO_EXPLAIN:
			explain = 1;
			break;
		case CO_JSON:
			json = true;
			break;
		case CO_DB:
			db_path = arg;
			break;
		case CO_TARGET_NAME:
			cfg.target_name = arg;
			break;
		case CO_CACHE_NAME:
			cfg.cache_name = arg;
			break;
		case CO_PROGRESS:
			cfg.progress = true;
			break;
		case CO_QUIET:
			quiet = true;
			break;
		case CO_TABLE:
			table = arg;
			break;
		case CO_POLICY:
			policy = arg;
			break;
		default:
			if (cli_engine_option(&cfg, &p))
				return EXIT_USAGE;
		}
	}
	if (rc < 0)
		return p.status;
	if ((rc = cli_operands(&p, 1, "TRACE")))
		return rc;
	cfg.trace_path = argv[optind];
	/* progress on a terminal unless --quiet; --progress forces it (e.g. under a pager) */
	if (!cfg.progress)
		cfg.progress = isatty(2);
	if (quiet)
		cfg.progress = false;
	cfg.warn = quiet ? NULL : warn_stderr;
	rc = sim_finish_config(&cfg, table, policy, quiet);
	if (rc)
		return rc;
	cfg.explain_misses = explain >= 0 ? explain : db_path != NULL;
	cfg.describe_trace = db_path != NULL; /* the store records what the run read */
	if (replay && (!rcfg.cache_path || !rcfg.target_path))
		return cli_usage_error(cmd, "replay needs --cache PATH and --target PATH");
	if (replay && rcfg.inject_cache_read > 0 && !cfg.verify)
		return cli_usage_error(cmd, "--inject needs --verify (the verifier is what detects it)");
	if (db_path && (rc = cli_open_db(cmd, db_path, &db)))
		return rc;
	if (replay) {
		snprintf(cfg.cache_spec, sizeof(cfg.cache_spec), "file:%s", rcfg.cache_path);
		snprintf(cfg.target_spec, sizeof(cfg.target_spec), "file:%s", rcfg.target_path);
		/* --verify in a replay checks the data itself (replay_verify.h), not the model */
		rcfg.verify = cfg.verify;
		rcfg.verify_log = cfg.verify_log;
		rcfg.seed = (unsigned long)cfg.engine.seed; /* one --seed: the random policy's and the injection's */
		cfg.verify = false;
		cfg.verify_log = NULL;
		rcfg.sim = cfg;
		if (predict) {
			rcfg.sim.on_req_done = lat_samples_add;
			rcfg.sim.on_req_done_arg = &msamp;
		}
		rc = replay_run(&rcfg, &res, &rres, err, sizeof(err));
		if (!rc && predict) {
			rc = replay_predict(&rcfg, &res, cache_model, target_model, &msamp, &pred, err, sizeof(err));
			predicted = !rc;
			if (rc)
				sim_result_free(&res); /* the replay's result is not printed */
		}
		lat_samples_free(&msamp);
		if (!rc) {
			/* the devices' sizes go wherever the spec goes (JSON, the database) */
			snprintf(cfg.cache_spec, sizeof(cfg.cache_spec), "file:%s,size=%llu", rcfg.cache_path,
				 (unsigned long long)rres.cache_size);
			snprintf(cfg.target_spec, sizeof(cfg.target_spec), "file:%s,size=%llu", rcfg.target_path,
				 (unsigned long long)rres.target_size);
		}
	} else {
		rc = sim_run(&cfg, &res, err, sizeof(err));
	}
	if (rc) {
		fprintf(stderr, "ssdcache-sim: %s\n", err);
		rep_db_close(db);
		return cli_exit_status(rc);
	}
	if (json && replay) {
		print_replay_json(&cfg, &res, &rcfg, &rres, predicted ? &pred : NULL);
	} else if (json) {
		sim_print_json(stdout, &cfg, &res);
	} else {
		printf("%s\n%s\n", res.status_info, res.status_table);
		sim_print_summary(stdout, &cfg, &res);
		if (replay)
			replay_print_text(stdout, &rcfg, &rres);
		if (predicted)
			replay_print_prediction(stdout, &res, &pred);
	}
	struct sim_replay_record rrec;
	if (db && replay) {
		/* the store consumes the replay's own figures through the result */
		replay_fill_record(&rres, &res, predicted ? &pred : NULL, &rrec);
		res.replay = &rrec;
	}
	if (db && rep_db_record_run(db, &cfg, &res, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim: %s\n", err);
		rc = EXIT_RUNTIME;
	}
	rep_db_close(db);
	sim_result_free(&res);
	if (predicted)
		replay_prediction_free(&pred);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "ssdcache-sim: writing the results to stdout: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	return rc;
}

int cmd_run(int argc, char **argv)
{
	return run_main(argc, argv, false);
}

int cmd_replay(int argc, char **argv)
{
	return run_main(argc, argv, true);
}
