// SPDX-License-Identifier: GPL-2.0
/* hash64.c - the streaming content hash (hash64.h). */
#include "sim/base/hash64.h"

#include <string.h>

#define HASH_SEED 0xcbf29ce484222325ULL
#define HASH_MUL 0x9e3779b97f4a7c15ULL

/* A little-endian word: one load (the hash must not depend on the host's byte order). */
static inline uint64_t le64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	return w;
}

static inline uint64_t mix(uint64_t h, uint64_t w)
{
	h ^= w;
	h *= HASH_MUL;
	return h ^ (h >> 32);
}

void hash64_init(struct hash64 *s)
{
	memset(s, 0, sizeof(*s));
	s->h = HASH_SEED;
}

void hash64_update(struct hash64 *s, const void *data, size_t n)
{
	const uint8_t *p = data;

	s->len += n;
	while (n && s->ncarry) {
		s->carry[s->ncarry++] = *p++;
		n--;
		if (s->ncarry == 8) {
			s->h = mix(s->h, le64(s->carry));
			s->ncarry = 0;
		}
	}
	uint64_t h = s->h; /* a local: p's bytes may alias s, which would reload s->h each word */
	for (; n >= 8; p += 8, n -= 8)
		h = mix(h, le64(p));
	s->h = h;
	while (n--)
		s->carry[s->ncarry++] = *p++;
}

uint64_t hash64_final(const struct hash64 *s)
{
	uint8_t tail[8] = {0};
	uint64_t h;

	memcpy(tail, s->carry, s->ncarry);
	h = mix(s->h, le64(tail) ^ ((uint64_t)s->ncarry << 56));
	return mix(h, s->len);
}

uint64_t hash64_text(const char *str)
{
	struct hash64 s;

	hash64_init(&s);
	hash64_update(&s, str, strlen(str));
	return hash64_final(&s);
}
