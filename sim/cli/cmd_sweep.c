// SPDX-License-Identifier: GPL-2.0
/* cmd_sweep.c - `ssdcache-sim sweep`: the cartesian product of parameters, run in parallel into SQLite. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/quirks.h"
#include "policies/policy.h"
#include "reports/db.h"
#include "reports/rep_util.h"
#include "sim/base/hash64.h"
#include "reports/sweep.h"
#include "sim/cli/cli_engine.h"
#include "sim/cli/cli_util.h"
#include "sim/cli/commands.h"
#include "sim/sim.h"
#include "sim/sweep_refs.h"
#include "sim/base/units.h"

/* The devices a sweep simulates when none is given: the same as `run`'s defaults. */
#define SWEEP_DEFAULT_CACHE_DEV "fixed:size=64M,read=100us,write=200us"
#define SWEEP_DEFAULT_TARGET_DEV "fixed:size=1T,read=5ms,write=5ms"
#define SWEEP_DEFAULT_DB "results.db"
#define SWEEP_MAX_CONFIGS 100000
#define LIST_MAX 256

static const char sweep_intro[] =
	"TRACE as for `run`: a file, or NAME for the blktrace capture NAME.blktrace.0, .1, ...\n"
	"\n"
	"Simulate every combination of the listed parameters on TRACE, in parallel, and record\n"
	"each run in a SQLite database. A configuration already recorded there for the same\n"
	"trace (by content fingerprint) is skipped, so running the same command again resumes\n"
	"an interrupted sweep. Ctrl-C loses only the runs in flight. Every option but the\n"
	"parameter lists is fixed for the whole sweep.\n"
	"\n";

static const char sweep_outro[] =
	"Block sizes above 256 sectors need quirk Q20 fixed (the seed overflows its bitmaps):\n"
	"with --quirks seed they are skipped with a notice; use --fix Q20 or --quirks fixed.\n"
	"Other configurations the engine refuses up front (e.g. assoc 0 with Q26 fixed) are\n"
	"skipped the same way.\n"
	"\n"
	"A run whose worker dies (an internal error, or any signal) is recorded as failed with\n"
	"the worker's last line on stderr, and the sweep goes on with the others.\n"
	"\n"
	"Exit status: 0 all runs recorded, 1 a run failed (bad trace...) or a runtime error,\n"
	"2 usage error, 3 some run hit an internal error or was killed by a signal (the other\n"
	"runs are recorded; please report), 130 interrupted (rerun the same command to resume).\n";

const struct cli_cmd cli_cmd_sweep =
	CLI_SIM_CMD("sweep", CLI_SWEEP, "run a parameter sweep in parallel into a SQLite database",
		    "TRACE [options]", sweep_intro, sweep_outro);

struct u64_list {
	uint64_t v[LIST_MAX];
	char text[LIST_MAX][32]; /* as the user wrote it (sizes: "1G") */
	size_t n;
};

struct str_list {
	const char *v[8];
	size_t n;
};

struct sweep_args {
	const char *trace;
	struct u64_list bs, assoc, size;
	struct str_list mode, policy;
	const char *quirks, *fix, *format, *db, *shard_dir, *sweep_id;
	/* what every configuration shares (the options it has in common with `run`: devices,
	 * --hz, --seed, --admit, --max-requests, --warmup, the trace's); its debug_abort_after
	 * goes to the first configuration only */
	struct sim_config base;
	unsigned jobs;
	int progress; /* -1: if stderr is a terminal */
	bool emit, dry_run;
	const char *admit_text;
};

/* Parse "a,b,...,c" into values. is_size: K/M/G/T suffixes. Returns 0 or -EINVAL with err. */
static int parse_u64_list(const char *opt, const char *s, bool is_size, struct u64_list *out,
			  char *err, size_t errlen)
{
	char buf[1024], *save = NULL;
	bool pending_ellipsis = false;

	out->n = 0;
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: list too long", opt);
		return -EINVAL;
	}
	strcpy(buf, s);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (!strcmp(t, "...")) {
			if (out->n < 2 || pending_ellipsis) {
				snprintf(err, errlen, "%s '%s': \"...\" needs two values before it and one after",
					 opt, s);
				return -EINVAL;
			}
			pending_ellipsis = true;
			continue;
		}
		if ((is_size ? parse_size(t, &v) : parse_u64(t, &v))) {
			snprintf(err, errlen, "%s: '%s' is not %s", opt, t,
				 is_size ? "a size (e.g. 512M, 4G)" : "a whole number");
			return -EINVAL;
		}
		if (pending_ellipsis) {
			uint64_t a = out->v[out->n - 2], b = out->v[out->n - 1], x;
			bool geometric = a > 0 && b > a && b % a == 0;

			if (b <= a || v <= b) {
				snprintf(err, errlen, "%s '%s': \"a,b,...,c\" needs a < b < c", opt, s);
				return -EINVAL;
			}
			for (x = geometric ? b * (b / a) : b + (b - a); x < v;
			     x = geometric ? x * (b / a) : x + (b - a)) {
				if (out->n >= LIST_MAX) {
					snprintf(err, errlen, "%s: more than %d values", opt, LIST_MAX);
					return -EINVAL;
				}
				out->v[out->n] = x;
				if (is_size)
					format_size(x, out->text[out->n], sizeof(out->text[0]));
				else
					snprintf(out->text[out->n], sizeof(out->text[0]), "%" PRIu64, x);
				out->n++;
			}
			pending_ellipsis = false;
		}
		if (out->n >= LIST_MAX) {
			snprintf(err, errlen, "%s: more than %d values", opt, LIST_MAX);
			return -EINVAL;
		}
		for (size_t i = 0; i < out->n; i++)
			if (out->v[i] == v) {
				snprintf(err, errlen, "%s: %s listed twice", opt, t);
				return -EINVAL;
			}
		out->v[out->n] = v;
		snprintf(out->text[out->n], sizeof(out->text[0]), "%s", t);
		out->n++;
	}
	if (pending_ellipsis) {
		snprintf(err, errlen, "%s '%s': \"...\" needs a value after it", opt, s);
		return -EINVAL;
	}
	if (!out->n) {
		snprintf(err, errlen, "%s: empty list", opt);
		return -EINVAL;
	}
	return 0;
}

/* Names from a fixed set; the list's storage is the static choices. */
static int parse_name_list(const char *opt, const char *s, const char *const *choices,
			   struct str_list *out, char *err, size_t errlen)
{
	char buf[256], *save = NULL;

	out->n = 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const char *hit = NULL;

		for (const char *const *c = choices; *c; c++)
			if (!strcmp(*c, t))
				hit = *c;
		if (!hit) {
			size_t n = (size_t)snprintf(err, errlen, "%s: unknown value '%s' (expected", opt, t);
			for (const char *const *c = choices; *c && n < errlen; c++)
				n += (size_t)snprintf(err + n, errlen - n, " %s", *c);
			if (n < errlen)
				snprintf(err + n, errlen - n, ")");
			return -EINVAL;
		}
		for (size_t i = 0; i < out->n; i++)
			if (out->v[i] == hit) {
				snprintf(err, errlen, "%s: %s listed twice", opt, t);
				return -EINVAL;
			}
		if (out->n >= sizeof(out->v) / sizeof(out->v[0])) {
			snprintf(err, errlen, "%s: too many values", opt);
			return -EINVAL;
		}
		out->v[out->n++] = hit;
	}
	if (!out->n) {
		snprintf(err, errlen, "%s: empty list", opt);
		return -EINVAL;
	}
	return 0;
}

static const char *const mode_choices[] = {"writethrough", "writeback", "readcache", NULL};
static const char *policy_choices[32]; /* the policy registry's names (sweep_parse fills it) */

static int fill_policy_choices(void)
{
	for (int i = 0; pol_registry[i] && i < 31; i++)
		policy_choices[i] = pol_registry[i]->name;
	return 0;
}

/* "MODEL:opts" with size= replaced by (or set to) size_text. */
static int spec_with_size(const char *spec, const char *size_text, char *out, size_t len)
{
	const char *colon = strchr(spec, ':');
	size_t n;
	int w;

	if (!colon)
		w = snprintf(out, len, "%s:size=%s", spec, size_text);
	else {
		n = (size_t)snprintf(out, len, "%.*s:size=%s", (int)(colon - spec), spec, size_text);
		for (const char *p = colon + 1; *p && n < len;) {
			size_t l = strcspn(p, ",");

			if (strncmp(p, "size=", 5) && l)
				n += (size_t)snprintf(out + n, len - n, ",%.*s", (int)l, p);
			p += l;
			if (*p == ',')
				p++;
		}
		w = (int)n;
	}
	return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}

/* Single-quote s for a POSIX shell. */
static void shell_quote(const char *s, char *out, size_t len)
{
	size_t n = 0;
	bool plain = *s != '\0';

	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%",
			    *p))
			plain = false;
	if (plain) {
		snprintf(out, len, "%s", s);
		return;
	}
	if (n + 1 < len)
		out[n++] = '\'';
	for (const char *p = s; *p && n + 5 < len; p++) {
		if (*p == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *p;
		}
	}
	if (n + 1 < len)
		out[n++] = '\'';
	out[n] = '\0';
}

static char *join_argv(int argc, char **argv)
{
	size_t cap = 64;
	char *s, q[1100];

	for (int i = 0; i < argc; i++)
		cap += strlen(argv[i]) * 4 + 3;
	s = calloc(1, cap);
	if (!s)
		return NULL;
	strcpy(s, "ssdcache-sim");
	for (int i = 0; i < argc; i++) {
		shell_quote(argv[i], q, sizeof(q));
		strcat(s, " ");
		strcat(s, q);
	}
	return s;
}

/* The command line into a. 0, or 1 when the command ends with *status: after --help (0) or a
 * usage error (EXIT_USAGE, the message printed). */
static int parse_args(int argc, char **argv, struct sweep_args *a, int *status)
{
	char defbs[16], defassoc[16], err[512];
	const size_t errlen = sizeof(err);
	const char *bs = NULL, *assoc = NULL, *mode = "writethrough", *size = NULL, *policy = "lfu";
	int c;
	long ncpu;

	struct cli_parser p;

	memset(a, 0, sizeof(*a));
	sim_config_init(&a->base);
	a->quirks = "seed";
	a->db = SWEEP_DEFAULT_DB;
	a->shard_dir = "shards";
	a->progress = -1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	a->jobs = ncpu > 0 ? (unsigned)ncpu : 1;
	cli_parser_init(&p, &cli_cmd_sweep, argc, argv);
	while ((c = cli_next(&p)) > 0) {
		const char *arg = p.arg;

		switch (p.opt->id) {
		case CO_S_BLOCKSIZE: bs = arg; break;
		case CO_S_ASSOC: assoc = arg; break;
		case CO_S_MODE: mode = arg; break;
		case CO_S_CACHE_SIZE: size = arg; break;
		case CO_S_POLICY: policy = arg; break;
		/* applied after the options, --fix on top of --quirks, as the emitted jobs say */
		case CO_QUIRKS: a->quirks = p.opt->choices[p.val.choice]; break;
		case CO_FIX: a->fix = arg; break;
		case CO_JOBS: a->jobs = (unsigned)p.val.u; break;
		case CO_DB: a->db = arg; break;
		case CO_PROGRESS: a->progress = 1; break;
		case CO_NO_PROGRESS: a->progress = 0; break;
		case CO_DRY_RUN: a->dry_run = true; break;
		case CO_EMIT_JOBS: a->emit = true; break;
		case CO_SHARD_DIR: a->shard_dir = arg; break;
		case CO_SWEEP_ID:
			if (arg[strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")])
				return *status = cli_usage_error("sweep", "--sweep-id: letters, digits, '-', "
									  "'_', '.' only"), 1;
			a->sweep_id = arg;
			break;
		default:
			if (p.opt->id == CO_FORMAT)
				a->format = arg;
			if (p.opt->id == CO_ADMIT)
				a->admit_text = arg;
			if (cli_engine_option(&a->base, &p))
				return *status = EXIT_USAGE, 1;
		}
	}
	if (c < 0)
		return *status = p.status, 1;
	if ((*status = cli_operands(&p, 1, "TRACE")))
		return 1;
	a->trace = argv[optind];
	snprintf(defbs, sizeof(defbs), "%d", DEFAULT_BLOCKSIZE);
	snprintf(defassoc, sizeof(defassoc), "%d", DEFAULT_ASSOCIATIVITY);
	if (parse_u64_list("--blocksize", bs ? bs : defbs, false, &a->bs, err, errlen) ||
	    parse_u64_list("--assoc", assoc ? assoc : defassoc, false, &a->assoc, err, errlen) ||
	    parse_name_list("--mode", mode, mode_choices, &a->mode, err, errlen) ||
	    (fill_policy_choices(), parse_name_list("--policy", policy, policy_choices, &a->policy, err, errlen)) ||
	    (size && parse_u64_list("--cache-size", size, true, &a->size, err, errlen)))
		return *status = cli_usage_error("sweep", "%s", err), 1;
	for (size_t i = 0; i < a->bs.n; i++)
		if (a->bs.v[i] == 0 || a->bs.v[i] > SSDCACHE_MAX_BLOCKSIZE)
			return *status = cli_usage_error("sweep", "--blocksize: %" PRIu64 " is out of range "
						 "(1..%d sectors)", a->bs.v[i], SSDCACHE_MAX_BLOCKSIZE), 1;
	if (a->emit && a->dry_run)
		return *status = cli_usage_error("sweep", "--emit-jobs and --dry-run do not go together"), 1;
	if (a->progress < 0)
		a->progress = isatty(STDERR_FILENO);
	return 0;
}

/* Skip notices, one line per distinct reason. */
struct skip_note {
	char msg[256];
	unsigned count;
};

/* Build the configurations; refused ones are counted in notes. */
static int plan(const struct sweep_args *a, quirk_set qs, struct rep_sweep_job **out, size_t *nout,
		struct skip_note *notes, size_t *nnotes, size_t max_notes, char *err, size_t errlen)
{
	size_t nsize = a->size.n ? a->size.n : 1;
	size_t total = a->mode.n * a->policy.n * nsize * a->assoc.n * a->bs.n, n = 0;
	struct rep_sweep_job *jobs;

	if (total > SWEEP_MAX_CONFIGS) {
		snprintf(err, errlen, "%zu configurations: more than %d; split the sweep", total,
			 SWEEP_MAX_CONFIGS);
		return -EINVAL;
	}
	jobs = calloc(total, sizeof(*jobs));
	if (!jobs) {
		snprintf(err, errlen, "out of memory for %zu configurations", total);
		return -ENOMEM;
	}
	for (size_t im = 0; im < a->mode.n; im++)
	for (size_t ip = 0; ip < a->policy.n; ip++)
	for (size_t is = 0; is < nsize; is++)
	for (size_t ia = 0; ia < a->assoc.n; ia++)
	for (size_t ib = 0; ib < a->bs.n; ib++) {
		struct rep_sweep_job *j = &jobs[n];
		struct sim_config *c = &j->cfg;
		char e[256];
		int rc;

		*c = a->base;
		c->trace_path = a->trace;
		c->progress = false;
		c->debug_abort_after = 0;
		c->engine.fixed = qs;
		snprintf(c->table, sizeof(c->table), "blocksize %" PRIu64 " assoc %" PRIu64 " %s options 1 %s",
			 a->bs.v[ib], a->assoc.v[ia], a->mode.v[im], a->policy.v[ip]);
		if (a->size.n)
			rc = spec_with_size(a->base.cache_spec, a->size.text[is], c->cache_spec,
					    sizeof(c->cache_spec));
		else
			rc = snprintf(c->cache_spec, sizeof(c->cache_spec), "%s", a->base.cache_spec) >=
					     (int)sizeof(c->cache_spec) ? -ENOSPC : 0;
		if (rc || snprintf(c->target_spec, sizeof(c->target_spec), "%s", a->base.target_spec) >=
				  (int)sizeof(c->target_spec)) {
			snprintf(err, errlen, "device spec too long");
			free(jobs);
			return -EINVAL;
		}
		snprintf(j->label, sizeof(j->label), "blocksize %" PRIu64 " assoc %" PRIu64 " %s %s%s%s",
			 a->bs.v[ib], a->assoc.v[ia], a->mode.v[im], a->policy.v[ip],
			 a->size.n ? " cache " : "", a->size.n ? a->size.text[is] : "");
		if (ssdcache_parse_table(&c->engine, c->table, e, sizeof(e), NULL, NULL)) {
			size_t k;

			for (k = 0; k < *nnotes; k++)
				if (!strcmp(notes[k].msg, e))
					break;
			if (k == *nnotes && k < max_notes) {
				snprintf(notes[k].msg, sizeof(notes[k].msg), "%s", e);
				(*nnotes)++;
			}
			if (k < max_notes)
				notes[k].count++;
			continue;
		}
		if (rep_config_key(c, j->key, sizeof(j->key))) {
			snprintf(err, errlen, "%s: configuration too long", j->label);
			free(jobs);
			return -EINVAL;
		}
		n++;
	}
	/* Not part of the configuration's key: a rerun without it runs the same configuration. */
	if (n)
		jobs[0].cfg.debug_abort_after = a->base.debug_abort_after;
	*out = jobs;
	*nout = n;
	return 0;
}

/* The sweep's stable id: same trace and parameters, same id (a rerun resumes "the same"). */
static void default_sweep_id(const struct rep_sweep_job *jobs, size_t n, const struct sim_trace_desc *t,
			     char *out, size_t len)
{
	struct hash64 h;

	hash64_init(&h);
	hash64_update(&h, t->fingerprint, strlen(t->fingerprint));
	for (size_t i = 0; i < n; i++)
		hash64_update(&h, jobs[i].key, strlen(jobs[i].key) + 1);
	snprintf(out, len, "s-%016" PRIx64, hash64_final(&h));
}

/* mkdir -p of path's directory part. */
static int make_parent_dirs(const char *path, char *err, size_t errlen)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) && errno != EEXIST) {
			snprintf(err, errlen, "%.900s: %s", dir, strerror(errno));
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(dir, 0777) && errno != EEXIST) {
		snprintf(err, errlen, "%.900s: %s", dir, strerror(errno));
		return -errno;
	}
	return 0;
}

/* The trace's absolute path for a job line. A blktrace capture NAME (NAME.blktrace.N, no file
 * NAME) is its directory's real path plus NAME. 0, or -1 with errno set. */
static int abs_trace_path(const char *path, char *out, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (realpath(path, real)) {
		snprintf(out, len, "%s", real);
		return 0;
	}
	if (errno != ENOENT)
		return -1;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (slash == path ? 1 : (int)(slash - path)) : 1,
		 slash ? path : ".");
	if (!realpath(dir, real))
		return -1;
	if ((size_t)snprintf(out, len, "%s/%s", strcmp(real, "/") ? real : "", slash ? slash + 1 : path) >=
	    len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int emit_jobs(const struct sweep_args *a, const struct rep_sweep_job *jobs, size_t n,
		     const char *sweep_id, const char *fix_text)
{
	char self[PATH_MAX], trace[PATH_MAX], q1[PATH_MAX * 4 + 8], q2[PATH_MAX * 4 + 8];
	char qc[1100], qt[1100], qs[PATH_MAX * 4 + 8], shard[PATH_MAX], err[512];
	ssize_t l = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (l <= 0) {
		fprintf(stderr, "ssdcache-sim sweep: /proc/self/exe: %s\n", strerror(errno));
		return EXIT_RUNTIME;
	}
	self[l] = '\0';
	if (abs_trace_path(a->trace, trace, sizeof(trace))) {
		fprintf(stderr, "ssdcache-sim sweep: %s: %s\n", a->trace, strerror(errno));
		return EXIT_RUNTIME;
	}
	snprintf(shard, sizeof(shard), "%s/x", a->shard_dir);
	if (make_parent_dirs(shard, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim sweep: %s\n", err);
		return EXIT_RUNTIME;
	}
	shell_quote(self, q1, sizeof(q1));
	shell_quote(trace, q2, sizeof(q2));
	shell_quote(a->base.cache_spec, qc, sizeof(qc));
	shell_quote(a->base.target_spec, qt, sizeof(qt));
	for (size_t i = 0; i < n; i++) {
		const struct sim_config *c = &jobs[i].cfg;
		char khash[24], sizeopt[64] = "", fmt[1024] = "", maxreq[96] = "", fix[300] = "";
		const char *mode = c->engine.options.mode == CACHE_MODE_WRITEBACK ? "writeback"
				   : c->engine.options.mode == CACHE_MODE_READCACHE ? "readcache"
										    : "writethrough";
		const char *pol = c->engine.policy->name;
		char adm[300] = "";

		if (a->admit_text || a->base.engine.seed)
			snprintf(adm, sizeof(adm), "%s%s --seed %" PRIu64, a->admit_text ? " --admit " : "",
				 a->admit_text ? a->admit_text : "", (uint64_t)a->base.engine.seed);

		rep_hash_text(jobs[i].key, khash, sizeof(khash));
		snprintf(shard, sizeof(shard), "%s/%s-%s.db", a->shard_dir, sweep_id, khash);
		shell_quote(shard, qs, sizeof(qs));
		/* The cache size as the user wrote it: find it in the spec we built. */
		if (a->size.n) {
			const char *p = strstr(c->cache_spec, ":size=");

			snprintf(sizeopt, sizeof(sizeopt), " --cache-size %.*s", (int)strcspn(p + 6, ","),
				 p + 6);
		}
		if (a->format || a->base.trace.event || a->base.trace.has_device || a->base.trace.lenient) {
			char ev[16] = "", dv[48] = "";

			if (a->base.trace.event)
				snprintf(ev, sizeof(ev), " --event %c", a->base.trace.event);
			if (a->base.trace.has_device)
				snprintf(dv, sizeof(dv), " --device %u,%u", TRC_MAJOR(a->base.trace.device),
					 TRC_MINOR(a->base.trace.device));
			snprintf(fmt, sizeof(fmt), "%s%s%s%s%s", a->format ? " --format " : "",
				 a->format ? a->format : "", ev, dv, a->base.trace.lenient ? " --lenient" : "");
		}
		if (a->base.trace.time_unit || a->base.trace.csv) {
			char qm[600] = "";
			size_t fl = strlen(fmt);
			if (a->base.trace.csv)
				shell_quote(a->base.trace.csv, qm, sizeof(qm));
			snprintf(fmt + fl, sizeof(fmt) - fl, "%s%s%s%s",
				 a->base.trace.time_unit ? " --time-unit " : "",
				 a->base.trace.time_unit ? trc_time_unit_name(a->base.trace.time_unit) : "",
				 a->base.trace.csv ? " --csv " : "", qm);
		}
		if (a->base.max_requests)
			snprintf(maxreq, sizeof(maxreq), " --max-requests %" PRIu64, a->base.max_requests);
		if (a->base.warmup.kind) /* spec: digits, a unit or % only (sim_warmup_parse) */
			snprintf(maxreq + strlen(maxreq), sizeof(maxreq) - strlen(maxreq), " --warmup %s",
				 a->base.warmup.spec);
		if (fix_text && fix_text[0])
			snprintf(fix, sizeof(fix), " --fix %s", fix_text);
		printf("%s sweep %s --blocksize %lu --assoc %u --mode %s --policy %s%s%s --quirks %s%s "
		       "--cache-dev %s --target-dev %s --hz %u%s%s -j 1 --no-progress --sweep-id %s "
		       "--db %s\n",
		       q1, q2, c->engine.block_size, c->engine.options.assoc, mode, pol, adm, sizeopt,
		       a->quirks, fix, qc, qt, a->base.hz, fmt, maxreq, sweep_id, qs);
	}
	fprintf(stderr,
		"sweep: %zu jobs (sweep %s). Run them, then merge, e.g.:\n"
		"  parallel -j N < jobs.txt   (or: parallel --sshlogin ... ; or a Slurm array running\n"
		"                              line $SLURM_ARRAY_TASK_ID of jobs.txt)\n"
		"  ssdcache-sim db merge %s %s/%s-*.db\n",
		n, sweep_id, a->db, a->shard_dir, sweep_id);
	return 0;
}

/* Is the trace an .sct file (by its magic, or --format sct)? Only the first bytes are read: the
 * trace is read once, later. A file that does not open is not: its reading reports the error. */
static bool source_is_sct(const char *path, const struct trc_opts *opts)
{
	char magic[8] = {0};
	int fd;
	bool sct;

	if (opts->format)
		return !strcmp(opts->format, "sct");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	sct = read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	      !memcmp(magic, "SSDCSCT", 8);
	close(fd);
	return sct;
}

/* The .sct the workers read, mapped once before they fork: every worker reads the same pages. */
static void *map_trace(const char *path, size_t *len)
{
	struct stat sb;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) || sb.st_size <= 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)sb.st_size;
	return p;
}

static void print_notes(const struct skip_note *notes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "sweep: notice: skipping %u configuration%s: %s\n", notes[i].count,
			notes[i].count == 1 ? "" : "s", notes[i].msg);
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_args a;
	struct rep_sweep_job *jobs = NULL;
	struct skip_note notes[32];
	size_t njobs = 0, nnotes = 0;
	struct sim_trace_desc trace;
	struct rep_db *db = NULL;
	struct rep_sweep_stats st;
	struct rep_sweep_opts o = {0};
	char err[1024], sweep_id[64], *cmdline = NULL, sct_path[PATH_MAX] = "", *stats_json = NULL;
	struct trc_counts src_counts;
	struct trc_opts sct_opts = {0};
	void *map = NULL;
	size_t map_len = 0;
	quirk_set qs;
	int rc, status = 0;

	memset(notes, 0, sizeof(notes));
	if (parse_args(argc, argv, &a, &status))
		return status;
	qs = strcmp(a.quirks, "fixed") ? QUIRKS_SEED : quirks_all_fixes();
	if (a.fix && quirks_parse_list(&qs, a.fix, true, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim sweep: --fix: %s\n", err);
		return EXIT_USAGE;
	}
	if ((rc = plan(&a, qs, &jobs, &njobs, notes, &nnotes, sizeof(notes) / sizeof(notes[0]), err,
		       sizeof(err)))) {
		fprintf(stderr, "ssdcache-sim sweep: %s\n", err);
		return cli_exit_status(rc);
	}
	print_notes(notes, nnotes);
	if (!njobs) {
		fprintf(stderr, "ssdcache-sim sweep: no configuration left to run\n");
		free(jobs);
		return EXIT_USAGE;
	}
	/* --emit and --dry-run only need the trace's identity: one pass of the reader. */
	if ((a.emit || a.dry_run) &&
	    sim_trace_identify(a.trace, &jobs[0].cfg.trace, &trace, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim sweep: %s\n", err);
		free(jobs);
		return EXIT_RUNTIME;
	}
	if (a.emit) {
		if (a.sweep_id)
			snprintf(sweep_id, sizeof(sweep_id), "%s", a.sweep_id);
		else
			default_sweep_id(jobs, njobs, &trace, sweep_id, sizeof(sweep_id));
		status = emit_jobs(&a, jobs, njobs, sweep_id, a.fix);
		free(jobs);
		return status;
	}
	if (make_parent_dirs(a.db, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim sweep: %s\n", err);
		free(jobs);
		return EXIT_RUNTIME;
	}
	if (rep_db_open(a.db, &db, err, sizeof(err))) {
		fprintf(stderr, "ssdcache-sim sweep: %s\n", err);
		free(jobs);
		return EXIT_RUNTIME;
	}
	if (a.dry_run) {
		for (size_t i = 0; i < njobs; i++) {
			rc = rep_db_has_config(db, trace.fingerprint, jobs[i].key, err, sizeof(err));
			if (rc < 0) {
				fprintf(stderr, "ssdcache-sim sweep: %s\n", err);
				status = EXIT_RUNTIME;
				break;
			}
			printf("%-5s %s\n", rc ? "done" : "todo", jobs[i].label);
		}
		goto out;
	}
	/* Read the trace once: its identity, statistics and reader counters come from that pass,
	 * which also writes the .sct the workers share (mapped once, read by all); an .sct source
	 * is shared as it is. */
	if (source_is_sct(a.trace, &jobs[0].cfg.trace)) {
		if (sim_trace_describe(a.trace, &jobs[0].cfg.trace, &trace, &stats_json, err,
				       sizeof(err))) {
			fprintf(stderr, "ssdcache-sim sweep: %s\n", err);
			status = EXIT_RUNTIME;
			goto out;
		}
		trace.stats_json = stats_json;
		o.run_trace_path = a.trace;
		o.run_trace_opts = &jobs[0].cfg.trace;
	} else {
		char fmt[16], dir[PATH_MAX];
		const char *slash = strrchr(a.db, '/');

		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - a.db) : 1, slash ? a.db : ".");
		snprintf(sct_path, sizeof(sct_path), "%.2000s/.%.1000s.%ld.tmp.sct", dir,
			 slash ? slash + 1 : a.db, (long)getpid());
		if (sim_trace_convert(a.trace, &jobs[0].cfg.trace, sct_path, &src_counts, fmt,
				      sizeof(fmt), &stats_json, &trace, err, sizeof(err))) {
			fprintf(stderr, "ssdcache-sim sweep: %s\n", err);
			sct_path[0] = '\0';
			status = EXIT_RUNTIME;
			goto out;
		}
		/* Under a name of the trace's identity, as a resumed sweep after a kill -9 finds it
		 * (and replaces it); a mapping of a replaced file stays valid. */
		{
			char final[PATH_MAX], hex[24];

			rep_hash_text(trace.fingerprint, hex, sizeof(hex));
			snprintf(final, sizeof(final), "%.2000s/.%.1000s.%s.sct", dir,
				 slash ? slash + 1 : a.db, hex);
			if (rename(sct_path, final) == 0)
				snprintf(sct_path, sizeof(sct_path), "%s", final);
		}
		trace.path = a.trace;
		snprintf(trace.format, sizeof(trace.format), "%s", fmt);
		trace.stats_json = stats_json;
		sct_opts.format = "sct";
		o.run_trace_path = sct_path;
		o.run_trace_opts = &sct_opts;
		o.source_counts = &src_counts;
		o.source_format = trace.format;
	}
	map = map_trace(o.run_trace_path, &map_len);
	o.run_trace_mem = map; /* NULL (no mapping): each worker reads the file */
	o.run_trace_mem_len = map_len;
	if (a.sweep_id)
		snprintf(sweep_id, sizeof(sweep_id), "%s", a.sweep_id);
	else
		default_sweep_id(jobs, njobs, &trace, sweep_id, sizeof(sweep_id));
	cmdline = join_argv(argc - 1, argv + 1);
	if ((rc = rep_db_record_sweep(db, sweep_id, &trace, cmdline, (unsigned)njobs, err,
				      sizeof(err)))) {
		fprintf(stderr, "ssdcache-sim sweep: %s\n", err);
		status = EXIT_RUNTIME;
		goto out;
	}
	o.jobs = a.jobs;
	o.progress = a.progress;
	o.sweep_id = sweep_id;
	o.command_line = cmdline;
	o.trace = &trace;
	rc = rep_sweep_execute(db, jobs, njobs, &o, &st, err, sizeof(err));
	if (rc == -EINTR) {
		fprintf(stderr,
			"ssdcache-sim sweep: interrupted: %u runs recorded, %u in flight lost; run the same "
			"command again to resume\n",
			st.ok + st.invalid + st.failed, st.lost);
		status = cli_exit_status(rc);
		goto out;
	}
	if (rc) {
		fprintf(stderr, "ssdcache-sim sweep: %s\n(%u runs recorded before the error, %u lost)\n",
			err, st.ok + st.invalid + st.failed, st.lost);
		status = EXIT_RUNTIME;
		goto out;
	}
	/* The fully associative reference curves the report draws beside the runs (once per trace,
	 * block size and cache size; sim/sweep_refs.h). */
	if (sweep_refs_record(db, sweep_id, trace.fingerprint, sct_path[0] ? sct_path : a.trace,
			      sct_path[0] ? &sct_opts : &jobs[0].cfg.trace, err, sizeof(err)))
		fprintf(stderr, "ssdcache-sim sweep: %s (the runs are recorded)\n", err);
	printf("sweep %s: %u configurations: %u run now (%u ok, %u refused, %u failed), %u already in "
	       "%s; %.1f s with %u workers\n",
	       sweep_id, st.total, st.ok + st.invalid + st.failed, st.ok, st.invalid, st.failed,
	       st.already, a.db, st.wall_seconds, a.jobs);
	if (st.crashed) {
		fprintf(stderr,
			"ssdcache-sim sweep: %u runs failed, %u of them by an internal error or a signal "
			"(a bug: please report); the others are recorded\n",
			st.failed, st.crashed);
		status = EXIT_INTERNAL;
	} else if (st.failed) {
		fprintf(stderr, "ssdcache-sim sweep: %u runs failed (see above); rerun to retry them\n",
			st.failed);
		status = EXIT_RUNTIME;
	}
out:
	if (map)
		munmap(map, map_len);
	if (sct_path[0])
		unlink(sct_path);
	rep_db_close(db);
	free(stats_json);
	free(cmdline);
	free(jobs);
	return status;
}
