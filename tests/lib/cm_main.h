/* SPDX-License-Identifier: GPL-2.0 */
/* cm_main.h - what cmocka test files share: main() from the list of tests, and expect_in (include
 * after cmocka.h). */
#ifndef SSDCACHE_CM_MAIN_H
#define SSDCACHE_CM_MAIN_H

#include <stdarg.h>
#include <string.h>

#include "tests/lib/test_main.h"

/* One test without setup or teardown (cmocka_unit_test), short so a list fills its lines. */
#define UT(f) cmocka_unit_test(f)

/*
 * CM_MAIN(UT(test_a), UT(test_b), ST_TEST(test_c)): test_main.h's TEST_MAIN without group setup
 * or teardown (the tests run in order as one group; the exit status is cmocka's).
 */
#define CM_MAIN(...) TEST_MAIN(NULL, NULL, __VA_ARGS__)

/*
 * expect_in(text, "a", "b", ...): text contains every one of the strings, or the test fails at
 * the caller's line naming the first one missing and the text. One check instead of a run of
 * assert_non_null(strstr(text, ...)).
 */
#define expect_in(text, ...) expect_in_at(__FILE__, __LINE__, text, __VA_ARGS__, (const char *)NULL)

static inline void expect_in_at(const char *file, int line, const char *text, ...)
{
	va_list ap;
	const char *s;

	va_start(ap, text);
	while ((s = va_arg(ap, const char *)))
		if (!text || !strstr(text, s)) {
			print_error("ERROR: '%s' not in:\n%s\n", s, text ? text : "(null)");
			va_end(ap);
			_fail(file, line);
			return;
		}
	va_end(ap);
}

#endif
