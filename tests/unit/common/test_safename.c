/* test_safename: the one rule for values that become part of a path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/safename.h"

static void test_safe(void **state)
{
	(void)state;
	const char *ok[] = { "dsr1", "b200-nv_0", "dynamo-sglang", "fp8", "a.b", "x+y", "A9",
			     "a..b", "mi355x-disagg" };
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(safe_name_ok(ok[i]));
	char longest[SAFE_NAME_MAX + 2];
	memset(longest, 'a', SAFE_NAME_MAX);
	longest[SAFE_NAME_MAX] = '\0';
	assert_true(safe_name_ok(longest));
	longest[SAFE_NAME_MAX] = 'a';
	longest[SAFE_NAME_MAX + 1] = '\0';
	assert_false(safe_name_ok(longest));
}

static void test_unsafe(void **state)
{
	(void)state;
	const char *bad[] = { "", "..", ".", "../../../evil", "x/../../esc", "a/b", ".hidden", "-rf",
			      "a b", "a\tb", "a\nb", "a\x1b[31m", "$(id)", "a;b", "caf\xc3\xa9",
			      "a\\b", "~root", "a*" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(safe_name_ok(bad[i]));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe),
		cmocka_unit_test(test_unsafe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
