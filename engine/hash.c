// SPDX-License-Identifier: GPL-2.0
/* hash.c - the seed's hashing: hash_wrap (primary), hash_64 (secondary) and rehash_block (docs/engine.md §2). */
#include "engine/internal.h"

/* Linux 3.1 include/linux/hash.h; the seed's constant. */
#define GOLDEN_RATIO_PRIME_64 0x9e37fffffffc0001ULL
/* Linux >= 4.7; selectable, not the seed's. */
#define GOLDEN_RATIO_64 0x61C8864680B583EBULL

/* fls() of the kernel: 1-based index of the highest set bit of a 32-bit int, 0 for 0. */
int fls_int(int x)
{
	unsigned int v = (unsigned int)x;
	return v ? 32 - __builtin_clz(v) : 0;
}

/* The 64-bit fls the fixed mode uses (Q23). */
int fls64_ul(unsigned long x)
{
	return x ? 64 - __builtin_clzl(x) : 0;
}

/*
 * hash_64(val, bits). The 3.1 source computes val * GOLDEN_RATIO_PRIME_64 with a shift/add
 * sequence; that is exactly the product modulo 2^64 (docs/engine.md §2.2), so we multiply.
 * bits == 0 (one cmd): C's shift by 64 is undefined and the caller masks with 0; return 0.
 * The modern variant truncates to u32, as Linux >= 4.7 does.
 */
unsigned long ssdcache_hash_64_raw(enum ssdcache_hash_variant v, uint64_t value, unsigned bits)
{
	uint64_t hash;

	if (bits == 0)
		return 0;
	if (bits > 64)
		bits = 64;
	if (v == HASH_MODERN) {
		hash = value * GOLDEN_RATIO_64;
		return (uint32_t)(hash >> (64 - bits));
	}
	hash = value * GOLDEN_RATIO_PRIME_64;
	return hash >> (64 - bits);
}

/*
 * The constants of the inline ssdcache_hash_64 and ssdcache_hash_wrap (internal.h), once
 * hash_bits, sector_shift and the variant are known: ssdcache_hash_64_raw's arithmetic with
 * its cases folded in (bits 0: a zero multiplier; the modern variant: the low 32 bits kept).
 */
void ssdcache_hash_setup(struct ssdcache_ctx *sc)
{
	unsigned bits = sc->hash_bits > 64 ? 64 : (unsigned)sc->hash_bits;

	sc->hash_mul = bits == 0 ? 0 : sc->cfg.hash == HASH_MODERN ? GOLDEN_RATIO_64 : GOLDEN_RATIO_PRIME_64;
	sc->hash_shift = bits == 0 ? 0 : 64 - bits;
	sc->hash_keep = sc->cfg.hash == HASH_MODERN ? 0xffffffffUL : ~0UL;
	sc->hash_mask = (1UL << sc->hash_bits) - 1;
}

/*
 * rehash_block: h + hash_64 (masked), +1 when that lands on h again (hash_64 == 0).
 * Fixed Q7: an odd step, so the probe chain is a permutation of the cmds.
 */
unsigned long rehash_block(struct ssdcache_ctx *sc, sector_t sector, unsigned long hash_number)
{
	unsigned long result, hash_mask, step;

	hash_mask = sc->hash_mask;
	step = ssdcache_hash_64(sc, sector);
	if (FIXED(sc, 7))
		step |= 1;
	result = hash_number + step;
	if ((result & hash_mask) == hash_number)
		result++;
	return result & hash_mask;
}
