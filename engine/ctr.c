// SPDX-License-Identifier: GPL-2.0
/* ctr.c - the constructor (table arguments, geometry), destructor, status output and counters (docs/engine.md §1, 7). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "engine/internal.h"

static enum ssdcache_mode_t default_cache_mode = CACHE_MODE_WRITETHROUGH;
static const struct pol_ops *const default_cache_policy = &pol_lfu; /* the seed's CACHE_LFU */

void ssdcache_config_init(struct ssdcache_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->block_size = DEFAULT_BLOCKSIZE;
	cfg->options.assoc = DEFAULT_ASSOCIATIVITY;
	cfg->options.mode = default_cache_mode;
	cfg->policy = default_cache_policy;
	cfg->fixed = QUIRKS_SEED;
	cfg->hash = HASH_LINUX31;
	cfg->seed_crash = SEED_CRASH_CONTINUE;
	cfg->bs_overflow = BS_OVERFLOW_REFUSE;
	const char *scan = getenv("SSDCACHE_SCAN"); /* for the test that both scans agree */
	cfg->scan_scalar = scan && !strcmp(scan, "scalar");
}

const char *cte_match_name(enum cte_match_t r)
{
	static const char *const names[SSD_OUT_NR] = {
		[CTE_READ_CLEAN] = "READ_CLEAN",     [CTE_READ_BUSY] = "READ_BUSY",
		[CTE_READ_INVALID] = "READ_INVALID", [CTE_READ_MISS] = "READ_MISS",
		[CTE_WRITE_CLEAN] = "WRITE_CLEAN",   [CTE_WRITE_BUSY] = "WRITE_BUSY",
		[CTE_WRITE_CANCEL] = "WRITE_CANCEL", [CTE_WRITE_INVALID] = "WRITE_INVALID",
		[CTE_WRITE_MISS] = "WRITE_MISS",     [CTE_WRITE_DONE] = "WRITE_DONE",
		[CTE_WRITE_SKIP] = "WRITE_SKIP",     [CTE_LOOKUP_FAILED] = "LOOKUP_FAILED",
		[SSD_OUT_BYPASS] = "BYPASS",         [SSD_OUT_FLUSH] = "FLUSH",
		[SSD_OUT_DISCARD] = "DISCARD",       [SSD_OUT_NOMATCH] = "NOMATCH",
	};
	return (unsigned)r < SSD_OUT_NR ? names[r] : "?";
}

/* ---- table arguments (ssdcache_ctr's loop and ssdcache_parse_options) ---- */

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Decimal digits only: the seed's sscanf("%lu") would also take trailing junk ("256k" -> 256,
 * Q27); a simulator that silently reads a typo is worse than one that says so. */
static int parse_ulong(const char *s, unsigned long *v)
{
	unsigned long x = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || x > (~0UL - 9) / 10)
			return -EINVAL;
		x = x * 10 + (unsigned long)(*s - '0');
	}
	*v = x;
	return 0;
}

/* sscanf("%d") into an unsigned field: "-1" becomes 4294967295 (Q26). */
static int parse_assoc(const char *s, unsigned int *v)
{
	bool neg = false;
	unsigned long x;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (parse_ulong(s, &x) || x > 2147483648UL || (!neg && x > 2147483647UL))
		return -EINVAL;
	*v = neg ? (unsigned int)(-(long)x) : (unsigned int)x;
	return 0;
}

static bool is_pow2(unsigned long x)
{
	return x && !(x & (x - 1));
}

/* The seed knows lfu and lru; every other name of the policy registry is an extension. */
static int set_option(struct ssdcache_config *cfg, const char *name)
{
	struct ssdcache_options *o = &cfg->options;
	const struct pol_ops *p = pol_find(name);

	if (p) {
		cfg->policy = p;
		return 0;
	}
	/* each other option word of the seed's sets the flag of its name, in the seed's order */
#define FLAG_OPTION(field)                                                                         \
	do {                                                                                       \
		if (!strcasecmp(name, #field)) {                                                   \
			o->field = 1;                                                              \
			return 0;                                                                  \
		}                                                                                  \
	} while (0)
	FLAG_OPTION(async_lookup);
	FLAG_OPTION(queue_busy);
	FLAG_OPTION(disable_writeback);
	FLAG_OPTION(skip_write_insert);
	FLAG_OPTION(evict_on_write);
	FLAG_OPTION(cmd_preload);
#undef FLAG_OPTION
	return -ENOENT;
}

int ssdcache_parse_table(struct ssdcache_config *cfg, const char *table, char *err, size_t errlen,
			 void (*warn)(void *arg, const char *msg), void *warn_arg)
{
	char buf[1024], msg[256];
	char *argv[128];
	int argc = 0;
	char *save = NULL;

	if (strlen(table) >= sizeof(buf))
		return fail(err, errlen, "table too long");
	strcpy(buf, table);
	for (char *t = strtok_r(buf, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save)) {
		if (argc == (int)(sizeof(argv) / sizeof(argv[0])))
			return fail(err, errlen, "too many table arguments");
		argv[argc++] = t;
	}
	for (int i = 0; i < argc; i++) {
		const char *argname = argv[i];

		if (!strcasecmp(argname, "blocksize")) {
			unsigned long bs;
			if (i + 1 >= argc) /* the seed passes NULL to sscanf (Q27) */
				return fail(err, errlen, "blocksize: missing value");
			if (parse_ulong(argv[++i], &bs))
				return fail(err, errlen, "blocksize '%s': expected a number of sectors", argv[i]);
			if (bs < 1) /* the seed silently resets 0 to 256 (Q27) */
				return fail(err, errlen, "blocksize 0: out of range (1..256 sectors)");
			cfg->block_size = bs;
		} else if (!strcasecmp(argname, "assoc")) {
			if (i + 1 >= argc)
				return fail(err, errlen, "assoc: missing value");
			if (parse_assoc(argv[++i], &cfg->options.assoc))
				return fail(err, errlen, "assoc '%s': expected a number", argv[i]);
		} else if (!strcasecmp(argname, "writeback")) {
			cfg->options.mode = CACHE_MODE_WRITEBACK;
		} else if (!strcasecmp(argname, "writethrough")) {
			cfg->options.mode = CACHE_MODE_WRITETHROUGH;
		} else if (!strcasecmp(argname, "readcache")) {
			cfg->options.mode = CACHE_MODE_READCACHE;
		} else if (!strcasecmp(argname, "options")) {
			unsigned long n, max = quirk_fixed(cfg->fixed, 28) ? 8 : 5;
			if (i + 1 >= argc || parse_ulong(argv[i + 1], &n) || n > max ||
			    n > (unsigned long)(argc - i - 2))
				return fail(err, errlen,
					    "options%s%s: invalid number of options (expected 0..%lu names after it%s)",
					    i + 1 < argc ? " " : "", i + 1 < argc ? argv[i + 1] : "", max,
					    max == 5 ? "; the seed accepts at most 5, Q28" : "");
			i++;
			for (unsigned long k = 0; k < n; k++) {
				const char *name = argv[++i];
				if (!set_option(cfg, name))
					continue;
				if (quirk_fixed(cfg->fixed, 28))
					return fail(err, errlen, "options: unknown option '%s'", name);
				snprintf(msg, sizeof(msg),
					 "--table: options: unknown option '%s' ignored (as the seed does, Q28)", name);
				if (warn)
					warn(warn_arg, msg);
			}
		} else {
			return fail(err, errlen, "'%s': invalid argument (expected blocksize, assoc, "
						 "writethrough, writeback, readcache or options)", argname);
		}
	}
	return ssdcache_check_config(cfg, err, errlen);
}

/* What the seed would mishandle, refused (or allowed by an explicit knob). */
int ssdcache_check_config(const struct ssdcache_config *cfg, char *err, size_t errlen)
{
	unsigned long bs = cfg->block_size;

	if (bs < 1)
		return fail(err, errlen, "blocksize 0: out of range");
	if (!is_pow2(bs)) {
		if (quirk_fixed(cfg->fixed, 21) || !cfg->odd_blocksize)
			return fail(err, errlen,
				    "blocksize %lu: not a power of two (the seed's masks and dm's split "
				    "boundaries go wrong, Q21; --odd-blocksize emulates it)", bs);
	}
	if (bs > DEFAULT_BLOCKSIZE) {
		if (quirk_fixed(cfg->fixed, 20)) {
			if (bs > SSDCACHE_MAX_BLOCKSIZE)
				return fail(err, errlen, "blocksize %lu: out of range (1..%d sectors)", bs,
					    SSDCACHE_MAX_BLOCKSIZE);
		} else if (cfg->bs_overflow != BS_OVERFLOW_EMULATE) {
			return fail(err, errlen,
				    "blocksize %lu: above 256 sectors the seed overflows its 256-bit bitmaps "
				    "(Q20); use --fix Q20 (bitmaps sized to the block), or --bs-overflow emulate",
				    bs);
		} else if (bs > SSDCACHE_MAX_BLOCKSIZE) {
			return fail(err, errlen, "blocksize %lu: out of range (1..%d sectors)", bs,
				    SSDCACHE_MAX_BLOCKSIZE);
		}
	}
	if (cfg->options.assoc > 64)
		return fail(err, errlen,
			    "assoc %d: out of range (0..64; the seed would rehash %u times per miss, Q26)",
			    (int)cfg->options.assoc, cfg->options.assoc);
	if (quirk_fixed(cfg->fixed, 26) && cfg->options.assoc < 1)
		return fail(err, errlen, "assoc 0: out of range (1..64 with Q26 fixed)");
	return 0;
}

/* ---- construction ---- */

/* Free what ssdcache_ctr allocated (the policy's state included); sc is not on the wq. */
static void ctx_free(struct ssdcache_ctx *sc)
{
	if (sc->pol.ops && sc->pol.ops->destroy)
		sc->pol.ops->destroy(&sc->pol);
	free(sc->pol.priv);
	for (unsigned k = 0; k < sc->nr_adm; k++) {
		if (sc->adm[k].ops->destroy)
			sc->adm[k].ops->destroy(sc->adm[k].priv);
		free(sc->adm[k].priv);
	}
	free(sc->cand_atime); /* the three candidate arrays' block */
	free(sc->cand_group);
	free(sc->te_pool);
	free(sc->md_table);
	defer_free(sc);
	tw_free(sc);
	sio_free_all(sc);
	free(sc);
}

/*
 * The victim policy and the admission rules: their ABI checked, their private state allocated
 * here (priv_size) and initialised with the geometry, the seed and the host's oracle; the
 * candidates' arrays sized for the longest probe chain. Not on the hot path. 0, or -EINVAL /
 * -ENOMEM (or an init hook's -errno) with a message. sc->pol.ops is set once init succeeded (ctx_free then destroys).
 */
static int policy_setup(struct ssdcache_ctx *sc, char *err, size_t errlen)
{
	const struct pol_ops *ops = sc->cfg.policy;
	const struct pol_admit_list *al = &sc->cfg.options.admit;
	struct pol_init_args a = {
		.nr_slots = (uint64_t)sc->num_cmd * DEFAULT_ALIASING,
		.block_size = sc->block_size,
		.seed = sc->cfg.seed,
		.oracle = sc->cfg.oracle,
	};
	char sub[200];
	int rc;

	if (ops->abi != POL_ABI || !ops->victim)
		return fail(err, errlen, "policy %s: interface version %u, the engine expects %u with a victim hook",
			    ops->name, ops->abi, POL_ABI);
	if (a.nr_slots > (uint64_t)UINT32_MAX + 1)
		return fail(err, errlen, "%llu cache slots: more than the policies' 2^32",
			    (unsigned long long)a.nr_slots);
	sc->cand_cap = (sc->cfg.options.assoc + 1) * DEFAULT_ALIASING;
	if (sc->cand_cap > 65 * DEFAULT_ALIASING)
		sc->cand_cap = 65 * DEFAULT_ALIASING;
	/* the candidates' arrays in one block: atime, count, then the (narrower) slots */
	sc->cand_atime =
		malloc(sc->cand_cap * (2 * sizeof(*sc->cand_atime) + sizeof(*sc->cand_slot)));
	sc->cand_group = malloc(sc->cand_cap / DEFAULT_ALIASING * sizeof(*sc->cand_group));
	sc->pol.priv = calloc(1, ops->priv_size ? ops->priv_size : 1);
	if (!sc->cand_atime || !sc->cand_group || !sc->pol.priv)
		return fail(err, errlen, "out of memory for the policy"), -ENOMEM;
	sc->cand_count = sc->cand_atime + sc->cand_cap;
	sc->cand_slot = (pol_slot *)(sc->cand_count + sc->cand_cap);
	rc = ops->init ? ops->init(&sc->pol, &a, sub, sizeof(sub)) : 0;
	if (rc) {
		/* init failed: sc->pol.ops stays NULL, so destroy does not run */
		fail(err, errlen, "policy %s: %s", ops->name, sub);
		return rc;
	}
	sc->pol.ops = ops;
	for (unsigned k = 0; k < al->n; k++) {
		const struct pol_admit_ops *r = al->rule[k].ops;
		void *priv;

		if (r->abi != POL_ABI || !r->admit)
			return fail(err, errlen, "admission rule %s: interface version %u, the engine expects %u",
				    r->name, r->abi, POL_ABI);
		priv = calloc(1, r->priv_size ? r->priv_size : 1);
		if (!priv)
			return fail(err, errlen, "out of memory for admission rule %s", r->name), -ENOMEM;
		rc = r->init ? r->init(priv, al->rule[k].value, &a, sub, sizeof(sub)) : 0;
		if (rc) {
			free(priv);
			fail(err, errlen, "admission rule %s: %s", r->name, sub);
			return rc;
		}
		sc->adm[sc->nr_adm].ops = r;
		sc->adm[sc->nr_adm++].priv = priv;
	}
	return 0;
}

int ssdcache_ctr(const struct ssdcache_config *cfg, uint64_t cache_bytes, struct ssdcache_wq *wq,
		 struct ssdcache_ctx **out, char *err, size_t errlen)
{
	struct ssdcache_ctx *sc;
	unsigned long num_cmd, bs = cfg->block_size;
	int fls;

	*out = NULL;
	if (ssdcache_check_config(cfg, err, errlen))
		return -EINVAL;
	sc = calloc(1, sizeof(*sc));
	if (!sc)
		return fail(err, errlen, "out of memory"), -ENOMEM;
	sc->cfg = *cfg;
	sc->scan_scalar = cfg->scan_scalar || !__builtin_cpu_supports("avx2");
	sc->wq = wq;
	sc->ops = wq->ops;
	sc->host = wq->host;
	if (!sc->cfg.policy)
		sc->cfg.policy = default_cache_policy;
	sc->block_size = bs;

	/* num_cmd = cdev_size / to_bytes(block_size) / DEFAULT_ALIASING; hash_bits = fls(num_cmd) - 1 */
	num_cmd = (unsigned long)(cache_bytes / (bs * 512) / DEFAULT_ALIASING);
	fls = FIXED(sc, 23) ? fls64_ul(num_cmd) : fls_int((int)num_cmd); /* fls() takes an int (Q23) */
	if (fls == 0) {
		free(sc);
		/* -ENOSPC, not -EINVAL: the cache device is too small, the table may be right */
		fail(err, errlen,
		     "cache of %llu bytes holds fewer than 16 blocks of %lu sectors (the seed "
		     "computes hash_bits = ULONG_MAX, Q22)",
		     (unsigned long long)cache_bytes, bs);
		return -ENOSPC;
	}
	sc->hash_bits = (unsigned long)(fls - 1);
	sc->num_cmd = num_cmd = 1UL << sc->hash_bits;
	if (FIXED(sc, 26) && cfg->options.assoc > num_cmd) {
		free(sc);
		return fail(err, errlen, "assoc %u: more than the %lu cmds of this cache (Q26 fixed)",
			    cfg->options.assoc, num_cmd);
	}
	sc->block_mask = bs - 1;
	sc->sector_shift = (unsigned long)(fls_int((int)bs) - 1);
	ssdcache_hash_setup(sc);
	sc->nprobes = !FIXED(sc, 2) ? cfg->options.assoc + 1 : cfg->options.assoc ? cfg->options.assoc : 1;
	sc->step_or = FIXED(sc, 7) ? 1 : 0;
	sc->data_offset = 0;
	/* Bitmaps: DEFAULT_BLOCKSIZE bits in the seed (Q20), the block size when fixed. Storage
	 * covers only the offsets a bio can reach; bits beyond it are zero in the seed too. */
	if (!FIXED(sc, 20)) {
		sc->nbits = DEFAULT_BLOCKSIZE;
		sc->nwords = is_pow2(bs) && bs < DEFAULT_BLOCKSIZE ? (unsigned)((bs + 63) / 64)
								     : DEFAULT_BLOCKSIZE / 64;
	} else {
		sc->nbits = (unsigned)(is_pow2(bs) ? bs : 2 * bs);
		sc->nwords = (sc->nbits + 63) / 64;
	}
	sc->cte_size = sizeof(struct ssdcache_te) + 3 * sc->nwords * sizeof(uint64_t);
	sc->te_mem_size = DEFAULT_ALIASING * sc->cte_size;
	sc->md_table = aligned_alloc(64, num_cmd * sizeof(*sc->md_table));
	if (sc->md_table)
		memset(sc->md_table, 0, num_cmd * sizeof(*sc->md_table));
	/* the cte bodies of every cmd, zeroed (pages are only touched when a cmd is created) */
	sc->te_pool = sc->md_table ? calloc(num_cmd, sc->te_mem_size) : NULL;
	if (!sc->md_table || !sc->te_pool) {
		free(sc->md_table);
		free(sc);
		return fail(err, errlen, "out of memory for the cmd index (%lu entries, %lu MiB)", num_cmd,
			    (unsigned long)(num_cmd * sizeof(*sc->md_table) >> 20)),
		       -ENOMEM;
	}
	int rc = policy_setup(sc, err, errlen);
	if (rc) {
		ctx_free(sc);
		return rc;
	}
	cte_match_setup(sc);
	if (cfg->options.cmd_preload)
		for (unsigned long i = 0; i < num_cmd; i++)
			cmd_insert(sc, i);
	sc->wq_next = wq->targets;
	wq->targets = sc;
	*out = sc;
	return 0;
}

void ssdcache_dtr(struct ssdcache_ctx *sc)
{
	struct ssdcache_ctx **pp;

	if (!sc)
		return;
	for (pp = &sc->wq->targets; *pp; pp = &(*pp)->wq_next)
		if (*pp == sc) {
			*pp = sc->wq_next;
			break;
		}
	ctx_free(sc);
}

/* ---- status ---- */

static void status_walk(struct ssdcache_ctx *sc, struct ssdcache_counters *c)
{
	c->nr_cmds = c->nr_ctes = c->nr_cte_full = c->nr_target_busy = c->nr_cache_busy = 0;
	for (unsigned long h = 0; h < sc->num_cmd; h++) {
		struct ssdcache_md *cmd = cmd_lookup(sc, h);
		if (!cmd)
			continue;
		c->nr_cmds++;
		for (long j = 0; j < (long)cmd->num_cte; j++) {
			struct ssdcache_te *cte = cmd_slot(sc, cmd, j);
			if (!cte)
				continue;
			c->nr_ctes++;
			if (!bm_empty(cte_tbusy(sc, cte), sc->nwords))
				c->nr_target_busy++;
			if (!bm_empty(cte_cbusy(sc, cte), sc->nwords))
				c->nr_cache_busy++;
			if (FIXED(sc, 30)) {
				if (bm_full(cte_clean(sc, cte), (unsigned)sc->block_size))
					c->nr_cte_full++;
			} else if (sc->nwords * 64 >= DEFAULT_BLOCKSIZE &&
				   bm_full(cte_clean(sc, cte), DEFAULT_BLOCKSIZE)) {
				/* bitmap_full(clean, 256): never for blocks below 256 sectors (Q30) */
				c->nr_cte_full++;
			}
		}
	}
}

void ssdcache_get_counters(struct ssdcache_ctx *sc, struct ssdcache_counters *out)
{
	*out = sc->c;
	status_walk(sc, out);
	out->num_cmd = sc->num_cmd;
	out->max_ctes = sc->num_cmd * DEFAULT_ALIASING;
}

static void ssdcache_format_options(struct ssdcache_ctx *sc, char *optstr, size_t len)
{
	const struct ssdcache_options *o = &sc->cfg.options;
	const char *policy_name = NULL;
	int optnum = 0;

	if (sc->cfg.policy != default_cache_policy)
		policy_name = sc->cfg.policy->name; /* the seed: if (strategy != default_cache_strategy) */
	optnum = !!policy_name + o->async_lookup + o->queue_busy + o->disable_writeback +
		 o->skip_write_insert + o->evict_on_write + o->cmd_preload;
	if (!optnum) {
		optstr[0] = '\0';
		return;
	}
	snprintf(optstr, len, " options %d %s%s%s%s%s%s%s", optnum,
		 policy_name ? policy_name : "", policy_name ? " " : "",
		 o->async_lookup ? "async_lookup " : "", o->queue_busy ? "queue_busy " : "",
		 o->disable_writeback ? "disable_writeback " : "",
		 o->skip_write_insert ? "skip_write_insert " : "", o->evict_on_write ? "evict_on_write " : "");
	if (o->cmd_preload)
		strncat(optstr, "cmd_preload ", len - strlen(optstr) - 1);
}

void ssdcache_status(struct ssdcache_ctx *sc, enum status_type_t type, char *result,
		     unsigned int maxlen, const char *target_name, const char *cache_name)
{
	struct ssdcache_counters c;
	char optstr[512];
	const char *modestr;

	switch (type) {
	case STATUSTYPE_INFO:
		ssdcache_get_counters(sc, &c);
		snprintf(result, maxlen,
			 "cmd %lu/%lu cte %lu/%lu/%lu\n"
			 "\tread  clean %lu busy %lu invalid %lu miss %lu\n"
			 "\twrite busy %lu cancel %lu invalid %lu "
			 "miss %lu done %lu skip %lu\n"
			 "\tbypassed %lu evicts %lu cancelled writeback %lu bio %lu",
			 c.nr_cmds, sc->num_cmd, c.nr_cte_full, c.nr_ctes, sc->num_cmd * DEFAULT_ALIASING,
			 c.read_clean, c.read_busy, c.read_invalid, c.read_miss, c.write_busy,
			 c.write_cancel, c.write_invalid, c.write_miss, c.write_done, c.write_skip,
			 c.cache_bypassed, c.cache_evictions, c.writeback_cancelled, c.bio_cancelled);
		break;
	case STATUSTYPE_TABLE:
		/* the seed strcat()s onto an uninitialised buffer (Q29); we print the word alone */
		if (sc->cfg.options.mode == CACHE_MODE_WRITEBACK)
			modestr = "writeback";
		else if (sc->cfg.options.mode == CACHE_MODE_READCACHE)
			modestr = "readcache";
		else
			modestr = "writethrough";
		ssdcache_format_options(sc, optstr, sizeof(optstr));
		snprintf(result, maxlen, "%s %s blocksize %lu %s assoc %d%s", target_name, cache_name,
			 sc->block_size, modestr, (int)sc->cfg.options.assoc, optstr);
		break;
	}
}

void ssdcache_get_geometry(const struct ssdcache_ctx *sc, struct ssdcache_geometry *out)
{
	out->block_size = sc->block_size;
	out->hash_bits = sc->hash_bits;
	out->num_cmd = sc->num_cmd;
	out->cache_sectors_used = (uint64_t)sc->num_cmd * DEFAULT_ALIASING * sc->block_size;
	out->cte_bytes = sc->cte_size;
}


int ssdcache_peek_cte(struct ssdcache_ctx *sc, unsigned long hash, int slot,
		      struct ssdcache_cte_view *out)
{
	struct ssdcache_md *cmd;
	struct ssdcache_te *cte;

	memset(out, 0, sizeof(*out));
	if (hash >= sc->num_cmd || slot < 0 || slot >= DEFAULT_ALIASING || !(cmd = cmd_lookup(sc, hash)))
		return -ENOENT;
	cte = cmd_slot(sc, cmd, slot);
	if (!cte)
		return 0;
	out->present = true;
	out->sector = cte->sector;
	out->atime = cmd->atime[slot];
	out->count = cmd->count[slot];
	for (unsigned w = 0; w < 4 && w < sc->nwords; w++) {
		out->clean[w] = cte_clean(sc, cte)[w];
		out->target_busy[w] = cte_tbusy(sc, cte)[w];
		out->cache_busy[w] = cte_cbusy(sc, cte)[w];
	}
	return 0;
}
