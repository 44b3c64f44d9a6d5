/* suggest: edit distance (with transpositions) and the did-you-mean threshold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/suggest.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(edit_distance("conc-end", "conc-end"), 0);
	assert_int_equal(edit_distance("conc-ned", "conc-end"), 1); /* one swap */
	assert_int_equal(edit_distance("", "abc"), 3);
	assert_int_equal(edit_distance("kitten", "sitting"), 3);
}

static void test_closest(void **state)
{
	(void)state;
	static const char *const keys[] = { "conc-start", "conc-end", "conc-list", "tp", "ep" };
	assert_string_equal(suggest_closest("conc-ned", keys, 5), "conc-end");
	assert_string_equal(suggest_closest("conc_list", keys, 5), "conc-list");
	assert_string_equal(suggest_closest("pt", keys, 5), "tp");
	assert_null(suggest_closest("gpu", keys, 5));
	assert_null(suggest_closest("concurrency", keys, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_closest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
