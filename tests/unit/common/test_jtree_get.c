/* jtree's lookups (jobj_get, jarr_at, jobj_str) on the shapes the executor reads from
 * servers and the container engine, and a parse without diags (malformed means absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/jtree.h"

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

/* A stop flag set while a large document is read ends the read (NULL, one diag); unset, or
 * on a small document, the read completes. */
static void test_parse_stoppable(void **state)
{
	(void)state;
	struct buf doc = BUF_INIT;
	buf_addch(&doc, '[');
	for (int i = 0; i < 20000; i++)
		buf_addf(&doc, "%s{\"a\": %d}", i ? ", " : "", i);
	buf_addch(&doc, ']');
	volatile sig_atomic_t stop = 0;
	struct diags d = DIAGS_INIT;
	struct jnode *n = jtree_parse_stoppable(doc.s, doc.len, "m.json", &stop, &d);
	assert_non_null(n);
	assert_int_equal(n->nr, 20000);
	jtree_free(n);
	stop = SIGTERM;
	assert_null(jtree_parse_stoppable(doc.s, doc.len, "m.json", &stop, &d));
	assert_int_equal(d.errors, 1);
	assert_string_equal(d.v[0].msg, "interrupted while reading");
	n = jtree_parse_stoppable("[1, 2]", 6, "small.json", &stop, &d);
	assert_non_null(n); /* too small to look at the flag */
	jtree_free(n);
	diags_release(&d);
	buf_release(&doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_parse_without_diags),
		cmocka_unit_test(test_parse_stoppable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
