/* keymatch: fnmatch patterns for test-config, '*'-only wildcards for the changelog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "matrixgen/keymatch.h"

static void test_glob(void **state)
{
	(void)state;
	static const struct { const char *p, *k; bool want; } rows[] = {
		{ "dsr1-*", "dsr1-fp8-h200-sglang", true }, { "*-sglang", "dsr1-fp8-h200-sglang", true },
		{ "dsr1-fp?-*", "dsr1-fp8-h200", true }, { "m[13]-x", "m3-x", true },
		{ "m[!13]-x", "m3-x", false }, { "m[!13]-x", "m2-x", true }, { "DSR1*", "dsr1-x", false },
		{ "dsr1", "dsr1-x", false }, { "*a/b*", "xa/by", true }, { "a\\*", "a\\b", true },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(key_glob_match(rows[i].p, rows[i].k), rows[i].want);
	assert_true(key_is_pattern("a*"));
	assert_true(key_is_pattern("a?"));
	assert_false(key_is_pattern("s[1]-fp8"));
}

static void test_star(void **state)
{
	(void)state;
	static const struct { const char *p, *k; bool want; } rows[] = {
		{ "dsr1-*-sglang", "dsr1-fp8-h200-sglang", true }, { "*", "", true },
		{ "a*", "a", true }, { "*b*", "abc", true }, { "a*c*e", "abcde", true },
		{ "a*c*e", "abcdef", false }, { "m?-x", "m1-x", false }, { "m?-x", "m?-x", true },
		{ "m[1]-x", "m1-x", false }, { "m[1]-x", "m[1]-x", true }, { "**x", "x", true },
		{ "a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		assert_int_equal(key_star_match(rows[i].p, rows[i].k), rows[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glob),
		cmocka_unit_test(test_star),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
