// SPDX-License-Identifier: GPL-2.0
/* test_hash64.c - sim/base/hash64: independent of how the stream is split, and the hash behind
 * trace fingerprints (one content hash in the tree). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/hash64.h"
#include "sim/trace_desc.h"

static void test_split_independent(void **state)
{
	uint8_t buf[1000];
	struct hash64 one, parts;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	hash64_init(&one);
	hash64_update(&one, buf, sizeof(buf));
	for (size_t step = 1; step < 20; step++) {
		hash64_init(&parts);
		for (size_t off = 0; off < sizeof(buf); off += step)
			hash64_update(&parts, buf + off, off + step > sizeof(buf) ? sizeof(buf) - off : step);
		assert_int_equal(hash64_final(&parts), hash64_final(&one));
	}
	/* the length counts: a zero byte more is another hash */
	hash64_update(&parts, "", 1);
	assert_int_not_equal(hash64_final(&parts), hash64_final(&one));
	assert_int_not_equal(hash64_text("a"), hash64_text("b"));
	assert_int_equal(hash64_text("config"), hash64_text("config"));
}

static void test_trace_fingerprint(void **state)
{
	const char *path = "data/traces/build/build.blkparse.txt";
	struct sim_trace_desc d;
	struct hash64 h;
	char err[512], fp[SIM_FINGERPRINT_MAX], buf[65536];
	size_t n, total = 0;
	FILE *f = fopen(path, "rb");

	(void)state;
	assert_non_null(f);
	hash64_init(&h);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		hash64_update(&h, buf, n);
		total += n;
	}
	fclose(f);
	sim_format_fingerprint(total, hash64_final(&h), fp, sizeof(fp));
	assert_int_equal(sim_trace_identify(path, NULL, &d, err, sizeof(err)), 0);
	assert_string_equal(d.fingerprint, fp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_independent),
		cmocka_unit_test(test_trace_fingerprint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
