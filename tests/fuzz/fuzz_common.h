/* SPDX-License-Identifier: GPL-2.0 */
/* fuzz_common.h - what every reader harness does: open bytes, read them all, check the contract. */
#ifndef SSDCACHE_FUZZ_COMMON_H
#define SSDCACHE_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "traces/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise is a finding: stop the fuzzer with a crash it can minimise. */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

/* Read data as format (NULL: detect) with these options; check what the interface promises. */
static inline void fuzz_read(const char *format, const uint8_t *data, size_t size, char event,
			     bool lenient, bool device, uint32_t dev)
{
	struct trc_opts o = {.format = format, .event = event, .lenient = lenient,
			     .has_device = device, .device = dev, .window = 16};
	struct trc *t;
	char err[512];
	struct trc_rec r;
	enum trc_status st;
	uint64_t n = 0, last = 0;

	err[0] = '\0';
	if (trc_open_mem(&t, "fuzz", data, size, &o, err, sizeof(err))) {
		FUZZ_CHECK(err[0] != '\0'); /* every refusal says why */
		return;
	}
	while ((st = trc_next(t, &r)) == TRC_OK) {
		char rwbs[8];
		FUZZ_CHECK(memchr(r.rwbs, '\0', sizeof(r.rwbs)) != NULL);
		FUZZ_CHECK(memchr(r.comm, '\0', sizeof(r.comm)) != NULL);
		FUZZ_CHECK(r.nsect || !r.sector);
		FUZZ_CHECK(r.latency_ns >= -1);
		trc_flags_to_rwbs(r.flags, rwbs);
		FUZZ_CHECK(!strcmp(rwbs, r.rwbs));
		FUZZ_CHECK(trc_position(t)->path != NULL);
		if (device)
			FUZZ_CHECK(r.dev == dev);
		/* never out of order (beyond the window it is an error, or skipped), and no range
		 * past 2^64 bytes */
		FUZZ_CHECK(!n || r.time_ns >= last);
		last = r.time_ns;
		FUZZ_CHECK(r.sector <= (1ULL << 55) - r.nsect);
		n++;
	}
	if (st == TRC_EBAD) {
		FUZZ_CHECK(trc_error(t)[0] != '\0');
		FUZZ_CHECK(trc_position(t)->path != NULL);
		FUZZ_CHECK(trc_next(t, &r) == TRC_EBAD); /* an error is final */
	} else {
		FUZZ_CHECK(st == TRC_EOF);
		FUZZ_CHECK(trc_next(t, &r) == TRC_EOF);
	}
	FUZZ_CHECK(trc_counts(t)->records == n);
	if (lenient && trc_counts(t)->skipped_bad)
		FUZZ_CHECK(trc_counts(t)->first_bad_msg[0] != '\0');
	FUZZ_CHECK(trc_bytes_done(t) <= size);
	trc_close(t);
}

#endif
