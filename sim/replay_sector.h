/* SPDX-License-Identifier: GPL-2.0 */
/* replay_sector.h - the self-describing sectors the replay writes (prefill and --verify). */
#ifndef SSDCACHE_REPLAY_SECTOR_H
#define SSDCACHE_REPLAY_SECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Every 512-byte sector the replay writes with real data starts with a header, fio-verify
 * style: a magic number, the run that wrote it (RSEC_PREFILL_TARGET or _CACHE for a prefill),
 * the sector it belongs to (the target sector for user data; the device's own sector for a
 * prefill), the write
 * generation (the user write's version, 0 for a prefill) and a CRC32C of the whole sector
 * (computed with the crc field zero). The rest is filler derived from these fields, so that
 * no two sectors are alike and no device can deduplicate or compress them.
 */
#define RSEC_MAGIC 0x53534443u /* "SSDC" */
#define RSEC_BYTES 512
#define RSEC_PREFILL_TARGET 0u /* run ids of a prefill */
#define RSEC_PREFILL_CACHE 1u
#define RSEC_UNVERIFIED 2u /* a replay without --verify: one pattern for every write */
#define RSEC_RUN_MIN 3u /* the first run id of a replay with --verify */

struct rsec_hdr {
	uint32_t magic;
	uint32_t crc;
	uint32_t run_id;   /* RSEC_PREFILL_*, or the replay's */
	uint32_t pad;
	uint64_t sector;
	uint64_t gen;
};

/* CRC32C (Castagnoli), with the SSE 4.2 instruction when the CPU has it. */
uint32_t rsec_crc32c(uint32_t crc, const void *buf, size_t len);

/* Write one sector's header and filler. */
void rsec_fill(void *sector512, uint32_t run_id, uint64_t sector, uint64_t gen);

enum rsec_kind {
	RSEC_VALID,   /* magic and CRC good: the header can be trusted */
	RSEC_ZERO,    /* all zeros: a hole or zeroed space, never written with data */
	RSEC_BAD,     /* anything else: a bad CRC, a damaged magic, foreign data */
};

/* Classify a sector read back; *hdr is filled for RSEC_VALID. */
enum rsec_kind rsec_check(const void *sector512, struct rsec_hdr *hdr);

#endif
