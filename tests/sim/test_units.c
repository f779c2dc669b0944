// SPDX-License-Identifier: GPL-2.0
/* test_units.c - sim/base/units: sizes (case-blind suffixes, powers of 1024) and times (ns, us,
 * ms, s; case matters), exact integers, decimals rounded, junk and overflow refused. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>

#include "sim/base/units.h"

struct unit_case {
	const char *in;
	int rc;
	uint64_t want;
};

static void check(int (*parse)(const char *, uint64_t *), const char *what,
		  const struct unit_case *tc, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = 12345;
		int rc = parse(tc[i].in, &v);

		if (rc != tc[i].rc || (rc == 0 && v != tc[i].want))
			fail_msg("%s(\"%s\"): rc %d value %llu, expected rc %d value %llu", what,
				 tc[i].in, rc, (unsigned long long)v, tc[i].rc,
				 (unsigned long long)tc[i].want);
	}
}

static void test_size(void **state)
{
	static const struct unit_case tc[] = {
		{"4096", 0, 4096}, {"0", 0, 0}, {"512b", 0, 512},
		{"4K", 0, 4096}, {"4k", 0, 4096}, {"4KiB", 0, 4096}, {"4kb", 0, 4096},
		{"64M", 0, 64ULL << 20}, {"64MiB", 0, 64ULL << 20}, {"1G", 0, 1ULL << 30},
		{"1T", 0, 1ULL << 40}, {"2p", 0, 2ULL << 50}, {"1.5G", 0, 3ULL << 29},
		{".5K", 0, 512},
		/* 2^64 - 2^50 fits, 2^64 does not */
		{"16383P", 0, 16383ULL << 50}, {"16384P", -EINVAL, 0},
		{"18446744073709551615", 0, UINT64_MAX}, {"18446744073709551616", -EINVAL, 0},
		{"4X", -EINVAL, 0}, {"4 K", -EINVAL, 0}, {"-4K", -EINVAL, 0}, {"K", -EINVAL, 0},
		{"", -EINVAL, 0},
	};

	(void)state;
	check(parse_size, "parse_size", tc, sizeof(tc) / sizeof(tc[0]));
	assert_int_equal(parse_size(NULL, &(uint64_t){0}), -EINVAL);
}

static void test_time(void **state)
{
	static const struct unit_case tc[] = {
		{"5000000", 0, 5000000}, {"250ns", 0, 250}, {"100us", 0, 100000},
		{"5ms", 0, 5000000},
		{"1.5s", 0, 1500000000}, {"2s", 0, 2000000000}, {"0.0015ms", 0, 1500},
		/* case matters, unlike sizes */
		{"5MS", -EINVAL, 0}, {"5Ms", -EINVAL, 0}, {"5m", -EINVAL, 0}, {"5 ms", -EINVAL, 0},
		{"18446744073709551615ns", 0, UINT64_MAX}, {"18446744073709551615s", -EINVAL, 0},
		{"ms", -EINVAL, 0},
	};

	(void)state;
	check(parse_time_ns, "parse_time_ns", tc, sizeof(tc) / sizeof(tc[0]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_time),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
