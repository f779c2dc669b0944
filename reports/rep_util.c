// SPDX-License-Identifier: GPL-2.0
/* rep_util.c - time stamps, random run ids, configuration hashes. */
#include "reports/rep_util.h"
#include "sim/base/hash64.h"

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

void rep_hash_text(const char *s, char *buf, size_t len)
{
	snprintf(buf, len, "%016" PRIx64, hash64_text(s));
}
