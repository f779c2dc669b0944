/* SPDX-License-Identifier: GPL-2.0 */
/* test_main.h - the main() of a cmocka test program: its tests in order, one group. */
#ifndef SSDCACHE_TEST_MAIN_H
#define SSDCACHE_TEST_MAIN_H

/* cmocka.h needs these first */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/*
 * TEST_MAIN(setup, teardown, cmocka_unit_test(a), cmocka_unit_test(b), ...) defines main():
 * one group named "tests" (the name cmocka prints), run with the group's setup and teardown
 * (NULL for none); the exit status is the number of failed tests, as cmocka returns it.
 */
#define TEST_MAIN(setup, teardown, ...)                                                            \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = {__VA_ARGS__};                                   \
		return cmocka_run_group_tests(tests, setup, teardown);                             \
	}

#endif
