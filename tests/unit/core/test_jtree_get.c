/* jtree's lookups (jobj_get, jarr_at, jobj_str) on the shapes the executor reads from
 * servers and the container engine, and a parse without diags (malformed means absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/diag.h"
#include "executor/core/jtree.h"

static struct jnode *parse(const char *s)
{
	struct diags d = DIAGS_INIT;
	struct jnode *root = jtree_parse(s, strlen(s), "t.json", &d);
	assert_non_null(root);
	assert_int_equal(d.nr, 0);
	diags_release(&d);
	return root;
}

static void test_lookups(void **state)
{
	(void)state;
	struct jnode *root = parse("{\"Id\": \"abc\", \"n\": 3, \"a\": [1, {\"x\": \"y\"}],"
				   " \"Id\": \"last\", \"s\": null}");
	assert_string_equal(jobj_str(root, "Id"), "last"); /* the last of duplicates, as Python */
	assert_null(jobj_str(root, "n"));                   /* not a string */
	assert_null(jobj_str(root, "s"));
	assert_null(jobj_str(root, "missing"));
	const struct jnode *a = jobj_get(root, "a");
	assert_non_null(jarr_at(a, 0));
	assert_int_equal(jarr_at(a, 0)->type, JT_NUM);
	assert_string_equal(jobj_str(jarr_at(a, 1), "x"), "y");
	assert_null(jarr_at(a, 2));                          /* too short */
	assert_null(jarr_at(root, 0));                       /* not an array */
	assert_null(jarr_at(NULL, 0));
	assert_null(jobj_str(NULL, "Id"));
	assert_null(jobj_str(a, "Id"));                      /* not an object */
	jtree_free(root);
}

static void test_parse_without_diags(void **state)
{
	(void)state;
	static const char *const bad[] = { "", "{", "{\"a\":}", "[1,]", "{} x", "\"\\q\"" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(jtree_parse(bad[i], strlen(bad[i]), NULL, NULL));
	struct diags d = DIAGS_INIT;
	assert_null(jtree_parse("{", 1, "t.json", &d));
	assert_int_equal(d.nr, 1); /* with diags, the reason is kept */
	diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_parse_without_diags),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
