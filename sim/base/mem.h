/* SPDX-License-Identifier: GPL-2.0 */
/* mem.h - growing several parallel arrays: each resize either succeeds or leaves its array as it
 * was, so a caller that fails half-way still owns valid blocks and frees them as usual. */
#ifndef SSDCACHE_MEM_H
#define SSDCACHE_MEM_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* *pp (pp: the address of any object pointer) becomes a block of bytes with the old contents
 * (realloc). false when out of memory: *pp is then unchanged. memcpy, not a cast to void **,
 * so that no pointer is written through a type it is not. */
static inline bool mem_resize(void *pp, size_t bytes)
{
	void *old, *q;

	memcpy(&old, pp, sizeof(old));
	q = realloc(old, bytes);
	if (!q)
		return false;
	memcpy(pp, &q, sizeof(q));
	return true;
}

#endif
