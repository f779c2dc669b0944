/* SPDX-License-Identifier: GPL-2.0 */
/* rep_util.h - internal to reports/ and the sweep/report/db commands: time, ids, hashing. */
#ifndef SSDCACHE_REP_UTIL_H
#define SSDCACHE_REP_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct sqlite3;
struct rep_db;

/* The connection behind a struct rep_db, for the query and report modules of reports/. */
struct sqlite3 *rep_db_conn(struct rep_db *db);

/* Busy timeout in ms: REP_DB_BUSY_TIMEOUT_MS, or env SSDCACHE_DB_TIMEOUT_MS. */
int rep_busy_timeout_ms(void);

/* Wall-clock Unix time in seconds (with fractions). */
double rep_now(void);
/* "2024-05-01T12:34:56.789Z" (UTC). */
void rep_format_time(double unix_s, char *buf, size_t len);
/* A random 128-bit id as 32 hex digits. Returns 0 or -errno (getrandom). */
int rep_uuid(char *buf, size_t len);

/* 16 hex digits of a text's hash (config_hash, shard names): sim/base/hash64, the hash of the
 * trace fingerprints. */
void rep_hash_text(const char *s, char *buf, size_t len);

#endif
