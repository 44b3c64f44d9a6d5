/* test_strindex: the hash index behind linear duplicate-key and config-key look-ups: first
 * added wins for add, last wins for set, bytes compared (NUL inside, empty strings), and
 * every one of many keys found again across the index's growth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/strindex.h"

static void test_add_find(void **state)
{
	(void)state;
	struct strindex x = STRINDEX_INIT;
	assert_int_equal(strindex_find(&x, "a", 1), STRINDEX_NONE);
	assert_int_equal(strindex_add(&x, "a", 1, 0), 0);
	assert_int_equal(strindex_add(&x, "b", 1, 1), 1);
	assert_int_equal(strindex_add(&x, "a", 1, 7), 0); /* already there: the first stays */
	assert_int_equal(strindex_find(&x, "a", 1), 0);
	assert_int_equal(strindex_find(&x, "b", 1), 1);
	assert_int_equal(strindex_find(&x, "ab", 2), STRINDEX_NONE);
	assert_int_equal(strindex_find(&x, "a", 0), STRINDEX_NONE); /* "" is another key */
	assert_int_equal(strindex_add(&x, "", 0, 2), 2);
	assert_int_equal(strindex_find(&x, "", 0), 2);
	strindex_set(&x, "a", 1, 9); /* a later definition shadows */
	assert_int_equal(strindex_find(&x, "a", 1), 9);
	assert_int_equal(x.nr, 3);
	strindex_release(&x);
	assert_null(x.slots);
}

static void test_bytes_with_nul(void **state)
{
	(void)state;
	struct strindex x = STRINDEX_INIT;
	assert_int_equal(strindex_add(&x, "a\0b", 3, 1), 1);
	assert_int_equal(strindex_add(&x, "a\0c", 3, 2), 2);
	assert_int_equal(strindex_find(&x, "a\0b", 3), 1);
	assert_int_equal(strindex_find(&x, "a", 1), STRINDEX_NONE);
	strindex_release(&x);
}

static void test_many(void **state)
{
	(void)state;
	enum { N = 20000 };
	static char keys[N][16];
	struct strindex x = STRINDEX_INIT;
	for (size_t i = 0; i < N; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key-%zu", i);
		assert_int_equal(strindex_add(&x, keys[i], strlen(keys[i]), i), i);
	}
	assert_int_equal(x.nr, N);
	assert_true(x.cap >= 2 * N); /* kept at most half full */
	for (size_t i = 0; i < N; i++)
		assert_int_equal(strindex_find(&x, keys[i], strlen(keys[i])), i);
	assert_int_equal(strindex_find(&x, "key-20000", 9), STRINDEX_NONE);
	strindex_release(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_find),
		cmocka_unit_test(test_bytes_with_nul),
		cmocka_unit_test(test_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
