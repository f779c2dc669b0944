// SPDX-License-Identifier: GPL-2.0
/* replay_sector.c - sector headers and CRC32C for the replay's prefill and --verify. */
#include "sim/replay_sector.h"

#include <stddef.h>
#include <string.h>

/* No library the project uses has CRC32C (zlib's crc32 is another polynomial); the table is
 * built once from the reflected Castagnoli polynomial 0x82F63B78 (RFC 3720, iSCSI). */
static uint32_t crc_table[256];
static bool crc_ready;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
	crc_ready = true;
}

static uint32_t crc_soft(uint32_t crc, const unsigned char *p, size_t len)
{
	if (!crc_ready)
		crc_init();
	while (len--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const unsigned char *p, size_t len)
{
	uint64_t c = crc;

	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
	}
	crc = (uint32_t)c;
	for (; len; p++, len--)
		crc = __builtin_ia32_crc32qi(crc, *p);
	return crc;
}
#endif

uint32_t rsec_crc32c(uint32_t crc, const void *buf, size_t len)
{
	crc = ~crc;
#if defined(__x86_64__)
	if (__builtin_cpu_supports("sse4.2"))
		return ~crc_hw(crc, buf, len);
#endif
	return ~crc_soft(crc, buf, len);
}

void rsec_fill(void *sector512, uint32_t run_id, uint64_t sector, uint64_t gen)
{
	unsigned char *s = sector512;
	struct rsec_hdr h = {.magic = RSEC_MAGIC, .run_id = run_id, .sector = sector, .gen = gen};
	uint64_t x = sector * 0x9E3779B97F4A7C15ull ^ gen ^ ((uint64_t)run_id << 32) ^ 1;

	for (size_t off = sizeof(h); off < RSEC_BYTES; off += 8) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64: filler only */
		memcpy(s + off, &x, 8);
	}
	memcpy(s, &h, sizeof(h));
	h.crc = rsec_crc32c(0, s, RSEC_BYTES);
	memcpy(s + offsetof(struct rsec_hdr, crc), &h.crc, sizeof(h.crc));
}

enum rsec_kind rsec_check(const void *sector512, struct rsec_hdr *hdr)
{
	const unsigned char *s = sector512;
	unsigned char tmp[RSEC_BYTES];
	struct rsec_hdr h;
	uint32_t zero = 0;

	memcpy(&h, s, sizeof(h));
	if (h.magic == RSEC_MAGIC) {
		memcpy(tmp, s, RSEC_BYTES);
		memcpy(tmp + offsetof(struct rsec_hdr, crc), &zero, sizeof(zero));
		if (rsec_crc32c(0, tmp, RSEC_BYTES) == h.crc) {
			*hdr = h;
			return RSEC_VALID;
		}
		return RSEC_BAD;
	}
	for (size_t i = 0; i < RSEC_BYTES; i++)
		if (s[i])
			return RSEC_BAD;
	return RSEC_ZERO;
}
