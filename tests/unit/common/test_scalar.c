/* scalar: every spelling the spec names is classified the way YAML 1.1 and 1.2 readers
 * would disagree on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/scalar.h"
#include "common/yamltree.h"

static enum scalar_kind classify(const char *s, bool plain)
{
	struct ynode n = { .kind = YNODE_SCALAR, .str = (char *)s, .len = strlen(s), .plain = plain };
	return scalar_classify(&n);
}

static void test_classify(void **state)
{
	(void)state;
	static const struct { const char *s; enum scalar_kind k; } rows[] = {
		{ "8", SC_INT }, { "0", SC_INT }, { "-3", SC_INT }, { "1024", SC_INT },
		{ "+8", SC_INT_ALT }, { "010", SC_INT_ALT }, { "0x8", SC_INT_ALT }, { "0o7", SC_INT_ALT },
		{ "0b101", SC_INT_ALT }, { "1_000", SC_INT_ALT }, { "1:20", SC_INT_ALT },
		{ "190:20:30", SC_INT_ALT },
		{ "8.0", SC_FLOAT }, { "1e3", SC_FLOAT }, { ".5", SC_FLOAT }, { ".inf", SC_FLOAT },
		{ "-.INF", SC_FLOAT }, { ".nan", SC_FLOAT }, { "1.5e-3", SC_FLOAT },
		{ "true", SC_BOOL }, { "false", SC_BOOL },
		{ "True", SC_BOOL_ALT }, { "FALSE", SC_BOOL_ALT }, { "yes", SC_BOOL_ALT },
		{ "No", SC_BOOL_ALT }, { "on", SC_BOOL_ALT }, { "OFF", SC_BOOL_ALT }, { "y", SC_BOOL_ALT },
		{ "~", SC_NULL }, { "null", SC_NULL }, { "NULL", SC_NULL }, { "", SC_NULL },
		{ "2024-01-31", SC_TIMESTAMP }, { "2024-1-3 1:02:03", SC_TIMESTAMP },
		{ "2024-01-31 10:00:00", SC_TIMESTAMP }, { "2024-01-31T10:00:00.5Z", SC_TIMESTAMP },
		{ "2024-1-3", SC_STRING }, { "2024-01-31 anything", SC_STRING },
		{ "2024-01-31x", SC_STRING },
		{ "fp8", SC_STRING }, { "1k1k", SC_STRING }, { "v0.5.2", SC_STRING },
		{ "1.2.3", SC_STRING }, { "lmsysorg/sglang:v0.5.2-cu129", SC_STRING },
		{ "h200-nv_0", SC_STRING }, { "8k", SC_STRING }, { "0x", SC_STRING },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (classify(rows[i].s, true) != rows[i].k)
			fail_msg("'%s': want %d, got %d", rows[i].s, rows[i].k, classify(rows[i].s, true));
		assert_int_equal(classify(rows[i].s, false), SC_STRING); /* quoted: always a string */
	}
}

static void test_to_long(void **state)
{
	(void)state;
	long v = 0;
	struct ynode n = { .kind = YNODE_SCALAR, .plain = true };
	n.str = "4096";
	assert_true(scalar_to_long(&v, &n));
	assert_int_equal(v, 4096);
	n.str = "99999999999999999999999";
	assert_false(scalar_to_long(&v, &n)); /* overflow is not a value */
	n.str = "010";
	assert_false(scalar_to_long(&v, &n));
	n.plain = false;
	n.str = "8";
	assert_false(scalar_to_long(&v, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_to_long),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
