/* SPDX-License-Identifier: GPL-2.0 */
/* units.h - parsing and printing sizes (K/M/G/T, powers of 1024) and times (ns/us/ms/s). */
#ifndef SSDCACHE_UNITS_H
#define SSDCACHE_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* "4096", "64M", "1T", "1.5G" -> bytes. Suffixes K M G T (also KiB, MiB, ... and lower case),
 * powers of 1024. Returns 0 or -EINVAL (junk, negative, overflow). */
int parse_size(const char *s, uint64_t *bytes);

/* "5000000", "100us", "5ms", "1.5s", "250ns" -> nanoseconds. Plain numbers are ns.
 * Returns 0 or -EINVAL. */
int parse_time_ns(const char *s, uint64_t *ns);

/* Plain unsigned decimal with nothing after it. Returns 0 or -EINVAL. */
int parse_u64(const char *s, uint64_t *v);

/* "64 MiB", "1.5 GiB" (binary units, trimmed). */
void format_size(uint64_t bytes, char *buf, size_t len);
/* "100 us", "5.00 ms", "1.234 s". */
void format_time_ns(double ns, char *buf, size_t len);

#endif
