/* SPDX-License-Identifier: GPL-2.0 */
/* hash64.h - the one content hash of the tree: trace fingerprints and configuration ids. */
#ifndef SSDCACHE_HASH64_H
#define SSDCACHE_HASH64_H

#include <stddef.h>
#include <stdint.h>

/*
 * A streaming 64-bit non-cryptographic hash: little-endian 64-bit words, each xored in, then
 * a multiply and a xor-shift, fast enough to run while a trace is read (several GB/s). The
 * result does not depend on how the stream is split into updates (partial words are carried
 * over), and it is stable: stored trace fingerprints ("t1-...") and configuration hashes depend
 * on it. It resists accidental collisions, not an adversary.
 */
struct hash64 {
	uint64_t h, len;
	uint8_t carry[8];
	unsigned ncarry;
};

void hash64_init(struct hash64 *s);
void hash64_update(struct hash64 *s, const void *data, size_t n);
/* The hash of everything so far (s is not changed: more may follow). */
uint64_t hash64_final(const struct hash64 *s);
/* The hash of a string's bytes. */
uint64_t hash64_text(const char *str);

#endif
