/* yamltree: marks, aliases, merge-key order, duplicate keys, alias limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/buf.h"
#include "common/diag.h"
#include "common/yamltree.h"

static int load(struct ydoc *doc, const char *text, struct diags *d)
{
	return ydoc_load(doc, "t.yaml", text, strlen(text), d);
}

static void keys_of(struct buf *out, const struct ynode *map)
{
	buf_reset(out);
	for (size_t i = 0; i < map->nr; i++)
		buf_addf(out, "%s%s=%s", i ? "," : "", map->pairs[i].key->str,
			 map->pairs[i].value->kind == YNODE_SCALAR ? map->pairs[i].value->str : "?");
}

static void test_marks(void **state)
{
	(void)state;
	struct ydoc doc;
	struct diags d = DIAGS_INIT;
	assert_int_equal(load(&doc, "a:\n  b: [1, 22]\n", &d), 0);
	const struct ynode *b = ynode_get(ynode_get(doc.root, "a"), "b");
	assert_int_equal(b->line, 2);
	assert_int_equal(b->col, 6);
	assert_int_equal(b->items[1]->line, 2);
	assert_int_equal(b->items[1]->col, 10);
	ydoc_release(&doc);
	diags_release(&d);
}

static void test_merge_order(void **state)
{
	(void)state;
	struct ydoc doc;
	struct diags d = DIAGS_INIT;
	struct buf k = BUF_INIT;
	/* merged keys first in the merged map's order; written values win in place; in a list
	 * of merges the earlier map wins */
	const char *text = "x: &x {a: 1, b: 2, c: 3}\n"
			   "y: &y {c: 30, d: 40}\n"
			   "m: {z: 9, <<: *x, b: 20}\n"
			   "n: {<<: [*y, *x], e: 5}\n";
	assert_int_equal(load(&doc, text, &d), 0);
	keys_of(&k, ynode_get(doc.root, "m"));
	assert_string_equal(k.s, "a=1,b=20,c=3,z=9");
	keys_of(&k, ynode_get(doc.root, "n"));
	assert_string_equal(k.s, "c=30,d=40,a=1,b=2,e=5");
	/* an alias is the anchored node itself, and so is a merged value */
	assert_ptr_equal(ynode_get(ynode_get(doc.root, "m"), "a"),
			 ynode_get(ynode_get(doc.root, "x"), "a"));
	buf_release(&k);
	ydoc_release(&doc);
	diags_release(&d);
}

static void test_errors(void **state)
{
	(void)state;
	static const struct { const char *text; const char *want; } rows[] = {
		{ "a: 1\nb: 2\na: 3\n", "t.yaml:3:1: a: duplicate key, first defined at t.yaml:1:1\n" },
		{ "a: {x: 1, x: 2}\n", "t.yaml:1:11: a.x: duplicate key, first defined at t.yaml:1:5\n" },
		{ "a: *nope\n", "t.yaml:1:4: a: alias '*nope' refers to no anchor defined before it\n" },
		{ "a: &r [1, *r]\n", "t.yaml:1:11: a[1]: alias '*r' refers to a node that contains it\n" },
		{ "a: 1\n---\nb: 2\n", "t.yaml:2:1: expected one YAML document, found a second one\n" },
		{ "a: {<<: 5}\n", "t.yaml:1:9: a.<<: expected a mapping or a list of mappings to merge, "
				  "found a scalar\n" },
		{ "? [1]\n: 2\n", "t.yaml:1:3: expected a string as mapping key, found a list\n" },
		{ "a: [1\n", "t.yaml:2:1: YAML syntax error: did not find expected ',' or ']' while "
			     "parsing a flow sequence\n" },
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ydoc doc;
		struct diags d = DIAGS_INIT;
		struct buf msg = BUF_INIT;
		assert_int_equal(load(&doc, rows[i].text, &d), -1);
		diags_format(&msg, &d);
		assert_string_equal(msg.s, rows[i].want);
		buf_release(&msg);
		ydoc_release(&doc);
		diags_release(&d);
	}
}

static void test_alias_limit(void **state)
{
	(void)state;
	struct buf text = BUF_INIT;
	buf_adds(&text, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i < 9; i++) {
		buf_addf(&text, "a%d: &a%d [", i, i);
		for (int k = 0; k < 10; k++)
			buf_addf(&text, "%s*a%d", k ? ", " : "", i - 1);
		buf_adds(&text, "]\n");
	}
	struct ydoc doc;
	struct diags d = DIAGS_INIT;
	assert_int_equal(load(&doc, text.s, &d), -1);
	assert_non_null(strstr(d.v[0].msg, "expands to more than"));
	ydoc_release(&doc);
	diags_release(&d);
	buf_release(&text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_merge_order),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_alias_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
