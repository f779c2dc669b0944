// SPDX-License-Identifier: GPL-2.0
/* test_hashtab.c - sim/base/hashtab: get/put/del/iterate against a plain array model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#include "sim/base/hashtab.h"

#define NKEYS 5000

/* Keys from a small space, so puts hit existing keys and deletions empty long probe runs
 * (with the table's wrap-around). */
static uint64_t key_of(unsigned i)
{
	return i % 3 ? (uint64_t)i * 64 : UINT64_MAX - 1 - i; /* near the top too */
}

static void check_model(const struct hashtab *h, const bool *present, const uint64_t *val)
{
	static unsigned seen[NKEYS];
	uint64_t n = 0, pos = 0;

	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < NKEYS; i++) {
		uint64_t *v = ht_get(h, key_of(i));
		assert_int_equal(v != NULL, present[i]);
		if (v)
			assert_int_equal(*v, val[i]);
		n += present[i];
	}
	assert_int_equal(h->nr, n);
	for (struct ht_ent *e; (e = ht_next(h, &pos));) {
		unsigned i;
		for (i = 0; i < NKEYS && key_of(i) != ht_key(e); i++)
			;
		assert_true(i < NKEYS);
		assert_true(present[i]);
		seen[i]++;
	}
	for (unsigned i = 0; i < NKEYS; i++)
		assert_int_equal(seen[i], present[i]);
}

static bool keep_odd(void *arg, const struct ht_ent *e)
{
	(void)arg;
	return e->val & 1;
}

static void test_random_ops(void **state)
{
	static bool present[NKEYS];
	static uint64_t val[NKEYS];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	struct hashtab h;

	(void)state;
	gsl_rng_set(r, 9);
	assert_int_equal(ht_init(&h, 0), 0);
	assert_int_equal(h.cap, 16);
	for (int round = 0; round < 40; round++) {
		/* grow phases (mostly puts), then shrink phases (mostly deletions) */
		double p_put = round % 2 ? 0.3 : 0.8;
		for (int op = 0; op < 4000; op++) {
			unsigned i = (unsigned)gsl_rng_uniform_int(r, NKEYS);
			if (gsl_rng_uniform(r) < p_put) {
				bool added;
				uint64_t *v = ht_put(&h, key_of(i), &added);
				assert_non_null(v);
				assert_int_equal(added, !present[i]);
				if (added)
					assert_int_equal(*v, 0);
				*v = val[i] = gsl_rng_get(r);
				present[i] = true;
			} else {
				assert_int_equal(ht_del(&h, key_of(i)), present[i]);
				present[i] = false;
			}
		}
		check_model(&h, present, val);
		assert_true(h.nr * 4 <= h.cap * 3);
	}
	/* a rehash keeping the odd values only, into the smallest table that holds them */
	uint64_t odd = 0, cap = 16;
	for (unsigned i = 0; i < NKEYS; i++)
		odd += present[i] && (val[i] & 1);
	while (cap / 4 * 3 < odd)
		cap *= 2;
	assert_int_equal(ht_rehash(&h, cap, keep_odd, NULL), 0);
	for (unsigned i = 0; i < NKEYS; i++)
		present[i] = present[i] && (val[i] & 1);
	check_model(&h, present, val);
	assert_int_equal(h.cap, cap);
	ht_clear(&h);
	memset(present, 0, sizeof(present));
	check_model(&h, present, val);
	ht_fini(&h);
	gsl_rng_free(r);
}

static void test_empty_key_and_sizing(void **state)
{
	struct hashtab h;
	bool added = true;

	(void)state;
	assert_int_equal(ht_init(&h, 1000), 0);
	assert_true(h.cap / 4 * 3 >= 1000);
	uint64_t cap = h.cap;
	assert_null(ht_put(&h, HT_EMPTY, &added)); /* the free-slot marker cannot be stored */
	assert_false(added);
	assert_null(ht_get(&h, HT_EMPTY));
	assert_false(ht_del(&h, HT_EMPTY));
	for (uint64_t k = 0; k < 1000; k++) /* sequential keys: no growth before n */
		*ht_put(&h, k, NULL) = k + 1;
	assert_int_equal(h.cap, cap);
	assert_int_equal(*ht_get(&h, 999), 1000);
	/* a rebuild by hand: every entry into a new table with ht_put_absent */
	struct hashtab c;
	uint64_t pos = 0;
	assert_int_equal(ht_init(&c, 1000), 0);
	for (struct ht_ent *e; (e = ht_next(&h, &pos));)
		*ht_put_absent(&c, ht_key(e)) = e->val;
	assert_int_equal(c.nr, 1000);
	for (uint64_t k = 0; k < 1000; k++)
		assert_int_equal(*ht_get(&c, k), k + 1);
	assert_null(ht_get(&c, 1000));
	ht_fini(&c);
	ht_fini(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_ops),
		cmocka_unit_test(test_empty_key_and_sizing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
