/* SPDX-License-Identifier: GPL-2.0 */
/* cm_main.h - a test file's main(): its cmocka tests, run as one group (include after cmocka.h). */
#ifndef SSDCACHE_CM_MAIN_H
#define SSDCACHE_CM_MAIN_H

/* One test without setup or teardown (cmocka_unit_test), short so a list fills its lines. */
#define UT(f) cmocka_unit_test(f)

/*
 * CM_MAIN(UT(test_a), UT(test_b), ST_TEST(test_c)) defines main(): the tests run in order as one
 * group without group setup; the exit status is the number of failed tests (cmocka's). Every file
 * wrote these five lines before; one macro keeps the list the only thing a file states.
 */
#define CM_MAIN(...)                                                                               \
	int main(void)                                                                             \
	{                                                                                          \
		const struct CMUnitTest tests[] = {__VA_ARGS__};                                   \
		return cmocka_run_group_tests(tests, NULL, NULL);                                  \
	}

#endif
