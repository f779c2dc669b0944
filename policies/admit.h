/* SPDX-License-Identifier: GPL-2.0 */
/* admit.h - helpers the admission rules share (private to policies/). */
#ifndef SSDCACHE_ADMIT_H
#define SSDCACHE_ADMIT_H

#include <stdint.h>

/* Bytes: plain, or a K/M/G/T suffix (powers of 1024). 0 or -EINVAL. */
int pol_parse_size(const char *s, uint64_t *out);

#endif
