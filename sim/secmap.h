/* SPDX-License-Identifier: GPL-2.0 */
/* secmap.h - a sparse map from sector to a 32-bit value (default 0), in 64-sector chunks. */
#ifndef SSDCACHE_SECMAP_H
#define SSDCACHE_SECMAP_H

#include <stdint.h>

/* Open addressing over chunk numbers; memory follows the footprint touched (about 4 bytes per
 * sector written plus the chunk index), never the trace length. */
struct secmap;

struct secmap *secmap_new(void);
void secmap_free(struct secmap *m);
uint32_t secmap_get(const struct secmap *m, uint64_t sector);
void secmap_set(struct secmap *m, uint64_t sector, uint32_t v);
/* max(old, v) */
void secmap_raise(struct secmap *m, uint64_t sector, uint32_t v);

#endif
