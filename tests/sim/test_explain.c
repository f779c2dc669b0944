// SPDX-License-Identifier: GPL-2.0
/* test_explain.c - the miss explanation's shadows: first access, LRU stack, growth, classification. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sim/explain.h"

/* Classify the access of block b as a read the engine missed (READ_MISS). */
static enum sim_miss miss(struct explain *e, uint64_t b)
{
	return explain_classify(explain_access(e, b * 8), CTE_READ_MISS);
}

static void test_three_c(void **state)
{
	struct explain *e = explain_new(2, 8); /* an LRU of two blocks of 8 sectors */
	(void)state;
	assert_int_equal(miss(e, 1), MISS_COMPULSORY);
	assert_int_equal(miss(e, 2), MISS_COMPULSORY);
	assert_int_equal(miss(e, 1), MISS_CONFLICT);  /* the LRU of 2 still holds 1 */
	assert_int_equal(miss(e, 3), MISS_COMPULSORY); /* evicts 2 (least recent) */
	assert_int_equal(miss(e, 2), MISS_CAPACITY);   /* seen, but not in an LRU of 2: evicts 1 */
	assert_int_equal(miss(e, 3), MISS_CONFLICT);
	assert_int_equal(miss(e, 1), MISS_CAPACITY);
	/* outcomes decide first */
	assert_int_equal(explain_classify(explain_access(e, 8), CTE_READ_CLEAN), MISS_NR);
	assert_int_equal(explain_classify(explain_access(e, 8), CTE_READ_BUSY), MISS_BUSY);
	assert_int_equal(explain_classify(explain_access(e, 8), CTE_WRITE_SKIP), MISS_POLICY);
	assert_int_equal(explain_classify(explain_access(e, 800), CTE_WRITE_SKIP), MISS_COMPULSORY);
	explain_free(e);
}

/* Through table growth (1024 -> 262144 entries) the LRU order survives: a cyclic scan of
 * capacity + 1 blocks always misses in LRU, a scan of capacity blocks always hits. */
static void test_growth_keeps_order(void **state)
{
	const uint64_t cap = 100000;
	struct explain *e = explain_new(cap, 8);
	(void)state;
	for (uint64_t b = 0; b < cap; b++)
		assert_int_equal(miss(e, b), MISS_COMPULSORY);
	for (int round = 0; round < 2; round++)
		for (uint64_t b = 0; b < cap; b++)
			assert_int_equal(miss(e, b), MISS_CONFLICT);
	assert_int_equal(miss(e, cap), MISS_COMPULSORY); /* evicts block 0 */
	for (uint64_t b = 0; b < 1000; b++)
		assert_int_equal(miss(e, b), MISS_CAPACITY); /* each evicts the next one */
	explain_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_c),
		cmocka_unit_test(test_growth_keeps_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
