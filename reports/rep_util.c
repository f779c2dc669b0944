// SPDX-License-Identifier: GPL-2.0
/* rep_util.c - time stamps, random run ids and the content hash behind trace fingerprints. */
#include "reports/rep_util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

double rep_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void rep_format_time(double unix_s, char *buf, size_t len)
{
	time_t t = (time_t)unix_s;
	int ms = (int)((unix_s - (double)t) * 1000.0);
	struct tm tm;

	if (ms < 0)
		ms = 0;
	if (ms > 999)
		ms = 999;
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

int rep_uuid(char *buf, size_t len)
{
	uint8_t r[16];
	size_t got = 0;

	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(r) && 2 * i + 2 < len + 1; i++)
		snprintf(buf + 2 * i, len - 2 * i, "%02x", r[i]);
	return 0;
}

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL

static inline uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static inline uint64_t fmix64(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static inline void mix(struct rep_hash *h, uint64_t w)
{
	h->a ^= w * P1;
	h->a = rotl64(h->a, 31) * P2;
	h->b += w ^ P3;
	h->b = rotl64(h->b, 27) * P1 + h->a;
}

/* Little-endian load, so the fingerprint does not depend on the host's byte order. */
static inline uint64_t load64(const uint8_t *p)
{
	uint64_t w = 0;

	for (int i = 7; i >= 0; i--)
		w = (w << 8) | p[i];
	return w;
}

void rep_hash_init(struct rep_hash *h)
{
	memset(h, 0, sizeof(*h));
	h->a = P3;
	h->b = P2;
}

void rep_hash_update(struct rep_hash *h, const void *data, size_t n)
{
	const uint8_t *p = data;

	h->len += n;
	while (h->ntail && n) {
		h->tail[h->ntail++] = *p++;
		n--;
		if (h->ntail == 8) {
			mix(h, load64(h->tail));
			h->ntail = 0;
		}
	}
	for (; n >= 8; n -= 8, p += 8)
		mix(h, load64(p));
	while (n--)
		h->tail[h->ntail++] = *p++;
}

static void hash_final(const struct rep_hash *h0, uint64_t *x, uint64_t *y)
{
	struct rep_hash h = *h0;

	if (h.ntail) {
		memset(h.tail + h.ntail, 0, 8 - h.ntail);
		mix(&h, load64(h.tail));
	}
	mix(&h, h.len);
	*x = fmix64(h.a ^ h.b);
	*y = fmix64(h.b + *x);
}

void rep_hash_fingerprint(const struct rep_hash *h, char *buf, size_t len)
{
	uint64_t x, y;

	hash_final(h, &x, &y);
	snprintf(buf, len, "c1-%" PRIu64 "-%016" PRIx64 "%016" PRIx64, h->len, x, y);
}

void rep_hash_text(const char *s, char *buf, size_t len)
{
	struct rep_hash h;
	uint64_t x, y;

	rep_hash_init(&h);
	rep_hash_update(&h, s, strlen(s));
	hash_final(&h, &x, &y);
	snprintf(buf, len, "%016" PRIx64, x);
}
