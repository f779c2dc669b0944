// SPDX-License-Identifier: GPL-2.0
/* test_hash.c - docs/engine.md §2.4's hash vectors (Linux 3.1 and modern), chains and geometry. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "engine/internal.h"
#include "tests/lib/cm_main.h"

static unsigned long zero_jiffies(void *host)
{
	(void)host;
	return 0;
}

static const struct ssdcache_host_ops dummy_ops = {.jiffies = zero_jiffies};

/* A target sector, its block (bio_sector = block * bs), h0 = hash_wrap and, per variant, hash_64
 * and the next four cmds of the chain from h0. */
struct vec {
	uint64_t sector, block;
	unsigned long h0;
	struct {
		unsigned long hash64, chain[4];
	} v[2]; /* [HASH_LINUX31], [HASH_MODERN] */
};

/* docs/engine.md §2.4, bs = 256, hash_bits = 10, assoc = 4 (its sectors 8 and 255 are checked
 * as the first and last sector of every row's block). */
static const struct vec vectors[] = {
	{0, 0, 0, {{0, {1, 2, 3, 4}}, {0, {1, 2, 3, 4}}}},
	{256, 1, 1, {{632, {633, 241, 873, 481}}, {391, {392, 783, 150, 541}}}},
	{1000, 3, 3, {{874, {877, 727, 577, 427}}, {149, {152, 301, 450, 599}}}},
	{4096, 16, 16, {{909, {925, 810, 695, 580}}, {114, {130, 244, 358, 472}}}},
	{65536, 256, 256, {{223, {479, 702, 925, 124}}, {802, {34, 836, 614, 392}}}},
	{262144, 1024, 0, {{895, {895, 766, 637, 508}}, {136, {136, 272, 408, 544}}}},
	{262400, 1025, 1, {{504, {505, 1009, 489, 993}}, {527, {528, 31, 558, 61}}}},
	{1048576, 4096, 0, {{511, {511, 1022, 509, 1020}}, {545, {545, 66, 611, 132}}}},
	{123456789, 482253, 973, {{619, {568, 163, 782, 377}}, {260, {209, 469, 729, 989}}}},
	{2000000000, 7812500, 404, {{65, {469, 534, 599, 664}}, {474, {878, 328, 802, 252}}}},
	{4886718345ULL, 19088743, 359, {{770, {105, 875, 621, 367}}, {24, {383, 407, 431, 455}}}},
};

static struct ssdcache_ctx *make(struct ssdcache_wq **wq, uint64_t cache_bytes, unsigned long bs,
				 enum ssdcache_hash_variant hv, quirk_set fixed)
{
	struct ssdcache_config cfg;
	struct ssdcache_ctx *sc;
	char err[256];

	ssdcache_config_init(&cfg);
	cfg.block_size = bs;
	cfg.hash = hv;
	cfg.fixed = fixed;
	*wq = ssdcache_wq_create(&dummy_ops, NULL);
	assert_non_null(*wq);
	assert_int_equal(ssdcache_ctr(&cfg, cache_bytes, *wq, &sc, err, sizeof(err)), 0);
	return sc;
}

/* Every row of vectors[] under variant hv: its sector, and the first and last sector of its
 * block, give the block's bio_sector, h0, hash_64 and chain. */
static void check_table(enum ssdcache_hash_variant hv)
{
	struct ssdcache_wq *wq;
	struct ssdcache_ctx *sc = make(&wq, 2ULL << 30, 256, hv, 0); /* 2 GiB: hash_bits 10 */

	assert_int_equal(sc->hash_bits, 10);
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vec *v = &vectors[i];
		const uint64_t sectors[] = {v->sector, v->block * 256, v->block * 256 + 255};
		for (size_t j = 0; j < 3; j++) {
			uint64_t bio_sector = sectors[j] & ~sc->block_mask;
			assert_int_equal(bio_sector, v->block * 256);
			assert_int_equal(bio_sector >> sc->sector_shift, v->block);
			assert_int_equal(ssdcache_hash_wrap(sc, bio_sector), v->h0);
			assert_int_equal(ssdcache_hash_64(sc, bio_sector), v->v[hv].hash64);
			unsigned long h = v->h0;
			for (int k = 0; k < 4; k++) {
				h = rehash_block(sc, bio_sector, h);
				assert_int_equal(h, v->v[hv].chain[k]);
			}
		}
	}
	ssdcache_dtr(sc);
	ssdcache_wq_destroy(wq);
}

static void test_linux31_vectors(void **state)
{
	(void)state;
	check_table(HASH_LINUX31);
	/* the check value: 1 x GOLDEN_RATIO_PRIME_64 has top 10 bits 0x278 */
	assert_int_equal(ssdcache_hash_64_raw(HASH_LINUX31, 1, 10), 0x278);
}

static void test_modern_vectors(void **state)
{
	(void)state;
	check_table(HASH_MODERN);
}

/* Small geometries, bs = 8: "v (h0, hash_64: chain)" of docs/engine.md §2.4 */
static void test_small_geometries(void **state)
{
	static const unsigned long hb1[8][7] = {
		{0, 0, 0, 1, 0, 1, 0}, {1, 1, 1, 0, 1, 0, 1}, {0, 0, 0, 1, 0, 1, 0}, {1, 1, 1, 0, 1, 0, 1},
		{0, 0, 0, 1, 0, 1, 0}, {1, 0, 1, 0, 1, 0, 1}, {0, 1, 0, 1, 0, 1, 0}, {1, 0, 1, 0, 1, 0, 1},
	};
	static const unsigned long hb2[8][7] = {
		{0, 0, 0, 1, 2, 3, 0}, {1, 2, 1, 3, 1, 3, 1}, {2, 0, 2, 3, 0, 1, 2}, {3, 3, 3, 2, 1, 0, 3},
		{0, 1, 0, 1, 2, 3, 0}, {1, 0, 1, 2, 3, 0, 1}, {2, 2, 2, 0, 2, 0, 2}, {3, 1, 3, 0, 1, 2, 3},
	};
	const unsigned long (*tab[3])[7] = {NULL, hb1, hb2};
	(void)state;
	for (unsigned bits = 0; bits <= 2; bits++) {
		struct ssdcache_wq *wq;
		/* 16 blocks of 8 sectors per cmd: 2^bits cmds */
		struct ssdcache_ctx *sc = make(&wq, (16ULL * 8 * 512) << bits, 8, HASH_LINUX31, 0);
		assert_int_equal(sc->hash_bits, bits);
		for (uint64_t v = 0; v < 8; v++) {
			uint64_t s = v * 8;
			unsigned long h = ssdcache_hash_wrap(sc, s);
			if (bits == 0) {
				assert_int_equal(h, 0);
				assert_int_equal(rehash_block(sc, s, h), 0); /* one cmd, scanned five times */
				continue;
			}
			assert_int_equal(h, tab[bits][v][0]);
			assert_int_equal(ssdcache_hash_64(sc, s), tab[bits][v][1]);
			for (int k = 0; k < 5; k++) {
				assert_int_equal(h, tab[bits][v][2 + k]);
				h = rehash_block(sc, s, h);
			}
		}
		ssdcache_dtr(sc);
		ssdcache_wq_destroy(wq);
	}
}

/* docs/engine.md §1.1: cache size and block size -> hash_bits, num_cmd */
static void test_geometry_table(void **state)
{
	static const struct {
		uint64_t cache;
		unsigned long bs, hash_bits, num_cmd;
	} rows[] = {
		{1ULL << 30, 256, 9, 512},        {2ULL << 30, 256, 10, 1024},
		{3ULL << 30, 256, 10, 1024},      {100ULL << 30, 256, 15, 32768},
		{64ULL << 30, 8, 20, 1048576},    {128ULL << 10, 8, 1, 2},
		{64ULL << 10, 8, 0, 1},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ssdcache_wq *wq;
		struct ssdcache_ctx *sc = make(&wq, rows[i].cache, rows[i].bs, HASH_LINUX31, 0);
		struct ssdcache_geometry g;
		ssdcache_get_geometry(sc, &g);
		assert_int_equal(g.hash_bits, rows[i].hash_bits);
		assert_int_equal(g.num_cmd, rows[i].num_cmd);
		assert_int_equal(g.cache_sectors_used, rows[i].num_cmd * 16 * rows[i].bs);
		ssdcache_dtr(sc);
		ssdcache_wq_destroy(wq);
	}
}

/* Q7 fixed: an odd step makes the chain visit distinct cmds (hash_bits 2, v2: step 0 -> 1 both
 * ways; v6: step 2 revisits in the seed). */
static void test_q7_odd_step(void **state)
{
	struct ssdcache_wq *wq;
	struct ssdcache_ctx *sc = make(&wq, 16ULL * 8 * 512 * 4, 8, HASH_LINUX31, 1ULL << 7);
	unsigned long h = ssdcache_hash_wrap(sc, 6 * 8), seen = 0;
	(void)state;
	for (int k = 0; k < 4; k++) {
		assert_false(seen & (1UL << h));
		seen |= 1UL << h;
		h = rehash_block(sc, 6 * 8, h);
	}
	ssdcache_dtr(sc);
	ssdcache_wq_destroy(wq);
}

/* docs/engine.md §1.2's to_cache_sector example: target sector 1000, slot 0 of cmd 3 -> 12520 */
static void test_cache_sector(void **state)
{
	struct ssdcache_wq *wq;
	struct ssdcache_ctx *sc = make(&wq, 2ULL << 30, 256, HASH_LINUX31, 0);
	struct ssdcache_md cmd = {.hash = 3, .num_cte = 16};
	struct ssdcache_io sio = {.sc = sc, .cmd = &cmd, .cte_idx = 0};
	(void)state;
	assert_int_equal(to_cache_sector(&sio, 1000), 12520);
	ssdcache_dtr(sc);
	ssdcache_wq_destroy(wq);
}

CM_MAIN(UT(test_linux31_vectors), UT(test_modern_vectors), UT(test_small_geometries),
	UT(test_geometry_table), UT(test_q7_odd_step), UT(test_cache_sector));
